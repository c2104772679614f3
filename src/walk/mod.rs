//! Finds the files to process, runs the per-file work on worker threads, and hands the results
//! back in path order as they complete.
//!
//! This is the only place an `ignore::WalkBuilder` is configured. One thread walks the tree in
//! sorted order and deals the files out in small numbered batches; workers with large stacks
//! (the parser and visitors recurse as deep as the input nests) process them; the calling
//! thread puts the batches back in order and passes each result on at once, so output streams
//! and memory holds only the results that finished ahead of a slower batch.

pub mod select;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::thread;

use crossbeam_channel::{Sender, bounded, unbounded};
use ignore::WalkBuilder;

/// Stack for each worker: enough for the deepest nesting a file under the size limit can hold.
/// Only the pages a file actually uses are committed.
pub(crate) const WORKER_STACK: usize = 1 << 30;

/// Files per batch: enough to make the hand-off cost nothing next to reading and parsing them,
/// few enough that a small tree still spreads over every worker.
const BATCH: usize = 16;

/// Runs `f` on a thread with a worker's stack: for work on one file outside the walk. Err: the
/// thread could not start (a thread or memory limit of the process).
pub fn on_worker_stack<T: Send>(f: impl FnOnce() -> T + Send) -> io::Result<T> {
    thread::scope(|scope| {
        let worker = thread::Builder::new()
            .name("static-first-single".into())
            .stack_size(WORKER_STACK)
            .spawn_scoped(scope, f)?;
        Ok(worker.join().unwrap_or_else(|payload| std::panic::resume_unwind(payload)))
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

/// Walks `roots` and calls `process` for every file on `options.threads` workers, each with its
/// own state made by `init` (for example an oxc allocator). Every result is passed to `output`
/// on the calling thread, in the order of the paths (roots sorted, then each tree depth-first
/// with names sorted, which is the order of sorting the paths), whatever the thread count.
///
/// When the process may not start as many threads as asked (a thread or memory limit), the walk
/// goes on with the workers that did start. Err: not one worker, or not the walking thread,
/// could start; nothing was processed then.
pub fn walk<S, T, I, F, O>(
    roots: &[PathBuf],
    options: WalkOptions,
    init: I,
    process: F,
    mut output: O,
) -> io::Result<()>
where
    T: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, Entry<'_>) -> Option<T> + Sync,
    O: FnMut(T),
{
    let threads = options.threads.max(1);
    let (batches, work) = bounded::<(usize, Vec<Found>)>(threads * 4);
    let (done, results) = unbounded::<(usize, Vec<T>)>();
    thread::scope(|scope| {
        for i in 0..threads {
            let (work, done) = (work.clone(), done.clone());
            let (init, process) = (&init, &process);
            let started = thread::Builder::new()
                .name(format!("static-first-{i}"))
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || {
                    let mut state = init();
                    for (seq, batch) in work {
                        let out = batch
                            .into_iter()
                            .filter_map(|found| {
                                let entry = match found.problem {
                                    None => Entry::File { path: &found.path, explicit: found.explicit },
                                    Some(Problem::Missing) => Entry::Missing { path: &found.path },
                                    Some(Problem::Walk(message)) => {
                                        Entry::Error { path: &found.path, message }
                                    }
                                };
                                process(&mut state, entry)
                            })
                            .collect();
                        if done.send((seq, out)).is_err() {
                            return;
                        }
                    }
                });
            match started {
                Ok(_) => {}
                Err(_) if i > 0 => break,
                Err(e) => return Err(e),
            }
        }
        drop((work, done));
        // A walking thread that cannot start drops `batches`: the workers find no work and end.
        thread::Builder::new()
            .name("static-first-walk".into())
            .spawn_scoped(scope, move || discover(roots, options, &batches))?;

        // Batches finish out of order; pass each on once every batch before it has been.
        let mut next = 0;
        let mut waiting = BTreeMap::new();
        for (seq, out) in results {
            waiting.insert(seq, out);
            while let Some(out) = waiting.remove(&next) {
                out.into_iter().for_each(&mut output);
                next += 1;
            }
        }
        Ok(())
    })
}

/// Sends every file under `roots` (and every root that does not exist), in path order, down
/// `batches` as numbered batches.
fn discover(roots: &[PathBuf], options: WalkOptions, batches: &Sender<(usize, Vec<Found>)>) {
    let mut dealer = Dealer { batches, seq: 0, batch: Vec::with_capacity(BATCH) };
    let mut roots: Vec<(&PathBuf, bool)> = roots.iter().map(|r| (r, r.symlink_metadata().is_ok())).collect();
    roots.sort();
    // One walker for each run of existing roots, so that the ignore files above them are read
    // once (a hook can name thousands of files); a missing root is reported in its place.
    for run in roots.chunk_by(|a, b| a.1 == b.1) {
        if !run[0].1 {
            for (root, _) in run {
                let missing =
                    Found { path: (*root).clone(), explicit: true, problem: Some(Problem::Missing) };
                if !dealer.deal(missing) {
                    return;
                }
            }
            continue;
        }
        let mut builder = WalkBuilder::new(run[0].0);
        for (root, _) in &run[1..] {
            builder.add(root);
        }
        let walker = builder
            .follow_links(options.follow)
            .filter_entry(|entry| entry.depth() == 0 || entry.file_name() != "node_modules")
            // Siblings share their parent's path, so comparing whole paths compares their names;
            // asking each entry for its name parses the path again, once per comparison.
            .sort_by_file_path(|a, b| a.as_os_str().as_encoded_bytes().cmp(b.as_os_str().as_encoded_bytes()))
            .build();
        for entry in walker {
            let found = match entry {
                // A root that is a link to a file is still a file named on the command line.
                Ok(e) if e.depth() == 0 && e.path().is_file() => {
                    Found { path: display_path(e.path()), explicit: true, problem: None }
                }
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    Found { path: display_path(e.path()), explicit: false, problem: None }
                }
                Ok(_) => continue,
                Err(err) => Found {
                    path: error_path(&err).unwrap_or_default(),
                    explicit: true,
                    problem: Some(Problem::Walk(err.to_string())),
                },
            };
            if !dealer.deal(found) {
                return;
            }
        }
    }
    dealer.flush();
}

/// Groups what the walk finds into numbered batches.
struct Dealer<'s> {
    batches: &'s Sender<(usize, Vec<Found>)>,
    seq: usize,
    batch: Vec<Found>,
}

