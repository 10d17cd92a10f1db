//! The interactive shell: rustyline with completion, hints, colours and multi-line input on
//! top of a query `Session`; history in the user's state folder; meta-commands.

mod help;
pub mod helper;
pub mod words;

pub use helper::ReplHelper;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::Editor;

use crate::cancel::Cancel;
use crate::diag::{terminal_safe, terminal_safe_lines, Code, SourceText};
use crate::model::{self, Model};
use crate::output::progress::Progress;
use crate::output::{OutputFormat, Table};
use crate::query::ast::Stmt;
use crate::query::error::EvalError;
use crate::query::script::{run_statement, Interrupt, Printer, RunReport, Step};
use crate::query::{parse, Outcome, Session};
use words::Words;

/// `println!` that does not panic when standard output is closed (`supplygraph < s | head`):
/// the shell ends instead (`gone`).
macro_rules! out {
    ($($t:tt)*) => {{
        if let Err(e) = writeln!(std::io::stdout(), $($t)*) {
            gone(&e);
        }
    }};
}

/// `print!` that does not panic when standard output is closed.
macro_rules! out_raw {
    ($($t:tt)*) => {{
        if let Err(e) = write!(std::io::stdout(), $($t)*) {
            gone(&e);
        }
    }};
}

/// Standard output can no longer be written: nothing the shell does can be seen, so it ends.
/// A reader that closed the pipe (`| head`) has what it wanted: exit code 0; any other failure
/// is said on standard error, exit code 1.
fn gone(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: cannot write to standard output: {e}");
    std::process::exit(1);
}

/// Meta-commands and what they do.
pub const META: &[(&str, &str)] = &[
    (
        ":help",
        "[topic]  the language reference (topics: sets, measures, what-ifs, ...)",
    ),
    (
        ":load",
        "PATH  load another model (variables and scenarios are kept and re-run)",
    ),
    (":reload", "load the current model again from its files"),
    (":model", "the model's summary"),
    (":format", "table|json|csv  how results print"),
    (
        ":save",
        "FILE [json|csv|text|graphml|neo4j]  save the last result (by the file's extension \
         unless named: .json, .csv, .graphml, else a text table; neo4j: a folder of import \
         files)",
    ),
    (
        ":diagram",
        "FILE  draw the last result (.svg, .png, .pdf or .dot)",
    ),
    (":scenarios", "the named scenarios"),
    (":let", "the variables in scope"),
    (":timing", "on|off  print how long each statement took"),
    (":quit", "leave (Ctrl-D too)"),
];

const PROMPT: &str = "supplygraph> ";

/// Where history is kept: `$XDG_STATE_HOME/supplygraph/history`, else
/// `~/.local/state/supplygraph/history`; never the current folder.
pub fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("supplygraph").join("history"))
}

struct Shell {
    format: OutputFormat,
    timing: bool,
    last: Option<Table>,
    /// `let` and `scenario` statements, re-run when another model is loaded.
    replay: Vec<String>,
    model_path: Option<PathBuf>,
    history: Option<PathBuf>,
    /// Set by Ctrl-C; every session of the shell checks it.
    cancel: Cancel,
    /// Reading piped input: confirmations of meta-commands go to standard error, so that
    /// standard output holds only results.
    piped: bool,
    /// A meta-command failed since this was last looked at (piped input stops on it, as on a
    /// failing statement).
    failed: bool,
}

impl Shell {
    /// A shell on a terminal (with its history file) or on piped input (without).
    fn new(
        format: OutputFormat,
        model_path: Option<PathBuf>,
        cancel: Cancel,
        piped: bool,
    ) -> Shell {
        Shell {
            format,
            timing: false,
            last: None,
            replay: Vec::new(),
            model_path,
            history: if piped { None } else { history_path() },
            cancel,
            piped,
            failed: false,
        }
    }

    /// A confirmation: on standard output at a terminal, on standard error when piped.
    fn say(&self, text: &str) {
        if self.piped {
            eprintln!("{text}");
        } else {
            out!("{text}");
        }
    }

    /// A meta-command failed: says why on standard error (control characters escaped, as
    /// a file name typed may hold them).
    fn fail(&mut self, why: &str) {
        eprintln!("error: {}", terminal_safe(why));
        self.failed = true;
    }
}

