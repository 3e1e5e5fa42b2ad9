//! Pages: limits and offsets, the field projection, and the character budget that keeps every
//! page within what a conversation can hold (with an explicit notice, never a silent cut).
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::{ToolError, ToolResult};
use crate::i18n::Lang;
use crate::schema::Prop;
use crate::{t, tr};

/// Default page size.
pub const DEFAULT_LIMIT: usize = 50;

/// Largest page.
pub const MAX_LIMIT: usize = 500;

/// The paging arguments shared by the lists.
pub(crate) fn paging_props() -> Vec<(&'static str, Prop)> {
    vec![
        (
            "limit",
            Prop::integer(t!("", "")).min(1).max(MAX_LIMIT as u64),
        ),
        ("offset", Prop::integer(t!("", "")).min(0)),
        (
            "fields",
            Prop::array(json!({"type": "string"}), t!("", "")).max_items(50),
        ),
    ]
}

/// `["a","b"]` or `"a,b"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum FieldsArg {
    List(Vec<String>),
    Text(String),
}

impl FieldsArg {
    pub fn names(&self) -> Vec<String> {
        match self {
            Self::List(v) => v
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            Self::Text(s) => s
                .split(',')
                .map(|x| x.trim().to_owned())
                .filter(|x| !x.is_empty())
                .collect(),
        }
    }
}

/// The page a caller asked for: where it starts, how long it may be, and which fields.
#[derive(Debug)]
pub(crate) struct PageRequest {
    pub limit: usize,
    pub offset: usize,
    /// `limit` as given, which sets the character budget.
    asked: Option<u64>,
    fields: Option<Vec<String>>,
}

impl PageRequest {
    /// Checks the caller's `limit` ([`DEFAULT_LIMIT`] when not given), `offset` and `fields`.
    pub fn new(
        lang: Lang,
        limit: Option<u64>,
        offset: Option<u64>,
        fields: Option<&FieldsArg>,
    ) -> ToolResult<Self> {
        let (checked, offset) = page_bounds(lang, limit, offset, DEFAULT_LIMIT)?;
        Ok(Self {
            limit: checked,
            offset,
            asked: limit,
            fields: fields.map(FieldsArg::names),
        })
    }

    /// The page of the `shown` items (from `offset`, at most `limit`, of `total`) with their
    /// text `lines`: projected to `fields`, and cut to the character budget.
    pub fn cut<T: Serialize>(
        &self,
        lang: Lang,
        shown: &[&T],
        mut lines: Vec<String>,
        total: usize,
    ) -> ToolResult<Page> {
        let mut items = project(lang, shown, self.fields.as_deref())?;
        let fit = fitting(&items, &lines, page_budget(self.asked));
        items.truncate(fit);
        lines.truncate(fit);
        let next = self.offset + fit;
        Ok(Page {
            items,
            lines,
            offset: self.offset,
            limit: self.limit,
            next_offset: (next < total).then_some(next),
            notice: (fit < shown.len()).then(|| cut_notice(lang, fit, self.limit, next)),
        })
    }
}

/// A page of a list, cut to fit: its items and their text lines, where it starts, and where
/// to continue.
#[derive(Debug)]
pub(crate) struct Page {
    pub items: Vec<Map<String, Value>>,
    /// The items' text lines, for the summary.
    pub lines: Vec<String>,
    pub offset: usize,
    pub limit: usize,
    pub next_offset: Option<usize>,
    /// Why the page stopped before `limit`, and where to continue.
    pub notice: Option<String>,
}

impl Page {
    /// Adds the page's lines to `summary`, then its notice, or how to get the next page.
    pub fn add_text(&self, lang: Lang, summary: &mut String) {
        page_text(
            lang,
            summary,
            &self.lines,
            self.notice.as_deref(),
            self.next_offset,
        );
    }
}

