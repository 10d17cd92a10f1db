//! The query language's abstract syntax, with spans. `Display` prints a statement in canonical
//! form (lower-case keywords, quoted names, minimal parentheses), which parses back to an equal
//! AST: spans never take part in equality.

use std::fmt;

use crate::output::number;
pub use crate::text::quote;

/// A byte range in the statement's text. All spans compare equal, so that two ASTs are equal
/// when they mean the same, wherever they were written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl PartialEq for Span {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A name as written: a quoted node or region name, a variable, a field.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub text: String,
    pub span: Span,
}

/// A number, possibly a percentage.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    pub value: f64,
    pub percent: bool,
    pub span: Span,
}

impl Amount {
    /// As a fraction: `30%` and `0.3` are both 0.3.
    pub fn fraction(&self) -> f64 {
        if self.percent {
            self.value / 100.0
        } else {
            self.value
        }
    }
}

/// A set of nodes.
#[derive(Debug, Clone, PartialEq)]
pub enum Set {
    /// A node or region by id or name.
    Name(Named),
    /// A `let` variable.
    Var(Named),
    Upstream {
        of: Box<Set>,
        depth: Option<u32>,
        span: Span,
    },
    Downstream {
        of: Box<Set>,
        depth: Option<u32>,
        span: Span,
    },
    /// `nodes` or `nodes where COND`: flow nodes.
    Nodes {
        cond: Option<Cond>,
        span: Span,
    },
    Union(Box<Set>, Box<Set>),
    Intersect(Box<Set>, Box<Set>),
    Except(Box<Set>, Box<Set>),
}

impl Set {
    pub fn span(&self) -> Span {
        match self {
            Set::Name(n) | Set::Var(n) => n.span,
            Set::Upstream { span, .. } | Set::Downstream { span, .. } | Set::Nodes { span, .. } => {
                *span
            }
            Set::Union(..) | Set::Intersect(..) | Set::Except(..) => {
                let (first, rest) = self.chain();
                let last = rest.last().map(|(_, b)| b.span()).unwrap_or_default();
                first.span().to(last)
            }
        }
    }

    /// A chain of set operations read left to right, without recursion (a long `"a", "b", …`
    /// is as deep as it is long): the leftmost operand that is not an operation, and each
    /// operation with its right operand, in order. A set that is no operation is its own
    /// first operand, with no operations.
    pub fn chain(&self) -> (&Set, Vec<(SetOp, &Set)>) {
        let mut rest = Vec::new();
        let mut s = self;
        loop {
            let (op, a, b) = match s {
                Set::Union(a, b) => (SetOp::Union, a, b),
                Set::Intersect(a, b) => (SetOp::Intersect, a, b),
                Set::Except(a, b) => (SetOp::Except, a, b),
                _ => break,
            };
            rest.push((op, &**b));
            s = a;
        }
        rest.reverse();
        (s, rest)
    }
    fn precedence(&self) -> u8 {
        match self {
            Set::Union(..) | Set::Except(..) => 1,
            Set::Intersect(..) => 2,
            _ => 3,
        }
    }
}

/// A set operation (see `Set::chain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    Union,
    Intersect,
    Except,
}

impl SetOp {
    pub fn as_str(self) -> &'static str {
        match self {
            SetOp::Union => "union",
            SetOp::Intersect => "intersect",
            SetOp::Except => "except",
        }
    }
    fn precedence(self) -> u8 {
        match self {
            SetOp::Union | SetOp::Except => 1,
            SetOp::Intersect => 2,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `~`: the text contains (case-insensitive).
    Contains,
    In,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "~",
            Op::In => "in",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Num(Amount),
    /// A quoted text.
    Text(Named),
    /// A bare word (`mine`, `planned`).
    Word(Named),
    List(Vec<Value>, Span),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Num(a) => a.span,
            Value::Text(n) | Value::Word(n) => n.span,
            Value::List(_, s) => *s,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Cmp { field: Named, op: Op, value: Value },
    Has(Named),
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

impl Cond {
    fn precedence(&self) -> u8 {
        match self {
            Cond::Or(..) => 1,
            Cond::And(..) => 2,
            _ => 3,
        }
    }
}

/// One part of a what-if.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `disrupt SET [by P%]`: the nodes lose P of their output (all of it by default).
    Disrupt { set: Set, by: Option<Amount> },
    /// `restrict exports [of M, ...] from R1 [to R2] [by P%]`.
    Restrict {
        of: Vec<Named>,
        from: Set,
        to: Option<Set>,
        by: Option<Amount>,
        span: Span,
    },
    /// `planned [capacity] [of SET]`: planned supply edges start running.
    Planned { of: Option<Set>, span: Span },
    /// `as of YEAR`: planned capacity whose start year is YEAR or earlier runs.
    AsOf { year: u32, span: Span },
    /// `scenario NAME`: a named scenario's clauses.
    Scenario(Named),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Country,
    Region,
    Stage,
    Company,
}

impl Grouping {
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Country => "country",
            Grouping::Region => "region",
            Grouping::Stage => "stage",
            Grouping::Company => "company",
        }
    }
}

