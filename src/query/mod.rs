//! The query language: text → AST (`parse`) → names checked (`resolve`) → measures (`eval`,
//! with `sets`) → tables (`tabulate`), in a `session` that keeps variables and scenarios.
//!
//! ```text
//! script ──lex (parse::split)──▶ statement texts ──parse──▶ Statement (spans)
//!        ──Session::run──▶ Outcome (Table | Message | Diagram) ──output──▶ text, JSON, CSV
//! ```
//!
//! `Session::run` is given the text a statement was read from and places its errors
//! (`error::ResolveError`, `error::EvalError`) in it. It never draws or writes files: a
//! `diagram` statement returns `Outcome::Diagram`, which the caller draws (`Outcome::drawn`).

pub mod ast;
pub mod compare;
pub mod cond;
pub mod error;
pub mod eval;
pub mod lex;
pub mod outcome;
pub mod parse;
pub mod relation;
pub mod resolve;
pub mod script;
pub mod session;
pub mod sets;
pub mod shortfall;
pub mod tabulate;
pub mod total;
pub mod uncertain;

pub use outcome::{Diagram, Outcome};
pub use session::Session;
