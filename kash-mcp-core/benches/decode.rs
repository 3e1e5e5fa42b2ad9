//! How fast a month of orders (the POS's `getOrders.php` answer for 30 days of the demo shop)
//! becomes typed orders (and order briefs, what a listing reads), against the floors: the JSON parser alone skipping every value
//! (`IgnoredAny`) and the same text parsed into a `serde_json::Value` tree.
//!
//!     cargo bench -p kash-mcp-core --bench decode
//!
//! `KASH_BENCH_ONLY=orders` (or `briefs`) times that decoding alone (for a profiler).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![allow(clippy::cast_precision_loss, missing_docs)]

use std::time::{Duration, Instant};

use kash_api::orders::{Order, OrderBriefs};
use kash_sandbox::{Sandbox, SandboxConfig};

const NOW: &str = "2026-11-24T16:30:00Z";
const RUNS: usize = 30;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, f: impl Fn() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

#[tokio::main]
async fn main() {
    let sandbox = Sandbox::start(SandboxConfig::at(NOW.parse().unwrap()))
        .await
        .unwrap();
    let c = sandbox.credentials();
    let url = reqwest::Url::parse_with_params(
        &format!("{}/workers/getOrders.php", sandbox.base_url()),
        &[
            ("idboutique", c.shop_id.as_str()),
            ("key", c.api_key.as_str()),
            ("validatedOrders", "true"),
            ("from_date_ISO8601", "2026-10-24T00:00:00Z"),
            ("to_date_ISO8601", "2026-11-23T00:00:00Z"),
        ],
    )
    .unwrap();
    let body = reqwest::get(url).await.unwrap().bytes().await.unwrap();
    sandbox.shutdown().await;
    let orders: Vec<Order> = serde_json::from_slice(&body).unwrap();
    let mb = body.len() as f64 / 1e6;
    println!(
        "a month of orders: {} orders, {mb:.2} MB of JSON",
        orders.len()
    );
    let report = |what: &str, d: Duration| {
        println!(
            "  {what}: {:.2} ms ({:.0} MB/s)",
            d.as_secs_f64() * 1e3,
            mb / d.as_secs_f64()
        );
    };
    const ORDERS: &str = "into Vec<Order> (the SDK)";
    const BRIEFS: &str = "into order briefs (what data_list_orders reads)";
    let orders = || serde_json::from_slice::<Vec<Order>>(&body).unwrap();
    let briefs = || OrderBriefs::from_json(body.clone()).unwrap();
    // One decoding alone, ten times as often, for a profiler.
    match std::env::var("KASH_BENCH_ONLY").ok().as_deref() {
        Some("orders") => return report(ORDERS, time(RUNS * 10, orders)),
        Some("briefs") => return report(BRIEFS, time(RUNS * 10, briefs)),
        _ => {}
    }
    report(
        "parser alone (IgnoredAny)",
        time(RUNS, || {
            serde_json::from_slice::<Vec<serde::de::IgnoredAny>>(&body).unwrap()
        }),
    );
    report(
        "into serde_json::Value",
        time(RUNS, || {
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()
        }),
    );
    report(ORDERS, time(RUNS, orders));
    report(BRIEFS, time(RUNS, briefs));
}
