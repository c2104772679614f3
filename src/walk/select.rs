//! Chooses the paths to check: the command line's, a list from a file or stdin, or the files
//! git says changed since a revision.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::parse::source_type;

/// Where the paths come from.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub paths: Vec<PathBuf>,
    /// A file of paths (`-` for stdin), NUL- or newline-separated.
    pub files_from: Option<PathBuf>,
    /// A git revision: only files changed since it (and untracked ones) are checked.
    pub changed_since: Option<String>,
}

/// The roots to walk, and whether they came from a list (then files that are not JavaScript
/// or TypeScript, or no longer exist, are passed over silently, as a walk would).
pub fn roots(selection: &Selection) -> Result<(Vec<PathBuf>, bool), String> {
    let mut listed = Vec::new();
    let mut from_list = false;
    if let Some(file) = &selection.files_from {
        listed.extend(read_list(file)?);
        from_list = true;
    }
    if let Some(rev) = &selection.changed_since {
        let changed = changed_since(rev)?;
        // Only what lies under the paths given, if any.
        let under: Vec<PathBuf> = selection.paths.iter().filter_map(|p| p.canonicalize().ok()).collect();
        listed.extend(changed.into_iter().filter(|path| {
            under.is_empty() || path.canonicalize().is_ok_and(|c| under.iter().any(|u| c.starts_with(u)))
        }));
        from_list = true;
    }
    if !from_list {
        let paths =
            if selection.paths.is_empty() { vec![PathBuf::from(".")] } else { selection.paths.clone() };
        return Ok((paths, false));
    }
    if selection.files_from.is_some() {
        listed.extend(selection.paths.iter().cloned());
    }
    listed.retain(|p| p.is_file() && source_type(p).is_some());
    listed.sort();
    listed.dedup();
    Ok((listed, true))
}

fn read_list(file: &Path) -> Result<Vec<PathBuf>, String> {
    let mut bytes = Vec::new();
    let read = if file == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut bytes))
    };
    read.map_err(|e| match file.is_dir() {
        true => format!("{} is a directory; --files-from takes a file that lists paths", file.display()),
        false => format!("cannot read the file list {}: {e}", file.display()),
    })?;
    let separator = if bytes.contains(&0) { 0 } else { b'\n' };
    Ok(bytes
        .split(|&b| b == separator)
        .map(|entry| String::from_utf8_lossy(entry).trim_end_matches('\r').to_string())
        .filter(|entry| !entry.is_empty())
        .map(PathBuf::from)
        .collect())
}

fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let out =
        Command::new("git").args(args).output().map_err(|e| format!("--changed-since needs git: {e}"))?;
    if !out.status.success() {
        return Err(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(out.stdout)
}

/// Files added, copied, modified or renamed since `rev`, plus untracked ones, as paths
/// relative to the current directory.
fn changed_since(rev: &str) -> Result<Vec<PathBuf>, String> {
    let top = String::from_utf8_lossy(&git(&["rev-parse", "--show-toplevel"])?).trim().to_string();
    let mut paths = Vec::new();
    let diff = git(&["diff", "--name-only", "-z", "--diff-filter=ACMR", rev, "--"])?;
    let untracked = git(&["ls-files", "--others", "--exclude-standard", "-z", "--full-name", ":/"])?;
    for name in diff.split(|&b| b == 0).chain(untracked.split(|&b| b == 0)).filter(|n| !n.is_empty()) {
        let absolute = Path::new(&top).join(String::from_utf8_lossy(name).as_ref());
        let current = std::env::current_dir().map_err(|e| e.to_string())?;
        paths.push(absolute.strip_prefix(&current).map(Path::to_path_buf).unwrap_or(absolute));
    }
    Ok(paths)
}
