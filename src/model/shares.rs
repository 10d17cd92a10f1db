//! Effective shares per input group (docs/semantics.md §1), with the group checks. Shared by
//! both front ends: groups are runs of the group order, so no map of groups is built.

use super::graph::{EdgeStatus, Supply};
use super::net::{by_consumer_in, cores, join, material_key, side_by_side};

/// Tolerance for shares adding up to more than 1.
pub const SHARE_EPS: f64 = 1e-9;

/// A group whose shares do not fit; edges are named by their supply index.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupProblem {
    /// Some edges have a share and others not: (edge, whether it has a share).
    Mixed { members: Vec<(usize, bool)> },
    /// No edge has a share, and some have a volume and others not: (edge, whether it has a
    /// volume). Splitting by volume or equally would each ignore half of what the model says.
    MixedVolumes { members: Vec<(usize, bool)> },
    /// The shares add up to more than 1: (edge, share), for the operating or planned edges.
    OverOne {
        members: Vec<(usize, f64)>,
        planned: bool,
        sum: f64,
    },
}

/// Sets `share` of every supply, which holds its explicit share or NaN: the explicit share,
/// else by volume, else an equal split; 0 for a stopped edge. `volume` reads an edge's volume
/// by supply index. Returns the group order (`net::group_order`), for the analysis arrays.
pub fn effective_shares(
    n: usize,
    supplies: &mut [Supply],
    volume: impl Fn(usize) -> Option<f64> + Sync,
    problem: impl FnMut(GroupProblem),
) -> Vec<u32> {
    effective_shares_grouped(n, supplies, volume, problem).0
}

/// [`effective_shares`], also returning the live supplies gathered in group order (`grouped[i]`
/// is `supplies[order[i]]`, its share set). The groups are worked on in that gathered copy, read
/// in sequence, and the shares written back once: whatever the order of the edges (rows of a
/// table come in any order), each edge is read from `supplies` once and written once, rather
/// than every pass jumping through `supplies` (a cache miss an edge at 10^6 nodes).
pub fn effective_shares_grouped(
    n: usize,
    supplies: &mut [Supply],
    volume: impl Fn(usize) -> Option<f64> + Sync,
    problem: impl FnMut(GroupProblem),
) -> (Vec<u32>, Vec<Supply>) {
    grouped_on(n, supplies, volume, problem, cores(), PARALLEL_EDGES)
}

/// [`effective_shares_grouped`], the groups settled on `threads` threads when there are at
/// least `min_edges` live edges.
fn grouped_on(
    n: usize,
    supplies: &mut [Supply],
    volume: impl Fn(usize) -> Option<f64> + Sync,
    mut problem: impl FnMut(GroupProblem),
    threads: usize,
    min_edges: usize,
) -> (Vec<u32>, Vec<Supply>) {
    let sorting = if supplies.len() < min_edges {
        1
    } else {
        threads
    };
    let (mut order, start) = by_consumer_in(n, supplies, sorting);
    // The edges and their volumes gathered side by side, each a jump per edge.
    let (mut grouped, mut volumes) = std::thread::scope(|scope| {
        let (order, supplies) = (&order, &*supplies);
        let volumes = scope.spawn(|| {
            order
                .iter()
                .map(|&k| volume(k as usize))
                .collect::<Vec<Option<f64>>>()
        });
        let grouped: Vec<Supply> = order
            .iter()
            .map(|&k| supplies[k as usize].clone())
            .collect();
        (grouped, join(volumes))
    });
    // The groups settled on every core, each thread on whole consumers: a part of the
    // gathered arrays with about its share of the edges.
    let parts = if order.len() < min_edges { 1 } else { threads };
    let mut cuts = vec![0usize];
    for t in 1..parts {
        let want = order.len() * t / parts;
        let v = start.partition_point(|&x| (x as usize) < want).min(n);
        cuts.push(v.max(*cuts.last().unwrap_or(&0)));
    }
    cuts.push(n);
    // Each part's consumers' starts and its slices of the gathered arrays.
    let mut work = Vec::with_capacity(parts);
    let (mut order_rest, mut grouped_rest, mut volumes_rest) =
        (&mut order[..], &mut grouped[..], &mut volumes[..]);
    for w in cuts.windows(2) {
        let len = (start[w[1]] - start[w[0]]) as usize;
        let (o, or) = std::mem::take(&mut order_rest).split_at_mut(len);
        let (g, gr) = std::mem::take(&mut grouped_rest).split_at_mut(len);
        let (vo, vr) = std::mem::take(&mut volumes_rest).split_at_mut(len);
        (order_rest, grouped_rest, volumes_rest) = (or, gr, vr);
        work.push((&start[w[0]..=w[1]], o, g, vo));
    }
    let found = side_by_side(work, |(runs, o, g, vo)| settle(runs, o, g, vo));
    for p in found.into_iter().flatten() {
        problem(p);
    }
    // The shares written back: each part of the supplies on a core of its own, taking the
    // gathered edges that are its own (each part reads them all: two parts at most).
    let size = supplies.len().div_ceil(parts.min(2)).max(1);
    let (grouped_ref, order_ref) = (&grouped, &order);
    side_by_side(
        supplies.chunks_mut(size).enumerate().collect(),
        |(p, part)| {
            let first = p * size;
            for (s, &k) in grouped_ref.iter().zip(order_ref) {
                if let Some(own) = (k as usize)
                    .checked_sub(first)
                    .and_then(|i| part.get_mut(i))
                {
                    own.share = s.share;
                }
            }
            for s in part.iter_mut() {
                if s.status == EdgeStatus::Stopped {
                    s.share = 0.0;
                }
            }
        },
    );
    (order, grouped)
}

