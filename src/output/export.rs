//! A query's result as part of the model, for the graph exports (GraphML for Gephi, yEd,
//! Cytoscape and NetworkX; the Neo4j import files): the nodes it is about (with the upstream
//! cone that explains it, as a diagram draws it), the supply edges among them, and the result's
//! figures as attributes:
//!
//! - on a node, each column of its row but `id` and `name` as `result_COLUMN` (a node in several
//!   rows, as in chokepoints of many targets, takes its first row), `result_measure` (the
//!   value a diagram colours it by: exposure, impact, loss) and `result_critical`;
//! - on an edge, `share_in_force` under a what-if that changes shares;
//! - on the graph, `query` (the statement), `measure` (what `result_measure` is) and
//!   `scenario`.

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

/// Why a result could not be written as a graph.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "`{0}` is not about nodes of the model: there is no graph to save; \
         save it as .json, .csv or .txt"
    )]
    NotAGraph(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
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
    let r = t
        .graph
        .as_ref()
        .ok_or_else(|| ExportError::NotAGraph(t.title.clone()))?;
    let mut seen = HashSet::new();
    let nodes: Vec<u32> = r
        .flow_nodes(m)
        .into_iter()
        .filter(|&v| seen.insert(v))
        .collect();
    let at: HashMap<u32, usize> = nodes.iter().enumerate().map(|(i, &v)| (v, i)).collect();

    // The supply edges among them, as the analyses see them (stopped edges are not).
    let shares = r.shares(m);
    let mut edges: Vec<(usize, Option<f64>)> = Vec::new();
    for &v in &nodes {
        for p in m.net.inputs(v) {
            if at.contains_key(&m.net.in_src[p]) {
                let in_force = r.shares.is_some().then(|| shares[p]);
                edges.push((m.net.in_supply[p] as usize, in_force));
            }
        }
    }
    edges.sort_unstable_by_key(|&(k, _)| k);

    // Each node's first row.
    let id_col = t.columns.iter().position(|c| c == "id");
    let mut row_of: HashMap<&str, usize> = HashMap::new();
    if let Some(c) = id_col {
        for (i, row) in t.rows.iter().enumerate() {
            if let Some(Cell::Text(id)) = row.get(c) {
                row_of.entry(id.as_str()).or_insert(i);
            }
        }
    }
    let critical: HashSet<u32> = r.critical.iter().copied().collect();
    let node_extra: Vec<Props> = nodes
        .iter()
        .map(|&v| {
            let mut props = Props::new();
            if let Some(&i) = row_of.get(m.entity(v).id) {
                for (name, cell) in t.columns.iter().zip(&t.rows[i]) {
                    if name == "id" || name == "name" {
                        continue;
                    }
                    if let Some(x) = scalar(cell) {
                        props.push((format!("result_{name}"), x));
                    }
                }
            }
            if let Some(x) = r.measure.as_ref().and_then(|mea| mea.of(v)) {
                props.push(("result_measure".into(), Scalar::Num(x)));
            }
            if !r.critical.is_empty() {
                props.push((
                    "result_critical".into(),
                    Scalar::Bool(critical.contains(&v)),
                ));
            }
            props
        })
        .collect();

    let mut graph_extra: Props = vec![("query".into(), Scalar::Text(t.title.clone()))];
    if let Some(mea) = &r.measure {
        graph_extra.push(("measure".into(), Scalar::Text(mea.name.clone())));
    }
    if let Some(s) = &r.scenario {
        graph_extra.push(("scenario".into(), Scalar::Text(s.clone())));
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
