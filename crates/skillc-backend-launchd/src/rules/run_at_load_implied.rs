use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-run-at-load-implied
    ///
    /// ## What it does
    /// Warns when `run.run_at_load: false` is written for a job whose keep-alive makes launchd start it
    /// at load regardless: `keep_alive: always` (`KeepAlive` true), `on_failure` (the default) or a
    /// condition map with `successful_exit`.
    ///
    /// ## Why
    /// launchd.plist(5): `SuccessfulExit` "implies RunAtLoad", because the job must run once before
    /// there is an exit status to look at; a job with `KeepAlive` true is started as soon as it is
    /// loaded. The written `false` is emitted but does nothing, and the service starts at boot or login
    /// although the YAML says it does not.
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
    ///       keep_alive: always
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
    ///       mach_services: { org.example.web: true }
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
    /// Remove `run_at_load: false`, or use `keep_alive: never` (or conditions without
    /// `successful_exit`, such as `crashed: true`) with an on-demand trigger.
    pub(crate) const RUN_AT_LOAD_IMPLIED = {
        id: "launchd-run-at-load-implied",
        severity: Warning,
        stage: Analysis,
        summary: "`run_at_load: false` on a job launchd starts at load anyway.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    use skillc_ir::KeepAliveMode;
    for s in &ir.services {
        let Some(r) = s.run.run_at_load.as_ref().filter(|r| !r.value) else {
            continue;
        };
        let why = match &s.run.keep_alive.value {
            KeepAliveMode::Always => {
                Some("`KeepAlive` true starts the job as soon as it is loaded")
            }
            KeepAliveMode::Conditions(c) if c.successful_exit.is_some() => {
                Some("`SuccessfulExit` implies RunAtLoad (launchd.plist(5))")
            }
            _ => None,
        };
        if let Some(why) = why {
            out.push(
                RUN_AT_LOAD_IMPLIED
                    .finding(format!(
                        "`{}` is started at load although `run_at_load` is false",
                        s.id.value
                    ))
                    .at(r.span, "launchd does not honour this")
                    .with_label(s.run.keep_alive.span, why)
                    .with_help("remove `run_at_load: false`, or use `keep_alive: never` with an on-demand trigger"),
            );
        }
    }
}
