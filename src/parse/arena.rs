//! A bounded oxc arena per worker: oxc's parser can backtrack exponentially on a few hundred
//! bytes of TypeScript (`fuzz/upstream/`), so the arena is one fixed-size chunk that cannot grow
//! and running out of it becomes an error for that file instead of exhausting the machine.

use std::alloc::{GlobalAlloc, Layout, System};
use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;

use oxc_allocator::Allocator;

/// The message oxc's arena panics with when a fixed-size chunk is full.
const ARENA_FULL: &str = "out of memory";

/// What a file may use at most, as a multiple of the size limit: one parse of real code takes
/// up to about 45x (measured over the benchmark corpus) and a fix re-parses up to 4 times.
const PER_SOURCE_BYTE: usize = 256;

/// The largest `--max-filesize`: a worker's arena for it is 4 GiB of reserved address space.
pub const MAX_FILESIZE: u64 = 16 << 20;

/// The arena never gets smaller than this: small files with deep nesting still parse.
const MIN_CAPACITY: usize = 64 << 20;

/// The file needed more parser memory than its arena has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exhausted {
    pub capacity: usize,
}

impl std::fmt::Display for Exhausted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "it needed more than {} MiB", self.capacity >> 20)
    }
}

/// A worker's parser memory could not be reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unavailable {
    /// The bytes asked for (`None`: more than the address space holds).
    pub wanted: Option<usize>,
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.wanted {
            Some(bytes) => write!(f, "cannot reserve {} MiB of parser memory", bytes >> 20),
            None => write!(f, "the parser memory for that --max-filesize is larger than the address space"),
        }
    }
}

/// An oxc `Allocator` over one fixed chunk of reserved (lazily committed) memory.
pub struct Arena {
    allocator: ManuallyDrop<Allocator>,
    backing: NonNull<u8>,
    layout: Layout,
}

// SAFETY: the arena owns its chunk and hands out no pointer into it that outlives a `run`;
// `Allocator` itself is `Send`.
unsafe impl Send for Arena {}

impl Arena {
    /// An arena for files of up to `max_source` bytes.
    pub fn for_sources_up_to(max_source: u64) -> Result<Arena, Unavailable> {
        Arena::with_capacity(Arena::capacity_for(max_source).ok_or(Unavailable { wanted: None })?)
    }

    /// The capacity of an arena for files of up to `max_source` bytes; `None` when it does not
    /// fit in `usize`.
    pub fn capacity_for(max_source: u64) -> Option<usize> {
        let wanted = usize::try_from(max_source).ok()?.checked_mul(PER_SOURCE_BYTE)?;
        Some(wanted.max(MIN_CAPACITY))
    }

    /// An arena of `capacity` bytes (rounded up to oxc's minimum size and alignment), or why
    /// the memory could not be had: never an abort.
    pub fn with_capacity(capacity: usize) -> Result<Arena, Unavailable> {
        let align = Allocator::RAW_MIN_ALIGN;
        let size = capacity.max(Allocator::RAW_MIN_SIZE).checked_next_multiple_of(align);
        let layout = size
            .and_then(|size| Layout::from_size_align(size, align).ok())
            .ok_or(Unavailable { wanted: None })?;
        // SAFETY: `layout` has a non-zero size (at least `RAW_MIN_SIZE`). The system allocator
        // maps chunks this large lazily, so untouched capacity costs address space, not memory.
        let backing = NonNull::new(unsafe { System.alloc(layout) })
            .ok_or(Unavailable { wanted: Some(layout.size()) })?;
        // SAFETY: the region is the whole allocation, aligned to `RAW_MIN_ALIGN` and at least
        // `RAW_MIN_SIZE` long as `from_raw_parts` requires; `Drop` below frees it with the
        // allocator and layout that made it, and the `Allocator` is never dropped itself.
        let allocator = unsafe { Allocator::from_raw_parts(backing, layout.size(), backing, layout) };
        Ok(Arena { allocator: ManuallyDrop::new(allocator), backing, layout })
    }

    pub fn capacity(&self) -> usize {
        self.layout.size()
    }

