//! Reading plain-table models (design.md section 4): a folder with `nodes.csv` and
//! `edges.csv`, and optionally `sources.csv`, `materials.csv`, `controls.csv` and
//! `scenarios.csv`. Rows are read by their entity's field table (`fields`); writing is in
//! `csv_write`.
//!
//! Columns beyond the fixed ones are attributes. A column `X_unit`, `X_source`, `X_date` or
//! `X_note` gives the unit, source, date or note of figure `X` on the same row (so `capacity`,
//! `capacity_unit`, `capacity_source`). A figure with several values keeps only its used value
//! here; `convert` says so.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use super::doc::*;
use super::error::ModelError;
use super::fields::{self, Entity, Field, FieldReader};
use super::parquet_read::PqTable;
use super::rows::Source;
use crate::diag::{Loc, Problems, SourceText};

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
    /// Where the rows after the header begin.
    pub body: usize,
    /// Column index by (trimmed) header name.
    index: std::collections::HashMap<String, usize>,
    /// For each column, its `_unit`, `_source`, `_date`, `_note`, `_low` and `_high`
    /// companions.
    companions: Vec<[Option<usize>; 6]>,
}

pub const COMPANIONS: [&str; 6] = ["_unit", "_source", "_date", "_note", "_low", "_high"];

pub struct Row {
    pub at: Loc,
    fields: Vec<Name>,
}

impl Row {
    /// A row of fields read from elsewhere than a CSV text (a Parquet table).
    pub(crate) fn new(at: Loc, fields: Vec<Name>) -> Row {
        Row { at, fields }
    }

    /// Sets field `i`'s text (keeping its place).
    pub(crate) fn set_text(&mut self, i: usize, text: &str) {
        if let Some(f) = self.fields.get_mut(i) {
            f.text = text.to_string();
        }
    }
}

/// A field as split: its value (quotes removed, doubled quotes undone) and its bytes in the file
/// (quotes included).
pub(crate) type Cell<'a> = (Cow<'a, str>, std::ops::Range<usize>);

/// The one way CSV rows are split, for every reader and every use: a row ends at a line end
/// (`\n` or `\r\n`) outside quotes; fields are separated by commas outside quotes; a quote
/// opens or closes a quoted part anywhere in a field and `""` inside one is a quote; blank
/// lines (and rows of a single empty field) are skipped. A quote that never closes runs to the
/// end of the text (readers report it first, with [`unclosed_quote`]). [`each_row`] gives the
/// same rows by a quicker scan where a text has no quotes and no carriage returns.
pub(crate) struct Splitter<'a> {
    text: &'a str,
    pos: usize,
    end: usize,
    /// Whether the text has quotes at all (without, each line is split where it stands).
    quotes: bool,
}

