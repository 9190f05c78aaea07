use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-probe-unsupported
    ///
    /// ## What it does
    /// Reports readiness probes that the launchd backend cannot turn into a POSIX sh check: a
    /// `tcp` address that is not `host:port` with a port from 1 to 65535, a `port_free` port that is not
    /// a literal in range, a `log_contains` text that is empty or spans lines, a string holding NUL, or a
    /// `ready`/`loaded`/... reference to a service that does not exist.
    ///
    /// ## Why
    /// Services that require this one wait for its probe in their readiness gate before they start.
    /// A probe that cannot be evaluated would make them wait for nothing, or never start.
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
    ///       probe: 'tcp("127.0.0.1")'
    /// skills:
    ///   web-down:
    ///     title: The web server does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
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
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Fix the probe, e.g. `tcp("127.0.0.1:8080")`.
    pub(crate) const PROBE_UNSUPPORTED = {
        id: "launchd-probe-unsupported",
        severity: Error,
        stage: Analysis,
        summary: "A readiness probe cannot be compiled into the shell gate.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    let resolver = crate::resolve::IrResolver { ir };
    let mut seen = std::collections::BTreeSet::new();
    // One compiler for all: each probe is compiled once, when first reached (in service order,
    // directly or through a `ready(...)`), so its error names the first service that needs it.
    let mut compiler = skillc_sh::ProbeCompiler::new(&resolver);
    for id in ir.service_ids() {
        if ir.service(id).readiness.is_none() {
            continue;
        }
        if let Err(e) = compiler.ready_function(id.index()) {
            // A broken probe is reported once, however many probes reach it through `ready`.
            if !seen.insert((e.span, e.message.clone())) {
                continue;
            }
            out.push(
                PROBE_UNSUPPORTED
                    .finding(format!(
                        "the readiness probe of `{}` cannot be compiled into a shell gate",
                        ir.service_name(id)
                    ))
                    .at(e.span, e.message),
            );
        }
    }
}
