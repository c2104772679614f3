//! Facts about a file's text that every stage needs: the BOM, the line ending, line numbers.

/// The UTF-8 byte order mark.
const BOM: &str = "\u{feff}";

/// The blanks the parser skips between tokens, which every span and comment is measured
/// against: Unicode's whitespace and U+FEFF, which JavaScript counts as whitespace anywhere in
/// a file and Rust's `char::is_whitespace` (and so `str::trim`) does not. (oxc also skips
/// U+0085, which the language does not list; it follows the parser.)
pub fn is_js_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Whether `text` holds nothing but JavaScript blanks ([`is_js_blank`]).
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_js_blank)
}

/// A file's text, split into the part the parser sees and what must be put back around it.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// Whether the file starts with a UTF-8 BOM (kept out of `text`, restored on write).
    pub bom: bool,
    /// The text after the BOM; every span in the program refers to it.
    pub text: &'a str,
    /// The file's line ending: `"\r\n"` if its first line break is CRLF, else `"\n"`.
    pub newline: &'static str,
}

impl<'a> Source<'a> {
    pub fn new(raw: &'a str) -> Self {
        let (bom, text) = match raw.strip_prefix(BOM) {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let newline = match memchr::memchr(b'\n', text.as_bytes()) {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        Source { bom, text, newline }
    }

    /// The full file contents for a new body text, with the BOM restored.
    pub fn with_text(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + BOM.len());
        if self.bom {
            out.push_str(BOM);
        }
        out.push_str(text);
        out
    }
}

/// Maps byte offsets to 1-based line and column numbers (columns count characters), and
/// offsets in a [`Source`]'s text to offsets in the file on disk: the one place that knows a
/// BOM was taken off. Columns count characters as an editor shows them, so a BOM, which none
/// shows, is not a column; byte offsets count its three bytes.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<u32>,
    /// Bytes the file holds before `text` (the BOM's, or none).
    base: u32,
}

impl<'a> LineIndex<'a> {
    /// An index of text that is the whole file.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
        LineIndex { text, starts, base: 0 }
    }

    /// An index of a source's text (or of an edit of it), whose file may start with a BOM.
    pub fn of_source(text: &'a str, bom: bool) -> Self {
        let base = if bom { BOM.len() as u32 } else { 0 };
        LineIndex { base, ..LineIndex::new(text) }
    }

    /// The byte offset in the file of an offset in the text.
    pub fn file_offset(&self, offset: u32) -> u32 {
        offset + self.base
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: u32) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line = self.line(offset);
        let start = self.starts[line - 1] as usize;
        let end = (offset as usize).min(self.text.len());
        let col = self.text.get(start..end).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parser is the oracle: a blank between two tokens parses, anything else is a syntax
    /// error there.
    #[test]
    fn js_blanks_are_what_the_parser_skips() {
        let candidates = (0..=0x3000u32).chain([0xfeff, 0x1_0000]).filter_map(char::from_u32);
        let candidates =
            candidates.filter(|c| c.is_whitespace() || c.is_control() || *c == '\u{feff}' || *c == '@');
        for c in candidates {
            let text = format!("let a ={c}1;");
            let allocator = oxc_allocator::Allocator::default();
            let parsed = oxc_parser::Parser::new(&allocator, &text, oxc_span::SourceType::mjs()).parse();
            assert_eq!(
                is_js_blank(c),
                parsed.diagnostics.is_empty() && !parsed.panicked,
                "U+{:04X}",
                c as u32
            );
        }
        assert!(is_blank(" \t\u{feff}\u{2028}\r\n") && is_blank(""));
        assert!(!is_blank(" x") && !is_blank("//"));
    }

    #[test]
    fn bom_and_crlf_are_detected() {
        let s = Source::new("\u{feff}a\r\nb\r\n");
        assert!(s.bom);
        assert_eq!(s.text, "a\r\nb\r\n");
        assert_eq!(s.newline, "\r\n");
        assert_eq!(s.with_text("x"), "\u{feff}x");
        let plain = Source::new("a\nb");
        assert!(!plain.bom);
        assert_eq!(plain.newline, "\n");
    }

    #[test]
    fn lines_and_columns_are_one_based() {
        let idx = LineIndex::new("ab\ncdé\nx");
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(3), (2, 1));
        assert_eq!(idx.line_col(7), (2, 4));
        assert_eq!(idx.line_col(8), (3, 1));
        assert_eq!(idx.file_offset(7), 7);
    }

    #[test]
    fn file_offsets_count_the_bom_and_columns_do_not() {
        let raw = "\u{feff}ab\r\ncd";
        let source = Source::new(raw);
        let idx = LineIndex::of_source(source.text, source.bom);
        let c = source.text.find('c').unwrap() as u32;
        assert_eq!(&raw[idx.file_offset(c) as usize..], "cd");
        assert_eq!(idx.line_col(c), (2, 1));
        assert_eq!(idx.line_col(1), (1, 2));
        let plain = LineIndex::of_source("ab", false);
        assert_eq!(plain.file_offset(1), 1);
    }
}
