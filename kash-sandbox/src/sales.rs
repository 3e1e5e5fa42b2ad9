//! `webapp.php`: recording a sale the way the POS does.
//!
//! Line prices come from the catalogue unless overridden, variation deltas are added, VAT
//! follows the product → department → shop rule (eat-in rates for eat-in sales), totals and
//! VAT per rate are computed, the payment state comes from `payment`, a customer is created
//! from `client[...]`, the value date is honoured and stock goes down.

use std::sync::Arc;

use serde_json::json;

use crate::http::{Reply, Req};
use crate::lines::{self, ItemLine};
use crate::model::*;
use crate::reference::U_WEBSERVICE;
use crate::state::{AppState, ShopHandle};

/// The documented `client[...]` keys of a new customer.
const CLIENT_KEYS: [&str; 16] = [
    "nom",
    "prenom",
    "email",
    "telephone",
    "adresseligne1",
    "adresseligne2",
    "commentaireadresse",
    "codepostal",
    "ville",
    "pays",
    "numtva",
    "rcs",
    "codeBarre",
    "telephone2",
    "lat",
    "lng",
];

fn opt_id(req: &Req, key: &str) -> Result<Option<u32>, String> {
    match req.get(key) {
        None | Some("") => Ok(None),
        Some(v) => v
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| format!("{key} « {v} » invalide")),
    }
}

pub fn record(state: &AppState, shop: &ShopHandle, req: &Req) -> Reply {
    match build(state, shop, req) {
        Ok(reply) => reply,
        Err(message) => Reply::Error(message),
    }
}

fn build(state: &AppState, shop: &ShopHandle, req: &Req) -> Result<Reply, String> {
    let payment: i64 = match req.get("payment") {
        None => return Err("Champ payment obligatoire (-2, -1 ou un mode de paiement)".into()),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("payment « {v} » invalide"))?,
    };
    let delivery: u8 = match req.get("deliveryMethod") {
        None | Some("") => crate::model::COUNTER,
        Some(v) => v
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|m| *m <= 6)
            .ok_or_else(|| format!("deliveryMethod « {v} » invalide : 0 à 6"))?,
    };
    let user = opt_id(req, "idUser")?;
    let customer = opt_id(req, "idClient")?;
    let table = opt_id(req, "idtable")?;
    let cashbox = opt_id(req, "idcaisse")?;
    let covers = match req.get("numcouverts") {
        None | Some("") => None,
        Some(v) => Some(
            v.trim()
                .parse::<u32>()
                .map_err(|_| format!("numcouverts « {v} » invalide"))?,
        ),
    };
    let value_date = match req.get("dateValeur") {
        None | Some("") => None,
        Some(v) => Some(
            v.trim()
                .parse::<i64>()
                .ok()
                .filter(|t| *t > 0)
                .ok_or_else(|| format!("dateValeur « {v} » invalide : timestamp unix attendu"))?,
        ),
    };
    let client_fields = req.bracketed("client");
    if let Some((k, _)) = client_fields.iter().find(|(k, _)| !CLIENT_KEYS.contains(k)) {
        return Err(format!(
            "Champ client[{k}] inconnu (champs acceptés : {})",
            CLIENT_KEYS.join(", ")
        ));
    }
    if customer.is_some() && !client_fields.is_empty() {
        return Err("idClient et client[...] fournis : choisir l'un ou l'autre".into());
    }
    let items = req.all("itemsList[]");
    if items.is_empty() {
        return Err("Aucun article : itemsList[] obligatoire".into());
    }
    let parsed: Vec<ItemLine> = items
        .iter()
        .enumerate()
        .map(|(i, l)| lines::parse(l, i + 1))
        .collect::<Result<_, _>>()?;

    let now = state.clock.now().as_second();
    let mut d = shop
        .data
        .write()
        .map_err(|_| "Erreur interne".to_string())?;
    if payment == 0 || payment < -2 {
        return Err(format!("payment « {payment} » invalide"));
    }
    if payment > 0 {
        let known = u32::try_from(payment)
            .ok()
            .and_then(|id| d.payment_mode(id));
        if known.is_none() {
            return Err(format!("Mode de paiement {payment} inconnu"));
        }
    }
    if let Some(c) = customer
        && d.customer(c).is_none()
    {
        return Err(format!("Client {c} inconnu"));
    }
    if let Some(t) = table
        && !d.tables.iter().any(|x| x.id == t)
    {
        return Err(format!("Table {t} inconnue"));
    }
    if let Some(c) = cashbox
        && !d.cashboxes.iter().any(|x| x.id == c)
    {
        return Err(format!("Caisse {c} inconnue"));
    }
    let user = match user {
        Some(u) if d.users.iter().any(|x| x.id == u) => u,
        Some(u) => return Err(format!("Utilisateur {u} inconnu")),
        None => webservice_user(&mut d),
    };
    let eat_in = delivery == EAT_IN;
    let mut order_lines = Vec::with_capacity(parsed.len());
    for (i, line) in parsed.iter().enumerate() {
        let n = i + 1;
        let priced = match line {
            ItemLine::Catalog {
                product,
                quantity,
                title,
                price,
                variations,
            } => {
                let p = d
                    .product(*product)
                    .ok_or_else(|| format!("Ligne {n} : article {product} inconnu"))?;
                for v in variations {
                    let (var, _) = d
                        .choice(*v)
                        .ok_or_else(|| format!("Ligne {n} : déclinaison {v} inconnue"))?;
                    if !p.variations.contains(&var.id) {
                        return Err(format!(
                            "Ligne {n} : la déclinaison {v} ne s'applique pas à l'article {product}"
                        ));
                    }
                }
                crate::history::price_line(
                    &d,
                    p,
                    *quantity,
                    variations,
                    title.as_deref().map(Arc::from),
                    *price,
                    eat_in,
                )
            }
            ItemLine::Department {
                department,
                price,
                title,
            } => {
                let dept = d
                    .department(*department)
                    .ok_or_else(|| format!("Ligne {n} : rayon {department} inconnu"))?;
                Line {
                    product: None,
                    department: Some(dept.id),
                    title: Arc::from(title.as_str()),
                    quantity: UNIT,
                    unit_price: *price,
                    discount: 0,
                    total: *price,
                    vat_rate: d.department_vat(dept, eat_in),
                    variations: Box::default(),
                }
            }
            ItemLine::Free { price, title } => Line {
                product: None,
                department: None,
                title: Arc::from(title.as_str()),
                quantity: UNIT,
                unit_price: *price,
                discount: 0,
                total: *price,
                vat_rate: d.default_rate(),
                variations: Box::default(),
            },
        };
        order_lines.push(priced);
    }

    let customer = if client_fields.is_empty() {
        customer
    } else {
        Some(create_customer(&mut d, &client_fields, now)?)
    };
    // Stock goes down for tracked catalogue articles.
    for l in &order_lines {
        if let Some(pid) = l.product
            && let Some(p) = d.products.iter_mut().find(|p| p.id == pid)
            && let Some(stock) = p.stock.as_mut()
        {
            *stock -= l.quantity;
        }
    }
    let is_quote = payment == -2;
    let id = d.next_ids.order;
    d.next_ids.order += 1;
    let number = if is_quote {
        0
    } else {
        let n = d.next_ids.number;
        d.next_ids.number += 1;
        n
    };
    let pending = !is_quote && matches!(delivery, DELIVERY | RELAY | SHIPPING);
    let mut order = Order {
        id,
        number,
        created: now,
        value_date: value_date.unwrap_or(now),
        customer,
        delivery_method: delivery,
        payment,
        cashbox: cashbox.or(Some(1)),
        user: Some(user),
        table,
        covers,
        refund: false,
        terminated: !pending && !is_quote,
        extra: None,
        lines: order_lines,
        total: 0,
        discount: 0,
    };
    let status = if is_quote {
        Some("Devis".to_owned())
    } else if pending {
        Some("À préparer".to_owned())
    } else {
        None
    };
    let (public, private, pager) = (
        req.get("publicComment").unwrap_or(""),
        req.get("privateComment").unwrap_or(""),
        req.get("pagerNum").unwrap_or(""),
    );
    if status.is_some() || !public.is_empty() || !private.is_empty() || !pager.is_empty() {
        order.extra = Some(Box::new(OrderExtra {
            status,
            public_comment: public.to_owned(),
            private_comment: private.to_owned(),
            pager: pager.to_owned(),
            ..OrderExtra::default()
        }));
    }
    order.compute_totals();
    // A payment by a refund mode is a refund.
    if let Some(mode) = u32::try_from(payment)
        .ok()
        .and_then(|id| d.payment_mode(id))
    {
        order.refund = mode.is_refund();
    }
    let year = jiff::Timestamp::from_second(now)
        .map(|t| t.to_zoned(shop.tz.clone()).year())
        .unwrap_or(1970);
    let answer = json!({
        "orderID": id.to_string(),
        "orderInternalID": if is_quote { format!("D{year}-{id:06}") } else { format!("F{year}-{number:06}") },
        "price": crate::wire::money(order.total),
        "VAT": crate::wire::money(order.vat_total()),
        "clientID": customer.unwrap_or(0).to_string(),
    });
    d.insert_order(order);
    Ok(Reply::ok_with(answer))
}

