//! The server's loop: the initialize handshake, then one message at a time on this thread.
//! Edits wait for the debounce (a timer in the same `select`, no thread per edit); opening and
//! saving analyse at once. A code action on a document whose edits wait is answered once they
//! are analysed, so `$/cancelRequest` can still reach it; `shutdown` then `exit` ends the loop.

use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, at, never, select};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notify, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DidChangeWatchedFilesRegistrationOptions, ExecuteCommandOptions, ExecuteCommandParams, FileSystemWatcher,
    GlobPattern, InitializeParams, InitializeResult, LogMessageParams, MessageType, Position,
    PositionEncodingKind, PublishDiagnosticsParams, Range, Registration, RegistrationParams, SaveOptions,
    ServerCapabilities, ServerInfo, ShowDocumentParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::actions::{self, FIX_ALL, PLACE_CURSOR};
use super::config::Settings;
use super::diagnostics::diagnostics;
use super::documents::Documents;
use super::positions::Encoding;
use super::transport::{Incoming, Output};
use crate::config::FILE_NAME;
use crate::driver::text::{Checked, Scope, TextChecker};
use crate::report::EditorWords;

/// The debounce when the client sets none (`initializationOptions.debounceMs`).
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(200);

/// What the command line gave `static-first lsp`.
#[derive(Debug, Clone)]
pub struct Options {
    pub max_filesize: u64,
    /// `--config`: one configuration for every document.
    pub config: Option<PathBuf>,
}

/// How the loop ended, as the protocol's exit code: 0 after `shutdown` then `exit`, 1 when
/// `exit` came without `shutdown` or the input ended first.
pub fn run<W: Write>(options: &Options, incoming: Receiver<Incoming>, out: W) -> u8 {
    let mut out = Output::new(out);
    let Some((id, params)) = initialize(&incoming, &mut out) else { return 1 };
    let mut server = Server::new(options, &params, out);
    server.out.send(Response::new_ok(id, server.capabilities()));
    server.serve(&incoming)
}

/// Waits for `initialize`, answering every other request that it is not initialized yet.
fn initialize<W: Write>(
    incoming: &Receiver<Incoming>,
    out: &mut Output<W>,
) -> Option<(RequestId, InitializeParams)> {
    loop {
        match incoming.recv().ok()? {
            Incoming::Malformed { id, code, message } => out.send_error(id, code, &message),
            Incoming::Message(Message::Request(request)) if request.method == req::Initialize::METHOD => {
                match serde_json::from_value(request.params) {
                    Ok(params) => return Some((request.id, params)),
                    Err(e) => out.send(Response::new_err(
                        request.id,
                        ErrorCode::InvalidParams as i32,
                        EditorWords::invalid_params(req::Initialize::METHOD, &e),
                    )),
                }
            }
            Incoming::Message(Message::Request(request)) => out.send(Response::new_err(
                request.id,
                ErrorCode::ServerNotInitialized as i32,
                EditorWords::NOT_INITIALIZED.to_string(),
            )),
            Incoming::Message(Message::Notification(n)) if n.method == notify::Exit::METHOD => return None,
            Incoming::Message(_) => {}
        }
    }
}

struct Server<W: Write> {
    out: Output<W>,
    encoding: Encoding,
    debounce: Duration,
    documents: Documents,
    settings: Settings,
    checker: TextChecker,
    /// Code actions waiting for their document's edits to be analysed.
    waiting: Vec<(RequestId, CodeActionParams)>,
    /// The client shows a document at a selection (`window/showDocument`).
    show_document: bool,
    /// The client registers file watchers when asked.
    watch_files: bool,
    /// Ids of the requests this server sends.
    next_id: i32,
    shut_down: bool,
}

