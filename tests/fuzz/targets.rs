//! The fuzz targets, shared by the stable harness (`tests/fuzz/main.rs`, run by `cargo test`
//! and CI) and the coverage-guided afl.rs binaries (`fuzz/`). Each target takes bytes, must
//! not panic, and checks its own properties with `assert!`:
//!
//! - `parser`: any text; every statement that parses prints (its `Display`, the canonical
//!   text) to a text that parses back to an equal statement and prints the same again;
//! - `model_toml`, `model_json`, `model_csv`: any bytes as a model file (or pair of CSV
//!   tables); every problem is placed inside the text it is about, and renders;
//! - `model_parquet`: a pair of CSV tables converted to Parquet tables, or any bytes as
//!   `nodes.parquet` beside a valid `edges.parquet`; read as the command line reads a folder;
//! - `eval`: a random small model and random *valid* statements on it, both drawn from the
//!   bytes; every measure (exposure, loss, impact, share, reach) lies in [0, 1];
//! - `eval_script`: a script run on the built-in model and on a random model.
// Each user of this module uses only some of it.
#![allow(dead_code)]

use std::sync::Arc;

use supplygraph::diag::{Loc, Problems, SourceText};
use supplygraph::model::{self, load::Format, Loaded, Model};
use supplygraph::output::Cell;
use supplygraph::query::{parse, Outcome, Session};

// ---- Choices: from a seeded generator (stable harness) or from the input bytes (afl) ----

