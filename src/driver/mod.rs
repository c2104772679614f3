//! Runs the pipeline on every file and is the only code that reads and writes files: it
//! walks, reads, screens out what cannot or should not be parsed, calls the pipeline, writes
//! fixes atomically and prints the report.

mod interactive;

use std::any::Any;
use std::collections::HashSet;
use std::fs;
use std::io::{self, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

use memchr::memmem::Finder;
use oxc_span::SourceType;

use crate::parse::arena::Arena;
use crate::knowledge::Kind;
use crate::config::{Config, Configs};
use crate::error::{Exit, FileError};
use interactive::Answer;
use crate::parse::source_type;
use crate::pipeline::fix_text;
use crate::parse::probe::{self, Prober};
use crate::progress::Progress;
use crate::report::{
    FileReport, Format, Mode, Pending, PrBody, Replacement, Reporter, Summary, reporter, unified_diff,
    write_summary,
};
use crate::walk::select::{self, Selection};
use crate::source::Source;
use crate::walk::{Entry, WalkOptions, on_worker_stack, walk};

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
    /// Ask before applying each fix (with `mode` Write).
    pub interactive: bool,
    /// Also write a Markdown pull-request description here.
    pub pr_body: Option<PathBuf>,
    /// Source from stdin: the path it stands for (its extension picks the parser).
    pub stdin_filename: Option<PathBuf>,
    /// With stdin: print a diff instead of the fixed source.
    pub diff: bool,
    /// The configuration file for every file (instead of the nearest `static-first.toml`).
    pub config: Option<PathBuf>,
    /// Print the configuration that applies to each path and stop.
    pub print_config: bool,
}

/// What each worker thread keeps between files: the pipeline's resources and one read buffer.
struct Worker {
    fixer: Fixer,
    buffer: Vec<u8>,
}

impl Worker {
    fn new(options: &Options) -> Worker {
        Worker { fixer: Fixer::new(options), buffer: Vec::new() }
    }
}

/// What running the pipeline on a file needs: one oxc arena, reset per file, and the child
/// process that checks TypeScript files first.
struct Fixer {
    arena: Arena,
    prober: Prober,
}

impl Fixer {
    fn new(options: &Options) -> Fixer {
        Fixer {
            arena: Arena::for_sources_up_to(options.max_filesize),
            prober: Prober::new(options.max_filesize, options.config.as_deref()),
        }
    }

    /// Runs the pipeline on one file's text (TypeScript through the probe first), filling
    /// `report`'s findings and notes; the fixed text, if any.
    fn fix(
        &mut self,
        report: &mut FileReport,
        source: Source<'_>,
        source_type: SourceType,
        config: &Config,
        explain: bool,
    ) -> Result<Option<String>, FileError> {
        if probe::needed(source_type) {
            self.prober.check(source.text, &report.path)?;
        }
        fix_text(
            &mut self.arena,
            source,
            source_type,
            config,
            explain,
            &mut report.findings,
            &mut report.notes,
        )
    }
}

/// A line this long means minified or generated code: fix its source instead.
const MAX_LINE: usize = 10_000;

