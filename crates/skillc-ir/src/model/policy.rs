use super::{FamilyId, SkillId, Spanned};
use skillc_diagnostics::Span;
use skillc_syntax::ast::{Capability, Layer, Risk, Scope};

/// A family's approval policy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub family: FamilyId,
    pub span: Span,
    pub roles: Vec<Role>,
    pub rules: Vec<PolicyRule>,
    pub runners: Vec<Runner>,
    /// Layer → allowed capabilities, when the policy overrides the defaults.
    pub capabilities: Vec<(Spanned<Layer>, Vec<Spanned<Capability>>)>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: Spanned<String>,
    pub members: Vec<Spanned<String>>,
}

/// One rule: an absent match key matches everything.
#[derive(Debug, Clone)]
pub struct PolicyRule {
    pub risk: Option<Risk>,
    pub family: Option<Spanned<FamilyId>>,
    pub layer: Option<Layer>,
    pub scope: Option<Scope>,
    pub outcome: Spanned<Outcome>,
    pub span: Span,
}

impl PolicyRule {
    /// Number of match keys present: the most specific matching rule wins.
    pub fn specificity(&self) -> usize {
        usize::from(self.risk.is_some())
            + usize::from(self.family.is_some())
            + usize::from(self.layer.is_some())
            + usize::from(self.scope.is_some())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Auto,
    Confirm,
    /// `count` approvers from the union of `roles` (indices into the policy's roles).
    Approve {
        count: u32,
        roles: Vec<usize>,
    },
    Deny,
}

/// A role and the skills it may run.
#[derive(Debug, Clone)]
pub struct Runner {
    pub role: usize,
    pub role_span: Span,
    /// Resolved patterns: `None` family = `*`; `None` skill = `family/*`.
    pub grants: Vec<Spanned<(Option<FamilyId>, Option<SkillId>)>>,
}
