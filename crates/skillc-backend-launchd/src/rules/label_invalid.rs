use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-label-invalid
    ///
    /// ## What it does
    /// Reports launchd Labels (the `label:` of a service, or `<label_prefix>.<id>`) that are not
    /// reverse-DNS: at least two non-empty dot-separated parts made of ASCII letters, digits, `_` and
    /// `-`, at most 249 characters (so `<Label>.plist` fits in a file name). Labels under `com.apple.`
    /// are refused too: that namespace belongs to the system.
    ///
    /// ## Why
    /// The Label names the job in its launchd domain and is also the plist's file name. A `/` makes
    /// a different path, a space or quote breaks every `launchctl` command that names the job, and a
    /// label without a reverse-DNS owner collides with other vendors' jobs.
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
    ///     label: webserver
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
    /// Use a reverse-DNS label you own, e.g. `org.example.web`, or drop `label:` to get `<label_prefix>.<id>`.
    pub(crate) const LABEL_INVALID = {
        id: "launchd-label-invalid",
        severity: Error,
        stage: Analysis,
        summary: "A launchd Label is not reverse-DNS or holds characters outside [A-Za-z0-9._-].",
    }
}

/// Why a label is not acceptable, if it is not.
pub(crate) fn label_problem(label: &str) -> Option<String> {
    if label.is_empty() {
        return Some("the label is empty".to_owned());
    }
    if label.len() > 249 {
        return Some(format!(
            "the label is {} bytes; `<Label>.plist` must fit in a 255-byte file name",
            label.len()
        ));
    }
    if let Some(bad) = label
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Some(format!(
            "`{}` is not allowed in a label (use A-Z, a-z, 0-9, `.`, `_`, `-`)",
            bad.escape_default()
        ));
    }
    let parts: Vec<&str> = label.split('.').collect();
    if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
        return Some(
            "a label is reverse-DNS: at least two non-empty parts joined by `.`".to_owned(),
        );
    }
    if label.to_ascii_lowercase().starts_with("com.apple.") {
        return Some("labels under `com.apple.` belong to the system".to_owned());
    }
    None
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        if let Some(why) = label_problem(&s.label.value) {
            out.push(
                LABEL_INVALID
                    .finding(format!(
                        "`{}` is not a valid launchd label",
                        s.label.value.escape_debug()
                    ))
                    .at(s.label.span, why)
                    .with_help("use a reverse-DNS label you own, e.g. `org.example.web`"),
            );
        }
    }
}
