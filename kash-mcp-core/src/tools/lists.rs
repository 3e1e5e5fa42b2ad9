//! The `data_list_*` tools: the shop's lists, searchable and paged in JSON, or the POS's own
//! CSV/HTML export, bounded with an explicit notice. Nothing is ever cut silently.

use std::collections::BTreeSet;

use kash_api::customers::{Customer, Customers};
use kash_api::departments::{Department, DepartmentGroup, DepartmentGroups, Departments};
use kash_api::lists::{ListKind, ListText, TextFormat};
use kash_api::payment_modes::{PaymentMode, PaymentModes};
use kash_api::products::{Product, Products};
use kash_api::shop::{
    Cashbox, Cashboxes, DeliveryMan, DeliveryMen, DeliveryZone, DeliveryZones, Discount, Discounts,
    RelayPoint, RelayPoints, Table, Tables, User, Users,
};
use kash_api::variations::{Variation, Variations};
use rmcp::model::{CallToolResponse, JsonObject};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use serde_with::serde_as;

use super::{Ctx, Effect, Spec, ToolId, done};
use crate::config::Toolset;
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang, Noun, Text};
use crate::normalize;
use crate::schema::{self, Prop};
use crate::search::{self, Field};
use crate::{t, tr};

/// Default page size.
pub const DEFAULT_LIMIT: usize = 50;
/// Largest page.
pub const MAX_LIMIT: usize = 500;
/// Default rows of a CSV/HTML page.
pub const DEFAULT_TEXT_ROWS: usize = 200;

/// The list tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListId {
    Products,
    Departments,
    DepartmentGroups,
    Clients,
    Variations,
    DeliveryMen,
    Payments,
    Cashboxes,
    DeliveryZones,
    RelayPoints,
    Discounts,
    Users,
    Tables,
}

/// How a list is presented to the model.
pub(crate) trait Listed: ListKind {
    const ID: ListId;
    const TOOL: &'static str;
    const TITLE: Text;
    const DESCRIPTION: Text;
    /// The noun, for summaries.
    const NOUN: Noun;
    /// What a query is matched against.
    fn search(item: &Self::Item) -> Vec<Field<'_>>;
    /// One line of the text summary.
    fn line(item: &Self::Item, lang: Lang) -> String;
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

fn money(lang: Lang, d: Option<kash_api::Decimal>) -> String {
    d.map(|d| i18n::money(lang, d))
        .unwrap_or_else(|| "—".into())
}

impl Listed for Products {
    const ID: ListId = ListId::Products;
    const TOOL: &'static str = "data_list_products";
    const TITLE: Text = t!("List products", "Lister les articles");
    const DESCRIPTION: Text = t!(
        "Catalogue articles: id, price incl. VAT, department, VAT, stock, variations. Find a productId with `query`.",
        "Articles du catalogue : identifiant, prix TTC, rayon, TVA, stock, déclinaisons. Trouvez un productId avec `query`."
    );
    const NOUN: Noun = crate::noun!("product", "products", "article", "articles");
    fn search(p: &Product) -> Vec<Field<'_>> {
        vec![
            Field::Text(opt(&p.title)),
            Field::Text(opt(&p.short_title)),
            Field::Text(opt(&p.barcode)),
            Field::Text(opt(&p.internal_id)),
        ]
    }
    fn line(p: &Product, lang: Lang) -> String {
        let mut s = format!("#{} {} — {}", p.id, opt(&p.title), money(lang, p.price));
        if let Some(stock) = p.stock {
            s.push_str(&tr!(
                lang,
                ", stock {}",
                ", stock {}",
                i18n::quantity(lang, stock)
            ));
            if let Some(alert) = p.stock_alert
                && stock < alert
            {
                s.push_str(&tr!(
                    lang,
                    " (below the alert of {})",
                    " (sous le seuil de {})",
                    i18n::quantity(lang, alert)
                ));
            }
        }
        s
    }
}

