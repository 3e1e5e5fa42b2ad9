//! Reading tool arguments: strict about unknown names (a silently ignored argument could be a
//! lost instruction), lenient about numbers sent as strings.

use rmcp::model::JsonObject;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ToolError;
use crate::i18n::Lang;
use crate::tr;

/// Decodes a tool's arguments, naming the failing argument when they do not fit.
pub fn parse<T: DeserializeOwned>(lang: Lang, args: Option<&JsonObject>) -> Result<T, ToolError> {
    let value = Value::Object(args.cloned().unwrap_or_default());
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner().to_string();
        if path == "." {
            ToolError::Invalid(tr!(
                lang,
                "Invalid arguments: {}.",
                "Arguments invalides : {}.",
                inner
            ))
        } else {
            ToolError::Invalid(tr!(
                lang,
                "Invalid argument `{}`: {}.",
                "Argument `{}` invalide : {}.",
                path,
                inner
            ))
        }
    })
}

/// The argument names a struct's `Deserialize` reads (its fields as serde names them, with
/// their aliases): checked against the tool's published schema by a test.
pub fn names<T: DeserializeOwned>() -> Vec<&'static str> {
    let mut found = Vec::new();
    let _ = T::deserialize(FieldNames(&mut found));
    found
}

/// A deserializer that only learns the fields a struct asks for.
struct FieldNames<'a>(&'a mut Vec<&'static str>);

/// The end of [`FieldNames`]: there is never a value.
#[derive(Debug)]
struct NoValue;

impl std::fmt::Display for NoValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field names only")
    }
}

impl std::error::Error for NoValue {}

impl serde::de::Error for NoValue {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Self
    }
}

impl<'de> serde::Deserializer<'de> for FieldNames<'_> {
    type Error = NoValue;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, NoValue> {
        Err(NoValue)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, NoValue> {
        self.0.extend_from_slice(fields);
        Err(NoValue)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct A {
        #[allow(dead_code)]
        limit: Option<u32>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct B {
        page_size: u32,
        #[serde(default)]
        customer_id: Option<u64>,
    }

    #[test]
    fn a_structs_argument_names_are_learnt_from_serde() {
        assert_eq!(names::<A>(), ["limit"]);
        assert_eq!(names::<B>(), ["pageSize", "customerId"]);
    }

    #[test]
    fn unknown_and_wrong_arguments_are_named() {
        let args: JsonObject = serde_json::from_str(r#"{"limt": 3}"#).unwrap();
        let err = parse::<A>(Lang::En, Some(&args)).unwrap_err().to_string();
        assert!(
            err.contains("unknown field `limt`") && err.contains("limit"),
            "{err}"
        );
        let args: JsonObject = serde_json::from_str(r#"{"limit": "x"}"#).unwrap();
        let err = parse::<A>(Lang::Fr, Some(&args)).unwrap_err().to_string();
        assert!(err.starts_with("Argument `limit` invalide"), "{err}");
    }
}
