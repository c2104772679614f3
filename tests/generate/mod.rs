//! Generates Express setup files from a stream of choices, and checks a fix against an oracle
//! that knows what every generated statement is. Shared by the property tests and the fuzzer
//! (`fuzz/fuzz_targets/pipeline.rs` includes this file).
//!
//! Every statement is one line ending in `// #<id>`, so its position can be followed through a
//! fix without parsing.

use oxc_span::SourceType;
use static_first::config::Config;
use static_first::error::FileError;
use static_first::parse::arena::Arena;
use static_first::pipeline::fix_text;
use static_first::source::Source;

/// What a generated statement is, for the oracle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Session,
    /// Static middleware; `Some(n)` when it serves the directory held in binding `dN`.
    Static(Option<u8>),
    /// Static middleware mounted at `/assets<id>`: it may cross routes on other paths.
    Mounted,
    /// A route on `/r<id>`: disjoint from every mounted static, a barrier to everything else.
    Route,
    /// A route on `/late<id>` whose handler registers static middleware at `/late<id>` when it
    /// runs: an unmovable static, crossed like a route (a mounted static may pass it).
    LateStatic,
    Consumer,
    Shaper,
    Inert,
    /// `const dN = ...` or `dN = ...`.
    Binding(u8),
    /// Guards, routes, rewriters, routing settings, unknown code: nothing may cross them.
    Barrier,
    /// A call that cannot reach the app (`db.connect(...)` before the app escaped): inert for
    /// ordering, but it may change any value it can reach, such as the `let` bindings `dN`.
    Opaque,
    /// A comment line: it belongs to the next statement.
    Comment,
}

/// A generated file and the class of each statement id.
#[derive(Debug, Clone)]
pub struct Generated {
    pub text: String,
    pub classes: Vec<Class>,
    /// Which app each id registers on (`app` 0, `other` 1); `None` for bindings and comments.
    pub apps: Vec<Option<u8>>,
}

const HEADER: &[&str] = &[
    "const express = require('express');",
    "const session = require('express-session');",
    "const helmet = require('helmet');",
    "const passport = require('passport');",
    "const flash = require('connect-flash');",
    "const history = require('connect-history-api-fallback');",
    "const { ensureLoggedIn } = require('connect-ensure-login');",
    "const db = require('mongoose');",
    "const registry = require('app-registry');",
    "const settings = { flags: {} };",
    "function sessionHelper(app) { app.use(session({ secret: 'h' })); }",
    "function assetsHelper(app) { app.use(express.static('h')); }",
];

