//! Managing products (and their stock), departments and customers: create, update, delete.
//!
//! Creates and updates check every referenced id (department, VAT rate, variations, group) like
//! `sale_create`. Updates send only the fields given and report each changed field before and
//! after. `stockDelta` is a relative change ("24 more croissants arrived"): read, then write,
//! with the stock before and after in the answer. Deletes always need the user's confirmation:
//! elicitation when the client supports it, otherwise an explicit `confirm: true`.

use std::sync::Arc;

use kash_api::customers::{Customer, CustomerFields, Customers};
use kash_api::departments::{Department, DepartmentFields, DepartmentGroups, Departments};
use kash_api::ids::*;
use kash_api::lists::ListKind;
use kash_api::products::{Product, ProductFields, Products};
use kash_api::variations::Variations;
use kash_api::{Decimal, KashError};
use rmcp::model::{CallToolResponse, JsonObject};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use serde_with::serde_as;

use super::{Ctx, Effect, Spec, ToolId, done};
use crate::config::Toolset;
use crate::confirm::{self, Confirmation};
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang, Text};
use crate::normalize;
use crate::schema::{self, Prop};
use crate::{t, tr};

/// The catalogue tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CatalogOp {
    ProductCreate,
    ProductUpdate,
    ProductDelete,
    DepartmentCreate,
    DepartmentUpdate,
    DepartmentDelete,
    ClientCreate,
    ClientUpdate,
    ClientDelete,
}

fn spec(
    op: CatalogOp,
    name: &'static str,
    effect: Effect,
    title: Text,
    description: Text,
    input: fn(Lang) -> JsonObject,
    normalize: fn(&mut JsonObject),
) -> Spec {
    Spec {
        id: ToolId::Catalog(op),
        name,
        toolset: Some(Toolset::Catalog),
        effect,
        title,
        description,
        input,
        output: schema::output::<WriteOutput>,
        normalize,
    }
}

pub(crate) fn specs() -> Vec<Spec> {
    use CatalogOp::*;
    vec![
        spec(
            ProductCreate,
            "product_create",
            Effect::Additive,
            t!("Create a product", "Créer un article"),
            t!(
                "Create a catalogue article; returns its id. Without vatId the department's VAT applies.",
                "Crée un article du catalogue ; renvoie son identifiant. Sans vatId, la TVA du rayon s'applique."
            ),
            product_create_input,
            normalize_product,
        ),
        spec(
            ProductUpdate,
            "product_update",
            Effect::Update { idempotent: false },
            t!(
                "Update a product or its stock",
                "Modifier un article ou son stock"
            ),
            t!(
                "Change only the given fields of a product; reports each before and after. \"Stock to 40\": stock=40; \"24 more arrived\": stockDelta=24.",
                "Modifie seulement les champs donnés d'un article ; rapporte chacun avant et après. « Stock à 40 » : stock=40 ; « 24 de plus » : stockDelta=24."
            ),
            product_update_input,
            normalize_product,
        ),
        spec(
            ProductDelete,
            "product_delete",
            Effect::Delete,
            t!("Delete a product", "Supprimer un article"),
            t!(
                "Delete a product, once the user confirms (asked by the client, or confirm=true after they agreed).",
                "Supprime un article, une fois confirmé par l'utilisateur (demandé par le client, ou confirm=true après son accord)."
            ),
            product_delete_input,
            |a| normalize::rename(a, "id", "productId"),
        ),
        spec(
            DepartmentCreate,
            "department_create",
            Effect::Additive,
            t!("Create a department", "Créer un rayon"),
            t!(
                "Create a department (product category); returns its id.",
                "Crée un rayon (catégorie d'articles) ; renvoie son identifiant."
            ),
            department_create_input,
            normalize_department,
        ),
        spec(
            DepartmentUpdate,
            "department_update",
            Effect::Update { idempotent: true },
            t!("Update a department", "Modifier un rayon"),
            t!(
                "Change only the given fields of a department; reports each before and after.",
                "Modifie seulement les champs donnés d'un rayon ; rapporte chacun avant et après."
            ),
            department_update_input,
            normalize_department,
        ),
        spec(
            DepartmentDelete,
            "department_delete",
            Effect::Delete,
            t!("Delete a department", "Supprimer un rayon"),
            t!(
                "Delete a department no product uses, once the user confirms (as for product_delete).",
                "Supprime un rayon qu'aucun article n'utilise, une fois confirmé (comme product_delete)."
            ),
            department_delete_input,
            |a| normalize::rename(a, "id", "departmentId"),
        ),
        spec(
            ClientCreate,
            "client_create",
            Effect::Additive,
            t!("Create a customer", "Créer un client"),
            t!(
                "Create a customer (a name at least); returns the id for sale_create's idClient. Check data_list_clients first.",
                "Crée un client (un nom au moins) ; renvoie l'identifiant pour idClient de sale_create. Vérifiez d'abord data_list_clients."
            ),
            client_create_input,
            normalize_client,
        ),
        spec(
            ClientUpdate,
            "client_update",
            Effect::Update { idempotent: true },
            t!("Update a customer", "Modifier un client"),
            t!(
                "Change only the given fields of a customer; reports each before and after.",
                "Modifie seulement les champs donnés d'un client ; rapporte chacun avant et après."
            ),
            client_update_input,
            normalize_client,
        ),
        spec(
            ClientDelete,
            "client_delete",
            Effect::Delete,
            t!("Delete a customer", "Supprimer un client"),
            t!(
                "Delete a customer, once the user confirms (as for product_delete).",
                "Supprime un client, une fois confirmé (comme product_delete)."
            ),
            client_delete_input,
            |a| {
                for old in ["id", "idClient", "customerId"] {
                    normalize::rename(a, old, "clientId");
                }
            },
        ),
    ]
}

