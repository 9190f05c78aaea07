//! `skillc catalog`, and the README's failure-mode table that it generates.

use crate::common;

use common::{repo, skillc};

#[test]
fn readme_failure_mode_table_is_fresh() {
    let run = skillc(&["catalog", "skills"], &repo());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README");
    let begin = readme
        .find("<!-- catalog:begin -->\n")
        .expect("begin marker")
        + "<!-- catalog:begin -->\n".len();
    let end = readme.find("<!-- catalog:end -->").expect("end marker");
    assert!(
        readme[begin..end] == run.stdout,
        "the README's failure-mode table is stale: replace it with the output of `cargo run -- catalog skills`"
    );
}

#[test]
fn lists_every_skill_with_risk_and_approval() {
    let run = skillc(
        &["catalog", "--format", "json", "skills", "examples/minimal"],
        &repo(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let rows = rows.as_array().expect("array");
    assert!(rows.len() >= 30, "{} failure modes", rows.len());
    let minimal = rows
        .iter()
        .find(|r| r["skill"] == "minimal/restart-when-unhealthy")
        .expect("minimal skill");
    // minimal's policy: disruptive steps need confirmation; its service is an L3 session agent.
    assert_eq!(minimal["highest_risk"], "disruptive");
    assert_eq!(minimal["strictest_approval"], "confirm");
    assert_eq!(minimal["services"], 1);
    for r in rows {
        assert_ne!(r["strictest_approval"], "uncovered", "{r}");
    }
}
