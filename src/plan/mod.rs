//! Decides how to put static before session in one block: the candidate moves, every crossing
//! judged by the rules of `docs/semantics.md`, and the choice, or a refusal with its reason.
//!
//! Planning is pure: it reads a [`Block`] and returns a [`Plan`] that explains itself.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

use oxc_span::Span;

use crate::detect::{Block, Part, Stmt};
use crate::knowledge::Kind;

/// One session-before-static problem in a block, with the plan that answers it.
#[derive(Debug)]
pub struct Finding {
    /// The first statement that registers session middleware.
    pub session: usize,
    /// The first statement after it that registers static middleware (for a partial fix, the
    /// first the fix moves).
    pub statics: usize,
    pub session_part: Part,
    pub static_part: Part,
    /// What the plan's indices count.
    pub scope: Scope,
    pub plan: Plan,
}

/// What a plan moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The block's statements.
    Statements,
    /// The middleware arguments of one statement (a `use` call or a chain of them), which
    /// trade places while the call's text around them stays.
    Arguments(usize),
}

impl Scope {
    /// What one moved unit is.
    pub fn unit(self) -> Unit {
        match self {
            Scope::Statements => Unit::Statement,
            Scope::Arguments(_) => Unit::Argument,
        }
    }
}

/// What a plan moves one of: a statement, or a middleware argument of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Statement,
    Argument,
}

impl Finding {
    /// Whether the unit the plan calls `i` registers static middleware.
    pub fn unit_has_static(&self, block: &Block, i: usize) -> bool {
        match self.scope {
            Scope::Statements => block.stmts[i].has_static(),
            Scope::Arguments(stmt) => block.stmts[stmt].parts[i].kind == Kind::Static,
        }
    }

    /// The span of the unit (statement or argument) the plan calls `i`.
    pub fn unit_span(&self, block: &Block, i: usize) -> Span {
        match self.scope {
            Scope::Statements => block.stmts[i].span,
            Scope::Arguments(stmt) => block.stmts[stmt].parts[i].span,
        }
    }

    /// What the unit the plan calls `i` holds, for messages.
    pub fn unit_parts<'b>(&self, block: &'b Block, i: usize) -> &'b [Part] {
        match self.scope {
            Scope::Statements => &block.stmts[i].parts,
            Scope::Arguments(stmt) => std::slice::from_ref(&block.stmts[stmt].parts[i]),
        }
    }
}

#[derive(Debug)]
pub struct Plan {
    /// Lift first, then sink, then (when both are blocked) the partial lift; empty when the
    /// finding's shape rules out any move.
    pub candidates: Vec<Candidate>,
    pub outcome: Outcome,
    /// For a partial lift (the chosen candidate moves only some statics): each static
    /// statement that stays after the session, with what keeps it there. Empty otherwise.
    pub stayed: Vec<Stay>,
}

/// A static statement a partial lift leaves where it is, and why it cannot move.
#[derive(Debug, Clone)]
pub struct Stay {
    pub stmt: usize,
    /// Its first static part, where it is reported.
    pub part: Part,
    pub blocker: Blocker,
}

impl Plan {
    /// The chosen candidate, if the plan fixes something.
    pub fn chosen(&self) -> Option<&Candidate> {
        match self.outcome {
            Outcome::Fix(i) => self.candidates.get(i),
            Outcome::Review(_) => None,
        }
    }
}

#[derive(Debug)]
pub enum Outcome {
    /// Apply the candidate at this index.
    Fix(usize),
    /// Change nothing; a person has to look.
    Review(Blocker),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Move the static registrations (and the shapers they need) above the first session.
    Lift,
    /// Move the session registrations (and the consumers that need them) below the last static.
    Sink,
}

#[derive(Debug)]
pub struct Candidate {
    pub direction: Direction,
    /// The statements that move, in their original order.
    pub moved: Vec<usize>,
    /// Lift: the moved statements land just before this one. Sink: just after it.
    pub anchor: usize,
    /// Every crossing that was judged, in order.
    pub steps: Vec<Step>,
    /// Why this move is not safe, if it is not.
    pub blocked: Option<Blocker>,
}

#[derive(Debug)]
pub struct Step {
    pub mover: usize,
    pub crossed: usize,
    pub decision: Decision,
}

#[derive(Debug, Clone)]
pub enum Decision {
    /// The mover may cross it; the class that allowed it.
    Allowed(Kind),
    /// A route the static mover may cross because no path reaches both: the static's mount
    /// path and the route's path prefix.
    Disjoint { mount: String, path: String },
    /// The mover may not cross it, but it can travel with the move.
    Carried(Kind),
}

#[derive(Debug, Clone)]
pub struct Blocker {
    /// The statement that stops the move.
    pub stmt: usize,
    pub reason: Reason,
}

