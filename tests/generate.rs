//! The benchmark generator at 10^4 nodes: deterministic per seed, a valid model with the
//! structure it promises (layers, nested regions, recycling loops, every kind of input group).

use std::collections::HashMap;

use supplygraph::model;

#[test]
fn a_generated_network_is_deterministic_valid_and_layered() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    let g = supplygraph::generate::generate(10_000, 7, &a).unwrap();
    supplygraph::generate::generate(10_000, 7, &b).unwrap();
    supplygraph::generate::generate(10_000, 8, &c).unwrap();
    let read = |d: &std::path::Path, f: &str| std::fs::read(d.join(f)).unwrap();
    assert_eq!(read(&a, "edges.csv"), read(&b, "edges.csv"));
    assert_eq!(read(&a, "nodes.csv"), read(&b, "nodes.csv"));
    assert_ne!(read(&a, "edges.csv"), read(&c, "edges.csv"));

    let (m, problems) = model::load_path(&a).build();
    let m = m.unwrap_or_else(|| panic!("{problems}"));
    assert_eq!(m.flow_nodes().count(), g.nodes);
    assert_eq!(m.supplies.len(), g.edges);
    let per_node = g.edges as f64 / g.nodes as f64;
    assert!((2.5..4.5).contains(&per_node), "{per_node} edges per node");
    // Every layer is there, mines the most numerous after components.
    let mut stages: HashMap<&str, usize> = HashMap::new();
    for v in m.flow_nodes() {
        *stages.entry(m.entity(v).stage.unwrap()).or_default() += 1;
    }
    for s in [
        "mining",
        "separation",
        "metal",
        "magnet",
        "component",
        "end use",
    ] {
        assert!(stages.get(s).copied().unwrap_or(0) > 500, "{s}: {stages:?}");
    }
    // Regions nest province < country < continent; recycling makes loops.
    let v = m.find("n5000").unwrap();
    let levels: Vec<_> = m
        .regions_of(v)
        .map(|r| m.entity(r).level.unwrap())
        .collect();
    assert_eq!(levels, ["province", "country", "continent"]);
    assert!(!m.cycles.is_empty());
    // Share, volume and equal-split groups all occur.
    let edges: Vec<_> = (0..m.supplies.len()).map(|k| m.edge_def(k)).collect();
    let with_share = edges.iter().filter(|e| e.share.is_some()).count();
    let volume_only = edges
        .iter()
        .filter(|e| e.share.is_none() && e.volume.is_some())
        .count();
    let neither = edges
        .iter()
        .filter(|e| e.share.is_none() && e.volume.is_none())
        .count();
    assert!(with_share > 1000 && volume_only > 1000 && neither > 1000);
}

/// The figures balance: every node but an end use makes exactly what its customers take (each
/// operating edge its effective share of its consumer's output), recomputed here from the loaded
/// model; capacity is above output; `check` has no balance warning; some planned edges have a
/// start year.
#[test]
fn generated_figures_balance_and_check_has_no_warning() {
    let dir = tempfile::tempdir().unwrap();
    supplygraph::generate::generate(5_000, 3, dir.path()).unwrap();
    let (m, problems) = model::load_path(dir.path()).build();
    let m = m.unwrap_or_else(|| panic!("{problems}"));
    assert!(model::balance::warnings(&m).is_empty());
    let f = m.figures();
    let mut take = vec![0.0f64; m.entities.len()];
    let mut planned = 0;
    for (k, s) in m.supplies.iter().enumerate() {
        if s.status == model::graph::EdgeStatus::Planned {
            planned += 1;
            let def = m.edge_def(k);
            let start = &def.attrs.get("start").unwrap().used().value;
            assert!(
                matches!(start, model::doc::Scalar::Num(y) if (2025.0..=2030.0).contains(y)),
                "{start:?}"
            );
            continue;
        }
        let out = f.node_output(s.to).unwrap().tonnes;
        take[s.from as usize] += s.share * out;
        if let Some(v) = f.edge_volume(k) {
            assert!((v.tonnes - s.share * out).abs() <= 1e-6 * out.max(1.0) + 1e-5);
        }
    }
    assert!(planned > 10, "{planned} planned edges");
    let mut checked = 0;
    for v in m.flow_nodes() {
        let out = f.node_output(v).unwrap().tonnes;
        let cap = f.node_capacity(v).unwrap().tonnes;
        assert!(
            cap > out,
            "{}: capacity {cap} <= output {out}",
            m.entity(v).id
        );
        if m.entity(v).stage != Some("end use") && take[v as usize] >= 1.0 {
            assert!(
                (out - take[v as usize]).abs() <= 1e-6 * out,
                "{}: output {out}, taken {}",
                m.entity(v).id,
                take[v as usize]
            );
            checked += 1;
        }
    }
    assert!(checked > 3000, "{checked}");
}

