//! Harness: a sandbox in the test process, `kash-stdio` as a child process pointed at it, and
//! rmcp's client talking to it over the child's stdin/stdout, in either protocol era.
//! Everything the child writes (stdout and stderr) is captured for the secret scan.

use std::pin::Pin;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use kash_sandbox::{Sandbox, SandboxConfig};
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig, ElicitRequestParams,
    ElicitResult, ElicitationAction, Implementation, ProtocolVersion,
};
use rmcp::service::{RequestContext, RoleClient, RunningService};
use rmcp::{ClientHandler, ClientLifecycleMode, ClientServiceExt, ErrorData, ServiceExt};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use tokio::process::{Child, Command};

/// Tuesday 24 November 2026, 17:30 in Paris.
pub const NOW: &str = "2026-11-24T16:30:00Z";

/// Which lifecycle the client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// `initialize` (2025-11-25).
    Legacy,
    /// `server/discover` and per-request `_meta` (2026-07-28).
    Modern,
}

pub const ERAS: [Era; 2] = [Era::Legacy, Era::Modern];

/// How the test client answers elicitation, if it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Decline,
}

/// An MCP client for tests.
#[derive(Debug, Clone)]
pub struct TestClient {
    pub answer: Option<Answer>,
    /// The version offered at `initialize` (default: rmcp's latest with `initialize`).
    pub version: Option<ProtocolVersion>,
    pub asked: Arc<AtomicUsize>,
    pub last_question: Arc<Mutex<String>>,
}

impl TestClient {
    pub fn plain() -> Self {
        Self::answering(None)
    }

    pub fn answering(answer: Option<Answer>) -> Self {
        Self {
            answer,
            version: None,
            asked: Arc::new(AtomicUsize::new(0)),
            last_question: Arc::new(Mutex::new(String::new())),
        }
    }
}

impl ClientHandler for TestClient {
    fn get_info(&self) -> ClientConfig {
        let caps = if self.answer.is_some() {
            ClientCapabilities::builder().enable_elicitation().build()
        } else {
            ClientCapabilities::default()
        };
        let mut config = ClientConfig::new(caps, Implementation::new("kash-e2e", "0"));
        if let Some(v) = &self.version {
            config.protocol_version = v.clone();
        }
        config
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        if let ElicitRequestParams::FormElicitationParams { message, .. } = &request {
            *self.last_question.lock().unwrap() = message.clone();
        }
        Ok(match self.answer {
            Some(Answer::Accept) => {
                ElicitResult::new(ElicitationAction::Accept).with_content(json!({"confirm": true}))
            }
            _ => ElicitResult::new(ElicitationAction::Decline),
        })
    }
}

/// Bytes a child wrote.
#[derive(Debug, Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
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

pub async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        now: Some(NOW.parse().unwrap()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// A running `kash-stdio` and a client connected to it.
pub struct Session {
    pub client: RunningService<RoleClient, TestClient>,
    /// The tools listed at the start, to check every result against its output schema.
    pub tools: Vec<rmcp::model::Tool>,
    pub stdout: Captured,
    pub stderr: Captured,
    pub child: Child,
}

pub fn command(extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kash-stdio"));
    cmd.args(["--now", NOW])
        .args(extra)
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

/// Starts `kash-stdio` against `sandbox` (credentials through the environment).
pub async fn connect(sandbox: &Sandbox, era: Era, extra: &[&str], handler: TestClient) -> Session {
    let c = sandbox.credentials();
    let mut cmd = command(extra);
    cmd.env("SHOPID", &c.shop_id)
        .env("APIKEY", &c.api_key)
        .env("API_BASE", sandbox.base_url());
    spawn(cmd, era, handler).await
}

/// Starts `kash-stdio --sandbox` (its own embedded demo shop).
pub async fn connect_embedded(era: Era, extra: &[&str], handler: TestClient) -> Session {
    let mut args = vec!["--sandbox"];
    args.extend_from_slice(extra);
    spawn(command(&args), era, handler).await
}

pub async fn spawn(mut cmd: Command, era: Era, handler: TestClient) -> Session {
    let mut child = cmd.spawn().unwrap();
    let stdout = Captured::default();
    let stderr = Captured::default();
    let out = Tee {
        inner: child.stdout.take().unwrap(),
        copy: stdout.clone(),
    };
    let mut err = child.stderr.take().unwrap();
    let err_copy = stderr.clone();
    tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        while let Ok(n) = err.read(&mut buf).await {
            if n == 0 {
                break;
            }
            err_copy.0.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let stdin = child.stdin.take().unwrap();
    let client = match era {
        Era::Legacy => handler.serve((out, stdin)).await.unwrap(),
        Era::Modern => handler
            .serve_with_lifecycle(
                (out, stdin),
                ClientLifecycleMode::Discover {
                    preferred_versions: vec![ProtocolVersion::V_2026_07_28],
                },
            )
            .await
            .unwrap(),
    };
    let tools = client.list_all_tools().await.unwrap_or_default();
    Session {
        client,
        tools,
        stdout,
        stderr,
        child,
    }
}

/// The tool's arguments as an object.
pub fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

impl Session {
    /// Calls a tool (rmcp drives 2026-07-28 input-required rounds through the handler).
    pub async fn call(&self, name: &str, args: Value) -> CallToolResult {
        let result = self
            .client
            .call_tool(CallToolRequestParams::new(name.to_owned()).with_arguments(obj(args)))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some(tool) = self.tools.iter().find(|t| t.name == name) {
            kash_e2e::schema::check_output(tool, &result);
        }
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

    /// Closes the client and waits for the child to exit.
    pub async fn close(mut self) -> std::process::ExitStatus {
        let _ = self.client.cancel().await;
        tokio::time::timeout(std::time::Duration::from_secs(10), self.child.wait())
            .await
            .expect("kash-stdio exits after its stdin closes")
            .unwrap()
    }
}

pub use kash_e2e::harness::text_of;

/// The shop's order count in the sandbox (validated and quotes).
pub fn orders_in(sandbox: &Sandbox) -> usize {
    sandbox
        .with_shop(&sandbox.credentials().shop_id, |d| {
            d.orders.len() + d.quotes.len()
        })
        .unwrap()
}
