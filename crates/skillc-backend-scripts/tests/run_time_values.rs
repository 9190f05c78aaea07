//! Attacks on the run-time values a script acts on and on the files its `fs.*` steps change,
//! the way a careless operator or a hostile service user would: a `path` value that climbs out
//! with `..` (tried against a real directory holding a precious file), values that a command
//! would take for options (`--version`, `-rf`), newlines and control characters, and symbolic
//! links a second local user (`nobody`, via `setpriv`) plants where `fs.chmod`, `fs.chown` and
//! `fs.move_aside` act. Under `dash`, `bash --posix` and zsh as `sh`.
//!
//! The family (`vals`, below): `svc`, a daemon run by `nobody` in `/ROOT/svc` (owned by nobody,
//! so nobody can plant names there); `edge`, the same on L3 (every step runs unattended). Skills
//! on `edge`: `purge` removes the run-time path `dir`; `purge-under` removes
//! `/ROOT/data/{param.name}` (a string value inside a path the skill names); `rm-flag` runs
//! `/bin/rm {param.flag} /ROOT/data/keep`; `show` runs `/bin/ls {param.what}`; `perms` changes
//! the mode and owner of `/ROOT/svc/app.conf` (`owner` only its owner), `perms-under` of `/ROOT/svc/sub/app.conf`;
//! `aside` moves `/ROOT/svc/app.log` aside; `probe-writes` has a diagnose step that changes
//! something (`touch`, stated `reversible`, which the policy would let run unattended).

mod common;

use common::{Host, text};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FAMILY: &str = r#"
family:
  name: vals
  version: 1.0.0
  description: Run-time value and symlink attack scenarios.
  label_prefix: org.example.vals
services:
  edge:
    description: An L3 daemon run by nobody (its steps run unattended).
    layer: L3
    scope: daemon
    capabilities: [serve_api]
    run:
      program: /ROOT/bin/svcd
      user: nobody
      working_dir: /ROOT/svc