/// Where random choices come from.
pub trait Choose {
    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize;
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// xorshift64*, seeded.
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

impl Choose for Rng {
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Choices read from bytes, one or two per choice; zeros once they run out (so that every
/// input, however short, gives a small valid case).
pub struct Bytes<'a>(pub &'a [u8]);

impl Choose for Bytes<'_> {
    fn below(&mut self, n: usize) -> usize {
        let take = if n > 256 { 2 } else { 1 };
        let mut v = 0usize;
        for _ in 0..take {
            let b = match self.0.split_first() {
                Some((b, rest)) => {
                    self.0 = rest;
                    *b
                }
                None => 0,
            };
            v = (v << 8) | b as usize;
        }
        v % n
    }
}

// ---- (a) the query parser ----

/// Splits, parses and prints every statement of `text`, checking the round trip.
pub fn parser(text: &str) {
    let file = Arc::new(SourceText::new("<fuzz>", text));
    for r in parse::split(text) {
        assert!(r.start <= r.end && r.end <= text.len(), "split range {r:?}");
        match parse::parse_statement_at(&file, r.clone()) {
            Ok(st) => round_trip(&st),
            Err(e) => {
                // The error is placed inside the text, and renders.
                assert!(e.span.end <= text.len(), "error span {:?}", e.span);
                assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
                assert!(!e.into_problem(&file).to_string().is_empty());
            }
        }
    }
    std::hint::black_box(parse::is_unfinished(text));
}

/// print → parse gives an equal statement, and prints the same again.
pub fn round_trip(st: &supplygraph::query::ast::Statement) {
    let printed = st.to_string();
    let again = match parse::parse_one(&printed) {
        Ok(s) => s,
        Err(e) => panic!("the canonical text of a statement does not parse:\n{printed}\n{e}"),
    };
    assert_eq!(
        &again, st,
        "print then parse changed the statement; printed:\n{printed}"
    );
    assert_eq!(again.to_string(), printed, "printing is not stable");
}

// ---- (b) the model readers ----

/// The errors that have no place in a file: a missing file or table, an empty model.
const UNPLACED: [&str; 3] = ["defines no flow nodes", "is missing", "cannot read"];

/// Every problem is placed inside its text (on character boundaries) and renders; a model
/// that fails has at least one error.
fn check_problems(problems: &Problems) {
    for p in problems.iter() {
        if let Loc::Span { file, range } = &p.loc {
            assert!(
                range.start <= range.end && range.end <= file.text.len(),
                "problem {:?} out of its text ({} bytes): {}",
                range,
                file.text.len(),
                p.message
            );
            assert!(
                file.text.is_char_boundary(range.start) && file.text.is_char_boundary(range.end),
                "problem {range:?} not on character boundaries: {}",
                p.message
            );
        }
        // Problems are placed: only a few are about no place in a file.
        if p.is_error() && matches!(p.loc, Loc::Nowhere) {
            assert!(
                UNPLACED.iter().any(|m| p.message.contains(m)),
                "an error with no place: {}",
                p.message
            );
        }
        std::hint::black_box(p.loc.position());
        std::hint::black_box(p.to_string());
    }
    std::hint::black_box(problems.to_string());
}

fn build_and_check(loaded: Loaded) -> Option<Model> {
    let (m, problems) = loaded.build();
    check_problems(&problems);
    if m.is_none() {
        assert!(problems.has_errors(), "no model and no error");
    }
    m
}

/// A TOML or JSON model file.
pub fn model_text(data: &[u8], format: Format) -> Option<Model> {
    let mut problems = Problems::default();
    let name = if format == Format::Json {
        "fuzz.json"
    } else {
        "fuzz.toml"
    };
    let Some(text) = model::load::text_of(name.into(), data.to_vec(), &mut problems) else {
        check_problems(&problems);
        assert!(problems.has_errors());
        return None;
    };
    let file = Arc::new(text);
    let doc = model::load::read_doc_text(&file, format, &mut problems);
    let incomplete = problems
        .iter()
        .any(|p| p.message.starts_with("malformed JSON"));
    build_and_check(Loaded {
        doc,
        bulk: None,
        problems,
        files: vec![file],
        origin: name.into(),
        format,
        incomplete,
    })
}

pub fn model_toml(data: &[u8]) {
    if let Some(m) = model_text(data, Format::Toml) {
        std::hint::black_box(Session::new(&m));
    }
}

pub fn model_json(data: &[u8]) {
    if let Some(m) = model_text(data, Format::Json) {
        std::hint::black_box(Session::new(&m));
    }
}

/// The line that separates nodes.csv from edges.csv in a CSV fuzz input.
pub const CSV_SEPARATOR: &[u8] = b"\n--- edges.csv ---\n";

/// A CSV input: nodes.csv, the separator line, edges.csv (no separator: all nodes.csv).
pub fn split_csv(data: &[u8]) -> (&[u8], &[u8]) {
    match data
        .windows(CSV_SEPARATOR.len())
        .position(|w| w == CSV_SEPARATOR)
    {
        Some(i) => (&data[..i], &data[i + CSV_SEPARATOR.len()..]),
        None => (data, &[]),
    }
}

/// A scratch folder of this thread, named for `what`.
fn scratch(what: &str) -> std::path::PathBuf {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static DIRS: RefCell<HashMap<String, std::path::PathBuf>> = RefCell::new(HashMap::new());
    }
    DIRS.with(|d| {
        d.borrow_mut()
            .entry(what.to_string())
            .or_insert_with(|| {
                let dir = std::env::temp_dir().join(format!(
                    "supplygraph-fuzz-{what}-{}-{:?}",
                    std::process::id(),
                    std::thread::current().id()
                ));
                std::fs::create_dir_all(&dir).expect("scratch folder");
                dir
            })
            .clone()
    })
}

/// A CSV folder (nodes.csv and edges.csv), written to a scratch folder of this thread and
/// read by the loader as the command line does (the CSV reader looks at the files on disk).
pub fn model_csv(data: &[u8]) {
    let dir = scratch("csv");
    write_csv_pair(&dir, data);
    let loaded = model::load::load_path_as(&dir, Format::Csv);
    if let Some(m) = build_and_check(loaded) {
        std::hint::black_box(Session::new(&m));
    }
}

