use super::{FamilyId, ServiceId, Spanned};
use crate::expr::Expr;
use skillc_diagnostics::Span;
use skillc_syntax::ast::{
    Capability, Layer, PortOrName, PosixSpawnType, ProcessType, Scope, SessionType, SockFamily,
    SockProtocol, SockType,
};
use std::time::Duration;

/// One long-lived job.
#[derive(Debug, Clone)]
pub struct Service {
    pub id: Spanned<String>,
    pub family: FamilyId,
    pub description: String,
    pub layer: Spanned<Layer>,
    pub scope: Spanned<Scope>,
    /// A per-user agent: the macOS user whose `~/Library/LaunchAgents` and `gui/<uid>` domain it
    /// lives in.
    pub for_user: Option<Spanned<String>>,
    pub bus: Option<Spanned<String>>,
    /// launchd Label; the span is the `label:` value or the service key when defaulted.
    pub label: Spanned<String>,
    pub capabilities: Vec<Spanned<Capability>>,
    pub tags: Vec<Spanned<String>>,
    pub docs: Option<String>,
    pub run: Run,
    pub requires: Vec<Dependency>,
    pub wants: Vec<Dependency>,
    pub readiness: Option<Readiness>,
}

impl Service {
    /// The `MachServices` entry that registers the service's bus name with launchd, if any (a
    /// program that checks in for it).
    pub fn registered_bus(&self) -> Option<&MachService> {
        let bus = self.bus.as_ref()?;
        self.run
            .mach_services
            .iter()
            .find(|m| m.name.value == bus.value && m.enabled.value)
    }

    /// Hard then soft dependencies.
    pub fn dependencies(&self) -> impl Iterator<Item = &Dependency> {
        self.requires.iter().chain(self.wants.iter())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DependencyKind {
    Requires,
    Wants,
}

impl DependencyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DependencyKind::Requires => "requires",
            DependencyKind::Wants => "wants",
        }
    }
}

/// A resolved dependency; `span` is the list entry in the YAML.
#[derive(Debug, Clone)]
pub struct Dependency {
    pub target: ServiceId,
    pub kind: DependencyKind,
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Run {
    pub program: Spanned<String>,
    /// `argv[0]` when it differs from `program` (then `Program` is emitted).
    pub argv0: Option<Spanned<String>>,
    pub args: Vec<Spanned<String>>,
    pub env: Vec<(Spanned<String>, Spanned<String>)>,
    pub working_dir: Option<Spanned<String>>,
    pub root_directory: Option<Spanned<String>>,
    pub user: Option<Spanned<String>>,
    pub group: Option<Spanned<String>>,
    pub session_types: Vec<Spanned<SessionType>>,
    /// `session_types` was written as one string (emitted as a string, as written).
    pub session_types_one: bool,
    /// The span is the `keep_alive:` value, or `run:` when defaulted (`on_failure`).
    pub keep_alive: Spanned<KeepAliveMode>,
    /// `run_at_load:` as written; `None` takes the default (see [`Run::runs_at_load`]).
    pub run_at_load: Option<Spanned<bool>>,
    pub throttle: Spanned<Duration>,
    /// Whether `throttle:` was written (a written throttle is always emitted).
    pub throttle_set: bool,
    pub start_timeout: Option<Spanned<Duration>>,
    pub exit_timeout: Option<Spanned<Duration>>,
    pub schedule: Option<Spanned<Schedule>>,
    pub sockets: Vec<SocketGroup>,
    /// `inetdCompatibility.Wait`.
    pub inetd_wait: Option<Spanned<bool>>,
    pub mach_services: Vec<MachService>,
    pub watch_paths: Vec<Spanned<String>>,
    pub queue_directories: Vec<Spanned<String>>,
    /// XPC event streams: stream → (event name → descriptor).
    pub launch_events: Vec<(Spanned<String>, Vec<LaunchEvent>)>,
    pub limit_load_to_hardware: Vec<(Spanned<String>, Vec<Spanned<String>>)>,
    pub limit_load_from_hardware: Vec<(Spanned<String>, Vec<Spanned<String>>)>,
    pub stdin: Option<Spanned<String>>,
    pub stdout: Option<Spanned<String>>,
    pub stderr: Option<Spanned<String>>,
    pub umask: Option<Spanned<u32>>,
    pub process_type: Option<Spanned<ProcessType>>,
    pub posix_spawn_type: Option<Spanned<PosixSpawnType>>,
    pub nice: Option<Spanned<i64>>,
    pub soft_limits: Vec<Limit>,
    pub hard_limits: Vec<Limit>,
    /// Boolean keys written one to one (`enable_transactions` → `EnableTransactions`, ...).
    pub flags: Vec<Flag>,
    pub associated_bundle_identifiers: Vec<Spanned<String>>,
    /// Written as one string (Karabiner's form); emitted as a string.
    pub associated_bundle_identifiers_one: bool,
    /// Extra plist keys from the `launchd:` escape hatch.
    pub launchd: Vec<(Spanned<String>, Spanned<serde_json::Value>)>,
}

impl Run {
    /// The value of the flag whose launchd key is `key`, when written.
    pub fn flag(&self, key: &str) -> Option<&Spanned<bool>> {
        self.flags.iter().find(|f| f.key == key).map(|f| &f.value)
    }

