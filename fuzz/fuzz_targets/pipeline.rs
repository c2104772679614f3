//! Fuzzes the whole per-file pipeline. The first byte picks the mode: even, the rest of the
//! input drives the Express setup generator and every fix is checked against its oracle; odd,
//! the rest is taken as source text, which must never panic or fail the pipeline's own checks,
//! and whose fix (if any) must be final; odd with bit 3 set, the source text is first grown
//! into a hostile shape (deep nesting, long `else if` chains, many routers, long chains, long
//! lines: [`hostile`]). A file whose parse fills the arena is an answer (`TooComplex`), not a
//! crash. Run with `-timeout=1`: an input that takes longer is a failure.
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

/// Grows `text` into one of the shapes that once cost more than linear time: the first byte
/// picks the shape and how many times it repeats (up to 2,000), the rest is the code it
/// repeats around a session and a static registration.
fn hostile(text: &str) -> Option<String> {
    let (&pick, body) = text.as_bytes().split_first()?;
    let body = std::str::from_utf8(body).ok()?;
    // Up to 2,000 times, and about 64 KiB.
    let n = (1 + usize::from(pick >> 3) * 64).min(64 * 1024 / (body.len() + 32));
    let head = "const express = require('express');\nconst session = require('express-session');\n\
                const app = express();\n";
    let pair = format!("app.use(session({{}}));\n{body}\napp.use(express.static('p'));\n");
    Some(match pick % 8 {
        0 => format!("{head}{}{pair}{}", "if (a) {\n".repeat(n), "}\n".repeat(n)),
        1 => {
            let branches: Vec<String> = (0..n).map(|i| format!("if (x === {i}) {{ {body} }}")).collect();
            format!("{head}{pair}{}\n", branches.join(" else "))
        }
        2 => (0..n).fold(head.to_string(), |all, i| {
            all + &format!("const r{i} = express.Router();\nr{i}.use(session({{}}));\n{body}\nr{i}.use(express.static('p'));\n")
        }),
        3 => format!("{head}app.use(session({{}})){}.use(express.static('p'));\n", ".use(f())".repeat(n)),
        4 => format!("{head}{pair}{}", "app.use(express.static('q'));\n".repeat(n)),
        5 => format!("{head}{}{pair}", format!("{body} ").repeat(n).replace('\n', " ")),
        6 => format!("{head}app.use(session({{}}));\napp.use([{}]);\n", "express.static('p'), ".repeat(n)),
        _ => format!("{head}{}{pair}{}", "x.y(() => {\n".repeat(n), "});\n".repeat(n)),
    })
}

/// The forked child's exit code for a panic: the parent then runs the input itself, so the
/// fuzzer sees the panic as the crash it is.
const CHILD_PANICKED: i32 = 4;

/// Whether the pipeline runs to an answer on `text` without the process aborting.
fn survives_in_a_child(text: &str, source_type: SourceType) -> bool {
    // SAFETY: one input runs at a time (on its own thread, while libFuzzer's waits for it); the
    // child only runs the pipeline and exits without unwinding into the parent's state.
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
        // The knowledge table is parsed on first use, which under AddressSanitizer takes about
        // a second: done here, it is not charged to the first input's one-second budget.
        std::sync::LazyLock::force(&static_first::knowledge::TABLE);
        // libfuzzer-sys aborts on every panic, even a caught one; the arena's is caught and
        // becomes `FileError::TooComplex`.
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            if !static_first::parse::arena::is_arena_full(payload)
                && !static_first::budget::is_over_budget(payload)
            {
                abort(info);
            }
        }));
    },
    |data: &[u8]| {
        // On a thread with a worker's stack, as the binary runs every file: deep nesting that
        // a worker parses overflows libFuzzer's main thread, under AddressSanitizer's larger
        // frames sooner still, and that overflow would be the harness's, not the tool's.
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, || one_input(data))
                .expect("a thread with a worker's stack starts")
                .join()
                .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
        })
    }
);

/// The stack of the binary's workers (`walk::WORKER_STACK`, which the library keeps private).
const WORKER_STACK: usize = 1 << 30;

fn one_input(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode % 2 == 0 {
        generate::check(&generate::generate(rest));
        return;
    }
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let grown;
    let text = if mode & 8 == 0 {
        text
    } else {
        let Some(shape) = hostile(text) else { return };
        grown = shape;
        grown.as_str()
    };
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
        // Nesting too deep for name resolution is refused, as a file too complex to parse is.
        Ok((None, _))
        | Err(FileError::Syntax { .. } | FileError::TooComplex { .. } | FileError::TooDeep(_)) => {}
        Err(FileError::TooComplexToAnalyze(limit)) => panic!("over the time budget ({limit:?})"),
        Err(e) => panic!("{e}"),
    }
}
