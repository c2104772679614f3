//! Proves an edit did what the plan said and nothing else: the edited file's statement lists
//! are the original ones with the planned permutations applied, and its comments are the same.

use oxc_ast::ast::{Program, Statement};
use oxc_span::Span;

use crate::edit::{Edit, apply};
use oxc_ast_visit::{Visit, walk};
use oxc_span::GetSpan;

/// The statement lists and comments of a program, as comparable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Each list keyed by the offset of its first statement, with each statement's text
    /// (indentation removed, since a move re-indents).
    lists: Vec<(u32, Vec<String>)>,
    /// Each statement's span, parallel to `lists`.
    spans: Vec<Vec<Span>>,
    comments: Vec<String>,
}

/// A planned reordering of the list whose first statement starts at `first`.
#[derive(Debug, Clone)]
pub struct Permutation {
    pub first: u32,
    pub order: Vec<usize>,
}

impl Shape {
    pub fn of(program: &Program<'_>, text: &str) -> Shape {
        let mut collector = Lists { text, lists: Vec::new(), spans: Vec::new() };
        collector.visit_program(program);
        let comments =
            program.comments.iter().map(|c| c.span.source_text(text).trim_end().to_string()).collect();
        Shape { lists: collector.lists, spans: collector.spans, comments }
    }

    /// What the file must look like after `edits` carried out `permutations` on `text` (the
    /// text this shape was taken from): the permuted lists reordered, every statement that
    /// contains an edited list with those edits applied, everything else unchanged.
    pub fn expected(&self, text: &str, permutations: &[Permutation], edits: &[Edit]) -> Shape {
        let mut shape = self.clone();
        for (index, (first, list)) in shape.lists.iter_mut().enumerate() {
            // Edits strictly inside a statement belong to a list nested in it. A list's own
            // move edits whole lines between its statements, never strictly inside one.
            for (stmt, span) in list.iter_mut().zip(&self.spans[index]) {
                let (start, end) = (span.start as usize, span.end as usize);
                let inside: Vec<Edit> = edits
                    .iter()
                    .filter(|e| e.start > start && e.end < end)
                    .map(|e| Edit { start: e.start - start, end: e.end - start, insert: e.insert.clone() })
                    .collect();
                if !inside.is_empty() {
                    *stmt = dedent(&apply(&text[start..end], &inside));
                }
            }
            if let Some(p) = permutations.iter().find(|p| p.first == *first) {
                *list = p.order.iter().map(|&i| list[i].clone()).collect();
            }
        }
        shape
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
        Ok(())
    }
}

fn sorted_lists(shape: &Shape) -> Vec<&Vec<String>> {
    let mut lists: Vec<&Vec<String>> = shape.lists.iter().map(|(_, l)| l).collect();
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
    lists: Vec<(u32, Vec<String>)>,
    spans: Vec<Vec<Span>>,
}

impl<'a> Visit<'a> for Lists<'_> {
    fn visit_statements(&mut self, it: &oxc_allocator::Vec<'a, Statement<'a>>) {
        if let Some(first) = it.first() {
            let texts = it.iter().map(|s| dedent(s.span().source_text(self.text))).collect();
            self.lists.push((first.span().start, texts));
            self.spans.push(it.iter().map(GetSpan::span).collect());
        }
        walk::walk_statements(self, it);
    }
}

/// The text with each line's leading whitespace removed.
fn dedent(text: &str) -> String {
    text.lines().map(str::trim_start).collect::<Vec<_>>().join("\n")
}
