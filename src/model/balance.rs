//! Where base-year figures break the balance (docs/semantics.md §8): warnings for `check`, each
//! at the node's definition. Figures are compared only within one base (`t REO` with `t REO`),
//! in tonnes a year, with 1% of slack for rounding in the sources:
//!
//! - a node **shipping more than its output**: the volumes of its operating out-edges add up
//!   to more than its output;
//! - an **inflow too small** for its output: where the node's input groups in its output's
//!   base give volumes, the inflow they imply (the volumes over the shares of the edges that
//!   carry them, so that supply from outside the model counts) is less than its output: mass
//!   is not created on the way through;
//! - a figure in a unit that is not a mass (left out of the tonnes);
//! - a capacity in another base than the flow it bounds (`t NdPr` beside an output in
//!   `t REO`): the shortfall program would compare the two as one quantity.

// Entity, edge and material numbers and byte offsets are u32: a model file is at most
// `load::MAX_FILE` (4 GiB), so none of them reaches 2^32.
#![allow(clippy::cast_possible_truncation)]

use rustc_hash::FxHashMap as HashMap;

use super::error::ModelError;
use super::graph::{EdgeStatus, Model};
use crate::diag::Problem;

/// The slack allowed before a figure counts as out of balance.
pub const SLACK: f64 = 0.01;

/// "319,150": a figure in tonnes for a message, rounded to the tonne.
fn tonnes(x: f64) -> String {
    let r = x.round();
    let s = format!("{}", r.abs() as u64);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if r < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Every balance warning of the model, in node order.
pub fn warnings(m: &Model) -> Vec<Problem> {
    let f = m.figures();
    let mut out = Vec::new();
    let live = |k: usize| m.supplies[k].status == EdgeStatus::Operating;
    for v in m.flow_nodes() {
        let Some(o) = f.node_output(v) else { continue };
        let e = m.entity(v);
        let at = || m.node_loc(e.def);
        let unit = f.unit(o.base);
        let node = m.graph_node_edges(v);
        if let Some(c) = f.has_own_capacity(v).then(|| f.node_capacity(v)).flatten() {
            if c.base != o.base {
                out.push(
                    ModelError::CapacityUnit {
                        what: format!("\"{}\"", e.id),
                        flow: "output".into(),
                        capacity_unit: f.unit(c.base).to_string(),
                        flow_unit: unit.to_string(),
                    }
                    .at(at())
                    .with_label("capacity and output in different units"),
                );
            }
        }
        // Shipping more than its output.
        let shipped: Vec<(usize, f64)> = node
            .outgoing
            .iter()
            .copied()
            .filter(|&k| live(k))
            .filter_map(|k| {
                f.edge_volume(k)
                    .filter(|q| q.base == o.base)
                    .map(|q| (k, q.tonnes))
            })
            .collect();
        let sum: f64 = shipped.iter().map(|x| x.1).sum();
        if sum > o.tonnes * (1.0 + SLACK) {
            let mut p = ModelError::ShipsMoreThanOutput {
                id: e.id.to_string(),
                shipped: tonnes(sum).to_string(),
                output: tonnes(o.tonnes).to_string(),
                unit: unit.to_string(),
                over: (sum / o.tonnes - 1.0) * 100.0,
            }
            .at(at())
            .with_label("output below the sum of its out-edge volumes");
            let mut list = shipped.clone();
            list.sort_by(|a, b| b.1.total_cmp(&a.1));
            for (k, t) in list {
                p = p.with_note(format!(
                    "to \"{}\": {}",
                    m.entity(m.supplies[k].to).id,
                    tonnes(t)
                ));
            }
            out.push(p);
        }
        // An inflow too small: per input group, the volumes in the output's base and the
        // shares of the edges that carry them.
        let mut groups: HashMap<Option<u32>, (f64, f64)> = HashMap::default();
        for &k in &node.incoming {
            if !live(k) {
                continue;
            }
            let s = &m.supplies[k];
            if let Some(q) = f.edge_volume(k).filter(|q| q.base == o.base) {
                let g = groups.entry(s.material()).or_default();
                g.0 += q.tonnes;
                g.1 += s.share;
            }
        }
        let implied: f64 = groups
            .values()
            .filter(|(_, share)| *share > 0.0)
            .map(|(vol, share)| vol / share)
            .sum();
        if implied > 0.0 && implied < o.tonnes * (1.0 - SLACK) {
            out.push(
                ModelError::InflowTooSmall { id: e.id.to_string(), inflow: tonnes(implied).to_string(), output: tonnes(o.tonnes).to_string(), unit: unit.to_string() }.at(at())
                .with_label("output above what its inputs carry")
                .with_note(
                    "inflow: the volumes of its input edges in the same base, over their shares of their groups",
                ),
            );
        }
    }
    for k in 0..m.supplies.len() {
        let (Some(c), Some(v)) = (f.edge_capacity(k), f.edge_volume(k)) else {
            continue;
        };
        if c.base != v.base {
            let s = &m.supplies[k];
            out.push(
                ModelError::CapacityUnit {
                    what: format!(
                        "edge \"{}\" -> \"{}\"",
                        m.entity(s.from).id,
                        m.entity(s.to).id
                    ),
                    flow: "volume".into(),
                    capacity_unit: f.unit(c.base).to_string(),
                    flow_unit: f.unit(v.base).to_string(),
                }
                .at(m.edge_def(k).at.clone())
                .with_label("capacity and volume in different units"),
            );
        }
    }
    for nm in &f.not_mass {
        let (at, what) = if nm.edge {
            let s = &m.supplies[nm.item as usize];
            (
                m.edge_def(nm.item as usize).at.clone(),
                format!(
                    "edge \"{}\" -> \"{}\"",
                    m.entity(s.from).id,
                    m.entity(s.to).id
                ),
            )
        } else {
            let e = m.entity(nm.item);
            (m.node_loc(e.def), format!("\"{}\"", e.id))
        };
        out.push(
            ModelError::NotAMass {
                field: nm.field.to_string(),
                what,
                unit: nm.unit.to_string(),
            }
            .at(at),
        );
    }
    out
}

/// A node's supply edges, in and out.
struct NodeEdges {
    incoming: Vec<usize>,
    outgoing: Vec<usize>,
}

impl Model {
    fn graph_node_edges(&self, v: u32) -> NodeEdges {
        use petgraph::visit::EdgeRef;
        let node = Model::node_index(v);
        let ids = |d| {
            self.graph
                .edges_directed(node, d)
                .map(|e| e.id().index())
                .collect()
        };
        NodeEdges {
            incoming: ids(petgraph::Direction::Incoming),
            outgoing: ids(petgraph::Direction::Outgoing),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tonnes_read_with_thousands() {
        assert_eq!(super::tonnes(319_150.4), "319,150");
        assert_eq!(super::tonnes(999.6), "1,000");
        assert_eq!(super::tonnes(12.0), "12");
    }
}
