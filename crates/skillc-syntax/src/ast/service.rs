//! `services:` — long-lived launchd jobs.

use super::shapes::{MapOrList, OneOrMany, ScalarOrMap};
use super::{Capability, DurationText, ExprText, Layer, Reference, Scope};
use crate::Sp;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One long-lived job.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// What the service does (required).
    pub description: Sp<String>,
    /// L1 foundation, L2 platform, L3 applications.
    pub layer: Sp<Layer>,
    /// `daemon` (LaunchDaemon) or `session` (LaunchAgent).
    pub scope: Sp<Scope>,
    /// A per-user agent of this macOS user (`scope: session` only): installed in
    /// `~USER/Library/LaunchAgents`, owned by the user, and loaded only in that user's
    /// `gui/<uid>` domain. Without it an agent goes to `/Library/LaunchAgents`, for every user.
    pub for_user: Option<Sp<String>>,
    /// Bus name: the service's identity, unique across all families (case-insensitive); what
    /// others depend on as `bus:<name>`. Registered with launchd only when `run.mach_services`
    /// lists it.
    pub bus: Option<Sp<String>>,
    /// launchd Label; default `<label_prefix>.<id>`.
    pub label: Option<Sp<String>>,
    /// What the service may do.
    pub capabilities: Option<Vec<Sp<Capability>>>,
    /// Free-form tags that skills select on.
    pub tags: Option<Vec<Sp<String>>>,
    /// Runbook URL.
    pub docs: Option<Sp<String>>,
    /// How the service runs.
    pub run: Sp<Run>,
    /// Hard dependencies: start only when these are ready.
    pub requires: Option<Vec<Sp<Reference>>>,
    /// Soft dependencies: order after these, if present.
    pub wants: Option<Vec<Sp<Reference>>>,
    /// When the service actually serves.
    pub readiness: Option<Sp<Readiness>>,
    /// Values for the parameters of the skills applied to this service, by parameter name: every
    /// such skill that declares the parameter gets the value when compiled, instead of its
    /// default or a run-time `--param`.
    pub params: Option<IndexMap<Sp<super::Id>, Sp<super::ScalarValue>>>,
}

