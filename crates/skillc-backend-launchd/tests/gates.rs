//! Gates and installers run for real: `sh`, `dash` and `bash --posix` when present, with a shim
//! for macOS `nc -z -G <secs> -- host port` (Linux has no such nc).

mod common;

use skillc_backend_launchd::{emit, emit_with, gate_script};
use skillc_backend_support::Options;
use skillc_backend_support::exit::TEMPFAIL as GATE_EXIT_NOT_READY;
use skillc_ir::{Ir, ServiceId};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The one `nc` shim of the tests (the script backend's harness; its simulated host is off here:
/// SKILLC_FAKE_LAUNCHD is unset, so it connects for real).
const NC_SHIM: &str = include_str!("../../skillc-backend-scripts/tests/harness/nc");

/// Test builds: their gates and installers put `SKILLC_TEST_PATH` (the test's stand-ins) before
/// the fixed system PATH; nothing else on the caller's PATH is used.
const TEST_BUILD: Options = Options { test_build: true };

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn two_services(port: u16, start_timeout: &str, args: &str) -> String {
    format!(
        r#"family:
  name: demo
  version: 1.0.0
  description: Demo family.
  label_prefix: org.example
services:
  db:
    description: A database.
    layer: L1
    scope: daemon
    capabilities: [storage]
    run:
      program: /usr/local/bin/db
      start_timeout: {start_timeout}
    readiness:
      probe: 'tcp("127.0.0.1:{port}")'
      timeout: 1s
      interval: 1s
      retries: 3
  app:
    description: An application.
    layer: L1
    scope: daemon
    capabilities: [storage]
    run:
      program: /usr/local/bin/app
      args: {args}
    requires: [db]
"#
    )
}

fn service(ir: &Ir, id: &str) -> ServiceId {
    ir.service_ids()
        .find(|&s| ir.service(s).id.value == id)
        .expect("service")
}

struct Gate {
    _dir: tempfile::TempDir,
    root: PathBuf,
    script: PathBuf,
}

impl Gate {
    fn new(yaml: &str) -> Self {
        let (_tmp, ir, diags) = common::family(yaml);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
        let errors: Vec<_> = skillc_backend_launchd::check(&ir)
            .into_iter()
            .filter(skillc_diagnostics::Diagnostic::is_error)
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().to_path_buf();
        std::fs::create_dir(root.join("bin")).expect("mkdir");
        // The shim, behind a wrapper that leaves `probed` once the gate has probed: a test can
        // then make a listener appear once the first attempt is over, however slow the machine.
        for (name, text) in [
            ("bin/nc.real", NC_SHIM),
            (
                "bin/nc",
                "#!/bin/sh\n\"$0.real\" \"$@\"\nrc=$?\n: > \"${0%/bin/nc}/probed\"\nexit \"$rc\"\n",
            ),
        ] {
            let path = root.join(name);
            std::fs::write(&path, text).expect("write");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        let gate = root.join("gate.sh");
        std::fs::write(&gate, gate_script(&ir, service(&ir, "app"), TEST_BUILD)).expect("write");
        Self {
            _dir: dir,
            root,
            script: gate,
        }
    }

    /// Runs the gate under `shell` with the program: python3 writing its argv as JSON.
    fn run(&self, shell: &[String], marker: &Path, args: &[&str]) -> (Output, Duration) {
        let python = String::from_utf8(
            Command::new("sh")
                .args(["-c", "command -v python3"])
                .output()
                .expect("python3")
                .stdout,
        )
        .expect("utf-8");
        let applets = common::applets_of(shell)
            .map(|d| format!(":{}", d.display()))
            .unwrap_or_default();
        let test_path = format!("{}{applets}", self.root.join("bin").display());
        let start = Instant::now();
        let out = Command::new(&shell[0])
            .args(&shell[1..])
            .arg(&self.script)
            .arg(python.trim())
            .arg("-c")
            .arg("import json, sys; open(sys.argv[1], 'w').write(json.dumps(sys.argv[2:]))")
            .arg(marker)
            .args(args)
            .env("SKILLC_TEST_PATH", test_path)
            .output()
            .expect("run gate");
        (out, start.elapsed())
    }
}

const HOSTILE: &[&str] = &[
    "it's",
    "$(touch /tmp/skillc-gate-pwned)",
    "`id`",
    "two\nlines",
    "--dash",
    "-",
    "*",
    "",
    "a \"b\" c",
    "${HOME}",
];

#[test]
fn gate_waits_for_a_listener_that_appears_late_then_execs_with_args_unchanged() {
    for shell in common::shells() {
        let port = free_port();
        let gate = Gate::new(&two_services(port, "8s", "[]"));
        let marker = gate.root.join("marker.json");
        let probed = gate.root.join("probed");
        let listener = std::thread::spawn(move || {
            // Appears only once the gate's first probe has failed.
            let start = Instant::now();
            while !probed.exists() && start.elapsed() < Duration::from_secs(30) {
                std::thread::sleep(Duration::from_millis(20));
            }
            let l = TcpListener::bind(("127.0.0.1", port)).expect("bind late");
            std::thread::sleep(Duration::from_secs(8));
            drop(l);
        });
        let (out, took) = gate.run(&shell, &marker, HOSTILE);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{shell:?}: {:?}\n{stderr}",
            out.status
        );
        assert!(
            took >= Duration::from_millis(900),
            "{shell:?} did not wait for the next attempt: {took:?}"
        );
        assert!(
            stderr.contains("waiting for demo/db (org.example.db)"),
            "{stderr}"
        );
        assert!(stderr.contains("ready: demo/db"), "{stderr}");
        let argv: Vec<String> =
            serde_json::from_str(&std::fs::read_to_string(&marker).expect("marker")).expect("json");
        assert_eq!(argv, HOSTILE, "{shell:?}");
        assert!(!Path::new("/tmp/skillc-gate-pwned").exists());
        drop(listener);
    }
}

#[test]
fn gate_gives_up_within_its_budget_with_exit_75() {
    for shell in common::shells() {
        let port = free_port();
        let gate = Gate::new(&two_services(port, "2s", "[]"));
        let marker = gate.root.join("marker.json");
        let (out, took) = gate.run(&shell, &marker, &["x"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(GATE_EXIT_NOT_READY),
            "{shell:?}: {stderr}"
        );
        assert!(
            took >= Duration::from_secs(1),
            "{shell:?} gave up early: {took:?}"
        );
        assert!(
            took < Duration::from_secs(8),
            "{shell:?} overran its budget: {took:?}"
        );
        assert!(
            stderr.contains("not ready: demo/db (org.example.db)"),
            "{stderr}"
        );
        // The job's stderr log says what the exit means for a job launchd does not keep alive.
        assert!(
            stderr.contains("giving up (exit 75)") && stderr.contains("missed until the next one"),
            "{stderr}"
        );
        assert!(!marker.exists(), "the program must not run");
    }
}

#[test]
fn gate_without_a_program_exits_64() {
    let gate = Gate::new(&two_services(free_port(), "2s", "[]"));
    let out = Command::new("sh").arg(&gate.script).output().expect("run");
    assert_eq!(out.status.code(), Some(64));
}

#[test]
fn hostile_strings_reach_the_plist_literally() {
    let port = free_port();
    let args = r#"["it's", "$(id)", "`id`", "a\nb", "--x", "<&>", "]]>", "tab\tcr\r"]"#;
    let yaml = two_services(port, "2s", args);
    let (_t, ir, diags) = common::family(&yaml);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    let ir = common::exercised(ir);
    let id = service(&ir, "app");
    let files = emit(&ir);
    let f = files
        .iter()
        .find(|f| f.path == "demo/LaunchDaemons/org.example.app.plist")
        .expect("plist");
    let v = plist::Value::from_reader_xml(std::io::Cursor::new(&f.bytes)).expect("parse");
    let argv: Vec<&str> = v.as_dictionary().expect("dict")["ProgramArguments"]
        .as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_string().expect("string"))
        .collect();
    assert_eq!(
        argv,
        [
            "/usr/local/libexec/skillc/demo/gates/app.sh",
            "/usr/local/bin/app",
            "it's",
            "$(id)",
            "`id`",
            "a\nb",
            "--x",
            "<&>",
            "]]>",
            "tab\tcr\r"
        ]
    );
    // plistlib (expat) agrees, including the carriage return.
    let out = Command::new("python3")
        .args([
            "-c",
            "import plistlib,sys,json; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())['ProgramArguments']))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().expect("stdin").write_all(&f.bytes)?;
            c.wait_with_output()
        })
        .expect("python3");
    let py: Vec<String> = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(py, argv);
    assert_eq!(ir.service(id).run.args.len(), 8);
}

fn all_scripts() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = emit(&common::shipped())
        .into_iter()
        .filter(|f| f.executable)
        .map(|f| (f.path, f.bytes))
        .collect();
    // Plus a family with a gate and a per-user agent with a gate, in both builds.
    let per_user = two_services(7000, "2s", r#"["$(x)", "it's"]"#).replace(
        "  app:\n    description: An application.\n    layer: L1\n    scope: daemon\n",
        "  app:\n    description: An application.\n    layer: L1\n    scope: session\n    for_user: alice\n",
    );
    assert!(per_user.contains("for_user"));
    for yaml in [two_services(7000, "2s", r#"["$(x)", "it's"]"#), per_user] {
        for options in [Options::default(), TEST_BUILD] {
            let (_t, ir, _) = common::family(&yaml);
            out.extend(
                emit_with(&common::exercised(ir), options)
                    .into_iter()
                    .filter(|f| f.executable)
                    .map(|f| (format!("{options:?}/{}", f.path), f.bytes)),
            );
        }
    }
    out
}

#[test]
fn every_script_parses_in_every_shell() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, bytes) in all_scripts() {
        assert!(bytes.starts_with(b"#!/bin/sh\n"), "{path}");
        let p = dir.path().join("s.sh");
        std::fs::write(&p, &bytes).expect("write");
        for shell in common::shells() {
            let out = Command::new(&shell[0])
                .args(&shell[1..])
                .arg("-n")
                .arg(&p)
                .output()
                .expect("sh -n");
            assert!(
                out.status.success(),
                "{shell:?} -n {path}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn shellcheck_is_clean_on_every_script() {
    if !common::have_tool("shellcheck") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, bytes) in all_scripts() {
        let p = dir.path().join(path.replace('/', "_"));
        std::fs::write(&p, &bytes).expect("write");
        let out = Command::new("shellcheck")
            .args(["-s", "sh"])
            .arg(&p)
            .output()
            .expect("shellcheck");
        assert!(
            out.status.success(),
            "{path}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// The installer's staging names carry its PID (`.skillc-tmp.<pid>`): the one thing that differs
/// between two runs.
fn without_pids(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(".skillc-tmp.") {
        let (head, tail) = rest.split_at(i + ".skillc-tmp.".len());
        out.push_str(head);
        out.push_str("PID");
        rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

/// `shell` running `script ARGS...`, with busybox's applets first on PATH for busybox.
fn sh_command(shell: &[String], script: &Path) -> Command {
    let mut c = Command::new(&shell[0]);
    c.args(&shell[1..]).arg(script);
    if let Some(dir) = common::applets_of(shell) {
        c.env("SKILLC_TEST_PATH", dir);
    }
    c
}

#[test]
fn install_dry_run_plans_in_dependency_order_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::write_tree(dir.path(), &emit_with(&common::shipped(), TEST_BUILD));
    let mut plans: Vec<(Vec<String>, String)> = Vec::new();
    for shell in common::shells() {
        let out = sh_command(&shell, &dir.path().join("foundation-core/install.sh"))
            .arg("--dry-run")
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{shell:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let plan = String::from_utf8_lossy(&out.stdout).into_owned();
        let pos = |label: &str| {
            plan.find(&format!(
                "bootstrap system /Library/LaunchDaemons/{label}.plist"
            ))
            .unwrap_or_else(|| panic!("{label} not bootstrapped in:\n{plan}"))
        };
        // requires: identity → bus; storage → bus; scheduler → bus, identity, storage; ...
        assert!(pos("org.sovereign.busd") < pos("org.sovereign.identity"));
        assert!(pos("org.sovereign.identity") < pos("org.sovereign.secrets"));
        assert!(pos("org.sovereign.storage") < pos("org.sovereign.scheduler"));
        assert!(pos("org.sovereign.skills-engine") < pos("org.sovereign.control-api"));
        assert!(pos("org.sovereign.control-api") < pos("org.sovereign.mobile-gateway"));
        assert!(plan.contains("would run: launchctl enable system/org.sovereign.busd"));
        assert!(!plan.contains(" load ") && !plan.contains("unload"));
        assert!(!Path::new("/Library/LaunchDaemons/org.sovereign.busd.plist").exists());

        let un = sh_command(&shell, &dir.path().join("foundation-core/uninstall.sh"))
            .arg("--dry-run")
            .output()
            .expect("run");
        assert!(un.status.success(), "{shell:?}");
        let bad = sh_command(&shell, &dir.path().join("foundation-core/install.sh"))
            .arg("--apply-everything")
            .output()
            .expect("run");
        assert_eq!(bad.status.code(), Some(64), "{shell:?}");
        let both = format!(
            "{plan}\n--- uninstall\n{}",
            String::from_utf8_lossy(&un.stdout)
        );
        plans.push((shell, without_pids(&both)));
    }
    // Every shell plans the same install, word for word.
    for (shell, plan) in &plans[1..] {
        assert_eq!(plan, &plans[0].1, "{shell:?} differs from {:?}", plans[0].0);
    }
}

#[test]
fn staged_install_is_atomic_idempotent_and_uninstall_removes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::write_tree(dir.path(), &emit_with(&common::shipped(), TEST_BUILD));
    for shell in common::shells() {
        let stage = tempfile::tempdir().expect("stage");
        let install = dir.path().join("foundation-core/install.sh");
        let run = |script: &Path| {
            let out = sh_command(&shell, script)
                .env("SKILLC_DESTDIR", stage.path())
                .output()
                .expect("run");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let first = run(&install);
        assert!(first.contains("install: "), "{first}");
        let plist = stage
            .path()
            .join("Library/LaunchDaemons/org.sovereign.busd.plist");
        let gate = stage
            .path()
            .join("usr/local/libexec/skillc/foundation-core/gates/identity.sh");
        assert_eq!(
            std::fs::read(&plist).expect("plist"),
            std::fs::read(
                dir.path()
                    .join("foundation-core/LaunchDaemons/org.sovereign.busd.plist")
            )
            .expect("src")
        );
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&plist), 0o644);
        assert_eq!(mode(&gate), 0o755);
        assert!(
            stage
                .path()
                .join("Library/LaunchAgents/org.sovereign.session-agent.plist")
                .exists()
        );
        let leftovers: Vec<_> = std::fs::read_dir(stage.path().join("Library/LaunchDaemons"))
            .expect("dir")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("skillc-tmp"))
            .collect();
        assert!(leftovers.is_empty());

        let second = run(&install);
        assert!(
            !second.contains("install: "),
            "second run changed files:\n{second}"
        );
        assert!(second.contains("unchanged: "));

        run(&dir.path().join("foundation-core/uninstall.sh"));
        assert!(!plist.exists() && !gate.exists());
    }
}

/// Services of different users sharing a log directory: the directory is made once, root:wheel,
/// and each service's log file is created for its own user, so every one can open its log when
/// launchd spawns it as that user (a directory owned by the first service left the others
/// failing at spawn with exit 78).
#[test]
fn a_shared_log_directory_is_root_owned_and_each_log_file_its_services() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::write_tree(dir.path(), &emit_with(&common::shipped(), TEST_BUILD));
    let out = Command::new("sh")
        .arg(dir.path().join("foundation-core/install.sh"))
        .arg("--dry-run")
        .output()
        .expect("run");
    let plan = String::from_utf8_lossy(&out.stdout);
    let shared = "/usr/local/var/log/sovereign";
    assert_eq!(
        plan.matches(&format!("would run: mkdir -p -- {shared}\n"))
            .count(),
        1,
        "{plan}"
    );
    assert!(
        plan.contains(&format!("would run: chown root:wheel {shared}\n")),
        "{plan}"
    );
    assert!(
        !plan.contains(&format!("chown _sovereign:_sovereign {shared}\n")),
        "{plan}"
    );
    for (log, owner) in [
        ("bus.out.log", "_sovereign:_sovereign"),
        ("network.err.log", "root:wheel"),
    ] {
        assert!(
            plan.contains(&format!("would create: {shared}/{log} (mode 0640)")),
            "{log}: {plan}"
        );
        assert!(
            plan.contains(&format!("would run: chown -h {owner} {shared}/{log}\n")),
            "{log}: {plan}"
        );
    }
    // Staged, the log files exist with mode 0640 before any job is started.
    let stage = tempfile::tempdir().expect("stage");
    let o = Command::new("sh")
        .arg(dir.path().join("foundation-core/install.sh"))
        .env("SKILLC_DESTDIR", stage.path())
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log = stage.path().join("usr/local/var/log/sovereign/bus.out.log");
    let mode = std::fs::metadata(&log)
        .expect("log created")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o640);
    // A symbolic link planted where a log goes is refused, never followed.
    let stage2 = tempfile::tempdir().expect("stage");
    let logs = stage2.path().join("usr/local/var/log/sovereign");
    std::fs::create_dir_all(&logs).expect("mkdir");
    let victim = stage2.path().join("victim");
    std::fs::write(&victim, "keep").expect("write");
    std::os::unix::fs::symlink(&victim, logs.join("bus.err.log")).expect("symlink");
    let o = Command::new("sh")
        .arg(dir.path().join("foundation-core/install.sh"))
        .env("SKILLC_DESTDIR", stage2.path())
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(73),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("symbolic link"));
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep");
}

