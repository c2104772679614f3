//! End-to-end: real Express apps run under Node with Express 4 and 5, before and after the
//! fix, checked over real HTTP.
//!
//! The pinned runtimes live in `tests/e2e/express4`, `tests/e2e/express5` and `tests/e2e/nest`
//! (NestJS on Express); the first test that needs one installs it with `npm ci`.

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::{Project, npm_ci, stderr};

/// One test app and what must hold for it.
struct App {
    dir: &'static str,
    entry: &'static str,
    /// Whether the tool fixes it (otherwise it must refuse and leave the file alone).
    fixed: bool,
    /// The fix moves only some statics: the others are left for review (`--write` exits 1).
    partial: bool,
    /// A header that a response shaper puts on every response, static ones included.
    shaper_header: Option<(&'static str, &'static str)>,
    /// A path that needs a login.
    protected: Option<&'static str>,
    /// The static file every app serves (`style.css`, where it is mounted).
    asset: &'static str,
    /// Where the app's routes live (`/login`, `/me` and the others below): `""`, or a global
    /// prefix such as NestJS's `setGlobalPrefix('api')` gives.
    routes: &'static str,
    /// The app has `/flash/set` (queues the notice `profile saved`) and `/flash/show` (shows and
    /// drains it, `none` when empty): the notice must survive from one request to the next.
    flash: bool,
    /// The app has lusca's CSRF check, `/csrf/token` (this session's token) and a
    /// `POST /csrf/check`: a POST without the token is refused, one with it accepted.
    csrf: bool,
    /// The app has method-override reading `X-HTTP-Method-Override` before static: a POST of the
    /// asset overridden to GET is served by static.
    method_override: bool,
    /// The app has `/whoami`, which sends `res.locals.user` as a middleware filled it from the
    /// session (`nobody` when empty): after a login it must still be the user.
    locals_user: bool,
    /// The app has `/store`, `shared` when a middleware after the session handed the request
    /// the session's store as `req.sessionStore`.
    session_store: bool,
}

impl App {
    /// The optional checks off, for `..App::DEFAULT` after the fields an app sets.
    const DEFAULT: App = App {
        dir: "",
        entry: "server.js",
        fixed: true,
        partial: false,
        shaper_header: None,
        protected: None,
        asset: ASSET,
        routes: "",
        flash: false,
        csrf: false,
        method_override: false,
        locals_user: false,
        session_store: false,
    };
}

fn e2e_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e")
}

/// The Node process serving the apps of one stage (`tests/e2e/host.js`); killed when dropped.
struct Host {
    child: Child,
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One app listening on a port of its host.
struct Server {
    port: u16,
}

/// Starts one Node process serving every entry (each an app's file, in its own directory) and
/// waits until each listens: the host, and each app's server in the order given.
fn start_all(entries: &[PathBuf]) -> (Host, Vec<Server>) {
    let child = Command::new("node")
        .arg(e2e_root().join("host.js"))
        .args(entries)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node must be installed to run the end-to-end tests");
    let mut host = Host { child };
    let stdout = host.child.stdout.take().unwrap();
    let mut servers = Vec::new();
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        let port = line.split_once(' ').and_then(|(i, p)| (i.parse() == Ok(servers.len())).then_some(p));
        servers.push(Server {
            port: port.and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("host: {line}")),
        });
        if servers.len() == entries.len() {
            return (host, servers);
        }
    }
    let _ = host.child.kill();
    let mut err = String::new();
    let _ = host.child.stderr.take().unwrap().read_to_string(&mut err);
    panic!("{} did not start:\n{err}", entries[servers.len()].display());
}

struct Response {
    status: u16,
    headers: HashMap<String, Vec<String>>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.first()).map(String::as_str)
    }

    /// Every Set-Cookie's `name=value`, joined as a Cookie header to send back.
    fn cookie(&self) -> Option<String> {
        let cookies = self.headers.get("set-cookie")?;
        Some(cookies.iter().map(|c| c.split(';').next().unwrap()).collect::<Vec<_>>().join("; "))
    }
}

/// A plain HTTP/1.0 GET: the server closes the connection and sends no chunked encoding.
fn get(server: &Server, path: &str, cookie: Option<&str>) -> Response {
    let cookie = cookie.map(|c| ("Cookie", c));
    request(server, "GET", path, cookie.as_slice())
}

