//! Loss propagation (docs/semantics.md §2), the one primitive every measure is built on.
//!
//! `L(n) = 1 - (1 - d(n)) * (1 - max_m sum_{e in G(n,m)} s(e) * (1 - (1 - r(e)) * (1 - L(u))))`
//!
//! Components are visited in topological order through a worklist, starting from the nodes a
//! disruption touches, so a small disruption costs only the part of the graph it reaches; once
//! the worklist holds many, one sweep in order computes all the rest (see [`Propagator::run`]).
//! A cyclic component (a recycling loop) is iterated from zero to its least fixed point.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::cancel::Cancel;
use crate::model::net::{cores, join, touch_by, Net};

/// Convergence threshold of the iteration inside a cyclic component.
const CYCLE_TOL: f64 = 1e-14;
/// At most this many sweeps over one cyclic component.
const MAX_SWEEPS: usize = 1_000_000;
/// A run without a scope sweeps the rest of the components in order once its heap holds more
/// than `1 / SWEEP_FROM` of them (and more than [`SWEEP_MIN`]).
const SWEEP_FROM: usize = 64;
const SWEEP_MIN: usize = 64;

/// The sweep computes components in blocks of this many: first the inputs of the whole block
/// are gathered, stage by stage, then its losses are computed in order (see [`Block`]).
const SWEEP_BLOCK: usize = 256;

/// A sweep of at least this many components gathers its blocks on another core (see
/// [`Propagator::sweep_pipelined`]).
const PIPELINE_FROM: usize = 1 << 16;
/// Gathered blocks waiting to be computed, at most (the gathering side may hold one more,
/// ready to hand over).
const PIPELINE_AHEAD: usize = 4;

/// A disruption: node losses, edge restrictions (by incoming-edge position), and optionally
/// other shares (planned capacity switched on).
#[derive(Debug, Clone, Default)]
pub struct Disruption {
    pub node_loss: Vec<(u32, f64)>,
    pub edge_restrict: Vec<(u32, f64)>,
    /// Shares per incoming-edge position replacing `Net::in_share`, when planned edges run.
    pub shares: Option<std::sync::Arc<Vec<f64>>>,
}

impl Disruption {
    pub fn is_empty(&self) -> bool {
        self.node_loss.is_empty() && self.edge_restrict.is_empty() && self.shares.is_none()
    }
}

/// A loss or restriction as a fraction: clamped to [0, 1], and 0 for a NaN (so that no loss is
/// ever NaN, and the heap and the sweep of [`Propagator::run`] agree on every input).
fn fraction(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0)
    }
}

/// Reusable state for propagations on one net. Only what a run touched is reset after it.
pub struct Propagator<'n> {
    net: &'n Net,
    loss: Vec<f64>,
    d: Vec<f64>,
    r: Vec<f64>,
    touched: Vec<u32>,
    touched_r: Vec<u32>,
    queued: Vec<bool>,
    queued_list: Vec<u32>,
    heap: BinaryHeap<Reverse<u32>>,
    /// Components in the heap past which a run without a scope sweeps (`None`: a
    /// [`SWEEP_FROM`] part of them, at least [`SWEEP_MIN`]); set by the tests.
    sweep_at: Option<usize>,
    /// Components the sweep gathers the inputs of at a time ([`SWEEP_BLOCK`]; set by the
    /// tests).
    block: usize,
    /// The sweep's block, kept for the next run.
    sweep_block: Block,
    /// Components a sweep must have to gather on another core ([`PIPELINE_FROM`]; set by the
    /// tests).
    pipeline_from: usize,
    /// Checked between components and sweeps: a run stops early once it is set.
    cancel: Cancel,
}

impl<'n> Propagator<'n> {
    /// A propagator on `net` whose runs stop early when `cancel` is set.
    pub fn new(net: &'n Net, cancel: Cancel) -> Self {
        let n = net.len();
        Propagator {
            net,
            loss: vec![0.0; n],
            d: vec![0.0; n],
            r: vec![0.0; net.in_src.len()],
            touched: Vec::new(),
            touched_r: Vec::new(),
            queued: vec![false; net.comp_count()],
            queued_list: Vec::new(),
            heap: BinaryHeap::new(),
            sweep_at: None,
            block: SWEEP_BLOCK,
            sweep_block: Block::default(),
            pipeline_from: if cores() > 1 {
                PIPELINE_FROM
            } else {
                usize::MAX
            },
            cancel,
        }
    }

