//! Uncertainty (docs/semantics.md §9): ranges on figures, `with uncertainty`, `sensitivity`.
//! Every expected figure here is worked out by hand on a tiny model.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use common::{num, text};
use supplygraph::analysis::uncertainty::Sampler;
use supplygraph::diag::SourceText;
use supplygraph::model::{self, Model};
use supplygraph::output::Table;
use supplygraph::query::{parse, Outcome, Session};

const TWO: &str = r#"
[model]
name = "two suppliers"

[[node]]
id = "a"
name = "A"
kind = "mine"

[[node]]
id = "b"
name = "B"
kind = "mine"

[[node]]
id = "c"
name = "Consumer"
kind = "end_use"

[[edge]]
from = "a"
to = "c"
share = { value = 0.6, low = 0.4, high = 0.8 }

[[edge]]
from = "b"
to = "c"
share = 0.4
"#;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("writes");
    p
}

fn load(path: &Path) -> Model {
    let (m, problems) = model::load_path(path).build();
    m.unwrap_or_else(|| panic!("{problems}"))
}

fn model_of(toml: &str) -> (tempfile::TempDir, Model) {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = write(dir.path(), "m.toml", toml);
    let m = load(&p);
    (dir, m)
}

fn table(m: &Model, q: &str) -> Table {
    let (mut s, _) = Session::new(m);
    let file = Arc::new(SourceText::new("<q>", q));
    let st = parse::parse_one(q).unwrap_or_else(|p| panic!("{p}"));
    match s.run(&file, &st) {
        Ok(Outcome::Table(t)) => t,
        other => panic!("{q}: {other:?}"),
    }
}

fn cell(t: &Table, row: usize, col: &str) -> f64 {
    num(&t.rows[row][t.column(col).unwrap_or_else(|| panic!("no column {col}"))])
}

#[test]
fn a_uniform_share_gives_its_own_percentiles() {
    // Exposure of the consumer to A is A's share, drawn uniformly in 0.4..0.8: its 5th, 50th
    // and 95th percentiles are 0.4 + 0.4 x (0.05, 0.5, 0.95) = 0.42, 0.60, 0.78.
    let (_d, m) = model_of(TWO);
    let t = table(
        &m,
        r#"with uncertainty 2000 runs: exposure of "Consumer" to "A""#,
    );
    assert_eq!(cell(&t, 0, "exposure"), 0.6);
    for (col, want) in [("p05", 0.42), ("p50", 0.60), ("p95", 0.78)] {
        let got = cell(&t, 0, col);
        assert!((got - want).abs() < 0.02, "{col}: {got}, want {want}");
    }
    // B takes up the rest of the group: its exposure is 1 - A's share.
    let t = table(
        &m,
        r#"with uncertainty 2000 runs: exposure of "Consumer" to "B""#,
    );
    for (col, want) in [("p05", 0.22), ("p50", 0.40), ("p95", 0.58)] {
        let got = cell(&t, 0, col);
        assert!((got - want).abs() < 0.02, "{col}: {got}, want {want}");
    }
}

#[test]
fn the_interval_reaches_the_real_binary_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = write(dir.path(), "m.toml", TWO);
    let run = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_supplygraph"))
            .args(["query", "--format", format, "--model"])
            .arg(&p)
            .arg(r#"with uncertainty 2000 runs seed 9: exposure of "Consumer" to "A""#)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("JSON");
    let row = &json[0];
    assert_eq!(row["exposure"], 0.6);
    let p = |k: &str| row[k].as_f64().unwrap_or_else(|| panic!("{k} in {row}"));
    assert!(
        (p("p05") - 0.42).abs() < 0.02 && (p("p95") - 0.78).abs() < 0.02,
        "{row}"
    );
    let csv = run("csv");
    assert!(csv.starts_with("id,name,exposure,p05,p50,p95\n"), "{csv}");
    // The text table shows the interval beside the value, and no separate columns.
    let text = run("table");
    assert!(text.contains("exposure [p05-p95]"), "{text}");
    assert!(text.contains("60.0% [4"), "{text}");
    let header = text.lines().find(|l| l.contains("exposure [p05-p95]"));
    assert!(header.is_some_and(|h| !h.contains("p50")), "{text}");
}

