//! Uncertainty (docs/semantics.md §9): draws of the uncertain figures, the shares each draw
//! gives, percentiles of a measure over the draws, and the low and high ends of one figure at a
//! time for sensitivity.
//!
//! A draw changes shares, never the graph: the [`Sampler`] is built once per statement from the
//! model's ranges (only the input groups holding an uncertain figure), and each draw writes a
//! share vector (one share per incoming-edge position of the `Net`) that a propagation takes as
//! `Disruption::shares`. Draw `i` of seed `s` is the same whatever thread draws it, so results
//! do not depend on the number of threads.

// Positions and group numbers are u32 in the `Net`: see `model::net`.
#![allow(clippy::cast_possible_truncation)]

use crate::cancel::Cancel;
use crate::model::graph::Model;
use crate::model::net::{Net, NONE};
use crate::model::ranges::{FigureRange, RangeField};

/// The default number of draws.
pub const DEFAULT_RUNS: u32 = 1000;
/// The most draws a statement makes: a percentile of a million draws is as exact as the
/// ranges behind it, and more only keeps the machine busy.
pub const MAX_RUNS: u32 = 1_000_000;
/// The default seed.
pub const DEFAULT_SEED: u64 = 1;
/// Group totals within this of 1 count as whole (nothing left to supply outside the model).
const WHOLE_EPS: f64 = 1e-9;

