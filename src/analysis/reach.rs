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
