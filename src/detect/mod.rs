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
use oxc_syntax::symbol::SymbolId;

use crate::config::Config;
use crate::knowledge::Origin;
pub use model::{Analysis, Bindings, Block, Part, Stmt};
pub use modules::{Lookup, Modules, NoModules, Summary, summarize};
use receivers::{ReceiverId, find_receivers, method_name, this_class, this_field};
use resolve::Resolver;
use statements::{Context, build_block};

/// Analyses a parsed program; `modules` answers for its local modules.
pub fn analyze<'a>(program: &'a Program<'a>, config: &Config, modules: &dyn Modules) -> Analysis {
    let semantic = SemanticBuilder::new().with_build_nodes(true).build(program).semantic;
    let scoping = semantic.scoping();
    let nodes = semantic.nodes();
    let mut resolver = Resolver::new(scoping, config, nodes, modules);
    let mut assignments: HashMap<SymbolId, Vec<&'a Expression<'a>>> = HashMap::default();
    let mut use_calls = Vec::new();
    let mut helper_calls = Vec::new();
    let mut typed_params = Vec::new();
    let mut fields: Vec<(ReceiverId<'a>, &'a Expression<'a>)> = Vec::new();
    let mut lists = Vec::new();
    let mut analysis =
        Analysis { comments: program.comments.iter().map(|c| c.span).collect(), ..Analysis::default() };
    for node in semantic.nodes().iter() {
        match node.kind() {
            AstKind::VariableDeclarator(declarator) => resolver.add_declarator(declarator),
            AstKind::ImportDeclaration(import) => resolver.add_import(import),
            AstKind::TSImportEqualsDeclaration(import) => {
                if let TSModuleReference::ExternalModuleReference(external) = &import.module_reference
                    && let Some(symbol) = import.id.symbol_id.get()
                {
                    resolver.origins.insert(symbol, Origin::new(external.expression.value.as_str()));
                }
            }
            AstKind::CallExpression(call) if method_name(call) == Some("use") => {
                use_calls.push((call, this_class(nodes, node.id())));
            }
            AstKind::CallExpression(call) if statements::first_argument_symbol(&resolver, call).is_some() => {
                helper_calls.push(call);
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
                    assignments.entry(symbol).or_default().push(&assign.right);
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
        if let ([value], 1, false) = (values.as_slice(), writes, resolver.inits.contains_key(&symbol)) {
            resolver.inits.insert(symbol, value);
            resolver.assigned_once.insert(symbol);
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
    for (list_start, is_program, list, this) in lists {
        for (&id, receiver) in &receivers {
            if matches!(id, ReceiverId::Field(class, _) if Some(class) != this) {
                continue;
            }
            let reach = match id {
                ReceiverId::Symbol(symbol) => reaches.get(&symbol),
                ReceiverId::Field(..) => None,
            };
            let context = Context { resolver: &resolver, receivers: &receivers, receiver: id, this, reach };
            if let Some(block) = build_block(&context, receiver, list_start, is_program, list) {
                analysis.blocks.push(block);
            }
        }
    }
    analysis.blocks.sort_by(|a, b| (a.list_start, &a.receiver).cmp(&(b.list_start, &b.receiver)));
    analysis
}
