//! Chokepoints (docs/semantics.md §3): the impact of each upstream node on a target, i.e. the
//! target's exposure to that node alone; and the impact of groups of nodes (a country, a
//! stage, a company) taken whole.
//!
//! Each candidate's impact is one propagation, restricted to the target's upstream cone and,
//! through the worklist, to the part of it the candidate reaches: exact, and cheap where the
//! candidate's downstream within the cone is small.

use super::cone;
use super::propagate::{Disruption, Propagator};
use crate::model::net::Net;

/// Impact 1 within this tolerance is critical: a single point of failure.
pub const CRITICAL_EPS: f64 = 1e-9;
/// Impacts at or below this are taken as no impact.
pub const ZERO_EPS: f64 = 1e-12;

#[derive(Debug, Clone, PartialEq)]
pub struct Impact {
    pub node: u32,
    pub impact: f64,
}

impl Impact {
    pub fn critical(&self) -> bool {
        self.impact >= 1.0 - CRITICAL_EPS
    }
}

/// The upstream cone of `target` (not the target itself), as a list and as a mask that also
/// holds the target.
pub fn cone_of(net: &Net, shares: &[f64], target: u32) -> (Vec<u32>, Vec<bool>) {
    let up: Vec<u32> = cone::upstream(net, shares, &[target], None)
        .into_iter()
        .map(|(v, _)| v)
        .filter(|&v| v != target)
        .collect();
    let mut mask = cone::mask(net, up.iter().copied());
    mask[target as usize] = true;
    (up, mask)
}

/// The impact on `target` of the loss of each node upstream of it, with impact > 0, sorted by
/// impact (highest first), then by `order` (the caller's id order).
pub fn chokepoints(
    net: &Net,
    prop: &mut Propagator<'_>,
    base: &Disruption,
    target: u32,
    order: impl Fn(u32) -> String,
) -> Vec<Impact> {
    let shares: &[f64] = base
        .shares
        .as_deref()
        .map(Vec::as_slice)
        .unwrap_or(&net.in_share);
    let (up, mask) = cone_of(net, shares, target);
    let scope = |v: u32| mask[v as usize];
    let mut out = Vec::new();
    let mut dis = base.clone();
    let base_len = dis.node_loss.len();
    for v in up {
        if prop.cancel().is_cancelled() {
            break;
        }
        dis.node_loss.truncate(base_len);
        dis.node_loss.push((v, 1.0));
        prop.run(&dis, Some(&scope));
        let impact = settled(prop.loss_of(target));
        if impact > ZERO_EPS {
            out.push(Impact { node: v, impact });
        }
    }
    sort(&mut out, order);
    out
}

/// The impact of each group of nodes, taken whole. `groups` are (label, members).
pub fn group_impacts(
    prop: &mut Propagator<'_>,
    base: &Disruption,
    target: u32,
    groups: Vec<(String, Vec<u32>)>,
) -> Vec<(String, f64, usize)> {
    let mut out = Vec::new();
    for (label, members) in groups {
        if prop.cancel().is_cancelled() {
            break;
        }
        let mut dis = base.clone();
        dis.node_loss.extend(members.iter().map(|&m| (m, 1.0)));
        prop.run(&dis, None);
        let impact = settled(prop.loss_of(target));
        if impact > ZERO_EPS {
            out.push((label, impact, members.len()));
        }
    }
    sort_by_impact(&mut out, |g| g.1, |a, b| a.0.cmp(&b.0));
    out
}

fn sort(v: &mut [Impact], order: impl Fn(u32) -> String) {
    let mut keyed: Vec<(String, Impact)> = v.iter().map(|i| (order(i.node), i.clone())).collect();
    sort_by_impact(&mut keyed, |k| k.1.impact, |a, b| a.0.cmp(&b.0));
    for (slot, (_, i)) in v.iter_mut().zip(keyed) {
        *slot = i;
    }
}

/// An impact as reported: to 1e-12, far inside the 1e-9 the measures are reported to
/// (docs/semantics.md §2), so that rounding in the propagation's last bits never decides the
/// order. Impacts that settle to the same value are equal, and ordered by id.
fn settled(x: f64) -> f64 {
    (x * 1e12).round() / 1e12
}

/// Sorts by impact, highest first, then by `tie`.
fn sort_by_impact<T>(
    v: &mut [T],
    impact: impl Fn(&T) -> f64,
    tie: impl Fn(&T, &T) -> std::cmp::Ordering,
) {
    v.sort_by(|a, b| impact(b).total_cmp(&impact(a)).then_with(|| tie(a, b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impacts_equal_but_for_rounding_are_ordered_by_id() {
        let mut v = vec![
            ("b".to_string(), settled(0.3 + 1e-16)),
            ("c".to_string(), settled(0.7)),
            ("a".to_string(), settled(0.3)),
            ("d".to_string(), settled(0.3 - 2e-16)),
            ("e".to_string(), settled(0.2999)),
            ("f".to_string(), settled(1.0 - 1.157e-12)),
            ("g".to_string(), settled(1.0)),
        ];
        sort_by_impact(&mut v, |x| x.1, |a, b| a.0.cmp(&b.0));
        let ids: Vec<&str> = v.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(ids, ["g", "f", "c", "a", "b", "d", "e"]);
        // Settled impacts either differ by a step of 1e-12 or are equal.
        for w in v.windows(2) {
            assert!(w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0));
        }
    }
}
