//! `skillc mcp`: a Model Context Protocol server (the official Rust SDK, `rmcp`) on stdio over a
//! built output tree, and the agent tool manifest (`agent-tools.json`) that `skillc build` writes.
//!
//! The server never decides the policy: it runs the tree's scripts and doctor and reads their
//! `--json` output. What it offers is computed at build time from the same policy decision as the
//! scripts ([`model`]); what an agent can and cannot do is in `docs/agents.md`.

pub mod model;
pub mod run;
pub mod server;
pub mod tools;
pub mod tree;

pub use model::{TOOLS_FILE, manifest, manifest_bytes};
pub use server::{Options, Server};
pub use tree::Tree;

use rmcp::ServiceExt as _;
use std::path::Path;

/// Loads the tree and serves MCP on stdin/stdout until the client closes it.
pub fn serve(tree: &Path, options: Options) -> Result<(), String> {
    let tree = Tree::load(tree)?;
    let server = Server::new(tree, options)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    rt.block_on(async move {
        let running = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| format!("MCP session failed to start: {e}"))?;
        running
            .waiting()
            .await
            .map(|_| ())
            .map_err(|e| format!("MCP session ended with an error: {e}"))
    })
}
