//! Failure-mode scenarios: for each shipped skill, the failure is set up in the simulated macOS
//! host (tests/harness/launchctl, tests/harness/nc, a temp file system), then
//! 1. `--detect` fires (exit 0);
//! 2. plan mode prints the expected steps and changes no state;
//! 3. `--apply` (with an approval token where the policy demands one; without one it is refused
//!    with 77 and changes nothing) fixes it and `verify` passes (status `fixed`, exit 0), after
//!    which `--detect` no longer fires (exit 1);
//! 4. on a healthy service `--detect` does not fire (exit 1: no false positive).
//!
//! The skills come from skills/launchd-doctor and skills/foundation-core; they apply to the two
//! services of tests/fixtures/failure_modes/family.yaml (`fm/app`, a session agent that runs
//! unattended; `fm/worker`, a daemon whose restarts need one approval from `ops`). The output
//! tree is built once per test binary; scenarios run under the first of `common::shells()`
//! (`dash` when installed; e2e.rs also covers `bash --posix`).
//!
//! Covered (one `Scenario` each, in `SCENARIOS` order):
//! - launchd-doctor/job-disabled (LD02), not-loaded (LD01), crash-loop (LD03, on the daemon:
//!   approval), stale-lock (LD15), port-in-use (LD16), missed-calendar-run (LD18),
//!   fatal-config-exit (LD19: the remediation stops the loop and escalates by design, so apply
//!   ends `verify_failed`), disabled-as-stop (LD23), missing-program (a program that is not
//!   executable), tcc-denied (the skill only asks a human; the scenario plays the grant);
//!   no-gui-session (LD12: another user owns the console; the user logs in once told),
//!   bootstrap-io-error (LD11: the first bootstrap fails with 5, the retry loads it; on the
//!   daemon, a job loaded only by the third try is started by `kickstart -k`: approval),
//!   invalid-plist (LD10, on the daemon: escalates, the file is not patched), argv-single-string
//!   (LD06: escalates), duplicate-label (LD20, on the daemon: the operator removes the stale file,
//!   the reload needs approval), quarantined-program (LD07: signed, unquarantined and started;
//!   unsigned: escalates without touching it), log-path-unwritable (LD04: a read-only log is
//!   moved aside), plist-permissions-agent (LD09: an admin's chmod is played, then bootstrap) and
//!   plist-permissions-daemon (LD09: chown root:wheel + chmod; both need root to own a file by
//!   root, and skip otherwise), launchagents-dir-missing (LD21: the admin's install is played),
//!   missing-path (LD22), keychain-background-session (LD17: both notify and escalate),
//!   network-not-ready (LD14: the default route comes up during the wait, then `kickstart -k`).
//!   LD17 and LD14 select by tag: they run on `fm/keeper` (a `uses-keychain` daemon) and
//!   `fm/fetcher` (a `needs-network` agent). The job file dirs under /Library and the tools the
//!   skills call by absolute path (plutil, xattr, codesign, grep, test, route) are relocated under
//!   the scenario root (`RELOCATED`), where tests/harness/shim/ provides the tools; the shims
//!   keep the simulated host's console owner, extended attributes, code signatures and default
//!   route in the fake launchctl's state dir;
//! - foundation-core/stale-pidfile (on the agent, and on the daemon: approval),
//!   dependency-not-ready-at-boot (on `fm/app`), and on foundation-core's own services
//!   (`Svc::Core`, under its policy; the shipped paths relocated under /ROOT by `RELOCATED`, the
//!   tools they run shimmed by tests/harness/fc/, the services' `bus()` names, ports and health
//!   endpoints simulated by the harness's launchctl, nc and curl): stale-bus-owner,
//!   bus-name-missing, keychain-locked-before-login (the scenario plays the unlock) on the
//!   session agent (all unattended); secrets-sealed-after-reboot, network-not-ready-after-wake and
//!   gateway-port-in-use (one approval); clock-skew-identity-tokens, storage-volume-not-mounted,
//!   pending-migration and log-volume-full (L1 destructive steps: two approvals);
//!   gateway-certificate-expired (a real expired certificate made by openssl; one approval, and
//!   the policy's confirmation typed on a pseudo-terminal by tests/harness/pty-yes).
//!   Their fixed ports (7410, 7430, 8443, ...) are never bound: the nc and curl shims answer
//!   for them from the simulated host (a running job's `listens`, else net.json, where
//!   `core_world` says nothing listens), so whatever uses them on the test machine is not seen.
//!   Plan mode must also leave the simulated host's facts (fc.json, net.json) and the shared log,
//!   TLS and backup dirs as they were.
//!
//! Every shipped failure mode has a scenario. One test, `failure_mode_scenarios`, runs them all
//! (`SKILLC_SCENARIO=<name>` runs one).

mod common;

use common::{Host, text};
use serde_json::json;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

/// The output tree, built once: the fixture with /ROOT = `root`, plus the shipped families.
struct Built {
    root: PathBuf,
    out: PathBuf,
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        // One dir per test process (concurrent runs must not share it); the dirs of finished
        // runs are removed.
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        for e in std::fs::read_dir(tmp).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("failure_modes-")
                && !pid_alive(pid)
            {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
        let root = tmp.join(format!("failure_modes-{}", std::process::id()));
        if root.exists() {
            std::fs::remove_dir_all(&root).expect("clean");
        }
        let text = std::fs::read_to_string(
            common::crate_dir().join("tests/fixtures/failure_modes/family.yaml"),
        )
        .expect("fixture");
        assert!(
            text.contains("imports: [launchd-doctor]\n"),
            "fixture imports changed"
        );
        let yaml = text.replace("/ROOT", &root.display().to_string()).replace(
            "imports: [launchd-doctor]",
            "imports: [launchd-doctor, foundation-core]",
        );
        let fam = common::write_family(&root.join("src"), "fm", &yaml);
        let shipped = root.join("shipped");
        for family in ["launchd-doctor", "foundation-core"] {
            relocate_family(
                &common::repo().join("skills").join(family),
                &shipped.join(family),
                &root,
            );
        }
        install_shims(&root.join("shim"));
        let ir = common::load_ok(&[
            fam,
            shipped.join("launchd-doctor"),
            shipped.join("foundation-core"),
        ]);
        let out = root.join("out");
        common::write_tree(&out, &common::emit_test(&ir));
        std::fs::create_dir_all(root.join("bin")).expect("mkdir");
        Built { root, out }
    })
}

/// Host paths the shipped skills name absolutely, and where the scenarios put them instead:
/// (absolute path prefix, path under the scenario root). The skills are copied with these
/// prefixes rewritten (longest first) before they are built; nothing else in them changes, so the
/// scenarios run the shipped logic against files and tool shims they control. A tool's shim lives
/// in `/ROOT/shim/`.
const RELOCATED: &[(&str, &str)] = &[
    ("/Library/LaunchAgents", "Library/LaunchAgents"),
    ("/Library/LaunchDaemons", "Library/LaunchDaemons"),
    ("/usr/bin/plutil", "shim/plutil"),
    ("/usr/bin/grep", "shim/grep"),
    ("/usr/bin/xattr", "shim/xattr"),
    ("/usr/bin/codesign", "shim/codesign"),
    ("/bin/test", "shim/test"),
    ("/sbin/route", "shim/route"),
    // foundation-core: its services' dirs, logs and run files; the tools its skills run by
    // absolute path (shims: tests/harness/fc/).
    ("/usr/local/var/sovereign", "usr/local/var/sovereign"),
    (
        "/usr/local/var/run/sovereign",
        "usr/local/var/run/sovereign",
    ),
    (
        "/usr/local/var/log/sovereign",
        "usr/local/var/log/sovereign",
    ),
    ("/Users/Shared/Sovereign", "Users/Shared/Sovereign"),
    (
        "/usr/local/etc/sovereign/tls",
        "usr/local/etc/sovereign/tls",
    ),
    ("/usr/local/bin/sovereign-busctl", "shim/sovereign-busctl"),
    ("/usr/local/libexec/sovereign/secretsctl", "shim/secretsctl"),
    (
        "/usr/local/libexec/sovereign/identityctl",
        "shim/identityctl",
    ),
    ("/usr/local/libexec/sovereign/storagectl", "shim/storagectl"),
    // The gateway's program: gateway-port-in-use signals only a process that runs it.
    (
        "/usr/local/libexec/sovereign/mobile-gateway",
        "usr/local/libexec/sovereign/mobile-gateway",
    ),
    ("/usr/bin/sntp", "shim/sntp"),
    ("/usr/bin/security", "shim/security"),
    ("/usr/bin/openssl", "shim/openssl"),
    ("/usr/sbin/diskutil", "shim/diskutil"),
];

/// Links the tool shims of tests/harness/shim/ into `dir` (`/ROOT/shim`). They keep the simulated
/// host's state (console owner, extended attributes, signatures, default route) next to the fake
/// launchctl's, in `$SKILLC_FAKE_LAUNCHD`, so each scenario's host has its own.
fn install_shims(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let from = common::crate_dir().join("tests/harness/shim");
    for e in std::fs::read_dir(from).expect("shims").flatten() {
        std::os::unix::fs::symlink(e.path(), dir.join(e.file_name())).expect("symlink");
    }
}

/// Copies the family at `from` to `to` (recursively), rewriting the `RELOCATED` prefixes in its
/// YAML files to live under `root`.
fn relocate_family(from: &Path, to: &Path, root: &Path) {
    let mut table: Vec<(&str, &str)> = RELOCATED.to_vec();
    table.sort_by_key(|(abs, _)| std::cmp::Reverse(abs.len()));
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read family").flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            relocate_family(&src, &dst, root);
            continue;
        }
        let text = std::fs::read_to_string(&src).expect("read");
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        'scan: while !rest.is_empty() {
            for (abs, rel) in &table {
                if let Some(after) = rest.strip_prefix(abs) {
                    out.push_str(&root.join(rel).display().to_string());
                    rest = after;
                    continue 'scan;
                }
            }
            let ch = rest.chars().next().expect("non-empty");
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
        std::fs::write(&dst, out).expect("write");
    }
}

/// Whether `pid` (digits) is a live process.
fn pid_alive(pid: &str) -> bool {
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && std::process::Command::new("sh")
            .args(["-c", "kill -0 \"$1\"", "sh", pid])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// Scenarios that touch files under the shared /ROOT (service working dirs) take this lock.
static FILES: Mutex<()> = Mutex::new(());

#[derive(Clone, Copy)]
enum Svc {
    /// `fm/app`: a session agent (L3); everything on it runs unattended.
    App,
    /// `fm/worker`: a daemon (L2); a kickstart or bootout is destructive there and needs an
    /// approval from `ops`.
    Worker,
    /// `fm/keeper`: a daemon (L2) tagged `uses-keychain`.
    Keeper,
    /// `fm/fetcher`: a session agent (L3) tagged `needs-network`.
    Fetcher,
    /// A service of foundation-core itself (its id), under foundation-core's policy: the system
    /// daemons of L1-L3 and `session-agent` (an L3 agent in the user's gui domain). Its paths are
    /// the shipped ones, relocated under /ROOT (`RELOCATED`).
    Core(&'static str),
}

impl Svc {
    fn id(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Worker => "worker",
            Self::Keeper => "keeper",
            Self::Fetcher => "fetcher",
            Self::Core(id) => id,
        }
    }

    /// The family the service is in (the output tree's top dir, the approval target's prefix).
    fn family(self) -> &'static str {
        match self {
            Self::Core(_) => "foundation-core",
            _ => "fm",
        }
    }

    /// The service's working dir, relative to /ROOT.
    fn rel_dir(self) -> String {
        match self {
            Self::Core("session-agent") => "Users/Shared/Sovereign".to_owned(),
            Self::Core(id) => format!("usr/local/var/sovereign/{id}"),
            _ => self.id().to_owned(),
        }
    }

    fn launchd_target(self) -> String {
        match self {
            Self::App => format!("gui/{}/org.example.fm.app", common::GUI_UID),
            Self::Worker => "system/org.example.fm.worker".to_owned(),
            Self::Core("session-agent") => {
                format!("gui/{}/org.sovereign.session-agent", common::GUI_UID)
            }
            Self::Core("bus") => "system/org.sovereign.busd".to_owned(),
            Self::Core(id) => format!("system/org.sovereign.{id}"),
            Self::Keeper => "system/org.example.fm.keeper".to_owned(),
            Self::Fetcher => format!("gui/{}/org.example.fm.fetcher", common::GUI_UID),
        }
    }
}

