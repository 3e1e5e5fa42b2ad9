//! The model-facing contract: tool names, titles, descriptions, schemas and annotations, in
//! both languages. The snapshots make every change to it visible in review.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing)]

use std::sync::Arc;

use kash_mcp_core::{Caller, Config, KashMcp, Lang, MemoryStore, StaticShop, Toolset};
use serde_json::Value;

fn server(lang: Lang) -> KashMcp {
    KashMcp::new(
        Config {
            lang,
            ..Config::default()
        },
        Arc::new(StaticShop::new(Caller::without_shop(
            "no shop in this test",
        ))),
        Arc::new(MemoryStore::default()),
    )
}

const OLD_SERVER_TOOLS: [&str; 17] = [
    "sale_create",
    "data_list_products",
    "data_list_departments",
    "data_list_department_groups",
    "data_list_clients",
    "data_list_variations",
    "data_list_delivery_men",
    "data_list_payments",
    "data_list_cashboxes",
    "data_list_delivery_zones",
    "data_list_relay_points",
    "data_list_discounts",
    "data_list_users",
    "data_list_tables",
    "data_list_orders",
    "order_detail",
    "ping",
];

const NEW_TOOLS: [&str; 12] = [
    "data_list_pending_orders",
    "sales_summary",
    "report_sales",
    "product_create",
    "product_update",
    "product_delete",
    "department_create",
    "department_update",
    "department_delete",
    "client_create",
    "client_update",
    "client_delete",
];

#[test]
fn tools_list_en() {
    insta::assert_json_snapshot!("tools_en", server(Lang::En).tools());
}

#[test]
fn tools_list_fr() {
    insta::assert_json_snapshot!("tools_fr", server(Lang::Fr).tools());
}

#[test]
fn every_old_tool_name_is_kept_and_the_new_ones_exist() {
    let tools = server(Lang::En).tools();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for n in OLD_SERVER_TOOLS.iter().chain(&NEW_TOOLS) {
        assert!(names.contains(n), "{n} missing");
    }
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "tools are listed in a deterministic order");
    for n in &names {
        assert!(
            n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{n}"
        );
    }
}

/// Properties whose name says all a model needs (a description would be paid for in every
/// conversation for nothing).
const SELF_EXPLANATORY: [&str; 38] = [
    "titleOverride",
    "variations",
    "query",
    "format",
    "limit",
    "offset",
    "fields",
    "title",
    "shortTitle",
    "description",
    "email",
    "phone",
    "phone2",
    "address",
    "address2",
    "zip",
    "city",
    "firstname",
    "lastname",
    "vatNumber",
    "companyRegistration",
    "barcode",
    "birthDate",
    "privateComment",
    "publicComment",
    "blacklist",
    "keyboardHidden",
    "needsPreparation",
    "position",
    "internalId",
    "buyingPrice",
    "productId",
    "departmentId",
    "clientId",
    "lat",
    "lng",
    "price",
    "confirm",
];

/// Every property of a schema, recursively, has a description, unless its name says it all.
fn check_described(path: &str, schema: &Value) {
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let p = format!("{path}.{name}");
            let d = prop
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("");
            assert!(
                !d.trim().is_empty() || SELF_EXPLANATORY.contains(&name.as_str()),
                "{p} has no description"
            );
            check_described(&p, prop);
        }
    }
    if let Some(items) = schema.get("items") {
        check_described(&format!("{path}[]"), items);
    }
}

#[test]
fn every_tool_is_fully_described_and_annotated() {
    for lang in [Lang::En, Lang::Fr] {
        let s = server(lang);
        for t in s.tools() {
            let name = t.name.as_ref();
            assert!(t.title.as_deref().is_some_and(|x| !x.is_empty()), "{name}");
            assert!(
                t.description.as_deref().is_some_and(|d| d.len() >= 8),
                "{name}"
            );
            let input = Value::Object((*t.input_schema).clone());
            assert_eq!(input["type"], "object", "{name}");
            check_described(name, &input);
            let output = t.output_schema.as_ref().expect("output schema");
            assert_eq!(
                output.get("type").and_then(Value::as_str),
                Some("object"),
                "{name}"
            );
            let a = t.annotations.as_ref().expect("annotations");
            assert_eq!(a.open_world_hint, Some(true), "{name}: open world");
            let read = name.starts_with("data_list_")
                || ["order_detail", "ping", "sales_summary", "report_sales"].contains(&name);
            assert_eq!(a.read_only_hint, Some(read), "{name}: read-only hint");
            if name == "sale_create" || name.ends_with("_create") {
                assert_eq!(a.destructive_hint, Some(false), "{name}: additive");
                assert_eq!(a.idempotent_hint, Some(false), "{name}: not idempotent");
            }
            if name.ends_with("_delete") {
                assert_eq!(a.destructive_hint, Some(true), "{name}: destructive");
            }
            if name.ends_with("_update") {
                assert_eq!(a.destructive_hint, Some(true), "{name}");
            }
        }
    }
}

