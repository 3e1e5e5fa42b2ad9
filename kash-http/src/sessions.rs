//! Legacy (`Mcp-Session-Id`) sessions bound to the principal that opened them, capped per
//! principal and in total, and expired when idle.
//!
//! Two kinds, one count, and an idle session of either kind is a record of a few hundred
//! bytes at most:
//! - **Light sessions**, for clients that cannot be asked a question (no `elicitation` in
//!   their `initialize`): a record (owner, protocol version, last use), each request served by
//!   rmcp's stateless path. Nothing runs for an idle one.
//! - **Asking sessions**, for clients that can be asked (a sale or a deletion to confirm): the
//!   server must send them requests and read their answers, which needs rmcp's session worker
//!   (two tasks and their channels, ~70 KB). A worker runs only while the session is in use:
//!   after [`SessionLimits::rest`] without a request or an open stream it is stopped, and the
//!   record keeps the client's `initialize`; the next request starts a new worker, which
//!   replays that handshake (rmcp's session restore, through the [`SessionStore`] that
//!   [`TenantSessions::handshakes`] gives rmcp). The server holds no other per-session state,
//!   so a restored session answers as the first one did.
//!
//! rmcp's session manager sees only session ids; the principal of the request being served is
//! put in a task-local by the HTTP layer ([`scope`]) around every call into rmcp, so that the
//! manager checks it: another principal (or none) presenting the id is told the session does
//! not exist (404) and is served nothing, and cannot close it. [`TenantSessions::find`] checks
//! the same before rmcp is called.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::Stream;
use rmcp::model::{
    ClientJsonRpcMessage, ClientNotification, InitializeRequestParams, ProtocolVersion,
    ServerJsonRpcMessage,
};
use rmcp::transport::common::server_side_http::ServerSseMessage;
use rmcp::transport::streamable_http_server::SessionId;
use rmcp::transport::streamable_http_server::session::local::{
    LocalSessionManager, LocalSessionManagerError, SessionTransport,
};
use rmcp::transport::streamable_http_server::session::store::{
    SessionState, SessionStore, SessionStoreError,
};
use rmcp::transport::streamable_http_server::session::{RestoreOutcome, SessionManager};

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
    /// Idle time after which an asking session's worker is stopped (the session stays open).
    pub rest: Duration,
    /// Most open sessions in all.
    pub total: usize,
    /// Most open sessions of one principal.
    pub per_principal: usize,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            rest: Duration::from_secs(10),
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
    light: Mutex<HashMap<SessionId, Light>>,
    asking: Mutex<HashMap<SessionId, Asking>>,
    /// Held while a worker is stopped to rest or started again, so that the two never
    /// interleave for one session.
    turn: tokio::sync::Mutex<()>,
    limits: SessionLimits,
}

/// A light session: who opened it, the protocol version it agreed, when it was last used.
#[derive(Debug)]
struct Light {
    owner: Arc<str>,
    version: ProtocolVersion,
    used: Instant,
}

/// An asking session.
#[derive(Debug)]
struct Asking {
    owner: Arc<str>,
    /// The client's `initialize` parameters (JSON, about a hundred bytes), kept once the
    /// handshake succeeded: what a new worker replays.
    handshake: Option<Box<[u8]>>,
    /// When the last request or stream ended (or began).
    used: Instant,
    /// Requests and streams in progress.
    busy: usize,
    /// The JSON-RPC ids (as JSON text) of the requests in progress.
    requests: Vec<String>,
    /// Its worker's state.
    worker: Worker,
    /// Workers stopped to rest whose end rmcp has yet to report.
    ending: usize,
}

/// The worker of an asking session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Worker {
    /// Serving.
    Awake,
    /// Started again, replaying the handshake: requests wait for it (as rmcp makes them wait
    /// for a restore in progress), since a message before the handshake would end it.
    Waking,
    /// Stopped; the session stays open.
    Resting,
}

/// What a session id presented with a request is.
#[derive(Debug)]
pub enum Found {
    /// The caller's light session, with the protocol version it agreed.
    Light(ProtocolVersion),
    /// The caller's asking session: it is in use while this lives.
    Asking(Busy),
    /// A session of another principal, or one that expired: as if it did not exist.
    Gone,
    /// No session of ours: rmcp says what it is.
    Elsewhere,
}

/// An asking session in use (a request or a stream); it may rest once every one has ended.
#[derive(Debug)]
pub struct Busy {
    sessions: Arc<TenantSessions>,
    id: SessionId,
    /// The JSON-RPC id of the request it carries, once [`Busy::claim`]ed.
    request: Option<String>,
}

