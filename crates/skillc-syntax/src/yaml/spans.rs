//! How an `Sp<T>` is read from YAML: the value and the byte range of its node.
//!
//! serde-saphyr hands span information to `serde_saphyr::Spanned<T>` through a newtype named
//! `__yaml_spanned`, presented as the map `{<marker>: true, value: T, referenced: Location,
//! defined: Location}`. Reading that map here instead of through `Spanned<T>` keeps only the byte
//! range of `referenced` and skips the rest (line, column, an owned key per node), which is most
//! of the cost of a span on a 10,000-service repo. The shape is pinned by the serde-saphyr version
//! (`~2.2`) and by the span tests below; a map without the marker (a value buffered by serde)
//! and plain scalars fall back to the value with an empty span, as `Spanned<T>` does.

use super::{BASE, FROM_CACHE};
use crate::Sp;
use serde::Deserialize;
use serde::de::{
    self, DeserializeSeed, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, Visitor,
};
use std::fmt;
use std::marker::PhantomData;

const NEWTYPE: &str = "__yaml_spanned";
const MARKER: &str = "__serde_saphyr_private_spanned";
const FIELDS: &[&str] = &[MARKER, "value", "referenced", "defined"];

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if FROM_CACHE.get() {
            let (value, start, end) = <(T, u32, u32)>::deserialize(d)?;
            return Ok(Sp::new(value, start, end));
        }
        d.deserialize_newtype_struct(NEWTYPE, Node(PhantomData))
    }
}

/// The `__yaml_spanned` newtype and its synthesized map; from any other deserializer, a plain
/// value.
struct Node<T>(PhantomData<T>);

macro_rules! plain_scalars {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Sp<T>, E> {
            T::deserialize(v.into_deserializer()).map(unspanned)
        }
    )*};
}

fn unspanned<T>(value: T) -> Sp<T> {
    Sp::new(value, 0, 0)
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Node<T> {
    type Value = Sp<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML node")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Sp<T>, D::Error> {
        d.deserialize_struct("Spanned", FIELDS, self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Sp<T>, A::Error> {
        match map.next_key_seed(Key)? {
            Some(Field::Marker) => map.next_value::<IgnoredAny>()?,
            None => {
                return T::deserialize(de::value::MapAccessDeserializer::new(map)).map(unspanned);
            }
            Some(first) => {
                let first = first.name().to_owned();
                return T::deserialize(de::value::MapAccessDeserializer::new(Prepended {
                    first: Some(first),
                    rest: map,
                }))
                .map(unspanned);
            }
        };
        let mut value = None;
        let mut range = None;
        while let Some(field) = map.next_key_seed(Key)? {
            match field {
                Field::Value => value = Some(map.next_value::<T>()?),
                Field::Referenced => range = Some(map.next_value_seed(LocationRange)?),
                _ => {
                    map.next_value_seed(LocationRange)?;
                }
            }
            // The remaining `defined` location is synthesized from stored positions (no YAML
            // events behind it): once value and range are read there is nothing left to consume.
            if value.is_some() && range.is_some() {
                break;
            }
        }
        let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
        let (start, end) = match range {
            Some((start, end)) => {
                let base = BASE.get();
                (start.saturating_add(base), end.saturating_add(base))
            }
            None => (0, 0),
        };
        Ok(Sp::new(value, start, end))
    }

    plain_scalars!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str),
        visit_string(String),
    );
}

enum Field {
    Marker,
    Value,
    Referenced,
    Defined,
    /// A key of a plain (buffered) map: the value has no span.
    Plain(String),
}

impl Field {
    fn name(&self) -> &str {
        match self {
            Field::Marker => MARKER,
            Field::Value => "value",
            Field::Referenced => "referenced",
            Field::Defined => "defined",
            Field::Plain(s) => s,
        }
    }
}

/// Reads a key of the synthesized map without allocating it.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Field;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Key {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
        Ok(match v {
            MARKER => Field::Marker,
            "value" => Field::Value,
            "referenced" => Field::Referenced,
            "defined" => Field::Defined,
            other => Field::Plain(other.to_owned()),
        })
    }
}

