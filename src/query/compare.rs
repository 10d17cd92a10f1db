//! `compare CASE, CASE, ...: STATEMENT`: the statement run under each case (a named scenario,
//! or `baseline`: the what-if in force, nothing added), its tables joined side by side.
//!
//! Rows are matched on their identifying columns (`KEYS`: `target`, `id`, `name`, `stage`,
//! `country`, ...; the first column when a table has none of them), the n-th row of a key
//! with the n-th of the same key elsewhere. Every other column comes once per case, named
//! `COLUMN_CASE` (`exposure_april_2025_controls`, `exposure_baseline`), and each numeric one
//! also as `diff_COLUMN_CASE`: the case's value minus the reference's (the baseline when it
//! is compared, else the first case), for every case but the reference. Names are machine
//! clean: lower case, `_` for anything but letters and digits. A row missing in a case has
//! empty cells there.

use std::collections::HashMap;

use super::ast::*;
use super::error::{EvalError, Result};
use super::outcome::Outcome;
use super::relation::column_key;
use super::session::Session;
use crate::output::{Cell, Table};

/// Columns that identify a row rather than measure it.
pub const KEYS: &[&str] = &[
    "target",
    "id",
    "name",
    "kind",
    "path",
    "stage",
    "country",
    "region",
    "company",
    "group",
    "field",
    "constraint",
    "node",
    "edge",
];

/// A name as a machine-clean column part: lower case letters, digits and `_`.
pub fn clean(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

impl Session<'_> {
    pub(super) fn compare(
        &mut self,
        st: &Statement,
        cases: &[Case],
        body: &Statement,
    ) -> Result<Outcome> {
        let mut tables = Vec::with_capacity(cases.len());
        let mut labels = Vec::with_capacity(cases.len());
        for case in cases {
            let (effects, label) = match case {
                Case::Baseline => (None, "baseline".to_string()),
                Case::Scenario(n) => {
                    let sc = self.scenario(n)?;
                    let label = clean(&sc.name);
                    // Two names that read alike as columns (`a-b`, `a_b`; a scenario called
                    // baseline) would give two columns of one name.
                    if labels.contains(&label) {
                        return Err(self
                            .err(n.span, EvalError::SameColumns(label))
                            .with_label("rename one of the scenarios"));
                    }
                    (Some(sc.effects.clone()), label)
                }
            };
            let saved = self.effects.clone();
            if let Some(e) = &effects {
                self.effects.extend(e);
            }
            let out = self.check_names(body).and_then(|_| self.statement(body));
            self.effects = saved;
            match out? {
                Outcome::Table(mut t) => {
                    // The baseline is a case here, not an oversight.
                    t.notes.retain(|n| !n.starts_with("no what-if is in force"));
                    tables.push(t)
                }
                _ => return Err(self.err(body.span, EvalError::NoTable)),
            }
            labels.push(label);
            if self.cancel.is_cancelled() {
                return Err(self.err(st.span, EvalError::Interrupted));
            }
        }
        let reference = cases.iter().position(|c| *c == Case::Baseline).unwrap_or(0);
        let mut t = join(self.title(&st.stmt), &tables, &labels, reference);
        // Kept with the table, so that the shell's `:diagram` can draw it later too.
        t.graph = difference(&tables, &labels, reference).map(Box::new);
        t.notes.push(format!(
            "one column per case; diff_COLUMN_CASE: the case's value minus {}'s",
            labels
                .get(reference)
                .map(String::as_str)
                .unwrap_or("the first")
        ));
        Ok(Outcome::Table(t))
    }
}