skills:
  purge:
    title: Remove a run-time directory
    severity: low
    applies_to: { services: [edge] }
    params:
      dir: { type: path }
    detect: 'dir_exists(param("dir"))'
    remediate:
      - { id: remove, action: fs.remove, with: { path: "{param.dir}" } }
    verify: '!dir_exists(param("dir"))'
    on_failure: stop
  purge-under:
    title: Remove a named directory under /ROOT/data
    severity: low
    applies_to: { services: [edge] }
    params:
      name: { type: string }
      marker: { type: path, default: /ROOT/data }
    detect: 'dir_exists(param("marker"))'
    remediate:
      - { id: remove, action: fs.remove, with: { path: "/ROOT/data/{param.name}" } }
    verify: 'dir_exists(param("marker"))'
    on_failure: stop
  rm-flag:
    title: Run rm with a run-time first argument
    severity: low
    applies_to: { services: [edge] }
    params:
      flag: { type: string }
      marker: { type: path, default: /ROOT/data }
    detect: 'dir_exists(param("marker"))'
    remediate:
      - { id: rm, action: run, with: { argv: [/bin/rm, "{param.flag}", /ROOT/data/keep], risk: destructive } }
    verify: 'dir_exists(param("marker"))'
    on_failure: stop
  show:
    title: List a run-time name
    severity: low
    applies_to: { services: [edge] }
    params:
      what: { type: string }
      marker: { type: path, default: /ROOT/data }
    detect: 'dir_exists(param("marker"))'
    remediate:
      - { id: ls, action: run, with: { argv: [/bin/ls, "{param.what}"], risk: read_only } }
    verify: 'dir_exists(param("marker"))'
    on_failure: stop
  perms:
    title: Fix the mode and owner of the service's config
    severity: low
    applies_to: { services: [edge] }
    params:
      marker: { type: path, default: /ROOT/svc }
    detect: 'dir_exists(param("marker"))'
    remediate:
      - { id: mode, action: fs.chmod, with: { path: /ROOT/svc/app.conf, mode: "0600" } }
      - { id: owner, action: fs.chown, with: { path: /ROOT/svc/app.conf, owner: nobody } }
    verify: 'dir_exists(param("marker"))'
    on_failure: stop
  empty-log:
    title: Empty the service's log in place
    severity: low
    applies_to: { services: [edge] }
    params:
      marker: { type: path, default: /ROOT/svc }
    detect: 'dir_exists(param("marker"))'
    remediate:
      - { id: empty, action: fs.truncate, with: { path: /ROOT/svc/app.log } }
    verify: 'dir_exists(param("marker"))'
    on_failure: stop
  owner:
    title: Fix the owner of the service's config
    severity: low
    applies_to: { services: [edge] }
    params:
      marker: { type: path, default: /ROOT/svc }
    detect: 'dir_exists(param("marker"))'
    remediate:
      - { id: owner, action: fs.chown, with: { path: /ROOT/svc/app.conf, owner: nobody } }
    verify: 'dir_exists(param("marker"))'
    on_failure: stop
  perms-under:
    title: Fix the mode of a config in a subdirectory
    severity: low
    applies_to: { services: [edge] }
    params:
      marker: { type: path, default: /ROOT/svc }
    detect: 'dir_exists(param("marker"))'
    remediate:
      - { id: mode, action: fs.chmod, with: { path: /ROOT/svc/sub/app.conf, mode: "0600" } }
    verify: 'dir_exists(param("marker"))'
    on_failure: stop
  mkdir-under:
    title: Make a directory in a subdirectory
    severity: low
    applies_to: { services: [edge] }
    params:
      marker: { type: path, default: /ROOT/svc }
    detect: 'dir_exists(param("marker"))'
    remediate:
      - { id: mk, action: fs.mkdir, with: { path: /ROOT/svc/sub/cache, mode: "0700", owner: nobody } }
    verify: 'dir_exists(param("marker"))'
    on_failure: stop
  probe-writes:
    title: A diagnose step that changes something
    severity: low
    applies_to: { services: [edge] }
    params:
      marker: { type: path, default: /ROOT/data }
    detect: 'dir_exists(param("marker"))'
    diagnose:
      - { id: touch, action: run, with: { argv: [/usr/bin/touch, /ROOT/data/touched], risk: reversible } }
      - { id: look, action: run, with: { argv: [/bin/ls, /ROOT/data], risk: read_only } }
    remediate:
      - { id: say, action: notify, with: { message: done } }
    verify: 'dir_exists(param("marker"))'
    on_failure: stop
  aside:
    title: Move the service's log aside
    severity: low
    applies_to: { services: [edge] }
    params:
      marker: { type: path, default: /ROOT/svc/app.log }
    detect: 'file_exists(param("marker"))'
    remediate:
      - { id: aside, action: fs.move_aside, with: { path: /ROOT/svc/app.log } }
    verify: '!file_exists(param("marker"))'
    on_failure: stop
policy:
  rules:
    - { match: { risk: read_only }, outcome: auto }
    - { match: { risk: reversible }, outcome: auto }
    - { match: { risk: disruptive }, outcome: auto }
    - { match: { risk: destructive }, outcome: auto }
  runners:
    ops: ["*"]
  roles:
    ops: [alice]
"#;

/// The family built under `root` (its /ROOT): `/ROOT/data` holds `keep/` and `target/`;
/// `/ROOT/precious/file` is what a traversal would delete; `/ROOT/svc` belongs to nobody.
fn build(root: &Path) -> PathBuf {
    let yaml = FAMILY.replace("/ROOT", &root.display().to_string());
    let fam = common::write_family(&root.join("src"), "vals", &yaml);
    let ir = common::load_ok(&[fam]);
    let out = root.join("out");
    common::write_tree(&out, &common::emit_test(&ir));
    for d in ["svc", "bin", "data/keep", "data/target", "precious"] {
        std::fs::create_dir_all(root.join(d)).expect("mkdir");
    }
    std::fs::write(root.join("data/keep/file"), "keep").expect("write");
    std::fs::write(root.join("precious/file"), "precious").expect("write");
    std::fs::copy("/bin/sleep", root.join("bin/svcd")).expect("copy sleep");
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    out
}

