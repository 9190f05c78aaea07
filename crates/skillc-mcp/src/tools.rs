//! MCP tool definitions derived from the tool manifest: one doctor per family with services, and
//! per skill `diagnose`, `plan` and `apply`. Names are `<family>.doctor` and
//! `<skill-family>.<skill-id>.<verb>` (skill language ids are `[a-z0-9-]`, so every name is within
//! MCP's `[A-Za-z0-9_.-]{1,128}`), sorted by name. Annotations are hints for the client, never the
//! gate: the server and the scripts enforce the policy whatever a client does with them.

use crate::model::{SkillEntry, TargetEntry, ToolManifest, outcome_level, risk_level};
use serde_json::{Value, json};

/// What a tool does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Doctor,
    Diagnose,
    Plan,
    Apply,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Doctor => "doctor",
            Verb::Diagnose => "diagnose",
            Verb::Plan => "plan",
            Verb::Apply => "apply",
        }
    }
}

/// One offered tool.
#[derive(Debug, Clone)]
pub struct ToolDef {
    pub name: String,
    pub verb: Verb,
    /// Index into the manifest's families (doctor) or skills.
    pub index: usize,
    /// The targets this tool may act on (skills), in manifest order.
    pub targets: Vec<usize>,
    /// The MCP `Tool` object.
    pub json: Value,
}

/// Whether `name` is a valid MCP tool name (`[A-Za-z0-9_.-]`, 1–128 characters).
pub fn valid_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// The largest integer a run-time `int` parameter takes (the scripts accept up to 9 digits).
const INT_MAX: u64 = 999_999_999;
/// The longest string an argument may hold.
pub const MAX_STRING: usize = 4096;
/// At most this many approval tokens per call.
pub const MAX_APPROVALS: usize = 16;

fn param_schema(ty: &str) -> Value {
    match ty {
        "int" => {
            json!({"type": "integer", "minimum": 0, "maximum": INT_MAX, "description": "int parameter"})
        }
        other => {
            json!({"type": "string", "maxLength": MAX_STRING, "description": format!("{other} parameter")})
        }
    }
}

fn input_schema(skill: &SkillEntry, targets: &[&TargetEntry], verb: Verb) -> Value {
    let names: Vec<&str> = targets.iter().map(|t| t.target.as_str()).collect();
    let mut props = serde_json::Map::new();
    let mut required = vec![json!("target")];
    props.insert(
        "target".into(),
        json!({"type": "string", "enum": names, "description": "the service (family/service) to act on"}),
    );
    if !skill.params.is_empty() {
        let mut p = serde_json::Map::new();
        for x in &skill.params {
            p.insert(x.name.clone(), param_schema(&x.ty));
        }
        // A parameter some target sets itself (`bound`) is required only for the others; the
        // server says which.
        let req: Vec<&str> = skill
            .params
            .iter()
            .map(|x| x.name.as_str())
            .filter(|n| !targets.iter().any(|t| t.bound.iter().any(|b| b == n)))
            .collect();
        let mut schema = json!({"type": "object", "additionalProperties": false, "properties": p,
               "description": "the skill's run-time parameters (part of the plan hash); a target that sets one itself refuses it"});
        if !req.is_empty() {
            schema["required"] = json!(req);
            required.push(json!("params"));
        }
        props.insert("params".into(), schema);
    }
    if verb == Verb::Apply {
        props.insert(
            "plan_hash".into(),
            json!({"type": "string", "pattern": "^[0-9a-f]{64}$",
                   "description": "the plan_hash the plan tool returned for the same target and params; the apply is refused when the plan changed since"}),
        );
        props.insert(
            "approvals".into(),
            json!({"type": "array", "maxItems": MAX_APPROVALS,
                   "items": {"type": "string", "pattern": "^skillc2:[^\\n]*$", "maxLength": MAX_STRING},
                   "description": "approval tokens people signed with `skillc approve` for this plan hash (an agent cannot make one)"}),
        );
        required.push(json!("plan_hash"));
    }
    json!({"type": "object", "additionalProperties": false, "required": required, "properties": props})
}

/// The `structuredContent` of every skill tool (kept small: it is repeated in every tool of a
/// `tools/list`); `result` is the script's own `--json` document (docs/exit-codes.md).
fn skill_output_schema() -> Value {
    json!({
        "type": "object",
        "required": ["tool", "skill", "target", "status", "message"],
        "properties": {
            "tool": {"type": "string"},
            "skill": {"type": "string"},
            "target": {"type": ["string", "null"]},
            "status": {"type": "string"},
            "exit": {"type": ["integer", "null"]},
            "plan_hash": {"type": ["string", "null"]},
            "message": {"type": "string"},
            "needs": {"type": "object"},
            "sign": {"type": "array", "items": {"type": "string"}},
            "result": {"type": ["object", "null"]}
        }
    })
}