/// Builds a file from `choices` (any bytes; the stream repeats its last byte when it runs out).
pub fn generate(choices: &[u8]) -> Generated {
    let mut bytes = choices.iter().copied();
    let mut next = move || bytes.next().unwrap_or(0);
    let flags = next();
    let crlf = flags & 1 != 0;
    let semicolons = flags & 2 == 0;
    let wrapped = flags & 4 != 0;
    let indent = if flags & 8 != 0 { "\t" } else { "  " };
    // A second app in the same list: its registrations are inert to the first one's.
    let two_apps = !wrapped && flags & 16 != 0;
    let count = (next() % 14) as usize + 2;

    let semi = if semicolons { ";" } else { "" };
    let mut lines: Vec<String> = HEADER
        .iter()
        .map(|l| if semicolons { l.to_string() } else { l.trim_end_matches(';').to_string() })
        .collect();
    let mut body = Vec::new();
    let mut classes = Vec::new();
    let mut apps: Vec<Option<u8>> = Vec::new();
    // `let` bindings exist from the start so that assignments are valid anywhere.
    for n in 0..3 {
        lines.push(format!("let d{n} = 'public{n}'{semi}"));
    }
    if !wrapped {
        lines.push(format!("const app = express(){semi}"));
    }
    if two_apps {
        lines.push(format!("const other = express(){semi}"));
    }
    // Which app the next registration is on, and the code moved onto it.
    let pick_app = |next: &mut dyn FnMut() -> u8| if two_apps { next() % 2 } else { 0 };
    let on = |app: u8, code: String| if app == 1 { code.replace("app.", "other.") } else { code };
    // Once the app escapes (handed to a call, captured by a callback handed away), any later
    // call may reach it.
    let mut escaped = wrapped;
    let mut id = 0;
    while id < count {
        let pick = next();
        if pick % 20 >= 18 {
            // An `if` with a side-effect-free test: static only (moves as one unit), session in
            // both branches (one session registration), or session and static in exclusive
            // branches (a statement nothing may cross).
            let spacer = next();
            if spacer % 5 == 0 {
                body.push(String::new());
            }
            let (first, second) = match next() % 3 {
                0 => (Class::Static(None), None),
                1 => (Class::Session, Some(Class::Session)),
                _ => (Class::Barrier, Some(Class::Barrier)),
            };
            let code = |class: Class, slot: usize, id: usize| match (class, slot) {
                (Class::Static(_), _) | (Class::Barrier, 1) => {
                    format!("app.use(express.static('dir{id}')){semi}")
                }
                _ => format!("app.use(session({{ secret: 's{id}' }})){semi}"),
            };
            let app = pick_app(&mut next);
            body.push(format!("if (settings.flags.f{id} === 'on') {{"));
            body.push(format!("{indent}{} // #{id}", on(app, code(first, 0, id))));
            classes.push(first);
            apps.push(Some(app));
            id += 1;
            if let Some(second) = second {
                body.push("} else {".into());
                body.push(format!("{indent}{} // #{id}", on(app, code(second, 1, id))));
                classes.push(second);
                apps.push(Some(app));
                id += 1;
            }
            body.push("}".into());
            continue;
        }
        if pick % 20 >= 16 {
            // One `use` call with several middleware, one per line, each with its id before it.
            let args = (next() % 3) as usize + 2;
            let spacer = next();
            if spacer % 5 == 0 {
                body.push(String::new());
            }
            let app = pick_app(&mut next);
            body.push(on(app, "app.use(".into()));
            let mut guarded = false;
            for _ in 0..args {
                let (mut class, code) = match next() % 7 {
                    0 | 1 => (Class::Session, format!("session({{ secret: 's{id}' }})")),
                    2 | 3 => (Class::Static(None), format!("express.static('dir{id}')")),
                    4 => (Class::Consumer, "passport.session()".to_string()),
                    5 => (Class::Shaper, "helmet()".to_string()),
                    _ => (Class::Barrier, "ensureLoggedIn('/login')".to_string()),
                };
                // A static behind a guard in the same call is deliberate: Express protects it.
                if guarded && matches!(class, Class::Static(_)) {
                    class = Class::Barrier;
                }
                guarded |= class == Class::Barrier;
                classes.push(class);
                apps.push(Some(app));
                body.push(format!("{indent}/* #{id} */ {code},"));
                id += 1;
            }
            body.push(format!("){semi}"));
            continue;
        }
        let (class, code) = match pick % 23 {
            16 => {
                (if escaped { Class::Barrier } else { Class::Opaque }, format!("db.connect('u{id}'){semi}"))
            }
            17 if !two_apps => {
                escaped = true;
                (Class::Barrier, format!("db.on('open', () => app.use(helmet())){semi}"))
            }
            18 => (
                Class::Consumer,
                format!("app.use((req, res, next) => {{ res.locals.u{id} = req.user; next(); }}){semi}"),
            ),
            19 => (
                Class::Inert,
                format!(
                    "app.use((req, res, next) => {{ res.locals.p{id} = req.path.startsWith('/a'); next(); }}){semi}"
                ),
            ),
            20 if !two_apps => {
                escaped = true;
                (Class::Session, format!("sessionHelper(app){semi}"))
            }
            21 if !two_apps => {
                escaped = true;
                (Class::Static(None), format!("assetsHelper(app){semi}"))
            }
            // Stored in an object a package handed out: whoever else holds it reaches the app.
            22 if !two_apps => {
                escaped = true;
                (Class::Inert, format!("registry.app = app{semi}"))
            }
            0 | 1 => (Class::Session, format!("app.use(session({{ secret: 's{id}' }})){semi}")),
            2 | 3 if next() % 2 == 0 => {
                (Class::Static(None), format!("app.use(express.static('dir{id}')){semi}"))
            }
            2 | 3 => (Class::Mounted, format!("app.use('/assets{id}', express.static('dir{id}')){semi}")),
            4 => {
                let n = next() % 3;
                (Class::Static(Some(n)), format!("app.use(express.static(d{n})){semi}"))
            }
            5 => (Class::Consumer, format!("app.use(passport.session()){semi}")),
            6 => (Class::Consumer, format!("app.use(flash()){semi}")),
            7 => (Class::Shaper, format!("app.use(helmet()){semi}")),
            8 => (Class::Inert, format!("app.use(express.json()){semi}")),
            9 => (Class::Inert, format!("app.set('view engine', 'v{id}'){semi}")),
            10 => {
                let n = next() % 3;
                (Class::Binding(n), format!("d{n} = 'other{id}'{semi}"))
            }
            11 if id % 3 == 2 => (
                Class::LateStatic,
                format!(
                    "app.get('/late{id}', (req, res) => {{ app.use('/late{id}', express.static('late{id}')); res.end(); }}){semi}"
                ),
            ),
            11 => (Class::Route, format!("app.get('/r{id}', (req, res) => res.end()){semi}")),
            12 => (Class::Barrier, format!("app.use(ensureLoggedIn('/login')){semi}")),
            13 => (Class::Barrier, format!("app.use(history()){semi}")),
            14 => (Class::Barrier, format!("app.use((req, res, next) => next()){semi}")),
            _ => (Class::Comment, format!("// note {id}")),
        };
        let shared = matches!(class, Class::Binding(_) | Class::Comment);
        let app = if shared { None } else { Some(pick_app(&mut next)) };
        let code = on(app.unwrap_or(0), code);
        classes.push(class);
        apps.push(app);
        let spacer = next();
        if spacer % 5 == 0 {
            body.push(String::new());
        }
        body.push(if class == Class::Comment { format!("{code} #{id}") } else { format!("{code} // #{id}") });
        id += 1;
    }
    if wrapped {
        lines.push("module.exports = function (app) {".into());
        lines.extend(body.into_iter().map(|l| if l.is_empty() { l } else { format!("{indent}{l}") }));
        lines.push("}".into());
    } else {
        lines.extend(body);
    }
    let newline = if crlf { "\r\n" } else { "\n" };
    let mut text = lines.join(newline);
    text.push_str(newline);
    Generated { text, classes, apps }
}