/// The first byte chooses: 0, the rest is a pair of CSV tables, converted to Parquet tables
/// (`convert --to parquet`'s converter; a pair it cannot convert is skipped); otherwise the rest
/// is the bytes of `nodes.parquet`, beside a valid `edges.parquet`. The folder is read as the
/// command line reads it; every problem renders, a model that fails has an error.
pub fn model_parquet(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (csv, dir) = (scratch("parquet-csv"), scratch("parquet"));
    if mode == 0 {
        write_csv_pair(&csv, rest);
        for t in ["nodes.parquet", "edges.parquet"] {
            if std::fs::remove_file(dir.join(t)).is_err() {
                // Not there yet.
            }
        }
        if model::parquet_write::csv_folder(&csv, &dir).is_err() {
            return;
        }
    } else {
        if !dir.join("edges.parquet").exists() {
            std::fs::write(csv.join("nodes.csv"), "id,kind\nm,mine\n").expect("nodes.csv");
            std::fs::write(csv.join("edges.csv"), "from,to\nm,m\n").expect("edges.csv");
            model::parquet_write::csv_folder(&csv, &dir).expect("edges.parquet");
        }
        std::fs::write(dir.join("nodes.parquet"), rest).expect("write nodes.parquet");
    }
    let loaded = model::load::load_path_as(&dir, Format::Parquet);
    if let Some(m) = build_and_check(loaded) {
        std::hint::black_box(Session::new(&m));
        // A definition read back from the columns reads cleanly.
        for i in 0..m.node_defs().min(50) {
            std::hint::black_box(m.node_def(i));
        }
        for k in 0..m.supplies.len().min(50) {
            std::hint::black_box(m.edge_def(k));
        }
    }
}

/// Writes a CSV input (see [`split_csv`]) into `dir` as `nodes.csv` and `edges.csv` (none
/// without the separator).
fn write_csv_pair(dir: &std::path::Path, data: &[u8]) {
    let (nodes, edges) = split_csv(data);
    std::fs::write(dir.join("nodes.csv"), nodes).expect("write nodes.csv");
    if data
        .windows(CSV_SEPARATOR.len())
        .any(|w| w == CSV_SEPARATOR)
    {
        std::fs::write(dir.join("edges.csv"), edges).expect("write edges.csv");
    } else {
        if std::fs::remove_file(dir.join("edges.csv")).is_err() {
            // Not there to begin with: the same case.
        }
    }
}

// ---- (c) evaluation ----

const KINDS: [&str; 5] = ["mine", "facility", "stage", "product", "end_use"];
const MATERIALS: [&str; 3] = ["m1", "m2", "m3"];

/// What the statement generator may name in a model.
pub struct Names {
    pub nodes: Vec<String>,
    pub regions: Vec<String>,
    pub stages: Vec<String>,
    pub materials: Vec<String>,
    pub companies: Vec<String>,
    pub variables: Vec<String>,
    pub scenarios: Vec<String>,
}

