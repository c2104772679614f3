//! Classifies the middleware arguments of a `use` call: known packages, declared wrappers,
//! local modules and function middleware, with their mount scope.

use oxc_ast::ast::*;
use oxc_span::GetSpan;

use super::function;
use super::model::{Part, Risk, RiskWhy, SessionFacts};
use super::modules::{Exported, local_export};
use super::resolve::{MAX_HOPS, Resolver, Value};
use crate::knowledge::{Kind, Known, Origin, TABLE, Use, classify_made, classify_value};

/// The middleware of a `use` call, in the order Express runs them (arrays flattened).
pub(super) fn use_parts<'a>(resolver: &Resolver<'a, '_>, call: &CallExpression<'a>) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut args = call.arguments.iter().peekable();
    // The mount path's literal prefix; `None` for the root or a pattern.
    let mount = mount_argument(resolver, &mut args)
        .ok()
        .flatten()
        .filter(|m| !m.contains(['*', '?', '+', '(', ':']))
        .and_then(path_prefix);
    for arg in args {
        match arg.as_expression() {
            Some(expr) => flatten_middleware(resolver, expr, mount.as_deref(), &mut parts),
            None => parts.push(Part {
                kind: Kind::Unknown,
                what: "spread arguments".into(),
                span: arg.span(),
                refusal: None,
                scope: None,
                known: None,
                session: None,
            }),
        }
    }
    // A static behind a guard in the same call is deliberate: `use('/p', requireLogin, static)`.
    let mut guarded = false;
    for part in &mut parts {
        if part.kind == Kind::Static && guarded {
            part.kind = Kind::Guard;
            part.what = format!("{} behind a guard in the same call", part.what);
        }
        guarded |= matches!(part.kind, Kind::Guard | Kind::Unknown);
    }
    parts
}

/// Takes a `use` call's leading path argument, if it has one: `Ok(Some(path))` for a string
/// literal, `Ok(None)` for none (the root), `Err(())` for a template, a regex, an array or a
/// binding that holds a primitive (`const prefix = '/assets'`: a path whose value is not read).
pub(super) fn mount_argument<'s, 'a>(
    resolver: &Resolver<'a, '_>,
    args: &mut std::iter::Peekable<std::slice::Iter<'s, Argument<'a>>>,
) -> Result<Option<&'s str>, ()> {
    // A string or a number is never a function, so Express takes it as the mount path.
    let primitive = |a: &Argument<'_>| {
        matches!(a, Argument::Identifier(id)
            if resolver.symbol_of(id).is_some_and(|symbol| resolver.holds_primitive(symbol)))
    };
    match args.next_if(|a| is_path_argument(a) || primitive(a)) {
        Some(Argument::StringLiteral(s)) => Ok(Some(s.value.as_str())),
        Some(_) => Err(()),
        None => Ok(None),
    }
}

pub(super) fn is_path_argument(arg: &Argument<'_>) -> bool {
    match arg {
        Argument::StringLiteral(_) | Argument::TemplateLiteral(_) | Argument::RegExpLiteral(_) => true,
        // `root + 'admin/'`, `base + dir.route`: adding never makes a function, so a path.
        Argument::BinaryExpression(b) => is_concatenation(b),
        Argument::ArrayExpression(array) => array.elements.first().is_some_and(|e| {
            matches!(
                e,
                ArrayExpressionElement::StringLiteral(_)
                    | ArrayExpressionElement::TemplateLiteral(_)
                    | ArrayExpressionElement::RegExpLiteral(_)
            )
        }),
        _ => false,
    }
}

/// `x + y`: adding always makes a string or a number, never a function, so Express takes it
/// as the mount path (`app.use` treats a first argument that is not a function as a path).
fn is_concatenation(b: &BinaryExpression<'_>) -> bool {
    b.operator == BinaryOperator::Addition
}

pub(super) fn flatten_middleware<'a>(
    resolver: &Resolver<'a, '_>,
    expr: &Expression<'a>,
    mount: Option<&str>,
    parts: &mut Vec<Part>,
) {
    if let Expression::ArrayExpression(array) = expr.get_inner_expression() {
        for element in &array.elements {
            match element.as_expression() {
                Some(inner) => flatten_middleware(resolver, inner, mount, parts),
                None => parts.push(Part {
                    kind: Kind::Unknown,
                    what: "spread or hole in a middleware array".into(),
                    span: element.span(),
                    refusal: None,
                    scope: None,
                    known: None,
                    session: None,
                }),
            }
        }
        return;
    }
    parts.push(classify_middleware(resolver, expr, mount));
}

