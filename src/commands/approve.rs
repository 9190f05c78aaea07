//! `skillc approve`: on the approver's own machine, sign what a remediation script's plan does
//! with the approver's SSH key (`ssh-keygen -Y sign`), giving a one-line token the script verifies
//! against the public keys of its trust file; or show what an existing token approves.
//! Token format: `crates/skillc-backend-scripts/src/token.rs`.

use crate::cli::ApproveArgs;
use crate::exit;
use skillc_backend_scripts::token::{self, Approval};
use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const MAX_VALIDITY: Duration = Duration::from_secs(24 * 3600);

/// What a plan (`SCRIPT --json` in plan mode) says; shown before signing.
struct Plan {
    approval: Approval,
    params: Vec<(String, String)>,
    facts: Vec<(String, String)>,
    steps: Vec<String>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

fn nonce() -> Result<String, String> {
    let mut b = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| format!("cannot read /dev/urandom for a nonce: {e}"))?;
    Ok(token::hex(&b))
}

/// The largest SSH key file `--key` accepts: an RSA-16384 private key is about 12 KiB.
const MAX_KEY_BYTES: u64 = 64 * 1024;
/// The largest plan `--plan` reads.
const MAX_PLAN_BYTES: u64 = 16 * 1024 * 1024;

/// `--key` must be a regular file of key size: ssh-keygen would read a device such as
/// `/dev/zero` or a FIFO without bound.
fn check_key_file(key: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(key).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("cannot read {}: no such file", key.display()),
        _ => format!("cannot read {}: {e}", key.display()),
    })?;
    if !meta.is_file() {
        return Err(format!(
            "{} is not a regular file: --key takes an SSH key file",
            key.display()
        ));
    }
    if meta.len() > MAX_KEY_BYTES {
        return Err(format!(
            "{} is {} bytes: an SSH key file is at most {MAX_KEY_BYTES} bytes",
            key.display(),
            meta.len()
        ));
    }
    Ok(())
}

