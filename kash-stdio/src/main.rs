//! `kash-stdio`: the Kash POS as an MCP server over stdio.

use std::process::ExitCode;

use clap::Parser;
use kash_mcp_core::front::{LogFormat, ShutdownSignal, init_tracing};
use kash_stdio::{Args, run};

/// mimalloc, not the C library's: decoding a month of orders makes hundreds of thousands of
/// small allocations, which musl's allocator (the static binaries) serves 1.5× slower than
/// glibc's and glibc's keeps after they are freed (`benches/session.rs` has the figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
