//! `shortfall of TARGETS` and `explain shortfall of TARGET` (design.md section 6): tonnes of
//! each target's demand that cannot be met under the what-if in force, with suppliers that
//! have spare capacity standing in for lost ones; and `as of YEAR`, the what-if clause that
//! switches on planned capacity by its `start` year.
//!
//! The linear program is `analysis::shortfall`'s, over the target's upstream cone only. Its
//! figures (per node and per incoming-edge position, in tonnes) are read from
//! `Model::figures` once per session and kept (see `Session::lp_figures`).

use std::sync::Arc;

use super::ast::*;
use super::error::{EvalError, Result};
use super::outcome::Outcome;
use super::session::Session;
use crate::analysis::shortfall::{self, Figures, Limit, ShortfallError};
use crate::model::doc::Scalar;
use crate::model::figures::fill_on_cores;
use crate::model::graph::{EdgeStatus, Model};
use crate::model::net::NONE;
use crate::output::{Cell, Table};

/// The figures of the linear program, from the model's figures in tonnes: per node its output
/// and its own capacity, per incoming-edge position its volume and capacity.
pub fn lp_figures(m: &Model) -> Figures {
    let f = m.figures();
    let n = m.net.len();
    let edges = m.net.in_src.len();
    let mut figs = Figures::empty(n, edges);
    for (slot, i) in (0..u32::try_from(n).unwrap_or(u32::MAX)).enumerate() {
        figs.output[slot] = f.node_output(i).map(|q| q.tonnes);
        if f.has_own_capacity(i) {
            figs.capacity[slot] = f.node_capacity(i).map(|q| q.tonnes);
        }
    }
    // Per incoming-edge position, its supply's figures: millions at 10^6 nodes, each read
    // from wherever its row put it, so on every core.
    let supply_of = |p: usize| m.net.in_supply[p] as usize;
    fill_on_cores(&mut figs.volume, |p| {
        f.edge_volume(supply_of(p)).map(|q| q.tonnes)
    });
    fill_on_cores(&mut figs.edge_capacity, |p| {
        f.edge_capacity(supply_of(p)).map(|q| q.tonnes)
    });
    figs
}

/// The year of a `start` or `stop` figure: a year (`2028`) or an ISO date (`2028-07-01`).
pub fn year_of(v: &Scalar) -> Option<i64> {
    match v {
        // A whole number of plausible size, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        Scalar::Num(x) if x.fract() == 0.0 && x.abs() < 1e9 => Some(*x as i64),
        Scalar::Text(t) => {
            let y = t.trim().split('-').next()?;
            (y.len() == 4).then(|| y.parse().ok()).flatten()
        }
        _ => None,
    }
}

/// The `start` year of planned supply `k`: the edge's own, else the later of its two nodes'
/// (a planned plant's edges start with it); `None` without any.
pub fn start_year(m: &Model, k: usize) -> Option<i64> {
    let e = m.edge_def(k);
    if let Some(y) = e.attrs.get("start").and_then(|f| year_of(&f.used().value)) {
        return Some(y);
    }
    let s = &m.supplies[k];
    [s.from, s.to]
        .iter()
        .filter_map(|&v| {
            let def = m.node_def(m.entity(v).def);
            def.attrs
                .get("start")
                .and_then(|f| year_of(&f.used().value))
        })
        .max()
}

/// Planned supplies (incoming-edge positions) running as of `year`, and how many planned
/// supplies have no start date (never switched on by `as of`).
pub fn planned_as_of(m: &Model, year: u32) -> (Vec<u32>, usize) {
    let mut on = Vec::new();
    let mut undated = 0;
    for (k, s) in m.supplies.iter().enumerate() {
        if s.status != EdgeStatus::Planned || m.net.supply_pos[k] == NONE {
            continue;
        }
        match start_year(m, k) {
            Some(y) if y <= i64::from(year) => on.push(m.net.supply_pos[k]),
            Some(_) => {}
            None => undated += 1,
        }
    }
    (on, undated)
}

