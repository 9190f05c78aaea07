//! The `launchd-*` analyzer rules, one per file; each file holds the rule's `skillc explain` page
//! and its check.

mod agent_only_key;
mod daemon_only_key;
mod deprecated_key;
mod keepalive_schedule;
mod key_conflict;
mod label_invalid;
mod probe_unsupported;
mod raw_key;
mod raw_key_type;
mod relative_path;
mod throttle_too_low;
mod unknown_key;
mod xml_illegal_char;

pub use agent_only_key::AGENT_ONLY_KEY;
pub use daemon_only_key::DAEMON_ONLY_KEY;
pub use deprecated_key::DEPRECATED_KEY;
pub use keepalive_schedule::KEEPALIVE_SCHEDULE;
pub use key_conflict::KEY_CONFLICT;
pub use label_invalid::LABEL_INVALID;
pub use probe_unsupported::PROBE_UNSUPPORTED;
pub use raw_key::RAW_KEY;
pub use raw_key_type::RAW_KEY_TYPE;
pub use relative_path::RELATIVE_PATH;
pub use throttle_too_low::THROTTLE_TOO_LOW;
pub use unknown_key::UNKNOWN_KEY;
pub use xml_illegal_char::{XML_ILLEGAL_CHAR, xml_illegal};

pub(crate) use xml_illegal_char::findings as xml_findings;

use skillc_diagnostics::{Diagnostic, RuleInfo};
use skillc_ir::Ir;

/// Every launchd rule, in report order.
pub const RULES: &[RuleInfo] = &[
    LABEL_INVALID,
    RELATIVE_PATH,
    DAEMON_ONLY_KEY,
    AGENT_ONLY_KEY,
    DEPRECATED_KEY,
    KEY_CONFLICT,
    UNKNOWN_KEY,
    RAW_KEY_TYPE,
    RAW_KEY,
    XML_ILLEGAL_CHAR,
    THROTTLE_TOO_LOW,
    KEEPALIVE_SCHEDULE,
    PROBE_UNSUPPORTED,
];

pub(crate) fn run_all(ir: &Ir, out: &mut Vec<Diagnostic>) {
    label_invalid::check(ir, out);
    relative_path::check(ir, out);
    daemon_only_key::check(ir, out);
    agent_only_key::check(ir, out);
    deprecated_key::check(ir, out);
    key_conflict::check(ir, out);
    unknown_key::check(ir, out);
    raw_key_type::check(ir, out);
    raw_key::check(ir, out);
    xml_illegal_char::check(ir, out);
    throttle_too_low::check(ir, out);
    keepalive_schedule::check(ir, out);
    probe_unsupported::check(ir, out);
}