/// Why a finding is left for a person: data the report layer puts into words.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Reason {
    /// A middleware no move may involve or cross, with the knowledge's own explanation.
    Refused(&'static str),
    /// Session and static in one statement whose arguments cannot trade places.
    SameStatement,
    /// A session or static registration nested inside another statement (`inside`: what that
    /// statement is, when it is one unknown thing).
    Nested { side: Side, inside: Option<String> },
    /// A session or static registration sharing its call with other middleware (the first
    /// that does not fit, if any).
    SharesCall { side: Side, other: Option<(String, Kind)> },
    /// The crossing table forbids `mover` to cross `what` (of class `kind`).
    Crossing { mover: Mover, what: String, kind: Kind },
    /// A binding (or `this.` field) declared or assigned on one side and used on the other.
    Binding { name: String },
    /// A call on one side the tool cannot see into may change `name`, which the other reads.
    MayChange { name: String },
    /// The plan is sound but the editor cannot move the unit at `line` as written.
    AsWritten { unit: Unit, line: usize, why: &'static str },
}

/// Which registration of a finding a reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Session,
    Static,
}

impl Candidate {
    /// The block's statement order after this move.
    pub fn order(&self, len: usize) -> Vec<usize> {
        let moved: BTreeSet<usize> = self.moved.iter().copied().collect();
        let rest = |range: std::ops::Range<usize>| range.filter(|i| !moved.contains(i)).collect::<Vec<_>>();
        let (first, last) = (self.moved[0].min(self.anchor), *self.moved.last().unwrap().max(&self.anchor));
        let mut order: Vec<usize> = (0..first).collect();
        match self.direction {
            Direction::Lift => {
                order.extend(&self.moved);
                order.extend(rest(first..last + 1));
            }
            Direction::Sink => {
                order.extend(rest(first..last + 1));
                order.extend(&self.moved);
            }
        }
        order.extend(last + 1..len);
        order
    }
}

/// What a move changes for whom, by unit index: the report layer names the units.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effect {
    /// The units static requests no longer pass through: those a lift's static units cross,
    /// the session and consumers a sink moves.
    pub bypassed: Vec<usize>,
    /// The response shapers static responses still pass through: carried by a lift, crossed
    /// (and so left before the static middleware) by a sink.
    pub shapers: Vec<usize>,
    /// The asset compilers a lift carries, so they still run before the static middleware.
    pub compilers: Vec<usize>,
    /// For the requests static middleware passes on: a unit that now runs before the units
    /// it used to follow (the static units, which only pass those requests on, left out).
    pub reordered: Vec<(usize, Vec<usize>)>,
}

impl Candidate {
    /// What this move changes, from its crossings; `is_static` tells which units register
    /// static middleware.
    /// `moves_shaper` tells which static units also hold a shaper or compiler (an `if` unit with
    /// a logger beside the static): it runs at the unit's new place for every other request.
    pub fn effect(&self, is_static: impl Fn(usize) -> bool, moves_shaper: impl Fn(usize) -> bool) -> Effect {
        let allowed = |s: &&Step| matches!(s.decision, Decision::Allowed(_));
        let distinct = |items: &mut Vec<usize>| {
            items.sort_unstable();
            items.dedup();
        };
        let mut effect = Effect::default();
        match self.direction {
            Direction::Lift => {
                effect.bypassed = self
                    .steps
                    .iter()
                    .filter(|s| is_static(s.mover))
                    .filter(allowed)
                    .map(|s| s.crossed)
                    .collect();
                let carried_of = |kind: Kind| -> Vec<usize> {
                    let mut units: Vec<usize> = self
                        .steps
                        .iter()
                        .filter(|s| matches!(s.decision, Decision::Carried(k) if k == kind))
                        .map(|s| s.crossed)
                        .collect();
                    distinct(&mut units);
                    units
                };
                effect.shapers = carried_of(Kind::Shaper);
                effect.compilers = carried_of(Kind::Compiler);
                let mut moved_along: Vec<usize> =
                    effect.shapers.iter().chain(&effect.compilers).copied().collect();
                moved_along.extend(self.moved.iter().copied().filter(|&m| is_static(m) && moves_shaper(m)));
                distinct(&mut moved_along);
                for shaper in moved_along {
                    let mut crossed: Vec<usize> = self
                        .steps
                        .iter()
                        .filter(|s| s.mover == shaper && !is_static(s.crossed))
                        .filter(allowed)
                        .map(|s| s.crossed)
                        .collect();
                    distinct(&mut crossed);
                    effect.reordered.push((shaper, crossed));
                }
            }
            Direction::Sink => {
                effect.bypassed = self.moved.clone();
                effect.shapers = self
                    .steps
                    .iter()
                    .filter(|s| matches!(s.decision, Decision::Allowed(Kind::Shaper)))
                    .map(|s| s.crossed)
                    .collect();
                let mut crossed: Vec<usize> = self
                    .steps
                    .iter()
                    .filter(allowed)
                    .map(|s| s.crossed)
                    .filter(|&c| !is_static(c) || moves_shaper(c))
                    .collect();
                distinct(&mut crossed);
                for c in crossed {
                    let mut movers: Vec<usize> = self
                        .steps
                        .iter()
                        .filter(|s| s.crossed == c)
                        .filter(allowed)
                        .map(|s| s.mover)
                        .collect();
                    distinct(&mut movers);
                    effect.reordered.push((c, movers));
                }
            }
        }
        distinct(&mut effect.bypassed);
        distinct(&mut effect.shapers);
        effect
    }
}

