//! `kash-stdio`: the Kash POS as an MCP server over stdio.

use std::process::ExitCode;

use clap::Parser;
use kash_mcp_core::front::{LogFormat, ShutdownSignal, init_tracing};
use kash_stdio::{Args, run};

// The C library's allocator, deliberately: musl's (the static binaries) hands large freed
// blocks back at once, so a session's peak stays near what it holds (27 MB on
// `benches/session.rs`); mimalloc was faster on small allocations but kept 118 MB, its v2
// with THP off still grew by ~8 MB per month listed. Figures in the issue-10 notes.

fn main() -> ExitCode {
    let args = Args::parse();
    init_tracing("warn,kash_mcp_core=info", LogFormat::Text);
    let cwd = std::env::current_dir().unwrap_or_default();
    let settings = match args.common.resolve(&cwd) {
        Ok((s, _)) => s,
        Err(e) => {
            eprintln!("kash-stdio: {e}");
            return ExitCode::from(2);
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
    let code = runtime.block_on(async {
        // Registered first: SIGTERM before `initialize` must end the process cleanly too.
        let mut signal = ShutdownSignal::install();
        tokio::select! {
            code = run(settings) => code,
            () = signal.recv() => 0,
        }
    });
    // A pending read on stdin would keep the runtime from shutting down: leave now.
    std::process::exit(i32::from(code));
}
