//! Materials as questions (`concentration ... of material`, `origin of`), checked against
//! values worked out by hand on a model written here (docs/semantics.md §9):
//!
//!   ore-cn (China) --ore 0.75--> sep-cn (China) --dy 0.8, ndpr 0.4--> magnets (Japan) --> motors
//!   ore-au (Australia) --ore 0.25--^                                  ^
//!   ore-au --ore 1--> sep-au (Australia) --dy 0.2, ndpr 0.6----------/
//!
//! The magnet maker needs Dy (80% from China, 20% from Australia) and NdPr (40% from China,
//! 60% from Australia). Its Dy traces back to sep-cn 0.8, sep-au 0.2, ore-cn 0.8 x 0.75 = 0.6,
//! ore-au 0.8 x 0.25 + 0.2 x 1 = 0.4; its NdPr to sep-cn 0.4, sep-au 0.6, ore-cn 0.3, ore-au 0.7.

use supplygraph::model::{self, Model};
use supplygraph::output::{Cell, Table};

mod common;

use common::{num, run, table, text};

const MODEL: &str = r#"
[model]
name = "two materials"

[[material]]
id = "ore"
elements = ["Nd", "Pr", "Dy"]
[[material]]
id = "dy"
name = "Dy oxide"
elements = ["Dy"]
[[material]]
id = "ndpr"
name = "NdPr oxide"
elements = ["Nd", "Pr"]
[[material]]
id = "magnets"
elements = ["Nd", "Pr", "Dy", "Fe", "B"]

[[region]]
id = "china"
name = "China"
level = "country"
[[region]]
id = "australia"
name = "Australia"
level = "country"
[[region]]
id = "japan"
name = "Japan"
level = "country"

[[node]]
id = "ore-cn"
name = "Chinese mine"
kind = "mine"
stage = "mining"
region = "china"
[[node]]
id = "ore-au"
name = "Australian mine"
kind = "mine"
stage = "mining"
region = "australia"
[[node]]
id = "sep-cn"
name = "Chinese separator"
kind = "facility"
stage = "separation"
region = "china"
[[node]]
id = "sep-au"
name = "Australian separator"
kind = "facility"
stage = "separation"
region = "australia"
[[node]]
id = "magnets"
name = "Magnet maker"
kind = "facility"
stage = "magnet"
region = "japan"
[[node]]
id = "motors"
name = "Motors"
kind = "end_use"
stage = "end use"

[[edge]]
from = "ore-cn"
to = "sep-cn"
material = "ore"
share = 0.75
[[edge]]
from = "ore-au"
to = "sep-cn"
material = "ore"
share = 0.25
[[edge]]
from = "ore-au"
to = "sep-au"
material = "ore"
share = 1
[[edge]]
from = "sep-cn"
to = "magnets"
material = "dy"
share = 0.8
[[edge]]
from = "sep-au"
to = "magnets"
material = "dy"
share = 0.2
[[edge]]
from = "sep-cn"
to = "magnets"
material = "ndpr"
share = 0.4
[[edge]]
from = "sep-au"
to = "magnets"
material = "ndpr"
share = 0.6
[[edge]]
from = "magnets"
to = "motors"
material = "magnets"
share = 1
"#;

fn model() -> Model {
    // A folder per call: tests run in parallel, and one must not read another's half-written file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two_materials.toml");
    std::fs::write(&path, MODEL).unwrap();
    let (m, p) = model::load_path(&path).build();
    m.unwrap_or_else(|| panic!("{p}"))
}

fn col(t: &Table, name: &str) -> usize {
    t.columns
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", t.columns))
}

/// (key columns joined by "/", share) for every row.
fn shares(t: &Table, keys: &[&str]) -> Vec<(String, f64)> {
    let ks: Vec<usize> = keys.iter().map(|k| col(t, k)).collect();
    let s = col(t, "share");
    t.rows
        .iter()
        .map(|r| {
            let k: Vec<String> = ks.iter().map(|&i| text(&r[i])).collect();
            (k.join("/"), num(&r[s]))
        })
        .collect()
}

fn assert_shares(got: Vec<(String, f64)>, want: &[(&str, f64)]) {
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (k, v) in want {
        let g = got
            .iter()
            .find(|(x, _)| x == k)
            .unwrap_or_else(|| panic!("{k} missing from {got:?}"));
        assert!((g.1 - v).abs() < 1e-12, "{k}: {} != {v}", g.1);
    }
}

