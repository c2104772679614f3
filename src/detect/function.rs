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

/// The class of a middleware function and the rule that decided it.
/// `forward` classifies a middleware a path of the function hands the request to
/// (`lusca.csrf()` in `lusca.csrf()(req, res, next)`).
pub fn classify<'a>(
    scoping: &Scoping,
    params: &FormalParameters<'a>,
    statements: &[Statement<'a>],
    forward: &dyn Fn(&Expression<'a>) -> Option<Kind>,
) -> (Kind, &'static str) {
    let param = |i: usize| match params.items.get(i).map(|p| &p.pattern) {
        Some(BindingPattern::BindingIdentifier(id)) => id.symbol_id.get(),
        _ => None,
    };
    let (Some(req), Some(res), Some(next)) = (param(0), param(1), param(2)) else {
        return (Kind::Unknown, "a function that does not take (req, res, next)");
    };
    if params.items.len() != 3 || params.rest.is_some() {
        return (Kind::Unknown, "a function with an unusual signature (an error handler?)");
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
        other: false,
        forwards_session: false,
        forward,
    };
    // Every path must reach the final `next()`: no early exits anywhere before it.
    let Some((last, rest)) = statements.split_last() else {
        return (Kind::Guard, "a function that never calls next()");
    };
    for stmt in rest {
        reader.visit_statement(stmt);
    }
    let ends_with_next = reader.ends(last);
    if !ends_with_next {
        reader.visit_statement(last);
    }
    if reader.forwards_session {
        let only = !(reader.ends_response
            || reader.next_with_error
            || reader.exits
            || !ends_with_next
            || reader.other
            || reader.sets_headers
            || reader.session);
        return (Kind::Session, if only { SESSION_OR_NEXT } else { SESSION_AND_MORE });
    }
    if reader.ends_response || reader.next_with_error || reader.exits || !ends_with_next {
        return (Kind::Guard, "a function that may end the response instead of calling next()");
    }
    if reader.other {
        return (Kind::Unknown, "a function the tool cannot read");
    }
    match (reader.session, reader.sets_headers) {
        (false, true) => (Kind::Shaper, "a function that sets headers and always calls next()"),
        (true, false) => (
            Kind::Consumer,
            "a function that only uses the session, reads the request or fills res.locals, and always calls next()",
        ),
        (false, false) => (
            Kind::Inert,
            "a function that only reads the request or fills res.locals, and always calls next()",
        ),
        (true, true) => (Kind::Unknown, "a function that uses the session and sets headers"),
    }
}

/// A function whose every path hands the request to session middleware or calls `next()`:
/// a session registration (on the requests it picks).
pub const SESSION_OR_NEXT: &str = "a function that hands requests to session middleware or calls next()";

/// A function that hands some requests to session middleware and does more besides: it
/// registers session, and no move may involve it.
pub const SESSION_AND_MORE: &str = "a function that hands some requests to session middleware and does more";

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
    /// Anything else: other calls, other uses of req/res/next, nested functions.
    other: bool,
    /// Hands the request to session middleware on some path: `session(opts)(req, res, next)`.
    forwards_session: bool,
    /// Classifies a middleware the function hands the request to.
    forward: &'s dyn Fn(&Expression<'a>) -> Option<Kind>,
}

impl<'s, 'a> Reader<'s, 'a> {
    /// Whether `stmt` ends every path by calling `next()` or handing the request to a known
    /// middleware (`X(req, res, next)`), reading what comes before on each path: a block ending
    /// so, or an `if`/`else` whose branches both do.
    fn ends(&mut self, stmt: &Statement<'a>) -> bool {
        if self.is_next_call(stmt) {
            return true;
        }
        match stmt {
            Statement::BlockStatement(block) => match block.body.split_last() {
                Some((last, rest)) => {
                    for s in rest {
                        self.visit_statement(s);
                    }
                    self.ends(last)
                }
                None => false,
            },
            Statement::IfStatement(branching) => {
                let Some(alternate) = &branching.alternate else { return false };
                self.visit_expression(&branching.test);
                self.ends(&branching.consequent) & self.ends(alternate)
            }
            Statement::ExpressionStatement(e) => self.forwards(&e.expression),
            Statement::ReturnStatement(r) => r.argument.as_ref().is_some_and(|e| self.forwards(e)),
            _ => false,
        }
    }

