//! The one error type of the SDK.
//!
//! Each variant says what the caller can do about it (the smithy-rs error design): retry a
//! [`KashError::Transport`] failure, show an [`KashError::Api`] refusal to the user, report a
//! [`KashError::Decode`] failure as contract drift, fix the input of an
//! [`KashError::InvalidInput`], fix the setup on a [`KashError::Config`].
//!
//! `Display` never repeats the source (it is reachable through [`std::error::Error::source`]),
//! and no text in any variant can carry the API key: upstream text is scrubbed before it is
//! stored, and transport errors have their URL (which holds the key on GET requests) removed.

use std::fmt;

/// Everything that can go wrong when talking to the POS API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KashError {
    /// The POS could not be reached or did not answer in time. Reads may be retried.
    #[error("could not reach the POS API ({endpoint}): {kind}")]
    Transport {
        /// The PHP script that was called, e.g. `getPlus.php`.
        endpoint: &'static str,
        /// What happened on the wire.
        kind: TransportKind,
        /// The underlying HTTP client error, with its URL removed.
        #[source]
        source: Option<reqwest::Error>,
    },

    /// The POS answered but refused the request or failed: a non-2xx status, an error envelope
    /// such as `{"result":"ERROR","message":"…"}` on HTTP 200, a PHP error page, or text where
    /// JSON was expected.
    #[error("the POS API refused {endpoint}{}: {message}", status_suffix(*.status))]
    Api {
        /// The PHP script that was called.
        endpoint: &'static str,
        /// The HTTP status code.
        status: u16,
        /// Whether the POS said plainly that it did not apply the request (an error envelope or
        /// a 4xx). `false` for 5xx answers and unexpected text, after which a write may or may
        /// not have been applied.
        explicit: bool,
        /// What the POS said, scrubbed of secrets and shortened.
        message: String,
    },

    /// The POS answered with JSON of an unexpected shape.
    #[error("unexpected answer from the POS API ({endpoint}) at `{path}`: {reason}")]
    Decode {
        /// The PHP script that was called.
        endpoint: &'static str,
        /// Where in the document decoding failed, e.g. `[3].price`.
        path: String,
        /// Why it failed, without the offending value.
        reason: String,
        /// A short, scrubbed excerpt of the answer around the failure.
        snippet: String,
    },

    /// The request was refused before anything was sent, because sending it would be wrong.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong and what to change.
        message: String,
    },

    /// The client is misconfigured (bad base URL, empty credentials, TLS setup).
    #[error("configuration error: {message}")]
    Config {
        /// What is wrong.
        message: String,
        /// The underlying error, if any.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

fn status_suffix(status: u16) -> String {
    if status == 200 {
        String::new()
    } else {
        format!(" (HTTP {status})")
    }
}

/// What went wrong on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be made; the request was never sent.
    Connect,
    /// The POS did not answer within the timeout. The request may have been received.
    Timeout,
    /// The connection failed after the request was sent (closed mid-answer, bad framing).
    Interrupted,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connection failed",
            Self::Timeout => "timed out",
            Self::Interrupted => "connection lost during the exchange",
        })
    }
}

impl KashError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidInput {
            message: message.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
            source: None,
        }
    }

    /// Whether the POS did not answer in time.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Self::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        )
    }

    /// Whether retrying the same *read* later may succeed: transport failures, 429 and 5xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { .. } => true,
            Self::Api { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// For a *write*: whether the POS may have applied it even though this error came back.
    ///
    /// `false` only when it is certain nothing was applied: the input was refused before
    /// sending, no connection was made, or the POS refused explicitly (an error envelope or a
    /// 4xx status). A timeout, a dropped connection, a 5xx page or an unreadable answer leave
    /// the outcome unknown, and a sale must then be reported as "may have been recorded".
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Self::InvalidInput { .. } | Self::Config { .. } => false,
            Self::Transport { kind, .. } => *kind != TransportKind::Connect,
            Self::Api { explicit, .. } => !explicit,
            Self::Decode { .. } => true,
        }
    }

    /// The PHP script the failed call was addressed to, when a call was made.
    pub fn endpoint(&self) -> Option<&'static str> {
        match self {
            Self::Transport { endpoint, .. }
            | Self::Api { endpoint, .. }
            | Self::Decode { endpoint, .. } => Some(endpoint),
            _ => None,
        }
    }
}

/// Convenience alias used throughout the SDK.
pub type Result<T, E = KashError> = std::result::Result<T, E>;
