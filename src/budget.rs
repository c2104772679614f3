//! The per-file work budget: detection and planning count the work they do (nodes visited,
//! statements classified, crossings judged) and a file whose analysis runs past its time limit
//! ends with an error for that file instead of stalling the run. The count is also what tests
//! use to show that the work grows linearly with the file, without timing anything.
//!
//! The counter is per thread (one file at a time runs on a thread), so that the code that does
//! the work needs no handle to it. The limit is on the CPU time of that thread, not on the
//! clock: a busy machine (a CI runner shared with other jobs, other workers of the same run)
//! slows every file down, and must not turn a file into a "too complex" error. Running out of time unwinds with an [`OverBudget`] payload,
//! caught by [`measure`] alone, as oxc's full arena unwinds to [`crate::parse::arena`].

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::time::Duration;

/// How much CPU time detection and planning may take on one file, all passes together.
pub const TIME_LIMIT: Duration = Duration::from_secs(10);

/// The clock is read once per this many units of work.
const CHECK_EVERY: u64 = 1 << 12;

/// The panic payload of a file that ran out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverBudget {
    pub limit: Duration,
}

struct State {
    work: Cell<u64>,
    next_check: Cell<u64>,
    /// The thread's CPU time at which the enclosing [`measure`] ends the work, and its limit
    /// (none: a limit too large for the clock).
    deadline: Cell<Option<(Duration, Duration)>>,
}

thread_local! {
    static STATE: State =
        const { State { work: Cell::new(0), next_check: Cell::new(CHECK_EVERY), deadline: Cell::new(None) } };
}

/// Counts `units` of work; past the deadline of the enclosing [`measure`], unwinds.
#[inline]
pub fn tick(units: u64) {
    STATE.with(|state| {
        let work = state.work.get().saturating_add(units);
        state.work.set(work);
        if work >= state.next_check.get() {
            state.next_check.set(work.saturating_add(CHECK_EVERY));
            if let Some((deadline, limit)) = state.deadline.get()
                && thread_cpu_time() >= deadline
            {
                panic::panic_any(OverBudget { limit });
            }
        }
    });
}

/// Runs `f` with `limit` to spend: its value and the work it counted, or `OverBudget` with the
/// work counted until then. Any other panic goes on unwinding. Not reentrant.
pub fn measure<T>(limit: Duration, f: impl FnOnce() -> T) -> (Result<T, OverBudget>, u64) {
    let start = thread_cpu_time();
    STATE.with(|state| {
        state.work.set(0);
        state.next_check.set(CHECK_EVERY);
        state.deadline.set(start.checked_add(limit).map(|deadline| (deadline, limit)));
    });
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let work = STATE.with(|state| {
        state.deadline.set(None);
        state.work.replace(0)
    });
    match result {
        Ok(value) => (Ok(value), work),
        Err(payload) => match payload.downcast_ref::<OverBudget>() {
            Some(&over) => (Err(over), work),
            None => panic::resume_unwind(payload),
        },
    }
}

/// The CPU time the calling thread has used so far.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable `timespec` for the duration of the call, and
    // `CLOCK_THREAD_CPUTIME_ID` is a clock every supported platform (Linux, macOS) has.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "the thread's CPU clock cannot be read");
    Duration::new(u64::try_from(now.tv_sec).unwrap_or(0), u32::try_from(now.tv_nsec).unwrap_or(0))
}

/// Whether a panic payload is a file running out of time (for panic hooks that must stay quiet).
pub fn is_over_budget(payload: &(dyn std::any::Any + Send)) -> bool {
    payload.is::<OverBudget>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_is_counted_and_reset() {
        let (value, work) = measure(TIME_LIMIT, || {
            tick(3);
            tick(4);
            7
        });
        assert_eq!((value, work), (Ok(7), 7));
        assert_eq!(measure(TIME_LIMIT, || ()).1, 0);
    }

    #[test]
    fn a_spent_budget_ends_the_work_at_the_next_check() {
        let limit = Duration::ZERO;
        let (result, work) = measure(limit, || {
            for _ in 0..10 * CHECK_EVERY {
                tick(1);
            }
        });
        assert_eq!(result, Err(OverBudget { limit }));
        assert_eq!(work, CHECK_EVERY);
        // Outside `measure` there is no deadline.
        tick(2 * CHECK_EVERY);
    }

    #[test]
    fn the_limit_is_on_the_threads_cpu_time_not_on_the_clock() {
        // A thread that waits (as a worker of a busy machine does) spends no CPU time: a
        // clock-based budget of 50 ms would end it at its next check.
        let limit = Duration::from_millis(50);
        let (result, _) = measure(limit, || {
            std::thread::sleep(Duration::from_millis(200));
            tick(2 * CHECK_EVERY);
        });
        assert_eq!(result, Ok(()));
        // And CPU time spent does count.
        let (result, _) = measure(limit, || {
            let start = thread_cpu_time();
            while thread_cpu_time() < start + 2 * limit {
                std::hint::black_box(0);
            }
            tick(2 * CHECK_EVERY);
        });
        assert_eq!(result, Err(OverBudget { limit }));
    }

    #[test]
    fn other_panics_go_on_unwinding() {
        let caught = panic::catch_unwind(|| measure(TIME_LIMIT, || panic!("a bug")));
        assert!(caught.is_err());
    }
}
