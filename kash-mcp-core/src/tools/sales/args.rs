//! `sale_create`'s arguments as the caller gives them (validated against the schema first).

use kash_api::Decimal;
use kash_api::ids::*;
use kash_api::orders::DeliveryMethod;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::tools::common::delivery::MethodArg;

// ---------------------------------------------------------------------------------------
// Arguments

/// A catalogue line as given.
#[serde_as]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct CatalogItem {
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) product_id: Option<ProductId>,
    pub(super) product: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) quantity: Option<Decimal>,
    pub(super) title_override: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) price_override: Option<Decimal>,
    #[serde_as(as = "kash_api::de::LenientList")]
    pub(super) variations: Vec<VariationChoiceId>,
}

/// A department line as given.
#[serde_as]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct DeptItem {
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) department_id: Option<DepartmentId>,
    pub(super) department: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(alias = "priceOverride")]
    pub(super) price: Option<Decimal>,
    #[serde(alias = "titleOverride")]
    pub(super) title: Option<String>,
}

/// A free line as given. (The old server read `priceOverride`/`titleOverride` here; both
/// names work, and `price`/`title` are the documented ones.)
#[serde_as]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct FreeItem {
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(alias = "priceOverride")]
    pub(super) price: Option<Decimal>,
    #[serde(alias = "titleOverride")]
    pub(super) title: Option<String>,
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
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ClientArg {
    #[serde(alias = "firstName", alias = "prenom")]
    pub(super) firstname: Option<String>,
    #[serde(alias = "lastName", alias = "nom")]
    pub(super) lastname: Option<String>,
    pub(super) email: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) phone: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) phone2: Option<String>,
    pub(super) address: Option<String>,
    pub(super) address2: Option<String>,
    pub(super) address_comment: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(alias = "postcode", alias = "zipcode")]
    pub(super) zip: Option<String>,
    pub(super) city: Option<String>,
    pub(super) country: Option<String>,
    pub(super) vat_number: Option<String>,
    pub(super) company_registration: Option<String>,
    pub(super) barcode: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) lat: Option<Decimal>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) lng: Option<Decimal>,
}

/// The sale as described by the caller (everything but the control arguments).
#[serde_as]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct SaleArgs {
    pub(super) items: Vec<ItemArg>,
    pub(super) payment: Option<PaymentArg>,
    pub(super) delivery_method: Option<MethodName>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) id_client: Option<CustomerId>,
    pub(super) client: Option<ClientArg>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) table: Option<TableId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) table_number: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) cashbox: Option<CashboxId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) covers: Option<u32>,
    pub(super) public_comment: Option<String>,
    pub(super) private_comment: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) pager: Option<u32>,
    #[serde_as(as = "kash_api::de::Lenient")]
    pub(super) user: Option<UserId>,
    pub(super) value_date: Option<String>,
    pub(super) delivery_time: Option<String>,
}

/// A delivery method kept as the caller wrote it (so the digest is stable), parsed on use.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub(crate) struct MethodName(pub(super) Value);

impl<'de> Deserialize<'de> for MethodName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        // Validate now, so that a bad value is named precisely.
        let _: MethodArg = serde_json::from_value(v.clone()).map_err(serde::de::Error::custom)?;
        Ok(Self(v))
    }
}

impl MethodName {
    pub(super) fn method(&self) -> Option<DeliveryMethod> {
        serde_json::from_value::<MethodArg>(self.0.clone())
            .ok()
            .map(|m| m.0)
    }
}

#[serde_as]
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Control {
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    pub(super) dry_run: Option<bool>,
    #[serde(default)]
    pub(super) confirm_preview_id: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    pub(super) idempotency_key: Option<String>,
}

pub(super) const CONTROL_KEYS: [&str; 3] = ["dryRun", "confirmPreviewId", "idempotencyKey"];
