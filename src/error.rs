//! What can go wrong with one file or with a whole run, and the one place a run's outcome
//! becomes an exit code (documented in the README, checked against `--help` by a test).

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::ConfigError;
use crate::report::{Mode, Summary};

/// A problem with one file. The run goes on; the exit code becomes 2.
#[derive(Debug)]
pub enum FileError {
    Missing,
    /// A file named with a trailing `/`.
    NotADirectory,
    Read(io::Error),
    NotUtf8,
    Unsupported,
    Syntax {
        line: usize,
        col: usize,
        message: String,
    },
    /// The edited text failed its check; nothing was written.
    Verify(String),
    Write(io::Error),
    /// A fix for a symbolic link: writing would replace the link with a regular file.
    Symlink,
    /// A link whose target is outside the paths given on the command line.
    OutsideRoots(std::path::PathBuf),
    ReadOnly,
    ReadOnlyDirectory,
    /// The file changed between reading and writing.
    Changed,
    /// The parser needed more memory or time than a file may use (why, in words).
    TooComplex(String),
    /// The worker's parser memory could not be reserved.
    ParserMemory(crate::parse::arena::Unavailable),
    /// Detection and planning ran past the time a file may take.
    TooComplexToAnalyze(std::time::Duration),
    /// Resolving the file's names would take more than [`crate::parse::scopes::MAX_LOOKUPS`]
    /// scope steps (this many).
    TooDeep(u64),
    /// The child process that checks a TypeScript file first could not run.
    Probe(io::Error),
    /// The `static-first.toml` that applies to the file is invalid.
    Config(crate::config::ConfigError),
    /// A panic while processing the file: a bug.
    Internal(String),
    Walk(String),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Missing => write!(f, "no such file or directory; check the path"),
            FileError::NotADirectory => write!(f, "is a file, not a directory; drop the trailing `/`"),
            FileError::Read(e) => write!(f, "cannot read the file: {e}"),
            FileError::NotUtf8 => {
                write!(f, "the file is not valid UTF-8; convert it or exclude it")
            }
            FileError::Unsupported => {
                write!(f, "not a JavaScript or TypeScript file (.js .cjs .mjs .jsx .ts .cts .mts .tsx)")
            }
            FileError::Syntax { line, col, message } => write!(
                f,
                "{line}:{col}: syntax error: {message}; the file mentions session and static middleware, \
                 so fix the syntax or exclude the file"
            ),
            FileError::Verify(why) => write!(
                f,
                "the fix failed its safety check and was not applied ({why}); please report this with the file"
            ),
            FileError::Write(e) => write!(f, "cannot write the fix: {e}; the file is unchanged"),
            FileError::Symlink => write!(
                f,
                "is a symbolic link and was not written (it would become a regular file); pass --follow to write its target"
            ),
            FileError::OutsideRoots(target) => write!(
                f,
                "links to {}, outside the paths given; not written (run on that path to fix it)",
                target.display()
            ),
            FileError::ReadOnly => write!(f, "the file is read-only; make it writable to apply the fix"),
            FileError::ReadOnlyDirectory => {
                write!(f, "its directory is read-only, so the fix cannot be written safely; make it writable")
            }
            FileError::Changed => {
                write!(f, "the file changed while static-first was running; not written, run again")
            }
            FileError::TooComplex(why) => write!(
                f,
                "too complex to parse: {why} (oxc backtracks exponentially on some chains of `<` \
                 and `(` in TypeScript); not changed: simplify those expressions or exclude the file"
            ),
            FileError::ParserMemory(e) => write!(
                f,
                "{e} for this worker (256 bytes per byte of --max-filesize); not changed: lower \
                 --max-filesize or -j, or raise the memory limit"
            ),
            FileError::TooComplexToAnalyze(limit) => write!(
                f,
                "too complex to analyse: it took more than {} s of CPU time (very deep nesting, long `else if` \
                 chains or thousands of apps in one file); not changed: split the file or exclude it",
                limit.as_secs_f32()
            ),
            FileError::TooDeep(lookups) => write!(
                f,
                "too complex to analyse: resolving its names takes {lookups} scope steps, more than \
                 the {} allowed (thousands of nested blocks); not changed: flatten the nesting or \
                 exclude the file",
                crate::parse::scopes::MAX_LOOKUPS
            ),
            FileError::Config(e) => write!(f, "{e}"),
            FileError::Probe(e) => write!(
                f,
                "cannot start the process that checks TypeScript files first: {e}; the file is unchanged"
            ),
            FileError::Internal(message) => write!(
                f,
                "internal error ({message}); the file was not changed. Please report this with the file"
            ),
            FileError::Walk(e) => write!(f, "{e}"),
        }
    }
}

