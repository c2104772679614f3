//! Machine-readable output: json against its schema, sarif through Microsoft's validator,
//! github workflow commands, patches that `git apply` takes, and byte-identical output
//! whatever the thread count.

use std::process::Command;

use serde_json::Value;

use crate::support::{BAD, BLOCKED, Project, npm_ci, stderr, stdout};

fn project() -> Project {
    Project::new(&[
        ("src/app.js", BAD),
        ("src/my app.js", BAD),
        ("src/crlf.js", &BAD.replace('\n', "\r\n")),
        ("src/blocked.js", BLOCKED),
        ("src/broken.js", "const session = require('express-session'); express.static(;\n"),
    ])
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn json_matches_its_schema_in_every_mode() {
    let schema = json_of(include_str!("../docs/static-first.schema.json"));
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let p = project();
    for args in [&["--format=json"][..], &["--format=json", "--check"], &["--format=json", "--write"]] {
        let out = p.run(args);
        let document = json_of(&stdout(&out));
        let errors: Vec<String> =
            validator.iter_errors(&document).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
        let statuses: Vec<&str> = document["files"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["findings"].as_array().unwrap())
            .map(|f| f["status"].as_str().unwrap())
            .collect();
        let fixed = if args.contains(&"--write") { "fixed" } else { "fixable" };
        assert_eq!(statuses, [fixed, "review", fixed, fixed], "{args:?}");
    }
    // The schema rejects what it must: a missing field fails validation.
    let mut document = json_of(&stdout(&p.run(&["--format=json"])));
    document["summary"].as_object_mut().unwrap().remove("fixed");
    assert!(!validator.is_valid(&document));
}

#[test]
fn json_carries_locations_plan_and_diff() {
    let p = Project::new(&[("app.js", BAD)]);
    let document = json_of(&stdout(&p.run(&["--format=json"])));
    let file = &document["files"][0];
    assert_eq!(file["path"], "app.js");
    assert!(file["diff"].as_str().unwrap().starts_with("--- a/app.js\n+++ b/app.js\n"));
    let finding = &file["findings"][0];
    assert_eq!(finding["static"]["line"], 5);
    assert_eq!(finding["session"]["line"], 4);
    let span = &finding["static"]["span"];
    let (start, end) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
    assert_eq!(&BAD[start..end], "express.static('public')");
    assert_eq!(finding["plan"]["chosen"], "lift");
    assert_eq!(document["summary"]["fixable"], 1);
}

/// A file named by its absolute path is reported by that path, so a bot can open it: JSON and
/// GitHub keep it, SARIF makes it a `file://` URI; only diff headers drop the leading `/`, as
/// git's do.
#[test]
fn an_absolute_path_stays_absolute_outside_diff_headers() {
    let p = Project::new(&[("app.js", BAD)]);
    let path = p.file("app.js");
    let absolute = path.to_str().unwrap();
    assert!(absolute.starts_with('/'));
    let document = json_of(&stdout(&p.run(&["--format=json", absolute])));
    let file = &document["files"][0];
    assert_eq!(file["path"], absolute);
    let header = format!("--- a/{}\n", absolute.trim_start_matches('/'));
    assert!(file["diff"].as_str().unwrap().starts_with(&header), "{}", file["diff"]);
    let sarif = json_of(&stdout(&p.run(&["--format=sarif", absolute])));
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], format!("file://{absolute}"));
    let github = stdout(&p.run(&["--format=github", absolute]));
    assert!(github.contains(&format!("file={absolute},")), "{github}");
}

