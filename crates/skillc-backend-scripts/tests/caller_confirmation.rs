//! `--client NAME` and `--confirmed PLAN_HASH`: how a caller that asked a person itself (`skillc
//! mcp`, through an MCP client's elicitation) tells the script that the person confirmed one plan,
//! and who that caller was. Attacks: a confirmation of another plan, one without `--client`,
//! malformed hashes and client names; every audit line names the client.

mod common;

use common::Host;
use std::path::{Path, PathBuf};

const FAMILY: &str = r#"
family:
  name: cc
  version: 1.0.0
  description: A confirmation asked by the caller.
  label_prefix: org.example.cc
services:
  svc:
    description: An L2 daemon.
    layer: L2
    scope: daemon
    capabilities: [schedule_tasks]
    run:
      program: /ROOT/bin/svcd
      working_dir: /ROOT/svc
skills:
  reset:
    title: Reset
    severity: low
    applies_to: { services: [svc] }
    params:
      marker: { type: path, default: "{service.working_dir}/broken" }
    detect: 'file_exists(param("marker"))'
    remediate:
      - { id: reset, action: run, with: { argv: [/bin/rm, -f, "{service.working_dir}/broken"], risk: reversible } }
    verify: '!file_exists(param("marker"))'
    on_failure: stop
policy:
  roles:
    ops: [alice]
  rules:
    - { match: { risk: read_only }, outcome: auto }
    - { match: { risk: reversible }, outcome: confirm }
    - { match: { risk: disruptive }, outcome: confirm }
    - { match: { risk: destructive }, outcome: deny }
"#;

fn build(root: &Path) -> PathBuf {
    let yaml = FAMILY.replace("/ROOT", &root.display().to_string());
    let fam = common::write_family(&root.join("src"), "cc", &yaml);
    let ir = common::load_ok(&[fam]);
    let out = root.join("out");
    common::write_tree(&out, &common::emit_test(&ir));
    std::fs::create_dir_all(root.join("svc")).expect("mkdir");
    std::fs::write(root.join("svc/broken"), "").expect("marker");
    out.join("cc/remediate/cc--reset--svc.sh")
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", common::text(o)))
}

#[test]
fn a_caller_confirms_one_plan_only_and_is_named_in_the_audit() {
    for shell in common::shells() {
        let host = Host::new(&shell);
        let script = build(host.path());
        let plan = json(&host.run(&script, &["--json"]));
        let hash = plan["plan_hash"].as_str().expect("hash").to_owned();
        let other = "0".repeat(64);
        let marker = host.path().join("svc/broken");

        // No terminal and no --confirmed: refused.
        let o = host.run(&script, &["--apply", "--json", "--client", "agent"]);
        assert_eq!(o.status.code(), Some(77), "{}", common::text(&o));
        assert_eq!(json(&o)["status"], "not_confirmed");
        // A confirmation without --client (no one to name) and one of another plan: refused.
        for args in [
            &["--apply", "--json", "--confirmed", hash.as_str()][..],
            &[
                "--apply",
                "--json",
                "--client",
                "agent",
                "--confirmed",
                other.as_str(),
            ][..],
        ] {
            let o = host.run(&script, args);
            assert_eq!(o.status.code(), Some(77), "{args:?}: {}", common::text(&o));
            assert_eq!(json(&o)["status"], "not_confirmed");
            assert!(marker.exists(), "{args:?} changed something");
        }
        // Malformed hashes and client names are usage errors; nothing runs.
        let upper = hash.to_uppercase();
        let long = "a".repeat(65);
        let short = &hash[..63];
        for args in [
            vec![
                "--apply",
                "--client",
                "agent",
                "--confirmed",
                upper.as_str(),
            ],
            vec!["--apply", "--client", "agent", "--confirmed", short],
            vec![
                "--apply",
                "--client",
                "agent",
                "--confirmed",
                "../../etc/passwd",
            ],
            vec!["--apply", "--client", "agent", "--confirmed"],
            vec!["--apply", "--client", ""],
            vec!["--apply", "--client", "-agent"],
            vec!["--apply", "--client", "a b"],
            vec!["--apply", "--client", "a\nb"],
            vec!["--apply", "--client", "a\"b"],
            vec!["--apply", "--client", "$(id)"],
            vec!["--apply", "--client", "é"],
            vec!["--apply", "--client", long.as_str()],
        ] {
            let o = host.run(&script, &args);
            assert_eq!(o.status.code(), Some(64), "{args:?}: {}", common::text(&o));
            assert!(marker.exists(), "{args:?} changed something");
        }
        // The person confirmed this plan through the caller: it runs, audited as such.
        let o = host.run(
            &script,
            &[
                "--apply",
                "--json",
                "--client",
                "agent@1.0+x",
                "--confirmed",
                &hash,
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", common::text(&o));
        let r = json(&o);
        assert_eq!(r["status"], "fixed");
        assert_eq!(r["invoker"]["client"], "agent@1.0+x");
        assert!(!marker.exists());
        let lines = host.validate_audit();
        assert!(
            lines.iter().any(|l| l["event"] == "approval"
                && l["status"] == "confirmed"
                && l["via"] == "caller"),
            "{lines:?}"
        );
        let last_run: Vec<_> = lines
            .iter()
            .filter(|l| l["run_id"] == r["run_id"])
            .collect();
        assert!(!last_run.is_empty());
        for l in last_run {
            assert_eq!(l["invoker"]["client"], "agent@1.0+x", "{l}");
        }
    }
}
