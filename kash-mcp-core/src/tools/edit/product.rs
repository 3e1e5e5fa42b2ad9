//! Products: their arguments, their checks against the shop (department, VAT rates,
//! variations), and `stockDelta`, a relative change of the stock ("24 more croissants
//! arrived"): read, then written, with the stock before and after in the answer.

use kash_api::Decimal;
use kash_api::departments::Departments;
use kash_api::ids::{DepartmentId, ProductId, VariationId, VatRateId};
use kash_api::products::{ProductFields, ProductRecord, Products};
use kash_api::variations::Variations;
use serde::Deserialize;
use serde_json::json;
use serde_with::serde_as;

use super::{
    Change, FieldValue, Kind, MAX_PRICE, MAX_STOCK, RecordKind, Words, change, check_ref,
    check_title, check_vat, flag, id_prop, id_value, int, num, text, text_prop, up,
};
use crate::call::Call;
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang};
use crate::schema::Prop;
use crate::shop::Shop;
use crate::store::BoxFuture;
use crate::{t, tr};

/// The arguments of `product_create` and `product_update`.
#[serde_as]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct ProductArgs {
    #[serde_as(as = "kash_api::de::Lenient")]
    product_id: Option<ProductId>,
    title: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    price: Option<Decimal>,
    #[serde_as(as = "kash_api::de::Lenient")]
    department_id: Option<DepartmentId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    vat_id: Option<VatRateId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    eat_in_vat_id: Option<VatRateId>,
    short_title: Option<String>,
    description: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    buying_price: Option<Decimal>,
    #[serde_as(as = "kash_api::de::Lenient")]
    barcode: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    stock: Option<Decimal>,
    #[serde_as(as = "kash_api::de::Lenient")]
    stock_alert: Option<Decimal>,
    #[serde_as(as = "Option<kash_api::de::LenientList>")]
    variations: Option<Vec<VariationId>>,
    internal_id: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    position: Option<i64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    keyboard_hidden: Option<bool>,
    #[serde_as(as = "kash_api::de::Lenient")]
    shop_hidden: Option<bool>,
    #[serde_as(as = "kash_api::de::Lenient")]
    needs_preparation: Option<bool>,
    #[serde_as(as = "kash_api::de::Lenient")]
    stock_delta: Option<Decimal>,
}

/// Products.
pub(super) struct Product;

impl Kind for Product {
    type Id = ProductId;
    type Rec = ProductRecord;
    type List = Products;
    type Args = ProductArgs;

