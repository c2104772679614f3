//! A document's findings as LSP diagnostics: each at its static registration, a warning with
//! the rule id and its link, the session registration as related information; malformed or
//! unused suppression comments as hints. The words come from the report layer.

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

use super::positions::{Encoding, Lines};
use crate::pipeline::FileOutcome;
use crate::pipeline::outcome::{Found, Note};
use crate::report::{DOCS_URI, EditorWords, RULE_ID};

/// The name every diagnostic carries as its source.
pub const SOURCE: &str = "static-first";

/// The range of a finding's static registration in the document's text.
pub fn finding_range(lines: &Lines<'_>, f: &Found, encoding: Encoding) -> Range {
    let (start, end) = f.at.span;
    Range { start: lines.position(start as usize, encoding), end: lines.position(end as usize, encoding) }
}

/// The diagnostic of one finding.
pub fn for_finding(uri: &Uri, lines: &Lines<'_>, f: &Found, encoding: Encoding) -> Diagnostic {
    let (start, end) = f.session_at.span;
    let session = Range {
        start: lines.position(start as usize, encoding),
        end: lines.position(end as usize, encoding),
    };
    Diagnostic {
        range: finding_range(lines, f, encoding),
        severity: Some(DiagnosticSeverity::WARNING),
        code: Some(NumberOrString::String(RULE_ID.to_string())),
        code_description: DOCS_URI.parse().ok().map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: EditorWords::diagnostic(f),
        related_information: Some(vec![DiagnosticRelatedInformation {
            location: Location { uri: uri.clone(), range: session },
            message: EditorWords::session_here(f),
        }]),
        tags: None,
        data: None,
    }
}

/// Every diagnostic of one analysis of `text`; suppressed findings have none.
pub fn diagnostics(uri: &Uri, text: &str, outcome: &FileOutcome, encoding: Encoding) -> Vec<Diagnostic> {
    let lines = Lines::new(text);
    let findings =
        outcome.findings.iter().filter(|f| !f.is_suppressed()).map(|f| for_finding(uri, &lines, f, encoding));
    let notes = outcome.notes.iter().map(|note| Diagnostic {
        range: note_range(text, &lines, note, encoding),
        severity: Some(DiagnosticSeverity::HINT),
        code: Some(NumberOrString::String(RULE_ID.to_string())),
        source: Some(SOURCE.to_string()),
        message: EditorWords::note(note),
        ..Diagnostic::default()
    });
    findings.chain(notes).collect()
}

/// A note's place: its 1-based line and column counted in characters, a BOM not counted.
fn note_range(text: &str, lines: &Lines<'_>, note: &Note, encoding: Encoding) -> Range {
    let line_start = lines.offset(Position { line: note.line as u32 - 1, character: 0 }, Encoding::Utf8);
    let line_start =
        if line_start == 0 && text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { line_start };
    let offset =
        text[line_start..].char_indices().nth(note.col - 1).map_or(text.len(), |(i, _)| line_start + i);
    let start = lines.position(offset, encoding);
    let end = lines.offset(Position { line: start.line, character: u32::MAX }, Encoding::Utf8);
    Range { start, end: lines.position(end, encoding) }
}
