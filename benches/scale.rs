//! Scale benchmark: generated layered networks of 10^4, 10^5 and 10^6 nodes; for each, the
//! time and peak memory of loading and of the main queries.
//!
//! `cargo bench --bench scale [-- SIZES...]` (default 10000 100000 1000000). Each size runs in
//! a child process so that its peak memory is its own, and loading the model in the project's
//! own format (TOML, converted once from the CSV tables) in another. Data goes to
//! `target/bench-data/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

mod common;

use supplygraph::diag::SourceText;
use supplygraph::model;
use supplygraph::model::Format;
use supplygraph::query::{parse, Session};
use supplygraph::repl::words::Words;
use supplygraph::repl::ReplHelper;

fn data_dir(n: usize) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/g{n}"))
}

/// Peak resident memory of this process so far, in MB (Linux; NaN where it is not told).
fn peak_mb() -> f64 {
    match common::peak_bytes() {
        0 => f64::NAN,
        b => b as f64 / (1024.0 * 1024.0),
    }
}

fn row(what: &str, secs: f64) {
    println!("| {what} | {:.3} | {:.0} |", secs, peak_mb());
}

fn one(n: usize) {
    let dir = data_dir(n);
    let t = Instant::now();
    let (m, problems) = model::load_path(&dir).build();
    let m = m.unwrap_or_else(|| panic!("{problems}"));
    row(
        "load CSV (read, validate, build)",
        t.elapsed().as_secs_f64(),
    );
    let (mut s, _) = Session::new(&m);
    for text in [
        "scenario k1_out = disrupt \"k1\"",
        "scenario k2_half = disrupt \"k2\" by 50%",
    ] {
        let file = Arc::new(SourceText::new("<bench>", text));
        let st = parse::parse_one(text).expect("parses");
        s.run(&file, &st).unwrap_or_else(|p| panic!("{text}: {p}"));
    }
    let mut q = |what: &str, text: &str| {
        let file = Arc::new(SourceText::new("<bench>", text));
        let t = Instant::now();
        let st = parse::parse_one(text).expect("parses");
        let out = s.run(&file, &st);
        let secs = t.elapsed().as_secs_f64();
        if let Err(p) = out {
            panic!("{text}: {p}");
        }
        row(what, secs);
    };
    let last = n - 1;
    q("parse + plan + list one node", &format!("\"n{last}\""));
    q(
        "exposure of all end uses to a country",
        "exposure of nodes where kind = end_use to \"k1\"",
    );
    q(
        "upstream of an end use",
        &format!("upstream of \"n{last}\""),
    );
    q(
        "chokepoints of one end use",
        &format!("chokepoints of \"n{last}\""),
    );
    q(
        "chokepoints of one end use by country",
        &format!("chokepoints of \"n{last}\" by country"),
    );
    // The last tenth of the generated nodes are end uses.
    let ten: Vec<String> = (0..10).map(|i| format!("\"n{}\"", last - i)).collect();
    q(
        "chokepoints of 10 end uses (one table, a target column)",
        &format!("chokepoints of {}", ten.join(", ")),
    );
    q(
        "exposure of all end uses, where/order by/limit 10",
        "exposure of nodes where kind = end_use to \"k1\" where exposure > 10% order by exposure desc, id limit 10",
    );
    q(
        "compare two what-ifs and the baseline: loss of all end uses",
        "compare scenario k1_out, scenario k2_half, baseline: loss of nodes where kind = end_use",
    );
    q(
        "concentration of one end use",
        &format!("concentration of \"n{last}\" by country"),
    );
    let hundred: Vec<String> = (0..100)
        .map(|i| format!("\"n{}\"", i * (n / 5) / 100))
        .collect();
    q(
        "what-if: 100 nodes lose 30%, loss of all end uses",
        &format!(
            "with disrupt {} by 30%: loss of nodes where kind = end_use",
            hundred.join(", ")
        ),
    );
    q(
        "paths from a mine to an end use (limit 100)",
        &format!("paths from \"n0\" to \"n{last}\" limit 100"),
    );
    // The shell's completion: its index is built once per model, then each Tab is a prefix
    // search.
    let t = Instant::now();
    let helper = ReplHelper::new(Words::of(&m, &s), false);
    row("REPL: completion index built", t.elapsed().as_secs_f64());
    let mut slowest = 0.0f64;
    let mut offered = 0;
    for line in [
        "chokepoints of \"comp",
        "exposure of \"n99",
        "upstream of \"magnet 5",
        "exposure of nodes where stage = \"",
        "chokepoints of \"",
    ] {
        let t = Instant::now();
        offered += helper.completions(line, line.len()).len();
        slowest = slowest.max(t.elapsed().as_secs_f64());
    }
    assert!(offered > 0, "completion offers nothing");
    row("REPL: completing a node name (slowest of 5)", slowest);
}

/// Loading the same network from the project's own format (TOML), in its own process.
fn own_format(n: usize) {
    let toml = data_dir(n).with_extension("toml");
    if !toml.exists() {
        let (doc, problems) = {
            let loaded = model::load_path(&data_dir(n)).into_full();
            let problems = loaded.problems.to_string();
            (loaded.doc, problems)
        };
        model::load::write(&doc, Format::Toml, &toml).unwrap_or_else(|e| panic!("{e}\n{problems}"));
    }
    let t = Instant::now();
    let (m, problems) = model::load_path(&toml).build();
    let m = m.unwrap_or_else(|| panic!("{problems}"));
    row(
        "load the same model in TOML (read, validate, build)",
        t.elapsed().as_secs_f64(),
    );
    assert_eq!(m.flow_nodes().count(), n);
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    // The child processes: one size, in one of the two formats.
    let size_after = |flag: &str| {
        let pos = std::env::args().position(|a| a == flag)?;
        let n = std::env::args().nth(pos + 1).and_then(|x| x.parse().ok());
        Some(n.unwrap_or_else(|| panic!("{flag} N")))
    };
    if let Some(n) = size_after("--own-format") {
        own_format(n);
        return;
    }
    if let Some(n) = size_after("--one") {
        one(n);
        return;
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![10_000, 100_000, 1_000_000]
    } else {
        args.iter().filter_map(|a| a.parse().ok()).collect()
    };
    for n in sizes {
        let dir = data_dir(n);
        if !dir.join("edges.csv").exists() {
            supplygraph::generate::generate(n, 1, &dir).expect("generate");
        }
        println!("\n{n} nodes ({})\n", dir.display());
        println!("| step | seconds | peak MB |\n|---|---|---|");
        let me = std::env::current_exe().expect("exe");
        for child in ["--one", "--own-format"] {
            let status = Command::new(&me)
                .args([child, &n.to_string()])
                .status()
                .expect("child");
            if !status.success() {
                println!("({child} failed at {n} nodes)");
            }
        }
    }
}
