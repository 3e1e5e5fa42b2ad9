//! Managing products (and their stock), departments and customers: create, update, delete.
//!
//! One write flow ([`flow`]) serves the three kinds of record; each kind is a small
//! description ([`Kind`]): its arguments and schema, how its fields are checked and built, and
//! how a change reads. Creates and updates check every referenced id (department, VAT rate,
//! variations, group) like `sale_create`. Updates send only the fields given and report each
//! changed field before and after. Deletes always need the user's confirmation: elicitation
//! when the client supports it, otherwise an explicit `confirm: true`.

mod customer;
mod department;
mod flow;
mod product;

use std::collections::HashMap;
use std::fmt::Write as _;

use kash_api::ids::VatRateId;
use kash_api::lists::ListKind;
use kash_api::writes::{Editable, Record};
use kash_api::{Decimal, KashError};
use rmcp::model::JsonObject;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::{Ctx, Effect, Spec};
use crate::config::Toolset;
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang, Text};
use crate::schema::{self, Prop};
use crate::shop::Shop;
use crate::store::BoxFuture;
use crate::views::Num;
use crate::{t, tr};

/// A kind of record the catalogue tools write: everything the write flow needs to know.
pub(super) trait Kind: Send + Sync + Sized + 'static {
    /// Its id.
    type Id: Copy + PartialEq + Into<u64> + From<u64> + std::fmt::Display + Send + Sync;
    /// The POS record: its fields and scripts.
    type Rec: Editable<Id = Self::Id>;
    /// The POS list the records are read from (before and after a change).
    type List: ListKind;
    /// The tools' arguments (create and update).
    type Args: DeserializeOwned + Send + Sync;

    /// What it is, in the structured output.
    const RECORD: RecordKind;
    /// Its name in the tools' names (`product`).
    const TOOL: &'static str;
    /// Its create, update and delete tools.
    const TOOLS: [&'static str; 3];
    /// The argument holding its id.
    const ID_ARG: &'static str;
    /// The tool that finds its ids.
    const LIST_TOOL: &'static str;
    /// Its nouns.
    const WORDS: Words;
    /// The lists a write to it makes stale.
    const STALE: &'static [&'static str];
    /// The arguments only an update takes (besides the id).
    const UPDATE_ONLY: &'static [&'static str] = &[];
    /// The arguments a creation requires.
    const REQUIRED: &'static [&'static str];
    /// Whether the same update twice leaves the same record (`stockDelta` does not).
    const IDEMPOTENT_UPDATE: bool;
    /// Titles and descriptions of the create, update and delete tools.
    const TEXTS: [(Text, Text); 3];

    /// The properties of the create (or update) schema; the update's start with the id.
    fn props(create: bool) -> Vec<(&'static str, Prop)>;
    /// The old server's argument names and the published ones (`id` is the id's everywhere).
    const RENAMES: &'static [(&'static str, &'static str)];
    /// The id argument.
    fn id(args: &Self::Args) -> Option<Self::Id>;
    /// A listed record's id.
    fn item_id(item: &<Self::List as ListKind>::Item) -> Self::Id;
    /// A listed record's name.
    fn name(item: &<Self::List as ListKind>::Item) -> String;
    /// Checks the arguments against the shop (`before`: the record an update changes) and
    /// builds the fields to send.
    fn fields<'a>(
        ctx: &'a Ctx<'a>,
        shop: &'a Shop,
        args: &'a Self::Args,
        before: Option<&'a <Self::List as ListKind>::Item>,
    ) -> BoxFuture<'a, ToolResult<<Self::Rec as Record>::Fields>>;
    /// The name of a record about to be created; `None` when what a creation requires is
    /// missing.
    fn new_name(fields: &<Self::Rec as Record>::Fields) -> Option<String>;
    /// What a creation requires, told when it is missing.
    fn requirement(lang: Lang) -> String;
    /// The answer to a creation.
    fn created(
        lang: Lang,
        name: &str,
        id: Option<u64>,
        fields: &<Self::Rec as Record>::Fields,
    ) -> String;
    /// The answer to an update (`changes`: the changes as text).
    fn updated(lang: Lang, name: &str, id: u64, changes: &str) -> String;
    /// The fields that changed.
    fn changes(
        before: &<Self::List as ListKind>::Item,
        after: &<Self::List as ListKind>::Item,
    ) -> Vec<Change>;
    /// A sentence added to an update's answer (the stock before and after a delta).
    fn note(
        lang: Lang,
        args: &Self::Args,
        before: &<Self::List as ListKind>::Item,
        after: Option<&<Self::List as ListKind>::Item>,
    ) -> Option<String> {
        let _ = (lang, args, before, after);
        None
    }
}

