//! Per-user agents (`for_user`): installed in the user's `~/Library/LaunchAgents` as that user,
//! loaded in that user's `gui/<uid>` domain. The real install runs as root with a real second
//! local user, the real `sudo`, and stand-ins for what only macOS has (`uname` saying Darwin, the
//! script backend's simulated `launchctl` and BSD `stat`); the attacks are the user's own: links
//! planted in the home that root's install must not follow.

mod common;

use skillc_backend_launchd::emit_with;
use skillc_backend_support::Options;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TEST_BUILD: Options = Options { test_build: true };
const LAUNCHCTL: &str = include_str!("../../skillc-backend-scripts/tests/harness/launchctl");
const BSD_STAT: &str = include_str!("../../skillc-backend-scripts/tests/harness/bsd/stat");
const LABEL: &str = "org.example.notes";

fn family(user: &str) -> String {
    format!(
        r"family:
  name: demo
  version: 1.0.0
  description: Demo family.
  label_prefix: org.example
services:
  notes:
    description: Syncs the user's notes.
    layer: L3
    scope: session
    for_user: {user}
    capabilities: [show_status]
    run:
      program: /usr/local/bin/notes-sync
      stdout: /tmp/skillc-pua-logs-{user}/notes.log
    readiness:
      probe: 'running(service)'
"
    )
}

/// The built tree of [`family`], in a directory only root can read (the user must not need to).
fn build(user: &str) -> tempfile::TempDir {
    let (_t, ir, diags) = common::family(&family(user));
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    common::write_tree(dir.path(), &emit_with(&common::checked(ir), TEST_BUILD));
    dir
}

fn run(script: &Path, args: &[&str], envs: &[(&str, &Path)]) -> Output {
    run_in(&["sh".to_owned()], script, args, envs)
}

