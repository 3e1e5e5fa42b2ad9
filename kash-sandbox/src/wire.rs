//! What the simulated back office sends: French column names, numbers as strings, `"0"/"1"`
//! booleans, local "Y-m-d H:i:s" dates. The shapes match `kash-api/tests/fixtures/`, our
//! documented guess of the real (unpublished) ones.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::model::*;

/// `360` → `"3.60"`.
pub fn money(c: Cents) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// `2000` → `"2"`, `500` → `"0.5"`, `-1000` → `"-1"`.
pub fn qty(m: Milli) -> String {
    let sign = if m < 0 { "-" } else { "" };
    let a = m.unsigned_abs();
    let (i, f) = (a / 1000, a % 1000);
    if f == 0 {
        format!("{sign}{i}")
    } else {
        let frac = format!("{f:03}");
        format!("{sign}{i}.{}", frac.trim_end_matches('0'))
    }
}

/// `550` → `"5.50"`.
pub fn rate(r: i64) -> String {
    money(r)
}

pub fn flag(b: bool) -> &'static str {
    if b { "1" } else { "0" }
}

pub fn id(v: Option<u32>) -> String {
    v.unwrap_or(0).to_string()
}

fn opt_money(v: Option<Cents>) -> String {
    v.map(money).unwrap_or_default()
}

fn opt_qty(v: Option<Milli>) -> String {
    v.map(qty).unwrap_or_default()
}

