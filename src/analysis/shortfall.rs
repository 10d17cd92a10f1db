//! Shortfall with substitution (design.md section 6): how many tonnes of a target's demand can
//! still be met under a disruption when suppliers with spare capacity stand in for lost ones.
//!
//! The supply of a target `t` is the optimum of the linear program
//!
//! ```text
//! maximise x(t)  over  x(n) >= 0 (flow nodes), f(e) >= 0 (supply edges)
//!   x(n) <= capacity(n) * (1 - d(n))                       node capacity, after its own loss
//!   x(t) <= output(t)                                      the target needs no more than its demand
//!   a(n, m) * x(n) <= sum of f(e) over e in G(n, m)        the recipe, per input group m of n
//!   sum of f(e) over edges leaving u <= x(u)               a node ships at most what it makes
//!   f(e) <= capacity(e);  f(e) <= (1 - r(e)) * volume(e)   route capacity; a restriction
//! ```
//!
//! built over the target's upstream cone only (the nodes that can reach it along the edges in
//! play), so that one target on a network of millions of nodes stays a small program. Edges
//! leaving the cone are left out: other consumers do not compete (the priority view).
//!
//! ## Figures and the recipe
//!
//! [`Figures`] holds, per node, `output` (base-year production; for an end use, its demand) and
//! `capacity` (defaults to `output`), and per incoming-edge position `volume` (base-year flow)
//! and `capacity` (unbounded unless given). The recipe coefficient of group `m` of node `n` is
//!
//! ```text
//! a(n, m) = inflow(n, m) / output(n)
//! inflow(n, m) = sum of volume(e) over the operating edges of G(n, m)   when all of them give one
//!              = output(n) * sum of share(e) over the operating edges   otherwise
//! ```
//!
//! so a group whose shares add up to less than 1 needs only that part of the node's output from
//! inside the model (the rest is bought outside, taken as unaffected, design.md section 1). An
//! edge's volume, where not given, is `share(e) * output(n)` (for a planned edge, the share it
//! takes once running); it is needed only where the edge is restricted. Every node of the cone
//! with inputs needs its `output` (to fix its recipe), every node without inputs its `capacity`
//! or `output`, and the target its `output`; a missing one is an error naming node and figure.
//! A node with inputs whose output is 0 cannot run (its recipe is undefined): its `x` is fixed
//! at 0.
//!
//! With the base-year figures in balance (every node ships at most its output, every group
//! receives at least its recipe) `x = output, f = volume` is feasible, so without a disruption
//! the supply equals the demand.
//!
//! ## What binds
//!
//! [`explain`] also solves the dual program (one variable per constraint, the shadow price) with
//! the same solver and reports the constraints with a positive dual value: a node capacity, an
//! edge capacity or restriction, the demand itself (the target is fully supplied), or, at a node
//! with several input groups, the recipe of the group that is scarce. An optimal dual is a
//! certificate: its value equals the supply (checked), and each dual value bounds what the
//! target gains per tonne the constraint is relaxed (exactly that gain for a small relaxation
//! when the optimum is not degenerate).

// Node numbers and incoming-edge positions are the `Net`'s own u32 numbers, and a cone holds
// at most the `Net`'s nodes.
#![allow(clippy::cast_possible_truncation)]

use good_lp::{microlp, variable, Expression, ProblemVariables, Solution, SolverModel, Variable};
use rustc_hash::FxHashMap as HashMap;

use super::propagate::Disruption;
use crate::model::net::Net;

/// Figures in tonnes per year (or the model's one unit). Vectors may be shorter than the net
/// (or empty): a missing entry is a figure not given.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// Per node: base-year output (an end use's demand).
    pub output: Vec<Option<f64>>,
    /// Per node: the most it can produce (defaults to its output).
    pub capacity: Vec<Option<f64>>,
    /// Per incoming-edge position (`Net::in_*`): base-year flow.
    pub volume: Vec<Option<f64>>,
    /// Per incoming-edge position: the most the route can carry (unbounded unless given).
    pub edge_capacity: Vec<Option<f64>>,
    /// Per incoming-edge position: operating shares in place of the net's (one draw of the
    /// uncertain figures, docs/semantics.md §9); `None`: the net's.
    pub share: Option<Vec<f64>>,
}

