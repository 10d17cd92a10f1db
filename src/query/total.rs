//! `total ATTRIBUTE of SET [by country|region|stage|company]` (docs/semantics.md §8): a
//! numeric attribute (the value used) summed over the set's flow nodes, in groups, converting
//! units (`kt` to `t`) and refusing units that cannot be added (`t REO` and `t`); and
//! `concentration of total ATTRIBUTE of SET by ...`: the top group and its share, the top
//! three, the HHI and the flag of that split.

use std::collections::BTreeMap;

use super::ast::*;
use super::error::{EvalError, ResolveError, Result};
use super::outcome::Outcome;
use super::session::Session;
use crate::analysis::concentration::{self, StageConcentration};
use crate::diag::clip;
use crate::model::doc::{NodeDef, Scalar};
use crate::model::fields::Entity as _;
use crate::model::units::{tonnes_unit, Dimension, Unit};
use crate::output::{Cell, Table};

/// One group's sum.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTotal {
    pub group: String,
    pub total: f64,
    pub nodes: usize,
}

/// A total: its groups (highest first), the unit of the sums, and what was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    pub groups: Vec<GroupTotal>,
    /// `None`: plain numbers.
    pub unit: Option<String>,
    /// Nodes of the set without the attribute.
    pub missing: usize,
    /// Nodes whose capacity is their output (they give none of their own).
    pub defaulted: usize,
}

impl Total {
    pub fn sum(&self) -> f64 {
        self.groups.iter().map(|g| g.total).sum()
    }

    /// The split as a concentration (shares largest first, HHI on percentage shares).
    pub fn concentration(&self) -> StageConcentration {
        let items = self
            .groups
            .iter()
            .map(|g| (String::new(), g.group.clone(), g.total));
        concentration::concentration(items)
            .pop()
            .unwrap_or(StageConcentration {
                stage: String::new(),
                shares: Vec::new(),
                hhi: 0.0,
            })
    }
}

/// A figure of a node: its value, its unit and where it stands.
struct Value<'a> {
    value: Scalar,
    unit: Unit<'a>,
}

