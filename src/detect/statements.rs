//! Classifies every statement of a list for one receiver: registrations, routes, settings,
//! `if`s that move as one unit, and anything else by what it may do.

use rustc_hash::FxHashMap as HashMap;

use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_ast_visit::Visit;
use oxc_span::{GetSpan, Span};
use oxc_syntax::symbol::SymbolId;

use super::facts::{DeferredCache, Facts};
use super::middleware::{call_falls_through, express_session_risk, mount_argument, path_prefix, use_parts};
use super::model::{Bindings, Block, Part, SessionFacts, Stmt, Window};
use super::modules::{Exported, Lookup, Registered, Registrations, body_registrations, registrations};
use super::reach::Reach;
use super::receivers::{Receiver, ReceiverId, call_receiver, method_name, session_method, unawaited};
use super::resolve::{Resolver, Value, require_specifier};
use crate::knowledge::Kind;

/// What classifying statements for one receiver needs.
pub(super) struct Context<'c, 'a, 's> {
    pub(super) resolver: &'c Resolver<'a, 's>,
    pub(super) receivers: &'c HashMap<ReceiverId<'a>, Receiver>,
    pub(super) receiver: ReceiverId<'a>,
    /// The class `this` belongs to in the list being classified.
    pub(super) this: Option<u32>,
    /// What can reach the receiver, when it is an app created in this file.
    pub(super) reach: Option<&'c Reach>,
    /// Where the calls that may register on the receiver start, in order (`None`: anywhere).
    pub(super) sites: Option<&'c [u32]>,
    /// What each function body adds to the statements around it, shared by every list.
    pub(super) deferred: &'c DeferredCache<'a>,
}

pub(super) fn build_block<'a>(
    context: &Context<'_, 'a, '_>,
    receiver: &Receiver,
    list_start: u32,
    is_program: bool,
    list: &[Statement<'a>],
    window: Window,
) -> Option<Block> {
    let mut stmts = Vec::with_capacity(list.len());
    let (mut session, mut statics) = (false, false);
    for stmt in list {
        let classified = classify_statement(context, stmt);
        session |= classified.has_session();
        statics |= classified.has_static();
        stmts.push(classified);
    }
    (session && statics).then(|| Block {
        receiver: receiver.name.clone(),
        list_start,
        is_program,
        stmts,
        window,
    })
}

/// Why a statement may register on the receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reaching {
    /// It uses the receiver (beyond its `.locals`), or the receiver is a `this.X` field.
    Uses,
    /// It uses a binding that holds the receiver (an alias, an object, a function).
    Holder,
    /// It runs a local module, which may hold the receiver.
    LocalModule,
    /// It calls code after the receiver escaped (or it came from elsewhere).
    AfterEscape,
}

impl Context<'_, '_, '_> {
    /// Whether code at `span` holds a call that may register on the receiver.
    pub(super) fn has_site_in(&self, span: Span) -> bool {
        let Some(sites) = self.sites else { return true };
        let at = sites.partition_point(|&start| start < span.start);
        sites.get(at).is_some_and(|&start| start < span.end)
    }

    /// Why the statement with these facts, at `span`, may register on the receiver; `None`
    /// when it provably cannot.
    pub(super) fn may_reach(&self, facts: &Facts<'_, '_>, span: Span) -> Option<Reaching> {
        let Some(reach) = self.reach else { return Some(Reaching::Uses) };
        if facts.receiver_refs > facts.receiver_locals_refs {
            return Some(Reaching::Uses);
        }
        if facts.bindings.reads.iter().chain(&facts.bindings.writes).any(|s| reach.holders.contains(s)) {
            return Some(Reaching::Holder);
        }
        if facts.loads_local_module {
            return Some(Reaching::LocalModule);
        }
        if facts.has_call && reach.escape.is_some_and(|at| at < span.start) {
            return Some(Reaching::AfterEscape);
        }
        // A handler the app was given may run while this statement waits.
        if facts.waits && reach.handler.is_some_and(|at| at < span.start) {
            return Some(Reaching::AfterEscape);
        }
        None
    }

    /// The receiver's name, for messages.
    fn name(&self) -> &str {
        self.receivers.get(&self.receiver).map_or("the receiver", |r| r.name.as_str())
    }

    /// Whether the facts show the statement touching the receiver.
    pub(super) fn mentioned_in(&self, bindings: &Bindings) -> bool {
        match self.receiver {
            ReceiverId::Symbol(symbol) => {
                bindings.reads.contains(&symbol) || bindings.writes.contains(&symbol)
            }
            ReceiverId::Field(_, name) => {
                bindings.fields_read.contains(name) || bindings.fields_written.contains(name)
            }
        }
    }
}

