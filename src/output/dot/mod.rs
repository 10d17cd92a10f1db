//! Diagrams: a result's subgraph as a Graphviz graph (built with graphviz-rust), laid out as a
//! supply chain (left to right by stage, clustered by country, shapes by kind), and rendered by
//! Graphviz's `dot`.

pub mod bars;
pub mod scale;

pub use bars::bar_chart;
pub use scale::Scale;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
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
    /// Draw at most this many nodes: the most affected (largest value, then critical, then
    /// most connected); edges through the nodes left out are drawn dotted.
    pub limit: Option<usize>,
    /// Folding crowded results into one node per country and stage, or per stage.
    pub fold: Fold,
    /// Material and share written on the edges (PNG, PDF); else they are in tooltips only
    /// (SVG, DOT), which keeps the picture narrow.
    pub edge_labels: bool,
    /// Shade on a diverging scale around zero (a difference between scenarios), even when no
    /// value is negative.
    pub diverging: bool,
}

/// How crowded results fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Fold {
    /// Above `FOLD_ABOVE` nodes: by country (one node per country and stage), or by stage if
    /// that still leaves more than `FOLD_ABOVE`.
    #[default]
    Auto,
    Country,
    Stage,
    /// Every node drawn (up to `max_per_stage` per stage).
    None,
}

/// A limited diagram looks this many nodes upstream through the nodes left out, per node
/// drawn, for the dotted edges that join what is drawn.
const VIA_BUDGET: usize = 20_000;

/// Above this many nodes a diagram folds by country, then by stage (`Fold::Auto`): about what
/// a left-to-right chain of six stages can show at 1,200 pixels wide.
pub const FOLD_ABOVE: usize = 40;

impl Default for DiagramOptions {
    fn default() -> Self {
        DiagramOptions {
            cluster_level: "country".into(),
            max_per_stage: 15,
            title: String::new(),
            limit: None,
            fold: Fold::Auto,
            edge_labels: false,
            diverging: false,
        }
    }
}

/// Why a diagram was not drawn (codes `E03xx`, see `diag::Code`).
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    /// E0301
    #[error("this result is neither about nodes nor shares of groups: there is nothing to draw")]
    NotAboutNodes,
    /// E0302
    #[error("{0} nodes are too many to draw well (at most {MAX_DRAWN}): narrow the query (`upstream of X depth 2`, `nodes where region = ...`), draw the most affected (`diagram ... limit 30 to FILE`), or fold by stage (`--fold stage`)")]
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

/// What is drawn: units (a node, or a fold of several), the edges between them, the scale and
/// what the caption has to say.
struct Drawn {
    nodes: Vec<DrawnNode>,
    edges: BTreeMap<(usize, usize), DrawnEdge>,
    scale: Option<Scale>,
    /// Flow nodes in the result, and how many of them the limit left out.
    result_nodes: usize,
    left_out: usize,
    folded: Option<Fold>,
    /// Some stage had more than `max_per_stage` units: its smallest went into "other".
    capped: bool,
}

struct DrawnNode {
    key: String,
    label: String,
    tooltip: String,
    kind: Option<Kind>,
    stage: Option<String>,
    cluster: Option<String>,
    value: Option<f64>,
    critical: bool,
}

