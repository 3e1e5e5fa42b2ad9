//! Reading the records of a large JSON answer for a few of their fields: a serde
//! [`Deserializer`] over JSON text that walks objects and arrays itself, skips the values a
//! type does not read with a checker of its own, and hands every scalar it reads to
//! `serde_json`.
//!
//! A month of orders is megabytes of JSON of which a listing reads a handful of fields per
//! order; skipping the rest (`IgnoredAny`) is most of the decoding time. A month of the demo
//! shop's orders as briefs: 6.1 ms, against 6.7 ms with `serde_json` reading each order
//! (`cargo bench -p kash-mcp-core --bench decode`, one run). What is skipped is
//! still checked against the JSON grammar (strings closed, escapes valid, no raw control
//! characters, literals and numbers well formed, brackets balanced, nesting at most
//! [`MAX_DEPTH`] deep), so a broken answer is refused as `serde_json` would refuse it; the
//! text must already be valid UTF-8 (it is a `&str`).

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The error of a [`Text`] deserializer: `serde_json`'s, with a plain message for what the
/// checker refuses.
pub(crate) type Error = serde_json::Error;

/// Nesting deeper than this is refused (`serde_json` refuses past 128).
pub(crate) const MAX_DEPTH: usize = 128;

/// JSON text and a position in it.
pub(crate) struct Text<'de> {
    text: &'de str,
    pos: usize,
}

impl<'de> Text<'de> {
    /// `text` read from byte `pos`.
    pub(crate) fn new(text: &'de str, pos: usize) -> Self {
        Self { text, pos }
    }

    /// Where the reading stands.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Skips blanks.
    pub(crate) fn blank(&mut self) {
        while self
            .peek()
            .is_some_and(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
        {
            self.pos += 1;
        }
    }

    /// Consumes `byte` if it comes next.
    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        let next = self.peek() == Some(byte);
        if next {
            self.pos += 1;
        }
        next
    }

    fn expect(&mut self, byte: u8) -> Result<(), Error> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(malformed())
        }
    }

    /// Skips the value that starts here, checking it.
    pub(crate) fn skip_value(&mut self) -> Result<(), Error> {
        self.skip(MAX_DEPTH)
    }

    fn skip(&mut self, depth: usize) -> Result<(), Error> {
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'{') => self.skip_container(b'}', true, depth),
            Some(b'[') => self.skip_container(b']', false, depth),
            Some(b't') => self.word("true"),
            Some(b'f') => self.word("false"),
            Some(b'n') => self.word("null"),
            Some(b'-' | b'0'..=b'9') => self.skip_number(),
            _ => Err(malformed()),
        }
    }

    /// An object (`keyed`) or an array, from its opening bracket.
    fn skip_container(&mut self, close: u8, keyed: bool, depth: usize) -> Result<(), Error> {
        let depth = depth.checked_sub(1).ok_or_else(too_deep)?;
        self.pos += 1;
        self.blank();
        if self.eat(close) {
            return Ok(());
        }
        loop {
            if keyed {
                if self.peek() != Some(b'"') {
                    return Err(malformed());
                }
                self.skip_string()?;
                self.blank();
                self.expect(b':')?;
                self.blank();
            }
            self.skip(depth)?;
            self.blank();
            if self.eat(b',') {
                self.blank();
            } else {
                return self.expect(close);
            }
        }
    }

    /// A string, from its opening quote.
    fn skip_string(&mut self) -> Result<(), Error> {
        self.string_escaped().map(drop)
    }

    /// A string, from its opening quote; whether it has escapes.
    fn string_escaped(&mut self) -> Result<bool, Error> {
        let bytes = self.text.as_bytes();
        let mut at = self.pos + 1;
        let mut escaped = false;
        loop {
            // Eight bytes at a time up to the first that ends the string or needs a look.
            if let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
                let look = needs_look(u64::from_le_bytes(*word));
                if look == 0 {
                    at += 8;
                    continue;
                }
                at += (look.trailing_zeros() / 8) as usize;
            }
            match bytes.get(at) {
                Some(b'"') => {
                    self.pos = at + 1;
                    return Ok(escaped);
                }
                Some(b'\\') => {
                    escaped = true;
                    at = escape_end(bytes, at + 1)?;
                }
                // Only in the last seven bytes of the text.
                Some(&b) if b >= 0x20 => at += 1,
                _ => return Err(malformed()),
            }
        }
    }

    /// A key or string without escapes, borrowed (`None` if it has escapes), from its
    /// opening quote.
    fn plain_string(&mut self) -> Result<Option<&'de str>, Error> {
        let start = self.pos + 1;
        if self.string_escaped()? {
            return Ok(None);
        }
        self.text
            .get(start..self.pos - 1)
            .ok_or_else(malformed)
            .map(Some)
    }

    fn skip_number(&mut self) -> Result<(), Error> {
        self.eat(b'-');
        // An integer part with no leading zero.
        if !self.eat(b'0') {
            if !self.peek().is_some_and(|b| matches!(b, b'1'..=b'9')) {
                return Err(malformed());
            }
            self.digits();
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(malformed());
        }
        if self.peek().is_some_and(|b| b == b'e' || b == b'E') {
            self.pos += 1;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return Err(malformed());
            }
        }
        Ok(())
    }

    /// Skips digits; how many.
    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn word(&mut self, word: &str) -> Result<(), Error> {
        if self
            .text
            .as_bytes()
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word.as_bytes()))
        {
            self.pos += word.len();
            Ok(())
        } else {
            Err(malformed())
        }
    }

    /// The text of the value that starts here, which is skipped.
    fn value_text(&mut self) -> Result<&'de str, Error> {
        let start = self.pos;
        self.skip_value()?;
        self.text.get(start..self.pos).ok_or_else(malformed)
    }
}

