//! One `tools/call`, from the request to the answer: the caller and what they may see, the
//! tool (or why they cannot call it), the arguments held to the tool's schema, the handler,
//! and one log line with the cause of a failure.

use std::time::Instant;

use rmcp::model::{CallToolRequestParams, CallToolResponse};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer};

use super::Shared;
use super::views::visible;
use crate::call::Call;
use crate::error::ToolError;
use crate::validate::ArgsValidator;
use crate::{schema, tools, tr};

pub(super) async fn run(
    shared: &Shared,
    request: CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, ErrorData> {
    let caller = shared.shops.caller(context).await;
    let lang = shared.lang_of(&caller);
    let name = tools::canonical_name(&request.name);
    let Some(index) = shared.specs.iter().position(|s| s.name == name) else {
        return Err(ErrorData::invalid_params(
            format!("unknown tool `{}`", request.name),
            None,
        ));
    };
    let (Some(spec), Some(validator)) = (shared.specs.get(index), shared.validators.get(index))
    else {
        return Err(ErrorData::internal_error("tool table out of step", None));
    };
    // A tool the caller cannot see cannot be called; the refusal says why.
    let rights = shared.rights_of(&caller);
    if !visible(spec, &rights) {
        let why = if rights.read_only && spec.writes() {
            if shared.config.read_only {
                lang.pick(
                    "this server is read-only",
                    "ce serveur est en lecture seule",
                )
            } else {
                lang.pick(
                    "your access is read-only: sign in again and grant the right to record sales and change the catalogue",
                    "votre accès est en lecture seule : reconnectez-vous en accordant le droit d'enregistrer des ventes et de modifier le catalogue",
                )
            }
        } else {
            lang.pick(
                "its tool group is not enabled on this server",
                "son groupe d'outils n'est pas activé sur ce serveur",
            )
        };
        tracing::info!(tool = spec.name, "tool not available to the caller");
        return Ok(ToolError::Invalid(tr!(
            lang,
            "`{}` is not available: {}.",
            "`{}` n'est pas disponible : {}.",
            spec.name,
            why
        ))
        .into_result()
        .into());
    }
    // Held to the published schema before anything runs.
    let mut args = request.arguments.clone().unwrap_or_default();
    (spec.normalize)(&mut args);
    let validator = validator
        .get_or_init(|| ArgsValidator::new(&(spec.input)(lang)))
        .as_ref()
        .map_err(|e| {
            tracing::error!(tool = spec.name, error = %e, "input schema does not compile");
            ErrorData::internal_error("the tool's input schema does not compile", None)
        })?;
    if let Err(e) = validator.check(lang, &mut args) {
        tracing::info!(tool = spec.name, is_error = true, "invalid arguments");
        return Ok(e.into_result().into());
    }
    let mut request = request;
    request.arguments = Some(args);
    let call = Call {
        shared,
        rc: context,
        params: &request,
        caller: &caller,
        lang,
    };
    let started = Instant::now();
    let outcome = (spec.handler)(&call).await;
    let elapsed = started.elapsed();
    let elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
    if let Some(meter) = &shared.config.meter {
        let how = match &outcome {
            Ok(CallToolResponse::Complete(r)) if r.is_error == Some(true) => "tool_error",
            Ok(_) => "ok",
            Err(e) => e.kind(),
        };
        meter.tool_call(spec.name, how, elapsed);
    }
    match outcome {
        Ok(mut response) => {
            if let CallToolResponse::Complete(r) = &mut response
                && let Some(v) = r.structured_content.as_mut()
            {
                schema::strip_nulls(v);
            }
            let is_error =
                matches!(&response, CallToolResponse::Complete(r) if r.is_error == Some(true));
            tracing::info!(tool = spec.name, elapsed_ms, is_error, "tool call");
            Ok(response)
        }
        Err(e) => {
            // Once, with its cause (the SDK's errors are scrubbed of the key).
            match std::error::Error::source(&e) {
                Some(cause) => tracing::info!(
                    tool = spec.name,
                    elapsed_ms,
                    is_error = true,
                    kind = e.kind(),
                    cause = %cause,
                    "tool call"
                ),
                None => tracing::info!(
                    tool = spec.name,
                    elapsed_ms,
                    is_error = true,
                    kind = e.kind(),
                    "tool call"
                ),
            }
            let refused = e.refused();
            let message = caller.hinted(lang, e.to_string(), refused);
            Ok(ToolError::Invalid(message).into_result().into())
        }
    }
}
