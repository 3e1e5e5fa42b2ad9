//! `sale_create`: recording a sale, safely.
//!
//! Every id the sale references is checked against the shop before anything is sent, and a
//! miss names the closest candidates. `dryRun` prices the sale and returns a `previewId`;
//! `confirmPreviewId` records exactly that preview, once. An `idempotencyKey` gives the same
//! guarantee to a one-step call. A sale is sent once and never retried: when the answer is
//! lost, it is reported as "may have been recorded", and repeating the call with the same
//! preview or key reports that again instead of sending a second sale.

use std::collections::BTreeMap;
use std::sync::Arc;

use kash_api::customers::Customer;
use kash_api::departments::{Department, Departments};
use kash_api::ids::*;
use kash_api::orders::DeliveryMethod;
use kash_api::payment_modes::{PaymentKind, PaymentMode, PaymentModes};
use kash_api::products::{Product, Products};
use kash_api::sales::{CatalogLine, NewCustomer, NewSale, PaymentState, SaleLine};
use kash_api::shop::{Cashboxes, Table, Tables, Users};
use kash_api::variations::{Variation, Variations};
use kash_api::{Decimal, KashError};
use rmcp::model::{CallToolResponse, JsonObject};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value, json};
use serde_with::serde_as;

use super::orders::MethodArg;
use super::{Ctx, Effect, Spec, ToolId, done};
use crate::config::Toolset;
use crate::confirm::{self, Confirmation};
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang};
use crate::normalize;
use crate::schema::{self, Prop};
use crate::search;
use crate::shop::Shop;
use crate::store::StoreExt;
use crate::views::delivery_method_label;
use crate::{t, tr};

/// Most lines in one sale.
pub(crate) const MAX_LINES: usize = 200;
/// Highest unit price or amount accepted for a line, in euros.
const MAX_PRICE: u64 = 100_000;
/// Highest quantity of a line.
const MAX_QUANTITY: u64 = 10_000;

pub(crate) fn spec() -> Spec {
    Spec {
        id: ToolId::SaleCreate,
        name: "sale_create",
        toolset: Some(Toolset::Sales),
        effect: Effect::Additive,
        title: t!("Record a sale", "Enregistrer une vente"),
        description: t!(
            "Record a sale. Safe flow: dryRun, show the preview, then confirmPreviewId alone (recorded once). Every id is checked. If a sale MAY have been recorded, never record it again: call with the same confirmPreviewId or idempotencyKey and the server checks the POS.",
            "Enregistre une vente. Façon sûre : dryRun, montrer l'aperçu, puis confirmPreviewId seul (enregistrée une fois). Chaque identifiant est vérifié. Si une vente A PU être enregistrée, ne la refaites jamais : rappelez avec le même confirmPreviewId ou idempotencyKey et le serveur vérifie la caisse."
        ),
        input,
        output: schema::output::<SaleOutput>,
        normalize: normalize_sale,
    }
}

fn item_schema(lang: Lang) -> Value {
    let name = |en, fr| Prop::string(t!(en, fr)).max_length(200);
    let text = |en, fr| Prop::string(t!(en, fr)).max_length(100);
    let amount = |en, fr| Prop::number(t!(en, fr)).min(0).max(MAX_PRICE);
    let props = [
        (
            "type",
            Prop::one_of(
                &["catalog", "dept", "free"],
                t!(
                    "catalog: productId or product, quantity, priceOverride, titleOverride, variations (choice ids). dept: departmentId or department, price, title (department's VAT). free: price, title (shop's VAT).",
                    "catalog : productId ou product, quantity, priceOverride, titleOverride, variations (choix). dept : departmentId ou department, price, title (TVA du rayon). free : price, title (TVA de la boutique)."
                ),
            ),
        ),
        ("productId", Prop::integer(t!("", "")).min(1)),
        ("product", name("Name.", "Nom.")),
        (
            "quantity",
            Prop::number(t!("Default 1.", "1 par défaut."))
                .exclusive_min(0)
                .max(MAX_QUANTITY),
        ),
        ("titleOverride", text("", "")),
        ("priceOverride", amount("Unit price.", "Prix unitaire.")),
        (
            "variations",
            Prop::array(json!({"type": "integer", "minimum": 1}), t!("", "")).max_items(5),
        ),
        ("departmentId", Prop::integer(t!("", "")).min(1)),
        ("department", name("Name.", "Nom.")),
        ("price", amount("", "")),
        ("title", text("", "")),
    ];
    let mut obj = Map::new();
    obj.insert("type".into(), json!("object"));
    obj.insert(
        "properties".into(),
        Value::Object(
            props
                .iter()
                .map(|(k, p)| ((*k).to_owned(), p.to_value(lang)))
                .collect(),
        ),
    );
    obj.insert("required".into(), json!(["type"]));
    obj.insert("additionalProperties".into(), json!(false));
    Value::Object(obj)
}

/// The fields of a new customer, shared by `sale_create`'s `client`.
fn client_schema(lang: Lang) -> Prop {
    let s = |n: usize| Prop::string(t!("", "")).max_length(n);
    Prop::object(
        lang,
        &[
            ("firstname", s(100)),
            ("lastname", s(100)),
            ("email", s(200).format("email")),
            ("phone", s(40)),
            ("address", s(200)),
            (
                "addressComment",
                Prop::string(t!("Door code, floor.", "Digicode, étage.")).max_length(200),
            ),
            ("zip", s(20)),
            ("city", s(100)),
            (
                "country",
                Prop::string(t!("ISO code.", "Code ISO.")).pattern("^[A-Za-z]{2}$"),
            ),
        ],
        &[],
        t!(
            "A new customer, created with the sale.",
            "Un nouveau client, créé avec la vente."
        ),
    )
    .min_properties(1)
}

fn input(lang: Lang) -> JsonObject {
    let props = vec![
        (
            "items",
            Prop::array(item_schema(lang), t!("The lines.", "Les lignes."))
                .min_items(1)
                .max_items(MAX_LINES),
        ),
        (
            "payment",
            Prop::any_of(
                vec![
                    json!({"type": "integer", "minimum": -2}),
                    json!({"type": "string", "minLength": 1, "maxLength": 100}),
                ],
                t!(
                    "-2 quote; -1 validated, unpaid; else a payment mode id or name (paid).",
                    "-2 devis ; -1 validée non payée ; sinon un mode de paiement, id ou nom (payée)."
                ),
            ),
        ),
        ("deliveryMethod", super::orders::delivery_prop()),
        (
            "idClient",
            Prop::integer(t!("Existing customer id.", "Identifiant d'un client existant.")).min(1),
        ),
        ("client", client_schema(lang)),
        (
            "table",
            Prop::integer(t!("Table id (not its number).", "Identifiant de table (pas son numéro)."))
                .min(1),
        ),
        (
            "tableNumber",
            Prop::string(t!("Table number as said by staff.", "Numéro de table tel que dit."))
                .min_length(1)
                .max_length(20),
        ),
        ("cashbox", Prop::integer(t!("Cash register id.", "Identifiant de caisse.")).min(1)),
        ("covers", Prop::integer(t!("Guests.", "Couverts.")).min(0).max(1000)),
        (
            "deliveryTime",
            Prop::string(t!(
                "Delivery or pickup time, HH:MM (that day) or YYYY-MM-DDTHH:MM; shown in the pending list.",
                "Heure de livraison ou retrait, HH:MM (ce jour) ou AAAA-MM-JJTHH:MM ; montrée dans les commandes en cours."
            ))
            .pattern(DELIVERY_TIME_PATTERN),
        ),
        (
            "publicComment",
            Prop::string(t!("Printed for the customer.", "Imprimé pour le client.")).max_length(500),
        ),
        (
            "privateComment",
            Prop::string(t!("For the staff.", "Pour le personnel.")).max_length(500),
        ),
        ("pager", Prop::integer(t!("Pager number.", "Numéro de bipeur.")).min(0).max(99_999)),
        ("user", Prop::integer(t!("User id.", "Identifiant d'utilisateur.")).min(1)),
        (
            "valueDate",
            Prop::string(t!(
                "ISO 8601, within the last 2 years (default now).",
                "ISO 8601, dans les 2 dernières années (maintenant par défaut)."
            ))
            .max_length(40),
        ),
        (
            "dryRun",
            Prop::boolean(t!("Preview only; returns a previewId.", "Aperçu seulement ; renvoie un previewId.")),
        ),
        (
            "confirmPreviewId",
            Prop::string(t!("Record this preview, once.", "Enregistrer cet aperçu, une fois."))
                .min_length(1)
                .max_length(64),
        ),
        (
            "idempotencyKey",
            Prop::string(t!(
                "Your unique key: a repeat returns the first receipt.",
                "Votre clé unique : une répétition renvoie le premier reçu."
            ))
            .min_length(1)
            .max_length(200),
        ),
    ];
    schema::input(lang, &props, &[])
}

