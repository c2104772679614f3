//! Reads the body of a function used as middleware (inline, or declared in the same file) to
//! classify it: a session consumer, a response shaper, a guard, or unknown.
//!
//! The rules are strict on purpose; anything they do not recognise is unknown, which blocks
//! every move.

use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_semantic::Scoping;
use oxc_syntax::scope::ScopeFlags;
use oxc_syntax::symbol::SymbolId;

use crate::knowledge::Kind;

/// What the rules need to know about the file around a function.
pub trait Surroundings<'a> {
    /// The class of a middleware a path of the function hands the request to (`lusca.csrf()`
    /// in `lusca.csrf()(req, res, next)`), when it is known.
    fn forward(&self, callee: &Expression<'a>) -> Option<Kind>;
    /// Whether `callee` names a function of this file or of a local module that only computes
    /// a value from its arguments ([`is_pure_function`]), so calling it cannot touch the request.
    fn is_pure_function(&self, callee: &Expression<'a>) -> bool;
    /// The class of a package export that, called with the request and the response, only
    /// makes a template helper (`require('express-messages')(req, res)`), when it is known.
    fn helper(&self, callee: &Expression<'a>) -> Option<Kind>;
}

/// The class of a middleware function, the rule that decided it, and why no move may involve
/// it when none may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub kind: Kind,
    pub rule: &'static str,
    pub refusal: Option<&'static str>,
}

impl Verdict {
    const fn new(kind: Kind, rule: &'static str) -> Self {
        Verdict { kind, rule, refusal: None }
    }
}

/// Classifies a middleware function by its body.
pub fn classify<'a>(
    scoping: &Scoping,
    params: &FormalParameters<'a>,
    statements: &[Statement<'a>],
    around: &dyn Surroundings<'a>,
) -> Verdict {
    let param = |i: usize| match params.items.get(i).map(|p| &p.pattern) {
        Some(BindingPattern::BindingIdentifier(id)) => id.symbol_id.get(),
        _ => None,
    };
    let (Some(req), Some(res), Some(next)) = (param(0), param(1), param(2)) else {
        return Verdict::new(Kind::Unknown, "a function that does not take (req, res, next)");
    };
    if params.items.len() != 3 || params.rest.is_some() {
        return Verdict::new(Kind::Unknown, "a function with an unusual signature (an error handler?)");
    }
    let mut reader = Reader {
        scoping,
        req,
        res,
        next,
        session: false,
        sets_headers: false,
        ends_response: false,
        next_with_error: false,
        exits: false,
        other: None,
        forwards_session: false,
        plain_locals: Vec::new(),
        around,
    };
    if statements.is_empty() {
        return Verdict::new(Kind::Guard, "a function that never calls next()");
    }
    // Every path must end by calling `next()` once (or handing the request on) and leaving.
    let ends_with_next = reader.ends_all(statements, true);
    if reader.forwards_session {
        let only = !(reader.ends_response
            || reader.next_with_error
            || reader.exits
            || !ends_with_next
            || reader.other.is_some()
            || reader.sets_headers
            || reader.session);
        return match only {
            true => Verdict::new(Kind::Session, SESSION_OR_NEXT),
            false => {
                Verdict { refusal: Some(CANNOT_SEPARATE), ..Verdict::new(Kind::Session, SESSION_AND_MORE) }
            }
        };
    }
    if reader.ends_response || reader.next_with_error || reader.exits || !ends_with_next {
        return Verdict::new(Kind::Guard, "a function that may end the response instead of calling next()");
    }
    if let Some(rule) = reader.other {
        return Verdict::new(Kind::Unknown, rule);
    }
    match (reader.session, reader.sets_headers) {
        (false, true) => Verdict::new(Kind::Shaper, "a function that sets headers and always calls next()"),
        (true, false) => Verdict::new(
            Kind::Consumer,
            "a function that only uses the session, reads the request or fills res.locals, and always calls next()",
        ),
        (false, false) => Verdict::new(
            Kind::Inert,
            "a function that only reads the request or fills res.locals, and always calls next()",
        ),
        (true, true) => Verdict::new(Kind::Unknown, "a function that uses the session and sets headers"),
    }
}

/// A function whose every path hands the request to session middleware or calls `next()`:
/// a session registration (on the requests it picks).
const SESSION_OR_NEXT: &str = "a function that hands requests to session middleware or calls next()";

/// A function that hands some requests to session middleware and does more besides: it
/// registers session, and no move may involve it.
const SESSION_AND_MORE: &str = "a function that hands some requests to session middleware and does more";

/// Why no move may involve such a function.
const CANNOT_SEPARATE: &str =
    "it runs session middleware on some requests and does more on them, which the tool cannot separate";

/// What a function body does with `req`, `res` and `next`.
struct Reader<'s, 'a> {
    scoping: &'s Scoping,
    req: SymbolId,
    res: SymbolId,
    next: SymbolId,
    /// Uses `req.session` or `req.user`.
    session: bool,
    sets_headers: bool,
    ends_response: bool,
    next_with_error: bool,
    /// `return`, `throw`, `await`, `yield`, loops with `break`: paths that may skip next().
    exits: bool,
    /// Anything else (other calls, other uses of req/res/next, nested functions): the rule
    /// of the first met.
    other: Option<&'static str>,
    /// Hands the request to session middleware on some path: `session(opts)(req, res, next)`.
    forwards_session: bool,
    /// Constants declared in the function with a plain value (`const to = req.originalUrl`).
    plain_locals: Vec<SymbolId>,
    around: &'s dyn Surroundings<'a>,
}

impl<'s, 'a> Reader<'s, 'a> {
    /// Records something the rules do not recognise (the first one names the rule).
    fn cannot_read(&mut self, rule: &'static str) {
        self.other.get_or_insert(rule);
    }

    /// Whether every path through `statements` ends by calling `next()` (or handing the
    /// request to a known middleware) and leaving the function, reading what comes before on
    /// each path. `tail`: nothing follows these statements in the function, so a final
    /// `next();` leaves it. Paths that end otherwise are recorded in the flags as they are met.
    fn ends_all(&mut self, statements: &[Statement<'a>], tail: bool) -> bool {
        for (i, stmt) in statements.iter().enumerate() {
            let last = i + 1 == statements.len();
            // `next(); return;`
            if self.is_next_call(stmt)
                && matches!(statements.get(i + 1), Some(Statement::ReturnStatement(r)) if r.argument.is_none())
            {
                return true;
            }
            if self.ends(stmt, tail && last) {
                return true;
            }
        }
        false
    }

    /// Whether every path through `stmt` ends by calling `next()` and leaving (see
    /// [`Reader::ends_all`]); what it does not recognise is read for its effects.
    fn ends(&mut self, stmt: &Statement<'a>, tail: bool) -> bool {
        match stmt {
            Statement::ReturnStatement(r) => match &r.argument {
                Some(e) if self.is_next(e) || self.forwards(e) => true,
                _ => {
                    self.visit_statement(stmt);
                    true
                }
            },
            Statement::ExpressionStatement(e)
                if self.is_next(&e.expression) || self.forwards(&e.expression) =>
            {
                if !tail {
                    // The function goes on after handing the request on: a second call of
                    // next() may follow.
                    self.cannot_read("a function that goes on after calling next(), so it may call it twice");
                }
                tail
            }
            Statement::BlockStatement(block) => self.ends_all(&block.body, tail),
            Statement::IfStatement(branching) => {
                self.visit_expression(&branching.test);
                let consequent = self.ends(&branching.consequent, tail);
                let alternate = branching.alternate.as_ref().is_some_and(|a| self.ends(a, tail));
                consequent && alternate
            }
            _ => {
                self.visit_statement(stmt);
                false
            }
        }
    }

    /// `lusca.csrf()(req, res, next)`: the request handed to a known middleware, whose class
    /// then counts as the function's own on that path.
    fn forwards(&mut self, expr: &Expression<'a>) -> bool {
        let Expression::CallExpression(call) = expr.get_inner_expression() else { return false };
        let passes = |i: usize, symbol: SymbolId| self.passes(call, i, symbol);
        if call.arguments.len() != 3 || !passes(0, self.req) || !passes(1, self.res) || !passes(2, self.next)
        {
            return false;
        }
        match self.around.forward(&call.callee) {
            Some(Kind::Inert) => {}
            Some(Kind::Consumer) => self.session = true,
            Some(Kind::Shaper) => self.sets_headers = true,
            Some(Kind::Guard) => self.ends_response = true,
            Some(Kind::Session) => self.forwards_session = true,
            _ => self.cannot_read("a function that hands the request to a middleware the tool does not know"),
        }
        true
    }

    /// Whether the call's argument `i` is the parameter `symbol` itself.
    fn passes(&self, call: &CallExpression<'_>, i: usize, symbol: SymbolId) -> bool {
        matches!(call.arguments.get(i).and_then(Argument::as_expression).map(Expression::get_inner_expression),
            Some(Expression::Identifier(id)) if self.symbol(id) == Some(symbol))
    }

    fn symbol(&self, id: &IdentifierReference<'_>) -> Option<SymbolId> {
        self.scoping.get_reference(id.reference_id.get()?).symbol_id()
    }

    /// `next();`
    fn is_next_call(&self, stmt: &Statement<'_>) -> bool {
        matches!(stmt, Statement::ExpressionStatement(e) if self.is_next(&e.expression))
    }

    /// `next()`
    fn is_next(&self, expr: &Expression<'_>) -> bool {
        matches!(expr.get_inner_expression(), Expression::CallExpression(call)
            if call.arguments.is_empty()
                && matches!(call.callee.get_inner_expression(), Expression::Identifier(id) if self.symbol(id) == Some(self.next)))
    }
}

/// Globals whose calls have no effect on the request: `Math.floor`, `Date.now`, `JSON.stringify`.
fn harmless_global(scoping: &Scoping, callee: &Expression<'_>) -> bool {
    let global = |id: &IdentifierReference<'_>, names: &[&str]| {
        names.contains(&id.name.as_str())
            && id.reference_id.get().and_then(|r| scoping.get_reference(r).symbol_id()).is_none()
    };
    match callee.get_inner_expression() {
        Expression::Identifier(id) => {
            global(id, &["Number", "String", "Boolean", "parseInt", "parseFloat", "isNaN", "Date"])
        }
        Expression::StaticMemberExpression(m) => match m.object.get_inner_expression() {
            Expression::Identifier(id) => {
                global(id, &["Math", "JSON"]) || (global(id, &["Date"]) && m.property.name == "now")
            }
            _ => false,
        },
        _ => false,
    }
}

const ENDS: &[&str] = &[
    "end",
    "send",
    "json",
    "jsonp",
    "redirect",
    "render",
    "sendFile",
    "sendStatus",
    "download",
    "status",
    "write",
    "writeHead",
];
const HEADERS: &[&str] = &["setHeader", "set", "header", "append", "vary", "removeHeader"];

/// Request fields a function may read without effect (writing them rewrites the request).
const REQUEST_READS: &[&str] = &[
    "path",
    "url",
    "originalUrl",
    "baseUrl",
    "method",
    "query",
    "params",
    "headers",
    "body",
    "cookies",
    "signedCookies",
    "ip",
    "ips",
    "hostname",
    "protocol",
    "secure",
    "xhr",
];

/// Request methods that read or write the session: connect-flash's `req.flash`, csurf's and
/// lusca's `req.csrfToken`, passport's `req.isAuthenticated` (which reads `req.user`).
const SESSION_METHODS: &[&str] = &["flash", "csrfToken", "isAuthenticated", "isUnauthenticated"];

/// String and regular-expression methods without side effects, called on request fields,
/// literals or `process.env` values.
const PURE_METHODS: &[&str] = &[
    "match",
    "test",
    "startsWith",
    "endsWith",
    "includes",
    "indexOf",
    "lastIndexOf",
    "toLowerCase",
    "toUpperCase",
    "trim",
    "slice",
    "substring",
    "split",
    "replace",
    "charAt",
    "exec",
];

impl<'s, 'a> Reader<'s, 'a> {
    /// Whether `expr` is `req` itself (or `res`, `next`).
    fn is(&self, expr: &Expression<'_>, symbol: SymbolId) -> bool {
        matches!(expr.get_inner_expression(), Expression::Identifier(id) if self.symbol(id) == Some(symbol))
    }

    /// Whether `expr` is a property path under `res.locals` (`res.locals.errors`).
    fn in_locals(&self, expr: &Expression<'_>) -> bool {
        match expr.get_inner_expression() {
            Expression::StaticMemberExpression(m) => {
                (self.is(&m.object, self.res) && m.property.name == "locals") || self.in_locals(&m.object)
            }
            Expression::ComputedMemberExpression(m) => self.in_locals(&m.object),
            _ => false,
        }
    }

    /// A value a pure method may be called on: a literal, a request field read, `process.env.X`,
    /// or a pure method's result.
    fn is_plain_value(&self, expr: &Expression<'_>) -> bool {
        match expr.get_inner_expression() {
            Expression::StringLiteral(_) | Expression::RegExpLiteral(_) | Expression::TemplateLiteral(_) => {
                true
            }
            Expression::StaticMemberExpression(m) => {
                (self.is(&m.object, self.req) && REQUEST_READS.contains(&m.property.name.as_str()))
                    || matches!(m.object.get_inner_expression(), Expression::StaticMemberExpression(env)
                        if env.property.name == "env"
                            && matches!(env.object.get_inner_expression(), Expression::Identifier(p)
                                if p.name == "process" && self.symbol(p).is_none()))
                    || self.is_plain_value(&m.object) && m.property.name == "length"
            }
            Expression::CallExpression(call) => self.is_pure_call(call),
            Expression::Identifier(id) => self.symbol(id).is_some_and(|s| self.plain_locals.contains(&s)),
            _ => false,
        }
    }

    /// `req.path.startsWith('/api')`, `/\./.test(req.path)`.
    fn is_pure_call(&self, call: &CallExpression<'_>) -> bool {
        matches!(call.callee.get_inner_expression(), Expression::StaticMemberExpression(m)
            if PURE_METHODS.contains(&m.property.name.as_str()) && self.is_plain_value(&m.object))
    }
}

impl<'a> Reader<'_, 'a> {
    /// A write to `member`: the session (`req.session.x = ...`), `res.locals`, and properties
    /// of the request that neither Express nor static middleware read (`req.requestTime`) may
    /// be written; anything else under `req` or `res` rewrites the request or changes the
    /// response.
    fn check_write(&mut self, member: &MemberExpression<'_>) {
        let mut first = member.static_property_name();
        let mut expr = member.object();
        loop {
            match expr.get_inner_expression() {
                Expression::StaticMemberExpression(m) => {
                    first = Some(m.property.name.as_str());
                    expr = &m.object;
                }
                Expression::ComputedMemberExpression(m) => {
                    first = None;
                    expr = &m.object;
                }
                root => {
                    let allowed = if self.is(root, self.req) {
                        // The session's own fields may be written too: visiting `req.X` makes
                        // the function a consumer for them, as for `req.session`.
                        first.is_some_and(|name| {
                            name == "session" || SESSION_FIELDS.contains(&name) || is_own_request_field(name)
                        })
                    } else if self.is(root, self.res) {
                        first == Some("locals")
                    } else {
                        true
                    };
                    if !allowed {
                        self.cannot_read("a function that writes a field of the request or response that Express or static middleware use");
                    }
                    return;
                }
            }
        }
    }

    /// `req.flash = (type, msg) => ...`, `res.render = wrap(res.render)`: a function installed
    /// for later handlers, on a request field of the app's own or on `res.render`, which static
    /// middleware never calls. Nothing of it runs now.
    fn installs_helper(&self, member: &MemberExpression<'_>, value: &Expression<'_>) -> bool {
        let Some(name) = member.static_property_name() else { return false };
        let target = (self.is(member.object(), self.req) && is_own_request_field(name))
            || (self.is(member.object(), self.res) && name == "render");
        target && self.is_deferred(value)
    }

    /// The class of a known template helper factory's call given exactly `(req, res)`.
    fn template_helper(&self, value: &Expression<'a>) -> Option<Kind> {
        let Expression::CallExpression(call) = value.get_inner_expression() else { return None };
        (call.arguments.len() == 2 && self.passes(call, 0, self.req) && self.passes(call, 1, self.res))
            .then(|| self.around.helper(&call.callee))
            .flatten()
    }

    /// A function expression, or a call of one whose body only returns a function
    /// (`((render) => function (...args) { ... })(res.render)`), passed fields of `req`/`res`.
    fn is_deferred(&self, value: &Expression<'_>) -> bool {
        match value.get_inner_expression() {
            Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_) => true,
            Expression::CallExpression(call) => {
                let returns_function = match call.callee.get_inner_expression() {
                    Expression::ArrowFunctionExpression(f) => is_function(arrow_returns(f)),
                    Expression::FunctionExpression(f) => is_function(function_returns(f)),
                    _ => false,
                };
                returns_function
                    && call.arguments.iter().all(|a| {
                        matches!(a.as_expression().map(Expression::get_inner_expression),
                            Some(Expression::StaticMemberExpression(m))
                                if self.is(&m.object, self.req) || self.is(&m.object, self.res))
                    })
            }
            _ => false,
        }
    }
}