fn doctor_output_schema() -> Value {
    json!({
        "type": "object",
        "required": ["tool", "family", "status", "message"],
        "properties": {
            "tool": {"type": "string"},
            "family": {"type": "string"},
            "status": {"enum": ["ready", "not_ready", "error", "refused"]},
            "exit": {"type": ["integer", "null"]},
            "message": {"type": "string"},
            "result": {"type": ["object", "null"]}
        }
    })
}

fn annotations(verb: Verb, max_risk: &str) -> Value {
    match verb {
        Verb::Apply => json!({
            "readOnlyHint": false,
            "destructiveHint": risk_level(max_risk) >= 2,
            "idempotentHint": true,
            "openWorldHint": false
        }),
        _ => json!({
            "readOnlyHint": true,
            "destructiveHint": false,
            "idempotentHint": true,
            "openWorldHint": false
        }),
    }
}

fn skill_tools(m: &ToolManifest, i: usize, user: Option<&str>, out: &mut Vec<ToolDef>) {
    let skill = &m.skills[i];
    let offered: Vec<usize> = skill
        .targets
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.denied() && t.runnable_by(user))
        .map(|(n, _)| n)
        .collect();
    if offered.is_empty() {
        return;
    }
    let targets: Vec<&TargetEntry> = offered.iter().map(|&n| &skill.targets[n]).collect();
    let max_risk = targets
        .iter()
        .map(|t| t.max_risk())
        .max_by_key(|r| risk_level(r))
        .unwrap_or("read_only");
    let max_outcome = targets
        .iter()
        .flat_map(|t| t.steps.iter().map(|s| s.outcome.as_str()))
        .max_by_key(|o| outcome_level(o))
        .unwrap_or("auto");
    let about = skill.description.as_deref().unwrap_or(&skill.title);
    for verb in [Verb::Diagnose, Verb::Plan, Verb::Apply] {
        let name = format!("{}.{}.{}", skill.family, skill.id, verb.as_str());
        if !valid_name(&name) {
            continue;
        }
        let (title, description) = match verb {
            Verb::Diagnose => (
                format!("Diagnose: {}", skill.title),
                format!(
                    "Read-only. Detects whether this failure is present on a target and runs the diagnose steps the policy lets run unattended. {about}"
                ),
            ),
            Verb::Plan => (
                format!("Plan: {}", skill.title),
                format!(
                    "Read-only. Returns the remediation plan for a target: every step with its risk and policy outcome, the run-time values and facts it acts on, and the plan_hash that apply needs. {about}"
                ),
            ),
            _ => (
                format!("Apply: {}", skill.title),
                format!(
                    "Changes the target (strictest step: {max_risk}, policy up to {max_outcome}). Takes the plan_hash from {}.{}.plan. Steps the policy marks `confirm` are confirmed by the person through the client; `approve` steps need approvals people sign with `skillc approve` (the result says what to sign). {about}",
                    skill.family, skill.id
                ),
            ),
        };
        let output = skill_output_schema();
        let json = json!({
            "name": name,
            "title": title,
            "description": description,
            "inputSchema": input_schema(skill, &targets, verb),
            "outputSchema": output,
            "annotations": annotations(verb, if verb == Verb::Apply { max_risk } else { "read_only" }),
            "_meta": {
                "skillc/skill": skill.skill,
                "skillc/verb": verb.as_str(),
                "skillc/max_risk": max_risk,
                "skillc/max_outcome": max_outcome
            }
        });
        out.push(ToolDef {
            name,
            verb,
            index: i,
            targets: offered.clone(),
            json,
        });
    }
}

/// Every tool offered to `user` (`None`: runners are not applied, as in the exported manifest),
/// sorted by name. Targets with a denied step are never offered; skills left without a target
/// have no tools.
pub fn definitions(m: &ToolManifest, user: Option<&str>) -> Vec<ToolDef> {
    let mut out = Vec::new();
    for (i, f) in m.families.iter().enumerate() {
        let name = format!("{}.doctor", f.family);
        if !valid_name(&name) {
            continue;
        }
        let title = format!("Doctor: {}", f.family);
        out.push(ToolDef {
            json: json!({
                "name": name,
                "title": title,
                "description": format!("Read-only. The status of every service of {} in start order: ready or not, and the known failure modes present, with each matching skill's plan. {}", f.family, f.description),
                "inputSchema": {"type": "object", "additionalProperties": false, "properties": {}},
                "outputSchema": doctor_output_schema(),
                "annotations": annotations(Verb::Doctor, "read_only"),
                "_meta": {"skillc/verb": "doctor", "skillc/max_risk": "read_only", "skillc/max_outcome": "auto"}
            }),
            name,
            verb: Verb::Doctor,
            index: i,
            targets: Vec::new(),
        });
    }
    for i in 0..m.skills.len() {
        skill_tools(m, i, user, &mut out);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