fn normalize_product(a: &mut JsonObject) {
    for (old, new) in [
        ("id", "productId"),
        ("deptID", "departmentId"),
        ("deptId", "departmentId"),
        ("vatID", "vatId"),
        ("eatinvatID", "eatInVatId"),
        ("sku", "internalId"),
    ] {
        normalize::rename(a, old, new);
    }
}

fn normalize_department(a: &mut JsonObject) {
    for (old, new) in [
        ("id", "departmentId"),
        ("vatID", "vatId"),
        ("eatinvatID", "eatInVatId"),
        ("deptGroupID", "groupId"),
    ] {
        normalize::rename(a, old, new);
    }
}

fn normalize_client(a: &mut JsonObject) {
    for (old, new) in [
        ("id", "clientId"),
        ("idClient", "clientId"),
        ("customerId", "clientId"),
        ("lastName", "lastname"),
        ("firstName", "firstname"),
        ("postcode", "zip"),
    ] {
        normalize::rename(a, old, new);
    }
}

// ---------------------------------------------------------------------------------------
// Schemas

/// Highest price accepted, in euros.
const MAX_PRICE: u64 = 100_000;
/// Highest stock or threshold accepted.
const MAX_STOCK: u64 = 1_000_000;

fn id(en: &'static str, fr: &'static str) -> Prop {
    Prop::integer(t!(en, fr)).min(1)
}

fn text(n: usize) -> Prop {
    Prop::string(t!("", "")).max_length(n)
}

fn product_props(create: bool) -> Vec<(&'static str, Prop)> {
    let flag = |en, fr| Prop::boolean(t!(en, fr));
    let mut v = vec![
        ("title", text(200)),
        (
            "price",
            Prop::number(t!("€ incl. VAT.", "€ TTC."))
                .min(0)
                .max(MAX_PRICE),
        ),
        ("departmentId", id("", "")),
        ("vatId", id("VAT rate id.", "Identifiant de taux de TVA.")),
        (
            "eatInVatId",
            id("Eat-in VAT rate id.", "Taux de TVA sur place."),
        ),
        ("shortTitle", text(40)),
        ("description", text(1000)),
        (
            "buyingPrice",
            Prop::number(t!("", "")).min(0).max(MAX_PRICE),
        ),
        ("barcode", text(64)),
        (
            "stock",
            Prop::number(t!("Absolute.", "Valeur absolue."))
                .min(-(MAX_STOCK as i64))
                .max(MAX_STOCK),
        ),
        (
            "stockAlert",
            Prop::number(t!("Low-stock threshold.", "Seuil d'alerte."))
                .min(0)
                .max(MAX_STOCK),
        ),
        (
            "variations",
            Prop::array(
                json!({"type": "integer", "minimum": 1}),
                t!(
                    "Variation ids; replaces the list.",
                    "Déclinaisons ; remplace la liste."
                ),
            )
            .max_items(5),
        ),
        ("internalId", text(64)),
        ("position", Prop::integer(t!("", "")).min(0).max(99_999)),
        ("keyboardHidden", flag("", "")),
        ("shopHidden", flag("Hidden online.", "Masqué en ligne.")),
        ("needsPreparation", flag("", "")),
    ];
    if !create {
        v.insert(0, ("productId", id("", "")));
        v.push((
            "stockDelta",
            Prop::number(t!("+24 arrived, -3 thrown away.", "+24 arrivés, -3 jetés."))
                .min(-(MAX_STOCK as i64))
                .max(MAX_STOCK),
        ));
    }
    v
}

fn product_create_input(lang: Lang) -> JsonObject {
    schema::input(
        lang,
        &product_props(true),
        &["title", "price", "departmentId"],
    )
}

fn product_update_input(lang: Lang) -> JsonObject {
    schema::input(lang, &product_props(false), &["productId"])
}

fn confirm_prop() -> Prop {
    Prop::boolean(t!("", ""))
}

fn delete_input(lang: Lang, key: &'static str) -> JsonObject {
    schema::input(
        lang,
        &[(key, id("", "")), ("confirm", confirm_prop())],
        &[key],
    )
}

fn product_delete_input(lang: Lang) -> JsonObject {
    delete_input(lang, "productId")
}

fn department_props(create: bool) -> Vec<(&'static str, Prop)> {
    let mut v = vec![
        ("title", text(200)),
        ("shortTitle", text(40)),
        ("vatId", id("VAT rate id.", "Identifiant de taux de TVA.")),
        (
            "eatInVatId",
            id("Eat-in VAT rate id.", "Taux de TVA sur place."),
        ),
        ("groupId", id("Department group id.", "Groupe de rayons.")),
        (
            "price",
            Prop::number(t!("Default line price.", "Prix de ligne par défaut."))
                .min(0)
                .max(MAX_PRICE),
        ),
        ("position", Prop::integer(t!("", "")).min(0).max(99_999)),
        ("keyboardHidden", Prop::boolean(t!("", ""))),
    ];
    if !create {
        v.insert(0, ("departmentId", id("", "")));
    }
    v
}

