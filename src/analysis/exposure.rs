//! Exposure (docs/semantics.md §3): the loss of each target when a set of nodes stops
//! supplying, under whatever what-if is already in force.

use super::propagate::{Disruption, Propagator};

/// `L(t)` for every target under `base` plus the total loss of every node in `sources`.
pub fn exposure(
    prop: &mut Propagator<'_>,
    base: &Disruption,
    sources: &[u32],
    targets: &[u32],
) -> Vec<f64> {
    let mut dis = base.clone();
    dis.node_loss.extend(sources.iter().map(|&s| (s, 1.0)));
    prop.run(&dis, None);
    targets.iter().map(|&t| prop.loss_of(t)).collect()
}
