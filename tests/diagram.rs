//! Diagrams: the DOT of a result parses back (with graphviz-rust's own parser) to exactly the
//! result's nodes and edges; hard names survive escaping; real Graphviz renders every label.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use graphviz_rust::dot_structures::{EdgeTy, Graph, Stmt, Vertex};
use supplygraph::output::dot::unesc;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_supplygraph"))
}

fn small() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models/small.toml")
}

/// Node ids and edges of a parsed DOT graph, through every subgraph; legend nodes left out.
fn contents(g: &Graph) -> (BTreeSet<String>, BTreeSet<(String, String)>) {
    fn walk(stmts: &[Stmt], nodes: &mut BTreeSet<String>, edges: &mut BTreeSet<(String, String)>) {
        for s in stmts {
            match s {
                Stmt::Node(n) => {
                    let id = unesc(&n.id.0);
                    if !id.starts_with("legend ") {
                        nodes.insert(id);
                    }
                }
                Stmt::Subgraph(sg) => walk(&sg.stmts, nodes, edges),
                Stmt::Edge(e) => {
                    if let EdgeTy::Pair(Vertex::N(a), Vertex::N(b)) = &e.ty {
                        edges.insert((unesc(&a.0), unesc(&b.0)));
                    }
                }
                _ => {}
            }
        }
    }
    let stmts = match g {
        Graph::DiGraph { stmts, .. } | Graph::Graph { stmts, .. } => stmts,
    };
    let (mut n, mut e) = (BTreeSet::new(), BTreeSet::new());
    walk(stmts, &mut n, &mut e);
    (n, e)
}

fn draw(model: &Path, query: &str, out: &Path) -> String {
    draw_with(model, query, out, &[])
}