impl<'a> Splitter<'a> {
    /// The rows of `text[range]` (`range` starts at a row and ends at a line end or the end).
    pub(crate) fn new(text: &'a str, range: std::ops::Range<usize>) -> Splitter<'a> {
        let quotes = memchr::memchr(b'"', &text.as_bytes()[range.clone()]).is_some();
        Splitter {
            text,
            pos: range.start,
            end: range.end,
            quotes,
        }
    }

    /// The rows of `text` from byte `start` (a row's start) on, each line looked at for quotes
    /// as it comes (reading one row costs that row, not the rest of the text).
    pub(crate) fn from(text: &'a str, start: usize) -> Splitter<'a> {
        Splitter {
            text,
            pos: start,
            end: text.len(),
            quotes: true,
        }
    }

    /// Where the next row would start.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// The next row's cells into `cells`, and its bytes (line end excluded); `None` at the end.
    pub(crate) fn next_row(&mut self, cells: &mut Vec<Cell<'a>>) -> Option<std::ops::Range<usize>> {
        let bytes = self.text.as_bytes();
        loop {
            while self.pos < self.end && matches!(bytes[self.pos], b'\r' | b'\n') {
                self.pos += 1;
            }
            if self.pos >= self.end {
                return None;
            }
            cells.clear();
            let start = self.pos;
            let nl = memchr::memchr(b'\n', &bytes[start..self.end]).map_or(self.end, |i| start + i);
            let row_end = if self.quotes && memchr::memchr(b'"', &bytes[start..nl]).is_some() {
                self.quoted_row(cells)
            } else {
                let line_end = if nl > start && bytes[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                let line = &self.text[start..line_end];
                cells.extend(plain_fields(line).map(|r| {
                    (
                        Cow::Borrowed(&line[r.clone()]),
                        start + r.start..start + r.end,
                    )
                }));
                self.pos = (nl + 1).min(self.end);
                line_end
            };
            if cells.len() == 1 && cells[0].0.is_empty() {
                continue; // a blank row
            }
            return Some(start..row_end);
        }
    }

    /// Splits a row with quotes, from `self.pos`; gives where its content ends.
    fn quoted_row(&mut self, cells: &mut Vec<Cell<'a>>) -> usize {
        let (text, bytes) = (self.text, self.text.as_bytes());
        let mut i = self.pos;
        let mut field = i;
        let mut run = i;
        let mut value = String::new();
        let mut quoted = false;
        let mut in_quotes = false;
        loop {
            let at_end = i >= self.end || (!in_quotes && bytes[i] == b'\n');
            if at_end || (!in_quotes && bytes[i] == b',') {
                let mut e = i;
                if at_end && e > run && bytes[e - 1] == b'\r' {
                    e -= 1;
                }
                let cell = if quoted {
                    value.push_str(&text[run..e]);
                    Cow::Owned(std::mem::take(&mut value))
                } else {
                    Cow::Borrowed(&text[field..e])
                };
                cells.push((cell, field..e));
                if at_end {
                    self.pos = (i + 1).min(self.end);
                    return e;
                }
                i += 1;
                (field, run, quoted) = (i, i, false);
                continue;
            }
            if bytes[i] == b'"' {
                value.push_str(&text[run..i]);
                quoted = true;
                if in_quotes && i + 1 < self.end && bytes[i + 1] == b'"' {
                    value.push('"');
                    i += 2;
                } else {
                    in_quotes = !in_quotes;
                    i += 1;
                }
                run = i;
                continue;
            }
            i += 1;
        }
    }
}

impl Header {
    pub fn new(file: Arc<SourceText>, names: Vec<Name>, body: usize) -> Header {
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
            body,
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

    /// The header of a table: its first row that is not blank (`None` when it has none).
    pub fn first_row(file: &Arc<SourceText>) -> Option<Header> {
        let mut rows = Splitter::from(&file.text, 0);
        let row = row_of(file, &mut rows)?;
        Some(Header::new(file.clone(), row.fields, rows.pos()))
    }

    /// The row that starts at byte `start` of the file.
    pub fn row_at(&self, start: usize) -> Option<Row> {
        row_of(&self.file, &mut Splitter::from(&self.file.text, start))
    }
}

/// The next row of `rows`, a row of `file`, with its places.
fn row_of(file: &Arc<SourceText>, rows: &mut Splitter<'_>) -> Option<Row> {
    let mut cells = Vec::new();
    let at = rows.next_row(&mut cells)?;
    let fields = cells
        .into_iter()
        .map(|(value, r)| Name::new(value, Loc::span(file, r)))
        .collect();
    Some(Row {
        at: Loc::span(file, at),
        fields,
    })
}

/// Calls `row(start, cells)` for each row of `text[range]` (whole rows), the rows and cells a
/// [`Splitter`] over the range gives (`width`: about how many cells a row has). Where the range
/// has no quotes and no carriage returns, a row ends at a line end and a field at a comma, and
/// one scan for both finds them all (a line with nothing on it is no row), without a search
/// started per row and per field: the bulk reader's large tables, whose fields are a few bytes.
pub(crate) fn each_row<'a, E>(
    text: &'a str,
    range: std::ops::Range<usize>,
    width: usize,
    mut row: impl FnMut(usize, &[Cell<'a>]) -> Result<(), E>,
) -> Result<(), E> {
    let mut cells: Vec<Cell<'a>> = Vec::with_capacity(width);
    let run = &text.as_bytes()[range.clone()];
    if memchr::memchr2(b'"', b'\r', run).is_some() {
        let mut split = Splitter::new(text, range);
        while let Some(at) = split.next_row(&mut cells) {
            row(at.start, &cells)?;
        }
        return Ok(());
    }
    let base = range.start;
    let (mut row_start, mut field_start) = (base, base);
    let mut end_row = |cells: &mut Vec<Cell<'a>>, row_start: usize| -> Result<(), E> {
        // A blank line: one empty field, skipped as the splitter skips it.
        if !(cells.len() == 1 && cells[0].1.is_empty()) {
            row(row_start, cells)?;
        }
        cells.clear();
        Ok(())
    };
    each_delimiter(run, |i, byte| {
        let at = base + i;
        cells.push((Cow::Borrowed(&text[field_start..at]), field_start..at));
        field_start = at + 1;
        if byte == b'\n' {
            end_row(&mut cells, row_start)?;
            row_start = field_start;
        }
        Ok(())
    })?;
    if row_start < range.end {
        let end = range.end;
        cells.push((Cow::Borrowed(&text[field_start..end]), field_start..end));
        end_row(&mut cells, row_start)?;
    }
    Ok(())
}

/// Calls `at(i, byte)` for each comma and line end of `bytes`, in order. Eight bytes are
/// looked at together: a word's bytes equal to either are found by arithmetic on the word.
fn each_delimiter<E>(
    bytes: &[u8],
    mut at: impl FnMut(usize, u8) -> Result<(), E>,
) -> Result<(), E> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // The high bit of each byte of `x` that is zero, and no other bit.
    let zero = |x: u64| !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
    let (comma, line_end) = (ONES * u64::from(b','), ONES * u64::from(b'\n'));
    let mut words = bytes.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let w = u64::from_le_bytes(w);
        let mut found = zero(w ^ comma) | zero(w ^ line_end);
        while found != 0 {
            let i = (found.trailing_zeros() / 8) as usize;
            at(base + i, word[i])?;
            found &= found - 1;
        }
        base += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        if b == b',' || b == b'\n' {
            at(base + i, b)?;
        }
    }
    Ok(())
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
                ModelError::UnclosedQuote
                    .at(Loc::span(&file, at..at + 1))
                    .with_label("this quoted field runs to the end of the file"),
            );
            return None;
        }
        let Some(header) = Header::first_row(&file) else {
            p.push(ModelError::EmptyCsv.at(Loc::File(file.clone())));
            return None;
        };
        let text = &file.text;
        let mut split = Splitter::new(text, header.body..text.len());
        let mut rows = Vec::new();
        while let Some(row) = row_of(&file, &mut split) {
            rows.push(row);
        }
        Some(Table { header, rows })
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
                    ModelError::MissingColumn {
                        file: self.file.name.clone(),
                        column: n.to_string(),
                    }
                    .at(at)
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

/// A row's fields by column name, with the figure conventions.
struct RowView<'a> {
    table: &'a Header,
    row: &'a Row,
    taken: Vec<bool>,
}

