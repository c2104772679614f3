//! The table of known middleware: which module export is session, static, guard, shaper, ...
//!
//! The classes and what each may be crossed by are those of `docs/semantics.md`.

use std::fmt;

/// What a piece of a statement is, for the crossing rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Session middleware: `express-session`, `cookie-session`.
    Session,
    /// Static-file middleware: `express.static`, `serve-static`, `serve-favicon`.
    Static,
    /// Needs a session: `passport.session()`, `connect-flash`, `csurf`.
    Consumer,
    /// Shapes every response: `helmet`, `cors`, `compression`, loggers.
    Shaper,
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
            Kind::Rewriter => "request rewriter",
            Kind::Guard => "guard",
            Kind::Route => "route or router",
            Kind::RouterSetting => "routing setting",
            Kind::Inert => "inert",
            Kind::Unknown => "unknown",
        })
    }
}

/// Where a value comes from: a module specifier and a property path into its export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin<'a> {
    pub module: &'a str,
    pub path: Vec<&'a str>,
}

impl<'a> Origin<'a> {
    pub fn new(specifier: &'a str) -> Self {
        Origin { module: specifier.strip_prefix("node:").unwrap_or(specifier), path: Vec::new() }
    }

    /// The property `property` of this value. A module's `default` is the module itself, as
    /// CommonJS interop has it (`import * as e from 'express'; e.default()`).
    pub fn with(mut self, property: &'a str) -> Self {
        if !(property == "default" && self.path.is_empty()) {
            self.path.push(property);
        }
        self
    }

    fn is(&self, module: &str, path: &[&str]) -> bool {
        self.module == module && self.path == path
    }

    /// `express()` or `express.Router()` made this value.
    pub fn is_express_app_or_router(&self) -> bool {
        self.is("express", &[]) || self.is("express", &["Router"])
    }

    /// A local module (`./routes`): most often a router or a route table.
    pub fn is_relative(&self) -> bool {
        self.module.starts_with('.') || self.module.starts_with('/')
    }

    /// `express.static`, `passport.session`, `helmet`.
    pub fn display(&self) -> String {
        let mut s = self.module.to_string();
        for p in &self.path {
            s.push('.');
            s.push_str(p);
        }
        s
    }
}

/// What a known middleware is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub kind: Kind,
    /// `express.static`, `helmet`, ...
    pub what: String,
    /// Why no move may involve or cross it, whatever its kind.
    pub refusal: Option<&'static str>,
}

const AUTH: &str = "express-openid-connect's auth() is a session and a login guard at once: moving static \
                    middleware across it could publish files it protects; if the files are public, \
                    register them before auth() by hand";
const EXPRESS_3: &str = "this is Express 3's API (express.session), which the tool reports but never \
                         edits; upgrade, or move the static middleware first by hand";

/// Modules whose default export makes session middleware.
pub const SESSION_MODULES: &[&str] = &["express-session", "cookie-session", "client-sessions"];
/// Modules whose default export makes static-file middleware (besides `express.static`).
pub const STATIC_MODULES: &[&str] =
    &["serve-static", "serve-favicon", "express-static-gzip", "serve-index", "sirv"];

/// Classifies the value made by calling `origin`: `session(...)` is made by `express-session`.
pub fn classify_made(origin: &Origin<'_>) -> Option<Class> {
    let mut refusal = None;
    let kind = match (origin.module, origin.path.as_slice()) {
        (module, []) if SESSION_MODULES.contains(&module) => Kind::Session,
        ("express-openid-connect", ["auth"]) => {
            refusal = Some(AUTH);
            Kind::Session
        }
        ("express", ["session"]) => {
            refusal = Some(EXPRESS_3);
            Kind::Session
        }
        ("express", ["static"]) => Kind::Static,
        (module, []) if STATIC_MODULES.contains(&module) => Kind::Static,
        ("express", ["json" | "urlencoded" | "raw" | "text" | "cookieParser" | "bodyParser"]) => Kind::Inert,
        ("express", []) | ("express", ["Router"]) => Kind::Route,
        ("passport", ["initialize"]) => Kind::Inert,
        ("passport", ["session"]) => Kind::Consumer,
        // `passport.authenticate('session')` is a consumer; any other strategy may answer 401.
        ("passport", ["authenticate"]) => Kind::Guard,
        ("connect-flash", []) | ("csurf", []) | ("lusca", ["csrf"]) => Kind::Consumer,
        ("helmet", _)
        | ("cors", [])
        | ("compression", [])
        | ("morgan", [])
        | ("pino-http", [])
        | ("response-time", [])
        | ("nocache", [])
        | ("connect-timeout", [])
        | ("express-request-id", []) => Kind::Shaper,
        ("express-rate-limit", [] | ["default" | "rateLimit"]) => Kind::Shaper,
        ("cookie-parser", []) | ("body-parser", [] | ["json" | "urlencoded" | "raw" | "text"]) => Kind::Inert,
        ("connect-history-api-fallback", []) | ("method-override", []) | ("vhost", []) => Kind::Rewriter,
        ("connect-ensure-login", ["ensureLoggedIn" | "ensureLoggedOut"]) => Kind::Guard,
        ("express-openid-connect", ["requiresAuth"]) => Kind::Guard,
        _ => return None,
    };
    Some(Class { kind, what: origin.display(), refusal })
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
        assert_eq!(classify_made(&Origin::new("express-session").with("Store")), None);
    }
}
