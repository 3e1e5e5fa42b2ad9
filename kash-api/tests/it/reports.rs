//! `getSales.php` in its six formats.

use std::time::Duration;

use jiff::civil::date;
use kash_api::KashError;
use kash_api::reports::{GetSalesReport, ReportFormat};
use wiremock::ResponseTemplate;

use crate::fixture;
use crate::support::{MountOnce, assert_api, assert_no_key, exact_query, on, spawn};

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
    on("GET", "getSales.php")
        .and(exact_query(&[
            ("d", "1"),
            ("m", "1"),
            ("y", "2026"),
            ("formatExport", "CSV"),
        ]))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture!("error_envelope.json")))
        .once(&server, "getSales.php envelope")
        .await;
    on("GET", "getSales.php")
        .and(exact_query(&[
            ("d", "2"),
            ("m", "1"),
            ("y", "2026"),
            ("formatExport", "Std"),
        ]))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture!("php_fatal.html")))
        .once(&server, "getSales.php php fatal")
        .await;
    on("GET", "getSales.php")
        .and(exact_query(&[
            ("d", "3"),
            ("m", "1"),
            ("y", "2026"),
            ("formatExport", "PDF"),
        ]))
        .respond_with(ResponseTemplate::new(502).set_body_string(fixture!("server_error.html")))
        .once(&server, "getSales.php 502")
        .await;
    on("GET", "getSales.php")
        .and(exact_query(&[
            ("d", "4"),
            ("m", "1"),
            ("y", "2026"),
            ("formatExport", "XLS"),
        ]))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .once(&server, "getSales.php slow")
        .await;
    let err = client
        .sales_report(date(2026, 1, 1), ReportFormat::Csv)
        .await
        .unwrap_err();
    assert_api(&err, true);
    assert_no_key(&err);
    let err = client
        .sales_report(date(2026, 1, 2), ReportFormat::Std)
        .await
        .unwrap_err();
    assert_api(&err, false);
    assert_no_key(&err);
    let err = client
        .sales_report(date(2026, 1, 3), ReportFormat::Pdf)
        .await
        .unwrap_err();
    assert!(matches!(err, KashError::Api { status: 502, .. }), "{err:?}");
    assert_no_key(&err);
    let err = client
        .sales_report(date(2026, 1, 4), ReportFormat::Xls)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_no_key(&err);
}
