use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-keepalive-schedule
    ///
    /// ## What it does
    /// Warns when a service has a `schedule:` and a `keep_alive:` that restarts it: `always`,
    /// `on_failure` (the default) or a map of conditions.
    ///
    /// ## Why
    /// A kept-alive job is restarted by launchd whenever it exits (or fails), so the schedule no
    /// longer decides when it runs: a nightly job that fails reruns every throttle interval, all night.
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
    ///       schedule: { every: 1h }
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
    /// Add `keep_alive: never` to run only on the schedule, or drop the schedule for a long-running service.
    pub(crate) const KEEPALIVE_SCHEDULE = {
        id: "launchd-keepalive-schedule",
        severity: Warning,
        stage: Analysis,
        summary: "A scheduled service is also kept alive.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        let Some(schedule) = &s.run.schedule else {
            continue;
        };
        if crate::resolve::keeps_alive(s) {
            out.push(
                KEEPALIVE_SCHEDULE
                    .finding(format!(
                        "`{}` has a schedule but launchd also keeps it alive",
                        s.id.value
                    ))
                    .at(
                        s.run.keep_alive.span,
                        "keep_alive restarts it (`always`, `on_failure` by default, or conditions)",
                    )
                    .with_label(
                        schedule.span,
                        "this schedule no longer decides when it runs",
                    )
                    .with_help("add `keep_alive: never` to run only on the schedule"),
            );
        }
    }
}
