// Serves several end-to-end apps from one Node process, so a test run starts one process per
// stage instead of one per app: each entry named on the command line is loaded in turn (from
// its own directory), and once it prints its "listening on PORT" line, "INDEX PORT" is printed
// and the next is loaded. An entry that fails to load ends the process with its error.
'use strict';
const path = require('path');
const { pathToFileURL } = require('url');

const entries = process.argv.slice(2);
const print = console.log.bind(console);
let index = 0;

console.log = (...args) => {
  const listening = typeof args[0] === 'string' && /^listening on (\d+)$/.exec(args[0]);
  if (!listening) {
    console.error(...args);
    return;
  }
  print(`${index} ${listening[1]}`);
  index += 1;
  load();
};

function load() {
  if (index === entries.length) return;
  const entry = path.resolve(entries[index]);
  process.chdir(path.dirname(entry));
  import(pathToFileURL(entry).href).catch((error) => {
    console.error(`${entry}: ${error && error.stack}`);
    process.exit(1);
  });
}

load();
