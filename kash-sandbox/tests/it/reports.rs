//! `getSales.php` in its four generated formats (PDF, XLS, FEC, SAF-T), checked against the
//! shop's own data: the structure of each file, and that its figures are the day's.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use kash_api::orders::ListOrders;
use kash_api::reports::{Report, ReportFormat};
use kash_api::{Decimal, KashClient};
use kash_sandbox::Sandbox;

use crate::support::{client, get_script, start};

/// A busy Friday, with refunds and unpaid orders.
fn busy_day() -> Date {
    date(2026, 11, 20)
}

/// The day's figures, from the shop's data.
#[derive(Debug)]
struct Truth {
    orders: usize,
    total: Decimal,
    base: Decimal,
    vat: Decimal,
    refunds: usize,
    from: jiff::Timestamp,
    to: jiff::Timestamp,
}

fn cents(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

fn truth(sandbox: &Sandbox, day: Date) -> Truth {
    let paris = TimeZone::get("Europe/Paris").unwrap();
    let from = day.to_zoned(paris.clone()).unwrap().timestamp();
    let next = day.tomorrow().unwrap().to_zoned(paris).unwrap().timestamp();
    let to = jiff::Timestamp::from_second(next.as_second() - 1).unwrap();
    sandbox
        .with_shop(&sandbox.credentials().shop_id, |d| {
            let orders = d.orders_between(from.as_second(), to.as_second());
            let vats: Vec<_> = orders.iter().flat_map(|o| o.vats()).collect();
            Truth {
                orders: orders.len(),
                total: cents(orders.iter().map(|o| o.total).sum()),
                base: cents(vats.iter().map(|v| v.base).sum()),
                vat: cents(vats.iter().map(|v| v.vat).sum()),
                refunds: orders.iter().filter(|o| o.refund).count(),
                from,
                to,
            }
        })
        .unwrap()
}

async fn fetch(c: &KashClient, format: ReportFormat, mime: &str) -> Report {
    let report = c.sales_report(busy_day(), format).await.unwrap();
    assert!(
        report.content_type.starts_with(mime),
        "{format}: {}",
        report.content_type
    );
    assert!(!report.bytes.is_empty(), "{format}");
    report
}

fn dec(s: &str) -> Decimal {
    s.trim()
        .replace(',', ".")
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

#[tokio::test]
async fn pdf_is_a_valid_file_with_the_day_total() {
    let sandbox = start().await;
    let t = truth(&sandbox, busy_day());
    let report = fetch(&client(&sandbox), ReportFormat::Pdf, "application/pdf").await;
    let bytes = &report.bytes;
    assert!(bytes.starts_with(b"%PDF-1.4\n"));
    assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"));
    assert!(
        bytes.is_ascii(),
        "text above 127 is written as octal escapes"
    );
    let pdf = std::str::from_utf8(bytes).unwrap();

    // The cross-reference table: every in-use entry points at its object's header.
    let startxref = pdf.rfind("startxref\n").unwrap();
    let xref: usize = pdf[startxref + 10..]
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let mut table = pdf[xref..].lines();
    assert_eq!(table.next(), Some("xref"));
    let size: usize = table
        .next()
        .unwrap()
        .strip_prefix("0 ")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(table.next(), Some("0000000000 65535 f "));
    for n in 1..size {
        let entry = table.next().unwrap();
        assert_eq!(entry.len(), 19, "{entry:?}: 20 bytes with the line feed");
        assert!(entry.ends_with(" 00000 n "), "{entry:?}");
        let offset: usize = entry[..10].parse().unwrap();
        assert!(
            pdf[offset..].starts_with(&format!("{n} 0 obj\n")),
            "object {n} is not at {offset}"
        );
    }
    assert_eq!(table.next(), Some("trailer"));
    assert!(pdf.contains(&format!("/Size {size} /Root 1 0 R")));

    // Stream lengths are exact.
    let mut streams = 0;
    for (at, _) in pdf.match_indices("/Length ") {
        let rest = &pdf[at + 8..];
        let (length, rest) = rest.split_once(" >>\nstream\n").unwrap();
        let length: usize = length.parse().unwrap();
        assert!(rest[length..].starts_with("\nendstream"), "stream at {at}");
        streams += 1;
    }

    // A long article list goes on several pages, each with its content stream.
    let pages = pdf.matches("/Type /Page ").count();
    assert!(pages >= 2, "{pages} page(s)");
    assert_eq!(streams, pages);
    assert!(pdf.contains(&format!("/Count {pages} ")));
    assert!(pdf.contains("(Articles \\(suite\\))"));
    assert!(pdf.contains("/BaseFont /Helvetica /Encoding /WinAnsiEncoding"));

    // The figures, as drawn text.
    assert!(pdf.contains(&format!("({})", t.total)), "total {}", t.total);
    assert!(pdf.contains(&format!("({})", t.orders)));
    assert!(pdf.contains(&format!("({})", t.vat)));
    assert!(pdf.contains("(Caf\\351 des Lilas \\227 ventes du 20/11/2026)"));
}

fn spreadsheet_rows(xml: &str) -> Vec<Vec<String>> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let ns = "urn:schemas-microsoft-com:office:spreadsheet";
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "Workbook");
    assert_eq!(root.tag_name().namespace(), Some(ns));
    let sheets: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name((ns, "Worksheet")))
        .collect();
    assert_eq!(sheets.len(), 1);
    doc.descendants()
        .filter(|n| n.has_tag_name((ns, "Row")))
        .map(|row| {
            row.children()
                .filter(|c| c.has_tag_name((ns, "Cell")))
                .map(|cell| {
                    let Some(data) = cell.children().find(|d| d.has_tag_name((ns, "Data"))) else {
                        return String::new();
                    };
                    let text = data.text().unwrap_or("").to_owned();
                    if data.attribute((ns, "Type")) == Some("Number") {
                        dec(&text);
                    }
                    text
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn xls_is_a_spreadsheet_with_the_csv_rows() {
    let sandbox = start().await;
    let t = truth(&sandbox, busy_day());
    let c = client(&sandbox);
    let report = fetch(&c, ReportFormat::Xls, "application/vnd.ms-excel").await;
    let xml = report.text().unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\"?>"));
    assert!(xml.contains("<?mso-application progid=\"Excel.Sheet\"?>"));
    let rows = spreadsheet_rows(xml);

    let total = rows.iter().find(|r| r[0] == "Total").unwrap();
    assert_eq!(total[2].parse::<usize>().unwrap(), t.orders);
    assert_eq!(dec(&total[3]), t.total);
    assert_eq!(dec(&total[4]), t.base);
    assert_eq!(dec(&total[5]), t.vat);
    assert!(xml.contains(&format!("<Data ss:Type=\"Number\">{}</Data>", t.orders)));

    // The same rows as the CSV, cell for cell.
    let csv = c.sales_report(busy_day(), ReportFormat::Csv).await.unwrap();
    let csv_rows: Vec<Vec<String>> = csv
        .text()
        .unwrap()
        .lines()
        .map(|l| l.split(';').map(str::to_owned).collect())
        .collect();
    assert_eq!(rows, csv_rows);
}

#[tokio::test]
async fn fec_has_one_balanced_entry_per_order() {
    let sandbox = start().await;
    let t = truth(&sandbox, busy_day());
    assert!(t.refunds > 0, "the day should have refunds to reverse");
    let c = client(&sandbox);
    let report = fetch(&c, ReportFormat::Frafec, "text/plain").await;
    let text = report.text().unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(
        header,
        [
            "JournalCode",
            "JournalLib",
            "EcritureNum",
            "EcritureDate",
            "CompteNum",
            "CompteLib",
            "CompAuxNum",
            "CompAuxLib",
            "PieceRef",
            "PieceDate",
            "EcritureLib",
            "Debit",
            "Credit",
            "EcritureLet",
            "DateLet",
            "ValidDate",
            "Montantdevise",
            "Idevise",
        ]
    );

    // Entry number → (debit, credit, piece).
    let mut entries: BTreeMap<String, (Decimal, Decimal, String)> = BTreeMap::new();
    let (mut debit, mut credit, mut sales) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 18, "{line:?}");
        assert_eq!(f[3], "20261120");
        assert_eq!(f[15], "20261120");
        assert_eq!(f[4].len(), 6, "account {}", f[4]);
        assert!(!f[11].contains('.') && f[11].contains(','), "{}", f[11]);
        let (d, c) = (dec(f[11]), dec(f[12]));
        assert!(d >= Decimal::ZERO && c >= Decimal::ZERO);
        let e = entries.entry(f[2].to_owned()).or_default();
        e.0 += d;
        e.1 += c;
        e.2 = f[8].to_owned();
        debit += d;
        credit += c;
        if f[4].starts_with('7') || f[4].starts_with("4457") {
            sales += c - d;
        }
        if f[10].starts_with("Remboursement") && f[4].starts_with('7') {
            assert!(d > Decimal::ZERO, "a refund debits sales: {line:?}");
        }
    }
    assert_eq!(entries.len(), t.orders);
    for (number, (d, c, _)) in &entries {
        assert_eq!(d, c, "entry {number} is not balanced");
    }
    assert_eq!(debit, credit);
    assert_eq!(
        sales, t.total,
        "sales and VAT, less refunds, are the day's total"
    );

    // PieceRef is the invoice number the wire shows.
    let wire: BTreeSet<String> = c
        .send(&ListOrders::validated(t.from, t.to))
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.internal_id.unwrap())
        .collect();
    let pieces: BTreeSet<String> = entries.into_values().map(|(_, _, p)| p).collect();
    assert_eq!(pieces, wire);
}

