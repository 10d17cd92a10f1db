//! Quantities at scale, on the generated layered network (10^6 flow nodes by default) with the
//! generator's own figures (output, capacity, edge volumes and capacities), rows shuffled:
//!
//! - in one process, through the query [`Session`] as a user runs it: the load, the figures
//!   (built on first use), `with disrupt nodes where stage = "component" by 90%: shortfall of`
//!   the last end use and its
//!   `explain shortfall`, and `total output of nodes by country` (a 10^6-node set) with its
//!   concentration;
//! - end to end through the CLI (a fresh `supplygraph query --model DIR ...` process: load,
//!   figures and answer), best of three.
//!
//! `cargo bench --bench shortfall [-- SIZES...]`. Data goes to `target/bench-data/` (shared
//! with the scale and load benches).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use supplygraph::diag::SourceText;
use supplygraph::model;
use supplygraph::query::{parse, Session};

fn data_dir(n: usize) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/g{n}"))
}

fn row(what: &str, secs: f64) {
    println!("| {what} | {secs:.3} |");
}

fn one(n: usize) {
    let dir = data_dir(n);
    if !dir.join("edges.csv").exists() {
        supplygraph::generate::generate(n, 1, &dir).expect("generate");
    }
    println!("\n{n} nodes ({})\n", dir.display());
    println!("| step | seconds |\n|---|---|");
    let t = Instant::now();
    let (m, problems) = model::load_path(&dir).build();
    let m = m.unwrap_or_else(|| panic!("{problems}"));
    row(
        "load CSV (read, validate, build)",
        t.elapsed().as_secs_f64(),
    );
    let (mut s, _) = Session::new(&m);
    let mut q = |what: &str, text: &str| {
        let file = Arc::new(SourceText::new("<bench>", text));
        let t = Instant::now();
        let st = parse::parse_one(text).expect("parses");
        let out = s.run(&file, &st);
        let secs = t.elapsed().as_secs_f64();
        match out {
            Ok(o) => {
                row(what, secs);
                o
            }
            Err(p) => panic!("{text}: {p}"),
        }
    };
    let last = format!("n{}", n - 1);
    // Other end uses do not compete (the priority view), so a what-if binds where it reaches
    // the target's own suppliers: every component maker keeps 10% of its output.
    let clause = "with disrupt nodes where stage = \"component\" by 90%";
    let what_if = format!("{clause}: shortfall of \"{last}\"");
    q(
        "first quantity query: the figures built (once per model), then shortfall of one end use, no what-if",
        &format!("shortfall of \"{last}\""),
    );
    let o = q(
        "shortfall of one end use under a what-if (200,000 component makers lose 90%)",
        &what_if,
    );
    println!("\n{o:?}\n");
    q(
        "explain shortfall of it (primal + dual)",
        &format!("{clause}: explain shortfall of \"{last}\""),
    );
    q(
        "total output of nodes by country (every flow node)",
        "total output of nodes by country",
    );
    q("the same, again", "total output of nodes by country");
    q(
        "concentration of total capacity of nodes by country",
        "concentration of total capacity of nodes by country",
    );
    q(
        "total output of nodes where kind = mine by country",
        "total output of nodes where kind = mine by country",
    );
    // End to end through the CLI.
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let o = Command::new(env!("CARGO_BIN_EXE_supplygraph"))
            .args(["query", "--format", "json", "--model"])
            .arg(&dir)
            .arg(&what_if)
            .output()
            .expect("runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        best = best.min(t.elapsed().as_secs_f64());
    }
    row(
        "CLI end to end (load, figures, what-if shortfall of one end use), best of 3",
        best,
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
