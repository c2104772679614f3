//! Fixture tests: every file under `tests/fixtures/<group>/` is run through the binary and its
//! input, plan (`--explain`) and diff are snapshotted in the top-level `snapshots/`.
//!
//! Each fixture's first line states what must happen, so a wrong snapshot cannot hide:
//! `// expect: fix`, `// expect: review` or `// expect: no finding`. A fixture `x.js` with an
//! `x.toml` beside it runs with that file as its `static-first.toml`; the files under an
//! `x.modules/` folder beside it are its local modules, copied next to it.

use std::fs;

use crate::support::{Project, stdout};

/// Shows carriage returns and a BOM, which a snapshot would otherwise hide.
fn visible(text: &str) -> String {
    text.replace('\u{feff}', "<BOM>").replace('\r', "<CR>")
}

#[test]
fn fixtures() {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::glob!("fixtures/**/*.*", |path| {
            if path.extension().is_some_and(|e| e == "toml")
                || path.ancestors().any(|a| a.extension().is_some_and(|e| e == "modules"))
            {
                return;
            }
            let input = fs::read_to_string(path).unwrap();
            let config = fs::read_to_string(path.with_extension("toml")).ok();
            let expect = input
                .trim_start_matches('\u{feff}')
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("// expect: "))
                .unwrap_or_else(|| panic!("{} must start with `// expect: ...`", path.display()))
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

            let dry = project.run(&["--explain", name]);
            let out = stdout(&dry);
            let has_diff = out.contains("\n+++ b/");
            let has_review = out.contains("blocked by line");
            match expect.as_str() {
                "fix" => assert!(has_diff && dry.status.code() == Some(1), "{name}: expected a fix:\n{out}"),
                "review" => assert!(!has_diff && has_review && dry.status.code() == Some(1), "{name}: expected a review finding only:\n{out}"),
                "no finding" => assert!(out.is_empty() && dry.status.code() == Some(0), "{name}: expected no finding:\n{out}"),
                other => panic!("{name}: unknown expectation `{other}`"),
            }
            assert_eq!(project.read(name), input, "{name}: a dry run must not write");

            // Writing the fix, then running again, changes nothing more.
            let write = project.run(&["--write", name]);
            assert_ne!(write.status.code(), Some(2), "{name}: --write failed: {}", crate::support::stderr(&write));
            let fixed = project.read(name);
            let again = project.run(&[name]);
            assert!(!stdout(&again).contains("\n+++ b/"), "{name}: not idempotent:\n{}", stdout(&again));
            if expect == "fix" {
                assert_eq!(again.status.code(), Some(0), "{name}: the fix left findings:\n{}", stdout(&again));
            } else {
                assert_eq!(fixed, input, "{name}: a file without a fix was changed");
            }

            let mut config = config.map(|c| format!("## static-first.toml\n\n{c}\n")).unwrap_or_default();
            for (relative, text) in &modules {
                config.push_str(&format!("## local module {relative}\n\n{text}\n"));
            }
            insta::assert_snapshot!(format!(
                "{config}## input\n\n{}\n## output (dry run --explain, exit {})\n\n{}",
                visible(&input),
                dry.status.code().unwrap_or(-1),
                visible(&out)
            ));
        });
    });
}

/// The files under a fixture's `x.modules/` folder, by path relative to it, in path order.
fn local_modules(dir: &std::path::Path) -> Vec<(String, String)> {
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
