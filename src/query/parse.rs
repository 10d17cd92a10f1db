//! Text → AST: the pest grammar in `grammar/query.pest`, a Pratt parser for set and condition
//! operators, and parse errors that say what was expected and what was found.

use std::ops::Range;
use std::sync::{Arc, LazyLock};

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op as POp, PrattParser};
use pest::Parser;

use super::ast::*;
use crate::diag::{Loc, Problem, SourceText};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/query.pest"]
pub struct QueryParser;

/// A statement may nest forms at most this deep (parentheses, `upstream of`, `not`, `with`).
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

/// Splits a script into statement texts (byte ranges), at `;` outside strings and comments.
/// Ranges holding nothing but blanks and comments are dropped.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let chunks: Vec<Range<usize>> = match QueryParser::parse(Rule::split, text) {
        Ok(mut pairs) => pairs
            .next()
            .map(|p| {
                p.into_inner()
                    .filter(|c| c.as_rule() == Rule::chunk)
                    .map(|c| c.as_span().start()..c.as_span().end())
                    .collect()
            })
            .unwrap_or_default(),
        Err(_) => std::iter::once(0..text.len()).collect(),
    };
    chunks
        .into_iter()
        .filter(|r| !is_blank(&text[r.clone()]))
        .collect()
}

/// Nothing but white space and comments.
pub fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with("--") || t.starts_with('#')
    })
}

/// Parses the statement at `range` of `file`. Spans in the AST are offsets into the file.
pub fn parse_statement(file: &Arc<SourceText>, range: Range<usize>) -> Result<Statement, Problem> {
    let text = &file.text[range.clone()];
    let offset = range.start;
    check_nesting(file, text, offset)?;
    let pairs = QueryParser::parse(Rule::statement_input, text)
        .map_err(|e| syntax_error(file, text, offset, e))?;
    let input = pairs.into_iter().next().expect("statement_input");
    let conv = Conv { offset, file };
    let stmt = input
        .into_inner()
        .find(|p| p.as_rule() == Rule::statement)
        .ok_or_else(|| {
            Problem::error(
                Loc::span(file, offset..offset + text.len()),
                "empty statement",
            )
        })?;
    conv.statement(stmt)
}

/// Parses a whole text that must hold exactly one statement (a query given on the command
/// line may also hold several: see `split`).
pub fn parse_one(text: &str) -> Result<Statement, Problem> {
    let file = Arc::new(SourceText::new("<query>", text));
    let ranges = split(text);
    match ranges.as_slice() {
        [r] => parse_statement(&file, r.clone()),
        [] => Err(Problem::error(Loc::span(&file, 0..0), "empty query")),
        [_, second, ..] => Err(Problem::error(
            Loc::span(&file, second.start..second.start),
            "expected one statement, found several",
        )),
    }
}

/// A quoted name that never closes: the place of its opening quote.
fn unclosed_quote(text: &str) -> Option<usize> {
    let mut open = None;
    let mut escaped = false;
    let mut in_comment = false;
    for (i, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        match (open, c) {
            (None, '#') => in_comment = true,
            (None, '-') if text[i..].starts_with("--") => in_comment = true,
            (None, '"') => open = Some(i),
            (Some(_), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(_), '"') if !escaped => open = None,
            (Some(o), '\n') => return Some(o),
            _ => {}
        }
        escaped = false;
    }
    open
}

