//! The github format: GitHub Actions workflow commands, one per finding and per error.

use std::io::{self, Write};

use super::words::Blocked;
use super::{FileReport, Reporter, Status, display_name};

pub struct Github;

/// Escapes a workflow command's property value (`%`, CR, LF, `:` and `,`).
fn property(value: &str) -> String {
    data(value).replace(':', "%3A").replace(',', "%2C")
}

/// Escapes a workflow command's message (`%`, CR and LF).
fn data(value: &str) -> String {
    value.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

impl Reporter for Github {
    fn file(&mut self, out: &mut dyn Write, _err: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        let file = property(&display_name(&report.path));
        if let Some(error) = &report.error {
            writeln!(
                out,
                "::error file={file},title={}::{}",
                property("static-first"),
                data(&error.to_string())
            )?;
        }
        for note in &report.notes {
            writeln!(
                out,
                "::warning file={file},line={},col={}::{}",
                note.line,
                note.col,
                data(&note.issue.to_string())
            )?;
        }
        for f in &report.findings {
            let tail = match &f.status {
                Status::Suppressed { .. } => continue,
                Status::Review { reason, blocked_by } => {
                    format!(" Needs review: {}.", Blocked { reason, line: *blocked_by })
                }
                Status::Fixable { .. } if report.written => " Fixed.".to_string(),
                Status::Fixable { .. } => " Fix with `static-first --write`.".to_string(),
            };
            writeln!(
                out,
                "::warning file={file},line={},col={},endLine={},title={}::{}",
                f.at.line,
                f.at.col,
                f.at.line,
                property("static before session"),
                data(&format!(
                    "{}{tail}{}",
                    f.message(),
                    f.partial()
                        .iter()
                        .chain(&f.note().map(str::to_string))
                        .map(|n| format!(" Note: {n}."))
                        .collect::<String>()
                ))
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_values_are_escaped() {
        assert_eq!(property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(data("50%: a\r\nb"), "50%25: a%0D%0Ab");
    }
}
