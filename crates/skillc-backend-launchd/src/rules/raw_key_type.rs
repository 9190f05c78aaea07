use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-raw-key-type
    ///
    /// ## What it does
    /// Reports `run.launchd` values and `run.launch_events` descriptors a property list cannot
    /// hold: `null` (`~`, or an empty value), at the top or nested in a list or mapping.
    ///
    /// ## Why
    /// The escape hatch copies values into the plist exactly as written, and a plist has no null: the
    /// key (or the whole mapping around it) could only be dropped. The rule cannot be suppressed, so a
    /// green build never drops a key.
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
    ///       launchd: { JetsamProperties: ~ }
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
    ///       # skillc: ignore[launchd-raw-key] Apple's private jetsam band for the daemon
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
    /// ## How to fix
    /// Write the value (a string, number, boolean, list or mapping), or remove the key.
    pub(crate) const RAW_KEY_TYPE = {
        id: "launchd-raw-key-type",
        severity: Error,
        stage: Analysis,
        summary: "An escape-hatch value has no property-list form.",
        configurable: false,
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for (stream, events) in &s.run.launch_events {
            for (name, v) in events {
                if !crate::keys::convertible(&v.value) {
                    out.push(
                        RAW_KEY_TYPE
                            .finding(format!(
                                "launch event `{}` of `{}` has a null value, which a property list cannot hold",
                                name.value.escape_debug(),
                                stream.value.escape_debug()
                            ))
                            .at(v.span, "null here")
                            .with_help("write the descriptor, or remove the event"),
                    );
                }
            }
        }
        for (k, v) in &s.run.launchd {
            if crate::keys::typed(&k.value).is_some() || crate::keys::deprecated(&k.value).is_some()
            {
                continue; // refused by launchd-key-conflict / launchd-deprecated-key
            }
            if !crate::keys::convertible(&v.value) {
                out.push(
                    RAW_KEY_TYPE
                        .finding(format!(
                            "`{}` has a null value, which a property list cannot hold",
                            k.value.escape_debug()
                        ))
                        .at(v.span, "null here")
                        .with_help("write the value, or remove the key"),
                );
            }
        }
    }
}
