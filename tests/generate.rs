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
    let with_volume = edges.iter().filter(|e| e.volume.is_some()).count();
    let neither = edges.len() - with_share - with_volume;
    assert!(with_share > 1000 && with_volume > 1000 && neither > 1000);
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
