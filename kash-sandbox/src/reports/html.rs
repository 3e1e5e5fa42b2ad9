//! `Std`: the report as an HTML fragment, one table per section.

use super::{Day, method_name};
use crate::wire::{html_escape, money, qty, rate};

/// A section of the report: a title, column heads and rows of text. The PDF lays out the same
/// sections.
#[derive(Debug)]
pub struct Section {
    pub title: &'static str,
    pub head: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// The report's sections, in order: totals, VAT, payments, delivery methods, articles.
pub fn sections(day: &Day<'_>) -> Vec<Section> {
    let r = &day.report;
    let mut payments: Vec<Vec<String>> = r
        .payments
        .iter()
        .map(|(t, (n, a))| vec![t.clone(), n.to_string(), money(*a)])
        .collect();
    payments.push(vec![
        "Non payé".to_owned(),
        r.unpaid.0.to_string(),
        money(r.unpaid.1),
    ]);
    vec![
        Section {
            title: "Totaux",
            head: vec![
                "Commandes",
                "Total TTC",
                "Total HT",
                "TVA",
                "Remboursements",
                "Remises",
            ],
            rows: vec![vec![
                r.orders.to_string(),
                money(r.total),
                money(r.base),
                money(r.vat),
                format!("{} ({})", r.refunds.0, money(r.refunds.1)),
                money(r.discounts),
            ]],
        },
        Section {
            title: "TVA",
            head: vec!["Taux", "Base HT", "TVA", "TTC"],
            rows: r
                .vats
                .iter()
                .map(|(rt, (b, v, t))| {
                    vec![format!("{} %", rate(*rt)), money(*b), money(*v), money(*t)]
                })
                .collect(),
        },
        Section {
            title: "Paiements",
            head: vec!["Mode", "Nombre", "Montant"],
            rows: payments,
        },
        Section {
            title: "Modes de vente",
            head: vec!["Mode", "Nombre", "Montant"],
            rows: r
                .methods
                .iter()
                .map(|(m, (n, a))| vec![method_name(*m).to_owned(), n.to_string(), money(*a)])
                .collect(),
        },
        Section {
            title: "Articles",
            head: vec!["Article", "Quantité", "Montant TTC"],
            rows: r
                .articles
                .iter()
                .map(|(t, (q, a))| vec![t.clone(), qty(*q), money(*a)])
                .collect(),
        },
    ]
}

pub fn report(day: &Day<'_>) -> String {
    let mut out = format!(
        "<div class=\"rapport\"><h1>{} — ventes du {}</h1>",
        html_escape(&day.shop.name),
        html_escape(&day.report.day)
    );
    for s in sections(day) {
        out.push_str(&format!("<h2>{}</h2><table><tr>", html_escape(s.title)));
        for h in &s.head {
            out.push_str(&format!("<th>{}</th>", html_escape(h)));
        }
        out.push_str("</tr>");
        for row in &s.rows {
            out.push_str("<tr>");
            for c in row {
                out.push_str(&format!("<td>{}</td>", html_escape(c)));
            }
            out.push_str("</tr>");
        }
        out.push_str("</table>");
    }
    out.push_str("</div>");
    out
}
