//! IR types. Items live in flat vectors of [`Ir`]; ids are indices into them.

mod action;
mod policy;
mod service;
mod skill;

pub use action::{Action, ActionKind, ArgType, ParamSpec};
pub use policy::{Outcome, Policy, PolicyRule, Role, Runner};
pub use service::{
    Bonjour, Calendar, Dependency, DependencyKind, Flag, KeepAliveConditions, KeepAliveMode,
    LaunchEvent, Limit, MachService, Readiness, Run, Schedule, Service, Socket, SocketGroup,
};
pub use skill::{
    AppliesTo, Arg, ArgValue, Binding, OnFailure, Param, Skill, Step, StepKind, Target,
};

pub use skillc_syntax::ast::{
    Capability, KeepAlive, Layer, ParamType, PortOrName, PosixSpawnType, ProcessType, Risk, Scope,
    SessionType, SkillSeverity, SockFamily, SockProtocol, SockType,
};

use skillc_diagnostics::{FileId, Span};
use std::collections::HashMap;
use std::path::PathBuf;

/// A value with the span that can be blamed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

macro_rules! id_type {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
            pub(crate) fn from_index(i: usize) -> Self {
                Self(u32::try_from(i).unwrap_or(u32::MAX))
            }
        }
    )*};
}
id_type!(FamilyId, ServiceId, ActionId, SkillId, PolicyId);

/// The whole checked program: every loaded family and what it declares.
#[derive(Debug, Clone, Default)]
pub struct Ir {
    pub families: Vec<Family>,
    pub services: Vec<Service>,
    /// Built-in actions first, then declared ones.
    pub actions: Vec<Action>,
    pub skills: Vec<Skill>,
    pub policies: Vec<Policy>,
    /// Lowercased bus name → the service that declares it (the first, when names conflict).
    pub(crate) bus_providers: HashMap<String, ServiceId>,
    /// Mach service name (exact, as launchd compares it) → the first service whose
    /// `run.mach_services` registers it.
    pub(crate) mach_registrars: HashMap<String, ServiceId>,
}

impl Ir {
    pub fn family(&self, id: FamilyId) -> &Family {
        &self.families[id.index()]
    }
    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.index()]
    }
    pub fn action(&self, id: ActionId) -> &Action {
        &self.actions[id.index()]
    }
    pub fn skill(&self, id: SkillId) -> &Skill {
        &self.skills[id.index()]
    }
    pub fn policy(&self, id: PolicyId) -> &Policy {
        &self.policies[id.index()]
    }
    /// The service whose `bus:` name is `name` (case-insensitively), from the table lowering built:
    /// for names known only per target (a parameter's `{service.bus}` default).
    pub fn bus_provider(&self, name: &str) -> Option<ServiceId> {
        self.bus_providers.get(&name.to_lowercase()).copied()
    }
    /// The service whose `run.mach_services` registers `name` with launchd (exact match).
    pub fn mach_registrar(&self, name: &str) -> Option<ServiceId> {
        self.mach_registrars.get(name).copied()
    }
    pub fn service_ids(&self) -> impl Iterator<Item = ServiceId> + '_ {
        (0..self.services.len()).map(ServiceId::from_index)
    }
    pub fn skill_ids(&self) -> impl Iterator<Item = SkillId> + '_ {
        (0..self.skills.len()).map(SkillId::from_index)
    }
    /// `family/id` of a service.
    pub fn service_name(&self, id: ServiceId) -> String {
        let s = self.service(id);
        format!("{}/{}", self.family(s.family).name.value, s.id.value)
    }
    /// `family/id` of a skill.
    pub fn skill_name(&self, id: SkillId) -> String {
        let s = self.skill(id);
        format!("{}/{}", self.family(s.family).name.value, s.id.value)
    }
    /// The policy governing steps that act on `target` for a skill of `skill_family`: the target's
    /// family's policy, else the skill family's.
    pub fn governing_policy(&self, target: ServiceId, skill_family: FamilyId) -> Option<PolicyId> {
        self.family(self.service(target).family)
            .policy
            .or(self.family(skill_family).policy)
    }
}

/// A skill family.
#[derive(Debug, Clone)]
pub struct Family {
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    pub description: String,
    pub label_prefix: Option<Spanned<String>>,
    pub imports: Vec<Spanned<FamilyId>>,
    pub root: PathBuf,
    pub family_file: FileId,
    pub files: Vec<FileId>,
    pub policy: Option<PolicyId>,
    /// Loaded only because a checked family imports it: its skills apply to the checked families'
    /// services, but its own services, install scripts and doctor are not built.
    pub dependency: bool,
}
