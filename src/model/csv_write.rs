//! Writing a model as plain tables (docs/semantics.md §7): `nodes.csv` (regions, then flow
//! nodes), `edges.csv`, and `sources.csv`, `materials.csv`, `controls.csv` and `scenarios.csv`
//! when the model has such items; or the same tables as Parquet files (`parquet_write`). Every
//! table's columns come from its entity's field table (`fields`); a figure `X` takes the
//! companion columns `X_unit`, `X_source`, `X_date`, `X_note`, `X_low` and `X_high` it needs.

use std::path::Path;

use super::doc::*;
use super::fields::{self, Entity, FieldWriter};

/// The kind of table files written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tables {
    Csv,
    Parquet,
}

impl Tables {
    fn file(self, dir: &Path, name: &str) -> std::path::PathBuf {
        match self {
            Tables::Csv => dir.join(format!("{name}.csv")),
            Tables::Parquet => dir.join(format!("{name}.parquet")),
        }
    }
}

/// Writes a model as CSV or Parquet tables into `dir`. Returns notes on what the tables could
/// not hold.
pub fn write_folder(doc: &ModelDoc, dir: &Path, kind: Tables) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut lost = 0usize;
    // nodes: regions first, then flow nodes.
    let mut nodes = TableWriter::new::<NodeDef>(&mut lost);
    for r in &doc.region {
        nodes.row(r, &[("kind", "region")]);
    }
    for n in &doc.node {
        nodes.row(n, &[]);
    }
    nodes.write(&kind.file(dir, "nodes"), kind)?;
    let mut edges = TableWriter::new::<EdgeDef>(&mut lost);
    for e in &doc.edge {
        edges.row(e, &[]);
    }
    edges.write(&kind.file(dir, "edges"), kind)?;
    write_table(&doc.source, dir, "sources", kind, &mut lost)?;
    write_table(&doc.material, dir, "materials", kind, &mut lost)?;
    write_table(&doc.control, dir, "controls", kind, &mut lost)?;
    write_table(&doc.scenario, dir, "scenarios", kind, &mut lost)?;
    let what = match kind {
        Tables::Csv => "CSV",
        Tables::Parquet => "Parquet",
    };
    let mut notes = Vec::new();
    if lost > 0 {
        notes.push(format!(
            "{lost} figures hold values from several sources; {what} keeps only the value used"
        ));
    }
    if doc.model.name.is_some() || !doc.model.units.is_empty() || !doc.model.attrs.is_empty() {
        notes.push(format!(
            "{what} has no place for the [model] section (name, units, attributes)"
        ));
    }
    Ok(notes)
}

/// Writes a table of its own for `items`, unless there are none.
fn write_table<E: Entity>(
    items: &[E],
    dir: &Path,
    name: &str,
    kind: Tables,
    lost: &mut usize,
) -> std::io::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let mut t = TableWriter::new::<E>(lost);
    for item in items {
        t.row(item, &[]);
    }
    t.write(&kind.file(dir, name), kind)
}

/// The rows of a table being written, and the union of their columns.
struct TableWriter<'a> {
    columns: Columns,
    rows: Vec<Vec<(String, String)>>,
    /// How many figures had values CSV cannot hold.
    lost: &'a mut usize,
    /// Which columns are text whatever they hold (Parquet).
    is_text: fn(&str) -> bool,
}

impl<'a> TableWriter<'a> {
    /// A table whose fixed columns are those of `E`.
    fn new<E: Entity>(lost: &'a mut usize) -> Self {
        let fixed: Vec<&str> = E::FIELDS
            .iter()
            .filter(|f| f.is_fixed())
            .map(|f| f.column)
            .collect();
        TableWriter {
            columns: Columns::new(&fixed),
            rows: Vec::new(),
            lost,
            is_text: super::parquet_read::is_text_column::<E>,
        }
    }

    /// Adds a row for `item`, with `extra` cells.
    fn row<E: Entity>(&mut self, item: &E, extra: &[(&str, &str)]) {
        let mut row = CsvRow {
            cells: Vec::new(),
            lost: 0,
        };
        fields::write(item, &mut row);
        row.cells
            .extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        *self.lost += row.lost;
        self.columns.add(&row.cells);
        self.rows.push(row.cells);
    }

    fn write(&self, path: &Path, kind: Tables) -> std::io::Result<()> {
        match kind {
            Tables::Csv => self.columns.write(path, &self.rows),
            Tables::Parquet => self.columns.write_parquet(path, &self.rows, self.is_text),
        }
    }
}

/// One row's cells, by column.
struct CsvRow {
    cells: Vec<(String, String)>,
    lost: usize,
}

impl FieldWriter for CsvRow {
    fn text(&mut self, column: &str, value: String) {
        self.cells.push((column.to_string(), value));
    }

    fn figure(&mut self, key: &str, f: &Figure) {
        if f.values.len() > 1 {
            self.lost += 1;
        }
        figure_cells(&mut self.cells, key, f);
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
    // The range the figure has (several sources' span included, which CSV cannot list).
    if let Some((lo, hi)) = f.range() {
        row.push((format!("{key}_low"), crate::number::number(lo)));
        row.push((format!("{key}_high"), crate::number::number(hi)));
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
    /// A row's cells in column order (`""` where it has none).
    fn cells<'r>(&'r self, row: &'r [(String, String)]) -> impl Iterator<Item = &'r str> + 'r {
        self.0.iter().map(|c| {
            row.iter()
                .find(|(k, _)| k == c)
                .map_or("", |(_, v)| v.as_str())
        })
    }

    fn write(&self, path: &Path, rows: &[Vec<(String, String)>]) -> std::io::Result<()> {
        let mut w = csv::Writer::from_path(path)?;
        w.write_record(&self.0)?;
        for row in rows {
            w.write_record(self.cells(row))?;
        }
        w.flush()
    }

    fn write_parquet(
        &self,
        path: &Path,
        rows: &[Vec<(String, String)>],
        is_text: fn(&str) -> bool,
    ) -> std::io::Result<()> {
        use super::parquet_write::{ColumnTypes, TableOut};
        let cells: Vec<Vec<&str>> = rows.iter().map(|r| self.cells(r).collect()).collect();
        let mut types = ColumnTypes::new(&self.0, is_text);
        for row in &cells {
            types.see(row.iter().copied());
        }
        let mut t = TableOut::create(path, &self.0, types.numbers())?;
        for row in &cells {
            t.push(row.iter().copied())?;
        }
        t.finish()
    }
}
