//! Reading Parquet tables: `nodes.parquet`, `edges.parquet` (and the small tables) with the
//! columns of the CSV tables (design.md section 4), typed. A table is a Parquet file, or a
//! folder of part files (as Spark and Dask write them).
//!
//! A table is decoded into Arrow columns, its row groups split over the cores, and kept that
//! way: the bulk reader (`bulk`) takes ids, kinds and figures straight from the columns, with no
//! text to split or parse, and a row is turned into a [`Row`] of texts only where the general
//! reader needs one (a table with a problem, `show`). Such a row's fields are placed by row and
//! column, as `nodes.parquet (at row 17, column share)`: row 1 is the first row of the table.
//!
//! Columns named for a text field (`id`, `kind`, `from`, ..., and a figure's `_unit`, `_source`,
//! `_date` and `_note`) are read as text whatever their type (an integer id column reads as
//! `"17"`, and so does a float one holding 17.0). Any other column keeps numbers as numbers
//! (integers, decimals and floats as f64) and text, booleans and dates as text; a list or
//! struct column is refused with its name.
//! Files may be compressed with Snappy, gzip, zstd, LZ4 or Brotli.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, Float64Array, StringArray};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};

use super::csv_io::{Header, Row, COMPANIONS};
use super::doc::Name;
use super::error::ModelError;
use super::fields::Entity;
use crate::diag::{Loc, SourceText};

/// Rows decoded at a time (a chunk): small enough that a text column's offsets stay 32-bit,
/// large enough to give each thread several.
static CHUNK_ROWS: AtomicUsize = AtomicUsize::new(1 << 18);

/// Sets how many rows are decoded at a time (for tests: small chunks make even a small table
/// be read in runs on several threads).
pub fn set_chunk_rows(rows: usize) {
    CHUNK_ROWS.store(rows.max(1), Ordering::Relaxed);
}

/// One column of a chunk.
pub enum Column {
    Text(StringArray),
    Number(Float64Array),
    /// A number column that is mostly empty: only its numbers, and where they are.
    Sparse(Sparse),
    /// A column with no value in the chunk.
    Empty,
}

/// The numbers of a mostly empty column: a bit per row (whether it has a number), the numbers
/// in row order, and before each 64 rows how many numbers come earlier (so a row's number is
/// found in constant time). At most 1.5 bits a row and 8 bytes a number, against 8 bytes a row.
pub struct Sparse {
    present: Vec<u64>,
    before: Vec<u32>,
    values: Vec<f64>,
}

impl Sparse {
    fn of(a: &Float64Array) -> Sparse {
        let words = a.len().div_ceil(64);
        let mut s = Sparse {
            present: vec![0; words],
            before: Vec::with_capacity(words),
            values: Vec::with_capacity(a.len() - a.null_count()),
        };
        // Only the rows with a number are visited (a mostly empty column has few).
        let mut mark = |j: usize| {
            s.present[j / 64] |= 1 << (j % 64);
            s.values.push(a.value(j));
        };
        match a.nulls() {
            Some(nulls) => nulls.valid_indices().for_each(&mut mark),
            None => (0..a.len()).for_each(&mut mark),
        }
        let mut count = 0u32;
        for w in &s.present {
            s.before.push(count);
            count += w.count_ones();
        }
        s
    }

    fn get(&self, j: usize) -> Option<f64> {
        let (w, b) = (j / 64, j % 64);
        let word = *self.present.get(w)?;
        if word >> b & 1 == 0 {
            return None;
        }
        let k = self.before[w] as usize + (word & ((1u64 << b) - 1)).count_ones() as usize;
        self.values.get(k).copied()
    }
}

impl Column {
    /// Row `j`'s number, in a number column (`None` when empty, or in a text column).
    fn number_at(&self, j: usize) -> Option<f64> {
        match self {
            Column::Number(a) => a.is_valid(j).then(|| a.value(j)),
            Column::Sparse(s) => s.get(j),
            Column::Text(_) | Column::Empty => None,
        }
    }
}

/// A run of rows, decoded together.
pub struct Chunk {
    /// The table's row number of the chunk's first row (from 0).
    pub first: usize,
    pub len: usize,
    pub cols: Vec<Column>,
}