impl<W: Write> Server<W> {
    fn new(options: &Options, params: &InitializeParams, out: Output<W>) -> Server<W> {
        let capabilities = &params.capabilities;
        let utf8 = capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8));
        let debounce = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("debounceMs"))
            .and_then(Value::as_u64)
            .map_or(DEFAULT_DEBOUNCE, Duration::from_millis);
        Server {
            out,
            encoding: if utf8 { Encoding::Utf8 } else { Encoding::Utf16 },
            debounce,
            documents: Documents::default(),
            settings: Settings::new(options.config.clone()),
            checker: TextChecker::new(options.max_filesize, options.config.as_deref()),
            waiting: Vec::new(),
            show_document: capabilities
                .window
                .as_ref()
                .and_then(|w| w.show_document.as_ref())
                .is_some_and(|s| s.support),
            watch_files: capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            next_id: 0,
            shut_down: false,
        }
    }

    fn capabilities(&self) -> InitializeResult {
        let sync = TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions { include_text: Some(false) })),
            ..TextDocumentSyncOptions::default()
        };
        InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(match self.encoding {
                    Encoding::Utf8 => PositionEncodingKind::UTF8,
                    Encoding::Utf16 => PositionEncodingKind::UTF16,
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(sync)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL)]),
                    ..CodeActionOptions::default()
                })),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![PLACE_CURSOR.to_string()],
                    ..ExecuteCommandOptions::default()
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "static-first".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        }
    }

    /// Handles messages until `exit` or the end of the input.
    fn serve(&mut self, incoming: &Receiver<Incoming>) -> u8 {
        loop {
            let due = self.documents.earliest_dirty().map(|since| since + self.debounce);
            let timer = due.map_or_else(never, at);
            let next = select! {
                recv(incoming) -> next => next,
                recv(timer) -> _ => {
                    self.analyse_due();
                    continue;
                }
            };
            let message = match next {
                Err(_) => return 1,
                Ok(Incoming::Malformed { id, code, message }) => {
                    self.out.send_error(id, code, &message);
                    continue;
                }
                Ok(Incoming::Message(message)) => message,
            };
            match message {
                Message::Request(request) => {
                    let id = request.id.clone();
                    let handled = panic::catch_unwind(AssertUnwindSafe(|| self.request(request)));
                    if let Err(payload) = handled {
                        let why = payload.downcast_ref::<&str>().map_or("a panic", |s| s);
                        self.out.send(Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            why.to_string(),
                        ));
                    }
                }
                Message::Notification(n) if n.method == notify::Exit::METHOD => {
                    return if self.shut_down { 0 } else { 1 };
                }
                Message::Notification(notification) => {
                    let method = notification.method.clone();
                    let handled = panic::catch_unwind(AssertUnwindSafe(|| self.notification(notification)));
                    if handled.is_err() {
                        self.log(MessageType::ERROR, EditorWords::error(Path::new(&method), &"a panic"));
                    }
                }
                // Answers to this server's own requests (registration, showDocument): nothing to do.
                Message::Response(_) => {}
            }
        }
    }

    fn request(&mut self, request: Request) {
        if self.shut_down {
            let message = EditorWords::SHUT_DOWN.to_string();
            return self.out.send(Response::new_err(request.id, ErrorCode::InvalidRequest as i32, message));
        }
        match request.method.as_str() {
            req::Shutdown::METHOD => {
                self.shut_down = true;
                self.out.send(Response::new_ok(request.id, ()));
            }
            req::CodeActionRequest::METHOD => {
                let Some((id, params)) = self.params::<CodeActionParams>(request) else { return };
                let uri = &params.text_document.uri;
                match self.documents.get(uri) {
                    Some(document) if document.dirty_since.is_some() => self.waiting.push((id, params)),
                    Some(_) => self.answer_code_action(id, &params),
                    None => self.out.send(Response::new_ok(id, Value::Null)),
                }
            }
            req::ExecuteCommand::METHOD => {
                let Some((id, params)) = self.params::<ExecuteCommandParams>(request) else { return };
                self.execute(id, params);
            }
            req::Initialize::METHOD => {
                let message = EditorWords::malformed(&"`initialize` was already received");
                self.out.send(Response::new_err(request.id, ErrorCode::InvalidRequest as i32, message));
            }
            method => {
                let message = EditorWords::unknown_method(method);
                self.out.send(Response::new_err(request.id, ErrorCode::MethodNotFound as i32, message));
            }
        }
    }

    /// A request's parameters, or its error response.
    fn params<P: DeserializeOwned>(&mut self, request: Request) -> Option<(RequestId, P)> {
        match serde_json::from_value(request.params) {
            Ok(params) => Some((request.id, params)),
            Err(e) => {
                let message = EditorWords::invalid_params(&request.method, &e);
                self.out.send(Response::new_err(request.id, ErrorCode::InvalidParams as i32, message));
                None
            }
        }
    }

    fn notification(&mut self, n: Notification) {
        // After `shutdown`, only `exit` counts.
        if self.shut_down {
            return;
        }
        let (method, params) = (n.method, n.params);
        macro_rules! parsed {
            ($ty:ty) => {
                match serde_json::from_value::<$ty>(params) {
                    Ok(p) => p,
                    Err(e) => {
                        return self.log(MessageType::ERROR, EditorWords::invalid_params(&method, &e));
                    }
                }
            };
        }
        match method.as_str() {
            notify::Initialized::METHOD => self.watch_configs(),
            notify::Cancel::METHOD => {
                let cancel = parsed!(lsp_types::CancelParams);
                let id: RequestId = match cancel.id {
                    lsp_types::NumberOrString::Number(n) => n.into(),
                    lsp_types::NumberOrString::String(s) => s.into(),
                };
                if let Some(i) = self.waiting.iter().position(|(waiting, _)| *waiting == id) {
                    self.waiting.remove(i);
                    let message = EditorWords::CANCELLED.to_string();
                    self.out.send(Response::new_err(id, ErrorCode::RequestCanceled as i32, message));
                }
            }
            notify::DidOpenTextDocument::METHOD => {
                let open = parsed!(lsp_types::DidOpenTextDocumentParams);
                let document = open.text_document;
                let path = document_path(&document.uri, &document.language_id);
                self.documents.open(document.uri.clone(), document.text, document.version, path);
                self.analyse(&document.uri);
            }
            notify::DidChangeTextDocument::METHOD => {
                let change = parsed!(lsp_types::DidChangeTextDocumentParams);
                let document = change.text_document;
                self.documents.change(
                    &document.uri,
                    document.version,
                    change.content_changes,
                    self.encoding,
                    Instant::now(),
                );
            }
            notify::DidSaveTextDocument::METHOD => {
                let save = parsed!(lsp_types::DidSaveTextDocumentParams);
                let uri = save.text_document.uri;
                match file_path(&uri).filter(|p| self.settings.is_config(p)) {
                    Some(file) => self.reload(&file),
                    None if self.documents.get(&uri).is_some() => self.analyse(&uri),
                    None => {}
                }
            }
            notify::DidCloseTextDocument::METHOD => {
                let close = parsed!(lsp_types::DidCloseTextDocumentParams);
                let uri = close.text_document.uri;
                if self.documents.close(&uri) {
                    self.publish(uri.clone(), Vec::new(), None);
                }
                self.answer_waiting(&uri);
            }
            notify::DidChangeWatchedFiles::METHOD => {
                let changed = parsed!(lsp_types::DidChangeWatchedFilesParams);
                let config = changed
                    .changes
                    .iter()
                    .filter_map(|c| file_path(&c.uri))
                    .find(|p| self.settings.is_config(p));
                if let Some(file) = config {
                    self.reload(&file);
                }
            }
            _ => {}
        }
    }

    /// Asks the client to tell this server when a `static-first.toml` changes.
    fn watch_configs(&mut self) {
        if !self.watch_files {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{FILE_NAME}")),
                kind: None,
            }],
        };
        let registration = Registration {
            id: "static-first-config".to_string(),
            method: notify::DidChangeWatchedFiles::METHOD.to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        let params = RegistrationParams { registrations: vec![registration] };
        let id = self.next_request_id();
        self.out.send(Request::new(id, req::RegisterCapability::METHOD.to_string(), params));
    }

    fn next_request_id(&mut self) -> RequestId {
        self.next_id += 1;
        RequestId::from(format!("static-first-{}", self.next_id))
    }

    /// A configuration file changed: read every configuration again, check every document again.
    fn reload(&mut self, file: &Path) {
        self.settings.reload();
        self.log(MessageType::INFO, EditorWords::config_reloaded(file));
        for uri in self.documents.uris() {
            self.analyse(&uri);
        }
    }

    /// Analyses every document whose edits have waited for the debounce.
    fn analyse_due(&mut self) {
        let Some(before) = Instant::now().checked_sub(self.debounce) else { return };
        for uri in self.documents.dirty_since(before) {
            self.analyse(&uri);
        }
    }

    /// Analyses a document now, publishes its diagnostics and answers the code actions that
    /// waited for it.
    fn analyse(&mut self, uri: &Uri) {
        let Some(document) = self.documents.get_mut(uri) else { return };
        document.dirty_since = None;
        document.analysis = None;
        let (path, version) = (document.path.clone(), document.version);
        let mut log = None;
        let checked = match self.settings.for_file(&path) {
            Ok(config) => self.checker.check(&path, &document.text, &config, Scope::All { explain: false }),
            Err(error) => {
                log = Some(EditorWords::error(&path, &error));
                None
            }
        };
        let found = match checked {
            None => Vec::new(),
            Some(Checked::Skipped(why)) => {
                log = Some(EditorWords::skipped(&path, &why));
                Vec::new()
            }
            Some(Checked::Analysed(outcome)) => {
                if let Some(error) = &outcome.error {
                    log = Some(EditorWords::error(&path, error));
                }
                let found = diagnostics(uri, &document.text, &outcome, self.encoding);
                document.analysis = Some(outcome);
                found
            }
        };
        if let Some(message) = log {
            self.log(MessageType::WARNING, message);
        }
        self.publish(uri.clone(), found, Some(version));
        self.answer_waiting(uri);
    }

    fn publish(&mut self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams { uri, diagnostics, version };
        self.out.send(Notification::new(notify::PublishDiagnostics::METHOD.to_string(), params));
    }

    fn log(&mut self, typ: MessageType, message: String) {
        let params = LogMessageParams { typ, message };
        self.out.send(Notification::new(notify::LogMessage::METHOD.to_string(), params));
    }

    /// Answers the code actions that waited for `uri`'s analysis.
    fn answer_waiting(&mut self, uri: &Uri) {
        let (ready, waiting) =
            std::mem::take(&mut self.waiting).into_iter().partition(|(_, p)| p.text_document.uri == *uri);
        self.waiting = waiting;
        for (id, params) in ready {
            self.answer_code_action(id, &params);
        }
    }

    fn answer_code_action(&mut self, id: RequestId, params: &CodeActionParams) {
        let uri = &params.text_document.uri;
        let Some(document) = self.documents.get(uri) else {
            return self.out.send(Response::new_ok(id, Value::Null));
        };
        let Some(outcome) = &document.analysis else {
            return self.out.send(Response::new_ok(id, Vec::<()>::new()));
        };
        let request = actions::Request {
            uri,
            range: params.range,
            only: params.context.only.as_deref(),
            encoding: self.encoding,
            show_document: self.show_document,
        };
        let (checker, settings) = (&mut self.checker, &self.settings);
        let mut fix_one = |at: u32| {
            let config = settings.for_file(&document.path).ok()?;
            match checker.check(&document.path, &document.text, &config, Scope::One(at))? {
                Checked::Analysed(outcome) if outcome.error.is_none() => outcome.fixed,
                _ => None,
            }
        };
        let found = actions::code_actions(
            &request,
            &document.text,
            &outcome.findings,
            outcome.fixed.as_deref(),
            &mut fix_one,
        );
        self.out.send(Response::new_ok(id, found));
    }

    /// `static-first.placeCursor URI POSITION`: show the document with the cursor there.
    fn execute(&mut self, id: RequestId, params: ExecuteCommandParams) {
        let mut arguments = params.arguments.into_iter();
        let place = match (params.command.as_str(), arguments.next(), arguments.next()) {
            (PLACE_CURSOR, Some(uri), Some(position)) => {
                serde_json::from_value::<Uri>(uri).ok().zip(serde_json::from_value::<Position>(position).ok())
            }
            _ => None,
        };
        let Some((uri, position)) = place else {
            let message = EditorWords::invalid_params(req::ExecuteCommand::METHOD, &params.command);
            return self.out.send(Response::new_err(id, ErrorCode::InvalidParams as i32, message));
        };
        self.out.send(Response::new_ok(id, Value::Null));
        let show = ShowDocumentParams {
            uri,
            external: Some(false),
            take_focus: Some(true),
            selection: Some(Range { start: position, end: position }),
        };
        let request_id = self.next_request_id();
        self.out.send(Request::new(request_id, req::ShowDocument::METHOD.to_string(), show));
    }
}

