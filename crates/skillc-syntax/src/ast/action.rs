//! `actions:` — argv-template actions a family declares.

use super::{DurationText, ExprText, Risk};
use crate::Sp;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A declared action: an argv template with typed parameters and an inherent risk.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionDecl {
    /// What the action does.
    pub description: Sp<String>,
    /// Inherent risk.
    pub risk: Sp<Risk>,
    /// Whether the action needs root (such an action may not run in a session skill).
    pub needs_root: Option<Sp<bool>>,
    /// Typed parameters, referenced as `{param.NAME}` in `argv`.
    pub params: Option<IndexMap<Sp<super::Id>, Sp<ParamDecl>>>,
    /// The command: each element is one argument; placeholders never split.
    #[schemars(length(min = 1))]
    pub argv: Vec<Sp<String>>,
    /// Idempotency guard: the action is skipped when this is false.
    pub guard: Option<Sp<ExprText>>,
    /// Time limit for one run.
    pub timeout: Option<Sp<DurationText>>,
}

/// A typed parameter of an action or a skill.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamDecl {
    /// The parameter's type.
    #[serde(rename = "type")]
    pub ty: Sp<ParamType>,
    /// Default value; strings may use `{service.*}` placeholders.
    pub default: Option<Sp<ScalarValue>>,
    /// What the parameter means.
    pub description: Option<Sp<String>>,
}

/// Parameter types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    String,
    Path,
    Int,
    Bool,
    Duration,
    Service,
}

impl ParamType {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Path => "path",
            ParamType::Int => "int",
            ParamType::Bool => "bool",
            ParamType::Duration => "duration",
            ParamType::Service => "service",
        }
    }
}

/// A scalar YAML value.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ScalarValue {
    Bool(bool),
    Int(i64),
    String(String),
}