    /// `lusca.csrf()(req, res, next)`: the request handed to a known middleware, whose class
    /// then counts as the function's own on that path.
    fn forwards(&mut self, expr: &Expression<'a>) -> bool {
        let Expression::CallExpression(call) = expr.get_inner_expression() else { return false };
        let passes = |i: usize, symbol: SymbolId| {
            matches!(call.arguments.get(i).and_then(Argument::as_expression).map(Expression::get_inner_expression),
                Some(Expression::Identifier(id)) if self.symbol(id) == Some(symbol))
        };
        if call.arguments.len() != 3 || !passes(0, self.req) || !passes(1, self.res) || !passes(2, self.next)
        {
            return false;
        }
        match (self.forward)(&call.callee) {
            Some(Kind::Inert) => {}
            Some(Kind::Consumer) => self.session = true,
            Some(Kind::Shaper) => self.sets_headers = true,
            Some(Kind::Guard) => self.ends_response = true,
            Some(Kind::Session) => self.forwards_session = true,
            _ => self.other = true,
        }
        true
    }

    fn symbol(&self, id: &IdentifierReference<'_>) -> Option<SymbolId> {
        self.scoping.get_reference(id.reference_id.get()?).symbol_id()
    }

    /// `next();` or `return next();`
    fn is_next_call(&self, stmt: &Statement<'_>) -> bool {
        let expr = match stmt {
            Statement::ExpressionStatement(e) => &e.expression,
            Statement::ReturnStatement(r) => match &r.argument {
                Some(e) => e,
                None => return false,
            },
            _ => return false,
        };
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
    /// A write to a property of `object`: only the session (`req.session.x = ...`) and
    /// `res.locals` may be written; anything else under `req` or `res` rewrites the request or
    /// changes the response.
    fn check_write(&mut self, object: &Expression<'_>) {
        let mut expr = object;
        let mut first: Option<&str> = None;
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
                        first == Some("session")
                    } else if self.is(root, self.res) {
                        first == Some("locals")
                    } else {
                        true
                    };
                    if !allowed {
                        self.other = true;
                    }
                    return;
                }
            }
        }
    }
}

impl<'a> Visit<'a> for Reader<'_, 'a> {
    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        if let Some(member) = it.left.as_member_expression() {
            self.check_write(member.object());
        }
        walk::walk_assignment_expression(self, it);
    }

    fn visit_update_expression(&mut self, it: &UpdateExpression<'a>) {
        if let Some(member) = it.argument.as_member_expression() {
            self.check_write(member.object());
        }
        walk::walk_update_expression(self, it);
    }

    fn visit_unary_expression(&mut self, it: &UnaryExpression<'a>) {
        if it.operator == UnaryOperator::Delete
            && let Some(member) = it.argument.get_inner_expression().as_member_expression()
        {
            self.check_write(member.object());
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
                    self.other = true;
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
                    self.other = true;
                }
                for arg in &it.arguments {
                    self.visit_argument(arg);
                }
                return;
            }
            callee if harmless_global(scoping, callee) => {}
            _ => self.other = true,
        }
        walk::walk_call_expression(self, it);
    }

    fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
        if let Expression::Identifier(id) = it.object.get_inner_expression()
            && self.symbol(id) == Some(self.req)
        {
            match it.property.name.as_str() {
                "session" | "user" => self.session = true,
                // `req.flash ? req.flash('info') : []`: whether a session helper is there.
                method if SESSION_METHODS.contains(&method) => self.session = true,
                field if REQUEST_READS.contains(&field) => {}
                _ => self.other = true,
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
            self.other = true;
        }
    }

    fn visit_new_expression(&mut self, it: &NewExpression<'a>) {
        let scoping = self.scoping;
        if !harmless_global(scoping, &it.callee) {
            self.other = true;
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
        self.other = true;
        walk::walk_try_statement(self, it);
    }

    fn visit_function(&mut self, _it: &Function<'a>, _flags: ScopeFlags) {
        self.other = true;
    }

    fn visit_arrow_function_expression(&mut self, _it: &ArrowFunctionExpression<'a>) {
        self.other = true;
    }

    fn visit_tagged_template_expression(&mut self, it: &TaggedTemplateExpression<'a>) {
        self.other = true;
        walk::walk_tagged_template_expression(self, it);
    }
}
