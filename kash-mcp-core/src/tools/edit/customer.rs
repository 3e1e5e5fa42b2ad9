//! Customers: their arguments and the checks of their fields (dates, country codes).

use kash_api::customers::{CustomerFields, CustomerRecord, Customers};
use kash_api::ids::CustomerId;
use kash_api::lists::ListKind;
use serde::Deserialize;
use serde_with::serde_as;

use super::{Change, Kind, RecordKind, Words, change, flag, id_prop, text, text_prop};
use crate::call::Call;
use crate::error::{ToolError, ToolResult};
use crate::i18n::{Lang, Text};
use crate::schema::Prop;
use crate::shop::Shop;
use crate::store::BoxFuture;
use crate::{t, tr};

/// The arguments of `client_create` and `client_update`.
#[serde_as]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct CustomerArgs {
    #[serde_as(as = "kash_api::de::Lenient")]
    client_id: Option<CustomerId>,
    honorific: Option<String>,
    lastname: Option<String>,
    firstname: Option<String>,
    email: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    phone: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    phone2: Option<String>,
    address: Option<String>,
    address2: Option<String>,
    address_comment: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    zip: Option<String>,
    city: Option<String>,
    country: Option<String>,
    vat_number: Option<String>,
    company_registration: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    barcode: Option<String>,
    birth_date: Option<String>,
    private_comment: Option<String>,
    public_comment: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    blacklist: Option<bool>,
}

/// Customers.
pub(super) struct Customer;

impl Kind for Customer {
    type Id = CustomerId;
    type Rec = CustomerRecord;
    type List = Customers;
    type Args = CustomerArgs;