/// The high bit of each of the eight bytes of `word` (little-endian) that is a quote, a
/// backslash or a control character; a bit above the lowest one set may be spurious, the lowest
/// is always right.
fn needs_look(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte below `n` (n ≤ 0x80) sets its high bit in `(w - n·ONES) & !w`; a borrow can only
    // mark bytes above a byte truly below `n`.
    let below = |w: u64, n: u64| w.wrapping_sub(n * ONES) & !w & HIGH;
    let zero = |w: u64| below(w, 1);
    below(word, 0x20)
        | zero(word ^ (u64::from(b'"') * ONES))
        | zero(word ^ (u64::from(b'\\') * ONES))
}

/// Where the escape whose letter is at `at` ends.
fn escape_end(bytes: &[u8], at: usize) -> Result<usize, Error> {
    match bytes.get(at) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(at + 1),
        Some(b'u')
            if bytes
                .get(at + 1..at + 5)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) =>
        {
            Ok(at + 5)
        }
        _ => Err(malformed()),
    }
}

fn malformed() -> Error {
    de::Error::custom("malformed JSON")
}

fn too_deep() -> Error {
    de::Error::custom("JSON nested too deep")
}

/// Reads the value that starts at `text`'s position as `T`: objects and arrays walked here,
/// each value `T` does not read skipped by [`Text`], each scalar it reads decoded by
/// `serde_json`.
pub(crate) fn record<'de, T: de::Deserialize<'de>>(text: &mut Text<'de>) -> Result<T, Error> {
    T::deserialize(Value {
        text,
        depth: MAX_DEPTH,
    })
}

/// A deserializer for the value at a [`Text`]'s position.
struct Value<'a, 'de> {
    text: &'a mut Text<'de>,
    /// How many more objects and arrays may open.
    depth: usize,
}

impl<'a, 'de> Value<'a, 'de> {
    /// The object or array that opens here, given to `visitor` (`keyed`: an object), with
    /// its closing bracket checked.
    fn container<V: Visitor<'de>>(self, keyed: bool, visitor: V) -> Result<V::Value, Error> {
        let depth = self.depth.checked_sub(1).ok_or_else(too_deep)?;
        let text = self.text;
        text.pos += 1;
        let value = if keyed {
            visitor.visit_map(Items {
                text: &mut *text,
                depth,
                first: true,
                close: b'}',
            })?
        } else {
            visitor.visit_seq(Items {
                text: &mut *text,
                depth,
                first: true,
                close: b']',
            })?
        };
        text.blank();
        text.expect(if keyed { b'}' } else { b']' })?;
        Ok(value)
    }
}

