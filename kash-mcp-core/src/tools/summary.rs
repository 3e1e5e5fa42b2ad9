//! `sales_summary`: revenue, orders, average basket, items, VAT, refunds and unpaid orders of a
//! period, computed exactly in the server, grouped, filtered and compared with another period.

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::{Span, ToSpan, Zoned};
use kash_api::Decimal;
use kash_api::orders::DeliveryMethod;
use rmcp::model::{CallToolResponse, JsonObject};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_with::serde_as;

use super::orders::{DELIVERY_METHODS, MethodArg, RangeOut, period_props, resolve_period};
use super::{Ctx, Effect, Spec, ToolId, done};
use crate::analytics::engine::{self, Acc, Filters, GroupBy, Key, day_number, month_key};
use crate::analytics::facts::DayFacts;
use crate::analytics::loader::{self, LoadOptions, Progress, SourceStats};
use crate::config::Toolset;
use crate::error::{ToolError, ToolResult};
use crate::i18n::nouns;
use crate::i18n::{self, Lang};
use crate::normalize;
use crate::period::{Period, Preset};
use crate::schema::{self, Prop};
use crate::search;
use crate::shop::Shop;
use crate::views::{Amount, Num, delivery_method_label};
use crate::{t, tr};

/// The longest period summarised (about three years), comparison apart.
pub(crate) const MAX_DAYS: usize = 1_100;
/// The most rows a grouped answer shows (a year of weeks; seven weeks of days), to keep every
/// answer within a few thousand tokens.
pub(crate) const MAX_ROWS: usize = 53;
/// Rows shown for customers, products… when `top` is not given.
const DEFAULT_TOP: usize = 20;
/// The largest `top`.
const MAX_TOP: usize = 50;

const GROUPS: [&str; 13] = [
    "none",
    "day",
    "week",
    "month",
    "weekday",
    "hour",
    "delivery_method",
    "payment_mode",
    "customer",
    "product",
    "department",
    "user",
    "cashbox",
];
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

pub(crate) fn spec() -> Spec {
    Spec {
        id: ToolId::Summary,
        name: "sales_summary",
        toolset: Some(Toolset::Analytics),
        effect: Effect::Read,
        title: t!("Sales summary", "Synthèse des ventes"),
        description: t!(
            "Exact figures for any total, ranking or trend (3 years at most): revenue, VAT per rate, orders, basket, items, refunds, unpaid, discounts; grouped, filtered, compared. Best Tuesday customers: groupBy=customer, weekday=tuesday.",
            "Chiffres exacts pour tout total, classement ou tendance (3 ans au plus) : CA, TVA par taux, commandes, panier, articles, remboursements, impayés, remises ; ventilés, filtrés, comparés. Meilleurs clients du mardi : groupBy=customer, weekday=tuesday."
        ),
        input,
        output: schema::output::<SummaryOutput>,
        normalize: normalize_summary,
    }
}

fn input(lang: Lang) -> JsonObject {
    let mut props = period_props();
    props.push((
        "comparison",
        Prop::one_of(
            &[
                "none",
                "previous_period",
                "same_period_last_year",
                "previous_week",
            ],
            t!(
                "A running period is compared up to the same moment.",
                "Une période en cours est comparée au même moment."
            ),
        ),
    ));
    props.push((
        "groupBy",
        Prop::one_of(
            &GROUPS,
            t!(
                "product and department add up lines.",
                "product et department additionnent les lignes."
            ),
        ),
    ));
    props.push((
        "top",
        Prop::integer(t!(
            "First N, the rest as others.",
            "N premiers, le reste en autres."
        ))
        .min(1)
        .max(MAX_TOP as u64),
    ));
    props.push((
        "sortBy",
        Prop::one_of(
            &["revenue", "orders", "items", "average_basket", "key"],
            t!("key: chronological.", "key : chronologique."),
        ),
    ));
    props.push((
        "deliveryMethod",
        Prop::many(&DELIVERY_METHODS, t!("Only these.", "Seulement ceux-là.")),
    ));
    props.push((
        "weekday",
        Prop::many(&WEEKDAYS, t!("Only these.", "Seulement ceux-là.")),
    ));
    props.push((
        "hourFrom",
        Prop::integer(t!("Local hour.", "Heure locale."))
            .min(0)
            .max(23),
    ));
    props.push((
        "hourTo",
        Prop::integer(t!("Excluded.", "Exclue.")).min(1).max(24),
    ));
    for (name, desc) in [
        ("customer", t!("Id or name.", "Identifiant ou nom.")),
        ("product", t!("Id or name.", "Identifiant ou nom.")),
        ("department", t!("Id or name.", "Identifiant ou nom.")),
        (
            "paymentMode",
            t!("Id, name or unpaid.", "Identifiant, nom ou unpaid."),
        ),
    ] {
        props.push((name, Prop::id_or_name(desc)));
    }
    props.push((
        "refresh",
        Prop::boolean(t!(
            "Refetch cached days (after corrections).",
            "Relire les jours en cache (après corrections)."
        )),
    ));
    schema::input(lang, &props, &[])
}

/// Old names and the documented synonyms (French weekdays, camelCase groups, codes).
fn normalize_summary(a: &mut JsonObject) {
    normalize::rename(a, "weekdays", "weekday");
    for (old, new) in [
        ("customerId", "customer"),
        ("clientId", "customer"),
        ("productId", "product"),
        ("departmentId", "department"),
        ("paymentModeId", "paymentMode"),
        ("payment", "paymentMode"),
    ] {
        normalize::rename(a, old, new);
    }
    normalize::map_value(a, "period", normalize::period);
    normalize::one_to_list(a, "deliveryMethod");
    normalize::one_to_list(a, "weekday");
    normalize::map_one_or_many(a, "deliveryMethod", normalize::delivery_method);
    normalize::map_one_or_many(a, "weekday", |v| {
        let d: WeekdayArg = serde_json::from_value(v.clone()).ok()?;
        WEEKDAYS.get(usize::from(d.0)).map(|n| Value::from(*n))
    });
    normalize::map_value(a, "groupBy", |v| {
        let g: GroupArg = serde_json::from_value(v.clone()).ok()?;
        Some(Value::from(group_name(g.0)))
    });
    normalize::map_value(a, "sortBy", |v| {
        let s: SortBy = serde_json::from_value(v.clone()).ok()?;
        Some(Value::from(s.name()))
    });
}

// ---------------------------------------------------------------------------------------------
// Arguments

/// One value or a list of them.
#[derive(Debug, Clone)]
struct Many<T>(Vec<T>);

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let items = match v {
            Value::Array(a) => a,
            other => vec![other],
        };
        items
            .into_iter()
            .map(|i| serde_json::from_value(i).map_err(serde::de::Error::custom))
            .collect::<Result<Vec<T>, _>>()
            .map(Many)
    }
}

/// A weekday by name (English or French, singular or plural, short or long) or ISO number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WeekdayArg(u8);

impl<'de> Deserialize<'de> for WeekdayArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let text = match &v {
            Value::String(s) => search::normalize(s),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let t = text.trim_end_matches('s');
        let found = match t {
            "1" | "mon" | "monday" | "lun" | "lundi" => Some(0),
            "2" | "tue" | "tuesday" | "mar" | "mardi" => Some(1),
            "3" | "wed" | "wednesday" | "mer" | "mercredi" => Some(2),
            "4" | "thu" | "thursday" | "jeu" | "jeudi" => Some(3),
            "5" | "fri" | "friday" | "ven" | "vendredi" => Some(4),
            "6" | "sat" | "saturday" | "sam" | "samedi" => Some(5),
            "7" | "sun" | "sunday" | "dim" | "dimanche" => Some(6),
            _ => None,
        };
        found.map(WeekdayArg).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown weekday `{text}`: use monday … sunday (or lundi … dimanche, or 1–7 from Monday)"
            ))
        })
    }
}

/// An entity by id or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ref {
    Id(u64),
    Name(String),
}

