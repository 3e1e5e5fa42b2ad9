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
