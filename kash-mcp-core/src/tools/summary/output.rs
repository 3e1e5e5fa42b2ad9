//! What `sales_summary` answers: figures, changes, groups as compact rows.

use kash_api::Decimal;
use schemars::JsonSchema;
use serde::Serialize;

use super::{Figures, is_zero, items_of, money};
use crate::analytics::engine::Acc;
use crate::tools::common::period::RangeOut;
use crate::views::{Amount, Num};

/// A change between two values.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub(super) struct Change {
    pub(super) abs: Num,
    /// Percent of the earlier value (absent when it was zero).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) pct: Option<f64>,
}

/// Changes of every figure.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct Changes {
    pub(super) revenue: Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) revenue_excl_vat: Option<Change>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) vat: Option<Change>,
    pub(super) orders: Change,
    pub(super) sales: Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) average_basket: Option<Change>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) items: Option<Change>,
    pub(super) refunds: Change,
    pub(super) refund_amount: Change,
    pub(super) unpaid: Change,
    pub(super) unpaid_amount: Change,
    pub(super) discounts: Change,
}

/// What a period is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum ComparedWith {
    PreviousPeriod,
    SamePeriodLastYear,
    PreviousWeek,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct ComparisonOut {
    pub(super) kind: ComparedWith,
    /// How the compared period was found.
    pub(super) description: String,
    pub(super) range: RangeOut,
    pub(super) figures: Figures,
    pub(super) change: Changes,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
/// A group's changes (the earlier value is the current one minus `abs`).
pub(super) struct RowChange {
    pub(super) revenue: Change,
    pub(super) orders: Change,
}

/// One group.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct Row {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) rank: Option<usize>,
    pub(super) key: String,
    pub(super) label: String,
    pub(super) revenue: Amount,
    pub(super) orders: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) average_basket: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) items: Option<Num>,
    /// Percent of the total revenue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) share: Option<f64>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(super) refunds: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) refund_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(super) unpaid: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) unpaid_amount: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) discounts: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) change: Option<RowChange>,
}

/// The groups, as computed (the text's table is made from them).
#[derive(Debug)]
pub(super) struct Groups {
    pub(super) by: String,
    pub(super) sort_by: String,
    /// Groups in all.
    pub(super) count: usize,
    /// Groups shown in `rows`.
    pub(super) shown: usize,
    pub(super) rows: Vec<Row>,
    /// The groups not shown, summed.
    pub(super) others: Option<Row>,
    /// Orders (or lines) without a customer, product, department, user or cash register:
    /// not ranked, shown apart.
    pub(super) unassigned: Option<Row>,
}

/// One value of a group's row: text, a number, or nothing.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
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

crate::views::inline_schema!(
    Cell,
    "Cell",
    {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}
);

/// The groups of an answer, compactly: one array of values per group, named by `columns`
/// (a year of weeks stays a few kilobytes).
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct GroupsOut {
    pub(super) by: String,
    pub(super) sort_by: String,
    /// Groups in all.
    pub(super) count: usize,
    /// Groups shown in `rows`.
    pub(super) shown: usize,
    /// What each value of a row is: key, label (not for time groups), rank (when ranked),
    /// revenue, orders, averageBasket, items, share (% of the revenue), refunds, refundAmount,
    /// unpaid, unpaidAmount, discounts, and with a comparison revenueChange,
    /// revenueChangePct, ordersChange, ordersChangePct.
    pub(super) columns: Vec<String>,
    pub(super) rows: Vec<Vec<Cell>>,
    /// The groups not shown, summed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) others: Option<Vec<Cell>>,
    /// Orders (or lines) without a customer, product…: not ranked, shown apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) unassigned: Option<Vec<Cell>>,
}

impl GroupsOut {
    pub(super) fn new(g: &Groups, time: bool, compared: bool) -> Self {
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
pub(super) struct SourceOut {
    /// Calls to the POS for this answer.
    pub(super) upstream_calls: usize,
    /// `getOrders` calls.
    pub(super) list_calls: usize,
    /// `getOrder` calls (lines missing from the list).
    pub(super) detail_calls: usize,
    /// Days read from the cache.
    pub(super) cached_days: usize,
    /// Days fetched from the POS.
    pub(super) fetched_days: usize,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct SummaryOutput {
    pub(super) range: RangeOut,
    /// The filters applied, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) filters: Vec<String>,
    /// Which orders count and how figures are computed.
    pub(super) rules: String,
    pub(super) total: Figures,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) comparison: Option<ComparisonOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) groups: Option<GroupsOut>,
    pub(super) source: SourceOut,
}

pub(super) fn change(now: Decimal, before: Decimal) -> Change {
    use rust_decimal::prelude::ToPrimitive;
    let abs = now - before;
    let pct = (!before.is_zero())
        .then(|| (abs * Decimal::ONE_HUNDRED / before.abs()).round_dp(1))
        .and_then(|p| p.to_f64());
    Change { abs: Num(abs), pct }
}

pub(super) fn change_cents(now: i64, before: i64) -> Change {
    change(Decimal::new(now, 2), Decimal::new(before, 2))
}

pub(super) fn change_count(now: u64, before: u64) -> Change {
    change(Decimal::from(now), Decimal::from(before))
}

pub(super) fn changes(now: &Acc, before: &Acc) -> Changes {
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

pub(super) fn share(part: i64, whole: i64) -> Option<f64> {
    use rust_decimal::prelude::ToPrimitive;
    (whole != 0)
        .then(|| (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole)).round_dp(1))
        .and_then(|d| d.to_f64())
}

pub(super) fn row(rank: Option<usize>, key: String, label: String, acc: &Acc, total: &Acc) -> Row {
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

pub(super) fn compare_row(r: &mut Row, now: &Acc, before: &Acc) {
    r.change = Some(RowChange {
        revenue: change_cents(now.revenue, before.revenue),
        orders: change_count(now.orders, before.orders),
    });
}
