//! The language server in real editors: Neovim headless with its built-in LSP client
//! (`tests/editors/nvim/*.lua`) applies the quick fix, fix-all and the ignore action to copies
//! of the example apps, and the files it writes are compared with `static-first --write`; the
//! VS Code extension (`editors/vscode/`) is packaged with its pinned `@vscode/vsce`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{BIN, Project, npm_ci, stderr};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Neovim, or `None` (with the reason printed) when it is not installed outside CI. Under CI
/// (`CI=true`, where `.ci/run` installs it) a missing Neovim fails the test.
fn nvim() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|p| p.join("nvim")).find(|p| p.is_file()));
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "Neovim (`nvim`) is not installed, and CI must run the editor tests: `apt-get install neovim`"
        );
        eprintln!(
            "SKIPPED: the Neovim editor test needs `nvim` on the PATH (`apt-get install neovim`); it is not installed"
        );
    }
    found
}

/// Copies of the example apps, twice: one for the editor, one for `static-first --write`.
fn examples() -> (Project, Project) {
    let copy = || {
        let project = Project::new(&[]);
        for app in ["shop/server.js", "admin/server.ts", "admin/auth.ts"] {
            project.write(app, &fs::read_to_string(root().join("examples").join(app)).unwrap());
        }
        project
    };
    (copy(), copy())
}

/// Runs a script of `tests/editors/nvim/` headless with these files.
fn run_nvim(nvim: &Path, script: &str, project: &Project, files: &[(&str, &str)]) {
    let scripts = root().join("tests/editors/nvim");
    let state = Project::new(&[]);
    let mut command = Command::new(nvim);
    command
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", scripts.join(script).display()))
        .current_dir(project.path())
        .env("STATIC_FIRST_BIN", BIN)
        .env("NVIM_SCRIPTS", &scripts)
        .env("XDG_STATE_HOME", state.path())
        .env("XDG_CACHE_HOME", state.path())
        .env("XDG_DATA_HOME", state.path());
    for (name, file) in files {
        command.env(name, project.file(file));
    }
    let out = command.output().expect("nvim runs");
    assert!(out.status.success(), "{script} failed ({}): {}", out.status, stderr(&out));
}

#[test]
fn neovim_applies_the_quick_fix_as_write_does() {
    let Some(nvim) = nvim() else { return };
    let (editor, cli) = examples();
    let before = editor.read("shop/server.js");
    run_nvim(&nvim, "quickfix.lua", &editor, &[("APP_FILE", "shop/server.js")]);
    assert!(cli.run(&["--write", "shop/server.js"]).status.success());
    assert_ne!(editor.read("shop/server.js"), before, "the editor changed nothing");
    assert_eq!(editor.read("shop/server.js"), cli.read("shop/server.js"));
}

#[test]
fn neovim_fixes_all_and_ignores_a_finding_for_review() {
    let Some(nvim) = nvim() else { return };
    let (editor, cli) = examples();
    run_nvim(
        &nvim,
        "fixall_ignore.lua",
        &editor,
        &[("APP_FILE", "shop/server.js"), ("REVIEW_FILE", "admin/server.ts")],
    );
    assert!(cli.run(&["--write", "shop/server.js"]).status.success());
    assert_eq!(editor.read("shop/server.js"), cli.read("shop/server.js"));
    let admin = editor.read("admin/server.ts");
    assert!(admin.contains("// static-first-ignore: the admin checks every asset itself\n"), "{admin}");
    let check = editor.run(&["--check", "admin/server.ts"]);
    assert!(
        check.status.success(),
        "the CLI honours the editor's suppression: {}",
        crate::support::stdout(&check)
    );
}

#[test]
fn the_vscode_extension_packages_with_vsce_and_finds_the_server() {
    // Installed from its lockfile once per test run (kept while the lockfile is unchanged).
    let modules = npm_ci("../editors/vscode");
    let extension = root().join("editors/vscode");
    let out_dir = Project::new(&[]);
    let vsix = out_dir.file("static-first.vsix");
    let out = Command::new(modules.join(".bin/vsce"))
        .args(["package", "--skip-license", "--allow-missing-repository", "--out"])
        .arg(&vsix)
        .current_dir(&extension)
        .output()
        .expect("vsce runs");
    assert!(out.status.success(), "vsce package failed: {}{}", crate::support::stdout(&out), stderr(&out));
    // A .vsix is a zip: list it with Python's zipfile.
    let listing = Command::new("python3")
        .args(["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))"])
        .arg(&vsix)
        .output()
        .expect("python3 runs");
    let names = crate::support::stdout(&listing);
    let names: Vec<&str> = names.lines().collect();
    for wanted in [
        "extension/package.json",
        "extension/extension.js",
        "extension/readme.md",
        "extension/node_modules/vscode-languageclient/package.json",
        "extension/node_modules/vscode-languageclient/node.js",
    ] {
        assert!(names.contains(&wanted), "{wanted} is not in the .vsix: {names:#?}");
    }
    assert!(!names.iter().any(|n| n.contains("@vscode/vsce")), "the packager is not shipped");

    // The server command: the setting, else the workspace's npm package, else the PATH. The
    // `vscode` module exists only inside VS Code: a stub stands in for it.
    out_dir.write("stub/vscode/index.js", "module.exports = { workspace: {} };\n");
    let workspace = Project::new(&[]);
    let platform = fs::read_to_string(root().join("npm/static-first/lib/platform.js")).unwrap();
    workspace.write("node_modules/static-first/lib/platform.js", &platform);
    workspace.write(
        "node_modules/static-first/package.json",
        &fs::read_to_string(root().join("npm/static-first/package.json")).unwrap(),
    );
    let script = "const assert = require('assert');
        const { serverCommand } = require('./extension.js');
        const [bin, folder] = process.argv.slice(1);
        assert.strictEqual(serverCommand('/opt/static-first', []), '/opt/static-first');
        assert.strictEqual(serverCommand('', [{ uri: { fsPath: folder } }]), bin);
        assert.strictEqual(serverCommand('', undefined), 'static-first');";
    let out = Command::new("node")
        .args(["-e", script, BIN])
        .arg(workspace.path())
        .env("STATIC_FIRST_BINARY", BIN)
        .env("NODE_PATH", out_dir.file("stub"))
        .current_dir(&extension)
        .output()
        .expect("node runs");
    assert!(out.status.success(), "{}", stderr(&out));
}