/// Below this many live edges, the groups are settled on one thread.
const PARALLEL_EDGES: usize = 1 << 16;

/// Sorts each consumer's edges into groups and settles the groups' shares, on a part of the
/// gathered arrays: `runs` are the part's consumers' starts (and the end), as places in the
/// whole arrays; `order`, `grouped` and `volumes` the part's edges. Returns the problems
/// found, in group order.
fn settle(
    runs: &[u32],
    order: &mut [u32],
    grouped: &mut [Supply],
    volumes: &mut [Option<f64>],
) -> Vec<GroupProblem> {
    let base = runs[0] as usize;
    let mut found = Vec::new();
    let mut problem = |p| found.push(p);
    // A consumer's edges of several materials: by material, then edge number (the group
    // order of `net::group_order`), sorted in the gathered copy.
    let mut run_order: Vec<usize> = Vec::new();
    let (mut g, mut vo, mut o) = (Vec::new(), Vec::new(), Vec::new());
    for w in runs.windows(2) {
        let run = w[0] as usize - base..w[1] as usize - base;
        let edges = &grouped[run.clone()];
        if edges.len() > 1
            && edges
                .windows(2)
                .any(|w| material_key(&w[0]) > material_key(&w[1]))
        {
            run_order.clear();
            run_order.extend(run.clone());
            run_order.sort_by_key(|&i| (material_key(&grouped[i]), order[i]));
            g.clear();
            vo.clear();
            o.clear();
            g.extend(run_order.iter().map(|&i| grouped[i].clone()));
            vo.extend(run_order.iter().map(|&i| volumes[i]));
            o.extend(run_order.iter().map(|&i| order[i]));
            grouped[run.clone()].clone_from_slice(&g);
            volumes[run.clone()].copy_from_slice(&vo);
            order[run].copy_from_slice(&o);
        }
    }
    // Per group, by position in the group: explicit shares (NaN where none) and volumes.
    let (mut given, mut vols) = (Vec::new(), Vec::new());
    // Positions of the operating and the planned edges.
    let (mut operating, mut planned) = (Vec::new(), Vec::new());
    let key = |s: &Supply| (s.to, s.material());
    let mut i = 0;
    while i < order.len() {
        let first = key(&grouped[i]);
        let mut j = i + 1;
        while j < order.len() && key(&grouped[j]) == first {
            j += 1;
        }
        let all = &order[i..j];
        let group = &mut grouped[i..j];
        let at = i;
        let volume = |p: usize| volumes[at + p];
        i = j;
        given.clear();
        given.extend(group.iter().map(|s| s.share));
        let with_share = given.iter().filter(|s| !s.is_nan()).count();
        if with_share > 0 && with_share < all.len() {
            let members = all
                .iter()
                .zip(&given)
                .map(|(&k, s)| (k as usize, !s.is_nan()))
                .collect();
            problem(GroupProblem::Mixed { members });
            continue;
        }
        // Volumes are treated as shares are (docs/semantics.md §1): all or none.
        if with_share == 0 {
            let has: Vec<bool> = (0..all.len()).map(|p| volume(p).is_some()).collect();
            let with_volume = has.iter().filter(|&&h| h).count();
            if with_volume > 0 && with_volume < all.len() {
                let members = all.iter().map(|&k| k as usize).zip(has).collect();
                problem(GroupProblem::MixedVolumes { members });
                continue;
            }
        }
        operating.clear();
        planned.clear();
        for (p, s) in group.iter().enumerate() {
            match s.status {
                EdgeStatus::Operating => operating.push(p),
                EdgeStatus::Planned => planned.push(p),
                EdgeStatus::Stopped => {}
            }
        }
        let everyone: Vec<usize> = if planned.is_empty() {
            Vec::new()
        } else {
            (0..all.len()).collect()
        };
        // Operating edges form the group; planned ones are measured against the whole group.
        for (members, for_planned) in [(&operating, false), (&everyone, true)] {
            vols.clear();
            let by_volume = members.iter().all(|&p| match volume(p) {
                Some(v) => {
                    vols.push(v);
                    true
                }
                None => false,
            });
            let total: f64 = if by_volume { vols.iter().sum() } else { 0.0 };
            for (j, &p) in members.iter().enumerate() {
                if for_planned != (group[p].status == EdgeStatus::Planned) {
                    continue;
                }
                group[p].share = if !given[p].is_nan() {
                    given[p]
                } else if by_volume && total > 0.0 {
                    vols[j] / total
                } else {
                    1.0 / members.len() as f64
                };
            }
        }
        if with_share == 0 {
            continue;
        }
        for (members, is_planned) in [(&operating, false), (&planned, true)] {
            let share = |p: &usize| group[*p].share;
            // A share outside [0, 1] is reported on its own; its group sum would say it again.
            if members.is_empty() || members.iter().any(|p| !(0.0..=1.0).contains(&share(p))) {
                continue;
            }
            let sum: f64 = members.iter().map(share).sum();
            if sum > 1.0 + SHARE_EPS {
                let members = members
                    .iter()
                    .map(|p| (all[*p] as usize, share(p)))
                    .collect();
                problem(GroupProblem::OverOne {
                    members,
                    planned: is_planned,
                    sum,
                });
                break;
            }
        }
    }
    found
}