fn run_in(shell: &[String], script: &Path, args: &[&str], envs: &[(&str, &Path)]) -> Output {
    let mut c = Command::new(&shell[0]);
    c.args(&shell[1..]).arg(script).args(args);
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().expect("run")
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n{}{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_per_user_agent_is_planned_and_staged_in_the_users_home() {
    let tree = build("alice");
    let install = tree.path().join("demo/install.sh");
    let o = run(&install, &["--dry-run"], &[]);
    assert!(o.status.success(), "{}", text(&o));
    let plan = String::from_utf8_lossy(&o.stdout);
    // This machine has no alice: the plan uses macOS's default home, and says so.
    assert!(
        plan.contains("note: there is no user alice here; planning with /Users/alice"),
        "{plan}"
    );
    for line in [
        "would run: sudo -u alice -- mkdir -p -- /tmp/skillc-pua-logs-alice\n",
        "would create: /tmp/skillc-pua-logs-alice/notes.log (mode 0640, as alice)\n",
        "install: /Users/alice/Library/LaunchAgents/org.example.notes.plist (mode 0644, as alice)\n",
        "would run: sudo -u alice -- mkdir -p -- /Users/alice/Library/LaunchAgents\n",
        "would run: sudo -u alice -- mv -f -- /Users/alice/Library/LaunchAgents/.skillc-tmp.",
    ] {
        assert!(plan.contains(line), "{line}: {plan}");
    }
    assert!(!plan.contains(" /Library/LaunchAgents/"), "{plan}");
    assert!(
        !plan.contains("chown"),
        "root changes no owner in the home: {plan}"
    );
    let stage = tempfile::tempdir().expect("stage");
    let o = run(&install, &[], &[("SKILLC_DESTDIR", stage.path())]);
    assert!(o.status.success(), "{}", text(&o));
    let staged = stage
        .path()
        .join(format!("Users/alice/Library/LaunchAgents/{LABEL}.plist"));
    assert_eq!(
        std::fs::read(&staged).expect("staged in alice's home"),
        std::fs::read(tree.path().join(format!("demo/LaunchAgents/{LABEL}.plist"))).expect("built")
    );
    assert!(
        !stage
            .path()
            .join(format!("Library/LaunchAgents/{LABEL}.plist"))
            .exists(),
        "not in the all-users directory"
    );
    let o = run(
        &tree.path().join("demo/uninstall.sh"),
        &[],
        &[("SKILLC_DESTDIR", stage.path())],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(!staged.exists(), "uninstall removes it");
}

/// A second local user with its home under /tmp (a fresh account: no `~/Library`).
struct User {
    name: String,
    uid: u32,
    home: PathBuf,
}

impl User {
    fn create(name: &str) -> Option<Self> {
        let root = Command::new("id").arg("-u").output().expect("id");
        if String::from_utf8_lossy(&root.stdout).trim() != "0" {
            common::tool_missing("root (to create a second local user)");
            return None;
        }
        if !common::have_tool("sudo") || !common::have_tool("useradd") {
            return None;
        }
        let home = PathBuf::from(format!("/tmp/skillc-pua-home-{name}"));
        let _ = Command::new("userdel").arg(name).output();
        let _ = std::fs::remove_dir_all(&home);
        let ok = Command::new("useradd")
            .args(["-M", "-s", "/bin/sh", "-d"])
            .arg(&home)
            .arg(name)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "useradd {name}");
        let uid: u32 = String::from_utf8_lossy(
            &Command::new("id")
                .args(["-u", name])
                .output()
                .expect("id")
                .stdout,
        )
        .trim()
        .parse()
        .expect("uid");
        std::fs::create_dir(&home).expect("home");
        std::os::unix::fs::chown(&home, Some(uid), None).expect("chown home");
        Some(Self {
            name: name.to_owned(),
            uid,
            home,
        })
    }

    fn plist(&self) -> PathBuf {
        self.home
            .join(format!("Library/LaunchAgents/{LABEL}.plist"))
    }

    /// Runs `sh -c SCRIPT` as the user (what the user could do to its own home).
    fn sh(&self, script: &str) {
        let ok = Command::new("sudo")
            .args(["-u", &self.name, "--", "sh", "-c", script])
            .current_dir("/")
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "as {}: {script}", self.name);
    }
}

impl Drop for User {
    fn drop(&mut self) {
        let _ = Command::new("userdel").arg(&self.name).output();
        let _ = std::fs::remove_dir_all(&self.home);
        let _ = std::fs::remove_dir_all(format!("/tmp/skillc-pua-logs-{}", self.name));
    }
}

/// A simulated Mac: `uname` says Darwin, the simulated launchctl and BSD stat come first.
struct Mac {
    dir: tempfile::TempDir,
}

impl Mac {
    fn new(logged_in: &[u32]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).expect("mkdir");
        for (name, body) in [
            ("uname", "#!/bin/sh\necho Darwin\n"),
            ("launchctl", LAUNCHCTL),
            ("stat", BSD_STAT),
        ] {
            let p = bin.join(name);
            std::fs::write(&p, body).expect("write");
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        let state = dir.path().join("launchd");
        std::fs::create_dir(&state).expect("mkdir");
        let sessions: String = logged_in
            .iter()
            .map(|u| format!("{u}\n"))
            .collect::<Vec<_>>()
            .concat();
        std::fs::write(state.join("gui_sessions"), sessions).expect("write");
        Self { dir }
    }

    fn run(&self, script: &Path) -> Output {
        self.run_in(&["sh".to_owned()], script)
    }

    fn run_in(&self, shell: &[String], script: &Path) -> Output {
        let bin = self.dir.path().join("bin");
        let state = self.dir.path().join("launchd");
        let o = run_in(
            shell,
            script,
            &[],
            &[("SKILLC_TEST_PATH", &bin), ("SKILLC_FAKE_LAUNCHD", &state)],
        );
        eprintln!("{}", text(&o));
        o
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("launchd/calls.log")).unwrap_or_default()
    }
}

