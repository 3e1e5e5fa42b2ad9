//! The catalogue, stock, customer, VAT and payment-mode writes: `shopID`, `key`, `id`,
//! `data[<field>]`. Fields outside the documented list are refused (so that a client sending a
//! wrong name finds out), numbers use a dot, booleans are `0`/`1`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::json;

use crate::http::{Reply, Req};
use crate::lines::{parse_cents, parse_milli};
use crate::model::*;
use crate::state::{AppState, ShopHandle};

const PRODUCT_FIELDS: &[&str] = &[
    "title",
    "shortTitle",
    "description",
    "price",
    "buyingPrice",
    "deptID",
    "vatID",
    "eatinvatID",
    "discountID",
    "supplierID",
    "unitID",
    "variationID0",
    "variationID1",
    "variationID2",
    "variationID3",
    "variationID4",
    "barcode",
    "stock",
    "stockAlert",
    "consumptionDate",
    "shopHide",
    "keyboardHide",
    "needPrepa",
    "prepaLength",
    "position",
    "calories",
    "weight",
    "activityCode",
    "internalID",
];
const DEPARTMENT_FIELDS: &[&str] = &[
    "title",
    "shortTitle",
    "price",
    "stock",
    "vatID",
    "eatinvatID",
    "discountID",
    "deptGroupID",
    "unitID",
    "needPrepa",
    "keyboardHide",
    "shopHide",
    "position",
    "variationID0",
    "variationID1",
    "variationID2",
    "variationID3",
    "variationID4",
    "activityCode",
];
const GROUP_FIELDS: &[&str] = &[
    "title",
    "position",
    "accountingChapter",
    "accountingChapterComplement",
];
const VARIATION_FIELDS: &[&str] = &["title"];
const CHOICE_FIELDS: &[&str] = &[
    "idVariation",
    "title",
    "position",
    "deltaPrice",
    "description",
    "ending",
    "unavailable",
];
const CUSTOMER_FIELDS: &[&str] = &[
    "title",
    "surname",
    "name",
    "email",
    "phone",
    "phone2",
    "addressline1",
    "addressline2",
    "adressComment",
    "postcode",
    "city",
    "country",
    "identificationID",
    "lat",
    "lng",
    "commentPrivate",
    "commentPublic",
    "registrationNumber",
    "VATnum",
    "barcode",
    "blacklist",
    "clientGroupID",
    "birthDate",
    "activityCode",
];
const VAT_FIELDS: &[&str] = &["title", "rate", "accountingChapter", "legal"];
const PAYMENT_FIELDS: &[&str] = &[
    "title",
    "type",
    "accountingChapter",
    "fixedAmount",
    "minimumAmount",
    "maximumAmount",
    "cashboxLock",
];
const PAYMENT_TYPES: &[&str] = &[
    "Cash",
    "Credit_Card",
    "Check",
    "Bank_Transfer",
    "Meal_Voucher",
    "Holiday_Voucher",
];

/// The `data[...]` fields of a request.
struct Data<'a> {
    fields: Vec<(&'a str, &'a str)>,
}

type R<T> = Result<T, String>;

impl<'a> Data<'a> {
    fn new(req: &'a Req, allowed: &[&str]) -> R<Self> {
        let fields = req.bracketed("data");
        if let Some((k, _)) = fields.iter().find(|(k, _)| !allowed.contains(k)) {
            return Err(format!("Champ data[{k}] inconnu"));
        }
        Ok(Self { fields })
    }

    fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    fn raw(&self, k: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| *v)
    }

    fn text(&self, k: &str) -> Option<String> {
        self.raw(k).map(|v| v.trim().to_owned())
    }

    fn cents(&self, k: &str) -> R<Option<Cents>> {
        self.raw(k)
            .map(|v| parse_cents(v).ok_or_else(|| format!("data[{k}] « {v} » : nombre attendu")))
            .transpose()
    }

    fn milli(&self, k: &str) -> R<Option<Milli>> {
        self.raw(k)
            .map(|v| parse_milli(v).ok_or_else(|| format!("data[{k}] « {v} » : nombre attendu")))
            .transpose()
    }

    fn int(&self, k: &str) -> R<Option<i64>> {
        self.raw(k)
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("data[{k}] « {v} » : entier attendu"))
            })
            .transpose()
    }

    fn flag(&self, k: &str) -> R<Option<bool>> {
        self.raw(k)
            .map(|v| match v.trim() {
                "1" => Ok(true),
                "0" => Ok(false),
                other => Err(format!("data[{k}] « {other} » : 0 ou 1 attendu")),
            })
            .transpose()
    }

    /// An optional reference: `0` means none.
    fn reference(&self, k: &str) -> R<Option<Option<u32>>> {
        self.raw(k)
            .map(|v| {
                v.trim()
                    .parse::<u32>()
                    .map(|n| (n > 0).then_some(n))
                    .map_err(|_| format!("data[{k}] « {v} » : identifiant attendu"))
            })
            .transpose()
    }

    /// `variationID0..4` applied to the current list.
    fn variations(&self, current: &[u32]) -> R<Option<Vec<u32>>> {
        let mut slots = [0u32; 5];
        for (slot, v) in slots.iter_mut().zip(current) {
            *slot = *v;
        }
        let mut any = false;
        for (i, slot) in slots.iter_mut().enumerate() {
            if let Some(r) = self.reference(&format!("variationID{i}"))? {
                *slot = r.unwrap_or(0);
                any = true;
            }
        }
        Ok(any.then(|| slots.into_iter().filter(|v| *v > 0).collect()))
    }

    /// The fields kept as sent (documented, not modelled).
    fn keep(&self, names: &[&str], into: &mut BTreeMap<String, String>) {
        for n in names {
            if let Some(v) = self.raw(n) {
                into.insert((*n).to_owned(), v.to_owned());
            }
        }
    }
}

fn record_id(req: &Req) -> R<u32> {
    let raw = req.get("id").ok_or("Paramètre id obligatoire")?;
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("id « {raw} » invalide"))
}

pub fn handle(_state: &AppState, shop: &ShopHandle, req: &Req) -> Reply {
    let Ok(mut d) = shop.data.write() else {
        return Reply::Error("Erreur interne".to_owned());
    };
    let result = match req.script.as_str() {
        "addPlu.php" => add_product(&mut d, req),
        "editPlu.php" => edit_product(&mut d, req),
        "delPlu.php" => delete(req, &mut d.products, |p| p.id, "Article"),
        "addDept.php" => add_department(&mut d, req),
        "editDept.php" => edit_department(&mut d, req),
        "delDept.php" => delete_department(&mut d, req),
        "addGrpDept.php" => add_group(&mut d, req),
        "editGrpDept.php" => edit_group(&mut d, req),
        "delGrpDept.php" => delete_group(&mut d, req),
        "addVariation.php" => add_variation(&mut d, req),
        "editVariation.php" => edit_variation(&mut d, req),
        "delVariation.php" => delete_variation(&mut d, req),
        "addVariationItem.php" => add_choice(&mut d, req),
        "editVariationItem.php" => edit_choice(&mut d, req),
        "delVariationItem.php" => delete_choice(&mut d, req),
        "addClient.php" => add_customer(&mut d, req),
        "editClient.php" => edit_customer(&mut d, req),
        "delClient.php" => delete(req, &mut d.customers, |c| c.id, "Client"),
        "addVat.php" => add_vat(&mut d, req),
        "editVat.php" => edit_vat(&mut d, req),
        "delVat.php" => delete_vat(&mut d, req),
        "addPaymentMethod.php" => add_payment_mode(&mut d, req),
        "delPaymentMethod.php" => delete(req, &mut d.payment_modes, |p| p.id, "Mode de paiement"),
        _ => return Reply::NotFound,
    };
    match result {
        Ok(Some(id)) => Reply::ok_with(json!({"id": id.to_string()})),
        Ok(None) => Reply::ok_with(json!({})),
        Err(message) => Reply::Error(message),
    }
}

