//! What a statement produces. Evaluation only computes: a `diagram` statement comes back as a
//! `Diagram` for the caller (the CLI, the script runner, the shell) to draw and write.

use std::sync::Arc;

use super::ast::{Span, Written};
use crate::diag::{Code, Loc, Problem, SourceText};
use crate::model::graph::Model;
use crate::output::Table;

/// What a statement produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Table(Table),
    Message(String),
    /// A result to draw to a file (`diagram ... to "FILE"`).
    Diagram(Diagram),
}

/// A result to draw, and where: the file name as written and its place in the statement (for
/// a problem in writing it, placed in the statement's source).
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    pub table: Table,
    pub path: String,
    pub span: Span,
    /// At most this many nodes drawn (`diagram ... limit N to FILE`).
    pub limit: Option<usize>,
    /// Shaded on the diverging scale around zero (a comparison's difference).
    pub diverging: bool,
    /// Drawn (`diagram`), or written (`export`): in the format named, else by the file's
    /// extension.
    pub written: Written,
}

impl Diagram {
    /// Draws the result with Graphviz and writes the file; the message for the user.
    pub fn draw(&self, model: &Model, source: &Arc<SourceText>) -> Result<String, Problem> {
        let at = || Loc::span(source, self.span.start..self.span.end);
        if let Written::Export(format) = &self.written {
            let path = std::path::Path::new(&self.path);
            let format = format.as_ref().map(|f| f.text.as_str());
            return crate::output::export::write_result(model, &self.table, path, format)
                .map_err(|e| e.diagnostic(at()));
        }
        crate::output::dot::draw_table(
            model,
            &self.table,
            std::path::Path::new(&self.path),
            &crate::output::dot::DiagramOptions {
                limit: self.limit,
                diverging: self.diverging,
                ..Default::default()
            },
        )
        .map_err(|e| e.diagnostic(Loc::span(source, self.span.start..self.span.end)))
    }
}

impl Outcome {
    /// The outcome with a diagram drawn and written: a message saying what was written.
    /// `source` is the text the statement was read from.
    pub fn drawn(self, model: &Model, source: &Arc<SourceText>) -> Result<Outcome, Problem> {
        match self {
            Outcome::Diagram(d) => d.draw(model, source).map(Outcome::Message),
            other => Ok(other),
        }
    }
}
