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

    pub fn extend(&mut self, other: &Effects) {
        self.node_loss.extend_from_slice(&other.node_loss);
        self.edge_restrict.extend_from_slice(&other.edge_restrict);
        self.planned.extend_from_slice(&other.planned);
    }

    /// The disruption: losses and restrictions as they are, and, when planned edges run, the
    /// shares of every group they join: a planned edge takes its share, and the group's
    /// operating edges are scaled down so that the group adds up to at most 1.
    pub fn disruption(&self, net: &Net) -> Disruption {
        let shares = if self.planned.is_empty() {
            None
        } else {
            Some(Arc::new(planned_shares(net, &self.planned)))
        };
        Disruption {
            node_loss: self.node_loss.clone(),
            edge_restrict: self.edge_restrict.clone(),
            shares,
        }
    }
}

/// Shares with the given planned edges running.
pub fn planned_shares(net: &Net, planned: &[u32]) -> Vec<f64> {
    let mut shares = net.in_share.clone();
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
            let operating: f64 = ins.clone().map(|p| net.in_share[p]).sum();
            let scale = if operating > 0.0 {
                ((1.0 - added).max(0.0) / operating).min(1.0)
            } else {
                1.0
            };
            for p in ins {
                shares[p] = if on[p] {
                    net.planned_share(p)
                } else {
                    net.in_share[p] * scale
                };
            }
        }
    }
    shares
}
