use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-legacy-timers-process-type
    ///
    /// ## What it does
    /// Warns for `run.legacy_timers: true` on a service whose `process_type` is not `Interactive`.
    ///
    /// ## Why
    /// launchd.plist(5): opting out of timer coalescing may have no effect unless the job's
    /// `ProcessType` is `Interactive`. The YAML promises precise timers the job may not get.
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
    ///       legacy_timers: true
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
    ///       legacy_timers: true
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
    /// Add `process_type: Interactive`, or remove `legacy_timers`.
    pub(crate) const LEGACY_TIMERS_PROCESS_TYPE = {
        id: "launchd-legacy-timers-process-type",
        severity: Warning,
        stage: Analysis,
        summary: "`legacy_timers` without `process_type: Interactive`.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        let Some(l) = s.run.flag("LegacyTimers").filter(|l| l.value) else {
            continue;
        };
        let interactive = s
            .run
            .process_type
            .as_ref()
            .is_some_and(|t| t.value == skillc_ir::ProcessType::Interactive);
        if !interactive {
            out.push(
                LEGACY_TIMERS_PROCESS_TYPE
                    .finding(format!(
                        "legacy timers of `{}` may have no effect",
                        s.id.value
                    ))
                    .at(l.span, "honoured with `process_type: Interactive`")
                    .with_help("add `process_type: Interactive`, or remove `legacy_timers`"),
            );
        }
    }
}
