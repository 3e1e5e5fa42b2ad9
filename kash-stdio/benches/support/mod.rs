//! What the kash-stdio benches share: the demo shop at the tests' clock, the server process
//! pointed at it, and the figures read from `/proc`.
#![allow(dead_code)]

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

pub use kash_e2e::proc::status_kib;
pub use kash_e2e::session::{NOW, sandbox};
use kash_sandbox::Sandbox;

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `p` quantile (0 to 1) of `v`.
pub fn percentile(v: &[Duration], p: f64) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    s[((s.len() - 1) as f64 * p).round() as usize]
}

/// `program args…` for a kash-stdio at the tests' clock whose shop is `sandbox`'s, quiet,
/// speaking on stdin/stdout.
pub fn server_command(program: &Path, args: &[&str], sandbox: &Sandbox) -> std::process::Command {
    let c = sandbox.credentials();
    let mut cmd = std::process::Command::new(program);
    cmd.args(args)
        .args(["--now", NOW])
        .env("SHOPID", &c.shop_id)
        .env("APIKEY", &c.api_key)
        .env("API_BASE", sandbox.base_url())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    cmd
}
