use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-pressured-exit-keep-alive
    ///
    /// ## What it does
    /// Warns when `run.enable_pressured_exit: true` is set on a service with `keep_alive: always`.
    ///
    /// ## Why
    /// launchd.plist(5): pressured exit is not honoured when `KeepAlive` is true. A job that launchd
    /// restarts whenever it exits cannot also be an idle job that launchd may reclaim, so the setting
    /// does nothing.
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
    ///       enable_pressured_exit: true
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
    ///       enable_pressured_exit: true
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
    /// Make the job on demand (`keep_alive: never` with a socket or Mach service), or remove
    /// `enable_pressured_exit`.
    pub(crate) const PRESSURED_EXIT_KEEP_ALIVE = {
        id: "launchd-pressured-exit-keep-alive",
        severity: Warning,
        stage: Analysis,
        summary: "`enable_pressured_exit` on a job with `keep_alive: always`.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        let Some(p) = s.run.flag("EnablePressuredExit").filter(|p| p.value) else {
            continue;
        };
        if s.run.keep_alive.value == skillc_ir::KeepAliveMode::Always {
            out.push(
                PRESSURED_EXIT_KEEP_ALIVE
                    .finding(format!("pressured exit of `{}` is not honoured", s.id.value))
                    .at(p.span, "ignored by launchd")
                    .with_label(s.run.keep_alive.span, "because KeepAlive is true")
                    .with_help("use `keep_alive: never` with an on-demand trigger, or remove `enable_pressured_exit`"),
            );
        }
    }
}