fn check_ref<T>(list: &[T], id: Option<u32>, f: impl Fn(&T) -> u32, what: &str) -> R<()> {
    match id {
        Some(id) if !list.iter().any(|x| f(x) == id) => Err(format!("{what} {id} inconnu")),
        _ => Ok(()),
    }
}

fn delete<T>(req: &Req, list: &mut Vec<T>, f: impl Fn(&T) -> u32, what: &str) -> R<Option<u32>> {
    let id = record_id(req)?;
    let before = list.len();
    list.retain(|x| f(x) != id);
    if list.len() == before {
        return Err(format!("{what} {id} introuvable"));
    }
    Ok(None)
}

fn product_fields(d: &ShopData, data: &Data<'_>, p: &mut Product) -> R<()> {
    if let Some(t) = data.text("title") {
        if t.is_empty() {
            return Err("data[title] vide".into());
        }
        p.title = Arc::from(t.as_str());
    }
    if let Some(v) = data.text("shortTitle") {
        p.short_title = v;
    }
    if let Some(v) = data.text("description") {
        p.description = v;
    }
    if let Some(v) = data.cents("price")? {
        if v < 0 {
            return Err("data[price] négatif".into());
        }
        p.price = v;
    }
    if let Some(v) = data.cents("buyingPrice")? {
        p.buying_price = Some(v);
    }
    if let Some(v) = data.reference("deptID")? {
        let dept = v.ok_or("data[deptID] : rayon obligatoire")?;
        check_ref(&d.departments, Some(dept), |x| x.id, "Rayon")?;
        p.department = dept;
    }
    if let Some(v) = data.reference("vatID")? {
        check_ref(&d.vat_rates, v, |x| x.id, "Taux de TVA")?;
        p.vat = v;
    }
    if let Some(v) = data.reference("eatinvatID")? {
        check_ref(&d.vat_rates, v, |x| x.id, "Taux de TVA")?;
        p.eat_in_vat = v;
    }
    if let Some(v) = data.reference("discountID")? {
        check_ref(&d.discounts, v, |x| x.id, "Remise")?;
        p.discount = v;
    }
    if let Some(vars) = data.variations(&p.variations)? {
        for v in &vars {
            check_ref(&d.variations, Some(*v), |x| x.id, "Déclinaison")?;
        }
        p.variations = vars;
    }
    if let Some(v) = data.text("barcode") {
        p.barcode = v;
    }
    if let Some(v) = data.milli("stock")? {
        p.stock = Some(v);
    }
    if let Some(v) = data.milli("stockAlert")? {
        p.stock_alert = Some(v);
    }
    if let Some(v) = data.flag("shopHide")? {
        p.shop_hidden = v;
    }
    if let Some(v) = data.flag("keyboardHide")? {
        p.keyboard_hidden = v;
    }
    if let Some(v) = data.flag("needPrepa")? {
        p.needs_preparation = v;
    }
    if let Some(v) = data.int("position")? {
        p.position = v;
    }
    if let Some(v) = data.text("internalID") {
        p.internal_id = v;
    }
    data.int("prepaLength")?;
    data.int("supplierID")?;
    data.int("unitID")?;
    data.keep(
        &[
            "supplierID",
            "unitID",
            "consumptionDate",
            "prepaLength",
            "calories",
            "weight",
            "activityCode",
        ],
        &mut p.extra,
    );
    Ok(())
}

