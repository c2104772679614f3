//! `static-first lsp` over stdio, as an editor drives it: the handshake in both position
//! encodings, diagnostics on open, change and save, each code action applied and compared with
//! what the CLI writes, configuration changes, bad input, cancellation, shutdown, and memory over
//! thousands of edits. Every wait is for a message, with a generous timeout; nothing sleeps.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{BAD, BIN, BLOCKED, FIXED, Project};

/// How long any one message may take to come: far longer than any of them needs.
const PATIENCE: Duration = Duration::from_secs(120);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages received and not yet waited for.
    held: Vec<Value>,
    next_id: i64,
    pub utf8: bool,
}

impl Client {
    /// Starts the server (with `args` after `lsp`) without initializing it.
    pub fn spawn(args: &[&str]) -> Client {
        let mut child = Command::new(BIN)
            .arg("lsp")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the static-first binary runs");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = 0;
                let mut line = String::new();
                loop {
                    line.clear();
                    if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = line.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                if stdout.read_exact(&mut body).is_err() {
                    return;
                }
                if sender.send(serde_json::from_slice(&body).expect("the server sends JSON")).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, incoming, held: Vec::new(), next_id: 0, utf8: false }
    }

    /// Starts and initializes the server with these client capabilities and options.
    pub fn start(capabilities: Value, options: Value, args: &[&str]) -> (Client, Value) {
        let mut client = Client::spawn(args);
        let id = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": capabilities, "initializationOptions": options }),
        );
        let result = client.response(id)["result"].clone();
        client.utf8 = result["capabilities"]["positionEncoding"] == "utf-8";
        client.notify("initialized", json!({}));
        (client, result)
    }

    /// A server that analyses every edit at once, for a client that offers UTF-16 only.
    pub fn quick() -> Client {
        Client::start(json!({}), json!({ "debounceMs": 0 }), &[]).0
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn send(&mut self, message: Value) {
        let text = message.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{text}", text.len()).as_bytes());
    }

    pub fn request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The first message (held or to come) that `wanted` accepts, taken out.
    pub fn wait(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.held.iter().position(&wanted) {
            return self.held.remove(i);
        }
        loop {
            let message = self
                .incoming
                .recv_timeout(PATIENCE)
                .unwrap_or_else(|_| panic!("no {what} came; received meanwhile: {:#?}", self.held));
            if wanted(&message) {
                return message;
            }
            self.held.push(message);
        }
    }

    pub fn response(&mut self, id: i64) -> Value {
        self.wait(&format!("response to {id}"), |m| m["id"] == id && m.get("method").is_none())
    }

    /// The diagnostics published for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait(&format!("diagnostics of {uri} v{version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub fn log_message(&mut self, containing: &str) -> String {
        let message = self.wait(&format!("a log message with `{containing}`"), |m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"].as_str().unwrap().contains(containing)
        });
        message["params"]["message"].as_str().unwrap().to_string()
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        let language = if uri.ends_with(".ts") { "typescript" } else { "javascript" };
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
    }

    pub fn code_actions(&mut self, uri: &str, range: &Value, only: Option<&[&str]>) -> Vec<Value> {
        let mut context = json!({ "diagnostics": [] });
        if let Some(only) = only {
            context["only"] = json!(only);
        }
        let id = self.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": range, "context": context }),
        );
        self.response(id)["result"].as_array().unwrap().clone()
    }

    /// `shutdown`, then `exit`: the server's exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let id = self.request("shutdown", Value::Null);
        assert_eq!(self.response(id)["result"], Value::Null);
        self.notify("exit", Value::Null);
        self.child.wait().unwrap()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The byte offset of an LSP position, counted independently of the server: lines end at
/// `\n` (a `\r` before it is part of the break), characters are UTF-16 units or UTF-8 bytes.
pub fn offset(text: &str, position: &Value, utf8: bool) -> usize {
    let (line, character) =
        (position["line"].as_u64().unwrap() as usize, position["character"].as_u64().unwrap());
    let start = text.split_inclusive('\n').take(line).map(str::len).sum::<usize>();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' || c == '\r' {
            return start + i;
        }
        units += if utf8 { c.len_utf8() } else { c.len_utf16() } as u64;
    }
    text.len()
}

