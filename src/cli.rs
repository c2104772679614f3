//! The command line: clap definitions whose doc comments are the `--help`, turned into
//! [`Options`] once.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};

use crate::driver::{Options, PrText, run};
use crate::error::{Exit, RunError, exit_codes_help};
use crate::fault::{self, Fault};
use crate::parse::arena::MAX_FILESIZE;
use crate::parse::probe;
use crate::report::{Format, Mode};
use crate::walk::select::Selection;

/// Moves Express static-file middleware above session middleware, where that is provably safe.
///
/// By default prints a unified diff of every fix and a warning for every finding that needs
/// manual review; nothing is written.
#[derive(Debug, Parser)]
#[command(name = "static-first", version, after_help = exit_codes_help(), args_conflicts_with_subcommands = true, disable_help_subcommand = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or directories to scan (default: the current directory). Directories are walked
    /// respecting .gitignore and .ignore, skipping hidden files and node_modules; a file named
    /// here is always processed.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Apply the fixes in place and print which files changed.
    #[arg(long, conflicts_with_all = ["check", "interactive"])]
    pub write: bool,

    /// Show each fix's diff and ask: y(es), n(o), a(ll remaining), q(uit). Only accepted
    /// fixes are written.
    #[arg(long, short = 'i', conflicts_with = "check")]
    pub interactive: bool,

    /// Print findings only, without diffs (for CI).
    #[arg(long)]
    pub check: bool,

    /// For every finding, print the candidate moves and why each was taken or rejected.
    #[arg(long)]
    pub explain: bool,

    /// Output format: human (diffs and warnings), json, sarif, github (Actions workflow
    /// commands) or patch (for `git apply`).
    #[arg(long, value_enum, default_value_t = Format::Human, value_name = "FORMAT")]
    pub format: Format,

    /// Print nothing but findings and errors: no diffs, notes or summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// When to color the output (NO_COLOR turns off `auto`).
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,

    /// Check the paths listed in FILE (`-` for stdin), separated by newlines or NUL bytes.
    /// Listed files that are not JavaScript or TypeScript are passed over.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,

    /// Check only files changed since the git revision REV (and untracked files), under the
    /// given paths if any.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,

    /// Read source from stdin (PATH `-`) as if it were this file; print the fixed source on
    /// stdout, findings that need review on stderr.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Answer requests until stdin ends: each line a JSON object {"filename", "source",
    /// "config"?}, each answered with one line, the JSON document `--stdin-filename FILENAME
    /// --format json -` prints for that text (or {"error", "exit_code"} where it would stop).
    #[arg(long, conflicts_with_all = [
        "paths", "write", "interactive", "check", "format", "files_from", "changed_since",
        "stdin_filename", "pr_body", "pr_title", "commit_message", "print_config",
    ])]
    pub serve: bool,

    /// With --stdin-filename: print a unified diff instead of the fixed source.
    #[arg(long, requires = "stdin_filename")]
    pub diff: bool,

    /// Also write a Markdown pull-request description of the fixes and the findings left for
    /// review to FILE.
    #[arg(long, value_name = "FILE")]
    pub pr_body: Option<PathBuf>,

    /// Also write a pull-request title to FILE: one line of at most 72 characters, the same as
    /// the commit message's first line.
    #[arg(long, value_name = "FILE")]
    pub pr_title: Option<PathBuf>,

    /// Also write a commit message for the fixes to FILE (for `git commit -F FILE`): the title,
    /// a blank line, one line per fix.
    #[arg(long, value_name = "FILE")]
    pub commit_message: Option<PathBuf>,

    /// Follow symbolic links while walking (loops are detected); fixes are written through a
    /// link only when its target is inside the given paths.
    #[arg(long, short = 'L')]
    pub follow: bool,

    /// Skip files larger than this (bytes, or with a K, M or G suffix).
    /// At most 16M: each worker reserves 256 bytes of parser memory per byte of the largest file.
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = parse_max_filesize)]
    pub max_filesize: u64,

    /// Worker threads (default, or 0: the number of cores). At most 1024.
    #[arg(long, short = 'j', value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,

    /// Use this configuration file for every file, instead of the nearest static-first.toml
    /// in or above each file's directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print the configuration that applies to each PATH (default: the current directory)
    /// and exit.
    #[arg(long)]
    pub print_config: bool,

    /// Internal: answer the workers' requests to check TypeScript sources (see `probe`).
    #[arg(long, hide = true)]
    pub probe: bool,

    /// Internal, for the test suite only: a deliberate fault (see `fault`).
    #[arg(long, hide = true, value_name = "FAULT", value_parser = fault::parse)]
    pub internal_fault: Option<Fault>,

    /// Internal, for the test suite only: milliseconds a run lasts before progress shows.
    #[arg(long, hide = true, value_name = "MS", default_value_t = 1000)]
    pub internal_progress_delay: u64,
}

