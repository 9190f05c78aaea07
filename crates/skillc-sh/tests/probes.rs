//! Compiled probes run for real under `sh` (and `dash` / `bash --posix` when present), with
//! shims for the macOS-only tools: `nc` (emulates macOS `nc -z -G <secs> -- host port` with a
//! Python connect) and `launchctl` (prints the published `launchctl print` shapes from
//! shared/reference/launchctl-samples.md).

use skillc_diagnostics::FileId;
use skillc_expr::{Expr, Origin};
use skillc_sh::{Domain, Probe, ProbeCompiler, Resolver, Target, quote};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

fn parse(text: &str) -> Expr {
    let origin = Origin::exact(FileId(0), 0, text.len());
    skillc_expr::parse(text, &origin).unwrap_or_else(|d| panic!("{text}: {}", d.message))
}

/// Services: 0 = `org.example.db` (daemon, probe given), 1 = `org.example.agent` (session, no
/// probe), 2 = `com.wazuh.agent` (daemon, bus `org.example.bus`).
struct Fixture {
    db_probe: Option<Expr>,
}

impl Resolver for Fixture {
    fn target(&self, id: usize) -> Option<Target> {
        let (label, domain, readiness) = match id {
            0 => (
                "org.example.db",
                Domain::System,
                self.db_probe.clone().map(|expr| Probe {
                    expr,
                    timeout_secs: 1,
                }),
            ),
            1 => ("org.example.agent", Domain::Gui, None),
            2 => ("com.wazuh.agent", Domain::System, None),
            _ => return None,
        };
        Some(Target {
            label: label.to_owned(),
            domain,
            name: format!("demo/{label}"),
            readiness,
        })
    }
    fn resolve(&self, _from: usize, reference: &str) -> Option<usize> {
        match reference {
            "db" => Some(0),
            "agent" => Some(1),
            "wazuh" | "bus:org.example.bus" => Some(2),
            _ => None,
        }
    }
    fn bus_provider(&self, name: &str) -> Option<usize> {
        name.eq_ignore_ascii_case("org.example.bus").then_some(2)
    }
}

/// The one `nc` shim of the tests (the script backend's harness; its simulated host is off here:
/// SKILLC_FAKE_LAUNCHD is unset, so it connects for real).
const NC_SHIM: &str = include_str!("../../skillc-backend-scripts/tests/harness/nc");

/// `launchctl print system/com.wazuh.agent` prints sample 4 of launchctl-samples.md plus an
/// endpoint block; `print-disabled system` prints the new-style table; anything else fails
/// like launchctl does for an unknown service (exit 113).
const LAUNCHCTL_SHIM: &str = r#"#!/bin/sh
case "$1 $2" in
"print system/com.wazuh.agent")
	printf '%s\n' 'system/com.wazuh.agent = {' \
		'	active count = 1' \
		'	path = /Library/LaunchDaemons/com.wazuh.agent.plist' \
		'	type = LaunchDaemon' \
		'	state = running' \
		'' \
		'	program = /Library/StartupItems/WAZUH/launcher.sh' \
		'	arguments = {' \
		'		/Library/StartupItems/WAZUH/launcher.sh' \
		'	}' \
		'' \
		'	default environment = {' \
		'		PATH => /usr/bin:/bin:/usr/sbin:/sbin' \
		'	}' \
		'' \
		'	domain = system' \
		'	runs = 3' \
		'	pid = 337' \
		'	last exit code = 78: EX_CONFIG' \
		'' \
		'	resource coalition = {' \
		'		ID = 297' \
		'		runs = 99' \
		'	}' \
		'' \
		'	endpoints = {' \
		'		"org.example.bus" = {' \
		'			port = 0x2ed07' \
		'			active = 1' \
		'			managed = 1' \
		'		}' \
		'		"org.example.idle" = {' \
		'			port = 0x2ed08' \
		'			active = 0' \
		'		}' \
		'	}' \
		'' \
		'	properties = runatload | inferred program | system service' \
		'}'
	;;
"print system/org.example.db")
	printf '%s\n' 'system/org.example.db = {' '	state = not running' '	runs = 1' \
		'	last exit code = (never exited)' '}'
	;;
"print-disabled system")
	printf '%s\n' 'disabled services = {' '	"org.example.db" => disabled' \
		'	"com.wazuh.agent" => enabled' '}'
	;;
*)
	echo "Could not find service \"$2\" in domain for port" >&2
	exit 113
	;;
