//! Measures on the model for one statement: exposure and loss, chokepoints, concentration,
//! paths, explanations, and the nodes of a set. Names are resolved by `resolve`, sets
//! evaluated by `sets`; the numbers come from `analysis`, and `tabulate` lays them out. Each
//! result carries the graph a diagram of it draws.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::ast::*;
use super::error::Result;
use super::outcome::Outcome;
use super::session::Session;
use super::tabulate::{self, Contribution};
use crate::analysis::chokepoints::{self, Impact};
use crate::analysis::concentration;
use crate::analysis::exposure;
use crate::analysis::origin;
use crate::analysis::paths;
use crate::analysis::reach::{reach, Reacher};
use crate::analysis::stages::STAGE_ORDER;
use crate::model::countries;
use crate::model::graph::Kind;
use crate::output::table::NodeValues;
use crate::output::{Cell, Measure, ResultGraph, Table};

/// Default row limits.
pub const DEFAULT_PATHS: u32 = 10;
pub const DEFAULT_EXPLAIN: u32 = 10;
/// A reach above 1 by more than rounding says a recycling loop is passed more than once.
const REACH_EPS: f64 = 1e-9;
/// Path enumeration stops after this many steps.
pub const PATH_BUDGET: usize = 2_000_000;

impl Session<'_> {
    /// The graph of a result about `targets`: them and their upstream cone, with the loss of
    /// each node from the propagation just run (only the nodes it touched can have one).
    pub(super) fn cone_graph(&self, targets: &[u32], measure: &str) -> ResultGraph {
        let touched = self.prop.touched();
        let mut values = NodeValues::with_capacity_and_hasher(touched.len(), Default::default());
        values.extend(
            touched
                .iter()
                .map(|&v| (v, self.prop.loss_of(v)))
                .filter(|&(_, l)| l > 0.0),
        );
        ResultGraph {
            nodes: targets.to_vec(),
            cone: true,
            measure: Some(Measure {
                name: measure.to_string(),
                values,
                elsewhere: Some(0.0),
            }),
            critical: Vec::new(),
            shares: (!self.effects.planned.is_empty())
                .then(|| Arc::new(self.current_shares().into_owned())),
            scenario: None,
            intervals: Default::default(),
        }
    }

    /// The graph of a set of nodes, without a measure.
    pub(super) fn plain_graph(&self, nodes: Vec<u32>) -> ResultGraph {
        let shares = self.current_shares();
        ResultGraph {
            nodes: self.flow_nodes(&nodes),
            shares: (!self.effects.planned.is_empty()).then(|| Arc::new(shares.into_owned())),
            ..ResultGraph::default()
        }
    }

    /// `exposure of T to S`: the loss of each target when the sources are lost, under the
    /// what-if in force.
    pub(super) fn exposure(
        &mut self,
        st: &Statement,
        targets: &Set,
        sources: &Set,
    ) -> Result<Outcome> {
        let targets = self.targets(targets)?;
        let sources = self.sources(sources)?;
        let base = self.disruption();
        let ls = exposure::exposure(&mut self.prop, &base, &sources, &targets);
        let mut t =
            tabulate::per_target(self.model, self.title(&st.stmt), "exposure", &targets, &ls);
        t.graph = Some(Box::new(self.cone_graph(&targets, "loss")));
        Ok(Outcome::Table(t))
    }

    /// `loss of T`: the loss of each target under the what-if in force.
    pub(super) fn loss(&mut self, st: &Statement, targets: &Set) -> Result<Outcome> {
        let targets = self.targets(targets)?;
        let base = self.disruption();
        let ls = exposure::exposure(&mut self.prop, &base, &[], &targets);
        let mut t = tabulate::per_target(self.model, self.title(&st.stmt), "loss", &targets, &ls);
        if self.effects.is_empty() {
            t.notes
                .push("no what-if is in force: write `with ...: loss of ...`".into());
        }
        t.graph = Some(Box::new(self.cone_graph(&targets, "loss")));
        Ok(Outcome::Table(t))
    }

    /// `list S`: the nodes of a set, one a row.
    pub(super) fn list(&mut self, st: &Statement, set: &Set) -> Result<Outcome> {
        let v = self.eval_set(set)?;
        let mut t = tabulate::list(self.model, self.title(&st.stmt), &v);
        t.graph = Some(Box::new(self.plain_graph(v)));
        Ok(Outcome::Table(t))
    }

    /// `show S`: what the model says about each node of a set.
    pub(super) fn show(&mut self, st: &Statement, set: &Set) -> Result<Outcome> {
        let v = self.eval_set(set)?;
        let mut t = tabulate::show(self.model, self.title(&st.stmt), &v);
        t.graph = Some(Box::new(self.plain_graph(v)));
        Ok(Outcome::Table(t))
    }

    pub(super) fn chokepoints(
        &mut self,
        st: &Statement,
        target: &Set,
        by: Option<Grouping>,
        limit: Option<u32>,
    ) -> Result<Outcome> {
        let targets = self.targets(target)?;
        if let [t] = targets[..] {
            let mut table = self.chokepoints_of(st, t, by, false);
            if let Some(l) = limit {
                table.rows.truncate(l as usize);
            }
            return Ok(Outcome::Table(table));
        }
        // Several targets: each one's run as for it alone (the propagator's buffers are
        // reused), in one table with a `target` column; `limit` is per target.
        let mut all: Option<Table> = None;
        let mut critical = Vec::new();
        let mut values = NodeValues::default();
        for &t in &targets {
            if self.cancel.is_cancelled() {
                break;
            }
            let mut one = self.chokepoints_of(st, t, by, true);
            if let Some(l) = limit {
                one.rows.truncate(l as usize);
            }
            if let Some(g) = one.graph.take() {
                critical.extend(g.critical);
                if let Some(ms) = g.measure {
                    for (v, x) in ms.values {
                        let e = values.entry(v).or_insert(x);
                        *e = e.max(x);
                    }
                }
            }
            let id = Cell::text(self.model.entity(t).id);
            let acc = all.get_or_insert_with(|| {
                let mut cols = vec!["target"];
                cols.extend(one.columns.iter().map(String::as_str));
                Table::new(self.title(&st.stmt), &cols)
            });
            for r in one.rows {
                let mut row = vec![id.clone()];
                row.extend(r);
                acc.push(row);
            }
            for n in one.notes {
                if !acc.notes.contains(&n) {
                    acc.notes.push(n);
                }
            }
        }
        let mut table = all.unwrap_or_else(|| Table::new(self.title(&st.stmt), &["target"]));
        if by.is_none() {
            critical.sort_unstable();
            critical.dedup();
            let mut graph = self.plain_graph(
                values
                    .keys()
                    .copied()
                    .chain(targets.iter().copied())
                    .collect(),
            );
            graph.critical = critical;
            graph.measure = Some(Measure {
                name: "impact".into(),
                values,
                elsewhere: None,
            });
            table.graph = Some(Box::new(graph));
        }
        Ok(Outcome::Table(table))
    }

    /// The chokepoints of one target (`by`: of its upstream groups), as a table.
    /// `many`: one of several targets (the note that a target is left out of its own group is
    /// then said once for all).
    fn chokepoints_of(
        &mut self,
        st: &Statement,
        t: u32,
        by: Option<Grouping>,
        many: bool,
    ) -> Table {
        let base = self.disruption();
        let m = self.model;
        match by {
            None => {
                let imps: Vec<Impact> =
                    chokepoints::chokepoints(&m.net, &mut self.prop, &base, t, |v| {
                        m.entity(v).id.to_string()
                    });
                let mut graph = self.plain_graph(
                    imps.iter()
                        .map(|i| i.node)
                        .chain(std::iter::once(t))
                        .collect(),
                );
                graph.critical = imps
                    .iter()
                    .filter(|i| i.critical())
                    .map(|i| i.node)
                    .collect();
                graph.measure = Some(Measure {
                    name: "impact".into(),
                    values: imps.iter().map(|i| (i.node, i.impact)).collect(),
                    elsewhere: None,
                });
                let mut table = tabulate::impacts(m, self.title(&st.stmt), &imps);
                table.graph = Some(Box::new(graph));
                table
            }
            Some(g) => {
                let shares = base
                    .shares
                    .as_deref()
                    .cloned()
                    .unwrap_or_else(|| m.net.in_share.clone());
                let (up, _) = chokepoints::cone_of(&m.net, &shares, t);
                let groups = self.groups(&up, g);
                let unknown = (g == Grouping::Country)
                    .then(|| self.unknown_country_note(up.iter().copied(), "upstream (left out)"))
                    .flatten();
                let rows = chokepoints::group_impacts(&mut self.prop, &base, t, groups);
                let mut table = tabulate::group_impacts(self.title(&st.stmt), g.as_str(), rows);
                table.notes.extend(unknown);
                // docs/semantics.md §3: the target is no chokepoint of itself, in a group too.
                if many {
                    table.notes.push(format!(
                        "each target is left out of its own {}: a group's impact is that of its \
                         other nodes",
                        g.as_str()
                    ));
                } else if let Some((own, _)) = self.groups(&[t], g).into_iter().next() {
                    table.notes.push(format!(
                        "\"{}\" itself is left out of its {} ({own}): a group's impact is that \
                         of its other nodes",
                        m.entity(t).id,
                        g.as_str()
                    ));
                }
                table
            }
        }
    }

    /// Upstream nodes grouped by country, region (every enclosing region), stage or company.
    fn groups(&self, nodes: &[u32], g: Grouping) -> Vec<(String, Vec<u32>)> {
        let m = self.model;
        let mut map: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for &v in nodes {
            let e = m.entity(v);
            let keys: Vec<String> = match g {
                Grouping::Country => match self.country_of(v) {
                    CountryOf::Known(r) => vec![m.entity(r).name.to_string()],
                    _ => Vec::new(),
                },
                Grouping::Region => m
                    .regions_of(v)
                    .map(|r| m.entity(r).name.to_string())
                    .collect(),
                Grouping::Stage => e.stage.map(String::from).into_iter().collect(),
                Grouping::Company => e
                    .company
                    .map(|c| {
                        c.split(',')
                            .map(|x| x.trim().to_string())
                            .filter(|x| !x.is_empty())
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            for k in keys {
                map.entry(k).or_default().push(v);
            }
        }
        map.into_iter().collect()
    }

    /// The country a node lies in (docs/semantics.md §3): the nearest enclosing region whose
    /// level is "country"; in a model whose regions around the node give no level (plain
    /// tables of continents > countries > cities, say), the nearest one whose name or id is an
    /// ISO 3166 country (a name or alpha-3 code first, else an alpha-2 code: see
    /// `model::countries`).
    fn country_of(&self, v: u32) -> CountryOf {
        let m = self.model;
        if let Some(r) = m.region_at_level(v, "country") {
            return CountryOf::Known(r);
        }
        let own = (m.entities.kind(v) == Kind::Region).then_some(v);
        let chain: Vec<u32> = own.into_iter().chain(m.regions_of(v)).collect();
        let Some(&nearest) = chain.first() else {
            return CountryOf::Unlocated;
        };
        // Levels given, none of them a country: an aggregate above (a continent, say).
        if chain.iter().any(|&r| m.entity(r).level.is_some()) {
            return CountryOf::Above(nearest);
        }
        let mut best: Option<(countries::Match, u32)> = None;
        for &r in &chain {
            let e = m.entity(r);
            if let Some((how, _)) = countries::recognise(e.id, e.name) {
                if best.is_none_or(|(b, _)| how > b) {
                    best = Some((how, r));
                }
            }
        }
        match best {
            Some((_, r)) => CountryOf::Known(r),
            None => CountryOf::Unknown,
        }
    }

    /// The note for `by country` when some nodes' country cannot be told.
    fn unknown_country_note(&self, nodes: impl Iterator<Item = u32>, what: &str) -> Option<String> {
        let n = nodes
            .filter(|&v| matches!(self.country_of(v), CountryOf::Unknown))
            .count();
        (n > 0).then(|| {
            format!(
                "cannot tell the country of {n} node{} {what}: none of the regions {} lie in \
                 has `level = \"country\"` or an ISO 3166 country's name or code; give the \
                 regions a `level` (a `level` column in nodes.csv)",
                if n == 1 { "" } else { "s" },
                if n == 1 { "it" } else { "they" },
            )
        })
    }

    pub(super) fn group_of(&self, v: u32, g: Grouping) -> String {
        let m = self.model;
        let e = m.entity(v);
        let name = match g {
            // Without a country (an aggregate over a continent, say), the nearest region.
            Grouping::Country => match self.country_of(v) {
                CountryOf::Known(r) | CountryOf::Above(r) => Some(m.entity(r).name.to_string()),
                CountryOf::Unknown => Some(UNKNOWN_COUNTRY.to_string()),
                CountryOf::Unlocated => None,
            },
            Grouping::Region => e.region.map(|r| m.entity(r).name.to_string()),
            Grouping::Stage => e.stage.map(String::from),
            Grouping::Company => e.company.map(String::from),
        };
        name.unwrap_or_else(|| "(not located)".into())
    }

    pub(super) fn concentration(
        &mut self,
        st: &Statement,
        target: &Set,
        by: Grouping,
        stage: Option<&Named>,
        material: Option<&Named>,
    ) -> Result<Outcome> {
        let t = self.single_target(target)?;
        if let Some(s) = stage {
            self.resolve_stage(s)?;
        }
        let m = self.model;
        let shares = match material {
            Some(mat) => std::borrow::Cow::Owned(self.material_shares(mat)?),
            None => self.current_shares(),
        };
        let (_, mask) = chokepoints::cone_of(&m.net, &shares, t);
        let w = reach(&m.net, &shares, t, &mask);
        // Producers only: markets (products) and end uses on a recycling loop hold no stage's
        // capacity.
        let mut items = Vec::new();
        let mut producers = Vec::new();
        let mut unbounded = Vec::new();
        let mut stage_depth: HashMap<String, (f64, f64)> = HashMap::new();
        let depth = longest_distance(&m.net, &shares, t, &mask);
        for v in m.flow_nodes() {
            let e = m.entity(v);
            if v == t
                || !mask[v as usize]
                || !matches!(e.kind, Kind::Mine | Kind::Facility | Kind::Stage)
            {
                continue;
            }
            let Some(st) = e.stage.map(String::from) else {
                continue;
            };
            if stage.is_some_and(|x| x.text != st) {
                continue;
            }
            if !w[v as usize].is_finite() {
                // Around a recycling loop whose shares multiply to 1 or more (counting every
                // material), the sum over supply paths has no limit: no weight to give.
                unbounded.push(v);
                continue;
            }
            let d = stage_depth.entry(st.clone()).or_default();
            d.0 += depth[v as usize] as f64;
            d.1 += 1.0;
            items.push((st, self.group_of(v, by), w[v as usize]));
            if w[v as usize] > 0.0 {
                producers.push(v);
            }
        }
        // Stages in supply order: known stage names in their usual order, others by how far
        // upstream their nodes lie on average.
        let rank = |s: &str| {
            let known = STAGE_ORDER
                .iter()
                .position(|k| k.eq_ignore_ascii_case(s))
                .unwrap_or(STAGE_ORDER.len());
            let far = stage_depth.get(s).map(|(sum, n)| sum / n).unwrap_or(0.0);
            (known, -far)
        };
        let mut stages = concentration::concentration(items);
        stages.sort_by(|a, b| {
            let (ka, fa) = rank(&a.stage);
            let (kb, fb) = rank(&b.stage);
            ka.cmp(&kb).then(fa.total_cmp(&fb))
        });
        let col = by.as_str();
        let title = self.title(&st.stmt);
        // Drawn, every group's share at every stage: a bar chart of them.
        let mut table = if stage.is_some() || self.drawing {
            tabulate::stage_shares(title, col, stages)
        } else {
            tabulate::concentration(title, col, stages)
        };
        if by == Grouping::Country {
            let note = self.unknown_country_note(
                producers.into_iter(),
                &format!("upstream (counted as {UNKNOWN_COUNTRY})"),
            );
            table.notes.extend(note);
        }
        if let Some(mat) = material {
            table.notes.push(format!(
                "counting only the supply edges that carry {} (docs/semantics.md §10)",
                crate::diag::terminal_safe(&mat.text)
            ));
        }
        if let Some(&first) = unbounded.first() {
            table.notes.push(
                format!(
                    "left out: {} node{} on a recycling loop whose shares multiply to 1 or more \
                 (counting every material), so that how much of the target's supply passes \
                 through {} has no bound: {}",
                    unbounded.len(),
                    if unbounded.len() == 1 { "" } else { "s" },
                    if unbounded.len() == 1 { "it" } else { "them" },
                    crate::diag::terminal_safe(m.entity(first).id)
                ) + if unbounded.len() > 1 { ", ..." } else { "" },
            );
        }
        Ok(Outcome::Table(table))
    }

    /// The shares in force with every edge that does not carry `mat` set to 0
    /// (docs/semantics.md §10): an edge carries it when its material is one of `carriers`, or
    /// when it names no material (what it carries is not known, so it is not cut).
    pub(super) fn material_shares(&self, mat: &Named) -> Result<Vec<f64>> {
        let m = self.model;
        let carried = self.carriers(mat)?;
        let shares = self.current_shares();
        Ok(origin::carrying_shares(&m.net, &shares, |p| {
            m.supplies[m.net.in_supply[p] as usize]
                .material()
                .is_none_or(|k| carried[k as usize])
        }))
    }

    /// `origin of "M" for TARGET [by GROUPING]`: each upstream node's material reach (the
    /// share of the target's M that passes through it), or their sums per stage and group.
    pub(super) fn origin(
        &mut self,
        st: &Statement,
        mat: &Named,
        target: &Set,
        by: Option<Grouping>,
    ) -> Result<Outcome> {
        let t = self.single_target(target)?;
        let m = self.model;
        let shares = self.material_shares(mat)?;
        let rank = |s: Option<&str>| {
            s.and_then(|s| STAGE_ORDER.iter().position(|k| k.eq_ignore_ascii_case(s)))
                .unwrap_or(STAGE_ORDER.len())
        };
        let mut unbounded = 0usize;
        let mut rows: Vec<(u32, f64)> = Vec::new();
        for (v, w) in origin::origin(&m.net, &shares, t) {
            if !w.is_finite() {
                unbounded += 1;
            } else if w > 0.0 {
                rows.push((v, w));
            }
        }
        let title = self.title(&st.stmt);
        let mut table = match by {
            None => {
                rows.sort_by(|a, b| {
                    let (ea, eb) = (m.entity(a.0), m.entity(b.0));
                    rank(ea.stage)
                        .cmp(&rank(eb.stage))
                        .then(ea.stage.cmp(&eb.stage))
                        .then(b.1.total_cmp(&a.1))
                        .then(ea.id.cmp(eb.id))
                });
                let mut table = Table::new(title, &["id", "name", "stage", "country", "share"]);
                for &(v, w) in &rows {
                    let e = m.entity(v);
                    table.push(vec![
                        Cell::text(e.id),
                        Cell::text(e.name),
                        Cell::text(e.stage.unwrap_or("")),
                        Cell::Text(self.group_of(v, Grouping::Country)),
                        Cell::Num(w),
                    ]);
                }
                table
            }
            Some(g) => {
                let mut sums: BTreeMap<(usize, String, String), f64> = BTreeMap::new();
                for &(v, w) in &rows {
                    let e = m.entity(v);
                    let Some(stage) = e.stage else { continue };
                    *sums
                        .entry((rank(Some(stage)), stage.to_string(), self.group_of(v, g)))
                        .or_default() += w;
                }
                let mut out: Vec<_> = sums.into_iter().collect();
                out.sort_by(|a, b| {
                    (a.0 .0, &a.0 .1)
                        .cmp(&(b.0 .0, &b.0 .1))
                        .then(b.1.total_cmp(&a.1))
                        .then(a.0 .2.cmp(&b.0 .2))
                });
                // By stage, the stage is the group: one column.
                let by_stage = g == Grouping::Stage;
                let columns: &[&str] = if by_stage {
                    &["stage", "share"]
                } else {
                    &["stage", g.as_str(), "share"]
                };
                let mut table = Table::new(title, columns);
                for ((_, stage, group), w) in out {
                    let mut row = vec![Cell::Text(stage)];
                    if !by_stage {
                        row.push(Cell::Text(group));
                    }
                    row.push(Cell::Num(w));
                    table.push(row);
                }
                table
            }
        };
        table.notes.push(format!(
            "share: how much of the {} of {} passes through the node (summed per stage and \
             group with `by`), along supply edges carrying it only (docs/semantics.md §10)",
            crate::diag::terminal_safe(&mat.text),
            crate::diag::terminal_safe(m.entity(t).name)
        ));
        let share_col = table.columns.len() - 1;
        if table
            .rows
            .iter()
            .any(|r| matches!(r[share_col], Cell::Num(x) if x > 1.0 + 1e-9))
        {
            table.notes.push(
                "a share above 100%: the material passes through two nodes of the group one \
                 after the other (a maker, then a market), and each counts it"
                    .into(),
            );
        }
        if table.rows.is_empty() && unbounded == 0 {
            table.notes.push(format!(
                "no supply edge carrying {} reaches {}: its inputs name materials without it",
                crate::diag::terminal_safe(&mat.text),
                crate::diag::terminal_safe(m.entity(t).name)
            ));
        }
        if unbounded > 0 {
            table.notes.push(format!(
                "left out: {unbounded} node(s) on a recycling loop whose shares multiply to 1 \
                 or more, where the share has no bound"
            ));
        }
        Ok(Outcome::Table(table))
    }

    pub(super) fn paths(
        &mut self,
        st: &Statement,
        from: &Set,
        to: &Set,
        limit: Option<u32>,
    ) -> Result<Outcome> {
        let a = self.targets(from)?;
        let b = self.targets(to)?;
        let shares = self.current_shares();
        let limit = limit.unwrap_or(DEFAULT_PATHS) as usize;
        let found = paths::paths(
            &self.model.net,
            &shares,
            &a,
            &b,
            limit,
            PATH_BUDGET,
            &self.cancel,
        );
        let mut table =
            tabulate::paths(self.model, self.title(&st.stmt), &found, limit, PATH_BUDGET);
        table.graph = Some(Box::new(
            self.plain_graph(
                found
                    .paths
                    .iter()
                    .flat_map(|p| p.nodes.iter().copied())
                    .collect(),
            ),
        ));
        Ok(Outcome::Table(table))
    }

    pub(super) fn explain(
        &mut self,
        st: &Statement,
        targets: &Set,
        sources: &Set,
        limit: Option<u32>,
    ) -> Result<Outcome> {
        let targets = self.targets(targets)?;
        let sources = self.sources(sources)?;
        let m = self.model;
        let mut dis = self.disruption();
        dis.node_loss.extend(sources.iter().map(|&s| (s, 1.0)));
        let shares = self.current_shares();
        // One propagation serves every target (docs/semantics.md §3); each target's reach is
        // then computed over the part of its cone that lost something, the only nodes that can
        // contribute (§4), so that many targets cost their cones, not the net each.
        self.prop.run(&dis, None);
        let loss = self.prop.loss();
        let mut reacher = Reacher::new(&m.net);
        let mut contributions = Vec::new();
        let mut looped = false;
        for &t in &targets {
            if self.cancel.is_cancelled() {
                break;
            }
            let exposure = loss[t as usize];
            if exposure <= 0.0 {
                continue;
            }
            let up = reacher.reach_within(&shares, t, |v| loss[v as usize] > 0.0, &self.cancel);
            let mut rows: Vec<(u32, f64, f64)> = up
                .into_iter()
                .map(|(v, r)| (v, loss[v as usize], r))
                .filter(|(_, l, r)| *l > 0.0 && *r > 0.0)
                .collect();
            rows.sort_by(|a, b| {
                (b.1 * b.2)
                    .total_cmp(&(a.1 * a.2))
                    .then(m.entity(a.0).id.cmp(m.entity(b.0).id))
            });
            rows.truncate(limit.unwrap_or(DEFAULT_EXPLAIN) as usize);
            looped |= rows.iter().any(|r| r.2 > 1.0 + REACH_EPS);
            contributions.extend(rows.into_iter().map(|(node, loss, reach)| Contribution {
                target: t,
                exposure,
                node,
                loss,
                reach,
            }));
        }
        let mut table = tabulate::explain(m, self.title(&st.stmt), &contributions);
        if looped {
            // docs/semantics.md §4: on a loop the reach is the sum of a converging series.
            table.notes.push(
                "a reach above 1: the material passes through the node more than once, around \
                 a recycling loop downstream of it (the reach sums every pass)"
                    .into(),
            );
        }
        table.graph = Some(Box::new(self.cone_graph(&targets, "loss")));
        Ok(Outcome::Table(table))
    }
}

/// The group of nodes whose country cannot be told (see `Session::country_of`).
const UNKNOWN_COUNTRY: &str = "(country unknown)";

/// Where a node lies, by country.
enum CountryOf {
    /// In this country.
    Known(u32),
    /// In no country, in a region whose level is above one (a continent): the nearest region.
    Above(u32),
    /// In regions without levels, none of them a known country.
    Unknown,
    /// In no region.
    Unlocated,
}

/// The longest distance in edges from each node of the cone down to `target` (recycling loops
/// are cut where they close).
fn longest_distance(
    net: &crate::model::net::Net,
    shares: &[f64],
    target: u32,
    cone: &[bool],
) -> Vec<u32> {
    let mut d = vec![0u32; net.len()];
    let tc = net.comp_of(target) as usize;
    for c in (0..=tc).rev() {
        for &u in net.comp_members(c) {
            if u == target || !cone[u as usize] {
                continue;
            }
            let mut best = 0;
            for &p in net.outputs(u) {
                let v = net.target(p);
                if shares[p as usize] > 0.0 && cone[v as usize] && net.comp_of(v) as usize != c {
                    best = best.max(d[v as usize] + 1);
                }
            }
            d[u as usize] = best.max(1);
        }
    }
    d
}