impl Listed for Departments {
    const ID: ListId = ListId::Departments;
    const TOOL: &'static str = "data_list_departments";
    const TITLE: Text = t!("List departments", "Lister les rayons");
    const DESCRIPTION: Text = t!(
        "Departments (product categories) with VAT rate and group.",
        "Rayons (catégories d'articles) avec taux de TVA et groupe."
    );
    const NOUN: Noun = crate::noun!("department", "departments", "rayon", "rayons");
    fn search(d: &Department) -> Vec<Field<'_>> {
        vec![Field::Text(opt(&d.title)), Field::Text(opt(&d.short_title))]
    }
    fn line(d: &Department, lang: Lang) -> String {
        let mut s = format!("#{} {}", d.id, opt(&d.title));
        if let Some(r) = d.vat_rate {
            s.push_str(&tr!(lang, " — VAT {}", " — TVA {}", i18n::percent(lang, r)));
        }
        s
    }
}

impl Listed for DepartmentGroups {
    const ID: ListId = ListId::DepartmentGroups;
    const TOOL: &'static str = "data_list_department_groups";
    const TITLE: Text = t!("List department groups", "Lister les groupes de rayons");
    const DESCRIPTION: Text = t!("Groups of departments.", "Groupes de rayons.");
    const NOUN: Noun = crate::noun!(
        "department group",
        "department groups",
        "groupe de rayons",
        "groupes de rayons"
    );
    fn search(g: &DepartmentGroup) -> Vec<Field<'_>> {
        vec![Field::Text(opt(&g.title))]
    }
    fn line(g: &DepartmentGroup, _lang: Lang) -> String {
        format!("#{} {}", g.id, opt(&g.title))
    }
}

impl Listed for Customers {
    const ID: ListId = ListId::Clients;
    const TOOL: &'static str = "data_list_clients";
    const TITLE: Text = t!("List customers", "Lister les clients");
    const DESCRIPTION: Text = t!(
        "Customers with contact details and loyalty. Close names exist: check first name and city before using an id.",
        "Clients avec coordonnées et fidélité. Des noms se ressemblent : vérifiez prénom et ville avant d'utiliser un identifiant."
    );
    const NOUN: Noun = crate::noun!("customer", "customers", "client", "clients");
    fn search(c: &Customer) -> Vec<Field<'_>> {
        vec![
            Field::Text(opt(&c.last_name)),
            Field::Text(opt(&c.first_name)),
            Field::Text(opt(&c.company)),
            Field::Text(opt(&c.email)),
            Field::Text(opt(&c.barcode)),
            Field::Phone(opt(&c.phone)),
            Field::Phone(opt(&c.phone2)),
        ]
    }
    fn line(c: &Customer, lang: Lang) -> String {
        let mut parts = vec![format!(
            "#{} {}{}",
            c.id,
            c.honorific
                .as_deref()
                .map(|h| format!("{h} "))
                .unwrap_or_default(),
            c.display_name()
        )];
        if let Some(co) = c.company.as_deref().filter(|x| !x.is_empty()) {
            parts.push(co.to_owned());
        }
        for v in [&c.phone, &c.email] {
            if let Some(x) = v.as_deref().filter(|x| !x.is_empty()) {
                parts.push(x.to_owned());
            }
        }
        let place = format!("{} {} {}", opt(&c.address), opt(&c.zip), opt(&c.city));
        if !place.trim().is_empty() {
            parts.push(place.trim().to_owned());
        }
        if let Some(p) = c.loyalty_points {
            parts.push(tr!(lang, "{} pts", "{} pts", p));
        }
        parts.join(" — ")
    }
}

impl Listed for Variations {
    const ID: ListId = ListId::Variations;
    const TOOL: &'static str = "data_list_variations";
    const TITLE: Text = t!("List variations", "Lister les déclinaisons");
    const DESCRIPTION: Text = t!(
        "Variations (size, milk…) and their choices with price supplements; a sale line takes choice ids.",
        "Déclinaisons (taille, lait…) et leurs choix avec supplément ; une ligne de vente prend les identifiants des choix."
    );
    const NOUN: Noun = crate::noun!("variation", "variations", "déclinaison", "déclinaisons");
    fn search(v: &Variation) -> Vec<Field<'_>> {
        let mut f = vec![Field::Text(opt(&v.title))];
        f.extend(v.choices.iter().map(|c| Field::Text(opt(&c.title))));
        f
    }
    fn line(v: &Variation, lang: Lang) -> String {
        let choices: Vec<String> = v
            .choices
            .iter()
            .map(|c| {
                format!(
                    "{} (#{}, +{})",
                    opt(&c.title),
                    c.id,
                    money(lang, c.price_delta.or(Some(kash_api::Decimal::ZERO)))
                )
            })
            .collect();
        format!("#{} {}: {}", v.id, opt(&v.title), choices.join(", "))
    }
}

