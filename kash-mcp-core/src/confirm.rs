//! Asking the user to confirm (a sale, a deletion) through elicitation, in both protocol eras:
//! `elicitation/create` sent to clients that initialized (before 2026-07-28), and an
//! `InputRequiredResult` with a sealed request state for 2026-07-28 clients, which retry the
//! call with the answer. Nothing happens when the user declines or the client cannot ask.

use std::time::Duration;

use rmcp::model::{
    CallToolResponse, ElicitRequest, ElicitRequestParams, ElicitationAction, InputRequest,
    InputRequests, InputRequiredResult, ProtocolVersion, SealOptions,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::call::Call as Ctx;
use crate::error::ToolError;
use crate::store::StoreExt;
use crate::tr;

/// The key of the confirmation in `inputRequests` / `inputResponses`.
pub const INPUT_KEY: &str = "confirm";
/// How long a user has to answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a sealed request state is valid.
const STATE_TTL: Duration = Duration::from_secs(600);

/// What to do after asking.
#[derive(Debug)]
pub enum Confirmation {
    /// The user said yes: go on.
    Confirmed,
    /// Return this to the (2026-07-28) client; it will ask and call again.
    Ask(Box<CallToolResponse>),
}

/// The sealed state of a pending confirmation.
#[derive(Debug, Serialize, Deserialize)]
struct State {
    /// What is being confirmed: a digest of the tool and its arguments.
    digest: String,
    /// Single use.
    nonce: String,
}

/// A digest of a tool call's meaningful arguments, binding a confirmation to them.
pub fn digest(tool: &str, value: &impl Serialize) -> String {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    let mut h = Sha256::new();
    h.update(tool.as_bytes());
    h.update([0]);
    h.update(&bytes);
    hex::encode(h.finalize())
}

fn is_modern(ctx: &Ctx<'_>) -> bool {
    ctx.rc
        .protocol_version()
        .is_some_and(|v| v.as_str() >= ProtocolVersion::V_2026_07_28.as_str())
}

fn client_can_elicit(ctx: &Ctx<'_>) -> bool {
    ctx.rc
        .client_capabilities()
        .is_some_and(|c| c.elicitation.is_some())
}

fn request(message: &str, title: &str) -> Result<ElicitRequestParams, ToolError> {
    let schema = serde_json::from_value(json!({
        "type": "object",
        "properties": {
            "confirm": {
                "type": "boolean",
                "title": title,
                "default": false
            }
        },
        "required": ["confirm"]
    }))
    .map_err(|e| ToolError::internal(format!("confirmation form: {e}")))?;
    Ok(ElicitRequestParams::FormElicitationParams {
        meta: None,
        message: message.to_owned(),
        requested_schema: schema,
    })
}

fn accepted(action: &ElicitationAction, content: Option<&serde_json::Value>) -> bool {
    matches!(action, ElicitationAction::Accept)
        && content
            .and_then(|c| c.get("confirm"))
            .and_then(serde_json::Value::as_bool)
            == Some(true)
}

/// Asks the user to confirm `message` about the call whose arguments digest to `digest`.
///
/// # Errors
/// [`ToolError::NotConfirmed`] when the user declines, cancels, or cannot be asked; the
/// message says nothing was done.
pub async fn ask(
    ctx: &Ctx<'_>,
    tenant: &str,
    digest: &str,
    message: &str,
    nothing_done: &str,
) -> Result<Confirmation, ToolError> {
    let lang = ctx.lang;
    let title = lang.pick("Confirm", "Confirmer");
    let declined = || {
        ToolError::NotConfirmed(tr!(
            lang,
            "Not done: the user did not confirm. {}",
            "Rien n'a été fait : l'utilisateur n'a pas confirmé. {}",
            nothing_done
        ))
    };
    if !client_can_elicit(ctx) {
        return Err(ToolError::NotConfirmed(tr!(
            lang,
            "Not done: this server asks the user to confirm, and this client cannot show a confirmation. {}",
            "Rien n'a été fait : ce serveur demande la confirmation de l'utilisateur, et ce client ne peut pas l'afficher. {}",
            nothing_done
        )));
    }
    if !is_modern(ctx) {
        let params = request(message, title)?;
        let result = ctx
            .rc
            .peer
            .create_elicitation_with_timeout(params, Some(ANSWER_TIMEOUT))
            .await
            .map_err(|e| {
                ToolError::NotConfirmed(tr!(
                    lang,
                    "Not done: the confirmation could not be asked ({}). {}",
                    "Rien n'a été fait : la confirmation n'a pas pu être demandée ({}). {}",
                    e,
                    nothing_done
                ))
            })?;
        return if accepted(&result.action, result.content.as_ref()) {
            Ok(Confirmation::Confirmed)
        } else {
            Err(declined())
        };
    }

    // 2026-07-28: the answer comes back with the retried call.
    let codec = &ctx.shared.codec;
    let options = SealOptions::new()
        .associated_data(tenant.as_bytes())
        .ttl(STATE_TTL);
    if let Some(sealed) = ctx.params.request_state.as_deref() {
        let state: State = codec.open_json_with(sealed, tenant.as_bytes()).map_err(|_| {
            ToolError::Invalid(tr!(
                lang,
                "The confirmation state is invalid or expired; call again without `requestState`.",
                "L'état de confirmation est invalide ou expiré ; rappelez sans `requestState`."
            ))
        })?;
        if state.digest != digest {
            return Err(ToolError::Invalid(tr!(
                lang,
                "The arguments changed since the confirmation was asked; call again to get a new one.",
                "Les arguments ont changé depuis la demande de confirmation ; rappelez pour en obtenir une nouvelle."
            )));
        }
        let answer = ctx
            .params
            .input_responses
            .as_ref()
            .and_then(|r| r.get(INPUT_KEY));
        let Some(answer) = answer else {
            return Err(declined());
        };
        let action: Option<ElicitationAction> = answer
            .get("action")
            .and_then(|a| serde_json::from_value(a.clone()).ok());
        let ok = action.is_some_and(|a| accepted(&a, answer.get("content")));
        if !ok {
            return Err(declined());
        }
        let nonce_key = format!("confirm:{tenant}:{}", state.nonce);
        let fresh = ctx
            .shared
            .store
            .set_json_if_absent(&nonce_key, &true, STATE_TTL)
            .await
            .map_err(|e| ToolError::store(lang, e))?;
        if !fresh {
            return Err(ToolError::Invalid(tr!(
                lang,
                "This confirmation was already used; call again to be asked anew.",
                "Cette confirmation a déjà servi ; rappelez pour qu'elle soit redemandée."
            )));
        }
        return Ok(Confirmation::Confirmed);
    }
    let state = State {
        digest: digest.to_owned(),
        nonce: uuid::Uuid::new_v4().simple().to_string(),
    };
    let sealed = codec
        .seal_json_with(&state, &options)
        .map_err(|e| ToolError::internal(format!("sealing the confirmation: {e}")))?;
    let mut requests = InputRequests::new();
    requests.insert(
        INPUT_KEY.to_owned(),
        InputRequest::Elicitation(ElicitRequest::new(request(message, title)?)),
    );
    Ok(Confirmation::Ask(Box::new(
        InputRequiredResult::new(Some(requests), Some(sealed)).into(),
    )))
}
