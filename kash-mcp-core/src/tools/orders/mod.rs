//! Orders: `data_list_orders` (a period, with the count and revenue of the whole period),
//! `order_detail` (one order in full) and `data_list_pending_orders` (orders in progress).

use rmcp::model::JsonObject;
use serde_json::Value;

use self::detail::order_detail;
use self::list::{OrdersOutput, list_orders};
use self::pending::{PendingOutput, pending};
use super::common::delivery::delivery_prop;
use super::common::paging::paging_props;
use super::common::period::period_props;
use super::{Effect, Spec};
use crate::config::Toolset;
use crate::i18n::Lang;
use crate::schema::{self, Prop};
use crate::views::OrderView;
use crate::{normalize, t};

mod detail;
mod list;
mod pending;

pub(crate) fn specs() -> Vec<Spec> {
    vec![
        Spec {
            handler: super::handler!(|ctx| list_orders(ctx)),
            name: "data_list_orders",
            toolset: Some(Toolset::Orders),
            effect: Effect::Read,
            title: t!("List orders", "Lister les commandes"),
            description: t!(
                "Orders of a period (validated, by value date; or quotes), with the period's count and revenue. \"Did this customer pay?\": customerId + paymentState. Totals, rankings: sales_summary.",
                "Commandes d'une période (validées, par date de valeur ; ou devis), avec nombre et CA de la période. « Ce client a-t-il payé ? » : customerId + paymentState. Totaux, classements : sales_summary."
            ),
            input: orders_input,
            output: schema::output::<OrdersOutput>,
            normalize: normalize_orders,
            args: crate::args::names::<list::OrdersArgs>,
        },
        Spec {
            handler: super::handler!(|ctx| order_detail(ctx)),
            args: crate::args::names::<detail::DetailArgs>,
            name: "order_detail",
            toolset: Some(Toolset::Orders),
            effect: Effect::Read,
            title: t!("Order detail", "Détail d'une commande"),
            description: t!(
                "One order in full: lines, customer, payments, VAT per rate, delivery, table, comments.",
                "Une commande en détail : lignes, client, paiements, TVA par taux, livraison, table, commentaires."
            ),
            input: detail_input,
            output: schema::output::<OrderView>,
            normalize: |a| {
                normalize::rename(a, "order_id", "orderId");
                normalize::rename(a, "id", "orderId");
            },
        },
        Spec {
            handler: super::handler!(|ctx| pending(ctx)),
            args: crate::args::names::<pending::PendingArgs>,
            name: "data_list_pending_orders",
            toolset: Some(Toolset::Orders),
            effect: Effect::Read,
            title: t!("List orders in progress", "Lister les commandes en cours"),
            description: t!(
                "Orders in progress, by delivery or pickup time. \"Deliveries tonight?\": deliveryMethod=delivery, period=today.",
                "Commandes en cours, par heure de livraison ou de retrait. « Livraisons ce soir ? » : deliveryMethod=delivery, period=today."
            ),
            input: pending_input,
            output: schema::output::<PendingOutput>,
            normalize: |a| {
                normalize::rename(a, "filterDeliveryMethod", "deliveryMethod");
                normalize::map_value(a, "deliveryMethod", normalize::delivery_method);
                normalize::map_value(a, "period", normalize::period);
            },
        },
    ]
}

/// The old server's names (`validatedOrders`, `from_date_ISO8601`…) and the synonyms.
fn normalize_orders(a: &mut JsonObject) {
    if let Some(v) = a.remove("validatedOrders") {
        let kind = match v {
            Value::Bool(true) => Value::from("validated"),
            Value::Bool(false) => Value::from("quotes"),
            other => other,
        };
        a.entry("kind").or_insert(kind);
    }
    normalize::rename(a, "from_date_ISO8601", "from");
    normalize::rename(a, "to_date_ISO8601", "to");
    normalize::rename(a, "filterDeliveryMethod", "deliveryMethod");
    normalize::rename(a, "idClient", "customerId");
    normalize::rename(a, "clientId", "customerId");
    normalize::map_value(a, "deliveryMethod", normalize::delivery_method);
    normalize::map_value(a, "period", normalize::period);
}

fn orders_input(lang: Lang) -> JsonObject {
    let mut props = vec![(
        "kind",
        Prop::one_of(
            &["validated", "quotes"],
            t!(
                "quotes: by creation date.",
                "quotes : devis, par date de création."
            ),
        ),
    )];
    props.extend(period_props());
    props.push(("deliveryMethod", delivery_prop()));
    props.push((
        "customerId",
        Prop::integer(t!("Customer id.", "Identifiant du client.")).min(1),
    ));
    props.push((
        "customer",
        Prop::string(t!("Customer name contains.", "Le nom du client contient.")).max_length(200),
    ));
    props.push((
        "paymentState",
        Prop::one_of(&["paid", "unpaid"], t!("Paid or not.", "Payée ou non.")),
    ));
    props.push((
        "withLines",
        Prop::boolean(t!("Include lines.", "Inclure les lignes.")),
    ));
    props.extend(paging_props());
    schema::input(lang, &props, &[])
}

fn detail_input(lang: Lang) -> JsonObject {
    schema::input(
        lang,
        &[(
            "orderId",
            Prop::integer(t!("Order id.", "Identifiant de la commande.")).min(1),
        )],
        &["orderId"],
    )
}

fn pending_input(lang: Lang) -> JsonObject {
    let mut props = vec![("deliveryMethod", delivery_prop())];
    props.push((
        "period",
        Prop::one_of(
            &["today", "yesterday", "this_week", "last_7_days"],
            t!("Due in this period.", "Dues dans cette période."),
        ),
    ));
    props.push((
        "query",
        Prop::string(t!(
            "Search customer, address, progress.",
            "Recherche client, adresse, avancement."
        ))
        .max_length(200),
    ));
    props.extend(paging_props());
    schema::input(lang, &props, &[])
}
