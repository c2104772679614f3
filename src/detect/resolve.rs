//! What an expression evaluates to, as far as imports, `require` and constant bindings tell.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;

use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::Scoping;
use oxc_span::GetSpan;
use oxc_syntax::symbol::SymbolId;

use super::function;
use super::modules::{Exported, Lookup, Modules};
use crate::config::Config;
use crate::knowledge::{
    EFFECT_FREE_CALLS, EFFECT_FREE_GLOBALS, Origin, PRIMITIVE_CALLS, PRIMITIVE_GLOBALS, TABLE, classify_made,
};

/// What an expression evaluates to, as far as imports and constant bindings tell.
#[derive(Debug, Clone)]
pub(super) enum Value<'a> {
    /// A module, or a property path inside one: `express`, `express.static`.
    Module(Origin<'a>),
    /// The result of calling one: `express()`, `session({...})`, `express.static(dir)`.
    Made(Origin<'a>),
    Unknown,
}

pub(super) struct Resolver<'a, 's> {
    pub(super) scoping: &'s Scoping,
    /// What the project declares in its configuration.
    pub(super) config: &'s Config,
    pub(super) nodes: &'s oxc_semantic::AstNodes<'a>,
    /// `const x = <init>` for simple bindings.
    pub(super) inits: HashMap<SymbolId, &'a Expression<'a>>,
    /// `const { key: x } = <init>`.
    pub(super) destructured: HashMap<SymbolId, (&'a Expression<'a>, &'a str)>,
    /// Import bindings.
    pub(super) origins: HashMap<SymbolId, Origin<'a>>,
    /// Bindings declared without a value and assigned once (their value is in `inits`).
    pub(super) assigned_once: HashSet<SymbolId>,
    /// Whether a binding holding a fresh object never lets it out (see [`Resolver::is_private`]).
    pub(super) private: std::cell::RefCell<HashMap<SymbolId, bool>>,
    /// The file's local modules.
    pub(super) modules: &'s dyn Modules,
    /// How many helper bodies are being classified, one inside another.
    pub(super) helper_depth: std::cell::Cell<u8>,
    /// The methods of the file's classes, by the class's start and the method's name, and
    /// whether each is `private` (no subclass may override it).
    pub(super) methods: HashMap<(u32, &'a str), (&'a Function<'a>, bool)>,
    /// What each method registers on a field receiver, by the method's start and the field.
    pub(super) method_helpers:
        std::cell::RefCell<HashMap<(u32, String), Option<super::modules::Registrations>>>,
    /// What each helper function of this file registers, by the function's start.
    pub(super) helpers: std::cell::RefCell<HashMap<u32, Option<super::modules::Registrations>>>,
    /// What each function of this file registers on a receiver it refers to from outside
    /// (`function init() { routes(app) }`), by the function's start and the receiver.
    pub(super) closures: std::cell::RefCell<HashMap<(u32, SymbolId), Option<super::modules::Registrations>>>,
    /// What each call or `new` resolved to, by its span and the hops left: a chain of `n`
    /// links is resolved once, not once per link (which is `n` times `n`, or `2^n` when
    /// no link is an app). Emptied whenever the bindings above change.
    resolved: std::cell::RefCell<HashMap<(u32, u32, u8), Value<'a>>>,
}

/// The methods of an Express app or router that return it (`set` too, given a value).
const CHAINABLE: &[&str] = &["use", "engine", "enable", "disable"];

/// How many variable hops a middleware may be reached through.
pub(super) const MAX_HOPS: u8 = 8;

impl<'a, 's> Resolver<'a, 's> {
    pub(super) fn new(
        scoping: &'s Scoping,
        config: &'s Config,
        nodes: &'s oxc_semantic::AstNodes<'a>,
        modules: &'s dyn Modules,
    ) -> Self {
        Resolver {
            scoping,
            config,
            nodes,
            inits: HashMap::default(),
            destructured: HashMap::default(),
            origins: HashMap::default(),
            assigned_once: HashSet::default(),
            private: Default::default(),
            helper_depth: Default::default(),
            methods: HashMap::default(),
            method_helpers: Default::default(),
            helpers: Default::default(),
            closures: Default::default(),
            resolved: Default::default(),
            modules,
        }
    }
}

impl<'a> Resolver<'a, '_> {
    pub(super) fn add_declarator(&mut self, declarator: &'a VariableDeclarator<'a>) {
        let Some(init) = &declarator.init else { return };
        self.resolved.get_mut().clear();
        match &declarator.id {
            BindingPattern::BindingIdentifier(id) => {
                if let Some(symbol) = id.symbol_id.get() {
                    self.inits.insert(symbol, init);
                }
            }
            BindingPattern::ObjectPattern(pattern) => {
                for property in &pattern.properties {
                    let (Some(Cow::Borrowed(key)), BindingPattern::BindingIdentifier(id)) =
                        (property.key.static_name(), &property.value)
                    else {
                        continue;
                    };
                    if let Some(symbol) = id.symbol_id.get() {
                        self.destructured.insert(symbol, (init, key));
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn add_import(&mut self, import: &ImportDeclaration<'a>) {
        self.resolved.get_mut().clear();
        let module = import.source.value.as_str();
        for specifier in import.specifiers.iter().flatten() {
            let (local, origin) = match specifier {
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => (&s.local, Origin::new(module)),
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => (&s.local, Origin::new(module)),
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    let name = match &s.imported {
                        ModuleExportName::IdentifierName(n) => n.name.as_str(),
                        ModuleExportName::IdentifierReference(n) => n.name.as_str(),
                        ModuleExportName::StringLiteral(n) => n.value.as_str(),
                    };
                    // `import { default as x }` is the default export.
                    let origin =
                        if name == "default" { Origin::new(module) } else { Origin::new(module).with(name) };
                    (&s.local, origin)
                }
            };
            if let Some(symbol) = local.symbol_id.get() {
                self.origins.insert(symbol, origin);
            }
        }
    }

    /// Records where a binding comes from: `import x = require('m')`.
    pub(super) fn add_origin(&mut self, symbol: SymbolId, origin: Origin<'a>) {
        self.resolved.get_mut().clear();
        self.origins.insert(symbol, origin);
    }

    /// Records the one value of a binding declared without one and assigned once.
    pub(super) fn add_assigned_once(&mut self, symbol: SymbolId, value: &'a Expression<'a>) {
        self.resolved.get_mut().clear();
        self.inits.insert(symbol, value);
        self.assigned_once.insert(symbol);
    }

    /// The function a binding is declared as (`function requireLogin(req, res, next) {...}`),
    /// if it is never reassigned.
    pub(super) fn function_of(&self, id: &IdentifierReference<'_>) -> Option<&'a Function<'a>> {
        let symbol = self.symbol_of(id)?;
        if self.scoping.symbol_is_mutated(symbol) {
            return None;
        }
        match self.nodes.kind(self.scoping.symbol_declaration(symbol)) {
            AstKind::Function(f) => Some(f),
            _ => None,
        }
    }

    /// The value of a never-reassigned binding, when it is an arrow or a function expression.
    fn function_value(&self, id: &IdentifierReference<'_>) -> Option<&'a Expression<'a>> {
        let symbol = self.symbol_of(id)?;
        if self.scoping.symbol_is_mutated(symbol) {
            return None;
        }
        let value = self.inits.get(&symbol)?.get_inner_expression();
        matches!(value, Expression::ArrowFunctionExpression(_) | Expression::FunctionExpression(_))
            .then_some(value)
    }

    /// The parameters, body and start of a function of this file a binding names, if it is
    /// never reassigned: a declaration, or a `const` holding a function or an arrow with a
    /// block body (`const setup = (app) => { ... }`).
    pub(super) fn function_body(
        &self,
        id: &IdentifierReference<'_>,
    ) -> Option<(&'a FormalParameters<'a>, &'a FunctionBody<'a>, u32)> {
        if let Some(f) = self.function_of(id) {
            return f.body.as_deref().map(|b| (&*f.params, b, f.span.start));
        }
        match self.function_value(id)? {
            Expression::ArrowFunctionExpression(f) => match &f.body {
                ArrowFunctionBody::FunctionBody(body) => Some((&*f.params, &**body, f.span.start)),
                _ => None,
            },
            Expression::FunctionExpression(f) => f.body.as_deref().map(|b| (&*f.params, b, f.span.start)),
            _ => None,
        }
    }

    /// The parameters and the value of a function of this file that is one `return` (or an
    /// arrow's expression), if its binding is never reassigned: `const isSafe = (url) => ...`.
    pub(super) fn returned_expression(
        &self,
        id: &IdentifierReference<'_>,
    ) -> Option<(&'a FormalParameters<'a>, &'a Expression<'a>)> {
        if let Some(f) = self.function_of(id) {
            return function::function_returns(f).map(|e| (&*f.params, e));
        }
        match self.function_value(id)? {
            Expression::ArrowFunctionExpression(f) => function::arrow_returns(f).map(|e| (&*f.params, e)),
            Expression::FunctionExpression(f) => function::function_returns(f).map(|e| (&*f.params, e)),
            _ => None,
        }
    }

    /// Whether `origin` is in a local module: a relative path, or a workspace package.
    pub(super) fn is_local(&self, origin: &Origin<'_>) -> bool {
        self.modules.is_local(origin.module)
    }

    /// Whether code inside `f` refers to `receiver`, declared outside it.
    pub(super) fn refers_to(&self, f: &Function<'_>, receiver: SymbolId) -> bool {
        let inside = |span: oxc_span::Span| f.span.start <= span.start && span.end <= f.span.end;
        !inside(self.nodes.kind(self.scoping.symbol_declaration(receiver)).span())
            && self
                .scoping
                .get_resolved_references(receiver)
                .any(|r| inside(self.nodes.kind(r.node_id()).span()))
    }

    pub(super) fn symbol_of(&self, id: &IdentifierReference<'_>) -> Option<SymbolId> {
        self.scoping.get_reference(id.reference_id.get()?).symbol_id()
    }

    pub(super) fn resolve(&self, expr: &Expression<'a>, hops: u8) -> Value<'a> {
        if hops > MAX_HOPS {
            return Value::Unknown;
        }
        let expr = expr.get_inner_expression();
        let key = match expr {
            Expression::CallExpression(_) | Expression::NewExpression(_) => {
                let span = expr.span();
                (span.start, span.end, hops)
            }
            _ => return self.resolve_uncached(expr, hops),
        };
        if let Some(value) = self.resolved.borrow().get(&key) {
            return value.clone();
        }
        let value = self.resolve_uncached(expr, hops);
        self.resolved.borrow_mut().insert(key, value.clone());
        value
    }

    fn resolve_uncached(&self, expr: &Expression<'a>, hops: u8) -> Value<'a> {
        crate::budget::tick(1);
        match expr {
            Expression::Identifier(id) => {
                let Some(symbol) = self.symbol_of(id) else {
                    return Value::Unknown;
                };
                if let Some(origin) = self.origins.get(&symbol) {
                    return Value::Module(origin.clone());
                }
                if self.scoping.symbol_is_mutated(symbol) && !self.assigned_once.contains(&symbol) {
                    return Value::Unknown;
                }
                if let Some(init) = self.inits.get(&symbol) {
                    return self.resolve(init, hops + 1);
                }
                if let Some((init, key)) = self.destructured.get(&symbol) {
                    return match self.resolve(init, hops + 1) {
                        Value::Module(origin) => Value::Module(origin.with(key)),
                        _ => Value::Unknown,
                    };
                }
                Value::Unknown
            }
            Expression::StaticMemberExpression(m) => match self.resolve(&m.object, hops) {
                Value::Module(origin) => Value::Module(origin.with(m.property.name.as_str())),
                // `multer(opts).single`: a member of what the module made, one call deep.
                Value::Made(origin) if !origin.instance => {
                    Value::Module(origin.instance_member(m.property.name.as_str()))
                }
                _ => Value::Unknown,
            },
            Expression::NewExpression(call) => match self.resolve(&call.callee, hops) {
                Value::Module(origin) if !origin.instance => Value::Made(origin),
                _ => Value::Unknown,
            },
            Expression::ComputedMemberExpression(m) => match (&m.expression, self.resolve(&m.object, hops)) {
                (Expression::StringLiteral(key), Value::Module(origin)) => {
                    Value::Module(origin.with(key.value.as_str()))
                }
                _ => Value::Unknown,
            },
            Expression::CallExpression(call) => {
                if let Some(module) = require_specifier(self, call) {
                    return Value::Module(Origin::new(module));
                }
                // `express().set('views', dir).use(parser)`: these return the app itself.
                if let Some(member) = call.callee.get_inner_expression().as_member_expression()
                    && let Some(method) = member.static_property_name()
                    && (CHAINABLE.contains(&method)
                        || method == "set" && call.arguments.len() == 2
                        // `express().http().io()`: methods a receiver factory's package adds.
                        || TABLE.is_chain_method(method))
                    && let Value::Made(origin) = self.resolve(member.object(), hops)
                    && origin.is_express_app_or_router()
                    && (CHAINABLE.contains(&method) || method == "set" || origin.chains(method))
                {
                    return Value::Made(origin);
                }
                match self.resolve(&call.callee, hops) {
                    Value::Module(origin) => Value::Made(origin),
                    _ => Value::Unknown,
                }
            }
            // `await` of a value that is not a promise is the value.
            Expression::AwaitExpression(a) => self.resolve(&a.argument, hops),
            Expression::AssignmentExpression(a) if a.operator == AssignmentOperator::Assign => {
                self.resolve(&a.right, hops)
            }
            _ => Value::Unknown,
        }
    }
}

impl<'a> Resolver<'a, '_> {
    /// Whether a read of `symbol` while the app is set up sees a value no call can change: a
    /// package (or a property path into one), a function or class declaration, a constant
    /// holding a literal, a middleware or the fresh result of an effect-free call.
    pub(super) fn is_stable(&self, symbol: SymbolId) -> bool {
        // An import or `require` binding: a package, or a local module's function (a helper or
        // middleware the module summary knows), which no call can change.
        if let Some(origin) = self.origins.get(&symbol) {
            return !self.is_local(origin) || self.is_local_function(origin);
        }
        let flags = self.scoping.symbol_flags(symbol);
        if self.scoping.symbol_is_mutated(symbol) {
            return false;
        }
        // Never assigned after its declaration (`var express = require('express')` counts).
        if flags.is_function() || flags.is_class() {
            return true;
        }
        if let Some((init, key)) = self.destructured.get(&symbol) {
            return match self.resolve(init, 0) {
                Value::Module(origin) if self.is_local(&origin) => self.is_local_function(&origin.with(key)),
                Value::Module(_) => true,
                _ => false,
            };
        }
        let Some(init) = self.inits.get(&symbol) else { return false };
        match init.get_inner_expression() {
            Expression::StringLiteral(_)
            | Expression::NumericLiteral(_)
            | Expression::BooleanLiteral(_)
            | Expression::NullLiteral(_) => true,
            Expression::TemplateLiteral(t) => t.expressions.is_empty(),
            _ => match self.resolve(init, 0) {
                Value::Module(origin) if self.is_local(&origin) => self.is_local_function(&origin),
                Value::Module(_) => true,
                Value::Made(origin) if classify_made(&origin).is_some() || effect_free(&origin) => true,
                _ => self.is_private(symbol, init),
            },
        }
    }

    /// Whether `symbol` is never reassigned and holds a primitive (a string, number, boolean,
    /// `null` or `undefined`): no call it is passed to can change it. `const dir =
    /// path.join(__dirname, 'public')`, `const port = process.env.PORT || 3000`.
    pub(super) fn holds_primitive(&self, symbol: SymbolId) -> bool {
        self.primitive_binding(symbol, 0)
    }

    fn primitive_binding(&self, symbol: SymbolId, hops: u8) -> bool {
        hops <= MAX_HOPS
            && !self.scoping.symbol_is_mutated(symbol)
            && !self.origins.contains_key(&symbol)
            && self.inits.get(&symbol).is_some_and(|init| self.is_primitive(init, hops + 1))
    }

    /// Whether evaluating `expr` always gives a primitive.
    fn is_primitive(&self, expr: &Expression<'a>, hops: u8) -> bool {
        let global = |id: &IdentifierReference<'_>| self.symbol_of(id).is_none();
        match expr.get_inner_expression() {
            Expression::StringLiteral(_)
            | Expression::NumericLiteral(_)
            | Expression::BigIntLiteral(_)
            | Expression::BooleanLiteral(_)
            | Expression::NullLiteral(_)
            | Expression::TemplateLiteral(_)
            // Every unary and binary operator gives a primitive (`+` converts objects).
            | Expression::UnaryExpression(_)
            | Expression::BinaryExpression(_) => true,
            Expression::LogicalExpression(l) => self.is_primitive(&l.left, hops) && self.is_primitive(&l.right, hops),
            Expression::ConditionalExpression(c) => {
                self.is_primitive(&c.consequent, hops) && self.is_primitive(&c.alternate, hops)
            }
            Expression::Identifier(id) => match self.symbol_of(id) {
                Some(symbol) => self.primitive_binding(symbol, hops),
                None => matches!(id.name.as_str(), "undefined" | "NaN" | "Infinity" | "__dirname" | "__filename"),
            },
            // `process.env.PORT`: Node turns whatever is stored there into a string.
            Expression::StaticMemberExpression(m) => matches!(
                m.object.get_inner_expression(),
                Expression::StaticMemberExpression(env) if env.property.name == "env"
                    && matches!(env.object.get_inner_expression(), Expression::Identifier(p) if p.name == "process" && global(p))
            ),
            Expression::CallExpression(call) => match call.callee.get_inner_expression() {
                Expression::Identifier(id) if global(id) => PRIMITIVE_GLOBALS.contains(&id.name.as_str()),
                _ => self.primitive_call(call),
            },
            _ => false,
        }
    }

    /// Whether `call` is of a module function that always returns a primitive, computed from
    /// its arguments only ([`PRIMITIVE_CALLS`]: `path.join`, `path.resolve`, ...).
    pub(super) fn primitive_call(&self, call: &CallExpression<'a>) -> bool {
        match self.resolve(&call.callee, 0) {
            Value::Module(origin) => {
                !origin.instance
                    && matches!(origin.path.as_slice(), [f] | ["posix" | "win32", f]
                        if PRIMITIVE_CALLS.contains(&(origin.module, *f)))
            }
            _ => false,
        }
    }

    /// The package value a local module re-exports at (a prefix of) `origin`'s path, with the
    /// rest of the path after it: `require('./passport').session` where `./passport` exports
    /// `require('passport')` gives `passport` and `session`.
    pub(super) fn reexported(&self, origin: &Origin<'_>) -> Option<(String, Vec<String>)> {
        let Lookup::Found(summary) = self.modules.lookup(origin.module) else { return None };
        (0..=origin.path.len().min(1)).find_map(|n| match summary.export(&origin.path[..n]) {
            Some(Exported::Package { module, path }) => {
                let rest = origin.path[n..].iter().map(|p| p.to_string());
                Some((module.clone(), path.iter().cloned().chain(rest).collect()))
            }
            _ => None,
        })
    }

    /// Whether a local module's export at `origin` is a function (middleware or a helper): a
    /// binding that holds it never changes.
    fn is_local_function(&self, origin: &Origin<'_>) -> bool {
        let Lookup::Found(summary) = self.modules.lookup(origin.module) else { return false };
        matches!(
            summary.export(&origin.path),
            Some(Exported::Middleware(_) | Exported::Registers(_) | Exported::Pure)
        )
    }

    /// Whether `origin` is a local module's middleware factory, which only returns a function.
    fn is_local_factory(&self, origin: &Origin<'_>) -> bool {
        let Lookup::Found(summary) = self.modules.lookup(origin.module) else { return false };
        matches!(summary.export(&origin.path), Some(Exported::Factory(_)))
    }

    /// Whether `symbol` holds a fresh object (`new RedisStore(...)`, `{ ... }`, a call's
    /// result) that no code the tool cannot see can reach: every use is a property read, or
    /// an argument of a middleware factory or an effect-free call. Cached per binding.
    fn is_private(&self, symbol: SymbolId, init: &Expression<'a>) -> bool {
        let mut fresh = init.get_inner_expression();
        while let Expression::AwaitExpression(a) = fresh {
            fresh = a.argument.get_inner_expression();
        }
        if !matches!(
            fresh,
            Expression::NewExpression(_)
                | Expression::CallExpression(_)
                | Expression::ObjectExpression(_)
                | Expression::ArrayExpression(_)
        ) {
            return false;
        }
        if let Some(&known) = self.private.borrow().get(&symbol) {
            return known;
        }
        let private = self.scoping.get_resolved_references(symbol).all(|reference| {
            let node = reference.node_id();
            let mut child = self.nodes.kind(node).span();
            let mut ancestors = self.nodes.ancestor_kinds(node).peekable();
            while let Some(kind) = ancestors.next() {
                match kind {
                    // `store.on(...)`: its own method may put `this` anywhere.
                    AstKind::StaticMemberExpression(m) if m.object.span() == child => {
                        if matches!(ancestors.peek(), Some(AstKind::CallExpression(call)) if call.callee.span() == m.span) {
                            return false;
                        }
                    }
                    AstKind::CallExpression(call) if !within(call.callee.span(), child) => {
                        return self.is_effect_free_call(&call.callee, None);
                    }
                    AstKind::NewExpression(call) if !within(call.callee.span(), child) => {
                        return self.is_effect_free_call(&call.callee, None);
                    }
                    AstKind::ObjectProperty(_)
                    | AstKind::ObjectExpression(_)
                    | AstKind::ArrayExpression(_)
                    | AstKind::ParenthesizedExpression(_)
                    | AstKind::TSAsExpression(_)
                    | AstKind::TSNonNullExpression(_) => {}
                    // A read as a statement's value, a test, an operand: nothing keeps it.
                    AstKind::ExpressionStatement(_) | AstKind::IfStatement(_) | AstKind::BinaryExpression(_) => {
                        return true;
                    }
                    _ => return false,
                }
                child = kind.span();
            }
            false
        });
        self.private.borrow_mut().insert(symbol, private);
        private
    }

    /// Whether calling `callee` provably changes nothing the setup code reads besides what it
    /// is passed (which the caller records as written): a middleware factory, an effect-free
    /// module function or global, `require` of a middleware package or an effect-free module.
    pub(super) fn is_effect_free_call(&self, call_callee: &Expression<'a>, specifier: Option<&str>) -> bool {
        if let Some(specifier) = specifier {
            let origin = Origin::new(specifier);
            return !self.is_local(&origin) && (TABLE.knows(origin.module) || effect_free(&origin.with("*")));
        }
        let global = |id: &IdentifierReference<'_>| {
            EFFECT_FREE_GLOBALS.contains(&id.name.as_str()) && self.symbol_of(id).is_none()
        };
        match call_callee.get_inner_expression() {
            Expression::Identifier(id) if global(id) => return true,
            Expression::StaticMemberExpression(m) => {
                if let Expression::Identifier(id) = m.object.get_inner_expression()
                    && global(id)
                {
                    return true;
                }
            }
            _ => {}
        }
        match self.resolve(call_callee, 0) {
            Value::Module(origin) if self.is_local(&origin) => {
                // `localPassport.initialize()` where the module re-exports passport.
                self.reexported(&origin).is_some_and(|(module, path)| {
                    let package = path.iter().map(String::as_str).fold(Origin::new(&module), Origin::with);
                    classify_made(&package).is_some() || effect_free(&package)
                }) || self.is_local_factory(&origin)
            }
            Value::Module(origin) => classify_made(&origin).is_some() || effect_free(&origin),
            // `new (require('connect-mongo')(session))(options)`: what the factory made.
            Value::Made(origin) => !origin.instance && effect_free(&origin),
            Value::Unknown => false,
        }
    }
}

impl<'a> Resolver<'a, '_> {
    /// Whether calling `callee` makes middleware that reads the file system as it is made
    /// (the table's `reads_files`: serve-favicon, sirv, express-static-gzip).
    pub(super) fn reads_files_when_made(&self, callee: &Expression<'a>) -> bool {
        matches!(self.resolve(callee, 0), Value::Module(origin)
            if classify_made(&origin).is_some_and(|class| class.entry.reads_files))
    }

    /// Whether `callee` names a pure function ([`function::is_pure_function`]) of this file
    /// or of a local module. `Some(constant)` is the module-level constant of this file it
    /// returns, which the call reads (before its declaration, the call throws).
    pub(super) fn pure_function(&self, callee: &Expression<'a>) -> Option<Option<SymbolId>> {
        if let Expression::Identifier(id) = callee.get_inner_expression()
            && let Some((params, returned)) = self.returned_expression(id)
        {
            return function::is_pure_function(self.scoping, params, returned, &|c| self.primitive_call(c))
                .then(|| function::returned_constant(self.scoping, returned));
        }
        match self.resolve(callee, 0) {
            Value::Module(origin) if self.is_local(&origin) => {
                let Lookup::Found(summary) = self.modules.lookup(origin.module) else { return None };
                matches!(summary.export(&origin.path), Some(Exported::Pure)).then_some(None)
            }
            _ => None,
        }
    }

    /// [`Resolver::pure_function`] for a call whose arguments are all literals: it has no
    /// effect.
    pub(super) fn pure_call(&self, call: &CallExpression<'a>) -> Option<Option<SymbolId>> {
        let literal = |a: &Argument<'_>| match a {
            Argument::StringLiteral(_)
            | Argument::NumericLiteral(_)
            | Argument::BooleanLiteral(_)
            | Argument::NullLiteral(_) => true,
            Argument::TemplateLiteral(t) => t.expressions.is_empty(),
            _ => false,
        };
        if !call.arguments.iter().all(literal) {
            return None;
        }
        self.pure_function(&call.callee)
    }
}

fn within(outer: oxc_span::Span, inner: oxc_span::Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Whether `origin` is a function of [`EFFECT_FREE_CALLS`].
fn effect_free(origin: &Origin<'_>) -> bool {
    !origin.instance
        && EFFECT_FREE_CALLS.iter().any(|&(module, first)| {
            origin.module == module && (first == "*" || origin.path.first() == Some(&first))
        })
}

/// `require('m')` with the global `require`: the module specifier.
pub(super) fn require_specifier<'a>(
    resolver: &Resolver<'a, '_>,
    call: &CallExpression<'a>,
) -> Option<&'a str> {
    let Expression::Identifier(callee) = &call.callee else {
        return None;
    };
    if callee.name != "require" || resolver.symbol_of(callee).is_some() || call.arguments.len() != 1 {
        return None;
    }
    match &call.arguments[0] {
        Argument::StringLiteral(s) => Some(s.value.as_str()),
        Argument::TemplateLiteral(t) => t.single_quasi().map(|q| q.as_str()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::detect::{NoModules, analyze};
    use crate::parse::parse;
    use oxc_allocator::Allocator;
    use oxc_span::SourceType;

    /// Whether passing `X` (declared as `init`) to an unknown call counts as writing it.
    fn written_when_passed(declaration: &str) -> bool {
        let text = format!(
            "const express = require('express');\nconst session = require('express-session');\n\
             const path = require('path');\nconst url = require('node:url');\n{declaration}\n\
             const app = express();\napp.use(session({{ secret: 's' }}));\ntune(X);\n\
             app.use(express.static('public'));\n"
        );
        let allocator = Allocator::default();
        let program = parse(&allocator, &text, SourceType::cjs()).unwrap();
        let analysis = analyze(&program, &Config::default(), &NoModules);
        let block = analysis.blocks.first().expect("a block");
        let call = block.stmts.iter().find(|s| text[s.span.start as usize..].starts_with("tune(X)")).unwrap();
        !call.bindings.writes.is_empty()
    }

    #[test]
    fn a_call_cannot_change_a_primitive_it_is_passed() {
        for primitive in [
            "const X = 'public';",
            "const X = `${__dirname}/public`;",
            "const X = path.join(__dirname, 'public');",
            "var X = require('path').resolve('public');",
            "const X = url.fileURLToPath(here);",
            "const X = process.env.PORT || 3000;",
            "const X = process.env.DEV ? 'src' : 'dist';",
            "const D = path.join(__dirname, 'p');\nconst X = D;",
            "const X = __dirname + '/public';",
            "const X = String(Date.now());",
            "let X = typeof window;",
        ] {
            assert!(!written_when_passed(primitive), "{primitive}");
        }
        for object in [
            "const X = { index: false };",
            "const X = [];",
            "const X = /x/;",
            "const X = new String('s');",
            "const X = path.parse(__dirname);",
            "const X = process.env;",
            "const X = process.env.A || {};",
            "const X = make();",
            "let X = 'a';\nX = {};",
            "const String = (s) => ({ s });\nconst X = String('a');",
            "const process = { env: { A: {} } };\nconst X = process.env.A;",
        ] {
            assert!(written_when_passed(object), "{object}");
        }
    }
}
