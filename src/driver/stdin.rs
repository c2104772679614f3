//! `-` as the only path: fix the source on stdin and print it (or its diff) on stdout;
//! findings that need review go to stderr. What editors and formatters on save call.

use std::io::{self, Read, Write};
use std::panic::{self, AssertUnwindSafe};

use super::Options;
use super::modules::ModuleCache;
use super::panics::panic_message;
use super::worker::Fixer;
use crate::config::Configs;
use crate::error::{Exit, FileError, RunError};
use crate::parse::source_type;
use crate::pipeline::FileOutcome;
use crate::report::{FileReport, Human, Mode, Reporter, unified_diff};
use crate::source::Source;
use crate::walk::on_worker_stack;

pub fn run(options: &Options, configs: &Configs) -> Result<Exit, RunError> {
    let name = options.stdin_filename.as_ref().ok_or(RunError::StdinNeedsFilename)?;
    let source_type = source_type(name).ok_or_else(|| RunError::StdinUnsupported(name.clone()))?;
    let mut raw = String::new();
    io::stdin().read_to_string(&mut raw).map_err(RunError::StdinRead)?;
    let source = Source::new(&raw);
    let config = configs.for_file(name).map_err(RunError::Config)?;
    let outcome = on_worker_stack(|| {
        let mut fixer = Fixer::new(options);
        let modules = ModuleCache::new(options.max_filesize);
        panic::catch_unwind(AssertUnwindSafe(|| {
            fixer.fix(name, source, source_type, &config, &modules, options.explain)
        }))
        .unwrap_or_else(|payload| FileOutcome::failed(FileError::Internal(panic_message(payload.as_ref()))))
    });
    let mut out = io::stdout().lock();
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
    let report = FileReport { written, ..FileReport::from_outcome(name, left, outcome.notes, outcome.error) };
    let mut human = Human { mode: Mode::Check, color: false, quiet: true };
    let mut err = io::stderr().lock();
    let _ = human.file(&mut err, &mut io::sink(), &report);
    Ok(match (&report.error, report.findings.is_empty()) {
        (Some(error), _) => {
            let _ = writeln!(err, "{}: error: {error}", name.display());
            Exit::Error
        }
        (None, false) => Exit::Findings,
        (None, true) => Exit::Clean,
    })
}