impl<'de> Deserialize<'de> for Ref {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Number(n) => n
                .as_u64()
                .filter(|n| *n > 0)
                .map(Ref::Id)
                .ok_or_else(|| serde::de::Error::custom("an id is a positive integer")),
            Value::String(s) => {
                let s = s.trim();
                if s.is_empty() {
                    return Err(serde::de::Error::custom("an empty name"));
                }
                Ok(match s.parse::<u64>() {
                    Ok(n) if n > 0 => Ref::Id(n),
                    _ => Ref::Name(s.to_owned()),
                })
            }
            _ => Err(serde::de::Error::custom("expected an id or a name")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Comparison {
    None,
    PreviousPeriod,
    SamePeriodLastYear,
    PreviousWeek,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum SortBy {
    Revenue,
    Orders,
    Items,
    #[serde(alias = "averageBasket", alias = "basket")]
    AverageBasket,
    #[serde(alias = "time", alias = "chronological")]
    Key,
}

impl SortBy {
    fn name(self) -> &'static str {
        match self {
            Self::Revenue => "revenue",
            Self::Orders => "orders",
            Self::Items => "items",
            Self::AverageBasket => "average_basket",
            Self::Key => "key",
        }
    }
}

/// A `groupBy` value, tolerant of camelCase and a few synonyms.
#[derive(Debug, Clone, Copy)]
struct GroupArg(GroupBy);

impl<'de> Deserialize<'de> for GroupArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let mut snake = String::new();
        for c in s.trim().chars() {
            if c.is_ascii_uppercase() {
                snake.push('_');
                snake.push(c.to_ascii_lowercase());
            } else if c == ' ' || c == '-' {
                snake.push('_');
            } else {
                snake.push(c);
            }
        }
        let g = match snake.as_str() {
            "none" | "" | "total" => GroupBy::None,
            "day" | "date" => GroupBy::Day,
            "week" => GroupBy::Week,
            "month" => GroupBy::Month,
            "weekday" | "day_of_week" => GroupBy::Weekday,
            "hour" => GroupBy::Hour,
            "delivery_method" | "method" => GroupBy::DeliveryMethod,
            "payment_mode" | "payment" => GroupBy::PaymentMode,
            "customer" | "client" => GroupBy::Customer,
            "product" | "article" => GroupBy::Product,
            "department" | "rayon" => GroupBy::Department,
            "user" | "cashier" => GroupBy::User,
            "cashbox" | "cash_register" | "register" => GroupBy::Cashbox,
            _ => {
                return Err(serde::de::Error::custom(format!(
                    "unknown groupBy `{s}`: use {}",
                    GROUPS.join(", ")
                )));
            }
        };
        Ok(GroupArg(g))
    }
}

fn group_name(g: GroupBy) -> &'static str {
    match g {
        GroupBy::None => "none",
        GroupBy::Day => "day",
        GroupBy::Week => "week",
        GroupBy::Month => "month",
        GroupBy::Weekday => "weekday",
        GroupBy::Hour => "hour",
        GroupBy::DeliveryMethod => "delivery_method",
        GroupBy::PaymentMode => "payment_mode",
        GroupBy::Customer => "customer",
        GroupBy::Product => "product",
        GroupBy::Department => "department",
        GroupBy::User => "user",
        GroupBy::Cashbox => "cashbox",
    }
}

#[serde_as]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SummaryArgs {
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    comparison: Option<Comparison>,
    #[serde(default)]
    group_by: Option<GroupArg>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    top: Option<u64>,
    #[serde(default)]
    sort_by: Option<SortBy>,
    #[serde(default)]
    delivery_method: Option<Many<MethodArg>>,
    #[serde(default, alias = "weekdays")]
    weekday: Option<Many<WeekdayArg>>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    hour_from: Option<u64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    hour_to: Option<u64>,
    #[serde(default, alias = "customerId", alias = "clientId")]
    customer: Option<Ref>,
    #[serde(default, alias = "productId")]
    product: Option<Ref>,
    #[serde(default, alias = "departmentId")]
    department: Option<Ref>,
    #[serde(default, alias = "paymentModeId", alias = "payment")]
    payment_mode: Option<Ref>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    refresh: Option<bool>,
}

// ---------------------------------------------------------------------------------------------
// Output

/// VAT of one rate.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VatOut {
    /// Percent.
    rate: Num,
    vat: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    base: Option<Amount>,
}

/// The figures of a period or a group.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Figures {
    /// Revenue including VAT (refunds deducted).
    revenue: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    revenue_excl_vat: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vat: Option<Amount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    vat_by_rate: Vec<VatOut>,
    /// Validated orders counted (refunds included).
    orders: u64,
    /// Orders that are not refunds.
    sales: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    average_basket: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Num>,
    refunds: u64,
    refund_amount: Amount,
    unpaid: u64,
    unpaid_amount: Amount,
    discounts: Amount,
    /// Orders without VAT details (VAT figures then left out).
    #[serde(default, skip_serializing_if = "is_zero")]
    orders_without_vat: u64,
    /// Orders without lines (items then left out).
    #[serde(default, skip_serializing_if = "is_zero")]
    orders_without_lines: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A change between two values.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
struct Change {
    abs: Num,
    /// Percent of the earlier value (absent when it was zero).
    #[serde(skip_serializing_if = "Option::is_none")]
    pct: Option<f64>,
}

/// Changes of every figure.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Changes {
    revenue: Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    revenue_excl_vat: Option<Change>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vat: Option<Change>,
    orders: Change,
    sales: Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    average_basket: Option<Change>,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Change>,
    refunds: Change,
    refund_amount: Change,
    unpaid: Change,
    unpaid_amount: Change,
    discounts: Change,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct ComparisonOut {
    /// previous_period, same_period_last_year or previous_week.
    kind: String,
    /// How the compared period was found.
    description: String,
    range: RangeOut,
    figures: Figures,
    change: Changes,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
/// A group's changes (the earlier value is the current one minus `abs`).
struct RowChange {
    revenue: Change,
    orders: Change,
}

/// One group.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Row {
    #[serde(skip_serializing_if = "Option::is_none")]
    rank: Option<usize>,
    key: String,
    label: String,
    revenue: Amount,
    orders: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    average_basket: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Num>,
    /// Percent of the total revenue.
    #[serde(skip_serializing_if = "Option::is_none")]
    share: Option<f64>,
    #[serde(default, skip_serializing_if = "is_zero")]
    refunds: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refund_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "is_zero")]
    unpaid: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    unpaid_amount: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    discounts: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<RowChange>,
}

/// The groups, as computed (the text's table is made from them).
#[derive(Debug)]
struct Groups {
    by: String,
    sort_by: String,
    /// Groups in all.
    count: usize,
    /// Groups shown in `rows`.
    shown: usize,
    rows: Vec<Row>,
    /// The groups not shown, summed.
    others: Option<Row>,
    /// Orders (or lines) without a customer, product, department, user or cash register:
    /// not ranked, shown apart.
    unassigned: Option<Row>,
}

/// One value of a group's row: text, a number, or nothing.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Number(f64),
    Count(u64),
    Int(i64),
    Missing,
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(t) => s.serialize_str(t),
            Self::Number(n) => s.serialize_f64(*n),
            Self::Count(n) => s.serialize_u64(*n),
            Self::Int(n) => s.serialize_i64(*n),
            Self::Missing => s.serialize_none(),
        }
    }
}

impl JsonSchema for Cell {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Cell".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]})
    }
}

/// The groups of an answer, compactly: one array of values per group, named by `columns`
/// (a year of weeks stays a few kilobytes).
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct GroupsOut {
    by: String,
    sort_by: String,
    /// Groups in all.
    count: usize,
    /// Groups shown in `rows`.
    shown: usize,
    /// What each value of a row is: key, label (not for time groups), rank (when ranked),
    /// revenue, orders, averageBasket, items, share (% of the revenue), refunds, refundAmount,
    /// unpaid, unpaidAmount, discounts, and with a comparison revenueChange,
    /// revenueChangePct, ordersChange, ordersChangePct.
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
    /// The groups not shown, summed.
    #[serde(skip_serializing_if = "Option::is_none")]
    others: Option<Vec<Cell>>,
    /// Orders (or lines) without a customer, product…: not ranked, shown apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    unassigned: Option<Vec<Cell>>,
}

