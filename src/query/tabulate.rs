//! Results laid out as tables: the rows and notes of each kind of statement, from what
//! `eval` computed. Nothing here runs a measure or resolves a name.

use crate::analysis::chokepoints::{self, Impact};
use crate::analysis::concentration::{self, StageConcentration};
use crate::analysis::paths::Paths;
use crate::model::doc::Scalar;
use crate::model::graph::{EdgeStatus, Kind, Model};
use crate::output::{Cell, Table};

/// A measure of each target (`exposure`, `loss`): id, name and the value.
pub fn per_target(
    m: &Model,
    title: String,
    measure: &str,
    targets: &[u32],
    values: &[f64],
) -> Table {
    let mut t = Table::new(title, &["id", "name", measure]);
    for (&v, &l) in targets.iter().zip(values) {
        let e = m.entity(v);
        t.push(vec![Cell::text(e.id), Cell::text(e.name), Cell::Num(l)]);
    }
    t
}

/// Nodes, one a row: id, name, kind, stage and country (`list`).
pub fn list(m: &Model, title: String, nodes: &[u32]) -> Table {
    let mut t = Table::new(title, &["id", "name", "kind", "stage", "country"]);
    for &x in nodes {
        let e = m.entity(x);
        let country = m
            .region_at_level(x, "country")
            .map(|r| m.entity(r).name.to_string());
        t.push(vec![
            Cell::text(e.id),
            Cell::text(e.name),
            Cell::text(e.kind.as_str()),
            Cell::opt(e.stage.map(String::from)),
            Cell::opt(country),
        ]);
    }
    t
}

/// The impact of each upstream node's loss (`chokepoints of X`).
pub fn impacts(m: &Model, title: String, imps: &[Impact]) -> Table {
    let mut table = Table::new(
        title,
        &["id", "name", "stage", "country", "impact", "critical"],
    );
    for i in imps {
        let e = m.entity(i.node);
        let country = m
            .region_at_level(i.node, "country")
            .map(|r| m.entity(r).name.to_string());
        table.push(vec![
            Cell::text(e.id),
            Cell::text(e.name),
            Cell::opt(e.stage.map(String::from)),
            Cell::opt(country),
            Cell::Num(i.impact),
            Cell::Bool(i.critical()),
        ]);
    }
    table
        .notes
        .push("critical: impact 100%, a single point of failure".into());
    table
}

/// The impact of each group's loss (`chokepoints of X by ...`): (label, impact, members).
pub fn group_impacts(title: String, column: &str, rows: Vec<(String, f64, usize)>) -> Table {
    let mut table = Table::new(title, &[column, "nodes", "impact", "critical"]);
    for (label, impact, n) in rows {
        table.push(vec![
            Cell::Text(label),
            Cell::Int(n as i64),
            Cell::Num(impact),
            Cell::Bool(impact >= 1.0 - chokepoints::CRITICAL_EPS),
        ]);
    }
    table
}

/// Shares of each group in one stage (`concentration of X by ... at stage S`).
pub fn stage_shares(title: String, column: &str, stages: Vec<StageConcentration>) -> Table {
    let mut table = Table::new(title, &["stage", column, "share"]);
    for s in stages {
        for (g, sh) in s.shares {
            table.push(vec![Cell::text(&s.stage), Cell::Text(g), Cell::Num(sh)]);
        }
    }
    table
}

/// The leading groups of each stage, with the stage's HHI (`concentration of X by ...`).
pub fn concentration(title: String, column: &str, stages: Vec<StageConcentration>) -> Table {
    let mut table = Table::new(
        title,
        &[
            "stage",
            &format!("top_{column}"),
            "top_share",
            "top_three",
            "hhi",
            "concentrated",
        ],
    );
    for s in stages {
        let (top, top_share) = s.shares.first().cloned().unwrap_or_default();
        let three: Vec<String> = s
            .shares
            .iter()
            .take(3)
            .map(|(g, x)| format!("{g} {}", crate::number::percent(*x)))
            .collect();
        let dominant = s.dominant();
        table.push(vec![
            Cell::Text(s.stage),
            Cell::Text(top),
            Cell::Num(top_share),
            Cell::Text(three.join(", ")),
            Cell::Num(s.hhi.round()),
            Cell::Bool(dominant),
        ]);
    }
    table.notes.push(format!(
        "shares weigh each node by how much of the target's supply passes through it; concentrated: one {column} above {}%",
        concentration::DOMINANT * 100.0
    ));
    table
}

