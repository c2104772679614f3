// The VS Code client of `static-first lsp`: starts the server for JavaScript and TypeScript
// files and leaves everything else (diagnostics, quick fixes, fix-all, ignore) to the protocol.
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

let client;

/** The binary of the workspace's `static-first` npm package, if one is installed. */
function fromWorkspacePackage(folders) {
  for (const folder of folders || []) {
    const platform = path.join(folder.uri.fsPath, 'node_modules', 'static-first', 'lib', 'platform.js');
    if (fs.existsSync(platform)) {
      try {
        return require(platform).findBinary();
      } catch {
        // No binary for this platform there: the PATH is the last place to look.
      }
    }
  }
  return undefined;
}

/** The setting `static-first.path`, else the npm package, else `static-first` on the PATH. */
function serverCommand(setting, folders) {
  return setting || fromWorkspacePackage(folders) || 'static-first';
}

async function activate() {
  // Loaded here: finding the command needs only the `vscode` module.
  const { LanguageClient, TransportKind } = require('vscode-languageclient/node');
  const config = vscode.workspace.getConfiguration('static-first');
  const command = serverCommand(config.get('path'), vscode.workspace.workspaceFolders);
  const serverOptions = { command, args: ['lsp'], transport: TransportKind.stdio };
  const languages = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'];
  const clientOptions = {
    documentSelector: languages.map((language) => ({ scheme: 'file', language })),
    initializationOptions: { debounceMs: config.get('debounceMs') },
  };
  client = new LanguageClient('static-first', 'static-first', serverOptions, clientOptions);
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, serverCommand };
