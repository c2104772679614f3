//! One test binary for everything that runs the built `static-first`: fixtures, CLI, end to end.

mod support;

mod action;
mod cli;
mod e2e;
mod editors;
mod fixtures;
mod formats;
mod generate;
mod lsp;
mod npm;
mod offsets;
mod pr_text;
mod precommit;
mod properties;
mod workflow;
mod workflows;