    const RECORD: RecordKind = RecordKind::Customer;
    const TOOL: &'static str = "client";
    const TOOLS: [&'static str; 3] = ["client_create", "client_update", "client_delete"];
    const ID_ARG: &'static str = "clientId";
    const LIST_TOOL: &'static str = "data_list_clients";
    const WORDS: Words = Words {
        en: "customer",
        fr_the: "le client",
        fr_of: "de client",
    };
    const RENAMES: &'static [(&'static str, &'static str)] = &[
        ("idClient", "clientId"),
        ("customerId", "clientId"),
        ("lastName", "lastname"),
        ("firstName", "firstname"),
        ("postcode", "zip"),
    ];
    const STALE: &'static [&'static str] = &[Customers::SCRIPT];
    const REQUIRED: &'static [&'static str] = &[];
    const IDEMPOTENT_UPDATE: bool = true;
    const TEXTS: [(Text, Text); 3] = [
        (
            t!("Create a customer", "Créer un client"),
            t!(
                "Create a customer (a name at least); returns the id for sale_create's idClient. Check data_list_clients first.",
                "Crée un client (un nom au moins) ; renvoie l'identifiant pour idClient de sale_create. Vérifiez d'abord data_list_clients."
            ),
        ),
        (
            t!("Update a customer", "Modifier un client"),
            t!(
                "Change only the given fields of a customer; reports each before and after.",
                "Modifie seulement les champs donnés d'un client ; rapporte chacun avant et après."
            ),
        ),
        (
            t!("Delete a customer", "Supprimer un client"),
            t!(
                "Delete a customer, once the user confirms (as for product_delete).",
                "Supprime un client, une fois confirmé (comme product_delete)."
            ),
        ),
    ];

    fn props(create: bool) -> Vec<(&'static str, Prop)> {
        let mut v = vec![
            (
                "honorific",
                Prop::string(t!("M., Mme…", "M., Mme…")).max_length(20),
            ),
            ("lastname", text_prop(100)),
            ("firstname", text_prop(100)),
            ("email", text_prop(200).format("email")),
            ("phone", text_prop(40)),
            ("phone2", text_prop(40)),
            ("address", text_prop(200)),
            ("address2", text_prop(200)),
            (
                "addressComment",
                Prop::string(t!("Door code, floor.", "Digicode, étage.")).max_length(200),
            ),
            ("zip", text_prop(20)),
            ("city", text_prop(100)),
            (
                "country",
                Prop::string(t!("ISO code, e.g. FR.", "Code ISO, ex. FR."))
                    .pattern("^[A-Za-z]{2}$"),
            ),
            ("vatNumber", text_prop(40)),
            ("companyRegistration", text_prop(40)),
            ("barcode", text_prop(64)),
            ("birthDate", text_prop(10).format("date")),
            ("privateComment", text_prop(500)),
            ("publicComment", text_prop(500)),
            ("blacklist", Prop::boolean(t!("", ""))),
        ];
        if !create {
            v.insert(0, ("clientId", id_prop("", "")));
        }
        v
    }

    fn id(args: &CustomerArgs) -> Option<CustomerId> {
        args.client_id
    }

    fn item_id(item: &kash_api::customers::Customer) -> CustomerId {
        item.id
    }

    fn name(item: &kash_api::customers::Customer) -> String {
        item.display_name()
    }

    fn fields<'a>(
        ctx: &'a Call<'a>,
        _shop: &'a Shop,
        args: &'a CustomerArgs,
        _before: Option<&'a kash_api::customers::Customer>,
    ) -> BoxFuture<'a, ToolResult<CustomerFields>> {
        Box::pin(async move { fields(ctx.lang, args) })
    }

    fn new_name(f: &CustomerFields) -> Option<String> {
        let name = format!(
            "{} {}",
            f.first_name.as_deref().unwrap_or_default().trim(),
            f.last_name.as_deref().unwrap_or_default().trim()
        )
        .trim()
        .to_owned();
        (!name.is_empty()).then_some(name)
    }

    fn requirement(lang: Lang) -> String {
        tr!(
            lang,
            "A new customer needs a `lastname` or a `firstname`.",
            "Un nouveau client demande un `lastname` ou un `firstname`."
        )
    }

    fn created(lang: Lang, name: &str, id: Option<u64>, _: &CustomerFields) -> String {
        tr!(
            lang,
            "Created customer {}{}.",
            "Client {}{} créé.",
            name,
            id.map(|i| format!(" (#{i})")).unwrap_or_default()
        )
    }

    fn updated(lang: Lang, name: &str, id: u64, changes: &str) -> String {
        tr!(
            lang,
            "Updated customer {} (#{}): {}.",
            "Client {} (#{}) modifié : {}.",
            name,
            id,
            changes
        )
    }

    fn changes(
        b: &kash_api::customers::Customer,
        a: &kash_api::customers::Customer,
    ) -> Vec<Change> {
        [
            change("honorific", text(&b.honorific), text(&a.honorific)),
            change("lastname", text(&b.last_name), text(&a.last_name)),
            change("firstname", text(&b.first_name), text(&a.first_name)),
            change("email", text(&b.email), text(&a.email)),
            change("phone", text(&b.phone), text(&a.phone)),
            change("phone2", text(&b.phone2), text(&a.phone2)),
            change("address", text(&b.address), text(&a.address)),
            change("address2", text(&b.address2), text(&a.address2)),
            change(
                "addressComment",
                text(&b.address_comment),
                text(&a.address_comment),
            ),
            change("zip", text(&b.zip), text(&a.zip)),
            change("city", text(&b.city), text(&a.city)),
            change("country", text(&b.country), text(&a.country)),
            change("vatNumber", text(&b.vat_number), text(&a.vat_number)),
            change(
                "companyRegistration",
                text(&b.company_registration),
                text(&a.company_registration),
            ),
            change("barcode", text(&b.barcode), text(&a.barcode)),
            change(
                "privateComment",
                text(&b.private_comment),
                text(&a.private_comment),
            ),
            change("blacklist", flag(b.blacklist), flag(a.blacklist)),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

fn fields(lang: Lang, a: &CustomerArgs) -> ToolResult<CustomerFields> {
    let mut f = CustomerFields::new();
    f.honorific.clone_from(&a.honorific);
    f.last_name.clone_from(&a.lastname);
    f.first_name.clone_from(&a.firstname);
    f.email.clone_from(&a.email);
    f.phone.clone_from(&a.phone);
    f.phone2.clone_from(&a.phone2);
    f.address.clone_from(&a.address);
    f.address2.clone_from(&a.address2);
    f.address_comment.clone_from(&a.address_comment);
    f.zip.clone_from(&a.zip);
    f.city.clone_from(&a.city);
    f.country = a.country.as_ref().map(|c| c.trim().to_ascii_uppercase());
    f.vat_number.clone_from(&a.vat_number);
    f.company_registration.clone_from(&a.company_registration);
    f.barcode.clone_from(&a.barcode);
    f.private_comment.clone_from(&a.private_comment);
    f.public_comment.clone_from(&a.public_comment);
    f.blacklist = a.blacklist;
    if let Some(b) = &a.birth_date {
        f.birth_date = Some(b.trim().parse().map_err(|_| {
            ToolError::Invalid(tr!(
                lang,
                "`birthDate` = \"{}\" is not a date YYYY-MM-DD.",
                "`birthDate` = « {} » n'est pas une date AAAA-MM-JJ.",
                b
            ))
        })?);
    }
    if let Some(c) = &f.country
        && (c.len() != 2 || !c.chars().all(|x| x.is_ascii_alphabetic()))
    {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`country` must be a two-letter ISO code such as FR, got \"{}\".",
            "`country` doit être un code ISO à deux lettres comme FR, reçu « {} ».",
            c
        )));
    }
    Ok(f)
}