fn draw_with(model: &Path, query: &str, out: &Path, extra: &[&str]) -> String {
    let o = bin()
        .args([
            "diagram",
            "--model",
            model.to_str().unwrap(),
            "--query",
            query,
            "-o",
            out.to_str().unwrap(),
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn dot_holds_exactly_the_results_nodes_and_edges() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ev.dot");
    draw(&small(), "chokepoints of \"ev\"", &out);
    let g = graphviz_rust::parse(&std::fs::read_to_string(&out).unwrap()).expect("DOT parses back");
    let (nodes, edges) = contents(&g);
    // By hand from tests/models/small.toml: ev and everything upstream of it along edges
    // that carry a share today (the planned plant is not), and the edges among them.
    let want_nodes: BTreeSet<String> = [
        "ev", "gd-plant", "import", "magnets", "mine-a", "mine-b", "recycler", "sep",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let want_edges: BTreeSet<(String, String)> = [
        ("mine-a", "sep"),
        ("mine-b", "sep"),
        ("sep", "magnets"),
        ("recycler", "magnets"),
        ("magnets", "ev"),
        ("import", "ev"),
        ("gd-plant", "ev"),
        ("ev", "recycler"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(nodes, want_nodes);
    assert_eq!(edges, want_edges);
    let text = std::fs::read_to_string(&out).unwrap();
    // The critical chokepoint is drawn red; the recycling edge does not constrain the ranks.
    let line = |key: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_default()
            .to_string()
    };
    let gd = line("\"gd-plant\"[");
    assert!(
        gd.contains("label=\"Gd plant\\nimpact 1\"") && gd.contains("color=red"),
        "{gd}"
    );
    // In a .dot (drawn as SVG) the edge's material and share are in its tooltip, not on it.
    let back = line("\"ev\" -> \"recycler\"");
    assert!(
        back.contains("tooltip=\"Electric vehicles -> Recycler: scrap, 100% of the input\"")
            && back.contains("constraint=false")
            && !back.contains("label="),
        "{back}"
    );
}

#[test]
fn hard_names_survive_escaping() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.toml");
    let name = "Usine \"Nord\" \\ Ærø — 東京\nsecond line";
    std::fs::write(
        &model,
        format!(
            "[[node]]\nid = 'a\"b\\c'\nname = {}\nkind = \"mine\"\n[[node]]\nid = \"plain\"\nkind = \"end_use\"\n[[edge]]\nfrom = 'a\"b\\c'\nto = \"plain\"\n",
            toml_string(name)
        ),
    )
    .unwrap();
    let out = dir.path().join("m.dot");
    draw(&model, "nodes", &out);
    let text = std::fs::read_to_string(&out).unwrap();
    let g = graphviz_rust::parse(&text).expect("DOT parses back");
    let (nodes, edges) = contents(&g);
    assert!(nodes.contains("a\"b\\c"), "{nodes:?}");
    assert!(edges.contains(&("a\"b\\c".to_string(), "plain".to_string())));
    // The label, unescaped, is the name (wrapped at spaces to keep the ranks narrow).
    let label = node_label(&g, "a\"b\\c").expect("the node has a label");
    assert_eq!(label.replace('\n', " "), name.replace('\n', " "));
    assert!(label.ends_with("\nsecond line"), "{label}");
}

/// The unescaped `label` of the node with this id.
fn node_label(g: &Graph, id: &str) -> Option<String> {
    node_attr(g, id, "label")
}

/// The unescaped attribute `key` of the node with this id.
fn node_attr(g: &Graph, id: &str, key: &str) -> Option<String> {
    fn walk(stmts: &[Stmt], id: &str, key: &str) -> Option<String> {
        for s in stmts {
            match s {
                Stmt::Node(n) if unesc(&n.id.0) == id => {
                    return n
                        .attributes
                        .iter()
                        .find(|a| unesc(&a.0) == key)
                        .map(|a| unesc(&a.1));
                }
                Stmt::Subgraph(sg) => {
                    if let Some(l) = walk(&sg.stmts, id, key) {
                        return Some(l);
                    }
                }
                _ => {}
            }
        }
        None
    }
    match g {
        Graph::DiGraph { stmts, .. } | Graph::Graph { stmts, .. } => walk(stmts, id, key),
    }
}

fn toml_string(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

#[test]
fn svg_from_real_graphviz_holds_every_label() {
    if supplygraph::output::dot::dot_program().is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Graphviz installed (.ci/run installs it)"
        );
        eprintln!("skipped: Graphviz's dot is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("up.svg");
    draw(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("models/rare_earths")
            .as_path(),
        "with scenario baotou_explosion: loss of \"Electric vehicles\"",
        &out,
    );
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg"));
    // Every node of the result, by its name (XML-escaped as Graphviz writes it).
    let o = bin()
        .args([
            "query",
            "--format",
            "csv",
            "upstream of \"Electric vehicles\" union \"Electric vehicles\"",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let names: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .skip(1)
        .map(|l| {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(l.as_bytes());
            r.records().next().unwrap().unwrap()[1].to_string()
        })
        .collect();
    assert!(names.len() > 20);
    for n in names {
        // Graphviz writes XML entities, and hyphens as `&#45;`.
        let xml = n
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('-', "&#45;");
        assert!(svg.contains(&xml), "{n} is not in the SVG");
    }
    // The title spells out the named scenario (models/rare_earths/scenarios.toml).
    assert!(
        svg.contains("what&#45;if: baotou_explosion (disrupt &quot;sep&#45;baotou&quot; by 20%)")
    );
}

#[test]
fn crowded_stages_fold_into_other_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("wide.toml");
    let mut t = String::from("[[node]]\nid = \"end\"\nkind = \"end_use\"\nstage = \"end use\"\n");
    for i in 0..40 {
        t += &format!("[[node]]\nid = \"m{i}\"\nkind = \"mine\"\nstage = \"mining\"\n[[edge]]\nfrom = \"m{i}\"\nto = \"end\"\nvolume = {}\n", i + 1);
    }
    std::fs::write(&model, t).unwrap();
    let out = dir.path().join("wide.dot");
    let msg = draw_with(&model, "chokepoints of \"end\"", &out, &["--fold", "none"]);
    assert!(msg.contains("(16 nodes, 15 edges)"), "{msg}");
    let g = graphviz_rust::parse(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let (nodes, edges) = contents(&g);
    // The 14 largest suppliers (volumes 40 down to 27) stay; the other 26 fold into one node.
    assert!(nodes.contains("m39") && nodes.contains("m26") && !nodes.contains("m25"));
    assert!(nodes.contains("other mining"));
    assert!(edges.contains(&("other mining".to_string(), "end".to_string())));
}

#[test]
fn without_dot_the_dot_text_is_written_and_the_message_says_how_to_install() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.svg");
    let o = bin()
        .env("PATH", dir.path())
        .args([
            "diagram",
            "--model",
            small().to_str().unwrap(),
            "-q",
            "nodes",
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("apt-get install graphviz"), "{err}");
    let dot = std::fs::read_to_string(dir.path().join("x.dot")).unwrap();
    assert!(graphviz_rust::parse(&dot).is_ok());
}

#[test]
fn the_diagram_statement_draws_a_query_and_a_what_if() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("w.dot");
    let q = format!(
        "diagram with disrupt \"sep\" by 50%: loss of \"ev\" to \"{}\"",
        out.display()
    );
    let o = bin()
        .args(["query", "--model", small().to_str().unwrap(), &q])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("(8 nodes, 8 edges)"));
    let text = std::fs::read_to_string(&out).unwrap();
    // The caption is an HTML label: quotes as entities.
    assert!(
        text.contains("what-if: disrupt &quot;sep&quot; by 50%"),
        "{text}"
    );
    // ev's loss under the what-if is on its label. By hand: sep loses 0.5, so magnets lose
    // 0.9 * 0.5 + 0.1 * L(ev) (the recycling loop), and L(ev) = 0.8 * that: 0.36 / 0.92.
    assert!(text.contains("Electric vehicles\\nloss 0.3913"), "{text}");
}

/// The caption: the graph's label (an HTML label holding the title and the legend).
fn caption(g: &Graph) -> String {
    let stmts = match g {
        Graph::DiGraph { stmts, .. } | Graph::Graph { stmts, .. } => stmts,
    };
    stmts
        .iter()
        .find_map(|s| match s {
            Stmt::GAttribute(graphviz_rust::dot_structures::GraphAttributes::Graph(a)) => a
                .iter()
                .find(|a| unesc(&a.0) == "label")
                .map(|a| unesc(&a.1)),
            _ => None,
        })
        .unwrap_or_default()
}

/// The legend's swatches, in order: (colour, value as printed).
fn swatches(caption: &str) -> Vec<(String, String)> {
    caption
        .split("<TD BGCOLOR=\"")
        .skip(1)
        .map(|s| {
            let colour = s[..7].to_string();
            let value = s
                .split('>')
                .nth(1)
                .unwrap_or("")
                .split('<')
                .next()
                .unwrap_or("");
            (colour, value.to_string())
        })
        .collect()
}

fn parse_dot(path: &Path) -> Graph {
    graphviz_rust::parse(&std::fs::read_to_string(path).unwrap()).expect("DOT parses back")
}

#[test]
fn the_scale_spans_the_results_own_range() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("w.dot");
    // By hand (tests/models/small.toml): sep loses 20% and nothing loses more (every loss
    // downstream is a mix of sep's and untouched inputs); the mines lose nothing.
    draw(
        &small(),
        "with disrupt \"sep\" by 20%: loss of \"ev\"",
        &out,
    );
    let g = parse_dot(&out);
    let c = caption(&g);
    assert!(
        c.contains("fill: loss, from 0 (lightest) to 0.2 (deepest)"),
        "{c}"
    );
    let sw = swatches(&c);
    assert_eq!(sw.len(), 5);
    assert_eq!(sw[0], ("#ffffff".to_string(), "0".to_string()));
    assert_eq!(sw[4].1, "0.2");
    // A what-if whose losses stay under 20% is not white: its worst node has the deepest colour.
    assert_eq!(node_attr(&g, "sep", "fillcolor").unwrap(), sw[4].0);
    assert_eq!(node_attr(&g, "mine-a", "fillcolor").unwrap(), "#ffffff");
    let magnets = node_attr(&g, "magnets", "fillcolor").unwrap();
    assert!(magnets != "#ffffff" && magnets != sw[4].0, "{magnets}");
}

#[test]
fn a_limit_draws_the_most_affected_nodes_and_says_how_many_were_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("l.dot");
    // By hand: sep loses 0.5; magnets 0.9 * 0.5 + 0.1 * L(ev) with L(ev) = 0.8 * L(magnets),
    // so 0.45 / 0.92 = 0.489; ev and the recycler 0.391; the rest 0. The two most affected are
    // sep and magnets, joined by their own edge.
    let q = format!(
        "diagram with disrupt \"sep\" by 50%: loss of \"ev\" limit 2 to \"{}\"",
        out.display()
    );
    let o = bin()
        .args(["query", "--model", small().to_str().unwrap(), &q])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("(2 nodes, 1 edge)"));
    let g = parse_dot(&out);
    let (nodes, edges) = contents(&g);
    assert_eq!(
        nodes,
        ["magnets", "sep"].into_iter().map(String::from).collect()
    );
    assert!(edges.contains(&("sep".to_string(), "magnets".to_string())));
    assert!(
        caption(&g).contains("limit 2: the 2 most affected of 8 nodes drawn, 6 left out"),
        "{}",
        caption(&g)
    );
    // The statement prints back with its limit; a chokepoints' own limit is the drawing's.
    let st = supplygraph::query::parse::parse_one(&q).unwrap();
    assert_eq!(st.stmt.to_string(), q);
    let q = format!(
        "diagram chokepoints of \"ev\" limit 1 to \"{}\"",
        out.display()
    );
    let o = bin()
        .args(["query", "--model", small().to_str().unwrap(), &q])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("(1 node, 0 edges)"));
    // The table's first row: the Gd plant, the only input of ev's Gd, impact 1.
    assert_eq!(
        contents(&parse_dot(&out)).0,
        ["gd-plant"].into_iter().map(String::from).collect()
    );
}

