//! `--serve`: many requests to one process, each answered with one line that is exactly the
//! document `--stdin-filename NAME --format json -` prints for that text; malformed requests and
//! errors answered without ending the server; configuration found again for every request.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

use crate::support::{BAD, BIN, BLOCKED, Project, stderr};

/// A running server in a project directory, with its pipes.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    fn start(p: &Project, args: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .arg("--serve")
            .args(args)
            .current_dir(p.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Server { stdin: child.stdin.take(), child, stdout }
    }

    /// Sends raw bytes (one or more lines) without reading.
    fn send(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// The next reply line, parsed (each reply is one line).
    fn reply(&mut self) -> Value {
        let mut line = String::new();
        assert_ne!(self.stdout.read_line(&mut line).unwrap(), 0, "the server ended instead of replying");
        assert!(line.ends_with('\n') && !line[..line.len() - 1].contains('\n'));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    fn reply_to_raw(&mut self, line: &[u8]) -> Value {
        self.send(line);
        self.reply()
    }

    fn ask(&mut self, request: &Value) -> Value {
        self.send(format!("{request}\n").as_bytes());
        self.reply()
    }

    /// Closes stdin and waits: the exit code and what is left on stderr.
    fn finish(mut self) -> (Option<i32>, String) {
        drop(self.stdin.take());
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.stdout, &mut rest).unwrap();
        assert_eq!(rest, "", "output after the last reply");
        let out = self.child.wait_with_output().unwrap();
        (out.status.code(), stderr(&out))
    }
}

/// What `--stdin-filename NAME --format json -` prints for `text` in the project (parsed), or
/// its stderr when it stops with exit code 2 before a report.
fn one_shot(p: &Project, name: &str, text: &str, extra: &[&str]) -> Result<Value, String> {
    let mut child = Command::new(BIN)
        .args(["--format", "json", "--stdin-filename", name, "-"])
        .args(extra)
        .current_dir(p.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    match child.stdin.take().unwrap().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.unwrap(),
    }
    let out = child.wait_with_output().unwrap();
    match serde_json::from_slice(&out.stdout) {
        Ok(document) => Ok(document),
        Err(_) => {
            assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
            Err(stderr(&out))
        }
    }
}

/// The reply the server gives where the one-shot command stops with `stderr`.
fn error_reply(stderr: &str) -> Value {
    let message = stderr.strip_prefix("static-first: error: ").unwrap().trim_end();
    json!({ "error": message, "exit_code": 2 })
}

fn request(filename: &str, source: &str) -> Value {
    json!({ "filename": filename, "source": source })
}

#[test]
fn serve_answers_each_request_as_stdin_with_json_does() {
    let p = Project::new(&[
        ("auth.js", "module.exports = (req, res, next) => res.end();\n"),
        ("static-first.toml", "[middleware]\nsession = [\"@acme/sessions\"]\n"),
    ]);
    let guarded = BAD.replace(
        "app.use(express.static",
        "const auth = require('./auth');\napp.use(auth);\napp.use(express.static",
    );
    let acme = BAD.replace("require('express-session')", "require('@acme/sessions')");
    let cases: Vec<(&str, String)> = vec![
        ("app.js", BAD.to_string()),
        ("src/app.ts", BAD.to_string()),
        ("bom.js", format!("\u{feff}{}", BAD.replace('\n', "\r\n"))),
        ("blocked.js", BLOCKED.to_string()),
        ("guarded.js", guarded),
        ("acme.js", acme),
        ("plain.js", "const x = 1;\n".to_string()),
        ("syntax.js", format!("{BAD}app.use(;\n")),
        ("binary.js", format!("{BAD}\0")),
        ("suppressed.js", BAD.replace("app.use(express", "// static-first-ignore\napp.use(express")),
    ];
    let expected: Vec<Value> =
        cases.iter().map(|(name, text)| one_shot(&p, name, text, &[]).unwrap()).collect();
    assert_eq!(expected[0]["files"][0]["findings"][0]["status"], "fixable");
    assert_eq!(expected[4]["files"][0]["findings"][0]["status"], "review", "{:#}", expected[4]);
    assert_eq!(expected[5]["files"][0]["findings"].as_array().unwrap().len(), 1, "{:#}", expected[5]);

    // Many requests to one process, in an order that mixes them, each answered as the command does.
    let mut server = Server::start(&p, &[]);
    for round in 0..20 {
        for (i, (name, text)) in cases.iter().enumerate().cycle().skip(round).take(cases.len()) {
            assert_eq!(server.ask(&request(name, text)), expected[i], "{name} in round {round}");
        }
    }
    // Pipelined: requests written before any reply is read are answered in order.
    let batch: String = cases.iter().map(|(name, text)| format!("{}\n", request(name, text))).collect();
    server.send(batch.as_bytes());
    for document in &expected {
        assert_eq!(&server.reply(), document);
    }
    assert_eq!(server.finish(), (Some(0), String::new()));

    // The server's size limit applies to each request, as --max-filesize does to stdin.
    let mut small = Server::start(&p, &["--max-filesize", "100"]);
    let skipped = small.ask(&request("app.js", BAD));
    assert_eq!(skipped, one_shot(&p, "app.js", BAD, &["--max-filesize", "100"]).unwrap());
    assert!(skipped["files"][0]["skipped"].as_str().unwrap().contains("--max-filesize"));
    assert_eq!(small.finish().0, Some(0));
}

