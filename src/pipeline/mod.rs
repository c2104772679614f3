//! The per-file pipeline on text: parse, detect, plan, edit, verify, repeated until nothing is
//! left to fix. No I/O: the driver reads and writes; property tests and the fuzzer call this.
//! It returns one [`FileOutcome`] per file, made of plan data ([`outcome`]).

mod found;
pub mod outcome;

use std::collections::HashSet;
use std::time::Duration;

use oxc_allocator::Allocator;
use oxc_span::SourceType;

use crate::budget;
use crate::config::Config;
use crate::detect::{Modules, Part, analyze};
use crate::edit::{Edit, Layout, apply};
use crate::error::FileError;
use crate::parse::arena::Arena;
use crate::parse::parse;
use crate::plan::{Applied, Finding, Outcome, Reason, Scope, plan_block, settles};
use crate::source::{LineIndex, Source};
use crate::suppress::{self, Suppression};
use crate::verify::{Expectation, Shape};
pub use outcome::FileOutcome;
use outcome::{Found, Note, NoteIssue, Status};

/// Fixes that had to wait for another fix in the same statement list get this many more passes.
const MAX_PASSES: usize = 4;

/// Finds, plans and applies every safe fix in `source`, re-parsing and checking after each
/// pass; the fixed text (after the BOM, like `source.text`) if it changed, and every finding.
/// A file that needs more parser memory than the arena holds, or more time for detection and
/// planning than [`budget::TIME_LIMIT`], is an error, with no findings.
/// `explain` keeps each plan whole for `--explain`.
pub fn fix_text(
    arena: &mut Arena,
    source: Source<'_>,
    source_type: SourceType,
    config: &Config,
    modules: &dyn Modules,
    explain: bool,
) -> FileOutcome {
    fix_text_within(budget::TIME_LIMIT, arena, source, source_type, config, modules, explain)
}

/// [`fix_text`] fixing only the finding whose static registration starts at `static_start`
/// (a byte offset in the file, a BOM counted, as [`outcome::Position::span`] gives it): an
/// editor's quick fix for one finding. Every other finding is reported as [`fix_text`] reports
/// it, and the one edit is checked like every other.
pub fn fix_one(
    arena: &mut Arena,
    source: Source<'_>,
    source_type: SourceType,
    config: &Config,
    modules: &dyn Modules,
    static_start: u32,
) -> FileOutcome {
    let only = Some(static_start);
    run_passes(budget::TIME_LIMIT, arena, source, source_type, config, modules, false, only)
}

/// [`fix_text`] with `limit` for the time detection and planning may take.
pub fn fix_text_within(
    limit: Duration,
    arena: &mut Arena,
    source: Source<'_>,
    source_type: SourceType,
    config: &Config,
    modules: &dyn Modules,
    explain: bool,
) -> FileOutcome {
    run_passes(limit, arena, source, source_type, config, modules, explain, None)
}

#[allow(clippy::too_many_arguments)]
fn run_passes(
    limit: Duration,
    arena: &mut Arena,
    source: Source<'_>,
    source_type: SourceType,
    config: &Config,
    modules: &dyn Modules,
    explain: bool,
    only: Option<u32>,
) -> FileOutcome {
    let mut outcome = FileOutcome::default();
    let (result, work) = budget::measure(limit, || {
        arena.run(|allocator| {
            fix_passes(
                allocator,
                source,
                source_type,
                config,
                modules,
                explain,
                only,
                &mut outcome.findings,
                &mut outcome.notes,
            )
        })
    });
    let result = match result {
        Ok(Ok(result)) => result,
        Ok(Err(full)) => Err(FileError::TooComplex(full.to_string())),
        Err(over) => Err(FileError::TooComplexToAnalyze(over.limit)),
    };
    match result {
        Ok(fixed) => outcome.fixed = fixed,
        Err(error) => {
            // Nothing was analysed to the end, or nothing will change: no finding is fixable.
            if matches!(
                error,
                FileError::TooComplex(_) | FileError::TooComplexToAnalyze(_) | FileError::TooDeep(_)
            ) {
                outcome.findings.clear();
                outcome.notes.clear();
            }
            outcome.findings.retain(|f| !f.is_fixable());
            outcome.error = Some(error);
        }
    }
    outcome.work = work;
    outcome
}