fn department_create_input(lang: Lang) -> JsonObject {
    schema::input(lang, &department_props(true), &["title"])
}

fn department_update_input(lang: Lang) -> JsonObject {
    schema::input(lang, &department_props(false), &["departmentId"])
}

fn department_delete_input(lang: Lang) -> JsonObject {
    delete_input(lang, "departmentId")
}

fn client_props(create: bool) -> Vec<(&'static str, Prop)> {
    let mut v = vec![
        (
            "honorific",
            Prop::string(t!("M., Mme…", "M., Mme…")).max_length(20),
        ),
        ("lastname", text(100)),
        ("firstname", text(100)),
        ("email", text(200).format("email")),
        ("phone", text(40)),
        ("phone2", text(40)),
        ("address", text(200)),
        ("address2", text(200)),
        (
            "addressComment",
            Prop::string(t!("Door code, floor.", "Digicode, étage.")).max_length(200),
        ),
        ("zip", text(20)),
        ("city", text(100)),
        (
            "country",
            Prop::string(t!("ISO code, e.g. FR.", "Code ISO, ex. FR.")).pattern("^[A-Za-z]{2}$"),
        ),
        ("vatNumber", text(40)),
        ("companyRegistration", text(40)),
        ("barcode", text(64)),
        ("birthDate", text(10).format("date")),
        ("privateComment", text(500)),
        ("publicComment", text(500)),
        ("blacklist", Prop::boolean(t!("", ""))),
    ];
    if !create {
        v.insert(0, ("clientId", id("", "")));
    }
    v
}

fn client_create_input(lang: Lang) -> JsonObject {
    schema::input(lang, &client_props(true), &[])
}

fn client_update_input(lang: Lang) -> JsonObject {
    schema::input(lang, &client_props(false), &["clientId"])
}

fn client_delete_input(lang: Lang) -> JsonObject {
    delete_input(lang, "clientId")
}

// ---------------------------------------------------------------------------------------
// Output

/// A field changed by a write.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Change {
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// The result of a catalogue write.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WriteOutput {
    /// `created`, `updated` or `deleted`.
    pub status: String,
    /// `product`, `department` or `customer`.
    pub record: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    pub message: String,
}

// ---------------------------------------------------------------------------------------
// Arguments

#[serde_as]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ProductArgs {
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "id")]
    product_id: Option<ProductId>,
    #[serde(default)]
    title: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    price: Option<Decimal>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "deptID", alias = "deptId")]
    department_id: Option<DepartmentId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "vatID")]
    vat_id: Option<VatRateId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "eatinvatID")]
    eat_in_vat_id: Option<VatRateId>,
    #[serde(default)]
    short_title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    buying_price: Option<Decimal>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    barcode: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    stock: Option<Decimal>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    stock_alert: Option<Decimal>,
    #[serde_as(as = "Option<kash_api::de::LenientList>")]
    #[serde(default)]
    variations: Option<Vec<VariationId>>,
    #[serde(default, alias = "sku")]
    internal_id: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    position: Option<i64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    keyboard_hidden: Option<bool>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    shop_hidden: Option<bool>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    needs_preparation: Option<bool>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    stock_delta: Option<Decimal>,
}

#[serde_as]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DepartmentArgs {
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "id")]
    department_id: Option<DepartmentId>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    short_title: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "vatID")]
    vat_id: Option<VatRateId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "eatinvatID")]
    eat_in_vat_id: Option<VatRateId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "deptGroupID")]
    group_id: Option<DepartmentGroupId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    price: Option<Decimal>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    position: Option<i64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    keyboard_hidden: Option<bool>,
}

#[serde_as]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ClientArgs {
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "id", alias = "idClient", alias = "customerId")]
    client_id: Option<CustomerId>,
    #[serde(default)]
    honorific: Option<String>,
    #[serde(default, alias = "lastName")]
    lastname: Option<String>,
    #[serde(default, alias = "firstName")]
    firstname: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    phone: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    phone2: Option<String>,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    address2: Option<String>,
    #[serde(default)]
    address_comment: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "postcode")]
    zip: Option<String>,
    #[serde(default)]
    city: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    vat_number: Option<String>,
    #[serde(default)]
    company_registration: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    barcode: Option<String>,
    #[serde(default)]
    birth_date: Option<String>,
    #[serde(default)]
    private_comment: Option<String>,
    #[serde(default)]
    public_comment: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    blacklist: Option<bool>,
}

#[serde_as]
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DeleteArgs {
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(
        default,
        alias = "id",
        alias = "productId",
        alias = "departmentId",
        alias = "clientId",
        alias = "idClient"
    )]
    target: Option<u64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    confirm: Option<bool>,
}

// ---------------------------------------------------------------------------------------
// Handlers

pub(crate) async fn call(op: CatalogOp, ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    use CatalogOp::*;
    match op {
        ProductCreate => product_write(ctx, true).await,
        ProductUpdate => product_write(ctx, false).await,
        DepartmentCreate => department_write(ctx, true).await,
        DepartmentUpdate => department_write(ctx, false).await,
        ClientCreate => client_write(ctx, true).await,
        ClientUpdate => client_write(ctx, false).await,
        ProductDelete | DepartmentDelete | ClientDelete => delete(op, ctx).await,
    }
}

