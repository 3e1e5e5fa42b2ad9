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

    /// A non-empty list of fixed string values.
    pub fn many(values: &[&str], desc: Text) -> Self {
        let mut p = typed("array", desc);
        p.schema
            .insert("items".into(), json!({"type": "string", "enum": values}));
        p.schema.insert("minItems".into(), json!(1));
        p
    }

    /// An integer id or a name.
    pub fn id_or_name(desc: Text) -> Self {
        let mut schema = Map::new();
        schema.insert(
            "anyOf".into(),
            json!([{"type": "integer", "minimum": 1}, {"type": "string", "maxLength": 200}]),
        );
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

    /// One of several schemas (e.g. a code or a name).
    pub fn any_of(alternatives: Vec<Value>, desc: Text) -> Self {
        let mut schema = Map::new();
        schema.insert("anyOf".into(), Value::Array(alternatives));
        Prop { schema, desc }
    }

    /// Lowest value, excluded.
    pub fn exclusive_min(mut self, v: impl Into<Value>) -> Self {
        self.schema.insert("exclusiveMinimum".into(), v.into());
        self
    }

    /// Shortest text.
    pub fn min_length(mut self, n: usize) -> Self {
        self.schema.insert("minLength".into(), json!(n));
        self
    }

    /// A regular expression the text must match.
    pub fn pattern(mut self, re: &str) -> Self {
        self.schema.insert("pattern".into(), json!(re));
        self
    }

    /// Fewest fields of an object.
    pub fn min_properties(mut self, n: usize) -> Self {
        self.schema.insert("minProperties".into(), json!(n));
        self
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

    /// The property's JSON schema in `lang` (no description where the name says it all).
    pub fn to_value(&self, lang: Lang) -> Value {
        let mut m = self.schema.clone();
        let desc = self.desc.get(lang);
        if !desc.is_empty() {
            m.insert("description".into(), json!(desc));
        }
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

/// The `format` values every JSON Schema validator knows; others (`uint64`, `double`…) make
/// clients warn.
const STANDARD_FORMATS: [&str; 9] = [
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "uri",
    "uri-reference",
    "uuid",
    "ipv4",
];

/// An output schema generated from a type, portable and compact: no descriptions (the tool's
/// description says what the output means), no non-standard `format`, no `type` arrays
/// (absent fields are left out of the structured content, never `null`: see
/// [`strip_nulls`]), and a shape used more than once defined once under `$defs`.
pub fn output<T: schemars::JsonSchema>() -> JsonObject {
    let settings = schemars::generate::SchemaSettings::draft2020_12();
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let mut value = serde_json::to_value(schema).unwrap_or_else(|_| json!({"type": "object"}));
    let mut defs = match value.as_object_mut().and_then(|m| m.remove("$defs")) {
        Some(Value::Object(d)) => d,
        _ => Map::new(),
    };
    for def in defs.values_mut() {
        portable(def);
    }
    portable(&mut value);
    // Inline the shapes used once; keep the others as shared definitions.
    let mut uses = std::collections::HashMap::<String, usize>::new();
    count_refs(&value, &mut uses);
    for d in defs.values() {
        count_refs(d, &mut uses);
    }
    let once: Map<String, Value> = defs
        .iter()
        .filter(|(k, _)| uses.get(*k).copied().unwrap_or(0) <= 1)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for _ in 0..8 {
        inline(&mut value, &once);
        for d in defs.values_mut() {
            inline(d, &once);
        }
    }
    defs.retain(|k, _| uses.get(k).copied().unwrap_or(0) > 1);
    let mut out = match value {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if !defs.is_empty() {
        out.insert("$defs".into(), Value::Object(defs));
    }
    out
}

fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
}

fn count_refs(v: &Value, uses: &mut std::collections::HashMap<String, usize>) {
    if let Some(name) = ref_name(v) {
        *uses.entry(name.to_owned()).or_default() += 1;
    }
    match v {
        Value::Object(m) => m.values().for_each(|c| count_refs(c, uses)),
        Value::Array(a) => a.iter().for_each(|c| count_refs(c, uses)),
        _ => {}
    }
}

fn inline(v: &mut Value, once: &Map<String, Value>) {
    if let Some(def) = ref_name(v).and_then(|n| once.get(n)) {
        *v = def.clone();
    }
    match v {
        Value::Object(m) => m.values_mut().for_each(|c| inline(c, once)),
        Value::Array(a) => a.iter_mut().for_each(|c| inline(c, once)),
        _ => {}
    }
}

/// Removes descriptions, titles, `$schema`, non-standard formats, `minimum: 0` and the `null`
/// of `type` arrays, everywhere.
fn portable(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("description");
            m.remove("$schema");
            if m.get("title").is_some_and(Value::is_string) {
                m.remove("title");
            }
            if m.get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| !STANDARD_FORMATS.contains(&f))
            {
                m.remove("format");
            }
            if m.get("minimum") == Some(&json!(0)) {
                m.remove("minimum");
            }
            if let Some(Value::Array(types)) = m.get("type") {
                let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                let single = match kept.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                };
                match single {
                    Some(t) => {
                        m.insert("type".into(), t);
                    }
                    None => {
                        m.insert("type".into(), Value::Array(kept));
                    }
                }
            }
            // `Option<Struct>` comes out as `anyOf: [{$ref}, {type: null}]`.
            if let Some(Value::Array(alts)) = m.get("anyOf") {
                let kept: Vec<Value> = alts
                    .iter()
                    .filter(|a| a.get("type") != Some(&json!("null")))
                    .cloned()
                    .collect();
                if kept.len() == 1
                    && let Some(Value::Object(only)) = kept.into_iter().next()
                {
                    m.remove("anyOf");
                    for (k, val) in only {
                        m.entry(k).or_insert(val);
                    }
                }
            }
            for (_, child) in m.iter_mut() {
                portable(child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(portable),
        _ => {}
    }
}

/// Leaves out every `null` member of the objects in `v`: an absent field, as the output
/// schemas declare it.
pub fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, c| !c.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}
