//! Proves an edit did what the plan said and nothing else. The expected result is built from
//! the plan alone (which list is reordered how, which arguments trade places), never from the
//! editor's edits: the edited file's statement lists must be the original ones with the
//! planned permutations applied, every statement's text must be unchanged but for
//! indentation, its comments must be the same, and no line ending may change style.

use oxc_ast::ast::{Program, Statement};
use oxc_ast_visit::Visit;
use oxc_span::{GetSpan, Span};
use rustc_hash::FxHashMap as HashMap;

use crate::budget;
use crate::source::{is_blank, is_js_blank};

/// What stands for a nested statement list in the text of the statement holding it: the list
/// is checked on its own, so a move inside it does not change the statement around it.
const NESTED: &str = "\u{0}{…}\u{0}";

/// The statement lists and comments of a program, as comparable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    lists: Vec<List>,
    /// Every comment's span, in source order (for the comments an argument carries).
    comment_spans: Vec<Span>,
    /// Every comment's text.
    comments: Vec<String>,
    /// Whether the text holds a CRLF, and whether it holds a bare LF.
    endings: (bool, bool),
}

/// One statement list, keyed by the offset of its first statement.
#[derive(Debug, Clone, PartialEq, Eq)]
struct List {
    first: u32,
    stmts: Vec<StmtShape>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct StmtShape {
    span: Span,
    /// The nested statement lists directly inside it, with the comments around them.
    nested: Vec<Span>,
    /// Its text with each nested list replaced by [`NESTED`] and each line's indentation
    /// removed (a move re-indents). Line endings are kept.
    text: String,
}

/// What the plan says one pass does, in terms of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// The list whose first statement starts at `first` is reordered in the stretch of `len`
    /// statements that starts at its statement `offset`: statement `offset + order[i]` goes to
    /// place `offset + i`; the statements outside the stretch keep their places. An `order`
    /// that is no permutation of the whole stretch (one missing a statement) is refused.
    Statements { first: u32, offset: usize, len: usize, order: Vec<usize> },
    /// In the statement spanning `stmt`, the middleware arguments spanning `units` (of one
    /// `use` call or a chain of them) trade places, each with the comments directly before it:
    /// unit `order[i]` goes to the place of unit `i`; the text between them stays.
    Arguments { stmt: Span, units: Vec<Span>, order: Vec<usize> },
    /// A partial lift in the list whose first statement starts at `first`: the statements
    /// `moved` (static registrations and the shapers they carry, ascending) go, in their order,
    /// just before statement `anchor` (the session); the statics `stayed` keep their places
    /// after it. The checker builds the list's order from these alone.
    Partial { first: u32, anchor: usize, moved: Vec<usize>, stayed: Vec<usize> },
}

/// The stretch of a list of `len` statements that the partial lift `moved` above `anchor`,
/// leaving `stayed` in place, reorders: where it starts (at the anchor) and its order, or why
/// the plan does not describe one. Statements past the last one named keep their places.
fn partial_order(
    len: usize,
    anchor: usize,
    moved: &[usize],
    stayed: &[usize],
) -> Result<(usize, Vec<usize>), String> {
    let ascending = |v: &[usize]| v.windows(2).all(|w| w[0] < w[1]);
    let after_anchor = |v: &[usize]| v.iter().all(|&i| anchor < i && i < len);
    if moved.is_empty() || stayed.is_empty() || !ascending(moved) || !ascending(stayed) {
        return Err("the planned partial fix names no statics, or names them out of order".into());
    }
    let is_moved = |i: &usize| moved.binary_search(i).is_ok();
    if !after_anchor(moved) || !after_anchor(stayed) || stayed.iter().any(is_moved) {
        return Err("the planned partial fix moves a static it keeps, or one outside its list".into());
    }
    let last = moved[moved.len() - 1].max(stayed[stayed.len() - 1]);
    let order: Vec<usize> =
        moved.iter().copied().chain((anchor..=last).filter(|i| !is_moved(i))).map(|i| i - anchor).collect();
    Ok((anchor, order))
}