    /// Keeps every sweep on the calling thread: for propagators that already run one a core
    /// (the draws of an uncertain statement).
    pub fn on_one_core(mut self) -> Self {
        self.pipeline_from = usize::MAX;
        self
    }

    /// The token runs check; analyses built on runs check it between them too.
    pub fn cancel(&self) -> &Cancel {
        &self.cancel
    }

    /// The loss of every node after the last run (0 where untouched).
    pub fn loss(&self) -> &[f64] {
        &self.loss
    }

    pub fn loss_of(&self, v: u32) -> f64 {
        self.loss[v as usize]
    }

    /// Nodes whose loss the last run may have changed.
    pub fn touched(&self) -> &[u32] {
        &self.touched
    }

    fn reset(&mut self) {
        for &v in &self.touched {
            self.loss[v as usize] = 0.0;
            self.d[v as usize] = 0.0;
        }
        self.touched.clear();
        for &p in &self.touched_r {
            self.r[p as usize] = 0.0;
        }
        self.touched_r.clear();
        for &c in &self.queued_list {
            self.queued[c as usize] = false;
        }
        self.queued_list.clear();
    }

    fn push(&mut self, c: u32) {
        if !self.queued[c as usize] {
            self.queued[c as usize] = true;
            self.queued_list.push(c);
            self.heap.push(Reverse(c));
        }
    }

    /// Propagates `dis`. With `scope`, only components whose nodes satisfy it are computed
    /// (an analysis that looks at one target passes its upstream cone).
    ///
    /// Components are taken in topological order: from a heap while few are queued, so a
    /// small disruption costs only what it reaches. Without a scope, once the heap holds more
    /// than a [`SWEEP_FROM`] part of them, the rest are taken by one sweep that computes every
    /// component after the last one taken, reading each node's suppliers and nothing else: no
    /// heap operation, and no reading of consumers to queue them. (A scoped run keeps to the
    /// heap: its scope, an upstream cone, may end long before the net does.)
    pub fn run(&mut self, dis: &Disruption, scope: Option<&dyn Fn(u32) -> bool>) {
        self.reset();
        let net = self.net;
        for &(v, x) in &dis.node_loss {
            let slot = &mut self.d[v as usize];
            // Two losses of one node compound.
            *slot = 1.0 - (1.0 - *slot) * (1.0 - fraction(x));
            self.touched.push(v);
            self.push(net.comp_of(v));
        }
        for &(p, x) in &dis.edge_restrict {
            let slot = &mut self.r[p as usize];
            *slot = 1.0 - (1.0 - *slot) * (1.0 - fraction(x));
            self.touched_r.push(p);
            let t = net.target(p);
            self.touched.push(t);
            self.push(net.comp_of(t));
        }
        let shares: &[f64] = match &dis.shares {
            Some(s) => s,
            None => &net.in_share,
        };
        let sweep_at = match scope {
            Some(_) => usize::MAX,
            None => self
                .sweep_at
                .unwrap_or((net.comp_count() / SWEEP_FROM).max(SWEEP_MIN)),
        };
        let mut next = None;
        while let Some(Reverse(c)) = self.heap.pop() {
            if self.cancel.is_cancelled() {
                self.heap.clear();
                return;
            }
            self.visit(c, shares, scope);
            if self.heap.len() > sweep_at {
                next = Some(c as usize + 1);
                break;
            }
        }
        let Some(from) = next else { return };
        // The rest by one sweep in order that computes every component: one whose suppliers
        // have no loss and which no disruption touches comes out at 0, as it would unvisited,
        // and nothing need be queued (each queued one costs a read of its consumers). Every
        // component still in the heap is queued and comes after the last one taken.
        self.heap.clear();
        let comps = from..net.comp_count();
        let step = self.block.max(1);
        if comps.len() >= self.pipeline_from {
            self.sweep_pipelined(comps, step, shares);
            return;
        }
        // The block's arrays are kept between runs (an analysis may run thousands).
        let mut block = std::mem::take(&mut self.sweep_block);
        let queued = std::mem::take(&mut self.queued);
        for start in comps.clone().step_by(step) {
            if self.cancel.is_cancelled() {
                break;
            }
            let end = (start + step).min(comps.end);
            block.gather(net, &queued, shares, start..end);
            self.compute(&block, start, shares, &queued);
        }
        self.queued = queued;
        self.sweep_block = block;
    }

