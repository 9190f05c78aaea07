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
use skillc_backend_support::{Edges, OrderSpec, Ties, dependency_order, domain, plist_dir};
use skillc_ir::{FamilyId, Ir, Scope, ServiceId};
use skillc_sh::{Domain, comment_text, quote};
use std::collections::BTreeSet;
use std::fmt::Write as _;

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

const PRELUDE: &str = r#"set -u

usage() {
	printf 'usage: %s [--dry-run]\n' "$0" >&2
	exit 64
}
dry_run=0
case $# in
	0) ;;
	1) [ "$1" = --dry-run ] || usage; dry_run=1 ;;
	*) usage ;;
esac

destdir=${SKILLC_DESTDIR-}
is_darwin=0
if [ "$(uname -s)" = Darwin ]; then
	is_darwin=1
fi
if [ "$dry_run" -eq 0 ] && [ -z "$destdir" ]; then
	if [ "$is_darwin" -ne 1 ]; then
		echo "skillc: launchd services install only on macOS (use --dry-run or SKILLC_DESTDIR)" >&2
		exit 69
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "skillc: run as root (sudo $0)" >&2
		exit 77
	fi
fi

# The uid logged in at the console, for agents; empty when nobody is (or off macOS).
console_uid=
if [ "$is_darwin" -eq 1 ] && [ -z "$destdir" ]; then
	console_uid=$(stat -f %u /dev/console 2>/dev/null) || console_uid=
	case $console_uid in
		'' | 0 | *[!0-9]*) console_uid= ;;
	esac
fi

say() {
	printf '%s\n' "$*"
}

# act CMD...: run CMD, or print it in a dry run.
act() {
	if [ "$dry_run" -eq 1 ]; then
		printf 'would run:'
		printf ' %s' "$@"
		printf '\n'
		return 0
	fi
	"$@"
}

# launchd ARGS...: launchctl, skipped when staging into SKILLC_DESTDIR.
launchd() {
	if [ -n "$destdir" ]; then
		return 0
	fi
	act launchctl "$@"
}

# is_loaded TARGET: launchd knows the service (read-only, also in a dry run).
is_loaded() {
	[ -z "$destdir" ] && launchctl print "$1" >/dev/null 2>&1
}
"#;

const INSTALL_FNS: &str = r#"
here=$(cd -- "$(dirname -- "$0")" && pwd -P) || exit 70

# put SRC DEST MODE: install SRC as DEST (root:wheel, MODE) atomically; sets `changed`.
put() {
	dest=$destdir$2
	changed=0
	if cmp -s -- "$1" "$dest"; then
		say "unchanged: $dest"
		return 0
	fi
	changed=1
	say "install: $dest (mode $3)"
	dir=$(dirname -- "$dest")
	tmp=$dir/.skillc-tmp.$$
	act mkdir -p -- "$dir" || exit 73
	act cp -- "$1" "$tmp" || exit 73
	if [ -z "$destdir" ]; then
		act chown root:wheel "$tmp" || exit 73
	fi
	act chmod "$3" "$tmp" || exit 73
	if [ "$is_darwin" -eq 1 ] && command -v xattr >/dev/null 2>&1; then
		act xattr -d com.apple.quarantine "$tmp" 2>/dev/null || :
	fi
	act mv -f -- "$tmp" "$dest" || exit 73
}

# lint PLIST: plutil -lint on macOS; exit 78 when launchd would reject the file.
lint() {
	if [ "$is_darwin" -eq 1 ] && [ "$dry_run" -eq 0 ] && command -v plutil >/dev/null 2>&1; then
		plutil -lint "$destdir$1" >/dev/null || {
			echo "skillc: $destdir$1 is not a valid property list" >&2
			exit 78
		}
	fi
}

# mkdirs OWNER DIR...: create missing directories (mode 0755) owned by OWNER.
mkdirs() {
	owner=$1
	shift
	for d in "$@"; do
		if [ ! -d "$destdir$d" ]; then
			act mkdir -p -- "$destdir$d" || exit 73
			if [ -z "$destdir" ] && [ -n "$owner" ]; then
				act chown "$owner" "$destdir$d" || exit 73
			fi
		fi
	done
}

# start DOMAIN LABEL PLIST RELOAD: enable, then bootstrap (or re-bootstrap when RELOAD=plist,
# or kickstart -k when RELOAD=gate) a service. Bootstrap is retried: right after a bootout
# launchd may still be draining the label (errno 5).
start() {
	target=$1/$2
	launchd enable "$target" || exit 75
	if is_loaded "$target"; then
		case $4 in
			plist)
				launchd bootout "$target" || :
				n=0
				while is_loaded "$target" && [ "$n" -lt 10 ]; do
					sleep 1
					n=$((n + 1))
				done
				;;
			gate)
				launchd kickstart -k "$target" || exit 75
				return 0
				;;
			*)
				say "loaded: $target"
				return 0
				;;
		esac
	fi
	n=0
	until launchd bootstrap "$1" "$3"; do
		n=$((n + 1))
		if [ "$n" -ge 3 ]; then
			echo "skillc: bootstrap of $target failed" >&2
			exit 75
		fi
		sleep 2
	done
}
"#;