#[test]
fn root_installs_a_per_user_agent_as_the_user_and_loads_it_in_the_users_domain() {
    let Some(user) = User::create("skillc-pua1") else {
        return;
    };
    let tree = build(&user.name);
    for shell in common::shells() {
        installs_and_uninstalls(&user, tree.path(), &shell);
    }
}

fn installs_and_uninstalls(user: &User, tree: &Path, shell: &[String]) {
    let _ = std::fs::remove_dir_all(user.home.join("Library"));
    let _ = std::fs::remove_dir_all(format!("/tmp/skillc-pua-logs-{}", user.name));
    let mac = Mac::new(&[user.uid]);
    let o = mac.run_in(shell, &tree.join("demo/install.sh"));
    assert!(o.status.success(), "{shell:?}: {}", text(&o));
    let plist = user.plist();
    let meta = std::fs::symlink_metadata(&plist).expect("installed in the user's home");
    assert!(meta.is_file());
    assert_eq!(meta.uid(), user.uid, "the user's own file");
    assert_eq!(meta.mode() & 0o777, 0o644);
    assert_eq!(
        std::fs::read(&plist).expect("read"),
        std::fs::read(tree.join(format!("demo/LaunchAgents/{LABEL}.plist"))).expect("built")
    );
    let agents = std::fs::metadata(plist.parent().expect("dir")).expect("LaunchAgents");
    assert_eq!(
        agents.uid(),
        user.uid,
        "~/Library/LaunchAgents made by the user"
    );
    assert_eq!(agents.mode() & 0o022, 0, "not group- or world-writable");
    let log = std::fs::metadata(format!("/tmp/skillc-pua-logs-{}/notes.log", user.name))
        .expect("log file created");
    assert_eq!((log.uid(), log.mode() & 0o777), (user.uid, 0o640));
    let calls = mac.calls();
    let domain = format!("gui/{}", user.uid);
    assert!(
        calls.contains(&format!("bootstrap {domain} {}\n", plist.display())),
        "{calls}"
    );
    assert!(
        calls.contains(&format!("enable {domain}/{LABEL}\n")),
        "{calls}"
    );
    assert!(!calls.contains("gui/0"), "{calls}");
    // Again: nothing changed, nothing reloaded.
    let o = mac.run_in(shell, &tree.join("demo/install.sh"));
    assert!(o.status.success(), "{shell:?}: {}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(&format!("unchanged: {}", plist.display())),
        "{}",
        text(&o)
    );
    assert!(!mac.calls().contains("bootout"), "{}", mac.calls());
    // Uninstall boots it out of the user's domain and removes the file.
    let o = mac.run_in(shell, &tree.join("demo/uninstall.sh"));
    assert!(o.status.success(), "{shell:?}: {}", text(&o));
    assert!(
        mac.calls().contains(&format!("bootout {domain}/{LABEL}\n")),
        "{}",
        mac.calls()
    );
    assert!(std::fs::symlink_metadata(&plist).is_err(), "removed");
}

#[test]
fn a_user_who_is_not_logged_in_gets_the_agent_at_the_next_login() {
    let Some(user) = User::create("skillc-pua2") else {
        return;
    };
    let tree = build(&user.name);
    let mac = Mac::new(&[]);
    let o = mac.run(&tree.path().join("demo/install.sh"));
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(&format!(
            "{} is not logged in: {LABEL} loads at {}'s next login",
            user.name, user.name
        )),
        "{}",
        text(&o)
    );
    assert!(user.plist().is_file());
    assert!(!mac.calls().contains("bootstrap"), "{}", mac.calls());
}

