//! Plain-table models (design.md section 4): a folder with `nodes.csv` and `edges.csv`, and
//! optionally `sources.csv`, `materials.csv`, `controls.csv` and `scenarios.csv`.
//!
//! Columns beyond the fixed ones are attributes. A column `X_unit`, `X_source`, `X_date` or
//! `X_note` gives the unit, source, date or note of figure `X` on the same row (so `capacity`,
//! `capacity_unit`, `capacity_source`). A figure with several values keeps only its used value
//! here; `convert` says so.

use std::path::Path;
use std::sync::Arc;

use super::doc::*;
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
            if t.header.require(NODE_COLUMNS, p) {
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
            if t.header.require(EDGE_COLUMNS, p) {
                for row in &t.rows {
                    if let Some(e) = edge_of_row(&t.header, row, p) {
                        doc.edge.push(e);
                    }
                }
            }
        }
    }
    if let Some(t) = table("sources.csv", false, p) {
        if t.header.require(&["id"], p) {
            for row in &t.rows {
                let Some(mut r) = RowView::new(&t.header, row, p) else {
                    continue;
                };
                let Some(id) = r.req("id", p) else { continue };
                doc.source.push(SourceDef {
                    id,
                    title: r.text("title"),
                    publisher: r.text("publisher"),
                    date: r.text("date"),
                    locator: r.text("where"),
                    url: r.text("url"),
                    note: r.text("note"),
                    at: row.at.clone(),
                });
            }
        }
    }
    if let Some(t) = table("materials.csv", false, p) {
        if t.header.require(&["id"], p) {
            for row in &t.rows {
                let Some(mut r) = RowView::new(&t.header, row, p) else {
                    continue;
                };
                let Some(id) = r.req("id", p) else { continue };
                let mut m = MaterialDef {
                    id,
                    name: r.text("name"),
                    elements: r.list("elements"),
                    source: r.name("source"),
                    attrs: Attrs::default(),
                    at: row.at.clone(),
                };
                m.attrs = r.attrs();
                doc.material.push(m);
            }
        }
    }
    if let Some(t) = table("controls.csv", false, p) {
        if t.header.require(&["id", "elements"], p) {
            for row in &t.rows {
                let Some(mut r) = RowView::new(&t.header, row, p) else {
                    continue;
                };
                let Some(id) = r.req("id", p) else { continue };
                let mut c = ControlDef {
                    id,
                    by: r.name("by"),
                    date: r.text("date"),
                    reference: r.text("reference"),
                    elements: r.list("elements"),
                    status: r.text("status"),
                    source: r.name("source"),
                    attrs: Attrs::default(),
                    at: row.at.clone(),
                };
                c.attrs = r.attrs();
                doc.control.push(c);
            }
        }
    }
    if let Some(t) = table("scenarios.csv", false, p) {
        if t.header.require(&["id", "with"], p) {
            for row in &t.rows {
                let Some(mut r) = RowView::new(&t.header, row, p) else {
                    continue;
                };
                let (Some(id), Some(with)) = (r.req("id", p), r.req("with", p)) else {
                    continue;
                };
                doc.scenario.push(ScenarioDef {
                    id,
                    with,
                    name: r.text("name"),
                    description: r.text("description"),
                    source: r.name("source"),
                    at: row.at.clone(),
                });
            }
        }
    }
    (doc, complete.get(), bulk)
}

/// The columns `nodes.csv` and `edges.csv` must have.
pub const NODE_COLUMNS: &[&str] = &["id", "name", "kind", "stage", "region"];
pub const EDGE_COLUMNS: &[&str] = &["from", "to", "material", "share", "volume"];
/// The columns of `nodes.csv` that are not attributes of its nodes.
pub const NODE_FIELDS: &[&str] = &[
    "id", "name", "kind", "stage", "region", "company", "status", "source",
];

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
    let id = r.req("id", p);
    let kind = r.req("kind", p);
    let (Some(id), Some(kind)) = (id, kind) else {
        return None;
    };
    let name = r.text("name");
    if kind.text == "region" {
        let within = r.name("region");
        let level = r.name("level");
        let source = r.name("source");
        r.name("stage");
        return Some(NodeRow::Region(RegionDef {
            id,
            name,
            within,
            level,
            source,
            attrs: r.attrs(),
            at: row.at.clone(),
        }));
    }
    let mut n = NodeDef {
        id,
        name,
        kind,
        stage: r.name("stage"),
        region: r.name("region"),
        company: r.text("company"),
        status: r.text("status"),
        capacity: r.figure("capacity"),
        source: r.name("source"),
        attrs: Attrs::default(),
        at: row.at.clone(),
    };
    n.attrs = r.attrs();
    Some(NodeRow::Node(n))
}

