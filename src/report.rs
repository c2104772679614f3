//! What a run tells its user: per-file results, the human output (diffs, warnings, summary)
//! and the `--explain` rendering of a plan.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::detect::Block;
use crate::error::FileError;
use crate::plan::{Decision, Direction, Finding, Outcome};
use crate::source::LineIndex;

/// Everything one file produced.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub findings: Vec<FindingReport>,
    /// The unified diff of the fix (dry runs only; a written or checked fix keeps no text).
    pub diff: Option<String>,
    pub error: Option<FileError>,
    /// Why the file was not checked, when it was skipped (too large, binary, minified).
    pub skipped: Option<String>,
    /// Whether the fix was written to disk.
    pub written: bool,
}

/// A unified diff of a fix with `a/` and `b/` headers and three lines of context.
pub fn unified_diff(path: &Path, before: &str, after: &str) -> String {
    let name = path.to_string_lossy().replace('\\', "/");
    let name = name.trim_start_matches("./").trim_start_matches('/');
    let diff = similar::TextDiff::from_lines(before, after);
    diff.unified_diff().context_radius(3).header(&format!("a/{name}"), &format!("b/{name}")).to_string()
}

#[derive(Debug)]
pub struct FindingReport {
    /// Where the static middleware is, 1-based.
    pub line: usize,
    pub col: usize,
    pub session_line: usize,
    pub receiver: String,
    pub session_what: String,
    pub static_what: String,
    pub status: Status,
    /// `--explain` lines.
    pub explain: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// A safe fix exists (and is part of this file's change).
    Fixable { direction: Direction, moved: usize },
    /// No safe fix: a person has to look.
    Review { reason: String, blocked_by: usize },
}

impl FileReport {
    pub fn new(path: &Path) -> Self {
        FileReport {
            path: path.to_path_buf(),
            findings: Vec::new(),
            diff: None,
            error: None,
            skipped: None,
            written: false,
        }
    }

    pub fn failed(path: &Path, error: FileError) -> Self {
        FileReport { error: Some(error), ..FileReport::new(path) }
    }

    pub fn skipped(path: &Path, why: String) -> Self {
        FileReport { skipped: Some(why), ..FileReport::new(path) }
    }
}

impl FindingReport {
    /// Describes a planned finding with positions from `lines`.
    pub fn new(
        block: &Block,
        finding: &Finding,
        status: Status,
        lines: &LineIndex<'_>,
        explain: bool,
    ) -> Self {
        let (line, col) = lines.line_col(finding.static_part.span.start);
        FindingReport {
            line,
            col,
            session_line: lines.line(finding.session_part.span.start),
            receiver: block.receiver.clone(),
            session_what: finding.session_part.what.clone(),
            static_what: finding.static_part.what.clone(),
            explain: if explain { explain_plan(block, finding, &status, lines) } else { Vec::new() },
            status,
        }
    }

    pub fn is_fixable(&self) -> bool {
        matches!(self.status, Status::Fixable { .. })
    }

    fn message(&self) -> String {
        format!(
            "`{}` is registered after `{}` (line {}) on `{}`: static responses load the session and can carry Set-Cookie",
            self.static_what, self.session_what, self.session_line, self.receiver
        )
    }
}

/// Renders a plan: every candidate move, every crossing judged, and the choice.
pub fn explain_plan(block: &Block, finding: &Finding, status: &Status, lines: &LineIndex<'_>) -> Vec<String> {
    let line = |i: usize| lines.line(block.stmts[i].span.start);
    let list = |idx: &[usize]| idx.iter().map(|&i| line(i).to_string()).collect::<Vec<_>>().join(", ");
    let mut out = vec![format!(
        "plan for `{}`: session at line {}, first static after it at line {}",
        block.receiver,
        line(finding.session),
        line(finding.statics)
    )];
    for candidate in &finding.plan.candidates {
        let (verb, place) = match candidate.direction {
            Direction::Lift => ("lift", "above"),
            Direction::Sink => ("sink", "below"),
        };
        out.push(format!(
            "  {verb}: move line(s) {} {place} line {}",
            list(&candidate.moved),
            line(candidate.anchor)
        ));
        for step in &candidate.steps {
            let crossed = &block.stmts[step.crossed];
            let what = crossed.parts.iter().map(|p| p.what.as_str()).collect::<Vec<_>>().join(", ");
            match &step.decision {
                Decision::Allowed(kind) => out.push(format!(
                    "    line {} may cross line {} ({what}): {kind}",
                    line(step.mover),
                    line(step.crossed)
                )),
                Decision::Carried(kind) => out.push(format!(
                    "    line {} may not cross line {} ({what}, {kind}), so line {} moves along",
                    line(step.mover),
                    line(step.crossed),
                    line(step.crossed)
                )),
            }
        }
        match &candidate.blocked {
            Some(b) => out.push(format!("    rejected: blocked by line {}: {}", line(b.stmt), b.reason)),
            None => out.push(format!("    valid: {} statement(s) move", candidate.moved.len())),
        }
    }
    match &finding.plan.outcome {
        Outcome::Fix(i) => {
            let c = &finding.plan.candidates[*i];
            let name = if c.direction == Direction::Lift { "lift" } else { "sink" };
            out.push(format!("  chosen: {name} (fewest statements moved; lift wins a tie)"));
            if let Status::Review { reason, .. } = status {
                out.push(format!("  not applied: {reason}"));
            }
        }
        Outcome::Review(b) => {
            out.push(format!("  no safe move: needs review (blocked by line {}: {})", line(b.stmt), b.reason))
        }
    }
    out
}

