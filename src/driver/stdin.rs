//! `-` as the only path: fix the source on stdin and print it (or its diff) on stdout;
//! findings that need review go to stderr. What editors and formatters on save call. With
//! `--format json`, one JSON document instead: every finding, and the fixed source in it.
//! [`check`] and [`write_json`] are also what `--serve` runs for each request.

use std::io::{self, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use super::Options;
use super::modules::ModuleCache;
use super::panics::panic_message;
use super::read::{binary, too_large};
use super::worker::Fixer;
use crate::config::Configs;
use crate::error::{Exit, FileError, RunError};
use crate::parse::source_type;
use crate::pipeline::FileOutcome;
use crate::report::{FileReport, Format, Human, Mode, Reporter, Summary, reporter, unified_diff};
use crate::source::Source;
use crate::walk::on_worker_stack;

/// One text checked as if it were a file: the pipeline's outcome, or why it was not parsed.
pub struct Checked {
    pub outcome: FileOutcome,
    pub skipped: Option<String>,
    /// The fixer panicked: it is not to be used again.
    pub panicked: bool,
}

impl Checked {
    fn exit(&self) -> Exit {
        match (&self.outcome.error, self.outcome.findings.iter().all(|f| f.is_fixable())) {
            (Some(_), _) => Exit::Error,
            (None, false) => Exit::Findings,
            (None, true) => Exit::Clean,
        }
    }
}

/// Checks `raw` as the file `name` (whose extension picks the parser and whose place finds the
/// configuration and local modules). Runs on the caller's thread: call it on a worker's stack.
pub fn check(
    name: &Path,
    raw: &str,
    options: &Options,
    configs: &Configs,
    fixer: &mut Fixer,
) -> Result<Checked, RunError> {
    let source_type = source_type(name).ok_or_else(|| RunError::StdinUnsupported(name.to_path_buf()))?;
    let config = configs.for_file(name).map_err(RunError::Config)?;
    // A file on disk's screens for what cannot be parsed: more than the parser's arena holds,
    // or binary. (Long lines are fine: an editor sends what it is editing.)
    let skipped = too_large(raw.len() as u64, options.max_filesize).or_else(|| binary(raw.as_bytes()));
    if skipped.is_some() {
        return Ok(Checked { outcome: FileOutcome::default(), skipped, panicked: false });
    }
    let modules = ModuleCache::new(options.max_filesize);
    let fixed = panic::catch_unwind(AssertUnwindSafe(|| {
        fixer.fix(name, Source::new(raw), source_type, &config, &modules, options.explain)
    }));
    Ok(match fixed {
        Ok(outcome) => Checked { outcome, skipped, panicked: false },
        Err(payload) => Checked {
            outcome: FileOutcome::failed(FileError::Internal(panic_message(payload.as_ref()))),
            skipped,
            panicked: true,
        },
    })
}

/// The JSON document for one checked text, with the fixed text in it (`fixed_source`).
pub fn write_json(
    out: &mut dyn Write,
    json: &mut dyn Reporter,
    name: &Path,
    raw: &str,
    checked: Checked,
) -> io::Result<()> {
    let source = Source::new(raw);
    let outcome = checked.outcome;
    let mut report = FileReport::from_outcome(name, outcome.findings, outcome.notes, outcome.error);
    report.skipped = checked.skipped;
    report.diff = outcome.fixed.as_ref().map(|fixed| unified_diff(name, source.text, fixed));
    report.fixed_source = outcome.fixed.map(|fixed| source.with_text(&fixed));
    let mut summary = Summary::default();
    summary.add(&report);
    json.file(out, &mut io::sink(), &report)?;
    json.finish(out, &summary)
}

pub fn run(options: &Options, configs: &Configs) -> Result<Exit, RunError> {
    let name = options.stdin_filename.as_ref().ok_or(RunError::StdinNeedsFilename)?;
    source_type(name).ok_or_else(|| RunError::StdinUnsupported(name.clone()))?;
    let mut raw = String::new();
    io::stdin().read_to_string(&mut raw).map_err(RunError::StdinRead)?;
    let checked = on_worker_stack(|| check(name, &raw, options, configs, &mut Fixer::new(options)))?;
    let exit = checked.exit();
    let mut out = io::stdout().lock();
    if options.format == Format::Json {
        let mut json = reporter(Format::Json, options.mode, false, true);
        write_json(&mut out, json.as_mut(), name, &raw, checked).map_err(RunError::Output)?;
        return Ok(exit);
    }
    let (outcome, skipped) = (checked.outcome, checked.skipped);
    let source = Source::new(&raw);
    let printed = match &outcome.fixed {
        Some(fixed) if options.diff => {
            out.write_all(unified_diff(name, &raw, &source.with_text(fixed)).as_bytes())
        }
        Some(fixed) => out.write_all(source.with_text(fixed).as_bytes()),
        None if options.diff => Ok(()),
        None => out.write_all(raw.as_bytes()),
    };
    printed.map_err(RunError::Output)?;
    let written = outcome.fixed.is_some();
    // What was fixed is on stdout; only what is left is reported.
    let left = outcome.findings.into_iter().filter(|f| !f.is_fixable()).collect();
    let report =
        FileReport { written, skipped, ..FileReport::from_outcome(name, left, outcome.notes, outcome.error) };
    // Findings (the human format's stdout) go to stderr; stdout holds the source.
    let mut human = Human { mode: Mode::Check, color: false, quiet: true };
    let mut err = io::stderr().lock();
    let _ = human.file(&mut err, &mut io::sink(), &report);
    if let Some(error) = &report.error {
        let _ = writeln!(err, "{}: error: {error}", name.display());
    }
    if let Some(why) = &report.skipped {
        let _ = writeln!(err, "{}: skipped: {why}", name.display());
    }
    Ok(exit)
}
