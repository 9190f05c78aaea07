//! The fixed parts of the generated scripts, kept in `sh/*.sh` (each shellchecked on its own);
//! `sh/json_str.sh` (`skillc_json_str`) is in both. They read only variables the generated
//! header sets (all `SKILLC_*`) and never `eval`.

/// The fixed part of every remediation script, one file per concern: output, the audit record
/// and the end of a run, safe locations, the invoker and runners, process lifetimes (timeouts),
/// steps, file actions that never follow planted symbolic links, policy outcomes, the lock,
/// approvals and the gate, run-time value checks, options, `skillc_diag`, and the hand-over of
/// `on_failure: next`.
pub(crate) const RUNTIME: &str = concat!(
    include_str!("sh/output.sh"),
    "# skillc_json_str TEXT: TEXT as a JSON string (escapes \\, \", control characters).\n",
    include_str!("sh/json_str.sh"),
    include_str!("sh/audit.sh"),
    include_str!("sh/trust.sh"),
    include_str!("sh/process.sh"),
    include_str!("sh/steps.sh"),
    include_str!("sh/fs.sh"),
    include_str!("sh/policy.sh"),
    include_str!("sh/lock.sh"),
    include_str!("sh/approval.sh"),
    include_str!("sh/values.sh"),
    include_str!("sh/options.sh"),
    include_str!("sh/diagnose.sh"),
    include_str!("sh/next.sh"),
);

/// The first code every script runs: a clean environment (re-executed under `env -i`), a fixed
/// PATH, locale, IFS and umask; location overrides refused unless built for tests.
const ENVIRONMENT: &str = include_str!("sh/environment.sh");

/// `text` for a normal or a test build (see [`skillc_backend_support::build_variant`]).
pub(crate) fn variant(text: &str, options: crate::Options) -> String {
    skillc_backend_support::build_variant(text, options.test_build)
}

/// [`ENVIRONMENT`] for a normal or a test build.
pub(crate) fn environment(options: crate::Options) -> String {
    variant(ENVIRONMENT, options)
}

/// The start of every remediation script's main part, after its options: the platform check,
/// `--detect`, the temporary directory, traps and the audit log.
pub(crate) const MAIN_START: &str = include_str!("sh/main_start.sh");

/// The phases of every remediation script after its title: detect, diagnose, plan, then with
/// `--apply` lock, gate, apply and verify (up to the audit of a failed verification).
pub(crate) const MAIN_PHASES: &str = include_str!("sh/main_phases.sh");

/// The fixed part of every doctor: its options, then the functions that print the table.
pub(crate) const DOCTOR_RUNTIME: &str = concat!(
    include_str!("sh/doctor_options.sh"),
    "# skillc_json_str TEXT: TEXT as a JSON string.\n",
    include_str!("sh/json_str.sh"),
    include_str!("sh/doctor_report.sh"),
);
