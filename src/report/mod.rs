//! What a run tells its user: the per-file results, the `--explain` rendering of a plan, and
//! one [`Reporter`] per output format.

mod github;
mod human;
mod json;
mod patch;
mod pr;
mod sarif;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use human::Human;
pub use pr::PrBody;

use crate::detect::Block;
use crate::error::FileError;
use crate::plan::{Decision, Direction, Finding, Outcome, Scope};
use crate::source::LineIndex;

/// Everything one file produced.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub findings: Vec<FindingReport>,
    /// The unified diff of the fix, when the output shows one (no file text is kept).
    pub diff: Option<String>,
    /// The fix as one replacement of the original text, when the output needs it (SARIF).
    pub replacement: Option<Replacement>,
    /// A fix waiting for `--interactive` to be accepted.
    pub pending: Option<Pending>,
    /// Malformed or unused suppression comments.
    pub notes: Vec<Note>,
    pub error: Option<FileError>,
    /// Why the file was not checked, when it was skipped (too large, binary, minified).
    pub skipped: Option<String>,
    /// Whether the fix was written to disk.
    pub written: bool,
}

/// A fix kept in memory until the user accepts it.
#[derive(Debug)]
pub struct Pending {
    /// The text after any BOM, before and after the fix.
    pub before: String,
    pub after: String,
    pub bom: bool,
}

/// The path as diffs and reports show it: forward slashes, no leading `./` or `/`.
pub fn display_name(path: &Path) -> String {
    let name = path.to_string_lossy().replace('\\', "/");
    name.trim_start_matches("./").trim_start_matches('/').to_string()
}

/// A unified diff of a fix with `a/` and `b/` headers and three lines of context.
pub fn unified_diff(path: &Path, before: &str, after: &str) -> String {
    let name = display_name(path);
    let diff = similar::TextDiff::from_lines(before, after);
    diff.unified_diff().context_radius(3).header(&format!("a/{name}"), &format!("b/{name}")).to_string()
}

/// A fix as the smallest single replacement of the original text (which a move always is:
/// everything outside the moved lines is untouched). Lines and columns are 1-based; the end
/// is exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub start: usize,
    pub end: usize,
    pub start_line: usize,
    pub start_col: usize,
    pub end_line: usize,
    pub end_col: usize,
    pub inserted: String,
}

impl Replacement {
    pub fn between(before: &str, after: &str) -> Replacement {
        let prefix = before.bytes().zip(after.bytes()).take_while(|(a, b)| a == b).count();
        let prefix = (0..=prefix)
            .rev()
            .find(|&i| before.is_char_boundary(i) && after.is_char_boundary(i))
            .unwrap_or(0);
        let max_suffix = (before.len() - prefix).min(after.len() - prefix);
        let suffix = before
            .bytes()
            .rev()
            .zip(after.bytes().rev())
            .take(max_suffix)
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = (0..=suffix)
            .rev()
            .find(|&i| before.is_char_boundary(before.len() - i) && after.is_char_boundary(after.len() - i))
            .unwrap_or(0);
        let (start, end) = (prefix, before.len() - suffix);
        let lines = LineIndex::new(before);
        let (start_line, start_col) = lines.line_col(start as u32);
        let (end_line, end_col) = lines.line_col(end as u32);
        Replacement {
            start,
            end,
            start_line,
            start_col,
            end_line,
            end_col,
            inserted: after[prefix..after.len() - suffix].to_string(),
        }
    }
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diffs and warnings for people.
    Human,
    /// One JSON document (schema: docs/static-first.schema.json).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
    /// A git-style patch of every fix, for `git apply`.
    Patch,
}

impl Format {
    /// Whether reports must carry each fix's diff.
    pub fn needs_diff(self, mode: Mode) -> bool {
        match self {
            Format::Human => mode == Mode::DryRun,
            Format::Json | Format::Patch => true,
            Format::Sarif | Format::Github => false,
        }
    }

    /// Whether reports must carry each fix as a replacement.
    pub fn needs_replacement(self) -> bool {
        self == Format::Sarif
    }
}