    const RECORD: RecordKind = RecordKind::Product;
    const TOOL: &'static str = "product";
    const TOOLS: [&'static str; 3] = ["product_create", "product_update", "product_delete"];
    const ID_ARG: &'static str = "productId";
    const LIST_TOOL: &'static str = "data_list_products";
    const WORDS: Words = Words {
        en: "product",
        fr_the: "l'article",
        fr_of: "d'article",
    };
    const RENAMES: &'static [(&'static str, &'static str)] = &[
        ("deptID", "departmentId"),
        ("deptId", "departmentId"),
        ("vatID", "vatId"),
        ("eatinvatID", "eatInVatId"),
        ("sku", "internalId"),
    ];
    const STALE: &'static [&'static str] = &[<Products as kash_api::lists::ListKind>::SCRIPT];
    const UPDATE_ONLY: &'static [&'static str] = &["stockDelta"];
    const REQUIRED: &'static [&'static str] = &["title", "price", "departmentId"];
    const IDEMPOTENT_UPDATE: bool = false;
    const TEXTS: [(crate::i18n::Text, crate::i18n::Text); 3] = [
        (
            t!("Create a product", "Créer un article"),
            t!(
                "Create a catalogue article; returns its id. Without vatId the department's VAT applies.",
                "Crée un article du catalogue ; renvoie son identifiant. Sans vatId, la TVA du rayon s'applique."
            ),
        ),
        (
            t!(
                "Update a product or its stock",
                "Modifier un article ou son stock"
            ),
            t!(
                "Change only the given fields of a product; reports each before and after. \"Stock to 40\": stock=40; \"24 more arrived\": stockDelta=24.",
                "Modifie seulement les champs donnés d'un article ; rapporte chacun avant et après. « Stock à 40 » : stock=40 ; « 24 de plus » : stockDelta=24."
            ),
        ),
        (
            t!("Delete a product", "Supprimer un article"),
            t!(
                "Delete a product, once the user confirms (asked by the client, or confirm=true after they agreed).",
                "Supprime un article, une fois confirmé par l'utilisateur (demandé par le client, ou confirm=true après son accord)."
            ),
        ),
    ];

    fn props(create: bool) -> Vec<(&'static str, Prop)> {
        let flag_prop = |en, fr| Prop::boolean(t!(en, fr));
        let mut v = vec![
            ("title", text_prop(200)),
            (
                "price",
                Prop::number(t!("€ incl. VAT.", "€ TTC."))
                    .min(0)
                    .max(MAX_PRICE),
            ),
            ("departmentId", id_prop("", "")),
            (
                "vatId",
                id_prop("VAT rate id.", "Identifiant de taux de TVA."),
            ),
            (
                "eatInVatId",
                id_prop("Eat-in VAT rate id.", "Taux de TVA sur place."),
            ),
            ("shortTitle", text_prop(40)),
            ("description", text_prop(1000)),
            (
                "buyingPrice",
                Prop::number(t!("", "")).min(0).max(MAX_PRICE),
            ),
            ("barcode", text_prop(64)),
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
            ("internalId", text_prop(64)),
            ("position", Prop::integer(t!("", "")).min(0).max(99_999)),
            ("keyboardHidden", flag_prop("", "")),
            (
                "shopHidden",
                flag_prop("Hidden online.", "Masqué en ligne."),
            ),
            ("needsPreparation", flag_prop("", "")),
        ];
        if !create {
            v.insert(0, ("productId", id_prop("", "")));
            v.push((
                "stockDelta",
                Prop::number(t!("+24 arrived, -3 thrown away.", "+24 arrivés, -3 jetés."))
                    .min(-(MAX_STOCK as i64))
                    .max(MAX_STOCK),
            ));
        }
        v
    }

    fn id(args: &ProductArgs) -> Option<ProductId> {
        args.product_id
    }

    fn item_id(item: &kash_api::products::Product) -> ProductId {
        item.id
    }

    fn name(item: &kash_api::products::Product) -> String {
        item.title
            .clone()
            .unwrap_or_else(|| format!("#{}", item.id))
    }

    fn fields<'a>(
        ctx: &'a Call<'a>,
        shop: &'a Shop,
        args: &'a ProductArgs,
        before: Option<&'a kash_api::products::Product>,
    ) -> BoxFuture<'a, ToolResult<ProductFields>> {
        Box::pin(fields(ctx, shop, args, before))
    }

    fn new_name(fields: &ProductFields) -> Option<String> {
        match (&fields.title, fields.price, fields.department) {
            (Some(title), Some(_), Some(_)) => Some(title.clone()),
            _ => None,
        }
    }

    fn requirement(lang: Lang) -> String {
        tr!(
            lang,
            "A new product needs `title`, `price` (euros, VAT included) and `departmentId`.",
            "Un nouvel article demande `title`, `price` (euros TTC) et `departmentId`."
        )
    }

    fn created(lang: Lang, name: &str, id: Option<u64>, fields: &ProductFields) -> String {
        tr!(
            lang,
            "Created product {}{}: {} at {}.",
            "Article {}{} créé : {} à {}.",
            name,
            id.map(|i| format!(" (#{i})")).unwrap_or_default(),
            name,
            fields
                .price
                .map(|p| i18n::money(lang, p))
                .unwrap_or_default()
        )
    }

    fn updated(lang: Lang, name: &str, id: u64, changes: &str) -> String {
        tr!(
            lang,
            "Updated {} (#{}): {}.",
            "{} (#{}) modifié : {}.",
            name,
            id,
            changes
        )
    }

    fn changes(b: &kash_api::products::Product, a: &kash_api::products::Product) -> Vec<Change> {
        let ids = |v: &[VariationId]| Some(FieldValue::Ids(v.iter().map(|x| x.0).collect()));
        [
            change("title", text(&b.title), text(&a.title)),
            change("price", num(b.price), num(a.price)),
            change("stock", num(b.stock), num(a.stock)),
            change("stockAlert", num(b.stock_alert), num(a.stock_alert)),
            change(
                "departmentId",
                id_value(b.department_id),
                id_value(a.department_id),
            ),
            change("vatRate", num(b.vat_rate), num(a.vat_rate)),
            change("barcode", text(&b.barcode), text(&a.barcode)),
            change("shortTitle", text(&b.short_title), text(&a.short_title)),
            change("buyingPrice", num(b.buying_price), num(a.buying_price)),
            change("variations", ids(&b.variation_ids), ids(&a.variation_ids)),
            change("internalId", text(&b.internal_id), text(&a.internal_id)),
            change(
                "keyboardHidden",
                flag(b.keyboard_hidden),
                flag(a.keyboard_hidden),
            ),
            change("shopHidden", flag(b.shop_hidden), flag(a.shop_hidden)),
            change("position", int(b.position), int(a.position)),
            change(
                "needsPreparation",
                flag(b.needs_preparation),
                flag(a.needs_preparation),
            ),
            change("description", text(&b.description), text(&a.description)),
            change("vatId", id_value(b.vat_id), id_value(a.vat_id)),
            change(
                "eatInVatId",
                id_value(b.eat_in_vat_id),
                id_value(a.eat_in_vat_id),
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn note(
        lang: Lang,
        args: &ProductArgs,
        before: &kash_api::products::Product,
        after: Option<&kash_api::products::Product>,
    ) -> Option<String> {
        let (delta, was) = (args.stock_delta?, before.stock?);
        Some(tr!(
            lang,
            "Stock was {}, {}{} → now {}.",
            "Le stock était de {}, {}{} → maintenant {}.",
            i18n::quantity(lang, was),
            if delta.is_sign_negative() { "" } else { "+" },
            i18n::quantity(lang, delta),
            after
                .and_then(|p| p.stock)
                .map_or_else(|| "?".into(), |s| i18n::quantity(lang, s))
        ))
    }
}

async fn fields(
    ctx: &Call<'_>,
    shop: &Shop,
    args: &ProductArgs,
    before: Option<&kash_api::products::Product>,
) -> ToolResult<ProductFields> {
    let lang = ctx.lang;
    let cache = &ctx.shared.lists;
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
        cache.list::<Products>(shop),
        cache.list::<Departments>(shop),
        cache.list::<Variations>(shop),
    )
    .map_err(up(lang))?;
    let vat_known = crate::lists_cache::vat_rates(&products, &departments);
    check_vat(lang, &vat_known, &[args.vat_id, args.eat_in_vat_id])?;
    if let Some(d) = args.department_id {
        let what = ("department", "de rayon");
        check_ref(lang, what, d, &departments, |x| (x.id, &x.title))?;
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
            let what = ("variation", "de déclinaison");
            check_ref(lang, what, *v, &variations, |x| (x.id, &x.title))?;
        }
    }
    let mut fields = ProductFields::new();
    fields.title = args.title.as_ref().map(|t| t.trim().to_owned());
    fields.short_title.clone_from(&args.short_title);
    fields.description.clone_from(&args.description);
    fields.price = args.price;
    fields.buying_price = args.buying_price;
    fields.department = args.department_id;
    fields.vat = args.vat_id;
    fields.eat_in_vat = args.eat_in_vat_id;
    fields.barcode.clone_from(&args.barcode);
    fields.stock = args.stock;
    fields.stock_alert = args.stock_alert;
    fields.variations.clone_from(&args.variations);
    fields.internal_id.clone_from(&args.internal_id);
    fields.position = args.position;
    fields.keyboard_hidden = args.keyboard_hidden;
    fields.shop_hidden = args.shop_hidden;
    fields.needs_preparation = args.needs_preparation;
    let Some(before) = before else {
        if args.stock_delta.is_some() {
            return Err(ToolError::Invalid(tr!(
                lang,
                "product_create takes no stockDelta; give the stock with `stock`.",
                "product_create ne prend pas de stockDelta ; donnez le stock avec `stock`."
            )));
        }
        return Ok(fields);
    };
    if let Some(delta) = args.stock_delta {
        if args.stock.is_some() {
            return Err(ToolError::Invalid(tr!(
                lang,
                "Give `stock` (absolute) or `stockDelta` (relative), not both.",
                "Donnez `stock` (absolu) ou `stockDelta` (relatif), pas les deux."
            )));
        }
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
    Ok(fields)
}
