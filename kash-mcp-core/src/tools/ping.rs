//! `ping`: is the server alive, and can it reach the shop's POS? Works without credentials.

use std::time::Instant;

use rmcp::model::CallToolResponse;
use schemars::JsonSchema;
use serde::Serialize;

use super::{Ctx, Effect, Spec, done};
use crate::error::ToolResult;
use crate::{schema, t, tr};

pub(crate) fn specs() -> Vec<Spec> {
    vec![Spec {
        handler: super::handler!(|ctx| call(ctx)),
        name: "ping",
        toolset: None,
        effect: Effect::Read,
        title: t!("Ping", "Ping"),
        description: t!(
            "Is the server up, and does it reach the shop's POS (with the round trip)? Works without credentials.",
            "Le serveur répond-il, et joint-il la caisse (avec l'aller-retour) ? Fonctionne sans identifiants."
        ),
        input: |_| schema::no_input(),
        output: schema::output::<PingOutput>,
        normalize: super::as_is,
        args: super::no_args,
    }]
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct PingOutput {
    pong: bool,
    server: String,
    version: String,
    language: String,
    /// The protocol version of this request.
    #[serde(skip_serializing_if = "Option::is_none")]
    protocol_version: Option<String>,
    shop_configured: bool,
    /// The built-in demo shop (simulated data), not a real one.
    demo: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    shop_id: Option<String>,
    /// Whether the POS answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pos_reachable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pos_latency_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pos_error: Option<String>,
}

pub(crate) async fn call(ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let mut out = PingOutput {
        pong: true,
        server: crate::SERVER_NAME.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        language: lang.code().into(),
        protocol_version: ctx.rc.protocol_version().map(|v| v.to_string()),
        shop_configured: false,
        demo: ctx.shared.config.demo || ctx.caller.shop.as_ref().is_ok_and(|s| s.demo),
        shop_id: None,
        pos_reachable: None,
        pos_latency_ms: None,
        pos_error: None,
    };
    let text = match ctx.shop() {
        Err(e) => tr!(
            lang,
            "pong — the server works, but no shop is configured ({}).",
            "pong — le serveur fonctionne, mais aucune boutique n'est configurée ({}).",
            e
        ),
        Ok(shop) => {
            out.shop_configured = true;
            out.shop_id = Some(shop.client.shop_id().to_string());
            let started = Instant::now();
            match shop.client.list_cashboxes().await {
                Ok(_) => {
                    let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                    out.pos_reachable = Some(true);
                    out.pos_latency_ms = Some(ms);
                    if out.demo {
                        tr!(
                            lang,
                            "pong — DEMO shop {} (built-in, simulated data; not a real shop) reachable, it answered in {} ms.",
                            "pong — boutique de DÉMONSTRATION {} (intégrée, données simulées ; pas une vraie boutique) joignable, elle a répondu en {} ms.",
                            shop.client.shop_id(),
                            ms
                        )
                    } else {
                        tr!(
                            lang,
                            "pong — shop {} reachable, the POS answered in {} ms.",
                            "pong — boutique {} joignable, la caisse a répondu en {} ms.",
                            shop.client.shop_id(),
                            ms
                        )
                    }
                }
                Err(e) => {
                    let message = ctx.caller.hinted(
                        lang,
                        crate::error::upstream_message(lang, &e),
                        crate::error::is_refusal(&e),
                    );
                    out.pos_reachable = Some(false);
                    out.pos_error = Some(message.clone());
                    tr!(
                        lang,
                        "pong — the server works, but the POS of shop {} did not answer: {}",
                        "pong — le serveur fonctionne, mais la caisse de la boutique {} n'a pas répondu : {}",
                        shop.client.shop_id(),
                        message
                    )
                }
            }
        }
    };
    done(text, &out)
}
