//! `report_sales` and the report prompts through an MCP client, against the sandbox: every
//! format, ranges with progress, per-day failures, the text budget, and agreement between the
//! POS's own report and `sales_summary`.

use base64::Engine as _;
use kash_e2e::harness::{harness, harness_in, text_of};
use kash_e2e::truth::{Group, Query, midnight};
use kash_mcp_core::Lang;
use kash_sandbox::{FaultConfig, FaultMode};
use rmcp::model::{
    ContentBlock, GetPromptRequestParams, ReadResourceRequestParams, ResourceContents,
};
use serde_json::{Value, json};

/// The day's figures from the shop's data.
fn day_total(h: &kash_e2e::harness::Harness, day: &str) -> (u64, String) {
    let q = Query::days(day, day, &h.tz);
    let (fig, _) = h.truth(&q, Group::None);
    let euros = format!("{}.{:02}", fig.revenue / 100, fig.revenue % 100);
    (fig.orders, euros)
}

/// The resource links of a result: (uri, mime type, size).
fn links(content: &[ContentBlock]) -> Vec<(String, Option<String>, Option<u64>)> {
    content
        .iter()
        .filter_map(|c| match c {
            ContentBlock::ResourceLink(r) => Some((r.uri.clone(), r.mime_type.clone(), r.size)),
            _ => None,
        })
        .collect()
}

/// Reads a link: its MIME type and bytes.
async fn read(h: &kash_e2e::harness::Harness, uri: &str) -> (Option<String>, Vec<u8>) {
    let r = h
        .client
        .read_resource(ReadResourceRequestParams::new(uri))
        .await
        .unwrap_or_else(|e| panic!("{uri}: {e}"));
    match r.contents.into_iter().next().expect("one content") {
        ResourceContents::TextResourceContents {
            mime_type, text, ..
        } => (mime_type, text.into_bytes()),
        ResourceContents::BlobResourceContents {
            mime_type, blob, ..
        } => (
            mime_type,
            base64::engine::general_purpose::STANDARD
                .decode(blob)
                .unwrap(),
        ),
        other => panic!("unexpected resource {other:?}"),
    }
}

/// Characters of text and structured content: what the model pays for.
fn answer_chars(r: &rmcp::model::CallToolResult) -> usize {
    text_of(r).chars().count()
        + r.structured_content
            .as_ref()
            .map_or(0, |v| v.to_string().chars().count())
}

#[tokio::test]
async fn every_format_of_one_day() {
    let h = harness().await;
    let day = "2026-11-20";
    let (orders, total) = day_total(&h, day);
    // Std: the POS's report as readable text, and the HTML as a link.
    let r = h.call("report_sales", json!({"date": day})).await;
    let text = text_of(&r);
    assert_ne!(r.is_error, Some(true), "{text}");
    assert!(
        text.starts_with("Sales report of the POS — Fri 20 Nov 2026 (Std), Europe/Paris"),
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
    let l = links(&r.content);
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].0, "kash://reports/2026-11-20.html");
    let (mime, html) = read(&h, &l[0].0).await;
    assert!(mime.unwrap().starts_with("text/html"));
    assert!(String::from_utf8_lossy(&html).contains("<table>"));
    assert_eq!(l[0].2, Some(html.len() as u64), "the link says the size");
    let s = r.structured_content.unwrap();
    assert_eq!(s["inText"], true);
    assert_eq!(s["source"], "pos");
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
    assert_eq!(links(&r.content)[0].0, "kash://reports/2026-11-20.csv");
    // The files: never pasted into the answer, a link read only when wanted.
    for (format, mime, ext, magic) in [
        ("PDF", "application/pdf", "pdf", &b"%PDF-1.4"[..]),
        ("XLS", "application/vnd.ms-excel", "xls", &b"<?xml"[..]),
        (
            "frafec",
            "text/plain",
            "fec.txt",
            &b"JournalCode\tJournalLib"[..],
        ),
        ("saft", "application/xml", "saft.xml", &b"<?xml"[..]),
    ] {
        let r = h
            .call("report_sales", json!({"date": day, "format": format}))
            .await;
        let text = text_of(&r);
        assert_ne!(r.is_error, Some(true), "{format}: {text}");
        let uri = format!("kash://reports/2026-11-20.{ext}");
        assert!(
            text.contains(&format!("a {format} file of ")) && text.contains(&uri),
            "{text}"
        );
        assert!(answer_chars(&r) < 2_000, "{format}: a short answer");
        assert!(
            !r.content
                .iter()
                .any(|c| matches!(c, ContentBlock::Resource(_))),
            "{format}: nothing embedded"
        );
        let l = links(&r.content);
        assert_eq!(l.len(), 1, "{format}");
        assert_eq!(l[0].0, uri);
        assert!(l[0].1.as_deref().unwrap().starts_with(mime), "{format}");
        let (got_mime, bytes) = read(&h, &uri).await;
        assert!(got_mime.unwrap().starts_with(mime), "{format}");
        assert!(bytes.starts_with(magic), "{format} content");
        assert_eq!(l[0].2, Some(bytes.len() as u64), "{format}: size");
    }
    let (_, xml) = read(&h, "kash://reports/2026-11-20.saft.xml").await;
    let xml = String::from_utf8(xml).unwrap();
    assert!(xml.contains(&format!("<NumberOfEntries>{orders}</NumberOfEntries>")));
    // A link outside the reports is refused, as is a day to come.
    for bad in [
        "kash://reports/2026-11-20.docx",
        "kash://reports/2099-01-01.pdf",
    ] {
        let r = h
            .client
            .read_resource(ReadResourceRequestParams::new(bad))
            .await;
        assert!(r.is_err(), "{bad}");
    }
}

