//! `skillc mcp` driven by a real MCP client we did not write: the official Python SDK (PyPI
//! `mcp`, through `tests/it/mcp_client.py`), over stdio, against a test build of
//! `tests/fixtures/mcp/agentlab.yaml` and the script backend's simulated `launchctl`.
//!
//! The fixture's one skill that matters, `agentlab/reset`, has each policy outcome on one target:
//! `web` auto, `cache` confirm, `vault` approve 2 of ops; `agentlab/wipe` is denied everywhere;
//! `agentlab/inspect` is for ops only (dave, of oncall, may run `reset` only). Each session gets
//! its own simulated host; the sessions run in parallel (the SDK takes seconds to import).

use crate::common::{repo, skillc};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Condvar, Mutex};

const NOTE: &str = "rolled by the agent";
/// A run-time value with every shell metacharacter, quotes, a newline and a command substitution.
/// Every shell metacharacter, as data. (Control characters and newlines are refused by the script
/// itself, exit 65: `crates/skillc-backend-scripts/tests/run_time_values.rs`.)
const HOSTILE: &str = "$(touch /tmp/skillc-mcp-pwned)`touch /tmp/skillc-mcp-pwned`;|&<>'\" \\ * ?";

fn python_mcp() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import mcp, mcp_types, jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("SKILLC_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "the Python MCP SDK (pip install mcp jsonschema) is required (SKILLC_REQUIRE_TOOLS=1)"
        );
        eprintln!(
            "notice: the Python MCP SDK (pip install mcp) is not installed; skipping the MCP client tests"
        );
    }
    ok
}

/// A simulated macOS host for one session: fake launchctl, the services' directories with a
/// broken marker each, state, audit log and the approvers' trust file.
struct Host {
    dir: tempfile::TempDir,
    tree: PathBuf,
    user: &'static str,
}

impl Host {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn env(&self) -> Vec<(String, String)> {
        let p = self.path();
        let s = |x: &Path| x.display().to_string();
        vec![
            ("SKILLC_TEST_PATH".into(), s(&p.join("bin"))),
            ("SKILLC_TEST_SHELL".into(), "/bin/sh".into()),
            (
                "SKILLC_TEST_INVOKER".into(),
                format!("{}:{}", self.user, 501),
            ),
            ("SKILLC_FAKE_LAUNCHD".into(), s(&p.join("launchd"))),
            ("SKILLC_AUDIT_LOG".into(), s(&p.join("audit.jsonl"))),
            ("SKILLC_STATE_DIR".into(), s(&p.join("state"))),
            (
                "SKILLC_ALLOWED_SIGNERS".into(),
                s(&p.join("etc/allowed_signers")),
            ),
        ]
    }

    /// The plan hash of `reset` on `svc` with `note`, from the script itself (plan mode).
    fn plan_hash(&self, svc: &str, note: &str) -> String {
        let script = self
            .tree
            .join(format!("agentlab/remediate/agentlab--reset--{svc}.sh"));
        let out = Command::new(script)
            .args(["--json", "--param", &format!("note={note}")])
            .envs(self.env())
            .stdin(Stdio::null())
            .output()
            .expect("run script");
        let v: Value = serde_json::from_slice(&out.stdout).expect("plan json");
        v["plan_hash"].as_str().expect("plan hash").to_owned()
    }

    fn audit(&self) -> Vec<Value> {
        std::fs::read_to_string(self.path().join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("audit line"))
            .collect()
    }

    /// Runs one client session (see mcp_client.py) in the shared batch and returns its output.
    fn session(&self, batch: &Batch, scenario: Value) -> Value {
        let mut s = scenario;
        s["server"] = json!([
            env!("CARGO_BIN_EXE_skillc"),
            "mcp",
            "--tree",
            self.tree.display().to_string(),
            "--inbox",
            self.path().join("inbox").display().to_string()
        ]);
        s["env"] = Value::Object(
            self.env()
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        );
        batch.run(s)
    }

    fn marker(&self, svc: &str) -> bool {
        self.path().join(format!("root/{svc}/broken")).exists()
    }
}

/// The sessions of one test, run by one Python process at once (the SDK takes seconds to
/// import): each session's thread hands in its scenario and waits for its output.
struct Batch {
    size: usize,
    state: Mutex<(Vec<Value>, Option<Vec<Value>>)>,
    done: Condvar,
}

impl Batch {
    fn new(size: usize) -> Batch {
        Batch {
            size,
            state: Mutex::new((Vec::new(), None)),
            done: Condvar::new(),
        }
    }