/// What a diagram of a comparison draws: the graph of the first case other than the
/// reference (the second case, or the first when the baseline is the reference), every node
/// of either case's graph, shaded by that case's measure minus the reference's on the
/// diverging scale. `None` when the cases' results are not about nodes.
pub fn difference(
    tables: &[Table],
    labels: &[String],
    reference: usize,
) -> Option<crate::output::ResultGraph> {
    let shown = (0..tables.len()).find(|&k| k != reference)?;
    let (a, b) = (
        tables[reference].graph.as_deref()?,
        tables[shown].graph.as_deref()?,
    );
    let (ma, mb) = (a.measure.as_ref()?, b.measure.as_ref()?);
    let mut nodes: Vec<u32> = a.nodes.iter().chain(&b.nodes).copied().collect();
    nodes.sort_unstable();
    nodes.dedup();
    let mut diffs = crate::output::table::NodeValues::default();
    for &v in ma.values.keys().chain(mb.values.keys()).chain(&nodes) {
        let d = mb.of(v).unwrap_or(0.0) - ma.of(v).unwrap_or(0.0);
        if d != 0.0 && d.is_finite() {
            diffs.insert(v, d);
        }
    }
    let name = format!(
        "difference in {}, {} minus {}",
        mb.name, labels[shown], labels[reference]
    );
    let mut base = b.clone();
    base.nodes = nodes;
    base.cone = a.cone || b.cone;
    let mut critical: Vec<u32> = a.critical.iter().chain(&b.critical).copied().collect();
    critical.sort_unstable();
    critical.dedup();
    base.critical = critical;
    base.scenario = None;
    Some(crate::output::dot::difference_graph(&base, &name, diffs))
}

/// The tables of the cases (same statement, so same columns), side by side.
pub fn join(title: String, tables: &[Table], labels: &[String], reference: usize) -> Table {
    let Some(first) = tables.first() else {
        return Table::new(title, &[]);
    };
    let cols = &first.columns;
    let mut keys: Vec<usize> = (0..cols.len())
        .filter(|&i| KEYS.contains(&column_key(&cols[i]).as_str()))
        .collect();
    if keys.is_empty() && !cols.is_empty() {
        keys.push(0);
    }
    let values: Vec<usize> = (0..cols.len()).filter(|i| !keys.contains(i)).collect();
    let numeric: Vec<bool> = values
        .iter()
        .map(|&i| {
            tables.iter().all(|t| {
                t.rows
                    .iter()
                    .all(|r| matches!(r.get(i), Some(Cell::Num(_) | Cell::Int(_) | Cell::Null)))
            })
        })
        .collect();
    // Rows by key (with the occurrence of the key), in order of first appearance.
    let mut order: Vec<Vec<Cell>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut found: Vec<HashMap<usize, &Vec<Cell>>> = vec![HashMap::new(); tables.len()];
    for (k, t) in tables.iter().enumerate() {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for r in &t.rows {
            let key_cells: Vec<Cell> = keys
                .iter()
                .map(|&i| r.get(i).cloned().unwrap_or(Cell::Null))
                .collect();
            let base = format!("{key_cells:?}");
            let n = seen.entry(base.clone()).or_default();
            let full = format!("{base}#{n}");
            *n += 1;
            let row = *index.entry(full).or_insert_with(|| {
                order.push(key_cells);
                order.len() - 1
            });
            found[k].insert(row, r);
        }
    }
    let mut names: Vec<String> = keys.iter().map(|&i| clean(&cols[i])).collect();
    for (j, &i) in values.iter().enumerate() {
        let c = clean(&cols[i]);
        names.extend(labels.iter().map(|l| format!("{c}_{l}")));
        if numeric[j] {
            names.extend(
                labels
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| k != reference)
                    .map(|(_, l)| format!("diff_{c}_{l}")),
            );
        }
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut out = Table::new(title, &refs);
    for (row, key_cells) in order.into_iter().enumerate() {
        let mut cells = key_cells;
        for (j, &i) in values.iter().enumerate() {
            let at = |k: usize| -> Cell {
                found[k]
                    .get(&row)
                    .and_then(|r| r.get(i))
                    .cloned()
                    .unwrap_or(Cell::Null)
            };
            cells.extend((0..tables.len()).map(at));
            if numeric[j] {
                let r = as_num(&at(reference));
                for k in (0..tables.len()).filter(|&k| k != reference) {
                    cells.push(match (as_num(&at(k)), r) {
                        // Within rounding of equal (1e-12 of the larger), no difference.
                        (Some(a), Some(b)) if (a - b).abs() <= 1e-12 * a.abs().max(b.abs()) => {
                            Cell::Num(0.0)
                        }
                        (Some(a), Some(b)) => Cell::Num(a - b),
                        _ => Cell::Null,
                    });
                }
            }
        }
        out.push(cells);
    }
    for t in tables {
        for n in &t.notes {
            if !out.notes.contains(n) {
                out.notes.push(n.clone());
            }
        }
    }
    out
}

fn as_num(c: &Cell) -> Option<f64> {
    match c {
        Cell::Num(x) => Some(*x),
        Cell::Int(i) => Some(*i as f64),
        _ => None,
    }
}
