//! `family:` — the identity of a skill family.

use super::Id;
use crate::Sp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Name, version and imports of a family. Only in `family.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FamilyDecl {
    /// Family name (id syntax), unique among loaded families.
    pub name: Sp<Id>,
    /// Semantic version, e.g. `1.2.0`.
    #[schemars(regex(
        pattern = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"
    ))]
    pub version: Sp<String>,
    /// What the family is for.
    pub description: Sp<String>,
    /// Reverse-DNS prefix; a service's default launchd Label is `<label_prefix>.<service id>`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9-]*(\.[A-Za-z0-9][A-Za-z0-9-]*)+$"))]
    pub label_prefix: Option<Sp<String>>,
    /// Families whose services and actions this one may reference, and whose skills apply here.
    pub imports: Option<Vec<Sp<Id>>>,
}
