//! Every tool call's arguments are held to the tool's published input schema before anything
//! runs: one validator per tool, compiled the first time the tool is called.
//!
//! Three steps, in order:
//! 1. the tool's own normalisation maps the old server's argument names and the documented
//!    synonyms to the published names and values (never inventing a value from junk: `"yes"`
//!    does not become `true`);
//! 2. [`coerce_numbers`]: a numeric string where the schema wants a number becomes that number
//!    (clients stringify numbers; the guide says so);
//! 3. [`ArgsValidator::check`]: the JSON Schema, with formats; the first few violations become
//!    one message that names each field and its rule, in the caller's language, without
//!    echoing the offending value.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{Draft, JsonType, Validator};
use rmcp::model::JsonObject;
use serde_json::{Map, Value};

use crate::error::ToolError;
use crate::i18n::{Lang, Noun, counted};
use crate::{noun, tr};

const CHARACTER: Noun = noun!("character", "characters", "caractère", "caractères");
const ELEMENT: Noun = noun!("item", "items", "élément", "éléments");
const FIELD: Noun = noun!("field", "fields", "champ", "champs");

/// Violations shown in one message.
const MAX_SHOWN: usize = 3;

/// A compiled input schema.
#[derive(Debug)]
pub(crate) struct ArgsValidator {
    validator: Validator,
    schema: Value,
}

impl ArgsValidator {
    /// Compiles `schema` (draft 2020-12, formats checked).
    pub fn new(schema: &JsonObject) -> Result<Self, String> {
        let schema = Value::Object(schema.clone());
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| e.to_string())?;
        Ok(Self { validator, schema })
    }

    /// Coerces numeric strings, then validates.
    ///
    /// # Errors
    /// [`ToolError::Invalid`] naming the fields and the rules they break.
    pub fn check(&self, lang: Lang, args: &mut JsonObject) -> Result<(), ToolError> {
        coerce_numbers(&self.schema, args);
        let instance = Value::Object(std::mem::take(args));
        let messages: Vec<String> = self
            .validator
            .iter_errors(&instance)
            .map(|e| describe(lang, &self.schema, e.instance_path().iter(), e.kind()))
            .fold(Vec::new(), |mut acc, m| {
                if !acc.contains(&m) {
                    acc.push(m);
                }
                acc
            });
        if let Value::Object(m) = instance {
            *args = m;
        }
        if messages.is_empty() {
            return Ok(());
        }
        let total = messages.len();
        let mut text = messages
            .into_iter()
            .take(MAX_SHOWN)
            .collect::<Vec<_>>()
            .join(" ");
        if total > MAX_SHOWN {
            text.push_str(&tr!(
                lang,
                " ({} more problems.)",
                " ({} autres problèmes.)",
                total - MAX_SHOWN
            ));
        }
        Err(ToolError::Invalid(tr!(
            lang,
            "Invalid arguments, nothing was done: {}",
            "Arguments invalides, rien n'a été fait : {}",
            text
        )))
    }
}

/// The types a schema (or one of its `anyOf` branches) allows.
fn types_of(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
            .map(|alts| alts.iter().flat_map(types_of).collect())
            .unwrap_or_default(),
    }
}

/// Replaces numeric strings by numbers where the schema wants a number and not a string.
pub(crate) fn coerce_numbers(schema: &Value, args: &mut Map<String, Value>) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, value) in args.iter_mut() {
        if let Some(prop) = props.get(name) {
            coerce_value(prop, value);
        }
    }
}

fn coerce_value(schema: &Value, value: &mut Value) {
    let types = types_of(schema);
    match value {
        Value::String(s) if !types.contains(&"string") => {
            let t = s.trim();
            if types.contains(&"integer")
                && let Ok(n) = t.parse::<i64>()
            {
                *value = Value::from(n);
            } else if types.contains(&"number")
                && let Ok(n) = t.parse::<f64>()
                && n.is_finite()
                && let Some(num) = serde_json::Number::from_f64(n)
            {
                // Keep the decimal text exact where it is a plain number.
                *value = serde_json::from_str::<Value>(t)
                    .ok()
                    .filter(Value::is_number)
                    .unwrap_or(Value::Number(num));
            }
        }
        Value::Object(m) => {
            let branch = if schema.get("properties").is_some() {
                Some(schema)
            } else {
                schema
                    .get("anyOf")
                    .and_then(Value::as_array)
                    .and_then(|alts| alts.iter().find(|a| a.get("properties").is_some()))
            };
            if let Some(b) = branch {
                coerce_numbers(b, m);
            }
        }
        Value::Array(items) => {
            let item_schema = schema.get("items").or_else(|| {
                schema
                    .get("anyOf")
                    .and_then(Value::as_array)
                    .and_then(|alts| alts.iter().find_map(|a| a.get("items")))
            });
            if let Some(item_schema) = item_schema {
                for item in items {
                    coerce_value(item_schema, item);
                }
            }
        }
        _ => {}
    }
}

