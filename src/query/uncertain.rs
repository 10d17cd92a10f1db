//! `with uncertainty [N runs] [seed S]: STATEMENT` and `sensitivity of TARGET to SOURCES`
//! (docs/semantics.md §9): a fractional measure over draws of the model's uncertain figures,
//! and the figures ranked by how far each moves an exposure.
//!
//! Each draw runs the statement again on a forked session whose operating shares are the
//! draw's (`Session::draw_shares`): the graph, its arrays and every index are the model's,
//! shared by all threads; only a share vector per draw is new.

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::*;
use super::error::{EvalError, Result};
use super::outcome::Outcome;
use super::session::Session;
use crate::analysis::chokepoints;
use crate::analysis::propagate::Propagator;
use crate::analysis::scenario::Effects;
use crate::analysis::uncertainty::{self, Sampler, DEFAULT_RUNS, DEFAULT_SEED};
use crate::model::ranges::{FigureRange, RangeOrigin};
use crate::output::progress::Progress;
use crate::output::{Cell, Table};

/// An exposure or loss resolved for its draws: the what-if in force, the targets, the sources.
type Plan = (Effects, Vec<u32>, Vec<u32>);

/// The columns that hold a fractional measure, in the statements `with uncertainty` takes.
const MEASURES: [&str; 4] = ["exposure", "loss", "impact", "shortfall_share"];

