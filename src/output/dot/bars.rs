//! Bar charts for results of shares per group (`concentration`, `total ... by`): one bar per
//! group, its length proportional to the group's share, drawn as a Graphviz HTML label (so the
//! same `dot` renders it to SVG, PNG or PDF).
//! Casts: bar lengths are clamped to 1..=FULL_BAR points before they become integers.
#![allow(clippy::cast_possible_truncation)]

use graphviz_rust::dot_structures::{Graph, GraphAttributes, Id, Node, NodeId, Stmt};

use super::{attr, esc, html, percent, plain};
use crate::output::{Cell, Table};

/// The length in points of a bar for a share of 100%.
pub const FULL_BAR: f64 = 300.0;

/// The bar colour.
const BAR: &str = "#e6550d";

/// The columns a bar chart reads from a table: the share, the group's label(s), the panel
/// (stage) when a stage holds several groups, and a total with its unit when there is one.
struct Columns {
    share: usize,
    labels: Vec<usize>,
    panel: Option<usize>,
    total: Option<usize>,
    unit: Option<usize>,
}

fn norm(c: &str) -> String {
    c.to_lowercase().replace('_', " ")
}

fn columns(t: &Table) -> Option<Columns> {
    let col = |name: &str| t.columns.iter().position(|c| norm(c) == name);
    let is_num = |i: usize| {
        t.rows
            .iter()
            .all(|r| matches!(r.get(i), Some(Cell::Num(_)) | Some(Cell::Null)))
    };
    let share = t
        .columns
        .iter()
        .position(|c| norm(c).ends_with("share"))
        .filter(|&i| is_num(i) && !t.rows.is_empty())?;
    let stage = col("stage");
    let repeats = stage.is_some_and(|s| {
        let mut seen = std::collections::HashSet::new();
        t.rows
            .iter()
            .any(|r| !seen.insert(r.get(s).map(text).unwrap_or_default()))
    });
    let panel = stage.filter(|_| repeats);
    let total = col("total").filter(|&i| is_num(i));
    let unit = col("unit");
    let labels: Vec<usize> = (0..t.columns.len())
        .filter(|&i| {
            Some(i) != panel
                && i != share
                && Some(i) != unit
                && !norm(&t.columns[i]).starts_with("top three")
                && t.rows
                    .iter()
                    .all(|r| matches!(r.get(i), Some(Cell::Text(_))))
        })
        .collect();
    if labels.is_empty() {
        return None;
    }
    Some(Columns {
        share,
        labels,
        panel,
        total,
        unit,
    })
}

fn text(c: &Cell) -> String {
    c.display()
}

/// The length in points of the bar for `share` (at least 1, so a tiny share still shows).
pub fn bar_length(share: f64) -> u32 {
    (share.clamp(0.0, 1.0) * FULL_BAR).round().max(1.0) as u32
}

/// A bar chart of a table of shares per group, titled `title`, and its number of bars; `None`
/// when the table has no share column and group label to draw.
pub fn bar_chart(t: &Table, title: &str) -> Option<(Graph, usize)> {
    let c = columns(t)?;
    let mut panels: Vec<(String, Vec<&Vec<Cell>>)> = Vec::new();
    for r in &t.rows {
        let p = c.panel.and_then(|i| r.get(i)).map(text).unwrap_or_default();
        match panels.last_mut() {
            Some((q, rows)) if *q == p => rows.push(r),
            _ => panels.push((p, vec![r])),
        }
    }
    let mut rows = String::new();
    let mut bars = 0;
    for (panel, rs) in &panels {
        if c.panel.is_some() {
            rows.push_str(&format!(
                "<TR><TD COLSPAN=\"3\" ALIGN=\"LEFT\"><B>{}</B></TD></TR>",
                html(panel)
            ));
        }
        for r in rs {
            let share = match r.get(c.share) {
                Some(Cell::Num(x)) => *x,
                _ => 0.0,
            };
            let label: Vec<String> = c
                .labels
                .iter()
                .filter_map(|&i| r.get(i).map(text))
                .collect();
            let mut figure = percent(share);
            if let Some(Cell::Num(x)) = c.total.and_then(|i| r.get(i)) {
                let unit = c.unit.and_then(|i| r.get(i)).map(text).unwrap_or_default();
                figure.push_str(&format!(
                    " ({} {unit})",
                    crate::number::rounded(*x).trim_end()
                ));
            }
            rows.push_str(&format!(
                "<TR><TD ALIGN=\"RIGHT\">{}</TD><TD><TABLE BORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\"><TR><TD WIDTH=\"{w}\" HEIGHT=\"12\" FIXEDSIZE=\"TRUE\" BGCOLOR=\"{BAR}\" TITLE=\"{tip}\"></TD><TD WIDTH=\"{rest}\" HEIGHT=\"12\" FIXEDSIZE=\"TRUE\"></TD></TR></TABLE></TD><TD ALIGN=\"LEFT\">{}</TD></TR>",
                html(&label.join(": ")),
                html(figure.trim_end()),
                w = bar_length(share),
                rest = FULL_BAR as u32 + 1 - bar_length(share),
                tip = html(&format!("{}: {}", label.join(": "), percent(share))),
            ));
            bars += 1;
        }
    }
    let label = format!(
        "<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"2\">{rows}<TR><TD COLSPAN=\"3\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\">bar length: the group's share ({} = 100%)</FONT></TD></TR></TABLE>>",
        "full width"
    );
    let stmts = vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("label", esc(title)),
            attr("labelloc", plain("t")),
            attr("fontname", esc("Helvetica")),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            attr("fontname", esc("Helvetica")),
            attr("fontsize", plain("10")),
        ])),
        Stmt::Node(Node::new(
            NodeId(esc("bars"), None),
            vec![
                attr("label", Id::Html(label)),
                attr("shape", plain("plain")),
            ],
        )),
    ];
    Some((
        Graph::DiGraph {
            id: esc("supplygraph"),
            strict: false,
            stmts,
        },
        bars,
    ))
}