/// The value a function returns when its body is one `return` of it.
pub(super) fn function_returns<'x, 'a>(f: &'x Function<'a>) -> Option<&'x Expression<'a>> {
    f.body.as_ref().and_then(|b| only_return(&b.statements))
}

/// The value an arrow returns when its body is that expression or one `return` of it.
pub(super) fn arrow_returns<'x, 'a>(f: &'x ArrowFunctionExpression<'a>) -> Option<&'x Expression<'a>> {
    match &f.body {
        ArrowFunctionBody::FunctionBody(b) => only_return(&b.statements),
        body => body.as_expression(),
    }
}

pub(super) fn only_return<'x, 'a>(statements: &'x [Statement<'a>]) -> Option<&'x Expression<'a>> {
    match statements {
        [Statement::ReturnStatement(r)] => r.argument.as_ref(),
        _ => None,
    }
}

fn is_function(expr: Option<&Expression<'_>>) -> bool {
    matches!(
        expr.map(Expression::get_inner_expression),
        Some(Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_))
    )
}

/// Request fields that belong to the session and the login state built on it: express-session
/// sets `sessionStore` and `sessionID` on every request (1.19.0); passport's `initialize()`
/// makes `_passport` for strategies written against older versions (0.7.0). Express, Node and
/// static middleware read none of them.
const SESSION_FIELDS: &[&str] = &["sessionStore", "sessionID", "_passport"];