/// What the user asked the run to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Show diffs, write nothing.
    DryRun,
    /// Write fixes in place.
    Write,
    /// Findings only.
    Check,
}

/// The totals of a run.
#[derive(Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub findings: usize,
    pub fixable: usize,
    pub errors: usize,
    /// Findings whose fix was written.
    pub fixed: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary { files: reports.len(), ..Summary::default() };
        for r in reports {
            s.findings += r.findings.len();
            s.fixable += r.findings.iter().filter(|f| f.is_fixable()).count();
            s.errors += usize::from(r.error.is_some());
            s.skipped += usize::from(r.skipped.is_some());
            if r.written {
                s.fixed += r.findings.iter().filter(|f| f.is_fixable()).count();
            }
        }
        s
    }
}

/// Prints the human output: diffs or findings on stdout, errors and the summary on stderr.
pub struct Printer {
    pub mode: Mode,
    pub color: bool,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Printer {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color { format!("{style}{text}{RESET}") } else { text.to_string() }
    }

    pub fn file(&self, out: &mut impl Write, err: &mut impl Write, report: &FileReport) -> io::Result<()> {
        let path = report.path.display();
        if let Some(error) = &report.error {
            writeln!(err, "{path}: {}: {error}", self.paint(RED, "error"))?;
        }
        if let Some(why) = &report.skipped {
            writeln!(err, "{path}: skipped: {why}")?;
        }
        if let Some(diff) = &report.diff {
            self.diff(out, diff)?;
        }
        if self.mode == Mode::Write && report.written {
            writeln!(out, "fixed {path}")?;
        }
        for f in &report.findings {
            let show = match self.mode {
                Mode::Check => true,
                Mode::DryRun | Mode::Write => !f.is_fixable() || !f.explain.is_empty(),
            };
            if !show {
                continue;
            }
            let tail = match &f.status {
                Status::Review { reason, blocked_by } => {
                    format!("({reason}, blocked by line {blocked_by})")
                }
                Status::Fixable { direction, moved } => {
                    let how = if *direction == Direction::Lift { "lift" } else { "sink" };
                    let verb = if report.written { "fixed" } else { "fixable" };
                    format!("({verb}: {how} moves {moved} statement(s))")
                }
            };
            let level = self.paint(YELLOW, "warning");
            writeln!(out, "{path}:{}:{}: {level}: {} {tail}", f.line, f.col, f.message())?;
            for line in &f.explain {
                writeln!(out, "  {line}")?;
            }
        }
        Ok(())
    }

    fn diff(&self, out: &mut impl Write, text: &str) -> io::Result<()> {
        for line in text.split_inclusive('\n') {
            let style = if line.starts_with("+++") || line.starts_with("---") {
                BOLD
            } else if line.starts_with('+') {
                GREEN
            } else if line.starts_with('-') {
                RED
            } else if line.starts_with("@@") {
                CYAN
            } else {
                ""
            };
            if style.is_empty() || !self.color {
                out.write_all(line.as_bytes())?;
            } else {
                let body = line.trim_end_matches(['\n', '\r']);
                write!(out, "{style}{body}{RESET}{}", &line[body.len()..])?;
            }
        }
        Ok(())
    }

    pub fn summary(&self, err: &mut impl Write, summary: &Summary, elapsed: Duration) -> io::Result<()> {
        let fixed = match self.mode {
            Mode::Write => format!("{} fixed", summary.fixed),
            _ => format!("{} fixable", summary.fixable),
        };
        writeln!(
            err,
            "static-first: {} file(s) scanned, {} finding(s) ({fixed}, {} need review), {} error(s), {} skipped in {:.2}s",
            summary.files - summary.skipped,
            summary.findings,
            summary.findings - summary.fixable,
            summary.errors,
            summary.skipped,
            elapsed.as_secs_f64()
        )
    }
}
