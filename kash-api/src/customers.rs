//! Customers ("clients"): `getClients.php`, `addClient.php`, `editClient.php`,
//! `delClient.php`.
//!
//! Beware the three vocabularies: the list uses the back office's French columns (`nom`,
//! `prenom`…), a new customer sent with a sale uses the documented French `client[...]` keys
//! ([`crate::sales::NewCustomer`]), and the customer writes use English-ish `data[...]` names
//! where `surname` is the last name and `name` the first name ([`CustomerFields`]).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::de::Lenient;
use crate::error::{KashError, Result};
use crate::ids::CustomerId;
use crate::lists::list_endpoint;
use crate::time::PosTime;
use crate::writes::{field_set, record};

/// A customer, as listed by `getClients.php`.
#[serde_with::skip_serializing_none]
#[serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Customer {
    /// Customer id; the `idClient` of a sale.
    #[serde(alias = "idClient", alias = "idclient", alias = "ID")]
    pub id: CustomerId,
    /// Honorific (M., Mme…).
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "civilite", alias = "title")]
    pub honorific: Option<String>,
    /// Last name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "nom", alias = "surname", alias = "lastname")]
    pub last_name: Option<String>,
    /// First name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "prenom", alias = "firstname")]
    pub first_name: Option<String>,
    /// Company name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "societe", alias = "entreprise")]
    pub company: Option<String>,
    /// Email.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "mail")]
    pub email: Option<String>,
    /// Phone.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "telephone", alias = "tel")]
    pub phone: Option<String>,
    /// Second phone.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "telephone2", alias = "portable")]
    pub phone2: Option<String>,
    /// Address, first line.
    #[serde_as(as = "Lenient")]
    #[serde(
        default,
        alias = "adresseligne1",
        alias = "adresse",
        alias = "addressline1"
    )]
    pub address: Option<String>,
    /// Address, second line.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "adresseligne2", alias = "addressline2")]
    pub address2: Option<String>,
    /// Delivery instructions (door code, floor).
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "commentaireadresse", alias = "adressComment")]
    pub address_comment: Option<String>,
    /// Postcode.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "codepostal", alias = "cp", alias = "postcode")]
    pub zip: Option<String>,
    /// City.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "ville")]
    pub city: Option<String>,
    /// Country (ISO code).
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "pays")]
    pub country: Option<String>,
    /// VAT number.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "numtva", alias = "VATnum")]
    pub vat_number: Option<String>,
    /// Company registration (RCS / SIRET).
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "rcs", alias = "registrationNumber")]
    pub company_registration: Option<String>,
    /// Loyalty card barcode.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "codeBarre", alias = "codebarre")]
    pub barcode: Option<String>,
    /// Latitude.
    #[serde_as(as = "Lenient")]
    #[serde(default)]
    pub lat: Option<Decimal>,
    /// Longitude.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "lon", alias = "long")]
    pub lng: Option<Decimal>,
    /// Loyalty points.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "pointsFidelite", alias = "fidelite")]
    pub loyalty_points: Option<Decimal>,
    /// Loyalty balance (money kept for the customer).
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "cagnotte", alias = "soldeFidelite")]
    pub loyalty_balance: Option<Decimal>,
    /// Private comment (staff only).
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "commentairePrive", alias = "commentPrivate")]
    pub private_comment: Option<String>,
    /// Blacklisted.
    #[serde_as(as = "Lenient")]
    #[serde(default)]
    pub blacklist: Option<bool>,
    /// When the customer was created.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "dateCreation", alias = "date")]
    pub created_at: Option<PosTime>,
    /// Every other field the POS sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Customer {
    /// "First Last", or whichever part exists, or the company.
    pub fn display_name(&self) -> String {
        let parts: Vec<&str> = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if parts.is_empty() {
            self.company.clone().unwrap_or_default()
        } else {
            parts.join(" ")
        }
    }
}

list_endpoint! {
    /// `getClients.php`: the customers, with contact details and loyalty.
    kind Customers, item Customer, script "getClients.php", what "customers";
    request ListCustomers, text ListCustomersText;
    fn list_customers, list_customers_text;
}

field_set! {
    /// The fields of a customer, for `addClient.php` and `editClient.php`.
    pub struct CustomerFields {
        /// Honorific (M., Mme…). Wire: `title`.
        honorific: String = "title",
        /// Last name. Wire: `surname`.
        last_name: String = "surname",
        /// First name. Wire: `name`.
        first_name: String = "name",
        /// Email.
        email: String = "email",
        /// Phone.
        phone: String = "phone",
        /// Second phone.
        phone2: String = "phone2",
        /// Address, first line.
        address: String = "addressline1",
        /// Address, second line.
        address2: String = "addressline2",
        /// Delivery instructions (the wire name is misspelt by the POS).
        address_comment: String = "adressComment",
        /// Postcode.
        zip: String = "postcode",
        /// City.
        city: String = "city",
        /// Country (ISO code, e.g. FR).
        country: String = "country",
        /// National identification number.
        identification_id: String = "identificationID",
        /// Latitude.
        lat: f64 = "lat",
        /// Longitude.
        lng: f64 = "lng",
        /// Private comment (staff only).
        private_comment: String = "commentPrivate",
        /// Public comment (printed).
        public_comment: String = "commentPublic",
        /// Company registration (RCS / SIRET).
        company_registration: String = "registrationNumber",
        /// VAT number.
        vat_number: String = "VATnum",
        /// Loyalty card barcode.
        barcode: String = "barcode",
        /// Blacklisted.
        blacklist: bool = "blacklist",
        /// Customer group id.
        group_id: i64 = "clientGroupID",
        /// Birth date.
        birth_date: jiff::civil::Date = "birthDate",
        /// Accounting activity code.
        activity_code: String = "activityCode",
    }
}

fn validate(fields: &CustomerFields, create: bool) -> Result<()> {
    let named = |v: &Option<String>| v.as_ref().is_some_and(|s| !s.trim().is_empty());
    if create && !named(&fields.last_name) && !named(&fields.first_name) {
        return Err(KashError::invalid(
            "a new customer needs a last name or a first name",
        ));
    }
    if let Some(c) = &fields.country {
        crate::sales::check_country(c)?;
    }
    Ok(())
}

record! {
    /// Customers as a writable record.
    record CustomerRecord { what: "customer", id: CustomerId, fields: CustomerFields,
        validate: validate, add: "addClient.php", delete: "delClient.php", edit: "editClient.php" }
    aliases CreateCustomer, DeleteCustomer, UpdateCustomer;
    fn create_customer, delete_customer, update_customer;
}
