//! `kash-stdio`: the Kash POS as an MCP server over stdio.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use kash_mcp_core::{KashMcp, MemoryStore, StaticShop};
use kash_stdio::{Args, TERMINAL_NOTE, setup};
use rmcp::ServiceExt;

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,kash_mcp_core=info")),
        )
        .init();
    let cwd = std::env::current_dir().unwrap_or_default();
    let setup = match setup(&args, &cwd) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}", e.message);
            return ExitCode::from(e.code);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kash-stdio: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(run(setup));
    // A pending read on stdin would keep the runtime from shutting down: leave now.
    std::process::exit(i32::from(code));
}

async fn run(setup: kash_stdio::Setup) -> u8 {
    let mut sandbox = None;
    let client = if setup.sandbox && setup.credentials.is_none() {
        let config = kash_sandbox::SandboxConfig {
            now: setup.now,
            ..kash_sandbox::SandboxConfig::default()
        };
        match kash_sandbox::Sandbox::start(config).await {
            Ok(s) => {
                let c = s.credentials();
                let client = kash_api::KashClient::builder(&c.shop_id, &c.api_key)
                    .base_url(s.base_url())
                    .timeout(setup.timeout)
                    .build();
                tracing::info!(base_url = s.base_url(), shop_id = %c.shop_id, "serving the sandbox demo shop");
                sandbox = Some(s);
                client
            }
            Err(e) => {
                eprintln!("kash-stdio: cannot start the sandbox: {e}");
                return 1;
            }
        }
    } else {
        let Some((shop, key)) = setup.credentials.clone() else {
            eprintln!("kash-stdio: no credentials");
            return 2;
        };
        let mut b = kash_api::KashClient::builder(shop, key).timeout(setup.timeout);
        if let Some(base) = &setup.api_base {
            b = b.base_url(base);
        }
        b.build()
    };
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kash-stdio: {e}");
            return 2;
        }
    };
    if std::io::stdin().is_terminal() {
        eprintln!("{TERMINAL_NOTE}");
    }
    let server = KashMcp::new(
        setup.config,
        Arc::new(StaticShop::new(client)),
        Arc::new(MemoryStore::default()),
    );
    let running = match server.serve(rmcp::transport::stdio()).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "the client went away during initialization");
            return 0;
        }
    };
    let token = running.cancellation_token();
    let code = tokio::select! {
        quit = running.waiting() => match quit {
            Ok(_) => 0,
            Err(e) => {
                tracing::warn!(error = %e, "server task failed");
                1
            }
        },
        () = shutdown_signal() => {
            token.cancel();
            0
        }
    };
    if let Some(s) = sandbox {
        s.shutdown().await;
    }
    code
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
