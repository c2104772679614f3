//! Workspace packages: a bare specifier (`@acme/web`, `@acme/web/sub`) that names a package of
//! the importing file's npm, Yarn or pnpm workspace names that package's directory, and its
//! entry file is found as Node finds a directory's. Every `package.json` and
//! `pnpm-workspace.yaml` is read once per run.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxHashMap as HashMap;
use serde_json::Value;

use super::modules::Files;

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
    /// What the file system said about the paths modules resolve to.
    pub(super) files: Files,
}

impl Workspaces {
    pub fn new(max_filesize: u64) -> Workspaces {
        Workspaces {
            max_filesize,
            folders: Mutex::default(),
            roots: Mutex::default(),
            files: Files::default(),
        }
    }

    /// Where the bare `specifier`, imported from a file in `dir`, leads.
    pub fn resolve(&self, dir: &Path, specifier: &str) -> Resolved {
        let Some((name, subpath)) = split_specifier(specifier) else { return Resolved::NotWorkspace };
        let Some(root) = ancestors(dir).into_iter().find(|d| self.folder(d).patterns.is_some()) else {
            return Resolved::NotWorkspace;
        };
        let members = self.members(&root);
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
        let dir = tidy(dir);
        let cell = {
            let mut folders = self.folders.lock().expect("no panic while the lock is held");
            folders.entry(dir.clone()).or_default().clone()
        };
        cell.get_or_init(|| Arc::new(self.read_folder(&dir))).clone()
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
            excluded.iter().flat_map(|p| expand(root, &p[1..])).map(|d| tidy(&d)).collect();
        let mut members = Members { by_name: HashMap::default(), broken: Vec::new() };
        for dir in included.iter().flat_map(|p| expand(root, p)).map(|d| tidy(&d)) {
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
        let file = |target: &str| match super::modules::resolve(
            &self.files,
            package,
            target.trim_start_matches("./"),
        ) {
            Ok(path) => Resolved::Entry(path),
            Err(looked_for) => Resolved::Missing(looked_for),
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

/// The directories a workspace root may be in, nearest first: `dir` and its parents, as
/// written (so messages name paths as the run was given them), then, for a relative `dir`,
/// the parents of the working directory.
fn ancestors(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = dir.ancestors().map(Path::to_path_buf).collect();
    if dir.is_relative()
        && let Ok(cwd) = std::env::current_dir()
    {
        found.extend(cwd.ancestors().skip(1).map(Path::to_path_buf));
    }
    found
}

/// `dir` without `.` components (`./backend` and `backend` are one directory, read once), and
/// `.` for the working directory.
fn tidy(dir: &Path) -> PathBuf {
    let tidy: PathBuf = dir.components().filter(|c| *c != std::path::Component::CurDir).collect();
    if tidy.as_os_str().is_empty() { PathBuf::from(".") } else { tidy }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, files: &[(&str, &str)]) {
        for (path, text) in files {
            let path = root.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }

    /// Where `specifier` leads from `root/from`, relative to `root`.
    fn leads(workspaces: &Workspaces, root: &Path, from: &str, specifier: &str) -> String {
        match workspaces.resolve(&root.join(from), specifier) {
            Resolved::Entry(path) => {
                path.strip_prefix(root.canonicalize().unwrap()).unwrap().display().to_string()
            }
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn patterns_name_plain_directories_and_the_directories_under_a_star() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            &[
                ("package.json", r#"{ "workspaces": ["server", "./packages/*/", "deep/**", "lib/b?"] }"#),
                ("server/src/main.js", ""),
                ("packages/web/package.json", r#"{ "name": "@acme/web", "main": "./index.cjs" }"#),
                ("packages/web/index.cjs", ""),
                ("packages/util/package.json", r#"{ "name": "util-kit" }"#),
                ("packages/util/index.js", ""),
                ("deep/x/package.json", r#"{ "name": "deep-x" }"#),
                ("deep/x/index.js", ""),
                ("lib/b1/package.json", r#"{ "name": "b-one" }"#),
                ("lib/b1/index.js", ""),
            ],
        );
        let w = Workspaces::new(1 << 20);
        assert_eq!(leads(&w, d, "server/src", "@acme/web"), "packages/web/index.cjs");
        assert_eq!(leads(&w, d, "server/src", "util-kit"), "packages/util/index.js");
        // Other glob forms name no directory: those names stay packages.
        assert_eq!(leads(&w, d, "server/src", "deep-x"), "NotWorkspace");
        assert_eq!(leads(&w, d, "server/src", "b-one"), "NotWorkspace");
        assert_eq!(leads(&w, d, "server/src", "express"), "NotWorkspace");
        assert_eq!(leads(&w, d, "server/src", "./web"), "NotWorkspace");
    }

    #[test]
    fn workspaces_may_be_an_object_or_a_pnpm_list() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            &[
                ("yarn/package.json", r#"{ "workspaces": { "packages": ["apps/*"] } }"#),
                ("yarn/apps/a/package.json", r#"{ "name": "a" }"#),
                ("yarn/apps/a/index.ts", ""),
                ("pnpm/package.json", r#"{ "name": "root" }"#),
                (
                    "pnpm/pnpm-workspace.yaml",
                    "# the apps\npackages:\n  - 'apps/*'\n  - \"!apps/old\" # retired\n  - tools\ncatalog:\n  - ignored\n",
                ),
                ("pnpm/apps/b/package.json", r#"{ "name": "b" }"#),
                ("pnpm/apps/b/index.js", ""),
                ("pnpm/apps/old/package.json", r#"{ "name": "old" }"#),
                ("pnpm/apps/old/index.js", ""),
                ("pnpm/tools/package.json", r#"{ "name": "tools" }"#),
                ("pnpm/tools/index.js", ""),
            ],
        );
        let w = Workspaces::new(1 << 20);
        assert_eq!(leads(&w, d, "yarn/apps/a", "a"), "yarn/apps/a/index.ts");
        assert_eq!(leads(&w, d, "pnpm", "b"), "pnpm/apps/b/index.js");
        assert_eq!(leads(&w, d, "pnpm", "tools"), "pnpm/tools/index.js");
        assert_eq!(leads(&w, d, "pnpm", "old"), "NotWorkspace");
        assert_eq!(pnpm_packages("packages:\n- a\n- b/*\n"), ["a", "b/*"]);
    }

    #[test]
    fn entries_are_found_as_node_finds_a_directorys() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let packages =
            ["string", "dot", "require", "import", "nested", "main", "index", "typescript", "gone"];
        let mut files = vec![(
            "package.json".to_string(),
            format!(r#"{{ "workspaces": [{}] }}"#, packages.map(|p| format!("\"{p}\"")).join(", ")),
        )];
        let manifests = [
            ("string", r#""exports": "./lib/entry.js""#),
            ("dot", r#""exports": { ".": "./lib/entry.js", "./extra": "./lib/extra.js" }"#),
            (
                "require",
                r#""exports": { ".": { "types": "./x.d.ts", "require": "./lib/entry.js", "import": "./x.mjs" } }"#,
            ),
            ("import", r#""exports": { "import": "./lib/entry.js", "default": "./x.js" }, "main": "x.js""#),
            ("nested", r#""exports": { ".": { "node": { "default": "./lib/entry.js" } } }"#),
            ("main", r#""main": "lib/entry""#),
            ("index", r#""version": "1.0.0""#),
            ("typescript", r#""main": "./lib/entry.js""#),
            ("gone", r#""main": "./dist/index.js""#),
        ];
        for (name, fields) in manifests {
            files.push((format!("{name}/package.json"), format!(r#"{{ "name": "{name}", {fields} }}"#)));
            let entry = match name {
                "index" => "index.js",
                "typescript" => "lib/entry.ts",
                "gone" => "src/index.ts",
                _ => "lib/entry.js",
            };
            files.push((format!("{name}/{entry}"), String::new()));
        }
        files.push(("dot/lib/extra.js".into(), String::new()));
        files.push(("main/lib/sub.js".into(), String::new()));
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        write(d, &files);
        let w = Workspaces::new(1 << 20);
        for name in ["string", "dot", "require", "import", "nested", "main"] {
            assert_eq!(leads(&w, d, "", name), format!("{name}/lib/entry.js"), "{name}");
        }
        assert_eq!(leads(&w, d, "", "index"), "index/index.js");
        // `./lib/entry.js` in a manifest names `./lib/entry.ts`, as in an import.
        assert_eq!(leads(&w, d, "", "typescript"), "typescript/lib/entry.ts");
        // Built output that is not there is not looked for in the sources.
        assert!(leads(&w, d, "", "gone").contains("gone/dist/index.js(.js, .ts, /index.*)"));
        assert_eq!(leads(&w, d, "", "dot/extra"), "dot/lib/extra.js");
        assert!(leads(&w, d, "", "dot/other").contains("`exports` \\\"./other\\\" in its package.json"));
        assert_eq!(leads(&w, d, "", "main/lib/sub"), "main/lib/sub.js");
    }

    #[test]
    fn a_broken_manifest_is_named_and_each_manifest_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            &[
                ("package.json", r#"{ "workspaces": ["packages/*"] }"#),
                ("packages/ok/package.json", r#"{ "name": "ok" }"#),
                ("packages/ok/index.js", ""),
                ("packages/bad/package.json", r#"{ "name": "bad", }"#),
                ("app/src/routes/a.js", ""),
            ],
        );
        let w = Workspaces::new(1 << 20);
        let broken = d.join("packages/bad/package.json").display().to_string();
        // Any name may be the broken package's; a name another package has is not.
        assert_eq!(w.resolve(&d.join("app/src"), "bad"), Resolved::Broken(broken.clone()));
        assert_eq!(w.resolve(&d.join("app/src"), "mystery"), Resolved::Broken(broken));
        assert_eq!(leads(&w, d, "app/src/routes", "ok"), "packages/ok/index.js");
        // Every directory asked about is read once: changing a manifest now changes nothing.
        let folders = w.folders.lock().unwrap().len();
        fs::write(d.join("packages/ok/package.json"), r#"{ "name": "renamed" }"#).unwrap();
        fs::write(d.join("package.json"), "{}").unwrap();
        assert_eq!(leads(&w, d, "app/src", "ok"), "packages/ok/index.js");
        assert_eq!(leads(&w, d, "app/src/routes", "ok"), "packages/ok/index.js");
        assert_eq!(w.folders.lock().unwrap().len(), folders);
        assert_eq!(w.roots.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_directory_is_one_key_however_it_is_spelled() {
        // The walk gives `backend/src/main.ts`, a workspace pattern `./backend`.
        assert_eq!(tidy(Path::new("./backend")), PathBuf::from("backend"));
        assert_eq!(tidy(Path::new("")), PathBuf::from("."));
        assert_eq!(tidy(Path::new("./")), PathBuf::from("."));
        let w = Workspaces::new(1 << 20);
        w.folder(Path::new("./no-such-dir"));
        w.folder(Path::new("no-such-dir"));
        assert_eq!(w.folders.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_manifest_larger_than_a_module_may_be_is_broken() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            &[
                ("package.json", r#"{ "workspaces": ["big"] }"#),
                (
                    "big/package.json",
                    &format!(r#"{{ "name": "big", "description": "{}" }}"#, "x".repeat(200)),
                ),
            ],
        );
        let w = Workspaces::new(100);
        assert!(matches!(w.resolve(d, "big"), Resolved::Broken(p) if p.ends_with("package.json")));
    }
}
