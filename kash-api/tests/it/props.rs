//! Property tests: the sale-line encoder and the decimal formatting.

use kash_api::Decimal;
use kash_api::ids::{DepartmentId, ProductId, VariationChoiceId};
use kash_api::money::{decimal_from_f64, format_decimal};
use kash_api::sales::{CatalogLine, SaleLine};
use proptest::prelude::*;

fn decimal(max_scale: u32) -> impl Strategy<Value = Decimal> {
    (0i64..10_000_000, 0..=max_scale).prop_map(|(m, s)| Decimal::new(m, s))
}

fn positive(max_scale: u32) -> impl Strategy<Value = Decimal> {
    decimal(max_scale).prop_filter("positive", |d| *d > Decimal::ZERO)
}

/// Titles a user may type: letters with accents, digits, spaces and punctuation, but no `_`.
fn title() -> impl Strategy<Value = String> {
    "[A-Za-zÀ-ÿ0-9 '&().,!/-]{0,40}".prop_map(|s| s.trim().to_owned())
}

proptest! {
    #[test]
    fn formatted_decimals_read_back_exactly(d in decimal(8), neg in any::<bool>()) {
        let d = if neg { -d } else { d };
        let s = format_decimal(d);
        prop_assert!(!s.contains('e') && !s.contains('E') && !s.contains(','));
        prop_assert!(!(s.contains('.') && s.ends_with('0')), "trailing zero in {}", s);
        prop_assert!(!s.ends_with('.'));
        prop_assert_eq!(s.parse::<Decimal>().unwrap(), d);
        if d.is_zero() {
            prop_assert_eq!(s, "0");
        }
    }

    #[test]
    fn cents_from_floats_have_no_noise(cents in 0i64..100_000_000) {
        let f = cents as f64 / 100.0;
        let d = decimal_from_f64(f, "price").unwrap();
        prop_assert_eq!(d, Decimal::new(cents, 2));
        let s = format_decimal(d);
        prop_assert!(s.split('.').nth(1).map_or(0, str::len) <= 2, "{}", s);
    }

    #[test]
    fn sums_of_cents_stay_exact(a in 0i64..1_000_000, b in 0i64..1_000_000) {
        let sum = Decimal::new(a, 2) + Decimal::new(b, 2);
        prop_assert_eq!(format_decimal(sum).parse::<Decimal>().unwrap(), Decimal::new(a + b, 2));
    }

    #[test]
    fn catalog_lines_round_trip_through_the_grammar(
        product in 1u64..1_000_000_000,
        qty in positive(3),
        title in title(),
        price in proptest::option::of(decimal(4)),
        vars in proptest::collection::vec(1u64..100_000, 0..=5),
    ) {
        let mut line = CatalogLine::new(ProductId(product), qty);
        if !title.is_empty() {
            line = line.title(title.clone());
        }
        if let Some(p) = price {
            line = line.price(p);
        }
        for v in &vars {
            line = line.variation(VariationChoiceId(*v));
        }
        let encoded = SaleLine::Catalog(line).encode(1).unwrap();
        let fields: Vec<&str> = encoded.split('_').collect();
        prop_assert_eq!(fields[0].parse::<u64>().unwrap(), product);
        prop_assert_eq!(fields[1].parse::<Decimal>().unwrap(), qty);
        let long = !title.is_empty() || price.is_some() || !vars.is_empty();
        if long {
            prop_assert_eq!(fields.len(), 4 + vars.len());
            prop_assert_eq!(fields[2], title.as_str());
            match price {
                Some(p) => prop_assert_eq!(fields[3].parse::<Decimal>().unwrap(), p),
                None => prop_assert_eq!(fields[3], ""),
            }
            let got: Vec<u64> = fields[4..].iter().map(|v| v.parse().unwrap()).collect();
            prop_assert_eq!(got, vars);
        } else {
            prop_assert_eq!(fields.len(), 2);
        }
    }

    #[test]
    fn department_and_free_lines_round_trip(
        dept in 1u64..10_000,
        price in decimal(2),
        title in "[A-Za-zÀ-ÿ0-9 -]{1,30}".prop_filter("non-blank", |t| !t.trim().is_empty()),
    ) {
        let t = title.trim().to_owned();
        let d = SaleLine::department(DepartmentId(dept), price, t.clone()).encode(1).unwrap();
        prop_assert_eq!(d, format!("-{dept}_{}_{t}", format_decimal(price)));
        let f = SaleLine::free(price, t.clone()).encode(1).unwrap();
        let fields: Vec<&str> = f.splitn(3, '_').collect();
        prop_assert_eq!(fields[0], "Free");
        prop_assert_eq!(fields[1].parse::<Decimal>().unwrap(), price);
        prop_assert_eq!(fields[2], t.as_str());
    }

    #[test]
    fn any_underscore_in_a_title_is_refused(prefix in title(), suffix in title()) {
        let t = format!("{prefix}_{suffix}");
        let line = SaleLine::Catalog(CatalogLine::new(ProductId(1), 1).title(t.clone()));
        prop_assert!(line.encode(1).is_err());
        prop_assert!(SaleLine::free(Decimal::ONE, t.clone()).encode(1).is_err());
        prop_assert!(SaleLine::department(DepartmentId(1), Decimal::ONE, t).encode(1).is_err());
    }

    #[test]
    fn never_more_than_five_variations(n in 6usize..20) {
        let mut line = CatalogLine::new(ProductId(1), 1);
        for i in 0..n {
            line = line.variation(VariationChoiceId(i as u64 + 1));
        }
        prop_assert!(SaleLine::Catalog(line).encode(1).is_err());
    }
}
