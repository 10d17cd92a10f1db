//! Fuzzing on stable Rust, bounded in time, for `cargo test` and CI (issue 13).
//!
//! Each test replays its checked-in corpus, then mutates it and generates new inputs with a
//! fixed seed until its time budget runs out, timing every input. The targets and their
//! properties are in `targets.rs` (shared with the coverage-guided afl.rs binaries in
//! `fuzz/`); the corpus is in `tests/corpus/` (see its README).
//!
//! Settings (environment):
//!
//! - `SG_FUZZ_SECS`: seconds of mutation per target after the replay (default 4; CI 40, long
//!   runs 1800);
//! - `SG_FUZZ_CPU_SECS`: instead, seconds of CPU time of the fuzzing thread (replay included),
//!   so that a run on a busy machine still does its full share of work;
//! - `SG_FUZZ_SEED`: the seed (default fixed, so that a run is repeatable);
//! - `SG_FUZZ_TRACE=1`: write each input to `target/fuzz-current-<target>` before running it,
//!   to find the input of an abort (a stack overflow) that no panic hook sees.
//!
//! A failing input is written to `target/fuzz-failures/` and the test fails with its path.
//! An input taking over 1 s per KB (at least 1 s) fails the test too.

// Generated data are small: casts of random numbers cannot truncate.
#![allow(clippy::cast_possible_truncation)]

mod targets;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use supplygraph::model::{self, Model};
use targets::{Choose, Rng};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Files of a corpus folder with one of `exts`, sorted, with their names; with no `exts`,
/// its folders, each a CSV case (`nodes.csv` and `edges.csv`).
fn corpus(dir: &str, exts: &[&str]) -> Vec<(String, Vec<u8>)> {
    let dir = root().join(dir);
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return out;
    };
    let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() && exts.is_empty() {
            // A CSV case: nodes.csv, the separator, edges.csv.
            let nodes = std::fs::read(p.join("nodes.csv")).unwrap_or_default();
            let mut data = nodes;
            if let Ok(edges) = std::fs::read(p.join("edges.csv")) {
                data.extend_from_slice(targets::CSV_SEPARATOR);
                data.extend_from_slice(&edges);
            }
            out.push((p.display().to_string(), data));
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| exts.contains(&e))
        {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    out
}

/// CPU time of the calling thread, from /proc (Linux); `None` elsewhere.
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let after = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = after.split(' ').collect();
    // Fields 14 and 15 (utime, stime), counted from the state field (3) here.
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Time allowed per input: 1 s per KB, at least 1 s.
fn allowance(len: usize) -> f64 {
    (len as f64 / 1024.0).max(1.0)
}

// ---- Mutation ----

const QUERY_TOKENS: &[&str] = &[
    "\"",
    "\\",
    "\\\"",
    ";",
    "--",
    "#",
    "\n",
    " ",
    "(",
    ")",
    ",",
    ":",
    "=",
    "%",
    "é",
    "\u{feff}",
    "\"a\"",
    "\"China\"",
    "\"Bayan Obo mine\"",
    "\"Baotou\"",
    "\"Electric vehicles\"",
    "with ",
    "disrupt ",
    "restrict exports ",
    "of ",
    "from ",
    "to ",
    "by ",
    "30%",
    "0.5",
    "1e308",
    "-1",
    "99999999999999999999",
    "planned capacity ",
    "scenario ",
    "let ",
    "x ",
    "exposure ",
    "loss ",
    "explain ",
    "chokepoints ",
    "concentration ",
    "paths ",
    "show ",
    "diagram ",
    "limit ",
    "order by ",
    "desc ",
    "columns ",
    "compare ",
    "baseline",
    "scenario x, baseline: ",
    "depth ",
    "union ",
    "intersect ",
    "except ",
    "upstream of ",
    "downstream of ",
    "nodes ",
    "where ",
    "kind = mine ",
    "stage = \"magnet\" ",
    "and ",
    "or ",
    "not ",
    "has ",
    "in (mine, facility) ",
    "~ ",
    "<= ",
    "country ",
    "region ",
    "company ",
    "at stage ",
    "\"a\", \"a\", \"a\", ",
];

