//! Reading a value tree (from TOML or JSON) into a `ModelDoc`, reporting every shape problem
//! (wrong type, missing or misspelt key) and keeping whatever could be read.

use super::doc::*;
use super::error::ModelError;
use super::fields::{self, Entity, Field, FieldReader};
use super::tree::{Item, Val};
use crate::diag::{Loc, Problems};

const TOP: &[&str] = &[
    "model", "source", "material", "control", "region", "node", "edge", "scenario",
];

/// Reads a whole document.
pub fn read_doc(root: &Item, p: &mut Problems) -> ModelDoc {
    let mut doc = ModelDoc::default();
    let Val::Table(entries) = &root.val else {
        p.push(ModelError::DocumentNotTable.at(root.at.clone()));
        return doc;
    };
    for (key, item) in entries {
        match key.text.as_str() {
            "model" => {
                if let Some(mut f) = Fields::of(item, "[model]", p) {
                    doc.model.name = f.text("name", p);
                    doc.model.description = f.text("description", p);
                    doc.model.units = f.names("units", p);
                    doc.model.attrs = f.attrs(&["name", "description", "units"], p);
                }
            }
            "source" => doc.source.extend(entities(item, p)),
            "region" => doc.region.extend(entities(item, p)),
            "node" => doc.node.extend(entities(item, p)),
            "edge" => doc.edge.extend(entities(item, p)),
            "material" => doc.material.extend(entities(item, p)),
            "control" => doc.control.extend(entities(item, p)),
            "scenario" => doc.scenario.extend(entities(item, p)),
            other => {
                let hint = crate::suggest::hint(other, TOP.to_vec());
                p.push(
                    ModelError::UnknownSection(other.to_string())
                        .at(key.at.clone())
                        .with_label_opt(
                            hint.or_else(|| Some(format!("expected one of: {}", TOP.join(", ")))),
                        ),
                );
            }
        }
    }
    doc
}

/// Reads every table of an array of tables (`[[node]]`), or a single table, as entities by
/// their field table.
fn entities<E: Entity>(item: &Item, p: &mut Problems) -> Vec<E> {
    let what = E::WHAT;
    let items: Vec<&Item> = match &item.val {
        Val::Array(a) => a.iter().collect(),
        Val::Table(_) => vec![item],
        other => {
            p.push(
                ModelError::NotArrayOfTables {
                    what: what.to_string(),
                    found: other.type_name(),
                }
                .at(item.at.clone()),
            );
            return Vec::new();
        }
    };
    items
        .into_iter()
        .filter_map(|it| {
            let mut f = Fields::of(it, what, p)?;
            let at = f.at.clone();
            fields::read(&mut f, at, p)
        })
        .collect()
}

/// The keys of one table, taken one by one; what is left is checked at the end.
pub struct Fields<'a> {
    entries: &'a [(Name, Item)],
    used: Vec<bool>,
    what: &'static str,
    pub at: Loc,
}

impl<'a> Fields<'a> {
    fn of(item: &'a Item, what: &'static str, p: &mut Problems) -> Option<Self> {
        match &item.val {
            Val::Table(entries) => Some(Fields {
                entries,
                used: vec![false; entries.len()],
                what,
                at: item.at.clone(),
            }),
            other => {
                p.push(
                    ModelError::EntryNotTable {
                        what: what.to_string(),
                        found: other.type_name(),
                    }
                    .at(item.at.clone()),
                );
                None
            }
        }
    }

