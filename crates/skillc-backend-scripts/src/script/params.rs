//! A skill's parameters for one target: compile-time literals (the target's `params:` value, else
//! the default) and run-time `--param` variables (neither).

use crate::resolve::{Params, expand};
use skillc_backend_support::{Literal, ParamValue as PVal};
use skillc_ir::{ArgValue, Ir, ParamType, ServiceId, Skill};

/// A run-time parameter (`--param NAME=VALUE`): one without a default.
pub(crate) struct RuntimeParam {
    pub(crate) name: String,
    pub(crate) var: String,
    /// Its type as `skillc_check_value` names it (`path`, `string`, `int`, ...).
    pub(crate) ty: &'static str,
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
    for (i, p) in skill.params.iter().enumerate() {
        let name = p.name.value.clone();
        // The target's own value (its `params:`) wins over the default and `--param`.
        if let Some(d) = skill.binding(target, i).or(p.default.as_ref()) {
            let kind = match &d.value {
                ArgValue::String(s) => {
                    Literal::Str(expand(s, svc, &|_| None).literal().unwrap_or_default())
                }
                ArgValue::Int(n) => Literal::Int(*n),
                ArgValue::Bool(b) => Literal::Bool(*b),
                ArgValue::Duration(d) => Literal::Duration(skillc_ir::expr::Duration::from_millis(
                    u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
                )),
                _ => Literal::Str(String::new()),
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
            runtime.push(RuntimeParam {
                name,
                var,
                ty: p.ty.as_str(),
            });
        }
    }
    (params, runtime)
}