/// Classifies one middleware argument of a `use` call mounted at `mount`.
pub(super) fn classify_middleware<'a>(
    resolver: &Resolver<'a, '_>,
    expr: &Expression<'a>,
    mount: Option<&str>,
) -> Part {
    let span = expr.span();
    let mut refusal = None;
    let mut known = None;
    let mut answers_all = true;
    let (kind, what) = match resolver.resolve(expr, 0) {
        // `passport.authenticate('session')` restores the user from the session; any other
        // strategy may answer 401 (the table classes it as a guard).
        Value::Made(origin)
            if origin.module == "passport"
                && origin.path == ["authenticate"]
                && first_argument_is(expr, "session") =>
        {
            (Kind::Consumer, "passport.authenticate('session')".into())
        }
        Value::Made(origin) | Value::Module(origin)
            if let Some(declared) = resolver.config.lookup(&origin) =>
        {
            (declared.kind, format!("{} (declared at {})", origin.display(), declared.at))
        }
        // `require('./auth/passport').session()` where the module re-exports passport.
        Value::Made(origin) if resolver.is_local(&origin) => match resolver.reexported(&origin) {
            Some((module, path)) => {
                let package = path.iter().fold(Origin::new(&module), |o, p| o.with(p));
                match classify_made(&package) {
                    Some(class) => {
                        refusal = class.refusal;
                        known = Some(class.entry);
                        (
                            class.kind,
                            format!("{} (re-exported by local module {})", class.what, origin.module),
                        )
                    }
                    None => (Kind::Unknown, format!("middleware from {}", origin.display())),
                }
            }
            None => match local_export(&resolver.modules.lookup(origin.module), &origin) {
                Ok(Exported::Factory(verdict)) => {
                    refusal = verdict.refusal;
                    let name = origin.path.join(".");
                    (verdict.kind, format!("`{name}()` of local module {} ({})", origin.module, verdict.rule))
                }
                _ => (Kind::Unknown, format!("middleware from {}", origin.display())),
            },
        },
        Value::Made(origin) => match classify_made(&origin) {
            Some(class) => {
                refusal = class.refusal;
                known = Some(class.entry);
                let serve_static = matches!(
                    (origin.module, origin.path.as_slice()),
                    ("express", ["static"]) | ("serve-static", [])
                );
                answers_all = !(serve_static && falls_through(expr));
                (class.kind, class.what)
            }
            None => (Kind::Unknown, format!("middleware from {}", origin.display())),
        },
        Value::Module(origin) if let Some(class) = classify_value(&origin) => {
            refusal = class.refusal;
            known = Some(class.entry);
            (class.kind, class.what)
        }
        Value::Module(origin) if resolver.is_local(&origin) => {
            let name = if origin.path.is_empty() {
                "the export".to_string()
            } else {
                format!("`{}`", origin.path.join("."))
            };
            match local_export(&resolver.modules.lookup(origin.module), &origin) {
                Ok(Exported::Middleware(verdict)) => {
                    refusal = verdict.refusal;
                    (verdict.kind, format!("{name} of local module {} ({})", origin.module, verdict.rule))
                }
                Ok(Exported::Package { module, path }) => {
                    let package = path.iter().fold(Origin::new(&module), |o, p| o.with(p));
                    match classify_value(&package) {
                        Some(class) => {
                            refusal = class.refusal;
                            known = Some(class.entry);
                            (
                                class.kind,
                                format!("{} (re-exported by local module {})", class.what, origin.module),
                            )
                        }
                        None => (Kind::Unknown, format!("{name} of local module {}", origin.module)),
                    }
                }
                found if origin.path.is_empty() => {
                    let why =
                        found.err().filter(|e| !e.is_empty()).map(|e| format!("; {e}")).unwrap_or_default();
                    (Kind::Route, format!("local module {} (a router or middleware{why})", origin.module))
                }
                found => {
                    let why =
                        found.err().filter(|e| !e.is_empty()).map(|e| format!("; {e}")).unwrap_or_default();
                    (
                        Kind::Unknown,
                        format!("`{}` from local module {}{why}", origin.path.join("."), origin.module),
                    )
                }
            }
        }
        Value::Module(origin) => (Kind::Unknown, format!("{} used without being called", origin.display())),
        Value::Unknown => match expr.get_inner_expression() {
            Expression::FunctionExpression(f) => match &f.body {
                Some(body) => function_class(
                    "inline function",
                    function::classify(resolver.scoping, &f.params, &body.statements, resolver),
                    &mut refusal,
                ),
                None => (Kind::Unknown, "inline function middleware".into()),
            },
            Expression::ArrowFunctionExpression(f) => match &f.body {
                ArrowFunctionBody::FunctionBody(body) => function_class(
                    "inline function",
                    function::classify(resolver.scoping, &f.params, &body.statements, resolver),
                    &mut refusal,
                ),
                _ => (Kind::Unknown, "inline arrow function with an expression body".into()),
            },
            Expression::Identifier(id) => match resolver.function_of(id) {
                Some(f) => match &f.body {
                    Some(body) => function_class(
                        &format!("function `{}`", id.name),
                        function::classify(resolver.scoping, &f.params, &body.statements, resolver),
                        &mut refusal,
                    ),
                    None => (Kind::Unknown, format!("middleware `{}`", id.name)),
                },
                None => (Kind::Unknown, format!("middleware `{}`", id.name)),
            },
            _ => (Kind::Unknown, "unrecognised middleware".into()),
        },
    };
    let scope = mount.filter(|_| kind != Kind::Static || !answers_all).map(str::to_string);
    let session = (kind == Kind::Session).then(|| session_facts(resolver, expr));
    Part { kind, what, span, refusal, scope, known, session }
}

