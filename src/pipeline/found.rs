//! Turns a planned finding into the data the report layer reads: statement indices become
//! lines and columns, and `--explain` gets every unit the plan rests on (only when asked).

use super::outcome::{
    CandidateSummary, Change, Classified, ExplainedCandidate, ExplainedOutcome, ExplainedStep, Explanation,
    Found, Named, Place, PlanSummary, Position, Risk, RiskWhy, SessionFacts, Status, Stayed,
};
use crate::detect::{Block, Part};
use crate::knowledge::Kind;
use crate::plan::{Candidate, Finding, Outcome, Scope, Stay};
use crate::source::LineIndex;

/// Describes a planned finding with positions from `lines`.
pub fn found(
    block: &Block,
    finding: &Finding,
    status: Status,
    lines: &LineIndex<'_>,
    explain: bool,
) -> Found {
    let explanation = explain.then(|| explanation(block, finding, &status, lines));
    found_at(block, finding, &finding.static_part, status, lines, explanation)
}

/// Describes a static a partial fix leaves in place, at its own line, with the finding's plan
/// (whose explanation the fixed part's finding carries).
pub fn stayed(block: &Block, finding: &Finding, stay: &Stay, status: Status, lines: &LineIndex<'_>) -> Found {
    found_at(block, finding, &stay.part, status, lines, None)
}

fn found_at(
    block: &Block,
    finding: &Finding,
    static_part: &Part,
    status: Status,
    lines: &LineIndex<'_>,
    explanation: Option<Explanation>,
) -> Found {
    let position = |span: oxc_span::Span| {
        let (line, col) = lines.line_col(span.start);
        Position { line, col, span: (lines.file_offset(span.start), lines.file_offset(span.end)) }
    };
    Found {
        at: position(static_part.span),
        session_at: position(finding.session_part.span),
        receiver: block.receiver.clone(),
        session_what: finding.session_part.what.clone(),
        static_what: static_part.what.clone(),
        session: {
            let facts = finding.session_part.session.unwrap_or(SessionFacts {
                risk: Risk::High,
                why: RiskWhy::OptionsUnreadable,
                shared: false,
            });
            // Mounted at a path, it reaches only the static files under it.
            match finding.session_part.scope {
                Some(_) => SessionFacts { risk: Risk::Lower, ..facts },
                None => facts,
            }
        },
        session_mount: finding.session_part.scope.clone(),
        plan: plan_summary(block, finding, lines),
        explanation,
        status,
    }
}

/// What the chosen move changes, naming the middleware of each unit it concerns: sessions,
/// consumers, shapers and the table's inert middleware (parsers), not settings or declarations.
pub fn change(block: &Block, finding: &Finding, candidate: &Candidate, lines: &LineIndex<'_>) -> Change {
    let effect = candidate.effect(
        |i| finding.unit_has_static(block, i),
        |i| finding.unit_parts(block, i).iter().any(|p| matches!(p.kind, Kind::Shaper | Kind::Compiler)),
    );
    let named = |units: &[usize]| -> Vec<Named> {
        units
            .iter()
            .flat_map(|&i| finding.unit_parts(block, i))
            .filter(|p| is_middleware(p))
            .map(|p| Named { what: p.what.clone(), line: lines.line(p.span.start), kind: p.kind })
            .collect()
    };
    Change {
        bypassed: named(&effect.bypassed),
        shapers: named(&effect.shapers),
        compilers: named(&effect.compilers),
        reordered: effect
            .reordered
            .iter()
            .flat_map(|(first, after)| {
                let after = named(after);
                // A static unit's own static part is not named: only its shaper runs earlier.
                let first = if after.is_empty() { Vec::new() } else { named(std::slice::from_ref(first)) };
                first.into_iter().map(move |n| (n, after.clone()))
            })
            .collect(),
    }
}

/// Whether a part is middleware a request passes through and a reviewer knows by name.
fn is_middleware(part: &Part) -> bool {
    match part.kind {
        Kind::Session | Kind::Consumer | Kind::Shaper | Kind::Compiler => true,
        Kind::Inert => part.known.is_some(),
        _ => false,
    }
}

