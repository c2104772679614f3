//! The json format: one document on stdout, its shape fixed by `docs/static-first.schema.json`.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::error::Exit;

use super::{FileReport, Found, Mode, Reporter, Status, Summary, display_name};

/// Bumped whenever a field is renamed, removed or changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

pub const RULE_ID: &str = "static-first/session-before-static";

/// Where the rule's reader learns why the order matters (SARIF's `helpUri`).
pub const HELP_URI: &str = "https://github.com/expressjs/session/issues/114";

/// The project's documentation of the rule, what it finds and what it moves (the editor's link
/// on the rule id, as the ESLint rule's `docs.url`).
pub const DOCS_URI: &str = "https://github.com/static-first/static-first#readme";

pub struct Json {
    mode: Mode,
    files: Vec<Value>,
    /// The document on one line (`--serve`'s replies), instead of indented.
    one_line: bool,
}

impl Json {
    pub fn new(mode: Mode) -> Self {
        Json { mode, files: Vec::new(), one_line: false }
    }

    /// The same document on one line, for `--serve`: one reply per request line.
    pub fn one_line(mode: Mode) -> Self {
        Json { one_line: true, ..Json::new(mode) }
    }
}

fn finding(f: &Found, written: bool) -> Value {
    let (reason, blocking_line) = match &f.status {
        Status::Review { reason, blocked_by } => (json!(reason.to_string()), json!(blocked_by)),
        Status::Suppressed { reason } => (json!(reason), Value::Null),
        Status::Fixable { .. } => (Value::Null, Value::Null),
    };
    json!({
        "rule_id": RULE_ID,
        "message": f.message(),
        "status": f.status.word(written),
        "receiver": f.receiver,
        "static": {
            "middleware": f.static_what,
            "line": f.at.line,
            "column": f.at.col,
            "span": { "start": f.at.span.0, "end": f.at.span.1 },
        },
        "session": {
            "middleware": f.session_what,
            "line": f.session_at.line,
            "column": f.session_at.col,
            "span": { "start": f.session_at.span.0, "end": f.session_at.span.1 },
        },
        "reason": reason,
        "blocking_line": blocking_line,
        "risk": { "level": f.session.risk.to_string(), "reason": f.session.why.to_string() },
        "note": f.note(),
        "partial": f.partial(),
        "plan": {
            "chosen": f.plan.chosen.map(|d| d.to_string()),
            "candidates": f.plan.candidates.iter().map(|c| json!({
                "direction": c.direction.to_string(),
                "moved_lines": c.moved_lines,
                "anchor_line": c.anchor_line,
                "valid": c.blocked.is_none(),
                "blocking_line": c.blocked.as_ref().map(|b| b.0),
                "reason": c.blocked.as_ref().map(|b| b.1.to_string()),
            })).collect::<Vec<_>>(),
            "stayed": f.plan.stayed.iter().map(|s| json!({
                "line": s.line,
                "blocking_line": s.blocked_by,
                "reason": s.reason.to_string(),
            })).collect::<Vec<_>>(),
        },
    })
}

impl Reporter for Json {
    fn file(&mut self, _out: &mut dyn Write, _err: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if report.findings.is_empty()
            && report.notes.is_empty()
            && report.error.is_none()
            && report.skipped.is_none()
        {
            return Ok(());
        }
        let mut file = json!({
            "path": display_name(&report.path),
            "findings": report.findings.iter().map(|f| finding(f, report.written)).collect::<Vec<_>>(),
            "notes": report.notes.iter().map(|n| json!({ "line": n.line, "column": n.col, "message": n.issue.to_string() })).collect::<Vec<_>>(),
            "diff": report.diff,
            "written": report.written,
            "error": report.error.as_ref().map(|e| e.to_string()),
            "skipped": report.skipped,
        });
        if let Some(fixed) = &report.fixed_source {
            file["fixed_source"] = json!(fixed);
        }
        self.files.push(file);
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let mode = match self.mode {
            Mode::DryRun => "dry-run",
            Mode::Write => "write",
            Mode::Check => "check",
        };
        let document = json!({
            "schema_version": SCHEMA_VERSION,
            "tool": { "name": "static-first", "version": env!("CARGO_PKG_VERSION") },
            "mode": mode,
            "files": std::mem::take(&mut self.files),
            "summary": {
                "files": summary.files - summary.skipped,
                "findings": summary.findings,
                "fixable": summary.fixable,
                "fixed": summary.fixed,
                "review": summary.findings - summary.fixable,
                "errors": summary.errors,
                "skipped": summary.skipped,
                "suppressed": summary.suppressed,
            },
        });
        match self.one_line {
            true => serde_json::to_writer(&mut *out, &document)?,
            false => serde_json::to_writer_pretty(&mut *out, &document)?,
        }
        writeln!(out)
    }
}

/// `--serve`'s reply to a request it could not check: where the one-shot command would have
/// stopped with exit code 2 and `static-first: error: MESSAGE`, one line with both.
pub fn request_error(out: &mut dyn Write, error: &dyn std::fmt::Display) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &json!({ "error": error.to_string(), "exit_code": Exit::Error as u8 }))?;
    writeln!(out)
}
