//! `Sp<T>`: a value with the byte range of the YAML node it came from.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use skillc_diagnostics::{FileId, Span};
use std::borrow::Cow;
use std::hash::{Hash, Hasher};

/// A value and its byte range in its file. Equality and hashing look at the value only, so
/// `Sp<String>` works as a map key.
#[derive(Debug, Clone)]
pub struct Sp<T> {
    pub value: T,
    pub start: u32,
    pub end: u32,
}

impl<T> Sp<T> {
    pub fn new(value: T, start: u32, end: u32) -> Self {
        Self { value, start, end }
    }

    /// The span of this node in `file`.
    pub fn span(&self, file: FileId) -> Span {
        Span {
            file,
            start: self.start,
            end: self.end,
        }
    }
}

impl<T: PartialEq> PartialEq for Sp<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Sp<T> {}

impl<T: Hash> Hash for Sp<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

/// As `(value, start, end)`: the parse cache's encoding (see `cache.rs`; YAML is only read).
impl<T: serde::Serialize> serde::Serialize for Sp<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (&self.value, self.start, self.end).serialize(s)
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}
