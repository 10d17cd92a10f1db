//! Diagrams: a result's subgraph as a Graphviz graph (built with graphviz-rust), laid out as a
//! supply chain (left to right by stage, clustered by country, shapes by kind), and rendered by
//! Graphviz's `dot`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};

use super::{Measure, ResultGraph};
use crate::analysis::stages::STAGE_ORDER;
use crate::diag::{Code, ErrorCode};
use crate::model::graph::{Kind, Model};
use crate::text::quote;

/// How a diagram is drawn.
#[derive(Debug, Clone)]
pub struct DiagramOptions {
    /// Region level the clusters are drawn for ("country"), or "none".
    pub cluster_level: String,
    /// Per stage at most this many nodes; the rest fold into one "other" node.
    pub max_per_stage: usize,
    /// The title: the query, the model, the what-if.
    pub title: String,
}

impl Default for DiagramOptions {
    fn default() -> Self {
        DiagramOptions {
            cluster_level: "country".into(),
            max_per_stage: 15,
            title: String::new(),
        }
    }
}

/// Why a diagram was not drawn (codes `E03xx`, see `diag::Code`).
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    /// E0301
    #[error("this result is not about nodes: there is nothing to draw")]
    NotAboutNodes,
    /// E0302
    #[error("{0} nodes are too many to draw well (at most {MAX_DRAWN}): narrow the query (`upstream of X depth 2`, `nodes where region = ...`) or lower the nodes kept per stage")]
    TooManyNodes(usize),
    /// E0303
    #[error("cannot draw to `.{0}`: use .svg, .png, .pdf or .dot")]
    UnknownFormat(String),
    /// E0304
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// E0305: the DOT text was written beside the file instead.
    #[error("Graphviz's `dot` is not installed, so {} was not drawn; the DOT text is in {}. Install Graphviz (`apt-get install graphviz`, `brew install graphviz`) and run `dot -T{format} {} -o {}`", .out.display(), .dot_path.display(), .dot_path.display(), .out.display())]
    NoGraphviz {
        out: PathBuf,
        dot_path: PathBuf,
        format: String,
    },
    /// E0306
    #[error("dot could not draw {}: {source}", .out.display())]
    Dot {
        out: PathBuf,
        source: std::io::Error,
    },
}

impl Code for DrawError {
    fn code(&self) -> ErrorCode {
        ErrorCode(match self {
            DrawError::NotAboutNodes => 301,
            DrawError::TooManyNodes(_) => 302,
            DrawError::UnknownFormat(_) => 303,
            DrawError::Write { .. } => 304,
            DrawError::NoGraphviz { .. } => 305,
            DrawError::Dot { .. } => 306,
        })
    }
}

/// Beyond this many drawn nodes a diagram is not readable: narrow the query instead.
pub const MAX_DRAWN: usize = 250;

/// A DOT string literal: quotes, backslashes and line breaks escaped as in the query language
/// (a tab, which Graphviz would show as `\t`, becomes a space).
pub fn esc(s: &str) -> Id {
    Id::Escaped(quote(&s.replace('\r', "").replace('\t', " ")))
}

/// The text of a DOT id as written (the inverse of `esc` for quoted ids).
pub fn unesc(id: &Id) -> String {
    match id {
        Id::Escaped(s) => {
            let inner = s
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .unwrap_or(s);
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    match chars.next() {
                        Some('n') => out.push('\n'),
                        Some(o) => out.push(o),
                        None => {}
                    }
                } else {
                    out.push(c);
                }
            }
            out
        }
        Id::Html(s) | Id::Plain(s) | Id::Anonymous(s) => s.clone(),
    }
}

fn attr(k: &str, v: Id) -> Attribute {
    Attribute(Id::Plain(k.into()), v)
}

fn plain(v: impl Into<String>) -> Id {
    Id::Plain(v.into())
}

