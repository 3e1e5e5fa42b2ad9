//! What a tool can fail with, and how upstream errors are told to the model.
//!
//! Every failure of a tool is an `isError` result whose text says what happened and what to do
//! next, in the chosen language. JSON-RPC errors are kept for malformed requests and bugs.
//! No text here can contain a secret: the SDK's errors are already scrubbed of the API key.

use std::sync::Arc;

use kash_api::{KashError, TransportKind};
use rmcp::model::{CallToolResult, ContentBlock};

use crate::i18n::Lang;
use crate::store::StoreError;
use crate::tr;

/// A tool failure, with the message the model will read and, for an operator, its cause.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments or the ids they reference are wrong; the model can fix them.
    #[error("{0}")]
    Invalid(String),
    /// The POS refused the request or could not be reached.
    #[error("{message}")]
    Upstream {
        /// What the model reads.
        message: String,
        /// The SDK's error (scrubbed of the key), logged once at the tool boundary.
        #[source]
        source: Option<Arc<KashError>>,
        /// The POS refused the credentials: the caller is told how to fix them.
        refused: bool,
    },
    /// The server's own storage failed (a shared store being unreachable).
    #[error("{message}")]
    Store {
        /// What the model reads.
        message: String,
        /// The store's error.
        #[source]
        source: StoreError,
    },
    /// No shop credentials for this caller.
    #[error("{0}")]
    NoShop(String),
    /// Nothing was done because the user said no or could not be asked.
    #[error("{0}")]
    NotConfirmed(String),
}

impl ToolError {
    /// The `isError` result.
    pub fn into_result(self) -> CallToolResult {
        CallToolResult::error(vec![ContentBlock::text(self.to_string())])
    }

    /// From an SDK error, for a read or a write that certainly did not happen.
    pub fn upstream(lang: Lang, err: &KashError) -> Self {
        match err {
            KashError::InvalidInput { message } => Self::Invalid(tr!(
                lang,
                "Invalid input: {}",
                "Entrée invalide : {}",
                message
            )),
            _ => Self::Upstream {
                message: upstream_message(lang, err),
                source: None,
                refused: is_refusal(err),
            },
        }
    }

    /// From an SDK error, keeping it as the cause.
    pub fn from_kash(lang: Lang, err: KashError) -> Self {
        match Self::upstream(lang, &err) {
            Self::Upstream {
                message, refused, ..
            } => Self::Upstream {
                message,
                source: Some(Arc::new(err)),
                refused,
            },
            other => other,
        }
    }

    /// An upstream failure told in `message`, with `err` as its cause.
    pub fn upstream_with(message: String, err: KashError) -> Self {
        Self::Upstream {
            message,
            refused: is_refusal(&err),
            source: Some(Arc::new(err)),
        }
    }

    /// A failure of the server's storage, told in the caller's language.
    pub fn store(lang: Lang, err: StoreError) -> Self {
        Self::Store {
            message: tr!(
                lang,
                "The server's storage is unavailable ({}); nothing was done. Try again in a moment.",
                "Le stockage du serveur est indisponible ({}) ; rien n'a été fait. Réessayez dans un instant.",
                err
            ),
            source: err,
        }
    }

    /// An internal failure told as it is (no cause to keep).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::Upstream {
            message: message.into(),
            source: None,
            refused: false,
        }
    }

    /// Whether the POS refused the caller's credentials.
    pub fn refused(&self) -> bool {
        matches!(self, Self::Upstream { refused: true, .. })
    }

    /// A short name of the kind of failure, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid",
            Self::Upstream { .. } => "upstream",
            Self::Store { .. } => "store",
            Self::NoShop(_) => "no_shop",
            Self::NotConfirmed(_) => "not_confirmed",
        }
    }
}

/// Whether the POS refused the credentials (the caller must fix them: the front end says how).
pub fn is_refusal(err: &KashError) -> bool {
    matches!(err, KashError::Api { message, .. } if is_credentials_message(message))
}