/// `serde_json` reading `text` (one whole value).
fn with_json<'de, T>(
    text: &'de str,
    read: impl FnOnce(&mut serde_json::Deserializer<serde_json::de::StrRead<'de>>) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut json = serde_json::Deserializer::from_str(text);
    let value = read(&mut json)?;
    json.end()?;
    Ok(value)
}

/// `deserialize_*` methods that give the value's text to `serde_json`'s method of the same
/// name.
macro_rules! to_json {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Error> {
            let text = self.text.value_text()?;
            with_json(text, |json| json.$method($($arg,)* visitor))
        }
    )*};
}

impl<'de> Deserializer<'de> for Value<'_, 'de> {
    type Error = Error;

    to_json! {
        deserialize_bool(); deserialize_i8(); deserialize_i16(); deserialize_i32();
        deserialize_i64(); deserialize_i128(); deserialize_u8(); deserialize_u16();
        deserialize_u32(); deserialize_u64(); deserialize_u128(); deserialize_f32();
        deserialize_f64(); deserialize_char(); deserialize_str(); deserialize_string();
        deserialize_bytes(); deserialize_byte_buf(); deserialize_option(); deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.text.peek() {
            Some(b'{') => self.container(true, visitor),
            Some(b'[') => self.container(false, visitor),
            _ => {
                let text = self.text.value_text()?;
                with_json(text, |json| json.deserialize_any(visitor))
            }
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.text.skip(self.depth)?;
        visitor.visit_unit()
    }
}

/// The items of an object or an array, after its opening bracket; the closing bracket is left
/// for [`Value::container`].
struct Items<'a, 'de> {
    text: &'a mut Text<'de>,
    depth: usize,
    first: bool,
    close: u8,
}

impl<'de> Items<'_, 'de> {
    /// Moves to the next item: `false` at the closing bracket.
    fn next(&mut self) -> Result<bool, Error> {
        self.text.blank();
        if self.text.peek() == Some(self.close) {
            return Ok(false);
        }
        if !std::mem::take(&mut self.first) {
            self.text.expect(b',')?;
            self.text.blank();
        }
        Ok(true)
    }

    fn value(&mut self) -> Value<'_, 'de> {
        Value {
            text: self.text,
            depth: self.depth,
        }
    }
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if !self.next()? {
            return Ok(None);
        }
        seed.deserialize(self.value()).map(Some)
    }
}

