//! Resources: `kash://guide` (how the POS works and which tool answers which question) and
//! `kash://shop` (a small overview of the caller's shop).

use kash_api::customers::Customers;
use kash_api::departments::Departments;
use kash_api::payment_modes::PaymentModes;
use kash_api::products::Products;
use kash_api::shop::Tables;
use rmcp::ErrorData;
use rmcp::model::{ReadResourceResult, Resource, ResourceContents, ResourceTemplate};
use serde_json::json;

use crate::caller::Caller;
use crate::i18n::Lang;
use crate::server::Shared;
use crate::shop::Shop;

/// The guide's URI.
pub const GUIDE: &str = "kash://guide";
/// The shop overview's URI.
pub const SHOP: &str = "kash://shop";

pub(crate) fn list(lang: Lang) -> Vec<Resource> {
    vec![
        Resource::new(GUIDE, "guide")
            .with_title(lang.pick("How this POS works", "Fonctionnement de la caisse"))
            .with_description(lang.pick(
                "Payment and delivery codes, the VAT rule, and which tool answers which question.",
                "Codes de paiement et de vente, règle de TVA, et quel outil répond à quelle question.",
            ))
            .with_mime_type("text/markdown"),
        Resource::new(SHOP, "shop")
            .with_title(lang.pick("Shop overview", "Aperçu de la boutique"))
            .with_description(lang.pick(
                "The shop's id, time zone, today's date, and how many products, departments, customers, tables and payment modes it has, with the products below their low-stock alert.",
                "L'identifiant de la boutique, son fuseau, la date du jour, et combien d'articles, rayons, clients, tables et modes de paiement elle compte, avec les articles sous leur seuil d'alerte.",
            ))
            .with_mime_type("application/json"),
    ]
}

/// The template of the daily POS reports that `report_sales` links to.
pub(crate) fn report_template(lang: Lang) -> ResourceTemplate {
    ResourceTemplate::new("kash://reports/{date}.{ext}", "report")
        .with_title(lang.pick("A day's POS report", "Le rapport de caisse d'un jour"))
        .with_description(lang.pick(
            "The POS's own report of a day: date YYYY-MM-DD, ext html, csv, pdf, xls, fec.txt or saft.xml.",
            "Le rapport de caisse d'un jour : date AAAA-MM-JJ, ext html, csv, pdf, xls, fec.txt ou saft.xml.",
        ))
}

pub(crate) fn guide(lang: Lang) -> &'static str {
    match lang {
        Lang::En => GUIDE_EN,
        Lang::Fr => GUIDE_FR,
    }
}

const GUIDE_EN: &str = "# Kash POS: how it works

