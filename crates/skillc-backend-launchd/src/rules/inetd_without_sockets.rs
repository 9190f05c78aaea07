use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-inetd-without-sockets
    ///
    /// ## What it does
    /// Reports `run.inetd_compatibility` on a service with no `run.sockets`.
    ///
    /// ## Why
    /// inetd mode hands the job a socket launchd accepted (or listens on) as its standard input and
    /// output. Without a socket there is nothing to hand over: the job is never started for a
    /// connection.
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
    ///       keep_alive: never
    ///       inetd_compatibility: { wait: false }
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
    ///       keep_alive: never
    ///       inetd_compatibility: { wait: false }
    ///       sockets: { listener: { service_name: 8080 } }
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
    /// Declare the socket in `sockets`, or remove `inetd_compatibility`.
    pub(crate) const INETD_WITHOUT_SOCKETS = {
        id: "launchd-inetd-without-sockets",
        severity: Error,
        stage: Analysis,
        summary: "`inetd_compatibility` without `sockets`.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        if let Some(w) = &s.run.inetd_wait
            && s.run.sockets.is_empty()
        {
            out.push(
                INETD_WITHOUT_SOCKETS
                    .finding(format!(
                        "`{}` is inetd-compatible but has no socket",
                        s.id.value
                    ))
                    .at(w.span, "needs `sockets`")
                    .with_help("declare the listening socket in `sockets`"),
            );
        }
    }
}
