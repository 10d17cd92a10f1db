//! One field table per entity: the keys an item may have, their CSV columns, which are required,
//! which are figures. The readers (TOML and JSON in `read`, CSV in `csv_io`), the CSV writer,
//! the validator's quantity checks and the bulk reader's column lookups all go by these tables,
//! so a field is declared once, in `doc`, with the [`entity!`] macro:
//!
//! ```text
//! entity! {
//!     /// `[[edge]]`: `from` supplies `to`.
//!     pub struct EdgeDef("edge", ReadAll) {
//!         pub from: Name = "from", must;
//!         #[serde(skip_serializing_if = "Option::is_none")]
//!         pub share: Option<Figure> = "share", must, fraction;
//!         ...
//!     }
//!     + attrs
//! }
//! ```
//!
//! A field's type says how it is read and written: `Name` (a required reference), an optional
//! `Name` (a reference), `String` (a text), `Figure` (a quantity: numeric, not negative) or a
//! list of `Name`s. After the key come, optionally, `in "column"` (its CSV column, when not the
//! key) and flags: `must` (the CSV table must have the column; it is written first), `fixed`
//! (the column is always written) and `fraction` (a quantity at most 1).

use super::doc::{Attrs, Figure, Name};
use crate::diag::{Loc, Problems};

/// How a field is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A required reference (an id, a kind, an edge's ends).
    Required,
    /// An optional reference to something else (a region, a source, a unit).
    Name,
    /// A free text.
    Text,
    /// A quantity with its unit and sources.
    Figure,
    /// A list of references.
    Names,
}

/// What a field declaration says beyond its key and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// A CSV table of the entity must have this column; it is written first.
    Must,
    /// The CSV column is always written, even when no item has a value.
    Fixed,
    /// A quantity that is a fraction in [0, 1].
    Fraction,
}

/// One field of an entity.
#[derive(Debug)]
pub struct Field {
    /// Its key in TOML and JSON.
    pub key: &'static str,
    /// Its column in CSV tables.
    pub column: &'static str,
    pub kind: FieldKind,
    pub flags: &'static [Flag],
}

impl Field {
    pub fn has(&self, flag: Flag) -> bool {
        self.flags.contains(&flag)
    }
    pub fn is_required(&self) -> bool {
        self.kind == FieldKind::Required
    }
    pub fn is_figure(&self) -> bool {
        self.kind == FieldKind::Figure
    }
    /// Whether the CSV column is always written.
    pub fn is_fixed(&self) -> bool {
        self.has(Flag::Must) || self.has(Flag::Fixed)
    }
}

/// What is still read of an item that lacks a required key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnMissing {
    /// Nothing more.
    Stop,
    /// Its other fields, but not what is left over (attributes, unknown keys).
    ReadFields,
    /// Everything, so that every problem of the item is reported.
    ReadAll,
}

/// A source of field values: a TOML or JSON table, or a CSV row.
pub trait FieldReader {
    /// A required reference; `None`, after reporting, when missing or empty.
    fn required(&mut self, f: &Field, p: &mut Problems) -> Option<Name>;
    fn name(&mut self, f: &Field, p: &mut Problems) -> Option<Name>;
    fn text(&mut self, f: &Field, p: &mut Problems) -> Option<String>;
    fn figure(&mut self, f: &Field, p: &mut Problems) -> Option<Figure>;
    fn names(&mut self, f: &Field, p: &mut Problems) -> Vec<Name>;
    /// Everything not yet read, as free attributes (`known`: the entity's keys).
    fn attrs(&mut self, known: &[&str], p: &mut Problems) -> Attrs;
    /// Reports what is left over, for entities without free attributes.
    fn no_more(&mut self, p: &mut Problems);
}

/// A sink of field values: a CSV row.
pub trait FieldWriter {
    fn text(&mut self, column: &str, value: String);
    fn figure(&mut self, column: &str, f: &Figure);
}

/// A field's type: how its value is read and written.
pub trait FieldValue {
    const KIND: FieldKind;
    /// Reads the value into `self`; `false` when a required value is missing.
    fn read(&mut self, f: &Field, r: &mut dyn FieldReader, p: &mut Problems) -> bool;
    fn write(&self, f: &Field, w: &mut dyn FieldWriter);
    fn figure(&self) -> Option<&Figure> {
        None
    }
}

