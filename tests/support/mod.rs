//! Helpers shared by the integration tests: a temporary project and a way to run the binary.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

pub const BIN: &str = env!("CARGO_BIN_EXE_static-first");

/// A minimal app with session before static, fixable by lifting static.
pub const BAD: &str = "const express = require('express');
const session = require('express-session');
const app = express();
app.use(session({ secret: 's' }));
app.use(express.static('public'));
";

/// `BAD` fixed.
pub const FIXED: &str = "const express = require('express');
const session = require('express-session');
const app = express();
app.use(express.static('public'));
app.use(session({ secret: 's' }));
";

/// A finding the tool must refuse: a route sits between session and static.
pub const BLOCKED: &str = "const express = require('express');
const session = require('express-session');
const app = express();
app.use(session({ secret: 's' }));
app.get('/x', (req, res) => res.end());
app.use(express.static('public'));
";

/// Runs the binary in `dir` with `args`, colors off.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--color=never")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("the static-first binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A temporary directory holding the given files.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new(files: &[(&str, &str)]) -> Project {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let project = Project { dir };
        for (name, content) in files {
            project.write(name, content);
        }
        project
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, content: &str) {
        let path = self.file(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }

    pub fn read(&self, name: &str) -> String {
        fs::read_to_string(self.file(name)).unwrap()
    }

    pub fn run(&self, args: &[&str]) -> Output {
        run(self.path(), args)
    }
}

/// Installs the pinned npm packages of `tests/<dir>` (its package-lock.json) once per test
/// run, and returns its node_modules. An install is kept while the lockfile it was made from
/// is unchanged (a copy is stamped into node_modules); a changed lockfile reinstalls.
pub fn npm_ci(dir: &str) -> PathBuf {
    static DONE: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let mut done = DONE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(modules) = done.get(dir) {
        return modules.clone();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(dir);
    let modules = root.join("node_modules");
    let lock = fs::read(root.join("package-lock.json")).expect("a committed package-lock.json");
    let stamp = modules.join(".static-first-installed-lock.json");
    if fs::read(&stamp).ok().as_ref() != Some(&lock) {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&root)
            .status()
            .expect("npm must be installed to run these tests");
        assert!(status.success(), "npm ci failed in {}", root.display());
        fs::write(&stamp, &lock).unwrap();
    }
    done.insert(dir.to_string(), modules.clone());
    modules
}

/// A Python tool from PyPI (`package`, pinned as `name==version`) in its own virtual
/// environment `venv` under target/: the path of its executable `bin`. Installed when missing.
pub fn pip_tool(venv: &str, package: &str, bin: &str) -> PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join(venv);
    let tool = venv.join("bin").join(bin);
    if !tool.exists() {
        let ok = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().is_ok_and(|s| s.success());
        assert!(ok, "python3 -m venv failed");
        let ok = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", package])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "pip install {package} failed");
    }
    tool
}