/// Notes on the `as of` clauses of a what-if: planned edges without a start date.
pub fn as_of_notes(m: &Model, clauses: &[Clause]) -> Vec<String> {
    let mut notes = Vec::new();
    for c in clauses {
        if let Clause::AsOf { year, .. } = c {
            let (on, undated) = planned_as_of(m, *year);
            notes.push(format!(
                "as of {year}: {} planned supply edge{} running (`start` in {year} or earlier)",
                on.len(),
                if on.len() == 1 { "" } else { "s" }
            ));
            if undated > 0 {
                notes.push(format!(
                    "{undated} planned supply edge{} no `start` date, so `as of` never switches {} on",
                    if undated == 1 { " has" } else { "s have" },
                    if undated == 1 { "it" } else { "them" }
                ));
            }
        }
    }
    notes
}

impl Session<'_> {
    /// The linear program's figures, built on first use and kept for the session.
    fn lp_figures(&self) -> Arc<Figures> {
        self.lp_figs
            .get_or_init(|| Arc::new(lp_figures(self.model)))
            .clone()
    }

    fn shortfall_error(&self, span: Span, e: ShortfallError) -> super::error::Error {
        let m = self.model;
        match e {
            ShortfallError::Missing { node, figure, why } => {
                let ent = m.entity(node);
                self.err(
                    span,
                    EvalError::MissingFigure {
                        node: format!("\"{}\" ({})", ent.name, ent.id),
                        figure,
                        why,
                    },
                )
            }
            ShortfallError::Solver(s) => self.err(span, EvalError::Solver(s)),
        }
    }

    /// The unit of a target's demand (`t/yr` unless the model says another mass).
    fn demand_unit(&self, v: u32) -> String {
        let f = self.model.figures();
        f.node_output(v)
            .map(|q| f.unit(q.base))
            .unwrap_or_else(|| f.unit(crate::model::figures::Base::PRODUCT))
    }

    /// `shortfall of T` and `explain shortfall of T`.
    pub(super) fn shortfall(
        &mut self,
        st: &Statement,
        targets: &Set,
        explain: bool,
    ) -> Result<Outcome> {
        let nodes = self.targets(targets)?;
        let figs = match &self.draw_shares {
            // One draw of `with uncertainty`: the recipes follow the drawn shares.
            Some(d) => Arc::new(self.lp_figures().drawn(&self.model.net, d)),
            None => self.lp_figures(),
        };
        let dis = self.disruption();
        let net = &self.model.net;
        let span = targets.span();
        if explain {
            if nodes.len() != 1 {
                return Err(self.err(span, EvalError::NotOneNode(nodes.len())));
            }
            let t = nodes[0];
            let ex = shortfall::explain(net, &figs, &dis, t)
                .map_err(|e| self.shortfall_error(span, e))?;
            return Ok(Outcome::Table(self.explain_table(st, t, &ex)));
        }
        let mut unit = None;
        let mut t = Table::new(
            self.title(&st.stmt),
            &[
                "id",
                "name",
                "demand",
                "supply",
                "shortfall",
                "shortfall_share",
            ],
        );
        for &v in &nodes {
            if self.cancel.is_cancelled() {
                break;
            }
            let s = shortfall::shortfall(net, &figs, &dis, v)
                .map_err(|e| self.shortfall_error(span, e))?;
            // The solver's rounding (89.99999999999999) is not the model's: within 1e-9 of the
            // demand from a whole tonne, the whole tonne.
            let tol = 1e-9 * s.demand.abs().max(1.0);
            let snap = |x: f64| {
                if (x - x.round()).abs() < tol {
                    x.round()
                } else {
                    x
                }
            };
            let (supply, short) = (snap(s.supply), snap(s.shortfall));
            let share = if s.demand > 0.0 {
                short / s.demand
            } else {
                s.shortfall_share
            };
            let u = self.demand_unit(v);
            if unit.as_ref().is_some_and(|x| x != &u) {
                t.notes
                    .push(format!("\"{}\" is in {u}", self.model.entity(v).name));
            }
            unit.get_or_insert(u);
            let e = self.model.entity(v);
            t.push(vec![
                Cell::text(e.id),
                Cell::text(e.name),
                Cell::Num(s.demand),
                Cell::Num(supply),
                Cell::Num(short),
                Cell::Num(share),
            ]);
        }
        t.notes.insert(
            0,
            format!(
                "demand, supply and shortfall in {}; shortfall_share = shortfall / demand; \
                 suppliers with spare capacity stand in for lost ones, other end uses do not compete",
                unit.unwrap_or_else(|| "t/yr".into())
            ),
        );
        if self.effects.is_empty() {
            t.notes
                .push("no what-if is in force: write `with ...: shortfall of ...`".into());
        }
        Ok(Outcome::Table(t))
    }

    /// The binding constraints of one target, largest gain first, and a note in words.
    fn explain_table(&self, st: &Statement, target: u32, ex: &shortfall::Explained) -> Table {
        let m = self.model;
        let net = &m.net;
        let name = |v: u32| m.entity(v).name.to_string();
        let edge = |p: u32| {
            format!(
                "{} -> {}",
                name(net.in_src[p as usize]),
                name(net.in_dst[p as usize])
            )
        };
        let mut t = Table::new(
            self.title(&st.stmt),
            &["constraint", "node", "edge", "bound", "gain_per_tonne"],
        );
        let mut words = Vec::new();
        for b in &ex.binding {
            let (kind, node, edge_name, said) = match b.limit {
                Limit::Demand { node } => (
                    "the demand itself".to_string(),
                    Some(name(node)),
                    None,
                    format!("its own demand ({} t)", crate::number::rounded(b.bound)),
                ),
                Limit::NodeCapacity { node, loss } => {
                    let kind = if loss > 0.0 {
                        format!(
                            "node capacity (after a loss of {}%)",
                            crate::number::rounded(loss * 100.0)
                        )
                    } else {
                        "node capacity".to_string()
                    };
                    let mut said = format!("the capacity of \"{}\"", name(node));
                    if loss > 0.0 {
                        said.push_str(&format!(
                            ", after its loss of {}%",
                            crate::number::rounded(loss * 100.0)
                        ));
                    }
                    (kind, Some(name(node)), None, said)
                }
                Limit::EdgeCapacity { pos } => (
                    "route capacity".to_string(),
                    None,
                    Some(edge(pos)),
                    format!("the capacity of the route {}", edge(pos)),
                ),
                Limit::Restriction { pos, restrict } => (
                    format!(
                        "export restriction ({}%)",
                        crate::number::rounded(restrict * 100.0)
                    ),
                    None,
                    Some(edge(pos)),
                    format!("the export restriction on {}", edge(pos)),
                ),
                Limit::Recipe {
                    node,
                    group,
                    material,
                } => {
                    let input = material
                        .map(|k| m.materials[k as usize].name.clone())
                        .or_else(|| net.group_inputs(group).next().map(|p| name(net.in_src[p])))
                        .unwrap_or_else(|| "its inputs".into());
                    (
                        format!("recipe of input \"{input}\" at node \"{}\"", name(node)),
                        Some(name(node)),
                        None,
                        format!("the supply of \"{input}\" to \"{}\"", name(node)),
                    )
                }
            };
            words.push(said);
            t.push(vec![
                Cell::text(kind),
                Cell::opt(node),
                Cell::opt(edge_name),
                Cell::Num(b.bound),
                Cell::Num(b.gain_per_tonne),
            ]);
        }
        let s = &ex.shortfall;
        let target_name = name(target);
        let unit = self.demand_unit(target);
        t.notes.push(format!(
            "\"{target_name}\": demand {}, supply {}, shortfall {} {unit} ({}%)",
            crate::number::rounded(s.demand),
            crate::number::rounded(s.supply),
            crate::number::rounded(s.shortfall),
            crate::number::rounded(s.shortfall_share * 100.0)
        ));
        t.notes.push(match words.len() {
            0 => format!("nothing binds the supply of \"{target_name}\""),
            1 => format!("what limits \"{target_name}\": {}", words[0]),
            _ => format!(
                "what limits \"{target_name}\", most first: {}",
                words.join("; ")
            ),
        });
        t.notes.push(
            "bound in t/yr (for a recipe: tonnes of input per tonne of output); gain_per_tonne: \
             tonnes of the target gained per tonne the constraint is relaxed (at most)"
                .into(),
        );
        t
    }
}
