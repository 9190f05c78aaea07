//! One module per subcommand.

mod approve;
mod build;
mod catalog;
mod check;
mod explain;
mod graph;
mod import;
mod init;
mod man;
mod mcp;
mod schema;

use crate::cli::{Cli, Command};

/// Runs a command and returns the process exit code.
pub(crate) fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Approve(args) => approve::run(&args),
        Command::Catalog(args) => catalog::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Mcp(args) => mcp::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Completions(args) => man::completions(&args),
        Command::Man(args) => man::run(&args),
    }
}
