//! `report_sales` and the report prompts through an MCP client, against the sandbox: every
//! format, ranges with progress, per-day failures, the text budget, and agreement between the
//! POS's own report and `sales_summary`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use kash_e2e::harness::{harness, harness_in, text_of};
use kash_e2e::truth::{Group, Query, midnight};
use kash_mcp_core::Lang;
use kash_sandbox::{FaultConfig, FaultMode};
use rmcp::model::{ContentBlock, GetPromptRequestParams, ResourceContents};
use serde_json::{Value, json};

/// The day's figures from the shop's data.
fn day_total(h: &kash_e2e::harness::Harness, day: &str) -> (u64, String) {
    let next = day
        .parse::<jiff::civil::Date>()
        .unwrap()
        .tomorrow()
        .unwrap()
        .to_string();
    let q = Query {
        from: Some(midnight(day, &h.tz)),
        to: Some(midnight(&next, &h.tz)),
        ..Query::default()
    };
    let (fig, _) = h.truth(&q, Group::None);
    let euros = format!("{}.{:02}", fig.revenue / 100, fig.revenue % 100);
    (fig.orders, euros)
}

fn resources(content: &[ContentBlock]) -> Vec<(String, Option<String>, Vec<u8>)> {
    content
        .iter()
        .filter_map(|c| match c {
            ContentBlock::Resource(r) => Some(match &r.resource {
                ResourceContents::TextResourceContents {
                    uri,
                    mime_type,
                    text,
                    ..
                } => (uri.clone(), mime_type.clone(), text.clone().into_bytes()),
                ResourceContents::BlobResourceContents {
                    uri,
                    mime_type,
                    blob,
                    ..
                } => (
                    uri.clone(),
                    mime_type.clone(),
                    base64::engine::general_purpose::STANDARD
                        .decode(blob)
                        .unwrap(),
                ),
                other => panic!("unexpected resource {other:?}"),
            }),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn every_format_of_one_day() {
    let h = harness().await;
    let day = "2026-11-20";
    let (orders, total) = day_total(&h, day);
    // Std: readable text with the POS's totals, and the HTML attached.
    let r = h.call("report_sales", json!({"date": day})).await;
    let text = text_of(&r);
    assert_ne!(r.is_error, Some(true), "{text}");
    assert!(
        text.starts_with("Sales report (Std) — Fri 20 Nov 2026, Europe/Paris: 1 of 1 days."),
        "{text}"
    );
    let totals = text
        .lines()
        .skip_while(|l| !l.starts_with("Commandes"))
        .nth(1)
        .unwrap();
    assert!(
        totals.starts_with(&format!("{orders} ")) && totals.contains(&format!(" {total} ")),
        "the POS's totals ({orders} orders, {total}): {totals}"
    );
    let attached = resources(&r.content);
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].0, "kash://reports/2026-11-20.html");
    assert!(attached[0].1.as_deref().unwrap().starts_with("text/html"));
    assert!(String::from_utf8_lossy(&attached[0].2).contains("<table>"));
    let s = r.structured_content.unwrap();
    assert_eq!(s["days"][0]["inText"], true);
    // The server's own figures agree with the POS's report.
    let (_, summary) = h.summary(json!({"from": day, "to": day})).await;
    assert_eq!(summary["total"]["revenue"].to_string(), total);
    assert_eq!(summary["total"]["orders"], orders);
    // CSV as text.
    let r = h
        .call("report_sales", json!({"date": day, "format": "CSV"}))
        .await;
    let text = text_of(&r);
    assert!(
        text.contains(&format!("Total;Commandes;{orders};{total};")),
        "{text}"
    );
    assert!(resources(&r.content).is_empty(), "CSV fits in the text");
    // The files.
    for (format, mime, ext, magic) in [
        ("PDF", "application/pdf", "pdf", &b"%PDF-1.4"[..]),
        ("XLS", "application/vnd.ms-excel", "xls", &b"<?xml"[..]),
        (
            "frafec",
            "text/plain",
            "txt",
            &b"JournalCode\tJournalLib"[..],
        ),
        ("saft", "application/xml", "xml", &b"<?xml"[..]),
    ] {
        let r = h
            .call("report_sales", json!({"date": day, "format": format}))
            .await;
        let text = text_of(&r);
        assert_ne!(r.is_error, Some(true), "{format}: {text}");
        assert!(
            text.contains(&format!("attached as {format} files")),
            "{text}"
        );
        let attached = resources(&r.content);
        assert_eq!(attached.len(), 1, "{format}");
        let (uri, got_mime, bytes) = &attached[0];
        assert_eq!(uri, &format!("kash://reports/2026-11-20.{ext}"));
        assert!(
            got_mime.as_deref().unwrap().starts_with(mime),
            "{format}: {got_mime:?}"
        );
        assert!(bytes.starts_with(magic), "{format} content");
        assert!(
            matches!(&r.content[1], ContentBlock::Resource(e) if matches!(e.resource, ResourceContents::BlobResourceContents { .. })),
            "{format} is an embedded binary resource"
        );
        let s = r.structured_content.unwrap();
        assert_eq!(s["days"][0]["bytes"], bytes.len());
    }
    let saft = h
        .call("report_sales", json!({"date": day, "format": "saft"}))
        .await;
    let xml = String::from_utf8(resources(&saft.content)[0].2.clone()).unwrap();
    assert!(xml.contains(&format!("<NumberOfEntries>{orders}</NumberOfEntries>")));
}

#[tokio::test]
async fn a_week_of_reports_with_progress_and_a_failed_day() {
    let h = harness().await;
    h.progress.lock().unwrap().clear();
    let r = h.call("report_sales", json!({"period": "last_week"})).await;
    let text = text_of(&r);
    assert!(text.contains("7 of 7 days"), "{text}");
    for day in 16..=22 {
        let date = format!("2026-11-{day}");
        let (orders, total) = day_total(&h, &date);
        assert!(text.contains(&format!("({date}) ==")), "{date} in the text");
        assert!(text.contains(&format!("\n{orders} ")) && text.contains(&format!(" {total} ")));
    }
    assert_eq!(resources(&r.content).len(), 7);
    let mut seen = 0;
    for _ in 0..100 {
        seen = h.progress.lock().unwrap().len();
        if seen >= 7 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(seen, 7, "one progress notification per day");

    // One day fails (an explicit error, which reads do not retry): the others are there, and
    // the failure is said.
    h.sandbox.set_faults(FaultConfig {
        mode: Some(FaultMode::ErrorBody),
        count: Some(1),
        scripts: vec!["getSales.php".into()],
        ..FaultConfig::default()
    });
    let r = h
        .call(
            "report_sales",
            json!({"period": "last_week", "format": "CSV"}),
        )
        .await;
    let text = text_of(&r);
    assert_ne!(r.is_error, Some(true), "{text}");
    assert!(text.contains("6 of 7 days"), "{text}");
    let s = r.structured_content.unwrap();
    assert_eq!(s["failed"], 1);
    let failed: Vec<&Value> = s["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["status"] == "error")
        .collect();
    assert_eq!(failed.len(), 1);
    let day = failed[0]["date"].as_str().unwrap();
    assert!(text.contains(&format!("NOT produced: {day}: ")), "{text}");
    assert!(
        !text.contains(&format!("({day}) ==")),
        "no text for the failed day"
    );

    // Every day fails: an error.
    h.sandbox.set_faults(FaultConfig {
        mode: Some(FaultMode::Http500),
        scripts: vec!["getSales.php".into()],
        ..FaultConfig::default()
    });
    let r = h.call("report_sales", json!({"period": "yesterday"})).await;
    assert_eq!(r.is_error, Some(true));
    assert!(text_of(&r).starts_with("No report could be produced"));
    h.sandbox.clear_faults();
}

#[tokio::test]
async fn long_ranges_stay_within_the_text_budget_and_say_so() {
    let h = harness().await;
    let r = h
        .call(
            "report_sales",
            json!({"from": "2026-10-24", "to": "2026-11-23"}),
        )
        .await;
    let text = text_of(&r);
    assert_ne!(r.is_error, Some(true), "{text}");
    assert!(text.len() < 62_000, "{} characters", text.len());
    let s = r.structured_content.unwrap();
    let days = s["days"].as_array().unwrap();
    assert_eq!(days.len(), 31);
    let left_out: Vec<&str> = days
        .iter()
        .filter(|d| d["inText"] == false)
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert!(!left_out.is_empty());
    assert!(
        text.contains(&format!(
            "Too long to show every day in the text: {} are attached only.",
            left_out.join(", ")
        )),
        "{text}"
    );
    assert_eq!(resources(&r.content).len(), 31, "every day attached");
    // Bad requests.
    for (args, expected) in [
        (
            json!({"from": "2026-10-01", "to": "2026-11-23"}),
            "at most 31",
        ),
        (
            json!({"date": "2026-11-20", "period": "last_week"}),
            "one of them",
        ),
        (
            json!({"date": "2026-11-20", "format": "docx"}),
            "unknown format `docx`",
        ),
        (json!({"date": "le 20"}), "not an ISO 8601"),
    ] {
        let r = h.call("report_sales", args.clone()).await;
        assert_eq!(r.is_error, Some(true), "{args}");
        assert!(text_of(&r).contains(expected), "{args}: {}", text_of(&r));
    }
}

fn prompt_text(messages: &[rmcp::model::PromptMessage]) -> String {
    messages
        .iter()
        .filter_map(|m| m.content.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn report_prompts_in_both_languages() {
    for lang in [Lang::En, Lang::Fr] {
        let h = harness_in(lang).await;
        let list = h.client.list_prompts(None).await.unwrap();
        let names: Vec<&str> = list.prompts.iter().map(|p| p.name.as_str()).collect();
        for name in ["daily_report", "weekly_report", "end_of_day", "record_sale"] {
            assert!(names.contains(&name), "{name} listed");
        }
        let args = |v: Value| v.as_object().unwrap().clone();
        let daily = h
            .client
            .get_prompt(
                GetPromptRequestParams::new("daily_report")
                    .with_arguments(args(json!({"date": "2026-11-20"}))),
            )
            .await
            .unwrap();
        let text = prompt_text(&daily.messages);
        assert!(
            text.contains(r#""from": "2026-11-20", "to": "2026-11-20""#),
            "{text}"
        );
        assert!(text.contains(r#""comparison": "previous_week""#));
        assert!(text.contains(r#"report_sales"#));
        let weekly = h
            .client
            .get_prompt(
                GetPromptRequestParams::new("weekly_report")
                    .with_arguments(args(json!({"week": "2026-11-18"}))),
            )
            .await
            .unwrap();
        let text = prompt_text(&weekly.messages);
        assert!(
            text.contains(r#""from": "2026-11-16", "to": "2026-11-22""#),
            "{text}"
        );
        let bad = h
            .client
            .get_prompt(
                GetPromptRequestParams::new("weekly_report")
                    .with_arguments(args(json!({"week": "next"}))),
            )
            .await;
        assert!(bad.is_err(), "a bad week is refused");
        let eod = h
            .client
            .get_prompt(GetPromptRequestParams::new("end_of_day"))
            .await
            .unwrap();
        let text = prompt_text(&eod.messages);
        assert!(text.contains(r#""period": "today", "comparison": "previous_week""#));
        assert!(text.contains("data_list_pending_orders"));
        let shop = eod
            .messages
            .iter()
            .find_map(|m| match &m.content {
                ContentBlock::Resource(r) => Some(r.get_text()),
                _ => None,
            })
            .expect("the shop overview is attached");
        let overview: Value = serde_json::from_str(&shop).unwrap();
        let low: Vec<&str> = overview["lowStock"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap())
            .collect();
        assert!(low.contains(&"Pain au chocolat"), "{low:?}");
        match lang {
            Lang::En => assert!(text.starts_with("Help me close the day.")),
            Lang::Fr => assert!(text.starts_with("Aide-moi à clôturer la journée.")),
        }
    }
}