#[test]
fn serve_answers_malformed_requests_with_an_error_and_goes_on() {
    let p = Project::new(&[]);
    let good = one_shot(&p, "app.js", BAD, &[]).unwrap();
    let mut server = Server::start(&p, &[]);
    let malformed: [(&[u8], &str); 7] = [
        (b"not json\n", "expected"),
        (b"\n", "EOF while parsing a value at line 1 column 0"),
        (b"[1, 2]\n", "invalid type"),
        (b"{\"filename\": \"app.js\"}\n", "missing field `source`"),
        (b"{\"filename\": \"app.js\", \"source\": \"\", \"mode\": \"write\"}\n", "unknown field `mode`"),
        (b"{\"filename\": 3, \"source\": \"\"}\n", "invalid type"),
        (b"{\"filename\": \"app.js\", \"source\": \"\xff\"}\n", "invalid unicode"),
    ];
    for (number, (line, why)) in malformed.iter().enumerate() {
        let reply = server.reply_to_raw(line);
        assert_eq!(reply["exit_code"], 2, "{reply}");
        let message = reply["error"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("line {} of the input is not a request (", 2 * number + 1)),
            "{message}"
        );
        assert!(message.contains(why) && message.contains("one JSON object per line"), "{message}");
        // Still serving.
        assert_eq!(server.ask(&request("app.js", BAD)), good);
    }
    // Requests the command itself refuses: the same message it prints, as the reply.
    let unsupported = server.ask(&request("notes.txt", BAD));
    assert_eq!(unsupported, error_reply(&one_shot(&p, "notes.txt", BAD, &[]).unwrap_err()));
    assert!(unsupported["error"].as_str().unwrap().contains("not a JavaScript or TypeScript file"));
    // A last request without its newline is answered before the end of input ends the server.
    server.send(request("app.js", BAD).to_string().as_bytes());
    drop(server.stdin.take());
    assert_eq!(server.reply(), good);
    assert_eq!(server.finish(), (Some(0), String::new()));

    // A panic while checking one text is that request's error, and the next one is checked.
    let mut faulty = Server::start(&p, &["--internal-fault", "panic:boom.js"]);
    let panicked = faulty.ask(&request("boom.js", BAD));
    assert!(panicked["files"][0]["error"].as_str().unwrap().starts_with("internal error ("), "{panicked}");
    assert_eq!(faulty.ask(&request("app.js", BAD)), good);
    assert_eq!(faulty.ask(&request("app.ts", BAD))["files"][0]["findings"][0]["status"], "fixable");
    assert_eq!(faulty.finish().0, Some(0));

    // --serve takes no paths and no other mode.
    for args in
        [&["."][..], &["--write"], &["--check"], &["--stdin-filename", "a.js"], &["--format", "sarif"]]
    {
        let out = Command::new(BIN).arg("--serve").args(args).current_dir(p.path()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("cannot be used with"), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn serve_finds_each_files_configuration_again_for_every_request() {
    let declares = "[middleware]\nsession = [\"@acme/sessions\"]\n";
    let p = Project::new(&[("a/static-first.toml", declares), ("other.toml", declares)]);
    let acme = BAD.replace("require('express-session')", "require('@acme/sessions')");
    let findings = |reply: &Value| reply["files"][0]["findings"].as_array().map_or(0, Vec::len);
    let mut server = Server::start(&p, &[]);
    // The nearest static-first.toml of each file: a/ declares the session module, b/ has none.
    let in_a = server.ask(&request("a/deep/app.js", &acme));
    assert_eq!(in_a, one_shot(&p, "a/deep/app.js", &acme, &[]).unwrap());
    assert_eq!(findings(&in_a), 1);
    let in_b = server.ask(&request("b/app.js", &acme));
    assert_eq!(in_b, one_shot(&p, "b/app.js", &acme, &[]).unwrap());
    assert_eq!(findings(&in_b), 0);
    // A request's own configuration file, as --config: b/ with other.toml finds it.
    let with_config = server.ask(&json!({ "filename": "b/app.js", "source": acme, "config": "other.toml" }));
    assert_eq!(with_config, one_shot(&p, "b/app.js", &acme, &["--config", "other.toml"]).unwrap());
    assert_eq!(findings(&with_config), 1);

    // Edits between requests count, as they would for a new process.
    p.write("b/static-first.toml", declares);
    assert_eq!(findings(&server.ask(&request("b/app.js", &acme))), 1);
    p.write("a/static-first.toml", "[middleware]\nsession = 3\n");
    let broken = server.ask(&request("a/deep/app.js", &acme));
    assert_eq!(broken, error_reply(&one_shot(&p, "a/deep/app.js", &acme, &[]).unwrap_err()));
    assert!(broken["error"].as_str().unwrap().contains("static-first.toml"), "{broken}");
    let missing = server.ask(&json!({ "filename": "b/app.js", "source": acme, "config": "gone.toml" }));
    assert_eq!(
        missing,
        error_reply(&one_shot(&p, "b/app.js", &acme, &["--config", "gone.toml"]).unwrap_err())
    );
    // The server goes on, and the other directory is unaffected.
    assert_eq!(findings(&server.ask(&request("b/app.js", &acme))), 1);
    p.write("a/static-first.toml", declares);
    assert_eq!(findings(&server.ask(&request("a/deep/app.js", &acme))), 1);
    assert_eq!(server.finish(), (Some(0), String::new()));

    // The server's own --config is every request's default, and it is read per request too.
    let mut configured = Server::start(&p, &["--config", "other.toml"]);
    assert_eq!(findings(&configured.ask(&request("c/app.js", &acme))), 1);
    p.write("other.toml", "");
    assert_eq!(findings(&configured.ask(&request("c/app.js", &acme))), 0);
    assert_eq!(configured.finish().0, Some(0));
}
