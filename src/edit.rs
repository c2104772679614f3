//! Turns a planned move into byte-span edits of the original text: the only place that cuts
//! and joins code text. Statements are moved as they are written, never reprinted.

use oxc_span::Span;

use crate::detect::Block;
use crate::plan::{Candidate, Direction};
use crate::source::{is_blank, is_js_blank};

/// Replace `start..end` of the text with `insert` (an empty range inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub insert: String,
}

/// Why a planned move cannot be written as whole-line edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub stmt: usize,
    pub reason: &'static str,
}

/// The text around the statements: what the rewriter needs besides the spans.
pub struct Layout<'t> {
    pub text: &'t str,
    /// Every comment span, sorted.
    pub comments: &'t [Span],
    /// Spans whose lines must not be re-indented (multi-line template literals).
    pub verbatim: &'t [Span],
    pub newline: &'t str,
}

/// The lines a statement occupies: its own leading comment lines, the statement, a trailing
/// comment on its last line, and the line break.
#[derive(Debug, Clone, Copy)]
struct Extent {
    start: usize,
    end: usize,
    /// Whether `end` is a line break's end (false only at the end of a file without one).
    ends_line: bool,
}

impl Layout<'_> {
    /// The edits that carry out `candidate` on `block`.
    pub fn edits(&self, block: &Block, candidate: &Candidate) -> Result<Vec<Edit>, Refusal> {
        let anchor = self.extent(block, candidate.anchor)?;
        let target_indent = self.indent_at(anchor.start);
        let mut moved_text = String::new();
        let mut edits = Vec::new();
        for &i in &candidate.moved {
            let ext = self.extent(block, i)?;
            let mut text = self.reindent(ext, target_indent);
            if !ext.ends_line {
                text.push_str(self.newline);
            }
            moved_text.push_str(&text);
            edits.push(self.deletion(ext));
        }
        let insert_at = match candidate.direction {
            Direction::Lift => anchor.start,
            Direction::Sink => anchor.end,
        };
        if candidate.direction == Direction::Sink && !anchor.ends_line {
            // The anchor ends the file without a line break: keep it that way.
            moved_text.truncate(moved_text.len() - self.newline.len());
            moved_text.insert_str(0, self.newline);
        }
        edits.push(Edit { start: insert_at, end: insert_at, insert: moved_text });
        edits.sort_by_key(|e| (e.start, e.end));
        if edits.windows(2).any(|w| w[0].end > w[1].start) {
            return Err(Refusal { stmt: candidate.anchor, reason: "the edits would overlap" });
        }
        Ok(edits)
    }

    /// The edits that reorder the middleware arguments of statement `stmt` as `candidate`
    /// plans: each argument, with the comments directly before it, is written into the place
    /// of the argument that went there; the call's text between arguments stays.
    pub fn argument_edits(
        &self,
        block: &Block,
        stmt: usize,
        candidate: &Candidate,
    ) -> Result<Vec<Edit>, Refusal> {
        let parts = block.stmts[stmt].argument_parts();
        let mut slots = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let floor = if i == 0 { block.stmts[stmt].span.start } else { parts[i - 1].span.end };
            slots.push((
                self.comments_before(floor as usize, part.span.start as usize, true),
                part.span.end as usize,
            ));
        }
        let between = |c: &&Span| {
            let (start, end) = (c.start as usize, c.end as usize);
            start > slots[0].0
                && end < slots[slots.len() - 1].1
                && !slots.iter().any(|s| s.0 <= start && end <= s.1)
        };
        if let Some(comment) = self.comments.iter().find(between) {
            let unit = slots.iter().position(|s| s.0 > comment.start as usize).unwrap_or(0);
            return Err(Refusal {
                stmt: unit,
                reason: "a comment between the arguments belongs to neither side",
            });
        }
        let order = candidate.order(parts.len());
        let mut edits = Vec::new();
        for (place, &unit) in order.iter().enumerate().filter(|&(place, &unit)| place != unit) {
            let (from, to) = (slots[unit], slots[place]);
            let text = self.shift_continuation(from.0, from.1, self.indent_at(self.line_start(to.0))).ok_or(
                Refusal {
                    stmt: unit,
                    reason: "a line of the multi-line argument is indented less than its first",
                },
            )?;
            edits.push(Edit { start: to.0, end: to.1, insert: text });
        }
        Ok(edits)
    }

    /// The text of `start..end` with every line after the first moved from the indentation of
    /// the line `start` is on to `target`; `None` when a line is indented less than that line.
    fn shift_continuation(&self, start: usize, end: usize, target: &str) -> Option<String> {
        let own = self.indent_at(self.line_start(start));
        self.shift(start, end, own, target, true)
    }

    /// `start..end` with the indentation `own` of each line replaced by `target`, but for lines
    /// inside multi-line templates (never re-indented). A statement's lines (`continuation`
    /// false): a line without `own` stays as it is. An argument's continuation lines (true):
    /// the first line and blank lines stay, and a line without `own` makes the shift fail.
    fn shift(&self, start: usize, end: usize, own: &str, target: &str, continuation: bool) -> Option<String> {
        let text = &self.text[start..end];
        if own == target || (continuation && !text.contains('\n')) {
            return Some(text.to_string());
        }
        let mut out = String::with_capacity(text.len());
        let mut offset = start;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let in_verbatim =
                self.verbatim.iter().any(|v| (v.start as usize) < offset && offset < v.end as usize);
            let kept = in_verbatim || (continuation && (i == 0 || is_blank(line)));
            match line.strip_prefix(own) {
                _ if kept => out.push_str(line),
                Some(rest) => {
                    out.push_str(target);
                    out.push_str(rest);
                }
                None if continuation => return None,
                None => out.push_str(line),
            }
            offset += line.len();
        }
        Some(out)
    }

    /// Where code starting at `from` begins once the comments directly before it are counted
    /// in: comments on their own lines just above (no blank line between), and with
    /// `same_line`, a comment on the same line before it. Never before `floor` (the end of what
    /// precedes it).
    fn comments_before(&self, floor: usize, from: usize, same_line: bool) -> usize {
        let mut start = from;
        for comment in self.comments.iter().rev().filter(|c| c.end as usize <= from) {
            let (c_start, c_end) = (comment.start as usize, comment.end as usize);
            let gap = &self.text[c_end..start];
            let line_start = self.line_start(c_start);
            let own_line = c_start >= floor && is_blank(&self.text[line_start..c_start]);
            let beside = same_line && c_start >= floor && !gap.contains('\n');
            if !is_blank(gap) || gap.matches('\n').count() > 1 || !(own_line || beside) {
                break;
            }
            start = c_start;
        }
        start
    }

    /// The deletion of a moved statement's lines, with the blank lines it would leave doubled.
    fn deletion(&self, ext: Extent) -> Edit {
        let mut start = ext.start;
        if !ext.ends_line {
            // The last line of a file without a final line break: take the break before it.
            start = self.text[..start].strip_suffix(self.newline).map_or(start, str::len);
            return Edit { start, end: ext.end, insert: String::new() };
        }
        let rest = &self.text[ext.end..];
        let next_is_blank_or_end = {
            let next_line = rest.split('\n').next().unwrap_or("");
            is_blank(next_line) || rest.trim_start_matches(is_js_blank).starts_with('}') || is_blank(rest)
        };
        if next_is_blank_or_end {
            while let Some(prev) = self.previous_line(start)
                && is_blank(&self.text[prev..start])
            {
                start = prev;
            }
        }
        Edit { start, end: ext.end, insert: String::new() }
    }

    /// Start of the line before the line starting at `line_start`.
    fn previous_line(&self, line_start: usize) -> Option<usize> {
        if line_start == 0 {
            return None;
        }
        Some(self.text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1))
    }

    fn line_start(&self, offset: usize) -> usize {
        self.text[..offset].rfind('\n').map_or(0, |i| i + 1)
    }

    fn indent_at(&self, line_start: usize) -> &str {
        let line = &self.text[line_start..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }

    fn extent(&self, block: &Block, i: usize) -> Result<Extent, Refusal> {
        let shares = Refusal { stmt: i, reason: "it shares a line with other code" };
        let span = block.stmts[i].span;
        let list_start = if i == 0 { block.list_start } else { block.stmts[i - 1].span.end } as usize;

        // Leading comments: whole lines directly above, with no blank line in between. The
        // program's first statement keeps its comments in place: they head the file.
        let start = match block.is_program && i == 0 {
            true => span.start as usize,
            false => self.comments_before(list_start, span.start as usize, false),
        };
        let line_start = self.line_start(start);
        if !is_blank(&self.text[line_start..start]) || line_start < list_start {
            return Err(shares);
        }

        // The rest of the last line may only hold comments.
        let mut end = span.end as usize;
        loop {
            let rest = &self.text[end..];
            let trimmed = rest.trim_start_matches([' ', '\t']);
            end += rest.len() - trimmed.len();
            match self.comments.iter().find(|c| c.start as usize == end) {
                Some(c) if !self.text[end..c.end as usize].contains('\n') => end = c.end as usize,
                _ => break,
            }
        }
        let rest = &self.text[end..];
        let ends_line = if rest.starts_with("\r\n") {
            end += 2;
            true
        } else if rest.starts_with('\n') {
            end += 1;
            true
        } else if rest.is_empty() {
            false
        } else {
            return Err(shares);
        };
        Ok(Extent { start: line_start, end, ends_line })
    }

    /// The extent's text, moved from its own indentation to `target`.
    fn reindent(&self, ext: Extent, target: &str) -> String {
        let own = self.indent_at(ext.start);
        self.shift(ext.start, ext.end, own, target, false)
            .unwrap_or_else(|| self.text[ext.start..ext.end].to_string())
    }
}