/// A Parquet table: its header (the column names) and its rows, in chunks.
pub struct PqTable {
    pub header: Header,
    pub chunks: Vec<Chunk>,
    pub rows: usize,
    /// Columns no longer kept, whose texts the model gives (see [`PqTable::forget`]).
    pub forgotten: Vec<usize>,
}

/// Whether column `name` of a table of `E`s is read as text whatever its type.
pub fn is_text_column<E: Entity>(name: &str) -> bool {
    let base = COMPANIONS[..4]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .filter(|b| !b.is_empty());
    base.is_some() || E::FIELDS.iter().any(|f| f.column == name && !f.is_figure())
}

impl PqTable {
    /// Reads a table of `E`s from `path` (a Parquet file, or a folder of part files as Spark
    /// and Dask write, read in the order of their names), its row groups split over up to
    /// `threads` threads.
    ///
    /// The Parquet reader may panic on a damaged file (a negative offset in its footer, ...):
    /// it runs on threads of its own, whose panics are caught, not printed, and reported as a
    /// problem of the file.
    pub fn read<E: Entity>(path: &Path, threads: usize) -> Result<PqTable, ModelError> {
        quiet_decoder_panics();
        let read = std::thread::scope(|s| {
            let t = std::thread::Builder::new()
                .name(DECODER.into())
                .spawn_scoped(s, || PqTable::read_here::<E>(path, threads));
            match t {
                Ok(t) => t.join().map_err(|e| damaged(&*e)),
                Err(e) => Err(e.to_string()),
            }
        });
        read.and_then(|r| r)
            .map_err(|reason| ModelError::CannotRead {
                name: path.display().to_string(),
                reason: Some(reason),
            })
    }

    /// [`PqTable::read`] on this thread: `Err` with the reason.
    fn read_here<E: Entity>(path: &Path, threads: usize) -> Result<PqTable, String> {
        let name = path.display().to_string();
        let files = part_files(path).map_err(|e| e.to_string())?;
        if files.is_empty() {
            return Err("a folder without .parquet part files".into());
        }
        // Each file's footer; each thread opens the files again to read its row groups (an
        // open file of its own: clones of one would share its position).
        let mut parts = Vec::with_capacity(files.len());
        for f in &files {
            let file = std::fs::File::open(f).map_err(|e| e.to_string())?;
            let meta = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(
                |e| match path.is_dir() {
                    true => format!("{}: {e}", f.display()),
                    false => e.to_string(),
                },
            )?;
            parts.push((f.clone(), meta));
        }
        let schema = parts[0].1.schema().clone();
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        for (f, (_, meta)) in files.iter().zip(&parts).skip(1) {
            let theirs: Vec<&String> = meta.schema().fields().iter().map(|f| f.name()).collect();
            if theirs != names.iter().collect::<Vec<_>>() {
                return Err(format!(
                    "part {} has other columns than part {}",
                    f.display(),
                    files[0].display()
                ));
            }
        }
        let text: Vec<bool> = names
            .iter()
            .map(|n| is_text_column::<E>(n.trim()))
            .collect();
        for (_, meta) in &parts {
            for f in meta.schema().fields() {
                if !readable(f.data_type()) {
                    return Err(format!(
                        "column `{}` holds {}, which a table cell cannot",
                        f.name(),
                        f.data_type()
                    ));
                }
            }
        }
        // Every row group of every part: (part, group, rows).
        let groups: Vec<(usize, usize, usize)> = parts
            .iter()
            .enumerate()
            .flat_map(|(k, (_, meta))| {
                let md = meta.metadata();
                (0..md.num_row_groups()).map(move |g| {
                    let rows = usize::try_from(md.row_group(g).num_rows()).unwrap_or(0);
                    (k, g, rows)
                })
            })
            .collect();
        let rows: usize = groups.iter().map(|g| g.2).sum();
        if rows >= u32::MAX as usize {
            return Err(format!("{rows} rows; a table holds at most 2^32 - 1"));
        }
        // Row groups in runs of about equal rows, one run per thread, in table order.
        let threads = threads.clamp(1, groups.len().max(1));
        let mut runs: Vec<Vec<(usize, usize)>> = vec![Vec::new(); threads];
        let mut firsts = vec![usize::MAX; threads];
        let mut done = 0;
        for &(k, g, n) in &groups {
            let t = (done * threads / rows.max(1)).min(threads - 1);
            runs[t].push((k, g));
            firsts[t] = firsts[t].min(done);
            done += n;
        }
        let decoded: Vec<Result<Vec<Chunk>, String>> = std::thread::scope(|s| {
            let running: Vec<_> = runs
                .into_iter()
                .zip(firsts)
                .filter(|(run, _)| !run.is_empty())
                .map(|(run, first)| {
                    let (parts, text) = (&parts, &text);
                    std::thread::Builder::new()
                        .name(DECODER.into())
                        .spawn_scoped(s, move || decode(parts, &run, first, text))
                })
                .collect();
            running
                .into_iter()
                .map(|t| match t {
                    Ok(t) => t.join().unwrap_or_else(|e| Err(damaged(&*e))),
                    Err(e) => Err(e.to_string()),
                })
                .collect()
        });
        let mut chunks = Vec::new();
        for d in decoded {
            chunks.extend(d?);
        }
        let file = Arc::new(SourceText::new(name, String::new()));
        let names = names
            .into_iter()
            .map(|n| {
                let at = Loc::Pointer {
                    file: file.clone(),
                    pointer: format!("column {n}"),
                };
                Name::new(n, at)
            })
            .collect();
        Ok(PqTable {
            header: Header::new(file, names, 0),
            chunks,
            rows,
            forgotten: Vec::new(),
        })
    }