/// Unix seconds → `2026-11-20 12:34:56` in the shop's zone.
pub fn local(ts: i64, tz: &TimeZone) -> String {
    Timestamp::from_second(ts)
        .map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

fn extra(map: &mut Map<String, Value>, extra: &std::collections::BTreeMap<String, String>) {
    for (k, v) in extra {
        map.entry(k.clone())
            .or_insert_with(|| Value::String(v.clone()));
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn list(ids: &[u32]) -> String {
    ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

pub fn product(shop: &ShopData, p: &Product) -> Value {
    let mut m = object(json!({
        "id": p.id.to_string(),
        "titre": &*p.title,
        "titreCourt": p.short_title,
        "description": p.description,
        "prix": money(p.price),
        "prixAchat": opt_money(p.buying_price),
        "idRayon": p.department.to_string(),
        "idTva": id(p.vat),
        "tauxTva": rate(shop.product_vat(p, false)),
        "idTvaSurPlace": id(p.eat_in_vat),
        "codeBarre": p.barcode,
        "stock": opt_qty(p.stock),
        "alerteStock": opt_qty(p.stock_alert),
        "declinaisons": list(&p.variations),
        "idRemise": id(p.discount),
        "refInterne": p.internal_id,
        "masqueCaisse": flag(p.keyboard_hidden),
        "masqueBoutique": flag(p.shop_hidden),
        "position": p.position.to_string(),
        "preparation": flag(p.needs_preparation),
    }));
    extra(&mut m, &p.extra);
    Value::Object(m)
}

pub fn department(shop: &ShopData, d: &Department) -> Value {
    let mut m = object(json!({
        "id": d.id.to_string(),
        "titre": d.title,
        "titreCourt": d.short_title,
        "prix": money(d.price),
        "idTva": id(d.vat),
        "tauxTva": rate(shop.department_vat(d, false)),
        "idTvaSurPlace": id(d.eat_in_vat),
        "idGroupe": id(d.group),
        "stock": opt_qty(d.stock),
        "declinaisons": list(&d.variations),
        "position": d.position.to_string(),
        "masqueCaisse": flag(d.keyboard_hidden),
        "masqueBoutique": flag(d.shop_hidden),
    }));
    extra(&mut m, &d.extra);
    Value::Object(m)
}

pub fn group(g: &DepartmentGroup) -> Value {
    json!({
        "id": g.id.to_string(),
        "titre": g.title,
        "position": g.position.to_string(),
        "chapitreComptable": g.accounting_chapter,
        "complementChapitre": g.accounting_chapter_complement,
    })
}

pub fn customer(c: &Customer, tz: &TimeZone) -> Value {
    let mut m = object(json!({
        "id": c.id.to_string(),
        "civilite": c.honorific,
        "nom": c.last_name,
        "prenom": c.first_name,
        "societe": c.company,
        "email": c.email,
        "telephone": c.phone,
        "telephone2": c.phone2,
        "adresseligne1": c.address1,
        "adresseligne2": c.address2,
        "commentaireadresse": c.address_comment,
        "codepostal": c.zip,
        "ville": c.city,
        "pays": c.country,
        "numtva": c.vat_number,
        "rcs": c.registration,
        "codeBarre": c.barcode,
        "lat": c.lat,
        "lng": c.lng,
        "pointsFidelite": c.loyalty_points.to_string(),
        "cagnotte": money(c.loyalty_balance),
        "commentairePrive": c.private_comment,
        "commentairePublic": c.public_comment,
        "blacklist": flag(c.blacklist),
        "dateCreation": local(c.created, tz),
    }));
    extra(&mut m, &c.extra);
    Value::Object(m)
}

pub fn variation(v: &Variation) -> Value {
    json!({
        "id": v.id.to_string(),
        "titre": v.title,
        "choix": v.choices.iter().map(|c| json!({
            "id": c.id.to_string(),
            "titre": c.title,
            "deltaPrix": money(c.delta),
            "position": c.position.to_string(),
            "indisponible": flag(c.unavailable),
            "description": c.description,
            "suffixe": c.ending,
        })).collect::<Vec<_>>(),
    })
}

pub fn delivery_man(d: &DeliveryMan) -> Value {
    json!({
        "id": d.id.to_string(),
        "nom": d.last_name,
        "prenom": d.first_name,
        "telephone": d.phone,
        "actif": flag(d.active),
    })
}

pub fn payment_mode(p: &PaymentMode) -> Value {
    json!({
        "id": p.id.to_string(),
        "titre": p.title,
        "type": p.kind,
        "chapitreComptable": p.accounting_chapter,
        "montantFixe": opt_money(p.fixed_amount),
        "montantMin": opt_money(p.minimum_amount),
        "montantMax": opt_money(p.maximum_amount),
        "idCaisse": p.cashbox_lock.to_string(),
    })
}

pub fn cashbox(c: &Cashbox) -> Value {
    json!({"id": c.id.to_string(), "titre": c.title})
}

pub fn table(t: &Table) -> Value {
    json!({
        "id": t.id.to_string(),
        "nom": t.name,
        "salle": t.room,
        "couverts": t.seats.to_string(),
    })
}

pub fn user(u: &User) -> Value {
    json!({
        "id": u.id.to_string(),
        "nom": u.last_name,
        "prenom": u.first_name,
        "profil": u.profile,
        "email": u.email,
    })
}

pub fn delivery_zone(z: &DeliveryZone) -> Value {
    json!({
        "id": z.id.to_string(),
        "titre": z.title,
        "codesPostaux": z.postcodes.join(","),
        "fraisLivraison": money(z.fee),
        "montantMinimum": money(z.minimum),
        "delaiMinutes": z.delay_minutes.to_string(),
    })
}

pub fn relay_point(r: &RelayPoint) -> Value {
    json!({
        "id": r.id.to_string(),
        "titre": r.title,
        "adresse": r.address,
        "codepostal": r.zip,
        "ville": r.city,
        "horaires": r.hours,
    })
}

pub fn discount(d: &Discount) -> Value {
    json!({
        "id": d.id.to_string(),
        "titre": d.title,
        "type": d.kind,
        "valeur": money(d.value),
        "code": d.code,
    })
}

/// An order line on the wire.
#[derive(Debug, Serialize)]
struct WireLine<'a> {
    #[serde(rename = "idPlu")]
    product: String,
    #[serde(rename = "idRayon")]
    department: String,
    titre: &'a str,
    quantite: String,
    #[serde(rename = "prixUnitaire")]
    unit: String,
    remise: String,
    total: String,
    #[serde(rename = "tauxTva")]
    vat_rate: String,
    declinaisons: Vec<WireChoice<'a>>,
}

#[derive(Debug, Serialize)]
struct WireChoice<'a> {
    id: String,
    titre: &'a str,
    #[serde(rename = "deltaPrix")]
    delta: String,
}

#[derive(Debug, Serialize)]
struct WireVat {
    taux: String,
    base: String,
    montant: String,
}

#[derive(Debug, Serialize)]
struct WirePayment<'a> {
    #[serde(rename = "idModePaiement")]
    mode: String,
    #[serde(rename = "mode")]
    title: &'a str,
    montant: String,
    date: String,
}

/// A validated order, quote or pending order on the wire (the list shape).
#[derive(Debug, Serialize)]
pub struct WireOrder<'a> {
    #[serde(rename = "orderID")]
    id: String,
    #[serde(rename = "orderInternalID")]
    internal_id: String,
    date: String,
    #[serde(rename = "dateValeur")]
    value_date: String,
    price: String,
    #[serde(rename = "VAT")]
    vat: String,
    #[serde(rename = "VATs")]
    vats: Value,
    #[serde(rename = "clientID")]
    customer_id: String,
    client: Value,
    payment: String,
    paiements: Vec<WirePayment<'a>>,
    #[serde(rename = "deliveryMethod")]
    delivery_method: String,
    #[serde(rename = "cashBoxID")]
    cashbox: String,
    #[serde(rename = "idUser")]
    user_id: String,
    user: String,
    #[serde(rename = "idTable")]
    table_id: String,
    table: String,
    #[serde(rename = "numCouverts")]
    covers: String,
    #[serde(rename = "isRefund")]
    refund: &'static str,
    remise: String,
    #[serde(rename = "publicComment")]
    public_comment: &'a str,
    #[serde(rename = "privateComment")]
    private_comment: &'a str,
    #[serde(rename = "pagerNum")]
    pager: &'a str,
    #[serde(rename = "dateLivraison", skip_serializing_if = "String::is_empty")]
    delivery_at: String,
    #[serde(rename = "idLivreur", skip_serializing_if = "String::is_empty")]
    delivery_man: String,
    #[serde(rename = "adresseLivraison", skip_serializing_if = "String::is_empty")]
    delivery_address: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    statut: &'a str,
    /// Left out of lists when the sandbox is told to (`Sandbox::set_list_items(false)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Vec<WireLine<'a>>>,
}