Amounts are euros with VAT included; in structured results money is always a JSON number of euros (19.9), like quantities and rates. Dates are ISO 8601. Numbers may be sent as numeric strings (\"12\"); yes/no arguments are JSON `true`/`false` only.

## Periods (`period`, or `from`/`to`)
Resolved in the shop's time zone: today, yesterday, this_week (Monday to today), last_week (Monday to Sunday), this_month, last_month, this_year, last_year, last_7_days, last_30_days, last_12_months. `from`/`to`: a date is the whole day (from midnight; `to` included); a date-time without an offset is the shop's local time.

## Payment state of a sale (`payment`)
- `-2`: quote: not validated, editable, no invoice.
- `-1`: validated but not paid yet: an invoice exists; the customer owes the amount.
- a payment mode id or name (data_list_payments): paid with that mode. A refund mode (e.g. \"Remboursement espèces\") records a refund.

## Delivery methods (`deliveryMethod`)
takeaway (0), delivery (1), eat_in (2, \"sur place\", at a table; eat-in VAT rates apply), drive_through (3), counter_sale (4), relay_point (5), shipping (6). The codes are accepted too.

## VAT
A line's VAT comes from its product, else its department, else the shop's default rate. Eat-in sales use the eat-in rates (10 % for food in France) where defined. Free lines without a department get the shop's default rate, so prefer department lines.

## Recording a sale (sale_create)
- Lines (at most 200): `catalog` (productId or product name, quantity, priceOverride, titleOverride, variations = choice ids from data_list_variations), `dept` (departmentId or department name, price, title) or `free` (price, title). Titles cannot contain `_`.
- Tables: a table's `id` differs from its number as the staff say it (`title`, e.g. \"84\"): give `tableNumber`, or the id from data_list_tables.
- `deliveryTime` (HH:MM that day, or YYYY-MM-DDTHH:MM): the POS's sale call has no delivery time, so the server writes it at the start of the public comment as `[2026-11-24 18:15]`; data_list_pending_orders shows and sorts it like any delivery time.
- `valueDate`: from two years ago to today.
- Safe flow: `dryRun: true` → show the preview → `confirmPreviewId` alone: recorded exactly once. Or give an `idempotencyKey`: the same key never records twice.
- If an answer says the sale MAY have been recorded, never record it again: call again with the same confirmPreviewId or idempotencyKey; the server looks for the sale in the POS's orders and answers recorded (with the receipt) or records it then, once.

## Customers
Names can be close or equal (two \"Raphaël Vidal\"): lists and summaries show the id, and the city or the end of the phone number when names are equal. Check before using an id.

## Deleting
product_delete, department_delete and client_delete need the user's confirmation: the client asks when it can; otherwise call with `confirm: true` only after the user said yes.

## Lists (data_list_*)
Paged: `limit` (default 50, at most 500), then `offset` = the answer's `nextOffset`. `query` searches names, phones, emails, barcodes (accents and typos tolerated). `fields` keeps only some fields. `format` csv or html gives the POS's own export. A long page stops early and says where to continue.

## Which tool for which question
- \"Record 2 coffees and a croissant at table 4\": data_list_products (query) → sale_create with dryRun → show the preview → sale_create with confirmPreviewId.
- \"What's my revenue this week?\": sales_summary with period=this_week. \"Best customers on Tuesdays?\": sales_summary with groupBy=customer, weekday=tuesday, period=last_12_months, top=5. \"Has takeaway grown this year?\": sales_summary with deliveryMethod=takeaway, period=this_year, comparison=same_period_last_year. Never add up amounts from order lists yourself.
- \"Did customer Dupont pay?\": data_list_clients (query) → data_list_orders with customerId and paymentState=unpaid, or order_detail.
- \"How many orders must be delivered tonight?\": data_list_pending_orders with deliveryMethod=delivery and period=today.
- \"Set the croissant stock to 40\" / \"24 more arrived\": product_update with stock or stockDelta.
- \"Cash register report for the week\": report_sales with period=last_week: a compact report of the week, and each day's POS report as a link (kash://reports/<date>.<ext>, read with resources/read). PDF, XLS, FEC and SAF-T with `format`, always as links.

## Sales figures (sales_summary)
Validated orders (paid or not) by value date, quotes excluded, in the shop's time zone. Revenue includes VAT and is net of discounts and of refunds (refund orders count negative); revenue excl. VAT = revenue − VAT. Average basket = revenue of sales ÷ number of sales, refunds excluded. By product or department, figures add up order lines. `groupBy`: day, week (ISO, Monday–Sunday), month, weekday, hour, delivery_method, payment_mode (with \"unpaid\"), customer, product, department, user (who recorded the order), cashbox; `top` N ranks (default 20 for customers and products; every bucket for time groups) and sums the rest as \"others\"; `sortBy` revenue (default), orders, items, average_basket or key (chronological). `comparison`: previous_period (the period just before, same length), same_period_last_year (52 weeks earlier for days and weeks, so weekdays match; one year earlier otherwise), previous_week (7 days earlier). A period in progress is compared up to the same moment. Every answer states its period, time zone and order count: quote them.
";

const GUIDE_FR: &str = "# Caisse Kash : fonctionnement

Les montants sont en euros TTC ; dans les résultats structurés, l'argent est toujours un nombre JSON d'euros (19.9), comme les quantités et les taux. Les dates sont au format ISO 8601. Les nombres peuvent être envoyés en texte (« 12 ») ; les arguments oui/non sont `true`/`false` en JSON uniquement.

## Périodes (`period`, ou `from`/`to`)
Calculées dans le fuseau de la boutique : today, yesterday, this_week (lundi à aujourd'hui), last_week (lundi à dimanche), this_month, last_month, this_year, last_year, last_7_days, last_30_days, last_12_months. `from`/`to` : une date vaut la journée entière (dès minuit ; `to` inclus) ; une date-heure sans décalage est l'heure locale de la boutique.

## État de paiement d'une vente (`payment`)
- `-2` : devis : non validé, modifiable, sans facture.
- `-1` : validée mais pas encore payée : une facture existe ; le client doit le montant.
- un identifiant ou nom de mode de paiement (data_list_payments) : payée avec ce mode. Un mode de remboursement (par exemple « Remboursement espèces ») enregistre un remboursement.

## Modes de vente (`deliveryMethod`)
takeaway (0, à emporter), delivery (1, livraison), eat_in (2, sur place, à une table ; TVA sur place), drive_through (3, drive), counter_sale (4, comptoir), relay_point (5, point relais), shipping (6, expédition). Les codes sont acceptés aussi.

## TVA
La TVA d'une ligne vient de son article, sinon de son rayon, sinon du taux par défaut de la boutique. La vente sur place utilise les taux sur place (10 % pour la restauration en France) quand ils sont définis. Les lignes libres sans rayon prennent le taux par défaut : préférez les lignes de rayon.

## Enregistrer une vente (sale_create)
- Lignes (200 au plus) : `catalog` (productId ou nom product, quantity, priceOverride, titleOverride, variations = identifiants de choix de data_list_variations), `dept` (departmentId ou nom department, price, title) ou `free` (price, title). Les libellés ne peuvent pas contenir `_`.
- Tables : l'`id` d'une table diffère de son numéro tel que le dit le personnel (`title`, par exemple « 84 ») : donnez `tableNumber`, ou l'identifiant de data_list_tables.
- `deliveryTime` (HH:MM ce jour-là, ou AAAA-MM-JJTHH:MM) : l'appel de vente de la caisse n'a pas d'heure de livraison ; le serveur l'écrit au début du commentaire public sous la forme `[2026-11-24 18:15]` ; data_list_pending_orders la montre et la trie comme toute heure de livraison.
- `valueDate` : d'il y a deux ans à aujourd'hui.
- Façon sûre : `dryRun: true` → montrer l'aperçu → `confirmPreviewId` seul : enregistrée exactement une fois. Ou donnez une `idempotencyKey` : la même clé n'enregistre jamais deux fois.
- Si une réponse dit que la vente A PU être enregistrée, ne la réenregistrez jamais : rappelez avec le même confirmPreviewId ou la même idempotencyKey ; le serveur cherche la vente dans les commandes de la caisse et répond enregistrée (avec le reçu) ou l'enregistre alors, une fois.

## Clients
Des noms se ressemblent ou sont identiques (deux « Raphaël Vidal ») : les listes et synthèses montrent l'identifiant, et la ville ou la fin du téléphone quand les noms sont identiques. Vérifiez avant d'utiliser un identifiant.

## Supprimer
product_delete, department_delete et client_delete demandent la confirmation de l'utilisateur : le client la demande s'il le peut ; sinon appelez avec `confirm: true` seulement après son accord.

## Listes (data_list_*)
Paginées : `limit` (50 par défaut, 500 au plus), puis `offset` = le `nextOffset` de la réponse. `query` cherche dans les noms, téléphones, emails, codes-barres (accents et fautes tolérés). `fields` ne garde que certains champs. `format` csv ou html donne l'export de la caisse. Une page trop longue s'arrête plus tôt et dit où reprendre.

## Quel outil pour quelle question
- « Enregistre 2 cafés et un croissant à la table 4 » : data_list_products (query) → sale_create avec dryRun → montrer l'aperçu → sale_create avec confirmPreviewId.
- « Quel est mon chiffre d'affaires cette semaine ? » : sales_summary avec period=this_week. « Meilleurs clients le mardi ? » : sales_summary avec groupBy=customer, weekday=tuesday, period=last_12_months, top=5. « La vente à emporter a-t-elle progressé cette année ? » : sales_summary avec deliveryMethod=takeaway, period=this_year, comparison=same_period_last_year. N'additionnez jamais vous-même les montants d'une liste de commandes.
- « Le client Dupont a-t-il payé ? » : data_list_clients (query) → data_list_orders avec customerId et paymentState=unpaid, ou order_detail.
- « Combien de commandes à livrer ce soir ? » : data_list_pending_orders avec deliveryMethod=delivery et period=today.
- « Mets le stock de croissants à 40 » / « 24 de plus sont arrivés » : product_update avec stock ou stockDelta.
- « Rapport de caisse de la semaine » : report_sales avec period=last_week : un rapport compact de la semaine, et le rapport de caisse de chaque jour en lien (kash://reports/<date>.<ext>, lu avec resources/read). PDF, XLS, FEC et SAF-T avec `format`, toujours en liens.

## Chiffres de vente (sales_summary)
Commandes validées (payées ou non) par date de valeur, devis exclus, dans le fuseau de la boutique. Le CA est TTC, net des remises et des remboursements (comptés en négatif) ; CA HT = CA − TVA. Panier moyen = CA des ventes ÷ nombre de ventes, remboursements exclus. Par article ou rayon, les chiffres additionnent les lignes. `groupBy` : day, week (ISO, lundi–dimanche), month, weekday, hour, delivery_method, payment_mode (avec « non payé »), customer, product, department, user (qui a saisi la commande), cashbox ; `top` N classe (20 par défaut pour clients et articles ; toutes les tranches pour le temps) et additionne le reste en « autres » ; `sortBy` revenue (défaut), orders, items, average_basket ou key (chronologique). `comparison` : previous_period (la période juste avant, même durée), same_period_last_year (52 semaines plus tôt pour jours et semaines, pour garder les jours de la semaine ; un an plus tôt sinon), previous_week (7 jours plus tôt). Une période en cours est comparée jusqu'au même moment. Chaque réponse indique sa période, son fuseau et son nombre de commandes : citez-les.
";

/// Reads a resource for a caller.
pub(crate) async fn read(
    shared: &Shared,
    caller: &Caller,
    uri: &str,
) -> Result<ReadResourceResult, ErrorData> {
    let lang = shared.lang_of(caller);
    let shop = || {
        caller
            .shop
            .as_ref()
            .map_err(|e| ErrorData::invalid_request(e.0.clone(), None))
    };
    match uri {
        GUIDE => Ok(text(GUIDE, "text/markdown", guide(lang).to_owned())),
        SHOP => {
            let text_ = shop_overview(shared, shop()?)
                .await
                .map_err(|e| hinted(caller, lang, &e))?;
            Ok(text(SHOP, "application/json", text_))
        }
        uri if uri.starts_with("kash://reports/") && shared.offers(caller, "report_sales") => {
            let shop = shop()?;
            let today = shared
                .config
                .clock
                .now()
                .to_zoned(shop.time_zone.clone())
                .date();
            crate::tools::report::read(caller, shop, lang, uri, today).await
        }
        other => Err(ErrorData::resource_not_found(
            format!(
                "unknown resource `{other}`; resources: kash://guide, kash://shop, kash://reports/<date>.<ext>"
            ),
            None,
        )),
    }
}

/// A POS failure as a JSON-RPC error, with the caller's credentials hint when refused.
pub(crate) fn hinted(caller: &Caller, lang: Lang, e: &kash_api::KashError) -> ErrorData {
    let message = caller.hinted(
        lang,
        crate::error::upstream_message(lang, e),
        crate::error::is_refusal(e),
    );
    ErrorData::internal_error(message, None)
}

/// The shop overview (`kash://shop`) as JSON text.
pub(crate) async fn shop_overview(
    shared: &Shared,
    shop: &Shop,
) -> Result<String, kash_api::KashError> {
    let cache = &shared.lists;
    let (products, departments, customers, tables, modes) = tokio::try_join!(
        cache.list::<Products>(shop),
        cache.list::<Departments>(shop),
        cache.list::<Customers>(shop),
        cache.list::<Tables>(shop),
        cache.list::<PaymentModes>(shop),
    )?;
    let now = shared.config.clock.now().to_zoned(shop.time_zone.clone());
    let low: Vec<serde_json::Value> = products
        .iter()
        .filter(|p| matches!((p.stock, p.stock_alert), (Some(s), Some(a)) if s < a))
        .map(|p| {
            json!({
                "id": p.id,
                "title": p.title,
                "stock": p.stock.map(|s| s.normalize().to_string()),
                "stockAlert": p.stock_alert.map(|s| s.normalize().to_string()),
            })
        })
        .collect();
    let overview = json!({
        "shopId": shop.client.shop_id().to_string(),
        "timeZone": shop.time_zone.iana_name().unwrap_or("UTC"),
        "today": now.date().to_string(),
        "now": now.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        "counts": {
            "products": products.len(),
            "departments": departments.len(),
            "customers": customers.len(),
            "tables": tables.len(),
            "paymentModes": modes.len(),
        },
        "paymentModes": modes.iter().map(|m| json!({"id": m.id, "title": m.title, "type": m.kind.as_ref().map(ToString::to_string)})).collect::<Vec<_>>(),
        "lowStock": low,
    });
    Ok(serde_json::to_string_pretty(&overview).unwrap_or_default())
}

pub(crate) fn text(uri: &str, mime: &str, text: String) -> ReadResourceResult {
    ReadResourceResult::new(vec![ResourceContents::TextResourceContents {
        uri: uri.to_owned(),
        mime_type: Some(mime.to_owned()),
        text,
        meta: None,
    }])
}
