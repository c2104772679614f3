'use strict';
// The worker thread behind `fixSourceSync(text, filename, { serve: true })`: it keeps one
// `static-first --serve` process per binary, directory and flags, writes each request to it as
// one line and resolves with the line it answers. synckit blocks the caller until then.

const { spawn } = require('node:child_process');
const readline = require('node:readline');
const { runAsWorker } = require('synckit');

/** Key -> { child, waiting, failed }: `waiting` resolves the request in flight. */
const servers = new Map();

function start(binary, args, cwd) {
  const server = { child: null, waiting: null, failed: null };
  const fail = (why) => {
    server.failed ??= why;
    server.waiting?.({ failed: server.failed });
    server.waiting = null;
  };
  try {
    server.child = spawn(binary, ['--serve', ...args], { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
  } catch (e) {
    fail(e.message);
    return server;
  }
  server.child.on('error', (e) => fail(e.message));
  // After its output has been read: a reply it wrote before it ended still counts.
  server.child.on('close', (code, signal) => fail(`the server ${signal ? `was killed by ${signal}` : `exited with ${code}`}`));
  // A server that is gone closes the pipe: its exit says why.
  server.child.stdin.on('error', () => {});
  readline.createInterface({ input: server.child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    const waiting = server.waiting;
    server.waiting = null;
    waiting?.({ reply: line });
  });
  return server;
}

/** One request's reply line, or why the server could not give it. */
runAsWorker((binary, args, cwd, request) => {
  const key = JSON.stringify([binary, args, cwd]);
  let server = servers.get(key);
  if (!server) {
    server = start(binary, args, cwd);
    servers.set(key, server);
  }
  if (server.failed) return { failed: server.failed };
  return new Promise((resolve) => {
    server.waiting = resolve;
    server.child.stdin.write(`${request}\n`);
  });
});