const TOML_TOKENS: &[&str] = &[
    "[[node]]\n",
    "[[edge]]\n",
    "[[region]]\n",
    "[[material]]\n",
    "[[source]]\n",
    "[[scenario]]\n",
    "[[control]]\n",
    "[model]\n",
    "id = \"a\"\n",
    "id = \"b\"\n",
    "from = \"a\"\n",
    "to = \"b\"\n",
    "kind = \"mine\"\n",
    "region = \"r0\"\n",
    "within = \"r0\"\n",
    "share = 1.5\n",
    "share = -0\n",
    "volume = 1e400\n",
    "volume = nan\n",
    "share = inf\n",
    "capacity = { value = 1, unit = \"t\", source = \"x\" }\n",
    "capacity = [{ value = 1 }, { value = 2 }]\n",
    "status = \"planned\"\n",
    "with = 'disrupt \"a\"'\n",
    "with = 'scenario s'\n",
    "material = \"m1\"\n",
    "=",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\n",
    "\\",
    "\\u0000",
    "é",
    "\r\n",
    "#",
    "1979-05-27",
    "true",
    "0x10",
];

const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "null",
    "true",
    "1e999",
    "-0",
    "\"node\"",
    "\"edge\"",
    "\"region\"",
    "\"id\"",
    "\"from\"",
    "\"to\"",
    "\"share\"",
    "\"volume\"",
    "\"kind\"",
    "\"mine\"",
    "\"within\"",
    "\"value\"",
    "é",
    "\n",
];

const CSV_TOKENS: &[&str] = &[
    ",",
    "\"",
    "\"\"",
    "\n",
    "\r\n",
    "\r",
    "id",
    "name",
    "kind",
    "stage",
    "region",
    "from",
    "to",
    "material",
    "share",
    "volume",
    "status",
    "company",
    "mine",
    "facility",
    "region",
    "1.5",
    "-1",
    "nan",
    "1e400",
    "a",
    "b",
    "é",
    "\u{feff}",
    "\0",
    "\n--- edges.csv ---\n",
];

/// A few random edits of `data`, guided by `tokens`; `pool` for splicing.
fn mutate(r: &mut Rng, data: &[u8], tokens: &[&str], pool: &[Vec<u8>]) -> Vec<u8> {
    let mut d = data.to_vec();
    let edits = 1 + r.below(4);
    for _ in 0..edits {
        let at = r.below(d.len() + 1);
        match r.below(10) {
            0..=2 => {
                let t = tokens[r.below(tokens.len())].as_bytes();
                d.splice(at..at, t.iter().copied());
            }
            3 if !d.is_empty() => {
                let end = (at + 1 + r.below(16)).min(d.len());
                let at = at.min(end);
                d.drain(at..end);
            }
            4 if !d.is_empty() => {
                // Repeat a chunk: deep nesting, long lists, long names.
                let start = r.below(d.len());
                let end = (start + 1 + r.below(24)).min(d.len());
                let chunk = d[start..end].to_vec();
                let times = [2, 10, 100, 1000][r.below(4)];
                let rep: Vec<u8> = chunk
                    .iter()
                    .copied()
                    .cycle()
                    .take(chunk.len() * times)
                    .collect();
                if d.len() + rep.len() < 1 << 20 {
                    d.splice(end..end, rep);
                }
            }
            5 if !d.is_empty() => {
                let i = r.below(d.len());
                d[i] = [b'"', b'\\', b';', b'\n', b'(', b'0', 0xff, 0xc3, 0x00, b' '][r.below(10)];
            }
            6 if !pool.is_empty() => {
                let other = &pool[r.below(pool.len())];
                let from = r.below(other.len() + 1);
                d.truncate(at);
                d.extend_from_slice(&other[from..]);
            }
            7 => d.truncate(at),
            _ => {
                // Swap case or a digit, keep length.
                if let Some(b) = d.get_mut(at) {
                    *b = match *b {
                        b'a'..=b'z' => b.to_ascii_uppercase(),
                        b'0'..=b'9' => b'0' + r.below(10) as u8,
                        x => x ^ 0x20,
                    };
                }
            }
        }
    }
    d
}

