//! The open documents: each one's text and version as the client last sent them, whether an
//! edit waits for the debounce, and the findings of its last analysis.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::positions::{Encoding, Lines};
use crate::pipeline::FileOutcome;

/// One open document.
pub struct Document {
    pub text: String,
    pub version: i32,
    /// The file it is analysed as: its path, or a name made from its language for an
    /// unsaved document.
    pub path: PathBuf,
    /// Since when an edit has waited to be analysed.
    pub dirty_since: Option<Instant>,
    /// The last analysis, of `text` at `version`; `None` when it gave no findings to act on
    /// (skipped, an error, not JavaScript or TypeScript).
    pub analysis: Option<FileOutcome>,
}

/// Every open document, by URI.
#[derive(Default)]
pub struct Documents {
    open: HashMap<Uri, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: Uri, text: String, version: i32, path: PathBuf) {
        self.open.insert(uri, Document { text, version, path, dirty_since: None, analysis: None });
    }

    /// Forgets a closed document; whether it was open.
    pub fn close(&mut self, uri: &Uri) -> bool {
        self.open.remove(uri).is_some()
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri)
    }

    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.open.get_mut(uri)
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.open.keys().cloned().collect()
    }

    /// Applies the client's changes in order (whole texts or ranges); false for a document
    /// that is not open.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
        now: Instant,
    ) -> bool {
        let Some(document) = self.open.get_mut(uri) else { return false };
        for change in changes {
            match change.range {
                None => document.text = change.text,
                Some(range) => {
                    let lines = Lines::new(&document.text);
                    let start = lines.offset(range.start, encoding);
                    let end = lines.offset(range.end, encoding).max(start);
                    document.text.replace_range(start..end, &change.text);
                }
            }
        }
        document.version = version;
        document.analysis = None;
        document.dirty_since.get_or_insert(now);
        true
    }

    /// When the earliest waiting edit was made.
    pub fn earliest_dirty(&self) -> Option<Instant> {
        self.open.values().filter_map(|d| d.dirty_since).min()
    }

    /// The documents whose edits have waited since `before` or earlier.
    pub fn dirty_since(&self, before: Instant) -> Vec<Uri> {
        self.open
            .iter()
            .filter(|(_, d)| d.dirty_since.is_some_and(|t| t <= before))
            .map(|(u, _)| u.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use lsp_types::{Position, Range};

    use super::*;

    #[test]
    fn range_changes_apply_in_order_and_mark_the_document_dirty() {
        let uri: Uri = "file:///a.js".parse().unwrap();
        let mut documents = Documents::default();
        documents.open(uri.clone(), "héllo\r\nworld\r\n".into(), 1, PathBuf::from("/a.js"));
        let change = |l1, c1, l2, c2, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range { start: Position::new(l1, c1), end: Position::new(l2, c2) }),
            range_length: None,
            text: text.into(),
        };
        let now = Instant::now();
        assert!(documents.change(
            &uri,
            2,
            vec![change(0, 1, 0, 2, "e"), change(1, 0, 1, 5, "there")],
            Encoding::Utf16,
            now
        ));
        let document = documents.get(&uri).unwrap();
        assert_eq!(document.text, "hello\r\nthere\r\n");
        assert_eq!((document.version, document.dirty_since), (2, Some(now)));
        assert_eq!(documents.dirty_since(now), std::slice::from_ref(&uri));
        assert!(documents.close(&uri));
        assert!(documents.get(&uri).is_none());
        assert!(!documents.change(&uri, 3, Vec::new(), Encoding::Utf16, now));
    }
}
