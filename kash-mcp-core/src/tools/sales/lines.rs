//! Each line of a sale checked against the shop's catalogue and priced: catalogue articles
//! (with their variations), department lines and free lines.

use std::sync::Arc;

use kash_api::departments::{Department, Departments};
use kash_api::ids::*;
use kash_api::payment_modes::{PaymentMode, PaymentModes};
use kash_api::products::{Product, Products};
use kash_api::variations::{Variation, Variations};
use kash_api::{Decimal, KashError};

use super::Ctx;
use super::args::{CatalogItem, DeptItem, FreeItem};
use super::output::ResolvedLine;
use crate::error::{ToolError, ToolResult};
use crate::i18n::Lang;
use crate::shop::Shop;
use crate::tools::common::names::{Found, find_by_name};
use crate::{search, tr};

/// The shop data a sale is checked against.
pub(super) struct Refs {
    pub(super) products: Arc<Vec<Product>>,
    pub(super) departments: Arc<Vec<Department>>,
    pub(super) variations: Arc<Vec<Variation>>,
    pub(super) payment_modes: Arc<Vec<PaymentMode>>,
    pub(super) vat_by_id: std::collections::HashMap<u64, Decimal>,
}

pub(super) fn load_err(lang: Lang) -> impl Fn(KashError) -> ToolError {
    move |e| ToolError::from_kash(lang, e)
}

pub(super) async fn refs(ctx: &Ctx<'_>, shop: &Shop) -> ToolResult<Refs> {
    let lang = ctx.lang;
    let cache = &ctx.shared.lists;
    let (products, departments, variations, payment_modes) = tokio::try_join!(
        cache.list::<Products>(shop),
        cache.list::<Departments>(shop),
        cache.list::<Variations>(shop),
        cache.list::<PaymentModes>(shop),
    )
    .map_err(load_err(lang))?;
    let vat_by_id = crate::lists_cache::vat_rates(&products, &departments);
    Ok(Refs {
        products,
        departments,
        variations,
        payment_modes,
        vat_by_id,
    })
}

pub(super) fn title_of(p: &Product) -> String {
    p.title.clone().unwrap_or_else(|| format!("#{}", p.id))
}

/// " Closest: …." naming `items` (nothing when there are none).
pub(super) fn hint<T>(lang: Lang, items: &[&T], label: impl Fn(&T) -> String) -> String {
    if items.is_empty() {
        return String::new();
    }
    tr!(
        lang,
        " Closest: {}.",
        " Les plus proches : {}.",
        items
            .iter()
            .map(|i| label(i))
            .collect::<Vec<_>>()
            .join("; ")
    )
}

/// Line `n`'s `name` matches several `listed` items: the caller must pass the `id_arg` of one.
fn ambiguous<T>(
    lang: Lang,
    n: usize,
    name: &str,
    id_arg: &str,
    listed: &[&T],
    label: impl Fn(&T) -> String,
) -> ToolError {
    let choices: Vec<String> = listed.iter().map(|x| label(x)).collect();
    ToolError::Invalid(tr!(
        lang,
        "Line {}: \"{}\" is ambiguous or not exact; pass the {} of one of: {}.",
        "Ligne {} : « {} » est ambigu ou inexact ; passez le {} de l'un de : {}.",
        n,
        name,
        id_arg,
        choices.join("; ")
    ))
}

/// " Closest: …." among `items` for a name that matched none of them.
pub(super) fn candidates<T>(
    lang: Lang,
    name: &str,
    items: &[T],
    label: impl Fn(&T) -> String,
) -> String {
    hint(lang, &search::closest(name, items, &label, 5), label)
}

pub(super) fn product_label(p: &Product) -> String {
    format!(
        "{} (#{}{})",
        title_of(p),
        p.id,
        p.price.map(|x| format!(", {x:.2} €")).unwrap_or_default()
    )
}

pub(super) fn find_product<'a>(
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
    match find_by_name(name, products, |p| {
        vec![p.title.as_deref().unwrap_or_default()]
    }) {
        Found::One(p) => Ok(p),
        Found::Nothing(closest) => {
            let hint = hint(lang, &closest, product_label);
            Err(ToolError::Invalid(tr!(
                lang,
                "Line {}: no product is called \"{}\".{} Search with data_list_products.",
                "Ligne {} : aucun article ne s'appelle « {} ».{} Cherchez avec data_list_products.",
                n,
                name,
                hint
            )))
        }
        Found::Ambiguous(listed) => Err(ambiguous(
            lang,
            n,
            name,
            "productId",
            &listed,
            product_label,
        )),
    }
}

