//! What the pipeline returns for one file: the fixed text and every finding as plan data
//! (positions, classes, reasons), never rendered text. The report layer puts it into words.

pub use crate::detect::model::{Risk, RiskWhy, SessionFacts};
use crate::error::FileError;
use crate::knowledge::{Kind, Known};
pub use crate::plan::{Decision, Direction, Mover, Reason, Side, Unit};

/// Everything the pipeline found in one file's text.
#[derive(Debug, Default)]
pub struct FileOutcome {
    /// The fixed text (after the BOM, like the source it was given), if anything changed.
    pub fixed: Option<String>,
    pub findings: Vec<Found>,
    /// Suppression comments that are malformed or unused.
    pub notes: Vec<Note>,
    /// Why the file could not be analysed or fixed. Nothing is fixed then, so no finding is
    /// fixable; findings left for review are still reported.
    pub error: Option<FileError>,
    /// The work detection and planning did, in [`crate::budget`] units: what tests measure
    /// instead of time.
    pub work: u64,
}

impl FileOutcome {
    pub fn failed(error: FileError) -> Self {
        FileOutcome { error: Some(error), ..FileOutcome::default() }
    }
}

/// A place in the file, 1-based, with its byte span in the file on disk (a BOM counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub col: usize,
    pub span: (u32, u32),
}

/// One session-before-static finding.
#[derive(Debug, Clone)]
pub struct Found {
    /// Where the static middleware is.
    pub at: Position,
    /// Where the session middleware is.
    pub session_at: Position,
    pub receiver: String,
    pub session_what: String,
    pub static_what: String,
    /// What the session's options make of static responses, and whether it is shared.
    pub session: SessionFacts,
    /// The literal path the session is mounted at, when it is: only static files under it
    /// are affected.
    pub session_mount: Option<String>,
    pub status: Status,
    /// The plan in brief, for machine-readable output.
    pub plan: PlanSummary,
    /// The whole plan, when `--explain` asked for it.
    pub explanation: Option<Explanation>,
}

impl Found {
    pub fn is_fixable(&self) -> bool {
        matches!(self.status, Status::Fixable { .. })
    }

    pub fn is_suppressed(&self) -> bool {
        matches!(self.status, Status::Suppressed { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// A safe fix exists (and is part of this file's change).
    Fixable { direction: Direction, moved: usize, unit: Unit, change: Change },
    /// No safe fix: a person has to look.
    Review { reason: Reason, blocked_by: usize },
    /// Silenced by a `static-first-ignore: <reason>` comment.
    Suppressed { reason: String },
}

/// What a fix changes for whom, for a reviewer: the middleware (as [`Named`]) of the plan's
/// [`crate::plan::Effect`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// The session, its consumers and other middleware static requests no longer pass through.
    pub bypassed: Vec<Named>,
    /// The response shapers static responses still pass through.
    pub shapers: Vec<Named>,
    /// The asset compilers that moved up with the static middleware.
    pub compilers: Vec<Named>,
    /// For every other request: middleware that now runs before the middleware it used to
    /// follow (the static middleware itself, which passes those requests on, left out).
    pub reordered: Vec<(Named, Vec<Named>)>,
}

/// One middleware a fix's change names: what it is, its first line and its class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub what: String,
    pub line: usize,
    pub kind: Kind,
}

/// A plan as data: each candidate move, with lines instead of statement indices.
#[derive(Debug, Clone)]
pub struct PlanSummary {
    pub candidates: Vec<CandidateSummary>,
    /// The candidate taken, if any.
    pub chosen: Option<Direction>,
    /// When the candidate taken is a partial lift: each static that stays after the session.
    pub stayed: Vec<Stayed>,
}

/// A static registration a partial fix leaves after the session: its line, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stayed {
    pub line: usize,
    pub blocked_by: usize,
    pub reason: Reason,
}

#[derive(Debug, Clone)]
pub struct CandidateSummary {
    pub direction: Direction,
    /// First lines of the statements that move.
    pub moved_lines: Vec<usize>,
    /// Lift: they land above this line; sink: below it.
    pub anchor_line: usize,
    /// Why the move is not safe: the blocking line and the reason.
    pub blocked: Option<(usize, Reason)>,
}

/// Something wrong with a suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub line: usize,
    pub col: usize,
    pub issue: NoteIssue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteIssue {
    /// `static-first-ignore` without a reason.
    NoReason,
    /// A valid suppression with no finding on its line or the next.
    Unused,
}

/// A plan with every unit it looked at, for `--explain`.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// What the plan moves.
    pub unit: Unit,
    /// The first lines of the session statement and of the first static after it.
    pub session_line: usize,
    pub static_line: usize,
    /// Every unit the plan rests on, in order, with how it was classified.
    pub classified: Vec<Classified>,
    pub candidates: Vec<ExplainedCandidate>,
    pub outcome: ExplainedOutcome,
    /// For a partial lift: where each static that stays starts, and what blocks it.
    pub stayed: Vec<(Place, Place, Reason)>,
}

/// A unit (statement or argument) where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone)]
pub struct Classified {
    pub at: Place,
    /// Each part's class, what it is, and the knowledge entry that decided, if one did.
    pub parts: Vec<(Kind, String, Option<&'static Known>)>,
    /// Session or static registrations nested inside the statement.
    pub nested: Vec<(Kind, String, Option<&'static Known>)>,
}

#[derive(Debug, Clone)]
pub struct ExplainedCandidate {
    pub direction: Direction,
    pub moved: Vec<Place>,
    pub anchor: Place,
    pub steps: Vec<ExplainedStep>,
    pub blocked: Option<(Place, Reason)>,
}

#[derive(Debug, Clone)]
pub struct ExplainedStep {
    pub mover: Place,
    pub crossed: Place,
    /// What the crossed unit holds.
    pub crossed_what: Vec<String>,
    pub decision: Decision,
}

#[derive(Debug, Clone)]
pub enum ExplainedOutcome {
    /// The move taken; `not_applied` when the editor then refused it.
    Chosen { direction: Direction, not_applied: Option<Reason> },
    /// No safe move.
    Review { blocked_by: Place, reason: Reason },
}