enum Next {
    Quit,
    Load(Option<PathBuf>),
}

/// Runs the shell on a terminal, results printing in `format` at first. Returns the exit code.
pub fn run(model_path: Option<PathBuf>, format: OutputFormat) -> i32 {
    let Some(mut model) = load(model_path.as_deref()) else {
        return 1;
    };
    let config = Config::builder()
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .history_ignore_dups(true)
        .map(|b| {
            if crate::text::no_color() {
                b.color_mode(rustyline::ColorMode::Disabled)
            } else {
                b
            }
        })
        .map(|b| b.build())
        .unwrap_or_default();
    let mut rl: Editor<ReplHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return 1;
        }
    };
    // After the editor: it installs a SIGINT handler of its own when created, which ours must
    // replace (while it reads a line, Ctrl-C arrives as a key, not as a signal).
    let cancel = Cancel::new();
    crate::cancel::install(&cancel);
    let mut shell = Shell::new(format, model_path, cancel, false);
    if let Some(h) = &shell.history {
        if let Some(dir) = h.parent() {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("note: no history kept: cannot make {}: {e}", dir.display());
            }
        }
        if h.exists() {
            if let Err(e) = rl.load_history(h) {
                eprintln!("note: cannot read the history {}: {e}", h.display());
            }
        }
    }
    let color = crate::text::colour_allowed(std::io::stdout().is_terminal());
    banner(&model);
    loop {
        let next = session_loop(&model, &mut rl, &mut shell, color);
        match next {
            Next::Quit => break,
            Next::Load(path) => {
                let path = path.or_else(|| shell.model_path.clone());
                match load(path.as_deref()) {
                    Some(m) => {
                        model = m;
                        shell.model_path = path;
                        banner(&model);
                    }
                    None => eprintln!("the model in use is unchanged"),
                }
            }
        }
    }
    save_history(&mut rl, &shell);
    0
}

/// Saves the shell's history, saying so when it cannot.
/// Piped input stopped at a failure: how many statements it leaves unrun, if any.
fn say_stopped(left: usize) {
    if left > 0 {
        eprintln!(
            "stopped: {left} statement{} not run (use --continue-on-error to go on)",
            plural(left)
        );
    }
}

/// `:save FILE [FORMAT]`: the last result as a table (text, JSON, CSV) or as a graph
/// (GraphML, Neo4j import files); the format by name, else by the file's extension.
/// `:save` and `:diagram`: `act` on the last result and the command's argument; the usage when
/// the argument is missing, a hint when no statement has given a result yet (to `verb` it).
fn with_last(
    shell: &mut Shell,
    arg: &str,
    usage: &str,
    verb: &str,
    act: impl FnOnce(&mut Shell, &crate::output::Table, &str),
) {
    if arg.is_empty() {
        return shell.fail(usage);
    }
    let Some(t) = shell.last.take() else {
        return shell.fail(&format!("no result to {verb} yet: run a statement first"));
    };
    act(shell, &t, arg);
    shell.last = Some(t);
}

fn save(shell: &mut Shell, m: &crate::model::Model, t: &crate::output::Table, arg: &str) {
    use crate::query::ast::EXPORT_FORMATS;
    let (file, named) = match path_arg(arg) {
        Ok(x) => x,
        Err(e) => return shell.fail(&e),
    };
    if let Some(f) = named.as_deref().map(str::to_lowercase) {
        if !EXPORT_FORMATS.contains(&f.as_str()) {
            return shell.fail(&format!(
                "unknown format `{f}` after the file name: use json, csv, text, graphml or \
                 neo4j (quote a file name with spaces)"
            ));
        }
    }
    let statement = terminal_safe(&t.title).to_string();
    match crate::output::export::write_result(m, t, &file, named.as_deref()) {
        Ok(msg) => shell.say(&format!("`{statement}`: {}", terminal_safe(&msg))),
        Err(e) => shell.fail(&terminal_safe(&e.to_string())),
    }
}

fn save_history(rl: &mut Editor<ReplHelper, DefaultHistory>, shell: &Shell) {
    if let Some(h) = &shell.history {
        if let Err(e) = rl.save_history(h) {
            eprintln!("note: cannot save the history to {}: {e}", h.display());
        }
    }
}