impl FieldValue for Name {
    const KIND: FieldKind = FieldKind::Required;
    fn read(&mut self, f: &Field, r: &mut dyn FieldReader, p: &mut Problems) -> bool {
        match r.required(f, p) {
            Some(n) => {
                *self = n;
                true
            }
            None => false,
        }
    }
    fn write(&self, f: &Field, w: &mut dyn FieldWriter) {
        w.text(f.column, self.text.clone());
    }
}

impl FieldValue for Option<Name> {
    const KIND: FieldKind = FieldKind::Name;
    fn read(&mut self, f: &Field, r: &mut dyn FieldReader, p: &mut Problems) -> bool {
        *self = r.name(f, p);
        true
    }
    fn write(&self, f: &Field, w: &mut dyn FieldWriter) {
        if let Some(n) = self {
            w.text(f.column, n.text.clone());
        }
    }
}

impl FieldValue for Option<String> {
    const KIND: FieldKind = FieldKind::Text;
    fn read(&mut self, f: &Field, r: &mut dyn FieldReader, p: &mut Problems) -> bool {
        *self = r.text(f, p);
        true
    }
    fn write(&self, f: &Field, w: &mut dyn FieldWriter) {
        if let Some(t) = self {
            w.text(f.column, t.clone());
        }
    }
}

impl FieldValue for Option<Figure> {
    const KIND: FieldKind = FieldKind::Figure;
    fn read(&mut self, f: &Field, r: &mut dyn FieldReader, p: &mut Problems) -> bool {
        *self = r.figure(f, p);
        true
    }
    fn write(&self, f: &Field, w: &mut dyn FieldWriter) {
        if let Some(fig) = self {
            w.figure(f.column, fig);
        }
    }
    fn figure(&self) -> Option<&Figure> {
        self.as_ref()
    }
}

impl FieldValue for Vec<Name> {
    const KIND: FieldKind = FieldKind::Names;
    fn read(&mut self, f: &Field, r: &mut dyn FieldReader, p: &mut Problems) -> bool {
        *self = r.names(f, p);
        true
    }
    fn write(&self, f: &Field, w: &mut dyn FieldWriter) {
        if !self.is_empty() {
            let joined: Vec<&str> = self.iter().map(|n| n.text.as_str()).collect();
            w.text(f.column, joined.join(";"));
        }
    }
}

/// An item of a model document declared with [`entity!`].
pub trait Entity: Default {
    /// What an item is called in messages (`node`, `edge`, ...).
    const WHAT: &'static str;
    const ON_MISSING: OnMissing;
    const FIELDS: &'static [Field];
    fn read_field(&mut self, f: &Field, r: &mut dyn FieldReader, p: &mut Problems) -> bool;
    fn write_field(&self, f: &Field, w: &mut dyn FieldWriter);
    /// The value of figure field `f`, when given.
    fn figure(&self, f: &Field) -> Option<&Figure>;
    fn attrs(&self) -> Option<&Attrs>;
    fn attrs_mut(&mut self) -> Option<&mut Attrs>;
    fn set_at(&mut self, at: Loc);

    /// The declared figures (quantities) the item gives, in declaration order.
    fn figures(&self) -> impl Iterator<Item = (&'static Field, &Figure)> {
        Self::FIELDS
            .iter()
            .filter_map(move |f| Some((f, self.figure(f)?)))
    }

    /// The field with TOML key `key`.
    fn field(key: &str) -> Option<&'static Field> {
        Self::FIELDS.iter().find(|f| f.key == key)
    }
}

/// Reads an item from `r` (which was found at `at`), reporting every problem; `None` when a
/// required field is missing.
pub fn read<E: Entity>(r: &mut dyn FieldReader, at: Loc, p: &mut Problems) -> Option<E> {
    let mut e = E::default();
    e.set_at(at);
    let mut complete = true;
    for f in E::FIELDS.iter().filter(|f| f.is_required()) {
        complete &= e.read_field(f, r, p);
    }
    if !complete && E::ON_MISSING == OnMissing::Stop {
        return None;
    }
    for f in E::FIELDS.iter().filter(|f| !f.is_required()) {
        e.read_field(f, r, p);
    }
    if !complete && E::ON_MISSING == OnMissing::ReadFields {
        return None;
    }
    match e.attrs_mut() {
        Some(attrs) => {
            let known: Vec<&str> = E::FIELDS.iter().map(|f| f.key).collect();
            *attrs = r.attrs(&known, p);
        }
        None => r.no_more(p),
    }
    complete.then_some(e)
}

