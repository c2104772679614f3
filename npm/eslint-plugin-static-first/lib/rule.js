'use strict';
// The rule static-first/session-before-static: the CLI's findings for the file being linted,
// reported at each static registration with the CLI's message, the fix attached to the
// fixable ones. Each file that passes the prefilter is checked on the text ESLint holds, as
// `--stdin-filename` checks it (so static-first.toml and local modules are found from the
// file's place on disk), by one `static-first --serve` process per ESLint process, started on
// the first such file (static-first's `serve` option: a process per file if it cannot run).

const path = require('node:path');
const { fixSourceSync } = require('static-first');
const { mayHoldFinding } = require('./prefilter');

/** The extensions the CLI reads (not `.d.ts`). */
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** UTF-8 byte offsets of the CLI's spans, as indices into the JavaScript string. */
function byteToIndex(text) {
  if (Buffer.byteLength(text, 'utf8') === text.length) return (offset) => offset;
  const bytes = Buffer.from(text, 'utf8');
  return (offset) => bytes.subarray(0, offset).toString('utf8').length;
}

/** The fix as one replacement of `before` (the smallest: a move leaves the rest untouched). */
function replacement(before, after) {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  ) {
    end++;
  }
  return { range: [start, before.length - end], text: after.slice(start, after.length - end) };
}

/**
 * The CLI's warning text: the message, for a finding left for review its reason and blocking
 * line, for a partial fix which statics stay (each reported on its own, without a fix).
 */
function messageOf(finding) {
  let message = finding.message;
  if (finding.status === 'review') message += ` (${finding.reason}, blocked by line ${finding.blocking_line})`;
  if (finding.partial) message += `; note: ${finding.partial}`;
  if (finding.note) message += `; note: ${finding.note}`;
  return message;
}

module.exports = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'Register express.static (and other static-file middleware) before session middleware, so static responses do not load or create sessions',
      url: 'https://github.com/static-first/static-first#readme',
    },
    fixable: 'code',
    schema: [
      {
        type: 'object',
        properties: {
          config: { type: 'string', description: 'A static-first.toml for every file, instead of the nearest one' },
        },
        additionalProperties: false,
      },
    ],
  },

  create(context) {
    const filename = context.filename;
    if (!SOURCE.test(filename) || filename.endsWith('.d.ts')) return {};
    const sourceCode = context.sourceCode;
    const text = sourceCode.text;
    const config = context.options[0]?.config && path.resolve(context.cwd, context.options[0].config);
    if (!mayHoldFinding(text, filename, config)) return {};
    return {
      Program() {
        let report;
        try {
          // Relative to ESLint's directory, so that paths in messages read as the CLI's run there.
          const relative = path.relative(context.cwd, path.resolve(context.cwd, filename));
          report = fixSourceSync(text, relative, { cwd: context.cwd, config, serve: true });
        } catch (e) {
          context.report({ loc: { line: 1, column: 0 }, message: `static-first could not check this file: ${e.message}` });
          return;
        }
        const file = report.files[0];
        if (!file || file.skipped) return;
        if (file.error) {
          context.report({ loc: { line: 1, column: 0 }, message: `static-first: ${file.error}` });
          return;
        }
        const index = byteToIndex(text);
        const fix = file.fixed_source === undefined ? null : replacement(text, file.fixed_source);
        for (const note of file.notes) {
          context.report({ loc: { line: note.line, column: note.column - 1 }, message: note.message });
        }
        for (const finding of file.findings) {
          if (finding.status !== 'fixable' && finding.status !== 'review') continue;
          const loc = {
            start: sourceCode.getLocFromIndex(index(finding.static.span.start)),
            end: sourceCode.getLocFromIndex(index(finding.static.span.end)),
          };
          context.report({
            loc,
            message: messageOf(finding),
            // Every fixable finding carries the file's whole fix: ESLint applies it once.
            fix: finding.status === 'fixable' && fix ? (fixer) => fixer.replaceTextRange(fix.range, fix.text) : null,
          });
        }
      },
    };
  },
};
