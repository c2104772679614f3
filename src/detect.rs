//! Finds Express receivers and classifies every statement around their registrations.
//!
//! Detection reads the AST and oxc's scoping only; it never looks at source text. Its output
//! is owned data (spans, symbol ids, classes) that the planner reasons about.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;

use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_semantic::{Scoping, SemanticBuilder};
use oxc_span::{GetSpan, Span};
use oxc_syntax::scope::ScopeFlags;
use oxc_syntax::symbol::SymbolId;

use crate::body;
use crate::classify::{Kind, Origin, classify_made};
use crate::config::Config;

/// Everything the planner and rewriter need to know about one file.
#[derive(Debug, Default)]
pub struct Analysis {
    /// One block per (statement list, receiver) where that receiver registers both session and
    /// static middleware.
    pub blocks: Vec<Block>,
    /// Every comment's span, in source order.
    pub comments: Vec<Span>,
    /// Template literals spanning lines: their text must never be re-indented.
    pub verbatim: Vec<Span>,
}

/// A statement list, seen from one receiver (an app, a router, or a parameter holding one).
#[derive(Debug)]
pub struct Block {
    /// The receiver's name, for messages.
    pub receiver: String,
    /// Where the list's contents begin: 0 for the program, after `{` for a block.
    pub list_start: u32,
    /// Whether this is the program's top-level list.
    pub is_program: bool,
    pub stmts: Vec<Stmt>,
}

/// One statement of a block, classified for that block's receiver.
#[derive(Debug)]
pub struct Stmt {
    pub span: Span,
    /// What the statement does, in execution order: the middleware of a registration, or one
    /// part describing any other statement.
    pub parts: Vec<Part>,
    /// Session and static registrations on the receiver nested inside this statement (in an
    /// `if`, a loop, a callback): they make a finding but cannot be moved.
    pub nested: Vec<Part>,
    pub bindings: Bindings,
    /// When the statement is one `use` call, or a chain of them, on one mount path, with a
    /// plain expression for every middleware: the bindings of each argument, parallel to
    /// `parts`. Such arguments can be reordered in place.
    pub arguments: Option<Vec<Bindings>>,
}

/// One classified piece of a statement.
#[derive(Debug, Clone)]
pub struct Part {
    pub kind: Kind,
    /// What it is, in a few words: `express-session`, `express.static`, `route app.get`.
    pub what: String,
    pub span: Span,
    /// Why no move may involve or cross this part, whatever its kind: `auth()` is a session and
    /// a guard at once; Express 3's `express.session()` belongs to an API the tool never edits.
    pub refusal: Option<&'static str>,
    /// The literal path prefix (lowercase, no trailing `/`) outside which the part never acts:
    /// its mount path, or a route's path up to its first parameter or pattern. `None` when it
    /// may act on any path, and for a static that may answer every request under its mount
    /// (`fallthrough: false`, unknown options, serve-index, sirv), which must never cross
    /// routes however they are mounted.
    pub scope: Option<String>,
}

/// The bindings a statement touches, for the temporal-dead-zone and reassignment checks.
#[derive(Debug, Default, Clone)]
pub struct Bindings {
    pub reads: HashSet<SymbolId>,
    /// Symbols assigned, or whose properties are assigned, or that a call may mutate.
    pub writes: HashSet<SymbolId>,
    pub declares: HashSet<SymbolId>,
    /// Names of the symbols in `writes` and `declares`, for messages.
    pub names: HashMap<SymbolId, String>,
    /// `this.X` fields read and written (inside class methods).
    pub fields_read: HashSet<String>,
    pub fields_written: HashSet<String>,
}

impl Bindings {
    /// Whether moving a statement with `self` across one with `other` could change what either
    /// sees: the name of a binding or field that conflicts.
    pub fn conflict(&self, other: &Bindings) -> Option<String> {
        let touched = |b: &Bindings, s: &SymbolId| {
            b.reads.contains(s) || b.writes.contains(s) || b.declares.contains(s)
        };
        let symbol = self
            .reads
            .iter()
            .find(|s| other.declares.contains(s) || other.writes.contains(s))
            .or_else(|| self.writes.iter().find(|s| touched(other, s)))
            .or_else(|| self.declares.iter().find(|s| touched(other, s)));
        if let Some(symbol) = symbol {
            let name = self.names.get(symbol).or_else(|| other.names.get(symbol));
            return Some(name.cloned().unwrap_or_else(|| "a binding".into()));
        }
        let field = self
            .fields_read
            .iter()
            .find(|f| other.fields_written.contains(*f))
            .or_else(|| self.fields_written.iter().find(|f| other.fields_read.contains(*f)));
        field.map(|f| format!("this.{f}"))
    }
}