/// Reads at most [`MAX_PLAN_BYTES`] of a regular file.
fn read_bounded(path: &Path) -> Result<String, String> {
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(cannot)?;
    if !file.metadata().map_err(cannot)?.is_file() {
        return Err(format!(
            "{} is not a regular file: --plan takes the file a script's `--json` plan was saved to",
            path.display()
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PLAN_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_PLAN_BYTES {
        return Err(format!(
            "{} is larger than {MAX_PLAN_BYTES} bytes: not a plan",
            path.display()
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8, not a plan", path.display()))
}

/// Reads the `--json` output of a script in plan mode.
fn read_plan(path: &Path, approver: &str) -> Result<Plan, String> {
    let text = read_bounded(path)?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not the JSON a remediation script prints with --json: {e}",
            path.display()
        )
    })?;
    let field = |k: &str| {
        v.get(k)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("{}: no string field `{k}`", path.display()))
    };
    if field("mode")? != "plan" {
        return Err(format!(
            "{}: not a plan (run the script without --apply)",
            path.display()
        ));
    }
    let status = field("status")?;
    if status != "planned" {
        return Err(format!(
            "{}: the run ended `{status}` before it planned anything; there is nothing to approve",
            path.display()
        ));
    }
    let members = |k: &str| -> Vec<(String, String)> {
        v.get(k)
            .and_then(serde_json::Value::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, x)| {
                        let shown = match x {
                            serde_json::Value::String(s) => format!("{s:?}"),
                            other => other.to_string(),
                        };
                        (k.clone(), shown)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let steps = v
        .get("steps")
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .map(|s| {
                    let f = |k: &str| s.get(k).and_then(serde_json::Value::as_str).unwrap_or("?");
                    format!(
                        "{:<10} {:<20} {:<8} {} on {} ({})",
                        f("plan"),
                        f("step"),
                        f("run_outcome"),
                        f("action"),
                        f("step_target"),
                        f("effective_risk")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let approval = Approval {
        skill: field("skill")?,
        target: field("target")?,
        plan_hash: field("plan_hash")?,
        expires: 0,
        nonce: String::new(),
        approver: approver.to_owned(),
    };
    Ok(Plan {
        approval,
        params: members("params"),
        facts: members("facts"),
        steps,
    })
}

fn when(unix: u64) -> String {
    let n = now();
    if unix <= n {
        format!("{unix} (Unix time; EXPIRED {} s ago)", n - unix)
    } else {
        format!("{unix} (Unix time; in {} s)", unix - n)
    }
}

/// The statement shown before signing, and by `--show`.
fn describe(a: &Approval, plan: Option<&Plan>) -> String {
    let mut s = format!(
        "  skill     {}\n  target    {}\n  plan hash {}\n  approver  {}\n  expires   {}\n",
        a.skill,
        a.target,
        a.plan_hash,
        a.approver,
        when(a.expires)
    );
    if !a.nonce.is_empty() {
        s.push_str(&format!("  nonce     {}\n", a.nonce));
    }
    if let Some(p) = plan {
        if p.params.is_empty() {
            s.push_str("  run-time values: none\n");
        } else {
            s.push_str("  run-time values:\n");
            for (k, v) in &p.params {
                s.push_str(&format!("    {k} = {v}\n"));
            }
        }
        if !p.facts.is_empty() {
            s.push_str("  facts read at plan time:\n");
            for (k, v) in &p.facts {
                s.push_str(&format!("    {k}: {v}\n"));
            }
        }
        s.push_str("  steps:\n");
        for l in &p.steps {
            s.push_str(&format!("    {l}\n"));
        }
    }
    s
}

/// Signs `msg` with `key` (a private key, or a public key whose private half is in ssh-agent).
fn sign(key: &Path, msg: &str) -> Result<String, String> {
    let mut child = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", token::NAMESPACE, "-f"])
        .arg(key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run ssh-keygen (OpenSSH 8.1 or later is needed): {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(msg.as_bytes())
            .map_err(|e| format!("cannot write to ssh-keygen: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("ssh-keygen: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "ssh-keygen could not sign with {}: {}",
            key.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn show(tok: &str, plan: Option<&Path>) -> Result<(), String> {
    let (a, _) = token::parse_token(tok).map_err(|e| format!("--show: {e}"))?;
    let plan = match plan {
        Some(p) => {
            let p = read_plan(p, &a.approver)?;
            let pa = &p.approval;
            if (&pa.skill, &pa.target, &pa.plan_hash) != (&a.skill, &a.target, &a.plan_hash) {
                return Err(format!(
                    "the token approves {} on {} with plan hash {}, not this plan ({} on {}, {})",
                    a.skill, a.target, a.plan_hash, pa.skill, pa.target, pa.plan_hash
                ));
            }
            Some(p)
        }
        None => None,
    };
    println!(
        "This token approves (signature not checked here: the script checks it against its trust file):\n{}",
        describe(&a, plan.as_ref())
    );
    Ok(())
}

fn approve(args: &ApproveArgs) -> Result<(), String> {
    let Some(approver) = &args.approver else {
        return Err("--approver NAME is needed: your name in the host's trust file".to_owned());
    };
    let Some(key) = &args.key else {
        return Err("--key FILE is needed: your SSH private key, or its public key when the private key is in ssh-agent".to_owned());
    };
    let validity = match skillc_ir::duration::parse_duration(&args.expires_in) {
        Ok(d) if d > Duration::ZERO && d <= MAX_VALIDITY => d,
        Ok(_) => return Err("--expires-in must be more than 0 and at most 24h".to_owned()),
        Err(e) => return Err(format!("--expires-in: {e}")),
    };
    let mut plan = match (&args.plan, &args.skill, &args.target, &args.plan_hash) {
        (Some(p), None, None, None) => Some(read_plan(p, approver)?),
        (None, Some(skill), Some(target), Some(hash)) => Some(Plan {
            approval: Approval {
                skill: skill.clone(),
                target: target.clone(),
                plan_hash: hash.to_lowercase(),
                expires: 0,
                nonce: String::new(),
                approver: approver.clone(),
            },
            params: Vec::new(),
            facts: Vec::new(),
            steps: Vec::new(),
        }),
        _ => {
            return Err(
                "give either --plan FILE (the script's `--json` plan) or all of --skill, --target and --plan-hash"
                    .to_owned(),
            );
        }
    };
    let from_plan = args.plan.is_some();
    let Some(p) = plan.as_mut() else {
        return Err("nothing to approve".to_owned());
    };
    p.approval.expires = now() + validity.as_secs();
    p.approval.nonce = nonce()?;
    p.approval.validate().map_err(|e| {
        if e.contains("plan hash") {
            "--plan-hash is the 64-digit hex hash the script printed in plan mode".to_owned()
        } else if e.contains("skill") || e.contains("target") {
            format!("{e} (--skill and --target are `family/id`)")
        } else {
            e
        }
    })?;
    check_key_file(key)?;
    let shown = describe(&p.approval, from_plan.then_some(&*p));
    eprintln!(
        "skillc: signing this approval with {}:\n{shown}",
        key.display()
    );
    if !from_plan {
        eprintln!(
            "  (the run-time values, facts and steps are covered by the plan hash; sign from --plan to see them)"
        );
    }
    let armored = sign(key, &p.approval.message())?;
    println!("{}", p.approval.token(&armored)?);
    Ok(())
}

pub(crate) fn run(args: &ApproveArgs) -> u8 {
    let r = match &args.show {
        Some(t) => show(t, args.plan.as_deref()),
        None => approve(args),
    };
    match r {
        Ok(()) => exit::OK,
        Err(m) => {
            eprintln!("skillc: error: {m}");
            exit::USAGE
        }
    }
}
