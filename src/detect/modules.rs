//! Local modules as detection sees them: what each export of `./config/flash` is (a package
//! re-exported, function middleware, a helper that registers middleware on the app it is
//! given), summarised from the module's own AST. Detection asks through [`Modules`]; the
//! driver answers from disk (read once per run), tests and the fuzzer answer nothing.

use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use oxc_syntax::symbol::SymbolId;

use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::SemanticBuilder;

use super::facts::DeferredCache;
use super::function::{self, Verdict};
use super::model::{Part, SessionFacts};
use super::receivers::{Receiver, ReceiverId};
use super::resolve::{Resolver, Value};
use super::statements::{Context, classify_statement};
use crate::config::Config;
use crate::knowledge::{Kind, Origin};

/// Answers for the local modules of the file being analysed.
pub trait Modules {
    /// The module `specifier` (as written) resolves to, summarised.
    fn lookup(&self, specifier: &str) -> Lookup;
    /// Whether `specifier` names a local module: a relative path, or a package of the
    /// file's workspace.
    fn is_local(&self, specifier: &str) -> bool {
        Origin::new(specifier).is_relative()
    }
}

/// A file without local modules to look at.
pub struct NoModules;

impl Modules for NoModules {
    fn lookup(&self, _specifier: &str) -> Lookup {
        Lookup::NotLoaded
    }
}

#[derive(Debug, Clone)]
pub enum Lookup {
    Found(Arc<Summary>),
    /// No file at any of the places Node and TypeScript look (the first one, for messages).
    Missing {
        looked_for: String,
    },
    /// Found but not read or parsed (too large, not UTF-8, a syntax error).
    Unreadable {
        path: String,
    },
    /// Local modules are not looked at in this run.
    NotLoaded,
}

/// What a module exports, by name (`""` for `module.exports` / `export default`).
#[derive(Debug, Default)]
pub struct Summary {
    pub exports: HashMap<String, Exported>,
    /// What the methods of an exported class or constructor function are, by export name and
    /// method: `class Auth { initialize(app) {...} }`, `Auth.prototype.initialize = f`.
    pub methods: HashMap<(String, String), Exported>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exported {
    /// A package's value: `module.exports = require('connect-flash')`.
    Package {
        module: String,
        path: Vec<String>,
    },
    /// Function middleware, classified by its body.
    Middleware(Verdict),
    /// A function whose body only returns function middleware (`exports.init = (store) =>
    /// function (req, res, next) { ... }`): calling it runs nothing else, and what it returns
    /// is classified by its body.
    Factory(Verdict),
    /// A function that registers middleware on the app it is given first.
    Registers(Registrations),
    /// A function that only computes a value from its arguments or returns a constant of its
    /// module ([`function::is_pure_function`]): calling it with plain values has no effect.
    Pure,
    Unknown,
}

/// What a helper (`function setup(app) { ... }`) registers on the app it is given first, as
/// the statements of its body are classified for that parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registrations {
    /// The classes of its top-level statements in order (inert ones left out), each with
    /// what it is: `express-session`, `a call to app.set`.
    pub parts: Vec<Registered>,
    /// Session or static registrations below its top level: in an `if`, a callback, a loop.
    pub nested: Vec<Registered>,
    /// Setting it up calls nothing unknown and reads nothing such a call could change.
    pub pure: bool,
}

/// One thing a helper registers: its class, what it is, and for a session, what its options
/// do to static responses (read where the helper calls it, so a caller keeps them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub kind: Kind,
    pub what: String,
    pub session: Option<SessionFacts>,
}

impl Registered {
    /// A registration with no session facts: `Kind::Unknown` for what the tool cannot read.
    pub fn plain(kind: Kind, what: String) -> Self {
        Registered { kind, what, session: None }
    }

    fn of(part: &Part) -> Self {
        Registered { kind: part.kind, what: part.what.clone(), session: part.session }
    }
}

impl Registrations {
    pub fn registers(&self, kind: Kind) -> bool {
        self.parts.iter().chain(&self.nested).any(|r| r.kind == kind)
    }
}

impl Summary {
    /// The export at `path` (`flash` in `require('./config/flash').flash`).
    pub fn export(&self, path: &[&str]) -> Option<&Exported> {
        match path {
            [] => self.exports.get(""),
            [name] => self.exports.get(*name),
            _ => None,
        }
    }

    /// The method `method` of instances of the export at `path` (`new Auth()` where the
    /// module exports `Auth`).
    pub fn method(&self, path: &[&str], method: &str) -> Option<&Exported> {
        let export = match path {
            [] => "",
            [name] => name,
            _ => return None,
        };
        self.methods.get(&(export.to_string(), method.to_string()))
    }
}

