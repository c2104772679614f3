//! Runs the pipeline on every file (read, prefilter, parse, detect, plan, edit, verify), and is
//! the only code that writes files.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Instant;

use memchr::memmem::Finder;
use oxc_allocator::Allocator;
use oxc_span::SourceType;

use crate::detect::analyze;
use crate::edit::{Edit, Layout, apply};
use crate::error::{Exit, FileError};
use crate::parse::{parse, source_type};
use crate::plan::{Outcome, plan_block};
use crate::report::{Change, FileReport, FindingReport, Mode, Printer, Status, Summary};
use crate::source::{LineIndex, Source};
use crate::verify::{Permutation, Shape};
use crate::walk::{Entry, walk};

/// What the command line asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub mode: Mode,
    pub explain: bool,
    pub threads: usize,
    pub color: bool,
}

/// Fixes that had to wait for another fix in the same statement list get this many more passes.
const MAX_PASSES: usize = 4;

/// Runs the whole tool and returns the exit code.
pub fn run(options: &Options) -> Exit {
    let started = Instant::now();
    let mut reports: Vec<FileReport> =
        walk(&options.paths, options.threads, Allocator::default, |allocator, entry| match entry {
            Entry::File { path, explicit } => {
                if !explicit && source_type(path).is_none() {
                    return None;
                }
                allocator.reset();
                Some(process_file(allocator, path, options.explain))
            }
            Entry::Error { path, message } if message.is_empty() => {
                Some(FileReport::failed(path, FileError::Missing))
            }
            Entry::Error { path, message } => Some(FileReport::failed(path, FileError::Walk(message))),
        })
        .into_iter()
        .map(|(_, report)| report)
        .collect();

    if options.mode == Mode::Write {
        for report in &mut reports {
            if let Some(change) = &report.change {
                match write_atomically(&report.path, change) {
                    Ok(()) => report.written = true,
                    Err(error) => report.error = Some(error),
                }
            }
        }
    }

    let printer = Printer { mode: options.mode, color: options.color };
    let summary = Summary::of(&reports);
    let printed = print_all(&printer, &reports, &summary, started);
    if let Err(e) = printed
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        return Exit::Error;
    }
    exit_code(options.mode, &summary)
}

fn print_all(
    printer: &Printer,
    reports: &[FileReport],
    summary: &Summary,
    started: Instant,
) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut err = io::stderr().lock();
    for report in reports {
        printer.file(&mut out, &mut err, report)?;
    }
    out.flush()?;
    printer.summary(&mut err, summary, started.elapsed())
}

