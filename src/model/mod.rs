//! The model layer: files → document → validated graph.
//!
//! ```text
//! TOML / JSON text ──tree──▶ value tree ──read──▶ ModelDoc ──build──▶ Model (petgraph + Net)
//! CSV tables ────────────────────csv_io─────────▶ ModelDoc   (large plain tables: bulk)
//!            (every CSV row, in both readers, split by csv_io::Splitter)
//! Parquet tables ──parquet_read──▶ Arrow columns ──▶ bulk (or rows of texts ──csv_io──▶ ModelDoc)
//! ModelDoc ──csv_write──▶ CSV or Parquet tables (parquet_write);  ModelDoc ──serde──▶ TOML / JSON
//! Model ──graphml / neo4j──▶ GraphML file / neo4j-admin import CSV files (exports only)
//! ```
//!
//! Every entity's fields (keys, CSV columns, required ones, figures) are declared once, in
//! `doc`, with the `fields::entity!` macro; the readers, the CSV writer and the validator's
//! quantity checks go by those tables. `net` is the compact form of the graph the analyses run on.
//! Every problem is made through `error::ModelError`, which gives it its stable code (`E04xx`).

pub mod balance;
pub mod build;
pub mod builtin;
pub mod bulk;
pub mod countries;
pub mod csv_io;
pub mod csv_write;
pub mod doc;
pub mod error;
pub mod fields;
pub mod figures;
mod flow_ids;
pub mod graph;
pub mod graphml;
pub mod index;
pub mod load;
pub mod neo4j;
pub mod net;
pub mod parquet_read;
pub mod parquet_write;
pub mod ranges;
pub mod read;
pub mod rows;
pub mod shares;
pub mod summary;
#[cfg(test)]
pub(crate) mod test_rng;
pub mod tree;
pub mod units;
pub mod vocab;

pub use graph::{Kind, Model};
pub use load::{load, load_builtin, load_path, Format, Loaded};