/// One step applied to a statement's table (`where`, `order by`, `limit`, `columns`), in
/// the order written.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultOp {
    /// `where COND`: the rows whose columns satisfy it.
    Where(Cond),
    /// `order by COLUMN [asc|desc], ...`: a stable sort, empty cells last.
    OrderBy(Vec<SortKey>),
    /// `limit N`: the first N rows.
    Limit(u32),
    /// `columns COLUMN, ...`: these columns, in this order.
    Columns(Vec<Named>),
}

/// A column to sort by, and the direction.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub column: Named,
    pub desc: bool,
}

/// One case of a `compare`.
#[derive(Debug, Clone, PartialEq)]
pub enum Case {
    /// `scenario NAME`.
    Scenario(Named),
    /// `baseline`: no what-if beyond the one in force.
    Baseline,
}

/// What a `diagram` statement's file receives.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    /// A Graphviz drawing (`diagram`).
    Drawing,
    /// The result itself (`export`), in the format named after `as` (a word the parser has
    /// checked: graphml, neo4j, json, csv or text), else the one the file's extension says.
    Export(Option<Named>),
}

/// The formats `export ... as FORMAT` takes.
pub const EXPORT_FORMATS: [&str; 5] = ["graphml", "neo4j", "json", "csv", "text"];

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `STATEMENT where ... order by ... limit N columns ...`: the statement's table, refined.
    Refine {
        body: Box<Statement>,
        ops: Vec<ResultOp>,
    },
    /// `let NAME = STATEMENT`: the nodes of the result's `id` column.
    LetResult {
        name: Named,
        body: Box<Statement>,
    },
    /// `compare CASE, CASE, ...: STATEMENT`: the statement under each case, side by side.
    Compare {
        cases: Vec<Case>,
        body: Box<Statement>,
    },
    /// `diagram STATEMENT to "file.svg"`; a trailing `limit N` of the statement bounds what
    /// is drawn (the N most affected nodes). Also `export STATEMENT to "FILE" [as FORMAT]`,
    /// which writes the result rather than drawing it.
    Diagram {
        body: Box<Statement>,
        file: Named,
        written: Written,
    },
    With {
        clauses: Vec<Clause>,
        body: Box<Statement>,
    },
    Let {
        name: Named,
        set: Set,
    },
    Scenario {
        name: Named,
        clauses: Vec<Clause>,
    },
    Exposure {
        targets: Set,
        sources: Set,
    },
    /// `loss of SET`: each node's loss under the what-if in force.
    Loss(Set),
    Explain {
        targets: Set,
        sources: Set,
        limit: Option<u32>,
    },
    Chokepoints {
        target: Set,
        by: Option<Grouping>,
        limit: Option<u32>,
    },
    /// `concentration of TARGET [of material "M"] by GROUPING [at stage "S"]`.
    Concentration {
        target: Set,
        by: Grouping,
        stage: Option<Named>,
        /// Only the supply carrying this material or element (docs/semantics.md §10).
        material: Option<Named>,
    },
    /// `origin of "M" for TARGET [by GROUPING]`: where the target's M comes from.
    Origin {
        material: Named,
        target: Set,
        by: Option<Grouping>,
    },
    Paths {
        from: Set,
        to: Set,
        limit: Option<u32>,
    },
    /// `total ATTRIBUTE of SET [by GROUPING]`: a numeric attribute summed over the set's flow
    /// nodes; with `concentration`, `concentration of total ... by GROUPING` (then `by` is
    /// given): how concentrated the split is.
    Total {
        attribute: Named,
        set: Set,
        by: Option<Grouping>,
        concentration: bool,
    },
    /// `shortfall of SET`: per target, demand, supply with substitution and shortfall in
    /// tonnes; with `explain`, the constraints that bind.
    Shortfall {
        targets: Set,
        explain: bool,
    },
    Show(Set),
    /// `show model`: the figures of the `[model]` table.
    ShowModel,
    List(Set),
    /// `with uncertainty [N runs] [seed S]: STATEMENT` (docs/semantics.md §9).
    Uncertain {
        runs: Option<u32>,
        seed: Option<u64>,
        body: Box<Statement>,
    },
    /// `sensitivity of TARGET to SOURCES`: the uncertain figures ranked by swing.
    Sensitivity {
        target: Set,
        sources: Set,
    },
}