fn add_product(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let data = Data::new(req, PRODUCT_FIELDS)?;
    if data.text("title").is_none_or(|t| t.is_empty()) {
        return Err("data[title] obligatoire".into());
    }
    if data.raw("price").is_none() {
        return Err("data[price] obligatoire".into());
    }
    if data.raw("deptID").is_none() {
        return Err("data[deptID] obligatoire : chaque article appartient à un rayon".into());
    }
    let id = d.next_ids.product;
    let mut p = Product {
        id,
        title: Arc::from(""),
        short_title: String::new(),
        description: String::new(),
        price: 0,
        buying_price: None,
        department: 0,
        vat: None,
        eat_in_vat: None,
        barcode: String::new(),
        stock: None,
        stock_alert: None,
        variations: Vec::new(),
        discount: None,
        internal_id: String::new(),
        keyboard_hidden: false,
        shop_hidden: false,
        needs_preparation: false,
        position: i64::from(id),
        extra: BTreeMap::new(),
    };
    product_fields(d, &data, &mut p)?;
    if p.short_title.is_empty() {
        p.short_title = p.title.chars().take(12).collect();
    }
    d.next_ids.product += 1;
    d.products.push(p);
    Ok(Some(id))
}

fn edit_product(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let id = record_id(req)?;
    let data = Data::new(req, PRODUCT_FIELDS)?;
    if data.is_empty() {
        return Err("Aucun champ à modifier".into());
    }
    let mut p = d
        .product(id)
        .cloned()
        .ok_or_else(|| format!("Article {id} introuvable"))?;
    product_fields(d, &data, &mut p)?;
    if let Some(slot) = d.products.iter_mut().find(|x| x.id == id) {
        *slot = p;
    }
    Ok(None)
}

fn department_fields(d: &ShopData, data: &Data<'_>, x: &mut Department) -> R<()> {
    if let Some(t) = data.text("title") {
        if t.is_empty() {
            return Err("data[title] vide".into());
        }
        x.title = t;
    }
    if let Some(v) = data.text("shortTitle") {
        x.short_title = v;
    }
    if let Some(v) = data.cents("price")? {
        x.price = v;
    }
    if let Some(v) = data.milli("stock")? {
        x.stock = Some(v);
    }
    if let Some(v) = data.reference("vatID")? {
        check_ref(&d.vat_rates, v, |r| r.id, "Taux de TVA")?;
        x.vat = v;
    }
    if let Some(v) = data.reference("eatinvatID")? {
        check_ref(&d.vat_rates, v, |r| r.id, "Taux de TVA")?;
        x.eat_in_vat = v;
    }
    if let Some(v) = data.reference("deptGroupID")? {
        check_ref(&d.groups, v, |g| g.id, "Groupe de rayons")?;
        x.group = v;
    }
    data.reference("discountID")?;
    if let Some(v) = data.flag("keyboardHide")? {
        x.keyboard_hidden = v;
    }
    if let Some(v) = data.flag("shopHide")? {
        x.shop_hidden = v;
    }
    data.flag("needPrepa")?;
    if let Some(v) = data.int("position")? {
        x.position = v;
    }
    if let Some(vars) = data.variations(&x.variations)? {
        for v in &vars {
            check_ref(&d.variations, Some(*v), |y| y.id, "Déclinaison")?;
        }
        x.variations = vars;
    }
    data.keep(
        &["discountID", "unitID", "needPrepa", "activityCode"],
        &mut x.extra,
    );
    Ok(())
}

fn add_department(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let data = Data::new(req, DEPARTMENT_FIELDS)?;
    if data.text("title").is_none_or(|t| t.is_empty()) {
        return Err("data[title] obligatoire".into());
    }
    let id = d.next_ids.department;
    let mut x = Department {
        id,
        title: String::new(),
        short_title: String::new(),
        price: 0,
        stock: None,
        vat: None,
        eat_in_vat: None,
        group: None,
        variations: Vec::new(),
        position: i64::from(id),
        keyboard_hidden: false,
        shop_hidden: false,
        extra: BTreeMap::new(),
    };
    department_fields(d, &data, &mut x)?;
    d.next_ids.department += 1;
    d.departments.push(x);
    Ok(Some(id))
}

fn edit_department(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let id = record_id(req)?;
    let data = Data::new(req, DEPARTMENT_FIELDS)?;
    if data.is_empty() {
        return Err("Aucun champ à modifier".into());
    }
    let mut x = d
        .department(id)
        .cloned()
        .ok_or_else(|| format!("Rayon {id} introuvable"))?;
    department_fields(d, &data, &mut x)?;
    if let Some(slot) = d.departments.iter_mut().find(|y| y.id == id) {
        *slot = x;
    }
    Ok(None)
}

