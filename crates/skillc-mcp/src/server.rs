//! The MCP server: tools from the tree's tool manifest, each call run by the tree's own scripts.
//!
//! The server decides nothing the scripts decide. It offers only the skills its user may run
//! (runners) on targets no step of which the policy denies, refuses a call of any other name, and
//! answers a confirmation the scripts would ask on a terminal by asking the person through the
//! client (MCP elicitation, form mode), bound to one plan hash and used once. Approvals are
//! signatures only people make (`skillc approve`); the server passes them to the script, which
//! verifies them.

use crate::model::SkillEntry;
use crate::run::{Ran, run};
use crate::tools::{MAX_APPROVALS, MAX_STRING, ToolDef, Verb, definitions};
use crate::tree::{Tree, sha256_hex};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ElicitRequest, ElicitRequestParams,
    ElicitationAction, Implementation, InputRequest, InputRequests, InputRequiredResult,
    ListToolsResult, PaginatedRequestParams, ProtocolVersion, ServerCapabilities, ServerConfig,
    Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::io::Read as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a person has to answer a confirmation (MRTR state and legacy elicitation alike).
const CONFIRM_TTL: Duration = Duration::from_secs(600);
/// At most this many confirmations wait at once (older ones are dropped).
const MAX_PENDING: usize = 64;
/// The inbox: at most this many files, each at most this long.
const INBOX_FILES: usize = 256;
const INBOX_FILE_BYTES: u64 = 16 * 1024;

/// How the server is started.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A directory people drop signed approval tokens into (one or more per file, one a line).
    pub inbox: Option<PathBuf>,
}

/// A confirmation asked through MRTR, waiting for the client's retry.
#[derive(Debug)]
struct Pending {
    tool: String,
    args: String,
    plan_hash: String,
    client: String,
    asked: Instant,
}

#[derive(Debug)]
pub struct Server {
    tree: Arc<Tree>,
    defs: Vec<ToolDef>,
    tools: Vec<Tool>,
    by_name: HashMap<String, usize>,
    user: Option<String>,
    options: Options,
    pending: Mutex<HashMap<String, Pending>>,
}

/// The user the server runs as, as the scripts see their invoker: the user who called sudo when
/// running as root under sudo, else the real user; a test build may name it
/// (`SKILLC_TEST_INVOKER=USER:UID`), as its scripts do.
pub fn server_user(test_build: bool) -> Option<String> {
    if test_build && let Ok(v) = std::env::var("SKILLC_TEST_INVOKER") {
        return v.split(':').next().map(str::to_owned);
    }
    let id = |flag: &str| {
        std::process::Command::new("/usr/bin/id")
            .arg(flag)
            .env_clear()
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let uid = id("-ru");
    if uid.as_deref() == Some("0")
        && let Ok(u) = std::env::var("SUDO_USER")
        && !u.is_empty()
        && !u.starts_with('-')
        && u.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Some(u);
    }
    id("-run")
}

/// The client's name as the scripts accept it for `--client`: 1-64 of `A-Z a-z 0-9 . _ @ + -`,
/// anything else replaced by `_`.
pub fn client_name(raw: Option<&str>) -> String {
    let mut s: String = raw
        .unwrap_or("")
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '+' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.starts_with('-') {
        s.replace_range(..1, "_");
    }
    if s.is_empty() {
        "unnamed-client".to_owned()
    } else {
        s
    }
}

fn random_hex() -> Result<String, String> {
    let mut b = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| format!("cannot read /dev/urandom: {e}"))?;
    Ok(crate::tree::sha256_hex(&b)[..32].to_owned())
}

/// A canonical text of JSON arguments (keys sorted at every level), to bind a confirmation to one
/// call.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", Value::String((*k).clone()), canonical(&m[*k])))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// A validated call of a skill tool.
#[derive(Debug)]
struct Call {
    target: usize,
    params: Vec<(String, String)>,
    plan_hash: Option<String>,
    approvals: Vec<String>,
}

