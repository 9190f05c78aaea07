//! `install.sh` / `uninstall.sh` of a family.
//!
//! Both run as root on macOS (exit 77 otherwise, 69 off macOS), take `--dry-run` (print the plan,
//! change nothing, needs neither root nor macOS), and use only modern launchctl subcommands
//! (`enable`, `bootstrap`, `bootout`, `kickstart`; never `load`/`unload`/`disable`).
//!
//! Install locations:
//! * daemons: `/Library/LaunchDaemons/<Label>.plist`, `root:wheel 0644`, domain `system/`;
//! * agents: `/Library/LaunchAgents/<Label>.plist`, `root:wheel 0644` (loaded for every user at
//!   login), bootstrapped at once into `gui/<uid>/` of the user logged in at the console, if any;
//! * gates: `/usr/local/libexec/skillc/<family>/gates/<id>.sh`, `root:wheel 0755`.
//!
//! Each file is copied to a temporary name in the target directory, given its owner and mode,
//! stripped of `com.apple.quarantine`, then renamed over the target (`mv -f`), and skipped when
//! `cmp -s` says the installed file is identical. Services are handled in dependency order
//! (`requires` and `wants` within the family; ties by layer, then id); uninstall goes in reverse.
//!
//! `SKILLC_DESTDIR=/some/dir` stages the files below that directory instead (packaging): no
//! launchctl, no chown, no root or macOS check.

use crate::resolve::{gate_path, has_gate};
use skillc_backend_support::{
    Domain, Edges, Options, OrderSpec, Ties, dependency_order, domain, plist_dir,
};
use skillc_ir::{FamilyId, Ir, Scope, ServiceId};
use skillc_sh::{Command, Cond, Dq, Redirect, Word, comment_text};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Who a service's files belong to: its user (and group) for a daemon, root without one; the
/// console user for an agent.
fn owner_of(s: &skillc_ir::Service) -> String {
    match s.scope.value {
        Scope::Daemon => {
            let user = s.run.user.as_ref().map_or("root", |u| u.value.as_str());
            match &s.run.group {
                Some(g) => format!("{user}:{}", g.value),
                None => user.to_owned(),
            }
        }
        Scope::Session => CONSOLE_OWNER.to_owned(),
    }
}

/// The owner word meaning "the user logged in at the console" ($console_uid).
const CONSOLE_OWNER: &str = "$console_uid";

fn owner_word(owner: &str) -> Word {
    if owner == CONSOLE_OWNER {
        Word::var("console_uid")
    } else {
        Word::lit(owner)
    }
}

/// The directories a service needs before launchd execs it (else EX_CONFIG 78): its working
/// directory and its logs' directories.
fn dirs_of(s: &skillc_ir::Service) -> BTreeSet<String> {
    let mut dirs = BTreeSet::new();
    if let Some(wd) = &s.run.working_dir {
        dirs.insert(wd.value.clone());
    }
    for p in [&s.run.stdout, &s.run.stderr].into_iter().flatten() {
        if let Some((parent, _)) = p.value.rsplit_once('/')
            && !parent.is_empty()
        {
            dirs.insert(parent.to_owned());
        }
    }
    dirs
}

/// A service's log files (stdout and stderr, once each when they are the same file).
fn log_files(s: &skillc_ir::Service) -> BTreeSet<&str> {
    [&s.run.stdout, &s.run.stderr]
        .into_iter()
        .flatten()
        .map(|p| p.value.as_str())
        .collect()
}

/// The owner of each directory the family's services need: the one service owner that uses it,
/// or root:wheel when services of different owners share it (each then writes only its own log
/// file, which install.sh creates with that service's owner: no service can replace another's).
fn dir_owners(ir: &Ir, services: &[ServiceId]) -> BTreeMap<String, String> {
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for &id in services {
        let s = ir.service(id);
        if s.for_user.is_some() {
            continue;
        }
        for d in dirs_of(s) {
            users.entry(d).or_default().insert(owner_of(s));
        }
    }
    users
        .into_iter()
        .map(|(d, owners)| {
            let owner = if owners.len() == 1 {
                owners.into_iter().next().unwrap_or_default()
            } else {
                "root:wheel".to_owned()
            };
            (d, owner)
        })
        .collect()
}

