//! `kash-stdio`: the Kash POS as an MCP server over stdio.

use std::process::ExitCode;

use clap::Parser;
use kash_mcp_core::front::{LogFormat, ShutdownSignal, init_tracing};
use kash_stdio::{Args, run};

/// jemalloc, one arena, freed pages handed back at once (`.cargo/config.toml` sets
/// `JEMALLOC_SYS_WITH_MALLOC_CONF`). Measured on `benches/session.rs`, static binaries, one
/// run each: against musl's allocator, product lists 0.25x our own time, CPU 0.88x, peak memory
/// 1.12x (23.9 MB); mimalloc (v3, as it comes) kept 118 MB, its v2 without huge pages still
/// grew by about 8 MB per month listed.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
