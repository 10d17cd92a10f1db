//! Shortfall with substitution (design.md section 6): small models solved by hand, and random
//! small models (cycles, several materials, share and volume groups, capacities, losses and
//! restrictions) checked against the same linear program built here from design.md alone and
//! solved by a dense tableau simplex written here (Bland's rule), plus the feasibility of the
//! plan the engine returns and balance without a disruption.

// Test data are small: index casts cannot truncate.
#![allow(clippy::cast_possible_truncation)]

use supplygraph::analysis::propagate::Disruption;
use supplygraph::analysis::shortfall::{
    explain, shortfall, Figure, Figures, Limit, Need, ShortfallError,
};
use supplygraph::model::graph::{EdgeStatus, Supply};
use supplygraph::model::net::Net;
use supplygraph::model::shares::effective_shares;

mod common;
use common::Rng;

#[derive(Debug, Clone)]
struct E {
    from: u32,
    to: u32,
    mat: Option<u32>,
    share: Option<f64>,
    volume: Option<f64>,
    cap: Option<f64>,
}

fn e(from: u32, to: u32, mat: Option<u32>, volume: f64) -> E {
    E {
        from,
        to,
        mat,
        share: None,
        volume: Some(volume),
        cap: None,
    }
}

#[derive(Debug, Clone, Default)]
struct Spec {
    output: Vec<Option<f64>>,
    capacity: Vec<Option<f64>>,
    edges: Vec<E>,
}