fn at(v: &[Option<f64>], i: usize) -> Option<f64> {
    v.get(i).copied().flatten().filter(|x| x.is_finite())
}

impl Figures {
    /// Figures for a net of `nodes` nodes and `edges` incoming-edge positions, none given.
    pub fn empty(nodes: usize, edges: usize) -> Figures {
        Figures {
            output: vec![None; nodes],
            capacity: vec![None; nodes],
            volume: vec![None; edges],
            edge_capacity: vec![None; edges],
            share: None,
        }
    }

    /// These figures under one draw of the shares (`shares`, per incoming-edge position): an
    /// edge's share is the draw's, and a given volume moves with it (`volume x drawn / base`),
    /// so that the recipes and derived volumes follow the draw; at the base shares, the same
    /// figures.
    pub fn drawn(&self, net: &Net, shares: &[f64]) -> Figures {
        let mut f = self.clone();
        for (p, v) in f.volume.iter_mut().enumerate() {
            let (Some(x), Some(&base), Some(&s)) = (v.as_mut(), net.in_share.get(p), shares.get(p))
            else {
                continue;
            };
            if base > 0.0 && s != base {
                *x *= s / base;
            }
        }
        f.share = Some(shares.to_vec());
        f
    }

    pub fn output(&self, n: u32) -> Option<f64> {
        at(&self.output, n as usize)
    }

    /// The node's capacity, defaulting to its output.
    pub fn capacity(&self, n: u32) -> Option<f64> {
        at(&self.capacity, n as usize).or_else(|| self.output(n))
    }

    pub fn volume(&self, p: usize) -> Option<f64> {
        at(&self.volume, p)
    }

    pub fn edge_capacity(&self, p: usize) -> Option<f64> {
        at(&self.edge_capacity, p)
    }
}

/// A node figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Output,
    Capacity,
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Figure::Output => "output",
            Figure::Capacity => "capacity",
        })
    }
}

/// Why a figure is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The target's output is its demand.
    Demand,
    /// A node with inputs: its output fixes its recipe.
    Recipe,
    /// A node without inputs: its capacity (or output) bounds what it supplies.
    Supply,
}

impl std::fmt::Display for Need {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Need::Demand => "the target's output is its demand",
            Need::Recipe => "its output fixes the recipe of its inputs",
            Need::Supply => "a node without inputs needs a capacity or an output",
        })
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShortfallError {
    /// Node `node` (a net index) lacks `figure`.
    #[error("node {node} has no {figure} ({why})")]
    Missing {
        node: u32,
        figure: Figure,
        why: Need,
    },
    #[error("the linear program could not be solved: {0}")]
    Solver(String),
}

/// The answer for one target.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortfall {
    pub target: u32,
    /// The target's output.
    pub demand: f64,
    /// The most of it that can be supplied, with substitution.
    pub supply: f64,
    /// `demand - supply`, in tonnes.
    pub shortfall: f64,
    /// `shortfall / demand` (0 for a demand of 0).
    pub shortfall_share: f64,
    /// Nodes in the program (the target's upstream cone, the target included).
    pub cone: usize,
}

/// A constraint of the program.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// `x(t) <= output(t)`: the target's demand (it is fully supplied).
    Demand { node: u32 },
    /// `x(n) <= capacity(n) * (1 - loss)`.
    NodeCapacity { node: u32, loss: f64 },
    /// `f(e) <= capacity(e)`, by incoming-edge position.
    EdgeCapacity { pos: u32 },
    /// `f(e) <= (1 - restrict) * volume(e)`, by incoming-edge position.
    Restriction { pos: u32, restrict: f64 },
    /// `a * x(n) <= inflow of the group`: the input group `group` (an index of
    /// `Net::groups(node)`, with its material) is scarce.
    Recipe {
        node: u32,
        group: usize,
        material: Option<u32>,
    },
}

/// A constraint that binds, with its dual value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Binding {
    pub limit: Limit,
    /// The constraint's right-hand side in tonnes (for a recipe: its coefficient `a`, tonnes of
    /// the input per tonne of output).
    pub bound: f64,
    /// The dual value: tonnes of the target gained per tonne the limit is relaxed (for a
    /// recipe: per tonne of the input delivered from outside), at most, and exactly for a small
    /// relaxation when the optimum is not degenerate.
    pub gain_per_tonne: f64,
}

