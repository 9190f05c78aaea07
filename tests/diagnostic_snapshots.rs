//! The human rendering of every rule, snapshotted from the rule page's Bad example (input and
//! output side by side), plus the multi-file acceptance corpus. Review `.snap` diffs by eye.

mod common;

use common::{skillc, tree};

fn bad_example(id: &str) -> Option<String> {
    let page = skillc(&["explain", id], &common::repo()).stdout;
    let after = &page[page.find("## Bad")? + 6..];
    let body = &after[..after.find("\n## ").unwrap_or(after.len())];
    let start = body.find("```yaml\n")? + 8;
    let end = start + body[start..].find("```")?;
    Some(body[start..end].to_owned())
}

#[test]
fn every_rule_renders_readably() {
    let list = skillc(&["explain", "--list"], &common::repo()).stdout;
    for id in list.lines().filter_map(|l| l.split_whitespace().next()) {
        let Some(input) = bad_example(id) else {
            continue;
        };
        let dir = tree(&[("fam/family.yaml", &input)]);
        let run = skillc(&["check", "--format", "human", "fam"], dir.path());
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(id);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| {
            insta::assert_snapshot!(
                "rule",
                format!(
                    "# Input: fam/family.yaml\n{input}\n# skillc check fam (exit {})\n{}",
                    run.code, run.stdout
                )
            );
        });
    }
}