/// A working directory on a volume that is not mounted is not created at install: a directory
/// at /Volumes/NAME would make the volume mount as "NAME 1". Simulated as macOS (a `uname` that
/// says Darwin, BSD `stat -f %d` reporting the boot volume's device for the missing mount point).
#[test]
fn nothing_is_created_on_an_unmounted_volume() {
    let (dir, ir, diags) = common::family(
        r"family:
  name: demo
  version: 1.0.0
  description: Demo family.
  label_prefix: org.example
services:
  sync:
    description: Syncs photos to the external disk.
    layer: L1
    scope: daemon
    capabilities: [storage]
    run:
      program: /usr/local/bin/sync
      user: _sync
      working_dir: /Volumes/PhotoDisk/sync
      stdout: /Volumes/PhotoDisk/logs/sync.log
",
    );
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    let out_dir = dir.path().join("out");
    common::write_tree(&out_dir, &emit_with(&common::checked(ir), TEST_BUILD));
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let mounted = dir.path().join("mounted");
    for (name, text) in [
        ("uname", "#!/bin/sh\necho Darwin\n".to_owned()),
        // stat -f %d PATH: the device; PATH is "mounted" when the marker file exists.
        (
            "stat",
            format!(
                "#!/bin/sh\ncase $3 in /) echo 1 ;; *) if [ -e '{}' ]; then echo 2; else echo 1; fi ;; esac\n",
                mounted.display()
            ),
        ),
    ] {
        let p = bin.join(name);
        std::fs::write(&p, text).expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let run = || {
        let o = Command::new("sh")
            .arg(out_dir.join("demo/install.sh"))
            .arg("--dry-run")
            .env("SKILLC_TEST_PATH", &bin)
            .output()
            .expect("run");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let plan = run();
    assert!(!plan.contains("mkdir -p -- /Volumes"), "{plan}");
    assert!(
        plan.contains("skipped: /Volumes/PhotoDisk/sync (/Volumes/PhotoDisk is not mounted"),
        "{plan}"
    );
    assert!(
        plan.contains("skipped: /Volumes/PhotoDisk/logs/sync.log"),
        "{plan}"
    );
    std::fs::write(&mounted, "").expect("mount");
    let plan = run();
    assert!(
        plan.contains("would run: mkdir -p -- /Volumes/PhotoDisk/sync"),
        "{plan}"
    );
}

/// One install for the whole tree: every family's install.sh, each after the families it imports;
/// the first failure stops it with that family's exit code.
#[test]
fn the_tree_installs_imported_families_first_and_stops_at_the_first_failure() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::write_tree(dir.path(), &emit_with(&common::shipped(), TEST_BUILD));
    let run = |script: &str, arg: &str| {
        Command::new("sh")
            .arg(dir.path().join(script))
            .arg(arg)
            .output()
            .expect("run")
    };
    let o = run("install.sh", "--dry-run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let plan = String::from_utf8_lossy(&o.stdout);
    let families: Vec<&str> = plan.lines().filter_map(|l| l.strip_prefix("== ")).collect();
    let at = |f: &str| {
        families
            .iter()
            .position(|x| *x == f)
            .unwrap_or_else(|| panic!("{f}: {families:?}"))
    };
    // homelab (examples/quickstart) imports foundation-core.
    assert!(at("foundation-core") < at("homelab"), "{families:?}");
    assert!(plan.contains("bootstrap system /Library/LaunchDaemons/org.sovereign.busd.plist"));
    let o = run("uninstall.sh", "--dry-run");
    let families: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("== ").map(str::to_owned))
        .collect();
    let pos = |f: &str| families.iter().position(|x| x == f).expect("family");
    assert!(pos("homelab") < pos("foundation-core"), "{families:?}");
    let o = run("install.sh", "--bogus");
    assert_eq!(o.status.code(), Some(64));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).matches("== ").count(),
        1,
        "stopped at the first"
    );
}

