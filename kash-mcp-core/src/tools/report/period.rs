//! Several days: one compact report computed from the days' orders, with each day's report as a link.

use jiff::civil::Date;
use kash_api::Decimal;
use kash_api::orders::DeliveryMethod;
use kash_api::reports::ReportFormat;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock};

use super::links::{extension, link, report_uri};
use super::{DayOut, PartOut, ReportOutput, Source};
use crate::analytics::engine::{self, Acc, Filters, GroupBy, Key, day_number};
use crate::analytics::facts::DayFacts;
use crate::analytics::loader::{self, LoadOptions, Progress};
use crate::analytics::{days_of, with_bounds};
use crate::error::ToolResult;
use crate::i18n::{self};
use crate::period::Period;
use crate::shop::Shop;
use crate::tools::Ctx;
use crate::tools::common::figures::{figures, figures_text, money};
use crate::tools::common::names::{label_of, payment_modes, products};
use crate::tools::common::period::RangeOut;
use crate::tr;
use crate::views::{Num, delivery_method_label};

/// Articles shown in a period report.
pub(super) const TOP_ARTICLES: usize = 10;

/// Several days: a compact report of the period computed from its orders (the same rules as
/// sales_summary), and each day's POS report as a link, read only when wanted.
pub(super) async fn many_days(
    ctx: &Ctx<'_>,
    shop: &Shop,
    period: &Period,
    days: &[Date],
    format: ReportFormat,
) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let mut progress = Progress::new(ctx, 0);
    let loaded = loader::load(
        ctx,
        shop,
        days,
        LoadOptions {
            lines: true,
            refresh: false,
        },
        &mut progress,
    )
    .await?;
    let in_period = days_of(&loaded.days, period);
    let refs: Vec<&DayFacts> = in_period.iter().map(|d| d.as_ref()).collect();
    let filters = with_bounds(&Filters::default(), period);
    let by_day = engine::aggregate(&refs, &filters, GroupBy::Day);
    let by_mode = engine::aggregate(&refs, &filters, GroupBy::PaymentMode);
    let by_method = engine::aggregate(&refs, &filters, GroupBy::DeliveryMethod);
    let by_product = engine::aggregate(&refs, &filters, GroupBy::Product);
    let total = &by_day.total;
    let modes = payment_modes(ctx, shop).await;
    let products = products(ctx, shop).await;

    let part = |label: String, acc: &Acc| PartOut {
        label,
        revenue: money(acc.revenue),
        orders: acc.orders,
        items: (acc.items_unknown == 0 && acc.items_milli != 0)
            .then(|| Num(Decimal::new(acc.items_milli, 3).normalize())),
    };
    let mut payments: Vec<PartOut> = sorted(&by_mode.groups)
        .into_iter()
        .map(|(k, acc)| {
            let label = match k {
                0 => lang.pick("Unpaid", "Non payé").to_owned(),
                -1 => lang.pick("Mode unknown", "Mode inconnu").to_owned(),
                k => u64::try_from(k)
                    .ok()
                    .and_then(|id| label_of(modes.as_deref(), id))
                    .unwrap_or_else(|| format!("#{k}")),
            };
            part(label, acc)
        })
        .collect();
    payments.truncate(20);
    let delivery_methods: Vec<PartOut> = sorted(&by_method.groups)
        .into_iter()
        .map(|(k, acc)| {
            let name = if k == 255 {
                "unknown"
            } else {
                DeliveryMethod::from_code(k).name()
            };
            part(delivery_method_label(lang, name).to_owned(), acc)
        })
        .collect();
    let top_articles: Vec<PartOut> = sorted(&by_product.groups)
        .into_iter()
        .filter(|(k, _)| *k != 0)
        .take(TOP_ARTICLES)
        .map(|(k, acc)| {
            let label = u64::try_from(k)
                .ok()
                .and_then(|id| label_of(products.as_deref(), id))
                .unwrap_or_else(|| format!("#{k}"));
            part(label, acc)
        })
        .collect();

    let mime = format.default_mime();
    let day_outs: Vec<DayOut> = days
        .iter()
        .map(|d| {
            let acc = by_day.groups.get(&day_number(&d.to_string()));
            DayOut {
                date: d.to_string(),
                uri: report_uri(*d, format),
                mime_type: mime.to_owned(),
                bytes: None,
                revenue: Some(money(acc.map_or(0, |a| a.revenue))),
                orders: Some(acc.map_or(0, |a| a.orders)),
            }
        })
        .collect();

    // The text: the period's figures, its shares, a line a day, the links.
    let mut text = tr!(
        lang,
        "Sales report — {}, {}, {} (computed from the POS's orders, the rules of sales_summary)",
        "Rapport des ventes — {}, {}, {} (calculé à partir des commandes de la caisse, règles de sales_summary)",
        period.label(lang),
        ctx.tz().iana_name().unwrap_or("UTC"),
        i18n::counted(lang, total.orders, i18n::nouns::VALIDATED_ORDER)
    );
    text.push('\n');
    text.push_str(&figures_text(lang, total));
    let shares = |title: &str, parts: &[PartOut]| {
        let items: Vec<String> = parts
            .iter()
            .map(|p| {
                format!(
                    "{} {} ({})",
                    p.label,
                    i18n::money(lang, p.revenue.0),
                    p.orders
                )
            })
            .collect();
        format!("\n{title}: {}", items.join(" · "))
    };
    text.push_str(&shares(lang.pick("Payments", "Paiements"), &payments));
    text.push_str(&shares(
        lang.pick("Delivery methods", "Modes de vente"),
        &delivery_methods,
    ));
    let top: Vec<String> = top_articles
        .iter()
        .map(|p| {
            format!(
                "{} ×{} {}",
                p.label,
                p.items
                    .as_ref()
                    .map_or_else(|| "?".to_owned(), |q| i18n::quantity(lang, q.0)),
                i18n::money(lang, p.revenue.0)
            )
        })
        .collect();
    text.push_str(&tr!(
        lang,
        "\nTop articles: {}",
        "\nMeilleurs articles : {}",
        top.join(" · ")
    ));
    text.push_str(lang.pick("\nBy day:", "\nPar jour :"));
    for d in &day_outs {
        let day: Date = d.date.parse().unwrap_or_default();
        text.push_str(&format!(
            "\n{} — {} ({})",
            i18n::date(lang, day),
            d.revenue
                .as_ref()
                .map_or_else(String::new, |r| i18n::money(lang, r.0)),
            i18n::counted(lang, d.orders.unwrap_or(0), i18n::nouns::ORDER)
        ));
    }
    text.push_str(&tr!(
        lang,
        "\nEach day's own POS report ({}) is linked below (kash://reports/<date>.{}); a client reads one with resources/read when it is wanted.",
        "\nLe rapport de caisse de chaque jour ({}) est en lien ci-dessous (kash://reports/<date>.{}) ; un client en lit un avec resources/read quand il le faut.",
        format,
        extension(format)
    ));
    let mut content = vec![ContentBlock::text(text)];
    content.extend(days.iter().map(|d| link(lang, *d, format, mime, None)));
    let structured = ReportOutput {
        format: format.to_string(),
        range: RangeOut::new(period, lang),
        source: Source::Orders,
        in_text: false,
        days: day_outs,
        total: Some(figures(total)),
        payments,
        delivery_methods,
        top_articles,
    };
    let mut result = CallToolResult::success(content);
    result.structured_content = serde_json::to_value(&structured).ok();
    Ok(result.into())
}

/// Groups by revenue, highest first.
pub(super) fn sorted(groups: &std::collections::HashMap<Key, Acc>) -> Vec<(Key, &Acc)> {
    let mut v: Vec<(Key, &Acc)> = groups.iter().map(|(k, a)| (*k, a)).collect();
    v.sort_by(|a, b| b.1.revenue.cmp(&a.1.revenue).then(a.0.cmp(&b.0)));
    v
}
