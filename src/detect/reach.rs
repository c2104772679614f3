//! Which code can reach an app created in this file: the bindings that hold it (aliases,
//! objects it is stored in, functions that refer to it, transitively) and where it first
//! escapes (passed to a call, stored where the file does not own, returned, exported, thrown).
//! A statement that mentions none of them, before the app escapes, cannot register on it.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::{AstNodes, Scoping};
use oxc_span::{GetSpan, Span};
use oxc_syntax::node::NodeId;
use oxc_syntax::symbol::SymbolId;

/// What can reach one receiver.
#[derive(Debug, Default)]
pub struct Reach {
    /// Bindings whose value holds or refers to the receiver.
    pub holders: HashSet<SymbolId>,
    /// Where the receiver (or a holder) first leaves what the file can see.
    pub escape: Option<u32>,
    /// Where code referring to the receiver is first handed to one of its own methods (a route
    /// handler, a `listen` callback): it stays in the app, but it may run, and register, while
    /// the setup code waits (`await`) once the app serves requests.
    pub handler: Option<u32>,
}

impl Reach {
    pub fn of(scoping: &Scoping, nodes: &AstNodes<'_>, receiver: SymbolId) -> Reach {
        let mut reach = Reach::default();
        let mut work = vec![receiver];
        let mut seen: HashSet<SymbolId> = HashSet::default();
        seen.insert(receiver);
        while let Some(symbol) = work.pop() {
            // The scope the binding lives in: beyond it, code holds a different instance (each
            // call of the function that declares the app makes a new one).
            let home = scoping.get_node_id(scoping.symbol_scope_id(symbol));
            // For each node a walk came up from: whether the walk found an escape above it. A
            // later reference under it stops there, so each node is walked once per binding.
            let mut walked: HashMap<NodeId, bool> = HashMap::default();
            for reference in scoping.get_resolved_references(symbol) {
                let node = reference.node_id();
                let mut child = nodes.kind(node).span();
                let mut at = child.start;
                // `export { app }`: a live binding, which a module importing this one back
                // can read as soon as the binding holds the app, wherever the export is written.
                if matches!(nodes.parent_kind(node), AstKind::ExportSpecifier(_)) {
                    at = nodes.kind(scoping.symbol_declaration(symbol)).span().start;
                }
                // `app.locals` is template data: reading it hands out no reference to the app.
                if let AstKind::StaticMemberExpression(m) = nodes.parent_kind(node)
                    && m.property.name == "locals"
                    && m.object.span() == child
                {
                    continue;
                }
                // The nodes walked up from, with whether an escape was found at their parent.
                let mut path: Vec<(NodeId, bool)> = Vec::new();
                let mut from = node;
                let mut above = false;
                let mut handed = false;
                for id in nodes.ancestor_ids(node) {
                    crate::budget::tick(1);
                    if let Some(&escapes) = walked.get(&from) {
                        above = escapes;
                        break;
                    }
                    if id == home {
                        break;
                    }
                    let kind = nodes.kind(id);
                    let mut holds = |s: SymbolId| {
                        if seen.insert(s) {
                            reach.holders.insert(s);
                            work.push(s);
                        }
                    };
                    let escapes = match kind {
                        // `app.get('/x', (req, res) => app.render(...))`: what the app's own
                        // methods are given stays in the app, which only the holders reach.
                        AstKind::CallExpression(call) => {
                            let argument = !contains(call.callee.span(), child);
                            let own = own_method(scoping, &call.callee, receiver);
                            handed |= argument && own;
                            argument && !own
                        }
                        AstKind::NewExpression(call) => !contains(call.callee.span(), child),
                        AstKind::VariableDeclarator(d) => {
                            if d.init.as_ref().is_some_and(|init| contains(init.span(), child)) {
                                for id in d.id.get_binding_identifiers() {
                                    if let Some(s) = id.symbol_id.get() {
                                        holds(s);
                                    }
                                }
                            }
                            false
                        }
                        AstKind::AssignmentExpression(a) if contains(a.right.span(), child) => {
                            match assignment_root(scoping, &a.left) {
                                // `holder.app = app` into an object another module may hold
                                // (`require('./state')`, a parameter): that module can reach it.
                                Some(s) if a.left.is_member_expression() && !owned(scoping, nodes, s) => true,
                                Some(s) => {
                                    holds(s);
                                    false
                                }
                                None => true,
                            }
                        }
                        AstKind::Function(f) => {
                            if let Some(s) = f.id.as_ref().and_then(|id| id.symbol_id.get()) {
                                holds(s);
                            }
                            false
                        }
                        AstKind::Class(c) => {
                            if let Some(s) = c.id.as_ref().and_then(|id| id.symbol_id.get()) {
                                holds(s);
                            }
                            false
                        }
                        AstKind::ReturnStatement(_)
                        | AstKind::ThrowStatement(_)
                        | AstKind::YieldExpression(_)
                        | AstKind::TaggedTemplateExpression(_)
                        | AstKind::ExportDefaultDeclaration(_)
                        | AstKind::ExportNamedDeclaration(_)
                        | AstKind::TSExportAssignment(_) => true,
                        _ => false,
                    };
                    path.push((from, escapes));
                    from = id;
                    child = kind.span();
                }
                if above || path.iter().any(|&(_, escapes)| escapes) {
                    reach.escape = Some(reach.escape.map_or(at, |e| e.min(at)));
                }
                if handed {
                    reach.handler = Some(reach.handler.map_or(at, |e| e.min(at)));
                }
                for &(id, escapes) in path.iter().rev() {
                    above |= escapes;
                    walked.insert(id, above);
                }
            }
        }
        reach
    }
}

