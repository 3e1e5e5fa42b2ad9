//! Orders: `data_list_orders` (a period, with the count and revenue of the whole period),
//! `order_detail` (one order in full) and `data_list_pending_orders` (orders in progress).

use kash_api::Decimal;
use kash_api::ids::{CustomerId, OrderId};
use kash_api::orders::{DeliveryMethod, Order, OrderKind};
use rmcp::model::{CallToolResponse, JsonObject};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use super::lists::{
    DEFAULT_LIMIT, FieldsArg, cut_notice, fitting, page_bounds, page_budget, paging_props, project,
};
use super::{Ctx, Effect, Spec, ToolId, done};
use crate::config::Toolset;
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang};
use crate::normalize;
use crate::period::{Period, Preset};
use crate::schema::{self, Prop};
use crate::search::{self, Field};
use crate::views::{Amount, OrderView, delivery_method_label, order_line, payment_label};
use crate::{t, tr};

pub(crate) fn specs() -> Vec<Spec> {
    vec![
        Spec {
            id: ToolId::Orders,
            name: "data_list_orders",
            toolset: Some(Toolset::Orders),
            effect: Effect::Read,
            title: t!("List orders", "Lister les commandes"),
            description: t!(
                "Orders of a period (validated, by value date; or quotes), with the period's count and revenue. \"Did this customer pay?\": customerId + paymentState. Totals, rankings: sales_summary.",
                "Commandes d'une période (validées, par date de valeur ; ou devis), avec nombre et CA de la période. « Ce client a-t-il payé ? » : customerId + paymentState. Totaux, classements : sales_summary."
            ),
            input: orders_input,
            output: schema::output::<OrdersOutput>,
            normalize: normalize_orders,
        },
        Spec {
            id: ToolId::OrderDetail,
            name: "order_detail",
            toolset: Some(Toolset::Orders),
            effect: Effect::Read,
            title: t!("Order detail", "Détail d'une commande"),
            description: t!(
                "One order in full: lines, customer, payments, VAT per rate, delivery, table, comments.",
                "Une commande en détail : lignes, client, paiements, TVA par taux, livraison, table, commentaires."
            ),
            input: detail_input,
            output: schema::output::<OrderView>,
            normalize: |a| {
                normalize::rename(a, "order_id", "orderId");
                normalize::rename(a, "id", "orderId");
            },
        },
        Spec {
            id: ToolId::Pending,
            name: "data_list_pending_orders",
            toolset: Some(Toolset::Orders),
            effect: Effect::Read,
            title: t!("List orders in progress", "Lister les commandes en cours"),
            description: t!(
                "Orders in progress, by delivery or pickup time. \"Deliveries tonight?\": deliveryMethod=delivery, period=today.",
                "Commandes en cours, par heure de livraison ou de retrait. « Livraisons ce soir ? » : deliveryMethod=delivery, period=today."
            ),
            input: pending_input,
            output: schema::output::<PendingOutput>,
            normalize: |a| {
                normalize::rename(a, "filterDeliveryMethod", "deliveryMethod");
                normalize::map_value(a, "deliveryMethod", normalize::delivery_method);
                normalize::map_value(a, "period", normalize::period);
            },
        },
    ]
}

/// The old server's names (`validatedOrders`, `from_date_ISO8601`…) and the synonyms.
fn normalize_orders(a: &mut JsonObject) {
    if let Some(v) = a.remove("validatedOrders") {
        let kind = match v {
            Value::Bool(true) => Value::from("validated"),
            Value::Bool(false) => Value::from("quotes"),
            other => other,
        };
        a.entry("kind").or_insert(kind);
    }
    normalize::rename(a, "from_date_ISO8601", "from");
    normalize::rename(a, "to_date_ISO8601", "to");
    normalize::rename(a, "filterDeliveryMethod", "deliveryMethod");
    normalize::rename(a, "idClient", "customerId");
    normalize::rename(a, "clientId", "customerId");
    normalize::map_value(a, "deliveryMethod", normalize::delivery_method);
    normalize::map_value(a, "period", normalize::period);
}

/// `period`, or `from`/`to`.
pub(crate) fn period_props() -> Vec<(&'static str, Prop)> {
    vec![
        (
            "period",
            Prop::one_of(
                &Preset::ALL.map(Preset::name),
                t!(
                    "Shop's time zone; or from/to.",
                    "Fuseau de la boutique ; ou from/to."
                ),
            ),
        ),
        (
            "from",
            Prop::string(t!("Date or date-time.", "Date ou date-heure.")).max_length(40),
        ),
        (
            "to",
            Prop::string(t!("Included.", "Inclus.")).max_length(40),
        ),
    ]
}

