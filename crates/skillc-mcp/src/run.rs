//! Running the tree's scripts: a clean environment (the scripts clean their own too), no
//! terminal, `--json` on stdout, and the MCP client's name as `--client`.

use crate::tree::Tree;
use serde_json::Value;
use std::process::Stdio;

/// What a script run gave.
#[derive(Debug)]
pub struct Ran {
    pub code: Option<i32>,
    /// The `--json` document on stdout (None when it printed none).
    pub json: Option<Value>,
    /// The end of its human output (stderr), for the agent to read.
    pub log: String,
}

const LOG_TAIL: usize = 6000;

/// The variables a script keeps from its caller, plus (test builds only) the harness's
/// `SKILLC_*` overrides, which a normal build refuses to run with.
fn environment(test_build: bool) -> Vec<(String, String)> {
    let mut env = vec![(
        "PATH".to_owned(),
        "/usr/bin:/bin:/usr/sbin:/sbin".to_owned(),
    )];
    for (k, v) in std::env::vars() {
        let keep = matches!(k.as_str(), "SUDO_USER" | "SUDO_UID" | "SKILLC_REQUIRE")
            || (test_build && k.starts_with("SKILLC_"));
        if keep {
            env.retain(|(x, _)| x != &k);
            env.push((k, v));
        }
    }
    env
}

/// Runs the tree file `rel` with `args` (after checking its hash).
pub async fn run(tree: &Tree, rel: &str, args: &[String]) -> Result<Ran, String> {
    let path = tree.checked(rel)?;
    let mut cmd = tokio::process::Command::new(&path);
    cmd.args(args)
        .env_clear()
        .envs(environment(tree.test_build))
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let out = cmd
        .output()
        .await
        .map_err(|e| format!("cannot run {}: {e}", path.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .and_then(|l| serde_json::from_str(l).ok())
        .or_else(|| serde_json::from_str(stdout.trim()).ok());
    let err = String::from_utf8_lossy(&out.stderr);
    let log = if err.len() > LOG_TAIL {
        let mut cut = err.len() - LOG_TAIL;
        while !err.is_char_boundary(cut) {
            cut += 1;
        }
        format!("...{}", &err[cut..])
    } else {
        err.into_owned()
    };
    Ok(Ran {
        code: out.status.code(),
        json,
        log,
    })
}
