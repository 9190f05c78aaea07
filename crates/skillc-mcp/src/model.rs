//! The agent tool manifest (`agent-tools.json`) that `skillc build` writes into the output tree:
//! what the MCP server and frameworks that do not speak MCP need to know about each skill, computed
//! by the compiler from the same IR and the same policy decision ([`policy::decide`]) as the
//! scripts. The scripts stay the only place where the policy is enforced; the manifest says what
//! to offer and what to ask for.

use serde::{Deserialize, Serialize};
use skillc_backend_scripts::policy;
use skillc_ir::{Ir, Outcome, Risk, ServiceId, Skill, SkillId, Step, StepKind, Target};

/// The manifest's path in the output tree.
pub const TOOLS_FILE: &str = "agent-tools.json";
/// Bumped when a field is removed or renamed.
pub const TOOLS_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ToolManifest {
    pub generator: String,
    pub tools_version: u32,
    pub skillc_version: String,
    pub families: Vec<FamilyEntry>,
    pub skills: Vec<SkillEntry>,
    /// The MCP tool definitions (`tools/list`) for a user who may run every skill, for frameworks
    /// that read the file; the server derives its own (the subset its user's runner roles allow)
    /// from `skills` and skips these when it reads the file.
    #[serde(default, skip_deserializing)]
    pub tools: Vec<serde_json::Value>,
}

