//! static-first: finds Express apps that register session middleware before static-file
//! middleware and moves the static registrations first, only where that provably changes
//! nothing else. The rules it follows are in `docs/semantics.md`; the shape of the code is in
//! `docs/architecture.md`.
//!
//! The stages, in the order data flows through them:
//!
//! 1. [`cli`]: the command line, turned into the driver's options once.
//! 2. [`walk`]: which files, in path order ([`walk::select`] for lists and git).
//! 3. [`driver`]: reads and screens each file, runs the [`pipeline`] on it, writes fixes, and
//!    hands each [`pipeline::FileOutcome`] to the report layer.
//! 4. [`parse`]: oxc, in a per-worker arena ([`parse::arena`]; TypeScript first through
//!    [`parse::probe`]).
//! 5. [`detect`]: receivers and every statement around their registrations, classified with
//!    the [`knowledge`] of middleware packages and the project's [`config`].
//! 6. [`plan`]: the moves that put static first, every crossing judged, or a refusal.
//! 7. [`edit`]: byte-span edits that carry each statement's comments and layout.
//! 8. [`verify`]: the edited text re-parsed and checked against the plan.
//! 9. [`report`]: every string a user reads, in each output format.
//!
//! [`source`] (BOM, line endings, line numbers), [`suppress`] (ignore comments) and [`budget`]
//! (the work a file may cost) serve several stages; [`error`] holds every error and the exit
//! codes; [`fault`] holds the faults the test suite injects on purpose. [`lsp`] is the language
//! server, which runs the same pipeline on the documents an editor has open.

pub mod budget;
pub mod cli;
pub mod config;
pub mod detect;
pub mod driver;
pub mod edit;
pub mod error;
pub mod fault;
pub mod knowledge;
pub mod lsp;
pub mod parse;
pub mod pipeline;
pub mod plan;
pub mod progress;
pub mod report;
pub mod source;
pub mod suppress;
pub mod verify;
pub mod walk;