/// `HH:MM`, or a day and a time.
pub(crate) const DELIVERY_TIME_PATTERN: &str = r"^(\d{4}-\d\d-\d\dT)?\d\d:\d\d$";

/// The old server's names (`itemsList`, `idtable`, `dateValeur`…), inferred line types and
/// the free lines' `priceOverride`/`titleOverride` (which the old server read there).
fn normalize_sale(a: &mut JsonObject) {
    for (old, new) in [
        ("itemsList", "items"),
        ("clientId", "idClient"),
        ("customerId", "idClient"),
        ("tableId", "table"),
        ("idtable", "table"),
        ("cashboxId", "cashbox"),
        ("idcaisse", "cashbox"),
        ("numcouverts", "covers"),
        ("pagerNum", "pager"),
        ("idUser", "user"),
        ("userId", "user"),
        ("dateValeur", "valueDate"),
    ] {
        normalize::rename(a, old, new);
    }
    normalize::map_value(a, "deliveryMethod", normalize::delivery_method);
    if let Some(Value::Array(items)) = a.get_mut("items") {
        for item in items.iter_mut() {
            if let Value::Object(m) = item {
                normalize_item(m);
            }
        }
    }
    if let Some(Value::Object(c)) = a.get_mut("client") {
        for (old, new) in [
            ("firstName", "firstname"),
            ("prenom", "firstname"),
            ("lastName", "lastname"),
            ("nom", "lastname"),
            ("postcode", "zip"),
            ("zipcode", "zip"),
        ] {
            normalize::rename(c, old, new);
        }
    }
}

fn normalize_item(m: &mut JsonObject) {
    let kind = match m.get("type") {
        Some(Value::String(t)) => match t.trim().to_ascii_lowercase().as_str() {
            "catalog" | "product" | "article" | "plu" => Some("catalog"),
            "dept" | "department" | "departement" | "rayon" => Some("dept"),
            "free" | "libre" => Some("free"),
            _ => None,
        },
        Some(_) => None,
        None if m.contains_key("productId") || m.contains_key("product") => Some("catalog"),
        None if m.contains_key("departmentId") || m.contains_key("department") => Some("dept"),
        None => Some("free"),
    };
    if let Some(k) = kind {
        m.insert("type".into(), Value::from(k));
        if k != "catalog" {
            normalize::rename(m, "priceOverride", "price");
            normalize::rename(m, "titleOverride", "title");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Arguments

/// A catalogue line as given.
#[serde_as]
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct CatalogItem {
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    product_id: Option<ProductId>,
    #[serde(default)]
    product: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    quantity: Option<Decimal>,
    #[serde(default)]
    title_override: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    price_override: Option<Decimal>,
    #[serde_as(as = "kash_api::de::LenientList")]
    #[serde(default)]
    variations: Vec<VariationChoiceId>,
}

/// A department line as given.
#[serde_as]
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct DeptItem {
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    department_id: Option<DepartmentId>,
    #[serde(default)]
    department: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "priceOverride")]
    price: Option<Decimal>,
    #[serde(default, alias = "titleOverride")]
    title: Option<String>,
}

/// A free line as given. (The old server read `priceOverride`/`titleOverride` here; both
/// names work, and `price`/`title` are the documented ones.)
#[serde_as]
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct FreeItem {
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "priceOverride")]
    price: Option<Decimal>,
    #[serde(default, alias = "titleOverride")]
    title: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(crate) enum ItemArg {
    Catalog(CatalogItem),
    Dept(DeptItem),
    Free(FreeItem),
}

impl<'de> Deserialize<'de> for ItemArg {
    /// Reads `type` (catalog/dept/free; also department, product, article, libre), or infers
    /// it from the fields given.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut map = Map::<String, Value>::deserialize(d)?;
        let kind = match map.remove("type") {
            Some(Value::String(s)) => s.to_ascii_lowercase(),
            Some(other) => {
                return Err(D::Error::custom(format!(
                    "`type` must be a string, got {other}"
                )));
            }
            None if map.contains_key("productId") || map.contains_key("product") => {
                "catalog".into()
            }
            None if map.contains_key("departmentId") || map.contains_key("department") => {
                "dept".into()
            }
            None => "free".into(),
        };
        let rest = Value::Object(map);
        match kind.as_str() {
            "catalog" | "product" | "article" | "plu" => serde_json::from_value(rest)
                .map(ItemArg::Catalog)
                .map_err(D::Error::custom),
            "dept" | "department" | "departement" | "rayon" => serde_json::from_value(rest)
                .map(ItemArg::Dept)
                .map_err(D::Error::custom),
            "free" | "libre" => serde_json::from_value(rest)
                .map(ItemArg::Free)
                .map_err(D::Error::custom),
            other => Err(D::Error::custom(format!(
                "unknown item type `{other}`: use catalog, dept or free"
            ))),
        }
    }
}

/// `payment` as given: a code, or a word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub(crate) enum PaymentArg {
    Code(i64),
    Name(String),
}

impl<'de> Deserialize<'de> for PaymentArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match Value::deserialize(d)? {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .map(PaymentArg::Code)
                .ok_or_else(|| D::Error::custom("payment must be -2, -1 or a payment mode id")),
            Value::String(s) => Ok(match s.trim().parse::<i64>() {
                Ok(n) => PaymentArg::Code(n),
                Err(_) => PaymentArg::Name(s.trim().to_owned()),
            }),
            other => Err(D::Error::custom(format!(
                "payment must be -2, -1 or a payment mode id, got {other}"
            ))),
        }
    }
}

/// A new customer as given (English names).
#[serde_as]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ClientArg {
    #[serde(default, alias = "firstName", alias = "prenom")]
    firstname: Option<String>,
    #[serde(default, alias = "lastName", alias = "nom")]
    lastname: Option<String>,
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
    #[serde(default, alias = "postcode", alias = "zipcode")]
    zip: Option<String>,
    #[serde(default)]
    city: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    vat_number: Option<String>,
    #[serde(default)]
    company_registration: Option<String>,
    #[serde(default)]
    barcode: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    lat: Option<Decimal>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    lng: Option<Decimal>,
}

/// The sale as described by the caller (everything but the control arguments).
#[serde_as]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct SaleArgs {
    #[serde(default, alias = "itemsList")]
    items: Vec<ItemArg>,
    #[serde(default)]
    payment: Option<PaymentArg>,
    #[serde(default)]
    delivery_method: Option<MethodName>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "clientId", alias = "customerId")]
    id_client: Option<CustomerId>,
    #[serde(default)]
    client: Option<ClientArg>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "tableId", alias = "idtable")]
    table: Option<TableId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    table_number: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "cashboxId", alias = "idcaisse")]
    cashbox: Option<CashboxId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "numcouverts")]
    covers: Option<u32>,
    #[serde(default)]
    public_comment: Option<String>,
    #[serde(default)]
    private_comment: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "pagerNum")]
    pager: Option<u32>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default, alias = "idUser", alias = "userId")]
    user: Option<UserId>,
    #[serde(default, alias = "dateValeur")]
    value_date: Option<String>,
    #[serde(default)]
    delivery_time: Option<String>,
}

/// A delivery method kept as the caller wrote it (so the digest is stable), parsed on use.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub(crate) struct MethodName(Value);

impl<'de> Deserialize<'de> for MethodName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        // Validate now, so that a bad value is named precisely.
        let _: MethodArg = serde_json::from_value(v.clone()).map_err(serde::de::Error::custom)?;
        Ok(Self(v))
    }
}

impl MethodName {
    fn method(&self) -> Option<DeliveryMethod> {
        serde_json::from_value::<MethodArg>(self.0.clone())
            .ok()
            .map(|m| m.0)
    }
}

#[serde_as]
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Control {
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    dry_run: Option<bool>,
    #[serde(default)]
    confirm_preview_id: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    idempotency_key: Option<String>,
}

const CONTROL_KEYS: [&str; 3] = ["dryRun", "confirmPreviewId", "idempotencyKey"];

