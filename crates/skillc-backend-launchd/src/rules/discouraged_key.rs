use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-discouraged-key
    ///
    /// ## What it does
    /// Warns for fields whose launchd key the man page discourages or does not document: `watch_paths`,
    /// `root_directory`, `inetd_compatibility`, the keep-alive conditions `path_state`,
    /// `other_job_enabled` and `after_initial_demand`, and `number_of_files` / `number_of_processes`
    /// limits of a daemon. The message gives the man page's reason.
    ///
    /// ## Why
    /// The keys work, but not the way they read: filesystem events can be missed, `OtherJobEnabled`
    /// looks only at whether the other job is loaded, a chroot breaks IPC, `AfterInitialDemand` has no
    /// documented meaning, and a daemon's file and process limits also change the host-wide
    /// `kern.maxfiles*` / `kern.maxproc*` sysctls.
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
    ///       watch_paths: [/usr/local/etc/web.conf]
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
    ///       queue_directories: [/usr/local/var/web/inbox]
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
    /// Prefer an on-demand trigger the job can rely on (a socket, a Mach service, `queue_directories`),
    /// and `process_type` over resource limits. When the key is intended, suppress with the reason.
    pub(crate) const DISCOURAGED_KEY = {
        id: "launchd-discouraged-key",
        severity: Warning,
        stage: Analysis,
        summary: "A field launchd.plist(5) discourages (or does not document) is used.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        let r = &s.run;
        let mut found: Vec<(&str, &str, skillc_diagnostics::Span)> = Vec::new();
        if let Some(p) = r.watch_paths.first() {
            found.push((
                "watch_paths",
                "filesystem events can be missed and the file may be inconsistent at launch",
                p.span,
            ));
        }
        if let Some(p) = &r.root_directory {
            found.push((
                "root_directory",
                "IPC inside the chroot breaks unless the library stack matches",
                p.span,
            ));
        }
        if let Some(p) = &r.inetd_wait {
            found.push((
                "inetd_compatibility",
                "launchd.plist(5): avoid it in new projects",
                p.span,
            ));
        }
        if let skillc_ir::KeepAliveMode::Conditions(c) = &r.keep_alive.value {
            if let Some((p, _)) = c.path_state.first() {
                found.push((
                    "keep_alive.path_state",
                    "filesystem monitoring is race-prone and lossy",
                    p.span,
                ));
            }
            if let Some((p, _)) = c.other_job_enabled.first() {
                found.push((
                    "keep_alive.other_job_enabled",
                    "it checks only whether the other job is loaded, not whether it runs",
                    p.span,
                ));
            }
            if let Some(p) = &c.after_initial_demand {
                found.push((
                    "keep_alive.after_initial_demand",
                    "launchd.plist(5) does not document it",
                    p.span,
                ));
            }
        }
        if s.scope.value == skillc_ir::Scope::Daemon {
            for l in r.soft_limits.iter().chain(&r.hard_limits) {
                if matches!(l.key, "NumberOfFiles" | "NumberOfProcesses") {
                    found.push((l.field, "in a daemon it also changes the host-wide kern.maxfiles / kern.maxproc sysctls", l.value.span));
                }
            }
        }
        for (field, why, span) in found {
            out.push(
                DISCOURAGED_KEY
                    .finding(format!("`run.{field}` of `{}` is discouraged by launchd.plist(5)", s.id.value))
                    .at(span, why)
                    .with_help("prefer a trigger the job can rely on; suppress with a reason when intended"),
            );
        }
    }
}