/// Program, environment and launchd behaviour. Every key of launchd.plist(5) that skillc
/// emits has a field here; `launchd:` is left for keys Apple adds later.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Run {
    /// Absolute path of the executable (launchd `Program` when `argv0` is set, else
    /// `ProgramArguments[0]`).
    pub program: Sp<String>,
    /// `argv[0]` the program sees, when it differs from `program` (launchd `Program` plus
    /// `ProgramArguments[0]`).
    pub argv0: Option<Sp<String>>,
    /// Arguments, passed unchanged (no shell).
    pub args: Option<Vec<Sp<String>>>,
    /// Environment variables; `PATH` gets a documented default when absent.
    pub env: Option<IndexMap<Sp<String>, Sp<String>>>,
    /// Working directory (absolute).
    pub working_dir: Option<Sp<String>>,
    /// chroot(2) before exec (`RootDirectory`; discouraged by launchd.plist(5)).
    pub root_directory: Option<Sp<String>>,
    /// User to run as (daemons only).
    pub user: Option<Sp<String>>,
    /// Group to run as (daemons only).
    pub group: Option<Sp<String>>,
    /// Call initgroups(3) before exec (`InitGroups`; daemons with `user` only).
    pub init_groups: Option<Sp<bool>>,
    /// Session types a session service loads in: one or a list (session only; default `[Aqua]`).
    pub session_types: Option<Sp<OneOrMany<SessionType>>>,
    /// Restart behaviour: `always`, `on_failure` (default), `never`, or a map of conditions.
    pub keep_alive: Option<Sp<ScalarOrMap<KeepAlive, KeepAliveConditions>>>,
    /// Start the job once when it is loaded (`RunAtLoad`); see docs/language.md for the default.
    pub run_at_load: Option<Sp<bool>>,
    /// Minimum time between two spawns (`ThrottleInterval`); default `10s`.
    pub throttle: Option<Sp<DurationText>>,
    /// How long the service may take to become ready.
    pub start_timeout: Option<Sp<DurationText>>,
    /// Time between SIGTERM and SIGKILL when launchd stops the job (`ExitTimeOut`).
    pub exit_timeout: Option<Sp<DurationText>>,
    /// Run periodically instead of (or as well as) at load.
    pub schedule: Option<Sp<Schedule>>,
    /// On-demand sockets launchd listens on for the job (`Sockets`), by name.
    pub sockets: Option<IndexMap<Sp<String>, Sp<MapOrList<Socket>>>>,
    /// Run the job as inetd would (`inetdCompatibility`; needs `sockets`).
    pub inetd_compatibility: Option<Sp<InetdCompatibility>>,
    /// Mach service names launchd registers for the job (`MachServices`); the job must check in.
    pub mach_services: Option<IndexMap<Sp<String>, Sp<MachServiceEntry>>>,
    /// Start the job when any of these paths changes (`WatchPaths`; discouraged).
    pub watch_paths: Option<Vec<Sp<String>>>,
    /// Keep the job running while any of these directories is not empty (`QueueDirectories`).
    pub queue_directories: Option<Vec<Sp<String>>>,
    /// Start the job whenever a filesystem is mounted (`StartOnMount`).
    pub start_on_mount: Option<Sp<bool>>,
    /// XPC event streams that start the job (`LaunchEvents`): stream → event name → descriptor.
    pub launch_events: Option<IndexMap<Sp<String>, LaunchEventStream>>,
    /// Load only on machines whose `hw.*` sysctl values match (`LimitLoadToHardware`).
    pub limit_load_to_hardware: Option<IndexMap<Sp<String>, Vec<Sp<String>>>>,
    /// Do not load on machines whose `hw.*` sysctl values match (`LimitLoadFromHardware`).
    pub limit_load_from_hardware: Option<IndexMap<Sp<String>, Vec<Sp<String>>>>,
    /// Standard input file (`StandardInPath`).
    pub stdin: Option<Sp<String>>,
    /// Standard output log file.
    pub stdout: Option<Sp<String>>,
    /// Standard error log file.
    pub stderr: Option<Sp<String>>,
    /// File mode creation mask as an octal string, e.g. `"022"`.
    #[schemars(regex(pattern = "^0?[0-7]{3}$"))]
    pub umask: Option<Sp<String>>,
    /// Scheduling class (`ProcessType`).
    pub process_type: Option<Sp<ProcessType>>,
    /// posix_spawn process type (`POSIXSpawnType`; not in launchd.plist(5)).
    pub posix_spawn_type: Option<Sp<PosixSpawnType>>,
    /// nice(3) value, -20 to 19 (`Nice`); negative values need a root daemon.
    #[schemars(range(min = -20, max = 19))]
    pub nice: Option<Sp<i64>>,
    /// Low-priority I/O (`LowPriorityIO`).
    pub low_priority_io: Option<Sp<bool>>,
    /// Low-priority I/O while in the background (`LowPriorityBackgroundIO`).
    pub low_priority_background_io: Option<Sp<bool>>,
    /// Soft resource limits (`SoftResourceLimits`).
    pub soft_limits: Option<Sp<ResourceLimits>>,
    /// Hard resource limits (`HardResourceLimits`).
    pub hard_limits: Option<Sp<ResourceLimits>>,
    /// Do not kill the job's process group when the job exits (`AbandonProcessGroup`).
    pub abandon_process_group: Option<Sp<bool>>,
    /// The job tracks XPC transactions (`EnableTransactions`).
    pub enable_transactions: Option<Sp<bool>>,
    /// The idle job may be killed under memory pressure (`EnablePressuredExit`).
    pub enable_pressured_exit: Option<Sp<bool>>,
    /// Open a transaction at shutdown, so launchd waits for the job (`BeginTransactionAtShutdown`).
    pub begin_transaction_at_shutdown: Option<Sp<bool>>,
    /// Run at most once per boot (`LaunchOnlyOnce`).
    pub launch_only_once: Option<Sp<bool>>,
    /// Materialize dataless (cloud) files on access (`MaterializeDatalessFiles`).
    pub materialize_dataless_files: Option<Sp<bool>>,
    /// Opt out of timer coalescing (`LegacyTimers`).
    pub legacy_timers: Option<Sp<bool>>,
    /// glob(3) the arguments before exec (`EnableGlobbing`).
    pub enable_globbing: Option<Sp<bool>>,
    /// Start the job in a new security audit session (`SessionCreate`).
    pub session_create: Option<Sp<bool>>,
    /// launchd logs at debug level for the job (`Debug`).
    pub debug: Option<Sp<bool>>,
    /// Start the job suspended, for a debugger to attach (`WaitForDebugger`).
    pub wait_for_debugger: Option<Sp<bool>>,
    /// Bundle ids of the app the job belongs to, one or a list (`AssociatedBundleIdentifiers`).
    pub associated_bundle_identifiers: Option<Sp<OneOrMany<String>>>,
    /// Escape hatch: plist keys skillc has no field for (Apple's later keys), emitted as written.
    pub launchd: Option<IndexMap<Sp<String>, Sp<serde_json::Value>>>,
}

