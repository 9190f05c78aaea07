//! The syntax tree: one struct per YAML mapping of the language (see `docs/language.md`).
//!
//! Every struct denies unknown keys. Enums are externally tagged so spans survive; anything whose
//! validity needs context (references, durations, expressions) stays a spanned string here.

mod action;
mod common;
mod family;
mod policy;
mod service;
mod shapes;
mod skill;

pub use action::{ActionDecl, ParamDecl, ParamType, ScalarValue};
pub use common::{Capability, DurationText, ExprText, Id, Layer, Reference, Risk, Scope};
pub use family::FamilyDecl;
pub use policy::{Approve, Outcome, Policy, PolicyRule, RuleMatch};
pub use service::{
    BonjourName, CalendarEntry, FLAG_KEYS, InetdCompatibility, KeepAlive, KeepAliveConditions,
    LIMIT_KEYS, LaunchEventStream, MachServiceEntry, MachServiceOptions, PortOrName,
    PosixSpawnType, ProcessType, Readiness, ResourceLimits, Run, Schedule, Service, SessionType,
    SockFamily, SockProtocol, SockType, Socket,
};
pub use shapes::{MapOrList, OneOrMany, ScalarOrMap};
pub use skill::{AppliesTo, LoopSpec, OnFailure, Skill, SkillSeverity, Step, WithValue};

use crate::Sp;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One YAML file of a skill family. Every section is optional; `family` may appear only in
/// `family.yaml`, where it is required, and `policy` in at most one file of a family.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "skillc skill file")]
pub struct Document {
    /// The family's identity; only in `family.yaml`.
    pub family: Option<Sp<FamilyDecl>>,
    /// Long-lived services, by id.
    pub services: Option<IndexMap<Sp<Id>, Sp<Service>>>,
    /// Actions this family declares, by id (argv templates, never shell strings).
    pub actions: Option<IndexMap<Sp<Id>, Sp<ActionDecl>>>,
    /// Remediation skills, one per failure mode, by id.
    pub skills: Option<IndexMap<Sp<Id>, Sp<Skill>>>,
    /// Approval policy and permissions of the family.
    pub policy: Option<Sp<Policy>>,
}