/// A small random model (TOML), with regions nested two deep, several materials, cycles,
/// shares, volumes and equal splits, planned edges, companies and a scenario; and its names.
pub fn gen_model(c: &mut dyn Choose) -> (String, Names) {
    let mut t = String::from("[model]\nname = \"fuzz\"\n");
    let mut regions = Vec::new();
    let countries = 1 + c.below(2);
    for i in 0..countries {
        t += &format!("[[region]]\nid = \"r{i}\"\nlevel = \"country\"\n");
        regions.push(format!("r{i}"));
    }
    for i in countries..countries + c.below(3) {
        let p = c.below(regions.len());
        t += &format!("[[region]]\nid = \"r{i}\"\nlevel = \"province\"\nwithin = \"r{p}\"\n");
        regions.push(format!("r{i}"));
    }
    for (m, e) in MATERIALS.iter().zip(["Nd", "Dy", "Ce"]) {
        t += &format!("[[material]]\nid = \"{m}\"\nelements = [\"{e}\"]\n");
    }
    t += "[[control]]\nid = \"ctl\"\nby = \"r0\"\nelements = [\"Nd\"]\n";
    let n = 2 + c.below(9);
    let mut nodes = Vec::new();
    for i in 0..n {
        let kind = KINDS[c.below(KINDS.len())];
        // Names with quotes, backslashes and accents now and then, to be quoted in queries.
        let name = if c.one_in(3) {
            format!("Nœud \"{i}\" \\ é")
        } else {
            format!("Node {i}")
        };
        t += &format!(
            "[[node]]\nid = \"n{i}\"\nname = {}\nkind = \"{kind}\"\nstage = \"s{}\"\n",
            q(&name),
            c.below(3)
        );
        nodes.push(name);
        if !c.one_in(5) {
            t += &format!("region = \"r{}\"\n", c.below(regions.len()));
        }
        if c.one_in(2) {
            t += &format!("company = \"Co{}\"\n", c.below(3));
        }
        if c.one_in(3) {
            t += &format!("capacity = {}\n", c.below(2000));
        }
        nodes.push(format!("n{i}"));
    }
    for v in 0..n {
        let mut mats: Vec<&str> = vec!["m1", "m2", ""];
        for _ in 0..c.below(3) {
            let m = mats.remove(c.below(mats.len()));
            let k = 1 + c.below(3);
            let mut sup: Vec<usize> = Vec::new();
            for _ in 0..k {
                let u = c.below(n);
                if !sup.contains(&u) {
                    sup.push(u);
                }
            }
            let how = c.below(3); // shares, volumes, equal split
            let total = 0.5 + c.below(6) as f64 / 10.0;
            let raw: Vec<usize> = sup.iter().map(|_| 1 + c.below(100)).collect();
            let sum: usize = raw.iter().sum();
            for (i, &u) in sup.iter().enumerate() {
                t += &format!("[[edge]]\nfrom = \"n{u}\"\nto = \"n{v}\"\n");
                if !m.is_empty() {
                    t += &format!("material = \"{m}\"\n");
                }
                if how == 0 {
                    let s = (raw[i] as f64 / sum as f64 * total.min(1.0) * 1e4).floor() / 1e4;
                    t += &format!("share = {s}\n");
                } else if how == 1 {
                    t += &format!("volume = {}\n", raw[i]);
                }
                if c.one_in(6) {
                    t += "status = \"planned\"\n";
                }
            }
        }
    }
    let mut scenarios = Vec::new();
    if c.one_in(2) {
        t += &format!(
            "[[scenario]]\nid = \"sc\"\nwith = 'disrupt \"n{}\" by 40%'\n",
            c.below(n)
        );
        scenarios.push("sc".to_string());
    }
    let names = Names {
        nodes,
        regions,
        stages: (0..3).map(|i| format!("s{i}")).collect(),
        materials: MATERIALS.iter().map(|s| s.to_string()).collect(),
        companies: (0..3).map(|i| format!("Co{i}")).collect(),
        variables: Vec::new(),
        scenarios,
    };
    (t, names)
}

fn q(s: &str) -> String {
    supplygraph::query::ast::quote(s)
}

fn gen_amount(c: &mut dyn Choose) -> String {
    match c.below(3) {
        0 => format!("{}%", c.below(101)),
        1 => format!("0.{}", c.below(100)),
        _ => format!("{}.{}%", c.below(100), c.below(10)),
    }
}

fn gen_cond(c: &mut dyn Choose, nm: &Names, depth: usize) -> String {
    let leaf = depth == 0 || c.one_in(2);
    if !leaf {
        let a = gen_cond(c, nm, depth - 1);
        let b = gen_cond(c, nm, depth - 1);
        return match c.below(4) {
            0 => format!("{a} and {b}"),
            1 => format!("{a} or {b}"),
            2 => format!("not ({a})"),
            _ => format!("({a}) and not {b}"),
        };
    }
    match c.below(9) {
        0 => format!("kind = {}", KINDS[c.below(KINDS.len())]),
        1 => format!(
            "kind in ({}, {})",
            KINDS[c.below(KINDS.len())],
            KINDS[c.below(KINDS.len())]
        ),
        2 => format!("stage = {}", q(&nm.stages[c.below(nm.stages.len())])),
        3 => format!("region = {}", q(&nm.regions[c.below(nm.regions.len())])),
        4 => format!(
            "company ~ {}",
            q(&nm.companies[c.below(nm.companies.len())])
        ),
        5 => format!(
            "material = {}",
            q(&nm.materials[c.below(nm.materials.len())])
        ),
        6 => format!(
            "capacity {} {}",
            c.pick(&[">=", "<=", "<", ">", "=", "!="]),
            c.below(2000)
        ),
        7 => "has capacity".to_string(),
        _ => "status = planned".to_string(),
    }
}

