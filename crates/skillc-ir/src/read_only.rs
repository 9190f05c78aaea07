//! Which commands are provably read-only: the allowlist the `unproven-read-only` rule and the
//! backends use for `exec()` probes and for `run` steps (and family actions) declared
//! `read_only`.
//!
//! A command is proven read-only only when its program (`argv[0]`, an absolute path known when
//! compiling) is on [`PROGRAMS`] and its arguments have a shape that program documents as
//! changing nothing (macOS's own manual pages: `plutil -lint`, not `plutil -convert` without
//! `-o -`; `launchctl print`, not `launchctl kickstart`; `find` without `-exec`/`-delete`). No
//! shell is involved (`run` and `exec()` pass an argv), so metacharacters and redirections do not
//! exist there; a `shell` step is never proven. An argument filled in when the skill runs (a
//! run-time value, a service field) is an operand, never an option: the generated script refuses
//! run-time values that start with `-` (`docs/security.md`), so only options written in the skill
//! itself are judged. Anything not proven is *unproven*, which is not the same as "writes": the
//! rule asks the author to state the command's real risk.

/// One argument of a command as the prover sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgShape {
    /// Known when compiling (a literal, or a parameter's literal default).
    Lit(String),
    /// Filled in when the skill runs (a run-time value or a service field); `prefix` is the
    /// literal text written before it in the same argument (`-iTCP:` in `-iTCP:{param.port}`).
    Value { prefix: String },
}

impl ArgShape {
    /// The literal text, when the whole argument is known.
    fn lit(&self) -> Option<&str> {
        match self {
            Self::Lit(s) => Some(s),
            Self::Value { .. } => None,
        }
    }

    /// The option this argument is (`-n`, `--verbose=2`, `-iTCP:`), if it is one: its literal
    /// text starts with `-` and is not `-` alone (standard input) or `--`.
    fn option(&self) -> Option<&str> {
        let t = match self {
            Self::Lit(s) => s.as_str(),
            Self::Value { prefix } => prefix.as_str(),
        };
        (t.starts_with('-') && t != "-" && t != "--").then_some(t)
    }
}

/// The programs skillc can prove read-only (with the argument shapes [`prove`] accepts), and
/// what makes them so. The table is the documentation (`skillc explain unproven-read-only`).
pub const PROGRAMS: &[(&str, &str)] = &[
    ("/bin/cat", "any arguments"),
    ("/bin/df", "any arguments"),
    ("/bin/echo", "any arguments"),
    ("/bin/ls", "any arguments"),
    ("/bin/ps", "any arguments"),
    ("/bin/pwd", "any arguments"),
    ("/bin/test", "any arguments"),
    ("/bin/[", "any arguments"),
    ("/usr/bin/test", "any arguments"),
    ("/usr/bin/true", "any arguments"),
    ("/usr/bin/false", "any arguments"),
    ("/usr/bin/basename", "any arguments"),
    ("/usr/bin/dirname", "any arguments"),
    ("/usr/bin/readlink", "any arguments"),
    ("/usr/bin/head", "any arguments"),
    ("/usr/bin/tail", "any arguments"),
    ("/usr/bin/wc", "any arguments"),
    ("/usr/bin/cmp", "any arguments"),
    ("/usr/bin/stat", "any arguments"),
    ("/usr/bin/grep", "any arguments"),
    ("/usr/bin/egrep", "any arguments"),
    ("/usr/bin/fgrep", "any arguments"),
    ("/usr/bin/du", "any arguments"),
    ("/usr/bin/id", "any arguments"),
    ("/usr/bin/whoami", "any arguments"),
    ("/usr/bin/groups", "any arguments"),
    ("/usr/bin/uname", "any arguments"),
    ("/usr/bin/sw_vers", "any arguments"),
    ("/usr/bin/uptime", "any arguments"),
    ("/usr/bin/who", "any arguments"),
    ("/usr/bin/which", "any arguments"),
    ("/usr/bin/pgrep", "any arguments"),
    ("/usr/bin/shasum", "any arguments"),
    ("/usr/bin/vm_stat", "any arguments"),
    ("/sbin/md5", "any arguments"),
    ("/usr/sbin/lsof", "any arguments"),
    ("/usr/sbin/netstat", "any arguments"),
    ("/usr/bin/file", "without -C (compiles a magic file)"),
    ("/usr/bin/sort", "without -o / --output"),
    (
        "/bin/date",
        "only -u, -R, -r VALUE and +FORMAT (an operand sets the clock)",
    ),
    (
        "/bin/launchctl",
        "print, print-disabled, print-cache, list, managername, managerpid, manageruid, blame, version, error, hostinfo",
    ),
    (
        "/usr/bin/plutil",
        "-lint, -p, -help; -extract and -convert only with -o - (else they rewrite the file)",
    ),
    (
        "/usr/bin/xattr",
        "without -w, -d, -c (listing and -p print)",
    ),
    (
        "/usr/bin/codesign",
        "with -v/--verify or -d/--display, without -s/--sign, -f/--force, --remove-signature",
    ),
    (
        "/usr/sbin/spctl",
        "--assess/-a or --status first, without --add, --remove, --enable, --disable and the --master/--global switches",
    ),
    (
        "/usr/bin/security",
        "show-keychain-info, find-certificate, find-identity, verify-cert, dump-trust-settings; list-keychains, default-keychain, login-keychain without -s/-d",
    ),
    (
        "/usr/bin/openssl",
        "x509 with -noout and without -out or the -CA/-signkey/-set_serial options; verify; version",
    ),
    ("/sbin/route", "[-n] get"),
    ("/sbin/mount", "no arguments (lists the mounts)"),
    ("/usr/sbin/diskutil", "info, list, apfs list"),
    ("/usr/bin/sntp", "without -S / -s (step or slew the clock)"),
    ("/usr/sbin/systemsetup", "-get… options only (no -set…)"),
    ("/usr/bin/pmset", "-g …"),
    (
        "/usr/sbin/scutil",
        "--nwi, --dns, --proxy, --get NAME, -r (no --set)",
    ),
    ("/usr/bin/log", "show, stats, help"),
    (
        "/usr/bin/find",
        "without -exec, -execdir, -ok, -okdir, -delete, -fprint, -fprint0, -fprintf, -fls",
    ),
    ("/usr/bin/defaults", "read, read-type, domains, find"),
    (
        "/usr/sbin/sysctl",
        "without -w and without a NAME=VALUE (every name known when compiling)",
    ),
];

