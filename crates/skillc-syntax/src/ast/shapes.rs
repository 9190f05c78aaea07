//! Values a key accepts in two YAML shapes, read with the spans of the real nodes.
//!
//! launchd takes several keys in two forms (`LimitLoadToSessionType` a string or a list,
//! `KeepAlive` a boolean or a dictionary, a socket a dictionary or a list of them). serde's
//! `untagged` would buffer the node and lose every inner span, so each shape here dispatches on
//! what the YAML node is (scalar, sequence, mapping) and hands the real node on.
//!
//! In the parse cache (see `cache.rs`) a value is the tuple `(form, payload)`: 0 for the first
//! form, 1 for the second, which keeps the two forms apart whatever the encoding makes of them.

use crate::Sp;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// One scalar, or a list of them: `Aqua` or `[Aqua, Background]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneOrMany<T> {
    /// Written as one scalar (its span is the span of the whole value).
    One(T),
    /// Written as a list.
    Many(Vec<Sp<T>>),
}

impl<T: Clone> OneOrMany<T> {
    /// The values, each with its span (`whole` for the one-scalar form).
    pub fn items(&self, whole: (u32, u32)) -> Vec<Sp<T>> {
        match self {
            OneOrMany::One(v) => vec![Sp::new(v.clone(), whole.0, whole.1)],
            OneOrMany::Many(v) => v.clone(),
        }
    }

    /// Whether it was written as one scalar.
    pub fn is_one(&self) -> bool {
        matches!(self, OneOrMany::One(_))
    }
}

/// A scalar, or a mapping of options: `keep_alive: always` or `keep_alive: { crashed: true }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScalarOrMap<S, M> {
    Scalar(S),
    Map(M),
}

/// One mapping, or a list of mappings (a launchd socket: one dict or an array of dicts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapOrList<T> {
    One(T),
    Many(Vec<Sp<T>>),
}

impl<T: Clone> MapOrList<T> {
    /// The mappings, each with its span (`whole` for the one-mapping form).
    pub fn items(&self, whole: (u32, u32)) -> Vec<Sp<T>> {
        match self {
            MapOrList::One(v) => vec![Sp::new(v.clone(), whole.0, whole.1)],
            MapOrList::Many(v) => v.clone(),
        }
    }

    pub fn is_one(&self) -> bool {
        matches!(self, MapOrList::One(_))
    }
}

/// Which YAML shape goes to which form.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Scalar,
    Seq,
    Map,
}

/// The two forms of one of the types above.
trait TwoForms: Sized {
    type A: DeserializeOwned;
    type B: DeserializeOwned;
    const A_SHAPE: Shape;
    const B_SHAPE: Shape;
    const EXPECTING: &'static str;
    fn from_a(a: Self::A) -> Self;
    fn from_b(b: Self::B) -> Self;
}

impl<T: DeserializeOwned> TwoForms for OneOrMany<T> {
    type A = T;
    type B = Vec<Sp<T>>;
    const A_SHAPE: Shape = Shape::Scalar;
    const B_SHAPE: Shape = Shape::Seq;
    const EXPECTING: &'static str = "one value or a list of values";
    fn from_a(a: T) -> Self {
        OneOrMany::One(a)
    }
    fn from_b(b: Vec<Sp<T>>) -> Self {
        OneOrMany::Many(b)
    }
}

impl<S: DeserializeOwned, M: DeserializeOwned> TwoForms for ScalarOrMap<S, M> {
    type A = S;
    type B = M;
    const A_SHAPE: Shape = Shape::Scalar;
    const B_SHAPE: Shape = Shape::Map;
    const EXPECTING: &'static str = "a single value or a mapping";
    fn from_a(a: S) -> Self {
        ScalarOrMap::Scalar(a)
    }
    fn from_b(b: M) -> Self {
        ScalarOrMap::Map(b)
    }
}

impl<T: DeserializeOwned> TwoForms for MapOrList<T> {
    type A = T;
    type B = Vec<Sp<T>>;
    const A_SHAPE: Shape = Shape::Map;
    const B_SHAPE: Shape = Shape::Seq;
    const EXPECTING: &'static str = "a mapping or a list of mappings";
    fn from_a(a: T) -> Self {
        MapOrList::One(a)
    }
    fn from_b(b: Vec<Sp<T>>) -> Self {
        MapOrList::Many(b)
    }
}