#[test]
fn sarif_passes_the_multitool_and_fingerprints_survive_unrelated_edits() {
    let modules = npm_ci("sarif");
    let tool = modules.join("@microsoft/sarif-multitool-linux/Sarif.Multitool");
    let p = project();
    let out = p.run(&["--format=sarif"]);
    let log = json_of(&stdout(&out));
    std::fs::write(p.file("out.sarif"), stdout(&out)).unwrap();
    let validate = Command::new(&tool)
        .args(["validate", "-o", "validation.sarif", "out.sarif"])
        .current_dir(p.path())
        .output()
        .expect("the SARIF multitool runs");
    let report = stdout(&validate);
    assert!(validate.status.success(), "{report}{}", stderr(&validate));
    let errors: Vec<&str> = report.lines().filter(|l| l.contains(": error ")).collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &log["runs"][0];
    let rule = &run["tool"]["driver"]["rules"][0];
    assert_eq!(rule["id"], "static-first/session-before-static");
    assert!(rule["properties"]["tags"].as_array().unwrap().contains(&Value::from("external/cwe/cwe-668")));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let spaced = results
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/my%20app.js")
        .unwrap();
    assert_eq!(spaced["relatedLocations"][0]["physicalLocation"]["region"]["startLine"], 4);
    let replacement = &spaced["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["deletedRegion"]["startLine"], 4);
    // Applied to the original, the replacement gives the fixed file.
    let (start_line, start_col) = (
        replacement["deletedRegion"]["startLine"].as_u64().unwrap(),
        replacement["deletedRegion"]["startColumn"].as_u64().unwrap(),
    );
    let (end_line, end_col) = (
        replacement["deletedRegion"]["endLine"].as_u64().unwrap(),
        replacement["deletedRegion"]["endColumn"].as_u64().unwrap(),
    );
    let offset = |line: u64, col: u64| {
        BAD.split_inclusive('\n').take(line as usize - 1).map(str::len).sum::<usize>() + col as usize - 1
    };
    let inserted = replacement["insertedContent"]["text"].as_str().unwrap();
    let patched =
        format!("{}{inserted}{}", &BAD[..offset(start_line, start_col)], &BAD[offset(end_line, end_col)..]);
    assert!(
        patched.contains("app.use(express.static('public'));\napp.use(session({ secret: 's' }));\n"),
        "{patched}"
    );
    assert_eq!(patched.len(), BAD.len());

    // An unrelated edit above the finding moves its lines, not its fingerprint.
    let fingerprint = |log: &Value, uri: &str| {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)
            .map(|r| r["partialFingerprints"].clone())
            .unwrap()
    };
    let before = fingerprint(&log, "src/app.js");
    p.write("src/app.js", &format!("// a new header\n\n{BAD}"));
    let after = json_of(&stdout(&p.run(&["--format=sarif"])));
    assert_eq!(before, fingerprint(&after, "src/app.js"));
}

#[test]
fn github_format_prints_workflow_commands() {
    let p = Project::new(&[("a b.js", BAD), ("blocked.js", BLOCKED)]);
    let out = p.run(&["--format=github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(
            "::warning file=a b.js,line=5,col=9,endLine=5,title=static before session::`express.static`"
        ),
        "{}",
        lines[0]
    );
    assert!(lines[0].ends_with("Fix with `static-first --write`."));
    assert!(lines[1].contains("Needs review: ") && lines[1].contains("(blocked by line 5)."), "{}", lines[1]);
}

#[test]
fn patch_applies_with_git_apply_including_crlf_and_spaces() {
    let p = project();
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).current_dir(p.path()).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        stdout(&out)
    };
    git(&["init", "-q"]);
    git(&["config", "core.autocrlf", "false"]);
    let patch = p.run(&["--format=patch"]);
    assert_eq!(patch.status.code(), Some(2), "the broken file is an error: {}", stderr(&patch));
    let text = stdout(&patch);
    assert_eq!(text.matches("diff --git ").count(), 3, "{text}");
    std::fs::write(p.file("fix.patch"), &text).unwrap();
    git(&["apply", "--check", "fix.patch"]);
    git(&["apply", "fix.patch"]);
    std::fs::remove_file(p.file("fix.patch")).unwrap();
    // The patched tree has nothing left to fix, and CRLF stayed CRLF.
    let after = p.run(&["--check", "src/app.js", "src/my app.js", "src/crlf.js"]);
    assert_eq!(after.status.code(), Some(0), "{}", stdout(&after));
    assert!(p.read("src/crlf.js").contains("app.use(express.static('public'));\r\napp.use(session"));
}