/// Summarises a parsed module: each export classified with the same rules as the importer's.
pub fn summarize<'a>(program: &'a Program<'a>, config: &Config) -> Summary {
    let semantic = SemanticBuilder::new().with_build_nodes(true).build(program).semantic;
    let mut resolver = Resolver::new(semantic.scoping(), config, semantic.nodes(), &NoModules);
    let mut exported: Vec<(String, &'a Expression<'a>)> = Vec::new();
    let mut functions: Vec<(String, &'a Function<'a>)> = Vec::new();
    // Methods by the class or constructor binding, and the classes exported as declarations.
    let mut methods: Vec<(SymbolId, &'a str, Method<'a>)> = Vec::new();
    let mut classes: Vec<(String, SymbolId)> = Vec::new();
    for node in semantic.nodes().iter() {
        match node.kind() {
            AstKind::VariableDeclarator(declarator) => resolver.add_declarator(declarator),
            AstKind::ImportDeclaration(import) => resolver.add_import(import),
            AstKind::AssignmentExpression(assign) if assign.operator == AssignmentOperator::Assign => {
                if let Some(name) = export_target(&assign.left) {
                    exported.push((name, &assign.right));
                }
                if let Some((class, name)) = prototype_target(&resolver, &assign.left) {
                    methods.push((class, name, Method::Assigned(&assign.right)));
                }
            }
            AstKind::Class(class) => {
                if let Some(symbol) = class.id.as_ref().and_then(|id| id.symbol_id.get()) {
                    for element in &class.body.body {
                        if let ClassElement::MethodDefinition(m) = element
                            && m.kind == MethodDefinitionKind::Method
                            && !m.r#static
                            && let Some(std::borrow::Cow::Borrowed(name)) = m.key.static_name()
                        {
                            methods.push((symbol, name, Method::Defined(&m.value)));
                        }
                    }
                }
            }
            AstKind::ExportDefaultDeclaration(export) => match &export.declaration {
                ExportDefaultDeclarationKind::ClassDeclaration(c) => {
                    if let Some(symbol) = c.id.as_ref().and_then(|id| id.symbol_id.get()) {
                        classes.push((String::new(), symbol));
                    }
                }
                ExportDefaultDeclarationKind::FunctionDeclaration(f) => functions.push((String::new(), &**f)),
                declaration => {
                    if let Some(expr) = declaration.as_expression() {
                        exported.push((String::new(), expr));
                    }
                }
            },
            AstKind::ExportDeclaration(export) => match &export.declaration {
                Declaration::FunctionDeclaration(f) => {
                    if let Some(id) = &f.id {
                        functions.push((id.name.to_string(), &**f));
                    }
                }
                Declaration::ClassDeclaration(c) => {
                    if let Some(id) = &c.id
                        && let Some(symbol) = id.symbol_id.get()
                    {
                        classes.push((id.name.to_string(), symbol));
                    }
                }
                Declaration::VariableDeclaration(v) => {
                    for d in &v.declarations {
                        if let (BindingPattern::BindingIdentifier(id), Some(init)) = (&d.id, &d.init) {
                            exported.push((id.name.to_string(), init));
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    let mut summary = Summary::default();
    // `module.exports = Auth`, `export class Auth`: the exported binding's methods.
    let scoping = resolver.scoping;
    let bindings = exported.iter().filter_map(|(name, expr)| match expr.get_inner_expression() {
        Expression::Identifier(id) => resolver.symbol_of(id).map(|s| (name.clone(), s)),
        // `module.exports = class Gate {...}`.
        Expression::ClassExpression(c) => {
            c.id.as_ref().and_then(|id| id.symbol_id.get()).map(|s| (name.clone(), s))
        }
        _ => None,
    });
    for (export, symbol) in bindings.chain(classes).collect::<Vec<_>>() {
        let flags = scoping.symbol_flags(symbol);
        if scoping.symbol_is_mutated(symbol) || !(flags.is_function() || flags.is_class()) {
            continue;
        }
        for &(_, name, method) in methods.iter().filter(|(s, _, _)| *s == symbol) {
            let key = (export.clone(), name.to_string());
            // Defined twice (a prototype assignment over a class method): which one runs is
            // not known here.
            let twice = methods.iter().filter(|(s, n, _)| *s == symbol && *n == name).count() > 1;
            let value = match method {
                _ if twice => Exported::Unknown,
                Method::Defined(f) => function_export(&resolver, &f.params, f.body.as_deref()),
                Method::Assigned(expr) => exported_value(&resolver, expr),
            };
            summary.methods.insert(key, value);
        }
    }
    for (name, expr) in exported {
        // `module.exports = { flash, setup }`: each property is an export.
        if name.is_empty()
            && let Expression::ObjectExpression(object) = expr.get_inner_expression()
        {
            for property in &object.properties {
                if let ObjectPropertyKind::ObjectProperty(p) = property
                    && let Some(key) = p.key.static_name()
                {
                    summary.exports.insert(key.to_string(), exported_value(&resolver, &p.value));
                }
            }
            continue;
        }
        summary.exports.insert(name, exported_value(&resolver, expr));
    }
    for (name, f) in functions {
        summary.exports.insert(name, function_export(&resolver, f.params.as_ref(), f.body.as_deref()));
    }
    summary
}

/// A method of a class or constructor function, as the module defines it.
#[derive(Clone, Copy)]
enum Method<'a> {
    /// `class Auth { initialize(app) {...} }`.
    Defined(&'a Function<'a>),
    /// `Auth.prototype.initialize = initialize`.
    Assigned(&'a Expression<'a>),
}

/// `Auth.prototype.initialize = ...`: the constructor's binding and the method's name.
fn prototype_target<'a>(
    resolver: &Resolver<'a, '_>,
    target: &AssignmentTarget<'a>,
) -> Option<(SymbolId, &'a str)> {
    let MemberExpression::StaticMemberExpression(m) = target.as_member_expression()? else { return None };
    let Expression::StaticMemberExpression(prototype) = m.object.get_inner_expression() else { return None };
    let Expression::Identifier(id) = prototype.object.get_inner_expression() else { return None };
    (prototype.property.name == "prototype").then_some(())?;
    Some((resolver.symbol_of(id)?, m.property.name.as_str()))
}

/// `module.exports`, `module.exports.x`, `exports.x`: the export's name.
fn export_target(target: &AssignmentTarget<'_>) -> Option<String> {
    let member = target.as_member_expression()?;
    let is_global = |e: &Expression<'_>, name: &str| matches!(e.get_inner_expression(), Expression::Identifier(id) if id.name == name);
    let MemberExpression::StaticMemberExpression(m) = member else { return None };
    if is_global(&m.object, "module") && m.property.name == "exports" {
        return Some(String::new());
    }
    if is_global(&m.object, "exports") {
        return Some(m.property.name.to_string());
    }
    if let Expression::StaticMemberExpression(inner) = m.object.get_inner_expression()
        && is_global(&inner.object, "module")
        && inner.property.name == "exports"
    {
        return Some(m.property.name.to_string());
    }
    None
}

fn exported_value<'a>(resolver: &Resolver<'a, '_>, expr: &'a Expression<'a>) -> Exported {
    match expr.get_inner_expression() {
        Expression::FunctionExpression(f) => function_export(resolver, &f.params, f.body.as_deref()),
        Expression::ArrowFunctionExpression(f) => match &f.body {
            ArrowFunctionBody::FunctionBody(body) => function_export(resolver, &f.params, Some(body)),
            body => match body.as_expression() {
                Some(returned) if let Some(factory) = factory_of(resolver, returned) => factory,
                Some(returned)
                    if function::is_pure_function(resolver.scoping, &f.params, returned, &|c| {
                        resolver.primitive_call(c)
                    }) =>
                {
                    Exported::Pure
                }
                _ => Exported::Unknown,
            },
        },
        // `function setup(app) {...}` or `const setup = (app) => {...}`, then `module.exports = setup`.
        Expression::Identifier(id) if let Some((params, body, _)) = resolver.function_body(id) => {
            function_export(resolver, params, Some(body))
        }
        _ => match resolver.resolve(expr, 0) {
            Value::Module(origin) if !resolver.is_local(&origin) => Exported::Package {
                module: origin.module.to_string(),
                path: origin.path.iter().map(|p| p.to_string()).collect(),
            },
            _ => Exported::Unknown,
        },
    }
}

/// A function with `(req, res, next)` is middleware; one whose first parameter every statement
/// registers middleware of one class on is a helper.
fn function_export<'a>(
    resolver: &Resolver<'a, '_>,
    params: &FormalParameters<'a>,
    body: Option<&'a FunctionBody<'a>>,
) -> Exported {
    let Some(body) = body else { return Exported::Unknown };
    // `setupSession(app, config, store)` has three parameters too: registering on the first
    // makes it a helper.
    let registers = registrations(resolver, params, &body.statements);
    if let Some(r) = &registers
        && !r.parts.is_empty()
    {
        return Exported::Registers(registers.unwrap());
    }
    if params.items.len() == 3 {
        return Exported::Middleware(function::classify(
            resolver.scoping,
            params,
            &body.statements,
            resolver,
        ));
    }
    if let Some(returned) = function::only_return(&body.statements) {
        if let Some(factory) = factory_of(resolver, returned) {
            return factory;
        }
        if function::is_pure_function(resolver.scoping, params, returned, &|c| resolver.primitive_call(c)) {
            return Exported::Pure;
        }
    }
    registers.map_or(Exported::Unknown, Exported::Registers)
}

/// What a function returning `returned` exports when that is a function expression of
/// `(req, res, next)` with a block body: a factory of the middleware, classified by its body.
fn factory_of<'a>(resolver: &Resolver<'a, '_>, returned: &'a Expression<'a>) -> Option<Exported> {
    let (params, body) = match returned.get_inner_expression() {
        Expression::FunctionExpression(f) => (&*f.params, f.body.as_deref()?),
        Expression::ArrowFunctionExpression(f) => match &f.body {
            ArrowFunctionBody::FunctionBody(body) => (&*f.params, &**body),
            _ => return None,
        },
        _ => return None,
    };
    (params.items.len() == 3)
        .then(|| Exported::Factory(function::classify(resolver.scoping, params, &body.statements, resolver)))
}

