//! `getSales.php`: the daily sales report, computed from the day's validated orders (by value
//! date, in the shop's time zone). The sandbox produces `Std` (HTML) and `CSV`; the other
//! formats get an error naming the ones it does.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::http::{Reply, Req};
use crate::model::*;
use crate::state::ShopHandle;
use crate::wire::{csv_cell, html_escape, money, qty, rate};

const METHODS: [&str; 7] = [
    "À emporter",
    "Livraison",
    "Sur place",
    "Drive",
    "Comptoir",
    "Point relais",
    "Expédition",
];

/// The figures of one day.
#[derive(Debug, Default)]
pub struct DayReport {
    pub day: String,
    pub orders: usize,
    pub total: Cents,
    pub base: Cents,
    pub vat: Cents,
    pub discounts: Cents,
    pub refunds: (usize, Cents),
    pub unpaid: (usize, Cents),
    /// (title) → (quantity, total)
    pub articles: BTreeMap<String, (Milli, Cents)>,
    /// rate → (base, vat, total)
    pub vats: BTreeMap<i64, (Cents, Cents, Cents)>,
    /// payment mode title → (count, amount)
    pub payments: BTreeMap<String, (usize, Cents)>,
    /// delivery method → (count, amount)
    pub methods: BTreeMap<u8, (usize, Cents)>,
}

pub fn day_report(shop: &ShopData, from: i64, to_exclusive: i64, label: String) -> DayReport {
    let mut r = DayReport {
        day: label,
        ..DayReport::default()
    };
    for o in shop.orders_between(from, to_exclusive - 1) {
        r.orders += 1;
        r.total += o.total;
        r.discounts += o.discount;
        for v in &o.vats() {
            r.base += v.base;
            r.vat += v.vat;
            let e = r.vats.entry(v.rate).or_default();
            e.0 += v.base;
            e.1 += v.vat;
            e.2 += v.base + v.vat;
        }
        if o.refund {
            r.refunds.0 += 1;
            r.refunds.1 += o.total;
        }
        if o.payment == -1 {
            r.unpaid.0 += 1;
            r.unpaid.1 += o.total;
        } else if let Some(m) = u32::try_from(o.payment)
            .ok()
            .and_then(|id| shop.payment_mode(id))
        {
            let e = r.payments.entry(m.title.clone()).or_default();
            e.0 += 1;
            e.1 += o.total;
        }
        let e = r.methods.entry(o.delivery_method).or_default();
        e.0 += 1;
        e.1 += o.total;
        for l in &o.lines {
            let e = r.articles.entry(l.title.to_string()).or_default();
            e.0 += l.quantity;
            e.1 += l.total;
        }
    }
    r
}

fn method_name(m: u8) -> &'static str {
    METHODS.get(usize::from(m)).copied().unwrap_or("Autre")
}

pub fn csv(r: &DayReport, shop_name: &str) -> String {
    let mut out = String::new();
    let mut row = |cells: &[&str]| {
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(";"),
        );
        out.push('\n');
    };
    row(&["Rapport", &format!("Ventes du {}", r.day), shop_name]);
    row(&[
        "Rubrique",
        "Libellé",
        "Quantité",
        "Montant TTC",
        "Base HT",
        "TVA",
    ]);
    for (title, (q, t)) in &r.articles {
        row(&["Article", title, &qty(*q), &money(*t), "", ""]);
    }
    for (rt, (base, vat, ttc)) in &r.vats {
        row(&[
            "TVA",
            &format!("{} %", rate(*rt)),
            "",
            &money(*ttc),
            &money(*base),
            &money(*vat),
        ]);
    }
    for (title, (n, amount)) in &r.payments {
        row(&["Paiement", title, &n.to_string(), &money(*amount), "", ""]);
    }
    row(&[
        "Paiement",
        "Non payé",
        &r.unpaid.0.to_string(),
        &money(r.unpaid.1),
        "",
        "",
    ]);
    for (m, (n, amount)) in &r.methods {
        row(&[
            "Mode",
            method_name(*m),
            &n.to_string(),
            &money(*amount),
            "",
            "",
        ]);
    }
    row(&[
        "Remboursements",
        "",
        &r.refunds.0.to_string(),
        &money(r.refunds.1),
        "",
        "",
    ]);
    row(&["Remises", "", "", &money(-r.discounts), "", ""]);
    row(&[
        "Total",
        "Commandes",
        &r.orders.to_string(),
        &money(r.total),
        &money(r.base),
        &money(r.vat),
    ]);
    out
}

