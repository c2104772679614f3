'use strict';
// The Node API: the CLI's JSON report (`--format json`, schema-versioned) for paths on disk or
// for one source text, from the same binary the `static-first` command runs: one process per
// call, or for `fixSourceSync` with `serve: true` one long-lived `--serve` process for all calls.

const { spawn, spawnSync } = require('node:child_process');
const { findBinary } = require('./platform');

/** A server that has not answered by then is given up on, and the request runs in its own
 * process: well past the longest the CLI lets a file take (the TypeScript probe's 30 s, then
 * detection's 10 s). */
const SERVER_TIMEOUT = 120_000;
/** synckit's blocking call into lib/server.js, made on the first call with `serve: true`. */
let serverCall;
/** Why the server could not start or died: from then on every call runs its own process. */
let serverFailed;

/** The largest report read back (the CLI's json holds a diff per fixed file). */
const MAX_BUFFER = 1 << 30;

/** The flags every call shares. */
function flags(options) {
  const args = ['--format', 'json', '--color', 'never'];
  if (options.config) args.push('--config', options.config);
  if (options.maxFilesize !== undefined) args.push('--max-filesize', String(options.maxFilesize));
  if (options.threads !== undefined) args.push('--threads', String(options.threads));
  return args;
}

function checkArgs(paths, options) {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  const args = flags(options);
  if (options.write) args.push('--write');
  if (options.check) args.push('--check');
  return [...args, '--', ...list];
}

function fixArgs(filename, options) {
  return [...flags(options), '--stdin-filename', filename, '-'];
}

/** The report in a finished run's output, or the error that stopped the run before it had one. */
function report(status, signal, stdout, stderr) {
  if (status === 0 || status === 1 || status === 2) {
    try {
      return JSON.parse(stdout);
    } catch {
      // A run stopped by an error before its report (bad arguments, an invalid configuration).
    }
  }
  const how = signal ? `was killed by ${signal}` : `exited with ${status}`;
  const error = new Error(`static-first ${how}: ${stderr.trim() || 'no output'}`);
  error.exitCode = status;
  error.stderr = stderr;
  throw error;
}

function binaryOf(options) {
  return options.binary ?? findBinary();
}

function runSync(args, input, options) {
  const result = spawnSync(binaryOf(options), args, {
    cwd: options.cwd,
    input,
    encoding: 'utf8',
    maxBuffer: MAX_BUFFER,
  });
  if (result.error) throw result.error;
  return report(result.status, result.signal, result.stdout, result.stderr);
}

function runAsync(args, input, options) {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(binaryOf(options), args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      reject(e);
      return;
    }
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      try {
        resolve(report(status, signal, Buffer.concat(out).toString('utf8'), Buffer.concat(err).toString('utf8')));
      } catch (e) {
        reject(e);
      }
    });
    // A run that stops before reading its input closes the pipe: its report says why.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** Checks files and directories (fixes them with `write: true`); resolves to the JSON report. */
function check(paths, options = {}) {
  return runAsync(checkArgs(paths, options), '', options);
}

function checkSync(paths, options = {}) {
  return runSync(checkArgs(paths, options), '', options);
}

/** Checks one source text as if it were `filename`; the report's file has `fixed_source` when there is a fix. */
function fixSource(text, filename, options = {}) {
  return runAsync(fixArgs(filename, options), text, options);
}

/** The flags of a server that answers what `fixArgs` asks (each request names its file). */
function serveArgs(options) {
  const args = [];
  if (options.config) args.push('--config', options.config);
  if (options.maxFilesize !== undefined) args.push('--max-filesize', String(options.maxFilesize));
  return args;
}

/** The server's report for one text (thrown as `runSync` throws, where the CLI would stop), or undefined when there is no server. */
function viaServer(binary, text, filename, options) {
  if (serverFailed) return undefined;
  let reply;
  try {
    if (!serverCall) serverCall = require('synckit').createSyncFn(require.resolve('./server.js'), { timeout: SERVER_TIMEOUT });
    const request = JSON.stringify({ filename, source: text });
    const answer = serverCall(binary, serveArgs(options), options.cwd ?? process.cwd(), request);
    if (answer.failed) throw new Error(answer.failed);
    reply = JSON.parse(answer.reply);
  } catch (e) {
    serverFailed = e.message;
    return undefined;
  }
  if (reply.files) return reply;
  return report(reply.exit_code, null, '', `static-first: error: ${reply.error}\n`);
}

function fixSourceSync(text, filename, options = {}) {
  if (options.serve) {
    const reply = viaServer(binaryOf(options), text, filename, options);
    if (reply) return reply;
  }
  return runSync(fixArgs(filename, options), text, options);
}

module.exports = { check, checkSync, fixSource, fixSourceSync, findBinary };
