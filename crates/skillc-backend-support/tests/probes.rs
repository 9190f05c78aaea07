//! Compiled probes run for real under `sh` (and `dash` / `bash --posix` when present), with
//! shims for the macOS-only tools: `nc` (emulates macOS `nc -z -G <secs> -- host port` with a
//! Python connect) and `launchctl` (prints the published `launchctl print` shapes from
//! shared/reference/launchctl-samples.md).

use skillc_backend_support::ProbeCompiler;
use skillc_ir::expr::{Call, Expr, ExprKind, Func};
use skillc_ir::{Ir, ServiceId};
use skillc_sh::quote;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Services: `db` = `org.example.db` (daemon), `agent` = `org.example.agent` (session, no
/// probe), `wazuh` = `com.wazuh.agent` (daemon, bus `org.example.bus`), `check` (daemon).
/// Without `db_probe` the expression under test is db's readiness probe (`service` is db);
/// with it, the expression is the probe of `check`.
struct Fixture {
    db_probe: Option<&'static str>,
}

fn yaml_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl Fixture {
    /// The lowered family and the service whose probe is `expr`.
    fn lower(&self, expr: &str) -> (Ir, ServiceId) {
        let (db, check) = match self.db_probe {
            Some(p) => (p.to_owned(), expr),
            None => (expr.to_owned(), "true"),
        };
        let text = format!(
            r"family:
  name: demo
  version: 1.0.0
  description: Demo family.
services:
  db:
    description: A database.
    layer: L1
    scope: daemon
    label: org.example.db
    run: {{ program: /usr/local/bin/db }}
    readiness: {{ probe: {}, timeout: 1s, interval: 1s, retries: 3 }}
  agent:
    description: An agent.
    layer: L1
    scope: session
    label: org.example.agent
    run: {{ program: /usr/local/bin/agent }}
  wazuh:
    description: A bus owner.
    layer: L1
    scope: daemon
    label: com.wazuh.agent
    bus: org.example.bus
    run: {{ program: /usr/local/bin/wazuh, mach_services: {{ org.example.bus: true }} }}
  web:
    description: An HTTP server with a bus identity it never checks in for.
    layer: L1
    scope: daemon
    label: org.example.web
    bus: org.example.web
    run: {{ program: /usr/local/bin/web }}
    readiness: {{ probe: 'true', timeout: 1s, interval: 1s, retries: 3 }}
  check:
    description: Holds the probe under test.
    layer: L1
    scope: daemon
    label: org.example.check
    run: {{ program: /usr/local/bin/check }}
    readiness: {{ probe: {}, timeout: 1s, interval: 1s, retries: 3 }}
",
            yaml_quoted(&db),
            yaml_quoted(check)
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let fam = dir.path().join("demo");
        std::fs::create_dir_all(&fam).expect("mkdir");
        std::fs::write(fam.join("family.yaml"), text).expect("write");
        let loaded = skillc_syntax::load_paths(&[fam]);
        let (ir, diags) = skillc_ir::lower(&loaded);
        let errors: Vec<_> = diags
            .iter()
            .chain(&loaded.diagnostics)
            .filter(|d| d.is_error())
            .collect();
        assert!(errors.is_empty(), "{expr}: {errors:#?}");
        let name = if self.db_probe.is_some() {
            "check"
        } else {
            "db"
        };
        let id = ir
            .service_ids()
            .find(|&s| ir.service(s).id.value == name)
            .expect("service");
        (ir, id)
    }
}

fn probe(ir: &Ir, id: ServiceId) -> &Expr {
    &ir.service(id).readiness.as_ref().expect("probe").probe
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
        let (ir, id) = fixture.lower(expr);
        let mut c = ProbeCompiler::new(&ir);
        let cond = c.condition(probe(&ir, id), id, 1).expect("compiles");
        let script = format!(
            // Agents are addressed in $SKILLC_GUI_UID's domain (the generated scripts set it from
            // the console user; here the test's own uid, as the launchctl shim expects).
            "#!/bin/sh\nset -u\nSKILLC_GUI_UID=$(id -u)\n{}if {cond}; then echo true; else echo false; fi\n",
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

/// A probe that ignores TERM is KILLed 2 s after its limit (timeout 1 s here), and leaves
/// nothing running: it once ran four times its limit.
#[test]
fn exec_probe_that_ignores_term_is_killed() {
    let env = Env::new();
    let pidfile = env.path().join("stubborn.pid");
    let start = std::time::Instant::now();
    let probe = format!(
        "exec(\"/bin/sh\", \"-c\", \"trap '' TERM; echo $$ >>{}; sleep 25; sleep 25\")",
        pidfile.display()
    );
    assert!(!env.eval(&probe, &fx()));
    // One run per shell, each bounded by 1 s + 2 s of grace (generously: 15 s each).
    let runs = shells().len();
    let bound = u64::try_from(15 * runs).unwrap_or(u64::MAX);
    assert!(
        start.elapsed().as_secs() < bound,
        "{:?} for {runs} shells",
        start.elapsed()
    );
    for pid in std::fs::read_to_string(&pidfile).expect("pids").lines() {
        let alive = Command::new("kill")
            .args(["-0", pid])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(!alive, "the probe {pid} outlived its limit");
    }
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
    // `org.example.idle` is listed but inactive, and no loaded job registers it.
    assert!(!env.eval("bus(\"org.example.idle\")", &fx));
}

#[test]
fn bus_of_an_unregistered_identity_is_its_providers_readiness() {
    // `web` registers no Mach service (an HTTP server never checks in): its bus name is up when
    // `web` is ready (its probe is `true`), although launchd lists no endpoint for it (not
    // even a job: `launchctl print system/org.example.web` fails).
    let env = Env::new();
    let fx = fx();
    assert!(env.eval("bus(\"org.example.web\")", &fx));
    assert!(
        env.eval("bus(\"ORG.example.WEB\")", &fx),
        "identities ignore case"
    );
}

#[test]
fn ready_inlines_the_target_probe_and_falls_back_to_running() {
    let env = Env::new();
    let marker = env.path().join("ready-marker");
    let fx = Fixture {
        db_probe: Some(format!("file_exists(\"{}\")", marker.display()).leak()),
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
        db_probe: Some("ready(\"db\")"),
    };
    for bad in [
        "tcp(\"127.0.0.1\")",
        "tcp(\"127.0.0.1:0\")",
        "tcp(\"127.0.0.1:99999\")",
        "tcp(\":80\")",
        "port_free(0)",
        "log_contains(\"/x\", \"\")",
        "http_ca(\"https://x/\", \"ca.pem\") == 200",
        "http_mtls(\"https://x/\", \"/ca.pem\", \"client.pem\", \"/k\") == 200",
    ] {
        let (ir, id) = fx.lower(bad);
        let mut c = ProbeCompiler::new(&ir);
        assert!(
            c.condition(probe(&ir, id), id, 1).is_err(),
            "{bad} compiled"
        );
    }
    // db's probe is `ready("db")`: the self-reference reads as `running`, it does not recurse.
    let (ir, id) = fx.lower("ready(\"db\")");
    let mut c = ProbeCompiler::new(&ir);
    let body = c.condition(probe(&ir, id), id, 1).expect("compiles");
    assert!(
        c.definitions()
            .contains("skillc_running 'system/org.example.db'"),
        "{body}"
    );
    // The expression language has no escape for NUL, but YAML could carry one.
    let span = skillc_diagnostics::Span::default();
    let nul = Expr {
        kind: ExprKind::Call(Call {
            func: Func::FileExists,
            name_span: span,
            args: vec![Expr {
                kind: ExprKind::Str("a\0b".into()),
                span,
            }],
        }),
        span,
    };
    assert!(c.condition(&nul, id, 1).is_err());
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

/// `http_ca` and `http_mtls` against a real TLS server (`openssl s_server`) with a private CA:
/// plain `http()` cannot trust it, `http_ca` with the right CA does, with another CA it does
/// not; a server demanding a client certificate answers only `http_mtls`.
#[test]
fn https_probes_with_a_private_ca_and_a_client_certificate() {
    let have = |t: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {t}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !have("openssl") || !have("curl") {
        assert!(
            std::env::var("SKILLC_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "openssl and curl are required"
        );
        eprintln!("notice: openssl or curl missing; https probes not run");
        return;
    }
    let env = Env::new();
    let d = env.path();
    let ssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(d)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::write(d.join("ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n").expect("ext");
    for ca in ["ca", "other"] {
        ssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            &format!("/CN=skillc test {ca}"),
            "-keyout",
            &format!("{ca}.key"),
            "-out",
            &format!("{ca}.pem"),
        ]);
    }
    for (name, cn) in [("server", "localhost"), ("client", "probe")] {
        ssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            &format!("/CN={cn}"),
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
        ]);
        ssl(&[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "ext",
            "-out",
            &format!("{name}.pem"),
        ]);
    }
    let serve = |extra: &[&str]| {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let child = Command::new("openssl")
            .args([
                "s_server",
                "-quiet",
                "-www",
                "-accept",
                &port.to_string(),
                "-cert",
                "server.pem",
                "-key",
                "server.key",
            ])
            .args(extra)
            .current_dir(d)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("s_server");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        (port, child)
    };
    let p = |f: &str| d.join(f).display().to_string();
    let fx = fx();
    let (port, mut server) = serve(&[]);
    let url = format!("https://localhost:{port}/");
    assert!(
        !env.eval(&format!("http(\"{url}\") == 200"), &fx),
        "a private CA is not trusted by default"
    );
    assert!(env.eval(&format!("http(\"{url}\") == 0"), &fx));
    assert!(env.eval(
        &format!("http_ca(\"{url}\", \"{}\") == 200", p("ca.pem")),
        &fx
    ));
    assert!(
        env.eval(
            &format!("http_ca(\"{url}\", \"{}\") == 0", p("other.pem")),
            &fx
        ),
        "another CA"
    );
    let _ = server.kill();
    let _ = server.wait();

    let (port, mut server) = serve(&["-Verify", "1", "-CAfile", "ca.pem"]);
    let url = format!("https://localhost:{port}/");
    assert!(
        env.eval(
            &format!("http_ca(\"{url}\", \"{}\") != 200", p("ca.pem")),
            &fx
        ),
        "no client certificate, no answer"
    );
    assert!(env.eval(
        &format!(
            "http_mtls(\"{url}\", \"{}\", \"{}\", \"{}\") == 200",
            p("ca.pem"),
            p("client.pem"),
            p("client.key")
        ),
        &fx
    ));
    let _ = server.kill();
    let _ = server.wait();
}
