//! The code actions for a range of a document: a quick fix per fixable finding there (that
//! finding's move alone), `source.fixAll.static-first` (the whole file's fix, what `--write`
//! writes) and "ignore this finding" (a suppression comment, the cursor put where its reason
//! goes when the client can show a document at a place).

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Command, Position, Range, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::json;

use super::diagnostics;
use super::positions::{Encoding, Lines};
use crate::edit::ignore_comment;
use crate::pipeline::outcome::Found;
use crate::report::{EditorWords, Replacement};
use crate::source::Source;

/// The kind of the whole-file fix.
pub const FIX_ALL: &str = "source.fixAll.static-first";

/// The command an "ignore" action runs: the server asks the client to show the document with
/// the cursor at its arguments' position.
pub const PLACE_CURSOR: &str = "static-first.placeCursor";

/// What the request asked for and what the client can do.
pub struct Request<'a> {
    pub uri: &'a Uri,
    pub range: Range,
    /// `context.only`: the kinds wanted, when the client says.
    pub only: Option<&'a [CodeActionKind]>,
    pub encoding: Encoding,
    /// The client handles `window/showDocument` with a selection.
    pub show_document: bool,
}

impl Request<'_> {
    fn wants(&self, kind: &str) -> bool {
        self.only.is_none_or(|only| {
            only.iter().any(|k| kind == k.as_str() || kind.starts_with(&format!("{}.", k.as_str())))
        })
    }
}

/// The actions for `request` on the document's `text`, analysed as `findings` with `fixed` the whole
/// file's fix (after any BOM); `fix_one` gives the text after a BOM with only the finding at a
/// static offset fixed.
pub fn code_actions(
    request: &Request<'_>,
    text: &str,
    findings: &[Found],
    fixed: Option<&str>,
    fix_one: &mut dyn FnMut(u32) -> Option<String>,
) -> Vec<CodeActionOrCommand> {
    let source = Source::new(text);
    let lines = Lines::new(text);
    let mut actions = Vec::new();
    let here = findings.iter().filter(|f| {
        !f.is_suppressed() && overlaps(diagnostics::finding_range(&lines, f, request.encoding), request.range)
    });
    if request.wants(CodeActionKind::QUICKFIX.as_str()) {
        for f in here {
            let diagnostic = diagnostics::for_finding(request.uri, &lines, f, request.encoding);
            if f.is_fixable()
                && let Some(after) = fix_one(f.at.span.0)
            {
                actions.push(CodeAction {
                    title: EditorWords::QUICK_FIX.to_string(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(edit(request, &lines, text, &source.with_text(&after))),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                });
            }
            actions.push(ignore(request, &lines, text, source.newline, f, diagnostic));
        }
    }
    if request.wants(FIX_ALL)
        && let Some(fixed) = fixed
    {
        actions.push(CodeAction {
            title: EditorWords::FIX_ALL.to_string(),
            kind: Some(CodeActionKind::new(FIX_ALL)),
            edit: Some(edit(request, &lines, text, &source.with_text(fixed))),
            ..CodeAction::default()
        });
    }
    actions.into_iter().map(CodeActionOrCommand::CodeAction).collect()
}

/// "Ignore this finding": the suppression comment above the static registration's line.
fn ignore(
    request: &Request<'_>,
    lines: &Lines<'_>,
    text: &str,
    newline: &str,
    f: &Found,
    diagnostic: lsp_types::Diagnostic,
) -> CodeAction {
    let (inserted, reason_at) = ignore_comment(text, f.at.span.0 as usize, newline);
    let start = lines.position(inserted.start, request.encoding);
    let typed = &inserted.insert[..reason_at];
    let width = match request.encoding {
        Encoding::Utf8 => typed.len(),
        Encoding::Utf16 => typed.encode_utf16().count(),
    };
    // The comment's line is the finding's old line, its reason at the comment's end.
    let cursor = Position { line: start.line, character: width as u32 };
    let edit = TextEdit { range: Range { start, end: start }, new_text: inserted.insert };
    CodeAction {
        title: EditorWords::IGNORE.to_string(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(request.uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        command: request.show_document.then(|| Command {
            title: EditorWords::IGNORE.to_string(),
            command: PLACE_CURSOR.to_string(),
            arguments: Some(vec![json!(request.uri), json!(cursor)]),
        }),
        ..CodeAction::default()
    }
}

/// The smallest single edit from `before` to `after`.
fn edit(request: &Request<'_>, lines: &Lines<'_>, before: &str, after: &str) -> WorkspaceEdit {
    let replacement = Replacement::between(before, after);
    let range = Range {
        start: lines.position(replacement.start, request.encoding),
        end: lines.position(replacement.end, request.encoding),
    };
    let edit = TextEdit { range, new_text: replacement.inserted };
    WorkspaceEdit {
        changes: Some(HashMap::from([(request.uri.clone(), vec![edit])])),
        ..WorkspaceEdit::default()
    }
}

/// Whether two ranges share a position (an empty range at a finding's edge counts).
fn overlaps(a: Range, b: Range) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(a.start) <= key(b.end) && key(b.start) <= key(a.end)
}