/// Finds the session-before-static problems in a block and plans their fixes: one for each
/// statement whose own arguments put static after session and can trade places, or else the
/// one problem of the block's statements (whose plan takes the fixed arguments as they are,
/// in the next pass).
pub fn plan_block(block: &Block) -> Vec<Finding> {
    let within: Vec<Finding> =
        block.stmts.iter().enumerate().filter_map(|(i, stmt)| plan_arguments(i, stmt)).collect();
    if within.is_empty() { plan_statements(block).into_iter().collect() } else { within }
}

/// A statement move a pass applies: the block and the order it leaves the block's statements in.
#[derive(Debug)]
pub struct Applied {
    pub block: usize,
    pub order: Vec<usize>,
}

/// Whether the moves of a pass leave nothing for another pass to find, so that the next pass
/// only has to check the edited text's shape. True when, in every moved block, no statement
/// registers session middleware before a statement (or its own later argument) registers
/// static middleware, and no moved statement registers session or static middleware for
/// another block's receiver (whose order the move would change unseen). It judges from this
/// pass's classifications, which do not depend on where a statement stands. The caller only
/// asks when every finding of the pass was a statement move that was applied.
pub fn settles(blocks: &[Block], applied: &[Applied]) -> bool {
    // How many blocks each statement registers session or static middleware in.
    let mut registers: HashMap<(u32, u32), usize> = HashMap::default();
    for block in blocks {
        for stmt in block.stmts.iter().filter(|s| s.has_session() || s.has_static()) {
            crate::budget::tick(1);
            *registers.entry((stmt.span.start, stmt.span.end)).or_default() += 1;
        }
    }
    let in_order = |applied: &Applied| {
        let stmts = &blocks[applied.block].stmts;
        let mut session_seen = false;
        applied.order.iter().map(|&i| &stmts[i]).all(|stmt| {
            let fine = stmt.static_after_session().is_none() && !(session_seen && stmt.has_static());
            session_seen |= stmt.has_session();
            fine
        })
    };
    let moved_alone = |applied: &Applied| {
        let stmts = &blocks[applied.block].stmts;
        let mut moved =
            applied.order.iter().enumerate().filter(|&(at, &from)| at != from).map(|(_, &from)| &stmts[from]);
        // Registering in this block counts once; any other block it registers in must not see it move.
        moved.all(|stmt| {
            crate::budget::tick(1);
            let own = usize::from(stmt.has_session() || stmt.has_static());
            registers.get(&(stmt.span.start, stmt.span.end)).copied().unwrap_or(0) <= own
        })
    };
    applied.iter().all(|a| in_order(a) && moved_alone(a))
}

/// Plans the reordering of one statement's arguments, when they put static after session and
/// can trade places.
fn plan_arguments(index: usize, stmt: &Stmt) -> Option<Finding> {
    let (session_part, static_part) = stmt.static_after_session()?;
    let units = argument_units(stmt)?;
    let session = units.iter().position(Stmt::has_session)?;
    let last_static = units.iter().rposition(Stmt::has_static)?;
    Some(Finding {
        session: index,
        statics: index,
        session_part: session_part.clone(),
        static_part: static_part.clone(),
        scope: Scope::Arguments(index),
        plan: plan_moves(&units, session, last_static, session_part),
    })
}

/// Plans the statement moves for the block's first session registration and the statics after it.
fn plan_statements(block: &Block) -> Option<Finding> {
    let stmts = &block.stmts;
    let session = stmts.iter().position(Stmt::has_session)?;
    let session_part = first_part(&stmts[session], Kind::Session);
    // A session mounted at `/api` never sees a static's requests under `/assets`.
    let reached = |stmt: &Stmt| {
        stmt.parts.iter().chain(&stmt.nested).any(|p| p.kind == Kind::Static && paths_meet(&session_part, p))
    };
    let statics: Vec<usize> = (session + 1..stmts.len()).filter(|&i| reached(&stmts[i])).collect();
    let Some(&first_static) = statics.first() else {
        let (_, static_part) = stmts[session].static_after_session()?;
        return Some(Finding {
            session,
            statics: session,
            session_part,
            static_part: static_part.clone(),
            scope: Scope::Statements,
            plan: refuse(session, Reason::SameStatement),
        });
    };
    let last_static = *statics.last().unwrap();
    let plan = plan_moves(stmts, session, last_static, &session_part);
    let plan = match plan.outcome {
        Outcome::Review(_) if plan.candidates.len() == 2 => partial(stmts, session, last_static, plan),
        _ => plan,
    };
    // A partial fix is reported at the first static it moves; the others at their own lines.
    let first_static = match plan.chosen() {
        Some(c) if !plan.stayed.is_empty() => c.moved.iter().copied().find(|&i| stmts[i].has_static())?,
        _ => first_static,
    };
    let static_part = first_part(&stmts[first_static], Kind::Static);
    Some(Finding {
        session,
        statics: first_static,
        session_part,
        static_part,
        scope: Scope::Statements,
        plan,
    })
}

/// Whether some request path reaches both parts: either may act on any path, or one's literal
/// prefix is a prefix of the other's.
fn paths_meet(a: &Part, b: &Part) -> bool {
    match (a.scope.as_deref(), b.scope.as_deref()) {
        (Some(x), Some(y)) => x.starts_with(y) || y.starts_with(x),
        _ => true,
    }
}

