//! The npm packages as a user gets them: packed by `npm/build.sh` (with the debug binary),
//! installed from the tarballs into fresh projects with npm, then run: `npx static-first`, the
//! Node API, the launcher's errors, and the ESLint plugin under ESLint 9 (pinned in
//! `tests/eslint`, installed by the tests with `npm ci`).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

use crate::support::{BAD, BIN, BLOCKED, FIXED, npm_ci, stderr, stdout};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Where this run packs and installs; emptied by the first test that needs it.
fn work() -> &'static Path {
    static WORK: OnceLock<PathBuf> = OnceLock::new();
    WORK.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("npm");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    })
}

/// The tarballs: this host's platform package, the launcher, the ESLint plugin.
struct Tarballs {
    platform: PathBuf,
    launcher: PathBuf,
    plugin: PathBuf,
}

fn tarballs() -> &'static Tarballs {
    static PACKED: OnceLock<Tarballs> = OnceLock::new();
    PACKED.get_or_init(|| {
        let out = Command::new("bash")
            .arg(root().join("npm/build.sh"))
            .arg(work().join("pack"))
            .arg(BIN)
            .output()
            .expect("bash runs npm/build.sh");
        assert!(out.status.success(), "npm/build.sh failed: {}", stderr(&out));
        let paths: Vec<PathBuf> = stdout(&out).lines().map(PathBuf::from).collect();
        let [platform, launcher, plugin] = <[PathBuf; 3]>::try_from(paths).expect("three tarballs");
        Tarballs { platform, launcher, plugin }
    })
}

/// The host's platform package, as the launcher names it.
fn platform_package() -> String {
    let out = Command::new("node").arg(root().join("npm/static-first/lib/platform.js")).output().unwrap();
    format!("@static-first/{}", stdout(&out).trim())
}

/// A fresh project under the work directory with the tarballs installed by `npm install`.
fn install(name: &str, tarballs: &[&Path], flags: &[&str]) -> PathBuf {
    let dir = work().join(name);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("package.json"), format!("{{\"name\": \"{name}\", \"private\": true}}\n")).unwrap();
    let out = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .args(flags)
        .args(tarballs)
        .current_dir(&dir)
        .output()
        .expect("npm must be installed to run these tests");
    assert!(out.status.success(), "npm install failed in {}: {}", dir.display(), stderr(&out));
    dir
}

/// A project with the launcher and the platform package, shared by the tests of the command.
fn launcher_project() -> &'static Path {
    static PROJECT: OnceLock<PathBuf> = OnceLock::new();
    PROJECT.get_or_init(|| {
        let t = tarballs();
        install("launcher", &[&t.launcher, &t.platform], &[])
    })
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `npx static-first ARGS` in `dir`, as a user types it.
fn npx(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new("npx")
        .arg("static-first")
        .args(args)
        .env_remove("STATIC_FIRST_BINARY")
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .unwrap()
}

fn direct(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).output().unwrap()
}

