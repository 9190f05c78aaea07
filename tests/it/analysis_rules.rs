//! The analysis rules end to end: the shipped families and examples are clean with every rule, and
//! the cases a rule page's one-file examples cannot show (several files or families, edge cases,
//! scale).

use crate::common;

use common::{check_json, codes, repo, skillc, tree};
use serde_json::Value;
use skillc::pipeline::{self, CheckOptions};
use std::path::Path;

fn diags(json: &Value) -> &Vec<Value> {
    json["diagnostics"].as_array().expect("diagnostics")
}

/// `skillc check --format json` on a tree, keeping only the findings of `rules`, the rules a test
/// is about (others, present or future, may fire on its inline families); the exit code is the one
/// those findings give.
fn check_rules(dir: &Path, paths: &[&str], rules: &[&str]) -> (i32, Value) {
    let (_, mut json) = check_json(dir, paths);
    let kept: Vec<Value> = diags(&json)
        .iter()
        .filter(|d| rules.iter().any(|r| d["code"] == *r))
        .cloned()
        .collect();
    let code = i32::from(kept.iter().any(|d| d["severity"] == "error"));
    json["diagnostics"] = Value::Array(kept);
    (code, json)
}

/// The findings of one rule.
fn of<'a>(json: &'a Value, code: &str) -> Vec<&'a Value> {
    diags(json).iter().filter(|d| d["code"] == code).collect()
}

/// `(file, line)` of the primary span and of every label.
fn places(d: &Value) -> Vec<(String, u64)> {
    let mut out = vec![(
        d["file"].as_str().expect("file").to_owned(),
        d["line"].as_u64().expect("line"),
    )];
    for l in d["labels"].as_array().expect("labels") {
        out.push((
            l["file"].as_str().expect("file").to_owned(),
            l["line"].as_u64().expect("line"),
        ));
    }
    out.sort();
    out
}

/// The findings the shipped families and examples carry on purpose, each silenced where it is
/// by a suppression comment that gives the reason: (file, rule).
const INTENDED: &[(&str, &str)] = &[(
    "skills/foundation-core/actions.yaml",
    "mutating-action-without-guard",
)];

#[test]
fn shipped_families_and_examples_are_clean_with_every_rule() {
    for paths in [
        &["skills"][..],
        &["examples/minimal"],
        &["skills", "examples/quickstart"],
    ] {
        let absolute: Vec<_> = paths.iter().map(|p| repo().join(p)).collect();
        let checked = pipeline::check(&absolute, &CheckOptions::default());
        assert!(checked.usage_errors.is_empty(), "{paths:?}");
        let found: Vec<_> = checked.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(found, Vec::<&str>::new(), "{paths:?}");

        let prefix = format!("{}/", repo().display());
        let mut suppressed: Vec<(String, String)> =
            skillc_syntax::find_suppressions(&checked.sources)
                .into_iter()
                .flat_map(|s| {
                    let file = checked.sources.path(s.span.file).replacen(&prefix, "", 1);
                    s.rules
                        .into_iter()
                        .map(move |(rule, _)| (file.clone(), rule))
                })
                .collect();
        suppressed.sort();
        let intended: Vec<(String, String)> = INTENDED
            .iter()
            .filter(|(file, _)| paths.iter().any(|p| file.starts_with(&format!("{p}/"))))
            .map(|(file, rule)| ((*file).to_owned(), (*rule).to_owned()))
            .collect();
        assert_eq!(suppressed, intended, "{paths:?}");
        assert_eq!(
            checked.summary.suppressed,
            intended.len(),
            "{paths:?}: each suppression silences its finding"
        );
    }
}

