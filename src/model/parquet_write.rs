//! Writing tables as Parquet: the columns of the CSV tables (design.md section 4), typed. A
//! column is a float64 column when it is not a text field (see
//! [`is_text_column`](super::parquet_read::is_text_column)) and every cell in it is empty or a
//! number; any other column is a UTF-8 column. Empty cells are nulls. Files are compressed with
//! Snappy, in row groups of [`GROUP_ROWS`] rows, which every Parquet reader (pyarrow, pandas,
//! polars, Spark, DuckDB) reads.

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

/// Rows per row group (and per batch written).
pub const GROUP_ROWS: usize = 1 << 18;

/// Which columns of a table are written as numbers: those not named for a text field whose
/// every cell is empty or a number, found by seeing the rows one by one.
pub struct ColumnTypes(Vec<bool>);

impl ColumnTypes {
    pub fn new(names: &[String], is_text: fn(&str) -> bool) -> ColumnTypes {
        ColumnTypes(names.iter().map(|n| !is_text(n)).collect())
    }

    /// Takes a row's cells into account, in column order.
    pub fn see<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        for (number, cell) in self.0.iter_mut().zip(cells) {
            let t = cell.trim();
            *number = *number && (t.is_empty() || t.parse::<f64>().is_ok());
        }
    }

    /// For each column, whether it is a number column.
    pub fn numbers(&self) -> &[bool] {
        &self.0
    }
}

enum Builder {
    Text(StringBuilder),
    Number(Float64Builder),
}

/// A Parquet table being written, a row at a time.
pub struct TableOut {
    writer: ArrowWriter<std::fs::File>,
    schema: Arc<Schema>,
    cols: Vec<Builder>,
    pending: usize,
}

fn io(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl TableOut {
    /// A table at `path` with columns `names`, number columns where `number` says so.
    pub fn create(path: &Path, names: &[String], number: &[bool]) -> std::io::Result<TableOut> {
        let fields: Vec<Field> = names
            .iter()
            .zip(number)
            .map(|(n, &num)| {
                let t = if num {
                    DataType::Float64
                } else {
                    DataType::Utf8
                };
                Field::new(n, t, true)
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(GROUP_ROWS))
            .build();
        let file = std::fs::File::create(path)?;
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(io)?;
        let mut t = TableOut {
            writer,
            schema,
            cols: Vec::new(),
            pending: 0,
        };
        t.cols = t.builders();
        Ok(t)
    }

    fn builders(&self) -> Vec<Builder> {
        self.schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Float64 => Builder::Number(Float64Builder::new()),
                _ => Builder::Text(StringBuilder::new()),
            })
            .collect()
    }

    /// Adds a row: one cell per column (`""`: null), in column order; missing cells are null.
    pub fn push<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> std::io::Result<()> {
        let mut cells = cells.into_iter();
        for b in &mut self.cols {
            let cell = cells.next().unwrap_or("");
            match b {
                Builder::Text(b) if cell.is_empty() => b.append_null(),
                Builder::Text(b) => b.append_value(cell),
                Builder::Number(b) => match cell.trim() {
                    "" => b.append_null(),
                    t => b
                        .append_value(t.parse::<f64>().map_err(|_| {
                            io(format!("`{t}` in a number column is not a number"))
                        })?),
                },
            }
        }
        self.pending += 1;
        if self.pending >= GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        let cols: Vec<ArrayRef> = self
            .cols
            .iter_mut()
            .map(|b| -> ArrayRef {
                match b {
                    Builder::Text(b) => Arc::new(b.finish()),
                    Builder::Number(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), cols).map_err(io)?;
        self.writer.write(&batch).map_err(io)?;
        self.pending = 0;
        Ok(())
    }

    /// Writes the last rows and the file's footer.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.flush()?;
        self.writer.close().map_err(io)?;
        Ok(())
    }
}

/// Converts a CSV table (its text) into a Parquet table at `out`, row by row: two passes, the
/// first to type the columns (`is_text` names the columns kept as text whatever they hold).
pub fn from_csv(text: &str, out: &Path, is_text: fn(&str) -> bool) -> std::io::Result<()> {
    let reader = || {
        csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_bytes())
    };
    let mut r = reader();
    let names: Vec<String> = r
        .headers()
        .map_err(io)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut types = ColumnTypes::new(&names, is_text);
    let mut rec = csv::StringRecord::new();
    while r.read_record(&mut rec).map_err(io)? {
        types.see(rec.iter());
    }
    let mut t = TableOut::create(out, &names, types.numbers())?;
    let mut r = reader();
    while r.read_record(&mut rec).map_err(io)? {
        t.push(rec.iter())?;
    }
    t.finish()
}

/// Converts the tables of a CSV model folder into Parquet tables in `out`, each with the same
/// columns and rows (the model is not read: check it first).
pub fn csv_folder(dir: &Path, out: &Path) -> std::io::Result<()> {
    use super::doc::{ControlDef, EdgeDef, MaterialDef, NodeDef, ScenarioDef, SourceDef};
    use super::parquet_read::is_text_column;
    std::fs::create_dir_all(out)?;
    type IsText = fn(&str) -> bool;
    let tables: [(&str, IsText); 6] = [
        ("nodes", is_text_column::<NodeDef>),
        ("edges", is_text_column::<EdgeDef>),
        ("sources", is_text_column::<SourceDef>),
        ("materials", is_text_column::<MaterialDef>),
        ("controls", is_text_column::<ControlDef>),
        ("scenarios", is_text_column::<ScenarioDef>),
    ];
    for (name, is_text) in tables {
        let path = dir.join(format!("{name}.csv"));
        if path.exists() {
            let text = std::fs::read_to_string(&path)?;
            from_csv(&text, &out.join(format!("{name}.parquet")), is_text)?;
        }
    }
    Ok(())
}
