//! Exit codes of every script skillc generates: remediation scripts and doctors (script
//! backend), readiness gates and `install.sh` / `uninstall.sh` (launchd backend).
//!
//! One code means one thing in every script; the numbers are sysexits(3) codes where one fits.
//! `docs/exit-codes.md` documents them per script and a test keeps it
//! in step with this module. The exit codes of `skillc` itself are the CLI's (`src/exit.rs`).

/// Done: healthy, fixed, plan printed, installed; the doctor found every service ready.
pub const OK: i32 = 0;
/// A remediation script's `--detect`: the failure is not present. A doctor: some service is not
/// ready or a failure mode is present.
pub const NOT_OK: i32 = 1;
/// A remediation ran (or a step failed) and `verify` does not hold: escalate.
pub const VERIFY_FAILED: i32 = 3;
/// EX_USAGE: bad invocation; a gate was given no program to exec.
pub const USAGE: i32 = 64;
/// EX_DATAERR: a `--param` value has the wrong form.
pub const DATAERR: i32 = 65;
/// EX_NOUSER: the user a per-user agent is installed for does not exist (install.sh).
pub const NOUSER: i32 = 67;
/// EX_UNAVAILABLE: a tool is missing (`launchctl`, `openssl`), or not macOS.
pub const UNAVAILABLE: i32 = 69;
/// EX_SOFTWARE: the script could not be generated correctly (`check` reported an error that was
/// ignored), or an installer cannot find its own directory.
pub const SOFTWARE: i32 = 70;
/// EX_CANTCREAT: cannot write the audit log, state, lock, or an installed file.
pub const CANTCREAT: i32 = 73;
/// EX_TEMPFAIL, retry later: another remediation holds the target's lock; a gate's dependency
/// was not ready within its budget (launchd starts the job again); launchctl failed.
pub const TEMPFAIL: i32 = 75;
/// EX_NOPERM: denied, not confirmed, approvals missing or invalid; an installer not run as root.
pub const NOPERM: i32 = 77;
/// EX_CONFIG: an installed property list is invalid; a remediation script's state, lock or audit
/// location is unsafe (a symbolic link, owned by someone else, writable by others), or its
/// environment cannot be made clean.
pub const CONFIG: i32 = 78;