/// A directory of look-alike tools (a Homebrew prefix with GNU `stat`, a netcat without `-G`,
/// or a hostile user's `~/bin`): each leaves `<dir>/ran-<tool>` and fails.
fn lookalike_tools(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    for tool in [
        "nc",
        "curl",
        "date",
        "sleep",
        "stat",
        "id",
        "uname",
        "launchctl",
        "cmp",
        "cp",
        "mv",
        "mkdir",
        "chmod",
        "chown",
        "dirname",
        "xattr",
        "plutil",
        "sh",
        "[",
        "test",
        "printf",
        "kill",
        "grep",
        "sed",
        "awk",
        "cat",
        "rm",
        "rmdir",
        "df",
        "env",
    ] {
        let p = dir.join(tool);
        std::fs::write(
            &p,
            format!("#!/bin/sh\n: > '{}/ran-{tool}'\nexit 1\n", dir.display()),
        )
        .expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

/// `shell` with its program as an absolute path (a command's own PATH would find the look-alike
/// `sh` first), and the real python3 executable (pyenv's shims run tools through PATH).
fn absolute(shell: &[String]) -> Vec<String> {
    let o = Command::new("sh")
        .args(["-c", "command -v \"$1\"", "sh", &shell[0]])
        .output()
        .expect("command -v");
    let mut out = vec![String::from_utf8_lossy(&o.stdout).trim().to_owned()];
    out.extend(shell[1..].iter().cloned());
    out
}

fn real_python() -> String {
    let o = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3");
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

fn ran_any(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read")
        .filter_map(|e| {
            let n = e.ok()?.file_name().to_string_lossy().into_owned();
            n.starts_with("ran-").then_some(n)
        })
        .collect()
}

/// The gate's tools never come from the job's PATH (look-alikes first on it are never run, in a
/// test build as in a normal one, where `SKILLC_TEST_PATH` is not honoured at all), and the
/// program is exec'd with that PATH as the job had it.
#[test]
fn a_gate_never_runs_tools_from_the_jobs_path_and_gives_the_program_that_path_back() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ready = tmp.path().join("db.ready");
    std::fs::write(&ready, "").expect("write");
    let yaml = two_services(free_port(), "2s", "[]").replace(
        &format!("probe: 'tcp(\"127.0.0.1:{}\")'", 0).replace(":0", ":"),
        "probe: ",
    );
    // The dependency's probe needs no tool at all, so the gate runs in a normal build here too.
    let yaml = {
        let at = yaml.find("probe: 'tcp(").expect("probe");
        let end = at + yaml[at..].find('\n').expect("eol");
        format!(
            "{}probe: 'file_exists(\"{}\")'{}",
            &yaml[..at],
            ready.display(),
            &yaml[end..]
        )
    };
    let (_t, ir, diags) = common::family(&yaml);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    let app = service(&ir, "app");
    let evil = tmp.path().join("evil");
    lookalike_tools(&evil);
    let python = real_python();
    let job_path = format!("{}:/usr/bin:/bin", evil.display());
    for (build, name) in [(Options::default(), "normal"), (TEST_BUILD, "test")] {
        let gate = tmp.path().join(format!("gate-{name}.sh"));
        std::fs::write(&gate, gate_script(&ir, app, build)).expect("write");
        for shell in common::shells().iter().map(|s| absolute(s)) {
            let seen = tmp.path().join("seen-path");
            let _ = std::fs::remove_file(&seen);
            let mut c = Command::new(&shell[0]);
            c.args(&shell[1..])
                .arg(&gate)
                .arg(python.trim())
                .arg("-c")
                .arg("import os, sys; open(sys.argv[1], 'w').write(os.environ.get('PATH', '<unset>'))")
                .arg(&seen)
                .env("PATH", &job_path)
                // Honoured by the test build only, and here it names the look-alikes too.
                .env("SKILLC_TEST_PATH", &evil);
            if name == "test" {
                c.env(
                    "SKILLC_TEST_PATH",
                    common::applets_of(&shell).unwrap_or_default(),
                );
            }
            let out = c.output().expect("run gate");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{name} {shell:?}: {stderr}");
            assert_eq!(ran_any(&evil), Vec::<String>::new(), "{name} {shell:?}");
            assert_eq!(
                std::fs::read_to_string(&seen).expect("program ran"),
                job_path,
                "{name} {shell:?}: the program gets the job's PATH"
            );
        }
    }
}

/// `sudo ./install.sh` keeps the caller's PATH on macOS (no `secure_path` in its sudoers): the
/// installers run only the system's tools, whatever comes first on it.
#[test]
fn installers_never_run_tools_from_the_callers_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::write_tree(dir.path(), &emit(&common::shipped()));
    let evil = dir.path().join("evil");
    lookalike_tools(&evil);
    let path = format!(
        "{}:{}",
        evil.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for shell in common::shells().iter().map(|s| absolute(s)) {
        for (script, args) in [
            ("install.sh", &["--dry-run"][..]),
            ("install.sh", &[][..]),
            ("uninstall.sh", &["--dry-run"][..]),
            ("foundation-core/install.sh", &["--dry-run"][..]),
        ] {
            let stage = tempfile::tempdir().expect("stage");
            let mut c = sh_command(&shell, &dir.path().join(script));
            let out = c
                .args(args)
                .env("PATH", &path)
                .env("SKILLC_TEST_PATH", &evil)
                .env("SKILLC_DESTDIR", stage.path())
                .output()
                .expect("run");
            assert!(
                out.status.success(),
                "{shell:?} {script} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(ran_any(&evil), Vec::<String>::new(), "{shell:?} {script}");
            if args.is_empty() {
                assert!(
                    stage
                        .path()
                        .join("Library/LaunchDaemons/org.sovereign.busd.plist")
                        .is_file(),
                    "{shell:?}: staged with the system's tools"
                );
            }
        }
    }
}

/// A probe the watchdog kills (here one that outlives its timeout on every attempt) leaves no
/// job notice in the job's stderr log: dash and busybox `sh` print "Terminated" when `wait`
/// collects a job a signal ended, unless the wait's own stderr goes nowhere. Every line the
/// gate writes is its own.
#[test]
fn a_probe_killed_by_its_timeout_leaves_no_job_notice_in_the_log() {
    let yaml = two_services(free_port(), "3s", "[]");
    let at = yaml.find("probe: 'tcp(").expect("probe");
    let end = at + yaml[at..].find('\n').expect("eol");
    let yaml = format!(
        "{}probe: 'exec(\"/bin/sleep\", \"5\")'{}",
        &yaml[..at],
        &yaml[end..]
    );
    let gate = Gate::new(&yaml);
    let marker = gate.root.join("marker.json");
    for shell in common::shells() {
        let (out, _) = gate.run(&shell, &marker, &["x"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(GATE_EXIT_NOT_READY),
            "{shell:?}: {stderr}"
        );
        assert!(stderr.contains("not ready: demo/db"), "{shell:?}: {stderr}");
        for line in stderr.lines() {
            assert!(
                line.contains(" skillc-gate[org.example.app]: "),
                "{shell:?}: a line that is not the gate's: {line:?}\n{stderr}"
            );
        }
    }
}
