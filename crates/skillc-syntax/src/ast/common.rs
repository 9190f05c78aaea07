//! Scalar types shared by several sections.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Regex for ids, as the JSON Schema states it.
pub(crate) const ID_PATTERN: &str = "^[a-z][a-z0-9-]{0,63}$";
/// Regex for durations such as `5s`, `250ms` or `1m30s`.
pub(crate) const DURATION_PATTERN: &str = "^([0-9]+(ms|s|m|h))+$";

macro_rules! string_newtype {
    ($(#[$m:meta])* $name:ident, $schema_name:literal, $schema:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                $schema_name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

string_newtype!(
    /// An id: `[a-z][a-z0-9-]*`, at most 64 characters (checked when the IR is built).
    Id,
    "Id",
    json_schema!({
        "type": "string",
        "pattern": ID_PATTERN,
        "description": "An id: a lowercase letter, then lowercase letters, digits or '-'; at most 64 characters."
    })
);

string_newtype!(
    /// A duration with units: `ms`, `s`, `m`, `h`, e.g. `1m30s`.
    DurationText,
    "Duration",
    json_schema!({
        "type": "string",
        "pattern": DURATION_PATTERN,
        "description": "A duration with units ms, s, m, h, largest first, e.g. `5s`, `250ms`, `1m30s`."
    })
);

string_newtype!(
    /// An expression of the skill expression language (single line).
    ExprText,
    "Expression",
    json_schema!({
        "type": "string",
        "pattern": "^[^\\n\\r]*$",
        "description": "An expression, e.g. `tcp(\"127.0.0.1:7400\") && ready(\"bus\")`. Single line."
    })
);

string_newtype!(
    /// A reference to a service: `id`, `family/id` or `bus:<name>`.
    Reference,
    "Reference",
    json_schema!({
        "type": "string",
        "pattern": "^(bus:.+|([a-z][a-z0-9-]*/)?[a-z][a-z0-9-]*)$",
        "description": "A service reference: `id`, `family/id`, or `bus:<bus name>`."
    })
);

/// Layer of a service: L1 foundation, L2 platform, L3 applications.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
pub enum Layer {
    L1,
    L2,
    L3,
}

/// Where a service runs: `daemon` (system-wide LaunchDaemon) or `session` (per-user LaunchAgent).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Daemon,
    Session,
}

/// Inherent risk of an action.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    ReadOnly,
    Reversible,
    Disruptive,
    Destructive,
}

/// What a service may do; the policy says which layers may hold which.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    ServeBus,
    Identity,
    Secrets,
    Storage,
    Network,
    ScheduleTasks,
    RunSkills,
    ControlServices,
    SpawnPrograms,
    CaptureInput,
    RouteTasks,
    ShowStatus,
    ServeApi,
}

impl Layer {
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::L1 => "L1",
            Layer::L2 => "L2",
            Layer::L3 => "L3",
        }
    }
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Daemon => "daemon",
            Scope::Session => "session",
        }
    }
}

impl Risk {
    pub const ALL: [Risk; 4] = [
        Risk::ReadOnly,
        Risk::Reversible,
        Risk::Disruptive,
        Risk::Destructive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Risk::ReadOnly => "read_only",
            Risk::Reversible => "reversible",
            Risk::Disruptive => "disruptive",
            Risk::Destructive => "destructive",
        }
    }

    /// One level higher, saturating at `destructive`.
    #[must_use]
    pub fn raised(self) -> Risk {
        match self {
            Risk::ReadOnly => Risk::Reversible,
            Risk::Reversible => Risk::Disruptive,
            Risk::Disruptive | Risk::Destructive => Risk::Destructive,
        }
    }
}

impl Capability {
    pub const ALL: [Capability; 13] = [
        Capability::ServeBus,
        Capability::Identity,
        Capability::Secrets,
        Capability::Storage,
        Capability::Network,
        Capability::ScheduleTasks,
        Capability::RunSkills,
        Capability::ControlServices,
        Capability::SpawnPrograms,
        Capability::CaptureInput,
        Capability::RouteTasks,
        Capability::ShowStatus,
        Capability::ServeApi,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Capability::ServeBus => "serve_bus",
            Capability::Identity => "identity",
            Capability::Secrets => "secrets",
            Capability::Storage => "storage",
            Capability::Network => "network",
            Capability::ScheduleTasks => "schedule_tasks",
            Capability::RunSkills => "run_skills",
            Capability::ControlServices => "control_services",
            Capability::SpawnPrograms => "spawn_programs",
            Capability::CaptureInput => "capture_input",
            Capability::RouteTasks => "route_tasks",
            Capability::ShowStatus => "show_status",
            Capability::ServeApi => "serve_api",
        }
    }
}
