//! The tools: their model-facing definitions and their handlers.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rmcp::RoleServer;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, JsonObject, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use serde::Serialize;
use serde_json::Value;

use crate::Inner;
use crate::config::Toolset;
use crate::error::{ToolError, ToolResult};
use crate::i18n::{Lang, Text};
use crate::shop::Shop;

pub(crate) mod catalog;
pub(crate) mod lists;
pub(crate) mod orders;
pub(crate) mod ping;
pub(crate) mod report;
pub(crate) mod sales;
pub(crate) mod summary;

/// Which handler a tool name leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ToolId {
    Ping,
    List(lists::ListId),
    Orders,
    OrderDetail,
    Pending,
    SaleCreate,
    Catalog(catalog::CatalogOp),
    Summary,
    Report,
}

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
    pub id: ToolId,
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
        .with_raw_output_schema(std::sync::Arc::new((self.output)()))
        .with_annotations(annotations)
    }

    /// Whether the tool writes.
    pub fn writes(&self) -> bool {
        self.effect != Effect::Read
    }
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

/// Every tool, in no particular order (the server sorts them by name).
pub(crate) fn all_specs() -> Vec<Spec> {
    let mut v = vec![ping::spec()];
    v.extend(lists::specs());
    v.extend(orders::specs());
    v.push(sales::spec());
    v.extend(catalog::specs());
    v.push(summary::spec());
    v.push(report::spec());
    v
}

/// What a handler gets.
pub(crate) struct Ctx<'a> {
    pub inner: &'a Inner,
    pub rc: &'a RequestContext<RoleServer>,
    pub params: &'a CallToolRequestParams,
    pub lang: Lang,
}

impl Ctx<'_> {
    pub fn args(&self) -> Option<&JsonObject> {
        self.params.arguments.as_ref()
    }

    /// The caller's shop.
    pub async fn shop(&self) -> ToolResult<Shop> {
        self.inner
            .shops
            .shop(self.rc)
            .await
            .map_err(|e| ToolError::NoShop(e.0))
    }

    pub fn now(&self) -> Timestamp {
        self.inner.config.clock.now()
    }

    pub fn tz(&self) -> &TimeZone {
        &self.inner.config.time_zone
    }
}

/// A successful result: a short human summary and the structured content.
pub(crate) fn done(summary: String, structured: &impl Serialize) -> ToolResult<CallToolResponse> {
    let mut value = serde_json::to_value(structured).unwrap_or(Value::Null);
    crate::schema::strip_nulls(&mut value);
    let mut result = CallToolResult::success(vec![ContentBlock::text(summary)]);
    result.structured_content = Some(value);
    Ok(result.into())
}

/// Runs a tool.
pub(crate) async fn dispatch(id: ToolId, ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    match id {
        ToolId::Ping => ping::call(ctx).await,
        ToolId::List(list) => lists::call(list, ctx).await,
        ToolId::Orders => orders::list_orders(ctx).await,
        ToolId::OrderDetail => orders::order_detail(ctx).await,
        ToolId::Pending => orders::pending(ctx).await,
        ToolId::SaleCreate => sales::call(ctx).await,
        ToolId::Catalog(op) => catalog::call(op, ctx).await,
        ToolId::Summary => summary::call(ctx).await,
        ToolId::Report => report::call(ctx).await,
    }
}