fn uid() -> String {
    let o = std::process::Command::new("id")
        .arg("-u")
        .output()
        .expect("id");
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// What a scenario's functions see.
struct Ctx<'a> {
    host: &'a Host,
    svc: Svc,
    root: &'a Path,
    /// "Another process" holding a TCP port (port-in-use); `None` once released.
    held: Mutex<Option<TcpListener>>,
    port: u16,
}

impl Ctx<'_> {
    fn target(&self) -> String {
        self.svc.launchd_target()
    }

    fn dir(&self) -> PathBuf {
        self.root.join(self.svc.rel_dir())
    }

    fn set(&self, state: &serde_json::Value) {
        self.host.service(&self.target(), state);
    }

    fn st(&self) -> serde_json::Value {
        self.host.state()[self.target()].clone()
    }

    fn release_port(&self) {
        self.held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

/// How `--apply` ends once the failure is set up.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ends {
    /// Fixed: `verify` passes (exit 0, status `fixed`), and `--detect` no longer fires.
    Fixed,
    /// The remediation acts but escalates by design: `verify` fails (exit 3, `verify_failed`).
    Escalates,
}

/// (step id, what the world does when that step has ended).
type Reaction = (&'static str, fn(&Ctx));

/// What a scenario needs of the machine beyond the shells; without it the scenario is skipped
/// with a notice (a failure under SKILLC_REQUIRE_TOOLS=1 for a tool).
#[derive(Clone, Copy)]
enum Need {
    /// A tool on PATH.
    Tool(&'static str),
    /// Running as root (a job file owned by root).
    Root,
}

struct Scenario {
    /// `<skill family>/<skill>`.
    skill: &'static str,
    needs: &'static [Need],
    svc: Svc,
    /// Sets up the failure.
    setup: fn(&Ctx),
    /// Sets up a healthy service on which `--detect` must not fire.
    healthy: fn(&Ctx),
    /// Plan lines: (`would_run`, `repeats` for a loop's steps or `skip` for a step whose `when`
    /// is false now, step id, policy outcome, text of the command); `{root}` is the fixture root.
    plan: &'static [(&'static str, &'static str, &'static str, &'static str)],
    /// Whether `--apply` needs an approval token (refused with 77 without one).
    approval: bool,
    /// Extra arguments (`--param`) for every run.
    params: fn(&Ctx) -> Vec<String>,
    /// The simulated world's reaction during `--apply`: when the step with this id ends, run
    /// the function (the job touching its stamp, an operator freeing a port, ...).
    react: Option<Reaction>,
    ends: Ends,
    /// Checks on the host after `--apply`.
    after: fn(&Ctx),
    /// Whether `--apply` itself changes launchd state or files (false when the skill only tells
    /// a human what to do and `react` plays the fix).
    acts: bool,
    /// Whether the scenario uses files under the shared /ROOT.
    files: bool,
}

fn no_params(_: &Ctx) -> Vec<String> {
    Vec::new()
}

fn healthy_running(c: &Ctx) {
    c.set(&json!({ "loaded": true, "running": true, "disabled": false, "runs": 1, "pid": 40001 }));
}

fn assert_running(c: &Ctx) {
    let st = c.st();
    assert_eq!(st["running"], json!(true), "{st}");
    assert_ne!(st["disabled"], json!(true), "{st}");
}

/// A PID that no process has: a child that has exited and been reaped.
fn dead_pid() -> u32 {
    let mut c = std::process::Command::new("true").spawn().expect("spawn");
    let pid = c.id();
    c.wait().expect("wait");
    pid
}

fn moved_aside(dir: &Path, name: &str) -> usize {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{name}.skillc-"))
        })
        .count()
}

fn crashed(c: &Ctx) {
    c.set(&json!({ "loaded": true, "running": false, "runs": 3, "last_exit": 1 }));
}

fn stale_file(c: &Ctx, name: &str) {
    crashed(c);
    std::fs::write(c.dir().join(name), format!("{}\n", dead_pid())).expect("write");
}

fn stamp(c: &Ctx, age: Duration) {
    let p = c.dir().join("last-run");
    let f = std::fs::File::create(&p).expect("stamp");
    f.set_modified(SystemTime::now() - age).expect("mtime");
}

/// Writes the service's program (`/ROOT/bin/<id>`) with `mode`.
fn program(c: &Ctx, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let p = c.root.join("bin").join(c.svc.id());
    std::fs::write(&p, "#!/bin/sh\nexit 0\n").expect("write");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

const DAY: Duration = Duration::from_secs(86_400);

/// The service's launchd label.
fn label(svc: Svc) -> String {
    let target = svc.launchd_target();
    target.rsplit('/').next().unwrap_or_default().to_owned()
}

/// Where skillc installs the service's job file (relocated under /ROOT): daemons in
/// /Library/LaunchDaemons, agents in /Library/LaunchAgents.
fn plist_path(c: &Ctx) -> PathBuf {
    let dir = if c.target().starts_with("system/") {
        "Library/LaunchDaemons"
    } else {
        "Library/LaunchAgents"
    };
    c.root.join(dir).join(format!("{}.plist", label(c.svc)))
}

/// Empty /ROOT/Library/LaunchAgents and /ROOT/Library/LaunchDaemons (scenarios using them hold
/// `FILES`).
fn fresh_library(c: &Ctx) {
    let lib = c.root.join("Library");
    if lib.exists() {
        std::fs::remove_dir_all(&lib).expect("clean");
    }
    for d in ["LaunchAgents", "LaunchDaemons"] {
        std::fs::create_dir_all(lib.join(d)).expect("mkdir");
    }
}

/// An XML job file declaring `label` with these ProgramArguments.
fn job_file(label: &str, argv: &[&str]) -> String {
    let args: String = argv
        .iter()
        .map(|a| ["\t\t<string>", a, "</string>\n"].concat())
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \
         \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n<dict>\n\t<key>Label</key>\n\t<string>{label}</string>\n\
         \t<key>ProgramArguments</key>\n\t<array>\n{args}\t</array>\n\
         \t<key>RunAtLoad</key>\n\t<true/>\n</dict>\n</plist>\n"
    )
}

/// Writes `text` at `path` with `mode`.
fn write_mode(path: &Path, text: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Installs the service's own, valid job file with `mode`; returns its path.
fn install_job(c: &Ctx, mode: u32) -> String {
    let p = plist_path(c);
    let program = c.root.join("bin").join(c.svc.id());
    write_mode(
        &p,
        &job_file(&label(c.svc), &[&program.display().to_string()]),
        mode,
    );
    p.display().to_string()
}

fn mode_of(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o7777
}

/// The simulated host's state next to the fake launchctl's (read by the tool shims).
fn host_file(c: &Ctx, name: &str) -> PathBuf {
    c.host.path().join("launchd").join(name)
}

/// Gives the console to `uid` (loginwindow chowns /dev/console to the user who logs in).
fn console(c: &Ctx, uid: &str) {
    std::fs::write(host_file(c, "console"), uid).expect("console");
}

/// A user other than the one running the scenarios.
fn other_uid() -> &'static str {
    "502"
}

/// The host gets a default route.
fn route_up(c: &Ctx) {
    std::fs::write(host_file(c, "route"), "192.168.1.1\n").expect("route");
}

