//! Fuzzes the whole per-file pipeline. The first byte picks the mode: even, the rest of the
//! input drives the Express setup generator and every fix is checked against its oracle; odd,
//! the rest is taken as source text, which must never panic or fail the pipeline's own checks,
//! and whose fix (if any) must be final. A file whose parse fills the arena is an answer
//! (`TooComplex`), not a crash.
//!
//! TypeScript runs in a forked child first, as the binary's probe runs it in a child process:
//! when oxc's parser backtracks exponentially, growing an arena `Vec` past the end aborts the
//! process, and that is the probe's to catch, not a bug to report.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxc_span::SourceType;
use static_first::error::FileError;

#[path = "../../tests/generate/mod.rs"]
mod generate;

/// The forked child's exit code for a panic: the parent then runs the input itself, so the
/// fuzzer sees the panic as the crash it is.
const CHILD_PANICKED: i32 = 4;

/// Whether the pipeline runs to an answer on `text` without the process aborting.
fn survives_in_a_child(text: &str, source_type: SourceType) -> bool {
    // SAFETY: libFuzzer runs inputs on one thread; the child only runs the pipeline and exits
    // without unwinding into the parent's state.
    match unsafe { libc::fork() } {
        0 => {
            // An abort must end the child by its signal, not through libFuzzer's crash report.
            unsafe { libc::signal(libc::SIGABRT, libc::SIG_DFL) };
            std::panic::set_hook(Box::new(|_| unsafe { libc::_exit(CHILD_PANICKED) }));
            let _ = generate::run(text, source_type);
            unsafe { libc::_exit(0) }
        }
        child if child > 0 => {
            let mut status = 0;
            // SAFETY: `child` is our child; `status` outlives the call.
            unsafe { libc::waitpid(child, &mut status, 0) };
            libc::WIFEXITED(status) && matches!(libc::WEXITSTATUS(status), 0 | CHILD_PANICKED)
        }
        _ => panic!("fork failed: {}", std::io::Error::last_os_error()),
    }
}

fuzz_target!(
    init: {
        // libfuzzer-sys aborts on every panic, even a caught one; the arena's is caught and
        // becomes `FileError::TooComplex`.
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !static_first::parse::arena::is_arena_full(info.payload()) {
                abort(info);
            }
        }));
    },
    |data: &[u8]| {
        let Some((&mode, rest)) = data.split_first() else { return };
        if mode % 2 == 0 {
            generate::check(&generate::generate(rest));
            return;
        }
        let Ok(text) = std::str::from_utf8(rest) else { return };
        let source_type = if mode & 2 == 0 { SourceType::cjs() } else { SourceType::tsx() };
        // oxc's blow-ups need long chains of `<` (the three known have 40 or more); forking for
        // every TypeScript input would cost the fuzzer 10x its speed.
        let angles = text.bytes().filter(|&b| b == b'<').count();
        if source_type.is_typescript() && angles >= 16 && !survives_in_a_child(text, source_type) {
            return;
        }
        match generate::run(text, source_type) {
            Ok((Some(fixed), _)) => match generate::run(&fixed, source_type) {
                Ok((None, 0)) => {}
                other => panic!("a second run changed more: {other:?}"),
            },
            Ok((None, _)) | Err(FileError::Syntax { .. } | FileError::TooComplex { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
);
