//! Reads the local modules that files import, once per run: resolves a relative specifier as
//! Node and TypeScript do, parses the file in an arena of its own (TypeScript through the
//! worker's probe first), and keeps its summary for every importer. A bare specifier that
//! names a package of the importer's workspace is a local module too ([`super::workspace`]).
//! Never edits them.

use std::cell::RefCell;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use oxc_allocator::Allocator;
use rustc_hash::FxHashMap as HashMap;

use super::workspace::{Resolved, Workspaces, split_specifier};
use crate::config::Config;
use crate::detect::{Lookup, Modules, summarize};
use crate::knowledge::{EFFECT_FREE_CALLS, TABLE};
use crate::parse::probe::{self, Prober};
use crate::parse::{parse, scopes, source_type};
use crate::source::Source;

/// Where Node and TypeScript look for `./x`: the path, then these extensions, then a
/// directory's `package.json` `main` and `index.*`.
const EXTENSIONS: &[&str] = &["js", "cjs", "mjs", "ts", "tsx", "cts", "mts"];

/// Every local module read in this run, by canonical path.
pub struct ModuleCache {
    max_filesize: u64,
    loaded: Mutex<HashMap<PathBuf, Arc<OnceLock<Lookup>>>>,
    /// Where each relative specifier leads from each importing directory.
    resolved: Mutex<HashMap<(PathBuf, String), Result<PathBuf, String>>>,
    workspaces: Workspaces,
}

impl ModuleCache {
    pub fn new(max_filesize: u64) -> ModuleCache {
        ModuleCache {
            max_filesize,
            loaded: Mutex::new(HashMap::default()),
            resolved: Mutex::new(HashMap::default()),
            workspaces: Workspaces::new(max_filesize),
        }
    }

    /// The local modules of the file at `importer`, read with the rules in `config`.
    pub fn for_file<'c>(
        &'c self,
        importer: &Path,
        config: &'c Config,
        prober: &'c mut Prober,
    ) -> FileModules<'c> {
        let dir = importer.parent().map(Path::to_path_buf).unwrap_or_default();
        FileModules { cache: self, dir, config, prober: RefCell::new(prober), bare: RefCell::default() }
    }

    /// [`resolve`], asked once per directory and specifier.
    fn resolve(&self, dir: &Path, specifier: &str) -> Result<PathBuf, String> {
        let key = (dir.to_path_buf(), specifier.to_string());
        if let Some(known) = self.resolved.lock().expect("no panic while the lock is held").get(&key) {
            return known.clone();
        }
        let found = resolve(&self.workspaces.files, dir, specifier);
        self.resolved.lock().expect("no panic while the lock is held").insert(key, found.clone());
        found
    }

    fn load(&self, path: &Path, config: &Config, prober: &RefCell<&mut Prober>) -> Lookup {
        let cell = {
            let mut loaded = self.loaded.lock().expect("no panic while the lock is held");
            loaded.entry(path.to_path_buf()).or_default().clone()
        };
        cell.get_or_init(|| self.read(path, config, prober)).clone()
    }

    fn read(&self, path: &Path, config: &Config, prober: &RefCell<&mut Prober>) -> Lookup {
        let unreadable = || Lookup::Unreadable { path: path.display().to_string() };
        let Some(source_type) = source_type(path) else { return unreadable() };
        match fs::metadata(path) {
            Ok(meta) if meta.len() <= self.max_filesize => {}
            _ => return unreadable(),
        }
        let Ok(raw) = fs::read_to_string(path) else { return unreadable() };
        let source = Source::new(&raw);
        if probe::needed(source_type) && prober.borrow_mut().check(source.text, path).is_err() {
            return unreadable();
        }
        let allocator = Allocator::default();
        match parse(&allocator, source.text, source_type) {
            Ok(program) if scopes::lookups(&program) <= scopes::MAX_LOOKUPS => {
                Lookup::Found(Arc::new(summarize(&program, config)))
            }
            _ => unreadable(),
        }
    }
}

/// The local modules of one file.
pub struct FileModules<'c> {
    cache: &'c ModuleCache,
    dir: PathBuf,
    config: &'c Config,
    prober: RefCell<&'c mut Prober>,
    /// Where each bare specifier of the file leads, asked once.
    bare: RefCell<HashMap<String, Resolved>>,
}

