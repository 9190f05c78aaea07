//! A skill's parameters for one target: compile-time literals and run-time `--param` variables.

use crate::expr::{PVal, Params};
use crate::resolve::{expand, literal};
use skillc_expr::ExprKind;
use skillc_ir::{ArgValue, Ir, ParamType, ServiceId, Skill};

/// A run-time parameter (`--param NAME=VALUE`): one without a default.
pub(crate) struct RuntimeParam {
    pub(crate) name: String,
    pub(crate) var: String,
    pub(crate) int: bool,
}

/// The skill's parameters for one target: compile-time literals and run-time variables.
pub(crate) fn skill_params(
    ir: &Ir,
    skill: &Skill,
    target: ServiceId,
) -> (Params, Vec<RuntimeParam>) {
    let svc = ir.service(target);
    let mut params = Params::new();
    let mut runtime = Vec::new();
    for p in &skill.params {
        let name = p.name.value.clone();
        if let Some(d) = &p.default {
            let kind = match &d.value {
                ArgValue::String(s) => {
                    let pieces = expand(s, svc, &|_| None);
                    ExprKind::Str(literal(&pieces).unwrap_or_default())
                }
                ArgValue::Int(n) => ExprKind::Int(*n),
                ArgValue::Bool(b) => ExprKind::Bool(*b),
                ArgValue::Duration(d) => ExprKind::Duration(skillc_expr::Duration::from_millis(
                    u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
                )),
                _ => ExprKind::Str(String::new()),
            };
            params.insert(name, PVal::Lit(kind));
        } else {
            let mut var: String = format!(
                "p_{}",
                name.chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect::<String>()
            );
            if runtime.iter().any(|r: &RuntimeParam| r.var == var) {
                var = format!("{var}_{}", runtime.len());
            }
            let int = p.ty == ParamType::Int;
            params.insert(
                name.clone(),
                PVal::Var {
                    var: var.clone(),
                    int,
                },
            );
            runtime.push(RuntimeParam { name, var, int });
        }
    }
    (params, runtime)
}