/// Paths found, with their share and length; `budget` and `limit` say why the search stopped.
pub fn paths(m: &Model, title: String, found: &Paths, limit: usize, budget: usize) -> Table {
    let mut table = Table::new(title, &["path", "share", "steps"]);
    for p in &found.paths {
        let ids: Vec<String> = p
            .nodes
            .iter()
            .map(|&v| m.entity(v).id.to_string())
            .collect();
        table.push(vec![
            Cell::List(ids),
            Cell::Num(p.share),
            Cell::Int(p.nodes.len() as i64 - 1),
        ]);
    }
    if found.truncated {
        table.notes.push(format!(
            "stopped after {budget} steps: more paths may exist; narrow the query (a nearer start, or `limit`)"
        ));
    } else if found.paths.len() >= limit {
        // Enumeration is best first (src/analysis/paths.rs, docs/semantics.md §5).
        table.notes.push(if limit == 1 {
            "showing the largest path; raise `limit` for more".to_string()
        } else {
            format!("showing the {limit} largest paths; raise `limit` for more")
        });
    }
    table
}

/// One contribution to a target's exposure (`explain`).
pub struct Contribution {
    pub target: u32,
    pub exposure: f64,
    pub node: u32,
    pub loss: f64,
    pub reach: f64,
}

/// Contributions to each target's exposure, largest first per target.
pub fn explain(m: &Model, title: String, rows: &[Contribution]) -> Table {
    let mut table = Table::new(
        title,
        &[
            "target",
            "exposure",
            "id",
            "name",
            "stage",
            "loss",
            "reach",
            "contribution",
        ],
    );
    for c in rows {
        let e = m.entity(c.node);
        table.push(vec![
            Cell::text(m.entity(c.target).id),
            Cell::Num(c.exposure),
            Cell::text(e.id),
            Cell::text(e.name),
            Cell::opt(e.stage.map(String::from)),
            Cell::Num(c.loss),
            Cell::Num(c.reach),
            Cell::Num(c.loss * c.reach),
        ]);
    }
    table.notes.push("loss: the node's own loss; reach: the share of the target's supply that passes through it; contribution: loss x reach".into());
    table
}

/// What the model says about each node (`show`): fields, figures with their sources, and
/// supply edges in and out.
pub fn show(m: &Model, title: String, nodes: &[u32]) -> Table {
    let mut table = Table::new(
        title,
        &["id", "field", "value", "unit", "source", "date", "note"],
    );
    let row = |t: &mut Table, id: &str, field: &str, value: String| {
        t.push(vec![
            Cell::text(id),
            Cell::text(field),
            Cell::Text(value),
            Cell::Null,
            Cell::Null,
            Cell::Null,
            Cell::Null,
        ]);
    };
    for &x in nodes {
        let e = m.entity(x);
        row(&mut table, e.id, "name", e.name.to_string());
        row(&mut table, e.id, "kind", e.kind.as_str().into());
        if let Some(s) = e.stage {
            row(&mut table, e.id, "stage", s.to_string());
        }
        let chain: Vec<String> = m
            .regions_of(x)
            .map(|r| m.entity(r).name.to_string())
            .collect();
        if !chain.is_empty() {
            let f = if e.kind == Kind::Region {
                "within"
            } else {
                "region"
            };
            row(&mut table, e.id, f, chain.join(" < "));
        }
        if let Some(c) = e.company {
            row(&mut table, e.id, "company", c.to_string());
        }
        let node_def;
        let (default_source, figures): (Option<String>, Vec<(&str, &crate::model::doc::Figure)>) =
            if e.kind == Kind::Region {
                let d = &m.doc.region[e.def];
                (
                    d.source.as_ref().map(|s| s.text.clone()),
                    d.attrs
                        .0
                        .iter()
                        .map(|(k, f)| (k.text.as_str(), f))
                        .collect(),
                )
            } else {
                node_def = m.node_def(e.def);
                let d = &*node_def;
                if let Some(s) = &d.status {
                    row(&mut table, e.id, "status", s.clone());
                }
                // Declared figures (output, capacity), then free attributes.
                let mut f: Vec<(&str, &crate::model::doc::Figure)> =
                    crate::model::fields::Entity::figures(d)
                        .map(|(field, fig)| (field.key, fig))
                        .collect();
                f.extend(d.attrs.0.iter().map(|(k, f)| (k.text.as_str(), f)));
                (d.source.as_ref().map(|s| s.text.clone()), f)
            };
        for (k, f) in figures {
            figure_rows(&mut table, e.id, k, f, default_source.as_deref());
        }
        // Supply edges in and out.
        edge_rows(m, &mut table, x);
    }
    table
}

