//! The pull-request text for bots (`--pr-body`, `--pr-title`, `--commit-message`): what each
//! fix changes for whom and why it is safe, deterministic so a bot can update its pull request
//! idempotently.

use std::fmt::Write as _;

use super::words::Blocked;
use super::{FileReport, Status, display_name};
use crate::knowledge::Kind;
use crate::pipeline::outcome::{Change, Direction, Found, Named};

/// The longest first line of a commit message (and the title) git tools show whole.
pub const SUBJECT_MAX: usize = 72;

/// Escapes a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The description, built up one file at a time in path order.
#[derive(Debug, Default)]
pub struct PrBody {
    /// One table row per fix.
    rows: Vec<String>,
    /// One section per fix: what changes for whom.
    details: Vec<String>,
    /// `file line N: what moved`, one per fix, for the commit message.
    summaries: Vec<String>,
    /// The files with a fix, in order.
    files: Vec<String>,
    reviews: Vec<String>,
    /// `- `file` line N: note`, for findings whose fix changes something visible.
    notes: Vec<String>,
}

impl PrBody {
    pub fn add(&mut self, report: &FileReport) {
        let name = display_name(&report.path);
        let path = cell(&name);
        for f in &report.findings {
            if let (Some(note), false) = (f.note(), f.is_suppressed()) {
                self.notes.push(format!("- `{path}` line {}: {note}", f.at.line));
            }
            match &f.status {
                Status::Fixable { direction, moved, unit, change } => {
                    let (place, what, other) = match direction {
                        Direction::Lift => ("above", &f.static_what, &f.session_what),
                        Direction::Sink => ("below", &f.session_what, &f.static_what),
                    };
                    let partial = match f.plan.stayed.as_slice() {
                        [] => String::new(),
                        stayed => format!(
                            "; partial: line(s) {} left for review",
                            stayed.iter().map(|s| s.line.to_string()).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    self.rows.push(format!(
                        "| `{path}` | {} | {} | {direction}: `{}` moved {place} `{}` ({moved} {unit}(s)){partial} |",
                        f.at.line,
                        f.session.risk,
                        cell(what),
                        cell(other)
                    ));
                    self.summaries.push(format!(
                        "- {name} line {}: `{what}` moved {place} `{other}` ({} risk)",
                        f.at.line, f.session.risk
                    ));
                    self.details.push(details(&path, f, *direction, change));
                    if self.files.last() != Some(&name) {
                        self.files.push(name.clone());
                    }
                }
                Status::Suppressed { .. } => {}
                Status::Review { reason, blocked_by } => {
                    let blocked = Blocked { reason, line: *blocked_by };
                    self.reviews.push(format!(
                        "| `{path}` | {} | {} | {} |",
                        f.at.line,
                        f.session.risk,
                        cell(&blocked.to_string())
                    ));
                }
            }
        }
    }

    /// The pull request's title, which is also the commit message's first line: at most
    /// [`SUBJECT_MAX`] characters.
    pub fn title(&self) -> String {
        let subject = match self.files.as_slice() {
            [] => "Serve static files before sessions: nothing to fix".to_string(),
            [file] => format!("Serve static files before sessions in {file}"),
            files => format!("Serve static files before sessions in {} files", files.len()),
        };
        if subject.chars().count() <= SUBJECT_MAX {
            subject
        } else {
            format!("Serve static files before sessions in {} file", self.files.len())
        }
    }

    /// A commit message: the title, a blank line, then one line per fix.
    pub fn commit_message(&self) -> String {
        let mut out = format!("{}\n\n", self.title());
        if self.summaries.is_empty() {
            out.push_str("static-first found nothing it could fix.\n");
        } else {
            out.push_str(
                "Static middleware now comes before session middleware, so static requests no\n\
                 longer load a session or receive Set-Cookie; static-first proved each move\n\
                 changes nothing else:\n\n",
            );
            for line in &self.summaries {
                out.push_str(line);
                out.push('\n');
            }
        }
        if !self.reviews.is_empty() {
            let _ = writeln!(out, "\n{} finding(s) are left for review.", self.reviews.len());
        }
        out
    }

    pub fn render(&self) -> String {
        let (rows, reviews) = (&self.rows, &self.reviews);
        let mut out = String::from(
            "## Serve static files before sessions\n\n\
             Static middleware registered after session middleware makes every asset response load a \
             session and carry `Set-Cookie`, and a CDN or proxy that caches one hands that session to \
             other users. This change registers static files first wherever static-first could prove \
             the move changes nothing else ([why static goes first](https://github.com/expressjs/session/issues/114)).\n",
        );
        let _ = write!(out, "\n### Fixes ({})\n\n", rows.len());
        if rows.is_empty() {
            out.push_str("None.\n");
        } else {
            out.push_str("| file | line | risk | move |\n|---|---|---|---|\n");
            for row in rows {
                out.push_str(row);
                out.push('\n');
            }
            for section in &self.details {
                out.push('\n');
                out.push_str(section);
            }
        }
        let _ = write!(out, "\n### Left for review ({})\n\n", reviews.len());
        if reviews.is_empty() {
            out.push_str("None.\n");
        } else {
            out.push_str("| file | line | risk | why the tool did not change it |\n|---|---|---|---|\n");
            for row in reviews {
                out.push_str(row);
                out.push('\n');
            }
        }
        if !self.notes.is_empty() {
            out.push_str("\n### What the fix changes for the app's own pages\n\n");
            for note in &self.notes {
                out.push_str(note);
                out.push('\n');
            }
        }
        out
    }
}

/// `` `helmet()` (line 5, response shaper) ``, joined with commas.
fn list(named: &[Named], with_class: bool) -> String {
    let one = |n: &Named| match (with_class, n.kind) {
        (true, Kind::Inert) => format!("`{}` (line {}, inert middleware)", n.what, n.line),
        (true, kind) => format!("`{}` (line {}, {kind})", n.what, n.line),
        (false, _) => format!("`{}`", n.what),
    };
    named.iter().map(one).collect::<Vec<_>>().join(", ")
}

/// One fix's section: which middleware static requests skip now, which headers they keep,
/// what every other request sees, and the risk.
fn details(path: &str, f: &Found, direction: Direction, change: &Change) -> String {
    let mut out = format!("#### `{path}` line {}: {direction}, {} risk\n\n", f.at.line, f.session.risk);
    let _ = writeln!(
        out,
        "- **Static requests** (files `{}` serves) no longer pass through {}: they no longer load a \
         session or receive `Set-Cookie`.",
        f.static_what,
        list(&change.bypassed, true)
    );
    let shapers = list(&change.shapers, true);
    let _ = match (change.shapers.is_empty(), direction) {
        (true, _) => writeln!(
            out,
            "- **Static responses keep their headers**: no response shaper sat between the session \
             and the static middleware."
        ),
        (false, Direction::Lift) => writeln!(
            out,
            "- **Static responses keep their headers**: {shapers} moved up with the static middleware."
        ),
        (false, Direction::Sink) => writeln!(
            out,
            "- **Static responses keep their headers**: {shapers} {} before the static middleware.",
            if change.shapers.len() == 1 { "stays" } else { "stay" }
        ),
    };
    if !change.compilers.is_empty() {
        let _ = writeln!(
            out,
            "- **Stylesheets are still compiled first**: {} moved up with the static middleware.",
            list(&change.compilers, true)
        );
    }
    out.push_str(
        "- **Every other request** passes through the same middleware in the same order (the static \
         middleware passes on what it does not serve)",
    );
    if change.reordered.is_empty() {
        out.push_str(".\n");
    } else {
        let pairs: Vec<String> = change
            .reordered
            .iter()
            .map(|(first, after)| format!("`{}` now runs before {}", first.what, list(after, false)))
            .collect();
        let compiler = change.reordered.iter().any(|(first, _)| first.kind == Kind::Compiler);
        let _ = writeln!(
            out,
            ", except that {}: the crossing rules let these pass each other because neither reads or \
             changes what the other does (a response shaper sets response headers, {}inert middleware \
             parses the request or sets up the app).",
            pairs.join("; "),
            if compiler { "an asset compiler writes stylesheets and never reads the session, " } else { "" }
        );
    }
    if let Some(partial) = f.partial() {
        let _ = writeln!(out, "- **Not everything moved** ({partial}, under *Left for review*).");
    }
    let _ = writeln!(out, "- **Risk**: {}; {}.", f.session.risk, f.session.why);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_fits_a_commit_subject_whatever_the_path() {
        let mut body = PrBody::default();
        assert_eq!(body.title(), "Serve static files before sessions: nothing to fix");
        body.files.push(format!("src/{}/server.js", "deeply/nested".repeat(5)));
        assert_eq!(body.title(), "Serve static files before sessions in 1 file");
        body.files[0] = "src/app.js".into();
        assert_eq!(body.title(), "Serve static files before sessions in src/app.js");
        body.files.push("src/b.js".into());
        assert_eq!(body.title(), "Serve static files before sessions in 2 files");
        assert!(body.commit_message().starts_with("Serve static files before sessions in 2 files\n\n"));
    }
}