/// Shuffled and sorted rows are the same network: the same nodes with the same figures and
/// the same edges, in another order.
#[test]
fn shuffled_and_sorted_rows_hold_the_same_network() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    use supplygraph::generate::{generate_in, Order};
    generate_in(2_000, 5, &a, Order::Shuffled).unwrap();
    generate_in(2_000, 5, &b, Order::Sorted).unwrap();
    let lines = |d: &std::path::Path, f: &str| {
        let text = std::fs::read_to_string(d.join(f)).unwrap();
        let mut l: Vec<String> = text.lines().map(str::to_string).collect();
        let header = l.remove(0);
        (header, l)
    };
    for f in ["nodes.csv", "edges.csv"] {
        let (ha, mut la) = lines(&a, f);
        let (hb, mut lb) = lines(&b, f);
        assert_eq!(ha, hb);
        assert_ne!(la, lb, "{f}: the rows are shuffled");
        la.sort();
        lb.sort();
        assert_eq!(la, lb, "{f}");
    }
    let (ta, tb) = (lines(&b, "nodes.csv").1, lines(&b, "edges.csv").1);
    assert!(ta[0].starts_with("c0,") && tb.windows(2).all(|w| to(&w[0]) <= to(&w[1])));
}

/// The consumer's number of an edge row of the generator.
fn to(row: &str) -> usize {
    row.split(',').nth(1).unwrap()[1..].parse().unwrap()
}

#[test]
fn sizes_out_of_bounds_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for n in [0, supplygraph::generate::MAX_NODES + 1, 99_999_999_999_999] {
        let out = dir.path().join(format!("g{n}"));
        let e = supplygraph::generate::generate(n, 1, &out)
            .err()
            .unwrap_or_else(|| panic!("{n} nodes accepted"));
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains(&n.to_string()), "{e}");
        assert!(!out.exists(), "{n} nodes: {} was created", out.display());
    }
}

/// `total output|capacity of nodes by country` on a generated (bulk-read) model equals the sums
/// made here from the text of `nodes.csv` (province -> country from the region rows), and
/// `by region` (the node's own province) too.
#[test]
fn totals_by_country_on_a_generated_model_match_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    supplygraph::generate::generate(3_000, 11, dir.path()).unwrap();
    let text = std::fs::read_to_string(dir.path().join("nodes.csv")).unwrap();
    let mut parent: HashMap<String, String> = HashMap::new();
    let mut name: HashMap<String, String> = HashMap::new();
    let mut flows: Vec<(String, f64, f64)> = Vec::new();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        name.insert(c[0].to_string(), c[1].to_string());
        if c[2] == "region" {
            parent.insert(c[0].to_string(), c[4].to_string());
        } else {
            flows.push((
                c[4].to_string(),
                c[6].parse().unwrap(),
                c[7].parse().unwrap(),
            ));
        }
    }
    for (attribute, by) in [
        ("output", "country"),
        ("capacity", "country"),
        ("output", "region"),
    ] {
        let mut want: HashMap<String, (f64, usize)> = HashMap::new();
        for (province, output, capacity) in &flows {
            let group = if by == "country" {
                &parent[province]
            } else {
                province
            };
            let e = want.entry(name[group].clone()).or_default();
            e.0 += if attribute == "output" {
                *output
            } else {
                *capacity
            };
            e.1 += 1;
        }
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_supplygraph"))
            .args(["query", "--format", "json", "--model"])
            .arg(dir.path())
            .arg(format!("total {attribute} of nodes by {by}"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(rows.len(), want.len(), "{attribute} by {by}");
        let all: f64 = want.values().map(|x| x.0).sum();
        for r in rows {
            let (total, nodes) = want[r["group"].as_str().unwrap()];
            let got = r["total"].as_f64().unwrap();
            assert!((got - total).abs() <= 1e-9 * total, "{r}: {total}");
            assert_eq!(r["nodes"].as_u64().unwrap(), nodes as u64);
            assert!((r["share"].as_f64().unwrap() - total / all).abs() < 1e-9);
            assert_eq!(r["unit"], "t/yr");
        }
    }
}