/// A buffered map whose first key was already read.
struct Prepended<A> {
    first: Option<String>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Prepended<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.first.take() {
            Some(first) => seed.deserialize(first.into_deserializer()).map(Some),
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.rest.next_value_seed(seed)
    }
}

/// A `Location` (`{line, column, span: {offset, len, byte_info: (start, len)}, source_id}`)
/// read as its byte range `(start, end)`; `(0, 0)` when the library has no byte offsets.
struct LocationRange;

impl<'de> DeserializeSeed<'de> for LocationRange {
    type Value = (u32, u32);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(u32, u32), D::Error> {
        d.deserialize_struct("Location", &["line", "column", "span", "source_id"], self)
    }
}

impl<'de> Visitor<'de> for LocationRange {
    type Value = (u32, u32);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a source location")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(u32, u32), A::Error> {
        while let Some(is_span) = map.next_key_seed(IsKey("span"))? {
            if is_span {
                // `source_id` may follow; a synthesized map needs no draining.
                return map.next_value_seed(SpanRange);
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok((0, 0))
    }
}

/// A `Span` (`{offset, len, byte_info: (start, len)}`) read as its byte range.
struct SpanRange;

impl<'de> DeserializeSeed<'de> for SpanRange {
    type Value = (u32, u32);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(u32, u32), D::Error> {
        d.deserialize_struct("Span", &["offset", "len", "byte_info"], self)
    }
}

impl<'de> Visitor<'de> for SpanRange {
    type Value = (u32, u32);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a source span")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(u32, u32), A::Error> {
        let mut range = (0, 0);
        while let Some(is_bytes) = map.next_key_seed(IsKey("byte_info"))? {
            if is_bytes {
                let (start, len): (u64, u64) = map.next_value()?;
                // u32::MAX marks "no byte offsets"; the span stays empty then.
                if let Ok(start) = u32::try_from(start)
                    && start != u32::MAX
                {
                    range = (
                        start,
                        start.saturating_add(u32::try_from(len).unwrap_or(u32::MAX)),
                    );
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(range)
    }
}

/// Whether a key is the given name, read without allocating.
struct IsKey(&'static str);

impl<'de> DeserializeSeed<'de> for IsKey {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for IsKey {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error, MapDeserializer, StrDeserializer};
    use std::collections::BTreeMap;

    fn yaml<T: for<'de> Deserialize<'de>>(text: &str) -> T {
        serde_saphyr::from_str(text).expect("parses")
    }

    #[test]
    fn a_yaml_node_keeps_its_byte_range() {
        let text = "a: héllo\nb: [1, 2]\nc: {x: 1}\n";
        let doc: BTreeMap<String, Sp<serde_json::Value>> = yaml(text);
        let slice = |k: &str| &text[doc[k].start as usize..doc[k].end as usize];
        assert_eq!(slice("a"), "héllo");
        // A collection is placed at its first token.
        assert!(slice("b").starts_with('['), "{}", slice("b"));
        assert!(slice("c").starts_with('{'), "{}", slice("c"));
    }

    #[test]
    fn an_alias_is_blamed_where_it_is_used() {
        let text = "a: &x v\nb: *x\n";
        let doc: BTreeMap<String, Sp<String>> = yaml(text);
        assert_eq!(doc["b"].value, "v");
        assert_eq!(&text[doc["b"].start as usize..doc["b"].end as usize], "*x");
    }

    #[test]
    fn values_from_other_deserializers_have_an_empty_span() {
        let s: Sp<String> = Sp::deserialize(StrDeserializer::<Error>::new("plain")).expect("ok");
        assert_eq!((s.value.as_str(), s.start, s.end), ("plain", 0, 0));
        let entries = [("k".to_owned(), 1u32), ("value".to_owned(), 2)];
        let map: Sp<BTreeMap<String, u32>> =
            Sp::deserialize(MapDeserializer::<_, Error>::new(entries.into_iter())).expect("ok");
        assert_eq!(map.value.get("k"), Some(&1));
        assert_eq!(map.value.get("value"), Some(&2));
        assert_eq!((map.start, map.end), (0, 0));
    }
}
