//! static-first: finds Express apps that register session middleware before static-file
//! middleware and moves the static registrations first, only where that provably changes
//! nothing else.
//!
//! Pipeline: [`walk`] → read → prefilter → [`parse`] → [`detect`] → [`plan`] → [`edit`] →
//! [`verify`] → [`report`] / write, driven by [`driver`]; [`pipeline`] runs the text-only
//! steps for one file.

pub mod arena;
pub mod body;
pub mod classify;
pub mod cli;
pub mod config;
pub mod detect;
pub mod driver;
pub mod edit;
pub mod error;
pub mod interactive;
pub mod parse;
pub mod pipeline;
pub mod plan;
pub mod probe;
pub mod progress;
pub mod report;
pub mod select;
pub mod source;
pub mod suppress;
pub mod verify;
pub mod walk;
