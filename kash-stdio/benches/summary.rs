//! `sales_summary` end to end, as a user's client sees it: rmcp's client talks to the release
//! `kash-stdio` binary over stdio, which fetches from the sandbox over HTTP. Measures a year
//! (the last twelve months) summarised cold (every day fetched), warm (past days from the
//! cache, today fetched), the same with 50 ms of latency per POS call, and the server's
//! memory with the year cached. Run with `cargo bench -p kash-stdio --bench summary`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![allow(clippy::cast_precision_loss, missing_docs)]

use std::path::Path;
use std::time::{Duration, Instant};

use kash_sandbox::{FaultConfig, Sandbox};
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, ClientConfig};
use rmcp::service::{RoleClient, RunningService};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

mod support;
use support::{ms, percentile, sandbox, server_command, status_kib};

async fn server(sandbox: &Sandbox) -> (RunningService<RoleClient, ClientConfig>, Child) {
    let mut child = Command::from(server_command(
        Path::new(env!("CARGO_BIN_EXE_kash-stdio")),
        &[],
        sandbox,
    ))
    .kill_on_drop(true)
    .spawn()
    .unwrap();
    let io = (child.stdout.take().unwrap(), child.stdin.take().unwrap());
    let client = ClientConfig::default().serve(io).await.unwrap();
    (client, child)
}

async fn summary(
    client: &RunningService<RoleClient, ClientConfig>,
    args: &Value,
) -> (Duration, Value) {
    let params = CallToolRequestParams::new("sales_summary")
        .with_arguments(args.as_object().unwrap().clone());
    let t = Instant::now();
    let r = client.call_tool(params).await.unwrap();
    let elapsed = t.elapsed();
    assert_ne!(r.is_error, Some(true), "{:?}", r.content);
    (elapsed, r.structured_content.unwrap())
}

fn describe(what: &str, d: Duration, out: &Value) {
    let s = &out["source"];
    println!(
        "{what}: {:.1} ms — {} orders, {} days fetched, {} from the cache, {} POS calls",
        ms(d),
        out["total"]["orders"],
        s["fetchedDays"],
        s["cachedDays"],
        s["upstreamCalls"]
    );
}

#[tokio::main]
async fn main() {
    let sandbox = sandbox().await;
    let year = json!({"period": "last_12_months"});

    // Cold, then warm, on a local sandbox.
    let (client, child) = server(&sandbox).await;
    let pid = child.id().unwrap();
    let rss_before = status_kib(pid, "VmRSS:");
    let (cold, out) = summary(&client, &year).await;
    describe("year, cold", cold, &out);
    let rss_year = status_kib(pid, "VmRSS:");
    let mut warm = Vec::new();
    let mut last = Value::Null;
    for _ in 0..30 {
        let (d, out) = summary(&client, &year).await;
        warm.push(d);
        last = out;
    }
    describe("year, warm (median of 30)", percentile(&warm, 0.5), &last);
    println!(
        "year, warm: median {:.1} ms, p95 {:.1} ms, max {:.1} ms; cold/warm {:.0}×",
        ms(percentile(&warm, 0.5)),
        ms(percentile(&warm, 0.95)),
        ms(percentile(&warm, 1.0)),
        cold.as_secs_f64() / percentile(&warm, 0.5).as_secs_f64()
    );
    for (name, args) in [
        (
            "by customer, Tuesdays, top 10",
            json!({"period": "last_12_months", "groupBy": "customer", "weekday": "tuesday", "top": 10}),
        ),
        (
            "by product, top 20",
            json!({"period": "last_12_months", "groupBy": "product", "top": 20}),
        ),
        (
            "by month, against the year before (cold for the year before)",
            json!({"period": "last_12_months", "groupBy": "month", "comparison": "same_period_last_year"}),
        ),
        (
            "by month, against the year before (warm)",
            json!({"period": "last_12_months", "groupBy": "month", "comparison": "same_period_last_year"}),
        ),
    ] {
        let mut times = Vec::new();
        let mut out = Value::Null;
        let runs = if name.contains("cold") { 1 } else { 10 };
        for _ in 0..runs {
            let (d, o) = summary(&client, &args).await;
            times.push(d);
            out = o;
        }
        describe(
            &format!("year {name} (median of {runs})"),
            percentile(&times, 0.5),
            &out,
        );
    }
    println!(
        "kash-stdio RSS: {} KiB at start, {} KiB with a year cached, {} KiB with two",
        rss_before,
        rss_year,
        status_kib(pid, "VmRSS:")
    );
    drop(client);
    drop(child);

    // Cold again with 50 ms per POS call (a real POS over the internet).
    sandbox.set_faults(FaultConfig {
        latency_ms: 50,
        ..FaultConfig::default()
    });
    let (client, child) = server(&sandbox).await;
    let (cold, out) = summary(&client, &year).await;
    describe("year, cold, 50 ms per POS call", cold, &out);
    let (warm, out) = summary(&client, &year).await;
    describe("year, warm, 50 ms per POS call", warm, &out);
    drop(client);
    drop(child);
    sandbox.shutdown().await;
}