/// The services of a family in install order: dependencies (`requires` and `wants` within the
/// family) first; of the services ready, the lower layer first, then the id. Services on a cycle
/// (which the analyzer reports) follow in the same tie order.
fn install_order(ir: &Ir, family: FamilyId) -> Vec<ServiceId> {
    let spec = OrderSpec {
        family: Some(family),
        edges: Edges::RequiresAndWants,
        ties: Ties::SmallestReady,
    };
    dependency_order(ir, spec).services
}

/// Options, platform checks and the helpers install.sh and uninstall.sh share.
const PRELUDE: &str = include_str!("sh/prelude.sh");

/// `set -u`, the fixed system PATH, then [`PRELUDE`].
fn prelude(options: Options) -> String {
    format!(
        "set -u\n{}{PRELUDE}",
        skillc_backend_support::system_path(options.test_build)
    )
}

/// `put`, `lint`, `mkdirs` and `start`.
const INSTALL_FNS: &str = include_str!("sh/install_fns.sh");

/// `user_home`, `user_run`, `as_user` and `user_session`: what the installers of a family with a
/// per-user agent need.
const PER_USER_FNS: &str = include_str!("sh/per_user.sh");

/// `user_put`, `user_mkdirs`, `user_logfile` and `user_lint`.
const PER_USER_INSTALL_FNS: &str = include_str!("sh/per_user_install.sh");

/// `user_remove`.
const PER_USER_UNINSTALL_FNS: &str = include_str!("sh/per_user_uninstall.sh");

/// Whether a family has a per-user agent.
fn has_per_user(ir: &Ir, family: FamilyId) -> bool {
    ir.services
        .iter()
        .any(|s| s.family == family && s.for_user.is_some())
}

/// `install.sh` of a family.
pub(crate) fn install_script(ir: &Ir, family: FamilyId, options: Options) -> String {
    let fam = ir.family(family);
    let mut out = String::new();
    let _ = writeln!(out, "#!/bin/sh");
    let _ = writeln!(
        out,
        "# Installs the launchd services of family {} {}, generated by skillc. Do not edit.",
        comment_text(&fam.name.value),
        comment_text(&fam.version.value)
    );
    let _ = writeln!(
        out,
        "# Usage: sudo ./install.sh [--dry-run]   (files are read from this script's directory)"
    );
    let _ = writeln!(
        out,
        "# Exit: 0 done, 64 usage, 69 not macOS, 73 cannot write, 75 launchctl failed (retry),"
    );
    let _ = writeln!(
        out,
        "# 67 no such user (a per-user agent), 77 not root, 78 invalid plist."
    );
    out.push_str(&prelude(options));
    out.push_str(INSTALL_FNS);
    if has_per_user(ir, family) {
        out.push('\n');
        out.push_str(PER_USER_FNS);
        out.push('\n');
        out.push_str(PER_USER_INSTALL_FNS);
    }
    out.push('\n');
    let order = install_order(ir, family);
    let owners = dir_owners(ir, &order);
    let mut made: BTreeSet<String> = BTreeSet::new();
    for id in order {
        let s = ir.service(id);
        let label = &s.label.value;
        let plist_rel = format!(
            "{}/{label}.plist",
            match s.scope.value {
                Scope::Daemon => "LaunchDaemons",
                Scope::Session => "LaunchAgents",
            }
        );
        let plist_dest = format!("{}/{label}.plist", plist_dir(s.scope.value));
        let _ = writeln!(out, "# {} ({label})", comment_text(&ir.service_name(id)));
        let _ = writeln!(out, "reload=");
        if let Domain::User(user) = domain(s) {
            // Before anything is installed: no gate for a user this Mac does not have.
            let _ = writeln!(out, "{}", user_home(user));
        }
        if has_gate(s) {
            let rel = format!("gates/{}.sh", s.id.value);
            let _ = writeln!(out, "{}", put(&rel, gate_path(ir, id), "0755"));
            let _ = writeln!(out, "if [ \"$changed\" -eq 1 ]; then reload=gate; fi");
        }
        if let Domain::User(user) = domain(s) {
            install_per_user(&mut out, s, user, &plist_rel);
            continue;
        }
        // Directories launchd must be able to open before exec (else EX_CONFIG 78), each made
        // once, with the owner computed over the whole family.
        for d in dirs_of(s) {
            if made.insert(d.clone()) {
                let owner = owners.get(&d).map_or("root", String::as_str);
                let mkdirs = Command::new("mkdirs")
                    .arg(owner_word(owner))
                    .arg(Word::lit(d));
                let _ = writeln!(out, "{mkdirs}");
            }
        }
        // The log files, created with the service's owner (mode 0640): launchd opens them as the
        // job's user, who may not be able to create a file in a shared directory.
        for log in log_files(s) {
            let cmd = Command::new("logfile")
                .arg(owner_word(&owner_of(s)))
                .arg(Word::lit(log));
            let _ = writeln!(out, "{cmd}");
        }
        let _ = writeln!(out, "{}", put(&plist_rel, plist_dest.clone(), "0644"));
        let _ = writeln!(out, "if [ \"$changed\" -eq 1 ]; then reload=plist; fi");
        let lint = Command::new("lint").arg(Word::lit(plist_dest.clone()));
        let _ = writeln!(out, "{lint}");
        let start = |domain: Word| {
            Command::new("start")
                .arg(domain)
                .arg(Word::lit(label.clone()))
                .arg(Word::lit(plist_dest.clone()))
                .arg(Word::var("reload"))
        };
        match domain(s) {
            Domain::System => {
                let _ = writeln!(out, "{}", start(Word::bare("system")));
            }
            Domain::Gui => {
                let gui = Word::quoted(vec![Dq::text("gui/"), Dq::var("console_uid")]);
                let say = Command::new("say").arg(Word::lit(format!(
                    "no console user: {label} loads at the next login"
                )));
                let _ = writeln!(
                    out,
                    "if {}; then\n\t{}\nelse\n\t{say}\nfi",
                    console_user(),
                    start(gui)
                );
            }
            // Installed by `install_per_user` above.
            Domain::User(_) => {}
        }
        out.push('\n');
    }
    let _ = writeln!(out, "say 'done'");
    out
}