impl Session<'_> {
    /// Checks that `attribute` is a field or attribute some node has.
    pub(super) fn total_attribute(&self, attribute: &Named) -> Result<()> {
        if self.vocab.attributes.contains(&attribute.text) {
            return Ok(());
        }
        let known: Vec<&str> = self.vocab.attributes.iter().map(String::as_str).collect();
        Err(self
            .err(
                attribute.span,
                ResolveError::UnknownField(attribute.text.clone()),
            )
            .with_label_opt(crate::suggest::hint(&attribute.text, known)))
    }

    /// Sums `attribute` over the flow nodes of `set`, in groups.
    pub(super) fn sum_attribute(
        &mut self,
        attribute: &Named,
        set: &Set,
        by: Option<Grouping>,
    ) -> Result<Total> {
        let nodes = self.targets(set)?;
        let m = self.model;
        let key = attribute.text.as_str();
        let declared = NodeDef::field(key).filter(|f| f.is_figure());
        let mut first: Option<(Dimension, String, u32)> = None;
        let mut rate = false;
        let (mut missing, mut defaulted) = (0, 0);
        // Tables read by the bulk reader hold plain numbers (tonnes a year) in `output` and
        // `capacity`: the model's figure arrays have them, so no row is read again (at 10^6
        // nodes, reading every row again took most of the time).
        let from_arrays =
            declared.is_some() && m.rows.nodes.is_some() && matches!(key, "output" | "capacity");
        // Groups by number, their names interned; a node's country or region group depends
        // only on its own region, so it is found once a region.
        let mut names: Vec<String> = Vec::new();
        let mut sums: Vec<(f64, usize)> = Vec::new();
        let mut number: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
        let mut by_region: rustc_hash::FxHashMap<Option<u32>, usize> =
            rustc_hash::FxHashMap::default();
        let mut group = |s: &Self, v: u32| -> usize {
            let mut intern = |name: String| -> usize {
                *number.entry(name).or_insert_with_key(|name| {
                    names.push(name.clone());
                    names.len() - 1
                })
            };
            match by {
                Some(g @ (Grouping::Country | Grouping::Region))
                    if m.entities.kind(v).is_flow() =>
                {
                    let region = m.entities.region(v);
                    match by_region.get(&region) {
                        Some(&k) => k,
                        None => {
                            let k = intern(s.group_of(v, g));
                            by_region.insert(region, k);
                            k
                        }
                    }
                }
                Some(g) => intern(s.group_of(v, g)),
                None => intern("all".to_string()),
            }
        };
        if from_arrays {
            let f = m.figures();
            for &v in &nodes {
                let q = if key == "output" {
                    f.node_output(v)
                } else {
                    let q = f.node_capacity(v);
                    defaulted += usize::from(q.is_some() && !f.has_own_capacity(v));
                    q
                };
                let Some(q) = q else {
                    missing += 1;
                    continue;
                };
                if first.is_none() {
                    first = Some((Unit::parse(Some("t/yr")).dimension(), "t/yr".into(), v));
                    rate = true;
                }
                let k = group(self, v);
                if k >= sums.len() {
                    sums.resize(k + 1, (0.0, 0));
                }
                let e = &mut sums[k];
                e.0 += q.tonnes;
                e.1 += 1;
            }
        }
        for v in nodes.into_iter().filter(|_| !from_arrays) {
            let def = m.node_def(m.entity(v).def);
            let mut fig = match declared {
                Some(f) => def.figure(f),
                None => def.attrs.get(key),
            };
            // A node's capacity defaults to its output (docs/semantics.md §8).
            if fig.is_none() && key == "capacity" {
                fig = def.output.as_ref();
                defaulted += usize::from(fig.is_some());
            }
            let Some(fig) = fig else {
                missing += 1;
                continue;
            };
            let unit_text = fig.unit.as_ref().map(|u| u.text.as_str());
            // Declared figures are in tonnes a year unless a unit says otherwise.
            let unit_text = unit_text.or(declared.map(|_| "t/yr"));
            let value = Value {
                value: fig.used().value.clone(),
                unit: Unit::parse(unit_text),
            };
            let Scalar::Num(x) = value.value else {
                return Err(self.err(
                    attribute.span,
                    EvalError::NotANumber {
                        what: format!("`{key}` of \"{}\"", clip(m.entity(v).id)),
                        value: value.value.to_string(),
                    },
                ));
            };
            let dim = value.unit.dimension();
            match &first {
                None => first = Some((dim, unit_text.unwrap_or("").to_string(), v)),
                Some((d, u, w)) if *d != dim => {
                    let show = |u: &str| {
                        if u.is_empty() {
                            "a plain number".to_string()
                        } else {
                            format!("`{u}`")
                        }
                    };
                    return Err(self
                        .err(
                            attribute.span,
                            EvalError::IncompatibleUnits {
                                first: format!("{} (\"{}\")", show(u), clip(m.entity(*w).id)),
                                second: format!(
                                    "{} (\"{}\")",
                                    show(unit_text.unwrap_or("")),
                                    clip(m.entity(v).id)
                                ),
                            },
                        )
                        .with_label("these units cannot be added")
                        .with_note(
                            "masses of different bases (t REO, t NdPr, t of product) are different quantities; narrow the set",
                        ));
                }
                _ => {}
            }
            if let Unit::Mass { rate: r, .. } = value.unit {
                rate |= r;
            }
            let k = group(self, v);
            if k >= sums.len() {
                sums.resize(k + 1, (0.0, 0));
            }
            let e = &mut sums[k];
            e.0 += value.unit.convert(x);
            e.1 += 1;
        }
        let unit = first.and_then(|(d, u, _)| match d {
            Dimension::Mass(base) => Some(tonnes_unit(&base, rate)),
            Dimension::Other(_) => Some(u),
            Dimension::Plain => None,
        });
        let groups: BTreeMap<String, (f64, usize)> = names.into_iter().zip(sums).collect();
        let mut groups: Vec<GroupTotal> = groups
            .into_iter()
            .map(|(group, (total, nodes))| GroupTotal {
                group,
                total,
                nodes,
            })
            .collect();
        groups.sort_by(|a, b| b.total.total_cmp(&a.total).then(a.group.cmp(&b.group)));
        Ok(Total {
            groups,
            unit,
            missing,
            defaulted,
        })
    }

    /// `total ATTRIBUTE of SET [by ...]`, or its concentration.
    pub(super) fn total(
        &mut self,
        st: &Statement,
        attribute: &Named,
        set: &Set,
        by: Option<Grouping>,
        concentration: bool,
    ) -> Result<Outcome> {
        let total = self.sum_attribute(attribute, set, by)?;
        let title = self.title(&st.stmt);
        let column = by.map_or("group", Grouping::as_str);
        // Drawn, a concentration is the split itself: a bar per group.
        let mut t = if concentration && !self.drawing {
            concentration_table(title, column, &total)
        } else {
            total_table(title, column, &total, by.is_some())
        };
        if total.missing > 0 {
            t.notes.push(format!(
                "{} node{} of the set {} no `{}`: left out",
                total.missing,
                if total.missing == 1 { "" } else { "s" },
                if total.missing == 1 { "has" } else { "have" },
                attribute.text
            ));
        }
        if total.defaulted > 0 {
            t.notes.push(format!(
                "{} node{} without a capacity of {} own count{} {} output",
                total.defaulted,
                if total.defaulted == 1 { "" } else { "s" },
                if total.defaulted == 1 { "its" } else { "their" },
                if total.defaulted == 1 { "s" } else { "" },
                if total.defaulted == 1 { "its" } else { "their" },
            ));
        }
        Ok(Outcome::Table(t))
    }
}