    /// Frees the columns `names` (those the table has): the model keeps what they say in a
    /// form of its own (an edge's ends as node numbers), and fills them in when a row is read.
    pub fn forget(&mut self, names: &[&str]) {
        for n in names {
            if let Some(i) = self.header.col(n) {
                for c in &mut self.chunks {
                    c.cols[i] = Column::Empty;
                }
                self.forgotten.push(i);
            }
        }
    }

    /// The chunk holding row `i`, and the row's place in it.
    pub fn locate(&self, i: usize) -> Option<(&Chunk, usize)> {
        let k = self.chunks.partition_point(|c| c.first + c.len <= i);
        let c = self.chunks.get(k)?;
        (i >= c.first).then(|| (c, i - c.first))
    }

    /// Row `i` (from 0) as texts, each field placed by row and column.
    pub fn row(&self, i: usize) -> Option<Row> {
        let (c, j) = self.locate(i)?;
        let file = &self.header.file;
        let at = |what: String| Loc::Pointer {
            file: file.clone(),
            pointer: what,
        };
        let fields = c
            .cols
            .iter()
            .zip(&self.header.names)
            .map(|(col, h)| {
                let text = match col {
                    Column::Text(a) if a.is_valid(j) => a.value(j).to_string(),
                    col => col.number_at(j).map_or(String::new(), |x| format!("{x}")),
                };
                Name::new(text, at(format!("row {}, column {}", i + 1, h.text)))
            })
            .collect();
        Some(Row::new(at(format!("row {}", i + 1)), fields))
    }

    /// Every row, as texts.
    pub fn all_rows(&self) -> Vec<Row> {
        (0..self.rows).filter_map(|i| self.row(i)).collect()
    }
}

/// The name of the threads that decode Parquet files.
const DECODER: &str = "parquet decoder";

/// Why a decoder thread stopped: the Parquet reader's panic, as a reason.
fn damaged(panic: &(dyn std::any::Any + Send)) -> String {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("the Parquet reader stopped");
    format!("the file is damaged ({what})")
}

/// Keeps the panics of decoder threads from being printed (they are reported as problems);
/// every other panic is printed as before.
fn quiet_decoder_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let before = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(DECODER) {
                before(info);
            }
        }));
    });
}

/// One row of a chunk, read column by column.
#[derive(Clone, Copy)]
pub struct PqRow<'a> {
    pub chunk: &'a Chunk,
    pub j: usize,
}

impl PqRow<'_> {
    /// Column `i`'s text, trimmed (`""` when null, absent or a number).
    pub fn text(&self, i: usize) -> &str {
        match self.chunk.cols.get(i) {
            Some(Column::Text(a)) if a.is_valid(self.j) => a.value(self.j).trim(),
            _ => "",
        }
    }

    /// Column `i` as a number: `None` when null, empty or absent; `Some(Err)` for a text that is
    /// not a number.
    pub fn number(&self, i: usize) -> Option<Result<f64, ()>> {
        match self.chunk.cols.get(i)? {
            col @ (Column::Number(_) | Column::Sparse(_) | Column::Empty) => {
                col.number_at(self.j).map(Ok)
            }
            Column::Text(_) => match self.text(i) {
                "" => None,
                t => Some(t.parse::<f64>().map_err(|_| ())),
            },
        }
    }
}