/// `remove` and `stop`.
const UNINSTALL_FNS: &str = include_str!("sh/uninstall_fns.sh");

/// `uninstall.sh` of a family: reverse install order; logs and working directories are kept.
pub(crate) fn uninstall_script(ir: &Ir, family: FamilyId, options: Options) -> String {
    let fam = ir.family(family);
    let mut out = String::new();
    let _ = writeln!(out, "#!/bin/sh");
    let _ = writeln!(
        out,
        "# Removes the launchd services of family {} {}, generated by skillc. Do not edit.",
        comment_text(&fam.name.value),
        comment_text(&fam.version.value)
    );
    let _ = writeln!(
        out,
        "# Usage: sudo ./uninstall.sh [--dry-run]. Logs and working directories are kept."
    );
    let _ = writeln!(
        out,
        "# Exit: 0 done, 64 usage, 69 not macOS, 73 cannot remove, 75 launchctl failed, 77 not root."
    );
    out.push_str(&prelude(options));
    out.push_str(UNINSTALL_FNS);
    if has_per_user(ir, family) {
        out.push('\n');
        out.push_str(PER_USER_FNS);
        out.push('\n');
        out.push_str(PER_USER_UNINSTALL_FNS);
    }
    out.push('\n');
    let mut order = install_order(ir, family);
    order.reverse();
    let mut gate_dirs = BTreeSet::new();
    for id in order {
        let s = ir.service(id);
        let label = &s.label.value;
        let _ = writeln!(out, "# {} ({label})", comment_text(&ir.service_name(id)));
        match domain(s) {
            Domain::User(user) => {
                let _ = writeln!(out, "{}", user_home(user));
                let _ = writeln!(out, "{}", uid_line(user));
                let mut target =
                    Word::quoted(vec![Dq::text("gui/"), Dq::var("uid"), Dq::text("/")]);
                target.push_lit(label);
                let stop = Command::new("stop").arg(target);
                let _ = writeln!(out, "if user_session \"$uid\"; then\n\t{stop}\nfi");
                let rm = Command::new("user_remove")
                    .arg(Word::lit(user))
                    .arg(user_plist(label));
                let _ = writeln!(out, "{rm}");
            }
            Domain::System => {
                let stop = Command::new("stop").arg(Word::lit(format!("system/{label}")));
                let _ = writeln!(out, "{stop}");
            }
            Domain::Gui => {
                let mut target = Word::quoted(vec![
                    Dq::text("gui/"),
                    Dq::var("console_uid"),
                    Dq::text("/"),
                ]);
                target.push_lit(label);
                let stop = Command::new("stop").arg(target);
                let _ = writeln!(out, "if {}; then\n\t{stop}\nfi", console_user());
            }
        }
        if s.for_user.is_none() {
            let _ = writeln!(
                out,
                "{}",
                remove(format!("{}/{label}.plist", plist_dir(s.scope.value)))
            );
        }
        if has_gate(s) {
            let g = gate_path(ir, id);
            if let Some((dir, _)) = g.rsplit_once('/') {
                gate_dirs.insert(dir.to_owned());
            }
            let _ = writeln!(out, "{}", remove(g));
        }
        out.push('\n');
    }
    for dir in gate_dirs {
        let staged = || Word::concat([Word::var("destdir"), Word::lit(dir.clone())]);
        let rmdir = Command::new("act")
            .flag("rmdir")
            .flag("--")
            .arg(staged())
            .redirect(Redirect::ErrToNull);
        let _ = writeln!(
            out,
            "if {}; then {}; fi",
            Cond::test(&["-d"], staged()),
            Cond::Or(vec![rmdir.into(), Command::new(":").into()])
        );
    }
    let _ = writeln!(out, "say 'done'");
    out
}

