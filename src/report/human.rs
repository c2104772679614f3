//! The human format: colored unified diffs, one-line warnings, a summary on stderr.

use std::io::{self, Write};

use super::{FileReport, Mode, Reporter, explain};

/// The human output: diffs or findings on stdout, errors and the summary on stderr.
pub struct Human {
    pub mode: Mode,
    pub color: bool,
    /// Print nothing but findings.
    pub quiet: bool,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Human {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color { format!("{style}{text}{RESET}") } else { text.to_string() }
    }

    /// Prints a unified diff, colored when asked.
    pub fn paint_diff(&self, out: &mut dyn Write, text: &str) -> io::Result<()> {
        for line in text.split_inclusive('\n') {
            let style = if line.starts_with("+++") || line.starts_with("---") {
                BOLD
            } else if line.starts_with('+') {
                GREEN
            } else if line.starts_with('-') {
                RED
            } else if line.starts_with("@@") {
                CYAN
            } else {
                ""
            };
            if style.is_empty() || !self.color {
                out.write_all(line.as_bytes())?;
            } else {
                let body = line.trim_end_matches(['\n', '\r']);
                write!(out, "{style}{body}{RESET}{}", &line[body.len()..])?;
            }
        }
        Ok(())
    }
}

impl Reporter for Human {
    fn file(&mut self, out: &mut dyn Write, err: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        let path = report.path.display();
        if let Some(error) = &report.error {
            writeln!(err, "{path}: {}: {error}", self.paint(RED, "error"))?;
        }
        if let Some(why) = report.skipped.as_ref().filter(|_| !self.quiet) {
            writeln!(err, "{path}: skipped: {why}")?;
        }
        if let Some(diff) = report.diff.as_ref().filter(|_| !self.quiet) {
            self.paint_diff(out, diff)?;
        }
        if self.mode == Mode::Write && report.written && !self.quiet {
            writeln!(out, "fixed {path}")?;
        }
        for note in &report.notes {
            let level = self.paint(YELLOW, "warning");
            writeln!(out, "{path}:{}:{}: {level}: {}", note.line, note.col, note.issue)?;
        }
        for f in report.findings.iter().filter(|f| !f.is_suppressed()) {
            let show = self.quiet
                || match self.mode {
                    Mode::Check => true,
                    Mode::DryRun => !f.is_fixable() || f.explanation.is_some(),
                    Mode::Write => !f.is_fixable() || f.explanation.is_some() || !report.written,
                };
            if !show {
                continue;
            }
            let Some(tail) = f.tail(report.written) else { continue };
            let level = self.paint(YELLOW, "warning");
            writeln!(out, "{path}:{}:{}: {level}: {} {tail}", f.at.line, f.at.col, f.message())?;
            if let Some(note) = f.note() {
                writeln!(out, "  note: {note}")?;
            }
            for line in f.explanation.iter().flat_map(|e| explain::lines(&f.receiver, e)) {
                writeln!(out, "  {line}")?;
            }
        }
        Ok(())
    }
}
