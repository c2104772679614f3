//! Runs a TypeScript file's pipeline once in a child process before a worker runs it: oxc's
//! parser can backtrack exponentially on chains of `<` and `(` in TypeScript (see
//! `fuzz/upstream/`), and a child that fills its arena, aborts or runs out of time dies alone.
//!
//! Each worker keeps one child (`static-first --probe`) for all its TypeScript files and starts
//! another after one dies. The child runs exactly what the worker will run, with an arena of the
//! same capacity, so a file that passes cannot exhaust the worker's arena either.
//!
//! The protocol, over the child's stdin and stdout: the worker sends the path and the text,
//! each as a little-endian `u64` length and the bytes; the child answers one byte.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use oxc_span::SourceType;

use crate::config::Configs;
use crate::error::FileError;
use crate::parse::arena::{Arena, Exhausted};
use crate::pipeline::fix_text;
use crate::source::Source;
use crate::walk::on_worker_stack;

/// A file whose probe takes longer than this is not processed.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The child's answers. A syntax error or a panic is the worker's to report: it runs the same
/// code and catches them, so the child answers `FITS`.
const FITS: u8 = 0;
const TOO_COMPLEX: u8 = 3;
/// Detection and planning ran past [`crate::budget::TIME_LIMIT`]: the worker would only spend
/// that time again.
const TOO_SLOW: u8 = 4;

/// Whether `source_type` needs a probe: oxc's exponential cases are TypeScript's.
pub fn needed(source_type: SourceType) -> bool {
    source_type.is_typescript()
}

/// A worker's probe process, started on first use.
pub struct Prober {
    command: Box<dyn Fn() -> io::Result<Command> + Send>,
    max_filesize: u64,
    timeout: Duration,
    server: Option<Server>,
}

struct Server {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    stdout: ChildStdout,
}

impl Prober {
    /// A prober running this binary with the worker's size limit and configuration.
    pub fn new(max_filesize: u64, config: Option<&Path>) -> Prober {
        let config: Option<PathBuf> = config.map(Path::to_path_buf);
        let command = move || {
            let mut command = Command::new(std::env::current_exe()?);
            command.args(["--probe", "--max-filesize", &max_filesize.to_string()]);
            if let Some(config) = &config {
                command.arg("--config").arg(config);
            }
            Ok(command)
        };
        Prober::with_command(Box::new(command), max_filesize, TIMEOUT)
    }

    fn with_command(
        command: Box<dyn Fn() -> io::Result<Command> + Send>,
        max_filesize: u64,
        timeout: Duration,
    ) -> Prober {
        Prober { command, max_filesize, timeout, server: None }
    }

    /// Runs the probe on `text` (the file `path`); `Ok` when the worker may run the pipeline.
    pub fn check(&mut self, text: &str, path: &Path) -> Result<(), FileError> {
        let mut request = Vec::with_capacity(text.len() + 64);
        let path = path.as_os_str().as_encoded_bytes();
        for part in [path, text.as_bytes()] {
            request.extend_from_slice(&(part.len() as u64).to_le_bytes());
            request.extend_from_slice(part);
        }
        // A child that died after its last answer cannot take the request: start another once.
        for attempt in 0..2 {
            let server = match self.server.as_mut() {
                Some(server) => server,
                None => self.server.insert(self.spawn().map_err(FileError::Probe)?),
            };
            match server.stdin.write_all(&request).and_then(|()| server.stdin.flush()) {
                Ok(()) => return self.answer(),
                Err(e) if attempt == 1 => return Err(FileError::Probe(e)),
                Err(_) => self.stop(),
            }
        }
        unreachable!("the second attempt returns")
    }

    fn spawn(&self) -> io::Result<Server> {
        let mut child =
            (self.command)()?.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn()?;
        let stdin = BufWriter::new(child.stdin.take().expect("stdin is piped"));
        let stdout = child.stdout.take().expect("stdout is piped");
        Ok(Server { child, stdin, stdout })
    }

    fn answer(&mut self) -> Result<(), FileError> {
        let server = self.server.as_mut().expect("a request was just sent");
        if !readable_within(&server.stdout, self.timeout) {
            self.stop();
            return Err(FileError::TooComplex(format!(
                "it took longer than {} s",
                self.timeout.as_secs_f32()
            )));
        }
        let mut byte = [0u8];
        match server.stdout.read(&mut byte) {
            Ok(1) if byte[0] == FITS => Ok(()),
            Ok(1) if byte[0] == TOO_SLOW => Err(FileError::TooComplexToAnalyze(crate::budget::TIME_LIMIT)),
            Ok(1) if byte[0] == TOO_COMPLEX => Err(FileError::TooComplex(
                Exhausted { capacity: Arena::capacity_for(self.max_filesize).unwrap_or(usize::MAX) }
                    .to_string(),
            )),
            Ok(1) => {
                self.stop();
                Err(FileError::Probe(io::Error::other(format!("unexpected answer {}", byte[0]))))
            }
            _ => {
                // The child died on this file.
                let status = server.child.wait().map_or_else(|e| e.to_string(), |s| s.to_string());
                self.server = None;
                Err(FileError::TooComplex(format!("the parser ran out of memory ({status})")))
            }
        }
    }