/// One `mach_services` value: `true`/`false`, or options.
pub type MachServiceEntry = ScalarOrMap<bool, MachServiceOptions>;

/// The events of one `launch_events` stream: event name → descriptor (copied as written).
pub type LaunchEventStream = IndexMap<Sp<String>, Sp<serde_json::Value>>;

/// launchd session types.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
pub enum SessionType {
    Aqua,
    Background,
    LoginWindow,
    StandardIO,
    System,
}

impl SessionType {
    pub const ALL: [SessionType; 5] = [
        SessionType::Aqua,
        SessionType::Background,
        SessionType::LoginWindow,
        SessionType::StandardIO,
        SessionType::System,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SessionType::Aqua => "Aqua",
            SessionType::Background => "Background",
            SessionType::LoginWindow => "LoginWindow",
            SessionType::StandardIO => "StandardIO",
            SessionType::System => "System",
        }
    }
}

/// Restart behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeepAlive {
    /// Always restart.
    Always,
    /// Restart after an unsuccessful exit (`KeepAlive {SuccessfulExit: false}`).
    OnFailure,
    /// Never restart.
    Never,
}

/// `KeepAlive` as a dictionary: the job is kept alive while **any** condition holds.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeepAliveConditions {
    /// true: restart after exit status 0; false: after a non-zero exit (`SuccessfulExit`).
    pub successful_exit: Option<Sp<bool>>,
    /// true: restart after a crash (a crash-type signal); false: the inverse (`Crashed`).
    pub crashed: Option<Sp<bool>>,
    /// Keep alive while the path exists (true) or is absent (false) (`PathState`).
    pub path_state: Option<IndexMap<Sp<String>, Sp<bool>>>,
    /// Keep alive while the job with that label is loaded (true) or not (false)
    /// (`OtherJobEnabled`).
    pub other_job_enabled: Option<IndexMap<Sp<String>, Sp<bool>>>,
    /// Undocumented by launchd.plist(5) (`AfterInitialDemand`).
    pub after_initial_demand: Option<Sp<bool>>,
    /// No longer implemented by launchd; refused (`NetworkState`).
    pub network_state: Option<Sp<bool>>,
}

/// `ProcessType` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
pub enum ProcessType {
    Background,
    Standard,
    Adaptive,
    Interactive,
}

/// `POSIXSpawnType` values launchd-842 reads (`job_import_string`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
pub enum PosixSpawnType {
    Interactive,
    Adaptive,
    Standard,
    Background,
    App,
    SystemApp,
    #[serde(rename = "TALApp")]
    TalApp,
}

impl ProcessType {
    pub const ALL: [ProcessType; 4] = [
        ProcessType::Background,
        ProcessType::Standard,
        ProcessType::Adaptive,
        ProcessType::Interactive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProcessType::Background => "Background",
            ProcessType::Standard => "Standard",
            ProcessType::Adaptive => "Adaptive",
            ProcessType::Interactive => "Interactive",
        }
    }
}

impl PosixSpawnType {
    pub const ALL: [PosixSpawnType; 7] = [
        PosixSpawnType::Interactive,
        PosixSpawnType::Adaptive,
        PosixSpawnType::Standard,
        PosixSpawnType::Background,
        PosixSpawnType::App,
        PosixSpawnType::SystemApp,
        PosixSpawnType::TalApp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PosixSpawnType::Interactive => "Interactive",
            PosixSpawnType::Adaptive => "Adaptive",
            PosixSpawnType::Standard => "Standard",
            PosixSpawnType::Background => "Background",
            PosixSpawnType::App => "App",
            PosixSpawnType::SystemApp => "SystemApp",
            PosixSpawnType::TalApp => "TALApp",
        }
    }
}

/// `inetdCompatibility`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InetdCompatibility {
    /// true: the job gets the listening socket (inetd `wait`); false: one job per connection.
    pub wait: Sp<bool>,
}