/// A short, actionable description of an SDK error. A refusal of the credentials says so
/// without telling how to fix them: that hint comes from the front end
/// ([`crate::caller::CredentialsHint`]).
pub fn upstream_message(lang: Lang, err: &KashError) -> String {
    match err {
        KashError::Transport {
            kind: TransportKind::Connect,
            ..
        } => tr!(
            lang,
            "Could not connect to the POS. Check the network and the API address, then try again.",
            "Impossible de joindre la caisse. Vérifiez le réseau et l'adresse de l'API, puis réessayez."
        ),
        KashError::Transport {
            kind: TransportKind::Timeout,
            ..
        } => tr!(
            lang,
            "The POS did not answer in time. Try again in a moment.",
            "La caisse n'a pas répondu à temps. Réessayez dans un instant."
        ),
        KashError::Transport { .. } => tr!(
            lang,
            "The connection to the POS was cut during the exchange. Try again in a moment.",
            "La connexion à la caisse a été coupée pendant l'échange. Réessayez dans un instant."
        ),
        KashError::Api {
            status, message, ..
        } if is_credentials_message(message) => tr!(
            lang,
            "The POS refused the shop credentials (HTTP {}): {}.",
            "La caisse a refusé les identifiants de la boutique (HTTP {}) : {}.",
            status,
            message
        ),
        KashError::Api {
            status, message, ..
        } if *status >= 500 => tr!(
            lang,
            "The POS had an internal error (HTTP {}): {}. Try again in a moment.",
            "La caisse a rencontré une erreur interne (HTTP {}) : {}. Réessayez dans un instant.",
            status,
            sentence(message)
        ),
        // A 2xx answer that is neither the expected data nor an error message.
        KashError::Api {
            status,
            explicit: false,
            message,
            ..
        } if (200..300).contains(status) => tr!(
            lang,
            "The POS answered something that could not be read ({}). This is a problem on the POS side; try again later, and report it if it lasts.",
            "La caisse a répondu quelque chose d'illisible ({}). Le problème vient de la caisse ; réessayez plus tard, et signalez-le s'il dure.",
            sentence(message)
        ),
        KashError::Api { message, .. } => tr!(
            lang,
            "The POS refused: {}",
            "La caisse a refusé : {}",
            message
        ),
        KashError::Decode { endpoint, path, .. } => tr!(
            lang,
            "The POS answered {} in an unexpected format (at `{}`). This is a change on the POS side; please report it.",
            "La caisse a répondu à {} dans un format inattendu (à `{}`). Il s'agit d'un changement côté caisse ; merci de le signaler.",
            endpoint,
            path
        ),
        KashError::InvalidInput { message } => {
            tr!(lang, "Invalid input: {}", "Entrée invalide : {}", message)
        }
        KashError::Config { message, .. } => tr!(
            lang,
            "The server is misconfigured: {}",
            "Le serveur est mal configuré : {}",
            message
        ),
        _ => err.to_string(),
    }
}

/// What happened to a write whose outcome is unknown, without advice to try again (a sale
/// must not be sent twice): the text of [`upstream_message`] up to its advice.
pub fn doubt_message(lang: Lang, err: &KashError) -> String {
    match err {
        KashError::Transport {
            kind: TransportKind::Timeout,
            ..
        } => lang
            .pick("no answer in time", "pas de réponse à temps")
            .to_owned(),
        KashError::Transport { .. } => lang
            .pick(
                "the connection was cut during the exchange",
                "la connexion a été coupée pendant l'échange",
            )
            .to_owned(),
        KashError::Api {
            status, message, ..
        } if *status >= 500 => tr!(
            lang,
            "an internal error of the POS, HTTP {}: {}",
            "une erreur interne de la caisse, HTTP {} : {}",
            status,
            sentence(message)
        ),
        KashError::Api { .. } | KashError::Decode { .. } => lang
            .pick("an answer that could not be read", "une réponse illisible")
            .to_owned(),
        other => other.to_string(),
    }
}

/// Upstream text as part of a sentence: trimmed, without its final full stop.
fn sentence(message: &str) -> &str {
    message.trim().trim_end_matches('.').trim_end()
}

/// Whether the POS's refusal says the record does not exist.
pub fn is_not_found_message(message: &str) -> bool {
    let m = message.to_lowercase();
    [
        "not found",
        "introuvable",
        "inconnu",
        "unknown",
        "n'existe pas",
        "does not exist",
        "no such",
    ]
    .iter()
    .any(|k| m.contains(k))
}

fn is_credentials_message(message: &str) -> bool {
    let m = message.to_lowercase();
    [
        "identifiant",
        "credential",
        "clé api",
        "cle api",
        "api key",
        "licence",
    ]
    .iter()
    .any(|k| m.contains(k))
}

/// Shorthand for `Result<T, ToolError>`.
pub type ToolResult<T> = Result<T, ToolError>;
