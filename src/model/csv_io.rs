//! Reading plain-table models (design.md section 4): a folder with `nodes.csv` and
//! `edges.csv`, and optionally `sources.csv`, `materials.csv`, `controls.csv` and
//! `scenarios.csv`. Rows are read by their entity's field table (`fields`); writing is in
//! `csv_write`.
//!
//! Columns beyond the fixed ones are attributes. A column `X_unit`, `X_source`, `X_date` or
//! `X_note` gives the unit, source, date or note of figure `X` on the same row (so `capacity`,
//! `capacity_unit`, `capacity_source`). A figure with several values keeps only its used value
//! here; `convert` says so.

use std::path::Path;
use std::sync::Arc;

use super::doc::*;
use super::fields::{self, Entity, Field, FieldReader};
use crate::diag::{Loc, Problem, Problems, SourceText};

/// One parsed table: header and rows, every field with its place.
struct Table {
    header: Header,
    rows: Vec<Row>,
}

/// A table's file and header row: what is needed to read any of its rows.
#[derive(Debug, Clone)]
pub struct Header {
    pub file: Arc<SourceText>,
    pub names: Vec<Name>,
    /// Column index by (trimmed) header name.
    index: std::collections::HashMap<String, usize>,
    /// For each column, its `_unit`, `_source`, `_date` and `_note` companions.
    companions: Vec<[Option<usize>; 4]>,
}

pub const COMPANIONS: [&str; 4] = ["_unit", "_source", "_date", "_note"];

pub struct Row {
    pub at: Loc,
    fields: Vec<Name>,
}

impl Header {
    pub fn new(file: Arc<SourceText>, names: Vec<Name>) -> Header {
        let index: std::collections::HashMap<String, usize> = names
            .iter()
            .enumerate()
            .map(|(i, h)| (h.text.trim().to_string(), i))
            .collect();
        let companions = names
            .iter()
            .map(|h| {
                COMPANIONS.map(|suffix| index.get(&format!("{}{suffix}", h.text.trim())).copied())
            })
            .collect();
        Header {
            file,
            names,
            index,
            companions,
        }
    }

    pub fn col(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Whether column `i` is a companion (`X_unit`, ...) of another column.
    pub fn is_companion(&self, i: usize) -> bool {
        let key = self.names[i].text.trim();
        COMPANIONS
            .iter()
            .filter_map(|s| key.strip_suffix(s))
            .any(|base| self.col(base).is_some())
    }

    /// The header of a table: its first row (`None` when it has none).
    pub fn first_row(file: &Arc<SourceText>) -> Option<Header> {
        let row = row_at(file, 0)?;
        Some(Header::new(file.clone(), row.fields))
    }

    /// The row that starts at byte `start` of the file.
    pub fn row_at(&self, start: usize) -> Option<Row> {
        row_at(&self.file, start)
    }
}

/// The row that starts at byte `start` of `file`.
fn row_at(file: &Arc<SourceText>, start: usize) -> Option<Row> {
    let text = file.text.get(start..)?;
    // A line without quotes is split where it stands (the `csv` parser costs more to set up
    // than such a row takes to read).
    let line = &text[..memchr::memchr(b'\n', text.as_bytes()).unwrap_or(text.len())];
    let line = line.strip_suffix('\r').unwrap_or(line);
    if !line.is_empty() && memchr::memchr(b'"', line.as_bytes()).is_none() {
        let fields = plain_fields(line)
            .map(|r| {
                Name::new(
                    &line[r.clone()],
                    Loc::span(file, start + r.start..start + r.end),
                )
            })
            .collect();
        return Some(Row {
            at: Loc::span(file, start..start + line.len()),
            fields,
        });
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    match rdr.read_record(&mut record) {
        Ok(true) => {
            let fields = field_names(file, start, &record);
            let end = fields.last().map(|f| span_end(&f.at)).unwrap_or(start);
            Some(Row {
                at: Loc::span(file, start..end),
                fields,
            })
        }
        _ => None,
    }
}

/// The byte ranges of the fields of a line without quotes.
pub(crate) fn plain_fields(line: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut from = 0;
    memchr::memchr_iter(b',', line.as_bytes())
        .chain([line.len()])
        .map(move |end| {
            let r = from..end;
            from = end + 1;
            r
        })
}

impl Table {
    fn parse(file: Arc<SourceText>, p: &mut Problems) -> Option<Table> {
        if let Some(at) = unclosed_quote(&file.text) {
            p.push(
                Problem::error(
                    Loc::span(&file, at..at + 1),
                    "malformed CSV: unclosed quote",
                )
                .with_label("this quoted field runs to the end of the file"),
            );
            return None;
        }
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(file.text.as_bytes());
        let mut header = Vec::new();
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        let mut first = true;
        loop {
            match rdr.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let at = record.position().map_or(0, |x| x.byte() as usize);
                    let start = record_start(file.text.as_bytes(), at);
                    let fields = field_names(&file, start, &record);
                    if first {
                        header = fields;
                        first = false;
                    } else {
                        if fields.len() == 1 && fields[0].text.is_empty() {
                            continue; // a blank line
                        }
                        let end = fields.last().map(|f| span_end(&f.at)).unwrap_or(start);
                        rows.push(Row {
                            at: Loc::span(&file, start..end),
                            fields,
                        });
                    }
                }
                Err(e) => {
                    let at = match e.position() {
                        Some(pos) => {
                            let b = pos.byte() as usize;
                            Loc::span(&file, b..b)
                        }
                        None => Loc::File(file.clone()),
                    };
                    p.push(Problem::error(at, format!("malformed CSV: {e}")));
                    return None;
                }
            }
        }
        if first {
            p.push(Problem::error(
                Loc::File(file.clone()),
                "empty CSV file: expected a header row",
            ));
            return None;
        }
        Some(Table {
            header: Header::new(file, header),
            rows,
        })
    }
}