// ---- The loop ----

/// What a target does with one input, and how it makes new ones.
struct Target {
    name: &'static str,
    run: fn(&[u8]),
    tokens: &'static [&'static str],
    /// A fresh input from the generator (a valid case), or none.
    generate: fn(&mut Rng) -> Option<Vec<u8>>,
}

#[derive(Default)]
struct Stats {
    execs: u64,
    cpu: Duration,
    slowest: (f64, usize, String),
    slowest_per_kb: (f64, usize, String),
}

fn preview(d: &[u8]) -> String {
    let s = String::from_utf8_lossy(d);
    let s: String = s.chars().take(200).collect();
    format!("{s:?}{}", if d.len() > 200 { " ..." } else { "" })
}

fn save_failure(t: &Target, data: &[u8]) -> PathBuf {
    let dir = root().join("target/fuzz-failures");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot make {}: {e}", dir.display());
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h = (h ^ *b as u64).wrapping_mul(0x100_0000_01b3);
    }
    let p = dir.join(format!("{}-{h:016x}", t.name));
    if let Err(e) = std::fs::write(&p, data) {
        eprintln!("cannot save {}: {e}", p.display());
    }
    p
}

/// Runs one input; panics (with the input saved) on a failure or a slow input.
fn exec(t: &Target, data: &[u8], what: &str, st: &mut Stats, trace: bool) {
    if trace {
        let current = root().join(format!("target/fuzz-current-{}", t.name));
        if let Err(e) = std::fs::write(&current, data) {
            eprintln!("cannot save {}: {e}", current.display());
        }
    }
    let start = Instant::now();
    let res = catch_unwind(AssertUnwindSafe(|| (t.run)(data)));
    let secs = start.elapsed().as_secs_f64();
    st.execs += 1;
    if let Err(e) = res {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let p = save_failure(t, data);
        panic!(
            "fuzz target {} failed on {what} ({} bytes, saved to {}): {msg}\ninput: {}",
            t.name,
            data.len(),
            p.display(),
            preview(data)
        );
    }
    if secs > st.slowest.0 {
        st.slowest = (secs, data.len(), what.to_string());
    }
    let per_kb = secs / allowance(data.len());
    if per_kb > st.slowest_per_kb.0 {
        st.slowest_per_kb = (per_kb, data.len(), what.to_string());
    }
    if secs > allowance(data.len()) {
        // Wall time may include waiting for the CPU: measure again in CPU time.
        let before = thread_cpu();
        // Only the time counts here: the first run already judged the outcome.
        drop(catch_unwind(AssertUnwindSafe(|| (t.run)(data))));
        let cpu = thread_cpu()
            .zip(before)
            .map(|(a, b)| (a - b).as_secs_f64())
            .unwrap_or(secs);
        if cpu > allowance(data.len()) {
            let p = save_failure(t, data);
            panic!(
                "fuzz target {}: {what} ({} bytes, saved to {}) took {cpu:.2} s of CPU, over 1 s per KB\ninput: {}",
                t.name,
                data.len(),
                p.display(),
                preview(data)
            );
        }
    }
}

/// Runs `run` on a thread with the stack the CLI's main thread has (8 MiB).
fn on_big_stack(run: impl FnOnce() + Send + 'static) {
    let h = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(run)
        .unwrap();
    if let Err(e) = h.join() {
        std::panic::resume_unwind(e);
    }
}

fn fuzz(t: Target, corpus_dirs: &'static [(&'static str, &'static [&'static str])]) {
    on_big_stack(move || fuzz_here(t, corpus_dirs));
}