    /// The sweep with the blocks gathered on another core, a few blocks ahead of this one,
    /// which computes them in order as [`Propagator::run`]'s sweep does: what is gathered
    /// depends on no loss, so the losses are the same to the bit.
    fn sweep_pipelined(&mut self, comps: std::ops::Range<usize>, step: usize, shares: &[f64]) {
        let net = self.net;
        // Nothing is queued during the sweep: the gathering reads `queued` while the losses
        // are computed.
        let queued = std::mem::take(&mut self.queued);
        let cancel = self.cancel.clone();
        let starts = comps.clone().step_by(step);
        std::thread::scope(|scope| {
            let (gathered, computed) = std::sync::mpsc::sync_channel::<Block>(PIPELINE_AHEAD);
            let (spent, reuse) = std::sync::mpsc::channel::<Block>();
            let queued = &queued;
            let gather_starts = starts.clone();
            let gathering = scope.spawn(move || {
                for start in gather_starts {
                    if cancel.is_cancelled() {
                        break;
                    }
                    let mut block = reuse.try_recv().unwrap_or_default();
                    let end = (start + step).min(comps.end);
                    block.gather(net, queued, shares, start..end);
                    // The computing side has stopped (cancelled): so does this one.
                    if gathered.send(block).is_err() {
                        break;
                    }
                }
            });
            for start in starts {
                if self.cancel.is_cancelled() {
                    break;
                }
                // An error: the gathering side stopped (cancelled, or its panic goes on below).
                let Ok(block) = computed.recv() else { break };
                self.compute(&block, start, shares, queued);
                // The gathering side may have stopped (cancelled): the block is then dropped.
                spent.send(block).ok();
            }
            // The gathering side, if still going, stops at its next hand-over.
            drop(computed);
            join(gathering);
        });
        self.queued = queued;
    }

    /// Computes the swept components `start..` whose inputs `block` gathered, in order
    /// (`queued`: the propagator's, held apart from it during the sweep).
    fn compute(&mut self, block: &Block, start: usize, shares: &[f64], queued: &[bool]) {
        // Every supplier's loss read once, so that computing the block finds them in the
        // cache.
        touch_by(&self.loss, block.src.iter().map(|&u| u as usize), |l| {
            l.to_bits()
        });
        for (i, &node) in block.node.iter().enumerate() {
            let c = start + i;
            match node {
                NOT_GATHERED => self.sweep_one(c, queued[c], shares),
                v => {
                    let l = block.loss(i, &self.loss);
                    // 0 is what the node holds already.
                    if l > 0.0 {
                        self.loss[v as usize] = l;
                        self.touched.push(v);
                    }
                }
            }
        }
    }

    /// A component of the sweep whose inputs were not gathered: a cyclic one, or one that a
    /// disruption touches (its loss and restrictions are read).
    fn sweep_one(&mut self, c: usize, queued: bool, shares: &[f64]) {
        let members = self.net.comp_members(c);
        if self.net.comp_cyclic(c) {
            if queued || self.fed(members, shares) {
                self.solve_cycle(members, shares);
            }
        } else {
            let v = members[0];
            let l = self.node_loss(v, shares);
            if l > 0.0 {
                self.loss[v as usize] = l;
                self.touched.push(v);
            }
        }
    }

    /// Whether a supplier of one of `members` with a share has a loss (a component no
    /// disruption touches has a loss only then).
    fn fed(&self, members: &[u32], shares: &[f64]) -> bool {
        members.iter().any(|&v| {
            self.net
                .inputs(v)
                .any(|p| shares[p] > 0.0 && self.loss[self.net.in_src[p] as usize] > 0.0)
        })
    }

    /// Computes the loss of component `c`'s members and queues the components they supply.
    fn visit(&mut self, c: u32, shares: &[f64], scope: Option<&dyn Fn(u32) -> bool>) {
        let net = self.net;
        let members = net.comp_members(c as usize);
        if scope.is_some_and(|f| !f(members[0])) {
            return;
        }
        if net.comp_cyclic(c as usize) {
            self.solve_cycle(members, shares);
        } else {
            let v = members[0];
            let l = self.node_loss(v, shares);
            self.loss[v as usize] = l;
            self.touched.push(v);
        }
        for &v in members {
            if self.loss[v as usize] > 0.0 {
                for &p in net.outputs(v) {
                    if shares[p as usize] > 0.0 {
                        let tc = net.comp_of(net.target(p));
                        if tc != c {
                            self.push(tc);
                        }
                    }
                }
            }
        }
    }