/// Sets extended attribute `name` on `path` (the xattr shim's store).
fn set_xattr(c: &Ctx, path: &Path, name: &str, value: &str) {
    let p = host_file(c, "xattrs.json");
    let mut all: serde_json::Value = std::fs::read(&p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_else(|| json!({}));
    all[path.display().to_string()][name] = json!(value);
    std::fs::write(&p, serde_json::to_vec(&all).expect("json")).expect("write");
}

fn xattr_of(c: &Ctx, path: &Path, name: &str) -> serde_json::Value {
    std::fs::read(host_file(c, "xattrs.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .map_or(serde_json::Value::Null, |v| {
            v[path.display().to_string()][name].clone()
        })
}

/// Signs `path` as it is now (the codesign shim verifies its content against this).
fn sign(c: &Ctx, path: &Path) {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(std::fs::read(path).expect("read"));
    let hex = digest.iter().fold(String::new(), |mut s, b| {
        use std::fmt::Write as _;
        write!(s, "{b:02x}").expect("write");
        s
    });
    let sigs = json!({ path.display().to_string(): { "sha256": hex, "authority": "Developer ID Application: Example Corp (EXAMPLE123)" } });
    std::fs::write(host_file(c, "signatures.json"), sigs.to_string()).expect("write");
}

const QUARANTINE: &str = "com.apple.quarantine";

/// The program downloaded with a browser: quarantined, and launchd refuses it (exit 78).
fn quarantined(c: &Ctx) -> PathBuf {
    let p = c.root.join("bin").join(c.svc.id());
    program(c, 0o755);
    set_xattr(c, &p, QUARANTINE, "0083;6745a2b1;Safari;");
    c.set(&json!({ "loaded": true, "running": false, "runs": 6, "last_exit": 78, "program": p.display().to_string() }));
    p
}

/// Whether the scenarios run as root (needed to have a file owned by root).
fn root_or_skip(what: &str) -> bool {
    let root = uid() == "0";
    if !root {
        eprintln!("notice: {what} needs root (a job file owned by root); skipping");
    }
    root
}

/// macOS's group `wheel` is gid 0; a Linux host may have no group of that name, so a `chown` shim
/// on the host's PATH maps `root:wheel` to `0:0` and runs the real chown.
fn wheel_is_gid_0(c: &Ctx) {
    let shim = c.host.path().join("bin/chown");
    write_mode(
        &shim,
        "#!/bin/sh\n\
         # Test shim: macOS's root:wheel is 0:0.\n\
         for a in \"$@\"; do\n\
         \tshift\n\
         \tif [ \"$a\" = root:wheel ]; then set -- \"$@\" 0:0; else set -- \"$@\" \"$a\"; fi\n\
         done\n\
         for c in /usr/sbin/chown /bin/chown /usr/bin/chown; do\n\
         \tif [ -x \"$c\" ]; then exec \"$c\" \"$@\"; fi\n\
         done\n\
         echo 'chown: not found' >&2\n\
         exit 127\n",
        0o755,
    );
}

static SCENARIOS: &[(&str, Scenario)] = &[
    (
        "job_disabled",
        Scenario {
            skill: "launchd-doctor/job-disabled",
            needs: &[],
            svc: Svc::App,
            setup: |c| c.set(&json!({ "disabled": true, "loaded": false })),
            healthy: healthy_running,
            plan: &[
                (
                    "would_run",
                    "enable",
                    "auto",
                    "launchctl enable gui/<uid>/org.example.fm.app",
                ),
                (
                    "would_run",
                    "load",
                    "auto",
                    "launchctl bootstrap gui/<uid> ",
                ),
                ("would_run", "wait-ready", "auto", "until fm/app is ready"),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert_eq!(c.st()["loaded"], json!(true));
            },
            acts: true,
            files: false,
        },
    ),
    (
        "not_loaded",
        Scenario {
            skill: "launchd-doctor/not-loaded",
            needs: &[],
            svc: Svc::App,
            setup: |c| c.set(&json!({ "loaded": false })),
            healthy: healthy_running,
            plan: &[
                (
                    "would_run",
                    "load",
                    "auto",
                    "launchctl bootstrap gui/<uid> ",
                ),
                ("would_run", "wait-ready", "auto", "until fm/app is ready"),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: assert_running,
            acts: true,
            files: false,
        },
    ),
    (
        "crash_loop_on_a_daemon_needs_approval",
        Scenario {
            skill: "launchd-doctor/crash-loop",
            needs: &[Need::Tool("openssl")],
            svc: Svc::Worker,
            setup: |c| {
                c.set(&json!({ "loaded": true, "running": false, "runs": 40, "last_exit": 1 }));
            },
            healthy: healthy_running,
            plan: &[
                (
                    "repeats",
                    "kick",
                    "approve",
                    "launchctl kickstart -k system/org.example.fm.worker",
                ),
                ("repeats", "settle", "auto", "until fm/worker is ready"),
            ],
            approval: true,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert!(
                    c.host
                        .mutations()
                        .iter()
                        .any(|m| m.starts_with("kickstart -k ")),
                    "{:?}",
                    c.host.mutations()
                );
            },
            acts: true,
            files: false,
        },
    ),
    (
        "stale_lock",
        Scenario {
            skill: "launchd-doctor/stale-lock",
            needs: &[],
            svc: Svc::App,
            setup: |c| stale_file(c, "lock"),
            // Not ready, but the lock's holder is alive: not stale.
            healthy: |c| {
                crashed(c);
                std::fs::write(c.dir().join("lock"), format!("{}\n", std::process::id()))
                    .expect("lock");
            },
            plan: &[
                (
                    "would_run",
                    "move-lock",
                    "auto",
                    "mv {root}/app/lock {root}/app/lock.skillc-<timestamp>",
                ),
                (
                    "repeats",
                    "kick",
                    "auto",
                    "launchctl kickstart -k gui/<uid>/org.example.fm.app",
                ),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert!(
                    !c.dir().join("lock").exists(),
                    "the stale lock is still there"
                );
                assert_eq!(moved_aside(&c.dir(), "lock"), 1, "lock not moved aside");
            },
            acts: true,
            files: true,
        },
    ),
    (
        "port_in_use",
        Scenario {
            skill: "launchd-doctor/port-in-use",
            needs: &[],
            svc: Svc::App,
            setup: |c| {
                c.set(&json!({ "loaded": true, "running": false, "runs": 9, "last_exit": 48 }));
            },
            // The job itself holds its port.
            healthy: healthy_running,
            plan: &[
                (
                    "would_run",
                    "report-holder",
                    "auto",
                    "notify: Port <p_port> needed by org.example.fm.app",
                ),
                (
                    "repeats",
                    "still-held",
                    "auto",
                    "notify: Port <p_port> is still in use",
                ),
                (
                    "skip",
                    "start",
                    "auto",
                    "launchctl kickstart gui/<uid>/org.example.fm.app",
                ),
            ],
            approval: false,
            params: |c| vec!["--param".to_owned(), format!("port={}", c.port)],
            // The operator stops the other process once told about it.
            react: Some(("report-holder", |c| c.release_port())),
            ends: Ends::Fixed,
            after: assert_running,
            acts: true,
            files: false,
        },
    ),
    (
        "missed_calendar_run",
        Scenario {
            skill: "launchd-doctor/missed-calendar-run",
            needs: &[Need::Tool("perl")],
            svc: Svc::App,
            setup: |c| {
                c.set(&json!({ "loaded": true, "running": false, "runs": 4, "last_exit": 0 }));
                stamp(c, 3 * DAY);
            },
            // Idle between runs, and the last run was today.
            healthy: |c| {
                c.set(&json!({ "loaded": true, "running": false, "runs": 4, "last_exit": 0 }));
                stamp(c, Duration::from_secs(3600));
            },
            plan: &[
                (
                    "would_run",
                    "run-now",
                    "auto",
                    "launchctl kickstart gui/<uid>/org.example.fm.app",
                ),
                (
                    "repeats",
                    "still-running",
                    "auto",
                    "notify: Waiting for org.example.fm.app",
                ),
                (
                    "would_run",
                    "durable-fix",
                    "auto",
                    "notify: org.example.fm.app missed a scheduled run",
                ),
            ],
            approval: false,
            params: no_params,
            // The job, started, does its run and touches its stamp.
            react: Some(("run-now", |c| stamp(c, Duration::ZERO))),
            ends: Ends::Fixed,
            after: assert_running,
            acts: true,
            files: true,
        },
    ),
    (
        "fatal_config_exit",
        Scenario {
            skill: "launchd-doctor/fatal-config-exit",
            needs: &[],
            svc: Svc::App,
            setup: |c| {
                c.set(&json!({ "loaded": true, "running": false, "runs": 500, "last_exit": 78 }));
            },
            // A job that exited 78 once, a while ago, and runs now.
            healthy: |c| {
                c.set(&json!({ "loaded": true, "running": true, "pid": 40002, "runs": 2, "last_exit": 78 }));
            },
            plan: &[
                (
                    "would_run",
                    "stop-loop",
                    "auto",
                    "launchctl bootout gui/<uid>/org.example.fm.app",
                ),
                (
                    "would_run",
                    "guidance",
                    "auto",
                    "notify: org.example.fm.app exits 78 (EX_CONFIG)",
                ),
            ],
            approval: false,
            params: no_params,
            react: None,
            // Booting out stops the loop; `verify: ready(service)` cannot hold until a human fixes
            // the configuration, so the run escalates.
            ends: Ends::Escalates,
            after: |c| {
                assert_eq!(c.st()["loaded"], json!(false), "the loop was not stopped");
            },
            acts: true,
            files: false,
        },
    ),
    (
        "disabled_as_stop",
        Scenario {
            skill: "launchd-doctor/disabled-as-stop",
            needs: &[],
            svc: Svc::App,
            setup: |c| {
                c.set(&json!({ "loaded": true, "disabled": true, "running": false, "runs": 7, "last_exit": 0 }));
            },
            healthy: healthy_running,
            plan: &[
                (
                    "would_run",
                    "enable",
                    "auto",
                    "launchctl enable gui/<uid>/org.example.fm.app",
                ),
                (
                    "would_run",
                    "start",
                    "auto",
                    "launchctl kickstart gui/<uid>/org.example.fm.app",
                ),
                ("would_run", "wait-ready", "auto", "until fm/app is ready"),
                (
                    "would_run",
                    "fix-the-caller",
                    "auto",
                    "notify: org.example.fm.app had been disabled",
                ),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: assert_running,
            acts: true,
            files: false,
        },
    ),
    (
        "missing_program",
        Scenario {
            skill: "launchd-doctor/missing-program",
            needs: &[],
            svc: Svc::App,
            // The program is there but not executable (spawn fails, the job never runs).
            setup: |c| {
                c.set(&json!({ "loaded": true, "running": false, "runs": 12, "last_exit": 78 }));
                program(c, 0o644);
            },
            healthy: |c| {
                healthy_running(c);
                program(c, 0o755);
            },
            plan: &[
                ("would_run", "make-executable", "auto", "{root}/bin/app"),
                (
                    "skip",
                    "guidance",
                    "auto",
                    "notify: {root}/bin/app does not exist",
                ),
                (
                    "skip",
                    "start",
                    "auto",
                    "launchctl kickstart gui/<uid>/org.example.fm.app",
                ),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                use std::os::unix::fs::PermissionsExt;
                assert_running(c);
                let mode = std::fs::metadata(c.root.join("bin/app"))
                    .expect("program")
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o755, "{mode:o}");
            },
            acts: true,
            files: true,
        },
    ),
    (
        "tcc_denied",
        Scenario {
            skill: "launchd-doctor/tcc-denied",
            needs: &[],
            svc: Svc::App,
            setup: |c| {
                crashed(c);
                std::fs::write(c.dir().join("err.log"), "open: Operation not permitted\n")
                    .expect("log");
            },
            // The same line in the log, from before: the job runs now.
            healthy: |c| {
                healthy_running(c);
                std::fs::write(c.dir().join("err.log"), "open: Operation not permitted\n")
                    .expect("log");
            },
            plan: &[
                (
                    "would_run",
                    "ask-for-access",
                    "auto",
                    "notify: org.example.fm.app is denied access",
                ),
                (
                    "repeats",
                    "still-denied",
                    "auto",
                    "notify: org.example.fm.app is still not ready",
                ),
            ],
            approval: false,
            params: no_params,
            // The user grants Full Disk Access; launchd's next respawn of the job succeeds.
            react: Some(("ask-for-access", |c| {
                c.set(&json!({ "loaded": true, "running": true, "pid": 40009, "runs": 4, "last_exit": 1 }));
            })),
            ends: Ends::Fixed,
            after: assert_running,
            acts: false,
            files: true,
        },
    ),
    (
        "no_gui_session",
        Scenario {
            skill: "launchd-doctor/no-gui-session",
            needs: &[],
            svc: Svc::App,
            // Someone else has the console (fast user switching); the agent could not load.
            setup: |c| {
                c.set(&json!({ "loaded": false }));
                console(c, other_uid());
            },
            // Logged in at the console: an agent that is merely not loaded is not-loaded's case.
            healthy: |c| {
                c.set(&json!({ "loaded": false }));
                console(c, common::GUI_UID);
            },
            plan: &[
                (
                    "would_run",
                    "explain",
                    "auto",
                    "notify: org.example.fm.app is a GUI-session agent",
                ),
                (
                    "repeats",
                    "still-no-login",
                    "auto",
                    "notify: Waiting for a console login",
                ),
                ("skip", "load", "auto", "launchctl bootstrap gui/<uid> "),
                ("would_run", "wait-ready", "auto", "until fm/app is ready"),
            ],
            approval: false,
            params: no_params,
            // The user logs in at the console once told.
            react: Some(("explain", |c| console(c, common::GUI_UID))),
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert_eq!(c.st()["loaded"], json!(true));
            },
            acts: true,
            files: false,
        },
    ),
    (
        "bootstrap_io_error",
        Scenario {
            skill: "launchd-doctor/bootstrap-io-error",
            needs: &[],
            svc: Svc::App,
            // A valid job file; launchd still drains the label after a bootout, so the first
            // bootstrap fails with 5.
            setup: |c| {
                fresh_library(c);
                let plist = install_job(c, 0o644);
                c.set(&json!({ "loaded": false, "bootstrap_fails": 1, "plist": plist }));
            },
            // Not loaded, but its job file is not a property list: invalid-plist's case.
            healthy: |c| {
                fresh_library(c);
                write_mode(&plist_path(c), "<plist><dict>\n", 0o644);
                c.set(&json!({ "loaded": false }));
            },
            plan: &[
                (
                    "repeats",
                    "bootstrap",
                    "auto",
                    "launchctl bootstrap gui/<uid> ",
                ),
                (
                    "skip",
                    "restart-loaded",
                    "auto",
                    "launchctl kickstart -k gui/<uid>/org.example.fm.app",
                ),
                ("would_run", "wait-ready", "auto", "until fm/app is ready"),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                let boots = c.host.mutations();
                let boots: Vec<_> = boots
                    .iter()
                    .filter(|m| m.starts_with("bootstrap "))
                    .collect();
                assert_eq!(boots.len(), 2, "one failed bootstrap, one retry: {boots:?}");
            },
            acts: true,
            files: true,
        },
    ),
    (
        "bootstrap_io_error_on_a_daemon_needs_approval",
        Scenario {
            skill: "launchd-doctor/bootstrap-io-error",
            needs: &[Need::Tool("openssl")],
            svc: Svc::Worker,
            // Two bootstraps fail with 5; the third loads the job, which does not run at load, so
            // the skill starts it with `kickstart -k` (destructive on the daemon: approval).
            setup: |c| {
                fresh_library(c);
                let plist = install_job(c, 0o644);
                c.set(&json!({ "loaded": false, "bootstrap_fails": 2, "run_at_load": false, "plist": plist }));
            },
            healthy: |c| {
                fresh_library(c);
                let plist = install_job(c, 0o644);
                c.set(&json!({ "loaded": true, "running": true, "pid": 40001, "runs": 1, "plist": plist }));
            },
            plan: &[
                (
                    "repeats",
                    "bootstrap",
                    "auto",
                    "launchctl bootstrap system ",
                ),
                (
                    "skip",
                    "restart-loaded",
                    "approve",
                    "launchctl kickstart -k system/org.example.fm.worker",
                ),
            ],
            approval: true,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                let m = c.host.mutations();
                let boots = m.iter().filter(|m| m.starts_with("bootstrap ")).count();
                assert_eq!(boots, 3, "{m:?}");
                assert!(
                    m.iter()
                        .any(|m| m == "kickstart -k system/org.example.fm.worker"),
                    "{m:?}"
                );
            },
            acts: true,
            files: true,
        },
    ),
    (
        "invalid_plist_on_a_daemon",
        Scenario {
            skill: "launchd-doctor/invalid-plist",
            needs: &[],
            svc: Svc::Worker,
            // A hand-edited job file that is no longer a property list: bootstrap fails with 5.
            setup: |c| {
                fresh_library(c);
                let plist = plist_path(c);
                let text =
                    job_file(&label(c.svc), &["/usr/local/bin/worker"]).replace("</dict>", "");
                write_mode(&plist, &text, 0o644);
                c.set(&json!({ "loaded": false, "plist": plist.display().to_string() }));
            },
            // A valid job file, the job merely not loaded: not-loaded's case.
            healthy: |c| {
                fresh_library(c);
                let plist = install_job(c, 0o644);
                c.set(&json!({ "loaded": false, "plist": plist }));
            },
            plan: &[(
                "would_run",
                "regenerate",
                "auto",
                "notify: The job file of org.example.fm.worker is not a valid property list",
            )],
            approval: false,
            params: no_params,
            react: None,
            // The file is generated: a human regenerates it; the skill escalates.
            ends: Ends::Escalates,
            after: |c| {
                assert_eq!(c.st()["loaded"], json!(false));
                let text = std::fs::read_to_string(plist_path(c)).expect("plist");
                assert!(
                    !text.contains("</dict>"),
                    "the job file was patched: {text}"
                );
            },
            acts: false,
            files: true,
        },
    ),
    (
        "argv_single_string",
        Scenario {
            skill: "launchd-doctor/argv-single-string",
            needs: &[],
            svc: Svc::App,
            // ProgramArguments is one string "<program> --verbose": launchd finds no such file.
            setup: |c| {
                fresh_library(c);
                let program = c.root.join("bin/app").display().to_string();
                let joined = format!("{program} --verbose");
                write_mode(&plist_path(c), &job_file(&label(c.svc), &[&joined]), 0o644);
                c.set(&json!({ "loaded": true, "running": false, "runs": 30, "last_exit": 78 }));
            },
            // Exit 78 too, but with one argv element per string: not this skill's case.
            healthy: |c| {
                fresh_library(c);
                let program = c.root.join("bin/app").display().to_string();
                write_mode(
                    &plist_path(c),
                    &job_file(&label(c.svc), &[&program, "--verbose"]),
                    0o644,
                );
                c.set(&json!({ "loaded": true, "running": false, "runs": 30, "last_exit": 78 }));
            },
            plan: &[(
                "would_run",
                "regenerate",
                "auto",
                "notify: The installed job file of org.example.fm.app runs",
            )],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Escalates,
            after: |c| {
                assert_eq!(c.st()["running"], json!(false));
                let text = std::fs::read_to_string(plist_path(c)).expect("plist");
                assert!(text.contains(" --verbose</string>"), "{text}");
            },
            acts: false,
            files: true,
        },
    ),
    (
        "duplicate_label_on_a_daemon_needs_approval",
        Scenario {
            skill: "launchd-doctor/duplicate-label",
            needs: &[Need::Tool("openssl")],
            svc: Svc::Worker,
            // An old job file under another name declares the same Label; launchd loaded it.
            setup: |c| {
                fresh_library(c);
                let plist = install_job(c, 0o644);
                write_mode(
                    &c.root
                        .join("Library/LaunchDaemons/com.example.old-worker.plist"),
                    &job_file(&label(c.svc), &["/usr/local/bin/old-worker"]),
                    0o644,
                );
                c.set(&json!({ "loaded": true, "running": true, "pid": 40001, "runs": 1, "plist": plist }));
            },
            // Its own file, and another job's file with another label.
            healthy: |c| {
                fresh_library(c);
                let plist = install_job(c, 0o644);
                write_mode(
                    &c.root.join("Library/LaunchAgents/com.example.other.plist"),
                    &job_file("com.example.other", &["/usr/local/bin/other"]),
                    0o644,
                );
                c.set(&json!({ "loaded": true, "running": true, "pid": 40001, "runs": 1, "plist": plist }));
            },
            plan: &[
                (
                    "would_run",
                    "ask-to-resolve",
                    "auto",
                    "notify: Another job file in {root}/Library/LaunchDaemons or {root}/Library/LaunchAgents declares the label org.example.fm.worker",
                ),
                (
                    "repeats",
                    "still-duplicated",
                    "auto",
                    "notify: The label org.example.fm.worker is still declared twice.",
                ),
                // In `reload-own-file`, whose when-condition (no other file declares the label)
                // is false until the operator acts.
                (
                    "skip",
                    "unload",
                    "approve",
                    "launchctl bootout system/org.example.fm.worker",
                ),
                ("skip", "load", "auto", "launchctl bootstrap system "),
                (
                    "would_run",
                    "wait-ready",
                    "auto",
                    "until fm/worker is ready",
                ),
            ],
            approval: true,
            params: no_params,
            // The operator removes the stale file once told.
            react: Some(("ask-to-resolve", |c| {
                std::fs::remove_file(
                    c.root
                        .join("Library/LaunchDaemons/com.example.old-worker.plist"),
                )
                .expect("remove");
            })),
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert!(plist_path(c).exists(), "its own job file is gone");
                let m = c.host.mutations();
                assert!(
                    m.iter()
                        .any(|m| m == "bootout system/org.example.fm.worker"),
                    "{m:?}"
                );
                assert!(
                    m.iter().any(|m| m.starts_with("bootstrap system ")),
                    "{m:?}"
                );
            },
            acts: true,
            files: true,
        },
    ),
    (
        "quarantined_program",
        Scenario {
            skill: "launchd-doctor/quarantined-program",
            needs: &[],
            svc: Svc::App,
            // Signed, but downloaded (quarantined): launchd refuses to execute it.
            setup: |c| {
                let p = quarantined(c);
                sign(c, &p);
            },
            // Idle between runs; its program has other attributes but no quarantine.
            healthy: |c| {
                program(c, 0o755);
                let p = c.root.join("bin/app");
                set_xattr(c, &p, "com.apple.provenance", "01 02 00");
                c.set(&json!({ "loaded": true, "running": false, "runs": 3, "last_exit": 0, "program": p.display().to_string() }));
            },
            plan: &[
                (
                    "would_run",
                    "unquarantine",
                    "auto",
                    "{root}/shim/xattr -d com.apple.quarantine {root}/bin/app",
                ),
                (
                    "would_run",
                    "manual-review",
                    "auto",
                    "notify: {root}/bin/app is quarantined",
                ),
                (
                    "skip",
                    "start",
                    "auto",
                    "launchctl kickstart gui/<uid>/org.example.fm.app",
                ),
                ("skip", "wait-ready", "auto", "until fm/app is ready"),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                let p = c.root.join("bin/app");
                assert_eq!(xattr_of(c, &p, QUARANTINE), serde_json::Value::Null);
            },
            acts: true,
            files: true,
        },
    ),
    (
        "quarantined_unsigned_program_escalates",
        Scenario {
            skill: "launchd-doctor/quarantined-program",
            needs: &[],
            svc: Svc::App,
            // Quarantined and not signed: the attribute stays, a human reviews it.
            setup: |c| {
                quarantined(c);
            },
            healthy: |c| {
                program(c, 0o755);
                healthy_running(c);
            },
            plan: &[
                (
                    "skip",
                    "unquarantine",
                    "auto",
                    "{root}/shim/xattr -d com.apple.quarantine {root}/bin/app",
                ),
                (
                    "would_run",
                    "manual-review",
                    "auto",
                    "notify: {root}/bin/app is quarantined",
                ),
                (
                    "skip",
                    "start",
                    "auto",
                    "launchctl kickstart gui/<uid>/org.example.fm.app",
                ),
                // Nothing to wait for while launchd refuses the program.
                ("skip", "wait-ready", "auto", "until fm/app is ready"),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Escalates,
            after: |c| {
                let p = c.root.join("bin/app");
                assert_ne!(xattr_of(c, &p, QUARANTINE), serde_json::Value::Null);
                assert_eq!(c.st()["running"], json!(false));
            },
            acts: false,
            files: true,
        },
    ),
    (
        "log_path_unwritable",
        Scenario {
            skill: "launchd-doctor/log-path-unwritable",
            needs: &[],
            svc: Svc::App,
            // A read-only stdout log (left by a tool run as another user): every spawn fails.
            setup: |c| {
                program(c, 0o755);
                let (out, err) = (c.dir().join("out.log"), c.dir().join("err.log"));
                write_mode(&out, "old output\n", 0o444);
                c.set(&json!({
                    "loaded": true, "running": false, "runs": 25, "last_exit": 78,
                    "log_paths": [out.display().to_string(), err.display().to_string()],
                }));
            },
            // Exit 78 because its program is quarantined: quarantined-program's case.
            healthy: |c| {
                quarantined(c);
            },
            plan: &[
                (
                    "would_run",
                    "move-stdout",
                    "auto",
                    "mv {root}/app/out.log {root}/app/out.log.skillc-<timestamp>",
                ),
                ("skip", "move-stderr", "auto", "mv {root}/app/err.log "),
                (
                    "would_run",
                    "guidance",
                    "auto",
                    "notify: org.example.fm.app: launchd could not open {root}/app/out.log",
                ),
                (
                    "would_run",
                    "start",
                    "auto",
                    "launchctl kickstart gui/<uid>/org.example.fm.app",
                ),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert!(!c.dir().join("out.log").exists(), "the log is still there");
                assert_eq!(moved_aside(&c.dir(), "out.log"), 1, "log not moved aside");
            },
            acts: true,
            files: true,
        },
    ),
    (
        "plist_permissions_agent",
        Scenario {
            skill: "launchd-doctor/plist-permissions-agent",
            needs: &[Need::Tool("perl"), Need::Root],
            svc: Svc::App,
            // A group-writable job file (an installer's umask): launchctl refuses it.
            setup: |c| {
                fresh_library(c);
                let plist = install_job(c, 0o664);
                c.set(&json!({ "loaded": false, "plist": plist }));
            },
            // Owned by root, 0644, merely not loaded: not-loaded's case.
            healthy: |c| {
                fresh_library(c);
                let plist = install_job(c, 0o644);
                c.set(&json!({ "loaded": false, "plist": plist }));
            },
            plan: &[
                (
                    "would_run",
                    "ask-admin",
                    "auto",
                    "notify: {root}/Library/LaunchAgents/org.example.fm.app.plist must be owned by root",
                ),
                (
                    "repeats",
                    "still-bad",
                    "auto",
                    "notify: {root}/Library/LaunchAgents/org.example.fm.app.plist still has bad ownership",
                ),
                ("skip", "load", "auto", "launchctl bootstrap gui/<uid> "),
                ("would_run", "wait-ready", "auto", "until fm/app is ready"),
            ],
            approval: false,
            params: no_params,
            // An admin runs the chmod once asked (the agent's user cannot).
            react: Some(("ask-admin", |c| {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(plist_path(c), std::fs::Permissions::from_mode(0o644))
                    .expect("chmod");
            })),
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert_eq!(c.st()["loaded"], json!(true));
            },
            acts: true,
            files: true,
        },
    ),
    (
        "plist_permissions_daemon",
        Scenario {
            skill: "launchd-doctor/plist-permissions-daemon",
            needs: &[Need::Tool("perl"), Need::Root],
            svc: Svc::Worker,
            // A world-writable job file: launchctl refuses it.
            setup: |c| {
                fresh_library(c);
                let plist = install_job(c, 0o666);
                wheel_is_gid_0(c);
                c.set(&json!({ "loaded": false, "plist": plist }));
            },
            healthy: |c| {
                fresh_library(c);
                let plist = install_job(c, 0o644);
                c.set(&json!({ "loaded": false, "plist": plist }));
            },
            plan: &[
                (
                    "would_run",
                    "own-by-root",
                    "auto",
                    "chown root:wheel {root}/Library/LaunchDaemons/org.example.fm.worker.plist",
                ),
                (
                    "would_run",
                    "not-writable",
                    "auto",
                    "chmod 0644 {root}/Library/LaunchDaemons/org.example.fm.worker.plist",
                ),
                ("would_run", "load", "auto", "launchctl bootstrap system "),
                (
                    "would_run",
                    "wait-ready",
                    "auto",
                    "until fm/worker is ready",
                ),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                use std::os::unix::fs::MetadataExt;
                assert_running(c);
                let m = std::fs::metadata(plist_path(c)).expect("plist");
                assert_eq!((m.uid(), m.gid(), mode_of(&plist_path(c))), (0, 0, 0o644));
            },
            acts: true,
            files: true,
        },
    ),
    (
        "launchagents_dir_missing",
        Scenario {
            skill: "launchd-doctor/launchagents-dir-missing",
            needs: &[],
            svc: Svc::App,
            // No /Library/LaunchAgents: install.sh could not install the agent.
            setup: |c| {
                fresh_library(c);
                std::fs::remove_dir(c.root.join("Library/LaunchAgents")).expect("rmdir");
                let plist = plist_path(c).display().to_string();
                c.set(&json!({ "loaded": false, "plist": plist }));
            },
            // The directory is there (the agent merely not loaded: not-loaded's case).
            healthy: |c| {
                fresh_library(c);
                let plist = install_job(c, 0o644);
                c.set(&json!({ "loaded": false, "plist": plist }));
            },
            plan: &[
                (
                    "would_run",
                    "ask-admin",
                    "auto",
                    "notify: {root}/Library/LaunchAgents does not exist.",
                ),
                (
                    "repeats",
                    "still-missing",
                    "auto",
                    "notify: Waiting for {root}/Library/LaunchAgents/org.example.fm.app.plist",
                ),
                ("skip", "load", "auto", "launchctl bootstrap gui/<uid> "),
                ("would_run", "wait-ready", "auto", "until fm/app is ready"),
            ],
            approval: false,
            params: no_params,
            // An admin creates the directory and re-runs install.sh once asked.
            react: Some(("ask-admin", |c| {
                install_job(c, 0o644);
            })),
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert_eq!(c.st()["loaded"], json!(true));
            },
            acts: true,
            files: true,
        },
    ),
    (
        "missing_path",
        Scenario {
            skill: "launchd-doctor/missing-path",
            needs: &[],
            svc: Svc::App,
            setup: |c| {
                program(c, 0o755);
                c.set(&json!({ "loaded": true, "running": false, "runs": 8, "last_exit": 127 }));
                std::fs::write(
                    c.dir().join("err.log"),
                    "app: line 4: jq: command not found\n",
                )
                .expect("log");
            },
            // The same line in the log, from before: the job runs now.
            healthy: |c| {
                program(c, 0o755);
                healthy_running(c);
                std::fs::write(
                    c.dir().join("err.log"),
                    "app: line 4: jq: command not found\n",
                )
                .expect("log");
            },
            plan: &[(
                "would_run",
                "set-path",
                "auto",
                "notify: org.example.fm.app cannot find a tool it runs (see {root}/app/err.log)",
            )],
            approval: false,
            params: no_params,
            react: None,
            // The fix is in the source (run.env PATH): the skill only tells a human, and escalates.
            ends: Ends::Escalates,
            after: |c| assert_eq!(c.st()["running"], json!(false)),
            acts: false,
            files: true,
        },
    ),
    (
        "keychain_background_session",
        Scenario {
            skill: "launchd-doctor/keychain-background-session",
            needs: &[],
            svc: Svc::Keeper,
            setup: |c| {
                crashed(c);
                std::fs::write(
                    c.dir().join("err.log"),
                    "security: SecKeychainSearchCopyNext: User interaction is not allowed.\n",
                )
                .expect("log");
            },
            // The same line in the log, from before: the job runs now.
            healthy: |c| {
                healthy_running(c);
                std::fs::write(
                    c.dir().join("err.log"),
                    "security: SecKeychainSearchCopyNext: User interaction is not allowed.\n",
                )
                .expect("log");
            },
            plan: &[(
                "would_run",
                "redesign",
                "auto",
                "notify: org.example.fm.keeper cannot use the login keychain",
            )],
            approval: false,
            params: no_params,
            react: None,
            // A design change (an Aqua agent, or another secret store): escalates.
            ends: Ends::Escalates,
            after: |c| assert_eq!(c.st()["running"], json!(false)),
            acts: false,
            files: true,
        },
    ),
    (
        "network_not_ready",
        Scenario {
            skill: "launchd-doctor/network-not-ready",
            needs: &[],
            svc: Svc::Fetcher,
            // Started right after wake, before the network: DNS failed and it gave up.
            setup: |c| {
                crashed(c);
                std::fs::write(
                    c.dir().join("err.log"),
                    "getaddrinfo: nodename nor servname provided, or not known\n",
                )
                .expect("log");
            },
            // The same line in the log, from before: the job runs now.
            healthy: |c| {
                healthy_running(c);
                route_up(c);
                std::fs::write(
                    c.dir().join("err.log"),
                    "getaddrinfo: nodename nor servname provided, or not known\n",
                )
                .expect("log");
            },
            plan: &[
                (
                    "repeats",
                    "no-route-yet",
                    "auto",
                    "notify: No default route yet",
                ),
                (
                    "skip",
                    "restart",
                    "auto",
                    "launchctl kickstart -k gui/<uid>/org.example.fm.fetcher",
                ),
                (
                    "would_run",
                    "wait-ready",
                    "auto",
                    "until fm/fetcher is ready",
                ),
            ],
            approval: false,
            params: no_params,
            // The network comes up while the skill waits.
            react: Some(("no-route-yet", route_up)),
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                let m = c.host.mutations();
                assert!(m.iter().any(|m| m.starts_with("kickstart -k ")), "{m:?}");
            },
            acts: true,
            files: true,
        },
    ),
    (
        "stale_pidfile",
        Scenario {
            skill: "foundation-core/stale-pidfile",
            needs: &[],
            svc: Svc::App,
            setup: |c| stale_file(c, "app.pid"),
            healthy: |c| {
                healthy_running(c);
                std::fs::write(c.dir().join("app.pid"), "40001\n").expect("pid");
            },
            plan: &[
                (
                    "would_run",
                    "move-pidfile",
                    "auto",
                    "mv {root}/app/app.pid {root}/app/app.pid.skillc-<timestamp>",
                ),
                (
                    "would_run",
                    "start",
                    "auto",
                    "launchctl kickstart gui/<uid>/org.example.fm.app",
                ),
                ("would_run", "wait-started", "auto", "until fm/app is ready"),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert_eq!(
                    moved_aside(&c.dir(), "app.pid"),
                    1,
                    "pidfile not moved aside"
                );
            },
            acts: true,
            files: true,
        },
    ),
    (
        "stale_pidfile_on_a_daemon_needs_approval",
        Scenario {
            skill: "foundation-core/stale-pidfile",
            needs: &[Need::Tool("openssl")],
            svc: Svc::Worker,
            setup: |c| stale_file(c, "worker.pid"),
            healthy: healthy_running,
            plan: &[
                (
                    "would_run",
                    "move-pidfile",
                    "auto",
                    "mv {root}/worker/worker.pid ",
                ),
                (
                    "would_run",
                    "start",
                    "approve",
                    "launchctl kickstart system/org.example.fm.worker",
                ),
                (
                    "would_run",
                    "wait-started",
                    "auto",
                    "until fm/worker is ready",
                ),
            ],
            approval: true,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert_eq!(
                    moved_aside(&c.dir(), "worker.pid"),
                    1,
                    "pidfile not moved aside"
                );
            },
            acts: true,
            files: true,
        },
    ),
    (
        "stale_bus_owner",
        Scenario {
            skill: "foundation-core/stale-bus-owner",
            needs: &[],
            svc: Svc::Core("session-agent"),
            // The agent exited; an orphaned child of it still holds its bus name.
            setup: |c| {
                core_world(c);
                let mut st = core_state("session-agent", false);
                st["stale_owner"] = json!(["org.sovereign.session-agent"]);
                c.set(&st);
            },
            healthy: |c| {
                core_world(c);
                c.set(&core_state("session-agent", true));
            },
            plan: &[
                (
                    "would_run",
                    "release-name",
                    "auto",
                    "shim/sovereign-busctl release org.sovereign.session-agent",
                ),
                (
                    "would_run",
                    "start",
                    "auto",
                    "launchctl kickstart gui/<uid>/org.sovereign.session-agent",
                ),
                (
                    "would_run",
                    "wait-ready",
                    "auto",
                    "until foundation-core/session-agent is ready",
                ),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert_eq!(c.st()["stale_owner"], json!([]), "{}", c.st());
            },
            acts: true,
            files: false,
        },
    ),
    (
        "bus_name_missing",
        Scenario {
            skill: "foundation-core/bus-name-missing",
            needs: &[],
            svc: Svc::Core("session-agent"),
            // The agent runs, but its name is no longer registered on the bus.
            setup: |c| {
                core_world(c);
                let mut st = core_state("session-agent", true);
                st["unregistered"] = json!(["org.sovereign.session-agent"]);
                c.set(&st);
            },
            healthy: |c| {
                core_world(c);
                c.set(&core_state("session-agent", true));
            },
            plan: &[
                (
                    "would_run",
                    "release-name",
                    "auto",
                    "shim/sovereign-busctl release org.sovereign.session-agent",
                ),
                (
                    "repeats",
                    "kick",
                    "auto",
                    "launchctl kickstart -k gui/<uid>/org.sovereign.session-agent",
                ),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert_eq!(
                    c.st()["unregistered"],
                    serde_json::Value::Null,
                    "{}",
                    c.st()
                );
                assert!(
                    c.host
                        .mutations()
                        .iter()
                        .any(|m| m.starts_with("kickstart -k ")),
                    "{:?}",
                    c.host.mutations()
                );
            },
            acts: true,
            files: false,
        },
    ),
    (
        "keychain_locked_before_login",
        Scenario {
            skill: "foundation-core/keychain-locked-before-login",
            needs: &[],
            svc: Svc::Core("session-agent"),
            setup: |c| {
                core_world(c);
                set_facts(c, &json!({ "keychain_locked": true }));
                c.set(&core_state("session-agent", false));
                root_file(
                    c,
                    "Users/Shared/Sovereign/logs/session-agent.err.log",
                    "keychain: User interaction is not allowed.\n",
                );
            },
            // The same line in the log, from before: the agent runs now.
            healthy: |c| {
                core_world(c);
                c.set(&core_state("session-agent", true));
                root_file(
                    c,
                    "Users/Shared/Sovereign/logs/session-agent.err.log",
                    "keychain: User interaction is not allowed.\n",
                );
            },
            plan: &[
                (
                    "repeats",
                    "ask-user",
                    "auto",
                    "notify: session-agent needs the login keychain",
                ),
                (
                    "would_run",
                    "restart-agent",
                    "auto",
                    "launchctl kickstart -k gui/<uid>/org.sovereign.session-agent",
                ),
                (
                    "would_run",
                    "wait-agent",
                    "auto",
                    "until foundation-core/session-agent is ready",
                ),
            ],
            approval: false,
            params: no_params,
            // The user unlocks the login keychain when asked.
            react: Some(("ask-user", |c| {
                set_facts(c, &json!({ "keychain_locked": false }));
            })),
            ends: Ends::Fixed,
            after: assert_running,
            acts: true,
            files: true,
        },
    ),
    (
        "secrets_sealed_after_reboot",
        Scenario {
            skill: "foundation-core/secrets-sealed-after-reboot",
            needs: &[Need::Tool("openssl")],
            svc: Svc::Core("secrets"),
            // secretsd runs, sealed; an auto-unseal key is enrolled.
            setup: |c| {
                core_world(c);
                set_facts(c, &json!({ "sealed": true, "auto_unseal": true }));
            },
            healthy: core_world,
            plan: &[
                (
                    "would_run",
                    "auto-unseal",
                    "approve",
                    "shim/secretsctl unseal --from-keychain /Library/Keychains/System.keychain",
                ),
                (
                    "would_run",
                    "manual-unseal",
                    "auto",
                    "notify: The secret store is still sealed",
                ),
                ("repeats", "still-sealed", "auto", "notify: Still sealed"),
                (
                    "would_run",
                    "wait-ready",
                    "auto",
                    "until foundation-core/secrets is ready",
                ),
            ],
            approval: true,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert_eq!(facts(c)["sealed"], json!(false));
                // The auto-unseal worked: nobody is told it is still sealed.
                let notes = notes(c);
                assert!(
                    !notes
                        .iter()
                        .any(|n| n.contains("still sealed") || n.contains("Still sealed")),
                    "{notes:?}"
                );
            },
            acts: false,
            files: false,
        },
    ),
    (
        "dependency_not_ready_at_boot",
        Scenario {
            skill: "foundation-core/dependency-not-ready-at-boot",
            needs: &[],
            svc: Svc::App,
            // fm/app started before the foundation was up and gave up; the foundation is up now.
            setup: |c| {
                core_world(c);
                crashed(c);
                std::fs::write(
                    c.dir().join("err.log"),
                    "fatal: dependency not ready: bus\n",
                )
                .expect("log");
            },
            healthy: |c| {
                core_world(c);
                healthy_running(c);
                std::fs::write(
                    c.dir().join("err.log"),
                    "fatal: dependency not ready: bus\n",
                )
                .expect("log");
            },
            plan: &[
                (
                    "would_run",
                    "wait-bus",
                    "auto",
                    "until foundation-core/bus is ready",
                ),
                (
                    "would_run",
                    "wait-identity",
                    "auto",
                    "until foundation-core/identity is ready",
                ),
                (
                    "would_run",
                    "wait-storage",
                    "auto",
                    "until foundation-core/storage is ready",
                ),
                (
                    "repeats",
                    "kick",
                    "auto",
                    "launchctl kickstart -k gui/<uid>/org.example.fm.app",
                ),
            ],
            approval: false,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: assert_running,
            acts: true,
            files: true,
        },
    ),
    (
        "network_not_ready_after_wake",
        Scenario {
            skill: "foundation-core/network-not-ready-after-wake",
            needs: &[Need::Tool("openssl")],
            svc: Svc::Core("mobile-gateway"),
            setup: |c| {
                core_world(c);
                c.set(&core_state("mobile-gateway", false));
                root_file(
                    c,
                    "usr/local/var/log/sovereign/mobile-gateway.err.log",
                    "getaddrinfo: nodename nor servname provided, or not known\n",
                );
            },
            healthy: |c| {
                core_world(c);
                c.set(&core_state("mobile-gateway", true));
                root_file(
                    c,
                    "usr/local/var/log/sovereign/mobile-gateway.err.log",
                    "getaddrinfo: nodename nor servname provided, or not known\n",
                );
            },
            plan: &[
                (
                    "would_run",
                    "wait-network",
                    "auto",
                    "until foundation-core/network is ready",
                ),
                (
                    "repeats",
                    "note-waiting",
                    "auto",
                    "notify: Waiting for a default route",
                ),
                (
                    "would_run",
                    "restart",
                    "approve",
                    "launchctl kickstart -k system/org.sovereign.mobile-gateway",
                ),
            ],
            approval: true,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                // The default route was there all along: no "waiting" note.
                let notes = notes(c);
                assert!(!notes.iter().any(|n| n.contains("Waiting")), "{notes:?}");
            },
            acts: true,
            files: true,
        },
    ),
    (
        "gateway_port_in_use",
        Scenario {
            skill: "foundation-core/gateway-port-in-use",
            needs: &[Need::Tool("openssl")],
            svc: Svc::Core("mobile-gateway"),
            // An orphaned earlier gateway (alive, in the PID file) holds 8443; the job exited
            // with EADDRINUSE.
            setup: |c| {
                core_world(c);
                let mut st = core_state("mobile-gateway", false);
                st["last_exit"] = json!(48);
                c.set(&st);
                net(c, "127.0.0.1:8443", Some(json!({ "/healthz": 200 })));
                std::fs::write(
                    c.dir().join("mobile-gateway.pid"),
                    format!("{}\n", gateway_orphan(c)),
                )
                .expect("pid");
            },
            healthy: |c| {
                core_world(c);
                c.set(&core_state("mobile-gateway", true));
            },
            plan: &[
                ("would_run", "stop-orphan", "approve", "mobile-gateway.pid"),
                (
                    "repeats",
                    "still-held",
                    "auto",
                    "notify: Port 8443 is still held",
                ),
                (
                    "skip",
                    "start",
                    "approve",
                    "launchctl kickstart system/org.sovereign.mobile-gateway",
                ),
                (
                    "would_run",
                    "wait-ready",
                    "auto",
                    "until foundation-core/mobile-gateway is ready",
                ),
            ],
            approval: true,
            params: no_params,
            // The orphan exits on SIGTERM: its port is free.
            react: Some(("stop-orphan", |c| {
                let pid = std::fs::read_to_string(c.dir().join("mobile-gateway.pid")).expect("pid");
                let pid: u32 = pid.trim().parse().expect("pid");
                for _ in 0..200 {
                    if exited(pid) {
                        net(c, "127.0.0.1:8443", None);
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            })),
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                let pid = std::fs::read_to_string(c.dir().join("mobile-gateway.pid")).expect("pid");
                assert!(exited(pid.trim().parse().expect("pid")), "the orphan lives");
            },
            acts: true,
            files: true,
        },
    ),
    (
        "clock_skew_identity_tokens",
        Scenario {
            skill: "foundation-core/clock-skew-identity-tokens",
            needs: &[Need::Tool("openssl")],
            svc: Svc::Core("identity"),
            setup: |c| {
                core_world(c);
                set_facts(c, &json!({ "clock_offset": 3600 }));
                root_file(
                    c,
                    "usr/local/var/log/sovereign/identity.err.log",
                    "token rejected: not yet valid (clock skew detected)\n",
                );
            },
            // The same line in the log, from before: the clock is right now.
            healthy: |c| {
                core_world(c);
                root_file(
                    c,
                    "usr/local/var/log/sovereign/identity.err.log",
                    "token rejected: not yet valid (clock skew detected)\n",
                );
            },
            plan: &[
                (
                    "would_run",
                    "step-clock",
                    "approve",
                    "shim/sntp -S time.apple.com",
                ),
                (
                    "repeats",
                    "still-skewed",
                    "auto",
                    "notify: The clock still disagrees",
                ),
                (
                    "would_run",
                    "tell-clients",
                    "auto",
                    "notify: The clock was corrected",
                ),
            ],
            approval: true,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert_eq!(facts(c)["clock_offset"], json!(0));
                // Stepped at once: no "still disagrees", but clients are told to sign in again.
                let notes = notes(c);
                assert!(
                    !notes.iter().any(|n| n.contains("still disagrees")),
                    "{notes:?}"
                );
                assert!(
                    notes
                        .iter()
                        .any(|n| n.starts_with("The clock was corrected")),
                    "{notes:?}"
                );
            },
            acts: false,
            files: true,
        },
    ),
    (
        "storage_volume_not_mounted",
        Scenario {
            skill: "foundation-core/storage-volume-not-mounted",
            needs: &[Need::Tool("openssl")],
            svc: Svc::Core("storage"),
            // storaged refuses to start without its volume's marker (the volume is not mounted).
            setup: |c| {
                core_world(c);
                let mut st = core_state("storage", false);
                st["start_requires_present"] =
                    json!([c.dir().join(".sovereign-volume").display().to_string()]);
                c.set(&st);
            },
            healthy: |c| {
                core_world(c);
                std::fs::write(c.dir().join(".sovereign-volume"), "").expect("marker");
            },
            plan: &[
                (
                    "would_run",
                    "mount",
                    "approve",
                    "shim/diskutil mount -mountPoint {root}/usr/local/var/sovereign/storage SovereignData",
                ),
                (
                    "skip",
                    "start",
                    "approve",
                    "launchctl kickstart -k system/org.sovereign.storage",
                ),
                (
                    "would_run",
                    "wait-ready",
                    "auto",
                    "until foundation-core/storage is ready",
                ),
            ],
            approval: true,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert!(c.dir().join(".sovereign-volume").exists(), "not mounted");
            },
            acts: true,
            files: true,
        },
    ),
    (
        "pending_migration",
        Scenario {
            skill: "foundation-core/pending-migration",
            needs: &[Need::Tool("openssl")],
            svc: Svc::Core("storage"),
            // storaged refuses to start while MIGRATION_PENDING exists.
            setup: |c| {
                core_world(c);
                let mut st = core_state("storage", false);
                st["start_requires_absent"] =
                    json!([c.dir().join("MIGRATION_PENDING").display().to_string()]);
                c.set(&st);
                std::fs::write(c.dir().join("MIGRATION_PENDING"), "v7\n").expect("marker");
                std::fs::write(c.dir().join("data.db"), "rows\n").expect("data");
                fresh_backups(c);
            },
            healthy: |c| {
                core_world(c);
                std::fs::write(c.dir().join("data.db"), "rows\n").expect("data");
            },
            plan: &[
                (
                    "skip",
                    "backup-dir",
                    "approve",
                    "{root}/usr/local/var/sovereign/backups",
                ),
                (
                    "would_run",
                    "snapshot",
                    "approve",
                    "shim/storagectl snapshot --data {root}/usr/local/var/sovereign/storage --to {root}/usr/local/var/sovereign/backups",
                ),
                (
                    "would_run",
                    "stop-storage",
                    "approve",
                    "launchctl bootout system/org.sovereign.storage",
                ),
                (
                    "would_run",
                    "migrate",
                    "approve",
                    "shim/storagectl migrate --apply --data {root}/usr/local/var/sovereign/storage",
                ),
                // Loaded now, so nothing to do yet; after `stop-storage` it is.
                (
                    "no_change",
                    "start-storage",
                    "approve",
                    "launchctl bootstrap system ",
                ),
                (
                    "would_run",
                    "wait-storage",
                    "auto",
                    "until foundation-core/storage is ready",
                ),
            ],
            approval: true,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                assert!(!c.dir().join("MIGRATION_PENDING").exists(), "not migrated");
                let snap = c.root.join("usr/local/var/sovereign/backups/snapshot-1");
                assert_eq!(
                    std::fs::read_to_string(snap.join("data.db"))
                        .ok()
                        .as_deref(),
                    Some("rows\n"),
                    "no snapshot taken before the migration"
                );
                assert!(
                    snap.join("MIGRATION_PENDING").exists(),
                    "snapshot not taken first"
                );
            },
            acts: true,
            files: true,
        },
    ),
    (
        "log_volume_full",
        Scenario {
            skill: "foundation-core/log-volume-full",
            needs: &[Need::Tool("openssl")],
            svc: Svc::Core("bus"),
            // The log volume (4 MiB here) is 95% full, most of it the archive.
            setup: |c| {
                log_volume(c);
                let archive = c.root.join("usr/local/var/log/sovereign/archive");
                std::fs::create_dir_all(&archive).expect("mkdir");
                std::fs::write(archive.join("2026-10.tar"), vec![0x5a_u8; 3900 * 1024])
                    .expect("archive");
            },
            healthy: log_volume,
            plan: &[
                (
                    "would_run",
                    "truncate-stdout",
                    "approve",
                    "truncate {root}/usr/local/var/log/sovereign/bus.out.log",
                ),
                (
                    "would_run",
                    "truncate-stderr",
                    "approve",
                    "truncate {root}/usr/local/var/log/sovereign/bus.err.log",
                ),
                (
                    "would_run",
                    "drop-archive",
                    "approve",
                    "rm -rf {root}/usr/local/var/log/sovereign/archive",
                ),
                (
                    "skip",
                    "restart",
                    "approve",
                    "launchctl kickstart -k system/org.sovereign.busd",
                ),
            ],
            approval: true,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                let logs = c.root.join("usr/local/var/log/sovereign");
                assert!(!logs.join("archive").exists(), "archive still there");
                // Emptied in place: the same file (the descriptor launchd holds stays valid),
                // owner and mode as they were, no renamed copy left on the full volume.
                for f in ["bus.out.log", "bus.err.log"] {
                    let m = std::fs::metadata(logs.join(f)).expect("log still there");
                    assert_eq!(m.len(), 0, "{f} not emptied");
                    assert_eq!(
                        std::fs::read_to_string(logs.join(format!("{f}.inode"))).expect("inode"),
                        std::os::unix::fs::MetadataExt::ino(&m).to_string(),
                        "{f} was replaced, not emptied in place"
                    );
                    assert!(!logs.join(format!("{f}.0")).exists(), "{f} renamed");
                }
            },
            acts: false,
            files: true,
        },
    ),
    (
        "gateway_certificate_expired",
        Scenario {
            skill: "foundation-core/gateway-certificate-expired",
            needs: &[Need::Tool("openssl"), Need::Tool("python3")],
            svc: Svc::Core("mobile-gateway"),
            // The gateway runs, with a certificate that expired yesterday.
            setup: |c| {
                core_world(c);
                c.set(&core_state("mobile-gateway", true));
                assert!(gateway_cert(c, -1), "openssl");
            },
            healthy: |c| {
                core_world(c);
                c.set(&core_state("mobile-gateway", true));
                assert!(gateway_cert(c, 30), "openssl");
            },
            plan: &[
                (
                    "would_run",
                    "wait-identity",
                    "auto",
                    "until foundation-core/identity is ready",
                ),
                (
                    "would_run",
                    "keep-old-cert",
                    "confirm",
                    "mv {root}/usr/local/etc/sovereign/tls/mobile-gateway.crt ",
                ),
                (
                    "would_run",
                    "issue",
                    "confirm",
                    "shim/identityctl issue-cert --for org.sovereign.mobile-gateway --out {root}/usr/local/etc/sovereign/tls/mobile-gateway.crt",
                ),
                // The certificate is not renewed yet.
                (
                    "skip",
                    "reload",
                    "approve",
                    "launchctl kickstart -k system/org.sovereign.mobile-gateway",
                ),
                (
                    "would_run",
                    "wait-ready",
                    "auto",
                    "until foundation-core/mobile-gateway is ready",
                ),
            ],
            approval: true,
            params: no_params,
            react: None,
            ends: Ends::Fixed,
            after: |c| {
                assert_running(c);
                let tls = c.root.join("usr/local/etc/sovereign/tls");
                assert!(
                    cert_valid_for(&tls.join("mobile-gateway.crt"), 86_400),
                    "no fresh certificate"
                );
                assert_eq!(
                    moved_aside(&tls, "mobile-gateway.crt"),
                    1,
                    "old one not kept"
                );
                assert!(
                    c.host
                        .mutations()
                        .iter()
                        .any(|m| m.starts_with("kickstart -k ")),
                    "not reloaded: {:?}",
                    c.host.mutations()
                );
            },
            acts: true,
            files: true,
        },
    ),
];

