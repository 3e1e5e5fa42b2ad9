//! Waiting for the end: SIGTERM or Ctrl-C, registered as soon as the process starts, so that a
//! signal arriving before the server is ready still ends it cleanly (exit 0), instead of
//! killing it. Shared by this crate's binary and the MCP binaries (through
//! `kash_mcp_core::front`), which depend on this crate for the embedded demo shop.

/// A registered shutdown signal.
#[derive(Debug)]
pub struct ShutdownSignal {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
}

impl ShutdownSignal {
    /// Registers the handlers now (inside a Tokio runtime). From this moment SIGTERM and SIGINT
    /// no longer kill the process: they are delivered to [`ShutdownSignal::recv`].
    pub fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Self {
                term: signal(SignalKind::terminate()).ok(),
                int: signal(SignalKind::interrupt()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Self {}
        }
    }

    /// Resolves at the first SIGTERM or Ctrl-C received since [`ShutdownSignal::install`].
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let term = async {
                match self.term.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let int = async {
                match self.int.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => {
                        let _ = tokio::signal::ctrl_c().await;
                    }
                }
            };
            tokio::select! {
                () = term => {}
                () = int => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