/// One piece of piped input: a statement (a byte range of the text) or a meta-command line.
enum Piece {
    Statement(std::ops::Range<usize>),
    Meta(String),
}

/// Runs piped input like a script, meta-commands included (`:format json`, `:help`, `:quit`,
/// ...: a line that starts with `:`). Stops at the first failing statement unless
/// `continue_on_error`; exit code 1 if a statement failed or there was nothing to run, 130 on
/// Ctrl-C.
pub fn run_piped(
    model_path: Option<PathBuf>,
    format: OutputFormat,
    continue_on_error: bool,
    text: String,
) -> i32 {
    // Meta-command lines are blanked (same length, so that places stay right); the text
    // between them is split into statements (a meta-command line ends a statement too); both
    // are taken in the order written.
    let mut blanked = String::with_capacity(text.len());
    let mut pieces: Vec<Piece> = Vec::new();
    let mut total = 0;
    let mut segment = 0;
    let mut at = 0;
    let mut statements = |from: usize, to: usize, pieces: &mut Vec<Piece>| {
        for r in parse::split(&text[from..to]) {
            total += 1;
            pieces.push(Piece::Statement(from + r.start..from + r.end));
        }
    };
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with(':') {
            statements(segment, at, &mut pieces);
            pieces.push(Piece::Meta(line.trim().to_string()));
            blanked.extend(line.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
            // Multi-byte characters became one space each: pad to keep byte offsets.
            let pad = line.len() - line.chars().count();
            blanked.extend(std::iter::repeat_n(' ', pad));
            segment = at + line.len();
        } else {
            blanked.push_str(line);
        }
        at += line.len();
    }
    statements(segment, at, &mut pieces);
    let file = Arc::new(SourceText::new("<stdin>", blanked));
    if pieces.is_empty() {
        eprintln!("{}", crate::query::script::nothing_to_run(&file));
        return 1;
    }
    let interrupt = Interrupt::install();
    let Some(mut model) = load(model_path.as_deref()) else {
        return 1;
    };
    let mut shell = Shell::new(format, model_path, interrupt.token.clone(), true);
    let mut printer = Printer::new(format, crate::output::terminal_width(), total > 1);
    let mut report = RunReport {
        statements: total,
        ..RunReport::default()
    };
    let mut pieces = pieces.into_iter().peekable();
    let mut index = 0;
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    'models: loop {
        let (mut session, problems) = Session::with_cancel(&model, shell.cancel.clone());
        for p in problems {
            eprint!("{p}");
        }
        for text in std::mem::take(&mut shell.replay) {
            let f = Arc::new(SourceText::new("<replay>", text.clone()));
            match parse::parse_one(&text).and_then(|st| session.run(&f, &st)) {
                Ok(_) => shell.replay.push(text),
                Err(p) => eprintln!(
                    "dropped `{}`: it does not apply to this model\n{p}",
                    terminal_safe(&text)
                ),
            }
        }
        interrupt.arm();
        let next = loop {
            let Some(piece) = pieces.next() else {
                break Next::Quit;
            };
            match piece {
                Piece::Meta(line) => {
                    if let Some(next) = meta(&line, &session, &mut shell) {
                        break next;
                    }
                    printer.format = shell.format;
                    // A failed meta-command fails the input as a failed statement does.
                    if std::mem::take(&mut shell.failed) {
                        report.failed += 1;
                        if !continue_on_error {
                            say_stopped(total - index);
                            break Next::Quit;
                        }
                    }
                }
                Piece::Statement(range) => {
                    let started = Instant::now();
                    let step = {
                        let mut out = stdout.lock();
                        let mut err = stderr.lock();
                        let step = run_statement(
                            &mut session,
                            &file,
                            range,
                            (index, total),
                            &mut printer,
                            &mut out,
                            &mut err,
                        );
                        match out.flush() {
                            Ok(()) => step,
                            Err(e) => Step::Unwritable(e),
                        }
                    };
                    index += 1;
                    if let Some(t) = printer.last.take() {
                        shell.last = Some(t);
                    }
                    if shell.timing {
                        eprintln!("({:.1} ms)", started.elapsed().as_secs_f64() * 1000.0);
                    }
                    let left = total - index;
                    match step {
                        Step::Ran(st) => {
                            if matches!(
                                st.stmt,
                                Stmt::Let { .. } | Stmt::LetResult { .. } | Stmt::Scenario { .. }
                            ) {
                                shell.replay.push(st.to_string());
                            }
                            if interrupt.stop.is_cancelled() {
                                report.interrupted = true;
                                break Next::Quit;
                            }
                        }
                        Step::Interrupted => {
                            report.interrupted = true;
                            if left > 0 {
                                eprintln!(
                                    "interrupted (Ctrl-C): {left} statement{} not run",
                                    plural(left)
                                );
                            }
                            break Next::Quit;
                        }
                        Step::Failed => {
                            report.failed += 1;
                            if interrupt.stop.is_cancelled() {
                                report.interrupted = true;
                                break Next::Quit;
                            }
                            if !continue_on_error {
                                say_stopped(left);
                                break Next::Quit;
                            }
                        }
                        Step::Unwritable(e) => {
                            crate::query::script::unwritable(&e, &mut report, &mut stderr.lock());
                            break Next::Quit;
                        }
                    }
                }
            }
        };
        match next {
            Next::Quit => break 'models,
            Next::Load(path) => {
                drop(session);
                let path = path.or_else(|| shell.model_path.clone());
                match load(path.as_deref()) {
                    Some(m) => {
                        model = m;
                        shell.model_path = path;
                    }
                    None => eprintln!("the model in use is unchanged"),
                }
            }
        }
    }
    if total == 0 {
        // Only meta-commands: nothing failed.
        return i32::from(report.interrupted) * 130;
    }
    report.exit_code()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Loads a model; `None`, with its problems printed, when it has errors.