/// Approver `who`'s own key pair (one per test binary: making keys is not free).
fn signer(who: &str) -> &'static common::Signer {
    static SIGNERS: OnceLock<Mutex<Vec<&'static common::Signer>>> = OnceLock::new();
    let mut all = SIGNERS
        .get_or_init(|| Mutex::new(Vec::new()))
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(s) = all.iter().find(|s| s.name == who) {
        return s;
    }
    let s: &'static common::Signer = Box::leak(Box::new(common::Signer::new(who)));
    all.push(s);
    s
}

/// The approvers whose tokens `--apply` gets (one each) in a scenario that needs approval: one
/// from `ops` by default; two for the steps foundation-core's policy rates destructive on L1.
fn approvers(name: &str) -> &'static [&'static str] {
    match name {
        "clock_skew_identity_tokens"
        | "storage_volume_not_mounted"
        | "pending_migration"
        | "log_volume_full" => &["alice", "bob"],
        _ => &["alice"],
    }
}

/// Links the foundation-core tool shims (tests/harness/fc) into /ROOT/shim (once per test
/// binary), and the `curl` and `df` shims into this host's PATH.
fn core_tools(c: &Ctx) {
    static SHIMS: OnceLock<()> = OnceLock::new();
    let harness = common::crate_dir().join("tests/harness");
    let link = |from: &Path, to: &Path| match std::os::unix::fs::symlink(from, to) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => panic!("symlink: {e}"),
        _ => {}
    };
    SHIMS.get_or_init(|| {
        let dir = c.root.join("shim");
        std::fs::create_dir_all(&dir).expect("mkdir");
        for e in std::fs::read_dir(harness.join("fc"))
            .expect("fc shims")
            .flatten()
        {
            link(&e.path(), &dir.join(e.file_name()));
        }
    });
    let bin = c.host.path().join("bin");
    link(&harness.join("curl"), &bin.join("curl"));
    link(&harness.join("fc/df"), &bin.join("df"));
}