fn plan_summary(block: &Block, finding: &Finding, lines: &LineIndex<'_>) -> PlanSummary {
    let line = |i: usize| lines.line(finding.unit_span(block, i).start);
    PlanSummary {
        candidates: finding
            .plan
            .candidates
            .iter()
            .map(|c| CandidateSummary {
                direction: c.direction,
                moved_lines: c.moved.iter().map(|&i| line(i)).collect(),
                anchor_line: line(c.anchor),
                blocked: c.blocked.as_ref().map(|b| (line(b.stmt), b.reason.clone())),
            })
            .collect(),
        chosen: match finding.plan.outcome {
            Outcome::Fix(i) => Some(finding.plan.candidates[i].direction),
            Outcome::Review(_) => None,
        },
        stayed: finding
            .plan
            .stayed
            .iter()
            .map(|s| Stayed {
                line: lines.line(s.part.span.start),
                blocked_by: line(s.blocker.stmt),
                reason: s.blocker.reason.clone(),
            })
            .collect(),
    }
}

/// Every candidate move, every crossing judged, every classification the plan rests on.
fn explanation(block: &Block, finding: &Finding, status: &Status, lines: &LineIndex<'_>) -> Explanation {
    let place = |i: usize| {
        let (line, col) = lines.line_col(finding.unit_span(block, i).start);
        Place { line, col }
    };
    let line = |i: usize| lines.line(block.stmts[i].span.start);
    let last = finding
        .plan
        .candidates
        .iter()
        .flat_map(|c| c.moved.iter().chain([&c.anchor]))
        .copied()
        .max()
        .unwrap_or(finding.statics);
    let units = match finding.scope {
        Scope::Statements => finding.session..last.max(finding.statics) + 1,
        Scope::Arguments(stmt) => 0..block.stmts[stmt].parts.len(),
    };
    let described =
        |parts: &[crate::detect::Part]| parts.iter().map(|p| (p.kind, p.what.clone(), p.known)).collect();
    let classified = units
        .map(|i| Classified {
            at: place(i),
            parts: described(finding.unit_parts(block, i)),
            nested: match finding.scope {
                Scope::Statements => described(&block.stmts[i].nested),
                Scope::Arguments(_) => Vec::new(),
            },
        })
        .collect();
    let candidates = finding
        .plan
        .candidates
        .iter()
        .map(|c| ExplainedCandidate {
            direction: c.direction,
            moved: c.moved.iter().map(|&i| place(i)).collect(),
            anchor: place(c.anchor),
            steps: c
                .steps
                .iter()
                .map(|step| ExplainedStep {
                    mover: place(step.mover),
                    crossed: place(step.crossed),
                    crossed_what: finding
                        .unit_parts(block, step.crossed)
                        .iter()
                        .map(|p| p.what.clone())
                        .collect(),
                    decision: step.decision.clone(),
                })
                .collect(),
            blocked: c.blocked.as_ref().map(|b| (place(b.stmt), b.reason.clone())),
        })
        .collect();
    let outcome = match &finding.plan.outcome {
        Outcome::Fix(i) => ExplainedOutcome::Chosen {
            direction: finding.plan.candidates[*i].direction,
            not_applied: match status {
                Status::Review { reason, .. } => Some(reason.clone()),
                _ => None,
            },
        },
        Outcome::Review(b) => {
            ExplainedOutcome::Review { blocked_by: place(b.stmt), reason: b.reason.clone() }
        }
    };
    let stayed = finding
        .plan
        .stayed
        .iter()
        .map(|s| {
            let (line, col) = lines.line_col(s.part.span.start);
            (Place { line, col }, place(s.blocker.stmt), s.blocker.reason.clone())
        })
        .collect();
    Explanation {
        stayed,
        unit: finding.scope.unit(),
        session_line: line(finding.session),
        static_line: line(finding.statics),
        classified,
        candidates,
        outcome,
    }
}