esac
"#;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).expect("mkdir");
        for (name, text) in [("nc", NC_SHIM), ("launchctl", LAUNCHCTL_SHIM)] {
            let p = bin.join(name);
            std::fs::write(&p, text).expect("write shim");
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Compiles `expr` for service 0 and runs it; returns its truth under each available shell.
    fn eval(&self, expr: &str, fixture: &Fixture) -> bool {
        let mut c = ProbeCompiler::new(fixture);
        let cond = c.condition(&parse(expr), 0, 1).expect("compiles");
        let script = format!(
            "#!/bin/sh\nset -u\n{}if {cond}; then echo true; else echo false; fi\n",
            c.definitions()
        );
        let file = self.path().join("probe.sh");
        std::fs::write(&file, &script).expect("write");
        let path = format!(
            "{}:{}",
            self.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut answers = Vec::new();
        for shell in shells() {
            let out = Command::new(&shell[0])
                .args(&shell[1..])
                .arg(&file)
                .env("PATH", &path)
                .output()
                .expect("run shell");
            let stdout = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            assert!(
                out.status.success() && (stdout == "true" || stdout == "false"),
                "{shell:?} on `{expr}`: {stdout}\n{}\n{script}",
                String::from_utf8_lossy(&out.stderr)
            );
            answers.push(stdout == "true");
        }
        assert!(
            answers.windows(2).all(|w| w[0] == w[1]),
            "shells disagree on `{expr}`"
        );
        answers[0]
    }
}

fn shells() -> Vec<Vec<String>> {
    let mut out = vec![vec!["sh".to_owned()]];
    for (name, extra) in [("dash", None), ("bash", Some("--posix"))] {
        if Command::new("sh")
            .args(["-c", &format!("command -v {name} >/dev/null")])
            .status()
            .is_ok_and(|s| s.success())
        {
            let mut v = vec![name.to_owned()];
            v.extend(extra.map(str::to_owned));
            out.push(v);
        }
    }
    out
}

fn fx() -> Fixture {
    Fixture { db_probe: None }
}

#[test]
fn filesystem_and_exec_probes() {
    let env = Env::new();
    let f = env.path().join("it's a $(file)");
    std::fs::write(&f, "first line\nneedle `x` here\n").expect("write");
    let fq = f
        .display()
        .to_string()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let d = env.path().display().to_string();
    let fx = fx();
    assert!(env.eval(&format!("file_exists(\"{fq}\")"), &fx));
    assert!(
        !env.eval(&format!("file_exists(\"{d}\")"), &fx),
        "a directory is not a file"
    );
    assert!(env.eval(&format!("dir_exists(\"{d}\")"), &fx));
    assert!(!env.eval(&format!("dir_exists(\"{fq}\")"), &fx));
    assert!(env.eval(&format!("log_contains(\"{fq}\", \"needle `x`\")"), &fx));
    assert!(!env.eval(&format!("log_contains(\"{fq}\", \"-v\")"), &fx));
    assert!(env.eval("exec(\"/bin/sh\", \"-c\", \"exit 0\")", &fx));
    assert!(!env.eval("exec(\"/bin/sh\", \"-c\", \"exit 3\")", &fx));
    assert!(!env.eval("exec(\"/nonexistent/program\")", &fx));
    let free = env.eval(
        &format!("free_space(\"{d}\") >= 0 && free_space(\"{d}\") <= 100"),
        &fx,
    );
    assert!(free);
    assert!(env.eval("free_space(\"/nonexistent/x\") == -1", &fx));
}

#[test]
fn exec_probe_is_killed_after_its_timeout() {
    let env = Env::new();
    let start = std::time::Instant::now();
    assert!(!env.eval("exec(\"/bin/sleep\", \"30\")", &fx()));
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

#[test]
fn pid_alive_reads_the_pid_file() {
    let env = Env::new();
    let pidfile = env.path().join("x.pid");
    std::fs::write(&pidfile, format!("{}\n", std::process::id())).expect("write");
    let p = pidfile.display();
    assert!(env.eval(&format!("pid_alive(\"{p}\")"), &fx()));
    std::fs::write(&pidfile, "not a pid\n").expect("write");
    assert!(!env.eval(&format!("pid_alive(\"{p}\")"), &fx()));
    assert!(!env.eval(&format!("pid_alive(\"{p}.missing\")"), &fx()));
}

#[test]
fn tcp_and_port_free_and_http() {
    let env = Env::new();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    // A tiny HTTP server answering 204 to every request.
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let fx = fx();
    assert!(env.eval(&format!("tcp(\"127.0.0.1:{port}\")"), &fx));
    assert!(!env.eval(&format!("port_free({port})"), &fx));
    let closed = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    assert!(!env.eval(&format!("tcp(\"127.0.0.1:{closed}\")"), &fx));
    assert!(env.eval(&format!("port_free({closed})"), &fx));
    if Command::new("sh")
        .args(["-c", "command -v curl"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(env.eval(&format!("http(\"http://127.0.0.1:{port}/h\") == 204"), &fx));
        assert!(env.eval(&format!("http(\"http://127.0.0.1:{closed}/\") == 0"), &fx));
    } else {
        eprintln!("notice: curl not on PATH; http probes not run");
    }
}

#[test]
fn launchctl_state_is_parsed_from_print_output() {
    let env = Env::new();
    let fx = fx();
    assert!(env.eval("loaded(\"wazuh\")", &fx));
    assert!(env.eval("running(\"wazuh\")", &fx));
    // `runs = 99` inside the coalition block is not the job's run count.
    assert!(env.eval("runs(\"wazuh\") == 3", &fx));
    assert!(env.eval("last_exit(\"wazuh\") == 78", &fx));
    assert!(env.eval("loaded(service) && !running(service)", &fx));
    assert!(env.eval("last_exit(service) == -1 && runs(service) == 1", &fx));
    assert!(env.eval("disabled(\"db\") && !disabled(\"wazuh\")", &fx));
    assert!(!env.eval("loaded(\"agent\") || running(\"agent\")", &fx));
    assert!(env.eval("last_exit(\"agent\") == -1 && runs(\"agent\") == -1", &fx));
    assert!(env.eval("bus(\"org.example.bus\")", &fx));
    assert!(!env.eval("bus(\"org.example.unknown\")", &fx));
}

#[test]
fn ready_inlines_the_target_probe_and_falls_back_to_running() {
    let env = Env::new();
    let marker = env.path().join("ready-marker");
    let fx = Fixture {
        db_probe: Some(parse(&format!("file_exists(\"{}\")", marker.display()))),
    };
    assert!(!env.eval("ready(\"db\")", &fx));
    std::fs::write(&marker, "").expect("write");
    assert!(env.eval("ready(\"db\")", &fx));
    // wazuh has no probe: ready means running, which the fake launchctl says it is.
    assert!(env.eval("ready(\"wazuh\") && !ready(\"agent\")", &fx));
}

#[test]
fn logic_keeps_the_expression_grouping() {
    let env = Env::new();
    let fx = fx();
    // sh reads `a || b && c` as `(a || b) && c`; the expression means `a || (b && c)`.
    assert!(env.eval("true || false && false", &fx));
    assert!(!env.eval("(true || false) && false", &fx));
    assert!(env.eval("!!true", &fx));
    assert!(env.eval("!(false || false)", &fx));
    assert!(env.eval("(1 < 2) == true", &fx));
    assert!(env.eval("dir_exists(\"/\") != false", &fx));
}

#[test]
fn uncompilable_probes_are_errors() {
    let fx = Fixture {
        db_probe: Some(parse("ready(\"db\")")),
    };
    let mut c = ProbeCompiler::new(&fx);
    for bad in [
        "tcp(\"127.0.0.1\")",
        "tcp(\"127.0.0.1:0\")",
        "tcp(\"127.0.0.1:99999\")",
        "tcp(\":80\")",
        "port_free(0)",
        "log_contains(\"/x\", \"\")",
        "loaded(\"nope\")",
    ] {
        let e = parse(bad);
        assert!(c.condition(&e, 1, 1).is_err(), "{bad} compiled");
    }
    // db's probe is `ready("db")`: the self-reference reads as `running`, it does not recurse.
    let body = c
        .condition(&parse("ready(\"db\")"), 1, 1)
        .expect("compiles");
    assert!(
        c.definitions()
            .contains("skillc_running 'system/org.example.db'"),
        "{body}"
    );
    // The expression language has no escape for NUL, but YAML could carry one.
    let nul = Expr {
        kind: skillc_expr::ExprKind::Call(skillc_expr::Call {
            name: "file_exists".into(),
            name_span: skillc_diagnostics::Span::default(),
            args: vec![Expr {
                kind: skillc_expr::ExprKind::Str("a\0b".into()),
                span: skillc_diagnostics::Span::default(),
            }],
        }),
        span: skillc_diagnostics::Span::default(),
    };
    assert!(c.condition(&nul, 1, 1).is_err());
}

#[test]
fn quote_round_trips_through_every_shell() {
    let hostile = [
        "",
        "plain",
        "it's",
        "''",
        "$(touch /tmp/skillc-pwned)",
        "`id`",
        "a\nb\n",
        "--help",
        "-",
        "*",
        "~",
        "a\\b",
        "\"dq\"",
        "tab\there",
        "ünï ✓",
        "; rm -rf / #",
        "${HOME}",
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let words: Vec<String> = hostile.iter().map(|s| quote(s)).collect();
    let script = format!(
        "#!/bin/sh\nfor a in {}; do printf '%s\\0' \"$a\"; done\n",
        words.join(" ")
    );
    let file: PathBuf = dir.path().join("q.sh");
    std::fs::write(&file, script).expect("write");
    for shell in shells() {
        let out = Command::new(&shell[0])
            .args(&shell[1..])
            .arg(&file)
            .output()
            .expect("run");
        let got: Vec<&[u8]> = out.stdout.split(|b| *b == 0).collect();
        let want: Vec<&[u8]> = hostile
            .iter()
            .map(|s| s.as_bytes())
            .chain([&b""[..]])
            .collect();
        assert_eq!(got, want, "{shell:?}");
    }
    assert!(!Path::new("/tmp/skillc-pwned").exists());
}