impl Busy {
    /// Claims JSON-RPC id `request` (its JSON text) for the request this carries: false when a
    /// request of the session in progress already has it (rmcp's worker tells answers apart
    /// by id, and would never answer one of the two).
    pub fn claim(&mut self, request: String) -> bool {
        let mut asking = self.sessions.askings();
        let Some(s) = asking.get_mut(&self.id) else {
            return true;
        };
        if s.requests.contains(&request) {
            return false;
        }
        s.requests.push(request.clone());
        self.request = Some(request);
        true
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(s) = self.sessions.askings().get_mut(&self.id) {
            s.busy = s.busy.saturating_sub(1);
            s.used = Instant::now();
            if let Some(request) = &self.request {
                s.requests.retain(|r| r != request);
            }
        }
    }
}

/// Locks a map; a panic while it was held leaves it whole (every change is one insert, remove
/// or field update): keep serving.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl TenantSessions {
    /// A manager with these limits.
    pub fn new(limits: SessionLimits) -> Self {
        let mut inner = LocalSessionManager::default();
        inner.session_config.keep_alive = Some(limits.idle);
        Self {
            inner,
            light: Mutex::new(HashMap::new()),
            asking: Mutex::new(HashMap::new()),
            turn: tokio::sync::Mutex::new(()),
            limits,
        }
    }

    fn lights(&self) -> std::sync::MutexGuard<'_, HashMap<SessionId, Light>> {
        lock(&self.light)
    }

    fn askings(&self) -> std::sync::MutexGuard<'_, HashMap<SessionId, Asking>> {
        lock(&self.asking)
    }

    /// What rmcp keeps of asking sessions' handshakes, to start their workers again.
    pub fn handshakes(self: &Arc<Self>) -> Arc<dyn SessionStore> {
        Arc::new(Handshakes(self.clone()))
    }

    /// Open sessions (all principals, both kinds).
    pub async fn open(&self) -> usize {
        let light = self.lights().len();
        self.askings().len() + light
    }

    /// Asking sessions whose worker runs.
    pub fn awake(&self) -> usize {
        self.askings()
            .values()
            .filter(|s| s.worker != Worker::Resting)
            .count()
    }

    /// Whether `principal` may open one more session.
    pub async fn has_room_for(&self, principal: &str) -> bool {
        let mine = |owner: &Arc<str>| owner.as_ref() == principal;
        let (light, light_mine) = {
            let lights = self.lights();
            let n = lights.values().filter(|l| mine(&l.owner)).count();
            (lights.len(), n)
        };
        let asking = self.askings();
        let asking_mine = asking.values().filter(|s| mine(&s.owner)).count();
        asking.len() + light < self.limits.total
            && asking_mine + light_mine < self.limits.per_principal
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

    /// What `id` is for `caller`; a session of the caller's is marked used now.
    pub fn find(self: &Arc<Self>, id: &str, caller: &str) -> Found {
        let now = Instant::now();
        {
            let mut lights = self.lights();
            if let Some(light) = lights.get_mut(id) {
                if light.owner.as_ref() != caller {
                    return Found::Gone;
                }
                if now.duration_since(light.used) >= self.limits.idle {
                    lights.remove(id);
                    return Found::Gone;
                }
                light.used = now;
                return Found::Light(light.version.clone());
            }
        }
        let mut asking = self.askings();
        let Some(s) = asking.get_mut(id) else {
            return Found::Elsewhere;
        };
        if s.owner.as_ref() != caller {
            return Found::Gone;
        }
        s.busy += 1;
        s.used = now;
        Found::Asking(Busy {
            sessions: self.clone(),
            id: id.into(),
            request: None,
        })
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

    /// Ends the sessions idle for longer than the limit, and stops the workers of asking
    /// sessions idle for longer than [`SessionLimits::rest`].
    pub async fn expire(&self) {
        let now = Instant::now();
        let idle = self.limits.idle;
        {
            let mut lights = self.lights();
            lights.retain(|_, l| now.duration_since(l.used) < idle);
            if lights.capacity() > 64 && lights.capacity() > 4 * lights.len() {
                lights.shrink_to_fit();
            }
        }
        let resting: Vec<SessionId> = {
            let mut asking = self.askings();
            // A working session past the limit is rmcp's to end (its keep-alive).
            asking.retain(|_, s| s.worker != Worker::Resting || now.duration_since(s.used) < idle);
            if asking.capacity() > 64 && asking.capacity() > 4 * asking.len() {
                asking.shrink_to_fit();
            }
            asking
                .iter()
                .filter(|(_, s)| self.may_rest(s, now))
                .map(|(id, _)| id.clone())
                .collect()
        };
        for id in resting {
            self.rest(&id).await;
        }
    }

    fn may_rest(&self, s: &Asking, now: Instant) -> bool {
        s.worker == Worker::Awake
            && s.busy == 0
            && s.handshake.is_some()
            && now.duration_since(s.used) >= self.limits.rest
    }

    /// Stops the worker of asking session `id` if it is still idle.
    async fn rest(&self, id: &SessionId) {
        let _turn = self.turn.lock().await;
        {
            let mut asking = self.askings();
            let Some(s) = asking.get_mut(id) else {
                return;
            };
            if !self.may_rest(s, Instant::now()) {
                return;
            }
            s.worker = Worker::Resting;
            s.ending += 1;
        }
        if let Err(e) = self.inner.close_session(id).await {
            tracing::warn!(error = %e, "a resting session's worker did not stop cleanly");
        }
    }

    /// How often [`Self::expire`] should run: a session outlives its limit, and a worker its
    /// rest, by at most this.
    pub fn expiry_tick(&self) -> Duration {
        (self.limits.idle / 4)
            .min(self.limits.rest / 2)
            .clamp(Duration::from_secs(1), Duration::from_secs(60))
    }

    /// Whether the request's principal owns asking session `id`.
    fn owned_by_caller(&self, id: &str) -> bool {
        let Some(me) = current() else {
            return false;
        };
        self.askings().get(id).is_some_and(|s| s.owner == me)
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
        let session = Asking {
            owner: me,
            handshake: None,
            used: Instant::now(),
            busy: 0,
            requests: Vec::new(),
            worker: Worker::Awake,
            ending: 0,
        };
        self.askings().insert(id.clone(), session);
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
        let awake = {
            let me = current();
            let asking = self.askings();
            asking
                .get(id)
                .is_some_and(|s| s.worker == Worker::Awake && Some(&s.owner) == me.as_ref())
        };
        // A resting session is not here: rmcp asks for its handshake and starts it again.
        Ok(awake && self.inner.has_session(id).await?)
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        {
            let mut asking = self.askings();
            match (current(), asking.get_mut(id)) {
                // On DELETE the principal is known and must own the session.
                (Some(me), Some(s)) if s.owner == me => {
                    asking.remove(id);
                }
                (Some(_), _) => return Ok(()),
                // Without a request: a worker ended. One stopped to rest leaves its session.
                (None, Some(s)) if s.ending > 0 => {
                    s.ending -= 1;
                    return Ok(());
                }
                // Ended on its own (idle, closed by the client, the server stopping).
                (None, _) => {
                    asking.remove(id);
                }
            }
        }
        Ok(self.inner.close_session(id).await?)
    }

    async fn restore_session(
        &self,
        id: SessionId,
    ) -> Result<RestoreOutcome<Self::Transport>, Self::Error> {
        let _turn = self.turn.lock().await;
        let known = {
            let me = current().ok_or(SessionError::Anonymous)?;
            let asking = self.askings();
            asking
                .get(&id)
                .is_some_and(|s| s.owner == me && s.handshake.is_some())
        };
        if !known {
            return Ok(RestoreOutcome::NotSupported);
        }
        let outcome = self.inner.restore_session(id.clone()).await?;
        if let Some(s) = self.askings().get_mut(&id) {
            s.worker = Worker::Waking;
            s.used = Instant::now();
        }
        Ok(outcome)
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
        let initialized = matches!(
            &message,
            ClientJsonRpcMessage::Notification(n)
                if matches!(n.notification, ClientNotification::InitializedNotification(_))
        );
        self.inner.accept_message(id, message).await?;
        // The last message of a handshake replayed by rmcp's restore: what follows comes
        // after it.
        if initialized
            && let Some(s) = self.askings().get_mut(id)
            && s.worker == Worker::Waking
        {
            s.worker = Worker::Awake;
        }
        Ok(())
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

/// The asking sessions' handshakes, as rmcp's session store: kept after `initialize`, read
/// to start a resting session's worker again (by its owner only), dropped on DELETE (by its
/// owner only).
struct Handshakes(Arc<TenantSessions>);

#[async_trait::async_trait]
impl SessionStore for Handshakes {
    async fn load(&self, id: &str) -> Result<Option<SessionState>, SessionStoreError> {
        let me = current();
        let asking = self.0.askings();
        Ok(asking
            .get(id)
            .filter(|s| Some(&s.owner) == me.as_ref())
            .and_then(|s| s.handshake.as_deref())
            .and_then(|json| serde_json::from_slice::<InitializeRequestParams>(json).ok())
            .map(SessionState::new))
    }

    async fn store(&self, id: &str, state: &SessionState) -> Result<(), SessionStoreError> {
        let json = serde_json::to_vec(&state.initialize_params)?.into_boxed_slice();
        if let Some(s) = self.0.askings().get_mut(id) {
            s.handshake = Some(json);
        }
        Ok(())
    }

    async fn delete(&self, id: &str) -> Result<(), SessionStoreError> {
        if self.0.owned_by_caller(id) {
            self.0.askings().remove(id);
        }
        Ok(())
    }
}