pub(super) fn classify_statement<'a>(context: &Context<'_, 'a, '_>, stmt: &Statement<'a>) -> Stmt {
    crate::budget::tick(1);
    let direct = direct_calls(stmt).iter().map(|c| c.span).collect();
    let mut facts = Facts::new(context, direct);
    if !matches!(stmt, Statement::FunctionDeclaration(_) | Statement::ClassDeclaration(_)) {
        facts.collect_nested = true;
    }
    facts.visit_statement(stmt);
    let span = stmt.span();
    let part = |kind: Kind, what: &str| {
        vec![Part {
            kind,
            what: what.to_string(),
            span,
            refusal: None,
            scope: None,
            known: None,
            session: None,
        }]
    };
    let mentions_receiver = context.mentioned_in(&facts.bindings);
    let reaching = context.may_reach(&facts, span);
    let unreachable = || part(Kind::Inert, &format!("code that cannot reach `{}`", context.name()));

    // Whatever else it is (an `if`, a declaration, a call): declaring a function runs nothing.
    if facts.changes_cwd
        && !matches!(stmt, Statement::FunctionDeclaration(_) | Statement::ClassDeclaration(_))
    {
        let parts = part(Kind::Unknown, "process.chdir, which changes where relative static roots are");
        return Stmt { span, parts, nested: Vec::new(), bindings: facts.bindings, arguments: None };
    }
    if let Statement::IfStatement(branching) = stmt
        && let Some(parts) = classify_if(context, branching)
    {
        return Stmt { span, parts, nested: Vec::new(), bindings: facts.bindings, arguments: None };
    }
    let parts = match stmt {
        Statement::ExpressionStatement(e)
            if let Some((name, registers)) = helper_call(context, &e.expression, &facts) =>
        {
            // What an impure helper reads is not in this statement: assume any call may change
            // it. A pure one calls nothing unknown (awaiting it lets other code run). Handing
            // it the app registers on the app; it does not reassign the binding.
            let awaited = matches!(e.expression.get_inner_expression(), Expression::AwaitExpression(_));
            facts.bindings.opaque = !registers.pure || awaited;
            if !registers.pure {
                facts.bindings.shared_state.get_or_insert("what the helper reads");
            }
            if let ReceiverId::Symbol(receiver) = context.receiver {
                facts.bindings.writes.remove(&receiver);
            }
            if !registers.nested.is_empty() {
                facts.nested.extend(helper_parts(&registers.nested, &name, span, false));
            }
            let mut parts = helper_parts(&registers.parts, &name, span, registers.nested.is_empty());
            if facts.loads_local_module {
                parts.extend(part(
                    Kind::Unknown,
                    &format!("loading {name}, whose top-level code may do anything"),
                ));
            }
            parts
        }
        Statement::ExpressionStatement(e) => {
            classify_expression(context, &e.expression, &facts, mentions_receiver)
        }
        Statement::VariableDeclaration(declaration)
            if let Some(parts) = creation_chain(context, declaration) =>
        {
            parts
        }
        Statement::VariableDeclaration(_) if mentions_receiver && reaching.is_some() => {
            part(Kind::Unknown, "a declaration that uses the receiver")
        }
        Statement::VariableDeclaration(_) if reaching == Some(Reaching::Holder) => {
            part(Kind::Unknown, "a declaration that uses a binding holding the receiver")
        }
        Statement::VariableDeclaration(_)
            if reaching == Some(Reaching::AfterEscape)
                && context.reach.is_some_and(|r| r.escape != Some(0)) =>
        {
            part(Kind::Unknown, "a declaration with calls after the receiver escaped")
        }
        Statement::VariableDeclaration(_) if facts.loads_local_module => {
            part(Kind::Unknown, "a declaration that loads a local module (which may register middleware)")
        }
        Statement::VariableDeclaration(_)
        | Statement::FunctionDeclaration(_)
        | Statement::ClassDeclaration(_)
        | Statement::ImportDeclaration(_)
        | Statement::EmptyStatement(_)
        | Statement::TSTypeAliasDeclaration(_)
        | Statement::TSInterfaceDeclaration(_) => part(Kind::Inert, "a declaration"),
        Statement::ReturnStatement(_)
        | Statement::ThrowStatement(_)
        | Statement::BreakStatement(_)
        | Statement::ContinueStatement(_) => part(Kind::Unknown, "a return, throw, break or continue"),
        Statement::IfStatement(_) if mentions_receiver && reaching.is_some() => part(
            Kind::Unknown,
            "an `if` whose test may have side effects, or whose branches hold more than static \
             middleware with shapers and inert code beside it (or session middleware in both)",
        ),
        _ if mentions_receiver && reaching.is_some() => {
            part(Kind::Unknown, "a compound statement that uses the receiver")
        }
        _ if facts.has_call && reaching.is_some() => part(Kind::Unknown, "a statement with calls"),
        _ if facts.has_call => unreachable(),
        _ => part(Kind::Inert, "a statement without calls"),
    };
    let mut classified =
        Stmt { span, parts, nested: facts.nested, bindings: facts.bindings, arguments: None };
    // Only a statement with static after session in it needs its arguments reordered.
    if classified.static_after_session().is_some() && classified.nested.is_empty() {
        classified.arguments = argument_bindings(context, stmt, &classified.parts);
    }
    classified
}