    /// Runs `f` on the emptied arena. A full arena ends `f` early with `Exhausted`; any other
    /// panic goes on unwinding.
    pub fn run<T>(&mut self, f: impl FnOnce(&mut Allocator) -> T) -> Result<T, Exhausted> {
        self.allocator.reset();
        let result = panic::catch_unwind(AssertUnwindSafe(|| f(&mut self.allocator)));
        self.allocator.reset();
        match result {
            Ok(value) => Ok(value),
            Err(payload) if is_arena_full(payload.as_ref()) => Err(Exhausted { capacity: self.capacity() }),
            Err(payload) => panic::resume_unwind(payload),
        }
    }
}

/// Whether a panic payload is oxc's arena reporting a full chunk (std's own allocation
/// failures abort rather than panic, so this message can only come from the arena).
pub fn is_arena_full(payload: &(dyn std::any::Any + Send)) -> bool {
    payload.downcast_ref::<&str>().is_some_and(|s| *s == ARENA_FULL)
}

impl Drop for Arena {
    fn drop(&mut self) {
        // SAFETY: `backing` was allocated by `System` with `layout`; the allocator using it is
        // never touched again.
        unsafe { System.dealloc(self.backing.as_ptr(), self.layout) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_arena_is_an_error_and_the_arena_stays_usable() {
        // Node allocations end in a caught panic. (Growing an arena `Vec` past the end aborts
        // the process instead: that is why TypeScript, where oxc's blow-ups are, is probed in
        // a child process first.)
        let mut arena = Arena::with_capacity(1 << 20).unwrap();
        let full = arena.run(|allocator| {
            for _ in 0..(1 << 20) {
                allocator.alloc([0u64; 16]);
            }
        });
        assert_eq!(full, Err(Exhausted { capacity: 1 << 20 }));
        let fits = arena.run(|allocator| allocator.alloc_slice_copy(&[7u64; 1000]).len());
        assert_eq!(fits, Ok(1000));
    }

    #[test]
    fn an_arena_exactly_full_still_gives_what_fits_and_one_byte_more_is_an_error() {
        let mut arena = Arena::with_capacity(1 << 20).unwrap();
        // What one chunk holds: one-byte allocations until it is full; the same count fits
        // again after a reset, and one more does not.
        let fits = std::cell::Cell::new(0usize);
        let full = arena.run(|allocator| {
            loop {
                allocator.alloc(0u8);
                fits.set(fits.get() + 1);
            }
        });
        assert_eq!(full, Err(Exhausted { capacity: 1 << 20 }));
        let fits = fits.get();
        assert!(fits > (1 << 20) - 4096 && fits <= 1 << 20, "{fits}");
        let again = arena.run(|allocator| {
            for _ in 0..fits {
                allocator.alloc(0u8);
            }
        });
        assert_eq!(again, Ok(()));
        let over = arena.run(|allocator| {
            for _ in 0..=fits {
                allocator.alloc(0u8);
            }
        });
        assert_eq!(over, Err(Exhausted { capacity: 1 << 20 }));
    }

    #[test]
    fn sizes_past_the_address_space_are_errors_not_aborts() {
        // The largest --max-filesize gets its arena's size; every size computes without overflow.
        assert_eq!(Arena::capacity_for(MAX_FILESIZE), Some(4 << 30));
        assert_eq!(Arena::capacity_for(0), Some(MIN_CAPACITY));
        assert_eq!(Arena::capacity_for(u64::MAX), None);
        assert_eq!(Arena::capacity_for((usize::MAX / PER_SOURCE_BYTE) as u64 + 1), None);
        assert_eq!(Arena::for_sources_up_to(u64::MAX).err(), Some(Unavailable { wanted: None }));
        // Rounding up to the alignment overflows; a size over `isize::MAX` is no layout.
        assert_eq!(Arena::with_capacity(usize::MAX).err(), Some(Unavailable { wanted: None }));
        assert_eq!(Arena::with_capacity(isize::MAX as usize).err(), Some(Unavailable { wanted: None }));
        // A layout the system cannot map is an error with its size, not `handle_alloc_error`:
        // the CLI test `parser_memory_that_cannot_be_reserved_is_an_error_for_the_file` runs
        // the tool under a memory limit.
    }

    #[test]
    fn other_panics_go_on_unwinding() {
        let mut arena = Arena::with_capacity(1 << 20).unwrap();
        let caught = panic::catch_unwind(AssertUnwindSafe(|| arena.run(|_| panic!("a bug"))));
        assert!(caught.is_err());
        assert_eq!(arena.run(|_| 7), Ok(7));
    }
}
