//! Reach: how much of a target's supply traces back to each upstream node, the sum over supply
//! paths of the product of shares along them. Used to weigh nodes in `concentration` and
//! `explain`.

use crate::model::net::Net;

const TOL: f64 = 1e-13;
const MAX_SWEEPS: usize = 100_000;

/// `w[u]` for every node in `cone` (a mask that holds the target): `w[target] = 1` and
/// `w[u] = sum over edges u -> v in the cone of share * w[v]`. Components are visited
/// consumers first; recycling loops are iterated to their fixed point.
pub fn reach(net: &Net, shares: &[f64], target: u32, cone: &[bool]) -> Vec<f64> {
    let mut w = vec![0.0; net.len()];
    w[target as usize] = 1.0;
    let tc = net.comp_of(target) as usize;
    for c in (0..=tc).rev() {
        let members = net.comp_members(c);
        if !cone[members[0] as usize] {
            continue;
        }
        let sweeps = if net.comp_cyclic(c) { MAX_SWEEPS } else { 1 };
        for _ in 0..sweeps {
            let mut delta: f64 = 0.0;
            for &u in members {
                if u == target {
                    continue;
                }
                let mut sum = 0.0;
                for &p in net.outputs(u) {
                    let v = net.target(p);
                    if cone[v as usize] {
                        sum += shares[p as usize] * w[v as usize];
                    }
                }
                delta = delta.max((sum - w[u as usize]).abs());
                w[u as usize] = sum;
            }
            if delta <= TOL {
                break;
            }
        }
    }
    w
}

/// Reach for many targets, each computed over its own upstream cone only (`reach` walks every
/// component below the target: for 10^5 targets on a 10^5-node net that was 10^10 steps).
/// The buffers are allocated once and reset over what each target touched.
pub struct Reacher<'n> {
    net: &'n Net,
    /// `stamp[v] == epoch`: v is in the current target's cone.
    stamp: Vec<u32>,
    epoch: u32,
    w: Vec<f64>,
    nodes: Vec<u32>,
}

impl<'n> Reacher<'n> {
    pub fn new(net: &'n Net) -> Self {
        Reacher {
            net,
            stamp: vec![0; net.len()],
            epoch: 0,
            w: vec![0.0; net.len()],
            nodes: Vec::new(),
        }
    }

    /// The reach for `target` of every node upstream of it through nodes `keep` admits (along
    /// edges with a positive share), over that part of the cone only: `(node, reach)`, the
    /// target left out, in no particular order. With a `keep` that admits every node it is
    /// `reach` over `chokepoints::cone_of`; `explain` admits the nodes with a loss, which is
    /// exact for them, since everything downstream of a node with a loss has one too
    /// (docs/semantics.md §2, §4). Stops early, with what it has, once `cancel` is set.
    pub fn reach_within(
        &mut self,
        shares: &[f64],
        target: u32,
        keep: impl Fn(u32) -> bool,
        cancel: &crate::cancel::Cancel,
    ) -> Vec<(u32, f64)> {
        let net = self.net;
        if self.epoch == u32::MAX {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.epoch = 0;
        }
        self.epoch += 1;
        let epoch = self.epoch;
        self.nodes.clear();
        self.nodes.push(target);
        self.stamp[target as usize] = epoch;
        let mut i = 0;
        while i < self.nodes.len() {
            let v = self.nodes[i];
            i += 1;
            for p in net.inputs(v) {
                let u = net.in_src[p];
                if shares[p] > 0.0 && self.stamp[u as usize] != epoch && keep(u) {
                    self.stamp[u as usize] = epoch;
                    self.nodes.push(u);
                }
            }
        }
        // Components consumers first (a component's index is its topological position).
        self.nodes
            .sort_unstable_by_key(|&v| std::cmp::Reverse(net.comp_of(v)));
        for &v in &self.nodes {
            self.w[v as usize] = 0.0;
        }
        self.w[target as usize] = 1.0;
        let mut start = 0;
        while start < self.nodes.len() {
            if cancel.is_cancelled() {
                break;
            }
            let c = net.comp_of(self.nodes[start]);
            let mut end = start + 1;
            while end < self.nodes.len() && net.comp_of(self.nodes[end]) == c {
                end += 1;
            }
            let sweeps = if net.comp_cyclic(c as usize) {
                MAX_SWEEPS
            } else {
                1
            };
            for _ in 0..sweeps {
                let mut delta: f64 = 0.0;
                for &u in &self.nodes[start..end] {
                    if u == target {
                        continue;
                    }
                    let mut sum = 0.0;
                    for &p in net.outputs(u) {
                        let v = net.target(p);
                        if self.stamp[v as usize] == epoch {
                            sum += shares[p as usize] * self.w[v as usize];
                        }
                    }
                    delta = delta.max((sum - self.w[u as usize]).abs());
                    self.w[u as usize] = sum;
                }
                if delta <= TOL {
                    break;
                }
            }
            start = end;
        }
        self.nodes
            .iter()
            .filter(|&&v| v != target)
            .map(|&v| (v, self.w[v as usize]))
            .collect()
    }
}