impl Shape {
    pub fn of(program: &Program<'_>, text: &str) -> Shape {
        let comment_spans: Vec<Span> = program.comments.iter().map(|c| c.span).collect();
        let mut collector = Lists { text, comments: &comment_spans, lists: Vec::new(), frames: Vec::new() };
        collector.visit_program(program);
        let comments = comment_spans.iter().map(|c| c.source_text(text).trim_end().to_string()).collect();
        let crlf = memchr::memmem::find(text.as_bytes(), b"\r\n").is_some();
        let bare_lf =
            memchr::memchr_iter(b'\n', text.as_bytes()).any(|i| i == 0 || text.as_bytes()[i - 1] != b'\r');
        Shape { lists: collector.lists, comment_spans, comments, endings: (crlf, bare_lf) }
    }

    /// What the file must look like after a pass that carries out `expectations` on `text`
    /// (the text this shape was taken from).
    pub fn expected(&self, text: &str, expectations: &[Expectation]) -> Result<Shape, String> {
        let mut shape = self.clone();
        // Where each statement is, and each list: one look-up per expectation, however many.
        let mut at: HashMap<Span, (usize, usize)> = HashMap::default();
        for (l, list) in shape.lists.iter().enumerate() {
            budget::tick(list.stmts.len() as u64);
            for (i, stmt) in list.stmts.iter().enumerate() {
                at.entry(stmt.span).or_insert((l, i));
            }
        }
        let lists: HashMap<u32, usize> =
            shape.lists.iter().enumerate().map(|(l, list)| (list.first, l)).collect();
        for expectation in expectations {
            if let Expectation::Arguments { stmt, units, order } = expectation {
                budget::tick(units.len() as u64);
                let Some(&(l, i)) = at.get(stmt) else {
                    return Err("the planned argument reordering names no statement".into());
                };
                let found = &mut shape.lists[l].stmts[i];
                found.text = self.reordered(text, found, units, order)?;
            }
        }
        // Each list's order: the statement moves of every receiver in it, laid over each other
        // (two receivers' moves in one list reorder disjoint stretches of it). Only the places
        // a move changes are kept until the list is rebuilt, once.
        let mut moves: Vec<(usize, Vec<(usize, usize)>)> = Vec::new();
        let mut moves_of: HashMap<usize, usize> = HashMap::default();
        for expectation in expectations {
            let first = match expectation {
                Expectation::Statements { first, .. } | Expectation::Partial { first, .. } => *first,
                Expectation::Arguments { .. } => continue,
            };
            let Some(&list) = lists.get(&first) else {
                return Err("the planned reordering names no statement list".into());
            };
            let len = shape.lists[list].stmts.len();
            let (offset, stretch, order) = match expectation {
                Expectation::Statements { offset, len, order, .. } => (*offset, *len, order.clone()),
                Expectation::Partial { anchor, moved, stayed, .. } => {
                    let (offset, order) = partial_order(len, *anchor, moved, stayed)?;
                    (offset, order.len(), order)
                }
                Expectation::Arguments { .. } => continue,
            };
            budget::tick(order.len() as u64);
            if offset + stretch > len || !is_permutation(&order, stretch) {
                return Err("the planned reordering is not a permutation of its list".into());
            }
            let changed = order.iter().enumerate().filter(|&(place, &from)| place != from);
            let slot = *moves_of.entry(list).or_insert_with(|| {
                moves.push((list, Vec::new()));
                moves.len() - 1
            });
            moves[slot].1.extend(changed.map(|(place, &from)| (offset + place, offset + from)));
        }
        for (list, changed) in moves {
            let list = &mut shape.lists[list];
            budget::tick(list.stmts.len() as u64);
            let mut order: Vec<usize> = (0..list.stmts.len()).collect();
            for (place, from) in changed {
                order[place] = from;
            }
            if !is_permutation(&order, order.len()) {
                return Err("the planned reorderings of one list overlap".into());
            }
            list.stmts = order.iter().map(|&i| list.stmts[i].clone()).collect();
        }
        Ok(shape)
    }