/// The delivery methods by name, in code order (0–6).
pub(crate) const DELIVERY_METHODS: [&str; 7] = normalize::DELIVERY_METHODS;

pub(crate) fn delivery_prop() -> Prop {
    Prop::one_of(
        &DELIVERY_METHODS,
        t!("How the order leaves the shop.", "Mode de vente."),
    )
}

fn orders_input(lang: Lang) -> JsonObject {
    let mut props = vec![(
        "kind",
        Prop::one_of(
            &["validated", "quotes"],
            t!(
                "quotes: by creation date.",
                "quotes : devis, par date de création."
            ),
        ),
    )];
    props.extend(period_props());
    props.push(("deliveryMethod", delivery_prop()));
    props.push((
        "customerId",
        Prop::integer(t!("Customer id.", "Identifiant du client.")).min(1),
    ));
    props.push((
        "customer",
        Prop::string(t!("Customer name contains.", "Le nom du client contient.")).max_length(200),
    ));
    props.push((
        "paymentState",
        Prop::one_of(&["paid", "unpaid"], t!("Paid or not.", "Payée ou non.")),
    ));
    props.push((
        "withLines",
        Prop::boolean(t!("Include lines.", "Inclure les lignes.")),
    ));
    props.extend(paging_props());
    schema::input(lang, &props, &[])
}

fn detail_input(lang: Lang) -> JsonObject {
    schema::input(
        lang,
        &[(
            "orderId",
            Prop::integer(t!("Order id.", "Identifiant de la commande.")).min(1),
        )],
        &["orderId"],
    )
}

fn pending_input(lang: Lang) -> JsonObject {
    let mut props = vec![("deliveryMethod", delivery_prop())];
    props.push((
        "period",
        Prop::one_of(
            &["today", "yesterday", "this_week", "last_7_days"],
            t!("Due in this period.", "Dues dans cette période."),
        ),
    ));
    props.push((
        "query",
        Prop::string(t!(
            "Search customer, address, progress.",
            "Recherche client, adresse, avancement."
        ))
        .max_length(200),
    ));
    props.extend(paging_props());
    schema::input(lang, &props, &[])
}

/// A delivery method given by name or code.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MethodArg(pub DeliveryMethod);

impl<'de> Deserialize<'de> for MethodArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let text = match &v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let french = match crate::search::normalize(&text).as_str() {
            "a emporter" | "emporter" => Some(DeliveryMethod::Takeaway),
            "livraison" => Some(DeliveryMethod::Delivery),
            "sur place" => Some(DeliveryMethod::EatIn),
            "comptoir" | "vente au comptoir" => Some(DeliveryMethod::CounterSale),
            "point relais" => Some(DeliveryMethod::RelayPoint),
            "expedition" => Some(DeliveryMethod::Shipping),
            "drive" => Some(DeliveryMethod::DriveThrough),
            "eat in" | "dine in" => Some(DeliveryMethod::EatIn),
            "counter" => Some(DeliveryMethod::CounterSale),
            _ => None,
        };
        french
            .or_else(|| DeliveryMethod::parse(&text))
            .map(MethodArg)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown delivery method `{text}`: use takeaway, delivery, eat_in, drive_through, counter_sale, relay_point, shipping or a code 0-6"
                ))
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum KindArg {
    Validated,
    Quotes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum PaidArg {
    Paid,
    Unpaid,
}

#[serde_as]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct OrdersArgs {
    #[serde(default)]
    kind: Option<KindArg>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, rename = "validatedOrders")]
    validated_orders: Option<bool>,
    #[serde(default)]
    period: Option<String>,
    #[serde(default, alias = "from_date_ISO8601")]
    from: Option<String>,
    #[serde(default, alias = "to_date_ISO8601")]
    to: Option<String>,
    #[serde(default, alias = "filterDeliveryMethod")]
    delivery_method: Option<MethodArg>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "idClient", alias = "clientId")]
    customer_id: Option<CustomerId>,
    #[serde(default)]
    customer: Option<String>,
    #[serde(default)]
    payment_state: Option<PaidArg>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    with_lines: Option<bool>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    limit: Option<u64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    offset: Option<u64>,
    #[serde(default)]
    fields: Option<FieldsArg>,
}

