//! The pull-request text a bot opens its pull request with (`--pr-body`, `--pr-title`,
//! `--commit-message`), on every end-to-end app at once: snapshotted, and checked for what a
//! commit subject must be.

use std::fs;
use std::path::Path;

use crate::support::{BAD, BLOCKED, Project, stderr};

/// Copies the files under `from` into `to`, skipping installed packages.
fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "node_modules" {
                fs::create_dir_all(&target).unwrap();
                copy_tree(&entry.path(), &target);
            }
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `--write` with all three outputs and returns (title, commit message, body).
fn pr_text(p: &Project, paths: &[&str]) -> (String, String, String) {
    let mut args =
        vec!["--write", "--pr-body", "../pr.md", "--pr-title", "../title", "--commit-message", "../msg"];
    args.extend(paths);
    let out = crate::support::run(&p.file("apps"), &args);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    (p.read("title"), p.read("msg"), p.read("pr.md"))
}

#[test]
fn the_e2e_apps_get_a_pull_request_that_says_what_changes_for_whom() {
    let p = Project::new(&[]);
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/apps"), &p.file("apps"));
    let (title, message, body) = pr_text(&p, &[]);
    assert_eq!(title, "Serve static files before sessions in 31 files\n");
    assert!(message.starts_with(&format!("{title}\n")), "{message}");
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("pr-text@e2e-apps", format!("{title}---\n{message}---\n{body}"));
    });
}

#[test]
fn the_title_and_commit_subject_stay_within_72_characters() {
    let long = format!("apps/{}/server.js", "a-rather-long-directory-name".repeat(3));
    let p = Project::new(&[(&long, BAD), ("apps/blocked.js", BLOCKED)]);
    let (title, message, _) = pr_text(&p, &[]);
    assert_eq!(title, "Serve static files before sessions in 1 file\n");
    let subject = message.lines().next().unwrap();
    assert_eq!(format!("{subject}\n"), title);
    assert!(message.contains("\n\n1 finding(s) are left for review.\n"), "{message}");

    let p = Project::new(&[("apps/src/app.js", BAD)]);
    let (title, message, body) = pr_text(&p, &[]);
    assert_eq!(title, "Serve static files before sessions in src/app.js\n");
    assert!(
        message
            .ends_with("- src/app.js line 5: `express.static` moved above `express-session` (high risk)\n")
    );
    assert!(body.contains("#### `src/app.js` line 5: lift, high risk\n"), "{body}");

    // Nothing to fix: still a title, and a message that says so.
    let p = Project::new(&[("apps/ok.js", "const x = 1;\n")]);
    let (title, message, body) = pr_text(&p, &[]);
    assert_eq!(title, "Serve static files before sessions: nothing to fix\n");
    assert!(message.ends_with("\n\nstatic-first found nothing it could fix.\n"), "{message}");
    assert!(body.contains("### Fixes (0)\n\nNone.\n"), "{body}");
}

#[test]
fn an_unwritable_pr_text_file_is_an_error_naming_it() {
    let p = Project::new(&[("a.js", BAD)]);
    let out = p.run(&["--pr-title", "missing-dir/title"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot write the pull-request title missing-dir/title"),
        "{}",
        stderr(&out)
    );
}