/// Checks `limit` and `offset`.
pub(crate) fn page_bounds(
    lang: Lang,
    limit: Option<u64>,
    offset: Option<u64>,
    default: usize,
) -> ToolResult<(usize, usize)> {
    let limit = usize::try_from(limit.unwrap_or(default as u64)).unwrap_or(usize::MAX);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`limit` must be between 1 and {}; page with `offset` for more.",
            "`limit` doit être entre 1 et {} ; paginez avec `offset` pour la suite.",
            MAX_LIMIT
        )));
    }
    Ok((
        limit,
        usize::try_from(offset.unwrap_or(0)).unwrap_or(usize::MAX),
    ))
}

/// The characters a page of a list may take (its items' JSON and text lines), so that an
/// answer stays under 16,000 characters; a caller asking for a larger page with `limit` gets
/// up to [`LARGE_PAGE_CHARS`].
pub(crate) const PAGE_CHARS: usize = 14_000;

/// The bound of a page the caller asked to be larger.
pub(crate) const LARGE_PAGE_CHARS: usize = 60_000;

/// The page budget for a `limit` as given.
pub(crate) fn page_budget(limit: Option<u64>) -> usize {
    if limit.is_some_and(|l| l > DEFAULT_LIMIT as u64) {
        LARGE_PAGE_CHARS
    } else {
        PAGE_CHARS
    }
}

/// How many of a page's items fit in `budget` characters (each item's JSON and its text
/// line); at least one.
pub(crate) fn fitting(items: &[Map<String, Value>], lines: &[String], budget: usize) -> usize {
    let mut used = 0usize;
    for (i, (item, line)) in items.iter().zip(lines).enumerate() {
        let cost =
            serde_json::to_string(item).map_or(0, |s| s.chars().count()) + line.chars().count() + 1;
        if i > 0 && used + cost > budget {
            return i;
        }
        used += cost;
    }
    items.len()
}

/// The notice of a page stopped before its `limit`.
pub(crate) fn cut_notice(lang: Lang, shown: usize, asked: usize, next: usize) -> String {
    tr!(
        lang,
        "This page stops at {} of the {} asked, to keep the answer short; continue with offset={} (or ask fewer `fields`).",
        "Cette page s'arrête à {} sur les {} demandés, pour une réponse courte ; continuez avec offset={} (ou demandez moins de `fields`).",
        shown,
        asked,
        next
    )
}

/// The items as JSON objects, keeping only `fields` (and `id`) when given.
pub(crate) fn project<T: Serialize>(
    lang: Lang,
    items: &[&T],
    fields: Option<&[String]>,
) -> ToolResult<Vec<Map<String, Value>>> {
    let objects: Vec<Map<String, Value>> = items
        .iter()
        .map(|i| match serde_json::to_value(i) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        })
        .collect();
    let Some(fields) = fields.filter(|f| !f.is_empty()) else {
        return Ok(objects);
    };
    let known: BTreeSet<&str> = objects
        .iter()
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    let unknown: Vec<&String> = fields
        .iter()
        .filter(|f| !known.contains(f.as_str()))
        .collect();
    if !unknown.is_empty() && !objects.is_empty() {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Unknown field(s) {} in `fields`; these items have: {}.",
            "Champ(s) inconnu(s) {} dans `fields` ; ces éléments ont : {}.",
            unknown
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", "),
            known.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(objects
        .into_iter()
        .map(|mut m| {
            m.retain(|k, _| k == "id" || fields.iter().any(|f| f == k));
            m
        })
        .collect())
}

/// Adds a page's lines to its summary, then the notice of a cut page, or how to get the next.
pub(crate) fn page_text(
    lang: Lang,
    summary: &mut String,
    lines: &[String],
    notice: Option<&str>,
    next: Option<usize>,
) {
    for line in lines {
        summary.push('\n');
        summary.push_str(line);
    }
    let more = next.map(|n| {
        tr!(
            lang,
            "More: call again with offset={}.",
            "Suite : rappelez avec offset={}.",
            n
        )
    });
    if let Some(n) = notice.map(str::to_owned).or(more) {
        summary.push('\n');
        summary.push_str(&n);
    }
}
