//! Where the definitions of flow nodes and supply edges are kept: in the model document (TOML,
//! JSON, small tables), or, for a model read by the bulk reader, as rows of its CSV tables,
//! read again one at a time when a definition is asked for.

use std::borrow::Cow;

use super::csv_io::{edge_of_row, node_fields, node_of_row, Header, NodeRow};
use super::doc::{EdgeDef, NodeDef};
use super::fields::Entity;
use super::graph::Model;
use crate::diag::{Loc, Problems};

/// A table and the start of each row that defines something.
#[derive(Debug, Clone)]
pub struct CsvRows {
    pub header: Header,
    starts: Vec<u32>,
}

impl CsvRows {
    pub fn new(header: Header, starts: Vec<u32>) -> CsvRows {
        CsvRows { header, starts }
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Fields `cols` of row `i` (`""` where a column is absent or empty), the line split once;
    /// `None` where the row holds quotes (it must be read in full).
    pub fn plain_fields_of<const N: usize>(
        &self,
        i: usize,
        cols: [Option<usize>; N],
    ) -> Option<[&str; N]> {
        let start = *self.starts.get(i)? as usize;
        let text = self.header.file.text.get(start..)?;
        let line = &text[..memchr::memchr(b'\n', text.as_bytes()).unwrap_or(text.len())];
        let line = line.strip_suffix('\r').unwrap_or(line);
        if memchr::memchr(b'"', line.as_bytes()).is_some() {
            return None;
        }
        let mut out = [""; N];
        let Some(&last) = cols.iter().flatten().max() else {
            return Some(out);
        };
        for (j, r) in super::csv_io::plain_fields(line).enumerate().take(last + 1) {
            for (c, o) in cols.iter().zip(out.iter_mut()) {
                if *c == Some(j) {
                    *o = line[r.clone()].trim();
                }
            }
        }
        Some(out)
    }

    fn row(&self, i: usize) -> Option<super::csv_io::Row> {
        self.header.row_at(*self.starts.get(i)? as usize)
    }
}

/// The row tables of a bulk-read model (`None`: the definitions are in the document).
#[derive(Debug, Clone, Default)]
pub struct Rows {
    pub nodes: Option<CsvRows>,
    pub edges: Option<CsvRows>,
}

impl Model {
    /// The definition of flow node `def` (an entity's `def`).
    pub fn node_def(&self, def: usize) -> Cow<'_, NodeDef> {
        let Some(rows) = &self.rows.nodes else {
            return Cow::Borrowed(&self.doc.node[def]);
        };
        // The row was read cleanly when the model was built, so it reads again.
        let node = rows
            .row(def)
            .and_then(|row| node_of_row(&rows.header, &row, &mut Problems::default()));
        match node {
            Some(NodeRow::Node(n)) => Cow::Owned(n),
            _ => unreachable!("row {def} of {} read cleanly before", rows.header.file.name),
        }
    }

    /// The definition of supply edge `k`.
    pub fn edge_def(&self, k: usize) -> Cow<'_, EdgeDef> {
        let Some(rows) = &self.rows.edges else {
            return Cow::Borrowed(&self.doc.edge[k]);
        };
        let edge = rows
            .row(k)
            .and_then(|row| edge_of_row(&rows.header, &row, &mut Problems::default()));
        match edge {
            Some(e) => Cow::Owned(e),
            None => unreachable!("row {k} of {} read cleanly before", rows.header.file.name),
        }
    }

    /// Where flow node `def` is defined.
    pub fn node_loc(&self, def: usize) -> Loc {
        match &self.rows.nodes {
            Some(rows) => rows.row(def).map(|r| r.at).unwrap_or_default(),
            None => self.doc.node[def].at.clone(),
        }
    }

    /// How many flow nodes are defined.
    pub fn node_defs(&self) -> usize {
        match &self.rows.nodes {
            Some(rows) => rows.len(),
            None => self.doc.node.len(),
        }
    }

    /// The attribute names flow nodes may have (its figures, `capacity`, among them when any node can).
    pub fn node_attribute_names(&self) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        match &self.rows.nodes {
            Some(rows) => {
                for (i, h) in rows.header.names.iter().enumerate() {
                    let h = h.text.trim();
                    if !node_fields().any(|c| c == h) && !rows.header.is_companion(i) {
                        out.insert(h.to_string());
                    }
                }
            }
            None => {
                for n in &self.doc.node {
                    out.extend(n.attrs.0.iter().map(|(k, _)| k.text.clone()));
                    out.extend(n.figures().map(|(f, _)| f.key.to_string()));
                }
            }
        }
        out
    }
}