/// The net, the figures, and the incoming-edge position of each spec edge.
fn build(s: &Spec) -> (Net, Figures, Vec<u32>) {
    let n = s.output.len();
    let mut sup: Vec<Supply> = s
        .edges
        .iter()
        .map(|e| {
            Supply::new(
                e.from,
                e.to,
                e.mat,
                e.share.unwrap_or(f64::NAN),
                EdgeStatus::Operating,
            )
        })
        .collect();
    let order = effective_shares(n, &mut sup, |k| s.edges[k].volume, |p| panic!("{p:?}"));
    let net = Net::build(n, &sup, &order);
    let mut figs = Figures::empty(n, net.in_src.len());
    figs.output = s.output.clone();
    figs.capacity = s.capacity.clone();
    let pos: Vec<u32> = (0..s.edges.len()).map(|k| net.supply_pos[k]).collect();
    for (k, e) in s.edges.iter().enumerate() {
        figs.volume[pos[k] as usize] = e.volume;
        figs.edge_capacity[pos[k] as usize] = e.cap;
    }
    (net, figs, pos)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

fn loss(nodes: &[(u32, f64)]) -> Disruption {
    Disruption {
        node_loss: nodes.to_vec(),
        ..Disruption::default()
    }
}

// ---- small models solved by hand ----

/// Mines a, b, c (50, 30, 20 t; capacities 50, 40, 35) feed a plant (100 t) that feeds an end
/// use (100 t). Stopping a: b and c stand in with their spare capacity, 40 + 35 = 75.
#[test]
fn spare_capacity_substitutes() {
    let s = Spec {
        output: vec![Some(50.0), Some(30.0), Some(20.0), Some(100.0), Some(100.0)],
        capacity: vec![Some(50.0), Some(40.0), Some(35.0), None, None],
        edges: vec![
            e(0, 3, None, 50.0),
            e(1, 3, None, 30.0),
            e(2, 3, None, 20.0),
            e(3, 4, None, 100.0),
        ],
    };
    let (net, figs, _) = build(&s);
    let base = shortfall(&net, &figs, &Disruption::default(), 4).unwrap();
    assert!(close(base.supply, 100.0), "{base:?}");
    assert_eq!(base.shortfall, 0.0);
    let x = explain(&net, &figs, &loss(&[(0, 1.0)]), 4).unwrap();
    assert!(close(x.shortfall.supply, 75.0), "{x:?}");
    assert!(close(x.shortfall.shortfall, 25.0));
    assert!(close(x.shortfall.shortfall_share, 0.25));
    assert_eq!(x.shortfall.cone, 5);
    // What binds: the capacities of b and c, a tonne of target per tonne of either.
    let mut caps: Vec<u32> = x
        .binding
        .iter()
        .filter_map(|b| match b.limit {
            Limit::NodeCapacity { node, .. } if node != 0 => {
                assert!(close(b.gain_per_tonne, 1.0), "{b:?}");
                Some(node)
            }
            _ => None,
        })
        .collect();
    caps.sort();
    assert_eq!(caps, vec![1, 2], "{:?}", x.binding);
    // Half of b lost as well: 20 + 35.
    let y = shortfall(&net, &figs, &loss(&[(0, 1.0), (1, 0.5)]), 4).unwrap();
    assert!(close(y.supply, 55.0), "{y:?}");
}

/// A magnet maker (100 t) needs 0.3 t metal and 0.05 t dy per tonne. The metal plant (30 t, no
/// spare) loses half: 15 t metal makes 50 t magnets, though dy (10 t capacity) would allow 200.
#[test]
fn scarcer_material_binds() {
    let s = Spec {
        output: vec![Some(30.0), Some(5.0), Some(100.0), Some(100.0)],
        capacity: vec![None, Some(10.0), None, None],
        edges: vec![
            e(0, 2, Some(0), 30.0),
            e(1, 2, Some(1), 5.0),
            e(2, 3, None, 100.0),
        ],
    };
    let (net, figs, _) = build(&s);
    let x = explain(&net, &figs, &loss(&[(0, 0.5)]), 3).unwrap();
    assert!(close(x.shortfall.supply, 50.0), "{x:?}");
    let recipes: Vec<(Option<u32>, f64, f64)> = x
        .binding
        .iter()
        .filter_map(|b| match b.limit {
            Limit::Recipe {
                node: 2, material, ..
            } => Some((material, b.bound, b.gain_per_tonne)),
            _ => None,
        })
        .collect();
    assert_eq!(recipes.len(), 1, "{:?}", x.binding);
    assert_eq!(recipes[0].0, Some(0));
    assert!(close(recipes[0].1, 0.3));
    assert!(close(recipes[0].2, 1.0 / 0.3));
    let metal = x
        .binding
        .iter()
        .find(|b| matches!(b.limit, Limit::NodeCapacity { node: 0, .. }))
        .expect("the metal plant binds");
    assert!(close(metal.bound, 15.0));
    assert!(close(metal.gain_per_tonne, 1.0 / 0.3));
    // dy scarce instead: lose 90% of dy (1 t makes 20 t magnets).
    let y = explain(&net, &figs, &loss(&[(1, 0.9)]), 3).unwrap();
    assert!(close(y.shortfall.supply, 20.0), "{y:?}");
    assert!(y.binding.iter().any(|b| matches!(
        b.limit,
        Limit::Recipe {
            material: Some(1),
            ..
        }
    )));
}

/// An exporter (80 t of 100 capacity) and a second supplier (20 t of 30) feed a consumer
/// (100 t). Cutting exports by half caps the route at 40 t; the second supplier adds 10.
#[test]
fn restriction_caps_a_route() {
    let mut s = Spec {
        output: vec![Some(80.0), Some(20.0), Some(100.0)],
        capacity: vec![Some(100.0), Some(30.0), None],
        edges: vec![e(0, 2, None, 80.0), e(1, 2, None, 20.0)],
    };
    let (net, figs, pos) = build(&s);
    let dis = Disruption {
        edge_restrict: vec![(pos[0], 0.5)],
        ..Disruption::default()
    };
    let x = explain(&net, &figs, &dis, 2).unwrap();
    assert!(close(x.shortfall.supply, 70.0), "{x:?}");
    assert!(x.binding.iter().any(|b| matches!(
        b.limit,
        Limit::Restriction { pos: p, .. } if p == pos[0]
    ) && close(b.bound, 40.0)));
    // The second route's own capacity (25 t) binds before its supplier's.
    s.edges[1].cap = Some(25.0);
    let (net, figs, pos) = build(&s);
    let dis = Disruption {
        edge_restrict: vec![(pos[0], 0.5)],
        ..Disruption::default()
    };
    let x = explain(&net, &figs, &dis, 2).unwrap();
    assert!(close(x.shortfall.supply, 65.0), "{x:?}");
    assert!(x.binding.iter().any(|b| matches!(
        b.limit,
        Limit::EdgeCapacity { pos: p } if p == pos[1]
    )));
    // Without the restriction, the exporter's spare capacity covers everything.
    let base = shortfall(&net, &figs, &Disruption::default(), 2).unwrap();
    assert!(close(base.supply, 100.0));
}

/// A mine (90 t) and a recycler (10 t, from the end use's scrap) feed a magnet maker (100 t)
/// feeding the end use (100 t). Halving the mine leaves 45 t, plus the recycled 10 t.
#[test]
fn recycling_loop() {
    let s = Spec {
        output: vec![Some(90.0), Some(10.0), Some(100.0), Some(100.0)],
        capacity: vec![None, None, None, None],
        edges: vec![
            e(0, 2, Some(0), 90.0),
            e(1, 2, Some(0), 10.0),
            e(2, 3, None, 100.0),
            e(3, 1, Some(1), 10.0),
        ],
    };
    let (net, figs, _) = build(&s);
    let base = shortfall(&net, &figs, &Disruption::default(), 3).unwrap();
    assert!(close(base.supply, 100.0), "{base:?}");
    let x = shortfall(&net, &figs, &loss(&[(0, 0.5)]), 3).unwrap();
    assert!(close(x.supply, 55.0), "{x:?}");
    // The recycler stopped too: the mine alone.
    let y = shortfall(&net, &figs, &loss(&[(0, 0.5), (1, 1.0)]), 3).unwrap();
    assert!(close(y.supply, 45.0), "{y:?}");
}

/// Shares without volumes: volumes are share x the consumer's output; a group whose shares add
/// up to 0.6 needs 0.6 t per tonne from inside the model.
#[test]
fn shares_derive_the_recipe() {
    let mut edges = vec![e(0, 2, None, 0.0), e(1, 2, None, 0.0)];
    edges[0].share = Some(0.4);
    edges[0].volume = None;
    edges[1].share = Some(0.2);
    edges[1].volume = None;
    let s = Spec {
        output: vec![Some(40.0), Some(20.0), Some(100.0)],
        capacity: vec![None, Some(30.0), None],
        edges,
    };
    let (net, figs, pos) = build(&s);
    // Mine 0 stops: mine 1 ships 30 t, which makes 50 t (0.6 t per tonne).
    let x = shortfall(&net, &figs, &loss(&[(0, 1.0)]), 2).unwrap();
    assert!(close(x.supply, 50.0), "{x:?}");
    // Restricting edge 0 by 25% caps it at 0.75 x 0.4 x 100 = 30 t; with 30 t from mine 1,
    // 60 t of input make 100 t.
    let dis = Disruption {
        edge_restrict: vec![(pos[0], 0.25)],
        ..Disruption::default()
    };
    let y = shortfall(&net, &figs, &dis, 2).unwrap();
    assert!(close(y.supply, 100.0), "{y:?}");
}

#[test]
fn missing_figures_are_named() {
    let s = Spec {
        output: vec![Some(10.0), None, Some(10.0)],
        capacity: vec![None, None, None],
        edges: vec![e(0, 1, None, 10.0), e(1, 2, None, 10.0)],
    };
    let (net, figs, _) = build(&s);
    let err = shortfall(&net, &figs, &Disruption::default(), 2).unwrap_err();
    assert_eq!(
        err,
        ShortfallError::Missing {
            node: 1,
            figure: Figure::Output,
            why: Need::Recipe
        }
    );
    assert!(err.to_string().contains("node 1 has no output"), "{err}");
    let err = shortfall(&net, &figs, &Disruption::default(), 1).unwrap_err();
    assert!(matches!(
        err,
        ShortfallError::Missing {
            node: 1,
            why: Need::Demand,
            ..
        }
    ));
    let s = Spec {
        output: vec![None, Some(10.0)],
        capacity: vec![None, None],
        edges: vec![e(0, 1, None, 10.0)],
    };
    let (net, figs, _) = build(&s);
    let err = shortfall(&net, &figs, &Disruption::default(), 1).unwrap_err();
    assert!(matches!(
        err,
        ShortfallError::Missing {
            node: 0,
            figure: Figure::Capacity,
            why: Need::Supply
        }
    ));
}

// ---- random models against an independent solution ----

/// A program `max c.x` subject to `A x <= b`, `x >= 0`: `(c, A, b)`.
type Reference = (Vec<f64>, Vec<Vec<f64>>, Vec<f64>);

/// `max c.x` subject to `A x <= b`, `x >= 0`, with `b >= 0` (so the origin is feasible): a
/// dense tableau simplex with Bland's rule. Panics when unbounded.
fn simplex_max(c: &[f64], a: &[Vec<f64>], b: &[f64]) -> f64 {
    let (m, n) = (a.len(), c.len());
    let w = n + m + 1;
    let mut t = vec![vec![0.0; w]; m + 1];
    for i in 0..m {
        t[i][..n].copy_from_slice(&a[i]);
        t[i][n + i] = 1.0;
        t[i][w - 1] = b[i];
    }
    for j in 0..n {
        t[m][j] = -c[j];
    }
    let mut basis: Vec<usize> = (n..n + m).collect();
    for _ in 0..100_000 {
        let Some(enter) = (0..n + m).find(|&j| t[m][j] < -1e-11) else {
            return t[m][w - 1];
        };
        let mut best: Option<(f64, usize, usize)> = None;
        for i in 0..m {
            if t[i][enter] > 1e-11 {
                let ratio = t[i][w - 1] / t[i][enter];
                let better = match best {
                    None => true,
                    Some((r, bi, _)) => ratio < r - 1e-12 || (ratio <= r + 1e-12 && basis[i] < bi),
                };
                if better {
                    best = Some((ratio, basis[i], i));
                }
            }
        }
        let (_, _, row) = best.expect("bounded");
        let p = t[row][enter];
        for x in t[row].iter_mut() {
            *x /= p;
        }
        let pivot = t[row].clone();
        for (i, r) in t.iter_mut().enumerate() {
            if i != row && r[enter] != 0.0 {
                let f = r[enter];
                for (x, y) in r.iter_mut().zip(&pivot) {
                    *x -= f * y;
                }
            }
        }
        basis[row] = enter;
    }
    panic!("simplex did not finish");
}

/// The program of design.md section 6 for `target`, built from the spec directly: variables
/// x(0..n) then f(edges); rows as `(coefficients, rhs)`. Nodes that cannot reach the target
/// are left in with nothing to constrain them but their bounds (they do not change the
/// optimum). Returns `None` where a figure the design needs is missing.
fn reference(s: &Spec, node_loss: &[f64], restrict: &[f64], target: usize) -> Option<Reference> {
    let n = s.output.len();
    let k = s.edges.len();
    let nv = n + k;
    let mut a = Vec::new();
    let mut b = Vec::new();
    let row = |pairs: &[(usize, f64)]| {
        let mut r = vec![0.0; nv];
        for &(j, c) in pairs {
            r[j] += c;
        }
        r
    };
    // Which nodes reach the target.
    let mut reach = vec![false; n];
    reach[target] = true;
    loop {
        let mut changed = false;
        for e in &s.edges {
            if reach[e.to as usize] && !reach[e.from as usize] {
                reach[e.from as usize] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for v in 0..n {
        if !reach[v] {
            a.push(row(&[(v, 1.0)]));
            b.push(0.0);
            continue;
        }
        let ins: Vec<usize> = (0..k).filter(|&i| s.edges[i].to as usize == v).collect();
        let cap = s.capacity[v].or(s.output[v])?;
        if !ins.is_empty() && s.output[v].is_none() {
            return None;
        }
        a.push(row(&[(v, 1.0)]));
        b.push(cap * (1.0 - node_loss[v]));
        if v == target {
            a.push(row(&[(v, 1.0)]));
            b.push(s.output[v]?);
        }
        // Groups by material.
        let mut mats: Vec<Option<u32>> = ins.iter().map(|&i| s.edges[i].mat).collect();
        mats.sort();
        mats.dedup();
        for m in mats {
            let g: Vec<usize> = ins
                .iter()
                .copied()
                .filter(|&i| s.edges[i].mat == m)
                .collect();
            let out = s.output[v].unwrap();
            let inflow = if g.iter().all(|&i| s.edges[i].volume.is_some()) {
                g.iter().map(|&i| s.edges[i].volume.unwrap()).sum::<f64>()
            } else {
                out * g.iter().map(|&i| s.edges[i].share.unwrap()).sum::<f64>()
            };
            let mut pairs = vec![(v, inflow / out)];
            pairs.extend(g.iter().map(|&i| (n + i, -1.0)));
            a.push(row(&pairs));
            b.push(0.0);
        }
    }
    for u in 0..n {
        let mut pairs: Vec<(usize, f64)> = (0..k)
            .filter(|&i| s.edges[i].from as usize == u && reach[s.edges[i].to as usize])
            .map(|i| (n + i, 1.0))
            .collect();
        pairs.push((u, -1.0));
        a.push(row(&pairs));
        b.push(0.0);
    }
    for (i, e) in s.edges.iter().enumerate() {
        if !reach[e.to as usize] {
            a.push(row(&[(n + i, 1.0)]));
            b.push(0.0);
            continue;
        }
        if let Some(c) = e.cap {
            a.push(row(&[(n + i, 1.0)]));
            b.push(c);
        }
        if restrict[i] > 0.0 {
            let vol = e
                .volume
                .unwrap_or_else(|| e.share.unwrap() * s.output[e.to as usize].unwrap());
            a.push(row(&[(n + i, 1.0)]));
            b.push((1.0 - restrict[i]) * vol);
        }
    }
    let mut c = vec![0.0; nv];
    c[target] = 1.0;
    Some((c, a, b))
}

/// A random model of 3 to 6 nodes: edges anywhere (loops included), one to three materials,
/// groups given by shares (summing to at most 1) or by volumes, capacities with and without
/// spare, some edge capacities. With `balanced`, edges only go to higher-numbered nodes and
/// outputs are set so that the base-year figures balance.
fn random_spec(r: &mut Rng, balanced: bool) -> Spec {
    let n = 3 + r.below(4);
    let mut edges = Vec::new();
    for v in 0..n as u32 {
        if balanced && v == 0 {
            continue;
        }
        let groups = if balanced { 1 + r.below(2) } else { r.below(3) };
        for m in 0..groups as u32 {
            let k = 1 + r.below(3);
            let mut from: Vec<u32> = Vec::new();
            for _ in 0..k {
                let u = if balanced {
                    r.below(v as usize) as u32
                } else {
                    r.below(n) as u32
                };
                if !from.contains(&u) && u != v {
                    from.push(u);
                }
            }
            let by_volume = !balanced && r.one_in(2);
            let total = if r.one_in(2) {
                1.0
            } else {
                0.5 + 0.5 * r.unit()
            };
            let raw: Vec<f64> = from.iter().map(|_| 0.1 + r.unit()).collect();
            let sum: f64 = raw.iter().sum();
            for (i, &u) in from.iter().enumerate() {
                edges.push(E {
                    from: u,
                    to: v,
                    mat: Some(m),
                    share: (!by_volume).then(|| (raw[i] / sum * total * 1e6).floor() / 1e6),
                    volume: by_volume.then(|| (raw[i] * 100.0).round().max(1.0)),
                    cap: r.one_in(4).then(|| (r.unit() * 100.0).round()),
                });
            }
        }
    }
    let mut output: Vec<Option<f64>> = (0..n)
        .map(|_| Some((10.0 + r.unit() * 100.0).round()))
        .collect();
    if balanced {
        // Consumers first: a node makes at least what its customers take from it.
        for u in (0..n).rev() {
            let shipped: f64 = edges
                .iter()
                .filter(|e| e.from as usize == u)
                .map(|e| e.share.unwrap() * output[e.to as usize].unwrap())
                .sum();
            output[u] = Some(output[u].unwrap().max(shipped));
        }
        for e in &mut edges {
            e.cap = None;
        }
    }
    let capacity = output
        .iter()
        .map(|o| match r.below(3) {
            0 => None,
            1 => Some(o.unwrap() * (1.0 + r.unit())),
            _ => Some(o.unwrap() * r.unit() + 1.0),
        })
        .collect();
    Spec {
        output,
        capacity: if balanced { vec![None; n] } else { capacity },
        edges,
    }
}

#[test]
fn random_models_match_an_independent_simplex() {
    let mut checked = 0;
    for seed in 1..=400u64 {
        let mut r = Rng((seed * 0x9E37_79B9) | 1);
        let s = random_spec(&mut r, false);
        let n = s.output.len();
        let node_loss: Vec<f64> = (0..n)
            .map(|_| {
                if r.one_in(3) {
                    [1.0, 0.5, 0.25][r.below(3)]
                } else {
                    0.0
                }
            })
            .collect();
        let restrict: Vec<f64> = s
            .edges
            .iter()
            .map(|_| {
                if r.one_in(4) {
                    [1.0, 0.5, 0.3][r.below(3)]
                } else {
                    0.0
                }
            })
            .collect();
        let (net, figs, pos) = build(&s);
        let dis = Disruption {
            node_loss: (0..n as u32)
                .filter(|&v| node_loss[v as usize] > 0.0)
                .map(|v| (v, node_loss[v as usize]))
                .collect(),
            edge_restrict: (0..s.edges.len())
                .filter(|&i| restrict[i] > 0.0)
                .map(|i| (pos[i], restrict[i]))
                .collect(),
            shares: None,
        };
        for target in 0..n {
            let Some((c, a, b)) = reference(&s, &node_loss, &restrict, target) else {
                // A figure is missing: every spec figure is given here, so never.
                panic!("seed {seed}: reference needs a figure");
            };
            let want = simplex_max(&c, &a, &b);
            let got = explain(&net, &figs, &dis, target as u32)
                .unwrap_or_else(|e| panic!("seed {seed} target {target}: {e}"));
            let demand = s.output[target].unwrap();
            assert!(
                close(got.shortfall.supply, want.min(demand)),
                "seed {seed} target {target}: engine {} reference {want}\n{s:?}\n{dis:?}",
                got.shortfall.supply
            );
            assert!(close(
                got.shortfall.shortfall,
                demand - got.shortfall.supply
            ));
            // The engine's plan is feasible in the reference program and reaches the supply.
            let mut x = vec![0.0; n + s.edges.len()];
            for &(v, q) in &got.production {
                x[v as usize] = q;
            }
            for &(p, q) in &got.flows {
                let i = pos.iter().position(|&pp| pp == p).unwrap();
                x[n + i] = q;
            }
            for (row, &rhs) in a.iter().zip(&b) {
                let lhs: f64 = row.iter().zip(&x).map(|(a, x)| a * x).sum();
                assert!(
                    lhs <= rhs + 1e-7 * rhs.abs().max(1.0),
                    "seed {seed} target {target}: plan breaks a row ({lhs} > {rhs}): {row:?}\n{x:?}\n{got:?}\n{s:?}\n{dis:?}"
                );
            }
            // The plan is repaired to feasibility, so its production of the target may fall
            // short of the optimum by the solver's rounding, never by more than 1e-3.
            assert!(
                x[target] <= got.shortfall.supply * (1.0 + 1e-9) + 1e-9
                    && x[target] >= got.shortfall.supply * (1.0 - 1e-3) - 1e-9,
                "seed {seed} target {target}: plan makes {} of {}",
                x[target],
                got.shortfall.supply
            );
            // Something binds, and a shortfall is never explained by the demand alone.
            assert!(
                !got.binding.is_empty(),
                "seed {seed} target {target}: {got:?}\n{s:?}\n{dis:?}"
            );
            if got.shortfall.shortfall > 1e-6 {
                assert!(!got
                    .binding
                    .iter()
                    .all(|b| matches!(b.limit, Limit::Demand { .. })));
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
}

#[test]
fn balanced_figures_meet_demand_without_a_disruption() {
    for seed in 1..=300u64 {
        let mut r = Rng((seed * 0x2545_F491) | 1);
        let s = random_spec(&mut r, true);
        let (net, figs, _) = build(&s);
        for target in 0..s.output.len() as u32 {
            let got = shortfall(&net, &figs, &Disruption::default(), target).unwrap();
            assert_eq!(
                got.shortfall, 0.0,
                "seed {seed} target {target}: {got:?}\n{s:?}"
            );
            assert!(close(got.supply, s.output[target as usize].unwrap()));
        }
    }
}

/// A planned plant whose only input is planned too: switched on, its recipe comes from its
/// planned input (100 t of ore for 50 t, 2 t a tonne), so the mine's 60 t make 30 t, not the
/// plant's whole 50 t out of nothing. Nodes: 0 mine (100 t, capacity 60), 1 planned plant
/// (50 t once running), 2 end use (50 t), 3 its operating supplier (50 t), lost.
#[test]
fn planned_plant_takes_its_recipe_from_planned_inputs() {
    let n = 4;
    // (from, to, volume, planned)
    let spec = [
        (0u32, 1u32, 100.0, true),
        (1, 2, 50.0, true),
        (3, 2, 50.0, false),
    ];
    let mut sup: Vec<Supply> = spec
        .iter()
        .map(|&(f, t, _, planned)| {
            let status = if planned {
                EdgeStatus::Planned
            } else {
                EdgeStatus::Operating
            };
            Supply::new(f, t, None, f64::NAN, status)
        })
        .collect();
    let order = effective_shares(n, &mut sup, |k| Some(spec[k].2), |p| panic!("{p:?}"));
    let net = Net::build(n, &sup, &order);
    let mut figs = Figures::empty(n, net.in_src.len());
    figs.output = vec![Some(100.0), Some(50.0), Some(50.0), Some(50.0)];
    figs.capacity = vec![Some(60.0), None, None, None];
    for (k, s) in spec.iter().enumerate() {
        figs.volume[net.supply_pos[k] as usize] = Some(s.2);
    }
    // Every planned edge switched on, taking the share it would take once running.
    let shares: Vec<f64> = (0..net.in_src.len())
        .map(|p| {
            if net.planned_share(p) > 0.0 {
                net.planned_share(p)
            } else {
                net.in_share[p]
            }
        })
        .collect();
    let dis = Disruption {
        node_loss: vec![(3, 1.0)],
        shares: Some(std::sync::Arc::new(shares)),
        ..Disruption::default()
    };
    let s = shortfall(&net, &figs, &dis, 2).unwrap();
    assert!(close(s.supply, 30.0), "{s:?}");
    assert!(close(s.shortfall, 20.0), "{s:?}");
    // Not switched on, the plant is no route: nothing reaches the end use.
    let off = shortfall(&net, &figs, &loss(&[(3, 1.0)]), 2).unwrap();
    assert!(close(off.supply, 0.0), "{off:?}");
}
