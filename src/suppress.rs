//! `// static-first-ignore: <reason>` comments: which findings they silence, and which are
//! malformed or unused.

use oxc_span::Span;

use crate::source::LineIndex;

pub const MARKER: &str = "static-first-ignore";

/// One suppression comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub line: usize,
    pub col: usize,
    /// `None` when the comment gives no reason (then it suppresses nothing).
    pub reason: Option<String>,
    pub used: bool,
}

/// The suppression comments among `comments`.
pub fn find(text: &str, comments: &[Span], lines: &LineIndex<'_>) -> Vec<Suppression> {
    comments
        .iter()
        .filter_map(|span| {
            let body = span
                .source_text(text)
                .trim_start_matches("//")
                .trim_start_matches("/*")
                .trim_end_matches("*/")
                .trim();
            let rest = body.strip_prefix(MARKER)?;
            let reason = rest.strip_prefix(':').map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
            let (line, col) = lines.line_col(span.start);
            Some(Suppression { line, col, reason, used: false })
        })
        .collect()
}

/// The reason of a valid suppression on `line` or the line before it, marking it used.
pub fn claim(suppressions: &mut [Suppression], lines: &[usize]) -> Option<String> {
    let found = suppressions
        .iter_mut()
        .find(|s| s.reason.is_some() && lines.iter().any(|&line| s.line == line || s.line + 1 == line))?;
    found.used = true;
    found.reason.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_required_and_lines_match() {
        let text =
            "// static-first-ignore: assets are private\nx;\n/* static-first-ignore */\ny;\n// other\n";
        let comments = [Span::new(0, 42), Span::new(46, 71), Span::new(75, 83)];
        let lines = LineIndex::new(text);
        let mut found = find(text, &comments, &lines);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].reason.as_deref(), Some("assets are private"));
        assert_eq!(found[1].reason, None);
        assert_eq!(claim(&mut found, &[4]), None, "a suppression without a reason suppresses nothing");
        assert_eq!(claim(&mut found, &[2]).as_deref(), Some("assets are private"));
        assert!(found[0].used && !found[1].used);
    }
}
