//! Helpers shared by the script backend's integration tests.

#![allow(dead_code, unreachable_pub)]

use skillc_analysis::CheckedIr;
use skillc_backend_support::OutputFile;
use skillc_diagnostics::Diagnostic;
use skillc_ir::Ir;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads and lowers every family under `paths`; returns the IR and every diagnostic so far.
pub fn load(paths: &[PathBuf]) -> (Ir, Vec<Diagnostic>) {
    let loaded = skillc_syntax::load_paths(paths);
    assert!(loaded.path_errors.is_empty(), "{:?}", loaded.path_errors);
    let (ir, mut diags) = skillc_ir::lower(&loaded);
    diags.extend(loaded.diagnostics.iter().cloned());
    (ir, diags)
}

/// Loads families that must lower without errors, as the backends take them (see [`exercised`]).
pub fn load_ok(paths: &[PathBuf]) -> CheckedIr {
    let (ir, diags) = load(paths);
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    exercised(ir)
}

/// `ir` as the backends take it, whatever analysis finds: these tests exercise the generators,
/// also on families `skillc build` would refuse (a skill that reads a field some of its targets
/// lack, an uncovered step). Analysis still runs over it.
pub fn exercised(ir: Ir) -> CheckedIr {
    skillc_analysis::analyze(ir, &[])
        .certify(&[])
        .unwrap_or_else(|_| unreachable!("nothing is left to refuse"))
}

/// `ir` certified as the pipeline does: the analysis rules and both backends' checks run, and
/// any error among their findings fails the test.
pub fn checked(ir: Ir) -> CheckedIr {
    let analysis = skillc_analysis::analyze(
        ir,
        &[skillc_backend_scripts::check, skillc_backend_launchd::check],
    );
    let found = analysis.diagnostics.clone();
    analysis.certify(&found).unwrap_or_else(|_| {
        let errors: Vec<_> = found.iter().filter(|d| d.is_error()).collect();
        panic!("analysis reports errors: {errors:#?}")
    })
}

pub fn shipped() -> CheckedIr {
    let (ir, diags) = load(&[repo().join("skills")]);
    assert!(!diags.iter().any(Diagnostic::is_error), "{diags:#?}");
    checked(ir)
}

/// The backend's files as a test build (`Options::test_build`): the scripts honour the
/// harness's location overrides, `SKILLC_TEST_PATH` and `SKILLC_TEST_SHELL`.
pub fn emit_test(ir: &CheckedIr) -> Vec<OutputFile> {
    skillc_backend_scripts::emit_with(ir, skillc_backend_scripts::Options { test_build: true })
}

/// Writes `family.yaml` = `text` into `dir/<name>/`.
pub fn write_family(dir: &Path, name: &str, text: &str) -> PathBuf {
    let fam = dir.join(name);
    std::fs::create_dir_all(&fam).expect("mkdir");
    std::fs::write(fam.join("family.yaml"), text).expect("write");
    fam
}

/// One family made of `family.yaml` = `text`, in a temp dir.
pub fn family(text: &str) -> (tempfile::TempDir, Ir, Vec<Diagnostic>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let fam = write_family(dir.path(), "fam", text);
    let (ir, diags) = load(&[fam]);
    (dir, ir, diags)
}