/// `text` with a workspace edit's edits to `uri` applied.
pub fn apply(text: &str, edit: &Value, uri: &str, utf8: bool) -> String {
    let mut edits: Vec<(usize, usize, String)> = edit["changes"][uri]
        .as_array()
        .unwrap_or_else(|| panic!("edits for {uri} in {edit}"))
        .iter()
        .map(|e| {
            let start = offset(text, &e["range"]["start"], utf8);
            let end = offset(text, &e["range"]["end"], utf8);
            (start, end, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new_text) in edits {
        out.replace_range(start..end, &new_text);
    }
    out
}

/// What `static-first --format json` on stdin says and fixes for `text` as `name`.
fn cli(project: &Project, name: &str, text: &str) -> Value {
    let mut child = Command::new(BIN)
        .args(["-", "--stdin-filename", name, "--format", "json"])
        .current_dir(project.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn uri(project: &Project, name: &str) -> String {
    format!("file://{}", project.file(name).display())
}

fn full_range() -> Value {
    json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 100000, "character": 0 } })
}

fn titled<'a>(actions: &'a [Value], title: &str) -> Vec<&'a Value> {
    actions.iter().filter(|a| a["title"].as_str().unwrap().starts_with(title)).collect()
}

#[test]
fn initialize_agrees_on_utf16_unless_utf8_is_offered() {
    let (client, result) = Client::start(json!({}), json!({}), &[]);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(result["serverInfo"]["name"], "static-first");
    let kinds = &result["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert_eq!(kinds, &json!(["quickfix", "source.fixAll.static-first"]));
    assert!(client.shutdown().success());
    let offered = json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } });
    let (client, result) = Client::start(offered, json!({}), &[]);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert!(client.shutdown().success());
}

#[test]
fn a_finding_is_a_warning_at_the_static_registration_with_the_cli_message() {
    let project = Project::new(&[]);
    let mut client = Client::quick();
    let uri = uri(&project, "app.js");
    client.open(&uri, BAD);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    let cli = cli(&project, "app.js", BAD);
    let finding = &cli["files"][0]["findings"][0];
    assert_eq!(d["severity"], 2);
    assert_eq!(d["source"], "static-first");
    assert_eq!(d["code"], finding["rule_id"]);
    // The project's docs, as the ESLint rule's `docs.url`.
    assert_eq!(d["codeDescription"]["href"], "https://github.com/static-first/static-first#readme");
    assert!(d["message"].as_str().unwrap().starts_with(finding["message"].as_str().unwrap()), "{d:#}");
    assert!(d["message"].as_str().unwrap().contains("(fixable: lift moves 1 statement(s))"), "{d:#}");
    let static_start = finding["static"]["span"]["start"].as_u64().unwrap() as usize;
    assert_eq!(offset(BAD, &d["range"]["start"], false), static_start);
    assert_eq!(
        offset(BAD, &d["range"]["end"], false),
        finding["static"]["span"]["end"].as_u64().unwrap() as usize
    );
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri);
    assert_eq!(related["location"]["range"]["start"]["line"], 3, "the session registration: {related:#}");
    assert!(related["message"].as_str().unwrap().contains("express-session"));
    assert!(client.shutdown().success());
}

#[test]
fn a_finding_for_review_says_why_and_offers_only_the_ignore_action() {
    let project = Project::new(&[]);
    let mut client = Client::quick();
    let uri = uri(&project, "app.js");
    client.open(&uri, BLOCKED);
    let diagnostics = client.diagnostics(&uri, 1);
    let cli = cli(&project, "app.js", BLOCKED);
    let reason = cli["files"][0]["findings"][0]["reason"].as_str().unwrap().to_string();
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains(&format!("({reason}, blocked by line 5)")), "{message}");
    let actions = client.code_actions(&uri, &diagnostics[0]["range"], None);
    let titles: Vec<_> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Ignore this finding (static-first-ignore: give the reason)"], "{actions:#?}");
    assert!(client.shutdown().success());
}