/// Whether `argv` is provably read-only; `Err` says why not, for people.
pub fn prove(argv: &[ArgShape]) -> Result<(), String> {
    let Some(first) = argv.first() else {
        return Err("the command is empty".to_owned());
    };
    let Some(program) = first.lit() else {
        return Err("its program is not known when compiling".to_owned());
    };
    if !PROGRAMS.iter().any(|(p, _)| *p == program) {
        return Err(format!(
            "`{program}` is not a program skillc knows to be read-only"
        ));
    }
    let args = &argv[1..];
    let sub = args.first().and_then(ArgShape::lit);
    let why = |what: &str| Err(format!("`{program}` {what}"));
    match program {
        "/usr/bin/file" => forbid(program, args, &["C"], &["--compile"]),
        "/usr/bin/sort" => forbid(program, args, &["o"], &["--output"]),
        "/bin/date" => {
            let mut i = 0;
            while i < args.len() {
                match args[i].lit() {
                    Some("-u" | "-R") => {}
                    Some("-r") => i += 1,
                    Some(f) if f.starts_with('+') => {}
                    _ => {
                        return why(
                            "with an operand or option other than -u, -R, -r, +FORMAT sets the clock or is not known",
                        );
                    }
                }
                i += 1;
            }
            Ok(())
        }
        "/bin/launchctl" => match sub {
            Some(
                "print" | "print-disabled" | "print-cache" | "list" | "managername" | "managerpid"
                | "manageruid" | "blame" | "version" | "error" | "hostinfo",
            ) => Ok(()),
            _ => why(
                "changes launchd state unless its subcommand is print, print-disabled, print-cache, list, managername, managerpid, manageruid, blame, version, error or hostinfo",
            ),
        },
        "/usr/bin/plutil" => match sub {
            Some("-lint" | "-p" | "-help") => Ok(()),
            Some("-extract" | "-convert") => {
                let stdout = args
                    .windows(2)
                    .any(|w| w[0].lit() == Some("-o") && w[1].lit() == Some("-"));
                if stdout {
                    Ok(())
                } else {
                    why("-extract / -convert rewrites the file unless given -o -")
                }
            }
            _ => why("changes the file unless it is -lint, -p, or -extract/-convert with -o -"),
        },
        "/usr/bin/xattr" => forbid(program, args, &["w", "d", "c"], &[]),
        "/usr/bin/codesign" => {
            forbid(
                program,
                args,
                &["s", "f"],
                &["--sign", "--force", "--remove-signature"],
            )?;
            let reads = args.iter().filter_map(ArgShape::option).any(|o| {
                o == "--verify"
                    || o == "--display"
                    || (!o.starts_with("--") && (o.contains('v') || o.contains('d')))
            });
            if reads {
                Ok(())
            } else {
                why("is read-only only with -v/--verify or -d/--display")
            }
        }
        "/usr/sbin/spctl" => {
            forbid(
                program,
                args,
                &[],
                &[
                    "--add",
                    "--remove",
                    "--enable",
                    "--disable",
                    "--master-enable",
                    "--master-disable",
                    "--global-enable",
                    "--global-disable",
                    "--reset-default",
                ],
            )?;
            match sub {
                Some("--assess" | "-a" | "--status") => Ok(()),
                _ => why("is read-only only with --assess, -a or --status first"),
            }
        }
        "/usr/bin/security" => match sub {
            Some(
                "show-keychain-info"
                | "find-certificate"
                | "find-identity"
                | "verify-cert"
                | "dump-trust-settings",
            ) => Ok(()),
            Some("list-keychains" | "default-keychain" | "login-keychain") => {
                forbid(program, &args[1..], &["s", "d"], &["--setting"])
            }
            _ => why("changes keychains unless its subcommand is one skillc knows to only read"),
        },
        "/usr/bin/openssl" => match sub {
            Some("x509") => {
                forbid(
                    program,
                    args,
                    &[],
                    &[
                        "-out",
                        "-CA",
                        "-CAkey",
                        "-CAserial",
                        "-CAcreateserial",
                        "-signkey",
                        "-set_serial",
                    ],
                )?;
                if args.iter().any(|a| a.lit() == Some("-noout")) {
                    Ok(())
                } else {
                    why("x509 is read-only only with -noout")
                }
            }
            Some("verify" | "version") => Ok(()),
            _ => why("is read-only only as x509 -noout, verify or version"),
        },
        "/sbin/route" => {
            let rest: Vec<Option<&str>> = args.iter().map(ArgShape::lit).collect();
            match rest.as_slice() {
                [Some("get"), ..] | [Some("-n"), Some("get"), ..] => Ok(()),
                _ => why("changes the routing table unless it is `route [-n] get`"),
            }
        }
        "/sbin/mount" => {
            if args.is_empty() {
                Ok(())
            } else {
                why("with arguments mounts something")
            }
        }
        "/usr/sbin/diskutil" => match (sub, args.get(1).and_then(ArgShape::lit)) {
            (Some("info" | "list"), _) | (Some("apfs"), Some("list")) => Ok(()),
            _ => why("changes disks unless it is info, list or apfs list"),
        },
        "/usr/bin/sntp" => forbid(program, args, &["S", "s"], &[]),
        "/usr/sbin/systemsetup" => {
            let ok = args.iter().all(|a| match a.option() {
                Some(o) => o.starts_with("-get"),
                None => true,
            }) && sub.is_some_and(|s| s.starts_with("-get"));
            if ok {
                Ok(())
            } else {
                why("changes settings unless every option is a -get… one")
            }
        }
        "/usr/bin/pmset" => match sub {
            Some("-g") => Ok(()),
            _ => why("changes power settings unless it is pmset -g"),
        },
        "/usr/sbin/scutil" => {
            forbid(program, args, &[], &["--set", "--renew"])?;
            match sub {
                Some("--nwi" | "--dns" | "--proxy" | "--get" | "-r") => Ok(()),
                _ => why("is read-only only as --nwi, --dns, --proxy, --get or -r"),
            }
        }
        "/usr/bin/log" => match sub {
            Some("show" | "stats" | "help") => Ok(()),
            _ => why("is read-only only as log show, stats or help"),
        },
        "/usr/bin/find" => {
            const ACTS: [&str; 9] = [
                "-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-fprint0", "-fprintf",
                "-fls",
            ];
            match args
                .iter()
                .filter_map(ArgShape::lit)
                .find(|a| ACTS.contains(a))
            {
                Some(a) => why(&format!("with {a} runs or changes something")),
                None => Ok(()),
            }
        }
        "/usr/bin/defaults" => match sub {
            Some("read" | "read-type" | "domains" | "find") => Ok(()),
            _ => why("changes preferences unless it is read, read-type, domains or find"),
        },
        "/usr/sbin/sysctl" => {
            forbid(program, args, &["w"], &[])?;
            if args
                .iter()
                .all(|a| a.lit().is_some_and(|s| !s.contains('=')))
            {
                Ok(())
            } else {
                why("sets a value with NAME=VALUE (or with a name not known when compiling)")
            }
        }
        _ => Ok(()),
    }
}

