//! What-ifs: node losses, export restrictions and planned capacity switched on, turned into
//! the `Disruption` that loss propagation takes.

use std::sync::Arc;

use super::propagate::Disruption;
use crate::model::net::Net;

/// The effects of a what-if, before they are combined into a `Disruption`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects {
    pub node_loss: Vec<(u32, f64)>,
    /// Restrictions by incoming-edge position.
    pub edge_restrict: Vec<(u32, f64)>,
    /// Planned edges switched on, by incoming-edge position.
    pub planned: Vec<u32>,
}

impl Effects {
    pub fn is_empty(&self) -> bool {
        self.node_loss.is_empty() && self.edge_restrict.is_empty() && self.planned.is_empty()
    }

    /// Adds the effects of another clause or scenario. Losses of one node and restrictions
    /// of one edge compound (docs/semantics.md §6) into one entry, and a planned edge runs
    /// once, so that effects are never larger than the model: a scenario built from another
    /// one twice, 30 levels deep, stays as small as its first level (it once doubled at each).
    pub fn extend(&mut self, other: &Effects) {
        self.node_loss.extend_from_slice(&other.node_loss);
        self.edge_restrict.extend_from_slice(&other.edge_restrict);
        self.planned.extend_from_slice(&other.planned);
        self.compound();
    }

    /// One entry per node and per edge, with the losses (restrictions) given for it
    /// compounded, `1 - (1 - a)(1 - b)` as loss propagation does; planned edges once each.
    pub fn compound(&mut self) {
        compound(&mut self.node_loss);
        compound(&mut self.edge_restrict);
        self.planned.sort_unstable();
        self.planned.dedup();
    }

    /// The disruption: losses and restrictions as they are, and, when planned edges run, the
    /// shares of every group they join: a planned edge takes its share, and the group's
    /// operating edges are scaled down so that the group adds up to at most 1.
    pub fn disruption(&self, net: &Net) -> Disruption {
        self.disruption_on(net, None)
    }

    /// The disruption on other operating shares than the model's (a draw's), when given.
    pub fn disruption_on(&self, net: &Net, base: Option<&Arc<Vec<f64>>>) -> Disruption {
        let shares = match (self.planned.is_empty(), base) {
            (true, b) => b.cloned(),
            (false, None) => Some(Arc::new(planned_shares(net, &self.planned))),
            (false, Some(b)) => Some(Arc::new(planned_shares_on(net, b, &self.planned))),
        };
        Disruption {
            node_loss: self.node_loss.clone(),
            edge_restrict: self.edge_restrict.clone(),
            shares,
        }
    }
}

/// Sorts by key and folds the fractions given for one key: `1 - (1 - a)(1 - b)`.
fn compound(v: &mut Vec<(u32, f64)>) {
    v.sort_by_key(|&(k, _)| k);
    let mut out: Vec<(u32, f64)> = Vec::with_capacity(v.len());
    for &(k, x) in v.iter() {
        let x = x.clamp(0.0, 1.0);
        match out.last_mut() {
            Some((last, y)) if *last == k => *y = 1.0 - (1.0 - *y) * (1.0 - x),
            _ => out.push((k, x)),
        }
    }
    *v = out;
}

/// Shares with the given planned edges running.
pub fn planned_shares(net: &Net, planned: &[u32]) -> Vec<f64> {
    planned_shares_on(net, &net.in_share, planned)
}

/// Shares with the given planned edges running, from the operating shares `base` (the
/// model's, or a draw's: docs/semantics.md §9).
pub fn planned_shares_on(net: &Net, base: &[f64], planned: &[u32]) -> Vec<f64> {
    let mut shares = base.to_vec();
    let mut on = vec![false; shares.len()];
    for &p in planned {
        on[p as usize] = true;
    }
    let mut targets: Vec<u32> = planned.iter().map(|&p| net.target(p)).collect();
    targets.sort_unstable();
    targets.dedup();
    for v in targets {
        for g in net.groups(v) {
            let ins = net.group_inputs(g);
            let added: f64 = ins
                .clone()
                .filter(|&p| on[p])
                .map(|p| net.planned_share(p))
                .sum();
            if added == 0.0 {
                continue;
            }
            let operating: f64 = ins.clone().map(|p| base[p]).sum();
            let scale = if operating > 0.0 {
                ((1.0 - added).max(0.0) / operating).min(1.0)
            } else {
                1.0
            };
            for p in ins {
                shares[p] = if on[p] {
                    net.planned_share(p)
                } else {
                    base[p] * scale
                };
            }
        }
    }
    shares
}