/// What runs instead of a check of PATHs (a directory named like one is `./lsp`).
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Run the language server on stdin and stdout: diagnostics and quick fixes in an editor
    /// (set-up for Neovim, Helix and VS Code: the README's "In an editor" section).
    Lsp {
        /// Documents larger than this get no diagnostics (bytes, or with a K, M or G suffix).
        #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = parse_max_filesize)]
        max_filesize: u64,

        /// Use this configuration file for every document, instead of the nearest
        /// static-first.toml.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Args {
    pub fn into_options(self) -> Options {
        let mode = match (self.write || self.interactive, self.check) {
            (true, _) => Mode::Write,
            (false, true) => Mode::Check,
            (false, false) => Mode::DryRun,
        };
        let progress = !self.quiet && std::io::stderr().is_terminal();
        let color = match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
            }
        };
        let threads = self
            .threads
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get));
        let selection =
            Selection { paths: self.paths, files_from: self.files_from, changed_since: self.changed_since };
        Options {
            selection,
            mode,
            explain: self.explain,
            threads,
            color,
            follow: self.follow,
            max_filesize: self.max_filesize,
            format: self.format,
            quiet: self.quiet,
            progress,
            interactive: self.interactive,
            pr_text: PrText { body: self.pr_body, title: self.pr_title, commit_message: self.commit_message },
            stdin_filename: self.stdin_filename,
            diff: self.diff,
            config: self.config,
            print_config: self.print_config,
            serve: self.serve,
            progress_delay: std::time::Duration::from_millis(self.internal_progress_delay),
        }
    }
}

/// The most worker threads `-j` may ask for: each reserves a stack of
/// [`crate::walk::WORKER_STACK`] and its own parser memory.
const MAX_THREADS: usize = 1024;

/// `-j`: a thread count no larger than [`MAX_THREADS`] (0: the number of cores).
fn parse_threads(text: &str) -> Result<usize, String> {
    let n: usize = text.parse().map_err(|_| format!("`{text}` is not a number of threads"))?;
    if n > MAX_THREADS {
        return Err(format!(
            "`{text}` is over the most worker threads, {MAX_THREADS} (each reserves 1 GiB of address space \
             for its stack and its own parser memory); the default is the number of cores"
        ));
    }
    Ok(n)
}

/// `--max-filesize`: a size no larger than [`MAX_FILESIZE`], whose parser memory every worker
/// can reserve.
fn parse_max_filesize(text: &str) -> Result<u64, String> {
    let size = parse_size(text)?;
    if size > MAX_FILESIZE {
        return Err(format!(
            "`{text}` is over the largest --max-filesize, 16M (each worker reserves 256 bytes of parser \
             memory per byte of the largest file); larger files are generated or minified: exclude them"
        ));
    }
    Ok(size)
}

/// `100`, `50K`, `1M`, `2G` (powers of 1024).
fn parse_size(text: &str) -> Result<u64, String> {
    let (digits, unit) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&text[..i], c.to_ascii_uppercase()),
        _ => (text, 'B'),
    };
    let shift = match unit {
        'B' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return Err(format!("unknown size suffix in `{text}` (use K, M or G)")),
    };
    let n: u64 = digits.parse().map_err(|_| format!("`{text}` is not a size"))?;
    n.checked_shl(shift).filter(|v| v >> shift == n).ok_or_else(|| format!("`{text}` is too large"))
}

/// Parses the command line and runs. Usage errors exit 2, like every other error.
pub fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { Exit::Error } else { Exit::Clean }.into();
        }
    };
    if let Some(fault) = &args.internal_fault {
        fault::install(fault.clone());
    }
    if let Some(Command::Lsp { max_filesize, config }) = args.command {
        let options = crate::lsp::Options { max_filesize, config };
        return match crate::walk::on_worker_stack(|| crate::lsp::serve_stdio(&options)) {
            Ok(code) => ExitCode::from(code),
            Err(e) => {
                eprintln!("static-first: error: {}", RunError::Threads(e));
                Exit::Error.into()
            }
        };
    }
    if args.probe {
        return ExitCode::from(probe::serve(args.max_filesize, args.config.as_deref()));
    }
    match run(&args.into_options()) {
        Ok(exit) => exit.into(),
        Err(error) => {
            eprintln!("static-first: error: {error}");
            Exit::Error.into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_max_filesize, parse_size};

    #[test]
    fn sizes_take_suffixes() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("50K"), Ok(50 * 1024));
        assert_eq!(parse_size("1m"), Ok(1 << 20));
        assert!(parse_size("1X").is_err());
        assert!(parse_size("K").is_err());
        assert_eq!(parse_max_filesize("16M"), Ok(16 << 20));
        assert!(parse_max_filesize("16777217").unwrap_err().contains("over the largest"));
        assert!(parse_max_filesize("100M").is_err());
    }
}
