//! Every rule skillc knows, from every stage.

use skillc_diagnostics::RuleInfo;

/// All rules: load, expression, lowering, analysis.
pub fn all_rules() -> Vec<&'static RuleInfo> {
    skillc_syntax::rules::RULES
        .iter()
        .chain(skillc_expr::RULES)
        .chain(skillc_ir::rules::RULES)
        .chain(skillc_analysis::rules())
        .chain(skillc_backend_launchd::rules())
        .chain(skillc_backend_scripts::rules())
        .chain(crate::rules::RULES)
        .collect()
}

pub fn find(id: &str) -> Option<&'static RuleInfo> {
    all_rules().into_iter().find(|r| r.id == id)
}
