//! Load at scale, from CSV rows sorted and shuffled and from Parquet: the generated layered
//! network (10^6 flow nodes by default) written both ways with the same seed, and the shuffled
//! tables converted to Parquet (`convert --to parquet`'s converter), each loaded in its own
//! child process (read the files, validate, build), three times; the best and the median.
//!
//! `cargo bench --bench load [-- SIZES...]`. Data goes to `target/bench-data/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use supplygraph::generate::{generate_in, Order};
use supplygraph::model;

fn data_dir(n: usize, order: Order) -> PathBuf {
    let tag = match order {
        Order::Shuffled => "",
        Order::Sorted => "-sorted",
    };
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/g{n}{tag}"))
}

/// CPU seconds (user + system, every thread) of this process so far (Linux; clock ticks of
/// 1/100 s).
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses): utime and stime are the
    // 12th and 13th of them.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    (f.get(11).copied().unwrap_or(f64::NAN) + f.get(12).copied().unwrap_or(f64::NAN)) / 100.0
}

/// One load in this process: prints its wall-clock and CPU seconds.
fn load(dir: &Path) {
    let (t, c) = (Instant::now(), cpu_secs());
    let (m, problems) = model::load_path(dir).build();
    let m = m.unwrap_or_else(|| panic!("{problems}"));
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - c;
    assert!(m.supplies.len() > m.flow_nodes().count());
    println!("{secs} {cpu}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        load(Path::new(&args[1]));
        return;
    }
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![1_000_000]
    } else {
        sizes
    };
    println!(
        "| nodes | tables | rows | wall, best of 3 | wall, median of 3 | CPU (both cores), best of 3 |\n|---|---|---|---|---|---|"
    );
    for n in sizes {
        for (order, tables) in [
            (Order::Sorted, "CSV"),
            (Order::Shuffled, "CSV"),
            (Order::Shuffled, "Parquet"),
        ] {
            let mut dir = data_dir(n, order);
            if !dir.join("edges.csv").exists() {
                generate_in(n, 1, &dir, order).expect("generate");
            }
            if tables == "Parquet" {
                let csv = dir.clone();
                dir.set_file_name(format!("g{n}-parquet"));
                if !dir.join("edges.parquet").exists() {
                    model::parquet_write::csv_folder(&csv, &dir).expect("convert to Parquet");
                }
            }
            let me = std::env::current_exe().expect("exe");
            let runs: Vec<(f64, f64)> = (0..3)
                .map(|_| {
                    let out = Command::new(&me)
                        .arg("--child")
                        .arg(&dir)
                        .output()
                        .expect("child");
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    eprint!("{}", String::from_utf8_lossy(&out.stderr));
                    let text = String::from_utf8_lossy(&out.stdout).into_owned();
                    let mut x = text
                        .split_whitespace()
                        .map(|x| x.parse::<f64>().expect("seconds"));
                    (x.next().expect("wall"), x.next().expect("cpu"))
                })
                .collect();
            let mut times: Vec<f64> = runs.iter().map(|r| r.0).collect();
            times.sort_by(f64::total_cmp);
            let cpu = runs.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
            let rows = match order {
                Order::Sorted => "sorted",
                Order::Shuffled => "shuffled",
            };
            println!(
                "| {n} | {tables} | {rows} | {:.3} s | {:.3} s | {cpu:.2} s |",
                times[0], times[1]
            );
        }
    }
}
