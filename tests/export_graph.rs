//! The graph exports, read back: `convert --to graphml` parsed as XML (every flow node and supply
//! edge, every key typed, every value of its type), and `convert --to neo4j` checked against
//! the header format of `neo4j-admin database import full` (Neo4j itself is not installed here).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use supplygraph::model::{self, Format, Kind, Model};

fn flagship() -> Model {
    let (m, problems) = model::load_builtin().build();
    assert!(!problems.has_errors(), "{problems}");
    m.expect("the built-in model builds")
}

fn convert(to: &str, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_supplygraph"))
        .args(["convert", "--to", to, "-o"])
        .arg(out)
        .output()
        .expect("the binary runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn graphml_holds_every_node_edge_and_typed_attribute() {
    let m = flagship();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.graphml");
    convert("graphml", &path);
    let text = std::fs::read_to_string(&path).unwrap();
    let xml = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = xml.root_element();
    assert_eq!(root.tag_name().name(), "graphml");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://graphml.graphdrawing.org/xmlns")
    );

    // Keys: unique ids, a known domain and type, one name per domain.
    let mut keys: HashMap<&str, (&str, &str, &str)> = HashMap::new();
    let mut names = BTreeSet::new();
    for k in root.children().filter(|n| n.has_tag_name("key")) {
        let id = k.attribute("id").unwrap();
        let domain = k.attribute("for").unwrap();
        let name = k.attribute("attr.name").unwrap();
        let ty = k.attribute("attr.type").unwrap();
        assert!(["graph", "node", "edge"].contains(&domain), "{domain}");
        assert!(["double", "string", "boolean"].contains(&ty), "{ty}");
        assert!(names.insert((domain, name)), "{name} declared twice");
        assert!(
            keys.insert(id, (domain, name, ty)).is_none(),
            "key {id} twice"
        );
    }
    let ty = |domain: &str, name: &str| {
        keys.values()
            .find(|(d, n, _)| *d == domain && *n == name)
            .map(|(_, _, t)| *t)
    };
    for (name, want) in [
        ("label", "string"),
        ("name", "string"),
        ("kind", "string"),
        ("stage", "string"),
        ("region", "string"),
        ("company", "string"),
        ("capacity", "double"),
        ("capacity_unit", "string"),
        ("capacity_source", "string"),
        ("country", "string"),
    ] {
        assert_eq!(ty("node", name), Some(want), "node attribute {name}");
    }
    // The id is the node's own attribute, not data again.
    assert_eq!(ty("node", "id"), None);
    for (name, want) in [
        ("material", "string"),
        ("share", "double"),
        ("effective_share", "double"),
        ("volume", "double"),
        ("volume_unit", "string"),
        ("status", "string"),
    ] {
        assert_eq!(ty("edge", name), Some(want), "edge attribute {name}");
    }

    let graph = root.children().find(|n| n.has_tag_name("graph")).unwrap();
    assert_eq!(graph.attribute("edgedefault"), Some("directed"));
    let mut nodes: BTreeMap<&str, HashMap<&str, &str>> = BTreeMap::new();
    let mut edges = Vec::new();
    for el in graph.children().filter(|n| n.is_element()) {
        let mut values = HashMap::new();
        for d in el.children().filter(|n| n.has_tag_name("data")) {
            let key = d.attribute("key").unwrap();
            let (domain, name, ty) = keys[key];
            assert_eq!(
                domain,
                el.tag_name().name(),
                "{key} used on the wrong element"
            );
            let v = d.text().unwrap_or("");
            match ty {
                "double" => assert!(v.parse::<f64>().is_ok(), "{name} = {v:?}"),
                "boolean" => assert!(v == "true" || v == "false", "{name} = {v:?}"),
                _ => {}
            }
            assert!(values.insert(name, v).is_none(), "{name} twice");
        }
        match el.tag_name().name() {
            "node" => {
                let id = el.attribute("id").unwrap();
                assert!(nodes.insert(id, values).is_none(), "node {id} twice");
            }
            "edge" => edges.push((
                el.attribute("source").unwrap(),
                el.attribute("target").unwrap(),
                values,
            )),
            "data" => {}
            other => panic!("unexpected <{other}>"),
        }
    }

    // Every flow node, with its kind, name and region; no region as a node.
    let flow: Vec<u32> = m.flow_nodes().collect();
    assert_eq!(nodes.len(), flow.len());
    for &i in &flow {
        let e = m.entity(i);
        let n = &nodes[e.id];
        assert_eq!(n["kind"], e.kind.as_str(), "{}", e.id);
        assert_eq!(n["name"], e.name);
        assert_eq!(n["label"], e.name);
        if let Some(r) = e.region {
            assert_eq!(n["region"], m.entity(r).id);
        }
        if let Some(c) = m
            .node_def(e.def)
            .capacity
            .as_ref()
            .and_then(|f| f.as_number())
        {
            assert_eq!(n["capacity"].parse::<f64>().unwrap(), c, "{}", e.id);
        }
    }

    // Every supply edge, in order, with its effective share exact.
    assert_eq!(edges.len(), m.supplies.len());
    for (k, (from, to, values)) in edges.iter().enumerate() {
        let s = &m.supplies[k];
        assert_eq!(*from, m.entity(s.from).id);
        assert_eq!(*to, m.entity(s.to).id);
        assert!(nodes.contains_key(from) && nodes.contains_key(to));
        assert_eq!(values["effective_share"].parse::<f64>().unwrap(), s.share);
        assert!(values.contains_key("status"));
    }
    // The flagship model has sourced figures with units: they are kept.
    assert!(edges
        .iter()
        .any(|(_, _, v)| v.contains_key("volume_source")));
    assert!(nodes.values().any(|v| v.contains_key("capacity_source")));
}