/// The arguments of a statement whose middleware can trade places, each as a unit the
/// planner moves like a statement.
fn argument_units(stmt: &Stmt) -> Option<Vec<Stmt>> {
    let bindings = stmt.arguments.as_ref()?;
    let units = stmt
        .parts
        .iter()
        .zip(bindings)
        .map(|(part, bindings)| Stmt {
            span: part.span,
            parts: vec![part.clone()],
            nested: Vec::new(),
            bindings: bindings.clone(),
            arguments: None,
        })
        .collect();
    Some(units)
}

/// Plans the moves that put every static unit between `session` and `last_static` before
/// the session unit: lift and sink, the one that moves fewer units (lift on a tie).
fn plan_moves(stmts: &[Stmt], session: usize, last_static: usize, session_part: &Part) -> Plan {
    if let Some(refusal) = session_part.refusal {
        return refuse(session, Reason::Refused(refusal));
    }
    let candidates = vec![lift(stmts, session, last_static), sink(stmts, session, last_static)];
    let outcome = match candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.blocked.is_none())
        .min_by_key(|(_, c)| c.moved.len())
    {
        Some((index, _)) => Outcome::Fix(index),
        None => Outcome::Review(candidates[0].blocked.clone().expect("an invalid lift has a blocker")),
    };
    Plan { candidates, outcome, stayed: Vec::new() }
}

fn refuse(stmt: usize, reason: Reason) -> Plan {
    Plan { candidates: Vec::new(), outcome: Outcome::Review(Blocker { stmt, reason }), stayed: Vec::new() }
}

/// When neither the lift nor the sink is safe: lifts the statics that can move on their own
/// (in order, each judged with the ones already chosen) and leaves the rest where they are,
/// each with its blocker. A static that stays is crossed like any statement, so a later static
/// whose files may overlap its own stays too (§5.1 of `docs/semantics.md`). When no static can
/// move, or every one can (then the lift was blocked by something else), the plan is kept.
fn partial(stmts: &[Stmt], session: usize, last_static: usize, mut plan: Plan) -> Plan {
    let mut chosen: BTreeSet<usize> = BTreeSet::new();
    let mut stayed = Vec::new();
    for s in (session + 1..=last_static).filter(|&i| stmts[i].has_static()) {
        let blocker = if stmts[s].is_static_unit() {
            let mut trial = chosen.clone();
            trial.insert(s);
            let candidate = lift_only(stmts, session, trial);
            match candidate.blocked {
                Some(blocker) => blocker,
                None => {
                    chosen = candidate.moved.into_iter().collect();
                    continue;
                }
            }
        } else {
            Blocker { stmt: s, reason: unmovable_reason(&stmts[s], Side::Static) }
        };
        stayed.push(Stay { stmt: s, part: first_part(&stmts[s], Kind::Static), blocker });
    }
    if chosen.is_empty() || stayed.is_empty() {
        return plan;
    }
    let candidate = lift_only(stmts, session, chosen);
    debug_assert!(candidate.blocked.is_none(), "each chosen static was judged with the ones before it");
    if candidate.blocked.is_some() {
        return plan;
    }
    plan.candidates.push(candidate);
    plan.outcome = Outcome::Fix(plan.candidates.len() - 1);
    plan.stayed = stayed;
    plan
}

/// A lift of exactly `moved` (static registrations) and the shapers they carry.
fn lift_only(stmts: &[Stmt], session: usize, mut moved: BTreeSet<usize>) -> Candidate {
    let mover = |i: usize| lift_mover(&stmts[i]);
    solve(stmts, Direction::Lift, session, &mut moved, None, Side::Static, mover, |m| session..m)
}

/// The role of a statement a lift moves: a static registration alone moves as static; one
/// that also holds a shaper or a compiler (a static unit), or a carried statement, moves under
/// the rules of what it holds besides static.
fn lift_mover(stmt: &Stmt) -> Mover {
    if stmt.parts.iter().chain(&stmt.nested).all(|p| matches!(p.kind, Kind::Static | Kind::Inert)) {
        Mover::Static
    } else {
        carried_mover(stmt)
    }
}

/// The role of a statement a lift carries along with the statics: the parts it holds.
fn carried_mover(stmt: &Stmt) -> Mover {
    if stmt.parts.iter().any(|p| p.kind == Kind::Compiler) { Mover::Compiler } else { Mover::Shaper }
}

fn first_part(stmt: &Stmt, kind: Kind) -> Part {
    stmt.parts
        .iter()
        .chain(&stmt.nested)
        .find(|p| p.kind == kind)
        .expect("the statement was selected for this part")
        .clone()
}

/// Why a statement holding session or static middleware cannot move as a unit.
fn unmovable_reason(stmt: &Stmt, side: Side) -> Reason {
    if let Some(refusal) = stmt.parts.iter().find_map(|p| p.refusal) {
        Reason::Refused(refusal)
    } else if !stmt.nested.is_empty() {
        let inside = match stmt.parts.as_slice() {
            [only] if only.kind == Kind::Unknown => Some(only.what.clone()),
            _ => None,
        };
        Reason::Nested { side, inside }
    } else {
        let other = stmt
            .parts
            .iter()
            .find(|p| !matches!(p.kind, Kind::Session | Kind::Static | Kind::Consumer | Kind::Inert));
        Reason::SharesCall { side, other: other.map(|p| (p.what.clone(), p.kind)) }
    }
}

