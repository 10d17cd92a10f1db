//! A query's result as part of the model, for the graph exports (GraphML for Gephi, yEd,
//! Cytoscape and NetworkX; the Neo4j import files): the nodes it is about (with the upstream
//! cone that explains it, as a diagram draws it), the supply edges among them, and the result's
//! figures as attributes:
//!
//! - on a node, `result_row` (whether it is a row of the result, rather than upstream of one),
//!   each column of its row but `id` and `name` as `result_COLUMN` (a node in several rows, as
//!   in chokepoints of many targets, takes its first row, and `result_rows` says how many it
//!   has), `result_measure` (the value a diagram colours it by: exposure, impact, loss) and
//!   `result_critical`;
//! - on an edge, `share_in_force` under a what-if that changes shares;
//! - on the graph, `query` (the statement), `measure` (what `result_measure` is),
//!   `scenario`, and a `note` when nodes are in several rows.
//!
//! A table without a drawing (shortfall, origin, a list of nodes) gives the nodes of its `id`
//! column and the edges among them; a table of no nodes (a total by country) is refused.
//! A model attribute named as one of these is kept as `model_NAME`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::table::{Cell, Table};
use crate::model::doc::Scalar;
use crate::model::graphml::{self, Part, Props};
use crate::model::{neo4j, Model};

/// How a result is written as a graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// One GraphML file.
    GraphMl,
    /// A folder of `neo4j-admin database import` files.
    Neo4j,
}

/// Why a result could not be written (codes `E03xx`, beside the diagrams').
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// E0307
    #[error(
        "`{0}` is not about nodes of the model: there is no graph to save; \
         save it as .json, .csv or text"
    )]
    NotAGraph(String),
    /// E0308
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

impl crate::diag::Code for ExportError {
    fn code(&self) -> crate::diag::ErrorCode {
        crate::diag::ErrorCode(match self {
            ExportError::NotAGraph(_) => 307,
            ExportError::Write { .. } => 308,
        })
    }
}

/// The format a result is written in: the one named (graphml, neo4j, json, csv, text), else
/// the file's extension's (`.graphml`, `.json`, `.csv`; text for any other).
pub fn format_for(out: &Path, named: Option<&str>) -> String {
    match named {
        Some(f) => f.to_lowercase(),
        None => {
            let ext = out
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_lowercase);
            match ext.as_deref() {
                Some(e @ ("json" | "csv" | "graphml")) => e.to_string(),
                _ => "text".to_string(),
            }
        }
    }
}

/// Writes result `t` to `out` in `format` (see [`format_for`]): as a graph (graphml, neo4j) or
/// as a table (json, csv, text); what was written, in words.
pub fn write_result(
    m: &Model,
    t: &Table,
    out: &Path,
    format: Option<&str>,
) -> Result<String, ExportError> {
    let format = format_for(out, format);
    let text = match format.as_str() {
        "graphml" => return write(m, t, out, GraphFormat::GraphMl),
        "neo4j" => return write(m, t, out, GraphFormat::Neo4j),
        "json" => t.to_json(),
        "csv" => t.to_csv(),
        _ => t.to_text(Some(200)),
    };
    std::fs::write(out, text).map_err(|source| ExportError::Write {
        path: out.display().to_string(),
        source,
    })?;
    Ok(format!("saved to {} ({format})", out.display()))
}

/// Writes result `t` as a graph to `out`; what was written, in words.
pub fn write(m: &Model, t: &Table, out: &Path, format: GraphFormat) -> Result<String, ExportError> {
    let part = result_part(m, t)?;
    let failed = |source| ExportError::Write {
        path: out.display().to_string(),
        source,
    };
    match format {
        GraphFormat::GraphMl => {
            std::fs::write(out, graphml::to_graphml_part(m, &part)).map_err(failed)?
        }
        GraphFormat::Neo4j => {
            neo4j::write_folder_part(m, &part, out).map_err(failed)?;
        }
    }
    let (n, e) = (part.nodes.len(), part.edges.len());
    Ok(format!(
        "saved to {} ({n} node{}, {e} edge{})",
        out.display(),
        if n == 1 { "" } else { "s" },
        if e == 1 { "" } else { "s" }
    ))
}

