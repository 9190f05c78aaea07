use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-never-starts
    ///
    /// ## What it does
    /// Warns when a service is neither kept alive, nor run at load, nor scheduled, nor started on
    /// demand (`sockets`, `mach_services`, `watch_paths`, `queue_directories`, `start_on_mount`,
    /// `launch_events`).
    ///
    /// ## Why
    /// launchd runs a job only when something asks for it. With `keep_alive: never` and `run_at_load:
    /// false` and no trigger, the job is loaded and then sits there until someone runs `launchctl
    /// kickstart`: after the next reboot the service is simply not there, and its readiness never
    /// holds.
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
    ///       run_at_load: false
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
    ///       run_at_load: false
    ///       sockets: { http: { service_name: 8080 } }
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
    /// Add the trigger the program expects (a socket, a Mach service it checks in for, a schedule), or
    /// drop `run_at_load: false`.
    pub(crate) const NEVER_STARTS = {
        id: "launchd-never-starts",
        severity: Warning,
        stage: Analysis,
        summary: "Nothing ever starts the job.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        let r = &s.run;
        if crate::resolve::keeps_alive(s)
            || r.runs_at_load()
            || r.schedule.is_some()
            || !r.demand_triggers().is_empty()
        {
            continue;
        }
        let at = r.run_at_load.as_ref().map_or(r.keep_alive.span, |x| x.span);
        out.push(
            NEVER_STARTS
                .finding(format!("nothing ever starts `{}`", s.id.value))
                .at(at, "not run at load")
                .with_label(r.keep_alive.span, "not kept alive")
                .with_help("add a trigger (`sockets`, `mach_services`, `schedule`, ...) or remove `run_at_load: false`"),
        );
    }
}