fn check_nesting(file: &Arc<SourceText>, text: &str, offset: usize) -> Result<(), Problem> {
    if let Some(at) = unclosed_quote(text) {
        return Err(Problem::error(
            Loc::span(file, offset + at..offset + at + 1),
            "unclosed quoted name",
        )
        .with_label("this quote is never closed (is a closing `\"` missing here or earlier?)"));
    }
    let mut depth = 0usize;
    let mut opened: Vec<usize> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut words = 0usize;
    let mut word = String::new();
    let mut in_comment = false;
    for (i, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if !in_string && (c == '#' || text[i..].starts_with("--")) {
            in_comment = true;
            continue;
        }
        if in_string {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c.to_ascii_lowercase());
            continue;
        }
        if matches!(word.as_str(), "upstream" | "downstream" | "not" | "with") {
            words += 1;
        }
        word.clear();
        match c {
            '"' => in_string = true,
            '(' => {
                depth += 1;
                opened.push(i);
            }
            ')' => {
                if opened.pop().is_none() {
                    return Err(Problem::error(
                        Loc::span(file, offset + i..offset + i + 1),
                        "unmatched `)`",
                    )
                    .with_label("no `(` opens it"));
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        if depth + words > MAX_NESTING {
            return Err(Problem::error(
                Loc::span(file, offset + i..offset + i + 1),
                format!("the statement nests too deeply (more than {MAX_NESTING} levels)"),
            )
            .with_label("split it with `let` variables"));
        }
    }
    if let Some(&o) = opened.last() {
        return Err(
            Problem::error(Loc::span(file, offset + o..offset + o + 1), "unclosed `(`")
                .with_label("this parenthesis is never closed"),
        );
    }
    Ok(())
}

/// What a grammar rule is called in an error message.
pub fn rule_name(r: &Rule) -> String {
    match r {
        Rule::EOI => "end of statement".into(),
        Rule::WHITESPACE | Rule::COMMENT => "white space".into(),
        Rule::split | Rule::chunk | Rule::string_raw | Rule::comment_raw => "statement".into(),
        Rule::statement_input | Rule::clauses_input | Rule::statement => "a statement (exposure, chokepoints, concentration, paths, show, explain, let, scenario, with, or a node set)".into(),
        Rule::with_stmt => "`with ...: statement`".into(),
        Rule::diagram => "`diagram STATEMENT to \"file.svg\"`".into(),
        Rule::kw_diagram => "`diagram`".into(),
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
        Rule::paths => "`paths from ... to ...`".into(),
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
    }
}

/// Statement keywords, for "did you mean" on a misspelt first word.
const COMMANDS: &[&str] = &[
    "diagram",
    "exposure",
    "loss",
    "chokepoints",
    "concentration",
    "paths",
    "show",
    "explain",
    "let",
    "scenario",
    "with",
    "upstream",
    "downstream",
    "nodes",
];

/// What stands at `pos`: a word, a quoted string, a character, or the end.
fn found_at(text: &str, pos: usize) -> String {
    let rest = &text[pos..];
    let Some(c) = rest.chars().next() else {
        return "end of statement".into();
    };
    if c == '"' {
        return if rest[1..].contains('"') {
            let end = rest[1..].find('"').map(|e| e + 2).unwrap_or(rest.len());
            let s = &rest[..end.min(40)];
            format!("`{s}`")
        } else {
            "an unclosed quoted name".into()
        };
    }
    if c.is_alphanumeric() || c == '_' {
        let w: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .take(40)
            .collect();
        return format!("`{w}`");
    }
    format!("`{c}`")
}

fn syntax_error(
    file: &Arc<SourceText>,
    text: &str,
    offset: usize,
    e: pest::error::Error<Rule>,
) -> Problem {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let found = found_at(text, pos);
    let end = if found.starts_with('`') {
        pos + found.len().saturating_sub(2).max(1)
    } else {
        pos + 1
    };
    let at = Loc::span(file, offset + pos..offset + end.min(text.len()).max(pos));
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
                return Problem::error(
                    Loc::span(file, offset + first_at..offset + first_at + first.len()),
                    format!("unknown command `{first}`"),
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
        return Problem::error(at, "unclosed quoted name").with_label("add the closing `\"`");
    }
    Problem::error(at, format!("expected {expected}, found {found}"))
        .with_label(format!("expected {expected}"))
}

struct Conv<'f> {
    offset: usize,
    file: &'f Arc<SourceText>,
}

type R<T> = Result<T, Problem>;

impl Conv<'_> {
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.offset + s.start(), self.offset + s.end())
    }

    fn err(&self, span: Span, msg: impl Into<String>) -> Problem {
        Problem::error(Loc::span(self.file, span.start..span.end), msg)
    }

    fn statement(&self, p: Pair<'_, Rule>) -> R<Statement> {
        let span = self.span(&p);
        let inner = p.into_inner().next().expect("statement body");
        let stmt = match inner.as_rule() {
            Rule::diagram => {
                let mut it = inner
                    .into_inner()
                    .filter(|x| !matches!(x.as_rule(), Rule::kw_diagram | Rule::kw_to));
                let body = self.statement(it.next().expect("body"))?;
                let file = self.string(it.next().expect("file"));
                Stmt::Diagram {
                    body: Box::new(body),
                    file,
                }
            }
            Rule::with_stmt => {
                let mut it = inner.into_inner().filter(|x| x.as_rule() != Rule::kw_with);
                let clauses = self.clauses(it.next().expect("clauses"))?;
                let body = self.statement(it.next().expect("body"))?;
                Stmt::With {
                    clauses,
                    body: Box::new(body),
                }
            }
            Rule::let_stmt => {
                let mut it = inner.into_inner().filter(|x| x.as_rule() != Rule::kw_let);
                let name = self.named(it.next().expect("name"));
                let set = self.set(it.next().expect("set"))?;
                Stmt::Let { name, set }
            }
            Rule::scenario_stmt => {
                let mut it = inner
                    .into_inner()
                    .filter(|x| x.as_rule() != Rule::kw_scenario);
                let name = self.string_or_word(it.next().expect("name"));
                let clauses = self.clauses(it.next().expect("clauses"))?;
                Stmt::Scenario { name, clauses }
            }
            Rule::exposure => {
                let mut sets = self.sets(inner)?.into_iter();
                Stmt::Exposure {
                    targets: sets.next().expect("targets"),
                    sources: sets.next().expect("sources"),
                }
            }
            Rule::explain => {
                let limit = self.limit(&inner)?;
                let mut sets = self.sets(inner)?.into_iter();
                Stmt::Explain {
                    targets: sets.next().expect("targets"),
                    sources: sets.next().expect("sources"),
                    limit,
                }
            }
            Rule::chokepoints => {
                let limit = self.limit(&inner)?;
                let by = self.grouping(&inner);
                let target = self.sets(inner)?.remove(0);
                Stmt::Chokepoints { target, by, limit }
            }
            Rule::concentration => {
                let by = self.grouping(&inner).unwrap_or(Grouping::Country);
                let stage = inner
                    .clone()
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::string)
                    .map(|s| self.string(s));
                let target = self.sets(inner)?.remove(0);
                Stmt::Concentration { target, by, stage }
            }
            Rule::paths => {
                let limit = self.limit(&inner)?;
                let mut sets = self.sets(inner)?.into_iter();
                Stmt::Paths {
                    from: sets.next().expect("from"),
                    to: sets.next().expect("to"),
                    limit,
                }
            }
            Rule::show => Stmt::Show(self.sets(inner)?.remove(0)),
            Rule::loss => Stmt::Loss(self.sets(inner)?.remove(0)),
            Rule::list => Stmt::List(self.sets(inner)?.remove(0)),
            r => unreachable!("statement rule {r:?}"),
        };
        Ok(Statement { stmt, span })
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
                    .expect("integer");
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
    fn string_or_word(&self, p: Pair<'_, Rule>) -> Named {
        let inner = p.into_inner().next().expect("name");
        match inner.as_rule() {
            Rule::string => self.string(inner),
            _ => self.named(inner),
        }
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
                .expect("amount"),
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
        let inner = p.into_inner().next().expect("clause");
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
                let set = self.sets(inner)?.remove(0);
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
                    from: places.next().expect("from"),
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
            Rule::use_scenario => {
                let n = inner
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::scenario_name)
                    .expect("name");
                Clause::Scenario(self.string_or_word(n))
            }
            r => unreachable!("clause rule {r:?}"),
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
        let inner = p.into_inner().next().expect("set primary");
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
                                .expect("integer");
                            depth = Some(self.integer(n)?);
                        }
                        _ => {}
                    }
                }
                let of = of.expect("of");
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
            r => unreachable!("set primary {r:?}"),
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
        let inner = p.into_inner().next().expect("condition");
        Ok(match inner.as_rule() {
            Rule::cond => self.cond(inner)?,
            Rule::has => {
                let f = inner
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::field)
                    .expect("field");
                Cond::Has(self.string_or_word(f))
            }
            Rule::comparison => {
                let mut it = inner.into_inner();
                let field = self.string_or_word(it.next().expect("field"));
                let cmp = it.next().expect("compare");
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
                let value = self.value(it.next().expect("value"))?;
                if op == Op::In && !matches!(value, Value::List(..)) {
                    return Err(self
                        .err(value.span(), "`in` takes a list in parentheses")
                        .with_label("for example: kind in (mine, facility)"));
                }
                Cond::Cmp { field, op, value }
            }
            r => unreachable!("condition {r:?}"),
        })
    }

    fn value(&self, p: Pair<'_, Rule>) -> R<Value> {
        let span = self.span(&p);
        let inner = p.into_inner().next().expect("value");
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
            r => unreachable!("value {r:?}"),
        })
    }
}

