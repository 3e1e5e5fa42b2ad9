//! `sales_summary`: revenue, orders, average basket, items, VAT, refunds and unpaid orders of a
//! period, computed exactly in the server, grouped, filtered and compared with another period.

use std::collections::HashMap;

use rmcp::model::CallToolResponse;

use self::args::{Comparison, Many, Ref, SortBy, SummaryArgs, group_name};
use self::compare::compared;
use self::filters::Narrowed;
use self::groups::RowsOf;
use self::inputs::{input, normalize_summary};
use self::output::{
    ComparedWith, ComparisonOut, Groups, GroupsOut, SourceOut, SummaryOutput, changes, compare_row,
    row,
};
use self::text::{changes_text, rules, table};
use super::{Ctx, Effect, Spec, done};
use crate::analytics::engine::{self, Filters, GroupBy};
use crate::analytics::facts::DayFacts;
use crate::analytics::loader::{self, LoadOptions, Progress, SourceStats};
use crate::analytics::{days_of, with_bounds};
use crate::config::Toolset;
use crate::error::{ToolError, ToolResult};
use crate::i18n::{
    nouns, {self},
};
use crate::schema::{self};
use crate::tools::common::figures::*;
use crate::tools::common::names::*;
use crate::tools::common::period::{RangeOut, resolve_period};
use crate::{t, tr};

mod args;
mod compare;
mod filters;
mod groups;
mod inputs;
mod output;
mod text;

/// The longest period summarised (about three years), comparison apart.
pub(crate) const MAX_DAYS: usize = 1_100;
/// The most rows a grouped answer shows (a year of weeks; seven weeks of days), to keep every
/// answer within a few thousand tokens.
pub(crate) const MAX_ROWS: usize = 53;
/// Rows shown for customers, products… when `top` is not given.
const DEFAULT_TOP: usize = 20;
/// The largest `top`.
const MAX_TOP: usize = 50;

pub(crate) fn specs() -> Vec<Spec> {
    vec![Spec {
        handler: super::handler!(|ctx| call(ctx)),
        name: "sales_summary",
        toolset: Some(Toolset::Analytics),
        effect: Effect::Read,
        title: t!("Sales summary", "Synthèse des ventes"),
        description: t!(
            "Exact figures for any total, ranking or trend (3 years at most): revenue, VAT per rate, orders, basket, items, refunds, unpaid, discounts; grouped, filtered, compared. Best Tuesday customers: groupBy=customer, weekday=tuesday.",
            "Chiffres exacts pour tout total, classement ou tendance (3 ans au plus) : CA, TVA par taux, commandes, panier, articles, remboursements, impayés, remises ; ventilés, filtrés, comparés. Meilleurs clients du mardi : groupBy=customer, weekday=tuesday."
        ),
        input,
        output: schema::output::<SummaryOutput>,
        normalize: normalize_summary,
        args: crate::args::names::<SummaryArgs>,
    }]
}

