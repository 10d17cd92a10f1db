//! The model document: what a model file says, item by item, with where each thing was read.
//!
//! This is the form every reader produces (TOML, JSON, CSV) and every writer consumes; it keeps
//! everything a file says, including provenance, so that `convert` loses nothing the target can
//! hold. Validation and graph building work from it (see `validate` and `graph`).
//!
//! Each entity (source, region, node, edge, material, control, scenario) is declared once,
//! with its field table (keys, CSV columns, figures): see `fields`.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::fields::entity;
use crate::diag::Loc;

/// A name or id as written, with its place.
#[derive(Debug, Clone, Default)]
pub struct Name {
    pub text: String,
    pub at: Loc,
}

impl Name {
    pub fn new(text: impl Into<String>, at: Loc) -> Self {
        Name {
            text: text.into(),
            at,
        }
    }
    pub fn plain(text: impl Into<String>) -> Self {
        Name::new(text, Loc::Nowhere)
    }
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// The value of a figure: a number, a text or a flag.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Scalar {
    Num(f64),
    Bool(bool),
    Text(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Num(n) => write!(f, "{}", crate::number::number(*n)),
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Text(t) => f.write_str(t),
        }
    }
}

/// One value of a figure, as one source gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureValue {
    pub value: Scalar,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Name>,
    /// The date or period the value is for ("2024", "2025-09").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The value the model uses, where sources disagree.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub used: bool,
    /// The low end of the value's range (docs/semantics.md §9), when the source gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// The high end of the value's range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    #[serde(skip)]
    pub at: Loc,
}

impl FigureValue {
    /// A value with nothing but itself.
    pub fn plain(value: Scalar) -> FigureValue {
        FigureValue {
            value,
            source: None,
            date: None,
            note: None,
            used: false,
            low: None,
            high: None,
            at: Loc::Nowhere,
        }
    }

    /// Its own range, when both ends are given.
    pub fn range(&self) -> Option<(f64, f64)> {
        Some((self.low?, self.high?))
    }
}

/// A range written as text, `0.4..0.8`: its two ends (`None` when the text is no range).
pub fn parse_range(text: &str) -> Option<(f64, f64)> {
    let (a, b) = text.split_once("..")?;
    let a = a.trim().parse::<f64>().ok()?;
    let b = b.trim().parse::<f64>().ok()?;
    (a.is_finite() && b.is_finite()).then_some((a, b))
}

/// A scalar read from a text: a range `low..high` becomes its midpoint with the range.
pub fn scalar_or_range(text: &str) -> (Scalar, Option<(f64, f64)>) {
    match parse_range(text) {
        Some((lo, hi)) => (Scalar::Num((lo + hi) / 2.0), Some((lo, hi))),
        None => (Scalar::Text(text.to_string()), None),
    }
}

/// A figure: one value, or several values from different sources side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub values: Vec<FigureValue>,
    pub unit: Option<Name>,
    pub at: Loc,
}

impl Figure {
    pub fn number(n: f64) -> Figure {
        Figure::of(Scalar::Num(n))
    }
    pub fn of(value: Scalar) -> Figure {
        Figure {
            values: vec![FigureValue::plain(value)],
            unit: None,
            at: Loc::Nowhere,
        }
    }
    /// The value the model uses: the one marked `used`, else the only or first one.
    pub fn used(&self) -> &FigureValue {
        self.values
            .iter()
            .find(|v| v.used)
            .unwrap_or(&self.values[0])
    }
    pub fn as_number(&self) -> Option<f64> {
        match self.used().value {
            Scalar::Num(n) => Some(n),
            _ => None,
        }
    }
    /// The range of the figure (docs/semantics.md §9): the used value's own range, else,
    /// where several sources give numbers, the span of their numbers; `None` when certain.
    pub fn range(&self) -> Option<(f64, f64)> {
        if let Some(r) = self.used().range() {
            return Some(r);
        }
        let mut nums = self.values.iter().filter_map(|v| match v.value {
            Scalar::Num(x) => Some(x),
            _ => None,
        });
        let first = nums.next()?;
        let (lo, hi) = nums.fold((first, first), |(lo, hi), x| (lo.min(x), hi.max(x)));
        (hi > lo).then_some((lo, hi))
    }

    /// Whether the figure is plain: one value with nothing but the value.
    fn is_plain(&self) -> bool {
        self.unit.is_none()
            && self.values.len() == 1
            && self.values[0].source.is_none()
            && self.values[0].date.is_none()
            && self.values[0].note.is_none()
            && self.values[0].low.is_none()
            && self.values[0].high.is_none()
    }
}

impl Serialize for Figure {
    /// A plain figure is written as its value; a single sourced value as
    /// `{ value, unit, source, date, note }`; several as `{ unit, values = [...] }`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_plain() {
            return self.values[0].value.serialize(s);
        }
        let mut m = s.serialize_map(None)?;
        if self.values.len() == 1 {
            let v = &self.values[0];
            m.serialize_entry("value", &v.value)?;
            if let Some(u) = &self.unit {
                m.serialize_entry("unit", u)?;
            }
            if let Some(src) = &v.source {
                m.serialize_entry("source", src)?;
            }
            if let Some(d) = &v.date {
                m.serialize_entry("date", d)?;
            }
            if let Some(n) = &v.note {
                m.serialize_entry("note", n)?;
            }
            if let Some(x) = v.low {
                m.serialize_entry("low", &x)?;
            }
            if let Some(x) = v.high {
                m.serialize_entry("high", &x)?;
            }
        } else {
            if let Some(u) = &self.unit {
                m.serialize_entry("unit", u)?;
            }
            m.serialize_entry("values", &self.values)?;
        }
        m.end()
    }
}

