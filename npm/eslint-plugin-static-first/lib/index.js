'use strict';
// eslint-plugin-static-first: the rule and a flat `configs.recommended` that turns it on.

const { version } = require('../package.json');
const rule = require('./rule');

const plugin = {
  meta: { name: 'eslint-plugin-static-first', version },
  rules: { 'session-before-static': rule },
  configs: {},
};

plugin.configs.recommended = {
  name: 'static-first/recommended',
  plugins: { 'static-first': plugin },
  rules: { 'static-first/session-before-static': 'error' },
};

module.exports = plugin;