pub(super) fn check_text(lang: Lang, n: usize, what: &str, text: &str) -> ToolResult<()> {
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

pub(super) fn check_amount(lang: Lang, n: usize, what: &str, v: Decimal) -> ToolResult<()> {
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

/// The price a dept or free line needs (euros, VAT included, not negative).
fn line_price(lang: Lang, n: usize, what: &str, price: Option<Decimal>) -> ToolResult<Decimal> {
    let price = price.ok_or_else(|| {
        ToolError::Invalid(tr!(
            lang,
            "Line {}: a {} needs `price` (euros, VAT included).",
            "Ligne {} : une {} demande `price` (euros TTC).",
            n,
            what
        ))
    })?;
    check_amount(lang, n, lang.pick("price", "prix"), price)?;
    Ok(price)
}

pub(super) fn vat_for(refs: &Refs, id: Option<VatRateId>) -> Option<Decimal> {
    id.and_then(|i| refs.vat_by_id.get(&i.0).copied())
}

pub(super) fn resolve_catalog(
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

pub(super) fn dept_label(d: &Department) -> String {
    format!("{} (#{})", d.title.clone().unwrap_or_default(), d.id)
}

pub(super) fn resolve_dept(
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
            match find_by_name(name, &refs.departments, |d| {
                vec![d.title.as_deref().unwrap_or_default()]
            }) {
                Found::One(d) => d,
                Found::Nothing(closest) => {
                    return Err(ToolError::Invalid(tr!(
                        lang,
                        "Line {}: no department is called \"{}\".{}",
                        "Ligne {} : aucun rayon ne s'appelle « {} ».{}",
                        n,
                        name,
                        hint(lang, &closest, dept_label)
                    )));
                }
                Found::Ambiguous(listed) => {
                    return Err(ambiguous(
                        lang,
                        n,
                        name,
                        "departmentId",
                        &listed,
                        dept_label,
                    ));
                }
            }
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
    let price = line_price(lang, n, lang.pick("dept line", "ligne dept"), item.price)?;
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
        department: Some(dept.id.0),
        vat_rate,
        ..ResolvedLine::amount("dept", title, price)
    })
}

pub(super) fn resolve_free(lang: Lang, n: usize, item: &FreeItem) -> ToolResult<ResolvedLine> {
    let price = line_price(lang, n, lang.pick("free line", "ligne libre"), item.price)?;
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
    Ok(ResolvedLine::amount("free", title, price))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free(price: Option<&str>, title: Option<&str>) -> FreeItem {
        serde_json::from_value(serde_json::json!({"price": price, "title": title})).unwrap()
    }

    #[test]
    fn a_free_line_needs_a_price_and_a_one_line_title() {
        let line = resolve_free(Lang::En, 1, &free(Some("4.5"), Some("Gift wrap"))).unwrap();
        assert_eq!(line.kind, "free");
        assert_eq!(
            (line.unit_price, line.total),
            (Decimal::new(45, 1), Decimal::new(45, 1))
        );
        let no_price = resolve_free(Lang::En, 2, &free(None, Some("x"))).unwrap_err();
        assert!(
            no_price
                .to_string()
                .starts_with("Line 2: a free line needs `price`")
        );
        let no_title = resolve_free(Lang::Fr, 3, &free(Some("1"), Some("  "))).unwrap_err();
        assert!(
            no_title
                .to_string()
                .starts_with("Ligne 3 : une ligne libre demande")
        );
    }

    #[test]
    fn texts_the_pos_would_split_and_negative_amounts_are_refused() {
        assert!(check_text(Lang::En, 1, "title", "Pain au chocolat").is_ok());
        let underscore = check_text(Lang::En, 1, "title", "pain_choc").unwrap_err();
        assert!(underscore.to_string().contains("contains `_`"));
        assert!(check_text(Lang::En, 1, "title", "two\nlines").is_err());
        assert!(check_amount(Lang::En, 1, "price", Decimal::ZERO).is_ok());
        let refund = check_amount(Lang::En, 1, "price", Decimal::new(-1, 0)).unwrap_err();
        assert!(refund.to_string().contains("refund payment mode"));
    }

    fn product(id: u64, title: &str) -> Product {
        serde_json::from_value(serde_json::json!({"id": id, "title": title, "price": "2.40"}))
            .unwrap()
    }

    fn catalog(name: &str) -> CatalogItem {
        serde_json::from_value(serde_json::json!({"product": name})).unwrap()
    }

    #[test]
    fn a_product_named_is_found_by_the_one_rule_or_listed() {
        let products = vec![
            product(1, "Café"),
            product(2, "Café crème"),
            product(3, "Croissant"),
            product(4, "Croissant aux amandes"),
        ];
        let found = |name: &str| find_product(Lang::En, 1, &catalog(name), &products);
        assert_eq!(
            found("cafe").unwrap().id.0,
            1,
            "the exact name, accents aside"
        );
        assert_eq!(found("creme").unwrap().id.0, 2, "the only good match");
        let ambiguous = found("crois").unwrap_err().to_string();
        assert!(
            ambiguous.contains("ambiguous") && ambiguous.contains("#4"),
            "{ambiguous}"
        );
        let none = found("croisant aux amendes").unwrap_err().to_string();
        assert!(none.contains("Closest: Croissant aux amandes"), "{none}");
    }
}
