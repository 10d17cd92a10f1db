//! Evaluation: a session holds a model, `let` variables, scenarios and the what-if in force,
//! and turns each statement into a table. Measures come from `analysis`; printing from
//! `output`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::ast::*;
use super::outcome::{Diagram, Outcome};
use super::sets::{Vars, Vocabulary};
use crate::analysis::chokepoints::{self, Impact};
use crate::analysis::concentration;
use crate::analysis::exposure;
use crate::analysis::net::NONE;
use crate::analysis::paths;
use crate::analysis::propagate::{Disruption, Propagator};
use crate::analysis::reach::reach;
use crate::analysis::scenario::Effects;
use crate::analysis::stages::STAGE_ORDER;
use crate::diag::{clip, Loc, Problem, SourceText};
use crate::interrupt::Cancel;
use crate::model::graph::{EdgeStatus, Kind, Model};
use crate::output::{Cell, Measure, ResultGraph, Table};
use crate::suggest;

/// Default row limits.
pub const DEFAULT_PATHS: u32 = 10;
pub const DEFAULT_EXPLAIN: u32 = 10;
/// Path enumeration stops after this many steps.
pub const PATH_BUDGET: usize = 2_000_000;

/// A named scenario: its clauses, resolved when defined.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub text: String,
    pub effects: Effects,
}

pub struct Session<'m> {
    pub model: &'m Model,
    pub(crate) vars: Vars,
    pub scenarios: BTreeMap<String, Scenario>,
    pub(crate) vocab: Vocabulary,
    prop: Propagator<'m>,
    /// The what-if in force (inside `with ...:`).
    effects: Effects,
    /// The text statements are read from, for error places.
    file: Arc<SourceText>,
    /// Set (by a Ctrl-C handler, say) to stop the statement under way.
    cancel: Cancel,
}

impl<'m> Session<'m> {
    /// A session on a model, with the model's own scenarios defined. A scenario of the model
    /// that does not parse or resolve is returned as a problem (and left out).
    pub fn new(model: &'m Model) -> (Session<'m>, Vec<Problem>) {
        Session::with_cancel(model, Cancel::new())
    }

    /// A session whose statements stop early when `cancel` is set (see `Session::run`).
    pub fn with_cancel(model: &'m Model, cancel: Cancel) -> (Session<'m>, Vec<Problem>) {
        let mut s = Session {
            model,
            vars: HashMap::new(),
            scenarios: BTreeMap::new(),
            vocab: Vocabulary::of(model),
            prop: Propagator::new(&model.net, cancel.clone()),
            effects: Effects::default(),
            file: Arc::new(SourceText::new("<query>", "")),
            cancel,
        };
        let mut problems = Vec::new();
        for sc in &model.doc.scenario {
            let name = format!("scenario \"{}\"", sc.id.text);
            let file = Arc::new(SourceText::new(name, sc.with.text.clone()));
            match super::parse::parse_clauses(&file) {
                Ok(clauses) => {
                    s.file = file;
                    match s.resolve_clauses(&clauses) {
                        Ok(effects) => {
                            s.scenarios.insert(
                                sc.id.text.to_lowercase(),
                                Scenario {
                                    name: sc.id.text.clone(),
                                    text: sc.with.text.clone(),
                                    effects,
                                },
                            );
                        }
                        Err(p) => problems.push(p),
                    }
                }
                Err(p) => problems.push(p),
            }
        }
        (s, problems)
    }

    /// Variables in scope, by name, with their sizes.
    pub fn variables(&self) -> Vec<(String, usize)> {
        let mut v: Vec<(String, usize)> = self
            .vars
            .iter()
            .map(|(k, s)| (k.clone(), s.len()))
            .collect();
        v.sort();
        v
    }

    pub(crate) fn err(&self, span: Span, msg: impl Into<String>) -> Problem {
        Problem::error(Loc::span(&self.file, span.start..span.end), msg)
    }

    /// Runs one statement read from `file`. When the session's cancellation token is set while
    /// it runs (Ctrl-C in the shell), its result is discarded.
    pub fn run(&mut self, file: &Arc<SourceText>, st: &Statement) -> Result<Outcome, Problem> {
        self.file = file.clone();
        self.cancel.reset();
        let out = self.statement(st);
        if self.cancel.is_cancelled() {
            self.cancel.reset();
            return Err(self.err(st.span, "interrupted (Ctrl-C): the statement was stopped"));
        }
        out
    }