/// `install.sh` of a family.
pub(crate) fn install_script(ir: &Ir, family: FamilyId) -> String {
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
    let _ = writeln!(out, "# 77 not root, 78 invalid plist.");
    out.push_str(PRELUDE);
    out.push_str(INSTALL_FNS);
    out.push('\n');
    for id in install_order(ir, family) {
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
        if has_gate(s) {
            let rel = format!("gates/{}.sh", s.id.value);
            let _ = writeln!(
                out,
                "put \"$here\"/{} {} 0755",
                quote(&rel),
                quote(&gate_path(ir, id))
            );
            let _ = writeln!(out, "if [ \"$changed\" -eq 1 ]; then reload=gate; fi");
        }
        // Directories launchd must be able to open before exec (else EX_CONFIG 78).
        let mut dirs: BTreeSet<String> = BTreeSet::new();
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
        if !dirs.is_empty() {
            let owner = match s.scope.value {
                Scope::Daemon => {
                    let user = s.run.user.as_ref().map_or("root", |u| u.value.as_str());
                    match &s.run.group {
                        Some(g) => quote(&format!("{user}:{}", g.value)),
                        None => quote(user),
                    }
                }
                Scope::Session => "\"$console_uid\"".to_owned(),
            };
            let words: Vec<String> = dirs.iter().map(|d| quote(d)).collect();
            let _ = writeln!(out, "mkdirs {owner} {}", words.join(" "));
        }
        let _ = writeln!(
            out,
            "put \"$here\"/{} {} 0644",
            quote(&plist_rel),
            quote(&plist_dest)
        );
        let _ = writeln!(out, "if [ \"$changed\" -eq 1 ]; then reload=plist; fi");
        let _ = writeln!(out, "lint {}", quote(&plist_dest));
        match domain(s) {
            Domain::System => {
                let _ = writeln!(
                    out,
                    "start system {} {} \"$reload\"",
                    quote(label),
                    quote(&plist_dest)
                );
            }
            Domain::Gui => {
                let _ = writeln!(
                    out,
                    "if [ -n \"$console_uid\" ]; then\n\tstart \"gui/$console_uid\" {} {} \"$reload\"\nelse\n\tsay {}\nfi",
                    quote(label),
                    quote(&plist_dest),
                    quote(&format!("no console user: {label} loads at the next login"))
                );
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "say 'done'");
    out
}

const UNINSTALL_FNS: &str = r#"
# remove PATH: delete an installed file (skipped when absent).
remove() {
	if [ -e "$destdir$1" ] || [ -L "$destdir$1" ]; then
		say "remove: $destdir$1"
		act rm -f -- "$destdir$1" || exit 73
	else
		say "absent: $destdir$1"
	fi
}

# stop TARGET: bootout when loaded.
stop() {
	if is_loaded "$1"; then
		launchd bootout "$1" || exit 75
	else
		say "not loaded: $1"
	fi
}
"#;

/// `uninstall.sh` of a family: reverse install order; logs and working directories are kept.
pub(crate) fn uninstall_script(ir: &Ir, family: FamilyId) -> String {
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
    out.push_str(PRELUDE);
    out.push_str(UNINSTALL_FNS);
    out.push('\n');
    let mut order = install_order(ir, family);
    order.reverse();
    let mut gate_dirs = BTreeSet::new();
    for id in order {
        let s = ir.service(id);
        let label = &s.label.value;
        let _ = writeln!(out, "# {} ({label})", comment_text(&ir.service_name(id)));
        match domain(s) {
            Domain::System => {
                let _ = writeln!(out, "stop {}", quote(&format!("system/{label}")));
            }
            Domain::Gui => {
                let _ = writeln!(
                    out,
                    "if [ -n \"$console_uid\" ]; then\n\tstop \"gui/$console_uid/\"{}\nfi",
                    quote(label)
                );
            }
        }
        let _ = writeln!(
            out,
            "remove {}",
            quote(&format!("{}/{label}.plist", plist_dir(s.scope.value)))
        );
        if has_gate(s) {
            let g = gate_path(ir, id);
            if let Some((dir, _)) = g.rsplit_once('/') {
                gate_dirs.insert(dir.to_owned());
            }
            let _ = writeln!(out, "remove {}", quote(&g));
        }
        out.push('\n');
    }
    for dir in gate_dirs {
        let _ = writeln!(
            out,
            "if [ -d \"$destdir\"{q} ]; then act rmdir -- \"$destdir\"{q} 2>/dev/null || :; fi",
            q = quote(&dir)
        );
    }
    let _ = writeln!(out, "say 'done'");
    out
}