/// The run-time parameters of a call of `skill` on `skill.targets[target]`, validated: every one
/// the target does not set itself (`bound`) is required and of its type; one it sets, or one the
/// skill does not have, is refused.
fn call_params(
    skill: &SkillEntry,
    target: usize,
    given: Option<&Value>,
) -> Result<Vec<(String, String)>, String> {
    let mut params = Vec::new();
    let given = match given {
        None => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(refused("refused: `params` must be an object")),
    };
    for k in given.keys() {
        if !skill.params.iter().any(|p| &p.name == k) {
            return Err(refused(format!(
                "refused: {} is not a run-time parameter of {}",
                Value::String(k.chars().take(64).collect()),
                skill.skill
            )));
        }
    }
    let bound = &skill.targets[target].bound;
    for p in &skill.params {
        if bound.contains(&p.name) {
            if given.contains_key(&p.name) {
                return Err(refused(format!(
                    "refused: parameter {} is set by {}'s own `params:`; leave it out; nothing was run",
                    p.name, skill.targets[target].target
                )));
            }
            continue;
        }
        let v = match (given.get(&p.name), p.ty.as_str()) {
            (None, _) => {
                return Err(refused(format!(
                    "refused: parameter {} is required",
                    p.name
                )));
            }
            (Some(Value::Number(n)), "int") if n.as_u64().is_some_and(|x| x <= 999_999_999) => {
                n.to_string()
            }
            (Some(Value::String(s)), "int")
                if !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit()) =>
            {
                s.clone()
            }
            (Some(_), "int") => {
                return Err(refused(format!(
                    "refused: parameter {} must be a non-negative integer of at most 9 digits",
                    p.name
                )));
            }
            (Some(Value::String(s)), _) if text_ok(s) => s.clone(),
            (Some(_), _) => {
                return Err(refused(format!(
                    "refused: parameter {} must be a string of at most {MAX_STRING} bytes without NUL",
                    p.name
                )));
            }
        };
        params.push((p.name.clone(), v));
    }
    Ok(params)
}

fn refused(msg: impl Into<String>) -> String {
    msg.into()
}

fn text_ok(s: &str) -> bool {
    s.len() <= MAX_STRING && !s.contains('\0')
}

impl Server {
    pub fn new(tree: Tree, options: Options) -> Result<Server, String> {
        let user = server_user(tree.test_build);
        let defs = definitions(&tree.tools, Some(user.as_deref().unwrap_or("")));
        let mut tools = Vec::with_capacity(defs.len());
        let mut by_name = HashMap::with_capacity(defs.len());
        for (i, d) in defs.iter().enumerate() {
            let t: Tool = serde_json::from_value(d.json.clone())
                .map_err(|e| format!("tool {}: {e}", d.name))?;
            tools.push(t);
            by_name.insert(d.name.clone(), i);
        }
        Ok(Server {
            tree: Arc::new(tree),
            defs,
            tools,
            by_name,
            user,
            options,
            pending: Mutex::new(HashMap::new()),
        })
    }

