//! What a run tells its user: the per-file results, the `--explain` rendering of a plan, and
//! one [`Reporter`] per output format.

mod editor;
mod explain;
mod github;
mod human;
mod json;
mod patch;
mod pr;
mod sarif;
mod words;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use editor::Words as EditorWords;
pub use human::Human;
pub use json::{DOCS_URI, HELP_URI, RULE_ID, request_error};
pub use pr::PrBody;

use crate::error::FileError;
pub use crate::pipeline::outcome::{Found, Note, Status};
use crate::source::LineIndex;

/// Everything one file produced.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub findings: Vec<Found>,
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
    /// Source from stdin with `--format json`: the whole fixed text, as `--write` would leave it.
    pub fixed_source: Option<String>,
}

/// A fix kept in memory until the user accepts it.
#[derive(Debug)]
pub struct Pending {
    /// The text after any BOM, before and after the fix.
    pub before: String,
    pub after: String,
    pub bom: bool,
}

/// The path as reports show it: as the run was given it (an absolute path stays absolute, so a
/// bot can open it), with forward slashes and without a leading `./`.
pub fn display_name(path: &Path) -> String {
    let name = path.to_string_lossy().replace('\\', "/");
    name.trim_start_matches("./").to_string()
}

/// The path in a diff's `a/` and `b/` headers, as git writes it: also without a leading `/`.
pub fn diff_name(path: &Path) -> String {
    display_name(path).trim_start_matches('/').to_string()
}

/// A unified diff of a fix with `a/` and `b/` headers and three lines of context.
pub fn unified_diff(path: &Path, before: &str, after: &str) -> String {
    let name = diff_name(path);
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

/// The json reporter writing its document on one line: `--serve`'s replies.
pub fn json_line(mode: Mode) -> Box<dyn Reporter> {
    Box::new(json::Json::one_line(mode))
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

impl Found {
    /// The one-line description every format uses.
    pub fn message(&self) -> String {
        format!(
            "`{}` is registered after `{}` (line {}) on `{}`: static responses load the session; {} risk: {}",
            self.static_what,
            self.session_what,
            self.session_at.line,
            self.receiver,
            self.session.risk,
            self.session.why
        ) + &self
            .session_mount
            .as_ref()
            .map(|m| format!("; only static files under {m} are affected"))
            .unwrap_or_default()
    }

    /// What follows the message: why there is no fix and what blocks it, or what the fix
    /// moves. `None` for a suppressed finding, which is not shown.
    pub fn tail(&self, written: bool) -> Option<String> {
        Some(match &self.status {
            Status::Review { reason, blocked_by } => format!("({reason}, blocked by line {blocked_by})"),
            Status::Suppressed { .. } => return None,
            Status::Fixable { direction, moved, unit, .. } => {
                let moves = words::Moves { direction: *direction, moved: *moved, unit: *unit };
                format!("({}: {moves})", self.status.word(written))
            }
        })
    }

    /// For a fix that moves only some of the statics: which stay after the session, each a
    /// finding of its own.
    pub fn partial(&self) -> Option<String> {
        if !self.is_fixable() || self.plan.stayed.is_empty() {
            return None;
        }
        let lines: Vec<String> = self.plan.stayed.iter().map(|s| s.line.to_string()).collect();
        Some(format!(
            "partial fix: the static middleware at line(s) {} cannot move and stays after the session; \
             each is reported for review on its own",
            lines.join(", ")
        ))
    }

    /// What the fix changes for the app's own pages, when that is worth a word.
    pub fn note(&self) -> Option<&'static str> {
        self.session.shared.then_some(
            "the session middleware is also used outside this app's stack (socket.io or another server); \
             after the fix, pages served as static files (an index.html) no longer start a session, so the \
             first session starts with the first other request or handshake",
        )
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
            fixed_source: None,
        }
    }

    /// The report of what the pipeline found; the driver adds the diff and what it wrote.
    pub fn from_outcome(
        path: &Path,
        findings: Vec<Found>,
        notes: Vec<Note>,
        error: Option<FileError>,
    ) -> Self {
        FileReport { findings, notes, error, ..FileReport::new(path) }
    }

    pub fn failed(path: &Path, error: FileError) -> Self {
        FileReport { error: Some(error), ..FileReport::new(path) }
    }

    pub fn skipped(path: &Path, why: String) -> Self {
        FileReport { skipped: Some(why), ..FileReport::new(path) }
    }
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