struct FormVisitor<X>(PhantomData<X>);

impl<X: TwoForms> FormVisitor<X> {
    fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<X, D::Error> {
        if X::A_SHAPE == Shape::Scalar {
            X::A::deserialize(d).map(X::from_a)
        } else {
            Err(de::Error::custom(format!(
                "invalid type: a single value, expected {}",
                X::EXPECTING
            )))
        }
    }
}

macro_rules! visit_scalars {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<X, E> {
            Self::scalar(v.into_deserializer())
        }
    )*};
}

impl<'de, X: TwoForms> Visitor<'de> for FormVisitor<X> {
    type Value = X;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(X::EXPECTING)
    }

    visit_scalars!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_string(String),
    );

    fn visit_str<E: de::Error>(self, v: &str) -> Result<X, E> {
        Self::scalar(v.to_owned().into_deserializer())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<X, A::Error> {
        let d = de::value::SeqAccessDeserializer::new(seq);
        if X::B_SHAPE == Shape::Seq {
            X::B::deserialize(d).map(X::from_b)
        } else {
            Err(de::Error::custom(format!(
                "invalid type: a list, expected {}",
                X::EXPECTING
            )))
        }
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<X, A::Error> {
        let d = de::value::MapAccessDeserializer::new(map);
        if X::A_SHAPE == Shape::Map {
            X::A::deserialize(d).map(X::from_a)
        } else if X::B_SHAPE == Shape::Map {
            X::B::deserialize(d).map(X::from_b)
        } else {
            Err(de::Error::custom(format!(
                "invalid type: a mapping, expected {}",
                X::EXPECTING
            )))
        }
    }
}

/// The cache form `(form, payload)`.
struct CachedVisitor<X>(PhantomData<X>);

impl<'de, X: TwoForms> Visitor<'de> for CachedVisitor<X> {
    type Value = X;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a cached (form, value) pair")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<X, A::Error> {
        let form: u8 = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let missing = || de::Error::invalid_length(1, &"a cached (form, value) pair");
        match form {
            0 => Ok(X::from_a(seq.next_element()?.ok_or_else(missing)?)),
            _ => Ok(X::from_b(seq.next_element()?.ok_or_else(missing)?)),
        }
    }
}

fn deserialize_forms<'de, X: TwoForms, D: Deserializer<'de>>(d: D) -> Result<X, D::Error> {
    if crate::yaml::decoding_from_cache() {
        d.deserialize_tuple(2, CachedVisitor(PhantomData))
    } else {
        d.deserialize_any(FormVisitor(PhantomData))
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_forms(d)
    }
}

impl<'de, S: DeserializeOwned, M: DeserializeOwned> Deserialize<'de> for ScalarOrMap<S, M> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_forms(d)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for MapOrList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_forms(d)
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(v) => (0u8, v).serialize(s),
            OneOrMany::Many(v) => (1u8, v).serialize(s),
        }
    }
}

impl<A: Serialize, B: Serialize> Serialize for ScalarOrMap<A, B> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ScalarOrMap::Scalar(v) => (0u8, v).serialize(s),
            ScalarOrMap::Map(v) => (1u8, v).serialize(s),
        }
    }
}

impl<T: Serialize> Serialize for MapOrList<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MapOrList::One(v) => (0u8, v).serialize(s),
            MapOrList::Many(v) => (1u8, v).serialize(s),
        }
    }
}

fn any_of(a: &Schema, b: &Schema) -> Schema {
    json_schema!({ "anyOf": [a, b] })
}

impl<T: JsonSchema> JsonSchema for OneOrMany<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("OneOrMany_{}", T::schema_name()).into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let one = g.subschema_for::<T>();
        let many = g.subschema_for::<Vec<T>>();
        any_of(&one, &many)
    }
}

impl<S: JsonSchema, M: JsonSchema> JsonSchema for ScalarOrMap<S, M> {
    fn schema_name() -> Cow<'static, str> {
        format!("{}_or_{}", S::schema_name(), M::schema_name()).into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let a = g.subschema_for::<S>();
        let b = g.subschema_for::<M>();
        any_of(&a, &b)
    }
}

impl<T: JsonSchema> JsonSchema for MapOrList<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("OneOrList_{}", T::schema_name()).into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let one = g.subschema_for::<T>();
        let many = g.subschema_for::<Vec<T>>();
        any_of(&one, &many)
    }
}
