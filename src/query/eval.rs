//! Measures on the model for one statement: exposure, chokepoints, concentration, paths,
//! explanations. Names come resolved (`resolve`), sets evaluated (`sets`); the numbers come from
//! `analysis`, and `tabulate` lays them out.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::ast::*;
use super::error::{ResolveError, Result};
use super::outcome::Outcome;
use super::session::Session;
use crate::analysis::chokepoints::{self, Impact};
use crate::analysis::concentration;
use crate::analysis::paths;
use crate::analysis::reach::reach;
use crate::analysis::stages::STAGE_ORDER;
use crate::model::graph::Kind;
use crate::output::{Cell, Measure, ResultGraph, Table};
use crate::suggest;

/// Default row limits.
pub const DEFAULT_PATHS: u32 = 10;
pub const DEFAULT_EXPLAIN: u32 = 10;
/// Path enumeration stops after this many steps.
pub const PATH_BUDGET: usize = 2_000_000;

impl Session<'_> {
    /// The graph of a result about `targets`: them and their upstream cone, with the loss of
    /// each node from the propagation just run (only the nodes it touched can have one).
    pub(super) fn cone_graph(&self, targets: &[u32], measure: &str) -> ResultGraph {
        let values = self
            .prop
            .touched()
            .iter()
            .map(|&v| (v, self.prop.loss_of(v)))
            .filter(|&(_, l)| l > 0.0)
            .collect();
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

    pub(super) fn chokepoints(
        &mut self,
        st: &Statement,
        target: &Set,
        by: Option<Grouping>,
        limit: Option<u32>,
    ) -> Result<Outcome> {
        let t = self.single_target(target)?;
        let base = self.disruption();
        let m = self.model;
        let mut table = match by {
            None => {
                let imps: Vec<Impact> =
                    chokepoints::chokepoints(&m.net, &mut self.prop, &base, t, |v| {
                        m.entity(v).id.to_string()
                    });
                let mut table = Table::new(
                    self.title(&st.stmt),
                    &["id", "name", "stage", "country", "impact", "critical"],
                );
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
                table.graph = Some(Box::new(graph));
                for i in imps {
                    let e = m.entity(i.node);
                    let country = m
                        .region_at_level(i.node, "country")
                        .map(|r| m.entity(r).name.to_string());
                    table.push(vec![
                        Cell::text(e.id),
                        Cell::text(e.name),
                        Cell::opt(e.stage.map(String::from)),
                        Cell::opt(country),
                        Cell::Num(i.impact),
                        Cell::Bool(i.critical()),
                    ]);
                }
                table
                    .notes
                    .push("critical: impact 1, a single point of failure".into());
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
                let rows = chokepoints::group_impacts(&mut self.prop, &base, t, groups);
                let col = g.as_str();
                let mut table =
                    Table::new(self.title(&st.stmt), &[col, "nodes", "impact", "critical"]);
                for (label, impact, n) in rows {
                    table.push(vec![
                        Cell::Text(label),
                        Cell::Int(n as i64),
                        Cell::Num(impact),
                        Cell::Bool(impact >= 1.0 - chokepoints::CRITICAL_EPS),
                    ]);
                }
                table
            }
        };
        if let Some(l) = limit {
            table.rows.truncate(l as usize);
        }
        Ok(Outcome::Table(table))
    }

    /// Upstream nodes grouped by country, region (every enclosing region), stage or company.
    fn groups(&self, nodes: &[u32], g: Grouping) -> Vec<(String, Vec<u32>)> {
        let m = self.model;
        let mut map: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for &v in nodes {
            let e = m.entity(v);
            let keys: Vec<String> = match g {
                Grouping::Country => m
                    .region_at_level(v, "country")
                    .map(|r| m.entity(r).name.to_string())
                    .into_iter()
                    .collect(),
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

    fn group_of(&self, v: u32, g: Grouping) -> String {
        let m = self.model;
        let e = m.entity(v);
        let name = match g {
            // Without a country (an aggregate over a continent, say), the nearest region.
            Grouping::Country => m
                .region_at_level(v, "country")
                .or(e.region)
                .map(|r| m.entity(r).name.to_string()),
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
    ) -> Result<Outcome> {
        let t = self.single_target(target)?;
        let m = self.model;
        if let Some(s) = stage {
            if !self.vocab.stages.contains(&s.text) {
                return Err(self
                    .err(
                        s.span,
                        ResolveError::UnknownValue {
                            what: "stage",
                            value: s.text.clone(),
                        },
                    )
                    .with_label_opt(suggest::hint(
                        &s.text,
                        self.vocab.stages.iter().map(String::as_str).collect(),
                    )));
            }
        }
        let shares = self.current_shares();
        let (_, mask) = chokepoints::cone_of(&m.net, &shares, t);
        let w = reach(&m.net, &shares, t, &mask);
        // Producers only: markets (products) and end uses on a recycling loop hold no stage's
        // capacity.
        let mut items = Vec::new();
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
            let d = stage_depth.entry(st.clone()).or_default();
            d.0 += depth[v as usize] as f64;
            d.1 += 1.0;
            items.push((st, self.group_of(v, by), w[v as usize]));
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
        if stage.is_some() {
            let mut table = Table::new(self.title(&st.stmt), &["stage", col, "share"]);
            for s in stages {
                for (g, sh) in s.shares {
                    table.push(vec![Cell::text(&s.stage), Cell::Text(g), Cell::Num(sh)]);
                }
            }
            return Ok(Outcome::Table(table));
        }
        let mut table = Table::new(
            self.title(&st.stmt),
            &[
                "stage",
                &format!("top {col}"),
                "top share",
                "top three",
                "hhi",
                "concentrated",
            ],
        );
        for s in stages {
            let (top, top_share) = s.shares.first().cloned().unwrap_or_default();
            let three: Vec<String> = s
                .shares
                .iter()
                .take(3)
                .map(|(g, x)| format!("{g} {:.1}%", x * 100.0))
                .collect();
            let dominant = s.dominant();
            table.push(vec![
                Cell::Text(s.stage),
                Cell::Text(top),
                Cell::Num(top_share),
                Cell::Text(three.join(", ")),
                Cell::Num(s.hhi.round()),
                Cell::Bool(dominant),
            ]);
        }
        table.notes.push(format!(
            "shares weigh each node by how much of the target's supply passes through it; concentrated: one {col} above {}%",
            concentration::DOMINANT * 100.0
        ));
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
        let mut table = Table::new(self.title(&st.stmt), &["path", "share", "steps"]);
        table.graph = Some(Box::new(
            self.plain_graph(
                found
                    .paths
                    .iter()
                    .flat_map(|p| p.nodes.iter().copied())
                    .collect(),
            ),
        ));
        for p in &found.paths {
            let ids: Vec<&str> = p.nodes.iter().map(|&v| self.model.entity(v).id).collect();
            table.push(vec![
                Cell::Text(ids.join(" -> ")),
                Cell::Num(p.share),
                Cell::Int(p.nodes.len() as i64 - 1),
            ]);
        }
        if found.truncated {
            table.notes.push(format!(
                "stopped after {PATH_BUDGET} steps: more paths may exist; narrow the query (a nearer start, or `limit`)"
            ));
        } else if found.paths.len() >= limit {
            table.notes.push(format!(
                "showing the first {limit} paths found; raise `limit` for more"
            ));
        }
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
        let mut table = Table::new(
            self.title(&st.stmt),
            &[
                "target",
                "exposure",
                "id",
                "name",
                "stage",
                "loss",
                "reach",
                "contribution",
            ],
        );
        for &t in &targets {
            self.prop.run(&dis, None);
            let exposure = self.prop.loss_of(t);
            let (up, mask) = chokepoints::cone_of(&m.net, &shares, t);
            let w = reach(&m.net, &shares, t, &mask);
            let mut rows: Vec<(u32, f64, f64)> = up
                .into_iter()
                .map(|v| (v, self.prop.loss_of(v), w[v as usize]))
                .filter(|(_, l, r)| *l > 0.0 && *r > 0.0)
                .collect();
            rows.sort_by(|a, b| {
                (b.1 * b.2)
                    .total_cmp(&(a.1 * a.2))
                    .then(m.entity(a.0).id.cmp(m.entity(b.0).id))
            });
            rows.truncate(limit.unwrap_or(DEFAULT_EXPLAIN) as usize);
            for (v, l, r) in rows {
                let e = m.entity(v);
                table.push(vec![
                    Cell::text(m.entity(t).id),
                    Cell::Num(exposure),
                    Cell::text(e.id),
                    Cell::text(e.name),
                    Cell::opt(e.stage.map(String::from)),
                    Cell::Num(l),
                    Cell::Num(r),
                    Cell::Num(l * r),
                ]);
            }
        }
        table.notes.push("loss: the node's own loss; reach: the share of the target's supply that passes through it; contribution: loss x reach".into());
        table.graph = Some(Box::new(self.cone_graph(&targets, "loss")));
        Ok(Outcome::Table(table))
    }
}

/// The longest distance in edges from each node of the cone down to `target` (recycling loops
/// are cut where they close).
fn longest_distance(
    net: &crate::analysis::net::Net,
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
