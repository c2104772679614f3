// Static assets live next to lib/, in public/: the path is resolved from this file, so it does
// not depend on where the helper is called from.
const express = require('express');
const path = require('path');

function serveAssets(app) {
  app.use(express.static(path.join(__dirname, '..', 'public')));
}

module.exports = { serveAssets };
