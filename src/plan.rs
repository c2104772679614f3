//! Decides how to put static before session in one block: the candidate moves, every crossing
//! judged by the rules of `express-semantics.md`, and the choice, or a refusal with its reason.
//!
//! Planning is pure: it reads a [`Block`] and returns a [`Plan`] that explains itself.

use std::collections::BTreeSet;

use crate::classify::Kind;
use crate::detect::{Block, Part, Stmt};

/// One session-before-static problem in a block, with the plan that answers it.
#[derive(Debug)]
pub struct Finding {
    /// The first statement that registers session middleware.
    pub session: usize,
    /// The first statement after it that registers static middleware.
    pub statics: usize,
    pub session_part: Part,
    pub static_part: Part,
    pub plan: Plan,
}

#[derive(Debug)]
pub struct Plan {
    /// Lift first, then sink; empty when the finding's shape rules out any move.
    pub candidates: Vec<Candidate>,
    pub outcome: Outcome,
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

#[derive(Debug)]
pub enum Decision {
    /// The mover may cross it; the class that allowed it.
    Allowed(Kind),
    /// The mover may not cross it, but it can travel with the move.
    Carried(Kind),
}

#[derive(Debug, Clone)]
pub struct Blocker {
    /// The statement that stops the move.
    pub stmt: usize,
    pub reason: String,
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

/// Finds the session-before-static problem in a block, if any, and plans its fix.
pub fn plan_block(block: &Block) -> Option<Finding> {
    let stmts = &block.stmts;
    let session = stmts.iter().position(Stmt::has_session)?;
    let session_part = first_part(&stmts[session], Kind::Session);

    let statics: Vec<usize> = (session + 1..stmts.len()).filter(|&i| stmts[i].has_static()).collect();
    let Some(&first_static) = statics.first() else {
        // Only a problem when session comes before static inside the one call.
        let stmt = &stmts[session];
        let session_at = stmt.parts.iter().position(|p| p.kind == Kind::Session)?;
        let static_part = stmt.parts[session_at..].iter().find(|p| p.kind == Kind::Static)?.clone();
        let reason = "session and static middleware are registered in the same statement \
                      (one call or one chain); put the static middleware first"
            .to_string();
        return Some(Finding {
            session,
            statics: session,
            session_part,
            static_part,
            plan: refuse(session, reason),
        });
    };
    let static_part = first_part(&stmts[first_static], Kind::Static);
    let last_static = *statics.last().unwrap();

    if let Some(refusal) = session_part.refusal {
        return Some(Finding {
            session,
            statics: first_static,
            session_part,
            static_part,
            plan: refuse(session, refusal.to_string()),
        });
    }
    if !stmts[session].is_session_registration() {
        let reason = unmovable_reason(&stmts[session], "session");
        return Some(Finding {
            session,
            statics: first_static,
            session_part,
            static_part,
            plan: refuse(session, reason),
        });
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
    Some(Finding {
        session,
        statics: first_static,
        session_part,
        static_part,
        plan: Plan { candidates, outcome },
    })
}

fn refuse(stmt: usize, reason: String) -> Plan {
    Plan { candidates: Vec::new(), outcome: Outcome::Review(Blocker { stmt, reason }) }
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
fn unmovable_reason(stmt: &Stmt, what: &str) -> String {
    if let Some(refusal) = stmt.parts.iter().find_map(|p| p.refusal) {
        refusal.to_string()
    } else if !stmt.nested.is_empty() {
        format!(
            "the {what} middleware is registered inside a nested block or callback, which the tool does not move"
        )
    } else {
        let other = stmt
            .parts
            .iter()
            .find(|p| !matches!(p.kind, Kind::Session | Kind::Static | Kind::Consumer | Kind::Inert));
        match other {
            Some(p) => format!("the {what} middleware shares its call with {} ({})", p.what, p.kind),
            None => format!("the {what} middleware shares its call with other middleware"),
        }
    }
}

/// The role of a statement that moves, for the crossing rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mover {
    Static,
    Shaper,
    Session,
    Consumer,
}

enum Verdict {
    Allowed(Kind),
    Carry(Kind),
    Blocked(String),
}

/// The crossing table: may `mover` cross a statement holding `part`?
fn judge(mover: Mover, part: &Part, carriable: bool) -> Verdict {
    use Kind::*;
    let k = part.kind;
    let verdict = match (mover, k) {
        (_, Inert) => Verdict::Allowed(k),
        (Mover::Static | Mover::Shaper, Session | Consumer) => Verdict::Allowed(k),
        (Mover::Static, Shaper) if carriable => Verdict::Carry(k),
        (Mover::Session | Mover::Consumer, Static | Shaper) => Verdict::Allowed(k),
        (Mover::Session | Mover::Consumer, Consumer) if carriable => Verdict::Carry(k),
        _ => Verdict::Blocked(String::new()),
    };
    match verdict {
        Verdict::Blocked(_) => Verdict::Blocked(blocked_reason(mover, part)),
        v => v,
    }
}

fn blocked_reason(mover: Mover, part: &Part) -> String {
    let moving = match mover {
        Mover::Static => "static middleware may not move above",
        Mover::Shaper => "a response shaper may not move above",
        Mover::Session => "session middleware may not move below",
        Mover::Consumer => "a session consumer may not move below",
    };
    let why = match (mover, part.kind) {
        (_, Kind::Guard) => "it may end the request, so protected files could be published",
        (_, Kind::Route) => "its paths may overlap the static files",
        (_, Kind::Unknown) => "the tool cannot tell what it does",
        (_, Kind::Rewriter) => "it changes the request before static middleware sees it",
        (_, Kind::RouterSetting) => "Express reads it when the router is first created",
        (Mover::Static, Kind::Shaper) => "static responses would lose its headers",
        (Mover::Session | Mover::Consumer, Kind::Consumer) => "it needs the session",
        (Mover::Shaper, _) => "it would change those responses",
        _ => "the crossing rules forbid it",
    };
    format!("{moving} {} [{}]: {why}", part.what, part.kind)
}

/// Judges one crossing: every part of the crossed statement, then the bindings both touch.
fn cross(stmts: &[Stmt], mover: Mover, m: usize, c: usize) -> Verdict {
    let crossed = &stmts[c];
    let carriable = match mover {
        Mover::Static | Mover::Shaper => crossed.only(Kind::Shaper),
        Mover::Session | Mover::Consumer => crossed.only(Kind::Consumer),
    };
    let mut result = Verdict::Allowed(Kind::Inert);
    for part in crossed.parts.iter().chain(&crossed.nested) {
        if let Some(refusal) = part.refusal {
            return Verdict::Blocked(refusal.to_string());
        }
        match judge(mover, part, carriable) {
            Verdict::Blocked(reason) => return Verdict::Blocked(reason),
            Verdict::Carry(kind) => result = Verdict::Carry(kind),
            Verdict::Allowed(kind) => {
                if matches!(result, Verdict::Allowed(Kind::Inert)) {
                    result = Verdict::Allowed(kind);
                }
            }
        }
    }
    if let Some(name) = stmts[m].bindings.conflict(&crossed.bindings) {
        return Verdict::Blocked(format!(
            "`{name}` is declared or assigned on one side and used on the other"
        ));
    }
    result
}

fn lift(stmts: &[Stmt], session: usize, last_static: usize) -> Candidate {
    let mut moved: BTreeSet<usize> = (session + 1..=last_static).filter(|&i| stmts[i].has_static()).collect();
    let mover = |i: usize| {
        if stmts[i].has_static() { Mover::Static } else { Mover::Shaper }
    };
    let unmovable = moved.iter().copied().find(|&i| !stmts[i].is_static_registration());
    let ranges = |m: usize| (session..m).collect::<Vec<_>>();
    solve(stmts, Direction::Lift, session, &mut moved, unmovable, "static", mover, ranges)
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
    let ranges = |m: usize| (m + 1..=last_static).collect::<Vec<_>>();
    solve(stmts, Direction::Sink, last_static, &mut moved, unmovable, "session", mover, ranges)
}

/// Grows the moved set until every crossing is allowed, or stops at the first blocker.
#[allow(clippy::too_many_arguments)]
fn solve(
    stmts: &[Stmt],
    direction: Direction,
    anchor: usize,
    moved: &mut BTreeSet<usize>,
    unmovable: Option<usize>,
    what: &str,
    mover: impl Fn(usize) -> Mover,
    crossed_by: impl Fn(usize) -> Vec<usize>,
) -> Candidate {
    let finish = |moved: &BTreeSet<usize>, steps, blocked| Candidate {
        direction,
        moved: moved.iter().copied().collect(),
        anchor,
        steps,
        blocked,
    };
    if let Some(stmt) = unmovable {
        let reason = unmovable_reason(&stmts[stmt], what);
        return finish(moved, Vec::new(), Some(Blocker { stmt, reason }));
    }
    // Carrying is decided once and kept; the crossings are judged again after each carry.
    let mut carried = Vec::new();
    'grow: loop {
        let mut steps = Vec::new();
        for &m in moved.iter() {
            for c in crossed_by(m) {
                if moved.contains(&c) {
                    continue;
                }
                match cross(stmts, mover(m), m, c) {
                    Verdict::Allowed(kind) => {
                        steps.push(Step { mover: m, crossed: c, decision: Decision::Allowed(kind) })
                    }
                    Verdict::Carry(kind) => {
                        carried.push(Step { mover: m, crossed: c, decision: Decision::Carried(kind) });
                        moved.insert(c);
                        continue 'grow;
                    }
                    Verdict::Blocked(reason) => {
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