fn fuzz_here(t: Target, corpus_dirs: &[(&str, &[&str])]) {
    let secs = env_u64("SG_FUZZ_SECS", 4);
    let seed = env_u64("SG_FUZZ_SEED", 0x5eed_0013);
    let trace = std::env::var_os("SG_FUZZ_TRACE").is_some();
    let cpu0 = thread_cpu();
    let wall0 = Instant::now();
    let mut st = Stats::default();
    let mut pool: Vec<Vec<u8>> = Vec::new();
    let mut n_corpus = 0;
    for (dir, exts) in corpus_dirs {
        for (name, data) in corpus(dir, exts) {
            exec(&t, &data, &name, &mut st, trace);
            pool.push(data);
            n_corpus += 1;
        }
    }
    let mut r = Rng::new(seed ^ t.name.len() as u64);
    for _ in 0..32 {
        if let Some(g) = (t.generate)(&mut r) {
            pool.push(g);
        }
    }
    let deadline = Instant::now() + Duration::from_secs(secs);
    let cpu_budget = std::env::var("SG_FUZZ_CPU_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_secs);
    let more = || match (cpu_budget, cpu0) {
        (Some(budget), Some(c0)) => thread_cpu().is_some_and(|c| c - c0 < budget),
        _ => Instant::now() < deadline,
    };
    let mut i = 0u64;
    while more() {
        i += 1;
        let data = if r.one_in(4) {
            match (t.generate)(&mut r) {
                Some(g) => g,
                None => continue,
            }
        } else {
            let base = &pool[r.below(pool.len())];
            mutate(&mut r, base, t.tokens, &pool)
        };
        exec(
            &t,
            &data,
            &format!("input {i} of seed {seed}"),
            &mut st,
            trace,
        );
        // Keep some inputs, so that edits compound.
        if data.len() < 1 << 16 && r.one_in(8) {
            if pool.len() < 4096 {
                pool.push(data);
            } else {
                let k = n_corpus + r.below(pool.len() - n_corpus);
                pool[k] = data;
            }
        }
    }
    st.cpu = thread_cpu()
        .zip(cpu0)
        .map(|(a, b)| a - b)
        .unwrap_or_default();
    eprintln!(
        "fuzz {}: {} corpus inputs, {} executions in {:.1} s ({:.1} CPU-s); slowest {:.4} s ({} bytes, {}); slowest per KB {:.4} s/KB ({} bytes, {})",
        t.name,
        n_corpus,
        st.execs,
        wall0.elapsed().as_secs_f64(),
        st.cpu.as_secs_f64(),
        st.slowest.0,
        st.slowest.1,
        st.slowest.2,
        st.slowest_per_kb.0,
        st.slowest_per_kb.1,
        st.slowest_per_kb.2,
    );
}

// ---- Generators ----

fn gen_script(r: &mut Rng) -> Option<Vec<u8>> {
    Some(targets::gen_case(r).1.into_bytes())
}

fn gen_toml(r: &mut Rng) -> Option<Vec<u8>> {
    Some(targets::gen_model(r).0.into_bytes())
}

fn gen_doc(r: &mut Rng) -> model::doc::ModelDoc {
    let (toml, _) = targets::gen_model(r);
    let file = std::sync::Arc::new(supplygraph::diag::SourceText::new("gen.toml", toml));
    let mut p = supplygraph::diag::Problems::default();
    model::load::read_doc_text(&file, model::load::Format::Toml, &mut p)
}

fn gen_json(r: &mut Rng) -> Option<Vec<u8>> {
    serde_json::to_vec_pretty(&gen_doc(r)).ok()
}

fn gen_csv(r: &mut Rng) -> Option<Vec<u8>> {
    let dir = tempfile::tempdir().ok()?;
    model::csv_write::write_folder(&gen_doc(r), dir.path(), model::csv_write::Tables::Csv).ok()?;
    let mut d = std::fs::read(dir.path().join("nodes.csv")).ok()?;
    d.extend_from_slice(targets::CSV_SEPARATOR);
    d.extend(std::fs::read(dir.path().join("edges.csv")).ok()?);
    Some(d)
}

// ---- Targets ----

fn parser_bytes(d: &[u8]) {
    targets::parser(&String::from_utf8_lossy(d));
}

thread_local! {
    static BUILTIN: &'static Model = Box::leak(Box::new(
        model::load_builtin().build().0.expect("the built-in model")
    ));
}

