//! Prompts: ready-made instructions a user can pick in their client.

use rmcp::model::{GetPromptResult, Prompt, PromptArgument, PromptMessage, Role};

use crate::i18n::Lang;
use crate::tr;

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
    ]
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