impl Stmt {
    pub fn has_session(&self) -> bool {
        self.parts.iter().chain(&self.nested).any(|p| p.kind == Kind::Session)
    }

    pub fn has_static(&self) -> bool {
        self.parts.iter().chain(&self.nested).any(|p| p.kind == Kind::Static)
    }

    /// The statement's first session part and the first static part after it, if any.
    pub fn static_after_session(&self) -> Option<(&Part, &Part)> {
        let at = self.parts.iter().position(|p| p.kind == Kind::Session)?;
        let static_part = self.parts[at..].iter().find(|p| p.kind == Kind::Static)?;
        Some((&self.parts[at], static_part))
    }

    /// A registration that only registers session middleware (with consumers and inert
    /// middleware in the same call): the planner may sink it as a unit.
    pub fn is_session_registration(&self) -> bool {
        self.nested.is_empty()
            && self.has_session()
            && self.parts.iter().all(|p| matches!(p.kind, Kind::Session | Kind::Consumer | Kind::Inert))
    }

    /// A registration of static middleware only: the planner may lift it as a unit.
    pub fn is_static_registration(&self) -> bool {
        self.nested.is_empty() && !self.parts.is_empty() && self.parts.iter().all(|p| p.kind == Kind::Static)
    }

    /// Whether every part is one of `kinds` (inert parts always fit): such a statement can be
    /// carried along by a move.
    pub fn only(&self, kind: Kind) -> bool {
        self.nested.is_empty()
            && self.parts.iter().any(|p| p.kind == kind)
            && self.parts.iter().all(|p| p.kind == kind || p.kind == Kind::Inert)
    }
}

/// Analyses a parsed program.
pub fn analyze<'a>(program: &'a Program<'a>, config: &Config) -> Analysis {
    let semantic = SemanticBuilder::new().with_build_nodes(true).build(program).semantic;
    let scoping = semantic.scoping();
    let nodes = semantic.nodes();
    let mut resolver = Resolver {
        scoping,
        config,
        nodes,
        inits: HashMap::default(),
        destructured: HashMap::default(),
        origins: HashMap::default(),
        assigned_once: HashSet::default(),
    };
    let mut assignments: HashMap<SymbolId, Vec<&'a Expression<'a>>> = HashMap::default();
    let mut use_calls = Vec::new();
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
    let receivers = find_receivers(&resolver, &use_calls, &fields);
    for (list_start, is_program, list, this) in lists {
        for (&id, receiver) in &receivers {
            if matches!(id, ReceiverId::Field(class, _) if Some(class) != this) {
                continue;
            }
            let context = Context { resolver: &resolver, receivers: &receivers, receiver: id, this };
            if let Some(block) = build_block(&context, receiver, list_start, is_program, list) {
                analysis.blocks.push(block);
            }
        }
    }
    analysis.blocks.sort_by(|a, b| (a.list_start, &a.receiver).cmp(&(b.list_start, &b.receiver)));
    analysis
}

/// The name of the method a call invokes: `use` in `app.use(...)`.
fn method_name<'a>(call: &CallExpression<'a>) -> Option<&'a str> {
    call.callee.get_inner_expression().as_member_expression().and_then(|m| m.static_property_name())
}

/// Who registrations are made on: a binding (`app`), or a field of the class whose methods
/// the code is in (`this.app`, keyed by the class's start offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ReceiverId<'a> {
    Symbol(SymbolId),
    Field(u32, &'a str),
}

/// What a receiver is known to be.
#[derive(Debug)]
struct Receiver {
    name: String,
    /// Created here by `express()` or `Router()`: a distinct object from every other such one.
    created: bool,
}

