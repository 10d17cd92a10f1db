//! Finding and reading model files: a TOML file or folder of TOML files, a JSON file, or a
//! folder of CSV or Parquet tables; and the built-in rare-earth model compiled into the binary.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::build::build;
use super::doc::ModelDoc;
use super::error::{ModelError, WriteError};
use super::graph::Model;
use super::{bulk, csv_io, csv_write, read, tree};
use crate::diag::{Loc, Problem, Problems, SourceText};

/// Model file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The project's own format: TOML files (one file, or a folder of them).
    Toml,
    /// JSON, the interchange form (one file).
    Json,
    /// Plain tables: a folder with nodes.csv and edges.csv.
    Csv,
    /// Typed columnar tables: a folder with nodes.parquet and edges.parquet (the columns of the
    /// CSV tables; other tables as .parquet or .csv).
    Parquet,
    /// GraphML for graph tools (Gephi, yEd, Cytoscape, NetworkX): one file, written only.
    Graphml,
    /// The CSV files of `neo4j-admin database import full` and a constraints script: a folder,
    /// written only.
    Neo4j,
}

/// Files over this size are refused rather than read.
const MAX_FILE: u64 = u32::MAX as u64;
// Entity numbers and byte offsets into a file are u32 throughout the model: files stay below
// 2^32 bytes.
const _: () = assert!(MAX_FILE < 1 << 32);
/// At most this many syntax problems are listed per file.
const MAX_SYNTAX_PROBLEMS: usize = 50;

/// The result of reading a model: the document, every problem, and the texts read.
pub struct Loaded {
    pub doc: ModelDoc,
    /// A CSV folder's flow nodes and edges, left to the bulk reader (`model::bulk`).
    pub bulk: Option<bulk::Tables>,
    pub problems: Problems,
    pub files: Vec<Arc<SourceText>>,
    pub origin: String,
    pub format: Format,
    /// Some file or table could not be read at all: validating the rest would only report
    /// references to what was lost.
    pub incomplete: bool,
}

impl Loaded {
    /// Validates and builds the model. Problems of reading and of validation come together.
    pub fn build(self) -> (Option<Model>, Problems) {
        self.build_split(None)
    }

    /// [`Loaded::build`], the bulk reader splitting tables of any size over `threads` threads
    /// (for tests: by itself it splits only large tables, over the machine's cores).
    pub fn build_split(mut self, threads: Option<usize>) -> (Option<Model>, Problems) {
        if let Some(tables) = self.bulk.take() {
            if !self.problems.has_errors() && !self.incomplete {
                let doc = std::mem::take(&mut self.doc);
                let built = match threads {
                    Some(t) => bulk::build_split(doc, tables, &self.origin, t),
                    None => bulk::build(doc, tables, &self.origin),
                };
                match built {
                    Ok((mut m, more)) if m.node_defs() > 0 => {
                        let mut problems = self.problems;
                        problems.extend(more);
                        m.files = self.files;
                        return (Some(m), problems);
                    }
                    _ => {}
                }
            }
            // The general reader reads the tables again, to report every problem.
            self = self.reread_in_full();
        }
        let mut problems = self.problems;
        if !problems.has_errors() && self.doc.node.is_empty() {
            problems.push(ModelError::NoFlowNodes(self.origin.to_string()).at(Loc::Nowhere));
        }
        if self.incomplete {
            return (None, problems);
        }
        if problems.has_errors() {
            // Still validate what was read, so that every problem is listed at once.
            let (_, more) = build(self.doc, &self.origin);
            problems.extend(more);
            return (None, problems);
        }
        let (model, more) = build(self.doc, &self.origin);
        problems.extend(more);
        let model = model.map(|mut m| {
            m.files = self.files;
            m
        });
        (model, problems)
    }
}

impl Loaded {
    /// A CSV folder read again by the general reader, from the texts already read.
    fn reread_in_full(self) -> Loaded {
        let mut problems = Problems::default();
        let files = self.files;
        let mut reader = |f: &Path, p: &mut Problems| {
            let name = f.display().to_string();
            let found = files.iter().find(|t| t.name == name).cloned();
            if found.is_none() {
                p.push(
                    ModelError::CannotRead {
                        name: name.clone(),
                        reason: None,
                    }
                    .at(Loc::Nowhere),
                );
            }
            found
        };
        let dir = table_folder(Path::new(&self.origin));
        let parquet = self.format == Format::Parquet;
        let mut tables = Vec::new();
        let (doc, complete, _) = csv_io::read_folder(
            &dir,
            &mut reader,
            &mut problems,
            false,
            parquet,
            &mut tables,
        );
        Loaded {
            doc,
            bulk: None,
            problems,
            files,
            origin: self.origin,
            format: self.format,
            incomplete: !complete,
        }
    }

