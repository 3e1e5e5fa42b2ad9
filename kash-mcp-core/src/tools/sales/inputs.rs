//! `sale_create`'s input schema, its bounds, and the old names and synonyms mapped to it.

use rmcp::model::JsonObject;
use serde_json::{Map, Value, json};

use crate::i18n::Lang;
use crate::schema::{self, Prop};
use crate::{normalize, t};

/// Most lines in one sale.
pub(crate) const MAX_LINES: usize = 200;
/// Highest unit price or amount accepted for a line, in euros.
pub(super) const MAX_PRICE: u64 = 100_000;
/// Highest quantity of a line.
pub(super) const MAX_QUANTITY: u64 = 10_000;

pub(super) fn item_schema(lang: Lang) -> Value {
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
pub(super) fn client_schema(lang: Lang) -> Prop {
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

pub(super) fn input(lang: Lang) -> JsonObject {
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
        ("deliveryMethod", crate::tools::common::delivery::delivery_prop()),
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

/// The old server's argument names of a sale, and the published ones.
const SALE_RENAMES: [(&str, &str); 12] = [
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
];

/// The old and the French names of a new customer's fields, and the published ones.
const CLIENT_RENAMES: [(&str, &str); 6] = [
    ("firstName", "firstname"),
    ("prenom", "firstname"),
    ("lastName", "lastname"),
    ("nom", "lastname"),
    ("postcode", "zip"),
    ("zipcode", "zip"),
];

/// The old server's names (`itemsList`, `idtable`, `dateValeur`…), inferred line types and
/// the free lines' `priceOverride`/`titleOverride` (which the old server read there).
pub(super) fn normalize_sale(a: &mut JsonObject) {
    normalize::rename_all(a, &SALE_RENAMES);
    normalize::map_value(a, "deliveryMethod", normalize::delivery_method);
    if let Some(Value::Array(items)) = a.get_mut("items") {
        for item in items.iter_mut() {
            if let Value::Object(m) = item {
                normalize_item(m);
            }
        }
    }
    if let Some(Value::Object(c)) = a.get_mut("client") {
        normalize::rename_all(c, &CLIENT_RENAMES);
    }
}

pub(super) fn normalize_item(m: &mut JsonObject) {
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
