//! The catalogue, stock, customer, VAT and payment-mode writes.
//!
//! They share one wire shape, different from the rest of the API: `POST`, the shop id named
//! `shopID`, the record's fields as `data[<field>]=<value>`, an `id` for edits and deletes.
//! A field set ([`crate::products::ProductFields`], …) holds only the fields given: an update
//! sends exactly those and leaves the others as they are.

use std::fmt;
use std::marker::PhantomData;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{KashError, Result};
use crate::money::format_decimal;
use crate::request::{Endpoint, EndpointSpec, Params, RawResponse, Sealed, check_text};

/// A value that can be written as a `data[...]` field.
pub trait WireValue {
    /// Appends the field(s) for `value` under `data[<wire>]`. `name` is the Rust field name,
    /// for error messages.
    fn push(&self, wire: &'static str, name: &'static str, out: &mut Params) -> Result<()>;
}

fn data_key(wire: &str) -> String {
    format!("data[{wire}]")
}

impl WireValue for String {
    fn push(&self, wire: &'static str, name: &'static str, out: &mut Params) -> Result<()> {
        check_text(name, self)?;
        out.push(data_key(wire), self.trim().to_owned());
        Ok(())
    }
}

impl WireValue for Decimal {
    fn push(&self, wire: &'static str, _name: &'static str, out: &mut Params) -> Result<()> {
        out.push(data_key(wire), format_decimal(*self));
        Ok(())
    }
}

impl WireValue for bool {
    fn push(&self, wire: &'static str, _name: &'static str, out: &mut Params) -> Result<()> {
        out.push(data_key(wire), if *self { "1" } else { "0" });
        Ok(())
    }
}

impl WireValue for u32 {
    fn push(&self, wire: &'static str, _name: &'static str, out: &mut Params) -> Result<()> {
        out.push(data_key(wire), self.to_string());
        Ok(())
    }
}

impl WireValue for i64 {
    fn push(&self, wire: &'static str, _name: &'static str, out: &mut Params) -> Result<()> {
        out.push(data_key(wire), self.to_string());
        Ok(())
    }
}

impl WireValue for f64 {
    fn push(&self, wire: &'static str, name: &'static str, out: &mut Params) -> Result<()> {
        if !self.is_finite() {
            return Err(KashError::invalid(format!(
                "{name} must be a finite number"
            )));
        }
        out.push(data_key(wire), self.to_string());
        Ok(())
    }
}

impl WireValue for jiff::civil::Date {
    fn push(&self, wire: &'static str, _name: &'static str, out: &mut Params) -> Result<()> {
        out.push(data_key(wire), self.to_string());
        Ok(())
    }
}

/// Up to five variations, written as `data[<wire>0]` … `data[<wire>4]`. Setting the list
/// replaces the product's variations: the unused slots are sent as `0` (none).
impl WireValue for Vec<crate::ids::VariationId> {
    fn push(&self, wire: &'static str, name: &'static str, out: &mut Params) -> Result<()> {
        if self.len() > 5 {
            return Err(KashError::invalid(format!(
                "{name}: at most 5 variations, got {}; keep the 5 that matter",
                self.len()
            )));
        }
        for slot in 0..5 {
            let value = self.get(slot).map_or(0, |v| v.0);
            out.push(format!("data[{wire}{slot}]"), value.to_string());
        }
        Ok(())
    }
}

macro_rules! wire_id {
    ($($t:ty),*) => {$(
        impl WireValue for $t {
            fn push(&self, wire: &'static str, _name: &'static str, out: &mut Params) -> Result<()> {
                out.push(data_key(wire), self.0.to_string());
                Ok(())
            }
        }
    )*};
}
wire_id!(
    crate::ids::DepartmentId,
    crate::ids::DepartmentGroupId,
    crate::ids::VatRateId,
    crate::ids::DiscountId,
    crate::ids::VariationId,
    crate::ids::CashboxId
);

