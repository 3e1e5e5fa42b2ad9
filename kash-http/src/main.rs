//! `kash-http`: the Kash POS as a hosted MCP server over Streamable HTTP. Everything is in the
//! library; this reads the flags, starts, prints the ready line and serves until a signal.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use kash_http::settings::{Args, LogFormatArg};
use kash_mcp_core::front::{LogFormat, ShutdownSignal, init_tracing};

/// jemalloc, as in kash-stdio (settings in `.cargo/config.toml`, then [`tune_allocator`]).
/// Measured with `benches/load.rs`, one run each, against glibc's allocator: `order_detail` at
/// 32 legacy clients 1.04x the calls per second, product lists 1.26x, and the memory of 10,000
/// expired sessions handed back (RSS 29.7 MB after, against 155 MB kept by glibc).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// How long freed pages stay before they are handed back to the system.
#[cfg(not(target_env = "msvc"))]
const DIRTY_DECAY_MS: isize = 1000;

/// A server's allocator settings, where kash-stdio's (shared at build time) hand every freed
/// page back at once, which keeps a local session's peak low but costs a server an `madvise`
/// and a TLB flush on both cores each time a slab empties. Here freed pages stay
/// [`DIRTY_DECAY_MS`], and one background thread hands them back, so an idle server still
/// shrinks. Measured with `benches/load.rs` (`order_detail` at 32 clients): 12% to 17% less
/// server CPU per call, about 20 page faults a second instead of 4,000. Options given in
/// `_RJEM_MALLOC_CONF` are left as the operator set them.
#[cfg(not(target_env = "msvc"))]
fn tune_allocator() {
    if std::env::var_os("_RJEM_MALLOC_CONF").is_some() {
        return;
    }
    let _ = tikv_jemalloc_ctl::max_background_threads::write(1);
    let _ = tikv_jemalloc_ctl::background_thread::write(true);
    let arenas = tikv_jemalloc_ctl::arenas::narenas::read().unwrap_or(1);
    let names = std::iter::once("arenas.dirty_decay_ms\0".to_owned())
        .chain((0..arenas).map(|i| format!("arena.{i}.dirty_decay_ms\0")));
    for name in names {
        // SAFETY: jemalloc's `dirty_decay_ms` controls hold an `ssize_t`, which `isize` is.
        #[allow(unsafe_code)]
        let _ = unsafe { tikv_jemalloc_ctl::raw::write(name.as_bytes(), DIRTY_DECAY_MS) };
    }
}

#[cfg(target_env = "msvc")]
fn tune_allocator() {}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.health_check {
        return match kash_http::probe::health_check(args.addr, Duration::from_secs(3)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("kash-http: unhealthy: {e}");
                ExitCode::from(1)
            }
        };
    }
    let format = match args.log_format {
        LogFormatArg::Text => LogFormat::Text,
        LogFormatArg::Json => LogFormat::Json,
    };
    tune_allocator();
    init_tracing("warn,kash_http=info,kash_mcp_core=info", format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kash-http: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    ExitCode::from(runtime.block_on(run(args)))
}

async fn run(args: Args) -> u8 {
    let started = match kash_http::start::start(args).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kash-http: {e}");
            return e.code;
        }
    };
    println!("{}", started.ready_line());
    tracing::info!(url = %started.mcp_url, "listening");
    let mut signal = ShutdownSignal::install();
    match started.serve(async move { signal.recv().await }).await {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("kash-http: the server stopped: {e}");
            1
        }
    }
}
