//! Writes fixes: the only code that changes files. All or nothing, through a temporary file
//! renamed over the original, and never over a file that changed since it was read.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::FileError;
use crate::source::Source;

/// Writes fixes.
pub struct Writer {
    /// Write through symbolic links (only to targets inside `roots`).
    follow: bool,
    /// The given paths, canonical.
    roots: Vec<PathBuf>,
    /// Files already written: with --follow one file can be reached by several paths.
    written: Mutex<HashSet<PathBuf>>,
}

impl Writer {
    /// A writer for a run over `roots` (canonicalised here).
    pub fn new(follow: bool, roots: &[PathBuf]) -> Writer {
        Writer {
            follow,
            roots: roots.iter().filter_map(|p| p.canonicalize().ok()).collect(),
            written: Mutex::new(HashSet::new()),
        }
    }

    /// Replaces the file with the fixed text, all or nothing: a temporary file in the same
    /// directory, flushed to disk with the original's permissions, renamed over the original.
    /// Refuses links (unless following, and then only inside the roots), read-only files, and
    /// files that changed since they were read.
    pub fn write(&self, path: &Path, read: Source<'_>, fixed: &str) -> Result<(), FileError> {
        let mut target = path.to_path_buf();
        if fs::symlink_metadata(path).map_err(FileError::Read)?.file_type().is_symlink() {
            if !self.follow {
                return Err(FileError::Symlink);
            }
            target = path.canonicalize().map_err(FileError::Read)?;
            if !self.roots.iter().any(|root| target.starts_with(root)) {
                return Err(FileError::OutsideRoots(target));
            }
        }
        if let Ok(canonical) = target.canonicalize()
            && !self.written.lock().expect("no writer panics holding the lock").insert(canonical)
        {
            return Ok(());
        }
        let permissions = fs::metadata(&target).map_err(FileError::Read)?.permissions();
        if permissions.readonly() {
            return Err(FileError::ReadOnly);
        }
        let current = fs::read(&target).map_err(FileError::Read)?;
        let current = String::from_utf8_lossy(&current);
        let now = Source::new(&current);
        if now.text != read.text || now.bom != read.bom {
            return Err(FileError::Changed);
        }
        let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if fs::metadata(dir).map_err(FileError::Read)?.permissions().readonly() {
            return Err(FileError::ReadOnlyDirectory);
        }
        let mut tmp =
            tempfile::Builder::new().prefix(".static-first").tempfile_in(dir).map_err(FileError::Write)?;
        tmp.write_all(read.with_text(fixed).as_bytes()).map_err(FileError::Write)?;
        tmp.as_file().sync_all().map_err(FileError::Write)?;
        fs::set_permissions(tmp.path(), permissions).map_err(FileError::Write)?;
        tmp.persist(&target).map_err(|e| FileError::Write(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer() -> Writer {
        Writer { follow: false, roots: Vec::new(), written: Mutex::new(HashSet::new()) }
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.js");
        fs::write(&path, "edited meanwhile\n").unwrap();
        let err = writer().write(&path, Source::new("original\n"), "fixed\n").unwrap_err();
        assert!(matches!(err, FileError::Changed));
        assert_eq!(fs::read_to_string(&path).unwrap(), "edited meanwhile\n");
    }

    #[test]
    fn read_only_files_are_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.js");
        fs::write(&path, "original\n").unwrap();
        let mut perms = fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        fs::set_permissions(&path, perms).unwrap();
        let err = writer().write(&path, Source::new("original\n"), "fixed\n").unwrap_err();
        assert!(matches!(err, FileError::ReadOnly));
        assert_eq!(fs::read_to_string(&path).unwrap(), "original\n");
    }

    #[test]
    fn files_in_read_only_directories_are_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.js");
        fs::write(&path, "original\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
        let err = writer().write(&path, Source::new("original\n"), "fixed\n").unwrap_err();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        assert!(matches!(err, FileError::ReadOnlyDirectory));
        assert_eq!(fs::read_to_string(&path).unwrap(), "original\n");
    }
}
