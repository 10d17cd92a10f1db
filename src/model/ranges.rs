//! The ranges of the figures the fractional measures rest on (docs/semantics.md §9): each
//! supply edge's share and volume, with its range: its own (`low..high`), the span of its
//! sources where they disagree, or the model's default relative range for figures resting on a
//! modelling assumption (`assumption_range` in `[model]`). Read once, on first use
//! ([`Model::ranges`]), so that no query reads the definitions again.

// Supply numbers are u32: a model file is at most `load::MAX_FILE` (4 GiB), so none of them
// reaches 2^32.
#![allow(clippy::cast_possible_truncation)]

use super::doc::{Figure, Name, Scalar};
use super::graph::{EdgeStatus, Model};

/// The source modelling assumptions cite, unless `[model]` names another
/// (`assumption_source`).
pub const ASSUMPTION_SOURCE: &str = "model-assumption";

/// Which figure of a supply edge a range is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RangeField {
    Share,
    Volume,
}

impl RangeField {
    pub fn as_str(self) -> &'static str {
        match self {
            RangeField::Share => "share",
            RangeField::Volume => "volume",
        }
    }
}

/// Where a range comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeOrigin {
    /// The figure's own `low..high`.
    Given,
    /// The span of several sources' values.
    Sources,
    /// The model's default relative range for a modelling assumption.
    Assumption,
}

/// One uncertain figure of a supply edge.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureRange {
    /// The supply edge (an index into `Model::supplies`).
    pub supply: u32,
    pub field: RangeField,
    /// The value the model uses.
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub origin: RangeOrigin,
    /// Whether the figure moves its edge's share: a share, or the volume of an edge whose
    /// group is split by volume (no share of its own).
    pub moves_share: bool,
}

/// The uncertain figures of a model's operating supply edges, by supply.
#[derive(Debug, Clone, Default)]
pub struct Ranges {
    pub items: Vec<FigureRange>,
    /// The model's default relative range (0.25: +-25%), when it sets one.
    pub assumption_range: Option<f64>,
}

impl Ranges {
    /// Reads the ranges of every operating supply edge of `m`.
    pub fn of(m: &Model) -> Ranges {
        let attrs = &m.doc.model.attrs;
        let relative = attrs
            .get("assumption_range")
            .and_then(Figure::as_number)
            .filter(|r| r.is_finite() && *r > 0.0);
        let assumption = attrs
            .get("assumption_source")
            .and_then(|f| match &f.used().value {
                Scalar::Text(t) => Some(t.clone()),
                _ => None,
            })
            .unwrap_or_else(|| ASSUMPTION_SOURCE.to_string());
        let mut out = Ranges {
            items: Vec::new(),
            assumption_range: relative,
        };
        // A model read by the bulk reader has no ranges of its own (tables with `_low` and
        // `_high` columns go to the general reader): only the default range can apply, and
        // only then are its rows read again.
        if m.rows.edges.is_some() && relative.is_none() {
            return out;
        }
        // Members of each input group (consumer, material): a group's only member with share 1
        // is the whole group, not an estimate, so the default range leaves it alone.
        let mut members: rustc_hash::FxHashMap<(u32, Option<u32>), u32> = Default::default();
        for s in &m.supplies {
            if s.status == EdgeStatus::Operating {
                *members.entry((s.to, s.material())).or_default() += 1;
            }
        }
        for k in 0..m.supplies.len() {
            let s = &m.supplies[k];
            if s.status != EdgeStatus::Operating {
                continue;
            }
            let alone = members.get(&(s.to, s.material())) == Some(&1);
            let e = m.edge_def(k);
            let fields = [
                (RangeField::Share, &e.share, true),
                (RangeField::Volume, &e.volume, false),
            ];
            for (field, fig, fraction) in fields {
                let Some(fig) = fig else { continue };
                let Some(value) = fig.as_number() else {
                    continue;
                };
                let r = match fig.range() {
                    Some((low, high)) => {
                        let origin = if fig.used().range().is_some() {
                            RangeOrigin::Given
                        } else {
                            RangeOrigin::Sources
                        };
                        Some((low, high, origin))
                    }
                    None => relative
                        .filter(|_| !(fraction && alone && value >= 1.0))
                        .filter(|_| cites(fig, e.source.as_ref(), &assumption))
                        .map(|r| {
                            let max = if fraction { 1.0 } else { f64::INFINITY };
                            let low = (value * (1.0 - r)).clamp(0.0, max);
                            let high = (value * (1.0 + r)).clamp(0.0, max);
                            (low, high, RangeOrigin::Assumption)
                        }),
                };
                if let Some((low, high, origin)) = r {
                    if high > low {
                        out.items.push(FigureRange {
                            supply: k as u32,
                            field,
                            value,
                            low,
                            high,
                            origin,
                            moves_share: field == RangeField::Share || e.share.is_none(),
                        });
                    }
                }
            }
        }
        out
    }

    /// The ranges of supply edge `k` (items are in supply order).
    pub fn of_supply(&self, k: usize) -> &[FigureRange] {
        let k = k as u32;
        let a = self.items.partition_point(|r| r.supply < k);
        let b = self.items.partition_point(|r| r.supply <= k);
        &self.items[a..b]
    }

    /// How many ranges come from `origin`.
    pub fn count(&self, origin: RangeOrigin) -> usize {
        self.items.iter().filter(|r| r.origin == origin).count()
    }
}

/// Whether the figure's used value cites `source` (its own source, else the item's).
fn cites(fig: &Figure, item_source: Option<&Name>, source: &str) -> bool {
    fig.used()
        .source
        .as_ref()
        .or(item_source)
        .is_some_and(|s| s.text == source)
}

impl Model {
    /// The uncertain figures of the supply edges, read on first use.
    pub fn ranges(&self) -> &Ranges {
        self.ranges.get_or_init(|| Ranges::of(self))
    }
}
