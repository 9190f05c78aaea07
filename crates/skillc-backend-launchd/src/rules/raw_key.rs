use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-raw-key
    ///
    /// ## What it does
    /// Warns for every key the escape hatch copies into the plist: a key no typed field writes and
    /// launchd.plist(5) does not document (Apple's private keys such as `JetsamProperties`, or keys of
    /// a later macOS). It is emitted exactly as written (mappings with sorted keys).
    ///
    /// ## Why
    /// Every documented key has a typed field, so a raw key is one the analyzer knows nothing about:
    /// its meaning, its type, its interaction with the typed fields. launchd ignores keys it does not
    /// know, so a raw key may also do nothing at all. Making each one visible keeps the escape hatch an
    /// exception.
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
    ///       launchd: { JetsamProperties: { JetsamPriority: 40 } }
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
    /// Prefer a typed field. Where the raw key is intended, suppress the warning with a reason: `#
    /// skillc: ignore[launchd-raw-key] Apple's jetsam band, read by launchd since 10.9`.
    pub(crate) const RAW_KEY = {
        id: "launchd-raw-key",
        severity: Warning,
        stage: Analysis,
        summary: "The `run.launchd` escape hatch adds a key launchd.plist(5) does not document.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for (k, v) in &s.run.launchd {
            // A near miss of a known key is launchd-unknown-key's (an error).
            if !crate::keys::emitted(&k.value, &v.value)
                || crate::keys::near_miss(&k.value).is_some()
            {
                continue;
            }
            out.push(
                RAW_KEY
                    .finding(format!(
                        "raw launchd key `{}` is copied into the plist as written",
                        k.value.escape_debug()
                    ))
                    .at(k.span, "escape hatch")
                    .with_note("launchd.plist(5) does not document it; launchd ignores keys it does not know")
                    .with_help("prefer a typed field; suppress with a reason when intended"),
            );
        }
    }
}
