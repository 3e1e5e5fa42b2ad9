//! `saft`: a minimal SAF-T style audit file of the day's sales: a header, then
//! `SourceDocuments/SalesInvoices` with one `Invoice` per validated order. Element names follow
//! the OECD SAF-T 2.00 and the Portuguese schema; the file is not validated against either.
//!
//! Amounts are signed (a refund has a negative `GrossTotal`) with a decimal point; a line's
//! `UnitPrice` excludes VAT, and its net amount is a `CreditAmount` (a `DebitAmount` when
//! negative). Line amounts are rounded so that they add up to the order's base per VAT rate,
//! hence `TotalCredit − TotalDebit` is the day's base (HT).

use jiff::Timestamp;

use super::{Day, xml_escape};
use crate::model::{Cents, Order, mul_div_round, vat_of};
use crate::wire::{internal_id, money, qty, rate};

/// An order line's net amount (VAT excluded), each rate's rounding carried by its last line.
fn line_nets(o: &Order) -> Vec<Cents> {
    let mut nets: Vec<Cents> = o
        .lines
        .iter()
        .map(|l| l.total - vat_of(l.total, l.vat_rate))
        .collect();
    for v in o.vats() {
        let of_rate = || {
            o.lines
                .iter()
                .zip(0usize..)
                .filter(move |(l, _)| l.vat_rate == v.rate)
                .map(|(_, i)| i)
        };
        let sum: Cents = of_rate().filter_map(|i| nets.get(i).copied()).sum();
        if let Some(net) = of_rate().last().and_then(|i| nets.get_mut(i)) {
            *net += v.base - sum;
        }
    }
    nets
}

fn local(ts: i64, day: &Day<'_>, format: &str) -> String {
    Timestamp::from_second(ts)
        .map(|t| t.to_zoned(day.tz.clone()).strftime(format).to_string())
        .unwrap_or_default()
}

/// `<name>text</name>`, escaped.
fn el(name: &str, text: &str) -> String {
    format!("<{name}>{}</{name}>", xml_escape(text))
}

fn invoice(day: &Day<'_>, o: &Order, out: &mut String) -> (Cents, Cents) {
    let (mut debit, mut credit) = (0, 0);
    out.push_str("<Invoice>");
    out.push_str(&el("InvoiceNo", &internal_id(o, day.tz)));
    out.push_str(&el("InvoiceDate", &local(o.value_date, day, "%Y-%m-%d")));
    out.push_str(&el(
        "SystemEntryDate",
        &local(o.created, day, "%Y-%m-%dT%H:%M:%S"),
    ));
    out.push_str(&el("CustomerID", &o.customer.unwrap_or(0).to_string()));
    for ((l, net), n) in o.lines.iter().zip(line_nets(o)).zip(1u32..) {
        out.push_str("<Line>");
        out.push_str(&el("LineNumber", &n.to_string()));
        if let Some(p) = l.product {
            out.push_str(&el("ProductCode", &p.to_string()));
        }
        out.push_str(&el("Description", &l.title));
        out.push_str(&el("Quantity", &qty(l.quantity)));
        let unit = mul_div_round(l.unit_price, 10_000, 10_000 + l.vat_rate);
        out.push_str(&el("UnitPrice", &money(unit)));
        if net < 0 {
            debit -= net;
            out.push_str(&el("DebitAmount", &money(-net)));
        } else {
            credit += net;
            out.push_str(&el("CreditAmount", &money(net)));
        }
        out.push_str(&el("TaxPercentage", &rate(l.vat_rate)));
        out.push_str("</Line>");
    }
    let vats = o.vats();
    out.push_str("<DocumentTotals>");
    out.push_str(&el("TaxPayable", &money(vats.iter().map(|v| v.vat).sum())));
    out.push_str(&el("NetTotal", &money(vats.iter().map(|v| v.base).sum())));
    out.push_str(&el("GrossTotal", &money(o.total)));
    out.push_str("</DocumentTotals>");
    out.push_str("</Invoice>\n");
    (debit, credit)
}

pub fn report(day: &Day<'_>) -> String {
    let date = day.date.strftime("%Y-%m-%d").to_string();
    let mut out = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<AuditFile xmlns=\"urn:OECD:StandardAuditFile-Tax:2.00\">\n",
    ));
    out.push_str("<Header>");
    out.push_str(&el("AuditFileVersion", "2.00"));
    out.push_str(&el("CompanyID", &day.shop.shop_id));
    out.push_str(&el("CompanyName", &day.shop.name));
    out.push_str(&el(
        "DateCreated",
        &day.today.strftime("%Y-%m-%d").to_string(),
    ));
    out.push_str(&el("SoftwareCompanyName", "kash-sandbox"));
    out.push_str(&el("SoftwareVersion", env!("CARGO_PKG_VERSION")));
    out.push_str(&el("DefaultCurrencyCode", "EUR"));
    out.push_str("<SelectionCriteria>");
    out.push_str(&el("SelectionStartDate", &date));
    out.push_str(&el("SelectionEndDate", &date));
    out.push_str("</SelectionCriteria>");
    out.push_str(&el("TaxAccountingBasis", "Invoice"));
    out.push_str("</Header>\n");
    let mut invoices = String::new();
    let (mut debit, mut credit) = (0, 0);
    for o in day.orders {
        let (d, c) = invoice(day, o, &mut invoices);
        debit += d;
        credit += c;
    }
    out.push_str("<SourceDocuments>\n<SalesInvoices>");
    out.push_str(&el("NumberOfEntries", &day.orders.len().to_string()));
    out.push_str(&el("TotalDebit", &money(debit)));
    out.push_str(&el("TotalCredit", &money(credit)));
    out.push('\n');
    out.push_str(&invoices);
    out.push_str("</SalesInvoices>\n</SourceDocuments>\n</AuditFile>\n");
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::Line;

    fn line(total: Cents, vat_rate: i64) -> Line {
        Line {
            product: None,
            department: None,
            title: Arc::from("x"),
            quantity: 1000,
            unit_price: total,
            discount: 0,
            total,
            vat_rate,
            variations: Box::new([]),
        }
    }

    #[test]
    fn line_nets_add_up_to_the_base_of_each_rate() {
        let o = Order {
            id: 1,
            number: 1,
            created: 0,
            value_date: 0,
            customer: None,
            delivery_method: 0,
            payment: 1,
            cashbox: None,
            user: None,
            table: None,
            covers: None,
            refund: false,
            terminated: true,
            extra: None,
            lines: vec![
                line(120, 1000),
                line(120, 1000),
                line(120, 1000),
                line(350, 2000),
            ],
            total: 710,
            discount: 0,
        };
        let nets = line_nets(&o);
        for v in o.vats() {
            let sum: Cents = o
                .lines
                .iter()
                .zip(&nets)
                .filter(|(l, _)| l.vat_rate == v.rate)
                .map(|(_, n)| n)
                .sum();
            assert_eq!(sum, v.base, "rate {}", v.rate);
        }
    }
}
