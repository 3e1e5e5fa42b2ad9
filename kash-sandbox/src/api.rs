//! The scripts: authentication, routing, and the read endpoints.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::http::Method;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::http::{Reply, Req};
use crate::model::ShopData;
use crate::state::{AppState, ShopHandle};
use crate::wire::{self, OrderShape};

/// The list scripts (JSON, CSV, HTML).
const LISTS: [&str; 14] = [
    "getPlus.php",
    "getDepartments.php",
    "getDepartmentsGroups.php",
    "getClients.php",
    "getDeclinaisons.php",
    "getLivreurs.php",
    "getPaymentModes.php",
    "getCashbox.php",
    "getDeliveryZones.php",
    "getRelayDeposit.php",
    "getDiscounts.php",
    "getUsers.php",
    "getTables.php",
    "getPending.php",
];

/// The catalogue writes.
pub const WRITES: [&str; 23] = [
    "addPlu.php",
    "editPlu.php",
    "delPlu.php",
    "addDept.php",
    "editDept.php",
    "delDept.php",
    "addGrpDept.php",
    "editGrpDept.php",
    "delGrpDept.php",
    "addVariation.php",
    "editVariation.php",
    "delVariation.php",
    "addVariationItem.php",
    "editVariationItem.php",
    "delVariationItem.php",
    "addClient.php",
    "editClient.php",
    "delClient.php",
    "addVat.php",
    "editVat.php",
    "delVat.php",
    "addPaymentMethod.php",
    "delPaymentMethod.php",
];

pub fn dispatch(state: &AppState, req: &Req) -> Reply {
    let script = req.script.as_str();
    let is_list = LISTS.contains(&script);
    let is_read = is_list || matches!(script, "getOrders.php" | "getOrder.php" | "getSales.php");
    let is_write = WRITES.contains(&script);
    let is_post = matches!(script, "webapp.php" | "getAuthToken.php") || is_write;
    if !is_read && !is_post {
        return Reply::NotFound;
    }
    if is_read && req.method != Method::GET {
        return Reply::Error(format!("{script} : requête GET attendue"));
    }
    if is_post && req.method != Method::POST {
        return Reply::Error(format!("{script} : requête POST attendue"));
    }
    if script == "getAuthToken.php" {
        return login(state, req);
    }
    let id_name = if is_write { "shopID" } else { "idboutique" };
    let shop = match authenticate(state, req, id_name) {
        Ok(s) => s,
        Err(reply) => return reply,
    };
    if is_write {
        return crate::writes::handle(state, &shop, req);
    }
    let items = state.list_items.load(Ordering::Relaxed);
    match script {
        "webapp.php" => crate::sales::record(state, &shop, req),
        "getOrders.php" => orders(&shop, req, items),
        "getOrder.php" => order(&shop, req),
        "getSales.php" => crate::reports::report(&shop, req, state.clock.now()),
        _ => list(&shop, req, items),
    }
}

fn authenticate(state: &AppState, req: &Req, id_name: &str) -> Result<Arc<ShopHandle>, Reply> {
    let (Some(shop_id), Some(key)) = (req.get(id_name), req.get("key")) else {
        return Err(Reply::Error(format!(
            "Paramètres {id_name} et key obligatoires"
        )));
    };
    state
        .shop(shop_id, key)
        .ok_or_else(|| Reply::Error("Identifiants de webservice invalides".to_owned()))
}

fn login(state: &AppState, req: &Req) -> Reply {
    let (Some(login), Some(password)) = (req.get("login"), req.get("password")) else {
        return Reply::Error("Identifiant et mot de passe obligatoires".to_owned());
    };
    match state.shop_by_login(login, password) {
        Some(shop) => match shop.data.read() {
            Ok(d) => Reply::json(&json!({
                "result": "OK",
                "APIKEY": d.api_key,
                "SHOPID": d.shop_id,
            })),
            Err(_) => Reply::Error("Erreur interne".to_owned()),
        },
        None => Reply::Error("Identifiant ou mot de passe incorrect".to_owned()),
    }
}

/// A list script; `items`: whether orders carry their lines.
fn list(shop: &ShopHandle, req: &Req, items: bool) -> Reply {
    let Ok(d) = shop.data.read() else {
        return Reply::Error("Erreur interne".to_owned());
    };
    let format = req.get("format").unwrap_or("json");
    let items: Vec<Value> = match req.script.as_str() {
        "getPlus.php" => d.products.iter().map(|p| wire::product(&d, p)).collect(),
        "getDepartments.php" => d
            .departments
            .iter()
            .map(|x| wire::department(&d, x))
            .collect(),
        "getDepartmentsGroups.php" => d.groups.iter().map(wire::group).collect(),
        "getClients.php" => d
            .customers
            .iter()
            .map(|c| wire::customer(c, &shop.tz))
            .collect(),
        "getDeclinaisons.php" => d.variations.iter().map(wire::variation).collect(),
        "getLivreurs.php" => d.delivery_men.iter().map(wire::delivery_man).collect(),
        "getPaymentModes.php" => d.payment_modes.iter().map(wire::payment_mode).collect(),
        "getCashbox.php" => d.cashboxes.iter().map(wire::cashbox).collect(),
        "getDeliveryZones.php" => d.delivery_zones.iter().map(wire::delivery_zone).collect(),
        "getRelayDeposit.php" => d.relay_points.iter().map(wire::relay_point).collect(),
        "getDiscounts.php" => d.discounts.iter().map(wire::discount).collect(),
        "getUsers.php" => d.users.iter().map(wire::user).collect(),
        "getTables.php" => d.tables.iter().map(wire::table).collect(),
        "getPending.php" => {
            if format == "json" {
                return Reply::json(&pending(&d, &shop.tz, items));
            }
            pending(&d, &shop.tz, items)
                .iter()
                .filter_map(|o| serde_json::to_value(o).ok())
                .map(flatten_order)
                .collect()
        }
        _ => return Reply::NotFound,
    };
    match format {
        "json" => Reply::json(&items),
        "csv" => Reply::Body {
            bytes: wire::csv(&items).into_bytes(),
            mime: "text/csv; charset=utf-8",
        },
        "html" => Reply::Body {
            bytes: wire::html(&items).into_bytes(),
            mime: "text/html; charset=utf-8",
        },
        other => Reply::Error(format!("Format « {other} » inconnu : json, csv ou html")),
    }
}