#[cfg(test)]
// Small random graphs: every number fits.
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    /// Random groups (shares given, by volume or split equally; mixed, over one; operating,
    /// planned and stopped edges), settled on one thread and on several: the same group order,
    /// the same shares to the last bit, and the same problems in the same order.
    #[test]
    fn groups_settled_in_parts_are_settled_as_on_one_thread() {
        let mut rng = crate::model::test_rng::Rng::new(0x2545_f491_4f6c_dd1du64);
        let mut next = |m: u64| rng.below(m);
        let mut with_problems = 0;
        for case in 0..200 {
            let n = 1 + next(30) as usize;
            let mut supplies = Vec::new();
            let mut volumes = Vec::new();
            for _ in 0..next(6 * n as u64) {
                let share = match next(4) {
                    0 => (next(1000) as f64) / 700.0,
                    _ => f64::NAN,
                };
                let status = [
                    EdgeStatus::Operating,
                    EdgeStatus::Planned,
                    EdgeStatus::Stopped,
                ][[0, 0, 0, 1, 2][next(5) as usize]];
                let material = [None, Some(0), Some(1), Some(2)][next(4) as usize];
                let (from, to) = (next(n as u64) as u32, next(n as u64) as u32);
                supplies.push(Supply::new(from, to, material, share, status));
                volumes.push((next(3) > 0).then(|| next(100) as f64));
            }
            let settle = |threads: usize| {
                let mut s = supplies.clone();
                let mut problems = Vec::new();
                let (order, grouped) = grouped_on(
                    n,
                    &mut s,
                    |k| volumes[k],
                    |p| problems.push(format!("{p:?}")),
                    threads,
                    0,
                );
                let bits = |x: &[Supply]| x.iter().map(|s| s.share.to_bits()).collect::<Vec<_>>();
                (order, bits(&grouped), bits(&s), problems)
            };
            let one = settle(1);
            with_problems += usize::from(!one.3.is_empty());
            for threads in [2, 3, 7] {
                assert_eq!(one, settle(threads), "case {case}, {threads} threads");
            }
        }
        assert!(with_problems > 50, "{with_problems} cases with problems");
    }
}