/// 45 mines in three countries (15 each, outputs 1 to 45, sourced) supplying one end use.
fn three_countries(dir: &Path) -> PathBuf {
    let mut t = String::from(
        "[[source]]\nid = \"survey\"\ntitle = \"A survey\"\n\
         [[region]]\nid = \"A\"\nlevel = \"country\"\n\
         [[region]]\nid = \"B\"\nlevel = \"country\"\n\
         [[region]]\nid = \"C\"\nlevel = \"country\"\n\
         [[node]]\nid = \"end\"\nkind = \"end_use\"\nstage = \"end use\"\n",
    );
    for i in 0..45 {
        let country = ["A", "B", "C"][i / 15];
        t += &format!(
            "[[node]]\nid = \"m{i}\"\nkind = \"mine\"\nstage = \"mining\"\nregion = \"{country}\"\n\
             output = {{ value = {}, source = \"survey\" }}\n\
             [[edge]]\nfrom = \"m{i}\"\nto = \"end\"\nvolume = {}\n",
            i + 1,
            i + 1
        );
    }
    let model = dir.join("three.toml");
    std::fs::write(&model, t).unwrap();
    model
}

#[test]
fn crowded_results_fold_by_country_or_stage() {
    let dir = tempfile::tempdir().unwrap();
    let model = three_countries(dir.path());
    let out = dir.path().join("f.dot");
    // 46 nodes, more than 40: one node per country at the mining stage, and the end use.
    let msg = draw(&model, "chokepoints of \"end\"", &out);
    assert!(msg.contains("(4 nodes, 3 edges)"), "{msg}");
    let g = parse_dot(&out);
    let c = caption(&g);
    assert!(c.contains("folded by country"), "{c}");
    // Country C holds mines 31 to 45: their supply is (31 + ... + 45) / (1 + ... + 45) of the
    // end's = 570 / 1035; the fold's label gives the largest impact among them, m44's 45/1035.
    let label = node_label(&g, "fold mining C").expect("a node for country C's mines");
    assert!(label.starts_with("C: 15 mining nodes"), "{label}");
    assert!(
        label.contains(&format!(
            "impact up to {}",
            supplygraph::output::rounded(45.0 / 1035.0)
        )),
        "{label}"
    );
    // Forced by stage: the mines in one node; disabled: each node, 15 per stage at most.
    let msg = draw_with(&model, "chokepoints of \"end\"", &out, &["--fold", "stage"]);
    assert!(msg.contains("(2 nodes, 1 edge)"), "{msg}");
    let msg = draw_with(&model, "chokepoints of \"end\"", &out, &["--fold", "none"]);
    assert!(msg.contains("(16 nodes, 15 edges)"), "{msg}");
    // A small result is not folded unless asked.
    let msg = draw_with(&small(), "chokepoints of \"ev\"", &out, &[]);
    assert!(msg.contains("(8 nodes, 8 edges)"), "{msg}");
}

