//! The figures of a period or a group (revenue, VAT per rate, orders, basket, items, refunds,
//! unpaid, discounts), as structured output and as text: shared by `sales_summary` and
//! `report_sales`.

use kash_api::Decimal;
use schemars::JsonSchema;
use serde::Serialize;

use crate::analytics::engine::Acc;
use crate::i18n::{self, Lang, nouns};
use crate::tr;
use crate::views::{Amount, Num};

// ---------------------------------------------------------------------------------------------
// Output

/// VAT of one rate.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VatOut {
    /// Percent.
    pub(crate) rate: Num,
    pub(crate) vat: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) base: Option<Amount>,
}

/// The figures of a period or a group.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Figures {
    /// Revenue including VAT (refunds deducted).
    pub(crate) revenue: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) revenue_excl_vat: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) vat: Option<Amount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) vat_by_rate: Vec<VatOut>,
    /// Validated orders counted (refunds included).
    pub(crate) orders: u64,
    /// Orders that are not refunds.
    pub(crate) sales: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) average_basket: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) items: Option<Num>,
    pub(crate) refunds: u64,
    pub(crate) refund_amount: Amount,
    pub(crate) unpaid: u64,
    pub(crate) unpaid_amount: Amount,
    pub(crate) discounts: Amount,
    /// Orders without VAT details (VAT figures then left out).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) orders_without_vat: u64,
    /// Orders without lines (items then left out).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) orders_without_lines: u64,
}

pub(crate) fn is_zero(n: &u64) -> bool {
    *n == 0
}

// ---------------------------------------------------------------------------------------------
// Figures

pub(crate) fn money(cents: i64) -> Amount {
    Amount(Decimal::new(cents, 2))
}

pub(crate) fn items_of(acc: &Acc) -> Option<Decimal> {
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

/// A quantity with thousands separated when whole.
pub(crate) fn qty_text(lang: Lang, q: Decimal) -> String {
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