/// A set of record fields where each is optional and only the given ones are sent.
pub trait FieldSet: fmt::Debug + Clone + Send + Sync {
    /// Appends `data[...]` for every field that is set, in declaration order.
    ///
    /// # Errors
    /// [`KashError::InvalidInput`] for a value that cannot be sent (control characters, too
    /// many variations…).
    fn encode(&self, out: &mut Params) -> Result<()>;

    /// Whether no field is set.
    fn is_empty(&self) -> bool;
}

/// Declares a field set: the struct, a setter per field, and its [`FieldSet`] encoding.
macro_rules! field_set {
    (
        $(#[$doc:meta])*
        pub struct $name:ident {
            $( $(#[$fdoc:meta])* $field:ident : $ty:ty = $wire:literal, )*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[$fdoc])* #[doc = concat!("\n\nWire field: `data[", $wire, "]`.")] pub $field: Option<$ty>, )*
        }

        impl $name {
            /// No field set.
            pub fn new() -> Self {
                Self::default()
            }

            $(
                #[doc = concat!("Sets `", stringify!($field), "` (`data[", $wire, "]`).")]
                pub fn $field(mut self, value: impl Into<$ty>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }

        impl $crate::writes::FieldSet for $name {
            fn encode(&self, out: &mut $crate::request::Params) -> $crate::Result<()> {
                $(
                    if let Some(v) = &self.$field {
                        $crate::writes::WireValue::push(v, $wire, stringify!($field), out)?;
                    }
                )*
                Ok(())
            }

            fn is_empty(&self) -> bool {
                true $( && self.$field.is_none() )*
            }
        }
    };
}
pub(crate) use field_set;

/// A record the catalogue writes can create and delete.
pub trait Record: Send + Sync + 'static {
    /// What it is, in plain words ("product").
    const WHAT: &'static str;
    /// The create script (`addPlu.php`).
    const ADD: &'static str;
    /// The delete script (`delPlu.php`).
    const DELETE: &'static str;
    /// Its id type.
    type Id: Copy + fmt::Display + fmt::Debug + From<u64> + Serialize + Send + Sync;
    /// Its field set.
    type Fields: FieldSet;

    /// Checks the fields of a creation (required fields present, values in range).
    ///
    /// # Errors
    /// [`KashError::InvalidInput`] naming what to change.
    fn validate_create(fields: &Self::Fields) -> Result<()>;

    /// Checks the fields of an update (values in range).
    ///
    /// # Errors
    /// [`KashError::InvalidInput`] naming what to change.
    fn validate_update(fields: &Self::Fields) -> Result<()> {
        let _ = fields;
        Ok(())
    }
}

/// A record that can also be edited.
pub trait Editable: Record {
    /// The edit script (`editPlu.php`).
    const EDIT: &'static str;
}

/// The answer to a creation: the new record's id, when the POS returned it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Created<Id> {
    /// The id of the new record. `None` if the POS confirmed without giving it.
    pub id: Option<Id>,
    /// Every other field of the answer.
    pub extra: Map<String, Value>,
}

/// The answer to an edit or a deletion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WriteAck {
    /// The POS's confirmation message, if any.
    pub message: Option<String>,
    /// Every other field of the answer.
    pub extra: Map<String, Value>,
}

/// Reads the answer of a write: JSON with an optional id, or plain `OK`/`1`/an id as text.
/// What a write answered: the new id, a message, the other fields.
type WriteAnswer = (Option<u64>, Option<String>, Map<String, Value>);

fn decode_write(response: &RawResponse) -> Result<WriteAnswer> {
    let text = String::from_utf8_lossy(&response.body);
    let bare = text.trim().trim_matches('"');
    if matches!(
        bare.to_ascii_lowercase().as_str(),
        "ok" | "1" | "true" | "success"
    ) {
        return Ok((None, None, Map::new()));
    }
    if let Ok(n) = bare.parse::<u64>() {
        return Ok((Some(n), None, Map::new()));
    }
    let value = response.json_value()?;
    let mut map = match value {
        Value::Object(m) => m,
        Value::Number(n) => return Ok((n.as_u64(), None, Map::new())),
        other => {
            let mut m = Map::new();
            m.insert("answer".to_owned(), other);
            m
        }
    };
    let id = [
        "id",
        "ID",
        "Id",
        "insertId",
        "insert_id",
        "newId",
        "new_id",
        "lastId",
    ]
    .into_iter()
    .find_map(|k| {
        map.get(k).and_then(|v| match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
    })
    .filter(|id| *id > 0);
    let message = ["message", "msg"]
        .into_iter()
        .find_map(|k| map.get(k).and_then(Value::as_str).map(str::to_owned));
    map.remove("result");
    Ok((id, message, map))
}

/// Creates a record of type `R`.
pub struct Create<R: Record> {
    fields: R::Fields,
    _r: PhantomData<fn() -> R>,
}

impl<R: Record> Create<R> {
    /// The request, with the record's fields.
    pub fn new(fields: R::Fields) -> Self {
        Self {
            fields,
            _r: PhantomData,
        }
    }

    /// The fields that will be sent.
    pub fn fields(&self) -> &R::Fields {
        &self.fields
    }
}

impl<R: Record> fmt::Debug for Create<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Create")
            .field("script", &R::ADD)
            .field("fields", &self.fields)
            .finish()
    }
}

impl<R: Record> Sealed for Create<R> {}

impl<R: Record> Endpoint for Create<R> {
    type Output = Created<R::Id>;

    fn spec(&self) -> EndpointSpec {
        EndpointSpec::data_write(R::ADD)
    }

    fn params(&self) -> Result<Params> {
        R::validate_create(&self.fields)?;
        let mut p = Params::new();
        self.fields.encode(&mut p)?;
        Ok(p)
    }

    fn decode(&self, response: RawResponse) -> Result<Self::Output> {
        let (id, _, extra) = decode_write(&response)?;
        Ok(Created {
            id: id.map(R::Id::from),
            extra,
        })
    }
}

/// Edits a record of type `R`: sends only the fields that are set.
pub struct Update<R: Editable> {
    id: R::Id,
    fields: R::Fields,
}

impl<R: Editable> Update<R> {
    /// The request: which record, and the fields to change.
    pub fn new(id: R::Id, fields: R::Fields) -> Self {
        Self { id, fields }
    }
}

impl<R: Editable> fmt::Debug for Update<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Update")
            .field("script", &R::EDIT)
            .field("id", &self.id)
            .field("fields", &self.fields)
            .finish()
    }
}

