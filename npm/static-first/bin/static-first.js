#!/usr/bin/env node
'use strict';
// The `static-first` command: runs the platform package's binary (or STATIC_FIRST_BINARY) with
// this process's arguments and streams, and ends as it ended: its exit code, or its signal.

const { spawn } = require('node:child_process');
const os = require('node:os');
const { findBinary, BinaryNotFound } = require('../lib/platform');

/** The launcher's own failure: the tool's exit code for an error. */
const ERROR = 2;

let binary;
try {
  binary = findBinary();
} catch (e) {
  if (!(e instanceof BinaryNotFound)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exit(ERROR);
}

const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit' });
// A terminal's Ctrl-C reaches the child too (one process group); a signal sent to the launcher
// alone is passed on. Either way the launcher waits for the child to say how it ended.
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
for (const signal of FORWARDED) process.on(signal, () => child.kill(signal));

child.on('error', (e) => {
  const via = process.env.STATIC_FIRST_BINARY ? 'STATIC_FIRST_BINARY' : 'the platform package';
  process.stderr.write(`static-first: could not run ${binary} (from ${via}): ${e.message}\n`);
  process.exit(ERROR);
});

child.on('exit', (code, signal) => {
  if (signal === null) process.exit(code);
  for (const s of FORWARDED) process.removeAllListeners(s);
  process.kill(process.pid, signal);
  // A signal Node keeps ignoring (SIGPIPE) does not end it: the shell's convention instead.
  setTimeout(() => process.exit(128 + (os.constants.signals[signal] ?? 0)), 1000);
});