fn webservice_user(d: &mut ShopData) -> u32 {
    if let Some(u) = d.users.iter().find(|u| u.last_name == "webservice") {
        return u.id;
    }
    let id = d.next_ids.user.max(U_WEBSERVICE);
    d.next_ids.user = id + 1;
    d.users.push(User {
        id,
        last_name: "webservice".to_owned(),
        first_name: String::new(),
        profile: "API".to_owned(),
        email: String::new(),
    });
    id
}

fn create_customer(d: &mut ShopData, fields: &[(&str, &str)], now: i64) -> Result<u32, String> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let c = Customer {
        id: d.next_ids.customer,
        last_name: get("nom"),
        first_name: get("prenom"),
        email: get("email"),
        phone: get("telephone"),
        phone2: get("telephone2"),
        address1: get("adresseligne1"),
        address2: get("adresseligne2"),
        address_comment: get("commentaireadresse"),
        zip: get("codepostal"),
        city: get("ville"),
        country: get("pays"),
        vat_number: get("numtva"),
        registration: get("rcs"),
        barcode: get("codeBarre"),
        lat: get("lat"),
        lng: get("lng"),
        created: now,
        ..Customer::default()
    };
    if c.last_name.is_empty() && c.first_name.is_empty() && c.email.is_empty() && c.phone.is_empty()
    {
        return Err("Nouveau client : nom, prénom, email ou téléphone obligatoire".into());
    }
    if !c.country_ok(char::is_ascii_uppercase) {
        let country = &c.country;
        return Err(format!(
            "client[pays] « {country} » invalide : code ISO (FR)"
        ));
    }
    if let Some((k, v)) = c.bad_coordinate() {
        return Err(format!("client[{k}] « {v} » invalide"));
    }
    let id = c.id;
    d.next_ids.customer += 1;
    d.customers.push(c);
    Ok(id)
}