impl Header {
    pub fn require(&self, names: &[&str], p: &mut Problems) -> bool {
        let mut ok = true;
        for n in names {
            if self.col(n).is_none() {
                let at = self
                    .names
                    .first()
                    .map(|h| h.at.clone())
                    .unwrap_or(Loc::File(self.file.clone()));
                let found: Vec<&str> = self.names.iter().map(|h| h.text.as_str()).collect();
                let hint = crate::suggest::did_you_mean(n, found.iter().copied())
                    .map(|c| format!("did you mean `{c}`?"))
                    .unwrap_or_else(|| format!("found columns: {}", found.join(",")));
                p.push(
                    Problem::error(at, format!("{} has no `{n}` column", self.file.name))
                        .with_label(hint),
                );
                ok = false;
            }
        }
        ok
    }
}

/// Where a quoted field opens that never closes (quotes inside a field are doubled, so in a
/// well-formed file every field's quotes pair up).
pub(crate) fn unclosed_quote(text: &str) -> Option<usize> {
    let mut open = None;
    for (i, b) in text.bytes().enumerate() {
        if b == b'"' {
            open = match open {
                None => Some(i),
                Some(_) => None,
            };
        }
    }
    open
}

fn span_end(at: &Loc) -> usize {
    match at {
        Loc::Span { range, .. } => range.end,
        _ => 0,
    }
}

/// Where a record read by the `csv` parser starts, from the position the parser gives: after
/// a `\r\n`, that is the `\n`, which belongs to the line before.
pub(crate) fn record_start(text: &[u8], position: usize) -> usize {
    let mut at = position;
    while at < text.len() && matches!(text[at], b'\r' | b'\n') {
        at += 1;
    }
    at
}

/// Each field of a record with its byte range in the file, found by walking the raw line.
fn field_names(file: &Arc<SourceText>, start: usize, record: &csv::StringRecord) -> Vec<Name> {
    let raw = file.text.as_bytes();
    let mut out = Vec::with_capacity(record.len());
    let mut pos = start;
    for value in record.iter() {
        let field_start = pos;
        let mut in_quotes = false;
        while pos < raw.len() {
            match raw[pos] {
                b'"' => in_quotes = !in_quotes,
                b',' if !in_quotes => break,
                b'\n' | b'\r' if !in_quotes => break,
                _ => {}
            }
            pos += 1;
        }
        out.push(Name::new(value, Loc::span(file, field_start..pos)));
        if pos < raw.len() && raw[pos] == b',' {
            pos += 1;
        }
    }
    out
}

/// A row's fields by column name, with the figure conventions.
struct RowView<'a> {
    table: &'a Header,
    row: &'a Row,
    taken: Vec<bool>,
}

