//! Deliberate faults for the test suite, so the paths that handle a bug (a panic caught for one
//! file, a fix that fails its safety check) are tested in every build, release included,
//! without waiting for a bug here or upstream. Only the hidden, internal `--internal-fault` flag
//! sets one, and no user passes that by accident; unset, nothing here changes anything.

use std::path::Path;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `panic:NAME`: panic while processing every file named NAME.
    Panic(String),
    /// `corrupt-edit`: write every fix's moved text twice, before the fix is checked.
    CorruptEdit,
}

static ACTIVE: OnceLock<Fault> = OnceLock::new();

/// `--internal-fault`'s value.
pub fn parse(text: &str) -> Result<Fault, String> {
    match text.split_once(':') {
        Some(("panic", name)) if !name.is_empty() => Ok(Fault::Panic(name.to_string())),
        None if text == "corrupt-edit" => Ok(Fault::CorruptEdit),
        _ => Err(format!("`{text}` is not an internal fault (panic:NAME or corrupt-edit)")),
    }
}

/// Makes `fault` active for the rest of the process.
pub fn install(fault: Fault) {
    let _ = ACTIVE.set(fault);
}

/// Panics if the active fault targets the file at `path`.
pub fn panic_if_targeted(path: &Path) {
    if let Some(Fault::Panic(name)) = ACTIVE.get()
        && path.file_name().is_some_and(|n| n == name.as_str())
    {
        panic!("a fault injected by --internal-fault");
    }
}

/// Whether fixes are to be spoiled before their check.
pub fn corrupts_edits() -> bool {
    matches!(ACTIVE.get(), Some(Fault::CorruptEdit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_named_exactly() {
        assert_eq!(parse("panic:a.js"), Ok(Fault::Panic("a.js".into())));
        assert_eq!(parse("corrupt-edit"), Ok(Fault::CorruptEdit));
        for wrong in ["panic", "panic:", "corrupt", "corrupt-edit:x", ""] {
            assert!(parse(wrong).is_err(), "{wrong}");
        }
        // Nothing is installed in unit tests: no fault acts.
        assert!(!corrupts_edits());
        panic_if_targeted(Path::new("a.js"));
    }
}
