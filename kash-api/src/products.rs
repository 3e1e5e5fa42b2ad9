//! Catalogue articles ("PLU"): `getPlus.php`, `addPlu.php`, `editPlu.php`, `delPlu.php`.
//!
//! Stock is the product's `stock` field: "set the croissant stock to 40" is
//! [`KashClient::update_product`](crate::KashClient::update_product) with
//! [`ProductFields::stock`].

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::de::{Lenient, LenientList};
use crate::error::{KashError, Result};
use crate::ids::{DepartmentId, DiscountId, ProductId, VariationId, VatRateId};
use crate::lists::list_endpoint;
use crate::writes::{field_set, non_negative, record, require_text};

/// A catalogue article, as listed by `getPlus.php`.
///
/// Field names on the wire are the back office's (French or mixed, see the crate's fixture
/// notes); every field the model does not name is kept in [`Product::extra`].
#[serde_with::skip_serializing_none]
#[serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Product {
    /// Product id; the `productId` of a sale line.
    #[serde(alias = "idPlu", alias = "idplu", alias = "ID", alias = "idArticle")]
    pub id: ProductId,
    /// Full name.
    #[serde_as(as = "Lenient")]
    #[serde(
        default,
        alias = "titre",
        alias = "libelle",
        alias = "nom",
        alias = "designation"
    )]
    pub title: Option<String>,
    /// Short name (keyboard button).
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "titreCourt", alias = "titre_court")]
    pub short_title: Option<String>,
    /// Description.
    #[serde_as(as = "Lenient")]
    #[serde(default)]
    pub description: Option<String>,
    /// Selling price including VAT.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "prix", alias = "prixTTC", alias = "prixVente")]
    pub price: Option<Decimal>,
    /// Buying price.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "prixAchat", alias = "prix_achat")]
    pub buying_price: Option<Decimal>,
    /// Department ("rayon").
    #[serde_as(as = "Lenient")]
    #[serde(
        default,
        alias = "idRayon",
        alias = "deptID",
        alias = "idDepartement",
        alias = "rayon_id"
    )]
    pub department_id: Option<DepartmentId>,
    /// VAT rate id (takeaway / default).
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "idTva", alias = "vatID")]
    pub vat_id: Option<VatRateId>,
    /// VAT rate in percent, when the list carries it.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "tauxTva", alias = "tva")]
    pub vat_rate: Option<Decimal>,
    /// VAT rate id for eat-in sales.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "idTvaSurPlace", alias = "eatinvatID")]
    pub eat_in_vat_id: Option<VatRateId>,
    /// Barcode (EAN).
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "codeBarre", alias = "codebarre", alias = "ean")]
    pub barcode: Option<String>,
    /// Units in stock; `None` when stock is not tracked.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "quantiteStock")]
    pub stock: Option<Decimal>,
    /// Low-stock threshold.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "alerteStock", alias = "seuilAlerte")]
    pub stock_alert: Option<Decimal>,
    /// Variations offered for this product (e.g. size, milk), up to five.
    #[serde_as(as = "LenientList")]
    #[serde(default, alias = "declinaisons", alias = "variations")]
    pub variation_ids: Vec<VariationId>,
    /// Discount applied by default.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "idRemise", alias = "discountID")]
    pub discount_id: Option<DiscountId>,
    /// Internal reference (SKU).
    #[serde_as(as = "Lenient")]
    #[serde(
        default,
        alias = "refInterne",
        alias = "internalID",
        alias = "sku",
        alias = "reference"
    )]
    pub internal_id: Option<String>,
    /// Hidden from the register keyboard.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "masqueCaisse", alias = "keyboardHide")]
    pub keyboard_hidden: Option<bool>,
    /// Hidden from the online shop.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "masqueBoutique", alias = "shopHide")]
    pub shop_hidden: Option<bool>,
    /// Display order.
    #[serde_as(as = "Lenient")]
    #[serde(default)]
    pub position: Option<i64>,
    /// Needs kitchen preparation.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "preparation", alias = "needPrepa")]
    pub needs_preparation: Option<bool>,
    /// Every other field the POS sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

list_endpoint! {
    /// `getPlus.php`: the catalogue articles.
    kind Products, item Product, script "getPlus.php", what "products";
    request ListProducts, text ListProductsText;
    fn list_products, list_products_text;
}

field_set! {
    /// The fields of a product, for `addPlu.php` and `editPlu.php`.
    pub struct ProductFields {
        /// Full name (required to create).
        title: String = "title",
        /// Short name for the register keyboard.
        short_title: String = "shortTitle",
        /// Description.
        description: String = "description",
        /// Selling price including VAT (required to create).
        price: Decimal = "price",
        /// Buying price.
        buying_price: Decimal = "buyingPrice",
        /// Department.
        department: DepartmentId = "deptID",
        /// VAT rate (takeaway / default).
        vat: VatRateId = "vatID",
        /// VAT rate for eat-in sales.
        eat_in_vat: VatRateId = "eatinvatID",
        /// Default discount.
        discount: DiscountId = "discountID",
        /// Supplier id.
        supplier_id: i64 = "supplierID",
        /// Unit id.
        unit_id: i64 = "unitID",
        /// Variations (up to five; replaces the current list).
        variations: Vec<VariationId> = "variationID",
        /// Barcode.
        barcode: String = "barcode",
        /// Units in stock (absolute).
        stock: Decimal = "stock",
        /// Low-stock threshold.
        stock_alert: Decimal = "stockAlert",
        /// Consumption date (best before).
        consumption_date: String = "consumptionDate",
        /// Hidden from the online shop.
        shop_hidden: bool = "shopHide",
        /// Hidden from the register keyboard.
        keyboard_hidden: bool = "keyboardHide",
        /// Needs kitchen preparation.
        needs_preparation: bool = "needPrepa",
        /// Preparation time in minutes.
        preparation_minutes: u32 = "prepaLength",
        /// Display order.
        position: i64 = "position",
        /// Calories.
        calories: Decimal = "calories",
        /// Weight.
        weight: Decimal = "weight",
        /// Accounting activity code.
        activity_code: String = "activityCode",
        /// Internal reference (SKU).
        internal_id: String = "internalID",
    }
}

fn validate(fields: &ProductFields, create: bool) -> Result<()> {
    if create {
        require_text("product", "title", fields.title.as_ref())?;
        if fields.price.is_none() {
            return Err(KashError::invalid("a new product needs a price"));
        }
    } else if let Some(t) = &fields.title
        && t.trim().is_empty()
    {
        return Err(KashError::invalid("a product title cannot be empty"));
    }
    non_negative("price", fields.price.as_ref())?;
    non_negative("buying price", fields.buying_price.as_ref())?;
    non_negative("low-stock threshold", fields.stock_alert.as_ref())?;
    Ok(())
}

record! {
    /// Products as a writable record.
    record ProductRecord { what: "product", id: ProductId, fields: ProductFields,
        validate: validate, add: "addPlu.php", delete: "delPlu.php", edit: "editPlu.php" }
    aliases CreateProduct, DeleteProduct, UpdateProduct;
    fn create_product, delete_product, update_product;
}
