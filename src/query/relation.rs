//! Results as relations: a statement's table filtered (`where`), sorted (`order by`), cut
//! (`limit`) and projected (`columns`), in the order written; and the nodes a result holds
//! (its `id` column), for `let NAME = STATEMENT`.
//!
//! Columns are named as the table names them; a space and `_` are the same, and case does not
//! matter (`top_share` finds `top share`). A comparison reads its column's cells: numbers
//! (`0.9`, `90%`) against numbers, quoted text or bare words against text (case-insensitive,
//! `~` contains), `yes`/`no`/`true`/`false` against a flag. An empty cell satisfies nothing but
//! `!=` (and fails `has COLUMN`).

use std::cmp::Ordering;

use super::ast::*;
use super::error::{EvalError, ResolveError, Result};
use super::session::Session;
use crate::output::{Cell, Table};
use crate::suggest;

/// A column name as compared: lower case, spaces and dashes as `_`.
pub fn column_key(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

impl Session<'_> {
    /// The index of column `n` in `t`, or an unknown-column error listing them.
    fn column(&self, t: &Table, n: &Named) -> Result<usize> {
        let k = column_key(&n.text);
        if let Some(i) = t.columns.iter().position(|c| column_key(c) == k) {
            return Ok(i);
        }
        let label = suggest::did_you_mean(&n.text, t.columns.iter().map(String::as_str))
            .map(|s| format!("did you mean `{}`?", s.replace(' ', "_")));
        let listed: Vec<String> = t.columns.iter().map(|c| c.replace(' ', "_")).collect();
        Err(self
            .err(n.span, ResolveError::UnknownColumn(n.text.clone()))
            .with_label(label.unwrap_or_else(|| "not a column of this result".into()))
            .with_note(format!("the result's columns: {}", listed.join(", "))))
    }

    /// Applies `ops` to `t`, left to right.
    pub(super) fn refine(&self, mut t: Table, ops: &[ResultOp]) -> Result<Table> {
        for op in ops {
            match op {
                ResultOp::Where(c) => {
                    let test = self.row_test(&t, c)?;
                    t.rows.retain(|r| test.holds(r));
                }
                ResultOp::OrderBy(keys) => {
                    let keys: Vec<(usize, bool)> = keys
                        .iter()
                        .map(|k| Ok((self.column(&t, &k.column)?, k.desc)))
                        .collect::<Result<_>>()?;
                    t.rows.sort_by(|a, b| {
                        keys.iter()
                            .map(|&(i, desc)| order_cells(&a[i], &b[i], desc))
                            .find(|o| o.is_ne())
                            .unwrap_or(Ordering::Equal)
                    });
                }
                ResultOp::Limit(n) => t.rows.truncate(*n as usize),
                ResultOp::Columns(cs) => {
                    let mut idx: Vec<usize> = cs
                        .iter()
                        .map(|c| self.column(&t, c))
                        .collect::<Result<_>>()?;
                    // A column chosen twice comes once.
                    let mut seen = std::collections::HashSet::new();
                    idx.retain(|&i| seen.insert(i));
                    // A measure with an interval keeps its percentiles beside it, where they
                    // are not chosen themselves; without the measure, the interval goes.
                    if let Some(m) = t.interval {
                        let own = [m + 1, m + 2, m + 3];
                        match idx.iter().position(|&i| i == m) {
                            Some(at) if !own.iter().any(|p| idx.contains(p)) => {
                                idx.splice(at + 1..at + 1, own);
                                t.interval = Some(at);
                            }
                            _ => t.interval = None,
                        }
                    }
                    t.columns = idx.iter().map(|&i| t.columns[i].clone()).collect();
                    for r in &mut t.rows {
                        *r = idx.iter().map(|&i| r[i].clone()).collect();
                    }
                }
            }
        }
        Ok(t)
    }

    /// A condition compiled against a table's columns.
    fn row_test(&self, t: &Table, c: &Cond) -> Result<RowTest> {
        Ok(match c {
            Cond::Has(n) => RowTest::Has(self.column(t, n)?),
            Cond::Not(c) => RowTest::Not(Box::new(self.row_test(t, c)?)),
            Cond::And(a, b) => RowTest::And(
                Box::new(self.row_test(t, a)?),
                Box::new(self.row_test(t, b)?),
            ),
            Cond::Or(a, b) => RowTest::Or(
                Box::new(self.row_test(t, a)?),
                Box::new(self.row_test(t, b)?),
            ),
            Cond::Cmp { field, op, value } => {
                let i = self.column(t, field)?;
                let numeric = t
                    .rows
                    .iter()
                    .all(|r| matches!(r[i], Cell::Num(_) | Cell::Int(_) | Cell::Null))
                    && t.rows
                        .iter()
                        .any(|r| matches!(r[i], Cell::Num(_) | Cell::Int(_)));
                // A column mixing numbers and text (`show`'s values): a number compares with
                // the numbers only, never with text by its spelling.
                let mixed = !numeric
                    && t.rows
                        .iter()
                        .any(|r| matches!(r[i], Cell::Num(_) | Cell::Int(_)));
                let flag = t.rows.iter().any(|r| matches!(r[i], Cell::Bool(_)))
                    && t.rows
                        .iter()
                        .all(|r| matches!(r[i], Cell::Bool(_) | Cell::Null));
                let bad = |v: &Value, label: &str| {
                    self.err(
                        v.span(),
                        ResolveError::BadComparison {
                            field: field.text.clone(),
                            op: op.as_str(),
                        },
                    )
                    .with_label(label.to_string())
                };
                let values = match value {
                    Value::List(vs, _) => vs.iter().collect(),
                    v => vec![v],
                };
                let mut wanted = Vec::new();
                for v in values {
                    wanted.push(match v {
                        Value::Num(_) if flag => {
                            return Err(bad(v, "this column holds yes/no: compare it with yes or no"))
                        }
                        Value::Num(a) if numeric || mixed => Want::Num(a.fraction()),
                        Value::Num(a) => Want::Text(a.to_string().to_lowercase()),
                        Value::Text(n) | Value::Word(n)
                            if flag
                                && !matches!(
                                    n.text.to_lowercase().as_str(),
                                    "yes" | "no" | "true" | "false"
                                ) =>
                        {
                            return Err(bad(v, "this column holds yes/no: compare it with yes or no"))
                        }
                        Value::Text(n) | Value::Word(n) => {
                            if numeric && !t.rows.is_empty() && !matches!(op, Op::Eq | Op::Ne) {
                                return Err(self
                                    .err(
                                        v.span(),
                                        ResolveError::BadComparison {
                                            field: field.text.clone(),
                                            op: op.as_str(),
                                        },
                                    )
                                    .with_label("this column holds numbers: compare it with a number such as 0.9 or 90%"));
                            }
                            Want::Text(n.text.to_lowercase())
                        }
                        Value::List(..) => {
                            return Err(self
                                .err(
                                    v.span(),
                                    ResolveError::BadComparison {
                                        field: field.text.clone(),
                                        op: op.as_str(),
                                    },
                                )
                                .with_label("a list holds values, not lists"))
                        }
                    });
                }
                if *op != Op::In && wanted.len() != 1 {
                    return Err(self
                        .err(
                            value.span(),
                            ResolveError::BadComparison {
                                field: field.text.clone(),
                                op: op.as_str(),
                            },
                        )
                        .with_label("a list goes with `in`"));
                }
                RowTest::Cmp {
                    col: i,
                    op: *op,
                    wanted,
                }
            }
        })
    }

    /// The nodes of a result: its `id` column's values, as model ids (`let NAME = STATEMENT`).
    pub(super) fn result_nodes(&self, t: &Table, span: Span) -> Result<Vec<u32>> {
        let Some(i) = t.columns.iter().position(|c| c == "id") else {
            let listed: Vec<String> = t.columns.iter().map(|c| c.replace(' ', "_")).collect();
            return Err(self
                .err(span, EvalError::NoNodeColumn)
                .with_label("`let` takes the nodes of a result's `id` column")
                .with_note(format!("the result's columns: {}", listed.join(", "))));
        };
        let mut v: Vec<u32> = t
            .rows
            .iter()
            .filter_map(|r| match &r[i] {
                Cell::Text(id) => self.model.find(id),
                _ => None,
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        Ok(v)
    }
}

/// What a comparison compares with.
enum Want {
    Num(f64),
    Text(String),
}

/// A `where` compiled against a table.
enum RowTest {
    Has(usize),
    Not(Box<RowTest>),
    And(Box<RowTest>, Box<RowTest>),
    Or(Box<RowTest>, Box<RowTest>),
    Cmp {
        col: usize,
        op: Op,
        wanted: Vec<Want>,
    },
}

impl RowTest {
    fn holds(&self, r: &[Cell]) -> bool {
        match self {
            RowTest::Has(i) => !matches!(r[*i], Cell::Null),
            RowTest::Not(t) => !t.holds(r),
            RowTest::And(a, b) => a.holds(r) && b.holds(r),
            RowTest::Or(a, b) => a.holds(r) || b.holds(r),
            RowTest::Cmp { col, op, wanted } => {
                let cell = &r[*col];
                if matches!(cell, Cell::Null) {
                    return *op == Op::Ne;
                }
                match op {
                    Op::In => wanted
                        .iter()
                        .any(|w| compare(cell, w) == Some(Ordering::Equal)),
                    Op::Contains => wanted.iter().any(|w| match w {
                        Want::Text(s) => cell_text(cell).to_lowercase().contains(s.as_str()),
                        Want::Num(_) => false,
                    }),
                    _ => wanted.iter().any(|w| {
                        let o = compare(cell, w);
                        match op {
                            Op::Eq => o == Some(Ordering::Equal),
                            Op::Ne => o != Some(Ordering::Equal),
                            Op::Lt => o == Some(Ordering::Less),
                            Op::Le => matches!(o, Some(Ordering::Less | Ordering::Equal)),
                            Op::Gt => o == Some(Ordering::Greater),
                            Op::Ge => matches!(o, Some(Ordering::Greater | Ordering::Equal)),
                            Op::Contains | Op::In => false,
                        }
                    }),
                }
            }
        }
    }
}

/// A cell's text as compared: flags read `yes`/`no`.
fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Num(x) => crate::output::number(*x),
        Cell::Int(i) => i.to_string(),
        Cell::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Cell::List(xs) => xs.join(" -> "),
        Cell::Null => String::new(),
    }
}

