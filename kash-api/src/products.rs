//! Catalogue articles ("PLU"): `getPlus.php`, `addPlu.php`, `editPlu.php`, `delPlu.php`.
//!
//! Stock is the product's `stock` field: "set the croissant stock to 40" is
//! [`KashClient::update_product`](crate::KashClient::update_product) with
//! [`ProductFields::stock`].

use rust_decimal::Decimal;

use crate::de::LenientList;
use crate::error::{KashError, Result};
use crate::ids::{DepartmentId, DiscountId, ProductId, VariationId, VatRateId};
use crate::lists::list_endpoint;
use crate::wire::wire_record;
use crate::writes::{field_set, non_negative, record, require_text};

wire_record! {
    /// A catalogue article, as listed by `getPlus.php`.
    ///
    /// Field names on the wire are the back office's (French or mixed, see the crate's fixture
    /// notes); every field the model does not name is kept in [`Product::extra`].
    pub struct Product {
        /// Product id; the `productId` of a sale line.
        #[serde(alias = "idPlu", alias = "idplu", alias = "ID", alias = "idArticle")]
        id: ProductId,
        /// Full name.
        title: Option<String> = ["titre", "libelle", "nom", "designation"],
        /// Short name (keyboard button).
        short_title: Option<String> = ["titreCourt", "titre_court"],
        /// Description.
        description: Option<String> = [],
        /// Selling price including VAT.
        price: Option<Decimal> = ["prix", "prixTTC", "prixVente"],
        /// Buying price.
        buying_price: Option<Decimal> = ["prixAchat", "prix_achat"],
        /// Department ("rayon").
        department_id: Option<DepartmentId> = ["idRayon", "deptID", "idDepartement", "rayon_id"],
        /// VAT rate id (takeaway / default).
        vat_id: Option<VatRateId> = ["idTva", "vatID"],
        /// VAT rate in percent, when the list carries it.
        vat_rate: Option<Decimal> = ["tauxTva", "tva"],
        /// VAT rate id for eat-in sales.
        eat_in_vat_id: Option<VatRateId> = ["idTvaSurPlace", "eatinvatID"],
        /// Barcode (EAN).
        barcode: Option<String> = ["codeBarre", "codebarre", "ean"],
        /// Units in stock; `None` when stock is not tracked.
        stock: Option<Decimal> = ["quantiteStock"],
        /// Low-stock threshold.
        stock_alert: Option<Decimal> = ["alerteStock", "seuilAlerte"],
        /// Variations offered for this product (e.g. size, milk), up to five.
        variation_ids: Vec<VariationId> as "LenientList" = ["declinaisons", "variations"],
        /// Discount applied by default.
        discount_id: Option<DiscountId> = ["idRemise", "discountID"],
        /// Internal reference (SKU).
        internal_id: Option<String> = ["refInterne", "internalID", "sku", "reference"],
        /// Hidden from the register keyboard.
        keyboard_hidden: Option<bool> = ["masqueCaisse", "keyboardHide"],
        /// Hidden from the online shop.
        shop_hidden: Option<bool> = ["masqueBoutique", "shopHide"],
        /// Display order.
        position: Option<i64> = [],
        /// Needs kitchen preparation.
        needs_preparation: Option<bool> = ["preparation", "needPrepa"],
    }
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
