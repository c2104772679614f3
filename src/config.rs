//! A project's own middleware (`static-first.toml`): wrappers it declares as session, static,
//! guard, consumer, shaper, compiler or inert middleware, by module specifier and export. Found by walking
//! up from each file, or named with `--config`; `--print-config` shows what applies.
//!
//! ```toml
//! [middleware]
//! session = ["@acme/session"]              # the module's export, called: session(...)
//! static = ["@acme/web#assets.serve"]     # a property path into the export: web.assets.serve(...)
//! guard = ["@acme/auth#requireLogin"]     # called or used as it is: app.use(requireLogin)
//! ```

use rustc_hash::FxHashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use toml::Spanned;

use crate::knowledge::{Kind, Origin};
use crate::source::LineIndex;

/// The file name searched for.
pub const FILE_NAME: &str = "static-first.toml";

/// One declared middleware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub kind: Kind,
    /// The module specifier, as imported (without `node:`).
    pub module: String,
    /// The property path into its export; empty for the export itself.
    pub path: Vec<String>,
    /// Where it is declared, for `--explain`: `static-first.toml:3`.
    pub at: String,
}

/// The rules in effect for a file: what its project declares (on top of the built-in table).
#[derive(Debug, Default)]
pub struct Config {
    /// The file read, if any.
    pub file: Option<PathBuf>,
    pub declared: Vec<Declared>,
}

/// A configuration file that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: invalid configuration: {}; fix the file (or pass --config with another)",
            self.file.display(),
            self.line,
            self.col,
            self.message
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    middleware: Middleware,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Middleware {
    #[serde(default)]
    session: Vec<Spanned<String>>,
    #[serde(default, rename = "static")]
    statics: Vec<Spanned<String>>,
    #[serde(default)]
    guard: Vec<Spanned<String>>,
    #[serde(default)]
    consumer: Vec<Spanned<String>>,
    #[serde(default)]
    shaper: Vec<Spanned<String>>,
    #[serde(default)]
    compiler: Vec<Spanned<String>>,
    #[serde(default)]
    inert: Vec<Spanned<String>>,
}

/// The `[middleware]` keys and the class each declares, in the order `--print-config` shows.
const KEYS: [(Kind, &str); 7] = [
    (Kind::Session, "session"),
    (Kind::Static, "static"),
    (Kind::Guard, "guard"),
    (Kind::Consumer, "consumer"),
    (Kind::Shaper, "shaper"),
    (Kind::Compiler, "compiler"),
    (Kind::Inert, "inert"),
];

impl Middleware {
    /// Each key's entries, in the order of [`KEYS`].
    fn by_kind(self) -> [(Kind, Vec<Spanned<String>>); 7] {
        let Middleware { session, statics, guard, consumer, shaper, compiler, inert } = self;
        let mut lists = [session, statics, guard, consumer, shaper, compiler, inert].into_iter();
        KEYS.map(|(kind, _)| (kind, lists.next().unwrap_or_default()))
    }
}

