use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-raw-key-type
    ///
    /// ## What it does
    /// Reports escape-hatch values whose type launchd does not accept for the key: e.g. `Nice` must
    /// be an integer from -20 to 19, `ProcessType` one of `Background`, `Standard`, `Adaptive`,
    /// `Interactive`, boolean keys must be booleans, `WatchPaths` a non-empty list of strings, and no
    /// value may be `null`.
    ///
    /// ## Why
    /// launchd drops values of the wrong type without a word (`EnvironmentVariables` values that are
    /// not strings are ignored, a string `"5"` is not a `Nice` level), so the setting silently does not
    /// apply.
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
    ///       launchd: { Nice: "5" }
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
    /// Write the value with the right type, e.g. `Nice: 5`.
    pub(crate) const RAW_KEY_TYPE = {
        id: "launchd-raw-key-type",
        severity: Error,
        stage: Analysis,
        summary: "An escape-hatch key has a value of the wrong type or out of range.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for (k, v) in &s.run.launchd {
            let Some(ty) = crate::keys::raw_type(&k.value) else {
                continue;
            };
            if !ty.accepts(&v.value) {
                out.push(
                    RAW_KEY_TYPE
                        .finding(format!("`{}` must be {}", k.value, ty.describe()))
                        .at(v.span, format!("this is `{}`", v.value))
                        .with_help("launchd drops values of the wrong type without a word"),
                );
            }
        }
    }
}