/// What one branch of an `if` registers on the receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Branch {
    Empty,
    /// Static registrations only.
    Static,
    /// Session registrations, with consumers and inert middleware at most.
    Session,
    Other,
}

pub(super) fn branch<'a>(context: &Context<'_, 'a, '_>, stmt: Option<&Statement<'a>>) -> (Branch, Vec<Part>) {
    let stmts: &[Statement<'a>] = match stmt {
        None => &[],
        Some(Statement::BlockStatement(block)) => &block.body,
        Some(single) => std::slice::from_ref(single),
    };
    let mut classified = Vec::with_capacity(stmts.len());
    for stmt in stmts {
        match stmt {
            // Its own facts are not needed here, only what it registers: judged without a
            // visit of its own, so that nested `if`s cost their size once.
            Statement::IfStatement(inner) if context.has_site_in(inner.span) => {
                match classify_if(context, inner) {
                    Some(parts) => classified.push(Stmt {
                        span: inner.span,
                        parts,
                        nested: Vec::new(),
                        bindings: Bindings::default(),
                        arguments: None,
                    }),
                    // An `if` that may register on the receiver and is no summary classifies as
                    // an unknown statement that uses the receiver.
                    None => return (Branch::Other, Vec::new()),
                }
            }
            stmt => classified.push(classify_statement(context, stmt)),
        }
    }
    let stmts = classified;
    let parts: Vec<Part> = stmts.iter().flat_map(|s| s.parts.iter().cloned()).collect();
    let kind = if stmts.is_empty() {
        Branch::Empty
    } else if parts.iter().any(|p| p.refusal.is_some()) {
        Branch::Other
    } else if stmts.iter().any(Stmt::has_static) && stmts.iter().all(Stmt::lifts_with_static) {
        Branch::Static
    } else if stmts.iter().any(Stmt::has_session)
        && stmts.iter().all(|s| {
            s.nested.is_empty()
                && s.parts.iter().all(|p| matches!(p.kind, Kind::Session | Kind::Consumer | Kind::Inert))
        })
    {
        Branch::Session
    } else {
        Branch::Other
    };
    (kind, parts)
}

/// An `if` with a side-effect-free test whose branches register static middleware with at most
/// shapers, compilers and inert statements beside it (the `if` moves as one static unit), or that registers session in both branches (one
/// session registration at the `if`). Anything else is classified as any statement is.
///
/// An `else if` chain is judged link by link: static when every branch is (a last `else` may
/// be missing), session when every branch and the last `else` register session; what the
/// summary names comes from the first static branch, or the first session and consumer.
pub(super) fn classify_if<'a>(
    context: &Context<'_, 'a, '_>,
    branching: &IfStatement<'a>,
) -> Option<Vec<Part>> {
    if !context.has_site_in(branching.span) {
        return None;
    }
    let mut links = vec![branching];
    let mut last_else = branching.alternate.as_ref();
    while let Some(Statement::IfStatement(next)) = last_else {
        links.push(next);
        last_else = next.alternate.as_ref();
    }
    if !links.iter().all(|link| is_side_effect_free(&link.test)) {
        return None;
    }
    let summary = |kind: Kind, part: &Part| Part {
        kind,
        what: part.what.clone(),
        span: part.span,
        refusal: None,
        scope: None,
        known: None,
        session: None,
    };
    let mut parts: Vec<Part> = Vec::new();
    let mut kinds = Vec::with_capacity(links.len() + 1);
    for stmt in links.iter().map(|link| Some(&link.consequent)).chain([last_else]) {
        let (kind, mut branch_parts) = branch(context, stmt);
        if kind == Branch::Other {
            return None;
        }
        kinds.push(kind);
        parts.append(&mut branch_parts);
    }
    let (last, thens) = kinds.split_last()?;
    if thens.iter().all(|&k| k == Branch::Static) && matches!(last, Branch::Static | Branch::Empty) {
        // One static part, and one for each other class that moves with it: a shaper or a
        // compiler in a branch makes the unit move under their rules.
        let mut summarised = Vec::new();
        for kind in [Kind::Static, Kind::Shaper, Kind::Compiler] {
            if let Some(first) = parts.iter().find(|p| p.kind == kind) {
                summarised.push(summary(kind, first));
            }
        }
        return Some(summarised);
    }
    if thens.iter().all(|&k| k == Branch::Session) && *last == Branch::Session {
        let session = parts.iter().find(|p| p.kind == Kind::Session)?;
        let mut summarised = vec![summary(Kind::Session, session)];
        if let Some(consumer) = parts.iter().find(|p| p.kind == Kind::Consumer) {
            summarised.push(summary(Kind::Consumer, consumer));
        }
        return Some(summarised);
    }
    None
}

