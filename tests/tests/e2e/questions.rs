//! The questions shop owners ask most, each answered through the server in at most three tool
//! calls, with the exact figures of the ground truth (`kash_e2e::truth`, computed from the
//! sandbox's orders), in English and in French.

use kash_api::Decimal;
use kash_e2e::client::TestClient;
use kash_e2e::session::{Era, Session, connect, sandbox};
use kash_e2e::truth::{Group, Query, cents, midnight};
use kash_mcp_core::Lang;
use kash_mcp_core::i18n::money;
use serde_json::{Value, json};

/// Counts the tool calls a question takes.
struct Asker<'a> {
    session: &'a Session,
    calls: usize,
}

impl Asker<'_> {
    async fn ask(&mut self, tool: &str, args: Value) -> (String, Value) {
        self.calls += 1;
        self.session.ok(tool, args).await
    }

    fn done(&mut self, question: &str) {
        assert!(self.calls <= 3, "{question}: {} tool calls", self.calls);
        self.calls = 0;
    }
}

fn eur(lang: Lang, c: i64) -> String {
    money(lang, Decimal::new(c, 2))
}

fn days(from: &str, to_excluded: &str) -> Query {
    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    Query {
        from: Some(midnight(from, &tz)),
        to: Some(midnight(to_excluded, &tz)),
        ..Query::default()
    }
}

fn truth(
    sb: &kash_sandbox::Sandbox,
    q: &Query,
    g: Group,
) -> (
    kash_e2e::truth::Fig,
    std::collections::BTreeMap<String, kash_e2e::truth::Fig>,
) {
    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    sb.with_shop(&sb.credentials().shop_id, |d| {
        kash_e2e::truth::summarize(d, &tz, q, g)
    })
    .unwrap()
}

#[tokio::test]
async fn the_questions_answered_exactly_in_both_languages() {
    let sb = sandbox().await;
    for (lang, era) in [(Lang::En, Era::Legacy), (Lang::Fr, Era::Modern)] {
        let s = connect(&sb, era, &["--lang", lang.code()], TestClient::plain()).await;
        let mut q = Asker {
            session: &s,
            calls: 0,
        };

        // "What's my revenue this week?"
        let (text, out) = q.ask("sales_summary", json!({"period": "this_week"})).await;
        let (week, _) = truth(&sb, &days("2026-11-23", "2026-11-25"), Group::None);
        assert_eq!(cents(&out["total"]["revenue"]), week.revenue);
        assert_eq!(out["total"]["orders"], week.orders);
        let expected = match lang {
            Lang::En => format!(
                "Sales — Mon 23 – Tue 24 Nov 2026, Europe/Paris, {} validated orders\nRevenue {} incl. VAT",
                week.orders,
                eur(lang, week.revenue)
            ),
            Lang::Fr => format!(
                "Ventes — lun. 23 – mar. 24 nov. 2026, Europe/Paris, {} commandes validées\nCA {} TTC",
                week.orders,
                eur(lang, week.revenue)
            ),
        };
        assert!(text.starts_with(&expected), "{text}");
        q.done("revenue this week");

        // "Who are my best customers on Tuesdays?"
        let (text, out) = q
            .ask(
                "sales_summary",
                json!({"period": "last_12_months", "groupBy": "customer", "weekday": "tuesday", "top": 5}),
            )
            .await;
        let year = days("2025-11-25", "2026-11-25");
        let (_, by_customer) = truth(
            &sb,
            &Query {
                weekdays: vec![2],
                ..year.clone()
            },
            Group::Customer,
        );
        let mut ranking: Vec<(&String, i64)> = by_customer
            .iter()
            .filter(|(k, _)| k.as_str() != "none")
            .map(|(k, f)| (k, f.revenue))
            .collect();
        ranking.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let rows = kash_e2e::group_rows(&out["groups"]);
        for (row, (key, revenue)) in rows.iter().zip(&ranking) {
            assert_eq!(row["key"].as_str().unwrap(), key.as_str());
            assert_eq!(cents(&row["revenue"]), *revenue);
        }
        assert_eq!(rows[0]["label"], "Claire Dupont-Martin (Atelier Martin)");
        assert!(
            text.contains(&format!(
                "| 1 | Claire Dupont-Martin (Atelier Martin) | {} |",
                eur(lang, ranking[0].1)
            )),
            "{text}"
        );
        q.done("best customers on Tuesdays");

        // "Have takeaway sales increased this year?"
        let (text, out) = q
            .ask(
                "sales_summary",
                json!({"period": "this_year", "deliveryMethod": "takeaway", "comparison": "same_period_last_year"}),
            )
            .await;
        let this_year = Query {
            delivery: vec![0],
            ..days("2026-01-01", "2026-11-25")
        };
        let (now, _) = truth(&sb, &this_year, Group::None);
        let cut: jiff::Timestamp = out["comparison"]["range"]["to"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let last_year = Query {
            delivery: vec![0],
            from: Some(midnight(
                "2025-01-01",
                &jiff::tz::TimeZone::get("Europe/Paris").unwrap(),
            )),
            to: Some(cut),
            ..Query::default()
        };
        let (before, _) = truth(&sb, &last_year, Group::None);
        assert_eq!(cents(&out["total"]["revenue"]), now.revenue);
        assert_eq!(
            cents(&out["comparison"]["figures"]["revenue"]),
            before.revenue
        );
        let change = &out["comparison"]["change"]["revenue"];
        assert_eq!(cents(&change["abs"]), now.revenue - before.revenue);
        assert!(now.revenue > before.revenue, "takeaway grew");
        let pct =
            ((now.revenue - before.revenue) as f64 * 1000.0 / before.revenue as f64).round() / 10.0;
        assert_eq!(change["pct"].as_f64().unwrap(), pct);
        let word = match lang {
            Lang::En => "revenue",
            Lang::Fr => "CA",
        };
        assert!(
            text.contains(&format!(
                "{word} {} → {} (+{}, +{} %)",
                eur(lang, before.revenue),
                eur(lang, now.revenue),
                eur(lang, now.revenue - before.revenue),
                kash_mcp_core::i18n::quantity(lang, Decimal::try_from(pct).unwrap())
            )),
            "{text}"
        );
        q.done("takeaway this year");

        // "Generate a cash register report for the week."
        let (text, out) = q.ask("report_sales", json!({"period": "this_week"})).await;
        assert_eq!(out["days"].as_array().unwrap().len(), 2);
        for (i, (day, next)) in [("2026-11-23", "2026-11-24"), ("2026-11-24", "2026-11-25")]
            .into_iter()
            .enumerate()
        {
            let (fig, _) = truth(&sb, &days(day, next), Group::None);
            assert_eq!(out["days"][i]["orders"], fig.orders, "{day}");
            assert_eq!(cents(&out["days"][i]["revenue"]), fig.revenue, "{day}");
            let date = kash_mcp_core::i18n::date(lang, day.parse().unwrap());
            assert!(
                text.contains(&format!("{date} — {}", eur(lang, fig.revenue))),
                "{day}: {text}"
            );
        }
        q.done("cash register report for the week");

        // "How many orders must be delivered tonight?"
        let (text, out) = q
            .ask(
                "data_list_pending_orders",
                json!({"deliveryMethod": "delivery", "period": "today"}),
            )
            .await;
        assert_eq!(out["count"], 7);
        let expected = match lang {
            Lang::En => "7 orders in progress",
            Lang::Fr => "7 commandes en cours",
        };
        assert!(text.starts_with(expected), "{text}");
        q.done("deliveries tonight");

        s.close().await;
    }
}
