//! Hostile arguments for every tool, generated from each tool's own published input schema:
//! every call is answered, and no call that breaks the schema reaches the POS (the sandbox's
//! request log stays empty of it). Valid calls may do their work; nothing may hang or leak
//! the key.
//!
//! The oracle is independent of the server: the published schema checked with the
//! `jsonschema` crate, with the one leniency the guide documents (numbers sent as numeric
//! strings). The generator avoids the other documented leniencies (old argument names,
//! synonyms such as delivery method codes), which the server maps before validating.

use std::collections::BTreeMap;
use std::time::Duration;

use kash_e2e::harness::{Harness, Options, text_of};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};
use rmcp::model::CallToolRequestParams;
use serde_json::{Map, Value, json};

/// Calls per tool.
const CASES: usize = 40;

/// Junk that is no synonym of anything: it cannot become valid by normalisation.
fn junk_text() -> BoxedStrategy<String> {
    prop_oneof![
        Just(String::new()),
        "zz[a-z]{0,8}".prop_map(|s| s),
        "zz\\PC{0,30}".prop_map(|s| s),
        (300usize..5_000).prop_map(|n| format!("zz{}", "é".repeat(n))),
    ]
    .boxed()
}

/// A value of the wrong kind for `types` (never a numeric string where a number is wanted,
/// never a small integer, which could be a delivery method code).
fn wrong_kind(types: &[&str]) -> BoxedStrategy<Value> {
    let mut options: Vec<BoxedStrategy<Value>> = vec![Just(Value::Null).boxed()];
    if !types.contains(&"boolean") {
        options.push(any::<bool>().prop_map(Value::from).boxed());
    }
    if !types.contains(&"string") {
        options.push(junk_text().prop_map(Value::from).boxed());
        options.push(Just(json!("yes")).boxed());
    }
    if !types.contains(&"integer") && !types.contains(&"number") {
        options.push((1_000i64..1_000_000).prop_map(Value::from).boxed());
        options.push(Just(json!(1.5)).boxed());
    }
    if !types.contains(&"array") {
        options.push(Just(json!([1, "a"])).boxed());
    }
    if !types.contains(&"object") {
        options.push(Just(json!({"zzk": 1})).boxed());
    }
    proptest::strategy::Union::new(options).boxed()
}

fn types_of(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        _ => schema
            .get("anyOf")
            .and_then(Value::as_array)
            .map(|a| a.iter().flat_map(types_of).collect())
            .unwrap_or_default(),
    }
}

/// A value for a property: often valid, often not.
fn value_for(schema: &Value, depth: u32) -> BoxedStrategy<Value> {
    let types = types_of(schema);
    let mut good: Vec<BoxedStrategy<Value>> = Vec::new();
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        good.push(proptest::sample::select(options.clone()).boxed());
    } else {
        for t in &types {
            good.push(match *t {
                "integer" => prop_oneof![
                    (1i64..200).prop_map(Value::from),
                    (-5i64..5).prop_map(Value::from),
                    Just(json!(i64::MAX)),
                    (1i64..200).prop_map(|n| Value::from(n.to_string())),
                ]
                .boxed(),
                "number" => prop_oneof![
                    (0.0f64..100.0).prop_map(|f| json!((f * 100.0).round() / 100.0)),
                    Just(json!(-1)),
                    Just(json!(1e12)),
                    Just(json!("2.5")),
                ]
                .boxed(),
                "string" => prop_oneof![
                    "[A-Za-z0-9 ]{1,12}".prop_map(Value::from),
                    Just(json!("2026-11-20")),
                    Just(json!("18:15")),
                    junk_text().prop_map(Value::from),
                ]
                .boxed(),
                "boolean" => prop_oneof![
                    any::<bool>().prop_map(Value::from),
                    Just(json!("true")),
                    Just(json!(1)),
                ]
                .boxed(),
                "array" => {
                    let item = schema.get("items").cloned().unwrap_or(json!({}));
                    if depth > 2 {
                        Just(json!([])).boxed()
                    } else {
                        proptest::collection::vec(value_for(&item, depth + 1), 0..4)
                            .prop_map(Value::Array)
                            .boxed()
                    }
                }
                "object" => {
                    if depth > 2 {
                        Just(json!({})).boxed()
                    } else {
                        object_for(schema, depth + 1)
                    }
                }
                _ => Just(Value::Null).boxed(),
            });
        }
    }
    if good.is_empty() {
        good.push(Just(Value::Null).boxed());
    }
    let good = proptest::strategy::Union::new(good);
    prop_oneof![3 => good, 1 => wrong_kind(&types)].boxed()
}

