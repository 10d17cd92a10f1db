//! The command line: `check`, `convert`, `query`, `run`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use std::sync::Arc;

use crate::diag::{Problems, SourceText};
use crate::load::{load_model, load_with_progress};
use crate::model::{self, Format};
use crate::output::OutputFormat;
use crate::query::script::{run_text, RunOptions};
use crate::query::Session;

#[derive(Parser, Debug)]
#[command(
    name = "supplygraph",
    version,
    about = "Supply chains as dependency graphs: exposure, chokepoints and what-if queries",
    // `supplygraph --model M query ...` would otherwise drop `--model` silently.
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// With no command: the interactive shell on a terminal; on piped input, the statements
    /// read from it, run like a script.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no command, as for `repl`.
    #[command(flatten)]
    pub shell: ShellArgs,
}

/// What the shell takes (`repl`, or no command).
#[derive(clap::Args, Debug, Default)]
pub struct ShellArgs {
    /// Model folder or file; the built-in rare-earth model when omitted.
    #[arg(long)]
    model: Option<PathBuf>,
    /// How results print at first (`:format` changes it).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// On piped input: go on with the next statement after one fails.
    #[arg(long)]
    continue_on_error: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate a model and print its summary and every problem.
    Check {
        /// Model folder or file (TOML, JSON, or a folder of CSV tables); the built-in
        /// rare-earth model when omitted.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Also print information (supply cycles) and warnings one by one.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Convert a model between the TOML, JSON, CSV and Parquet forms, or export it (GraphML,
    /// Neo4j).
    Convert {
        /// The model to read (the built-in model when omitted).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum)]
        to: Format,
        /// Output file (TOML, JSON, GraphML) or folder (CSV, Parquet, Neo4j).
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Run one query, or several separated by `;`, and print the results.
    Query {
        #[command(flatten)]
        run: RunArgs,
        /// The query text (it may start with `--`, a comment); `-` reads it from standard input.
        #[arg(allow_hyphen_values = true)]
        query: String,
    },
    /// Draw a diagram of a query's result (or of the whole model) with Graphviz.
    Diagram {
        #[arg(long)]
        model: Option<PathBuf>,
        /// The statement whose result to draw; the whole model when omitted.
        #[arg(long, short)]
        query: Option<String>,
        /// Output file: .svg, .png, .pdf, or .dot for the DOT text.
        #[arg(long, short)]
        output: PathBuf,
        /// Region level to cluster nodes by (country, province, continent, ...), or `none`.
        #[arg(long, default_value = "country")]
        cluster_by: String,
        /// Per stage, at most this many nodes; the rest are folded into one "other" node.
        #[arg(long, default_value_t = 15)]
        max_per_stage: usize,
        /// Draw at most this many nodes: the most affected, and dotted edges through the rest.
        #[arg(long)]
        limit: Option<usize>,
        /// Fold nodes into one per country and stage, or per stage: `auto` does so above 40
        /// nodes; `none` draws every node.
        #[arg(long, value_enum, default_value_t = crate::output::dot::Fold::Auto)]
        fold: crate::output::dot::Fold,
    },
    /// Write a synthetic layered supply network as CSV tables (for benchmarks).
    Generate {
        /// About how many flow nodes (1 to 50,000,000).
        #[arg(long, value_parser = nodes_in_range)]
        nodes: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The folder to write nodes.csv and edges.csv into.
        #[arg(long, short)]
        output: PathBuf,
        /// Keep the rows sorted (regions first, nodes by id, edges by consumer) instead of
        /// in a seeded random order.
        #[arg(long)]
        sorted: bool,
    },
    /// The interactive shell (on piped input: the statements read from it, like a script).
    Repl {
        #[command(flatten)]
        shell: ShellArgs,
    },
    /// Run a script of statements, one after another.
    Run {
        #[command(flatten)]
        run: RunArgs,
        /// The script file; `-` reads the script from standard input.
        script: PathBuf,
    },
    /// Print a completion script for a shell, e.g. `supplygraph completions bash >
    /// ~/.local/share/bash-completion/completions/supplygraph`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `supplygraph man > ~/.local/share/man/man1/supplygraph.1`.
    Man,
}

/// What `query` and `run` share.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Model folder or file; the built-in rare-earth model when omitted.
    #[arg(long)]
    model: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// Go on with the next statement after one fails.
    #[arg(long)]
    continue_on_error: bool,
    /// Write each result to its own file in this folder (made if missing), named by the
    /// statement's number and measure: `01-exposure.csv`, `02-chokepoints.csv`, ...
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// `--nodes`: a number of nodes `generate` accepts.
fn nodes_in_range(s: &str) -> Result<usize, String> {
    let max = crate::generate::MAX_NODES;
    let n: usize = s
        .trim()
        .replace(['_', ','], "")
        .parse()
        .map_err(|_| format!("`{s}` is not a number of nodes"))?;
    if (1..=max).contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "the number of nodes must be between 1 and {max}, not {n}"
        ))
    }
}

