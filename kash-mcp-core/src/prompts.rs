//! Prompts: ready-made instructions a user can pick in their client.

use rmcp::ErrorData;
use rmcp::model::{
    ContentBlock, GetPromptRequestParams, GetPromptResult, Prompt, PromptArgument, PromptMessage,
    ResourceContents, Role,
};

use crate::caller::Caller;
use crate::i18n::Lang;
use crate::server::Shared;
use crate::{resources, tr};

/// Whether a caller is offered the prompt `name`: they see the tools it uses.
pub(crate) fn offered(shared: &Shared, caller: &Caller, name: &str) -> bool {
    needs(name).iter().all(|t| shared.offers(caller, t))
}

/// A prompt argument, trimmed.
fn arg(request: &GetPromptRequestParams, name: &str) -> Option<String> {
    request
        .arguments
        .as_ref()
        .and_then(|a| a.get(name))
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `prompts/get` for a caller.
pub(crate) async fn get(
    shared: &Shared,
    caller: &Caller,
    request: &GetPromptRequestParams,
) -> Result<GetPromptResult, ErrorData> {
    let lang = shared.lang_of(caller);
    if !offered(shared, caller, &request.name) {
        return Err(ErrorData::invalid_params(
            format!(
                "unknown prompt `{}`: this server does not offer it",
                request.name
            ),
            None,
        ));
    }
    match request.name.as_str() {
        "record_sale" => {
            let order = arg(request, "order").ok_or_else(|| {
                ErrorData::invalid_params(
                    lang.pick(
                        "the `order` argument is required",
                        "l'argument `order` est obligatoire",
                    ),
                    None,
                )
            })?;
            Ok(record_sale(lang, &order))
        }
        "daily_report" => daily_report(lang, arg(request, "date").as_deref())
            .map_err(|e| ErrorData::invalid_params(e, None)),
        "weekly_report" => weekly_report(lang, arg(request, "week").as_deref())
            .map_err(|e| ErrorData::invalid_params(e, None)),
        "end_of_day" => {
            let overview = match &caller.shop {
                Ok(shop) => resources::shop_overview(shared, shop).await.ok(),
                Err(_) => None,
            };
            Ok(end_of_day(lang, overview))
        }
        other => Err(ErrorData::invalid_params(
            format!(
                "unknown prompt `{other}`; prompts: record_sale, daily_report, weekly_report, end_of_day"
            ),
            None,
        )),
    }
}

/// The tools a prompt asks the model to use: a prompt is offered only with them (no
/// `record_sale` on a read-only server).
pub(crate) fn needs(name: &str) -> &'static [&'static str] {
    match name {
        "record_sale" => &["sale_create"],
        "daily_report" | "weekly_report" | "end_of_day" => &["sales_summary"],
        _ => &[],
    }
}

pub(crate) fn list(lang: Lang) -> Vec<Prompt> {
    vec![
        Prompt::new(
            "record_sale",
            Some(lang.pick(
                "Record a sale described in plain words, safely: find the products and the table, preview, confirm.",
                "Enregistrer une vente décrite en mots simples, en sécurité : trouver les articles et la table, aperçu, confirmation.",
            )),
            Some(vec![{
                let mut a = PromptArgument::new("order");
                a.title = Some(lang.pick("Order", "Commande").to_owned());
                a.description = Some(
                    lang.pick(
                        "The sale in plain words, e.g. \"2 coffees and a croissant at table 84, paid by card\".",
                        "La vente en mots simples, par exemple « 2 cafés et un croissant à la table 84, payé par carte ».",
                    )
                    .to_owned(),
                );
                a.required = Some(true);
                a
            }]),
        )
        .with_title(lang.pick("Record a sale", "Enregistrer une vente")),
        Prompt::new(
            "daily_report",
            Some(lang.pick(
                "The day's sales report: revenue, VAT, payments, best sellers, against the same weekday last week, checked against the POS's own report.",
                "Le rapport de ventes du jour : CA, TVA, paiements, meilleures ventes, comparé au même jour la semaine dernière, vérifié avec le rapport de la caisse.",
            )),
            Some(vec![optional(
                "date",
                lang.pick("Day", "Jour"),
                lang.pick(
                    "The day, ISO 8601 (2026-11-23), or today / yesterday. Default: yesterday.",
                    "Le jour, ISO 8601 (2026-11-23), ou today / yesterday. Par défaut : hier.",
                ),
            )]),
        )
        .with_title(lang.pick("Daily report", "Rapport du jour")),
        Prompt::new(
            "weekly_report",
            Some(lang.pick(
                "The week's sales report: revenue by day, against the previous week and the same week last year, best products and customers.",
                "Le rapport de ventes de la semaine : CA par jour, comparé à la semaine précédente et à la même semaine l'an dernier, meilleurs articles et clients.",
            )),
            Some(vec![optional(
                "week",
                lang.pick("Week", "Semaine"),
                lang.pick(
                    "this_week or last_week (default), or any day of the week (2026-11-18).",
                    "this_week ou last_week (par défaut), ou n'importe quel jour de la semaine (2026-11-18).",
                ),
            )]),
        )
        .with_title(lang.pick("Weekly report", "Rapport de la semaine")),
        Prompt::new(
            "end_of_day",
            Some(lang.pick(
                "Closing the day: today's figures against the same weekday last week, unpaid orders, deliveries still to do, low stock.",
                "Clôture de la journée : chiffres du jour contre le même jour la semaine dernière, commandes impayées, livraisons restantes, stock bas.",
            )),
            None,
        )
        .with_title(lang.pick("End of day", "Fin de journée")),
    ]
}