/// The fixed addresses foundation-core's services listen on.
const CORE_PORTS: &[&str] = &[
    "127.0.0.1:7410",
    "127.0.0.1:7430",
    "127.0.0.1:7450",
    "127.0.0.1:7460",
    "127.0.0.1:8080",
    "127.0.0.1:8443",
];

/// The launchd state of foundation-core's service `id`, running and serving (its bus name
/// checked in, its port answering its health check) or exited (`running` false).
fn core_state(id: &str, running: bool) -> serde_json::Value {
    let listens = match id {
        "identity" => json!({ "127.0.0.1:7410": { "/health": 200 } }),
        "storage" => json!({ "127.0.0.1:7430": { "/health": 200 } }),
        "mobile-gateway" => json!({ "127.0.0.1:8443": { "/healthz": 200 } }),
        _ => json!({}),
    };
    let mut st = json!({
        "loaded": true, "running": running, "disabled": false, "runs": 1,
        "endpoints": [if id == "bus" { "org.sovereign.bus".to_owned() } else { format!("org.sovereign.{id}") }],
        "listens": listens,
    });
    if running {
        st["pid"] = json!(41001);
    } else {
        st["runs"] = json!(3);
        st["last_exit"] = json!(1);
    }
    st
}

/// foundation-core's foundation as a healthy host has it: bus (its socket file and name),
/// identity, storage, secrets and network (a default route (tests/harness/shim/route), its
/// `network.up`) running and ready;
/// no other process listens on the services' fixed ports (net.json: whatever the machine running
/// the tests has there is not seen); the shims installed. The scenario's own service comes after.
fn core_world(c: &Ctx) {
    core_tools(c);
    route_up(c);
    let run = c.root.join("usr/local/var/run/sovereign");
    for d in [
        run.clone(),
        c.root.join("usr/local/var/log/sovereign"),
        c.root.join("Users/Shared/Sovereign/logs"),
    ] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    // Created once, never removed (scenarios in parallel read them).
    for f in ["bus.sock", "network.up"] {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(run.join(f))
            .expect("touch");
    }
    for id in ["bus", "identity", "storage", "secrets", "network"] {
        c.host
            .service(&Svc::Core(id).launchd_target(), &core_state(id, true));
    }
    let net: serde_json::Map<String, serde_json::Value> = CORE_PORTS
        .iter()
        .map(|a| ((*a).to_owned(), serde_json::Value::Null))
        .collect();
    write_json(&c.host.path().join("launchd/net.json"), &json!(net));
}