#[test]
fn the_same_seed_gives_the_same_numbers_and_another_seed_others() {
    let (_d, m) = model_of(TWO);
    let q = |seed: u64| {
        let t = table(
            &m,
            &format!(r#"with uncertainty 300 runs seed {seed}: exposure of "Consumer" to "A""#),
        );
        ["p05", "p50", "p95"].map(|c| cell(&t, 0, c))
    };
    assert_eq!(q(7), q(7));
    assert_ne!(q(7), q(8));
}

const GROUP: &str = r#"
[[node]]
id = "a"
kind = "mine"
name = "A"
[[node]]
id = "b"
kind = "mine"
name = "B"
[[node]]
id = "d"
kind = "mine"
name = "D"
[[node]]
id = "c"
kind = "end_use"
name = "C"
[[node]]
id = "e"
kind = "end_use"
name = "E"
[[edge]]
from = "a"
to = "c"
share = "0.3..0.7"
[[edge]]
from = "b"
to = "c"
share = 0.3
[[edge]]
from = "d"
to = "c"
share = 0.2
# A group of two uncertain shares adding up to 0.9 (the rest from outside the model) and one
# certain share.
[[edge]]
from = "a"
to = "e"
share = { value = 0.5, low = 0.2, high = 0.6 }
[[edge]]
from = "b"
to = "e"
share = { value = 0.3, low = 0.1, high = 0.5 }
[[edge]]
from = "d"
to = "e"
share = 0.1
"#;

#[test]
fn a_group_keeps_its_total_under_every_draw() {
    let (_d, m) = model_of(GROUP);
    let net = &m.net;
    let sampler = Sampler::new(&m, &net.in_share);
    assert_eq!(sampler.figures.len(), 3);
    let total = |shares: &[f64], v: u32| -> f64 { net.inputs(v).map(|p| shares[p]).sum() };
    let (c, e) = (m.find("c").unwrap(), m.find("e").unwrap());
    let a_to_c = net.supply_pos[0] as usize;
    let mut buf = Vec::new();
    let mut seen = (f64::INFINITY, f64::NEG_INFINITY);
    for i in 0..2000 {
        sampler.draw(42, i, &mut buf);
        assert!((total(&buf, c) - 1.0).abs() < 1e-12, "draw {i}");
        assert!((total(&buf, e) - 0.9).abs() < 1e-12, "draw {i}");
        // A's share into C is drawn within its range (the certain shares can take up the
        // difference: 0.3 + 0.2 = 0.5 covers 0.7 - 0.5).
        let x = buf[a_to_c];
        assert!((0.3..=0.7).contains(&x), "{x}");
        seen = (seen.0.min(x), seen.1.max(x));
        assert!(buf.iter().all(|s| (0.0..=1.0).contains(s)));
    }
    assert!(seen.0 < 0.31 && seen.1 > 0.69, "{seen:?}");
}

#[test]
fn sensitivity_ranks_the_figures_by_swing() {
    // C -> consumer, exposure to A = s(M -> C) x s(A -> M) = 0.5 x 0.6 = 0.3 at the point.
    // Moving s(A -> M) over 0.4..0.8 gives 0.2..0.4 (swing 0.2); moving s(M -> C) over
    // 0.25..0.75 gives 0.15..0.45 (swing 0.3): M -> C first.
    let toml = r#"
[[node]]
id = "a"
kind = "mine"
name = "A"
[[node]]
id = "b"
kind = "mine"
name = "B"
[[node]]
id = "m"
kind = "facility"
name = "M"
[[node]]
id = "n"
kind = "facility"
name = "N"
[[node]]
id = "c"
kind = "end_use"
name = "C"
[[edge]]
from = "a"
to = "m"
share = { value = 0.6, low = 0.4, high = 0.8 }
[[edge]]
from = "b"
to = "m"
share = 0.4
[[edge]]
from = "m"
to = "c"
share = { value = 0.5, low = 0.25, high = 0.75 }
[[edge]]
from = "n"
to = "c"
share = 0.5
"#;
    let (_d, m) = model_of(toml);
    let t = table(&m, r#"sensitivity of "C" to "A""#);
    assert_eq!(t.rows.len(), 2, "{}", t.to_text(None));
    assert_eq!(
        text(&t.rows[0][t.column("figure_id").unwrap()]),
        "m->c.share"
    );
    assert_eq!(
        text(&t.rows[1][t.column("figure_id").unwrap()]),
        "a->m.share"
    );
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(close(cell(&t, 0, "exposure_low"), 0.15));
    assert!(close(cell(&t, 0, "exposure_high"), 0.45));
    assert!(close(cell(&t, 0, "swing"), 0.3));
    assert!(close(cell(&t, 1, "exposure_low"), 0.2));
    assert!(close(cell(&t, 1, "exposure_high"), 0.4));
    assert!(close(cell(&t, 1, "swing"), 0.2));
    assert_eq!(text(&t.rows[0][0]), r#"share of "M" -> "C""#);
}

#[test]
fn disagreeing_sources_and_the_assumption_range_give_ranges() {
    let toml = r#"
[model]
assumption_range = 0.25

[[source]]
id = "model-assumption"
[[source]]
id = "x"
[[source]]
id = "y"

[[node]]
id = "a"
kind = "mine"
name = "A"
[[node]]
id = "b"
kind = "mine"
name = "B"
[[node]]
id = "c"
kind = "end_use"
name = "C"
[[node]]
id = "e"
kind = "end_use"
name = "E"
[[edge]]
from = "a"
to = "c"
share = { values = [ { value = 0.5, source = "x", used = true }, { value = 0.7, source = "y" }, { value = 0.4, source = "y" } ] }
[[edge]]
from = "b"
to = "e"
source = "model-assumption"
share = 0.8
"#;
    let (_d, m) = model_of(toml);
    let r = &m.ranges().items;
    assert_eq!(r.len(), 2);
    assert_eq!((r[0].low, r[0].high), (0.4, 0.7));
    // 0.8 -25% = 0.6; +25% = 1.0, within [0, 1].
    assert!((r[1].low - 0.6).abs() < 1e-12 && (r[1].high - 1.0).abs() < 1e-12);
    // A group of one share below 1 keeps its draw: the rest comes from outside the model.
    let t = table(&m, r#"with uncertainty 2000 runs: exposure of "E" to "B""#);
    let (lo, hi) = (cell(&t, 0, "p05"), cell(&t, 0, "p95"));
    assert!(
        (lo - 0.62).abs() < 0.02 && (hi - 0.98).abs() < 0.02,
        "{lo} {hi}"
    );
}

#[test]
fn csv_ranges_read_as_toml_ranges_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "nodes.csv",
        "id,name,kind,stage,region\na,A,mine,,\nb,B,mine,,\nc,Consumer,end_use,,\n",
    );
    write(
        dir.path(),
        "edges.csv",
        "from,to,material,share,share_low,share_high,volume\na,c,,0.6,0.4,0.8,\nb,c,,0.4,,,\n",
    );
    let m = load(dir.path());
    let r = &m.ranges().items;
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].value, r[0].low, r[0].high), (0.6, 0.4, 0.8));
    // And a cell written as a range.
    write(
        dir.path(),
        "edges.csv",
        "from,to,material,share,volume\na,c,,0.4..0.8,\nb,c,,0.4,\n",
    );
    let m = load(dir.path());
    let r = &m.ranges().items;
    assert_eq!(
        (r[0].value, r[0].low, r[0].high),
        (0.6000000000000001, 0.4, 0.8)
    );
}

