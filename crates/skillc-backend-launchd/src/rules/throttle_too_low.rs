use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-throttle-too-low
    ///
    /// ## What it does
    /// Warns when a service that launchd restarts (`keep_alive: always` or `on_failure`) has a
    /// `throttle:` below 1 s.
    ///
    /// ## Why
    /// `ThrottleInterval` counts whole seconds and is the only thing between a crashing job and a
    /// hot restart loop. launchd ignores 0 ("ThrottleInterval set to zero. You're not that important.
    /// Ignoring.") and falls back to 10 s; skillc rounds a sub-second throttle up to 1 s, which lets a
    /// crashing job restart every second.
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
    ///       throttle: 0s
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
    /// Use a throttle of several seconds, longer than the service needs to fail cleanly (e.g. a stale lock's timeout).
    pub(crate) const THROTTLE_TOO_LOW = {
        id: "launchd-throttle-too-low",
        severity: Warning,
        stage: Analysis,
        summary: "A restarting service has a throttle below one second.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        if crate::resolve::keeps_alive(s)
            && s.run.throttle.value < std::time::Duration::from_secs(1)
        {
            out.push(
                THROTTLE_TOO_LOW
                    .finding(format!(
                        "`{}` is restarted by launchd with a throttle below one second",
                        s.id.value
                    ))
                    .at(
                        s.run.throttle.span,
                        "ThrottleInterval counts whole seconds; this becomes 1",
                    )
                    .with_help("use several seconds, e.g. `throttle: 10s`"),
            );
        }
    }
}
