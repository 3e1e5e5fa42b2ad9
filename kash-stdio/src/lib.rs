//! The `kash-stdio` binary's wiring: its flags (the shared [`CommonArgs`] of
//! `kash_mcp_core::front`), the note printed when started from a terminal, and [`run`], which
//! serves one MCP session over stdin/stdout until end of input or a shutdown signal.
//!
//! Everything else lives in `kash_mcp_core`: the tools (`kash_mcp_core::KashMcp`), and the
//! front end both binaries share (`kash_mcp_core::front`: settings, logging, the embedded demo
//! shop, the line transport). The binary's one caller is the person who started it: their
//! shop, every right the flags allow, and settings to fix when the POS refuses the key.

use std::io::IsTerminal;
use std::sync::Arc;

use clap::Parser;
use kash_mcp_core::front::{Audience, CommonArgs, LineTransport, Settings, launch};
use kash_mcp_core::{KashMcp, MemoryStore, StaticShop};
use rmcp::ServiceExt;
use rmcp::service::ServerInitializeError;

/// MCP server for a Kash point of sale, over stdio (Claude Desktop and other local clients).
///
/// Credentials come from flags, then the environment, then a `.env` file. Find SHOPID and
/// APIKEY in the POS back office under Setup > Webservices.
#[derive(Debug, Clone, Parser)]
#[command(name = "kash-stdio", version, about, long_about = None)]
pub struct Args {
    /// The settings both binaries share.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The note printed on stderr when started from a terminal.
pub const TERMINAL_NOTE: &str = "kash-stdio speaks MCP (JSON-RPC) on stdin/stdout: it is meant to be started by an MCP client, not typed into.
To use it with Claude Desktop, add to claude_desktop_config.json:
  {\"mcpServers\": {\"kash\": {\"command\": \"/path/to/kash-stdio\", \"args\": [\"--sandbox\"]}}}
(replace --sandbox with \"--shopid\", \"<SHOPID>\" and an APIKEY in \"env\" for your shop).
To explore it: npx -y @modelcontextprotocol/inspector /path/to/kash-stdio --sandbox
Press Ctrl-D to quit.";

/// Serves one session on stdin/stdout; returns the exit code. Ends at end of input (exit 0),
/// including before `initialize` (Ctrl-D at the terminal note).
pub async fn run(settings: Settings) -> u8 {
    let launched = match launch(
        "kash-stdio",
        &settings.shop,
        settings.timeout,
        settings.now,
        Audience::One,
    )
    .await
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return match e {
                kash_mcp_core::front::LaunchError::Config(_) => 2,
                kash_mcp_core::front::LaunchError::Sandbox(_) => 1,
            };
        }
    };
    if std::io::stdin().is_terminal() {
        eprintln!("{TERMINAL_NOTE}");
    }
    let caller = launched.caller(&settings.config);
    let server = KashMcp::new(
        settings.config,
        Arc::new(StaticShop::new(caller)),
        Arc::new(MemoryStore::default()),
    );
    let code = match server.serve(LineTransport::stdio()).await {
        Ok(running) => match running.waiting().await {
            Ok(_) => 0,
            Err(e) => {
                tracing::warn!(error = %e, "server task failed");
                1
            }
        },
        // End of input before `initialize`: the user pressed Ctrl-D, or the client gave up.
        Err(ServerInitializeError::ConnectionClosed(_)) => {
            tracing::debug!("end of input before initialization");
            0
        }
        Err(e) => {
            tracing::warn!(error = %e, "initialization failed");
            1
        }
    };
    if let Some(s) = launched.sandbox {
        s.shutdown().await;
    }
    code
}