impl Dealer<'_> {
    /// Adds a file; false once the workers have stopped listening.
    fn deal(&mut self, found: Found) -> bool {
        self.batch.push(found);
        self.batch.len() < BATCH || self.flush()
    }

    fn flush(&mut self) -> bool {
        if self.batch.is_empty() {
            return true;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.seq += 1;
        self.batches.send((self.seq - 1, batch)).is_ok()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    fn tree(names: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for name in names {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        dir
    }

    fn files(roots: &[PathBuf], threads: usize, process: impl Fn(&Path) + Sync) -> Vec<PathBuf> {
        let mut seen = Vec::new();
        walk(
            roots,
            WalkOptions { threads, follow: false },
            || (),
            |(), entry| match entry {
                Entry::File { path, .. } | Entry::Missing { path } => {
                    process(path);
                    Some(path.to_path_buf())
                }
                Entry::Error { .. } => None,
            },
            |path| seen.push(path),
        )
        .unwrap();
        seen
    }

    #[test]
    fn results_come_in_path_order_whatever_finishes_first() {
        // `-` and `.` sort before `/` as bytes but a directory's files come before its
        // siblings in path order.
        let mut names: Vec<String> =
            ["a.js", "a-b.js", "a/z.js", "a/b/c.js", "b.js", "A.js"].map(String::from).to_vec();
        names.extend((0..200).map(|i| format!("d{}/f{i}.js", i % 7)));
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let dir = tree(&refs);
        let slow = |path: &Path| {
            // Scramble completion: some files take much longer than their neighbours.
            let n = path.as_os_str().len() % 5;
            std::thread::sleep(Duration::from_micros(200 * n as u64 * n as u64));
        };
        let seen = files(&[dir.path().to_path_buf()], 3, slow);
        let mut expected = seen.clone();
        expected.sort();
        assert_eq!(seen, expected);
        assert_eq!(seen.len(), 206);
        assert_eq!(seen.first(), Some(&dir.path().join("A.js")));
        let at = |name: &str| seen.iter().position(|p| p == &dir.path().join(name)).unwrap();
        assert!(at("a/b/c.js") < at("a/z.js") && at("a/z.js") < at("a-b.js") && at("a-b.js") < at("a.js"));

        // Roots given in any order come back in path order too, a missing one in its place
        // (between the walks of the roots before and after it).
        let roots = ["d3", "a", "c-missing", "b.js", "A.js"].map(|name| dir.path().join(name));
        let seen = files(&roots, 3, slow);
        let mut expected = seen.clone();
        expected.sort();
        assert_eq!(seen, expected);
        assert_eq!(seen.len(), 29 + 2 + 1 + 1 + 1);
        assert_eq!(seen[4], dir.path().join("c-missing"), "after A.js, a/b/c.js, a/z.js and b.js");
    }

    #[test]
    fn results_are_passed_on_before_the_walk_ends() {
        let names: Vec<String> = (0..100).map(|i| format!("f{i:03}.js")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let dir = tree(&refs);
        let printed = AtomicBool::new(false);
        let waited = AtomicBool::new(false);
        let mut count = 0;
        walk(
            &[dir.path().to_path_buf()],
            WalkOptions { threads: 2, follow: false },
            || (),
            |(), entry| {
                let Entry::File { path, .. } = entry else { return None };
                if path.ends_with("f099.js") {
                    // The last file waits until the first one has been passed on.
                    let start = Instant::now();
                    while !printed.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(10) {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    waited.store(printed.load(Ordering::SeqCst), Ordering::SeqCst);
                }
                Some(())
            },
            |()| {
                printed.store(true, Ordering::SeqCst);
                count += 1;
            },
        )
        .unwrap();
        assert_eq!(count, 100);
        assert!(waited.load(Ordering::SeqCst), "no result was passed on until every file was done");
    }
}
