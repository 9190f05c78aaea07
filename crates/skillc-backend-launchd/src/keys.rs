//! What the `run.launchd` escape hatch may hold: keys skillc has no field for.
//!
//! launchd compares keys case-insensitively (`strcasecmp` in launchd-842's `job_import_*`), so a
//! raw `keepalive` is launchd's `KeepAlive`: every lookup here ignores case.

/// Keys the typed schema writes, with the field that writes them; the escape hatch may not set
/// them (`launchd-key-conflict`).
pub const TYPED_KEYS: &[(&str, &str)] = &[
    ("AbandonProcessGroup", "`run.abandon_process_group`"),
    (
        "AssociatedBundleIdentifiers",
        "`run.associated_bundle_identifiers`",
    ),
    (
        "BeginTransactionAtShutdown",
        "`run.begin_transaction_at_shutdown`",
    ),
    (
        "BundleProgram",
        "`run.program` (`BundleProgram` is honoured only for plists registered through SMAppService, which skillc does not install)",
    ),
    ("Debug", "`run.debug`"),
    ("EnableGlobbing", "`run.enable_globbing`"),
    ("EnablePressuredExit", "`run.enable_pressured_exit`"),
    ("EnableTransactions", "`run.enable_transactions`"),
    ("EnvironmentVariables", "`run.env`"),
    ("ExitTimeOut", "`run.exit_timeout`"),
    ("GroupName", "`run.group`"),
    ("HardResourceLimits", "`run.hard_limits`"),
    ("InitGroups", "`run.init_groups`"),
    ("KeepAlive", "`run.keep_alive`"),
    ("Label", "`label:` / `label_prefix`"),
    ("LaunchEvents", "`run.launch_events`"),
    ("LaunchOnlyOnce", "`run.launch_only_once`"),
    ("LegacyTimers", "`run.legacy_timers`"),
    ("LimitLoadFromHardware", "`run.limit_load_from_hardware`"),
    ("LimitLoadToHardware", "`run.limit_load_to_hardware`"),
    ("LimitLoadToSessionType", "`run.session_types`"),
    (
        "LowPriorityBackgroundIO",
        "`run.low_priority_background_io`",
    ),
    ("LowPriorityIO", "`run.low_priority_io`"),
    ("MachServices", "`run.mach_services`"),
    (
        "MaterializeDatalessFiles",
        "`run.materialize_dataless_files`",
    ),
    ("Nice", "`run.nice`"),
    ("POSIXSpawnType", "`run.posix_spawn_type`"),
    ("ProcessType", "`run.process_type`"),
    ("Program", "`run.program` with `run.argv0`"),
    (
        "ProgramArguments",
        "`run.program`, `run.argv0` and `run.args`",
    ),
    ("QueueDirectories", "`run.queue_directories`"),
    ("RootDirectory", "`run.root_directory`"),
    ("RunAtLoad", "`run.run_at_load`"),
    ("SessionCreate", "`run.session_create`"),
    ("Sockets", "`run.sockets`"),
    ("SoftResourceLimits", "`run.soft_limits`"),
    ("StandardErrorPath", "`run.stderr`"),
    ("StandardInPath", "`run.stdin`"),
    ("StandardOutPath", "`run.stdout`"),
    ("StartCalendarInterval", "`run.schedule.calendar` / `cron`"),
    ("StartInterval", "`run.schedule.every`"),
    ("StartOnMount", "`run.start_on_mount`"),
    ("ThrottleInterval", "`run.throttle`"),
    ("Umask", "`run.umask`"),
    ("UserName", "`run.user`"),
    ("WaitForDebugger", "`run.wait_for_debugger`"),
    ("WatchPaths", "`run.watch_paths`"),
    ("WorkingDirectory", "`run.working_dir`"),
    ("inetdCompatibility", "`run.inetd_compatibility`"),
];

/// Keys launchd no longer honours (or that the installer overrides): why, and what to use.
pub const DEPRECATED_KEYS: &[(&str, &str, &str)] = &[
    (
        "OnDemand",
        "a 10.4-era key: true does nothing and false means KeepAlive=true",
        "`run.keep_alive`",
    ),
    (
        "ServiceIPC",
        "launchd.plist(5) says to remove it",
        "nothing: remove it",
    ),
    (
        "TimeOut",
        "launchd logs \"The TimeOut key is no longer respected. It never did anything anyway.\"",
        "`run.exit_timeout` for the time launchd waits after SIGTERM, `run.throttle` for the delay between spawns",
    ),
    (
        "HopefullyExitsFirst",
        "no longer implemented",
        "nothing: order shutdown through IPC, and `run.exit_timeout` for how long a stop may take",
    ),
    (
        "HopefullyExitsLast",
        "no longer implemented",
        "nothing: order shutdown through IPC, and `run.exit_timeout` for how long a stop may take",
    ),
    (
        "LimitLoadToHosts",
        "no longer supported",
        "`run.limit_load_to_hardware` (matches `hw.*` values, not host names)",
    ),
    (
        "LimitLoadFromHosts",
        "no longer supported",
        "`run.limit_load_from_hardware` (matches `hw.*` values, not host names)",
    ),
    (
        "Disabled",
        "only a default since 10.6; the override database wins and install.sh runs `launchctl enable`",
        "`launchctl disable <domain>/<label>` on the host, or leave the service out of the family",
    ),
];

fn find<T: Copy>(table: &[(&'static str, T)], key: &str) -> Option<(&'static str, T)> {
    table
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .copied()
}

/// The launchd key (as launchd.plist(5) spells it) and field of a typed key.
pub(crate) fn typed(key: &str) -> Option<(&'static str, &'static str)> {
    find(TYPED_KEYS, key)
}

/// The launchd key, why it is deprecated and its replacement.
pub(crate) fn deprecated(key: &str) -> Option<(&'static str, &'static str, &'static str)> {
    DEPRECATED_KEYS
        .iter()
        .find(|(k, _, _)| k.eq_ignore_ascii_case(key))
        .copied()
}

/// Every key skillc knows, typed or deprecated.
pub fn known() -> impl Iterator<Item = &'static str> {
    TYPED_KEYS
        .iter()
        .map(|(k, _)| *k)
        .chain(DEPRECATED_KEYS.iter().map(|(k, _, _)| *k))
}

/// The known key an unknown one is probably a misspelling of.
pub fn near_miss(key: &str) -> Option<&'static str> {
    if typed(key).is_some() || deprecated(key).is_some() {
        return None;
    }
    skillc_diagnostics::did_you_mean(key, known())
}

/// Whether a JSON value has a plist form (everything but `null`).
pub(crate) fn convertible(v: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match v {
        J::Null => false,
        J::Array(a) => a.iter().all(convertible),
        J::Object(o) => o.values().all(convertible),
        J::Bool(_) | J::Number(_) | J::String(_) => true,
    }
}

/// Whether an escape-hatch entry is emitted: a key no typed field or deprecation covers, with a
/// value a plist can hold. Everything else is refused by an unsuppressible rule, so nothing a
/// green build accepted is dropped.
pub(crate) fn emitted(key: &str, value: &serde_json::Value) -> bool {
    typed(key).is_none() && deprecated(key).is_none() && convertible(value)
}
