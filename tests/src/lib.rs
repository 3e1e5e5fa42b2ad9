//! End-to-end test support: one MCP client ([`client`]), sessions over any transport
//! ([`session`]: in process, or `kash-stdio` as a child), the harness of the tool tests
//! ([`harness`]), the output-schema check ([`schema`]), the ground truth the analytics are
//! checked against ([`truth`]) and the benches' figures from `/proc` ([`proc`]).
//!
//! The suites are in `tests/tests/e2e/`: one module per behaviour (`recording`, `sales`, `analytics`,
//! `reports`, `every_tool`, `tools`, `protocol`, `confirmation`, `questions`, `scenarios`,
//! `tenants`, `fuzz`). They run in process by default and over stdio with
//! `KASH_E2E_TRANSPORT=stdio` (tests that give the server what only an in-process server can
//! take stay in process).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing)]
#![allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]

pub mod client;
pub mod harness;
pub mod proc;
pub mod schema;
pub mod session;
pub mod truth;

/// The rows of a `sales_summary` answer's `groups` as objects (the answer sends them as
/// arrays named by `columns`): the shown rows, then `others` and `unassigned` when present.
pub fn group_rows(groups: &serde_json::Value) -> Vec<serde_json::Value> {
    let columns: Vec<&str> = groups["columns"]
        .as_array()
        .map(|c| c.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let object = |row: &serde_json::Value| {
        let mut m = serde_json::Map::new();
        let mut change = serde_json::Map::new();
        for (c, v) in columns.iter().zip(row.as_array().into_iter().flatten()) {
            if v.is_null() {
                continue;
            }
            match *c {
                "revenueChange" | "ordersChange" => {
                    let what = c.trim_end_matches("Change");
                    let e = change.entry(what).or_insert(serde_json::json!({}));
                    e["abs"] = v.clone();
                }
                "revenueChangePct" | "ordersChangePct" => {
                    let what = c.trim_end_matches("ChangePct");
                    let e = change.entry(what).or_insert(serde_json::json!({}));
                    e["pct"] = v.clone();
                }
                _ => {
                    m.insert((*c).to_owned(), v.clone());
                }
            }
        }
        if !change.is_empty() {
            m.insert("change".to_owned(), serde_json::Value::Object(change));
        }
        serde_json::Value::Object(m)
    };
    groups["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(object)
        .collect()
}

/// `others` or `unassigned` of a `sales_summary` answer's `groups`, as an object.
pub fn group_row(groups: &serde_json::Value, which: &str) -> Option<serde_json::Value> {
    let row = groups.get(which)?;
    let shaped = serde_json::json!({"columns": groups["columns"], "rows": [row]});
    group_rows(&shaped).into_iter().next()
}