/// All of standard input, or the error message.
fn read_stdin() -> Result<String, String> {
    use std::io::Read;
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("error: cannot read standard input: {e}"))?;
    Ok(text)
}

/// The command line, with clap's help and errors in colour only where `NO_COLOR` allows
/// (clap also honours `CLICOLOR_FORCE`, which `NO_COLOR` overrides).
fn parse_args() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Cli::command();
    if crate::text::no_color() {
        command = command.color(clap::ColorChoice::Never);
    }
    let matches = command.get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Writes the completion script for `shell` to standard output.
fn completions(shell: clap_complete::Shell) -> i32 {
    use clap::CommandFactory;
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "supplygraph", &mut std::io::stdout());
    0
}

/// Writes the manual page to standard output.
fn man() -> i32 {
    use clap::CommandFactory;
    let page = clap_mangen::Man::new(Cli::command());
    let mut out = std::io::stdout().lock();
    match page.render(&mut out) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: cannot write the manual page: {e}");
            1
        }
    }
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = parse_args();
    let command = cli.command.unwrap_or(Command::Repl { shell: cli.shell });
    match command {
        Command::Repl { shell } => {
            use std::io::IsTerminal;
            if std::io::stdin().is_terminal() {
                return crate::repl::run(shell.model, shell.format);
            }
            let text = match read_stdin() {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("{e}");
                    return 1;
                }
            };
            crate::repl::run_piped(shell.model, shell.format, shell.continue_on_error, text)
        }
        Command::Check { model, verbose } => check(model, verbose),
        Command::Completions { shell } => completions(shell),
        Command::Man => man(),
        Command::Convert { model, to, output } => convert(model, to, output),
        Command::Generate {
            nodes,
            seed,
            output,
            sorted,
        } => match crate::generate::generate_in(
            nodes,
            seed,
            &output,
            if sorted {
                crate::generate::Order::Sorted
            } else {
                crate::generate::Order::Shuffled
            },
        ) {
            Ok(g) => {
                println!(
                    "wrote {}: {} flow nodes, {} regions, {} supply edges",
                    output.display(),
                    g.nodes,
                    g.regions,
                    g.edges
                );
                0
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", output.display());
                1
            }
        },
        Command::Diagram {
            model,
            query,
            output,
            cluster_by,
            max_per_stage,
            limit,
            fold,
        } => diagram(
            model,
            query,
            output,
            crate::output::dot::DiagramOptions {
                cluster_level: cluster_by,
                max_per_stage: max_per_stage.max(1),
                limit,
                fold,
                ..Default::default()
            },
        ),
        Command::Query { run: a, query } => {
            let (name, query) = if query == "-" {
                match read_stdin() {
                    Ok(t) => ("<stdin>", t),
                    Err(e) => {
                        eprintln!("{e}");
                        return 1;
                    }
                }
            } else {
                ("<query>", query)
            };
            let file = Arc::new(SourceText::new(name, query));
            run(a, file)
        }
        Command::Run { run: a, script } => {
            if script.as_os_str() == "-" {
                return match read_stdin() {
                    Ok(t) => run(a, Arc::new(SourceText::new("<stdin>", t))),
                    Err(e) => {
                        eprintln!("{e}");
                        1
                    }
                };
            }
            let mut p = Problems::default();
            match model::load::read_text(&script, &mut p) {
                Some(file) => run(a, file),
                None => {
                    eprint!("{p}");
                    1
                }
            }
        }
    }
}

/// Prints why a model could not be loaded.
pub fn report_model_problems(path: Option<&std::path::Path>, problems: &Problems) {
    eprint!("{problems}");
    // Only a model that was read has a list of problems `check` could show in full.
    if path.is_none_or(model::load::is_model_path) {
        eprintln!("the model has errors: run `supplygraph check` for the full list");
    }
}