/// A plain HTTP/1.0 request without a body.
fn request(server: &Server, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect to the app");
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n");
    if method != "GET" {
        head.push_str("Content-Length: 0\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    write!(stream, "{head}\r\n").unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read the response");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete HTTP response");
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap();
    let mut headers: HashMap<String, Vec<String>> = HashMap::new();
    for line in lines {
        let (name, value) = line.split_once(':').unwrap();
        headers.entry(name.trim().to_ascii_lowercase()).or_default().push(value.trim().to_string());
    }
    Response { status, headers, body: body.to_string() }
}

/// What must hold both before and after the tool ran: routes and sessions work, shapers
/// still shape static responses, protected files stay protected.
fn check_behaviour(app: &App, server: &Server, stage: &str) {
    let name = format!("{} ({stage})", app.dir);
    let asset = get(server, app.asset, None);
    assert_eq!(asset.status, 200, "{name}: static file");
    assert!(asset.body.contains("rebeccapurple"), "{name}: static body");
    if let Some((header, value)) = app.shaper_header {
        assert_eq!(asset.header(header), Some(value), "{name}: {header} on the static response");
    }

    let routes = app.routes;
    let login = get(server, &format!("{routes}/login"), None);
    assert_eq!(login.status, 200, "{name}: /login");
    let cookie = login.cookie().unwrap_or_else(|| panic!("{name}: /login must create a session"));
    let me = format!("{routes}/me");
    assert_eq!(get(server, &me, Some(&cookie)).body, "alice", "{name}: the session carries the user");
    assert_eq!(get(server, &me, None).body, "nobody", "{name}: no cookie, no user");

    if let Some(path) = app.protected {
        let anonymous = get(server, path, None);
        assert_eq!(anonymous.status, 401, "{name}: {path} without a login");
        assert!(!anonymous.body.contains("top secret"), "{name}: {path} leaked");
        let member = get(server, path, Some(&cookie));
        assert_eq!(member.status, 200, "{name}: {path} with a login");
        assert!(member.body.contains("top secret"));
    }

    if app.flash {
        let set = get(server, &format!("{routes}/flash/set"), None);
        assert_eq!(set.status, 200, "{name}: /flash/set");
        let cookie = set.cookie().unwrap_or_else(|| panic!("{name}: a flash message needs a session"));
        let show = format!("{routes}/flash/show");
        assert_eq!(get(server, &show, Some(&cookie)).body, "profile saved", "{name}: the flash message");
        assert_eq!(get(server, &show, Some(&cookie)).body, "none", "{name}: a flash message is shown once");
        assert_eq!(get(server, &show, None).body, "none", "{name}: no cookie, no flash message");
    }

    if app.csrf {
        let token = get(server, &format!("{routes}/csrf/token"), Some(&cookie));
        assert_eq!(token.status, 200, "{name}: /csrf/token");
        assert!(!token.body.is_empty(), "{name}: a CSRF token");
        let check = format!("{routes}/csrf/check");
        let without = request(server, "POST", &check, &[("Cookie", &cookie)]);
        assert_eq!(without.status, 403, "{name}: a POST without the CSRF token");
        let with = request(server, "POST", &check, &[("Cookie", &cookie), ("X-CSRF-Token", &token.body)]);
        assert_eq!(with.status, 200, "{name}: a POST with the CSRF token");
        assert_eq!(with.body, "accepted", "{name}: a POST with the CSRF token");
    }

    if app.method_override {
        let overridden = request(server, "POST", app.asset, &[("X-HTTP-Method-Override", "GET")]);
        assert_eq!(overridden.status, 200, "{name}: a POST overridden to GET reaches static");
        assert!(overridden.body.contains("rebeccapurple"), "{name}: a POST overridden to GET reaches static");
        assert_eq!(request(server, "POST", app.asset, &[]).status, 404, "{name}: a plain POST of the asset");
    }

    if app.session_store {
        let store = format!("{routes}/store");
        assert_eq!(
            get(server, &store, Some(&cookie)).body,
            "shared",
            "{name}: req.sessionStore is the store"
        );
    }

    if app.locals_user {
        let whoami = format!("{routes}/whoami");
        assert_eq!(get(server, &whoami, Some(&cookie)).body, "alice", "{name}: res.locals carries the user");
        assert_eq!(get(server, &whoami, None).body, "nobody", "{name}: no cookie, no user in res.locals");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// An app copied into a temporary project with the runtime's node_modules.
struct Staged<'a> {
    name: &'static str,
    app: &'a App,
    project: Project,
    original: String,
}

impl Staged<'_> {
    fn entry(&self) -> PathBuf {
        self.project.file(self.app.entry)
    }
}

fn stage<'a>(name: &'static str, app: &'a App, modules: &Path) -> Staged<'a> {
    let project = Project::new(&[]);
    copy_dir(&e2e_root().join("apps").join(app.dir), project.path());
    std::os::unix::fs::symlink(modules, project.file("node_modules")).unwrap();
    let original = project.read(app.entry);
    Staged { name, app, project, original }
}

/// Runs `f` and returns its panic message, if it panicked.
fn failure(f: impl FnOnce()) -> Option<String> {
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).err()?;
    Some(
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default(),
    )
}