    /// What starts the job on demand, besides a schedule: (what, span), in field order.
    pub fn demand_triggers(&self) -> Vec<(&'static str, skillc_diagnostics::Span)> {
        let mut out = Vec::new();
        if let Some(g) = self.sockets.first() {
            out.push(("sockets", g.name.span));
        }
        if let Some(m) = self.mach_services.first() {
            out.push(("mach_services", m.name.span));
        }
        if let Some(p) = self.watch_paths.first() {
            out.push(("watch_paths", p.span));
        }
        if let Some(p) = self.queue_directories.first() {
            out.push(("queue_directories", p.span));
        }
        if let Some(f) = self.flag("StartOnMount").filter(|f| f.value) {
            out.push(("start_on_mount", f.span));
        }
        if let Some((e, _)) = self.launch_events.first() {
            out.push(("launch_events", e.span));
        }
        out
    }

    /// Whether launchd starts the job at load because of its keep-alive alone: `KeepAlive` true,
    /// or a `SuccessfulExit` condition ("implies RunAtLoad", launchd.plist(5)).
    pub fn keep_alive_implies_run_at_load(&self) -> bool {
        match &self.keep_alive.value {
            KeepAliveMode::Always => true,
            KeepAliveMode::Conditions(c) => c.successful_exit.is_some(),
            KeepAliveMode::Never => false,
        }
    }

    /// Whether the plist gets `RunAtLoad true`: as written; by default, for a job without a
    /// schedule that either has no demand trigger (nothing else would ever start it) or is
    /// started at load by its keep-alive anyway. An on-demand job (a socket, a Mach service,
    /// watched paths, queue directories, mounts, launch events) is not spawned at load.
    pub fn runs_at_load(&self) -> bool {
        match &self.run_at_load {
            Some(r) => r.value,
            None => {
                self.schedule.is_none()
                    && (self.demand_triggers().is_empty() || self.keep_alive_implies_run_at_load())
            }
        }
    }
}

/// One event of a `LaunchEvents` stream: its name and descriptor (copied as written).
pub type LaunchEvent = (Spanned<String>, Spanned<serde_json::Value>);

/// Restart behaviour as launchd's `KeepAlive`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeepAliveMode {
    /// `KeepAlive true`.
    Always,
    /// No `KeepAlive`: the job runs on load, on demand or on schedule only.
    Never,
    /// `KeepAlive` as a dictionary (`on_failure` is `{SuccessfulExit: false}`).
    Conditions(KeepAliveConditions),
}

