//! Resources: `kash://guide` (how the POS works and which tool answers which question) and
//! `kash://shop` (a small overview of the caller's shop).

use kash_api::customers::Customers;
use kash_api::departments::Departments;
use kash_api::payment_modes::PaymentModes;
use kash_api::products::Products;
use kash_api::shop::Tables;
use rmcp::ErrorData;
use rmcp::model::{ReadResourceResult, Resource, ResourceContents};
use serde_json::json;

use crate::Inner;
use crate::i18n::Lang;
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

pub(crate) fn guide(lang: Lang) -> &'static str {
    match lang {
        Lang::En => GUIDE_EN,
        Lang::Fr => GUIDE_FR,
    }
}

const GUIDE_EN: &str = "# Kash POS: how it works

Amounts are euros with VAT included. Dates are ISO 8601; periods are resolved in the shop's time zone.

## Payment state of a sale (`payment`)
- `-2`: quote: not validated, editable, no invoice.
- `-1`: validated but not paid yet: an invoice exists; the customer owes the amount.
- a payment mode id (data_list_payments): paid with that mode. A refund mode (e.g. \"Remboursement espèces\") records a refund.

## Delivery methods (`deliveryMethod`)
takeaway (0), delivery (1), eat_in (2, \"sur place\", at a table), drive_through (3), counter_sale (4), relay_point (5), shipping (6).

## VAT
A line's VAT comes from its product, else its department, else the shop's default rate. Eat-in sales use the eat-in rates (10 % for food in France) where defined. Free lines without a department get the shop's default rate, so prefer department lines.

## Tables
A table's `id` (what a sale needs) differs from its number as the staff say it (`title`, e.g. \"84\"): use `tableNumber` in sale_create, or look it up with data_list_tables.

## Which tool for which question
- \"Record 2 coffees and a croissant at table 4\": data_list_products (query) → sale_create with dryRun → show the preview → sale_create with confirmPreviewId.
- \"What's my revenue this week?\": sales_summary with period=this_week. \"Best customers on Tuesdays?\": sales_summary with groupBy=customer, weekday=tuesday, period=last_12_months, top=5. \"Has takeaway grown this year?\": sales_summary with deliveryMethod=takeaway, period=this_year, comparison=same_period_last_year. Never add up amounts from order lists yourself.
- \"Did customer Dupont pay?\": data_list_clients (query) → data_list_orders with customerId and paymentState=unpaid, or order_detail.
- \"How many orders must be delivered tonight?\": data_list_pending_orders with deliveryMethod=delivery and period=today.
- \"Set the croissant stock to 40\" / \"24 more arrived\": product_update with stock or stockDelta.
- \"Cash register report for the week\": report_sales with period=this_week (or last_week); PDF, XLS, FEC and SAF-T with `format`.

## Sales figures (sales_summary)
Validated orders (paid or not) by value date, quotes excluded, in the shop's time zone. Revenue includes VAT and is net of discounts and of refunds (refund orders count negative); revenue excl. VAT = revenue − VAT. Average basket = revenue of sales ÷ number of sales, refunds excluded. By product or department, figures add up order lines. A period in progress is compared up to the same moment. Every answer states its period, time zone and order count: quote them.

## Safety
A sale is recorded once: use dryRun then confirmPreviewId, or an idempotencyKey. If an answer says the sale MAY have been recorded, do not record it again: check data_list_orders.
";

const GUIDE_FR: &str = "# Caisse Kash : fonctionnement

Les montants sont en euros TTC. Les dates sont au format ISO 8601 ; les périodes sont calculées dans le fuseau de la boutique.

## État de paiement d'une vente (`payment`)
- `-2` : devis : non validé, modifiable, sans facture.
- `-1` : validée mais pas encore payée : une facture existe ; le client doit le montant.
- un identifiant de mode de paiement (data_list_payments) : payée avec ce mode. Un mode de remboursement (par exemple « Remboursement espèces ») enregistre un remboursement.

## Modes de vente (`deliveryMethod`)
takeaway (0, à emporter), delivery (1, livraison), eat_in (2, sur place, à une table), drive_through (3, drive), counter_sale (4, comptoir), relay_point (5, point relais), shipping (6, expédition).

## TVA
La TVA d'une ligne vient de son article, sinon de son rayon, sinon du taux par défaut de la boutique. La vente sur place utilise les taux sur place (10 % pour la restauration en France) quand ils sont définis. Les lignes libres sans rayon prennent le taux par défaut : préférez les lignes de rayon.

## Tables
L'`id` d'une table (ce qu'attend une vente) diffère de son numéro tel que le dit le personnel (`title`, par exemple « 84 ») : utilisez `tableNumber` dans sale_create, ou cherchez-le avec data_list_tables.

## Quel outil pour quelle question
- « Enregistre 2 cafés et un croissant à la table 4 » : data_list_products (query) → sale_create avec dryRun → montrer l'aperçu → sale_create avec confirmPreviewId.
- « Quel est mon chiffre d'affaires cette semaine ? » : sales_summary avec period=this_week. « Meilleurs clients le mardi ? » : sales_summary avec groupBy=customer, weekday=tuesday, period=last_12_months, top=5. « La vente à emporter a-t-elle progressé cette année ? » : sales_summary avec deliveryMethod=takeaway, period=this_year, comparison=same_period_last_year. N'additionnez jamais vous-même les montants d'une liste de commandes.
- « Le client Dupont a-t-il payé ? » : data_list_clients (query) → data_list_orders avec customerId et paymentState=unpaid, ou order_detail.
- « Combien de commandes à livrer ce soir ? » : data_list_pending_orders avec deliveryMethod=delivery et period=today.
- « Mets le stock de croissants à 40 » / « 24 de plus sont arrivés » : product_update avec stock ou stockDelta.
- « Rapport de caisse de la semaine » : report_sales avec period=this_week (ou last_week) ; PDF, XLS, FEC et SAF-T avec `format`.

## Chiffres de vente (sales_summary)
Commandes validées (payées ou non) par date de valeur, devis exclus, dans le fuseau de la boutique. Le CA est TTC, net des remises et des remboursements (comptés en négatif) ; CA HT = CA − TVA. Panier moyen = CA des ventes ÷ nombre de ventes, remboursements exclus. Par article ou rayon, les chiffres additionnent les lignes. Une période en cours est comparée jusqu'au même moment. Chaque réponse indique sa période, son fuseau et son nombre de commandes : citez-les.

## Sécurité
Une vente est enregistrée une seule fois : utilisez dryRun puis confirmPreviewId, ou une idempotencyKey. Si une réponse dit que la vente A PU être enregistrée, ne la réenregistrez pas : vérifiez data_list_orders.
";

pub(crate) async fn shop_overview(
    inner: &Inner,
    shop: &Shop,
    lang: Lang,
) -> Result<String, ErrorData> {
    let cache = &inner.catalog;
    let err = |e: kash_api::KashError| {
        ErrorData::internal_error(crate::error::upstream_message(lang, &e), None)
    };
    let (products, departments, customers, tables, modes) = tokio::try_join!(
        cache.list::<Products>(shop),
        cache.list::<Departments>(shop),
        cache.list::<Customers>(shop),
        cache.list::<Tables>(shop),
        cache.list::<PaymentModes>(shop),
    )
    .map_err(err)?;
    let now = inner
        .config
        .clock
        .now()
        .to_zoned(inner.config.time_zone.clone());
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
        "timeZone": inner.config.time_zone.iana_name().unwrap_or("UTC"),
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
    serde_json::to_string_pretty(&overview)
        .map_err(|e| ErrorData::internal_error(e.to_string(), None))
}

pub(crate) fn text(uri: &str, mime: &str, text: String) -> ReadResourceResult {
    ReadResourceResult::new(vec![ResourceContents::TextResourceContents {
        uri: uri.to_owned(),
        mime_type: Some(mime.to_owned()),
        text,
        meta: None,
    }])
}