/// How a cell compares with a wanted value; `None` when they cannot be compared.
fn compare(c: &Cell, w: &Want) -> Option<Ordering> {
    match (c, w) {
        (Cell::Num(x), Want::Num(y)) => x.partial_cmp(y),
        (Cell::Int(x), Want::Num(y)) => (*x as f64).partial_cmp(y),
        (Cell::Bool(b), Want::Text(s)) => {
            let want = match s.as_str() {
                "yes" | "true" => true,
                "no" | "false" => false,
                _ => return None,
            };
            Some(b.cmp(&want))
        }
        (_, Want::Text(s)) => Some(cell_text(c).to_lowercase().cmp(s)),
        _ => None,
    }
}

/// The order of two cells of a column: numbers by value, text case-insensitively, empty
/// cells last whichever the direction.
fn order_cells(a: &Cell, b: &Cell, desc: bool) -> Ordering {
    let o = match (a, b) {
        (Cell::Null, Cell::Null) => return Ordering::Equal,
        (Cell::Null, _) => return Ordering::Greater,
        (_, Cell::Null) => return Ordering::Less,
        (Cell::Num(_) | Cell::Int(_), Cell::Num(_) | Cell::Int(_)) => num(a).total_cmp(&num(b)),
        (Cell::Bool(x), Cell::Bool(y)) => x.cmp(y),
        // A mixed column: numbers first, then text (a total order, as sorting needs).
        (Cell::Num(_) | Cell::Int(_), _) => Ordering::Less,
        (_, Cell::Num(_) | Cell::Int(_)) => Ordering::Greater,
        _ => cell_text(a)
            .to_lowercase()
            .cmp(&cell_text(b).to_lowercase()),
    };
    if desc {
        o.reverse()
    } else {
        o
    }
}

fn num(c: &Cell) -> f64 {
    match c {
        Cell::Num(x) => *x,
        Cell::Int(i) => *i as f64,
        _ => f64::NAN,
    }
}
