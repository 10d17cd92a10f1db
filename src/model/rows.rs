//! Where the definitions of flow nodes and supply edges are kept: in the model document (TOML,
//! JSON, small tables), or, for a model read by the bulk reader, as rows of its CSV or Parquet
//! tables, read again one at a time when a definition is asked for.

use std::borrow::Cow;
use std::sync::Arc;

use super::csv_io::{edge_of_row, node_fields, node_of_row, Cell, Header, NodeRow, Row};
use super::doc::{EdgeDef, NodeDef};
use super::fields::Entity;
use super::graph::Model;
use super::parquet_read::{PqRow, PqTable};
use crate::diag::{Loc, Problems};

/// A large table: a CSV text (its header read), or a Parquet table's columns.
#[derive(Clone)]
pub enum Source {
    Csv(Header),
    Parquet(Arc<PqTable>),
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Source({})", self.header().file.name)
    }
}

/// One row's fields, from either kind of table.
pub trait Fields {
    /// How many fields the row has.
    fn width(&self) -> usize;
    /// Field `i`, trimmed (`""` when empty or absent; a Parquet number column gives `""`).
    fn text(&self, i: usize) -> &str;
    /// Field `i` as a number: `None` when empty or absent, `Some(Err)` when not a number.
    fn number(&self, i: usize) -> Option<Result<f64, ()>>;
}

/// `s.trim()`, answered at once for the usual field: empty, or starting and ending with a
/// printable ASCII character (every whitespace character is either ASCII and at most a space,
/// or not ASCII).
fn trim(s: &str) -> &str {
    let plain = |b: u8| b > b' ' && b.is_ascii();
    match s.as_bytes() {
        [] => s,
        [first, .., last] if plain(*first) && plain(*last) => s,
        [only] if plain(*only) => s,
        _ => s.trim(),
    }
}

impl Fields for &[Cell<'_>] {
    fn width(&self) -> usize {
        self.len()
    }
    fn text(&self, i: usize) -> &str {
        self.get(i).map_or("", |s| trim(&s.0))
    }
    fn number(&self, i: usize) -> Option<Result<f64, ()>> {
        match self.text(i) {
            "" => None,
            t => Some(t.parse::<f64>().map_err(|_| ())),
        }
    }
}

impl Fields for PqRow<'_> {
    fn width(&self) -> usize {
        self.chunk.cols.len()
    }
    fn text(&self, i: usize) -> &str {
        PqRow::text(self, i)
    }
    fn number(&self, i: usize) -> Option<Result<f64, ()>> {
        PqRow::number(self, i)
    }
}

impl Source {
    pub fn header(&self) -> &Header {
        match self {
            Source::Csv(h) => h,
            Source::Parquet(t) => &t.header,
        }
    }

    /// The row at `start`: a byte offset in a CSV text, a row number (from 0) in Parquet.
    pub fn row(&self, start: usize) -> Option<Row> {
        match self {
            Source::Csv(h) => h.row_at(start),
            Source::Parquet(t) => t.row(start),
        }
    }
}

/// A table and the start of each row that defines something.
#[derive(Debug, Clone)]
pub struct TableRows {
    pub source: Source,
    starts: Vec<u32>,
}

impl TableRows {
    pub fn new(source: Source, starts: Vec<u32>) -> TableRows {
        TableRows { source, starts }
    }

    pub fn header(&self) -> &Header {
        self.source.header()
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Columns `cols` of row `i` as numbers (`None` in a slot: empty or absent); `None` when the
    /// row must be read in full (a CSV row with quotes, or a field that is not a plain number).
    pub fn numbers_of<const N: usize>(
        &self,
        i: usize,
        cols: [Option<usize>; N],
    ) -> Option<[Option<f64>; N]> {
        let start = *self.starts.get(i)? as usize;
        let mut out = [None; N];
        match &self.source {
            Source::Csv(h) => {
                let fields = plain_fields_of(h, start, cols)?;
                for (o, t) in out.iter_mut().zip(fields) {
                    *o = match t {
                        "" => None,
                        t => Some(t.parse::<f64>().ok()?),
                    };
                }
            }
            Source::Parquet(t) => {
                let (chunk, j) = t.locate(start)?;
                let row = PqRow { chunk, j };
                for (o, c) in out.iter_mut().zip(cols) {
                    *o = match c.and_then(|c| row.number(c)) {
                        None => None,
                        Some(x) => Some(x.ok()?),
                    };
                }
            }
        }
        Some(out)
    }

    fn row(&self, i: usize) -> Option<Row> {
        self.source.row(*self.starts.get(i)? as usize)
    }
}

/// Fields `cols` of the CSV row at `start` (`""` where a column is absent or empty), the line
/// split once; `None` where the row holds quotes (it must be read in full).
fn plain_fields_of<const N: usize>(
    h: &Header,
    start: usize,
    cols: [Option<usize>; N],
) -> Option<[&str; N]> {
    let text = h.file.text.get(start..)?;
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

/// The row tables of a bulk-read model (`None`: the definitions are in the document).
#[derive(Debug, Clone, Default)]
pub struct Rows {
    pub nodes: Option<TableRows>,
    pub edges: Option<TableRows>,
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
            .and_then(|row| node_of_row(rows.header(), &row, &mut Problems::default()));
        match node {
            Some(NodeRow::Node(n)) => Cow::Owned(n),
            _ => unreachable!(
                "row {def} of {} read cleanly before",
                rows.header().file.name
            ),
        }
    }

    /// The definition of supply edge `k`.
    pub fn edge_def(&self, k: usize) -> Cow<'_, EdgeDef> {
        let Some(rows) = &self.rows.edges else {
            return Cow::Borrowed(&self.doc.edge[k]);
        };
        let mut row = rows.row(k);
        // A Parquet table's ends are not kept once read: the supply has them.
        if let (Source::Parquet(t), Some(row), Some(s)) =
            (&rows.source, &mut row, self.supplies.get(k))
        {
            let h = rows.header();
            for (col, end) in [("from", s.from), ("to", s.to)] {
                if let Some(i) = h.col(col).filter(|i| t.forgotten.contains(i)) {
                    row.set_text(i, self.entity(end).id);
                }
            }
        }
        let edge = row.and_then(|row| edge_of_row(rows.header(), &row, &mut Problems::default()));
        match edge {
            Some(e) => Cow::Owned(e),
            None => unreachable!("row {k} of {} read cleanly before", rows.header().file.name),
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
                for (i, h) in rows.header().names.iter().enumerate() {
                    let h = h.text.trim();
                    if !node_fields().any(|c| c == h) && !rows.header().is_companion(i) {
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

#[cfg(test)]
mod trim_tests {
    /// The quick trim agrees with `str::trim` on every character alone and on random short
    /// texts of letters, ASCII and other whitespace, and control characters.
    #[test]
    fn trims_as_str_trim_does() {
        for c in (0..=0x3000u32).filter_map(char::from_u32) {
            for s in [
                c.to_string(),
                format!("{c}a{c}"),
                format!("a{c}"),
                format!("{c}a"),
            ] {
                assert_eq!(super::trim(&s), s.trim(), "{s:?}");
            }
        }
        let pieces = [
            "a", " ", "\t", "\u{a0}", "\u{2003}", "\u{85}", "\u{7f}", "é", ",", "",
        ];
        let mut rng = crate::model::test_rng::Rng::new(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let s: String = (0..rng.below(6)).map(|_| rng.pick(&pieces)).collect();
            assert_eq!(super::trim(&s), s.trim(), "{s:?}");
        }
    }
}