fn delete_department(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let id = record_id(req)?;
    let used = d.products.iter().filter(|p| p.department == id).count();
    if used > 0 {
        return Err(format!(
            "Rayon {id} utilisé par {used} article(s) : déplacez-les ou supprimez-les d'abord"
        ));
    }
    delete(req, &mut d.departments, |x| x.id, "Rayon")
}

fn add_group(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let data = Data::new(req, GROUP_FIELDS)?;
    let title = data
        .text("title")
        .filter(|t| !t.is_empty())
        .ok_or("data[title] obligatoire")?;
    let id = d.next_ids.group;
    d.next_ids.group += 1;
    d.groups.push(DepartmentGroup {
        id,
        title,
        position: data.int("position")?.unwrap_or(i64::from(id)),
        accounting_chapter: data.text("accountingChapter").unwrap_or_default(),
        accounting_chapter_complement: data.text("accountingChapterComplement").unwrap_or_default(),
    });
    Ok(Some(id))
}

fn edit_group(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let id = record_id(req)?;
    let data = Data::new(req, GROUP_FIELDS)?;
    if data.is_empty() {
        return Err("Aucun champ à modifier".into());
    }
    let position = data.int("position")?;
    let g = d
        .groups
        .iter_mut()
        .find(|g| g.id == id)
        .ok_or_else(|| format!("Groupe de rayons {id} introuvable"))?;
    if let Some(t) = data.text("title") {
        g.title = t;
    }
    if let Some(p) = position {
        g.position = p;
    }
    if let Some(v) = data.text("accountingChapter") {
        g.accounting_chapter = v;
    }
    if let Some(v) = data.text("accountingChapterComplement") {
        g.accounting_chapter_complement = v;
    }
    Ok(None)
}

fn delete_group(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let id = record_id(req)?;
    if d.departments.iter().any(|x| x.group == Some(id)) {
        return Err(format!("Groupe de rayons {id} utilisé par des rayons"));
    }
    delete(req, &mut d.groups, |g| g.id, "Groupe de rayons")
}

fn add_variation(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let data = Data::new(req, VARIATION_FIELDS)?;
    let title = data
        .text("title")
        .filter(|t| !t.is_empty())
        .ok_or("data[title] obligatoire")?;
    let id = d.next_ids.variation;
    d.next_ids.variation += 1;
    d.variations.push(Variation {
        id,
        title,
        choices: Vec::new(),
    });
    Ok(Some(id))
}

fn edit_variation(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let id = record_id(req)?;
    let data = Data::new(req, VARIATION_FIELDS)?;
    let title = data
        .text("title")
        .filter(|t| !t.is_empty())
        .ok_or("Aucun champ à modifier")?;
    let v = d
        .variations
        .iter_mut()
        .find(|v| v.id == id)
        .ok_or_else(|| format!("Déclinaison {id} introuvable"))?;
    v.title = title;
    Ok(None)
}

fn delete_variation(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let id = record_id(req)?;
    if d.products.iter().any(|p| p.variations.contains(&id)) {
        return Err(format!("Déclinaison {id} utilisée par des articles"));
    }
    delete(req, &mut d.variations, |v| v.id, "Déclinaison")
}

fn choice_fields(data: &Data<'_>, c: &mut VariationChoice) -> R<()> {
    if let Some(t) = data.text("title") {
        c.title = t;
    }
    if let Some(p) = data.int("position")? {
        c.position = p;
    }
    if let Some(v) = data.cents("deltaPrice")? {
        c.delta = v;
    }
    if let Some(v) = data.text("description") {
        c.description = v;
    }
    if let Some(v) = data.text("ending") {
        c.ending = v;
    }
    if let Some(v) = data.flag("unavailable")? {
        c.unavailable = v;
    }
    Ok(())
}

