//! Finds Express receivers and classifies every statement around their registrations.
//!
//! Detection reads the AST and oxc's scoping only; it never looks at source text. Its output
//! is owned data (spans, symbol ids, classes) that the planner reasons about: [`model`].
//! One file per question: what a value is ([`resolve`]), who registrations are made on
//! ([`receivers`]), what each statement does ([`statements`], with the [`facts`] visitor), what
//! each middleware is ([`middleware`], with [`function`] for function middleware).

mod facts;
pub mod function;
mod middleware;
pub mod model;
pub mod modules;
mod reach;
mod receivers;
mod resolve;
mod statements;

use rustc_hash::FxHashMap as HashMap;

use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::SemanticBuilder;
use oxc_span::GetSpan;
use oxc_syntax::node::NodeId;
use oxc_syntax::symbol::SymbolId;

use crate::config::Config;
use crate::knowledge::Origin;
pub use model::{Analysis, Bindings, Block, Part, Stmt, Window};
pub use modules::{Lookup, Modules, NoModules, Summary, summarize};
use receivers::{ReceiverId, ThisClasses, call_receiver, find_receivers, method_name, this_field};
use resolve::Resolver;
use statements::{Context, build_block};

/// Analyses a parsed program; `modules` answers for its local modules.
pub fn analyze<'a>(program: &'a Program<'a>, config: &Config, modules: &dyn Modules) -> Analysis {
    let semantic = SemanticBuilder::new().with_build_nodes(true).build(program).semantic;
    let scoping = semantic.scoping();
    let nodes = semantic.nodes();
    let mut resolver = Resolver::new(scoping, config, nodes, modules);
    let mut assignments: HashMap<SymbolId, Vec<(&'a Expression<'a>, NodeId)>> = HashMap::default();
    let mut use_calls = Vec::new();
    let mut helper_calls = Vec::new();
    let mut typed_params = Vec::new();
    let mut fields: Vec<(ReceiverId<'a>, &'a Expression<'a>)> = Vec::new();
    let mut lists = Vec::new();
    // Calls that may register on a receiver: on it (`r.use(...)`) or given it first
    // (`helper(r)`), with where they start. No statement without one classifies as a
    // registration, so a receiver's block spans the statements that hold them.
    let mut sites: Vec<(u32, ReceiverId<'a>)> = Vec::new();
    let mut this_calls: Vec<(u32, u32)> = Vec::new();
    let mut closure_calls: Vec<(u32, &IdentifierReference<'a>)> = Vec::new();
    let this_classes = ThisClasses::new(nodes);
    let this_class = |nodes, id| this_classes.at(nodes, id);
    let mut analysis =
        Analysis { comments: program.comments.iter().map(|c| c.span).collect(), ..Analysis::default() };
    for node in semantic.nodes().iter() {
        crate::budget::tick(1);
        match node.kind() {
            AstKind::VariableDeclarator(declarator) => resolver.add_declarator(declarator),
            AstKind::ImportDeclaration(import) => resolver.add_import(import),
            AstKind::TSImportEqualsDeclaration(import) => {
                if let TSModuleReference::ExternalModuleReference(external) = &import.module_reference
                    && let Some(symbol) = import.id.symbol_id.get()
                {
                    resolver.add_origin(symbol, Origin::new(external.expression.value.as_str()));
                }
            }
            AstKind::CallExpression(call) => {
                let this = this_class(nodes, node.id());
                let first = statements::first_argument_symbol(&resolver, call);
                if method_name(call) == Some("use") {
                    use_calls.push((call, this));
                } else if first.is_some() {
                    helper_calls.push(call);
                }
                if let Some(id) = call_receiver(&resolver, call, this) {
                    sites.push((call.span.start, id));
                }
                // `initialize()`: a function of this file that may register on an app it
                // refers to.
                if let Expression::Identifier(callee) = call.callee.get_inner_expression() {
                    closure_calls.push((call.span.start, callee));
                }
                if let Some(symbol) = first {
                    sites.push((call.span.start, ReceiverId::Symbol(symbol)));
                }
                // `this.routes()`: a method of the class may register on its `this.X` fields.
                if let (Some(class), Expression::StaticMemberExpression(m)) =
                    (this, call.callee.get_inner_expression())
                    && matches!(m.object.get_inner_expression(), Expression::ThisExpression(_))
                {
                    this_calls.push((call.span.start, class));
                }
            }
            AstKind::MethodDefinition(method)
                if method.kind == MethodDefinitionKind::Method && !method.r#static =>
            {
                if let (Some(std::borrow::Cow::Borrowed(name)), Some(class)) =
                    (method.key.static_name(), this_class(nodes, node.id()))
                {
                    let private = method.accessibility == Some(TSAccessibility::Private);
                    resolver.methods.insert((class, name), (&method.value, private));
                }
            }
            AstKind::FormalParameter(param) => {
                if let (BindingPattern::BindingIdentifier(id), Some(annotation)) =
                    (&param.pattern, &param.type_annotation)
                    && let Some(symbol) = id.symbol_id.get()
                {
                    typed_params.push((symbol, &annotation.type_annotation));
                }
            }
            AstKind::PropertyDefinition(property) => {
                if let (Some(value), Some(PropertyKey::StaticIdentifier(key)), Some(class)) =
                    (&property.value, Some(&property.key), this_class(nodes, node.id()))
                {
                    fields.push((ReceiverId::Field(class, key.name.as_str()), value));
                }
            }
            AstKind::AssignmentExpression(assign) => {
                if let AssignmentTarget::AssignmentTargetIdentifier(id) = &assign.left
                    && assign.operator == AssignmentOperator::Assign
                    && let Some(symbol) = resolver.symbol_of(id)
                {
                    assignments.entry(symbol).or_default().push((&assign.right, node.id()));
                }
                if let Some(name) = assign.left.as_member_expression().and_then(this_field)
                    && let Some(class) = this_class(nodes, node.id())
                {
                    fields.push((ReceiverId::Field(class, name), &assign.right));
                }
            }
            AstKind::TemplateLiteral(t) if t.quasis.iter().any(|q| q.value.raw.as_str().contains('\n')) => {
                analysis.verbatim.push(t.span);
            }
            AstKind::Program(p) => lists.push((0, true, &p.body, None)),
            AstKind::BlockStatement(b) => {
                lists.push((b.span.start + 1, false, &b.body, this_class(nodes, node.id())));
            }
            AstKind::FunctionBody(b) => {
                lists.push((b.span.start + 1, false, &b.statements, this_class(nodes, node.id())));
            }
            // `static {` is seven bytes before the list begins.
            AstKind::StaticBlock(b) => {
                lists.push((b.span.start + 7, false, &b.body, this_class(nodes, node.id())))
            }
            AstKind::SwitchCase(case) => {
                let start = case.test.as_ref().map_or(case.span.start, |t| t.span().end);
                lists.push((start + 1, false, &case.consequent, this_class(nodes, node.id())));
            }
            _ => {}
        }
    }

    // `let app; app = express();`: a binding without initializer assigned exactly once is as
    // good as a constant.
    for (symbol, values) in assignments {
        let writes = scoping.get_resolved_references(symbol).filter(|r| r.is_write()).count();
        if writes != values.len() || resolver.inits.contains_key(&symbol) {
            continue;
        }
        match values.as_slice() {
            [(value, _)] => resolver.add_assigned_once(symbol, value),
            // `if (tls) { app = express().https(o) } else { app = express().http() }`: one app
            // either way, made by the same factory.
            [(first, a), (second, b)]
                if exclusive_branches(nodes, *a, *b) && same_app(&resolver, first, second) =>
            {
                resolver.add_assigned_once(symbol, first);
            }
            _ => {}
        }
    }
    let receivers = find_receivers(&resolver, &use_calls, &fields, &helper_calls, &typed_params);
    // Only an app created here has no holders the file cannot see.
    let reaches: HashMap<SymbolId, reach::Reach> = receivers
        .iter()
        .filter_map(|(id, receiver)| match id {
            ReceiverId::Symbol(symbol) => {
                let mut reach = reach::Reach::of(scoping, nodes, *symbol);
                // A parameter's caller, or whatever an alias came from, holds it already.
                if !receiver.created {
                    reach.escape = Some(0);
                }
                Some((*symbol, reach))
            }
            ReceiverId::Field(..) => None,
        })
        .collect();
    // `const app = express().use(session())`: the chain that creates a receiver registers on it.
    for id in receivers.keys() {
        if let ReceiverId::Symbol(symbol) = id
            && let Some(init) = resolver.inits.get(symbol)
        {
            sites.push((init.span().start, *id));
        }
    }
    for &(at, class) in &this_calls {
        let fields = receivers.keys().filter(|id| matches!(id, ReceiverId::Field(c, _) if *c == class));
        sites.extend(fields.map(|&id| (at, id)).collect::<Vec<_>>());
    }
    for &(at, callee) in &closure_calls {
        crate::budget::tick(1);
        let Some(f) = resolver.function_of(callee) else { continue };
        for id in receivers.keys() {
            if let ReceiverId::Symbol(symbol) = *id
                && resolver.refers_to(f, symbol)
            {
                sites.push((at, *id));
            }
        }
    }
    sites.retain(|(_, id)| receivers.contains_key(id));
    sites.sort_unstable_by_key(|&(at, _)| at);
    let mut sites_of: HashMap<ReceiverId<'a>, Vec<u32>> = HashMap::default();
    for &(at, id) in &sites {
        sites_of.entry(id).or_default().push(at);
    }
    for (list_start, is_program, list, this) in lists {
        for (id, (first, last)) in windows(&sites, list, this) {
            crate::budget::tick(1);
            // One statement that holds the receiver's registrations only nested inside it
            // cannot put static after session in the list: nothing to plan here.
            if first == last && !matches!(list[first], Statement::ExpressionStatement(_)) {
                continue;
            }
            let receiver = &receivers[&id];
            let reach = match id {
                ReceiverId::Symbol(symbol) => reaches.get(&symbol),
                ReceiverId::Field(..) => None,
            };
            let sites = sites_of.get(&id).map(Vec::as_slice);
            let context =
                Context { resolver: &resolver, receivers: &receivers, receiver: id, this, reach, sites };
            let window = Window { list_first: list[0].span().start, offset: first, list_len: list.len() };
            let start = if first == 0 { list_start } else { list[first - 1].span().end };
            let stretch = &list[first..=last];
            if let Some(block) =
                build_block(&context, receiver, start, is_program && first == 0, stretch, window)
            {
                analysis.blocks.push(block);
            }
        }
    }
    analysis
        .blocks
        .sort_by(|a, b| (a.window.list_first, &a.receiver).cmp(&(b.window.list_first, &b.receiver)));
    analysis
}

/// Whether two assignments are each the only statement of one branch of the same `if`
/// (`then` and `else`, either way round): exactly one of them runs.
fn exclusive_branches(nodes: &oxc_semantic::AstNodes<'_>, a: NodeId, b: NodeId) -> bool {
    // The `if` and whether the assignment is its `then` branch.
    let branch = |id: NodeId| {
        let statement = nodes.parent_id(id);
        let AstKind::ExpressionStatement(e) = nodes.kind(statement) else { return None };
        let mut span = e.span;
        let mut parent = nodes.parent_id(statement);
        if let AstKind::BlockStatement(block) = nodes.kind(parent) {
            if block.body.len() != 1 {
                return None;
            }
            span = block.span;
            parent = nodes.parent_id(parent);
        }
        let AstKind::IfStatement(branching) = nodes.kind(parent) else { return None };
        Some((branching.span.start, branching.consequent.span() == span))
    };
    matches!((branch(a), branch(b)), (Some((x, then_a)), Some((y, then_b))) if x == y && then_a != then_b)
}

/// Whether two values are both an app made by the same factory (`express()` chains).
fn same_app<'a>(resolver: &Resolver<'a, '_>, a: &Expression<'a>, b: &Expression<'a>) -> bool {
    match (resolver.resolve(a, 0), resolver.resolve(b, 0)) {
        (resolve::Value::Made(x), resolve::Value::Made(y)) => x.is_express_app_or_router() && x == y,
        _ => false,
    }
}

/// For each receiver with sites in `list` (whose `this` is the class at `this`), the first and
/// last statement holding one: a binary search per site, and one when all of the list's sites
/// are in one statement that is not an expression statement (every list around a deep nest).
fn windows<'a>(
    sites: &[(u32, ReceiverId<'a>)],
    list: &[Statement<'_>],
    this: Option<u32>,
) -> Vec<(ReceiverId<'a>, (usize, usize))> {
    let (Some(head), Some(tail)) = (list.first(), list.last()) else { return Vec::new() };
    let lo = sites.partition_point(|&(at, _)| at < head.span().start);
    let hi = sites.partition_point(|&(at, _)| at < tail.span().end);
    if lo == hi {
        return Vec::new();
    }
    let index = |at: u32| list.partition_point(|s| s.span().end <= at);
    let (first, last) = (index(sites[lo].0), index(sites[hi - 1].0));
    if first == last && !matches!(list[first], Statement::ExpressionStatement(_)) {
        return Vec::new();
    }
    let mut found: Vec<(ReceiverId<'a>, (usize, usize))> = Vec::new();
    let mut at: HashMap<ReceiverId<'a>, usize> = HashMap::default();
    for &(pos, id) in &sites[lo..hi] {
        crate::budget::tick(1);
        if matches!(id, ReceiverId::Field(class, _) if Some(class) != this) {
            continue;
        }
        let stmt = index(pos);
        match at.get(&id) {
            Some(&i) => found[i].1.1 = stmt,
            None => {
                at.insert(id, found.len());
                found.push((id, (stmt, stmt)));
            }
        }
    }
    found
}
