//! The table of known middleware, `middleware.toml`: parsed once per process, validated by a
//! test, and looked up by a value's origin. Data a contributor extends without reading the
//! detector.

use std::sync::LazyLock;

use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;

use super::{Kind, Origin};

/// How an entry's export becomes middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Use {
    /// The middleware is what calling the export returns: `app.use(flash())`.
    Call,
    /// The export is the middleware: `app.use(i18n.init)`.
    Value,
    /// Calling the export with the request and the response only makes a template helper, put
    /// in `res.locals` by a middleware function (`res.locals.messages = messages(req, res)`); the
    /// class is what the helper needs when a template calls it.
    Helper,
}

/// One package export, classified.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Known {
    pub module: String,
    /// Dot-separated property path into the export; empty for the export itself, `*` for every path.
    pub export: String,
    #[serde(rename = "use")]
    pub used: Use,
    /// A member of the value made by calling or constructing the module (`multer(o).single`).
    #[serde(default)]
    pub instance: bool,
    /// What the package is; never `unknown` or a routing setting (checked when parsed).
    pub kind: Kind,
    /// The version whose published source was read.
    pub version: String,
    pub reason: String,
    /// The class holds for the default options only.
    pub defaults: bool,
    /// Why no move may involve or cross it, whatever its kind.
    #[serde(default)]
    pub refusal: Option<String>,
    /// Making it reads the file system (serve-favicon stats its icon, sirv indexes its
    /// folder): it may not move across code the tool cannot see into, which may write there.
    #[serde(default)]
    pub reads_files: bool,
}

impl Known {
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// `connect-flash@0.1.1`, `lusca.csrf@1.7.0`: which entry decided, for `--explain`.
    pub fn label(&self) -> String {
        let export = match self.export.as_str() {
            "" => String::new(),
            "*" => ".*".to_string(),
            e => format!(".{e}"),
        };
        let instance = if self.instance { "()" } else { "" };
        format!("{}{instance}{export}@{}", self.module, self.version)
    }

    fn matches(&self, origin: &Origin<'_>, used: Use) -> bool {
        self.used == used
            && self.instance == origin.instance
            && self.module == origin.module
            && (self.export == "*"
                || self.export.split('.').filter(|p| !p.is_empty()).eq(origin.path.iter().copied()))
    }
}

/// A package whose export, called, makes an Express app with methods of its own
/// (`express.oi`): a receiver factory.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    pub module: String,
    /// The methods the package adds that return the app itself: `express().http().io()`.
    pub chain: Vec<String>,
    /// A property path on the app (`io.session`) whose call registers `express-session` made
    /// from its first argument at once, and hands the same middleware to socket.io.
    #[serde(default)]
    pub session_method: Option<String>,
    pub version: String,
    pub reason: String,
}

