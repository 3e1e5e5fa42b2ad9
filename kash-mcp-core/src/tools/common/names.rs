//! The shop's entities by name: lists of ids and labels (two customers of the same name told
//! apart), and the one rule every tool uses to find an entity from a name.

use std::collections::HashMap;

use crate::error::{ToolError, ToolResult};
use crate::i18n::Lang;
use crate::shop::Shop;
use crate::tools::Ctx;
use crate::{search, tr};

// ---------------------------------------------------------------------------------------------
// Names

pub(crate) struct Named {
    pub(crate) id: u64,
    pub(crate) label: String,
    pub(crate) search: Vec<String>,
}

impl Named {
    /// The label with the id, once.
    fn with_id(&self) -> String {
        if self.label.contains(&format!("#{}", self.id)) {
            self.label.clone()
        } else {
            format!("{} (#{})", self.label, self.id)
        }
    }
}

/// What a name found in a list.
#[derive(Debug)]
pub(crate) enum Found<'a, T> {
    /// One entity.
    One(&'a T),
    /// Several good matches, best first (at most six): the caller must choose.
    Ambiguous(Vec<&'a T>),
    /// No good match: the closest names (at most five), for a hint.
    Nothing(Vec<&'a T>),
}

/// The one rule every tool uses to find an entity from a name (`names`: the names it goes by).
/// The exact name (case, accents and spacing aside) if only one entity has it; else the only
/// good match (a prefix, every word, or a substring of a name); else a clear best (a prefix
/// match, well ahead of the next). Anything else is ambiguous, or nothing. Numbers that name
/// things (a table's number) are matched exactly, not by this rule.
pub(crate) fn find_by_name<'a, T>(
    query: &str,
    items: &'a [T],
    names: impl Fn(&T) -> Vec<&str>,
) -> Found<'a, T> {
    /// The lowest score of a good match: a substring of a name.
    const GOOD: u32 = 50;
    /// A prefix match …
    const CLEAR: u32 = 85;
    /// … this far ahead of the next is the one meant.
    const LEAD: u32 = 15;
    let norm = search::normalize(query);
    let exact: Vec<&T> = items
        .iter()
        .filter(|i| names(i).iter().any(|s| search::normalize(s) == norm))
        .collect();
    if let [one] = exact.as_slice() {
        return Found::One(one);
    }
    let mut scored: Vec<(u32, &T)> = items
        .iter()
        .map(|i| {
            let fields: Vec<search::Field<'_>> =
                names(i).into_iter().map(search::Field::Text).collect();
            (search::score(query, &fields), i)
        })
        .filter(|(s, _)| *s >= GOOD)
        .collect();
    scored.sort_by_key(|(s, _)| std::cmp::Reverse(*s));
    match scored.as_slice() {
        [] => Found::Nothing(search::closest(
            query,
            items,
            |i| names(i).first().copied().unwrap_or_default().to_owned(),
            5,
        )),
        [(_, one)] => Found::One(one),
        [(a, one), (b, _), ..] if *a >= CLEAR && *a >= b + LEAD => Found::One(one),
        _ => Found::Ambiguous(scored.iter().take(6).map(|(_, i)| *i).collect()),
    }
}

/// Finds one entity of the shop by name, or says why not: `what` names its kind ("product"),
/// `arg` the argument it came from.
pub(crate) fn resolve_name(
    lang: Lang,
    what: &str,
    arg: &str,
    query: &str,
    items: &[Named],
) -> ToolResult<u64> {
    match find_by_name(query, items, |i| {
        i.search.iter().map(String::as_str).collect()
    }) {
        Found::One(one) => Ok(one.id),
        Found::Nothing(closest) => {
            let hint = if closest.is_empty() {
                String::new()
            } else {
                let closest: Vec<String> = closest.iter().map(|i| i.with_id()).collect();
                tr!(
                    lang,
                    " Closest: {}.",
                    " Les plus proches : {}.",
                    closest.join("; ")
                )
            };
            Err(ToolError::Invalid(tr!(
                lang,
                "No {} matches `{}` = \"{}\".{} Give its id instead.",
                "Aucun {} ne correspond à `{}` = « {} ».{} Donnez plutôt son identifiant.",
                what,
                arg,
                query,
                hint
            )))
        }
        Found::Ambiguous(listed) => {
            let listed: Vec<String> = listed.iter().map(|i| i.with_id()).collect();
            Err(ToolError::Invalid(tr!(
                lang,
                "`{}` = \"{}\" is ambiguous or inexact; pass the id of one of: {}.",
                "`{}` = « {} » est ambigu ou inexact ; passez l'identifiant de l'un de : {}.",
                arg,
                query,
                listed.join("; ")
            )))
        }
    }
}

/// A list of the shop as ids and names (`None` when the POS could not give it: labels then
/// fall back to ids).
pub(crate) async fn named<K: kash_api::lists::ListKind>(
    ctx: &Ctx<'_>,
    shop: &Shop,
    entry: impl Fn(&K::Item) -> Named,
) -> Option<Vec<Named>> {
    let list = ctx.shared.lists.list::<K>(shop).await.ok()?;
    Some(list.iter().map(entry).collect())
}

/// An entry named by its title, or `#id`.
pub(crate) fn titled(id: u64, title: Option<&String>) -> Named {
    let label = title
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map_or_else(|| format!("#{id}"), str::to_owned);
    Named {
        id,
        label: label.clone(),
        search: vec![label],
    }
}

pub(crate) async fn customers(ctx: &Ctx<'_>, shop: &Shop) -> Option<Vec<Named>> {
    let list = ctx
        .shared
        .lists
        .list::<kash_api::customers::Customers>(shop)
        .await
        .ok()?;
    Some(customer_names(&list))
}

