//! Workspace packages: a bare specifier (`@acme/web`, `@acme/web/sub`) that names a package of
//! the importing file's npm, Yarn or pnpm workspace names that package's directory, and its
//! entry file is found as Node finds a directory's. Every `package.json` and
//! `pnpm-workspace.yaml` is read once per run.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxHashMap as HashMap;
use serde_json::Value;

/// Where a bare specifier leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// No workspace package has that name: a package from the registry.
    NotWorkspace,
    /// The file the package's entry (or the subpath) names.
    Entry(PathBuf),
    /// A workspace package of that name whose entry is not there: what was looked for.
    Missing(String),
    /// A workspace package's manifest could not be read, so the name may be its: that path.
    Broken(String),
}

/// What one directory says: its `package.json`, and the workspace patterns it declares.
struct Folder {
    /// `None` without a `package.json`, `Some(None)` when it is too large or not JSON.
    manifest: Option<Option<Value>>,
    /// `workspaces` (an array or `{ "packages": [...] }`) or `pnpm-workspace.yaml`'s
    /// `packages:`, when the directory is a workspace root.
    patterns: Option<Vec<String>>,
}

/// A workspace root's packages: by name, and the manifests that could not be read.
struct Members {
    by_name: HashMap<String, PathBuf>,
    broken: Vec<PathBuf>,
}

/// The manifests and workspace roots read in this run.
pub struct Workspaces {
    max_filesize: u64,
    folders: Mutex<HashMap<PathBuf, Arc<OnceLock<Arc<Folder>>>>>,
    roots: Mutex<HashMap<PathBuf, Arc<OnceLock<Arc<Members>>>>>,
}

impl Workspaces {
    pub fn new(max_filesize: u64) -> Workspaces {
        Workspaces { max_filesize, folders: Mutex::default(), roots: Mutex::default() }
    }

    /// Where the bare `specifier`, imported from a file in `dir`, leads.
    pub fn resolve(&self, dir: &Path, specifier: &str) -> Resolved {
        let Some((name, subpath)) = split_specifier(specifier) else { return Resolved::NotWorkspace };
        let Some(root) = dir.ancestors().find(|d| self.folder(d).patterns.is_some()) else {
            return Resolved::NotWorkspace;
        };
        let members = self.members(root);
        match members.by_name.get(name) {
            Some(package) => self.entry(package, subpath),
            None => match members.broken.first() {
                Some(manifest) => Resolved::Broken(manifest.display().to_string()),
                None => Resolved::NotWorkspace,
            },
        }
    }

    /// A directory's manifest and workspace patterns, read the first time it is asked about.
    fn folder(&self, dir: &Path) -> Arc<Folder> {
        let cell = {
            let mut folders = self.folders.lock().expect("no panic while the lock is held");
            folders.entry(dir.to_path_buf()).or_default().clone()
        };
        cell.get_or_init(|| Arc::new(self.read_folder(dir))).clone()
    }

    fn read_folder(&self, dir: &Path) -> Folder {
        let manifest: Option<Option<Value>> =
            self.read_small(&dir.join("package.json")).map(|text| serde_json::from_str(&text).ok());
        let declared = match manifest.as_ref().and_then(|m| m.as_ref()?.get("workspaces")) {
            Some(Value::Object(o)) => o.get("packages"),
            Some(other) => Some(other),
            None => None,
        };
        let patterns = match declared {
            Some(Value::Array(patterns)) => {
                Some(patterns.iter().filter_map(|p| p.as_str().map(str::to_string)).collect())
            }
            _ => self.read_small(&dir.join("pnpm-workspace.yaml")).map(|text| pnpm_packages(&text)),
        };
        Folder { manifest, patterns }
    }

    /// A file's text if it is there, no larger than a local module may be, and UTF-8.
    fn read_small(&self, path: &Path) -> Option<String> {
        let meta = fs::metadata(path).ok()?;
        if !meta.is_file() {
            return None;
        }
        if meta.len() > self.max_filesize {
            return Some(String::new());
        }
        Some(fs::read_to_string(path).unwrap_or_default())
    }

    /// The packages of the workspace rooted at `root`, found the first time it is asked about.
    fn members(&self, root: &Path) -> Arc<Members> {
        let cell = {
            let mut roots = self.roots.lock().expect("no panic while the lock is held");
            roots.entry(root.to_path_buf()).or_default().clone()
        };
        cell.get_or_init(|| Arc::new(self.find_members(root))).clone()
    }

