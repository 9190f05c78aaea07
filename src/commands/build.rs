//! `skillc build`: check, and only when there is no error, emit the output tree atomically.

use super::check::report;
use crate::build::{WriteError, manifest, plan_with, test_manifest, write_tree};
use crate::cli::{BuildArgs, Format};
use crate::{exit, pipeline};
use std::time::Instant;

pub(crate) fn run(args: &BuildArgs) -> u8 {
    let mut checked = pipeline::check(
        &crate::cli::family_paths(&args.check.paths),
        &pipeline::CheckOptions {
            cache: pipeline::Cache::Off,
            ..Default::default()
        },
    );
    if let Some(code) = report(&args.check, &checked) {
        return code;
    }
    let (false, Ok(ir)) = (checked.has_errors(), &checked.ir) else {
        eprintln!("skillc: build refused: fix the errors above; nothing was written");
        return exit::FINDINGS;
    };
    let t = Instant::now();
    let files = plan_with(
        ir,
        skillc_backend_support::Options {
            test_build: args.test_build,
        },
    );
    let sources = &checked.sources;
    let result = write_tree(
        &args.out,
        &files,
        |written| {
            if args.test_build {
                test_manifest(written, sources, ir)
            } else {
                manifest(written, sources, ir)
            }
        },
        &crate::build::write_file,
    );
    checked.timings.emit = t.elapsed();
    if args.check.timings {
        eprint!("{}", checked.timings.render());
    }
    match result {
        Ok(()) => {
            if args.check.format() == Format::Human {
                println!(
                    "skillc: wrote {} files for {} families to {}{}",
                    files.len() + 1,
                    ir.families.iter().filter(|f| !f.dependency).count(),
                    args.out.display(),
                    if args.test_build {
                        " (a test build: never install it)"
                    } else {
                        ""
                    }
                );
            }
            exit::OK
        }
        Err(e @ WriteError::Refused(_)) => {
            eprintln!("skillc: error: {e}");
            exit::USAGE
        }
        Err(e @ WriteError::Io(_)) => {
            eprintln!("skillc: error: build failed, the previous output is unchanged: {e}");
            exit::USAGE
        }
    }
}
