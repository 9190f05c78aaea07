//! Rules reported while reading files. One rule per file; the doc comment is the rule's page.

mod duplicate_key;
mod file_too_large;
mod invalid_type;
mod invalid_utf8;
mod invalid_value;
mod misplaced_family_section;
mod missing_family_section;
mod missing_key;
mod read_error;
mod unknown_key;
mod yaml_limits;
mod yaml_syntax;

pub use duplicate_key::DUPLICATE_KEY;
pub use file_too_large::FILE_TOO_LARGE;
pub use invalid_type::INVALID_TYPE;
pub use invalid_utf8::INVALID_UTF8;
pub use invalid_value::INVALID_VALUE;
pub use misplaced_family_section::MISPLACED_FAMILY_SECTION;
pub use missing_family_section::MISSING_FAMILY_SECTION;
pub use missing_key::MISSING_KEY;
pub use read_error::READ_ERROR;
pub use unknown_key::UNKNOWN_KEY;
pub use yaml_limits::YAML_LIMITS;
pub use yaml_syntax::YAML_SYNTAX;

/// Every rule of the load stage.
pub const RULES: &[skillc_diagnostics::RuleInfo] = &[
    YAML_SYNTAX,
    UNKNOWN_KEY,
    INVALID_TYPE,
    INVALID_VALUE,
    MISSING_KEY,
    DUPLICATE_KEY,
    YAML_LIMITS,
    INVALID_UTF8,
    READ_ERROR,
    FILE_TOO_LARGE,
    MISSING_FAMILY_SECTION,
    MISPLACED_FAMILY_SECTION,
];
