use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-unknown-key
    ///
    /// ## What it does
    /// Reports escape-hatch keys within a typo of a launchd.plist(5) key skillc knows (`ProcesType`,
    /// `KeepAlve`, `StartInteval`). Suppressing the finding, with a reason, emits the key exactly as
    /// written.
    ///
    /// ## Why
    /// launchd ignores keys it does not know, so a misspelt key does nothing and nobody notices. A key
    /// that is really new (a later macOS) is kept: suppress the finding with the reason and the plist
    /// carries it unchanged.
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
    ///       launchd: { ProcesType: Interactive }
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
    /// Use the typed field of the key the message suggests, or fix the spelling. For a key Apple added
    /// after skillc knew its list, suppress with the reason: `# skillc: ignore[launchd-unknown-key]
    /// ProcessTyp is new in macOS 27`.
    pub(crate) const UNKNOWN_KEY = {
        id: "launchd-unknown-key",
        severity: Error,
        stage: Analysis,
        summary: "The `run.launchd` escape hatch sets a key that looks like a misspelt launchd key.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for (k, _) in &s.run.launchd {
            let Some(known) = crate::keys::near_miss(&k.value) else {
                continue;
            };
            let hint = match crate::keys::typed(known) {
                Some((_, field)) => format!("did you mean `{known}`? it is written from {field}"),
                None => format!("did you mean `{known}`?"),
            };
            out.push(
                UNKNOWN_KEY
                    .finding(format!(
                        "`{}` is not a launchd.plist key skillc knows",
                        k.value.escape_debug()
                    ))
                    .at(k.span, "launchd ignores unknown keys")
                    .with_help(hint),
            );
        }
    }
}
