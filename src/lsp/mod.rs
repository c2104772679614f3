//! `static-first lsp`: a language server over stdio that shows each finding where it is
//! written and offers its fix. It checks each open document exactly as `--stdin-filename`
//! does ([`crate::driver::text`]), with the configuration and suppression comments the CLI
//! uses.
//!
//! [`transport`] frames messages, [`server`] is the loop (handshake, debounce, cancellation,
//! shutdown), [`documents`] holds the texts, [`diagnostics`] and [`actions`] turn findings into
//! what the client shows, [`config`] finds and reloads `static-first.toml`, and [`positions`]
//! converts between byte offsets and the client's UTF-16 or UTF-8 positions.

mod actions;
mod config;
mod diagnostics;
mod documents;
mod positions;
mod server;
mod transport;

pub use server::{Options, serve_stdio};
