use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-socket-invalid
    ///
    /// ## What it does
    /// Reports sockets launchd cannot create as written: a Unix socket (`path_name`) with a host or
    /// port, `path_owner`/`path_group`/`path_mode` without `path_name`, a socket with neither a port
    /// (`service_name`), a path nor `secure_socket_with_key`, `family: Unix` without `path_name`,
    /// `multicast_group` without `family`, and `protocol: UDP` on a stream socket or `TCP` on a
    /// datagram one.
    ///
    /// ## Why
    /// The socket keys are inputs to getaddrinfo(3) and socket(2) (launchd.plist(5)); launchd logs the
    /// failure and the job, waiting for a connection that cannot come, never starts.
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
    ///       keep_alive: never
    ///       sockets: { http: { path_name: /var/run/web.sock, service_name: 8080 } }
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
    ///       keep_alive: never
    ///       sockets: { http: { path_name: /var/run/web.sock, path_mode: "0660" } }
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
    /// Keep one address form per socket: `path_name` (with its owner, group and mode) for a Unix
    /// socket, `node_name`/`service_name` for an IP socket.
    pub(crate) const SOCKET_INVALID = {
        id: "launchd-socket-invalid",
        severity: Error,
        stage: Analysis,
        summary: "A socket's fields contradict each other.",
    }
}

fn problems(x: &skillc_ir::Socket) -> Vec<(&'static str, skillc_diagnostics::Span)> {
    use skillc_ir::{SockFamily, SockProtocol, SockType};
    let mut out = Vec::new();
    if let Some(p) = &x.path_name {
        if x.node_name.is_some() || x.service_name.is_some() {
            out.push(("a Unix socket (`path_name`) has no host or port", p.span));
        }
    } else {
        for (v, what) in [
            (
                x.path_owner.as_ref().map(|v| v.span),
                "`path_owner` applies only with `path_name`",
            ),
            (
                x.path_group.as_ref().map(|v| v.span),
                "`path_group` applies only with `path_name`",
            ),
            (
                x.path_mode.as_ref().map(|v| v.span),
                "`path_mode` applies only with `path_name`",
            ),
        ] {
            if let Some(span) = v {
                out.push((what, span));
            }
        }
        if let Some(f) = x.family.as_ref().filter(|f| f.value == SockFamily::Unix) {
            out.push(("`family: Unix` needs `path_name`", f.span));
        }
    }
    if let Some(m) = &x.multicast_group
        && x.family.is_none()
    {
        out.push((
            "`multicast_group` needs `family` (launchd.plist(5))",
            m.span,
        ));
    }
    let stream = x
        .sock_type
        .as_ref()
        .is_none_or(|t| t.value == SockType::Stream);
    let dgram = x
        .sock_type
        .as_ref()
        .is_some_and(|t| t.value == SockType::Dgram);
    if let Some(p) = &x.protocol {
        if p.value == SockProtocol::Udp && stream {
            out.push((
                "UDP needs `type: dgram` (the default type is stream)",
                p.span,
            ));
        }
        if p.value == SockProtocol::Tcp && dgram {
            out.push(("TCP needs a stream socket, not `type: dgram`", p.span));
        }
    }
    out
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for g in &s.run.sockets {
            for x in &g.sockets {
                let mut found = problems(&x.value);
                if x.value.path_name.is_none()
                    && x.value.service_name.is_none()
                    && x.value.secure_socket_with_key.is_none()
                {
                    found.push((
                        "needs `service_name` (a port), `path_name` or `secure_socket_with_key`",
                        x.span,
                    ));
                }
                for (why, span) in found {
                    out.push(
                        SOCKET_INVALID
                            .finding(format!("socket `{}` of `{}` cannot be created", g.name.value, s.id.value))
                            .at(span, why)
                            .with_help("`path_name` for a Unix socket, `node_name`/`service_name` for an IP socket"),
                    );
                }
            }
        }
    }
}