/// The statement ids in the order their lines appear.
fn order(text: &str) -> Vec<usize> {
    let id = |after: &str| after.split(|c: char| !c.is_ascii_digit()).next().and_then(|d| d.parse().ok());
    text.lines().filter_map(|line| line.rsplit_once('#').and_then(|(_, after)| id(after))).collect()
}

/// Whether two statements may change their relative order: the crossing table, written
/// independently of the planner. `mutated[n]`: the file assigns `dN` somewhere (a `let` that
/// is never assigned keeps its literal, which no call can change).
fn may_swap(a: Class, b: Class, mutated: [bool; 3]) -> bool {
    use Class::*;
    match (a, b) {
        (Route | LateStatic, Mounted) | (Mounted, Route | LateStatic) => return true,
        (Route | LateStatic, _) | (_, Route | LateStatic) => return false,
        _ => {}
    }
    let unmounted = |c: Class| if c == Mounted { Static(None) } else { c };
    match (unmounted(a), unmounted(b)) {
        (Barrier, _) | (_, Barrier) | (Comment, _) | (_, Comment) => false,
        (Static(Some(n)), Binding(m)) | (Binding(m), Static(Some(n))) => n != m,
        // An opaque call may change an assigned `let` binding: what a binding statement or a
        // static serving `dN` reads.
        (Opaque, Binding(_)) | (Binding(_), Opaque) => false,
        (Opaque, Static(Some(n))) | (Static(Some(n)), Opaque) => !mutated[usize::from(n)],
        (Binding(_), Binding(_)) => false,
        (Static(_), Static(_)) | (Session, Session) | (Shaper, Shaper) | (Consumer, Consumer) => false,
        (Static(_), Shaper) | (Shaper, Static(_)) => false,
        (Session, Consumer) | (Consumer, Session) => false,
        _ => true,
    }
}