    /// The right-hand side of the loss equation at v, from the current losses.
    fn node_loss(&self, v: u32, shares: &[f64]) -> f64 {
        let net = self.net;
        // Without restrictions every `r` is 0: not read (a miss per input at this size).
        let restricted = !self.touched_r.is_empty();
        let mut worst: f64 = 0.0;
        for g in net.groups(v) {
            let mut lost = 0.0;
            for p in net.group_inputs(g) {
                let s = shares[p];
                if s == 0.0 {
                    continue;
                }
                let lu = self.loss[net.in_src[p] as usize];
                let r = if restricted { self.r[p] } else { 0.0 };
                lost += s * (1.0 - (1.0 - r) * (1.0 - lu));
            }
            worst = worst.max(lost);
        }
        let d = self.d[v as usize];
        (1.0 - (1.0 - d) * (1.0 - worst.min(1.0))).clamp(0.0, 1.0)
    }

    /// Least fixed point on a cyclic component: Gauss-Seidel sweeps from the current values
    /// (zero for a fresh component), which rise monotonically to it.
    fn solve_cycle(&mut self, members: &[u32], shares: &[f64]) {
        for &v in members {
            self.touched.push(v);
        }
        for _ in 0..MAX_SWEEPS {
            if self.cancel.is_cancelled() {
                return;
            }
            let mut delta: f64 = 0.0;
            for &v in members {
                let l = self.node_loss(v, shares);
                delta = delta.max((l - self.loss[v as usize]).abs());
                self.loss[v as usize] = l;
            }
            if delta <= CYCLE_TOL {
                break;
            }
        }
    }
}

/// In [`Block::node`], a component whose inputs are not gathered.
const NOT_GATHERED: u32 = u32::MAX;

/// The inputs of a block of components that the sweep computes, gathered before any of them
/// is computed.
///
/// With rows in any order, a component's node, its groups, its inputs and their suppliers lie
/// far apart in memory, and each is found from the one before: computed one at a time, a node
/// waits for four cache misses in a row. Gathered stage by stage over a block (every node's
/// groups, then every group's inputs, then every input's supplier and share), the reads of
/// one stage do not wait for each other. What is gathered does not depend on any loss, so the
/// block's losses are then computed in order from it as [`Propagator::node_loss`] computes
/// them, operation for operation.
///
/// Only a component that no disruption touches and that is not cyclic is gathered: its node
/// has no loss of its own and its inputs no restriction (a disruption queues the components
/// it touches), so its loss is that of its suppliers alone.
#[derive(Default)]
struct Block {
    /// Per component: its node, or [`NOT_GATHERED`].
    node: Vec<u32>,
    /// Per component: the end of its groups in `group_end` (a component's groups follow the
    /// previous component's).
    groups_end: Vec<usize>,
    /// Per group: the end of its inputs in `src` and `share`.
    group_end: Vec<usize>,
    /// Per input with a share: the supplier and the share.
    src: Vec<u32>,
    share: Vec<f64>,
    /// Scratch: per component, its node's first group and the end of its groups in the net;
    /// per group, its first input and the end of its inputs.
    node_groups: Vec<std::ops::Range<usize>>,
    inputs: Vec<std::ops::Range<usize>>,
}

impl Block {
    fn gather(
        &mut self,
        net: &Net,
        queued: &[bool],
        shares: &[f64],
        comps: std::ops::Range<usize>,
    ) {
        self.node.clear();
        self.groups_end.clear();
        self.group_end.clear();
        self.src.clear();
        self.share.clear();
        self.node_groups.clear();
        self.inputs.clear();
        // Stage 1: each component's node and the node's groups.
        for c in comps {
            if queued[c] || net.comp_cyclic(c) {
                self.node.push(NOT_GATHERED);
                self.node_groups.push(0..0);
            } else {
                let v = net.comp_members(c)[0];
                self.node.push(v);
                self.node_groups.push(net.groups(v));
            }
        }
        // Stage 2: each group's inputs.
        for groups in &self.node_groups {
            for g in groups.clone() {
                self.inputs.push(net.group_inputs(g));
            }
            self.groups_end.push(self.inputs.len());
        }
        // Stage 3: each input's supplier and share (an input without a share adds nothing, as
        // in `node_loss`).
        for p in &self.inputs {
            for (&s, &u) in shares[p.clone()].iter().zip(&net.in_src[p.clone()]) {
                if s != 0.0 {
                    self.src.push(u);
                    self.share.push(s);
                }
            }
            self.group_end.push(self.src.len());
        }
    }

