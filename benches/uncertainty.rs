//! Uncertainty benchmark (docs/semantics.md §9): 1,000 draws of one exposure on the flagship
//! model, and 100 draws of the exposure of every end use on a generated network of 10^5 nodes
//! whose shares and volumes carry ranges of +-25%.
//!
//! `cargo bench --bench uncertainty [-- SIZE]` (default 100000). The generated tables go to
//! `target/bench-data/` (the same network as `benches/scale.rs`, with range columns added).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use supplygraph::diag::SourceText;
use supplygraph::model::{self, Model};
use supplygraph::query::{parse, Outcome, Session};

/// Runs `text` `times` times; the fastest and the slowest run, in seconds.
fn time(m: &Model, text: &str, times: usize) -> (f64, f64) {
    let (mut s, _) = Session::new(m);
    let file = Arc::new(SourceText::new("<bench>", text));
    let st = parse::parse_one(text).expect("parses");
    let (mut best, mut worst) = (f64::INFINITY, 0.0f64);
    for _ in 0..times {
        let t = Instant::now();
        match s.run(&file, &st) {
            Ok(Outcome::Table(t)) => assert!(t.column("p95").is_some()),
            other => panic!("{text}: {other:?}"),
        }
        let secs = t.elapsed().as_secs_f64();
        best = best.min(secs);
        worst = worst.max(secs);
    }
    (best, worst)
}

fn row(what: &str, (best, worst): (f64, f64)) {
    println!("| {what} | {best:.3} | {worst:.3} |");
}

/// The generated network of `n` nodes with `share_low`, `share_high`, `volume_low` and
/// `volume_high` columns: +-25% around every share and volume (shares clamped to 1).
fn ranged_network(n: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let plain = root.join(format!("g{n}"));
    if !plain.join("edges.csv").exists() {
        supplygraph::generate::generate(n, 1, &plain).expect("generate");
    }
    let dir = root.join(format!("u{n}"));
    if dir.join("edges.csv").exists() {
        return dir;
    }
    std::fs::create_dir_all(&dir).expect("bench dir");
    std::fs::copy(plain.join("nodes.csv"), dir.join("nodes.csv")).expect("nodes.csv");
    let edges = std::fs::read_to_string(plain.join("edges.csv")).expect("edges.csv");
    let mut out = String::with_capacity(edges.len() * 2);
    let range = |x: &str, max: f64| match x.parse::<f64>() {
        Ok(v) => format!("{},{}", v * 0.75, (v * 1.25).min(max)),
        Err(_) => ",".to_string(),
    };
    for (i, line) in edges.lines().enumerate() {
        if i == 0 {
            out.push_str(line);
            out.push_str(",share_low,share_high,volume_low,volume_high\n");
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        let (share, volume) = (
            f.get(3).copied().unwrap_or(""),
            f.get(4).copied().unwrap_or(""),
        );
        out.push_str(&format!(
            "{line},{},{}\n",
            range(share, 1.0),
            range(volume, f64::INFINITY)
        ));
    }
    std::fs::write(dir.join("edges.csv"), out).expect("edges.csv");
    dir
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("threads available: {threads}\n");
    println!("| step | best s | slowest s |\n|---|---|---|");

    let (m, problems) = model::load_builtin().build();
    let m = m.unwrap_or_else(|| panic!("{problems}"));
    let uncertain = m.ranges().items.len();
    row(
        &format!("flagship ({uncertain} uncertain figures): 1,000 draws of one exposure"),
        time(
            &m,
            r#"with uncertainty 1000 runs: exposure of "Electric vehicles" to "China""#,
            5,
        ),
    );
    let sensitivity = {
        let (mut s, _) = Session::new(&m);
        let text = r#"sensitivity of "Electric vehicles" to "China""#;
        let file = Arc::new(SourceText::new("<bench>", text));
        let st = parse::parse_one(text).expect("parses");
        let t = Instant::now();
        s.run(&file, &st).expect("runs");
        t.elapsed().as_secs_f64()
    };
    row(
        "flagship: sensitivity of one exposure",
        (sensitivity, sensitivity),
    );

    let dir = ranged_network(n);
    let t = Instant::now();
    let (m, problems) = model::load_path(&dir).build();
    let m = m.unwrap_or_else(|| panic!("{problems}"));
    let load = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let uncertain = m.ranges().items.len();
    let ranges = t.elapsed().as_secs_f64();
    row(
        &format!("{n} nodes: load with range columns (general reader)"),
        (load, load),
    );
    row(
        &format!("{n} nodes: read the ranges ({uncertain} uncertain figures)"),
        (ranges, ranges),
    );
    row(
        &format!("{n} nodes: 100 draws of the exposure of all end uses"),
        time(
            &m,
            r#"with uncertainty 100 runs: exposure of nodes where kind = end_use to "k1""#,
            2,
        ),
    );
}