/// Reads a row of `edges.csv`; `None`, after reporting, when it lacks an end.
pub fn edge_of_row(h: &Header, row: &Row, p: &mut Problems) -> Option<EdgeDef> {
    let mut r = RowView::new(h, row, p)?;
    let from = r.req("from", p);
    let to = r.req("to", p);
    let mut e = EdgeDef {
        material: r.name("material"),
        share: r.figure("share"),
        volume: r.figure("volume"),
        status: r.name("status"),
        source: r.name("source"),
        attrs: Attrs::default(),
        at: row.at.clone(),
        from: from?,
        to: to?,
    };
    e.attrs = r.attrs();
    Some(e)
}

/// Writes a model as CSV tables into `dir`. Returns notes on what CSV could not hold.
pub fn write_folder(doc: &ModelDoc, dir: &Path) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut lost = 0usize;
    let mut count_lost = |f: &Figure| {
        if f.values.len() > 1 {
            lost += 1;
        }
    };
    // nodes.csv: regions first, then flow nodes.
    let mut cols = Columns::new(&["id", "name", "kind", "stage", "region"]);
    let mut rows: Vec<Vec<(String, String)>> = Vec::new();
    for r in &doc.region {
        let mut row = vec![
            ("id".to_string(), r.id.text.clone()),
            ("name".into(), r.name.clone().unwrap_or_default()),
            ("kind".into(), "region".into()),
            ("region".into(), opt(&r.within)),
        ];
        push_opt(&mut row, "level", r.level.as_ref().map(|x| x.text.clone()));
        push_opt(
            &mut row,
            "source",
            r.source.as_ref().map(|x| x.text.clone()),
        );
        for (k, f) in &r.attrs.0 {
            count_lost(f);
            figure_cells(&mut row, &k.text, f);
        }
        cols.add(&row);
        rows.push(row);
    }
    for n in &doc.node {
        let mut row = vec![
            ("id".to_string(), n.id.text.clone()),
            ("name".into(), n.name.clone().unwrap_or_default()),
            ("kind".into(), n.kind.text.clone()),
            ("stage".into(), opt(&n.stage)),
            ("region".into(), opt(&n.region)),
        ];
        push_opt(&mut row, "company", n.company.clone());
        push_opt(&mut row, "status", n.status.clone());
        push_opt(
            &mut row,
            "source",
            n.source.as_ref().map(|x| x.text.clone()),
        );
        if let Some(f) = &n.capacity {
            count_lost(f);
            figure_cells(&mut row, "capacity", f);
        }
        for (k, f) in &n.attrs.0 {
            count_lost(f);
            figure_cells(&mut row, &k.text, f);
        }
        cols.add(&row);
        rows.push(row);
    }
    cols.write(&dir.join("nodes.csv"), &rows)?;

    let mut cols = Columns::new(&["from", "to", "material", "share", "volume"]);
    let mut rows = Vec::new();
    for e in &doc.edge {
        let mut row = vec![
            ("from".to_string(), e.from.text.clone()),
            ("to".into(), e.to.text.clone()),
            ("material".into(), opt(&e.material)),
        ];
        for (k, f) in [("share", &e.share), ("volume", &e.volume)] {
            if let Some(f) = f {
                count_lost(f);
                figure_cells(&mut row, k, f);
            }
        }
        push_opt(
            &mut row,
            "status",
            e.status.as_ref().map(|x| x.text.clone()),
        );
        push_opt(
            &mut row,
            "source",
            e.source.as_ref().map(|x| x.text.clone()),
        );
        for (k, f) in &e.attrs.0 {
            count_lost(f);
            figure_cells(&mut row, &k.text, f);
        }
        cols.add(&row);
        rows.push(row);
    }
    cols.write(&dir.join("edges.csv"), &rows)?;

    if !doc.source.is_empty() {
        let mut cols = Columns::new(&["id", "title", "publisher", "date", "where", "url", "note"]);
        let rows: Vec<_> = doc
            .source
            .iter()
            .map(|s| {
                let row = vec![
                    ("id".to_string(), s.id.text.clone()),
                    ("title".into(), s.title.clone().unwrap_or_default()),
                    ("publisher".into(), s.publisher.clone().unwrap_or_default()),
                    ("date".into(), s.date.clone().unwrap_or_default()),
                    ("where".into(), s.locator.clone().unwrap_or_default()),
                    ("url".into(), s.url.clone().unwrap_or_default()),
                    ("note".into(), s.note.clone().unwrap_or_default()),
                ];
                cols.add(&row);
                row
            })
            .collect();
        cols.write(&dir.join("sources.csv"), &rows)?;
    }
    if !doc.material.is_empty() {
        let mut cols = Columns::new(&["id", "name", "elements", "source"]);
        let mut rows = Vec::new();
        for m in &doc.material {
            let mut row = vec![
                ("id".to_string(), m.id.text.clone()),
                ("name".into(), m.name.clone().unwrap_or_default()),
                ("elements".into(), join(&m.elements)),
                ("source".into(), opt(&m.source)),
            ];
            for (k, f) in &m.attrs.0 {
                count_lost(f);
                figure_cells(&mut row, &k.text, f);
            }
            cols.add(&row);
            rows.push(row);
        }
        cols.write(&dir.join("materials.csv"), &rows)?;
    }
    if !doc.control.is_empty() {
        let mut cols = Columns::new(&[
            "id",
            "by",
            "date",
            "reference",
            "elements",
            "status",
            "source",
        ]);
        let mut rows = Vec::new();
        for c in &doc.control {
            let mut row = vec![
                ("id".to_string(), c.id.text.clone()),
                ("by".into(), opt(&c.by)),
                ("date".into(), c.date.clone().unwrap_or_default()),
                ("reference".into(), c.reference.clone().unwrap_or_default()),
                ("elements".into(), join(&c.elements)),
                ("status".into(), c.status.clone().unwrap_or_default()),
                ("source".into(), opt(&c.source)),
            ];
            for (k, f) in &c.attrs.0 {
                count_lost(f);
                figure_cells(&mut row, &k.text, f);
            }
            cols.add(&row);
            rows.push(row);
        }
        cols.write(&dir.join("controls.csv"), &rows)?;
    }
    if !doc.scenario.is_empty() {
        let mut cols = Columns::new(&["id", "name", "description", "with", "source"]);
        let rows: Vec<_> = doc
            .scenario
            .iter()
            .map(|s| {
                let row = vec![
                    ("id".to_string(), s.id.text.clone()),
                    ("name".into(), s.name.clone().unwrap_or_default()),
                    (
                        "description".into(),
                        s.description.clone().unwrap_or_default(),
                    ),
                    ("with".into(), s.with.text.clone()),
                    ("source".into(), opt(&s.source)),
                ];
                cols.add(&row);
                row
            })
            .collect();
        cols.write(&dir.join("scenarios.csv"), &rows)?;
    }
    let mut notes = Vec::new();
    if lost > 0 {
        notes.push(format!(
            "{lost} figures hold values from several sources; CSV keeps only the value used"
        ));
    }
    if doc.model.name.is_some() || !doc.model.units.is_empty() || !doc.model.attrs.is_empty() {
        notes.push("CSV has no place for the [model] section (name, units, attributes)".into());
    }
    Ok(notes)
}