    /// The loss of the block's `i`-th component from the current losses: the equation at a
    /// node with no loss of its own and no restriction on its inputs.
    fn loss(&self, i: usize, loss: &[f64]) -> f64 {
        let groups = match i {
            0 => 0,
            i => self.groups_end[i - 1],
        }..self.groups_end[i];
        let mut worst: f64 = 0.0;
        for g in groups {
            let first = match g {
                0 => 0,
                g => self.group_end[g - 1],
            };
            let mut lost = 0.0;
            let end = self.group_end[g];
            for (&u, &s) in self.src[first..end].iter().zip(&self.share[first..end]) {
                let lu = loss[u as usize];
                // `s * (1 - (1 - r) * (1 - lu))` with r = 0: the same value to the bit.
                lost += s * (1.0 - (1.0 - lu));
            }
            worst = worst.max(lost);
        }
        // `1 - (1 - d) * (1 - worst)` with d = 0, clamped.
        (1.0 - (1.0 - worst.min(1.0))).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
// Small random graphs: every number fits.
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;
    use crate::model::graph::{EdgeStatus, Supply};
    use crate::model::shares::effective_shares;

    /// The loss equation iterated from zero over every node at once (Jacobi) until it stops
    /// moving: the definition, with none of the run's ordering or queueing.
    fn jacobi(net: &Net, shares: &[f64], d: &[f64], r: &[f64]) -> Vec<f64> {
        let n = net.len();
        let mut loss = vec![0.0; n];
        for _ in 0..10_000 {
            let next: Vec<f64> = (0..n as u32)
                .map(|v| {
                    let worst = net
                        .groups(v)
                        .map(|g| {
                            net.group_inputs(g)
                                .map(|p| {
                                    let lu = loss[net.in_src[p] as usize];
                                    shares[p] * (1.0 - (1.0 - r[p]) * (1.0 - lu))
                                })
                                .sum::<f64>()
                        })
                        .fold(0.0, f64::max);
                    (1.0 - (1.0 - d[v as usize]) * (1.0 - worst.min(1.0))).clamp(0.0, 1.0)
                })
                .collect();
            let moved = next.iter().zip(&loss).any(|(a, b)| (a - b).abs() > 1e-15);
            loss = next;
            if !moved {
                break;
            }
        }
        loss
    }

    /// On random graphs with loops, several materials and edge restrictions, a run that sweeps
    /// from its first component (its blocks gathered on this core or on another), one that
    /// never sweeps, and the default give the same losses to the last bit (a scoped run keeps
    /// to the heap: with a scope they must agree too); and they agree with the equation
    /// iterated whole.
    #[test]
    fn sweeping_and_queueing_give_the_same_losses() {
        let mut rng = crate::model::test_rng::Rng::new(0x5851_f42d_4c95_7f2du64);
        let mut next = |m: u64| rng.below(m);
        for case in 0..300 {
            let n = 2 + next(40) as usize;
            let mut supplies = Vec::new();
            for _ in 0..next(4 * n as u64) {
                let (a, b) = (next(n as u64) as u32, next(n as u64) as u32);
                // Mostly forward edges; some back edges make loops.
                if a < b || next(100) < 8 {
                    let material = [None, Some(0), Some(1)][next(3) as usize];
                    supplies.push(Supply::new(a, b, material, f64::NAN, EdgeStatus::Operating));
                }
            }
            let live = effective_shares(n, &mut supplies, |_| None, |_| {});
            let net = Net::build(n, &supplies, &live);
            let mut dis = Disruption::default();
            for _ in 0..1 + next(3) {
                dis.node_loss
                    .push((next(n as u64) as u32, [1.0, 0.5][next(2) as usize]));
            }
            // Half the cases with a restriction, half without (`r` is then not read).
            if !net.in_src.is_empty() && next(2) == 0 {
                let p = next(net.in_src.len() as u64) as u32;
                dis.edge_restrict.push((p, 0.25));
            }
            let cut = next(n as u64) as u32;
            let scoped = |v: u32| v != cut;
            for scope in [None, Some(&scoped as &dyn Fn(u32) -> bool)] {
                let mut losses = Vec::new();
                for (sweep_at, block, pipeline_from) in [
                    (Some(0), 1, usize::MAX),
                    (Some(0), 3, usize::MAX),
                    (Some(0), SWEEP_BLOCK, usize::MAX),
                    (Some(usize::MAX), SWEEP_BLOCK, usize::MAX),
                    (None, SWEEP_BLOCK, usize::MAX),
                    (Some(0), 1, 0),
                    (Some(0), 3, 0),
                ] {
                    let mut prop = Propagator::new(&net, Cancel::new());
                    prop.sweep_at = sweep_at;
                    prop.block = block;
                    prop.pipeline_from = pipeline_from;
                    // Twice: the second run starts from what the first one reset.
                    prop.run(&dis, scope);
                    prop.run(&dis, scope);
                    let touched: std::collections::BTreeSet<u32> = prop
                        .touched()
                        .iter()
                        .copied()
                        .filter(|&v| prop.loss_of(v) > 0.0)
                        .collect();
                    let lost: std::collections::BTreeSet<u32> =
                        (0..n as u32).filter(|&v| prop.loss_of(v) > 0.0).collect();
                    assert_eq!(
                        touched, lost,
                        "case {case}: every node with a loss is touched"
                    );
                    losses.push(prop.loss().to_vec());
                }
                for (k, what) in [
                    (1, "swept in blocks of 3"),
                    (2, "swept in whole blocks"),
                    (3, "queued"),
                    (4, "by default"),
                    (5, "swept one by one, gathered on another core"),
                    (6, "swept in blocks of 3, gathered on another core"),
                ] {
                    assert_eq!(
                        losses[0], losses[k],
                        "case {case}: swept one by one and {what}"
                    );
                }
                if scope.is_none() {
                    let mut d = vec![0.0; n];
                    for &(v, x) in &dis.node_loss {
                        d[v as usize] = 1.0 - (1.0 - d[v as usize]) * (1.0 - x);
                    }
                    let mut r = vec![0.0; net.in_src.len()];
                    for &(p, x) in &dis.edge_restrict {
                        r[p as usize] = x;
                    }
                    let want = jacobi(&net, &net.in_share, &d, &r);
                    for v in 0..n {
                        assert!(
                            (losses[0][v] - want[v]).abs() < 1e-9,
                            "case {case}: node {v}: {} against {}",
                            losses[0][v],
                            want[v]
                        );
                    }
                }
            }
        }
    }

    /// A sweep gathered on another core and stopped part way (the token set from another
    /// thread, wherever the sweep is then) leaves the propagator as good as new: once the
    /// token is cleared, its next run gives what a fresh propagator's gives, to the bit.
    #[test]
    fn a_cancelled_sweep_on_two_cores_leaves_the_propagator_as_good_as_new() {
        // A chain with a side supplier every third node: 60,000 components in order.
        let n = 60_000u32;
        let mut supplies = Vec::new();
        for v in 1..n {
            supplies.push(Supply::new(v - 1, v, None, f64::NAN, EdgeStatus::Operating));
            if v % 3 == 0 {
                supplies.push(Supply::new(v / 2, v, None, f64::NAN, EdgeStatus::Operating));
            }
        }
        let live = effective_shares(n as usize, &mut supplies, |_| None, |_| {});
        let net = Net::build(n as usize, &supplies, &live);
        let mut dis = Disruption::default();
        dis.node_loss.push((0, 0.5));
        dis.node_loss.push((n / 2, 1.0));
        let mut fresh = Propagator::new(&net, Cancel::new());
        fresh.pipeline_from = usize::MAX;
        fresh.run(&dis, None);
        let lost = |p: &Propagator| {
            let mut t: Vec<u32> = p.touched().to_vec();
            t.sort_unstable();
            t.dedup();
            t.retain(|&v| p.loss_of(v) > 0.0);
            t
        };
        for wait_us in [0, 20, 100, 400, 2_000] {
            let cancel = Cancel::new();
            let mut prop = Propagator::new(&net, cancel.clone());
            prop.sweep_at = Some(0);
            prop.block = 7;
            prop.pipeline_from = 0;
            std::thread::scope(|scope| {
                let stop = cancel.clone();
                scope.spawn(move || {
                    std::thread::sleep(std::time::Duration::from_micros(wait_us));
                    stop.cancel();
                });
                prop.run(&dis, None);
            });
            cancel.reset();
            prop.run(&dis, None);
            assert_eq!(prop.loss(), fresh.loss(), "cancelled after {wait_us} µs");
            assert_eq!(lost(&prop), lost(&fresh), "cancelled after {wait_us} µs");
        }
    }
}