#[test]
fn french_and_english_differ_everywhere() {
    let en = server(Lang::En);
    let fr = server(Lang::Fr);
    for (a, b) in en.tools().iter().zip(fr.tools()) {
        assert_eq!(a.name, b.name);
        if a.name != "ping" {
            assert_ne!(a.title, b.title, "{}", a.name);
        }
        assert_ne!(a.description, b.description, "{}", a.name);
    }
}

#[test]
fn read_only_and_toolsets_filter_the_tools() {
    let ro = KashMcp::new(
        Config {
            read_only: true,
            ..Config::default()
        },
        Arc::new(StaticShop::new(Caller::without_shop(
            "no shop in this test",
        ))),
        Arc::new(MemoryStore::default()),
    );
    for t in ro.tools() {
        assert_eq!(
            t.annotations.as_ref().and_then(|a| a.read_only_hint),
            Some(true),
            "{} in read-only mode",
            t.name
        );
    }
    assert!(ro.tools().iter().any(|t| t.name == "data_list_products"));
    let lists = KashMcp::new(
        Config {
            toolsets: [Toolset::Lists].into_iter().collect(),
            ..Config::default()
        },
        Arc::new(StaticShop::new(Caller::without_shop(
            "no shop in this test",
        ))),
        Arc::new(MemoryStore::default()),
    );
    let tools = lists.tools();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert!(names.contains(&"ping"));
    assert!(
        names.iter().all(|n| *n == "ping"
            || (n.starts_with("data_list_")
                && *n != "data_list_orders"
                && *n != "data_list_pending_orders")),
        "{names:?}"
    );
}

/// Bytes of a JSON value as sent.
fn wire_len(v: &impl serde::Serialize) -> usize {
    serde_json::to_vec(v).unwrap().len()
}

/// What every conversation pays: the part of `tools/list` a client puts in the model's context
/// (name, description, input schema), and the whole answer.
#[test]
fn the_tool_list_stays_within_its_context_budget() {
    let mut over = Vec::new();
    for lang in [Lang::En, Lang::Fr] {
        let s = server(lang);
        let model_facing: usize = s
            .tools()
            .iter()
            .map(|t| {
                wire_len(&serde_json::json!({
                    "name": t.name,
                    "description": t.description,
                    "inputSchema": t.input_schema,
                }))
            })
            .sum();
        let whole = wire_len(&rmcp::model::ListToolsResult::with_all_items(
            s.tools().to_vec(),
        ));
        eprintln!("{lang}: model-facing {model_facing} bytes, tools/list {whole} bytes");
        if model_facing > 24_000 || whole > 48_000 {
            over.push(format!(
                "{lang}: model-facing {model_facing} bytes (at most 24,000), tools/list {whole} bytes (at most 48,000)"
            ));
        }
    }
    assert!(over.is_empty(), "{over:?}");
}

/// The rules the MCP Inspector (2.x) and Ajv warn about, for every input and output schema:
/// `type` arrays, unknown `format`s, remote `$ref`s, untyped schemas, bare boolean schemas.
fn check_portable(path: &str, v: &Value, parent_key: &str) {
    const FORMATS: [&str; 9] = [
        "date-time",
        "date",
        "time",
        "duration",
        "email",
        "uri",
        "uri-reference",
        "uuid",
        "ipv4",
    ];
    match v {
        Value::Bool(_) => assert!(
            [
                "additionalProperties",
                "unevaluatedProperties",
                "propertyNames"
            ]
            .contains(&parent_key),
            "{path}: a boolean schema"
        ),
        Value::Object(m) => {
            assert!(
                !m.get("type").is_some_and(Value::is_array),
                "{path}: a type array"
            );
            if let Some(f) = m.get("format").and_then(Value::as_str) {
                assert!(FORMATS.contains(&f), "{path}: non-standard format `{f}`");
            }
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                assert!(r.starts_with('#'), "{path}: remote $ref {r}");
            }
            let typed = [
                "type",
                "$ref",
                "anyOf",
                "oneOf",
                "allOf",
                "enum",
                "const",
                "properties",
                "items",
            ]
            .iter()
            .any(|k| m.contains_key(*k));
            assert!(typed, "{path}: an untyped schema");
            for (k, child) in m {
                match k.as_str() {
                    "properties" | "$defs" => {
                        for (name, sub) in child.as_object().into_iter().flatten() {
                            check_portable(&format!("{path}.{name}"), sub, "");
                        }
                    }
                    "items" | "additionalProperties" | "not" => {
                        check_portable(&format!("{path}/{k}"), child, k)
                    }
                    "anyOf" | "oneOf" | "allOf" => {
                        for (i, sub) in child.as_array().into_iter().flatten().enumerate() {
                            check_portable(&format!("{path}/{k}[{i}]"), sub, "");
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

#[test]
fn every_schema_is_portable() {
    for lang in [Lang::En, Lang::Fr] {
        for t in server(lang).tools() {
            check_portable(
                &format!("{}.input", t.name),
                &Value::Object((*t.input_schema).clone()),
                "",
            );
            let out = t.output_schema.as_ref().expect("output schema");
            check_portable(
                &format!("{}.output", t.name),
                &Value::Object((**out).clone()),
                "",
            );
        }
    }
}