/// `home=~USER` and `user_home USER "$home"`: the user's home directory, from the user database
/// (the shell's tilde expansion; [`skillc_ir::is_user_name`] guarantees the name needs no quoting).
fn user_home(user: &str) -> String {
    if skillc_ir::is_user_name(user) {
        format!("home=~{user}\nuser_home {user} \"$home\"")
    } else {
        // Unreachable: `launchd-for-user-invalid` refuses the build.
        format!("exit {}", skillc_backend_support::exit::SOFTWARE)
    }
}

/// `uid=$(id -u USER 2>/dev/null) || uid=`: the user's uid, empty when unknown here.
fn uid_line(user: &str) -> String {
    format!("uid=$({}) || uid=", skillc_backend_support::uid_of(user))
}

/// `"$home"/Library/LaunchAgents/<label>.plist`.
fn user_plist(label: &str) -> Word {
    Word::concat([
        Word::quoted(vec![Dq::var("home")]),
        Word::lit(format!("/Library/LaunchAgents/{label}.plist")),
    ])
}

/// The rest of a per-user agent's install (after `user_home` and its gate): its directories, log
/// files and plist made as the user, in the user's home; loaded in the user's gui domain when the
/// user is logged in.
fn install_per_user(out: &mut String, s: &skillc_ir::Service, user: &str, plist_rel: &str) {
    let label = &s.label.value;
    let dirs = dirs_of(s);
    if !dirs.is_empty() {
        let mut mk = Command::new("user_mkdirs").arg(Word::lit(user));
        for d in dirs {
            mk = mk.arg(Word::lit(d));
        }
        let _ = writeln!(out, "{mk}");
    }
    for log in log_files(s) {
        let cmd = Command::new("user_logfile")
            .arg(Word::lit(user))
            .arg(Word::lit(log));
        let _ = writeln!(out, "{cmd}");
    }
    let src = Word::concat([Word::var("here"), Word::bare("/"), Word::lit(plist_rel)]);
    let put = Command::new("user_put")
        .arg(Word::lit(user))
        .arg(src)
        .arg(user_plist(label));
    let _ = writeln!(out, "{put}");
    let _ = writeln!(out, "if [ \"$changed\" -eq 1 ]; then reload=plist; fi");
    let lint = Command::new("user_lint")
        .arg(Word::lit(user))
        .arg(user_plist(label));
    let _ = writeln!(out, "{lint}");
    let _ = writeln!(out, "{}", uid_line(user));
    let start = Command::new("start")
        .arg(Word::quoted(vec![Dq::text("gui/"), Dq::var("uid")]))
        .arg(Word::lit(label.clone()))
        .arg(user_plist(label))
        .arg(Word::var("reload"));
    let say = Command::new("say").arg(Word::lit(format!(
        "{user} is not logged in: {label} loads at {user}'s next login"
    )));
    let _ = writeln!(
        out,
        "if user_session \"$uid\"; then\n\t{start}\nelse\n\t{say}\nfi"
    );
    out.push('\n');
}

