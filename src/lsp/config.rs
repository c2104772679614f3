//! The configuration of each document, as the CLI finds it (the nearest `static-first.toml`, or
//! `--config`'s file), read again whenever a `static-first.toml` changes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{Config, ConfigError, Configs, FILE_NAME};

pub struct Settings {
    /// `--config`'s file, if given.
    explicit: Option<PathBuf>,
    configs: Result<Configs, ConfigError>,
}

impl Settings {
    pub fn new(explicit: Option<PathBuf>) -> Settings {
        let configs = Configs::new(explicit.as_deref());
        Settings { explicit, configs }
    }

    /// The configuration for a document analysed as `path`.
    pub fn for_file(&self, path: &Path) -> Result<Arc<Config>, ConfigError> {
        match &self.configs {
            Ok(configs) => configs.for_file(path),
            Err(error) => Err(error.clone()),
        }
    }

    /// Whether `path` is a configuration file this server reads: a `static-first.toml`, or
    /// `--config`'s file.
    pub fn is_config(&self, path: &Path) -> bool {
        path.file_name().is_some_and(|name| name == FILE_NAME) || self.explicit.as_deref() == Some(path)
    }

    /// Forgets every file read: the next lookups read them again.
    pub fn reload(&mut self) {
        self.configs = Configs::new(self.explicit.as_deref());
    }
}
