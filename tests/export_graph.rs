//! The graph exports, read back: `convert --to graphml` parsed as XML (every flow node and supply
//! edge, every key typed, every value of its type), and `convert --to neo4j` checked against
//! the header format of `neo4j-admin database import full` (Neo4j itself is not installed here).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

mod common;

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

/// The GraphML document's nodes (id → attribute name → text), edges (source, target, attributes)
/// and graph attributes.
type Parsed = (
    BTreeMap<String, HashMap<String, String>>,
    Vec<(String, String, HashMap<String, String>)>,
    HashMap<String, String>,
);

fn parse_graphml(text: &str) -> Parsed {
    let xml = roxmltree::Document::parse(text).expect("well-formed XML");
    let root = xml.root_element();
    let keys: HashMap<&str, &str> = root
        .children()
        .filter(|n| n.has_tag_name("key"))
        .map(|k| {
            (
                k.attribute("id").unwrap(),
                k.attribute("attr.name").unwrap(),
            )
        })
        .collect();
    let values = |el: roxmltree::Node| -> HashMap<String, String> {
        el.children()
            .filter(|n| n.has_tag_name("data"))
            .map(|d| {
                let name = keys[d.attribute("key").unwrap()].to_string();
                (name, d.text().unwrap_or("").to_string())
            })
            .collect()
    };
    let graph = root.children().find(|n| n.has_tag_name("graph")).unwrap();
    let (mut nodes, mut edges) = (BTreeMap::new(), Vec::new());
    for el in graph.children().filter(|n| n.is_element()) {
        match el.tag_name().name() {
            "node" => {
                let id = el.attribute("id").unwrap().to_string();
                assert!(nodes.insert(id, values(el)).is_none(), "a node twice");
            }
            "edge" => edges.push((
                el.attribute("source").unwrap().to_string(),
                el.attribute("target").unwrap().to_string(),
                values(el),
            )),
            _ => {}
        }
    }
    (nodes, edges, values(graph))
}

