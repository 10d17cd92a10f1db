//! A result table and its three printers: text (comfy-table), JSON (an array of objects keyed
//! by column), CSV.
//!
//! Columns are named as JSON keys are: lower case, words joined by `_` (`top_share`), never a
//! space. In text tables a fraction column (`is_fraction_column`: exposure, impact, loss, share,
//! reach, contribution, and names built on them such as `top_share`) prints as a percentage
//! (`97.3%`); JSON and CSV keep the fraction, exact.

use comfy_table::{presets, Cell as CCell, CellAlignment, ContentArrangement, Table as CTable};
use serde_json::{Map, Value as J};

use super::rounded;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A measure (exposure, impact, share): printed rounded in text, exact in JSON and CSV.
    Num(f64),
    Int(i64),
    Bool(bool),
    /// A sequence of ids (a path): an array in JSON, joined by ` -> ` in text and CSV.
    List(Vec<String>),
    Null,
}

/// The measures whose values are fractions of a whole (0 to 1 for most): a column named so, or
/// with one of these words as its first or last `_`-separated part (`top_share`,
/// `shortfall_share`), prints as a percentage in text tables.
pub const FRACTION_WORDS: &[&str] = &[
    "exposure",
    "impact",
    "loss",
    "share",
    "reach",
    "contribution",
    "swing",
];

/// Whether a column holds fractions: one of its `_`-separated words is in `FRACTION_WORDS`
/// (`top_share`, `exposure_low`, `diff_loss_us_magnets_stop`).
pub fn is_fraction_column(name: &str) -> bool {
    name.split('_').any(|w| FRACTION_WORDS.contains(&w))
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    pub fn opt(s: Option<impl Into<String>>) -> Cell {
        s.map(|x| Cell::Text(x.into())).unwrap_or(Cell::Null)
    }
    /// As text, figures rounded: `yes`/`no` for flags, a path's ids joined by ` -> `.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Num(x) => rounded(*x),
            Cell::Int(i) => i.to_string(),
            Cell::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
            Cell::List(xs) => xs.join(" -> "),
            Cell::Null => String::new(),
        }
    }
    /// As a text table shows it in a column that holds fractions (`fraction`) or not.
    fn display_in(&self, fraction: bool) -> String {
        match self {
            Cell::Num(x) if fraction => crate::number::percent(*x),
            other => other.display(),
        }
    }
    fn exact(&self) -> String {
        match self {
            Cell::Num(x) => super::number(*x),
            Cell::Bool(b) => b.to_string(),
            other => other.display(),
        }
    }
    /// For CSV: exact, and a text that a spreadsheet would run as a formula (one starting with
    /// `=`, `+`, `-`, `@`, a tab or a carriage return) behind an apostrophe, the OWASP
    /// convention; numbers are never touched.
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(_) | Cell::List(_) => {
                let s = self.display();
                if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    format!("'{s}")
                } else {
                    s
                }
            }
            other => other.exact(),
        }
    }
    fn json(&self) -> J {
        match self {
            Cell::Text(s) => J::String(s.clone()),
            Cell::Num(x) => serde_json::Number::from_f64(*x)
                .map(J::Number)
                .unwrap_or(J::Null),
            Cell::Int(i) => J::Number((*i).into()),
            Cell::Bool(b) => J::Bool(*b),
            Cell::List(xs) => J::Array(xs.iter().cloned().map(J::String).collect()),
            Cell::Null => J::Null,
        }
    }
}

/// A result: a title (the canonical query), columns, rows, and notes printed under the table;
/// and, for results about nodes, the subgraph a diagram of it draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
    pub graph: Option<Box<ResultGraph>>,
    /// A measure column followed by its `p05`, `p50` and `p95` columns (docs/semantics.md
    /// §9): a text table shows the three in one cell, `0.97 [0.91-0.99]`.
    pub interval: Option<usize>,
}

/// The part of the model a result is about: its nodes (for exposure, chokepoints and paths, the
/// upstream cone that explains the answer), a measure per node, and the critical ones.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultGraph {
    pub nodes: Vec<u32>,
    /// The drawing holds `nodes` and everything upstream of them too (found when drawn, so a
    /// result that is never drawn costs nothing).
    pub cone: bool,
    pub measure: Option<Measure>,
    pub critical: Vec<u32>,
    /// Edge shares in force (a what-if that switches planned capacity on changes them).
    pub shares: Option<std::sync::Arc<Vec<f64>>>,
    /// The what-if in force, as written.
    pub scenario: Option<String>,
    /// Under `with uncertainty`: the p05 and p95 of the measure, by node id (a diagram shades
    /// such a node from the one to the other).
    pub intervals: std::collections::HashMap<String, (f64, f64)>,
}