impl KeepAliveMode {
    /// The `on_failure` default.
    pub fn on_failure(span: skillc_diagnostics::Span) -> Self {
        KeepAliveMode::Conditions(KeepAliveConditions {
            successful_exit: Some(Spanned::new(false, span)),
            ..KeepAliveConditions::default()
        })
    }
}

/// The conditions of a `KeepAlive` dictionary; launchd ORs them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeepAliveConditions {
    pub successful_exit: Option<Spanned<bool>>,
    pub crashed: Option<Spanned<bool>>,
    pub path_state: Vec<(Spanned<String>, Spanned<bool>)>,
    pub other_job_enabled: Vec<(Spanned<String>, Spanned<bool>)>,
    pub after_initial_demand: Option<Spanned<bool>>,
    /// Refused (`launchd-deprecated-key`); never emitted.
    pub network_state: Option<Spanned<bool>>,
}

impl KeepAliveConditions {
    /// Whether no condition is set (NetworkState, never emitted, does not count).
    pub fn is_empty(&self) -> bool {
        self.successful_exit.is_none()
            && self.crashed.is_none()
            && self.path_state.is_empty()
            && self.other_job_enabled.is_empty()
            && self.after_initial_demand.is_none()
    }
}

/// A launchd boolean key written from a typed field.
#[derive(Debug, Clone)]
pub struct Flag {
    /// The `run.` field.
    pub field: &'static str,
    /// The plist key.
    pub key: &'static str,
    pub value: Spanned<bool>,
}

/// One resource limit.
#[derive(Debug, Clone)]
pub struct Limit {
    pub field: &'static str,
    pub key: &'static str,
    pub value: Spanned<u64>,
}

/// One named entry of `Sockets`: one socket or several.
#[derive(Debug, Clone)]
pub struct SocketGroup {
    pub name: Spanned<String>,
    pub sockets: Vec<Spanned<Socket>>,
    /// Written as one mapping (emitted as a dictionary, not an array of one).
    pub one: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Socket {
    pub sock_type: Option<Spanned<SockType>>,
    pub passive: Option<Spanned<bool>>,
    pub node_name: Option<Spanned<String>>,
    pub service_name: Option<Spanned<PortOrName>>,
    pub family: Option<Spanned<SockFamily>>,
    pub protocol: Option<Spanned<SockProtocol>>,
    pub path_name: Option<Spanned<String>>,
    pub path_owner: Option<Spanned<u32>>,
    pub path_group: Option<Spanned<u32>>,
    /// Already converted from octal.
    pub path_mode: Option<Spanned<u32>>,
    pub secure_socket_with_key: Option<Spanned<String>>,
    pub bonjour: Option<Spanned<Bonjour>>,
    pub multicast_group: Option<Spanned<String>>,
}

/// `Bonjour`: a flag, one name, or several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bonjour {
    Flag(bool),
    Name(String),
    Names(Vec<String>),
}

/// One `MachServices` entry.
#[derive(Debug, Clone)]
pub struct MachService {
    pub name: Spanned<String>,
    /// The value as written: `true`/`false`, or options (then `true`).
    pub enabled: Spanned<bool>,
    pub reset_at_close: Option<Spanned<bool>>,
    pub hide_until_check_in: Option<Spanned<bool>>,
    /// Written with options (emitted as a dictionary).
    pub options: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    Every(Duration),
    /// Calendar entries; a `cron:` string is expanded into these.
    Calendar(Vec<Calendar>),
}

/// One `StartCalendarInterval` dict; `None` means "every".
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Calendar {
    pub minute: Option<u32>,
    pub hour: Option<u32>,
    pub day: Option<u32>,
    pub weekday: Option<u32>,
    pub month: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Readiness {
    pub probe: Expr,
    pub probe_span: Span,
    pub timeout: Spanned<Duration>,
    pub interval: Spanned<Duration>,
    pub retries: Spanned<u32>,
    pub span: Span,
}
