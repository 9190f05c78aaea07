//! `skillc` as a library: what the command line does, for tests and other front ends.
//!
//! [`pipeline::check`] loads, lowers and analyzes families; [`build::plan`] and
//! [`build::write_tree`] turn a checked run into an output tree; [`run`] is the whole command line.

pub mod build;
mod cli;
mod commands;
pub mod config;
pub mod exit;
pub mod imports;
pub mod pipeline;
pub mod registry;
mod rules;
pub mod stdlib;
pub mod suppress;

pub use cli::Cli;

/// Runs one parsed command line and returns the process exit code (see [`exit`]).
pub fn run(cli: Cli) -> u8 {
    commands::run(cli)
}
