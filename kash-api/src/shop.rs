//! The shop's other lists: cash registers, tables, users, delivery people, delivery zones,
//! relay points and discounts.

use rust_decimal::Decimal;

use crate::de::{Lenient, LenientList};
use crate::ids::{
    CashboxId, DeliveryManId, DeliveryZoneId, DiscountId, RelayPointId, TableId, UserId,
};
use crate::lists::list_endpoint;
use crate::wire::wire_record;

wire_record! {
    /// A cash register, as listed by `getCashbox.php`.
    pub struct Cashbox {
        /// Cash register id; the `idcaisse` of a sale.
        #[serde(alias = "idCaisse", alias = "idcaisse", alias = "ID")]
        id: CashboxId,
        /// Name.
        title: Option<String> = ["titre", "nom", "libelle"],
    }
}

list_endpoint! {
    /// `getCashbox.php`: the cash registers.
    kind Cashboxes, item Cashbox, script "getCashbox.php", what "cash registers";
    request ListCashboxes, text ListCashboxesText;
    fn list_cashboxes, list_cashboxes_text;
}

wire_record! {
    /// A restaurant table, as listed by `getTables.php`.
    pub struct Table {
        /// Table id; the `idtable` of a sale. Not the number painted on the table: see
        /// [`Table::title`].
        #[serde(alias = "idTable", alias = "idtable", alias = "ID")]
        id: TableId,
        /// The table's name or number as the staff say it ("84", "T3").
        title: Option<String> = ["nom", "titre", "numero", "name"],
        /// The room it is in ("Salle", "Terrasse").
        room: Option<String> = ["salle", "zone"],
        /// Seats.
        seats: Option<u32> = ["couverts", "places"],
    }
}

list_endpoint! {
    /// `getTables.php`: the restaurant tables.
    kind Tables, item Table, script "getTables.php", what "tables";
    request ListTables, text ListTablesText;
    fn list_tables, list_tables_text;
}

wire_record! {
    /// A user of the POS, as listed by `getUsers.php`.
    pub struct User {
        /// User id; the `idUser` of a sale.
        #[serde(alias = "idUser", alias = "idUtilisateur", alias = "ID")]
        id: UserId,
        /// Name or login.
        name: Option<String> = ["nom", "login", "titre"],
        /// First name.
        first_name: Option<String> = ["prenom"],
        /// Role or profile ("Gérant", "Serveur").
        profile: Option<String> = ["profil", "role"],
        /// Email.
        email: Option<String> = [],
    }
}

list_endpoint! {
    /// `getUsers.php`: the users (cashiers, managers).
    kind Users, item User, script "getUsers.php", what "users";
    request ListUsers, text ListUsersText;
    fn list_users, list_users_text;
}

wire_record! {
    /// A delivery person, as listed by `getLivreurs.php`.
    pub struct DeliveryMan {
        /// Id.
        #[serde(alias = "idLivreur", alias = "ID")]
        id: DeliveryManId,
        /// Last name.
        name: Option<String> = ["nom"],
        /// First name.
        first_name: Option<String> = ["prenom"],
        /// Phone.
        phone: Option<String> = ["telephone"],
        /// Currently working.
        active: Option<bool> = ["actif"],
    }
}

list_endpoint! {
    /// `getLivreurs.php`: the delivery people. (The documentation lists `getLivraisons.php`,
    /// "delivery methods"; the old server used this script in production.)
    kind DeliveryMen, item DeliveryMan, script "getLivreurs.php", what "delivery people";
    request ListDeliveryMen, text ListDeliveryMenText;
    fn list_delivery_men, list_delivery_men_text;
}

wire_record! {
    /// A delivery zone, as listed by `getDeliveryZones.php`.
    pub struct DeliveryZone {
        /// Id.
        #[serde(alias = "idZone", alias = "ID")]
        id: DeliveryZoneId,
        /// Name.
        title: Option<String> = ["titre", "nom"],
        /// Postcodes served.
        postcodes: Vec<String> as "LenientList" = ["codesPostaux", "cp"],
        /// Delivery fee.
        fee: Option<Decimal> = ["fraisLivraison", "frais"],
        /// Minimum order amount.
        minimum_amount: Option<Decimal> = ["montantMinimum", "minimum"],
        /// Typical delivery time in minutes.
        delay_minutes: Option<u32> = ["delaiMinutes", "delai"],
    }
}

list_endpoint! {
    /// `getDeliveryZones.php`: the delivery zones.
    kind DeliveryZones, item DeliveryZone, script "getDeliveryZones.php", what "delivery zones";
    request ListDeliveryZones, text ListDeliveryZonesText;
    fn list_delivery_zones, list_delivery_zones_text;
}

wire_record! {
    /// A relay / pick-up point, as listed by `getRelayDeposit.php`.
    pub struct RelayPoint {
        /// Id.
        #[serde(alias = "idRelais", alias = "ID")]
        id: RelayPointId,
        /// Name.
        title: Option<String> = ["titre", "nom"],
        /// Address.
        address: Option<String> = ["adresse"],
        /// Postcode.
        zip: Option<String> = ["codepostal"],
        /// City.
        city: Option<String> = ["ville"],
        /// Opening hours.
        opening_hours: Option<String> = ["horaires"],
    }
}

list_endpoint! {
    /// `getRelayDeposit.php`: the relay / pick-up points.
    kind RelayPoints, item RelayPoint, script "getRelayDeposit.php", what "relay points";
    request ListRelayPoints, text ListRelayPointsText;
    fn list_relay_points, list_relay_points_text;
}

wire_record! {
    /// A discount, as listed by `getDiscounts.php`.
    pub struct Discount {
        /// Id.
        #[serde(alias = "idRemise", alias = "ID")]
        id: DiscountId,
        /// Name.
        title: Option<String> = ["titre", "nom", "libelle"],
        /// `percent` or `amount`, as the POS wrote it.
        #[serde_as(as = "Lenient")]
        #[serde(default, rename = "type", alias = "typeRemise")]
        kind: Option<String>,
        /// The percentage or the amount.
        value: Option<Decimal> = ["valeur", "montant", "taux"],
        /// Promo code.
        code: Option<String> = [],
    }
}

list_endpoint! {
    /// `getDiscounts.php`: the discounts.
    kind Discounts, item Discount, script "getDiscounts.php", what "discounts";
    request ListDiscounts, text ListDiscountsText;
    fn list_discounts, list_discounts_text;
}
