use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-deprecated-key
    ///
    /// ## What it does
    /// Reports escape-hatch keys that current launchd ignores or that skillc's installer
    /// overrides: `OnDemand`, `ServiceIPC`, `TimeOut`, `HopefullyExitsFirst`, `HopefullyExitsLast`,
    /// `LimitLoadToHosts`, `LimitLoadFromHosts`, `Disabled`, and `KeepAlive` with `NetworkState`.
    ///
    /// ## Why
    /// These keys do nothing on modern macOS (launchd even logs "The TimeOut key is no longer
    /// respected. It never did anything anyway."), or worse, look like they work: `OnDemand: false`
    /// silently means `KeepAlive`, `NetworkState` never waited for the network, and `Disabled` is only
    /// a default that `launchctl enable` overrides.
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
    ///       launchd: { OnDemand: false }
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
    /// Delete the key. Use `keep_alive:` for restarts and a `requires:` dependency with readiness to wait for the network.
    pub(crate) const DEPRECATED_KEY = {
        id: "launchd-deprecated-key",
        severity: Error,
        stage: Analysis,
        summary: "The `run.launchd` escape hatch sets a key launchd no longer honours.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for (k, v) in &s.run.launchd {
            let why = crate::keys::deprecated(&k.value).or_else(|| {
                (k.value == "KeepAlive"
                    && v.value
                        .as_object()
                        .is_some_and(|o| o.contains_key("NetworkState")))
                .then_some("KeepAlive.NetworkState is no longer implemented")
            });
            if let Some(why) = why {
                out.push(
                    DEPRECATED_KEY
                        .finding(format!("`{}` is a deprecated launchd key", k.value))
                        .at(k.span, why)
                        .with_help(
                            "remove it; `skillc explain launchd-deprecated-key` lists replacements",
                        ),
                );
            }
        }
    }
}