    fn take(&mut self, key: &str) -> Option<&'a Item> {
        let i = self.entries.iter().position(|(k, _)| k.text == key)?;
        self.used[i] = true;
        Some(&self.entries[i].1)
    }

    /// A reference to something else (an id, a unit, a kind), kept with its place.
    fn name(&mut self, key: &str, p: &mut Problems) -> Option<Name> {
        let it = self.take(key)?;
        match &it.val {
            Val::Str(s) => Some(Name::new(s.clone(), it.at.clone())),
            Val::Invalid => None,
            other => {
                p.push(
                    ModelError::NotTextValue {
                        key: key.to_string(),
                        found: other.type_name(),
                    }
                    .at(it.at.clone()),
                );
                None
            }
        }
    }

    fn req_name(&mut self, key: &str, p: &mut Problems) -> Option<Name> {
        if !self.entries.iter().any(|(k, _)| k.text == key) {
            p.push(
                ModelError::MissingKey {
                    what: self.what.to_string(),
                    key: key.to_string(),
                }
                .at(self.at.clone()),
            );
            return None;
        }
        let n = self.name(key, p)?;
        if n.text.trim().is_empty() {
            p.push(ModelError::EmptyKey(key.to_string()).at(n.at.clone()));
            return None;
        }
        Some(n)
    }

    fn text(&mut self, key: &str, p: &mut Problems) -> Option<String> {
        let it = self.take(key)?;
        match &it.val {
            Val::Str(s) | Val::Datetime(s) => Some(s.clone()),
            Val::Int(i) => Some(i.to_string()),
            Val::Invalid => None,
            other => {
                p.push(
                    ModelError::NotTextValue {
                        key: key.to_string(),
                        found: other.type_name(),
                    }
                    .at(it.at.clone()),
                );
                None
            }
        }
    }

    fn names(&mut self, key: &str, p: &mut Problems) -> Vec<Name> {
        let Some(it) = self.take(key) else {
            return Vec::new();
        };
        let Val::Array(a) = &it.val else {
            p.push(ModelError::NotTextArray(key.to_string()).at(it.at.clone()));
            return Vec::new();
        };
        a.iter()
            .filter_map(|x| match &x.val {
                Val::Str(s) => Some(Name::new(s.clone(), x.at.clone())),
                other => {
                    p.push(
                        ModelError::NotTextItem {
                            key: key.to_string(),
                            found: other.type_name(),
                        }
                        .at(x.at.clone()),
                    );
                    None
                }
            })
            .collect()
    }

    fn figure(&mut self, key: &str, p: &mut Problems) -> Option<Figure> {
        let it = self.take(key)?;
        read_figure(key, it, p)
    }

    /// Everything not yet taken, as free attributes. A key one or two letters away from a known
    /// key is taken for a misspelling and reported.
    fn attrs(&mut self, known: &[&str], p: &mut Problems) -> Attrs {
        let mut attrs = Attrs::default();
        for (i, (k, it)) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            self.used[i] = true;
            if let Some(close) = misspelt(&k.text, known) {
                p.push(
                    ModelError::UnknownKey {
                        key: k.text.to_string(),
                        what: self.what.to_string(),
                    }
                    .at(k.at.clone())
                    .with_label(format!("did you mean `{close}`?")),
                );
                continue;
            }
            if let Some(f) = read_figure(&k.text, it, p) {
                attrs.0.push((k.clone(), f));
            }
        }
        attrs
    }

    /// Reports every key not taken (for items that hold no free attributes).
    fn no_more(&mut self, p: &mut Problems) {
        for (i, (k, _)) in self.entries.iter().enumerate() {
            if !self.used[i] {
                p.push(
                    ModelError::UnknownKey {
                        key: k.text.to_string(),
                        what: self.what.to_string(),
                    }
                    .at(k.at.clone()),
                );
            }
        }
    }
}

impl FieldReader for Fields<'_> {
    fn required(&mut self, f: &Field, p: &mut Problems) -> Option<Name> {
        self.req_name(f.key, p)
    }
    fn name(&mut self, f: &Field, p: &mut Problems) -> Option<Name> {
        Fields::name(self, f.key, p)
    }
    fn text(&mut self, f: &Field, p: &mut Problems) -> Option<String> {
        Fields::text(self, f.key, p)
    }
    fn figure(&mut self, f: &Field, p: &mut Problems) -> Option<Figure> {
        Fields::figure(self, f.key, p)
    }
    fn names(&mut self, f: &Field, p: &mut Problems) -> Vec<Name> {
        Fields::names(self, f.key, p)
    }
    fn attrs(&mut self, known: &[&str], p: &mut Problems) -> Attrs {
        Fields::attrs(self, known, p)
    }
    fn no_more(&mut self, p: &mut Problems) {
        Fields::no_more(self, p)
    }
}

/// A known key one edit (a letter added, dropped, changed or two swapped) away from `key`, or
/// two edits for long keys; not a mere extension of it (`capacity_2030` is an attribute).
fn misspelt<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    if key.len() < 4 {
        return None;
    }
    let allowed = if key.len() >= 7 { 2 } else { 1 };
    known.iter().copied().find(|k| {
        let d = strsim::damerau_levenshtein(key, k);
        d > 0 && d <= allowed && !key.starts_with(k) && !k.starts_with(key)
    })
}