impl<'a> RowView<'a> {
    fn new(table: &'a Header, row: &'a Row, p: &mut Problems) -> Option<Self> {
        if row.fields.len() != table.names.len() {
            p.push(
                ModelError::RowLength {
                    found: row.fields.len(),
                    header: table.names.len(),
                }
                .at(row.at.clone()),
            );
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
            p.push(ModelError::EmptyCell(col.to_string()).at(self.row.at.clone()));
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
        let [unit, source, date, note, low, high] =
            self.table.companions[i].map(|c| c.and_then(|c| self.name_at(c)));
        let (date, note) = (date.map(|d| d.text), note.map(|d| d.text));
        let n = n?;
        let (mut low, mut high) = (
            low.map(|x| end_of_range(&x)),
            high.map(|x| end_of_range(&x)),
        );
        let value = match n.text.parse::<f64>() {
            Ok(x) => Scalar::Num(x),
            Err(_) => match n.text.as_str() {
                "true" => Scalar::Bool(true),
                "false" => Scalar::Bool(false),
                t => match super::doc::scalar_or_range(t) {
                    (v, Some((lo, hi))) => {
                        (low, high) = (Some(lo), Some(hi));
                        v
                    }
                    (v, None) => v,
                },
            },
        };
        Some(Figure {
            values: vec![FigureValue {
                value,
                source,
                date,
                note,
                used: false,
                low,
                high,
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

/// An end of a range from a `_low` or `_high` column: a number, or NaN (reported by the
/// validator as a bad range).
fn end_of_range(n: &Name) -> f64 {
    n.text.trim().parse::<f64>().unwrap_or(f64::NAN)
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

/// A table of a model folder as found: a CSV text, or a Parquet table's columns.
enum Found {
    Csv(Arc<SourceText>),
    Parquet(Arc<PqTable>),
}

/// Reads a model folder of CSV tables, or of Parquet tables when `parquet` (where a table has
/// no `.parquet` file, its `.csv` file is read). `read_file` gives each CSV file's text (or a
/// problem); each Parquet table read is added to `parquet_files` (its name, with no text). Also
/// says whether every table could be read (a table that could not is left out whole).
pub fn read_folder(
    dir: &Path,
    read_file: &mut dyn FnMut(&Path, &mut Problems) -> Option<Arc<SourceText>>,
    p: &mut Problems,
    allow_bulk: bool,
    parquet: bool,
    parquet_files: &mut Vec<Arc<SourceText>>,
) -> (ModelDoc, bool, Option<super::bulk::Tables>) {
    let mut doc = ModelDoc::default();
    let complete = std::cell::Cell::new(true);
    let threads = super::net::cores();
    let mut found = |name: &str,
                     required: bool,
                     read_pq: fn(&Path, usize) -> Result<PqTable, ModelError>,
                     p: &mut Problems| {
        let pq = dir.join(format!("{name}.parquet"));
        if parquet && pq.exists() {
            return match read_pq(&pq, threads) {
                Ok(t) => {
                    parquet_files.push(t.header.file.clone());
                    Some(Found::Parquet(Arc::new(t)))
                }
                Err(e) => {
                    p.push(e.at(Loc::Nowhere));
                    complete.set(false);
                    None
                }
            };
        }
        let path = dir.join(format!("{name}.csv"));
        if !path.exists() {
            if required {
                let missing = if parquet { pq } else { path };
                p.push(ModelError::MissingTable(missing.display().to_string()).at(Loc::Nowhere));
            }
            complete.set(complete.get() && !required);
            return None;
        }
        let t = read_file(&path, p);
        complete.set(complete.get() && t.is_some());
        t.map(Found::Csv)
    };
    let nodes = found("nodes", true, PqTable::read::<NodeDef>, p);
    let edges = found("edges", true, PqTable::read::<EdgeDef>, p);
    let parse = |f: Option<Found>, p: &mut Problems| {
        let t = match f? {
            Found::Csv(text) => Table::parse(text, p),
            Found::Parquet(t) => Some(Table {
                header: t.header.clone(),
                rows: t.all_rows(),
            }),
        };
        complete.set(complete.get() && t.is_some());
        t
    };
    // Large tables with plain headers go to the bulk reader; it reads them at build time.
    let source = |f: &Found| match f {
        Found::Csv(text) => Header::first_row(text).map(Source::Csv),
        Found::Parquet(t) => Some(Source::Parquet(t.clone())),
    };
    let bulk = match (allow_bulk, &nodes, &edges) {
        (true, Some(n), Some(e)) => source(n)
            .zip(source(e))
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
    let f = found("sources", false, PqTable::read::<SourceDef>, p);
    if let Some(t) = parse(f, p) {
        doc.source = read_table(&t, p);
    }
    let f = found("materials", false, PqTable::read::<MaterialDef>, p);
    if let Some(t) = parse(f, p) {
        doc.material = read_table(&t, p);
    }
    let f = found("controls", false, PqTable::read::<ControlDef>, p);
    if let Some(t) = parse(f, p) {
        doc.control = read_table(&t, p);
    }
    let f = found("scenarios", false, PqTable::read::<ScenarioDef>, p);
    if let Some(t) = parse(f, p) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass scan of rows without quotes or carriage returns finds the rows the
    /// splitter finds, at the same places with the same cells (values and bytes): on random
    /// texts of letters, spaces, commas and line ends (blank lines, empty fields, ragged rows,
    /// no last line end).
    #[test]
    fn rows_scanned_in_one_pass_are_the_splitters_rows() {
        let mut rng = crate::model::test_rng::Rng::new(0x9e37_79b9_7f4a_7c15u64);
        for case in 0..2000 {
            let body: String = (0..rng.below(40))
                .map(|_| rng.pick(&['a', 'b', ' ', ',', '\n', '\n']))
                .collect();
            let text = format!("id,name\n{body}");
            let all = "id,name\n".len()..text.len();
            let mut scanned = Vec::new();
            each_row(&text, all.clone(), 2, |start, cells| {
                scanned.push((start, cells.to_vec()));
                Ok::<(), ()>(())
            })
            .expect("rows");
            let mut split = Splitter::new(&text, all);
            let (mut cells, mut split_rows) = (Vec::new(), Vec::new());
            while let Some(at) = split.next_row(&mut cells) {
                split_rows.push((at.start, cells.clone()));
            }
            assert_eq!(scanned, split_rows, "case {case}: {body:?}");
        }
    }

    /// The commas and line ends found eight bytes at a time are those a byte-by-byte look
    /// finds, on random bytes (every value, so that no byte near ',' or '\n' is taken for one).
    #[test]
    fn delimiters_are_found_as_byte_by_byte() {
        let mut rng = crate::model::test_rng::Rng::new(0x5851_f42d_4c95_7f2d);
        let pick = [b',', b'\n', b'-', b'\x0b', b'\xac', b'\x8a'];
        for len in 0..300usize {
            let bytes: Vec<u8> = (0..len)
                .map(|_| match rng.below(3) {
                    0 => rng.pick(&pick),
                    _ => rng.byte(),
                })
                .collect();
            let mut found = Vec::new();
            each_delimiter(&bytes, |i, b| {
                found.push((i, b));
                Ok::<(), ()>(())
            })
            .expect("never stopped");
            let want: Vec<(usize, u8)> = bytes
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b',' || b == b'\n')
                .map(|(i, &b)| (i, b))
                .collect();
            assert_eq!(found, want, "{bytes:?}");
        }
    }

    #[test]
    fn a_header_without_a_line_end_is_a_table_without_rows() {
        // Found by the model_csv fuzz target: the rows were asked for from past the text's end.
        for text in ["from,to,material,share,volume", "id,\"name\""] {
            let file = Arc::new(SourceText::new("edges.csv", text));
            let mut problems = Problems::default();
            let table = Table::parse(file, &mut problems).expect("a header");
            assert_eq!(table.header.body, text.len());
            assert!(table.rows.is_empty());
        }
    }

    /// Every row of `text` as (its bytes, each cell's value and bytes).
    fn split(text: &str) -> Vec<(&str, Vec<(String, &str)>)> {
        let mut rows = Splitter::new(text, 0..text.len());
        let mut cells = Vec::new();
        let mut out = Vec::new();
        while let Some(at) = rows.next_row(&mut cells) {
            let cells = cells
                .iter()
                .map(|(v, r)| (v.to_string(), &text[r.clone()]))
                .collect();
            out.push((&text[at], cells));
        }
        out
    }

    fn values(text: &str) -> Vec<Vec<String>> {
        split(text)
            .into_iter()
            .map(|(_, c)| c.into_iter().map(|(v, _)| v).collect())
            .collect()
    }

    #[test]
    fn rows_split_at_line_ends_outside_quotes() {
        let text = "a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\r\n,\n";
        let rows = split(text);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].0, "a,b");
        assert_eq!(
            rows[1].1,
            vec![
                ("x, \"y\"".to_string(), "\"x, \"\"y\"\"\""),
                ("two\nlines".to_string(), "\"two\nlines\"")
            ]
        );
        assert_eq!(rows[1].0, "\"x, \"\"y\"\"\",\"two\nlines\"");
        assert_eq!(rows[2].1, vec![(String::new(), ""), (String::new(), "")]);
    }

    #[test]
    fn blank_lines_are_skipped_everywhere_even_before_the_header() {
        assert_eq!(
            values("\n\r\nid,kind\n\nn1,mine\r\n\r\n\"\"\nn2,stage"),
            vec![
                vec!["id".to_string(), "kind".into()],
                vec!["n1".into(), "mine".into()],
                vec!["n2".into(), "stage".into()],
            ]
        );
        let file = Arc::new(SourceText::new("nodes.csv", "\r\n\nid,kind\r\nn1,mine\n"));
        let h = Header::first_row(&file).expect("a header");
        assert_eq!(h.col("kind"), Some(1));
        assert_eq!(&file.text[h.body..], "n1,mine\n");
        let row = h.row_at(h.body).expect("a row");
        assert_eq!(row.at.position().as_deref(), Some("nodes.csv:4:1"));
    }

    #[test]
    fn short_and_long_rows_and_quotes_mid_field_are_kept_as_written() {
        assert_eq!(
            values("a,b,c\n1\n1,2,3,4\nab\"c,d\"e\n"),
            vec![
                vec!["a".to_string(), "b".into(), "c".into()],
                vec!["1".into()],
                vec!["1".into(), "2".into(), "3".into(), "4".into()],
                vec!["abc,de".into()],
            ]
        );
        // An unclosed quote runs to the end (and is reported before any row is read).
        assert_eq!(values("a\n\"b\nc"), vec![vec!["a"], vec!["b\nc"]]);
        assert_eq!(unclosed_quote("a\n\"b\nc"), Some(2));
    }
}
