//! One golden file per shape of generated script: a remediation script of each distinct shape and
//! the doctor, from the shipped families (foundation-core, which imports launchd-doctor). Each
//! entry names the text that makes it that shape, so a golden file cannot silently drift into
//! another shape.

mod common;

/// (snapshot name, output path, a line that shows the shape).
const SHAPES: &[(&str, &str, &str)] = &[
    (
        "auto",
        "foundation-core/remediate/foundation-core--stale-bus-owner--session-agent.sh",
        "# step `start`: launchctl.kickstart on foundation-core/session-agent (disruptive); policy: auto;",
    ),
    (
        "read-only-notify",
        "foundation-core/remediate/launchd-doctor--tcc-denied--bus.sh",
        "# step `ask-for-access`: notify on foundation-core/bus (read_only, reversible on this target); policy: auto;",
    ),
    (
        "confirm-imported",
        "foundation-core/remediate/launchd-doctor--job-disabled--control-api.sh",
        "# step `enable`: launchctl.enable on foundation-core/control-api (reversible, disruptive on this target); policy: confirm;",
    ),
    (
        "approve-2-of-n",
        "foundation-core/remediate/foundation-core--log-volume-full--bus.sh",
        "# step `drop-archive`: fs.remove on foundation-core/bus (destructive); policy: approve (2 of: alice, bob, carol);",
    ),
    (
        "parallel-and-loop",
        "foundation-core/remediate/foundation-core--dependency-not-ready-at-boot--session-agent.sh",
        "# parallel `wait-foundation`: background jobs, all awaited",
    ),
    (
        "required-params",
        "foundation-core/remediate/launchd-doctor--port-in-use--mobile-gateway.sh",
        "# Run-time parameters (required: --param NAME=VALUE):",
    ),
    (
        "on-failure-next",
        "foundation-core/remediate/launchd-doctor--not-loaded--control-api.sh",
        "# On verification failure: next: try skill launchd-doctor/bootstrap-io-error.",
    ),
    (
        "doctor",
        "foundation-core/doctor.sh",
        "# skillc doctor of family foundation-core 1.1.0:",
    ),
];

#[test]
fn one_golden_script_per_shape() {
    let ir = common::shipped();
    let planned = skillc_backend_scripts::plan(&ir);
    for (name, path, shape) in SHAPES {
        let file = planned
            .iter()
            .find(|f| f.path == *path)
            .unwrap_or_else(|| panic!("no output file {path}"));
        let text = String::from_utf8(file.render()).expect("utf-8");
        assert!(
            text.lines().any(|l| l.starts_with(shape)),
            "{path} no longer has the shape `{name}`: no line starting `{shape}`"
        );
        insta::with_settings!({ description => *path, omit_expression => true }, {
            insta::assert_snapshot!(*name, text);
        });
    }
}
