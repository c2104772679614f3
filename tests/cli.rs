//! Command-line behaviour: modes, exit codes, what is written, which files are walked.

use std::path::Path;
use std::process::Command;

use crate::support::{BAD, BLOCKED, FIXED, Project, stderr, stdout};

#[test]
fn dry_run_prints_a_diff_writes_nothing_and_exits_1() {
    let p = Project::new(&[("app.js", BAD)]);
    let out = p.run(&[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.starts_with("--- a/app.js\n+++ b/app.js\n@@ "), "{text}");
    assert!(text.contains("+app.use(express.static('public'));\n app.use(session({ secret: 's' }));\n-app.use(express.static('public'));"), "{text}");
    assert_eq!(p.read("app.js"), BAD);
    assert!(
        stderr(&out)
            .contains("1 file(s) scanned, 1 finding(s) (1 fixable, 0 need review), 0 suppressed, 0 error(s)")
    );
}

#[test]
fn write_fixes_in_place_and_exits_0() {
    let p = Project::new(&[("app.js", BAD)]);
    let out = p.run(&["--write"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "fixed app.js\n");
    assert_eq!(p.read("app.js"), FIXED);
    assert_eq!(p.run(&["--check"]).status.code(), Some(0));
}

#[test]
fn check_prints_findings_without_diff() {
    let p = Project::new(&[("app.js", BAD), ("blocked.js", BLOCKED)]);
    let out = p.run(&["--check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(!text.contains("+++"), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(
            "app.js:5:9: warning: `express.static` is registered after `express-session` (line 4)"
        )
    );
    assert!(lines[0].ends_with("(fixable: lift moves 1 statement(s))"), "{}", lines[0]);
    assert!(lines[1].starts_with("blocked.js:6:9: warning: "), "{}", lines[1]);
    assert!(lines[1].ends_with("blocked by line 5)"), "{}", lines[1]);
    assert_eq!(p.read("app.js"), BAD);
}

#[test]
fn write_leaves_unfixable_findings_and_exits_1() {
    let p = Project::new(&[("app.js", BAD), ("blocked.js", BLOCKED)]);
    let out = p.run(&["--write"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(p.read("app.js"), FIXED);
    assert_eq!(p.read("blocked.js"), BLOCKED);
    assert!(stdout(&out).contains("blocked.js:6:9: warning:"));
    assert!(stderr(&out).contains("(1 fixed, 1 need review)"));
}

#[test]
fn a_finding_the_first_pass_uncovers_is_reported_by_the_second() {
    // The arguments trade places first; only then does the next statement's static come after
    // that statement's session, which the second pass leaves for review. (The first pass may
    // only skip the second pass's analysis when its moves provably leave nothing to find.)
    let app = "const express = require('express');\nconst session = require('express-session');\n\
               const app = express();\napp.use(session({ secret: 's' }), express.static('public'));\n\
               app.use(express.static('uploads'));\n";
    let p = Project::new(&[("app.js", app)]);
    let out = p.run(&["--write"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(p.read("app.js").contains("app.use(express.static('public'), session({ secret: 's' }));"));
    let check = stdout(&p.run(&["--check"]));
    assert!(check.starts_with("app.js:5:9: warning:") && check.contains("blocked by line 4"), "{check}");
    assert_eq!(check.lines().count(), 1, "{check}");
}

#[test]
fn syntax_error_exits_2_but_other_files_are_still_fixed() {
    let broken = "const session = require('express-session');\napp.use(express.static(;\n";
    let p = Project::new(&[("a.js", BAD), ("broken.js", broken)]);
    let out = p.run(&["--write"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(p.read("a.js"), FIXED);
    assert_eq!(p.read("broken.js"), broken);
    let err = stderr(&out);
    assert!(err.contains("broken.js: error: 2:24: syntax error:"), "{err}");
}

#[test]
fn files_without_both_middleware_names_are_not_parsed() {
    let p = Project::new(&[("junk.js", "this is not javascript {{{"), ("ok.js", BAD)]);
    let out = p.run(&["--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn clean_tree_exits_0_with_no_output() {
    let p = Project::new(&[("app.js", FIXED)]);
    let out = p.run(&[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
}

#[test]
fn gitignore_hidden_and_node_modules_are_skipped_but_explicit_paths_are_not() {
    let p = Project::new(&[
        (".gitignore", "ignored/\n"),
        ("ignored/app.js", BAD),
        ("node_modules/pkg/app.js", BAD),
        (".hidden/app.js", BAD),
        ("src/app.ts", BAD),
        ("component.vue", BAD),
    ]);
    Command::new("git").args(["init", "-q"]).current_dir(p.path()).status().unwrap();
    let out = p.run(&["--check"]);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("src/app.ts:5:9:"), "{text}");

    let out = p.run(&["--check", "ignored/app.js"]);
    assert!(stdout(&out).starts_with("ignored/app.js:5:9:"), "{}", stdout(&out));
}

#[test]
fn missing_path_and_unsupported_file_are_errors() {
    let p = Project::new(&[("notes.txt", BAD), ("app.js", BAD)]);
    let out = p.run(&["--check", "nope.js", "notes.txt", "app.js"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("nope.js: error: no such file or directory"), "{err}");
    assert!(err.contains("notes.txt: error: not a JavaScript or TypeScript file"), "{err}");
    assert!(stdout(&out).starts_with("app.js:5:9:"));
}

#[test]
fn a_file_for_a_directory_and_a_directory_for_a_file_are_named() {
    let p = Project::new(&[("app.js", BAD), ("dir/x.js", BAD)]);
    let out = p.run(&["--check", "app.js/"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("app.js/: error: is a file, not a directory"), "{}", stderr(&out));
    let out = p.run(&["--check", "--files-from", "dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("dir is a directory; --files-from takes a file"), "{}", stderr(&out));
    let out = p.run(&["--check", "--pr-body", "dir", "app.js"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot write the pull-request description dir"), "{}", stderr(&out));
}

#[test]
fn non_utf8_file_is_an_error() {
    let p = Project::new(&[]);
    std::fs::write(p.file("bin.js"), b"session static \xff\xfe").unwrap();
    let out = p.run(&["--check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bin.js: error: the file is not valid UTF-8"));
}

#[test]
fn output_order_does_not_depend_on_threads() {
    let files: Vec<(String, &str)> = (0..40).map(|i| (format!("d{}/app{i}.js", i % 7), BAD)).collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    let p = Project::new(&refs);
    let one = stdout(&p.run(&["-j1"]));
    let eight = stdout(&p.run(&["-j8"]));
    assert_eq!(one, eight);
    assert_eq!(one.matches("+++ b/").count(), 40);
}

#[test]
fn bad_arguments_exit_2() {
    let p = Project::new(&[]);
    assert_eq!(p.run(&["--write", "--check"]).status.code(), Some(2));
    assert_eq!(p.run(&["--color=sometimes"]).status.code(), Some(2));
}

#[test]
fn color_always_paints_the_diff() {
    let p = Project::new(&[("app.js", BAD)]);
    let out = Command::new(crate::support::BIN).arg("--color=always").current_dir(p.path()).output().unwrap();
    assert!(stdout(&out).contains("\x1b[32m+app.use(express.static"), "{}", stdout(&out));
}

#[test]
fn help_documents_exit_codes() {
    let p = Project::new(&[]);
    let out = p.run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("Exit codes:") && text.contains("2  an error"), "{text}");
    // The README's table is the one place they are written: --help shows each row's words.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let section = readme.split("### Exit codes").nth(1).unwrap();
    let rows: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("| 0") || l.starts_with("| 1") || l.starts_with("| 2"))
        .collect();
    assert_eq!(rows.len(), 3, "{section}");
    for row in rows {
        let meaning = row.trim_matches('|').split('|').nth(1).unwrap();
        assert!(words(&text).contains(&words(meaning)), "--help lacks `{meaning}`:\n{text}");
    }
}

#[test]
fn symlinks_are_not_walked_and_never_replaced_by_files() {
    let p = Project::new(&[("real/app.js", BAD)]);
    std::os::unix::fs::symlink(p.file("real/app.js"), p.file("link.js")).unwrap();
    // Walking does not follow links: only the real file is reported.
    let out = p.run(&["--check"]);
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    // A link named explicitly is read, but not replaced.
    let out = p.run(&["--write", "link.js"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("link.js: error: is a symbolic link"), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(p.file("link.js")).unwrap().file_type().is_symlink());
    assert_eq!(p.read("real/app.js"), BAD);
}

#[test]
fn write_keeps_permissions_and_a_bom() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new(&[("app.js", &format!("\u{feff}{BAD}"))]);
    std::fs::set_permissions(p.file("app.js"), std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(p.run(&["--write"]).status.code(), Some(0));
    assert_eq!(p.read("app.js"), format!("\u{feff}{FIXED}"));
    let mode = std::fs::metadata(p.file("app.js")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    let leftovers: Vec<_> = std::fs::read_dir(p.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "temporary files left behind: {leftovers:?}");
}

#[test]
fn hostile_files_get_one_line_each_and_are_never_written() {
    let nested = format!(
        "const session = require('express-session'); // static\nconst x = {}1{};\n",
        "(\n".repeat(150_000),
        ")\n".repeat(150_000)
    );
    let minified = format!("{}\n", BAD.replace('\n', " ").repeat(400));
    let p = Project::new(&[
        ("nested.js", &nested),
        ("bundle.min.js", &minified),
        ("big.js", &format!("{BAD}//{}\n", "x".repeat(2000))),
        ("empty.js", ""),
        ("bom-only.js", "\u{feff}"),
        (
            "flow.js",
            "// @flow\nconst session = require('express-session');\nfunction f(x: ?number): %checks { return x; }\napp.use(express.static('p'));\n",
        ),
        ("app.js", BAD),
    ]);
    std::fs::write(p.file("binary.js"), b"session static \0\0\0").unwrap();
    let out = p.run(&["--write", "nested.js", "empty.js", "bom-only.js", "flow.js", "binary.js", "app.js"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("binary.js: skipped: a binary file"), "{err}");
    assert!(
        err.contains("flow.js: error: 1:1: syntax error: Flow type annotations are not supported"),
        "{err}"
    );
    assert!(!err.contains("nested.js") && !err.contains("empty.js") && !err.contains("bom-only.js"), "{err}");
    assert!(err.contains("1 skipped"), "{err}");
    assert_eq!(p.read("app.js"), FIXED);
    assert_eq!(p.read("nested.js"), nested);

    let out = p.run(&["--check", "--max-filesize", "1K", "big.js"]);
    assert!(stderr(&out).contains("big.js: skipped: larger than --max-filesize (2"), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));

    let out = p.run(&["--check", "bundle.min.js"]);
    assert!(stderr(&out).contains("bundle.min.js: skipped: looks minified or generated"), "{}", stderr(&out));
}

/// oxc 0.146 backtracks exponentially on these TypeScript texts (our fuzzer found them; they
/// are kept in `fuzz/upstream/`): without the probe, the first takes 5.7 GB.
#[test]
fn typescript_the_parser_cannot_finish_is_an_error_for_that_file_only() {
    let upstream = |name: &str| {
        let input =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/upstream").join(name)).unwrap();
        format!("{}\n// session static\n", std::str::from_utf8(&input[1..]).unwrap())
    };
    let (oom, slow) =
        (upstream("oxc-tsx-angle-brackets-oom.bin"), upstream("oxc-tsx-angle-brackets-slow.bin"));
    let p = Project::new(&[("oom.tsx", &oom), ("slow.ts", &slow), ("app.ts", BAD)]);
    // A 64 MiB arena (files up to 1 KiB): filled four times sooner than the default's, well
    // inside the probe's time limit even on a loaded machine.
    let out = p.run(&["--write", "--max-filesize", "1K"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for name in ["oom.tsx", "slow.ts"] {
        assert!(
            err.contains(&format!("{name}: error: too complex to parse: it needed more than 64 MiB")),
            "{err}"
        );
    }
    assert!(err.contains("simplify those expressions or exclude the file"), "{err}");
    assert_eq!((p.read("oom.tsx"), p.read("slow.ts")), (oom, slow));
    assert_eq!(p.read("app.ts"), FIXED);

    // This one fills the same arena growing a list, which aborts the process: only the probe's
    // child dies.
    let aborts = upstream("oxc-tsx-vec-growth-abort.bin");
    p.write("aborts.tsx", &aborts);
    p.write("app.ts", BAD);
    let out = p.run(&["--write", "--max-filesize", "1K", "aborts.tsx", "app.ts"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("aborts.tsx: error: too complex to parse: the parser ran out of memory (signal: 6"),
        "{err}"
    );
    assert_eq!(p.read("aborts.tsx"), aborts);
    assert_eq!(p.read("app.ts"), FIXED);
}

#[test]
fn follow_writes_through_links_inside_the_roots_only() {
    let outside = Project::new(&[("app.js", BAD)]);
    let p = Project::new(&[("real/app.js", BAD)]);
    std::fs::create_dir(p.file("links")).unwrap();
    std::os::unix::fs::symlink(p.file("real/app.js"), p.file("links/inside.js")).unwrap();
    std::os::unix::fs::symlink(outside.file("app.js"), p.file("links/outside.js")).unwrap();
    std::os::unix::fs::symlink(p.path(), p.file("links/loop")).unwrap();
    let out = p.run(&["--write", "--follow", "links", "real"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("links/outside.js: error: links to"), "{}", stderr(&out));
    assert!(stderr(&out).contains("File system loop found"), "{}", stderr(&out));
    assert_eq!(outside.read("app.js"), BAD);
    assert_eq!(p.read("real/app.js"), FIXED);
    assert!(std::fs::symlink_metadata(p.file("links/inside.js")).unwrap().file_type().is_symlink());
}

#[test]
fn killing_a_write_leaves_every_file_original_or_fully_fixed() {
    let count = 2000;
    let names: Vec<String> = (0..count).map(|i| format!("d{:02}/app{i:05}.js", i % 50)).collect();
    let content = |i: usize, text: &str| format!("{text}// file {i}\n");
    let files: Vec<(String, String)> =
        names.iter().enumerate().map(|(i, n)| (n.clone(), content(i, BAD))).collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, c)| (n.as_str(), c.as_str())).collect();
    let p = Project::new(&refs);

    let mut child = Command::new(crate::support::BIN)
        .args(["--write", "--color=never"])
        .current_dir(p.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Writes go in path order: kill as soon as the first file is fixed.
    let first = p.file(&names[0]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::read_to_string(&first).unwrap() == content(0, BAD) && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut fixed, mut original) = (0, 0);
    for (i, name) in names.iter().enumerate() {
        let now = p.read(name);
        if now == content(i, FIXED) {
            fixed += 1;
        } else {
            assert_eq!(now, content(i, BAD), "{name} is neither original nor fixed");
            original += 1;
        }
    }
    assert!(fixed >= 1, "the run was killed before any write");
    assert!(original >= 1, "the run finished before it was killed; nothing was interrupted");
}

#[test]
fn a_panic_in_one_file_is_an_internal_error_and_the_run_goes_on() {
    // A deliberate fault (hidden, internal flag) panics while processing panics.js, in any build.
    let p = Project::new(&[("panics.js", BAD), ("app.js", BAD), ("z.js", BAD)]);
    let out = p.run(&["--write", "-j1", "--internal-fault=panic:panics.js"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("panics.js: error: internal error (a fault injected by --internal-fault)"), "{err}");
    assert!(err.contains("Please report this with the file"), "{err}");
    assert!(!err.contains("panicked at"), "the panic is reported once, as the file's error: {err}");
    assert_eq!(p.read("panics.js"), BAD);
    // Files before and after it (one worker) are still fixed.
    assert_eq!((p.read("app.js"), p.read("z.js")), (FIXED.to_string(), FIXED.to_string()));
}

#[test]
fn a_fix_that_fails_its_safety_check_is_an_error_and_is_not_written() {
    // A deliberate fault (hidden, internal flag) writes the moved statement twice.
    let p = Project::new(&[("app.js", BAD)]);
    for args in [&["--write", "--internal-fault=corrupt-edit"][..], &["--internal-fault=corrupt-edit"]] {
        let out = p.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains(
                "app.js: error: the fix failed its safety check and was not applied (the statements \
                          after the edit are not the planned reordering of the original ones)"
            ),
            "{args:?}: {err}"
        );
        assert!(!stdout(&out).contains("+++ b/app.js"), "{args:?}: no diff is shown");
        assert_eq!(p.read("app.js"), BAD);
    }
}

#[test]
fn suppression_comments_need_a_reason_and_must_be_used() {
    let suppressed = BAD.replace(
        "app.use(express.static('public'));",
        "app.use(express.static('public')); // static-first-ignore: per-user assets",
    );
    let no_reason = BAD.replace("app.use(express.static", "// static-first-ignore\napp.use(express.static");
    let unused = format!("// static-first-ignore: nothing here\n{FIXED}");
    let p = Project::new(&[("a.js", &suppressed), ("b.js", &no_reason), ("c.js", &unused)]);
    let out = p.run(&["--write"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(p.read("a.js"), suppressed, "a suppressed finding is not fixed");
    assert!(!text.contains("a.js:"), "{text}");
    assert!(text.contains("b.js:5:1: warning: `static-first-ignore` needs a reason"), "{text}");
    assert!(text.contains("fixed b.js"), "without a reason the finding is fixed as usual: {text}");
    assert!(text.contains("c.js:1:1: warning: unused `static-first-ignore`"), "{text}");
    assert!(stderr(&out).contains("1 suppressed"), "{}", stderr(&out));

    let json: serde_json::Value = serde_json::from_str(&stdout(&p.run(&["--format=json"]))).unwrap();
    let a = &json["files"][0];
    assert_eq!(a["findings"][0]["status"], "suppressed");
    assert_eq!(a["findings"][0]["reason"], "per-user assets");
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&p.run(&["--format=sarif"]))).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["suppressions"][0]["justification"], "per-user assets");
}

/// An app whose session and static middleware come from the project's own wrappers: neither
/// "session" nor "static" appears in it, so only the configuration can make it a candidate.
const WRAPPED: &str = "const express = require('express');
const makeStore = require('@acme/store');
const { assets } = require('@acme/web');
const app = express();
app.use(makeStore({ secret: 's' }));
app.use(assets.serve('public'));
";

const WRAPPED_FIXED: &str = "const express = require('express');
const makeStore = require('@acme/store');
const { assets } = require('@acme/web');
const app = express();
app.use(assets.serve('public'));
app.use(makeStore({ secret: 's' }));
";

const CONFIG: &str = "[middleware]\nsession = [\"@acme/store\"]\nstatic = [\"@acme/web#assets.serve\"]\n";

#[test]
fn the_nearest_configuration_declares_the_projects_own_middleware() {
    let p = Project::new(&[
        ("static-first.toml", CONFIG),
        ("svc/src/app.js", WRAPPED),
        ("other/static-first.toml", "[middleware]\ninert = [\"@acme/store\"]\n"),
        ("other/app.js", WRAPPED),
    ]);
    let out = p.run(&["--write"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(p.read("svc/src/app.js"), WRAPPED_FIXED);
    // The nearer file wins, whole: there `@acme/store` is inert and nothing is static.
    assert_eq!(p.read("other/app.js"), WRAPPED);

    let out = p.run(&["--print-config", "svc/src", "other"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(
        printed.contains("session = [\"@acme/store\"]\nstatic = [\"@acme/web#assets.serve\"]"),
        "{printed}"
    );
    assert!(
        printed.contains("# other\n# from ") && printed.contains("inert = [\"@acme/store\"]"),
        "{printed}"
    );

    // --config applies one file to everything.
    p.write("other/app.js", WRAPPED);
    let out = p.run(&["--check", "--config", "static-first.toml", "other"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("(declared at static-first.toml:3)"), "{}", stdout(&out));
}

#[test]
fn a_bad_configuration_is_an_error_with_its_file_and_line() {
    let p = Project::new(&[
        ("static-first.toml", "[middleware]\nsession = [\"@acme/store\"]\nstatik = [\"x\"]\n"),
        ("app.js", BAD),
        ("sub/static-first.toml", "[middleware]\nguard = [\"a#\"]\n"),
        ("sub/app.js", BAD),
    ]);
    let out = p.run(&["--write"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("static-first.toml:3:1: invalid configuration: unknown field `statik`"), "{err}");
    assert_eq!(p.read("app.js"), BAD, "nothing is written under a bad configuration");

    // Found inside the tree: an error for each file under it; the other files still run.
    p.write("static-first.toml", CONFIG);
    let out = p.run(&["--write"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("sub/app.js: error: ")
            && err.contains("static-first.toml:2:10: invalid configuration: `a#` names no export"),
        "{err}"
    );
    assert_eq!((p.read("app.js"), p.read("sub/app.js")), (FIXED.to_string(), BAD.to_string()));

    let out = p.run(&["--config", "missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("missing.toml:1:1: invalid configuration: cannot read it"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn max_filesize_has_a_documented_maximum_and_past_it_is_a_usage_error() {
    let p = Project::new(&[("app.js", BAD)]);
    let out = p.run(&["--max-filesize", "100M"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("over the largest --max-filesize, 16M"), "{}", stderr(&out));
    // The largest allowed size runs (its arena is reserved, not touched).
    let out = p.run(&["--check", "--max-filesize", "16M"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn parser_memory_that_cannot_be_reserved_is_an_error_for_the_file() {
    // Under a 3 GB address-space limit a worker can have its 1 GiB stack but not the 4 GiB
    // arena of the largest --max-filesize: the file is an error with what to do, not an abort.
    let p = Project::new(&[("app.js", BAD)]);
    let out = Command::new("sh")
        .args([
            "-c",
            "ulimit -v 3000000 && exec \"$0\" -j1 --check --max-filesize 16M app.js",
            crate::support::BIN,
        ])
        .current_dir(p.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("app.js: error: cannot reserve 4096 MiB of parser memory for this worker"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("lower --max-filesize or -j"), "{}", stderr(&out));
}

#[test]
fn threads_have_a_documented_maximum_and_past_it_is_a_usage_error() {
    let p = Project::new(&[("app.js", BAD)]);
    let out = p.run(&["--check", "-j", "1025"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("over the most worker threads, 1024"), "{}", stderr(&out));
    // The largest allowed count runs: one file's findings, whatever starts.
    let out = p.run(&["--check", "-j", "1024"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("app.js:"), "{}", stdout(&out));
}

/// The binary on `args` under an address-space limit of `kib`.
fn limited(p: &Project, kib: u64, args: &str, stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new("sh")
        .args(["-c", &format!("ulimit -v {kib} && exec \"$0\" {args}"), crate::support::BIN])
        .current_dir(p.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn threads_that_cannot_start_are_an_error_or_fewer_workers_never_an_abort() {
    let p = Project::new(&[("app.js", BAD), ("b/app.js", BAD), ("c/app.js", BAD)]);
    // A worker takes about 1.2 GB of address space: its 1 GiB stack, its parser memory (64
    // MiB at the least) and the C library's heap for its thread. 2.9 GB holds two workers
    // with half a gigabyte to spare, and a third's stack does not fit, in whatever order the
    // stacks and heaps are reserved. The run goes on with the two and checks every file.
    let out = limited(&p, 2_900_000, "-j64 --max-filesize 1K --check", "");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().filter(|l| l.contains(": warning: ")).count(), 3, "{}", stdout(&out));
    // 800 MB: not one worker's stack. The run ends with what to do, from a walk or from stdin.
    for (args, stdin) in [("--check", ""), ("- --stdin-filename app.js", BAD)] {
        let out = limited(&p, 800_000, args, stdin);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("error: cannot start a worker thread ("), "{}", stderr(&out));
        assert!(stderr(&out).contains("ulimit -u, ulimit -v"), "{}", stderr(&out));
    }
}