impl WireOrder<'_> {
    /// The order without its lines, as a list that does not carry them shows it.
    pub(crate) fn without_items(self) -> Self {
        Self {
            items: None,
            ..self
        }
    }
}

/// How much of an order to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderShape {
    /// As in `getOrders.php` and `getPending.php`: VAT as an array, the customer's name.
    List,
    /// As in `getOrder.php`: VAT keyed by rate, the customer's record.
    Detail,
}

pub fn order<'a>(
    shop: &'a ShopData,
    o: &'a Order,
    tz: &TimeZone,
    shape: OrderShape,
) -> WireOrder<'a> {
    let customer = o.customer.and_then(|c| shop.customer(c));
    let client = match (shape, customer) {
        (OrderShape::Detail, Some(c)) => customer_value(c, tz),
        (_, Some(c)) => Value::String(c.display_name()),
        (_, None) => Value::String(String::new()),
    };
    let vat_lines = o.vats();
    let vats = match shape {
        OrderShape::List => serde_json::to_value(
            vat_lines
                .iter()
                .map(|v| WireVat {
                    taux: rate(v.rate),
                    base: money(v.base),
                    montant: money(v.vat),
                })
                .collect::<Vec<_>>(),
        )
        .unwrap_or(Value::Null),
        OrderShape::Detail => Value::Object(
            vat_lines
                .iter()
                .map(|v| {
                    (
                        rate(v.rate),
                        json!({"base": money(v.base), "montant": money(v.vat)}),
                    )
                })
                .collect(),
        ),
    };
    let paiements = match o.payment {
        p if p > 0 => {
            let mode = u32::try_from(p).ok().and_then(|id| shop.payment_mode(id));
            vec![WirePayment {
                mode: p.to_string(),
                title: mode.map_or("", |m| m.title.as_str()),
                montant: money(o.total),
                date: local(o.created, tz),
            }]
        }
        _ => Vec::new(),
    };
    let user = o
        .user
        .and_then(|u| shop.users.iter().find(|x| x.id == u))
        .map(User::display_name)
        .unwrap_or_default();
    let table = o
        .table
        .and_then(|t| shop.tables.iter().find(|x| x.id == t))
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let delivery_address = if o.delivery_method == DELIVERY {
        customer
            .map(|c| {
                format!("{} {} {}", c.address1, c.zip, c.city)
                    .trim()
                    .to_owned()
            })
            .unwrap_or_default()
    } else {
        String::new()
    };
    WireOrder {
        id: o.id.to_string(),
        internal_id: internal_id(o, tz),
        date: local(o.created, tz),
        value_date: o.value_date.to_string(),
        price: money(o.total),
        vat: money(vat_lines.iter().map(|v| v.vat).sum()),
        vats,
        customer_id: id(o.customer),
        client,
        payment: o.payment.to_string(),
        paiements,
        delivery_method: o.delivery_method.to_string(),
        cashbox: id(o.cashbox),
        user_id: id(o.user),
        user,
        table_id: id(o.table),
        table,
        covers: o.covers.map(|c| c.to_string()).unwrap_or_default(),
        refund: flag(o.refund),
        remise: money(o.discount),
        public_comment: o.public_comment(),
        private_comment: o.private_comment(),
        pager: o.pager(),
        delivery_at: o.delivery_at().map(|t| local(t, tz)).unwrap_or_default(),
        delivery_man: o.delivery_man().map(|d| d.to_string()).unwrap_or_default(),
        delivery_address,
        statut: o.status().unwrap_or(""),
        items: Some(
            o.lines
                .iter()
                .map(|l| WireLine {
                    product: id(l.product),
                    department: id(l.department),
                    titre: &l.title,
                    quantite: qty(l.quantity),
                    unit: money(l.unit_price),
                    remise: money(l.discount),
                    total: money(l.total),
                    vat_rate: rate(l.vat_rate),
                    declinaisons: l
                        .variations
                        .iter()
                        .map(|c| {
                            let (title, delta) = shop
                                .choice(*c)
                                .map_or(("", 0), |(_, ch)| (ch.title.as_str(), ch.delta));
                            WireChoice {
                                id: c.to_string(),
                                titre: title,
                                delta: money(delta),
                            }
                        })
                        .collect(),
                })
                .collect(),
        ),
    }
}

