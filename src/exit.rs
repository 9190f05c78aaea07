//! Exit codes of `skillc` (documented in the README).

/// No error-level finding.
pub const OK: u8 = 0;
/// At least one finding at or above the `fail-on` level.
pub const FINDINGS: u8 = 1;
/// Bad command line, unreadable input path, bad configuration.
pub const USAGE: u8 = 2;
/// A bug in skillc.
pub const INTERNAL: u8 = 3;
