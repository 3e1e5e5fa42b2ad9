//! kash-http under load, on this machine, with the load generator, the sandbox and the server
//! sharing it (a bench binary: `cargo bench -p kash-http --bench load`).
//!
//! - start → listening: the time from spawning `kash-http` (static mode) to its ready line;
//! - `order_detail` and `data_list_products` in a closed loop at 1, 8 and 32 clients, each
//!   client its own session (legacy, 2025-11-25) or stateless (2026-07-28), with a new
//!   connection for each request (rmcp's default client), connections kept open (rmcp's client
//!   over a plain `reqwest::Client`, as most HTTP clients do), or no MCP client library (raw
//!   JSON-RPC on kept connections, the load generator at its cheapest): ok/s, p50, p99,
//!   errors, and the CPU per call of the server and of this process (load and sandbox);
//! - memory per idle session of either kind (sessions whose clients can be asked questions
//!   rest after 2 s here, 10 s by default), and the RSS after the sessions expired.
//!
//! `KASH_BENCH_SECONDS` sets each load run's length (default 5); `KASH_BENCH_BINARY` runs
//! another `kash-http` binary (e.g. a baseline build) instead of this one; `KASH_BENCH_ROWS`
//! runs only the load rows whose "tool era connections clients" contains it (e.g.
//! `order_detail Legacy Kept 32`), and the start and session figures only if it contains
//! `start` or `sessions`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, missing_docs, clippy::cast_precision_loss)]

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use kash_e2e::client::TestClient;
use kash_e2e::proc::{cpu_time, status_kib};
use kash_e2e::session::{Era, connect_http, connect_http_over, obj};
use kash_sandbox::{Sandbox, SandboxConfig};
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};
use tokio::io::AsyncBufReadExt;
use tokio::process::{Child, Command};

struct Server {
    child: Child,
    url: String,
}

async fn spawn(sb: &Sandbox, extra: &[&str], envs: &[(&str, &str)]) -> (Server, Duration) {
    let started = Instant::now();
    let binary = std::env::var("KASH_BENCH_BINARY")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_kash-http").into());
    let mut child = Command::new(binary)
        .args([
            "--addr",
            "127.0.0.1:0",
            "--api-base",
            sb.base_url(),
            "--rate-limit",
            "10000000",
            "--rate-burst",
            "10000000",
        ])
        .args(extra)
        .envs(envs.iter().copied())
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = lines.next_line().await.unwrap().unwrap();
    let elapsed = started.elapsed();
    let ready: Value = serde_json::from_str(&line).unwrap();
    let url = ready["mcp_url"].as_str().unwrap().to_owned();
    (Server { child, url }, elapsed)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// How each client's HTTP connections are used.
#[derive(Debug, Clone, Copy)]
enum Connections {
    /// rmcp's default client: a new connection for each request.
    PerRequest,
    /// A plain `reqwest::Client`: connections kept open between requests.
    Kept,
    /// No MCP client library: JSON-RPC posted with a `reqwest::Client` on kept connections,
    /// each answer checked to be a result that is not an error (the load generator at its
    /// cheapest, as an HTTP load tool would be).
    Raw,
}

/// A client of [`Connections::Raw`]: its session (legacy) and next request id.
struct Raw {
    http: reqwest::Client,
    url: String,
    token: String,
    era: Era,
    session: Option<String>,
    id: u64,
}

impl Raw {
    async fn open(url: &str, token: &str, era: Era) -> Self {
        let mut raw = Self {
            http: reqwest::Client::new(),
            url: url.to_owned(),
            token: token.to_owned(),
            era,
            session: None,
            id: 1,
        };
        if era == Era::Legacy {
            let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {},
                "clientInfo": {"name": "bench", "version": "1"}}});
            let r = raw.post(&init, None).await;
            raw.session = Some(r.headers()["mcp-session-id"].to_str().unwrap().to_owned());
            let _ = r.bytes().await;
            let done = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
            let r = raw.post(&done, None).await;
            assert_eq!(r.status(), 202);
        }
        raw
    }

    async fn post(&self, body: &Value, tool: Option<&str>) -> reqwest::Response {
        let mut req = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream");
        req = match (self.era, &self.session) {
            (Era::Legacy, Some(id)) => req
                .header("mcp-session-id", id)
                .header("mcp-protocol-version", "2025-11-25"),
            (Era::Legacy, None) => req,
            (Era::Modern, _) => req
                .header("mcp-protocol-version", "2026-07-28")
                .header("mcp-method", "tools/call")
                .header("mcp-name", tool.unwrap_or_default()),
        };
        req.body(body.to_string()).send().await.unwrap()
    }

    /// Calls `tool`: whether the answer is a result that is not an error.
    async fn call(&mut self, tool: &str, args: &Value) -> bool {
        self.id += 1;
        let mut params = json!({"name": tool, "arguments": args});
        if self.era == Era::Modern {
            params["_meta"] = json!({
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {},
                "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "1"},
            });
        }
        let body =
            json!({"jsonrpc": "2.0", "id": self.id, "method": "tools/call", "params": params});
        let r = self.post(&body, Some(tool)).await;
        if !r.status().is_success() {
            return false;
        }
        r.bytes().await.is_ok_and(|b| answered(&b))
    }
}

