'use strict';
// Which platform package carries the binary for this machine, and where that binary is.

const fs = require('node:fs');
const path = require('node:path');

const VERSION = require('../package.json').version;

/** The platform packages, by `<os>-<arch>[-musl]` (Node's `process.platform` and `process.arch`). */
const PACKAGES = {
  'linux-x64': '@static-first/cli-linux-x64',
  'linux-x64-musl': '@static-first/cli-linux-x64-musl',
  'linux-arm64': '@static-first/cli-linux-arm64',
  'linux-arm64-musl': '@static-first/cli-linux-arm64-musl',
  'darwin-x64': '@static-first/cli-darwin-x64',
  'darwin-arm64': '@static-first/cli-darwin-arm64',
};

/** Whether this is Linux with musl, asked once: Node's report takes tens of milliseconds. */
let musl;

/** Linux with musl (Alpine) reports no glibc version. */
function isMusl() {
  if (process.platform !== 'linux') return false;
  if (musl === undefined) {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
    musl = !report?.header?.glibcVersionRuntime;
  }
  return musl;
}

/** This machine as a key of PACKAGES: `linux-x64`, `linux-x64-musl`, `darwin-arm64`, ... */
function hostKey() {
  return `${process.platform}-${process.arch}${isMusl() ? '-musl' : ''}`;
}

class BinaryNotFound extends Error {}

/** The binary to run: `STATIC_FIRST_BINARY`, else the host's platform package's. Throws BinaryNotFound with what to do. */
function findBinary(env = process.env) {
  const override = env.STATIC_FIRST_BINARY;
  if (override) {
    try {
      if (!fs.statSync(override).isFile()) throw Object.assign(new Error('not a file'), { code: 'not a file' });
      fs.accessSync(override, fs.constants.X_OK);
    } catch (e) {
      throw new BinaryNotFound(
        `static-first: STATIC_FIRST_BINARY is set to ${JSON.stringify(override)}, which cannot be run (${e.code || e.message}); ` +
          'point it at a static-first executable, or unset it to use the platform package',
      );
    }
    return override;
  }
  const key = hostKey();
  const name = PACKAGES[key];
  if (!name) {
    throw new BinaryNotFound(
      `static-first: there is no prebuilt binary for ${key} (there are for ${Object.keys(PACKAGES).join(', ')}); ` +
        'build one with `cargo install static-first` (or from its repository) and set STATIC_FIRST_BINARY to its path',
    );
  }
  try {
    return require.resolve(`${name}/bin/static-first`);
  } catch {
    throw new BinaryNotFound(
      `static-first: the binary for ${key} comes in the package ${name}, which is not installed ` +
        '(npm leaves optional dependencies out with --omit=optional, or with a lockfile made on another platform); ' +
        `install it with \`npm install --save-dev ${name}@${VERSION}\`, or set STATIC_FIRST_BINARY to a static-first binary`,
    );
  }
}

module.exports = { findBinary, BinaryNotFound };

// `node platform.js` prints the host's package directory under npm/ (for npm/build.sh).
if (require.main === module) {
  const name = PACKAGES[hostKey()];
  if (!name) {
    process.stderr.write(`no platform package for ${hostKey()}\n`);
    process.exit(2);
  }
  process.stdout.write(`${path.basename(name)}\n`);
}