fn find_receivers<'a>(
    resolver: &Resolver<'a, '_>,
    use_calls: &[(&CallExpression<'a>, Option<u32>)],
    fields: &[(ReceiverId<'a>, &'a Expression<'a>)],
) -> HashMap<ReceiverId<'a>, Receiver> {
    let mut receivers = HashMap::default();
    let made_here = |init: &Expression<'a>| matches!(resolver.resolve(init, 0), Value::Made(origin) if origin.is_express_app_or_router());
    for (&symbol, init) in &resolver.inits {
        if made_here(init) {
            let name = resolver.scoping.symbol_name(symbol).to_string();
            // `const same = app` reaches an app through a hop: an alias, not a new app.
            let created = matches!(init.get_inner_expression(), Expression::CallExpression(_));
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
        if receivers.contains_key(&id) {
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
    receivers
}

/// The class whose instance `this` is at a node: the node sits in a method, a field initializer
/// or a static block of that class, possibly inside arrow functions. `None` anywhere else.
fn this_class(nodes: &oxc_semantic::AstNodes<'_>, id: oxc_syntax::node::NodeId) -> Option<u32> {
    let mut kinds = nodes.ancestor_kinds(id);
    while let Some(kind) = kinds.next() {
        match kind {
            AstKind::Function(_) if !matches!(kinds.next(), Some(AstKind::MethodDefinition(_))) => {
                return None;
            }
            AstKind::Class(class) => return Some(class.span.start),
            AstKind::Program(_) => return None,
            _ => {}
        }
    }
    None
}

/// `X` in `this.X`.
fn this_property<'a>(member: &StaticMemberExpression<'a>) -> Option<&'a str> {
    matches!(member.object.get_inner_expression(), Expression::ThisExpression(_))
        .then(|| member.property.name.as_str())
}

fn this_field<'a>(member: &MemberExpression<'a>) -> Option<&'a str> {
    match member {
        MemberExpression::StaticMemberExpression(m) => this_property(m),
        _ => None,
    }
}

/// Who `X.use(...)` registers on, where `this` is an instance of the class at `this_class`.
fn call_receiver<'a>(
    resolver: &Resolver<'a, '_>,
    call: &CallExpression<'a>,
    this_class: Option<u32>,
) -> Option<ReceiverId<'a>> {
    let member = call.callee.get_inner_expression().as_member_expression()?;
    match member.object().get_inner_expression() {
        Expression::Identifier(id) => resolver.symbol_of(id).map(ReceiverId::Symbol),
        Expression::StaticMemberExpression(m) => Some(ReceiverId::Field(this_class?, this_property(m)?)),
        _ => None,
    }
}

/// What classifying statements for one receiver needs.
struct Context<'c, 'a, 's> {
    resolver: &'c Resolver<'a, 's>,
    receivers: &'c HashMap<ReceiverId<'a>, Receiver>,
    receiver: ReceiverId<'a>,
    /// The class `this` belongs to in the list being classified.
    this: Option<u32>,
}

fn build_block(
    context: &Context<'_, '_, '_>,
    receiver: &Receiver,
    list_start: u32,
    is_program: bool,
    list: &oxc_allocator::Vec<'_, Statement<'_>>,
) -> Option<Block> {
    let mut stmts = Vec::with_capacity(list.len());
    let (mut session, mut statics) = (false, false);
    for stmt in list {
        let classified = classify_statement(context, stmt);
        session |= classified.has_session();
        statics |= classified.has_static();
        stmts.push(classified);
    }
    (session && statics).then(|| Block { receiver: receiver.name.clone(), list_start, is_program, stmts })
}

