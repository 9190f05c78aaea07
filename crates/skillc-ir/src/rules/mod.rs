//! Rules reported while building the IR. One rule per file; the doc comment is the rule's page.

mod action_argument;
mod duplicate_id;
mod invalid_duration;
mod invalid_env_name;
mod invalid_id;
mod invalid_placeholder;
mod invalid_schedule;
mod invalid_step;
mod invalid_umask;
mod invalid_version;
mod missing_label;
mod unquoted_scalar;
mod unresolved_reference;
mod unused_param;

pub use action_argument::ACTION_ARGUMENT;
pub use duplicate_id::DUPLICATE_ID;
pub use invalid_duration::INVALID_DURATION;
pub use invalid_env_name::INVALID_ENV_NAME;
pub use invalid_id::INVALID_ID;
pub use invalid_placeholder::INVALID_PLACEHOLDER;
pub use invalid_schedule::INVALID_SCHEDULE;
pub use invalid_step::INVALID_STEP;
pub use invalid_umask::INVALID_UMASK;
pub use invalid_version::INVALID_VERSION;
pub use missing_label::MISSING_LABEL;
pub use unquoted_scalar::UNQUOTED_SCALAR;
pub(crate) use unquoted_scalar::reading_of;
pub use unresolved_reference::UNRESOLVED_REFERENCE;
pub use unused_param::UNUSED_PARAM;

/// Every rule of the lowering stage.
pub const RULES: &[skillc_diagnostics::RuleInfo] = &[
    DUPLICATE_ID,
    UNRESOLVED_REFERENCE,
    INVALID_ID,
    INVALID_DURATION,
    INVALID_ENV_NAME,
    INVALID_STEP,
    ACTION_ARGUMENT,
    INVALID_SCHEDULE,
    INVALID_PLACEHOLDER,
    INVALID_UMASK,
    UNQUOTED_SCALAR,
    UNUSED_PARAM,
    INVALID_VERSION,
    MISSING_LABEL,
];