/// One row per value of a figure: value, unit, source (the item's default source when the
/// value names none), date and note; where sources disagree, which value is used.
fn figure_rows(
    table: &mut Table,
    id: &str,
    k: &str,
    f: &crate::model::doc::Figure,
    default_source: Option<&str>,
) {
    let several = f.values.len() > 1;
    for val in &f.values {
        let mut note = val.note.clone().unwrap_or_default();
        if several {
            let mark = if std::ptr::eq(val, f.used()) {
                "used"
            } else {
                "not used: sources disagree"
            };
            note = if note.is_empty() {
                mark.to_string()
            } else {
                format!("{mark}; {note}")
            };
        }
        // A range goes first in the note: the value stays a number.
        let range = if let Some((lo, hi)) = val.range() {
            Some(format!("range {}", range_text(lo, hi)))
        } else if several && std::ptr::eq(val, f.used()) {
            f.range()
                .map(|(lo, hi)| format!("range {} from the sources", range_text(lo, hi)))
        } else {
            None
        };
        if let Some(r) = range {
            note = if note.is_empty() {
                r
            } else {
                format!("{r}; {note}")
            };
        }
        table.push(vec![
            Cell::text(id),
            Cell::text(k),
            match &val.value {
                Scalar::Num(x) => Cell::Num(*x),
                Scalar::Bool(b) => Cell::Bool(*b),
                Scalar::Text(t) => Cell::Text(t.clone()),
            },
            Cell::opt(f.unit.as_ref().map(|u| u.text.clone())),
            Cell::opt(
                val.source
                    .as_ref()
                    .map(|s| s.text.clone())
                    .or(default_source.map(String::from)),
            ),
            Cell::opt(val.date.clone()),
            if note.is_empty() {
                Cell::Null
            } else {
                Cell::Text(note)
            },
        ]);
    }
}

/// The supply edges into and out of `x`, each with its figures (volume, capacity; the share
/// is in the edge's row).
fn edge_rows(m: &Model, table: &mut Table, x: u32) {
    let id = m.entity(x).id;
    let node = Model::node_index(x);
    let mut edges: Vec<usize> = m
        .graph
        .edges_directed(node, petgraph::Direction::Incoming)
        .chain(m.graph.edges_directed(node, petgraph::Direction::Outgoing))
        .map(|e| petgraph::visit::EdgeRef::id(&e).index())
        .collect();
    edges.sort_unstable();
    edges.dedup();
    for k in edges {
        let s = &m.supplies[k];
        let (field, other) = if s.to == x {
            ("input from", s.from)
        } else {
            ("output to", s.to)
        };
        let mat = s
            .material()
            .map(|k| m.materials[k as usize].name.clone())
            .unwrap_or_default();
        let status = match s.status {
            EdgeStatus::Operating => "",
            EdgeStatus::Planned => "planned",
            EdgeStatus::Stopped => "stopped",
        };
        let mut note: Vec<String> = [
            (!mat.is_empty()).then(|| format!("material {mat}")),
            (!status.is_empty()).then(|| status.to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let d = m.edge_def(k);
        let src = d
            .share
            .as_ref()
            .and_then(|f| f.used().source.as_ref())
            .or(d.source.as_ref())
            .map(|n| n.text.clone());
        let other = m.entity(other).id;
        let range = m
            .ranges()
            .of_supply(k)
            .iter()
            .find(|r| r.field == crate::model::ranges::RangeField::Share)
            .map(|r| {
                let why = match r.origin {
                    crate::model::ranges::RangeOrigin::Assumption => ", assumption range",
                    _ => "",
                };
                format!("range {}{why}", range_text(r.low, r.high))
            });
        note.extend(range);
        table.push(vec![
            Cell::text(id),
            Cell::Text(format!("{field} {other}: share")),
            Cell::Num(s.share),
            Cell::Null,
            Cell::opt(src),
            Cell::Null,
            if note.is_empty() {
                Cell::Null
            } else {
                Cell::Text(note.join("; "))
            },
        ]);
        let default_source = d.source.as_ref().map(|n| n.text.as_str());
        for (f, fig) in crate::model::fields::Entity::figures(&*d) {
            if f.key == "share" {
                continue;
            }
            let label = format!("{field} {other}: {}", f.key);
            figure_rows(table, id, &label, fig, default_source);
        }
    }
}

/// A range as read: `0.4..0.8`.
fn range_text(lo: f64, hi: f64) -> String {
    format!(
        "{}..{}",
        crate::output::rounded(lo),
        crate::output::rounded(hi)
    )
}

/// The figures of the `[model]` table (`show model`): one row per value.
pub fn model_figures(m: &Model, title: String) -> Table {
    let mut table = Table::new(
        title,
        &["id", "field", "value", "unit", "source", "date", "note"],
    );
    let id = "model";
    for (k, f) in &m.doc.model.attrs.0 {
        figure_rows(&mut table, id, &k.text, f, None);
    }
    if table.rows.is_empty() {
        table
            .notes
            .push("the model's [model] table gives no figures".into());
    }
    table
}
