//! What the tool knows about middleware: the classes of the crossing rules (`docs/semantics.md`),
//! where a value comes from ([`Origin`]), and the table of packages ([`table`], the data in
//! `middleware.toml`) that says which export is session, static, guard, shaper, ...

pub mod table;

use std::fmt;

pub use table::{App, Known, TABLE, Use};

/// What a piece of a statement is, for the crossing rules (the table's `kind` names them in
/// lower case: `session`, `static`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Session middleware: `express-session`, `cookie-session`.
    Session,
    /// Static-file middleware: `express.static`, `serve-static`, `serve-favicon`.
    Static,
    /// Needs a session: `passport.session()`, `connect-flash`, `csurf`.
    Consumer,
    /// Shapes every response: `helmet`, `cors`, `compression`, loggers.
    Shaper,
    /// Makes the files static middleware serves, or answers those asset requests itself, and
    /// never reads the session: `stylus.middleware()`, `less-middleware`. Moves with a static
    /// that crosses it, so it still runs first.
    Compiler,
    /// Changes the request before routing: `method-override`, history fallback, `vhost`.
    Rewriter,
    /// May end the request instead of calling `next()`.
    Guard,
    /// A route, router, sub-app or error handler.
    Route,
    /// `app.set('strict routing' | 'case sensitive routing')`: read when the router is created.
    RouterSetting,
    /// Order does not matter: settings, parsers, declarations.
    Inert,
    /// Anything the tool cannot classify.
    Unknown,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Session => "session middleware",
            Kind::Static => "static middleware",
            Kind::Consumer => "session consumer",
            Kind::Shaper => "response shaper",
            Kind::Compiler => "asset compiler",
            Kind::Rewriter => "request rewriter",
            Kind::Guard => "guard",
            Kind::Route => "route or router",
            Kind::RouterSetting => "routing setting",
            Kind::Inert => "inert",
            Kind::Unknown => "unknown",
        })
    }
}

/// Where a value comes from: a module specifier and a property path into its export (or
/// into the value made by calling it, when `instance`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin<'a> {
    pub module: &'a str,
    pub path: Vec<&'a str>,
    /// The path starts at the value made by calling or constructing the module:
    /// `multer(opts).single`.
    pub instance: bool,
}

impl<'a> Origin<'a> {
    pub fn new(specifier: &'a str) -> Self {
        Origin {
            module: specifier.strip_prefix("node:").unwrap_or(specifier),
            path: Vec::new(),
            instance: false,
        }
    }

    /// The property `property` of this value. A module's `default` is the module itself, as
    /// CommonJS interop has it (`import * as e from 'express'; e.default()`).
    pub fn with(mut self, property: &'a str) -> Self {
        if !(property == "default" && self.path.is_empty()) {
            self.path.push(property);
        }
        self
    }

    /// The property `property` of what calling the module made (`multer(opts).single`); only
    /// one call deep.
    pub fn instance_member(self, property: &'a str) -> Self {
        Origin { path: vec![property], instance: true, ..self }
    }

    fn is(&self, module: &str, path: &[&str]) -> bool {
        self.module == module && self.path == path && !self.instance
    }

    /// `express()` or `express.Router()` made this value, or the same from a package the
    /// table lists as a receiver factory (`express.oi` exports express itself).
    pub fn is_express_app_or_router(&self) -> bool {
        let express = |module: &str| self.is(module, &[]) || self.is(module, &["Router"]);
        express("express") || TABLE.app(self.module).is_some() && express(self.module)
    }

    /// A method the package that made this app adds, which returns the app: `http` in
    /// `express().http()` with `express.oi`.
    pub fn chains(&self, method: &str) -> bool {
        TABLE.app(self.module).is_some_and(|app| app.chain.iter().any(|m| m == method))
    }

    /// A local module (`./routes`): most often a router or a route table.
    pub fn is_relative(&self) -> bool {
        self.module.starts_with('.') || self.module.starts_with('/')
    }

    /// `express.static`, `passport.session`, `helmet`, `multer().single`.
    pub fn display(&self) -> String {
        let mut s = self.module.to_string();
        if self.instance {
            s.push_str("()");
        }
        for p in &self.path {
            s.push('.');
            s.push_str(p);
        }
        s
    }
}

/// Methods of an app that register static-file middleware at once: NestJS's Express adapter
/// implements `useStaticAssets(dir, { prefix })` as `use(prefix, express.static(dir, options))`.
pub const STATIC_METHODS: &[&str] = &["useStaticAssets"];

