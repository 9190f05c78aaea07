use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-raw-key
    ///
    /// ## What it does
    /// Warns for every key accepted through `run.launchd`: it is copied into the plist as given
    /// (JSON values become plist values, mappings with sorted keys). Accepted keys:
    /// `AbandonProcessGroup`, `AssociatedBundleIdentifiers`, `Debug`, `EnableGlobbing`,
    /// `EnablePressuredExit`, `EnableTransactions`, `ExitTimeOut`, `HardResourceLimits`, `InitGroups`,
    /// `LaunchEvents`, `LaunchOnlyOnce`, `LegacyTimers`, `LimitLoadFromHardware`,
    /// `LimitLoadToHardware`, `LowPriorityBackgroundIO`, `LowPriorityIO`, `MaterializeDatalessFiles`,
    /// `Nice`, `ProcessType`, `QueueDirectories`, `RootDirectory`, `SessionCreate`, `Sockets`,
    /// `SoftResourceLimits`, `StandardInPath`, `StartOnMount`, `WaitForDebugger`, `WatchPaths`,
    /// `inetdCompatibility`. The message says when launchd.plist(5) discourages the key.
    ///
    /// ## Why
    /// Raw keys are outside what the analyzer can check: their meaning, their interaction with the
    /// typed fields, and whether the service still behaves the same under every family's rules. Making
    /// each one visible keeps the escape hatch an exception.
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
    ///       launchd: { ProcessType: Background }
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
    /// Prefer a typed field when one exists. Where the raw key is intended, suppress the warning with a reason: `# skillc: ignore[launchd-raw-key] interactive latency matters`.
    pub(crate) const RAW_KEY = {
        id: "launchd-raw-key",
        severity: Warning,
        stage: Analysis,
        summary: "The `run.launchd` escape hatch adds a plist key skillc does not model.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for (k, v) in &s.run.launchd {
            if !crate::keys::accepted(&k.value, &v.value) {
                continue;
            }
            let mut d = RAW_KEY
                .finding(format!(
                    "raw launchd key `{}` is copied into the plist unchecked",
                    k.value
                ))
                .at(k.span, "escape hatch");
            if let Some(why) = crate::keys::discouraged(&k.value) {
                d = d.with_note(format!("launchd.plist(5) discourages `{}`: {why}", k.value));
            }
            out.push(d.with_help("prefer a typed field; suppress with a reason when intended"));
        }
    }
}