fn load(path: Option<&Path>) -> Option<Model> {
    match crate::load::load_model(path) {
        Ok(m) => Some(m),
        Err(problems) => {
            eprint!("{problems}");
            if path.is_none_or(model::load::is_model_path) {
                eprintln!("the model has {} errors", problems.errors());
            }
            None
        }
    }
}

/// The line the shell starts with, counting as `:model` (`model::summary`) does: flow nodes
/// apart from regions, supply edges, sources (one pass over the entities, so that a large model
/// starts no slower).
fn banner(m: &Model) {
    let regions = m
        .entities
        .iter()
        .filter(|e| e.kind == model::graph::Kind::Region)
        .count();
    let flow = m.entities.len() - regions;
    out!(
        "supplygraph {}: {} ({flow} flow nodes, {regions} regions, {} supply edges, {} sources) \
         from {}",
        env!("CARGO_PKG_VERSION"),
        terminal_safe(m.doc.model.name.as_deref().unwrap_or("(unnamed model)")),
        m.supplies.len(),
        m.doc.source.len(),
        terminal_safe(&m.origin)
    );
    out!("Type :help for help, Tab to complete, Ctrl-D to leave. End statements with `;`.");
}

/// Reads and runs statements on one model until the user quits or loads another model.
fn session_loop(
    model: &Model,
    rl: &mut Editor<ReplHelper, DefaultHistory>,
    shell: &mut Shell,
    color: bool,
) -> Next {
    let (mut session, problems) = Session::with_cancel(model, shell.cancel.clone());
    for p in problems {
        eprint!("{p}");
    }
    let replay = std::mem::take(&mut shell.replay);
    for text in replay {
        let file = Arc::new(SourceText::new("<replay>", text.clone()));
        match parse::parse_one(&text).and_then(|st| session.run(&file, &st)) {
            Ok(_) => shell.replay.push(text),
            Err(p) => eprintln!(
                "dropped `{}`: it does not apply to this model\n{p}",
                terminal_safe(&text)
            ),
        }
    }
    rl.set_helper(Some(ReplHelper::new(Words::of(model, &session), color)));
    loop {
        match rl.readline(PROMPT) {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                if let Err(e) = rl.add_history_entry(line.as_str()) {
                    eprintln!("note: not kept in the history: {e}");
                }
                save_history(rl, shell);
                let trimmed = line.trim();
                if trimmed.starts_with(':') {
                    if let Some(next) = meta(trimmed, &session, shell) {
                        return next;
                    }
                    // At the terminal a failed meta-command has said why; the shell goes on.
                    shell.failed = false;
                    continue;
                }
                run_statements(&mut session, shell, &line);
                if let Some(h) = rl.helper_mut() {
                    h.words.update_session(&session);
                }
            }
            Err(ReadlineError::Interrupted) => {
                out!("^C");
                continue;
            }
            Err(ReadlineError::Eof) => return Next::Quit,
            Err(e) => {
                eprintln!("error: {e}");
                return Next::Quit;
            }
        }
    }
}

