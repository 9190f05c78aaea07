//! `skillc graph`: the dependency graph of checked families, or their start order.

use crate::cli::{GraphArgs, GraphFormat};
use crate::{exit, pipeline};
use skillc_backend_graph::{start_order, to_dot, to_json, to_mermaid};
use skillc_diagnostics::render_human;

pub(crate) fn run(args: &GraphArgs) -> u8 {
    let checked = pipeline::check(
        &args.paths,
        &pipeline::CheckOptions {
            cache: pipeline::Cache::Use,
            ..Default::default()
        },
    );
    if !checked.usage_errors.is_empty() {
        for e in &checked.usage_errors {
            eprintln!("skillc: error: {e}");
        }
        return exit::USAGE;
    }
    if checked.has_errors() {
        // The same findings `check` reports (a cycle, above all), on stderr so stdout stays a graph.
        let errors: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        eprint!("{}", render_human(&checked.sources, &errors, false, 100));
        eprintln!("skillc: graph refused: fix the errors above");
        return exit::FINDINGS;
    }
    let ir = &checked.ir;
    if args.order {
        let Some(order) = start_order(ir) else {
            eprintln!("skillc: internal error: a checked graph has a cycle");
            return exit::INTERNAL;
        };
        for id in order {
            let s = ir.service(id);
            println!(
                "{}\t{}\t{}",
                ir.service_name(id),
                s.layer.value.as_str(),
                s.scope.value.as_str()
            );
        }
        return exit::OK;
    }
    print!(
        "{}",
        match args.format {
            GraphFormat::Dot => to_dot(ir),
            GraphFormat::Mermaid => to_mermaid(ir),
            GraphFormat::Json => to_json(ir),
        }
    );
    exit::OK
}
