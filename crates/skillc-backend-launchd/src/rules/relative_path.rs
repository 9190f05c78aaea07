use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-relative-path
    ///
    /// ## What it does
    /// Reports `run.program`, `run.working_dir`, `run.root_directory`, `run.stdin`, `run.stdout`,
    /// `run.stderr`, `run.watch_paths`, `run.queue_directories`, socket `path_name`s and
    /// `keep_alive.path_state` paths that do not start with `/`, or that contain `$NAME` / `${...}`,
    /// which only a shell would expand.
    ///
    /// ## Why
    /// launchd execs `ProgramArguments[0]` and opens the log paths itself: it expands neither `~`
    /// nor environment variables, and modern launchd requires an absolute program. A log path it cannot
    /// open makes the spawn fail before exec with exit 78 (EX_CONFIG) and nothing in the job's logs.
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
    ///       stdout: ~/Library/Logs/web.log
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
    /// Write the full path, e.g. `/Users/Shared/web/web.log` or `/usr/local/var/log/web.log`.
    pub(crate) const RELATIVE_PATH = {
        id: "launchd-relative-path",
        severity: Error,
        stage: Analysis,
        summary: "A program, working directory or log path is not absolute, or relies on `~` / `$VAR` expansion.",
    }
}

/// Why a path launchd opens itself is unusable, if it is.
pub(crate) fn path_problem(path: &str) -> Option<&'static str> {
    if path.starts_with('~') {
        return Some("launchd does not expand `~`");
    }
    if !path.starts_with('/') {
        return Some("not an absolute path");
    }
    let expands = path
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'$' && (w[1] == b'{' || w[1] == b'_' || w[1].is_ascii_alphabetic()));
    if expands {
        return Some("launchd does not expand `$VARIABLES`");
    }
    None
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        let r = &s.run;
        let mut fields = vec![
            ("program", Some(&r.program)),
            ("working_dir", r.working_dir.as_ref()),
            ("root_directory", r.root_directory.as_ref()),
            ("stdin", r.stdin.as_ref()),
            ("stdout", r.stdout.as_ref()),
            ("stderr", r.stderr.as_ref()),
        ];
        fields.extend(r.watch_paths.iter().map(|p| ("watch_paths", Some(p))));
        fields.extend(
            r.queue_directories
                .iter()
                .map(|p| ("queue_directories", Some(p))),
        );
        for g in &r.sockets {
            fields.extend(
                g.sockets
                    .iter()
                    .map(|x| ("sockets.path_name", x.value.path_name.as_ref())),
            );
        }
        if let skillc_ir::KeepAliveMode::Conditions(c) = &r.keep_alive.value {
            fields.extend(
                c.path_state
                    .iter()
                    .map(|(p, _)| ("keep_alive.path_state", Some(p))),
            );
        }
        for (field, value) in fields {
            let Some(v) = value else { continue };
            if let Some(why) = path_problem(&v.value) {
                out.push(
                    RELATIVE_PATH
                        .finding(format!(
                            "`run.{field}` of `{}` must be an absolute, literal path",
                            s.id.value
                        ))
                        .at(v.span, why)
                        .with_help("write the full path starting with `/`"),
                );
            }
        }
    }
}
