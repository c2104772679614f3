//! Runs a TypeScript file's pipeline once in a child process before a worker runs it: oxc's
//! parser can backtrack exponentially on chains of `<` and `(` in TypeScript (see
//! `fuzz/upstream/`), and a child that fills its arena, aborts or runs out of time dies alone.
//!
//! The child runs exactly what the worker will run, with an arena of the same capacity, so a
//! file that passes cannot exhaust the worker's arena either.

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use oxc_span::SourceType;
use wait_timeout::ChildExt;

use crate::arena::{Arena, Exhausted};
use crate::config::Configs;
use crate::error::FileError;
use crate::pipeline::fix_text;
use crate::source::Source;
use crate::walk::on_worker_stack;

/// A file whose probe takes longer than this is not processed.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The child's answers, as exit codes. Any other exit (a syntax error, a panic) is the
/// worker's to report: it runs the same code and catches them.
const FITS: u8 = 0;
const TOO_COMPLEX: u8 = 3;

/// Whether `source_type` needs a probe: oxc's exponential cases are TypeScript's.
pub fn needed(source_type: SourceType) -> bool {
    source_type.is_typescript()
}

/// Runs the probe on `text` (the file `path`, up to `max_filesize` bytes); `Ok` when the
/// worker may run the pipeline on it.
pub fn check(text: &str, path: &Path, max_filesize: u64, config: Option<&Path>) -> Result<(), FileError> {
    let mut probe = Command::new(std::env::current_exe().map_err(FileError::Probe)?);
    probe
        .args(["--probe", "--max-filesize", &max_filesize.to_string(), "--stdin-filename"])
        .arg(path)
        .arg("-");
    if let Some(config) = config {
        probe.arg("--config").arg(config);
    }
    run_child(probe, text, TIMEOUT, max_filesize)
}

fn run_child(mut probe: Command, text: &str, timeout: Duration, max_filesize: u64) -> Result<(), FileError> {
    let mut child = probe
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(FileError::Probe)?;
    let sent = child.stdin.take().expect("stdin is piped").write_all(text.as_bytes());
    let Some(status) = child.wait_timeout(timeout).map_err(FileError::Probe)? else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(FileError::TooComplex(format!("it took longer than {} s", timeout.as_secs_f32())));
    };
    match status.code() {
        Some(code) if code == i32::from(TOO_COMPLEX) => {
            Err(FileError::TooComplex(Exhausted { capacity: Arena::capacity_for(max_filesize) }.to_string()))
        }
        Some(_) => sent.map_err(FileError::Probe),
        None => Err(FileError::TooComplex(format!("the parser ran out of memory ({status})"))),
    }
}

/// The child's side: reads the source from stdin and runs the pipeline (with the configuration
/// the worker uses); returns the exit code.
pub fn serve(path: &Path, max_filesize: u64, config: Option<&Path>) -> u8 {
    let Some(source_type) = crate::parse::source_type(path) else { return FITS };
    // A configuration error is the worker's to report; the parse does not depend on it.
    let config = Configs::new(config).and_then(|c| c.for_file(path)).unwrap_or_default();
    let mut text = String::new();
    if io::stdin().read_to_string(&mut text).is_err() {
        return FITS;
    }
    on_worker_stack(|| {
        let mut arena = Arena::for_sources_up_to(max_filesize);
        match fix_text(
            &mut arena,
            Source::new(&text),
            source_type,
            &config,
            false,
            &mut Vec::new(),
            &mut Vec::new(),
        ) {
            Err(FileError::TooComplex(_)) => TOO_COMPLEX,
            _ => FITS,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    fn answer(script: &str, timeout: Duration) -> Result<(), String> {
        run_child(shell(script), "const x = 1;", timeout, 1 << 20).map_err(|e| e.to_string())
    }

    #[test]
    fn only_a_full_arena_a_signal_or_a_timeout_stop_a_file() {
        let second = Duration::from_secs(10);
        assert_eq!(answer("cat >/dev/null", second), Ok(()));
        // A syntax error or a panic is the worker's to find and report.
        assert_eq!(answer("cat >/dev/null; exit 2", second), Ok(()));
        let full = answer("cat >/dev/null; exit 3", second).unwrap_err();
        assert!(full.contains("too complex to parse: it needed more than 256 MiB"), "{full}");
        let aborted = answer("cat >/dev/null; kill -ABRT $$", second).unwrap_err();
        assert!(aborted.contains("ran out of memory (signal: 6"), "{aborted}");
        let slow = answer("sleep 5", Duration::from_millis(200)).unwrap_err();
        assert!(slow.contains("it took longer than 0.2 s"), "{slow}");
    }
}
