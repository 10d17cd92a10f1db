//! Origin of a material: how much of a target's supply of one material (or element) traces
//! back to each upstream node, counting only the supply edges that carry it
//! (docs/semantics.md §10). The measure is `reach` over the shares with every other edge set
//! to zero, so that `concentration ... of material` and `origin of` reuse `cone_of` and
//! `reach` unchanged.

use super::{chokepoints::cone_of, reach::reach};
use crate::model::net::Net;

/// `shares` with every incoming-edge position `p` for which `carries(p)` is false set to 0.
pub fn carrying_shares(net: &Net, shares: &[f64], carries: impl Fn(usize) -> bool) -> Vec<f64> {
    (0..net.in_src.len())
        .map(|p| if carries(p) { shares[p] } else { 0.0 })
        .collect()
}

/// The material reach of every node upstream of `target` along edges of `shares` (already
/// restricted by `carrying_shares`): `(node, reach)`, the target left out, in node order.
pub fn origin(net: &Net, shares: &[f64], target: u32) -> Vec<(u32, f64)> {
    let (mut up, mask) = cone_of(net, shares, target);
    up.sort_unstable();
    let w = reach(net, shares, target, &mask);
    up.into_iter().map(|v| (v, w[v as usize])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::graph::{EdgeStatus, Supply};

    /// a (material 0) -> m, b (material 1) -> m, c (material 0) -> m, m -> t. Restricted to
    /// material 0, half of t's supply of it comes from a and half from c; b none.
    #[test]
    fn reach_along_one_material() {
        let sup = vec![
            Supply::new(0, 3, Some(0), 0.5, EdgeStatus::Operating),
            Supply::new(1, 3, Some(1), 1.0, EdgeStatus::Operating),
            Supply::new(2, 3, Some(0), 0.5, EdgeStatus::Operating),
            Supply::new(3, 4, None, 1.0, EdgeStatus::Operating),
        ];
        let live = crate::model::net::group_order(5, &sup);
        let net = Net::build(5, &sup, &live);
        let mat = |p: usize| sup[net.in_supply[p] as usize].material();
        let s = carrying_shares(&net, &net.in_share, |p| mat(p) != Some(1));
        let o = origin(&net, &s, 4);
        let get = |v: u32| o.iter().find(|x| x.0 == v).map(|x| x.1);
        assert_eq!(get(0), Some(0.5));
        assert_eq!(get(2), Some(0.5));
        assert_eq!(get(3), Some(1.0));
        assert_eq!(get(1), None);
    }
}