/// How a run ended. Documented in `--help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Nothing to fix.
    Clean = 0,
    /// Findings remain (dry run and `--check`: any finding; `--write`: any it could not fix).
    Findings = 1,
    /// An error: bad arguments, an unreadable file, a file that does not parse.
    Error = 2,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// The exit code of a run that got to the end: errors first, then what remains to fix.
/// Malformed and unused suppressions count as findings: they are lint errors of their own.
pub fn exit_code(mode: Mode, summary: &Summary) -> Exit {
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

/// A problem that stops the whole run before or after the files (exit 2). Printed once, by
/// [`crate::cli::main`], as `static-first: error: ...`.
#[derive(Debug)]
pub enum RunError {
    /// A `--config` file, or one above a root, that cannot be used.
    Config(ConfigError),
    /// The paths could not be selected (`--files-from`, `--changed-since`).
    Selection(String),
    /// `-` without `--stdin-filename`.
    StdinNeedsFilename,
    /// `--stdin-filename` names a file that is not JavaScript or TypeScript.
    StdinUnsupported(PathBuf),
    StdinRead(io::Error),
    /// `--serve`: the line with this number is not a request (why, in serde's words).
    Request(usize, String),
    /// A `--pr-body`, `--pr-title` or `--commit-message` file could not be written.
    PrText(PrFile, PathBuf, io::Error),
    /// Standard output or error could not be written (not a closed pipe, which ends quietly).
    Output(io::Error),
    /// Not one worker thread could start (a thread or memory limit of the process).
    Threads(io::Error),
}

/// Which pull-request file a [`RunError::PrText`] is about.
#[derive(Debug, Clone, Copy)]
pub enum PrFile {
    Body,
    Title,
    CommitMessage,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Config(e) => write!(f, "{e}"),
            RunError::Selection(message) => write!(f, "{message}"),
            RunError::StdinNeedsFilename => {
                write!(f, "reading source from stdin (`-`) needs --stdin-filename PATH")
            }
            RunError::StdinUnsupported(name) => write!(f, "{}: {}", name.display(), FileError::Unsupported),
            RunError::StdinRead(e) => write!(f, "cannot read stdin: {e}"),
            RunError::Request(line, why) => write!(
                f,
                "line {line} of the input is not a request ({why}); send one JSON object per line: \
                 {{\"filename\": \"app.js\", \"source\": \"…\"}}, optionally with \"config\""
            ),
            RunError::PrText(what, file, e) => {
                let what = match what {
                    PrFile::Body => "pull-request description",
                    PrFile::Title => "pull-request title",
                    PrFile::CommitMessage => "commit message",
                };
                write!(f, "cannot write the {what} {}: {e}", file.display())
            }
            RunError::Output(e) => write!(f, "cannot write the output: {e}"),
            RunError::Threads(e) => write!(
                f,
                "cannot start a worker thread ({e}): each needs 1 GiB of address space for its stack; \
                 raise the process's thread or virtual-memory limit (ulimit -u, ulimit -v)"
            ),
        }
    }
}

/// The README's exit-code table (its `### Exit codes` section, the one place they are
/// documented), as `--help` shows it.
pub fn exit_codes_help() -> String {
    let readme = include_str!("../README.md");
    let section = readme.split("### Exit codes").nth(1).unwrap_or_default();
    let rows = section.lines().skip_while(|l| !l.starts_with("| 0")).take_while(|l| l.starts_with('|'));
    let mut out = String::from("Exit codes:");
    for row in rows {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let [code, meaning] = cells[..] else { continue };
        out.push_str(&format!("\n  {code}  "));
        let mut width = 0;
        for word in meaning.split_whitespace() {
            if width > 0 && width + word.len() > 88 {
                out.push_str("\n     ");
                width = 0;
            } else if width > 0 {
                out.push(' ');
                width += 1;
            }
            out.push_str(word);
            width += word.len();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_exit_code_from_the_readme() {
        let help = exit_codes_help();
        for exit in [Exit::Clean, Exit::Findings, Exit::Error] {
            assert!(help.contains(&format!("\n  {}  ", exit as u8)), "{help}");
        }
        assert!(help.contains("findings remain"), "{help}");
    }
}