/// Whether a column of this type can be read as numbers or texts.
fn readable(t: &DataType) -> bool {
    match t {
        DataType::Dictionary(_, v) => readable(v),
        DataType::List(_)
        | DataType::LargeList(_)
        | DataType::ListView(_)
        | DataType::LargeListView(_)
        | DataType::FixedSizeList(..)
        | DataType::Struct(_)
        | DataType::Map(..)
        | DataType::Union(..)
        | DataType::RunEndEncoded(..) => false,
        _ => true,
    }
}

fn is_number(t: &DataType) -> bool {
    match t {
        DataType::Dictionary(_, v) => is_number(v),
        t => t.is_numeric(),
    }
}

/// The files of a table: the file itself, or a folder's `.parquet` files by name.
fn part_files(path: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "parquet")
                && !p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(['.', '_']))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Decodes the row groups of `run`, (part, group) in table order, whose first row is row `first`
/// of the table, into chunks.
fn decode(
    parts: &[(std::path::PathBuf, ArrowReaderMetadata)],
    run: &[(usize, usize)],
    first: usize,
    text: &[bool],
) -> Result<Vec<Chunk>, String> {
    let mut chunks = Vec::new();
    let mut at = first;
    // The run's groups, a reader per part.
    for same in run.chunk_by(|a, b| a.0 == b.0) {
        let (path, meta) = &parts[same[0].0];
        let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, meta.clone())
            .with_row_groups(same.iter().map(|g| g.1).collect())
            .with_batch_size(CHUNK_ROWS.load(Ordering::Relaxed))
            .build()
            .map_err(|e| e.to_string())?;
        for batch in reader {
            let batch = batch.map_err(|e| e.to_string())?;
            let cols = batch
                .columns()
                .iter()
                .zip(text)
                .map(|(a, &text)| column(a, text))
                .collect::<Result<Vec<_>, _>>()?;
            chunks.push(Chunk {
                first: at,
                len: batch.num_rows(),
                cols,
            });
            at += batch.num_rows();
        }
    }
    Ok(chunks)
}

/// An Arrow column as numbers (a numeric column, unless `text`) or texts.
fn column(a: &ArrayRef, text: bool) -> Result<Column, String> {
    let cast = |t: &DataType| arrow_cast::cast(a, t).map_err(|e| e.to_string());
    if !text && is_number(a.data_type()) {
        let a = cast(&DataType::Float64)?;
        let a = a.as_primitive::<Float64Type>();
        return Ok(if a.null_count() == a.len() {
            Column::Empty
        } else if a.null_count() * 2 > a.len() {
            Column::Sparse(Sparse::of(a))
        } else {
            Column::Number(a.clone())
        });
    }
    let a = match a.data_type() {
        DataType::Utf8 => a.clone(),
        // Floats as Rust writes them: 17.0 is "17" (pandas writes an integer column with a
        // missing value as floats), as the CSV writer writes a number.
        t if t.is_floating() => {
            let f = cast(&DataType::Float64)?;
            let f = f.as_primitive::<Float64Type>();
            let texts: StringArray = f.iter().map(|x| x.map(|x| format!("{x}"))).collect();
            std::sync::Arc::new(texts) as ArrayRef
        }
        _ => cast(&DataType::Utf8)?,
    };
    Ok(if a.null_count() == a.len() {
        Column::Empty
    } else {
        Column::Text(a.as_string::<i32>().clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mostly empty column kept sparse gives every row's number as the full column does,
    /// across the 64-row words and at their edges.
    #[test]
    fn sparse_columns_give_every_rows_number() {
        for len in [0, 1, 63, 64, 65, 130, 1000] {
            for every in [1, 2, 3, 7, 64, 100] {
                let xs: Vec<Option<f64>> = (0..len)
                    .map(|j| (j % every == 0).then_some(j as f64 * 0.5 - 3.0))
                    .collect();
                let a = Float64Array::from(xs.clone());
                let s = Sparse::of(&a);
                for (j, x) in xs.iter().enumerate() {
                    assert_eq!(s.get(j), *x, "row {j} of {len}, every {every}");
                }
                assert_eq!(s.get(len), None);
            }
        }
    }
}