/// Whether a JSON-RPC answer (plain, or the last message of an SSE stream) is a result that
/// is not an error.
fn answered(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Message {
        result: Option<Outcome>,
    }
    #[derive(serde::Deserialize)]
    struct Outcome {
        #[serde(rename = "isError")]
        is_error: Option<bool>,
    }
    let text = String::from_utf8_lossy(body);
    let json = if text.trim_start().starts_with('{') {
        text.as_ref()
    } else {
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .next_back()
            .unwrap_or_default()
    };
    serde_json::from_str::<Message>(json)
        .ok()
        .and_then(|m| m.result)
        .is_some_and(|r| r.is_error != Some(true))
}

/// One client of a closed loop.
enum Caller {
    Rmcp(Box<kash_e2e::session::Session>),
    Raw(Raw),
}

impl Caller {
    async fn call(&mut self, tool: &str, args: &Value) -> bool {
        match self {
            Self::Rmcp(s) => s
                .client
                .call_tool(
                    CallToolRequestParams::new(tool.to_owned()).with_arguments(obj(args.clone())),
                )
                .await
                .is_ok_and(|r| r.is_error != Some(true)),
            Self::Raw(raw) => raw.call(tool, args).await,
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn closed_loop(
    server: &Server,
    token: &str,
    era: Era,
    connections: Connections,
    clients: usize,
    tool: &str,
    args: Value,
    seconds: u64,
) {
    let mut sessions = Vec::new();
    for _ in 0..clients {
        let url = &server.url;
        let http = match connections {
            Connections::PerRequest => None,
            Connections::Kept => Some(reqwest::Client::new()),
            Connections::Raw => {
                sessions.push(Caller::Raw(Raw::open(url, token, era).await));
                continue;
            }
        };
        let s = connect_http_over(http, url, token, era, TestClient::plain()).await;
        sessions.push(Caller::Rmcp(Box::new(s)));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for mut s in sessions {
        let stop = stop.clone();
        let tool = tool.to_owned();
        let args = args.clone();
        tasks.push(tokio::spawn(async move {
            let mut ok = Vec::new();
            let mut errors = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                if s.call(&tool, &args).await {
                    ok.push(t.elapsed());
                } else {
                    errors += 1;
                }
            }
            drop(s);
            (ok, errors)
        }));
    }
    let pid = server.child.id().unwrap_or(0);
    let cpu = (cpu_time(pid), cpu_time(std::process::id()));
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let cpu = (
        cpu_time(pid).saturating_sub(cpu.0),
        cpu_time(std::process::id()).saturating_sub(cpu.1),
    );
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (ok, e) = t.await.unwrap();
        all.extend(ok);
        errors += e;
    }
    let wall = started.elapsed().as_secs_f64();
    all.sort();
    let per_call = |d: Duration| d.as_secs_f64() * 1e6 / all.len().max(1) as f64;
    println!(
        "| {tool} | {era:?} | {connections:?} | {clients} | {:.0} | {:.2} | {:.2} | {errors} | {:.0} | {:.0} |",
        all.len() as f64 / wall,
        percentile(&all, 0.5).as_secs_f64() * 1000.0,
        percentile(&all, 0.99).as_secs_f64() * 1000.0,
        per_call(cpu.0),
        per_call(cpu.1),
    );
}

/// Opens `n` legacy sessions of clients with these capabilities: how many opened.
async fn open_sessions(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    capabilities: &Value,
    n: usize,
) -> usize {
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": capabilities,
        "clientInfo": {"name": "bench", "version": "1"}}});
    let mut opened = 0;
    let mut batch = Vec::new();
    for _ in 0..n {
        let req = http
            .post(url)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(init.to_string());
        batch.push(async move {
            let r = req.send().await.ok()?;
            let ok = r.status().is_success() && r.headers().contains_key("mcp-session-id");
            let _ = r.bytes().await;
            ok.then_some(())
        });
        if batch.len() == 64 {
            opened += futures_util::future::join_all(batch.drain(..))
                .await
                .into_iter()
                .flatten()
                .count();
        }
    }
    opened += futures_util::future::join_all(batch)
        .await
        .into_iter()
        .flatten()
        .count();
    opened
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let seconds: u64 = std::env::var("KASH_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let only = std::env::var("KASH_BENCH_ROWS").ok();
    let sb = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let c = sb.credentials();
    let token = format!("{}:{}", c.shop_id, c.api_key);

    let phase = |name: &str| only.as_deref().is_none_or(|o| o.contains(name));

    // Start → listening.
    if phase("start") {
        start_to_listening(&sb).await;
    }

    // Closed loops.
    let (server, _) = spawn(&sb, &[], &[]).await;
    let warm = connect_http(&server.url, &token, Era::Modern, TestClient::plain()).await;
    let (_, orders) = warm
        .ok(
            "data_list_orders",
            json!({"period": "yesterday", "limit": 1}),
        )
        .await;
    let order = orders["items"][0]["id"].as_u64().unwrap();
    drop(warm);
    println!(
        "\n| tool | era | connections | clients | ok/s | p50 ms | p99 ms | errors | server CPU µs/call | load and sandbox CPU µs/call |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    for (tool, args) in [
        ("order_detail", json!({"orderId": order})),
        (
            "data_list_products",
            json!({"query": "croissant", "limit": 5}),
        ),
    ] {
        for era in [Era::Legacy, Era::Modern] {
            for connections in [Connections::PerRequest, Connections::Kept, Connections::Raw] {
                for clients in [1, 8, 32] {
                    let row = format!("{tool} {era:?} {connections:?} {clients}");
                    if only.as_deref().is_some_and(|o| !row.contains(o)) {
                        continue;
                    }
                    closed_loop(
                        &server,
                        &token,
                        era,
                        connections,
                        clients,
                        tool,
                        args.clone(),
                        seconds,
                    )
                    .await;
                }
            }
        }
    }
    let mut server = server;
    let _ = server.child.kill().await;

    if phase("sessions") {
        idle_sessions(&sb, &token).await;
    }
    sb.shutdown().await;
}

