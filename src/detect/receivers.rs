//! Who registrations are made on: apps and routers created here, `this.X` fields, and
//! parameters that receive a session registration.

use rustc_hash::FxHashMap as HashMap;

use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::AstNodes;
use oxc_syntax::node::NodeId;
use oxc_syntax::symbol::SymbolId;

use super::middleware::use_parts;
use super::resolve::{Resolver, Value};
use super::statements::{first_argument_symbol, helper_of};
use crate::knowledge::{App, Kind, TABLE};

/// The name of the method a call invokes: `use` in `app.use(...)`.
pub(super) fn method_name<'a>(call: &CallExpression<'a>) -> Option<&'a str> {
    call.callee.get_inner_expression().as_member_expression().and_then(|m| m.static_property_name())
}

/// Who registrations are made on: a binding (`app`), or a field of the class whose methods
/// the code is in (`this.app`, keyed by the class's start offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum ReceiverId<'a> {
    Symbol(SymbolId),
    Field(u32, &'a str),
}

/// What a receiver is known to be.
#[derive(Debug)]
pub(super) struct Receiver {
    pub(super) name: String,
    /// Created here by `express()` or `Router()`: a distinct object from every other such one.
    pub(super) created: bool,
}

pub(super) fn find_receivers<'a>(
    resolver: &Resolver<'a, '_>,
    use_calls: &[(&CallExpression<'a>, Option<u32>)],
    fields: &[(ReceiverId<'a>, &'a Expression<'a>)],
    helper_calls: &[&CallExpression<'a>],
    typed_params: &[(SymbolId, &TSType<'a>)],
) -> HashMap<ReceiverId<'a>, Receiver> {
    let mut receivers = HashMap::default();
    // Declared as another platform's app: `app: NestFastifyApplication`.
    let elsewhere: Vec<SymbolId> = typed_params
        .iter()
        .filter(|(_, annotation)| app_type(resolver, annotation) == Some(false))
        .map(|(symbol, _)| *symbol)
        .collect();
    let made_here = |init: &Expression<'a>| {
        matches!(resolver.resolve(init, 0), Value::Made(origin) if origin.is_express_app_or_router())
            || is_nest_express_app(resolver, init)
    };
    for (&symbol, init) in &resolver.inits {
        if made_here(init) {
            let name = resolver.scoping.symbol_name(symbol).to_string();
            // `const same = app` reaches an app through a hop: an alias, not a new app.
            let created = matches!(unawaited(init), Expression::CallExpression(_));
            receivers.insert(ReceiverId::Symbol(symbol), Receiver { name, created });
        }
    }
    for &(id, value) in fields {
        if let ReceiverId::Field(_, name) = id
            && made_here(value)
        {
            let created = matches!(value.get_inner_expression(), Expression::CallExpression(_));
            receivers.insert(id, Receiver { name: format!("this.{name}"), created });
        }
    }
    for &(call, this) in use_calls {
        let Some(id) = call_receiver(resolver, call, this) else {
            continue;
        };
        if receivers.contains_key(&id) || matches!(id, ReceiverId::Symbol(s) if elsewhere.contains(&s)) {
            continue;
        }
        // A Nest app on another platform (Fastify) registers session on that platform.
        if let ReceiverId::Symbol(symbol) = id
            && resolver.inits.get(&symbol).is_some_and(|init| nest_factory_call(resolver, init).is_some())
        {
            continue;
        }
        if use_parts(resolver, call).iter().any(|p| p.kind == Kind::Session) {
            let name = match id {
                ReceiverId::Symbol(symbol) => resolver.scoping.symbol_name(symbol).to_string(),
                ReceiverId::Field(_, name) => format!("this.{name}"),
            };
            receivers.insert(id, Receiver { name, created: false });
        }
    }
    // A parameter declared as an Express or NestJS-on-Express app: `app: NestExpressApplication`.
    for &(symbol, annotation) in typed_params {
        if app_type(resolver, annotation) == Some(true) {
            let name = resolver.scoping.symbol_name(symbol).to_string();
            receivers.entry(ReceiverId::Symbol(symbol)).or_insert(Receiver { name, created: false });
        }
    }
    // Whatever a helper registers session on: `setupSession(app)`.
    for &call in helper_calls {
        let Some(symbol) = first_argument_symbol(resolver, call) else { continue };
        if receivers.contains_key(&ReceiverId::Symbol(symbol))
            || elsewhere.contains(&symbol)
            || resolver.inits.get(&symbol).is_some_and(|init| nest_factory_call(resolver, init).is_some())
        {
            continue;
        }
        if helper_of(resolver, call).is_some_and(|(_, r)| r.registers(Kind::Session)) {
            let name = resolver.scoping.symbol_name(symbol).to_string();
            receivers.insert(ReceiverId::Symbol(symbol), Receiver { name, created: false });
        }
    }
    receivers
}

/// Whether a type names an app: `Some(true)` for an Express one (`NestExpressApplication`
/// from `@nestjs/platform-express`, `Express` or `Application` from `express`, `express.Express`
/// too), `Some(false)` for another platform's (`NestFastifyApplication`, `FastifyInstance`).
fn app_type(resolver: &Resolver<'_, '_>, annotation: &TSType<'_>) -> Option<bool> {
    let TSType::TSTypeReference(reference) = annotation else { return None };
    let (root, path) = match &reference.type_name {
        TSTypeName::IdentifierReference(id) => (id, None),
        TSTypeName::QualifiedName(q) => match &q.left {
            TSTypeName::IdentifierReference(id) => (id, Some(q.right.name.as_str())),
            _ => return None,
        },
        TSTypeName::ThisExpression(_) => return None,
    };
    let origin = resolver.symbol_of(root).and_then(|s| resolver.origins.get(&s))?;
    let mut names: Vec<&str> = origin.path.clone();
    names.extend(path);
    match (origin.module, names.as_slice()) {
        ("@nestjs/platform-express", ["NestExpressApplication"]) => Some(true),
        ("express", ["Express" | "Application"]) if !origin.instance => Some(true),
        ("@nestjs/platform-fastify", ["NestFastifyApplication"]) | ("fastify", ["FastifyInstance"]) => {
            Some(false)
        }
        _ => None,
    }
}

/// The expression under any `await`, parentheses and type assertions.
pub(super) fn unawaited<'s, 'a>(mut expr: &'s Expression<'a>) -> &'s Expression<'a> {
    loop {
        match expr.get_inner_expression() {
            Expression::AwaitExpression(a) => expr = &a.argument,
            inner => return inner,
        }
    }
}

/// `await NestFactory.create(AppModule[, options])`: a NestJS app on Express, Nest's default
/// platform, whose `use` registers on the Express app at once. With an adapter as the second
/// argument it is Express only for `new ExpressAdapter(...)`; Fastify is never a receiver.
fn is_nest_express_app<'a>(resolver: &Resolver<'a, '_>, init: &Expression<'a>) -> bool {
    let Some(call) = nest_factory_call(resolver, init) else { return false };
    match call.arguments.get(1) {
        None | Some(Argument::ObjectExpression(_)) => true,
        Some(adapter) => adapter.as_expression().is_some_and(|e| {
            matches!(resolver.resolve(e, 0), Value::Made(o)
                if o.module == "@nestjs/platform-express" && o.path == ["ExpressAdapter"] && !o.instance)
        }),
    }
}

/// `await NestFactory.create(...)` from `@nestjs/core`, on whatever platform.
fn nest_factory_call<'s, 'a>(
    resolver: &Resolver<'a, '_>,
    init: &'s Expression<'a>,
) -> Option<&'s CallExpression<'a>> {
    let Expression::CallExpression(call) = unawaited(init) else { return None };
    let Value::Module(origin) = resolver.resolve(&call.callee, 0) else { return None };
    (origin.module == "@nestjs/core" && origin.path == ["NestFactory", "create"] && !origin.instance)
        .then_some(&**call)
}

/// The class whose instance `this` is at each node: the node sits in a method, a field
/// initializer or a static block of that class, possibly inside arrow functions; `None`
/// anywhere else. Computed for every node in one pass, parents before children.
pub(super) struct ThisClasses {
    /// For each node, the class `this` is at when walking up starts at that node.
    from: Vec<Option<u32>>,
}

impl ThisClasses {
    pub(super) fn new(nodes: &AstNodes<'_>) -> ThisClasses {
        let mut from: Vec<Option<u32>> = Vec::with_capacity(nodes.len());
        for (id, node) in nodes.iter_enumerated() {
            let value = match node.kind() {
                AstKind::Function(_) => match nodes.kind(nodes.parent_id(id)) {
                    AstKind::MethodDefinition(_) => ThisClasses::above(&from, nodes, nodes.parent_id(id)),
                    _ => None,
                },
                AstKind::Class(class) => Some(class.span.start),
                AstKind::Program(_) => None,
                _ => ThisClasses::above(&from, nodes, id),
            };
            from.push(value);
        }
        ThisClasses { from }
    }

    /// The value for walking up from `id`'s parent (parents come before their children).
    fn above(from: &[Option<u32>], nodes: &AstNodes<'_>, id: NodeId) -> Option<u32> {
        if id == NodeId::ROOT {
            return None;
        }
        from.get(nodes.parent_id(id).index()).copied().flatten()
    }

    /// The class `this` is an instance of at a node.
    pub(super) fn at(&self, nodes: &AstNodes<'_>, id: NodeId) -> Option<u32> {
        ThisClasses::above(&self.from, nodes, id)
    }
}

/// `X` in `this.X`.
pub(super) fn this_property<'a>(member: &StaticMemberExpression<'a>) -> Option<&'a str> {
    matches!(member.object.get_inner_expression(), Expression::ThisExpression(_))
        .then(|| member.property.name.as_str())
}

pub(super) fn this_field<'a>(member: &MemberExpression<'a>) -> Option<&'a str> {
    match member {
        MemberExpression::StaticMemberExpression(m) => this_property(m),
        _ => None,
    }
}

