//! The language server in real editors: Neovim headless with its built-in LSP client
//! (`tests/editors/nvim/*.lua`) applies the quick fix, fix-all and the ignore action to copies
//! of the example apps, and the files it writes are compared with `static-first --write`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{BIN, Project, stderr};

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
        eprintln!("SKIPPED: the Neovim editor test needs `nvim` on the PATH (`apt-get install neovim`); it is not installed");
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
    run_nvim(&nvim, "fixall_ignore.lua", &editor, &[("APP_FILE", "shop/server.js"), ("REVIEW_FILE", "admin/server.ts")]);
    assert!(cli.run(&["--write", "shop/server.js"]).status.success());
    assert_eq!(editor.read("shop/server.js"), cli.read("shop/server.js"));
    let admin = editor.read("admin/server.ts");
    assert!(admin.contains("// static-first-ignore: the admin checks every asset itself\n"), "{admin}");
    let check = editor.run(&["--check", "admin/server.ts"]);
    assert!(check.status.success(), "the CLI honours the editor's suppression: {}", crate::support::stdout(&check));
}