/// Runs the pipeline on `text` and returns the fixed text, if any, and how many findings were
/// fixable. Panics on any internal failure: a fix that failed its own check is a bug.
pub fn run(text: &str, source_type: SourceType) -> Result<(Option<String>, usize), FileError> {
    run_counting(text, source_type).map(|(fixed, fixable, _, _)| (fixed, fixable))
}

/// Like `run`, and also counts the findings left for review and the fixes that are partial.
pub fn run_counting(
    text: &str,
    source_type: SourceType,
) -> Result<(Option<String>, usize, usize, usize), FileError> {
    thread_local! {
        static ARENA: std::cell::RefCell<Arena> = std::cell::RefCell::new(Arena::for_sources_up_to(4096).expect("64 MiB of address space"));
    }
    let outcome = ARENA.with_borrow_mut(|arena| {
        fix_text(
            arena,
            Source::new(text),
            source_type,
            &Config::default(),
            &static_first::detect::NoModules,
            true,
        )
    });
    if let Some(error) = outcome.error {
        return Err(error);
    }
    let count = |fixable: bool| outcome.findings.iter().filter(|f| f.is_fixable() == fixable).count();
    let partial = outcome.findings.iter().filter(|f| f.is_fixable() && !f.plan.stayed.is_empty()).count();
    Ok((outcome.fixed, count(true), count(false), partial))
}

/// Which `let` bindings `dN` the file assigns somewhere.
fn mutated(generated: &Generated) -> [bool; 3] {
    let mut mutated = [false; 3];
    for class in &generated.classes {
        if let Class::Binding(n) = class {
            mutated[usize::from(*n)] = true;
        }
    }
    mutated
}

/// Whether statements `a` and `b` may change their relative order: registrations on different
/// apps always may; two statics mounted at `/assets<a>` and `/assets<b>` serve no path in
/// common when neither mount is a prefix of the other, so a partial fix may lift one past the
/// other; everything else as [`may_swap`] says.
fn may_cross(generated: &Generated, a: usize, b: usize, mutated: [bool; 3]) -> bool {
    let (ca, cb) = (generated.classes[a], generated.classes[b]);
    let other_apps = matches!((generated.apps[a], generated.apps[b]), (Some(x), Some(y)) if x != y);
    let (x, y) = (format!("/assets{a}"), format!("/assets{b}"));
    let apart = !x.starts_with(&y) && !y.starts_with(&x);
    other_apps || may_swap(ca, cb, mutated) || (ca == Class::Mounted && cb == Class::Mounted && apart)
}