impl Session<'_> {
    pub(super) fn uncertain(
        &mut self,
        st: &Statement,
        runs: Option<u32>,
        seed: Option<u64>,
        body: &Statement,
    ) -> Result<Outcome> {
        fractional(body).map_err(|found| {
            self.err(body.span, EvalError::NotFractional(found))
                .with_label("not a fraction to draw")
                .with_note("exposure, loss, chokepoints and shortfall take it; totals, paths and the other statements give no interval")
        })?;
        if let Some(n) = runs.filter(|&n| n > uncertainty::MAX_RUNS) {
            return Err(self
                .err(st.span, EvalError::TooManyRuns(n))
                .with_label("fewer runs"));
        }
        // Result ops (`where p05 > 0.9`, `order by p95`, `columns`) refine the table with its
        // interval, so the percentiles can be named and every row is drawn before a cut.
        if let Some((inner, ops)) = peel_refine(body) {
            let Outcome::Table(t) = self.uncertain(st, runs, seed, &inner)? else {
                return Err(self.err(body.span, EvalError::Internal("no table".into())));
            };
            let mut t = self.refine(t, &ops)?;
            t.title = st.stmt.to_string();
            return Ok(Outcome::Table(t));
        }
        let runs = runs.unwrap_or(DEFAULT_RUNS) as usize;
        let seed = seed.unwrap_or(DEFAULT_SEED);
        // The draws rank every row, not only the point value's first N: a row the point
        // table shows is then found in every draw.
        let drawn_body = unlimited(body);
        let mut t = match self.statement(body)? {
            Outcome::Table(t) => t,
            _ => return Err(self.err(body.span, EvalError::Internal("no table".into()))),
        };
        let Some(col) = MEASURES.iter().find_map(|m| t.column(m)) else {
            return Err(self.err(body.span, EvalError::Internal("no measure column".into())));
        };
        let index: HashMap<String, usize> = t
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (row_key(r), i))
            .collect();
        let m = self.model;
        let sampler = Sampler::new(m, &m.net.in_share);
        let point: Vec<f64> = t.rows.iter().map(|r| num(&r[col])).collect();
        let per_row: Vec<[f64; 3]> = if sampler.is_empty() {
            t.notes
                .push("the model gives no figure a range: every draw is the point value".into());
            point.iter().map(|&x| [x, x, x]).collect()
        } else {
            let threads = crate::model::net::cores().min(runs.div_ceil(16)).max(1);
            let progress = Progress::counted(format!("{runs} draws"), runs as u64);
            let rows = t.rows.len();
            let draws = if let Some((effects, targets, sources)) = self.plan(body)? {
                // Exposure and loss: the names, sets and what-if resolved once; a draw is one
                // propagation on its shares.
                let net = &m.net;
                let states: Vec<(Propagator<'_>, Vec<f64>)> = (0..threads)
                    .map(|_| {
                        let prop = Propagator::new(net, self.cancel.clone()).on_one_core();
                        (prop, Vec::new())
                    })
                    .collect();
                uncertainty::run_draws(
                    runs,
                    states,
                    &self.cancel,
                    |(prop, buf), i| {
                        sampler.draw(seed, i as u64, buf);
                        let shares = Arc::new(std::mem::take(buf));
                        let mut dis = effects.disruption_on(net, Some(&shares));
                        dis.node_loss.extend(sources.iter().map(|&v| (v, 1.0)));
                        prop.run(&dis, None);
                        drop(dis);
                        *buf = Arc::try_unwrap(shares).unwrap_or_default();
                        targets
                            .iter()
                            .map(|&v| prop.loss_of(v))
                            .collect::<Vec<f64>>()
                    },
                    |n| progress.set_done(n as u64),
                )
            } else {
                let states: Vec<(Session<'_>, Vec<f64>)> =
                    (0..threads).map(|_| (self.fork(), Vec::new())).collect();
                uncertainty::run_draws(
                    runs,
                    states,
                    &self.cancel,
                    |(s, buf), i| {
                        sampler.draw(seed, i as u64, buf);
                        s.draw_shares = Some(Arc::new(std::mem::take(buf)));
                        // A row a draw does not give (the draw failed) is no value, not a zero.
                        let mut vals = vec![f64::NAN; rows];
                        if let Ok(Outcome::Table(d)) = s.statement(&drawn_body) {
                            for r in &d.rows {
                                if let Some(&i) = index.get(&row_key(r)) {
                                    vals[i] = num(&r[col]);
                                }
                            }
                        }
                        if let Some(shares) = s.draw_shares.take() {
                            *buf = Arc::try_unwrap(shares).unwrap_or_default();
                        }
                        vals
                    },
                    |n| progress.set_done(n as u64),
                )
            };
            drop(progress);
            if self.cancel.is_cancelled() {
                return Err(self.err(st.span, EvalError::Interrupted));
            }
            let mut column = Vec::with_capacity(draws.len());
            (0..rows)
                .map(|r| {
                    column.clear();
                    column.extend(draws.iter().map(|d| d[r]).filter(|x| !x.is_nan()));
                    uncertainty::percentiles(&mut column)
                })
                .collect()
        };
        // A diagram shades each node by its own interval: rows keyed by their `id` (a row of
        // groups, or of several targets without ids, shades nothing).
        if let (Some(g), Some(id)) = (&mut t.graph, t.columns.iter().position(|c| c == "id")) {
            for (row, p) in t.rows.iter().zip(&per_row) {
                g.intervals.insert(key(&row[id]), (p[0], p[2]));
            }
        }
        t.add_interval(col, &per_row);
        t.title = st.stmt.to_string();
        if !sampler.is_empty() {
            t.notes.push(describe(&sampler, runs, seed));
        }
        Ok(Outcome::Table(t))
    }

    /// For exposure and loss (under any `with`): the what-if in force, the targets and the
    /// sources, resolved once for every draw; `None` for other statements.
    fn plan(&mut self, st: &Statement) -> Result<Option<Plan>> {
        match &st.stmt {
            Stmt::Exposure { targets, sources } => {
                let targets = self.targets(targets)?;
                let sources = self.sources(sources)?;
                Ok(Some((self.effects.clone(), targets, sources)))
            }
            Stmt::Loss(targets) => {
                let targets = self.targets(targets)?;
                Ok(Some((self.effects.clone(), targets, Vec::new())))
            }
            Stmt::With { clauses, body } => {
                let effects = self.resolve_clauses(clauses)?;
                let saved = self.effects.clone();
                self.effects.extend(&effects);
                let plan = self.plan(body);
                self.effects = saved;
                plan
            }
            _ => Ok(None),
        }
    }

    /// `sensitivity of TARGET to SOURCES`: each uncertain figure upstream of the target moved
    /// to its low and to its high end alone, the exposure at each, ranked by swing.
    pub(super) fn sensitivity(
        &mut self,
        st: &Statement,
        target: &Set,
        sources: &Set,
    ) -> Result<Outcome> {
        let t = self.single_target(target)?;
        let sources = self.sources(sources)?;
        let m = self.model;
        let sampler = Sampler::new(m, &m.net.in_share);
        let exposure_with = |s: &mut Session<'_>, shares: Option<Arc<Vec<f64>>>| {
            s.draw_shares = shares;
            let mut dis = s.disruption();
            s.draw_shares = None;
            dis.node_loss.extend(sources.iter().map(|&v| (v, 1.0)));
            s.prop.run(&dis, None);
            s.prop.loss_of(t)
        };
        let point = exposure_with(self, None);
        let (_, mask) = chokepoints::cone_of(&m.net, &m.net.in_share, t);
        let mut rows = Vec::new();
        let mut still = 0usize;
        let mut buf = Vec::new();
        for (f, r) in sampler.figures.iter().enumerate() {
            if self.cancel.is_cancelled() {
                break;
            }
            let consumer = m.supplies[r.supply as usize].to;
            if !mask[consumer as usize] {
                continue;
            }
            let mut ends = [0.0; 2];
            for (i, end) in [r.low, r.high].into_iter().enumerate() {
                sampler.with_figure(f, end, &mut buf);
                ends[i] = exposure_with(self, Some(Arc::new(std::mem::take(&mut buf))));
            }
            let swing = (ends[1] - ends[0]).abs();
            if swing <= chokepoints::ZERO_EPS {
                still += 1;
                continue;
            }
            rows.push((r.clone(), ends, swing));
        }
        rows.sort_by(|a, b| {
            b.2.total_cmp(&a.2)
                .then_with(|| figure_id(self, &a.0).cmp(&figure_id(self, &b.0)))
        });
        let mut table = Table::new(
            st.stmt.to_string(),
            &[
                "figure",
                "low",
                "high",
                "exposure_low",
                "exposure_high",
                "swing",
                "range",
                "figure_id",
            ],
        );
        for (r, ends, swing) in rows {
            table.push(vec![
                Cell::Text(figure_name(self, &r)),
                Cell::Num(r.low),
                Cell::Num(r.high),
                Cell::Num(ends[0]),
                Cell::Num(ends[1]),
                Cell::Num(swing),
                Cell::text(match r.origin {
                    RangeOrigin::Given => "given",
                    RangeOrigin::Sources => "sources disagree",
                    RangeOrigin::Assumption => "assumption range",
                }),
                Cell::Text(figure_id(self, &r)),
            ]);
        }
        table.notes.push(format!(
            "exposure at the figures' values: {}; each figure moved alone from its low to its \
             high end, the other shares of its input group rescaled to keep the group's total",
            crate::number::percent(point)
        ));
        if still > 0 {
            table.notes.push(format!(
                "{still} uncertain figure{} upstream move{} this exposure by nothing",
                if still == 1 { "" } else { "s" },
                if still == 1 { "s" } else { "" }
            ));
        }
        if sampler.is_empty() {
            table
                .notes
                .push("the model gives no figure a range (see `check`)".into());
        }
        Ok(Outcome::Table(table))
    }
}