fn write_json(p: &Path, v: &serde_json::Value) {
    std::fs::write(p, serde_json::to_vec_pretty(v).expect("json")).expect("write");
}

/// The host's facts the foundation-core shims read (see tests/harness/fc/fcsim.py).
fn facts(c: &Ctx) -> serde_json::Value {
    std::fs::read(c.host.path().join("launchd/fc.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_else(|| json!({}))
}

fn set_facts(c: &Ctx, v: &serde_json::Value) {
    write_json(&c.host.path().join("launchd/fc.json"), v);
}

/// Another process listening on `addr` (`Some`), or nothing (`None`).
fn net(c: &Ctx, addr: &str, routes: Option<serde_json::Value>) {
    let p = c.host.path().join("launchd/net.json");
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&p).expect("net.json")).expect("json");
    v[addr] = routes.unwrap_or(serde_json::Value::Null);
    write_json(&p, &v);
}

/// The file `rel` (relative to /ROOT) with `text`.
fn root_file(c: &Ctx, rel: &str, text: &str) {
    let p = c.root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// The audit log's `notify` messages.
fn notes(c: &Ctx) -> Vec<String> {
    std::fs::read_to_string(c.host.audit_log())
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["event"] == json!("notify") && v["mode"] == json!("apply"))
        .filter_map(|v| v["message"].as_str().map(str::to_owned))
        .collect()
}

