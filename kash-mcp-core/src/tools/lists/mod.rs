//! The `data_list_*` tools: the shop's lists, searchable and paged in JSON, or the POS's own
//! CSV/HTML export, bounded with an explicit notice. Nothing is ever cut silently.

use kash_api::customers::Customers;
use kash_api::departments::{DepartmentGroups, Departments};
use kash_api::lists::{ListKind, ListText, TextFormat};
use kash_api::payment_modes::PaymentModes;
use kash_api::products::Products;
use kash_api::shop::{
    Cashboxes, DeliveryMen, DeliveryZones, Discounts, RelayPoints, Tables, Users,
};
use kash_api::variations::Variations;
use rmcp::model::{CallToolResponse, JsonObject};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use self::text::text_page;
use super::common::paging::{FieldsArg, LARGE_PAGE_CHARS, PageRequest, page_bounds, paging_props};
use super::{Ctx, Effect, Spec, done};
use crate::config::Toolset;
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang, Noun, Text};
use crate::schema::{self, Prop};
use crate::search::{self, Field};
use crate::store::BoxFuture;
use crate::{normalize, t, tr};

mod kinds;
mod text;

/// Default rows of a CSV/HTML page.
pub const DEFAULT_TEXT_ROWS: usize = 200;

/// How a list is presented to the model.
pub(crate) trait Listed: ListKind {
    const TOOL: &'static str;
    const TITLE: Text;
    const DESCRIPTION: Text;
    /// The noun, for summaries.
    const NOUN: Noun;
    /// What a query is matched against.
    fn search(item: &Self::Item) -> Vec<Field<'_>>;
    /// One line of the text summary.
    fn line(item: &Self::Item, lang: Lang) -> String;
}

/// The list tools' specs.
pub(crate) fn specs() -> Vec<Spec> {
    fn spec<K: Listed>() -> Spec {
        Spec {
            handler: run::<K>,
            name: K::TOOL,
            toolset: Some(Toolset::Lists),
            effect: Effect::Read,
            title: K::TITLE,
            description: K::DESCRIPTION,
            input: list_input,
            output: schema::output::<ListOutput>,
            normalize: normalize_list,
            args: crate::args::names::<ListArgs>,
        }
    }
    vec![
        spec::<Products>(),
        spec::<Departments>(),
        spec::<DepartmentGroups>(),
        spec::<Customers>(),
        spec::<Variations>(),
        spec::<DeliveryMen>(),
        spec::<PaymentModes>(),
        spec::<Cashboxes>(),
        spec::<DeliveryZones>(),
        spec::<RelayPoints>(),
        spec::<Discounts>(),
        spec::<Users>(),
        spec::<Tables>(),
    ]
}

fn list_input(lang: Lang) -> JsonObject {
    let mut props = vec![
        ("query", Prop::string(t!("", "")).max_length(200)),
        ("format", Prop::one_of(&["json", "csv", "html"], t!("", ""))),
    ];
    props.extend(paging_props());
    schema::input(lang, &props, &[])
}

/// The lists' old argument forms.
fn normalize_list(a: &mut JsonObject) {
    normalize::map_value(a, "format", normalize::one_of(&["json", "csv", "html"]));
}

/// Structured output of a list tool.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListOutput {
    pub format: Format,
    /// The page of items (json).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Map<String, Value>>>,
    /// How many items match (json) or data rows exist (csv/html).
    pub total: usize,
    /// Items or rows skipped.
    pub offset: usize,
    /// Page size.
    pub limit: usize,
    /// The offset of the next page, or null at the end.
    pub next_offset: Option<usize>,
    /// The search text, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Data rows in this page (csv/html).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
    /// Whether the text was cut (csv/html); `notice` then says how to get the rest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated: Option<bool>,
    /// What was left out and how to get it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// How a list is given: JSON items, or the POS's own CSV or HTML export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Format {
    #[default]
    Json,
    Csv,
    Html,
}

#[serde_as]
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct ListArgs {
    format: Format,
    query: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    limit: Option<u64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    offset: Option<u64>,
    fields: Option<FieldsArg>,
}

