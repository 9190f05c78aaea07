use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-exit-timeout-zero
    ///
    /// ## What it does
    /// Warns when `run.exit_timeout` is `0s` (or rounds to zero seconds).
    ///
    /// ## Why
    /// `ExitTimeOut` 0 means infinity to launchd: a job that ignores SIGTERM is never killed, and it
    /// holds up shutdown and every `launchctl bootout`. launchd.plist(5) says not to use it.
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
    ///       exit_timeout: 0s
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
    ///       exit_timeout: 30s
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
    /// Give the job a bounded time to exit, e.g. `exit_timeout: 30s`, or leave the system default.
    pub(crate) const EXIT_TIMEOUT_ZERO = {
        id: "launchd-exit-timeout-zero",
        severity: Warning,
        stage: Analysis,
        summary: "`exit_timeout` is zero: launchd waits forever after SIGTERM.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        if let Some(t) = &s.run.exit_timeout
            && skillc_backend_support::ceil_secs(t.value, 0) == 0
        {
            out.push(
                EXIT_TIMEOUT_ZERO
                    .finding(format!(
                        "`{}` would never be killed after SIGTERM",
                        s.id.value
                    ))
                    .at(t.span, "ExitTimeOut 0 means no limit")
                    .with_help("give a bounded time, e.g. `exit_timeout: 30s`"),
            );
        }
    }
}
