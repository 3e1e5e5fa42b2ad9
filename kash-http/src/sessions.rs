//! Legacy (`Mcp-Session-Id`) sessions bound to the principal that opened them, capped per
//! principal and in total, and expired when idle.
//!
//! Two kinds, one count:
//! - **Light sessions**, for clients that cannot be asked a question (no `elicitation` in
//!   their `initialize`): a record of a few dozen bytes (owner, protocol version, last use),
//!   each request served by rmcp's stateless path. Nothing runs for an idle one.
//! - **rmcp sessions**, for clients that can be asked (a sale or a deletion to confirm): the
//!   server must send them requests and read their answers, which needs rmcp's session
//!   worker (two tasks and their channels per session).
//!
//! rmcp's session manager sees only session ids; the principal of the request being served is
//! put in a task-local by the HTTP layer ([`scope`]) around every call into rmcp, so that the
//! manager checks it: another principal (or none) presenting the id is told the session does
//! not exist (404) and is served nothing, and cannot close it. Light sessions are checked the
//! same way by [`TenantSessions::light`].

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::Stream;
use rmcp::model::{ClientJsonRpcMessage, ProtocolVersion, ServerJsonRpcMessage};
use rmcp::transport::common::server_side_http::ServerSseMessage;
use rmcp::transport::streamable_http_server::SessionId;
use rmcp::transport::streamable_http_server::session::SessionManager;
use rmcp::transport::streamable_http_server::session::local::{
    LocalSessionManager, LocalSessionManagerError, SessionTransport,
};
use tokio::sync::RwLock;

tokio::task_local! {
    /// The principal of the request being served (its session key).
    static PRINCIPAL: Arc<str>;
}

/// Runs `f` with `principal` as the request's principal for the session manager.
pub async fn scope<F: Future>(principal: Arc<str>, f: F) -> F::Output {
    PRINCIPAL.scope(principal, f).await
}

fn current() -> Option<Arc<str>> {
    PRINCIPAL.try_with(Clone::clone).ok()
}

/// Limits on sessions.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// Idle time after which a session ends.
    pub idle: Duration,
    /// Most open sessions in all.
    pub total: usize,
    /// Most open sessions of one principal.
    pub per_principal: usize,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            total: 10_000,
            per_principal: 100,
        }
    }
}

/// Why a session could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// rmcp's own session error.
    #[error(transparent)]
    Local(#[from] LocalSessionManagerError),
    /// Too many sessions.
    #[error("too many open sessions; close some or wait for them to expire")]
    Full,
    /// No principal on the request.
    #[error("no principal")]
    Anonymous,
}

/// The session manager of the hosted server.
#[derive(Debug)]
pub struct TenantSessions {
    inner: LocalSessionManager,
    owners: RwLock<HashMap<SessionId, Arc<str>>>,
    light: Mutex<HashMap<SessionId, Light>>,
    limits: SessionLimits,
}

/// A light session: who opened it, the protocol version it agreed, when it was last used.
#[derive(Debug)]
struct Light {
    owner: Arc<str>,
    version: ProtocolVersion,
    used: Instant,
}

/// What a session id presented with a request is.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// The caller's light session, with the protocol version it agreed.
    Light(ProtocolVersion),
    /// A light session of another principal, or one that expired: as if it did not exist.
    Gone,
    /// Not a light session: rmcp's (or none).
    Elsewhere,
}

impl TenantSessions {
    /// A manager with these limits.
    pub fn new(limits: SessionLimits) -> Self {
        let mut inner = LocalSessionManager::default();
        inner.session_config.keep_alive = Some(limits.idle);
        Self {
            inner,
            owners: RwLock::new(HashMap::new()),
            light: Mutex::new(HashMap::new()),
            limits,
        }
    }

    fn lights(&self) -> std::sync::MutexGuard<'_, HashMap<SessionId, Light>> {
        // A panic while the map was held leaves it whole (every change is one insert or
        // remove): keep serving.
        self.light
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Open sessions (all principals, both kinds).
    pub async fn open(&self) -> usize {
        let light = self.lights().len();
        self.owners.read().await.len() + light
    }