impl<R: Editable> Sealed for Update<R> {}

impl<R: Editable> Endpoint for Update<R> {
    type Output = WriteAck;

    fn spec(&self) -> EndpointSpec {
        EndpointSpec::data_write(R::EDIT)
    }

    fn params(&self) -> Result<Params> {
        if self.fields.is_empty() {
            return Err(KashError::invalid(format!(
                "nothing to change on {} {}: give at least one field",
                R::WHAT,
                self.id
            )));
        }
        R::validate_update(&self.fields)?;
        let mut p = id_params(self.id);
        self.fields.encode(&mut p)?;
        Ok(p)
    }

    fn decode(&self, response: RawResponse) -> Result<Self::Output> {
        write_ack(&response)
    }
}

/// Deletes a record of type `R`.
pub struct Delete<R: Record> {
    id: R::Id,
}

impl<R: Record> Delete<R> {
    /// The request.
    pub fn new(id: R::Id) -> Self {
        Self { id }
    }
}

impl<R: Record> fmt::Debug for Delete<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delete")
            .field("script", &R::DELETE)
            .field("id", &self.id)
            .finish()
    }
}

impl<R: Record> Sealed for Delete<R> {}

impl<R: Record> Endpoint for Delete<R> {
    type Output = WriteAck;

    fn spec(&self) -> EndpointSpec {
        EndpointSpec::data_write(R::DELETE)
    }

    fn params(&self) -> Result<Params> {
        Ok(id_params(self.id))
    }

    fn decode(&self, response: RawResponse) -> Result<Self::Output> {
        write_ack(&response)
    }
}

