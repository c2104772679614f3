//! Regression benchmark of the per-file pipeline (parse, detect, plan, edit, verify) on the
//! fixtures, in process: `cargo bench`. Whole-tool comparisons with peers live in `bench/`.

use std::path::{Path, PathBuf};

use static_first::arena::Arena;
use static_first::config::Config;
use static_first::parse::source_type;
use static_first::pipeline::fix_text;
use static_first::source::Source;

fn main() {
    divan::main();
}

fn fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for group in std::fs::read_dir(root).unwrap() {
        for file in std::fs::read_dir(group.unwrap().path()).unwrap() {
            files.push(file.unwrap().path());
        }
    }
    files.sort();
    files
}

/// Every fixture once per iteration, with one arena reset per file as the workers do.
#[divan::bench]
fn all_fixtures(bencher: divan::Bencher) {
    let inputs: Vec<(String, _)> =
        fixtures().iter().map(|p| (std::fs::read_to_string(p).unwrap(), source_type(p).unwrap())).collect();
    let mut arena = Arena::for_sources_up_to(1 << 20);
    bencher.counter(divan::counter::ItemsCount::new(inputs.len())).bench_local(|| {
        for (text, st) in &inputs {
            let mut findings = Vec::new();
            let fixed = fix_text(
                &mut arena,
                Source::new(text),
                *st,
                &Config::default(),
                false,
                &mut findings,
                &mut Vec::new(),
            )
            .unwrap();
            divan::black_box((fixed, findings));
        }
    });
}
