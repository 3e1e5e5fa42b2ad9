//! The shop's other lists: cash registers, tables, users, delivery people, delivery zones,
//! relay points and discounts.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::de::{Lenient, LenientList};
use crate::ids::{
    CashboxId, DeliveryManId, DeliveryZoneId, DiscountId, RelayPointId, TableId, UserId,
};
use crate::lists::list_endpoint;

/// A cash register, as listed by `getCashbox.php`.
#[serde_with::skip_serializing_none]
#[serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Cashbox {
    /// Cash register id; the `idcaisse` of a sale.
    #[serde(alias = "idCaisse", alias = "idcaisse", alias = "ID")]
    pub id: CashboxId,
    /// Name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "titre", alias = "nom", alias = "libelle")]
    pub title: Option<String>,
    /// Every other field the POS sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

list_endpoint! {
    /// `getCashbox.php`: the cash registers.
    kind Cashboxes, item Cashbox, script "getCashbox.php", what "cash registers";
    request ListCashboxes, text ListCashboxesText;
    fn list_cashboxes, list_cashboxes_text;
}

/// A restaurant table, as listed by `getTables.php`.
#[serde_with::skip_serializing_none]
#[serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Table {
    /// Table id; the `idtable` of a sale. Not the number painted on the table: see
    /// [`Table::title`].
    #[serde(alias = "idTable", alias = "idtable", alias = "ID")]
    pub id: TableId,
    /// The table's name or number as the staff say it ("84", "T3").
    #[serde_as(as = "Lenient")]
    #[serde(
        default,
        alias = "nom",
        alias = "titre",
        alias = "numero",
        alias = "name"
    )]
    pub title: Option<String>,
    /// The room it is in ("Salle", "Terrasse").
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "salle", alias = "zone")]
    pub room: Option<String>,
    /// Seats.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "couverts", alias = "places")]
    pub seats: Option<u32>,
    /// Every other field the POS sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

list_endpoint! {
    /// `getTables.php`: the restaurant tables.
    kind Tables, item Table, script "getTables.php", what "tables";
    request ListTables, text ListTablesText;
    fn list_tables, list_tables_text;
}

/// A user of the POS, as listed by `getUsers.php`.
#[serde_with::skip_serializing_none]
#[serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct User {
    /// User id; the `idUser` of a sale.
    #[serde(alias = "idUser", alias = "idUtilisateur", alias = "ID")]
    pub id: UserId,
    /// Name or login.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "nom", alias = "login", alias = "titre")]
    pub name: Option<String>,
    /// First name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "prenom")]
    pub first_name: Option<String>,
    /// Role or profile ("Gérant", "Serveur").
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "profil", alias = "role")]
    pub profile: Option<String>,
    /// Email.
    #[serde_as(as = "Lenient")]
    #[serde(default)]
    pub email: Option<String>,
    /// Every other field the POS sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

list_endpoint! {
    /// `getUsers.php`: the users (cashiers, managers).
    kind Users, item User, script "getUsers.php", what "users";
    request ListUsers, text ListUsersText;
    fn list_users, list_users_text;
}

/// A delivery person, as listed by `getLivreurs.php`.
#[serde_with::skip_serializing_none]
#[serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeliveryMan {
    /// Id.
    #[serde(alias = "idLivreur", alias = "ID")]
    pub id: DeliveryManId,
    /// Last name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "nom")]
    pub name: Option<String>,
    /// First name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "prenom")]
    pub first_name: Option<String>,
    /// Phone.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "telephone")]
    pub phone: Option<String>,
    /// Currently working.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "actif")]
    pub active: Option<bool>,
    /// Every other field the POS sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

list_endpoint! {
    /// `getLivreurs.php`: the delivery people. (The documentation lists `getLivraisons.php`,
    /// "delivery methods"; the old server used this script in production.)
    kind DeliveryMen, item DeliveryMan, script "getLivreurs.php", what "delivery people";
    request ListDeliveryMen, text ListDeliveryMenText;
    fn list_delivery_men, list_delivery_men_text;
}

/// A delivery zone, as listed by `getDeliveryZones.php`.
#[serde_with::skip_serializing_none]
#[serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeliveryZone {
    /// Id.
    #[serde(alias = "idZone", alias = "ID")]
    pub id: DeliveryZoneId,
    /// Name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "titre", alias = "nom")]
    pub title: Option<String>,
    /// Postcodes served.
    #[serde_as(as = "LenientList")]
    #[serde(default, alias = "codesPostaux", alias = "cp")]
    pub postcodes: Vec<String>,
    /// Delivery fee.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "fraisLivraison", alias = "frais")]
    pub fee: Option<Decimal>,
    /// Minimum order amount.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "montantMinimum", alias = "minimum")]
    pub minimum_amount: Option<Decimal>,
    /// Typical delivery time in minutes.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "delaiMinutes", alias = "delai")]
    pub delay_minutes: Option<u32>,
    /// Every other field the POS sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

list_endpoint! {
    /// `getDeliveryZones.php`: the delivery zones.
    kind DeliveryZones, item DeliveryZone, script "getDeliveryZones.php", what "delivery zones";
    request ListDeliveryZones, text ListDeliveryZonesText;
    fn list_delivery_zones, list_delivery_zones_text;
}

/// A relay / pick-up point, as listed by `getRelayDeposit.php`.
#[serde_with::skip_serializing_none]
#[serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RelayPoint {
    /// Id.
    #[serde(alias = "idRelais", alias = "ID")]
    pub id: RelayPointId,
    /// Name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "titre", alias = "nom")]
    pub title: Option<String>,
    /// Address.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "adresse")]
    pub address: Option<String>,
    /// Postcode.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "codepostal")]
    pub zip: Option<String>,
    /// City.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "ville")]
    pub city: Option<String>,
    /// Opening hours.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "horaires")]
    pub opening_hours: Option<String>,
    /// Every other field the POS sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

list_endpoint! {
    /// `getRelayDeposit.php`: the relay / pick-up points.
    kind RelayPoints, item RelayPoint, script "getRelayDeposit.php", what "relay points";
    request ListRelayPoints, text ListRelayPointsText;
    fn list_relay_points, list_relay_points_text;
}

/// A discount, as listed by `getDiscounts.php`.
#[serde_with::skip_serializing_none]
#[serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Discount {
    /// Id.
    #[serde(alias = "idRemise", alias = "ID")]
    pub id: DiscountId,
    /// Name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "titre", alias = "nom", alias = "libelle")]
    pub title: Option<String>,
    /// `percent` or `amount`, as the POS wrote it.
    #[serde_as(as = "Lenient")]
    #[serde(default, rename = "type", alias = "typeRemise")]
    pub kind: Option<String>,
    /// The percentage or the amount.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "valeur", alias = "montant", alias = "taux")]
    pub value: Option<Decimal>,
    /// Promo code.
    #[serde_as(as = "Lenient")]
    #[serde(default)]
    pub code: Option<String>,
    /// Every other field the POS sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

list_endpoint! {
    /// `getDiscounts.php`: the discounts.
    kind Discounts, item Discount, script "getDiscounts.php", what "discounts";
    request ListDiscounts, text ListDiscountsText;
    fn list_discounts, list_discounts_text;
}
