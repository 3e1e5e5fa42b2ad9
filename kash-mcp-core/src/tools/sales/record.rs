//! A sale recorded exactly once, and a doubtful sale resolved.
//!
//! Every sale is sent under a record key (its preview, its `idempotencyKey`, or a key the
//! server makes up and tells) and carries a mark derived from that key at the end of its
//! private comment, `[kash:0123456789abcdef]`. The record in the store says where the sale
//! stands: being sent, recorded (with its receipt), or uncertain (the POS did not say).
//!
//! A call with a key already seen never sends blindly. Recorded: the same receipt again.
//! Uncertain, or sending for longer than any answer takes: the server looks for the mark in
//! the POS's orders of the sale's day. Found: recorded, once, and said so. Not found, once the
//! POS has answered the listing and long enough after the send that it cannot still be
//! processing it: recorded now, once (a lock per attempt keeps two retries from both sending).

use jiff::Timestamp;
use kash_api::orders::{ListOrders, Order, OrderKind};
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::output::SaleStatus;
use super::{Resolved, SaleOutput, output};
use crate::error::{ToolError, ToolResult};
use crate::i18n::Lang;
use crate::shop::Shop;
use crate::store::{Store, StoreError, StoreExt};
use crate::tools::{Ctx, done};
use crate::tr;

/// Where a sale stands, under its record key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(super) enum Record {
    /// Being sent since `sent_at` (unix seconds).
    Sending {
        digest: String,
        #[serde(default)]
        sent_at: i64,
        #[serde(default)]
        attempt: u32,
    },
    /// Recorded; the receipt to return again.
    Recorded { digest: String, output: SaleOutput },
    /// Sent at `sent_at`, outcome unknown.
    Uncertain {
        digest: String,
        output: SaleOutput,
        #[serde(default)]
        sent_at: i64,
        #[serde(default)]
        attempt: u32,
    },
}

impl Record {
    pub(super) fn digest(&self) -> &str {
        match self {
            Self::Sending { digest, .. }
            | Self::Recorded { digest, .. }
            | Self::Uncertain { digest, .. } => digest,
        }
    }
}

/// How a caller repeats this sale to check it or finish it.
#[derive(Debug, Clone)]
pub(super) enum Handle {
    /// `confirmPreviewId`.
    Preview(String),
    /// `idempotencyKey` (the caller's, or one the server made up).
    Key(String),
}

impl Handle {
    pub(super) fn text(&self, lang: Lang) -> String {
        match self {
            Self::Preview(id) => tr!(
                lang,
                "confirmPreviewId \"{}\"",
                "confirmPreviewId « {} »",
                id
            ),
            Self::Key(k) => tr!(
                lang,
                "idempotencyKey \"{}\" and the same sale",
                "idempotencyKey « {} » et la même vente",
                k
            ),
        }
    }
}

/// The mark a sale carries in its private comment: from the record key, never the key itself.
pub(super) fn mark(record_key: &str) -> String {
    let hash = Sha256::digest(record_key.as_bytes());
    format!("[kash:{}]", hex::encode(hash.get(..8).unwrap_or_default()))
}

fn now_s(ctx: &Ctx<'_>) -> i64 {
    ctx.now().as_second()
}

/// A doubtful sale's answer, nothing sent this time.
fn still_doubtful(resolved: &Resolved, message: String) -> CallToolResponse {
    let mut out = resolved.output(SaleStatus::Uncertain, message);
    out.replay = true;
    not_done(&out)
}

/// A sale's answer that is not a success: the text, and the sale's state as structured
/// content.
fn not_done(output: &SaleOutput) -> CallToolResponse {
    let mut result = CallToolResult::error(vec![ContentBlock::text(output.message.clone())]);
    result.structured_content = serde_json::to_value(output).ok();
    result.into()
}

/// A sale under its record key: everything sending it, finding it or answering for it needs.
#[derive(Clone, Copy)]
pub(super) struct KeyedSale<'a> {
    pub ctx: &'a Ctx<'a>,
    pub shop: &'a Shop,
    pub resolved: &'a Resolved,
    /// The record key.
    pub key: &'a str,
    /// The digest of the sale's content, that a key's later calls must match.
    pub digest: &'a str,
    pub handle: &'a Handle,
}