#[test]
fn tooltips_carry_each_nodes_figures_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let model = three_countries(dir.path());
    let out = dir.path().join("t.dot");
    draw_with(&model, "chokepoints of \"end\"", &out, &["--fold", "none"]);
    let g = parse_dot(&out);
    let tip = node_attr(&g, "m44", "tooltip").expect("a tooltip");
    assert!(tip.contains("output: 45 t/yr (source: survey)"), "{tip}");
    assert!(tip.contains("impact: "), "{tip}");
    // The end use's inputs with their shares: m44 gives 45/1035 = 4.3%.
    let tip = node_attr(&g, "end", "tooltip").expect("a tooltip");
    assert!(tip.contains("inputs (share):\n  4.3% from m44"), "{tip}");
    // In real SVG the tooltips become titles of links.
    if supplygraph::output::dot::dot_program().is_some() {
        let svg = dir.path().join("t.svg");
        draw_with(&model, "chokepoints of \"end\"", &svg, &["--fold", "none"]);
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(
            text.contains("xlink:title=\"m44&#10;mine, stage mining, C"),
            "no tooltip"
        );
    }
}

/// The bars of a bar chart's DOT: (group label, bar length) in order.
fn bars(dot: &str) -> Vec<(String, f64)> {
    dot.split("<TR><TD ALIGN=\"RIGHT\">")
        .skip(1)
        .map(|row| {
            let label = row.split('<').next().unwrap().to_string();
            let w = row
                .split("FIXEDSIZE=\"TRUE\" BGCOLOR")
                .next()
                .unwrap()
                .rsplit("WIDTH=\"")
                .next()
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            (label, w)
        })
        .collect()
}

