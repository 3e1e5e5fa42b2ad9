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

use super::lists::{DEFAULT_LIMIT, FieldsArg, page_bounds, paging_props, project};
use super::{Ctx, Effect, Spec, ToolId, done};
use crate::config::Toolset;
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang};
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
                "List the validated orders (sales and invoices, paid or not, selected by value date) or the quotes (by creation date) of a period, with the number of orders and the revenue (VAT included, refunds counted negative) of the whole period. Give `period` (today, yesterday, this_week, last_week, this_month, last_month, this_year, last_year, last_7_days, last_30_days, last_12_months; resolved in the shop's time zone) or `from`/`to`. Filter by delivery method, customer or payment state (e.g. `paymentState: unpaid` with `customerId` answers \"did this customer pay?\"). Paged. For totals by day, product or customer over long periods, prefer sales_summary.",
                "Liste les commandes validées (ventes et factures, payées ou non, sélectionnées par date de valeur) ou les devis (par date de création) d'une période, avec le nombre de commandes et le chiffre d'affaires (TTC, remboursements en négatif) de toute la période. Donnez `period` (today, yesterday, this_week, last_week, this_month, last_month, this_year, last_year, last_7_days, last_30_days, last_12_months ; dans le fuseau de la boutique) ou `from`/`to`. Filtrez par mode de vente, client ou état de paiement (par exemple `paymentState: unpaid` avec `customerId` répond à « ce client a-t-il payé ? »). Paginé. Pour des totaux par jour, article ou client sur de longues périodes, préférez sales_summary."
            ),
            input: orders_input,
            output: schema::output::<OrdersOutput>,
        },
        Spec {
            id: ToolId::OrderDetail,
            name: "order_detail",
            toolset: Some(Toolset::Orders),
            effect: Effect::Read,
            title: t!("Order detail", "Détail d'une commande"),
            description: t!(
                "One order in full: lines (title, quantity, unit price, total, VAT rate, variations), customer, payment state and payments, VAT per rate, delivery method, table, delivery time and address, comments.",
                "Une commande en détail : lignes (libellé, quantité, prix unitaire, total, taux de TVA, déclinaisons), client, état de paiement et paiements, TVA par taux, mode de vente, table, heure et adresse de livraison, commentaires."
            ),
            input: detail_input,
            output: schema::output::<OrderView>,
        },
        Spec {
            id: ToolId::Pending,
            name: "data_list_pending_orders",
            toolset: Some(Toolset::Orders),
            effect: Effect::Read,
            title: t!("List orders in progress", "Lister les commandes en cours"),
            description: t!(
                "List the orders in progress (to prepare, deliver or hand over), sorted by delivery or pickup time, with customer, address, amount, payment state and progress. Answers \"how many orders must be delivered tonight?\": use deliveryMethod=delivery and period=today.",
                "Liste les commandes en cours (à préparer, livrer ou remettre), par heure de livraison ou de retrait, avec client, adresse, montant, état de paiement et avancement. Répond à « combien de commandes à livrer ce soir ? » : deliveryMethod=delivery et period=today."
            ),
            input: pending_input,
            output: schema::output::<PendingOutput>,
        },
    ]
}

pub(crate) fn period_props() -> Vec<(&'static str, Prop)> {
    vec![
        (
            "period",
            Prop::one_of(
                &Preset::ALL.map(Preset::name),
                t!(
                    "A period relative to today in the shop's time zone: today, yesterday, this_week (Monday to today), last_week (Monday to Sunday), this_month, last_month, this_year, last_year, last_7_days, last_30_days, last_12_months. Use it, or `from` and `to`.",
                    "Une période relative à aujourd'hui dans le fuseau de la boutique : today, yesterday, this_week (lundi à aujourd'hui), last_week (lundi à dimanche), this_month, last_month, this_year, last_year, last_7_days, last_30_days, last_12_months. Utilisez-la, ou `from` et `to`."
                ),
            ),
        ),
        (
            "from",
            Prop::string(t!(
                "Start, ISO 8601: a date (2026-11-16, from midnight) or a date-time (2026-11-16T18:00:00+01:00; without an offset, the shop's local time).",
                "Début, ISO 8601 : une date (2026-11-16, depuis minuit) ou une date-heure (2026-11-16T18:00:00+01:00 ; sans décalage, l'heure locale de la boutique)."
            )),
        ),
        (
            "to",
            Prop::string(t!(
                "End, included, ISO 8601: a date (2026-11-22, the whole day) or a date-time.",
                "Fin, incluse, ISO 8601 : une date (2026-11-22, toute la journée) ou une date-heure."
            )),
        ),
    ]
}

/// The delivery methods by name, in code order (0–6).
pub(crate) const DELIVERY_METHODS: [&str; 7] = [
    "takeaway",
    "delivery",
    "eat_in",
    "drive_through",
    "counter_sale",
    "relay_point",
    "shipping",
];

