//! The answer's text: changes, the table of groups, the rules stated.

use kash_api::Decimal;

use super::output::{Change, Changes, Groups, Row};
use super::{items_of, money_c, qty_text};
use crate::analytics::engine::{Acc, GroupBy};
use crate::i18n::{self, Lang};
use crate::tr;

// ---------------------------------------------------------------------------------------------
// Text

pub(super) fn signed_money(lang: Lang, c: &Change) -> String {
    let s = i18n::money(lang, c.abs.0);
    if c.abs.0 > Decimal::ZERO {
        format!("+{s}")
    } else {
        s
    }
}

pub(super) fn signed_count(lang: Lang, c: &Change) -> String {
    let s = qty_text(lang, c.abs.0);
    if c.abs.0 > Decimal::ZERO {
        format!("+{s}")
    } else {
        s
    }
}

pub(super) fn pct_text(lang: Lang, pct: Option<f64>) -> String {
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

/// `label before → now (+abs, +pct)`.
pub(super) fn moved(
    lang: Lang,
    label: &str,
    before: String,
    now: String,
    abs: String,
    pct: Option<f64>,
) -> String {
    format!("{label} {before} → {now} ({abs}, {})", pct_text(lang, pct))
}

pub(super) fn changes_text(lang: Lang, now: &Acc, before: &Acc, c: &Changes) -> String {
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

pub(super) fn table(lang: Lang, group: GroupBy, groups: &Groups, compared: bool) -> String {
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
pub(super) fn rules(lang: Lang, tz: &str, per_line: bool) -> String {
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
