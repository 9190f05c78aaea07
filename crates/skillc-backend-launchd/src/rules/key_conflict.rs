use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-key-conflict
    ///
    /// ## What it does
    /// Reports escape-hatch keys that a typed field of `run` writes: every key of launchd.plist(5) that
    /// skillc models (`KeepAlive`, `RunAtLoad`, `Sockets`, `MachServices`, `ProcessType`, `Nice`,
    /// `WatchPaths`, `AssociatedBundleIdentifiers`, ... `skillc explain` of the finding names the
    /// field). Keys are compared ignoring case, as launchd compares them (`keepalive` is `KeepAlive`).
    ///
    /// ## Why
    /// Two sources for one key means one of them is lost, and the typed fields carry checks (the
    /// readiness gate in `ProgramArguments`, an explicit `PATH`, the keep-alive and socket rules) that
    /// a raw value would bypass.
    ///
    /// The rule cannot be suppressed: a suppressed conflict would either drop the raw value or override
    /// the typed one, and a green build must mean the plist says what the YAML says.
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
    ///       run_at_load: false
    ///       mach_services: { org.example.web: true }
    ///       keep_alive: never
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
    /// Move the value to the typed field the message names (here `run_at_load: false`) and remove the
    /// raw key.
    pub(crate) const KEY_CONFLICT = {
        id: "launchd-key-conflict",
        severity: Error,
        stage: Analysis,
        summary: "The `run.launchd` escape hatch sets a key that a typed service field writes.",
        configurable: false,
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for (k, _) in &s.run.launchd {
            if let Some((key, field)) = crate::keys::typed(&k.value) {
                let read_as = if key == k.value {
                    String::new()
                } else {
                    format!("launchd reads it as `{key}` (keys ignore case); ")
                };
                out.push(
                    KEY_CONFLICT
                        .finding(format!(
                            "`{}` cannot be set through `run.launchd`",
                            k.value.escape_debug()
                        ))
                        .at(
                            k.span,
                            format!("{read_as}skillc writes `{key}` from {field}"),
                        )
                        .with_help(format!("use {field} instead")),
                );
            }
        }
    }
}