/// A script (a corpus case or a mutation of one) on the built-in model and on a small
/// random model chosen by the script's length: it need not be valid.
fn eval_bytes(d: &[u8]) {
    let text = String::from_utf8_lossy(d);
    BUILTIN.with(|m| targets::run_script(m, &text, false));
    let (toml, _) = targets::gen_model(&mut Rng::new(d.len() as u64));
    targets::run_script(&targets::build_generated(&toml), &text, false);
}

/// Generated cases (valid statements on a random model) go to `targets::eval`, in the form
/// the afl target reads: choices as bytes.
fn gen_eval_bytes(r: &mut Rng) -> Option<Vec<u8>> {
    let n = 16 + r.below(240);
    Some((0..n).map(|_| r.below(256) as u8).collect())
}

/// `eval` inputs are either scripts (from the corpus, and their mutations) or choice bytes
/// (generated): a leading 0x01 byte marks choice bytes.
fn eval_any(d: &[u8]) {
    match d.split_first() {
        Some((1, rest)) => targets::eval(rest),
        _ => eval_bytes(d),
    }
}

fn gen_eval(r: &mut Rng) -> Option<Vec<u8>> {
    let mut d = vec![1u8];
    d.extend(gen_eval_bytes(r)?);
    Some(d)
}

#[test]
fn fuzz_parser() {
    fuzz(
        Target {
            name: "parser",
            run: parser_bytes,
            tokens: QUERY_TOKENS,
            generate: gen_script,
        },
        &[
            ("tests/corpus/query", &["sgq"]),
            ("tests/corpus/query_large", &["sgq"]),
            ("tests/queries", &["sgq"]),
            ("examples", &["sgq"]),
        ],
    );
}

#[test]
fn fuzz_model_toml() {
    fuzz(
        Target {
            name: "model_toml",
            run: targets::model_toml,
            tokens: TOML_TOKENS,
            generate: gen_toml,
        },
        &[
            ("tests/corpus/model_toml", &["toml"]),
            ("tests/broken", &["toml"]),
            ("tests/models", &["toml"]),
            ("models/rare_earths", &["toml"]),
        ],
    );
}

#[test]
fn fuzz_model_json() {
    fuzz(
        Target {
            name: "model_json",
            run: targets::model_json,
            tokens: JSON_TOKENS,
            generate: gen_json,
        },
        &[("tests/corpus/model_json", &["json"])],
    );
}

#[test]
fn fuzz_model_csv() {
    fuzz(
        Target {
            name: "model_csv",
            run: targets::model_csv,
            tokens: CSV_TOKENS,
            generate: gen_csv,
        },
        &[("tests/corpus/model_csv", &[]), ("tests/broken", &[])],
    );
}

#[test]
fn fuzz_model_parquet() {
    fuzz(
        Target {
            name: "model_parquet",
            run: targets::model_parquet,
            tokens: CSV_TOKENS,
            generate: gen_parquet,
        },
        &[],
    );
}

/// A generated CSV pair (to be converted), or a generated model's `nodes.parquet` bytes.
fn gen_parquet(r: &mut Rng) -> Option<Vec<u8>> {
    let csv = gen_csv(r)?;
    if r.below(2) == 0 {
        let mut d = vec![0u8];
        d.extend(csv);
        return Some(d);
    }
    let dir = tempfile::tempdir().ok()?;
    model::csv_write::write_folder(&gen_doc(r), dir.path(), model::csv_write::Tables::Parquet)
        .ok()?;
    let mut d = vec![1u8];
    d.extend(std::fs::read(dir.path().join("nodes.parquet")).ok()?);
    Some(d)
}