impl KeyedSale<'_> {
    /// What a call with an already used key gets, if the key was used: the receipt, a check of
    /// the POS, or "in progress". `None` for a new key.
    pub(super) async fn seen(&self) -> ToolResult<Option<CallToolResponse>> {
        let (ctx, key, digest) = (self.ctx, self.key, self.digest);
        let lang = ctx.lang;
        let Some(previous) = ctx
            .shared
            .store
            .get_json::<Record>(key)
            .await
            .map_err(|e| ToolError::store(ctx.lang, e))?
        else {
            return Ok(None);
        };
        if previous.digest() != digest {
            return Err(ToolError::Invalid(tr!(
                lang,
                "This idempotency key was already used for a different sale; use a new key for a new sale.",
                "Cette clé d'idempotence a déjà servi pour une autre vente ; utilisez une nouvelle clé pour une nouvelle vente."
            )));
        }
        Ok(Some(match previous {
            Record::Recorded { mut output, .. } => {
                output.replay = true;
                output.message = tr!(
                    lang,
                    "Already recorded, not recorded again. {}",
                    "Déjà enregistrée, pas enregistrée à nouveau. {}",
                    output.message
                );
                done(output.message.clone(), &output)?
            }
            // Being sent, or sent without an answer, or recorded without its record written:
            // the POS's orders say which (and nothing is sent again before the POS is done).
            Record::Sending {
                sent_at, attempt, ..
            }
            | Record::Uncertain {
                sent_at, attempt, ..
            } => self.reconcile(sent_at, attempt).await?,
        }))
    }

    /// Sends a new sale under `key`, once: claims the key, then sends.
    pub(super) async fn send_new(&self) -> ToolResult<CallToolResponse> {
        let (ctx, key, digest) = (self.ctx, self.key, self.digest);
        let claimed = ctx
            .shared
            .store
            .set_json_if_absent(
                key,
                &Record::Sending {
                    digest: digest.to_owned(),
                    sent_at: now_s(ctx),
                    attempt: 0,
                },
                ctx.shared.config.idempotency_ttl,
            )
            .await
            .map_err(|e| {
                let message = tr!(
                    ctx.lang,
                    "The sale was NOT recorded: its record could not be written first ({}). Try again when the store is back.",
                    "La vente n'a PAS été enregistrée : son enregistrement n'a pas pu être écrit d'abord ({}). Réessayez quand le stockage est revenu.",
                    e
                );
                ToolError::Store { message, source: e }
            })?;
        if !claimed {
            // Another call took the key between our look and our claim.
            if let Some(r) = self.seen().await? {
                return Ok(r);
            }
        }
        self.send(0).await
    }

    /// Sends the sale (attempt `attempt`) and records how it went.
    async fn send(&self, attempt: u32) -> ToolResult<CallToolResponse> {
        let (ctx, shop, resolved) = (self.ctx, self.shop, self.resolved);
        let (key, digest, handle) = (self.key, self.digest, self.handle);
        let lang = ctx.lang;
        let store = &ctx.shared.store;
        let ttl = ctx.shared.config.idempotency_ttl;
        let sale = resolved.new_sale(Some(&mark(key)));
        let sent_at = now_s(ctx);
        let result = shop.client.create_sale(&sale).await;
        super::after_sale(ctx, shop, resolved).await;
        match result {
            Ok(receipt) => {
                let out = output::recorded(
                    lang,
                    resolved,
                    receipt.order_id.map(|i| i.0),
                    receipt.internal_id.clone(),
                    receipt.total,
                    receipt.customer_id.map(|c| c.0),
                );
                let record = Record::Recorded {
                    digest: digest.to_owned(),
                    output: out.clone(),
                };
                if let Err(e) = write_record(store.as_ref(), key, &record, ttl).await {
                    // The sale IS recorded and said so; a later call with this key finds it
                    // among the POS's orders by its mark.
                    tracing::error!(
                        error = %e,
                        "the record of a recorded sale could not be written"
                    );
                }
                done(out.message.clone(), &out)
            }
            Err(e) if e.may_have_been_applied() => {
                let message = tr!(
                    lang,
                    "The sale MAY HAVE BEEN RECORDED: the POS did not confirm it ({}). Do NOT record it again another way. In a minute, call sale_create again with {}: the server will look for it in the POS and answer whether it was recorded, or record it then, once. Sale: {}.",
                    "La vente A PU ÊTRE ENREGISTRÉE : la caisse ne l'a pas confirmée ({}). Ne la réenregistrez PAS autrement. Dans une minute, rappelez sale_create avec {} : le serveur la cherchera dans la caisse et dira si elle a été enregistrée, ou l'enregistrera alors, une fois. Vente : {}.",
                    crate::error::doubt_message(lang, &e),
                    handle.text(lang),
                    resolved.describe(lang, None)
                );
                let mut out = resolved.output(SaleStatus::Uncertain, message);
                if let Handle::Key(k) = handle {
                    out.idempotency_key = Some(k.clone());
                }
                let record = Record::Uncertain {
                    digest: digest.to_owned(),
                    output: out.clone(),
                    sent_at,
                    attempt,
                };
                if let Err(e) = store.set_json(key, &record, ttl).await {
                    tracing::error!(
                        error = %e,
                        "the record of an uncertain sale could not be written"
                    );
                }
                Ok(not_done(&out))
            }
            Err(e) => {
                if let Err(e) = store.delete(key).await {
                    tracing::error!(
                        error = %e,
                        "the record of a refused sale could not be removed"
                    );
                }
                Err(ToolError::upstream_with(
                    tr!(
                        lang,
                        "The sale was NOT recorded: {}",
                        "La vente n'a PAS été enregistrée : {}",
                        crate::error::upstream_message(lang, &e)
                    ),
                    e,
                ))
            }
        }
    }

    /// Looks for the sale in the POS, and finishes it.
    async fn reconcile(&self, sent_at: i64, attempt: u32) -> ToolResult<CallToolResponse> {
        let (ctx, shop, resolved) = (self.ctx, self.shop, self.resolved);
        let (key, digest, handle) = (self.key, self.digest, self.handle);
        let lang = ctx.lang;
        let store = &ctx.shared.store;
        let ttl = ctx.shared.config.idempotency_ttl;
        let wanted = mark(key);
        let (kind, from, to) = search_range(ctx, resolved, sent_at);
        let orders: Vec<Order> = match shop.client.send(&ListOrders::new(kind, from, to)).await {
            Ok(o) => o,
            Err(e) => {
                return Ok(still_doubtful(
                    resolved,
                    tr!(
                        lang,
                        "Still uncertain: whether this sale was recorded could not be checked ({}). Nothing was sent again. Call again with {} in a moment.",
                        "Toujours incertain : impossible de vérifier si cette vente a été enregistrée ({}). Rien n'a été renvoyé. Rappelez avec {} dans un instant.",
                        crate::error::upstream_message(lang, &e),
                        handle.text(lang)
                    ),
                ));
            }
        };
        if let Some(order) = orders.iter().find(|o| {
            o.private_comment
                .as_deref()
                .is_some_and(|c| c.contains(&wanted))
        }) {
            let mut out = output::recorded(
                lang,
                resolved,
                Some(order.id.0),
                order.internal_id.clone(),
                order.total,
                order.customer_id.map(|c| c.0),
            );
            out.replay = true;
            out.message = tr!(
                lang,
                "Checked in the POS: this sale WAS recorded, once, as order {}. Nothing was sent again. {}",
                "Vérifié dans la caisse : cette vente A BIEN été enregistrée, une fois, comme commande {}. Rien n'a été renvoyé. {}",
                order.id,
                out.message
            );
            let record = Record::Recorded {
                digest: digest.to_owned(),
                output: out.clone(),
            };
            if let Err(e) = store.set_json(key, &record, ttl).await {
                tracing::error!(error = %e, "the record of a found sale could not be written");
            }
            return done(out.message.clone(), &out);
        }
        let settle = i64::try_from(ctx.shared.config.sale_settle.as_secs()).unwrap_or(i64::MAX);
        let waited = now_s(ctx) - sent_at;
        if waited < settle {
            return Ok(still_doubtful(
                resolved,
                tr!(
                    lang,
                    "Not among the POS's orders yet, but the POS may still be handling it: nothing was sent again. Call again with {} in {} seconds; then the server records it if it is still not there.",
                    "Pas encore parmi les commandes de la caisse, mais la caisse la traite peut-être encore : rien n'a été renvoyé. Rappelez avec {} dans {} secondes ; le serveur l'enregistrera alors si elle n'y est toujours pas.",
                    handle.text(lang),
                    settle - waited
                ),
            ));
        }
        // Not recorded: send it now, once. One retry wins the attempt.
        let next = attempt + 1;
        let won = store
            .set_if_absent(&format!("{key}:attempt:{next}"), Vec::new(), ttl)
            .await
            .map_err(|e| ToolError::store(ctx.lang, e))?;
        if !won {
            return Ok(still_doubtful(
                resolved,
                tr!(
                    lang,
                    "Another call is recording this sale right now; nothing was sent again. Call again with {} in a moment.",
                    "Un autre appel enregistre cette vente en ce moment ; rien n'a été renvoyé. Rappelez avec {} dans un instant.",
                    handle.text(lang)
                ),
            ));
        }
        store
            .set_json(
                key,
                &Record::Sending {
                    digest: digest.to_owned(),
                    sent_at: now_s(ctx),
                    attempt: next,
                },
                ttl,
            )
            .await
            .map_err(|e| ToolError::store(ctx.lang, e))?;
        tracing::info!(
            attempt = next,
            "doubtful sale not found in the POS: recording it now"
        );
        let response = self.send(next).await?;
        // Say that the first attempt had not been recorded.
        Ok(match response {
            CallToolResponse::Complete(mut r) if r.is_error != Some(true) => {
                let prefix = lang.pick(
                    "Checked in the POS: the earlier attempt had NOT been recorded, so the sale was recorded now, once. ",
                    "Vérifié dans la caisse : la tentative précédente n'avait PAS été enregistrée ; la vente vient d'être enregistrée, une fois. ",
                );
                if let Some(ContentBlock::Text(t)) = r.content.first_mut() {
                    t.text.insert_str(0, prefix);
                }
                if let Some(m) = r
                    .structured_content
                    .as_mut()
                    .and_then(|v| v.get_mut("message"))
                    && let Some(s) = m.as_str()
                {
                    *m = serde_json::Value::from(format!("{prefix}{s}"));
                }
                CallToolResponse::Complete(r)
            }
            other => other,
        })
    }
}