/// The handler of the list of `K`.
fn run<'a, K: Listed>(ctx: &'a Ctx<'a>) -> BoxFuture<'a, ToolResult<CallToolResponse>> {
    Box::pin(call_list::<K>(ctx))
}

async fn call_list<K: Listed>(ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: ListArgs = crate::args::parse(lang, ctx.args())?;
    let shop = ctx.shop()?;
    if args.format != Format::Json {
        if args.query.is_some() || args.fields.is_some() {
            return Err(ToolError::Invalid(tr!(
                lang,
                "`query` and `fields` work with format=json only.",
                "`query` et `fields` ne fonctionnent qu'avec format=json."
            )));
        }
        let (limit, offset) = page_bounds(lang, args.limit, args.offset, DEFAULT_TEXT_ROWS)?;
        let format = if args.format == Format::Csv {
            TextFormat::Csv
        } else {
            TextFormat::Html
        };
        let text = shop
            .client
            .send(&ListText::<K>::new(format))
            .await
            .map_err(|e| ToolError::from_kash(lang, e))?;
        let budget = if args.limit.is_some_and(|l| l > DEFAULT_TEXT_ROWS as u64) {
            LARGE_PAGE_CHARS
        } else {
            ctx.shared.config.max_text_chars
        };
        return text_page(ctx, format, &text, limit, offset, budget);
    }
    let request = PageRequest::new(lang, args.limit, args.offset, args.fields.as_ref())?;
    let items = ctx
        .shared
        .lists
        .list::<K>(&shop)
        .await
        .map_err(|e| ToolError::from_kash(lang, e))?;
    let query = args
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty());
    let matched: Vec<&K::Item> = match query {
        None => items.iter().collect(),
        Some(q) => {
            let mut scored: Vec<(u32, usize, &K::Item)> = items
                .iter()
                .enumerate()
                .map(|(i, item)| (search::score(q, &K::search(item)), i, item))
                .filter(|(s, _, _)| *s > 0)
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().map(|(_, _, item)| item).collect()
        }
    };
    let total = matched.len();
    let shown: Vec<&K::Item> = matched
        .iter()
        .skip(request.offset)
        .take(request.limit)
        .copied()
        .collect();
    let lines = shown.iter().map(|i| K::line(i, lang)).collect();
    let page = request.cut(lang, &shown, lines, total)?;
    let mut summary = page_summary(lang, K::NOUN, total, page.offset, page.items.len(), query);
    page.add_text(lang, &mut summary);
    if total == 0
        && let Some(q) = query
    {
        summary = tr!(
            lang,
            "No {} match \"{}\". Try a shorter or different word, or list without `query`.",
            "Aucun des {} ne correspond à « {} ». Essayez un mot plus court ou différent, ou listez sans `query`.",
            i18n::noun_for(lang, 2, K::NOUN),
            q
        );
    }
    done(
        summary,
        &ListOutput {
            format: Format::Json,
            items: Some(page.items),
            total,
            offset: page.offset,
            limit: page.limit,
            next_offset: page.next_offset,
            query: query.map(str::to_owned),
            rows: None,
            truncated: page.notice.as_ref().map(|_| true),
            notice: page.notice,
        },
    )
}

/// "4 products match "crois" (1–4):" / "113 products (1–50):".
pub(crate) fn page_summary(
    lang: Lang,
    noun: Noun,
    total: usize,
    offset: usize,
    shown: usize,
    query: Option<&str>,
) -> String {
    let range = if shown == 0 {
        String::new()
    } else {
        format!(" ({}–{})", offset + 1, offset + shown)
    };
    match query {
        Some(q) if total == 1 => tr!(
            lang,
            "1 {} matches \"{}\"{}:",
            "1 {} correspond à « {} »{} :",
            i18n::noun_for(lang, 1, noun),
            q,
            range
        ),
        Some(q) => tr!(
            lang,
            "{} match \"{}\"{}:",
            "{} correspondent à « {} »{} :",
            i18n::counted(lang, total, noun),
            q,
            range
        ),
        None => format!(
            "{}{}{}",
            i18n::counted(lang, total, noun),
            range,
            lang.pick(":", " :")
        ),
    }
}