fn run_statements(session: &mut Session<'_>, shell: &mut Shell, text: &str) {
    let file = Arc::new(SourceText::new("<input>", text.to_string()));
    for range in parse::split(text) {
        let started = Instant::now();
        let result = parse::parse_statement(&file, range.clone()).and_then(|st| {
            let remember = matches!(
                st.stmt,
                Stmt::Let { .. } | Stmt::LetResult { .. } | Stmt::Scenario { .. }
            );
            let _progress = Progress::start(format!("running `{}`", st.stmt));
            let out = session.run(&file, &st)?.drawn(session.model, &file)?;
            if remember {
                shell.replay.push(st.to_string());
            }
            Ok(out)
        });
        let mut out = std::io::stdout().lock();
        match result {
            Ok(Outcome::Table(t)) => {
                let width = crate::output::terminal_width();
                match shown(&t) {
                    None => out_raw!("{}", shell.format.render(&t, width)),
                    Some((head, note)) => {
                        out_raw!("{}", shell.format.render(&head, width));
                        if shell.format != OutputFormat::Table {
                            if let Err(e) = out.flush() {
                                gone(&e);
                            }
                            eprintln!("note: {note}");
                        }
                    }
                }
                shell.last = Some(t);
            }
            Ok(Outcome::Message(m)) => out!("{}", terminal_safe(&m)),
            Ok(Outcome::Diagram(_)) => {} // drawn above
            Err(p) => {
                if let Err(e) = out.flush() {
                    gone(&e);
                }
                if p.code == Some(EvalError::Interrupted.code()) {
                    eprintln!(); // after the terminal's ^C
                }
                eprint!("{p}");
            }
        }
        if shell.timing {
            out!("({:.1} ms)", started.elapsed().as_secs_f64() * 1000.0);
        }
    }
}

/// A result longer than this prints only its first `HEAD_ROWS` rows in the shell, with a note:
/// a terminal cannot show a million rows, and drawing them would take gigabytes.
pub const MAX_SHOWN_ROWS: usize = 10_000;
/// How many rows a long result shows.
pub const HEAD_ROWS: usize = 100;

/// For a result too long to print whole: its first rows (with the note in the table) and the
/// note.
fn shown(t: &Table) -> Option<(Table, String)> {
    if t.rows.len() <= MAX_SHOWN_ROWS {
        return None;
    }
    let note = format!(
        "showing the first {HEAD_ROWS} of {} rows: `:save FILE` writes them all \
         (.csv, .json, else a text table), or run the statement with \
         `supplygraph query --format csv ... > FILE`",
        crate::output::number(t.rows.len() as f64)
    );
    let mut head = Table::new(t.title.clone(), &[]);
    head.columns = t.columns.clone();
    head.rows = t.rows[..HEAD_ROWS].to_vec();
    head.notes = t.notes.clone();
    head.notes.push(note.clone());
    Some((head, note))
}