/// A kind's nouns: "product" in English; "l'article", "d'article" in French.
#[derive(Debug, Clone, Copy)]
pub(super) struct Words {
    pub en: &'static str,
    /// With its article ("l'article").
    pub fr_the: &'static str,
    /// After a negation ("d'article").
    pub fr_of: &'static str,
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RecordKind {
    Product,
    Department,
    Customer,
}

/// What happened to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Created,
    Updated,
    Deleted,
}

/// A field's value before or after a change: text, a number (money in euros, quantities), a
/// flag, or a list of ids.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum FieldValue {
    Text(String),
    Number(Num),
    Flag(bool),
    Ids(Vec<u64>),
}

impl JsonSchema for FieldValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FieldValue".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"anyOf": [
            {"type": "string"},
            {"type": "number"},
            {"type": "boolean"},
            {"type": "array", "items": {"type": "integer"}}
        ]})
    }
}

impl std::fmt::Display for FieldValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Text(s) => f.write_str(s),
            Self::Number(n) => write!(f, "{}", n.0.normalize()),
            Self::Flag(b) => write!(f, "{b}"),
            Self::Ids(ids) => write!(f, "{ids:?}"),
        }
    }
}

/// A field changed by a write.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Change {
    pub field: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<FieldValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<FieldValue>,
}

/// The result of a creation or a deletion.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WriteOutput {
    pub status: Status,
    pub record: RecordKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    pub name: String,
    pub message: String,
}

/// The result of an update: each changed field before and after.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateOutput {
    pub status: Status,
    pub record: RecordKind,
    pub id: u64,
    pub name: String,
    pub changes: Vec<Change>,
    pub message: String,
}

/// The nine catalogue tools.
pub(crate) fn specs() -> Vec<Spec> {
    let mut v = Vec::new();
    v.extend(kind_specs::<product::Product>());
    v.extend(kind_specs::<department::Department>());
    v.extend(kind_specs::<customer::Customer>());
    v
}

fn kind_specs<K: Kind>() -> [Spec; 3] {
    let [create, update, delete] = K::TEXTS;
    let [create_name, update_name, delete_name] = K::TOOLS;
    let spec = |name, effect, (title, description): (Text, Text)| Spec {
        name,
        toolset: Some(Toolset::Catalog),
        effect,
        title,
        description,
        input: create_input::<K>,
        output: schema::output::<WriteOutput>,
        normalize: normalize::<K>,
        args: create_args::<K>,
        handler: flow::create::<K>,
    };
    [
        spec(create_name, Effect::Additive, create),
        Spec {
            input: update_input::<K>,
            args: crate::args::names::<K::Args>,
            output: schema::output::<UpdateOutput>,
            handler: flow::update::<K>,
            ..spec(
                update_name,
                Effect::Update {
                    idempotent: K::IDEMPOTENT_UPDATE,
                },
                update,
            )
        },
        Spec {
            input: delete_input::<K>,
            handler: flow::delete::<K>,
            args: delete_args::<K>,
            ..spec(delete_name, Effect::Delete, delete)
        },
    ]
}

/// A creation reads every argument of an update but its id and `UPDATE_ONLY`.
fn create_args<K: Kind>() -> Vec<&'static str> {
    crate::args::names::<K::Args>()
        .into_iter()
        .filter(|n| *n != K::ID_ARG && !K::UPDATE_ONLY.contains(n))
        .collect()
}

fn delete_args<K: Kind>() -> Vec<&'static str> {
    vec![K::ID_ARG, "confirm"]
}

fn create_input<K: Kind>(lang: Lang) -> JsonObject {
    schema::input(lang, &K::props(true), K::REQUIRED)
}

fn update_input<K: Kind>(lang: Lang) -> JsonObject {
    schema::input(lang, &K::props(false), &[K::ID_ARG])
}

fn delete_input<K: Kind>(lang: Lang) -> JsonObject {
    schema::input(
        lang,
        &[
            (K::ID_ARG, id_prop("", "")),
            ("confirm", Prop::boolean(t!("", ""))),
        ],
        &[K::ID_ARG],
    )
}

/// The old names mapped to the published ones.
fn normalize<K: Kind>(args: &mut JsonObject) {
    crate::normalize::rename(args, "id", K::ID_ARG);
    crate::normalize::rename_all(args, K::RENAMES);
}

// ---------------------------------------------------------------------------------------
// What the kinds share

/// Highest price accepted, in euros.
pub(super) const MAX_PRICE: u64 = 100_000;
/// Highest stock or threshold accepted.
pub(super) const MAX_STOCK: u64 = 1_000_000;

/// An id property.
pub(super) fn id_prop(en: &'static str, fr: &'static str) -> Prop {
    Prop::integer(t!(en, fr)).min(1)
}