#[test]
fn the_quick_fix_moves_one_finding_and_fix_all_gives_what_write_writes() {
    // Two apps, two fixable findings.
    let second = BAD
        .replace("app", "admin")
        .replace("const express = require('express');\nconst session = require('express-session');\n", "");
    let text = format!("{BAD}{second}");
    let project = Project::new(&[("app.js", &text)]);
    let mut client = Client::quick();
    let uri = uri(&project, "app.js");
    client.open(&uri, &text);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");

    let actions = client.code_actions(&uri, &diagnostics[0]["range"], Some(&["quickfix"]));
    let fix = titled(&actions, "Move static middleware before session");
    assert_eq!(fix.len(), 1, "{actions:#?}");
    assert_eq!(fix[0]["kind"], "quickfix");
    assert_eq!(fix[0]["isPreferred"], true);
    assert_eq!(fix[0]["diagnostics"][0]["range"], diagnostics[0]["range"]);
    let once = apply(&text, &fix[0]["edit"], &uri, false);
    assert_eq!(once, format!("{FIXED}{second}"), "only the first app's finding is fixed");
    assert!(titled(&actions, "Fix all").is_empty(), "`only: quickfix` leaves fix-all out");

    let actions = client.code_actions(&uri, &full_range(), Some(&["source.fixAll"]));
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.static-first");
    let all = apply(&text, &actions[0]["edit"], &uri, false);
    assert!(project.run(&["--write", "app.js"]).status.success());
    assert_eq!(all, project.read("app.js"), "fix-all gives what --write writes");
    assert!(client.shutdown().success());
}

#[test]
fn ignore_inserts_the_comment_and_puts_the_cursor_where_the_reason_goes() {
    let project = Project::new(&[]);
    let capabilities = json!({ "window": { "showDocument": { "support": true } } });
    let (mut client, _) = Client::start(capabilities, json!({ "debounceMs": 0 }), &[]);
    let uri = uri(&project, "app.js");
    let text = BAD.replace("app.use(express.static", "  app.use(express.static");
    client.open(&uri, &text);
    let diagnostics = client.diagnostics(&uri, 1);
    let actions = client.code_actions(&uri, &diagnostics[0]["range"], None);
    let ignore = titled(&actions, "Ignore this finding")[0].clone();
    let edited = apply(&text, &ignore["edit"], &uri, false);
    assert!(
        edited.contains(
            "app.use(session({ secret: 's' }));\n  // static-first-ignore: \n  app.use(express.static"
        ),
        "{edited}"
    );

    let command = &ignore["command"];
    assert_eq!(command["command"], "static-first.placeCursor");
    let id = client.request(
        "workspace/executeCommand",
        json!({ "command": command["command"], "arguments": command["arguments"] }),
    );
    assert_eq!(client.response(id)["result"], Value::Null);
    let show = client.wait("window/showDocument", |m| m["method"] == "window/showDocument");
    let cursor = &show["params"]["selection"]["start"];
    assert_eq!(show["params"]["uri"], uri);
    assert_eq!(
        &edited[..offset(&edited, cursor, false)],
        edited.split_once("ignore: ").unwrap().0.to_string() + "ignore: "
    );

    // With the reason typed, the finding is suppressed: no diagnostic.
    let reasoned = edited.replace("ignore: ", "ignore: these assets are per-user");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": reasoned }] }),
    );
    assert_eq!(client.diagnostics(&uri, 2), Vec::<Value>::new());
    assert!(client.shutdown().success());
}

#[test]
fn edits_by_range_move_the_diagnostic_and_closing_clears_it() {
    let project = Project::new(&[]);
    let mut client = Client::quick();
    let uri = uri(&project, "app.js");
    client.open(&uri, BAD);
    assert_eq!(client.diagnostics(&uri, 1)[0]["range"]["start"]["line"], 4);
    let insert = json!({ "range": { "start": { "line": 3, "character": 0 }, "end": { "line": 3, "character": 0 } }, "text": "// é😀\n" });
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [insert] }),
    );
    assert_eq!(client.diagnostics(&uri, 2)[0]["range"]["start"]["line"], 5);
    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    let cleared = client.wait("cleared diagnostics", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"].is_null()
    });
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    assert!(client.shutdown().success());
}

/// A BOM, CRLF line endings and text beyond ASCII (two-unit characters too) before the finding.
fn awkward() -> String {
    format!("\u{feff}// café ☕ 😀 ünïcode\n{BAD}").replace('\n', "\r\n").replace("'public'", "'públic/😀'")
}