/// Runs a meta-command; `Some` when the session must end (quit, or another model).
fn meta(line: &str, session: &Session<'_>, shell: &mut Shell) -> Option<Next> {
    let (cmd, arg) = match line.split_once(char::is_whitespace) {
        Some((c, a)) => (c, a.trim()),
        None => (line, ""),
    };
    match cmd {
        ":quit" | ":q" | ":exit" => return Some(Next::Quit),
        ":help" | ":h" | ":?" => {
            let width = crate::output::terminal_width().map_or(100, usize::from);
            let text = help::help(Some(arg).filter(|a| !a.is_empty()), width);
            if let Err(e) = help::page(&text) {
                gone(&e);
            }
        }
        ":load" if arg.is_empty() => shell.fail("usage: :load PATH"),
        ":load" => match path_arg(arg) {
            Ok((path, None)) => return Some(Next::Load(Some(path))),
            Ok((_, Some(extra))) => shell.fail(&format!(
                "`:load` takes one path, not `{extra}` after it (quote a path with spaces)"
            )),
            Err(e) => shell.fail(&e),
        },
        ":reload" => return Some(Next::Load(None)),
        ":model" => {
            let summary = model::summary::Summary::of(session.model).to_string();
            if let Err(e) = help::page(&terminal_safe_lines(&summary)) {
                gone(&e);
            }
        }
        ":format" => {
            match arg {
                "table" => shell.format = OutputFormat::Table,
                "json" => shell.format = OutputFormat::Json,
                "csv" => shell.format = OutputFormat::Csv,
                "" => {}
                other => shell.fail(&format!(
                    "unknown format `{}`: use table, json or csv",
                    terminal_safe(other)
                )),
            }
            let now = match shell.format {
                OutputFormat::Table => "table",
                OutputFormat::Json => "json",
                OutputFormat::Csv => "csv",
            };
            shell.say(&format!("results print as {now}"));
        }
        ":timing" => match arg {
            "on" => shell.timing = true,
            "off" => shell.timing = false,
            _ => shell.say(if shell.timing {
                "timing is on"
            } else {
                "timing is off"
            }),
        },
        ":save" => with_last(
            shell,
            arg,
            "usage: :save FILE [json|csv|text|graphml|neo4j]",
            "save",
            |shell, t, arg| save(shell, session.model, t, arg),
        ),
        ":diagram" => with_last(
            shell,
            arg,
            "usage: :diagram FILE (.svg, .png, .pdf or .dot)",
            "draw",
            |shell, t, arg| match path_arg(arg) {
                Ok((file, None)) => {
                    match crate::output::dot::draw_table(
                        session.model,
                        t,
                        &file,
                        &Default::default(),
                    ) {
                        Ok(msg) => shell.say(&terminal_safe(&msg)),
                        Err(e) => shell.fail(&e.to_string()),
                    }
                }
                Ok((_, Some(extra))) => shell.fail(&format!(
                    "`:diagram` takes one file, not `{extra}` after it \
                     (quote a file name with spaces)"
                )),
                Err(e) => shell.fail(&e),
            },
        ),
        ":scenarios" => {
            if session.scenarios.is_empty() {
                out!("no scenarios; define one with `scenario NAME = ...;`");
            }
            for s in session.scenarios.values() {
                out!("{}: {}", terminal_safe(&s.name), terminal_safe(&s.text));
            }
        }
        ":let" => {
            let vars = session.variables();
            if vars.is_empty() {
                out!("no variables; define one with `let NAME = ...;`");
            }
            for (n, size) in vars {
                let n = terminal_safe(&n);
                out!("{n}: {size} node{}", if size == 1 { "" } else { "s" });
            }
        }
        other => {
            let known: Vec<&str> = META.iter().map(|(m, _)| *m).collect();
            let hint = crate::suggest::did_you_mean(other, known)
                .map(|s| format!(" Did you mean `{s}`?"))
                .unwrap_or_default();
            shell.fail(&format!(
                "unknown command `{}`.{hint} Type :help.",
                terminal_safe(other)
            ));
        }
    }
    None
}

/// A meta-command's path argument: a path (`"..."` or `'...'` when it holds spaces; a
/// leading `~/` is the home folder), and the word after it, if any.
fn path_arg(arg: &str) -> Result<(PathBuf, Option<String>), String> {
    let arg = arg.trim();
    let (path, rest) = match arg.chars().next() {
        Some(q @ ('"' | '\'')) => match arg[1..].find(q) {
            Some(end) => (&arg[1..=end], arg[end + 2..].trim()),
            None => return Err(format!("unclosed {q} in `{}`", terminal_safe(arg))),
        },
        _ => match arg.split_once(char::is_whitespace) {
            Some((p, rest)) => (p, rest.trim()),
            None => (arg, ""),
        },
    };
    if path.is_empty() {
        return Err("an empty file name".into());
    }
    let path = match path.strip_prefix("~/") {
        Some(rest) => match std::env::var_os("HOME") {
            Some(home) => PathBuf::from(home).join(rest),
            None => PathBuf::from(path),
        },
        None => PathBuf::from(path),
    };
    let rest = (!rest.is_empty()).then(|| terminal_safe(rest).to_string());
    Ok((path, rest))
}
