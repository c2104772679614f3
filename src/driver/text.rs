//! One source text that is not a file on disk, checked as if it were the file it names: what
//! `--stdin-filename` and the language server share, so both see exactly what a walk would.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use super::modules::ModuleCache;
use super::panics::panic_message;
use super::read::{binary, too_large};
use super::worker::Fixer;
pub use super::worker::Scope;
use crate::config::Config;
use crate::error::FileError;
use crate::parse::source_type;
use crate::pipeline::FileOutcome;
use crate::source::Source;

/// What a check of a text found: why it was passed over, or the pipeline's outcome.
#[derive(Debug)]
pub enum Checked {
    /// Not analysed, and why (larger than `--max-filesize`, binary).
    Skipped(String),
    Analysed(FileOutcome),
}

/// Checks texts one after another, keeping the parser's arena and the TypeScript probe.
pub struct TextChecker {
    fixer: Fixer,
    max_filesize: u64,
}

impl TextChecker {
    /// `config` is `--config`'s file, if one was given (the TypeScript probe reads it too).
    pub fn new(max_filesize: u64, config: Option<&Path>) -> TextChecker {
        TextChecker { fixer: Fixer::with(max_filesize, config), max_filesize }
    }

    /// Checks `raw` (a BOM included) as the file `name`, with `config`. `None` when the name
    /// is not a JavaScript or TypeScript file. A panic is a [`FileError::Internal`] of the text.
    pub fn check(&mut self, name: &Path, raw: &str, config: &Config, scope: Scope) -> Option<Checked> {
        let source_type = source_type(name)?;
        // A file on disk's screens for what cannot be parsed: more than the parser's arena
        // holds, or binary. (Long lines are fine: an editor sends what it is editing.)
        if let Some(why) = too_large(raw.len() as u64, self.max_filesize).or_else(|| binary(raw.as_bytes())) {
            return Some(Checked::Skipped(why));
        }
        // Local modules are read afresh for each text: an editor's files change between checks.
        let modules = ModuleCache::new(self.max_filesize);
        let source = Source::new(raw);
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            self.fixer.fix(name, source, source_type, config, &modules, scope)
        }))
        .unwrap_or_else(|payload| FileOutcome::failed(FileError::Internal(panic_message(payload.as_ref()))));
        Some(Checked::Analysed(outcome))
    }
}