/// `items[3].quantity`, or `the arguments` for the root.
fn path_text<'a>(lang: Lang, segments: impl Iterator<Item = LocationSegment<'a>>) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            LocationSegment::Property(p) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&p);
            }
            LocationSegment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        lang.pick("the arguments", "les arguments").to_owned()
    } else {
        format!("`{out}`")
    }
}

/// The sub-schema describing the object at `path` (to name its known properties).
fn schema_at<'s>(schema: &'s Value, path: &[LocationSegment<'_>]) -> Option<&'s Value> {
    let mut current = schema;
    for seg in path {
        current = match seg {
            LocationSegment::Property(p) => current
                .get("properties")
                .and_then(|ps| ps.get(p.as_ref()))
                .or_else(|| {
                    current
                        .get("anyOf")
                        .and_then(Value::as_array)
                        .and_then(|alts| {
                            alts.iter()
                                .find_map(|a| a.get("properties").and_then(|ps| ps.get(p.as_ref())))
                        })
                })?,
            LocationSegment::Index(_) => current.get("items").or_else(|| {
                current
                    .get("anyOf")
                    .and_then(Value::as_array)
                    .and_then(|alts| alts.iter().find_map(|a| a.get("items")))
            })?,
        };
    }
    Some(current)
}

fn type_name(lang: Lang, t: &str) -> &'static str {
    match t {
        "integer" => lang.pick("a whole number", "un nombre entier"),
        "number" => lang.pick("a number", "un nombre"),
        "string" => lang.pick("text", "du texte"),
        "boolean" => lang.pick("true or false", "true ou false"),
        "array" => lang.pick("a list", "une liste"),
        "object" => lang.pick("an object", "un objet"),
        "null" => "null",
        _ => lang.pick("a value", "une valeur"),
    }
}

fn json_type_name(lang: Lang, t: JsonType) -> &'static str {
    type_name(lang, t.as_str())
}

fn or_list(lang: Lang, items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} {} {}", init.join(", "), lang.pick("or", "ou"), last),
    }
}