    /// The text statement `stmt` must have once its `units` are in `order`.
    fn reordered(
        &self,
        text: &str,
        stmt: &StmtShape,
        units: &[Span],
        order: &[usize],
    ) -> Result<String, String> {
        let inside = units.iter().all(|u| stmt.span.start <= u.start && u.end <= stmt.span.end);
        let sorted = units.windows(2).all(|w| w[0].end <= w[1].start);
        if !inside || !sorted || !is_permutation(order, units.len()) {
            return Err("the planned argument reordering does not fit its statement".into());
        }
        let slots: Vec<(u32, u32)> = units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let floor = if i == 0 { stmt.span.start } else { units[i - 1].end };
                (self.carried_from(text, floor, u.start), u.end)
            })
            .collect();
        let piece = |start: u32, end: u32| masked(text, Span::new(start, end), &stmt.nested);
        let mut out = piece(stmt.span.start, slots[0].0);
        for (place, &unit) in order.iter().enumerate() {
            out.push_str(&piece(slots[unit].0, slots[unit].1));
            let next = slots.get(place + 1).map_or(stmt.span.end, |s| s.0);
            out.push_str(&piece(slots[place].1, next));
        }
        Ok(dedent(&out))
    }

    /// Where an argument starting at `from` begins once the comments directly before it are
    /// counted in: each separated from what follows by blanks with at most one line break, on
    /// its own line or on the argument's, and not before `floor`.
    fn carried_from(&self, text: &str, floor: u32, from: u32) -> u32 {
        let before = self.comment_spans.partition_point(|c| c.end <= from);
        let mut start = from;
        for comment in self.comment_spans[..before].iter().rev() {
            let gap = &text[comment.end as usize..start as usize];
            let line_start = text[..comment.start as usize].rfind('\n').map_or(0, |i| i + 1);
            let own_line = is_blank(&text[line_start..comment.start as usize]);
            let fits = comment.start >= floor
                && is_blank(gap)
                && gap.matches('\n').count() <= 1
                && (own_line || !gap.contains('\n'));
            if !fits {
                break;
            }
            start = comment.start;
        }
        start
    }

    /// Checks `actual` against this expected shape. Offsets differ after a move, so lists and
    /// comments are compared as multisets.
    pub fn check(&self, actual: &Shape) -> Result<(), String> {
        if sorted_lists(self) != sorted_lists(actual) {
            return Err(
                "the statements after the edit are not the planned reordering of the original ones".into()
            );
        }
        if sorted_comments(self) != sorted_comments(actual) {
            return Err("the comments after the edit differ from the original ones".into());
        }
        let (crlf, bare_lf) = actual.endings;
        if (crlf && !self.endings.0) || (bare_lf && !self.endings.1) {
            return Err("the edit changed the file's line endings".into());
        }
        Ok(())
    }
}

fn is_permutation(order: &[usize], len: usize) -> bool {
    let mut seen = vec![false; len];
    order.len() == len && order.iter().all(|&i| i < len && !std::mem::replace(&mut seen[i], true))
}

fn sorted_lists(shape: &Shape) -> Vec<Vec<&str>> {
    let mut lists: Vec<Vec<&str>> =
        shape.lists.iter().map(|l| l.stmts.iter().map(|s| s.text.as_str()).collect()).collect();
    lists.sort();
    lists
}

fn sorted_comments(shape: &Shape) -> Vec<&String> {
    let mut comments: Vec<&String> = shape.comments.iter().collect();
    comments.sort();
    comments
}

struct Lists<'t> {
    text: &'t str,
    comments: &'t [Span],
    lists: Vec<List>,
    /// For each statement being visited, the nested lists found directly inside it so far.
    frames: Vec<Vec<Span>>,
}

impl Lists<'_> {
    /// The stretch a nested list occupies: its statements and the blanks and comments around
    /// them, up to the code that encloses it.
    fn region(&self, start: u32, end: u32) -> Span {
        let mut start = start as usize;
        loop {
            let before = start;
            start = self.text[..start].trim_end_matches(is_js_blank).len();
            // A comment that ends where the blanks begin, or among them: a line comment's own
            // last characters may be blanks (`//` and a vertical tab, or U+FEFF).
            let ends_here = self.comments.partition_point(|c| (c.end as usize) < start);
            match self.comments.get(ends_here) {
                Some(c) if c.end as usize <= before && (c.start as usize) < start => start = c.start as usize,
                _ => break,
            }
        }
        let mut end = end as usize;
        loop {
            end = self.text.len() - self.text[end..].trim_start_matches(is_js_blank).len();
            let starts_here = self.comments.partition_point(|c| (c.start as usize) < end);
            match self.comments.get(starts_here) {
                Some(c) if c.start as usize == end => end = c.end as usize,
                _ => break,
            }
        }
        Span::new(start as u32, end as u32)
    }
}