/// For CSV and HTML: nested values become their JSON text.
fn flatten_order(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| match v {
                    Value::Array(_) | Value::Object(_) => (k, Value::String(v.to_string())),
                    other => (k, other),
                })
                .collect(),
        ),
        other => other,
    }
}

/// Validated orders not yet handed over, by delivery time.
fn pending<'a>(d: &'a ShopData, tz: &TimeZone, items: bool) -> Vec<wire::WireOrder<'a>> {
    let mut open: Vec<&crate::model::Order> = d.orders.iter().filter(|o| !o.terminated).collect();
    open.sort_by_key(|o| (o.delivery_at().unwrap_or(o.created), o.id));
    open.into_iter()
        .map(|o| list_order(d, o, tz, items))
        .collect()
}

/// An order as lists show it, with or without its lines.
fn list_order<'a>(
    d: &'a ShopData,
    o: &'a crate::model::Order,
    tz: &TimeZone,
    items: bool,
) -> wire::WireOrder<'a> {
    let order = wire::order(d, o, tz, OrderShape::List);
    if items { order } else { order.without_items() }
}

/// Reads an ISO 8601 instant; without an offset, the shop's local time.
pub fn parse_instant(text: &str, tz: &TimeZone) -> Option<Timestamp> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Some(ts);
    }
    if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        return tz.to_ambiguous_timestamp(dt).compatible().ok();
    }
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return tz
            .to_ambiguous_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .compatible()
            .ok();
    }
    None
}

fn orders(shop: &ShopHandle, req: &Req, items: bool) -> Reply {
    let validated = match req.get("validatedOrders") {
        Some("true" | "1") => true,
        Some("false" | "0") => false,
        Some(other) => {
            return Reply::Error(format!(
                "validatedOrders « {other} » invalide : true ou false"
            ));
        }
        None => return Reply::Error("Paramètre validatedOrders obligatoire".to_owned()),
    };
    let mut range = [0i64; 2];
    for (slot, name) in range
        .iter_mut()
        .zip(["from_date_ISO8601", "to_date_ISO8601"])
    {
        match req.get(name) {
            Some(v) => match parse_instant(v, &shop.tz) {
                Some(ts) => *slot = ts.as_second(),
                None => {
                    return Reply::Error(format!(
                        "{name} « {v} » invalide : date ISO 8601 attendue (2025-10-26T00:00:00Z)"
                    ));
                }
            },
            None => return Reply::Error(format!("Paramètre {name} obligatoire")),
        }
    }
    let [from, to] = range;
    if from > to {
        return Reply::Error("from_date_ISO8601 postérieure à to_date_ISO8601".to_owned());
    }
    let filter = match req.get("filterDeliveryMethod") {
        None | Some("") => None,
        Some(v) => match v.parse::<u8>() {
            Ok(m) if m <= 6 => Some(m),
            _ => {
                return Reply::Error(format!("filterDeliveryMethod « {v} » invalide : 0 à 6"));
            }
        },
    };
    let Ok(d) = shop.data.read() else {
        return Reply::Error("Erreur interne".to_owned());
    };
    let source = if validated {
        d.orders_between(from, to)
    } else {
        d.quotes_between(from, to)
    };
    let out: Vec<wire::WireOrder<'_>> = source
        .iter()
        .filter(|o| filter.is_none_or(|m| o.delivery_method == m))
        .map(|o| list_order(&d, o, &shop.tz, items))
        .collect();
    Reply::json(&out)
}

fn order(shop: &ShopHandle, req: &Req) -> Reply {
    let Some(raw) = req.get("order_id") else {
        return Reply::Error("Paramètre order_id obligatoire".to_owned());
    };
    let Ok(id) = raw.trim().parse::<u32>() else {
        return Reply::Error(format!("order_id « {raw} » invalide"));
    };
    let Ok(d) = shop.data.read() else {
        return Reply::Error("Erreur interne".to_owned());
    };
    match d.find_order(id) {
        Some(o) => Reply::json(&wire::order(&d, o, &shop.tz, OrderShape::Detail)),
        None => Reply::Error(format!("Commande {id} introuvable")),
    }
}
