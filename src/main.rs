//! `skillc`: compiler and static analyzer for declarative remediation skills.

mod build;
mod cli;
mod commands;
mod config;
mod exit;
mod pipeline;
mod registry;
mod rules;
mod suppress;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("skillc: internal error: {info}");
        eprintln!("skillc: this is a bug; please report it with the input that caused it");
    }));
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match std::panic::catch_unwind(|| commands::run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(_) => ExitCode::from(exit::INTERNAL),
    }
}