/// A statement and where it stands in its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub stmt: Stmt,
    pub span: Span,
}

// ---- Canonical printing ----

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}",
            number(self.value),
            if self.percent { "%" } else { "" }
        )
    }
}

/// Prints `s`, in parentheses when it binds less tightly than `min`.
/// Writes `first op1 b1 op2 b2 …` as the left-deep tree `((first op1 b1) op2 b2) …`, with
/// the parentheses a lower-precedence left side needs.
fn write_chain(f: &mut fmt::Formatter<'_>, first: &Set, rest: &[(SetOp, &Set)]) -> fmt::Result {
    // The left side of operation i is the chain up to i - 1: it needs parentheses when the
    // last operation in it binds more loosely than operation i. Those open before `first`.
    let needs: Vec<bool> = (0..rest.len())
        .map(|i| i > 0 && rest[i - 1].0.precedence() < rest[i].0.precedence())
        .collect();
    for _ in needs.iter().filter(|&&n| n) {
        f.write_str("(")?;
    }
    let p0 = rest.first().map(|r| r.0.precedence()).unwrap_or(0);
    set_in(f, first, p0)?;
    for (i, (op, b)) in rest.iter().enumerate() {
        if needs[i] {
            f.write_str(")")?;
        }
        write!(f, " {} ", op.as_str())?;
        set_in(f, b, op.precedence() + 1)?;
    }
    Ok(())
}

fn set_in(f: &mut fmt::Formatter<'_>, s: &Set, min: u8) -> fmt::Result {
    if s.precedence() < min {
        write!(f, "({s})")
    } else {
        write!(f, "{s}")
    }
}

impl fmt::Display for Set {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Set::Name(n) => f.write_str(&quote(&n.text)),
            Set::Var(n) => f.write_str(&n.text),
            Set::Upstream { of, depth, .. } | Set::Downstream { of, depth, .. } => {
                let kw = if matches!(self, Set::Upstream { .. }) {
                    "upstream"
                } else {
                    "downstream"
                };
                write!(f, "{kw} of ")?;
                set_in(
                    f,
                    of,
                    if depth.is_some()
                        && matches!(
                            **of,
                            Set::Upstream { depth: None, .. } | Set::Downstream { depth: None, .. }
                        )
                    {
                        4
                    } else {
                        3
                    },
                )?;
                if let Some(d) = depth {
                    write!(f, " depth {d}")?;
                }
                Ok(())
            }
            Set::Nodes { cond: None, .. } => f.write_str("nodes"),
            Set::Nodes { cond: Some(c), .. } => write!(f, "nodes where {c}"),
            Set::Union(..) | Set::Intersect(..) | Set::Except(..) => {
                // Left-associative: the left side may be of equal precedence, the right not.
                // The chain is written left to right without recursing along it; a left side
                // of lower precedence than the operation after it is parenthesised.
                let (first, rest) = self.chain();
                write_chain(f, first, &rest)
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Num(a) => write!(f, "{a}"),
            Value::Text(n) => f.write_str(&quote(&n.text)),
            Value::Word(n) => f.write_str(&n.text),
            Value::List(vs, _) => {
                f.write_str("(")?;
                for (i, v) in vs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str(")")
            }
        }
    }
}

fn field(f: &mut fmt::Formatter<'_>, n: &Named) -> fmt::Result {
    let plain = n
        .text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && n.text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        f.write_str(&n.text)
    } else {
        f.write_str(&quote(&n.text))
    }
}