/// Parses the clauses of a `with` (a scenario's text in a model).
pub fn parse_clauses(file: &Arc<SourceText>) -> Result<Vec<Clause>, Problem> {
    let text = &file.text;
    check_nesting(file, text, 0)?;
    let pairs = QueryParser::parse(Rule::clauses_input, text)
        .map_err(|e| syntax_error(file, text, 0, e))?;
    let conv = Conv { offset: 0, file };
    let input = pairs.into_iter().next().expect("clauses_input");
    let clauses = input
        .into_inner()
        .find(|p| p.as_rule() == Rule::clauses)
        .expect("clauses");
    conv.clauses(clauses)
}

/// What the grammar allows right after `prefix` (the beginning of a statement): the tokens it
/// would accept there (keywords, `string`, `ident`, `word`, `integer`, ...). `None` when the
/// prefix itself is already wrong.
pub fn expected_after(prefix: &str) -> Option<Vec<Rule>> {
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
    if unclosed_quote(text).is_some() {
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
                kw_with,
                kw_let,
                kw_scenario,
                kw_exposure,
                kw_loss,
                kw_explain,
                kw_chokepoints,
                kw_concentration,
                kw_paths,
                kw_show,
                set_primary,
            ],
            set | set_primary | list => &[kw_upstream, kw_downstream, kw_nodes, string, ident],
            cond | cond_primary => &[kw_not, kw_has, field],
            grouping => &[kw_country, kw_region, kw_stage, kw_company],
            clauses | clause => &[kw_disrupt, kw_restrict, kw_planned, kw_scenario],
            field | comparison | has => &[word],
            value | value_list => &[word, string, amount],
            by => &[kw_by],
            limit => &[kw_limit],
            depth => &[kw_depth],
            upstream => &[kw_upstream],
            downstream => &[kw_downstream],
            nodes => &[kw_nodes],
            with_stmt => &[kw_with],
            diagram => &[kw_diagram],
            let_stmt => &[kw_let],
            scenario_stmt | use_scenario => &[kw_scenario],
            exposure => &[kw_exposure],
            loss => &[kw_loss],
            explain => &[kw_explain],
            chokepoints => &[kw_chokepoints],
            concentration => &[kw_concentration],
            paths => &[kw_paths],
            show => &[kw_show],
            disrupt => &[kw_disrupt],
            restrict => &[kw_restrict],
            planned => &[kw_planned],
            name_list => &[string],
            scenario_name => &[ident, string],
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
