//! `skillc mcp`: the MCP server over a built tree (crate `skillc-mcp`; docs/agents.md).

use crate::cli::McpArgs;
use crate::exit;

pub(crate) fn run(args: &McpArgs) -> u8 {
    let options = skillc_mcp::Options {
        inbox: args.inbox.clone(),
    };
    if args.list {
        let listed = skillc_mcp::Tree::load(&args.tree)
            .and_then(|t| skillc_mcp::Server::new(t, options))
            .and_then(|s| {
                serde_json::to_string_pretty(&serde_json::json!({ "tools": s.tools() }))
                    .map_err(|e| e.to_string())
            });
        return match listed {
            Ok(text) => {
                println!("{text}");
                exit::OK
            }
            Err(e) => {
                eprintln!("skillc: error: {e}");
                exit::USAGE
            }
        };
    }
    match skillc_mcp::serve(&args.tree, options) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("skillc: error: {e}");
            exit::USAGE
        }
    }
}