/// neo4j-admin's header entries: `name`, `name:type`, `id:ID`, `:LABEL`, `:START_ID`, ...
fn header_ok(h: &str) -> bool {
    const SPECIAL: [&str; 5] = ["id:ID", ":LABEL", ":START_ID", ":END_ID", ":TYPE"];
    if SPECIAL.contains(&h) {
        return true;
    }
    let (name, ty) = h.split_once(':').unwrap_or((h, "string"));
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && ["string", "double", "boolean", "long", "int"].contains(&ty)
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn neo4j_import_files_follow_the_admin_import_header_format() {
    let m = flagship();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("neo4j");
    convert("neo4j", &out);

    let mut ids = BTreeSet::new();
    let mut count = |file: &str, lead: &str, label_ok: &dyn Fn(&str) -> bool| {
        let (h, rows) = read_csv(&out.join(file));
        assert_eq!(h[0], lead, "{file}");
        assert_eq!(h.last().unwrap(), ":LABEL", "{file}");
        for col in &h {
            assert!(header_ok(col), "{file}: header {col:?}");
        }
        for row in &rows {
            assert_eq!(row.len(), h.len());
            assert!(ids.insert(row[0].clone()), "id {} twice", row[0]);
            assert!(label_ok(row.last().unwrap()), "{file}: {:?}", row.last());
            for (col, v) in h.iter().zip(row) {
                if col.ends_with(":double") && !v.is_empty() {
                    assert!(v.parse::<f64>().is_ok(), "{file}: {col} = {v:?}");
                }
                if col.ends_with(":boolean") && !v.is_empty() {
                    assert!(v == "true" || v == "false", "{file}: {col} = {v:?}");
                }
            }
        }
        rows.len()
    };
    let kinds = ["Mine", "Facility", "Stage", "Product", "EndUse"];
    let flow = count("nodes.csv", "id:ID", &|l| {
        l.split_once(';')
            .is_some_and(|(a, b)| a == "Node" && kinds.contains(&b))
    });
    let regions = count("regions.csv", "id:ID", &|l| l == "Region");
    assert_eq!(flow, m.flow_nodes().count());
    let all_regions = m.entities.iter().filter(|e| e.kind == Kind::Region).count();
    assert_eq!(regions, all_regions);

    let (h, _) = read_csv(&out.join("nodes.csv"));
    for typed in [
        "capacity:double",
        "output:double",
        "kind",
        "stage",
        "region",
    ] {
        assert!(h.iter().any(|c| c == typed), "nodes.csv lacks {typed}");
    }

    for (file, ty, want) in [
        ("supplies.csv", "SUPPLIES", m.supplies.len()),
        (
            "located_in.csv",
            "LOCATED_IN",
            m.flow_nodes()
                .filter(|&i| m.entities.region(i).is_some())
                .count(),
        ),
        (
            "within.csv",
            "WITHIN",
            (0..u32::try_from(m.entities.len()).unwrap_or(u32::MAX))
                .filter(|&i| m.entities.kind(i) == Kind::Region && m.entities.region(i).is_some())
                .count(),
        ),
    ] {
        let (h, rows) = read_csv(&out.join(file));
        assert_eq!(&h[..3], [":START_ID", ":END_ID", ":TYPE"], "{file}");
        for col in &h {
            assert!(header_ok(col), "{file}: header {col:?}");
        }
        assert_eq!(rows.len(), want, "{file}");
        for row in &rows {
            assert!(
                ids.contains(&row[0]) && ids.contains(&row[1]),
                "{file}: {row:?}"
            );
            assert_eq!(row[2], ty);
        }
        if file == "supplies.csv" {
            for typed in ["share:double", "effective_share:double", "volume:double"] {
                assert!(h.iter().any(|c| c == typed), "supplies.csv lacks {typed}");
            }
            let k = h
                .iter()
                .position(|c| c == "effective_share:double")
                .unwrap();
            for (row, s) in rows.iter().zip(&m.supplies) {
                assert_eq!(row[k].parse::<f64>().unwrap(), s.share);
            }
        }
    }
    let cypher = std::fs::read_to_string(out.join("constraints.cypher")).unwrap();
    assert!(cypher.contains("FOR (n:Node) REQUIRE n.id IS UNIQUE;"));
    assert!(cypher.contains("FOR (r:Region) REQUIRE r.id IS UNIQUE;"));
}

#[test]
fn graph_exports_are_formats_of_write() {
    // Through the library too, and a GraphML file for a CSV (bulk-read) model.
    let dir = tempfile::tempdir().unwrap();
    let loaded = model::load_builtin();
    let doc = loaded.doc.clone();
    let notes = model::load::write(&doc, Format::Graphml, &dir.path().join("m.graphml")).unwrap();
    assert!(notes.iter().any(|n| n.contains("regions")), "{notes:?}");
    model::load::write(&doc, Format::Csv, &dir.path().join("csv")).unwrap();
    let (m, _) = model::load_path(&dir.path().join("csv")).build();
    let m = m.expect("the CSV form loads");
    let text = supplygraph::model::graphml::to_graphml(&m);
    let xml = roxmltree::Document::parse(&text).unwrap();
    let n = xml.descendants().filter(|n| n.has_tag_name("node")).count();
    assert_eq!(n, m.flow_nodes().count());
}
