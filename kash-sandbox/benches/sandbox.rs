//! Sandbox figures, measured on the `kash-sandbox` binary as a user runs it: time until it
//! prints its ready line with the full history, time to serve a month of orders over HTTP,
//! and its resident memory. Run with `cargo bench -p kash-sandbox --bench sandbox`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::indexing_slicing, missing_docs)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-24T16:30:00Z";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn max(v: &[Duration]) -> Duration {
    v.iter().copied().max().unwrap_or_default()
}

fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Starts the binary and returns it, the time to its ready line, and that line.
fn spawn() -> (Child, Duration, serde_json::Value) {
    let t = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kash-sandbox"))
        .args(["--now", NOW])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let elapsed = t.elapsed();
    (child, elapsed, serde_json::from_str(&line).unwrap())
}

fn main() {
    let mut ready = Vec::new();
    for _ in 0..5 {
        let (mut child, elapsed, _) = spawn();
        ready.push(elapsed);
        child.kill().unwrap();
        child.wait().unwrap();
    }

    let (mut child, _, info) = spawn();
    let pid = child.id();
    let rss_ready = status_kib(pid, "VmRSS:");
    let url = format!(
        "{}/workers/getOrders.php?idboutique={}&key={}&validatedOrders=true&from_date_ISO8601=2026-09-30T22:00:00Z&to_date_ISO8601=2026-10-31T22:59:59Z",
        info["base_url"].as_str().unwrap(),
        info["shop_id"].as_str().unwrap(),
        info["api_key"].as_str().unwrap()
    );
    let http = reqwest::blocking::Client::new();
    let mut month = Vec::new();
    let (mut bytes, mut count) = (0, 0);
    for i in 0..30 {
        let t = Instant::now();
        let body = http.get(&url).send().unwrap().bytes().unwrap();
        let elapsed = t.elapsed();
        if i >= 5 {
            month.push(elapsed);
        }
        bytes = body.len();
        if i == 0 {
            count = serde_json::from_slice::<Vec<serde_json::Value>>(&body)
                .unwrap()
                .len();
        }
    }
    let rss_after = status_kib(pid, "VmRSS:");
    let hwm = status_kib(pid, "VmHWM:");
    child.kill().unwrap();
    child.wait().unwrap();

    println!("kash-sandbox bench (release binary, --now {NOW}, 760 days of history)");
    println!(
        "  ready line printed after: median {:?}, max {:?} over 5 starts (target < 1 s)",
        median(ready.clone()),
        max(&ready)
    );
    println!(
        "  a month of orders ({count} orders with lines, {:.1} MB JSON) over HTTP: median {:?}, max {:?} over 25 requests (target < 50 ms)",
        bytes as f64 / 1e6,
        median(month.clone()),
        max(&month)
    );
    println!(
        "  resident memory: {:.0} MB when ready, {:.0} MB after 30 month requests, peak {:.0} MB (target < 200 MB)",
        rss_ready as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
}