/// The user controls its home: a `~/Library/LaunchAgents` that links to a root-owned directory
/// (standing for /Library/LaunchDaemons) gets nothing, and a plist path that links to a
/// root-owned file leaves that file untouched: root never writes there, only the user does.
#[test]
fn links_the_user_plants_in_its_home_never_lead_roots_writes() {
    let Some(user) = User::create("skillc-pua3") else {
        return;
    };
    let tree = build(&user.name);
    let mac = Mac::new(&[user.uid]);
    let victim_dir = tempfile::tempdir().expect("victim dir");
    std::fs::set_permissions(victim_dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    user.sh(&format!(
        "mkdir -p ~/Library && ln -s '{}' ~/Library/LaunchAgents",
        victim_dir.path().display()
    ));
    let o = mac.run(&tree.path().join("demo/install.sh"));
    assert_eq!(o.status.code(), Some(73), "{}", text(&o));
    assert_eq!(
        std::fs::read_dir(victim_dir.path()).expect("read").count(),
        0,
        "nothing written into the directory the link names"
    );
    assert!(!mac.calls().contains("bootstrap"), "{}", mac.calls());

    // The plist path itself a link to a root-owned file.
    user.sh("rm ~/Library/LaunchAgents && mkdir ~/Library/LaunchAgents");
    let victim = victim_dir.path().join("precious.plist");
    std::fs::write(&victim, "keep").expect("write");
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    user.sh(&format!(
        "ln -s '{}' ~/Library/LaunchAgents/{LABEL}.plist",
        victim.display()
    ));
    let o = mac.run(&tree.path().join("demo/install.sh"));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep");
    let meta = std::fs::symlink_metadata(user.plist()).expect("plist");
    assert!(meta.is_file(), "the link itself was replaced");
    assert_eq!(meta.uid(), user.uid);

    // Uninstall with a link planted again: the link goes, its target stays.
    user.sh(&format!(
        "rm ~/Library/LaunchAgents/{LABEL}.plist && ln -s '{}' ~/Library/LaunchAgents/{LABEL}.plist",
        victim.display()
    ));
    let o = mac.run(&tree.path().join("demo/uninstall.sh"));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep");
    assert!(std::fs::symlink_metadata(user.plist()).is_err());
}

#[test]
fn an_agent_for_a_user_this_mac_does_not_have_is_refused_with_67_before_anything() {
    let root = Command::new("id").arg("-u").output().expect("id");
    if String::from_utf8_lossy(&root.stdout).trim() != "0" {
        common::tool_missing("root (to run install.sh as root)");
        return;
    }
    let tree = build("skillc-no-such-user");
    let mac = Mac::new(&[]);
    let o = mac.run(&tree.path().join("demo/install.sh"));
    assert_eq!(o.status.code(), Some(67), "{}", text(&o));
    assert!(
        text(&o).contains("there is no user skillc-no-such-user here"),
        "{}",
        text(&o)
    );
    assert!(!Path::new("/tmp/skillc-pua-logs-skillc-no-such-user").exists());
    assert!(!mac.calls().contains("bootstrap"));
}

/// The user is looked up before anything of the service is installed: a per-user agent with a
/// readiness gate installs no gate for a user the Mac does not have (exit 67 comes first).
#[test]
fn the_user_is_looked_up_before_the_agents_gate_is_installed() {
    let yaml = family("bob").replace(
        "    readiness:\n      probe: 'running(service)'\n",
        "    requires: [db]\n  db:\n    description: A database.\n    layer: L1\n    scope: daemon\n    capabilities: [storage]\n    run:\n      program: /usr/local/bin/db\n    readiness:\n      probe: 'running(service)'\n",
    );
    assert!(yaml.contains("requires: [db]"));
    let (_t, ir, diags) = common::family(&yaml);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    let files = emit_with(&common::checked(ir), TEST_BUILD);
    let install = files
        .iter()
        .find(|f| f.path == "demo/install.sh")
        .expect("install.sh");
    let text = String::from_utf8_lossy(&install.bytes);
    let section = &text[text.find("# demo/notes").expect("notes section")..];
    let home = section.find("user_home bob").expect("user lookup");
    let gate = section.find("/gates/notes.sh").expect("gate put");
    assert!(home < gate, "{section}");
}