#[derive(Default)]
struct DrawnEdge {
    materials: BTreeSet<String>,
    /// The largest share of the input among the supply edges it stands for.
    share: f64,
    back: bool,
    /// It passes through nodes the limit left out.
    via: bool,
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

/// A result graph whose fill is a per-node difference (a comparison of scenarios: `diffs[v]`
/// is scenario B's measure minus scenario A's), drawn on a diverging scale around zero.
/// `name` says what the fill is ("difference in loss, B minus A").
pub fn difference_graph(
    base: &ResultGraph,
    name: &str,
    diffs: crate::output::table::NodeValues,
) -> ResultGraph {
    ResultGraph {
        measure: Some(Measure {
            name: name.to_string(),
            values: diffs,
            elsewhere: Some(0.0),
        }),
        ..base.clone()
    }
}

/// A measure's name as a node's label gives it: up to its first comma (the legend gives the
/// rest: "difference in loss, B minus A").
fn short(name: &str) -> &str {
    name.split(',').next().unwrap_or(name)
}

/// The unit a node folds into: (stage, group) for a fold by country or by stage.
fn fold_key(m: &Model, v: u32, how: Fold) -> (Option<String>, Option<String>) {
    let stage = m.entity(v).stage.map(String::from);
    match how {
        Fold::Country => (
            stage,
            Some(cluster_of(m, v, "country").unwrap_or_else(|| "no country".into())),
        ),
        _ => (stage, None),
    }
}

/// Chooses what to draw: the result's flow nodes, the `limit` most affected of them, folded by
/// country or stage when crowded, and per stage at most `max_per_stage` units (the smallest
/// go into one "other" unit).
fn fold(m: &Model, r: &ResultGraph, opts: &DiagramOptions) -> Result<Drawn, DrawError> {
    let value = |v: u32| r.measure.as_ref().and_then(|mea| mea.of(v));
    let critical: HashSet<u32> = r.critical.iter().copied().collect();
    let shares: &[f64] = r.shares(m);
    let flow: Vec<u32> = r.flow_nodes(m);
    let scale = r.measure.as_ref().and_then(|mea| {
        Scale::of(
            &mea.name,
            flow.iter().filter_map(|&v| mea.of(v)),
            opts.diverging,
        )
    });
    let degree = |v: u32| m.net.inputs(v).len() + m.net.outputs(v).len();
    // Most affected first: the largest magnitude, then critical, then most connected, then id.
    let order = |a: &u32, b: &u32| {
        let (va, vb) = (
            value(*a).unwrap_or(0.0).abs(),
            value(*b).unwrap_or(0.0).abs(),
        );
        vb.total_cmp(&va)
            .then(critical.contains(b).cmp(&critical.contains(a)))
            .then(degree(*b).cmp(&degree(*a)))
            .then(m.entity(*a).id.cmp(m.entity(*b).id))
    };
    let in_result: HashSet<u32> = flow.iter().copied().collect();
    let mut kept: Vec<u32> = flow.clone();
    let mut left_out = 0;
    if let Some(n) = opts.limit {
        if kept.len() > n {
            kept.sort_by(order);
            left_out = kept.len() - n;
            kept.truncate(n);
        }
    }
    let kept_set: HashSet<u32> = kept.iter().copied().collect();
    // Folding: forced, or automatic above FOLD_ABOVE nodes (by country first; by stage when
    // a fold by country still leaves too many).
    let distinct = |how: Fold| {
        kept.iter()
            .map(|&v| fold_key(m, v, how))
            .collect::<HashSet<_>>()
            .len()
    };
    let how = match opts.fold {
        Fold::None => None,
        Fold::Country => Some(Fold::Country),
        Fold::Stage => Some(Fold::Stage),
        Fold::Auto if kept.len() <= FOLD_ABOVE => None,
        Fold::Auto if distinct(Fold::Country) <= FOLD_ABOVE => Some(Fold::Country),
        Fold::Auto => Some(Fold::Stage),
    };
    // Units per stage: a node alone, or a fold.
    let mut by_stage: BTreeMap<(usize, Option<String>), BTreeMap<String, Vec<u32>>> =
        BTreeMap::new();
    for &v in &kept {
        let e = m.entity(v);
        let stage = e.stage.map(String::from);
        let key = match how {
            None => e.id.to_string(),
            Some(h) => {
                let (_, g) = fold_key(m, v, h);
                g.unwrap_or_default()
            }
        };
        by_stage
            .entry((stage_rank(stage.as_deref()), stage))
            .or_default()
            .entry(key)
            .or_default()
            .push(v);
    }
    let mut slot: HashMap<u32, usize> = HashMap::new();
    let mut nodes: Vec<DrawnNode> = Vec::new();
    let mut capped = false;
    let unit_top = |vs: &[u32]| vs.iter().copied().min_by(order);
    for ((_, stage), units) in by_stage {
        let mut units: Vec<(String, Vec<u32>)> = units.into_iter().collect();
        for (_, vs) in units.iter_mut() {
            vs.sort_by(order);
        }
        // The units with the most affected member first.
        units.sort_by(|(ka, a), (kb, b)| match (unit_top(a), unit_top(b)) {
            (Some(x), Some(y)) => order(&x, &y).then(ka.cmp(kb)),
            _ => ka.cmp(kb),
        });
        let keep = if units.len() > opts.max_per_stage {
            capped = true;
            opts.max_per_stage.saturating_sub(1).max(1)
        } else {
            units.len()
        };
        let st = stage.clone().unwrap_or_else(|| "no stage".into());
        let top_value = |vs: &[u32]| unit_top(vs).and_then(value);
        for (group, vs) in &units[..keep] {
            let idx = nodes.len();
            for &v in vs {
                slot.insert(v, idx);
            }
            // A node alone in its fold is drawn as itself.
            if let [v] = vs.as_slice() {
                let v = *v;
                let e = m.entity(v);
                let mut label = wrap(e.name, WRAP);
                if let (Some(x), Some(mea)) = (value(v), &r.measure) {
                    label.push_str(&format!("\n{} {}", short(&mea.name), super::rounded(x)));
                }
                nodes.push(DrawnNode {
                    key: e.id.to_string(),
                    label,
                    tooltip: tooltip(m, v, r, shares, value(v)),
                    kind: Some(e.kind),
                    stage: stage.clone(),
                    cluster: cluster_of(m, v, &opts.cluster_level),
                    value: value(v),
                    critical: critical.contains(&v),
                });
            } else {
                let what = if how == Some(Fold::Country) {
                    format!("{group}: {} {st} node{}", vs.len(), plural(vs.len()))
                } else {
                    format!("{} {st} node{}", vs.len(), plural(vs.len()))
                };
                nodes.push(folded_node(
                    m,
                    format!("fold {st} {group}"),
                    what,
                    vs,
                    &stage,
                    r,
                    top_value(vs),
                    vs.iter().any(|v| critical.contains(v)),
                    &value,
                ));
            }
        }
        if keep < units.len() {
            let rest: Vec<u32> = units[keep..]
                .iter()
                .flat_map(|(_, vs)| vs.iter().copied())
                .collect();
            let idx = nodes.len();
            for &v in &rest {
                slot.insert(v, idx);
            }
            let mut sorted = rest.clone();
            sorted.sort_by(order);
            nodes.push(folded_node(
                m,
                format!("other {st}"),
                format!("{} other {st} node{}", rest.len(), plural(rest.len())),
                &sorted,
                &stage,
                r,
                top_value(&sorted),
                false,
                &value,
            ));
        }
    }
    if nodes.len() > MAX_DRAWN {
        return Err(DrawError::TooManyNodes(nodes.len()));
    }
    let mut edges: BTreeMap<(usize, usize), DrawnEdge> = BTreeMap::new();
    let material_of = |p: usize| {
        let s = &m.supplies[m.net.in_supply[p] as usize];
        s.material()
            .map(|k| m.materials[k as usize].name.clone())
            .unwrap_or_default()
    };
    let mut add = |a: usize, b: usize, material: String, share: f64, via: bool| {
        if a == b {
            return;
        }
        let back = stage_rank(nodes[b].stage.as_deref()) < stage_rank(nodes[a].stage.as_deref());
        let e = edges.entry((a, b)).or_default();
        e.back = back;
        e.share = e.share.max(share);
        e.via |= via;
        if !material.is_empty() {
            e.materials.insert(material);
        }
    };
    for &v in &kept {
        for p in m.net.inputs(v) {
            let u = m.net.in_src[p];
            if shares[p] <= 0.0 || !in_result.contains(&u) {
                continue;
            }
            if kept_set.contains(&u) {
                add(slot[&u], slot[&v], material_of(p), shares[p], false);
                continue;
            }
            // Through nodes the limit left out: to the kept nodes upstream of them (a search
            // of at most VIA_BUDGET nodes, so a limit on a huge cone stays linear).
            let mut seen: HashSet<u32> = HashSet::from([u]);
            let mut work = vec![u];
            while let Some(x) = work.pop() {
                if seen.len() > VIA_BUDGET {
                    break;
                }
                for q in m.net.inputs(x) {
                    let w = m.net.in_src[q];
                    if shares[q] <= 0.0 || !in_result.contains(&w) || !seen.insert(w) {
                        continue;
                    }
                    if kept_set.contains(&w) {
                        add(slot[&w], slot[&v], material_of(p), shares[p], true);
                    } else {
                        work.push(w);
                    }
                }
            }
        }
    }
    Ok(Drawn {
        nodes,
        edges,
        scale,
        result_nodes: flow.len(),
        left_out,
        folded: how,
        capped,
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A unit standing for several nodes: labelled with how many and the largest value, its
/// tooltip listing the members (most affected first).
#[allow(clippy::too_many_arguments)]
fn folded_node(
    m: &Model,
    key: String,
    what: String,
    members: &[u32],
    stage: &Option<String>,
    r: &ResultGraph,
    top: Option<f64>,
    critical: bool,
    value: &dyn Fn(u32) -> Option<f64>,
) -> DrawnNode {
    let mut label = what.clone();
    let name = r.measure.as_ref().map(|x| short(&x.name)).unwrap_or("");
    if let Some(t) = top {
        label.push_str(&format!("\n{name} up to {}", super::rounded(t)));
    }
    let mut tip = vec![what];
    for &v in members.iter().take(12) {
        let e = m.entity(v);
        tip.push(match value(v) {
            Some(x) => format!("{} ({}): {name} {}", e.name, e.id, super::rounded(x)),
            None => format!("{} ({})", e.name, e.id),
        });
    }
    if members.len() > 12 {
        tip.push(format!("and {} more", members.len() - 12));
    }
    DrawnNode {
        key,
        label,
        tooltip: tip.join("\n"),
        kind: None,
        stage: stage.clone(),
        cluster: None,
        value: top,
        critical,
    }
}

/// A node's tooltip: what it is, its value, its figures (output, capacity) with their sources,
/// and the shares of its inputs.
fn tooltip(m: &Model, v: u32, r: &ResultGraph, shares: &[f64], x: Option<f64>) -> String {
    let e = m.entity(v);
    let mut lines = vec![if e.name == e.id {
        e.id.to_string()
    } else {
        format!("{} ({})", e.name, e.id)
    }];
    let mut what = vec![e.kind.as_str().to_string()];
    if let Some(s) = e.stage {
        what.push(format!("stage {s}"));
    }
    if let Some(c) = cluster_of(m, v, "country") {
        what.push(c);
    }
    if let Some(c) = e.company {
        what.push(c.to_string());
    }
    lines.push(what.join(", "));
    if let (Some(x), Some(mea)) = (x, &r.measure) {
        lines.push(format!("{}: {}", mea.name, super::rounded(x)));
    }
    if r.critical.contains(&v) {
        lines.push("critical: a single point of failure".into());
    }
    let def = m.node_def(e.def);
    let default_source = def.source.as_ref().map(|s| s.text.clone());
    for (field, fig) in [("output", &def.output), ("capacity", &def.capacity)] {
        let Some(f) = fig else { continue };
        let used = f.used();
        let unit = f
            .unit
            .as_ref()
            .map(|u| u.text.clone())
            .unwrap_or_else(|| "t/yr".into());
        let source = used
            .source
            .as_ref()
            .map(|s| s.text.clone())
            .or(default_source.clone())
            .unwrap_or_else(|| "no source given".into());
        let date = used
            .date
            .as_ref()
            .map(|d| format!(", {d}"))
            .unwrap_or_default();
        lines.push(format!(
            "{field}: {} {unit} (source: {source}{date})",
            used.value
        ));
    }
    let mut inputs: Vec<usize> = m.net.inputs(v).filter(|&p| shares[p] > 0.0).collect();
    inputs.sort_by(|&a, &b| shares[b].total_cmp(&shares[a]));
    if !inputs.is_empty() {
        lines.push("inputs (share):".into());
    }
    for &p in inputs.iter().take(8) {
        let s = &m.supplies[m.net.in_supply[p] as usize];
        let mat = s
            .material()
            .map(|k| format!(" {}", m.materials[k as usize].name))
            .unwrap_or_default();
        lines.push(format!(
            "  {}{mat} from {}",
            percent(shares[p]),
            m.entity(m.net.in_src[p]).name
        ));
    }
    if inputs.len() > 8 {
        lines.push(format!("  and {} more", inputs.len() - 8));
    }
    if let Some(s) = default_source {
        lines.push(format!("source: {s}"));
    }
    lines.join("\n")
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

/// Names are wrapped at about this many characters, to keep the ranks narrow.
const WRAP: usize = 18;

/// `s` broken into lines of at most about `width` characters, at spaces (its own line breaks
/// kept).
fn wrap(s: &str, width: usize) -> String {
    s.split('\n')
        .map(|l| wrap_line(l, width))
        .collect::<Vec<_>>()
        .join("\n")
}

fn wrap_line(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for w in s.split(' ') {
        let n = w.chars().count();
        if line > 0 && line + 1 + n > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(w);
        line += n;
    }
    out
}

fn shape(k: Option<Kind>) -> &'static str {
    match k {
        Some(Kind::Mine) => "cylinder",
        Some(Kind::Facility) => "box",
        Some(Kind::Stage) => "box3d",
        Some(Kind::Product) => "ellipse",
        Some(Kind::EndUse) => "doubleoctagon",
        Some(Kind::Region) | None => "note",
    }
}

/// A share as a percentage, with a decimal for small ones (0.2%, 12%), and two significant
/// digits for tiny ones (0.013%): a share that is not zero never reads 0.
fn percent(x: f64) -> String {
    let p = x * 100.0;
    if p != 0.0 && p.abs() < 0.1 {
        format!("{}%", scale::short(p))
    } else if x.abs() < 0.1 {
        format!("{:.1}%", x * 100.0)
    } else {
        format!("{:.0}%", x * 100.0)
    }
}

/// Text for a Graphviz HTML label.
pub(crate) fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The caption, the graph's label at its top: the title, then the scale (its range and
/// swatches), what outlines, edges and folds mean, and how many nodes the limit left out.
fn caption(d: &Drawn, r: &ResultGraph, opts: &DiagramOptions, title: &str) -> Id {
    let mut rows: Vec<String> = title
        .lines()
        .map(|l| {
            format!(
                "<TR><TD><FONT POINT-SIZE=\"12\">{}</FONT></TD></TR>",
                html(l)
            )
        })
        .collect();
    let line = |t: &str| {
        format!(
            "<TR><TD><FONT POINT-SIZE=\"10\">{}</FONT></TD></TR>",
            html(t)
        )
    };
    if let Some(s) = &d.scale {
        rows.push(line(&s.caption()));
        let cells: String = s
            .stops()
            .iter()
            .map(|&x| {
                format!(
                    "<TD BGCOLOR=\"{}\" BORDER=\"1\">{}</TD>",
                    s.fill(x),
                    html(&scale::short(x))
                )
            })
            .collect();
        rows.push(format!(
            "<TR><TD><TABLE BORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"3\"><TR>{cells}</TR></TABLE></TD></TR>"
        ));
    }
    if !r.critical.is_empty() {
        rows.push(line("red outline: critical, a single point of failure"));
    }
    if !d.edges.is_empty() {
        let mut t =
            "edges: wider for a larger share of the input; dashed: a recycling loop".to_string();
        if d.edges.values().any(|e| e.via) {
            t.push_str("; dotted: through nodes left out");
        }
        rows.push(line(&t));
        if !opts.edge_labels {
            rows.push(line(
                "hover a node or edge for its figures, materials, shares and sources",
            ));
        }
    }
    if d.left_out > 0 {
        rows.push(line(&format!(
            "limit {}: the {} most affected of {} nodes drawn, {} left out",
            d.result_nodes - d.left_out,
            d.result_nodes - d.left_out,
            d.result_nodes,
            d.left_out
        )));
    }
    match d.folded {
        Some(Fold::Country) => rows.push(line(&format!(
            "folded by country (more than {FOLD_ABOVE} nodes): a note shape stands for one country's nodes at a stage"
        ))),
        Some(Fold::Stage) => rows.push(line(&format!(
            "folded by stage (more than {FOLD_ABOVE} nodes): a note shape stands for a stage's nodes"
        ))),
        _ => {}
    }
    if d.capped {
        rows.push(line(&format!(
            "a stage with more than {} boxes keeps its most affected; the rest fold into \"other\"",
            opts.max_per_stage
        )));
    }
    Id::Html(format!(
        "<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"1\">{}</TABLE>>",
        rows.concat()
    ))
}

fn to_graph(d: &Drawn, r: &ResultGraph, opts: &DiagramOptions) -> Graph {
    let mut stmts: Vec<Stmt> = Vec::new();
    let mut title = opts.title.clone();
    if let Some(s) = &r.scenario {
        title.push_str(&format!("\nwhat-if: {s}"));
    }
    stmts.push(Stmt::GAttribute(GraphAttributes::Graph(vec![
        attr("rankdir", plain("LR")),
        attr("label", caption(d, r, opts, &title)),
        attr("labelloc", plain("t")),
        attr("fontname", esc("Helvetica")),
        attr("nodesep", plain("0.15")),
        attr("ranksep", plain("0.35")),
        attr("newrank", plain("true")),
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
        attr("arrowsize", plain("0.6")),
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
            attr("tooltip", esc(&n.tooltip)),
        ];
        match (n.value, interval, &d.scale) {
            (Some(_), Some(&(lo, hi)), Some(s)) => {
                a.push(attr(
                    "fillcolor",
                    esc(&format!("{}:{}", s.fill(lo), s.fill(hi))),
                ));
                a.push(attr("gradientangle", plain("0")));
            }
            (Some(x), None, Some(s)) => a.push(attr("fillcolor", esc(&s.fill(x)))),
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
    for ((a, b), e) in &d.edges {
        let material = match e.materials.len() {
            0 => String::new(),
            1 => e.materials.iter().next().cloned().unwrap_or_default(),
            _ => e.materials.iter().cloned().collect::<Vec<_>>().join(", "),
        };
        // Between folds, the largest share among the edges the arrow stands for.
        let share = if d.nodes[*a].kind.is_none() || d.nodes[*b].kind.is_none() {
            format!("up to {}", percent(e.share))
        } else {
            percent(e.share)
        };
        let text = if material.is_empty() {
            share.clone()
        } else {
            format!("{material}\n{share}")
        };
        let tip = format!(
            "{} -> {}: {}{}{}",
            d.nodes[*a].label.lines().next().unwrap_or_default(),
            d.nodes[*b].label.lines().next().unwrap_or_default(),
            if material.is_empty() {
                String::new()
            } else {
                format!("{material}, ")
            },
            share,
            if e.via {
                " of the input, through nodes left out"
            } else {
                " of the input"
            }
        );
        let mut attrs = vec![
            attr("penwidth", esc(&format!("{:.2}", 0.6 + 3.0 * e.share))),
            attr("tooltip", esc(&tip)),
        ];
        if opts.edge_labels {
            attrs.push(attr("label", esc(&text)));
            attrs.push(attr("labeltooltip", esc(&tip)));
        }
        if e.back {
            // A recycling loop closing: drawn, but left out of the ranking.
            attrs.push(attr("constraint", plain("false")));
            attrs.push(attr("style", plain("dashed")));
        } else if e.via {
            attrs.push(attr("style", plain("dotted")));
        }
        stmts.push(Stmt::Edge(Edge {
            ty: EdgeTy::Pair(
                Vertex::N(NodeId(esc(&d.nodes[*a].key), None)),
                Vertex::N(NodeId(esc(&d.nodes[*b].key), None)),
            ),
            attributes: attrs,
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

/// Draws a result to `out`, titled with the result and the model: a result about nodes as its
/// subgraph, a result of shares per group (`concentration`, `total`) as a bar chart.
pub fn draw_table(
    m: &Model,
    t: &super::Table,
    out: &Path,
    opts: &DiagramOptions,
) -> Result<String, DrawError> {
    let mut opts = opts.clone();
    if opts.title.is_empty() {
        opts.title = format!(
            "{}\n{}",
            t.title,
            m.doc.model.name.as_deref().unwrap_or(&m.origin)
        );
    }
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    // Tooltips do not show on paper: there the edges carry their labels.
    opts.edge_labels = matches!(ext.as_str(), "png" | "pdf");
    let Some(g) = t.graph.as_ref() else {
        let (graph, bars) = bar_chart(t, &opts.title).ok_or(DrawError::NotAboutNodes)?;
        let msg = write(graph, out)?;
        return Ok(format!("{msg} (a bar chart of {bars} bar{})", plural(bars)));
    };
    let (graph, n, e) = build(m, g, &opts)?;
    let msg = write(graph, out)?;
    Ok(format!(
        "{msg} ({n} node{}, {e} edge{})",
        plural(n),
        plural(e)
    ))
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
