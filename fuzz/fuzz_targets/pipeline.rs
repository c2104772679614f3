//! Fuzzes the whole per-file pipeline. The first byte picks the mode: even, the rest of the
//! input drives the Express setup generator and every fix is checked against its oracle; odd,
//! the rest is taken as source text, which must never panic or fail the pipeline's own checks,
//! and whose fix (if any) must be final. A file whose parse fills the arena is an answer
//! (`TooComplex`), not a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxc_span::SourceType;
use static_first::error::FileError;

#[path = "../../tests/generate/mod.rs"]
mod generate;

fuzz_target!(
    init: {
        // libfuzzer-sys aborts on every panic, even a caught one; the arena's is caught and
        // becomes `FileError::TooComplex`.
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !static_first::arena::is_arena_full(info.payload()) {
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
