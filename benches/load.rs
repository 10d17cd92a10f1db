//! Load at scale, from CSV rows sorted and shuffled and from Parquet: the generated layered
//! network (10^6 flow nodes by default) written both ways with the same seed, and the shuffled
//! tables converted to Parquet (`convert --to parquet`'s converter), each loaded in its own
//! child process (read the files, validate, build), three times; the best and the median.
//!
//! Then what any load of the Parquet tables must pay however little it builds, each in a child
//! process of its own: decoding the two tables into Arrow columns (the load's first phase, on
//! every core), and writing once, on every core, as many fresh bytes as the Parquet load's peak
//! memory holds beyond the decoding's (the kernel hands out and zeroes each page: nothing is
//! computed). Their sum is a floor under a load that ends holding a model of that size.
//!
//! `cargo bench --bench load [-- SIZES...]`. Data goes to `target/bench-data/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

mod common;
use common::peak_bytes;

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

/// One load in this process: prints its wall-clock and CPU seconds, and its peak memory.
fn load(dir: &Path) {
    let (t, c) = (Instant::now(), cpu_secs());
    let (m, problems) = model::load_path(dir).build();
    let m = m.unwrap_or_else(|| panic!("{problems}"));
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - c;
    assert!(m.supplies.len() > m.flow_nodes().count());
    println!("{secs} {cpu} {}", peak_bytes());
}

/// The Parquet tables decoded into Arrow columns, as the load's first phase decodes them.
fn decode(dir: &Path) {
    use model::doc::{EdgeDef, NodeDef};
    use model::parquet_read::PqTable;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (t, c) = (Instant::now(), cpu_secs());
    let nodes = PqTable::read::<NodeDef>(&dir.join("nodes.parquet"), threads).expect("nodes");
    let edges = PqTable::read::<EdgeDef>(&dir.join("edges.parquet"), threads).expect("edges");
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - c;
    assert!(edges.rows > nodes.rows);
    println!("{secs} {cpu} {}", peak_bytes());
}

/// `bytes` of fresh memory written once, a byte a page, on every core (the clock stopped
/// before it is given back, which a load keeping its model never pays).
fn fresh(bytes: usize) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (t, c) = (Instant::now(), cpu_secs());
    let written: Vec<Vec<u8>> = std::thread::scope(|s| {
        let each: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut v = vec![0u8; bytes / threads];
                    for page in v.chunks_mut(4096) {
                        page[0] = 1;
                    }
                    v
                })
            })
            .collect();
        each.into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - c;
    let pages: usize = written
        .iter()
        .map(|v| {
            v.iter()
                .step_by(4096)
                .map(|&b| usize::from(b))
                .sum::<usize>()
        })
        .sum();
    assert_eq!(
        pages,
        written
            .iter()
            .map(|v| v.len().div_ceil(4096))
            .sum::<usize>()
    );
    println!("{secs} {cpu} {}", peak_bytes());
}

/// Three runs of this bench's `mode` in fresh child processes: (wall, CPU, peak bytes) each.
fn three(mode: &str, arg: impl AsRef<std::ffi::OsStr>) -> Vec<(f64, f64, u64)> {
    let me = std::env::current_exe().expect("exe");
    (0..3)
        .map(|_| {
            let out = Command::new(&me)
                .arg(mode)
                .arg(&arg)
                .output()
                .expect("child");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let f: Vec<&str> = text.split_whitespace().collect();
            let secs = |i: usize| f[i].parse::<f64>().expect("seconds");
            (secs(0), secs(1), f[2].parse::<u64>().expect("bytes"))
        })
        .collect()
}

/// The best and median wall time, and the least CPU time, of runs.
fn summary(runs: &[(f64, f64, u64)]) -> (f64, f64, f64) {
    let mut times: Vec<f64> = runs.iter().map(|r| r.0).collect();
    times.sort_by(f64::total_cmp);
    let cpu = runs.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
    (times[0], times[times.len() / 2], cpu)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--child") => return load(Path::new(&args[1])),
        Some("--decode") => return decode(Path::new(&args[1])),
        Some("--fresh") => return fresh(args[1].parse().expect("bytes")),
        _ => {}
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
            let runs = three("--child", &dir);
            let (best, median, cpu) = summary(&runs);
            let rows = match order {
                Order::Sorted => "sorted",
                Order::Shuffled => "shuffled",
            };
            println!("| {n} | {tables} | {rows} | {best:.3} s | {median:.3} s | {cpu:.2} s |");
            if tables == "Parquet" {
                let peak = runs.iter().map(|r| r.2).max().unwrap_or(0);
                let decoding = three("--decode", &dir);
                let (d, _, dc) = summary(&decoding);
                println!("| {n} | Parquet | decoding alone | {d:.3} s | - | {dc:.2} s |");
                // The decoded columns stay in the model: their pages are counted once.
                let decoded = decoding.iter().map(|r| r.2).min().unwrap_or(0);
                let rest = peak.saturating_sub(decoded);
                let (f, _, fc) = summary(&three("--fresh", rest.to_string()));
                println!(
                    "| {n} | - | the load's peak less the decoding's, {} MB, written fresh once | {f:.3} s | - | {fc:.2} s |",
                    rest >> 20
                );
                println!(
                    "| {n} | Parquet | floor: the two above | {:.3} s | - | - |",
                    d + f
                );
            }
        }
    }
}
