//! supplygraph models supply chains as dependency graphs and answers, with a small query
//! language, how exposed an end use is and where the chokepoints are.
//!
//! The pipeline:
//!
//! ```text
//!  model files ──model::load──▶ ModelDoc ──model::build──▶ Model (petgraph + Net)
//!                                  (validation: every problem at file:line:column)
//!
//!  query text ──query::parse──▶ AST (spans) ──query::resolve──▶ plan ──query::eval──▶ Table
//!                                                                   │
//!                                     analysis (loss propagation, exposure, chokepoints, …)
//!
//!  Table ──output──▶ text table │ JSON │ CSV
//! ```
//!
//! `diag` holds the diagnostics every stage reports with; `cli` wires the stages to commands.

pub mod analysis;
pub mod cli;
pub mod diag;
pub mod generate;
pub mod interrupt;
pub mod model;
pub mod output;
pub mod query;
pub mod repl;
pub mod suggest;
