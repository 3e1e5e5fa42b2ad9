//! The one MCP client of the tests: rmcp's, with a handler that answers elicitation as told
//! and records progress notifications.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rmcp::model::{
    ClientCapabilities, ClientConfig, ElicitRequestParams, ElicitResult, ElicitationAction,
    Implementation, ProgressNotificationParam, ProtocolVersion,
};
use rmcp::service::{NotificationContext, RequestContext, RoleClient};
use rmcp::{ClientHandler, ErrorData};
use serde_json::json;

/// How the test client answers elicitation, if it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Decline,
}

/// An MCP client for tests.
#[derive(Debug, Clone, Default)]
pub struct TestClient {
    /// Elicitation: `None` = the client cannot be asked.
    pub answer: Option<Answer>,
    /// The version offered at `initialize` (default: rmcp's latest with `initialize`).
    pub version: Option<ProtocolVersion>,
    /// How many times the server asked.
    pub asked: Arc<AtomicUsize>,
    /// The last question asked.
    pub last_question: Arc<Mutex<String>>,
    /// Progress notifications received.
    pub progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
    /// The client's name in `clientInfo` (default `kash-e2e`).
    pub name: Option<String>,
}

impl TestClient {
    /// A client that cannot be asked anything.
    pub fn plain() -> Self {
        Self::default()
    }

    /// A plain client introducing itself as `name`.
    pub fn named(name: &str) -> Self {
        Self {
            name: Some(name.to_owned()),
            ..Self::default()
        }
    }

    /// A client that answers elicitation so (`None`: cannot be asked).
    pub fn answering(answer: Option<Answer>) -> Self {
        Self {
            answer,
            ..Self::default()
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
        let name = self.name.clone().unwrap_or_else(|| "kash-e2e".to_owned());
        let mut config = ClientConfig::new(caps, Implementation::new(name, "0"));
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

    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.progress.lock().unwrap().push(params);
    }
}