/// Options of one `MachServices` name.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MachServiceOptions {
    /// Reset the port when the job closes its receive right (`ResetAtClose`).
    pub reset_at_close: Option<Sp<bool>>,
    /// Hide the name until the job checks in (`HideUntilCheckIn`; discouraged).
    pub hide_until_check_in: Option<Sp<bool>>,
}

/// One socket of `Sockets` (launchd's `Sock*` keys without the prefix).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Socket {
    /// `stream` (default), `dgram` or `seqpacket` (`SockType`).
    #[serde(rename = "type")]
    pub sock_type: Option<Sp<SockType>>,
    /// true (default): listen; false: connect (`SockPassive`).
    pub passive: Option<Sp<bool>>,
    /// Host to bind or connect to (`SockNodeName`).
    pub node_name: Option<Sp<String>>,
    /// Port number or service name (`SockServiceName`).
    pub service_name: Option<Sp<PortOrName>>,
    /// `IPv4`, `IPv6`, `IPv4v6` or `Unix` (`SockFamily`).
    pub family: Option<Sp<SockFamily>>,
    /// `TCP` or `UDP` (`SockProtocol`).
    pub protocol: Option<Sp<SockProtocol>>,
    /// Path of a Unix-domain socket (`SockPathName`).
    pub path_name: Option<Sp<String>>,
    /// Owner uid of the socket file (`SockPathOwner`).
    pub path_owner: Option<Sp<u32>>,
    /// Group gid of the socket file (`SockPathGroup`).
    pub path_group: Option<Sp<u32>>,
    /// Mode of the socket file, an octal string such as `"0660"` (`SockPathMode`, emitted in
    /// decimal).
    #[schemars(regex(pattern = "^0?[0-7]{3}$"))]
    pub path_mode: Option<Sp<String>>,
    /// Environment variable that gets the path of a secure per-job socket (`SecureSocketWithKey`).
    pub secure_socket_with_key: Option<Sp<String>>,
    /// Advertise with Bonjour: true (the service name), a name, or a list of names (`Bonjour`).
    pub bonjour: Option<Sp<OneOrMany<BonjourName>>>,
    /// Multicast group to join (`MulticastGroup`).
    pub multicast_group: Option<Sp<String>>,
}

/// `SockServiceName`: a port number or a service name from /etc/services.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PortOrName {
    Port(u16),
    Name(String),
}

