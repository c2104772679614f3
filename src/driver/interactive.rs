//! `--interactive`: shows each fix's diff, asks whether to apply it, and hands the accepted
//! ones to the writer.

use std::io::{self, BufRead, Write};

use super::write::Writer;
use crate::report::{FileReport, Human, Mode, unified_diff};
use crate::source::Source;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    /// This fix and every one after it.
    All,
    /// Stop asking; apply nothing more.
    Quit,
}

/// Asks about one fix until the answer is one of y, n, a, q. The end of input means quit.
pub fn ask(question: &str, input: &mut dyn BufRead, out: &mut dyn Write) -> io::Result<Answer> {
    loop {
        write!(out, "{question} [y]es / [n]o / [a]ll remaining / [q]uit: ")?;
        out.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            writeln!(out)?;
            return Ok(Answer::Quit);
        }
        match line.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => return Ok(Answer::Yes),
            "n" | "no" => return Ok(Answer::No),
            "a" | "all" => return Ok(Answer::All),
            "q" | "quit" => return Ok(Answer::Quit),
            _ => writeln!(out, "Please answer y, n, a or q.")?,
        }
    }
}

/// `--interactive`: shows each fix's diff, asks, and writes the accepted ones.
pub fn confirm_and_write(reports: &mut [FileReport], writer: &Writer, color: bool) -> io::Result<()> {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut out = io::stdout().lock();
    let mut all = false;
    let shown = Human { mode: Mode::DryRun, color, quiet: false };
    for report in reports.iter_mut() {
        let Some(pending) = report.pending.take() else { continue };
        if !all {
            let diff = unified_diff(&report.path, &pending.before, &pending.after);
            shown.paint_diff(&mut out, &diff)?;
            match ask(&format!("Apply this fix to {}?", report.path.display()), &mut input, &mut out)? {
                Answer::Yes => {}
                Answer::No => continue,
                Answer::All => all = true,
                Answer::Quit => break,
            }
        }
        let read = Source { bom: pending.bom, text: &pending.before, newline: "\n" };
        match writer.write(&report.path, read, &pending.after) {
            Ok(()) => report.written = true,
            Err(error) => report.error = Some(error),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_until_valid_and_eof_quits() {
        let mut out = Vec::new();
        let mut input = io::Cursor::new("maybe\nA\n");
        assert_eq!(ask("Apply?", &mut input, &mut out).unwrap(), Answer::All);
        assert!(String::from_utf8(out).unwrap().contains("Please answer y, n, a or q."));
        assert_eq!(ask("Apply?", &mut io::Cursor::new(""), &mut Vec::new()).unwrap(), Answer::Quit);
    }
}
