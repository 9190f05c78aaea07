//! `skillc graph`: the dependency graph of checked families, or their start order.

use crate::cli::{GraphArgs, GraphFormat};
use crate::{exit, pipeline};
use skillc_backend_graph::{Findings, start_order, to_dot, to_html, to_json, to_mermaid, to_svg};
use skillc_diagnostics::{Diagnostic, SourceMap, render_human};
use skillc_ir::Ir;

pub(crate) fn run(args: &GraphArgs) -> u8 {
    let checked = pipeline::check(
        &crate::cli::family_paths(&args.paths),
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
    if matches!(args.format, GraphFormat::Svg | GraphFormat::Html) && !args.order {
        let findings = findings(checked.ir(), &checked.sources, &checked.diagnostics);
        let page = match args.format {
            GraphFormat::Html => to_html(checked.ir(), &findings),
            _ => to_svg(checked.ir(), &findings),
        };
        print!("{page}");
        if checked.has_errors() {
            let errors: Vec<_> = checked
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect();
            eprint!("{}", render_human(&checked.sources, &errors, false, 100));
            return exit::FINDINGS;
        }
        return exit::OK;
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
    let ir = checked.ir();
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
            GraphFormat::Svg => to_svg(ir, &findings(ir, &checked.sources, &[])),
            GraphFormat::Html => to_html(ir, &findings(ir, &checked.sources, &[])),
        }
    );
    exit::OK
}

/// The edges a finding points at (by the dependency's span) and every service's probe text.
fn findings(ir: &Ir, sources: &SourceMap, diagnostics: &[Diagnostic]) -> Findings {
    let mut out = Findings::default();
    for id in ir.service_ids() {
        let s = ir.service(id);
        if let Some(r) = &s.readiness
            && let Some(text) = sources.get(r.probe_span.file).and_then(|f| {
                f.text
                    .get(r.probe_span.start as usize..r.probe_span.end as usize)
            })
        {
            out.probes
                .insert(id, text.trim_matches(['\'', '"']).to_owned());
        }
        for dep in s.dependencies() {
            let hit = diagnostics
                .iter()
                .find(|d| d.span == Some(dep.span) || d.labels.iter().any(|l| l.span == dep.span));
            if let Some(d) = hit {
                out.edges
                    .insert((id, dep.target), format!("{} [{}]", d.message, d.code));
            }
        }
    }
    out
}