/// A value per node: impact, exposure or loss.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Measure {
    pub name: String,
    pub values: NodeValues,
    /// The value of nodes not in `values` (0 for losses, where only touched nodes are listed).
    pub elsewhere: Option<f64>,
}

impl ResultGraph {
    /// The edge shares in force: the what-if's, else the model's.
    pub fn shares<'a>(&'a self, m: &'a crate::model::Model) -> &'a [f64] {
        self.shares
            .as_deref()
            .map(Vec::as_slice)
            .unwrap_or(&m.net.in_share)
    }

    /// The flow nodes the result holds (in its order), or with its upstream cone where it has
    /// one (by number).
    pub fn flow_nodes(&self, m: &crate::model::Model) -> Vec<u32> {
        let mut nodes: Vec<u32> = self.nodes.clone();
        if self.cone {
            nodes.extend(
                crate::analysis::cone::upstream(&m.net, self.shares(m), &self.nodes, None)
                    .into_iter()
                    .map(|(v, _)| v),
            );
            nodes.sort_unstable();
            nodes.dedup();
        }
        nodes.retain(|&v| m.entities.kind(v).is_flow());
        nodes
    }
}

/// A measure's value per node (a map with a fast hash of the node number: a loss's cone lists
/// every node the loss reached, 10^7 at the largest).
pub type NodeValues = rustc_hash::FxHashMap<u32, f64>;

impl Measure {
    pub fn of(&self, v: u32) -> Option<f64> {
        self.values.get(&v).copied().or(self.elsewhere)
    }
}

impl Table {
    pub fn new(title: impl Into<String>, columns: &[&str]) -> Table {
        debug_assert!(
            columns.iter().all(|c| !c.contains(char::is_whitespace)),
            "a column name is a JSON key: no spaces in {columns:?}"
        );
        Table {
            title: title.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
            graph: None,
            interval: None,
        }
    }

    /// Adds the columns `p05`, `p50`, `p95` after measure column `c`, from each row's
    /// percentiles; the text table shows them as an interval beside the value.
    pub fn add_interval(&mut self, c: usize, per_row: &[[f64; 3]]) {
        for (i, name) in ["p05", "p50", "p95"].into_iter().enumerate() {
            self.columns.insert(c + 1 + i, name.to_string());
        }
        for (row, p) in self.rows.iter_mut().zip(per_row) {
            for (i, x) in p.iter().enumerate() {
                row.insert(c + 1 + i, Cell::Num(*x));
            }
        }
        self.interval = Some(c);
    }