/// What is drawn: node keys (model ids, or "other ..." for folded nodes) and edges.
struct Drawn {
    nodes: Vec<DrawnNode>,
    edges: BTreeMap<(usize, usize), (String, f64, bool)>,
}

struct DrawnNode {
    key: String,
    label: String,
    kind: Option<Kind>,
    stage: Option<String>,
    cluster: Option<String>,
    value: Option<f64>,
    critical: bool,
}

fn stage_rank(stage: Option<&str>) -> usize {
    stage
        .and_then(|s| STAGE_ORDER.iter().position(|k| k.eq_ignore_ascii_case(s)))
        .unwrap_or(STAGE_ORDER.len())
}

/// Builds the graph for a result. Errors when it is too big to draw well.
pub fn build(
    m: &Model,
    r: &ResultGraph,
    opts: &DiagramOptions,
) -> Result<(Graph, usize, usize), DrawError> {
    let drawn = fold(m, r, opts)?;
    let (n, e) = (drawn.nodes.len(), drawn.edges.len());
    Ok((to_graph(&drawn, r, opts), n, e))
}

/// Chooses what to draw, folding the smallest nodes of crowded stages into "other" nodes.
fn fold(m: &Model, r: &ResultGraph, opts: &DiagramOptions) -> Result<Drawn, DrawError> {
    let value = |v: u32| r.measure.as_ref().and_then(|mea| mea.of(v));
    let critical: HashSet<u32> = r.critical.iter().copied().collect();
    let shares: &[f64] = r
        .shares
        .as_deref()
        .map(Vec::as_slice)
        .unwrap_or(&m.net.in_share);
    let mut nodes_in: Vec<u32> = r.nodes.clone();
    if r.cone {
        nodes_in.extend(
            crate::analysis::cone::upstream(&m.net, shares, &r.nodes, None)
                .into_iter()
                .map(|(v, _)| v),
        );
        nodes_in.sort_unstable();
        nodes_in.dedup();
    }
    let flow: Vec<u32> = nodes_in
        .into_iter()
        .filter(|&v| m.entity(v).kind.is_flow())
        .collect();
    // Per stage, the nodes kept: the highest measures (then most connections) first.
    let mut by_stage: BTreeMap<Option<String>, Vec<u32>> = BTreeMap::new();
    for &v in &flow {
        by_stage
            .entry(m.entity(v).stage.map(String::from))
            .or_default()
            .push(v);
    }
    let in_result: HashSet<u32> = flow.iter().copied().collect();
    let degree = |v: u32| m.net.inputs(v).len() + m.net.outputs(v).len();
    let mut slot: HashMap<u32, usize> = HashMap::new();
    let mut nodes: Vec<DrawnNode> = Vec::new();
    for (stage, mut vs) in by_stage {
        vs.sort_by(|&a, &b| {
            let (va, vb) = (value(a).unwrap_or(0.0), value(b).unwrap_or(0.0));
            vb.total_cmp(&va)
                .then(critical.contains(&b).cmp(&critical.contains(&a)))
                .then(degree(b).cmp(&degree(a)))
                .then(m.entity(a).id.cmp(m.entity(b).id))
        });
        let keep = if vs.len() > opts.max_per_stage {
            opts.max_per_stage.saturating_sub(1).max(1)
        } else {
            vs.len()
        };
        for &v in &vs[..keep] {
            let e = m.entity(v);
            slot.insert(v, nodes.len());
            let mut label = e.name.to_string();
            if let (Some(x), Some(mea)) = (value(v), &r.measure) {
                label.push_str(&format!("\n{} {}", mea.name, super::rounded(x)));
            }
            nodes.push(DrawnNode {
                key: e.id.to_string(),
                label,
                kind: Some(e.kind),
                stage: e.stage.map(String::from),
                cluster: cluster_of(m, v, &opts.cluster_level),
                value: value(v),
                critical: critical.contains(&v),
            });
        }
        if keep < vs.len() {
            let rest = &vs[keep..];
            let idx = nodes.len();
            for &v in rest {
                slot.insert(v, idx);
            }
            let st = stage.clone().unwrap_or_else(|| "no stage".into());
            let top = rest
                .iter()
                .filter_map(|&v| value(v))
                .fold(None, |a: Option<f64>, x| Some(a.map_or(x, |a| a.max(x))));
            nodes.push(DrawnNode {
                key: format!("other {st}"),
                label: format!(
                    "{} other {st} nodes{}",
                    rest.len(),
                    top.map(|t| format!("\nat most {}", super::rounded(t)))
                        .unwrap_or_default()
                ),
                kind: None,
                stage,
                cluster: None,
                value: top,
                critical: false,
            });
        }
    }
    if nodes.len() > MAX_DRAWN {
        return Err(DrawError::TooManyNodes(nodes.len()));
    }
    let mut edges: BTreeMap<(usize, usize), (String, f64, bool)> = BTreeMap::new();
    for &v in &flow {
        for p in m.net.inputs(v) {
            let u = m.net.in_src[p];
            if shares[p] <= 0.0 || !in_result.contains(&u) {
                continue;
            }
            let (a, b) = (slot[&u], slot[&v]);
            if a == b {
                continue;
            }
            let s = &m.supplies[m.net.in_supply[p] as usize];
            let material = s
                .material()
                .map(|k| m.materials[k as usize].name.clone())
                .unwrap_or_default();
            let back =
                stage_rank(nodes[b].stage.as_deref()) < stage_rank(nodes[a].stage.as_deref());
            let entry = edges.entry((a, b)).or_insert((material.clone(), 0.0, back));
            entry.1 = entry.1.max(shares[p]);
            if entry.0 != material {
                entry.0 = "several materials".into();
            }
        }
    }
    Ok(Drawn { nodes, edges })
}

