//! The closed key schema of the `run.launchd` escape hatch.

/// Keys the typed schema writes itself; the escape hatch may not set them.
pub(crate) const OWNED_KEYS: &[(&str, &str)] = &[
    ("Label", "`label:` / `label_prefix`"),
    ("Program", "`run.program` (emitted as ProgramArguments[0])"),
    ("BundleProgram", "`run.program`"),
    ("ProgramArguments", "`run.program` and `run.args`"),
    ("EnvironmentVariables", "`run.env`"),
    ("WorkingDirectory", "`run.working_dir`"),
    ("UserName", "`run.user`"),
    ("GroupName", "`run.group`"),
    ("LimitLoadToSessionType", "`run.session_types`"),
    ("KeepAlive", "`run.keep_alive`"),
    ("RunAtLoad", "`run.keep_alive` and `run.schedule`"),
    ("ThrottleInterval", "`run.throttle`"),
    ("StartInterval", "`run.schedule.every`"),
    ("StartCalendarInterval", "`run.schedule.calendar` / `cron`"),
    ("StandardOutPath", "`run.stdout`"),
    ("StandardErrorPath", "`run.stderr`"),
    ("Umask", "`run.umask`"),
    ("MachServices", "the service's `bus:` name"),
];

/// Keys launchd no longer honours (or that the installer overrides); refused with the reason.
pub(crate) const DEPRECATED_KEYS: &[(&str, &str)] = &[
    (
        "OnDemand",
        "a 10.4-era key: true does nothing and false means KeepAlive=true",
    ),
    ("ServiceIPC", "launchd.plist(5) says to remove it"),
    (
        "TimeOut",
        "launchd logs \"The TimeOut key is no longer respected. It never did anything anyway.\"",
    ),
    ("HopefullyExitsFirst", "no longer implemented"),
    ("HopefullyExitsLast", "no longer implemented"),
    ("LimitLoadToHosts", "no longer supported"),
    ("LimitLoadFromHosts", "no longer supported"),
    (
        "Disabled",
        "only a default since 10.6; the override database wins and install.sh runs `launchctl enable`",
    ),
];

/// The value type an escape-hatch key must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyType {
    Bool,
    /// An integer within the bounds (inclusive).
    Int(i64, i64),
    Str,
    /// One of the listed strings.
    Enum(&'static [&'static str]),
    StrArray,
    /// A dictionary (any JSON object; nested values converted as usual).
    Dict,
    /// A dictionary of integers (resource limits).
    IntDict,
}

impl KeyType {
    pub(crate) fn describe(self) -> String {
        match self {
            KeyType::Bool => "a boolean".to_owned(),
            KeyType::Int(lo, hi) => format!("an integer from {lo} to {hi}"),
            KeyType::Str => "a string".to_owned(),
            KeyType::Enum(vals) => format!("one of {}", vals.join(", ")),
            KeyType::StrArray => "a list of strings".to_owned(),
            KeyType::Dict => "a mapping".to_owned(),
            KeyType::IntDict => "a mapping of integers".to_owned(),
        }
    }

    /// Whether `v` has this type.
    pub(crate) fn accepts(self, v: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        match self {
            KeyType::Bool => v.is_boolean(),
            KeyType::Int(lo, hi) => v.as_i64().is_some_and(|n| (lo..=hi).contains(&n)),
            KeyType::Str => v.is_string(),
            KeyType::Enum(vals) => v.as_str().is_some_and(|s| vals.contains(&s)),
            KeyType::StrArray => v
                .as_array()
                .is_some_and(|a| !a.is_empty() && a.iter().all(J::is_string)),
            KeyType::Dict => v.as_object().is_some_and(|o| o.values().all(convertible)),
            KeyType::IntDict => v
                .as_object()
                .is_some_and(|o| o.values().all(|x| x.as_i64().is_some())),
        }
    }
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

const PROCESS_TYPES: &[&str] = &["Background", "Standard", "Adaptive", "Interactive"];

/// Keys the escape hatch accepts (with a warning), from launchd.plist(5).
pub(crate) const RAW_KEYS: &[(&str, KeyType)] = &[
    ("AbandonProcessGroup", KeyType::Bool),
    ("AssociatedBundleIdentifiers", KeyType::StrArray),
    ("Debug", KeyType::Bool),
    ("EnableGlobbing", KeyType::Bool),
    ("EnablePressuredExit", KeyType::Bool),
    ("EnableTransactions", KeyType::Bool),
    ("ExitTimeOut", KeyType::Int(1, 86_400)),
    ("HardResourceLimits", KeyType::IntDict),
    ("InitGroups", KeyType::Bool),
    ("LaunchEvents", KeyType::Dict),
    ("LaunchOnlyOnce", KeyType::Bool),
    ("LegacyTimers", KeyType::Bool),
    ("LimitLoadFromHardware", KeyType::Dict),
    ("LimitLoadToHardware", KeyType::Dict),
    ("LowPriorityBackgroundIO", KeyType::Bool),
    ("LowPriorityIO", KeyType::Bool),
    ("MaterializeDatalessFiles", KeyType::Bool),
    ("Nice", KeyType::Int(-20, 19)),
    ("ProcessType", KeyType::Enum(PROCESS_TYPES)),
    ("QueueDirectories", KeyType::StrArray),
    ("RootDirectory", KeyType::Str),
    ("SessionCreate", KeyType::Bool),
    ("Sockets", KeyType::Dict),
    ("SoftResourceLimits", KeyType::IntDict),
    ("StandardInPath", KeyType::Str),
    ("StartOnMount", KeyType::Bool),
    ("WaitForDebugger", KeyType::Bool),
    ("WatchPaths", KeyType::StrArray),
    ("inetdCompatibility", KeyType::Dict),
];

/// Escape-hatch keys launchd.plist(5) discourages; the `launchd-raw-key` warning says why.
pub(crate) const DISCOURAGED_KEYS: &[(&str, &str)] = &[
    (
        "WatchPaths",
        "filesystem events can be missed and the file may be inconsistent at launch",
    ),
    (
        "RootDirectory",
        "IPC inside the chroot breaks unless the library stack matches",
    ),
    ("inetdCompatibility", "avoid in new projects"),
    (
        "SoftResourceLimits",
        "in a daemon, NumberOfFiles/NumberOfProcesses change host-wide sysctls",
    ),
    (
        "HardResourceLimits",
        "in a daemon, NumberOfFiles/NumberOfProcesses change host-wide sysctls",
    ),
];

pub(crate) fn owned(key: &str) -> Option<&'static str> {
    OWNED_KEYS.iter().find(|(k, _)| *k == key).map(|(_, w)| *w)
}

pub(crate) fn deprecated(key: &str) -> Option<&'static str> {
    DEPRECATED_KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, w)| *w)
}

pub(crate) fn raw_type(key: &str) -> Option<KeyType> {
    RAW_KEYS.iter().find(|(k, _)| *k == key).map(|(_, t)| *t)
}

pub(crate) fn discouraged(key: &str) -> Option<&'static str> {
    DISCOURAGED_KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, w)| *w)
}

/// Whether an escape-hatch entry is emitted: a known key with a value of its type.
pub(crate) fn accepted(key: &str, value: &serde_json::Value) -> bool {
    raw_type(key).is_some_and(|t| t.accepts(value))
}
