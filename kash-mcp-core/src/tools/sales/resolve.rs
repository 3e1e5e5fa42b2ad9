//! The whole sale checked before anything is sent: lines, payment, customer, table, cash
//! register, user, dates and delivery time. A miss names the closest candidates.

use std::collections::BTreeMap;
use std::sync::Arc;

use kash_api::Decimal;
use kash_api::customers::Customer;
use kash_api::orders::DeliveryMethod;
use kash_api::payment_modes::{PaymentKind, PaymentMode};
use kash_api::shop::{Cashboxes, Table, Tables, Users};

use super::Ctx;
use super::args::{ItemArg, MethodName, PaymentArg, SaleArgs};
use super::lines::{load_err, refs, resolve_catalog, resolve_dept, resolve_free};
use super::output::Resolved;
use crate::error::{ToolError, ToolResult};
use crate::i18n::Lang;
use crate::shop::Shop;
use crate::tools::common::names::{Found, find_by_name};
use crate::{search, tr};

pub(super) fn mode_label(m: &PaymentMode) -> String {
    format!(
        "{} (#{}{})",
        m.title.clone().unwrap_or_default(),
        m.id,
        m.kind
            .as_ref()
            .map(|k| format!(", {k}"))
            .unwrap_or_default()
    )
}

pub(super) fn resolve_payment(
    lang: Lang,
    arg: Option<&PaymentArg>,
    modes: &[PaymentMode],
) -> ToolResult<(i64, Option<String>)> {
    let listed = || modes.iter().map(mode_label).collect::<Vec<_>>().join(", ");
    let Some(arg) = arg else {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`payment` is required: -2 for a quote, -1 for validated but unpaid, or the id of the payment mode used ({}).",
            "`payment` est obligatoire : -2 pour un devis, -1 pour validée non payée, ou l'identifiant du mode de paiement utilisé ({}).",
            listed()
        )));
    };
    let by_id = |id: i64| {
        modes
            .iter()
            .find(|m| i64::try_from(m.id.0).ok() == Some(id))
    };
    match arg {
        PaymentArg::Code(-2) => Ok((-2, None)),
        PaymentArg::Code(-1) => Ok((-1, None)),
        PaymentArg::Code(id) if *id > 0 => match by_id(*id) {
            Some(m) => Ok((*id, m.title.clone())),
            None => Err(ToolError::Invalid(tr!(
                lang,
                "There is no payment mode {}. Use -2 (quote), -1 (unpaid) or one of: {}.",
                "Il n'y a pas de mode de paiement {}. Utilisez -2 (devis), -1 (non payée) ou l'un de : {}.",
                id,
                listed()
            ))),
        },
        PaymentArg::Code(other) => Err(ToolError::Invalid(tr!(
            lang,
            "`payment` = {} is not valid: use -2 (quote), -1 (unpaid) or a payment mode id ({}).",
            "`payment` = {} n'est pas valide : utilisez -2 (devis), -1 (non payée) ou un mode de paiement ({}).",
            other,
            listed()
        ))),
        PaymentArg::Name(name) => {
            let norm = search::normalize(name);
            match norm.as_str() {
                "quote" | "devis" => return Ok((-2, None)),
                "unpaid" | "non paye" | "non payee" | "a payer" => return Ok((-1, None)),
                _ => {}
            }
            let kind = match norm.as_str() {
                "cash" | "especes" | "liquide" => Some(PaymentKind::Cash),
                "card" | "carte" | "cb" | "credit card" | "carte bancaire" | "bank card" => {
                    Some(PaymentKind::CreditCard)
                }
                "cheque" | "check" => Some(PaymentKind::Check),
                "meal voucher" | "ticket restaurant" | "titre restaurant" => {
                    Some(PaymentKind::MealVoucher)
                }
                "transfer" | "virement" | "bank transfer" => Some(PaymentKind::BankTransfer),
                _ => None,
            };
            let by_kind: Vec<&PaymentMode> = kind
                .map(|k| {
                    modes
                        .iter()
                        .filter(|m| m.kind.as_ref().is_some_and(|x| x.kind == k && !x.refund))
                        .collect()
                })
                .unwrap_or_default();
            let by_title = match find_by_name(name, modes, |m| {
                vec![m.title.as_deref().unwrap_or_default()]
            }) {
                Found::One(m) => Some(m),
                _ => None,
            };
            let found = if by_title.is_some() {
                by_title
            } else if by_kind.len() == 1 {
                by_kind.first().copied()
            } else {
                None
            };
            match found {
                Some(m) => Ok((i64::try_from(m.id.0).unwrap_or(-1), m.title.clone())),
                None => Err(ToolError::Invalid(tr!(
                    lang,
                    "\"{}\" is not a payment mode of this shop: use -2 (quote), -1 (unpaid) or one of: {}.",
                    "« {} » n'est pas un mode de paiement de cette boutique : utilisez -2 (devis), -1 (non payée) ou l'un de : {}.",
                    name,
                    listed()
                ))),
            }
        }
    }
}