/// A small, fast, reproducible generator (SplitMix64): one per draw, seeded from the
/// statement's seed and the draw's number.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64, draw: u64) -> Rng {
        let mut r = Rng(seed ^ draw.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// One member of an input group that holds an uncertain figure.
#[derive(Debug, Clone)]
struct Member {
    /// Its incoming-edge position in the `Net`.
    pos: u32,
    /// Its point share, or (in a group split by volume) its point volume.
    point: f64,
    /// The figure's range (share or volume), when uncertain; an index into `Sampler::figures`.
    figure: Option<usize>,
}

/// An input group that holds an uncertain figure.
#[derive(Debug, Clone)]
struct Group {
    /// Shares are split by volume: the uncertain figures are volumes.
    by_volume: bool,
    members: Vec<Member>,
}

/// The draws of one model's uncertain figures.
#[derive(Debug, Clone)]
pub struct Sampler {
    groups: Vec<Group>,
    /// The uncertain figures that move a share, in the model's order.
    pub figures: Vec<FigureRange>,
    /// The point shares (`Net::in_share`, or the shares of the what-if in force).
    base: Vec<f64>,
}

impl Sampler {
    /// The sampler of `m`'s uncertain figures, around the point shares `base` (one per
    /// incoming-edge position). A volume's range moves shares only in a group split by
    /// volume.
    pub fn new(m: &Model, base: &[f64]) -> Sampler {
        let net = &m.net;
        let mut by_group: Vec<(usize, usize)> = Vec::new();
        let mut figures = Vec::new();
        for r in &m.ranges().items {
            let pos = net.supply_pos[r.supply as usize];
            if pos == NONE || base[pos as usize] <= 0.0 {
                continue;
            }
            if !r.moves_share {
                continue;
            }
            by_group.push((group_of(net, pos), figures.len()));
            figures.push(r.clone());
        }
        by_group.sort_unstable();
        let mut groups = Vec::new();
        let mut i = 0;
        while i < by_group.len() {
            let g = by_group[i].0;
            let mut j = i;
            while j < by_group.len() && by_group[j].0 == g {
                j += 1;
            }
            let ranged = &by_group[i..j];
            i = j;
            let by_volume = figures[ranged[0].1].field == RangeField::Volume;
            let mut members = Vec::new();
            for p in net.group_inputs(g) {
                if base[p] <= 0.0 {
                    continue;
                }
                let figure = ranged
                    .iter()
                    .map(|&(_, f)| f)
                    .find(|&f| net.supply_pos[figures[f].supply as usize] as usize == p);
                let point = if by_volume {
                    match figure {
                        Some(f) => figures[f].value,
                        None => m
                            .edge_def(net.in_supply[p] as usize)
                            .volume
                            .as_ref()
                            .and_then(|v| v.as_number())
                            .unwrap_or(0.0),
                    }
                } else {
                    base[p]
                };
                members.push(Member {
                    pos: p as u32,
                    point,
                    figure,
                });
            }
            groups.push(Group { by_volume, members });
        }
        Sampler {
            groups,
            figures,
            base: base.to_vec(),
        }
    }

    /// Whether the model has no uncertain figure that moves a share.
    pub fn is_empty(&self) -> bool {
        self.figures.is_empty()
    }

    /// The shares of draw `draw` of `seed`, written into `out` (resized to the net's
    /// positions): every uncertain figure drawn uniformly within its range, the other shares
    /// of its group rescaled so that the group keeps its total.
    pub fn draw(&self, seed: u64, draw: u64, out: &mut Vec<f64>) {
        let mut rng = Rng::new(seed, draw);
        out.clear();
        out.extend_from_slice(&self.base);
        let mut drawn = Vec::new();
        for g in &self.groups {
            drawn.clear();
            for m in &g.members {
                let x = match m.figure {
                    Some(f) => {
                        let r = &self.figures[f];
                        r.low + (r.high - r.low) * rng.unit()
                    }
                    None => m.point,
                };
                drawn.push(x);
            }
            self.settle(g, &mut drawn, out);
        }
    }

    /// Shares with one figure at `value` and every other figure at its point value (the
    /// other shares of its group rescaled as in a draw).
    pub fn with_figure(&self, figure: usize, value: f64, out: &mut Vec<f64>) {
        out.clear();
        out.extend_from_slice(&self.base);
        for g in &self.groups {
            if !g.members.iter().any(|m| m.figure == Some(figure)) {
                continue;
            }
            let mut drawn: Vec<f64> = g
                .members
                .iter()
                .map(|m| {
                    if m.figure == Some(figure) {
                        value
                    } else {
                        m.point
                    }
                })
                .collect();
            // Only the figure moves: the others of its group are fixed in this case.
            self.settle_one(g, figure, &mut drawn, out);
        }
    }

    /// Writes a group's shares from its members' drawn values (`drawn`, by member).
    fn settle(&self, g: &Group, drawn: &mut [f64], out: &mut [f64]) {
        if g.by_volume {
            let total: f64 = drawn.iter().sum();
            for (m, x) in g.members.iter().zip(drawn.iter()) {
                out[m.pos as usize] = if total > 0.0 { x / total } else { 0.0 };
            }
            return;
        }
        let total: f64 = g.members.iter().map(|m| m.point).sum();
        let (mut fixed, mut moved) = (0.0, 0.0);
        for (m, x) in g.members.iter().zip(drawn.iter()) {
            if m.figure.is_some() {
                moved += x;
            } else {
                fixed += x;
            }
        }
        rescale(g, drawn, total, fixed, moved, |m| m.figure.is_some());
        for (m, x) in g.members.iter().zip(drawn.iter()) {
            out[m.pos as usize] = *x;
        }
    }

    /// As `settle`, with only `figure` moved.
    fn settle_one(&self, g: &Group, figure: usize, drawn: &mut [f64], out: &mut [f64]) {
        if g.by_volume {
            return self.settle(g, drawn, out);
        }
        let total: f64 = g.members.iter().map(|m| m.point).sum();
        let (mut fixed, mut moved) = (0.0, 0.0);
        for (m, x) in g.members.iter().zip(drawn.iter()) {
            if m.figure == Some(figure) {
                moved += x;
            } else {
                fixed += x;
            }
        }
        rescale(g, drawn, total, fixed, moved, |m| m.figure == Some(figure));
        for (m, x) in g.members.iter().zip(drawn.iter()) {
            out[m.pos as usize] = *x;
        }
    }
}

/// Rescales a share group's drawn values so that it keeps its point `total`: the members not
/// moved (`fixed`, summing to `fixed`) take up the difference in proportion; when they cannot
/// (none left, or the moved ones alone exceed the total), the moved ones are scaled to the
/// total. A group whose point total is below 1 (the rest supplied from outside the model) with
/// every member moved keeps its draws, scaled down only if they exceed 1: the outside supply
/// takes up the difference.
fn rescale(
    g: &Group,
    drawn: &mut [f64],
    total: f64,
    fixed: f64,
    moved: f64,
    is_moved: impl Fn(&Member) -> bool,
) {
    if fixed > 0.0 && moved <= total {
        let k = (total - moved) / fixed;
        for (m, x) in g.members.iter().zip(drawn.iter_mut()) {
            if !is_moved(m) {
                *x *= k;
            }
        }
        return;
    }
    let cap = if fixed <= 0.0 && total < 1.0 - WHOLE_EPS {
        if moved <= 1.0 {
            return;
        }
        1.0
    } else {
        total
    };
    let k = if moved > 0.0 { cap / moved } else { 0.0 };
    for (m, x) in g.members.iter().zip(drawn.iter_mut()) {
        *x = if is_moved(m) { *x * k } else { 0.0 };
    }
}

/// The input group an incoming-edge position belongs to.
fn group_of(net: &Net, pos: u32) -> usize {
    let v = net.target(pos);
    net.groups(v)
        .find(|&g| net.group_inputs(g).contains(&(pos as usize)))
        .unwrap_or(0)
}

/// The `q` quantile (0..=1) of sorted values, interpolating between neighbours.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo as f64)
}