/// A check cannot run here because `what` is missing: a notice, or a failure under
/// SKILLC_REQUIRE_TOOLS=1 (CI, where every tool is installed).
pub fn tool_missing(what: &str) {
    assert!(
        std::env::var("SKILLC_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "{what} (SKILLC_REQUIRE_TOOLS=1)"
    );
    eprintln!("notice: {what}; skipping the checks that need it");
}

/// An approver's own SSH key pair (ed25519, made by `ssh-keygen`), kept in its own temp dir: the
/// approver's machine, never the host's.
pub struct Signer {
    pub name: String,
    pub key: PathBuf,
    _dir: tempfile::TempDir,
}

impl Signer {
    pub fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("id_ed25519");
        let o = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&key)
            .output()
            .expect("ssh-keygen");
        assert!(
            o.status.success(),
            "ssh-keygen: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        Self {
            name: name.to_owned(),
            key,
            _dir: dir,
        }
    }

    /// The public key line (`ssh-ed25519 AAAA... comment`).
    pub fn public(&self) -> String {
        std::fs::read_to_string(self.key.with_extension("pub"))
            .expect("public key")
            .trim()
            .to_owned()
    }

    /// The `allowed_signers` line that trusts this key for `principal`, for approvals only.
    pub fn trust_line(&self, principal: &str) -> String {
        format!(
            "{principal} namespaces=\"{}\" {}\n",
            token::NAMESPACE,
            self.public()
        )
    }

    /// Signs `a` with this key (`ssh-keygen -Y sign`, as `skillc approve` does) into a token.
    pub fn sign(&self, a: &token::Approval) -> String {
        use std::io::Write as _;
        let mut child = Command::new("ssh-keygen")
            .args(["-q", "-Y", "sign", "-n", token::NAMESPACE, "-f"])
            .arg(&self.key)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("ssh-keygen -Y sign");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(a.message().as_bytes())
            .expect("write");
        let o = child.wait_with_output().expect("ssh-keygen");
        assert!(
            o.status.success(),
            "sign: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        a.token(&String::from_utf8_lossy(&o.stdout)).expect("token")
    }

    /// A token of this approver for `plan_hash` of `skill` on `target`, valid for 10 minutes.
    pub fn approve(&self, skill: &str, target: &str, plan_hash: &str) -> String {
        self.sign(&approval(&self.name, skill, target, plan_hash, now() + 600))
    }
}

pub use skillc_backend_scripts::token;

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs()
}

/// What a token approves, with a fresh random nonce.
pub fn approval(
    approver: &str,
    skill: &str,
    target: &str,
    plan_hash: &str,
    expires: u64,
) -> token::Approval {
    use std::io::Read as _;
    let mut b = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .expect("urandom");
    token::Approval {
        skill: skill.to_owned(),
        target: target.to_owned(),
        plan_hash: plan_hash.to_owned(),
        expires,
        nonce: token::hex(&b),
        approver: approver.to_owned(),
    }
}

/// Adds `signer`'s public key for its name to the host's trust file (`allowed_signers`, mode 0644
/// in a 0755 dir, as root installs it).
pub fn trust(host: &Host, signer: &Signer) {
    use std::io::Write as _;
    use std::os::unix::fs::PermissionsExt;
    let p = host.allowed_signers();
    std::fs::create_dir_all(p.parent().expect("dir")).expect("mkdir");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&p)
        .expect("allowed_signers");
    f.write_all(signer.trust_line(&signer.name).as_bytes())
        .expect("write");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).expect("chmod");
}

/// Whether an external tool is on PATH; prints a notice when absent, fails under
/// `SKILLC_REQUIRE_TOOLS=1`.
pub fn have_tool(name: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg("command -v \"$1\" >/dev/null 2>&1")
        .arg("sh")
        .arg(name)
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        tool_missing(&format!("`{name}` is not on PATH"));
    }
    found
}

/// The lab fixture (tests/fixtures/lab, /ROOT = `root`) with launchd-doctor, its scripts written
/// under `root/out` as a test build (`test`) or a normal one, and the directories its services
/// use. Returns the output root.
pub fn build_lab(root: &Path, test: bool) -> PathBuf {
    build_lab_with(root, test, |y| y)
}

/// [`build_lab`] with the fixture's text changed by `edit` first.
pub fn build_lab_with(root: &Path, test: bool, edit: impl Fn(String) -> String) -> PathBuf {
    let yaml = edit(
        std::fs::read_to_string(crate_dir().join("tests/fixtures/lab/family.yaml"))
            .expect("fixture")
            .replace("/ROOT", &root.display().to_string()),
    );
    let fam = write_family(&root.join("src"), "lab", &yaml);
    let ir = load_ok(&[fam, repo().join("skills/launchd-doctor")]);
    let out = root.join("out");
    let files = if test {
        emit_test(&ir)
    } else {
        skillc_backend_scripts::emit(&ir)
    };
    write_tree(&out, &files);
    for d in ["web", "store", "bin"] {
        std::fs::create_dir_all(root.join(d)).expect("mkdir");
    }
    out
}