fn script(host: &Host, skill: &str) -> PathBuf {
    host.path()
        .join(format!("out/vals/remediate/vals--{skill}--edge.sh"))
}

/// dash, `bash --posix`, and zsh as `sh` (a link named `sh`, so zsh emulates sh).
fn shells() -> Vec<Vec<String>> {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let mut shells = common::shells();
    if common::have_tool("zsh") {
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = std::env::temp_dir().join(format!("skillc-vals-zsh-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&tmp).expect("mkdir");
        let sh = tmp.join("sh");
        let _ = std::fs::remove_file(&sh);
        let zsh = Command::new("sh")
            .args(["-c", "command -v zsh"])
            .output()
            .expect("zsh")
            .stdout;
        let zsh = String::from_utf8(zsh).expect("utf8");
        std::os::unix::fs::symlink(zsh.trim(), &sh).expect("symlink");
        shells.push(vec![sh.display().to_string()]);
    }
    shells
}

/// Runs `f` once per shell on a fresh host with the family built.
fn each_shell(f: impl Fn(&Host)) {
    if !common::have_tool("openssl") {
        return;
    }
    for shell in shells() {
        let host = Host::new(&shell);
        build(host.path());
        f(&host);
        host.validate_audit();
    }
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

fn events<'a>(audit: &'a [serde_json::Value], event: &str) -> Vec<&'a serde_json::Value> {
    audit.iter().filter(|r| r["event"] == event).collect()
}

/// `--param NAME=VALUE` is refused in plan mode, with `--apply` and with `--detect`: exit 65,
/// a `value_refused` audit line naming it and why, the `--json` status `bad_value`, no step
/// started, no lock taken; returns the audit event's reason.
fn refused(host: &Host, skill: &str, param: &str, value: &str) -> String {
    let s = script(host, skill);
    let arg = format!("{param}={value}");
    let before = std::fs::read_to_string(host.audit_log())
        .unwrap_or_default()
        .lines()
        .count();
    for mode in [&["--json"][..], &["--json", "--apply"][..]] {
        let mut args = mode.to_vec();
        args.extend(["--param", &arg]);
        // From /ROOT/data/keep, `../../precious` is the real /ROOT/precious.
        let o = host
            .command(&s, &args)
            .current_dir(host.path().join("data/keep"))
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(65), "{value:?}: {}", text(&o));
        let j = json(&o);
        assert_eq!(j["status"], "bad_value", "{}", text(&o));
        assert_eq!(j["exit"], 65);
        assert_eq!(j["steps"], serde_json::json!([]));
        assert_eq!(j["detected"], serde_json::Value::Null, "detect never ran");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(&format!("--param {param}")),
            "{}",
            text(&o)
        );
    }
    let o = host.run(&s, &["--detect", "--param", &arg]);
    assert_eq!(o.status.code(), Some(65), "{}", text(&o));
    let audit = host.validate_audit();
    let new = &audit[before..];
    let refusals = events(new, "value_refused");
    assert_eq!(refusals.len(), 2, "{new:#?}");
    for r in &refusals {
        assert_eq!(r["param"], param);
        assert_eq!(r["value"], value);
    }
    assert!(events(new, "step_start").is_empty(), "{new:#?}");
    assert!(events(new, "lock").is_empty(), "{new:#?}");
    assert!(events(new, "approval").is_empty(), "{new:#?}");
    assert!(
        !host.path().join("state/locks").exists()
            || std::fs::read_dir(host.path().join("state/locks"))
                .expect("locks")
                .next()
                .is_none()
    );
    refusals[0]["reason"].as_str().expect("reason").to_owned()
}