/// Writes an item's fields to `w`: in declaration order, except that figures whose column is
/// not fixed go last, next to the attributes (which are figures too).
pub fn write<E: Entity>(e: &E, w: &mut dyn FieldWriter) {
    let (first, last): (Vec<&Field>, Vec<&Field>) = E::FIELDS
        .iter()
        .partition(|f| f.is_fixed() || !f.is_figure());
    for f in first.into_iter().chain(last) {
        e.write_field(f, w);
    }
    if let Some(attrs) = e.attrs() {
        for (k, fig) in &attrs.0 {
            w.figure(&k.text, fig);
        }
    }
}

/// The CSV columns an entity's table must have.
pub fn must_columns<E: Entity>() -> Vec<&'static str> {
    E::FIELDS
        .iter()
        .filter(|f| f.has(Flag::Must))
        .map(|f| f.column)
        .collect()
}

/// Declares an entity of the model document: its struct (with `at`, its place, and optionally
/// `+ attrs`, its free attributes) and its field table (see the module documentation).
macro_rules! entity {
    (@column $key:literal) => { $key };
    (@column $key:literal $column:literal) => { $column };
    (@flag must) => { $crate::model::fields::Flag::Must };
    (@flag fixed) => { $crate::model::fields::Flag::Fixed };
    (@flag fraction) => { $crate::model::fields::Flag::Fraction };
    (@attrs $s:ident) => { None };
    (@attrs $s:ident $attrs:ident) => { Some(&$s.$attrs) };
    (@attrs_mut $s:ident) => { None };
    (@attrs_mut $s:ident $attrs:ident) => { Some(&mut $s.$attrs) };
    (
        $(#[$meta:meta])*
        pub struct $name:ident($what:literal, $missing:ident) {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty = $key:literal $(in $column:literal)? $(, $flag:ident)* ;
            )*
        }
        $(+ $attrs:ident)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, serde::Serialize)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            $( #[serde(flatten)] pub $attrs: $crate::model::doc::Attrs, )?
            #[serde(skip)]
            pub at: $crate::diag::Loc,
        }

        impl $crate::model::fields::Entity for $name {
            const WHAT: &'static str = $what;
            const ON_MISSING: $crate::model::fields::OnMissing =
                $crate::model::fields::OnMissing::$missing;
            const FIELDS: &'static [$crate::model::fields::Field] = &[$(
                $crate::model::fields::Field {
                    key: $key,
                    column: $crate::model::fields::entity!(@column $key $($column)?),
                    kind: <$ty as $crate::model::fields::FieldValue>::KIND,
                    flags: &[$($crate::model::fields::entity!(@flag $flag)),*],
                }
            ),*];

            fn read_field(
                &mut self,
                f: &$crate::model::fields::Field,
                r: &mut dyn $crate::model::fields::FieldReader,
                p: &mut $crate::diag::Problems,
            ) -> bool {
                match f.key {
                    $( $key => $crate::model::fields::FieldValue::read(&mut self.$field, f, r, p), )*
                    _ => true,
                }
            }

            fn write_field(
                &self,
                f: &$crate::model::fields::Field,
                w: &mut dyn $crate::model::fields::FieldWriter,
            ) {
                match f.key {
                    $( $key => $crate::model::fields::FieldValue::write(&self.$field, f, w), )*
                    _ => {}
                }
            }

            fn figure(&self, f: &$crate::model::fields::Field) -> Option<&$crate::model::doc::Figure> {
                match f.key {
                    $( $key => $crate::model::fields::FieldValue::figure(&self.$field), )*
                    _ => None,
                }
            }

            fn attrs(&self) -> Option<&$crate::model::doc::Attrs> {
                $crate::model::fields::entity!(@attrs self $($attrs)?)
            }

            fn attrs_mut(&mut self) -> Option<&mut $crate::model::doc::Attrs> {
                $crate::model::fields::entity!(@attrs_mut self $($attrs)?)
            }

            fn set_at(&mut self, at: $crate::diag::Loc) {
                self.at = at;
            }
        }
    };
}
pub(crate) use entity;
