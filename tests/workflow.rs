//! How bots, hooks and editors drive the tool: stdin, file lists, changed files, pull-request
//! bodies, interactive confirmation and progress (both through a pseudo-terminal).

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{BAD, BIN, BLOCKED, FIXED, Project, stderr, stdout};

fn with_stdin(p: &Project, args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(p.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A run that stops before reading stdin (a usage error) closes the pipe: that is its answer.
    match child.stdin.take().unwrap().write_all(input) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.unwrap(),
    }
    child.wait_with_output().unwrap()
}

#[test]
fn stdin_prints_the_fixed_source_or_its_diff() {
    let p = Project::new(&[]);
    let out = with_stdin(&p, &["-", "--stdin-filename", "src/app.js"], format!("\u{feff}{BAD}").as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("\u{feff}{FIXED}"));

    let out = with_stdin(&p, &["-", "--stdin-filename", "src/app.ts", "--diff"], BAD.as_bytes());
    assert!(stdout(&out).starts_with("--- a/src/app.ts\n+++ b/src/app.ts\n"), "{}", stdout(&out));

    let out = with_stdin(&p, &["-", "--stdin-filename", "app.js"], BLOCKED.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), BLOCKED);
    assert!(stderr(&out).starts_with("app.js:6:9: warning: "), "{}", stderr(&out));

    let out = with_stdin(&p, &["-", "--stdin-filename", "app.js"], b"const session = 1; static(;");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "const session = 1; static(;");

    let out = with_stdin(&p, &["-"], BAD.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("needs --stdin-filename"));

    // Nesting as deep as a file can hold needs a worker's stack, from stdin too.
    let deep = format!("{BAD}const x = {}1{};\n", "(".repeat(150_000), ")".repeat(150_000));
    let out = with_stdin(&p, &["-", "--stdin-filename", "app.js"], deep.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), deep.replace(BAD, FIXED));
}

#[test]
fn stdin_with_json_gives_every_finding_and_the_fixed_source() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../docs/static-first.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let p = Project::new(&[]);
    let json = |args: &[&str], input: &str| {
        let out = with_stdin(&p, args, input.as_bytes());
        let document: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> = validator.iter_errors(&document).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        (out.status.code(), document)
    };
    let stdin = ["-", "--stdin-filename", "app.js", "--format", "json"];
    let (code, document) = json(&stdin, &format!("\u{feff}{BAD}"));
    assert_eq!(code, Some(0));
    let file = &document["files"][0];
    assert_eq!(file["findings"][0]["status"], "fixable");
    assert_eq!(file["fixed_source"], format!("\u{feff}{FIXED}"));
    assert!(file["diff"].as_str().unwrap().starts_with("--- a/app.js\n"));

    let (code, document) = json(&stdin, BLOCKED);
    assert_eq!(code, Some(1));
    assert_eq!(document["files"][0]["findings"][0]["status"], "review");
    assert!(document["files"][0].get("fixed_source").is_none());

    let (code, document) = json(&stdin, "const session = 1; static(;");
    assert_eq!(code, Some(2));
    assert!(document["files"][0]["error"].as_str().unwrap().contains("syntax error"));

    // Stdin is screened as a file is for what cannot be parsed: too large, binary.
    let (code, document) = json(&[&stdin[..], &["--max-filesize", "100"]].concat(), BAD);
    assert_eq!(code, Some(0));
    assert!(document["files"][0]["skipped"].as_str().unwrap().contains("larger than --max-filesize"));
    let out = with_stdin(&p, &["-", "--stdin-filename", "app.js", "--max-filesize", "100"], BAD.as_bytes());
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), BAD.to_string()));
    assert!(stderr(&out).contains("app.js: skipped: larger than --max-filesize"), "{}", stderr(&out));
    let (_, document) = json(&stdin, &format!("{BAD}\0"));
    assert!(document["files"][0]["skipped"].as_str().unwrap().contains("binary"));
}

#[test]
fn files_from_takes_newline_or_nul_lists_and_passes_over_other_files() {
    let p = Project::new(&[("a.js", BAD), ("b.ts", BAD), ("c.js", BAD), ("README.md", BAD)]);
    let out = with_stdin(&p, &["--check", "--files-from", "-"], b"a.js\nREADME.md\ngone.js\nb.ts\n");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.starts_with("a.js:") && text.contains("\nb.ts:"), "{text}");

    p.write("list", "c.js\0b.ts\0");
    let out = p.run(&["--check", "--files-from", "list"]);
    let text = stdout(&out);
    assert!(text.starts_with("b.ts:") && text.contains("\nc.js:") && !text.contains("a.js"), "{text}");
}

