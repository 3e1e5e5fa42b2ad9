//! `order_detail`: one order in full, as a receipt.

use kash_api::ids::OrderId;
use rmcp::model::CallToolResponse;
use serde::Deserialize;
use serde_with::serde_as;

use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang};
use crate::tools::{Ctx, done};
use crate::tr;
use crate::views::{OrderView, order_line};

#[serde_as]
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct DetailArgs {
    #[serde_as(as = "kash_api::de::Lenient")]
    order_id: Option<OrderId>,
}

pub(crate) async fn order_detail(ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: DetailArgs = crate::args::parse(lang, ctx.args())?;
    let id = args.order_id.ok_or_else(|| {
        ToolError::Invalid(tr!(
            lang,
            "`orderId` is required (the order's id from data_list_orders).",
            "`orderId` est obligatoire (l'identifiant de la commande dans data_list_orders)."
        ))
    })?;
    let shop = ctx.shop()?;
    // A missing order is not a refused key, nor a POS error: say which.
    let order = shop.client.get_order(id).await.map_err(|e| {
        if let kash_api::KashError::Api {
            explicit: true,
            message,
            ..
        } = &e
            && crate::error::is_not_found_message(message)
        {
            return ToolError::Invalid(tr!(
                lang,
                "No order {} in this shop. Find orders with data_list_orders.",
                "Aucune commande {} dans cette boutique. Trouvez les commandes avec data_list_orders.",
                id
            ));
        }
        ToolError::from_kash(lang, e)
    })?;
    let view = OrderView::new(&order, ctx.tz(), true);
    done(receipt_text(lang, &view), &view)
}

/// A receipt-like text of an order.
pub(crate) fn receipt_text(lang: Lang, v: &OrderView) -> String {
    let mut out = tr!(lang, "Order {}", "Commande {}", v.id);
    if let Some(n) = &v.number {
        out.push_str(&format!(" ({n})"));
    }
    out.push_str(":\n");
    out.push_str(&order_line(lang, v));
    for l in v.lines.iter().flatten() {
        out.push_str(&format!(
            "\n  {} × {}{} — {}",
            i18n::quantity(lang, l.quantity.0),
            l.title,
            if l.variations.is_empty() {
                String::new()
            } else {
                format!(" ({})", l.variations.join(", "))
            },
            l.total
                .map(|t| i18n::money(lang, t.0))
                .unwrap_or_else(|| "?".into())
        ));
    }
    let vat: Vec<String> = v
        .vat
        .iter()
        .map(|x| {
            format!(
                "{} {}",
                i18n::percent(lang, x.rate.0),
                i18n::money(lang, x.amount.0)
            )
        })
        .collect();
    if !vat.is_empty() {
        out.push_str(&tr!(lang, "\n  VAT: {}", "\n  TVA : {}", vat.join(", ")));
    }
    for p in &v.payments {
        out.push_str(&tr!(
            lang,
            "\n  Paid {} by {}",
            "\n  Payé {} par {}",
            p.amount.map(|a| i18n::money(lang, a.0)).unwrap_or_default(),
            p.mode.clone().unwrap_or_default()
        ));
    }
    if let Some(a) = &v.delivery_address {
        out.push_str(&tr!(lang, "\n  Deliver to: {}", "\n  Livrer à : {}", a));
    }
    if let Some(t) = &v.delivery_at {
        out.push_str(&tr!(lang, "\n  Due: {}", "\n  Pour : {}", t));
    }
    for c in [&v.public_comment, &v.private_comment]
        .into_iter()
        .flatten()
    {
        out.push_str(&format!("\n  « {c} »"));
    }
    out
}