// ---------------------------------------------------------------------------------------
// Output

/// A priced line.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PricedLine {
    /// `catalog`, `dept` or `free`.
    pub kind: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_id: Option<u64>,
    pub quantity: String,
    /// Unit price including VAT and variation supplements.
    pub unit_price: String,
    /// Line total including VAT.
    pub total: String,
    /// VAT rate in percent, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variations: Vec<String>,
}

/// The result of `sale_create`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SaleOutput {
    /// `preview` (nothing recorded), `recorded`, or `uncertain` (may have been recorded).
    pub status: String,
    /// Whether this answer repeats an earlier one (same preview or idempotency key): nothing
    /// was sent this time.
    pub replay: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<u64>,
    /// The invoice number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// To record this preview: `sale_create` with `confirmPreviewId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_expires_at: Option<String>,
    pub lines: Vec<PricedLine>,
    /// Total including VAT, as priced from the catalogue.
    pub total: String,
    /// The total the POS computed, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pos_total: Option<String>,
    /// VAT per rate, when every line's rate is known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vat: Vec<VatOut>,
    /// `quote`, `unpaid` or `paid`.
    pub payment_state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<CustomerOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// The delivery or pickup time, `YYYY-MM-DDTHH:MM` (shop's local time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_at: Option<String>,
    /// The key to call again with when the outcome is uncertain (one the server made up).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// The human summary.
    pub message: String,
}

/// VAT of one rate, as text numbers.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub(crate) struct VatOut {
    pub rate: String,
    pub amount: String,
}

/// The customer of a sale.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub(crate) struct CustomerOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    pub name: String,
    /// Whether it is created with this sale.
    pub new: bool,
}

// ---------------------------------------------------------------------------------------
// Resolution

/// Everything needed to send the sale and describe it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Resolved {
    /// `itemsList[]` values and descriptions.
    lines: Vec<ResolvedLine>,
    payment: i64,
    payment_mode: Option<String>,
    delivery_method: Option<i64>,
    user: Option<u64>,
    customer: Option<u64>,
    customer_name: Option<String>,
    new_customer: Option<ClientArg>,
    table: Option<u64>,
    table_name: Option<String>,
    cashbox: Option<u64>,
    covers: Option<u32>,
    public_comment: Option<String>,
    private_comment: Option<String>,
    pager: Option<u32>,
    value_date: Option<i64>,
    /// The delivery or pickup time, `2026-11-24 18:15` (shop's local time).
    #[serde(default)]
    due: Option<String>,
    total: Decimal,
    vat: Vec<(Decimal, Decimal)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ResolvedLine {
    kind: String,
    product: Option<u64>,
    department: Option<u64>,
    quantity: Decimal,
    title_override: Option<String>,
    price_override: Option<Decimal>,
    title: String,
    unit_price: Decimal,
    total: Decimal,
    vat_rate: Option<Decimal>,
    variations: Vec<u64>,
    variation_titles: Vec<String>,
}

/// The shop data a sale is checked against.
struct Refs {
    products: Arc<Vec<Product>>,
    departments: Arc<Vec<Department>>,
    variations: Arc<Vec<Variation>>,
    payment_modes: Arc<Vec<PaymentMode>>,
    vat_by_id: std::collections::HashMap<u64, Decimal>,
}

fn load_err(lang: Lang) -> impl Fn(KashError) -> ToolError {
    move |e| ToolError::upstream(lang, &e)
}

async fn refs(ctx: &Ctx<'_>, shop: &Shop) -> ToolResult<Refs> {
    let lang = ctx.lang;
    let cache = &ctx.inner.catalog;
    let (products, departments, variations, payment_modes) = tokio::try_join!(
        cache.list::<Products>(shop),
        cache.list::<Departments>(shop),
        cache.list::<Variations>(shop),
        cache.list::<PaymentModes>(shop),
    )
    .map_err(load_err(lang))?;
    let vat_by_id = crate::catalog::vat_rates(&products, &departments);
    Ok(Refs {
        products,
        departments,
        variations,
        payment_modes,
        vat_by_id,
    })
}

fn title_of(p: &Product) -> String {
    p.title.clone().unwrap_or_else(|| format!("#{}", p.id))
}

fn candidates<T>(lang: Lang, name: &str, items: &[T], label: impl Fn(&T) -> String) -> String {
    let best = search::closest(name, items, &label, 5);
    if best.is_empty() {
        String::new()
    } else {
        tr!(
            lang,
            " Closest: {}.",
            " Les plus proches : {}.",
            best.iter().map(|i| label(i)).collect::<Vec<_>>().join("; ")
        )
    }
}

fn product_label(p: &Product) -> String {
    format!(
        "{} (#{}{})",
        title_of(p),
        p.id,
        p.price.map(|x| format!(", {x:.2} €")).unwrap_or_default()
    )
}

fn find_product<'a>(
    lang: Lang,
    n: usize,
    item: &CatalogItem,
    products: &'a [Product],
) -> ToolResult<&'a Product> {
    if let Some(id) = item.product_id {
        return products.iter().find(|p| p.id == id).ok_or_else(|| {
            let hint = item
                .product
                .as_deref()
                .or(item.title_override.as_deref())
                .map(|name| candidates(lang, name, products, product_label))
                .unwrap_or_default();
            ToolError::Invalid(tr!(
                lang,
                "Line {}: there is no product {} in this shop.{} Find the right id with data_list_products (query), or give `product` by name.",
                "Ligne {} : il n'y a pas d'article {} dans cette boutique.{} Trouvez le bon identifiant avec data_list_products (query), ou donnez `product` par son nom.",
                n,
                id,
                hint
            ))
        });
    }
    let Some(name) = item
        .product
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Line {}: a catalog line needs `productId` (or `product` by name).",
            "Ligne {} : une ligne catalog demande `productId` (ou `product` par son nom).",
            n
        )));
    };
    let norm = search::normalize(name);
    let exact: Vec<&Product> = products
        .iter()
        .filter(|p| search::normalize(p.title.as_deref().unwrap_or("")) == norm)
        .collect();
    if let [only] = exact.as_slice() {
        return Ok(only);
    }
    let mut scored: Vec<(u32, &Product)> = products
        .iter()
        .map(|p| {
            (
                search::score(
                    name,
                    &[search::Field::Text(p.title.as_deref().unwrap_or(""))],
                ),
                p,
            )
        })
        .filter(|(s, _)| *s >= 30)
        .collect();
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    let listed: Vec<String> = scored
        .iter()
        .take(6)
        .map(|(_, p)| product_label(p))
        .collect();
    if listed.is_empty() {
        let hint = candidates(lang, name, products, product_label);
        return Err(ToolError::Invalid(tr!(
            lang,
            "Line {}: no product is called \"{}\".{} Search with data_list_products.",
            "Ligne {} : aucun article ne s'appelle « {} ».{} Cherchez avec data_list_products.",
            n,
            name,
            hint
        )));
    }
    Err(ToolError::Invalid(tr!(
        lang,
        "Line {}: \"{}\" is ambiguous or not exact; pass the productId of one of: {}.",
        "Ligne {} : « {} » est ambigu ou inexact ; passez le productId de l'un de : {}.",
        n,
        name,
        listed.join("; ")
    )))
}

fn check_text(lang: Lang, n: usize, what: &str, text: &str) -> ToolResult<()> {
    if text.contains('_') {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Line {}: the {} \"{}\" contains `_`, which the POS uses to separate fields; use a space or `-` instead.",
            "Ligne {} : le {} « {} » contient `_`, que la caisse utilise comme séparateur ; utilisez un espace ou `-`.",
            n,
            what,
            text
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Line {}: the {} contains a line break; keep it on one line.",
            "Ligne {} : le {} contient un retour à la ligne ; gardez-le sur une ligne.",
            n,
            what
        )));
    }
    Ok(())
}

fn check_amount(lang: Lang, n: usize, what: &str, v: Decimal) -> ToolResult<()> {
    if v.is_sign_negative() && !v.is_zero() {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Line {}: the {} cannot be negative ({}); to refund, record a sale paid with a refund payment mode.",
            "Ligne {} : le {} ne peut pas être négatif ({}) ; pour rembourser, enregistrez une vente payée avec un mode de remboursement.",
            n,
            what,
            v
        )));
    }
    if v.normalize().scale() > 4 {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Line {}: the {} {} has too many decimals; round it to the cent.",
            "Ligne {} : le {} {} a trop de décimales ; arrondissez au centime.",
            n,
            what,
            v
        )));
    }
    Ok(())
}

