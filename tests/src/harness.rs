//! The harness of the tool tests: a sandbox over real HTTP, a server on it (over this run's
//! transport, see [`crate::session`]), and rmcp's client.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

use jiff::tz::TimeZone;
use kash_mcp_core::{Lang, Store};
use kash_sandbox::Sandbox;
use rmcp::model::{CallToolResult, ProgressNotificationParam};
use serde_json::Value;

use crate::client::TestClient;
use crate::session::{Era, InProcess, Session, connect, in_process, sandbox};
pub use crate::session::{NOW, text_of};
use crate::truth::{Fig, Group, Query, summarize};

/// A sandbox, a server on it, and a client.
pub struct Harness {
    pub sandbox: Sandbox,
    pub session: Session,
    /// Progress notifications the client received.
    pub progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
    pub tz: TimeZone,
}

impl Deref for Harness {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
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
    Options {
        lang,
        ..Options::default()
    }
    .start()
    .await
}

/// The same, in process, with these stores for the records of sales and (if given) the days
/// of orders.
pub async fn harness_with(
    lang: Lang,
    records: Arc<dyn Store>,
    days: Option<Arc<dyn Store>>,
) -> Harness {
    Options {
        lang,
        in_process: Some(InProcess {
            records,
            days,
            ..InProcess::default()
        }),
        ..Options::default()
    }
    .start()
    .await
}

/// How to start a harness.
#[derive(Debug, Default)]
pub struct Options {
    pub lang: Lang,
    /// `kash-stdio`'s flags (any transport).
    pub flags: Vec<&'static str>,
    /// What only a server in this process can be given (forces the in-process transport).
    pub in_process: Option<InProcess>,
}

impl Options {
    /// Starts the sandbox, the server and the client.
    pub async fn start(self) -> Harness {
        let sandbox = sandbox().await;
        let client = TestClient::plain();
        let progress = client.progress.clone();
        let mut flags = self.flags.clone();
        flags.extend(["--lang", self.lang.code()]);
        let session = match self.in_process {
            Some(extra) => in_process(&sandbox, Era::Legacy, &flags, client, extra).await,
            None => connect(&sandbox, Era::Legacy, &flags, client).await,
        };
        Harness {
            sandbox,
            session,
            progress,
            tz: TimeZone::get("Europe/Paris").unwrap(),
        }
    }
}

/// [`harness_in`] English.
pub async fn harness() -> Harness {
    harness_in(Lang::En).await
}

impl Harness {
    /// Calls a tool the server lists.
    pub async fn call(&self, name: &str, args: Value) -> CallToolResult {
        assert!(
            self.tools.iter().any(|t| t.name == name),
            "{name} is not listed"
        );
        self.session.call(name, args).await
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