/// Whether `callee` is a method of the receiver itself: `app.get`, `app.use`.
fn own_method(scoping: &Scoping, callee: &Expression<'_>, receiver: SymbolId) -> bool {
    let Expression::StaticMemberExpression(m) = callee.get_inner_expression() else { return false };
    let Expression::Identifier(id) = m.object.get_inner_expression() else { return false };
    id.reference_id.get().and_then(|r| scoping.get_reference(r).symbol_id()) == Some(receiver)
}

/// Whether the binding holds an object this file made and no one else was handed at its
/// declaration: an object, array, function or class literal, never reassigned (storing into
/// it keeps the app inside the file until the object itself escapes, which is tracked).
fn owned(scoping: &Scoping, nodes: &AstNodes<'_>, symbol: SymbolId) -> bool {
    match nodes.kind(scoping.symbol_declaration(symbol)) {
        AstKind::VariableDeclarator(d) => {
            !scoping.symbol_is_mutated(symbol)
                && matches!(
                    d.init.as_ref().map(Expression::get_inner_expression),
                    Some(
                        Expression::ObjectExpression(_)
                            | Expression::ArrayExpression(_)
                            | Expression::FunctionExpression(_)
                            | Expression::ArrowFunctionExpression(_)
                            | Expression::ClassExpression(_)
                    )
                )
        }
        AstKind::Function(_) | AstKind::Class(_) => true,
        _ => false,
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The local binding an assignment stores into (`holder` in `holder.app = app`), or `None`
/// when it is not one the file declares (`module.exports`, `global.x`, `this.x`).
fn assignment_root(scoping: &Scoping, target: &AssignmentTarget<'_>) -> Option<SymbolId> {
    let symbol_of = |id: &IdentifierReference<'_>| scoping.get_reference(id.reference_id.get()?).symbol_id();
    if let AssignmentTarget::AssignmentTargetIdentifier(id) = target {
        return symbol_of(id);
    }
    let mut expr = target.as_member_expression()?.object();
    loop {
        match expr.get_inner_expression() {
            Expression::Identifier(id) => return symbol_of(id),
            Expression::StaticMemberExpression(m) => expr = &m.object,
            Expression::ComputedMemberExpression(m) => expr = &m.object,
            _ => return None,
        }
    }
}