    fn run(&self, scenario: Value) -> Value {
        let mut st = self.state.lock().expect("lock");
        let index = st.0.len();
        st.0.push(scenario);
        if st.0.len() == self.size {
            let all = Value::Array(st.0.clone());
            st.1 = Some(run_client(&all));
            self.done.notify_all();
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
        while st.1.is_none() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            assert!(
                !left.is_zero(),
                "another session never handed in its scenario"
            );
            st = self.done.wait_timeout(st, left).expect("lock").0;
        }
        st.1.as_ref().expect("results")[index].clone()
    }
}

fn run_client(scenarios: &Value) -> Vec<Value> {
    let mut child = Command::new("python3")
        .arg(repo().join("tests/it/mcp_client.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(scenarios.to_string().as_bytes())
            .expect("scenario");
    }
    let out = child.wait_with_output().expect("client");
    if let Ok(d) = std::env::var("SKILLC_MCP_DEBUG") {
        let _ = std::fs::write(format!("{d}/sessions.json"), &out.stdout);
    }
    assert!(
        out.status.success(),
        "client failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "client output: {e}\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// An approver's own key pair, off the host.
struct Signer {
    name: &'static str,
    key: PathBuf,
    _dir: tempfile::TempDir,
}

impl Signer {
    fn new(name: &'static str) -> Signer {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("id_ed25519");
        let o = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&key)
            .output()
            .expect("ssh-keygen");
        assert!(o.status.success());
        Signer {
            name,
            key,
            _dir: dir,
        }
    }

    fn trust_line(&self) -> String {
        let public = std::fs::read_to_string(self.key.with_extension("pub")).expect("pub");
        format!(
            "{} namespaces=\"skillc-approval\" {}\n",
            self.name,
            public.trim()
        )
    }

    /// Signs with the real `skillc approve`, as a person does on their own machine.
    fn approve(&self, target: &str, hash: &str) -> String {
        let key = self.key.display().to_string();
        let r = skillc(
            &[
                "approve",
                "--key",
                &key,
                "--approver",
                self.name,
                "--skill",
                "agentlab/reset",
                "--target",
                target,
                "--plan-hash",
                hash,
            ],
            &repo(),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
            .lines()
            .find(|l| l.starts_with("skillc2:"))
            .expect("token")
            .to_owned()
    }
}

/// Builds the fixture (a test build) whose services live under `root`.
fn build(dir: &Path, root: &Path) -> PathBuf {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/mcp/agentlab.yaml"))
        .expect("fixture")
        .replace("/ROOT", &root.display().to_string());
    let fam = dir.join("src/agentlab");
    std::fs::create_dir_all(&fam).expect("mkdir");
    std::fs::write(fam.join("family.yaml"), text).expect("write");
    let out = dir.join("tree");
    let fam_s = fam.display().to_string();
    let out_s = out.display().to_string();
    let r = skillc(&["build", &fam_s, "--out", &out_s, "--test-build"], dir);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    out
}

fn structured(step: &Value) -> &Value {
    &step["result"]["structuredContent"]
}

fn call(name: &str, args: Value) -> Value {
    let mut v = json!({"op": "call", "name": name});
    v["args"] = args;
    v
}

/// One host per session, with its own build of the fixture (the services' paths are the
/// host's): fake launchctl, each service's directory with a broken marker, state, audit log and
/// the approvers' trust file.
fn host(user: &'static str) -> Host {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let root = p.join("root");
    for svc in ["web", "cache", "vault"] {
        std::fs::create_dir_all(root.join(svc)).expect("mkdir");
        std::fs::write(root.join(svc).join("broken"), "").expect("marker");
    }
    for d in ["bin", "launchd", "etc", "inbox"] {
        std::fs::create_dir_all(p.join(d)).expect("mkdir");
    }
    std::os::unix::fs::symlink(
        repo().join("crates/skillc-backend-scripts/tests/harness/launchctl"),
        p.join("bin/launchctl"),
    )
    .expect("symlink");
    let tree = build(p, &root);
    Host { dir, tree, user }
}

fn assert_client_audited(h: &Host, before: usize, client: &str) {
    let lines = h.audit();
    assert!(lines.len() > before, "the session wrote no audit line");
    for l in &lines[before..] {
        assert_eq!(
            l["invoker"]["client"], client,
            "an audit line without the MCP client: {l}"
        );
        assert_eq!(l["invoker"]["user"], h.user, "{l}");
    }
    // And every line is valid against the audit schema.
    let schema = repo().join("schemas/audit.schema.json");
    let o = Command::new("python3")
        .arg("-c")
        .arg(
            "import json, sys, jsonschema\n\
             v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))\n\
             bad = [e.message for l in open(sys.argv[2]) for e in v.iter_errors(json.loads(l))]\n\
             print(bad); sys.exit(1 if bad else 0)\n",
        )
        .arg(schema)
        .arg(h.path().join("audit.jsonl"))
        .output()
        .expect("python3");
    assert!(
        o.status.success(),
        "audit log invalid: {}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// The person's side of the legacy (initialize) era: list, read-only calls, plan, an auto
/// apply, an elicitation accepted, a denied skill by name, each missing approval, a model-set
/// "confirmed", an approval for another plan, and valid signed approvals.
fn legacy_session(batch: &Batch, alice: &Signer, bob: &Signer) {
    let h = host("alice");
    std::fs::write(
        h.path().join("etc/allowed_signers"),
        format!("{}{}", alice.trust_line(), bob.trust_line()),
    )
    .expect("trust");
    let web = h.plan_hash("web", NOTE);
    let cache = h.plan_hash("cache", NOTE);
    let vault = h.plan_hash("vault", NOTE);
    let other = h.plan_hash("vault", "another note");
    assert_ne!(vault, other);
    let a_vault = alice.approve("agentlab/vault", &vault);
    let b_vault = bob.approve("agentlab/vault", &vault);
    let a_other = alice.approve("agentlab/vault", &other);
    let before = h.audit().len();
    let note = json!({"note": NOTE});
    let out = h.session(batch, json!({
        "mode": "legacy",
        "elicitation": "accept",
        "client_name": "pytest-agent",
        "steps": [
            {"op": "list"},
            call("agentlab.reset.diagnose", json!({"target": "agentlab/web", "params": note})),
            call("agentlab.reset.plan", json!({"target": "agentlab/vault", "params": note})),
            call("agentlab.reset.apply", json!({"target": "agentlab/web", "params": note, "plan_hash": web})),
            call("agentlab.reset.apply", json!({"target": "agentlab/cache", "params": note, "plan_hash": cache})),
            call("agentlab.wipe.apply", json!({"target": "agentlab/web", "plan_hash": web})),
            call("agentlab.wipe.plan", json!({"target": "agentlab/web"})),
            call("agentlab.reset.apply", json!({"target": "agentlab/vault", "params": note, "plan_hash": vault})),
            call("agentlab.reset.apply", json!({"target": "agentlab/vault", "params": note, "plan_hash": vault, "approvals": [a_vault]})),
            call("agentlab.reset.apply", json!({"target": "agentlab/vault", "params": note, "plan_hash": vault, "approvals": [a_other, b_vault]})),
            call("agentlab.reset.apply", json!({"target": "agentlab/vault", "params": note, "plan_hash": vault, "confirmed": true, "approvals": []})),
            call("agentlab.reset.apply", json!({"target": "agentlab/vault", "params": note, "plan_hash": vault, "approvals": [a_vault, b_vault]})),
        ]
    }));
    assert_eq!(out["protocol"], "2025-11-25", "the initialize-based era");
    let steps = out["steps"].as_array().expect("steps");

    // tools/list: deterministic, sorted, valid names and schemas; the denied skill is absent.
    let tools = steps[0]["tools"].as_array().expect("tools");

    assert_eq!(steps[0]["schema_errors"], json!([]));
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "agentlab.doctor",
            "agentlab.inspect.apply",
            "agentlab.inspect.diagnose",
            "agentlab.inspect.plan",
            "agentlab.reset.apply",
            "agentlab.reset.diagnose",
            "agentlab.reset.plan"
        ]
    );
    for t in tools {
        let n = t["name"].as_str().expect("name");
        assert!(skillc_mcp::tools::valid_name(n), "{n}");
        assert_eq!(t["annotations"]["openWorldHint"], false, "{n}");
        let read_only = n.rsplit('.').next() != Some("apply");
        assert_eq!(t["annotations"]["readOnlyHint"], read_only, "{n}");
    }
    let apply = &tools[4];
    assert_eq!(apply["annotations"]["destructiveHint"], true);
    assert_eq!(
        apply["inputSchema"]["properties"]["target"]["enum"],
        json!(["agentlab/web", "agentlab/cache", "agentlab/vault"])
    );
    assert!(
        apply["inputSchema"]["properties"]
            .get("confirmed")
            .is_none(),
        "no argument may stand for a confirmation"
    );
    assert_eq!(apply["inputSchema"]["additionalProperties"], false);

    // diagnose is read-only and reports the failure.
    let diag = structured(&steps[1]);
    assert_eq!(diag["result"]["detected"], true, "{diag}");
    assert_eq!(diag["result"]["mode"], "plan");

    // The plan: steps with risk and policy, values, plan hash, what to sign.
    let plan = structured(&steps[2]);
    assert_eq!(plan["status"], "planned", "{plan}");
    assert_eq!(plan["plan_hash"], vault.as_str());
    assert_eq!(plan["result"]["params"]["note"], NOTE);
    let reset = plan["result"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["step"] == "reset")
        .expect("reset step");
    assert_eq!(reset["effective_risk"], "disruptive");
    assert_eq!(reset["run_outcome"], "approve");
    assert_eq!(
        plan["needs"]["approve"],
        json!([{"step": "reset", "count": 2, "approvers": ["alice", "bob", "carol"]}])
    );
    assert!(
        plan["sign"][0]
            .as_str()
            .expect("sign")
            .starts_with(&format!(
                "skillc approve --skill agentlab/reset --target agentlab/vault --plan-hash {vault} --approver alice"
            )),
        "{plan}"
    );

    // auto: it ran.
    assert_eq!(structured(&steps[3])["status"], "fixed", "{}", steps[3]);
    assert!(!h.marker("web"));
    assert_eq!(
        std::fs::read_to_string(h.path().join("root/web/done")).expect("done"),
        NOTE
    );
    // confirm: the person accepted through elicitation, shown the plan hash.
    assert_eq!(structured(&steps[4])["status"], "fixed", "{}", steps[4]);
    assert!(!h.marker("cache"));
    let asked = out["elicitations"].as_array().expect("elicitations");
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(asked[0].as_str().expect("msg").contains(&cache));

    // The denied skill: neither listed nor callable by name (a protocol error, nothing ran).
    for s in &steps[5..=6] {
        assert_eq!(s["error"]["code"], -32602, "{s}");
        assert!(
            s["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("unknown tool")),
            "{s}"
        );
    }
    assert!(h.path().join("root/web").exists(), "wipe ran");
    assert!(
        !h.audit()
            .iter()
            .any(|l| l["skill"] == "agentlab/wipe" && l["mode"] == "apply"),
        "the denied skill was applied"
    );

    // approve: none, one of two, one for another plan: refused, nothing changed.
    for s in &steps[7..=9] {
        let r = structured(s);
        assert_eq!(r["status"], "approval_missing", "{r}");
        assert_eq!(s["result"]["isError"], true);
        assert_eq!(r["exit"], 77, "the script refused, nothing changed: {r}");
    }
    // A model-supplied "confirmed" is an unknown argument: refused before anything runs.
    let r = structured(&steps[10]);
    assert_eq!(r["status"], "refused", "{r}");
    assert!(
        r["message"]
            .as_str()
            .is_some_and(|m| m.contains("never from an argument")),
        "{r}"
    );
    // Two valid signed approvals: it ran.
    let r = structured(&steps[11]);
    assert_eq!(r["status"], "fixed", "{r}");
    assert!(!h.marker("vault"));

    // The script audited the refusals and the runs, each line naming the MCP client.
    let lines = h.audit();
    let refused_tokens: Vec<&Value> = lines[before..]
        .iter()
        .filter(|l| l["event"] == "approval" && l["status"] == "wrong_plan")
        .collect();
    assert_eq!(refused_tokens.len(), 1, "the token for another plan");
    assert!(
        lines[before..].iter().any(|l| l["event"] == "approval"
            && l["status"] == "confirmed"
            && l["via"] == "caller")
    );
    assert_client_audited(&h, before, "pytest-agent");
}

/// The legacy era, a person who declines, and hostile strings in every argument.
fn declining_session(batch: &Batch) {
    let h = host("alice");
    let hostile_hash = h.plan_hash("web", HOSTILE);
    let cache = h.plan_hash("cache", NOTE);
    let before = h.audit().len();
    let long = "x".repeat(5000);
    let out = h.session(batch, json!({
        "mode": "legacy",
        "elicitation": "decline",
        "client_name": "evil\nclient; rm -rf / $(id)",
        "steps": [
            call("agentlab.reset.apply", json!({"target": "agentlab/cache", "params": {"note": NOTE}, "plan_hash": cache})),
            call("agentlab.reset.plan", json!({"target": "agentlab/web; touch /tmp/skillc-mcp-pwned", "params": {"note": NOTE}})),
            call("agentlab.reset.plan", json!({"target": "../../etc/passwd", "params": {"note": NOTE}})),
            call("agentlab.reset.plan", json!({"target": ["agentlab/web"], "params": {"note": NOTE}})),
            call("agentlab.reset.plan", json!({"target": "agentlab/web", "params": {"note": long}})),
            call("agentlab.reset.plan", json!({"target": "agentlab/web", "params": {"note": "a\u{0}b"}})),
            call("agentlab.reset.plan", json!({"target": "agentlab/web", "params": {"note": NOTE, "marker": "/etc/passwd"}})),
            call("agentlab.reset.plan", json!({"target": "agentlab/web", "params": {"note; rm -rf /": NOTE}})),
            call("agentlab.reset.apply", json!({"target": "agentlab/web", "params": {"note": NOTE}, "plan_hash": "../../../../etc/passwd"})),
            call("agentlab.reset.apply", json!({"target": "agentlab/web", "params": {"note": NOTE}, "plan_hash": hostile_hash, "approvals": ["skillc2:a\nb"]})),
            call("agentlab.reset.apply", json!({"target": "agentlab/web", "params": {"note": NOTE}, "plan_hash": hostile_hash, "approvals": [long]})),
            call("agentlab.reset.apply\u{0}", json!({"target": "agentlab/web"})),
            call("../agentlab.reset.apply", json!({"target": "agentlab/web"})),
            call("agentlab.doctor", json!({"target": "agentlab/web"})),
            call("agentlab.reset.plan", json!({"target": "agentlab/web", "params": {"note": HOSTILE}})),
            call("agentlab.reset.apply", json!({"target": "agentlab/web", "params": {"note": HOSTILE}, "plan_hash": hostile_hash})),
        ]
    }));
    let steps = out["steps"].as_array().expect("steps");
    // Declined: nothing changed; the script audited the refusal.
    let r = structured(&steps[0]);
    assert_eq!(r["status"], "not_confirmed", "{r}");
    assert!(h.marker("cache"));
    assert_eq!(out["elicitations"].as_array().map(Vec::len), Some(1));
    // Every hostile argument is refused before a script runs, with skillc's own message.
    for (i, s) in steps.iter().enumerate().take(14).skip(1) {
        if i == 11 || i == 12 {
            assert_eq!(s["error"]["code"], -32602, "step {i}: {s}");
            continue;
        }
        let r = structured(s);
        assert_eq!(r["status"], "refused", "step {i}: {r}");
        assert_eq!(s["result"]["isError"], true, "step {i}");
        assert!(r["exit"].is_null(), "step {i}: a script ran: {r}");
    }
    // A hostile run-time value is data: planned verbatim, hashed, applied verbatim.
    let r = structured(&steps[14]);
    assert_eq!(r["status"], "planned", "{r}");
    assert_eq!(r["result"]["params"]["note"], HOSTILE);
    assert_eq!(r["plan_hash"], hostile_hash.as_str());
    assert_eq!(structured(&steps[15])["status"], "fixed", "{}", steps[15]);
    assert_eq!(
        std::fs::read_to_string(h.path().join("root/web/done")).expect("done"),
        HOSTILE
    );
    assert!(!Path::new("/tmp/skillc-mcp-pwned").exists());
    // The hostile client name reached the audit only as safe characters.
    assert!(
        h.audit()[before..]
            .iter()
            .any(|l| l["event"] == "approval" && l["status"] == "not_confirmed")
    );
    assert_client_audited(&h, before, "evil_client__rm_-rf_____id_");
}

/// A server run by dave (oncall: `reset` only) and a client without elicitation.
fn runner_session(batch: &Batch) {
    let h = host("dave");
    let cache = h.plan_hash("cache", NOTE);
    let before = h.audit().len();
    let out = h.session(batch, json!({
        "mode": "legacy",
        "elicitation": null,
        "client_name": "no-elicitation",
        "steps": [
            {"op": "list"},
            {"op": "list"},
            call("agentlab.doctor", json!({})),
            call("agentlab.inspect.plan", json!({"target": "agentlab/web"})),
            call("agentlab.reset.apply", json!({"target": "agentlab/cache", "params": {"note": NOTE}, "plan_hash": cache})),
        ]
    }));
    let steps = out["steps"].as_array().expect("steps");
    let names: Vec<&str> = steps[0]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "agentlab.doctor",
            "agentlab.reset.apply",
            "agentlab.reset.diagnose",
            "agentlab.reset.plan"
        ]
    );
    assert_eq!(steps[0]["tools"], steps[1]["tools"], "two listings differ");
    // The doctor is read-only and reports the failure (every service has its marker).
    let doc = structured(&steps[2]);
    assert_eq!(doc["status"], "not_ready", "{doc}");
    assert_eq!(steps[2]["result"]["isError"], false);
    assert!(
        doc["result"]["services"]
            .as_array()
            .is_some_and(|s| s.len() == 3),
        "{doc}"
    );
    assert_eq!(steps[3]["error"]["code"], -32602, "{}", steps[3]);
    let r = structured(&steps[4]);
    assert_eq!(r["status"], "confirmation_unavailable", "{r}");
    assert_eq!(
        r["result"]["status"], "not_confirmed",
        "the script refused too"
    );
    assert!(h.marker("cache"));
    assert_client_audited(&h, before, "no-elicitation");
}

/// The current (2026-07-28, stateless) era: confirmation through MRTR input requests, declined,
/// accepted, replayed, and forged.
fn modern_session(batch: &Batch) {
    let h = host("alice");
    let cache = h.plan_hash("cache", NOTE);
    let before = h.audit().len();
    let args = json!({"target": "agentlab/cache", "params": {"note": NOTE}, "plan_hash": cache});
    let out = h.session(batch, json!({
        "mode": "2026-07-28",
        "elicitation": "accept",
        "client_name": "modern-agent",
        "steps": [
            {"op": "list"},
            {"op": "forge", "name": "agentlab.reset.apply", "args": args, "state": "00112233445566778899aabbccddeeff"},
            {"op": "mrtr", "name": "agentlab.reset.apply", "args": args, "answer": "decline"},
            {"op": "mrtr", "name": "agentlab.reset.apply", "args": args, "answer": "accept", "replay": true},
        ]
    }));
    assert_eq!(out["protocol"], "2026-07-28");
    let steps = out["steps"].as_array().expect("steps");
    assert_eq!(steps[0]["schema_errors"], json!([]));
    assert_eq!(steps[0]["tools"].as_array().map(Vec::len), Some(7));
    let forged = structured(&steps[1]);
    assert_eq!(forged["status"], "refused", "{forged}");
    let declined = &steps[2]["rounds"];
    assert_eq!(declined[0]["input_required"], json!(["confirm"]));
    assert_eq!(
        declined[1]["result"]["structuredContent"]["status"],
        "not_confirmed"
    );
    assert_eq!(declined[1]["result"]["structuredContent"]["exit"], 77);
    let accepted = &steps[3]["rounds"];
    assert_eq!(
        accepted[1]["result"]["structuredContent"]["status"], "fixed",
        "{accepted}"
    );
    assert!(!h.marker("cache"));
    // The same answer and state again: a confirmation works once.
    let replay = &accepted[2]["result"]["structuredContent"];
    assert_eq!(replay["status"], "refused", "{replay}");
    assert!(
        replay["message"]
            .as_str()
            .is_some_and(|m| m.contains("works once"))
    );
    assert!(out["elicitations"].as_array().is_some_and(|e| {
        e.iter()
            .all(|m| m.as_str().is_some_and(|m| m.contains(&cache)))
    }));
    assert_client_audited(&h, before, "modern-agent");
}

#[test]
fn a_real_mcp_client_gets_the_policy_a_person_obeys() {
    if !python_mcp() {
        return;
    }
    if Command::new("ssh-keygen").arg("-?").output().is_err() {
        assert!(
            std::env::var("SKILLC_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "ssh-keygen is required (SKILLC_REQUIRE_TOOLS=1)"
        );
        eprintln!("notice: ssh-keygen not available; skipping the MCP client tests");
        return;
    }
    let alice = Signer::new("alice");
    let bob = Signer::new("bob");
    let batch = Batch::new(4);
    std::thread::scope(|s| {
        let batch = &batch;
        let (alice, bob) = (&alice, &bob);
        let a = s.spawn(move || legacy_session(batch, alice, bob));
        let b = s.spawn(move || declining_session(batch));
        let c = s.spawn(move || runner_session(batch));
        let d = s.spawn(move || modern_session(batch));
        for (name, h) in [
            ("legacy", a),
            ("declining", b),
            ("runners", c),
            ("modern", d),
        ] {
            if let Err(e) = h.join() {
                std::panic::resume_unwind(Box::new(format!("{name} session: {e:?}")));
            }
        }
    });
}