impl Listed for DeliveryMen {
    const ID: ListId = ListId::DeliveryMen;
    const TOOL: &'static str = "data_list_delivery_men";
    const TITLE: Text = t!("List delivery people", "Lister les livreurs");
    const DESCRIPTION: Text = t!("Delivery people.", "Livreurs.");
    const NOUN: Noun = crate::noun!("delivery person", "delivery people", "livreur", "livreurs");
    fn search(d: &DeliveryMan) -> Vec<Field<'_>> {
        vec![
            Field::Text(opt(&d.name)),
            Field::Text(opt(&d.first_name)),
            Field::Phone(opt(&d.phone)),
        ]
    }
    fn line(d: &DeliveryMan, lang: Lang) -> String {
        format!(
            "#{} {} {} — {}{}",
            d.id,
            opt(&d.first_name),
            opt(&d.name),
            opt(&d.phone),
            if d.active == Some(false) {
                lang.pick(" (inactive)", " (inactif)")
            } else {
                ""
            }
        )
    }
}

impl Listed for PaymentModes {
    const ID: ListId = ListId::Payments;
    const TOOL: &'static str = "data_list_payments";
    const TITLE: Text = t!("List payment modes", "Lister les modes de paiement");
    const DESCRIPTION: Text = t!(
        "Payment modes and refund modes; their id is a sale's `payment`.",
        "Modes de paiement et de remboursement ; leur identifiant est le `payment` d'une vente."
    );
    const NOUN: Noun = crate::noun!(
        "payment mode",
        "payment modes",
        "mode de paiement",
        "modes de paiement"
    );
    fn search(p: &PaymentMode) -> Vec<Field<'_>> {
        vec![Field::Text(opt(&p.title))]
    }
    fn line(p: &PaymentMode, lang: Lang) -> String {
        let kind = p.kind.as_ref().map(ToString::to_string).unwrap_or_default();
        let refund = p.kind.as_ref().is_some_and(|k| k.refund);
        format!(
            "#{} {} ({kind}){}",
            p.id,
            opt(&p.title),
            if refund {
                lang.pick(" — refund", " — remboursement")
            } else {
                ""
            }
        )
    }
}

impl Listed for Cashboxes {
    const ID: ListId = ListId::Cashboxes;
    const TOOL: &'static str = "data_list_cashboxes";
    const TITLE: Text = t!("List cash registers", "Lister les caisses");
    const DESCRIPTION: Text = t!("Cash registers.", "Caisses.");
    const NOUN: Noun = crate::noun!("cash register", "cash registers", "caisse", "caisses");
    fn search(c: &Cashbox) -> Vec<Field<'_>> {
        vec![Field::Text(opt(&c.title))]
    }
    fn line(c: &Cashbox, _lang: Lang) -> String {
        format!("#{} {}", c.id, opt(&c.title))
    }
}

impl Listed for DeliveryZones {
    const ID: ListId = ListId::DeliveryZones;
    const TOOL: &'static str = "data_list_delivery_zones";
    const TITLE: Text = t!("List delivery zones", "Lister les zones de livraison");
    const DESCRIPTION: Text = t!(
        "Delivery zones: postcodes, fee, minimum, delay.",
        "Zones de livraison : codes postaux, frais, minimum, délai."
    );
    const NOUN: Noun = crate::noun!(
        "delivery zone",
        "delivery zones",
        "zone de livraison",
        "zones de livraison"
    );
    fn search(z: &DeliveryZone) -> Vec<Field<'_>> {
        let mut f = vec![Field::Text(opt(&z.title))];
        f.extend(z.postcodes.iter().map(|p| Field::Text(p.as_str())));
        f
    }
    fn line(z: &DeliveryZone, lang: Lang) -> String {
        format!(
            "#{} {} — {}; {} {}, min. {}, {} min",
            z.id,
            opt(&z.title),
            z.postcodes.join(", "),
            lang.pick("fee", "frais"),
            money(lang, z.fee),
            money(lang, z.minimum_amount),
            z.delay_minutes
                .map(|m| m.to_string())
                .unwrap_or_else(|| "?".into())
        )
    }
}