/// `put "$here"/SRC DEST MODE`: install a file shipped next to the script.
fn put(rel: &str, dest: String, mode: &str) -> Command {
    let src = Word::concat([Word::var("here"), Word::bare("/"), Word::lit(rel)]);
    Command::new("put").arg(src).arg(Word::lit(dest)).flag(mode)
}

/// `remove PATH`.
fn remove(path: String) -> Command {
    Command::new("remove").arg(Word::lit(path))
}

/// `[ -n "$console_uid" ]`: someone is logged in at the console.
fn console_user() -> Cond {
    Cond::test(&["-n"], Word::var("console_uid"))
}

/// The families of the tree that have services, each after the families it imports (whose services
/// its gates wait for); ties, and families on an import cycle, by name.
pub(crate) fn family_order(ir: &Ir) -> Vec<FamilyId> {
    let mut left: Vec<FamilyId> = (0..ir.families.len())
        .map(|i| FamilyId(u32::try_from(i).unwrap_or(u32::MAX)))
        .filter(|&f| !ir.family(f).dependency && ir.services.iter().any(|s| s.family == f))
        .collect();
    left.sort_by(|a, b| ir.family(*a).name.value.cmp(&ir.family(*b).name.value));
    let mut out: Vec<FamilyId> = Vec::new();
    while !left.is_empty() {
        let ready = left.iter().position(|f| {
            ir.family(*f)
                .imports
                .iter()
                .all(|i| i.value == *f || !left.contains(&i.value))
        });
        // On a cycle nothing is ready: the first by name goes next.
        out.push(left.remove(ready.unwrap_or(0)));
    }
    out
}

/// `install.sh` (or `uninstall.sh`, in reverse order) at the root of the tree: every family's own
/// script, in [`family_order`]; stops at the first that fails, with its exit code.
pub(crate) fn tree_script(ir: &Ir, uninstall: bool, options: Options) -> String {
    let mut order: Vec<String> = family_order(ir)
        .into_iter()
        .map(|f| ir.family(f).name.value.clone())
        .collect();
    let (verb, script) = if uninstall {
        order.reverse();
        ("Removes", "uninstall.sh")
    } else {
        ("Installs", "install.sh")
    };
    let mut out = String::new();
    let _ = writeln!(out, "#!/bin/sh");
    let _ = writeln!(
        out,
        "# {verb} the launchd services of every family of this tree, generated by skillc. Do not edit."
    );
    let _ = writeln!(
        out,
        "# Runs each family's {script}{}, and stops at the first that fails, with its exit code.",
        if uninstall {
            " in reverse install order"
        } else {
            ", each family after the families it imports (whose services its gates wait for)"
        }
    );
    let _ = writeln!(out, "# Usage: sudo ./{script} [--dry-run]");
    let _ = writeln!(out, "set -u");
    out.push_str(&skillc_backend_support::system_path(options.test_build));
    let _ = writeln!(
        out,
        "here=$(cd -- \"$(dirname -- \"$0\")\" && pwd -P) || exit 70"
    );
    for family in order {
        let name = Word::lit(family.clone());
        let path = Word::concat([
            Word::quoted(vec![Dq::var("here")]),
            Word::lit(format!("/{family}/{script}")),
        ]);
        let _ = writeln!(out, "printf '== %s\\n' {name}");
        let _ = writeln!(out, "/bin/sh {path} \"$@\" || exit");
    }
    out
}