    /// Whether `principal` may open one more session.
    pub async fn has_room_for(&self, principal: &str) -> bool {
        let (light, light_mine) = {
            let lights = self.lights();
            let mine = lights
                .values()
                .filter(|l| l.owner.as_ref() == principal)
                .count();
            (lights.len(), mine)
        };
        let owners = self.owners.read().await;
        owners.len() + light < self.limits.total
            && owners.values().filter(|o| o.as_ref() == principal).count() + light_mine
                < self.limits.per_principal
    }

    /// Opens a light session for `owner`, which agreed `version`; `None` when there is no
    /// room (checked again here: the caller's earlier check raced with others).
    pub async fn open_light(&self, owner: Arc<str>, version: ProtocolVersion) -> Option<SessionId> {
        if !self.has_room_for(&owner).await {
            return None;
        }
        let id: SessionId = uuid::Uuid::new_v4().simple().to_string().into();
        let light = Light {
            owner,
            version,
            used: Instant::now(),
        };
        self.lights().insert(id.clone(), light);
        Some(id)
    }

    /// What `id` is for `caller`; a light session of the caller's is marked used now.
    pub fn light(&self, id: &str, caller: &str) -> Found {
        let mut lights = self.lights();
        let Some(light) = lights.get_mut(id) else {
            return Found::Elsewhere;
        };
        if light.owner.as_ref() != caller {
            return Found::Gone;
        }
        let now = Instant::now();
        if now.duration_since(light.used) >= self.limits.idle {
            lights.remove(id);
            return Found::Gone;
        }
        light.used = now;
        Found::Light(light.version.clone())
    }

    /// Ends the caller's light session `id`; false when it is not the caller's.
    pub fn close_light(&self, id: &str, caller: &str) -> bool {
        let mut lights = self.lights();
        if lights.get(id).is_some_and(|l| l.owner.as_ref() == caller) {
            lights.remove(id);
            return true;
        }
        false
    }

    /// Ends the light sessions idle for longer than the limit (rmcp ends its own).
    pub fn expire(&self) {
        let idle = self.limits.idle;
        let now = Instant::now();
        let mut lights = self.lights();
        lights.retain(|_, l| now.duration_since(l.used) < idle);
        if lights.capacity() > 64 && lights.capacity() > 4 * lights.len() {
            lights.shrink_to_fit();
        }
    }

    /// How often [`Self::expire`] should run: a session outlives its limit by at most this.
    pub fn expiry_tick(&self) -> Duration {
        (self.limits.idle / 4).clamp(Duration::from_secs(1), Duration::from_secs(60))
    }

    async fn owned_by_caller(&self, id: &SessionId) -> bool {
        let Some(me) = current() else {
            return false;
        };
        self.owners.read().await.get(id).is_some_and(|o| *o == me)
    }
}

impl SessionManager for TenantSessions {
    type Error = SessionError;
    type Transport = SessionTransport;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Self::Error> {
        let me = current().ok_or(SessionError::Anonymous)?;
        if !self.has_room_for(&me).await {
            return Err(SessionError::Full);
        }
        let (id, transport) = self.inner.create_session().await?;
        self.owners.write().await.insert(id.clone(), me);
        Ok((id, transport))
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Self::Error> {
        Ok(self.inner.initialize_session(id, message).await?)
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Self::Error> {
        Ok(self.owned_by_caller(id).await && self.inner.has_session(id).await?)
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        // On DELETE the principal is known and must own the session; when a session ends on
        // its own (idle, closed by the client) there is no request, and it is removed.
        if current().is_some() && !self.owned_by_caller(id).await {
            return Ok(());
        }
        self.owners.write().await.remove(id);
        Ok(self.inner.close_session(id).await?)
    }

    fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> impl Future<
        Output = Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error>,
    > + Send {
        let inner = self.inner.create_stream(id, message);
        async move { Ok(inner.await?) }
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Self::Error> {
        Ok(self.inner.accept_message(id, message).await?)
    }

    fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> impl Future<
        Output = Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error>,
    > + Send {
        let inner = self.inner.create_standalone_stream(id);
        async move { Ok(inner.await?) }
    }

    fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> impl Future<
        Output = Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error>,
    > + Send {
        let inner = self.inner.resume(id, last_event_id);
        async move { Ok(inner.await?) }
    }
}