/// Customers' labels, told apart: two customers with the same name get their id and a hint
/// (the city, else the end of the phone number) in their labels.
pub(crate) fn customer_names(list: &[kash_api::customers::Customer]) -> Vec<Named> {
    let mut named: Vec<(Named, String)> = list
        .iter()
        .map(|c| {
            let name = c.display_name();
            let company = c.company.clone().unwrap_or_default();
            let label = if !company.trim().is_empty() && company != name {
                format!("{name} ({company})")
            } else {
                name.clone()
            };
            let hint = c
                .city
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .or_else(|| {
                    c.phone.as_deref().map(|p| {
                        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
                        format!(
                            "…{}",
                            digits.get(digits.len().saturating_sub(4)..).unwrap_or("")
                        )
                    })
                })
                .unwrap_or_default();
            (
                Named {
                    id: c.id.0,
                    label,
                    search: vec![name, company],
                },
                hint,
            )
        })
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (n, _) in &named {
        *seen.entry(search::normalize(&n.label)).or_default() += 1;
    }
    for (n, hint) in &mut named {
        if seen.get(&search::normalize(&n.label)).copied().unwrap_or(0) > 1 {
            n.label = if hint.is_empty() {
                format!("{} (#{})", n.label, n.id)
            } else {
                format!("{} (#{}, {hint})", n.label, n.id)
            };
        }
    }
    named.into_iter().map(|(n, _)| n).collect()
}

pub(crate) async fn products(ctx: &Ctx<'_>, shop: &Shop) -> Option<Vec<Named>> {
    named::<kash_api::products::Products>(ctx, shop, |p| titled(p.id.0, p.title.as_ref())).await
}

pub(crate) async fn departments(ctx: &Ctx<'_>, shop: &Shop) -> Option<Vec<Named>> {
    named::<kash_api::departments::Departments>(ctx, shop, |d| titled(d.id.0, d.title.as_ref()))
        .await
}

pub(crate) async fn payment_modes(ctx: &Ctx<'_>, shop: &Shop) -> Option<Vec<Named>> {
    named::<kash_api::payment_modes::PaymentModes>(ctx, shop, |m| titled(m.id.0, m.title.as_ref()))
        .await
}

pub(crate) async fn users(ctx: &Ctx<'_>, shop: &Shop) -> Option<Vec<Named>> {
    named::<kash_api::shop::Users>(ctx, shop, |u| {
        let name = [u.first_name.as_deref(), u.name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        titled(u.id.0, Some(&name))
    })
    .await
}

pub(crate) async fn cashboxes(ctx: &Ctx<'_>, shop: &Shop) -> Option<Vec<Named>> {
    named::<kash_api::shop::Cashboxes>(ctx, shop, |c| titled(c.id.0, c.title.as_ref())).await
}

pub(crate) fn label_of(items: Option<&[Named]>, id: u64) -> Option<String> {
    items?.iter().find(|i| i.id == id).map(|i| i.label.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(list: &[&str]) -> Vec<Named> {
        list.iter()
            .enumerate()
            .map(|(i, t)| titled(i as u64 + 1, Some(&(*t).to_owned())))
            .collect()
    }

    fn found(query: &str, items: &[Named]) -> Result<u64, String> {
        match find_by_name(query, items, |i| vec![i.label.as_str()]) {
            Found::One(i) => Ok(i.id),
            Found::Ambiguous(l) => Err(format!(
                "ambiguous {:?}",
                l.iter().map(|i| i.id).collect::<Vec<_>>()
            )),
            Found::Nothing(l) => Err(format!(
                "nothing {:?}",
                l.iter().map(|i| i.id).collect::<Vec<_>>()
            )),
        }
    }

    #[test]
    fn the_one_rule_for_names() {
        let items = named(&[
            "Pain",
            "Pain au chocolat",
            "Pain aux raisins",
            "Éclair café",
        ]);
        assert_eq!(found("pain", &items), Ok(1), "the only exact name");
        assert_eq!(
            found("ECLAIR CAFE", &items),
            Ok(4),
            "case and accents aside"
        );
        assert_eq!(found("chocolat", &items), Ok(2), "the only good match");
        assert_eq!(found("pain au", &items), Err("ambiguous [2, 3]".into()));
        assert_eq!(found("croissant", &items), Err("nothing []".into()));
        let typo = found("pain au chocolt", &items).unwrap_err();
        assert!(
            typo.starts_with("nothing [2"),
            "a typo: the closest first: {typo}"
        );
        let twins = named(&["Café", "Café"]);
        assert_eq!(
            found("café", &twins),
            Err("ambiguous [1, 2]".into()),
            "two of a name"
        );
    }

    #[test]
    fn customers_of_the_same_name_are_told_apart() {
        let list: Vec<kash_api::customers::Customer> = serde_json::from_value(serde_json::json!([
            {"id": 1, "lastname": "Dupont", "firstname": "Marie", "city": "Lyon"},
            {"id": 2, "lastname": "Dupont", "firstname": "Marie", "city": "Paris"},
            {"id": 3, "lastname": "Martin", "firstname": "Paul"}
        ]))
        .unwrap();
        let names = customer_names(&list);
        let label = |id| label_of(Some(&names), id).unwrap();
        assert_ne!(label(1), label(2));
        assert!(
            label(1).contains("Lyon") && label(2).contains("Paris"),
            "{} / {}",
            label(1),
            label(2)
        );
        assert_eq!(label(3), "Paul Martin");
    }
}