#[test]
fn a_path_value_that_climbs_out_with_dot_dot_never_reaches_rm() {
    each_shell(|host| {
        let root = host.path();
        let precious = root.join("precious/file");
        // From the service's directory, `../precious` and `../../<root>/precious` both name the
        // real precious directory: a relative value, and absolute ones that climb out.
        let svc = root.join("svc");
        assert!(svc.join("../precious/file").exists());
        assert!(root.join("data/keep/../../precious/file").exists());
        for value in [
            "../../precious".to_owned(),
            "../precious".to_owned(),
            format!("{}/../precious", svc.display()),
            format!("{}/data/../precious", root.display()),
            format!("{}/data/./../precious/", root.display()),
            format!("{}/data/..", root.display()),
            format!("{}/./precious", root.display()),
            "precious".to_owned(),
        ] {
            let why = refused(host, "purge", "dir", &value);
            assert!(
                why.contains("absolute") || why.contains(".."),
                "{value}: {why}"
            );
            assert!(precious.exists(), "{value} deleted the precious file");
        }
        // A string value inside a path the skill names: `..` and an empty name (which would
        // remove /ROOT/data itself) are refused for that path argument.
        for value in ["../precious", "x/../../precious", ".", "..", "./", "a/./b"] {
            let s = script(host, "purge-under");
            let o = host.run(
                &s,
                &["--json", "--apply", "--param", &format!("name={value}")],
            );
            assert_eq!(o.status.code(), Some(65), "{value:?}: {}", text(&o));
            assert_eq!(json(&o)["status"], "bad_value");
            assert!(precious.exists(), "{value} deleted the precious file");
            assert!(root.join("data/keep/file").exists(), "{value}");
        }
        let audit = host.validate_audit();
        let step_arg: Vec<_> = events(&audit, "value_refused")
            .into_iter()
            .filter(|r| r["step"] == "remove")
            .collect();
        assert!(!step_arg.is_empty(), "{audit:#?}");
        assert_eq!(step_arg[0]["arg"], "path");
        // What is allowed still runs: an absolute, plain path, and a plain name under /ROOT/data.
        let target = root.join("data/target");
        let o = host.run(
            &script(host, "purge"),
            &["--apply", "--param", &format!("dir={}", target.display())],
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(!target.exists());
        std::fs::create_dir_all(&target).expect("mkdir");
        let o = host.run(
            &script(host, "purge-under"),
            &["--apply", "--param", "name=target"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(!target.exists());
        assert!(precious.exists());
    });
}

#[test]
fn values_a_command_would_take_for_options_are_refused() {
    each_shell(|host| {
        let keep = host.path().join("data/keep/file");
        for value in ["-rf", "-r", "--recursive", "-", "--"] {
            let why = refused(host, "rm-flag", "flag", value);
            assert!(why.contains("option"), "{value}: {why}");
            assert!(keep.exists(), "{value} reached rm as an option");
        }
        for value in ["--version", "--help", "-la"] {
            refused(host, "show", "what", value);
        }
        // A path value cannot start with `-` either (it is not absolute).
        refused(host, "purge", "dir", "-rf");
        // `rm` given a harmless operand still runs (and fails on the directory, as rm does
        // without -r): the check refuses options, not values.
        let o = host.run(&script(host, "rm-flag"), &["--apply", "--param", "flag=x"]);
        assert!(keep.exists(), "{}", text(&o));
    });
}

#[test]
fn newlines_and_control_characters_in_values_are_refused() {
    each_shell(|host| {
        let precious = host.path().join("precious/file");
        let data = host.path().join("data");
        for value in [
            "a\nb".to_owned(),
            "x\n--version".to_owned(),
            "\x1b[2Jfake plan".to_owned(),
            "tab\there".to_owned(),
            "cr\rhere".to_owned(),
            "bell\x07".to_owned(),
            "del\x7f".to_owned(),
            "\x01".to_owned(),
        ] {
            let why = refused(host, "show", "what", &value);
            assert!(why.contains("control character"), "{value:?}: {why}");
            let dir = format!(
                "{}/ok\n{}",
                data.display(),
                host.path().join("precious").display()
            );
            let why = refused(host, "purge", "dir", &dir);
            assert!(why.contains("control character"), "{why}");
            assert!(precious.exists());
        }
        // Non-ASCII text is not a control character.
        let o = host.run(
            &script(host, "show"),
            &["--json", "--param", "what=caf\u{e9}"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert_eq!(json(&o)["params"]["what"], "caf\u{e9}");
    });
}

// ---- symbolic links a service user plants ------------------------------------------------------

const NOBODY: u32 = 65534;

/// Whether a second local user can be played (`setpriv`, run as root for chown and setpriv).
fn second_user() -> bool {
    // SAFETY-free check: `id -u` is 0.
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        common::tool_missing("root (to play a second local user and to chown)");
        return false;
    }
    common::have_tool("setpriv")
}

/// Runs `sh -c script` as nobody (the service user): what a hostile service could do.
fn as_nobody(script: &str) {
    let o = Command::new("setpriv")
        .args([
            "--reuid",
            &NOBODY.to_string(),
            "--regid",
            &NOBODY.to_string(),
            "--clear-groups",
            "sh",
            "-c",
            script,
        ])
        .output()
        .expect("setpriv");
    assert!(o.status.success(), "as nobody: {script}: {}", text(&o));
}

/// `/ROOT/svc` handed to nobody, and a root-owned file `/ROOT/precious/file` (mode 0644).
fn service_dir(host: &Host) -> PathBuf {
    let svc = host.path().join("svc");
    std::os::unix::fs::chown(&svc, Some(NOBODY), Some(NOBODY)).expect("chown");
    let precious = host.path().join("precious/file");
    std::fs::set_permissions(&precious, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::os::unix::fs::chown(&precious, Some(0), Some(0)).expect("chown");
    precious
}

fn mode_and_owner(p: &Path) -> (u32, u32, u32) {
    let m = std::fs::metadata(p).expect("metadata");
    (m.mode() & 0o7777, m.uid(), m.gid())
}

fn each_shell_with_nobody(f: impl Fn(&Host, &Path)) {
    if !second_user() {
        return;
    }
    each_shell(|host| {
        let precious = service_dir(host);
        f(host, &precious);
    });
}

#[test]
fn fs_chmod_and_chown_never_follow_a_symlink_the_service_user_planted() {
    each_shell_with_nobody(|host, precious| {
        let conf = host.path().join("svc/app.conf");
        as_nobody(&format!(
            "ln -s '{}' '{}'",
            precious.display(),
            conf.display()
        ));
        assert_eq!(
            std::fs::symlink_metadata(&conf).expect("link").uid(),
            NOBODY
        );
        let o = host.run(&script(host, "perms"), &["--json", "--apply"]);
        let j = json(&o);
        assert_eq!(mode_and_owner(precious), (0o644, 0, 0), "{}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("refusing to chmod") && err.contains("symbolic link"),
            "{}",
            text(&o)
        );
        assert_eq!(j["steps"][0]["step"], "mode");
        let audit = host.validate_audit();
        let ends = events(&audit, "step_end");
        assert_eq!(
            ends.len(),
            1,
            "the chown step never ran after the refusal: {ends:#?}"
        );
        assert_eq!(ends[0]["step"], "mode");
        assert_eq!(ends[0]["status"], "failed", "{}", text(&o));
        // The chown step is refused the same way when it is the one that runs.
        let o = host.run(&script(host, "perms"), &["--apply"]);
        assert_eq!(mode_and_owner(precious), (0o644, 0, 0), "{}", text(&o));
        // A plain file of the service is changed as asked.
        std::fs::remove_file(&conf).expect("rm link");
        std::fs::write(&conf, "conf").expect("write");
        std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let o = host.run(&script(host, "perms"), &["--apply"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert_eq!(mode_and_owner(&conf), (0o600, NOBODY, 0));
        assert_eq!(mode_and_owner(precious), (0o644, 0, 0));
    });
}

#[test]
fn fs_truncate_never_follows_a_planted_symlink_and_empties_a_real_log_in_place() {
    each_shell_with_nobody(|host, precious| {
        let log = host.path().join("svc/app.log");
        as_nobody(&format!(
            "ln -s '{}' '{}'",
            precious.display(),
            log.display()
        ));
        let o = host.run(&script(host, "empty-log"), &["--apply"]);
        assert_eq!(
            std::fs::read_to_string(precious).expect("precious"),
            "precious",
            "{}",
            text(&o)
        );
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("refusing to truncate"),
            "{}",
            text(&o)
        );
        let audit = host.validate_audit();
        assert_eq!(
            events(&audit, "step_end").last().expect("step_end")["status"],
            "failed"
        );
        // The service's own log: emptied, the same inode, owner and mode.
        std::fs::remove_file(&log).expect("rm link");
        as_nobody(&format!(
            "printf 'line\\n%.0s' $(seq 1 100) > '{}'",
            log.display()
        ));
        let before = std::fs::metadata(&log).expect("log");
        assert!(before.len() > 0);
        let o = host.run(&script(host, "empty-log"), &["--apply"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let after = std::fs::metadata(&log).expect("log");
        assert_eq!(after.len(), 0);
        assert_eq!(after.ino(), before.ino(), "replaced, not emptied in place");
        assert_eq!(
            mode_and_owner(&log),
            (before.mode() & 0o7777, NOBODY, NOBODY)
        );
        // Already empty: skipped, nothing changed.
        let o = host.run(&script(host, "empty-log"), &["--apply", "--json"]);
        assert_eq!(json(&o)["steps"][0]["plan"], "no_change", "{}", text(&o));
    });
}

#[test]
fn fs_chown_alone_never_follows_a_planted_symlink() {
    each_shell_with_nobody(|host, precious| {
        let conf = host.path().join("svc/app.conf");
        as_nobody(&format!(
            "ln -s '{}' '{}'",
            precious.display(),
            conf.display()
        ));
        // Every chmod and chown in the script is the runtime's `-h` one, behind skillc_chmod
        // and skillc_chown.
        let s = script(host, "perms");
        let body = std::fs::read_to_string(&s).expect("script");
        let calls = |name: &str| {
            body.lines()
                .filter(|l| l.trim_start().starts_with(&format!("{name} ")))
                .count()
        };
        assert_eq!(calls("skillc_chown"), 1, "the chown step uses skillc_chown");
        assert_eq!(calls("skillc_chmod"), 1, "the chmod step uses skillc_chmod");
        let bare = body
            .lines()
            .map(str::trim_start)
            .filter(|l| l.starts_with("chown ") || l.starts_with("chmod "))
            .filter(|l| !l.starts_with("chown -h -- ") && !l.starts_with("chmod -h -- "))
            .count();
        assert_eq!(bare, 0, "a chown or chmod without -h");
        let o = host.run(&script(host, "owner"), &["--apply"]);
        assert_eq!(mode_and_owner(precious), (0o644, 0, 0), "{}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("refusing to chown"),
            "{}",
            text(&o)
        );
        let audit = host.validate_audit();
        let ends = events(&audit, "step_end");
        assert_eq!(ends.last().expect("step_end")["status"], "failed");
    });
}

#[test]
fn a_planted_symlink_on_the_way_to_a_path_is_never_followed() {
    each_shell_with_nobody(|host, precious| {
        // nobody plants /ROOT/svc/sub -> /ROOT/precious: /ROOT/svc/sub/app.conf would be the
        // precious directory's app.conf, /ROOT/svc/sub/cache a directory made in it.
        let pdir = precious.parent().expect("dir");
        let pconf = pdir.join("app.conf");
        std::fs::write(&pconf, "root's").expect("write");
        std::fs::set_permissions(&pconf, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        as_nobody(&format!(
            "ln -s '{}' '{}'",
            pdir.display(),
            host.path().join("svc/sub").display()
        ));
        let o = host.run(&script(host, "perms-under"), &["--apply"]);
        assert_eq!(mode_and_owner(&pconf), (0o644, 0, 0), "{}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr)
                .contains("on the way is a symbolic link owned by uid 65534"),
            "{}",
            text(&o)
        );
        let o = host.run(&script(host, "mkdir-under"), &["--apply"]);
        assert!(!pdir.join("cache").exists(), "{}", text(&o));
        // A root-owned link on the way (as macOS's /var -> private/var) is followed.
        std::fs::remove_file(host.path().join("svc/sub")).expect("rm");
        std::os::unix::fs::symlink(pdir, host.path().join("svc/sub")).expect("symlink");
        let o = host.run(&script(host, "perms-under"), &["--apply"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert_eq!(mode_and_owner(&pconf).0, 0o600);
    });
}

#[test]
fn move_aside_never_moves_into_a_directory_planted_at_its_destination() {
    each_shell_with_nobody(|host, precious| {
        let pdir = precious.parent().expect("dir").to_path_buf();
        let log = host.path().join("svc/app.log");
        as_nobody(&format!("printf log > '{}'", log.display()));
        // nobody plants the destination names of the next seconds as links to a root directory.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("time")
            .as_secs();
        let mut plant = String::new();
        for t in now..now + 20 {
            let stamp = Command::new("date")
                .args(["-u", "-d", &format!("@{t}"), "+%Y%m%dT%H%M%SZ"])
                .output()
                .expect("date");
            let stamp = String::from_utf8_lossy(&stamp.stdout).trim().to_owned();
            plant.push_str(&format!(
                "ln -s '{}' '{}.skillc-{stamp}'; ",
                pdir.display(),
                log.display()
            ));
        }
        as_nobody(&plant);
        let o = host.run(&script(host, "aside"), &["--apply"]);
        let moved_in: Vec<_> = std::fs::read_dir(&pdir)
            .expect("precious dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("app.log"))
            .collect();
        assert!(moved_in.is_empty(), "{moved_in:?}: {}", text(&o));
        assert_eq!(
            std::fs::read_to_string(precious).expect("precious"),
            "precious"
        );
        // Moved aside under a name of its own (the planted one taken, `-<pid>` added).
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(!log.exists());
        let aside: Vec<_> = std::fs::read_dir(host.path().join("svc"))
            .expect("svc")
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(aside.len(), 1, "{aside:?}");
        assert!(aside[0].starts_with("app.log.skillc-"), "{aside:?}");
        // The rename is `mv -h` (macOS: never into a directory a link at the target names).
        let log = std::fs::read_to_string(host.path().join("launchd/bsd.log")).unwrap_or_default();
        if !log.is_empty() {
            assert!(log.lines().any(|l| l.starts_with("mv -h -- ")), "{log}");
        }
    });
}

// ---- plan mode -----------------------------------------------------------------------------------

#[test]
fn plan_mode_never_runs_a_diagnose_step_that_changes_something() {
    each_shell(|host| {
        let touched = host.path().join("data/touched");
        let s = script(host, "probe-writes");
        let o = host.run(&s, &[]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(!touched.exists(), "plan mode ran it: {}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains("deferred  touch: changes something"),
            "{}",
            text(&o)
        );
        let audit = host.validate_audit();
        assert!(
            events(&audit, "step_start")
                .iter()
                .all(|r| r["step"] != "touch"),
            "{audit:#?}"
        );
        // The read-only one ran in plan mode; with --apply the other runs after the gate.
        assert!(
            events(&audit, "step_start")
                .iter()
                .any(|r| r["step"] == "look"),
            "{audit:#?}"
        );
        let o = host.run(&s, &["--apply"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(touched.exists(), "{}", text(&o));
    });
}