/// Request fields that Express, Node or static middleware define or read: writing one rewrites
/// the request (`req.url`), its parsing caches (`req._parsedUrl`) or its stream.
const REQUEST_FIELDS: &[&str] = &[
    "res",
    "app",
    "next",
    "route",
    "socket",
    "connection",
    "sessionID",
    "sessionStore",
    "rawHeaders",
    "trailers",
    "rawTrailers",
    "httpVersion",
    "httpVersionMajor",
    "httpVersionMinor",
    "complete",
    "aborted",
    "upgrade",
    "statusCode",
    "statusMessage",
    "readable",
    "on",
    "once",
    "emit",
    "pipe",
    "unpipe",
    "read",
    "push",
    "destroy",
    "resume",
    "pause",
    "setEncoding",
    "get",
    "header",
    "accepts",
    "acceptsEncodings",
    "acceptsCharsets",
    "acceptsLanguages",
    "is",
    "range",
    "param",
    "fresh",
    "stale",
    "subdomains",
    "host",
];

/// A request field of the app's own (`req.flash`, `req.requestTime`): not one Express, Node or
/// static middleware use, nor a private (`_`) cache.
fn is_own_request_field(name: &str) -> bool {
    !name.starts_with('_') && !REQUEST_READS.contains(&name) && !REQUEST_FIELDS.contains(&name)
}