#[test]
fn concentration_and_total_draw_as_bar_charts() {
    let dir = tempfile::tempdir().unwrap();
    let model = three_countries(dir.path());
    let out = dir.path().join("b.dot");
    // By hand: outputs by country A 1..15 = 120, B 16..30 = 345, C 31..45 = 570; of 1035.
    let msg = draw(&model, "total output of nodes by country", &out);
    assert!(msg.contains("a bar chart of 3 bars"), "{msg}");
    let full = supplygraph::output::dot::bars::FULL_BAR;
    let want = |x: f64| (x / 1035.0 * full).round();
    assert_eq!(
        bars(&std::fs::read_to_string(&out).unwrap()),
        vec![
            ("C".to_string(), want(570.0)),
            ("B".to_string(), want(345.0)),
            ("A".to_string(), want(120.0)),
        ]
    );
    // Concentration: every country's share of the end's supply at each stage (volumes equal
    // the outputs here), one bar each; drawn from the language too.
    let q = format!(
        "diagram concentration of \"end\" by country to \"{}\"",
        out.display()
    );
    let o = bin()
        .args(["query", "--model", model.to_str().unwrap(), &q])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dot = std::fs::read_to_string(&out).unwrap();
    assert!(dot.contains("<B>mining</B>"), "{dot}");
    assert_eq!(
        bars(&dot),
        vec![
            ("C".to_string(), want(570.0)),
            ("B".to_string(), want(345.0)),
            ("A".to_string(), want(120.0)),
        ]
    );
}

/// A command line split as a POSIX shell would for the README's commands (words, and single-
/// or double-quoted parts without escapes).
fn shell_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => out.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    out.extend(word);
    out
}

