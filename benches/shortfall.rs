//! Shortfall with substitution at scale: the generated layered network (10^6 flow nodes by
//! default), one end use, under a what-if that stops a third of the mines upstream of it.
//!
//! `cargo bench --bench shortfall [-- SIZES...]`. The generator writes no tonnage figures yet,
//! so the bench derives a balanced set from the shares (consumers first: an end use demands
//! 1,000 t, a node makes what its customers take, at least 1 t; capacity 1.2 x output; edge
//! volumes left to the engine's derivation, share x the consumer's output). Data goes to
//! `target/bench-data/` (shared with the scale bench).

use std::path::{Path, PathBuf};
use std::time::Instant;

use supplygraph::analysis::cone;
use supplygraph::analysis::propagate::Disruption;
use supplygraph::analysis::shortfall::{explain, shortfall, Figures};
use supplygraph::model;
use supplygraph::model::net::Net;

fn data_dir(n: usize) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/g{n}"))
}

fn row(what: &str, secs: f64) {
    println!("| {what} | {secs:.4} |");
}

/// Balanced base-year figures from the shares, consumers first (components in reverse
/// topological order; inside a recycling loop, a customer not yet reached counts 0).
fn balanced(net: &Net) -> Figures {
    let n = net.len();
    let mut figs = Figures::empty(n, net.in_src.len());
    let mut out = vec![0.0f64; n];
    for c in (0..net.comp_count()).rev() {
        for &u in net.comp_members(c) {
            let outs = net.outputs(u);
            let has_inputs = !net.inputs(u).is_empty();
            if outs.is_empty() && !has_inputs {
                continue; // a region, or an isolated node
            }
            out[u as usize] = if outs.is_empty() {
                1000.0
            } else {
                let shipped: f64 = outs
                    .iter()
                    .map(|&p| net.in_share[p as usize] * out[net.target(p) as usize])
                    .sum();
                shipped.max(1.0)
            };
            figs.output[u as usize] = Some(out[u as usize]);
            figs.capacity[u as usize] = Some(1.2 * out[u as usize]);
        }
    }
    figs
}

fn one(n: usize) {
    let dir = data_dir(n);
    if !dir.join("edges.csv").exists() {
        supplygraph::generate::generate(n, 1, &dir).expect("generate");
    }
    let t = Instant::now();
    let (m, problems) = model::load_path(&dir).build();
    let m = m.unwrap_or_else(|| panic!("{problems}"));
    println!(
        "\n{n} nodes: loaded in {:.1} s\n",
        t.elapsed().as_secs_f64()
    );
    println!("| step | seconds |\n|---|---|");
    let net = &m.net;
    let t = Instant::now();
    let figs = balanced(net);
    row(
        "figures derived for the whole net (once per model)",
        t.elapsed().as_secs_f64(),
    );
    let target = m.find(&format!("n{}", n - 1)).expect("the last end use");

    let t = Instant::now();
    let base = shortfall(net, &figs, &Disruption::default(), target).expect("solves");
    row(
        "shortfall of one end use, no what-if",
        t.elapsed().as_secs_f64(),
    );
    assert_eq!(base.shortfall, 0.0, "{base:?}");

    // The what-if: two mines in three upstream of the target stop.
    let t = Instant::now();
    let up = cone::upstream(net, &net.in_share, &[target], None);
    let mines: Vec<u32> = up
        .iter()
        .map(|&(v, _)| v)
        .filter(|&v| net.inputs(v).is_empty())
        .collect();
    let dis = Disruption {
        node_loss: mines
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 != 0)
            .map(|(_, &v)| (v, 1.0))
            .collect(),
        ..Disruption::default()
    };
    row("what-if built (upstream walk)", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let s = shortfall(net, &figs, &dis, target).expect("solves");
    let secs = t.elapsed().as_secs_f64();
    row(
        &format!(
            "shortfall of one end use, {} of {} mines stopped (cone {} nodes)",
            dis.node_loss.len(),
            mines.len(),
            s.cone
        ),
        secs,
    );
    let t = Instant::now();
    let x = explain(net, &figs, &dis, target).expect("solves");
    row(
        &format!(
            "explain shortfall (primal + dual, {} binding)",
            x.binding.len()
        ),
        t.elapsed().as_secs_f64(),
    );
    let report = |s: &supplygraph::analysis::shortfall::Shortfall| {
        println!(
            "demand {:.1} t, supply {:.1} t, shortfall {:.1} t ({:.1}%)",
            s.demand,
            s.supply,
            s.shortfall,
            100.0 * s.shortfall_share
        )
    };
    println!();
    report(&s);
    // A harder what-if: every mine upstream loses 99.9%; spare capacity cannot cover it.
    let hard = Disruption {
        node_loss: mines.iter().map(|&v| (v, 0.999)).collect(),
        ..Disruption::default()
    };
    let t = Instant::now();
    let h = explain(net, &figs, &hard, target).expect("solves");
    let secs = t.elapsed().as_secs_f64();
    report(&h.shortfall);
    row(
        &format!(
            "explain shortfall, every upstream mine loses 99.9% ({} binding)",
            h.binding.len()
        ),
        secs,
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000_000]
    } else {
        sizes
    };
    for n in sizes {
        one(n);
    }
}
