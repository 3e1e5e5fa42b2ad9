//! `sale_create`: recording a sale, safely.
//!
//! Every id the sale references is checked against the shop before anything is sent, and a
//! miss names the closest candidates. `dryRun` prices the sale and returns a `previewId`;
//! `confirmPreviewId` records exactly that preview, once. An `idempotencyKey` gives the same
//! guarantee to a one-step call (a call without one gets a key made up by the server). A sale
//! is sent once and never retried blindly: when the answer is lost, it is reported as "may
//! have been recorded", and repeating the call with the same preview or key looks for it in
//! the POS's orders ([`record`]).
//!
//! The rooms: [`inputs`] (the schema and the old names), [`args`] (the arguments as given),
//! [`lines`] and [`resolve`] (checking and pricing), [`output`] (the priced sale, the wire
//! form, the answer), [`record`] (exactly once).

use kash_api::products::Products;
use rmcp::model::CallToolResponse;
use serde::{Deserialize, Serialize};

use self::args::{CONTROL_KEYS, Control, SaleArgs};
use self::inputs::{input, normalize_sale};
use self::output::{Resolved, SaleOutput, SaleStatus};
use self::resolve::resolve;
use super::{Ctx, Effect, Spec, done};
use crate::config::Toolset;
use crate::confirm::{self, Confirmation};
use crate::error::{ToolError, ToolResult};
use crate::schema::{self};
use crate::shop::Shop;
use crate::store::StoreExt;
use crate::{t, tr};

mod args;
mod inputs;
mod lines;
mod output;
mod resolve;

pub(crate) fn specs() -> Vec<Spec> {
    vec![Spec {
        handler: super::handler!(|ctx| call(ctx)),
        name: "sale_create",
        toolset: Some(Toolset::Sales),
        effect: Effect::Additive,
        title: t!("Record a sale", "Enregistrer une vente"),
        description: t!(
            "Record a sale. Safe flow: dryRun, show the preview, then confirmPreviewId alone (recorded once). Every id is checked. If a sale MAY have been recorded, never record it again: call with the same confirmPreviewId or idempotencyKey and the server checks the POS.",
            "Enregistre une vente. Façon sûre : dryRun, montrer l'aperçu, puis confirmPreviewId seul (enregistrée une fois). Chaque identifiant est vérifié. Si une vente A PU être enregistrée, ne la refaites jamais : rappelez avec le même confirmPreviewId ou idempotencyKey et le serveur vérifie la caisse."
        ),
        input,
        output: schema::output::<SaleOutput>,
        normalize: normalize_sale,
        args: arg_names,
    }]
}

mod record;

// ---------------------------------------------------------------------------------------
// Previews

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Preview {
    digest: String,
    sale: Resolved,
    expires_at: String,
}

// ---------------------------------------------------------------------------------------
// The tool

/// The control arguments, then the sale's.
fn arg_names() -> Vec<&'static str> {
    let mut names = crate::args::names::<Control>();
    names.extend(crate::args::names::<SaleArgs>());
    names
}