/// Whether a statement is a fractional measure `with uncertainty` can draw; else its kind.
fn fractional(st: &Statement) -> std::result::Result<(), String> {
    match &st.stmt {
        Stmt::Exposure { .. }
        | Stmt::Loss(_)
        | Stmt::Chokepoints { .. }
        | Stmt::Shortfall { explain: false, .. } => Ok(()),
        Stmt::With { body, .. } | Stmt::Refine { body, .. } => fractional(body),
        other => Err(other
            .to_string()
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()),
    }
}

/// The statement with the row limits of its measure taken off (`chokepoints ... limit N`),
/// under any `with`.
fn unlimited(st: &Statement) -> Statement {
    let stmt = match &st.stmt {
        Stmt::Chokepoints { .. } => {
            let mut s = st.stmt.clone();
            if let Stmt::Chokepoints { limit, .. } = &mut s {
                *limit = None;
            }
            s
        }
        Stmt::With { clauses, body } => Stmt::With {
            clauses: clauses.clone(),
            body: Box::new(unlimited(body)),
        },
        other => other.clone(),
    };
    Statement {
        stmt,
        span: st.span,
    }
}

/// A statement ending in result ops (under any `with`): the statement without them, and them.
fn peel_refine(st: &Statement) -> Option<(Statement, Vec<ResultOp>)> {
    match &st.stmt {
        Stmt::Refine { body, ops } => Some(((**body).clone(), ops.clone())),
        Stmt::With { clauses, body } => {
            let (inner, ops) = peel_refine(body)?;
            let stmt = Stmt::With {
                clauses: clauses.clone(),
                body: Box::new(inner),
            };
            Some((
                Statement {
                    stmt,
                    span: st.span,
                },
                ops,
            ))
        }
        _ => None,
    }
}

