//! Running statements one after another: a script file, the statements of `query`, piped input.
//! A failing statement is reported with its place; the run stops there unless told to go on.
//!
//! How results print (`Printer`): one statement prints as before, whatever the format (a text
//! table, a JSON array of row objects, a CSV table). Several statements print
//!
//! - as text tables one after another, a blank line between them;
//! - in JSON as **JSON Lines**: one JSON value per statement on its own line,
//!   `{"statement": "...", "columns": [...], "rows": [...]}` (with `"notes": [...]` when the
//!   result has notes; `columns` names the row keys in order, also when there are no rows),
//!   `{"statement": "...", "message": "..."}` for a statement that answers with a message (`let`,
//!   `scenario`, `diagram`), and `{"statement": "...", "error": {"code": "E0101", "message":
//!   "...", "line": 3, "column": 16}}` for one that failed (`code`, `line`, `column` may be
//!   `null`); the error is also reported on standard error, as always;
//! - in CSV in a **long format** with one header for all: `statement,row,column,value`, a line
//!   per cell (`row` counts from 1); a message is one line with an empty `row` and the column
//!   `message`, a note the column `note`, a result without rows one line with empty `row`,
//!   `column` and `value`. Errors go to standard error only.
//!
//! With an output folder (`query -o DIR`, `run -o DIR`), each result is written to its own file
//! in the single-statement shape, named by the statement's number and measure
//! (`01-exposure.csv`, `02-chokepoints.csv`; `.json`, `.csv` or `.txt` by the format); messages
//! and the files written are said on standard error.

use std::io::{self, Write};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{json, Value as J};

use super::ast::{Statement, Stmt};
use super::error::EvalError;
use super::outcome::Outcome;
use super::parse;
use super::session::Session;
use crate::cancel::Cancel;
use crate::diag::{Code, Problem, SourceText};
use crate::output::progress::Progress;
use crate::output::{Cell, OutputFormat, Table};

pub struct RunOptions {
    pub format: OutputFormat,
    pub continue_on_error: bool,
    /// Terminal width for text tables.
    pub width: Option<u16>,
    /// Set by Ctrl-C: the run stops before the next statement (the statement under way stops
    /// through the session's own token).
    pub stop: Option<Cancel>,
    /// Write each result to its own file in this folder (`-o DIR`) instead of standard output.
    pub dir: Option<PathBuf>,
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RunReport {
    /// How many statements the text holds (0: it is empty or holds only comments).
    pub statements: usize,
    pub failed: usize,
    /// Stopped by Ctrl-C.
    pub interrupted: bool,
}

impl RunReport {
    /// The exit code: 130 when interrupted (128 + SIGINT, the shells' convention), 1 when a
    /// statement failed or there was none to run, else 0.
    pub fn exit_code(&self) -> i32 {
        if self.interrupted {
            130
        } else if self.failed > 0 || self.statements == 0 {
            1
        } else {
            0
        }
    }
}

/// Prints the outcomes of statements in a format; see the module's documentation for the shapes.
pub struct Printer {
    pub format: OutputFormat,
    pub width: Option<u16>,
    /// Several statements: JSON Lines and long CSV instead of a plain array or table.
    pub several: bool,
    /// Each result to its own file in this folder (see the module's documentation).
    pub dir: Option<PathBuf>,
    /// The last table printed (moved here, not copied), for the shell's `:save` and `:diagram`
    /// on piped input.
    pub last: Option<Table>,
    csv_header: bool,
}

impl Printer {
    pub fn new(format: OutputFormat, width: Option<u16>, several: bool) -> Printer {
        Printer {
            format,
            width,
            several,
            dir: None,
            last: None,
            csv_header: false,
        }
    }

