//! Input schemas, written by hand so that every property carries its description in the
//! chosen language (a model that has never seen this POS reads them to call the tools).

use rmcp::model::JsonObject;
use serde_json::{Map, Value, json};

use crate::i18n::{Lang, Text};

/// One property of an input schema.
#[derive(Debug, Clone)]
pub struct Prop {
    schema: Map<String, Value>,
    desc: Text,
}

fn typed(kind: &str, desc: Text) -> Prop {
    let mut schema = Map::new();
    schema.insert("type".into(), json!(kind));
    Prop { schema, desc }
}

impl Prop {
    /// A string.
    pub fn string(desc: Text) -> Self {
        typed("string", desc)
    }

    /// An integer (also accepted as a numeric string).
    pub fn integer(desc: Text) -> Self {
        typed("integer", desc)
    }

    /// A number (also accepted as a numeric string); amounts are euros with a dot.
    pub fn number(desc: Text) -> Self {
        typed("number", desc)
    }

    /// A boolean.
    pub fn boolean(desc: Text) -> Self {
        typed("boolean", desc)
    }

    /// One of fixed string values; the description says what each means.
    pub fn one_of(values: &[&str], desc: Text) -> Self {
        let mut p = typed("string", desc);
        p.schema.insert("enum".into(), json!(values));
        p
    }

    /// One of fixed string values, or a list of them.
    pub fn one_or_many(values: &[&str], desc: Text) -> Self {
        let mut schema = Map::new();
        schema.insert(
            "anyOf".into(),
            json!([
                {"type": "string", "enum": values},
                {"type": "array", "items": {"type": "string", "enum": values}, "minItems": 1}
            ]),
        );
        Prop { schema, desc }
    }

    /// An integer id or a name.
    pub fn id_or_name(desc: Text) -> Self {
        let mut schema = Map::new();
        schema.insert("type".into(), json!(["integer", "string"]));
        Prop { schema, desc }
    }

    /// A list of `item`.
    pub fn array(item: Value, desc: Text) -> Self {
        let mut p = typed("array", desc);
        p.schema.insert("items".into(), item);
        p
    }

    /// A nested object with its own properties.
    pub fn object(lang: Lang, props: &[(&str, Prop)], required: &[&str], desc: Text) -> Self {
        let mut p = typed("object", desc);
        let inner = object_map(lang, props, required);
        p.schema.extend(inner);
        p
    }

    /// Lowest value.
    pub fn min(mut self, v: impl Into<Value>) -> Self {
        self.schema.insert("minimum".into(), v.into());
        self
    }

    /// Highest value.
    pub fn max(mut self, v: impl Into<Value>) -> Self {
        self.schema.insert("maximum".into(), v.into());
        self
    }

    /// Value when absent.
    pub fn default(mut self, v: impl Into<Value>) -> Self {
        self.schema.insert("default".into(), v.into());
        self
    }

    /// Most items.
    pub fn max_items(mut self, n: usize) -> Self {
        self.schema.insert("maxItems".into(), json!(n));
        self
    }

    /// Fewest items.
    pub fn min_items(mut self, n: usize) -> Self {
        self.schema.insert("minItems".into(), json!(n));
        self
    }

    /// Longest text.
    pub fn max_length(mut self, n: usize) -> Self {
        self.schema.insert("maxLength".into(), json!(n));
        self
    }

    /// A JSON Schema `format` hint (`date`, `date-time`, `email`).
    pub fn format(mut self, f: &str) -> Self {
        self.schema.insert("format".into(), json!(f));
        self
    }

    /// The property's JSON schema in `lang`.
    pub fn to_value(&self, lang: Lang) -> Value {
        let mut m = self.schema.clone();
        m.insert("description".into(), json!(self.desc.get(lang)));
        Value::Object(m)
    }
}

fn object_map(lang: Lang, props: &[(&str, Prop)], required: &[&str]) -> Map<String, Value> {
    let mut properties = Map::new();
    for (name, prop) in props {
        properties.insert((*name).to_owned(), prop.to_value(lang));
    }
    let mut m = Map::new();
    m.insert("type".into(), json!("object"));
    m.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        m.insert("required".into(), json!(required));
    }
    m.insert("additionalProperties".into(), json!(false));
    m
}

/// A tool's input schema: an object with these properties.
pub fn input(lang: Lang, props: &[(&str, Prop)], required: &[&str]) -> JsonObject {
    object_map(lang, props, required)
}

/// The schema of a tool without arguments.
pub fn no_input() -> JsonObject {
    let mut m = Map::new();
    m.insert("type".into(), json!("object"));
    m.insert("additionalProperties".into(), json!(false));
    m
}

/// An output schema generated from a type, without descriptions (the tool's description says
/// what the output means, in the chosen language; property names are self-explanatory).
pub fn output<T: schemars::JsonSchema>() -> JsonObject {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    // No `$ref`: every client can read the schema without resolving references.
    settings.inline_subschemas = true;
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let mut value = serde_json::to_value(schema).unwrap_or_else(|_| json!({"type": "object"}));
    strip(&mut value);
    match value {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Removes `description`, `title` and `$schema` keys everywhere.
fn strip(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("description");
            m.remove("$schema");
            if m.get("title").is_some_and(Value::is_string) {
                m.remove("title");
            }
            for (_, child) in m.iter_mut() {
                strip(child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}