/// Free attributes, in the order written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attrs(pub Vec<(Name, Figure)>);

impl Attrs {
    pub fn get(&self, key: &str) -> Option<&Figure> {
        self.0.iter().find(|(k, _)| k.text == key).map(|(_, f)| f)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Attrs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(&k.text, v)?;
        }
        m.end()
    }
}

/// `[model]`: what the model is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Meta {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Units this model uses beyond the built-in ones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<Name>,
    #[serde(flatten)]
    pub attrs: Attrs,
}

entity! {
    /// `[[source]]`: a document figures are taken from.
    pub struct SourceDef("source", Stop) {
        pub id: Name = "id", must;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub title: Option<String> = "title", fixed;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub publisher: Option<String> = "publisher", fixed;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub date: Option<String> = "date", fixed;
        /// Where in the document the figures are (page, table, section).
        #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
        pub locator: Option<String> = "where", fixed;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub url: Option<String> = "url", fixed;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub note: Option<String> = "note", fixed;
    }
}

entity! {
    /// `[[region]]`: a place that contains flow nodes (in CSV, a row of `nodes.csv` of kind
    /// `region`).
    pub struct RegionDef("region", Stop) {
        pub id: Name = "id";
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String> = "name";
        /// The region this one lies in.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub within: Option<Name> = "within" in "region";
        /// continent, country, province, city, zone, ...
        #[serde(skip_serializing_if = "Option::is_none")]
        pub level: Option<Name> = "level";
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source: Option<Name> = "source";
    }
    + attrs
}

entity! {
    /// `[[node]]`: a flow node (mine, facility, stage, product, end use).
    pub struct NodeDef("node", ReadAll) {
        pub id: Name = "id", must;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String> = "name", must;
        pub kind: Name = "kind", must;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub stage: Option<Name> = "stage", must;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub region: Option<Name> = "region", must;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub company: Option<String> = "company";
        /// operating (default), planned, construction, stopped, ...
        #[serde(skip_serializing_if = "Option::is_none")]
        pub status: Option<String> = "status";
        /// Base-year output (for an end use: its demand), tonnes per year unless a unit says.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub output: Option<Figure> = "output";
        /// The most it can produce (defaults to its output).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub capacity: Option<Figure> = "capacity";
        /// The default source of this node's figures.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source: Option<Name> = "source";
    }
    + attrs
}

entity! {
    /// `[[edge]]`: `from` supplies `to`.
    pub struct EdgeDef("edge", ReadAll) {
        pub from: Name = "from", must;
        pub to: Name = "to", must;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub material: Option<Name> = "material", must;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub share: Option<Figure> = "share", must, fraction;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub volume: Option<Figure> = "volume", must;
        /// The most the route can carry (a licence, a contract, a port); unbounded if not given.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub capacity: Option<Figure> = "capacity";
        /// operating (default), planned (not yet supplying), stopped (no longer supplying).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub status: Option<Name> = "status";
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source: Option<Name> = "source";
    }
    + attrs
}

entity! {
    /// `[[material]]`: a kind of input, and the elements it contains.
    pub struct MaterialDef("material", Stop) {
        pub id: Name = "id", must;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String> = "name", fixed;
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub elements: Vec<Name> = "elements", fixed;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source: Option<Name> = "source", fixed;
    }
    + attrs
}

entity! {
    /// `[[control]]`: an export control on elements, by a region.
    pub struct ControlDef("control", Stop) {
        pub id: Name = "id", must;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub by: Option<Name> = "by", fixed;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub date: Option<String> = "date", fixed;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub reference: Option<String> = "reference", fixed;
        pub elements: Vec<Name> = "elements", must;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub status: Option<String> = "status", fixed;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source: Option<Name> = "source", fixed;
    }
    + attrs
}

entity! {
    /// `[[scenario]]`: a named what-if, written in the query language's `with` clause.
    pub struct ScenarioDef("scenario", ReadFields) {
        pub id: Name = "id", must;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String> = "name", fixed;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<String> = "description", fixed;
        /// The disruptions, as after `with` in a query: `disrupt "x" by 30%, ...`.
        pub with: Name = "with", must;
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source: Option<Name> = "source", fixed;
    }
}

/// A whole model document.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ModelDoc {
    pub model: Meta,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source: Vec<SourceDef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub material: Vec<MaterialDef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub control: Vec<ControlDef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub region: Vec<RegionDef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub node: Vec<NodeDef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edge: Vec<EdgeDef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scenario: Vec<ScenarioDef>,
}

impl ModelDoc {
    /// Appends another document's items (one file of a model folder).
    pub fn merge(&mut self, other: ModelDoc) {
        if self.model.name.is_none() {
            self.model.name = other.model.name;
        }
        if self.model.description.is_none() {
            self.model.description = other.model.description;
        }
        self.model.units.extend(other.model.units);
        self.model.attrs.0.extend(other.model.attrs.0);
        self.source.extend(other.source);
        self.material.extend(other.material);
        self.control.extend(other.control);
        self.region.extend(other.region);
        self.node.extend(other.node);
        self.edge.extend(other.edge);
        self.scenario.extend(other.scenario);
    }
}