/// Whether evaluating `expr` cannot change anything: names, literals, property reads and
/// operators on them (no calls, assignments, `delete`, `await` or `new`).
pub(super) fn is_side_effect_free(expr: &Expression<'_>) -> bool {
    match expr {
        Expression::Identifier(_)
        | Expression::BooleanLiteral(_)
        | Expression::NullLiteral(_)
        | Expression::NumericLiteral(_)
        | Expression::StringLiteral(_) => true,
        Expression::TemplateLiteral(t) => t.expressions.iter().all(is_side_effect_free),
        Expression::StaticMemberExpression(m) => is_side_effect_free(&m.object),
        Expression::ComputedMemberExpression(m) => {
            is_side_effect_free(&m.object) && is_side_effect_free(&m.expression)
        }
        Expression::UnaryExpression(u) => {
            u.operator != UnaryOperator::Delete && is_side_effect_free(&u.argument)
        }
        Expression::BinaryExpression(b) => is_side_effect_free(&b.left) && is_side_effect_free(&b.right),
        Expression::LogicalExpression(l) => is_side_effect_free(&l.left) && is_side_effect_free(&l.right),
        Expression::ParenthesizedExpression(p) => is_side_effect_free(&p.expression),
        Expression::ConditionalExpression(c) => {
            is_side_effect_free(&c.test)
                && is_side_effect_free(&c.consequent)
                && is_side_effect_free(&c.alternate)
        }
        _ => false,
    }
}

/// The bindings of each middleware argument of a statement that is one `use` call or a chain
/// of `use` calls on the receiver, all on the same mount path (none, or one string literal),
/// with no arrays or spreads: the statements whose arguments can be reordered in place.
pub(super) fn argument_bindings<'a>(
    context: &Context<'_, 'a, '_>,
    stmt: &Statement<'a>,
    parts: &[Part],
) -> Option<Vec<Bindings>> {
    let Statement::ExpressionStatement(e) = stmt else { return None };
    let Expression::CallExpression(call) = e.expression.get_inner_expression() else { return None };
    let links = chain_links(call);
    if call_receiver(context.resolver, links.last()?, context.this) != Some(context.receiver) {
        return None;
    }
    let mut mount = None;
    let mut arguments = Vec::new();
    // Links after the last `use` (a route: `.get('/x', h)`) stay where they are, last.
    let uses = links.iter().rev().take_while(|link| method_name(link) == Some("use")).count();
    if links.iter().rev().skip(uses).any(|link| matches!(method_name(link), Some("use") | None)) {
        return None;
    }
    for link in links.iter().rev().take(uses) {
        let mut args = link.arguments.iter().peekable();
        let path = mount_argument(context.resolver, &mut args).ok()?;
        if *mount.get_or_insert(path) != path {
            return None;
        }
        for arg in args {
            let expr = arg.as_expression()?;
            if matches!(expr.get_inner_expression(), Expression::ArrayExpression(_)) {
                return None;
            }
            arguments.push(expr);
        }
    }
    if arguments.len() > parts.len() || arguments.iter().zip(parts).any(|(a, p)| a.span() != p.span) {
        return None;
    }
    let bindings = arguments
        .iter()
        .map(|arg| {
            let mut facts = Facts::new(context, Default::default());
            facts.visit_expression(arg);
            facts.bindings
        })
        .collect();
    Some(bindings)
}

