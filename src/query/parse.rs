//! Text → AST: the pest grammar in `grammar/query.pest`, a Pratt parser for set and condition
//! operators, and parse errors that say what was expected and what was found.

use std::ops::Range;
use std::sync::{Arc, LazyLock};

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op as POp, PrattParser};
use pest::Parser;

use super::ast::*;
use super::lex;
use crate::diag::{Code, ErrorCode, Loc, Problem, SourceText};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/query.pest"]
pub struct QueryParser;

/// A statement may nest forms at most this deep: each open parenthesis, `upstream of`,
/// `downstream of` and `not` counts one level, each `diagram` and `with` three (they nest
/// whole statements, and pest recurses about three times as deep for them). Checked on
/// tokens before pest runs; at this bound parsing needs well under 2 MB of stack even in a
/// debug build (the depths that overflow a 2 MB test thread in a debug build: about 80
/// `diagram`s or `with`s, 256 parentheses, 384 `upstream of`s).
pub const MAX_NESTING: usize = 128;

static SET_OPS: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(POp::infix(Rule::kw_union, Assoc::Left)
            | POp::infix(Rule::comma, Assoc::Left)
            | POp::infix(Rule::kw_except, Assoc::Left))
        .op(POp::infix(Rule::kw_intersect, Assoc::Left))
});

static COND_OPS: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(POp::infix(Rule::kw_or, Assoc::Left))
        .op(POp::infix(Rule::kw_and, Assoc::Left))
        .op(POp::prefix(Rule::cond_not))
});

/// Whether `s` can be written as a bare identifier (not a keyword).
pub fn is_identifier(s: &str) -> bool {
    QueryParser::parse(Rule::ident, s).is_ok_and(|mut p| p.next().is_some_and(|x| x.as_str() == s))
}

/// What went wrong in parsing, one variant per kind of problem, each with a stable code
/// (`code`). The message is the variant's `Display`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseErrorKind {
    #[error("expected {expected}, found {found}")]
    Syntax { expected: String, found: String },
    #[error("unclosed quoted name")]
    UnclosedString,
    #[error("unclosed `(`")]
    UnclosedParen,
    #[error("unmatched `)`")]
    UnmatchedParen,
    #[error("nesting deeper than {max} levels")]
    TooDeep { max: usize },
    #[error("more than {max} operators in one statement")]
    TooManyOperators { max: usize },
    #[error("unknown command `{word}`")]
    UnknownCommand { word: String },
    #[error("empty statement")]
    EmptyStatement,
    #[error("empty query")]
    EmptyQuery,
    #[error("expected one statement, found several")]
    SeveralStatements,
    /// A number, a loss or a list that does not fit where it stands.
    #[error("{0}")]
    BadValue(String),
    /// The parse tree has a shape the converter does not know: a bug, not the user's doing.
    #[error("internal parser error: unexpected parse tree ({0})")]
    Internal(String),
}

impl ParseErrorKind {
    /// The stable code of the kind (`E00xx`, see `diag::Code`).
    pub fn code(&self) -> ErrorCode {
        ErrorCode(match self {
            ParseErrorKind::Syntax { .. } => 1,
            ParseErrorKind::UnclosedString => 2,
            ParseErrorKind::UnclosedParen => 3,
            ParseErrorKind::UnmatchedParen => 4,
            ParseErrorKind::TooDeep { .. } => 5,
            ParseErrorKind::UnknownCommand { .. } => 6,
            ParseErrorKind::EmptyStatement => 7,
            ParseErrorKind::EmptyQuery => 8,
            ParseErrorKind::SeveralStatements => 9,
            ParseErrorKind::BadValue(_) => 10,
            ParseErrorKind::TooManyOperators { .. } => 11,
            ParseErrorKind::Internal(_) => 99,
        })
    }
}

/// A parse error: its kind, the byte range it is about (in the whole file), and what the
/// caret line says.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub span: Range<usize>,
    pub label: Option<String>,
}

impl Code for ParseError {
    fn code(&self) -> ErrorCode {
        self.kind.code()
    }
}

