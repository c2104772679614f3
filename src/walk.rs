//! Finds the files to process: gitignore-aware, in parallel, with results in a fixed order.
//!
//! This is the only place an `ignore::WalkBuilder` is configured.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use ignore::{WalkBuilder, WalkState};

/// A file the walk produced, or a path it could not walk.
pub enum Entry<'p> {
    /// A file to process. `explicit` files were named on the command line: they are processed
    /// whatever their extension or ignore rules say.
    File {
        path: &'p Path,
        explicit: bool,
    },
    Error {
        path: &'p Path,
        message: String,
    },
}

/// Walks `roots` on `threads` workers. Each worker makes its own state with `init` (for
/// example an oxc allocator) and calls `process` for every file; the results come back sorted
/// by path, whatever the thread count.
pub fn walk<S, T, I, F>(roots: &[PathBuf], threads: usize, init: I, process: F) -> Vec<(PathBuf, T)>
where
    S: Send,
    T: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, Entry<'_>) -> Option<T> + Sync,
{
    let (tx, rx) = mpsc::channel();
    let mut existing = Vec::new();
    let mut state = init();
    for root in roots {
        if root.exists() {
            existing.push(root.clone());
        } else if let Some(result) = process(&mut state, Entry::Error { path: root, message: String::new() })
        {
            tx.send((root.clone(), result)).expect("the receiver is alive");
        }
    }
    if let Some((first, rest)) = existing.split_first() {
        let mut builder = WalkBuilder::new(first);
        for root in rest {
            builder.add(root);
        }
        builder
            .threads(threads)
            .filter_entry(|entry| entry.depth() == 0 || entry.file_name() != "node_modules");
        builder.build_parallel().run(|| {
            let tx = tx.clone();
            let mut state = init();
            let process = &process;
            Box::new(move |entry| {
                let item = match &entry {
                    Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                        Some((display_path(e.path()), e.depth() == 0, None))
                    }
                    Ok(_) => None,
                    Err(err) => Some((error_path(err).unwrap_or_default(), true, Some(err.to_string()))),
                };
                if let Some((path, explicit, error)) = item {
                    let entry = match error {
                        None => Entry::File { path: &path, explicit },
                        Some(message) => Entry::Error { path: &path, message },
                    };
                    if let Some(result) = process(&mut state, entry) {
                        let _ = tx.send((path, result));
                    }
                }
                WalkState::Continue
            })
        });
    }
    drop(tx);
    let mut results: Vec<(PathBuf, T)> = rx.into_iter().collect();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results
}

/// `./src/app.js` as `src/app.js`, the way ripgrep prints paths under the current directory.
fn display_path(path: &Path) -> PathBuf {
    path.strip_prefix("./").unwrap_or(path).to_path_buf()
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        _ => None,
    }
}