    /// The whole document, with every flow node and edge (for `convert`).
    pub fn into_full(self) -> Loaded {
        if self.bulk.is_some() {
            self.reread_in_full()
        } else {
            self
        }
    }
}

/// The folder a model of tables is read from: the path itself, or the folder of the table file
/// that stands for it (`models/x/nodes.csv`).
pub fn table_folder(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    }
}

/// Which format a path holds.
pub fn detect(path: &Path) -> Format {
    if path.is_dir() {
        if path.join("nodes.parquet").exists() || path.join("edges.parquet").exists() {
            Format::Parquet
        } else if path.join("nodes.csv").exists() || path.join("edges.csv").exists() {
            Format::Csv
        } else {
            Format::Toml
        }
    } else {
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => Format::Json,
            Some("csv") => Format::Csv,
            Some("parquet") => Format::Parquet,
            _ => Format::Toml,
        }
    }
}

/// Whether a path holds what a model is read from: a `.toml`, `.json`, `.csv` or `.parquet`
/// file (a table stands for its folder), or a folder with `.toml` files or the node and edge
/// tables.
pub fn is_model_path(path: &Path) -> bool {
    if path.is_dir() {
        ["nodes.csv", "edges.csv", "nodes.parquet", "edges.parquet"]
            .iter()
            .any(|t| path.join(t).exists())
            || std::fs::read_dir(path).is_ok_and(|rd| {
                rd.filter_map(Result::ok)
                    .any(|e| e.path().extension().is_some_and(|x| x == "toml"))
            })
    } else {
        path.is_file()
            && path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                matches!(
                    e.to_ascii_lowercase().as_str(),
                    "toml" | "json" | "csv" | "parquet"
                )
            })
    }
}

/// Why `path` cannot be read as a model, when it cannot: it does not exist (with the nearest
/// existing name beside it, if one is close), or it is a file or folder that holds no model.
fn not_a_model(path: &Path) -> Option<Problem> {
    let origin = path.display().to_string();
    if !path.exists() {
        let mut p = ModelError::NoModel(origin.clone()).at(Loc::Nowhere);
        if let Some(near) = nearest_sibling(path) {
            p = p.with_label(format!("did you mean {}?", near.display()));
        }
        return Some(p);
    }
    if is_model_path(path) {
        return None;
    }
    let what = if path.is_dir() {
        "a folder without .toml files, nor nodes.csv and edges.csv (or .parquet)"
    } else {
        "not a model file"
    };
    Some(
        ModelError::NotAModel {
            origin,
            what: what.to_string(),
        }
        .at(Loc::Nowhere)
        .with_note(
            "a model is a .toml file, a .json file, a folder of .toml files, \
             or a folder holding nodes.csv and edges.csv (or nodes.parquet and edges.parquet)",
        ),
    )
}

/// The existing file or folder beside `path` whose name is closest to its name, if one is
/// close (`models/rare_earth` -> `models/rare_earths`).
fn nearest_sibling(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let names: Vec<String> = std::fs::read_dir(&parent)
        .ok()?
        .filter_map(Result::ok)
        .take(10_000)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    let best = crate::suggest::did_you_mean(name, names.iter().map(String::as_str))?;
    Some(path.with_file_name(best))
}

/// Reads one file as text: not too large, UTF-8, without a byte-order mark.
pub fn read_text(path: &Path, p: &mut Problems) -> Option<Arc<SourceText>> {
    let name = path.display().to_string();
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE => {
            p.push(
                ModelError::TooLarge {
                    name,
                    bytes: m.len(),
                }
                .at(Loc::Nowhere),
            );
            return None;
        }
        Err(e) => {
            p.push(
                ModelError::CannotRead {
                    name: name.clone(),
                    reason: Some(e.to_string()),
                }
                .at(Loc::Nowhere),
            );
            return None;
        }
        _ => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            p.push(
                ModelError::CannotRead {
                    name: name.clone(),
                    reason: Some(e.to_string()),
                }
                .at(Loc::Nowhere),
            );
            return None;
        }
    };
    Some(Arc::new(text_of(name, bytes, p)?))
}

/// A file read ahead, with the problems of reading it.
type ReadAhead = (Option<Arc<SourceText>>, Problems);

/// Below this many bytes, a table file is read when the reader comes to it.
const READ_AHEAD_BYTES: u64 = 1 << 24;

