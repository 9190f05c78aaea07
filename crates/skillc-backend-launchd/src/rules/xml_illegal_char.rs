use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-xml-illegal-char
    ///
    /// ## What it does
    /// Reports any string that reaches a property list (label, program, arguments, environment
    /// names and values, paths, user, group, bus name, escape-hatch keys and values) that holds a
    /// control character other than tab, newline and carriage return, or U+FFFE / U+FFFF. The finding
    /// points at the YAML value. Such a service gets no plist.
    ///
    /// ## Why
    /// XML 1.0 has no way to write these characters, not even as `&#1;`. Some writers emit them
    /// raw anyway: Python's plistlib then rejects the file, libplist silently strips the character,
    /// and launchd reports `Invalid property list`, so the job never loads.
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
    ///       env: { BANNER: "ding\a" }
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
    /// Remove the control character; pass binary data through a file instead.
    pub(crate) const XML_ILLEGAL_CHAR = {
        id: "launchd-xml-illegal-char",
        severity: Error,
        stage: Analysis,
        summary: "A string that goes into a plist holds a character XML 1.0 cannot represent.",
    }
}

/// The first character XML 1.0 cannot hold, if any.
pub fn xml_illegal(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
    })
}

fn json_illegal(v: &serde_json::Value) -> Option<char> {
    use serde_json::Value as J;
    match v {
        J::String(s) => xml_illegal(s),
        J::Array(a) => a.iter().find_map(json_illegal),
        J::Object(o) => o
            .iter()
            .find_map(|(k, v)| xml_illegal(k).or_else(|| json_illegal(v))),
        J::Null | J::Bool(_) | J::Number(_) => None,
    }
}

/// Every (what, first illegal char, span) of the strings of a service that reach its plist.
pub(crate) fn findings(s: &skillc_ir::Service) -> Vec<(String, char, skillc_diagnostics::Span)> {
    let mut out = Vec::new();
    let r = &s.run;
    let mut one = |what: &str, v: &skillc_ir::Spanned<String>| {
        if let Some(c) = xml_illegal(&v.value) {
            out.push((what.to_owned(), c, v.span));
        }
    };
    one("label", &s.label);
    one("run.program", &r.program);
    for a in &r.args {
        one("run.args", a);
    }
    for (k, v) in &r.env {
        one("run.env name", k);
        one("run.env value", v);
    }
    for (what, v) in [
        ("run.working_dir", &r.working_dir),
        ("run.user", &r.user),
        ("run.group", &r.group),
        ("run.stdout", &r.stdout),
        ("run.stderr", &r.stderr),
        ("bus", &s.bus),
        ("run.argv0", &r.argv0),
        ("run.root_directory", &r.root_directory),
        ("run.stdin", &r.stdin),
    ] {
        if let Some(v) = v {
            one(what, v);
        }
    }
    for v in &r.watch_paths {
        one("run.watch_paths", v);
    }
    for v in &r.queue_directories {
        one("run.queue_directories", v);
    }
    for v in &r.associated_bundle_identifiers {
        one("run.associated_bundle_identifiers", v);
    }
    for m in &r.mach_services {
        one("run.mach_services name", &m.name);
    }
    if let skillc_ir::KeepAliveMode::Conditions(c) = &r.keep_alive.value {
        for (k, _) in c.path_state.iter().chain(&c.other_job_enabled) {
            one("run.keep_alive key", k);
        }
    }
    for g in &r.sockets {
        one("run.sockets name", &g.name);
        for x in &g.sockets {
            let x = &x.value;
            for v in [
                &x.node_name,
                &x.path_name,
                &x.secure_socket_with_key,
                &x.multicast_group,
            ]
            .into_iter()
            .flatten()
            {
                one("run.sockets value", v);
            }
            if let Some(n) = &x.service_name
                && let skillc_ir::PortOrName::Name(name) = &n.value
            {
                one(
                    "run.sockets value",
                    &skillc_ir::Spanned::new(name.clone(), n.span),
                );
            }
            if let Some(b) = &x.bonjour {
                let names: Vec<&String> = match &b.value {
                    skillc_ir::Bonjour::Flag(_) => Vec::new(),
                    skillc_ir::Bonjour::Name(n) => vec![n],
                    skillc_ir::Bonjour::Names(n) => n.iter().collect(),
                };
                for n in names {
                    one(
                        "run.sockets bonjour",
                        &skillc_ir::Spanned::new(n.clone(), b.span),
                    );
                }
            }
        }
    }
    for (stream, events) in &r.launch_events {
        one("run.launch_events stream", stream);
        for (k, _) in events {
            one("run.launch_events name", k);
        }
    }
    for (k, vals) in r
        .limit_load_to_hardware
        .iter()
        .chain(&r.limit_load_from_hardware)
    {
        one("run.limit_load_*_hardware key", k);
        for v in vals {
            one("run.limit_load_*_hardware value", v);
        }
    }
    for (k, _) in &r.launchd {
        one("run.launchd key", k);
    }
    for (_, v) in &r.launchd {
        if let Some(c) = json_illegal(&v.value) {
            out.push(("run.launchd value".to_owned(), c, v.span));
        }
    }
    for (_, events) in &r.launch_events {
        for (_, v) in events {
            if let Some(c) = json_illegal(&v.value) {
                out.push(("run.launch_events value".to_owned(), c, v.span));
            }
        }
    }
    out
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for (what, c, span) in findings(s) {
            out.push(
                XML_ILLEGAL_CHAR
                    .finding(format!(
                        "`{what}` of `{}` holds U+{:04X}, which XML 1.0 cannot represent",
                        s.id.value,
                        u32::from(c)
                    ))
                    .at(span, "goes into the plist")
                    .with_help(
                        "remove the control character; no plist is written for this service",
                    ),
            );
        }
    }
}
