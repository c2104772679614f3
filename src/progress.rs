//! Progress on stderr for long runs: a spinner with the count of files checked, shown only on
//! a terminal and only once a run has taken a second.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before progress appears.
const DELAY: Duration = Duration::from_secs(1);

pub struct Progress {
    state: Option<Arc<State>>,
    drawer: Option<thread::JoinHandle<()>>,
}

struct State {
    files: AtomicUsize,
    done: AtomicBool,
}

impl Progress {
    /// Starts counting; draws nothing unless `enabled` and the run lasts past the delay.
    pub fn start(enabled: bool) -> Progress {
        if !enabled {
            return Progress { state: None, drawer: None };
        }
        let state = Arc::new(State { files: AtomicUsize::new(0), done: AtomicBool::new(false) });
        let shared = Arc::clone(&state);
        let drawer = thread::spawn(move || {
            let mut waited = Duration::ZERO;
            while waited < DELAY {
                if shared.done.load(Ordering::Relaxed) {
                    return;
                }
                thread::sleep(Duration::from_millis(50));
                waited += Duration::from_millis(50);
            }
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {pos} files checked ({per_sec})")
                    .expect("a valid template"),
            );
            while !shared.done.load(Ordering::Relaxed) {
                bar.set_position(shared.files.load(Ordering::Relaxed) as u64);
                bar.tick();
                thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        Progress { state: Some(state), drawer: Some(drawer) }
    }

    pub fn tick(&self) {
        if let Some(state) = &self.state {
            state.files.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Stops and clears the spinner before the report is printed.
    pub fn finish(self) {
        if let (Some(state), Some(drawer)) = (self.state, self.drawer) {
            state.done.store(true, Ordering::Relaxed);
            let _ = drawer.join();
        }
    }
}