fn add_choice(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let data = Data::new(req, CHOICE_FIELDS)?;
    let var = data
        .reference("idVariation")?
        .flatten()
        .ok_or("data[idVariation] obligatoire")?;
    if data.text("title").is_none_or(|t| t.is_empty()) {
        return Err("data[title] obligatoire".into());
    }
    let id = d.next_ids.choice;
    let mut c = VariationChoice {
        id,
        title: String::new(),
        delta: 0,
        position: 0,
        unavailable: false,
        description: String::new(),
        ending: String::new(),
    };
    choice_fields(&data, &mut c)?;
    let v = d
        .variations
        .iter_mut()
        .find(|v| v.id == var)
        .ok_or_else(|| format!("Déclinaison {var} inconnue"))?;
    v.choices.push(c);
    d.next_ids.choice += 1;
    Ok(Some(id))
}

fn edit_choice(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let id = record_id(req)?;
    let data = Data::new(req, CHOICE_FIELDS)?;
    if data.is_empty() {
        return Err("Aucun champ à modifier".into());
    }
    let c = d
        .variations
        .iter_mut()
        .flat_map(|v| v.choices.iter_mut())
        .find(|c| c.id == id)
        .ok_or_else(|| format!("Choix de déclinaison {id} introuvable"))?;
    choice_fields(&data, c)?;
    Ok(None)
}

fn delete_choice(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let id = record_id(req)?;
    for v in &mut d.variations {
        let before = v.choices.len();
        v.choices.retain(|c| c.id != id);
        if v.choices.len() != before {
            return Ok(None);
        }
    }
    Err(format!("Choix de déclinaison {id} introuvable"))
}

fn customer_fields(data: &Data<'_>, c: &mut Customer) -> R<()> {
    let texts: [(&str, &mut String); 20] = [
        ("title", &mut c.honorific),
        ("surname", &mut c.last_name),
        ("name", &mut c.first_name),
        ("email", &mut c.email),
        ("phone", &mut c.phone),
        ("phone2", &mut c.phone2),
        ("addressline1", &mut c.address1),
        ("addressline2", &mut c.address2),
        ("adressComment", &mut c.address_comment),
        ("postcode", &mut c.zip),
        ("city", &mut c.city),
        ("country", &mut c.country),
        ("lat", &mut c.lat),
        ("lng", &mut c.lng),
        ("commentPrivate", &mut c.private_comment),
        ("commentPublic", &mut c.public_comment),
        ("registrationNumber", &mut c.registration),
        ("VATnum", &mut c.vat_number),
        ("barcode", &mut c.barcode),
        ("identificationID", &mut String::new()),
    ];
    for (k, slot) in texts {
        if let Some(v) = data.text(k) {
            *slot = v;
        }
    }
    if !c.country_ok(char::is_ascii_alphabetic) {
        let country = &c.country;
        return Err(format!(
            "data[country] « {country} » : code ISO attendu (FR)"
        ));
    }
    if let Some((k, v)) = c.bad_coordinate() {
        return Err(format!("data[{k}] « {v} » : nombre attendu"));
    }
    if let Some(v) = data.flag("blacklist")? {
        c.blacklist = v;
    }
    if let Some(v) = data.raw("birthDate")
        && v.parse::<jiff::civil::Date>().is_err()
    {
        return Err(format!(
            "data[birthDate] « {v} » : date AAAA-MM-JJ attendue"
        ));
    }
    data.int("clientGroupID")?;
    data.keep(
        &[
            "identificationID",
            "clientGroupID",
            "birthDate",
            "activityCode",
        ],
        &mut c.extra,
    );
    Ok(())
}

fn add_customer(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let data = Data::new(req, CUSTOMER_FIELDS)?;
    if data.text("surname").is_none_or(|t| t.is_empty())
        && data.text("name").is_none_or(|t| t.is_empty())
    {
        return Err("data[surname] ou data[name] obligatoire".into());
    }
    let id = d.next_ids.customer;
    let mut c = Customer {
        id,
        ..Customer::default()
    };
    customer_fields(&data, &mut c)?;
    d.next_ids.customer += 1;
    d.customers.push(c);
    Ok(Some(id))
}