/// Writes the output files under `root`, with the executable bit where asked.
pub fn write_tree(root: &Path, files: &[OutputFile]) {
    use std::os::unix::fs::PermissionsExt;
    for f in files {
        let p = root.join(&f.path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, &f.bytes).expect("write");
        let mode = if f.executable { 0o755 } else { 0o644 };
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
}

/// The shells scenarios run under: `dash` and `bash --posix` when present, else `sh`.
pub fn shells() -> Vec<Vec<String>> {
    let mut out = Vec::new();
    if have_tool("dash") {
        out.push(vec!["dash".to_owned()]);
    }
    if have_tool("bash") {
        out.push(vec!["bash".to_owned(), "--posix".to_owned()]);
    }
    if out.is_empty() {
        out.push(vec!["sh".to_owned()]);
    }
    out
}

/// The uid of the gui domain test builds address agents in: the invoker every `Host` names
/// (`SKILLC_TEST_INVOKER=alice:501`).
pub const GUI_UID: &str = "501";

/// Whether the host's `tool` takes macOS's `-h` (chmod, mv: act on a symbolic link itself), or
/// for stat, `-f FORMAT`.
fn bsd_flag_works(tool: &str) -> bool {
    let Ok(dir) = tempfile::tempdir() else {
        return false;
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    if std::fs::write(&a, "").is_err() {
        return false;
    }
    if tool == "stat" {
        return Command::new("stat")
            .args(["-f".as_ref(), "%u".as_ref(), a.as_os_str()])
            .stderr(std::process::Stdio::null())
            .output()
            .is_ok_and(|o| {
                let out = String::from_utf8_lossy(&o.stdout);
                o.status.success()
                    && !out.trim().is_empty()
                    && out.trim().chars().all(|c| c.is_ascii_digit())
            });
    }
    let args: Vec<&std::ffi::OsStr> = match tool {
        "chmod" => vec!["-h".as_ref(), "--".as_ref(), "0600".as_ref(), a.as_os_str()],
        _ => vec!["-h".as_ref(), "--".as_ref(), a.as_os_str(), b.as_os_str()],
    };
    Command::new(tool)
        .args(args)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The python3 interpreter itself (`sys.executable`), when python3 is on PATH.
fn python() -> Option<&'static PathBuf> {
    static PY: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    PY.get_or_init(|| {
        let o = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .ok()?;
        let p = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
        let plain = !p.to_string_lossy().contains(['\'', '\n']);
        (o.status.success() && p.is_absolute() && plain).then_some(p)
    })
    .as_ref()
}

/// A simulated macOS host: a state dir for the fake launchctl, shims on PATH, audit log and
/// skillc state in the temp dir.
pub struct Host {
    pub dir: tempfile::TempDir,
    pub shell: Vec<String>,
}

impl Host {
    pub fn new(shell: &[String]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        let harness = crate_dir().join("tests/harness");
        for tool in ["launchctl", "nc"] {
            std::os::unix::fs::symlink(harness.join(tool), bin.join(tool)).expect("symlink");
        }
        // macOS's `chmod -h`, `mv -h` and `stat -f FORMAT` where the host's tools lack them (GNU).
        for tool in ["chmod", "mv", "stat"] {
            if !bsd_flag_works(tool) {
                std::os::unix::fs::symlink(harness.join("bsd").join(tool), bin.join(tool))
                    .expect("symlink");
            }
        }
        if let Some(py) = python() {
            // The shims are python3 scripts using the standard library only: calling the
            // interpreter itself (not a version manager's shell wrapper) without `site` (-S)
            // cuts each of the many shim calls from ~120 ms to ~12 ms.
            use std::os::unix::fs::PermissionsExt;
            // A second local user may not reach a version manager's interpreter under root's
            // home: it falls back to the system's.
            let w = bin.join("python3");
            std::fs::write(
                &w,
                format!(
                    "#!/bin/sh\n[ -x '{py}' ] && exec '{py}' -S \"$@\"\nexec /usr/bin/env -u PATH PATH=/usr/bin:/bin python3 -S \"$@\"\n",
                    py = py.display()
                ),
            )
            .expect("write");
            std::fs::set_permissions(&w, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        std::fs::create_dir_all(dir.path().join("launchd")).expect("mkdir");
        // The simulated Mac has a user logged in at the console: the invoker test builds name.
        std::fs::write(dir.path().join("launchd/console"), GUI_UID).expect("console");
        Self {
            dir,
            shell: shell.to_vec(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The approvers' trust file (public keys only).
    pub fn allowed_signers(&self) -> PathBuf {
        self.path().join("etc/allowed_signers")
    }

    pub fn audit_log(&self) -> PathBuf {
        self.path().join("audit.jsonl")
    }

    /// Adds (or replaces) a service in the fake launchd: `state` is JSON (see the harness).
    pub fn service(&self, target: &str, state: &serde_json::Value) {
        let p = self.path().join("launchd/state.json");
        let mut all: serde_json::Value = std::fs::read(&p)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_else(|| serde_json::json!({}));
        all[target] = state.clone();
        std::fs::write(&p, serde_json::to_vec_pretty(&all).expect("json")).expect("write");
    }

    pub fn state(&self) -> serde_json::Value {
        let p = self.path().join("launchd/state.json");
        serde_json::from_slice(&std::fs::read(p).expect("state")).expect("json")
    }

    /// The mutating launchctl calls made so far.
    pub fn mutations(&self) -> Vec<String> {
        std::fs::read_to_string(self.path().join("launchd/calls.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| {
                let verb = l.split_whitespace().next().unwrap_or("");
                !matches!(verb, "print" | "print-disabled" | "list" | "managername")
            })
            .map(str::to_owned)
            .collect()
    }

    pub fn command(&self, script: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(&self.shell[0]);
        c.args(&self.shell[1..]).arg(script).args(args);
        let path = format!(
            "{}:{}",
            self.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        // The scripts ignore the caller's PATH (they fix their own); test builds put
        // SKILLC_TEST_PATH before it and re-execute under SKILLC_TEST_SHELL.
        c.env("PATH", &path)
            .env("SKILLC_TEST_PATH", &path)
            .env("SKILLC_TEST_SHELL", self.shell.join(" "))
            .env("SKILLC_TEST_INVOKER", "alice:501")
            .env("SKILLC_FAKE_LAUNCHD", self.path().join("launchd"))
            .env("SKILLC_AUDIT_LOG", self.audit_log())
            .env("SKILLC_STATE_DIR", self.path().join("state"))
            .env("SKILLC_ALLOWED_SIGNERS", self.allowed_signers())
            .env_remove("SKILLC_REQUIRE")
            .current_dir(self.path())
            .stdin(std::process::Stdio::null());
        c
    }

    pub fn run(&self, script: &Path, args: &[&str]) -> Output {
        self.command(script, args).output().expect("run script")
    }

    /// Validates every line of the audit log against the committed schema (python3 jsonschema).
    pub fn validate_audit(&self) -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(self.audit_log()).unwrap_or_default();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
            .collect();
        if have_tool("python3") {
            let schema = crate_dir().join("../../schemas/audit.schema.json");
            let out = Command::new("python3")
                .arg("-c")
                .arg(
                    "import json, sys, jsonschema\n\
                     schema = json.load(open(sys.argv[1]))\n\
                     v = jsonschema.Draft202012Validator(schema)\n\
                     bad = 0\n\
                     for n, line in enumerate(open(sys.argv[2]), 1):\n\
                     \x20   for e in v.iter_errors(json.loads(line)):\n\
                     \x20       bad += 1; print(n, e.message)\n\
                     sys.exit(1 if bad else 0)\n",
                )
                .arg(schema)
                .arg(self.audit_log())
                .output()
                .expect("python3");
            assert!(
                out.status.success(),
                "audit log does not validate:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        lines
    }
}

/// The row of service `name` (`family/service`) in a doctor's `--json` output.
pub fn doctor_row(o: &Output, name: &str) -> serde_json::Value {
    let r: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)));
    r["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["service"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no row for {name}: {}", text(o)))
}

pub fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
