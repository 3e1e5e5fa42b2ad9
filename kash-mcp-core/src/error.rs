//! What a tool can fail with, and how upstream errors are told to the model.
//!
//! Every failure of a tool is an `isError` result whose text says what happened and what to do
//! next, in the chosen language. JSON-RPC errors are kept for malformed requests and bugs.
//! No text here can contain a secret: the SDK's errors are already scrubbed of the API key.

use kash_api::{KashError, TransportKind};
use rmcp::model::{CallToolResult, ContentBlock};

use crate::i18n::Lang;
use crate::tr;

/// A tool failure, with the message the model will read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    /// The arguments or the ids they reference are wrong; the model can fix them.
    #[error("{0}")]
    Invalid(String),
    /// The POS refused the request or could not be reached.
    #[error("{0}")]
    Upstream(String),
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
            _ => Self::Upstream(upstream_message(lang, err)),
        }
    }
}

/// A short, actionable description of an SDK error.
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
            "The POS refused the shop credentials (HTTP {}): {}. Check SHOPID and APIKEY in the back office under Setup > Webservices (the extended licence is required).",
            "La caisse a refusé les identifiants de la boutique (HTTP {}) : {}. Vérifiez SHOPID et APIKEY dans le back-office, Paramétrage > Webservices (licence étendue requise).",
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
            message
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