/// A text property of at most `n` characters.
pub(super) fn text_prop(n: usize) -> Prop {
    Prop::string(t!("", "")).max_length(n)
}

/// A change of `field`, when its value changed.
pub(super) fn change(
    field: &'static str,
    before: Option<FieldValue>,
    after: Option<FieldValue>,
) -> Option<Change> {
    (before != after).then_some(Change {
        field,
        before,
        after,
    })
}

/// Text as a field value.
pub(super) fn text(s: &Option<String>) -> Option<FieldValue> {
    s.clone().map(FieldValue::Text)
}

/// A number as a field value.
pub(super) fn num(d: Option<Decimal>) -> Option<FieldValue> {
    d.map(|d| FieldValue::Number(Num(d)))
}

/// A flag as a field value.
pub(super) fn flag(b: Option<bool>) -> Option<FieldValue> {
    b.map(FieldValue::Flag)
}

/// A whole number (a position) as a field value.
pub(super) fn int(n: Option<i64>) -> Option<FieldValue> {
    n.map(|n| FieldValue::Number(Num(Decimal::from(n))))
}

/// An id as a field value.
pub(super) fn id_value(id: Option<impl Into<u64>>) -> Option<FieldValue> {
    id.map(|id| FieldValue::Number(Num(Decimal::from(id.into()))))
}

/// The changes as one line of text.
pub(super) fn describe_changes(lang: Lang, changes: &[Change]) -> String {
    if changes.is_empty() {
        return lang
            .pick("no visible change", "aucun changement visible")
            .to_owned();
    }
    let mut out = String::new();
    for (i, c) in changes.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let show = |v: &Option<FieldValue>| v.as_ref().map_or("—".to_owned(), ToString::to_string);
        let _ = write!(out, "{} {} → {}", c.field, show(&c.before), show(&c.after));
    }
    out
}

/// Checks that VAT rate ids are known (learnt from the lists), when any are known at all.
pub(super) fn check_vat(
    lang: Lang,
    known: &HashMap<u64, Decimal>,
    ids: &[Option<VatRateId>],
) -> ToolResult<()> {
    if known.is_empty() {
        return Ok(());
    }
    for id in ids.iter().flatten() {
        if !known.contains_key(&id.0) {
            let mut list: Vec<String> = known
                .iter()
                .map(|(k, r)| format!("{k} = {}", i18n::percent(lang, *r)))
                .collect();
            list.sort();
            return Err(ToolError::Invalid(tr!(
                lang,
                "Unknown VAT rate id {}; the shop's rates: {}.",
                "Taux de TVA {} inconnu ; les taux de la boutique : {}.",
                id,
                list.join(", ")
            )));
        }
    }
    Ok(())
}

/// A title, when given, is one non-empty line.
pub(super) fn check_title(lang: Lang, title: &Option<String>) -> ToolResult<()> {
    if let Some(t) = title {
        if t.trim().is_empty() {
            return Err(ToolError::Invalid(tr!(
                lang,
                "`title` cannot be empty.",
                "`title` ne peut pas être vide."
            )));
        }
        if t.chars().any(char::is_control) {
            return Err(ToolError::Invalid(tr!(
                lang,
                "`title` contains a line break; keep it on one line.",
                "`title` contient un retour à la ligne ; gardez-le sur une ligne."
            )));
        }
    }
    Ok(())
}

/// Checks that `id` is one of `items`' ids (`key` reads an item's id and title); otherwise
/// "There is no department 9; the shop has: Boissons (#1), …" (`what`: "department",
/// "de rayon").
pub(super) fn check_ref<T, Id: Copy + PartialEq + std::fmt::Display>(
    lang: Lang,
    what: (&str, &str),
    id: Id,
    items: &[T],
    key: impl Fn(&T) -> (Id, &Option<String>),
) -> ToolResult<()> {
    if items.iter().any(|x| key(x).0 == id) {
        return Ok(());
    }
    let list = items
        .iter()
        .map(|x| {
            let (id, title) = key(x);
            format!("{} (#{id})", title.as_deref().unwrap_or_default())
        })
        .collect::<Vec<_>>()
        .join(", ");
    Err(ToolError::Invalid(tr!(
        lang,
        "There is no {} {}; the shop has: {}.",
        "Il n'y a pas {} {} ; la boutique a : {}.",
        lang.pick(what.0, what.1),
        id,
        list
    )))
}

/// An SDK error, kept as the cause.
pub(super) fn up(lang: Lang) -> impl Fn(KashError) -> ToolError {
    move |e| ToolError::from_kash(lang, e)
}

/// The JSON of a delete's target, for the confirmation's digest.
pub(super) fn target(id: u64) -> serde_json::Value {
    json!({ "id": id })
}