/// p05, p50 and p95 of some values (sorted in place).
pub fn percentiles(values: &mut [f64]) -> [f64; 3] {
    values.sort_by(f64::total_cmp);
    [0.05, 0.5, 0.95].map(|q| quantile(values, q))
}

/// Runs `work(state, i)` for every draw `i` in `0..runs`, one thread per state (each thread
/// owns one); results in draw order, whatever thread ran each. Stops early when `cancel` is set
/// (the draws not run are left out). The calling thread calls `tick(draws done)` every tenth
/// of a second while the draws run (for a progress bar).
pub fn run_draws<S: Send, T: Send>(
    runs: usize,
    states: Vec<S>,
    cancel: &Cancel,
    work: impl Fn(&mut S, usize) -> T + Sync,
    mut tick: impl FnMut(usize),
) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let (next, done, work) = (&next, &done, &work);
    let mut all: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = states
            .into_iter()
            .map(|mut state| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    loop {
                        if cancel.is_cancelled() {
                            break;
                        }
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= runs {
                            break;
                        }
                        out.push((i, work(&mut state, i)));
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    out
                })
            })
            .collect();
        while !handles.iter().all(|h| h.is_finished()) {
            tick(done.load(Ordering::Relaxed));
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let v = [0.0, 1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.0);
        assert_eq!(quantile(&v, 0.05), 0.2);
        assert_eq!(quantile(&v, 1.0), 4.0);
    }

    #[test]
    fn draws_do_not_depend_on_the_number_of_threads_and_stop_when_cancelled() {
        let cancel = Cancel::new();
        let run = |threads: usize| {
            run_draws(
                500,
                vec![(); threads],
                &cancel,
                |_, i| Rng::new(3, i as u64).unit(),
                |_| {},
            )
        };
        let one = run(1);
        assert_eq!(one.len(), 500);
        assert_eq!(one, run(3));
        assert_eq!(one, run(8));
        cancel.cancel();
        assert!(run(2).is_empty());
    }

    #[test]
    fn the_generator_is_uniform_enough_and_reproducible() {
        let mut a = Rng::new(7, 3);
        let mut b = Rng::new(7, 3);
        let xs: Vec<f64> = (0..10_000).map(|_| a.unit()).collect();
        let ys: Vec<f64> = (0..10_000).map(|_| b.unit()).collect();
        assert_eq!(xs, ys);
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.01, "{mean}");
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let below = xs.iter().filter(|&&x| x < 0.1).count();
        assert!((900..1100).contains(&below), "{below}");
    }
}