pub(super) fn table_label(t: &Table) -> String {
    format!(
        "\"{}\" (id {}{})",
        t.title.clone().unwrap_or_default(),
        t.id,
        t.room
            .as_deref()
            .map(|r| format!(", {r}"))
            .unwrap_or_default()
    )
}

pub(super) async fn resolve(ctx: &Ctx<'_>, shop: &Shop, args: &SaleArgs) -> ToolResult<Resolved> {
    let lang = ctx.lang;
    if args.items.is_empty() {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`items` is empty: a sale needs at least one line (catalog, dept or free).",
            "`items` est vide : une vente demande au moins une ligne (catalog, dept ou free)."
        )));
    }
    let refs = refs(ctx, shop).await?;
    let method = args.delivery_method.as_ref().and_then(MethodName::method);
    let eat_in = method == Some(DeliveryMethod::EatIn);
    let mut lines = Vec::with_capacity(args.items.len());
    for (i, item) in args.items.iter().enumerate() {
        let n = i + 1;
        lines.push(match item {
            ItemArg::Catalog(c) => resolve_catalog(lang, n, c, &refs, eat_in)?,
            ItemArg::Dept(d) => resolve_dept(lang, n, d, &refs, eat_in)?,
            ItemArg::Free(f) => resolve_free(lang, n, f)?,
        });
    }
    let (payment, payment_mode) =
        resolve_payment(lang, args.payment.as_ref(), &refs.payment_modes)?;
    let cache = &ctx.shared.lists;

    if args.id_client.is_some() && args.client.is_some() {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Give either `idClient` (an existing customer) or `client` (a new one), not both.",
            "Donnez soit `idClient` (un client existant), soit `client` (un nouveau), pas les deux."
        )));
    }
    let (customer, customer_name) = match args.id_client {
        Some(id) => {
            let customers: Arc<Vec<Customer>> = cache
                .list::<kash_api::customers::Customers>(shop)
                .await
                .map_err(load_err(lang))?;
            let c = customers.iter().find(|c| c.id == id).ok_or_else(|| {
                ToolError::Invalid(tr!(
                    lang,
                    "There is no customer {}. Search with data_list_clients (query by name or phone), or create one with `client`.",
                    "Il n'y a pas de client {}. Cherchez avec data_list_clients (query par nom ou téléphone), ou créez-le avec `client`.",
                    id
                ))
            })?;
            (Some(id.0), Some(c.display_name()))
        }
        None => (None, None),
    };
    if let Some(c) = &args.client {
        let named = [&c.firstname, &c.lastname, &c.email, &c.phone]
            .iter()
            .any(|v| v.as_ref().is_some_and(|s| !s.trim().is_empty()));
        if !named {
            return Err(ToolError::Invalid(tr!(
                lang,
                "The new `client` needs at least a name, an email or a phone.",
                "Le nouveau `client` demande au moins un nom, un email ou un téléphone."
            )));
        }
        if let Some(country) = c.country.as_deref().filter(|x| !x.trim().is_empty()) {
            let t = country.trim();
            if t.len() != 2 || !t.chars().all(|x| x.is_ascii_alphabetic()) {
                return Err(ToolError::Invalid(tr!(
                    lang,
                    "`client.country` must be a two-letter ISO code such as FR, BE or CH, got \"{}\".",
                    "`client.country` doit être un code ISO à deux lettres comme FR, BE ou CH, reçu « {} ».",
                    t
                )));
            }
        }
    }
    let (table, table_name) = match (args.table, args.table_number.as_deref()) {
        (None, None) => (None, None),
        (id, number) => {
            let tables: Arc<Vec<Table>> =
                cache.list::<Tables>(shop).await.map_err(load_err(lang))?;
            let all = || {
                tables
                    .iter()
                    .map(table_label)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let by_number = |num: &str| {
                let norm = search::normalize(num);
                tables
                    .iter()
                    .find(|t| search::normalize(t.title.as_deref().unwrap_or("")) == norm)
            };
            match (id, number) {
                (Some(id), number) => {
                    let t = tables.iter().find(|t| t.id == id).ok_or_else(|| {
                        let named = by_number(&id.to_string());
                        ToolError::Invalid(match named {
                            Some(t) => tr!(
                                lang,
                                "There is no table with id {}; the table numbered \"{}\" has id {}. Pass `tableNumber: \"{}\"` or `table: {}`.",
                                "Il n'y a pas de table d'identifiant {} ; la table numéro « {} » a l'identifiant {}. Passez `tableNumber: \"{}\"` ou `table: {}`.",
                                id,
                                id,
                                t.id,
                                id,
                                t.id
                            ),
                            None => tr!(
                                lang,
                                "There is no table with id {}. Tables: {}.",
                                "Il n'y a pas de table d'identifiant {}. Tables : {}.",
                                id,
                                all()
                            ),
                        })
                    })?;
                    if let Some(num) = number
                        && by_number(num).map(|x| x.id) != Some(t.id)
                    {
                        return Err(ToolError::Invalid(tr!(
                            lang,
                            "`table` {} and `tableNumber` \"{}\" do not name the same table; give one of them.",
                            "`table` {} et `tableNumber` « {} » ne désignent pas la même table ; donnez l'un des deux.",
                            id,
                            num
                        )));
                    }
                    (Some(t.id.0), t.title.clone())
                }
                (None, Some(num)) => {
                    let t = by_number(num).ok_or_else(|| {
                        ToolError::Invalid(tr!(
                            lang,
                            "No table is numbered \"{}\". Tables: {}.",
                            "Aucune table ne porte le numéro « {} ». Tables : {}.",
                            num,
                            all()
                        ))
                    })?;
                    (Some(t.id.0), t.title.clone())
                }
                (None, None) => (None, None),
            }
        }
    };
    let cashbox = match args.cashbox {
        Some(id) => {
            let boxes = cache
                .list::<Cashboxes>(shop)
                .await
                .map_err(load_err(lang))?;
            if !boxes.iter().any(|b| b.id == id) {
                return Err(ToolError::Invalid(tr!(
                    lang,
                    "There is no cash register {}. Cash registers: {}.",
                    "Il n'y a pas de caisse {}. Caisses : {}.",
                    id,
                    boxes
                        .iter()
                        .map(|b| format!("{} (#{})", b.title.clone().unwrap_or_default(), b.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Some(id.0)
        }
        None => None,
    };
    let user = match args.user {
        Some(id) => {
            let users = cache.list::<Users>(shop).await.map_err(load_err(lang))?;
            if !users.iter().any(|u| u.id == id) {
                return Err(ToolError::Invalid(tr!(
                    lang,
                    "There is no user {}. Users: {}.",
                    "Il n'y a pas d'utilisateur {}. Utilisateurs : {}.",
                    id,
                    users
                        .iter()
                        .map(|u| format!(
                            "{} {} (#{})",
                            u.first_name.clone().unwrap_or_default(),
                            u.name.clone().unwrap_or_default(),
                            u.id
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Some(id.0)
        }
        None => None,
    };
    for (what, text) in [
        ("publicComment", &args.public_comment),
        ("privateComment", &args.private_comment),
    ] {
        if let Some(t) = text
            && t.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(ToolError::Invalid(tr!(
                lang,
                "`{}` contains control characters.",
                "`{}` contient des caractères de contrôle.",
                what
            )));
        }
    }
    let today = ctx.now().to_zoned(ctx.tz().clone()).date();
    let value_date = match args.value_date.as_deref() {
        None => None,
        Some(text) => {
            check_offset(lang, "valueDate", text)?;
            let z = crate::period::parse_bound(text, ctx.tz(), false).ok_or_else(|| {
                ToolError::Invalid(tr!(
                    lang,
                    "`valueDate` = \"{}\" is not an ISO 8601 date or date-time.",
                    "`valueDate` = « {} » n'est pas une date ISO 8601.",
                    text
                ))
            })?;
            let earliest = today
                .checked_sub(jiff::Span::new().years(2))
                .unwrap_or(today);
            if z.date() > today || z.date() < earliest {
                return Err(ToolError::Invalid(tr!(
                    lang,
                    "`valueDate` = {} is out of range: a sale is dated from {} to today ({}).",
                    "`valueDate` = {} est hors limites : une vente est datée du {} à aujourd'hui ({}).",
                    z.date(),
                    earliest,
                    today
                )));
            }
            // A date alone: noon that day, clear of any time-zone edge.
            let z = if text.trim().len() == 10 {
                z.checked_add(jiff::SignedDuration::from_hours(12))
                    .unwrap_or(z)
            } else {
                z
            };
            Some(z.timestamp().as_second())
        }
    };
    let due = match args.delivery_time.as_deref() {
        None => None,
        Some(text) => {
            let day = value_date
                .and_then(|s| jiff::Timestamp::from_second(s).ok())
                .map_or(today, |t| t.to_zoned(ctx.tz().clone()).date());
            Some(due_time(lang, text, day, today)?)
        }
    };
    let total: Decimal = lines.iter().map(|l| l.total).sum();
    let vat = if lines.iter().all(|l| l.vat_rate.is_some()) {
        let mut by_rate: BTreeMap<Decimal, Decimal> = BTreeMap::new();
        for l in &lines {
            if let Some(r) = l.vat_rate {
                *by_rate.entry(r.normalize()).or_default() += l.total;
            }
        }
        by_rate
            .into_iter()
            .map(|(r, ttc)| (r, (ttc * r / (Decimal::ONE_HUNDRED + r)).round_dp(2)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Resolved {
        lines,
        payment,
        payment_mode,
        delivery_method: method.map(DeliveryMethod::code),
        user,
        customer,
        customer_name,
        new_customer: args.client.clone(),
        table,
        table_name,
        cashbox,
        covers: args.covers,
        public_comment: args.public_comment.clone().filter(|s| !s.trim().is_empty()),
        private_comment: args
            .private_comment
            .clone()
            .filter(|s| !s.trim().is_empty()),
        pager: args.pager,
        value_date,
        due: due.map(|d| crate::views::due_text(&d)),
        total,
        vat,
    })
}

/// Refuses a UTC offset no place uses (`+25:00` would date a sale on the wrong day).
pub(super) fn check_offset(lang: Lang, what: &str, text: &str) -> ToolResult<()> {
    let t = text.trim();
    let tail = t.get(t.len().saturating_sub(6)..).unwrap_or("");
    if t.len() > 16
        && (tail.starts_with('+') || tail.starts_with('-'))
        && tail.get(3..4) == Some(":")
    {
        let hours: u32 = tail.get(1..3).and_then(|h| h.parse().ok()).unwrap_or(99);
        let minutes: u32 = tail.get(4..6).and_then(|m| m.parse().ok()).unwrap_or(99);
        if hours > 14 || minutes > 59 || (hours == 14 && minutes > 0) {
            return Err(ToolError::Invalid(tr!(
                lang,
                "`{}` has the offset {}, which no time zone uses (from -12:00 to +14:00).",
                "`{}` a le décalage {}, qu'aucun fuseau n'utilise (de -12:00 à +14:00).",
                what,
                tail
            )));
        }
    }
    Ok(())
}

/// A delivery or pickup time: `HH:MM` on `day`, or `YYYY-MM-DDTHH:MM`, from a year before
/// today to a year after.
pub(super) fn due_time(
    lang: Lang,
    text: &str,
    day: jiff::civil::Date,
    today: jiff::civil::Date,
) -> ToolResult<jiff::civil::DateTime> {
    let t = text.trim();
    let (date, time) = match t.len() {
        5 => (Some(day), t),
        16 => (
            t.get(..10).and_then(|d| d.parse().ok()),
            t.get(11..).unwrap_or(""),
        ),
        _ => (None, ""),
    };
    let hm: Option<(i8, i8)> = time
        .split_once(':')
        .and_then(|(h, m)| Some((h.parse().ok()?, m.parse().ok()?)));
    let at = date
        .zip(hm)
        .and_then(|(d, (h, m))| jiff::civil::Time::new(h, m, 0, 0).ok().map(|t| d.to_datetime(t)))
        .ok_or_else(|| {
            ToolError::Invalid(tr!(
                lang,
                "`deliveryTime` = \"{}\" is not a time: use HH:MM (e.g. 18:15) or YYYY-MM-DDTHH:MM.",
                "`deliveryTime` = « {} » n'est pas une heure : utilisez HH:MM (par exemple 18:15) ou AAAA-MM-JJTHH:MM.",
                t
            ))
        })?;
    let (earliest, latest) = (
        today
            .checked_sub(jiff::Span::new().years(1))
            .unwrap_or(today),
        today
            .checked_add(jiff::Span::new().years(1))
            .unwrap_or(today),
    );
    if at.date() < earliest || at.date() > latest {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`deliveryTime` = {} is out of range: from {} to {}.",
            "`deliveryTime` = {} est hors limites : du {} au {}.",
            at.date(),
            earliest,
            latest
        )));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn a_delivery_time_is_a_time_today_or_a_dated_time_within_a_year() {
        let today = date(2026, 11, 24);
        let at = due_time(Lang::En, "18:15", today, today).unwrap();
        assert_eq!(at.to_string(), "2026-11-24T18:15:00");
        let dated = due_time(Lang::En, "2026-11-25T07:30", today, today).unwrap();
        assert_eq!(dated.to_string(), "2026-11-25T07:30:00");
        for bad in ["25:00", "6pm", "2026-11-25 7:30"] {
            let e = due_time(Lang::En, bad, today, today)
                .unwrap_err()
                .to_string();
            assert!(e.contains("is not a time"), "{bad}: {e}");
        }
        let far = due_time(Lang::En, "2028-01-01T10:00", today, today).unwrap_err();
        assert!(far.to_string().contains("out of range"), "{far}");
    }

    #[test]
    fn offsets_no_time_zone_uses_are_refused() {
        assert!(check_offset(Lang::En, "valueDate", "2026-11-24T10:00:00+01:00").is_ok());
        assert!(check_offset(Lang::En, "valueDate", "2026-11-24T10:00:00-12:00").is_ok());
        assert!(check_offset(Lang::En, "valueDate", "2026-11-24").is_ok());
        let e = check_offset(Lang::En, "valueDate", "2026-11-24T10:00:00+25:00").unwrap_err();
        assert!(e.to_string().contains("no time zone uses"), "{e}");
        assert!(check_offset(Lang::En, "valueDate", "2026-11-24T10:00:00+14:30").is_err());
    }
}
