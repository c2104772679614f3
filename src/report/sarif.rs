//! The sarif format: SARIF 2.1.0 for code scanning, with rule metadata, both locations, stable
//! fingerprints and each file's fix as an exact replacement.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::json::{HELP_URI, RULE_ID};
use super::words::Blocked;
use super::{FileReport, Found, Replacement, Reporter, Status, Summary, display_name};

pub struct Sarif {
    results: Vec<Value>,
}

impl Sarif {
    pub fn new() -> Self {
        Sarif { results: Vec::new() }
    }
}

const HELP: &str = "Register static-file middleware (express.static, serve-static, serve-favicon) before \
session middleware (express-session, cookie-session). Otherwise every asset request loads, and for a \
first-time visitor creates, a session and its response carries Set-Cookie: a CDN or proxy that caches it \
hands one user's session to everyone, and assets become cross-site gadgets to renew or probe sessions. \
Run `static-first --write` to move the static middleware first where that provably changes nothing else.";

fn rule() -> Value {
    json!({
        "id": RULE_ID,
        "name": "SessionBeforeStatic",
        "shortDescription": { "text": "Static middleware is registered after session middleware" },
        "fullDescription": { "text": "Static assets served after session middleware load sessions and can carry Set-Cookie, which shared caches may hand to other users." },
        "help": { "text": HELP, "markdown": HELP },
        "helpUri": HELP_URI,
        "defaultConfiguration": { "level": "warning" },
        "properties": {
            "tags": ["security", "external/cwe/cwe-668"],
            "precision": "high",
            "problem.severity": "warning",
            "security-severity": "5.3",
        },
    })
}

/// A relative path as a URI reference: every byte outside RFC 3986's unreserved set and `/`
/// is percent-encoded.
/// A relative path stays a relative reference (to the run's directory); an absolute one becomes
/// a `file://` URI, as SARIF wants for an artifact outside any base.
fn uri(path: &str) -> String {
    let absolute = path.starts_with('/') || path.as_bytes().get(1) == Some(&b':');
    let scheme = match (absolute, path.starts_with('/')) {
        (false, _) => "",
        (true, true) => "file://",
        (true, false) => "file:///",
    };
    let encoded: String = path
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            b':' if absolute => ":".to_string(),
            b => format!("%{b:02X}"),
        })
        .collect();
    format!("{scheme}{encoded}")
}

/// FNV-1a: a hash whose value never changes between builds, for fingerprints.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

fn location(uri: &str, line: usize, col: usize, span: (u32, u32)) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri },
            "region": { "startLine": line, "startColumn": col, "byteOffset": span.0, "byteLength": span.1 - span.0 },
        }
    })
}

fn fix(uri: &str, replacement: &Replacement) -> Value {
    json!({
        "description": { "text": "Move the static middleware before the session middleware" },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri },
            "replacements": [{
                "deletedRegion": {
                    "startLine": replacement.start_line,
                    "startColumn": replacement.start_col,
                    "endLine": replacement.end_line,
                    "endColumn": replacement.end_col,
                },
                "insertedContent": { "text": replacement.inserted },
            }],
        }],
    })
}

fn result(uri: &str, f: &Found, ordinal: usize, fix_value: Option<Value>) -> Value {
    let note = f
        .partial()
        .iter()
        .chain(&f.note().map(str::to_string))
        .map(|n| format!(" Note: {n}."))
        .collect::<String>();
    let text = match &f.status {
        Status::Review { reason, blocked_by } => {
            format!("{}. Needs review: {}.", f.message(), Blocked { reason, line: *blocked_by })
        }
        Status::Fixable { .. } => format!("{}. `static-first --write` fixes it.", f.message()),
        Status::Suppressed { .. } => f.message(),
    } + &note;
    // Stable across unrelated edits: no line numbers, only what the finding is about.
    let identity = format!("{RULE_ID}|{}|{}|{}|{ordinal}", f.receiver, f.static_what, f.session_what);
    let mut value = json!({
        "ruleId": RULE_ID,
        "ruleIndex": 0,
        "level": "warning",
        "message": { "text": text },
        "locations": [location(uri, f.at.line, f.at.col, f.at.span)],
        "relatedLocations": [{
            "id": 1,
            "message": { "text": format!("`{}` is registered here", f.session_what) },
            "physicalLocation": location(uri, f.session_at.line, f.session_at.col, f.session_at.span)["physicalLocation"].clone(),
        }],
        "partialFingerprints": { "staticFirstFinding/v1": format!("{:016x}", fnv1a(&identity)) },
    });
    if let Some(fix_value) = fix_value {
        value["fixes"] = json!([fix_value]);
    }
    value["properties"] = json!({
        "security-severity": f.session.risk.severity(),
        "risk": f.session.risk.to_string(),
    });
    if let Status::Suppressed { reason } = &f.status {
        value["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
    }
    value
}

impl Reporter for Sarif {
    fn file(&mut self, _out: &mut dyn Write, err: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        super::write_notes(err, report)?;
        let uri = uri(&display_name(&report.path));
        // The file's fix is one replacement; it rides on the first fixable finding.
        let mut file_fix = report.replacement.as_ref().map(|r| fix(&uri, r));
        for (ordinal, f) in report.findings.iter().enumerate() {
            let fix_value = if f.is_fixable() { file_fix.take() } else { None };
            self.results.push(result(&uri, f, ordinal, fix_value));
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "static-first",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": [rule()],
                } },
                "columnKind": "unicodeCodePoints",
                "results": std::mem::take(&mut self.results),
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("src/my app/é.js"), "src/my%20app/%C3%A9.js");
        assert_eq!(uri("/srv/my app/a.js"), "file:///srv/my%20app/a.js");
        assert_eq!(uri("C:/work/a.js"), "file:///C:/work/a.js");
    }

    #[test]
    fn fingerprint_hash_is_fixed() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
