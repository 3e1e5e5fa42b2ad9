//! The tools: their model-facing definitions and their handlers.

use rmcp::model::{
    CallToolResponse, CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations,
};
use serde::Serialize;
use serde_json::Value;

use crate::config::Toolset;
use crate::error::ToolResult;
use crate::i18n::{Lang, Text};
use crate::store::BoxFuture;

/// What a handler gets: the call in progress.
pub(crate) type Ctx<'a> = crate::call::Call<'a>;

/// A tool's handler.
pub(crate) type Handler = for<'a> fn(&'a Ctx<'a>) -> BoxFuture<'a, ToolResult<CallToolResponse>>;

/// A [`Handler`] from an async expression of the call: `handler!(|ctx| call(ctx))`.
macro_rules! handler {
    (|$c:ident| $body:expr) => {{
        fn run<'a>(
            $c: &'a $crate::call::Call<'a>,
        ) -> $crate::store::BoxFuture<
            'a,
            $crate::error::ToolResult<::rmcp::model::CallToolResponse>,
        > {
            Box::pin($body)
        }
        run as $crate::tools::Handler
    }};
}
pub(crate) use handler;

pub(crate) mod common;

/// The tool families, one line each: a family is a module with `specs()`, and adding one
/// touches its own folder and this list.
macro_rules! families {
    ($($family:ident),* $(,)?) => {
        $(pub(crate) mod $family;)*

        /// Every tool, in no particular order (the views sort them by name).
        pub(crate) fn all_specs() -> Vec<Spec> {
            let mut v = Vec::new();
            $(v.extend($family::specs());)*
            v
        }
    };
}

families![ping, lists, orders, sales, edit, summary, report];

/// What kind of effect a tool has, for its annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Reads only.
    Read,
    /// Adds something new; calling twice adds twice.
    Additive,
    /// Changes existing records.
    Update { idempotent: bool },
    /// Deletes records.
    Delete,
}

/// A tool's definition.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub name: &'static str,
    /// `None`: always registered (`ping`).
    pub toolset: Option<Toolset>,
    pub effect: Effect,
    pub title: Text,
    pub description: Text,
    pub input: fn(Lang) -> JsonObject,
    pub output: fn() -> JsonObject,
    /// Maps the old server's argument names and documented synonyms to the published ones,
    /// before validation.
    pub normalize: fn(&mut JsonObject),
    /// The argument names the handler reads: exactly the input schema's properties (a test
    /// holds them to it).
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the schema test"))]
    pub args: fn() -> Vec<&'static str>,
    /// Runs a call whose arguments passed `normalize` and the input schema.
    pub handler: Handler,
}

/// No arguments.
pub(crate) fn no_args() -> Vec<&'static str> {
    Vec::new()
}

/// No old names or synonyms to map.
pub(crate) fn as_is(_: &mut JsonObject) {}

impl Spec {
    /// The MCP tool definition in `lang`.
    pub fn tool(&self, lang: Lang) -> Tool {
        let title = self.title.get(lang);
        let mut annotations = ToolAnnotations::with_title(title)
            .read_only(self.effect == Effect::Read)
            .open_world(true);
        annotations = match self.effect {
            Effect::Read => annotations,
            Effect::Additive => annotations.destructive(false).idempotent(false),
            Effect::Update { idempotent } => annotations.destructive(true).idempotent(idempotent),
            Effect::Delete => annotations.destructive(true).idempotent(true),
        };
        Tool::new(
            self.name,
            self.description.get(lang),
            std::sync::Arc::new((self.input)(lang)),
        )
        .with_title(title)
        .with_raw_output_schema(output_schema(self))
        .with_annotations(annotations)
    }

    /// Whether the tool writes.
    pub fn writes(&self) -> bool {
        self.effect != Effect::Read
    }
}

/// Every tool's output schema as [`crate::schema::output`] makes it from the tool's types,
/// kept as JSON: making them took two thirds of the instructions from start to the first tool
/// list. A test proves the file is what the types give today; `KASH_UPDATE_SCHEMAS=1 cargo
/// test -p kash-mcp-core --lib output_schemas` rewrites it.
const OUTPUT_SCHEMAS: &str = include_str!("output_schemas.json");

/// The output schema of `spec`, read once from [`OUTPUT_SCHEMAS`] (made from the types for a
/// tool missing there).
fn output_schema(spec: &Spec) -> std::sync::Arc<JsonObject> {
    use std::collections::HashMap;
    use std::sync::{Arc, OnceLock};
    static KEPT: OnceLock<HashMap<String, Arc<JsonObject>>> = OnceLock::new();
    KEPT.get_or_init(|| {
        serde_json::from_str::<HashMap<String, JsonObject>>(OUTPUT_SCHEMAS)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, schema)| (name, Arc::new(schema)))
            .collect()
    })
    .get(spec.name)
    .cloned()
    .unwrap_or_else(|| Arc::new((spec.output)()))
}

/// [`OUTPUT_SCHEMAS`] as the types give it today: one tool per line.
#[cfg(test)]
fn output_schemas_now() -> String {
    let lines: Vec<String> = all_specs()
        .iter()
        .map(|s| {
            let schema = serde_json::to_string(&(s.output)()).unwrap_or_default();
            format!("  {}: {schema}", Value::from(s.name))
        })
        .collect();
    format!("{{\n{}\n}}\n", lines.join(",\n"))
}

/// Names the old server used that are kept working without being listed.
const ALIASES: [(&str, &str); 1] = [("data_list_payments_modes", "data_list_payments")];

/// The tool a called name stands for (an unlisted alias leads to its tool).
pub(crate) fn canonical_name(name: &str) -> &str {
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, tool)| tool)
}

/// A successful result: a short human summary and the structured content.
pub(crate) fn done(summary: String, structured: &impl Serialize) -> ToolResult<CallToolResponse> {
    let mut value = serde_json::to_value(structured).unwrap_or(Value::Null);
    crate::schema::strip_nulls(&mut value);
    let mut result = CallToolResult::success(vec![ContentBlock::text(summary)]);
    result.structured_content = Some(value);
    Ok(result.into())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_schema_property_is_read_and_every_argument_read_is_in_the_schema() {
        for spec in all_specs() {
            for lang in [Lang::En, Lang::Fr] {
                let schema = (spec.input)(lang);
                let published: BTreeSet<&str> = schema
                    .get("properties")
                    .and_then(|p| p.as_object())
                    .map(|p| p.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                let read: BTreeSet<&str> = (spec.args)().into_iter().collect();
                assert_eq!(
                    published, read,
                    "{}: the schema's properties (left) and the arguments read (right)",
                    spec.name
                );
            }
        }
    }
    /// The output schemas kept as JSON are the ones the tools' types give, every tool has one,
    /// and each tool is served the one of its own name.
    #[test]
    fn output_schemas_kept_are_the_ones_the_types_give() {
        let now = output_schemas_now();
        if std::env::var_os("KASH_UPDATE_SCHEMAS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/tools/output_schemas.json");
            std::fs::write(path, &now).unwrap();
            return;
        }
        assert!(
            OUTPUT_SCHEMAS == now,
            "src/tools/output_schemas.json is stale: run \
             KASH_UPDATE_SCHEMAS=1 cargo test -p kash-mcp-core --lib output_schemas"
        );
        for spec in all_specs() {
            assert_eq!(*output_schema(&spec), (spec.output)(), "{}", spec.name);
        }
    }
}
