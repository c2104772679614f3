//! `-` as the only path: fix the source on stdin and print it (or its diff) on stdout;
//! findings that need review go to stderr. What editors and formatters on save call. With
//! `--format json`, one JSON document instead: every finding, and the fixed source in it
//! ([`write_json`], also each `--serve` reply).

use std::io::{self, Read, Write};
use std::path::Path;

use super::Options;
use super::text::{Checked, Scope, TextChecker};
use crate::config::Configs;
use crate::error::{Exit, RunError};
use crate::parse::source_type;
use crate::pipeline::FileOutcome;
use crate::report::{FileReport, Format, Human, Mode, Reporter, Summary, reporter, unified_diff};
use crate::source::Source;
use crate::walk::on_worker_stack;

pub fn run(options: &Options, configs: &Configs) -> Result<Exit, RunError> {
    let name = options.stdin_filename.as_ref().ok_or(RunError::StdinNeedsFilename)?;
    source_type(name).ok_or_else(|| RunError::StdinUnsupported(name.clone()))?;
    let mut raw = String::new();
    io::stdin().read_to_string(&mut raw).map_err(RunError::StdinRead)?;
    let source = Source::new(&raw);
    let config = configs.for_file(name).map_err(RunError::Config)?;
    let checked = on_worker_stack(|| {
        let mut checker = TextChecker::new(options.max_filesize, options.config.as_deref());
        checker.check(name, &raw, &config, Scope::All { explain: options.explain })
    })
    .map_err(RunError::Threads)?;
    let (skipped, outcome) = match checked.ok_or_else(|| RunError::StdinUnsupported(name.clone()))? {
        Checked::Analysed(outcome) => (None, outcome),
        Checked::Skipped(why) => (Some(why), FileOutcome::default()),
    };
    let exit = match (&outcome.error, outcome.findings.iter().all(|f| f.is_fixable())) {
        (Some(_), _) => Exit::Error,
        (None, false) => Exit::Findings,
        (None, true) => Exit::Clean,
    };
    let mut out = io::stdout().lock();
    if options.format == Format::Json {
        let mut json = reporter(Format::Json, options.mode, false, true);
        write_json(&mut out, json.as_mut(), name, &raw, skipped, outcome).map_err(RunError::Output)?;
        return Ok(exit);
    }
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

/// The JSON document for one checked text, with the fixed text in it (`fixed_source`): what
/// `--format json` prints here and `--serve` answers for each request.
pub fn write_json(
    out: &mut dyn Write,
    json: &mut dyn Reporter,
    name: &Path,
    raw: &str,
    skipped: Option<String>,
    outcome: FileOutcome,
) -> io::Result<()> {
    let source = Source::new(raw);
    let mut report = FileReport::from_outcome(name, outcome.findings, outcome.notes, outcome.error);
    report.skipped = skipped;
    report.diff = outcome.fixed.as_ref().map(|fixed| unified_diff(name, source.text, fixed));
    report.fixed_source = outcome.fixed.map(|fixed| source.with_text(&fixed));
    let mut summary = Summary::default();
    summary.add(&report);
    json.file(out, &mut io::sink(), &report)?;
    json.finish(out, &summary)
}
