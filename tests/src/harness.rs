//! In-process harness: the sandbox over real HTTP, the MCP server in this process, and rmcp's
//! client talking to it over a pipe.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use jiff::tz::TimeZone;
use kash_mcp_core::{Caller, Clock, Config, KashMcp, Lang, MemoryStore, Shop, StaticShop, Store};
use kash_sandbox::{Sandbox, SandboxConfig};
use rmcp::model::{CallToolRequestParams, CallToolResult, ClientConfig, ProgressNotificationParam};
use rmcp::service::{NotificationContext, RoleClient, RunningService};
use rmcp::{ClientHandler, ServiceExt};
use serde_json::Value;

use crate::truth::{Fig, Group, Query, summarize};

/// Tuesday 24 November 2026, 17:30 in Paris.
pub const NOW: &str = "2026-11-24T16:30:00Z";

/// Records progress notifications.
#[derive(Clone, Default)]
pub struct Client {
    pub progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").finish_non_exhaustive()
    }
}

impl ClientHandler for Client {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::default()
    }

    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.progress.lock().unwrap().push(params);
    }
}

/// A sandbox, a server on it, and a client.
pub struct Harness {
    pub sandbox: Sandbox,
    pub client: RunningService<RoleClient, Client>,
    pub progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
    pub tz: TimeZone,
    /// The server's tools, to check every result against its output schema.
    pub tools: Vec<rmcp::model::Tool>,
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("base_url", &self.sandbox.base_url())
            .finish_non_exhaustive()
    }
}

/// A sandbox at [`NOW`] and a server in `lang` on it.
pub async fn harness_in(lang: Lang) -> Harness {
    harness_with(lang, Arc::new(MemoryStore::default()), None).await
}

/// The same with these stores for the records of sales and (if given) the days of orders.
pub async fn harness_with(
    lang: Lang,
    records: Arc<dyn Store>,
    days: Option<Arc<dyn Store>>,
) -> Harness {
    Options {
        lang,
        records,
        days,
        ..Options::default()
    }
    .start()
    .await
}

/// How to start a harness.
#[derive(Debug)]
pub struct Options {
    pub lang: Lang,
    pub records: Arc<dyn Store>,
    pub days: Option<Arc<dyn Store>>,
    /// The client's timeout for one POS call.
    pub timeout: std::time::Duration,
    /// Changes to the server's configuration.
    pub configure: fn(&mut Config),
}

impl Default for Options {
    fn default() -> Self {
        Self {
            lang: Lang::En,
            records: Arc::new(MemoryStore::default()),
            days: None,
            timeout: kash_api::DEFAULT_TIMEOUT,
            configure: |_| {},
        }
    }
}

impl Options {
    /// Starts the sandbox, the server and the client.
    pub async fn start(self) -> Harness {
        let sandbox = Sandbox::start(SandboxConfig {
            now: Some(NOW.parse().unwrap()),
            ..SandboxConfig::default()
        })
        .await
        .unwrap();
        let c = sandbox.credentials();
        let client = kash_api::KashClient::builder(c.shop_id.clone(), c.api_key.clone())
            .base_url(sandbox.base_url())
            .timeout(self.timeout)
            .build()
            .unwrap();
        let mut config = Config {
            lang: self.lang,
            clock: Clock::starting_at(NOW.parse().unwrap()),
            ..Config::default()
        };
        (self.configure)(&mut config);
        let shop = Shop::new(client, config.time_zone.clone(), &config.tenant_secret);
        let shop = Arc::new(StaticShop::new(Caller::of(shop)));
        let server = match self.days {
            Some(days) => KashMcp::with_stores(config, shop, self.records, days),
            None => KashMcp::new(config, shop, self.records),
        };
        let (server_io, client_io) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            let running = server.serve(server_io).await.unwrap();
            let _ = running.waiting().await;
        });
        let handler = Client::default();
        let progress = handler.progress.clone();
        let client = handler.serve(client_io).await.unwrap();
        let tools = client.list_all_tools().await.unwrap();
        Harness {
            tools,
            sandbox,
            client,
            progress,
            tz: TimeZone::get("Europe/Paris").unwrap(),
        }
    }
}

/// [`harness_in`] English.
pub async fn harness() -> Harness {
    harness_in(Lang::En).await
}

/// The text blocks of a result, joined.
pub fn text_of(r: &CallToolResult) -> String {
    r.content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Harness {
    pub async fn call(&self, name: &str, args: Value) -> CallToolResult {
        let params = CallToolRequestParams::new(name.to_owned())
            .with_arguments(args.as_object().unwrap().clone());
        let result = self.client.call_tool(params).await.unwrap();
        let tool = self.tools.iter().find(|t| t.name == name).unwrap();
        crate::schema::check_output(tool, &result);
        result
    }

    /// A summary that must succeed: its text and structured content.
    pub async fn summary(&self, args: Value) -> (String, Value) {
        let r = self.call("sales_summary", args.clone()).await;
        let text = text_of(&r);
        assert_ne!(r.is_error, Some(true), "{args}: {text}");
        (text, r.structured_content.unwrap())
    }

    /// A summary that must fail: its message.
    pub async fn refused(&self, args: Value) -> String {
        let r = self.call("sales_summary", args.clone()).await;
        let text = text_of(&r);
        assert_eq!(r.is_error, Some(true), "{args} should fail: {text}");
        text
    }

    pub fn truth(&self, q: &Query, g: Group) -> (Fig, BTreeMap<String, Fig>) {
        let id = self.sandbox.credentials().shop_id.clone();
        self.sandbox
            .with_shop(&id, |d| summarize(d, &self.tz, q, g))
            .unwrap()
    }
}