impl Config {
    /// Reads and checks the configuration file at `file`.
    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        let text = fs::read_to_string(file).map_err(|e| ConfigError {
            file: file.to_path_buf(),
            line: 1,
            col: 1,
            message: format!("cannot read it: {e}"),
        })?;
        Config::parse(file, &text)
    }

    /// Parses `text`, the contents of `file`.
    pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigError> {
        let lines = LineIndex::new(text);
        let error = |offset: usize, message: String| {
            let (line, col) = lines.line_col(u32::try_from(offset).unwrap_or(u32::MAX));
            ConfigError { file: file.to_path_buf(), line, col, message }
        };
        let parsed: File = toml::from_str(text).map_err(|e| {
            error(e.span().map_or(0, |s| s.start), e.message().trim_end_matches('\n').replace('\n', " "))
        })?;
        let mut declared = Vec::new();
        for (kind, entries) in parsed.middleware.by_kind() {
            for entry in entries {
                let offset = entry.span().start;
                let (module, path) = split_entry(entry.get_ref()).map_err(|why| error(offset, why))?;
                if let Some(other) =
                    declared.iter().find(|d: &&Declared| d.module == module && d.path == path)
                {
                    return Err(error(
                        offset,
                        format!("`{}` is already declared at {}", entry.get_ref(), other.at),
                    ));
                }
                let name = file
                    .file_name()
                    .map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into());
                let at = format!("{name}:{}", lines.line(u32::try_from(offset).unwrap_or(u32::MAX)));
                declared.push(Declared { kind, module, path, at });
            }
        }
        Ok(Config { file: Some(file.to_path_buf()), declared })
    }

    /// What the project declares the value `origin` (made by a call, or used as it is) to be.
    pub fn lookup(&self, origin: &Origin<'_>) -> Option<&Declared> {
        self.declared.iter().find(|d| d.module == origin.module && d.path.iter().eq(origin.path.iter()))
    }

    /// The declared module specifiers of `kind`: a file that names none of them (nor a
    /// built-in module of that kind) cannot register such middleware.
    pub fn modules(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.declared.iter().filter(move |d| d.kind == kind).map(|d| d.module.as_str())
    }

    /// The configuration as `--print-config` shows it: TOML that reads back the same.
    pub fn render(&self) -> String {
        let mut out = match &self.file {
            Some(file) => format!("# from {}\n", file.display()),
            None => format!("# no {FILE_NAME} applies: built-in rules only\n"),
        };
        out.push_str("[middleware]\n");
        for (kind, key) in KEYS {
            let entries: Vec<String> = self
                .declared
                .iter()
                .filter(|d| d.kind == kind)
                .map(|d| {
                    let spec = if d.path.is_empty() {
                        d.module.clone()
                    } else {
                        format!("{}#{}", d.module, d.path.join("."))
                    };
                    format!("{spec:?}")
                })
                .collect();
            out.push_str(&format!("{key} = [{}]\n", entries.join(", ")));
        }
        out
    }
}

/// `module` or `module#a.b` into the module and the property path.
fn split_entry(entry: &str) -> Result<(String, Vec<String>), String> {
    let (module, path) = entry.split_once('#').unwrap_or((entry, ""));
    let module = module.strip_prefix("node:").unwrap_or(module);
    if module.is_empty() || module.contains(char::is_whitespace) {
        return Err(format!(
            "`{entry}` does not start with a module specifier (`module` or `module#export`)"
        ));
    }
    if entry.contains('#') && path.is_empty() {
        return Err(format!("`{entry}` names no export after `#`"));
    }
    let path: Vec<String> =
        if path.is_empty() { Vec::new() } else { path.split('.').map(str::to_string).collect() };
    let identifier = |s: &String| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
            && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    };
    if let Some(bad) = path.iter().find(|s| !identifier(s)) {
        return Err(format!("`{bad}` in `{entry}` is not an export name"));
    }
    // `default` is the module itself, as imports resolve it.
    let path = if path.first().is_some_and(|p| p == "default") { path[1..].to_vec() } else { path };
    Ok((module.to_string(), path))
}

/// Finds the configuration for each file: the nearest `static-first.toml` in its directory or
/// above, or the one given with `--config`. Each file is read once.
pub struct Configs {
    explicit: Option<Arc<Config>>,
    /// Each directory visited, with the configuration that applies there.
    found: Mutex<FxHashMap<PathBuf, Result<Arc<Config>, ConfigError>>>,
    none: Arc<Config>,
}

impl Configs {
    /// With `explicit`, every file gets that configuration (read now: an error stops the run).
    pub fn new(explicit: Option<&Path>) -> Result<Configs, ConfigError> {
        let explicit = explicit.map(Config::load).transpose()?.map(Arc::new);
        Ok(Configs { explicit, found: Mutex::new(FxHashMap::default()), none: Arc::new(Config::default()) })
    }