/// Runs every app with the node_modules of the pinned runtime `tests/<runtime>`, named `label`:
/// all of them served by one Node process before the fix, then by one after it. Every app that
/// fails is reported, at the end.
fn run_all(apps: &[(&'static str, App)], runtime: &str, label: &str) {
    let modules = npm_ci(runtime);
    let staged: Vec<Staged> = apps.iter().map(|(name, app)| stage(name, app, &modules)).collect();
    let mut failures: Vec<String> = Vec::new();

    let entries: Vec<PathBuf> = staged.iter().map(Staged::entry).collect();
    let (host, servers) = start_all(&entries);
    let mut passed = Vec::new();
    for (s, server) in staged.iter().zip(&servers) {
        match failure(|| before(s.app, server, label)) {
            Some(why) => failures.push(format!("{}: {why}", s.name)),
            None => passed.push(s),
        }
    }
    drop(host);

    let mut fixed = Vec::new();
    for s in passed {
        match failure(|| fix(s)) {
            Some(why) => failures.push(format!("{}: {why}", s.name)),
            None => fixed.push(s),
        }
    }
    if !fixed.is_empty() {
        let entries: Vec<PathBuf> = fixed.iter().map(|s| s.entry()).collect();
        let (_host, servers) = start_all(&entries);
        for (s, server) in fixed.iter().zip(&servers) {
            if let Some(why) = failure(|| after(s.app, server, label)) {
                failures.push(format!("{}: {why}", s.name));
            }
        }
    }
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} apps failed under {label}:\n{}",
        failures.len(),
        apps.len(),
        failures.join("\n")
    );
}

/// Runs one app, on its own host, with the node_modules of `tests/<runtime>`.
fn run_in(app: App, runtime: &str, label: &str) {
    run_all(&[(app.dir, app)], runtime, label);
}

/// Before the fix: the bug shows, and the app works.
fn before(app: &App, server: &Server, label: &str) {
    let leaked = get(server, app.asset, None);
    assert!(leaked.cookie().is_some(), "{} under {label}: the bug must show before the fix", app.dir);
    check_behaviour(app, server, &format!("{label}, before"));
}

/// The tool's run on the app: it fixes the file, or refuses and leaves it alone.
fn fix(s: &Staged) {
    let out = s.project.run(&["--write"]);
    let fixed_source = s.project.read(s.app.entry);
    if s.app.fixed {
        let left_for_review = i32::from(s.app.partial);
        assert_eq!(out.status.code(), Some(left_for_review), "{}: {}", s.app.dir, stderr(&out));
        assert_ne!(fixed_source, s.original, "{}: the file must change", s.app.dir);
    } else {
        assert_eq!(out.status.code(), Some(1), "{}: {}", s.app.dir, stderr(&out));
        assert_eq!(fixed_source, s.original, "{}: a refused fix must not touch the file", s.app.dir);
    }
}

/// After the tool's run: static responses carry no cookie exactly when it fixed the app, and
/// the app still works.
fn after(app: &App, server: &Server, label: &str) {
    let asset = get(server, app.asset, None);
    assert_eq!(
        asset.cookie().is_none(),
        app.fixed,
        "{} under {label}: Set-Cookie on static after the run: {:?}",
        app.dir,
        asset.header("set-cookie")
    );
    check_behaviour(app, server, &format!("{label}, after"));
}

const HELMET: Option<(&str, &str)> = Some(("x-content-type-options", "nosniff"));
const XFRAME: Option<(&str, &str)> = Some(("x-frame-options", "SAMEORIGIN"));
const ASSET: &str = "/style.css";

/// The apps every pinned Express runs, each named for what it shows; all of one runtime's run
/// in one test, served by one Node process per stage.
macro_rules! e2e {
    ($($name:ident: $app:expr;)*) => {
        const APPS: &[(&str, App)] = &[$((stringify!($name), $app)),*];

        #[test]
        fn express4_apps() {
            run_all(APPS, "e2e/express4", "Express 4");
        }

        #[test]
        fn express5_apps() {
            run_all(APPS, "e2e/express5", "Express 5");
        }
    };
}

