//! What the importer did to a key, so that `import` then `build` differs from the original only
//! where a change says so.

use std::fmt;

/// How a key of the original plist fares in the imported YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// skillc writes a key the original left out, with the value launchd assumes anyway, or a
    /// documented default of skillc's (`PATH`, `LimitLoadToSessionType`).
    Default,
    /// A deprecated key, replaced by what launchd honours today (or removed).
    Replaced,
    /// A key, or part of one, that could not be mapped; the YAML has a comment saying why.
    Dropped,
    /// Same meaning, another form (a single calendar dictionary as a one-entry list, an octal
    /// string instead of an integer, a key written in launchd's case).
    Reshaped,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Default => "default",
            ChangeKind::Replaced => "replaced",
            ChangeKind::Dropped => "dropped",
            ChangeKind::Reshaped => "reshaped",
        }
    }
}

/// One change to one top-level key of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The plist key (top level, in launchd's spelling).
    pub key: String,
    pub kind: ChangeKind,
    pub detail: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.key, self.kind.as_str(), self.detail)
    }
}