impl<'a> Visit<'a> for Lists<'_> {
    fn visit_statements(&mut self, it: &oxc_allocator::Vec<'a, Statement<'a>>) {
        let (Some(first), Some(last)) = (it.first(), it.last()) else { return };
        let region = self.region(first.span().start, last.span().end);
        if let Some(frame) = self.frames.last_mut() {
            frame.push(region);
        }
        let index = self.lists.len();
        self.lists.push(List { first: first.span().start, stmts: Vec::with_capacity(it.len()) });
        for stmt in it {
            self.frames.push(Vec::new());
            self.visit_statement(stmt);
            let mut nested = self.frames.pop().unwrap_or_default();
            nested.sort_by_key(|s| s.start);
            let span = stmt.span();
            let text = dedent(&masked(self.text, span, &nested));
            self.lists[index].stmts.push(StmtShape { span, nested, text });
        }
    }
}

/// `span`'s text with every `nested` region inside it replaced by [`NESTED`].
fn masked(text: &str, span: Span, nested: &[Span]) -> String {
    let mut out = String::new();
    let mut at = span.start as usize;
    for region in nested.iter().filter(|r| span.start <= r.start && r.end <= span.end) {
        out.push_str(&text[at..region.start as usize]);
        out.push_str(NESTED);
        at = region.end as usize;
    }
    out.push_str(&text[at..span.end as usize]);
    out
}