/// "China 68.7%, United States 11.5%, Myanmar 7.9%".
fn top_three(c: &StageConcentration) -> String {
    c.shares
        .iter()
        .take(3)
        .map(|(g, x)| format!("{g} {}", crate::number::percent(*x)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows `group`, `total`, `unit`, `share`, `nodes`, highest total first; with groups, a note
/// with the split's concentration.
pub fn total_table(title: String, column: &str, total: &Total, grouped: bool) -> Table {
    let mut t = Table::new(title, &["group", "total", "unit", "share", "nodes"]);
    let sum = total.sum();
    for g in &total.groups {
        t.push(vec![
            Cell::text(&g.group),
            Cell::Num(g.total),
            Cell::opt(total.unit.clone()),
            Cell::Num(if sum != 0.0 { g.total / sum } else { 0.0 }),
            Cell::Int(g.nodes as i64),
        ]);
    }
    if grouped && !total.groups.is_empty() {
        let c = total.concentration();
        let (top, share) = c.shares.first().cloned().unwrap_or_default();
        t.notes.push(format!(
            "top {column}: {top} {}; top three: {}; HHI {}; {}",
            crate::number::percent(share),
            top_three(&c),
            crate::number::number(c.hhi.round()),
            if c.dominant() {
                format!(
                    "concentrated (one {column} above {}%)",
                    concentration::DOMINANT * 100.0
                )
            } else {
                format!(
                    "not concentrated (no {column} above {}%)",
                    concentration::DOMINANT * 100.0
                )
            }
        ));
    }
    t
}

/// One row: `top_GROUPING` (`top_country`), `top_share`, `top_three`, `hhi`, `concentrated`,
/// `total`, `unit`, `groups`: the keys of `concentration of X by GROUPING`.
pub fn concentration_table(title: String, column: &str, total: &Total) -> Table {
    let mut t = Table::new(
        title,
        &[
            &format!("top_{column}"),
            "top_share",
            "top_three",
            "hhi",
            "concentrated",
            "total",
            "unit",
            "groups",
        ],
    );
    let c = total.concentration();
    let (top, share) = c.shares.first().cloned().unwrap_or_default();
    t.push(vec![
        Cell::Text(top),
        Cell::Num(share),
        Cell::Text(top_three(&c)),
        Cell::Num(c.hhi.round()),
        Cell::Bool(c.dominant()),
        Cell::Num(total.sum()),
        Cell::opt(total.unit.clone()),
        Cell::Int(c.shares.len() as i64),
    ]);
    t.notes.push(format!(
        "shares of the total by {column}; HHI: the sum of squared percentage shares (0-10,000); concentrated: one {column} above {}%",
        concentration::DOMINANT * 100.0
    ));
    t
}
