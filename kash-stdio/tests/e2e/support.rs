//! `kash-stdio` as a child process pointed at a sandbox, driven by the tests' MCP client
//! (`kash_e2e`), in either protocol era. Everything the child writes (stdout and stderr) is
//! captured for the secret scans.

use std::ops::Deref;
use std::path::Path;

pub use kash_e2e::client::TestClient;
pub use kash_e2e::session::{Captured, ERAS, Era, orders_in, sandbox};
use kash_sandbox::Sandbox;
use tokio::process::{Child, Command};

/// A running `kash-stdio` and a client connected to it.
pub struct Session {
    pub session: kash_e2e::session::Session,
    pub child: Child,
    pub stdout: Captured,
    pub stderr: Captured,
}

impl Deref for Session {
    type Target = kash_e2e::session::Session;
    fn deref(&self) -> &Self::Target {
        &self.session
    }
}

/// `kash-stdio` with the test clock, no inherited credentials, every log and `extra` flags.
pub fn command(extra: &[&str]) -> Command {
    kash_e2e::session::command(Path::new(env!("CARGO_BIN_EXE_kash-stdio")), extra)
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

/// Connects to the child `cmd` starts.
pub async fn spawn(cmd: Command, era: Era, handler: TestClient) -> Session {
    let mut session = kash_e2e::session::spawn(cmd, era, handler).await;
    let p = session.process.take().expect("a child process");
    Session {
        session,
        child: p.child,
        stdout: p.stdout,
        stderr: p.stderr,
    }
}

impl Session {
    /// Closes the client and waits for the child to exit.
    pub async fn close(mut self) -> std::process::ExitStatus {
        let _ = self.session.client.cancel().await;
        tokio::time::timeout(std::time::Duration::from_secs(10), self.child.wait())
            .await
            .expect("kash-stdio exits after its stdin closes")
            .unwrap()
    }
}
