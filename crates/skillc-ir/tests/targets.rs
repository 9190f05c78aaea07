//! Which services a skill applies to: its own family's and those of families importing it, never
//! a family that does not import it; `applies_to` narrows that, in service order.

use std::fs;
use std::path::PathBuf;

fn service(id: &str, layer: &str, tags: &str) -> String {
    format!(
        "  {id}:\n    description: {id}.\n    layer: {layer}\n    scope: session\n    tags: [{tags}]\n    run: {{ program: /usr/local/bin/{id} }}\n"
    )
}

fn family(name: &str, imports: &str, services: &[String]) -> String {
    format!(
        "family: {{ name: {name}, version: 1.0.0, description: Family {name}., label_prefix: org.{name}, imports: [{imports}] }}\nservices:\n{}",
        services.concat()
    )
}

const SKILLS: &str = "skills:
  any:
    title: Any service
    severity: low
    applies_to: {}
    detect: '!running(service)'
    remediate:
      - { id: start, action: launchctl.kickstart, with: { target: service } }
  tagged-l1:
    title: Tagged L1 services
    severity: low
    applies_to: { layers: [L1], tags: [db] }
    detect: '!running(service)'
    remediate:
      - { id: start, action: launchctl.kickstart, with: { target: service } }
policy:
  rules:
    - { match: {}, outcome: confirm }
";

#[test]
fn a_skill_reaches_its_family_and_its_importers_only() {
    let tmp = tempfile::tempdir().expect("tmp");
    let write = |rel: &str, text: &str| {
        let p = tmp.path().join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    };
    let lib = family("lib", "", &[service("cache", "L1", "db")]) + SKILLS;
    write("lib/family.yaml", &lib);
    // Declared before `lib` is reached in discovery order, so ids interleave across families.
    write(
        "app/family.yaml",
        &family(
            "app",
            "lib",
            &[
                service("store", "L1", "db"),
                service("web", "L3", "db"),
                service("queue", "L1", "mq"),
            ],
        ),
    );
    write(
        "other/family.yaml",
        &family("other", "", &[service("stray", "L1", "db")]),
    );
    let paths: Vec<PathBuf> = ["app", "lib", "other"]
        .iter()
        .map(|d| tmp.path().join(d))
        .collect();
    let loaded = skillc_syntax::load_paths(&paths);
    let (ir, diags) = skillc_ir::lower(&loaded);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    let names = |skill: &str| -> Vec<String> {
        let k = ir
            .skill_ids()
            .find(|&k| ir.skill(k).id.value == skill)
            .expect("skill");
        ir.skill(k)
            .targets
            .iter()
            .map(|&s| ir.service_name(s))
            .collect()
    };
    assert_eq!(
        names("any"),
        vec!["app/store", "app/web", "app/queue", "lib/cache"],
        "every service that sees `lib`, in service order; never `other`"
    );
    assert_eq!(names("tagged-l1"), vec!["app/store", "lib/cache"]);
}