/// Whether a function of `params` returning `returned` only computes a value from its
/// arguments: literals, its parameters, operators, string and regular-expression methods; or
/// returns a constant of its module ([`returned_constant`]). Called with plain values (strings
/// read from the request), it has no effect and cannot throw.
/// `primitive_call` says which calls are of a module function that only computes a string from
/// its arguments (`path.resolve`): such a call of pure values is pure too.
pub fn is_pure_function<'a>(
    scoping: &Scoping,
    params: &FormalParameters<'a>,
    returned: &Expression<'a>,
    primitive_call: &dyn Fn(&CallExpression<'a>) -> bool,
) -> bool {
    if returned_constant(scoping, returned).is_some() {
        return true;
    }
    let mut symbols = Vec::new();
    for p in &params.items {
        match &p.pattern {
            BindingPattern::BindingIdentifier(id) => symbols.extend(id.symbol_id.get()),
            _ => return false,
        }
    }
    params.rest.is_none()
        && symbols.len() == params.items.len()
        && is_pure(scoping, &symbols, returned, primitive_call)
}

/// The module-level `const` that `returned` is (`return PUBLIC_DIR`): its value was computed
/// once, when the module loaded, and reading it has no effect.
pub fn returned_constant(scoping: &Scoping, returned: &Expression<'_>) -> Option<SymbolId> {
    let Expression::Identifier(id) = returned.get_inner_expression() else { return None };
    let symbol = scoping.get_reference(id.reference_id.get()?).symbol_id()?;
    let constant = scoping.symbol_flags(symbol).is_const_variable()
        && scoping.symbol_scope_id(symbol) == scoping.root_scope_id()
        && !scoping.symbol_is_mutated(symbol);
    constant.then_some(symbol)
}