/// The time from spawning `kash-http` to its ready line, ten times.
async fn start_to_listening(sb: &Sandbox) {
    let mut starts = Vec::new();
    for _ in 0..10 {
        let (mut s, t) = spawn(sb, &[], &[]).await;
        starts.push(t);
        let _ = s.child.kill().await;
    }
    starts.sort();
    println!(
        "start → listening (10 starts): median {:.1} ms, max {:.1} ms",
        percentile(&starts, 0.5).as_secs_f64() * 1000.0,
        starts.last().unwrap().as_secs_f64() * 1000.0
    );
}

/// Memory per idle session, and the RSS after 10,000 were opened and expired. The server hands
/// freed pages back at once here (the allocator's options as kash-stdio's), so that the RSS
/// counts what the sessions hold, not the pages a server keeps for reuse.
async fn idle_sessions(sb: &Sandbox, token: &str) {
    let (mut server, _) = spawn(
        sb,
        &[
            "--session-idle-seconds",
            "20",
            "--max-sessions",
            "20000",
            "--max-sessions-per-caller",
            "20000",
            "--session-rest-seconds",
            "2",
        ],
        &[("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")],
    )
    .await;
    let pid = server.child.id().unwrap();
    let http = reqwest::Client::new();
    let plain = json!({});
    let asks = json!({"elicitation": {}});
    open_sessions(&http, &server.url, token, &plain, 100).await;
    open_sessions(&http, &server.url, token, &asks, 100).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    let before = status_kib(pid, "VmRSS:");
    let mut rss = before;
    for (kind, capabilities, n) in [
        ("clients that cannot be asked questions", &plain, 10_000),
        (
            "clients that can be asked (elicitation; workers resting after 2 s)",
            &asks,
            5_000,
        ),
    ] {
        let opened = open_sessions(&http, &server.url, token, capabilities, n).await;
        // Past the rest and the tick that applies it.
        tokio::time::sleep(Duration::from_secs(4)).await;
        let after = status_kib(pid, "VmRSS:");
        println!(
            "idle sessions of {kind}: {opened} opened; RSS {rss} KB → {after} KB: {:.2} KB per idle session",
            (after.saturating_sub(rss)) as f64 / opened.max(1) as f64
        );
        rss = after;
    }
    tokio::time::sleep(Duration::from_secs(25)).await;
    let expired = status_kib(pid, "VmRSS:");
    let metrics = http
        .get(format!("{}/metrics", server.url.trim_end_matches("/mcp")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let open = metrics
        .lines()
        .find(|l| l.starts_with("kash_http_sessions "))
        .unwrap_or("kash_http_sessions ?");
    println!("after they expired (20 s idle): RSS {expired} KB (before them: {before} KB); {open}");
    let _ = server.child.kill().await;
}
