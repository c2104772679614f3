//! JSON-RPC over stdio with `Content-Length` framing: one thread reads frames and hands them
//! over as messages, or as what was wrong with them (so a malformed message gets an error
//! response instead of ending the connection); the server writes its answers itself.

use std::io::{self, BufRead, Write};
use std::thread;

use crossbeam_channel::{Receiver, unbounded};
use lsp_server::{ErrorCode, Message};
use serde_json::{Value, json};

use crate::report::EditorWords;

/// What the reader got from one frame.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A frame that is not a message: the error response it gets (`id` is null when the frame
    /// had none, or was not JSON at all).
    Malformed {
        id: Value,
        code: ErrorCode,
        message: String,
    },
}

/// Reads frames from `input` on a thread of its own until the input ends (the channel is then
/// closed) or cannot be read. The thread ends with the input.
pub fn spawn_reader(mut input: impl BufRead + Send + 'static) -> Receiver<Incoming> {
    let (sender, receiver) = unbounded();
    thread::Builder::new()
        .name("static-first-lsp-reader".into())
        .spawn(move || {
            loop {
                let incoming = match read_frame(&mut input) {
                    Ok(Some(Ok(text))) => parse(&text),
                    Ok(Some(Err(why))) => Incoming::Malformed {
                        id: Value::Null,
                        code: ErrorCode::ParseError,
                        message: EditorWords::malformed(&why),
                    },
                    Ok(None) | Err(_) => break,
                };
                if sender.send(incoming).is_err() {
                    break;
                }
            }
        })
        .expect("the reader thread starts");
    receiver
}

/// One frame's body; `Ok(None)` at the end of the input; an inner error for a frame whose
/// headers or body are not what the protocol says (the stream goes on after it).
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Result<String, String>>> {
    let mut length = None;
    let mut line = String::new();
    let mut bad_header = None;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        match header.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("Content-Length `{}` is not a number", value.trim())),
                }
            }
            Some(_) => {}
            None => bad_header = Some(format!("`{header}` is not a header")),
        }
    }
    if let Some(why) = bad_header {
        return Ok(Some(Err(why)));
    }
    let Some(length) = length else { return Ok(Some(Err("no Content-Length header".to_string()))) };
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(String::from_utf8(body).map_err(|_| "the body is not UTF-8".to_string())))
}

/// A frame's body as a message, or the error response it deserves.
fn parse(text: &str) -> Incoming {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            return Incoming::Malformed {
                id: Value::Null,
                code: ErrorCode::ParseError,
                message: EditorWords::malformed(&e),
            };
        }
    };
    let id = value.get("id").cloned().filter(|id| id.is_number() || id.is_string()).unwrap_or(Value::Null);
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(e) => {
            Incoming::Malformed { id, code: ErrorCode::InvalidRequest, message: EditorWords::malformed(&e) }
        }
    }
}

/// Where the server's messages go.
pub struct Output<W: Write> {
    out: W,
}

impl<W: Write> Output<W> {
    pub fn new(out: W) -> Output<W> {
        Output { out }
    }

    /// Sends one message. A client that stopped reading is not an error here: its input
    /// ending, or `exit`, ends the server.
    pub fn send(&mut self, message: impl Into<Message>) {
        let _ = message.into().write(&mut self.out);
    }

    /// An error response to a message that has no usable id.
    pub fn send_error(&mut self, id: Value, code: ErrorCode, message: &str) {
        let body =
            json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code as i32, "message": message } });
        let text = body.to_string();
        let _ =
            write!(self.out, "Content-Length: {}\r\n\r\n{text}", text.len()).and_then(|()| self.out.flush());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Result<String, String>> {
        let mut input = io::Cursor::new(input.as_bytes().to_vec());
        std::iter::from_fn(|| read_frame(&mut input).unwrap()).collect()
    }

    #[test]
    fn bad_frames_are_reported_and_the_stream_goes_on() {
        let got = frames(
            "Content-Length: 2\r\n\r\n{}Content-Length: x\r\n\r\nnonsense\r\n\r\nContent-Length: 4\r\n\r\nnull",
        );
        assert_eq!(got[0], Ok("{}".to_string()));
        assert!(got[1].as_ref().unwrap_err().contains("not a number"));
        assert!(got[2].as_ref().unwrap_err().contains("not a header"));
        assert_eq!(got[3], Ok("null".to_string()));
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn bodies_that_are_not_messages_get_the_right_error() {
        let Incoming::Malformed { code, id, .. } = parse("{not json") else { panic!("not JSON") };
        assert_eq!((code as i32, id), (ErrorCode::ParseError as i32, Value::Null));
        let Incoming::Malformed { code, id, .. } = parse(r#"{"id": 7, "method": 3}"#) else {
            panic!("a bad method")
        };
        assert_eq!((code as i32, id), (ErrorCode::InvalidRequest as i32, json!(7)));
        assert!(matches!(
            parse(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
            Incoming::Message(_)
        ));
    }
}