/// An object for a schema: some of its properties (the required ones usually), sometimes an
/// unknown one.
fn object_for(schema: &Value, depth: u32) -> BoxedStrategy<Value> {
    let props: Vec<(String, Value)> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = props
        .into_iter()
        .map(|(name, prop)| {
            let keep = if required.contains(&name) { 0.9 } else { 0.3 };
            proptest::option::weighted(keep, value_for(&prop, depth))
                .prop_map(move |v| v.map(|v| (name.clone(), v)))
                .boxed()
        })
        .collect();
    let extra = proptest::option::weighted(0.1, "zz[a-z]{1,6}");
    (fields, extra)
        .prop_map(|(fields, extra)| {
            let mut m: Map<String, Value> = fields.into_iter().flatten().collect();
            if let Some(k) = extra {
                m.insert(k, json!(1));
            }
            Value::Object(m)
        })
        .boxed()
}

/// The documented leniency: numeric strings where the schema wants a number.
fn coerced(schema: &Value, value: &Value) -> Value {
    match value {
        Value::String(s) => {
            let types = types_of(schema);
            if types.contains(&"string") {
                return value.clone();
            }
            if types.contains(&"integer")
                && let Ok(n) = s.trim().parse::<i64>()
            {
                return json!(n);
            }
            if types.contains(&"number")
                && let Ok(n) = s.trim().parse::<f64>()
            {
                return json!(n);
            }
            value.clone()
        }
        Value::Object(m) => {
            let props = schema.get("properties");
            Value::Object(
                m.iter()
                    .map(|(k, v)| {
                        let sub = props.and_then(|p| p.get(k)).cloned().unwrap_or(json!({}));
                        (k.clone(), coerced(&sub, v))
                    })
                    .collect(),
            )
        }
        Value::Array(a) => {
            let item = schema.get("items").cloned().unwrap_or(json!({}));
            Value::Array(a.iter().map(|v| coerced(&item, v)).collect())
        }
        other => other.clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_call_that_breaks_a_schema_reaches_the_pos() {
    let h: Harness = Options {
        flags: vec!["--timeout", "5"],
        ..Options::default()
    }
    .start()
    .await;
    let key = h.sandbox.credentials().api_key.clone();
    let mut runner = TestRunner::new(RunnerConfig {
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..RunnerConfig::default()
    });
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let tools = h.tools.clone();
    for tool in &tools {
        let schema = Value::Object((*tool.input_schema).clone());
        let oracle = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        let strategy = object_for(&schema, 0);
        for _ in 0..CASES {
            let args = strategy.new_tree(&mut runner).unwrap().current();
            let breaks = !oracle.is_valid(&coerced(&schema, &args));
            let before = h.sandbox.requests().len();
            let call = h.client.call_tool(
                CallToolRequestParams::new(tool.name.clone())
                    .with_arguments(args.as_object().unwrap().clone()),
            );
            let result = tokio::time::timeout(Duration::from_secs(30), call)
                .await
                .unwrap_or_else(|_| panic!("{}: no answer to {args}", tool.name));
            let requests = h.sandbox.requests();
            let reached: Vec<&str> = requests[before.min(requests.len())..]
                .iter()
                .map(|r| r.script.as_str())
                .collect();
            let entry = counts.entry(tool.name.to_string()).or_default();
            entry.0 += 1;
            let text = match &result {
                Ok(r) => text_of(r),
                Err(e) => e.to_string(),
            };
            assert!(!text.contains(&key), "{}: the key in an answer", tool.name);
            if breaks {
                entry.1 += 1;
                assert!(
                    reached.is_empty(),
                    "{}: {args} breaks the schema but reached the POS ({reached:?}): {text}",
                    tool.name
                );
                let refused = match &result {
                    Ok(r) => r.is_error == Some(true),
                    Err(_) => true,
                };
                assert!(refused, "{}: {args} was accepted: {text}", tool.name);
                assert!(
                    text.chars().count() < 2_000,
                    "{}: a long refusal: {text}",
                    tool.name
                );
            } else if !reached.is_empty() {
                entry.2 += 1;
            }
        }
    }
    // The count, tool by tool: calls, calls breaking the schema (none reached the POS), valid
    // calls that did.
    for (tool, (calls, broken, reached)) in &counts {
        eprintln!(
            "{tool}: {calls} calls, {broken} broke the schema (0 reached the POS), {reached} valid ones reached it"
        );
    }
    let broken: usize = counts.values().map(|c| c.1).sum();
    let valid_reached: usize = counts.values().map(|c| c.2).sum();
    assert!(
        broken > counts.len() * 5,
        "the fuzzer breaks schemas ({broken})"
    );
    assert!(valid_reached > 0, "and makes valid calls too");
}
