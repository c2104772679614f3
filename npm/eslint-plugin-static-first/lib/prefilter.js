'use strict';
// Whether a file can hold a finding, decided from its text alone, so that files that cannot
// never start a process. The same test as the CLI's (src/driver/read.rs), on the same needles
// (lib/needles.json, which a Rust test keeps equal to the knowledge table's): a session module
// and either a static module or a local module, counting the modules the nearest
// static-first.toml declares as session or static middleware; or a static module, a local
// module and a registration (`.use`).

const fs = require('node:fs');
const path = require('node:path');
const NEEDLES = require('./needles.json');

const CONFIG_FILE = 'static-first.toml';

/** Directory -> the declared modules that apply there ({ session: [], static: [] }). */
const declaredByDir = new Map();

/** The modules a static-first.toml declares as session and static middleware (`module#export` -> `module`). */
function declaredIn(toml) {
  const declared = { session: [], static: [] };
  for (const [, key, list] of toml.matchAll(/^\s*(session|static)\s*=\s*\[([^\]]*)\]/gm)) {
    for (const [, double, single] of list.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)) {
      const entry = double ?? single;
      const module = entry.split('#')[0].replace(/^node:/, '');
      if (module) declared[key].push(module);
    }
  }
  return declared;
}

function declaredFor(dir) {
  const known = declaredByDir.get(dir);
  if (known) return known;
  let declared;
  try {
    declared = declaredIn(fs.readFileSync(path.join(dir, CONFIG_FILE), 'utf8'));
  } catch {
    const parent = path.dirname(dir);
    declared = parent === dir ? { session: [], static: [] } : declaredFor(parent);
  }
  declaredByDir.set(dir, declared);
  return declared;
}

/** The declared modules for a file: from `config` when given, else the nearest static-first.toml. */
function declaredModules(filename, config) {
  if (config) {
    try {
      return declaredIn(fs.readFileSync(config, 'utf8'));
    } catch {
      return { session: [], static: [] };
    }
  }
  return declaredFor(path.dirname(path.resolve(filename)));
}

function mayHoldFinding(text, filename, config) {
  const has = (needle) => text.includes(needle);
  const declared = declaredModules(filename, config);
  const session = NEEDLES.session.some(has) || declared.session.some(has);
  const statics = NEEDLES.static.some(has) || declared.static.some(has);
  if (!session && !statics) return false;
  const local = NEEDLES.local.some(has);
  return (session && (statics || local)) || (statics && local && NEEDLES.registers.some(has));
}

module.exports = { mayHoldFinding };
