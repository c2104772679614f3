//! Runs the pipeline on every file and is the only code that reads and writes files. The run
//! loop is here; [`read`] reads and screens one file and runs the pipeline on it, [`write`]
//! writes fixes atomically, and the modes that are not a plain walk live beside them
//! ([`stdin`], [`serve`], [`print_config`], [`interactive`]); [`text`] checks one text that is not on
//! disk, for stdin and the language server.

mod interactive;
mod modules;
mod panics;
mod print_config;
mod read;
mod serve;
mod stdin;
pub mod text;
mod worker;
mod workspace;
mod write;

use std::fs;
use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::config::Configs;
use crate::error::{Exit, FileError, PrFile, RunError, exit_code};
use crate::report::{FileReport, Format, Mode, PrBody, Reporter, Summary, reporter, write_summary};
use crate::walk::select::{self, Selection};
use crate::walk::{Entry, WalkOptions, walk};
use panics::{panic_message, quiet_worker_panics};
use worker::Worker;
use write::Writer;

/// What the command line asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// Which files: paths, a list, or what changed in git.
    pub selection: Selection,
    pub mode: Mode,
    pub explain: bool,
    pub threads: usize,
    pub color: bool,
    /// Follow symbolic links while walking, and write through them inside the roots.
    pub follow: bool,
    /// Files larger than this many bytes are skipped.
    pub max_filesize: u64,
    pub format: Format,
    /// Print nothing but findings (and errors).
    pub quiet: bool,
    /// Show progress on stderr (a terminal) for runs longer than a second.
    pub progress: bool,
    /// How long a run lasts before progress shows.
    pub progress_delay: std::time::Duration,
    /// Ask before applying each fix (with `mode` Write).
    pub interactive: bool,
    /// Where to write the pull-request text, if anywhere.
    pub pr_text: PrText,
    /// Source from stdin: the path it stands for (its extension picks the parser).
    pub stdin_filename: Option<PathBuf>,
    /// With stdin: print a diff instead of the fixed source.
    pub diff: bool,
    /// The configuration file for every file (instead of the nearest `static-first.toml`).
    pub config: Option<PathBuf>,
    /// Print the configuration that applies to each path and stop.
    pub print_config: bool,
    /// Answer requests on stdin until it ends (`--serve`).
    pub serve: bool,
}

/// The files to write the pull-request text to: `--pr-body`, `--pr-title`, `--commit-message`.
#[derive(Debug, Clone, Default)]
pub struct PrText {
    pub body: Option<PathBuf>,
    pub title: Option<PathBuf>,
    pub commit_message: Option<PathBuf>,
}

impl PrText {
    fn wanted(&self) -> bool {
        self.body.is_some() || self.title.is_some() || self.commit_message.is_some()
    }

    /// Writes each file asked for.
    fn write(&self, text: &PrBody) -> Result<(), RunError> {
        let files = [
            (PrFile::Body, &self.body, text.render()),
            (PrFile::Title, &self.title, format!("{}\n", text.title())),
            (PrFile::CommitMessage, &self.commit_message, text.commit_message()),
        ];
        for (what, file, content) in files {
            if let Some(file) = file {
                fs::write(file, content).map_err(|e| RunError::PrText(what, file.clone(), e))?;
            }
        }
        Ok(())
    }
}