/// Runs the whole tool and returns the exit code.
pub fn run(options: &Options) -> Exit {
    let started = Instant::now();
    quiet_worker_panics();
    let configs = match Configs::new(options.config.as_deref()) {
        Ok(configs) => configs,
        Err(error) => {
            eprintln!("static-first: error: {error}");
            return Exit::Error;
        }
    };
    if options.print_config {
        return print_configs(options, &configs);
    }
    if options.selection.paths == [PathBuf::from("-")] {
        return run_stdin(options, &configs);
    }
    let (roots, listed) = match select::roots(&options.selection) {
        Ok(found) => found,
        Err(message) => {
            eprintln!("static-first: error: {message}");
            return Exit::Error;
        }
    };
    // A broken configuration above a root would fail every file under it: say so once.
    for root in &roots {
        if let Err(error) = configs.for_path(root) {
            eprintln!("static-first: error: {error}");
            return Exit::Error;
        }
    }
    let walk_options = WalkOptions { threads: options.threads, follow: options.follow };
    let writer = Writer {
        follow: options.follow,
        roots: roots.iter().filter_map(|p| p.canonicalize().ok()).collect(),
        written: Mutex::new(HashSet::new()),
    };
    let progress = Progress::start(options.progress);
    let mut printer = Printer::new(options);
    // `--interactive` asks about every fix once the run is over; otherwise each file's report is
    // printed as soon as every file before it has been.
    let mut held = Vec::new();
    walk(
        &roots,
        walk_options,
        || Worker::new(options),
        |worker, entry| match entry {
            Entry::File { path, explicit } => {
                if (!explicit || listed) && source_type(path).is_none() {
                    return None;
                }
                progress.tick();
                let result = panic::catch_unwind(AssertUnwindSafe(|| {
                    process_file(worker, path, options, &configs, &writer)
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

    if options.interactive {
        if confirm_and_write(&mut held, &writer, options.color).is_err() {
            return Exit::Error;
        }
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
            pr_body: options.pr_body.as_ref().map(|_| PrBody::default()),
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
    /// returns the exit code.
    fn finish(mut self, options: &Options, started: Instant) -> Exit {
        if let (Some(file), Some(pr_body)) = (&options.pr_body, &self.pr_body)
            && let Err(e) = fs::write(file, pr_body.render())
        {
            eprintln!(
                "static-first: error: cannot write the pull-request description {}: {e}",
                file.display()
            );
            return Exit::Error;
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
        if let Err(e) = printed
            && e.kind() != io::ErrorKind::BrokenPipe
        {
            return Exit::Error;
        }
        exit_code(options.mode, &self.summary)
    }
}

/// `--interactive`: shows each fix's diff, asks, and writes the accepted ones.
fn confirm_and_write(reports: &mut [FileReport], writer: &Writer, color: bool) -> io::Result<()> {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut out = io::stdout().lock();
    let mut all = false;
    let shown = crate::report::Human { mode: Mode::DryRun, color, quiet: false };
    for report in reports.iter_mut() {
        let Some(pending) = report.pending.take() else { continue };
        if !all {
            let diff = unified_diff(&report.path, &pending.before, &pending.after);
            shown.paint_diff(&mut out, &diff)?;
            match interactive::ask(
                &format!("Apply this fix to {}?", report.path.display()),
                &mut input,
                &mut out,
            )? {
                Answer::Yes => {}
                Answer::No => continue,
                Answer::All => all = true,
                Answer::Quit => break,
            }
        }
        let read = Source { bom: pending.bom, text: &pending.before, newline: "\n" };
        match writer.write(&report.path, read, &pending.after) {
            Ok(()) => report.written = true,
            Err(error) => report.error = Some(error),
        }
    }
    Ok(())
}

/// `-` as the only path: fix the source on stdin and print it (or its diff) on stdout;
/// findings that need review go to stderr.
/// `--print-config`: the configuration that applies to each path given (or the current
/// directory), as TOML.
fn print_configs(options: &Options, configs: &Configs) -> Exit {
    let paths = if options.selection.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.selection.paths.clone()
    };
    let mut out = io::stdout().lock();
    for path in paths {
        match configs.for_path(&path) {
            Ok(config) => {
                let _ = write!(out, "# {}\n{}", path.display(), config.render());
            }
            Err(error) => {
                eprintln!("static-first: error: {error}");
                return Exit::Error;
            }
        }
    }
    Exit::Clean
}

fn run_stdin(options: &Options, configs: &Configs) -> Exit {
    let Some(name) = &options.stdin_filename else {
        eprintln!("static-first: error: reading source from stdin (`-`) needs --stdin-filename PATH");
        return Exit::Error;
    };
    let Some(source_type) = source_type(name) else {
        eprintln!("static-first: error: {}: {}", name.display(), FileError::Unsupported);
        return Exit::Error;
    };
    let mut raw = String::new();
    if let Err(e) = io::stdin().read_to_string(&mut raw) {
        eprintln!("static-first: error: cannot read stdin: {e}");
        return Exit::Error;
    }
    let source = Source::new(&raw);
    let mut report = FileReport::new(name);
    let config = match configs.for_file(name) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("static-first: error: {error}");
            return Exit::Error;
        }
    };
    let result = on_worker_stack(|| {
        let mut fixer = Fixer::new(options);
        panic::catch_unwind(AssertUnwindSafe(|| {
            fixer.fix(&mut report, source, source_type, &config, options.explain)
        }))
        .unwrap_or_else(|payload| Err(FileError::Internal(panic_message(payload.as_ref()))))
    });
    let mut out = io::stdout().lock();
    let printed = match &result {
        Ok(Some(fixed)) if options.diff => out.write_all(unified_diff(name, source.text, fixed).as_bytes()),
        Ok(Some(fixed)) => out.write_all(source.with_text(fixed).as_bytes()),
        Ok(None) if options.diff => Ok(()),
        Ok(None) | Err(_) => out.write_all(raw.as_bytes()),
    };
    if printed.is_err() {
        return Exit::Error;
    }
    report.written = matches!(result, Ok(Some(_)));
    if let Err(error) = result {
        report.error = Some(error);
        report.findings.clear();
    }
    report.findings.retain(|f| !f.is_fixable());
    let mut human = crate::report::Human { mode: Mode::Check, color: false, quiet: true };
    let mut err = io::stderr().lock();
    let _ = human.file(&mut err, &mut io::sink(), &report);
    match (&report.error, report.findings.is_empty()) {
        (Some(error), _) => {
            let _ = writeln!(err, "{}: error: {error}", name.display());
            Exit::Error
        }
        (None, false) => Exit::Findings,
        (None, true) => Exit::Clean,
    }
}

/// Panics inside a file's processing are caught and reported for that file; keep the default
/// hook's message off stderr for them.
fn quiet_worker_panics() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !std::thread::current().name().is_some_and(|n| n.starts_with("static-first-")) {
            default(info);
        }
    }));
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn exit_code(mode: Mode, summary: &Summary) -> Exit {
    // Malformed and unused suppressions count as findings: they are lint errors of their own.
    let remaining = summary.notes
        + match mode {
            Mode::Write => summary.findings - summary.fixed,
            Mode::DryRun | Mode::Check => summary.findings,
        };
    if summary.errors > 0 {
        Exit::Error
    } else if remaining > 0 {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// Byte patterns a file must hold to possibly register both kinds of middleware.
static SESSION: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("session"));
static STATIC: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("static"));
static FAVICON: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("favicon"));
static OPENID: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("express-openid-connect"));
static SIRV: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("sirv"));
static SERVE_INDEX: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("serve-index"));