fn optional(name: &str, title: &str, description: &str) -> PromptArgument {
    let mut a = PromptArgument::new(name);
    a.title = Some(title.to_owned());
    a.description = Some(description.to_owned());
    a.required = Some(false);
    a
}

/// Which days a prompt argument names, as tool arguments (`"period": "yesterday"` or
/// `"from": "…", "to": "…"`).
fn day_args(day: Option<&str>) -> Result<String, String> {
    match day.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(r#""period": "yesterday""#.to_owned()),
        Some(d) if d.eq_ignore_ascii_case("today") || d.eq_ignore_ascii_case("aujourd'hui") => {
            Ok(r#""period": "today""#.to_owned())
        }
        Some(d) if d.eq_ignore_ascii_case("yesterday") || d.eq_ignore_ascii_case("hier") => {
            Ok(r#""period": "yesterday""#.to_owned())
        }
        Some(d) => d
            .parse::<jiff::civil::Date>()
            .map(|date| format!(r#""from": "{date}", "to": "{date}""#))
            .map_err(|_| {
                format!("`date` = \"{d}\" is not an ISO 8601 date (2026-11-23), today or yesterday")
            }),
    }
}

pub(crate) fn daily_report(lang: Lang, day: Option<&str>) -> Result<GetPromptResult, String> {
    let when = day_args(day)?;
    let report_day = match day.map(str::trim).filter(|d| !d.is_empty()) {
        None => "yesterday".to_owned(),
        Some(d) => d.to_owned(),
    };
    let text = tr!(
        lang,
        "Prepare the sales report of this day. Every figure must come from the tools; never add up amounts yourself.\n\n1. sales_summary with {{{}, \"comparison\": \"previous_week\"}}: revenue incl. and excl. VAT, VAT per rate, orders, average basket, items, refunds, unpaid orders, discounts, and the change against the same weekday last week.\n2. sales_summary with {{{}, \"groupBy\": \"payment_mode\"}}: the takings per payment mode.\n3. sales_summary with {{{}, \"groupBy\": \"product\", \"top\": 10}}: the best sellers.\n4. report_sales with {{\"date\": \"{}\"}}: the POS's own cash register report; say whether its total matches step 1.\n\nPresent: a one-line headline (revenue and its change), a short table of the key figures, the payments, the top 10 products, and anything unusual (refunds, unpaid orders, large discounts). State the day and the time zone.",
        "Prépare le rapport des ventes de ce jour. Chaque chiffre doit venir des outils ; n'additionne jamais de montants toi-même.\n\n1. sales_summary avec {{{}, \"comparison\": \"previous_week\"}} : CA TTC et HT, TVA par taux, commandes, panier moyen, articles, remboursements, impayés, remises, et l'évolution par rapport au même jour la semaine dernière.\n2. sales_summary avec {{{}, \"groupBy\": \"payment_mode\"}} : les encaissements par mode de paiement.\n3. sales_summary avec {{{}, \"groupBy\": \"product\", \"top\": 10}} : les meilleures ventes.\n4. report_sales avec {{\"date\": \"{}\"}} : le rapport de caisse du logiciel ; dis si son total correspond à l'étape 1.\n\nPrésente : un titre d'une ligne (CA et évolution), un court tableau des chiffres clés, les encaissements, les 10 meilleurs articles, et tout ce qui sort de l'ordinaire (remboursements, impayés, remises importantes). Indique le jour et le fuseau horaire.",
        when,
        when,
        when,
        report_day
    );
    Ok(
        GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
            .with_description(lang.pick("Daily sales report", "Rapport des ventes du jour")),
    )
}

pub(crate) fn weekly_report(lang: Lang, week: Option<&str>) -> Result<GetPromptResult, String> {
    let when = match week.map(str::trim).filter(|w| !w.is_empty()) {
        None => r#""period": "last_week""#.to_owned(),
        Some(w) if w.eq_ignore_ascii_case("this_week") => r#""period": "this_week""#.to_owned(),
        Some(w) if w.eq_ignore_ascii_case("last_week") => r#""period": "last_week""#.to_owned(),
        Some(w) => {
            let date = w.parse::<jiff::civil::Date>().map_err(|_| {
                format!("`week` = \"{w}\" is not this_week, last_week or a date (2026-11-16)")
            })?;
            let monday = date
                .checked_sub(
                    jiff::Span::new().days(i64::from(date.weekday().to_monday_zero_offset())),
                )
                .map_err(|e| e.to_string())?;
            let sunday = monday
                .checked_add(jiff::Span::new().days(6))
                .map_err(|e| e.to_string())?;
            format!(r#""from": "{monday}", "to": "{sunday}""#)
        }
    };
    let text = tr!(
        lang,
        "Prepare the sales report of this week. Every figure must come from the tools; never add up amounts yourself.\n\n1. sales_summary with {{{}, \"comparison\": \"previous_period\", \"groupBy\": \"day\"}}: the week's figures and each day's, against the previous week.\n2. sales_summary with {{{}, \"comparison\": \"same_period_last_year\"}}: against the same week last year.\n3. sales_summary with {{{}, \"groupBy\": \"product\", \"top\": 10}} and with {{{}, \"groupBy\": \"customer\", \"top\": 5}}: best products and customers.\n4. If I want the accounting documents, report_sales with the same days.\n\nPresent: a headline (revenue and its changes), a table of the days, the best and weakest day, the top products and customers, refunds and unpaid orders to follow up. State the week and the time zone.",
        "Prépare le rapport des ventes de cette semaine. Chaque chiffre doit venir des outils ; n'additionne jamais de montants toi-même.\n\n1. sales_summary avec {{{}, \"comparison\": \"previous_period\", \"groupBy\": \"day\"}} : les chiffres de la semaine et de chaque jour, comparés à la semaine précédente.\n2. sales_summary avec {{{}, \"comparison\": \"same_period_last_year\"}} : comparés à la même semaine l'an dernier.\n3. sales_summary avec {{{}, \"groupBy\": \"product\", \"top\": 10}} et avec {{{}, \"groupBy\": \"customer\", \"top\": 5}} : meilleurs articles et clients.\n4. Si je veux les documents comptables, report_sales sur les mêmes jours.\n\nPrésente : un titre (CA et évolutions), un tableau des jours, le meilleur et le plus faible, les meilleurs articles et clients, les remboursements et impayés à suivre. Indique la semaine et le fuseau horaire.",
        when,
        when,
        when,
        when
    );
    Ok(
        GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
            .with_description(lang.pick("Weekly sales report", "Rapport des ventes de la semaine")),
    )
}

/// `shop` is the shop overview (JSON with `lowStock`), when it could be read.
pub(crate) fn end_of_day(lang: Lang, shop: Option<String>) -> GetPromptResult {
    let stock = if shop.is_some() {
        lang.pick(
            "the products below their stock alert are in `lowStock` of the attached shop overview (read from the POS just now)",
            "les articles sous leur seuil d'alerte sont dans `lowStock` de l'aperçu de la boutique joint (lu dans la caisse à l'instant)",
        )
    } else {
        lang.pick(
            "call data_list_products with {\"limit\": 500, \"fields\": [\"id\", \"title\", \"stock\", \"stockAlert\"]} and keep the products whose stock is below stockAlert",
            "appelle data_list_products avec {\"limit\": 500, \"fields\": [\"id\", \"title\", \"stock\", \"stockAlert\"]} et garde les articles dont le stock est sous stockAlert",
        )
    };
    let text = tr!(
        lang,
        "Help me close the day. Every figure must come from the tools; never add up amounts yourself.\n\n1. sales_summary with {{\"period\": \"today\", \"comparison\": \"previous_week\"}}: today's figures so far against the same weekday last week up to the same time.\n2. data_list_orders with {{\"period\": \"today\", \"paymentState\": \"unpaid\"}}: the orders still to be paid.\n3. data_list_pending_orders with {{\"period\": \"today\"}}: the deliveries and pickups still to do, by time.\n4. Low stock: {}; suggest what to reorder.\n\nPresent a short closing checklist: takings and change, unpaid orders (who, how much), deliveries left (when, where), products to reorder.",
        "Aide-moi à clôturer la journée. Chaque chiffre doit venir des outils ; n'additionne jamais de montants toi-même.\n\n1. sales_summary avec {{\"period\": \"today\", \"comparison\": \"previous_week\"}} : les chiffres du jour jusqu'ici contre le même jour la semaine dernière à la même heure.\n2. data_list_orders avec {{\"period\": \"today\", \"paymentState\": \"unpaid\"}} : les commandes restant à encaisser.\n3. data_list_pending_orders avec {{\"period\": \"today\"}} : les livraisons et retraits encore à faire, par heure.\n4. Stock bas : {} ; propose quoi recommander.\n\nPrésente une courte liste de clôture : encaissements et évolution, impayés (qui, combien), livraisons restantes (quand, où), articles à recommander.",
        stock
    );
    let mut messages = vec![PromptMessage::new_text(Role::User, text)];
    if let Some(json) = shop {
        messages.push(PromptMessage::new(
            Role::User,
            ContentBlock::resource(
                ResourceContents::text(json, crate::resources::SHOP)
                    .with_mime_type("application/json"),
            ),
        ));
    }
    GetPromptResult::new(messages).with_description(lang.pick("End of day", "Fin de journée"))
}

pub(crate) fn record_sale(lang: Lang, order: &str) -> GetPromptResult {
    let text = tr!(
        lang,
        "Record this sale in the POS: \"{}\".\n\n1. Find each product's id with data_list_products (query with the product's name; pick the exact match, ask me if several fit).\n2. If a table is mentioned, pass its number as tableNumber; if a customer is mentioned, find them with data_list_clients and check the name carefully (Dupont, Dupond and Dupont-Martin are different people).\n3. Payment: -1 if not paid yet, the payment mode's id if paid (data_list_payments), -2 for a quote. Delivery method: eat_in at a table, takeaway, delivery…\n4. Call sale_create with dryRun: true and show me the preview (lines, total).\n5. Only after I confirm, call sale_create with confirmPreviewId. Never record the same sale twice; if the answer says it may have been recorded, check data_list_orders instead of retrying.",
        "Enregistre cette vente dans la caisse : « {} ».\n\n1. Trouve l'identifiant de chaque article avec data_list_products (query avec le nom de l'article ; prends la correspondance exacte, demande-moi si plusieurs conviennent).\n2. Si une table est citée, passe son numéro dans tableNumber ; si un client est cité, trouve-le avec data_list_clients et vérifie bien le nom (Dupont, Dupond et Dupont-Martin sont des personnes différentes).\n3. Paiement : -1 si ce n'est pas encore payé, l'identifiant du mode de paiement si c'est payé (data_list_payments), -2 pour un devis. Mode de vente : eat_in à une table, takeaway, delivery…\n4. Appelle sale_create avec dryRun: true et montre-moi l'aperçu (lignes, total).\n5. Seulement après ma confirmation, appelle sale_create avec confirmPreviewId. N'enregistre jamais deux fois la même vente ; si la réponse dit qu'elle a pu être enregistrée, vérifie data_list_orders au lieu de réessayer.",
        order
    );
    GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
        .with_description(lang.pick("Record a sale safely", "Enregistrer une vente en sécurité"))
}