fn cond_in(f: &mut fmt::Formatter<'_>, c: &Cond, min: u8) -> fmt::Result {
    if c.precedence() < min {
        write!(f, "({c})")
    } else {
        write!(f, "{c}")
    }
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cond::Cmp {
                field: n,
                op,
                value,
            } => {
                field(f, n)?;
                write!(f, " {} {value}", op.as_str())
            }
            Cond::Has(n) => {
                f.write_str("has ")?;
                field(f, n)
            }
            Cond::Not(c) => {
                f.write_str("not ")?;
                cond_in(f, c, 3)
            }
            Cond::And(a, b) => {
                cond_in(f, a, 2)?;
                f.write_str(" and ")?;
                cond_in(f, b, 3)
            }
            Cond::Or(a, b) => {
                cond_in(f, a, 1)?;
                f.write_str(" or ")?;
                cond_in(f, b, 2)
            }
        }
    }
}

fn primary(f: &mut fmt::Formatter<'_>, s: &Set) -> fmt::Result {
    set_in(f, s, 3)
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Clause::Disrupt { set, by } => {
                write!(f, "disrupt {set}")?;
                if let Some(b) = by {
                    write!(f, " by {b}")?;
                }
                Ok(())
            }
            Clause::Restrict {
                of, from, to, by, ..
            } => {
                f.write_str("restrict exports")?;
                if !of.is_empty() {
                    let names: Vec<String> = of.iter().map(|n| quote(&n.text)).collect();
                    write!(f, " of {}", names.join(", "))?;
                }
                f.write_str(" from ")?;
                primary(f, from)?;
                if let Some(t) = to {
                    f.write_str(" to ")?;
                    primary(f, t)?;
                }
                if let Some(b) = by {
                    write!(f, " by {b}")?;
                }
                Ok(())
            }
            Clause::Planned { of, .. } => {
                f.write_str("planned capacity")?;
                if let Some(s) = of {
                    f.write_str(" of ")?;
                    primary(f, s)?;
                }
                Ok(())
            }
            Clause::AsOf { year, .. } => write!(f, "as of {year}"),
            Clause::Scenario(n) => {
                f.write_str("scenario ")?;
                scenario_name(f, n)
            }
        }
    }
}

fn scenario_name(f: &mut fmt::Formatter<'_>, n: &Named) -> fmt::Result {
    if crate::query::parse::is_identifier(&n.text) {
        f.write_str(&n.text)
    } else {
        f.write_str(&quote(&n.text))
    }
}

fn clauses(f: &mut fmt::Formatter<'_>, cs: &[Clause]) -> fmt::Result {
    for (i, c) in cs.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{c}")?;
    }
    Ok(())
}

fn limit(f: &mut fmt::Formatter<'_>, l: &Option<u32>) -> fmt::Result {
    match l {
        Some(n) => write!(f, " limit {n}"),
        None => Ok(()),
    }
}

impl fmt::Display for ResultOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResultOp::Where(c) => write!(f, "where {c}"),
            ResultOp::OrderBy(keys) => {
                f.write_str("order by ")?;
                for (i, k) in keys.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    field(f, &k.column)?;
                    if k.desc {
                        f.write_str(" desc")?;
                    }
                }
                Ok(())
            }
            ResultOp::Limit(n) => write!(f, "limit {n}"),
            ResultOp::Columns(cs) => {
                f.write_str("columns ")?;
                for (i, c) in cs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    field(f, c)?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Case::Scenario(n) => {
                f.write_str("scenario ")?;
                scenario_name(f, n)
            }
            Case::Baseline => f.write_str("baseline"),
        }
    }
}

/// The target set of `chokepoints of`: an `except` at its top is written in parentheses
/// (without them it is an error: see `parse`).
fn chokepoint_target(f: &mut fmt::Formatter<'_>, s: &Set) -> fmt::Result {
    let (_, rest) = s.chain();
    if rest.iter().any(|(op, _)| *op == SetOp::Except) {
        write!(f, "({s})")
    } else {
        write!(f, "{s}")
    }
}