/// The part of the model result `t` is about, with its figures as attributes.
pub fn result_part(m: &Model, t: &Table) -> Result<Part, ExportError> {
    let id_col = t.columns.iter().position(|c| c == "id");
    // Each row's flow node, by the result's `id` column.
    let row_node: Vec<Option<u32>> = t
        .rows
        .iter()
        .map(|row| match id_col.and_then(|c| row.get(c)) {
            Some(Cell::Text(id)) => m.find(id).filter(|&v| m.entities.kind(v).is_flow()),
            _ => None,
        })
        .collect();
    let mut seen = HashSet::new();
    let nodes: Vec<u32> = match &t.graph {
        // The diagram's nodes: the result's, with the cone that explains it.
        Some(r) => r.flow_nodes(m),
        // A table of nodes without a drawing (shortfall, origin, a list): its rows' nodes.
        None => row_node.iter().flatten().copied().collect(),
    }
    .into_iter()
    .filter(|&v| seen.insert(v))
    .collect();
    if nodes.is_empty() && t.graph.is_none() {
        return Err(ExportError::NotAGraph(t.title.clone()));
    }
    let at: HashMap<u32, usize> = nodes.iter().enumerate().map(|(i, &v)| (v, i)).collect();

    // The supply edges among them, as the analyses see them (stopped edges are not).
    let shares = t
        .graph
        .as_ref()
        .map_or(&m.net.in_share[..], |r| r.shares(m));
    let what_if = t.graph.as_ref().is_some_and(|r| r.shares.is_some());
    let mut edges: Vec<(usize, Option<f64>)> = Vec::new();
    for &v in &nodes {
        for p in m.net.inputs(v) {
            if at.contains_key(&m.net.in_src[p]) {
                let in_force = what_if.then(|| shares[p]);
                edges.push((m.net.in_supply[p] as usize, in_force));
            }
        }
    }
    edges.sort_unstable_by_key(|&(k, _)| k);

    // Each node's rows: the first gives its figures; how many there are is said.
    let mut rows_of: HashMap<u32, (usize, usize)> = HashMap::new();
    for (i, v) in row_node.iter().enumerate() {
        if let Some(v) = v {
            rows_of.entry(*v).or_insert((i, 0)).1 += 1;
        }
    }
    let several = rows_of.values().any(|&(_, n)| n > 1);
    let measure = t.graph.as_ref().and_then(|r| r.measure.as_ref());
    let critical: HashSet<u32> = t
        .graph
        .iter()
        .flat_map(|r| r.critical.iter().copied())
        .collect();
    let has_critical = t.graph.as_ref().is_some_and(|r| !r.critical.is_empty());
    let node_extra: Vec<Props> = nodes
        .iter()
        .map(|&v| {
            let mut props = Props::new();
            let rows = rows_of.get(&v).copied();
            props.push(("result_row".into(), Scalar::Bool(rows.is_some())));
            if let Some((i, n)) = rows {
                for (name, cell) in t.columns.iter().zip(&t.rows[i]) {
                    if name == "id" || name == "name" {
                        continue;
                    }
                    if let Some(x) = scalar(cell) {
                        props.push((format!("result_{name}"), x));
                    }
                }
                if several {
                    #[allow(clippy::cast_precision_loss)]
                    props.push(("result_rows".into(), Scalar::Num(n as f64)));
                }
            }
            if let Some(x) = measure.and_then(|mea| mea.of(v)) {
                props.push(("result_measure".into(), Scalar::Num(x)));
            }
            if has_critical {
                props.push((
                    "result_critical".into(),
                    Scalar::Bool(critical.contains(&v)),
                ));
            }
            props
        })
        .collect();

    let mut graph_extra: Props = vec![("query".into(), Scalar::Text(t.title.clone()))];
    if let Some(mea) = measure {
        graph_extra.push(("measure".into(), Scalar::Text(mea.name.clone())));
    }
    if let Some(s) = t.graph.as_ref().and_then(|r| r.scenario.as_ref()) {
        graph_extra.push(("scenario".into(), Scalar::Text(s.clone())));
    }
    if several {
        graph_extra.push((
            "note".into(),
            Scalar::Text(
                "some nodes are in several rows of the result (one per target): a node \
                 carries its first row's columns as result_COLUMN and its number of rows as \
                 result_rows; the full table saves as .json or .csv"
                    .into(),
            ),
        ));
    }
    Ok(Part {
        nodes,
        edge_extra: edges
            .iter()
            .map(|&(_, f)| {
                f.map(|x| vec![("share_in_force".to_string(), Scalar::Num(x))])
                    .unwrap_or_default()
            })
            .collect(),
        edges: edges.into_iter().map(|(k, _)| k).collect(),
        node_extra,
        graph_extra,
    })
}

/// A result cell as an attribute value; `None` for an empty cell.
fn scalar(c: &Cell) -> Option<Scalar> {
    Some(match c {
        Cell::Text(s) => Scalar::Text(s.clone()),
        Cell::Num(x) => Scalar::Num(*x),
        #[allow(clippy::cast_precision_loss)]
        Cell::Int(i) => Scalar::Num(*i as f64),
        Cell::Bool(b) => Scalar::Bool(*b),
        Cell::List(ids) => Scalar::Text(ids.join(" -> ")),
        Cell::Null => return None,
    })
}