fn up(lang: Lang) -> impl Fn(KashError) -> ToolError {
    move |e| ToolError::upstream(lang, &e)
}

fn dec(d: Option<Decimal>) -> Option<String> {
    d.map(|x| x.normalize().to_string())
}

fn change(field: &str, before: Option<String>, after: Option<String>) -> Option<Change> {
    (before != after).then(|| Change {
        field: field.to_owned(),
        before,
        after,
    })
}

fn describe_changes(lang: Lang, changes: &[Change]) -> String {
    if changes.is_empty() {
        return lang
            .pick("no visible change", "aucun changement visible")
            .to_owned();
    }
    changes
        .iter()
        .map(|c| {
            format!(
                "{} {} → {}",
                c.field,
                c.before.clone().unwrap_or_else(|| "—".into()),
                c.after.clone().unwrap_or_else(|| "—".into())
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks that VAT rate ids are known (learnt from the lists), when any are known at all.
fn check_vat(
    lang: Lang,
    known: &std::collections::HashMap<u64, Decimal>,
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

fn check_title(lang: Lang, title: &Option<String>) -> ToolResult<()> {
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

async fn product_write(ctx: &Ctx<'_>, create: bool) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: ProductArgs = crate::args::parse(lang, ctx.args())?;
    let shop = ctx.shop().await?;
    let cache = &ctx.inner.catalog;
    check_title(lang, &args.title)?;
    for (name, v) in [
        ("price", args.price),
        ("buyingPrice", args.buying_price),
        ("stockAlert", args.stock_alert),
    ] {
        if v.is_some_and(|x| x.is_sign_negative() && !x.is_zero()) {
            return Err(ToolError::Invalid(tr!(
                lang,
                "`{}` cannot be negative.",
                "`{}` ne peut pas être négatif.",
                name
            )));
        }
    }
    let (products, departments, variations) = tokio::try_join!(
        async {
            if create {
                cache.list::<Products>(&shop).await
            } else {
                // Fresh: the stock before a change must be the POS's current one.
                cache.fresh::<Products>(&shop).await
            }
        },
        cache.list::<Departments>(&shop),
        cache.list::<Variations>(&shop),
    )
    .map_err(up(lang))?;
    let vat_known = crate::catalog::vat_rates(&products, &departments);
    check_vat(lang, &vat_known, &[args.vat_id, args.eat_in_vat_id])?;
    if let Some(d) = args.department_id
        && !departments.iter().any(|x| x.id == d)
    {
        return Err(ToolError::Invalid(tr!(
            lang,
            "There is no department {}. Departments: {}.",
            "Il n'y a pas de rayon {}. Rayons : {}.",
            d,
            departments
                .iter()
                .map(|x| format!("{} (#{})", x.title.clone().unwrap_or_default(), x.id))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if let Some(vs) = &args.variations {
        if vs.len() > 5 {
            return Err(ToolError::Invalid(tr!(
                lang,
                "At most 5 variations.",
                "5 déclinaisons au plus."
            )));
        }
        for v in vs {
            if !variations.iter().any(|x| x.id == *v) {
                return Err(ToolError::Invalid(tr!(
                    lang,
                    "There is no variation {}. Variations: {}.",
                    "Il n'y a pas de déclinaison {}. Déclinaisons : {}.",
                    v,
                    variations
                        .iter()
                        .map(|x| format!("{} (#{})", x.title.clone().unwrap_or_default(), x.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
    }
    let mut fields = ProductFields::new();
    fields.title = args.title.clone().map(|t| t.trim().to_owned());
    fields.short_title = args.short_title.clone();
    fields.description = args.description.clone();
    fields.price = args.price;
    fields.buying_price = args.buying_price;
    fields.department = args.department_id;
    fields.vat = args.vat_id;
    fields.eat_in_vat = args.eat_in_vat_id;
    fields.barcode = args.barcode.clone();
    fields.stock = args.stock;
    fields.stock_alert = args.stock_alert;
    fields.variations = args.variations.clone();
    fields.internal_id = args.internal_id.clone();
    fields.position = args.position;
    fields.keyboard_hidden = args.keyboard_hidden;
    fields.shop_hidden = args.shop_hidden;
    fields.needs_preparation = args.needs_preparation;
    let script = Products::SCRIPT;

    if create {
        if args.product_id.is_some() || args.stock_delta.is_some() {
            return Err(ToolError::Invalid(tr!(
                lang,
                "product_create takes no productId or stockDelta; to change a product use product_update.",
                "product_create ne prend ni productId ni stockDelta ; pour modifier un article, utilisez product_update."
            )));
        }
        let (Some(title), Some(_), Some(_)) = (&fields.title, fields.price, fields.department)
        else {
            return Err(ToolError::Invalid(tr!(
                lang,
                "A new product needs `title`, `price` (euros, VAT included) and `departmentId`.",
                "Un nouvel article demande `title`, `price` (euros TTC) et `departmentId`."
            )));
        };
        if let Some(same) = products.iter().find(|p| {
            crate::search::normalize(p.title.as_deref().unwrap_or(""))
                == crate::search::normalize(title)
        }) {
            tracing::debug!(existing = %same.id, "creating a product with an existing title");
        }
        let created = shop
            .client
            .create_product(fields.clone())
            .await
            .map_err(up(lang))?;
        cache.invalidate(&shop.tenant, &[script]);
        let message = tr!(
            lang,
            "Created product {}{}: {} at {}.",
            "Article {}{} créé : {} à {}.",
            title,
            created.id.map(|i| format!(" (#{i})")).unwrap_or_default(),
            title,
            fields
                .price
                .map(|p| i18n::money(lang, p))
                .unwrap_or_default()
        );
        return done(
            message.clone(),
            &WriteOutput {
                status: "created".into(),
                record: "product".into(),
                id: created.id.map(|i| i.0),
                name: title.clone(),
                changes: Vec::new(),
                message,
            },
        );
    }

    let Some(id) = args.product_id else {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`productId` is required (data_list_products).",
            "`productId` est obligatoire (data_list_products)."
        )));
    };
    let before = find_product(lang, &products, id)?;
    if args.stock.is_some() && args.stock_delta.is_some() {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Give `stock` (absolute) or `stockDelta` (relative), not both.",
            "Donnez `stock` (absolu) ou `stockDelta` (relatif), pas les deux."
        )));
    }
    if let Some(delta) = args.stock_delta {
        let Some(current) = before.stock else {
            return Err(ToolError::Invalid(tr!(
                lang,
                "The stock of {} is not tracked yet; set it with `stock` first.",
                "Le stock de {} n'est pas encore suivi ; fixez-le d'abord avec `stock`.",
                before.title.clone().unwrap_or_default()
            )));
        };
        fields.stock = Some(current + delta);
    }
    if kash_api::writes::FieldSet::is_empty(&fields) {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Nothing to change: give at least one field besides productId.",
            "Rien à modifier : donnez au moins un champ en plus de productId."
        )));
    }
    shop.client
        .update_product(id, fields)
        .await
        .map_err(up(lang))?;
    cache.invalidate(&shop.tenant, &[script]);
    let after_list = cache.fresh::<Products>(&shop).await.map_err(up(lang))?;
    let after = after_list.iter().find(|p| p.id == id);
    let changes = product_changes(before, after);
    let name = before.title.clone().unwrap_or_else(|| format!("#{id}"));
    let mut message = tr!(
        lang,
        "Updated {} (#{}): {}.",
        "{} (#{}) modifié : {}.",
        name,
        id,
        describe_changes(lang, &changes)
    );
    if let (Some(delta), Some(b)) = (args.stock_delta, before.stock) {
        message.push_str(&tr!(
            lang,
            " Stock was {}, {}{} → now {}.",
            " Le stock était de {}, {}{} → maintenant {}.",
            i18n::quantity(lang, b),
            if delta.is_sign_negative() { "" } else { "+" },
            i18n::quantity(lang, delta),
            after
                .and_then(|p| p.stock)
                .map(|s| i18n::quantity(lang, s))
                .unwrap_or_else(|| "?".into())
        ));
    }
    done(
        message.clone(),
        &WriteOutput {
            status: "updated".into(),
            record: "product".into(),
            id: Some(id.0),
            name,
            changes,
            message,
        },
    )
}

fn find_product(lang: Lang, products: &[Product], id: ProductId) -> ToolResult<&Product> {
    products.iter().find(|p| p.id == id).ok_or_else(|| {
        ToolError::Invalid(tr!(
            lang,
            "There is no product {}. Find it with data_list_products (query).",
            "Il n'y a pas d'article {}. Trouvez-le avec data_list_products (query).",
            id
        ))
    })
}

fn product_changes(before: &Product, after: Option<&Product>) -> Vec<Change> {
    let Some(a) = after else {
        return Vec::new();
    };
    [
        change("title", before.title.clone(), a.title.clone()),
        change("price", dec(before.price), dec(a.price)),
        change("stock", dec(before.stock), dec(a.stock)),
        change("stockAlert", dec(before.stock_alert), dec(a.stock_alert)),
        change(
            "departmentId",
            before.department_id.map(|d| d.to_string()),
            a.department_id.map(|d| d.to_string()),
        ),
        change("vatRate", dec(before.vat_rate), dec(a.vat_rate)),
        change("barcode", before.barcode.clone(), a.barcode.clone()),
        change(
            "shortTitle",
            before.short_title.clone(),
            a.short_title.clone(),
        ),
        change("buyingPrice", dec(before.buying_price), dec(a.buying_price)),
        change(
            "variations",
            Some(format!(
                "{:?}",
                before.variation_ids.iter().map(|v| v.0).collect::<Vec<_>>()
            )),
            Some(format!(
                "{:?}",
                a.variation_ids.iter().map(|v| v.0).collect::<Vec<_>>()
            )),
        ),
        change(
            "internalId",
            before.internal_id.clone(),
            a.internal_id.clone(),
        ),
        change(
            "keyboardHidden",
            before.keyboard_hidden.map(|b| b.to_string()),
            a.keyboard_hidden.map(|b| b.to_string()),
        ),
        change(
            "shopHidden",
            before.shop_hidden.map(|b| b.to_string()),
            a.shop_hidden.map(|b| b.to_string()),
        ),
        change(
            "position",
            before.position.map(|b| b.to_string()),
            a.position.map(|b| b.to_string()),
        ),
        change(
            "needsPreparation",
            before.needs_preparation.map(|b| b.to_string()),
            a.needs_preparation.map(|b| b.to_string()),
        ),
        change(
            "description",
            before.description.clone(),
            a.description.clone(),
        ),
        change(
            "vatId",
            before.vat_id.map(|v| v.to_string()),
            a.vat_id.map(|v| v.to_string()),
        ),
        change(
            "eatInVatId",
            before.eat_in_vat_id.map(|v| v.to_string()),
            a.eat_in_vat_id.map(|v| v.to_string()),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

async fn department_write(ctx: &Ctx<'_>, create: bool) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: DepartmentArgs = crate::args::parse(lang, ctx.args())?;
    let shop = ctx.shop().await?;
    let cache = &ctx.inner.catalog;
    check_title(lang, &args.title)?;
    let (products, departments, groups) = tokio::try_join!(
        cache.list::<Products>(&shop),
        cache.fresh::<Departments>(&shop),
        cache.list::<DepartmentGroups>(&shop),
    )
    .map_err(up(lang))?;
    check_vat(
        lang,
        &crate::catalog::vat_rates(&products, &departments),
        &[args.vat_id, args.eat_in_vat_id],
    )?;
    if let Some(g) = args.group_id
        && !groups.iter().any(|x| x.id == g)
    {
        return Err(ToolError::Invalid(tr!(
            lang,
            "There is no department group {}. Groups: {}.",
            "Il n'y a pas de groupe de rayons {}. Groupes : {}.",
            g,
            groups
                .iter()
                .map(|x| format!("{} (#{})", x.title.clone().unwrap_or_default(), x.id))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut fields = DepartmentFields::new();
    fields.title = args.title.clone().map(|t| t.trim().to_owned());
    fields.short_title = args.short_title.clone();
    fields.vat = args.vat_id;
    fields.eat_in_vat = args.eat_in_vat_id;
    fields.group = args.group_id;
    fields.price = args.price;
    fields.position = args.position;
    fields.keyboard_hidden = args.keyboard_hidden;
    let scripts = [Departments::SCRIPT, Products::SCRIPT];
    if create {
        if args.department_id.is_some() {
            return Err(ToolError::Invalid(tr!(
                lang,
                "department_create takes no departmentId; to change one use department_update.",
                "department_create ne prend pas de departmentId ; pour en modifier un, utilisez department_update."
            )));
        }
        let Some(title) = fields.title.clone() else {
            return Err(ToolError::Invalid(tr!(
                lang,
                "A new department needs a `title`.",
                "Un nouveau rayon demande un `title`."
            )));
        };
        let created = shop
            .client
            .create_department(fields)
            .await
            .map_err(up(lang))?;
        cache.invalidate(&shop.tenant, &scripts);
        let message = tr!(
            lang,
            "Created department {}{}.",
            "Rayon {}{} créé.",
            title,
            created.id.map(|i| format!(" (#{i})")).unwrap_or_default()
        );
        return done(
            message.clone(),
            &WriteOutput {
                status: "created".into(),
                record: "department".into(),
                id: created.id.map(|i| i.0),
                name: title,
                changes: Vec::new(),
                message,
            },
        );
    }
    let Some(id) = args.department_id else {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`departmentId` is required (data_list_departments).",
            "`departmentId` est obligatoire (data_list_departments)."
        )));
    };
    let before = departments.iter().find(|d| d.id == id).ok_or_else(|| {
        ToolError::Invalid(tr!(
            lang,
            "There is no department {}.",
            "Il n'y a pas de rayon {}.",
            id
        ))
    })?;
    if kash_api::writes::FieldSet::is_empty(&fields) {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Nothing to change: give at least one field besides departmentId.",
            "Rien à modifier : donnez au moins un champ en plus de departmentId."
        )));
    }
    shop.client
        .update_department(id, fields)
        .await
        .map_err(up(lang))?;
    cache.invalidate(&shop.tenant, &scripts);
    let after_list: Arc<Vec<Department>> =
        cache.fresh::<Departments>(&shop).await.map_err(up(lang))?;
    let changes = after_list
        .iter()
        .find(|d| d.id == id)
        .map(|a| {
            [
                change("title", before.title.clone(), a.title.clone()),
                change(
                    "shortTitle",
                    before.short_title.clone(),
                    a.short_title.clone(),
                ),
                change("vatRate", dec(before.vat_rate), dec(a.vat_rate)),
                change(
                    "groupId",
                    before.group_id.map(|g| g.to_string()),
                    a.group_id.map(|g| g.to_string()),
                ),
                change("price", dec(before.price), dec(a.price)),
                change(
                    "position",
                    before.position.map(|p| p.to_string()),
                    a.position.map(|p| p.to_string()),
                ),
                change(
                    "keyboardHidden",
                    before.keyboard_hidden.map(|b| b.to_string()),
                    a.keyboard_hidden.map(|b| b.to_string()),
                ),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<Change>>()
        })
        .unwrap_or_default();
    let name = before.title.clone().unwrap_or_else(|| format!("#{id}"));
    let message = tr!(
        lang,
        "Updated department {} (#{}): {}.",
        "Rayon {} (#{}) modifié : {}.",
        name,
        id,
        describe_changes(lang, &changes)
    );
    done(
        message.clone(),
        &WriteOutput {
            status: "updated".into(),
            record: "department".into(),
            id: Some(id.0),
            name,
            changes,
            message,
        },
    )
}

fn client_fields(lang: Lang, a: &ClientArgs) -> ToolResult<CustomerFields> {
    let mut f = CustomerFields::new();
    f.honorific = a.honorific.clone();
    f.last_name = a.lastname.clone();
    f.first_name = a.firstname.clone();
    f.email = a.email.clone();
    f.phone = a.phone.clone();
    f.phone2 = a.phone2.clone();
    f.address = a.address.clone();
    f.address2 = a.address2.clone();
    f.address_comment = a.address_comment.clone();
    f.zip = a.zip.clone();
    f.city = a.city.clone();
    f.country = a.country.clone().map(|c| c.trim().to_ascii_uppercase());
    f.vat_number = a.vat_number.clone();
    f.company_registration = a.company_registration.clone();
    f.barcode = a.barcode.clone();
    f.private_comment = a.private_comment.clone();
    f.public_comment = a.public_comment.clone();
    f.blacklist = a.blacklist;
    if let Some(b) = &a.birth_date {
        f.birth_date = Some(b.trim().parse().map_err(|_| {
            ToolError::Invalid(tr!(
                lang,
                "`birthDate` = \"{}\" is not a date YYYY-MM-DD.",
                "`birthDate` = « {} » n'est pas une date AAAA-MM-JJ.",
                b
            ))
        })?);
    }
    if let Some(c) = &f.country
        && (c.len() != 2 || !c.chars().all(|x| x.is_ascii_alphabetic()))
    {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`country` must be a two-letter ISO code such as FR, got \"{}\".",
            "`country` doit être un code ISO à deux lettres comme FR, reçu « {} ».",
            c
        )));
    }
    Ok(f)
}

async fn client_write(ctx: &Ctx<'_>, create: bool) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: ClientArgs = crate::args::parse(lang, ctx.args())?;
    let fields = client_fields(lang, &args)?;
    let shop = ctx.shop().await?;
    let cache = &ctx.inner.catalog;
    let script = Customers::SCRIPT;
    let display = |f: &CustomerFields| {
        format!(
            "{} {}",
            f.first_name.clone().unwrap_or_default(),
            f.last_name.clone().unwrap_or_default()
        )
        .trim()
        .to_owned()
    };
    if create {
        if args.client_id.is_some() {
            return Err(ToolError::Invalid(tr!(
                lang,
                "client_create takes no clientId; to change a customer use client_update.",
                "client_create ne prend pas de clientId ; pour modifier un client, utilisez client_update."
            )));
        }
        let named = [&fields.last_name, &fields.first_name]
            .iter()
            .any(|v| v.as_ref().is_some_and(|s| !s.trim().is_empty()));
        if !named {
            return Err(ToolError::Invalid(tr!(
                lang,
                "A new customer needs a `lastname` or a `firstname`.",
                "Un nouveau client demande un `lastname` ou un `firstname`."
            )));
        }
        let name = display(&fields);
        let created = shop
            .client
            .create_customer(fields)
            .await
            .map_err(up(lang))?;
        cache.invalidate(&shop.tenant, &[script]);
        let message = tr!(
            lang,
            "Created customer {}{}.",
            "Client {}{} créé.",
            name,
            created.id.map(|i| format!(" (#{i})")).unwrap_or_default()
        );
        return done(
            message.clone(),
            &WriteOutput {
                status: "created".into(),
                record: "customer".into(),
                id: created.id.map(|i| i.0),
                name,
                changes: Vec::new(),
                message,
            },
        );
    }
    let Some(id) = args.client_id else {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`clientId` is required (data_list_clients).",
            "`clientId` est obligatoire (data_list_clients)."
        )));
    };
    let customers = cache.fresh::<Customers>(&shop).await.map_err(up(lang))?;
    let before = customers.iter().find(|c| c.id == id).ok_or_else(|| {
        ToolError::Invalid(tr!(
            lang,
            "There is no customer {}. Find it with data_list_clients (query).",
            "Il n'y a pas de client {}. Trouvez-le avec data_list_clients (query).",
            id
        ))
    })?;
    if kash_api::writes::FieldSet::is_empty(&fields) {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Nothing to change: give at least one field besides clientId.",
            "Rien à modifier : donnez au moins un champ en plus de clientId."
        )));
    }
    shop.client
        .update_customer(id, fields)
        .await
        .map_err(up(lang))?;
    cache.invalidate(&shop.tenant, &[script]);
    let after_list = cache.fresh::<Customers>(&shop).await.map_err(up(lang))?;
    let changes = after_list
        .iter()
        .find(|c| c.id == id)
        .map(|a| customer_changes(before, a))
        .unwrap_or_default();
    let name = before.display_name();
    let message = tr!(
        lang,
        "Updated customer {} (#{}): {}.",
        "Client {} (#{}) modifié : {}.",
        name,
        id,
        describe_changes(lang, &changes)
    );
    done(
        message.clone(),
        &WriteOutput {
            status: "updated".into(),
            record: "customer".into(),
            id: Some(id.0),
            name,
            changes,
            message,
        },
    )
}

fn customer_changes(b: &Customer, a: &Customer) -> Vec<Change> {
    [
        change("honorific", b.honorific.clone(), a.honorific.clone()),
        change("lastname", b.last_name.clone(), a.last_name.clone()),
        change("firstname", b.first_name.clone(), a.first_name.clone()),
        change("email", b.email.clone(), a.email.clone()),
        change("phone", b.phone.clone(), a.phone.clone()),
        change("phone2", b.phone2.clone(), a.phone2.clone()),
        change("address", b.address.clone(), a.address.clone()),
        change("address2", b.address2.clone(), a.address2.clone()),
        change(
            "addressComment",
            b.address_comment.clone(),
            a.address_comment.clone(),
        ),
        change("zip", b.zip.clone(), a.zip.clone()),
        change("city", b.city.clone(), a.city.clone()),
        change("country", b.country.clone(), a.country.clone()),
        change("vatNumber", b.vat_number.clone(), a.vat_number.clone()),
        change(
            "companyRegistration",
            b.company_registration.clone(),
            a.company_registration.clone(),
        ),
        change("barcode", b.barcode.clone(), a.barcode.clone()),
        change(
            "privateComment",
            b.private_comment.clone(),
            a.private_comment.clone(),
        ),
        change(
            "blacklist",
            b.blacklist.map(|x| x.to_string()),
            a.blacklist.map(|x| x.to_string()),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

async fn delete(op: CatalogOp, ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: DeleteArgs = crate::args::parse(lang, ctx.args())?;
    let (record, id_name) = match op {
        CatalogOp::ProductDelete => ("product", "productId"),
        CatalogOp::DepartmentDelete => ("department", "departmentId"),
        _ => ("customer", "clientId"),
    };
    let Some(id) = args.target else {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`{}` is required.",
            "`{}` est obligatoire.",
            id_name
        )));
    };
    let shop = ctx.shop().await?;
    let cache = &ctx.inner.catalog;
    let name = match op {
        CatalogOp::ProductDelete => cache
            .fresh::<Products>(&shop)
            .await
            .map_err(up(lang))?
            .iter()
            .find(|p| p.id.0 == id)
            .map(|p| p.title.clone().unwrap_or_default()),
        CatalogOp::DepartmentDelete => cache
            .fresh::<Departments>(&shop)
            .await
            .map_err(up(lang))?
            .iter()
            .find(|d| d.id.0 == id)
            .map(|d| d.title.clone().unwrap_or_default()),
        _ => cache
            .fresh::<Customers>(&shop)
            .await
            .map_err(up(lang))?
            .iter()
            .find(|c| c.id.0 == id)
            .map(Customer::display_name),
    };
    let what = match (op, lang) {
        (CatalogOp::ProductDelete, Lang::En) => "product",
        (CatalogOp::ProductDelete, Lang::Fr) => "l'article",
        (CatalogOp::DepartmentDelete, Lang::En) => "department",
        (CatalogOp::DepartmentDelete, Lang::Fr) => "le rayon",
        (_, Lang::En) => "customer",
        (_, Lang::Fr) => "le client",
    };
    let Some(name) = name else {
        return Err(ToolError::Invalid(tr!(
            lang,
            "There is no {} {} in this shop.",
            "Il n'y a pas {} {} dans cette boutique.",
            what,
            id
        )));
    };
    let nothing = tr!(lang, "Nothing was deleted.", "Rien n'a été supprimé.");
    let can_ask = ctx
        .rc
        .client_capabilities()
        .is_some_and(|c| c.elicitation.is_some());
    if can_ask {
        let question = tr!(
            lang,
            "Delete {} \"{}\" (#{})? This cannot be undone.",
            "Supprimer {} « {} » (#{}) ? C'est définitif.",
            what,
            name,
            id
        );
        let digest = confirm::digest(record, &json!({"id": id}));
        match confirm::ask(ctx, &shop.tenant, &digest, &question, &nothing).await? {
            Confirmation::Confirmed => {}
            Confirmation::Ask(response) => return Ok(*response),
        }
    } else if args.confirm != Some(true) {
        return Err(ToolError::NotConfirmed(tr!(
            lang,
            "Not deleted: deleting {} \"{}\" (#{}) needs the user's explicit agreement. Ask the user, then call again with `confirm: true`.",
            "Non supprimé : supprimer {} « {} » (#{}) demande l'accord explicite de l'utilisateur. Demandez-le, puis rappelez avec `confirm: true`.",
            what,
            name,
            id
        )));
    }
    let result = match op {
        CatalogOp::ProductDelete => shop.client.delete_product(ProductId(id)).await,
        CatalogOp::DepartmentDelete => shop.client.delete_department(DepartmentId(id)).await,
        _ => shop.client.delete_customer(CustomerId(id)).await,
    };
    cache.invalidate(
        &shop.tenant,
        &[Products::SCRIPT, Departments::SCRIPT, Customers::SCRIPT],
    );
    result.map_err(|e| {
        ToolError::Upstream(tr!(
            lang,
            "Not deleted: {}",
            "Non supprimé : {}",
            crate::error::upstream_message(lang, &e)
        ))
    })?;
    let message = tr!(
        lang,
        "Deleted {} \"{}\" (#{}).",
        "Supprimé : {} « {} » (#{}).",
        what,
        name,
        id
    );
    done(
        message.clone(),
        &WriteOutput {
            status: "deleted".into(),
            record: record.into(),
            id: Some(id),
            name,
            changes: Vec::new(),
            message,
        },
    )
}