fn limit_text(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

fn format_name(lang: Lang, f: &str) -> String {
    match f {
        "email" => lang
            .pick("an email address", "une adresse email")
            .to_owned(),
        "date" => lang
            .pick("a date (YYYY-MM-DD)", "une date (AAAA-MM-JJ)")
            .to_owned(),
        "date-time" => lang
            .pick(
                "a date-time (2026-11-20T12:30:00+01:00)",
                "une date-heure (2026-11-20T12:30:00+01:00)",
            )
            .to_owned(),
        "time" => lang.pick("a time (HH:MM)", "une heure (HH:MM)").to_owned(),
        other => tr!(lang, "in the {} format", "au format {}", other),
    }
}

/// One violation as a sentence.
fn describe<'a>(
    lang: Lang,
    schema: &Value,
    path: impl Iterator<Item = LocationSegment<'a>>,
    kind: &ValidationErrorKind,
) -> String {
    let segments: Vec<LocationSegment<'a>> = path.collect();
    let at = path_text(lang, segments.iter().cloned());
    match kind {
        ValidationErrorKind::Type { kind } => {
            let names: Vec<&str> = match kind {
                TypeKind::Single(t) => vec![json_type_name(lang, *t)],
                TypeKind::Multiple(set) => set.iter().map(|t| json_type_name(lang, t)).collect(),
            };
            tr!(
                lang,
                "{} must be {}.",
                "{} doit être {}.",
                at,
                or_list(lang, &names)
            )
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or("?");
            let mut full = segments.clone();
            full.push(LocationSegment::Property(name.to_owned().into()));
            tr!(
                lang,
                "{} is required.",
                "{} est obligatoire.",
                path_text(lang, full.into_iter())
            )
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known: Vec<String> = schema_at(schema, &segments)
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            let shown: Vec<String> = unexpected
                .iter()
                .take(3)
                .map(|u| {
                    let u = shorten(u, 40);
                    match closest(&u, &known) {
                        Some(c) => tr!(
                            lang,
                            "`{}` (did you mean `{}`?)",
                            "`{}` (vouliez-vous dire `{}` ?)",
                            u,
                            c
                        ),
                        None => format!("`{u}`"),
                    }
                })
                .collect();
            let where_ = if segments.is_empty() {
                String::new()
            } else {
                tr!(lang, " in {}", " dans {}", at)
            };
            if known.is_empty() {
                tr!(
                    lang,
                    "Unknown argument {}{}: this takes no arguments.",
                    "Argument inconnu {}{} : aucun argument n'est attendu.",
                    shown.join(", "),
                    where_
                )
            } else {
                tr!(
                    lang,
                    "Unknown argument {}{}; the arguments are: {}.",
                    "Argument inconnu {}{} ; les arguments sont : {}.",
                    shown.join(", "),
                    where_,
                    known.join(", ")
                )
            }
        }
        ValidationErrorKind::Enum { options } => {
            let values: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            tr!(
                lang,
                "{} must be one of: {}.",
                "{} doit valoir l'un de : {}.",
                at,
                values.join(", ")
            )
        }
        ValidationErrorKind::Constant { expected_value } => tr!(
            lang,
            "{} must be {}.",
            "{} doit valoir {}.",
            at,
            expected_value
        ),
        ValidationErrorKind::Minimum { limit } => tr!(
            lang,
            "{} must be at least {}.",
            "{} doit être au moins {}.",
            at,
            limit_text(limit)
        ),
        ValidationErrorKind::ExclusiveMinimum { limit } => tr!(
            lang,
            "{} must be more than {}.",
            "{} doit être supérieur à {}.",
            at,
            limit_text(limit)
        ),
        ValidationErrorKind::Maximum { limit } => tr!(
            lang,
            "{} must be at most {}.",
            "{} doit être au plus {}.",
            at,
            limit_text(limit)
        ),
        ValidationErrorKind::ExclusiveMaximum { limit } => tr!(
            lang,
            "{} must be less than {}.",
            "{} doit être inférieur à {}.",
            at,
            limit_text(limit)
        ),
        ValidationErrorKind::MaxLength { limit } => tr!(
            lang,
            "{} must be at most {} long.",
            "{} doit faire au plus {}.",
            at,
            counted(lang, *limit, CHARACTER)
        ),
        ValidationErrorKind::MinLength { limit } => tr!(
            lang,
            "{} must be at least {} long.",
            "{} doit faire au moins {}.",
            at,
            counted(lang, *limit, CHARACTER)
        ),
        ValidationErrorKind::MaxItems { limit } => tr!(
            lang,
            "{} must have at most {}.",
            "{} doit avoir au plus {}.",
            at,
            counted(lang, *limit, ELEMENT)
        ),
        ValidationErrorKind::MinItems { limit } => tr!(
            lang,
            "{} must have at least {}.",
            "{} doit avoir au moins {}.",
            at,
            counted(lang, *limit, ELEMENT)
        ),
        ValidationErrorKind::UniqueItems => tr!(
            lang,
            "{} must not repeat an item.",
            "{} ne doit pas répéter un élément.",
            at
        ),
        ValidationErrorKind::MaxProperties { limit } => tr!(
            lang,
            "{} must have at most {}.",
            "{} doit avoir au plus {}.",
            at,
            counted(lang, *limit, FIELD)
        ),
        ValidationErrorKind::MinProperties { limit } => tr!(
            lang,
            "{} must have at least {}.",
            "{} doit avoir au moins {}.",
            at,
            counted(lang, *limit, FIELD)
        ),
        ValidationErrorKind::Format { format } => tr!(
            lang,
            "{} must be {}.",
            "{} doit être {}.",
            at,
            format_name(lang, format)
        ),
        ValidationErrorKind::Pattern { .. } => tr!(
            lang,
            "{} does not have the expected form.",
            "{} n'a pas la forme attendue.",
            at
        ),
        ValidationErrorKind::AnyOf { .. }
        | ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. } => {
            let expected: Vec<&str> = schema_at(schema, &segments)
                .map(types_of)
                .unwrap_or_default()
                .into_iter()
                .map(|t| type_name(lang, t))
                .fold(Vec::new(), |mut acc, t| {
                    if !acc.contains(&t) {
                        acc.push(t);
                    }
                    acc
                });
            if expected.is_empty() {
                tr!(
                    lang,
                    "{} does not have an accepted form.",
                    "{} n'a pas une forme acceptée.",
                    at
                )
            } else {
                tr!(
                    lang,
                    "{} must be {}.",
                    "{} doit être {}.",
                    at,
                    or_list(lang, &expected)
                )
            }
        }
        _ => tr!(
            lang,
            "{} is not valid here.",
            "{} n'est pas valable ici.",
            at
        ),
    }
}

