//! Local modules as detection sees them: what each export of `./config/flash` is (a package
//! re-exported, function middleware, a helper that registers middleware on the app it is
//! given), summarised from the module's own AST. Detection asks through [`Modules`]; the
//! driver answers from disk (read once per run), tests and the fuzzer answer nothing.

use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::SemanticBuilder;

use super::function;
use super::middleware::use_parts;
use oxc_ast_visit::Visit;

use super::facts::Facts;
use super::receivers::{Receiver, ReceiverId, call_receiver};
use super::resolve::{Resolver, Value};
use super::statements::Context;
use crate::config::Config;
use crate::knowledge::{Kind, Origin};

/// Answers for the local modules of the file being analysed.
pub trait Modules {
    /// The module `specifier` (relative, as written) resolves to, summarised.
    fn lookup(&self, specifier: &str) -> Lookup;
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exported {
    /// A package's value: `module.exports = require('connect-flash')`.
    Package {
        module: String,
        path: Vec<String>,
    },
    /// Function middleware, classified by its body.
    Middleware {
        kind: Kind,
        rule: &'static str,
    },
    /// A function that registers middleware of one class on the app it is given first;
    /// `pure` when setting it up calls nothing unknown and reads nothing such a call could change.
    Registers {
        kind: Kind,
        pure: bool,
    },
    Unknown,
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
}

/// Summarises a parsed module: each export classified with the same rules as the importer's.
pub fn summarize<'a>(program: &'a Program<'a>, config: &Config) -> Summary {
    let semantic = SemanticBuilder::new().with_build_nodes(true).build(program).semantic;
    let mut resolver = Resolver::new(semantic.scoping(), config, semantic.nodes(), &NoModules);
    let mut exported: Vec<(String, &'a Expression<'a>)> = Vec::new();
    let mut functions: Vec<(String, &'a Function<'a>)> = Vec::new();
    for node in semantic.nodes().iter() {
        match node.kind() {
            AstKind::VariableDeclarator(declarator) => resolver.add_declarator(declarator),
            AstKind::ImportDeclaration(import) => resolver.add_import(import),
            AstKind::AssignmentExpression(assign) if assign.operator == AssignmentOperator::Assign => {
                if let Some(name) = export_target(&assign.left) {
                    exported.push((name, &assign.right));
                }
            }
            AstKind::ExportDefaultDeclaration(export) => match &export.declaration {
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
            _ => Exported::Unknown,
        },
        Expression::Identifier(id) if let Some(f) = resolver.function_of(id) => {
            function_export(resolver, &f.params, f.body.as_deref())
        }
        _ => match resolver.resolve(expr, 0) {
            Value::Module(origin) if !origin.is_relative() => Exported::Package {
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
    if params.items.len() == 3 {
        let (kind, rule) = function::classify(resolver.scoping, params, &body.statements, &|callee| {
            super::middleware::forwarded(resolver, callee)
        });
        return Exported::Middleware { kind, rule };
    }
    match helper_kind(resolver, params, &body.statements) {
        Some((kind, pure)) => Exported::Registers { kind, pure },
        None => Exported::Unknown,
    }
}

/// The one class of middleware a helper registers on its first parameter, when every statement
/// of its body is such a registration (inert middleware besides): `function setup(app) {
/// app.use(session(...)) }` registers session.
pub(super) fn helper_kind<'a>(
    resolver: &Resolver<'a, '_>,
    params: &FormalParameters<'a>,
    statements: &[Statement<'a>],
) -> Option<(Kind, bool)> {
    let Some(BindingPattern::BindingIdentifier(id)) = params.items.first().map(|p| &p.pattern) else {
        return None;
    };
    let param = id.symbol_id.get()?;
    let mut receivers = HashMap::default();
    receivers.insert(ReceiverId::Symbol(param), Receiver { name: id.name.to_string(), created: false });
    let context = Context {
        resolver,
        receivers: &receivers,
        receiver: ReceiverId::Symbol(param),
        this: None,
        reach: None,
        sites: None,
    };
    let mut pure = true;
    let mut kinds: HashSet<Kind> = HashSet::default();
    for stmt in statements {
        let mut facts = Facts::new(&context, Default::default());
        facts.visit_statement(stmt);
        let shared = facts.bindings.shared_reads.keys().any(|s| *s != param);
        pure &= !facts.bindings.opaque && !shared && facts.bindings.shared_state.is_none();
        let Statement::ExpressionStatement(e) = stmt else { return None };
        let Expression::CallExpression(call) = e.expression.get_inner_expression() else { return None };
        let mut link = call;
        loop {
            if super::receivers::method_name(link) != Some("use") {
                return None;
            }
            for part in use_parts(resolver, link) {
                if part.refusal.is_some() {
                    return None;
                }
                kinds.insert(part.kind);
            }
            match link.callee.get_inner_expression().as_member_expression().map(MemberExpression::object) {
                Some(Expression::CallExpression(inner)) => link = inner,
                _ => break,
            }
        }
        if call_receiver(resolver, link, None) != Some(ReceiverId::Symbol(param)) {
            return None;
        }
    }
    kinds.remove(&Kind::Inert);
    match kinds.iter().collect::<Vec<_>>().as_slice() {
        [kind] if matches!(kind, Kind::Session | Kind::Static | Kind::Shaper | Kind::Consumer) => {
            Some((**kind, pure))
        }
        [] => Some((Kind::Inert, pure)),
        _ => None,
    }
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