/// How deep helpers may call helpers before the tool stops looking (a helper that calls
/// itself ends here).
const MAX_HELPER_DEPTH: u8 = 4;

/// What a helper registers on its first parameter: its body's statements classified for that
/// parameter, as the statements around a registration are. `None` when the first parameter
/// is not a plain name, a middleware is refused, or nothing in it registers anything.
pub(super) fn registrations<'a>(
    resolver: &Resolver<'a, '_>,
    params: &FormalParameters<'a>,
    statements: &[Statement<'a>],
) -> Option<Registrations> {
    let Some(BindingPattern::BindingIdentifier(id)) = params.items.first().map(|p| &p.pattern) else {
        return None;
    };
    let param = id.symbol_id.get()?;
    let mut receivers = HashMap::default();
    receivers.insert(ReceiverId::Symbol(param), Receiver { name: id.name.to_string(), created: false });
    let deferred = DeferredCache::default();
    let context = Context {
        resolver,
        receivers: &receivers,
        receiver: ReceiverId::Symbol(param),
        this: None,
        reach: None,
        sites: None,
        deferred: &deferred,
    };
    body_registrations(&context, params, statements)
}

/// What a function body registers on the context's receiver: a helper's first parameter, or
/// the `this.app` a method of the same class registers on (`this.routes()`).
pub(super) fn body_registrations<'a>(
    context: &Context<'_, 'a, '_>,
    params: &FormalParameters<'a>,
    statements: &[Statement<'a>],
) -> Option<Registrations> {
    let resolver = context.resolver;
    if resolver.helper_depth.get() >= MAX_HELPER_DEPTH {
        return None;
    }
    resolver.helper_depth.set(resolver.helper_depth.get() + 1);
    let mut found = Registrations { parts: Vec::new(), nested: Vec::new(), pure: true };
    let mut refused = false;
    // Its parameters and its own bindings are not shared: what the caller passes in is read
    // by the call.
    let mut own: HashSet<SymbolId> = params
        .items
        .iter()
        .filter_map(|p| match &p.pattern {
            BindingPattern::BindingIdentifier(id) => id.symbol_id.get(),
            _ => None,
        })
        .collect();
    for stmt in statements {
        let classified = classify_statement(context, stmt);
        let bindings = &classified.bindings;
        own.extend(bindings.declares.iter().copied());
        let shared = bindings.shared_reads.keys().any(|s| !own.contains(s));
        found.pure &= !bindings.opaque && !shared && bindings.shared_state.is_none();
        refused |= classified.parts.iter().chain(&classified.nested).any(|p| p.refusal.is_some());
        let own = classified.parts.iter().filter(|p| p.kind != Kind::Inert);
        found.parts.extend(own.map(Registered::of));
        found.nested.extend(classified.nested.iter().map(Registered::of));
    }
    resolver.helper_depth.set(resolver.helper_depth.get() - 1);
    let registers = found
        .parts
        .iter()
        .chain(&found.nested)
        .any(|r| matches!(r.kind, Kind::Session | Kind::Static | Kind::Shaper | Kind::Consumer));
    let quiet = found.parts.is_empty() && found.nested.is_empty();
    if refused || !(registers || quiet) {
        return None;
    }
    Some(found)
}

/// How a local module's export is classified when used as middleware, through `lookup`.
pub(super) fn local_export(lookup: &Lookup, origin: &Origin<'_>) -> Result<Exported, String> {
    match lookup {
        Lookup::Found(summary) => Ok(summary.export(&origin.path).cloned().unwrap_or(Exported::Unknown)),
        Lookup::Missing { looked_for } => Err(format!("not found: looked for {looked_for}")),
        Lookup::Unreadable { path } => Err(format!("{path} could not be read or parsed")),
        Lookup::NotLoaded => Err(String::new()),
    }
}
