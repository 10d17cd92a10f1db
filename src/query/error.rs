//! The errors of resolving and evaluating a statement. They hold a span in the statement's
//! text, not the text itself: `Session::run` is given the source and turns them into problems
//! with `Error::diagnostic`, which `diag` prints.

use std::sync::Arc;

use super::ast::Span;
use crate::diag::{clip, Code, ErrorCode, Loc, Problem, SourceText};

/// A name or a what-if that does not resolve against the model or the session (codes `E01xx`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResolveError {
    /// E0101
    #[error("unknown node or region \"{}\"", clip(.0))]
    UnknownNode(String),
    /// E0102
    #[error("\"{}\" names several nodes", clip(.0))]
    AmbiguousName(String),
    /// E0103
    #[error("unknown variable `{}`", clip(.0))]
    UnknownVariable(String),
    /// E0104
    #[error("unknown field or attribute `{}`", clip(.0))]
    UnknownField(String),
    /// E0105
    #[error("`{field}` cannot be compared with `{op}`")]
    BadComparison { field: String, op: &'static str },
    /// E0106
    #[error("unknown kind \"{}\"", clip(.0))]
    UnknownKind(String),
    /// E0107
    #[error("\"{0}\" is not a region")]
    NotARegion(String),
    /// E0108
    #[error("compare an attribute with one number")]
    NotOneNumber,
    /// E0109: a stage or company no node has.
    #[error("no node has {what} \"{}\"", clip(value))]
    UnknownValue { what: &'static str, value: String },
    /// E0110
    #[error("unknown material, element or export control \"{}\"", clip(.0))]
    UnknownMaterial(String),
    /// E0111
    #[error("unknown scenario `{}`", clip(.0))]
    UnknownScenario(String),
    /// E0112
    #[error("this set holds no flow node to disrupt")]
    NothingToDisrupt,
    /// E0113
    #[error("no supply edge matches this restriction")]
    NoEdgeRestricted,
    /// E0114
    #[error("no planned supply edge leaves these nodes")]
    NoPlannedEdge,
    /// E0115: a result's `where`, `order by` or `columns` names no column of the result.
    #[error("unknown column `{}`", clip(.0))]
    UnknownColumn(String),
}

impl Code for ResolveError {
    fn code(&self) -> ErrorCode {
        match self {
            ResolveError::UnknownNode(_) => ErrorCode(101),
            ResolveError::AmbiguousName(_) => ErrorCode(102),
            ResolveError::UnknownVariable(_) => ErrorCode(103),
            ResolveError::UnknownField(_) => ErrorCode(104),
            ResolveError::BadComparison { .. } => ErrorCode(105),
            ResolveError::UnknownKind(_) => ErrorCode(106),
            ResolveError::NotARegion(_) => ErrorCode(107),
            ResolveError::NotOneNumber => ErrorCode(108),
            ResolveError::UnknownValue { .. } => ErrorCode(109),
            ResolveError::UnknownMaterial(_) => ErrorCode(110),
            ResolveError::UnknownScenario(_) => ErrorCode(111),
            ResolveError::NothingToDisrupt => ErrorCode(112),
            ResolveError::NoEdgeRestricted => ErrorCode(113),
            ResolveError::NoPlannedEdge => ErrorCode(114),
            ResolveError::UnknownColumn(_) => ErrorCode(115),
        }
    }
}

/// A statement that resolves but cannot be evaluated (codes `E02xx`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    /// E0201
    #[error("this set holds no flow node")]
    NoFlowNode,
    /// E0202
    #[error("expected one node, found {0}")]
    NotOneNode(usize),
    /// E0203
    #[error("this statement has no result to draw")]
    NothingToDraw,
    /// E0204
    #[error("interrupted (Ctrl-C): the statement was stopped")]
    Interrupted,
    /// E0205: `let NAME = STATEMENT` whose result has no `id` column.
    #[error("this result holds no nodes (it has no `id` column)")]
    NoNodeColumn,
    /// E0206: `where`, `order by`, `limit`, `columns` or `compare` on a statement without a table.
    #[error("this statement gives no table")]
    NoTable,
    /// E0220: a total over figures whose units cannot be added. Each side reads
    /// `` `t REO` ("node-id") ``.
    #[error("cannot add {first} and {second}: different quantities")]
    IncompatibleUnits { first: String, second: String },
    /// E0221: a total of an attribute that is not a number (`what`: `` `output` of "x" ``).
    #[error("{what} is not a number: {}", clip(value))]
    NotANumber { what: String, value: String },
    /// E0222: a shortfall whose linear program lacks a figure (`node` reads `"Name" (id)`).
    #[error("{node} has no {figure} ({why})")]
    MissingFigure {
        node: String,
        figure: crate::analysis::shortfall::Figure,
        why: crate::analysis::shortfall::Need,
    },
    /// E0223: the shortfall's linear program could not be solved.
    #[error("the shortfall could not be computed: {}", clip(.0))]
    Solver(String),
    /// E0230: `with uncertainty` around a statement that is not a fractional measure.
    #[error("`with uncertainty` needs a fractional measure (exposure, loss, chokepoints or shortfall), found `{0}`")]
    NotFractional(String),
    /// E0231: more draws than `uncertainty::MAX_RUNS`.
    #[error("{0} runs is more than the {max} draws `with uncertainty` makes", max = crate::analysis::uncertainty::MAX_RUNS)]
    TooManyRuns(u32),
    /// E0207: two cases of a `compare` whose names give the same column names.
    #[error("two cases of the comparison both name their columns `{0}`")]
    SameColumns(String),
    /// E0299: a bug, reported instead of a panic.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Code for EvalError {
    fn code(&self) -> ErrorCode {
        match self {
            EvalError::NoFlowNode => ErrorCode(201),
            EvalError::NotOneNode(_) => ErrorCode(202),
            EvalError::NothingToDraw => ErrorCode(203),
            EvalError::Interrupted => ErrorCode(204),
            EvalError::NoNodeColumn => ErrorCode(205),
            EvalError::NoTable => ErrorCode(206),
            EvalError::IncompatibleUnits { .. } => ErrorCode(220),
            EvalError::NotANumber { .. } => ErrorCode(221),
            EvalError::MissingFigure { .. } => ErrorCode(222),
            EvalError::Solver(_) => ErrorCode(223),
            EvalError::NotFractional(_) => ErrorCode(230),
            EvalError::TooManyRuns(_) => ErrorCode(231),
            EvalError::SameColumns(_) => ErrorCode(207),
            EvalError::Internal(_) => ErrorCode(299),
        }
    }
}