impl App {
    /// `express.oi@0.0.21`: which entry decided, for `--explain`.
    pub fn label(&self) -> String {
        format!("{}@{}", self.module, self.version)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    middleware: Vec<Known>,
    #[serde(default)]
    app: Vec<App>,
}

/// Every entry, by module.
#[derive(Debug)]
pub struct Table {
    by_module: HashMap<String, Vec<Known>>,
    apps: HashMap<String, App>,
}

/// The built-in table.
pub static TABLE: LazyLock<Table> = LazyLock::new(|| {
    Table::parse(include_str!("middleware.toml")).expect("middleware.toml is valid (a unit test checks it)")
});

impl Table {
    /// Parses and checks a table: every entry complete, no entry twice.
    pub fn parse(text: &str) -> Result<Table, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut by_module: HashMap<String, Vec<Known>> = HashMap::default();
        for entry in file.middleware {
            let at = format!("{} `{}`", entry.module, entry.export);
            if entry.module.trim().is_empty() || entry.module != entry.module.trim() {
                return Err(format!("{at}: the module name is empty or padded"));
            }
            if matches!(entry.kind, Kind::Unknown | Kind::RouterSetting) {
                return Err(format!("{at}: `unknown` and routing settings are not classes a package has"));
            }
            if entry.reason.trim().len() < 10 {
                return Err(format!("{at}: every entry needs a reason"));
            }
            if !entry.version.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
                return Err(format!("{at}: `{}` is not the version read (x.y.z)", entry.version));
            }
            let path_ok = entry.export.is_empty()
                || entry.export == "*"
                || entry.export.split('.').all(|p| !p.is_empty() && !p.contains('*'));
            if !path_ok {
                return Err(format!("{at}: the export is not a property path"));
            }
            let same = by_module.entry(entry.module.clone()).or_default();
            if same
                .iter()
                .any(|e| e.export == entry.export && e.used == entry.used && e.instance == entry.instance)
            {
                return Err(format!("{at}: listed twice"));
            }
            same.push(entry);
        }
        let mut apps = HashMap::default();
        for app in file.app {
            let at = format!("app {}", app.module);
            if app.reason.trim().len() < 10 {
                return Err(format!("{at}: every entry needs a reason"));
            }
            if !app.version.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
                return Err(format!("{at}: `{}` is not the version read (x.y.z)", app.version));
            }
            let method_ok = app.session_method.as_ref().is_none_or(|m| m.split('.').count() == 2);
            if !method_ok || app.chain.iter().any(|m| m.is_empty() || m.contains('.')) {
                return Err(format!("{at}: a chain method is one name, a session method `object.method`"));
            }
            if apps.insert(app.module.clone(), app).is_some() {
                return Err(format!("{at}: listed twice"));
            }
        }
        Ok(Table { by_module, apps })
    }

    /// Whether some receiver factory's app has a method `method` that returns the app.
    pub fn is_chain_method(&self, method: &str) -> bool {
        self.apps.values().any(|app| app.chain.iter().any(|m| m == method))
    }

    /// Whether `object.method` is some receiver factory's session method (`io.session`).
    pub fn is_session_method(&self, object: &str, method: &str) -> bool {
        self.apps
            .values()
            .filter_map(|app| app.session_method.as_deref())
            .any(|path| path.split_once('.') == Some((object, method)))
    }

    /// The receiver factory `module` is, if the table lists it.
    pub fn app(&self, module: &str) -> Option<&App> {
        self.apps.get(module)
    }

    /// The entry for middleware reached as `origin`, used as `used`; an exact export wins over `*`.
    pub fn lookup(&self, origin: &Origin<'_>, used: Use) -> Option<&Known> {
        let entries = self.by_module.get(origin.module)?;
        let mut matching = entries.iter().filter(|e| e.matches(origin, used));
        let first = matching.next()?;
        Some(if first.export == "*" { matching.next().unwrap_or(first) } else { first })
    }

    /// Whether the table lists any middleware of `module`: one hash lookup, for code that asks
    /// for every specifier of every file.
    pub fn knows(&self, module: &str) -> bool {
        self.by_module.contains_key(module)
    }

    pub fn entries(&self) -> impl Iterator<Item = &Known> {
        self.by_module.values().flatten()
    }

    /// The byte strings a file must contain to register middleware of `kind` from this table:
    /// each such module's name (the export's last segment for `express` itself), quoted as a
    /// specifier when it is short enough to occur in any text (`'st'`), without those that
    /// contain another (`serve-static` holds `static`).
    pub fn needles(&self, kind: Kind) -> Vec<String> {
        let mut names: Vec<String> = self
            .entries()
            .filter(|e| e.kind() == kind)
            .flat_map(|e| match e.module.as_str() {
                // `express.static`, `connect.session`: the framework's own name is in nearly
                // every file (and `connect` in every `mongoose.connect`), the export's is not.
                "express" | "connect" => vec![e.export.rsplit('.').next().unwrap_or_default().to_string()],
                short if short.len() < 5 => {
                    ['\'', '"', '`'].iter().map(|q| format!("{q}{short}{q}")).collect()
                }
                module => vec![module.to_string()],
            })
            .filter(|n| !n.is_empty())
            .collect();
        names.sort_by_key(|n| (n.len(), n.clone()));
        names.dedup();
        let mut kept: Vec<String> = Vec::new();
        for name in names {
            if !kept.iter().any(|k| name.contains(k.as_str())) {
                kept.push(name);
            }
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_table_is_valid_and_large() {
        let table = &*TABLE;
        let modules: std::collections::HashSet<&str> = table.entries().map(|e| e.module.as_str()).collect();
        assert!(modules.len() >= 150, "{} packages", modules.len());
        for e in table.entries() {
            assert!(!e.reason.trim().is_empty(), "{}", e.label());
            if e.defaults {
                assert!(e.reason.len() > 20, "{}: say which option changes the class", e.label());
            }
        }
    }

    #[test]
    fn bad_tables_are_rejected_with_the_entry_named() {
        let entry = |extra: &str| {
            format!(
                "[[middleware]]\nmodule = \"m\"\nexport = \"\"\nuse = \"call\"\nkind = \"inert\"\nversion = \"1.0.0\"\nreason = \"only sets req.x and calls next\"\ndefaults = false\n{extra}"
            )
        };
        assert!(Table::parse(&entry("")).is_ok());
        let twice = format!("{}\n{}", entry(""), entry(""));
        assert!(Table::parse(&twice).unwrap_err().contains("listed twice"));
        assert!(Table::parse(&entry("").replace("inert", "unknown")).unwrap_err().contains("not classes"));
        assert!(Table::parse(&entry("").replace("inert", "dangerous")).is_err());
        assert!(Table::parse(&entry("").replace("1.0.0", "latest")).unwrap_err().contains("version"));
        assert!(
            Table::parse(&entry("").replace("only sets req.x and calls next", ""))
                .unwrap_err()
                .contains("reason")
        );
        assert!(Table::parse(&entry("colour = 1\n")).is_err());
        let app = |method: &str| {
            format!(
                "{}\n[[app]]\nmodule = \"a\"\nchain = [\"io\"]\nsession_method = \"{method}\"\nversion = \"1.0.0\"\nreason = \"io() returns the app\"\n",
                entry("")
            )
        };
        assert!(Table::parse(&app("io.session")).is_ok());
        assert!(Table::parse(&app("session")).unwrap_err().contains("session method"));
        let again = &app("io.session")[entry("").len()..];
        assert!(Table::parse(&format!("{}{again}", app("io.session"))).unwrap_err().contains("listed twice"));
    }

    #[test]
    fn lookups_follow_use_instance_and_wildcards() {
        let table = &*TABLE;
        let flash = Origin::new("connect-flash");
        assert_eq!(table.lookup(&flash, Use::Call).map(Known::kind), Some(Kind::Consumer));
        assert_eq!(table.lookup(&flash, Use::Value), None);
        let csp = Origin::new("helmet").with("contentSecurityPolicy");
        assert_eq!(table.lookup(&csp, Use::Call).map(Known::kind), Some(Kind::Shaper));
        let single = Origin::new("multer").instance_member("single");
        assert_eq!(table.lookup(&single, Use::Call).map(Known::kind), Some(Kind::Inert));
        assert_eq!(table.lookup(&Origin::new("multer").with("single"), Use::Call), None);
    }

    #[test]
    fn the_table_knows_the_modules_its_entries_name_and_no_other() {
        let table = &*TABLE;
        assert!(table.entries().all(|e| table.knows(&e.module)));
        for unknown in ["left-pad", "express-sessio", "", "./helmet"] {
            assert!(!table.knows(unknown), "{unknown}");
        }
    }

    #[test]
    fn needles_cover_every_session_and_static_module() {
        let table = &*TABLE;
        for kind in [Kind::Session, Kind::Static] {
            let needles = table.needles(kind);
            for e in table.entries().filter(|e| e.kind() == kind) {
                let name = if matches!(e.module.as_str(), "express" | "connect") {
                    format!("{}.{}", e.module, e.export)
                } else {
                    format!("'{}'", e.module)
                };
                assert!(needles.iter().any(|n| name.contains(n.as_str())), "{name} not found by {needles:?}");
            }
        }
    }

    /// The prefilter is what keeps a run near ripgrep's time: a needle that common code
    /// contains makes every such file parse (a bare `connect` did, for `mongoose.connect`).
    #[test]
    fn session_needles_miss_an_app_without_a_session() {
        let app = "const express = require('express');\nconst mongoose = require('mongoose');\n\
                   mongoose.connect(process.env.DB);\nconst app = express();\n\
                   app.use(express.json());\napp.listen(3000);\n";
        let hits: Vec<String> =
            TABLE.needles(Kind::Session).into_iter().filter(|n| app.contains(n.as_str())).collect();
        assert!(hits.is_empty(), "{hits:?}");
    }
}