impl FileModules<'_> {
    /// Where a bare specifier leads: never to a workspace package when the knowledge base
    /// knows a package of that name (it is classified as that package, whatever the layout).
    fn workspace(&self, specifier: &str) -> Resolved {
        if let Some(known) = self.bare.borrow().get(specifier) {
            return known.clone();
        }
        let Some((name, _)) = split_specifier(specifier) else { return Resolved::NotWorkspace };
        let known = TABLE.knows(name) || EFFECT_FREE_CALLS.iter().any(|(m, _)| *m == name);
        let resolved =
            if known { Resolved::NotWorkspace } else { self.cache.workspaces.resolve(&self.dir, specifier) };
        self.bare.borrow_mut().insert(specifier.to_string(), resolved.clone());
        resolved
    }
}

impl Modules for FileModules<'_> {
    fn lookup(&self, specifier: &str) -> Lookup {
        if !specifier.starts_with(['.', '/']) {
            return match self.workspace(specifier) {
                Resolved::Entry(path) => self.cache.load(&path, self.config, &self.prober),
                Resolved::Missing(looked_for) => Lookup::Missing { looked_for },
                Resolved::Broken(path) => Lookup::Unreadable { path },
                Resolved::NotWorkspace => Lookup::NotLoaded,
            };
        }
        match self.cache.resolve(&self.dir, specifier) {
            Ok(path) => self.cache.load(&path, self.config, &self.prober),
            Err(looked_for) => Lookup::Missing { looked_for },
        }
    }

    fn is_local(&self, specifier: &str) -> bool {
        specifier.starts_with(['.', '/']) || self.workspace(specifier) != Resolved::NotWorkspace
    }
}

/// What the file system answered about paths, kept for the run: module resolution asks about
/// the same directories for every file that imports something.
#[derive(Default)]
pub(super) struct Files {
    /// Each directory's canonical path (`None`: it has none).
    dirs: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
}

impl Files {
    /// The canonical path of `path` when it is a file (through a symbolic link or not). A file
    /// that is no link is its canonical directory joined with its name, so only the directory
    /// pays for resolving links, once.
    fn file(&self, path: PathBuf) -> Option<PathBuf> {
        let meta = fs::symlink_metadata(&path).ok()?;
        if meta.is_file()
            && let (Some(parent), Some(name)) = (path.parent(), path.file_name())
            && let Some(dir) = self.dir(parent)
        {
            return Some(dir.join(name));
        }
        (meta.is_file() || path.is_file()).then(|| path.canonicalize().unwrap_or(path))
    }

    fn dir(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(known) = self.dirs.lock().expect("no panic while the lock is held").get(dir) {
            return known.clone();
        }
        let canonical = dir.canonicalize().ok();
        self.dirs
            .lock()
            .expect("no panic while the lock is held")
            .insert(dir.to_path_buf(), canonical.clone());
        canonical
    }
}

