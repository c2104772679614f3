//! The per-statement facts visitor: bindings read and written, calls, local modules loaded,
//! and registrations on the receiver nested inside the statement.
//!
//! What a function body contributes to the statement around it does not depend on that
//! statement (only its bindings, references to the receiver and nested registrations count,
//! none of what running it now would do), so it is gathered once per function and receiver
//! ([`Deferred`]) and replayed into every statement around it: a callback nested `n` deep
//! costs its size once, not once per enclosing statement list.

use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::rc::Rc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_span::Span;
use oxc_syntax::scope::ScopeFlags;
use oxc_syntax::symbol::SymbolId;

use super::middleware::use_parts;
use super::model::{Bindings, Part};
use super::modules::{Registered, Registrations, body_registrations};
use super::receivers::{ReceiverId, call_receiver, method_name, session_method, this_field, this_property};
use super::resolve::require_specifier;
use super::statements::{Context, classify_link, first_argument_symbol, helper_of, helper_parts};
use crate::budget;
use crate::knowledge::{Kind, SHARED_GLOBALS};

/// Per-statement facts: bindings touched, whether anything is called, and session or static
/// registrations on the receiver nested below the statement's own calls.
pub(super) struct Facts<'a, 'c> {
    pub(super) context: &'c Context<'c, 'a, 'c>,
    /// Spans of the statement's own calls (not nested).
    pub(super) direct: HashSet<Span>,
    pub(super) collect_nested: bool,
    pub(super) nested: Vec<Part>,
    pub(super) bindings: Bindings,
    pub(super) has_call: bool,
    /// `require('./x')` or `import('./x')`: running a local module can register middleware.
    pub(super) loads_local_module: bool,
    /// `process.chdir(...)`: relative static roots are resolved against the working directory
    /// when the static middleware is made, so no static registration may cross it.
    pub(super) changes_cwd: bool,
    /// The statement itself waits (`await`, `yield`): other code, request handlers included,
    /// may run meanwhile.
    pub(super) waits: bool,
    /// A call inside a call's arguments (so even `console.log(f())` may do something).
    pub(super) nested_call_in_args: bool,
    pub(super) call_depth: u32,
    /// The class `this` belongs to here: the list's, or none inside a nested `function`.
    pub(super) this: Option<u32>,
    /// Function bodies entered: what they do happens later, when they are called.
    pub(super) depth: u32,
    /// References to the receiver, and those of them that only reach its `.locals`.
    pub(super) receiver_refs: u32,
    pub(super) receiver_locals_refs: u32,
    /// While gathering a function body's [`Deferred`]: each touch of the bindings that was
    /// new, in order.
    touches: Option<Vec<Touch<'a>>>,
}