/// Writes a sale's record, trying again twice within half a second (a store that blinks must
/// not leave a recorded sale looking unfinished).
async fn write_record(
    store: &dyn Store,
    key: &str,
    record: &Record,
    ttl: std::time::Duration,
) -> Result<(), StoreError> {
    let mut delay = std::time::Duration::from_millis(100);
    let mut tries = 0;
    loop {
        match store.set_json(key, record, ttl).await {
            Ok(()) => return Ok(()),
            Err(e) if tries == 2 => return Err(e),
            Err(e) => {
                tracing::warn!(error = %e, "writing a sale's record failed; trying again");
                tokio::time::sleep(delay).await;
                delay *= 3;
                tries += 1;
            }
        }
    }
}

/// The orders a sale sent at `sent_at` would be among: its value date's day (validated) or its
/// creation day (quotes), and the next day when it was sent near midnight.
fn search_range(
    ctx: &Ctx<'_>,
    resolved: &Resolved,
    sent_at: i64,
) -> (OrderKind, Timestamp, Timestamp) {
    let tz = ctx.tz().clone();
    let kind = if resolved.payment == -2 {
        OrderKind::Quotes
    } else {
        OrderKind::Validated
    };
    let at = match (kind, resolved.value_date) {
        (OrderKind::Validated, Some(v)) => v,
        _ => sent_at,
    };
    let at = Timestamp::from_second(at).unwrap_or(Timestamp::UNIX_EPOCH);
    let day = at.to_zoned(tz.clone()).date();
    let start = day.to_zoned(tz.clone()).map_or(at, |z| z.timestamp());
    let end = day
        .checked_add(jiff::Span::new().days(2))
        .ok()
        .and_then(|d| d.to_zoned(tz).ok())
        .map_or(at, |z| z.timestamp());
    (kind, start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_is_fixed_short_and_hides_the_key() {
        let m = mark("sale:shop|1:key:abc");
        assert_eq!(m, mark("sale:shop|1:key:abc"));
        assert_ne!(m, mark("sale:shop|1:key:abd"));
        assert!(
            m.starts_with("[kash:") && m.ends_with(']') && m.len() == 23,
            "{m}"
        );
        assert!(!m.contains("abc"));
    }
}