#[test]
fn the_readmes_diagrams_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme
        .split("\n## Diagrams\n")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a Diagrams section");
    let commands: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("supplygraph diagram "))
        .collect();
    assert!(commands.len() >= 3, "{commands:?}");
    let dir = tempfile::tempdir().unwrap();
    for line in commands {
        let mut args = shell_words(line);
        args.remove(0);
        let o = args.iter().position(|a| a == "-o").expect("-o FILE") + 1;
        let svg = args[o].clone();
        assert!(
            section.contains(&format!("]({svg})")),
            "the README shows {svg}"
        );
        let dot = svg.replace(".svg", ".dot");
        let fresh = dir.path().join("fresh.dot");
        args[o] = fresh.display().to_string();
        let run = bin().args(&args).current_dir(root).output().unwrap();
        assert!(run.status.success(), "{line}");
        let now = std::fs::read_to_string(&fresh).unwrap();
        let stored = std::fs::read_to_string(root.join(&dot)).unwrap_or_default();
        assert!(
            now == stored,
            "{dot} is stale (or missing): redraw the README's diagrams with scripts/diagrams"
        );
        // The size the README gives is the SVG's.
        let text = std::fs::read_to_string(root.join(&svg)).unwrap();
        let attr = |k: &str| {
            text.split(&format!(" {k}=\""))
                .nth(1)
                .and_then(|x| x.split("pt\"").next())
                .unwrap_or_default()
                .to_string()
        };
        let (w, h) = (attr("width"), attr("height"));
        let px = (w.parse::<f64>().unwrap() * 4.0 / 3.0).round();
        let after = section
            .split(&format!("]({svg})"))
            .nth(1)
            .unwrap_or_default();
        assert!(
            after
                .trim_start()
                .starts_with(&format!("<sub>drawn {w} × {h} pt ({px} px wide)</sub>")),
            "the README gives {svg}'s size as drawn: {w} × {h} pt ({px} px wide)"
        );
        // The SVG was drawn from it: every node of the DOT is an SVG node (Graphviz titles each
        // node's group with its id).
        let (nodes, _) = contents(&graphviz_rust::parse(&now).unwrap());
        for n in nodes {
            let xml = n
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('-', "&#45;");
            assert!(
                text.contains(&format!("<title>{xml}</title>")),
                "{svg} has no node {n}: redraw it with scripts/diagrams"
            );
        }
    }
}

#[test]
fn a_difference_between_scenarios_shades_on_a_diverging_scale() {
    use supplygraph::output::dot::{build, difference_graph, DiagramOptions};
    let (m, problems) = supplygraph::model::load_path(&small()).build();
    let m = m.unwrap_or_else(|| panic!("{problems:?}"));
    let (mut session, _) = supplygraph::query::Session::new(&m);
    let file = std::sync::Arc::new(supplygraph::diag::SourceText::new(
        "<test>",
        "loss of \"ev\"",
    ));
    let st = supplygraph::query::parse::parse_one("loss of \"ev\"").unwrap();
    let Ok(supplygraph::query::Outcome::Table(t)) = session.run(&file, &st) else {
        panic!("a table")
    };
    let base = t.graph.expect("a graph");
    // Scenario B minus scenario A: sep loses 0.3 less, magnets 0.1 more, the rest the same.
    let id = |k: &str| m.find(k).unwrap();
    let diffs = [(id("sep"), -0.3), (id("magnets"), 0.1)]
        .into_iter()
        .collect();
    let g = difference_graph(&base, "difference in loss, B minus A", diffs);
    let (graph, n, _) = build(&m, &g, &DiagramOptions::default()).unwrap();
    assert_eq!(n, 8);
    let c = caption(&graph);
    assert!(
        c.contains("fill: difference in loss, B minus A, from -0.3 to 0.1 (this result's range); blue below zero, orange above"),
        "{c}"
    );
    // Symmetric stops around zero; sep is the deepest blue, magnets a third of the way to the
    // deepest orange, unchanged nodes white.
    let sw = swatches(&c);
    let values: Vec<&str> = sw.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(values, ["-0.3", "-0.15", "0", "0.15", "0.3"]);
    assert_eq!(node_attr(&graph, "sep", "fillcolor").unwrap(), sw[0].0);
    assert_eq!(node_attr(&graph, "ev", "fillcolor").unwrap(), "#ffffff");
    let magnets = node_attr(&graph, "magnets", "fillcolor").unwrap();
    let channel = |c: &str, i: usize| u8::from_str_radix(&c[1 + 2 * i..3 + 2 * i], 16).unwrap();
    assert!(
        channel(&magnets, 0) > channel(&magnets, 2),
        "orange: {magnets}"
    );
    assert!(
        channel(&magnets, 2) > channel(&sw[4].0, 2),
        "lighter than the deepest: {magnets}"
    );
}

