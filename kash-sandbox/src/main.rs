//! `kash-sandbox`: serves the simulated POS and prints one JSON line with its address and
//! credentials when ready.

use std::io::Write;
use std::net::SocketAddr;

use clap::Parser;
use kash_sandbox::{Sandbox, SandboxConfig};

/// A simulated Kash POS with a seeded demo shop.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Seed of the demo shop (same seed and --now, same shop).
    #[arg(long, default_value_t = kash_sandbox::DEFAULT_SEED)]
    seed: u64,
    /// When the history ends, ISO 8601 (default: now).
    #[arg(long)]
    now: Option<jiff::Timestamp>,
    /// Days of history.
    #[arg(long, default_value_t = kash_sandbox::DEFAULT_HISTORY_DAYS)]
    days: u32,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let args = Args::parse();
    let mut signal = kash_sandbox::ShutdownSignal::install();
    let config = SandboxConfig {
        addr: args.addr,
        seed: args.seed,
        now: args.now,
        history_days: args.days,
        ..SandboxConfig::default()
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kash-sandbox: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    let c = sandbox.credentials();
    let line = serde_json::json!({
        "base_url": sandbox.base_url(),
        "shop_id": c.shop_id,
        "api_key": c.api_key,
        "login": c.login,
        "password": c.password,
    });
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        return std::process::ExitCode::from(1);
    }
    drop(out);
    signal.recv().await;
    sandbox.shutdown().await;
    std::process::ExitCode::SUCCESS
}