impl ParseError {
    pub fn new(kind: ParseErrorKind, span: Range<usize>) -> Self {
        ParseError {
            kind,
            span,
            label: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// The diagnostic shown to the user, placed in `file`.
    pub fn into_problem(self, file: &Arc<SourceText>) -> Problem {
        self.diagnostic(Loc::span(file, self.span.clone()))
            .with_label_opt(self.label)
    }
}

/// Splits a script into statement texts (byte ranges), at `;` outside strings and comments.
/// Ranges holding nothing but blanks and comments are dropped.
pub fn split(text: &str) -> Vec<Range<usize>> {
    lex::statements(text)
}

/// Parses the statement at `range` of `file`. Spans in the AST are offsets into the file.
pub fn parse_statement(file: &Arc<SourceText>, range: Range<usize>) -> Result<Statement, Problem> {
    parse_statement_at(file, range).map_err(|e| e.into_problem(file))
}

/// `parse_statement` with the typed error.
pub fn parse_statement_at(
    file: &Arc<SourceText>,
    range: Range<usize>,
) -> Result<Statement, ParseError> {
    let offset = range.start;
    let Some(text) = file.text.get(range.clone()) else {
        return Err(ParseError::new(
            ParseErrorKind::Internal("statement range".into()),
            offset..offset,
        ));
    };
    check_nesting(text, offset)?;
    let pairs = QueryParser::parse(Rule::statement_input, text)
        .map_err(|e| syntax_error(text, offset, e))?;
    let conv = Conv { offset, file };
    let input = pairs
        .into_iter()
        .next()
        .need("statement_input")
        .map_err(|e| place_internal(e, offset))?;
    let stmt = input
        .into_inner()
        .find(|p| p.as_rule() == Rule::statement)
        .ok_or_else(|| {
            ParseError::new(ParseErrorKind::EmptyStatement, offset..offset + text.len())
        })?;
    conv.statement(stmt).map_err(|e| place_internal(e, offset))
}

/// An internal error is placed at the start of its statement.
fn place_internal(mut e: ParseError, offset: usize) -> ParseError {
    if matches!(e.kind, ParseErrorKind::Internal(_)) {
        e.span = offset..offset;
    }
    e
}

/// Parses a whole text that must hold exactly one statement (a query given on the command
/// line may also hold several: see `split`).
pub fn parse_one(text: &str) -> Result<Statement, Problem> {
    let file = Arc::new(SourceText::new("<query>", text));
    parse_one_in(&file).map_err(|e| e.into_problem(&file))
}

/// `parse_one` on a file, with the typed error.
pub fn parse_one_in(file: &Arc<SourceText>) -> Result<Statement, ParseError> {
    let ranges = split(&file.text);
    match ranges.as_slice() {
        [r] => parse_statement_at(file, r.clone()),
        [] => Err(ParseError::new(ParseErrorKind::EmptyQuery, 0..0)),
        [_, second, ..] => Err(ParseError::new(
            ParseErrorKind::SeveralStatements,
            second.start..second.start,
        )),
    }
}

/// A statement may join at most this many operands with operators (`union`, `intersect`,
/// `except`, `,`, `and`, `or`; every comma counts): a chain `a, b, c, ...` is as deep a tree
/// as it is long, and evaluating it recurses once per operator (in a release build the main
/// thread's 8 MB of stack ran out near 20 000).
pub const MAX_OPERATORS: usize = 4096;

const OPERATOR_WORDS: &[&str] = &["union", "intersect", "except", "and", "or"];

/// The words that open a nested form, with the levels each counts for (an open parenthesis
/// counts one).
const NESTING_WORDS: &[(&str, usize)] = &[
    ("upstream", 1),
    ("downstream", 1),
    ("not", 1),
    ("with", 3),
    ("diagram", 3),
    ("export", 3),
    ("let", 3),
    ("compare", 3),
];

/// Checks done on tokens before pest sees the text: every quote and parenthesis closes, and
/// nothing nests deeper than `MAX_NESTING` (pest and the converter recurse once per level, so
/// deeper input could overflow the stack). The depth counted is the open parentheses plus the
/// levels of every nesting word so far (`NESTING_WORDS`): a bound on how deep the grammar can
/// recurse, whatever the words' order.
fn check_nesting(text: &str, offset: usize) -> Result<(), ParseError> {
    let tokens = lex::lex(text);
    if let Some(t) = tokens
        .iter()
        .find(|t| t.kind == lex::Kind::Str { closed: false })
    {
        return Err(ParseError::new(
            ParseErrorKind::UnclosedString,
            offset + t.span.start..offset + t.span.start + 1,
        )
        .with_label("this quote is never closed (is a closing `\"` missing here or earlier?)"));
    }
    check_depth(text, &tokens, offset)
}

/// Whether pest may be run on `text` (a statement being typed in the shell) without the risk
/// of recursing too deep.
fn shallow_enough(text: &str) -> bool {
    !matches!(
        check_depth(text, &lex::lex(text), 0),
        Err(ParseError {
            kind: ParseErrorKind::TooDeep { .. } | ParseErrorKind::TooManyOperators { .. },
            ..
        })
    )
}

/// The parentheses, nesting and operator counts of `check_nesting`.
fn check_depth(text: &str, tokens: &[lex::Token], offset: usize) -> Result<(), ParseError> {
    let at = |i: usize, len: usize| offset + i..offset + i + len;
    let mut opened: Vec<usize> = Vec::new();
    let mut words = 0usize;
    let mut operators = 0usize;
    for t in tokens {
        let i = t.span.start;
        match (t.kind, t.text(text)) {
            (lex::Kind::Punct, ",") => operators += 1,
            (lex::Kind::Word, w) if OPERATOR_WORDS.iter().any(|k| k.eq_ignore_ascii_case(w)) => {
                operators += 1
            }
            (lex::Kind::Word, w) => {
                if let Some((_, levels)) = NESTING_WORDS
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(w))
                {
                    words += levels;
                }
            }
            (lex::Kind::Punct, "(") => opened.push(i),
            (lex::Kind::Punct, ")") if opened.pop().is_none() => {
                return Err(ParseError::new(ParseErrorKind::UnmatchedParen, at(i, 1))
                    .with_label("no `(` opens it"));
            }
            _ => {}
        }
        if opened.len() + words > MAX_NESTING {
            return Err(ParseError::new(
                ParseErrorKind::TooDeep { max: MAX_NESTING },
                at(i, t.span.len().max(1)),
            )
            .with_label("split it with `let` variables"));
        }
        if operators > MAX_OPERATORS {
            return Err(ParseError::new(
                ParseErrorKind::TooManyOperators { max: MAX_OPERATORS },
                at(i, t.span.len().max(1)),
            )
            .with_label("split it with `let` variables"));
        }
    }
    if let Some(&o) = opened.last() {
        return Err(ParseError::new(ParseErrorKind::UnclosedParen, at(o, 1))
            .with_label("this parenthesis is never closed"));
    }
    Ok(())
}

/// What a grammar rule is called in an error message.
pub fn rule_name(r: &Rule) -> String {
    match r {
        Rule::EOI => "end of statement".into(),
        Rule::WHITESPACE | Rule::COMMENT => "white space".into(),
        Rule::statement_input | Rule::clauses_input | Rule::statement => "a statement (exposure, chokepoints, concentration, total, paths, show, explain, compare, let, scenario, with, or a node set)".into(),
        Rule::with_stmt => "`with ...: statement`".into(),
        Rule::diagram => "`diagram STATEMENT to \"file.svg\"`".into(),
        Rule::kw_diagram => "`diagram`".into(),
        Rule::export_stmt => "`export STATEMENT to \"file.graphml\"`".into(),
        Rule::kw_export => "`export`".into(),
        Rule::clauses | Rule::clause => "a what-if clause (disrupt, restrict exports, planned capacity, scenario)".into(),
        Rule::disrupt => "`disrupt`".into(),
        Rule::restrict => "`restrict exports`".into(),
        Rule::planned => "`planned capacity`".into(),
        Rule::use_scenario => "`scenario NAME`".into(),
        Rule::by => "`by P%`".into(),
        Rule::name_list => "a quoted material or element name".into(),
        Rule::scenario_name => "a scenario name".into(),
        Rule::let_stmt => "`let NAME = SET`".into(),
        Rule::scenario_stmt => "`scenario NAME = ...`".into(),
        Rule::exposure => "`exposure of ... to ...`".into(),
        Rule::explain => "`explain exposure of ... to ...`".into(),
        Rule::chokepoints => "`chokepoints of ...`".into(),
        Rule::concentration => "`concentration of ... by ...`".into(),
        Rule::material_of => "`of material \"NAME\"`".into(),
        Rule::origin => "`origin of \"MATERIAL\" for ...`".into(),
        Rule::paths => "`paths from ... to ...`".into(),
        Rule::total => "`total ATTRIBUTE of ...`".into(),
        Rule::shortfall => "`shortfall of ...`".into(),
        Rule::explain_shortfall => "`explain shortfall of ...`".into(),
        Rule::as_of => "`as of YEAR`".into(),
        Rule::kw_shortfall => "`shortfall`".into(),
        Rule::kw_as => "`as`".into(),
        Rule::total_concentration => "`concentration of total ATTRIBUTE of ... by ...`".into(),
        Rule::kw_total => "`total`".into(),
        Rule::kw_model => "`model`".into(),
        Rule::show => "`show ...`".into(),
        Rule::loss => "`loss of ...`".into(),
        Rule::kw_loss => "`loss`".into(),
        Rule::list => "a node set".into(),
        Rule::grouping => "country, region, stage or company".into(),
        Rule::limit => "`limit N`".into(),
        Rule::set | Rule::set_primary => "a node set (a quoted name, a variable, upstream of, downstream of, nodes where, or parentheses)".into(),
        Rule::set_op => "union, intersect or except".into(),
        Rule::comma => "`,`".into(),
        Rule::upstream => "`upstream of`".into(),
        Rule::downstream => "`downstream of`".into(),
        Rule::depth => "`depth N`".into(),
        Rule::nodes => "`nodes`".into(),
        Rule::cond | Rule::cond_primary => "a condition (field = value, has field, not, parentheses)".into(),
        Rule::cond_op => "and, or".into(),
        Rule::cond_not => "not".into(),
        Rule::comparison => "a comparison".into(),
        Rule::has => "`has FIELD`".into(),
        Rule::field => "a field name".into(),
        Rule::compare => "a comparison (=, !=, <, <=, >, >=, ~, in)".into(),
        Rule::value | Rule::value_list => "a value (a number, a quoted text, a word, or a list in parentheses)".into(),
        Rule::amount | Rule::number => "a number".into(),
        Rule::percent => "%".into(),
        Rule::integer => "a whole number".into(),
        Rule::string => "a quoted name".into(),
        Rule::string_inner | Rule::escape => "the rest of the quoted name".into(),
        Rule::ident => "a name (variable)".into(),
        Rule::word => "a word".into(),
        Rule::keyword | Rule::ident_char => "a keyword".into(),
        Rule::kw_with => "`with`".into(),
        Rule::kw_disrupt => "`disrupt`".into(),
        Rule::kw_restrict => "`restrict`".into(),
        Rule::kw_material => "`material`".into(),
        Rule::kw_for => "`for`".into(),
        Rule::kw_origin => "`origin`".into(),
        Rule::kw_exports => "`exports`".into(),
        Rule::kw_planned => "`planned`".into(),
        Rule::kw_capacity => "`capacity`".into(),
        Rule::kw_scenario => "`scenario`".into(),
        Rule::kw_by => "`by`".into(),
        Rule::kw_let => "`let`".into(),
        Rule::kw_exposure => "`exposure`".into(),
        Rule::kw_explain => "`explain`".into(),
        Rule::kw_chokepoints => "`chokepoints`".into(),
        Rule::kw_concentration => "`concentration`".into(),
        Rule::kw_paths => "`paths`".into(),
        Rule::kw_show => "`show`".into(),
        Rule::kw_country => "`country`".into(),
        Rule::kw_region => "`region`".into(),
        Rule::kw_stage => "`stage`".into(),
        Rule::kw_company => "`company`".into(),
        Rule::kw_limit => "`limit`".into(),
        Rule::kw_union => "`union`".into(),
        Rule::kw_intersect => "`intersect`".into(),
        Rule::kw_except => "`except`".into(),
        Rule::kw_upstream => "`upstream`".into(),
        Rule::kw_downstream => "`downstream`".into(),
        Rule::kw_depth => "`depth`".into(),
        Rule::kw_nodes => "`nodes`".into(),
        Rule::kw_where => "`where`".into(),
        Rule::kw_and => "`and`".into(),
        Rule::kw_or => "`or`".into(),
        Rule::kw_not => "`not`".into(),
        Rule::kw_has => "`has`".into(),
        Rule::kw_in => "`in`".into(),
        Rule::kw_of => "`of`".into(),
        Rule::kw_to => "`to`".into(),
        Rule::kw_from => "`from`".into(),
        Rule::kw_at => "`at`".into(),
        Rule::result_ops | Rule::result_op => "where, order by, limit or columns".into(),
        Rule::result_where => "`where` on the result's columns".into(),
        Rule::order_by => "`order by COLUMN [desc]`".into(),
        Rule::sort_key => "a column to sort by".into(),
        Rule::columns => "`columns COLUMN, ...`".into(),
        Rule::compare_stmt => "`compare scenario A, scenario B[, baseline]: STATEMENT`".into(),
        Rule::compared => "`scenario NAME` or `baseline`".into(),
        Rule::kw_order => "`order`".into(),
        Rule::kw_asc => "`asc`".into(),
        Rule::kw_desc => "`desc`".into(),
        Rule::kw_columns => "`columns`".into(),
        Rule::kw_compare => "`compare`".into(),
        Rule::kw_baseline => "`baseline`".into(),
        Rule::uncertain_stmt => "`with uncertainty [N runs] [seed S]: statement`".into(),
        Rule::runs => "`N runs`".into(),
        Rule::seed => "`seed S`".into(),
        Rule::sensitivity => "`sensitivity of ... to ...`".into(),
        Rule::kw_uncertainty => "`uncertainty`".into(),
        Rule::kw_runs => "`runs`".into(),
        Rule::kw_seed => "`seed`".into(),
        Rule::kw_sensitivity => "`sensitivity`".into(),
    }
}

/// Statement keywords, for "did you mean" on a misspelt first word.
const COMMANDS: &[&str] = &[
    "diagram",
    "export",
    "compare",
    "exposure",
    "loss",
    "chokepoints",
    "concentration",
    "origin",
    "total",
    "shortfall",
    "paths",
    "show",
    "explain",
    "let",
    "scenario",
    "sensitivity",
    "with",
    "upstream",
    "downstream",
    "nodes",
];

/// What stands at `pos`: a word, a quoted string, a character, or the end; and where the
/// caret under it ends. `pos` need not be on a character boundary.
fn found_at(text: &str, pos: usize) -> (String, usize) {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let rest = &text[pos..];
    let Some(c) = rest.chars().next() else {
        return ("end of statement".into(), pos + 1);
    };
    if c == '"' {
        return match lex::token_at(text, pos) {
            Some(t) if t.kind == (lex::Kind::Str { closed: true }) => {
                let s = t.text(text);
                let shown: String = s.chars().take(40).collect();
                let end = pos + shown.len();
                (format!("`{shown}`"), end)
            }
            _ => ("an unclosed quoted name".into(), pos + 1),
        };
    }
    if c.is_alphanumeric() || c == '_' {
        let w: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .take(40)
            .collect();
        let end = pos + w.len();
        return (format!("`{w}`"), end);
    }
    (format!("`{c}`"), pos + c.len_utf8().max(1))
}

fn syntax_error(text: &str, offset: usize, e: pest::error::Error<Rule>) -> ParseError {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let (found, end) = found_at(text, pos);
    let pos = pos.min(text.len());
    let at = offset + pos..offset + end.min(text.len()).max(pos);
    // A misspelt command: the statement starts with an unknown word.
    let first: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let first_at = text.len() - text.trim_start().len();
    if !first.is_empty() && !COMMANDS.contains(&first.to_lowercase().as_str()) && pos > first_at {
        if let Some(s) = crate::suggest::did_you_mean(&first, COMMANDS.iter().copied()) {
            if !text[first_at + first.len()..].trim().is_empty() {
                return ParseError::new(
                    ParseErrorKind::UnknownCommand {
                        word: first.clone(),
                    },
                    offset + first_at..offset + first_at + first.len(),
                )
                .with_label(format!("did you mean `{s}`?"));
            }
        }
    }
    let expected = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<String> = positives.iter().map(rule_name).collect();
            names.dedup();
            names.sort();
            names.dedup();
            match names.len() {
                0 => "something else".to_string(),
                1 => names.remove(0),
                _ => {
                    let last = names.pop().unwrap_or_default();
                    format!("{} or {last}", names.join(", "))
                }
            }
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    if found == "an unclosed quoted name" {
        return ParseError::new(ParseErrorKind::UnclosedString, at)
            .with_label("add the closing `\"`");
    }
    // A misspelt keyword where keywords are expected (`by cuntry`): the nearest of them.
    if let ErrorVariant::ParsingError { positives, .. } = &e.variant {
        let word = found.trim_matches('`');
        if word.chars().next().is_some_and(|c| c.is_alphabetic()) {
            let keywords: Vec<String> = first_tokens(positives.clone())
                .into_iter()
                .filter_map(keyword_of)
                .collect();
            if let Some(s) = crate::suggest::did_you_mean(word, keywords.iter().map(String::as_str))
            {
                return ParseError::new(ParseErrorKind::Syntax { expected, found }, at)
                    .with_label(format!("did you mean `{s}`?"));
            }
        }
    }
    ParseError::new(
        ParseErrorKind::Syntax {
            expected: expected.clone(),
            found,
        },
        at,
    )
    .with_label(format!("expected {expected}"))
}

struct Conv<'f> {
    offset: usize,
    file: &'f Arc<SourceText>,
}

