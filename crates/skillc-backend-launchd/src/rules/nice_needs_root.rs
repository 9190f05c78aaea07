use skillc_diagnostics::declare_rule;
use skillc_ir::Scope;

declare_rule! {
    /// # launchd-nice-needs-root
    ///
    /// ## What it does
    /// Reports a negative `run.nice` on a session agent.
    ///
    /// ## Why
    /// Raising a process's priority (a negative nice value) needs root: setpriority(2) fails with
    /// EACCES for anyone else. An agent is spawned by the user's own launchd domain, so the value is
    /// not applied and the job runs at nice 0, while the YAML says it is favoured.
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
    ///       nice: -5
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
    ///       process_type: Interactive
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
    /// For an agent, ask for more CPU with `process_type: Interactive` (or `Adaptive`), which
    /// launchd.plist(5) prefers anyway; a negative `nice` works only in a daemon running as root.
    pub(crate) const NICE_NEEDS_ROOT = {
        id: "launchd-nice-needs-root",
        severity: Warning,
        stage: Analysis,
        summary: "A session agent asks for a negative nice value, which only root may set.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        if s.scope.value != Scope::Session {
            continue;
        }
        if let Some(n) = s.run.nice.as_ref().filter(|n| n.value < 0) {
            out.push(
                NICE_NEEDS_ROOT
                    .finding(format!(
                        "`{}` is an agent and cannot raise its priority to nice {}",
                        s.id.value, n.value
                    ))
                    .at(n.span, "needs root")
                    .with_help(
                        "use `process_type: Interactive` for an agent, or run it as a root daemon",
                    ),
            );
        }
    }
}