/// `setupSession(app)`: a call that is given the receiver first (anything else that mentions
/// it only reads a setting with `app.get(name)`) of a helper. Its name and what it registers.
fn helper_call<'a>(
    context: &Context<'_, 'a, '_>,
    expr: &Expression<'a>,
    facts: &Facts<'a, '_>,
) -> Option<(String, Registrations)> {
    let Expression::CallExpression(call) = unawaited(expr) else { return None };
    if let ReceiverId::Field(class, _) = context.receiver {
        return method_call(context, call, class);
    }
    let ReceiverId::Symbol(receiver) = context.receiver else { return None };
    // `require('./auth')(app)` loads the module it calls; nothing else may.
    let loads_callee = matches!(call.callee.get_inner_expression(), Expression::CallExpression(c)
        if require_specifier(context.resolver, c).is_some());
    if first_argument_symbol(context.resolver, call) != Some(receiver)
        || facts.receiver_refs != 1 + settings_reads(context.resolver, receiver, &call.arguments[1..])
        || facts.loads_local_module && !loads_callee
    {
        return None;
    }
    helper_of(context.resolver, call)
}

/// A helper call's parts, one for each class it registers, all at the call: what a move of
/// the call crosses or carries.
pub(super) fn helper_parts(registered: &[Registered], name: &str, span: Span, whole: bool) -> Vec<Part> {
    let what = |kind: Kind, what: &str| match registered {
        [_] if whole => format!("{name}() (a helper that only registers {kind})"),
        _ => format!("{what}, registered by the helper {name}()"),
    };
    let inert = [Registered::plain(Kind::Inert, String::new())];
    let registered = if registered.is_empty() { &inert[..] } else { registered };
    registered
        .iter()
        .map(|r| Part {
            kind: r.kind,
            what: what(r.kind, &r.what),
            span,
            refusal: None,
            scope: None,
            known: None,
            session: r.session,
        })
        .collect()
}

/// `this.routes()` in a method of the class whose `this.app` is the receiver: what that
/// method of the same class registers on `this.app`.
fn method_call<'a>(
    context: &Context<'_, 'a, '_>,
    call: &CallExpression<'a>,
    class: u32,
) -> Option<(String, Registrations)> {
    let Expression::StaticMemberExpression(callee) = call.callee.get_inner_expression() else { return None };
    if context.this != Some(class)
        || !matches!(callee.object.get_inner_expression(), Expression::ThisExpression(_))
    {
        return None;
    }
    let ReceiverId::Field(_, field) = context.receiver else { return None };
    let name = callee.property.name.as_str();
    let &(method, private) = context.resolver.methods.get(&(class, name))?;
    let body = method.body.as_ref()?;
    let key = (method.span.start, field.to_string());
    let known = context.resolver.method_helpers.borrow().get(&key).cloned();
    let found = match known {
        Some(found) => found,
        None => {
            let found = body_registrations(context, &method.params, &body.statements);
            context.resolver.method_helpers.borrow_mut().insert(key, found.clone());
            found
        }
    };
    // A subclass may override a method that is not private: then it registers anything.
    let mut found = found?;
    if !private {
        found.parts.push(Registered::plain(Kind::Unknown, "a method a subclass may override".to_string()));
    }
    Some((format!("this.{name}"), found))
}

/// The binding a call is given first: `app` in `setup(app, options)`.
pub(super) fn first_argument_symbol(
    resolver: &Resolver<'_, '_>,
    call: &CallExpression<'_>,
) -> Option<SymbolId> {
    let first = call.arguments.first()?.as_expression()?;
    let Expression::Identifier(id) = first.get_inner_expression() else { return None };
    resolver.symbol_of(id)
}

