//! One MCP session with the server, over any transport: in this process (a pipe), or a
//! `kash-stdio` child process over its stdin/stdout. Tool behaviour tests are written once
//! against [`Session`]; `KASH_E2E_TRANSPORT=stdio` runs them over stdio (and, with kash-http,
//! over HTTP). Everything a child writes (stdout and stderr) is kept for the secret scans.

use std::path::PathBuf;
use std::pin::Pin;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use kash_mcp_core::{Caller, Clock, Config, KashMcp, Lang, MemoryStore, Shop, StaticShop, Store};
use kash_sandbox::{Sandbox, SandboxConfig};
use rmcp::model::{
    CallToolRequestParams, CallToolResult, GetPromptRequestParams, GetPromptResult,
    ProtocolVersion, Tool,
};
use rmcp::service::{RoleClient, RunningService};
use rmcp::{ClientLifecycleMode, ClientServiceExt, ServiceError, ServiceExt};
use serde_json::{Map, Value};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use tokio::process::{Child, Command};

use crate::client::TestClient;

/// Tuesday 24 November 2026, 17:30 in Paris: the sandbox's "now".
pub const NOW: &str = "2026-11-24T16:30:00Z";

/// Which lifecycle the client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// `initialize` (2025-11-25).
    Legacy,
    /// `server/discover` and per-request `_meta` (2026-07-28).
    Modern,
}

/// Both eras.
pub const ERAS: [Era; 2] = [Era::Legacy, Era::Modern];

/// Where the server runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// In this process, over a pipe.
    InProcess,
    /// `kash-stdio` as a child process.
    Stdio(PathBuf),
    /// `kash-http` as a child process, reached over HTTP (static mode).
    Http(PathBuf),
}

impl Transport {
    /// The transport of this test run: `KASH_E2E_TRANSPORT` (`in-process`, the default,
    /// `stdio` or `http`; the binary is `KASH_STDIO_BIN` or `KASH_HTTP_BIN`, else the one beside
    /// the test's target directory).
    pub fn current() -> Self {
        match std::env::var("KASH_E2E_TRANSPORT").as_deref() {
            Ok("stdio") => Self::Stdio(binary("kash-stdio", "KASH_STDIO_BIN")),
            Ok("http") => Self::Http(binary("kash-http", "KASH_HTTP_BIN")),
            Ok("in-process") | Err(_) => Self::InProcess,
            Ok(other) => panic!("KASH_E2E_TRANSPORT={other}: use in-process, stdio or http"),
        }
    }
}

