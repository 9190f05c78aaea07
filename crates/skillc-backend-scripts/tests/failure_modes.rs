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
//! - foundation-core/stale-pidfile (on the agent, and on the daemon: approval).
//!
//! Not covered yet:
//! - launchd-doctor/no-gui-session: detect and the wait loop run `/bin/test -O /dev/console` by
//!   absolute path, so it cannot be shimmed: the answer is the host's (as root "logged in", so
//!   detect never fires; otherwise "never logs in", so apply waits 12 x 5 min).
//! - foundation-core/dependency-not-ready-at-boot: waits for foundation-core's bus, identity and
//!   storage, whose readiness probes check fixed /usr/local paths, `bus()`, `tcp()` and `http()`;
//!   the harness cannot make them ready (each wait would time out after 2 min).
//! - launchd-doctor/bootstrap-io-error, invalid-plist, argv-single-string: run `/usr/bin/plutil`
//!   or `/usr/bin/grep` on the job's plist under /Library (fixed absolute paths, no shim);
//!   duplicate-label greps /Library/LaunchDaemons and /Library/LaunchAgents; quarantined-program
//!   and log-path-unwritable run `/usr/bin/xattr`; plist-permissions-* and
//!   launchagents-dir-missing look at /Library paths.
//! - launchd-doctor/missing-path, keychain-background-session (needs a `uses-keychain` service),
//!   network-not-ready (a `needs-network` service): log-pattern failures whose remediation only
//!   notifies a human; add them like tcc-denied (`acts: false` and a `react` that plays the fix;
//!   missing-path has no wait loop, so it ends `Ends::Escalates`).
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
const RELOCATED: &[(&str, &str)] = &[];

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
}

impl Svc {
    fn id(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Worker => "worker",
        }
    }

    fn launchd_target(self) -> String {
        match self {
            Self::App => format!("gui/{}/org.example.fm.app", uid()),
            Self::Worker => "system/org.example.fm.worker".to_owned(),
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
