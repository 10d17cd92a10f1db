//! A parsed document as a plain tree of values, each with its place: the common ground of the
//! TOML and JSON readers, so that one reader (`read`) turns either into a `ModelDoc`.

use std::sync::Arc;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::doc::Name;
use super::error::ModelError;
use crate::diag::{Loc, Problems, SourceText};

#[derive(Debug, Clone)]
pub enum Val {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Datetime(String),
    Array(Vec<Item>),
    Table(Vec<(Name, Item)>),
    /// A value the parser could not read; its syntax error is already reported.
    Invalid,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub val: Val,
    pub at: Loc,
}

impl Val {
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Str(_) => "text",
            Val::Int(_) => "integer",
            Val::Float(_) => "number",
            Val::Bool(_) => "boolean",
            Val::Datetime(_) => "date",
            Val::Array(_) => "array",
            Val::Table(_) => "table",
            Val::Invalid => "invalid value",
        }
    }
}

/// Parses a TOML text, recovering from syntax errors so that every one is reported.
pub fn from_toml(file: &Arc<SourceText>, problems: &mut Problems) -> Item {
    let (doc, errors) = DeTable::parse_recoverable(&file.text);
    for e in errors {
        let at = match e.span() {
            Some(r) => Loc::span(file, r),
            None => Loc::File(file.clone()),
        };
        let msg = e.message().trim().to_string();
        problems.push(ModelError::MalformedToml(msg.to_string()).at(at));
    }
    let span = doc.span();
    Item {
        val: toml_table(file, doc.into_inner()),
        at: Loc::span(file, span),
    }
}

fn toml_table(file: &Arc<SourceText>, t: DeTable<'_>) -> Val {
    Val::Table(
        t.into_iter()
            .map(|(k, v)| {
                let key = Name::new(k.get_ref().to_string(), Loc::span(file, k.span()));
                (key, toml_item(file, v))
            })
            .collect(),
    )
}

fn toml_item(file: &Arc<SourceText>, v: Spanned<DeValue<'_>>) -> Item {
    let at = Loc::span(file, v.span());
    let val = match v.into_inner() {
        DeValue::String(s) => Val::Str(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            match i64::from_str_radix(&digits, i.radix()) {
                Ok(n) => Val::Int(n),
                Err(_) => digits.parse().map(Val::Float).unwrap_or(Val::Invalid),
            }
        }
        DeValue::Float(f) => {
            let text = f.as_str().replace('_', "");
            match text.as_str() {
                "inf" | "+inf" => Val::Float(f64::INFINITY),
                "-inf" => Val::Float(f64::NEG_INFINITY),
                "nan" | "+nan" | "-nan" => Val::Float(f64::NAN),
                t => t.parse().map(Val::Float).unwrap_or(Val::Invalid),
            }
        }
        DeValue::Boolean(b) => Val::Bool(b),
        DeValue::Datetime(d) => Val::Datetime(d.to_string()),
        DeValue::Array(a) => Val::Array(a.into_iter().map(|x| toml_item(file, x)).collect()),
        DeValue::Table(t) => toml_table(file, t),
    };
    Item { val, at }
}

/// Parses a JSON text. JSON is read without spans: places inside it are JSON pointers.
pub fn from_json(file: &Arc<SourceText>, problems: &mut Problems) -> Option<Item> {
    match serde_json::from_str::<serde_json::Value>(&file.text) {
        Ok(v) => Some(json_item(file, v, String::new())),
        Err(e) => {
            let offset = file.offset_of(e.line(), e.column());
            problems
                .push(ModelError::MalformedJson(e.to_string()).at(Loc::span(file, offset..offset)));
            None
        }
    }
}

fn json_item(file: &Arc<SourceText>, v: serde_json::Value, pointer: String) -> Item {
    use serde_json::Value as J;
    let val = match v {
        J::Null => Val::Str(String::new()),
        J::Bool(b) => Val::Bool(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Val::Int(i),
            None => Val::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => Val::Str(s),
        J::Array(a) => Val::Array(
            a.into_iter()
                .enumerate()
                .map(|(i, x)| json_item(file, x, format!("{pointer}/{i}")))
                .collect(),
        ),
        J::Object(o) => Val::Table(
            o.into_iter()
                .map(|(k, x)| {
                    let p = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                    let key = Name::new(
                        k,
                        Loc::Pointer {
                            file: file.clone(),
                            pointer: p.clone(),
                        },
                    );
                    (key, json_item(file, x, p))
                })
                .collect(),
        ),
    };
    let at = Loc::Pointer {
        file: file.clone(),
        pointer: if pointer.is_empty() {
            "/".into()
        } else {
            pointer
        },
    };
    Item { val, at }
}
