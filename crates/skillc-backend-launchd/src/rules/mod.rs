//! The `launchd-*` analyzer rules, one per file; each file holds the rule's `skillc explain` page
//! and its check.

mod agent_only_key;
mod agent_system_session;
mod argv0_gate;
mod bus_not_registered;
mod daemon_only_key;
mod deprecated_key;
mod discouraged_key;
mod exit_timeout_zero;
mod for_user_invalid;
mod gate_unidentified;
mod hide_until_check_in;
mod inetd_without_sockets;
mod init_groups_without_user;
mod keepalive_empty;
mod keepalive_schedule;
mod key_conflict;
mod label_invalid;
mod legacy_timers_process_type;
mod mach_service_conflict;
mod mach_service_false;
mod never_starts;
mod nice_needs_root;
mod pressured_exit_keep_alive;
mod probe_unsupported;
mod raw_key;
mod raw_key_type;
mod relative_path;
mod run_at_load_implied;
mod socket_invalid;
mod soft_above_hard;
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
    Check::new(&for_user_invalid::FOR_USER_INVALID, for_user_invalid::check),
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
    Check::new(&socket_invalid::SOCKET_INVALID, socket_invalid::check),
    Check::new(
        &inetd_without_sockets::INETD_WITHOUT_SOCKETS,
        inetd_without_sockets::check,
    ),
    Check::new(
        &mach_service_false::MACH_SERVICE_FALSE,
        mach_service_false::check,
    ),
    Check::new(
        &mach_service_conflict::MACH_SERVICE_CONFLICT,
        mach_service_conflict::check,
    ),
    Check::new(
        &bus_not_registered::BUS_NOT_REGISTERED,
        bus_not_registered::check,
    ),
    Check::new(&argv0_gate::ARGV0_GATE, argv0_gate::check),
    Check::new(
        &gate_unidentified::GATE_UNIDENTIFIED,
        gate_unidentified::check,
    ),
    Check::new(&soft_above_hard::SOFT_ABOVE_HARD, soft_above_hard::check),
    Check::new(&keepalive_empty::KEEPALIVE_EMPTY, keepalive_empty::check),
    Check::new(
        &run_at_load_implied::RUN_AT_LOAD_IMPLIED,
        run_at_load_implied::check,
    ),
    Check::new(&never_starts::NEVER_STARTS, never_starts::check),
    Check::new(&nice_needs_root::NICE_NEEDS_ROOT, nice_needs_root::check),
    Check::new(
        &init_groups_without_user::INIT_GROUPS_WITHOUT_USER,
        init_groups_without_user::check,
    ),
    Check::new(
        &agent_system_session::AGENT_SYSTEM_SESSION,
        agent_system_session::check,
    ),
    Check::new(
        &pressured_exit_keep_alive::PRESSURED_EXIT_KEEP_ALIVE,
        pressured_exit_keep_alive::check,
    ),
    Check::new(
        &exit_timeout_zero::EXIT_TIMEOUT_ZERO,
        exit_timeout_zero::check,
    ),
    Check::new(
        &hide_until_check_in::HIDE_UNTIL_CHECK_IN,
        hide_until_check_in::check,
    ),
    Check::new(
        &legacy_timers_process_type::LEGACY_TIMERS_PROCESS_TYPE,
        legacy_timers_process_type::check,
    ),
    Check::new(&discouraged_key::DISCOURAGED_KEY, discouraged_key::check),
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