/// A `Bonjour` scalar: true/false or one service name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum BonjourName {
    Flag(bool),
    Name(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SockType {
    Stream,
    Dgram,
    Seqpacket,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
pub enum SockFamily {
    IPv4,
    IPv6,
    IPv4v6,
    Unix,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
pub enum SockProtocol {
    #[serde(rename = "TCP")]
    Tcp,
    #[serde(rename = "UDP")]
    Udp,
}

/// `SoftResourceLimits` / `HardResourceLimits` (setrlimit(2); bytes, seconds or counts).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceLimits {
    /// Largest core file, bytes (`Core`).
    pub core: Option<Sp<u64>>,
    /// CPU time, seconds (`CPU`).
    pub cpu: Option<Sp<u64>>,
    /// Data segment, bytes (`Data`).
    pub data: Option<Sp<u64>>,
    /// Largest file, bytes (`FileSize`).
    pub file_size: Option<Sp<u64>>,
    /// Locked memory, bytes (`MemoryLock`).
    pub memory_lock: Option<Sp<u64>>,
    /// Open files (`NumberOfFiles`).
    pub number_of_files: Option<Sp<u64>>,
    /// Processes of the user (`NumberOfProcesses`).
    pub number_of_processes: Option<Sp<u64>>,
    /// Resident set size, bytes (`ResidentSetSize`).
    pub resident_set_size: Option<Sp<u64>>,
    /// Stack size, bytes (`Stack`).
    pub stack: Option<Sp<u64>>,
}

/// Resource limits: field, launchd key, in launchd's key order.
pub const LIMIT_KEYS: [(&str, &str); 9] = [
    ("core", "Core"),
    ("cpu", "CPU"),
    ("data", "Data"),
    ("file_size", "FileSize"),
    ("memory_lock", "MemoryLock"),
    ("number_of_files", "NumberOfFiles"),
    ("number_of_processes", "NumberOfProcesses"),
    ("resident_set_size", "ResidentSetSize"),
    ("stack", "Stack"),
];

impl ResourceLimits {
    /// Every limit of [`LIMIT_KEYS`] with its value.
    pub fn entries(&self) -> [(&'static str, &'static str, Option<&Sp<u64>>); 9] {
        let values = [
            self.core.as_ref(),
            self.cpu.as_ref(),
            self.data.as_ref(),
            self.file_size.as_ref(),
            self.memory_lock.as_ref(),
            self.number_of_files.as_ref(),
            self.number_of_processes.as_ref(),
            self.resident_set_size.as_ref(),
            self.stack.as_ref(),
        ];
        let mut i = 0;
        values.map(|v| {
            let (field, key) = LIMIT_KEYS[i];
            i += 1;
            (field, key, v)
        })
    }
}

/// The boolean fields that map one to one onto a launchd boolean key: field, key.
pub const FLAG_KEYS: [(&str, &str); 15] = [
    ("init_groups", "InitGroups"),
    ("start_on_mount", "StartOnMount"),
    ("low_priority_io", "LowPriorityIO"),
    ("low_priority_background_io", "LowPriorityBackgroundIO"),
    ("abandon_process_group", "AbandonProcessGroup"),
    ("enable_transactions", "EnableTransactions"),
    ("enable_pressured_exit", "EnablePressuredExit"),
    (
        "begin_transaction_at_shutdown",
        "BeginTransactionAtShutdown",
    ),
    ("launch_only_once", "LaunchOnlyOnce"),
    ("materialize_dataless_files", "MaterializeDatalessFiles"),
    ("legacy_timers", "LegacyTimers"),
    ("enable_globbing", "EnableGlobbing"),
    ("session_create", "SessionCreate"),
    ("debug", "Debug"),
    ("wait_for_debugger", "WaitForDebugger"),
];

impl Run {
    /// The boolean fields of [`FLAG_KEYS`] with their values: field, key, value.
    pub fn flags(&self) -> [(&'static str, &'static str, Option<&Sp<bool>>); 15] {
        let values = [
            self.init_groups.as_ref(),
            self.start_on_mount.as_ref(),
            self.low_priority_io.as_ref(),
            self.low_priority_background_io.as_ref(),
            self.abandon_process_group.as_ref(),
            self.enable_transactions.as_ref(),
            self.enable_pressured_exit.as_ref(),
            self.begin_transaction_at_shutdown.as_ref(),
            self.launch_only_once.as_ref(),
            self.materialize_dataless_files.as_ref(),
            self.legacy_timers.as_ref(),
            self.enable_globbing.as_ref(),
            self.session_create.as_ref(),
            self.debug.as_ref(),
            self.wait_for_debugger.as_ref(),
        ];
        let mut i = 0;
        values.map(|v| {
            let (field, key) = FLAG_KEYS[i];
            i += 1;
            (field, key, v)
        })
    }
}

/// A schedule: exactly one of `every`, `calendar`, `cron`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Fixed interval (launchd `StartInterval`).
    pub every: Option<Sp<DurationText>>,
    /// Calendar entries (launchd `StartCalendarInterval`).
    pub calendar: Option<Vec<Sp<CalendarEntry>>>,
    /// Five-field cron string, expanded into calendar entries.
    pub cron: Option<Sp<String>>,
}

/// One `StartCalendarInterval` entry; absent fields mean "every".
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarEntry {
    /// 0–59.
    #[schemars(range(max = 59))]
    pub minute: Option<Sp<u32>>,
    /// 0–23.
    #[schemars(range(max = 23))]
    pub hour: Option<Sp<u32>>,
    /// Day of month, 1–31.
    #[schemars(range(min = 1, max = 31))]
    pub day: Option<Sp<u32>>,
    /// 0–7, Sunday is 0 or 7.
    #[schemars(range(max = 7))]
    pub weekday: Option<Sp<u32>>,
    /// 1–12.
    #[schemars(range(min = 1, max = 12))]
    pub month: Option<Sp<u32>>,
}

/// Semantic readiness: a probe expression with timeouts and a retry budget.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Readiness {
    /// Expression that holds when the service serves.
    pub probe: Sp<ExprText>,
    /// Per attempt; default `1s`.
    pub timeout: Option<Sp<DurationText>>,
    /// Between the starts of two attempts; default `2s`.
    pub interval: Option<Sp<DurationText>>,
    /// Attempts before giving up; default 30.
    pub retries: Option<Sp<u32>>,
}
