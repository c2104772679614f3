//! The per-file work budget: detection and planning count the work they do (nodes visited,
//! statements classified, crossings judged) and a file whose analysis runs past its time limit
//! ends with an error for that file instead of stalling the run. The count is also what tests
//! use to show that the work grows linearly with the file, without timing anything.
//!
//! The counter is per thread (one file at a time runs on a thread), so that the code that does
//! the work needs no handle to it. Running out of time unwinds with an [`OverBudget`] payload,
//! caught by [`measure`] alone, as oxc's full arena unwinds to [`crate::parse::arena`].

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// How long detection and planning may take on one file, all passes together.
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
    /// When the enclosing [`measure`] ends the work, and its limit (none: a limit too large
    /// for the clock).
    deadline: Cell<Option<(Instant, Duration)>>,
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
                && Instant::now() >= deadline
            {
                panic::panic_any(OverBudget { limit });
            }
        }
    });
}

/// Runs `f` with `limit` to spend: its value and the work it counted, or `OverBudget` with the
/// work counted until then. Any other panic goes on unwinding. Not reentrant.
pub fn measure<T>(limit: Duration, f: impl FnOnce() -> T) -> (Result<T, OverBudget>, u64) {
    let start = Instant::now();
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
    fn other_panics_go_on_unwinding() {
        let caught = panic::catch_unwind(|| measure(TIME_LIMIT, || panic!("a bug")));
        assert!(caught.is_err());
    }
}
