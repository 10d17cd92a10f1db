//! Supply paths from one set of nodes to another, each with the product of shares along it,
//! enumerated best first: the largest product comes out first, lazily, and the enumeration is
//! bounded in paths returned and in steps taken.
//!
//! The search is A* over partial paths. The bound of a partial path is its product so far times
//! `best[v]`, the largest product of shares from its last node `v` to a destination over any
//! walk (found once, backwards from the destinations, as a shortest-path search on `-log
//! share`). That bound never underestimates what a simple path can still reach, so complete
//! paths leave the queue in order of their share. A path ends at the first destination it
//! reaches.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::cone;
use crate::cancel::Cancel;
use crate::model::net::{Net, NONE};

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

/// The most steps any enumeration takes, whatever budget it is given: partial paths are
/// numbered with u32.
const MAX_STEPS: usize = 1 << 30;

/// A partial path in the search's arena: its last node, the partial path it extends (`NONE`
/// for a start), the product of shares so far and its number of steps.
struct Step {
    node: u32,
    parent: u32,
    share: f64,
    depth: u32,
}

/// A queue entry. Bounds that agree to about 13 significant digits count as equal (products of
/// the same shares taken in another order differ in their last bits), and among equal bounds the
/// longer partial path goes first, so that a graph of equal shares is searched depth first
/// rather than level by level; then first come, first served.
struct Candidate {
    bound: f64,
    depth: u32,
    seq: u32,
}

impl Candidate {
    /// The bound with its lowest mantissa bits dropped (bounds are positive, so the bit
    /// pattern orders like the number).
    fn coarse(&self) -> u64 {
        self.bound.to_bits() >> 8
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.coarse()
            .cmp(&other.coarse())
            .then_with(|| self.depth.cmp(&other.depth))
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// For every node that is not a destination, the largest product of shares along a walk from it
/// to a destination, stopping at the first destination (0 where no destination is reachable).
/// Destinations themselves get 1.
fn best_to_destination(net: &Net, shares: &[f64], is_dest: &[bool], to: &[u32]) -> Vec<f64> {
    let mut best = vec![0.0; net.len()];
    let mut heap: BinaryHeap<(Candidate, u32)> = BinaryHeap::new();
    for &t in to {
        best[t as usize] = 1.0;
    }
    let relax = |v: u32, best: &mut Vec<f64>, heap: &mut BinaryHeap<(Candidate, u32)>| {
        let bv = best[v as usize];
        for p in net.inputs(v) {
            let u = net.in_src[p];
            if is_dest[u as usize] || shares[p] <= 0.0 {
                continue;
            }
            let b = shares[p] * bv;
            if b > best[u as usize] {
                best[u as usize] = b;
                heap.push((
                    Candidate {
                        bound: b,
                        depth: 0,
                        seq: 0,
                    },
                    u,
                ));
            }
        }
    };
    for &t in to {
        relax(t, &mut best, &mut heap);
    }
    while let Some((c, u)) = heap.pop() {
        if c.bound < best[u as usize] {
            continue; // a stale entry
        }
        relax(u, &mut best, &mut heap);
    }
    best
}

/// At most `limit` simple paths from any of `from` to any of `to`, largest share first, taking at
/// most `budget` steps (a step: a partial path taken from or put on the queue).
pub fn paths(
    net: &Net,
    shares: &[f64],
    from: &[u32],
    to: &[u32],
    limit: usize,
    budget: usize,
    cancel: &Cancel,
) -> Paths {
    let budget = budget.min(MAX_STEPS);
    let mut out = Vec::new();
    if limit == 0 {
        return Paths {
            paths: out,
            truncated: false,
        };
    }
    let is_dest = cone::mask(net, to.iter().copied());
    let best = best_to_destination(net, shares, &is_dest, to);
    let mut arena: Vec<Step> = Vec::new();
    let mut queue: BinaryHeap<(Candidate, u32)> = BinaryHeap::new();
    let push = |step: Step, bound: f64, arena: &mut Vec<Step>, queue: &mut BinaryHeap<_>| {
        // The arena holds at most `budget` steps, bounded by `MAX_STEPS` below 2^32.
        #[allow(clippy::cast_possible_truncation)]
        let at = arena.len() as u32;
        let depth = step.depth;
        arena.push(step);
        queue.push((
            Candidate {
                bound,
                depth,
                seq: at,
            },
            at,
        ));
    };
    let mut sources: Vec<u32> = from.to_vec();
    sources.sort_unstable();
    sources.dedup();
    for &s in &sources {
        // A start that is itself a destination still needs a step to count as a path.
        let bound = net
            .outputs(s)
            .iter()
            .map(|&p| shares[p as usize] * best[net.target(p) as usize])
            .fold(0.0, f64::max);
        if bound > 0.0 {
            let step = Step {
                node: s,
                parent: NONE,
                share: 1.0,
                depth: 0,
            };
            push(step, bound, &mut arena, &mut queue);
        }
    }
    let (mut steps, mut pops) = (0usize, 0usize);
    let mut truncated = false;
    while let Some((_, at)) = queue.pop() {
        steps += 1;
        pops += 1;
        if steps > budget || (pops.is_multiple_of(4096) && cancel.is_cancelled()) {
            truncated = true;
            break;
        }
        let (v, parent, share, depth) = {
            let s = &arena[at as usize];
            (s.node, s.parent, s.share, s.depth)
        };
        if parent != NONE && is_dest[v as usize] {
            out.push(Path {
                nodes: path_nodes(&arena, at),
                share,
            });
            if out.len() >= limit {
                break;
            }
            continue;
        }
        for &p in net.outputs(v) {
            let t = net.target(p);
            let bound = share * shares[p as usize] * best[t as usize];
            if bound <= 0.0 || on_path(&arena, at, t) {
                continue;
            }
            steps += 1;
            let step = Step {
                node: t,
                parent: at,
                share: share * shares[p as usize],
                depth: depth + 1,
            };
            push(step, bound, &mut arena, &mut queue);
        }
    }
    Paths {
        paths: out,
        truncated,
    }
}

/// Whether `v` already lies on the partial path ending at `at`.
fn on_path(arena: &[Step], mut at: u32, v: u32) -> bool {
    while at != NONE {
        let s = &arena[at as usize];
        if s.node == v {
            return true;
        }
        at = s.parent;
    }
    false
}

/// The nodes of the partial path ending at `at`, first to last.
fn path_nodes(arena: &[Step], mut at: u32) -> Vec<u32> {
    let mut nodes = Vec::new();
    while at != NONE {
        nodes.push(arena[at as usize].node);
        at = arena[at as usize].parent;
    }
    nodes.reverse();
    nodes
}
