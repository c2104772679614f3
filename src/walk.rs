//! Finds the files to process and runs the per-file work on worker threads, with results in a
//! fixed order.
//!
//! This is the only place an `ignore::WalkBuilder` is configured. The walk only discovers
//! paths; files are processed on workers with large stacks, because the parser and visitors
//! recurse as deep as the input nests.

use std::path::{Path, PathBuf};
use std::thread;

use ignore::{WalkBuilder, WalkState};

/// Stack for each worker: enough for the deepest nesting a file under the size limit can hold.
/// Only the pages a file actually uses are committed.
const WORKER_STACK: usize = 1 << 30;

/// Runs `f` on a thread with a worker's stack: for work on one file outside the walk.
pub fn on_worker_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    thread::scope(|scope| {
        thread::Builder::new()
            .name("static-first-single".into())
            .stack_size(WORKER_STACK)
            .spawn_scoped(scope, f)
            .expect("a worker thread starts")
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
    })
}

/// A file the walk produced, or a path it could not walk.
pub enum Entry<'p> {
    /// A file to process. `explicit` files were named on the command line: they are processed
    /// whatever their extension or ignore rules say.
    File { path: &'p Path, explicit: bool },
    /// A path named on the command line that does not exist.
    Missing { path: &'p Path },
    /// A path the walk could not read.
    Error { path: &'p Path, message: String },
}

/// How to walk.
#[derive(Debug, Clone, Copy)]
pub struct WalkOptions {
    pub threads: usize,
    /// Follow symbolic links (the walker detects loops).
    pub follow: bool,
}

struct Found {
    path: PathBuf,
    explicit: bool,
    problem: Option<Problem>,
}

enum Problem {
    Missing,
    Walk(String),
}

/// Walks `roots` and calls `process` for every file on `options.threads` workers. Each worker
/// makes its own state with `init` (for example an oxc allocator). The results come back
/// sorted by path, whatever the thread count.
pub fn walk<S, T, I, F>(roots: &[PathBuf], options: WalkOptions, init: I, process: F) -> Vec<(PathBuf, T)>
where
    T: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, Entry<'_>) -> Option<T> + Sync,
{
    let (tx, rx) = crossbeam_channel::bounded::<Found>(1024);
    let mut results = thread::scope(|scope| {
        let workers: Vec<_> = (0..options.threads.max(1))
            .map(|i| {
                let rx = rx.clone();
                let (init, process) = (&init, &process);
                thread::Builder::new()
                    .name(format!("static-first-{i}"))
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, move || {
                        let mut state = init();
                        let mut out = Vec::new();
                        for found in rx {
                            let entry = match found.problem {
                                None => Entry::File { path: &found.path, explicit: found.explicit },
                                Some(Problem::Missing) => Entry::Missing { path: &found.path },
                                Some(Problem::Walk(message)) => Entry::Error { path: &found.path, message },
                            };
                            if let Some(result) = process(&mut state, entry) {
                                out.push((found.path, result));
                            }
                        }
                        out
                    })
                    .expect("a worker thread starts")
            })
            .collect();
        drop(rx);
        discover(roots, options, &tx);
        drop(tx);
        workers.into_iter().flat_map(|w| w.join().expect("workers catch their panics")).collect::<Vec<_>>()
    });
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results
}

/// Sends every file under `roots` (and every root that does not exist) down `tx`.
fn discover(roots: &[PathBuf], options: WalkOptions, tx: &crossbeam_channel::Sender<Found>) {
    let mut existing = Vec::new();
    for root in roots {
        if root.symlink_metadata().is_ok() {
            existing.push(root.clone());
        } else {
            let _ = tx.send(Found { path: root.clone(), explicit: true, problem: Some(Problem::Missing) });
        }
    }
    let Some((first, rest)) = existing.split_first() else { return };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .threads(options.threads)
        .follow_links(options.follow)
        .filter_entry(|entry| entry.depth() == 0 || entry.file_name() != "node_modules");
    builder.build_parallel().run(|| {
        let tx = tx.clone();
        Box::new(move |entry| {
            let found = match entry {
                // A root that is a link to a file is still a file named on the command line.
                Ok(e) if e.depth() == 0 && e.path().is_file() => {
                    Some(Found { path: display_path(e.path()), explicit: true, problem: None })
                }
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    Some(Found { path: display_path(e.path()), explicit: false, problem: None })
                }
                Ok(_) => None,
                Err(err) => Some(Found {
                    path: error_path(&err).unwrap_or_default(),
                    explicit: true,
                    problem: Some(Problem::Walk(err.to_string())),
                }),
            };
            match found.map(|f| tx.send(f)) {
                Some(Err(_)) => WalkState::Quit,
                _ => WalkState::Continue,
            }
        })
    });
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