pub(crate) async fn call(ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let raw = ctx.args().cloned().unwrap_or_default();
    let control: Control = crate::args::parse(lang, Some(&raw))?;
    let mut sale_map = raw.clone();
    for k in CONTROL_KEYS {
        sale_map.remove(k);
    }
    let has_sale_args = !sale_map.is_empty();
    let args: SaleArgs = crate::args::parse(lang, Some(&sale_map))?;
    let digest = confirm::digest("sale_create", &args);
    let shop = ctx.shop()?;
    let tenant = shop.tenant.clone();
    let store = &ctx.shared.store;
    let config = &ctx.shared.config;

    if control.dry_run == Some(true) && control.confirm_preview_id.is_some() {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`dryRun` and `confirmPreviewId` cannot be combined: preview first, then confirm.",
            "`dryRun` et `confirmPreviewId` ne se combinent pas : aperçu d'abord, puis confirmation."
        )));
    }

    // 1. Which sale, and under which record key.
    let (resolved, record_key, digest) = if let Some(pid) = control.confirm_preview_id.as_deref() {
        let preview: Preview = store
            .get_json(&format!("preview:{tenant}:{pid}"))
            .await
            .map_err(|e| ToolError::store(lang, e))?
            .ok_or_else(|| {
                ToolError::Invalid(tr!(
                    lang,
                    "No preview {} (unknown or expired after {} minutes). Make a new one with dryRun: true.",
                    "Aucun aperçu {} (inconnu ou expiré après {} minutes). Refaites-en un avec dryRun: true.",
                    pid,
                    config.preview_ttl.as_secs() / 60
                ))
            })?;
        if has_sale_args && preview.digest != digest {
            return Err(ToolError::Invalid(tr!(
                lang,
                "These arguments differ from preview {}: confirm with `confirmPreviewId` alone, or make a new preview.",
                "Ces arguments diffèrent de l'aperçu {} : confirmez avec `confirmPreviewId` seul, ou refaites un aperçu.",
                pid
            )));
        }
        (
            preview.sale,
            Some(format!("sale:{tenant}:preview:{pid}")),
            preview.digest,
        )
    } else {
        let resolved = resolve(ctx, &shop, &args).await?;
        let key = control
            .idempotency_key
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| format!("sale:{tenant}:key:{k}"));
        (resolved, key, digest)
    };

    // 2. A preview.
    if control.dry_run == Some(true) {
        let preview_id = uuid::Uuid::new_v4().simple().to_string();
        let expires = ctx
            .now()
            .checked_add(jiff::SignedDuration::try_from(config.preview_ttl).unwrap_or_default())
            .unwrap_or(ctx.now());
        let preview = Preview {
            digest: digest.clone(),
            sale: resolved.clone(),
            expires_at: expires
                .to_zoned(ctx.tz().clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
        };
        store
            .set_json(
                &format!("preview:{tenant}:{preview_id}"),
                &preview,
                config.preview_ttl,
            )
            .await
            .map_err(|e| ToolError::store(lang, e))?;
        let message = tr!(
            lang,
            "Preview, NOT recorded: {}. To record it, call sale_create with confirmPreviewId \"{}\" (valid {} minutes).",
            "Aperçu, NON enregistré : {}. Pour l'enregistrer, appelez sale_create avec confirmPreviewId « {} » (valable {} minutes).",
            resolved.describe(lang, None),
            preview_id,
            config.preview_ttl.as_secs() / 60
        );
        let mut out = resolved.output(SaleStatus::Preview, message.clone());
        out.preview_id = Some(preview_id);
        out.preview_expires_at = Some(preview.expires_at);
        return done(message, &out);
    }

    // 3. Which key, and how the caller repeats the call: a one-step sale without a key gets
    // one, so that a doubtful outcome can always be resolved.
    let (record_key, handle) = match (record_key, control.confirm_preview_id.as_deref()) {
        (Some(k), Some(pid)) => (k, record::Handle::Preview(pid.to_owned())),
        (Some(k), None) => (
            k,
            record::Handle::Key(
                control
                    .idempotency_key
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or_default()
                    .to_owned(),
            ),
        ),
        (None, _) => {
            let made_up = uuid::Uuid::new_v4().simple().to_string();
            (
                format!("sale:{tenant}:key:{made_up}"),
                record::Handle::Key(made_up),
            )
        }
    };

    // 4. Already seen? The receipt again, or a check of the POS; never a blind resend.
    let sale = record::KeyedSale {
        ctx,
        shop: &shop,
        resolved: &resolved,
        key: &record_key,
        digest: &digest,
        handle: &handle,
    };
    if let Some(response) = sale.seen().await? {
        return Ok(response);
    }

    // 5. The user's confirmation.
    if config.confirm_sales {
        let question = tr!(
            lang,
            "Record this sale? {}",
            "Enregistrer cette vente ? {}",
            resolved.describe(lang, None)
        );
        let nothing = lang.pick(
            "The sale was not recorded.",
            "La vente n'a pas été enregistrée.",
        );
        match confirm::ask(ctx, &tenant, &digest, &question, nothing).await? {
            Confirmation::Confirmed => {}
            Confirmation::Ask(response) => return Ok(*response),
        }
    }

    // 6. Claim the key and send, once.
    sale.send_new().await
}

/// What a sent sale changes in the caches: the catalogue's stock and customers, the pages of
/// orders, and a past day the analytics may have cached.
async fn after_sale(ctx: &Ctx<'_>, shop: &Shop, resolved: &Resolved) {
    ctx.shared.lists.invalidate(
        &shop.tenant,
        &[
            <Products as kash_api::lists::ListKind>::SCRIPT,
            <kash_api::customers::Customers as kash_api::lists::ListKind>::SCRIPT,
        ],
    );
    ctx.shared.pages.forget(&shop.tenant);
    if let Some(at) = resolved.value_date
        && let Ok(ts) = jiff::Timestamp::from_second(at)
    {
        crate::analytics::loader::invalidate(ctx, shop, ts.to_zoned(ctx.tz().clone()).date()).await;
    }
}

#[cfg(test)]
mod tests {
    use kash_api::Decimal;
    use output::{LineKind, PricedLine, SaleStatus};

    use super::*;
    use crate::views::{Amount, Num, Payment};

    #[test]
    fn records_survive_the_store_round_trip() {
        let out = SaleOutput {
            status: SaleStatus::Recorded,
            replay: false,
            order_id: Some(7),
            number: None,
            preview_id: None,
            preview_expires_at: None,
            lines: vec![PricedLine {
                kind: LineKind::Free,
                title: "x".into(),
                product_id: None,
                department_id: None,
                quantity: Num(Decimal::ONE),
                unit_price: Amount(Decimal::new(125, 2)),
                total: Amount(Decimal::new(125, 2)),
                vat_rate: None,
                variations: Vec::new(),
            }],
            total: Amount(Decimal::new(125, 2)),
            pos_total: None,
            vat: Vec::new(),
            payment_state: Payment::Unpaid,
            payment_mode: None,
            delivery_method: None,
            customer: None,
            table: None,
            delivery_at: None,
            idempotency_key: None,
            message: "m".into(),
        };
        use record::Record;
        for record in [
            Record::Recorded {
                digest: "d".into(),
                output: out.clone(),
            },
            Record::Uncertain {
                digest: "d".into(),
                output: out,
                sent_at: 1_700_000_000,
                attempt: 1,
            },
            Record::Sending {
                digest: "d".into(),
                sent_at: 1_700_000_000,
                attempt: 0,
            },
        ] {
            let bytes = serde_json::to_vec(&record).unwrap();
            let back: Record = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(
                serde_json::to_value(&back).unwrap(),
                serde_json::to_value(&record).unwrap()
            );
        }
    }
}
