//! The words the language server shows in an editor: each diagnostic's message (the CLI's
//! warning line, without the path), the related session's label, the code actions' titles and
//! the log messages for documents it could not analyse.

use std::fmt::Display;
use std::path::Path;

use super::{Found, Note};

/// The editor's words; a unit type so the server names them in one place.
pub struct Words;

impl Words {
    /// A finding's message: the CLI's message and what follows it (why there is no fix, or what
    /// the fix moves), and its note on a second line.
    pub fn diagnostic(f: &Found) -> String {
        let mut message = f.message();
        if let Some(tail) = f.tail(false) {
            message = format!("{message} {tail}");
        }
        if let Some(note) = f.note() {
            message = format!("{message}\nnote: {note}");
        }
        message
    }

    /// A malformed or unused suppression comment's message, as the CLI prints it.
    pub fn note(note: &Note) -> String {
        note.issue.to_string()
    }

    /// The label of the session registration, the finding's related information.
    pub fn session_here(f: &Found) -> String {
        format!("`{}` is registered here, before the static middleware", f.session_what)
    }

    pub const QUICK_FIX: &str = "Move static middleware before session";
    pub const FIX_ALL: &str = "Fix all static-first findings in this file";
    pub const IGNORE: &str = "Ignore this finding (static-first-ignore: give the reason)";

    /// Why a document gets no diagnostics: it was passed over.
    pub fn skipped(path: &Path, why: &str) -> String {
        format!("{}: skipped: {why}; no diagnostics for it", path.display())
    }

    /// Why a document gets no diagnostics (or only those left for review): an error.
    pub fn error(path: &Path, error: &dyn Display) -> String {
        format!("{}: error: {error}", path.display())
    }

    /// A configuration change was read again.
    pub fn config_reloaded(file: &Path) -> String {
        format!("{} changed: every open document is checked again", file.display())
    }

    /// A message the server could not read, as its error response says.
    pub fn malformed(what: &dyn Display) -> String {
        format!("malformed message: {what}")
    }

    pub fn unknown_method(method: &str) -> String {
        format!("unknown method `{method}`")
    }

    pub fn invalid_params(method: &str, error: &dyn Display) -> String {
        format!("invalid parameters for `{method}`: {error}")
    }

    pub fn not_open(uri: &str) -> String {
        format!("{uri} is not open; open it first")
    }

    pub const CANCELLED: &str = "cancelled by the client";
    pub const SHUT_DOWN: &str = "the server is shutting down; only `exit` is accepted";
    pub const NOT_INITIALIZED: &str = "the server is not initialized: send `initialize` first";
}