/// Who `X.use(...)` registers on, where `this` is an instance of the class at `this_class`.
pub(super) fn call_receiver<'a>(
    resolver: &Resolver<'a, '_>,
    call: &CallExpression<'a>,
    this_class: Option<u32>,
) -> Option<ReceiverId<'a>> {
    let member = call.callee.get_inner_expression().as_member_expression()?;
    match member.object().get_inner_expression() {
        Expression::Identifier(id) => resolver.symbol_of(id).map(ReceiverId::Symbol),
        // Express 5's `app.router` is the app's own router again (Express 4 throws on it).
        Expression::StaticMemberExpression(m)
            if m.property.name == "router"
                && let Expression::Identifier(id) = m.object.get_inner_expression() =>
        {
            resolver.symbol_of(id).map(ReceiverId::Symbol)
        }
        // `app.io.session(options)`: a method path a receiver factory's package adds
        // (`express.oi`); what `app` is, is checked when the call is classified.
        Expression::StaticMemberExpression(m)
            if let Expression::Identifier(id) = m.object.get_inner_expression()
                && member
                    .static_property_name()
                    .is_some_and(|method| TABLE.is_session_method(m.property.name.as_str(), method)) =>
        {
            resolver.symbol_of(id).map(ReceiverId::Symbol)
        }
        Expression::StaticMemberExpression(m) => Some(ReceiverId::Field(this_class?, this_property(m)?)),
        _ => None,
    }
}

/// The receiver factory whose session method `app.io.session(...)` calls, when `app` is an
/// app it made: `Err(path)` when the call has that shape on anything else.
pub(super) fn session_method<'a>(
    resolver: &Resolver<'a, '_>,
    call: &CallExpression<'a>,
) -> Option<Result<&'static App, String>> {
    let member = call.callee.get_inner_expression().as_member_expression()?;
    let method = member.static_property_name()?;
    let Expression::StaticMemberExpression(m) = member.object().get_inner_expression() else { return None };
    if !matches!(m.object.get_inner_expression(), Expression::Identifier(_))
        || !TABLE.is_session_method(m.property.name.as_str(), method)
    {
        return None;
    }
    let path = format!("{}.{method}", m.property.name);
    Some(match resolver.resolve(&m.object, 0) {
        Value::Made(origin)
            if origin.is_express_app_or_router()
                && let Some(app) = TABLE.app(origin.module)
                && app.session_method.as_deref() == Some(path.as_str()) =>
        {
            Ok(app)
        }
        _ => Err(path),
    })
}
