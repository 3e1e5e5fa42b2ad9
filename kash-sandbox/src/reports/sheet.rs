//! `CSV` and `XLS`: the same rows, as `;`-separated text and as an Excel 2003 XML spreadsheet
//! (SpreadsheetML, which many PHP back offices serve as "XLS").

use super::{Day, method_name, xml_escape};
use crate::model::{Cents, Milli};
use crate::wire::{csv_cell, money, qty, rate};

/// One cell: text, or a number the spreadsheet can add up.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cell {
    Text(String),
    Money(Cents),
    Qty(Milli),
    Count(usize),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Money(c) => money(*c),
            Self::Qty(m) => qty(*m),
            Self::Count(n) => n.to_string(),
            Self::Empty => String::new(),
        }
    }
}

/// The rows of both formats: a title row, a header, then articles, VAT, payments, delivery
/// methods, refunds, discounts and the total.
fn rows(day: &Day<'_>) -> Vec<Vec<Cell>> {
    use Cell::{Count, Empty, Money, Qty, Text};
    let r = &day.report;
    let mut out: Vec<Vec<Cell>> = vec![
        vec![
            "Rapport".into(),
            Text(format!("Ventes du {}", r.day)),
            day.shop.name.as_str().into(),
        ],
        [
            "Rubrique",
            "Libellé",
            "Quantité",
            "Montant TTC",
            "Base HT",
            "TVA",
        ]
        .into_iter()
        .map(Cell::from)
        .collect(),
    ];
    for (title, (q, t)) in &r.articles {
        out.push(vec![
            "Article".into(),
            title.as_str().into(),
            Qty(*q),
            Money(*t),
            Empty,
            Empty,
        ]);
    }
    for (rt, (base, vat, ttc)) in &r.vats {
        out.push(vec![
            "TVA".into(),
            Text(format!("{} %", rate(*rt))),
            Empty,
            Money(*ttc),
            Money(*base),
            Money(*vat),
        ]);
    }
    let unpaid = ("Non payé".to_owned(), r.unpaid);
    for (title, (n, amount)) in r
        .payments
        .iter()
        .chain(std::iter::once((&unpaid.0, &unpaid.1)))
    {
        out.push(vec![
            "Paiement".into(),
            title.as_str().into(),
            Count(*n),
            Money(*amount),
            Empty,
            Empty,
        ]);
    }
    for (m, (n, amount)) in &r.methods {
        out.push(vec![
            "Mode".into(),
            method_name(*m).into(),
            Count(*n),
            Money(*amount),
            Empty,
            Empty,
        ]);
    }
    out.push(vec![
        "Remboursements".into(),
        Empty,
        Count(r.refunds.0),
        Money(r.refunds.1),
        Empty,
        Empty,
    ]);
    out.push(vec![
        "Remises".into(),
        Empty,
        Empty,
        Money(-r.discounts),
        Empty,
        Empty,
    ]);
    out.push(vec![
        "Total".into(),
        "Commandes".into(),
        Count(r.orders),
        Money(r.total),
        Money(r.base),
        Money(r.vat),
    ]);
    out
}

pub fn csv(day: &Day<'_>) -> String {
    let mut out = String::new();
    for row in rows(day) {
        let cells: Vec<String> = row.iter().map(|c| csv_cell(&c.text())).collect();
        out.push_str(&cells.join(";"));
        out.push('\n');
    }
    out
}

/// A worksheet name: at most 31 characters, none of `\ / ? * [ ] :`.
fn sheet_name(day: &Day<'_>) -> String {
    format!("Ventes {}", day.date.strftime("%Y-%m-%d"))
}

pub fn xls(day: &Day<'_>) -> String {
    let mut out = String::from(concat!(
        "<?xml version=\"1.0\"?>\n",
        "<?mso-application progid=\"Excel.Sheet\"?>\n",
        "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"",
        " xmlns:o=\"urn:schemas-microsoft-com:office:office\"",
        " xmlns:x=\"urn:schemas-microsoft-com:office:excel\"",
        " xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"",
        " xmlns:html=\"http://www.w3.org/TR/REC-html40\">\n",
        "<Styles>\n",
        "<Style ss:ID=\"Default\" ss:Name=\"Normal\"><Font ss:FontName=\"Arial\"/></Style>\n",
        "<Style ss:ID=\"head\"><Font ss:FontName=\"Arial\" ss:Bold=\"1\"/></Style>\n",
        "<Style ss:ID=\"money\"><NumberFormat ss:Format=\"0.00\"/></Style>\n",
        "</Styles>\n",
    ));
    out.push_str(&format!(
        "<Worksheet ss:Name=\"{}\">\n<Table>\n",
        xml_escape(&sheet_name(day))
    ));
    for (i, row) in rows(day).iter().enumerate() {
        out.push_str("<Row>");
        for cell in row {
            let style = if i < 2 { " ss:StyleID=\"head\"" } else { "" };
            match cell {
                Cell::Empty => out.push_str("<Cell/>"),
                Cell::Text(s) => out.push_str(&format!(
                    "<Cell{style}><Data ss:Type=\"String\">{}</Data></Cell>",
                    xml_escape(s)
                )),
                Cell::Money(c) => out.push_str(&format!(
                    "<Cell ss:StyleID=\"money\"><Data ss:Type=\"Number\">{}</Data></Cell>",
                    money(*c)
                )),
                Cell::Qty(_) | Cell::Count(_) => out.push_str(&format!(
                    "<Cell><Data ss:Type=\"Number\">{}</Data></Cell>",
                    cell.text()
                )),
            }
        }
        out.push_str("</Row>\n");
    }
    out.push_str("</Table>\n</Worksheet>\n</Workbook>\n");
    out
}