fn vat_for(refs: &Refs, id: Option<VatRateId>) -> Option<Decimal> {
    id.and_then(|i| refs.vat_by_id.get(&i.0).copied())
}

fn resolve_catalog(
    lang: Lang,
    n: usize,
    item: &CatalogItem,
    refs: &Refs,
    eat_in: bool,
) -> ToolResult<ResolvedLine> {
    let p = find_product(lang, n, item, &refs.products)?;
    let quantity = item.quantity.unwrap_or(Decimal::ONE);
    if quantity <= Decimal::ZERO {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Line {} ({}): the quantity must be more than 0, got {}.",
            "Ligne {} ({}) : la quantité doit être supérieure à 0, reçu {}.",
            n,
            title_of(p),
            quantity
        )));
    }
    if quantity.normalize().scale() > 3 {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Line {}: the quantity {} has more than 3 decimals.",
            "Ligne {} : la quantité {} a plus de 3 décimales.",
            n,
            quantity
        )));
    }
    if let Some(t) = &item.title_override {
        check_text(lang, n, lang.pick("title", "libellé"), t)?;
    }
    if let Some(pr) = item.price_override {
        check_amount(lang, n, lang.pick("price", "prix"), pr)?;
    }
    if item.variations.len() > 5 {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Line {}: {} variation choices given, at most 5 per line.",
            "Ligne {} : {} choix de déclinaison donnés, 5 au plus par ligne.",
            n,
            item.variations.len()
        )));
    }
    let own: Vec<&Variation> = refs
        .variations
        .iter()
        .filter(|v| p.variation_ids.contains(&v.id))
        .collect();
    let describe_own = || {
        if own.is_empty() {
            tr!(
                lang,
                "{} has no variations",
                "{} n'a pas de déclinaison",
                title_of(p)
            )
        } else {
            let parts: Vec<String> = own
                .iter()
                .map(|v| {
                    format!(
                        "{}: {}",
                        v.title.clone().unwrap_or_default(),
                        v.choices
                            .iter()
                            .map(|c| format!("{} (#{})", c.title.clone().unwrap_or_default(), c.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect();
            tr!(
                lang,
                "its choices are {}",
                "ses choix sont {}",
                parts.join("; ")
            )
        }
    };
    let mut delta = Decimal::ZERO;
    let mut titles = Vec::new();
    for c in &item.variations {
        let found = own
            .iter()
            .find_map(|v| v.choices.iter().find(|x| x.id == *c).map(|x| (v, x)));
        let Some((v, choice)) = found else {
            let exists = refs
                .variations
                .iter()
                .any(|v| v.choices.iter().any(|x| x.id == *c));
            return Err(ToolError::Invalid(if exists {
                tr!(
                    lang,
                    "Line {}: variation choice {} does not apply to {}; {}.",
                    "Ligne {} : le choix de déclinaison {} ne s'applique pas à {} ; {}.",
                    n,
                    c,
                    title_of(p),
                    describe_own()
                )
            } else {
                tr!(
                    lang,
                    "Line {}: there is no variation choice {}; {}.",
                    "Ligne {} : il n'y a pas de choix de déclinaison {} ; {}.",
                    n,
                    c,
                    describe_own()
                )
            }));
        };
        delta += choice.price_delta.unwrap_or_default();
        titles.push(format!(
            "{} {}",
            v.title.clone().unwrap_or_default(),
            choice.title.clone().unwrap_or_default()
        ));
    }
    let base = match item.price_override.or(p.price) {
        Some(b) => b,
        None => {
            return Err(ToolError::Invalid(tr!(
                lang,
                "Line {}: {} has no price in the catalogue; give priceOverride.",
                "Ligne {} : {} n'a pas de prix au catalogue ; donnez priceOverride.",
                n,
                title_of(p)
            )));
        }
    };
    let unit = base + delta;
    let dept = p
        .department_id
        .and_then(|d| refs.departments.iter().find(|x| x.id == d));
    let vat_rate = if eat_in {
        vat_for(refs, p.eat_in_vat_id)
            .or_else(|| vat_for(refs, p.vat_id))
            .or_else(|| dept.and_then(|d| vat_for(refs, d.eat_in_vat_id)))
            .or(p.vat_rate)
            .or_else(|| dept.and_then(|d| d.vat_rate))
    } else {
        vat_for(refs, p.vat_id)
            .or(p.vat_rate)
            .or_else(|| dept.and_then(|d| d.vat_rate))
    };
    Ok(ResolvedLine {
        kind: "catalog".into(),
        product: Some(p.id.0),
        department: p.department_id.map(|d| d.0),
        quantity,
        title_override: item.title_override.clone().filter(|t| !t.trim().is_empty()),
        price_override: item.price_override,
        title: item
            .title_override
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| title_of(p)),
        unit_price: unit,
        total: (unit * quantity).round_dp(2),
        vat_rate,
        variations: item.variations.iter().map(|v| v.0).collect(),
        variation_titles: titles,
    })
}

fn dept_label(d: &Department) -> String {
    format!("{} (#{})", d.title.clone().unwrap_or_default(), d.id)
}

fn resolve_dept(
    lang: Lang,
    n: usize,
    item: &DeptItem,
    refs: &Refs,
    eat_in: bool,
) -> ToolResult<ResolvedLine> {
    let dept = match (item.department_id, item.department.as_deref()) {
        (Some(id), _) => refs
            .departments
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| {
                ToolError::Invalid(tr!(
                    lang,
                    "Line {}: there is no department {}. Departments: {}.",
                    "Ligne {} : il n'y a pas de rayon {}. Rayons : {}.",
                    n,
                    id,
                    refs.departments
                        .iter()
                        .map(dept_label)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
        (None, Some(name)) => {
            let norm = search::normalize(name);
            refs.departments
                .iter()
                .find(|d| search::normalize(d.title.as_deref().unwrap_or("")) == norm)
                .ok_or_else(|| {
                    ToolError::Invalid(tr!(
                        lang,
                        "Line {}: no department is called \"{}\".{}",
                        "Ligne {} : aucun rayon ne s'appelle « {} ».{}",
                        n,
                        name,
                        candidates(lang, name, &refs.departments, dept_label)
                    ))
                })?
        }
        (None, None) => {
            return Err(ToolError::Invalid(tr!(
                lang,
                "Line {}: a dept line needs `departmentId`.",
                "Ligne {} : une ligne dept demande `departmentId`.",
                n
            )));
        }
    };
    let price = item.price.ok_or_else(|| {
        ToolError::Invalid(tr!(
            lang,
            "Line {}: a dept line needs `price` (euros, VAT included).",
            "Ligne {} : une ligne dept demande `price` (euros TTC).",
            n
        ))
    })?;
    check_amount(lang, n, lang.pick("price", "prix"), price)?;
    let title = item
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| dept.title.clone())
        .unwrap_or_else(|| format!("#{}", dept.id));
    check_text(lang, n, lang.pick("title", "libellé"), &title)?;
    let vat_rate = if eat_in {
        vat_for(refs, dept.eat_in_vat_id).or(dept.vat_rate)
    } else {
        vat_for(refs, dept.vat_id).or(dept.vat_rate)
    };
    Ok(ResolvedLine {
        kind: "dept".into(),
        product: None,
        department: Some(dept.id.0),
        quantity: Decimal::ONE,
        title_override: None,
        price_override: None,
        title,
        unit_price: price,
        total: price,
        vat_rate,
        variations: Vec::new(),
        variation_titles: Vec::new(),
    })
}

fn resolve_free(lang: Lang, n: usize, item: &FreeItem) -> ToolResult<ResolvedLine> {
    let price = item.price.ok_or_else(|| {
        ToolError::Invalid(tr!(
            lang,
            "Line {}: a free line needs `price` (euros, VAT included).",
            "Ligne {} : une ligne libre demande `price` (euros TTC).",
            n
        ))
    })?;
    check_amount(lang, n, lang.pick("price", "prix"), price)?;
    let title = item
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            ToolError::Invalid(tr!(
                lang,
                "Line {}: a free line needs a `title`.",
                "Ligne {} : une ligne libre demande un `title`.",
                n
            ))
        })?;
    check_text(lang, n, lang.pick("title", "libellé"), &title)?;
    Ok(ResolvedLine {
        kind: "free".into(),
        product: None,
        department: None,
        quantity: Decimal::ONE,
        title_override: None,
        price_override: None,
        title,
        unit_price: price,
        total: price,
        vat_rate: None,
        variations: Vec::new(),
        variation_titles: Vec::new(),
    })
}

fn mode_label(m: &PaymentMode) -> String {
    format!(
        "{} (#{}{})",
        m.title.clone().unwrap_or_default(),
        m.id,
        m.kind
            .as_ref()
            .map(|k| format!(", {k}"))
            .unwrap_or_default()
    )
}

fn resolve_payment(
    lang: Lang,
    arg: Option<&PaymentArg>,
    modes: &[PaymentMode],
) -> ToolResult<(i64, Option<String>)> {
    let listed = || modes.iter().map(mode_label).collect::<Vec<_>>().join(", ");
    let Some(arg) = arg else {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`payment` is required: -2 for a quote, -1 for validated but unpaid, or the id of the payment mode used ({}).",
            "`payment` est obligatoire : -2 pour un devis, -1 pour validée non payée, ou l'identifiant du mode de paiement utilisé ({}).",
            listed()
        )));
    };
    let by_id = |id: i64| {
        modes
            .iter()
            .find(|m| i64::try_from(m.id.0).ok() == Some(id))
    };
    match arg {
        PaymentArg::Code(-2) => Ok((-2, None)),
        PaymentArg::Code(-1) => Ok((-1, None)),
        PaymentArg::Code(id) if *id > 0 => match by_id(*id) {
            Some(m) => Ok((*id, m.title.clone())),
            None => Err(ToolError::Invalid(tr!(
                lang,
                "There is no payment mode {}. Use -2 (quote), -1 (unpaid) or one of: {}.",
                "Il n'y a pas de mode de paiement {}. Utilisez -2 (devis), -1 (non payée) ou l'un de : {}.",
                id,
                listed()
            ))),
        },
        PaymentArg::Code(other) => Err(ToolError::Invalid(tr!(
            lang,
            "`payment` = {} is not valid: use -2 (quote), -1 (unpaid) or a payment mode id ({}).",
            "`payment` = {} n'est pas valide : utilisez -2 (devis), -1 (non payée) ou un mode de paiement ({}).",
            other,
            listed()
        ))),
        PaymentArg::Name(name) => {
            let norm = search::normalize(name);
            match norm.as_str() {
                "quote" | "devis" => return Ok((-2, None)),
                "unpaid" | "non paye" | "non payee" | "a payer" => return Ok((-1, None)),
                _ => {}
            }
            let kind = match norm.as_str() {
                "cash" | "especes" | "liquide" => Some(PaymentKind::Cash),
                "card" | "carte" | "cb" | "credit card" | "carte bancaire" | "bank card" => {
                    Some(PaymentKind::CreditCard)
                }
                "cheque" | "check" => Some(PaymentKind::Check),
                "meal voucher" | "ticket restaurant" | "titre restaurant" => {
                    Some(PaymentKind::MealVoucher)
                }
                "transfer" | "virement" | "bank transfer" => Some(PaymentKind::BankTransfer),
                _ => None,
            };
            let by_kind: Vec<&PaymentMode> = kind
                .map(|k| {
                    modes
                        .iter()
                        .filter(|m| m.kind.as_ref().is_some_and(|x| x.kind == k && !x.refund))
                        .collect()
                })
                .unwrap_or_default();
            let by_title: Vec<&PaymentMode> = modes
                .iter()
                .filter(|m| search::normalize(m.title.as_deref().unwrap_or("")) == norm)
                .collect();
            let found = if by_title.len() == 1 {
                by_title.first().copied()
            } else if by_kind.len() == 1 {
                by_kind.first().copied()
            } else {
                None
            };
            match found {
                Some(m) => Ok((i64::try_from(m.id.0).unwrap_or(-1), m.title.clone())),
                None => Err(ToolError::Invalid(tr!(
                    lang,
                    "\"{}\" is not a payment mode of this shop: use -2 (quote), -1 (unpaid) or one of: {}.",
                    "« {} » n'est pas un mode de paiement de cette boutique : utilisez -2 (devis), -1 (non payée) ou l'un de : {}.",
                    name,
                    listed()
                ))),
            }
        }
    }
}