impl<'a> RowView<'a> {
    fn new(table: &'a Header, row: &'a Row, p: &mut Problems) -> Option<Self> {
        if row.fields.len() != table.names.len() {
            p.push(Problem::error(
                row.at.clone(),
                format!(
                    "this row has {} fields but the header has {}",
                    row.fields.len(),
                    table.names.len()
                ),
            ));
            return None;
        }
        Some(RowView {
            table,
            row,
            taken: vec![false; row.fields.len()],
        })
    }

    /// A non-empty field.
    fn name(&mut self, col: &str) -> Option<Name> {
        self.name_at(self.table.col(col)?)
    }

    fn name_at(&mut self, i: usize) -> Option<Name> {
        self.taken[i] = true;
        let f = &self.row.fields[i];
        let t = f.text.trim();
        (!t.is_empty()).then(|| Name::new(t, f.at.clone()))
    }

    fn req(&mut self, col: &str, p: &mut Problems) -> Option<Name> {
        let n = self.name(col);
        if n.is_none() {
            p.push(Problem::error(
                self.row.at.clone(),
                format!("this row has an empty `{col}`"),
            ));
        }
        n
    }

    fn text(&mut self, col: &str) -> Option<String> {
        self.name(col).map(|n| n.text)
    }

    /// Figure `col` with its `_unit`, `_source`, `_date`, `_note` companions.
    fn figure(&mut self, col: &str) -> Option<Figure> {
        self.figure_at(self.table.col(col)?)
    }

    fn figure_at(&mut self, i: usize) -> Option<Figure> {
        let n = self.name_at(i);
        let [unit, source, date, note] =
            self.table.companions[i].map(|c| c.and_then(|c| self.name_at(c)));
        let (date, note) = (date.map(|d| d.text), note.map(|d| d.text));
        let n = n?;
        let value = match n.text.parse::<f64>() {
            Ok(x) => Scalar::Num(x),
            Err(_) => match n.text.as_str() {
                "true" => Scalar::Bool(true),
                "false" => Scalar::Bool(false),
                _ => Scalar::Text(n.text.clone()),
            },
        };
        Some(Figure {
            values: vec![FigureValue {
                value,
                source,
                date,
                note,
                used: false,
                at: n.at.clone(),
            }],
            unit,
            at: n.at,
        })
    }

    /// Every column not yet taken, as attributes (companion columns go with their figure).
    fn attrs(&mut self) -> Attrs {
        let header = &self.table.names;
        let mut attrs = Attrs::default();
        for (i, h) in header.iter().enumerate() {
            if self.taken[i] || self.table.is_companion(i) {
                continue;
            }
            let key = h.text.trim().to_string();
            if let Some(f) = self.figure_at(i) {
                attrs.0.push((Name::new(key, h.at.clone()), f));
            }
        }
        attrs
    }

    fn list(&mut self, col: &str) -> Vec<Name> {
        let Some(n) = self.name(col) else {
            return Vec::new();
        };
        n.text
            .split([';', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| Name::new(s, n.at.clone()))
            .collect()
    }
}

impl FieldReader for RowView<'_> {
    fn required(&mut self, f: &Field, p: &mut Problems) -> Option<Name> {
        self.req(f.column, p)
    }
    fn name(&mut self, f: &Field, _: &mut Problems) -> Option<Name> {
        RowView::name(self, f.column)
    }
    fn text(&mut self, f: &Field, _: &mut Problems) -> Option<String> {
        RowView::text(self, f.column)
    }
    fn figure(&mut self, f: &Field, _: &mut Problems) -> Option<Figure> {
        RowView::figure(self, f.column)
    }
    fn names(&mut self, f: &Field, _: &mut Problems) -> Vec<Name> {
        self.list(f.column)
    }
    fn attrs(&mut self, _: &[&str], _: &mut Problems) -> Attrs {
        RowView::attrs(self)
    }
    /// Columns beyond an entity's fields are left alone in tables without attributes.
    fn no_more(&mut self, _: &mut Problems) {}
}

/// Reads the rows of a table of `E`s (every problem reported, the rows that can be read kept).
fn read_table<E: Entity>(t: &Table, p: &mut Problems) -> Vec<E> {
    if !t.header.require(&fields::must_columns::<E>(), p) {
        return Vec::new();
    }
    t.rows
        .iter()
        .filter_map(|row| {
            let mut r = RowView::new(&t.header, row, p)?;
            fields::read(&mut r, row.at.clone(), p)
        })
        .collect()
}

