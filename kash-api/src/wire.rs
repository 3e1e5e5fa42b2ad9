//! Declaring the records the POS sends, each lenient field on one line.

/// Declares a record the POS sends, with the attributes every such record carries.
///
/// `pub struct` declares a model: it derives `Debug, Clone, PartialEq, Deserialize,
/// Serialize`, names its fields in camelCase, is `#[non_exhaustive]`, leaves `None` fields out
/// when written, makes every field public, and ends with a field `extra` that keeps every
/// other field the POS sent (`#[serde(flatten)]`). `read struct` declares a private view that
/// is only decoded: `Deserialize`, camelCase, private fields, no `extra`.
///
/// Each field, after its doc comment, is one of:
/// - `name: Option<T> = ["alias", …],`: decoded with [`Lenient`](crate::de::Lenient),
///   `None` when missing (`#[serde(default)]`), also read under each alias (`= []` for none);
/// - `name: Vec<T> as "LenientList" = ["alias", …],`: the same through another `serde_as`
///   adapter of [`crate::de`];
/// - `#[serde(…)] name: T,`: any other field, its attributes written out (required ids,
///   renamed wire names, custom deserializers).
///
/// Fields keep their order, which is the order they are written in.
macro_rules! wire_record {
    // A model: every field public, `extra` last.
    ($(#[$attr:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        $crate::wire::wire_record! { @fields
            header [
                $(#[$attr])*
                #[serde_with::skip_serializing_none]
                #[serde_with::serde_as]
                #[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
                #[serde(rename_all = "camelCase")]
                #[non_exhaustive]
                pub struct $name
            ]
            vis [pub] done []
            tail [
                /// Every other field the POS sent.
                #[serde(flatten)]
                pub extra: serde_json::Map<String, serde_json::Value>,
            ]
            $($fields)*
        }
    };
    // A view that is only decoded: private fields, no `extra`.
    ($(#[$attr:meta])* read struct $name:ident { $($fields:tt)* }) => {
        $crate::wire::wire_record! { @fields
            header [
                $(#[$attr])*
                #[serde_with::serde_as]
                #[derive(serde::Deserialize)]
                #[serde(rename_all = "camelCase")]
                struct $name
            ]
            vis [] done [] tail []
            $($fields)*
        }
    };
    // Every field read: the struct.
    (@fields header [$($header:tt)*] vis $vis:tt done [$($done:tt)*] tail [$($tail:tt)*]) => {
        $($header)* { $($done)* $($tail)* }
    };
    // A lenient field through `Lenient`: the same with the adapter named.
    (@fields header $header:tt vis $vis:tt done $done:tt tail $tail:tt
        $(#[$fattr:meta])*
        $field:ident : $ty:ty = [$($alias:literal),* $(,)?],
        $($rest:tt)*
    ) => {
        $crate::wire::wire_record! { @fields header $header vis $vis done $done tail $tail
            $(#[$fattr])*
            $field: $ty as "crate::de::Lenient" = [$($alias),*],
            $($rest)*
        }
    };
    // A lenient field through a named adapter: its two attributes written out.
    (@fields header $header:tt vis $vis:tt done $done:tt tail $tail:tt
        $(#[$fattr:meta])*
        $field:ident : $ty:ty as $adapter:tt = [$($alias:literal),* $(,)?],
        $($rest:tt)*
    ) => {
        $crate::wire::wire_record! { @fields header $header vis $vis done $done tail $tail
            $(#[$fattr])*
            #[serde_as(as = $adapter)]
            #[serde(default $(, alias = $alias)*)]
            $field: $ty,
            $($rest)*
        }
    };
    // Any other field, as written.
    (@fields header $header:tt vis [$($vis:tt)*] done [$($done:tt)*] tail $tail:tt
        $(#[$fattr:meta])*
        $field:ident : $ty:ty,
        $($rest:tt)*
    ) => {
        $crate::wire::wire_record! { @fields header $header vis [$($vis)*]
            done [
                $($done)*
                $(#[$fattr])*
                $($vis)* $field: $ty,
            ]
            tail $tail
            $($rest)*
        }
    };
}
pub(crate) use wire_record;
