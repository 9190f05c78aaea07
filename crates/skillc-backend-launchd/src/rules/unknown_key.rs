use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-unknown-key
    ///
    /// ## What it does
    /// Reports escape-hatch keys that are neither typed, deprecated nor one of the launchd.plist(5)
    /// keys skillc knows (`AbandonProcessGroup`, `ExitTimeOut`, `Nice`, `ProcessType`, `Sockets`,
    /// `LaunchEvents`, `WatchPaths`, ... see `skillc explain launchd-raw-key`).
    ///
    /// ## Why
    /// launchd ignores keys it does not know, so a misspelt key (`ProcesType`, `KeepAliveForever`)
    /// does nothing and nobody notices.
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
    ///       launchd: { KeepAliveForever: true }
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
    /// Fix the spelling, or remove the key.
    pub(crate) const UNKNOWN_KEY = {
        id: "launchd-unknown-key",
        severity: Error,
        stage: Analysis,
        summary: "The `run.launchd` escape hatch sets a key that is not in launchd.plist(5).",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    use crate::keys;
    for s in &ir.services {
        for (k, _) in &s.run.launchd {
            let key = k.value.as_str();
            if keys::owned(key).is_some()
                || keys::deprecated(key).is_some()
                || keys::raw_type(key).is_some()
            {
                continue;
            }
            let names = keys::RAW_KEYS.iter().map(|(n, _)| *n);
            let mut d = UNKNOWN_KEY
                .finding(format!(
                    "`{}` is not a launchd.plist key skillc knows",
                    key.escape_debug()
                ))
                .at(k.span, "launchd ignores unknown keys");
            if let Some(s) = skillc_diagnostics::did_you_mean(key, names) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            out.push(d);
        }
    }
}