/// `diagram compare A, B: loss of X`: the graph of B shaded by B's loss minus A's. On the small
/// model, A loses half of Mine A, B all of Mine B: Mine B's difference is +1 (deepest orange),
/// Mine A's -0.5 (blue, half way), the separator's 0.4 - 0.3 = +0.1 (light orange).
#[test]
fn a_compare_diagram_shades_by_the_second_case_minus_the_first() {
    use supplygraph::output::dot::{build, DiagramOptions};
    let (m, problems) = supplygraph::model::load_path(&small()).build();
    let m = m.unwrap_or_else(|| panic!("{problems:?}"));
    let (mut session, _) = supplygraph::query::Session::new(&m);
    let text = "scenario a = disrupt \"mine-a\" by 50%; scenario b = disrupt \"mine-b\"; \
                compare scenario a, scenario b: loss of \"ev\"";
    let file = std::sync::Arc::new(supplygraph::diag::SourceText::new("<test>", text));
    session.drawing = true;
    let mut last = None;
    for r in supplygraph::query::parse::split(text) {
        let st = supplygraph::query::parse::parse_statement(&file, r).unwrap();
        last = Some(session.run(&file, &st).unwrap());
    }
    let Some(supplygraph::query::Outcome::Table(t)) = last else {
        panic!("a table")
    };
    let g = t.graph.expect("a compared result draws");
    let opts = DiagramOptions {
        diverging: true,
        ..Default::default()
    };
    let (graph, _, _) = build(&m, &g, &opts).unwrap();
    let c = caption(&graph);
    assert!(
        c.contains("fill: difference in loss, b minus a, from -0.5 to 1"),
        "{c}"
    );
    let sw = swatches(&c);
    // The largest difference, +1, is the deepest orange; the scale is symmetric around zero.
    assert_eq!(node_attr(&graph, "mine-b", "fillcolor").unwrap(), sw[4].0);
    let channel = |c: &str, i: usize| u8::from_str_radix(&c[1 + 2 * i..3 + 2 * i], 16).unwrap();
    let mine_a = node_attr(&graph, "mine-a", "fillcolor").unwrap();
    assert!(channel(&mine_a, 2) > channel(&mine_a, 0), "blue: {mine_a}");
    assert_eq!(mine_a, sw[1].0, "half way to the deepest blue");
    let sep = node_attr(&graph, "sep", "fillcolor").unwrap();
    assert!(channel(&sep, 0) > channel(&sep, 2), "orange: {sep}");
    assert!(channel(&sep, 2) > channel(&sw[4].0, 2), "lighter: {sep}");

    // Through the statement, to a file: the legend says which difference is shown.
    let dir = std::env::temp_dir().join(format!("sg-cmp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("cmp.dot");
    let stmt = format!(
        "diagram compare scenario a, scenario b: loss of \"ev\" to \"{}\"",
        out.display()
    );
    let file = std::sync::Arc::new(supplygraph::diag::SourceText::new("<test>", stmt.clone()));
    let st = supplygraph::query::parse::parse_one(&stmt).unwrap();
    session.drawing = false;
    let msg = session
        .run(&file, &st)
        .and_then(|o| o.drawn(&m, &file))
        .unwrap();
    assert!(matches!(msg, supplygraph::query::Outcome::Message(_)));
    let dot = std::fs::read_to_string(&out).unwrap();
    assert!(dot.contains("difference in loss, b minus a"), "{dot}");
    assert!(dot.contains("blue below zero, orange above"));
}