/// The role of a statement that moves, for the crossing rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mover {
    Static,
    Shaper,
    Compiler,
    Session,
    Consumer,
}

/// The crossing table: may `mover` cross a statement holding `part`? A decision, or why not.
fn judge(mover: Mover, part: &Part, carriable: bool) -> Result<Decision, Reason> {
    use Kind::*;
    let k = part.kind;
    match (mover, k) {
        (_, Inert) => Ok(Decision::Allowed(k)),
        (Mover::Static | Mover::Shaper | Mover::Compiler, Session | Consumer) => Ok(Decision::Allowed(k)),
        (Mover::Static, Shaper | Compiler) if carriable => Ok(Decision::Carried(k)),
        (Mover::Session | Mover::Consumer, Static | Shaper | Compiler) => Ok(Decision::Allowed(k)),
        (Mover::Session | Mover::Consumer, Consumer) if carriable => Ok(Decision::Carried(k)),
        _ => Err(Reason::Crossing { mover, what: part.what.clone(), kind: k }),
    }
}

/// Judges one crossing: every part of the crossed statement, then the bindings both touch.
/// The decision that matters most: carried or disjoint over allowed, an allowed class over inert.
fn cross(stmts: &[Stmt], mover: Mover, m: usize, c: usize) -> Result<Decision, Reason> {
    crate::budget::tick(1);
    let crossed = &stmts[c];
    let carriable = match mover {
        Mover::Static => crossed.only(Kind::Shaper) || crossed.only(Kind::Compiler),
        Mover::Shaper | Mover::Compiler => false,
        Mover::Session | Mover::Consumer => crossed.only(Kind::Consumer),
    };
    let mut result = Decision::Allowed(Kind::Inert);
    for part in crossed.parts.iter().chain(&crossed.nested) {
        if let Some(refusal) = part.refusal {
            return Err(Reason::Refused(refusal));
        }
        // A route, or a static a partial lift leaves in place: crossed only where no path
        // reaches both.
        let paths = (mover == Mover::Static && matches!(part.kind, Kind::Route | Kind::Static))
            .then(|| disjoint(&stmts[m], part));
        let decision = match paths.flatten() {
            Some((mount, path)) => Decision::Disjoint { mount, path },
            None => judge(mover, part, carriable)?,
        };
        if !matches!(decision, Decision::Allowed(_)) || matches!(result, Decision::Allowed(Kind::Inert)) {
            result = decision;
        }
    }
    // A carried statement keeps its place relative to the mover, so the bindings both touch
    // are seen in the same order; its own crossings are judged once it is carried.
    if matches!(result, Decision::Carried(_)) {
        return Ok(result);
    }
    if let Some(name) = stmts[m].bindings.conflict(&crossed.bindings) {
        return Err(Reason::Binding { name });
    }
    if let Some(name) = stmts[m].bindings.exposed(&crossed.bindings) {
        return Err(Reason::MayChange { name });
    }
    Ok(result)
}

/// When no request path reaches both the static middleware of `mover` and `part` (a route, or
/// a static that falls through): each static's mount and the part's path prefix, neither a
/// prefix of the other (both are lowercase literal prefixes). The mount and the path, for the
/// explanation.
fn disjoint(mover: &Stmt, part: &Part) -> Option<(String, String)> {
    let path = part.scope.as_deref()?;
    let mut mounts = mover.parts.iter().filter(|p| p.kind == Kind::Static).map(|p| p.scope.as_deref());
    let first = mounts.next()??;
    let apart = |mount: &str| !mount.starts_with(path) && !path.starts_with(mount);
    (apart(first) && mounts.all(|m| m.is_some_and(apart))).then(|| (first.to_string(), path.to_string()))
}

fn lift(stmts: &[Stmt], session: usize, last_static: usize) -> Candidate {
    let mut moved: BTreeSet<usize> = (session + 1..=last_static).filter(|&i| stmts[i].has_static()).collect();
    let mover = |i: usize| lift_mover(&stmts[i]);
    let unmovable = moved.iter().copied().find(|&i| !stmts[i].is_static_unit());
    let ranges = |m: usize| session..m;
    solve(stmts, Direction::Lift, session, &mut moved, unmovable, Side::Static, mover, ranges)
}

fn sink(stmts: &[Stmt], session: usize, last_static: usize) -> Candidate {
    let mut moved: BTreeSet<usize> = (session..last_static).filter(|&i| stmts[i].has_session()).collect();
    let mover = |i: usize| {
        if stmts[i].has_session() { Mover::Session } else { Mover::Consumer }
    };
    let unmovable = moved
        .iter()
        .copied()
        .find(|&i| !stmts[i].is_session_registration() || stmts[i].parts.iter().any(|p| p.refusal.is_some()));
    let ranges = |m: usize| m + 1..last_static + 1;
    solve(stmts, Direction::Sink, last_static, &mut moved, unmovable, Side::Session, mover, ranges)
}