impl GroupsOut {
    fn new(g: &Groups, time: bool, compared: bool) -> Self {
        let ranked = g.rows.iter().any(|r| r.rank.is_some());
        let mut columns = vec!["key"];
        if !time {
            columns.push("label");
        }
        if ranked {
            columns.push("rank");
        }
        columns.extend([
            "revenue",
            "orders",
            "averageBasket",
            "items",
            "share",
            "refunds",
            "refundAmount",
            "unpaid",
            "unpaidAmount",
            "discounts",
        ]);
        if compared {
            columns.extend([
                "revenueChange",
                "revenueChangePct",
                "ordersChange",
                "ordersChangePct",
            ]);
        }
        let cells = |r: &Row| {
            let mut v = vec![Cell::Text(r.key.clone())];
            if !time {
                v.push(Cell::Text(r.label.clone()));
            }
            if ranked {
                v.push(r.rank.map_or(Cell::Missing, |n| Cell::Count(n as u64)));
            }
            let num = |d: Decimal| {
                use rust_decimal::prelude::ToPrimitive;
                d.round_dp(4).to_f64().map_or(Cell::Missing, Cell::Number)
            };
            v.push(num(r.revenue.0));
            v.push(Cell::Count(r.orders));
            v.push(r.average_basket.map_or(Cell::Missing, |a| num(a.0)));
            v.push(r.items.map_or(Cell::Missing, |i| num(i.0)));
            v.push(r.share.map_or(Cell::Missing, Cell::Number));
            v.push(Cell::Count(r.refunds));
            v.push(num(r.refund_amount.as_ref().map_or(Decimal::ZERO, |a| a.0)));
            v.push(Cell::Count(r.unpaid));
            v.push(num(r.unpaid_amount.as_ref().map_or(Decimal::ZERO, |a| a.0)));
            v.push(num(r.discounts.as_ref().map_or(Decimal::ZERO, |a| a.0)));
            if compared {
                match &r.change {
                    Some(c) => {
                        v.push(num(c.revenue.abs.0));
                        v.push(c.revenue.pct.map_or(Cell::Missing, Cell::Number));
                        v.push({
                            use rust_decimal::prelude::ToPrimitive;
                            c.orders.abs.0.to_i64().map_or(Cell::Missing, Cell::Int)
                        });
                        v.push(c.orders.pct.map_or(Cell::Missing, Cell::Number));
                    }
                    None => v.extend([Cell::Missing, Cell::Missing, Cell::Missing, Cell::Missing]),
                }
            }
            v
        };
        Self {
            by: g.by.clone(),
            sort_by: g.sort_by.clone(),
            count: g.count,
            shown: g.shown,
            columns: columns.into_iter().map(str::to_owned).collect(),
            rows: g.rows.iter().map(cells).collect(),
            others: g.others.as_ref().map(cells),
            unassigned: g.unassigned.as_ref().map(cells),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct SourceOut {
    /// Calls to the POS for this answer.
    upstream_calls: usize,
    /// `getOrders` calls.
    list_calls: usize,
    /// `getOrder` calls (lines missing from the list).
    detail_calls: usize,
    /// Days read from the cache.
    cached_days: usize,
    /// Days fetched from the POS.
    fetched_days: usize,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct SummaryOutput {
    range: RangeOut,
    /// The filters applied, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    filters: Vec<String>,
    /// Which orders count and how figures are computed.
    rules: String,
    total: Figures,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<ComparisonOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<GroupsOut>,
    source: SourceOut,
}

// ---------------------------------------------------------------------------------------------
// Figures

pub(crate) fn money(cents: i64) -> Amount {
    Amount(Decimal::new(cents, 2))
}

fn items_of(acc: &Acc) -> Option<Decimal> {
    (acc.items_unknown == 0).then(|| Decimal::new(acc.items_milli, 3).normalize())
}

pub(crate) fn figures(acc: &Acc) -> Figures {
    let vat = acc.vat_total();
    Figures {
        revenue: money(acc.revenue),
        revenue_excl_vat: vat.map(|v| money(acc.revenue - v)),
        vat: vat.map(money),
        vat_by_rate: if acc.vat_unknown == 0 {
            acc.vat
                .iter()
                .map(|v| VatOut {
                    rate: Num(Decimal::new(i64::from(v.rate), 2).normalize()),
                    vat: money(v.vat),
                    base: v.base.map(money),
                })
                .collect()
        } else {
            Vec::new()
        },
        orders: acc.orders,
        sales: acc.sales,
        average_basket: acc.average_basket().map(money),
        items: items_of(acc).map(Num),
        refunds: acc.refunds,
        refund_amount: money(acc.refund_amount),
        unpaid: acc.unpaid,
        unpaid_amount: money(acc.unpaid_amount),
        discounts: money(acc.discount),
        orders_without_vat: acc.vat_unknown,
        orders_without_lines: acc.items_unknown,
    }
}

fn change(now: Decimal, before: Decimal) -> Change {
    use rust_decimal::prelude::ToPrimitive;
    let abs = now - before;
    let pct = (!before.is_zero())
        .then(|| (abs * Decimal::ONE_HUNDRED / before.abs()).round_dp(1))
        .and_then(|p| p.to_f64());
    Change { abs: Num(abs), pct }
}

fn change_cents(now: i64, before: i64) -> Change {
    change(Decimal::new(now, 2), Decimal::new(before, 2))
}

fn change_count(now: u64, before: u64) -> Change {
    change(Decimal::from(now), Decimal::from(before))
}

fn changes(now: &Acc, before: &Acc) -> Changes {
    let both = |a: Option<i64>, b: Option<i64>| a.zip(b).map(|(a, b)| change_cents(a, b));
    let (vat_now, vat_before) = (now.vat_total(), before.vat_total());
    Changes {
        revenue: change_cents(now.revenue, before.revenue),
        revenue_excl_vat: both(
            vat_now.map(|v| now.revenue - v),
            vat_before.map(|v| before.revenue - v),
        ),
        vat: both(vat_now, vat_before),
        orders: change_count(now.orders, before.orders),
        sales: change_count(now.sales, before.sales),
        average_basket: both(now.average_basket(), before.average_basket()),
        items: items_of(now)
            .zip(items_of(before))
            .map(|(a, b)| change(a, b)),
        refunds: change_count(now.refunds, before.refunds),
        refund_amount: change_cents(now.refund_amount, before.refund_amount),
        unpaid: change_count(now.unpaid, before.unpaid),
        unpaid_amount: change_cents(now.unpaid_amount, before.unpaid_amount),
        discounts: change_cents(now.discount, before.discount),
    }
}

fn share(part: i64, whole: i64) -> Option<f64> {
    use rust_decimal::prelude::ToPrimitive;
    (whole != 0)
        .then(|| (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole)).round_dp(1))
        .and_then(|d| d.to_f64())
}

fn row(rank: Option<usize>, key: String, label: String, acc: &Acc, total: &Acc) -> Row {
    Row {
        rank,
        key,
        label,
        revenue: money(acc.revenue),
        orders: acc.orders,
        average_basket: acc.average_basket().map(money),
        items: items_of(acc).map(Num),
        share: share(acc.revenue, total.revenue),
        refunds: acc.refunds,
        refund_amount: (acc.refunds > 0).then(|| money(acc.refund_amount)),
        unpaid: acc.unpaid,
        unpaid_amount: (acc.unpaid > 0).then(|| money(acc.unpaid_amount)),
        discounts: (acc.discount != 0).then(|| money(acc.discount)),
        change: None,
    }
}

fn compare_row(r: &mut Row, now: &Acc, before: &Acc) {
    r.change = Some(RowChange {
        revenue: change_cents(now.revenue, before.revenue),
        orders: change_count(now.orders, before.orders),
    });
}

// ---------------------------------------------------------------------------------------------
// Periods

/// The compared period, how it was found, and the shift applied.
struct Compared {
    period: Period,
    description: String,
}

fn shift(period: &Period, kind: Comparison) -> Option<(Span, bool)> {
    let days = i64::try_from(period.days().len()).unwrap_or(0);
    let calendar = |p: Preset| match p {
        Preset::Today | Preset::Yesterday => 1.day(),
        Preset::ThisWeek | Preset::LastWeek | Preset::Last7Days => 7.days(),
        Preset::ThisMonth | Preset::LastMonth => 1.month(),
        Preset::ThisYear | Preset::LastYear | Preset::Last12Months => 1.year(),
        Preset::Last30Days => 30.days(),
    };
    match kind {
        Comparison::None => None,
        Comparison::PreviousWeek => Some((7.days(), false)),
        Comparison::PreviousPeriod => Some((
            match period.preset {
                Some(p) => calendar(p),
                None if period.whole_days() => days.days(),
                None => {
                    let secs =
                        period.to.timestamp().as_second() - period.from.timestamp().as_second();
                    Span::new().try_seconds(secs).ok()?
                }
            },
            false,
        )),
        Comparison::SamePeriodLastYear => {
            let weekly = match period.preset {
                Some(p) => matches!(
                    p,
                    Preset::Today
                        | Preset::Yesterday
                        | Preset::ThisWeek
                        | Preset::LastWeek
                        | Preset::Last7Days
                ),
                None => days <= 14,
            };
            Some(if weekly {
                (364.days(), true)
            } else {
                (1.year(), false)
            })
        }
    }
}

fn compared(
    lang: Lang,
    period: &Period,
    kind: Comparison,
    now: &Zoned,
) -> ToolResult<Option<Compared>> {
    let Some((span, weekly)) = shift(period, kind) else {
        return Ok(None);
    };
    let bad = || {
        ToolError::Invalid(tr!(
            lang,
            "The compared period falls outside the dates the server can handle.",
            "La période de comparaison sort des dates que le serveur sait traiter."
        ))
    };
    let from = period.from.checked_sub(span).map_err(|_| bad())?;
    let mut to = period.to.checked_sub(span).map_err(|_| bad())?;
    let mut ongoing = false;
    if period.to > *now {
        // Still in progress: compare up to the same moment.
        let cut = now.checked_sub(span).map_err(|_| bad())?;
        if cut < to {
            to = cut;
            ongoing = true;
        }
    }
    if to <= from {
        to = from.clone();
    }
    let mut description = match kind {
        Comparison::PreviousPeriod => lang
            .pick("previous period", "période précédente")
            .to_owned(),
        Comparison::PreviousWeek => lang
            .pick("one week earlier", "une semaine plus tôt")
            .to_owned(),
        Comparison::SamePeriodLastYear if weekly => lang
            .pick(
                "same period last year (52 weeks earlier, same weekdays)",
                "même période l'an dernier (52 semaines plus tôt, mêmes jours de la semaine)",
            )
            .to_owned(),
        Comparison::SamePeriodLastYear | Comparison::None => lang
            .pick("same period last year", "même période l'an dernier")
            .to_owned(),
    };
    if ongoing {
        description.push_str(&tr!(
            lang,
            ", up to the same time ({})",
            ", jusqu'à la même heure ({})",
            i18n::time(now.time())
        ));
    }
    Ok(Some(Compared {
        period: Period {
            from,
            to,
            preset: None,
        },
        description,
    }))
}

// ---------------------------------------------------------------------------------------------
// Names

pub(crate) struct Named {
    id: u64,
    label: String,
    search: Vec<String>,
}

impl Named {
    /// The label with the id, once.
    fn with_id(&self) -> String {
        if self.label.contains(&format!("#{}", self.id)) {
            self.label.clone()
        } else {
            format!("{} (#{})", self.label, self.id)
        }
    }
}

/// Finds one entity by name: the exact name if only one has it, else the only good match.
fn resolve_name(
    lang: Lang,
    what: &str,
    arg: &str,
    query: &str,
    items: &[Named],
) -> ToolResult<u64> {
    let norm = search::normalize(query);
    let exact: Vec<&Named> = items
        .iter()
        .filter(|i| i.search.iter().any(|s| search::normalize(s) == norm))
        .collect();
    if let [one] = exact.as_slice() {
        return Ok(one.id);
    }
    let mut scored: Vec<(u32, &Named)> = items
        .iter()
        .map(|i| {
            let fields: Vec<search::Field<'_>> =
                i.search.iter().map(|s| search::Field::Text(s)).collect();
            (search::score(query, &fields), i)
        })
        .filter(|(s, _)| *s >= 50)
        .collect();
    scored.sort_by_key(|(s, i)| (std::cmp::Reverse(*s), i.id));
    let clear = match scored.as_slice() {
        [(_, one)] => Some(one.id),
        [(a, one), (b, _), ..] if *a >= 85 && *a >= b + 15 => Some(one.id),
        _ => None,
    };
    if let Some(id) = clear {
        return Ok(id);
    }
    if scored.is_empty() {
        let closest: Vec<String> = search::closest(query, items, |i| i.label.clone(), 5)
            .into_iter()
            .map(|i| i.with_id())
            .collect();
        let hint = if closest.is_empty() {
            String::new()
        } else {
            tr!(
                lang,
                " Closest: {}.",
                " Les plus proches : {}.",
                closest.join("; ")
            )
        };
        return Err(ToolError::Invalid(tr!(
            lang,
            "No {} matches `{}` = \"{}\".{} Give its id instead.",
            "Aucun {} ne correspond à `{}` = « {} ».{} Donnez plutôt son identifiant.",
            what,
            arg,
            query,
            hint
        )));
    }
    let listed: Vec<String> = scored.iter().take(6).map(|(_, i)| i.with_id()).collect();
    Err(ToolError::Invalid(tr!(
        lang,
        "`{}` = \"{}\" is ambiguous or inexact; pass the id of one of: {}.",
        "`{}` = « {} » est ambigu ou inexact ; passez l'identifiant de l'un de : {}.",
        arg,
        query,
        listed.join("; ")
    )))
}

/// A list of the shop as ids and names (`None` when the POS could not give it: labels then
/// fall back to ids).
async fn named<K: kash_api::lists::ListKind>(
    ctx: &Ctx<'_>,
    shop: &Shop,
    entry: impl Fn(&K::Item) -> Named,
) -> Option<Vec<Named>> {
    let list = ctx.inner.catalog.list::<K>(shop).await.ok()?;
    Some(list.iter().map(entry).collect())
}

/// An entry named by its title, or `#id`.
fn titled(id: u64, title: Option<&String>) -> Named {
    let label = title
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map_or_else(|| format!("#{id}"), str::to_owned);
    Named {
        id,
        label: label.clone(),
        search: vec![label],
    }
}

async fn customers(ctx: &Ctx<'_>, shop: &Shop) -> Option<Vec<Named>> {
    let list = ctx
        .inner
        .catalog
        .list::<kash_api::customers::Customers>(shop)
        .await
        .ok()?;
    Some(customer_names(&list))
}

/// Customers' labels, told apart: two customers with the same name get their id and a hint
/// (the city, else the end of the phone number) in their labels.
pub(crate) fn customer_names(list: &[kash_api::customers::Customer]) -> Vec<Named> {
    let mut named: Vec<(Named, String)> = list
        .iter()
        .map(|c| {
            let name = c.display_name();
            let company = c.company.clone().unwrap_or_default();
            let label = if !company.trim().is_empty() && company != name {
                format!("{name} ({company})")
            } else {
                name.clone()
            };
            let hint = c
                .city
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .or_else(|| {
                    c.phone.as_deref().map(|p| {
                        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
                        format!(
                            "…{}",
                            digits.get(digits.len().saturating_sub(4)..).unwrap_or("")
                        )
                    })
                })
                .unwrap_or_default();
            (
                Named {
                    id: c.id.0,
                    label,
                    search: vec![name, company],
                },
                hint,
            )
        })
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (n, _) in &named {
        *seen.entry(search::normalize(&n.label)).or_default() += 1;
    }
    for (n, hint) in &mut named {
        if seen.get(&search::normalize(&n.label)).copied().unwrap_or(0) > 1 {
            n.label = if hint.is_empty() {
                format!("{} (#{})", n.label, n.id)
            } else {
                format!("{} (#{}, {hint})", n.label, n.id)
            };
        }
    }
    named.into_iter().map(|(n, _)| n).collect()
}

pub(crate) async fn products(ctx: &Ctx<'_>, shop: &Shop) -> Option<Vec<Named>> {
    named::<kash_api::products::Products>(ctx, shop, |p| titled(p.id.0, p.title.as_ref())).await
}

async fn departments(ctx: &Ctx<'_>, shop: &Shop) -> Option<Vec<Named>> {
    named::<kash_api::departments::Departments>(ctx, shop, |d| titled(d.id.0, d.title.as_ref()))
        .await
}

pub(crate) async fn payment_modes(ctx: &Ctx<'_>, shop: &Shop) -> Option<Vec<Named>> {
    named::<kash_api::payment_modes::PaymentModes>(ctx, shop, |m| titled(m.id.0, m.title.as_ref()))
        .await
}

async fn users(ctx: &Ctx<'_>, shop: &Shop) -> Option<Vec<Named>> {
    named::<kash_api::shop::Users>(ctx, shop, |u| {
        let name = [u.first_name.as_deref(), u.name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        titled(u.id.0, Some(&name))
    })
    .await
}

async fn cashboxes(ctx: &Ctx<'_>, shop: &Shop) -> Option<Vec<Named>> {
    named::<kash_api::shop::Cashboxes>(ctx, shop, |c| titled(c.id.0, c.title.as_ref())).await
}

pub(crate) fn label_of(items: Option<&[Named]>, id: u64) -> Option<String> {
    items?.iter().find(|i| i.id == id).map(|i| i.label.clone())
}

/// Resolves an entity filter to an id (names through the list; ids as given).
async fn resolve_ref(
    ctx: &Ctx<'_>,
    r: &Ref,
    what: (&str, &str),
    arg: &str,
    list: Option<&[Named]>,
) -> ToolResult<(u64, String)> {
    let lang = ctx.lang;
    let what = lang.pick(what.0, what.1);
    match r {
        Ref::Id(id) => {
            let label = label_of(list, *id).unwrap_or_else(|| format!("#{id}"));
            Ok((*id, label))
        }
        Ref::Name(name) => {
            let items = list.ok_or_else(|| {
                ToolError::Upstream(tr!(
                    lang,
                    "Could not read the list of {}s from the POS to find \"{}\"; give its id instead.",
                    "Impossible de lire la liste ({}) dans la caisse pour trouver « {} » ; donnez plutôt son identifiant.",
                    what,
                    name
                ))
            })?;
            let id = resolve_name(lang, what, arg, name, items)?;
            Ok((
                id,
                label_of(Some(items), id).unwrap_or_else(|| format!("#{id}")),
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Groups

fn date_of_day(n: i64) -> Option<Date> {
    jiff::civil::date(1970, 1, 1).checked_add(n.days()).ok()
}

fn monday_of(d: Date) -> i64 {
    day_number(&d.to_string()) - i64::from(d.weekday().to_monday_zero_offset())
}

/// Where a time key sits in its period (to compare groups of two periods), else the key.
fn position(group: GroupBy, key: Key, start: Date) -> Key {
    match group {
        GroupBy::Day => key - day_number(&start.to_string()),
        GroupBy::Week => (key - monday_of(start)) / 7,
        GroupBy::Month => key - month_key(&start.to_string()),
        _ => key,
    }
}

/// Every bucket of a time grouping over the period (empty ones included).
fn buckets(group: GroupBy, period: &Period, filters: &Filters) -> Vec<Key> {
    let days = period.days();
    match group {
        GroupBy::Day => days.iter().map(|d| day_number(&d.to_string())).collect(),
        GroupBy::Week => {
            let mut out: Vec<Key> = days.iter().map(|d| monday_of(*d)).collect();
            out.dedup();
            out
        }
        GroupBy::Month => {
            let mut out: Vec<Key> = days.iter().map(|d| month_key(&d.to_string())).collect();
            out.dedup();
            out
        }
        GroupBy::Weekday => {
            let mut present: Vec<Key> = days
                .iter()
                .map(|d| i64::from(d.weekday().to_monday_zero_offset()))
                .filter(|w| {
                    filters.weekdays.is_empty()
                        || filters.weekdays.iter().any(|f| i64::from(*f) == *w)
                })
                .collect();
            present.sort_unstable();
            present.dedup();
            present
        }
        _ => Vec::new(),
    }
}

fn key_text(group: GroupBy, key: Key) -> String {
    match group {
        GroupBy::Day => date_of_day(key).map_or_else(|| key.to_string(), |d| d.to_string()),
        GroupBy::Week => date_of_day(key).map_or_else(
            || key.to_string(),
            |d| {
                let w = d.iso_week_date();
                format!("{}-W{:02}", w.year(), w.week())
            },
        ),
        GroupBy::Month => format!("{}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1),
        GroupBy::Weekday => usize::try_from(key)
            .ok()
            .and_then(|i| WEEKDAYS.get(i))
            .map_or_else(|| key.to_string(), |s| (*s).to_owned()),
        GroupBy::Hour => format!("{key:02}"),
        GroupBy::DeliveryMethod => {
            if key == 255 {
                "unknown".to_owned()
            } else {
                DeliveryMethod::from_code(key).name().to_owned()
            }
        }
        GroupBy::PaymentMode => match key {
            0 => "unpaid".to_owned(),
            -1 => "unknown".to_owned(),
            k => k.to_string(),
        },
        _ if key == 0 => "none".to_owned(),
        _ => key.to_string(),
    }
}

struct Labels {
    lang: Lang,
    group: GroupBy,
    names: Option<Vec<Named>>,
}

impl Labels {
    fn label(&self, key: Key) -> String {
        let lang = self.lang;
        match self.group {
            GroupBy::Day => date_of_day(key).map_or_else(String::new, |d| i18n::date(lang, d)),
            GroupBy::Week => date_of_day(key).map_or_else(String::new, |d| {
                tr!(
                    lang,
                    "Week {} (from {})",
                    "Semaine {} (du {})",
                    d.iso_week_date().week(),
                    i18n::date(lang, d)
                )
            }),
            GroupBy::Month => {
                let m = i8::try_from(key.rem_euclid(12) + 1).unwrap_or(1);
                format!("{} {}", i18n::month(lang, m), key.div_euclid(12))
            }
            GroupBy::Weekday => i18n::weekday_long(lang, u8::try_from(key).unwrap_or(0)).to_owned(),
            GroupBy::Hour => format!("{key:02}:00–{:02}:00", key + 1),
            GroupBy::DeliveryMethod => {
                delivery_method_label(lang, &key_text(GroupBy::DeliveryMethod, key)).to_owned()
            }
            GroupBy::PaymentMode => match key {
                0 => lang.pick("Unpaid", "Non payé").to_owned(),
                -1 => lang
                    .pick("Paid, mode unknown", "Payé, mode inconnu")
                    .to_owned(),
                k => self.named(k),
            },
            GroupBy::Customer if key == 0 => lang.pick("No customer", "Sans client").to_owned(),
            GroupBy::Product if key == 0 => lang
                .pick(
                    "Department and free lines",
                    "Lignes au rayon et lignes libres",
                )
                .to_owned(),
            GroupBy::Department if key == 0 => lang.pick("No department", "Sans rayon").to_owned(),
            GroupBy::User | GroupBy::Cashbox if key == 0 => lang.pick("None", "Aucun").to_owned(),
            GroupBy::None => String::new(),
            _ => self.named(key),
        }
    }

    fn named(&self, key: Key) -> String {
        u64::try_from(key)
            .ok()
            .and_then(|id| label_of(self.names.as_deref(), id))
            .unwrap_or_else(|| format!("#{key}"))
    }
}

fn sort_rows(entries: &mut [(Key, Acc)], sort: SortBy) {
    entries.sort_by(|(ka, a), (kb, b)| {
        let primary = match sort {
            SortBy::Key => std::cmp::Ordering::Equal,
            SortBy::Revenue => b.revenue.cmp(&a.revenue),
            SortBy::Orders => b.orders.cmp(&a.orders),
            SortBy::Items => b.items_milli.cmp(&a.items_milli),
            SortBy::AverageBasket => b
                .average_basket()
                .unwrap_or(i64::MIN)
                .cmp(&a.average_basket().unwrap_or(i64::MIN)),
        };
        primary.then(ka.cmp(kb))
    });
}

// ---------------------------------------------------------------------------------------------
// Text

fn signed_money(lang: Lang, c: &Change) -> String {
    let s = i18n::money(lang, c.abs.0);
    if c.abs.0 > Decimal::ZERO {
        format!("+{s}")
    } else {
        s
    }
}

fn signed_count(lang: Lang, c: &Change) -> String {
    let s = qty_text(lang, c.abs.0);
    if c.abs.0 > Decimal::ZERO {
        format!("+{s}")
    } else {
        s
    }
}

fn pct_text(lang: Lang, pct: Option<f64>) -> String {
    match pct {
        Some(p) => {
            let d = Decimal::try_from(p).unwrap_or_default();
            let s = i18n::quantity(lang, d.round_dp(1));
            if p > 0.0 {
                format!("+{s} %")
            } else {
                format!("{s} %")
            }
        }
        None => "n/a".to_owned(),
    }
}

/// A quantity with thousands separated when whole.
fn qty_text(lang: Lang, q: Decimal) -> String {
    use rust_decimal::prelude::ToPrimitive;
    match q.fract().is_zero().then(|| q.to_i64()).flatten() {
        Some(n) => i18n::count(lang, n),
        None => i18n::quantity(lang, q),
    }
}

pub(crate) fn money_c(lang: Lang, cents: i64) -> String {
    i18n::money(lang, Decimal::new(cents, 2))
}

pub(crate) fn figures_text(lang: Lang, acc: &Acc) -> String {
    let mut s = tr!(
        lang,
        "Revenue {} incl. VAT",
        "CA {} TTC",
        money_c(lang, acc.revenue)
    );
    match acc.vat_total() {
        Some(v) => {
            let rates: Vec<String> = acc
                .vat
                .iter()
                .map(|r| {
                    format!(
                        "{} {}",
                        i18n::percent(lang, Decimal::new(i64::from(r.rate), 2)),
                        money_c(lang, r.vat)
                    )
                })
                .collect();
            s.push_str(&tr!(
                lang,
                " · {} excl. VAT · VAT {}",
                " · {} HT · TVA {}",
                money_c(lang, acc.revenue - v),
                money_c(lang, v)
            ));
            if !rates.is_empty() {
                s.push_str(&format!(" ({})", rates.join(", ")));
            }
        }
        None => s.push_str(&tr!(
            lang,
            " · VAT not available for {}",
            " · TVA indisponible pour {}",
            i18n::counted(lang, acc.vat_unknown, nouns::ORDER)
        )),
    }
    s.push('\n');
    s.push_str(&tr!(
        lang,
        "{} · average basket {}",
        "{} · panier moyen {}",
        i18n::counted(lang, acc.orders, nouns::ORDER),
        acc.average_basket()
            .map_or_else(|| "n/a".to_owned(), |b| money_c(lang, b))
    ));
    match items_of(acc) {
        Some(i) => s.push_str(&format!(
            " · {} {}",
            qty_text(lang, i),
            i18n::noun_for(lang, if i == Decimal::ONE { 1 } else { 2 }, nouns::ITEM)
        )),
        None => s.push_str(&tr!(
            lang,
            " · items unknown ({} without lines)",
            " · articles inconnus ({} sans lignes)",
            i18n::counted(lang, acc.items_unknown, nouns::ORDER)
        )),
    }
    s.push_str(&tr!(
        lang,
        " · {} ({}) · {} ({}) · discounts {}",
        " · {} ({}) · {} ({}) · remises {}",
        i18n::counted(lang, acc.refunds, nouns::REFUND),
        money_c(lang, acc.refund_amount),
        i18n::counted(lang, acc.unpaid, nouns::UNPAID),
        money_c(lang, acc.unpaid_amount),
        money_c(lang, acc.discount)
    ));
    s
}

/// `label before → now (+abs, +pct)`.
fn moved(
    lang: Lang,
    label: &str,
    before: String,
    now: String,
    abs: String,
    pct: Option<f64>,
) -> String {
    format!("{label} {before} → {now} ({abs}, {})", pct_text(lang, pct))
}

fn changes_text(lang: Lang, now: &Acc, before: &Acc, c: &Changes) -> String {
    let n = |x: u64| i18n::count(lang, i64::try_from(x).unwrap_or(i64::MAX));
    let mut parts = vec![
        moved(
            lang,
            lang.pick("revenue", "CA"),
            money_c(lang, before.revenue),
            money_c(lang, now.revenue),
            signed_money(lang, &c.revenue),
            c.revenue.pct,
        ),
        moved(
            lang,
            lang.pick("orders", "commandes"),
            n(before.orders),
            n(now.orders),
            signed_count(lang, &c.orders),
            c.orders.pct,
        ),
    ];
    if let (Some(b), Some(a), Some(ch)) = (
        before.average_basket(),
        now.average_basket(),
        &c.average_basket,
    ) {
        parts.push(moved(
            lang,
            lang.pick("average basket", "panier moyen"),
            money_c(lang, b),
            money_c(lang, a),
            signed_money(lang, ch),
            ch.pct,
        ));
    }
    if let (Some(b), Some(a), Some(ch)) = (items_of(before), items_of(now), &c.items) {
        parts.push(moved(
            lang,
            lang.pick("items", "articles"),
            qty_text(lang, b),
            qty_text(lang, a),
            signed_count(lang, ch),
            ch.pct,
        ));
    }
    if let (Some(vb), Some(va), Some(ch)) =
        (before.vat_total(), now.vat_total(), &c.revenue_excl_vat)
    {
        parts.push(moved(
            lang,
            lang.pick("excl. VAT", "HT"),
            money_c(lang, before.revenue - vb),
            money_c(lang, now.revenue - va),
            signed_money(lang, ch),
            ch.pct,
        ));
    }
    parts.push(tr!(
        lang,
        "refunds {} → {}, unpaid {} → {}, discounts {} → {}",
        "remboursements {} → {}, impayées {} → {}, remises {} → {}",
        n(before.refunds),
        n(now.refunds),
        n(before.unpaid),
        n(now.unpaid),
        money_c(lang, before.discount),
        money_c(lang, now.discount)
    ));
    parts.join("; ")
}

fn table(lang: Lang, group: GroupBy, groups: &Groups, compared: bool) -> String {
    let what = match group {
        GroupBy::Day => lang.pick("Day", "Jour"),
        GroupBy::Week => lang.pick("Week", "Semaine"),
        GroupBy::Month => lang.pick("Month", "Mois"),
        GroupBy::Weekday => lang.pick("Weekday", "Jour de la semaine"),
        GroupBy::Hour => lang.pick("Hour", "Heure"),
        GroupBy::DeliveryMethod => lang.pick("Delivery method", "Mode de vente"),
        GroupBy::PaymentMode => lang.pick("Payment", "Paiement"),
        GroupBy::Customer => lang.pick("Customer", "Client"),
        GroupBy::Product => lang.pick("Product", "Article"),
        GroupBy::Department => lang.pick("Department", "Rayon"),
        GroupBy::User => lang.pick("User", "Utilisateur"),
        GroupBy::Cashbox => lang.pick("Cash register", "Caisse"),
        GroupBy::None => "",
    };
    let mut head = vec![
        "#".to_owned(),
        what.to_owned(),
        lang.pick("Revenue", "CA TTC").to_owned(),
        lang.pick("Orders", "Commandes").to_owned(),
        lang.pick("Avg basket", "Panier moyen").to_owned(),
        lang.pick("Items", "Articles").to_owned(),
        lang.pick("Share", "Part").to_owned(),
    ];
    if compared {
        head.push(lang.pick("Revenue change", "Évolution CA").to_owned());
    }
    let mut out = format!("| {} |\n|{}\n", head.join(" | "), "---|".repeat(head.len()));
    let line = |r: &Row| {
        let mut cells = vec![
            r.rank.map_or_else(String::new, |n| n.to_string()),
            r.label.replace('|', "/"),
            i18n::money(lang, r.revenue.0),
            i18n::count(lang, i64::try_from(r.orders).unwrap_or(i64::MAX)),
            r.average_basket
                .map_or_else(|| "–".to_owned(), |b| i18n::money(lang, b.0)),
            r.items
                .map_or_else(|| "–".to_owned(), |i| qty_text(lang, i.0)),
            r.share.map_or_else(
                || "–".to_owned(),
                |s| {
                    format!(
                        "{} %",
                        i18n::quantity(lang, Decimal::try_from(s).unwrap_or_default())
                    )
                },
            ),
        ];
        if compared {
            cells.push(r.change.as_ref().map_or_else(
                || "–".to_owned(),
                |c| {
                    format!(
                        "{} ({})",
                        signed_money(lang, &c.revenue),
                        pct_text(lang, c.revenue.pct)
                    )
                },
            ));
        }
        format!("| {} |\n", cells.join(" | "))
    };
    for r in &groups.rows {
        out.push_str(&line(r));
    }
    if let Some(o) = &groups.others {
        out.push_str(&line(o));
    }
    if let Some(u) = &groups.unassigned {
        out.push_str(&line(u));
    }
    out
}

/// The accounting rules, as every answer states them.
fn rules(lang: Lang, tz: &str, per_line: bool) -> String {
    let mut s = tr!(
        lang,
        "Validated orders (sales and invoices, paid or not) by value date, quotes excluded; time zone {}. Revenue includes VAT and is net of discounts (shown apart) and of refunds (refund orders count negative); revenue excl. VAT = revenue − VAT; average basket = revenue of sales ÷ number of sales (refunds excluded); unpaid = validated orders not paid.",
        "Commandes validées (ventes et factures, payées ou non) par date de valeur, devis exclus ; fuseau {}. Le CA est TTC, net des remises (indiquées à part) et des remboursements (commandes de remboursement comptées en négatif) ; CA HT = CA − TVA ; panier moyen = CA des ventes ÷ nombre de ventes (remboursements exclus) ; impayées = commandes validées non payées.",
        tz
    );
    if per_line {
        s.push(' ');
        s.push_str(lang.pick(
            "Product and department figures add up the matching lines (line totals net of line discounts, VAT per line); an order counts once per group.",
            "Les chiffres par article ou rayon additionnent les lignes concernées (totaux de ligne nets des remises de ligne, TVA par ligne) ; une commande compte une fois par groupe.",
        ));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The tool

pub(crate) fn days_of(
    loaded: &[std::sync::Arc<DayFacts>],
    period: &Period,
) -> Vec<std::sync::Arc<DayFacts>> {
    let days: std::collections::HashSet<String> =
        period.days().iter().map(|d| d.to_string()).collect();
    loaded
        .iter()
        .filter(|d| days.contains(&d.date))
        .cloned()
        .collect()
}

pub(crate) fn with_bounds(filters: &Filters, period: &Period) -> Filters {
    Filters {
        from_ts: Some(period.from.timestamp().as_second()),
        to_ts: Some(period.to.timestamp().as_second()),
        ..filters.clone()
    }
}

pub(crate) async fn call(ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: SummaryArgs = crate::args::parse(lang, ctx.args())?;
    let period = resolve_period(
        ctx,
        args.period.as_deref(),
        args.from.as_deref(),
        args.to.as_deref(),
    )?;
    let n_days = period.days().len();
    if n_days > MAX_DAYS {
        return Err(ToolError::Invalid(tr!(
            lang,
            "That period has {} days; a summary covers at most {} (about three years).",
            "Cette période compte {} jours ; une synthèse en couvre au plus {} (environ trois ans).",
            n_days,
            MAX_DAYS
        )));
    }
    let group = args.group_by.map_or(GroupBy::None, |g| g.0);
    let top = match args.top {
        Some(n) if n == 0 || n > MAX_TOP as u64 => {
            return Err(ToolError::Invalid(tr!(
                lang,
                "`top` must be between 1 and {}.",
                "`top` doit être entre 1 et {}.",
                MAX_TOP
            )));
        }
        Some(n) => Some(usize::try_from(n).unwrap_or(MAX_TOP)),
        None => None,
    };
    if top.is_some() && group == GroupBy::None {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`top` ranks groups: give `groupBy` too (e.g. customer or product).",
            "`top` classe des groupes : donnez aussi `groupBy` (par exemple customer ou product)."
        )));
    }
    let sort = args.sort_by.unwrap_or(if group.is_time() && top.is_none() {
        SortBy::Key
    } else {
        SortBy::Revenue
    });
    if let (Some(f), Some(t)) = (args.hour_from, args.hour_to)
        && f >= t
    {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`hourFrom` ({}) must be before `hourTo` ({}, excluded): 12 and 14 mean 12:00–13:59.",
            "`hourFrom` ({}) doit précéder `hourTo` ({}, exclue) : 12 et 14 veulent dire 12:00–13:59.",
            f,
            t
        )));
    }
    if args.hour_from.is_some_and(|h| h > 23) || args.hour_to.is_some_and(|h| h == 0 || h > 24) {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Hours are local: `hourFrom` 0–23, `hourTo` 1–24.",
            "Les heures sont locales : `hourFrom` 0–23, `hourTo` 1–24."
        )));
    }
    let shop = ctx.shop().await?;

    // Filters, with names resolved.
    let mut filters = Filters::default();
    let mut described: Vec<String> = Vec::new();
    if let Some(Many(methods)) = &args.delivery_method {
        for m in methods {
            let code = u8::try_from(m.0.code()).unwrap_or(255);
            if !filters.delivery.contains(&code) {
                filters.delivery.push(code);
            }
        }
        described.push(
            methods
                .iter()
                .map(|m| delivery_method_label(lang, m.0.name()))
                .collect::<Vec<_>>()
                .join(lang.pick(" or ", " ou ")),
        );
    }
    if let Some(Many(days)) = &args.weekday {
        for d in days {
            if !filters.weekdays.contains(&d.0) {
                filters.weekdays.push(d.0);
            }
        }
        filters.weekdays.sort_unstable();
        described.push(
            filters
                .weekdays
                .iter()
                .map(|d| i18n::weekday_long(lang, *d))
                .collect::<Vec<_>>()
                .join(lang.pick(" or ", " ou ")),
        );
    }
    filters.hour_from = args.hour_from.and_then(|h| u8::try_from(h).ok());
    filters.hour_to = args.hour_to.and_then(|h| u8::try_from(h).ok());
    if args.hour_from.is_some() || args.hour_to.is_some() {
        described.push(format!(
            "{:02}:00–{:02}:00",
            args.hour_from.unwrap_or(0),
            args.hour_to.unwrap_or(24)
        ));
    }
    let wanted = |given: bool, g: GroupBy| given || group == g;
    let customer_list = if wanted(args.customer.is_some(), GroupBy::Customer) {
        customers(ctx, &shop).await
    } else {
        None
    };
    let product_list = if wanted(args.product.is_some(), GroupBy::Product) {
        products(ctx, &shop).await
    } else {
        None
    };
    let department_list = if wanted(args.department.is_some(), GroupBy::Department) {
        departments(ctx, &shop).await
    } else {
        None
    };
    let mode_list = if wanted(args.payment_mode.is_some(), GroupBy::PaymentMode) {
        payment_modes(ctx, &shop).await
    } else {
        None
    };
    if let Some(r) = &args.customer {
        let (id, label) = resolve_ref(
            ctx,
            r,
            ("customer", "client"),
            "customer",
            customer_list.as_deref(),
        )
        .await?;
        filters.customer = Some(id);
        described.push(tr!(lang, "customer {} (#{})", "client {} (#{})", label, id));
    }
    if let Some(r) = &args.product {
        let (id, label) = resolve_ref(
            ctx,
            r,
            ("product", "article"),
            "product",
            product_list.as_deref(),
        )
        .await?;
        filters.product = Some(id);
        described.push(tr!(lang, "product {} (#{})", "article {} (#{})", label, id));
    }
    if let Some(r) = &args.department {
        let (id, label) = resolve_ref(
            ctx,
            r,
            ("department", "rayon"),
            "department",
            department_list.as_deref(),
        )
        .await?;
        filters.department = Some(id);
        described.push(tr!(
            lang,
            "department {} (#{})",
            "rayon {} (#{})",
            label,
            id
        ));
    }
    if let Some(r) = &args.payment_mode {
        let unpaid = matches!(r, Ref::Name(n) if matches!(search::normalize(n).as_str(), "unpaid" | "non paye" | "impaye" | "impayee" | "not paid"));
        if unpaid {
            filters.payment_mode = Some(0);
            described.push(lang.pick("unpaid", "non payées").to_owned());
        } else {
            let (id, label) = resolve_ref(
                ctx,
                r,
                ("payment mode", "mode de paiement"),
                "paymentMode",
                mode_list.as_deref(),
            )
            .await?;
            filters.payment_mode = Some(id);
            described.push(tr!(
                lang,
                "paid by {} (#{})",
                "payées par {} (#{})",
                label,
                id
            ));
        }
    }

    // The compared period, and every day to load.
    let now = ctx.now().to_zoned(ctx.tz().clone());
    let comparison = compared(
        lang,
        &period,
        args.comparison.unwrap_or(Comparison::None),
        &now,
    )?;
    let mut dates = period.days();
    if let Some(c) = &comparison {
        dates.extend(c.period.days());
    }
    dates.sort_unstable();
    dates.dedup();
    let per_line = group.per_line() || filters.product.is_some() || filters.department.is_some();
    let mut progress = Progress::new(ctx, 0);
    let loaded = loader::load(
        ctx,
        &shop,
        &dates,
        LoadOptions {
            lines: per_line,
            refresh: args.refresh.unwrap_or(false),
        },
        &mut progress,
    )
    .await?;
    let stats: SourceStats = loaded.stats;

    // Aggregate.
    let main_days = days_of(&loaded.days, &period);
    let main_refs: Vec<&DayFacts> = main_days.iter().map(|d| d.as_ref()).collect();
    let main = engine::aggregate(&main_refs, &with_bounds(&filters, &period), group);
    let before = comparison.as_ref().map(|c| {
        let days = days_of(&loaded.days, &c.period);
        let refs: Vec<&DayFacts> = days.iter().map(|d| d.as_ref()).collect();
        engine::aggregate(&refs, &with_bounds(&filters, &c.period), group)
    });

    // Groups.
    let groups = if group == GroupBy::None {
        None
    } else {
        let mut entries: Vec<(Key, Acc)> = main.groups.clone().into_iter().collect();
        for k in buckets(group, &period, &filters) {
            if !main.groups.contains_key(&k) {
                entries.push((k, Acc::default()));
            }
        }
        // "No customer" is not a customer: it is shown apart, not ranked.
        let apart = matches!(
            group,
            GroupBy::Customer
                | GroupBy::Product
                | GroupBy::Department
                | GroupBy::User
                | GroupBy::Cashbox
        );
        let unassigned_acc = if apart {
            entries
                .iter()
                .position(|(k, _)| *k == 0)
                .map(|i| entries.swap_remove(i).1)
        } else {
            None
        };
        let count = entries.len();
        let limit = match top {
            Some(n) => n,
            None if group.is_time() => {
                if count > MAX_ROWS {
                    return Err(ToolError::Invalid(tr!(
                        lang,
                        "Grouping by {} over {} gives {} rows; an answer shows at most {}. Group by a longer unit (week, month), shorten the period, or give `top` (e.g. the 10 best).",
                        "Regrouper par {} sur {} donne {} lignes ; une réponse en montre au plus {}. Regroupez par une unité plus longue (week, month), raccourcissez la période, ou donnez `top` (par exemple les 10 meilleurs).",
                        group_name(group),
                        period.label(lang),
                        count,
                        MAX_ROWS
                    )));
                }
                count
            }
            None => DEFAULT_TOP,
        };
        sort_rows(&mut entries, sort);
        let names = match group {
            GroupBy::Customer => customer_list,
            GroupBy::Product => product_list,
            GroupBy::Department => department_list,
            GroupBy::PaymentMode => mode_list,
            GroupBy::User => users(ctx, &shop).await,
            GroupBy::Cashbox => cashboxes(ctx, &shop).await,
            _ => None,
        };
        let labels = Labels { lang, group, names };
        let compared_start = comparison.as_ref().map(|c| c.period.from.date());
        let before_by_pos: HashMap<Key, &Acc> = match (&before, compared_start) {
            (Some(b), Some(start)) => b
                .groups
                .iter()
                .map(|(k, a)| (position(group, *k, start), a))
                .collect(),
            _ => HashMap::new(),
        };
        let start = period.from.date();
        let empty = Acc::default();
        let ranked = sort != SortBy::Key;
        let mut rows = Vec::new();
        let mut rest = Acc::default();
        let mut rest_before = Acc::default();
        let mut rest_n = 0usize;
        for (i, (key, acc)) in entries.iter().enumerate() {
            let prev = before.as_ref().map(|_| {
                *before_by_pos
                    .get(&position(group, *key, start))
                    .unwrap_or(&&empty)
            });
            if i < limit {
                let mut r = row(
                    ranked.then_some(i + 1),
                    key_text(group, *key),
                    labels.label(*key),
                    acc,
                    &main.total,
                );
                if let Some(p) = prev {
                    compare_row(&mut r, acc, p);
                }
                rows.push(r);
            } else {
                rest.merge(acc);
                if let Some(p) = prev {
                    rest_before.merge(p);
                }
                rest_n += 1;
            }
        }
        let others = (rest_n > 0).then(|| {
            let mut r = row(
                None,
                "others".to_owned(),
                tr!(lang, "Others ({})", "Autres ({})", rest_n),
                &rest,
                &main.total,
            );
            if before.is_some() {
                compare_row(&mut r, &rest, &rest_before);
            }
            r
        });
        let unassigned = unassigned_acc.map(|acc| {
            let mut r = row(None, key_text(group, 0), labels.label(0), &acc, &main.total);
            if let Some(b) = &before {
                compare_row(&mut r, &acc, b.groups.get(&0).unwrap_or(&empty));
            }
            r
        });
        Some(Groups {
            by: group_name(group).to_owned(),
            sort_by: sort.name().to_owned(),
            count,
            shown: rows.len(),
            rows,
            others,
            unassigned,
        })
    };

    // The answer.
    let tz_name = ctx.tz().iana_name().unwrap_or("UTC").to_owned();
    let range = RangeOut::new(&period, lang);
    let mut text = tr!(
        lang,
        "Sales — {}, {}, {}",
        "Ventes — {}, {}, {}",
        period.label(lang),
        tz_name,
        i18n::counted(lang, main.total.orders, nouns::VALIDATED_ORDER)
    );
    if !described.is_empty() {
        text.push_str(&format!(" ({})", described.join(", ")));
    }
    text.push('\n');
    text.push_str(&figures_text(lang, &main.total));
    let comparison_out = match (&comparison, &before) {
        (Some(c), Some(b)) => {
            let ch = changes(&main.total, &b.total);
            text.push_str(&tr!(
                lang,
                "\nCompared with {} ({}, {}): {}",
                "\nComparé à {} ({}, {}) : {}",
                c.period.label(lang),
                c.description,
                i18n::counted(lang, b.total.orders, nouns::ORDER),
                changes_text(lang, &main.total, &b.total, &ch)
            ));
            Some(ComparisonOut {
                kind: match args.comparison {
                    Some(Comparison::PreviousPeriod) => "previous_period",
                    Some(Comparison::SamePeriodLastYear) => "same_period_last_year",
                    _ => "previous_week",
                }
                .to_owned(),
                description: c.description.clone(),
                range: RangeOut::new(&c.period, lang),
                figures: figures(&b.total),
                change: ch,
            })
        }
        _ => None,
    };
    if let Some(g) = &groups {
        let head = if g.shown < g.count {
            tr!(
                lang,
                "\nBy {}: top {} of {} by {}, the rest as others",
                "\nPar {} : les {} premiers sur {} par {}, le reste en autres",
                group_name(group),
                g.shown,
                g.count,
                sort.name()
            )
        } else {
            tr!(
                lang,
                "\nBy {} ({}, by {})",
                "\nPar {} ({}, par {})",
                group_name(group),
                i18n::counted(lang, g.count, nouns::GROUP),
                sort.name()
            )
        };
        text.push_str(&head);
        text.push('\n');
        text.push_str(&table(lang, group, g, comparison_out.is_some()));
    }
    let rules_text = rules(lang, &tz_name, per_line);
    text.push_str(&tr!(lang, "\nRules: {}", "\nRègles : {}", rules_text));
    text.push_str(&tr!(
        lang,
        "\nSource: {} from the cache, {} fetched; {} to the POS.",
        "\nSource : {} du cache, {} lus dans la caisse ; {} à la caisse.",
        i18n::counted(lang, stats.cached_days, nouns::DAY),
        stats.fetched_days,
        i18n::counted(lang, stats.upstream_calls(), nouns::CALL)
    ));
    done(
        text,
        &SummaryOutput {
            range,
            filters: described,
            rules: rules_text,
            total: figures(&main.total),
            groups: groups
                .as_ref()
                .map(|g| GroupsOut::new(g, group.is_time(), comparison_out.is_some())),
            comparison: comparison_out,
            source: SourceOut {
                upstream_calls: stats.upstream_calls(),
                list_calls: stats.list_calls,
                detail_calls: stats.detail_calls,
                cached_days: stats.cached_days,
                fetched_days: stats.fetched_days,
            },
        },
    )
}