/// One output format. Files arrive in path order; `finish` ends the output on stdout (the
/// summary line on stderr is the driver's, the same for every format).
pub trait Reporter {
    fn file(&mut self, out: &mut dyn Write, err: &mut dyn Write, report: &FileReport) -> io::Result<()>;
    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// The reporter for a format.
pub fn reporter(format: Format, mode: Mode, color: bool, quiet: bool) -> Box<dyn Reporter> {
    match format {
        Format::Human => Box::new(Human { mode, color, quiet }),
        Format::Json => Box::new(json::Json::new(mode)),
        Format::Sarif => Box::new(sarif::Sarif::new()),
        Format::Github => Box::new(github::Github),
        Format::Patch => Box::new(patch::Patch),
    }
}

/// Errors, skipped files and the summary on stderr: what every format but human prints
/// there (human output paints them).
fn write_notes(err: &mut dyn Write, report: &FileReport) -> io::Result<()> {
    if let Some(error) = &report.error {
        writeln!(err, "{}: error: {error}", report.path.display())?;
    }
    if let Some(why) = &report.skipped {
        writeln!(err, "{}: skipped: {why}", report.path.display())?;
    }
    Ok(())
}

/// The one-line summary every format prints on stderr (unless quiet).
pub fn write_summary(
    err: &mut dyn Write,
    mode: Mode,
    summary: &Summary,
    elapsed: Duration,
) -> io::Result<()> {
    let fixed = match mode {
        Mode::Write => format!("{} fixed", summary.fixed),
        _ => format!("{} fixable", summary.fixable),
    };
    writeln!(
        err,
        "static-first: {} file(s) scanned, {} finding(s) ({fixed}, {} need review), {} suppressed, {} error(s), {} skipped in {:.2}s",
        summary.files - summary.skipped,
        summary.findings,
        summary.findings - summary.fixable,
        summary.suppressed,
        summary.errors,
        summary.skipped,
        elapsed.as_secs_f64()
    )
}

#[derive(Debug)]
pub struct FindingReport {
    /// Where the static middleware is, 1-based, and its byte span.
    pub line: usize,
    pub col: usize,
    pub span: (u32, u32),
    /// Where the session middleware is.
    pub session_line: usize,
    pub session_col: usize,
    pub session_span: (u32, u32),
    pub receiver: String,
    pub session_what: String,
    pub static_what: String,
    pub status: Status,
    /// The plan in brief, for machine-readable output.
    pub plan: PlanSummary,
    /// `--explain` lines.
    pub explain: Vec<String>,
}

/// A plan as data: each candidate move, with lines instead of statement indices.
#[derive(Debug, Clone)]
pub struct PlanSummary {
    pub candidates: Vec<CandidateSummary>,
    /// The candidate taken, if any.
    pub chosen: Option<Direction>,
}

#[derive(Debug, Clone)]
pub struct CandidateSummary {
    pub direction: Direction,
    /// First lines of the statements that move.
    pub moved_lines: Vec<usize>,
    /// Lift: they land above this line; sink: below it.
    pub anchor_line: usize,
    /// Why the move is not safe: the blocking line and the reason.
    pub blocked: Option<(usize, String)>,
}

fn plan_summary(block: &Block, finding: &Finding, lines: &LineIndex<'_>) -> PlanSummary {
    let line = |i: usize| lines.line(finding.unit_span(block, i).start);
    PlanSummary {
        candidates: finding
            .plan
            .candidates
            .iter()
            .map(|c| CandidateSummary {
                direction: c.direction,
                moved_lines: c.moved.iter().map(|&i| line(i)).collect(),
                anchor_line: line(c.anchor),
                blocked: c.blocked.as_ref().map(|b| (line(b.stmt), b.reason.clone())),
            })
            .collect(),
        chosen: match finding.plan.outcome {
            Outcome::Fix(i) => Some(finding.plan.candidates[i].direction),
            Outcome::Review(_) => None,
        },
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// A safe fix exists (and is part of this file's change).
    Fixable { direction: Direction, moved: usize, noun: &'static str },
    /// No safe fix: a person has to look.
    Review { reason: String, blocked_by: usize },
    /// Silenced by a `static-first-ignore: <reason>` comment.
    Suppressed { reason: String },
}

/// Something wrong with the file's suppression comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Note {
    /// The note a suppression comment deserves, if any: no reason, or nothing suppressed.
    pub fn about(s: &crate::suppress::Suppression) -> Option<Note> {
        let message = match (&s.reason, s.used) {
            (None, _) => {
                "`static-first-ignore` needs a reason: `// static-first-ignore: <why this order is intended>`"
            }
            (Some(_), false) => {
                "unused `static-first-ignore`: no finding on this line or the next; remove it"
            }
            (Some(_), true) => return None,
        };
        Some(Note { line: s.line, col: s.col, message: message.to_string() })
    }
}

impl FileReport {
    pub fn new(path: &Path) -> Self {
        FileReport {
            path: path.to_path_buf(),
            findings: Vec::new(),
            diff: None,
            replacement: None,
            pending: None,
            notes: Vec::new(),
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
        let (session_line, session_col) = lines.line_col(finding.session_part.span.start);
        let span = |s: oxc_span::Span| (s.start, s.end);
        FindingReport {
            line,
            col,
            span: span(finding.static_part.span),
            session_line,
            session_col,
            session_span: span(finding.session_part.span),
            plan: plan_summary(block, finding, lines),
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

    pub fn is_suppressed(&self) -> bool {
        matches!(self.status, Status::Suppressed { .. })
    }

    /// The one-line description every format uses.
    pub fn message(&self) -> String {
        format!(
            "`{}` is registered after `{}` (line {}) on `{}`: static responses load the session and can carry Set-Cookie",
            self.static_what, self.session_what, self.session_line, self.receiver
        )
    }
}

/// Renders a plan: every candidate move, every crossing judged, and the choice.
pub fn explain_plan(block: &Block, finding: &Finding, status: &Status, lines: &LineIndex<'_>) -> Vec<String> {
    let line = |i: usize| lines.line(block.stmts[i].span.start);
    // A statement is named by its line, an argument by its line and column.
    let name = |i: usize| {
        let (l, c) = lines.line_col(finding.unit_span(block, i).start);
        match finding.scope {
            Scope::Statements => format!("line {l}"),
            Scope::Arguments(_) => format!("argument {l}:{c}"),
        }
    };
    let list = |idx: &[usize]| {
        let at = |i: usize| {
            let (l, c) = lines.line_col(finding.unit_span(block, i).start);
            if finding.scope == Scope::Statements { l.to_string() } else { format!("{l}:{c}") }
        };
        let places = idx.iter().map(|&i| at(i)).collect::<Vec<_>>().join(", ");
        format!("{}(s) {places}", if finding.scope == Scope::Statements { "line" } else { "argument" })
    };
    let noun = finding.scope.noun();
    let mut out = vec![format!(
        "plan for `{}`: session at line {}, first static after it at line {}",
        block.receiver,
        line(finding.session),
        line(finding.statics)
    )];
    if let Scope::Arguments(_) = finding.scope {
        out.push("  both are in one statement: its middleware arguments trade places".into());
    }
    // Every classification the plan rests on, with what decided it.
    let last = finding
        .plan
        .candidates
        .iter()
        .flat_map(|c| c.moved.iter().chain([&c.anchor]))
        .copied()
        .max()
        .unwrap_or(finding.statics);
    let units = match finding.scope {
        Scope::Statements => finding.session..last.max(finding.statics) + 1,
        Scope::Arguments(stmt) => 0..block.stmts[stmt].parts.len(),
    };
    out.push("  classified:".into());
    for i in units {
        let nested = match finding.scope {
            Scope::Statements => block.stmts[i].nested.as_slice(),
            Scope::Arguments(_) => &[],
        };
        let parts = finding.unit_parts(block, i).iter().map(|p| format!("{} ({})", p.kind, p.what));
        let nested = nested.iter().map(|p| format!("nested {} ({})", p.kind, p.what));
        out.push(format!("    {}: {}", name(i), parts.chain(nested).collect::<Vec<_>>().join(", ")));
    }
    for candidate in &finding.plan.candidates {
        let (verb, place) = match (candidate.direction, finding.scope) {
            (Direction::Lift, Scope::Statements) => ("lift", "above"),
            (Direction::Sink, Scope::Statements) => ("sink", "below"),
            (Direction::Lift, Scope::Arguments(_)) => ("lift", "before"),
            (Direction::Sink, Scope::Arguments(_)) => ("sink", "after"),
        };
        out.push(format!("  {verb}: move {} {place} {}", list(&candidate.moved), name(candidate.anchor)));
        for step in &candidate.steps {
            let parts = finding.unit_parts(block, step.crossed);
            let what = parts.iter().map(|p| p.what.as_str()).collect::<Vec<_>>().join(", ");
            let (mover, crossed) = (name(step.mover), name(step.crossed));
            match &step.decision {
                Decision::Allowed(kind) => {
                    out.push(format!("    {mover} may cross {crossed} ({what}): {kind}"))
                }
                Decision::Disjoint { mount, path } => out.push(format!(
                    "    {mover} may cross {crossed} ({what}): no path reaches both the static mount {mount} and {path}"
                )),
                Decision::Carried(kind) => out.push(format!(
                    "    {mover} may not cross {crossed} ({what}, {kind}), so {crossed} moves along"
                )),
            }
        }
        match &candidate.blocked {
            Some(b) => out.push(format!("    rejected: blocked by {}: {}", name(b.stmt), b.reason)),
            None => out.push(format!("    valid: {} {noun}(s) move", candidate.moved.len())),
        }
    }
    match &finding.plan.outcome {
        Outcome::Fix(i) => {
            let c = &finding.plan.candidates[*i];
            let name = if c.direction == Direction::Lift { "lift" } else { "sink" };
            out.push(format!("  chosen: {name} (fewest {noun}s moved; lift wins a tie)"));
            if let Status::Review { reason, .. } = status {
                out.push(format!("  not applied: {reason}"));
            }
        }
        Outcome::Review(b) => {
            out.push(format!("  no safe move: needs review (blocked by {}: {})", name(b.stmt), b.reason))
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
    /// Findings silenced by comments (not counted in `findings`).
    pub suppressed: usize,
    /// Malformed or unused suppression comments.
    pub notes: usize,
}

impl Summary {
    pub fn add(&mut self, r: &FileReport) {
        let suppressed = r.findings.iter().filter(|f| f.is_suppressed()).count();
        self.files += 1;
        self.suppressed += suppressed;
        self.notes += r.notes.len();
        self.findings += r.findings.len() - suppressed;
        self.fixable += r.findings.iter().filter(|f| f.is_fixable()).count();
        self.errors += usize::from(r.error.is_some());
        self.skipped += usize::from(r.skipped.is_some());
        if r.written {
            self.fixed += r.findings.iter().filter(|f| f.is_fixable()).count();
        }
    }
}
