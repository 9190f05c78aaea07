use super::{ActionId, FamilyId, ServiceId, SkillId, Spanned};
use crate::expr::Expr;
use skillc_diagnostics::Span;
use skillc_syntax::ast::{Layer, ParamType, Risk, Scope, SkillSeverity};
use std::time::Duration;

/// A remediation skill for one failure mode.
#[derive(Debug, Clone)]
pub struct Skill {
    pub id: Spanned<String>,
    pub family: FamilyId,
    pub title: String,
    pub description: Option<String>,
    pub severity: SkillSeverity,
    pub applies_to: AppliesTo,
    pub params: Vec<Param>,
    pub detect: Expr,
    pub diagnose: Vec<Step>,
    pub remediate: Vec<Step>,
    pub verify: Expr,
    /// `verify:` was absent and `ready(service)` was assumed.
    pub verify_defaulted: bool,
    pub on_failure: Spanned<OnFailure>,
    pub timeout: Option<Spanned<Duration>>,
    /// The services the skill applies to (resolved `applies_to`), sorted.
    pub targets: Vec<ServiceId>,
    /// Parameter values a target service sets (its `params:`), checked against the types.
    pub bindings: Vec<Binding>,
}

/// A target's own value for one of the skill's parameters.
#[derive(Debug, Clone)]
pub struct Binding {
    pub target: ServiceId,
    /// Index into [`Skill::params`].
    pub param: usize,
    pub value: Spanned<ArgValue>,
}

impl Skill {
    /// The value `target` sets for parameter `param` (an index into `params`), if any.
    pub fn binding(&self, target: ServiceId, param: usize) -> Option<&Spanned<ArgValue>> {
        self.bindings
            .iter()
            .find(|b| b.target == target && b.param == param)
            .map(|b| &b.value)
    }
}

impl Skill {
    /// Every step, depth first, diagnose steps before remediation steps.
    pub fn all_steps(&self) -> Vec<&Step> {
        let mut out = Vec::new();
        for s in self.diagnose.iter().chain(self.remediate.iter()) {
            s.walk(&mut out);
        }
        out
    }
}

/// The selector as written, resolved. Kinds combine with AND, values with OR; an absent kind
/// matches everything.
#[derive(Debug, Clone, Default)]
pub struct AppliesTo {
    pub services: Option<Vec<Spanned<ServiceId>>>,
    pub families: Option<Vec<Spanned<FamilyId>>>,
    pub layers: Option<Vec<Layer>>,
    pub scopes: Option<Vec<Scope>>,
    pub tags: Option<Vec<String>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: Spanned<String>,
    pub ty: ParamType,
    pub default: Option<Spanned<ArgValue>>,
}

#[derive(Debug, Clone)]
pub enum OnFailure {
    Escalate,
    Stop,
    Next(SkillId),
}

#[derive(Debug, Clone)]
pub struct Step {
    pub id: Spanned<String>,
    pub description: Option<String>,
    pub kind: StepKind,
    pub when: Option<Expr>,
    pub timeout: Option<Spanned<Duration>>,
    pub span: Span,
}

impl Step {
    /// This step and every step inside it, depth first.
    pub fn flattened(&self) -> Vec<&Step> {
        let mut out = Vec::new();
        self.walk(&mut out);
        out
    }

    fn walk<'a>(&'a self, out: &mut Vec<&'a Step>) {
        out.push(self);
        match &self.kind {
            StepKind::Action { .. } => {}
            StepKind::Sequence(steps)
            | StepKind::Parallel(steps)
            | StepKind::Loop { steps, .. } => {
                for s in steps {
                    s.walk(out);
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
pub enum StepKind {
    Action {
        action: Spanned<ActionId>,
        args: Vec<Arg>,
        /// The stated risk for `run` / `shell`, else the action's.
        risk: Risk,
        /// The service the step acts on: its `target:` argument, else the applied service.
        target: Target,
    },
    Sequence(Vec<Step>),
    Parallel(Vec<Step>),
    Loop {
        max: Option<Spanned<u32>>,
        until: Option<Expr>,
        backoff: Option<Spanned<Duration>>,
        steps: Vec<Step>,
        span: Span,
    },
}

/// What a step acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The service the skill is applied to.
    Applied,
    Service(ServiceId),
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub name: Spanned<String>,
    pub value: Spanned<ArgValue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgValue {
    Bool(bool),
    Int(i64),
    /// A string; may hold `{param.x}` / `{service.x}` placeholders.
    String(String),
    List(Vec<String>),
    Duration(Duration),
    Risk(Risk),
    Target(Target),
}