/// [`shortfall`] and what limits it.
#[derive(Debug, Clone, PartialEq)]
pub struct Explained {
    pub shortfall: Shortfall,
    /// Binding constraints, largest gain first.
    pub binding: Vec<Binding>,
    /// An optimal plan: production per cone node, and flow per incoming-edge position.
    pub production: Vec<(u32, f64)>,
    pub flows: Vec<(u32, f64)>,
}

/// Dual values and slacks below this (relative to the figures) count as zero.
const EPS: f64 = 1e-9;

/// The supply and shortfall of `target` under `dis`.
pub fn shortfall(
    net: &Net,
    figs: &Figures,
    dis: &Disruption,
    target: u32,
) -> Result<Shortfall, ShortfallError> {
    let lp = Program::build(net, figs, dis, target)?;
    let (supply, _) = lp.solve_primal()?;
    Ok(lp.answer(supply))
}

/// [`shortfall`] for several targets, each in its own priority view.
pub fn shortfalls(
    net: &Net,
    figs: &Figures,
    dis: &Disruption,
    targets: &[u32],
) -> Vec<Result<Shortfall, ShortfallError>> {
    targets
        .iter()
        .map(|&t| shortfall(net, figs, dis, t))
        .collect()
}

/// The shortfall of `target`, the constraints that bind (from the dual program) and an optimal
/// plan.
pub fn explain(
    net: &Net,
    figs: &Figures,
    dis: &Disruption,
    target: u32,
) -> Result<Explained, ShortfallError> {
    let lp = Program::build(net, figs, dis, target)?;
    let (supply, mut values) = lp.solve_primal()?;
    let binding = lp.binding(supply)?;
    lp.repair(&mut values);
    let mut production = Vec::with_capacity(lp.nodes.len());
    let mut flows = Vec::new();
    for (j, &v) in values.iter().enumerate() {
        match lp.var[j] {
            Var::Node(n) => production.push((n, v)),
            Var::Edge(p) => flows.push((p, v)),
        }
    }
    Ok(Explained {
        shortfall: lp.answer(supply),
        binding,
        production,
        flows,
    })
}

/// The recipe of node `n`: per input group (index into `Net::groups(n)`), the coefficient
/// `a(n, m)`; `None` where the node has inputs and no output. Planned edges count with the
/// shares they would take when `shares` (a disruption's) switches them on; the recipe itself is
/// fixed by the operating edges (in a group without one, by its planned edges).
pub fn recipe(net: &Net, figs: &Figures, n: u32) -> Option<Vec<(usize, f64)>> {
    let groups = net.groups(n);
    if groups.is_empty() {
        return Some(Vec::new());
    }
    let out = figs.output(n)?;
    Some(
        groups
            .map(|g| {
                let inflow = group_inflow(net, figs, g, out);
                (g, if out > 0.0 { inflow / out } else { 0.0 })
            })
            .collect(),
    )
}

/// The base-year volume of the edge at position `p`: given, or its share of its consumer's
/// output (a planned edge: the share it would take); `None` without either.
pub fn edge_volume(net: &Net, figs: &Figures, p: usize) -> Option<f64> {
    figs.volume(p).or_else(|| {
        let out = figs.output(net.in_dst[p])?;
        Some(base_share(net, figs, p) * out)
    })
}

fn is_planned(net: &Net, p: usize) -> bool {
    net.planned_share(p) > 0.0
}

fn base_share(net: &Net, figs: &Figures, p: usize) -> f64 {
    if is_planned(net, p) {
        net.planned_share(p)
    } else {
        figs.share
            .as_ref()
            .and_then(|s| s.get(p).copied())
            .unwrap_or(net.in_share[p])
    }
}

/// Base-year inflow of group `g` of a node whose output is `out`.
///
/// A group with no operating edge (every input of a planned plant is planned too) takes its
/// recipe from its planned edges: their volumes, else the shares they take once running.
/// Otherwise such a plant, once switched on, would make its output out of nothing.
fn group_inflow(net: &Net, figs: &Figures, g: usize, out: f64) -> f64 {
    let all_planned = net.group_inputs(g).all(|p| is_planned(net, p));
    let members = || {
        net.group_inputs(g)
            .filter(move |&p| all_planned || !is_planned(net, p))
    };
    let vols: Option<f64> = members().map(|p| figs.volume(p)).sum();
    match vols {
        Some(v) if members().next().is_some() => v,
        _ => out * members().map(|p| base_share(net, figs, p)).sum::<f64>(),
    }
}