#[test]
fn a_cycle_across_files_labels_each_edge_in_its_own_file() {
    let family =
        "family: { name: demo, version: 1.0.0, description: Demo., label_prefix: org.example }
skills:
  not-ready:
    title: A service does not answer
    severity: medium
    applies_to: { scopes: [session] }
    detect: '!ready(service)'
    remediate:
      - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
policy:
  rules:
    - { match: {}, outcome: confirm }
";
    let back = format!(
        "services:\n{}",
        service("db", "L3", "session", "    wants: [web]\n")
    );
    let front = format!(
        "services:\n{}{}",
        service("web", "L3", "session", "    requires: [api]\n"),
        service("api", "L3", "session", "    requires: [db]\n")
    );
    let dir = tree(&[
        ("fam/family.yaml", family),
        ("fam/services/back.yaml", &back),
        ("fam/services/front.yaml", &front),
    ]);
    let run = skillc(&["check", "--format", "human", "fam"], dir.path());
    assert_eq!(run.code, 1, "{}", run.stdout);
    for line in [
        "× dependency cycle: api → db → web → api",
        "╭─[fam/services/front.yaml:",
        "☞ `db` wants `web` (in fam/services/back.yaml)",
        "╭─[fam/services/back.yaml:7:13]",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
}

#[test]
fn a_generic_family_checked_alone_has_unreachable_skills_only() {
    let (code, json) = check_json(&repo(), &["skills/launchd-doctor"]);
    let found = codes(&json);
    assert!(!found.is_empty());
    assert!(found.iter().all(|c| c == "unreachable-skill"), "{found:?}");
    assert_eq!(code, 0, "warnings only");
}

const SKILL_AND_POLICY: &str = "
skills:
  not-ready:
    title: A service does not answer
    severity: medium
    applies_to: { scopes: [daemon, session] }
    detect: '!ready(service)'
    remediate:
      - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
policy:
  rules:
    - { match: {}, outcome: confirm }
";

#[test]
fn a_cycle_through_two_families_is_reported_once_with_every_edge() {
    let a = format!(
        "family: {{ name: a, version: 1.0.0, description: Family a., label_prefix: org.a, imports: [b] }}
services:
  db:
    description: Database.
    layer: L2
    scope: session
    run: {{ program: /usr/local/bin/db }}
    wants: [b/web]
    readiness: {{ probe: 'tcp(\"127.0.0.1:5432\")' }}
  api:
    description: API.
    layer: L2
    scope: session
    run: {{ program: /usr/local/bin/api }}
    requires: [db]
    readiness: {{ probe: 'tcp(\"127.0.0.1:8081\")' }}
{SKILL_AND_POLICY}"
    );
    let b = "family: { name: b, version: 1.0.0, description: Family b., label_prefix: org.b, imports: [a] }
services:
  web:
    description: Web.
    layer: L2
    scope: session
    run: { program: /usr/local/bin/web }
    requires: [a/api]
    readiness: { probe: 'tcp(\"127.0.0.1:8080\")' }
";
    let dir = tree(&[("a/family.yaml", &a), ("b/family.yaml", b)]);
    let (code, json) = check_rules(dir.path(), &["a", "b"], &["dependency-cycle"]);
    assert_eq!(codes(&json), vec!["dependency-cycle"], "{json:#}");
    assert_eq!(code, 1);
    let d = &diags(&json)[0];
    assert_eq!(
        d["message"], "dependency cycle: a/api → a/db → b/web → a/api",
        "the whole cycle, from the first service by name"
    );
    assert_eq!(
        places(d),
        vec![
            ("a/family.yaml".to_owned(), 8),
            ("a/family.yaml".to_owned(), 15),
            ("b/family.yaml".to_owned(), 8),
        ],
        "a label at every edge, in both families"
    );
}

#[test]
fn two_separate_cycles_are_two_findings_and_a_self_loop_is_its_own_rule() {
    let svc = |id: &str, deps: &str| {
        format!(
            "  {id}:\n    description: {id}.\n    layer: L2\n    scope: daemon\n    run: {{ program: /usr/local/bin/{id} }}\n    requires: [{deps}]\n    readiness: {{ probe: 'tcp(\"127.0.0.1:1\")' }}\n"
        )
    };
    let yaml = format!(
        "family: {{ name: demo, version: 1.0.0, description: Demo., label_prefix: org.example }}\nservices:\n{}{}{}{}{}{SKILL_AND_POLICY}",
        svc("a", "b"),
        svc("b", "a"),
        svc("c", "d"),
        svc("d", "c"),
        svc("e", "e"),
    );
    let dir = tree(&[("fam/family.yaml", &yaml)]);
    let (_, json) = check_rules(
        dir.path(),
        &["fam"],
        &["dependency-cycle", "self-dependency"],
    );
    let cycles: Vec<&str> = of(&json, "dependency-cycle")
        .iter()
        .map(|d| d["message"].as_str().expect("message"))
        .collect();
    assert_eq!(
        cycles,
        vec!["dependency cycle: a → b → a", "dependency cycle: c → d → c"]
    );
    assert_eq!(of(&json, "self-dependency").len(), 1);
    assert_eq!(diags(&json).len(), 3, "{json:#}");
}

/// A family with the given services (YAML under `services:`) and a skill covering them all.
fn family(services: &str) -> String {
    format!(
        "family: {{ name: demo, version: 1.0.0, description: Demo., label_prefix: org.example }}\nservices:\n{services}{SKILL_AND_POLICY}"
    )
}

fn service(id: &str, layer: &str, scope: &str, deps: &str) -> String {
    format!(
        "  {id}:\n    description: {id}.\n    layer: {layer}\n    scope: {scope}\n    run: {{ program: /usr/local/bin/{id} }}\n{deps}    readiness: {{ probe: 'tcp(\"127.0.0.1:1\")' }}\n"
    )
}

/// (from layer, from scope, dependency kind, to layer, to scope, expected codes)
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

#[test]
fn layer_and_scope_edge_cases() {
    let cases: &[Case] = &[
        ("L1", "daemon", "requires", "L1", "daemon", &[]),
        ("L2", "daemon", "requires", "L1", "daemon", &[]),
        ("L3", "session", "requires", "L1", "daemon", &[]),
        ("L3", "session", "wants", "L3", "session", &[]),
        (
            "L1",
            "daemon",
            "requires",
            "L2",
            "daemon",
            &["layer-violation"],
        ),
        (
            "L1",
            "daemon",
            "wants",
            "L3",
            "daemon",
            &["layer-violation"],
        ),
        (
            "L2",
            "session",
            "wants",
            "L3",
            "session",
            &["layer-violation"],
        ),
        (
            "L3",
            "daemon",
            "requires",
            "L3",
            "session",
            &["scope-violation"],
        ),
        (
            "L3",
            "daemon",
            "wants",
            "L3",
            "session",
            &["scope-violation"],
        ),
        (
            "L1",
            "daemon",
            "requires",
            "L3",
            "session",
            &["layer-violation", "scope-violation"],
        ),
    ];
    for (fl, fs, kind, tl, ts, want) in cases {
        let yaml = family(&format!(
            "{}{}",
            service("from", fl, fs, &format!("    {kind}: [to]\n")),
            service("to", tl, ts, "")
        ));
        let dir = tree(&[("fam/family.yaml", &yaml)]);
        let (code, json) = check_rules(
            dir.path(),
            &["fam"],
            &["layer-violation", "scope-violation"],
        );
        let mut found = codes(&json);
        found.sort();
        assert_eq!(found, *want, "{fl} {fs} {kind} {tl} {ts}");
        assert_eq!(code, i32::from(!want.is_empty()));
        for d in diags(&json) {
            // Primary at the dependency entry (line 8), label at the target's layer or scope.
            assert_eq!(d["line"], 8, "{d:#}");
            assert_eq!(d["labels"].as_array().expect("labels").len(), 1);
        }
    }
}

#[test]
fn missing_readiness_counts_only_hard_dependencies() {
    let bare = "  db:\n    description: db.\n    layer: L2\n    scope: daemon\n    run: { program: /usr/local/bin/db }\n";
    let verify_running = SKILL_AND_POLICY.replace(
        "detect: '!ready(service)'",
        "detect: '!running(service)'\n    verify: 'running(service)'",
    );
    for (deps, want) in [("    wants: [db]\n", 0), ("    requires: [db]\n", 1)] {
        let yaml = format!(
            "family: {{ name: demo, version: 1.0.0, description: Demo., label_prefix: org.example }}\nservices:\n{bare}{}{}{verify_running}",
            service("api", "L2", "daemon", deps),
            service("web", "L3", "daemon", deps),
        );
        let dir = tree(&[("fam/family.yaml", &yaml)]);
        let (_, json) = check_rules(dir.path(), &["fam"], &["missing-readiness"]);
        assert_eq!(codes(&json).len(), want, "{deps}: {json:#}");
        if want == 1 {
            let d = &diags(&json)[0];
            assert_eq!(d["code"], "missing-readiness");
            assert_eq!(d["line"], 3, "primary at the service key");
            assert_eq!(
                d["labels"].as_array().expect("labels").len(),
                2,
                "one label per requiring entry"
            );
        }
    }
}

/// A policy with only `read_only`, `reversible` and `destructive` rules, and a skill with one
/// step of each risk applied to an L3 session agent, an L1 session service and an L2 daemon.
#[test]
fn effective_risk_is_raised_once_for_daemons_and_l1() {
    let yaml = format!(
        "family: {{ name: demo, version: 1.0.0, description: Demo., label_prefix: org.example }}
services:
{}{}{}skills:
  fix:
    title: Fix it
    severity: medium
    applies_to: {{ scopes: [daemon, session] }}
    detect: '!ready(service)'
    diagnose:
      - {{ id: show, action: launchctl.print, with: {{ target: service }} }}
      - {{ id: wait-box, action: wait.ready, with: {{ target: box, timeout: 1m }} }}
    remediate:
      - {{ id: enable, action: launchctl.enable, with: {{ target: service }} }}
      - {{ id: wipe, action: fs.remove, with: {{ path: /tmp/cache }} }}
policy:
  rules:
    - {{ match: {{ risk: read_only }}, outcome: auto }}
    - {{ match: {{ risk: reversible }}, outcome: auto }}
    - {{ match: {{ risk: destructive }}, outcome: deny }}
",
        service("agent", "L3", "session", ""),
        service("core", "L1", "session", ""),
        service("box", "L2", "daemon", ""),
    );
    let dir = tree(&[("fam/family.yaml", &yaml)]);
    let (code, json) = check_rules(dir.path(), &["fam"], &["policy-uncovered"]);
    assert_eq!(codes(&json), vec!["policy-uncovered"], "{json:#}");
    assert_eq!(code, 1);
    let msg = diags(&json)[0]["message"].as_str().expect("message");
    // read_only `show` on core/box is reversible (covered); `wait-box` targets the daemon box
    // (reversible, covered); `wipe` stays destructive (never above); `enable` is raised to
    // disruptive on core (L1) and box (daemon), and stays reversible on agent.
    assert!(msg.contains("step `enable`"), "{msg}");
    assert!(msg.contains("on 2 services"), "{msg}");
    assert!(
        msg.contains("`core` (effective risk `disruptive`, raised from `reversible`; L1 session)"),
        "{msg}"
    );
    assert!(
        msg.contains("`box` (effective risk `disruptive`, raised from `reversible`; L2 daemon)"),
        "{msg}"
    );
    assert!(!msg.contains("`agent`"), "{msg}");
}

#[test]
fn the_target_family_policy_governs_else_the_skill_family_policy() {
    let lib =
        "family: { name: lib, version: 1.0.0, description: Generic skills., label_prefix: org.lib }
skills:
  restart:
    title: Restart
    severity: medium
    applies_to: { scopes: [session] }
    detect: '!ready(service)'
    remediate:
      - { id: kick, action: launchctl.kickstart, with: { target: service, kill: true } }
policy:
  rules:
    - { match: {}, outcome: confirm }
";
    let app = |policy: &str| {
        format!(
            "family: {{ name: app, version: 1.0.0, description: App., label_prefix: org.app, imports: [lib] }}
services:
{}{policy}",
            service("web", "L3", "session", "")
        )
    };
    // No policy in app: lib's policy governs lib's skill on app's service.
    let dir = tree(&[("lib/family.yaml", lib), ("app/family.yaml", &app(""))]);
    let (code, json) = check_rules(dir.path(), &["lib", "app"], &["policy-uncovered"]);
    assert_eq!(codes(&json), Vec::<String>::new(), "{json:#}");
    assert_eq!(code, 0);
    // app's own policy governs, and it has no disruptive rule.
    let own = "policy:\n  rules:\n    - { match: { risk: read_only }, outcome: auto }\n";
    let dir = tree(&[("lib/family.yaml", lib), ("app/family.yaml", &app(own))]);
    let (_, json) = check_rules(dir.path(), &["lib", "app"], &["policy-uncovered"]);
    assert_eq!(codes(&json), vec!["policy-uncovered"], "{json:#}");
    let d = &diags(&json)[0];
    assert_eq!(d["file"], "lib/family.yaml");
    assert_eq!(
        d["labels"][0]["file"], "app/family.yaml",
        "the governing policy"
    );
}

fn policy_family(rules: &str) -> String {
    format!(
        "family: {{ name: demo, version: 1.0.0, description: Demo., label_prefix: org.example }}
services:
{}skills:
  fix:
    title: Fix it
    severity: medium
    applies_to: {{ services: [web] }}
    detect: '!ready(service)'
    remediate:
      - {{ id: note, action: notify, with: {{ message: hello }} }}
policy:
  rules:
    - {{ match: {{}}, outcome: confirm }}
{rules}",
        service("web", "L3", "session", "")
    )
}

#[test]
fn policy_ambiguity_needs_equal_specificity_an_overlap_and_no_more_specific_rule() {
    let cases: &[(&str, usize)] = &[
        // Equal specificity, overlapping (risk+scope vs risk+layer), different outcomes.
        (
            "    - { match: { risk: disruptive, scope: session }, outcome: confirm }\n    - { match: { risk: disruptive, layer: L3 }, outcome: auto }\n",
            1,
        ),
        // Same outcome: no conflict.
        (
            "    - { match: { risk: disruptive, scope: session }, outcome: auto }\n    - { match: { risk: disruptive, layer: L3 }, outcome: auto }\n",
            0,
        ),
        // Disjoint: different scopes.
        (
            "    - { match: { risk: disruptive, scope: session }, outcome: confirm }\n    - { match: { risk: disruptive, scope: daemon }, outcome: auto }\n",
            0,
        ),
        // Different specificity: the more specific one wins.
        (
            "    - { match: { risk: disruptive }, outcome: confirm }\n    - { match: { risk: disruptive, layer: L3 }, outcome: auto }\n",
            0,
        ),
        // A more specific rule settles the overlap.
        (
            "    - { match: { risk: disruptive, scope: session }, outcome: confirm }\n    - { match: { risk: disruptive, layer: L3 }, outcome: auto }\n    - { match: { risk: disruptive, layer: L3, scope: session }, outcome: auto }\n",
            0,
        ),
        // Overlap only on read_only daemons, which never happens (read_only is raised there).
        (
            "    - { match: { risk: read_only, scope: daemon }, outcome: auto }\n    - { match: { risk: read_only, layer: L2 }, outcome: deny }\n",
            0,
        ),
        // Approvals differ by count: different outcomes.
        (
            "    - { match: { risk: destructive, layer: L1 }, outcome: { approve: { count: 1, roles: [ops] } } }\n    - { match: { risk: destructive, scope: daemon }, outcome: { approve: { count: 2, roles: [ops] } } }\n",
            1,
        ),
        // Two identical keys with different outcomes.
        (
            "    - { match: { risk: reversible }, outcome: auto }\n    - { match: { risk: reversible }, outcome: deny }\n",
            1,
        ),
    ];
    for (rules, want) in cases {
        let mut yaml = policy_family(rules);
        yaml = yaml.replace("policy:\n", "policy:\n  roles:\n    ops: [alice, bob]\n");
        let dir = tree(&[("fam/family.yaml", &yaml)]);
        let (_, json) = check_rules(dir.path(), &["fam"], &["policy-ambiguous"]);
        let found = codes(&json);
        assert!(
            found.iter().all(|c| c == "policy-ambiguous"),
            "{rules}: {found:?}"
        );
        assert_eq!(found.len(), *want, "{rules}: {json:#}");
        for d in diags(&json) {
            assert_eq!(
                d["labels"].as_array().expect("labels").len(),
                1,
                "both rules"
            );
        }
    }
}

#[test]
fn privilege_escalation_allows_read_only_looks_at_daemons() {
    let yaml = |step: &str| {
        format!(
            "family: {{ name: demo, version: 1.0.0, description: Demo., label_prefix: org.example }}
services:
{}{}skills:
  fix:
    title: Fix it
    severity: medium
    applies_to: {{ scopes: [session] }}
    detect: '!ready(service)'
    remediate:
      - {step}
  store-fix:
    title: Fix the store
    severity: medium
    applies_to: {{ scopes: [daemon] }}
    detect: '!ready(service)'
    remediate:
      - {{ id: kick, action: launchctl.kickstart, with: {{ target: service }} }}
policy:
  rules:
    - {{ match: {{}}, outcome: confirm }}
",
            service("store", "L2", "daemon", ""),
            service("agent", "L3", "session", "    requires: [store]\n"),
        )
    };
    for (step, want) in [
        (
            "{ id: look, action: launchctl.print, with: { target: store } }",
            0,
        ),
        (
            "{ id: wait, action: wait.ready, with: { target: store, timeout: 1m } }",
            0,
        ),
        (
            "{ id: own, action: launchctl.kickstart, with: { target: service } }",
            0,
        ),
        (
            "{ id: enable, action: launchctl.enable, with: { target: store } }",
            1,
        ),
        (
            "{ id: chown, action: fs.chown, with: { path: /tmp/x, owner: root } }",
            1,
        ),
    ] {
        let dir = tree(&[("fam/family.yaml", &yaml(step))]);
        let (_, json) = check_rules(dir.path(), &["fam"], &["privilege-escalation"]);
        let found = codes(&json);
        assert!(
            found.iter().all(|c| c == "privilege-escalation"),
            "{step}: {found:?}"
        );
        assert_eq!(found.len(), want, "{step}: {json:#}");
    }
}

/// 10,000 services in one family: a chain `s0 ← s1 ← … ← s9999` (each requires the previous
/// one), layers rising along the chain, every 1000th service (from s500) without readiness, and
/// a `wants` edge from s0 back to the last service that closes one huge cycle.
#[test]
fn ten_thousand_services_in_a_chain() {
    const N: usize = 10_000;
    let mut yaml = String::from(
        "family: { name: big, version: 1.0.0, description: Many services., label_prefix: org.big }\nservices:\n",
    );
    for i in 0..N {
        let layer = match i * 3 / N {
            0 => "L1",
            1 => "L2",
            _ => "L3",
        };
        yaml.push_str(&format!(
            "  s{i}:\n    description: Service {i}.\n    layer: {layer}\n    scope: daemon\n    run: {{ program: /usr/local/bin/s{i} }}\n"
        ));
        if i > 0 {
            yaml.push_str(&format!("    requires: [s{}]\n", i - 1));
        }
        if i == 0 {
            yaml.push_str(&format!("    wants: [s{}]\n", N - 1));
        }
        if i % 1000 != 500 {
            yaml.push_str("    readiness: { probe: 'tcp(\"127.0.0.1:1\")' }\n");
        }
    }
    yaml.push_str(
        "skills:
  not-running:
    title: Not running
    severity: medium
    applies_to: { scopes: [daemon] }
    detect: '!running(service)'
    remediate:
      - { id: kick, action: launchctl.kickstart, with: { target: service } }
    verify: 'running(service)'
policy:
  rules:
    - { match: {}, outcome: confirm }
",
    );
    let dir = tree(&[("big/family.yaml", &yaml)]);
    let started = std::time::Instant::now();
    let (code, json) = check_rules(
        dir.path(),
        &["big"],
        &["layer-violation", "dependency-cycle", "missing-readiness"],
    );
    eprintln!(
        "10k services: {} findings in {:?}",
        diags(&json).len(),
        started.elapsed()
    );
    assert_eq!(code, 1);

    // s0 (L1) wants s9999 (L3): one layer violation.
    let layer = of(&json, "layer-violation");
    assert_eq!(layer.len(), 1);
    assert!(
        layer[0]["message"]
            .as_str()
            .expect("message")
            .starts_with("L1 service `s0` wants `s9999`")
    );

    // One cycle through all 10,000 services, its message shortened, its labels capped.
    let cycle = of(&json, "dependency-cycle");
    assert_eq!(cycle.len(), 1);
    assert_eq!(
        cycle[0]["message"],
        "dependency cycle: s0 → s9999 → s9998 → s9997 → s9996 → s9995 → … 9992 more … → s2 → s1 → s0 (a cycle of 10000 services)"
    );
    assert_eq!(cycle[0]["labels"].as_array().expect("labels").len(), 64);
    assert_eq!(
        cycle[0]["notes"][0],
        "9935 more dependencies inside the cycle are not labelled"
    );

    // s500, s1500, … s9500 lack readiness and are each required by the next service.
    let missing: Vec<&str> = of(&json, "missing-readiness")
        .iter()
        .map(|d| d["message"].as_str().expect("message"))
        .collect();
    assert_eq!(missing.len(), 10);
    for (k, m) in missing.iter().enumerate() {
        let i = 1000 * k + 500;
        assert_eq!(
            *m,
            format!(
                "`s{i}` declares no readiness, but 1 service requires it: `s{}`",
                i + 1
            )
        );
    }
    assert_eq!(diags(&json).len(), 12, "nothing else");
}

/// A readiness budget too large for a duration is said to be so, not printed as a saturated
/// number as if it were exact.
#[test]
fn a_readiness_budget_beyond_any_duration_is_not_printed_as_exact() {
    let dir = common::tree(&[(
        "fam/family.yaml",
        "family:\n  name: fam\n  version: 1.0.0\n  description: A family.\n  label_prefix: org.example\n\
services:\n  api:\n    description: The API.\n    layer: L3\n    scope: session\n\
\x20   run: { program: /usr/local/bin/api, start_timeout: 60s }\n\
\x20   readiness: { probe: 'tcp(\"127.0.0.1:8080\")', interval: 2000000000000h, retries: 4000000000 }\n",
    )]);
    let (_, json) = check_rules(dir.path(), &["fam"], &["readiness-timing"]);
    let found = of(&json, "readiness-timing");
    assert_eq!(found.len(), 1, "{json:#}");
    let m = found[0]["message"].as_str().expect("message");
    assert!(m.contains("= more than any duration)"), "{m}");
    assert_eq!(found[0]["help"], "lower `retries` or `interval`");
}