fn is_pure<'a>(
    scoping: &Scoping,
    params: &[SymbolId],
    expr: &Expression<'a>,
    primitive_call: &dyn Fn(&CallExpression<'a>) -> bool,
) -> bool {
    let pure = |e: &Expression<'a>| is_pure(scoping, params, e, primitive_call);
    match expr.get_inner_expression() {
        Expression::StringLiteral(_)
        | Expression::NumericLiteral(_)
        | Expression::BooleanLiteral(_)
        | Expression::NullLiteral(_)
        | Expression::RegExpLiteral(_) => true,
        Expression::TemplateLiteral(t) => t.expressions.iter().all(pure),
        Expression::Identifier(id) => {
            match id.reference_id.get().and_then(|r| scoping.get_reference(r).symbol_id()) {
                Some(symbol) => params.contains(&symbol),
                None => matches!(id.name.as_str(), "undefined" | "__dirname" | "__filename"),
            }
        }
        Expression::UnaryExpression(u) => {
            matches!(
                u.operator,
                UnaryOperator::LogicalNot
                    | UnaryOperator::UnaryNegation
                    | UnaryOperator::UnaryPlus
                    | UnaryOperator::Typeof
            ) && pure(&u.argument)
        }
        Expression::BinaryExpression(b) => {
            !matches!(b.operator, BinaryOperator::In | BinaryOperator::Instanceof)
                && pure(&b.left)
                && pure(&b.right)
        }
        Expression::LogicalExpression(l) => pure(&l.left) && pure(&l.right),
        Expression::ConditionalExpression(c) => pure(&c.test) && pure(&c.consequent) && pure(&c.alternate),
        Expression::StaticMemberExpression(m) => m.property.name == "length" && pure(&m.object),
        Expression::CallExpression(call) => {
            (primitive_call(call)
                || matches!(call.callee.get_inner_expression(), Expression::StaticMemberExpression(m)
                    if PURE_METHODS.contains(&m.property.name.as_str()) && pure(&m.object)))
                && call.arguments.iter().all(|a| a.as_expression().is_some_and(pure))
        }
        _ => false,
    }
}

