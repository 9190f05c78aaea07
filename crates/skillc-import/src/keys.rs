//! The launchd keys the importer knows: the launchd backend's tables (one source of truth for
//! what a typed field writes and what is deprecated) and the syntax crate's enums.

use skillc_syntax::ast::{PosixSpawnType, ProcessType, SessionType};

pub(crate) use skillc_backend_launchd::keys::DEPRECATED_KEYS as DEPRECATED;
pub(crate) use skillc_backend_launchd::keys::near_miss;
/// Boolean keys that map one to one, and resource limits: (field, launchd key).
pub(crate) use skillc_syntax::ast::{FLAG_KEYS as FLAGS, LIMIT_KEYS as LIMITS};

pub(crate) static SESSION_TYPES: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| SessionType::ALL.iter().map(|t| t.as_str()).collect());
pub(crate) static PROCESS_TYPES: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| ProcessType::ALL.iter().map(|t| t.as_str()).collect());
pub(crate) static POSIX_SPAWN_TYPES: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| PosixSpawnType::ALL.iter().map(|t| t.as_str()).collect());

/// launchd's spelling of a key it knows (compared ignoring case, as launchd does).
pub(crate) fn canonical(key: &str) -> Option<&'static str> {
    skillc_backend_launchd::keys::known().find(|k| k.eq_ignore_ascii_case(key))
}