#[test]
fn positions_hold_with_a_bom_crlf_and_non_ascii_text_in_both_encodings() {
    let text = awkward();
    for offered in [json!({}), json!({ "general": { "positionEncodings": ["utf-8"] } })] {
        let project = Project::new(&[("app.js", &text)]);
        let (mut client, _) = Client::start(offered, json!({ "debounceMs": 0 }), &[]);
        let uri = uri(&project, "app.js");
        client.open(&uri, &text);
        let diagnostics = client.diagnostics(&uri, 1);
        let finding = cli(&project, "app.js", &text)["files"][0]["findings"][0].clone();
        let utf8 = client.utf8;
        let range = &diagnostics[0]["range"];
        assert_eq!(
            offset(&text, &range["start"], utf8),
            finding["static"]["span"]["start"].as_u64().unwrap() as usize
        );
        assert_eq!(
            offset(&text, &range["end"], utf8),
            finding["static"]["span"]["end"].as_u64().unwrap() as usize
        );
        let expected_end = if utf8 {
            "express.static('públic/😀')".len()
        } else {
            "express.static('públic/😀')".encode_utf16().count()
        };
        let width =
            range["end"]["character"].as_u64().unwrap() - range["start"]["character"].as_u64().unwrap();
        assert_eq!(width as usize, expected_end, "{range}");

        let actions = client.code_actions(&uri, range, None);
        let fix = titled(&actions, "Move static middleware before session")[0].clone();
        assert!(project.run(&["--write", "app.js"]).status.success());
        assert_eq!(apply(&text, &fix["edit"], &uri, utf8), project.read("app.js"));
        let ignored = apply(&text, &titled(&actions, "Ignore this finding")[0]["edit"], &uri, utf8);
        assert!(ignored.contains("}));\r\n// static-first-ignore: \r\napp.use(express.static"), "{ignored}");
        assert!(ignored.starts_with('\u{feff}'));
        assert!(client.shutdown().success());
    }
}

#[test]
fn a_changed_configuration_is_read_again() {
    let app = "const express = require('express');\nconst sessions = require('@acme/sessions');\nconst app = express();\napp.use(sessions());\napp.use(express.static('public'));\n";
    let project = Project::new(&[("app.js", app)]);
    let capabilities = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let (mut client, _) = Client::start(capabilities, json!({ "debounceMs": 0 }), &[]);
    let registration =
        client.wait("a file watcher registration", |m| m["method"] == "client/registerCapability");
    let watcher = &registration["params"]["registrations"][0];
    assert_eq!(watcher["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(watcher["registerOptions"]["watchers"][0]["globPattern"], "**/static-first.toml");
    let uri = uri(&project, "app.js");
    client.open(&uri, app);
    assert_eq!(client.diagnostics(&uri, 1), Vec::<Value>::new(), "an unknown session module");

    project.write("static-first.toml", "[middleware]\nsession = [\"@acme/sessions\"]\n");
    let toml = format!("file://{}", project.file("static-first.toml").display());
    client.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": toml, "type": 1 }] }));
    assert_eq!(client.diagnostics(&uri, 1).len(), 1, "the declared session module");

    project.write("static-first.toml", "[middleware]\nsesion = [\"@acme/sessions\"]\n");
    client.notify("textDocument/didSave", json!({ "textDocument": { "uri": toml } }));
    assert_eq!(client.diagnostics(&uri, 1), Vec::<Value>::new());
    let log = client.log_message("sesion");
    assert!(
        log.contains("app.js: error") && log.contains("static-first.toml"),
        "an invalid configuration is logged: {log}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn bad_input_gets_error_responses_and_the_server_goes_on() {
    let mut client = Client::spawn(&[]);
    let id = client.request("textDocument/codeAction", json!({}));
    assert_eq!(client.response(id)["error"]["code"], -32002, "not initialized yet");
    let (mut client, _) = {
        drop(client);
        Client::start(json!({}), json!({ "debounceMs": 0 }), &[])
    };
    client.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let error = client.wait("a parse error", |m| m["id"].is_null() && m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32700);
    client.send(json!({ "jsonrpc": "2.0", "id": 77, "method": 5 }));
    assert_eq!(client.response(77)["error"]["code"], -32600);
    client.send_raw(b"Content-Length: many\r\n\r\n");
    let error = client.wait("a header error", |m| m["id"].is_null() && m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32700);
    let id = client.request("textDocument/codeAction", json!({ "textDocument": 3 }));
    assert_eq!(client.response(id)["error"]["code"], -32602);
    let id = client.request("no/such/method", json!({}));
    assert_eq!(client.response(id)["error"]["code"], -32601);
    let id = client.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(client.response(id)["error"]["code"], -32600, "a second initialize");
    client.notify("textDocument/didOpen", json!({ "textDocument": "nope" }));
    client.log_message("invalid parameters for `textDocument/didOpen`");
    // Still answering.
    let project = Project::new(&[]);
    let uri = uri(&project, "app.js");
    client.open(&uri, BAD);
    assert_eq!(client.diagnostics(&uri, 1).len(), 1);
    assert!(client.shutdown().success());
}

#[test]
fn large_or_unparsable_documents_get_no_diagnostics_and_a_log_message() {
    let project = Project::new(&[]);
    let (mut client, _) = Client::start(json!({}), json!({ "debounceMs": 0 }), &["--max-filesize", "200"]);
    let big = uri(&project, "big.js");
    client.open(&big, &format!("{BAD}// {}\n", "x".repeat(200)));
    assert_eq!(client.diagnostics(&big, 1), Vec::<Value>::new());
    assert!(client.log_message("big.js").contains("larger than --max-filesize"));
    let broken = uri(&project, "broken.js");
    client.open(&broken, &BAD.replace("app.use(session(", "app.use(session(("));
    assert_eq!(client.diagnostics(&broken, 1), Vec::<Value>::new());
    assert!(client.log_message("broken.js").contains("error"));
    assert!(client.shutdown().success());
}

#[test]
fn a_code_action_waiting_for_the_debounce_can_be_cancelled() {
    let project = Project::new(&[]);
    // The debounce outlasts the test: only a save analyses the edit.
    let (mut client, _) = Client::start(json!({}), json!({ "debounceMs": 3_600_000 }), &[]);
    let uri = uri(&project, "app.js");
    client.open(&uri, BAD);
    assert_eq!(client.diagnostics(&uri, 1).len(), 1, "opening analyses at once");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": BLOCKED }] }),
    );
    let id = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": full_range(), "context": { "diagnostics": [] } }),
    );
    client.notify("$/cancelRequest", json!({ "id": id }));
    let response = client.response(id);
    assert_eq!(response["error"]["code"], -32800, "{response}");
    let waiting = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": full_range(), "context": { "diagnostics": [] } }),
    );
    client.notify("textDocument/didSave", json!({ "textDocument": { "uri": uri } }));
    let diagnostics = client.diagnostics(&uri, 2);
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("blocked by line 5"));
    let answered = client.response(waiting);
    assert_eq!(answered["result"].as_array().unwrap().len(), 1, "answered once analysed: {answered}");
    assert!(client.shutdown().success());
}