impl<'a> Visit<'a> for Reader<'_, 'a> {
    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        if let Some(member) = it.left.as_member_expression() {
            if it.operator == AssignmentOperator::Assign && self.installs_helper(member, &it.right) {
                // The helper is there for later handlers, which may use the session with it.
                self.session = true;
                return;
            }
            if it.operator == AssignmentOperator::Assign
                && self.in_locals(member.object())
                && let Some(kind) = self.template_helper(&it.right)
            {
                match kind {
                    Kind::Consumer => self.session = true,
                    Kind::Inert => {}
                    _ => self.cannot_read("a function that makes a template helper the rules cannot cross"),
                }
                return;
            }
            self.check_write(member);
        }
        walk::walk_assignment_expression(self, it);
    }

    fn visit_update_expression(&mut self, it: &UpdateExpression<'a>) {
        if let Some(member) = it.argument.as_member_expression() {
            self.check_write(member);
        }
        walk::walk_update_expression(self, it);
    }

    fn visit_variable_declaration(&mut self, it: &VariableDeclaration<'a>) {
        for declarator in &it.declarations {
            if it.kind == VariableDeclarationKind::Const
                && let BindingPattern::BindingIdentifier(id) = &declarator.id
                && let (Some(symbol), Some(init)) = (id.symbol_id.get(), &declarator.init)
                && self.is_plain_value(init)
            {
                self.plain_locals.push(symbol);
            }
            self.visit_variable_declarator(declarator);
        }
    }

    fn visit_unary_expression(&mut self, it: &UnaryExpression<'a>) {
        if it.operator == UnaryOperator::Delete
            && let Some(member) = it.argument.get_inner_expression().as_member_expression()
        {
            self.check_write(member);
        }
        walk::walk_unary_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        let scoping = self.scoping;
        if self.is_pure_call(it) {
            walk::walk_call_expression(self, it);
            return;
        }
        match it.callee.get_inner_expression() {
            // `res.locals.errors.push(x)`: adding to template data.
            Expression::StaticMemberExpression(m)
                if ["push", "unshift"].contains(&m.property.name.as_str()) && self.in_locals(&m.object) =>
            {
                for arg in &it.arguments {
                    self.visit_argument(arg);
                }
                return;
            }
            Expression::StaticMemberExpression(m)
                if self.is(&m.object, self.req) && SESSION_METHODS.contains(&m.property.name.as_str()) =>
            {
                self.session = true;
                for arg in &it.arguments {
                    self.visit_argument(arg);
                }
                return;
            }
            Expression::Identifier(id) if self.symbol(id) == Some(self.next) => {
                if it.arguments.is_empty() {
                    // A call of next() that is not the final statement: the function may go on
                    // after it, so the final call is not the only one.
                    self.cannot_read("a function that goes on after calling next(), so it may call it twice");
                } else {
                    self.next_with_error = true;
                }
                for arg in &it.arguments {
                    self.visit_argument(arg);
                }
                return;
            }
            Expression::StaticMemberExpression(m) if matches!(m.object.get_inner_expression(), Expression::Identifier(id) if self.symbol(id) == Some(self.res)) =>
            {
                let method = m.property.name.as_str();
                if ENDS.contains(&method) {
                    self.ends_response = true;
                } else if HEADERS.contains(&method) {
                    self.sets_headers = true;
                } else {
                    self.cannot_read("a function that calls a method of the response the tool does not know");
                }
                for arg in &it.arguments {
                    self.visit_argument(arg);
                }
                return;
            }
            callee if harmless_global(scoping, callee) => {}
            // `isSafeRedirect(req.originalUrl)`: a function computing a value.
            callee
                if self.around.is_pure_function(callee)
                    && it
                        .arguments
                        .iter()
                        .all(|a| a.as_expression().is_some_and(|e| self.is_plain_value(e))) => {}
            _ => self.cannot_read("a function that calls code the tool cannot see into"),
        }
        walk::walk_call_expression(self, it);
    }

    fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
        if let Expression::Identifier(id) = it.object.get_inner_expression()
            && self.symbol(id) == Some(self.req)
        {
            match it.property.name.as_str() {
                "session" | "user" => self.session = true,
                field if SESSION_FIELDS.contains(&field) => self.session = true,
                // `req.flash ? req.flash('info') : []`: whether a session helper is there.
                method if SESSION_METHODS.contains(&method) => self.session = true,
                field if REQUEST_READS.contains(&field) || is_own_request_field(field) => {}
                _ => self.cannot_read(
                    "a function that reads a field of the request that Express or Node keep for themselves",
                ),
            }
            return;
        }
        // `res.locals` is read only by `res.render`; static responses never see it.
        if self.is(&it.object, self.res) && it.property.name == "locals" {
            return;
        }
        walk::walk_static_member_expression(self, it);
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        // Reached only for uses not handled above: `req` passed around, `res` aliased...
        if let Some(symbol) = self.symbol(it)
            && [self.req, self.res, self.next].contains(&symbol)
        {
            self.cannot_read("a function that passes req, res or next on, or keeps them");
        }
    }

    fn visit_new_expression(&mut self, it: &NewExpression<'a>) {
        let scoping = self.scoping;
        if !harmless_global(scoping, &it.callee) {
            self.cannot_read("a function that creates an object the tool cannot see into");
        }
        walk::walk_new_expression(self, it);
    }

    fn visit_return_statement(&mut self, it: &ReturnStatement<'a>) {
        self.exits = true;
        walk::walk_return_statement(self, it);
    }

    fn visit_throw_statement(&mut self, it: &ThrowStatement<'a>) {
        self.exits = true;
        walk::walk_throw_statement(self, it);
    }

    fn visit_await_expression(&mut self, it: &AwaitExpression<'a>) {
        self.exits = true;
        walk::walk_await_expression(self, it);
    }

    fn visit_try_statement(&mut self, it: &TryStatement<'a>) {
        self.cannot_read("a function with try/catch");
        walk::walk_try_statement(self, it);
    }

    fn visit_function(&mut self, _it: &Function<'a>, _flags: ScopeFlags) {
        self.cannot_read("a function that defines other functions");
    }

    fn visit_arrow_function_expression(&mut self, _it: &ArrowFunctionExpression<'a>) {
        self.cannot_read("a function that defines other functions");
    }

    fn visit_tagged_template_expression(&mut self, it: &TaggedTemplateExpression<'a>) {
        self.cannot_read("a function that calls a tagged template");
        walk::walk_tagged_template_expression(self, it);
    }
}