#[test]
fn fuzz_eval() {
    fuzz(
        Target {
            name: "eval",
            run: eval_any,
            tokens: QUERY_TOKENS,
            generate: gen_eval,
        },
        &[
            ("tests/corpus/eval", &["sgq", "bin"]),
            ("examples", &["sgq"]),
        ],
    );
}

/// The corpus folders exist and hold what the README says.
#[test]
fn corpus_is_there() {
    for (dir, min) in [
        ("tests/corpus/query", 40),
        ("tests/corpus/query_large", 3),
        ("tests/corpus/eval", 3),
        ("tests/corpus/model_toml", 1),
        ("tests/corpus/model_json", 1),
        ("tests/corpus/model_csv", 1),
    ] {
        let n = std::fs::read_dir(root().join(dir)).map_or(0, |d| d.count());
        assert!(n >= min, "{dir}: {n} cases, expected at least {min}");
    }
}

/// Regression (found by fuzzing): a union chain of 2,000 names, under the parser's bound of
/// 4,096 operators, overflowed an 8 MiB stack when sets were evaluated recursively.
#[test]
fn regression_union_chain_2000_evaluates() {
    let d =
        std::fs::read(root().join("tests/corpus/known_crashes/union_chain_2000_eval.sgq")).unwrap();
    on_big_stack(move || eval_bytes_unguarded(&d));
}

/// Regression (outside fuzzing): 26 levels of `scenario sN = scenario sN-1, scenario sN-1` used
/// to expand to 2^26 clauses and take gigabytes; effects now compound per node and edge.
#[test]
fn regression_scenario_doubling_26_evaluates() {
    let d = std::fs::read(root().join("tests/corpus/known_crashes/scenario_doubling_26_eval.sgq"))
        .unwrap();
    on_big_stack(move || eval_bytes_unguarded(&d));
}

/// Regression (found by `fuzz_eval`): `concentration of "r2" by region` on this model gave
/// `top share` NaN, `hhi` NaN and "(not located) NaN%": the reach around its recycling loop has
/// no bound. Those nodes are now left out, and a note says so.
#[test]
fn regression_concentration_without_nan() {
    let dir = root().join("tests/corpus/known_crashes");
    let m = model::load_path(&dir.join("concentration_nan.toml"))
        .build()
        .0
        .unwrap();
    let text = std::fs::read_to_string(dir.join("concentration_nan.sgq")).unwrap();
    let st = supplygraph::query::parse::parse_one(&text).unwrap();
    let file = std::sync::Arc::new(supplygraph::diag::SourceText::new("q", text));
    let (mut s, _) = supplygraph::query::Session::new(&m);
    let Ok(supplygraph::query::Outcome::Table(t)) = s.run(&file, &st) else {
        panic!("a table")
    };
    for row in &t.rows {
        for c in row {
            if let supplygraph::output::Cell::Num(x) = c {
                assert!(!x.is_nan(), "NaN in {row:?}");
            }
        }
    }
    assert!(
        t.notes.iter().any(|n| n.contains("has no bound")),
        "{:?}",
        t.notes
    );
}

fn eval_bytes_unguarded(d: &[u8]) {
    let text = String::from_utf8_lossy(d);
    BUILTIN.with(|m| targets::run_script(m, &text, false));
}

/// Prints the model and script an `eval` input stands for:
/// `SG_FUZZ_CASE=target/fuzz-failures/eval-... cargo test --test fuzz print_eval_case -- --ignored --nocapture`.
#[test]
#[ignore = "a tool: prints the case of SG_FUZZ_CASE"]
fn print_eval_case() {
    let path = std::env::var("SG_FUZZ_CASE").expect("SG_FUZZ_CASE");
    let d = std::fs::read(path).unwrap();
    match d.split_first() {
        Some((1, rest)) => {
            let (toml, script) = targets::gen_case(&mut targets::Bytes(rest));
            println!("{toml}\n--- script ---\n{script}");
        }
        _ => println!("{}", String::from_utf8_lossy(&d)),
    }
}