impl Listed for RelayPoints {
    const ID: ListId = ListId::RelayPoints;
    const TOOL: &'static str = "data_list_relay_points";
    const TITLE: Text = t!("List relay points", "Lister les points relais");
    const DESCRIPTION: Text = t!("Relay / pick-up points.", "Points relais.");
    const NOUN: Noun = crate::noun!(
        "relay point",
        "relay points",
        "point relais",
        "points relais"
    );
    fn search(r: &RelayPoint) -> Vec<Field<'_>> {
        vec![
            Field::Text(opt(&r.title)),
            Field::Text(opt(&r.address)),
            Field::Text(opt(&r.city)),
        ]
    }
    fn line(r: &RelayPoint, _lang: Lang) -> String {
        format!(
            "#{} {} — {}, {} {} ({})",
            r.id,
            opt(&r.title),
            opt(&r.address),
            opt(&r.zip),
            opt(&r.city),
            opt(&r.opening_hours)
        )
    }
}

impl Listed for Discounts {
    const ID: ListId = ListId::Discounts;
    const TOOL: &'static str = "data_list_discounts";
    const TITLE: Text = t!("List discounts", "Lister les remises");
    const DESCRIPTION: Text = t!("Discounts and promo codes.", "Remises et codes promo.");
    const NOUN: Noun = crate::noun!("discount", "discounts", "remise", "remises");
    fn search(d: &Discount) -> Vec<Field<'_>> {
        vec![Field::Text(opt(&d.title)), Field::Text(opt(&d.code))]
    }
    fn line(d: &Discount, lang: Lang) -> String {
        let value = d.value.map(|v| i18n::quantity(lang, v)).unwrap_or_default();
        format!("#{} {} ({} {value})", d.id, opt(&d.title), opt(&d.kind))
    }
}

impl Listed for Users {
    const ID: ListId = ListId::Users;
    const TOOL: &'static str = "data_list_users";
    const TITLE: Text = t!("List users", "Lister les utilisateurs");
    const DESCRIPTION: Text = t!(
        "POS users (cashiers, waiters, managers).",
        "Utilisateurs de la caisse (caissiers, serveurs, gérants)."
    );
    const NOUN: Noun = crate::noun!("user", "users", "utilisateur", "utilisateurs");
    fn search(u: &User) -> Vec<Field<'_>> {
        vec![Field::Text(opt(&u.name)), Field::Text(opt(&u.first_name))]
    }
    fn line(u: &User, _lang: Lang) -> String {
        format!(
            "#{} {} {} — {}",
            u.id,
            opt(&u.first_name),
            opt(&u.name),
            opt(&u.profile)
        )
    }
}

impl Listed for Tables {
    const ID: ListId = ListId::Tables;
    const TOOL: &'static str = "data_list_tables";
    const TITLE: Text = t!("List tables", "Lister les tables");
    const DESCRIPTION: Text = t!(
        "Tables: `id` (what a sale needs) differs from `title`, the number the staff say.",
        "Tables : l'`id` (pour une vente) diffère du `title`, le numéro que dit le personnel."
    );
    const NOUN: Noun = crate::noun!("table", "tables", "table", "tables");
    fn search(t: &Table) -> Vec<Field<'_>> {
        vec![Field::Text(opt(&t.title)), Field::Text(opt(&t.room))]
    }
    fn line(t: &Table, lang: Lang) -> String {
        format!(
            "#{} {} {} ({}{})",
            t.id,
            lang.pick("table", "table"),
            opt(&t.title),
            opt(&t.room),
            t.seats
                .map(|s| format!(", {}", i18n::counted(lang, s, i18n::nouns::SEAT)))
                .unwrap_or_default()
        )
    }
}