/// The known name closest to `name`, if close enough.
fn closest(name: &str, known: &[String]) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&lower, &k.to_ascii_lowercase()), k))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.clone())
}

/// At most `max` characters of `s`, marking the cut.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((cut, _)) => format!("{}…", s.get(..cut).unwrap_or(s)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn validator(schema: Value) -> ArgsValidator {
        ArgsValidator::new(schema.as_object().unwrap()).unwrap()
    }

    fn check(v: &ArgsValidator, lang: Lang, args: Value) -> Result<Value, String> {
        let mut m = args.as_object().unwrap().clone();
        v.check(lang, &mut m)
            .map(|()| Value::Object(m))
            .map_err(|e| e.to_string())
    }

    fn sale_like() -> ArgsValidator {
        validator(json!({
            "type": "object",
            "properties": {
                "confirm": {"type": "boolean"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 500},
                "query": {"type": "string", "maxLength": 200},
                "items": {"type": "array", "maxItems": 2, "items": {
                    "type": "object",
                    "properties": {"quantity": {"type": "number"}, "email": {"type": "string", "format": "email"}},
                    "additionalProperties": false
                }},
                "who": {"anyOf": [{"type": "integer"}, {"type": "string"}]}
            },
            "required": ["items"],
            "additionalProperties": false
        }))
    }

    #[test]
    fn numbers_may_be_strings_booleans_may_not() {
        let v = sale_like();
        let ok = check(
            &v,
            Lang::En,
            json!({"limit": "20", "items": [{"quantity": "1.50"}], "who": "12"}),
        )
        .unwrap();
        assert_eq!(ok["limit"], 20);
        assert_eq!(ok["items"][0]["quantity"], 1.5);
        assert_eq!(ok["who"], "12", "a string is allowed there: kept");
        for junk in [json!("yes"), json!("true"), json!(1)] {
            let err = check(&v, Lang::En, json!({"confirm": junk, "items": []})).unwrap_err();
            assert!(err.contains("`confirm` must be true or false."), "{err}");
        }
    }

    #[test]
    fn messages_name_the_field_and_the_rule_in_the_callers_language() {
        let v = sale_like();
        let err = check(&v, Lang::En, json!({"limit": 0, "items": [{}, {}, {}]})).unwrap_err();
        assert!(
            err.starts_with("Invalid arguments, nothing was done:"),
            "{err}"
        );
        assert!(err.contains("`limit` must be at least 1."), "{err}");
        assert!(err.contains("`items` must have at most 2 items."), "{err}");
        let err = check(&v, Lang::Fr, json!({"limt": 3})).unwrap_err();
        assert!(
            err.contains("Argument inconnu `limt` (vouliez-vous dire `limit` ?)"),
            "{err}"
        );
        assert!(err.contains("`items` est obligatoire."), "{err}");
        assert!(
            !err.contains("expected") && !err.contains(" is ") && !err.contains(" must "),
            "whole in French: {err}"
        );
        let err = check(
            &v,
            Lang::En,
            json!({"items": [{"email": "not-an-email"}], "who": true}),
        )
        .unwrap_err();
        assert!(
            err.contains("`items[0].email` must be an email address."),
            "{err}"
        );
        assert!(
            err.contains("`who` must be a whole number or text."),
            "{err}"
        );
    }

    #[test]
    fn a_huge_value_is_never_echoed() {
        let v = sale_like();
        let big = "x".repeat(1_000_000);
        let err = check(&v, Lang::En, json!({"query": big, "items": []})).unwrap_err();
        assert!(err.len() < 300, "{}", err.len());
        assert!(
            err.contains("`query` must be at most 200 characters long."),
            "{err}"
        );
    }
}
