//! `--print-config`: the configuration that applies to each path given (or the current
//! directory), as TOML, and nothing else.

use std::io::{self, Write};
use std::path::PathBuf;

use super::Options;
use crate::config::Configs;
use crate::error::{Exit, RunError};

pub fn print(options: &Options, configs: &Configs) -> Result<Exit, RunError> {
    let paths = if options.selection.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.selection.paths.clone()
    };
    let mut out = io::stdout().lock();
    for path in paths {
        let config = configs.for_path(&path).map_err(RunError::Config)?;
        let _ = write!(out, "# {}\n{}", path.display(), config.render());
    }
    Ok(Exit::Clean)
}
