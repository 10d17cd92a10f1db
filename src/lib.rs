//! supplygraph models supply chains as dependency graphs and answers, with a small query
//! language, how exposed an end use is and where the chokepoints are.
//!
//! The pipeline:
//!
//! ```text
//!  model files ──model::load──▶ ModelDoc ──model::build──▶ Model (petgraph + Net)
//!                                  (validation: every problem at file:line:column)
//!
//!  query text ──query::parse──▶ AST (spans) ──query::resolve──▶ names checked (did-you-mean)
//!             ──query::eval──▶ measures (analysis: loss propagation, exposure, chokepoints, …)
//!             ──query::tabulate──▶ Table ──▶ Outcome (Table │ Message │ Diagram to draw)
//!
//!  Table ──output──▶ text table │ JSON │ CSV │ Graphviz diagram (drawn by the caller)
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
//! // Catalysts buy lanthanum and cerium oxides, 57% of them from Baotou's plants: shares
//! // derived from the separators' La-Ce volumes (their output less their magnet rare-earth
//! // oxides, Dy and Tb), 144,100 of 144,100 + 96,410 + 7,420 + 5,200 = 253,130 t REO.
//! assert_eq!(t.rows[0][2], Cell::Num(144_100.0 / 253_130.0));
//! ```
//!
//! `diag` holds the diagnostics every stage reports with (each error kind with a stable code);
//! `load` loads a model for the commands and the shell; `cancel` holds the cancellation
//! token a session passes down to the analyses; `cli` wires the stages to commands and starts
//! the shell (`repl`).

pub mod analysis;
pub mod cancel;
pub mod cli;
pub mod diag;
pub mod generate;
pub mod load;
pub mod model;
pub mod number;
pub mod output;
pub mod phases;
pub mod query;
pub mod repl;
pub mod suggest;
pub mod text;