pub(crate) async fn call(ctx: &Ctx<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: SummaryArgs = crate::args::parse(lang, ctx.args())?;
    let period = resolve_period(
        ctx,
        args.period.as_deref(),
        args.from.as_deref(),
        args.to.as_deref(),
    )?;
    let n_days = period.days().len();
    if n_days > MAX_DAYS {
        return Err(ToolError::Invalid(tr!(
            lang,
            "That period has {} days; a summary covers at most {} (about three years).",
            "Cette période compte {} jours ; une synthèse en couvre au plus {} (environ trois ans).",
            n_days,
            MAX_DAYS
        )));
    }
    let group = args.group_by.map_or(GroupBy::None, |g| g.0);
    let top = match args.top {
        Some(n) if n == 0 || n > MAX_TOP as u64 => {
            return Err(ToolError::Invalid(tr!(
                lang,
                "`top` must be between 1 and {}.",
                "`top` doit être entre 1 et {}.",
                MAX_TOP
            )));
        }
        Some(n) => Some(usize::try_from(n).unwrap_or(MAX_TOP)),
        None => None,
    };
    if top.is_some() && group == GroupBy::None {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`top` ranks groups: give `groupBy` too (e.g. customer or product).",
            "`top` classe des groupes : donnez aussi `groupBy` (par exemple customer ou product)."
        )));
    }
    let sort = args.sort_by.unwrap_or(if group.is_time() && top.is_none() {
        SortBy::Key
    } else {
        SortBy::Revenue
    });
    if let (Some(f), Some(t)) = (args.hour_from, args.hour_to)
        && f >= t
    {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`hourFrom` ({}) must be before `hourTo` ({}, excluded): 12 and 14 mean 12:00–13:59.",
            "`hourFrom` ({}) doit précéder `hourTo` ({}, exclue) : 12 et 14 veulent dire 12:00–13:59.",
            f,
            t
        )));
    }
    if args.hour_from.is_some_and(|h| h > 23) || args.hour_to.is_some_and(|h| h == 0 || h > 24) {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Hours are local: `hourFrom` 0–23, `hourTo` 1–24.",
            "Les heures sont locales : `hourFrom` 0–23, `hourTo` 1–24."
        )));
    }
    let shop = ctx.shop()?;

    let Narrowed {
        filters,
        described,
        fetched,
    } = filters::narrow(ctx, &shop, &args, group).await?;

    // The compared period, and every day to load.
    let now = ctx.now().to_zoned(ctx.tz().clone());
    let comparison = compared(
        lang,
        &period,
        args.comparison.unwrap_or(Comparison::None),
        &now,
    )?;
    let mut dates = period.days();
    if let Some(c) = &comparison {
        dates.extend(c.period.days());
    }
    dates.sort_unstable();
    dates.dedup();
    let per_line = group.per_line() || filters.product.is_some() || filters.department.is_some();
    let mut progress = Progress::new(ctx, 0);
    let loaded = loader::load(
        ctx,
        &shop,
        &dates,
        LoadOptions {
            lines: per_line,
            refresh: args.refresh.unwrap_or(false),
        },
        &mut progress,
    )
    .await?;
    let stats: SourceStats = loaded.stats;

    // Aggregate.
    let main_days = days_of(&loaded.days, &period);
    let main_refs: Vec<&DayFacts> = main_days.iter().map(|d| d.as_ref()).collect();
    let main = engine::aggregate(&main_refs, &with_bounds(&filters, &period), group);
    let before = comparison.as_ref().map(|c| {
        let days = days_of(&loaded.days, &c.period);
        let refs: Vec<&DayFacts> = days.iter().map(|d| d.as_ref()).collect();
        engine::aggregate(&refs, &with_bounds(&filters, &c.period), group)
    });

    // Groups.
    let groups = if group == GroupBy::None {
        None
    } else {
        let names = match group {
            GroupBy::User => users(ctx, &shop).await,
            GroupBy::Cashbox => cashboxes(ctx, &shop).await,
            _ => fetched.of(group),
        };
        Some(groups::rows(
            lang,
            RowsOf {
                group,
                period: &period,
                filters: &filters,
                main: &main,
                before: before.as_ref(),
                compared_start: comparison.as_ref().map(|c| c.period.from.date()),
                top,
                sort,
                names,
            },
        )?)
    };

    // The answer.
    let tz_name = ctx.tz().iana_name().unwrap_or("UTC").to_owned();
    let range = RangeOut::new(&period, lang);
    let mut text = tr!(
        lang,
        "Sales — {}, {}, {}",
        "Ventes — {}, {}, {}",
        period.label(lang),
        tz_name,
        i18n::counted(lang, main.total.orders, nouns::VALIDATED_ORDER)
    );
    if !described.is_empty() {
        text.push_str(&format!(" ({})", described.join(", ")));
    }
    text.push('\n');
    text.push_str(&figures_text(lang, &main.total));
    let comparison_out = match (&comparison, &before) {
        (Some(c), Some(b)) => {
            let ch = changes(&main.total, &b.total);
            text.push_str(&tr!(
                lang,
                "\nCompared with {} ({}, {}): {}",
                "\nComparé à {} ({}, {}) : {}",
                c.period.label(lang),
                c.description,
                i18n::counted(lang, b.total.orders, nouns::ORDER),
                changes_text(lang, &main.total, &b.total, &ch)
            ));
            Some(ComparisonOut {
                kind: match args.comparison {
                    Some(Comparison::PreviousPeriod) => ComparedWith::PreviousPeriod,
                    Some(Comparison::SamePeriodLastYear) => ComparedWith::SamePeriodLastYear,
                    _ => ComparedWith::PreviousWeek,
                },
                description: c.description.clone(),
                range: RangeOut::new(&c.period, lang),
                figures: figures(&b.total),
                change: ch,
            })
        }
        _ => None,
    };
    if let Some(g) = &groups {
        let head = if g.shown < g.count {
            tr!(
                lang,
                "\nBy {}: top {} of {} by {}, the rest as others",
                "\nPar {} : les {} premiers sur {} par {}, le reste en autres",
                group_name(group),
                g.shown,
                g.count,
                sort.name()
            )
        } else {
            tr!(
                lang,
                "\nBy {} ({}, by {})",
                "\nPar {} ({}, par {})",
                group_name(group),
                i18n::counted(lang, g.count, nouns::GROUP),
                sort.name()
            )
        };
        text.push_str(&head);
        text.push('\n');
        text.push_str(&table(lang, group, g, comparison_out.is_some()));
    }
    let rules_text = rules(lang, &tz_name, per_line);
    text.push_str(&tr!(lang, "\nRules: {}", "\nRègles : {}", rules_text));
    text.push_str(&tr!(
        lang,
        "\nSource: {} from the cache, {} fetched; {} to the POS.",
        "\nSource : {} du cache, {} lus dans la caisse ; {} à la caisse.",
        i18n::counted(lang, stats.cached_days, nouns::DAY),
        stats.fetched_days,
        i18n::counted(lang, stats.upstream_calls(), nouns::CALL)
    ));
    done(
        text,
        &SummaryOutput {
            range,
            filters: described,
            rules: rules_text,
            total: figures(&main.total),
            groups: groups
                .as_ref()
                .map(|g| GroupsOut::new(g, group.is_time(), comparison_out.is_some())),
            comparison: comparison_out,
            source: SourceOut {
                upstream_calls: stats.upstream_calls(),
                list_calls: stats.list_calls,
                detail_calls: stats.detail_calls,
                cached_days: stats.cached_days,
                fetched_days: stats.fetched_days,
            },
        },
    )
}
