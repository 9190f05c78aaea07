use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-for-user-invalid
    ///
    /// ## What it does
    /// Reports a `for_user` that cannot be installed: on a `scope: daemon` service, or naming
    /// `root` or something that is not a macOS short user name (a letter or `_`, then letters,
    /// digits, `_`, `.` or `-`; at most 255 bytes).
    ///
    /// ## Why
    /// `for_user` makes a service a per-user agent: `install.sh` puts its plist in the user's
    /// `~/Library/LaunchAgents`, as that user, and loads it in that user's `gui/<uid>` domain.
    /// A LaunchDaemon belongs to the system domain and `/Library/LaunchDaemons`; `root` has no
    /// gui session to load an agent in; and a name outside the short-name characters is not one
    /// macOS creates (the installer looks the home up as `~name` and runs `sudo -u name`).
    ///
    /// The rule cannot be suppressed: there is no install that would work.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   sync:
    ///     description: Syncs the user's notes.
    ///     layer: L3
    ///     scope: daemon
    ///     for_user: alice
    ///     capabilities: [show_status]
    ///     run:
    ///       program: /usr/local/bin/notes-sync
    ///     readiness:
    ///       probe: 'running(service)'
    /// skills:
    ///   sync-down:
    ///     title: Notes sync is not running
    ///     severity: low
    ///     applies_to: { services: [sync] }
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
    ///   sync:
    ///     description: Syncs the user's notes.
    ///     layer: L3
    ///     scope: session
    ///     for_user: alice
    ///     capabilities: [show_status]
    ///     run:
    ///       program: /usr/local/bin/notes-sync
    ///     readiness:
    ///       probe: 'running(service)'
    /// skills:
    ///   sync-down:
    ///     title: Notes sync is not running
    ///     severity: low
    ///     applies_to: { services: [sync] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Make the service `scope: session`, or remove `for_user` (a daemon, or an agent for every
    /// user in `/Library/LaunchAgents`); name the user by its short name (`id -un` prints it).
    pub(crate) const FOR_USER_INVALID = {
        id: "launchd-for-user-invalid",
        severity: Error,
        stage: Analysis,
        summary: "`for_user` on a daemon, or not a user a per-user agent can be installed for.",
        configurable: false,
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        let Some(user) = &s.for_user else { continue };
        if s.scope.value == skillc_ir::Scope::Daemon {
            out.push(
                FOR_USER_INVALID
                    .finding(format!(
                        "`for_user` on the daemon `{}`: a per-user agent is `scope: session`",
                        s.id.value
                    ))
                    .at(user.span, "makes the service a per-user agent")
                    .with_label(s.scope.span, "a LaunchDaemon, in the system domain")
                    .with_help("make the service `scope: session`, or remove `for_user`"),
            );
        }
        if !skillc_ir::is_user_name(&user.value) {
            let why = if user.value == "root" {
                "root has no gui session to load an agent in".to_owned()
            } else {
                "a short user name is a letter or `_`, then letters, digits, `_`, `.` or `-` (at most 255 bytes)".to_owned()
            };
            out.push(
                FOR_USER_INVALID
                    .finding(format!(
                        "`for_user: {}` of `{}` is not a user a per-user agent can be installed for",
                        user.value.escape_debug(),
                        s.id.value
                    ))
                    .at(user.span, why)
                    .with_help("name the user by its short name (`id -un` prints it)"),
            );
        }
    }
}
