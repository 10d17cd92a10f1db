//! Effective shares per input group (docs/semantics.md §1), with the group checks. Shared by
//! both front ends: groups are runs of the group order, so no map of groups is built.

use super::graph::{EdgeStatus, Supply};
use super::net::{by_consumer, material_key};

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
    mut problem: impl FnMut(GroupProblem),
) -> (Vec<u32>, Vec<Supply>) {
    let (mut order, start) = by_consumer(n, supplies);
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
        let volumes = volumes
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (grouped, volumes)
    });
    // A consumer's edges of several materials: by material, then edge number (the group
    // order of `net::group_order`), sorted in the gathered copy.
    let mut run_order: Vec<usize> = Vec::new();
    for v in 0..n {
        let run = start[v] as usize..start[v + 1] as usize;
        let edges = &grouped[run.clone()];
        if edges.len() > 1
            && edges
                .windows(2)
                .any(|w| material_key(&w[0]) > material_key(&w[1]))
        {
            run_order.clear();
            run_order.extend(run.clone());
            run_order.sort_by_key(|&i| (material_key(&grouped[i]), order[i]));
            let g: Vec<Supply> = run_order.iter().map(|&i| grouped[i].clone()).collect();
            let vo: Vec<Option<f64>> = run_order.iter().map(|&i| volumes[i]).collect();
            let o: Vec<u32> = run_order.iter().map(|&i| order[i]).collect();
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
    for (s, &k) in grouped.iter().zip(&order) {
        supplies[k as usize].share = s.share;
    }
    for s in supplies.iter_mut() {
        if s.status == EdgeStatus::Stopped {
            s.share = 0.0;
        }
    }
    (order, grouped)
}
