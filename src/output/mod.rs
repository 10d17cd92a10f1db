//! Printing results: numbers, tables, JSON, CSV.

pub use crate::number::{number, rounded};

pub mod dot;
pub mod export;
pub mod progress;
pub mod table;
pub use table::{Cell, Measure, ResultGraph, Table};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Csv,
}

impl OutputFormat {
    pub fn render(self, t: &Table, width: Option<u16>) -> String {
        match self {
            OutputFormat::Table => t.to_text(width),
            OutputFormat::Json => t.to_json(),
            OutputFormat::Csv => t.to_csv(),
        }
    }
}

/// The width of the terminal on standard output, when it is one and wide enough to fold
/// tables into (a terminal that reports no width or a tiny one gets unfolded tables).
pub fn terminal_width() -> Option<u16> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size()
        .ok()
        .map(|(w, _)| w)
        .filter(|&w| w >= 40)
}
