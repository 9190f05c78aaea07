use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-deprecated-key
    ///
    /// ## What it does
    /// Reports keys that current launchd ignores or that skillc's installer overrides, set through
    /// `run.launchd` (`OnDemand`, `ServiceIPC`, `TimeOut`, `HopefullyExitsFirst`, `HopefullyExitsLast`,
    /// `LimitLoadToHosts`, `LimitLoadFromHosts`, `Disabled`; compared ignoring case) or as the keep-
    /// alive condition `network_state` (`KeepAlive.NetworkState`). The message names the replacement.
    ///
    /// ## Why
    /// These keys do nothing on modern macOS (launchd even logs "The TimeOut key is no longer
    /// respected. It never did anything anyway."), or worse, look like they work: `OnDemand: false`
    /// silently means `KeepAlive`, `NetworkState` never waited for the network, and `Disabled` is only
    /// a default that `launchctl enable` overrides.
    ///
    /// The rule cannot be suppressed: the key is never emitted, and a suppressed finding would be a
    /// green build that dropped a key.
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
    ///       keep_alive: always
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
    /// Delete the key and use the replacement the message names: `keep_alive:` for restarts,
    /// `exit_timeout:` for stop timeouts, a `requires:` dependency with readiness (or a bounded wait in
    /// the job) for the network.
    pub(crate) const DEPRECATED_KEY = {
        id: "launchd-deprecated-key",
        severity: Error,
        stage: Analysis,
        summary: "A key launchd no longer honours is set, through `run.launchd` or `keep_alive.network_state`.",
        configurable: false,
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for (k, _) in &s.run.launchd {
            if let Some((key, why, instead)) = crate::keys::deprecated(&k.value) {
                out.push(
                    DEPRECATED_KEY
                        .finding(format!("`{key}` is a deprecated launchd key"))
                        .at(k.span, why)
                        .with_help(format!("remove it; use {instead}")),
                );
            }
        }
        if let skillc_ir::KeepAliveMode::Conditions(c) = &s.run.keep_alive.value
            && let Some(n) = &c.network_state
        {
            out.push(
                DEPRECATED_KEY
                    .finding("`KeepAlive.NetworkState` is a deprecated launchd key")
                    .at(
                        n.span,
                        "no longer implemented: it never waited for the network",
                    )
                    .with_help(
                        "remove it; wait for the network with a bounded retry in the job, or `requires:` a service whose readiness probes it",
                    ),
            );
        }
    }
}
