//! What each worker thread keeps between files: one oxc arena (reset per file), the child
//! process that checks TypeScript files first, and one read buffer.

use std::path::Path;

use oxc_span::SourceType;

use super::Options;
use super::modules::ModuleCache;
use crate::config::Config;
use crate::error::FileError;
use crate::parse::arena::Arena;
use crate::parse::probe::{self, Prober};
use crate::pipeline::{FileOutcome, fix_one, fix_text};
use crate::source::Source;

pub struct Worker {
    pub fixer: Fixer,
    pub buffer: Vec<u8>,
}

impl Worker {
    pub fn new(options: &Options) -> Worker {
        Worker { fixer: Fixer::new(options), buffer: Vec::new() }
    }
}

/// What running the pipeline on a file needs.
pub struct Fixer {
    /// Made for the first file, and tried again for the next one when it could not be.
    arena: Option<Arena>,
    max_filesize: u64,
    prober: Prober,
}

/// What [`Fixer::fix`] fixes: every finding, or one (an editor's quick fix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every finding; `explain` keeps each plan whole for `--explain`.
    All { explain: bool },
    /// Only the finding whose static registration starts at this byte offset of the file.
    One(u32),
}

impl Fixer {
    pub fn new(options: &Options) -> Fixer {
        Fixer::with(options.max_filesize, options.config.as_deref())
    }

    /// A fixer for files up to `max_filesize` bytes, TypeScript checked with `config`'s file.
    pub fn with(max_filesize: u64, config: Option<&Path>) -> Fixer {
        Fixer { arena: None, max_filesize, prober: Prober::new(max_filesize, config) }
    }

    /// Runs the pipeline on one file's text, TypeScript through the probe first.
    pub fn fix(
        &mut self,
        path: &Path,
        source: Source<'_>,
        source_type: SourceType,
        config: &Config,
        modules: &ModuleCache,
        scope: Scope,
    ) -> FileOutcome {
        crate::fault::panic_if_targeted(path);
        let arena = match &mut self.arena {
            Some(arena) => arena,
            None => match Arena::for_sources_up_to(self.max_filesize) {
                Ok(arena) => self.arena.insert(arena),
                Err(e) => return FileOutcome::failed(FileError::ParserMemory(e)),
            },
        };
        if probe::needed(source_type)
            && let Err(error) = self.prober.check(source.text, path)
        {
            return FileOutcome::failed(error);
        }
        let local = modules.for_file(path, config, &mut self.prober);
        match scope {
            Scope::All { explain } => fix_text(arena, source, source_type, config, &local, explain),
            Scope::One(at) => fix_one(arena, source, source_type, config, &local, at),
        }
    }
}
