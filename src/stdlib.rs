//! skillc's standard library: the shipped families (`foundation-core`, `launchd-doctor`) built into
//! the binary, pinned to its version, so `imports: [launchd-doctor]` works in any repository.
//! The file list is checked against `skills/` by a test (`stdlib::tests`).

/// One family of the standard library: its name and its files (path under the family, text),
/// `family.yaml` first.
#[derive(Debug)]
pub struct StdFamily {
    pub name: &'static str,
    pub files: &'static [(&'static str, &'static str)],
}

macro_rules! files {
    ($family:literal: $($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../skills/", $family, "/", $path)))),*]
    };
}

/// Every family of the standard library, by name.
pub const FAMILIES: &[StdFamily] = &[
    StdFamily {
        name: "foundation-core",
        files: files!("foundation-core":
            "family.yaml",
            "actions.yaml",
            "policy.yaml",
            "services/l1.yaml",
            "services/l2.yaml",
            "services/l3.yaml",
            "skills/bus-name-missing.yaml",
            "skills/clock-skew-identity-tokens.yaml",
            "skills/dependency-not-ready-at-boot.yaml",
            "skills/gateway-certificate-expired.yaml",
            "skills/gateway-port-in-use.yaml",
            "skills/keychain-locked-before-login.yaml",
            "skills/log-volume-full.yaml",
            "skills/network-not-ready-after-wake.yaml",
            "skills/pending-migration.yaml",
            "skills/secrets-sealed-after-reboot.yaml",
            "skills/stale-bus-owner.yaml",
            "skills/stale-pidfile.yaml",
            "skills/storage-volume-not-mounted.yaml",
        ),
    },
    StdFamily {
        name: "launchd-doctor",
        files: files!("launchd-doctor":
            "family.yaml",
            "actions.yaml",
            "policy.yaml",
            "skills/argv-single-string.yaml",
            "skills/bootstrap-io-error.yaml",
            "skills/crash-loop.yaml",
            "skills/disabled-as-stop.yaml",
            "skills/duplicate-label.yaml",
            "skills/fatal-config-exit.yaml",
            "skills/invalid-plist.yaml",
            "skills/job-disabled.yaml",
            "skills/keychain-background-session.yaml",
            "skills/launchagents-dir-missing.yaml",
            "skills/log-path-unwritable.yaml",
            "skills/missed-calendar-run.yaml",
            "skills/missing-path.yaml",
            "skills/missing-program.yaml",
            "skills/network-not-ready.yaml",
            "skills/no-gui-session.yaml",
            "skills/not-loaded.yaml",
            "skills/plist-permissions-agent.yaml",
            "skills/plist-permissions-daemon.yaml",
            "skills/port-in-use.yaml",
            "skills/quarantined-program.yaml",
            "skills/stale-lock.yaml",
            "skills/tcc-denied.yaml",
        ),
    },
];

#[cfg(test)]
mod tests {
    use super::FAMILIES;
    use std::path::Path;

    fn files_on_disk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("skills/ is readable") {
            let path = entry.expect("skills/ is readable").path();
            if path.is_dir() {
                files_on_disk(&path, base, out);
            } else {
                out.push(
                    path.strip_prefix(base)
                        .expect("skills/ is readable")
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }

    /// The built-in copy is every file of `skills/<family>/`, byte for byte: a file added to a
    /// shipped family must be added to [`FAMILIES`] too.
    #[test]
    fn the_standard_library_is_every_file_of_the_shipped_families() {
        let skills = Path::new(env!("CARGO_MANIFEST_DIR")).join("skills");
        let mut names: Vec<&str> = FAMILIES.iter().map(|f| f.name).collect();
        names.sort_unstable();
        let mut dirs: Vec<String> = std::fs::read_dir(&skills)
            .expect("skills/ is readable")
            .map(|e| {
                e.expect("skills/ is readable")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        dirs.sort();
        assert_eq!(
            names, dirs,
            "every directory of skills/ is in the standard library"
        );
        for family in FAMILIES {
            let base = skills.join(family.name);
            let mut on_disk = Vec::new();
            files_on_disk(&base, &base, &mut on_disk);
            on_disk.sort();
            let mut listed: Vec<String> =
                family.files.iter().map(|(p, _)| (*p).to_owned()).collect();
            assert_eq!(listed[0], "family.yaml", "family.yaml comes first");
            listed.sort();
            assert_eq!(
                listed, on_disk,
                "{}: the list in src/stdlib.rs",
                family.name
            );
            for (path, text) in family.files {
                assert_eq!(
                    std::fs::read_to_string(base.join(path)).expect("skills/ is readable"),
                    *text,
                    "{}/{path}",
                    family.name
                );
            }
        }
    }
}
