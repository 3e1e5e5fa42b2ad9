//! Servers, raw requests and a Redis for the tests.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use clap::Parser;
use kash_e2e::session::{Captured, NOW, capture};
use kash_http::settings::Args;
use kash_sandbox::{Sandbox, ShopCredentials};
use serde_json::{Value, json};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A kash-http server in this process.
pub struct Server {
    /// Its MCP endpoint.
    pub url: String,
    /// Its root (for /health, /ready…).
    pub root: String,
    /// The Authorization header it printed.
    pub authorization: Option<String>,
    /// The demo shop's back-office login it printed (`--sandbox --auth oauth`).
    pub sign_in: Option<Value>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Flags every test server gets: any port, the sandbox's clock.
const BASE: [&str; 5] = ["kash-http", "--addr", "127.0.0.1:0", "--now", NOW];

/// No rate limit in the way of a load test.
pub const UNLIMITED: [&str; 4] = ["--rate-limit", "1000000", "--rate-burst", "1000000"];

/// Starts a server with `BASE` and `flags`.
pub async fn serve(flags: &[&str]) -> Server {
    let args = Args::try_parse_from(BASE.iter().chain(flags)).unwrap();
    let started = kash_http::start::start(args).await.unwrap();
    let url = started.mcp_url.clone();
    let authorization = started.authorization.clone();
    let sign_in = started.sign_in.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(started.serve(async move {
        let _ = stopped.await;
    }));
    Server {
        root: url.trim_end_matches("/mcp").to_owned(),
        url,
        authorization,
        sign_in,
        stop: Some(stop),
        task: Some(task),
    }
}

/// A static-mode server whose callers' shops live in `sandbox`.
pub async fn static_server(sandbox: &Sandbox, flags: &[&str]) -> Server {
    let mut all = vec!["--api-base", sandbox.base_url()];
    all.extend_from_slice(flags);
    serve(&all).await
}

impl Server {
    /// Stops taking requests, finishes those in flight, ends the sessions.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(40), task)
                .await
                .expect("the server stops")
                .unwrap()
                .unwrap();
        }
    }
}

/// `SHOPID:APIKEY`, the bearer token of static mode.
pub fn token(c: &ShopCredentials) -> String {
    format!("{}:{}", c.shop_id, c.api_key)
}

/// A client for raw requests.
pub fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// A header of a response as text (empty when missing or not text).
pub fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The body of a plain GET of `url`.
pub async fn get_text(url: &str) -> String {
    http().get(url).send().await.unwrap().text().await.unwrap()
}

/// The server's `/metrics`, under `root`.
pub async fn metrics(root: &str) -> String {
    get_text(&format!("{root}/metrics")).await
}

/// The initialize request of a 2025-11-25 client.
pub fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "raw", "version": "1"}}})
}

/// A raw MCP POST (2025-11-25 unless `headers` say otherwise).
pub async fn post(
    url: &str,
    bearer: Option<&str>,
    session: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut headers = Vec::new();
    if let Some(s) = session {
        headers.push(("mcp-session-id", s));
    }
    post_with(url, bearer, &headers, body).await
}

/// A raw MCP POST with these extra headers.
pub async fn post_with(
    url: &str,
    bearer: Option<&str>,
    headers: &[(&str, &str)],
    body: &Value,
) -> reqwest::Response {
    let mut req = http()
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(body.to_string());
    if !headers.iter().any(|(h, _)| *h == "mcp-protocol-version") {
        req = req.header("mcp-protocol-version", "2025-11-25");
    }
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    if let Some(b) = bearer {
        req = req.bearer_auth(b);
    }
    req.send().await.unwrap()
}

/// A raw `initialize` with this bearer token (or none).
pub async fn initialize_as(url: &str, bearer: Option<&str>) -> reqwest::Response {
    post(url, bearer, None, &initialize()).await
}

/// Opens a legacy session of a client that cannot be asked questions: its id.
pub async fn open_session(url: &str, bearer: &str) -> String {
    open_session_with(url, bearer, &json!({})).await
}

/// Opens a legacy session of a client with these capabilities: its id.
pub async fn open_session_with(url: &str, bearer: &str, capabilities: &Value) -> String {
    let mut init = initialize();
    init["params"]["capabilities"] = capabilities.clone();
    let r = post(url, Some(bearer), None, &init).await;
    assert_eq!(r.status(), 200);
    let id = r.headers()["mcp-session-id"].to_str().unwrap().to_owned();
    let _ = r.text().await;
    let r = post(
        url,
        Some(bearer),
        Some(&id),
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )
    .await;
    assert_eq!(r.status(), 202);
    id
}

