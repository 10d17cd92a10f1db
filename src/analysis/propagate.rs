//! Loss propagation (docs/semantics.md §2), the one primitive every measure is built on.
//!
//! `L(n) = 1 - (1 - d(n)) * (1 - max_m sum_{e in G(n,m)} s(e) * (1 - (1 - r(e)) * (1 - L(u))))`
//!
//! Components are visited in topological order through a worklist, starting from the nodes a
//! disruption touches, so a small disruption costs only the part of the graph it reaches. A
//! cyclic component (a recycling loop) is iterated from zero to its least fixed point.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::cancel::Cancel;
use crate::model::net::Net;

/// Convergence threshold of the iteration inside a cyclic component.
const CYCLE_TOL: f64 = 1e-14;
/// At most this many sweeps over one cyclic component.
const MAX_SWEEPS: usize = 1_000_000;

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
            cancel,
        }
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
    pub fn run(&mut self, dis: &Disruption, scope: Option<&dyn Fn(u32) -> bool>) {
        self.reset();
        let net = self.net;
        for &(v, x) in &dis.node_loss {
            let slot = &mut self.d[v as usize];
            // Two losses of one node compound.
            *slot = 1.0 - (1.0 - *slot) * (1.0 - x.clamp(0.0, 1.0));
            self.touched.push(v);
            self.push(net.comp_of(v));
        }
        for &(p, x) in &dis.edge_restrict {
            let slot = &mut self.r[p as usize];
            *slot = 1.0 - (1.0 - *slot) * (1.0 - x.clamp(0.0, 1.0));
            self.touched_r.push(p);
            let t = net.target(p);
            self.touched.push(t);
            self.push(net.comp_of(t));
        }
        let shares: &[f64] = match &dis.shares {
            Some(s) => s,
            None => &net.in_share,
        };
        while let Some(Reverse(c)) = self.heap.pop() {
            if self.cancel.is_cancelled() {
                self.heap.clear();
                return;
            }
            let members = net.comp_members(c as usize);
            if let Some(f) = scope {
                if !f(members[0]) {
                    continue;
                }
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
                            let t = net.target(p);
                            let tc = net.comp_of(t);
                            if tc != c {
                                self.push(tc);
                            }
                        }
                    }
                }
            }
        }
    }

    /// The right-hand side of the loss equation at v, from the current losses.
    fn node_loss(&self, v: u32, shares: &[f64]) -> f64 {
        let net = self.net;
        let mut worst: f64 = 0.0;
        for g in net.groups(v) {
            let mut lost = 0.0;
            for p in net.group_inputs(g) {
                let s = shares[p];
                if s == 0.0 {
                    continue;
                }
                let lu = self.loss[net.in_src[p] as usize];
                let r = self.r[p];
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
