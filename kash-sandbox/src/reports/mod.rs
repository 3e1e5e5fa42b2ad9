//! `getSales.php`: the daily sales report, computed from the day's validated orders (by value
//! date, in the shop's time zone), in the six formats of `formatExport`.
//!
//! The real POS's files are unpublished; these are our simulations of each format, built from
//! the same figures: `Std` (an HTML fragment, [`html`]), `CSV` and `XLS` (the same rows, as
//! `;`-separated text and as an Excel 2003 XML spreadsheet, [`sheet`]), `PDF` (the HTML
//! report's sections on A4 pages, [`pdf`]), `frafec` (a French FEC journal, one balanced entry
//! per order, [`fec`]) and `saft` (a minimal SAF-T audit file, one invoice per order,
//! [`saft`]).

mod fec;
mod html;
mod pdf;
mod saft;
mod sheet;

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::http::{Reply, Req};
use crate::model::*;
use crate::state::ShopHandle;
use crate::wire::html_escape;

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

pub fn day_report(shop: &ShopData, orders: &[Order], label: String) -> DayReport {
    let mut r = DayReport {
        day: label,
        ..DayReport::default()
    };
    for o in orders {
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

/// Everything a format needs: the shop, the day, its orders and their figures.
#[derive(Debug)]
pub struct Day<'a> {
    pub shop: &'a ShopData,
    pub tz: &'a TimeZone,
    pub date: Date,
    /// The validated orders whose value date falls on `date`, by value date.
    pub orders: &'a [Order],
    pub report: DayReport,
    /// The shop's "today", when the file is made.
    pub today: Date,
}

/// The values of `formatExport`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Std,
    Pdf,
    Xls,
    Csv,
    Frafec,
    Saft,
}

impl Format {
    const ALL: [Self; 6] = [
        Self::Std,
        Self::Pdf,
        Self::Xls,
        Self::Csv,
        Self::Frafec,
        Self::Saft,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Std => "Std",
            Self::Pdf => "PDF",
            Self::Xls => "XLS",
            Self::Csv => "CSV",
            Self::Frafec => "frafec",
            Self::Saft => "saft",
        }
    }

    /// Case-insensitive, as the back office matches it.
    fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(text))
    }

    fn mime(self) -> &'static str {
        match self {
            Self::Std => "text/html; charset=utf-8",
            Self::Pdf => "application/pdf",
            Self::Xls => "application/vnd.ms-excel",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Frafec => "text/plain; charset=utf-8",
            Self::Saft => "application/xml",
        }
    }

    fn produce(self, day: &Day<'_>) -> Vec<u8> {
        match self {
            Self::Std => html::report(day).into_bytes(),
            Self::Pdf => pdf::report(day),
            Self::Xls => sheet::xls(day).into_bytes(),
            Self::Csv => sheet::csv(day).into_bytes(),
            Self::Frafec => fec::report(day).into_bytes(),
            Self::Saft => saft::report(day).into_bytes(),
        }
    }
}

/// Text for XML (SpreadsheetML, SAF-T): escaped, without the control characters XML 1.0
/// forbids.
pub fn xml_escape(s: &str) -> String {
    let allowed: String = s
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    html_escape(&allowed)
}

/// The day a report is about: `d`, `m`, `y`, or yesterday without them.
fn requested_day(req: &Req, today: Date) -> Result<Date, String> {
    match (req.get("d"), req.get("m"), req.get("y")) {
        (None, None, None) => Ok(today.checked_sub(1.day()).unwrap_or(today)),
        (Some(d), Some(m), Some(y)) => match (
            d.trim().parse::<i8>(),
            m.trim().parse::<i8>(),
            y.trim().parse::<i16>(),
        ) {
            (Ok(d), Ok(m), Ok(y)) => {
                Date::new(y, m, d).map_err(|_| format!("Date {d}/{m}/{y} invalide"))
            }
            _ => Err("Paramètres d, m, y : nombres attendus".to_owned()),
        },
        _ => Err("Paramètres d, m et y : tous ou aucun".to_owned()),
    }
}

pub fn report(shop: &ShopHandle, req: &Req, now: jiff::Timestamp) -> Reply {
    let asked = req.get("formatExport").unwrap_or("Std");
    let Some(format) = Format::parse(asked) else {
        return Reply::Error(format!(
            "formatExport « {asked} » inconnu : Std, PDF, XLS, CSV, frafec ou saft"
        ));
    };
    let today = now.to_zoned(shop.tz.clone()).date();
    let date = match requested_day(req, today) {
        Ok(d) => d,
        Err(message) => return Reply::Error(message),
    };
    let start = date.to_zoned(shop.tz.clone());
    let end = date
        .tomorrow()
        .ok()
        .and_then(|t| t.to_zoned(shop.tz.clone()).ok());
    let (Ok(start), Some(end)) = (start, end) else {
        return Reply::Error("Date invalide".to_owned());
    };
    let Ok(d) = shop.data.read() else {
        return Reply::Error("Erreur interne".to_owned());
    };
    let orders = d.orders_between(
        start.timestamp().as_second(),
        end.timestamp().as_second() - 1,
    );
    let day = Day {
        shop: &d,
        tz: &shop.tz,
        date,
        orders,
        report: day_report(&d, orders, date.strftime("%d/%m/%Y").to_string()),
        today,
    };
    Reply::Body {
        bytes: format.produce(&day),
        mime: format.mime(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_match_case_insensitively() {
        assert_eq!(Format::parse("pdf"), Some(Format::Pdf));
        assert_eq!(Format::parse("FRAFEC"), Some(Format::Frafec));
        assert_eq!(Format::parse("SAFT"), Some(Format::Saft));
        assert_eq!(Format::parse("xlsx"), None);
    }

    #[test]
    fn xml_text_is_escaped_and_cleaned() {
        assert_eq!(xml_escape("A&B <c>\u{1}"), "A&amp;B &lt;c&gt;");
    }
}