/// Whether the bytes can hold a finding: it takes a session module (every one's name contains
/// `session`, but express-openid-connect's, or one the configuration declares) and a static
/// one (`static`, `favicon`, `sirv`, `serve-index`, or a declared one). Every module name in
/// `classify` must be matched here.
fn may_hold_finding(bytes: &[u8], config: &Config) -> bool {
    let names = |kind| config.modules(kind).any(|m| memchr::memmem::find(bytes, m.as_bytes()).is_some());
    let session = SESSION.find(bytes).is_some() || OPENID.find(bytes).is_some() || names(Kind::Session);
    session
        && ([&*STATIC, &*FAVICON, &*SIRV, &*SERVE_INDEX].iter().any(|finder| finder.find(bytes).is_some())
            || names(Kind::Static))
}

fn process_file(
    worker: &mut Worker,
    path: &Path,
    options: &Options,
    configs: &Configs,
    writer: &Writer,
) -> FileReport {
    // One open and one fstat per file: the size check and the read share the handle.
    let opened = fs::File::open(path).and_then(|f| f.metadata().map(|meta| (f, meta.len())));
    let (file, size) = match opened {
        Ok(opened) => opened,
        Err(e) => return FileReport::failed(path, FileError::Read(e)),
    };
    if size > options.max_filesize {
        return FileReport::skipped(
            path,
            format!(
                "larger than --max-filesize ({size} > {} bytes); raise the limit to check it",
                options.max_filesize
            ),
        );
    }
    worker.buffer.clear();
    worker.buffer.reserve(usize::try_from(size).unwrap_or(0));
    // Read through `take` so std does not stat the file again for a size hint; one byte more
    // than the limit shows a file that grew past it.
    if let Err(e) = file.take(options.max_filesize.saturating_add(1)).read_to_end(&mut worker.buffer) {
        return FileReport::failed(path, FileError::Read(e));
    }
    if worker.buffer.len() as u64 > options.max_filesize {
        return FileReport::skipped(path, "grew past --max-filesize while it was read; run again".into());
    }
    let bytes = &worker.buffer[..];
    let Some(source_type) = source_type(path) else {
        return FileReport::failed(path, FileError::Unsupported);
    };
    let config = match configs.for_file(path) {
        Ok(config) => config,
        Err(error) => return FileReport::failed(path, FileError::Config(error)),
    };
    if !may_hold_finding(bytes, &config) {
        return FileReport::new(path);
    }
    if memchr::memchr(0, bytes).is_some() {
        return FileReport::skipped(path, "a binary file (it contains NUL bytes)".into());
    }
    let Ok(raw) = std::str::from_utf8(bytes) else {
        return FileReport::failed(path, FileError::NotUtf8);
    };
    if let Some(longest) = raw.split('\n').map(str::len).max().filter(|&n| n > MAX_LINE) {
        return FileReport::skipped(
            path,
            format!(
                "looks minified or generated (a line of {longest} bytes); fix the source it is built from"
            ),
        );
    }
    let source = Source::new(raw);
    let mut report = FileReport::new(path);
    match worker.fixer.fix(&mut report, source, source_type, &config, options.explain) {
        Ok(Some(fixed)) if options.interactive => {
            report.pending = Some(Pending { before: source.text.to_string(), after: fixed, bom: source.bom });
        }
        Ok(Some(fixed)) => {
            if options.format.needs_diff(options.mode) {
                report.diff = Some(unified_diff(path, source.text, &fixed));
            }
            if options.format.needs_replacement() {
                report.replacement = Some(Replacement::between(source.text, &fixed));
            }
            if options.mode == Mode::Write {
                match writer.write(path, source, &fixed) {
                    Ok(()) => report.written = true,
                    Err(error) => report.error = Some(error),
                }
            }
        }
        Ok(None) => {}
        Err(error) => {
            report.error = Some(error);
            // Nothing will change, so nothing is fixable.
            report.findings.retain(|f| !f.is_fixable());
        }
    }
    report
}