    /// The text of cell `c` of `row`, with its interval when it has one; `None` for the
    /// interval's own columns.
    fn shown(&self, row: &[Cell], c: usize, fraction: bool) -> Option<String> {
        match self.interval {
            Some(m) if c > m && c <= m + 3 => None,
            Some(m) if c == m => {
                let num = |i: usize| match row.get(i) {
                    Some(Cell::Num(x)) => Some(*x),
                    _ => None,
                };
                let fig = |x: f64| {
                    if fraction {
                        crate::number::percent(x)
                    } else {
                        rounded(x)
                    }
                };
                Some(match (num(m), num(m + 1), num(m + 3)) {
                    (Some(v), Some(lo), Some(hi)) => {
                        format!("{} [{}-{}]", fig(v), fig(lo), fig(hi))
                    }
                    _ => row[c].display_in(fraction),
                })
            }
            _ => Some(row[c].display_in(fraction)),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// Text table; with a `width`, cells are folded to fit it (a terminal), without, the
    /// table is as wide as its content (a file, a pipe).
    pub fn to_text(&self, width: Option<u16>) -> String {
        let mut t = CTable::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED);
        match width {
            Some(w) => {
                t.set_content_arrangement(ContentArrangement::Dynamic);
                t.set_width(w);
            }
            None => {
                t.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        let hidden = |i: usize| self.interval.is_some_and(|m| i > m && i <= m + 3);
        t.set_header(
            self.columns
                .iter()
                .enumerate()
                .filter(|(i, _)| !hidden(*i))
                .map(|(i, c)| match self.interval {
                    Some(m) if i == m => CCell::new(format!("{c} [p05-p95]")),
                    _ => CCell::new(c),
                }),
        );
        let fraction: Vec<bool> = self.columns.iter().map(|c| is_fraction_column(c)).collect();
        for row in &self.rows {
            t.add_row(row.iter().enumerate().filter_map(|(i, c)| {
                let cell = CCell::new(terminal_safe(&self.shown(row, i, fraction[i])?));
                Some(match c {
                    Cell::Num(_) | Cell::Int(_) => cell.set_alignment(CellAlignment::Right),
                    _ => cell,
                })
            }));
        }
        let mut out = format!("{}\n{t}\n", terminal_safe(&self.title));
        if self.rows.is_empty() {
            out.push_str("(no rows)\n");
        }
        for n in &self.notes {
            out.push_str(&format!("note: {}\n", terminal_safe(n)));
        }
        out
    }

    /// A JSON array of objects, one per row, keyed by column.
    pub fn to_json_value(&self) -> J {
        J::Array(
            self.rows
                .iter()
                .map(|row| {
                    let mut m = Map::new();
                    for (c, v) in self.columns.iter().zip(row) {
                        m.insert(c.clone(), v.json());
                    }
                    J::Object(m)
                })
                .collect(),
        )
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_json_value()).unwrap_or_else(|_| "[]".into()) + "\n"
    }

    /// CSV with a header row; numbers exact.
    pub fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let written: csv::Result<()> = std::iter::once(w.write_record(&self.columns))
            .chain(
                self.rows
                    .iter()
                    .map(|row| w.write_record(row.iter().map(Cell::csv))),
            )
            .collect();
        // The writer writes to memory, which cannot fail; the text is UTF-8 because every
        // field is.
        match (written, w.into_inner()) {
            (Ok(()), Ok(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
            (Err(e), _) => format!("error: {e}\n"),
            (_, Err(e)) => format!("error: {}\n", e.error()),
        }
    }
}

pub use crate::diag::terminal_safe;

#[cfg(test)]
mod tests {
    use super::*;

    fn one_cell(text: &str) -> Table {
        let mut t = Table::new("t", &["name", "x"]);
        t.push(vec![Cell::text(text), Cell::Num(-0.5)]);
        t
    }

    #[test]
    fn fractions_print_as_percentages_in_text_only_and_paths_as_lists_in_json() {
        let mut t = Table::new("t", &["path", "share", "steps", "gain_per_tonne"]);
        t.push(vec![
            Cell::List(vec!["a".into(), "b".into()]),
            Cell::Num(0.973),
            Cell::Int(1),
            Cell::Num(0.25),
        ]);
        let text = t.to_text(None);
        assert!(
            text.contains("a -> b ┆ 97.3% ┆     1 ┆           0.25"),
            "{text}"
        );
        assert_eq!(
            t.to_json_value(),
            serde_json::json!([{"path": ["a", "b"], "share": 0.973, "steps": 1, "gain_per_tonne": 0.25}])
        );
        assert_eq!(
            t.to_csv(),
            "path,share,steps,gain_per_tonne\na -> b,0.973,1,0.25\n"
        );
        for (name, fraction) in [
            ("exposure", true),
            ("top_share", true),
            ("shortfall_share", true),
            ("share_of_world_production", true),
            ("shortfall", false),
            ("gain_per_tonne", false),
            ("value", false),
        ] {
            assert_eq!(is_fraction_column(name), fraction, "{name}");
        }
    }

    #[test]
    fn control_characters_never_reach_the_terminal_raw() {
        let out = one_cell("evil\u{1b}[2J\u{7}name\nnext").to_text(None);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(out.contains("evil\\u{1b}[2J\\u{7}name\\nnext"), "{out}");
    }

    #[test]
    fn csv_cells_that_spreadsheets_would_run_are_defused_and_numbers_kept() {
        for (name, want) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK"),
            ("+1", "'+1"),
            ("-x", "'-x"),
            ("@SUM(A1)", "'@SUM"),
            ("plain", "plain"),
        ] {
            let csv = one_cell(name).to_csv();
            let row = csv.lines().nth(1).unwrap();
            assert!(
                row.trim_start_matches('"').starts_with(want),
                "{name}: {row}"
            );
            assert!(row.ends_with(",-0.5"), "{name}: {row}");
        }
    }
}
