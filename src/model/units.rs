//! Units of figures: masses in tonnes, kept apart by base.
//!
//! A mass unit is a scale (`g`, `kg`, `t`, `kt`, `Mt`), then optionally a base (what the mass
//! is a mass of: `t REO` is tonnes of rare-earth oxide, `t NdPr` tonnes of NdPr, `t magnets`
//! tonnes of magnets; no base is the product itself), then optionally a period (`/yr`,
//! `/year`, `/month`). Conversions are exact: `kt` = 1,000 t, `Mt` = 1,000,000 t, `kg` =
//! 0.001 t, `g` = 0.000001 t; `/month` = 12 a year; a figure without a period is the amount
//! for its year, so `t REO` and `t REO/yr` add. Masses of different bases are different
//! quantities and never add (`t REO` + `t` is an error, not a sum). Any other unit (`MW`,
//! `motors/yr`, `%`) adds only to the same unit.

/// A unit as read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit<'a> {
    /// A mass: one of it is `tonnes` tonnes (a year) of `base` ("" for the product itself).
    Mass {
        tonnes: f64,
        base: &'a str,
        /// Whether the unit names a period (`/yr`, `/month`).
        rate: bool,
    },
    /// Any other unit: adds only to itself.
    Other(&'a str),
    /// No unit: a plain number.
    Plain,
}

/// Tonnes in one of each mass scale.
const SCALES: &[(&str, f64)] = &[
    ("g", 1e-6),
    ("kg", 1e-3),
    ("t", 1.0),
    ("kt", 1e3),
    ("Mt", 1e6),
];

/// Periods and how many of them make a year.
const PERIODS: &[(&str, f64)] = &[("/yr", 1.0), ("/year", 1.0), ("/month", 12.0)];

impl<'a> Unit<'a> {
    /// Reads a unit (`None`: no unit).
    pub fn parse(unit: Option<&'a str>) -> Unit<'a> {
        let Some(u) = unit.map(str::trim).filter(|u| !u.is_empty()) else {
            return Unit::Plain;
        };
        let (body, per_year, rate) = match PERIODS.iter().find(|(p, _)| u.ends_with(p)) {
            Some((p, n)) => (&u[..u.len() - p.len()], *n, true),
            None => (u, 1.0, false),
        };
        let (scale, base) = match body.split_once(' ') {
            Some((s, b)) => (s, b.trim()),
            None => (body, ""),
        };
        match SCALES.iter().find(|(s, _)| *s == scale) {
            Some((_, t)) if !base.contains('/') => Unit::Mass {
                tonnes: t * per_year,
                base,
                rate,
            },
            _ => Unit::Other(u),
        }
    }

    /// The mass in tonnes (a year) and base of `value` in this unit; `None` when not a mass.
    pub fn tonnes(&self, value: f64) -> Option<(f64, &'a str)> {
        match *self {
            Unit::Mass { tonnes, base, .. } => Some((value * tonnes, base)),
            _ => None,
        }
    }
}

/// The unit of a mass in tonnes of `base`: `t`, `t REO`, with `/yr` when `rate`.
pub fn tonnes_unit(base: &str, rate: bool) -> String {
    let mut s = String::from("t");
    if !base.is_empty() {
        s.push(' ');
        s.push_str(base);
    }
    if rate {
        s.push_str("/yr");
    }
    s
}

/// Whether `unit` is a mass (any scale, with or without a period) of a base that one of the
/// `known` units is a mass of: with `t REO` known, `kg REO/yr` and `kt REO` are known too.
pub fn is_known_mass(unit: &str, known: &[String]) -> bool {
    let Unit::Mass { base, .. } = Unit::parse(Some(unit)) else {
        return false;
    };
    known
        .iter()
        .any(|k| matches!(Unit::parse(Some(k)), Unit::Mass { base: b, .. } if b == base))
}

/// What can be added to what: values of one kind add (after conversion), others never do.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// A mass of this base, in tonnes.
    Mass(String),
    /// Another unit, as written.
    Other(String),
    /// Plain numbers.
    Plain,
}

impl Unit<'_> {
    pub fn dimension(&self) -> Dimension {
        match self {
            Unit::Mass { base, .. } => Dimension::Mass(base.to_string()),
            Unit::Other(u) => Dimension::Other(u.to_string()),
            Unit::Plain => Dimension::Plain,
        }
    }

    /// `value` in the dimension's common unit (tonnes a year for a mass).
    pub fn convert(&self, value: f64) -> f64 {
        match self {
            Unit::Mass { tonnes, .. } => value * tonnes,
            _ => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masses_convert_exactly_and_keep_their_base() {
        assert_eq!(Unit::parse(Some("kt")).tonnes(93.0), Some((93_000.0, "")));
        assert_eq!(Unit::parse(Some("kg")).tonnes(500.0), Some((0.5, "")));
        assert_eq!(
            Unit::parse(Some("t REO/yr")).tonnes(45_000.0),
            Some((45_000.0, "REO"))
        );
        assert_eq!(
            Unit::parse(Some("kt REO")).tonnes(2.5),
            Some((2_500.0, "REO"))
        );
        assert_eq!(Unit::parse(Some("t/month")).tonnes(10.0), Some((120.0, "")));
        assert_eq!(
            Unit::parse(Some("Mt NdPr oxide/yr")).tonnes(1.0),
            Some((1e6, "NdPr oxide"))
        );
        assert_ne!(
            Unit::parse(Some("t REO")).dimension(),
            Unit::parse(Some("t")).dimension()
        );
        assert_eq!(
            Unit::parse(Some("t REO")).dimension(),
            Unit::parse(Some("kt REO/yr")).dimension()
        );
    }

    #[test]
    fn other_units_are_not_masses() {
        for u in [
            "t/MW",
            "kg/vehicle",
            "MW",
            "motors/yr",
            "%",
            "USD/kg",
            "fraction",
        ] {
            assert_eq!(Unit::parse(Some(u)), Unit::Other(u), "{u}");
        }
        assert_eq!(Unit::parse(None), Unit::Plain);
        assert_eq!(tonnes_unit("REO", true), "t REO/yr");
        assert_eq!(tonnes_unit("", false), "t");
    }
}