/// The list tools' specs.
pub(crate) fn specs() -> Vec<Spec> {
    fn spec<K: Listed>() -> Spec {
        Spec {
            id: ToolId::List(K::ID),
            name: K::TOOL,
            toolset: Some(Toolset::Lists),
            effect: Effect::Read,
            title: K::TITLE,
            description: K::DESCRIPTION,
            input: list_input,
            output: schema::output::<ListOutput>,
            normalize: normalize_list,
        }
    }
    vec![
        spec::<Products>(),
        spec::<Departments>(),
        spec::<DepartmentGroups>(),
        spec::<Customers>(),
        spec::<Variations>(),
        spec::<DeliveryMen>(),
        spec::<PaymentModes>(),
        spec::<Cashboxes>(),
        spec::<DeliveryZones>(),
        spec::<RelayPoints>(),
        spec::<Discounts>(),
        spec::<Users>(),
        spec::<Tables>(),
    ]
}

/// The paging arguments shared by the lists.
pub(crate) fn paging_props() -> Vec<(&'static str, Prop)> {
    vec![
        (
            "limit",
            Prop::integer(t!("", "")).min(1).max(MAX_LIMIT as u64),
        ),
        ("offset", Prop::integer(t!("", "")).min(0)),
        (
            "fields",
            Prop::array(json!({"type": "string"}), t!("", "")).max_items(50),
        ),
    ]
}

fn list_input(lang: Lang) -> JsonObject {
    let mut props = vec![
        ("query", Prop::string(t!("", "")).max_length(200)),
        ("format", Prop::one_of(&["json", "csv", "html"], t!("", ""))),
    ];
    props.extend(paging_props());
    schema::input(lang, &props, &[])
}

/// The lists' old argument forms.
fn normalize_list(a: &mut JsonObject) {
    normalize::map_value(a, "format", normalize::one_of(&["json", "csv", "html"]));
}

/// Structured output of a list tool.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListOutput {
    /// `json`, `csv` or `html`.
    pub format: String,
    /// The page of items (json).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Map<String, Value>>>,
    /// How many items match (json) or data rows exist (csv/html).
    pub total: usize,
    /// Items or rows skipped.
    pub offset: usize,
    /// Page size.
    pub limit: usize,
    /// The offset of the next page, or null at the end.
    pub next_offset: Option<usize>,
    /// The search text, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Data rows in this page (csv/html).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
    /// Whether the text was cut (csv/html); `notice` then says how to get the rest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated: Option<bool>,
    /// What was left out and how to get it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Format {
    #[default]
    Json,
    Csv,
    Html,
}

/// `["a","b"]` or `"a,b"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum FieldsArg {
    List(Vec<String>),
    Text(String),
}

impl FieldsArg {
    pub fn names(&self) -> Vec<String> {
        match self {
            Self::List(v) => v
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            Self::Text(s) => s
                .split(',')
                .map(|x| x.trim().to_owned())
                .filter(|x| !x.is_empty())
                .collect(),
        }
    }
}

#[serde_as]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ListArgs {
    #[serde(default)]
    format: Format,
    #[serde(default)]
    query: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    limit: Option<u64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    #[serde(default)]
    offset: Option<u64>,
    #[serde(default)]
    fields: Option<FieldsArg>,
}

/// Checks `limit` and `offset`.
pub(crate) fn page_bounds(
    lang: Lang,
    limit: Option<u64>,
    offset: Option<u64>,
    default: usize,
) -> ToolResult<(usize, usize)> {
    let limit = usize::try_from(limit.unwrap_or(default as u64)).unwrap_or(usize::MAX);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`limit` must be between 1 and {}; page with `offset` for more.",
            "`limit` doit être entre 1 et {} ; paginez avec `offset` pour la suite.",
            MAX_LIMIT
        )));
    }
    Ok((
        limit,
        usize::try_from(offset.unwrap_or(0)).unwrap_or(usize::MAX),
    ))
}

