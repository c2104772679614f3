//! `--explain`: a plan in words, every classification it rests on, every candidate move and
//! every crossing judged, and the choice.

use crate::knowledge::Known;
use crate::pipeline::outcome::{Decision, Direction, ExplainedOutcome, Explanation, Place, Unit};

/// `; known: connect-flash@0.1.1, defaults`: the table entry that classified a part.
fn entry(known: Option<&Known>) -> String {
    match known {
        Some(k) if k.defaults => format!("; known: {}, for its default options", k.label()),
        Some(k) => format!("; known: {}", k.label()),
        None => String::new(),
    }
}

/// The explanation's lines (without indentation for the finding they follow).
pub fn lines(receiver: &str, e: &Explanation) -> Vec<String> {
    let name = |p: &Place| match e.unit {
        Unit::Statement => format!("line {}", p.line),
        Unit::Argument => format!("argument {}:{}", p.line, p.col),
    };
    let list = |places: &[Place]| {
        let at = |p: &Place| match e.unit {
            Unit::Statement => p.line.to_string(),
            Unit::Argument => format!("{}:{}", p.line, p.col),
        };
        let noun = if e.unit == Unit::Statement { "line" } else { "argument" };
        format!("{noun}(s) {}", places.iter().map(at).collect::<Vec<_>>().join(", "))
    };
    let unit = e.unit;
    let mut out = vec![format!(
        "plan for `{receiver}`: session at line {}, first static after it at line {}",
        e.session_line, e.static_line
    )];
    if unit == Unit::Argument {
        out.push("  both are in one statement: its middleware arguments trade places".into());
    }
    out.push("  classified:".into());
    for c in &e.classified {
        let parts = c.parts.iter().map(|(kind, what, known)| format!("{kind} ({what}{})", entry(*known)));
        let nested =
            c.nested.iter().map(|(kind, what, known)| format!("nested {kind} ({what}{})", entry(*known)));
        out.push(format!("    {}: {}", name(&c.at), parts.chain(nested).collect::<Vec<_>>().join(", ")));
    }
    for candidate in &e.candidates {
        let place = match (candidate.direction, unit) {
            (Direction::Lift, Unit::Statement) => "above",
            (Direction::Sink, Unit::Statement) => "below",
            (Direction::Lift, Unit::Argument) => "before",
            (Direction::Sink, Unit::Argument) => "after",
        };
        let direction = candidate.direction;
        out.push(format!(
            "  {direction}: move {} {place} {}",
            list(&candidate.moved),
            name(&candidate.anchor)
        ));
        for step in &candidate.steps {
            let what = step.crossed_what.join(", ");
            let (mover, crossed) = (name(&step.mover), name(&step.crossed));
            out.push(match &step.decision {
                Decision::Allowed(kind) => format!("    {mover} may cross {crossed} ({what}): {kind}"),
                Decision::Disjoint { mount, path } => format!(
                    "    {mover} may cross {crossed} ({what}): no path reaches both the static mount {mount} and {path}"
                ),
                Decision::Carried(kind) => {
                    format!("    {mover} may not cross {crossed} ({what}, {kind}), so {crossed} moves along")
                }
            });
        }
        match &candidate.blocked {
            Some((at, reason)) => out.push(format!("    rejected: blocked by {}: {reason}", name(at))),
            None => out.push(format!("    valid: {} {unit}(s) move", candidate.moved.len())),
        }
    }
    match &e.outcome {
        ExplainedOutcome::Chosen { direction, not_applied } if !e.stayed.is_empty() => {
            out.push(format!(
                "  chosen: partial {direction} (neither the lift nor the sink of every static is safe)"
            ));
            for (at, blocked_by, reason) in &e.stayed {
                out.push(format!("    stays: {} (blocked by {}: {reason})", name(at), name(blocked_by)));
            }
            if let Some(reason) = not_applied {
                out.push(format!("  not applied: {reason}"));
            }
        }
        ExplainedOutcome::Chosen { direction, not_applied } => {
            out.push(format!("  chosen: {direction} (fewest {unit}s moved; lift wins a tie)"));
            if let Some(reason) = not_applied {
                out.push(format!("  not applied: {reason}"));
            }
        }
        ExplainedOutcome::Review { blocked_by, reason } => {
            out.push(format!("  no safe move: needs review (blocked by {}: {reason})", name(blocked_by)))
        }
    }
    out
}