#[test]
fn shutdown_then_exit_is_0_and_exit_alone_is_1() {
    let mut client = Client::quick();
    let id = client.request("shutdown", Value::Null);
    assert_eq!(client.response(id)["result"], Value::Null);
    let id = client.request("textDocument/codeAction", json!({}));
    assert_eq!(client.response(id)["error"]["code"], -32600, "nothing but exit after shutdown");
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().unwrap().code(), Some(0));

    let mut client = Client::quick();
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().unwrap().code(), Some(1));
    let mut server =
        Command::new(BIN).arg("lsp").stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    drop(server.stdin.take());
    assert_eq!(server.wait().unwrap().code(), Some(1), "the input ended without exit");
}

/// The resident memory of a process, in KiB (Linux).
fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn memory_stays_flat_over_thousands_of_edits() {
    let project = Project::new(&[]);
    let mut client = Client::quick();
    let uri = uri(&project, "app.js");
    client.open(&uri, BAD);
    client.diagnostics(&uri, 1);
    let edit = |client: &mut Client, version: i64| {
        // Type a character on the last line, or take it out again.
        let change = if version % 2 == 0 {
            json!({ "range": { "start": { "line": 5, "character": 0 }, "end": { "line": 5, "character": 0 } }, "text": "x" })
        } else {
            json!({ "range": { "start": { "line": 5, "character": 0 }, "end": { "line": 5, "character": 1 } }, "text": "" })
        };
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
        );
    };
    // Warm up: the allocator's arenas and the parser's pages reach their working size.
    for version in 2..=300 {
        edit(&mut client, version);
    }
    client.diagnostics(&uri, 300);
    client.held.clear();
    let before = resident_kib(client.pid());
    for version in 301..=3300 {
        edit(&mut client, version);
        if version % 500 == 0 {
            client.held.clear();
        }
    }
    // Answered after all of them, on the text of the last one.
    let diagnostics = client.diagnostics(&uri, 3300);
    assert_eq!(diagnostics.len(), 1);
    let after = resident_kib(client.pid());
    assert!(after < before + 16 * 1024, "VmRSS grew from {before} KiB to {after} KiB over 3,000 edits");
    assert!(client.shutdown().success());
}

#[test]
fn help_lists_the_language_server() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("static-first <COMMAND>") && help.contains("\n  lsp "), "{help}");
    assert!(!help.contains("\n  help "), "`help` stays a path a user may check");
}
