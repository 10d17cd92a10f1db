//! Results laid out as tables: what `show` prints about nodes.

use super::ast::*;
use super::error::Result;
use super::outcome::Outcome;
use super::session::Session;
use crate::model::graph::{EdgeStatus, Kind, Model};
use crate::output::{Cell, Table};

impl Session<'_> {
    pub(super) fn show(&mut self, st: &Statement, set: &Set) -> Result<Outcome> {
        let v = self.eval_set(set)?;
        let shown = v.clone();
        let m = self.model;
        let mut table = Table::new(
            self.title(&st.stmt),
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
        for x in v {
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
            let (default_source, figures): (
                Option<String>,
                Vec<(&str, &crate::model::doc::Figure)>,
            ) = if e.kind == Kind::Region {
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
                let mut f: Vec<(&str, &crate::model::doc::Figure)> =
                    d.capacity.iter().map(|c| ("capacity", c)).collect();
                f.extend(d.attrs.0.iter().map(|(k, f)| (k.text.as_str(), f)));
                (d.source.as_ref().map(|s| s.text.clone()), f)
            };
            for (k, f) in figures {
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
                    table.push(vec![
                        Cell::text(e.id),
                        Cell::text(k),
                        Cell::Text(val.value.to_string()),
                        Cell::opt(f.unit.as_ref().map(|u| u.text.clone())),
                        Cell::opt(
                            val.source
                                .as_ref()
                                .map(|s| s.text.clone())
                                .or(default_source.clone()),
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
            // Supply edges in and out.
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
                    EdgeStatus::Operating => String::new(),
                    EdgeStatus::Planned => " (planned)".into(),
                    EdgeStatus::Stopped => " (stopped)".into(),
                };
                let d = m.edge_def(k);
                let src = d
                    .share
                    .as_ref()
                    .and_then(|f| f.used().source.as_ref())
                    .or(d.source.as_ref())
                    .map(|n| n.text.clone());
                table.push(vec![
                    Cell::text(e.id),
                    Cell::text(field),
                    Cell::Text(format!(
                        "{}: {mat}, share {}{status}",
                        m.entity(other).id,
                        crate::output::rounded(s.share)
                    )),
                    Cell::Null,
                    Cell::opt(src),
                    Cell::Null,
                    Cell::Null,
                ]);
            }
        }
        table.graph = Some(Box::new(self.plain_graph(shown)));
        Ok(Outcome::Table(table))
    }
}