/// Writes fixes: the only code that changes files.
struct Writer {
    /// Write through symbolic links (only to targets inside `roots`).
    follow: bool,
    /// The given paths, canonical.
    roots: Vec<PathBuf>,
    /// Files already written: with --follow one file can be reached by several paths.
    written: Mutex<HashSet<PathBuf>>,
}

impl Writer {
    /// Replaces the file with the fixed text, all or nothing: a temporary file in the same
    /// directory, flushed to disk with the original's permissions, renamed over the original.
    /// Refuses links (unless following, and then only inside the roots), read-only files, and
    /// files that changed since they were read.
    fn write(&self, path: &Path, read: Source<'_>, fixed: &str) -> Result<(), FileError> {
        let mut target = path.to_path_buf();
        if fs::symlink_metadata(path).map_err(FileError::Read)?.file_type().is_symlink() {
            if !self.follow {
                return Err(FileError::Symlink);
            }
            target = path.canonicalize().map_err(FileError::Read)?;
            if !self.roots.iter().any(|root| target.starts_with(root)) {
                return Err(FileError::OutsideRoots(target));
            }
        }
        if let Ok(canonical) = target.canonicalize()
            && !self.written.lock().expect("no writer panics holding the lock").insert(canonical)
        {
            return Ok(());
        }
        let permissions = fs::metadata(&target).map_err(FileError::Read)?.permissions();
        if permissions.readonly() {
            return Err(FileError::ReadOnly);
        }
        let current = fs::read(&target).map_err(FileError::Read)?;
        let current = String::from_utf8_lossy(&current);
        let now = Source::new(&current);
        if now.text != read.text || now.bom != read.bom {
            return Err(FileError::Changed);
        }
        let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if fs::metadata(dir).map_err(FileError::Read)?.permissions().readonly() {
            return Err(FileError::ReadOnlyDirectory);
        }
        let mut tmp =
            tempfile::Builder::new().prefix(".static-first").tempfile_in(dir).map_err(FileError::Write)?;
        tmp.write_all(read.with_text(fixed).as_bytes()).map_err(FileError::Write)?;
        tmp.as_file().sync_all().map_err(FileError::Write)?;
        fs::set_permissions(tmp.path(), permissions).map_err(FileError::Write)?;
        tmp.persist(&target).map_err(|e| FileError::Write(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer() -> Writer {
        Writer { follow: false, roots: Vec::new(), written: Mutex::new(HashSet::new()) }
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.js");
        fs::write(&path, "edited meanwhile\n").unwrap();
        let err = writer().write(&path, Source::new("original\n"), "fixed\n").unwrap_err();
        assert!(matches!(err, FileError::Changed));
        assert_eq!(fs::read_to_string(&path).unwrap(), "edited meanwhile\n");
    }

    #[test]
    fn read_only_files_are_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.js");
        fs::write(&path, "original\n").unwrap();
        let mut perms = fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        fs::set_permissions(&path, perms).unwrap();
        let err = writer().write(&path, Source::new("original\n"), "fixed\n").unwrap_err();
        assert!(matches!(err, FileError::ReadOnly));
        assert_eq!(fs::read_to_string(&path).unwrap(), "original\n");
    }

    #[test]
    fn files_in_read_only_directories_are_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.js");
        fs::write(&path, "original\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
        let err = writer().write(&path, Source::new("original\n"), "fixed\n").unwrap_err();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        assert!(matches!(err, FileError::ReadOnlyDirectory));
        assert_eq!(fs::read_to_string(&path).unwrap(), "original\n");
    }

    #[test]
    fn the_prefilter_lets_every_known_module_through() {
        use crate::knowledge::{SESSION_MODULES, STATIC_MODULES};
        let sessions = SESSION_MODULES.iter().copied().chain(["express-openid-connect", "express.session"]);
        for session in sessions {
            for statics in STATIC_MODULES.iter().copied().chain(["express.static", "express['static']"]) {
                let text = format!("require('{session}'); require('{statics}')");
                assert!(may_hold_finding(text.as_bytes(), &Config::default()), "{text}");
            }
        }
        assert!(!may_hold_finding(b"require('express').static('x')", &Config::default()));
    }

    #[test]
    fn the_prefilter_learns_the_configured_modules() {
        let config = Config::parse(
            Path::new("static-first.toml"),
            "[middleware]\nsession = [\"@acme/store\"]\nstatic = [\"@acme/web#serve\"]\n",
        )
        .unwrap();
        let text = b"require('@acme/store'); require('@acme/web')";
        assert!(!may_hold_finding(text, &Config::default()));
        assert!(may_hold_finding(text, &config));
        assert!(!may_hold_finding(b"require('@acme/store')", &config));
    }

    #[test]
    fn panics_are_reported_as_messages() {
        let payload = panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
        assert_eq!(panic_message(payload.as_ref()), "boom 1");
    }
}