/// `nodes.csv` and `edges.csv` of `dir` when both are large (at least `min_bytes`),
/// each read on its own thread, so that copying them in and checking that they are UTF-8 takes
/// the time of the larger rather than of both (at 10^6 nodes, 68 MB and 144 MB). Otherwise
/// empty: the reader reads each table in turn.
fn read_tables_ahead(dir: &Path, min_bytes: u64) -> HashMap<PathBuf, ReadAhead> {
    let large: Vec<PathBuf> = ["nodes.csv", "edges.csv"]
        .iter()
        .map(|name| dir.join(name))
        .filter(|f| std::fs::metadata(f).is_ok_and(|m| m.is_file() && m.len() >= min_bytes))
        .collect();
    if large.len() < 2 {
        return HashMap::new();
    }
    std::thread::scope(|scope| {
        let reading: Vec<_> = large
            .iter()
            .map(|f| {
                scope.spawn(move || {
                    let mut p = Problems::default();
                    (read_text(f, &mut p), p)
                })
            })
            .collect();
        large
            .iter()
            .cloned()
            .zip(reading)
            .map(|(f, t)| (f, t.join().unwrap_or_else(|e| std::panic::resume_unwind(e))))
            .collect()
    })
}

/// Decodes bytes as UTF-8 text (dropping a BOM); reports where it is not text.
pub fn text_of(name: String, bytes: Vec<u8>, p: &mut Problems) -> Option<SourceText> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            if s.contains('\0') {
                let at = s.find('\0').unwrap_or(0);
                let f = Arc::new(SourceText::new(name.clone(), s[..at].to_string()));
                p.push(ModelError::NotText(name).at(Loc::span(&f, at..at)));
                return None;
            }
            Some(SourceText::new(name, s))
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let f = Arc::new(SourceText::new(name.clone(), prefix));
            p.push(
                ModelError::NotUtf8 {
                    name,
                    offset: valid,
                }
                .at(Loc::span(&f, valid..valid)),
            );
            None
        }
    }
}

fn cap(mut p: Problems, file: &Arc<SourceText>) -> Problems {
    if p.0.len() > MAX_SYNTAX_PROBLEMS {
        let more = p.0.len() - MAX_SYNTAX_PROBLEMS;
        p.0.truncate(MAX_SYNTAX_PROBLEMS);
        p.push(ModelError::MoreSyntaxProblems(more).at(Loc::File(file.clone())));
    }
    p
}

/// Reads one TOML or JSON text into a document.
pub fn read_doc_text(file: &Arc<SourceText>, format: Format, p: &mut Problems) -> ModelDoc {
    if file.text.trim().is_empty() {
        p.push(ModelError::EmptyFile(file.name.clone()).at(Loc::File(file.clone())));
        return ModelDoc::default();
    }
    let mut syntax = Problems::default();
    let root = match format {
        Format::Json => tree::from_json(file, &mut syntax),
        _ => Some(tree::from_toml(file, &mut syntax)),
    };
    p.extend(cap(syntax, file));
    match root {
        Some(root) => read::read_doc(&root, p),
        None => ModelDoc::default(),
    }
}

/// Reads a model from a path (file or folder).
pub fn load_path(path: &Path) -> Loaded {
    let format = detect(path);
    load_path_as(path, format)
}

pub fn load_path_as(path: &Path, format: Format) -> Loaded {
    crate::phases::begin("load");
    let mut problems = Problems::default();
    let mut files = Vec::new();
    let mut doc = ModelDoc::default();
    let mut bulk = None;
    let mut incomplete = false;
    let origin = path.display().to_string();
    let refused = not_a_model(path);
    let refused_any = refused.is_some();
    if let Some(p) = refused {
        problems.push(p);
    } else if matches!(format, Format::Csv | Format::Parquet) {
        let dir = table_folder(path);
        let mut read_ahead = match format {
            Format::Csv => read_tables_ahead(&dir, READ_AHEAD_BYTES),
            _ => HashMap::new(),
        };
        let mut reader = |f: &Path, p: &mut Problems| {
            let t = match read_ahead.remove(f) {
                Some((t, problems)) => {
                    p.0.extend(problems.0);
                    t
                }
                None => read_text(f, p),
            }?;
            files.push(t.clone());
            Some(t)
        };
        let parquet = format == Format::Parquet;
        let mut pq_files = Vec::new();
        let (d, complete, tables) = csv_io::read_folder(
            &dir,
            &mut reader,
            &mut problems,
            true,
            parquet,
            &mut pq_files,
        );
        files.extend(pq_files);
        crate::phases::mark("read the tables");
        doc = d;
        bulk = tables;
        incomplete = !complete;
    } else {
        let paths: Vec<PathBuf> = if path.is_dir() {
            let mut v: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(rd) => rd
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                    .collect(),
                Err(e) => {
                    problems.push(
                        ModelError::CannotReadFolder {
                            origin: origin.to_string(),
                            reason: e.to_string(),
                        }
                        .at(Loc::Nowhere),
                    );
                    Vec::new()
                }
            };
            v.sort();
            if v.is_empty() {
                problems.push(ModelError::EmptyFolder(origin.to_string()).at(Loc::Nowhere));
            }
            v
        } else {
            vec![path.to_path_buf()]
        };
        for f in paths {
            match read_text(&f, &mut problems) {
                Some(text) => {
                    let before = problems.0.len();
                    doc.merge(read_doc_text(&text, format, &mut problems));
                    // JSON is all or nothing: a syntax error loses the file.
                    incomplete |= problems.0[before..]
                        .iter()
                        .any(|p| p.message.starts_with("malformed JSON"));
                    files.push(text);
                }
                None => incomplete = true,
            }
        }
    }
    if refused_any {
        incomplete = true;
    }
    Loaded {
        doc,
        bulk,
        problems,
        files,
        origin,
        format,
        incomplete,
    }
}

