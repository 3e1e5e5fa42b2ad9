//! The filters of a summary (delivery methods, weekdays, hours, a customer, a product, a
//! department, a payment mode), with names resolved by the one rule, and said in words.

use super::groups::resolve_ref;
use super::{
    Filters, GroupBy, Many, Named, Ref, SummaryArgs, customers, departments, payment_modes,
    products,
};
use crate::tools::{Ctx, ToolResult};
use crate::views::delivery_method_label;
use crate::{Shop, i18n, search, tr};
/// A summary's filters, their description, and the names its groups need.
pub(super) struct Narrowed {
    pub(super) filters: Filters,
    /// Each filter in words, for the answer.
    pub(super) described: Vec<String>,
    /// The names fetched to resolve the filters or for the grouping.
    pub(super) fetched: Fetched,
}

/// The lists of names a summary fetched for its filters or its grouping.
pub(super) struct Fetched {
    customers: Option<Vec<Named>>,
    products: Option<Vec<Named>>,
    departments: Option<Vec<Named>>,
    modes: Option<Vec<Named>>,
}

impl Fetched {
    /// The names of `group`'s rows, when they are among the lists fetched.
    pub(super) fn of(self, group: GroupBy) -> Option<Vec<Named>> {
        match group {
            GroupBy::Customer => self.customers,
            GroupBy::Product => self.products,
            GroupBy::Department => self.departments,
            GroupBy::PaymentMode => self.modes,
            _ => None,
        }
    }
}

/// Resolves the filters of `args` (grouped by `group`) against the shop.
pub(super) async fn narrow(
    ctx: &Ctx<'_>,
    shop: &Shop,
    args: &SummaryArgs,
    group: GroupBy,
) -> ToolResult<Narrowed> {
    let lang = ctx.lang;
    let mut filters = Filters::default();
    let mut described: Vec<String> = Vec::new();
    if let Some(Many(methods)) = &args.delivery_method {
        for m in methods {
            let code = u8::try_from(m.0.code()).unwrap_or(255);
            if !filters.delivery.contains(&code) {
                filters.delivery.push(code);
            }
        }
        described.push(
            methods
                .iter()
                .map(|m| delivery_method_label(lang, m.0.name()))
                .collect::<Vec<_>>()
                .join(lang.pick(" or ", " ou ")),
        );
    }
    if let Some(Many(days)) = &args.weekday {
        for d in days {
            if !filters.weekdays.contains(&d.0) {
                filters.weekdays.push(d.0);
            }
        }
        filters.weekdays.sort_unstable();
        described.push(
            filters
                .weekdays
                .iter()
                .map(|d| i18n::weekday_long(lang, *d))
                .collect::<Vec<_>>()
                .join(lang.pick(" or ", " ou ")),
        );
    }
    filters.hour_from = args.hour_from.and_then(|h| u8::try_from(h).ok());
    filters.hour_to = args.hour_to.and_then(|h| u8::try_from(h).ok());
    if args.hour_from.is_some() || args.hour_to.is_some() {
        described.push(format!(
            "{:02}:00–{:02}:00",
            args.hour_from.unwrap_or(0),
            args.hour_to.unwrap_or(24)
        ));
    }
    let wanted = |given: bool, g: GroupBy| given || group == g;
    let customer_list = if wanted(args.customer.is_some(), GroupBy::Customer) {
        customers(ctx, shop).await
    } else {
        None
    };
    let product_list = if wanted(args.product.is_some(), GroupBy::Product) {
        products(ctx, shop).await
    } else {
        None
    };
    let department_list = if wanted(args.department.is_some(), GroupBy::Department) {
        departments(ctx, shop).await
    } else {
        None
    };
    let mode_list = if wanted(args.payment_mode.is_some(), GroupBy::PaymentMode) {
        payment_modes(ctx, shop).await
    } else {
        None
    };
    if let Some(r) = &args.customer {
        let (id, label) = resolve_ref(
            ctx,
            r,
            ("customer", "client"),
            "customer",
            customer_list.as_deref(),
        )
        .await?;
        filters.customer = Some(id);
        described.push(tr!(lang, "customer {} (#{})", "client {} (#{})", label, id));
    }
    if let Some(r) = &args.product {
        let (id, label) = resolve_ref(
            ctx,
            r,
            ("product", "article"),
            "product",
            product_list.as_deref(),
        )
        .await?;
        filters.product = Some(id);
        described.push(tr!(lang, "product {} (#{})", "article {} (#{})", label, id));
    }
    if let Some(r) = &args.department {
        let (id, label) = resolve_ref(
            ctx,
            r,
            ("department", "rayon"),
            "department",
            department_list.as_deref(),
        )
        .await?;
        filters.department = Some(id);
        described.push(tr!(
            lang,
            "department {} (#{})",
            "rayon {} (#{})",
            label,
            id
        ));
    }
    if let Some(r) = &args.payment_mode {
        let unpaid = matches!(r, Ref::Name(n) if matches!(search::normalize(n).as_str(), "unpaid" | "non paye" | "impaye" | "impayee" | "not paid"));
        if unpaid {
            filters.payment_mode = Some(0);
            described.push(lang.pick("unpaid", "non payées").to_owned());
        } else {
            let (id, label) = resolve_ref(
                ctx,
                r,
                ("payment mode", "mode de paiement"),
                "paymentMode",
                mode_list.as_deref(),
            )
            .await?;
            filters.payment_mode = Some(id);
            described.push(tr!(
                lang,
                "paid by {} (#{})",
                "payées par {} (#{})",
                label,
                id
            ));
        }
    }

    let fetched = Fetched {
        customers: customer_list,
        products: product_list,
        departments: department_list,
        modes: mode_list,
    };
    Ok(Narrowed {
        filters,
        described,
        fetched,
    })
}