/// The risk a session registration puts on static responses, from its package and options,
/// and whether its middleware value is used elsewhere too.
fn session_facts<'a>(resolver: &Resolver<'a, '_>, expr: &Expression<'a>) -> SessionFacts {
    let mut shared = false;
    let mut made = expr.get_inner_expression();
    for _ in 0..MAX_HOPS {
        let Expression::Identifier(id) = made else { break };
        let Some(symbol) = resolver.symbol_of(id) else { break };
        shared |= resolver.scoping.get_resolved_references(symbol).count() > 1;
        match resolver.inits.get(&symbol) {
            Some(init) => made = init.get_inner_expression(),
            None => break,
        }
    }
    let (module, cookie_session) = match resolver.resolve(expr, 0) {
        Value::Made(origin) => (origin.module, origin.path.as_slice() == ["cookieSession"]),
        _ => ("", false),
    };
    let (risk, why) = match module {
        "express" | "connect" if cookie_session => (Risk::High, RiskWhy::NewSessionCookie),
        "express-session" => {
            let options = match made {
                Expression::CallExpression(call) => call.arguments.first().and_then(Argument::as_expression),
                _ => None,
            };
            express_session_risk(resolver, options)
        }
        "cookie-session" | "client-sessions" => (Risk::Lower, RiskWhy::WritesWhenChanged),
        "express-openid-connect" => (Risk::High, RiskWhy::Rolling),
        "express" => (Risk::High, RiskWhy::SaveUninitializedDefault),
        _ => (Risk::High, RiskWhy::OptionsUnreadable),
    };
    SessionFacts { risk, why, shared }
}