    /// The configuration for `path`, a file or a directory (whose own file counts).
    pub fn for_path(&self, path: &Path) -> Result<Arc<Config>, ConfigError> {
        if path.is_dir() { self.for_file(&path.join(FILE_NAME)) } else { self.for_file(path) }
    }

    /// The configuration for the file `path`.
    pub fn for_file(&self, path: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(config) = &self.explicit {
            return Ok(config.clone());
        }
        let dir = path.parent().unwrap_or(Path::new(""));
        // Files of one directory share the answer: most lookups end here, without a syscall.
        if let Some(known) = self.found.lock().expect("no panics holding the lock").get(dir) {
            return known.clone();
        }
        // Walked up as written (like ESLint and ruff), from the absolute path.
        let absolute = std::path::absolute(if dir.as_os_str().is_empty() { Path::new(".") } else { dir })
            .unwrap_or_else(|_| dir.to_path_buf());
        let result = self.for_dir(&absolute);
        self.found.lock().expect("no panics holding the lock").insert(dir.to_path_buf(), result.clone());
        result
    }

    fn for_dir(&self, dir: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(known) = self.found.lock().expect("no panics holding the lock").get(dir) {
            return known.clone();
        }
        let candidate = dir.join(FILE_NAME);
        let result = if candidate.is_file() {
            Config::load(&candidate).map(Arc::new)
        } else {
            match dir.parent() {
                Some(parent) => self.for_dir(parent),
                None => Ok(self.none.clone()),
            }
        };
        self.found.lock().expect("no panics holding the lock").insert(dir.to_path_buf(), result.clone());
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("static-first.toml"), text)
    }

    #[test]
    fn entries_name_a_module_and_an_export_path() {
        let config = parse(
            "[middleware]\nsession = [\"@acme/session\"]\nstatic = [\"@acme/web#assets.serve\", \"node:x#default.y\"]\n",
        )
        .unwrap();
        let web = Origin::new("@acme/web").with("assets").with("serve");
        assert_eq!(
            config.lookup(&web).map(|d| (d.kind, d.at.as_str())),
            Some((Kind::Static, "static-first.toml:3"))
        );
        assert_eq!(config.lookup(&Origin::new("x").with("y")).map(|d| d.kind), Some(Kind::Static));
        assert_eq!(config.lookup(&Origin::new("@acme/session")).map(|d| d.kind), Some(Kind::Session));
        assert_eq!(config.lookup(&Origin::new("@acme/web")), None);
        assert_eq!(config.modules(Kind::Static).collect::<Vec<_>>(), ["@acme/web", "x"]);
        assert_eq!(
            config.render().lines().nth(2),
            Some("session = [\"@acme/session\"]"),
            "{}",
            config.render()
        );
    }

    #[test]
    fn errors_name_the_line_and_what_is_wrong() {
        let at = |text: &str| parse(text).map(|_| ()).map_err(|e| (e.line, e.col, e.message));
        let (line, _, message) = at("[middleware]\nsession = [\"a\"]\nstatik = [\"b\"]\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(message.contains("unknown field `statik`"), "{message}");
        let (line, col, message) = at("[middleware]\n\nguard = [\"a#\"]\n").unwrap_err();
        assert_eq!((line, col), (3, 10));
        assert!(message.contains("names no export"), "{message}");
        let (line, _, message) = at("[middleware]\nguard = [\"a#b-c\"]\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(message.contains("not an export name"), "{message}");
        let (line, _, message) = at("[middleware]\nguard = [\"a\"]\nshaper = [\"a\"]\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(message.contains("already declared at static-first.toml:2"), "{message}");
        let (line, _, _) = at("[middleware\n").unwrap_err();
        assert_eq!(line, 1);
        assert!(at("").is_ok());
    }
}