fn opt(n: &Option<Name>) -> String {
    n.as_ref().map(|x| x.text.clone()).unwrap_or_default()
}

fn join(ns: &[Name]) -> String {
    ns.iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

fn push_opt(row: &mut Vec<(String, String)>, k: &str, v: Option<String>) {
    if let Some(v) = v {
        row.push((k.to_string(), v));
    }
}

fn figure_cells(row: &mut Vec<(String, String)>, key: &str, f: &Figure) {
    let v = f.used();
    row.push((key.to_string(), v.value.to_string()));
    if let Some(u) = &f.unit {
        row.push((format!("{key}_unit"), u.text.clone()));
    }
    if let Some(s) = &v.source {
        row.push((format!("{key}_source"), s.text.clone()));
    }
    if let Some(d) = &v.date {
        row.push((format!("{key}_date"), d.clone()));
    }
    if let Some(n) = &v.note {
        row.push((format!("{key}_note"), n.clone()));
    }
}

/// The union of the columns rows use, fixed ones first, then in order of first use.
struct Columns(Vec<String>);

impl Columns {
    fn new(fixed: &[&str]) -> Self {
        Columns(fixed.iter().map(|s| s.to_string()).collect())
    }
    fn add(&mut self, row: &[(String, String)]) {
        for (k, _) in row {
            if !self.0.contains(k) {
                self.0.push(k.clone());
            }
        }
    }
    fn write(&self, path: &Path, rows: &[Vec<(String, String)>]) -> std::io::Result<()> {
        let mut w = csv::Writer::from_path(path)?;
        w.write_record(&self.0)?;
        for row in rows {
            let rec: Vec<&str> = self
                .0
                .iter()
                .map(|c| {
                    row.iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, v)| v.as_str())
                        .unwrap_or("")
                })
                .collect();
            w.write_record(rec)?;
        }
        w.flush()
    }
}