/// One change to a statement's [`Bindings`] sets, as the visitor makes it.
#[derive(Debug, Clone, Copy)]
enum Touch<'a> {
    Read(SymbolId),
    Write(SymbolId),
    Declare(SymbolId),
    Name(SymbolId, &'a str),
    FieldRead(&'a str),
    FieldWritten(&'a str),
    LocalsRead(SymbolId),
    LocalsWritten(SymbolId),
}

/// What a function body adds to the facts of any statement it is in: the touches of its
/// bindings in the order they were first made (replayed in that order, they leave each set
/// exactly as visiting the body would), the references to the receiver, and the receiver's
/// session and static registrations nested in it.
#[derive(Debug, Default)]
pub(super) struct Deferred<'a> {
    touches: Vec<Touch<'a>>,
    receiver_refs: u32,
    receiver_locals_refs: u32,
    nested: Vec<Part>,
}

/// Each function body's [`Deferred`], by receiver, function, the `this` class inside it and
/// whether nested registrations were collected.
pub(super) type DeferredCache<'a> =
    RefCell<HashMap<(ReceiverId<'a>, Span, Option<u32>, bool), Rc<Deferred<'a>>>>;

impl<'a, 'c> Facts<'a, 'c> {
    pub(super) fn new(context: &'c Context<'c, 'a, 'c>, direct: HashSet<Span>) -> Self {
        Facts {
            context,
            direct,
            collect_nested: false,
            nested: Vec::new(),
            bindings: Bindings::default(),
            has_call: false,
            loads_local_module: false,
            changes_cwd: false,
            waits: false,
            nested_call_in_args: false,
            call_depth: 0,
            this: context.this,
            depth: 0,
            receiver_refs: 0,
            receiver_locals_refs: 0,
            touches: None,
        }
    }

    /// Applies one touch to the bindings, and logs it if it was new and a body is being gathered.
    fn touch(&mut self, touch: Touch<'a>) {
        let b = &mut self.bindings;
        let new = match touch {
            Touch::Read(symbol) => b.reads.insert(symbol),
            Touch::Write(symbol) => b.writes.insert(symbol),
            Touch::Declare(symbol) => b.declares.insert(symbol),
            // A symbol has one name: the first one recorded stays.
            Touch::Name(symbol, name) => match b.names.entry(symbol) {
                Entry::Vacant(entry) => {
                    entry.insert(name.to_string());
                    true
                }
                Entry::Occupied(_) => false,
            },
            Touch::FieldRead(field) => {
                !b.fields_read.contains(field) && b.fields_read.insert(field.to_string())
            }
            Touch::FieldWritten(field) => {
                !b.fields_written.contains(field) && b.fields_written.insert(field.to_string())
            }
            Touch::LocalsRead(symbol) => b.locals_read.insert(symbol),
            Touch::LocalsWritten(symbol) => b.locals_written.insert(symbol),
        };
        if new && let Some(touches) = &mut self.touches {
            touches.push(touch);
        }
    }

    /// Records the write of an assignment to a member: to the `this` field (`this.dir = x`) or
    /// to what the object is rooted at.
    pub(super) fn mark_target_written(&mut self, member: &MemberExpression<'a>) {
        match this_field(member).filter(|_| self.this.is_some()) {
            Some(field) => {
                self.touch(Touch::FieldWritten(field));
            }
            None => self.mark_root_written(member.object()),
        }
    }

    /// Records a write to the binding or `this` field at the root of an assignment target's
    /// object: `opts` in `opts.a.b = 1`, `dir` in `this.dir.x = 1`.
    pub(super) fn mark_root_written(&mut self, mut expr: &Expression<'a>) {
        // The property right above the root: `locals` in `app.locals.x`.
        let mut first: Option<&str> = None;
        loop {
            match expr.get_inner_expression() {
                Expression::Identifier(id) => {
                    if let Some(symbol) = self.context.resolver.symbol_of(id) {
                        if first == Some("locals") {
                            self.touch(Touch::LocalsWritten(symbol));
                            self.touch(Touch::Name(symbol, id.name.as_str()));
                        } else {
                            self.write(symbol, id.name.as_str());
                        }
                    }
                    return;
                }
                Expression::StaticMemberExpression(m) => {
                    if let Some(field) = this_property(m).filter(|_| self.this.is_some()) {
                        self.touch(Touch::FieldWritten(field));
                        return;
                    }
                    first = Some(m.property.name.as_str());
                    expr = &m.object;
                }
                Expression::ComputedMemberExpression(m) => {
                    first = None;
                    expr = &m.object;
                }
                _ => return,
            }
        }
    }

    /// A call may change anything it is passed, and anything inside an object or array
    /// literal it is passed (`new Store({ client })` may add listeners to `client`), except
    /// modules and primitives.
    fn mark_passed(&mut self, arguments: &[Argument<'a>]) {
        let mut values: Vec<&Expression<'a>> = arguments.iter().filter_map(Argument::as_expression).collect();
        while let Some(value) = values.pop() {
            match value.get_inner_expression() {
                Expression::Identifier(id) => {
                    if let Some(symbol) = self.context.resolver.symbol_of(id)
                        && !self.context.resolver.origins.contains_key(&symbol)
                        && !self.context.resolver.holds_primitive(symbol)
                    {
                        self.write(symbol, id.name.as_str());
                    }
                }
                Expression::ObjectExpression(object) => {
                    values.extend(object.properties.iter().map(|p| match p {
                        ObjectPropertyKind::ObjectProperty(p) => &p.value,
                        ObjectPropertyKind::SpreadProperty(s) => &s.argument,
                    }));
                }
                Expression::ArrayExpression(array) => {
                    values.extend(array.elements.iter().filter_map(|e| match e {
                        ArrayExpressionElement::SpreadElement(s) => Some(&s.argument),
                        e => e.as_expression(),
                    }));
                }
                _ => {}
            }
        }
    }

    pub(super) fn write(&mut self, symbol: SymbolId, name: &'a str) {
        self.touch(Touch::Write(symbol));
        self.touch(Touch::Name(symbol, name));
    }

    pub(super) fn enter_call(&mut self) {
        self.has_call = true;
        if self.call_depth > 0 {
            self.nested_call_in_args = true;
        }
        self.call_depth += 1;
    }

    /// Takes in the function at `span`: defining a function calls nothing, but what its body
    /// touches still counts for bindings. A non-arrow function has its own `this`. The body is
    /// walked (by `walk`) once per receiver and `this`; later statements around it replay that.
    pub(super) fn in_function(&mut self, span: Span, own_this: bool, walk: impl FnOnce(&mut Self)) {
        let this = if own_this { None } else { self.this };
        let key = (self.context.receiver, span, this, self.collect_nested);
        let known = self.context.deferred.borrow().get(&key).cloned();
        let deferred = match known {
            Some(deferred) => deferred,
            None => {
                let mut body = Facts::new(self.context, HashSet::default());
                body.collect_nested = self.collect_nested;
                body.this = this;
                body.depth = 1;
                body.touches = Some(Vec::new());
                walk(&mut body);
                let deferred = Rc::new(Deferred {
                    touches: body.touches.unwrap_or_default(),
                    receiver_refs: body.receiver_refs,
                    receiver_locals_refs: body.receiver_locals_refs,
                    nested: body.nested,
                });
                self.context.deferred.borrow_mut().insert(key, Rc::clone(&deferred));
                deferred
            }
        };
        budget::tick(deferred.touches.len() as u64 + deferred.nested.len() as u64);
        for &touch in &deferred.touches {
            self.touch(touch);
        }
        self.receiver_refs += deferred.receiver_refs;
        self.receiver_locals_refs += deferred.receiver_locals_refs;
        self.nested.extend(deferred.nested.iter().cloned());
    }
}

impl<'a> Visit<'a> for Facts<'a, '_> {
    fn enter_node(&mut self, _: AstKind<'a>) {
        budget::tick(1);
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        let Some(reference) = it.reference_id.get().map(|r| self.context.resolver.scoping.get_reference(r))
        else {
            return;
        };
        let Some(symbol) = reference.symbol_id() else {
            if self.depth == 0 && SHARED_GLOBALS.contains(&it.name.as_str()) {
                self.bindings.shared_state = Some("process");
            }
            return;
        };
        if self.context.receiver == ReceiverId::Symbol(symbol) {
            self.receiver_refs += 1;
        }
        if self.depth == 0
            && !self.context.receivers.contains_key(&ReceiverId::Symbol(symbol))
            && !self.context.resolver.is_stable(symbol)
        {
            self.bindings.shared_reads.entry(symbol).or_insert_with(|| it.name.to_string());
        }
        self.touch(Touch::Read(symbol));
        if reference.is_write() {
            self.write(symbol, it.name.as_str());
        }
    }

    fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
        if let Some(field) = this_property(it).filter(|_| self.this.is_some()) {
            self.touch(Touch::FieldRead(field));
        }
        if it.property.name == "locals"
            && let Expression::Identifier(id) = it.object.get_inner_expression()
            && let Some(symbol) = self.context.resolver.symbol_of(id)
        {
            self.touch(Touch::LocalsRead(symbol));
            if self.context.receiver == ReceiverId::Symbol(symbol) {
                self.receiver_locals_refs += 1;
            }
        }
        if self.depth == 0
            && self.this.is_some()
            && let Some(field) = this_property(it)
            && !self.context.receivers.keys().any(|id| matches!(id, ReceiverId::Field(_, f) if *f == field))
        {
            self.bindings.shared_state = Some("this");
        }
        walk::walk_static_member_expression(self, it);
    }

    fn visit_binding_identifier(&mut self, it: &BindingIdentifier<'a>) {
        if let Some(symbol) = it.symbol_id.get() {
            self.touch(Touch::Declare(symbol));
            self.touch(Touch::Name(symbol, it.name.as_str()));
        }
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        self.enter_call();
        if let Expression::StaticMemberExpression(m) = it.callee.get_inner_expression()
            && m.property.name == "chdir"
            && matches!(m.object.get_inner_expression(), Expression::Identifier(p)
                if p.name == "process" && self.context.resolver.symbol_of(p).is_none())
        {
            self.changes_cwd = true;
        }
        let specifier = require_specifier(self.context.resolver, it);
        // A call on an app or router changes its stack, which classification accounts for.
        let on_receiver = call_receiver(self.context.resolver, it, self.this)
            .is_some_and(|id| self.context.receivers.contains_key(&id));
        if self.depth == 0
            && !on_receiver
            && !self.context.resolver.is_effect_free_call(&it.callee, specifier)
        {
            match self.context.resolver.pure_call(it) {
                // `getPublicDir()` returning `PUBLIC_DIR` reads it.
                Some(Some(constant)) => {
                    let name = self.context.resolver.scoping.symbol_name(constant).to_string();
                    self.bindings.reads.insert(constant);
                    self.bindings.names.entry(constant).or_insert(name);
                }
                Some(None) => {}
                None => self.bindings.opaque = true,
            }
        }
        // `favicon(path)` stats its icon when it is made: what writes files may change that.
        if self.depth == 0 && self.context.resolver.reads_files_when_made(&it.callee) {
            self.bindings.shared_state = Some("the file system");
        }
        if require_specifier(self.context.resolver, it)
            .is_some_and(|m| self.context.resolver.modules.is_local(m))
        {
            self.loads_local_module = true;
        }
        self.mark_passed(&it.arguments);
        if self.collect_nested
            && !self.direct.contains(&it.span)
            && call_receiver(self.context.resolver, it, self.this) == Some(self.context.receiver)
        {
            // `if (x) { app.io.session(o) }` (express.oi) registers session there too.
            let parts = match method_name(it) {
                Some("use") => use_parts(self.context.resolver, it),
                _ if matches!(session_method(self.context.resolver, it), Some(Ok(_))) => {
                    classify_link(self.context.resolver, it)
                }
                _ => Vec::new(),
            };
            self.nested.extend(parts.into_iter().filter(|p| matches!(p.kind, Kind::Session | Kind::Static)));
        }
        // `if (secure) { setupSession(app) }`: what a helper registers happens here too.
        if self.collect_nested
            && !self.direct.contains(&it.span)
            && let ReceiverId::Symbol(receiver) = self.context.receiver
            && first_argument_symbol(self.context.resolver, it) == Some(receiver)
            && let Some((name, registers)) = helper_of(self.context.resolver, it)
        {
            let found = registers
                .parts
                .iter()
                .chain(&registers.nested)
                .filter(|r| matches!(r.kind, Kind::Session | Kind::Static));
            let found: Vec<Registered> = found.cloned().collect();
            if !found.is_empty() {
                self.nested.extend(helper_parts(&found, &name, it.span, false));
            }
        }
        // `initialize()`, a function of this file whose body registers on the receiver it
        // refers to: what it registers happens here, never moved (the function holds the
        // receiver, so the call is not movable either).
        if self.collect_nested
            && let ReceiverId::Symbol(receiver) = self.context.receiver
            && let Expression::Identifier(callee) = it.callee.get_inner_expression()
            && let Some(f) = self.context.resolver.function_of(callee)
            && self.context.resolver.refers_to(f, receiver)
            && let Some(registers) = closure_registrations(self.context, f, receiver)
        {
            let found: Vec<Registered> = (registers.parts.iter().chain(&registers.nested))
                .filter(|r| matches!(r.kind, Kind::Session | Kind::Static))
                .cloned()
                .collect();
            if !found.is_empty() {
                self.nested.extend(helper_parts(&found, callee.name.as_str(), it.span, false));
            }
        }
        walk::walk_call_expression(self, it);
        self.call_depth -= 1;
    }

    fn visit_new_expression(&mut self, it: &NewExpression<'a>) {
        self.enter_call();
        self.mark_passed(&it.arguments);
        if self.depth == 0 && !self.context.resolver.is_effect_free_call(&it.callee, None) {
            self.bindings.opaque = true;
        }
        walk::walk_new_expression(self, it);
        self.call_depth -= 1;
    }

    fn visit_tagged_template_expression(&mut self, it: &TaggedTemplateExpression<'a>) {
        self.enter_call();
        self.bindings.opaque |= self.depth == 0;
        walk::walk_tagged_template_expression(self, it);
        self.call_depth -= 1;
    }

    fn visit_await_expression(&mut self, it: &AwaitExpression<'a>) {
        self.has_call = true;
        // While it waits, other code runs.
        self.bindings.opaque |= self.depth == 0;
        self.waits |= self.depth == 0;
        walk::walk_await_expression(self, it);
    }

    fn visit_yield_expression(&mut self, it: &YieldExpression<'a>) {
        self.has_call = true;
        self.bindings.opaque |= self.depth == 0;
        self.waits |= self.depth == 0;
        walk::walk_yield_expression(self, it);
    }

    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        self.has_call = true;
        self.bindings.opaque |= self.depth == 0;
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
        self.in_function(it.span, true, |this| walk::walk_function(this, it, flags));
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        self.in_function(it.span, false, |this| walk::walk_arrow_function_expression(this, it));
    }
}

/// What `f` registers on `receiver`, which it refers to from outside: its body classified for
/// that receiver. Cached per function and receiver.
fn closure_registrations<'a>(
    context: &Context<'_, 'a, '_>,
    f: &'a Function<'a>,
    receiver: SymbolId,
) -> Option<Registrations> {
    let resolver = context.resolver;
    let key = (f.span.start, receiver);
    if let Some(known) = resolver.closures.borrow().get(&key) {
        return known.clone();
    }
    // A call of the function inside its own body stops here.
    resolver.closures.borrow_mut().insert(key, None);
    let inner = Context {
        resolver,
        receivers: context.receivers,
        receiver: ReceiverId::Symbol(receiver),
        this: None,
        reach: None,
        sites: None,
        deferred: context.deferred,
    };
    let found = body_registrations(&inner, &f.params, &f.body.as_ref()?.statements);
    resolver.closures.borrow_mut().insert(key, found.clone());
    found
}