/// A row's identity across draws: its text cells (target, id, name, stage, country...), which
/// a draw does not change, unlike its figures and flags.
fn row_key(r: &[Cell]) -> String {
    let mut k = String::new();
    for c in r {
        if let Cell::Text(_) | Cell::List(_) = c {
            k.push_str(&key(c));
            k.push('\u{1f}');
        }
    }
    k
}

/// A row's key: its first cell (an id, or a group's label).
fn key(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Int(i) => i.to_string(),
        Cell::Num(x) => x.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::List(xs) => xs.join(" -> "),
        Cell::Null => String::new(),
    }
}

fn num(c: &Cell) -> f64 {
    match c {
        Cell::Num(x) => *x,
        Cell::Int(i) => *i as f64,
        _ => 0.0,
    }
}

/// The note under a table with intervals.
fn describe(s: &Sampler, runs: usize, seed: u64) -> String {
    let count = |o: RangeOrigin| s.figures.iter().filter(|r| r.origin == o).count();
    format!(
        "[p05-p95]: 5th and 95th percentiles over {runs} draws (seed {seed}) of {} uncertain \
         figure{} ({} given, {} from disagreeing sources, {} from the assumption range); p50 \
         is the median",
        s.figures.len(),
        if s.figures.len() == 1 { "" } else { "s" },
        count(RangeOrigin::Given),
        count(RangeOrigin::Sources),
        count(RangeOrigin::Assumption)
    )
}

/// A figure as read: `share of "Lynas Malaysia" -> "Magnet makers" (NdPr oxide)`.
fn figure_name(s: &Session<'_>, r: &FigureRange) -> String {
    let m = s.model;
    let sup = &m.supplies[r.supply as usize];
    let material = sup
        .material()
        .map(|k| format!(" ({})", m.materials[k as usize].name))
        .unwrap_or_default();
    format!(
        "{} of {} -> {}{material}",
        r.field.as_str(),
        quote(m.entity(sup.from).name),
        quote(m.entity(sup.to).name)
    )
}

/// A figure as an id: `lynas-malaysia->magnets-jp[NdPr oxide].share`.
fn figure_id(s: &Session<'_>, r: &FigureRange) -> String {
    let m = s.model;
    let sup = &m.supplies[r.supply as usize];
    let material = sup
        .material()
        .map(|k| format!("[{}]", m.materials[k as usize].id))
        .unwrap_or_default();
    let field = r.field.as_str();
    format!(
        "{}->{}{material}.{field}",
        m.entity(sup.from).id,
        m.entity(sup.to).id
    )
}
