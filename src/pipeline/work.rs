//! The bound on work, without clocks: each hostile shape at 1x, 2x, 4x and 8x, and the work
//! the pipeline counted ([`crate::budget`]) must grow about as the file does.

use oxc_span::SourceType;

use crate::config::Config;
use crate::detect::NoModules;
use crate::parse::arena::Arena;
use crate::pipeline::fix_text;
use crate::source::Source;

const HEAD: &str = "const express = require('express');\nconst session = require('express-session');\n\
                    const app = express();\n";

/// The shapes of `bench/make-hostile.py`, `n` times.
fn shape(name: &str, n: usize) -> String {
    let pair = "app.use(session({}));\napp.use(express.static('p'));\n";
    match name {
        "nest" => format!("{HEAD}{}{pair}{}", "if (a) {\n".repeat(n), "}\n".repeat(n)),
        "nest-between" => format!(
            "{HEAD}app.use(session({{}}));\n{}x();\n{}app.use(express.static('p'));\n",
            "if (a) {\n".repeat(n),
            "}\n".repeat(n)
        ),
        "elseif" => {
            let branches: Vec<String> =
                (0..n).map(|i| format!("if (x === {i}) {{\n  app.use(express.static('p{i}'));\n}}")).collect();
            format!("{HEAD}app.use(session({{}}));\n{}\n", branches.join(" else "))
        }
        "routers" => (0..n).fold(HEAD.to_string(), |all, i| {
            all + &format!("const r{i} = express.Router();\nr{i}.use(session({{}}));\nr{i}.use(express.static('p{i}'));\n")
        }),
        "registrations" => (0..n).fold(format!("{HEAD}app.use(session({{}}));\n"), |all, i| {
            all + &format!("app.use(express.static('p{i}'));\n")
        }),
        "chain" => format!(
            "{HEAD}app.use(session({{}})){}\n  .use(express.static('p'));\n",
            (0..n).map(|i| format!("\n  .use(express.json({{ limit: {i} }}))")).collect::<String>()
        ),
        // A chain on a value that is no app: every link's callee resolves to nothing.
        "chain-unknown" => format!(
            "{HEAD}app.use(session({{}}));\nfoo{};\napp.use(express.static('p'));\n",
            (0..n).map(|i| format!("\n  .use({i})")).collect::<String>()
        ),
        "array" => format!(
            "{HEAD}app.use(session({{}}));\napp.use([\n{}\n]);\n",
            (0..n).map(|i| format!("  express.static('p{i}')")).collect::<Vec<_>>().join(",\n")
        ),
        _ => unreachable!("no shape {name}"),
    }
}

fn work(text: &str) -> u64 {
    let mut arena = Arena::for_sources_up_to(1 << 20).expect("256 MiB of address space");
    let outcome =
        fix_text(&mut arena, Source::new(text), SourceType::cjs(), &Config::default(), &NoModules, false);
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    outcome.work
}

#[test]
fn work_grows_linearly_with_every_hostile_shape() {
    // The run's workers have a large stack for deep nesting; so does this test.
    let run =
        std::thread::Builder::new().stack_size(crate::walk::WORKER_STACK).spawn(every_shape_grows_linearly);
    run.expect("a test thread").join().expect("every shape grows linearly");
}

fn every_shape_grows_linearly() {
    let shapes =
        ["nest", "nest-between", "elseif", "routers", "registrations", "chain", "chain-unknown", "array"];
    for name in shapes {
        let base = 250;
        let works: Vec<u64> = [1, 2, 4, 8].iter().map(|k| work(&shape(name, base * k))).collect();
        // 8x the file may cost at most 10x the work (n log n would be 9.5x at this size).
        for (k, &w) in [2u64, 4, 8].iter().zip(&works[1..]) {
            let ratio = w as f64 / works[0] as f64;
            assert!(ratio <= *k as f64 * 1.25, "{name}: {k}x the file costs {ratio:.1}x the work: {works:?}");
        }
    }
}

#[test]
fn the_time_budget_ends_a_file_with_an_error_for_that_file() {
    let mut arena = Arena::for_sources_up_to(1 << 20).expect("256 MiB of address space");
    let text = shape("routers", 100);
    let outcome = crate::pipeline::fix_text_within(
        std::time::Duration::ZERO,
        &mut arena,
        Source::new(&text),
        SourceType::cjs(),
        &Config::default(),
        &NoModules,
        false,
    );
    let error = outcome.error.expect("over the budget").to_string();
    assert!(error.starts_with("too complex to analyse: it took more than 0 s of CPU time"), "{error}");
    assert!(outcome.findings.is_empty() && outcome.fixed.is_none());
    // The arena is whole again for the next file.
    assert!(work(&text) > 0);
}

#[test]
fn nesting_too_deep_for_name_resolution_is_an_error_for_that_file() {
    let run = std::thread::Builder::new().stack_size(crate::walk::WORKER_STACK).spawn(|| {
        let mut arena = Arena::for_sources_up_to(1 << 20).expect("256 MiB of address space");
        let text = shape("nest", 16_000);
        let outcome = fix_text(
            &mut arena,
            Source::new(&text),
            SourceType::cjs(),
            &Config::default(),
            &NoModules,
            false,
        );
        let error = outcome.error.expect("too deep").to_string();
        assert!(error.starts_with("too complex to analyse: resolving its names takes"), "{error}");
        assert!(outcome.findings.is_empty() && outcome.fixed.is_none());
        // Detection never ran.
        assert_eq!(outcome.work, 0);
    });
    run.expect("a test thread").join().expect("a deep nest is an error");
}