/// The file `specifier` names from `dir`, or the first place looked at.
pub(super) fn resolve(files: &Files, dir: &Path, specifier: &str) -> Result<PathBuf, String> {
    let base = dir.join(specifier);
    let file = |p: PathBuf| files.file(p);
    let with_extension = |p: &Path| {
        EXTENSIONS.iter().find_map(|ext| {
            let mut name = p.as_os_str().to_owned();
            name.push(".");
            name.push(ext);
            file(PathBuf::from(name))
        })
    };
    // TypeScript: `./x.js` in an import names `./x.ts`.
    let typescript = || {
        let stem = base.to_str()?.strip_suffix(".js")?;
        ["ts", "tsx"].iter().find_map(|ext| file(PathBuf::from(format!("{stem}.{ext}"))))
    };
    let main = || {
        let manifest = fs::read_to_string(base.join("package.json")).ok()?;
        let value: serde_json::Value = serde_json::from_str(&manifest).ok()?;
        let main = base.join(value.get("main")?.as_str()?);
        file(main.clone()).or_else(|| with_extension(&main)).or_else(|| with_extension(&main.join("index")))
    };
    file(base.clone())
        .or_else(|| with_extension(&base))
        .or_else(typescript)
        .or_else(main)
        .or_else(|| with_extension(&base.join("index")))
        .ok_or_else(|| format!("{}(.js, .ts, /index.*)", base.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_is_read_once_per_run_whoever_imports_it() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("routes")).unwrap();
        fs::write(d.join("flash.js"), "module.exports = (req, res, next) => { next(); };\n").unwrap();
        let cache = ModuleCache::new(1 << 20);
        let config = Config::default();
        let mut prober = Prober::new(1 << 20, None);
        let summary = |importer: &Path, specifier: &str, prober: &mut Prober| match cache
            .for_file(importer, &config, prober)
            .lookup(specifier)
        {
            Lookup::Found(summary) => summary,
            other => panic!("{other:?}"),
        };
        let first = summary(&d.join("app.js"), "./flash", &mut prober);
        let again = summary(&d.join("server.js"), "./flash.js", &mut prober);
        let nested = summary(&d.join("routes/index.js"), "../flash", &mut prober);
        assert!(Arc::ptr_eq(&first, &again) && Arc::ptr_eq(&first, &nested));
        assert_eq!(cache.loaded.lock().unwrap().len(), 1);
        // Changing the file now changes nothing: the run keeps what it read.
        fs::write(d.join("flash.js"), "module.exports = 1;\n").unwrap();
        assert!(Arc::ptr_eq(&first, &summary(&d.join("app.js"), "./flash", &mut prober)));
    }

    #[test]
    fn specifiers_resolve_as_node_and_typescript_do() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("config")).unwrap();
        fs::create_dir_all(d.join("lib/pkg/src")).unwrap();
        fs::write(d.join("config/flash.js"), "").unwrap();
        fs::write(d.join("config/index.ts"), "").unwrap();
        fs::write(d.join("auth.ts"), "").unwrap();
        fs::write(d.join("lib/pkg/package.json"), r#"{ "main": "src/main" }"#).unwrap();
        fs::write(d.join("lib/pkg/src/main.cjs"), "").unwrap();
        let files = Files::default();
        let found = |s: &str| {
            resolve(&files, d, s).map(|p| p.strip_prefix(d.canonicalize().unwrap()).unwrap().to_path_buf())
        };
        assert_eq!(found("./config/flash"), Ok(PathBuf::from("config/flash.js")));
        assert_eq!(found("./config"), Ok(PathBuf::from("config/index.ts")));
        assert_eq!(found("./auth.js"), Ok(PathBuf::from("auth.ts")));
        assert_eq!(found("./lib/pkg"), Ok(PathBuf::from("lib/pkg/src/main.cjs")));
        assert!(resolve(&files, d, "./missing").unwrap_err().contains("missing(.js, .ts, /index.*)"));
    }

    #[test]
    fn a_workspace_package_is_a_local_module_unless_the_knowledge_base_knows_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("packages/web")).unwrap();
        fs::create_dir_all(d.join("packages/session")).unwrap();
        fs::create_dir_all(d.join("server")).unwrap();
        fs::write(d.join("package.json"), r#"{ "workspaces": ["packages/*"] }"#).unwrap();
        fs::write(d.join("packages/web/package.json"), r#"{ "name": "@acme/web", "main": "index.cjs" }"#)
            .unwrap();
        fs::write(d.join("packages/web/index.cjs"), "exports.dir = () => 'public';\n").unwrap();
        fs::write(d.join("packages/session/package.json"), r#"{ "name": "express-session" }"#).unwrap();
        fs::write(d.join("packages/session/index.js"), "module.exports = 1;\n").unwrap();
        let cache = ModuleCache::new(1 << 20);
        let config = Config::default();
        let mut prober = Prober::new(1 << 20, None);
        let modules = cache.for_file(&d.join("server/main.js"), &config, &mut prober);
        assert!(modules.is_local("@acme/web") && modules.is_local("./x"));
        assert!(matches!(modules.lookup("@acme/web"), Lookup::Found(s) if s.export(&["dir"]).is_some()));
        assert!(!modules.is_local("express-session") && !modules.is_local("left-pad"));
        assert!(matches!(modules.lookup("express-session"), Lookup::NotLoaded));
        assert!(matches!(modules.lookup("left-pad"), Lookup::NotLoaded));
    }
}