/// Reads a CSV model folder. `read_file` gives each file's text (or a problem). Also says
/// whether every table could be read (a table that could not is left out whole).
pub fn read_folder(
    dir: &Path,
    read_file: &mut dyn FnMut(&Path, &mut Problems) -> Option<Arc<SourceText>>,
    p: &mut Problems,
    allow_bulk: bool,
) -> (ModelDoc, bool, Option<super::bulk::Tables>) {
    let mut doc = ModelDoc::default();
    let complete = std::cell::Cell::new(true);
    let mut text = |name: &str, required: bool, p: &mut Problems| {
        let path = dir.join(name);
        if !path.exists() {
            if required {
                p.push(Problem::error(
                    Loc::Nowhere,
                    format!("{} is missing", path.display()),
                ));
            }
            complete.set(complete.get() && !required);
            return None;
        }
        let t = read_file(&path, p);
        complete.set(complete.get() && t.is_some());
        t
    };
    let nodes = text("nodes.csv", true, p);
    let edges = text("edges.csv", true, p);
    let parse = |f: Option<Arc<SourceText>>, p: &mut Problems| {
        let t = Table::parse(f?, p);
        complete.set(complete.get() && t.is_some());
        t
    };
    let mut table = |name: &str, required: bool, p: &mut Problems| -> Option<Table> {
        parse(text(name, required, p), p)
    };
    // Large tables with plain headers go to the bulk reader; it reads them at build time.
    let bulk = match (allow_bulk, &nodes, &edges) {
        (true, Some(n), Some(e)) => Header::first_row(n)
            .zip(Header::first_row(e))
            .and_then(|(n, e)| super::bulk::Tables::of(n, e)),
        _ => None,
    };
    if bulk.is_none() {
        if let Some(t) = parse(nodes, p) {
            if t.header.require(&fields::must_columns::<NodeDef>(), p) {
                for row in &t.rows {
                    match node_of_row(&t.header, row, p) {
                        Some(NodeRow::Region(r)) => doc.region.push(r),
                        Some(NodeRow::Node(n)) => doc.node.push(n),
                        None => {}
                    }
                }
            }
        }
        if let Some(t) = parse(edges, p) {
            if t.header.require(&fields::must_columns::<EdgeDef>(), p) {
                for row in &t.rows {
                    if let Some(e) = edge_of_row(&t.header, row, p) {
                        doc.edge.push(e);
                    }
                }
            }
        }
    }
    if let Some(t) = table("sources.csv", false, p) {
        doc.source = read_table(&t, p);
    }
    if let Some(t) = table("materials.csv", false, p) {
        doc.material = read_table(&t, p);
    }
    if let Some(t) = table("controls.csv", false, p) {
        doc.control = read_table(&t, p);
    }
    if let Some(t) = table("scenarios.csv", false, p) {
        doc.scenario = read_table(&t, p);
    }
    (doc, complete.get(), bulk)
}

/// The columns of `nodes.csv` that are not attributes of its nodes (`capacity` and any other
/// figure of a node count as attributes to ask for).
pub fn node_fields() -> impl Iterator<Item = &'static str> {
    NodeDef::FIELDS
        .iter()
        .filter(|f| !f.is_figure())
        .map(|f| f.column)
}

/// A row of `nodes.csv`: a region or a flow node.
// Rows are read one at a time and moved straight into the document: boxing would only add
// an allocation per row.
#[allow(clippy::large_enum_variant)]
pub enum NodeRow {
    Region(RegionDef),
    Node(NodeDef),
}

/// Reads a row of `nodes.csv`; `None`, after reporting, when it lacks its id or kind.
pub fn node_of_row(h: &Header, row: &Row, p: &mut Problems) -> Option<NodeRow> {
    let mut r = RowView::new(h, row, p)?;
    let kind = h.col("kind").map(|i| row.fields[i].text.trim());
    if kind == Some("region") {
        // The kind and stage columns say nothing more of a region.
        r.name("kind");
        r.name("stage");
        return fields::read(&mut r, row.at.clone(), p).map(NodeRow::Region);
    }
    fields::read(&mut r, row.at.clone(), p).map(NodeRow::Node)
}

/// Reads a row of `edges.csv`; `None`, after reporting, when it lacks an end.
pub fn edge_of_row(h: &Header, row: &Row, p: &mut Problems) -> Option<EdgeDef> {
    let mut r = RowView::new(h, row, p)?;
    fields::read(&mut r, row.at.clone(), p)
}