/// Grows the moved set until every crossing is allowed, or stops at the first blocker.
#[allow(clippy::too_many_arguments)]
fn solve(
    stmts: &[Stmt],
    direction: Direction,
    anchor: usize,
    moved: &mut BTreeSet<usize>,
    unmovable: Option<usize>,
    side: Side,
    mover: impl Fn(usize) -> Mover,
    crossed_by: impl Fn(usize) -> std::ops::Range<usize>,
) -> Candidate {
    let finish = |moved: &BTreeSet<usize>, steps, blocked| Candidate {
        direction,
        moved: moved.iter().copied().collect(),
        anchor,
        steps,
        blocked,
    };
    if let Some(stmt) = unmovable {
        let reason = unmovable_reason(&stmts[stmt], side);
        return finish(moved, Vec::new(), Some(Blocker { stmt, reason }));
    }
    // The statements that stay, among those any mover crosses: each mover's crossings are the
    // ones in its range, found without looking at the other movers.
    let reach = moved
        .iter()
        .map(|&m| crossed_by(m))
        .fold(anchor..anchor + 1, |all, r| all.start.min(r.start)..all.end.max(r.end));
    let mut staying: BTreeSet<usize> = reach.filter(|i| !moved.contains(i)).collect();
    // Carrying is decided once and kept; the crossings are judged again after each carry.
    let mut carried = Vec::new();
    'grow: loop {
        let mut steps = Vec::new();
        for &m in moved.iter() {
            for &c in staying.range(crossed_by(m)) {
                match cross(stmts, mover(m), m, c) {
                    Ok(Decision::Carried(kind)) => {
                        carried.push(Step { mover: m, crossed: c, decision: Decision::Carried(kind) });
                        moved.insert(c);
                        staying.remove(&c);
                        continue 'grow;
                    }
                    Ok(decision) => steps.push(Step { mover: m, crossed: c, decision }),
                    Err(reason) => {
                        carried.append(&mut steps);
                        return finish(moved, carried, Some(Blocker { stmt: c, reason }));
                    }
                }
            }
        }
        carried.append(&mut steps);
        return finish(moved, carried, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::detect::analyze;
    use crate::parse::parse;
    use oxc_allocator::Allocator;
    use oxc_span::SourceType;

    const HEAD: &str = "const express = require('express');\nconst session = require('express-session');\n\
                        const app = express();\nconst router = express.Router();\n";

    /// Plans `body` and answers whether applying every statement fix settles it, or `None`
    /// when some finding is not an applicable statement move.
    fn settles_after(body: &str) -> Option<bool> {
        let text = format!("{HEAD}{body}");
        let allocator = Allocator::default();
        let program = parse(&allocator, &text, SourceType::cjs()).unwrap();
        let analysis = analyze(&program, &Config::default(), &crate::detect::NoModules);
        let mut applied = Vec::new();
        for (b, block) in analysis.blocks.iter().enumerate() {
            for finding in plan_block(block) {
                let Outcome::Fix(i) = finding.plan.outcome else { return None };
                if finding.scope != Scope::Statements {
                    return None;
                }
                applied
                    .push(Applied { block: b, order: finding.plan.candidates[i].order(block.stmts.len()) });
            }
        }
        Some(settles(&analysis.blocks, &applied))
    }

    #[test]
    fn one_lift_settles() {
        let body = "app.use(session({}));\napp.use(express.json());\napp.use(express.static('p'));\n";
        assert_eq!(settles_after(body), Some(true));
    }

    #[test]
    fn a_sink_moves_every_session_before_the_last_static_and_settles() {
        let body = "app.use(session({}));\napp.use(express.static('a'));\napp.use(session({ name: 'b' }));\n\
                    app.use(express.static('b'));\napp.use(express.static('c'));\napp.use(express.static('d'));\n";
        assert_eq!(settles_after(body), Some(true));
    }

    /// A statement at `at` registering middleware of `kinds` (one part each).
    fn stmt(at: u32, kinds: &[Kind]) -> Stmt {
        let span = Span::new(at * 10, at * 10 + 9);
        let part = |&kind: &Kind| Part {
            kind,
            what: format!("{kind}"),
            span,
            refusal: None,
            scope: None,
            known: None,
            session: None,
        };
        Stmt {
            span,
            parts: kinds.iter().map(part).collect(),
            nested: Vec::new(),
            bindings: Default::default(),
            arguments: None,
        }
    }

    fn block(stmts: Vec<Stmt>) -> Block {
        let window = crate::detect::model::Window { list_first: 0, offset: 0 };
        Block { receiver: "app".into(), list_start: 0, is_program: true, stmts, window }
    }

    #[test]
    fn an_order_that_leaves_session_before_static_does_not_settle() {
        let blocks =
            [block(vec![stmt(0, &[Kind::Session]), stmt(1, &[Kind::Static]), stmt(2, &[Kind::Static])])];
        assert!(settles(&blocks, &[Applied { block: 0, order: vec![1, 2, 0] }]));
        assert!(!settles(&blocks, &[Applied { block: 0, order: vec![1, 0, 2] }]));
        // Static after session inside one statement is a finding of its own.
        let blocks = [block(vec![stmt(0, &[Kind::Session, Kind::Static]), stmt(1, &[Kind::Inert])])];
        assert!(!settles(&blocks, &[Applied { block: 0, order: vec![1, 0] }]));
    }

    #[test]
    fn a_move_names_what_static_requests_skip_the_shapers_they_keep_and_what_else_reorders() {
        use Kind::*;
        let stmts = vec![
            stmt(0, &[Session]),
            stmt(1, &[Consumer]),
            stmt(2, &[Inert]),
            stmt(3, &[Shaper]),
            stmt(4, &[Static]),
        ];
        let is_static = |i: usize| stmts[i].has_static();
        let lift = lift(&stmts, 0, 4);
        assert!(lift.blocked.is_none());
        let effect = lift.effect(is_static, |_| false);
        assert_eq!(effect.bypassed, [0, 1, 2]);
        assert_eq!(effect.shapers, [3]);
        assert_eq!(effect.reordered, [(3, vec![0, 1, 2])]);
        // The sink carries the consumer down; the shaper and the parser now run before both.
        let sink = sink(&stmts, 0, 4);
        assert!(sink.blocked.is_none());
        let effect = sink.effect(is_static, |_| false);
        assert_eq!(effect.bypassed, [0, 1]);
        assert_eq!(effect.shapers, [3]);
        assert_eq!(effect.reordered, [(2, vec![0, 1]), (3, vec![0, 1])]);
    }

    #[test]
    fn a_static_unit_with_a_shaper_moves_as_a_shaper_and_says_its_shaper_runs_earlier() {
        use Kind::*;
        let stmts = vec![stmt(0, &[Session]), stmt(1, &[Consumer]), stmt(2, &[Static, Shaper])];
        assert_eq!(lift_mover(&stmts[2]), Mover::Shaper);
        assert_eq!(lift_mover(&stmt(3, &[Static, Inert])), Mover::Static);
        let is_static = |i: usize| stmts[i].has_static();
        let moves_shaper = |i: usize| i == 2;
        let lifted = lift(&stmts, 0, 2);
        assert!(lifted.blocked.is_none());
        let effect = lifted.effect(is_static, moves_shaper);
        assert_eq!(effect.bypassed, [0, 1]);
        assert_eq!(effect.reordered, [(2, vec![0, 1])]);
        // Sunk below it, the session and its consumer now follow the unit's shaper.
        let sink = sink(&stmts, 0, 2);
        assert!(sink.blocked.is_none());
        assert_eq!(sink.effect(is_static, moves_shaper).reordered, [(2, vec![0, 1])]);
        assert!(sink.effect(is_static, |_| false).reordered.is_empty());
        // It may not pass another shaper, which a static alone would carry.
        let behind_helmet = vec![stmt(0, &[Session]), stmt(1, &[Shaper]), stmt(2, &[Static, Shaper])];
        assert!(lift(&behind_helmet, 0, 2).blocked.is_some());
    }

    /// A static statement at `at` mounted at `mount` (a literal scope), or unscoped.
    fn mounted(at: u32, mount: Option<&str>) -> Stmt {
        let mut s = stmt(at, &[Kind::Static]);
        s.parts[0].scope = mount.map(str::to_string);
        s
    }

    fn plan_of(stmts: &[Stmt]) -> Plan {
        let last = stmts.iter().rposition(Stmt::has_static).unwrap();
        let plan = plan_moves(stmts, 0, last, &stmts[0].parts[0]);
        partial(stmts, 0, last, plan)
    }

    #[test]
    fn a_partial_lift_moves_the_statics_that_can_move_and_says_why_the_others_stay() {
        use Kind::*;
        let stmts =
            vec![stmt(0, &[Session]), mounted(1, Some("/a")), stmt(2, &[Guard]), mounted(3, Some("/b"))];
        let plan = plan_of(&stmts);
        let chosen = plan.chosen().expect("a partial fix");
        assert_eq!(
            (chosen.direction, chosen.moved.as_slice(), chosen.anchor),
            (Direction::Lift, &[1][..], 0)
        );
        assert_eq!(chosen.order(stmts.len()), [1, 0, 2, 3]);
        let [stay] = plan.stayed.as_slice() else { panic!("one static stays: {:?}", plan.stayed) };
        assert_eq!((stay.stmt, stay.blocker.stmt), (3, 2));
        assert!(matches!(stay.blocker.reason, Reason::Crossing { kind: Guard, .. }));
    }

    #[test]
    fn a_static_passes_one_that_stays_only_when_no_path_reaches_both() {
        use Kind::*;
        // session; a route at /health; a static at `first` that may not cross the route (no
        // scope, or /files), or a binding; a static at `second`.
        let stmts = |first: Option<&str>, second: Option<&str>| {
            let mut route = stmt(1, &[Route]);
            route.parts[0].scope = Some("/health".into());
            let mut stays = mounted(3, first);
            let declared = oxc_syntax::symbol::SymbolId::new(0);
            stays.bindings.reads.insert(declared);
            let mut declares = stmt(2, &[Inert]);
            declares.bindings.declares.insert(declared);
            vec![stmt(0, &[Session]), route, declares, stays, mounted(4, second)]
        };
        let moved = |plan: &Plan| plan.chosen().map(|c| c.moved.clone());
        let plan = plan_of(&stmts(Some("/files"), Some("/assets")));
        assert_eq!(moved(&plan), Some(vec![4]));
        assert_eq!(plan.stayed.iter().map(|s| (s.stmt, s.blocker.stmt)).collect::<Vec<_>>(), [(3, 2)]);
        assert!(matches!(plan.stayed[0].blocker.reason, Reason::Binding { .. }));
        // Overlapping mounts either way round, the same mount, or either unmounted: the
        // second would cross the first, so it stays too and nothing moves.
        for (first, second) in [
            (Some("/files"), Some("/files/img")),
            (Some("/files"), Some("/fil")),
            (Some("/files"), Some("/files")),
            (None, Some("/assets")),
        ] {
            let plan = plan_of(&stmts(first, second));
            assert_eq!(moved(&plan), None, "{first:?} {second:?}");
            assert!(plan.stayed.is_empty());
        }
    }

    #[test]
    fn no_partial_lift_when_every_static_or_none_can_move() {
        use Kind::*;
        // Every static is behind the guard: nothing can move, the finding is refused whole.
        let stmts = vec![stmt(0, &[Session]), stmt(1, &[Guard]), mounted(2, None), mounted(3, None)];
        let plan = plan_of(&stmts);
        assert!(plan.chosen().is_none() && plan.stayed.is_empty());
        assert!(matches!(plan.outcome, Outcome::Review(Blocker { stmt: 1, .. })));
        // A lift that is valid is never made partial.
        let stmts = vec![stmt(0, &[Session]), mounted(1, None), mounted(2, None)];
        let plan = plan_of(&stmts);
        assert!(plan.stayed.is_empty() && plan.chosen().is_some());
    }

    #[test]
    fn a_moved_statement_that_registers_for_another_receiver_does_not_settle() {
        let app = block(vec![stmt(0, &[Kind::Session]), stmt(1, &[Kind::Static])]);
        let lift = Applied { block: 0, order: vec![1, 0] };
        // The same statements seen from the router: the second registers its session.
        let router = |kinds: &[Kind]| Block {
            receiver: "router".into(),
            ..block(vec![stmt(0, &[Kind::Inert]), stmt(1, kinds)])
        };
        assert!(settles(&[app, router(&[Kind::Inert])], std::slice::from_ref(&lift)));
        let app = block(vec![stmt(0, &[Kind::Session]), stmt(1, &[Kind::Static])]);
        assert!(!settles(&[app, router(&[Kind::Session])], &[lift]));
    }

    #[test]
    fn an_effect_names_for_each_unit_only_what_that_unit_crossed() {
        let step = |mover, crossed, decision| Step { mover, crossed, decision };
        let allowed = |kind| Decision::Allowed(kind);
        // session(0), shaper A(1), consumer(2), shaper B(3), static(4): a lift carries both
        // shapers; A passes only the session, B the session and the consumer.
        let lift = Candidate {
            direction: Direction::Lift,
            moved: vec![1, 3, 4],
            anchor: 0,
            steps: vec![
                step(4, 3, Decision::Carried(Kind::Shaper)),
                step(4, 1, Decision::Carried(Kind::Shaper)),
                step(1, 0, allowed(Kind::Session)),
                step(3, 2, allowed(Kind::Consumer)),
                step(3, 0, allowed(Kind::Session)),
                step(4, 2, allowed(Kind::Consumer)),
                step(4, 0, allowed(Kind::Session)),
            ],
            blocked: None,
        };
        let effect = lift.effect(|i| i == 4, |_| false);
        assert_eq!(effect.bypassed, [0, 2]);
        assert_eq!(effect.shapers, [1, 3]);
        assert_eq!(effect.reordered, [(1, vec![0]), (3, vec![0, 2])]);

        // session(0), consumer(1), shaper(2), static(3): a sink moves the session and the
        // consumer below the static; the shaper runs before both now, the static before none
        // of the others for the requests it passes on.
        let sink = Candidate {
            direction: Direction::Sink,
            moved: vec![0, 1],
            anchor: 3,
            steps: vec![
                step(1, 2, allowed(Kind::Shaper)),
                step(1, 3, allowed(Kind::Static)),
                step(0, 2, allowed(Kind::Shaper)),
                step(0, 3, allowed(Kind::Static)),
            ],
            blocked: None,
        };
        let effect = sink.effect(|i| i == 3, |_| false);
        assert_eq!(effect.bypassed, [0, 1]);
        assert_eq!(effect.shapers, [2]);
        assert_eq!(effect.reordered, [(2, vec![0, 1])]);

        // session(0), shaper A(1), consumer(2), shaper B(3), static(4), sunk: A now runs before
        // the session only, B before both.
        let sink = Candidate {
            direction: Direction::Sink,
            moved: vec![0, 2],
            anchor: 4,
            steps: vec![
                step(2, 3, allowed(Kind::Shaper)),
                step(2, 4, allowed(Kind::Static)),
                step(0, 1, allowed(Kind::Shaper)),
                step(0, 3, allowed(Kind::Shaper)),
                step(0, 4, allowed(Kind::Static)),
            ],
            blocked: None,
        };
        let effect = sink.effect(|i| i == 4, |_| false);
        assert_eq!(effect.shapers, [1, 3]);
        assert_eq!(effect.reordered, [(1, vec![0]), (3, vec![0, 2])]);
    }
}