/// How many `receiver.get(name)` reads (an Express setting, a NestJS provider) the arguments
/// hold at their top level: `setup(app, app.get(Store))`.
fn settings_reads(resolver: &Resolver<'_, '_>, receiver: SymbolId, args: &[Argument<'_>]) -> u32 {
    let mut reads = 0;
    for arg in args {
        let mut expr = arg.as_expression();
        // `app.get(Store).getStore()`: the read is at the root of a chain.
        while let Some(Expression::CallExpression(call)) = expr.map(Expression::get_inner_expression) {
            let Some(member) = call.callee.get_inner_expression().as_member_expression() else { break };
            if member.static_property_name() == Some("get")
                && call.arguments.len() == 1
                && let Expression::Identifier(id) = member.object().get_inner_expression()
                && resolver.symbol_of(id) == Some(receiver)
            {
                reads += 1;
                break;
            }
            expr = Some(member.object());
        }
    }
    reads
}

/// The helper a call runs, declared in this file or exported by a local module: its name and
/// what it registers on its first parameter.
pub(super) fn helper_of<'a>(
    resolver: &Resolver<'a, '_>,
    call: &CallExpression<'a>,
) -> Option<(String, Registrations)> {
    match call.callee.get_inner_expression() {
        Expression::Identifier(callee)
            if let Some((params, body, start)) = resolver.function_body(callee) =>
        {
            if let Some(known) = resolver.helpers.borrow().get(&start) {
                return known.clone().map(|r| (callee.name.to_string(), r));
            }
            let found = registrations(resolver, params, &body.statements);
            resolver.helpers.borrow_mut().insert(start, found.clone());
            found.map(|r| (callee.name.to_string(), r))
        }
        Expression::StaticMemberExpression(member) if let Some(found) = instance_method(resolver, member) => {
            found
        }
        callee => match resolver.resolve(callee, 0) {
            // A method of what a module made is not one of its exports.
            Value::Module(origin) if resolver.is_local(&origin) && !origin.instance => {
                let Lookup::Found(summary) = resolver.modules.lookup(origin.module) else {
                    return None;
                };
                match summary.export(&origin.path) {
                    Some(Exported::Registers(r)) => {
                        let name = if origin.path.is_empty() {
                            origin.module.to_string()
                        } else {
                            origin.path.join(".")
                        };
                        Some((name, r.clone()))
                    }
                    _ => None,
                }
            }
            _ => None,
        },
    }
}