/// Runs the whole tool: the exit code, or the error that stopped the run.
pub fn run(options: &Options) -> Result<Exit, RunError> {
    let started = Instant::now();
    quiet_worker_panics();
    // Each request finds its own configuration: an invalid one is that request's error.
    if options.serve {
        return serve::run(options);
    }
    let configs = Configs::new(options.config.as_deref()).map_err(RunError::Config)?;
    if options.print_config {
        return print_config::print(options, &configs);
    }
    if options.selection.paths == [PathBuf::from("-")] {
        return stdin::run(options, &configs);
    }
    let (roots, listed) = select::roots(&options.selection).map_err(RunError::Selection)?;
    // A broken configuration above a root would fail every file under it: say so once.
    for root in &roots {
        configs.for_path(root).map_err(RunError::Config)?;
    }
    let walk_options = WalkOptions { threads: options.threads, follow: options.follow };
    let writer = Writer::new(options.follow, &roots);
    let modules = modules::ModuleCache::new(options.max_filesize);
    let progress = crate::progress::Progress::start(options.progress, options.progress_delay);
    let mut printer = Printer::new(options);
    // `--interactive` asks about every fix once the run is over; otherwise each file's report is
    // printed as soon as every file before it has been.
    let mut held = Vec::new();
    let walked = walk(
        &roots,
        walk_options,
        || Worker::new(options),
        |worker, entry| match entry {
            Entry::File { path, explicit } => {
                if (!explicit || listed) && crate::parse::source_type(path).is_none() {
                    return None;
                }
                progress.tick();
                let result = panic::catch_unwind(AssertUnwindSafe(|| {
                    read::process_file(worker, path, options, &configs, &modules, &writer)
                }));
                Some(result.unwrap_or_else(|payload| {
                    *worker = Worker::new(options);
                    FileReport::failed(path, FileError::Internal(panic_message(payload.as_ref())))
                }))
            }
            Entry::Missing { path } => {
                // `app.js/` names a file as if it were a directory.
                let as_file = path.to_str().and_then(|p| p.strip_suffix('/')).map(Path::new);
                let error = if as_file.is_some_and(Path::is_file) {
                    FileError::NotADirectory
                } else {
                    FileError::Missing
                };
                Some(FileReport::failed(path, error))
            }
            Entry::Error { path, message } => Some(FileReport::failed(path, FileError::Walk(message))),
        },
        |report| match options.interactive {
            true => held.push(report),
            false => progress.suspend(|showing| printer.file(&report, showing)),
        },
    );
    progress.finish();
    walked.map_err(RunError::Threads)?;

    if options.interactive {
        interactive::confirm_and_write(&mut held, &writer, options.color).map_err(RunError::Output)?;
        for report in &held {
            printer.file(report, false);
        }
    }
    printer.finish(options, started)
}

/// Prints each file's report in order and keeps what the end of the run needs: the totals and
/// the pull-request description.
struct Printer {
    reporter: Box<dyn Reporter>,
    out: io::BufWriter<io::Stdout>,
    summary: Summary,
    pr_body: Option<PrBody>,
    /// The first error printing met; nothing more is printed after it.
    failed: Option<io::Error>,
}

impl Printer {
    fn new(options: &Options) -> Printer {
        Printer {
            reporter: reporter(options.format, options.mode, options.color, options.quiet),
            out: io::BufWriter::new(io::stdout()),
            summary: Summary::default(),
            pr_body: options.pr_text.wanted().then(PrBody::default),
            failed: None,
        }
    }

    /// Counts and prints one file's report; `flush` when something else shares the terminal.
    fn file(&mut self, report: &FileReport, flush: bool) {
        self.summary.add(report);
        if let Some(pr_body) = &mut self.pr_body {
            pr_body.add(report);
        }
        if self.failed.is_none() {
            let printed = self.reporter.file(&mut self.out, &mut io::stderr().lock(), report);
            let flushed = printed.and_then(|()| if flush { self.out.flush() } else { Ok(()) });
            self.failed = flushed.err();
        }
    }

    /// Writes the pull-request description, the format's closing output and the summary, and
    /// returns the exit code. A closed pipe is not an error: whoever reads has seen enough.
    fn finish(mut self, options: &Options, started: Instant) -> Result<Exit, RunError> {
        if let Some(pr_body) = &self.pr_body {
            options.pr_text.write(pr_body)?;
        }
        let mut err = io::stderr().lock();
        let printed = match self.failed.take() {
            Some(error) => Err(error),
            None => self
                .out
                .flush()
                .and_then(|()| self.reporter.finish(&mut self.out, &self.summary))
                .and_then(|()| self.out.flush()),
        }
        .and_then(|()| match options.quiet {
            true => Ok(()),
            false => write_summary(&mut err, options.mode, &self.summary, started.elapsed()),
        });
        match printed {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(RunError::Output(e)),
            _ => Ok(exit_code(options.mode, &self.summary)),
        }
    }
}