#[tokio::test]
async fn a_week_is_one_compact_exact_report_with_a_link_a_day() {
    let h = harness().await;
    h.sandbox.clear_requests();
    let r = h.call("report_sales", json!({"period": "last_week"})).await;
    let text = text_of(&r);
    assert_ne!(r.is_error, Some(true), "{text}");
    assert!(answer_chars(&r) < 16_000, "{} characters", answer_chars(&r));
    assert!(
        text.starts_with("Sales report — Mon 16 – Sun 22 Nov 2026, Europe/Paris, "),
        "{text}"
    );
    let s = r.structured_content.clone().unwrap();
    assert_eq!(s["source"], "orders");
    let q = Query {
        from: Some(midnight("2026-11-16", &h.tz)),
        to: Some(midnight("2026-11-23", &h.tz)),
        ..Query::default()
    };
    let (week, _) = h.truth(&q, Group::None);
    assert_eq!(s["total"]["orders"], week.orders);
    assert_eq!(kash_e2e::truth::cents(&s["total"]["revenue"]), week.revenue);
    let l = links(&r.content);
    assert_eq!(l.len(), 7);
    for (i, day) in (16..=22).enumerate() {
        let date = format!("2026-11-{day}");
        let (orders, total) = day_total(&h, &date);
        assert_eq!(s["days"][i]["date"], date);
        assert_eq!(s["days"][i]["orders"], orders, "{date}");
        assert_eq!(
            kash_e2e::truth::cents(&s["days"][i]["revenue"]),
            kash_e2e::truth::cents(&json!(total.parse::<f64>().unwrap())),
            "{date}"
        );
        assert_eq!(l[i].0, format!("kash://reports/{date}.html"));
    }
    assert!(
        !asked(&h, "getSales.php"),
        "no daily report is fetched until it is read"
    );
    for part in [
        "Payments: ",
        "Delivery methods: ",
        "Top articles: ",
        "By day:",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
    assert_eq!(s["topArticles"].as_array().unwrap().len(), 10);
    // A day's link gives that day's own POS report.
    let (_, html) = read(&h, &l[2].0).await;
    let (orders, total) = day_total(&h, "2026-11-18");
    let html = String::from_utf8(html).unwrap();
    assert!(
        html.contains(&format!("<td>{orders}</td><td>{total}</td>")),
        "the 18th's report"
    );
}

#[tokio::test]
async fn long_ranges_and_files_stay_small_and_failures_are_said() {
    let h = harness().await;
    for format in ["Std", "PDF", "saft"] {
        h.sandbox.clear_requests();
        let r = h
            .call(
                "report_sales",
                json!({"from": "2026-10-24", "to": "2026-11-23", "format": format}),
            )
            .await;
        assert_ne!(r.is_error, Some(true), "{}", text_of(&r));
        assert!(
            answer_chars(&r) < 16_000,
            "{format}: {} characters",
            answer_chars(&r)
        );
        assert_eq!(links(&r.content).len(), 31, "{format}");
        assert!(
            !asked(&h, "getSales.php"),
            "{format}: nothing fetched until read"
        );
    }
    // A day whose report fails: said, not an empty success.
    h.sandbox.set_faults(FaultConfig {
        mode: Some(FaultMode::Http500),
        scripts: vec!["getSales.php".into()],
        ..FaultConfig::default()
    });
    let r = h.call("report_sales", json!({"date": "yesterday"})).await;
    assert_eq!(r.is_error, Some(true));
    assert!(
        text_of(&r).starts_with("No report for Mon 23 Nov 2026: "),
        "{}",
        text_of(&r)
    );
    h.sandbox.clear_faults();
    // A date-time names its whole day.
    let r = h
        .call("report_sales", json!({"date": "2026-11-20T12:00:00+01:00"}))
        .await;
    let s = r.structured_content.unwrap();
    assert_eq!(s["days"][0]["date"], "2026-11-20");
    assert!(
        !s["range"]["label"].as_str().unwrap().contains("12:00"),
        "{s}"
    );
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
            "`format` must be one of",
        ),
        (json!({"date": "le 20"}), "is not a date"),
        (json!({"date": "0000-01-01"}), "out of range"),
        (json!({"date": "9999-12-31"}), "out of range"),
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

/// Whether the POS was asked for `script` since the requests were last cleared.
fn asked(h: &kash_e2e::harness::Harness, script: &str) -> bool {
    h.sandbox.requests().iter().any(|r| r.script == script)
}

/// The text of the prompt `name` with `args`.
async fn prompt_text_of(h: &kash_e2e::harness::Harness, name: &str, args: Value) -> String {
    let prompt = h.prompt(name, args).await.unwrap();
    prompt_text(&prompt.messages)
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
        let text = prompt_text_of(&h, "daily_report", json!({"date": "2026-11-20"})).await;
        assert!(
            text.contains(r#""from": "2026-11-20", "to": "2026-11-20""#),
            "{text}"
        );
        assert!(text.contains(r#""comparison": "previous_week""#));
        assert!(text.contains(r#"report_sales"#));
        let text = prompt_text_of(&h, "weekly_report", json!({"week": "2026-11-18"})).await;
        assert!(
            text.contains(r#""from": "2026-11-16", "to": "2026-11-22""#),
            "{text}"
        );
        let bad = h.prompt("weekly_report", json!({"week": "next"})).await;
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
