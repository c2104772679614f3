//! The json format: one document on stdout, its shape fixed by `docs/static-first.schema.json`.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Direction, FileReport, FindingReport, Mode, Reporter, Status, Summary, display_name};

/// Bumped whenever a field is renamed, removed or changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

pub const RULE_ID: &str = "static-first/session-before-static";

pub struct Json {
    mode: Mode,
    files: Vec<Value>,
}

impl Json {
    pub fn new(mode: Mode) -> Self {
        Json { mode, files: Vec::new() }
    }
}

fn direction(d: Direction) -> &'static str {
    match d {
        Direction::Lift => "lift",
        Direction::Sink => "sink",
    }
}

/// `fixed`, `fixable` or `review`.
pub fn status(finding: &FindingReport, written: bool) -> &'static str {
    match finding.status {
        Status::Fixable { .. } if written => "fixed",
        Status::Fixable { .. } => "fixable",
        Status::Review { .. } => "review",
        Status::Suppressed { .. } => "suppressed",
    }
}

fn finding(f: &FindingReport, written: bool) -> Value {
    let (reason, blocking_line) = match &f.status {
        Status::Review { reason, blocked_by } => (json!(reason), json!(blocked_by)),
        Status::Suppressed { reason } => (json!(reason), Value::Null),
        Status::Fixable { .. } => (Value::Null, Value::Null),
    };
    json!({
        "rule_id": RULE_ID,
        "message": f.message(),
        "status": status(f, written),
        "receiver": f.receiver,
        "static": {
            "middleware": f.static_what,
            "line": f.line,
            "column": f.col,
            "span": { "start": f.span.0, "end": f.span.1 },
        },
        "session": {
            "middleware": f.session_what,
            "line": f.session_line,
            "column": f.session_col,
            "span": { "start": f.session_span.0, "end": f.session_span.1 },
        },
        "reason": reason,
        "blocking_line": blocking_line,
        "plan": {
            "chosen": f.plan.chosen.map(direction),
            "candidates": f.plan.candidates.iter().map(|c| json!({
                "direction": direction(c.direction),
                "moved_lines": c.moved_lines,
                "anchor_line": c.anchor_line,
                "valid": c.blocked.is_none(),
                "blocking_line": c.blocked.as_ref().map(|b| b.0),
                "reason": c.blocked.as_ref().map(|b| b.1.clone()),
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
        self.files.push(json!({
            "path": display_name(&report.path),
            "findings": report.findings.iter().map(|f| finding(f, report.written)).collect::<Vec<_>>(),
            "notes": report.notes.iter().map(|n| json!({ "line": n.line, "column": n.col, "message": n.message })).collect::<Vec<_>>(),
            "diff": report.diff,
            "written": report.written,
            "error": report.error.as_ref().map(|e| e.to_string()),
            "skipped": report.skipped,
        }));
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
        serde_json::to_writer_pretty(&mut *out, &document)?;
        writeln!(out)
    }
}