pub(crate) fn delivery_prop() -> Prop {
    Prop::one_of(
        &DELIVERY_METHODS,
        t!(
            "How the order leaves the shop: takeaway (code 0), delivery (1), eat_in (2, \"sur place\"), drive_through (3), counter_sale (4), relay_point (5), shipping (6). The codes 0–6 are accepted too.",
            "Comment la commande quitte la boutique : takeaway (code 0, à emporter), delivery (1, livraison), eat_in (2, sur place), drive_through (3, drive), counter_sale (4, vente au comptoir), relay_point (5, point relais), shipping (6, expédition). Les codes 0 à 6 sont aussi acceptés."
        ),
    )
}

fn orders_input(lang: Lang) -> JsonObject {
    let mut props = vec![(
        "kind",
        Prop::one_of(
            &["validated", "quotes"],
            t!(
                "validated (default): sales and invoices, paid or not, by value date; quotes: unvalidated orders, by creation date.",
                "validated (par défaut) : ventes et factures, payées ou non, par date de valeur ; quotes : devis, par date de création."
            ),
        )
        .default("validated"),
    )];
    props.extend(period_props());
    props.push(("deliveryMethod", delivery_prop()));
    props.push((
        "customerId",
        Prop::integer(t!(
            "Only this customer's orders (its id from data_list_clients).",
            "Seulement les commandes de ce client (son identifiant dans data_list_clients)."
        ))
        .min(1),
    ));
    props.push((
        "customer",
        Prop::string(t!(
            "Only orders whose customer name matches this text (case- and accent-insensitive).",
            "Seulement les commandes dont le nom du client correspond à ce texte (sans casse ni accents)."
        )),
    ));
    props.push((
        "paymentState",
        Prop::one_of(
            &["paid", "unpaid"],
            t!(
                "Only paid orders, or only validated orders not paid yet.",
                "Seulement les commandes payées, ou seulement les commandes validées non payées."
            ),
        ),
    ));
    props.push((
        "withLines",
        Prop::boolean(t!(
            "Include each order's lines (default false, to keep answers short).",
            "Inclure les lignes de chaque commande (faux par défaut, pour des réponses courtes)."
        ))
        .default(false),
    ));
    props.extend(paging_props());
    schema::input(lang, &props, &[])
}

fn detail_input(lang: Lang) -> JsonObject {
    schema::input(
        lang,
        &[(
            "orderId",
            Prop::integer(t!(
                "The order's id (`id` in data_list_orders; `order_id` is accepted too).",
                "L'identifiant de la commande (`id` dans data_list_orders ; `order_id` est aussi accepté)."
            ))
            .min(1),
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
            t!(
                "Only orders due (delivery or pickup time) in this period, e.g. today for tonight's deliveries.",
                "Seulement les commandes dues (heure de livraison ou de retrait) dans cette période, par exemple today pour les livraisons de ce soir."
            ),
        ),
    ));
    props.push((
        "query",
        Prop::string(t!(
            "Search in customer names, addresses and progress (case- and accent-insensitive).",
            "Recherche dans les noms de clients, adresses et avancement (sans casse ni accents)."
        )),
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
    let orders = crate::fetch::orders_in(&shop, kind, &period, args.delivery_method.map(|m| m.0))
        .await
        .map_err(|e| ToolError::upstream(lang, &e))?;
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
    let items = project(lang, &refs, fields.as_deref())?;
    let next = (offset + views.len() < total).then_some(offset + views.len());
    let what = match kind {
        OrderKind::Validated => lang.pick("validated orders", "commandes validées"),
        OrderKind::Quotes => lang.pick("quotes", "devis"),
    };
    let mut summary = tr!(
        lang,
        "{}, {} ({}): {} {}, total {} incl. VAT",
        "{}, {} ({}) : {} {}, total {} TTC",
        capitalize(what),
        period.label(lang),
        ctx.tz().iana_name().unwrap_or("UTC"),
        total,
        lang.pick("orders", "commandes"),
        i18n::money(lang, revenue)
    );
    if !views.is_empty() {
        summary.push_str(&format!(" ({}–{}):", offset + 1, offset + views.len()));
    }
    for v in &views {
        summary.push('\n');
        summary.push_str(&order_line(lang, v));
    }
    if let Some(n) = next {
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
    let order = shop.client.get_order(id).await.map_err(|e| match &e {
        kash_api::KashError::Api { explicit: true, .. } => ToolError::Invalid(tr!(
            lang,
            "No order {} in this shop ({}). Find orders with data_list_orders.",
            "Aucune commande {} dans cette boutique ({}). Trouvez les commandes avec data_list_orders.",
            id,
            crate::error::upstream_message(lang, &e)
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
                let due = o.delivery_at.or(o.created_at).map(|t| t.timestamp(&tz));
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
            o.delivery_at
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
    let items = project(lang, &refs, fields.as_deref())?;
    let next = (offset + views.len() < total).then_some(offset + views.len());
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
    for v in &views {
        let due = v
            .delivery_at
            .as_deref()
            .and_then(|t| t.get(11..16))
            .unwrap_or("--:--");
        summary.push_str(&format!(
            "\n{due} {} — #{} {}{} — {} ({}){}",
            v.delivery_method
                .as_deref()
                .map(|m| delivery_method_label(lang, m))
                .unwrap_or(""),
            v.id,
            v.customer
                .as_ref()
                .and_then(|c| c.name.clone())
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
        ));
    }
    if let Some(n) = next {
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
        },
    )
}