/// `auth.initialize(app)` where `const auth = new Auth(...)` and `Auth` is a class of this
/// file or a class or constructor a local module exports: what that method registers on its
/// first parameter. `None` when the callee is not a method of such a binding, `Some(None)`
/// when it is but the method is unknown. The binding must be used only to call its methods,
/// so nothing replaces one and nothing else holds it.
fn instance_method<'a>(
    resolver: &Resolver<'a, '_>,
    member: &StaticMemberExpression<'a>,
) -> Option<Option<(String, Registrations)>> {
    let Expression::Identifier(id) = member.object.get_inner_expression() else { return None };
    let symbol = resolver.symbol_of(id)?;
    let Expression::NewExpression(made) = resolver.inits.get(&symbol)?.get_inner_expression() else {
        return None;
    };
    let (scoping, nodes) = (resolver.scoping, resolver.nodes);
    let only_called = !scoping.symbol_is_mutated(symbol)
        && scoping.get_resolved_references(symbol).all(|reference| {
            let mut ancestors = nodes.ancestor_kinds(reference.node_id());
            matches!((ancestors.next(), ancestors.next()),
                (Some(AstKind::StaticMemberExpression(m)), Some(AstKind::CallExpression(call)))
                    if call.callee.span() == m.span)
        });
    let method = member.property.name.as_str();
    let name = format!("{}.{method}", id.name);
    if !only_called {
        return Some(None);
    }
    // A class of this file, never reassigned: `new Auth()` is exactly an `Auth`.
    if let Expression::Identifier(class) = made.callee.get_inner_expression()
        && let Some(class) = resolver.symbol_of(class)
        && scoping.symbol_flags(class).is_class()
    {
        let AstKind::Class(declared) = nodes.kind(scoping.symbol_declaration(class)) else {
            return Some(None);
        };
        let Some(&(f, _)) = resolver.methods.get(&(declared.span.start, method)) else { return Some(None) };
        if scoping.symbol_is_mutated(class) {
            return Some(None);
        }
        let body = f.body.as_ref()?;
        if let Some(known) = resolver.helpers.borrow().get(&f.span.start) {
            return Some(known.clone().map(|r| (name, r)));
        }
        let found = registrations(resolver, &f.params, &body.statements);
        resolver.helpers.borrow_mut().insert(f.span.start, found.clone());
        return Some(found.map(|r| (name, r)));
    }
    Some(match resolver.resolve(&made.callee, 0) {
        Value::Module(origin) if resolver.is_local(&origin) && !origin.instance => {
            match resolver.modules.lookup(origin.module) {
                Lookup::Found(summary) => match summary.method(&origin.path, method) {
                    Some(Exported::Registers(r)) => Some((name, r.clone())),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    })
}

/// The calls that make up an expression statement itself: one call, or every link of a chain.
pub(super) fn direct_calls<'s, 'a>(stmt: &'s Statement<'a>) -> Vec<&'s CallExpression<'a>> {
    match stmt {
        Statement::ExpressionStatement(e) => match unawaited(&e.expression) {
            Expression::CallExpression(call) => chain_links(call),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

pub(super) fn classify_expression<'a>(
    context: &Context<'_, 'a, '_>,
    expr: &Expression<'a>,
    facts: &Facts<'a, '_>,
    mentions_receiver: bool,
) -> Vec<Part> {
    let (resolver, receivers, r) = (context.resolver, context.receivers, context.receiver);
    let span = expr.span();
    let one = |kind: Kind, what: String| {
        vec![Part { kind, what, span, refusal: None, scope: None, known: None, session: None }]
    };
    if !facts.has_call {
        return one(Kind::Inert, "a statement without calls".into());
    }
    let reaching = context.may_reach(facts, span);
    let unreachable = reaching.is_none();
    let cannot_reach = || one(Kind::Inert, format!("code that cannot reach `{}`", context.name()));
    let Expression::CallExpression(call) = expr.get_inner_expression() else {
        return if unreachable {
            cannot_reach()
        } else {
            one(Kind::Unknown, "an expression with calls".into())
        };
    };
    // A call or chain rooted at a receiver: `r.use(...)`, `r.get(...)`, `r.use(a).use(b)`.
    let links = chain_links(call);
    let root = links.last().and_then(|c| call_receiver(resolver, c, context.this));
    if root == Some(r) {
        return links.iter().rev().flat_map(|link| classify_link(resolver, link)).collect();
    }
    if let Some(other) = root.and_then(|s| receivers.get(&s))
        && !mentions_receiver
    {
        let mine = receivers.get(&r).is_some_and(|m| m.created);
        return if (other.created && mine) || unreachable {
            one(Kind::Inert, format!("a registration on another app or router (`{}`)", other.name))
        } else {
            one(Kind::Unknown, format!("a registration on `{}`, which may be the same app", other.name))
        };
    }
    if !mentions_receiver {
        if let Value::Module(origin) = resolver.resolve(&call.callee, 0)
            && let ("passport", ["use" | "serializeUser" | "deserializeUser"]) =
                (origin.module, origin.path.as_slice())
        {
            return one(Kind::Inert, origin.display());
        }
        if is_console_call(resolver, call) && !facts.nested_call_in_args {
            return one(Kind::Inert, "console output".into());
        }
    }
    if unreachable {
        return cannot_reach();
    }
    if mentions_receiver {
        return one(Kind::Unknown, "a call that is passed the receiver".into());
    }
    let why = match reaching {
        Some(Reaching::Holder) => "a call that uses a binding holding the receiver",
        Some(Reaching::LocalModule) => "a call that runs a local module",
        Some(Reaching::AfterEscape) if context.reach.is_some_and(|r| r.escape != Some(0)) => {
            "a call made after the receiver escaped"
        }
        _ => "an unclassified call",
    };
    one(Kind::Unknown, why.into())
}

/// `const app = express().set('views', dir).use(session(...))`: the receiver's creation with
/// registrations chained on it. The creation is a part of its own (nothing moves with or
/// across it), followed by the chain's links in the order they run.
fn creation_chain<'a>(
    context: &Context<'_, 'a, '_>,
    declaration: &VariableDeclaration<'a>,
) -> Option<Vec<Part>> {
    let [declarator] = declaration.declarations.as_slice() else { return None };
    let BindingPattern::BindingIdentifier(id) = &declarator.id else { return None };
    if context.receiver != ReceiverId::Symbol(id.symbol_id.get()?) {
        return None;
    }
    let Expression::CallExpression(call) = declarator.init.as_ref()?.get_inner_expression() else {
        return None;
    };
    let links = chain_links(call);
    let (created, chained) = links.split_last()?;
    if chained.is_empty() {
        return None;
    }
    let mut parts = vec![Part {
        kind: Kind::Unknown,
        what: format!("the creation of `{}`", id.name),
        span: created.span,
        refusal: None,
        scope: None,
        known: None,
        session: None,
    }];
    parts.extend(chained.iter().rev().flat_map(|link| classify_link(context.resolver, link)));
    Some(parts)
}

/// A call and the calls its callee is chained on, outermost first: `a.use(x).use(y)` gives
/// the `.use(y)` call, then `.use(x)`.
pub(super) fn chain_links<'s, 'a>(call: &'s CallExpression<'a>) -> Vec<&'s CallExpression<'a>> {
    let mut calls = vec![call];
    let mut current = call;
    while let Some(member) = current.callee.get_inner_expression().as_member_expression()
        && let Expression::CallExpression(inner) = member.object().get_inner_expression()
    {
        calls.push(&**inner);
        current = inner;
    }
    calls
}

pub(super) fn is_console_call(resolver: &Resolver<'_, '_>, call: &CallExpression<'_>) -> bool {
    let Some(member) = call.callee.get_inner_expression().as_member_expression() else {
        return false;
    };
    matches!(member.object(), Expression::Identifier(id) if id.name == "console" && resolver.symbol_of(id).is_none())
}

pub(super) const ROUTE_METHODS: &[&str] = &[
    "all",
    "route",
    "param",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "del",
    "options",
    "head",
    "checkout",
    "copy",
    "lock",
    "merge",
    "mkactivity",
    "mkcol",
    "move",
    "m-search",
    "notify",
    "purge",
    "report",
    "search",
    "subscribe",
    "trace",
    "unlock",
    "unsubscribe",
];

/// One link of a call chain on the receiver.
pub(super) fn classify_link<'a>(resolver: &Resolver<'a, '_>, call: &CallExpression<'a>) -> Vec<Part> {
    let span = call.span;
    let one = |kind: Kind, what: String| {
        vec![Part { kind, what, span, refusal: None, scope: None, known: None, session: None }]
    };
    // `app.io.session(options)` (express.oi): express-session registered at once, and the
    // same middleware handed to socket.io.
    match session_method(resolver, call) {
        Some(Ok(app)) => {
            let options = call.arguments.first().and_then(Argument::as_expression);
            let (risk, why) = express_session_risk(resolver, options);
            let mut part = one(
                Kind::Session,
                format!(
                    "app.{} (express-session for HTTP and socket.io, {})",
                    app.session_method.as_deref().unwrap_or_default(),
                    app.label()
                ),
            );
            part[0].session = Some(SessionFacts { risk, why, shared: true });
            return part;
        }
        Some(Err(path)) => return one(Kind::Unknown, format!("a call to app.{path}")),
        None => {}
    }
    let Some(method) = method_name(call) else {
        return one(Kind::Unknown, "a computed method call on the receiver".into());
    };
    let first_literal = call.arguments.first().and_then(|a| match a {
        Argument::StringLiteral(s) => Some(s.value.as_str()),
        _ => None,
    });
    match method {
        "use" => use_parts(resolver, call),
        "get" if call.arguments.len() == 1 => one(Kind::Inert, "app.get of a setting".into()),
        "set" | "enable" | "disable" => match first_literal {
            Some("case sensitive routing" | "strict routing") | None => {
                one(Kind::RouterSetting, format!("app.{method} of a routing setting"))
            }
            Some(_) => one(Kind::Inert, format!("app.{method}")),
        },
        "engine" | "enabled" | "disabled" => one(Kind::Inert, format!("app.{method}")),
        // NestJS: `use([prefix,] express.static(dir, options))` in the Express adapter.
        "useStaticAssets" => {
            let mut part = one(Kind::Static, "app.useStaticAssets".into());
            let prefix = match call.arguments.get(1) {
                Some(Argument::ObjectExpression(options)) => {
                    options.properties.iter().find_map(|p| match p {
                        ObjectPropertyKind::ObjectProperty(p)
                            if p.key.static_name().as_deref() == Some("prefix") =>
                        {
                            Some(match &p.value {
                                Expression::StringLiteral(s) => Some(s.value.as_str()),
                                _ => None,
                            })
                        }
                        _ => None,
                    })
                }
                _ => None,
            };
            // A prefix that is not a literal, or options that may stop fallthrough: any path.
            if call_falls_through(call)
                && let Some(Some(prefix)) = prefix
            {
                part[0].scope = path_prefix(prefix);
            }
            part
        }
        // NestJS settings, read per route handler or when the app initialises.
        "setGlobalPrefix"
        | "useGlobalPipes"
        | "useGlobalFilters"
        | "useGlobalGuards"
        | "useGlobalInterceptors"
        | "enableVersioning"
        | "setBaseViewsDir"
        | "setViewEngine"
        | "enableShutdownHooks"
        | "useLogger"
        | "useBodyParser" => one(Kind::Inert, format!("app.{method}")),
        // NestJS's `enableCors` registers `cors(options)` at once.
        "enableCors" => one(Kind::Shaper, "app.enableCors (cors)".into()),
        // Nest registers its routes when the app initialises.
        "listen" | "init" => one(Kind::Route, format!("app.{method}, where Nest registers its routes")),
        m if ROUTE_METHODS.contains(&m) => {
            let mut route = one(Kind::Route, format!("the route app.{m}"));
            if m != "param" {
                route[0].scope = first_literal.and_then(path_prefix);
            }
            route
        }
        m => one(Kind::Unknown, format!("a call to app.{m}")),
    }
}