/// The suppression comment an editor inserts to ignore the finding at `offset`: a line of its
/// own above the finding's line, indented like it, `// static-first-ignore: ` and the reason
/// left to the user. The edit, and the offset in its text where the reason goes.
pub fn ignore_comment(text: &str, offset: usize, newline: &str) -> (Edit, usize) {
    let offset = offset.min(text.len());
    // On the first line, after a BOM: the BOM stays the file's first bytes.
    let first = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(first, |i| i + 1);
    let indent_len = text[line_start..].len() - text[line_start..].trim_start_matches([' ', '\t']).len();
    let indent = &text[line_start..line_start + indent_len];
    let comment = format!("{indent}// {}: ", crate::suppress::MARKER);
    let reason_at = comment.len();
    (Edit { start: line_start, end: line_start, insert: format!("{comment}{newline}") }, reason_at)
}

/// Applies sorted, non-overlapping edits.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for edit in edits {
        out.push_str(&text[at..edit.start]);
        out.push_str(&edit.insert);
        at = edit.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ignore_comment_goes_above_the_line_indented_like_it() {
        let text = "a();\r\n  app.use(x);\r\n";
        let (edit, reason_at) = ignore_comment(text, text.find("x").unwrap(), "\r\n");
        assert_eq!((edit.start, edit.end), (6, 6));
        assert_eq!(edit.insert, "  // static-first-ignore: \r\n");
        assert_eq!(&edit.insert[reason_at..], "\r\n");
        let fixed = apply(text, &[edit]);
        assert_eq!(fixed, "a();\r\n  // static-first-ignore: \r\n  app.use(x);\r\n");
        let (edit, _) = ignore_comment("\u{feff}app.use(x);", 5, "\n");
        assert_eq!(edit.start, 3, "after the BOM");
    }
}