type R<T> = Result<T, ParseError>;

/// An internal error: the parse tree lacks a part the grammar promises. Its place is filled in
/// by `parse_statement_at` and `parse_clauses`.
fn internal(what: impl Into<String>) -> ParseError {
    ParseError::new(ParseErrorKind::Internal(what.into()), 0..0)
}

trait Need<T> {
    /// The part the grammar promises, or an internal error naming it.
    fn need(self, what: &str) -> R<T>;
}

impl<T> Need<T> for Option<T> {
    fn need(self, what: &str) -> R<T> {
        self.ok_or_else(|| internal(what))
    }
}

impl Conv<'_> {
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.offset + s.start(), self.offset + s.end())
    }

    fn err(&self, span: Span, msg: impl Into<String>) -> ParseError {
        ParseError::new(ParseErrorKind::BadValue(msg.into()), span.start..span.end)
    }

    fn statement(&self, p: Pair<'_, Rule>) -> R<Statement> {
        let span = self.span(&p);
        let mut parts = p.into_inner();
        let inner = parts.next().need("statement body")?;
        let ops = parts.find(|x| x.as_rule() == Rule::result_ops);
        let body_span = self.span(&inner);
        let stmt = self.statement_body(inner)?;
        let Some(ops) = ops else {
            return Ok(Statement { stmt, span });
        };
        let ops_span = self.span(&ops);
        match &stmt {
            Stmt::Diagram { .. } => {
                return Err(self
                    .err(ops_span, "a result is filtered before `to`")
                    .with_label("write `diagram STATEMENT where ... to \"FILE\"`"))
            }
            Stmt::Scenario { .. } | Stmt::Let { .. } | Stmt::LetResult { .. } => {
                return Err(self
                    .err(ops_span, "this statement has no table to filter")
                    .with_label("`where`, `order by`, `limit` and `columns` follow a measure"))
            }
            _ => {}
        }
        let ops = ops
            .into_inner()
            .map(|op| self.result_op(op))
            .collect::<R<Vec<_>>>()?;
        Ok(Statement {
            stmt: Stmt::Refine {
                body: Box::new(Statement {
                    stmt,
                    span: body_span,
                }),
                ops,
            },
            span,
        })
    }

    fn result_op(&self, p: Pair<'_, Rule>) -> R<ResultOp> {
        let inner = p.into_inner().next().need("result op")?;
        Ok(match inner.as_rule() {
            Rule::result_where => ResultOp::Where(
                self.cond(
                    inner
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::cond)
                        .need("cond")?,
                )?,
            ),
            Rule::order_by => ResultOp::OrderBy(
                inner
                    .into_inner()
                    .filter(|x| x.as_rule() == Rule::sort_key)
                    .map(|k| {
                        let desc = k.clone().into_inner().any(|x| x.as_rule() == Rule::kw_desc);
                        let f = k
                            .into_inner()
                            .find(|x| x.as_rule() == Rule::field)
                            .need("field")?;
                        Ok(SortKey {
                            column: self.string_or_word(f)?,
                            desc,
                        })
                    })
                    .collect::<R<Vec<_>>>()?,
            ),
            Rule::limit => {
                let n = inner
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::integer)
                    .need("integer")?;
                ResultOp::Limit(self.integer(n)?)
            }
            Rule::columns => ResultOp::Columns(
                inner
                    .into_inner()
                    .filter(|x| x.as_rule() == Rule::field)
                    .map(|f| self.string_or_word(f))
                    .collect::<R<Vec<_>>>()?,
            ),
            r => return Err(internal(format!("result op {r:?}"))),
        })
    }

    /// A compare's cases, each at most once.
    fn compare(&self, p: Pair<'_, Rule>, span: Span) -> R<Stmt> {
        let mut cases: Vec<Case> = Vec::new();
        let mut cases_span: Option<Span> = None;
        let mut body = None;
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::compared => {
                    let at = self.span(&x);
                    cases_span = Some(cases_span.map_or(at, |s: Span| s.to(at)));
                    let c = x.into_inner().next().need("case")?;
                    let case = match c.as_rule() {
                        Rule::kw_baseline => Case::Baseline,
                        _ => {
                            let n = c
                                .into_inner()
                                .find(|y| y.as_rule() == Rule::scenario_name)
                                .need("name")?;
                            Case::Scenario(self.string_or_word(n)?)
                        }
                    };
                    let key = |c: &Case| match c {
                        Case::Scenario(n) => Some(n.text.to_lowercase()),
                        Case::Baseline => None,
                    };
                    if cases.iter().any(|k| key(k) == key(&case)) {
                        return Err(self
                            .err(at, format!("`{case}` is compared twice"))
                            .with_label("name each case once"));
                    }
                    cases.push(case);
                }
                Rule::statement => body = Some(self.statement(x)?),
                _ => {}
            }
        }
        let body = body.need("compare body")?;
        if cases.len() < 2 {
            return Err(self
                .err(
                    cases_span.unwrap_or(span),
                    "compare takes two cases or more",
                )
                .with_label("for example: compare scenario a, baseline: loss of \"x\""));
        }
        if matches!(
            body.stmt,
            Stmt::Let { .. }
                | Stmt::LetResult { .. }
                | Stmt::Scenario { .. }
                | Stmt::Diagram { .. }
                | Stmt::Compare { .. }
        ) {
            return Err(self
                .err(body.span, "compare takes a measure")
                .with_label("for example: compare scenario a, baseline: loss of \"x\""));
        }
        // A result filter written after the compared statement applies to the compared table
        // (its columns are the cases'): `compare ...: S where ...` is the compare, refined.
        Ok(match body.stmt {
            Stmt::Refine { body: inner, ops } => Stmt::Refine {
                body: Box::new(Statement {
                    stmt: Stmt::Compare { cases, body: inner },
                    span,
                }),
                ops,
            },
            stmt => Stmt::Compare {
                cases,
                body: Box::new(Statement {
                    stmt,
                    span: body.span,
                }),
            },
        })
    }

    fn statement_body(&self, inner: Pair<'_, Rule>) -> R<Stmt> {
        let stmt = match inner.as_rule() {
            Rule::diagram => {
                let mut it = inner
                    .into_inner()
                    .filter(|x| !matches!(x.as_rule(), Rule::kw_diagram | Rule::kw_to));
                let body = self.statement(it.next().need("body")?)?;
                let file = self.string(it.next().need("file")?);
                Stmt::Diagram {
                    body: Box::new(body),
                    file,
                    written: Written::Drawing,
                }
            }
            Rule::export_stmt => {
                let mut it = inner.into_inner().filter(|x| {
                    !matches!(x.as_rule(), Rule::kw_export | Rule::kw_to | Rule::kw_as)
                });
                let body = self.statement(it.next().need("body")?)?;
                let file = self.string(it.next().need("file")?);
                let format = it.next().map(|w| self.named(w));
                if let Some(f) = &format {
                    if !EXPORT_FORMATS.contains(&f.text.to_lowercase().as_str()) {
                        let mut e = self.err(f.span, format!("unknown format `{}`", f.text));
                        e = match crate::suggest::did_you_mean(
                            &f.text,
                            EXPORT_FORMATS.iter().copied(),
                        ) {
                            Some(near) => e.with_label(format!("did you mean `{near}`?")),
                            None => e.with_label("use graphml, neo4j, json, csv or text"),
                        };
                        return Err(e);
                    }
                }
                Stmt::Diagram {
                    body: Box::new(body),
                    file,
                    written: Written::Export(format),
                }
            }
            Rule::with_stmt => {
                let mut it = inner.into_inner().filter(|x| x.as_rule() != Rule::kw_with);
                let clauses = self.clauses(it.next().need("clauses")?)?;
                let body = self.statement(it.next().need("body")?)?;
                Stmt::With {
                    clauses,
                    body: Box::new(body),
                }
            }
            Rule::compare_stmt => {
                let span = self.span(&inner);
                return self.compare(inner, span);
            }
            Rule::let_stmt => {
                let mut it = inner.into_inner().filter(|x| x.as_rule() != Rule::kw_let);
                let name = self.named(it.next().need("name")?);
                let body = self.statement(it.next().need("statement")?)?;
                match body.stmt {
                    Stmt::List(set) => Stmt::Let { name, set },
                    Stmt::Let { .. }
                    | Stmt::LetResult { .. }
                    | Stmt::Scenario { .. }
                    | Stmt::Diagram { .. } => {
                        return Err(self
                            .err(body.span, "`let` binds a node set or a result")
                            .with_label("for example: let weak = exposure of nodes to \"China\" where exposure > 0.9"))
                    }
                    stmt => Stmt::LetResult {
                        name,
                        body: Box::new(Statement {
                            stmt,
                            span: body.span,
                        }),
                    },
                }
            }
            Rule::scenario_stmt => {
                let mut it = inner
                    .into_inner()
                    .filter(|x| x.as_rule() != Rule::kw_scenario);
                let name = self.string_or_word(it.next().need("name")?)?;
                let clauses = self.clauses(it.next().need("clauses")?)?;
                Stmt::Scenario { name, clauses }
            }
            Rule::exposure => {
                let mut sets = self.sets(inner)?.into_iter();
                Stmt::Exposure {
                    targets: sets.next().need("targets")?,
                    sources: sets.next().need("sources")?,
                }
            }
            Rule::explain => {
                let limit = self.limit(&inner)?;
                let mut sets = self.sets(inner)?.into_iter();
                Stmt::Explain {
                    targets: sets.next().need("targets")?,
                    sources: sets.next().need("sources")?,
                    limit,
                }
            }
            Rule::chokepoints => {
                let limit = self.limit(&inner)?;
                let by = self.grouping(&inner);
                // `chokepoints of A except B` reads as "A's chokepoints, except B's nodes" as
                // easily as "of the targets A but B": either meaning is written out.
                if let Some(x) = inner
                    .clone()
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::set)
                    .and_then(|s| s.into_inner().find(|x| x.as_rule() == Rule::kw_except))
                {
                    return Err(self
                        .err(
                            self.span(&x),
                            "`except` after `chokepoints of` is ambiguous",
                        )
                        .with_label(
                            "to leave nodes out of the result, filter it: `chokepoints of A \
                             where country != \"China\"`; to leave targets out, use \
                             parentheses: `chokepoints of (A except B)`",
                        ));
                }
                let target = self.sets(inner)?.into_iter().next().need("set")?;
                Stmt::Chokepoints { target, by, limit }
            }
            Rule::concentration => {
                let by = self.grouping(&inner).unwrap_or(Grouping::Country);
                let stage = inner
                    .clone()
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::string)
                    .map(|s| self.string(s));
                let material = inner
                    .clone()
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::material_of)
                    .and_then(|m| m.into_inner().find(|x| x.as_rule() == Rule::string))
                    .map(|s| self.string(s));
                let target = self.sets(inner)?.into_iter().next().need("set")?;
                Stmt::Concentration {
                    target,
                    by,
                    stage,
                    material,
                }
            }
            Rule::origin => {
                let by = self.grouping(&inner);
                let material = inner
                    .clone()
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::string)
                    .map(|s| self.string(s))
                    .need("material")?;
                let target = self.sets(inner)?.into_iter().next().need("set")?;
                Stmt::Origin {
                    material,
                    target,
                    by,
                }
            }
            Rule::paths => {
                let limit = self.limit(&inner)?;
                let mut sets = self.sets(inner)?.into_iter();
                Stmt::Paths {
                    from: sets.next().need("from")?,
                    to: sets.next().need("to")?,
                    limit,
                }
            }
            Rule::total | Rule::total_concentration => {
                let concentration = inner.as_rule() == Rule::total_concentration;
                let by = self.grouping(&inner);
                let field = inner
                    .clone()
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::field)
                    .need("attribute")?;
                let attribute = self.string_or_word(field)?;
                let set = self.sets(inner)?.into_iter().next().need("set")?;
                Stmt::Total {
                    attribute,
                    set,
                    by,
                    concentration,
                }
            }
            Rule::show
                if inner
                    .clone()
                    .into_inner()
                    .any(|x| x.as_rule() == Rule::kw_model) =>
            {
                Stmt::ShowModel
            }
            Rule::show => Stmt::Show(self.sets(inner)?.into_iter().next().need("set")?),
            Rule::shortfall | Rule::explain_shortfall => Stmt::Shortfall {
                explain: inner.as_rule() == Rule::explain_shortfall,
                targets: self.sets(inner)?.into_iter().next().need("set")?,
            },
            Rule::loss => Stmt::Loss(self.sets(inner)?.into_iter().next().need("set")?),
            Rule::list => Stmt::List(self.sets(inner)?.into_iter().next().need("set")?),
            Rule::uncertain_stmt => self.uncertain(inner)?,
            Rule::sensitivity => {
                let mut sets = self.sets(inner)?.into_iter();
                Stmt::Sensitivity {
                    target: sets.next().need("target")?,
                    sources: sets.next().need("sources")?,
                }
            }
            r => return Err(internal(format!("statement rule {r:?}"))),
        };
        Ok(stmt)
    }

    /// `with uncertainty [N runs] [seed S]: STATEMENT`.
    fn uncertain(&self, p: Pair<'_, Rule>) -> R<Stmt> {
        let (mut runs, mut seed, mut body) = (None, None, None);
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::runs => {
                    let n = x.into_inner().find(|y| y.as_rule() == Rule::integer);
                    let n = n.need("runs")?;
                    let span = self.span(&n);
                    let count = self.integer(n)?;
                    if count == 0 {
                        return Err(self.err(span, "at least 1 run"));
                    }
                    runs = Some(count);
                }
                Rule::seed => {
                    let n = x.into_inner().find(|y| y.as_rule() == Rule::integer);
                    let n = n.need("seed")?;
                    let text = n.as_str();
                    seed = Some(text.parse::<u64>().map_err(|_| {
                        self.err(
                            self.span(&n),
                            format!("{text} is too large for a seed (at most {})", u64::MAX),
                        )
                    })?);
                }
                Rule::statement => body = Some(self.statement(x)?),
                _ => {}
            }
        }
        Ok(Stmt::Uncertain {
            runs,
            seed,
            body: Box::new(body.need("body")?),
        })
    }

    /// The `set` children of a pair, in order.
    fn sets(&self, p: Pair<'_, Rule>) -> R<Vec<Set>> {
        p.into_inner()
            .filter(|x| x.as_rule() == Rule::set)
            .map(|x| self.set(x))
            .collect()
    }

    fn limit(&self, p: &Pair<'_, Rule>) -> R<Option<u32>> {
        match p.clone().into_inner().find(|x| x.as_rule() == Rule::limit) {
            None => Ok(None),
            Some(l) => {
                let n = l
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::integer)
                    .need("integer")?;
                self.integer(n).map(Some)
            }
        }
    }

    fn integer(&self, p: Pair<'_, Rule>) -> R<u32> {
        p.as_str().parse::<u32>().map_err(|_| {
            self.err(
                self.span(&p),
                format!("{} is too large (at most {})", p.as_str(), u32::MAX),
            )
        })
    }

    fn grouping(&self, p: &Pair<'_, Rule>) -> Option<Grouping> {
        let g = p
            .clone()
            .into_inner()
            .find(|x| x.as_rule() == Rule::grouping)?;
        let kw = g.into_inner().next()?;
        Some(match kw.as_rule() {
            Rule::kw_country => Grouping::Country,
            Rule::kw_region => Grouping::Region,
            Rule::kw_stage => Grouping::Stage,
            _ => Grouping::Company,
        })
    }

    fn named(&self, p: Pair<'_, Rule>) -> Named {
        Named {
            text: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    fn string(&self, p: Pair<'_, Rule>) -> Named {
        let span = self.span(&p);
        let raw = p.into_inner().next().map(|i| i.as_str()).unwrap_or("");
        let mut text = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some(other) => text.push(other),
                    None => {}
                }
            } else {
                text.push(c);
            }
        }
        Named { text, span }
    }

    /// A name written quoted or as a bare word (a scenario name, a field).
    fn string_or_word(&self, p: Pair<'_, Rule>) -> R<Named> {
        let inner = p.into_inner().next().need("name")?;
        Ok(match inner.as_rule() {
            Rule::string => self.string(inner),
            _ => self.named(inner),
        })
    }

    fn amount(&self, p: Pair<'_, Rule>) -> R<Amount> {
        let span = self.span(&p);
        let mut value = 0.0;
        let mut percent = false;
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::number => {
                    value = x
                        .as_str()
                        .parse::<f64>()
                        .map_err(|_| self.err(span, "not a number"))?;
                }
                Rule::percent => percent = true,
                _ => {}
            }
        }
        if !value.is_finite() {
            return Err(self.err(
                span,
                format!(
                    "{} is not a finite number",
                    &self.file.text[span.start..span.end]
                ),
            ));
        }
        Ok(Amount {
            value,
            percent,
            span,
        })
    }

    /// A `by` amount: a share of something lost, between 0 and 100%.
    fn by(&self, p: Pair<'_, Rule>) -> R<Amount> {
        let a = self.amount(
            p.into_inner()
                .find(|x| x.as_rule() == Rule::amount)
                .need("amount")?,
        )?;
        let f = a.fraction();
        if !(0.0..=1.0).contains(&f) {
            let what = if a.percent {
                format!("{}%", crate::output::number(a.value))
            } else {
                crate::output::number(a.value)
            };
            return Err(self
                .err(
                    a.span,
                    format!("a loss is between 0% and 100%, found {what}"),
                )
                .with_label("write a percentage such as 30%, or a fraction such as 0.3"));
        }
        Ok(a)
    }

    fn clauses(&self, p: Pair<'_, Rule>) -> R<Vec<Clause>> {
        p.into_inner().map(|c| self.clause(c)).collect()
    }

    fn clause(&self, p: Pair<'_, Rule>) -> R<Clause> {
        let inner = p.into_inner().next().need("clause")?;
        let span = self.span(&inner);
        let by = |c: &Conv<'_>, x: &Pair<'_, Rule>| -> R<Option<Amount>> {
            match x.clone().into_inner().find(|y| y.as_rule() == Rule::by) {
                Some(b) => c.by(b).map(Some),
                None => Ok(None),
            }
        };
        Ok(match inner.as_rule() {
            Rule::disrupt => {
                let by = by(self, &inner)?;
                let set = self.sets(inner)?.into_iter().next().need("set")?;
                Clause::Disrupt { set, by }
            }
            Rule::restrict => {
                let by = by(self, &inner)?;
                let mut of = Vec::new();
                let mut places = Vec::new();
                for x in inner.into_inner() {
                    match x.as_rule() {
                        Rule::name_list => of = x.into_inner().map(|s| self.string(s)).collect(),
                        Rule::set_primary => places.push(self.set_primary(x)?),
                        _ => {}
                    }
                }
                let mut places = places.into_iter();
                Clause::Restrict {
                    of,
                    from: places.next().need("from")?,
                    to: places.next(),
                    by,
                    span,
                }
            }
            Rule::planned => {
                let of = inner
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::set_primary)
                    .map(|x| self.set_primary(x))
                    .transpose()?;
                Clause::Planned { of, span }
            }
            Rule::as_of => {
                let year = inner
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::integer)
                    .need("year")?;
                Clause::AsOf {
                    year: self.integer(year)?,
                    span,
                }
            }
            Rule::use_scenario => {
                let n = inner
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::scenario_name)
                    .need("name")?;
                Clause::Scenario(self.string_or_word(n)?)
            }
            r => return Err(internal(format!("clause rule {r:?}"))),
        })
    }

    fn set(&self, p: Pair<'_, Rule>) -> R<Set> {
        SET_OPS
            .map_primary(|x| self.set_primary(x))
            .map_infix(|a, op, b| {
                let (a, b) = (Box::new(a?), Box::new(b?));
                Ok(match op.as_rule() {
                    Rule::kw_union | Rule::comma => Set::Union(a, b),
                    Rule::kw_intersect => Set::Intersect(a, b),
                    _ => Set::Except(a, b),
                })
            })
            .parse(p.into_inner())
    }

    fn set_primary(&self, p: Pair<'_, Rule>) -> R<Set> {
        let inner = p.into_inner().next().need("set primary")?;
        let span = self.span(&inner);
        Ok(match inner.as_rule() {
            Rule::set => self.set(inner)?,
            Rule::string => Set::Name(self.string(inner)),
            Rule::ident => Set::Var(self.named(inner)),
            Rule::upstream | Rule::downstream => {
                let up = inner.as_rule() == Rule::upstream;
                let mut of = None;
                let mut depth = None;
                for x in inner.into_inner() {
                    match x.as_rule() {
                        Rule::set_primary => of = Some(Box::new(self.set_primary(x)?)),
                        Rule::depth => {
                            let n = x
                                .into_inner()
                                .find(|y| y.as_rule() == Rule::integer)
                                .need("integer")?;
                            depth = Some(self.integer(n)?);
                        }
                        _ => {}
                    }
                }
                let of = of.need("of")?;
                if up {
                    Set::Upstream { of, depth, span }
                } else {
                    Set::Downstream { of, depth, span }
                }
            }
            Rule::nodes => {
                let cond = inner
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::cond)
                    .map(|c| self.cond(c))
                    .transpose()?;
                Set::Nodes { cond, span }
            }
            r => return Err(internal(format!("set primary {r:?}"))),
        })
    }

    fn cond(&self, p: Pair<'_, Rule>) -> R<Cond> {
        COND_OPS
            .map_primary(|x| self.cond_primary(x))
            .map_prefix(|_, c| Ok(Cond::Not(Box::new(c?))))
            .map_infix(|a, op, b| {
                let (a, b) = (Box::new(a?), Box::new(b?));
                Ok(match op.as_rule() {
                    Rule::kw_and => Cond::And(a, b),
                    _ => Cond::Or(a, b),
                })
            })
            .parse(p.into_inner())
    }

    fn cond_primary(&self, p: Pair<'_, Rule>) -> R<Cond> {
        let inner = p.into_inner().next().need("condition")?;
        Ok(match inner.as_rule() {
            Rule::cond => self.cond(inner)?,
            Rule::has => {
                let f = inner
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::field)
                    .need("field")?;
                Cond::Has(self.string_or_word(f)?)
            }
            Rule::comparison => {
                let mut it = inner.into_inner();
                let field = self.string_or_word(it.next().need("field")?)?;
                let cmp = it.next().need("compare")?;
                let op = match cmp.as_str().to_lowercase().as_str() {
                    "=" => Op::Eq,
                    "!=" => Op::Ne,
                    "<" => Op::Lt,
                    "<=" => Op::Le,
                    ">" => Op::Gt,
                    ">=" => Op::Ge,
                    "~" => Op::Contains,
                    _ => Op::In,
                };
                let value = self.value(it.next().need("value")?)?;
                if op == Op::In && !matches!(value, Value::List(..)) {
                    return Err(self
                        .err(value.span(), "`in` takes a list in parentheses")
                        .with_label("for example: kind in (mine, facility)"));
                }
                Cond::Cmp { field, op, value }
            }
            r => return Err(internal(format!("condition {r:?}"))),
        })
    }

    fn value(&self, p: Pair<'_, Rule>) -> R<Value> {
        let span = self.span(&p);
        let inner = p.into_inner().next().need("value")?;
        Ok(match inner.as_rule() {
            Rule::amount => Value::Num(self.amount(inner)?),
            Rule::string => Value::Text(self.string(inner)),
            Rule::word => Value::Word(self.named(inner)),
            Rule::value_list => Value::List(
                inner
                    .into_inner()
                    .map(|v| self.value(v))
                    .collect::<R<Vec<_>>>()?,
                span,
            ),
            r => return Err(internal(format!("value {r:?}"))),
        })
    }
}