pub(crate) async fn call(id: ListId, ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    match id {
        ListId::Products => call_list::<Products>(ctx).await,
        ListId::Departments => call_list::<Departments>(ctx).await,
        ListId::DepartmentGroups => call_list::<DepartmentGroups>(ctx).await,
        ListId::Clients => call_list::<Customers>(ctx).await,
        ListId::Variations => call_list::<Variations>(ctx).await,
        ListId::DeliveryMen => call_list::<DeliveryMen>(ctx).await,
        ListId::Payments => call_list::<PaymentModes>(ctx).await,
        ListId::Cashboxes => call_list::<Cashboxes>(ctx).await,
        ListId::DeliveryZones => call_list::<DeliveryZones>(ctx).await,
        ListId::RelayPoints => call_list::<RelayPoints>(ctx).await,
        ListId::Discounts => call_list::<Discounts>(ctx).await,
        ListId::Users => call_list::<Users>(ctx).await,
        ListId::Tables => call_list::<Tables>(ctx).await,
    }
}

async fn call_list<K: Listed>(ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: ListArgs = crate::args::parse(lang, ctx.args())?;
    let shop = ctx.shop().await?;
    if args.format != Format::Json {
        if args.query.is_some() || args.fields.is_some() {
            return Err(ToolError::Invalid(tr!(
                lang,
                "`query` and `fields` work with format=json only.",
                "`query` et `fields` ne fonctionnent qu'avec format=json."
            )));
        }
        let (limit, offset) = page_bounds(lang, args.limit, args.offset, DEFAULT_TEXT_ROWS)?;
        let format = if args.format == Format::Csv {
            TextFormat::Csv
        } else {
            TextFormat::Html
        };
        let text = shop
            .client
            .send(&ListText::<K>::new(format))
            .await
            .map_err(|e| ToolError::upstream(lang, &e))?;
        let budget = if args.limit.is_some_and(|l| l > DEFAULT_TEXT_ROWS as u64) {
            LARGE_PAGE_CHARS
        } else {
            ctx.inner.config.max_text_chars
        };
        return text_page(ctx, format, &text, limit, offset, budget);
    }
    let (limit, offset) = page_bounds(lang, args.limit, args.offset, DEFAULT_LIMIT)?;
    let items = ctx
        .inner
        .catalog
        .list::<K>(&shop)
        .await
        .map_err(|e| ToolError::upstream(lang, &e))?;
    let query = args
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty());
    let matched: Vec<&K::Item> = match query {
        None => items.iter().collect(),
        Some(q) => {
            let mut scored: Vec<(u32, usize, &K::Item)> = items
                .iter()
                .enumerate()
                .map(|(i, item)| (search::score(q, &K::search(item)), i, item))
                .filter(|(s, _, _)| *s > 0)
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().map(|(_, _, item)| item).collect()
        }
    };
    let total = matched.len();
    let page: Vec<&K::Item> = matched.iter().skip(offset).take(limit).copied().collect();
    let fields = args.fields.as_ref().map(FieldsArg::names);
    let mut items_json = project(lang, &page, fields.as_deref())?;
    let mut lines: Vec<String> = page.iter().map(|i| K::line(i, lang)).collect();
    let fit = fitting(&items_json, &lines, page_budget(args.limit));
    items_json.truncate(fit);
    lines.truncate(fit);
    let next = (offset + fit < total).then_some(offset + fit);
    let notice = (fit < page.len()).then(|| cut_notice(lang, fit, limit, offset + fit));
    let mut summary = page_summary(lang, K::NOUN, total, offset, fit, query);
    for line in &lines {
        summary.push('\n');
        summary.push_str(line);
    }
    if let Some(n) = &notice {
        summary.push('\n');
        summary.push_str(n);
    } else if let Some(n) = next {
        summary.push('\n');
        summary.push_str(&tr!(
            lang,
            "More: call again with offset={}.",
            "Suite : rappelez avec offset={}.",
            n
        ));
    }
    if total == 0
        && let Some(q) = query
    {
        summary = tr!(
            lang,
            "No {} match \"{}\". Try a shorter or different word, or list without `query`.",
            "Aucun des {} ne correspond à « {} ». Essayez un mot plus court ou différent, ou listez sans `query`.",
            i18n::noun_for(lang, 2, K::NOUN),
            q
        );
    }
    done(
        summary,
        &ListOutput {
            format: "json".into(),
            items: Some(items_json),
            total,
            offset,
            limit,
            next_offset: next,
            query: query.map(str::to_owned),
            rows: None,
            truncated: notice.as_ref().map(|_| true),
            notice,
        },
    )
}