e2e! {
    lift_basic: App { dir: "lift-basic", entry: "server.js", fixed: true, shaper_header: None, protected: None, asset: ASSET, ..App::DEFAULT };
    sink_keeps_helmet_headers: App { dir: "sink-helmet", entry: "server.js", fixed: true, shaper_header: HELMET, protected: None, asset: ASSET, ..App::DEFAULT };
    lift_carries_helmet_past_passport: App { dir: "lift-helmet-passport", entry: "server.mjs", fixed: true, shaper_header: HELMET, protected: None, asset: ASSET, ..App::DEFAULT };
    class_field_receiver: App { dir: "class-receiver", entry: "server.js", fixed: true, shaper_header: None, protected: None, asset: ASSET, ..App::DEFAULT };
    router_receiver: App { dir: "router", entry: "server.js", fixed: true, shaper_header: None, protected: None, asset: ASSET, ..App::DEFAULT };
    guarded_static_stays_protected: App { dir: "protected-after-fix", entry: "server.js", fixed: true, shaper_header: None, protected: Some("/private/secret.txt"), asset: ASSET, ..App::DEFAULT };
    partial_fix_leaves_the_guarded_static: App { dir: "partial-guard", partial: true, protected: Some("/private/secret.txt"), asset: "/assets/style.css", ..App::DEFAULT };
    guard_blocks_the_move: App { dir: "blocked-guard", entry: "server.js", fixed: false, shaper_header: None, protected: Some("/private/secret.txt"), asset: ASSET, ..App::DEFAULT };
    cookie_session_lifted_over_inline_consumer: App { dir: "cookie-session-rolling", entry: "server.js", fixed: true, shaper_header: None, protected: None, asset: ASSET, ..App::DEFAULT };
    route_blocks_the_move: App { dir: "blocked-route", entry: "server.js", fixed: false, shaper_header: None, protected: None, asset: ASSET, ..App::DEFAULT };
    arguments_trade_places: App { dir: "arguments-reorder", entry: "server.js", fixed: true, shaper_header: None, protected: Some("/private/secret.txt"), asset: ASSET, ..App::DEFAULT };
    chain_links_trade_places: App { dir: "chain-reorder", entry: "server.js", fixed: true, shaper_header: None, protected: None, asset: ASSET, ..App::DEFAULT };
    static_in_an_if_moves_as_one: App { dir: "if-static", entry: "server.js", fixed: true, shaper_header: None, protected: None, asset: ASSET, ..App::DEFAULT };
    session_in_both_branches_of_an_if: App { dir: "session-both-branches", entry: "server.js", fixed: true, shaper_header: None, protected: None, asset: ASSET, ..App::DEFAULT };
    static_crosses_routes_on_other_paths: App { dir: "disjoint-routes", entry: "server.js", fixed: true, shaper_header: None, protected: None, asset: "/assets/style.css", ..App::DEFAULT };
    route_under_the_static_mount_blocks_the_move: App { dir: "blocked-overlapping-route", entry: "server.js", fixed: false, shaper_header: None, protected: Some("/assets/secret.txt"), asset: "/assets/style.css", ..App::DEFAULT };
    unknown_guard_blocks_the_move: App { dir: "blocked-unknown-guard", entry: "server.js", fixed: false, shaper_header: None, protected: Some("/private/secret.txt"), asset: ASSET, ..App::DEFAULT };
    assignment_of_the_directory_blocks_the_lift_so_the_session_sinks: App { dir: "blocked-binding", entry: "server.js", fixed: true, shaper_header: None, protected: None, asset: ASSET, ..App::DEFAULT };
    fallthrough_false_crosses_no_route: App { dir: "blocked-fallthrough-false", entry: "server.js", fixed: false, shaper_header: None, protected: None, asset: "/assets/style.css", ..App::DEFAULT };
    routing_setting_blocks_the_move: App { dir: "blocked-router-setting", entry: "server.js", fixed: false, shaper_header: None, protected: None, asset: ASSET, ..App::DEFAULT };
    guard_in_the_chain_blocks_the_reorder: App { dir: "blocked-chain-guard", entry: "server.js", fixed: false, shaper_header: None, protected: Some("/private/secret.txt"), asset: ASSET, ..App::DEFAULT };
    connect_flash_round_trips_after_the_lift: App { dir: "flash-connect", entry: "server.js", fixed: true, shaper_header: None, protected: None, asset: ASSET, flash: true, ..App::DEFAULT };
    express_messages_helper_renders_after_the_lift: App { dir: "flash-messages-helper", flash: true, ..App::DEFAULT };
    express_flash_renders_after_the_lift: App { dir: "flash-express", entry: "server.js", fixed: true, shaper_header: None, protected: None, asset: ASSET, flash: true, ..App::DEFAULT };
    home_made_flash_and_early_next_are_crossed: App { dir: "flash-home-made", fixed: true, flash: true, ..App::DEFAULT };
    lusca_csrf_stays_after_session_and_xframe_stays_on_static: App { dir: "lusca-csrf-xframe", entry: "server.js", fixed: true, shaper_header: XFRAME, protected: None, asset: ASSET, csrf: true, ..App::DEFAULT };
    method_override_blocks_the_move: App { dir: "method-override-refused", entry: "server.js", fixed: false, shaper_header: None, protected: None, asset: ASSET, method_override: true, ..App::DEFAULT };
    legacy_express_validator_is_crossed: App { dir: "validator-legacy", entry: "server.js", fixed: true, shaper_header: None, protected: None, asset: ASSET, ..App::DEFAULT };
    helper_from_a_local_module_lifted_over_local_consumers: App { dir: "multi-file", fixed: true, flash: true, ..App::DEFAULT };
    calls_that_cannot_reach_the_app_are_crossed: App { dir: "unreachable-calls", fixed: true, ..App::DEFAULT };
    res_locals_fillers_are_crossed_and_still_see_the_session: App { dir: "res-locals", fixed: true, locals_user: true, ..App::DEFAULT };
    app_stored_in_a_shared_module_blocks_the_move: App { dir: "blocked-shared-registry", fixed: false, protected: Some("/private/secret.txt"), ..App::DEFAULT };
    call_after_the_app_escaped_blocks_the_move: App { dir: "blocked-escaped-app", fixed: false, ..App::DEFAULT };
    static_branch_with_a_setting_and_a_shaper_lifts_whole: App { dir: "if-static-with-a-shaper", partial: true, ..App::DEFAULT };
    session_state_writers_are_crossed_and_keep_the_store: App { dir: "session-state-consumers", session_store: true, ..App::DEFAULT };
}

