//! The front end: find families on disk, read their YAML into a syntax tree with spans.
//!
//! Only [`yaml`] knows the YAML library. The syntax tree ([`ast`]) mirrors the files one to one; it
//! checks structure (keys, types, enums) but no meaning: references, durations and expressions are
//! kept as spanned strings and resolved when the IR is built.

pub mod ast;
mod cache;
mod discover;
mod load;
pub mod rules;
mod schema;
mod sp;
mod suppress;
mod yaml;

pub use cache::ParseCache;
pub use discover::{FamilyDir, discover};
pub use load::{
    Loaded, LoadedFamily, MAX_FILE_BYTES, ParsedFile, load_dirs, load_paths, load_paths_cached,
};
pub use schema::{json_schema, json_schema_string};
pub use sp::Sp;
pub use suppress::{Suppression, find_suppressions};
pub use yaml::parse_document;
