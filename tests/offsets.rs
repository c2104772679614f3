//! Every line, column and byte offset in every output format refers to the file as it is on
//! disk: a BOM's three bytes counted in byte offsets (columns count characters as an editor
//! shows them, so the invisible BOM is no column), CRLF line breaks as they are.

use std::process::Command;

use serde_json::Value;

use crate::support::{BAD, BLOCKED, Project, stderr, stdout};

const BOM: &str = "\u{feff}";

/// The files every format is run on: a BOM, CRLF, both (a finding left for review), and a
/// finding on the BOM's own line.
fn files() -> Vec<(&'static str, String)> {
    vec![
        ("bom.js", format!("{BOM}{BAD}")),
        ("crlf.js", BAD.replace('\n', "\r\n")),
        ("bom-crlf.js", format!("{BOM}{}", BLOCKED.replace('\n', "\r\n"))),
        (
            "line1.js",
            format!(
                "{BOM}const express = require('express'), session = require('express-session'), app = express(); \
                 app.use(session({{}}), express.static('p'));\r\n"
            ),
        ),
    ]
}

/// Line, column and byte offset of the first `needle` in `disk`, counted independently of the
/// tool: lines by LF, columns in characters after the BOM, bytes from the file's first.
fn place(disk: &str, needle: &str) -> (u64, u64, u64) {
    let byte = disk.find(needle).unwrap_or_else(|| panic!("{needle} in {disk}"));
    let line_start = disk[..byte].rfind('\n').map_or(0, |i| i + 1);
    let line = disk[..byte].matches('\n').count() + 1;
    let col = disk[line_start..byte].trim_start_matches(BOM).chars().count() + 1;
    (line as u64, col as u64, byte as u64)
}

const STATIC: &str = "express.static(";
const SESSION: &str = "session({";

fn project() -> Project {
    let files = files();
    Project::new(&files.iter().map(|(n, t)| (*n, t.as_str())).collect::<Vec<_>>())
}

/// The files as `--write` leaves them.
fn written() -> Vec<(&'static str, String)> {
    let p = project();
    p.run(&["--write"]);
    files().into_iter().map(|(name, _)| (name, p.read(name))).collect()
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn number(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn human_and_github_lines_and_columns_are_the_files() {
    let p = project();
    let check = stdout(&p.run(&["--check"]));
    let github = stdout(&p.run(&["--format=github"]));
    for (name, disk) in files() {
        let (line, col, _) = place(&disk, STATIC);
        assert!(check.contains(&format!("{name}:{line}:{col}: warning:")), "{name}:\n{check}");
        assert!(
            github.contains(&format!("file={name},line={line},col={col},endLine={line},")),
            "{name}:\n{github}"
        );
    }
}

#[test]
fn json_positions_and_byte_spans_are_the_files() {
    let document = json_of(&stdout(&project().run(&["--format=json"])));
    for (name, disk) in files() {
        let file = document["files"].as_array().unwrap().iter().find(|f| f["path"] == name).unwrap();
        let finding = &file["findings"][0];
        for (key, needle) in [("static", STATIC), ("session", SESSION)] {
            let at = &finding[key];
            let (line, col, byte) = place(&disk, needle);
            assert_eq!((number(&at["line"]), number(&at["column"])), (line, col), "{name} {key}");
            let (start, end) = (number(&at["span"]["start"]), number(&at["span"]["end"]));
            assert_eq!(start, byte, "{name} {key}");
            let spanned = &disk[start as usize..end as usize];
            assert!(spanned.starts_with(needle) && spanned.ends_with(')'), "{name} {key}: {spanned:?}");
        }
    }
}

#[test]
fn sarif_regions_and_fixes_are_the_files() {
    let log = json_of(&stdout(&project().run(&["--format=sarif"])));
    let results = log["runs"][0]["results"].as_array().unwrap();
    let written = written();
    for (name, disk) in files() {
        let result = results
            .iter()
            .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == name)
            .unwrap_or_else(|| panic!("{name} has a result"));
        let regions = [
            (&result["locations"][0]["physicalLocation"]["region"], STATIC),
            (&result["relatedLocations"][0]["physicalLocation"]["region"], SESSION),
        ];
        for (region, needle) in regions {
            let (line, col, byte) = place(&disk, needle);
            assert_eq!(
                (number(&region["startLine"]), number(&region["startColumn"]), number(&region["byteOffset"])),
                (line, col, byte),
                "{name} {needle}"
            );
            let end = byte + number(&region["byteLength"]);
            assert!(disk[byte as usize..end as usize].starts_with(needle), "{name} {needle}");
        }
        // The fix, applied by its lines and columns to the file on disk, is what --write writes.
        let Some(replacement) = result["fixes"][0]["artifactChanges"][0]["replacements"].get(0) else {
            assert_eq!(name, "bom-crlf.js", "only the finding left for review has no fix");
            continue;
        };
        let region = &replacement["deletedRegion"];
        let offset = |line: &Value, col: &Value| {
            let (line, col) = (number(line) as usize, number(col) as usize);
            let line_start: usize = disk.split_inclusive('\n').take(line - 1).map(str::len).sum();
            let text = &disk[line_start..];
            let skip = if line == 1 { text.len() - text.trim_start_matches(BOM).len() } else { 0 };
            line_start + skip + text[skip..].chars().take(col - 1).map(char::len_utf8).sum::<usize>()
        };
        let (start, end) = (
            offset(&region["startLine"], &region["startColumn"]),
            offset(&region["endLine"], &region["endColumn"]),
        );
        let inserted = replacement["insertedContent"]["text"].as_str().unwrap();
        let patched = format!("{}{inserted}{}", &disk[..start], &disk[end..]);
        let fixed = &written.iter().find(|(n, _)| *n == name).unwrap().1;
        assert_eq!(&patched, fixed, "{name}");
    }
}

#[test]
fn patches_apply_to_the_files_and_give_what_write_writes() {
    let p = project();
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).current_dir(p.path()).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    };
    git(&["init", "-q"]);
    git(&["config", "core.autocrlf", "false"]);
    std::fs::write(p.file("fix.patch"), stdout(&p.run(&["--format=patch"]))).unwrap();
    git(&["apply", "fix.patch"]);
    for (name, fixed) in written() {
        assert_eq!(p.read(name), fixed, "{name}");
    }
}

#[test]
fn the_pr_body_and_explain_name_the_files_lines_and_columns() {
    let p = project();
    p.run(&["--pr-body", "pr.md"]);
    let body = p.read("pr.md");
    let explain = stdout(&p.run(&["--explain"]));
    for (name, disk) in files() {
        let (line, col, _) = place(&disk, STATIC);
        assert!(body.contains(&format!("| `{name}` | {line} |")), "{name}:\n{body}");
        let (session_line, session_col, _) = place(&disk, SESSION);
        let plan = format!("session at line {session_line}, first static after it at line {line}");
        assert!(explain.contains(&plan), "{name}: {plan}\n{explain}");
        if name == "line1.js" {
            for (l, c) in [(line, col), (session_line, session_col)] {
                assert!(explain.contains(&format!("argument {l}:{c}: ")), "{name} {l}:{c}\n{explain}");
            }
        }
    }
}