#[test]
fn npx_static_first_runs_the_packaged_binary() {
    let project = launcher_project();
    let case = project.join("npx");
    copy_tree(&root().join("examples"), &case.join("examples"));
    for args in [&["examples"][..], &["--check", "examples"], &["--format", "json", "examples"]] {
        let (via_npx, own) = (npx(&case, args, &[]), direct(&case, args));
        assert_eq!(via_npx.status.code(), Some(1), "{args:?}: {}", stderr(&via_npx));
        assert_eq!(stdout(&via_npx), stdout(&own), "{args:?}");
    }
    assert!(stdout(&npx(&case, &["examples"], &[])).contains("--- a/examples/shop/server.js\n"));

    let written = npx(&case, &["--write", "examples/shop"], &[]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert_eq!(stdout(&written), "fixed examples/shop/server.js\n");
    let mut by_cli = case.join("cli");
    copy_tree(&root().join("examples/shop"), &by_cli);
    assert_eq!(direct(&case, &["--write", "cli"]).status.code(), Some(0));
    by_cli.push("server.js");
    assert_eq!(fs::read(case.join("examples/shop/server.js")).unwrap(), fs::read(by_cli).unwrap());
    assert_eq!(npx(&case, &["examples/shop"], &[]).status.code(), Some(0));
    // stdin and stdout are the user's.
    let out = Command::new("sh")
        .args(["-c", "printf '%s' \"$0\" | npx static-first - --stdin-filename app.js", BAD])
        .current_dir(&case)
        .output()
        .unwrap();
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), FIXED.to_string()));
}

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn the_launcher_passes_arguments_streams_exit_codes_and_signals_and_says_what_is_missing() {
    let project = launcher_project();
    let case = project.join("launcher-errors");
    fs::create_dir_all(&case).unwrap();
    let echo = script(&case, "echo-7", "echo \"args: $*\"; echo err >&2; exit 7");
    let out = npx(&case, &["--check", "a b"], &[("STATIC_FIRST_BINARY", echo.to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(7));
    assert_eq!((stdout(&out), stderr(&out)), ("args: --check a b\n".into(), "err\n".into()));
    // Through node directly (npx itself would turn a signal into an exit code).
    let launcher = project.join("node_modules/static-first/bin/static-first.js");
    let killed = script(&case, "killed", "kill -TERM $$");
    let out = Command::new("node").arg(&launcher).env("STATIC_FIRST_BINARY", &killed).output().unwrap();
    assert_eq!(out.status.signal(), Some(15), "{out:?}");

    for broken in [case.join("missing"), case.join("not-executable"), case.clone()] {
        fs::write(case.join("not-executable"), "").unwrap();
        let out = npx(&case, &["."], &[("STATIC_FIRST_BINARY", broken.to_str().unwrap())]);
        assert_eq!(out.status.code(), Some(2));
        let message = stderr(&out);
        assert!(
            message.contains("STATIC_FIRST_BINARY") && message.contains(broken.to_str().unwrap()),
            "{message}"
        );
    }

    // npm leaves optional dependencies out: the message names the package to install.
    let t = tarballs();
    let bare = install("launcher-only", &[&t.launcher], &["--omit=optional"]);
    assert!(!bare.join("node_modules").join(platform_package()).exists());
    let out = npx(&bare, &["."], &[]);
    assert_eq!(out.status.code(), Some(2));
    let wanted = format!("npm install --save-dev {}@{}", platform_package(), env!("CARGO_PKG_VERSION"));
    assert!(stderr(&out).contains(&wanted), "{}", stderr(&out));
    let api = node(&bare, "try { api.checkSync('.') } catch (e) { console.log(e.message) }");
    assert!(api.contains(&wanted), "{api}");
}

/// Runs a script in `dir` with the package's API as `api`; its stdout.
fn node(dir: &Path, body: &str) -> String {
    let program = format!(
        "const api = require('static-first');\n(async () => {{ {body} }})().catch(e => {{ console.error(e); process.exit(3); }});"
    );
    let out = Command::new("node").args(["-e", &program]).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn the_node_api_returns_the_cli_json_report() {
    let project = launcher_project();
    let case = project.join("api");
    copy_tree(&root().join("examples"), &case.join("examples"));
    fs::write(case.join("blocked.js"), BLOCKED).unwrap();
    let schema = json(include_str!("../docs/static-first.schema.json"));
    let validator = jsonschema::validator_for(&schema).unwrap();
    let reports = json(&node(
        &case,
        "const text = require('fs').readFileSync('examples/shop/server.js', 'utf8');
         console.log(JSON.stringify([
           await api.check(['examples']),
           api.checkSync('examples', { check: true }),
           await api.fixSource(text, 'examples/shop/server.js'),
           api.fixSourceSync(require('fs').readFileSync('blocked.js', 'utf8'), 'blocked.js'),
         ]));",
    ));
    for report in reports.as_array().unwrap() {
        assert!(validator.is_valid(report), "{report:#}");
    }
    assert_eq!(reports[0], json(&stdout(&direct(&case, &["--format", "json", "examples"]))));
    assert_eq!(reports[1], json(&stdout(&direct(&case, &["--format", "json", "--check", "examples"]))));
    let fixed = reports[2]["files"][0]["fixed_source"].as_str().unwrap();
    let source = fs::read_to_string(case.join("examples/shop/server.js")).unwrap();
    let mut by_cli = Command::new(BIN)
        .args(["-", "--stdin-filename", "examples/shop/server.js"])
        .current_dir(&case)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut by_cli.stdin.take().unwrap(), source.as_bytes()).unwrap();
    assert_eq!(fixed, String::from_utf8(by_cli.wait_with_output().unwrap().stdout).unwrap());
    assert_eq!(reports[3]["files"][0]["findings"][0]["status"], "review");
    // A run that stops before its report rejects, with the CLI's message.
    let message =
        node(&case, "await api.check(['.'], { maxFilesize: 'huge' }).catch(e => console.log(e.message))");
    assert!(message.contains("exited with 2") && message.contains("huge"), "{message}");

    // The types compile against a program that uses them, under tsc --strict.
    let tools = npm_ci("eslint");
    fs::write(
        case.join("use.ts"),
        "import { check, fixSourceSync, Report, Finding } from 'static-first';\n\
         const report: Report = fixSourceSync('x', 'a.js', { maxFilesize: '1M' });\n\
         const first: Finding | undefined = report.files[0]?.findings[0];\n\
         check(['.'], { write: true }).then((r) => r.summary.fixable + (first?.static.line ?? 0));\n",
    )
    .unwrap();
    let out = Command::new("node")
        .arg(tools.join("typescript/bin/tsc"))
        .args(["--strict", "--noEmit", "--module", "nodenext", "--moduleResolution", "nodenext", "use.ts"])
        .current_dir(&case)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn every_package_has_cargos_version_and_every_platform_is_listed() {
    let version = env!("CARGO_PKG_VERSION");
    let read =
        |dir: &str| json(&fs::read_to_string(root().join("npm").join(dir).join("package.json")).unwrap());
    let launcher = read("static-first");
    assert_eq!(launcher["version"], version);
    let plugin = read("eslint-plugin-static-first");
    assert_eq!(plugin["version"], version);
    assert_eq!(plugin["dependencies"]["static-first"], version);
    let optional = launcher["optionalDependencies"].as_object().unwrap();
    let platform_js = fs::read_to_string(root().join("npm/static-first/lib/platform.js")).unwrap();
    let mut platforms: Vec<String> = fs::read_dir(root().join("npm"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("cli-"))
        .collect();
    platforms.sort();
    assert!(platforms.len() >= 2, "{platforms:?}");
    for dir in &platforms {
        let package = read(dir);
        let name = format!("@static-first/{dir}");
        assert_eq!(package["name"], name.as_str());
        assert_eq!(package["version"], version, "{dir}");
        assert_eq!(optional[&name], version, "{name} in the launcher's optionalDependencies");
        assert!(platform_js.contains(&format!("'{name}'")), "{name} in lib/platform.js");
        let parts: Vec<&str> = dir.trim_start_matches("cli-").split('-').collect();
        assert_eq!(package["os"], serde_json::json!([parts[0]]), "{dir}");
        assert_eq!(package["cpu"], serde_json::json!([parts[1]]), "{dir}");
        let libc = match (parts[0], parts.get(2)) {
            ("linux", Some(&"musl")) => serde_json::json!(["musl"]),
            ("linux", None) => serde_json::json!(["glibc"]),
            _ => Value::Null,
        };
        assert_eq!(package["libc"], libc, "{dir}");
    }
    assert_eq!(optional.len(), platforms.len());
}

/// A project with the three tarballs, for ESLint (pinned in tests/eslint, so npm is told not to
/// install the plugin's peer dependency).
fn eslint_project() -> &'static Path {
    static PROJECT: OnceLock<PathBuf> = OnceLock::new();
    PROJECT.get_or_init(|| {
        let t = tarballs();
        let dir = install("eslint", &[&t.launcher, &t.platform, &t.plugin], &["--legacy-peer-deps"]);
        let parser = npm_ci("eslint").join("@typescript-eslint/parser/dist/index.js");
        fs::write(
            dir.join("eslint.config.mjs"),
            format!(
                "import staticFirst from 'eslint-plugin-static-first';\n\
                 import * as tsParser from {:?};\n\
                 export default [\n  staticFirst.configs.recommended,\n  \
                 {{ files: ['**/*.ts'], languageOptions: {{ parser: tsParser }} }},\n];\n",
                parser.to_str().unwrap()
            ),
        )
        .unwrap();
        dir
    })
}

/// ESLint on `paths` in the ESLint project, with `args`.
fn eslint(args: &[&str], env: &[(&str, &str)]) -> Output {
    let bin = npm_ci("eslint").join("eslint/bin/eslint.js");
    Command::new("node")
        .arg(bin)
        .args(args)
        .env_remove("STATIC_FIRST_BINARY")
        .envs(env.iter().copied())
        .current_dir(eslint_project())
        .output()
        .unwrap()
}

/// A partial fix: the static at line 8 moves, the one at line 10 stays behind the guard at line 9.
const PARTIAL: &str = include_str!("fixtures/moves/partial-static-behind-a-guard.js");

/// ESLint's json output for one file: its messages.
fn messages(path: &str, env: &[(&str, &str)]) -> Vec<Value> {
    messages_of(&[path], env).pop().unwrap()
}

/// The messages of each of `paths` (relative to the ESLint project), from one ESLint run: a
/// run costs a second of Node's start-up, and a file's messages do not depend on the others.
fn messages_of(paths: &[&str], env: &[(&str, &str)]) -> Vec<Vec<Value>> {
    let out = eslint(&[&["--format", "json"][..], paths].concat(), env);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let results = json(&stdout(&out));
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), paths.len(), "one result per file: {results:#?}");
    paths
        .iter()
        .map(|path| {
            let result = results
                .iter()
                .find(|r| r["filePath"].as_str().is_some_and(|p| p.ends_with(&format!("/{path}"))))
                .unwrap_or_else(|| panic!("no result for {path}"));
            result["messages"].as_array().unwrap().clone()
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// The CLI's warning for a file, after `warning: `.
fn cli_warning(dir: &Path, path: &str) -> String {
    let out = direct(dir, &["--check", path]);
    let line = stdout(&out).lines().next().unwrap_or_default().to_string();
    line.split_once(": warning: ").map(|(_, w)| w.to_string()).unwrap_or(line)
}

#[test]
fn eslint_reports_the_clis_findings_where_and_as_it_does() {
    let project = eslint_project();
    let case = project.join("findings");
    write(&case, "bad.js", BAD);
    write(&case, "blocked.js", BLOCKED);
    write(
        &case,
        "typed.ts",
        &BAD.replace("const app = express();", "const app: express.Express = express();"),
    );
    let suppressed = BAD
        .replace("app.use(express.static", "// static-first-ignore: per-user assets\napp.use(express.static");
    write(&case, "suppressed.js", &suppressed);
    write(&case, "plain.js", "const x = require('lodash');\n");
    write(
        &case,
        "acme/static-first.toml",
        "[middleware]\nsession = [\"@acme/sessions\"]\nstatic = [\"@acme/web#serve\"]\n",
    );
    write(
        &case,
        "acme/app.js",
        "const express = require('express');\nconst sessions = require('@acme/sessions');\n\
         const web = require('@acme/web');\nconst app = express();\napp.use(sessions());\napp.use(web.serve('public'));\n",
    );

    write(&case, "partial.js", PARTIAL);
    write(&case, "wide.js", &BAD.replace("app.use(express", "/* é😀 */ app.use(express"));
    write(&case, "no-reason.js", &suppressed.replace(": per-user assets", ""));
    let [bad, blocked, partial, wide, typed, suppressed, no_reason, acme] = messages_of(
        &[
            "findings/bad.js",
            "findings/blocked.js",
            "findings/partial.js",
            "findings/wide.js",
            "findings/typed.ts",
            "findings/suppressed.js",
            "findings/no-reason.js",
            "findings/acme/app.js",
        ],
        &[],
    )
    .try_into()
    .unwrap();

    let cli = json(&stdout(&direct(project, &["--format", "json", "findings/bad.js"])));
    assert_eq!(bad.len(), 1, "{bad:#?}");
    assert_eq!(bad[0]["ruleId"], "static-first/session-before-static");
    assert_eq!((bad[0]["line"].as_u64(), bad[0]["column"].as_u64()), (Some(5), Some(9)));
    assert_eq!((bad[0]["endLine"].as_u64(), bad[0]["endColumn"].as_u64()), (Some(5), Some(33)));
    assert_eq!(bad[0]["message"], cli["files"][0]["findings"][0]["message"]);
    assert!(bad[0]["fix"].is_object());

    assert_eq!(blocked.len(), 1);
    assert_eq!((blocked[0]["line"].as_u64(), blocked[0]["column"].as_u64()), (Some(6), Some(9)));
    assert_eq!(blocked[0]["message"].as_str().unwrap(), cli_warning(project, "findings/blocked.js"));
    assert!(blocked[0]["message"].as_str().unwrap().ends_with(", blocked by line 5)"));
    assert!(blocked[0].get("fix").is_none(), "a finding for review has no fix");

    // A partial fix: the static that moves carries the fix, the one that stays is reported
    // without one, and the fix is exactly what `--write` gives.
    let at: Vec<_> = partial.iter().map(|m| (m["line"].as_u64(), m.get("fix").is_some())).collect();
    assert_eq!(at, [(Some(8), true), (Some(10), false)], "{partial:#?}");
    let note = partial[0]["message"].as_str().unwrap();
    assert!(note.contains("; note: partial fix: the static middleware at line(s) 10"), "{note}");
    assert!(partial[1]["message"].as_str().unwrap().ends_with(", blocked by line 9)"));
    let dry = json(&stdout(&eslint(&["--fix-dry-run", "--format", "json", "findings/partial.js"], &[])));
    write(&case, "partial-cli.js", PARTIAL);
    direct(project, &["--write", "findings/partial-cli.js"]);
    assert_eq!(
        dry[0]["output"].as_str(),
        Some(fs::read_to_string(case.join("partial-cli.js")).unwrap().as_str())
    );
    assert_eq!(
        dry[0]["messages"].as_array().map(Vec::len),
        Some(1),
        "the static that stays is still reported"
    );

    // Columns count characters as ESLint does, whatever the bytes before them.
    assert_eq!((wide[0]["line"].as_u64(), wide[0]["column"].as_u64()), (Some(5), Some(19)), "{wide:#?}");

    assert_eq!(typed.len(), 1, "{typed:#?}");
    assert_eq!((typed[0]["line"].as_u64(), typed[0]["column"].as_u64()), (Some(5), Some(9)));
    assert!(suppressed.is_empty(), "{suppressed:#?}");
    // A suppression without its reason suppresses nothing and is a warning of its own.
    let at: Vec<_> = no_reason.iter().map(|m| (m["line"].as_u64(), m["column"].as_u64())).collect();
    assert_eq!(at, [(Some(5), Some(1)), (Some(6), Some(9))], "{no_reason:#?}");
    assert!(no_reason[0]["message"].as_str().unwrap().contains("needs a reason"));
    assert_eq!(acme.len(), 1, "static-first.toml's modules: {acme:#?}");
    assert_eq!(acme[0]["line"].as_u64(), Some(6));

    // The prefilter: files that cannot hold a finding never start the binary.
    let log = case.join("runs.log");
    let counting = script(&case, "counting", &format!("echo run >> {:?}\nexec {:?} \"$@\"", log, BIN));
    let env = [("STATIC_FIRST_BINARY", counting.to_str().unwrap())];
    write(
        &case,
        "session-only.js",
        "const session = require('express-session');\nmodule.exports = session;\n",
    );
    write(
        &case,
        "static-only.js",
        "const express = require('express');\nexpress().use(express.static('public'));\n",
    );
    let passed_over =
        messages_of(&["findings/plain.js", "findings/session-only.js", "findings/static-only.js"], &env);
    assert!(passed_over.iter().all(Vec::is_empty), "{passed_over:#?}");
    assert!(!log.exists(), "the binary ran for a file the prefilter should have passed over");
    assert_eq!(messages("findings/bad.js", &env).len(), 1);
    assert_eq!(fs::read_to_string(&log).unwrap(), "run\n");
}

#[test]
fn eslint_fix_gives_exactly_what_write_gives_on_every_e2e_app() {
    let project = eslint_project();
    let apps = root().join("tests/e2e/apps");
    let (by_eslint, by_cli) = (project.join("e2e-eslint"), project.join("e2e-cli"));
    copy_tree(&apps, &by_eslint);
    copy_tree(&apps, &by_cli);
    // Beside the apps: a BOM and CRLF, and characters that take more bytes in UTF-8 than
    // code units in JavaScript strings (the CLI's spans are bytes).
    let bom_crlf = format!("\u{feff}{}", BAD.replace('\n', "\r\n"));
    let wide = BAD.replace("const app", "// café ✓ 😀 sessions\nconst app").replace("'public'", "'públic😀'");
    for dir in [&by_eslint, &by_cli] {
        write(dir, "encodings/bom-crlf.js", &bom_crlf);
        write(dir, "encodings/wide.js", &wide);
    }
    let fixed = eslint(&["--fix", "e2e-eslint"], &[]);
    assert_ne!(fixed.status.code(), Some(2), "{}{}", stdout(&fixed), stderr(&fixed));
    assert!(!stdout(&fixed).contains("Parsing error"), "{}", stdout(&fixed));
    direct(project, &["--write", "e2e-cli"]);
    let mut changed = 0;
    for app in fs::read_dir(&apps).unwrap() {
        let app = app.unwrap().file_name();
        for file in files_under(&apps.join(&app)) {
            let relative = file.strip_prefix(&apps).unwrap();
            let (eslint_text, cli_text) =
                (fs::read(by_eslint.join(relative)).unwrap(), fs::read(by_cli.join(relative)).unwrap());
            assert!(
                eslint_text == cli_text,
                "{} differs between eslint --fix and --write",
                relative.display()
            );
            changed += usize::from(cli_text != fs::read(&file).unwrap());
        }
    }
    assert!(changed >= 20, "only {changed} files were fixed");
    for (name, original) in [("encodings/bom-crlf.js", &bom_crlf), ("encodings/wide.js", &wide)] {
        let (eslint_text, cli_text) =
            (fs::read(by_eslint.join(name)).unwrap(), fs::read(by_cli.join(name)).unwrap());
        assert!(eslint_text == cli_text, "{name} differs between eslint --fix and --write");
        assert!(cli_text != original.as_bytes(), "{name} was not fixed");
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(files_under(&path)) } else { files.push(path) }
    }
    files
}

#[test]
fn eslint_is_never_broken_by_a_file_the_tool_cannot_read() {
    let project = eslint_project();
    let case = project.join("errors");
    // A syntax error: ESLint's own parser reports it; the rule never runs.
    write(&case, "syntax.js", &format!("{BAD}app.use(;\n"));
    // Over --max-filesize: the tool skips it.
    let padding = "// padding to pass the size limit\n".repeat(32 * 1024);
    write(&case, "large.js", &format!("{BAD}{padding}"));
    // An error from the tool: an invalid static-first.toml.
    write(&case, "bad-config/static-first.toml", "[middleware]\nsession = 3\n");
    write(&case, "bad-config/app.js", BAD);
    let [syntax, large, config] =
        messages_of(&["errors/syntax.js", "errors/large.js", "errors/bad-config/app.js"], &[])
            .try_into()
            .unwrap();
    assert_eq!(syntax.len(), 1, "{syntax:#?}");
    assert!(syntax[0]["ruleId"].is_null() && syntax[0]["fatal"] == true);
    assert!(large.is_empty(), "the rule reports nothing: {large:#?}");
    // The tool's error: one message, its text.
    assert_eq!(config.len(), 1, "{config:#?}");
    assert!(config[0]["message"].as_str().unwrap().contains("static-first.toml"), "{config:#?}");
    // No binary to run: one message saying so.
    write(&case, "app.js", BAD);
    let missing = messages("errors/app.js", &[("STATIC_FIRST_BINARY", "/nonexistent/static-first")]);
    assert_eq!(missing.len(), 1, "{missing:#?}");
    assert!(missing[0]["message"].as_str().unwrap().contains("STATIC_FIRST_BINARY"), "{missing:#?}");
}

/// Files for one ESLint run: `count` apps of every kind (fixable, for review, TypeScript,
/// suppressed, without a finding, a syntax error), under a few directories.
fn many_files(dir: &Path, count: usize) {
    for i in 0..count {
        let sub = dir.join(format!("part{}", i % 4));
        write(&sub, &format!("bad{i}.js"), &BAD.replace("'public'", &format!("'public{i}'")));
        write(&sub, &format!("blocked{i}.js"), BLOCKED);
        write(&sub, &format!("typed{i}.ts"), &BAD.replace("const app", "const app: express.Express"));
        write(
            &sub,
            &format!("suppressed{i}.js"),
            &BAD.replace("app.use(express", "// static-first-ignore: per-user assets\napp.use(express"),
        );
        write(&sub, &format!("plain{i}.js"), "const x = require('lodash');\n");
    }
    write(dir, "syntax.js", &format!("{BAD}app.use(;\n"));
}

/// A STATIC_FIRST_BINARY that logs each start (`serve` for the server, `run` for one file) and
/// then runs the binary; with `serve_body`, the server's start runs that shell code instead.
fn logging_binary(dir: &Path, name: &str, serve_body: &str) -> (PathBuf, PathBuf) {
    let log = dir.join(format!("{name}.log"));
    let _ = fs::remove_file(&log);
    let body = format!(
        "case \" $* \" in *\" --serve \"*) echo serve >> {log:?}; {serve};; esac\necho run >> {log:?}\nexec {BIN:?} \"$@\"",
        serve = if serve_body.is_empty() { format!("exec {BIN:?} \"$@\"") } else { serve_body.to_string() },
    );
    (script(dir, name, &body), log)
}

fn starts(log: &Path) -> (usize, usize) {
    let text = fs::read_to_string(log).unwrap_or_default();
    (text.lines().filter(|l| *l == "serve").count(), text.lines().filter(|l| *l == "run").count())
}

#[test]
fn eslint_checks_many_files_through_one_server_with_the_same_results() {
    let project = eslint_project();
    let case = project.join("many");
    many_files(&case, 12);
    let (binary, log) = logging_binary(&case, "logging", "");
    let env = [("STATIC_FIRST_BINARY", binary.to_str().unwrap())];
    let served = eslint(&["--format", "json", "many"], &env);
    assert_eq!(served.status.code(), Some(1), "{}", stderr(&served));
    // One process for every file that passes the prefilter: the server.
    assert_eq!(starts(&log), (1, 0));
    let results = json(&stdout(&served));
    let reported: usize = results
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["messages"].as_array().unwrap())
        .filter(|m| m["ruleId"] == "static-first/session-before-static")
        .count();
    assert_eq!(reported, 3 * 12, "each bad, blocked and typed file once");

    // A process per file gives the same output, byte for byte.
    let (per_file, per_file_log) = logging_binary(&case, "per-file", "exit 3");
    let by_processes =
        eslint(&["--format", "json", "many"], &[("STATIC_FIRST_BINARY", per_file.to_str().unwrap())]);
    assert_eq!(stdout(&by_processes), stdout(&served));
    let (server_starts, runs) = starts(&per_file_log);
    assert_eq!(server_starts, 1, "the server is tried once");
    assert!(runs >= 4 * 12, "{runs} processes");
}

#[test]
fn eslint_gives_the_same_messages_when_the_server_dies_mid_run() {
    let project = eslint_project();
    let case = project.join("crash");
    many_files(&case, 8);
    let apps = case.join("apps");
    copy_tree(&root().join("tests/e2e/apps"), &apps);
    let expected = eslint(&["--format", "json", "crash"], &[]);
    assert_ne!(expected.status.code(), Some(2), "{}", stderr(&expected));
    // The server answers three requests, then is killed before it answers the fourth (the
    // shell passes each line on as it comes; `head` would hold them).
    let forward = "for i in 1 2 3; do IFS= read -r line && printf '%s\\n' \"$line\"; done";
    let (crashing, log) =
        logging_binary(&case, "crashing", &format!("{forward} | {BIN:?} \"$@\"; kill -KILL $$"));
    let crashed =
        eslint(&["--format", "json", "crash"], &[("STATIC_FIRST_BINARY", crashing.to_str().unwrap())]);
    assert_eq!(stdout(&crashed), stdout(&expected));
    let (server_starts, runs) = starts(&log);
    assert_eq!(server_starts, 1, "the server is not started again");
    assert!(runs >= 30, "only {runs} files were checked after the server died");

    // And the fixes: `eslint --fix` through a dying server writes what --write writes.
    let (by_eslint, by_cli) = (case.join("fix-eslint"), case.join("fix-cli"));
    copy_tree(&apps, &by_eslint);
    copy_tree(&apps, &by_cli);
    let fixed =
        eslint(&["--fix", "crash/fix-eslint"], &[("STATIC_FIRST_BINARY", crashing.to_str().unwrap())]);
    assert_ne!(fixed.status.code(), Some(2), "{}", stderr(&fixed));
    direct(project, &["--write", "crash/fix-cli"]);
    for file in files_under(&by_cli) {
        let relative = file.strip_prefix(&by_cli).unwrap();
        assert!(
            fs::read(by_eslint.join(relative)).unwrap() == fs::read(&file).unwrap(),
            "{}",
            relative.display()
        );
    }
}

/// Waits for `child` at most `limit`; kills it and fails past that.
fn wait_at_most(
    child: &mut std::process::Child,
    limit: std::time::Duration,
    what: &str,
) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("{what} still running after {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn eslint_exits_once_it_has_linted_and_the_server_ends_with_it() {
    let project = eslint_project();
    let case = project.join("exit");
    many_files(&case, 2);
    let pid_file = case.join("server.pid");
    let wrapper = script(
        &case,
        "recording",
        &format!("case \" $* \" in *\" --serve \"*) echo $$ > {pid_file:?};; esac\nexec {BIN:?} \"$@\""),
    );
    let bin = npm_ci("eslint").join("eslint/bin/eslint.js");
    let mut child = Command::new("node")
        .arg(bin)
        .args(["--format", "json", "exit"])
        .env("STATIC_FIRST_BINARY", &wrapper)
        .current_dir(project)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Minutes, not the seconds the run takes: a server kept alive by ESLint would wait forever
    // for its input to end, and ESLint for it.
    let status = wait_at_most(&mut child, std::time::Duration::from_secs(180), "ESLint");
    assert_eq!(status.code(), Some(1));
    let pid = fs::read_to_string(&pid_file).expect("the server was started").trim().to_string();
    let proc = Path::new("/proc").join(&pid);
    let started = std::time::Instant::now();
    while fs::read_to_string(proc.join("stat")).is_ok_and(|stat| !stat.contains(") Z ")) {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "the server {pid} outlived ESLint");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