fn child<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> roxmltree::Node<'a, 'a> {
    n.children()
        .find(|c| c.tag_name().name() == name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", n.tag_name()))
}

fn amount(n: roxmltree::Node<'_, '_>, name: &str) -> Decimal {
    dec(child(n, name).text().unwrap())
}

#[tokio::test]
async fn saft_has_one_invoice_per_order() {
    let sandbox = start().await;
    let t = truth(&sandbox, busy_day());
    let report = fetch(&client(&sandbox), ReportFormat::Saft, "application/xml").await;
    let doc = roxmltree::Document::parse(report.text().unwrap()).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "AuditFile");
    assert_eq!(
        root.tag_name().namespace(),
        Some("urn:OECD:StandardAuditFile-Tax:2.00")
    );
    let header = child(root, "Header");
    assert_eq!(child(header, "CompanyName").text(), Some("Café des Lilas"));
    let selection = child(header, "SelectionCriteria");
    assert_eq!(
        child(selection, "SelectionStartDate").text(),
        Some("2026-11-20")
    );
    for name in ["AuditFileVersion", "DateCreated", "TaxAccountingBasis"] {
        assert!(child(header, name).text().is_some(), "{name}");
    }

    let invoices_el = child(child(root, "SourceDocuments"), "SalesInvoices");
    let entries: usize = child(invoices_el, "NumberOfEntries")
        .text()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(entries, t.orders);
    let invoices: Vec<_> = invoices_el
        .children()
        .filter(|n| n.has_tag_name("Invoice"))
        .collect();
    assert_eq!(invoices.len(), t.orders);
    let (mut gross, mut net, mut tax) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for inv in &invoices {
        assert!(
            child(*inv, "InvoiceNo")
                .text()
                .unwrap()
                .starts_with("F2026-")
        );
        assert_eq!(child(*inv, "InvoiceDate").text(), Some("2026-11-20"));
        child(*inv, "CustomerID");
        let lines: Vec<_> = inv.children().filter(|n| n.has_tag_name("Line")).collect();
        assert!(!lines.is_empty());
        for l in &lines {
            assert!(!child(*l, "Description").text().unwrap().is_empty());
            for name in ["Quantity", "UnitPrice", "TaxPercentage"] {
                amount(*l, name);
            }
        }
        let totals = child(*inv, "DocumentTotals");
        let (g, n, x) = (
            amount(totals, "GrossTotal"),
            amount(totals, "NetTotal"),
            amount(totals, "TaxPayable"),
        );
        assert_eq!(n + x, g);
        gross += g;
        net += n;
        tax += x;
    }
    assert_eq!(gross, t.total);
    assert_eq!(net, t.base);
    assert_eq!(tax, t.vat);
    let (debit, credit) = (
        amount(invoices_el, "TotalDebit"),
        amount(invoices_el, "TotalCredit"),
    );
    assert!(debit > Decimal::ZERO, "refunds are debits");
    assert_eq!(credit - debit, net);
}