impl Context<'_, '_, '_> {
    /// Whether the facts show the statement touching the receiver.
    fn mentioned_in(&self, bindings: &Bindings) -> bool {
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

fn classify_statement<'a>(context: &Context<'_, 'a, '_>, stmt: &Statement<'a>) -> Stmt {
    let direct: Vec<Span> = direct_calls(stmt).iter().map(|c| c.span).collect();
    let mut facts = Facts::new(context, direct);
    if !matches!(stmt, Statement::FunctionDeclaration(_) | Statement::ClassDeclaration(_)) {
        facts.collect_nested = true;
    }
    facts.visit_statement(stmt);
    let span = stmt.span();
    let part = |kind: Kind, what: &str| {
        vec![Part { kind, what: what.to_string(), span, refusal: None, scope: None }]
    };
    let mentions_receiver = context.mentioned_in(&facts.bindings);

    if let Statement::IfStatement(branching) = stmt
        && let Some(parts) = classify_if(context, branching)
    {
        return Stmt { span, parts, nested: Vec::new(), bindings: facts.bindings, arguments: None };
    }
    let parts = match stmt {
        Statement::ExpressionStatement(e) => {
            classify_expression(context, &e.expression, &facts, mentions_receiver)
        }
        Statement::VariableDeclaration(_) if mentions_receiver => {
            part(Kind::Unknown, "a declaration that uses the receiver")
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
        Statement::IfStatement(_) if mentions_receiver => part(
            Kind::Unknown,
            "an `if` whose test may have side effects, or whose branches do more than register static \
             middleware (or session middleware in both)",
        ),
        _ if mentions_receiver => part(Kind::Unknown, "a compound statement that uses the receiver"),
        _ if facts.has_call => part(Kind::Unknown, "a statement with calls"),
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
enum Branch {
    Empty,
    /// Static registrations only.
    Static,
    /// Session registrations, with consumers and inert middleware at most.
    Session,
    Other,
}

fn branch(context: &Context<'_, '_, '_>, stmt: Option<&Statement<'_>>) -> (Branch, Vec<Part>) {
    let stmts: Vec<Stmt> = match stmt {
        None => Vec::new(),
        Some(Statement::BlockStatement(block)) => {
            block.body.iter().map(|s| classify_statement(context, s)).collect()
        }
        Some(single) => vec![classify_statement(context, single)],
    };
    let parts: Vec<Part> = stmts.iter().flat_map(|s| s.parts.iter().cloned()).collect();
    let kind = if stmts.is_empty() {
        Branch::Empty
    } else if parts.iter().any(|p| p.refusal.is_some()) {
        Branch::Other
    } else if stmts.iter().all(Stmt::is_static_registration) {
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

/// An `if` with a side-effect-free test whose branches only register static middleware (the
/// `if` moves as one static registration), or that registers session in both branches (one
/// session registration at the `if`). Anything else is classified as any statement is.
fn classify_if<'a>(context: &Context<'_, 'a, '_>, branching: &IfStatement<'a>) -> Option<Vec<Part>> {
    if !is_side_effect_free(&branching.test) {
        return None;
    }
    let (then, then_parts) = branch(context, Some(&branching.consequent));
    let (otherwise, else_parts) = branch(context, branching.alternate.as_ref());
    let summary = |kind: Kind, part: &Part| Part {
        kind,
        what: part.what.clone(),
        span: part.span,
        refusal: None,
        scope: None,
    };
    match (then, otherwise) {
        (Branch::Static, Branch::Static | Branch::Empty) => Some(vec![summary(Kind::Static, &then_parts[0])]),
        (Branch::Session, Branch::Session) => {
            let all = then_parts.iter().chain(&else_parts);
            let session = all.clone().find(|p| p.kind == Kind::Session)?;
            let mut parts = vec![summary(Kind::Session, session)];
            if let Some(consumer) = all.clone().find(|p| p.kind == Kind::Consumer) {
                parts.push(summary(Kind::Consumer, consumer));
            }
            Some(parts)
        }
        _ => None,
    }
}

/// Whether evaluating `expr` cannot change anything: names, literals, property reads and
/// operators on them (no calls, assignments, `delete`, `await` or `new`).
fn is_side_effect_free(expr: &Expression<'_>) -> bool {
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
fn argument_bindings<'a>(
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
    for link in links.iter().rev() {
        if method_name(link) != Some("use") {
            return None;
        }
        let mut args = link.arguments.iter().peekable();
        let path = mount_argument(&mut args).ok()?;
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
    if arguments.len() != parts.len() || arguments.iter().zip(parts).any(|(a, p)| a.span() != p.span) {
        return None;
    }
    let bindings = arguments
        .iter()
        .map(|arg| {
            let mut facts = Facts::new(context, Vec::new());
            facts.visit_expression(arg);
            facts.bindings
        })
        .collect();
    Some(bindings)
}

/// The calls that make up an expression statement itself: one call, or every link of a chain.
fn direct_calls<'s, 'a>(stmt: &'s Statement<'a>) -> Vec<&'s CallExpression<'a>> {
    match stmt {
        Statement::ExpressionStatement(e) => match e.expression.get_inner_expression() {
            Expression::CallExpression(call) => chain_links(call),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn classify_expression<'a>(
    context: &Context<'_, 'a, '_>,
    expr: &Expression<'a>,
    facts: &Facts<'a, '_>,
    mentions_receiver: bool,
) -> Vec<Part> {
    let (resolver, receivers, r) = (context.resolver, context.receivers, context.receiver);
    let span = expr.span();
    let one = |kind: Kind, what: String| vec![Part { kind, what, span, refusal: None, scope: None }];
    if !facts.has_call {
        return one(Kind::Inert, "a statement without calls".into());
    }
    let Expression::CallExpression(call) = expr.get_inner_expression() else {
        return one(Kind::Unknown, "an expression with calls".into());
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
        return if other.created && mine {
            one(Kind::Inert, format!("a registration on another app or router (`{}`)", other.name))
        } else {
            one(Kind::Unknown, format!("a registration on `{}`, which may be the same app", other.name))
        };
    }
    if mentions_receiver {
        return one(Kind::Unknown, "a call that is passed the receiver".into());
    }
    if let Value::Module(origin) = resolver.resolve(&call.callee, 0)
        && let ("passport", ["use" | "serializeUser" | "deserializeUser"]) =
            (origin.module, origin.path.as_slice())
    {
        return one(Kind::Inert, origin.display());
    }
    if is_console_call(resolver, call) && !facts.nested_call_in_args {
        return one(Kind::Inert, "console output".into());
    }
    one(Kind::Unknown, "an unclassified call".into())
}

/// A call and the calls its callee is chained on, outermost first: `a.use(x).use(y)` gives
/// the `.use(y)` call, then `.use(x)`.
fn chain_links<'s, 'a>(call: &'s CallExpression<'a>) -> Vec<&'s CallExpression<'a>> {
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

fn is_console_call(resolver: &Resolver<'_, '_>, call: &CallExpression<'_>) -> bool {
    let Some(member) = call.callee.get_inner_expression().as_member_expression() else {
        return false;
    };
    matches!(member.object(), Expression::Identifier(id) if id.name == "console" && resolver.symbol_of(id).is_none())
}

const ROUTE_METHODS: &[&str] = &[
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
fn classify_link(resolver: &Resolver<'_, '_>, call: &CallExpression<'_>) -> Vec<Part> {
    let span = call.span;
    let one = |kind: Kind, what: String| vec![Part { kind, what, span, refusal: None, scope: None }];
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

/// The middleware of a `use` call, in the order Express runs them (arrays flattened).
fn use_parts(resolver: &Resolver<'_, '_>, call: &CallExpression<'_>) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut args = call.arguments.iter().peekable();
    // The mount path's literal prefix; `None` for the root or a pattern.
    let mount = mount_argument(&mut args)
        .ok()
        .flatten()
        .filter(|m| !m.contains(['*', '?', '+', '(', ':']))
        .and_then(path_prefix);
    for arg in args {
        match arg.as_expression() {
            Some(expr) => flatten_middleware(resolver, expr, mount.as_deref(), &mut parts),
            None => parts.push(Part {
                kind: Kind::Unknown,
                what: "spread arguments".into(),
                span: arg.span(),
                refusal: None,
                scope: None,
            }),
        }
    }
    // A static behind a guard in the same call is deliberate: `use('/p', requireLogin, static)`.
    let mut guarded = false;
    for part in &mut parts {
        if part.kind == Kind::Static && guarded {
            part.kind = Kind::Guard;
            part.what = format!("{} behind a guard in the same call", part.what);
        }
        guarded |= matches!(part.kind, Kind::Guard | Kind::Unknown);
    }
    parts
}

/// Takes a `use` call's leading path argument, if it has one: `Ok(Some(path))` for a string
/// literal, `Ok(None)` for none (the root), `Err(())` for a template, a regex or an array.
fn mount_argument<'s, 'a>(
    args: &mut std::iter::Peekable<std::slice::Iter<'s, Argument<'a>>>,
) -> Result<Option<&'s str>, ()> {
    match args.next_if(|a| is_path_argument(a)) {
        Some(Argument::StringLiteral(s)) => Ok(Some(s.value.as_str())),
        Some(_) => Err(()),
        None => Ok(None),
    }
}

fn is_path_argument(arg: &Argument<'_>) -> bool {
    match arg {
        Argument::StringLiteral(_) | Argument::TemplateLiteral(_) | Argument::RegExpLiteral(_) => true,
        Argument::ArrayExpression(array) => array.elements.first().is_some_and(|e| {
            matches!(
                e,
                ArrayExpressionElement::StringLiteral(_)
                    | ArrayExpressionElement::TemplateLiteral(_)
                    | ArrayExpressionElement::RegExpLiteral(_)
            )
        }),
        _ => false,
    }
}

fn flatten_middleware(
    resolver: &Resolver<'_, '_>,
    expr: &Expression<'_>,
    mount: Option<&str>,
    parts: &mut Vec<Part>,
) {
    if let Expression::ArrayExpression(array) = expr.get_inner_expression() {
        for element in &array.elements {
            match element.as_expression() {
                Some(inner) => flatten_middleware(resolver, inner, mount, parts),
                None => parts.push(Part {
                    kind: Kind::Unknown,
                    what: "spread or hole in a middleware array".into(),
                    span: element.span(),
                    refusal: None,
                    scope: None,
                }),
            }
        }
        return;
    }
    parts.push(classify_middleware(resolver, expr, mount));
}

/// Classifies one middleware argument of a `use` call mounted at `mount`.
fn classify_middleware(resolver: &Resolver<'_, '_>, expr: &Expression<'_>, mount: Option<&str>) -> Part {
    let span = expr.span();
    let mut refusal = None;
    let mut answers_all = true;
    let (kind, what) = match resolver.resolve(expr, 0) {
        // `passport.authenticate('session')` restores the user from the session; any other
        // strategy may answer 401 (the table classes it as a guard).
        Value::Made(origin)
            if origin.module == "passport"
                && origin.path == ["authenticate"]
                && first_argument_is(expr, "session") =>
        {
            (Kind::Consumer, "passport.authenticate('session')".into())
        }
        Value::Made(origin) | Value::Module(origin)
            if let Some(declared) = resolver.config.lookup(&origin) =>
        {
            (declared.kind, format!("{} (declared at {})", origin.display(), declared.at))
        }
        Value::Made(origin) => match classify_made(&origin) {
            Some(class) => {
                refusal = class.refusal;
                let serve_static = matches!(
                    (origin.module, origin.path.as_slice()),
                    ("express", ["static"]) | ("serve-static", [])
                );
                answers_all = !(serve_static && falls_through(expr));
                (class.kind, class.what)
            }
            None => (Kind::Unknown, format!("middleware from {}", origin.display())),
        },
        Value::Module(origin) if origin.is_relative() && origin.path.is_empty() => {
            (Kind::Route, format!("local module {} (a router or middleware)", origin.module))
        }
        Value::Module(origin) if origin.is_relative() => {
            (Kind::Unknown, format!("`{}` from local module {}", origin.path.join("."), origin.module))
        }
        Value::Module(origin) => (Kind::Unknown, format!("{} used without being called", origin.display())),
        Value::Unknown => match expr.get_inner_expression() {
            Expression::FunctionExpression(f) => match &f.body {
                Some(body) => function_class(
                    "inline function",
                    body::classify(resolver.scoping, &f.params, &body.statements),
                ),
                None => (Kind::Unknown, "inline function middleware".into()),
            },
            Expression::ArrowFunctionExpression(f) => match &f.body {
                ArrowFunctionBody::FunctionBody(body) => function_class(
                    "inline function",
                    body::classify(resolver.scoping, &f.params, &body.statements),
                ),
                _ => (Kind::Unknown, "inline arrow function with an expression body".into()),
            },
            Expression::Identifier(id) => match resolver.function_of(id) {
                Some(f) => match &f.body {
                    Some(body) => function_class(
                        &format!("function `{}`", id.name),
                        body::classify(resolver.scoping, &f.params, &body.statements),
                    ),
                    None => (Kind::Unknown, format!("middleware `{}`", id.name)),
                },
                None => (Kind::Unknown, format!("middleware `{}`", id.name)),
            },
            _ => (Kind::Unknown, "unrecognised middleware".into()),
        },
    };
    let scope = mount.filter(|_| kind != Kind::Static || !answers_all).map(str::to_string);
    Part { kind, what, span, refusal, scope }
}

/// Whether a static call passes on what it does not serve (`serve-static`'s default): called
/// with a directory only, or with an options object that does not set `fallthrough` (other
/// than to `true`).
fn falls_through(expr: &Expression<'_>) -> bool {
    let Expression::CallExpression(call) = expr.get_inner_expression() else { return false };
    match call.arguments.as_slice() {
        [_] => true,
        [_, Argument::ObjectExpression(options)] => options.properties.iter().all(|p| match p {
            ObjectPropertyKind::ObjectProperty(p) => {
                p.key.static_name().is_some_and(|k| k != "fallthrough")
                    || matches!(&p.value, Expression::BooleanLiteral(b) if b.value)
            }
            ObjectPropertyKind::SpreadProperty(_) => false,
        }),
        _ => false,
    }
}

/// The literal prefix of a route or mount path, lowercased and without a trailing `/`: up to
/// the first parameter or pattern character. `None` for `/` or an empty prefix (any path).
fn path_prefix(path: &str) -> Option<String> {
    let end = path.find([':', '*', '?', '+', '(', ')', '[', ']', '{', '}', '\\']).unwrap_or(path.len());
    let prefix = path[..end].trim_end_matches('/').to_lowercase();
    (!prefix.is_empty()).then_some(prefix)
}

/// `(Consumer, "inline function: a function that only uses req.session ...")`.
fn function_class(name: &str, (kind, rule): (Kind, &'static str)) -> (Kind, String) {
    (kind, format!("{name} ({rule})"))
}

fn first_argument_is(expr: &Expression<'_>, value: &str) -> bool {
    match expr.get_inner_expression() {
        Expression::CallExpression(call) => {
            matches!(call.arguments.first(), Some(Argument::StringLiteral(s)) if s.value.as_str() == value)
        }
        _ => false,
    }
}

/// What an expression evaluates to, as far as imports and constant bindings tell.
#[derive(Debug, Clone)]
enum Value<'a> {
    /// A module, or a property path inside one: `express`, `express.static`.
    Module(Origin<'a>),
    /// The result of calling one: `express()`, `session({...})`, `express.static(dir)`.
    Made(Origin<'a>),
    Unknown,
}

struct Resolver<'a, 's> {
    scoping: &'s Scoping,
    /// What the project declares in its configuration.
    config: &'s Config,
    nodes: &'s oxc_semantic::AstNodes<'a>,
    /// `const x = <init>` for simple bindings.
    inits: HashMap<SymbolId, &'a Expression<'a>>,
    /// `const { key: x } = <init>`.
    destructured: HashMap<SymbolId, (&'a Expression<'a>, &'a str)>,
    /// Import bindings.
    origins: HashMap<SymbolId, Origin<'a>>,
    /// Bindings declared without a value and assigned once (their value is in `inits`).
    assigned_once: HashSet<SymbolId>,
}

/// How many variable hops a middleware may be reached through.
const MAX_HOPS: u8 = 8;

impl<'a> Resolver<'a, '_> {
    fn add_declarator(&mut self, declarator: &'a VariableDeclarator<'a>) {
        let Some(init) = &declarator.init else { return };
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

    fn add_import(&mut self, import: &ImportDeclaration<'a>) {
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

    /// The function a binding is declared as (`function requireLogin(req, res, next) {...}`),
    /// if it is never reassigned.
    fn function_of(&self, id: &IdentifierReference<'_>) -> Option<&'a Function<'a>> {
        let symbol = self.symbol_of(id)?;
        if self.scoping.symbol_is_mutated(symbol) {
            return None;
        }
        match self.nodes.kind(self.scoping.symbol_declaration(symbol)) {
            AstKind::Function(f) => Some(f),
            _ => None,
        }
    }

    fn symbol_of(&self, id: &IdentifierReference<'_>) -> Option<SymbolId> {
        self.scoping.get_reference(id.reference_id.get()?).symbol_id()
    }

    fn resolve(&self, expr: &Expression<'a>, hops: u8) -> Value<'a> {
        if hops > MAX_HOPS {
            return Value::Unknown;
        }
        match expr.get_inner_expression() {
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
                match self.resolve(&call.callee, hops) {
                    Value::Module(origin) => Value::Made(origin),
                    _ => Value::Unknown,
                }
            }
            Expression::AssignmentExpression(a) if a.operator == AssignmentOperator::Assign => {
                self.resolve(&a.right, hops)
            }
            _ => Value::Unknown,
        }
    }
}

/// `require('m')` with the global `require`: the module specifier.
fn require_specifier<'a>(resolver: &Resolver<'a, '_>, call: &CallExpression<'a>) -> Option<&'a str> {
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

/// Per-statement facts: bindings touched, whether anything is called, and session or static
/// registrations on the receiver nested below the statement's own calls.
struct Facts<'a, 'c> {
    context: &'c Context<'c, 'a, 'c>,
    /// Spans of the statement's own calls (not nested).
    direct: Vec<Span>,
    collect_nested: bool,
    nested: Vec<Part>,
    bindings: Bindings,
    has_call: bool,
    /// `require('./x')` or `import('./x')`: running a local module can register middleware.
    loads_local_module: bool,
    /// A call inside a call's arguments (so even `console.log(f())` may do something).
    nested_call_in_args: bool,
    call_depth: u32,
    /// The class `this` belongs to here: the list's, or none inside a nested `function`.
    this: Option<u32>,
}

impl<'a, 'c> Facts<'a, 'c> {
    fn new(context: &'c Context<'c, 'a, 'c>, direct: Vec<Span>) -> Self {
        Facts {
            context,
            direct,
            collect_nested: false,
            nested: Vec::new(),
            bindings: Bindings::default(),
            has_call: false,
            loads_local_module: false,
            nested_call_in_args: false,
            call_depth: 0,
            this: context.this,
        }
    }

    /// Records the write of an assignment to a member: to the `this` field (`this.dir = x`) or
    /// to what the object is rooted at.
    fn mark_target_written(&mut self, member: &MemberExpression<'a>) {
        match this_field(member).filter(|_| self.this.is_some()) {
            Some(field) => {
                self.bindings.fields_written.insert(field.to_string());
            }
            None => self.mark_root_written(member.object()),
        }
    }

    /// Records a write to the binding or `this` field at the root of an assignment target's
    /// object: `opts` in `opts.a.b = 1`, `dir` in `this.dir.x = 1`.
    fn mark_root_written(&mut self, mut expr: &Expression<'a>) {
        loop {
            match expr.get_inner_expression() {
                Expression::Identifier(id) => {
                    if let Some(symbol) = self.context.resolver.symbol_of(id) {
                        self.write(symbol, id.name.as_str());
                    }
                    return;
                }
                Expression::StaticMemberExpression(m) => {
                    if let Some(field) = this_property(m).filter(|_| self.this.is_some()) {
                        self.bindings.fields_written.insert(field.to_string());
                        return;
                    }
                    expr = &m.object;
                }
                Expression::ComputedMemberExpression(m) => expr = &m.object,
                _ => return,
            }
        }
    }

    fn write(&mut self, symbol: SymbolId, name: &str) {
        self.bindings.writes.insert(symbol);
        self.bindings.names.entry(symbol).or_insert_with(|| name.to_string());
    }

    fn enter_call(&mut self) {
        self.has_call = true;
        if self.call_depth > 0 {
            self.nested_call_in_args = true;
        }
        self.call_depth += 1;
    }

    /// Walks a function body: defining a function calls nothing, but what its body touches
    /// still counts for bindings. A non-arrow function has its own `this`.
    fn in_function(&mut self, own_this: bool, walk: impl FnOnce(&mut Self)) {
        let saved =
            (self.has_call, self.call_depth, self.nested_call_in_args, self.loads_local_module, self.this);
        self.call_depth = 0;
        if own_this {
            self.this = None;
        }
        walk(self);
        (self.has_call, self.call_depth, self.nested_call_in_args, self.loads_local_module, self.this) =
            saved;
    }
}

impl<'a> Visit<'a> for Facts<'a, '_> {
    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        let Some(reference) = it.reference_id.get().map(|r| self.context.resolver.scoping.get_reference(r))
        else {
            return;
        };
        let Some(symbol) = reference.symbol_id() else {
            return;
        };
        self.bindings.reads.insert(symbol);
        if reference.is_write() {
            self.write(symbol, it.name.as_str());
        }
    }

    fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
        if let Some(field) = this_property(it).filter(|_| self.this.is_some()) {
            self.bindings.fields_read.insert(field.to_string());
        }
        walk::walk_static_member_expression(self, it);
    }

    fn visit_binding_identifier(&mut self, it: &BindingIdentifier<'a>) {
        if let Some(symbol) = it.symbol_id.get() {
            self.bindings.declares.insert(symbol);
            self.bindings.names.insert(symbol, it.name.to_string());
        }
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        self.enter_call();
        if require_specifier(self.context.resolver, it).is_some_and(|m| Origin::new(m).is_relative()) {
            self.loads_local_module = true;
        }
        // A call may mutate anything it is passed, except modules.
        for arg in &it.arguments {
            if let Some(Expression::Identifier(id)) =
                arg.as_expression().map(Expression::get_inner_expression)
                && let Some(symbol) = self.context.resolver.symbol_of(id)
                && !self.context.resolver.origins.contains_key(&symbol)
            {
                self.write(symbol, id.name.as_str());
            }
        }
        if self.collect_nested
            && method_name(it) == Some("use")
            && !self.direct.contains(&it.span)
            && call_receiver(self.context.resolver, it, self.this) == Some(self.context.receiver)
        {
            let found = use_parts(self.context.resolver, it)
                .into_iter()
                .filter(|p| matches!(p.kind, Kind::Session | Kind::Static));
            self.nested.extend(found);
        }
        walk::walk_call_expression(self, it);
        self.call_depth -= 1;
    }

    fn visit_new_expression(&mut self, it: &NewExpression<'a>) {
        self.enter_call();
        walk::walk_new_expression(self, it);
        self.call_depth -= 1;
    }

    fn visit_tagged_template_expression(&mut self, it: &TaggedTemplateExpression<'a>) {
        self.enter_call();
        walk::walk_tagged_template_expression(self, it);
        self.call_depth -= 1;
    }

    fn visit_await_expression(&mut self, it: &AwaitExpression<'a>) {
        self.has_call = true;
        walk::walk_await_expression(self, it);
    }

    fn visit_yield_expression(&mut self, it: &YieldExpression<'a>) {
        self.has_call = true;
        walk::walk_yield_expression(self, it);
    }

    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        self.has_call = true;
        self.loads_local_module = true;
        walk::walk_import_expression(self, it);
    }

    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        if let Some(member) = it.left.as_member_expression() {
            self.mark_target_written(member);
        }
        walk::walk_assignment_expression(self, it);
    }

    fn visit_update_expression(&mut self, it: &UpdateExpression<'a>) {
        if let Some(member) = it.argument.as_member_expression() {
            self.mark_target_written(member);
        }
        walk::walk_update_expression(self, it);
    }

    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        self.in_function(true, |this| walk::walk_function(this, it, flags));
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        self.in_function(false, |this| walk::walk_arrow_function_expression(this, it));
    }
}