/// `Err` when an option of `args` is one of `long` (exactly, or `--x=…`), or a short option
/// (`-abc`, not `--…`) holding one of the letters `short`.
fn forbid(program: &str, args: &[ArgShape], short: &[&str], long: &[&str]) -> Result<(), String> {
    for o in args.iter().filter_map(ArgShape::option) {
        let name = o.split('=').next().unwrap_or(o);
        if long.contains(&name) {
            return Err(format!("`{program}` with {name} changes something"));
        }
        if !o.starts_with("--")
            && let Some(l) = short.iter().find(|l| o[1..].contains(**l))
        {
            return Err(format!("`{program}` with -{l} changes something"));
        }
    }
    Ok(())
}

/// The shape of an argv template (`"-iTCP:{param.port}"`): literal when it holds no
/// placeholder, or only `{param.NAME}` placeholders that `literal` resolves (a parameter's
/// literal default); else a value with its literal prefix. Brace text that is not a
/// placeholder (`{}`) stays literal.
pub fn template_shape(template: &str, literal: &dyn Fn(&str) -> Option<String>) -> ArgShape {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        out.push_str(&rest[..open]);
        match inner.split_once('.') {
            Some(("param", n)) => match literal(n) {
                Some(v) => out.push_str(&v),
                None => return ArgShape::Value { prefix: out },
            },
            Some(("service", _)) => return ArgShape::Value { prefix: out },
            _ => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    ArgShape::Lit(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(a: &[&str]) -> Vec<ArgShape> {
        a.iter().map(|s| ArgShape::Lit((*s).to_owned())).collect()
    }

    fn value() -> ArgShape {
        ArgShape::Value {
            prefix: String::new(),
        }
    }

    #[test]
    fn readers_of_the_allowlist_are_proven() {
        for argv in [
            &["/bin/cat", "/etc/hosts"][..],
            &["/usr/bin/stat", "-f", "%Su:%Sg %Lp", "/x"],
            &["/bin/ls", "-ld", "/Library"],
            &["/usr/bin/pgrep", "-x", "busd"],
            &["/bin/launchctl", "print", "system/org.x"],
            &["/bin/launchctl", "managername"],
            &["/usr/sbin/lsof", "-nP", "-iTCP:7400", "-sTCP:LISTEN"],
            &["/usr/bin/plutil", "-lint", "-s", "/x.plist"],
            &[
                "/usr/bin/plutil",
                "-extract",
                "ProgramArguments",
                "json",
                "-o",
                "-",
                "/x",
            ],
            &["/usr/bin/xattr", "-p", "com.apple.quarantine", "/x"],
            &["/usr/bin/codesign", "--verify", "--strict", "/x"],
            &["/usr/bin/codesign", "-dv", "--verbose=2", "/x"],
            &[
                "/usr/sbin/spctl",
                "--assess",
                "--type",
                "execute",
                "-vv",
                "/x",
            ],
            &[
                "/usr/bin/openssl",
                "x509",
                "-checkend",
                "0",
                "-noout",
                "-in",
                "/c.pem",
            ],
            &["/sbin/route", "-n", "get", "default"],
            &["/sbin/mount"],
            &["/usr/sbin/diskutil", "info", "/Volumes/x"],
            &["/usr/bin/sntp", "time.apple.com"],
            &["/usr/sbin/systemsetup", "-getusingnetworktime"],
            &["/usr/bin/pmset", "-g", "log"],
            &["/bin/date", "-u"],
            &["/bin/date", "-u", "+%Y"],
            &["/usr/bin/log", "show", "--last", "15m"],
            &[
                "/usr/bin/find",
                "/var/log",
                "-name",
                "*.log",
                "-mtime",
                "+1",
            ],
            &["/usr/bin/security", "show-keychain-info"],
            &["/usr/sbin/sysctl", "-n", "kern.boottime"],
            &["/usr/sbin/scutil", "--nwi"],
        ] {
            assert_eq!(prove(&lits(argv)), Ok(()), "{argv:?}");
        }
    }

    #[test]
    fn writers_and_unknown_programs_are_unproven() {
        for argv in [
            &["/bin/rm", "-rf", "/x"][..],
            &["/usr/bin/perl", "-e", "unlink shift", "/x"],
            &["/bin/sh", "-c", "cat /x"],
            &["/usr/bin/env", "/bin/cat", "/x"],
            &["bin/cat", "/x"],
            &["/bin/launchctl", "kickstart", "-k", "system/org.x"],
            &["/bin/launchctl", "bootout", "system/org.x"],
            &["/usr/bin/plutil", "-convert", "xml1", "/x"],
            &["/usr/bin/plutil", "-extract", "K", "json", "/x"],
            &["/usr/bin/plutil", "-remove", "K", "/x"],
            &["/usr/bin/xattr", "-d", "com.apple.quarantine", "/x"],
            &["/usr/bin/xattr", "-cr", "/x"],
            &["/usr/bin/codesign", "-s", "-", "/x"],
            &["/usr/bin/codesign", "-fv", "/x"],
            &["/usr/bin/codesign", "--remove-signature", "/x"],
            &["/usr/bin/codesign", "/x"],
            &["/usr/sbin/spctl", "--add", "/x"],
            &["/usr/sbin/spctl", "--master-disable"],
            &[
                "/usr/bin/openssl",
                "x509",
                "-in",
                "/c",
                "-out",
                "/d",
                "-noout",
            ],
            &["/usr/bin/openssl", "x509", "-in", "/c"],
            &["/usr/bin/openssl", "req", "-new"],
            &["/sbin/route", "add", "default", "10.0.0.1"],
            &["/sbin/route", "-n", "delete", "default"],
            &["/sbin/mount", "-uw", "/"],
            &["/usr/sbin/diskutil", "eraseDisk", "APFS", "x", "disk2"],
            &["/usr/bin/sntp", "-S", "time.apple.com"],
            &["/usr/bin/sntp", "-sS", "time.apple.com"],
            &["/usr/sbin/systemsetup", "-setusingnetworktime", "on"],
            &["/usr/bin/pmset", "-a", "sleep", "0"],
            &["/bin/date", "0101000026"],
            &["/usr/bin/log", "erase", "--all"],
            &["/usr/bin/find", "/tmp", "-name", "x", "-delete"],
            &["/usr/bin/find", "/tmp", "-exec", "/bin/rm", "{}", ";"],
            &["/usr/bin/defaults", "write", "com.x", "k", "v"],
            &["/usr/bin/security", "delete-keychain", "/x"],
            &["/usr/bin/security", "list-keychains", "-s", "/x"],
            &["/usr/sbin/sysctl", "-w", "kern.x=1"],
            &["/usr/sbin/sysctl", "kern.x=1"],
            &["/usr/bin/sort", "-o", "/etc/passwd", "/x"],
            &["/usr/bin/file", "-C", "-m", "/x"],
            &["/usr/bin/tee", "/x"],
            &["/usr/sbin/scutil", "--set", "HostName", "x"],
        ] {
            assert!(prove(&lits(argv)).is_err(), "{argv:?} was proven");
        }
        assert!(prove(&[]).is_err());
    }

    #[test]
    fn values_are_operands_and_an_unknown_program_is_unproven() {
        // A run-time value is never an option (the script refuses a leading `-`) ...
        let argv = vec![
            ArgShape::Lit("/usr/bin/xattr".to_owned()),
            ArgShape::Lit("-p".to_owned()),
            ArgShape::Lit("com.apple.quarantine".to_owned()),
            value(),
        ];
        assert_eq!(prove(&argv), Ok(()));
        // ... but a literal option prefix before a value is judged: `-w{param.x}`.
        let argv = vec![
            ArgShape::Lit("/usr/bin/xattr".to_owned()),
            ArgShape::Value {
                prefix: "-w".to_owned(),
            },
            value(),
        ];
        assert!(prove(&argv).is_err());
        // A value that might be `x=1` is never proven for sysctl; nor is a program in a value.
        let argv = vec![ArgShape::Lit("/usr/sbin/sysctl".to_owned()), value()];
        assert!(prove(&argv).is_err());
        assert!(prove(&[value(), ArgShape::Lit("/x".to_owned())]).is_err());
    }

    #[test]
    fn templates_resolve_literal_defaults_and_keep_values_values() {
        let lit = |n: &str| (n == "mode").then(|| "0644".to_owned());
        assert_eq!(
            template_shape("-m{param.mode}", &lit),
            ArgShape::Lit("-m0644".to_owned())
        );
        assert_eq!(
            template_shape("-iTCP:{param.port}", &lit),
            ArgShape::Value {
                prefix: "-iTCP:".to_owned()
            }
        );
        assert_eq!(
            template_shape("{service.program}", &lit),
            ArgShape::Value {
                prefix: String::new()
            }
        );
        assert_eq!(template_shape("{}", &lit), ArgShape::Lit("{}".to_owned()));
    }

    #[test]
    fn every_listed_program_is_absolute_and_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for (p, _) in PROGRAMS {
            assert!(p.starts_with('/'), "{p}");
            assert!(seen.insert(*p), "{p} twice");
        }
    }
}
