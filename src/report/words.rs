//! The words for the pipeline's data: one renderer per concept (reasons, directions, units,
//! statuses, suppression notes), so every format says the same thing the same way.

use std::fmt;

use crate::knowledge::Kind;
use crate::pipeline::outcome::{Direction, Mover, NoteIssue, Reason, Risk, RiskWhy, Side, Status, Unit};

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Lift => "lift",
            Direction::Sink => "sink",
        })
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unit::Statement => "statement",
            Unit::Argument => "argument",
        })
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Session => "session",
            Side::Static => "static",
        })
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Refused(why) => f.write_str(why),
            Reason::SameStatement => f.write_str(
                "session and static middleware are registered in the same statement, on different \
                 mount paths or through arrays, spreads or other calls; put the static middleware first",
            ),
            Reason::Nested { side, inside } => write!(
                f,
                "the {side} middleware is registered inside {}, which the tool does not move",
                inside.as_deref().unwrap_or("a nested block or callback")
            ),
            Reason::SharesCall { side, other: Some((what, kind)) } => {
                write!(f, "the {side} middleware shares its call with {what} ({kind})")
            }
            Reason::SharesCall { side, other: None } => {
                write!(f, "the {side} middleware shares its call with other middleware")
            }
            Reason::Crossing { mover, what, kind } => {
                write!(f, "{} {what} [{kind}]: {}", moving(*mover), crossing_rule(*mover, *kind))
            }
            Reason::Binding { name } => {
                write!(f, "`{name}` is declared or assigned on one side and used on the other")
            }
            Reason::MayChange { name } => write!(
                f,
                "`{name}` is read on one side, and the other calls code the tool cannot see into, which may change it"
            ),
            Reason::AsWritten { unit, line, why } => {
                write!(f, "cannot move the {unit} at line {line} as written: {why}")
            }
        }
    }
}

fn moving(mover: Mover) -> &'static str {
    match mover {
        Mover::Static => "static middleware may not move above",
        Mover::Shaper => "a response shaper may not move above",
        Mover::Compiler => "an asset compiler may not move above",
        Mover::Session => "session middleware may not move below",
        Mover::Consumer => "a session consumer may not move below",
    }
}

/// Why the crossing table forbids `mover` to cross a part of class `kind`.
fn crossing_rule(mover: Mover, kind: Kind) -> &'static str {
    match (mover, kind) {
        (_, Kind::Guard) => "it may end the request, so protected files could be published",
        (_, Kind::Route) => "its paths may overlap the static files",
        (_, Kind::Unknown) => "the tool cannot tell what it does",
        (_, Kind::Rewriter) => "it changes the request before static middleware sees it",
        (_, Kind::RouterSetting) => "Express reads it when the router is first created",
        (Mover::Static, Kind::Shaper) => "static responses would lose its headers",
        (Mover::Static, Kind::Compiler) => "it makes files static serves, so it must stay before static",
        (Mover::Static, Kind::Static) => {
            "both may serve the same paths, and the first registered answers a file both hold"
        }
        (Mover::Session | Mover::Consumer, Kind::Consumer) => "it needs the session",
        (Mover::Shaper | Mover::Compiler, _) => "it would change those responses",
        _ => "the crossing rules forbid it",
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Risk::High => "high",
            Risk::Lower => "lower",
        })
    }
}

impl Risk {
    /// SARIF's `security-severity` (CVSS-like, 0 to 10).
    pub fn severity(self) -> &'static str {
        match self {
            Risk::High => "7.5",
            Risk::Lower => "4.3",
        }
    }
}

impl fmt::Display for RiskWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RiskWhy::SaveUninitializedDefault => {
                "saveUninitialized is left to its default (true), so a first visit's static responses carry Set-Cookie"
            }
            RiskWhy::SaveUninitialized => "saveUninitialized is true, so a first visit's static responses carry Set-Cookie",
            RiskWhy::Rolling => "the session rolls, so every static response carries Set-Cookie",
            RiskWhy::NewSessionCookie => {
                "a new session differs from the (missing) cookie, so a first visit's static responses carry Set-Cookie"
            }
            RiskWhy::OptionsUnreadable => {
                "the tool cannot read the session's options, so it assumes static responses carry Set-Cookie"
            }
            RiskWhy::Touches => "saveUninitialized is false, so static requests load and touch the session",
            RiskWhy::WritesWhenChanged => {
                "the cookie is sent only when the session changes, but static requests still read it"
            }
        })
    }
}

impl fmt::Display for NoteIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NoteIssue::NoReason => {
                "`static-first-ignore` needs a reason: `// static-first-ignore: <why this order is intended>`"
            }
            NoteIssue::Unused => {
                "unused `static-first-ignore`: no finding on this line or the next; remove it"
            }
        })
    }
}

/// `(reason, blocked by line N)`: a review finding's reason and its blocking line, as every
/// format but JSON shows it (each with its own brackets).
pub struct Blocked<'a> {
    pub reason: &'a Reason,
    pub line: usize,
}

impl fmt::Display for Blocked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (blocked by line {})", self.reason, self.line)
    }
}

/// `lift moves 2 statement(s)`: what a fix does, in brief.
pub struct Moves {
    pub direction: Direction,
    pub moved: usize,
    pub unit: Unit,
}

impl fmt::Display for Moves {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} moves {} {}(s)", self.direction, self.moved, self.unit)
    }
}

impl Status {
    /// `fixed`, `fixable`, `review` or `suppressed`.
    pub fn word(&self, written: bool) -> &'static str {
        match self {
            Status::Fixable { .. } if written => "fixed",
            Status::Fixable { .. } => "fixable",
            Status::Review { .. } => "review",
            Status::Suppressed { .. } => "suppressed",
        }
    }
}
