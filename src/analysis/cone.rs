//! Upstream and downstream cones: who supplies whom, transitively, along edges that carry a
//! positive share.

use std::collections::VecDeque;

use crate::model::net::Net;

/// Nodes upstream of `start` (its suppliers, theirs, ...), with their distance in edges, in
/// breadth-first order. Start nodes are not included unless they lie upstream of another start
/// node (a recycling loop).
pub fn upstream(net: &Net, shares: &[f64], start: &[u32], depth: Option<u32>) -> Vec<(u32, u32)> {
    walk(net, start, depth, |v, out: &mut Vec<u32>| {
        for p in net.inputs(v) {
            if shares[p] > 0.0 {
                out.push(net.in_src[p]);
            }
        }
    })
}

/// Nodes downstream of `start` (its customers, theirs, ...), with their distance.
pub fn downstream(net: &Net, shares: &[f64], start: &[u32], depth: Option<u32>) -> Vec<(u32, u32)> {
    walk(net, start, depth, |v, out: &mut Vec<u32>| {
        for &p in net.outputs(v) {
            if shares[p as usize] > 0.0 {
                out.push(net.target(p));
            }
        }
    })
}

fn walk(
    net: &Net,
    start: &[u32],
    depth: Option<u32>,
    mut next: impl FnMut(u32, &mut Vec<u32>),
) -> Vec<(u32, u32)> {
    let mut seen = vec![false; net.len()];
    let mut queue: VecDeque<(u32, u32)> = start.iter().map(|&s| (s, 0)).collect();
    let mut out = Vec::new();
    let mut buf = Vec::new();
    while let Some((v, d)) = queue.pop_front() {
        if depth.is_some_and(|max| d >= max) {
            continue;
        }
        buf.clear();
        next(v, &mut buf);
        for &u in &buf {
            if !seen[u as usize] {
                seen[u as usize] = true;
                out.push((u, d + 1));
                queue.push_back((u, d + 1));
            }
        }
    }
    out
}

/// A membership mask of `nodes` over the net.
pub fn mask(net: &Net, nodes: impl IntoIterator<Item = u32>) -> Vec<bool> {
    let mut m = vec![false; net.len()];
    for v in nodes {
        m[v as usize] = true;
    }
    m
}
