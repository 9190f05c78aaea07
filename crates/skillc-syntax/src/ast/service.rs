//! `services:` — long-lived launchd jobs.

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
    /// Bus name: the service's identity, unique across all families (case-insensitive).
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
}

/// Program, environment and launchd behaviour.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Run {
    /// Absolute path of the executable.
    pub program: Sp<String>,
    /// Arguments, passed unchanged (no shell).
    pub args: Option<Vec<Sp<String>>>,
    /// Environment variables; `PATH` gets a documented default when absent.
    pub env: Option<IndexMap<Sp<String>, Sp<String>>>,
    /// Working directory (absolute).
    pub working_dir: Option<Sp<String>>,
    /// User to run as (daemons only).
    pub user: Option<Sp<String>>,
    /// Group to run as (daemons only).
    pub group: Option<Sp<String>>,
    /// Session types a session service loads in (session only; default `[Aqua]`).
    pub session_types: Option<Vec<Sp<SessionType>>>,
    /// Restart behaviour; default `on_failure`.
    pub keep_alive: Option<Sp<KeepAlive>>,
    /// Minimum time between restarts; default `10s`.
    pub throttle: Option<Sp<DurationText>>,
    /// How long the service may take to become ready.
    pub start_timeout: Option<Sp<DurationText>>,
    /// Run periodically instead of (or as well as) at load.
    pub schedule: Option<Sp<Schedule>>,
    /// Standard output log file.
    pub stdout: Option<Sp<String>>,
    /// Standard error log file.
    pub stderr: Option<Sp<String>>,
    /// File mode creation mask as an octal string, e.g. `"022"`.
    #[schemars(regex(pattern = "^0?[0-7]{3}$"))]
    pub umask: Option<Sp<String>>,
    /// Escape hatch: extra launchd plist keys (warned).
    pub launchd: Option<IndexMap<Sp<String>, Sp<serde_json::Value>>>,
}

/// launchd session types.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
pub enum SessionType {
    Aqua,
    Background,
    LoginWindow,
    StandardIO,
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
