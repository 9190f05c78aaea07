//! One remediation script: a skill applied to one service.

mod action;
mod assemble;
mod audit;
mod builtin;
mod outcome;
mod params;
mod steps;

pub(crate) use params::skill_params;

use skillc_backend_support::ProbeError;
use skillc_ir::{Ir, ServiceId, SkillId};

/// Seconds a step may run when neither the step nor its action says.
pub const DEFAULT_STEP_TIMEOUT_SECS: u64 = 60;
/// Per-probe timeout inside skill expressions (`detect`, `when`, ...).
const EXPR_TIMEOUT_SECS: u64 = 5;

/// What [`remediation_script`] found it could not compile.
pub(crate) fn compile_errors(ir: &Ir, skill: SkillId, target: ServiceId) -> Vec<ProbeError> {
    assemble::generate(ir, skill, target, Want::Errors, crate::Options::default()).1
}

/// What `generate` is for: a whole script, or only the expression compiler's errors (`check`
/// stops once every expression and step is compiled, before the header, plan hash and runtime).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Script,
    Errors,
}

/// The script of `skill` applied to `target`.
pub fn remediation_script(ir: &Ir, skill: SkillId, target: ServiceId) -> String {
    remediation_script_with(ir, skill, target, crate::Options::default())
}

/// [`remediation_script`] with build options.
pub fn remediation_script_with(
    ir: &Ir,
    skill: SkillId,
    target: ServiceId,
    options: crate::Options,
) -> String {
    assemble::generate(ir, skill, target, Want::Script, options).0
}