/// Parses the clauses of a `with` (a scenario's text in a model).
pub fn parse_clauses(file: &Arc<SourceText>) -> Result<Vec<Clause>, Problem> {
    parse_clauses_in(file).map_err(|e| e.into_problem(file))
}

/// `parse_clauses` with the typed error.
pub fn parse_clauses_in(file: &Arc<SourceText>) -> Result<Vec<Clause>, ParseError> {
    let text = &file.text;
    check_nesting(text, 0)?;
    let pairs =
        QueryParser::parse(Rule::clauses_input, text).map_err(|e| syntax_error(text, 0, e))?;
    let conv = Conv { offset: 0, file };
    let input = pairs.into_iter().next().need("clauses_input")?;
    let clauses = input
        .into_inner()
        .find(|p| p.as_rule() == Rule::clauses)
        .need("clauses")?;
    conv.clauses(clauses)
}

/// What the grammar allows right after `prefix` (the beginning of a statement): the tokens it
/// would accept there (keywords, `string`, `ident`, `word`, `integer`, ...). `None` when the
/// prefix itself is already wrong.
pub fn expected_after(prefix: &str) -> Option<Vec<Rule>> {
    if !shallow_enough(prefix) {
        return None;
    }
    let probe = format!("{prefix}\u{0}");
    match QueryParser::parse(Rule::statement_input, &probe) {
        Ok(_) => Some(Vec::new()),
        Err(e) => {
            use pest::error::{ErrorVariant, InputLocation};
            let pos = match e.location {
                InputLocation::Pos(p) => p,
                InputLocation::Span((s, _)) => s,
            };
            if pos < prefix.len() && !prefix[pos..].trim().is_empty() {
                return None;
            }
            match e.variant {
                ErrorVariant::ParsingError { positives, .. } => Some(first_tokens(positives)),
                ErrorVariant::CustomError { .. } => None,
            }
        }
    }
}