fn table_label(t: &Table) -> String {
    format!(
        "\"{}\" (id {}{})",
        t.title.clone().unwrap_or_default(),
        t.id,
        t.room
            .as_deref()
            .map(|r| format!(", {r}"))
            .unwrap_or_default()
    )
}

async fn resolve(ctx: &Ctx<'_>, shop: &Shop, args: &SaleArgs) -> ToolResult<Resolved> {
    let lang = ctx.lang;
    if args.items.is_empty() {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`items` is empty: a sale needs at least one line (catalog, dept or free).",
            "`items` est vide : une vente demande au moins une ligne (catalog, dept ou free)."
        )));
    }
    let refs = refs(ctx, shop).await?;
    let method = args.delivery_method.as_ref().and_then(MethodName::method);
    let eat_in = method == Some(DeliveryMethod::EatIn);
    let mut lines = Vec::with_capacity(args.items.len());
    for (i, item) in args.items.iter().enumerate() {
        let n = i + 1;
        lines.push(match item {
            ItemArg::Catalog(c) => resolve_catalog(lang, n, c, &refs, eat_in)?,
            ItemArg::Dept(d) => resolve_dept(lang, n, d, &refs, eat_in)?,
            ItemArg::Free(f) => resolve_free(lang, n, f)?,
        });
    }
    let (payment, payment_mode) =
        resolve_payment(lang, args.payment.as_ref(), &refs.payment_modes)?;
    let cache = &ctx.inner.catalog;

    if args.id_client.is_some() && args.client.is_some() {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Give either `idClient` (an existing customer) or `client` (a new one), not both.",
            "Donnez soit `idClient` (un client existant), soit `client` (un nouveau), pas les deux."
        )));
    }
    let (customer, customer_name) = match args.id_client {
        Some(id) => {
            let customers: Arc<Vec<Customer>> = cache
                .list::<kash_api::customers::Customers>(shop)
                .await
                .map_err(load_err(lang))?;
            let c = customers.iter().find(|c| c.id == id).ok_or_else(|| {
                ToolError::Invalid(tr!(
                    lang,
                    "There is no customer {}. Search with data_list_clients (query by name or phone), or create one with `client`.",
                    "Il n'y a pas de client {}. Cherchez avec data_list_clients (query par nom ou téléphone), ou créez-le avec `client`.",
                    id
                ))
            })?;
            (Some(id.0), Some(c.display_name()))
        }
        None => (None, None),
    };
    if let Some(c) = &args.client {
        let named = [&c.firstname, &c.lastname, &c.email, &c.phone]
            .iter()
            .any(|v| v.as_ref().is_some_and(|s| !s.trim().is_empty()));
        if !named {
            return Err(ToolError::Invalid(tr!(
                lang,
                "The new `client` needs at least a name, an email or a phone.",
                "Le nouveau `client` demande au moins un nom, un email ou un téléphone."
            )));
        }
        if let Some(country) = c.country.as_deref().filter(|x| !x.trim().is_empty()) {
            let t = country.trim();
            if t.len() != 2 || !t.chars().all(|x| x.is_ascii_alphabetic()) {
                return Err(ToolError::Invalid(tr!(
                    lang,
                    "`client.country` must be a two-letter ISO code such as FR, BE or CH, got \"{}\".",
                    "`client.country` doit être un code ISO à deux lettres comme FR, BE ou CH, reçu « {} ».",
                    t
                )));
            }
        }
    }
    let (table, table_name) = match (args.table, args.table_number.as_deref()) {
        (None, None) => (None, None),
        (id, number) => {
            let tables: Arc<Vec<Table>> =
                cache.list::<Tables>(shop).await.map_err(load_err(lang))?;
            let all = || {
                tables
                    .iter()
                    .map(table_label)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let by_number = |num: &str| {
                let norm = search::normalize(num);
                tables
                    .iter()
                    .find(|t| search::normalize(t.title.as_deref().unwrap_or("")) == norm)
            };
            match (id, number) {
                (Some(id), number) => {
                    let t = tables.iter().find(|t| t.id == id).ok_or_else(|| {
                        let named = by_number(&id.to_string());
                        ToolError::Invalid(match named {
                            Some(t) => tr!(
                                lang,
                                "There is no table with id {}; the table numbered \"{}\" has id {}. Pass `tableNumber: \"{}\"` or `table: {}`.",
                                "Il n'y a pas de table d'identifiant {} ; la table numéro « {} » a l'identifiant {}. Passez `tableNumber: \"{}\"` ou `table: {}`.",
                                id,
                                id,
                                t.id,
                                id,
                                t.id
                            ),
                            None => tr!(
                                lang,
                                "There is no table with id {}. Tables: {}.",
                                "Il n'y a pas de table d'identifiant {}. Tables : {}.",
                                id,
                                all()
                            ),
                        })
                    })?;
                    if let Some(num) = number
                        && by_number(num).map(|x| x.id) != Some(t.id)
                    {
                        return Err(ToolError::Invalid(tr!(
                            lang,
                            "`table` {} and `tableNumber` \"{}\" do not name the same table; give one of them.",
                            "`table` {} et `tableNumber` « {} » ne désignent pas la même table ; donnez l'un des deux.",
                            id,
                            num
                        )));
                    }
                    (Some(t.id.0), t.title.clone())
                }
                (None, Some(num)) => {
                    let t = by_number(num).ok_or_else(|| {
                        ToolError::Invalid(tr!(
                            lang,
                            "No table is numbered \"{}\". Tables: {}.",
                            "Aucune table ne porte le numéro « {} ». Tables : {}.",
                            num,
                            all()
                        ))
                    })?;
                    (Some(t.id.0), t.title.clone())
                }
                (None, None) => (None, None),
            }
        }
    };
    let cashbox = match args.cashbox {
        Some(id) => {
            let boxes = cache
                .list::<Cashboxes>(shop)
                .await
                .map_err(load_err(lang))?;
            if !boxes.iter().any(|b| b.id == id) {
                return Err(ToolError::Invalid(tr!(
                    lang,
                    "There is no cash register {}. Cash registers: {}.",
                    "Il n'y a pas de caisse {}. Caisses : {}.",
                    id,
                    boxes
                        .iter()
                        .map(|b| format!("{} (#{})", b.title.clone().unwrap_or_default(), b.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Some(id.0)
        }
        None => None,
    };
    let user = match args.user {
        Some(id) => {
            let users = cache.list::<Users>(shop).await.map_err(load_err(lang))?;
            if !users.iter().any(|u| u.id == id) {
                return Err(ToolError::Invalid(tr!(
                    lang,
                    "There is no user {}. Users: {}.",
                    "Il n'y a pas d'utilisateur {}. Utilisateurs : {}.",
                    id,
                    users
                        .iter()
                        .map(|u| format!(
                            "{} {} (#{})",
                            u.first_name.clone().unwrap_or_default(),
                            u.name.clone().unwrap_or_default(),
                            u.id
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Some(id.0)
        }
        None => None,
    };
    for (what, text) in [
        ("publicComment", &args.public_comment),
        ("privateComment", &args.private_comment),
    ] {
        if let Some(t) = text
            && t.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(ToolError::Invalid(tr!(
                lang,
                "`{}` contains control characters.",
                "`{}` contient des caractères de contrôle.",
                what
            )));
        }
    }
    let today = ctx.now().to_zoned(ctx.tz().clone()).date();
    let value_date = match args.value_date.as_deref() {
        None => None,
        Some(text) => {
            check_offset(lang, "valueDate", text)?;
            let z = crate::period::parse_bound(text, ctx.tz(), false).ok_or_else(|| {
                ToolError::Invalid(tr!(
                    lang,
                    "`valueDate` = \"{}\" is not an ISO 8601 date or date-time.",
                    "`valueDate` = « {} » n'est pas une date ISO 8601.",
                    text
                ))
            })?;
            let earliest = today
                .checked_sub(jiff::Span::new().years(2))
                .unwrap_or(today);
            if z.date() > today || z.date() < earliest {
                return Err(ToolError::Invalid(tr!(
                    lang,
                    "`valueDate` = {} is out of range: a sale is dated from {} to today ({}).",
                    "`valueDate` = {} est hors limites : une vente est datée du {} à aujourd'hui ({}).",
                    z.date(),
                    earliest,
                    today
                )));
            }
            // A date alone: noon that day, clear of any time-zone edge.
            let z = if text.trim().len() == 10 {
                z.checked_add(jiff::SignedDuration::from_hours(12))
                    .unwrap_or(z)
            } else {
                z
            };
            Some(z.timestamp().as_second())
        }
    };
    let due = match args.delivery_time.as_deref() {
        None => None,
        Some(text) => {
            let day = value_date
                .and_then(|s| jiff::Timestamp::from_second(s).ok())
                .map_or(today, |t| t.to_zoned(ctx.tz().clone()).date());
            Some(due_time(lang, text, day, today)?)
        }
    };
    let total: Decimal = lines.iter().map(|l| l.total).sum();
    let vat = if lines.iter().all(|l| l.vat_rate.is_some()) {
        let mut by_rate: BTreeMap<Decimal, Decimal> = BTreeMap::new();
        for l in &lines {
            if let Some(r) = l.vat_rate {
                *by_rate.entry(r.normalize()).or_default() += l.total;
            }
        }
        by_rate
            .into_iter()
            .map(|(r, ttc)| (r, (ttc * r / (Decimal::ONE_HUNDRED + r)).round_dp(2)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Resolved {
        lines,
        payment,
        payment_mode,
        delivery_method: method.map(DeliveryMethod::code),
        user,
        customer,
        customer_name,
        new_customer: args.client.clone(),
        table,
        table_name,
        cashbox,
        covers: args.covers,
        public_comment: args.public_comment.clone().filter(|s| !s.trim().is_empty()),
        private_comment: args
            .private_comment
            .clone()
            .filter(|s| !s.trim().is_empty()),
        pager: args.pager,
        value_date,
        due: due.map(|d| crate::views::due_text(&d)),
        total,
        vat,
    })
}

/// Refuses a UTC offset no place uses (`+25:00` would date a sale on the wrong day).
fn check_offset(lang: Lang, what: &str, text: &str) -> ToolResult<()> {
    let t = text.trim();
    let tail = t.get(t.len().saturating_sub(6)..).unwrap_or("");
    if t.len() > 16
        && (tail.starts_with('+') || tail.starts_with('-'))
        && tail.get(3..4) == Some(":")
    {
        let hours: u32 = tail.get(1..3).and_then(|h| h.parse().ok()).unwrap_or(99);
        let minutes: u32 = tail.get(4..6).and_then(|m| m.parse().ok()).unwrap_or(99);
        if hours > 14 || minutes > 59 || (hours == 14 && minutes > 0) {
            return Err(ToolError::Invalid(tr!(
                lang,
                "`{}` has the offset {}, which no time zone uses (from -12:00 to +14:00).",
                "`{}` a le décalage {}, qu'aucun fuseau n'utilise (de -12:00 à +14:00).",
                what,
                tail
            )));
        }
    }
    Ok(())
}

/// A delivery or pickup time: `HH:MM` on `day`, or `YYYY-MM-DDTHH:MM`, from a year before
/// today to a year after.
fn due_time(
    lang: Lang,
    text: &str,
    day: jiff::civil::Date,
    today: jiff::civil::Date,
) -> ToolResult<jiff::civil::DateTime> {
    let t = text.trim();
    let (date, time) = match t.len() {
        5 => (Some(day), t),
        16 => (
            t.get(..10).and_then(|d| d.parse().ok()),
            t.get(11..).unwrap_or(""),
        ),
        _ => (None, ""),
    };
    let hm: Option<(i8, i8)> = time
        .split_once(':')
        .and_then(|(h, m)| Some((h.parse().ok()?, m.parse().ok()?)));
    let at = date
        .zip(hm)
        .and_then(|(d, (h, m))| jiff::civil::Time::new(h, m, 0, 0).ok().map(|t| d.to_datetime(t)))
        .ok_or_else(|| {
            ToolError::Invalid(tr!(
                lang,
                "`deliveryTime` = \"{}\" is not a time: use HH:MM (e.g. 18:15) or YYYY-MM-DDTHH:MM.",
                "`deliveryTime` = « {} » n'est pas une heure : utilisez HH:MM (par exemple 18:15) ou AAAA-MM-JJTHH:MM.",
                t
            ))
        })?;
    let (earliest, latest) = (
        today
            .checked_sub(jiff::Span::new().years(1))
            .unwrap_or(today),
        today
            .checked_add(jiff::Span::new().years(1))
            .unwrap_or(today),
    );
    if at.date() < earliest || at.date() > latest {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`deliveryTime` = {} is out of range: from {} to {}.",
            "`deliveryTime` = {} est hors limites : du {} au {}.",
            at.date(),
            earliest,
            latest
        )));
    }
    Ok(at)
}

impl Resolved {
    /// The sale as sent, with `mark` at the end of its private comment.
    fn new_sale(&self, mark: Option<&str>) -> NewSale {
        let payment = match self.payment {
            -2 => PaymentState::Quote,
            -1 => PaymentState::Unpaid,
            id => PaymentState::Paid(PaymentModeId(u64::try_from(id).unwrap_or(0))),
        };
        let mut sale = NewSale::new(payment);
        for l in &self.lines {
            let line: SaleLine = match l.kind.as_str() {
                "catalog" => {
                    let mut c = CatalogLine::new(ProductId(l.product.unwrap_or(0)), l.quantity);
                    if let Some(t) = &l.title_override {
                        c = c.title(t.clone());
                    }
                    if let Some(p) = l.price_override {
                        c = c.price(p);
                    }
                    for v in &l.variations {
                        c = c.variation(VariationChoiceId(*v));
                    }
                    c.into()
                }
                "dept" => SaleLine::department(
                    DepartmentId(l.department.unwrap_or(0)),
                    l.unit_price,
                    l.title.clone(),
                ),
                _ => SaleLine::free(l.unit_price, l.title.clone()),
            };
            sale = sale.line(line);
        }
        if let Some(m) = self.delivery_method {
            sale = sale.delivery_method(DeliveryMethod::from_code(m));
        }
        if let Some(u) = self.user {
            sale = sale.user(UserId(u));
        }
        if let Some(c) = self.customer {
            sale = sale.customer(CustomerId(c));
        }
        if let Some(c) = &self.new_customer {
            let mut nc = NewCustomer::new();
            nc.first_name = c.firstname.clone();
            nc.last_name = c.lastname.clone();
            nc.email = c.email.clone();
            nc.phone = c.phone.clone();
            nc.phone2 = c.phone2.clone();
            nc.address = c.address.clone();
            nc.address2 = c.address2.clone();
            nc.address_comment = c.address_comment.clone();
            nc.zip = c.zip.clone();
            nc.city = c.city.clone();
            nc.country = c.country.clone();
            nc.vat_number = c.vat_number.clone();
            nc.company_registration = c.company_registration.clone();
            nc.barcode = c.barcode.clone();
            nc.lat = c.lat.and_then(|d| d.to_string().parse().ok());
            nc.lng = c.lng.and_then(|d| d.to_string().parse().ok());
            sale = sale.new_customer(nc);
        }
        if let Some(t) = self.table {
            sale = sale.table(TableId(t));
        }
        if let Some(c) = self.cashbox {
            sale = sale.cashbox(CashboxId(c));
        }
        if let Some(c) = self.covers {
            sale = sale.covers(c);
        }
        if let Some(c) = self.printed_comment() {
            sale = sale.public_comment(c);
        }
        let private = match (self.private_comment.as_deref(), mark) {
            (Some(c), Some(m)) => Some(format!("{c} {m}")),
            (Some(c), None) => Some(c.to_owned()),
            (None, Some(m)) => Some(m.to_owned()),
            (None, None) => None,
        };
        if let Some(c) = private {
            sale = sale.private_comment(c);
        }
        if let Some(p) = self.pager {
            sale = sale.pager(p);
        }
        if let Some(at) = self
            .value_date
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
        {
            sale = sale.value_date(at);
        }
        sale
    }

    fn customer_name(&self) -> Option<String> {
        self.customer_name.clone().or_else(|| {
            self.new_customer.as_ref().map(|c| {
                format!(
                    "{} {}",
                    c.firstname.clone().unwrap_or_default(),
                    c.lastname.clone().unwrap_or_default()
                )
                .trim()
                .to_owned()
            })
        })
    }

    /// "2 × Café 2.40, 1 × Croissant 1.20 — total 3.60 €, table 84, validated, unpaid".
    /// The public comment as sent: the delivery time's mark first, then the caller's comment.
    fn printed_comment(&self) -> Option<String> {
        let mark = self.due.as_deref().map(crate::views::due_mark);
        match (mark, self.public_comment.as_deref()) {
            (Some(m), Some(c)) => Some(format!("{m} {c}")),
            (Some(m), None) => Some(m),
            (None, Some(c)) => Some(c.to_owned()),
            (None, None) => None,
        }
    }

    fn describe(&self, lang: Lang, pos_total: Option<Decimal>) -> String {
        let num = |d: Decimal| {
            let s = format!("{:.2}", d.round_dp(2));
            if lang == Lang::Fr {
                s.replace('.', ",")
            } else {
                s
            }
        };
        let lines: Vec<String> = self
            .lines
            .iter()
            .map(|l| {
                let vars = if l.variation_titles.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", l.variation_titles.join(", "))
                };
                format!(
                    "{} × {}{} {}",
                    i18n::quantity(lang, l.quantity),
                    l.title,
                    vars,
                    num(l.total)
                )
            })
            .collect();
        let total = pos_total.unwrap_or(self.total);
        let mut out = format!("{} — total {}", lines.join(", "), i18n::money(lang, total));
        if let Some(t) = &self.table_name {
            out.push_str(&format!(", table {t}"));
        } else if let Some(m) = self.delivery_method {
            out.push_str(&format!(
                ", {}",
                delivery_method_label(lang, DeliveryMethod::from_code(m).name())
            ));
        }
        if let Some(c) = self.customer_name() {
            out.push_str(&tr!(lang, ", customer {}", ", client {}", c));
        }
        out.push_str(", ");
        out.push_str(&match self.payment {
            -2 => lang
                .pick("quote (not validated)", "devis (non validé)")
                .to_owned(),
            -1 => lang
                .pick("validated, unpaid", "validée, non payée")
                .to_owned(),
            _ => tr!(
                lang,
                "paid ({})",
                "payée ({})",
                self.payment_mode.clone().unwrap_or_default()
            ),
        });
        if let Some(d) = self.due.as_deref() {
            out.push_str(&tr!(lang, ", due {}", ", pour {}", d));
        }
        if let Some(p) = self.public_comment.as_deref() {
            out.push_str(&format!(" — « {p} »"));
        }
        out
    }

    fn output(&self, status: &str, message: String) -> SaleOutput {
        SaleOutput {
            status: status.to_owned(),
            replay: false,
            order_id: None,
            number: None,
            preview_id: None,
            preview_expires_at: None,
            lines: self
                .lines
                .iter()
                .map(|l| PricedLine {
                    kind: l.kind.clone(),
                    title: l.title.clone(),
                    product_id: l.product,
                    department_id: l.department,
                    quantity: l.quantity.normalize().to_string(),
                    unit_price: format!("{:.2}", l.unit_price),
                    total: format!("{:.2}", l.total),
                    vat_rate: l.vat_rate.map(|r| r.normalize().to_string()),
                    variations: l.variation_titles.clone(),
                })
                .collect(),
            total: format!("{:.2}", self.total),
            pos_total: None,
            vat: self
                .vat
                .iter()
                .map(|(r, a)| VatOut {
                    rate: r.normalize().to_string(),
                    amount: format!("{a:.2}"),
                })
                .collect(),
            payment_state: match self.payment {
                -2 => "quote",
                -1 => "unpaid",
                _ => "paid",
            }
            .into(),
            payment_mode: self.payment_mode.clone(),
            delivery_method: self
                .delivery_method
                .map(|m| DeliveryMethod::from_code(m).name().to_owned()),
            customer: self.customer_name().map(|name| CustomerOut {
                id: self.customer,
                name,
                new: self.new_customer.is_some(),
            }),
            table: self.table_name.clone(),
            delivery_at: self.due.as_ref().map(|d| d.replacen(' ', "T", 1)),
            idempotency_key: None,
            message,
        }
    }
}

mod record;

// ---------------------------------------------------------------------------------------
// Previews

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Preview {
    digest: String,
    sale: Resolved,
    expires_at: String,
}

fn store_err(e: crate::store::StoreError) -> ToolError {
    ToolError::Upstream(e.to_string())
}

// ---------------------------------------------------------------------------------------
// The tool

pub(crate) async fn call(ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let raw = ctx.args().cloned().unwrap_or_default();
    let control: Control = crate::args::parse(lang, Some(&raw))?;
    let mut sale_map = raw.clone();
    for k in CONTROL_KEYS {
        sale_map.remove(k);
    }
    let has_sale_args = !sale_map.is_empty();
    let args: SaleArgs = crate::args::parse(lang, Some(&sale_map))?;
    let digest = confirm::digest("sale_create", &args);
    let shop = ctx.shop().await?;
    let tenant = shop.tenant.clone();
    let store = &ctx.inner.store;
    let config = &ctx.inner.config;

    if control.dry_run == Some(true) && control.confirm_preview_id.is_some() {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`dryRun` and `confirmPreviewId` cannot be combined: preview first, then confirm.",
            "`dryRun` et `confirmPreviewId` ne se combinent pas : aperçu d'abord, puis confirmation."
        )));
    }

    // 1. Which sale, and under which record key.
    let (resolved, record_key, digest) = if let Some(pid) = control.confirm_preview_id.as_deref() {
        let preview: Preview = store
            .get_json(&format!("preview:{tenant}:{pid}"))
            .await
            .map_err(store_err)?
            .ok_or_else(|| {
                ToolError::Invalid(tr!(
                    lang,
                    "No preview {} (unknown or expired after {} minutes). Make a new one with dryRun: true.",
                    "Aucun aperçu {} (inconnu ou expiré après {} minutes). Refaites-en un avec dryRun: true.",
                    pid,
                    config.preview_ttl.as_secs() / 60
                ))
            })?;
        if has_sale_args && preview.digest != digest {
            return Err(ToolError::Invalid(tr!(
                lang,
                "These arguments differ from preview {}: confirm with `confirmPreviewId` alone, or make a new preview.",
                "Ces arguments diffèrent de l'aperçu {} : confirmez avec `confirmPreviewId` seul, ou refaites un aperçu.",
                pid
            )));
        }
        (
            preview.sale,
            Some(format!("sale:{tenant}:preview:{pid}")),
            preview.digest,
        )
    } else {
        let resolved = resolve(ctx, &shop, &args).await?;
        let key = control
            .idempotency_key
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| format!("sale:{tenant}:key:{k}"));
        (resolved, key, digest)
    };

    // 2. A preview.
    if control.dry_run == Some(true) {
        let preview_id = uuid::Uuid::new_v4().simple().to_string();
        let expires = ctx
            .now()
            .checked_add(jiff::SignedDuration::try_from(config.preview_ttl).unwrap_or_default())
            .unwrap_or(ctx.now());
        let preview = Preview {
            digest: digest.clone(),
            sale: resolved.clone(),
            expires_at: expires
                .to_zoned(ctx.tz().clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
        };
        store
            .set_json(
                &format!("preview:{tenant}:{preview_id}"),
                &preview,
                config.preview_ttl,
            )
            .await
            .map_err(store_err)?;
        let message = tr!(
            lang,
            "Preview, NOT recorded: {}. To record it, call sale_create with confirmPreviewId \"{}\" (valid {} minutes).",
            "Aperçu, NON enregistré : {}. Pour l'enregistrer, appelez sale_create avec confirmPreviewId « {} » (valable {} minutes).",
            resolved.describe(lang, None),
            preview_id,
            config.preview_ttl.as_secs() / 60
        );
        let mut out = resolved.output("preview", message.clone());
        out.preview_id = Some(preview_id);
        out.preview_expires_at = Some(preview.expires_at);
        return done(message, &out);
    }

    // 3. Which key, and how the caller repeats the call: a one-step sale without a key gets
    // one, so that a doubtful outcome can always be resolved.
    let (record_key, handle) = match (record_key, control.confirm_preview_id.as_deref()) {
        (Some(k), Some(pid)) => (k, record::Handle::Preview(pid.to_owned())),
        (Some(k), None) => (
            k,
            record::Handle::Key(
                control
                    .idempotency_key
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or_default()
                    .to_owned(),
            ),
        ),
        (None, _) => {
            let made_up = uuid::Uuid::new_v4().simple().to_string();
            (
                format!("sale:{tenant}:key:{made_up}"),
                record::Handle::Key(made_up),
            )
        }
    };

    // 4. Already seen? The receipt again, or a check of the POS; never a blind resend.
    if let Some(response) =
        record::seen(ctx, &shop, &resolved, &record_key, &digest, &handle).await?
    {
        return Ok(response);
    }

    // 5. The user's confirmation.
    if config.confirm_sales {
        let question = tr!(
            lang,
            "Record this sale? {}",
            "Enregistrer cette vente ? {}",
            resolved.describe(lang, None)
        );
        let nothing = lang.pick(
            "The sale was not recorded.",
            "La vente n'a pas été enregistrée.",
        );
        match confirm::ask(ctx, &tenant, &digest, &question, nothing).await? {
            Confirmation::Confirmed => {}
            Confirmation::Ask(response) => return Ok(*response),
        }
    }

    // 6. Claim the key and send, once.
    record::send_new(ctx, &shop, &resolved, &record_key, &digest, &handle).await
}

/// What a sent sale changes in the caches: the catalogue's stock and customers, the pages of
/// orders, and a past day the analytics may have cached.
async fn after_sale(ctx: &Ctx<'_>, shop: &Shop, resolved: &Resolved) {
    ctx.inner.catalog.invalidate(
        &shop.tenant,
        &[
            <Products as kash_api::lists::ListKind>::SCRIPT,
            <kash_api::customers::Customers as kash_api::lists::ListKind>::SCRIPT,
        ],
    );
    ctx.inner.pages.forget(&shop.tenant);
    if let Some(at) = resolved.value_date
        && let Ok(ts) = jiff::Timestamp::from_second(at)
    {
        crate::analytics::loader::invalidate(ctx, shop, ts.to_zoned(ctx.tz().clone()).date()).await;
    }
}

fn recorded(
    lang: Lang,
    resolved: &Resolved,
    order_id: Option<u64>,
    number: Option<String>,
    pos_total: Option<Decimal>,
    customer_id: Option<u64>,
) -> SaleOutput {
    let shown_total = pos_total.filter(|t| *t != resolved.total);
    let id = order_id
        .map(|i| i.to_string())
        .unwrap_or_else(|| lang.pick("(no number given)", "(sans numéro)").to_owned());
    let mut message = tr!(
        lang,
        "Recorded order {}: {}",
        "Commande {} enregistrée : {}",
        id,
        resolved.describe(lang, pos_total)
    );
    if let Some(t) = shown_total {
        message.push_str(&tr!(
            lang,
            " (the POS computed {}, the catalogue prices gave {})",
            " (la caisse a calculé {}, les prix du catalogue donnaient {})",
            i18n::money(lang, t),
            i18n::money(lang, resolved.total)
        ));
    }
    let mut out = resolved.output("recorded", message);
    out.order_id = order_id;
    out.number = number;
    out.pos_total = pos_total.map(|t| format!("{t:.2}"));
    if let (Some(c), Some(id)) = (out.customer.as_mut(), customer_id) {
        c.id = Some(id);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_the_store_round_trip() {
        let out = SaleOutput {
            status: "recorded".into(),
            replay: false,
            order_id: Some(7),
            number: None,
            preview_id: None,
            preview_expires_at: None,
            lines: vec![PricedLine {
                kind: "free".into(),
                title: "x".into(),
                product_id: None,
                department_id: None,
                quantity: "1".into(),
                unit_price: "1.00".into(),
                total: "1.00".into(),
                vat_rate: None,
                variations: Vec::new(),
            }],
            total: "1.00".into(),
            pos_total: None,
            vat: Vec::new(),
            payment_state: "unpaid".into(),
            payment_mode: None,
            delivery_method: None,
            customer: None,
            table: None,
            delivery_at: None,
            idempotency_key: None,
            message: "m".into(),
        };
        use record::Record;
        for record in [
            Record::Recorded {
                digest: "d".into(),
                output: out.clone(),
            },
            Record::Uncertain {
                digest: "d".into(),
                output: out,
                sent_at: 1_700_000_000,
                attempt: 1,
            },
            Record::Sending {
                digest: "d".into(),
                sent_at: 1_700_000_000,
                attempt: 0,
            },
        ] {
            let bytes = serde_json::to_vec(&record).unwrap();
            let back: Record = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(
                serde_json::to_value(&back).unwrap(),
                serde_json::to_value(&record).unwrap()
            );
        }
    }
}
