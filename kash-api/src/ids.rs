//! Typed identifiers. The POS numbers everything with positive integers; on the wire they may be
//! numbers or strings, and `0` (or `""`) in an optional reference means "none".

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::de::Scalar;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u64);

        impl $name {
            /// The numeric value.
            pub fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl From<u64> for $name {
            fn from(v: u64) -> Self {
                Self(v)
            }
        }

        impl From<$name> for u64 {
            fn from(v: $name) -> Self {
                v.0
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map(Self)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u64(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            /// Accepts `12` and `"12"`.
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <crate::de::LenientRequired as serde_with::DeserializeAs<'de, u64>>::deserialize_as(d).map(Self)
            }
        }

        impl Scalar for $name {
            const EXPECTING: &'static str = "a numeric id";
            fn from_text(s: &str) -> Option<Self> {
                u64::from_text(s).map(Self)
            }
            fn from_i128(n: i128) -> Option<Self> {
                u64::try_from(n).ok().map(Self)
            }
            fn from_f64(n: f64) -> Option<Self> {
                u64::from_f64(n).map(Self)
            }
            fn is_none_marker(&self) -> bool {
                self.0 == 0
            }
            fn serialize_clean<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u64(self.0)
            }
        }
    )*};
}

ids! {
    /// A catalogue article ("PLU").
    ProductId;
    /// A department ("rayon").
    DepartmentId;
    /// A group of departments.
    DepartmentGroupId;
    /// A customer ("client").
    CustomerId;
    /// A variation ("déclinaison", e.g. "Size").
    VariationId;
    /// A choice of a variation (e.g. "Large"); the ids a sale line carries.
    VariationChoiceId;
    /// A delivery person ("livreur").
    DeliveryManId;
    /// A payment mode (cash, card…); also the `payment` value of a paid sale.
    PaymentModeId;
    /// A cash register ("caisse").
    CashboxId;
    /// A delivery zone.
    DeliveryZoneId;
    /// A relay / pick-up point.
    RelayPointId;
    /// A discount.
    DiscountId;
    /// A user of the POS (cashier, manager).
    UserId;
    /// A restaurant table.
    TableId;
    /// An order (sale, invoice or quote).
    OrderId;
    /// A VAT rate.
    VatRateId;
}