/// A static statement left after a session on its app (by a partial fix, or with no fix)
/// could not have moved: between the first session and it lies something it may not cross.
/// Decided from the classes alone; statics inside a call with other middleware are left out.
fn stayed_statics_were_blocked(generated: &Generated, result: &str) {
    let text = &generated.text;
    let mutated = mutated(generated);
    let may_cross = |a: usize, b: usize| may_cross(generated, a, b, mutated);
    let line = |id: usize| result.lines().find(|l| order(l) == [id]).unwrap_or_default();
    let in_a_call = |id: usize| line(id).trim().starts_with("/*");
    // Where the planner's finding starts: the first statement holding a session registration,
    // also inside an `if` whose other branch registers static middleware.
    let holds_session = |id: usize| line(id).contains("session({") || line(id).contains("sessionHelper(");
    // Which statement each id belongs to: a call with one middleware per line, and an `if`,
    // are one statement each.
    let mut statement = vec![0; generated.classes.len()];
    let (mut current, mut open) = (0, false);
    for l in result.lines().map(str::trim) {
        if l.starts_with("if (") || l.ends_with(".use(") {
            (current, open) = (current + 1, true);
        } else if l == "}" || l.starts_with(')') {
            open = false;
        } else if let [id] = order(l)[..] {
            if !open {
                current += 1;
            }
            statement[id] = current;
        }
    }
    let mut first_session: [Option<usize>; 2] = [None; 2];
    let after = order(result);
    for (at, &id) in after.iter().enumerate() {
        let app = usize::from(generated.apps[id].unwrap_or(0));
        match generated.classes[id] {
            _ if holds_session(id) && first_session[app].is_none() => {
                first_session[app] = after.iter().position(|&x| statement[x] == statement[id]);
            }
            Class::Static(_) | Class::Mounted if !in_a_call(id) => {
                let Some(from) = first_session[app] else { continue };
                let blocked = after[from..at]
                    .iter()
                    .filter(|&&x| generated.classes[x] != Class::Comment)
                    .any(|&x| !may_cross(id, x));
                assert!(
                    blocked,
                    "static #{id} stayed after a session with nothing in its way:\n{text}\n---\n{result}"
                );
            }
            _ => {}
        }
    }
}

/// Checks every invariant on one generated file; panics with a description when one fails.
pub fn check(generated: &Generated) {
    let text = &generated.text;
    let source_type = SourceType::cjs();
    let (fixed, fixable, reviews, _) = match run_counting(text, source_type) {
        Ok(result) => result,
        Err(e) => panic!("the pipeline failed: {e}\n{text}"),
    };
    let result = fixed.as_deref().unwrap_or(text);
    stayed_statics_were_blocked(generated, result);
    let Some(fixed) = fixed else {
        assert_eq!(fixable, 0, "fixable findings but no change:\n{text}");
        return;
    };

    // The fixed text is a permutation of the input's lines (blank lines aside).
    let lines = |t: &str| {
        let mut l: Vec<String> = t.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
        l.sort();
        l
    };
    assert_eq!(lines(text), lines(&fixed), "lines were lost or changed:\n{text}\n---\n{fixed}");
    assert_eq!(text.contains('\r'), fixed.contains('\r'), "line endings changed");

    // Nothing forbidden was crossed.
    let before = order(text);
    let after = order(&fixed);
    let position = |ids: &[usize], id: usize| ids.iter().position(|&x| x == id).unwrap();
    let statements: Vec<usize> =
        before.iter().copied().filter(|&id| generated.classes[id] != Class::Comment).collect();
    let mutated = mutated(generated);
    let may_cross = |a: usize, b: usize| may_cross(generated, a, b, mutated);
    for (i, &a) in statements.iter().enumerate() {
        for &b in &statements[i + 1..] {
            let swapped = position(&after, a) > position(&after, b);
            let (ca, cb) = (generated.classes[a], generated.classes[b]);
            assert!(
                !swapped || may_cross(a, b),
                "#{a} ({ca:?}) and #{b} ({cb:?}) swapped:\n{text}\n---\n{fixed}"
            );
        }
    }

    // Unless a finding is left for review (a call's arguments fixed, its statement blocked),
    // no static registration still follows a session registration.
    let mut seen_session = [false; 2];
    for &id in after.iter().filter(|_| reviews == 0) {
        let app = usize::from(generated.apps[id].unwrap_or(0));
        match generated.classes[id] {
            Class::Session => seen_session[app] = true,
            Class::Static(_) | Class::Mounted => {
                assert!(!seen_session[app], "static #{id} still follows a session on its app:\n{fixed}")
            }
            _ => {}
        }
    }

    // The output parses and a second run changes nothing.
    match run(&fixed, source_type) {
        Ok((None, 0)) => {}
        Ok(other) => panic!("a second run changed more ({other:?}):\n{fixed}"),
        Err(e) => panic!("the fixed text fails: {e}\n{fixed}"),
    }
}