/// The file a `file:` URI names.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str().strip_prefix("file://")?;
    let decoded = percent_decode(text)?;
    Some(PathBuf::from(decoded))
}

/// What a document is analysed as: its file, or for an unsaved one a name in the working
/// directory whose extension its language gives.
fn document_path(uri: &Uri, language_id: &str) -> PathBuf {
    file_path(uri).unwrap_or_else(|| {
        let extension = match language_id {
            "typescript" => "ts",
            "typescriptreact" => "tsx",
            "javascriptreact" => "jsx",
            _ => "js",
        };
        PathBuf::from(format!("untitled.{extension}"))
    })
}

/// `%XX` escapes decoded; `None` when they do not make UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Runs the server on stdin and stdout.
pub fn serve_stdio(options: &Options) -> u8 {
    let incoming = super::transport::spawn_reader(io::BufReader::new(io::stdin()));
    run(options, incoming, io::stdout())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths() {
        let uri: Uri = "file:///tmp/a%20b/%C3%A9.ts".parse().unwrap();
        assert_eq!(file_path(&uri), Some(PathBuf::from("/tmp/a b/é.ts")));
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(file_path(&untitled), None);
        assert_eq!(document_path(&untitled, "typescript"), PathBuf::from("untitled.ts"));
        assert_eq!(percent_decode("%FF"), None);
    }
}