/// passport before 0.5 (`tests/e2e/passport04`: 0.4.1), whose `initialize()` copies the login
/// out of the session: the session sinks below static with it, and the login still holds.
#[test]
fn legacy_passport_initialize_sinks_with_the_session() {
    run_in(App { dir: "sink-passport-legacy", ..App::DEFAULT }, "e2e/passport04", "passport 0.4.1");
}

/// connect-roles 3.1.2 (`tests/e2e/connect-roles`), whose `middleware()` copies `req.user` into
/// `res.locals.user` when it runs: the session sinks below static with it and passport, and the
/// templates still see the login.
#[test]
fn connect_roles_middleware_sinks_with_the_session() {
    let app = App { dir: "sink-connect-roles", locals_user: true, ..App::DEFAULT };
    run_in(app, "e2e/connect-roles", "connect-roles 3.1.2");
}

/// Asset compilers (`tests/e2e/compilers`: stylus 0.64.0, less-middleware 3.1.0): each app's
/// stylesheet exists only as a source the compiler turns into `style.css` when it is asked
/// for, so the static serves it only while the compiler still runs first.
#[test]
fn asset_compilers_move_with_the_static_or_are_crossed_by_the_session() {
    let apps = [
        ("stylus_lifted_with_its_static", App { dir: "lift-stylus", locals_user: true, ..App::DEFAULT }),
        ("less_crossed_by_the_sinking_session", App { dir: "sink-less", ..App::DEFAULT }),
    ];
    run_all(&apps, "e2e/compilers", "stylus and less-middleware");
}

/// NestJS on Express (`tests/e2e/nest`: Nest 11, which runs on Express 5).
mod nest {
    use super::*;

    #[test]
    fn use_static_assets_lifted_over_a_global_pipe() {
        let app = App { dir: "nest-static", entry: "server.js", fixed: true, ..App::DEFAULT };
        run_in(app, "e2e/nest", "NestJS");
    }

    #[test]
    fn prefixed_static_assets_lifted_over_the_global_prefix() {
        let app = App {
            dir: "nest-static-prefix",
            entry: "server.js",
            fixed: true,
            asset: "/assets/style.css",
            routes: "/api",
            ..App::DEFAULT
        };
        run_in(app, "e2e/nest", "NestJS");
    }
}
