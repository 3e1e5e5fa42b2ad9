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