    /// Edge shares under the what-if in force: the model's own unless planned capacity runs
    /// (borrowed then, so that no statement copies them).
    pub(crate) fn current_shares(&self) -> std::borrow::Cow<'m, [f64]> {
        if self.effects.planned.is_empty() {
            std::borrow::Cow::Borrowed(&self.model.net.in_share)
        } else {
            std::borrow::Cow::Owned(crate::analysis::scenario::planned_shares(
                &self.model.net,
                &self.effects.planned,
            ))
        }
    }

    fn disruption(&self) -> Disruption {
        self.effects.disruption(&self.model.net)
    }

    fn title(&self, st: &Stmt) -> String {
        st.to_string()
    }

    fn statement(&mut self, st: &Statement) -> Result<Outcome, Problem> {
        match &st.stmt {
            Stmt::Diagram { body, file } => {
                let out = self.statement(body)?;
                let Outcome::Table(t) = out else {
                    return Err(self.err(body.span, "this statement has no result to draw"));
                };
                Ok(Outcome::Diagram(Diagram {
                    table: t,
                    path: file.text.clone(),
                    source: self.file.clone(),
                    span: file.span,
                }))
            }
            Stmt::With { clauses, body } => {
                let effects = self.resolve_clauses(clauses)?;
                let saved = self.effects.clone();
                self.effects.extend(&effects);
                let out = self.statement(body);
                self.effects = saved;
                let mut out = out?;
                if let Outcome::Table(t) = &mut out {
                    t.title = st.stmt.to_string();
                    if let Some(g) = &mut t.graph {
                        // Named scenarios are spelt out, so a picture says what was assumed.
                        let text: Vec<String> = clauses
                            .iter()
                            .map(|c| match c {
                                Clause::Scenario(n) => {
                                    match self.scenarios.get(&n.text.to_lowercase()) {
                                        Some(sc) => format!("{} ({})", sc.name, sc.text),
                                        None => c.to_string(),
                                    }
                                }
                                other => other.to_string(),
                            })
                            .collect();
                        g.scenario = Some(text.join(", "));
                    }
                }
                Ok(out)
            }
            Stmt::Let { name, set } => {
                let v = self.eval_set(set)?;
                let n = v.len();
                self.vars.insert(name.text.to_lowercase(), v);
                Ok(Outcome::Message(format!(
                    "let {} = {} node{}",
                    name.text,
                    n,
                    plural(n)
                )))
            }
            Stmt::Scenario { name, clauses } => {
                let effects = self.resolve_clauses(clauses)?;
                let text = clauses
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                self.scenarios.insert(
                    name.text.to_lowercase(),
                    Scenario {
                        name: name.text.clone(),
                        text,
                        effects,
                    },
                );
                Ok(Outcome::Message(format!("scenario {} defined", name.text)))
            }
            Stmt::Exposure { targets, sources } => {
                let targets = self.targets(targets)?;
                let sources = self.sources(sources)?;
                let base = self.disruption();
                let ls = exposure::exposure(&mut self.prop, &base, &sources, &targets);
                let mut t = Table::new(self.title(&st.stmt), &["id", "name", "exposure"]);
                for (&v, l) in targets.iter().zip(ls) {
                    let e = self.model.entity(v);
                    t.push(vec![Cell::text(e.id), Cell::text(e.name), Cell::Num(l)]);
                }
                t.graph = Some(Box::new(self.cone_graph(&targets, "loss")));
                Ok(Outcome::Table(t))
            }
            Stmt::Loss(targets) => {
                let targets = self.targets(targets)?;
                let base = self.disruption();
                let ls = exposure::exposure(&mut self.prop, &base, &[], &targets);
                let mut t = Table::new(self.title(&st.stmt), &["id", "name", "loss"]);
                for (&v, l) in targets.iter().zip(ls) {
                    let e = self.model.entity(v);
                    t.push(vec![Cell::text(e.id), Cell::text(e.name), Cell::Num(l)]);
                }
                if self.effects.is_empty() {
                    t.notes
                        .push("no what-if is in force: write `with ...: loss of ...`".into());
                }
                t.graph = Some(Box::new(self.cone_graph(&targets, "loss")));
                Ok(Outcome::Table(t))
            }
            Stmt::Explain {
                targets,
                sources,
                limit,
            } => self.explain(st, targets, sources, *limit),
            Stmt::Chokepoints { target, by, limit } => self.chokepoints(st, target, *by, *limit),
            Stmt::Concentration { target, by, stage } => {
                self.concentration(st, target, *by, stage.as_ref())
            }
            Stmt::Paths { from, to, limit } => self.paths(st, from, to, *limit),
            Stmt::Show(set) => self.show(st, set),
            Stmt::List(set) => {
                let v = self.eval_set(set)?;
                let v_nodes = v.clone();
                let mut t = Table::new(
                    self.title(&st.stmt),
                    &["id", "name", "kind", "stage", "country"],
                );
                for x in v {
                    let e = self.model.entity(x);
                    let country = self
                        .model
                        .region_at_level(x, "country")
                        .map(|r| self.model.entity(r).name.to_string());
                    t.push(vec![
                        Cell::text(e.id),
                        Cell::text(e.name),
                        Cell::text(e.kind.as_str()),
                        Cell::opt(e.stage.map(String::from)),
                        Cell::opt(country),
                    ]);
                }
                t.graph = Some(Box::new(self.plain_graph(v_nodes)));
                Ok(Outcome::Table(t))
            }
        }
    }

    /// The graph of a result about `targets`: them and their upstream cone, with the loss of
    /// each node from the propagation just run (only the nodes it touched can have one).
    fn cone_graph(&self, targets: &[u32], measure: &str) -> ResultGraph {
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
    fn plain_graph(&self, nodes: Vec<u32>) -> ResultGraph {
        let shares = self.current_shares();
        ResultGraph {
            nodes: self.flow_nodes(&nodes),
            shares: (!self.effects.planned.is_empty()).then(|| Arc::new(shares.into_owned())),
            ..ResultGraph::default()
        }
    }

    /// Targets of a measure: flow nodes (regions stand for what they contain).
    fn targets(&mut self, s: &Set) -> Result<Vec<u32>, Problem> {
        let v = self.eval_set(s)?;
        let v = self.flow_nodes(&v);
        if v.is_empty() {
            return Err(self
                .err(s.span(), "this set holds no flow node")
                .with_label("nothing to measure"));
        }
        Ok(v)
    }

    fn sources(&mut self, s: &Set) -> Result<Vec<u32>, Problem> {
        let v = self.eval_set(s)?;
        Ok(self.flow_nodes(&v))
    }

    fn single_target(&mut self, s: &Set) -> Result<u32, Problem> {
        let v = self.targets(s)?;
        match v.as_slice() {
            [one] => Ok(*one),
            _ => Err(self
                .err(s.span(), format!("expected one node, found {}", v.len()))
                .with_label("name one node (chokepoints and concentration are per target)")),
        }
    }

    fn chokepoints(
        &mut self,
        st: &Statement,
        target: &Set,
        by: Option<Grouping>,
        limit: Option<u32>,
    ) -> Result<Outcome, Problem> {
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

    fn concentration(
        &mut self,
        st: &Statement,
        target: &Set,
        by: Grouping,
        stage: Option<&Named>,
    ) -> Result<Outcome, Problem> {
        let t = self.single_target(target)?;
        let m = self.model;
        if let Some(s) = stage {
            if !self.vocab.stages.contains(&s.text) {
                return Err(self
                    .err(s.span, format!("no node has stage \"{}\"", clip(&s.text)))
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

    fn paths(
        &mut self,
        st: &Statement,
        from: &Set,
        to: &Set,
        limit: Option<u32>,
    ) -> Result<Outcome, Problem> {
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

    fn explain(
        &mut self,
        st: &Statement,
        targets: &Set,
        sources: &Set,
        limit: Option<u32>,
    ) -> Result<Outcome, Problem> {
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

    fn show(&mut self, st: &Statement, set: &Set) -> Result<Outcome, Problem> {
        let v = self.eval_set(set)?;
        let shown = v.clone();
        let m = self.model;
        let mut table = Table::new(
            self.title(&st.stmt),
            &["id", "field", "value", "unit", "source", "date", "note"],
        );
        let row = |t: &mut Table, id: &str, field: &str, value: String| {
            t.push(vec![
                Cell::text(id),
                Cell::text(field),
                Cell::Text(value),
                Cell::Null,
                Cell::Null,
                Cell::Null,
                Cell::Null,
            ]);
        };
        for x in v {
            let e = m.entity(x);
            row(&mut table, e.id, "name", e.name.to_string());
            row(&mut table, e.id, "kind", e.kind.as_str().into());
            if let Some(s) = e.stage {
                row(&mut table, e.id, "stage", s.to_string());
            }
            let chain: Vec<String> = m
                .regions_of(x)
                .map(|r| m.entity(r).name.to_string())
                .collect();
            if !chain.is_empty() {
                let f = if e.kind == Kind::Region {
                    "within"
                } else {
                    "region"
                };
                row(&mut table, e.id, f, chain.join(" < "));
            }
            if let Some(c) = e.company {
                row(&mut table, e.id, "company", c.to_string());
            }
            let node_def;
            let (default_source, figures): (
                Option<String>,
                Vec<(&str, &crate::model::doc::Figure)>,
            ) = if e.kind == Kind::Region {
                let d = &m.doc.region[e.def];
                (
                    d.source.as_ref().map(|s| s.text.clone()),
                    d.attrs
                        .0
                        .iter()
                        .map(|(k, f)| (k.text.as_str(), f))
                        .collect(),
                )
            } else {
                node_def = m.node_def(e.def);
                let d = &*node_def;
                if let Some(s) = &d.status {
                    row(&mut table, e.id, "status", s.clone());
                }
                let mut f: Vec<(&str, &crate::model::doc::Figure)> =
                    d.capacity.iter().map(|c| ("capacity", c)).collect();
                f.extend(d.attrs.0.iter().map(|(k, f)| (k.text.as_str(), f)));
                (d.source.as_ref().map(|s| s.text.clone()), f)
            };
            for (k, f) in figures {
                let several = f.values.len() > 1;
                for val in &f.values {
                    let mut note = val.note.clone().unwrap_or_default();
                    if several {
                        let mark = if std::ptr::eq(val, f.used()) {
                            "used"
                        } else {
                            "not used: sources disagree"
                        };
                        note = if note.is_empty() {
                            mark.to_string()
                        } else {
                            format!("{mark}; {note}")
                        };
                    }
                    table.push(vec![
                        Cell::text(e.id),
                        Cell::text(k),
                        Cell::Text(val.value.to_string()),
                        Cell::opt(f.unit.as_ref().map(|u| u.text.clone())),
                        Cell::opt(
                            val.source
                                .as_ref()
                                .map(|s| s.text.clone())
                                .or(default_source.clone()),
                        ),
                        Cell::opt(val.date.clone()),
                        if note.is_empty() {
                            Cell::Null
                        } else {
                            Cell::Text(note)
                        },
                    ]);
                }
            }
            // Supply edges in and out.
            let node = Model::node_index(x);
            let mut edges: Vec<usize> = m
                .graph
                .edges_directed(node, petgraph::Direction::Incoming)
                .chain(m.graph.edges_directed(node, petgraph::Direction::Outgoing))
                .map(|e| petgraph::visit::EdgeRef::id(&e).index())
                .collect();
            edges.sort_unstable();
            edges.dedup();
            for k in edges {
                let s = &m.supplies[k];
                let (field, other) = if s.to == x {
                    ("input from", s.from)
                } else {
                    ("output to", s.to)
                };
                let mat = s
                    .material()
                    .map(|k| m.materials[k as usize].name.clone())
                    .unwrap_or_default();
                let status = match s.status {
                    EdgeStatus::Operating => String::new(),
                    EdgeStatus::Planned => " (planned)".into(),
                    EdgeStatus::Stopped => " (stopped)".into(),
                };
                let d = m.edge_def(k);
                let src = d
                    .share
                    .as_ref()
                    .and_then(|f| f.used().source.as_ref())
                    .or(d.source.as_ref())
                    .map(|n| n.text.clone());
                table.push(vec![
                    Cell::text(e.id),
                    Cell::text(field),
                    Cell::Text(format!(
                        "{}: {mat}, share {}{status}",
                        m.entity(other).id,
                        crate::output::rounded(s.share)
                    )),
                    Cell::Null,
                    Cell::opt(src),
                    Cell::Null,
                    Cell::Null,
                ]);
            }
        }
        table.graph = Some(Box::new(self.plain_graph(shown)));
        Ok(Outcome::Table(table))
    }

    /// Resolves what-if clauses into effects, checking every name.
    pub(crate) fn resolve_clauses(&mut self, clauses: &[Clause]) -> Result<Effects, Problem> {
        let mut fx = Effects::default();
        let m = self.model;
        for c in clauses {
            match c {
                Clause::Disrupt { set, by } => {
                    let nodes = self.sources(set)?;
                    if nodes.is_empty() {
                        return Err(self.err(set.span(), "this set holds no flow node to disrupt"));
                    }
                    let x = by.as_ref().map(Amount::fraction).unwrap_or(1.0);
                    fx.node_loss.extend(nodes.into_iter().map(|v| (v, x)));
                }
                Clause::Restrict {
                    of,
                    from,
                    to,
                    by,
                    span,
                } => {
                    let from_set = self.eval_set(from)?;
                    let to_set = to.as_ref().map(|t| self.eval_set(t)).transpose()?;
                    let mut mats: Option<Vec<u32>> = None;
                    for n in of {
                        let found = self.materials_named(&n.text, n.span)?;
                        mats.get_or_insert_with(Vec::new).extend(found);
                    }
                    let inside = |set: &[u32], v: u32| {
                        set.binary_search(&v).is_ok()
                            || m.regions_of(v).any(|r| set.binary_search(&r).is_ok())
                    };
                    let x = by.as_ref().map(Amount::fraction).unwrap_or(1.0);
                    let before = fx.edge_restrict.len();
                    for (k, s) in m.supplies.iter().enumerate() {
                        let pos = m.net.supply_pos[k];
                        if pos == NONE || !inside(&from_set, s.from) || inside(&from_set, s.to) {
                            continue;
                        }
                        if let Some(ts) = &to_set {
                            if !inside(ts, s.to) {
                                continue;
                            }
                        }
                        if let Some(ms) = &mats {
                            if !s.material().is_some_and(|k| ms.contains(&k)) {
                                continue;
                            }
                        }
                        fx.edge_restrict.push((pos, x));
                    }
                    if fx.edge_restrict.len() == before {
                        return Err(self
                            .err(*span, "no supply edge matches this restriction")
                            .with_label(
                            "no edge leaves the first place for the second with these materials",
                        ));
                    }
                }
                Clause::Planned { of, span } => {
                    let set = of.as_ref().map(|s| self.eval_set(s)).transpose()?;
                    let set = set.map(|s| self.flow_nodes(&s));
                    let before = fx.planned.len();
                    for (k, s) in m.supplies.iter().enumerate() {
                        if s.status != EdgeStatus::Planned {
                            continue;
                        }
                        if let Some(set) = &set {
                            if set.binary_search(&s.from).is_err() {
                                continue;
                            }
                        }
                        fx.planned.push(m.net.supply_pos[k]);
                    }
                    if fx.planned.len() == before {
                        return Err(self.err(*span, "no planned supply edge leaves these nodes"));
                    }
                }
                Clause::Scenario(n) => match self.scenarios.get(&n.text.to_lowercase()) {
                    Some(s) => fx.extend(&s.effects.clone()),
                    None => {
                        let known: Vec<&str> =
                            self.scenarios.values().map(|s| s.name.as_str()).collect();
                        let mut p = self
                            .err(n.span, format!("unknown scenario `{}`", clip(&n.text)))
                            .with_label_opt(suggest::hint(&n.text, known.clone()));
                        if known.is_empty() {
                            p = p.with_note("no scenario is defined: define one with `scenario NAME = ...` or in the model");
                        }
                        return Err(p);
                    }
                },
            }
        }
        Ok(fx)
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

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