/// An orphaned earlier gateway: the service's program (a copy of `sleep 300`), in its own session
/// as launchd's jobs are, running as the service's user `_sovereign` (created when missing; the
/// scenarios run as root): what the pidfile-signal builtin requires of a PID it signals.
fn gateway_orphan(c: &Ctx) -> u32 {
    static PROGRAM: OnceLock<PathBuf> = OnceLock::new();
    let prog = PROGRAM.get_or_init(|| {
        let ok = std::process::Command::new("sh")
            .args([
                "-c",
                "id -u _sovereign >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin _sovereign",
            ])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "cannot create the service user _sovereign (the scenarios run as root)");
        let p = c.root.join("usr/local/libexec/sovereign/mobile-gateway");
        std::fs::create_dir_all(p.parent().expect("dir")).expect("mkdir");
        std::fs::copy("/bin/sleep", &p).expect("copy sleep");
        p
    });
    let o = std::process::Command::new("sh")
        .args([
            "-c",
            "setsid setpriv --reuid \"$(id -u _sovereign)\" --regid \"$(id -g _sovereign)\" --clear-groups \"$1\" 300 >/dev/null 2>&1 </dev/null & echo $!",
            "sh",
        ])
        .arg(prog)
        .output()
        .expect("spawn");
    String::from_utf8_lossy(&o.stdout)
        .trim()
        .parse()
        .expect("pid")
}

/// Whether process `pid` has exited (gone, or a zombie nobody reaped yet).
fn exited(pid: u32) -> bool {
    let o = std::process::Command::new("ps")
        .args(["-o", "stat=", "-p", &pid.to_string()])
        .output()
        .expect("ps");
    let stat = String::from_utf8_lossy(&o.stdout);
    stat.trim().is_empty() || stat.trim_start().starts_with('Z')
}

/// An empty backups dir (foundation-core's /usr/local/var/sovereign/backups).
fn fresh_backups(c: &Ctx) {
    let b = c.root.join("usr/local/var/sovereign/backups");
    if b.exists() {
        std::fs::remove_dir_all(&b).expect("clean");
    }
    std::fs::create_dir_all(&b).expect("mkdir");
}

/// The bus running with its two logs on a 4 MiB log volume (the `df` shim), nothing else on it
/// but other scenarios' small logs.
fn log_volume(c: &Ctx) {
    core_world(c);
    let logs = c.root.join("usr/local/var/log/sovereign");
    let archive = logs.join("archive");
    if archive.exists() {
        std::fs::remove_dir_all(&archive).expect("clean");
    }
    for f in ["bus.out.log", "bus.err.log"] {
        std::fs::write(logs.join(f), "started\n").expect("log");
        let ino =
            std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(logs.join(f)).expect("log"));
        std::fs::write(logs.join(format!("{f}.inode")), ino.to_string()).expect("inode");
    }
    set_facts(
        c,
        &json!({ "volumes": { logs.display().to_string(): 4096 } }),
    );
}

/// Scenarios whose policy asks for an interactive confirmation on `--apply` (besides any
/// approval): foundation-core's reversible and disruptive steps on an L2/L3 daemon.
fn confirms(s: &Scenario) -> bool {
    s.skill == "foundation-core/gateway-certificate-expired"
}