fn day(format: &str) -> [(&'static str, &str); 4] {
    [
        ("d", "20"),
        ("m", "11"),
        ("y", "2026"),
        ("formatExport", format),
    ]
}

#[tokio::test]
async fn formats_are_matched_case_insensitively_and_unknown_ones_refused() {
    let sandbox = start().await;
    for (format, mime) in [
        ("pdf", "application/pdf"),
        ("xls", "application/vnd.ms-excel"),
        ("FRAFEC", "text/plain; charset=utf-8"),
        ("SAFT", "application/xml"),
        ("std", "text/html; charset=utf-8"),
        ("csv", "text/csv; charset=utf-8"),
    ] {
        let r = get_script(&sandbox, "getSales.php", &day(format)).await;
        assert_eq!(r.headers()["content-type"], mime, "{format}");
    }
    let body: serde_json::Value = get_script(&sandbox, "getSales.php", &day("xlsx"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["result"], "ERROR");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("Std, PDF, XLS, CSV, frafec ou saft"),
        "{message}"
    );
}

#[tokio::test]
async fn a_day_without_orders_still_gives_valid_files() {
    let sandbox = start().await;
    let c = client(&sandbox);
    let day = date(2026, 12, 25);
    let pdf = c.sales_report(day, ReportFormat::Pdf).await.unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF-1.4") && pdf.bytes.ends_with(b"%%EOF"));
    let fec = c.sales_report(day, ReportFormat::Frafec).await.unwrap();
    assert_eq!(fec.text().unwrap().lines().count(), 1, "the header alone");
    for f in [ReportFormat::Xls, ReportFormat::Saft] {
        let r = c.sales_report(day, f).await.unwrap();
        roxmltree::Document::parse(r.text().unwrap()).unwrap();
    }
}
