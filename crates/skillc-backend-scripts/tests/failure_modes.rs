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
//! - foundation-core/stale-pidfile (on the agent, and on the daemon: approval).
//!
//! Not covered yet:
//! - foundation-core/dependency-not-ready-at-boot: waits for foundation-core's bus, identity and
//!   storage, whose readiness probes check fixed /usr/local paths, `bus()`, `tcp()` and `http()`;
//!   the harness cannot make them ready (each wait would time out after 2 min).
//! - the other foundation-core skills (clock skew: an `sntp` shim; certificates: `openssl`
//!   dates of a fixture cert; secrets, volumes, migrations, bus ownership: foundation-core's own
//!   services and their fixed /usr/local paths).

mod common;

use common::{Host, text};
use serde_json::json;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
        common::write_tree(&out, &skillc_backend_scripts::emit(&ir));
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
}

impl Svc {
    fn id(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Worker => "worker",
            Self::Keeper => "keeper",
            Self::Fetcher => "fetcher",
        }
    }

    fn launchd_target(self) -> String {
        match self {
            Self::App => format!("gui/{}/org.example.fm.app", uid()),
            Self::Worker => "system/org.example.fm.worker".to_owned(),
            Self::Keeper => "system/org.example.fm.keeper".to_owned(),
            Self::Fetcher => format!("gui/{}/org.example.fm.fetcher", uid()),
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
        self.root.join(self.svc.id())
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

struct Scenario {
    /// `<skill family>/<skill>`.
    skill: &'static str,
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
    format!("org.example.fm.{}", svc.id())
}

/// Where skillc installs the service's job file (relocated under /ROOT): daemons in
/// /Library/LaunchDaemons, agents in /Library/LaunchAgents.
fn plist_path(c: &Ctx) -> PathBuf {
    let dir = match c.svc {
        Svc::Worker | Svc::Keeper => "Library/LaunchDaemons",
        Svc::App | Svc::Fetcher => "Library/LaunchAgents",
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
    if uid() == "501" { "502" } else { "501" }
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
            svc: Svc::App,
            // Someone else has the console (fast user switching); the agent could not load.
            setup: |c| {
                c.set(&json!({ "loaded": false }));
                console(c, other_uid());
            },
            // Logged in at the console: an agent that is merely not loaded is not-loaded's case.
            healthy: |c| {
                c.set(&json!({ "loaded": false }));
                console(c, &uid());
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
            react: Some(("explain", |c| console(c, &uid()))),
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
                (
                    "would_run",
                    "unload",
                    "approve",
                    "launchctl bootout system/org.example.fm.worker",
                ),
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
];

fn scenario(name: &str) -> &'static Scenario {
    &SCENARIOS
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
        .1
}

fn script(s: &Scenario) -> PathBuf {
    built().out.join("fm/remediate").join(format!(
        "{}--{}.sh",
        s.skill.replace('/', "--"),
        s.svc.id()
    ))
}

/// The python3 interpreter itself (`sys.executable`), when python3 is on PATH.
fn python() -> Option<&'static PathBuf> {
    static PY: OnceLock<Option<PathBuf>> = OnceLock::new();
    PY.get_or_init(|| {
        let o = std::process::Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .ok()?;
        let p = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
        let plain = !p.to_string_lossy().contains(['\'', '\n']);
        (o.status.success() && p.is_absolute() && plain).then_some(p)
    })
    .as_ref()
}

/// A fresh host (and, for file scenarios, fresh service dirs) with the port held.
fn with_ctx(s: &Scenario, f: impl FnOnce(&Ctx)) {
    let b = built();
    let shell = common::shells().remove(0);
    let host = Host::new(&shell);
    if let Some(py) = python() {
        // The shims are python3 scripts using the standard library only: calling the interpreter
        // itself (not a version manager's shim) without `site` (-S) cuts the cost of each of the
        // many launchctl calls to a quarter.
        use std::os::unix::fs::PermissionsExt;
        let w = host.path().join("bin/python3");
        std::fs::write(
            &w,
            format!("#!/bin/sh\nexec '{}' -S \"$@\"\n", py.display()),
        )
        .expect("write");
        std::fs::set_permissions(&w, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    if s.files {
        let dir = b.root.join(s.svc.id());
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("clean");
        }
    }
    std::fs::create_dir_all(b.root.join(s.svc.id())).expect("mkdir");
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
    let mut v: Vec<String> = [c.dir(), c.root.join("bin")]
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

fn approver_key(host: &Host, name: &str, key: &str) {
    use std::os::unix::fs::PermissionsExt;
    let dir = host.path().join("approvers");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let p = dir.join(format!("{name}.key"));
    std::fs::write(&p, format!("{key}\n")).expect("key");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
}

/// Runs `--apply --json` while a watcher plays the world's reaction (if any).
fn apply(s: &Scenario, c: &Ctx, script: &Path, extra: &[String]) -> std::process::Output {
    let a = args(extra, &["--apply", "--json"]);
    let Some((step, react)) = s.react else {
        return c.host.run(script, &a);
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
        let o = c.host.run(script, &a);
        done.store(true, Ordering::SeqCst);
        o
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
            let key = "6b".repeat(32);
            approver_key(c.host, "alice", &key);
            let expires = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("time")
                .as_secs()
                + 600;
            let target = format!("fm/{}", s.svc.id());
            let token =
                skillc_backend_scripts::mint_token(key.as_bytes(), s.skill, &target, hash, expires);
            extra.extend(["--token".to_owned(), token]);
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

#[test]
fn job_disabled() {
    run("job_disabled");
}

#[test]
fn not_loaded() {
    run("not_loaded");
}

#[test]
fn crash_loop_on_a_daemon_needs_approval() {
    if common::have_tool("openssl") {
        run("crash_loop_on_a_daemon_needs_approval");
    }
}

#[test]
fn stale_lock() {
    run("stale_lock");
}

#[test]
fn port_in_use() {
    run("port_in_use");
}

#[test]
fn missed_calendar_run() {
    if common::have_tool("perl") {
        run("missed_calendar_run");
    }
}

#[test]
fn fatal_config_exit() {
    run("fatal_config_exit");
}

#[test]
fn disabled_as_stop() {
    run("disabled_as_stop");
}

#[test]
fn missing_program() {
    run("missing_program");
}

#[test]
fn tcc_denied() {
    run("tcc_denied");
}

#[test]
fn no_gui_session() {
    run("no_gui_session");
}

#[test]
fn bootstrap_io_error() {
    run("bootstrap_io_error");
}

#[test]
fn bootstrap_io_error_on_a_daemon_needs_approval() {
    if common::have_tool("openssl") {
        run("bootstrap_io_error_on_a_daemon_needs_approval");
    }
}

#[test]
fn invalid_plist_on_a_daemon() {
    run("invalid_plist_on_a_daemon");
}

#[test]
fn argv_single_string() {
    run("argv_single_string");
}

#[test]
fn duplicate_label_on_a_daemon_needs_approval() {
    if common::have_tool("openssl") {
        run("duplicate_label_on_a_daemon_needs_approval");
    }
}

#[test]
fn quarantined_program() {
    run("quarantined_program");
}

#[test]
fn quarantined_unsigned_program_escalates() {
    run("quarantined_unsigned_program_escalates");
}

#[test]
fn log_path_unwritable() {
    run("log_path_unwritable");
}

#[test]
fn plist_permissions_agent() {
    if common::have_tool("perl") && root_or_skip("plist_permissions_agent") {
        run("plist_permissions_agent");
    }
}

#[test]
fn plist_permissions_daemon() {
    if common::have_tool("perl") && root_or_skip("plist_permissions_daemon") {
        run("plist_permissions_daemon");
    }
}

#[test]
fn launchagents_dir_missing() {
    run("launchagents_dir_missing");
}

#[test]
fn missing_path() {
    run("missing_path");
}

#[test]
fn keychain_background_session() {
    run("keychain_background_session");
}

#[test]
fn network_not_ready() {
    run("network_not_ready");
}

#[test]
fn stale_pidfile() {
    run("stale_pidfile");
}

#[test]
fn stale_pidfile_on_a_daemon_needs_approval() {
    if common::have_tool("openssl") {
        run("stale_pidfile_on_a_daemon_needs_approval");
    }
}

/// Every scenario has a test of its own (so one can be `#[ignore]`d with a reason).
#[test]
fn every_scenario_has_a_test() {
    let me = std::fs::read_to_string(file!())
        .or_else(|_| std::fs::read_to_string(common::repo().join(file!())))
        .expect("source");
    for (name, _) in SCENARIOS {
        assert!(
            me.contains(&format!("fn {name}()")),
            "no #[test] fn {name}()"
        );
    }
}