/// The parameters that name the record an edit or a delete is about.
fn id_params(id: impl fmt::Display) -> Params {
    let mut p = Params::new();
    p.push("id", id.to_string());
    p
}

/// What the POS said to an edit or a delete.
fn write_ack(response: &RawResponse) -> Result<WriteAck> {
    let (_, message, extra) = decode_write(response)?;
    Ok(WriteAck { message, extra })
}

/// Requires a non-empty text field on creation.
pub(crate) fn require_text(what: &str, name: &str, value: Option<&String>) -> Result<()> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(()),
        _ => Err(KashError::invalid(format!("a new {what} needs a {name}"))),
    }
}

/// Refuses a negative amount.
pub(crate) fn non_negative(name: &str, value: Option<&Decimal>) -> Result<()> {
    match value {
        Some(v) if v.is_sign_negative() && !v.is_zero() => Err(KashError::invalid(format!(
            "{name} cannot be negative (got {})",
            format_decimal(*v)
        ))),
        _ => Ok(()),
    }
}

/// Declares a record and its `KashClient` methods.
macro_rules! record {
    (
        $(#[$doc:meta])* record $rec:ident { what: $what:literal, id: $id:ty, fields: $fields:ty,
            validate: $validate:path, add: $add:literal, delete: $del:literal $(, edit: $edit:literal)? }
        aliases $create_alias:ident, $delete_alias:ident $(, $update_alias:ident)?;
        fn $create_fn:ident, $delete_fn:ident $(, $update_fn:ident)?;
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $rec;

        impl $crate::writes::Record for $rec {
            const WHAT: &'static str = $what;
            const ADD: &'static str = $add;
            const DELETE: &'static str = $del;
            type Id = $id;
            type Fields = $fields;

            fn validate_create(fields: &Self::Fields) -> $crate::Result<()> {
                $validate(fields, true)
            }

            fn validate_update(fields: &Self::Fields) -> $crate::Result<()> {
                $validate(fields, false)
            }
        }

        $(
            impl $crate::writes::Editable for $rec {
                const EDIT: &'static str = $edit;
            }
        )?

        #[doc = concat!("Request: create a ", $what, " (`", $add, "`).")]
        pub type $create_alias = $crate::writes::Create<$rec>;
        #[doc = concat!("Request: delete a ", $what, " (`", $del, "`).")]
        pub type $delete_alias = $crate::writes::Delete<$rec>;
        $(
            #[doc = concat!("Request: edit a ", $what, " (`", $edit, "`).")]
            pub type $update_alias = $crate::writes::Update<$rec>;
        )?

        impl $crate::KashClient {
            #[doc = concat!("`", $add, "` — creates a ", $what, ".")]
            ///
            /// # Errors
            /// [`crate::KashError::InvalidInput`] before sending when a required field is
            /// missing or a value cannot be sent; transport, API and decode errors otherwise.
            /// Never retried.
            pub async fn $create_fn(
                &self,
                fields: $fields,
            ) -> $crate::Result<$crate::writes::Created<$id>> {
                self.send(&$create_alias::new(fields)).await
            }

            $(
                #[doc = concat!("`", $edit, "` — changes the given fields of a ", $what, ", and only those.")]
                ///
                /// # Errors
                /// [`crate::KashError::InvalidInput`] when no field is set or a value cannot be
                /// sent; transport, API and decode errors otherwise. Never retried.
                pub async fn $update_fn(
                    &self,
                    id: $id,
                    fields: $fields,
                ) -> $crate::Result<$crate::writes::WriteAck> {
                    self.send(&$update_alias::new(id, fields)).await
                }
            )?

            #[doc = concat!("`", $del, "` — deletes a ", $what, ".")]
            ///
            /// # Errors
            /// Transport, API and decode errors. Never retried.
            pub async fn $delete_fn(&self, id: $id) -> $crate::Result<$crate::writes::WriteAck> {
                self.send(&$delete_alias::new(id)).await
            }
        }
    };
}
pub(crate) use record;
