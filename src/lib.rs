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
//! In code, the same pipeline:
//!
//! ```
//! use std::sync::Arc;
//! use supplygraph::{diag::SourceText, model, output::Cell, query::{parse, Outcome, Session}};
//!
//! let (m, problems) = model::load_builtin().build();
//! let m = m.expect("the built-in model is valid");
//! assert!(!problems.has_errors());
//! let (mut session, _) = Session::new(&m);
//! let text = r#"exposure of "Catalysts" to "Baotou""#;
//! let statement = parse::parse_one(text).unwrap();
//! let Ok(Outcome::Table(t)) = session.run(&Arc::new(SourceText::new("<doc>", text)), &statement) else {
//!     panic!("a table")
//! };
//! // Catalysts buy lanthanum and cerium oxides, 56% of them from Baotou's plants: shares
//! // derived from the separators' feeds, 195,000 of 348,820 t REO.
//! assert_eq!(t.rows[0][2], Cell::Num(195_000.0 / 348_820.0));
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