fn scalar(it: &Item) -> Option<Scalar> {
    Some(match &it.val {
        Val::Int(i) => Scalar::Num(*i as f64),
        Val::Float(f) => Scalar::Num(*f),
        Val::Bool(b) => Scalar::Bool(*b),
        Val::Str(s) | Val::Datetime(s) => Scalar::Text(s.clone()),
        _ => return None,
    })
}

/// A figure: `42`, `"text"`, `{ value = 42, unit = "t", source = "x", date = "2024" }`, or
/// `{ unit = "t", values = [ { value = 1, source = "a", used = true }, { value = 2, source = "b" } ] }`.
pub fn read_figure(key: &str, it: &Item, p: &mut Problems) -> Option<Figure> {
    if let Val::Invalid = it.val {
        return None;
    }
    if let Some(value) = scalar(it) {
        let mut f = Figure::of(value);
        f.at = it.at.clone();
        f.values[0].at = it.at.clone();
        with_text_range(&mut f.values[0]);
        return Some(f);
    }
    let mut f = Fields::of(it, "figure", p)?;
    let unit = f.name("unit", p);
    let values = if let Some(vs) = f.take("values") {
        let Val::Array(a) = &vs.val else {
            p.push(ModelError::ValuesNotTables(key.to_string()).at(vs.at.clone()));
            return None;
        };
        let vals: Vec<FigureValue> = a.iter().filter_map(|x| figure_value(x, p)).collect();
        if vals.len() > 1 && !vals.iter().any(|v| v.used) {
            p.push(
                ModelError::NoneUsed {
                    key: key.to_string(),
                    count: vals.len(),
                }
                .at(vs.at.clone())
                .with_note("where sources disagree, keep both and mark the one the model uses"),
            );
        }
        if vals.iter().filter(|v| v.used).count() > 1 {
            p.push(ModelError::SeveralUsed(key.to_string()).at(vs.at.clone()));
        }
        f.no_more(p);
        vals
    } else {
        let v = figure_value_fields(&mut f, p);
        f.no_more(p);
        vec![v?]
    };
    if values.is_empty() {
        p.push(ModelError::NoValue(key.to_string()).at(it.at.clone()));
        return None;
    }
    Some(Figure {
        values,
        unit,
        at: it.at.clone(),
    })
}

fn figure_value(it: &Item, p: &mut Problems) -> Option<FigureValue> {
    let mut f = Fields::of(it, "figure value", p)?;
    let v = figure_value_fields(&mut f, p);
    f.no_more(p);
    v
}

fn figure_value_fields(f: &mut Fields<'_>, p: &mut Problems) -> Option<FigureValue> {
    let Some(vi) = f.take("value") else {
        p.push(ModelError::FigureWithoutValue.at(f.at.clone()));
        return None;
    };
    let Some(value) = scalar(vi) else {
        if let Val::Invalid = vi.val {
            return None;
        }
        p.push(ModelError::BadFigureValue(vi.val.type_name()).at(vi.at.clone()));
        return None;
    };
    let used = match f.take("used") {
        None => false,
        Some(Item {
            val: Val::Bool(b), ..
        }) => *b,
        Some(other) => {
            p.push(ModelError::UsedNotBool.at(other.at.clone()));
            false
        }
    };
    let mut v = FigureValue {
        value,
        source: f.name("source", p),
        date: f.text("date", p),
        note: f.text("note", p),
        used,
        low: None,
        high: None,
        at: vi.at.clone(),
    };
    with_text_range(&mut v);
    for (key, slot) in [("low", &mut v.low), ("high", &mut v.high)] {
        let Some(x) = f.take(key) else { continue };
        match &x.val {
            Val::Int(i) => *slot = Some(*i as f64),
            Val::Float(n) => *slot = Some(*n),
            Val::Invalid => {}
            other => p.push(
                ModelError::NotANumber {
                    what: format!("`{key}`"),
                    found: other.type_name().to_string(),
                }
                .at(x.at.clone()),
            ),
        }
    }
    Some(v)
}

/// A value written as a range, `"0.4..0.8"`: its midpoint, with the range.
fn with_text_range(v: &mut FigureValue) {
    if let Scalar::Text(t) = &v.value {
        if let (value, Some((lo, hi))) = super::doc::scalar_or_range(t) {
            v.value = value;
            v.low = Some(lo);
            v.high = Some(hi);
        }
    }
}