#[test]
fn changed_since_checks_only_changed_and_new_files() {
    let p = Project::new(&[("old.js", BAD), ("touched.js", FIXED), ("sub/dir/kept.js", FIXED)]);
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).current_dir(p.path()).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qm", "base"]);
    p.write("touched.js", BAD);
    p.write("sub/dir/new.js", BAD);
    let out = p.run(&["--check", "--changed-since", "HEAD"]);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.starts_with("sub/dir/new.js:") && text.contains("\ntouched.js:"), "{text}");
    // Restricted to a path, from a subdirectory.
    let out = crate::support::run(&p.file("sub"), &["--check", "--changed-since", "HEAD", "dir"]);
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    assert!(stdout(&out).starts_with("dir/new.js:"), "{}", stdout(&out));

    let out = p.run(&["--check", "--changed-since", "no-such-rev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("static-first: error: git diff"), "{}", stderr(&out));
}

#[test]
fn pr_body_lists_fixes_and_reviews_and_is_deterministic() {
    let p = Project::new(&[("src/a|b.js", BAD), ("src/blocked.js", BLOCKED)]);
    let out = p.run(&["--write", "--pr-body", "pr.md"]);
    assert_eq!(out.status.code(), Some(1));
    let body = p.read("pr.md");
    assert!(body.starts_with("## Serve static files before sessions\n\n"), "{body}");
    assert!(body.contains("(https://github.com/expressjs/session/issues/114)"));
    assert!(body.contains("### Fixes (1)\n\n| file | line | risk | move |\n|---|---|---|---|\n| `src/a\\|b.js` | 5 | high | lift: `express.static` moved above `express-session` (1 statement(s)) |\n"), "{body}");
    assert!(body.contains("### Left for review (1)\n"));
    assert!(
        body.contains(
            "| `src/blocked.js` | 6 | high | static middleware may not move above the route app.get"
        ),
        "{body}"
    );
    // Rerun on the same input: the same bytes.
    p.write("src/a|b.js", BAD);
    p.run(&["--write", "--pr-body", "again.md"]);
    assert_eq!(p.read("again.md"), body);
}

/// Runs the binary under a pseudo-terminal (util-linux `script`), feeding `input` as typed.
fn in_terminal(p: &Project, args: &str, input: &str) -> String {
    let command = format!("{BIN} {args}");
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .current_dir(p.path())
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` provides the pseudo-terminal");
    let mut stdin = child.stdin.take().unwrap();
    for line in input.lines() {
        std::thread::sleep(std::time::Duration::from_millis(300));
        writeln!(stdin, "{line}").unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn interactive_writes_only_accepted_fixes() {
    let p = Project::new(&[("a.js", BAD), ("b.js", BAD), ("c.js", BAD), ("d.js", BAD)]);
    let screen = in_terminal(&p, "--interactive --color=never", "y\nwhat\nn\nq\n");
    assert!(screen.contains("Apply this fix to a.js? [y]es / [n]o / [a]ll remaining / [q]uit:"), "{screen}");
    assert!(screen.contains("Please answer y, n, a or q."), "{screen}");
    assert!(screen.contains("+++ b/c.js"), "{screen}");
    assert_eq!(p.read("a.js"), FIXED);
    assert_eq!(p.read("b.js"), BAD);
    assert_eq!(p.read("c.js"), BAD);
    assert_eq!(p.read("d.js"), BAD);

    let screen = in_terminal(&p, "--interactive --color=never", "n\na\n");
    assert!(screen.contains("fixed d.js"), "{screen}");
    assert_eq!(
        (p.read("b.js"), p.read("c.js"), p.read("d.js")),
        (BAD.to_string(), FIXED.to_string(), FIXED.to_string())
    );
}

#[test]
fn progress_shows_on_a_terminal_for_long_runs_only() {
    let files: Vec<(String, &str)> = (0..10000).map(|i| (format!("d{}/f{i}.js", i % 100), BAD)).collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    let p = Project::new(&refs);
    let screen = in_terminal(&p, "--check -j1", "");
    assert!(screen.contains("files checked"), "no progress in a long run on a terminal");
    let piped = p.run(&["--check", "-j1"]);
    assert!(!stderr(&piped).contains("files checked"));
    let small = Project::new(&[("a.js", BAD)]);
    assert!(!in_terminal(&small, "--check", "").contains("files checked"));
    assert!(!in_terminal(&p, "--check -j1 --quiet", "").contains("files checked"));
}

#[test]
fn quiet_prints_only_findings() {
    let p = Project::new(&[("a.js", BAD), ("big.js", &"x".repeat(3000))]);
    let out = p.run(&["--quiet", "--max-filesize", "1K"]);
    assert_eq!(stderr(&out), "");
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("a.js:5:9: warning:"));
}
