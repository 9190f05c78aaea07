use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-key-conflict
    ///
    /// ## What it does
    /// Reports escape-hatch keys that skillc writes from typed fields: `Label`, `Program`,
    /// `BundleProgram`, `ProgramArguments`, `EnvironmentVariables`, `WorkingDirectory`, `UserName`,
    /// `GroupName`, `LimitLoadToSessionType`, `KeepAlive`, `RunAtLoad`, `ThrottleInterval`,
    /// `StartInterval`, `StartCalendarInterval`, `StandardOutPath`, `StandardErrorPath`, `Umask`,
    /// `MachServices`.
    ///
    /// ## Why
    /// Two sources for one key means one of them is silently lost, and the typed fields carry
    /// guarantees (the readiness gate in `ProgramArguments`, an explicit `PATH`, a `ThrottleInterval`
    /// on every restarting job) that a raw value would bypass.
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
    ///       launchd: { RunAtLoad: false }
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
    /// Use the typed field the message names (e.g. `keep_alive:`, `schedule:`, `env:`) and remove the raw key.
    pub(crate) const KEY_CONFLICT = {
        id: "launchd-key-conflict",
        severity: Error,
        stage: Analysis,
        summary: "The `run.launchd` escape hatch sets a key that the typed service fields already own.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for (k, v) in &s.run.launchd {
            let network_state = k.value == "KeepAlive"
                && v.value
                    .as_object()
                    .is_some_and(|o| o.contains_key("NetworkState"));
            if network_state {
                continue; // reported by launchd-deprecated-key
            }
            if let Some(owner) = crate::keys::owned(&k.value) {
                out.push(
                    KEY_CONFLICT
                        .finding(format!("`{}` cannot be set through `run.launchd`", k.value))
                        .at(k.span, format!("skillc writes this key from {owner}"))
                        .with_help(format!("use {owner} instead")),
                );
            }
        }
    }
}