#[test]
fn every_format_is_byte_identical_across_thread_counts() {
    let files: Vec<(String, &str)> =
        (0..30).map(|i| (format!("d{}/app {i}.js", i % 4), if i % 3 == 0 { BLOCKED } else { BAD })).collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    let p = Project::new(&refs);
    for format in ["human", "json", "sarif", "github", "patch"] {
        let flag = format!("--format={format}");
        let one = stdout(&p.run(&[&flag, "-j1"]));
        let eight = stdout(&p.run(&[&flag, "-j8"]));
        assert!(!one.is_empty());
        assert_eq!(one, eight, "{format}");
    }
}

#[test]
fn the_summary_is_the_same_for_every_format_and_quiet_silences_it() {
    for format in ["human", "json", "sarif", "github", "patch"] {
        let p = Project::new(&[("app.js", BAD)]);
        let flag = format!("--format={format}");
        let out = p.run(&[&flag, "--write"]);
        assert!(stderr(&out).contains("1 finding(s) (1 fixed, 0 need review)"), "{format}: {}", stderr(&out));
        p.write("app.js", BAD);
        let quiet = p.run(&[&flag, "--check", "--quiet"]);
        assert_eq!(stderr(&quiet), "", "{format}");
    }
}

#[test]
fn every_format_rates_the_risk_from_the_session_options_and_carries_the_shared_session_note() {
    let app = |options: &str, extra: &str| {
        format!(
            "const express = require('express');\nconst session = require('express-session');\nconst app = express();\n\
             const sessions = session({options});\napp.use(sessions);\n{extra}app.use(express.static('public'));\n"
        )
    };
    let p = Project::new(&[
        ("default.js", &app("{ secret: 's' }", "")),
        ("quiet.js", &app("{ secret: 's', resave: false, saveUninitialized: false }", "")),
        ("rolling.js", &app("{ secret: 's', saveUninitialized: false, rolling: true }", "")),
        ("spread.js", &app("{ ...defaults }", "")),
        ("shared.js", &app("{ secret: 's', saveUninitialized: false }", "io.engine.use(sessions);\n")),
    ]);
    let document = json_of(&stdout(&p.run(&["--format=json"])));
    let risk = |name: &str| {
        let file = document["files"].as_array().unwrap().iter().find(|f| f["path"] == name).unwrap();
        let finding = &file["findings"][0];
        (finding["risk"]["level"].as_str().unwrap().to_string(), finding["note"].is_string())
    };
    assert_eq!(risk("default.js"), ("high".into(), false));
    assert_eq!(risk("quiet.js"), ("lower".into(), false));
    assert_eq!(risk("rolling.js"), ("high".into(), false));
    assert_eq!(risk("spread.js"), ("high".into(), false));
    assert_eq!(risk("shared.js"), ("lower".into(), true));

    let sarif = json_of(&stdout(&p.run(&["--format=sarif"])));
    let severities: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["properties"]["security-severity"].as_str().unwrap())
        .collect();
    assert!(severities.contains(&"7.5") && severities.contains(&"4.3"), "{severities:?}");
    let human = stdout(&p.run(&["--check", "shared.js"]));
    assert!(
        human.contains("lower risk: saveUninitialized is false")
            && human.contains("\n  note: the session middleware is also used"),
        "{human}"
    );
    let github = stdout(&p.run(&["--format=github", "quiet.js"]));
    assert!(github.contains("lower risk"), "{github}");
    p.run(&["--pr-body", "pr.md"]);
    let body = p.read("pr.md");
    assert!(
        body.contains("| `quiet.js` | 6 | lower | lift:")
            && body.contains("### What the fix changes for the app's own pages"),
        "{body}"
    );
}
