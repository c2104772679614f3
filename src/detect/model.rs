//! The data detection hands to the planner: blocks of classified statements, with spans and
//! the bindings each touches. Owned data, no AST references.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use oxc_span::Span;
use oxc_syntax::symbol::SymbolId;

use crate::knowledge::{Kind, Known};

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

/// A statement list, seen from one receiver (an app, a router, or a parameter holding one):
/// the stretch of it from the first statement that may register on the receiver to the last,
/// since no move for that receiver reaches outside it.
#[derive(Debug)]
pub struct Block {
    /// The receiver's name, for messages.
    pub receiver: String,
    /// Where the block's contents begin: 0 for the program, after `{` for a block, after the
    /// statement before the stretch when it does not start the list.
    pub list_start: u32,
    /// Whether this stretch starts the program's top-level list.
    pub is_program: bool,
    pub stmts: Vec<Stmt>,
    /// Where the stretch lies in its whole list.
    pub window: Window,
}

/// Where a block's statements lie in their statement list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// Where the list's first statement starts (it names the list).
    pub list_first: u32,
    /// The index of the block's first statement in the list.
    pub offset: usize,
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
    /// The table entry that classified it, if one did.
    pub known: Option<&'static Known>,
    /// For session middleware: what its options make of static responses.
    pub session: Option<SessionFacts>,
}

/// What a session registration does to the static responses registered after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionFacts {
    pub risk: Risk,
    pub why: RiskWhy,
    /// The same middleware value is used elsewhere too (socket.io's `io.engine.use`, another
    /// server): after the fix the first session may start there instead.
    pub shared: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Risk {
    /// A first visit's static responses carry `Set-Cookie`.
    High,
    /// Static requests load and touch the session; a cookie only when something changes it.
    Lower,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RiskWhy {
    /// express-session without `saveUninitialized` (its default is true).
    SaveUninitializedDefault,
    SaveUninitialized,
    /// `rolling: true`, or a session that rolls by default (express-openid-connect).
    Rolling,
    /// Options the tool cannot read: assumed the worst.
    OptionsUnreadable,
    /// `saveUninitialized: false` without `rolling`.
    Touches,
    /// cookie-session, client-sessions: a cookie only when the session changes.
    WritesWhenChanged,
    /// connect 2's cookieSession (Express 3's `express.cookieSession`): it compares the new
    /// session with the cookie it came in, so a first visit's empty session is a change.
    NewSessionCookie,
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
    /// Bindings whose `.locals` (an app's template data, which no middleware reads) is read or
    /// written: `app.locals.title = x` writes `app.locals`, not `app`.
    pub locals_read: HashSet<SymbolId>,
    pub locals_written: HashSet<SymbolId>,
    /// While the app is set up (outside function bodies), the statement calls or awaits
    /// something whose effects the tool does not know: it may change any value it can reach.
    pub opaque: bool,
    /// Bindings read while the app is set up that such a call could change (not a package,
    /// a declaration, a literal constant or a middleware value), with their names.
    pub shared_reads: HashMap<SymbolId, String>,
    /// Reads global state (`process.env`) or `this` while the app is set up.
    pub shared_state: Option<&'static str>,
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
        let locals = self.locals_read.iter().find(|s| other.locals_written.contains(s)).or_else(|| {
            self.locals_written
                .iter()
                .find(|s| other.locals_read.contains(s) || other.locals_written.contains(s))
        });
        if let Some(symbol) = locals {
            let name = self.names.get(symbol).or_else(|| other.names.get(symbol));
            return Some(format!("{}.locals", name.map_or("an app", String::as_str)));
        }
        let field = self
            .fields_read
            .iter()
            .find(|f| other.fields_written.contains(*f))
            .or_else(|| self.fields_written.iter().find(|f| other.fields_read.contains(*f)));
        field.map(|f| format!("this.{f}"))
    }

    /// Whether one side calls something the tool cannot see into while the other reads a value
    /// such a call could change: the name of that value.
    pub fn exposed(&self, other: &Bindings) -> Option<String> {
        let exposed = |reader: &Bindings, caller: &Bindings| {
            let shared = reader.shared_reads.values().min().cloned();
            caller.opaque.then(|| shared.or(reader.shared_state.map(str::to_string))).flatten()
        };
        exposed(self, other).or_else(|| exposed(other, self))
    }
}

impl Stmt {
    pub fn has_session(&self) -> bool {
        self.parts.iter().chain(&self.nested).any(|p| p.kind == Kind::Session)
    }

    pub fn has_static(&self) -> bool {
        self.parts.iter().chain(&self.nested).any(|p| p.kind == Kind::Static)
    }

    /// The parts that can trade places as arguments: one per middleware argument, without a
    /// route link after them (which stays last).
    pub fn argument_parts(&self) -> &[Part] {
        let units = self.arguments.as_ref().map_or(self.parts.len(), Vec::len);
        &self.parts[..units]
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

    /// Static middleware with nothing beside it but shapers, compilers and inert parts, nothing
    /// nested or refused (`if (prod) { app.use(express.static(d)); app.use(morgan('dev')) }`):
    /// the planner may lift it as a unit, under the shapers' rules when it holds one.
    pub fn is_static_unit(&self) -> bool {
        self.has_static() && self.lifts_with_static()
    }

    /// Whether every part may travel with a static registration (static, shaper, compiler,
    /// inert), with nothing nested or refused.
    pub fn lifts_with_static(&self) -> bool {
        self.nested.is_empty()
            && self.parts.iter().all(|p| {
                p.refusal.is_none()
                    && matches!(p.kind, Kind::Static | Kind::Shaper | Kind::Compiler | Kind::Inert)
            })
    }

    /// Whether every part is one of `kinds` (inert parts always fit): such a statement can be
    /// carried along by a move.
    pub fn only(&self, kind: Kind) -> bool {
        self.nested.is_empty()
            && self.parts.iter().any(|p| p.kind == kind)
            && self.parts.iter().all(|p| p.kind == kind || p.kind == Kind::Inert)
    }
}