/// The order's number as the back office shows it (`orderInternalID`): `F2026-000123` for an
/// invoice (the year it was created, in the shop's zone, and its sequence), `D2026-000456` for
/// a quote (its id).
pub(crate) fn internal_id(o: &Order, tz: &TimeZone) -> String {
    let year = Timestamp::from_second(o.created)
        .map(|t| t.to_zoned(tz.clone()).year())
        .unwrap_or(1970);
    if o.number > 0 {
        format!("F{year}-{:06}", o.number)
    } else {
        format!("D{year}-{:06}", o.id)
    }
}

fn customer_value(c: &Customer, tz: &TimeZone) -> Value {
    customer(c, tz)
}

/// CSV of a list of flat objects: `;`-separated, a header row from the first item's keys,
/// nested values as JSON.
pub fn csv(items: &[Value]) -> String {
    let Some(Value::Object(first)) = items.first() else {
        return String::new();
    };
    let keys: Vec<&String> = first.keys().collect();
    let mut out = String::new();
    out.push_str(
        &keys
            .iter()
            .map(|k| csv_cell(k))
            .collect::<Vec<_>>()
            .join(";"),
    );
    out.push('\n');
    for item in items {
        let row: Vec<String> = keys
            .iter()
            .map(|k| csv_cell(&cell_text(item.get(k.as_str()))))
            .collect();
        out.push_str(&row.join(";"));
        out.push('\n');
    }
    out
}

fn cell_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

pub fn csv_cell(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#039;"),
            c => out.push(c),
        }
    }
    out
}

/// An HTML table fragment of a list of flat objects.
pub fn html(items: &[Value]) -> String {
    let Some(Value::Object(first)) = items.first() else {
        return "<table class=\"liste\"></table>".to_owned();
    };
    let keys: Vec<&String> = first.keys().collect();
    let mut out = String::from("<table class=\"liste\"><tr>");
    for k in &keys {
        out.push_str(&format!("<th>{}</th>", html_escape(k)));
    }
    out.push_str("</tr>");
    for item in items {
        out.push_str("<tr>");
        for k in &keys {
            out.push_str(&format!(
                "<td>{}</td>",
                html_escape(&cell_text(item.get(k.as_str())))
            ));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(money(360), "3.60");
        assert_eq!(money(-350), "-3.50");
        assert_eq!(money(5), "0.05");
        assert_eq!(qty(2000), "2");
        assert_eq!(qty(500), "0.5");
        assert_eq!(qty(-1000), "-1");
        assert_eq!(qty(1250), "1.25");
        assert_eq!(rate(550), "5.50");
        assert_eq!(csv_cell("a;b"), "\"a;b\"");
        assert_eq!(html_escape("<b>&"), "&lt;b&gt;&amp;");
    }
}
