//! `skillc completions SHELL` and `skillc man`: generated from the command line's definition, so
//! they never drift from it.

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::exit;
use clap::CommandFactory;

pub(crate) fn completions(args: &CompletionsArgs) -> u8 {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "skillc", &mut out);
    exit::OK
}

pub(crate) fn run(args: &ManArgs) -> u8 {
    let cmd = Cli::command();
    let Some(dir) = &args.out else {
        let mut out = std::io::stdout().lock();
        return match clap_mangen::Man::new(cmd).render(&mut out) {
            Ok(()) => exit::OK,
            Err(_) => exit::INTERNAL,
        };
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("skillc: error: cannot create {}: {e}", dir.display());
        return exit::USAGE;
    }
    match clap_mangen::generate_to(cmd, dir) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!(
                "skillc: error: cannot write man pages into {}: {e}",
                dir.display()
            );
            exit::USAGE
        }
    }
}