/// The built-in rare-earth model, compiled into the binary from `models/rare_earths/`.
pub fn load_builtin() -> Loaded {
    let mut problems = Problems::default();
    let mut doc = ModelDoc::default();
    let mut files = Vec::new();
    for (name, text) in super::builtin::FILES {
        let f = Arc::new(SourceText::new(
            format!("models/rare_earths/{name}"),
            text.to_string(),
        ));
        doc.merge(read_doc_text(&f, Format::Toml, &mut problems));
        files.push(f);
    }
    Loaded {
        doc,
        bulk: None,
        problems,
        files,
        origin: "built-in rare-earth model (models/rare_earths)".into(),
        format: Format::Toml,
        incomplete: false,
    }
}

/// Loads a path, or the built-in model when none is given.
pub fn load(path: Option<&Path>) -> Loaded {
    match path {
        Some(p) => load_path(p),
        None => load_builtin(),
    }
}

/// Writes a document in a format: a TOML file, a JSON file, or a CSV folder. Returns notes on
/// anything the format could not hold; a `WriteError` (`E0419`, as `ModelError::Write`) when it
/// cannot be written.
pub fn write(doc: &ModelDoc, format: Format, out: &Path) -> Result<Vec<String>, WriteError> {
    let io = |e: std::io::Error| WriteError::Io {
        path: out.display().to_string(),
        reason: e.to_string(),
    };
    match format {
        Format::Toml => {
            let text = toml::to_string(doc).map_err(|e| WriteError::Toml(e.to_string()))?;
            std::fs::write(out, text).map_err(io)?;
            Ok(Vec::new())
        }
        Format::Json => {
            let text =
                serde_json::to_string_pretty(doc).map_err(|e| WriteError::Json(e.to_string()))?;
            std::fs::write(out, text + "\n").map_err(io)?;
            Ok(Vec::new())
        }
        Format::Csv => csv_write::write_folder(doc, out, csv_write::Tables::Csv).map_err(io),
        Format::Parquet => {
            csv_write::write_folder(doc, out, csv_write::Tables::Parquet).map_err(io)
        }
        // Graph exports write the built model: effective shares, regions resolved.
        Format::Graphml | Format::Neo4j => {
            let (m, problems) = build(doc.clone(), "the model to convert");
            let m = m.ok_or_else(|| WriteError::NotBuilt(problems.to_string()))?;
            let written = if format == Format::Graphml {
                super::graphml::write(&m, out)
            } else {
                super::neo4j::write_folder(&m, out)
            };
            written.map_err(io)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tables read ahead are read as they are in turn: the same texts, and the same problem
    /// for one that is not UTF-8. Nothing is read ahead unless both tables are large.
    #[test]
    fn tables_read_ahead_are_read_as_in_turn() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let (nodes, edges) = (dir.path().join("nodes.csv"), dir.path().join("edges.csv"));
        std::fs::write(&nodes, "id,name,kind\nm,M,mine\n").expect("written");
        std::fs::write(&edges, b"from,to\nm,\xff\n").expect("written");
        let ahead = read_tables_ahead(dir.path(), 0);
        assert_eq!(ahead.len(), 2);
        for path in [&nodes, &edges] {
            let mut p = Problems::default();
            let in_turn = read_text(path, &mut p);
            let (early, q) = &ahead[path];
            let text = |t: &Option<Arc<SourceText>>| t.as_ref().map(|t| t.text.clone());
            assert_eq!(text(&in_turn), text(early));
            assert_eq!(p.to_string(), q.to_string());
        }
        assert!(ahead[&edges].0.is_none(), "edges.csv is not UTF-8");
        assert!(ahead[&edges].1.to_string().contains("UTF-8"));
        let smaller = std::fs::metadata(&edges).expect("a file").len();
        assert!(read_tables_ahead(dir.path(), smaller + 1).is_empty());
    }
}
