//! The pre-commit hooks, run by pre-commit itself (pinned, from PyPI) on a temporary repo.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::{Project, pip_tool, stderr, stdout};

/// pre-commit 4.7.0 in a virtual environment under target/, installed once.
fn pre_commit() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| pip_tool("pre-commit-venv", "pre-commit==4.7.0", "pre-commit"))
}

#[test]
fn the_hooks_run_under_pre_commit() {
    let bad = "const express = require('express');\nconst session = require('express-session');\nconst app = express();\napp.use(session({ secret: 's' }));\napp.use(express.static('public'));\n";
    let p = Project::new(&[("src/app.js", bad), ("notes.md", "app.use(session)\n")]);
    let run = |program: &Path, args: &[&str]| {
        Command::new(program)
            .args(args)
            .current_dir(p.path())
            .env("PRE_COMMIT_HOME", Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-home"))
            .output()
            .unwrap()
    };
    let git = Path::new("git");
    run(git, &["init", "-q"]);
    run(git, &["add", "."]);
    let repo = env!("CARGO_MANIFEST_DIR");
    let manifest = run(pre_commit(), &["validate-manifest", &format!("{repo}/.pre-commit-hooks.yaml")]);
    assert!(manifest.status.success(), "{}{}", stdout(&manifest), stderr(&manifest));

    // try-repo uses this checkout (with its uncommitted changes, in a shadow commit, so a
    // clean checkout builds the hooks once). Both hooks run: the check reports, the fix writes.
    let first = run(pre_commit(), &["try-repo", repo, "--all-files"]);
    let output = format!("{}{}", stdout(&first), stderr(&first));
    assert_eq!(first.status.code(), Some(1), "{output}");
    assert!(output.contains("src/app.js:5:9: warning:"), "{output}");
    assert!(output.contains("files were modified by this hook"), "{output}");
    assert!(p.read("src/app.js").contains("app.use(express.static('public'));\napp.use(session"));
    assert_eq!(p.read("notes.md"), "app.use(session)\n");
    run(git, &["add", "."]);
    let again = run(pre_commit(), &["try-repo", repo, "--all-files"]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
}

#[test]
fn the_readme_pre_commit_config_is_valid() {
    let readme = include_str!("../README.md");
    let block = readme
        .split("```yaml\n# .pre-commit-config.yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README shows a .pre-commit-config.yaml");
    let p = Project::new(&[(".pre-commit-config.yaml", block)]);
    let out = Command::new(pre_commit())
        .args(["validate-config", ".pre-commit-config.yaml"])
        .current_dir(p.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(block.contains("id: static-first"), "{block}");
}