/// The characters a page of a list may take (its items' JSON and text lines), so that an
/// answer stays under 16,000 characters; a caller asking for a larger page with `limit` gets
/// up to [`LARGE_PAGE_CHARS`].
pub(crate) const PAGE_CHARS: usize = 14_000;
/// The bound of a page the caller asked to be larger.
pub(crate) const LARGE_PAGE_CHARS: usize = 60_000;

/// The page budget for a `limit` as given.
pub(crate) fn page_budget(limit: Option<u64>) -> usize {
    if limit.is_some_and(|l| l > DEFAULT_LIMIT as u64) {
        LARGE_PAGE_CHARS
    } else {
        PAGE_CHARS
    }
}

/// How many of a page's items fit in `budget` characters (each item's JSON and its text
/// line); at least one.
pub(crate) fn fitting(items: &[Map<String, Value>], lines: &[String], budget: usize) -> usize {
    let mut used = 0usize;
    for (i, (item, line)) in items.iter().zip(lines).enumerate() {
        let cost =
            serde_json::to_string(item).map_or(0, |s| s.chars().count()) + line.chars().count() + 1;
        if i > 0 && used + cost > budget {
            return i;
        }
        used += cost;
    }
    items.len()
}

/// The notice of a page stopped before its `limit`.
pub(crate) fn cut_notice(lang: Lang, shown: usize, asked: usize, next: usize) -> String {
    tr!(
        lang,
        "This page stops at {} of the {} asked, to keep the answer short; continue with offset={} (or ask fewer `fields`).",
        "Cette page s'arrête à {} sur les {} demandés, pour une réponse courte ; continuez avec offset={} (ou demandez moins de `fields`).",
        shown,
        asked,
        next
    )
}

/// "4 products match "crois" (1–4):" / "113 products (1–50):".
pub(crate) fn page_summary(
    lang: Lang,
    noun: Noun,
    total: usize,
    offset: usize,
    shown: usize,
    query: Option<&str>,
) -> String {
    let range = if shown == 0 {
        String::new()
    } else {
        format!(" ({}–{})", offset + 1, offset + shown)
    };
    match query {
        Some(q) if total == 1 => tr!(
            lang,
            "1 {} matches \"{}\"{}:",
            "1 {} correspond à « {} »{} :",
            i18n::noun_for(lang, 1, noun),
            q,
            range
        ),
        Some(q) => tr!(
            lang,
            "{} match \"{}\"{}:",
            "{} correspondent à « {} »{} :",
            i18n::counted(lang, total, noun),
            q,
            range
        ),
        None => format!(
            "{}{}{}",
            i18n::counted(lang, total, noun),
            range,
            lang.pick(":", " :")
        ),
    }
}

/// The items as JSON objects, keeping only `fields` (and `id`) when given.
pub(crate) fn project<T: Serialize>(
    lang: Lang,
    items: &[&T],
    fields: Option<&[String]>,
) -> ToolResult<Vec<Map<String, Value>>> {
    let objects: Vec<Map<String, Value>> = items
        .iter()
        .map(|i| match serde_json::to_value(i) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        })
        .collect();
    let Some(fields) = fields.filter(|f| !f.is_empty()) else {
        return Ok(objects);
    };
    let known: BTreeSet<&str> = objects
        .iter()
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    let unknown: Vec<&String> = fields
        .iter()
        .filter(|f| !known.contains(f.as_str()))
        .collect();
    if !unknown.is_empty() && !objects.is_empty() {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Unknown field(s) {} in `fields`; these items have: {}.",
            "Champ(s) inconnu(s) {} dans `fields` ; ces éléments ont : {}.",
            unknown
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", "),
            known.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(objects
        .into_iter()
        .map(|mut m| {
            m.retain(|k, _| k == "id" || fields.iter().any(|f| f == k));
            m
        })
        .collect())
}