fn cluster_of(m: &Model, v: u32, level: &str) -> Option<String> {
    if level == "none" {
        return None;
    }
    let r = m.region_at_level(v, level).or(if level == "country" {
        m.entity(v).region
    } else {
        None
    })?;
    Some(m.entity(r).name.to_string())
}

fn shape(k: Option<Kind>) -> &'static str {
    match k {
        Some(Kind::Mine) => "invtriangle",
        Some(Kind::Facility) => "box",
        Some(Kind::Stage) => "box3d",
        Some(Kind::Product) => "ellipse",
        Some(Kind::EndUse) => "doubleoctagon",
        Some(Kind::Region) | None => "note",
    }
}

/// A share as a percentage, with a decimal for small ones (0.2%, 12%).
fn percent(x: f64) -> String {
    if x < 0.1 {
        format!("{:.1}%", x * 100.0)
    } else {
        format!("{:.0}%", x * 100.0)
    }
}

/// Fill colour for a measure in [0, 1]: white to deep orange.
fn fill(x: f64) -> String {
    format!("0.07 {:.3} 1.000", x.clamp(0.0, 1.0) * 0.85)
}

fn to_graph(d: &Drawn, r: &ResultGraph, opts: &DiagramOptions) -> Graph {
    let mut stmts: Vec<Stmt> = Vec::new();
    let mut title = opts.title.clone();
    if let Some(s) = &r.scenario {
        title.push_str(&format!("\nwhat-if: {s}"));
    }
    stmts.push(Stmt::GAttribute(GraphAttributes::Graph(vec![
        attr("rankdir", plain("LR")),
        attr("label", esc(&title)),
        attr("labelloc", plain("t")),
        attr("fontname", esc("Helvetica")),
        attr("nodesep", plain("0.25")),
        attr("ranksep", plain("0.9")),
    ])));
    stmts.push(Stmt::GAttribute(GraphAttributes::Node(vec![
        attr("fontname", esc("Helvetica")),
        attr("fontsize", plain("10")),
        attr("style", esc("filled")),
        attr("fillcolor", plain("white")),
    ])));
    stmts.push(Stmt::GAttribute(GraphAttributes::Edge(vec![
        attr("fontname", esc("Helvetica")),
        attr("fontsize", plain("8")),
        attr("color", esc("#555555")),
    ])));
    let node = |n: &DrawnNode| {
        // Under uncertainty, a node is shaded from its p05's colour to its p95's: the wider
        // the interval, the plainer the gradient.
        let interval = r.intervals.get(&n.key).filter(|_| n.value.is_some());
        let label = match interval {
            Some(&(lo, hi)) => format!(
                "{} [{}-{}]",
                n.label,
                super::rounded(lo),
                super::rounded(hi)
            ),
            None => n.label.clone(),
        };
        let mut a = vec![
            attr("label", esc(&label)),
            attr("shape", plain(shape(n.kind))),
        ];
        match (n.value, interval) {
            (Some(_), Some(&(lo, hi))) => {
                a.push(attr(
                    "fillcolor",
                    esc(&format!("{}:{}", fill(lo), fill(hi))),
                ));
                a.push(attr("gradientangle", plain("0")));
            }
            (Some(x), None) => a.push(attr("fillcolor", esc(&fill(x)))),
            _ => {}
        }
        if n.critical {
            a.push(attr("color", plain("red")));
            a.push(attr("penwidth", plain("3")));
            a.push(attr("fontcolor", plain("red3")));
        }
        if n.kind.is_none() {
            a.push(attr("style", esc("filled,dashed")));
        }
        Stmt::Node(Node::new(NodeId(esc(&n.key), None), a))
    };
    // Clusters by country (or the chosen level).
    let mut clusters: BTreeMap<&str, Vec<Stmt>> = BTreeMap::new();
    for n in &d.nodes {
        match &n.cluster {
            Some(c) => clusters.entry(c.as_str()).or_default().push(node(n)),
            None => stmts.push(node(n)),
        }
    }
    for (i, (name, inner)) in clusters.into_iter().enumerate() {
        let mut s = vec![
            Stmt::Attribute(attr("label", esc(name))),
            Stmt::Attribute(attr("style", esc("rounded,filled"))),
            Stmt::Attribute(attr("fillcolor", esc("#f4f6fa"))),
            Stmt::Attribute(attr("color", esc("#b8c2d6"))),
        ];
        s.extend(inner);
        stmts.push(Stmt::Subgraph(Subgraph {
            id: Id::Plain(format!("cluster_{i}")),
            stmts: s,
        }));
    }
    for ((a, b), (material, share, back)) in &d.edges {
        let mut attrs = vec![
            attr("label", esc(&format!("{material}\n{}", percent(*share)))),
            attr("penwidth", esc(&format!("{:.2}", 0.6 + 3.0 * share))),
        ];
        if *back {
            // A recycling loop closing: drawn, but left out of the ranking.
            attrs.push(attr("constraint", plain("false")));
            attrs.push(attr("style", plain("dashed")));
        }
        stmts.push(Stmt::Edge(Edge {
            ty: EdgeTy::Pair(
                Vertex::N(NodeId(esc(&d.nodes[*a].key), None)),
                Vertex::N(NodeId(esc(&d.nodes[*b].key), None)),
            ),
            attributes: attrs,
        }));
    }
    // Legend.
    if let Some(Measure { name: what, .. }) = &r.measure {
        let mut s = vec![
            Stmt::Attribute(attr("label", esc("legend"))),
            Stmt::Attribute(attr("style", esc("rounded"))),
            Stmt::Attribute(attr("color", esc("#b8c2d6"))),
        ];
        for x in [0.0, 0.25, 0.5, 0.75, 1.0] {
            s.push(Stmt::Node(Node::new(
                NodeId(esc(&format!("legend {x}")), None),
                vec![
                    attr("label", esc(&format!("{what} {x}"))),
                    attr("shape", plain("box")),
                    attr("fillcolor", esc(&fill(x))),
                ],
            )));
        }
        if !r.critical.is_empty() {
            s.push(Stmt::Node(Node::new(
                NodeId(esc("legend critical"), None),
                vec![
                    attr("label", esc("critical: a single point of failure")),
                    attr("shape", plain("box")),
                    attr("color", plain("red")),
                    attr("penwidth", plain("3")),
                ],
            )));
        }
        stmts.push(Stmt::Subgraph(Subgraph {
            id: Id::Plain("cluster_legend".into()),
            stmts: s,
        }));
    }
    Graph::DiGraph {
        id: esc("supplygraph"),
        strict: false,
        stmts,
    }
}