/// Resolving or evaluating.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Eval(#[from] EvalError),
}

impl Code for ErrorKind {
    fn code(&self) -> ErrorCode {
        match self {
            ErrorKind::Resolve(e) => e.code(),
            ErrorKind::Eval(e) => e.code(),
        }
    }
}

/// An error at a place in a statement, with what to say under the caret and after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub span: Span,
    /// A did-you-mean, or what was expected.
    pub label: Option<String>,
    pub notes: Vec<String>,
}

impl Error {
    pub fn new(span: Span, kind: impl Into<ErrorKind>) -> Error {
        Error {
            kind: kind.into(),
            span,
            label: None,
            notes: Vec::new(),
        }
    }
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    pub fn with_label_opt(mut self, label: Option<String>) -> Self {
        self.label = label;
        self
    }
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The problem to print, placed in `source`, the text the statement was read from.
    pub fn diagnostic(self, source: &Arc<SourceText>) -> Problem {
        let mut p = self
            .kind
            .diagnostic(Loc::span(source, self.span.start..self.span.end))
            .with_label_opt(self.label);
        p.notes = self.notes;
        p
    }
}

/// What resolving and evaluating return.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_keeps_the_message_and_carries_the_code() {
        let source = Arc::new(SourceText::new("<q>", "show \"Baotuo\""));
        let p = Error::new(
            Span { start: 5, end: 13 },
            ResolveError::UnknownNode("Baotuo".into()),
        )
        .with_label("did you mean \"Baotou\"?")
        .diagnostic(&source);
        assert_eq!(p.message, "unknown node or region \"Baotuo\"");
        assert_eq!(p.code, Some(ErrorCode(101)));
        assert_eq!(p.code.map(|c| c.to_string()).as_deref(), Some("E0101"));
        assert!(p.to_string().contains("^^^^^^^^ did you mean"));
    }
}
