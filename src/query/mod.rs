//! The query language: text → AST (`parse`) → evaluation on a model (`eval`).
//!
//! ```text
//! script ──parse::split──▶ statement texts ──parse──▶ Statement (spans)
//!        ──eval::Session──▶ Outcome (Table | Message | Diagram) ──output──▶ text, JSON, CSV
//! ```

pub mod ast;
pub mod error;
pub mod eval;
pub mod outcome;
pub mod parse;
pub mod resolve;
pub mod script;
pub mod session;
pub mod sets;
pub mod tabulate;

pub use outcome::{Diagram, Outcome};
pub use session::Session;