#[test]
fn origin_of_dy_per_node_follows_only_dy_bearing_edges() {
    let m = model();
    let t = table(&m, r#"origin of "Dy" for "motors""#);
    assert_shares(
        shares(&t, &["id"]),
        &[
            ("ore-cn", 0.6),
            ("ore-au", 0.4),
            ("sep-cn", 0.8),
            ("sep-au", 0.2),
            ("magnets", 1.0),
        ],
    );
    // Rows in supply order: mining first, largest share first within a stage.
    assert_eq!(text(&t.rows[0][col(&t, "id")]), "ore-cn");
    assert_eq!(text(&t.rows[0][col(&t, "country")]), "China");
}

#[test]
fn origin_of_a_material_counts_what_contains_its_elements() {
    let m = model();
    // "NdPr oxide" by name: the ndpr edges, and the ore and magnets that contain Nd and Pr.
    let t = table(
        &m,
        r#"origin of material "NdPr oxide" for "motors" by country"#,
    );
    assert_shares(
        shares(&t, &["stage", "country"]),
        &[
            ("mining/China", 0.3),
            ("mining/Australia", 0.7),
            ("separation/China", 0.4),
            ("separation/Australia", 0.6),
            ("magnet/Japan", 1.0),
        ],
    );
}

#[test]
fn concentration_of_material_dy_has_the_concentration_keys() {
    let m = model();
    let t = table(
        &m,
        r#"concentration of "motors" of material "Dy" by country"#,
    );
    let stage = col(&t, "stage");
    let row = |s: &str| {
        t.rows
            .iter()
            .find(|r| text(&r[stage]) == s)
            .unwrap_or_else(|| panic!("no stage {s}"))
    };
    let sep = row("separation");
    assert_eq!(text(&sep[col(&t, "top_country")]), "China");
    assert!((num(&sep[col(&t, "top_share")]) - 0.8).abs() < 1e-12);
    // 80^2 + 20^2
    assert_eq!(num(&sep[col(&t, "hhi")]), 6800.0);
    assert_eq!(sep[col(&t, "concentrated")], Cell::Bool(true));
    let mine = row("mining");
    assert!((num(&mine[col(&t, "top_share")]) - 0.6).abs() < 1e-12);
    assert_eq!(num(&mine[col(&t, "hhi")]), 5200.0);
    assert_eq!(mine[col(&t, "concentrated")], Cell::Bool(false));
    // `for "Dy"` is the same statement.
    let alias = table(&m, r#"concentration of "motors" for "Dy" by country"#);
    assert_eq!(alias.rows, t.rows);
    assert_eq!(alias.title, t.title);
    // Without the material, separation counts Dy and NdPr both: China 1.2 / 2.
    let all = table(&m, r#"concentration of "motors" by country"#);
    let r = all
        .rows
        .iter()
        .find(|r| text(&r[stage]) == "separation")
        .unwrap();
    assert!((num(&r[col(&all, "top_share")]) - 0.6).abs() < 1e-12);
}

#[test]
fn a_dy_restriction_equals_a_full_stop_only_where_dy_binds() {
    let m = model();
    let loss = |q: &str| num(&table(&m, q).rows[0][2]);
    // Dy group loses 0.8; NdPr group 0.4; the magnet maker loses the larger (semantics §2).
    let dy = loss(r#"with restrict exports of "Dy" from "China": loss of "motors""#);
    let all = loss(r#"with restrict exports from "China": loss of "motors""#);
    let nd = loss(r#"with restrict exports of "Nd" from "China": loss of "motors""#);
    assert!((dy - 0.8).abs() < 1e-12, "{dy}");
    assert!((all - 0.8).abs() < 1e-12, "{all}");
    assert!((nd - 0.4).abs() < 1e-12, "{nd}");
}

#[test]
fn an_unknown_material_says_what_it_might_be() {
    let m = model();
    let e = run(&m, r#"origin of "Dyy" for "motors""#).unwrap_err();
    assert!(e.contains("Dyy"), "{e}");
    let e = run(&m, r#"origin of "NdPr oxyde" for "motors""#).unwrap_err();
    assert!(e.contains("NdPr oxide"), "{e}");
}
