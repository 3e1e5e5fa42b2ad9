//! Customers ("clients"): `getClients.php`, `addClient.php`, `editClient.php`,
//! `delClient.php`.
//!
//! Beware the three vocabularies: the list uses the back office's French columns (`nom`,
//! `prenom`…), a new customer sent with a sale uses the documented French `client[...]` keys
//! ([`crate::sales::NewCustomer`]), and the customer writes use English-ish `data[...]` names
//! where `surname` is the last name and `name` the first name ([`CustomerFields`]).

use rust_decimal::Decimal;

use crate::error::{KashError, Result};
use crate::ids::CustomerId;
use crate::lists::list_endpoint;
use crate::time::PosTime;
use crate::wire::wire_record;
use crate::writes::{field_set, record};

wire_record! {
    /// A customer, as listed by `getClients.php`.
    pub struct Customer {
        /// Customer id; the `idClient` of a sale.
        #[serde(alias = "idClient", alias = "idclient", alias = "ID")]
        id: CustomerId,
        /// Honorific (M., Mme…).
        honorific: Option<String> = ["civilite", "title"],
        /// Last name.
        last_name: Option<String> = ["nom", "surname", "lastname"],
        /// First name.
        first_name: Option<String> = ["prenom", "firstname"],
        /// Company name.
        company: Option<String> = ["societe", "entreprise"],
        /// Email.
        email: Option<String> = ["mail"],
        /// Phone.
        phone: Option<String> = ["telephone", "tel"],
        /// Second phone.
        phone2: Option<String> = ["telephone2", "portable"],
        /// Address, first line.
        address: Option<String> = ["adresseligne1", "adresse", "addressline1"],
        /// Address, second line.
        address2: Option<String> = ["adresseligne2", "addressline2"],
        /// Delivery instructions (door code, floor).
        address_comment: Option<String> = ["commentaireadresse", "adressComment"],
        /// Postcode.
        zip: Option<String> = ["codepostal", "cp", "postcode"],
        /// City.
        city: Option<String> = ["ville"],
        /// Country (ISO code).
        country: Option<String> = ["pays"],
        /// VAT number.
        vat_number: Option<String> = ["numtva", "VATnum"],
        /// Company registration (RCS / SIRET).
        company_registration: Option<String> = ["rcs", "registrationNumber"],
        /// Loyalty card barcode.
        barcode: Option<String> = ["codeBarre", "codebarre"],
        /// Latitude.
        lat: Option<Decimal> = [],
        /// Longitude.
        lng: Option<Decimal> = ["lon", "long"],
        /// Loyalty points.
        loyalty_points: Option<Decimal> = ["pointsFidelite", "fidelite"],
        /// Loyalty balance (money kept for the customer).
        loyalty_balance: Option<Decimal> = ["cagnotte", "soldeFidelite"],
        /// Private comment (staff only).
        private_comment: Option<String> = ["commentairePrive", "commentPrivate"],
        /// Blacklisted.
        blacklist: Option<bool> = [],
        /// When the customer was created.
        created_at: Option<PosTime> = ["dateCreation", "date"],
    }
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
