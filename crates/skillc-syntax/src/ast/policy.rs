//! `policy:` — approval flows and permissions.

use super::{Capability, Id, Layer, Risk, Scope};
use crate::Sp;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Roles, approval rules, runners and capability limits of a family.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Role name → members.
    pub roles: Option<IndexMap<Sp<Id>, Vec<Sp<String>>>>,
    /// The most specific matching rule decides a step's outcome.
    pub rules: Option<Vec<Sp<PolicyRule>>>,
    /// Role → skills it may run (`family/skill`, `family/*`, `*`).
    pub runners: Option<IndexMap<Sp<Id>, Vec<Sp<String>>>>,
    /// Layer → capabilities its services may hold (overrides the default).
    pub capabilities: Option<IndexMap<Sp<Layer>, Vec<Sp<Capability>>>>,
}

/// One approval rule.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyRule {
    /// Which steps the rule covers.
    #[serde(rename = "match")]
    pub matches: Sp<RuleMatch>,
    /// What happens to them.
    pub outcome: Sp<Outcome>,
}

/// Match keys; an absent key matches everything.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleMatch {
    pub risk: Option<Sp<Risk>>,
    pub family: Option<Sp<Id>>,
    pub layer: Option<Sp<Layer>>,
    pub scope: Option<Sp<Scope>>,
}

/// Outcome of a policy rule.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Runs without asking.
    Auto,
    /// Needs an interactive confirmation.
    Confirm,
    /// Needs approvals.
    Approve(Sp<Approve>),
    /// Never runs.
    Deny,
}

/// How many approvers, from which roles.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approve {
    #[schemars(range(min = 1))]
    pub count: Sp<u32>,
    pub roles: Vec<Sp<Id>>,
}
