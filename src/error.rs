//! What can go wrong with one file, and the one place a run's outcome becomes an exit code.

use std::fmt;
use std::io;
use std::process::ExitCode;

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

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  nothing to fix
  1  findings remain (dry run and --check: any finding; --write: findings it could not fix)
  2  an error: bad arguments, an invalid static-first.toml, an unreadable file, a file that
     mentions session and static middleware but does not parse (or is too complex to parse),
     or a fix that failed its safety check or could not be written";