    /// Writes a result to its own file in `dir`, named by the statement's number (from 1, as
    /// many digits as the count needs, at least two) and measure; says so on `err`.
    fn to_file(
        &self,
        dir: &std::path::Path,
        (index, total): (usize, usize),
        stmt: &Stmt,
        t: &Table,
        err: &mut dyn Write,
    ) -> io::Result<()> {
        let ext = match self.format {
            OutputFormat::Table => "txt",
            OutputFormat::Json => "json",
            OutputFormat::Csv => "csv",
        };
        let digits = total.to_string().len().max(2);
        let name = format!("{:0digits$}-{}.{ext}", index + 1, measure(stmt));
        let path = dir.join(name);
        let placed = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
        std::fs::create_dir_all(dir).map_err(placed)?;
        std::fs::write(&path, self.format.render(t, None)).map_err(placed)?;
        let rows = t.rows.len();
        report(
            err,
            format_args!(
                "wrote {} ({rows} row{})\n",
                crate::diag::terminal_safe(&path.display().to_string()),
                plural(rows)
            ),
        );
        Ok(())
    }

    fn csv_line(&mut self, out: &mut dyn Write, fields: [&str; 4]) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(Vec::new());
        if !self.csv_header {
            w.write_record(["statement", "row", "column", "value"])?;
            self.csv_header = true;
        }
        w.write_record(fields)?;
        out.write_all(&w.into_inner().map_err(|e| e.into_error())?)
    }

    /// A result table. `last`: no statement follows (no blank line after a text table).
    pub fn table(
        &mut self,
        statement: &str,
        t: &Table,
        last: bool,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match (self.format, self.several) {
            (OutputFormat::Table, _) | (_, false) => {
                write!(out, "{}", self.format.render(t, self.width))?;
                if self.format == OutputFormat::Table && self.several && !last {
                    writeln!(out)?;
                }
            }
            (OutputFormat::Json, true) => {
                let mut rec = json!({
                    "statement": statement,
                    "columns": t.columns,
                    "rows": t.to_json_value(),
                });
                if !t.notes.is_empty() {
                    rec["notes"] = json!(t.notes);
                }
                writeln!(out, "{rec}")?;
            }
            (OutputFormat::Csv, true) => {
                if t.rows.is_empty() {
                    self.csv_line(out, [statement, "", "", ""])?;
                }
                for (i, row) in t.rows.iter().enumerate() {
                    let n = (i + 1).to_string();
                    for (c, v) in t.columns.iter().zip(row) {
                        self.csv_line(out, [statement, &n, c, &v.csv()])?;
                    }
                }
                for note in &t.notes {
                    self.csv_line(out, [statement, "", "note", &Cell::text(note).csv()])?;
                }
            }
        }
        Ok(())
    }