/// The period of a request: a preset, or `from` and `to`; today when none is given.
pub(crate) fn resolve_period(
    ctx: &Ctx<'_>,
    period: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> ToolResult<Period> {
    let lang = ctx.lang;
    match (period, from, to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(ToolError::Invalid(tr!(
            lang,
            "Give either `period` or `from`/`to`, not both.",
            "Donnez soit `period`, soit `from`/`to`, pas les deux."
        ))),
        (Some(p), None, None) => {
            let preset: Preset = p.parse().map_err(ToolError::Invalid)?;
            Period::preset(preset, ctx.now(), ctx.tz()).map_err(ToolError::Invalid)
        }
        (None, Some(f), Some(t)) => {
            Period::bounds(f, t, ctx.tz(), lang).map_err(ToolError::Invalid)
        }
        (None, Some(f), None) => {
            // From a moment until now.
            let today =
                Period::preset(Preset::Today, ctx.now(), ctx.tz()).map_err(ToolError::Invalid)?;
            let start = crate::period::parse_bound(f, ctx.tz(), false).ok_or_else(|| {
                ToolError::Invalid(tr!(
                    lang,
                    "`from` = \"{}\" is not an ISO 8601 date or date-time.",
                    "`from` = « {} » n'est pas une date ISO 8601.",
                    f
                ))
            })?;
            Ok(Period {
                from: start,
                to: today.to,
                preset: None,
            })
        }
        (None, None, Some(_)) => Err(ToolError::Invalid(tr!(
            lang,
            "`to` needs `from` too.",
            "`to` demande aussi `from`."
        ))),
        (None, None, None) => {
            Period::preset(Preset::Today, ctx.now(), ctx.tz()).map_err(ToolError::Invalid)
        }
    }
}

/// The longest period listed at once (summaries cover more).
const MAX_LIST_DAYS: usize = 400;

/// The range an answer covers.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RangeOut {
    /// First instant included, ISO 8601.
    pub from: String,
    /// First instant excluded, ISO 8601.
    pub to: String,
    /// Human label ("Mon 16 – Sun 22 Nov 2026").
    pub label: String,
    /// IANA time zone.
    pub time_zone: String,
}