    /// The tools offered, in `tools/list` order.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    fn parse(&self, def: &ToolDef, args: &Map<String, Value>) -> Result<Call, String> {
        let skill = &self.tree.tools.skills[def.index];
        let allowed: &[&str] = match def.verb {
            Verb::Apply => &["target", "params", "plan_hash", "approvals"],
            _ => &["target", "params"],
        };
        for k in args.keys() {
            if !allowed.contains(&k.as_str()) {
                let why = if matches!(
                    k.to_ascii_lowercase().as_str(),
                    "confirm" | "confirmed" | "yes" | "force" | "approved" | "confirmation"
                ) {
                    ": a confirmation comes from the person, through the client's elicitation, never from an argument"
                } else {
                    ""
                };
                return Err(refused(format!(
                    "refused: unknown argument {}{why}; nothing was run",
                    Value::String(k.chars().take(64).collect())
                )));
            }
        }
        let target = match args.get("target") {
            Some(Value::String(t)) => def
                .targets
                .iter()
                .copied()
                .find(|&n| skill.targets[n].target == *t)
                .ok_or_else(|| {
                    refused(format!(
                        "refused: {} is not a target this tool offers; nothing was run",
                        Value::String(t.chars().take(200).collect())
                    ))
                })?,
            _ => return Err(refused("refused: `target` (a string) is required")),
        };
        let params = call_params(skill, target, args.get("params"))?;
        let plan_hash = match (def.verb, args.get("plan_hash")) {
            (Verb::Apply, Some(Value::String(h)))
                if h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) =>
            {
                Some(h.clone())
            }
            (Verb::Apply, _) => {
                return Err(refused(
                    "refused: `plan_hash` (64 lowercase hex digits, from the plan tool) is required",
                ));
            }
            _ => None,
        };
        let mut approvals = Vec::new();
        match args.get("approvals") {
            None => {}
            Some(Value::Array(a)) if a.len() <= MAX_APPROVALS => {
                for t in a {
                    match t {
                        Value::String(s)
                            if text_ok(s)
                                && s.starts_with("skillc2:")
                                && !s.chars().any(char::is_control) =>
                        {
                            approvals.push(s.clone());
                        }
                        _ => {
                            return Err(refused(
                                "refused: each approval is one `skillc2:` token line as `skillc approve` printed it",
                            ));
                        }
                    }
                }
            }
            Some(_) => {
                return Err(refused(format!(
                    "refused: `approvals` is an array of at most {MAX_APPROVALS} tokens"
                )));
            }
        }
        Ok(Call {
            target,
            params,
            plan_hash,
            approvals,
        })
    }

    /// Tokens for this skill, target and plan from the inbox (unreadable files are skipped).
    fn inbox_tokens(&self, skill: &str, target: &str, plan_hash: &str) -> Vec<String> {
        let Some(dir) = &self.options.inbox else {
            return Vec::new();
        };
        let Ok(rd) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        files.sort();
        let prefix = format!("skillc2:{skill}:{target}:{plan_hash}:");
        let mut out = Vec::new();
        for f in files.into_iter().take(INBOX_FILES) {
            let Ok(m) = std::fs::symlink_metadata(&f) else {
                continue;
            };
            if !m.is_file() || m.len() > INBOX_FILE_BYTES {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            for l in text.lines().map(str::trim) {
                if l.starts_with(&prefix)
                    && text_ok(l)
                    && !l.chars().any(char::is_control)
                    && !out.iter().any(|x| x == l)
                {
                    out.push(l.to_owned());
                }
            }
        }
        out
    }

    fn script_args(call: &Call, client: &str) -> Vec<String> {
        let mut a = vec![
            "--json".to_owned(),
            "--client".to_owned(),
            client.to_owned(),
        ];
        for (k, v) in &call.params {
            a.push("--param".to_owned());
            a.push(format!("{k}={v}"));
        }
        a
    }

    async fn run_script(
        &self,
        script: &str,
        call: &Call,
        client: &str,
        apply: Option<(&[String], Option<&str>)>,
    ) -> Result<Ran, String> {
        let mut a = Self::script_args(call, client);
        if let Some((tokens, confirmed)) = apply {
            a.push("--apply".to_owned());
            for t in tokens {
                a.push("--token".to_owned());
                a.push(t.clone());
            }
            if let Some(h) = confirmed {
                a.push("--confirmed".to_owned());
                a.push(h.to_owned());
            }
        }
        run(&self.tree, script, &a).await
    }

    /// The structured result of a skill tool.
    fn skill_result(
        &self,
        def: &ToolDef,
        call: &Call,
        status: &str,
        ran: Option<&Ran>,
        message: &str,
        error: bool,
    ) -> CallToolResult {
        let skill = &self.tree.tools.skills[def.index];
        let target = &skill.targets[call.target];
        let result = ran.and_then(|r| r.json.clone()).unwrap_or(Value::Null);
        let plan_hash = result
            .get("plan_hash")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut needs_confirm = Vec::new();
        let mut needs_approve = Vec::new();
        let mut approvers: Vec<String> = Vec::new();
        for s in result
            .get("steps")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
        {
            let id = s.get("step").and_then(Value::as_str).unwrap_or("");
            if s.get("plan").and_then(Value::as_str) == Some("skip") {
                continue;
            }
            match s.get("run_outcome").and_then(Value::as_str) {
                Some("confirm") => needs_confirm.push(json!(id)),
                Some("approve") => {
                    let entry = target.steps.iter().find(|x| x.step == id);
                    let (count, who) = match entry.and_then(|e| e.approve.as_ref()) {
                        Some(a) => (a.count, a.approvers.clone()),
                        None => (
                            1,
                            target
                                .steps
                                .iter()
                                .filter_map(|x| x.approve.as_ref())
                                .flat_map(|a| a.approvers.clone())
                                .collect(),
                        ),
                    };
                    for w in &who {
                        if !approvers.contains(w) {
                            approvers.push(w.clone());
                        }
                    }
                    needs_approve.push(json!({"step": id, "count": count, "approvers": who}));
                }
                _ => {}
            }
        }
        approvers.sort();
        let sign: Vec<Value> = match (&plan_hash, needs_approve.is_empty()) {
            (Some(h), false) => approvers
                .iter()
                .map(|a| {
                    json!(format!(
                        "skillc approve --skill {} --target {} --plan-hash {h} --approver {a} --key ~/.ssh/id_ed25519",
                        skill.skill, target.target
                    ))
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut text = message.to_owned();
        if let Some(r) = ran
            && !r.log.trim().is_empty()
        {
            text.push_str("\n--- script output\n");
            text.push_str(r.log.trim_end());
        }
        let body = json!({
            "tool": def.name,
            "skill": skill.skill,
            "target": target.target,
            "status": status,
            "exit": ran.and_then(|r| r.code),
            "plan_hash": plan_hash,
            "message": message,
            "needs": {"confirm": needs_confirm, "approve": needs_approve},
            "sign": sign,
            "result": result,
        });
        let mut r = if error {
            CallToolResult::structured_error(body.clone())
        } else {
            CallToolResult::structured(body.clone())
        };
        // The JSON first (as the spec asks), then what the script said, for the model to read.
        r.content = vec![
            rmcp::model::ContentBlock::text(body.to_string()),
            rmcp::model::ContentBlock::text(text),
        ];
        r
    }

    fn refusal(
        &self,
        def: &ToolDef,
        call: Option<&Call>,
        message: impl AsRef<str>,
    ) -> CallToolResult {
        let message = message.as_ref();
        if let Some(c) = call {
            return self.skill_result(def, c, "refused", None, message, true);
        }
        let body = if def.verb == Verb::Doctor {
            json!({
                "tool": def.name,
                "family": self.tree.tools.families[def.index].family,
                "status": "refused",
                "exit": Value::Null,
                "message": message,
                "result": Value::Null,
            })
        } else {
            json!({
                "tool": def.name,
                "skill": self.tree.tools.skills[def.index].skill,
                "target": Value::Null,
                "status": "refused",
                "exit": Value::Null,
                "plan_hash": Value::Null,
                "message": message,
                "needs": {"confirm": [], "approve": []},
                "sign": [],
                "result": Value::Null,
            })
        };
        CallToolResult::structured_error(body)
    }

    fn status_of(ran: &Ran) -> String {
        ran.json
            .as_ref()
            .and_then(|j| j.get("status"))
            .and_then(Value::as_str)
            .unwrap_or("error")
            .to_owned()
    }

    async fn doctor(&self, def: &ToolDef, client: &str) -> CallToolResult {
        let fam = &self.tree.tools.families[def.index];
        let args = vec![
            "--json".to_owned(),
            "--client".to_owned(),
            client.to_owned(),
        ];
        match run(&self.tree, &fam.doctor, &args).await {
            Err(e) => self.refusal(def, None, e),
            Ok(ran) => {
                let status = match ran.code {
                    Some(0) => "ready",
                    Some(1) => "not_ready",
                    _ => "error",
                };
                let body = json!({
                    "tool": def.name,
                    "family": fam.family,
                    "status": status,
                    "exit": ran.code,
                    "message": match status {
                        "ready" => "every service is ready and no known failure mode is present".to_owned(),
                        "not_ready" => "some service is not ready or a failure mode is present: see result.services".to_owned(),
                        _ => format!("the doctor failed (exit {:?})", ran.code),
                    },
                    "result": ran.json.clone().unwrap_or(Value::Null),
                });
                if status == "error" {
                    CallToolResult::structured_error(body)
                } else {
                    CallToolResult::structured(body)
                }
            }
        }
    }

    async fn read_only(&self, def: &ToolDef, call: &Call, client: &str) -> CallToolResult {
        let script = &self.tree.tools.skills[def.index].targets[call.target].script;
        match self.run_script(script, call, client, None).await {
            Err(e) => self.refusal(def, Some(call), e),
            Ok(ran) => {
                let status = Self::status_of(&ran);
                let (msg, err) = match status.as_str() {
                    "healthy" => ("the failure is not present; nothing to do".to_owned(), false),
                    "planned" if def.verb == Verb::Diagnose => (
                        "the failure is present: see result.steps (diagnose steps ran if the policy lets them run unattended) and the plan tool for what would fix it".to_owned(),
                        false,
                    ),
                    "planned" => (
                        "planned; nothing was changed. Pass plan_hash to the apply tool; `needs` says what the policy asks for".to_owned(),
                        false,
                    ),
                    other => (format!("the script ended `{other}` (exit {:?})", ran.code), true),
                };
                self.skill_result(def, call, &status, Some(&ran), &msg, err)
            }
        }
    }

    /// The confirmation form.
    fn form(&self, def: &ToolDef, call: &Call, plan: &Value, client: &str) -> ElicitRequestParams {
        let skill = &self.tree.tools.skills[def.index];
        let target = &skill.targets[call.target];
        let mut msg = format!(
            "{client} asks to apply {} to {} (plan hash {}).\n",
            skill.skill,
            target.target,
            plan.get("plan_hash").and_then(Value::as_str).unwrap_or("?")
        );
        for s in plan
            .get("steps")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
        {
            let f = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("?");
            msg.push_str(&format!(
                "  {} {} on {} ({}, {})\n",
                f("plan"),
                f("step"),
                f("step_target"),
                f("effective_risk"),
                f("run_outcome")
            ));
        }
        if let Some(p) = plan
            .get("params")
            .filter(|p| p.as_object().is_some_and(|m| !m.is_empty()))
        {
            msg.push_str(&format!("run-time values: {p}\n"));
        }
        if let Some(p) = plan
            .get("facts")
            .filter(|p| p.as_object().is_some_and(|m| !m.is_empty()))
        {
            msg.push_str(&format!("facts read at plan time: {p}\n"));
        }
        msg.push_str("Confirm only if you (a person) want exactly this plan applied.");
        let schema = serde_json::from_value(json!({
            "type": "object",
            "properties": {"confirm": {"type": "boolean", "title": "Apply this plan", "description": "true applies exactly the plan shown", "default": false}},
            "required": ["confirm"]
        }))
        .unwrap_or_else(|_| unreachable!("a fixed, valid form schema"));
        ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: msg,
            requested_schema: schema,
        }
    }

    fn elicited_yes(action: &ElicitationAction, content: Option<&Value>) -> bool {
        matches!(action, ElicitationAction::Accept)
            && content
                .and_then(|c| c.get("confirm"))
                .and_then(Value::as_bool)
                == Some(true)
    }

    async fn apply(
        &self,
        def: &ToolDef,
        call: &Call,
        args: &Value,
        client: &str,
        req: &CallToolRequestParams,
        ctx: &RequestContext<RoleServer>,
    ) -> CallToolResponse {
        let skill = &self.tree.tools.skills[def.index];
        let target = &skill.targets[call.target];
        let script = target.script.as_str();
        let want = call.plan_hash.clone().unwrap_or_default();
        let digest = sha256_hex(format!("{}\n{}", def.name, canonical(args)).as_bytes());

        // A retry after a confirmation asked through MRTR: the state is a server-side handle,
        // used once, for this tool and these arguments only.
        let mut confirmed: Option<String> = None;
        let mut declined = false;
        if let Some(state) = &req.request_state {
            let p = self
                .pending
                .lock()
                .ok()
                .and_then(|mut m| m.remove(state.as_str()));
            let Some(p) = p else {
                return self
                    .refusal(
                        def,
                        Some(call),
                        "refused: this confirmation is unknown, expired or already used (a confirmation works once); call apply again to be asked again",
                    )
                    .into();
            };
            if p.tool != def.name || p.args != digest || p.client != client {
                return self
                    .refusal(
                        def,
                        Some(call),
                        "refused: this confirmation was asked for another call; nothing was run",
                    )
                    .into();
            }
            if p.asked.elapsed() > CONFIRM_TTL {
                return self
                    .refusal(
                        def,
                        Some(call),
                        "refused: the confirmation expired; call apply again",
                    )
                    .into();
            }
            let answer = req.input_responses.as_ref().and_then(|r| r.get("confirm"));
            let yes = answer.is_some_and(|a| {
                let action = serde_json::from_value::<ElicitationAction>(
                    a.get("action").cloned().unwrap_or(Value::Null),
                );
                action.is_ok_and(|x| Self::elicited_yes(&x, a.get("content")))
            });
            if yes && p.plan_hash == want {
                confirmed = Some(p.plan_hash);
            } else {
                declined = true;
            }
        } else if req.input_responses.is_some() {
            return self
                .refusal(
                    def,
                    Some(call),
                    "refused: input responses without the request state they answer",
                )
                .into();
        }

        let plan = match self.run_script(script, call, client, None).await {
            Ok(r) => r,
            Err(e) => return self.refusal(def, Some(call), e).into(),
        };
        let status = Self::status_of(&plan);
        if status == "healthy" {
            return self
                .skill_result(
                    def,
                    call,
                    "healthy",
                    Some(&plan),
                    "the failure is not present; nothing was changed",
                    false,
                )
                .into();
        }
        if status != "planned" {
            return self
                .skill_result(
                    def,
                    call,
                    &status,
                    Some(&plan),
                    &format!("planning ended `{status}`; nothing was changed"),
                    true,
                )
                .into();
        }
        let plan_json = plan.json.clone().unwrap_or(Value::Null);
        let now = plan_json
            .get("plan_hash")
            .and_then(Value::as_str)
            .unwrap_or("");
        if now != want {
            return self
                .skill_result(
                    def,
                    call,
                    "plan_changed",
                    Some(&plan),
                    &format!("refused: the plan is now {now}, not {want} (the target, its values or facts changed); nothing was changed. Review this plan; approvals must be signed for it"),
                    true,
                )
                .into();
        }
        let steps = plan_json
            .get("steps")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let has = |o: &str| {
            steps
                .iter()
                .any(|s| s.get("run_outcome").and_then(Value::as_str) == Some(o))
        };
        let (needs_confirm, needs_approve) = (has("confirm"), has("approve"));
        let mut tokens = call.approvals.clone();
        for t in self.inbox_tokens(&skill.skill, &target.target, &want) {
            if !tokens.contains(&t) {
                tokens.push(t);
            }
        }

        if needs_confirm && confirmed.is_none() {
            // What the script says without a confirmation (nothing changes; it audits the
            // refusal with the client's name): approvals are checked before the confirmation.
            let probe_first = needs_approve || declined;
            if probe_first {
                let probe = match self
                    .run_script(script, call, client, Some((&tokens, None)))
                    .await
                {
                    Ok(r) => r,
                    Err(e) => return self.refusal(def, Some(call), e).into(),
                };
                let s = Self::status_of(&probe);
                if s != "not_confirmed" || declined {
                    let msg = match s.as_str() {
                        "approval_missing" => format!(
                            "refused: approvals are missing for plan {want}; nothing was changed. People sign them on their own machines (see `sign`) and the tokens are passed in `approvals`{}",
                            self.options
                                .inbox
                                .as_ref()
                                .map(|d| format!(" or dropped into {}", d.display()))
                                .unwrap_or_default()
                        ),
                        "not_confirmed" => {
                            "refused: the person did not confirm; nothing was changed".to_owned()
                        }
                        other => format!("the script ended `{other}`; nothing was changed"),
                    };
                    let st = if declined && s == "not_confirmed" {
                        "not_confirmed"
                    } else {
                        s.as_str()
                    };
                    return self
                        .skill_result(def, call, st, Some(&probe), &msg, true)
                        .into();
                }
            }
            let caps = ctx.client_capabilities();
            let form = caps
                .as_ref()
                .and_then(|c| c.elicitation.as_ref())
                .is_some_and(|e| e.form.is_some() || e.url.is_none());
            if !form {
                let probe = match self
                    .run_script(script, call, client, Some((&tokens, None)))
                    .await
                {
                    Ok(r) => r,
                    Err(e) => return self.refusal(def, Some(call), e).into(),
                };
                return self
                    .skill_result(
                        def,
                        call,
                        "confirmation_unavailable",
                        Some(&probe),
                        "refused: step(s) need a person's confirmation and this client offers no elicitation (form mode) to ask one; nothing was changed. Use a client with elicitation, or run the script at a terminal",
                        true,
                    )
                    .into();
            }
            let params = self.form(def, call, &plan_json, client);
            let modern = ctx
                .protocol_version()
                .is_some_and(|v| v.as_str() >= ProtocolVersion::V_2026_07_28.as_str());
            if modern {
                let handle = match random_hex() {
                    Ok(h) => h,
                    Err(e) => return self.refusal(def, Some(call), e).into(),
                };
                if let Ok(mut m) = self.pending.lock() {
                    m.retain(|_, p| p.asked.elapsed() <= CONFIRM_TTL);
                    if m.len() >= MAX_PENDING
                        && let Some(oldest) = m
                            .iter()
                            .min_by_key(|(_, p)| p.asked)
                            .map(|(k, _)| k.clone())
                    {
                        m.remove(&oldest);
                    }
                    m.insert(
                        handle.clone(),
                        Pending {
                            tool: def.name.clone(),
                            args: digest,
                            plan_hash: want.clone(),
                            client: client.to_owned(),
                            asked: Instant::now(),
                        },
                    );
                }
                let mut reqs = InputRequests::new();
                reqs.insert(
                    "confirm".to_owned(),
                    InputRequest::Elicitation(ElicitRequest::new(params)),
                );
                return InputRequiredResult::new(Some(reqs), Some(handle)).into();
            }
            let answer = ctx
                .peer
                .create_elicitation_with_timeout(params, Some(CONFIRM_TTL))
                .await;
            match answer {
                Ok(r) if Self::elicited_yes(&r.action, r.content.as_ref()) => {
                    confirmed = Some(want.clone());
                }
                _ => {
                    let probe = match self
                        .run_script(script, call, client, Some((&tokens, None)))
                        .await
                    {
                        Ok(r) => r,
                        Err(e) => return self.refusal(def, Some(call), e).into(),
                    };
                    return self
                        .skill_result(
                            def,
                            call,
                            "not_confirmed",
                            Some(&probe),
                            "refused: the person did not confirm; nothing was changed",
                            true,
                        )
                        .into();
                }
            }
        }

        let ran = match self
            .run_script(script, call, client, Some((&tokens, confirmed.as_deref())))
            .await
        {
            Ok(r) => r,
            Err(e) => return self.refusal(def, Some(call), e).into(),
        };
        let s = Self::status_of(&ran);
        let (msg, err) = match s.as_str() {
            "fixed" => (
                "fixed: the remediation ran and verify holds".to_owned(),
                false,
            ),
            "healthy" => (
                "the failure is not present; nothing was changed".to_owned(),
                false,
            ),
            "approval_missing" => (
                format!(
                    "refused: approvals are missing or not valid for plan {want}; nothing was changed. People sign them on their own machines (see `sign`)"
                ),
                true,
            ),
            other => (
                format!("the script ended `{other}` (exit {:?})", ran.code),
                true,
            ),
        };
        self.skill_result(def, call, &s, Some(&ran), &msg, err)
            .into()
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let mut info = ServerConfig::new(ServerCapabilities::builder().enable_tools().build());
        info.server_info = serde_json::from_value(json!({
            "name": "skillc",
            "title": "skillc remediation skills",
            "version": env!("CARGO_PKG_VERSION"),
        }))
        .unwrap_or_else(|_| Implementation::from_build_env());
        info.instructions = Some(format!(
            "Remediation skills of {} (user {}). doctor and diagnose/plan tools are read-only. apply needs the plan_hash of a plan; the policy is enforced by the server and the scripts, not by tool annotations: `confirm` steps are confirmed by the person through elicitation, `approve` steps need approvals people sign with `skillc approve`.",
            self.tree.root.display(),
            self.user.as_deref().unwrap_or("?")
        ));
        info
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.tools.clone()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.by_name.get(name).map(|&i| self.tools[i].clone())
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let Some(&i) = self.by_name.get(request.name.as_ref()) else {
            // Denied skills and skills this user may not run are not tools at all.
            return Err(McpError::invalid_params(
                format!(
                    "unknown tool {}: this server offers no such tool (skills the policy denies, and skills its user is not a runner of, are neither listed nor callable)",
                    Value::String(request.name.chars().take(128).collect())
                ),
                None,
            ));
        };
        let def = &self.defs[i];
        let client = client_name(context.client_info().as_ref().map(|c| c.name.as_str()));
        let args = request.arguments.clone().unwrap_or_default();
        if def.verb == Verb::Doctor {
            if !args.is_empty() {
                return Ok(self
                    .refusal(def, None, "refused: the doctor takes no arguments")
                    .into());
            }
            return Ok(self.doctor(def, &client).await.into());
        }
        let call = match self.parse(def, &args) {
            Ok(c) => c,
            Err(e) => return Ok(self.refusal(def, None, e).into()),
        };
        match def.verb {
            Verb::Apply => Ok(self
                .apply(
                    def,
                    &call,
                    &Value::Object(args),
                    &client,
                    &request,
                    &context,
                )
                .await),
            _ => Ok(self.read_only(def, &call, &client).await.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::call_params;
    use crate::model::{ParamEntry, SkillEntry, TargetEntry};
    use serde_json::json;

    fn skill() -> SkillEntry {
        let target = |name: &str, bound: &[&str]| TargetEntry {
            target: name.to_owned(),
            script: format!("{name}.sh"),
            runners: None,
            steps: Vec::new(),
            bound: bound.iter().map(|b| (*b).to_owned()).collect(),
        };
        SkillEntry {
            skill: "launchd-doctor/port-in-use".to_owned(),
            family: "launchd-doctor".to_owned(),
            id: "port-in-use".to_owned(),
            title: "Another process holds the job's TCP port".to_owned(),
            description: None,
            params: vec![ParamEntry {
                name: "port".to_owned(),
                ty: "int".to_owned(),
            }],
            targets: vec![target("lab/web", &["port"]), target("lab/api", &[])],
        }
    }

    /// A target that sets `port` itself refuses one given by the agent, and needs none; another
    /// target still requires it.
    #[test]
    fn a_bound_parameter_is_refused_for_its_target_and_required_for_the_others() {
        let s = skill();
        let given = json!({"port": 1});
        let err = call_params(&s, 0, Some(&given)).expect_err("refused");
        assert!(err.contains("set by lab/web's own `params:`"), "{err}");
        assert_eq!(call_params(&s, 0, None), Ok(Vec::new()));
        assert_eq!(
            call_params(&s, 1, Some(&given)),
            Ok(vec![("port".to_owned(), "1".to_owned())])
        );
        let err = call_params(&s, 1, None).expect_err("required");
        assert!(err.contains("parameter port is required"), "{err}");
    }
}