/// Pages a CSV or HTML export by data rows (the header always kept), bounded in size.
fn text_page(
    ctx: &Ctx<'_>,
    format: TextFormat,
    text: &str,
    limit: usize,
    offset: usize,
    max_chars: usize,
) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let (header, rows, footer): (String, Vec<String>, String) = match format {
        TextFormat::Csv => {
            let mut lines = text.lines();
            let header = lines.next().unwrap_or("").to_owned();
            (
                header,
                lines.filter(|l| !l.is_empty()).map(str::to_owned).collect(),
                String::new(),
            )
        }
        TextFormat::Html => split_html_rows(text),
    };
    let total = rows.len();
    let mut body = String::new();
    let mut shown = 0;
    let mut cut_for_size = false;
    for row in rows.iter().skip(offset).take(limit) {
        if header.len() + body.len() + row.len() + footer.len() + 1 > max_chars && shown > 0 {
            cut_for_size = true;
            break;
        }
        body.push_str(row);
        if format == TextFormat::Csv {
            body.push('\n');
        }
        shown += 1;
    }
    let joined = match format {
        TextFormat::Csv => format!("{header}\n{body}"),
        TextFormat::Html => format!("{header}{body}{footer}"),
    };
    let next = (offset + shown < total).then_some(offset + shown);
    let notice = next.map(|n| {
        let why = if cut_for_size {
            tr!(
                lang,
                "the page was cut at {} characters",
                "la page a été coupée à {} caractères",
                max_chars
            )
        } else {
            tr!(lang, "limit={}", "limit={}", limit)
        };
        tr!(
            lang,
            "Showing rows {}–{} of {} ({}). The rest: call again with offset={}, or use format=json with `query` to search.",
            "Lignes {} à {} sur {} ({}). La suite : rappelez avec offset={}, ou utilisez format=json avec `query` pour chercher.",
            offset + 1,
            offset + shown,
            total,
            why,
            n
        )
    });
    let mut content = joined;
    if let Some(n) = &notice {
        content.push_str(&format!("\n[{n}]"));
    }
    let mut result =
        rmcp::model::CallToolResult::success(vec![rmcp::model::ContentBlock::text(content)]);
    result.structured_content = serde_json::to_value(ListOutput {
        format: if format == TextFormat::Csv {
            "csv"
        } else {
            "html"
        }
        .into(),
        items: None,
        total,
        offset,
        limit,
        next_offset: next,
        query: None,
        rows: Some(shown),
        truncated: Some(next.is_some()),
        notice,
    })
    .ok();
    Ok(result.into())
}

/// Splits an HTML table into (everything before the first data row, data rows, the rest).
fn split_html_rows(html: &str) -> (String, Vec<String>, String) {
    let lower = html.to_ascii_lowercase();
    let starts: Vec<usize> = lower.match_indices("<tr").map(|(i, _)| i).collect();
    if starts.len() < 2 {
        return (html.to_owned(), Vec::new(), String::new());
    }
    let end_of_rows = lower.rfind("</tr>").map(|i| i + 5).unwrap_or(html.len());
    // The first row is the header.
    let first_data = starts.get(1).copied().unwrap_or(html.len());
    let header = html.get(..first_data).unwrap_or("").to_owned();
    let mut rows = Vec::new();
    for (i, start) in starts.iter().enumerate().skip(1) {
        let end = starts.get(i + 1).copied().unwrap_or(end_of_rows);
        rows.push(html.get(*start..end).unwrap_or("").to_owned());
    }
    let footer = html.get(end_of_rows..).unwrap_or("").to_owned();
    (header, rows, footer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_rows_are_split_with_header_and_footer() {
        let (h, rows, f) = split_html_rows(
            "<table><tr><th>a</th></tr><tr><td>1</td></tr><tr><td>2</td></tr></table>",
        );
        assert_eq!(h, "<table><tr><th>a</th></tr>");
        assert_eq!(rows, vec!["<tr><td>1</td></tr>", "<tr><td>2</td></tr>"]);
        assert_eq!(f, "</table>");
    }
}