pub fn gen_set(c: &mut dyn Choose, nm: &Names, depth: usize) -> String {
    let leaf = depth == 0 || c.one_in(3);
    if leaf {
        return match c.below(6) {
            0 | 1 => q(&nm.nodes[c.below(nm.nodes.len())]),
            2 => q(&nm.regions[c.below(nm.regions.len())]),
            3 if !nm.variables.is_empty() => nm.variables[c.below(nm.variables.len())].clone(),
            4 => "nodes".to_string(),
            _ => format!("nodes where {}", gen_cond(c, nm, 2)),
        };
    }
    match c.below(7) {
        0 => format!(
            "{}, {}",
            gen_set(c, nm, depth - 1),
            gen_set(c, nm, depth - 1)
        ),
        1 => format!(
            "({}) union ({})",
            gen_set(c, nm, depth - 1),
            gen_set(c, nm, depth - 1)
        ),
        2 => format!(
            "({}) intersect ({})",
            gen_set(c, nm, depth - 1),
            gen_set(c, nm, depth - 1)
        ),
        3 => format!(
            "({}) except ({})",
            gen_set(c, nm, depth - 1),
            gen_set(c, nm, depth - 1)
        ),
        4 => format!("upstream of ({})", gen_set(c, nm, depth - 1)),
        5 => format!(
            "downstream of ({}) depth {}",
            gen_set(c, nm, depth - 1),
            c.below(4)
        ),
        _ => format!(
            "upstream of ({}) depth {}",
            gen_set(c, nm, depth - 1),
            c.below(4)
        ),
    }
}

fn gen_clause(c: &mut dyn Choose, nm: &Names) -> String {
    let by = |c: &mut dyn Choose| {
        if c.one_in(2) {
            format!(" by {}", gen_amount(c))
        } else {
            String::new()
        }
    };
    match c.below(5) {
        0 | 1 => {
            let s = gen_set(c, nm, 2);
            format!("disrupt {s}{}", by(c))
        }
        2 => {
            let mut s = "restrict exports".to_string();
            if c.one_in(2) {
                let m = &nm.materials[c.below(nm.materials.len())];
                s += &format!(" of {}", q(if c.one_in(4) { "ctl" } else { m }));
            }
            s += &format!(" from {}", q(&nm.regions[c.below(nm.regions.len())]));
            if c.one_in(2) {
                s += &format!(" to {}", q(&nm.regions[c.below(nm.regions.len())]));
            }
            s + &by(c)
        }
        3 => {
            if c.one_in(2) {
                "planned capacity".to_string()
            } else {
                format!(
                    "planned capacity of {}",
                    q(&nm.nodes[c.below(nm.nodes.len())])
                )
            }
        }
        _ if !nm.scenarios.is_empty() => {
            format!("scenario {}", nm.scenarios[c.below(nm.scenarios.len())])
        }
        _ => format!("disrupt {}", q(&nm.nodes[c.below(nm.nodes.len())])),
    }
}

fn gen_clauses(c: &mut dyn Choose, nm: &Names) -> String {
    let k = 1 + c.below(3);
    (0..k)
        .map(|_| gen_clause(c, nm))
        .collect::<Vec<_>>()
        .join(", ")
}

fn limit(c: &mut dyn Choose) -> String {
    if c.one_in(2) {
        format!(" limit {}", c.below(20))
    } else {
        String::new()
    }
}