/// The text with each line's indentation (spaces and tabs) removed; line breaks stay as
/// they are, so a changed line ending shows.
fn dedent(text: &str) -> String {
    text.split('\n').map(|l| l.trim_start_matches([' ', '\t'])).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;
    use oxc_allocator::Allocator;
    use oxc_span::SourceType;

    fn shape(text: &str) -> Shape {
        let allocator = Allocator::default();
        let program = parse(&allocator, text, SourceType::cjs()).expect("the test text parses");
        Shape::of(&program, text)
    }

    /// The checker's verdict on `edited` as the result of `plan` carried out on `original`.
    fn verdict(original: &str, plan: &[Expectation], edited: &str) -> Result<(), String> {
        shape(original).expected(original, plan)?.check(&shape(edited))
    }

    fn at(text: &str, needle: &str) -> u32 {
        text.find(needle).unwrap_or_else(|| panic!("{needle} in {text}")) as u32
    }

    /// The span of `needle` in `text`.
    fn span(text: &str, needle: &str) -> Span {
        let start = at(text, needle);
        Span::new(start, start + needle.len() as u32)
    }

    const ORIGINAL: &str = "const a = require('a');\n// the session\napp.use(session({}));\napp.use(json());\n\
                            app.use(express.static('p')); // assets\n";
    /// `ORIGINAL` with the static registration lifted above the session's.
    const LIFTED: &str = "const a = require('a');\napp.use(express.static('p')); // assets\n// the session\n\
                          app.use(session({}));\napp.use(json());\n";

    fn lift() -> Vec<Expectation> {
        vec![Expectation::Statements { first: 0, offset: 0, len: 4, order: vec![0, 3, 1, 2] }]
    }

    #[test]
    fn a_nested_list_reaches_over_blanks_and_touching_comments_to_the_code_around_it() {
        let text = "if (a) { /* x */ // y\n  f(); /* z */\n  g(); // w\n} /* v */ h();";
        let comments = ["/* x */", "// y", "/* z */", "// w", "/* v */"].map(|c| span(text, c));
        let lists = Lists { text, comments: &comments, lists: Vec::new(), frames: Vec::new() };
        let (first, last) = (at(text, "f();"), at(text, "g();") + 4);
        assert_eq!(lists.region(first, last), Span::new(at(text, "{") + 1, at(text, "}")));
        // Without the comments, the blanks alone.
        let bare = Lists { text, comments: &[], lists: Vec::new(), frames: Vec::new() };
        assert_eq!(bare.region(first, last), Span::new(at(text, "// y") + 4, at(text, "// w")));
    }

    #[test]
    fn the_planned_statement_move_is_accepted() {
        assert_eq!(verdict(ORIGINAL, &lift(), LIFTED), Ok(()));
        // Indentation is not part of a statement: a move re-indents.
        assert_eq!(verdict(ORIGINAL, &lift(), &LIFTED.replace("app.use(json", "  app.use(json")), Ok(()));
    }

    #[test]
    fn a_dropped_statement_is_rejected() {
        assert!(verdict(ORIGINAL, &lift(), &LIFTED.replace("app.use(json());\n", "")).is_err());
    }

    #[test]
    fn a_duplicated_statement_is_rejected() {
        let doubled = LIFTED.replace("app.use(json());\n", "app.use(json());\napp.use(json());\n");
        assert!(verdict(ORIGINAL, &lift(), &doubled).is_err());
        let static_twice = format!("{LIFTED}app.use(express.static('p'));\n");
        assert!(verdict(ORIGINAL, &lift(), &static_twice).is_err());
    }

    #[test]
    fn a_swap_outside_the_plan_is_rejected() {
        let swapped = LIFTED.replace(
            "// the session\napp.use(session({}));\napp.use(json());\n",
            "app.use(json());\n// the session\napp.use(session({}));\n",
        );
        assert!(verdict(ORIGINAL, &lift(), &swapped).is_err());
        // The right result for no plan at all is the original.
        assert!(verdict(ORIGINAL, &[], LIFTED).is_err());
        assert_eq!(verdict(ORIGINAL, &[], ORIGINAL), Ok(()));
    }

    #[test]
    fn a_changed_comment_is_rejected() {
        assert!(verdict(ORIGINAL, &lift(), &LIFTED.replace("// assets", "// asset")).is_err());
        assert!(verdict(ORIGINAL, &lift(), &LIFTED.replace(" // assets", "")).is_err());
    }

    #[test]
    fn one_byte_changed_inside_a_moved_statement_is_rejected() {
        assert!(verdict(ORIGINAL, &lift(), &LIFTED.replace("static('p')", "static('q')")).is_err());
        assert!(verdict(ORIGINAL, &lift(), &LIFTED.replace("session({})", "session({ })")).is_err());
    }

    #[test]
    fn a_changed_line_ending_is_rejected() {
        let crlf = |t: &str| t.replace('\n', "\r\n");
        assert_eq!(verdict(&crlf(ORIGINAL), &lift(), &crlf(LIFTED)), Ok(()));
        let one_lf = crlf(LIFTED).replacen("\r\n", "\n", 1);
        assert!(verdict(&crlf(ORIGINAL), &lift(), &one_lf).is_err());
        assert!(verdict(ORIGINAL, &lift(), &LIFTED.replacen('\n', "\r\n", 1)).is_err());
        // In a file that already mixes both, a line break inside a moved statement still counts.
        let mixed = "a();\r\napp.use(session({}));\napp.use(express.static(\r\n  'p'));\n";
        let plan = [Expectation::Statements { first: 0, offset: 0, len: 3, order: vec![0, 2, 1] }];
        assert_eq!(
            verdict(mixed, &plan, "a();\r\napp.use(express.static(\r\n  'p'));\napp.use(session({}));\n"),
            Ok(())
        );
        assert!(
            verdict(mixed, &plan, "a();\r\napp.use(express.static(\n  'p'));\napp.use(session({}));\n")
                .is_err()
        );
    }

    /// session (1), a static that moves (2), a guard (3), a static that stays (4), a second
    /// static that moves (5, mounted apart from 4).
    const PARTIAL: &str = "const a = require('a');\napp.use(session({}));\napp.use('/a', express.static('a'));\n\
                           app.use(guard());\napp.use('/b', express.static(b));\napp.use('/c', express.static('c'));\n";

    fn partial() -> Vec<Expectation> {
        vec![Expectation::Partial { first: 0, anchor: 1, moved: vec![2, 5], stayed: vec![4] }]
    }

    /// `PARTIAL` with its statements in this order (one per line).
    fn partial_as(order: &[usize]) -> String {
        let lines: Vec<&str> = PARTIAL.lines().collect();
        order.iter().map(|&i| format!("{}\n", lines[i])).collect()
    }

    #[test]
    fn the_planned_partial_fix_is_accepted() {
        assert_eq!(verdict(PARTIAL, &partial(), &partial_as(&[0, 2, 5, 1, 3, 4])), Ok(()));
    }

    #[test]
    fn a_partial_fix_that_also_moves_the_static_it_keeps_is_rejected() {
        assert!(verdict(PARTIAL, &partial(), &partial_as(&[0, 2, 4, 5, 1, 3])).is_err());
        // Moved just above the guard: still not where the plan left it.
        assert!(verdict(PARTIAL, &partial(), &partial_as(&[0, 2, 5, 1, 4, 3])).is_err());
    }

    #[test]
    fn a_partial_fix_that_leaves_a_static_the_plan_moves_is_rejected() {
        assert!(verdict(PARTIAL, &partial(), &partial_as(&[0, 2, 1, 3, 4, 5])).is_err());
        // The static the plan keeps moved instead of the one it moves.
        assert!(verdict(PARTIAL, &partial(), &partial_as(&[0, 2, 4, 1, 3, 5])).is_err());
    }

    #[test]
    fn a_partial_fix_that_swaps_two_statics_is_rejected() {
        // The moved statics out of their order.
        assert!(verdict(PARTIAL, &partial(), &partial_as(&[0, 5, 2, 1, 3, 4])).is_err());
        // The guard and the static that stays are in place, but the two moved ones trade places
        // with the session between them.
        assert!(verdict(PARTIAL, &partial(), &partial_as(&[0, 2, 1, 5, 3, 4])).is_err());
    }

    #[test]
    fn a_partial_plan_that_contradicts_itself_is_an_error() {
        let plan = |anchor: usize, moved: Vec<usize>, stayed: Vec<usize>| {
            [Expectation::Partial { first: 0, anchor, moved, stayed }]
        };
        // Refused when the expectation is built, whatever the edited text.
        let unchanged = |p: &[Expectation]| shape(PARTIAL).expected(PARTIAL, p);
        assert!(unchanged(&partial()).is_ok());
        // A static both moved and kept; nothing moved; nothing kept; out of order; at or above
        // the anchor; past the list's end.
        assert!(unchanged(&plan(1, vec![2, 4], vec![4])).is_err());
        assert!(unchanged(&plan(1, vec![], vec![4])).is_err());
        assert!(unchanged(&plan(1, vec![2], vec![])).is_err());
        assert!(unchanged(&plan(1, vec![5, 2], vec![4])).is_err());
        assert!(unchanged(&plan(1, vec![2], vec![5, 4])).is_err());
        assert!(unchanged(&plan(2, vec![2, 5], vec![4])).is_err());
        assert!(unchanged(&plan(1, vec![2], vec![1])).is_err());
        assert!(unchanged(&plan(1, vec![2, 6], vec![4])).is_err());
        assert!(unchanged(&plan(1, vec![2], vec![6])).is_err());
        // A list that is not there.
        let nowhere = [Expectation::Partial { first: 7, anchor: 1, moved: vec![2], stayed: vec![4] }];
        assert!(unchanged(&nowhere).is_err());
    }

    #[test]
    fn two_receivers_moved_in_one_list_are_checked_together() {
        // A statement move of one receiver and a partial fix of another, in disjoint stretches.
        let text = format!("{PARTIAL}r.use(session({{}}));\nr.use(express.static('r'));\n");
        let plan = [
            Expectation::Statements { first: 0, offset: 6, len: 2, order: vec![1, 0] },
            Expectation::Partial { first: 0, anchor: 1, moved: vec![2, 5], stayed: vec![4] },
        ];
        let lines: Vec<&str> = text.lines().collect();
        let edited: String = [0, 2, 5, 1, 3, 4, 7, 6].iter().map(|&i| format!("{}\n", lines[i])).collect();
        assert_eq!(verdict(&text, &plan, &edited), Ok(()));
        let half: String = [0, 2, 5, 1, 3, 4, 6, 7].iter().map(|&i| format!("{}\n", lines[i])).collect();
        assert!(verdict(&text, &plan, &half).is_err());
    }

    const NESTED_LIST: &str = "module.exports = function setup(app) {\n  // sessions\n  app.use(session({}));\n  \
                               app.use(express.static('p'));\n};\nfunction other() {\n  a();\n  b();\n}\n";

    fn nested_lift() -> Vec<Expectation> {
        vec![Expectation::Statements {
            first: at(NESTED_LIST, "app.use(session"),
            offset: 0,
            len: 2,
            order: vec![1, 0],
        }]
    }

    #[test]
    fn a_move_inside_a_function_is_checked_in_its_own_list() {
        let lifted = NESTED_LIST.replace(
            "  // sessions\n  app.use(session({}));\n  app.use(express.static('p'));\n",
            "  app.use(express.static('p'));\n  // sessions\n  app.use(session({}));\n",
        );
        assert_eq!(verdict(NESTED_LIST, &nested_lift(), &lifted), Ok(()));
        // The statement around the list is still compared, and so are the other lists.
        assert!(
            verdict(NESTED_LIST, &nested_lift(), &lifted.replace("setup(app)", "setup(app, x)")).is_err()
        );
        assert!(verdict(NESTED_LIST, &nested_lift(), &lifted.replace("  b();\n", "")).is_err());
        assert!(
            verdict(NESTED_LIST, &nested_lift(), &lifted.replace("  a();\n  b();\n", "  b();\n  a();\n"))
                .is_err()
        );
        // Unmoved, the planned list is wrong.
        assert!(verdict(NESTED_LIST, &nested_lift(), NESTED_LIST).is_err());
    }

    const ARGUMENTS: &str = "app.use(/* sessions */ session({}), express.static('p'));\n";

    fn swap_arguments(text: &str, stmt: &str, units: [&str; 2]) -> Vec<Expectation> {
        vec![Expectation::Arguments {
            stmt: span(text, stmt),
            units: units.map(|u| span(text, u)).to_vec(),
            order: vec![1, 0],
        }]
    }

    #[test]
    fn an_argument_reorder_is_checked_against_the_plan() {
        let plan = swap_arguments(
            ARGUMENTS,
            "app.use(/* sessions */ session({}), express.static('p'));",
            ["session({})", "express.static('p')"],
        );
        let good = "app.use(express.static('p'), /* sessions */ session({}));\n";
        assert_eq!(verdict(ARGUMENTS, &plan, good), Ok(()));
        // The comment stayed behind: it belongs to the argument it was before.
        assert!(
            verdict(ARGUMENTS, &plan, "app.use(/* sessions */ express.static('p'), session({}));\n").is_err()
        );
        assert!(verdict(ARGUMENTS, &plan, ARGUMENTS).is_err());
        assert!(verdict(ARGUMENTS, &plan, &good.replace("'p'", "'q'")).is_err());
        assert!(verdict(ARGUMENTS, &plan, &good.replace("), /*", "),/*")).is_err());
    }

    #[test]
    fn an_argument_carries_the_comments_directly_before_it_and_no_others() {
        let swap = |text: &str| {
            let units = [span(text, "session({})"), span(text, "express.static('p')")];
            vec![Expectation::Arguments {
                stmt: span(text, text.trim_end()),
                units: units.to_vec(),
                order: vec![1, 0],
            }]
        };
        // A comment on its own line just above the second argument goes with it.
        let text = "app.use(\n  session({}),\n  // assets\n  express.static('p'));\n";
        let good = "app.use(\n  // assets\n  express.static('p'),\n  session({}));\n";
        assert_eq!(verdict(text, &swap(text), good), Ok(()));
        let left = "app.use(\n  express.static('p'),\n  // assets\n  session({}));\n";
        assert!(verdict(text, &swap(text), left).is_err());
        // One between the arguments but not directly before the second stays in place.
        let text = "app.use(session({}) /* c */, express.static('p'));\n";
        assert_eq!(
            verdict(text, &swap(text), "app.use(express.static('p') /* c */, session({}));\n"),
            Ok(())
        );
        // One a blank line away from the first argument stays where it is.
        let text = "app.use(\n  // the middleware\n\n  session({}),\n  express.static('p'));\n";
        let good = "app.use(\n  // the middleware\n\n  express.static('p'),\n  session({}));\n";
        assert_eq!(verdict(text, &swap(text), good), Ok(()));
    }

    #[test]
    fn a_chain_link_reorder_is_checked_against_the_plan() {
        let chain = "app\n  .use(session({}))\n  .use(express.static('p'))\n  .get('/', h);\n";
        let plan = swap_arguments(chain, chain.trim_end(), ["session({})", "express.static('p')"]);
        let good = "app\n  .use(express.static('p'))\n  .use(session({}))\n  .get('/', h);\n";
        assert_eq!(verdict(chain, &plan, good), Ok(()));
        assert!(verdict(chain, &plan, &good.replace(".get('/', h)", ".get('/x', h)")).is_err());
        assert!(
            verdict(
                chain,
                &plan,
                "app\n  .use(express.static('p'))\n  .use(session({}))\n  .get('/', h);\napp;\n"
            )
            .is_err()
        );
    }

    #[test]
    fn an_argument_with_a_function_body_is_compared_whole() {
        let text = "app.use(session({}), function (req, res, next) {\n  next();\n}, express.static('p'));\n";
        let units = [
            span(text, "session({})"),
            span(text, "function (req, res, next) {\n  next();\n}"),
            span(text, "express.static('p')"),
        ];
        let plan = [Expectation::Arguments {
            stmt: span(text, text.trim_end()),
            units: units.to_vec(),
            order: vec![2, 0, 1],
        }];
        let good = "app.use(express.static('p'), session({}), function (req, res, next) {\n  next();\n});\n";
        assert_eq!(verdict(text, &plan, good), Ok(()));
        assert!(verdict(text, &plan, &good.replace("  next();\n", "  next(1);\n")).is_err());
    }

    #[test]
    fn an_argument_plan_that_does_not_fit_its_statement_is_an_error() {
        let text = format!("a();\n{ARGUMENTS}");
        let stmt = span(&text, ARGUMENTS.trim_end());
        let (session, statics) = (span(&text, "session({})"), span(&text, "express.static('p')"));
        let expected = |units: Vec<Span>, order: Vec<usize>| {
            shape(&text).expected(&text, &[Expectation::Arguments { stmt, units, order }])
        };
        assert!(expected(vec![session, statics], vec![1, 0]).is_ok());
        // Each condition on its own: a unit past the statement's end, one before its start,
        // units out of order, an order that is no permutation.
        assert!(expected(vec![session, Span::new(statics.start, stmt.end + 1)], vec![1, 0]).is_err());
        assert!(expected(vec![span(&text, "a()"), statics], vec![1, 0]).is_err());
        assert!(expected(vec![statics, session], vec![1, 0]).is_err());
        assert!(expected(vec![session, statics], vec![1, 1]).is_err());
        assert!(expected(vec![session, statics], vec![0, 2]).is_err());
        assert!(expected(vec![session, statics], vec![1]).is_err());
    }

    #[test]
    fn a_plan_that_names_nothing_is_an_error() {
        let bad_order = [Expectation::Statements { first: 0, offset: 0, len: 4, order: vec![0, 0, 1, 2] }];
        assert!(verdict(ORIGINAL, &bad_order, ORIGINAL).is_err());
        // An order missing a statement of its block: the statement after it must not fill the gap.
        let short = [Expectation::Statements { first: 0, offset: 1, len: 3, order: vec![1, 0] }];
        let swapped = "const a = require('a');\napp.use(json());\n// the session\napp.use(session({}));\n\
                       app.use(express.static('p')); // assets\n";
        assert!(verdict(ORIGINAL, &short, swapped).is_err());
        let whole = [Expectation::Statements { first: 0, offset: 1, len: 2, order: vec![1, 0] }];
        assert_eq!(verdict(ORIGINAL, &whole, swapped), Ok(()));
        // A stretch that runs past the end of its list.
        let past_the_end = [Expectation::Statements { first: 0, offset: 3, len: 2, order: vec![1, 0] }];
        assert!(verdict(ORIGINAL, &past_the_end, ORIGINAL).is_err());
        let nowhere = [Expectation::Statements { first: 5, offset: 0, len: 1, order: vec![0] }];
        assert!(verdict(ORIGINAL, &nowhere, ORIGINAL).is_err());
        let no_stmt = [Expectation::Arguments { stmt: Span::new(1, 2), units: vec![], order: vec![] }];
        assert!(verdict(ORIGINAL, &no_stmt, ORIGINAL).is_err());
    }
}