impl fmt::Display for Stmt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stmt::Refine { body, ops } => {
                let text = body.stmt.to_string();
                // A bare `nodes` at the end would take the result's `where` as its own.
                let bare = text.strip_suffix("nodes").is_some_and(|head| {
                    !head.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '"')
                });
                if bare && matches!(ops.first(), Some(ResultOp::Where(_))) {
                    write!(f, "{}(nodes)", &text[..text.len() - "nodes".len()])?;
                } else {
                    f.write_str(&text)?;
                }
                for op in ops {
                    write!(f, " {op}")?;
                }
                Ok(())
            }
            Stmt::LetResult { name, body } => write!(f, "let {} = {}", name.text, body.stmt),
            Stmt::Compare { cases, body } => {
                f.write_str("compare ")?;
                for (i, c) in cases.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{c}")?;
                }
                write!(f, ": {}", body.stmt)
            }
            Stmt::Diagram {
                body,
                file,
                written: Written::Drawing,
            } => write!(f, "diagram {} to {}", body.stmt, quote(&file.text)),
            Stmt::Diagram {
                body,
                file,
                written: Written::Export(format),
            } => {
                write!(f, "export {} to {}", body.stmt, quote(&file.text))?;
                match format {
                    Some(x) => write!(f, " as {}", x.text),
                    None => Ok(()),
                }
            }
            Stmt::With { clauses: cs, body } => {
                f.write_str("with ")?;
                clauses(f, cs)?;
                write!(f, ": {}", body.stmt)
            }
            Stmt::Let { name, set } => write!(f, "let {} = {set}", name.text),
            Stmt::Scenario { name, clauses: cs } => {
                f.write_str("scenario ")?;
                scenario_name(f, name)?;
                f.write_str(" = ")?;
                clauses(f, cs)
            }
            Stmt::Exposure { targets, sources } => {
                write!(f, "exposure of {targets} to {sources}")
            }
            Stmt::Explain {
                targets,
                sources,
                limit: l,
            } => {
                write!(f, "explain exposure of {targets} to {sources}")?;
                limit(f, l)
            }
            Stmt::Chokepoints {
                target,
                by,
                limit: l,
            } => {
                f.write_str("chokepoints of ")?;
                chokepoint_target(f, target)?;
                if let Some(g) = by {
                    write!(f, " by {}", g.as_str())?;
                }
                limit(f, l)
            }
            Stmt::Concentration {
                target,
                by,
                stage,
                material,
            } => {
                write!(f, "concentration of {target}")?;
                if let Some(mat) = material {
                    write!(f, " of material {}", quote(&mat.text))?;
                }
                write!(f, " by {}", by.as_str())?;
                if let Some(s) = stage {
                    write!(f, " at stage {}", quote(&s.text))?;
                }
                Ok(())
            }
            Stmt::Origin {
                material,
                target,
                by,
            } => {
                write!(f, "origin of {} for {target}", quote(&material.text))?;
                if let Some(g) = by {
                    write!(f, " by {}", g.as_str())?;
                }
                Ok(())
            }
            Stmt::Paths { from, to, limit: l } => {
                write!(f, "paths from {from} to {to}")?;
                limit(f, l)
            }
            Stmt::Total {
                attribute,
                set,
                by,
                concentration,
            } => {
                if *concentration {
                    f.write_str("concentration of ")?;
                }
                f.write_str("total ")?;
                field(f, attribute)?;
                write!(f, " of {set}")?;
                if let Some(g) = by {
                    write!(f, " by {}", g.as_str())?;
                }
                Ok(())
            }
            Stmt::Shortfall { targets, explain } => {
                if *explain {
                    f.write_str("explain ")?;
                }
                write!(f, "shortfall of {targets}")
            }
            Stmt::Show(s) => write!(f, "show {s}"),
            Stmt::ShowModel => f.write_str("show model"),
            Stmt::Loss(s) => write!(f, "loss of {s}"),
            Stmt::List(s) => write!(f, "{s}"),
            Stmt::Uncertain { runs, seed, body } => {
                f.write_str("with uncertainty")?;
                if let Some(n) = runs {
                    write!(f, " {n} run{}", if *n == 1 { "" } else { "s" })?;
                }
                if let Some(s) = seed {
                    write!(f, " seed {s}")?;
                }
                write!(f, ": {}", body.stmt)
            }
            Stmt::Sensitivity { target, sources } => {
                write!(f, "sensitivity of {target} to {sources}")
            }
        }
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.stmt.fmt(f)
    }
}