/// Module functions whose calls change nothing the setup code reads, beyond what they are
/// passed, and return fresh values: `(module, first property)`, `*` for every property.
/// Middleware factories from the table count as such too.
pub const EFFECT_FREE_CALLS: &[(&str, &str)] = &[
    ("path", "*"),
    ("url", "*"),
    ("querystring", "*"),
    ("util", "format"),
    ("util", "inspect"),
    // Session stores: making one (its factory given the session module, its constructor or
    // `create`) only sets up the store: it may read and change what it is passed, open a
    // connection or start a timer, but writes no global, registers nothing on an app and
    // calls no user code at once (docs/knowledge-audit.md: the versions read). Not here:
    // connect-session-sequelize (it defines a model, which runs the app's hooks), connect-dynamodb
    // (2.x writes the aws-sdk's global config).
    ("connect-mongo", "*"),
    ("connect-redis", "*"),
    ("connect-mongodb-session", "*"),
    ("connect-pg-simple", "*"),
    ("express-mysql-session", "*"),
    ("memorystore", "*"),
    ("connect-sqlite3", "*"),
    ("connect-session-knex", "*"),
    ("connect-typeorm", "*"),
    ("@quixo3/prisma-session-store", "*"),
    ("session-file-store", "*"),
    ("connect-memcached", "*"),
    ("connect-loki", "*"),
    ("cassandra-store", "*"),
    ("nedb-session-store", "*"),
    // Strategies and (de)serialisers go into passport's own registry.
    ("passport", "use"),
    ("passport", "serializeUser"),
    ("passport", "deserializeUser"),
];

/// Module functions that always return a string (or another primitive): a binding that holds
/// their result is a value no call it is passed to can change. `path.join(__dirname, 'public')`.
pub const PRIMITIVE_CALLS: &[(&str, &str)] = &[
    ("path", "join"),
    ("path", "resolve"),
    ("path", "normalize"),
    ("path", "relative"),
    ("path", "dirname"),
    ("path", "basename"),
    ("path", "extname"),
    ("path", "format"),
    ("url", "fileURLToPath"),
    ("util", "format"),
];

/// Global functions whose result is a primitive: `String(x)`, `parseInt(s, 10)`.
pub const PRIMITIVE_GLOBALS: &[&str] =
    &["String", "Number", "Boolean", "parseInt", "parseFloat", "encodeURIComponent"];

/// Global functions and namespaces whose calls change nothing: `JSON.stringify`, `Math.max`.
pub const EFFECT_FREE_GLOBALS: &[&str] = &[
    "JSON",
    "Math",
    "String",
    "Number",
    "Boolean",
    "Array",
    "Date",
    "parseInt",
    "parseFloat",
    "isNaN",
    "encodeURIComponent",
    "decodeURIComponent",
    "encodeURI",
    "decodeURI",
];

/// Globals whose state any call may change: `process.env` after `dotenv.config()`.
pub const SHARED_GLOBALS: &[&str] = &["process", "global", "globalThis"];

/// What a known middleware is, and the table entry that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub kind: Kind,
    /// `express.static`, `helmet`, ...
    pub what: String,
    /// Why no move may involve or cross it, whatever its kind.
    pub refusal: Option<&'static str>,
    pub entry: &'static Known,
}

/// Classifies the value made by calling `origin`: `session(...)` is made by `express-session`.
pub fn classify_made(origin: &Origin<'_>) -> Option<Class> {
    classify(origin, Use::Call)
}

/// Classifies `origin` used as middleware as it is: `app.use(i18n.init)`.
pub fn classify_value(origin: &Origin<'_>) -> Option<Class> {
    classify(origin, Use::Value)
}

fn classify(origin: &Origin<'_>, used: Use) -> Option<Class> {
    let entry: &'static Known = TABLE.lookup(origin, used)?;
    Some(Class { kind: entry.kind(), what: origin.display(), refusal: entry.refusal.as_deref(), entry })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_prefix_is_dropped_and_paths_display() {
        let o = Origin::new("node:express").with("static");
        assert_eq!(o.display(), "express.static");
        assert_eq!(classify_made(&o).map(|c| c.kind), Some(Kind::Static));
    }

    #[test]
    fn stores_and_unknown_modules_are_not_middleware() {
        assert_eq!(classify_made(&Origin::new("connect-redis")), None);
        assert_eq!(classify_made(&Origin::new("express-session")).map(|c| c.kind), Some(Kind::Session));
        assert!(
            classify_made(&Origin::new("express-openid-connect").with("auth")).unwrap().refusal.is_some()
        );
        assert!(classify_made(&Origin::new("express").with("session")).unwrap().refusal.is_some());
        assert_eq!(classify_made(&Origin::new("express-session").with("Store")), None);
    }
}
