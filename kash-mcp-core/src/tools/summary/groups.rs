//! Groups: their keys and labels, the empty buckets of time groupings, their order, and
//! the entity filters resolved to ids.

use jiff::ToSpan;
use jiff::civil::Date;
use kash_api::orders::DeliveryMethod;

use super::args::{Ref, SortBy};
use super::inputs::WEEKDAYS;
use super::{
    Ctx, DEFAULT_TOP, Groups, HashMap, MAX_ROWS, Named, compare_row, group_name, label_of,
    resolve_name, row,
};
use crate::analytics::Aggregate;
use crate::analytics::engine::{Acc, Filters, GroupBy, Key, day_number, month_key};
use crate::error::{ToolError, ToolResult};
use crate::i18n::{self, Lang};
use crate::period::Period;
use crate::tr;
use crate::views::delivery_method_label;

/// Resolves an entity filter to an id (names through the list; ids as given).
pub(super) async fn resolve_ref(
    ctx: &Ctx<'_>,
    r: &Ref,
    what: (&str, &str),
    arg: &str,
    list: Option<&[Named]>,
) -> ToolResult<(u64, String)> {
    let lang = ctx.lang;
    let what = lang.pick(what.0, what.1);
    match r {
        Ref::Id(id) => {
            let label = label_of(list, *id).unwrap_or_else(|| format!("#{id}"));
            Ok((*id, label))
        }
        Ref::Name(name) => {
            let items = list.ok_or_else(|| {
                ToolError::internal(tr!(
                    lang,
                    "Could not read the list of {}s from the POS to find \"{}\"; give its id instead.",
                    "Impossible de lire la liste ({}) dans la caisse pour trouver « {} » ; donnez plutôt son identifiant.",
                    what,
                    name
                ))
            })?;
            let id = resolve_name(lang, what, arg, name, items)?;
            Ok((
                id,
                label_of(Some(items), id).unwrap_or_else(|| format!("#{id}")),
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Groups

pub(super) fn date_of_day(n: i64) -> Option<Date> {
    jiff::civil::date(1970, 1, 1).checked_add(n.days()).ok()
}

pub(super) fn monday_of(d: Date) -> i64 {
    day_number(&d.to_string()) - i64::from(d.weekday().to_monday_zero_offset())
}

/// Where a time key sits in its period (to compare groups of two periods), else the key.
pub(super) fn position(group: GroupBy, key: Key, start: Date) -> Key {
    match group {
        GroupBy::Day => key - day_number(&start.to_string()),
        GroupBy::Week => (key - monday_of(start)) / 7,
        GroupBy::Month => key - month_key(&start.to_string()),
        _ => key,
    }
}

/// Every bucket of a time grouping over the period (empty ones included).
pub(super) fn buckets(group: GroupBy, period: &Period, filters: &Filters) -> Vec<Key> {
    let days = period.days();
    match group {
        GroupBy::Day => days.iter().map(|d| day_number(&d.to_string())).collect(),
        GroupBy::Week => {
            let mut out: Vec<Key> = days.iter().map(|d| monday_of(*d)).collect();
            out.dedup();
            out
        }
        GroupBy::Month => {
            let mut out: Vec<Key> = days.iter().map(|d| month_key(&d.to_string())).collect();
            out.dedup();
            out
        }
        GroupBy::Weekday => {
            let mut present: Vec<Key> = days
                .iter()
                .map(|d| i64::from(d.weekday().to_monday_zero_offset()))
                .filter(|w| {
                    filters.weekdays.is_empty()
                        || filters.weekdays.iter().any(|f| i64::from(*f) == *w)
                })
                .collect();
            present.sort_unstable();
            present.dedup();
            present
        }
        _ => Vec::new(),
    }
}

pub(super) fn key_text(group: GroupBy, key: Key) -> String {
    match group {
        GroupBy::Day => date_of_day(key).map_or_else(|| key.to_string(), |d| d.to_string()),
        GroupBy::Week => date_of_day(key).map_or_else(
            || key.to_string(),
            |d| {
                let w = d.iso_week_date();
                format!("{}-W{:02}", w.year(), w.week())
            },
        ),
        GroupBy::Month => format!("{}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1),
        GroupBy::Weekday => usize::try_from(key)
            .ok()
            .and_then(|i| WEEKDAYS.get(i))
            .map_or_else(|| key.to_string(), |s| (*s).to_owned()),
        GroupBy::Hour => format!("{key:02}"),
        GroupBy::DeliveryMethod => {
            if key == 255 {
                "unknown".to_owned()
            } else {
                DeliveryMethod::from_code(key).name().to_owned()
            }
        }
        GroupBy::PaymentMode => match key {
            0 => "unpaid".to_owned(),
            -1 => "unknown".to_owned(),
            k => k.to_string(),
        },
        _ if key == 0 => "none".to_owned(),
        _ => key.to_string(),
    }
}

pub(super) struct Labels {
    pub(super) lang: Lang,
    pub(super) group: GroupBy,
    pub(super) names: Option<Vec<Named>>,
}

impl Labels {
    pub(super) fn label(&self, key: Key) -> String {
        let lang = self.lang;
        match self.group {
            GroupBy::Day => date_of_day(key).map_or_else(String::new, |d| i18n::date(lang, d)),
            GroupBy::Week => date_of_day(key).map_or_else(String::new, |d| {
                tr!(
                    lang,
                    "Week {} (from {})",
                    "Semaine {} (du {})",
                    d.iso_week_date().week(),
                    i18n::date(lang, d)
                )
            }),
            GroupBy::Month => {
                let m = i8::try_from(key.rem_euclid(12) + 1).unwrap_or(1);
                format!("{} {}", i18n::month(lang, m), key.div_euclid(12))
            }
            GroupBy::Weekday => i18n::weekday_long(lang, u8::try_from(key).unwrap_or(0)).to_owned(),
            GroupBy::Hour => format!("{key:02}:00–{:02}:00", key + 1),
            GroupBy::DeliveryMethod => {
                delivery_method_label(lang, &key_text(GroupBy::DeliveryMethod, key)).to_owned()
            }
            GroupBy::PaymentMode => match key {
                0 => lang.pick("Unpaid", "Non payé").to_owned(),
                -1 => lang
                    .pick("Paid, mode unknown", "Payé, mode inconnu")
                    .to_owned(),
                k => self.named(k),
            },
            GroupBy::Customer if key == 0 => lang.pick("No customer", "Sans client").to_owned(),
            GroupBy::Product if key == 0 => lang
                .pick(
                    "Department and free lines",
                    "Lignes au rayon et lignes libres",
                )
                .to_owned(),
            GroupBy::Department if key == 0 => lang.pick("No department", "Sans rayon").to_owned(),
            GroupBy::User | GroupBy::Cashbox if key == 0 => lang.pick("None", "Aucun").to_owned(),
            GroupBy::None => String::new(),
            _ => self.named(key),
        }
    }

    pub(super) fn named(&self, key: Key) -> String {
        u64::try_from(key)
            .ok()
            .and_then(|id| label_of(self.names.as_deref(), id))
            .unwrap_or_else(|| format!("#{key}"))
    }
}

pub(super) fn sort_rows(entries: &mut [(Key, Acc)], sort: SortBy) {
    entries.sort_by(|(ka, a), (kb, b)| {
        let primary = match sort {
            SortBy::Key => std::cmp::Ordering::Equal,
            SortBy::Revenue => b.revenue.cmp(&a.revenue),
            SortBy::Orders => b.orders.cmp(&a.orders),
            SortBy::Items => b.items_milli.cmp(&a.items_milli),
            SortBy::AverageBasket => b
                .average_basket()
                .unwrap_or(i64::MIN)
                .cmp(&a.average_basket().unwrap_or(i64::MIN)),
        };
        primary.then(ka.cmp(kb))
    });
}

/// What the rows of a summary are made from.
pub(super) struct RowsOf<'a> {
    pub(super) group: GroupBy,
    pub(super) period: &'a Period,
    pub(super) filters: &'a Filters,
    pub(super) main: &'a Aggregate,
    /// The compared period's figures, and its first day.
    pub(super) before: Option<&'a Aggregate>,
    pub(super) compared_start: Option<Date>,
    pub(super) top: Option<usize>,
    pub(super) sort: SortBy,
    /// The names of the groups' keys, when they have names.
    pub(super) names: Option<Vec<Named>>,
}

/// The rows of a grouped summary: the top ones, then "others" and "unassigned".
pub(super) fn rows(lang: Lang, of: RowsOf<'_>) -> ToolResult<Groups> {
    let RowsOf {
        group,
        period,
        filters,
        main,
        before,
        compared_start,
        top,
        sort,
        names,
    } = of;
    let mut entries: Vec<(Key, Acc)> = main.groups.clone().into_iter().collect();
    for k in buckets(group, period, filters) {
        if !main.groups.contains_key(&k) {
            entries.push((k, Acc::default()));
        }
    }
    // "No customer" is not a customer: it is shown apart, not ranked.
    let apart = matches!(
        group,
        GroupBy::Customer
            | GroupBy::Product
            | GroupBy::Department
            | GroupBy::User
            | GroupBy::Cashbox
    );
    let unassigned_acc = if apart {
        entries
            .iter()
            .position(|(k, _)| *k == 0)
            .map(|i| entries.swap_remove(i).1)
    } else {
        None
    };
    let count = entries.len();
    let limit = match top {
        Some(n) => n,
        None if group.is_time() => {
            if count > MAX_ROWS {
                return Err(ToolError::Invalid(tr!(
                    lang,
                    "Grouping by {} over {} gives {} rows; an answer shows at most {}. Group by a longer unit (week, month), shorten the period, or give `top` (e.g. the 10 best).",
                    "Regrouper par {} sur {} donne {} lignes ; une réponse en montre au plus {}. Regroupez par une unité plus longue (week, month), raccourcissez la période, ou donnez `top` (par exemple les 10 meilleurs).",
                    group_name(group),
                    period.label(lang),
                    count,
                    MAX_ROWS
                )));
            }
            count
        }
        None => DEFAULT_TOP,
    };
    sort_rows(&mut entries, sort);
    let labels = Labels { lang, group, names };
    let before_by_pos: HashMap<Key, &Acc> = match (before, compared_start) {
        (Some(b), Some(start)) => b
            .groups
            .iter()
            .map(|(k, a)| (position(group, *k, start), a))
            .collect(),
        _ => HashMap::new(),
    };
    let start = period.from.date();
    let empty = Acc::default();
    let ranked = sort != SortBy::Key;
    let mut rows = Vec::new();
    let mut rest = Acc::default();
    let mut rest_before = Acc::default();
    let mut rest_n = 0usize;
    for (i, (key, acc)) in entries.iter().enumerate() {
        let prev = before.map(|_| {
            *before_by_pos
                .get(&position(group, *key, start))
                .unwrap_or(&&empty)
        });
        if i < limit {
            let mut r = row(
                ranked.then_some(i + 1),
                key_text(group, *key),
                labels.label(*key),
                acc,
                &main.total,
            );
            if let Some(p) = prev {
                compare_row(&mut r, acc, p);
            }
            rows.push(r);
        } else {
            rest.merge(acc);
            if let Some(p) = prev {
                rest_before.merge(p);
            }
            rest_n += 1;
        }
    }
    let others = (rest_n > 0).then(|| {
        let mut r = row(
            None,
            "others".to_owned(),
            tr!(lang, "Others ({})", "Autres ({})", rest_n),
            &rest,
            &main.total,
        );
        if before.is_some() {
            compare_row(&mut r, &rest, &rest_before);
        }
        r
    });
    let unassigned = unassigned_acc.map(|acc| {
        let mut r = row(None, key_text(group, 0), labels.label(0), &acc, &main.total);
        if let Some(b) = before {
            compare_row(&mut r, &acc, b.groups.get(&0).unwrap_or(&empty));
        }
        r
    });
    Ok(Groups {
        by: group_name(group).to_owned(),
        sort_by: sort.name().to_owned(),
        count,
        shown: rows.len(),
        rows,
        others,
        unassigned,
    })
}