#[allow(clippy::too_many_arguments)]
fn fix_passes(
    allocator: &Allocator,
    source: Source<'_>,
    source_type: SourceType,
    config: &Config,
    modules: &dyn Modules,
    explain: bool,
    only: Option<u32>,
    findings: &mut Vec<Found>,
    notes: &mut Vec<Note>,
) -> Result<Option<String>, FileError> {
    let mut text = source.text.to_string();
    let mut expected: Option<Shape> = None;
    let mut reviewed: HashSet<ReviewKey> = HashSet::new();
    let mut stayed: HashSet<StayKey> = HashSet::new();
    // Set when a pass's moves provably leave nothing to find: the next pass then only checks
    // the edited text's shape (debug builds and the fuzzer check the proof too).
    let mut settled = false;
    for pass in 0..MAX_PASSES {
        let program = match parse(allocator, &text, source_type) {
            Ok(program) => program,
            Err(e) if pass == 0 => {
                let (line, col) = LineIndex::new(&text).line_col(e.offset);
                return Err(FileError::Syntax { line, col, message: e.message });
            }
            Err(e) => {
                return Err(FileError::Verify(format!("the edited file does not parse: {}", e.message)));
            }
        };
        let lookups = crate::parse::scopes::lookups(&program);
        if lookups > crate::parse::scopes::MAX_LOOKUPS {
            return Err(FileError::TooDeep(lookups));
        }
        if let Some(expected) = &expected {
            expected.check(&Shape::of(&program, &text)).map_err(FileError::Verify)?;
        }
        // Fixing one finding takes one pass: the next only checks the edited text's shape.
        if settled || (only.is_some() && pass > 0) {
            // Debug builds and fuzzing (`--cfg fuzzing`, release) check the proof.
            if settled && cfg!(any(debug_assertions, fuzzing)) {
                assert!(
                    analyze(&program, config, modules)
                        .blocks
                        .iter()
                        .all(|block| plan_block(block).is_empty()),
                    "a pass predicted to settle left a finding in:\n{text}"
                );
            }
            findings.sort_by_key(|f| (f.at.line, f.at.col));
            return Ok((text != source.text).then_some(text));
        }
        let analysis = analyze(&program, config, modules);
        let lines = LineIndex::of_source(&text, source.bom);
        // Found again each pass: a comment moves with the statement below it, so the line
        // relation holds in the edited text too.
        let mut suppressions = suppress::find(&text, &analysis.comments, &lines);
        let layout = Layout {
            text: &text,
            comments: &analysis.comments,
            verbatim: &analysis.verbatim,
            newline: source.newline,
        };

        let mut edits: Vec<Edit> = Vec::new();
        let mut claimed: Vec<(usize, usize)> = Vec::new();
        // What the plan says this pass does, for the checker (never the edits themselves).
        let mut expectations = Vec::new();
        // The statement moves applied; the pass may settle the file only if every finding is one.
        let mut applied: Vec<Applied> = Vec::new();
        let mut planned = 0;
        for (b, block) in analysis.blocks.iter().enumerate() {
            for finding in plan_block(block) {
                planned += 1;
                let registration_lines =
                    [lines.line(finding.static_part.span.start), lines.line(finding.session_part.span.start)];
                let suppressed = suppress::claim(&mut suppressions, &registration_lines);
                let selected = only.is_none_or(|at| lines.file_offset(finding.static_part.span.start) == at);
                let status = match (suppressed, &finding.plan.outcome) {
                    (Some(reason), _) => Status::Suppressed { reason },
                    (None, Outcome::Fix(i)) => {
                        let candidate = &finding.plan.candidates[*i];
                        let made = match finding.scope {
                            Scope::Statements => layout.edits(block, candidate),
                            Scope::Arguments(stmt) => layout.argument_edits(block, stmt, candidate),
                        };
                        match made {
                            Ok(mine) => {
                                let range = (
                                    mine.iter().map(|e| e.start).min().unwrap_or(0),
                                    mine.iter().map(|e| e.end).max().unwrap_or(0),
                                );
                                // Another fix already edits this stretch: this one waits for the next pass.
                                if selected
                                    && claimed.iter().all(|&(start, end)| end < range.0 || start > range.1)
                                {
                                    claimed.push(range);
                                    match finding.scope {
                                        Scope::Statements => {
                                            let first = block.window.list_first;
                                            let order = candidate.order(block.stmts.len());
                                            expectations.push(if finding.plan.stayed.is_empty() {
                                                let order =
                                                    block.window.list_order(&order, block.stmts.len());
                                                Expectation::Statements { first, order }
                                            } else {
                                                // Built from what the plan says moves and stays, not from `order`.
                                                let at = |i: usize| i + block.window.offset;
                                                Expectation::Partial {
                                                    first,
                                                    anchor: at(candidate.anchor),
                                                    moved: candidate.moved.iter().map(|&i| at(i)).collect(),
                                                    stayed: finding
                                                        .plan
                                                        .stayed
                                                        .iter()
                                                        .map(|s| at(s.stmt))
                                                        .collect(),
                                                }
                                            });
                                            applied.push(Applied { block: b, order });
                                        }
                                        Scope::Arguments(stmt) => {
                                            let units: Vec<_> = block.stmts[stmt]
                                                .argument_parts()
                                                .iter()
                                                .map(|p| p.span)
                                                .collect();
                                            let order = candidate.order(units.len());
                                            let stmt = block.stmts[stmt].span;
                                            expectations.push(Expectation::Arguments { stmt, units, order });
                                        }
                                    }
                                    edits.extend(mine);
                                }
                                Status::Fixable {
                                    direction: candidate.direction,
                                    moved: candidate.moved.len(),
                                    unit: finding.scope.unit(),
                                    change: found::change(block, &finding, candidate, &lines),
                                }
                            }
                            Err(refusal) => {
                                let line = lines.line(finding.unit_span(block, refusal.stmt).start);
                                let why = refusal.reason;
                                Status::Review {
                                    reason: Reason::AsWritten { unit: finding.scope.unit(), line, why },
                                    blocked_by: line,
                                }
                            }
                        }
                    }
                    (None, Outcome::Review(blocker)) => Status::Review {
                        reason: blocker.reason.clone(),
                        blocked_by: lines.line(finding.unit_span(block, blocker.stmt).start),
                    },
                };
                // Later passes only re-plan what earlier fixes left; report what is new there
                // (a finding left for review in an earlier pass is found again unchanged).
                // The statics a partial fix left are reported once, each on its own, where they are.
                let key = review_key(&text, &block.receiver, &finding, &status);
                let stays_again = key.is_some()
                    && stayed.contains(&stay_key(&text, &block.receiver, &finding, &finding.static_part));
                let new = match (&key, pass) {
                    (_, 0) => true,
                    (Some(key), _) => !reviewed.contains(key) && !stays_again,
                    (None, _) => false,
                };
                reviewed.extend(key);
                let whole_suppressed = matches!(status, Status::Suppressed { .. });
                if new {
                    findings.push(found::found(block, &finding, status, &lines, explain));
                }
                for stay in finding.plan.stayed.iter().filter(|_| !whole_suppressed) {
                    let line = lines.line(stay.part.span.start);
                    let status = match suppress::claim(&mut suppressions, &[line]) {
                        Some(reason) => Status::Suppressed { reason },
                        None => Status::Review {
                            reason: stay.blocker.reason.clone(),
                            blocked_by: lines.line(block.stmts[stay.blocker.stmt].span.start),
                        },
                    };
                    if stayed.insert(stay_key(&text, &block.receiver, &finding, &stay.part)) {
                        findings.push(found::stayed(block, &finding, stay, status, &lines));
                    }
                }
            }
        }
        if pass == 0 {
            notes.extend(suppressions.iter().filter_map(note));
        }
        if edits.is_empty() {
            findings.sort_by_key(|f| (f.at.line, f.at.col));
            return Ok((text != source.text).then_some(text));
        }
        edits.sort_by_key(|e| (e.start, e.end));
        if crate::fault::corrupts_edits()
            && let Some(edit) = edits.iter_mut().find(|e| !e.insert.is_empty())
        {
            edit.insert = edit.insert.repeat(2);
        }
        settled = applied.len() == planned && settles(&analysis.blocks, &applied);
        expected =
            Some(Shape::of(&program, &text).expected(&text, &expectations).map_err(FileError::Verify)?);
        text = apply(&text, &edits);
    }
    Err(FileError::Verify("the fixes did not settle after several passes".into()))
}