    fn find_members(&self, root: &Path) -> Members {
        let patterns = self.folder(root).patterns.clone().unwrap_or_default();
        let (excluded, included): (Vec<&String>, Vec<&String>) =
            patterns.iter().partition(|p| p.starts_with('!'));
        let excluded: Vec<PathBuf> =
            excluded.iter().flat_map(|p| expand(root, &p[1..])).collect();
        let mut members = Members { by_name: HashMap::default(), broken: Vec::new() };
        for dir in included.iter().flat_map(|p| expand(root, p)) {
            if excluded.contains(&dir) {
                continue;
            }
            match &self.folder(&dir).manifest {
                Some(Some(manifest)) => {
                    if let Some(name) = manifest.get("name").and_then(Value::as_str) {
                        members.by_name.entry(name.to_string()).or_insert(dir);
                    }
                }
                Some(None) => members.broken.push(dir.join("package.json")),
                None => {}
            }
        }
        members
    }

    /// The file a workspace package's entry, or `subpath` inside it, names.
    fn entry(&self, package: &Path, subpath: &str) -> Resolved {
        let folder = self.folder(package);
        let Some(Some(manifest)) = &folder.manifest else {
            return Resolved::Broken(package.join("package.json").display().to_string());
        };
        let looked_for = |what: &str| Resolved::Missing(format!("{} ({what})", package.display()));
        let file = |target: &str| {
            match super::modules::resolve(package, target.trim_start_matches("./")) {
                Ok(path) => Resolved::Entry(path),
                Err(looked_for) => Resolved::Missing(looked_for),
            }
        };
        if let Some(exports) = manifest.get("exports") {
            let key = if subpath.is_empty() { ".".to_string() } else { format!("./{subpath}") };
            return match export_target(exports, &key, 0) {
                Some(target) => file(target),
                None => looked_for(&format!("`exports` \"{key}\" in its package.json")),
            };
        }
        if !subpath.is_empty() {
            return file(subpath);
        }
        match manifest.get("main").and_then(Value::as_str) {
            Some(main) => file(main),
            None => file("index"),
        }
    }
}

/// The package name and the subpath after it: `@acme/web/lib/x` is `@acme/web` and `lib/x`.
pub(super) fn split_specifier(specifier: &str) -> Option<(&str, &str)> {
    if specifier.is_empty() || specifier.starts_with(['.', '/']) || specifier.contains(':') {
        return None;
    }
    let slashes = if specifier.starts_with('@') { 2 } else { 1 };
    match specifier.match_indices('/').nth(slashes - 1) {
        Some((at, _)) => Some((&specifier[..at], &specifier[at + 1..])),
        None if slashes == 2 && !specifier.contains('/') => None,
        None => Some((specifier, "")),
    }
}

/// The directories a workspace pattern names: a plain directory, or `dir/*` (each directory
/// right under `dir`). Other glob forms (`**`, `?`, `[...]`, `{...}`, `*` elsewhere) name none.
fn expand(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let pattern = pattern.trim().trim_start_matches("./").trim_end_matches('/');
    let (base, all) = match pattern.strip_suffix("/*") {
        Some(base) => (base, true),
        None if pattern == "*" => ("", true),
        None => (pattern, false),
    };
    if base.contains(['*', '?', '[', ']', '{', '}', '!']) || base.split('/').any(|s| s == "..") {
        return Vec::new();
    }
    let dir = root.join(base);
    if !all {
        return if dir.is_dir() { vec![dir] } else { Vec::new() };
    }
    let Ok(entries) = fs::read_dir(&dir) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    found.sort();
    found
}

/// What `exports` maps `key` (`.` or `./sub`) to: a string, or the first of the `node`,
/// `require`, `import` and `default` conditions in the object's own order (conditions nest).
fn export_target<'v>(exports: &'v Value, key: &str, depth: u8) -> Option<&'v str> {
    if depth > 4 {
        return None;
    }
    match exports {
        Value::String(s) if key == "." => Some(s),
        Value::Object(o) if o.keys().any(|k| k.starts_with('.')) => conditions(o.get(key)?, depth + 1),
        Value::Object(_) if key == "." => conditions(exports, depth + 1),
        _ => None,
    }
}

fn conditions(value: &Value, depth: u8) -> Option<&str> {
    if depth > 4 {
        return None;
    }
    match value {
        Value::String(s) => Some(s),
        Value::Object(o) => o
            .iter()
            .find(|(k, _)| ["node", "require", "import", "default"].contains(&k.as_str()))
            .and_then(|(_, v)| conditions(v, depth + 1)),
        _ => None,
    }
}

/// The `packages:` list of a `pnpm-workspace.yaml`: the `- pattern` lines under it, quoted or
/// not, up to the next top-level key.
fn pnpm_packages(text: &str) -> Vec<String> {
    let mut patterns = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let content = line.split(" #").next().unwrap_or_default().trim_end();
        if content.trim().is_empty() || content.trim_start().starts_with('#') {
            continue;
        }
        if !content.starts_with([' ', '\t', '-']) {
            inside = content == "packages:";
            continue;
        }
        if inside && let Some(item) = content.trim_start().strip_prefix('-') {
            patterns.push(item.trim().trim_matches(['\'', '"']).to_string());
        }
    }
    patterns
}