fn exit_code(mode: Mode, summary: &Summary) -> Exit {
    let remaining = match mode {
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

/// Whether the bytes can hold a finding: every session module name contains `session`, and
/// every static one `static` or `favicon`.
fn may_hold_finding(bytes: &[u8]) -> bool {
    SESSION.find(bytes).is_some() && (STATIC.find(bytes).is_some() || FAVICON.find(bytes).is_some())
}

fn process_file(allocator: &mut Allocator, path: &Path, explain: bool) -> FileReport {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return FileReport::failed(path, FileError::Read(e)),
    };
    let Some(source_type) = source_type(path) else {
        return FileReport::failed(path, FileError::Unsupported);
    };
    if !may_hold_finding(&bytes) {
        return FileReport::new(path);
    }
    let Ok(raw) = String::from_utf8(bytes) else {
        return FileReport::failed(path, FileError::NotUtf8);
    };
    let source = Source::new(&raw);
    let mut report = FileReport::new(path);
    match fix_text(allocator, source, source_type, explain, &mut report.findings) {
        Ok(Some(fixed)) => {
            report.change = Some(Change { before: source.text.to_string(), after: fixed, bom: source.bom })
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

/// Finds, plans and applies every safe fix in `source`, re-parsing and checking after each
/// pass. Returns the fixed text (after the BOM, like `source.text`) if it changed.
fn fix_text(
    allocator: &mut Allocator,
    source: Source<'_>,
    source_type: SourceType,
    explain: bool,
    findings: &mut Vec<FindingReport>,
) -> Result<Option<String>, FileError> {
    let mut text = source.text.to_string();
    let mut expected: Option<Shape> = None;
    for pass in 0..MAX_PASSES {
        let allocator: &Allocator = allocator;
        let program = match parse(allocator, &text, source_type) {
            Ok(program) => program,
            Err(e) if pass == 0 => {
                let (line, col) = LineIndex::new(&text).line_col(e.offset);
                return Err(FileError::Syntax { line, col, message: e.message });
            }
            Err(e) => {
                return Err(FileError::Verify(format!("the edited file does not parse: {}", e.message)));
            }
        };
        if let Some(expected) = &expected {
            expected.check(&Shape::of(&program, &text)).map_err(FileError::Verify)?;
        }
        let analysis = analyze(&program);
        let lines = LineIndex::new(&text);
        let layout = Layout {
            text: &text,
            comments: &analysis.comments,
            verbatim: &analysis.verbatim,
            newline: source.newline,
        };

        let mut edits: Vec<Edit> = Vec::new();
        let mut permutations = Vec::new();
        for block in &analysis.blocks {
            let Some(finding) = plan_block(block) else {
                continue;
            };
            let status = match &finding.plan.outcome {
                Outcome::Fix(i) => {
                    let candidate = &finding.plan.candidates[*i];
                    match layout.edits(block, candidate) {
                        Ok(mine) => {
                            let (start, end) = (mine[0].start, mine.iter().map(|e| e.end).max().unwrap_or(0));
                            // Another fix already edits this stretch: this one waits for the next pass.
                            if edits.iter().all(|e| e.end < start || e.start > end) {
                                permutations.push(Permutation {
                                    first: block.stmts[0].span.start,
                                    order: candidate.order(block.stmts.len()),
                                });
                                edits.extend(mine);
                            }
                            Status::Fixable { direction: candidate.direction, moved: candidate.moved.len() }
                        }
                        Err(refusal) => Status::Review {
                            reason: format!(
                                "cannot move line {} as whole lines: {}",
                                lines.line(block.stmts[refusal.stmt].span.start),
                                refusal.reason
                            ),
                            blocked_by: lines.line(block.stmts[refusal.stmt].span.start),
                        },
                    }
                }
                Outcome::Review(blocker) => Status::Review {
                    reason: blocker.reason.clone(),
                    blocked_by: lines.line(block.stmts[blocker.stmt].span.start),
                },
            };
            // Later passes only re-plan what earlier fixes left; report what is new there.
            if pass == 0 || !matches!(status, Status::Fixable { .. }) {
                findings.push(FindingReport::new(block, &finding, status, &lines, explain));
            }
        }
        if edits.is_empty() {
            findings.sort_by_key(|f| (f.line, f.col));
            return Ok((text != source.text).then_some(text));
        }
        edits.sort_by_key(|e| (e.start, e.end));
        expected = Some(Shape::of(&program, &text).expected(&text, &permutations, &edits));
        text = apply(&text, &edits);
    }
    Err(FileError::Verify("the fixes did not settle after several passes".into()))
}

/// Replaces `path` with `after`, all or nothing: a temporary file in the same directory,
/// flushed to disk with the original's permissions, renamed over the original. Skips the file
/// if it changed since it was read.
fn write_atomically(path: &Path, change: &Change) -> Result<(), FileError> {
    if fs::symlink_metadata(path).map_err(FileError::Read)?.file_type().is_symlink() {
        return Err(FileError::Symlink);
    }
    let current = fs::read(path).map_err(FileError::Read)?;
    let current = String::from_utf8_lossy(&current);
    let source = Source::new(&current);
    if source.text != change.before || source.bom != change.bom {
        return Err(FileError::Write(io::Error::other("the file changed while it was being processed")));
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let permissions = fs::metadata(path).map_err(FileError::Read)?.permissions();
    let mut tmp =
        tempfile::Builder::new().prefix(".static-first").tempfile_in(dir).map_err(FileError::Write)?;
    tmp.write_all(source.with_text(&change.after).as_bytes()).map_err(FileError::Write)?;
    tmp.as_file().sync_all().map_err(FileError::Write)?;
    fs::set_permissions(tmp.path(), permissions).map_err(FileError::Write)?;
    tmp.persist(path).map_err(|e| FileError::Write(e.error))?;
    Ok(())
}