/// What identifies a finding left for review across passes, where offsets and line numbers
/// move: the receiver, both registrations' code and the reason without its line numbers.
type ReviewKey = (String, String, String, Reason);

fn review_key(text: &str, receiver: &str, finding: &Finding, status: &Status) -> Option<ReviewKey> {
    let Status::Review { reason, .. } = status else { return None };
    let reason = match reason.clone() {
        Reason::AsWritten { unit, why, .. } => Reason::AsWritten { unit, line: 0, why },
        other => other,
    };
    Some((
        receiver.to_string(),
        finding.static_part.span.source_text(text).to_string(),
        finding.session_part.span.source_text(text).to_string(),
        reason,
    ))
}

/// What identifies a static a partial fix left in place, across passes: the receiver and the
/// static's and the session's code.
type StayKey = (String, String, String);

fn stay_key(text: &str, receiver: &str, finding: &Finding, static_part: &Part) -> StayKey {
    (
        receiver.to_string(),
        static_part.span.source_text(text).to_string(),
        finding.session_part.span.source_text(text).to_string(),
    )
}

/// The note a suppression comment deserves, if any: no reason, or nothing suppressed.
fn note(s: &Suppression) -> Option<Note> {
    let issue = match (&s.reason, s.used) {
        (None, _) => NoteIssue::NoReason,
        (Some(_), false) => NoteIssue::Unused,
        (Some(_), true) => return None,
    };
    Some(Note { line: s.line, col: s.col, issue })
}

#[cfg(test)]
mod work;
