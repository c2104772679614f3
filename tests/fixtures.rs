//! Fixture tests: every file under `tests/fixtures/<group>/` is run through the binary and its
//! input, plan (`--explain`) and diff are snapshotted in the top-level `snapshots/`.
//!
//! Each fixture's first line states what must happen, so a wrong snapshot cannot hide:
//! `// expect: fix`, `// expect: partial` (some statics move, the rest are left for review),
//! `// expect: review` or `// expect: no finding`, judged from the JSON
//! report (never from the human text). A fixture `x.js` with an `x.toml` beside it runs with
//! that file as its `static-first.toml`; the files under an `x.modules/` folder beside it are
//! its local modules, copied next to it. Fixtures run in parallel, and every failing fixture
//! is reported at once.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use crate::support::{Project, stdout};

/// Shows carriage returns and a BOM, which a snapshot would otherwise hide.
fn visible(text: &str) -> String {
    text.replace('\u{feff}', "<BOM>").replace('\r', "<CR>")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn fixtures() {
    let fixtures = fixture_files(&root());
    assert!(fixtures.len() > 100, "the fixtures were not found");
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(path) = fixtures.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| fixture(path))) {
                        let message = payload
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default();
                        failures.lock().unwrap().push(format!("{}: {message}", path.display()));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n\n")
    );
}

/// What the JSON report says of one run: its exit code, each finding's status, any error.
struct Verdict {
    exit: Option<i32>,
    statuses: Vec<String>,
    errors: Vec<String>,
}

fn verdict(project: &Project, name: &str) -> Verdict {
    let out = project.run(&["--format=json", name]);
    let document: Value = serde_json::from_str(&stdout(&out)).expect("the JSON report parses");
    let files = document["files"].as_array().cloned().unwrap_or_default();
    let statuses = files
        .iter()
        .flat_map(|f| f["findings"].as_array().cloned().unwrap_or_default())
        .map(|f| f["status"].as_str().unwrap_or("?").to_string())
        .collect();
    let errors = files.iter().filter(|f| !f["error"].is_null()).map(|f| f["error"].to_string()).collect();
    Verdict { exit: out.status.code(), statuses, errors }
}

fn fixture(path: &Path) {
    let relative = path.strip_prefix(root()).unwrap().to_string_lossy().replace('\\', "/");
    let input = fs::read_to_string(path).unwrap();
    let config = fs::read_to_string(path.with_extension("toml")).ok();
    let expect = input
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("// expect: "))
        .unwrap_or_else(|| panic!("it must start with `// expect: ...`"))
        .trim()
        .to_string();
    let name = path.file_name().unwrap().to_str().unwrap();
    let project = Project::new(&[]);
    fs::write(project.file(name), &input).unwrap();
    if let Some(config) = &config {
        fs::write(project.file("static-first.toml"), config).unwrap();
    }
    let modules = local_modules(&path.with_extension("modules"));
    for (relative, text) in &modules {
        let target = project.file(relative);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, text).unwrap();
    }

    let before = verdict(&project, name);
    let (exit, statuses, errors) = (before.exit, &before.statuses, &before.errors);
    let fixable = statuses.iter().any(|s| s == "fixable");
    let all_review = !statuses.is_empty() && statuses.iter().all(|s| s == "review");
    let met = match expect.as_str() {
        "fix" => fixable && exit == Some(1),
        "partial" => fixable && statuses.iter().any(|s| s == "review") && exit == Some(1),
        "review" => all_review && exit == Some(1),
        // A suppressed finding is no finding to act on.
        "no finding" => statuses.iter().all(|s| s == "suppressed") && exit == Some(0),
        other => panic!("unknown expectation `{other}`"),
    };
    assert!(
        met && errors.is_empty(),
        "expected {expect}: exit {exit:?}, findings {statuses:?}, errors {errors:?}"
    );
    assert_eq!(project.read(name), input, "a dry run must not write");

    let dry = project.run(&["--explain", name]);

    // Writing the fix, then running again, changes nothing more.
    let write = project.run(&["--write", name]);
    assert_ne!(write.status.code(), Some(2), "--write failed: {}", crate::support::stderr(&write));
    let fixed = project.read(name);
    let again = verdict(&project, name);
    assert!(
        !again.statuses.iter().any(|s| s == "fixable") && again.errors.is_empty(),
        "not idempotent: {:?} {:?}",
        again.statuses,
        again.errors
    );
    if expect == "fix" {
        assert_eq!(again.exit, Some(0), "the fix left findings: {:?}", again.statuses);
    } else if expect == "partial" {
        assert_ne!(fixed, input, "a partial fix changed nothing");
        // What stays is refused as a whole, as any finding without a safe move is.
        assert!(
            again.exit == Some(1)
                && again.statuses.iter().all(|s| s == "review")
                && !again.statuses.is_empty(),
            "after a partial fix, the statics left are for review: {:?}",
            again.statuses
        );
    } else {
        assert_eq!(fixed, input, "a file without a fix was changed");
    }

    let mut config = config.map(|c| format!("## static-first.toml\n\n{c}\n")).unwrap_or_default();
    for (relative, text) in &modules {
        config.push_str(&format!("## local module {relative}\n\n{text}\n"));
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(path);
    settings.set_snapshot_suffix(relative.replace('/', "__"));
    settings.bind(|| {
        insta::assert_snapshot!(
            "fixtures",
            format!(
                "{config}## input\n\n{}\n## output (dry run --explain, exit {})\n\n{}",
                visible(&input),
                dry.status.code().unwrap_or(-1),
                visible(&stdout(&dry))
            )
        );
    });
}

/// Every fixture under `dir`, in path order: not the `.toml` files beside them, nor their
/// local modules.
fn fixture_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.extension().is_none_or(|e| e != "modules") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e != "toml") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The files under a fixture's `x.modules/` folder, by path relative to it, in path order.
fn local_modules(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = fs::read_dir(&current) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                found.push((relative, fs::read_to_string(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}
