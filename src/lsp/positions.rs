//! LSP positions (a line and a count of code units in it) to byte offsets and back, in the
//! encoding agreed at initialisation: UTF-16 code units by default, UTF-8 bytes when the
//! client offers it. Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says; a BOM is
//! the document's first character like any other, since the client sent it.

use lsp_types::Position;

/// The unit of a position's `character`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// Where each line of one text starts.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends {
                starts.push(i + 1);
            }
        }
        Lines { text, starts }
    }

    /// The position of a byte offset (clamped to the text, and to a character boundary).
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let before = &self.text[self.starts[line]..offset];
        let character = match encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position { line: line as u32, character: character as u32 }
    }

    /// The byte offset of a position. A line past the end is the end of the text; a character
    /// past the end of its line is the line's end (before its line break), and one inside a
    /// character (half of a surrogate pair) is that character's start.
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else { return self.text.len() };
        let end = self.starts.get(position.line as usize + 1).copied().unwrap_or(self.text.len());
        let line = self.text[start..end].trim_end_matches(['\n', '\r']);
        let wanted = position.character as usize;
        let mut units = 0;
        for (i, c) in line.char_indices() {
            let width = match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units + width > wanted {
                return start + i;
            }
            units += width;
        }
        start + line.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn utf16_counts_code_units_and_utf8_bytes() {
        // `é` is 2 bytes, 1 unit; `😀` is 4 bytes, 2 units.
        let text = "é😀x\nab";
        let lines = Lines::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(x, Encoding::Utf16), at(0, 3));
        assert_eq!(lines.position(x, Encoding::Utf8), at(0, 6));
        assert_eq!(lines.offset(at(0, 3), Encoding::Utf16), x);
        assert_eq!(lines.offset(at(0, 6), Encoding::Utf8), x);
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(lines.offset(at(0, 2), Encoding::Utf16), 2);
        assert_eq!(lines.position(text.len(), Encoding::Utf16), at(1, 2));
    }

    #[test]
    fn every_line_break_counts_and_is_never_inside_a_line() {
        let text = "\u{feff}a\r\nb\rc\nd";
        let lines = Lines::new(text);
        let b = text.find('b').unwrap();
        let c = text.find('c').unwrap();
        let d = text.find('d').unwrap();
        assert_eq!(lines.position(3, Encoding::Utf16), at(0, 1), "the BOM is a character the client sent");
        assert_eq!(lines.position(3, Encoding::Utf8), at(0, 3));
        assert_eq!(lines.position(b, Encoding::Utf16), at(1, 0));
        assert_eq!(lines.position(c, Encoding::Utf16), at(2, 0));
        assert_eq!(lines.position(d, Encoding::Utf16), at(3, 0));
        assert_eq!(lines.offset(at(0, 99), Encoding::Utf16), text.find('\r').unwrap());
        assert_eq!(lines.offset(at(9, 0), Encoding::Utf16), text.len());
        assert_eq!(lines.offset(at(2, 0), Encoding::Utf8), c);
    }
}
