//! Running statements one after another: a script file, the statements of `query`, piped input.
//! A failing statement is reported with its place; the run stops there unless told to go on.

use std::io::Write;
use std::sync::Arc;

use super::outcome::Outcome;
use super::parse;
use super::session::Session;
use crate::diag::SourceText;
use crate::output::progress::Progress;
use crate::output::OutputFormat;

pub struct RunOptions {
    pub format: OutputFormat,
    pub continue_on_error: bool,
    /// Terminal width for text tables.
    pub width: Option<u16>,
}

/// Runs every statement of `file`. Results go to `out`, problems to `err`. Returns how many
/// statements failed.
pub fn run_text(
    session: &mut Session<'_>,
    file: &Arc<SourceText>,
    opts: &RunOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> usize {
    let mut failed = 0;
    let ranges = parse::split(&file.text);
    let total = ranges.len();
    for (i, r) in ranges.into_iter().enumerate() {
        let result = parse::parse_statement(file, r).and_then(|st| {
            let _progress = Progress::start(format!("running `{}`", st.stmt));
            session.run(file, &st)
        });
        let result = result.and_then(|o| o.drawn(session.model, file));
        match result {
            Ok(Outcome::Table(t)) => {
                let _ = write!(out, "{}", opts.format.render(&t, opts.width));
                if opts.format == OutputFormat::Table && i + 1 < total {
                    let _ = writeln!(out);
                }
            }
            Ok(Outcome::Message(m)) => {
                if opts.format == OutputFormat::Table {
                    let _ = writeln!(out, "{m}");
                } else {
                    let _ = writeln!(err, "{m}");
                }
            }
            Ok(Outcome::Diagram(_)) => {} // drawn above
            Err(p) => {
                failed += 1;
                let _ = write!(
                    err,
                    "{}",
                    p.with_note(format!("in statement {} of {total}", i + 1))
                );
                if !opts.continue_on_error {
                    if i + 1 < total {
                        let _ = writeln!(
                            err,
                            "stopped: {} statement{} not run (use --continue-on-error to go on)",
                            total - i - 1,
                            if total - i - 1 == 1 { "" } else { "s" }
                        );
                    }
                    break;
                }
            }
        }
    }
    failed
}