impl<'de> MapAccess<'de> for Items<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if !self.next()? {
            return Ok(None);
        }
        let text = &mut *self.text;
        if text.peek() != Some(b'"') {
            return Err(malformed());
        }
        let start = text.pos;
        let key = match text.plain_string()? {
            Some(key) => seed.deserialize(BorrowedStrDeserializer::<Error>::new(key))?,
            None => {
                let quoted = text.text.get(start..text.pos).ok_or_else(malformed)?;
                with_json(quoted, |json| seed.deserialize(json))?
            }
        };
        text.blank();
        text.expect(b':')?;
        text.blank();
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(self.value())
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::{Text, record};

    /// Reads `id` and nothing else: every other field is skipped.
    #[derive(Debug, PartialEq, Deserialize)]
    struct OnlyId {
        id: u64,
    }

    /// What the skimmer makes of `json`: the record, and whether it read the text to its end.
    fn skim(json: &str) -> Option<(OnlyId, bool)> {
        let mut text = Text::new(json, 0);
        let read: OnlyId = record(&mut text).ok()?;
        Some((read, text.pos() == json.len()))
    }

    /// Every value the skimmer skips is checked as `serde_json` checks it: the same texts are
    /// accepted and refused.
    #[test]
    fn skipping_accepts_and_refuses_what_serde_json_does() {
        let deep = |n: usize| format!(r#"{{"id":1,"x":{}{}}}"#, "[".repeat(n), "]".repeat(n));
        let cases = [
            (r#"{"id":1,"x":"a\"b\\c\/d\b\f\n\r\t"}"#.to_owned(), true),
            (r#"{"id":1,"x":"\u00e9\uD83D\uDE00 é 😀"}"#.to_owned(), true),
            (
                r#"{"id":1,"x":"abcdefghijklmnop\"qrstuvwxyz0123456789"}"#.to_owned(),
                true,
            ),
            (
                r#"{ "id" : 1 , "x" : [ { } , [ ] , { "a" : [ 1 , -2.5e+3 ] } ] }"#.to_owned(),
                true,
            ),
            (
                r#"{"id":1,"x":[-0, 0.0, 1E5, 1e-5, 12.34E+10, true, false, null]}"#.to_owned(),
                true,
            ),
            (r#"{"x":{"id":2},"id":1}"#.to_owned(), true),
            (r#"{"i\u0064":1}"#.to_owned(), true),
            (deep(20), true),
            (r#"{"id":1,"x":"\x"}"#.to_owned(), false),
            (r#"{"id":1,"x":"\u12g4"}"#.to_owned(), false),
            ("{\"id\":1,\"x\":\"a\nb\"}".to_owned(), false),
            (
                "{\"id\":1,\"x\":\"abcdefgh\u{1}ijklmnop\"}".to_owned(),
                false,
            ),
            (r#"{"id":1,"x":"abcdefghijkl"#.to_owned(), false),
            (r#"{"id":1,"x":tru}"#.to_owned(), false),
            (r#"{"id":1,"x":nul}"#.to_owned(), false),
            (r#"{"id":1,"x":-}"#.to_owned(), false),
            (r#"{"id":1,"x":01}"#.to_owned(), false),
            (r#"{"id":1,"x":1.}"#.to_owned(), false),
            (r#"{"id":1,"x":1e}"#.to_owned(), false),
            (r#"{"id":1,"x":+1}"#.to_owned(), false),
            (r#"{"id":1,"x":[1,2,]}"#.to_owned(), false),
            (r#"{"id":1,"x":[1 2]}"#.to_owned(), false),
            (r#"{"id":1,"x":{"a" 1}}"#.to_owned(), false),
            (r#"{"id":1,"x":{"a":1,}}"#.to_owned(), false),
            (r#"{"id":1,"x":{1:2}}"#.to_owned(), false),
            (r#"{"id":1,"x":[}"#.to_owned(), false),
            (r#"{"id":1,}"#.to_owned(), false),
            (r#"{"id":1 "x":2}"#.to_owned(), false),
            (r#"{"id":1,"x":}"#.to_owned(), false),
            (r#"{"x":2}"#.to_owned(), false),
            (r#"{"id":1,"id":2}"#.to_owned(), false),
            // A struct may come as a sequence of its fields.
            (r#"[1]"#.to_owned(), true),
        ];
        for (json, valid) in cases {
            let by_serde_json = serde_json::from_str::<OnlyId>(&json).ok();
            assert_eq!(by_serde_json.is_some(), valid, "serde_json on {json}");
            match skim(&json) {
                Some((read, whole)) => {
                    assert!(valid, "accepted: {json}");
                    assert!(whole, "stopped early: {json}");
                    assert_eq!(Some(read), by_serde_json, "{json}");
                }
                None => assert!(!valid, "refused: {json}"),
            }
        }
        // Nesting past the limit is refused; `serde_json` skips it (`IgnoredAny` has no limit)
        // but refuses it in a `Value`, which is how whole orders keep the fields they do not
        // model: an order list so deep is refused either way.
        assert!(skim(&deep(200)).is_none());
        assert!(serde_json::from_str::<serde_json::Value>(&deep(200)).is_err());
    }

    /// A record ends where its closing brace is, whatever follows.
    #[test]
    fn a_record_ends_at_its_closing_brace() {
        let json = r#"{"id":7,"x":[{"y":"}"}]} , {"id":8}"#;
        let mut text = Text::new(json, 0);
        let first: OnlyId = record(&mut text).unwrap();
        assert_eq!(first, OnlyId { id: 7 });
        assert_eq!(json.get(text.pos()..), Some(r#" , {"id":8}"#));
    }
}
