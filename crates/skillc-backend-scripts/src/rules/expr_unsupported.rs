use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::{Ir, ServiceId, SkillId};
use std::collections::BTreeSet;

declare_rule! {
    /// # script-expr-unsupported
    ///
    /// ## What it does
    /// Reports a `detect`, `verify`, `when`, `until` or `guard` expression of a skill that the
    /// script backend cannot compile for a service the skill applies to: a run-time parameter
    /// (one without a default) where only a literal works (`tcp`, `bus`, string comparisons), a
    /// `tcp` address that is not `host:port`, a reference to an unknown service, and so on.
    ///
    /// ## Why
    /// The remediation script would have to evaluate a condition it cannot express in sh. skillc
    /// never guesses: such a script only prints the reason and exits 70.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   web:
    ///     description: A web server.
    ///     layer: L3
    ///     scope: session
    ///     capabilities: [serve_api]
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
    /// skills:
    ///   web-down:
    ///     title: The web server does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     params:
    ///       addr: { type: string }
    ///     detect: '!tcp(param("addr"))'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   web:
    ///     description: A web server.
    ///     layer: L3
    ///     scope: session
    ///     capabilities: [serve_api]
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
    /// skills:
    ///   web-down:
    ///     title: The web server does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     params:
    ///       addr: { type: string, default: "127.0.0.1:8080" }
    ///     detect: '!tcp(param("addr"))'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Give the parameter a default (it is then fixed at compile time and may be used anywhere),
    /// or write the condition with functions that accept a run-time value (`file_exists`,
    /// `dir_exists`, `pid_alive`, `log_contains`, `exec`, `free_space`, `port_free`, integer
    /// comparisons).
    pub(crate) const SCRIPT_EXPR_UNSUPPORTED = {
        id: "script-expr-unsupported",
        severity: Error,
        stage: Analysis,
        summary: "A skill expression cannot be compiled into its remediation script.",
    }
}

pub(crate) fn check(ir: &Ir, out: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    // A readiness probe that cannot be compiled is `launchd-probe-unsupported`, reported once at
    // the probe; a skill inlining it (`ready(service)`) is not reported again.
    let probes: Vec<_> = ir
        .services
        .iter()
        .filter_map(|s| s.readiness.as_ref().map(|r| r.probe_span))
        .collect();
    let in_probe = |span: skillc_diagnostics::Span| {
        probes
            .iter()
            .any(|p| p.file == span.file && p.start <= span.start && span.end <= p.end)
    };
    // Compiling a script per (skill, service) pair is the cost of this rule; services that look
    // alike to the expression compiler (same family, scope, optional fields and readiness) give
    // the same errors, so one of them stands for all. Only a parameter default that embeds a
    // service field's *value* into a checked position (a `tcp` address) could differ; such a
    // script is still generated, and exits 70 saying why (docs/exit-codes.md).
    let mut compiled = BTreeSet::new();
    let reps: Vec<(SkillId, ServiceId)> = crate::skill_runs(ir)
        .into_iter()
        .filter(|&(skill, target)| {
            let t = ir.service(target);
            compiled.insert((
                skill,
                t.family,
                t.scope.value == skillc_ir::Scope::Daemon,
                t.bus.is_some(),
                t.run.stdout.is_some(),
                t.run.stderr.is_some(),
                t.run.working_dir.is_some(),
                t.readiness.is_some(),
            ))
        })
        .collect();
    for ((skill, target), errors) in reps.iter().zip(compile_all(ir, &reps)) {
        for e in errors {
            if in_probe(e.span) || !seen.insert((e.span, e.message.clone())) {
                continue;
            }
            out.push(
                SCRIPT_EXPR_UNSUPPORTED
                    .finding(format!(
                        "skill `{}` cannot be compiled into a script for `{}`",
                        ir.skill_name(*skill),
                        ir.service_name(*target)
                    ))
                    .at(e.span, e.message),
            );
        }
    }
}

/// The compile errors of each pair, in order, computed on every core.
fn compile_all(
    ir: &Ir,
    pairs: &[(SkillId, ServiceId)],
) -> Vec<Vec<skillc_backend_support::ProbeError>> {
    crate::parallel::map_in_order(pairs, 8, |&(skill, target)| {
        crate::script::compile_errors(ir, skill, target)
    })
}