/// The JSON-RPC message of a response (JSON, or the last SSE `data:` line).
pub async fn message(r: reqwest::Response) -> Value {
    let text = r.text().await.unwrap();
    if let Ok(v) = serde_json::from_str(&text) {
        return v;
    }
    text.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
        .next_back()
        .unwrap_or_else(|| panic!("no JSON-RPC message in {text}"))
}

/// A free port on loopback.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `redis-server` on a free port, stopped on drop.
pub struct Redis {
    pub port: u16,
    child: Option<Child>,
}

impl Redis {
    /// Starts one; `None` (with the reason on stderr) where the machine has none, unless
    /// `KASH_REQUIRE_REDIS=1` (CI), where that fails the test.
    pub async fn start() -> Option<Self> {
        let Some(bin) = redis_server() else {
            assert!(
                std::env::var("KASH_REQUIRE_REDIS").as_deref() != Ok("1"),
                "redis-server is not installed (KASH_REQUIRE_REDIS=1): apt-get install redis-server"
            );
            eprintln!("SKIPPED: redis-server is not on PATH (apt-get install redis-server)");
            return None;
        };
        let mut r = Self {
            port: free_port(),
            child: None,
        };
        r.child = Some(spawn_redis(&bin, r.port).await);
        Some(r)
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Stops the server (a fault).
    pub async fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill().await;
            let _ = c.wait().await;
        }
    }

    /// Starts it again on the same port (empty).
    pub async fn restart(&mut self) {
        let bin = redis_server().unwrap();
        self.child = Some(spawn_redis(&bin, self.port).await);
    }
}

fn redis_server() -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
            .map(|d| d.join("redis-server"))
            .find(|p| p.is_file())
    })
}

async fn spawn_redis(bin: &std::path::Path, port: u16) -> Child {
    let child = Command::new(bin)
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("redis-server did not start on port {port}");
}

/// A `kash-http` process.
pub struct Proc {
    pub url: String,
    pub root: String,
    child: Child,
    stderr: Captured,
}

/// Starts the `kash-http` of this build with `BASE` and `flags`; waits for its ready line.
pub async fn spawn_server(flags: &[&str]) -> Proc {
    use tokio::io::AsyncBufReadExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kash-http"))
        .args(if flags.contains(&"--addr") {
            &BASE[3..]
        } else {
            &BASE[1..]
        })
        .args(flags)
        .env_remove("SHOPID")
        .env_remove("APIKEY")
        .env_remove("API_BASE")
        .env("RUST_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("a ready line")
        .unwrap()
        .expect("a ready line");
    let ready: Value = serde_json::from_str(&line).unwrap();
    let url = ready["mcp_url"].as_str().unwrap().to_owned();
    let stderr = capture(child.stderr.take().unwrap());
    Proc {
        root: url.trim_end_matches("/mcp").to_owned(),
        url,
        child,
        stderr,
    }
}

impl Proc {
    /// What the process logged so far (at debug level).
    pub fn logs(&self) -> String {
        self.stderr.text()
    }

    /// Kills the process (no goodbye: what survives is on disk or in Redis).
    pub async fn kill(mut self) {
        let _ = self.child.kill().await;
        let _ = self.child.wait().await;
    }
}

/// The sales the POS received (`webapp.php` posts).
pub fn sales_posted(sandbox: &Sandbox) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.script == "webapp.php")
        .count()
}

/// `GET root/path`: its status.
pub async fn status_of(root: &str, path: &str) -> u16 {
    http()
        .get(format!("{root}{path}"))
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

/// A secret the replicas of a test share.
pub const SECRET: &str = "a-test-secret-of-more-than-32-characters";

/// The demo shop's server in static mode behind `public`, not listening: its router, to be
/// called in process (keep the `Started` alive while using it).
pub async fn demo_app(public: &str) -> (kash_http::start::Started, axum::Router) {
    let args = <kash_http::settings::Args as clap::Parser>::try_parse_from([
        "kash-http",
        "--sandbox",
        "--addr",
        "127.0.0.1:0",
        "--public-url",
        public,
        "--auth",
        "static",
    ])
    .unwrap();
    let started = kash_http::start::start(args).await.unwrap();
    let app = kash_http::app(started.state().clone());
    (started, app)
}

/// A GET of `path` through `app`, in process: status, headers and body.
pub async fn get(app: &axum::Router, path: &str) -> (http::StatusCode, http::HeaderMap, String) {
    use tower::ServiceExt as _;
    let r = app
        .clone()
        .oneshot(
            http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let (parts, body) = r.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}
