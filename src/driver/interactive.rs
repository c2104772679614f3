//! `--interactive`: asks, fix by fix, whether to apply it. Reads answers; never writes files.

use std::io::{self, BufRead, Write};

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
