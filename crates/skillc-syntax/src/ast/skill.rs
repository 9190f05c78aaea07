//! `skills:` — remediation skills, one per failure mode.

use super::{DurationText, ExprText, Id, Layer, ParamDecl, Scope};
use crate::Sp;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A remediation skill for one failure mode.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    /// One line: the failure mode.
    pub title: Sp<String>,
    /// Longer explanation, shown in plans and reports.
    pub description: Option<Sp<String>>,
    /// How bad the failure is.
    pub severity: Sp<SkillSeverity>,
    /// Which services the skill applies to.
    pub applies_to: Sp<AppliesTo>,
    /// Typed parameters, read with `param("name")` and `{param.name}`.
    pub params: Option<IndexMap<Sp<Id>, Sp<ParamDecl>>>,
    /// Expression that holds when the failure is present.
    pub detect: Sp<ExprText>,
    /// Read-only steps that gather evidence.
    pub diagnose: Option<Vec<Sp<Step>>>,
    /// Steps that fix the failure.
    pub remediate: Vec<Sp<Step>>,
    /// Expression that holds when the fix worked; default `ready(service)`.
    pub verify: Option<Sp<ExprText>>,
    /// What to do when verification fails; default `escalate`.
    pub on_failure: Option<Sp<OnFailure>>,
    /// Upper bound for one whole run of the skill.
    pub timeout: Option<Sp<DurationText>>,
}

/// Severity of a failure mode.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SkillSeverity {
    Low,
    Medium,
    High,
    Critical,
}

/// Selector of services. Kinds combine with AND, values within a kind with OR.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppliesTo {
    /// Service references.
    pub services: Option<Vec<Sp<super::Reference>>>,
    /// Family names.
    pub families: Option<Vec<Sp<Id>>>,
    /// Layers.
    pub layers: Option<Vec<Sp<Layer>>>,
    /// Scopes.
    pub scopes: Option<Vec<Sp<Scope>>>,
    /// Service tags.
    pub tags: Option<Vec<Sp<String>>>,
}

/// A step: exactly one of `action`, `sequence`, `parallel`, `loop`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Unique within the skill.
    pub id: Sp<Id>,
    /// What the step does, for plans.
    pub description: Option<Sp<String>>,
    /// A built-in action (`launchctl.kickstart`) or one the family declares or imports.
    pub action: Option<Sp<String>>,
    /// The action's parameters.
    #[serde(rename = "with")]
    pub with: Option<IndexMap<Sp<String>, Sp<WithValue>>>,
    /// The step runs only when this holds.
    pub when: Option<Sp<ExprText>>,
    /// Time limit for the step.
    pub timeout: Option<Sp<DurationText>>,
    /// Steps run one after another.
    pub sequence: Option<Vec<Sp<Step>>>,
    /// Steps run at the same time; all are awaited.
    pub parallel: Option<Vec<Sp<Step>>>,
    /// Steps repeated until a condition holds, at most `max` times.
    #[serde(rename = "loop")]
    pub loop_: Option<Sp<LoopSpec>>,
}

/// A bounded loop.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoopSpec {
    /// Maximum iterations.
    #[schemars(range(min = 1))]
    pub max: Option<Sp<u32>>,
    /// Stop as soon as this holds.
    pub until: Option<Sp<ExprText>>,
    /// Pause between iterations.
    pub backoff: Option<Sp<DurationText>>,
    /// The loop body.
    pub steps: Vec<Sp<Step>>,
}

/// A value in `with:`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum WithValue {
    Bool(bool),
    Int(i64),
    String(String),
    List(Vec<String>),
}

/// What happens when verification fails.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    /// Report and hand over to a human.
    Escalate,
    /// Stop quietly (the failure is still recorded).
    Stop,
    /// Try another skill of the same family.
    Next(Sp<Id>),
}