pub fn html(r: &DayReport, shop_name: &str) -> String {
    let mut out = format!(
        "<div class=\"rapport\"><h1>{} — ventes du {}</h1>",
        html_escape(shop_name),
        html_escape(&r.day)
    );
    let table = |out: &mut String, title: &str, head: &[&str], rows: Vec<Vec<String>>| {
        out.push_str(&format!("<h2>{}</h2><table><tr>", html_escape(title)));
        for h in head {
            out.push_str(&format!("<th>{}</th>", html_escape(h)));
        }
        out.push_str("</tr>");
        for row in rows {
            out.push_str("<tr>");
            for c in row {
                out.push_str(&format!("<td>{}</td>", html_escape(&c)));
            }
            out.push_str("</tr>");
        }
        out.push_str("</table>");
    };
    table(
        &mut out,
        "Totaux",
        &[
            "Commandes",
            "Total TTC",
            "Total HT",
            "TVA",
            "Remboursements",
            "Remises",
        ],
        vec![vec![
            r.orders.to_string(),
            money(r.total),
            money(r.base),
            money(r.vat),
            format!("{} ({})", r.refunds.0, money(r.refunds.1)),
            money(r.discounts),
        ]],
    );
    table(
        &mut out,
        "TVA",
        &["Taux", "Base HT", "TVA", "TTC"],
        r.vats
            .iter()
            .map(|(rt, (b, v, t))| {
                vec![format!("{} %", rate(*rt)), money(*b), money(*v), money(*t)]
            })
            .collect(),
    );
    let mut pay: Vec<Vec<String>> = r
        .payments
        .iter()
        .map(|(t, (n, a))| vec![t.clone(), n.to_string(), money(*a)])
        .collect();
    pay.push(vec![
        "Non payé".to_owned(),
        r.unpaid.0.to_string(),
        money(r.unpaid.1),
    ]);
    table(&mut out, "Paiements", &["Mode", "Nombre", "Montant"], pay);
    table(
        &mut out,
        "Modes de vente",
        &["Mode", "Nombre", "Montant"],
        r.methods
            .iter()
            .map(|(m, (n, a))| vec![method_name(*m).to_owned(), n.to_string(), money(*a)])
            .collect(),
    );
    table(
        &mut out,
        "Articles",
        &["Article", "Quantité", "Montant TTC"],
        r.articles
            .iter()
            .map(|(t, (q, a))| vec![t.clone(), qty(*q), money(*a)])
            .collect(),
    );
    out.push_str("</div>");
    out
}

pub fn report(shop: &ShopHandle, req: &Req, now: jiff::Timestamp) -> Reply {
    let format = req.get("formatExport").unwrap_or("Std");
    let produced = ["Std", "CSV"];
    let Some(format) = produced.iter().find(|f| f.eq_ignore_ascii_case(format)) else {
        let known = ["PDF", "XLS", "frafec", "saft"];
        return if known.iter().any(|f| f.eq_ignore_ascii_case(format)) {
            Reply::Error(format!(
                "Format {format} non produit par le bac à sable : formats disponibles Std, CSV"
            ))
        } else {
            Reply::Error(format!(
                "formatExport « {format} » inconnu : Std, PDF, XLS, CSV, frafec ou saft"
            ))
        };
    };
    let today = now.to_zoned(shop.tz.clone()).date();
    let day = match (req.get("d"), req.get("m"), req.get("y")) {
        (None, None, None) => today.checked_sub(1.day()).unwrap_or(today),
        (Some(d), Some(m), Some(y)) => {
            match (
                d.trim().parse::<i8>(),
                m.trim().parse::<i8>(),
                y.trim().parse::<i16>(),
            ) {
                (Ok(d), Ok(m), Ok(y)) => match Date::new(y, m, d) {
                    Ok(date) => date,
                    Err(_) => return Reply::Error(format!("Date {d}/{m}/{y} invalide")),
                },
                _ => return Reply::Error("Paramètres d, m, y : nombres attendus".to_owned()),
            }
        }
        _ => return Reply::Error("Paramètres d, m et y : tous ou aucun".to_owned()),
    };
    let start = day.to_zoned(shop.tz.clone());
    let end = day
        .tomorrow()
        .ok()
        .and_then(|t| t.to_zoned(shop.tz.clone()).ok());
    let (Ok(start), Some(end)) = (start, end) else {
        return Reply::Error("Date invalide".to_owned());
    };
    let Ok(d) = shop.data.read() else {
        return Reply::Error("Erreur interne".to_owned());
    };
    let label = day.strftime("%d/%m/%Y").to_string();
    let r = day_report(
        &d,
        start.timestamp().as_second(),
        end.timestamp().as_second(),
        label,
    );
    if *format == "CSV" {
        Reply::Body {
            bytes: csv(&r, &d.name).into_bytes(),
            mime: "text/csv; charset=utf-8",
        }
    } else {
        Reply::Body {
            bytes: html(&r, &d.name).into_bytes(),
            mime: "text/html; charset=utf-8",
        }
    }
}
