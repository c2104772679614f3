//! `--serve`: one process checks many texts, for callers that would otherwise start the binary
//! once per file (the ESLint plugin, editors). Each line on stdin is a request, a JSON object
//! `{"filename", "source", "config"?}`; each line gets exactly one line back on stdout: the
//! document `--stdin-filename FILENAME --format json -` prints for that text, or, where that
//! command would stop with an error, `{"error", "exit_code"}`. The end of stdin ends the server.
//!
//! Nothing is kept between requests but the parser's arena and the TypeScript probe's process
//! (one per configuration file): configurations and local modules are read again for every
//! request, so edits to them count at once, as they would for a new process.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use serde::Deserialize;

use super::Options;
use super::stdin::write_json;
use super::text::{Checked, Scope, TextChecker};
use crate::config::Configs;
use crate::error::{Exit, RunError};
use crate::pipeline::FileOutcome;
use crate::report::{json_line, request_error};
use crate::walk::on_worker_stack;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    /// The file the text stands for, as `--stdin-filename` takes it.
    filename: PathBuf,
    source: String,
    /// A configuration file for this request, as `--config` (default: the server's own).
    #[serde(default)]
    config: Option<PathBuf>,
}

/// Answers requests until stdin ends. A closed stdout ends the server quietly.
pub fn run(options: &Options) -> Result<Exit, RunError> {
    let served = on_worker_stack(|| serve(options)).map_err(RunError::Threads)?;
    match served {
        Err(RunError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Exit::Clean),
        served => served,
    }
}

fn serve(options: &Options) -> Result<Exit, RunError> {
    let mut input = io::stdin().lock();
    let mut out = io::stdout().lock();
    // Keyed by the configuration file, which the probe runs with.
    let mut fixers: HashMap<Option<PathBuf>, TextChecker> = HashMap::new();
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        if input.read_until(b'\n', &mut line).map_err(RunError::StdinRead)? == 0 {
            break;
        }
        let request = line.strip_suffix(b"\n").unwrap_or(&line);
        let replied = match serde_json::from_slice::<Request>(request) {
            Ok(request) => answer(&mut out, request, options, &mut fixers),
            Err(e) => request_error(&mut out, &RunError::Request(number, e.to_string())),
        };
        replied.and_then(|()| out.flush()).map_err(RunError::Output)?;
    }
    Ok(Exit::Clean)
}

/// Checks one request's text and writes its reply.
fn answer(
    out: &mut dyn Write,
    request: Request,
    options: &Options,
    fixers: &mut HashMap<Option<PathBuf>, TextChecker>,
) -> io::Result<()> {
    let options = Options { config: request.config.or_else(|| options.config.clone()), ..options.clone() };
    let name = &request.filename;
    let checked = Configs::new(options.config.as_deref())
        .and_then(|configs| configs.for_file(name))
        .map_err(RunError::Config)
        .and_then(|config| {
            let checker = fixers
                .entry(options.config.clone())
                .or_insert_with(|| TextChecker::new(options.max_filesize, options.config.as_deref()));
            let scope = Scope::All { explain: options.explain };
            checker
                .check(name, &request.source, &config, scope)
                .ok_or_else(|| RunError::StdinUnsupported(name.clone()))
        });
    let mut json = json_line(options.mode);
    match checked {
        Ok(Checked::Analysed(outcome)) => {
            write_json(out, json.as_mut(), name, &request.source, None, outcome)
        }
        Ok(Checked::Skipped(why)) => {
            write_json(out, json.as_mut(), name, &request.source, Some(why), FileOutcome::default())
        }
        Err(error) => request_error(out, &error),
    }
}