    /// Ends the child: closing its stdin ends a healthy one; a stuck one is killed.
    fn stop(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = server.child.kill();
            let _ = server.child.wait();
        }
    }
}

impl Drop for Prober {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether `stdout` has something to read (or is closed) within `timeout`.
fn readable_within(stdout: &ChildStdout, timeout: Duration) -> bool {
    let mut fd = libc::pollfd { fd: stdout.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    let millis = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
    loop {
        // SAFETY: one valid `pollfd` that outlives the call.
        match unsafe { libc::poll(&mut fd, 1, millis) } {
            n if n > 0 => return true,
            0 => return false,
            _ if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted => continue,
            _ => return true,
        }
    }
}

/// The child's side: answers requests from stdin until it closes, running the pipeline (with
/// the configuration the worker uses) on each. Returns the exit code.
pub fn serve(max_filesize: u64, config: Option<&Path>) -> u8 {
    // A configuration error is the worker's to report; the parse does not depend on it.
    let configs = Configs::new(config).ok();
    on_worker_stack(|| {
        // The worker could not make its own arena either: it reports that, not this.
        let Ok(mut arena) = Arena::for_sources_up_to(max_filesize) else { return 2 };
        let mut input = BufReader::new(io::stdin().lock());
        let mut output = io::stdout().lock();
        while let Some((path, text)) = read_request(&mut input) {
            let path = PathBuf::from(path);
            let config = configs.as_ref().and_then(|c| c.for_file(&path).ok()).unwrap_or_default();
            let answer = match crate::parse::source_type(&path) {
                Some(source_type) => {
                    match fix_text(
                        &mut arena,
                        Source::new(&text),
                        source_type,
                        &config,
                        &crate::detect::NoModules,
                        false,
                    )
                    .error
                    {
                        Some(FileError::TooComplex(_)) => TOO_COMPLEX,
                        Some(FileError::TooComplexToAnalyze(_)) => TOO_SLOW,
                        _ => FITS,
                    }
                }
                None => FITS,
            };
            if output.write_all(&[answer]).and_then(|()| output.flush()).is_err() {
                break;
            }
        }
        0
    })
    // No thread to answer on: the worker sees the child end and says the check failed.
    .unwrap_or(2)
}

/// One request: the path and the text. `None` at the end of the input (or a broken request).
fn read_request(input: &mut impl Read) -> Option<(String, String)> {
    let mut field = || {
        let mut len = [0u8; 8];
        input.read_exact(&mut len).ok()?;
        let mut bytes = vec![0u8; usize::try_from(u64::from_le_bytes(len)).ok()?];
        input.read_exact(&mut bytes).ok()?;
        String::from_utf8(bytes).ok()
    };
    let path = field()?;
    Some((path, field()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A prober whose child is `sh -c script`.
    fn prober(script: &'static str, timeout: Duration) -> Prober {
        let command = move || {
            let mut command = Command::new("sh");
            command.args(["-c", script]);
            Ok(command)
        };
        Prober::with_command(Box::new(command), 1 << 20, timeout)
    }

    fn answer(prober: &mut Prober) -> Result<(), String> {
        prober.check("const x = 1;", Path::new("a.ts")).map_err(|e| e.to_string())
    }

    #[test]
    fn answers_come_from_one_child_until_it_dies() {
        let second = Duration::from_secs(10);
        // Two answers from one child: the second check does not start another.
        let mut thrice = prober("printf '\\000\\003\\004'; cat >/dev/null", second);
        assert_eq!(answer(&mut thrice), Ok(()));
        let full = answer(&mut thrice).unwrap_err();
        assert!(full.contains("too complex to parse: it needed more than 256 MiB"), "{full}");
        let slow = answer(&mut thrice).unwrap_err();
        assert!(slow.contains("too complex to analyse: it took more than 10 s of CPU time"), "{slow}");

        let aborted = answer(&mut prober("head -c 8 >/dev/null; kill -ABRT $$", second)).unwrap_err();
        assert!(aborted.contains("ran out of memory (signal: 6"), "{aborted}");
        let slow = answer(&mut prober("sleep 5", Duration::from_millis(200))).unwrap_err();
        assert!(slow.contains("it took longer than 0.2 s"), "{slow}");
    }

    #[test]
    fn requests_read_back_as_sent() {
        let mut sent = Vec::new();
        for part in ["src/a.ts", "let a = 1;\n"] {
            sent.extend_from_slice(&(part.len() as u64).to_le_bytes());
            sent.extend_from_slice(part.as_bytes());
        }
        let mut input = io::Cursor::new(sent);
        assert_eq!(read_request(&mut input), Some(("src/a.ts".into(), "let a = 1;\n".into())));
        assert_eq!(read_request(&mut input), None);
    }
}
