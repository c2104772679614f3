//! Progress on stderr for long runs: a spinner with the count of files checked, shown only on
//! a terminal and only once a run has taken a while (a second; the tests set it).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    state: Option<Arc<State>>,
    drawer: Option<thread::JoinHandle<()>>,
}

struct State {
    files: AtomicUsize,
    done: AtomicBool,
    /// The spinner, once it shows.
    bar: OnceLock<ProgressBar>,
}

impl Progress {
    /// Starts counting; draws nothing unless `enabled` and the run lasts past `delay`. Once
    /// the delay is over the spinner is drawn at least once, however soon the run ends.
    pub fn start(enabled: bool, delay: Duration) -> Progress {
        if !enabled {
            return Progress { state: None, drawer: None };
        }
        let state = Arc::new(State {
            files: AtomicUsize::new(0),
            done: AtomicBool::new(false),
            bar: OnceLock::new(),
        });
        let shared = Arc::clone(&state);
        let started = Instant::now();
        let drawer = thread::spawn(move || {
            let mut waited = Duration::ZERO;
            while waited < delay {
                if shared.done.load(Ordering::Relaxed) {
                    return;
                }
                thread::sleep(Duration::from_millis(50));
                waited += Duration::from_millis(50);
            }
            // The rate since the run began: the spinner itself only starts after the delay.
            let update = |bar: &ProgressBar| {
                let files = shared.files.load(Ordering::Relaxed);
                bar.set_message(format!("{:.0}", files as f64 / started.elapsed().as_secs_f64()));
                bar.set_position(files as u64);
            };
            let bar = ProgressBar::hidden().with_style(
                ProgressStyle::with_template("{spinner} {pos} files checked ({msg} per second)")
                    .expect("a valid template"),
            );
            update(&bar);
            bar.set_draw_target(ProgressDrawTarget::stderr());
            let bar = shared.bar.get_or_init(|| bar);
            loop {
                update(bar);
                bar.tick();
                if shared.done.load(Ordering::Relaxed) {
                    break;
                }
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

    /// Runs `print` with the spinner out of the way, so that output printed during the run does
    /// not run into it. `print` is told whether a spinner is showing (and output must be
    /// flushed before it comes back).
    pub fn suspend<R>(&self, print: impl FnOnce(bool) -> R) -> R {
        match self.state.as_ref().and_then(|state| state.bar.get()) {
            Some(bar) => bar.suspend(|| print(true)),
            None => print(false),
        }
    }

    /// Stops and clears the spinner before the summary is printed.
    pub fn finish(self) {
        if let (Some(state), Some(drawer)) = (self.state, self.drawer) {
            state.done.store(true, Ordering::Relaxed);
            let _ = drawer.join();
        }
    }
}