/// A valid statement on the model named by `nm` (it may define a variable or a scenario,
/// which later statements may then use).
pub fn gen_statement(c: &mut dyn Choose, nm: &mut Names) -> String {
    let grouping = |c: &mut dyn Choose| c.pick(&["country", "region", "stage", "company"]);
    match c.below(14) {
        0 => format!("exposure of {} to {}", gen_set(c, nm, 2), gen_set(c, nm, 2)),
        1 => format!("loss of {}", gen_set(c, nm, 2)),
        2 => format!(
            "explain exposure of {} to {}{}",
            gen_set(c, nm, 1),
            gen_set(c, nm, 1),
            limit(c)
        ),
        3 => {
            let t = gen_set(c, nm, 1);
            let by = if c.one_in(2) {
                format!(" by {}", grouping(c))
            } else {
                String::new()
            };
            // `chokepoints of A except B` asks which is meant: the targets in parentheses.
            format!("chokepoints of ({t}){by}{}", limit(c))
        }
        4 => {
            let t = gen_set(c, nm, 1);
            let g = grouping(c);
            let at = if c.one_in(2) {
                format!(" at stage {}", q(&nm.stages[c.below(nm.stages.len())]))
            } else {
                String::new()
            };
            format!("concentration of {t} by {g}{at}")
        }
        5 => format!(
            "paths from {} to {}{}",
            gen_set(c, nm, 1),
            gen_set(c, nm, 1),
            limit(c)
        ),
        6 => format!("show {}", q(&nm.nodes[c.below(nm.nodes.len())])),
        7 => gen_set(c, nm, 3),
        8 => {
            let v = format!("v{}", nm.variables.len());
            let s = format!("let {v} = {}", gen_set(c, nm, 2));
            nm.variables.push(v);
            s
        }
        9 => {
            let name = format!("x{}", nm.scenarios.len());
            let s = format!("scenario {name} = {}", gen_clauses(c, nm));
            nm.scenarios.push(name);
            s
        }
        12 | 13 if c.one_in(2) => gen_relation(c, nm),
        10 => format!(
            "diagram chokepoints of {} to \"fuzz.svg\"",
            q(&nm.nodes[c.below(nm.nodes.len())])
        ),
        _ => {
            let clauses = gen_clauses(c, nm);
            let body = match c.below(3) {
                0 => format!("loss of {}", gen_set(c, nm, 1)),
                1 => format!("exposure of {} to {}", gen_set(c, nm, 1), gen_set(c, nm, 1)),
                _ => format!("chokepoints of ({}){}", gen_set(c, nm, 1), limit(c)),
            };
            format!("with {clauses}: {body}")
        }
    }
}

/// Steps on a result's table (`where`, `order by`, `limit`, `columns`) over `columns`, the
/// first of them numeric.
fn gen_result_ops(c: &mut dyn Choose, columns: &[&str]) -> String {
    let mut out = String::new();
    for _ in 0..1 + c.below(3) {
        let col = columns[c.below(columns.len())];
        out.push_str(&match c.below(4) {
            0 => format!(" where {} > {}", columns[0], gen_amount(c)),
            1 => format!(" order by {col}{}", c.pick(&["", " desc", " asc"])),
            2 => format!(" limit {}", c.below(10)),
            _ => format!(" columns {col}, {}", columns[0]),
        });
    }
    out
}

