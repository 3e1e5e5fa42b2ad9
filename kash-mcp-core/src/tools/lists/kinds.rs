//! How each of the shop's lists is searched and summarised.

use kash_api::customers::{Customer, Customers};
use kash_api::departments::{Department, DepartmentGroup, DepartmentGroups, Departments};
use kash_api::payment_modes::{PaymentMode, PaymentModes};
use kash_api::products::{Product, Products};
use kash_api::shop::{
    Cashbox, Cashboxes, DeliveryMan, DeliveryMen, DeliveryZone, DeliveryZones, Discount, Discounts,
    RelayPoint, RelayPoints, Table, Tables, User, Users,
};
use kash_api::variations::{Variation, Variations};

use super::Listed;
use crate::i18n::{self, Lang, Noun, Text};
use crate::search::Field;
use crate::{t, tr};

pub(super) fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

pub(super) fn money(lang: Lang, d: Option<kash_api::Decimal>) -> String {
    d.map(|d| i18n::money(lang, d))
        .unwrap_or_else(|| "—".into())
}

impl Listed for Products {
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
