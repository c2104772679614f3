//! The `--pr-body` Markdown: what a bot's pull request changes and why, deterministic so the
//! bot can update its pull request idempotently.

use super::words::Blocked;
use super::{FileReport, Status, display_name};
use crate::pipeline::outcome::Direction;

/// Escapes a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The description, built up one file at a time in path order.
#[derive(Debug, Default)]
pub struct PrBody {
    fixes: Vec<String>,
    reviews: Vec<String>,
    /// `- `file` line N: note`, for findings whose fix changes something visible.
    notes: Vec<String>,
}

impl PrBody {
    pub fn add(&mut self, report: &FileReport) {
        let path = cell(&display_name(&report.path));
        for f in &report.findings {
            if let (Some(note), false) = (f.note(), f.is_suppressed()) {
                self.notes.push(format!("- `{path}` line {}: {note}", f.at.line));
            }
            match &f.status {
                Status::Fixable { direction, moved, unit } => {
                    let (place, what, other) = match direction {
                        Direction::Lift => ("above", &f.static_what, &f.session_what),
                        Direction::Sink => ("below", &f.session_what, &f.static_what),
                    };
                    self.fixes.push(format!(
                        "| `{path}` | {} | {} | {direction}: `{}` moved {place} `{}` ({moved} {unit}(s)) |",
                        f.at.line,
                        f.session.risk,
                        cell(what),
                        cell(other)
                    ));
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

    pub fn render(&self) -> String {
        let (fixes, reviews) = (&self.fixes, &self.reviews);
        let mut out = String::from(
            "## Serve static files before sessions\n\n\
             Static middleware registered after session middleware makes every asset response load a \
             session and carry `Set-Cookie`, and a CDN or proxy that caches one hands that session to \
             other users. This change registers static files first wherever static-first could prove \
             the move changes nothing else ([why static goes first](https://github.com/expressjs/session/issues/114)).\n",
        );
        out.push_str(&format!("\n### Fixes ({})\n\n", fixes.len()));
        if fixes.is_empty() {
            out.push_str("None.\n");
        } else {
            out.push_str("| file | line | risk | move |\n|---|---|---|---|\n");
            for row in fixes {
                out.push_str(row);
                out.push('\n');
            }
        }
        out.push_str(&format!("\n### Left for review ({})\n\n", reviews.len()));
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