/// A binary of this build: `$var`, else `target/<profile>/<name>`, the test being in
/// `target/<profile>/deps`.
pub fn binary(name: &str, var: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(var) {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|d| d.parent()).unwrap();
    let bin = profile_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p {name}` first",
        bin.display()
    );
    bin
}

/// A sandbox at [`NOW`].
pub async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::at(NOW.parse().unwrap()))
        .await
        .unwrap()
}

/// Bytes a child wrote.
#[derive(Debug, Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Keeps everything `reader` yields (a child's stderr), read in the background.
pub fn capture<R: AsyncRead + Unpin + Send + 'static>(mut reader: R) -> Captured {
    let captured = Captured::default();
    let copy = captured.clone();
    tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf).await {
            if n == 0 {
                break;
            }
            copy.0.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    captured
}

/// Reads the child's stdout for rmcp while keeping a copy.
struct Tee<R> {
    inner: R,
    copy: Captured,
}

impl<R: AsyncRead + Unpin> AsyncRead for Tee<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let res = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = res {
            let new = buf.filled()[before..].to_vec();
            self.copy.0.lock().unwrap().extend_from_slice(&new);
        }
        res
    }
}

/// A child process serving the session, and what it wrote.
#[derive(Debug)]
pub struct Process {
    pub child: Child,
    pub stdout: Captured,
    pub stderr: Captured,
    /// A server for many clients (kash-http): stopped at the end of the session, not waited.
    pub server: bool,
}

/// A client connected to a server.
pub struct Session {
    pub client: RunningService<RoleClient, TestClient>,
    /// The tools listed at the start, to check every result against its output schema.
    pub tools: Vec<Tool>,
    /// The child process, over stdio.
    pub process: Option<Process>,
    /// The tools called so far.
    pub called: Mutex<std::collections::BTreeSet<String>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("tools", &self.tools.len())
            .field("process", &self.process)
            .finish_non_exhaustive()
    }
}

/// What only an in-process server can be given.
#[derive(Debug)]
pub struct InProcess {
    /// Changes to the configuration.
    pub configure: fn(&mut Config),
    /// The store of sale records and previews.
    pub records: Arc<dyn Store>,
    /// The store of cached days of orders (default: in memory).
    pub days: Option<Arc<dyn Store>>,
}

impl Default for InProcess {
    fn default() -> Self {
        Self {
            configure: |_| {},
            records: Arc::new(MemoryStore::default()),
            days: None,
        }
    }
}

/// Connects to a server on `sandbox`, over this run's transport. `flags` are `kash-stdio`'s
/// (`--lang`, `--confirm-sales`, `--read-only`, `--toolsets`, `--timeout`): the in-process
/// server reads them the same way.
pub async fn connect(sandbox: &Sandbox, era: Era, flags: &[&str], client: TestClient) -> Session {
    match Transport::current() {
        Transport::InProcess => in_process(sandbox, era, flags, client, InProcess::default()).await,
        Transport::Stdio(bin) => {
            let c = sandbox.credentials();
            let mut cmd = command(&bin, flags);
            cmd.env("SHOPID", &c.shop_id)
                .env("APIKEY", &c.api_key)
                .env("API_BASE", sandbox.base_url());
            spawn(cmd, era, client).await
        }
        Transport::Http(bin) => {
            let mut cmd = command(&bin, flags);
            cmd.args(["--addr", "127.0.0.1:0", "--api-base", sandbox.base_url()]);
            let c = sandbox.credentials();
            let token = format!("{}:{}", c.shop_id, c.api_key);
            spawn_http(cmd, &token, era, client).await
        }
    }
}

/// Starts `kash-http` with `cmd`, reads its ready line, and connects with `token`.
pub async fn spawn_http(mut cmd: Command, token: &str, era: Era, client: TestClient) -> Session {
    use tokio::io::AsyncBufReadExt;
    let mut child = cmd.spawn().unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("kash-http prints its ready line")
        .unwrap()
        .expect("a ready line");
    let ready: Value = serde_json::from_str(&line).unwrap();
    let url = ready["mcp_url"].as_str().unwrap().to_owned();
    let stderr = capture(child.stderr.take().unwrap());
    let mut session = connect_http(&url, token, era, client).await;
    session.process = Some(Process {
        child,
        stdout: Captured::default(),
        stderr,
        server: true,
    });
    session
}

/// Connects to a kash-http server's MCP endpoint `url` with this bearer `token`.
pub async fn connect_http(url: &str, token: &str, era: Era, client: TestClient) -> Session {
    connect_http_over(None, url, token, era, client).await
}

/// [`connect_http`] over the HTTP client `http`; `None` is rmcp's default client, which opens a
/// connection for each request (it keeps none idle), where a plain `reqwest::Client` keeps
/// them open between requests as most HTTP clients do.
pub async fn connect_http_over(
    http: Option<reqwest::Client>,
    url: &str,
    token: &str,
    era: Era,
    client: TestClient,
) -> Session {
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
    let config = StreamableHttpClientTransportConfig::with_uri(url.to_owned()).auth_header(token);
    let transport = match http {
        Some(http) => StreamableHttpClientTransport::with_client(http, config),
        None => StreamableHttpClientTransport::from_config(config),
    };
    open(client, transport, era, None).await
}

/// A `kash-stdio` command with the test clock, no inherited credentials and every log.
pub fn command(bin: &std::path::Path, flags: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(["--now", NOW])
        .args(flags)
        .env_remove("SHOPID")
        .env_remove("APIKEY")
        .env_remove("API_BASE")
        .env_remove("MCP_LANG")
        .env("RUST_LOG", "trace")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Connects to a `kash-stdio` child started with `cmd`.
pub async fn spawn(mut cmd: Command, era: Era, client: TestClient) -> Session {
    let mut child = cmd.spawn().unwrap();
    let stdout = Captured::default();
    let out = Tee {
        inner: child.stdout.take().unwrap(),
        copy: stdout.clone(),
    };
    let stderr = capture(child.stderr.take().unwrap());
    let stdin = child.stdin.take().unwrap();
    let process = Process {
        child,
        stdout,
        stderr,
        server: false,
    };
    open(client, (out, stdin), era, Some(process)).await
}

/// A server in this process on `sandbox`, configured by `flags` and `extra`.
pub async fn in_process(
    sandbox: &Sandbox,
    era: Era,
    flags: &[&str],
    client: TestClient,
    extra: InProcess,
) -> Session {
    let mut config = Config {
        clock: Clock::starting_at(NOW.parse().unwrap()),
        ..Config::default()
    };
    let mut timeout = kash_api::DEFAULT_TIMEOUT;
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        match *flag {
            "--lang" => config.lang = it.next().unwrap().parse().unwrap(),
            "--confirm-sales" => config.confirm_sales = true,
            "--read-only" => config.read_only = true,
            "--toolsets" => {
                config.toolsets = kash_mcp_core::parse_toolsets(it.next().unwrap()).unwrap();
            }
            "--timeout" => {
                timeout = Duration::from_secs(it.next().unwrap().parse().unwrap());
            }
            other => panic!("the in-process server does not read {other}"),
        }
    }
    (extra.configure)(&mut config);
    let c = sandbox.credentials();
    let api = kash_api::KashClient::builder(c.shop_id.clone(), c.api_key.clone())
        .base_url(sandbox.base_url())
        .timeout(timeout)
        .build()
        .unwrap();
    let shop = Shop::new(api, config.time_zone.clone(), &config.tenant_secret);
    let provider = Arc::new(StaticShop::new(Caller::of(shop)));
    let server = match extra.days {
        Some(days) => KashMcp::with_stores(config, provider, extra.records, days),
        None => KashMcp::new(config, provider, extra.records),
    };
    serve_in_process(server, era, client).await
}

/// Any server in this process, over a pipe.
pub async fn serve_in_process(server: KashMcp, era: Era, client: TestClient) -> Session {
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    open(client, client_io, era, None).await
}

/// A session over `io`: the client started in `era`, and the tools the server lists.
async fn open<T, E, A>(client: TestClient, io: T, era: Era, process: Option<Process>) -> Session
where
    T: rmcp::transport::IntoTransport<RoleClient, E, A>,
    E: std::error::Error + Send + Sync + 'static,
{
    let client = start_client(client, io, era).await;
    let tools = client.list_all_tools().await.unwrap_or_default();
    Session {
        client,
        tools,
        process,
        called: Mutex::default(),
    }
}

async fn start_client<T, E, A>(
    client: TestClient,
    io: T,
    era: Era,
) -> RunningService<RoleClient, TestClient>
where
    T: rmcp::transport::IntoTransport<RoleClient, E, A>,
    E: std::error::Error + Send + Sync + 'static,
{
    match era {
        Era::Legacy => client.serve(io).await.unwrap(),
        Era::Modern => client
            .serve_with_lifecycle(
                io,
                ClientLifecycleMode::Discover {
                    preferred_versions: vec![ProtocolVersion::V_2026_07_28],
                },
            )
            .await
            .unwrap(),
    }
}

/// The tool's arguments as an object.
pub fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The text blocks of a result, joined.
pub fn text_of(r: &CallToolResult) -> String {
    r.content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Session {
    /// Calls a tool (rmcp drives 2026-07-28 input-required rounds through the handler); the
    /// result is checked against the tool's output schema.
    pub async fn call(&self, name: &str, args: Value) -> CallToolResult {
        let result = self
            .client
            .call_tool(CallToolRequestParams::new(name.to_owned()).with_arguments(obj(args)))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some(tool) = self.tools.iter().find(|t| t.name == name) {
            crate::schema::check_output(tool, &result);
        }
        self.called.lock().unwrap().insert(name.to_owned());
        result
    }

    /// Calls a tool that must succeed; returns its text and structured content.
    pub async fn ok(&self, name: &str, args: Value) -> (String, Value) {
        let r = self.call(name, args.clone()).await;
        let text = text_of(&r);
        assert_ne!(r.is_error, Some(true), "{name} {args} failed: {text}");
        let structured = r.structured_content.clone().unwrap_or(Value::Null);
        assert!(!structured.is_null(), "{name}: no structured content");
        (text, structured)
    }

    /// Calls a tool that must fail as a tool error; returns its text.
    pub async fn err(&self, name: &str, args: Value) -> String {
        let r = self.call(name, args.clone()).await;
        let text = text_of(&r);
        assert_eq!(
            r.is_error,
            Some(true),
            "{name} {args} should fail, got: {text}"
        );
        text
    }

    /// The names of the tools listed at the start, sorted.
    pub fn tool_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.tools.iter().map(|t| t.name.to_string()).collect();
        names.sort();
        names
    }

    /// Everything the server process wrote (nothing in process).
    pub fn output(&self) -> String {
        self.process
            .as_ref()
            .map(|p| format!("{}\n{}", p.stdout.text(), p.stderr.text()))
            .unwrap_or_default()
    }

    /// Gets the prompt `name` with `args` (an object).
    pub async fn prompt(&self, name: &str, args: Value) -> Result<GetPromptResult, ServiceError> {
        let params = GetPromptRequestParams::new(name.to_owned()).with_arguments(obj(args));
        self.client.get_prompt(params).await
    }

    /// Closes the client; a `kash-stdio` child must exit (its status), a `kash-http` child is
    /// stopped (`None`, as in process).
    pub async fn close(mut self) -> Option<std::process::ExitStatus> {
        let _ = self.client.cancel().await;
        let mut p = self.process.take()?;
        if p.server {
            let _ = p.child.kill().await;
            return None;
        }
        Some(
            tokio::time::timeout(Duration::from_secs(10), p.child.wait())
                .await
                .expect("kash-stdio exits after its stdin closes")
                .unwrap(),
        )
    }
}

/// Lang from its code, for flags.
pub fn lang_flag(lang: Lang) -> [&'static str; 2] {
    ["--lang", lang.code()]
}

/// The shop's order count in the sandbox (validated and quotes).
pub fn orders_in(sandbox: &Sandbox) -> usize {
    sandbox
        .with_shop(&sandbox.credentials().shop_id, |d| {
            d.orders.len() + d.quotes.len()
        })
        .unwrap()
}