#[derive(Debug, Clone, Copy)]
enum Var {
    Node(u32),
    Edge(u32),
}

/// The program over one target's cone, in the form `max x(t)` subject to `row <= 0` and
/// `0 <= var <= ub`: every right-hand side other than zero is a variable's upper bound.
struct Program {
    target: u32,
    demand: f64,
    nodes: Vec<u32>,
    var: Vec<Var>,
    /// Upper bound of each variable (infinite where none), and what it stands for.
    ub: Vec<f64>,
    ub_limit: Vec<Option<Limit>>,
    /// Rows `sum coef * var <= 0`, and the recipe each stands for, with its coefficient and
    /// whether its node has several input groups (`None`: a node's outflow).
    rows: Vec<Vec<(u32, f64)>>,
    row_recipe: Vec<Option<(Limit, f64, bool)>>,
    /// Variable index of `x(t)`.
    t: usize,
}

impl Program {
    fn build(
        net: &Net,
        figs: &Figures,
        dis: &Disruption,
        target: u32,
    ) -> Result<Program, ShortfallError> {
        let active_share: &[f64] = match &dis.shares {
            Some(s) => s,
            None => &net.in_share,
        };
        // Operating edges are routes whatever their share; planned ones once switched on.
        let active = |p: usize| !is_planned(net, p) || active_share[p] > 0.0;
        let mut d: HashMap<u32, f64> = HashMap::default();
        for &(v, x) in &dis.node_loss {
            let s = d.entry(v).or_insert(0.0);
            *s = 1.0 - (1.0 - *s) * (1.0 - x.clamp(0.0, 1.0));
        }
        let mut r: HashMap<u32, f64> = HashMap::default();
        for &(p, x) in &dis.edge_restrict {
            let s = r.entry(p).or_insert(0.0);
            *s = 1.0 - (1.0 - *s) * (1.0 - x.clamp(0.0, 1.0));
        }

        // The upstream cone, target first (local index = position in `nodes`).
        let mut local: HashMap<u32, u32> = HashMap::default();
        let mut nodes = vec![target];
        local.insert(target, 0);
        let mut i = 0;
        while i < nodes.len() {
            let v = nodes[i];
            i += 1;
            for p in net.inputs(v) {
                if active(p) {
                    let u = net.in_src[p];
                    if let std::collections::hash_map::Entry::Vacant(e) = local.entry(u) {
                        e.insert(nodes.len() as u32);
                        nodes.push(u);
                    }
                }
            }
        }

        let demand = figs.output(target).ok_or(ShortfallError::Missing {
            node: target,
            figure: Figure::Output,
            why: Need::Demand,
        })?;
        let mut var = Vec::with_capacity(nodes.len() * 3);
        let mut ub = Vec::with_capacity(nodes.len() * 3);
        let mut ub_limit = Vec::with_capacity(nodes.len() * 3);
        let mut rows: Vec<Vec<(u32, f64)>> = Vec::new();
        let mut row_recipe = Vec::new();
        // Node variables first: x(nodes[i]) is variable i.
        for &n in &nodes {
            let has_inputs = net.inputs(n).any(active);
            let loss = d.get(&n).copied().unwrap_or(0.0);
            let out = figs.output(n);
            if has_inputs && out.is_none() {
                return Err(ShortfallError::Missing {
                    node: n,
                    figure: Figure::Output,
                    why: Need::Recipe,
                });
            }
            let cap = figs.capacity(n).ok_or(ShortfallError::Missing {
                node: n,
                figure: Figure::Capacity,
                why: Need::Supply,
            })?;
            let mut bound = cap.max(0.0) * (1.0 - loss);
            if has_inputs && out.is_some_and(|o| o <= 0.0) {
                bound = 0.0;
            }
            let mut limit = Limit::NodeCapacity { node: n, loss };
            if n == target && demand <= bound {
                bound = demand.max(0.0);
                limit = Limit::Demand { node: n };
            }
            var.push(Var::Node(n));
            ub.push(bound);
            ub_limit.push(Some(limit));
        }
        // Edge variables and recipe rows.
        let mut out_rows: Vec<Vec<(u32, f64)>> = vec![Vec::new(); nodes.len()];
        for (i, &n) in nodes.iter().enumerate() {
            let out = figs.output(n).unwrap_or(0.0);
            let groups = net.groups(n);
            let several = groups.len() > 1;
            for g in groups.clone() {
                let mut row = Vec::new();
                for p in net.group_inputs(g) {
                    if !active(p) {
                        continue;
                    }
                    let j = var.len() as u32;
                    let (mut bound, mut limit) = match figs.edge_capacity(p) {
                        Some(c) => (c.max(0.0), Some(Limit::EdgeCapacity { pos: p as u32 })),
                        None => (f64::INFINITY, None),
                    };
                    if let Some(&rr) = r.get(&(p as u32)) {
                        if rr > 0.0 {
                            // The consumer has an output here (it has inputs), so this exists.
                            let vol = edge_volume(net, figs, p).unwrap_or(0.0).max(0.0);
                            let cap = (1.0 - rr) * vol;
                            if cap <= bound {
                                bound = cap;
                                limit = Some(Limit::Restriction {
                                    pos: p as u32,
                                    restrict: rr,
                                });
                            }
                        }
                    }
                    var.push(Var::Edge(p as u32));
                    ub.push(bound);
                    ub_limit.push(limit);
                    row.push((j, -1.0));
                    out_rows[local[&net.in_src[p]] as usize].push((j, 1.0));
                }
                if out > 0.0 {
                    let a = group_inflow(net, figs, g, out) / out;
                    if a > 0.0 {
                        row.push((i as u32, a));
                        rows.push(row);
                        let material = net.group_material(g);
                        let limit = Limit::Recipe {
                            node: n,
                            group: g - net.groups(n).start,
                            material,
                        };
                        row_recipe.push(Some((limit, a, several)));
                    }
                }
            }
        }
        for (i, mut row) in out_rows.into_iter().enumerate() {
            if !row.is_empty() {
                row.push((i as u32, -1.0));
                rows.push(row);
                row_recipe.push(None);
            }
        }
        Ok(Program {
            target,
            demand,
            nodes,
            var,
            ub,
            ub_limit,
            rows,
            row_recipe,
            t: 0,
        })
    }