/// The codes of a model's problems with their places.
fn problems(toml: &str) -> Vec<(usize, usize, String)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = write(dir.path(), "m.toml", toml);
    model::load_path(&p)
        .build()
        .1
        .iter()
        .map(|p| {
            let (l, c) = p.loc.line_col().unwrap_or((0, 0));
            (l, c, p.code.map(|c| c.to_string()).unwrap_or_default())
        })
        .collect()
}

#[test]
fn bad_ranges_are_model_errors_at_their_places() {
    let head = "[[node]]\nid = \"a\"\nkind = \"mine\"\nname = \"A\"\n[[node]]\nid = \"c\"\nkind = \"end_use\"\nname = \"C\"\n[[edge]]\nfrom = \"a\"\nto = \"c\"\n";
    for (share, code) in [
        ("{ value = 0.6, low = 0.8, high = 0.4 }", "E0462"),
        ("{ value = 0.9, low = 0.4, high = 0.8 }", "E0463"),
        ("\"0.4..x\"", "E0461"),
        ("{ value = 0.6, low = 0.4 }", "E0464"),
        ("{ value = 0.6, low = 0.4, high = 1.2 }", "E0454"),
    ] {
        let found = problems(&format!("{head}share = {share}\n"));
        let col = if share.starts_with('{') { 19 } else { 9 };
        assert!(
            found.contains(&(12, col, code.to_string())),
            "{share}: expected {code} at 12:{col}, found {found:?}"
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "nodes.csv",
        "id,name,kind,stage,region\na,A,mine,,\nc,C,end_use,,\n",
    );
    write(
        dir.path(),
        "edges.csv",
        "from,to,material,share,share_low,share_high,volume\na,c,,0.6,0.7,0.8,\n",
    );
    let (m, p) = model::load_path(dir.path()).build();
    assert!(m.is_none());
    let found: Vec<(Option<String>, String)> = p
        .iter()
        .map(|p| (p.code.map(|c| c.to_string()), p.to_string()))
        .collect();
    assert!(
        found
            .iter()
            .any(|(c, p)| c.as_deref() == Some("E0463") && p.contains("edges.csv:2:6")),
        "{found:?}"
    );
}

#[test]
fn only_fractional_statements_take_uncertainty() {
    let (_d, m) = model_of(TWO);
    let (mut s, _) = Session::new(&m);
    let q = r#"with uncertainty: paths from "A" to "Consumer""#;
    let file = Arc::new(SourceText::new("<q>", q));
    let st = parse::parse_one(q).expect("parses");
    let e = s.run(&file, &st).expect_err("not fractional");
    assert_eq!(
        e.code.map(|c| c.to_string()).as_deref(),
        Some("E0230"),
        "{e}"
    );
    // The canonical form parses back equal.
    for q in [
        r#"with uncertainty 500 runs seed 3: exposure of "a" to "b""#,
        r#"with uncertainty: with disrupt "a" by 30%: loss of "c""#,
        r#"sensitivity of "c" to "a" union "b""#,
    ] {
        let st = parse::parse_one(q).expect("parses");
        assert_eq!(st.to_string(), q);
        assert_eq!(parse::parse_one(&st.to_string()).expect("again"), st);
    }
    assert!(parse::parse_one(r#"with uncertainty 0 runs: loss of "c""#).is_err());
}

#[test]
fn chokepoints_and_what_ifs_take_intervals_too() {
    let (_d, m) = model_of(TWO);
    let t = table(
        &m,
        r#"with uncertainty 2000 runs: chokepoints of "Consumer""#,
    );
    let a = t
        .rows
        .iter()
        .position(|r| text(&r[0]) == "a")
        .expect("a row");
    assert_eq!(cell(&t, a, "impact"), 0.6);
    assert!((cell(&t, a, "p95") - 0.78).abs() < 0.02);
    // Under a what-if: B loses half its output, so the consumer loses 0.5 x (1 - s(A)).
    let t = table(
        &m,
        r#"with uncertainty 2000 runs: with disrupt "B" by 50%: loss of "Consumer""#,
    );
    assert!((cell(&t, 0, "loss") - 0.2).abs() < 1e-12);
    assert!((cell(&t, 0, "p05") - 0.11).abs() < 0.01);
    assert!((cell(&t, 0, "p95") - 0.29).abs() < 0.01);
}

#[test]
fn a_diagram_shades_a_node_from_its_p05_to_its_p95() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = write(dir.path(), "m.toml", TWO);
    let dot = dir.path().join("x.dot");
    let q = format!(
        r#"diagram with uncertainty 500 runs: exposure of "Consumer" to "A" to "{}""#,
        dot.display()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_supplygraph"))
        .args(["query", "--model"])
        .arg(&p)
        .arg(&q)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&dot).expect("written");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("\"c\"["))
        .expect("the consumer is drawn");
    // A gradient between two colours, and the interval in the label.
    assert!(line.contains("gradientangle"), "{line}");
    let fill = line
        .split("fillcolor=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a fill");
    let (lo, hi) = fill.split_once(':').expect("two colours");
    assert!(
        lo.starts_with('#') && hi.starts_with('#') && lo != hi,
        "{line}"
    );
    assert!(line.contains("loss 0.6 [0.4"), "{line}");
}

#[test]
fn a_volume_range_moves_the_shares_of_a_group_split_by_volume() {
    // s(A) = v(A) / (v(A) + 40) with v(A) uniform in 40..80, an increasing function: its
    // percentiles are those of v(A) mapped: p05 at 42 -> 42/82, p50 at 60 -> 0.6, p95 at 78 ->
    // 78/118.
    let toml = TWO
        .replace(
            "share = { value = 0.6, low = 0.4, high = 0.8 }",
            "volume = { value = 60, low = 40, high = 80 }",
        )
        .replace("share = 0.4", "volume = 40");
    let (_d, m) = model_of(&toml);
    let t = table(
        &m,
        r#"with uncertainty 4000 runs: exposure of "Consumer" to "A""#,
    );
    assert!((cell(&t, 0, "exposure") - 0.6).abs() < 1e-12);
    for (col, want) in [("p05", 42.0 / 82.0), ("p50", 0.6), ("p95", 78.0 / 118.0)] {
        let got = cell(&t, 0, col);
        assert!((got - want).abs() < 0.01, "{col}: {got}, want {want}");
    }
}

/// Two suppliers of a consumer demanding 100 t: A (share 0.6, range 0.4..0.8, 100 t of
/// capacity) and B (40 t, no spare capacity).
const SHORT: &str = r#"
[[node]]
id = "a"
name = "A"
kind = "mine"
output = 60
capacity = 100

[[node]]
id = "b"
name = "B"
kind = "mine"
output = 40

[[node]]
id = "c"
name = "Consumer"
kind = "end_use"
output = 100

[[edge]]
from = "a"
to = "c"
share = { value = 0.6, low = 0.4, high = 0.8 }

[[edge]]
from = "b"
to = "c"
share = 0.4
"#;

#[test]
fn a_shortfall_share_follows_the_drawn_shares() {
    // Halving the route A -> consumer caps it at half its base-year volume, s x 100 t for A's
    // share s; B adds its 40 t: supply 50 s + 40, shortfall share 0.6 - 0.5 s. With s uniform
    // in 0.4..0.8, the shortfall share is uniform in 0.2..0.4: percentiles 0.21, 0.30, 0.39,
    // and the point value (s = 0.6) 0.3.
    let (_d, m) = model_of(SHORT);
    let q = r#"with uncertainty 2000 runs seed 5: with restrict exports from "A" to "Consumer" by 50%: shortfall of "Consumer""#;
    let t = table(&m, q);
    assert!((cell(&t, 0, "shortfall_share") - 0.3).abs() < 1e-9, "{t:?}");
    for (col, want) in [("p05", 0.21), ("p50", 0.30), ("p95", 0.39)] {
        let got = cell(&t, 0, col);
        assert!((got - want).abs() < 0.01, "{col}: {got}, want {want}");
    }
    // `explain shortfall` names constraints, not a fraction: no interval.
    let (mut s, _) = Session::new(&m);
    let q = r#"with uncertainty: explain shortfall of "Consumer""#;
    let st = parse::parse_one(q).expect("parses");
    let e = s
        .run(&Arc::new(SourceText::new("<q>", q)), &st)
        .expect_err("not fractional");
    assert_eq!(e.code.map(|c| c.to_string()).as_deref(), Some("E0230"));
}

/// The rows of a table keyed by their text cells, with the named columns' numbers.
fn keyed(t: &Table, cols: &[&str]) -> std::collections::BTreeMap<String, Vec<f64>> {
    t.rows
        .iter()
        .map(|r| {
            let key: Vec<String> = r
                .iter()
                .filter(|c| matches!(c, supplygraph::output::Cell::Text(_)))
                .map(text)
                .collect();
            let vals = cols
                .iter()
                .map(|c| num(&r[t.column(c).unwrap_or_else(|| panic!("no {c}"))]))
                .collect();
            (key.join("|"), vals)
        })
        .collect()
}

#[test]
fn many_targets_and_result_ops_keep_each_rows_own_interval() {
    let (m, p) = model::load_builtin().build();
    let m = m.unwrap_or_else(|| panic!("{p}"));
    let q = |s: &str| format!("with uncertainty 100 runs seed 4: {s}");
    let p = ["impact", "p05", "p50", "p95"];
    // Two targets at once: each row as in its own target's run (same seed, same draws).
    let both = keyed(
        &table(
            &m,
            &q(r#"chokepoints of "Wind turbines", "Catalysts" limit 2"#),
        ),
        &p,
    );
    let mut each = keyed(
        &table(&m, &q(r#"chokepoints of "Wind turbines" limit 2"#)),
        &p,
    );
    each.extend(keyed(
        &table(&m, &q(r#"chokepoints of "Catalysts" limit 2"#)),
        &p,
    ));
    let strip = |k: &str| k.split_once('|').map_or(k.to_string(), |x| x.1.to_string());
    assert_eq!(both.len(), 4);
    for (k, v) in &both {
        let own = each
            .iter()
            .find(|(e, _)| strip(k) == **e)
            .unwrap_or_else(|| panic!("{k} in {each:?}"));
        assert_eq!(v, own.1, "{k}");
        // A row's interval holds its point value, and is not empty of draws.
        assert!(
            v[1] <= v[0] + 1e-12 && v[0] <= v[3] + 1e-12 && v[3] > 0.0,
            "{k}: {v:?}"
        );
    }
    // Result ops apply to the table with its interval: the percentiles can be named, and a
    // chosen measure keeps them.
    let all = table(
        &m,
        &q(r#"exposure of nodes where kind = end_use to "China""#),
    );
    let all = keyed(&all, &["exposure", "p05", "p95"]);
    let t = table(
        &m,
        &q(
            r#"exposure of nodes where kind = end_use to "China" where p05 < 0.99 order by p95 desc columns exposure, id"#,
        ),
    );
    assert_eq!(t.columns, ["exposure", "p05", "p50", "p95", "id"]);
    let want = all.values().filter(|v| v[1] < 0.99).count();
    assert!(
        want > 0 && t.rows.len() == want,
        "{} rows, want {want}",
        t.rows.len()
    );
    let p95: Vec<f64> = t.rows.iter().map(|r| num(&r[3])).collect();
    assert!(p95.windows(2).all(|w| w[0] >= w[1]), "{p95:?}");
    for r in &t.rows {
        let (_, v) = all
            .iter()
            .find(|(k, _)| k.starts_with(&format!("{}|", text(&r[4]))))
            .expect("the row is in the full table");
        assert_eq!((num(&r[0]), num(&r[1]), num(&r[3])), (v[0], v[1], v[2]));
    }
    // Without the measure, the interval goes with it.
    let t = table(
        &m,
        &q(r#"exposure of "Electric vehicles" to "China" columns id"#),
    );
    assert_eq!(t.columns, ["id"]);
    assert!(t.interval.is_none());
}
