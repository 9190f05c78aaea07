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

pub use xml_illegal_char::xml_illegal;

pub(crate) use xml_illegal_char::findings as xml_findings;

use skillc_diagnostics::{Check, Diagnostic};
use skillc_ir::Ir;

/// A rule of this stage and the function that reports its findings.
pub(crate) type Rule = Check<fn(&Ir, &mut Vec<Diagnostic>)>;

/// Every launchd rule, in report order.
pub(crate) const ALL: &[Rule] = &[
    Check::new(&label_invalid::LABEL_INVALID, label_invalid::check),
    Check::new(&relative_path::RELATIVE_PATH, relative_path::check),
    Check::new(&daemon_only_key::DAEMON_ONLY_KEY, daemon_only_key::check),
    Check::new(&agent_only_key::AGENT_ONLY_KEY, agent_only_key::check),
    Check::new(&deprecated_key::DEPRECATED_KEY, deprecated_key::check),
    Check::new(&key_conflict::KEY_CONFLICT, key_conflict::check),
    Check::new(&unknown_key::UNKNOWN_KEY, unknown_key::check),
    Check::new(&raw_key_type::RAW_KEY_TYPE, raw_key_type::check),
    Check::new(&raw_key::RAW_KEY, raw_key::check),
    Check::new(&xml_illegal_char::XML_ILLEGAL_CHAR, xml_illegal_char::check),
    Check::new(&throttle_too_low::THROTTLE_TOO_LOW, throttle_too_low::check),
    Check::new(
        &keepalive_schedule::KEEPALIVE_SCHEDULE,
        keepalive_schedule::check,
    ),
    Check::new(
        &probe_unsupported::PROBE_UNSUPPORTED,
        probe_unsupported::check,
    ),
];

pub(crate) fn run_all(ir: &Ir, out: &mut Vec<Diagnostic>) {
    for rule in ALL {
        (rule.run)(ir, out);
    }
}
