//! Regression benchmarks of the per-file pipeline, in process: `cargo bench`. Whole-tool
//! comparisons with peers live in `bench/`.
//!
//! `all_fixtures` runs every fixture (with its `static-first.toml`, if any) through the whole
//! pipeline. The `dense_*` benches take the dense benchmark's app (`bench/dense-app.js`) stage
//! by stage, so a change in the whole can be traced to a stage, and so the floor under the
//! dense benchmark (what parsing alone costs per file) is measured rather than guessed.

use std::path::{Path, PathBuf};

use oxc_semantic::SemanticBuilder;
use static_first::config::Config;
use static_first::detect::analyze;
use static_first::parse::arena::Arena;
use static_first::parse::{parse, source_type};
use static_first::pipeline::fix_text;
use static_first::report::unified_diff;
use static_first::source::Source;

fn main() {
    divan::main();
}

/// Every fixture's source with its configuration.
fn fixtures() -> Vec<(String, oxc_span::SourceType, Config)> {
    let mut files: Vec<PathBuf> = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for group in std::fs::read_dir(root).unwrap() {
        for file in std::fs::read_dir(group.unwrap().path()).unwrap() {
            files.push(file.unwrap().path());
        }
    }
    files.sort();
    files
        .iter()
        .filter_map(|p| {
            let st = source_type(p)?;
            let config = p.with_extension("toml");
            let config = match std::fs::read_to_string(&config) {
                Ok(text) => Config::parse(&config, &text).unwrap(),
                Err(_) => Config::default(),
            };
            Some((std::fs::read_to_string(p).unwrap(), st, config))
        })
        .collect()
}

/// Every fixture once per iteration, with one arena reset per file as the workers do.
#[divan::bench]
fn all_fixtures(bencher: divan::Bencher) {
    let inputs = fixtures();
    let mut arena = Arena::for_sources_up_to(1 << 20).expect("256 MiB of address space");
    bencher.counter(divan::counter::ItemsCount::new(inputs.len())).bench_local(|| {
        for (text, st, config) in &inputs {
            let outcome =
                fix_text(&mut arena, Source::new(text), *st, config, &static_first::detect::NoModules, false);
            assert!(outcome.error.is_none());
            divan::black_box(outcome);
        }
    });
}

fn dense_app() -> String {
    include_str!("../bench/dense-app.js").replace("NNNN", "7893")
}

fn dense_source_type() -> oxc_span::SourceType {
    source_type(Path::new("app.js")).unwrap()
}

/// oxc's parser alone: the least any tool that reads the syntax pays per file.
#[divan::bench]
fn dense_parse(bencher: divan::Bencher) {
    let text = dense_app();
    let mut arena = Arena::for_sources_up_to(1 << 20).expect("256 MiB of address space");
    bencher.bench_local(|| {
        arena.run(|allocator| divan::black_box(parse(allocator, &text, dense_source_type()).is_ok())).unwrap()
    });
}

/// Parsing and oxc's scopes and symbols (what detection resolves names with).
#[divan::bench]
fn dense_parse_semantic(bencher: divan::Bencher) {
    let text = dense_app();
    let mut arena = Arena::for_sources_up_to(1 << 20).expect("256 MiB of address space");
    bencher.bench_local(|| {
        arena
            .run(|allocator| {
                let program = parse(allocator, &text, dense_source_type()).unwrap();
                let semantic = SemanticBuilder::new().with_build_nodes(true).build(&program).semantic;
                divan::black_box(semantic.scoping().symbols_len())
            })
            .unwrap()
    });
}

/// Parsing and detection (semantic included).
#[divan::bench]
fn dense_parse_detect(bencher: divan::Bencher) {
    let text = dense_app();
    let mut arena = Arena::for_sources_up_to(1 << 20).expect("256 MiB of address space");
    let config = Config::default();
    bencher.bench_local(|| {
        arena
            .run(|allocator| {
                let program = parse(allocator, &text, dense_source_type()).unwrap();
                divan::black_box(analyze(&program, &config, &static_first::detect::NoModules).blocks.len())
            })
            .unwrap()
    });
}

/// The whole per-file pipeline: detect, plan, edit, re-parse and verify.
#[divan::bench]
fn dense_fix(bencher: divan::Bencher) {
    let text = dense_app();
    let mut arena = Arena::for_sources_up_to(1 << 20).expect("256 MiB of address space");
    let config = Config::default();
    bencher.bench_local(|| {
        let outcome = fix_text(
            &mut arena,
            Source::new(&text),
            dense_source_type(),
            &config,
            &static_first::detect::NoModules,
            false,
        );
        assert!(outcome.error.is_none());
        divan::black_box(outcome)
    });
}

/// The unified diff of the fix.
#[divan::bench]
fn dense_diff(bencher: divan::Bencher) {
    let text = dense_app();
    let mut arena = Arena::for_sources_up_to(1 << 20).expect("256 MiB of address space");
    let fixed = fix_text(
        &mut arena,
        Source::new(&text),
        dense_source_type(),
        &Config::default(),
        &static_first::detect::NoModules,
        false,
    )
    .fixed
    .expect("the dense app has a fix");
    bencher.bench_local(|| divan::black_box(unified_diff(Path::new("app.js"), &text, &fixed)));
}