impl RangeOut {
    pub fn new(p: &Period, lang: Lang) -> Self {
        Self {
            from: p.from.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            to: p.to.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            label: p.label(lang),
            time_zone: p.from.time_zone().iana_name().unwrap_or("UTC").to_owned(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct OrdersOutput {
    /// `validated` or `quotes`.
    kind: String,
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
    let kind = match (args.kind, args.validated_orders) {
        (Some(KindArg::Quotes), _) | (None, Some(false)) => OrderKind::Quotes,
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
    let (limit, offset) = page_bounds(lang, args.limit, args.offset, DEFAULT_LIMIT)?;
    let shop = ctx.shop().await?;
    let method = args.delivery_method.map(|m| m.0);
    // Later pages of the same query come from the short-lived page cache.
    let key = format!(
        "{}|{kind:?}|{}|{}|{}",
        shop.tenant,
        period.from.timestamp(),
        period.to.timestamp(),
        method.map_or(-1, DeliveryMethod::code)
    );
    let orders = match ctx.inner.pages.get(&key) {
        Some(cached) => cached,
        None => {
            let fetched = std::sync::Arc::new(
                crate::fetch::orders_in(&shop, kind, &period, method)
                    .await
                    .map_err(|e| ToolError::upstream(lang, &e))?,
            );
            ctx.inner.pages.put(key, fetched.clone());
            fetched
        }
    };
    let name_query = args
        .customer
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let matched: Vec<&Order> = orders
        .iter()
        .filter(|o| args.customer_id.is_none_or(|c| o.customer_id == Some(c)))
        .filter(|o| {
            name_query.is_none_or(|q| {
                o.customer_name()
                    .is_some_and(|n| search::score(q, &[Field::Text(&n)]) >= 50)
            })
        })
        .filter(|o| match args.payment_state {
            None => true,
            Some(PaidArg::Paid) => o.is_paid(),
            Some(PaidArg::Unpaid) => !o.is_paid(),
        })
        .collect();
    let revenue: Decimal = matched.iter().filter_map(|o| o.total).sum();
    let total = matched.len();
    let with_lines = args.with_lines.unwrap_or(false);
    let views: Vec<OrderView> = matched
        .iter()
        .skip(offset)
        .take(limit)
        .map(|o| OrderView::new(o, ctx.tz(), with_lines))
        .collect();
    let refs: Vec<&OrderView> = views.iter().collect();
    let fields = args.fields.as_ref().map(FieldsArg::names);
    let mut items = project(lang, &refs, fields.as_deref())?;
    let mut lines: Vec<String> = views.iter().map(|v| order_line(lang, v)).collect();
    let fit = fitting(&items, &lines, page_budget(args.limit));
    items.truncate(fit);
    lines.truncate(fit);
    let next = (offset + fit < total).then_some(offset + fit);
    let notice = (fit < views.len()).then(|| cut_notice(lang, fit, limit, offset + fit));
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
    if fit > 0 {
        summary.push_str(&format!(" ({}–{}):", offset + 1, offset + fit));
    }
    for line in &lines {
        summary.push('\n');
        summary.push_str(line);
    }
    if let Some(n) = &notice {
        summary.push('\n');
        summary.push_str(n);
    } else if let Some(n) = next {
        summary.push('\n');
        summary.push_str(&tr!(
            lang,
            "More: call again with offset={}.",
            "Suite : rappelez avec offset={}.",
            n
        ));
    }
    done(
        summary,
        &OrdersOutput {
            kind: match kind {
                OrderKind::Validated => "validated",
                OrderKind::Quotes => "quotes",
            }
            .into(),
            range: RangeOut::new(&period, lang),
            count: total,
            revenue: Amount(revenue),
            items,
            total,
            offset,
            limit,
            next_offset: next,
            notice,
        },
    )
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[serde_as]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DetailArgs {
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "order_id", alias = "id")]
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
    let shop = ctx.shop().await?;
    // A missing order is not a refused key, nor a POS error: say which.
    let order = shop.client.get_order(id).await.map_err(|e| match &e {
        kash_api::KashError::Api {
            explicit: true,
            message,
            ..
        } if crate::error::is_not_found_message(message) => ToolError::Invalid(tr!(
            lang,
            "No order {} in this shop. Find orders with data_list_orders.",
            "Aucune commande {} dans cette boutique. Trouvez les commandes avec data_list_orders.",
            id
        )),
        _ => ToolError::upstream(lang, &e),
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

#[serde_as]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PendingArgs {
    #[serde(default, alias = "filterDeliveryMethod")]
    delivery_method: Option<MethodArg>,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    query: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    limit: Option<u64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    offset: Option<u64>,
    #[serde(default)]
    fields: Option<FieldsArg>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct PendingOutput {
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
    let (limit, offset) = page_bounds(lang, args.limit, args.offset, DEFAULT_LIMIT)?;
    let period = match args.period.as_deref() {
        Some(p) => {
            let preset: Preset = p.parse().map_err(ToolError::Invalid)?;
            Some(Period::preset(preset, ctx.now(), ctx.tz()).map_err(ToolError::Invalid)?)
        }
        None => None,
    };
    let shop = ctx.shop().await?;
    let orders = shop
        .client
        .list_pending_orders()
        .await
        .map_err(|e| ToolError::upstream(lang, &e))?;
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
        .skip(offset)
        .take(limit)
        .map(|o| OrderView::new(o, &tz, true))
        .collect();
    let refs: Vec<&OrderView> = views.iter().collect();
    let fields = args.fields.as_ref().map(FieldsArg::names);
    let mut items = project(lang, &refs, fields.as_deref())?;
    let lines: Vec<String> = views.iter().map(|v| pending_line(lang, v)).collect();
    let fit = fitting(&items, &lines, page_budget(args.limit));
    items.truncate(fit);
    let next = (offset + fit < total).then_some(offset + fit);
    let notice = (fit < views.len()).then(|| cut_notice(lang, fit, limit, offset + fit));
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
    for line in lines.iter().take(fit) {
        summary.push('\n');
        summary.push_str(line);
    }
    if let Some(n) = &notice {
        summary.push('\n');
        summary.push_str(n);
    } else if let Some(n) = next {
        summary.push('\n');
        summary.push_str(&tr!(
            lang,
            "More: call again with offset={}.",
            "Suite : rappelez avec offset={}.",
            n
        ));
    }
    done(
        summary,
        &PendingOutput {
            count: total,
            amount: Amount(amount),
            by_delivery_method: by_method,
            range: period.as_ref().map(|p| RangeOut::new(p, lang)),
            items,
            total,
            offset,
            limit,
            next_offset: next,
            notice,
        },
    )
}

/// One line of the pending list: due time, method, order, customer, address, amount.
fn pending_line(lang: Lang, v: &OrderView) -> String {
    let due = v
        .delivery_at
        .as_deref()
        .and_then(|t| t.get(11..16))
        .unwrap_or("--:--");
    format!(
        "{due} {} — #{} {}{} — {} ({}){}",
        v.delivery_method
            .as_deref()
            .map(|m| delivery_method_label(lang, m))
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
