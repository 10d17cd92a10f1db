//! Supply paths from one set of nodes to another, each with the product of shares along it:
//! enumerated lazily, depth first, only through nodes that can reach the destination, and
//! bounded both in paths returned and in steps taken.

use super::cone;
use super::net::Net;
use crate::interrupt::Cancel;

#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub nodes: Vec<u32>,
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    pub paths: Vec<Path>,
    /// The step budget ran out before every path was seen.
    pub truncated: bool,
}

/// A node on the current path: its id, its candidate next steps (node, share), the index of
/// the next candidate to try, and the product of shares from the start.
type Frame = (u32, Vec<(u32, f64)>, usize, f64);

/// At most `limit` simple paths from any of `from` to any of `to`, taking at most `budget`
/// steps; the heaviest branches are explored first.
pub fn paths(
    net: &Net,
    shares: &[f64],
    from: &[u32],
    to: &[u32],
    limit: usize,
    budget: usize,
    cancel: &Cancel,
) -> Paths {
    let is_dest = cone::mask(net, to.iter().copied());
    // Only nodes that can reach a destination are worth entering.
    let mut useful = cone::mask(
        net,
        cone::upstream(net, shares, to, None)
            .into_iter()
            .map(|(v, _)| v),
    );
    for &t in to {
        useful[t as usize] = true;
    }
    let mut on_path = vec![false; net.len()];
    let mut out = Vec::new();
    let mut steps = 0usize;
    let mut truncated = false;
    let mut sources: Vec<u32> = from.to_vec();
    sources.sort_unstable();
    sources.dedup();
    'outer: for &s in &sources {
        if !useful[s as usize] {
            continue;
        }
        // Stack of (node, its outgoing candidates, next index).
        let next_of = |v: u32| -> Vec<(u32, f64)> {
            let mut n: Vec<(u32, f64)> = net
                .outputs(v)
                .iter()
                .filter(|&&p| shares[p as usize] > 0.0)
                .map(|&p| (net.target(p), shares[p as usize]))
                .filter(|(t, _)| useful[*t as usize])
                .collect();
            n.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            n
        };
        let mut stack: Vec<Frame> = vec![(s, next_of(s), 0, 1.0)];
        on_path[s as usize] = true;
        while let Some(top) = stack.last_mut() {
            steps += 1;
            if steps > budget || (steps.is_multiple_of(4096) && cancel.is_cancelled()) {
                truncated = true;
                for (v, ..) in &stack {
                    on_path[*v as usize] = false;
                }
                break 'outer;
            }
            let (v, cands, i, w) = (top.0, &top.1, top.2, top.3);
            if i >= cands.len() {
                on_path[v as usize] = false;
                stack.pop();
                continue;
            }
            top.2 += 1;
            let (t, s_e) = cands[i];
            if on_path[t as usize] {
                continue;
            }
            let w2 = w * s_e;
            if is_dest[t as usize] {
                let mut nodes: Vec<u32> = stack.iter().map(|x| x.0).collect();
                nodes.push(t);
                out.push(Path { nodes, share: w2 });
                if out.len() >= limit {
                    for (v, ..) in &stack {
                        on_path[*v as usize] = false;
                    }
                    break 'outer;
                }
                continue;
            }
            on_path[t as usize] = true;
            let c = next_of(t);
            stack.push((t, c, 0, w2));
        }
    }
    out.sort_by(|a, b| b.share.total_cmp(&a.share));
    Paths {
        paths: out,
        truncated,
    }
}