/// Loads the model and runs every statement of `file`: exit code 1 if any failed or there was
/// none, 130 when stopped by Ctrl-C.
fn run(args: RunArgs, file: Arc<SourceText>) -> i32 {
    let RunArgs {
        model: path,
        format,
        continue_on_error,
        output,
    } = args;
    if parse_is_empty(&file) {
        // Before loading the model: nothing it could change.
        eprintln!("{}", crate::query::script::nothing_to_run(&file));
        return 1;
    }
    let interrupt = crate::query::script::Interrupt::install();
    let m = match load_model(path.as_deref()) {
        Ok(m) => m,
        Err(problems) => {
            report_model_problems(path.as_deref(), &problems);
            return 1;
        }
    };
    crate::phases::mark("model loaded");
    let (mut session, scenario_problems) = Session::with_cancel(&m, interrupt.token.clone());
    crate::phases::mark("session");
    interrupt.arm();
    for p in scenario_problems {
        eprint!("{p}");
    }
    let opts = RunOptions {
        format,
        continue_on_error,
        width: crate::output::terminal_width(),
        stop: Some(interrupt.stop.clone()),
        dir: output,
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let report = run_text(
        &mut session,
        &file,
        &opts,
        &mut stdout.lock(),
        &mut stderr.lock(),
    );
    // The process ends here: the operating system takes the model back at once, where freeing
    // it piece by piece would take tens of milliseconds at a million nodes.
    std::mem::forget(session);
    std::mem::forget(m);
    report.exit_code()
}

fn parse_is_empty(file: &SourceText) -> bool {
    crate::query::parse::split(&file.text).is_empty()
}

fn check(path: Option<PathBuf>, verbose: bool) -> i32 {
    let (m, problems) = load_with_progress(path.as_deref());
    let errors = problems.errors();
    let mut warnings = problems.warnings();
    for p in problems.iter() {
        if p.severity == crate::diag::Severity::Info && !verbose {
            continue;
        }
        eprintln!("{p}");
    }
    let mut errors = errors;
    if let Some(m) = &m {
        // Scenarios are written in the query language: they must parse and resolve too.
        let (_, scenario_problems) = Session::new(m);
        errors += scenario_problems.len();
        for p in scenario_problems {
            eprintln!("{p}");
        }
        // Base-year figures that break the balance (docs/semantics.md §8): warnings.
        let balance = model::balance::warnings(m);
        warnings += balance.len();
        for p in balance {
            eprintln!("{p}");
        }
        print!(
            "{}",
            crate::diag::terminal_safe_lines(&model::summary::Summary::of(m).to_string())
        );
    }
    if errors > 0 {
        eprintln!(
            "check failed: {errors} error{}, {warnings} warning{}",
            plural(errors),
            plural(warnings)
        );
        1
    } else {
        println!("ok: 0 errors, {warnings} warning{}", plural(warnings));
        0
    }
}

fn diagram(
    path: Option<PathBuf>,
    query: Option<String>,
    out: PathBuf,
    opts: crate::output::dot::DiagramOptions,
) -> i32 {
    let m = match load_model(path.as_deref()) {
        Ok(m) => m,
        Err(problems) => {
            report_model_problems(path.as_deref(), &problems);
            return 1;
        }
    };
    let (mut session, _) = Session::new(&m);
    session.drawing = true;
    let text = query.unwrap_or_else(|| "nodes".into());
    let file = Arc::new(SourceText::new("<query>", text.clone()));
    let table = match crate::query::parse::parse_one(&text)
        .and_then(|st| session.run(&file, &st))
        .and_then(|o| o.drawn(&m, &file))
    {
        Ok(crate::query::Outcome::Table(t)) => t,
        Ok(crate::query::Outcome::Message(msg)) => {
            eprintln!(
                "error: `{}` has no result to draw ({})",
                crate::diag::terminal_safe(&text),
                crate::diag::terminal_safe(&msg)
            );
            return 1;
        }
        // Drawn above, where the statement says.
        Ok(crate::query::Outcome::Diagram(_)) => {
            eprintln!(
                "error: `{}` has no result to draw",
                crate::diag::terminal_safe(&text)
            );
            return 1;
        }
        Err(p) => {
            eprint!("{p}");
            return 1;
        }
    };
    match crate::output::dot::draw_table(&m, &table, &out, &opts) {
        Ok(msg) => {
            println!("{msg}");
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn convert(path: Option<PathBuf>, to: Format, out: PathBuf) -> i32 {
    let loaded = model::load(path.as_deref());
    // A CSV folder to Parquet: its tables streamed column for column, never held as a document
    // (at any size). Any other conversion writes the whole document, which the bulk reader
    // would leave without its flow nodes and edges.
    let streamed = (loaded.format == Format::Csv && to == Format::Parquet)
        .then(|| model::load::table_folder(std::path::Path::new(&loaded.origin)));
    let loaded = if streamed.is_some() {
        loaded
    } else {
        loaded.into_full()
    };
    let doc = streamed.is_none().then(|| loaded.doc.clone());
    // Refuse to convert a broken model: the output would hide its problems.
    let (m, problems) = loaded.build();
    if m.is_none() {
        eprint!("{problems}");
        eprintln!("convert: the model has errors; nothing written");
        return 1;
    }
    drop(m);
    let written = match (doc, streamed) {
        (Some(doc), _) => model::load::write(&doc, to, &out),
        (None, Some(dir)) => model::parquet_write::csv_folder(&dir, &out)
            .map(|()| Vec::new())
            .map_err(|e| model::error::WriteError::Io {
                path: out.display().to_string(),
                reason: e.to_string(),
            }),
        (None, None) => unreachable!("the document is kept unless the tables are streamed"),
    };
    match written {
        Ok(notes) => {
            for n in notes {
                eprintln!("note: {n}");
            }
            println!("wrote {}", out.display());
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
