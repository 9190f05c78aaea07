//! The root package's integration tests, one module per area, in one binary (one link, not one per
//! file).

mod common;

mod adversarial;
mod analysis_rules;
mod approve_cli;
mod build_cli;
mod cache_cli;
mod catalog_cli;
mod check_cli;
mod config_suppress;
mod determinism;
mod doc_links;
mod formats;
mod fuzz_regressions;
mod graph_cli;
mod import_cli;
mod imports_cli;
mod init_cli;
mod launchd_fidelity;
mod mcp;
mod positions_oracle;
mod rule_pages;
mod schema;