/// `:save FILE.graphml` and `:save DIR neo4j` in the shell: the result's node and the upstream
/// cone that explains it (found here by a search over the model's supplies), every live supply
/// edge among them, the result's figures as attributes; a result that is not about nodes says
/// so.
#[test]
fn a_query_result_saves_as_graphml_and_neo4j_files() {
    let m = flagship();
    let dir = tempfile::tempdir().unwrap();
    let (g, neo, planned) = (
        dir.path().join("ev.graphml"),
        dir.path().join("neo"),
        dir.path().join("planned.graphml"),
    );
    let query = r#"exposure of "Electric vehicles" to "China""#;
    let script = format!(
        "{query}\n:save {}\n:save {} neo4j\n\
         with planned capacity: {query}\n:save {}\n\
         total production_2024 of nodes where kind = mine by country\n:save {}\n",
        g.display(),
        neo.display(),
        planned.display(),
        dir.path().join("totals.graphml").display()
    );
    let out = common::with_stdin(
        &mut Command::new(env!("CARGO_BIN_EXE_supplygraph")),
        &script,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not about nodes of the model"), "{err}");
    assert!(!dir.path().join("totals.graphml").exists());

    // The cone, by a search of its own: suppliers through live edges with a share.
    let ev = m.find("Electric vehicles").unwrap();
    let mut cone = BTreeSet::from([ev]);
    let mut todo = vec![ev];
    while let Some(v) = todo.pop() {
        for s in &m.supplies {
            let live = s.status == model::graph::EdgeStatus::Operating && s.share > 0.0;
            if s.to == v && live && cone.insert(s.from) {
                todo.push(s.from);
            }
        }
    }
    let ids: BTreeSet<String> = cone.iter().map(|&v| m.entity(v).id.to_string()).collect();
    let (nodes, edges, graph) = parse_graphml(&std::fs::read_to_string(&g).unwrap());
    assert_eq!(nodes.keys().cloned().collect::<BTreeSet<_>>(), ids);
    let mut want: Vec<(String, String)> = m
        .supplies
        .iter()
        .filter(|s| s.status != model::graph::EdgeStatus::Stopped)
        .filter(|s| cone.contains(&s.from) && cone.contains(&s.to))
        .map(|s| {
            (
                m.entity(s.from).id.to_string(),
                m.entity(s.to).id.to_string(),
            )
        })
        .collect();
    let mut got: Vec<(String, String)> = edges
        .iter()
        .map(|(a, b, _)| (a.clone(), b.clone()))
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    assert!(edges.len() > 20, "{}", edges.len());
    assert_eq!(graph["query"], query);

    // The result's figure: the exposure the JSON output gives, on its node only.
    let json = Command::new(env!("CARGO_BIN_EXE_supplygraph"))
        .args(["query", "--format", "json", query])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let exposure = rows[0]["exposure"].as_f64().unwrap();
    let ev_id = m.entity(ev).id;
    assert_eq!(
        nodes[ev_id]["result_exposure"].parse::<f64>().unwrap(),
        exposure
    );
    assert_eq!(
        nodes
            .values()
            .filter(|n| n.contains_key("result_exposure"))
            .count(),
        1
    );
    // Every node of the cone carries the measure a diagram colours it by, a fraction.
    for (id, n) in &nodes {
        let x: f64 = n["result_measure"].parse().unwrap();
        assert!((0.0..=1.0).contains(&x), "{id}: {x}");
        assert_eq!(n["name"], m.entity(m.find(id).unwrap()).name);
    }

    // Under a what-if that changes shares, every edge says the share in force; a planned edge
    // switched on has one above 0.
    let (_, edges, graph) = parse_graphml(&std::fs::read_to_string(&planned).unwrap());
    assert!(graph["query"].starts_with("with planned capacity"));
    let in_force: Vec<(f64, &str)> = edges
        .iter()
        .map(|(_, _, e)| {
            (
                e["share_in_force"].parse::<f64>().unwrap(),
                e["status"].as_str(),
            )
        })
        .collect();
    assert!(in_force.iter().all(|(x, _)| (0.0..=1.0).contains(x)));
    assert!(in_force.iter().any(|&(x, s)| s == "planned" && x > 0.0));

    // The Neo4j files hold the same nodes and edges, the result's figure typed.
    let (h, rows) = read_csv(&neo.join("nodes.csv"));
    assert_eq!(rows.len(), ids.len());
    let k = h
        .iter()
        .position(|c| c == "result_exposure:double")
        .unwrap();
    let id = h.iter().position(|c| c == "id:ID").unwrap();
    let ev_row = rows.iter().find(|r| r[id] == ev_id).unwrap();
    assert_eq!(ev_row[k].parse::<f64>().unwrap(), exposure);
    assert_eq!(read_csv(&neo.join("supplies.csv")).1.len(), want.len());
}

/// `:save` in piped input: a failing one stops the input with exit 1 (as a failing statement
/// does), a quoted file name may hold spaces, an unknown format word is refused rather than
/// taken into the file name, a table of nodes without a drawing (shortfall) saves its nodes,
/// and a node in several rows says how many.
#[test]
fn saving_results_in_piped_input() {
    let dir = tempfile::tempdir().unwrap();
    let run = |script: &str, extra: &[&str]| {
        common::with_stdin(
            Command::new(env!("CARGO_BIN_EXE_supplygraph"))
                .args(extra)
                .current_dir(dir.path()),
            script,
        )
    };

    // A failing `:save` stops the input: the statement after it does not run.
    let out = run(
        "nodes where kind = mine\n:save nowhere/x.graphml\nexposure of \"Electric vehicles\" to \"China\"\n",
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: cannot write nowhere/x.graphml"),
        "{err}"
    );
    assert!(err.contains("stopped: 1 statement not run"), "{err}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("bayan-obo") && !stdout.contains("exposure"),
        "{stdout}"
    );

    // An unknown format word is refused; no file is written under a made-up name.
    let out = run("nodes where kind = mine\n:save x.graphml xml\n", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown format `xml`"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    // A quoted name with a space; the format named in any case; a shortfall table's node.
    let out = run(
        "with disrupt \"China\": shortfall of \"Electric vehicles\"\n\
         :save \"ev shortfall.graphml\"\n:save ev.out GRAPHML\n\
         chokepoints of nodes where kind = end_use limit 3\n:save many.graphml\n",
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in ["ev shortfall.graphml", "ev.out"] {
        let (nodes, edges, graph) =
            parse_graphml(&std::fs::read_to_string(dir.path().join(f)).unwrap());
        assert_eq!(
            nodes.keys().collect::<Vec<_>>(),
            ["electric-vehicles"],
            "{f}"
        );
        assert!(edges.is_empty());
        let ev = &nodes["electric-vehicles"];
        assert_eq!(ev["result_row"], "true");
        let short: f64 = ev["result_shortfall_share"].parse().unwrap();
        assert!((0.0..=1.0).contains(&short) && short > 0.5, "{short}");
        assert!(graph["query"].contains("shortfall of"));
    }

    // Many targets: a node in several rows carries its first and says how many; the graph
    // says what that means; nodes only upstream are not rows.
    let json = run(
        ":format json\nchokepoints of nodes where kind = end_use limit 3\n",
        &[],
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    let mut count: HashMap<String, usize> = HashMap::new();
    for r in &rows {
        *count
            .entry(r["id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let (nodes, _, graph) =
        parse_graphml(&std::fs::read_to_string(dir.path().join("many.graphml")).unwrap());
    assert!(graph["note"].contains("several rows"));
    for (id, n) in &nodes {
        match count.get(id) {
            Some(&c) => {
                assert_eq!(n["result_row"], "true", "{id}");
                assert_eq!(n["result_rows"].parse::<usize>().unwrap(), c, "{id}");
                let first = rows.iter().find(|r| r["id"] == id.as_str()).unwrap();
                assert_eq!(
                    n["result_target"],
                    first["target"].as_str().unwrap(),
                    "{id}"
                );
            }
            None => assert_eq!(n["result_row"], "false", "{id}"),
        }
    }
    assert!(count.values().any(|&c| c > 1));
}

/// A model attribute named as an attribute the export computes (`country`, `label`,
/// `effective_share`) is kept as `model_NAME`: no item has a name twice, and the computed
/// value is the one under the plain name.
#[test]
fn a_model_attribute_never_shadows_a_computed_one() {
    let dir = tempfile::tempdir().unwrap();
    let model = "[[region]]\nid = \"cn\"\nname = \"China\"\nlevel = \"country\"\n\
        [[node]]\nid = \"a\"\nname = \"Mine A\"\nkind = \"mine\"\nregion = \"cn\"\n\
        country = \"Atlantis\"\nlabel = \"my label\"\n\
        [[node]]\nid = \"b\"\nkind = \"end_use\"\n\
        [[edge]]\nfrom = \"a\"\nto = \"b\"\neffective_share = 0.25\n";
    std::fs::write(dir.path().join("m.toml"), model).unwrap();
    let (m, p) = model::load_path(&dir.path().join("m.toml")).build();
    let m = m.unwrap_or_else(|| panic!("{p}"));
    let text = supplygraph::model::graphml::to_graphml(&m);
    let (nodes, edges, _) = parse_graphml(&text);
    let a = &nodes["a"];
    assert_eq!(a["country"], "cn");
    assert_eq!(a["model_country"], "Atlantis");
    assert_eq!(a["label"], "Mine A");
    assert_eq!(a["model_label"], "my label");
    assert_eq!(edges[0].2["effective_share"], "1");
    assert_eq!(edges[0].2["model_effective_share"], "0.25");
}

/// `export STATEMENT to FILE [as FORMAT]` in a batch script writes what `:save` writes in the
/// shell, for every format: the same GraphML (the result's node and its upstream cone), the same
/// Neo4j files, and the tables of `query --format json|csv`; a result that is not about nodes
/// stops the script at that statement, placed at its file name.
#[test]
fn export_statements_in_a_script_write_what_save_writes() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    let query = r#"exposure of "Electric vehicles" to "China""#;
    let q = |x: &Path| format!("{:?}", x.display().to_string());
    let script = format!(
        "export {query} to {};\nexport {query} to {} as neo4j;\nexport {query} to {};\n\
         export {query} to {} as csv;\n\
         export total production_2024 of nodes where kind = mine by country to {};\n\
         {query};\n",
        q(&p("a.graphml")),
        q(&p("neo_a")),
        q(&p("a.json")),
        q(&p("a.txt")),
        q(&p("totals.graphml")),
    );
    std::fs::write(p("s.sgq"), &script).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_supplygraph"))
        .arg("run")
        .arg(p("s.sgq"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not about nodes of the model"), "{err}");
    assert!(err.contains("s.sgq:5:"), "{err}");
    assert!(!p("totals.graphml").exists());
    let shell = format!(
        "{query}\n:save {}\n:save {} neo4j\n",
        p("b.graphml").display(),
        p("neo_b").display()
    );
    let out = common::with_stdin(&mut Command::new(env!("CARGO_BIN_EXE_supplygraph")), &shell);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |f: &Path| std::fs::read_to_string(f).unwrap();
    let (a, b) = (
        parse_graphml(&read(&p("a.graphml"))),
        parse_graphml(&read(&p("b.graphml"))),
    );
    assert_eq!(a, b);
    assert!(a.0.contains_key("electric-vehicles") && a.0.len() > 10);
    for f in ["nodes.csv", "supplies.csv", "regions.csv"] {
        assert_eq!(read(&p("neo_a").join(f)), read(&p("neo_b").join(f)), "{f}");
    }
    let cli = |format: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_supplygraph"))
            .args(["query", "--format", format, query])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let json = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
    assert_eq!(json(&read(&p("a.json"))), json(&cli("json")));
    assert_eq!(read(&p("a.txt")).trim(), cli("csv").trim());
}