/// The DOT text of a graph.
pub fn dot_text(g: Graph) -> String {
    use graphviz_rust::printer::{DotPrinter, PrinterContext};
    g.print(&mut PrinterContext::default())
}

/// Where Graphviz's `dot` is, if it is installed.
pub fn dot_program() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|p| p.join("dot"))
        .find(|p| p.is_file())
}

/// Writes a diagram to `out`: DOT text for `.dot`, else rendered by `dot` in the format the
/// extension names (svg, png, pdf). Without `dot`, writes the DOT text beside it and says how
/// to install Graphviz. Returns a message for the user.
pub fn write(g: Graph, out: &Path) -> Result<String, DrawError> {
    let text = dot_text(g);
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    if ext == "dot" || ext == "gv" {
        std::fs::write(out, &text).map_err(|source| DrawError::Write {
            path: out.to_path_buf(),
            source,
        })?;
        return Ok(format!("wrote {}", out.display()));
    }
    let format = match ext.as_str() {
        "svg" | "png" | "pdf" => ext.clone(),
        other => return Err(DrawError::UnknownFormat(other.to_string())),
    };
    let Some(dot) = dot_program() else {
        let dot_path = out.with_extension("dot");
        std::fs::write(&dot_path, &text).map_err(|source| DrawError::Write {
            path: dot_path.clone(),
            source,
        })?;
        return Err(DrawError::NoGraphviz {
            out: out.to_path_buf(),
            dot_path,
            format,
        });
    };
    drop(dot); // found, so `exec` below can run it by name
    use graphviz_rust::cmd::{CommandArg, Format};
    let f = match format.as_str() {
        "svg" => Format::Svg,
        "png" => Format::Png,
        _ => Format::Pdf,
    };
    graphviz_rust::exec_dot(
        text,
        vec![
            CommandArg::Format(f),
            CommandArg::Output(out.display().to_string()),
        ],
    )
    .map_err(|source| DrawError::Dot {
        out: out.to_path_buf(),
        source,
    })?;
    Ok(format!("wrote {}", out.display()))
}