    fn answer(&self, supply: f64) -> Shortfall {
        let demand = self.demand.max(0.0);
        let mut supply = supply.clamp(0.0, demand);
        if demand - supply <= EPS * demand.max(1.0) {
            supply = demand;
        } else if supply <= EPS * demand.max(1.0) {
            supply = 0.0;
        }
        let shortfall = demand - supply;
        Shortfall {
            target: self.target,
            demand,
            supply,
            shortfall,
            shortfall_share: if demand > 0.0 {
                shortfall / demand
            } else {
                0.0
            },
            cone: self.nodes.len(),
        }
    }

    /// The optimum and an optimal point.
    fn solve_primal(&self) -> Result<(f64, Vec<f64>), ShortfallError> {
        // In units of the demand, so that the solver's tolerances are relative to it.
        let scale = if self.demand > 0.0 { self.demand } else { 1.0 };
        let mut vars = ProblemVariables::new();
        let v: Vec<Variable> = self
            .ub
            .iter()
            .map(|&u| {
                let def = variable().min(0.0);
                vars.add(if u.is_finite() {
                    def.max(u / scale)
                } else {
                    def
                })
            })
            .collect();
        let mut model = vars.maximise(v[self.t]).using(microlp);
        for row in &self.rows {
            let mut e = Expression::with_capacity(row.len());
            for &(j, c) in row {
                e.add_mul(c, v[j as usize]);
            }
            model.add_constraint(e.leq(0.0));
        }
        let sol = model
            .solve()
            .map_err(|e| ShortfallError::Solver(e.to_string()))?;
        let values: Vec<f64> = v.iter().map(|&x| sol.value(x).max(0.0) * scale).collect();
        let supply = values[self.t];
        Ok((supply, values))
    }