/// A family with services: its doctor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FamilyEntry {
    pub family: String,
    pub description: String,
    /// The doctor's path in the tree.
    pub doctor: String,
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SkillEntry {
    /// `family/id`.
    pub skill: String,
    pub family: String,
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    /// Run-time parameters (`--param NAME=VALUE`, every one required): those without a default.
    pub params: Vec<ParamEntry>,
    pub targets: Vec<TargetEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParamEntry {
    pub name: String,
    /// The skill language's type: `string`, `path`, `int`, `bool`, `duration`, `service`.
    #[serde(rename = "type")]
    pub ty: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetEntry {
    /// `family/service`.
    pub target: String,
    /// The remediation script's path in the tree.
    pub script: String,
    /// Who may `--apply` (the policy's runners); `None` when the policy names no runners.
    pub runners: Option<Vec<String>>,
    /// Every action step, diagnose steps first, depth first.
    pub steps: Vec<StepEntry>,
    /// Run-time parameters of the skill this target sets itself (its `params:`): compiled into
    /// its script, so they are not asked for, and refused when given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bound: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StepEntry {
    pub step: String,
    pub risk: String,
    pub effective_risk: String,
    /// `auto`, `confirm`, `approve` or `deny` (also for a step no rule covers).
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub approve: Option<ApproveEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApproveEntry {
    pub count: u32,
    /// The members of the policy's roles that may approve, sorted.
    pub approvers: Vec<String>,
}

impl TargetEntry {
    /// A target the policy denies a step on is neither offered nor runnable through the server.
    pub fn denied(&self) -> bool {
        self.steps.iter().any(|s| s.outcome == "deny")
    }

    /// Whether `user` may apply the skill to this target.
    pub fn runnable_by(&self, user: Option<&str>) -> bool {
        match (&self.runners, user) {
            (None, _) | (Some(_), None) => true,
            (Some(r), Some(u)) => r.iter().any(|x| x == u),
        }
    }

    /// The strictest step's effective risk.
    pub fn max_risk(&self) -> &str {
        self.steps
            .iter()
            .map(|s| s.effective_risk.as_str())
            .max_by_key(|r| risk_level(r))
            .unwrap_or("read_only")
    }
}

pub(crate) fn risk_level(r: &str) -> u8 {
    match r {
        "read_only" => 0,
        "reversible" => 1,
        "disruptive" => 2,
        _ => 3,
    }
}

pub(crate) fn outcome_level(o: &str) -> u8 {
    match o {
        "auto" => 0,
        "confirm" => 1,
        "approve" => 2,
        _ => 3,
    }
}

fn risk_name(r: Risk) -> &'static str {
    match r {
        Risk::ReadOnly => "read_only",
        Risk::Reversible => "reversible",
        Risk::Disruptive => "disruptive",
        Risk::Destructive => "destructive",
    }
}

/// The output path of the script of `skill` on `target` (the script backend's layout:
/// `<family-of-target>/remediate/<skill-family>--<skill-id>--<service-id>.sh`).
fn script_path(ir: &Ir, skill: &Skill, target: ServiceId) -> String {
    let svc = ir.service(target);
    format!(
        "{}/remediate/{}--{}--{}.sh",
        ir.family(svc.family).name.value,
        ir.family(skill.family).name.value,
        skill.id.value,
        svc.id.value
    )
}

fn collect(ir: &Ir, skill: &Skill, applied: ServiceId, s: &Step, out: &mut Vec<StepEntry>) {
    match &s.kind {
        StepKind::Action { risk, target, .. } => {
            let t = match target {
                Target::Applied => applied,
                Target::Service(x) => *x,
            };
            let d = policy::decide(ir, skill.family, *risk, t);
            let (outcome, approve) = match (&d.outcome, d.policy) {
                (Some(Outcome::Auto), _) => ("auto", None),
                (Some(Outcome::Confirm), _) => ("confirm", None),
                (Some(Outcome::Approve { count, roles }), Some(p)) => {
                    let pol = ir.policy(p);
                    let mut who: Vec<String> = roles
                        .iter()
                        .filter_map(|&r| pol.roles.get(r))
                        .flat_map(|r| r.members.iter().map(|m| m.value.clone()))
                        .collect();
                    who.sort();
                    who.dedup();
                    (
                        "approve",
                        Some(ApproveEntry {
                            count: *count,
                            approvers: who,
                        }),
                    )
                }
                _ => ("deny", None),
            };
            out.push(StepEntry {
                step: s.id.value.clone(),
                risk: risk_name(d.risk).to_owned(),
                effective_risk: risk_name(d.effective).to_owned(),
                outcome: outcome.to_owned(),
                approve,
            });
        }
        StepKind::Sequence(v) | StepKind::Parallel(v) | StepKind::Loop { steps: v, .. } => {
            for c in v {
                collect(ir, skill, applied, c, out);
            }
        }
    }
}

fn skill_entry(ir: &Ir, id: SkillId) -> SkillEntry {
    let k = ir.skill(id);
    let targets = k
        .targets
        .iter()
        .map(|&t| {
            let mut steps = Vec::new();
            for s in k.diagnose.iter().chain(k.remediate.iter()) {
                collect(ir, k, t, s, &mut steps);
            }
            TargetEntry {
                target: ir.service_name(t),
                script: script_path(ir, k, t),
                runners: policy::runners(ir, id, t),
                steps,
                bound: k
                    .params
                    .iter()
                    .enumerate()
                    .filter(|(i, p)| p.default.is_none() && k.binding(t, *i).is_some())
                    .map(|(_, p)| p.name.value.clone())
                    .collect(),
            }
        })
        .collect();
    SkillEntry {
        skill: ir.skill_name(id),
        family: ir.family(k.family).name.value.clone(),
        id: k.id.value.clone(),
        title: k.title.clone(),
        description: k.description.clone(),
        params: k
            .params
            .iter()
            .filter(|p| p.default.is_none())
            .map(|p| ParamEntry {
                name: p.name.value.clone(),
                ty: p.ty.as_str().to_owned(),
            })
            .collect(),
        targets,
    }
}

/// The tool manifest of a checked IR.
pub fn manifest(ir: &Ir) -> ToolManifest {
    let families = ir
        .families
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let fid = skillc_ir::FamilyId(u32::try_from(i).unwrap_or(u32::MAX));
            let services: Vec<String> = ir
                .service_ids()
                .filter(|&s| ir.service(s).family == fid)
                .map(|s| ir.service_name(s))
                .collect();
            (!services.is_empty()).then(|| FamilyEntry {
                family: f.name.value.clone(),
                description: f.description.clone(),
                doctor: format!("{}/doctor.sh", f.name.value),
                services,
            })
        })
        .collect();
    let skills: Vec<SkillEntry> = ir.skill_ids().map(|k| skill_entry(ir, k)).collect();
    let mut m = ToolManifest {
        generator: "skillc".to_owned(),
        tools_version: TOOLS_VERSION,
        skillc_version: env!("CARGO_PKG_VERSION").to_owned(),
        families,
        skills,
        tools: Vec::new(),
    };
    m.tools = crate::tools::definitions(&m, None)
        .into_iter()
        .map(|t| t.json)
        .collect();
    m
}

/// `agent-tools.json`: [`manifest`] as pretty JSON with a final newline (deterministic).
pub fn manifest_bytes(ir: &Ir) -> Vec<u8> {
    let mut b = serde_json::to_vec(&manifest(ir)).unwrap_or_default();
    b.push(b'\n');
    b
}