    /// A message (`let x = 3 nodes`, a diagram written): on standard output with text tables
    /// and in JSON Lines or long CSV; on standard error beside one JSON or CSV result, which
    /// stays a plain array or table.
    pub fn message(
        &mut self,
        statement: &str,
        m: &str,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<()> {
        match (self.format, self.several) {
            _ if self.dir.is_some() => {
                report(err, format_args!("{}\n", crate::diag::terminal_safe(m)));
                Ok(())
            }
            (OutputFormat::Table, _) => writeln!(out, "{}", crate::diag::terminal_safe(m)),
            (_, false) => {
                report(err, format_args!("{}\n", crate::diag::terminal_safe(m)));
                Ok(())
            }
            (OutputFormat::Json, true) => {
                writeln!(out, "{}", json!({"statement": statement, "message": m}))
            }
            (OutputFormat::Csv, true) => {
                self.csv_line(out, [statement, "", "message", &Cell::text(m).csv()])
            }
        }
    }

    /// A failed statement: reported on `err`; in JSON Lines, a record on `out` too.
    /// `statement` is its canonical text, or the text as written when it did not parse.
    pub fn error(
        &mut self,
        statement: &str,
        p: &Problem,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<()> {
        out.flush()?;
        report(err, format_args!("{p}"));
        if self.format == OutputFormat::Json && self.several && self.dir.is_none() {
            let (line, column) = match p.loc.line_col() {
                Some((l, c)) => (J::from(l), J::from(c)),
                None => (J::Null, J::Null),
            };
            let code = p.code.map_or(J::Null, |c| J::String(c.to_string()));
            let rec = json!({"statement": statement, "error": {
                "code": code, "message": p.message, "line": line, "column": column,
            }});
            writeln!(out, "{rec}")?;
        }
        Ok(())
    }
}

/// Writes a report (a problem, a notice) to standard error. Nothing is left to tell when that
/// write itself fails, so its failure is ignored, here and only here.
fn report(err: &mut dyn Write, what: std::fmt::Arguments<'_>) {
    if err.write_fmt(what).is_err() {
        // Standard error is gone: there is nowhere to report anything.
    }
}

/// What one statement did.
pub enum Step {
    /// It ran; the statement, for a caller that keeps `let`s and scenarios.
    Ran(Box<Statement>),
    Failed,
    Interrupted,
    /// Its result could not be written (standard output closed, disk full, ...).
    Unwritable(io::Error),
}

/// Parses, runs and prints the statement at `range` of `file`, statement `index` (from 0) of
/// `total`.
#[allow(clippy::too_many_arguments)]
pub fn run_statement(
    session: &mut Session<'_>,
    file: &Arc<SourceText>,
    range: Range<usize>,
    (index, total): (usize, usize),
    printer: &mut Printer,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Step {
    let last = index + 1 >= total;
    let note = |p: Problem| {
        if total > 1 {
            p.with_note(format!("in statement {} of {total}", index + 1))
        } else {
            p
        }
    };
    let written = file.text[range.clone()].trim().to_string();
    let st = match parse::parse_statement(file, range) {
        Ok(st) => st,
        Err(p) => {
            let p = note(p);
            return match printer.error(&written, &p, out, err) {
                Ok(()) => Step::Failed,
                Err(e) => Step::Unwritable(e),
            };
        }
    };
    let canonical = st.stmt.to_string();
    let result = {
        let _progress = Progress::start(format!("running `{canonical}`"));
        session.run(file, &st)
    };
    crate::phases::mark("statement evaluated");
    let written = match result.and_then(|o| o.drawn(session.model, file)) {
        Ok(Outcome::Table(t)) => {
            let written = match printer.dir.clone() {
                Some(dir) => printer.to_file(&dir, (index, total), &st.stmt, &t, err),
                None => printer.table(&canonical, &t, last, out),
            };
            printer.last = Some(t);
            written
        }
        Ok(Outcome::Message(m)) => printer.message(&canonical, &m, out, err),
        Ok(Outcome::Diagram(_)) => Ok(()), // drawn above
        Err(p) => {
            let interrupted = p.code == Some(EvalError::Interrupted.code());
            let p = note(p);
            return match printer.error(&canonical, &p, out, err) {
                Err(e) => Step::Unwritable(e),
                Ok(()) if interrupted => Step::Interrupted,
                Ok(()) => Step::Failed,
            };
        }
    };
    crate::phases::mark("result written");
    match written {
        Ok(()) => Step::Ran(Box::new(st)),
        Err(e) => Step::Unwritable(e),
    }
}

/// The message for a text with nothing to run.
pub fn nothing_to_run(file: &SourceText) -> String {
    if file.name == "<query>" {
        "error: the query is empty (or holds only comments): nothing to run".to_string()
    } else {
        format!(
            "error: {} holds no statement (it is empty or holds only comments): nothing to run",
            file.name
        )
    }
}

/// Runs every statement of `file`. Results go to `out`, problems to `err`.
pub fn run_text(
    session: &mut Session<'_>,
    file: &Arc<SourceText>,
    opts: &RunOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> RunReport {
    let ranges = parse::split(&file.text);
    let total = ranges.len();
    let mut report = RunReport {
        statements: total,
        ..RunReport::default()
    };
    if total == 0 {
        self::report(err, format_args!("{}\n", nothing_to_run(file)));
        return report;
    }
    let mut printer = Printer::new(opts.format, opts.width, total > 1);
    printer.dir = opts.dir.clone();
    for (i, r) in ranges.into_iter().enumerate() {
        let last = i + 1 == total;
        let step = run_statement(session, file, r, (i, total), &mut printer, out, err);
        let stopped = opts.stop.as_ref().is_some_and(Cancel::is_cancelled);
        match step {
            Step::Ran(_) if !stopped => continue,
            Step::Ran(_) | Step::Interrupted => {
                report.interrupted = true;
                if !last {
                    self::report(
                        err,
                        format_args!(
                            "interrupted (Ctrl-C): {} statement{} not run\n",
                            total - i - 1,
                            plural(total - i - 1)
                        ),
                    );
                }
                break;
            }
            Step::Unwritable(e) => {
                unwritable(&e, &mut report, err);
                return report;
            }
            Step::Failed => {
                report.failed += 1;
                if stopped {
                    report.interrupted = true;
                    break;
                }
                if !opts.continue_on_error {
                    if !last {
                        self::report(
                            err,
                            format_args!(
                                "stopped: {} statement{} not run (use --continue-on-error to go \
                                 on)\n",
                                total - i - 1,
                                plural(total - i - 1)
                            ),
                        );
                    }
                    break;
                }
            }
        }
    }
    if let Err(e) = out.flush() {
        unwritable(&e, &mut report, err);
    }
    report
}

/// The results could not be written: the run stops. A reader that closed the pipe (`| head`)
/// has all it wants, so that ends the run quietly, as `head` expects; any other failure (a full
/// disk) is reported and fails the run.
pub fn unwritable(e: &io::Error, report: &mut RunReport, err: &mut dyn Write) {
    if e.kind() != io::ErrorKind::BrokenPipe {
        self::report(err, format_args!("error: cannot write the results: {e}\n"));
        report.failed += 1;
    }
}

/// The measure a statement computes, for a file name: `exposure`, `chokepoints`,
/// `explain_shortfall`, ...; `result` for a statement this does not know.
pub fn measure(stmt: &Stmt) -> &'static str {
    match stmt {
        Stmt::With { body, .. }
        | Stmt::Diagram { body, .. }
        | Stmt::Refine { body, .. }
        | Stmt::Uncertain { body, .. } => measure(&body.stmt),
        Stmt::Compare { .. } => "compare",
        Stmt::Sensitivity { .. } => "sensitivity",
        Stmt::LetResult { .. } => "let",
        Stmt::Let { .. } => "let",
        Stmt::Scenario { .. } => "scenario",
        Stmt::Exposure { .. } => "exposure",
        Stmt::Loss(..) => "loss",
        Stmt::Explain { .. } => "explain",
        Stmt::Chokepoints { .. } => "chokepoints",
        Stmt::Concentration { .. } => "concentration",
        Stmt::Paths { .. } => "paths",
        Stmt::Origin { .. } => "origin",
        Stmt::Total {
            concentration: true,
            ..
        } => "concentration_of_total",
        Stmt::Total { .. } => "total",
        Stmt::Shortfall { explain: true, .. } => "explain_shortfall",
        Stmt::Shortfall { .. } => "shortfall",
        Stmt::Show(..) => "show",
        Stmt::ShowModel => "show_model",
        Stmt::List(..) => "list",
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Ctrl-C outside the terminal shell (`query`, `run`, piped input): while statements run
/// (`armed`), it stops the statement under way and the run, which ends with exit code 130;
/// before (reading the model), it ends the process at once with that code.
#[derive(Clone, Default)]
pub struct Interrupt {
    /// The sessions' token: stops the statement under way.
    pub token: Cancel,
    /// Stops the run before the next statement.
    pub stop: Cancel,
    armed: Arc<std::sync::atomic::AtomicBool>,
}

impl Interrupt {
    /// Installs the handler (once in a process).
    pub fn install() -> Interrupt {
        let i = Interrupt::default();
        let h = i.clone();
        let installed = ctrlc::set_handler(move || {
            if h.armed.load(std::sync::atomic::Ordering::SeqCst) {
                h.token.cancel();
                h.stop.cancel();
            } else {
                eprintln!("\ninterrupted (Ctrl-C)");
                std::process::exit(130);
            }
        });
        if let Err(e) = installed {
            eprintln!("warning: Ctrl-C cannot stop statements here: {e}");
        }
        i
    }

    /// From now on Ctrl-C stops statements rather than the process.
    pub fn arm(&self) {
        self.armed.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}
