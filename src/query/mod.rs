//! The query language: text → AST (`parse`) → evaluation on a model (`eval`).
//!
//! ```text
//! script ──lex (parse::split)──▶ statement texts ──parse──▶ Statement (spans)
//!        ──eval::Session──▶ Outcome (Table | Message) ──output──▶ text, JSON, CSV
//! ```

pub mod ast;
pub mod eval;
pub mod lex;
pub mod parse;
pub mod script;
pub mod sets;

pub use eval::{Outcome, Session};