    /// Makes a plan from the solver feasible to rounding: the simplex may leave a row broken
    /// by a little (seen: 1e-3 t on a loop of 100 t figures). Each row is restored by scaling
    /// down its positive side (a node's production to what its inputs allow, a node's
    /// shipments to what it makes), sweeping until nothing moves; only ever lowering values, so
    /// bounds stay kept.
    fn repair(&self, values: &mut [f64]) {
        for _ in 0..1000 {
            let mut moved = false;
            for row in &self.rows {
                let (mut pos, mut neg) = (0.0, 0.0);
                for &(j, c) in row {
                    let v = c * values[j as usize];
                    if c > 0.0 {
                        pos += v;
                    } else {
                        neg -= v;
                    }
                }
                if pos > neg && pos > 0.0 {
                    let k = neg / pos;
                    for &(j, c) in row {
                        if c > 0.0 {
                            values[j as usize] *= k;
                        }
                    }
                    moved |= pos - neg > 1e-12 * self.demand.max(1.0);
                }
            }
            if !moved {
                break;
            }
        }
    }

    /// The dual program, `min sum ub(j) mu(j)` over `pi >= 0` (rows) and `mu >= 0` (finite
    /// upper bounds), with `sum_r A(r, j) pi(r) + mu(j) >= c(j)` for every variable `j`; its
    /// positive values name what binds.
    fn binding(&self, supply: f64) -> Result<Vec<Binding>, ShortfallError> {
        let mut vars = ProblemVariables::new();
        let pi: Vec<Variable> = self
            .rows
            .iter()
            .map(|_| vars.add(variable().min(0.0)))
            .collect();
        let mu: Vec<Option<Variable>> = self
            .ub
            .iter()
            .map(|u| u.is_finite().then(|| vars.add(variable().min(0.0))))
            .collect();
        let mut objective = Expression::with_capacity(self.ub.len());
        for (j, m) in mu.iter().enumerate() {
            if let Some(m) = m {
                objective.add_mul(self.ub[j], *m);
            }
        }
        let mut columns: Vec<Expression> = (0..self.var.len())
            .map(|j| {
                let mut e = Expression::with_capacity(4);
                if let Some(m) = mu[j] {
                    e.add_mul(1.0, m);
                }
                e
            })
            .collect();
        for (r, row) in self.rows.iter().enumerate() {
            for &(j, c) in row {
                columns[j as usize].add_mul(c, pi[r]);
            }
        }
        let mut model = vars.minimise(objective).using(microlp);
        for (j, col) in columns.into_iter().enumerate() {
            let c = if j == self.t { 1.0 } else { 0.0 };
            model.add_constraint(col.geq(c));
        }
        let sol = model
            .solve()
            .map_err(|e| ShortfallError::Solver(format!("dual: {e}")))?;
        let mut out = Vec::new();
        // Recipes of nodes with one input group, reported only when nothing else binds (a
        // loop without a source of its own, say).
        let mut single = Vec::new();
        let mut value = 0.0;
        for (j, m) in mu.iter().enumerate() {
            let Some(m) = m else { continue };
            let y = sol.value(*m);
            value += y * self.ub[j];
            if y > EPS {
                if let Some(limit) = self.ub_limit[j] {
                    out.push(Binding {
                        limit,
                        bound: self.ub[j],
                        gain_per_tonne: y,
                    });
                }
            }
        }
        for (r, p) in pi.iter().enumerate() {
            let y = sol.value(*p);
            if y > EPS {
                if let Some((limit, a, several)) = self.row_recipe[r] {
                    let b = Binding {
                        limit,
                        bound: a,
                        gain_per_tonne: y,
                    };
                    if several {
                        out.push(b);
                    } else {
                        single.push(b);
                    }
                }
            }
        }
        // Strong duality: the dual optimum is the supply (to the solver's precision).
        let scale = self.demand.abs().max(1.0);
        if (value - supply).abs() > 1e-6 * scale {
            return Err(ShortfallError::Solver(format!(
                "the dual optimum {value} differs from the supply {supply}"
            )));
        }
        if out.is_empty() {
            out = single;
        }
        out.sort_by(|a, b| b.gain_per_tonne.total_cmp(&a.gain_per_tonne));
        Ok(out)
    }
}
