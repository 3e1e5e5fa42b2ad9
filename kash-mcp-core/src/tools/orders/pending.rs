//! `data_list_pending_orders`: orders in progress, by when they are due.

use kash_api::Decimal;
use kash_api::orders::{DeliveryMethod, Order};
use rmcp::model::CallToolResponse;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang};
use crate::period::{Period, Preset};
use crate::search::{self, Field};
use crate::tools::common::delivery::MethodArg;
use crate::tools::common::paging::{FieldsArg, PageRequest};
use crate::tools::common::period::RangeOut;
use crate::tools::{Ctx, done};
use crate::views::{Amount, OrderView, delivery_method_label, payment_label};

#[serde_as]
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct PendingArgs {
    delivery_method: Option<MethodArg>,
    period: Option<String>,
    query: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    limit: Option<u64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    offset: Option<u64>,
    fields: Option<FieldsArg>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct PendingOutput {
    /// Orders in progress matching the filters.
    count: usize,
    /// Their total, VAT included.
    amount: Amount,
    /// Count per delivery method.
    by_delivery_method: std::collections::BTreeMap<String, usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<RangeOut>,
    items: Vec<Map<String, Value>>,
    total: usize,
    offset: usize,
    limit: usize,
    next_offset: Option<usize>,
    /// Why the page stopped before `limit`, and where to continue.
    #[serde(skip_serializing_if = "Option::is_none")]
    notice: Option<String>,
}

pub(crate) async fn pending(ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: PendingArgs = crate::args::parse(lang, ctx.args())?;
    let request = PageRequest::new(lang, args.limit, args.offset, args.fields.as_ref())?;
    let period = match args.period.as_deref() {
        Some(p) => {
            let preset: Preset = p.parse().map_err(ToolError::Invalid)?;
            Some(Period::preset(preset, ctx.now(), ctx.tz()).map_err(ToolError::Invalid)?)
        }
        None => None,
    };
    let shop = ctx.shop()?;
    let orders = shop
        .client
        .list_pending_orders()
        .await
        .map_err(|e| ToolError::from_kash(lang, e))?;
    let tz = ctx.tz().clone();
    let query = args
        .query
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut matched: Vec<&Order> = orders
        .iter()
        .filter(|o| {
            args.delivery_method
                .is_none_or(|m| o.delivery_method == Some(m.0))
        })
        .filter(|o| {
            period.as_ref().is_none_or(|p| {
                let due = crate::views::due_at(o)
                    .or(o.created_at)
                    .map(|t| t.timestamp(&tz));
                due.is_some_and(|t| t >= p.from.timestamp() && t < p.to.timestamp())
            })
        })
        .filter(|o| {
            query.is_none_or(|q| {
                let name = o.customer_name().unwrap_or_default();
                search::score(
                    q,
                    &[
                        Field::Text(&name),
                        Field::Text(o.delivery_address.as_deref().unwrap_or("")),
                        Field::Text(o.status.as_deref().unwrap_or("")),
                    ],
                ) > 0
            })
        })
        .collect();
    matched.sort_by_key(|o| {
        (
            crate::views::due_at(o)
                .or(o.created_at)
                .map(|t| t.timestamp(&tz))
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
            o.id,
        )
    });
    let total = matched.len();
    let amount: Decimal = matched.iter().filter_map(|o| o.total).sum();
    let mut by_method = std::collections::BTreeMap::new();
    for o in &matched {
        let m = o.delivery_method.map_or("unknown", DeliveryMethod::name);
        *by_method.entry(m.to_owned()).or_insert(0usize) += 1;
    }
    let views: Vec<OrderView> = matched
        .iter()
        .skip(request.offset)
        .take(request.limit)
        .map(|o| OrderView::new(o, &tz, true))
        .collect();
    let refs: Vec<&OrderView> = views.iter().collect();
    let lines = views.iter().map(|v| pending_line(lang, v)).collect();
    let page = request.cut(lang, &refs, lines, total)?;
    let breakdown: Vec<String> = by_method
        .iter()
        .map(|(m, n)| format!("{n} {}", delivery_method_label(lang, m)))
        .collect();
    let mut summary = format!(
        "{}{}{} — {}",
        i18n::counted(lang, total, i18n::nouns::PENDING_ORDER),
        period
            .as_ref()
            .map(|p| format!(", {}", p.label(lang)))
            .unwrap_or_default(),
        if breakdown.is_empty() {
            String::new()
        } else {
            format!(" ({})", breakdown.join(", "))
        },
        i18n::money(lang, amount)
    );
    page.add_text(lang, &mut summary);
    done(
        summary,
        &PendingOutput {
            count: total,
            amount: Amount(amount),
            by_delivery_method: by_method,
            range: period.as_ref().map(|p| RangeOut::new(p, lang)),
            items: page.items,
            total,
            offset: page.offset,
            limit: page.limit,
            next_offset: page.next_offset,
            notice: page.notice,
        },
    )
}

/// One line of the pending list: due time, method, order, customer, address, amount.
pub(super) fn pending_line(lang: Lang, v: &OrderView) -> String {
    let due = v
        .delivery_at
        .as_deref()
        .and_then(|t| t.get(11..16))
        .unwrap_or("--:--");
    format!(
        "{due} {} — #{} {}{} — {} ({}){}",
        v.delivery_method
            .map(|m| delivery_method_label(lang, m.0.name()))
            .unwrap_or(""),
        v.id,
        v.customer
            .as_ref()
            .map(crate::views::customer_label)
            .unwrap_or_default(),
        v.delivery_address
            .as_deref()
            .map(|a| format!(", {a}"))
            .unwrap_or_default(),
        v.total.map(|t| i18n::money(lang, t.0)).unwrap_or_default(),
        payment_label(lang, v),
        v.status
            .as_deref()
            .map(|s| format!(" — {s}"))
            .unwrap_or_default()
    )
}
