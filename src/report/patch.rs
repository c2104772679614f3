//! The patch format: every fix as a git-style patch that `git apply` accepts from the
//! directory the paths are relative to.

use std::io::{self, Write};

use super::{FileReport, Reporter, diff_name};

pub struct Patch;

/// A path as git writes it in a patch header: C-quoted when it holds special characters.
fn git_path(prefix: &str, name: &str) -> String {
    let path = format!("{prefix}{name}");
    if !path.bytes().any(|b| b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b)) {
        return path;
    }
    let mut quoted = String::from("\"");
    for b in path.bytes() {
        match b {
            b'"' => quoted.push_str("\\\""),
            b'\\' => quoted.push_str("\\\\"),
            b'\t' => quoted.push_str("\\t"),
            b'\n' => quoted.push_str("\\n"),
            b'\r' => quoted.push_str("\\r"),
            b if !(0x20..0x7f).contains(&b) => quoted.push_str(&format!("\\{b:03o}")),
            b => quoted.push(b as char),
        }
    }
    quoted.push('"');
    quoted
}

impl Reporter for Patch {
    fn file(&mut self, out: &mut dyn Write, err: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        super::write_notes(err, report)?;
        for (f, partial) in report.findings.iter().filter_map(|f| Some((f, f.partial()?))) {
            writeln!(err, "{}:{}:{}: {partial}", report.path.display(), f.at.line, f.at.col)?;
        }
        let Some(diff) = &report.diff else { return Ok(()) };
        let name = diff_name(&report.path);
        let (a, b) = (git_path("a/", &name), git_path("b/", &name));
        writeln!(out, "diff --git {a} {b}")?;
        // The unified diff's own header lines, with git's quoting.
        let lines = diff.split_inclusive('\n').skip(2);
        let tab = if name.contains(' ') { "\t" } else { "" };
        writeln!(out, "--- {a}{tab}")?;
        writeln!(out, "+++ {b}{tab}")?;
        for line in lines {
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::git_path;

    #[test]
    fn paths_are_quoted_like_git() {
        assert_eq!(git_path("a/", "src/my app.js"), "a/src/my app.js");
        assert_eq!(git_path("a/", "tab\there.js"), "\"a/tab\\there.js\"");
        assert_eq!(git_path("b/", "é.js"), "\"b/\\303\\251.js\"");
    }
}