/// A statement whose table is refined, compared across cases, or bound with `let`.
pub fn gen_relation(c: &mut dyn Choose, nm: &mut Names) -> String {
    let (body, columns): (String, &[&str]) = match c.below(3) {
        0 => (
            format!("loss of {}", gen_set(c, nm, 1)),
            &["loss", "id", "name"],
        ),
        1 => (
            format!("exposure of {} to {}", gen_set(c, nm, 1), gen_set(c, nm, 1)),
            &["exposure", "id", "name"],
        ),
        _ => (
            format!("chokepoints of ({})", gen_set(c, nm, 1)),
            &["impact", "id", "critical", "country"],
        ),
    };
    match c.below(3) {
        0 => format!("{body}{}", gen_result_ops(c, columns)),
        1 => {
            let v = format!("v{}", nm.variables.len());
            nm.variables.push(v.clone());
            format!("let {v} = {body}{}", gen_result_ops(c, columns))
        }
        _ => {
            let mut cases = vec!["baseline".to_string()];
            if let Some(s) = nm.scenarios.first() {
                cases.push(format!("scenario {s}"));
            } else {
                let clauses = gen_clauses(c, nm);
                return format!("with {clauses}: {body}{}", gen_result_ops(c, columns));
            }
            if c.one_in(2) {
                cases.reverse();
            }
            format!("compare {}: {body}", cases.join(", "))
        }
    }
}

/// Builds a generated model (it must be valid).
pub fn build_generated(toml: &str) -> Model {
    let file = Arc::new(SourceText::new("gen.toml", toml));
    let mut problems = Problems::default();
    let doc = model::load::read_doc_text(&file, Format::Toml, &mut problems);
    let (m, more) = Loaded {
        doc,
        bulk: None,
        problems,
        files: vec![file],
        origin: "gen.toml".into(),
        format: Format::Toml,
        incomplete: false,
    }
    .build();
    match m {
        Some(m) => m,
        None => panic!("a generated model does not build:\n{more}\n{toml}"),
    }
}

/// Measures that are fractions. (Not `reach`, nor `contribution` = loss x reach: a reach sums
/// paths over every material a target needs, complements each up to 1, so it may pass 1.)
const FRACTIONS: [&str; 5] = ["exposure", "loss", "impact", "share", "top share"];

/// Runs every statement of `text` in one session on `m`; checks what comes out.
/// `valid`: every statement must parse and run (generated statements).
pub fn run_script(m: &Model, text: &str, valid: bool) {
    let (mut session, _) = Session::new(m);
    let file = Arc::new(SourceText::new("<fuzz>", text));
    for r in parse::split(text) {
        let st = match parse::parse_statement(&file, r.clone()) {
            Ok(st) => st,
            Err(e) => {
                assert!(!valid, "a generated statement does not parse: {e}");
                continue;
            }
        };
        round_trip(&st);
        match session.run(&file, &st) {
            Ok(out) => check_outcome(&st.to_string(), &out),
            Err(e) => {
                check_problems(&Problems(vec![e.clone()]));
                // Generated statements name only what exists, but may still be refused for
                // what they mean (nothing to draw, no supply path, an empty target...).
                drop(e);
            }
        }
    }
}

fn check_outcome(title: &str, out: &Outcome) {
    let t = match out {
        Outcome::Table(t) => t,
        Outcome::Diagram(d) => &d.table,
        Outcome::Message(_) => return,
    };
    for (i, col) in t.columns.iter().enumerate() {
        let range = if FRACTIONS.contains(&col.as_str()) {
            (0.0, 1.0)
        } else if col == "hhi" {
            (0.0, 10_000.0)
        } else {
            continue;
        };
        for row in &t.rows {
            if let Some(Cell::Num(x)) = row.get(i) {
                assert!(
                    *x >= range.0 && *x <= range.1,
                    "{col} = {x} out of [{}, {}] in `{title}`",
                    range.0,
                    range.1
                );
            }
        }
    }
}

/// Statements generated on a generated model, both drawn from `c`.
pub fn gen_case(c: &mut dyn Choose) -> (String, String) {
    let (toml, mut names) = gen_model(c);
    let k = 1 + c.below(6);
    let script: Vec<String> = (0..k).map(|_| gen_statement(c, &mut names)).collect();
    (toml, script.join(";\n"))
}

/// (c) A random model and random valid statements, drawn from the bytes.
pub fn eval(data: &[u8]) {
    let (toml, script) = gen_case(&mut Bytes(data));
    let m = build_generated(&toml);
    run_script(&m, &script, true);
}
