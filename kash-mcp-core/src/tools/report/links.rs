//! Report links: `kash://reports/<date>.<ext>`, one per day and format, read on demand with `resources/read` (the caller's own credentials fetch the POS's report).

use base64::Engine as _;
use jiff::civil::Date;
use kash_api::reports::{GetSalesReport, Report, ReportFormat};
use rmcp::model::{ContentBlock, ReadResourceResult, Resource, ResourceContents};

use crate::i18n::{self, Lang};
use crate::shop::Shop;
use crate::tr;

pub(super) fn extension(f: ReportFormat) -> &'static str {
    match f {
        ReportFormat::Std => "html",
        ReportFormat::Pdf => "pdf",
        ReportFormat::Xls => "xls",
        ReportFormat::Csv => "csv",
        ReportFormat::Frafec => "fec.txt",
        ReportFormat::Saft => "saft.xml",
    }
}

/// `kash://reports/2026-11-23.pdf`: a day's POS report, read on demand.
pub(crate) fn report_uri(day: Date, format: ReportFormat) -> String {
    format!("kash://reports/{day}.{}", extension(format))
}

/// The day and format of a report URI.
pub(crate) fn parse_report_uri(uri: &str) -> Option<(Date, ReportFormat)> {
    let rest = uri.strip_prefix("kash://reports/")?;
    let (day, ext) = rest.split_at_checked(10)?;
    let day: Date = day.parse().ok()?;
    let ext = ext.strip_prefix('.')?;
    let format = ReportFormat::ALL
        .into_iter()
        .find(|f| extension(*f) == ext)?;
    Some((day, format))
}

/// The MIME type: the POS's, unless it is generic, else the format's.
pub(super) fn mime_of(report: &Report) -> String {
    let declared = report
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if declared.is_empty() || declared == "application/octet-stream" {
        report.format.default_mime().to_owned()
    } else {
        report.content_type.clone()
    }
}

/// A link to a day's POS report.
pub(super) fn link(
    lang: Lang,
    day: Date,
    format: ReportFormat,
    mime: &str,
    size: Option<usize>,
) -> ContentBlock {
    let mut r = Resource::new(
        report_uri(day, format),
        format!("report-{day}.{}", extension(format)),
    )
    .with_title(tr!(
        lang,
        "Sales report of {} ({})",
        "Rapport des ventes du {} ({})",
        i18n::date(lang, day),
        format
    ))
    .with_mime_type(mime);
    if let Some(n) = size {
        r = r.with_size(u64::try_from(n).unwrap_or(u64::MAX));
    }
    ContentBlock::resource_link(r)
}

/// `resources/read` of a report link: the day's POS report, fetched with the caller's own
/// credentials (so a link only ever shows the caller's shop).
pub(crate) async fn read(
    caller: &crate::caller::Caller,
    shop: &Shop,
    lang: Lang,
    uri: &str,
    today: Date,
) -> Result<ReadResourceResult, rmcp::ErrorData> {
    let (day, format) = parse_report_uri(uri).ok_or_else(|| {
        rmcp::ErrorData::resource_not_found(
            format!("unknown report `{uri}`: use kash://reports/YYYY-MM-DD.<html|csv|pdf|xls|fec.txt|saft.xml>"),
            None,
        )
    })?;
    if day.year() < 2000 || day > today {
        return Err(rmcp::ErrorData::resource_not_found(
            format!("no report for {day}: reports cover 2000 to today"),
            None,
        ));
    }
    let report = shop
        .client
        .send(&GetSalesReport::new(day, format))
        .await
        .map_err(|e| crate::resources::hinted(caller, lang, &e))?;
    let mime = mime_of(&report);
    let contents = if format.is_text() || format == ReportFormat::Saft {
        ResourceContents::text(String::from_utf8_lossy(&report.bytes).into_owned(), uri)
            .with_mime_type(mime)
    } else {
        let blob = base64::engine::general_purpose::STANDARD.encode(&report.bytes);
        ResourceContents::blob(blob, uri).with_mime_type(mime)
    };
    Ok(ReadResourceResult::new(vec![contents]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_uris_round_trip() {
        let day: Date = "2026-11-23".parse().unwrap();
        for f in ReportFormat::ALL {
            assert_eq!(parse_report_uri(&report_uri(day, f)), Some((day, f)));
        }
        assert_eq!(parse_report_uri("kash://reports/2026-11-23.docx"), None);
        assert_eq!(parse_report_uri("kash://reports/../etc"), None);
    }
}
