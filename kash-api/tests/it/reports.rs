//! `getSales.php` in its six formats.

use jiff::civil::date;
use kash_api::reports::{GetSalesReport, ReportFormat};
use wiremock::ResponseTemplate;

use crate::support::{Failure, MountOnce, exact_query, on, spawn};

#[tokio::test]
async fn every_format_comes_back_as_bytes_with_its_type() {
    let (server, client) = spawn().await;
    let pdf: Vec<u8> = b"%PDF-1.4\n\xff\xfe\x00binary".to_vec();
    let cases: Vec<(ReportFormat, Vec<u8>, &str)> = vec![
        (
            ReportFormat::Std,
            b"<h1>Ventes du 20/11/2026</h1>".to_vec(),
            "text/html; charset=utf-8",
        ),
        (ReportFormat::Pdf, pdf, "application/pdf"),
        (
            ReportFormat::Xls,
            b"\xd0\xcf\x11\xe0xls".to_vec(),
            "application/vnd.ms-excel",
        ),
        (
            ReportFormat::Csv,
            "Article;Qté;Total\nCafé;2;2,40\n".as_bytes().to_vec(),
            "text/csv",
        ),
        (
            ReportFormat::Frafec,
            b"JournalCode|JournalLib\nVE|Ventes\n".to_vec(),
            "text/plain",
        ),
        (
            ReportFormat::Saft,
            b"<?xml version=\"1.0\"?><AuditFile/>".to_vec(),
            "application/xml",
        ),
    ];
    for (format, body, mime) in &cases {
        on("GET", "getSales.php")
            .and(exact_query(&[
                ("d", "20"),
                ("m", "11"),
                ("y", "2026"),
                ("formatExport", format.as_str()),
            ]))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), mime))
            .once(&server, format!("getSales.php {format}"))
            .await;
    }
    for (format, body, mime) in cases {
        let report = client
            .sales_report(date(2026, 11, 20), format)
            .await
            .unwrap();
        assert_eq!(report.format, format);
        assert_eq!(report.bytes.as_ref(), body.as_slice(), "{format}");
        assert_eq!(report.content_type, mime);
    }
}

#[tokio::test]
async fn yesterday_sends_no_date_and_a_missing_type_gets_the_default() {
    let (server, client) = spawn().await;
    on("GET", "getSales.php")
        .and(exact_query(&[("formatExport", "PDF")]))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"%PDF-1.7".to_vec()))
        .once(&server, "getSales.php yesterday")
        .await;
    let report = client
        .send(&GetSalesReport::yesterday(ReportFormat::Pdf))
        .await
        .unwrap();
    assert_eq!(report.content_type, "application/pdf");
    assert_eq!(report.text(), Some("%PDF-1.7"));
}

#[tokio::test]
async fn format_names_parse_both_ways() {
    for f in ReportFormat::ALL {
        assert_eq!(ReportFormat::parse(f.as_str()), Some(f));
        assert_eq!(ReportFormat::parse(&f.as_str().to_lowercase()), Some(f));
    }
    assert_eq!(ReportFormat::parse("docx"), None);
}

#[tokio::test]
async fn report_errors() {
    let (server, client) = spawn().await;
    let cases = [
        (1, ReportFormat::Csv, Failure::Envelope),
        (2, ReportFormat::Std, Failure::PhpPage),
        (3, ReportFormat::Pdf, Failure::ServerError(502)),
        (4, ReportFormat::Xls, Failure::Slow("")),
    ];
    for (day, format, failure) in cases {
        let day = day.to_string();
        let query = [
            ("d", day.as_str()),
            ("m", "1"),
            ("y", "2026"),
            ("formatExport", format.as_str()),
        ];
        on("GET", "getSales.php")
            .and(exact_query(&query))
            .respond_with(failure.response())
            .once(&server, format!("getSales.php {failure:?}"))
            .await;
    }
    for (day, format, failure) in cases {
        let err = client
            .sales_report(date(2026, 1, day), format)
            .await
            .unwrap_err();
        failure.check(&err);
    }
}