/// express-session: `saveUninitialized` (default true) or `rolling` means a cookie on static
/// responses; options the tool cannot read count as the worst case.
pub(super) fn express_session_risk<'a>(
    resolver: &Resolver<'a, '_>,
    options: Option<&Expression<'a>>,
) -> (Risk, RiskWhy) {
    let Some(mut options) = options else { return (Risk::High, RiskWhy::SaveUninitializedDefault) };
    if let Expression::Identifier(id) = options.get_inner_expression()
        && let Some(init) = resolver.symbol_of(id).and_then(|s| resolver.inits.get(&s))
    {
        options = init;
    }
    let Expression::ObjectExpression(object) = options.get_inner_expression() else {
        return (Risk::High, RiskWhy::OptionsUnreadable);
    };
    let mut save_uninitialized = None;
    let mut rolling = Some(false);
    for property in &object.properties {
        let ObjectPropertyKind::ObjectProperty(p) = property else {
            return (Risk::High, RiskWhy::OptionsUnreadable);
        };
        let value = match &p.value {
            Expression::BooleanLiteral(b) => Some(b.value),
            _ => None,
        };
        match p.key.static_name().as_deref() {
            Some("saveUninitialized") => save_uninitialized = Some(value),
            Some("rolling") => rolling = value,
            Some(_) => {}
            None => return (Risk::High, RiskWhy::OptionsUnreadable),
        }
    }
    match (save_uninitialized, rolling) {
        (_, Some(true)) => (Risk::High, RiskWhy::Rolling),
        (None, _) => (Risk::High, RiskWhy::SaveUninitializedDefault),
        (Some(Some(true)), _) => (Risk::High, RiskWhy::SaveUninitialized),
        (Some(None), _) | (_, None) => (Risk::High, RiskWhy::OptionsUnreadable),
        (Some(Some(false)), Some(false)) => (Risk::Lower, RiskWhy::Touches),
    }
}

/// The class of a middleware that function middleware hands the request to, when known.
impl<'a> function::Surroundings<'a> for Resolver<'a, '_> {
    fn forward(&self, callee: &Expression<'a>) -> Option<Kind> {
        match self.resolve(callee, 0) {
            Value::Made(origin) => classify_made(&origin).filter(|c| c.refusal.is_none()).map(|c| c.kind),
            Value::Module(origin) => classify_value(&origin).filter(|c| c.refusal.is_none()).map(|c| c.kind),
            Value::Unknown => None,
        }
    }

    fn is_pure_function(&self, callee: &Expression<'a>) -> bool {
        self.pure_function(callee).is_some()
    }

    fn helper(&self, callee: &Expression<'a>) -> Option<Kind> {
        match self.resolve(callee, 0) {
            Value::Module(origin) => TABLE.lookup(&origin, Use::Helper).map(Known::kind),
            _ => None,
        }
    }
}

/// Whether a static call passes on what it does not serve (`serve-static`'s default): called
/// with a directory only, or with an options object that does not set `fallthrough` (other
/// than to `true`).
pub(super) fn falls_through(expr: &Expression<'_>) -> bool {
    let Expression::CallExpression(call) = expr.get_inner_expression() else { return false };
    call_falls_through(call)
}

/// [`falls_through`] for a call: `express.static(dir[, options])`, and NestJS's
/// `useStaticAssets(dir[, options])`, which passes its options on to `express.static`.
pub(super) fn call_falls_through(call: &CallExpression<'_>) -> bool {
    match call.arguments.as_slice() {
        [_] => true,
        [_, Argument::ObjectExpression(options)] => options.properties.iter().all(|p| match p {
            ObjectPropertyKind::ObjectProperty(p) => {
                p.key.static_name().is_some_and(|k| k != "fallthrough")
                    || matches!(&p.value, Expression::BooleanLiteral(b) if b.value)
            }
            ObjectPropertyKind::SpreadProperty(_) => false,
        }),
        _ => false,
    }
}

/// The literal prefix of a route or mount path, lowercased and without a trailing `/`: up to
/// the first parameter or pattern character. `None` for `/` or an empty prefix (any path).
pub(super) fn path_prefix(path: &str) -> Option<String> {
    let end = path.find([':', '*', '?', '+', '(', ')', '[', ']', '{', '}', '\\']).unwrap_or(path.len());
    let prefix = path[..end].trim_end_matches('/').to_lowercase();
    (!prefix.is_empty()).then_some(prefix)
}

/// `(Consumer, "inline function: a function that only uses req.session ...")`.
/// A function middleware's class and what it is; its refusal, if any, goes to `refusal`.
pub(super) fn function_class(
    name: &str,
    verdict: function::Verdict,
    refusal: &mut Option<&'static str>,
) -> (Kind, String) {
    *refusal = verdict.refusal;
    (verdict.kind, format!("{name} ({})", verdict.rule))
}

pub(super) fn first_argument_is(expr: &Expression<'_>, value: &str) -> bool {
    match expr.get_inner_expression() {
        Expression::CallExpression(call) => {
            matches!(call.arguments.first(), Some(Argument::StringLiteral(s)) if s.value.as_str() == value)
        }
        _ => false,
    }
}