/// Runs `--apply`: for a scenario that `confirms`, on a terminal where an operator types `yes`
/// at the prompt (tests/harness/pty-yes); else as `Host::run` (no terminal).
fn run_apply(s: &Scenario, c: &Ctx, script: &Path, a: &[&str]) -> std::process::Output {
    if !confirms(s) {
        return c.host.run(script, a);
    }
    let inner = c.host.command(script, a);
    let mut cmd = std::process::Command::new("python3");
    cmd.arg(common::crate_dir().join("tests/harness/pty-yes"))
        .arg(inner.get_program())
        .args(inner.get_args())
        .current_dir(c.host.path())
        .stdin(std::process::Stdio::null());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.output().expect("run script on a terminal")
}

/// The mobile gateway's TLS certificate (relocated), made by openssl: valid for `days` (-1: it
/// expired a day ago). False (with a notice) when this openssl cannot back-date one.
fn gateway_cert(c: &Ctx, days: i32) -> bool {
    let tls = c.root.join("usr/local/etc/sovereign/tls");
    if tls.exists() {
        std::fs::remove_dir_all(&tls).expect("clean");
    }
    std::fs::create_dir_all(&tls).expect("mkdir");
    let (key, csr) = (tls.join("gw.key"), tls.join("gw.csr"));
    let ok = |args: &[&str]| {
        std::process::Command::new("openssl")
            .args(args)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let made = ok(&[
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        &key.display().to_string(),
        "-out",
        &csr.display().to_string(),
        "-subj",
        "/CN=org.sovereign.mobile-gateway",
    ]) && ok(&[
        "x509",
        "-req",
        "-in",
        &csr.display().to_string(),
        "-signkey",
        &key.display().to_string(),
        "-days",
        &days.to_string(),
        "-out",
        &tls.join("mobile-gateway.crt").display().to_string(),
    ]);
    let _ = std::fs::remove_file(&key);
    let _ = std::fs::remove_file(&csr);
    if !made {
        common::tool_missing(&format!(
            "openssl cannot make a certificate valid for {days} days"
        ));
    }
    made
}

/// Whether the certificate at `p` is valid for at least `secs` more seconds (`openssl x509
/// -checkend`).
fn cert_valid_for(p: &Path, secs: u64) -> bool {
    std::process::Command::new("openssl")
        .args(["x509", "-checkend", &secs.to_string(), "-noout", "-in"])
        .arg(p)
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The simulated host's facts beyond launchd (the foundation-core shims' fc.json, net.json).
fn sim_files(c: &Ctx) -> Vec<Option<Vec<u8>>> {
    ["fc.json", "net.json"]
        .iter()
        .map(|f| std::fs::read(c.host.path().join("launchd").join(f)).ok())
        .collect()
}

/// For a foundation-core service, the shared dirs its skills write to (logs, TLS, backups) that
/// exist, for `listing`.
fn core_dirs(c: &Ctx) -> Vec<PathBuf> {
    if !matches!(c.svc, Svc::Core(_)) {
        return Vec::new();
    }
    [
        "usr/local/var/log/sovereign",
        "usr/local/etc/sovereign/tls",
        "usr/local/var/sovereign/backups",
    ]
    .iter()
    .map(|d| c.root.join(d))
    .filter(|d| d.is_dir())
    .collect()
}

fn scenario(name: &str) -> &'static Scenario {
    &SCENARIOS
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
        .1
}

fn script(s: &Scenario) -> PathBuf {
    built()
        .out
        .join(s.svc.family())
        .join("remediate")
        .join(format!("{}--{}.sh", s.skill.replace('/', "--"), s.svc.id()))
}

/// A fresh host (and, for file scenarios, fresh service dirs) with the port held.
fn with_ctx(s: &Scenario, f: impl FnOnce(&Ctx)) {
    let b = built();
    let shell = common::shells().remove(0);
    let host = Host::new(&shell);
    if s.files {
        let dir = b.root.join(s.svc.rel_dir());
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("clean");
        }
    }
    std::fs::create_dir_all(b.root.join(s.svc.rel_dir())).expect("mkdir");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let ctx = Ctx {
        host: &host,
        svc: s.svc,
        root: &b.root,
        held: Mutex::new(Some(listener)),
        port,
    };
    f(&ctx);
    // `--detect` alone writes no audit log.
    if host.audit_log().exists() {
        host.validate_audit();
    }
}

fn args<'a>(extra: &'a [String], base: &[&'a str]) -> Vec<&'a str> {
    let mut v = base.to_vec();
    v.extend(extra.iter().map(String::as_str));
    v
}

/// The files under the service's dir and /ROOT/bin, with mode, size and mtime (plan mode must
/// not touch them).
fn listing(c: &Ctx) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let mut dirs = vec![c.dir(), c.root.join("bin")];
    dirs.extend(core_dirs(c));
    let mut v: Vec<String> = dirs
        .iter()
        // The job files under /ROOT/Library too, when a scenario has them.
        .chain(&[
            c.root.join("Library/LaunchAgents"),
            c.root.join("Library/LaunchDaemons"),
        ])
        .filter(|d| d.is_dir())
        .flat_map(|d| std::fs::read_dir(d).expect("dir"))
        .filter_map(Result::ok)
        .map(|e| {
            let m = e.metadata().expect("metadata");
            format!(
                "{} {:o} {} {:?}",
                e.path().display(),
                m.permissions().mode(),
                m.len(),
                m.modified().ok()
            )
        })
        .collect();
    v.sort();
    v
}

/// Runs `--apply --json` while a watcher plays the world's reaction (if any).
fn apply(s: &Scenario, c: &Ctx, script: &Path, extra: &[String]) -> std::process::Output {
    let a = args(extra, &["--apply", "--json"]);
    let Some((step, react)) = s.react else {
        return run_apply(s, c, script, &a);
    };
    let done = AtomicBool::new(false);
    let needle = format!("\"step\":\"{step}\"");
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::SeqCst) {
                let log = std::fs::read_to_string(c.host.audit_log()).unwrap_or_default();
                if log.lines().any(|l| {
                    l.contains("\"event\":\"step_end\"")
                        && l.contains("\"mode\":\"apply\"")
                        && l.contains(&needle)
                }) {
                    react(c);
                    return;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        let o = run_apply(s, c, script, &a);
        done.store(true, Ordering::SeqCst);
        o
    })
}

/// Whether this machine has what scenario `name` needs (a notice for the first thing missing).
fn runnable(name: &str, s: &Scenario) -> bool {
    s.needs.iter().all(|need| match need {
        Need::Tool(tool) => common::have_tool(tool),
        Need::Root => root_or_skip(name),
    })
}

fn run(name: &str) {
    let s = scenario(name);
    let _files = s
        .files
        .then(|| FILES.lock().unwrap_or_else(PoisonError::into_inner));
    let script = script(s);
    assert!(script.exists(), "no script {}", script.display());
    let root = built().root.display().to_string();

    // The failure is there: detect fires, the plan is right and changes nothing, apply fixes it.
    with_ctx(s, |c| {
        (s.setup)(c);
        let extra = (s.params)(c);
        let o = c.host.run(&script, &args(&extra, &["--detect"]));
        assert_eq!(
            o.status.code(),
            Some(0),
            "--detect did not fire: {}",
            text(&o)
        );

        // Only scenarios holding FILES own the service dir's listing.
        let files = s.files.then(|| listing(c));
        let state = c.host.state();
        let world = sim_files(c);
        let o = c.host.run(
            &script,
            &extra.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            stdout.contains("detect: the failure is present"),
            "{stdout}"
        );
        for (verb, step, outcome, cmd) in s.plan {
            let cmd = cmd.replace("{root}", &root);
            assert!(
                stdout.lines().any(|l| {
                    let mut w = l.split_whitespace();
                    w.next() == Some(verb)
                        && w.next() == Some(step)
                        && w.next() == Some(outcome)
                        && l.contains(&cmd)
                }),
                "no plan line `{verb} {step} {outcome} ... {cmd}` in:\n{stdout}"
            );
        }
        assert!(
            c.host.mutations().is_empty(),
            "plan mode changed state: {:?}",
            c.host.mutations()
        );
        assert_eq!(c.host.state(), state, "plan mode changed launchd state");
        assert_eq!(sim_files(c), world, "plan mode changed the simulated host");
        assert_eq!(
            s.files.then(|| listing(c)),
            files,
            "plan mode changed files"
        );

        let mut extra = extra;
        if s.approval {
            let o = c.host.run(&script, &args(&extra, &["--apply"]));
            assert_eq!(
                o.status.code(),
                Some(77),
                "apply without a token: {}",
                text(&o)
            );
            assert!(c.host.mutations().is_empty(), "{:?}", c.host.mutations());

            // The plan printed above names its hash (as `--json` does in `plan_hash`).
            let hash = stdout
                .lines()
                .find_map(|l| l.strip_prefix("plan hash "))
                .expect("plan hash")
                .trim();
            let target = format!("{}/{}", s.svc.family(), s.svc.id());
            for who in approvers(name) {
                let signer = signer(who);
                common::trust(c.host, signer);
                let token = signer.approve(s.skill, &target, hash);
                extra.extend(["--token".to_owned(), token]);
            }
        }

        let o = apply(s, c, &script, &extra);
        let r: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
        assert_eq!(
            !c.host.mutations().is_empty(),
            s.acts,
            "launchctl changes by apply: {:?}\n{}",
            c.host.mutations(),
            text(&o)
        );
        match s.ends {
            Ends::Fixed => {
                assert_eq!(o.status.code(), Some(0), "{}", text(&o));
                assert_eq!(r["status"], json!("fixed"), "{}", text(&o));
            }
            Ends::Escalates => {
                assert_eq!(o.status.code(), Some(3), "{}", text(&o));
                assert_eq!(r["status"], json!("verify_failed"), "{}", text(&o));
            }
        }
        (s.after)(c);
        if s.ends == Ends::Fixed {
            let o = c.host.run(&script, &args(&extra, &["--detect"]));
            assert_eq!(
                o.status.code(),
                Some(1),
                "still detected after the fix: {}",
                text(&o)
            );
        }
    });

    // A healthy service: no false positive.
    with_ctx(s, |c| {
        (s.healthy)(c);
        let extra = (s.params)(c);
        let o = c.host.run(&script, &args(&extra, &["--detect"]));
        assert_eq!(o.status.code(), Some(1), "false positive: {}", text(&o));
        assert!(c.host.mutations().is_empty(), "{:?}", c.host.mutations());
    });
}

/// Every scenario, two at a time per core (a scenario spends half its time waiting on the
/// simulated host's shims and sleeps); `SKILLC_SCENARIO=<name>` runs only that one. Each scenario
/// runs to its end; the failures are reported together, each with its name.
#[test]
fn failure_mode_scenarios() {
    let only = std::env::var("SKILLC_SCENARIO").ok();
    let chosen: Vec<&str> = SCENARIOS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| only.as_deref().is_none_or(|o| o == *name))
        .collect();
    assert!(!chosen.is_empty(), "no scenario named {only:?}");
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .saturating_mul(2)
        .min(chosen.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(&name) = chosen.get(next.fetch_add(1, Ordering::SeqCst)) {
                    if !runnable(name, scenario(name)) {
                        continue;
                    }
                    if let Err(panic) = std::panic::catch_unwind(|| run(name)) {
                        let message = panic
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| panic.downcast_ref::<&str>().map(|m| (*m).to_owned()))
                            .unwrap_or_default();
                        failures
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(format!("{name}: {message}"));
                    }
                }
            });
        }
    });
    let failures = failures
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        chosen.len(),
        failures.join("\n\n")
    );
}

/// Every skill of the shipped families (a failure mode) has at least one scenario.
#[test]
fn every_shipped_failure_mode_has_a_scenario() {
    let ir = common::shipped();
    let mut missing = Vec::new();
    for skill in &ir.skills {
        let family = &ir.family(skill.family).name.value;
        let name = format!("{family}/{}", skill.id.value);
        if !SCENARIOS.iter().any(|(_, s)| s.skill == name) {
            missing.push(name);
        }
    }
    assert!(
        ir.skills.len() >= 36,
        "the shipped families hold {} skills",
        ir.skills.len()
    );
    assert!(missing.is_empty(), "no scenario for: {missing:?}");
}
