//! Figures in tonnes and `total ... of ... [by ...]`: on a hand-computed model
//! (`tests/models/figures.toml`) and on the built-in model against the USGS figures.

use std::path::Path;
use std::sync::Arc;

use supplygraph::diag::SourceText;
use supplygraph::model::{self, Format, Model};
use supplygraph::output::{Cell, Table};
use supplygraph::query::{parse, Outcome, Session};

fn figures_model() -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models/figures.toml");
    let (m, p) = model::load_path(&path).build();
    m.unwrap_or_else(|| panic!("{p}"))
}

fn run(m: &Model, text: &str) -> Result<Table, String> {
    let (mut s, _) = Session::new(m);
    let st = parse::parse_one(text).map_err(|p| p.to_string())?;
    match s.run(&Arc::new(SourceText::new("<t>", text)), &st) {
        Ok(Outcome::Table(t)) => Ok(t),
        Ok(other) => panic!("a table: {other:?}"),
        Err(p) => Err(format!(
            "[{}] {p}",
            p.code.map(|c| c.to_string()).unwrap_or_default()
        )),
    }
}

fn num(c: &Cell) -> f64 {
    match c {
        Cell::Num(x) => *x,
        Cell::Int(i) => *i as f64,
        other => panic!("a number: {other:?}"),
    }
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Null => String::new(),
        other => panic!("a text: {other:?}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn figures_are_in_tonnes_with_their_base() {
    let m = figures_model();
    let f = m.figures();
    let id = |s: &str| m.find(s).unwrap();
    // 2 kt REO/yr = 2,000 t REO a year; 500,000 kg = 500 t.
    let a = f.node_output(id("mine-a")).unwrap();
    assert_eq!(a.tonnes, 2_000.0);
    assert_eq!(f.base_name(a.base), "REO");
    assert_eq!(f.node_capacity(id("mine-a")).unwrap().tonnes, 3_000.0);
    let b = f.node_output(id("mine-b")).unwrap();
    assert!(close(b.tonnes, 500.0), "{}", b.tonnes);
    // No capacity of its own: its output.
    assert_eq!(f.node_capacity(id("mine-b")), Some(b));
    assert!(!f.has_own_capacity(id("mine-b")));
    assert_eq!(f.node_output(id("mine-c")), None);
    assert_eq!(f.node_capacity(id("mine-c")), None);
    // `t` of product is another base than `t REO`; no unit is t/yr.
    let plant = f.node_output(id("plant")).unwrap();
    assert_eq!(plant.tonnes, 100.0);
    assert_ne!(plant.base, a.base);
    assert_eq!(f.base_name(plant.base), "");
    let depot = f.node_output(id("depot")).unwrap();
    assert_eq!((depot.tonnes, depot.base), (70.0, plant.base));
    // Regions have no figures.
    assert_eq!(f.node_output(id("land")), None);
    // Edges: volume 1.8 kt REO/yr, capacity unbounded unless given.
    let k = |from: &str, to: &str| {
        m.supplies
            .iter()
            .position(|s| s.from == id(from) && s.to == id(to))
            .unwrap()
    };
    let v = f.edge_volume(k("mine-a", "plant")).unwrap();
    assert!(close(v.tonnes, 1_800.0));
    assert_eq!(v.base, a.base);
    assert_eq!(f.edge_capacity(k("mine-a", "plant")), None);
    assert_eq!(f.edge_volume(k("plant", "depot")).unwrap().tonnes, 60.0);
    assert_eq!(f.edge_capacity(k("plant", "depot")).unwrap().tonnes, 80.0);
    assert_eq!(f.unit(a.base), "t REO/yr");
}

#[test]
fn figures_survive_csv_and_json() {
    let m = figures_model();
    let tmp = tempfile::tempdir().unwrap();
    for format in [Format::Csv, Format::Json] {
        let out = match format {
            Format::Csv => tmp.path().join("csv"),
            _ => tmp.path().join("model.json"),
        };
        model::load::write(&m.doc, format, &out).unwrap();
        let (m2, p) = model::load_path(&out).build();
        let m2 = m2.unwrap_or_else(|| panic!("{p}"));
        let (f, f2) = (m.figures(), m2.figures());
        for i in m.flow_nodes() {
            let j = m2.find(m.entity(i).id).unwrap();
            for (a, b) in [
                (f.node_output(i), f2.node_output(j)),
                (f.node_capacity(i), f2.node_capacity(j)),
            ] {
                assert_eq!(a.map(|q| q.tonnes), b.map(|q| q.tonnes), "{format:?}");
                assert_eq!(
                    a.map(|q| f.base_name(q.base).to_string()),
                    b.map(|q| f2.base_name(q.base).to_string())
                );
            }
        }
        for k in 0..m.supplies.len() {
            assert_eq!(
                f.edge_volume(k).map(|q| q.tonnes),
                f2.edge_volume(k).map(|q| q.tonnes)
            );
            assert_eq!(
                f.edge_capacity(k).map(|q| q.tonnes),
                f2.edge_capacity(k).map(|q| q.tonnes)
            );
        }
    }
}

#[test]
fn totals_convert_units_and_count_what_is_missing() {
    let m = figures_model();
    // Land: mine-a 2 kt = 2,000 t; Sea: mine-b 500,000 kg = 500 t; mine-c has no output.
    let t = run(&m, "total output of nodes where kind = mine by country").unwrap();
    assert_eq!(t.columns, ["group", "total", "unit", "share", "nodes"]);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(text(&t.rows[0][0]), "Land");
    assert!(close(num(&t.rows[0][1]), 2_000.0));
    assert_eq!(text(&t.rows[0][2]), "t REO/yr");
    assert!(close(num(&t.rows[0][3]), 0.8));
    assert_eq!(num(&t.rows[0][4]), 1.0);
    assert_eq!(text(&t.rows[1][0]), "Sea");
    assert!(close(num(&t.rows[1][1]), 500.0));
    assert!(close(num(&t.rows[1][3]), 0.2));
    assert!(
        t.notes
            .iter()
            .any(|n| n.starts_with("1 node of the set has no `output`")),
        "{:?}",
        t.notes
    );
    // HHI of 80/20: 6,400 + 400 = 6,800; Land holds more than 65%.
    assert!(
        t.notes.iter().any(|n| n.contains("HHI 6800")),
        "{:?}",
        t.notes
    );
    let c = run(
        &m,
        "concentration of total output of nodes where kind = mine by country",
    )
    .unwrap();
    assert_eq!(
        c.columns,
        [
            "top_country",
            "top_share",
            "top_three",
            "hhi",
            "concentrated",
            "total",
            "unit",
            "groups"
        ]
    );
    assert_eq!(text(&c.rows[0][0]), "Land");
    assert!(close(num(&c.rows[0][1]), 0.8));
    assert_eq!(num(&c.rows[0][3]), 6_800.0);
    assert_eq!(c.rows[0][4], Cell::Bool(true));
    assert!(close(num(&c.rows[0][5]), 2_500.0));

    // Without `by`: one row. t (an amount for the year) and t/yr (no unit) add.
    let t = run(&m, "total output of nodes where kind = facility").unwrap();
    assert_eq!(t.rows.len(), 1);
    assert!(close(num(&t.rows[0][1]), 170.0));
    assert_eq!(text(&t.rows[0][2]), "t/yr");
    assert_eq!(num(&t.rows[0][3]), 1.0);
    assert_eq!(num(&t.rows[0][4]), 2.0);

    // A free attribute: 1.5 kt REO + 700 t REO = 2,200 t REO.
    let t = run(&m, "total production of nodes").unwrap();
    assert!(close(num(&t.rows[0][1]), 2_200.0));
    assert_eq!(text(&t.rows[0][2]), "t REO");
    assert!(
        t.notes.iter().any(|n| n.starts_with("3 nodes")),
        "{:?}",
        t.notes
    );

    // Capacity defaults to output: 3,000 (own) + 500 (mine-b's output); mine-c has neither.
    let t = run(&m, "total capacity of nodes where kind = mine").unwrap();
    assert!(close(num(&t.rows[0][1]), 3_500.0));
    assert!(
        t.notes
            .iter()
            .any(|n| n.contains("1 node without a capacity")),
        "{:?}",
        t.notes
    );
}

#[test]
fn units_that_cannot_be_added_are_an_error_naming_two_nodes() {
    let m = figures_model();
    let e = run(&m, "total output of nodes").unwrap_err();
    assert!(e.contains("E0220"), "{e}");
    assert!(
        e.contains("cannot add `kt REO/yr` (\"mine-a\") and `t` (\"plant\")"),
        "{e}"
    );
    // Unknown attributes are found before any work.
    let e = run(&m, "total outptu of nodes").unwrap_err();
    assert!(e.contains("did you mean \"output\""), "{e}");
}

/// USGS Mineral Commodity Summaries 2025, mine production 2024 (t REO), by country, as in
/// /work/shared/reference/rare-earth-facts.md (China's 270,000 t production quota). "Other"
/// (1,100 t) is no country and is not in the model.
const USGS_2024: &[(&str, f64)] = &[
    ("China", 270_000.0),
    ("United States", 45_000.0),
    ("Myanmar", 31_000.0),
    ("Australia", 13_000.0),
    ("Nigeria", 13_000.0),
    ("Thailand", 13_000.0),
    ("India", 2_900.0),
    ("Russia", 2_500.0),
    ("Madagascar", 2_000.0),
    ("Vietnam", 300.0),
    ("Malaysia", 130.0),
    ("Brazil", 20.0),
];

#[test]
fn mine_production_2024_by_country_matches_usgs() {
    let sum: f64 = USGS_2024.iter().map(|(_, x)| x).sum();
    let china = 270_000.0 / sum;
    let hhi: f64 = USGS_2024
        .iter()
        .map(|(_, x)| (x / sum * 100.0).powi(2))
        .sum();
    // 68.7% and 4,951, worked from the USGS table.
    assert!((china - 0.687).abs() < 0.001);
    assert!((hhi - 4_951.0).abs() < 1.0, "{hhi}");

    let (m, _) = model::load_builtin().build();
    let m = m.unwrap();
    let t = run(
        &m,
        "total production_2024 of nodes where kind = mine by country",
    )
    .unwrap();
    assert_eq!(text(&t.rows[0][0]), "China");
    assert!((num(&t.rows[0][3]) - china).abs() <= 0.01 * china);
    let top: Vec<String> = t.rows.iter().take(3).map(|r| text(&r[0])).collect();
    assert_eq!(top, ["China", "United States", "Myanmar"]);
    let c = run(
        &m,
        "concentration of total production_2024 of nodes where kind = mine by country",
    )
    .unwrap();
    assert_eq!(text(&c.rows[0][0]), "China");
    assert!((num(&c.rows[0][1]) - china).abs() <= 0.01 * china);
    assert!((num(&c.rows[0][3]) - hhi).abs() <= 0.01 * hhi);
    assert_eq!(c.rows[0][4], Cell::Bool(true));
    assert!(text(&c.rows[0][2]).starts_with("China 68.7%, United States 11.5%, Myanmar 7.9%"));
}

#[test]
fn check_warns_where_figures_break_the_balance() {
    let m = figures_model();
    let w = supplygraph::model::balance::warnings(&m);
    let text: Vec<String> = w.iter().map(|p| p.to_string()).collect();
    assert_eq!(w.len(), 2, "{text:#?}");
    assert!(w.iter().all(|p| !p.is_error()));
    // mine-b: 600 t REO/yr shipped, 500 produced; at its [[node]] (line 38).
    assert!(
        text[0].starts_with(
            "warning: \"mine-b\" ships 600 t REO/yr along its supply edges, more than its output of 500 t REO/yr (by 20.0%)"
        ),
        "{}",
        text[0]
    );
    assert!(text[0].contains("figures.toml:38:1"), "{}", text[0]);
    // depot: 70 t/yr out of 60 t in.
    assert!(
        text[1].contains("\"depot\" takes in 60 t/yr but puts out 70 t/yr"),
        "{}",
        text[1]
    );
    // The built-in model: every warning is a warning, at a place in the model's files.
    let (m, _) = model::load_builtin().build();
    let m = m.unwrap();
    for p in supplygraph::model::balance::warnings(&m) {
        assert!(!p.is_error());
        assert!(p.loc.line_col().is_some(), "{p}");
    }
}

#[test]
fn plain_tables_give_figures_through_the_bulk_reader() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("nodes.csv"),
        "id,name,kind,stage,region,output,capacity\nland,Land,region,,,,\nm1,M1,mine,mining,land,2000,3000\nm2,M2,mine,mining,land,500,\np,P,facility,separation,land,100,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("edges.csv"),
        "from,to,material,share,volume,capacity\nm1,p,ore,,1800,2500\nm2,p,ore,,600,\n",
    )
    .unwrap();
    let (m, p) = model::load_path(dir).build();
    let m = m.unwrap_or_else(|| panic!("{p}"));
    assert!(m.rows.nodes.is_some(), "read by the bulk reader");
    let f = m.figures();
    let id = |s: &str| m.find(s).unwrap();
    assert_eq!(f.node_output(id("m1")).unwrap().tonnes, 2_000.0);
    assert_eq!(f.node_capacity(id("m1")).unwrap().tonnes, 3_000.0);
    assert_eq!(f.node_capacity(id("m2")).unwrap().tonnes, 500.0);
    assert_eq!(f.edge_volume(0).unwrap().tonnes, 1_800.0);
    assert_eq!(f.edge_capacity(0).unwrap().tonnes, 2_500.0);
    assert_eq!(f.edge_capacity(1), None);
    let t = run(&m, "total capacity of nodes where kind = mine").unwrap();
    assert_eq!(num(&t.rows[0][1]), 3_500.0);
    assert_eq!(text(&t.rows[0][2]), "t/yr");
}