/// Draws a result table's subgraph to `out`, titled with the result and the model.
pub fn draw_table(
    m: &Model,
    t: &super::Table,
    out: &Path,
    opts: &DiagramOptions,
) -> Result<String, DrawError> {
    let g = t.graph.as_ref().ok_or(DrawError::NotAboutNodes)?;
    let mut opts = opts.clone();
    if opts.title.is_empty() {
        opts.title = format!(
            "{}\n{}",
            t.title,
            m.doc.model.name.as_deref().unwrap_or(&m.origin)
        );
    }
    let (graph, n, e) = build(m, g, &opts)?;
    let msg = write(graph, out)?;
    Ok(format!("{msg} ({n} nodes, {e} edges)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_as_the_query_language_does() {
        assert_eq!(quote("a \"b\" \\ c\nd\te"), r#""a \"b\" \\ c\nd\te""#);
        assert_eq!(unesc(&esc("a \"b\"\nc")), "a \"b\"\nc");
    }

    #[test]
    fn an_unknown_format_is_refused_with_its_code() {
        let g = Graph::DiGraph {
            id: Id::Plain("g".into()),
            strict: false,
            stmts: Vec::new(),
        };
        let e = write(g, Path::new("out.bmp")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot draw to `.bmp`: use .svg, .png, .pdf or .dot"
        );
        assert_eq!(e.code(), ErrorCode(303));
    }
}