fn edit_customer(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let id = record_id(req)?;
    let data = Data::new(req, CUSTOMER_FIELDS)?;
    if data.is_empty() {
        return Err("Aucun champ à modifier".into());
    }
    let c = d
        .customers
        .iter_mut()
        .find(|c| c.id == id)
        .ok_or_else(|| format!("Client {id} introuvable"))?;
    let mut updated = c.clone();
    customer_fields(&data, &mut updated)?;
    *c = updated;
    Ok(None)
}

fn vat_rate(data: &Data<'_>) -> R<Option<i64>> {
    match data.cents("rate")? {
        Some(r) if !(0..=10_000).contains(&r) => {
            Err("data[rate] : pourcentage entre 0 et 100 attendu".into())
        }
        other => Ok(other),
    }
}

fn add_vat(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let data = Data::new(req, VAT_FIELDS)?;
    let title = data
        .text("title")
        .filter(|t| !t.is_empty())
        .ok_or("data[title] obligatoire")?;
    let rate = vat_rate(&data)?.ok_or("data[rate] obligatoire")?;
    let id = d.next_ids.vat;
    d.next_ids.vat += 1;
    d.vat_rates.push(VatRate {
        id,
        title,
        rate,
        accounting_chapter: data.text("accountingChapter").unwrap_or_default(),
        legal: data.text("legal").unwrap_or_default(),
    });
    Ok(Some(id))
}

fn edit_vat(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let id = record_id(req)?;
    let data = Data::new(req, VAT_FIELDS)?;
    if data.is_empty() {
        return Err("Aucun champ à modifier".into());
    }
    let rate = vat_rate(&data)?;
    let v = d
        .vat_rates
        .iter_mut()
        .find(|v| v.id == id)
        .ok_or_else(|| format!("Taux de TVA {id} introuvable"))?;
    if let Some(t) = data.text("title") {
        v.title = t;
    }
    if let Some(r) = rate {
        v.rate = r;
    }
    if let Some(x) = data.text("accountingChapter") {
        v.accounting_chapter = x;
    }
    if let Some(x) = data.text("legal") {
        v.legal = x;
    }
    Ok(None)
}

fn delete_vat(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let id = record_id(req)?;
    let used = d
        .products
        .iter()
        .any(|p| p.vat == Some(id) || p.eat_in_vat == Some(id))
        || d.departments
            .iter()
            .any(|x| x.vat == Some(id) || x.eat_in_vat == Some(id))
        || d.default_vat == id;
    if used {
        return Err(format!("Taux de TVA {id} utilisé"));
    }
    delete(req, &mut d.vat_rates, |v| v.id, "Taux de TVA")
}

fn add_payment_mode(d: &mut ShopData, req: &Req) -> R<Option<u32>> {
    let data = Data::new(req, PAYMENT_FIELDS)?;
    let title = data
        .text("title")
        .filter(|t| !t.is_empty())
        .ok_or("data[title] obligatoire")?;
    let kind = data.text("type").ok_or("data[type] obligatoire")?;
    let base = kind.strip_suffix("_Refund").unwrap_or(&kind);
    if !PAYMENT_TYPES.contains(&base) {
        return Err(format!(
            "data[type] « {kind} » inconnu : {} (suffixe _Refund possible)",
            PAYMENT_TYPES.join(", ")
        ));
    }
    let lock = data.reference("cashboxLock")?.flatten();
    check_ref(&d.cashboxes, lock, |c| c.id, "Caisse")?;
    let id = d.next_ids.payment_mode;
    d.next_ids.payment_mode += 1;
    d.payment_modes.push(PaymentMode {
        id,
        title,
        kind,
        accounting_chapter: data.text("accountingChapter").unwrap_or_default(),
        fixed_amount: data.cents("fixedAmount")?,
        minimum_amount: data.cents("minimumAmount")?,
        maximum_amount: data.cents("maximumAmount")?,
        cashbox_lock: lock.unwrap_or(0),
    });
    Ok(Some(id))
}