/// Whether `text` is a statement cut short (it could still become right) rather than wrong.
/// A complete statement counts as unfinished too: in the REPL a statement ends with `;` or a
/// blank line.
pub fn is_unfinished(text: &str) -> bool {
    // Too deep is wrong already (and pest is not run on it).
    if lex::unclosed_quote(text).is_some() || !shallow_enough(text) {
        return false;
    }
    match QueryParser::parse(Rule::statement_input, text) {
        Ok(_) => true,
        Err(e) => {
            use pest::error::InputLocation;
            let pos = match e.location {
                InputLocation::Pos(p) => p,
                InputLocation::Span((s, _)) => s,
            };
            pos >= text.trim_end().len()
        }
    }
}

/// Every keyword of the language, from the grammar's `kw_*` rules.
pub fn keywords() -> &'static [String] {
    static ALL: LazyLock<Vec<String>> = LazyLock::new(|| {
        Rule::all_rules()
            .iter()
            .filter_map(|&r| keyword_of(r))
            .collect()
    });
    &ALL
}

/// The keyword a `kw_*` rule stands for (the grammar names each keyword rule after it).
pub fn keyword_of(r: Rule) -> Option<String> {
    format!("{r:?}").strip_prefix("kw_").map(str::to_string)
}

/// The tokens a rule can start with (pest reports the enclosing rule when all its
/// alternatives fail at one place).
fn first_tokens(rules: Vec<Rule>) -> Vec<Rule> {
    use Rule::*;
    let mut out = Vec::new();
    let mut work = rules;
    while let Some(r) = work.pop() {
        let children: &[Rule] = match r {
            statement_input | statement => &[
                kw_diagram,
                kw_export,
                kw_with,
                kw_compare,
                kw_let,
                kw_scenario,
                kw_exposure,
                kw_loss,
                kw_explain,
                kw_chokepoints,
                kw_concentration,
                kw_origin,
                kw_total,
                kw_shortfall,
                kw_paths,
                kw_show,
                kw_sensitivity,
                set_primary,
            ],
            set | set_primary | list => &[kw_upstream, kw_downstream, kw_nodes, string, ident],
            cond | cond_primary => &[kw_not, kw_has, field],
            grouping => &[kw_country, kw_region, kw_stage, kw_company],
            clauses | clause => &[kw_disrupt, kw_restrict, kw_planned, kw_as, kw_scenario],
            field | comparison | has => &[word],
            value | value_list => &[word, string, amount],
            by => &[kw_by],
            limit => &[kw_limit],
            result_ops | result_op => &[kw_where, kw_order, kw_limit, kw_columns],
            result_where => &[kw_where],
            order_by => &[kw_order],
            columns => &[kw_columns],
            sort_key => &[word, string],
            compare_stmt => &[kw_compare],
            compared => &[kw_scenario, kw_baseline],
            depth => &[kw_depth],
            upstream => &[kw_upstream],
            downstream => &[kw_downstream],
            nodes => &[kw_nodes],
            with_stmt => &[kw_with],
            diagram => &[kw_diagram],
            export_stmt => &[kw_export],
            let_stmt => &[kw_let],
            scenario_stmt | use_scenario => &[kw_scenario],
            exposure => &[kw_exposure],
            loss => &[kw_loss],
            explain | explain_shortfall => &[kw_explain],
            shortfall => &[kw_shortfall],
            as_of => &[kw_as],
            chokepoints => &[kw_chokepoints],
            concentration | total_concentration => &[kw_concentration],
            origin => &[kw_origin],
            material_of => &[kw_of, kw_for],
            total => &[kw_total],
            paths => &[kw_paths],
            show => &[kw_show],
            disrupt => &[kw_disrupt],
            restrict => &[kw_restrict],
            planned => &[kw_planned],
            name_list => &[string],
            scenario_name => &[ident, string],
            uncertain_stmt => &[kw_with],
            sensitivity => &[kw_sensitivity],
            runs => &[integer],
            seed => &[kw_seed],
            _ => {
                if !out.contains(&r) {
                    out.push(r);
                }
                continue;
            }
        };
        work.extend_from_slice(children);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_keyword_rule_is_a_keyword() {
        let kw = super::keywords();
        let rules = include_str!("../../grammar/query.pest")
            .lines()
            .filter(|l| l.starts_with("kw_"))
            .count();
        assert_eq!(kw.len(), rules);
        for k in ["with", "chokepoints", "diagram", "loss", "at"] {
            assert!(kw.iter().any(|x| x == k), "{k}");
        }
    }
}
