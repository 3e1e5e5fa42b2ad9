//! `data_list_orders`: the orders of a period, paged, with the count and revenue of the whole period.

use kash_api::Decimal;
use kash_api::ids::CustomerId;
use kash_api::orders::{DeliveryMethod, OrderBrief, OrderKind};
use rmcp::model::CallToolResponse;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::error::{ToolError, ToolResult};
use crate::fetch::OrderAt;
use crate::i18n::{self};
use crate::search::{self, Field};
use crate::tools::common::delivery::MethodArg;
use crate::tools::common::paging::{FieldsArg, PageRequest};
use crate::tools::common::period::{RangeOut, resolve_period};
use crate::tools::{Ctx, done};
use crate::tr;
use crate::views::{Amount, OrderView, order_line};

/// Validated orders, or quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(super) enum KindArg {
    Validated,
    Quotes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum PaidArg {
    Paid,
    Unpaid,
}

#[serde_as]
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct OrdersArgs {
    kind: Option<KindArg>,
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    delivery_method: Option<MethodArg>,
    #[serde_as(as = "kash_api::de::Lenient")]
    customer_id: Option<CustomerId>,
    customer: Option<String>,
    payment_state: Option<PaidArg>,
    #[serde_as(as = "kash_api::de::Lenient")]
    with_lines: Option<bool>,
    #[serde_as(as = "kash_api::de::Lenient")]
    limit: Option<u64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    offset: Option<u64>,
    fields: Option<FieldsArg>,
}

/// The longest period listed at once (summaries cover more).
pub(super) const MAX_LIST_DAYS: usize = 400;

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct OrdersOutput {
    kind: KindArg,
    range: RangeOut,
    /// Orders in the whole range (after filters).
    count: usize,
    /// Their total, VAT included (refunds negative).
    revenue: Amount,
    items: Vec<Map<String, Value>>,
    total: usize,
    offset: usize,
    limit: usize,
    next_offset: Option<usize>,
    /// Why the page stopped before `limit`, and where to continue.
    #[serde(skip_serializing_if = "Option::is_none")]
    notice: Option<String>,
}

pub(crate) async fn list_orders(ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: OrdersArgs = crate::args::parse(lang, ctx.args())?;
    // (The old `validatedOrders` is mapped to `kind` before validation.)
    let kind = match args.kind {
        Some(KindArg::Quotes) => OrderKind::Quotes,
        _ => OrderKind::Validated,
    };
    let period = resolve_period(
        ctx,
        args.period.as_deref(),
        args.from.as_deref(),
        args.to.as_deref(),
    )?;
    if period.days().len() > MAX_LIST_DAYS {
        return Err(ToolError::Invalid(tr!(
            lang,
            "That period has {} days; list at most {} at once, or use sales_summary for totals over long periods.",
            "Cette période compte {} jours ; listez-en au plus {} à la fois, ou utilisez sales_summary pour des totaux sur de longues périodes.",
            period.days().len(),
            MAX_LIST_DAYS
        )));
    }
    let request = PageRequest::new(lang, args.limit, args.offset, args.fields.as_ref())?;
    let shop = ctx.shop()?;
    let method = args.delivery_method.map(|m| m.0);
    // Later pages of the same query come from the short-lived page cache.
    let key = format!(
        "{}|{kind:?}|{}|{}|{}",
        shop.tenant,
        period.from.timestamp(),
        period.to.timestamp(),
        method.map_or(-1, DeliveryMethod::code)
    );
    let orders = match ctx.shared.pages.get(&key) {
        Some(cached) => cached,
        None => {
            // A tenant keeps one period: the previous one is let go before the new one
            // arrives, so that two months never sit in memory together.
            ctx.shared.pages.forget(&shop.tenant);
            let fetched = std::sync::Arc::new(
                crate::fetch::orders_in(&shop, kind, &period, method)
                    .await
                    .map_err(|e| ToolError::from_kash(lang, e))?,
            );
            ctx.shared.pages.put(key, fetched.clone());
            fetched
        }
    };
    let name_query = args
        .customer
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let matched: Vec<(OrderAt, &OrderBrief)> = orders
        .briefs()
        .filter(|(_, o)| args.customer_id.is_none_or(|c| o.customer_id == Some(c)))
        .filter(|(_, o)| {
            name_query.is_none_or(|q| {
                o.customer_name
                    .as_deref()
                    .is_some_and(|n| search::score(q, &[Field::Text(n)]) >= 50)
            })
        })
        .filter(|(_, o)| match args.payment_state {
            None => true,
            Some(PaidArg::Paid) => o.is_paid(),
            Some(PaidArg::Unpaid) => !o.is_paid(),
        })
        .collect();
    let revenue: Decimal = matched.iter().filter_map(|(_, o)| o.total).sum();
    let total = matched.len();
    let with_lines = args.with_lines.unwrap_or(false);
    // Only the orders shown are decoded in full.
    let views: Vec<OrderView> = matched
        .iter()
        .skip(request.offset)
        .take(request.limit)
        .map(|(at, _)| {
            let order = orders
                .order(*at)
                .map_err(|e| ToolError::from_kash(lang, e))?;
            Ok(OrderView::new(&order, ctx.tz(), with_lines))
        })
        .collect::<ToolResult<_>>()?;
    let refs: Vec<&OrderView> = views.iter().collect();
    let lines = views.iter().map(|v| order_line(lang, v)).collect();
    let page = request.cut(lang, &refs, lines, total)?;
    let what = match kind {
        OrderKind::Validated => lang.pick("validated orders", "commandes validées"),
        OrderKind::Quotes => lang.pick("quotes", "devis"),
    };
    let mut summary = tr!(
        lang,
        "{}, {} ({}): {}, total {} incl. VAT",
        "{}, {} ({}) : {}, total {} TTC",
        capitalize(what),
        period.label(lang),
        ctx.tz().iana_name().unwrap_or("UTC"),
        i18n::counted(lang, total, i18n::nouns::ORDER),
        i18n::money(lang, revenue)
    );
    if !page.items.is_empty() {
        let offset = page.offset;
        summary.push_str(&format!(" ({}–{}):", offset + 1, offset + page.items.len()));
    }
    page.add_text(lang, &mut summary);
    done(
        summary,
        &OrdersOutput {
            kind: match kind {
                OrderKind::Quotes => KindArg::Quotes,
                _ => KindArg::Validated,
            },
            range: RangeOut::new(&period, lang),
            count: total,
            revenue: Amount(revenue),
            items: page.items,
            total,
            offset: page.offset,
            limit: page.limit,
            next_offset: page.next_offset,
            notice: page.notice,
        },
    )
}

pub(super) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
