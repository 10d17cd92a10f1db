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
    about = "Supply chains as dependency graphs: exposure, chokepoints and what-if queries"
)]
pub struct Cli {
    /// With no command: the interactive shell on a terminal; on piped input, the statements
    /// read from it, run like a script.
    #[command(subcommand)]
    pub command: Option<Command>,
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
    /// Convert a model between the TOML, JSON and CSV forms.
    Convert {
        /// The model to read (the built-in model when omitted).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum)]
        to: Format,
        /// Output file (TOML, JSON) or folder (CSV).
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Run one query, or several separated by `;`, and print the results.
    Query {
        #[command(flatten)]
        run: RunArgs,
        /// The query text.
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
    },
    /// Write a synthetic layered supply network as CSV tables (for benchmarks).
    Generate {
        /// About how many flow nodes.
        #[arg(long)]
        nodes: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The folder to write nodes.csv and edges.csv into.
        #[arg(long, short)]
        output: PathBuf,
    },
    /// The interactive shell (on piped input: the statements read from it, like a script).
    Repl {
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Run a script of statements, one after another.
    Run {
        #[command(flatten)]
        run: RunArgs,
        /// The script file.
        script: PathBuf,
    },
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
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Repl { model: None });
    match command {
        Command::Repl { model } => {
            use std::io::{IsTerminal, Read};
            if std::io::stdin().is_terminal() {
                return crate::repl::run(model);
            }
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("error: cannot read standard input: {e}");
                return 1;
            }
            let file = Arc::new(SourceText::new("<stdin>", text));
            run(model, OutputFormat::Table, false, file)
        }
        Command::Check { model, verbose } => check(model, verbose),
        Command::Convert { model, to, output } => convert(model, to, output),
        Command::Generate {
            nodes,
            seed,
            output,
        } => match crate::generate::generate(nodes, seed, &output) {
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
        } => diagram(model, query, output, cluster_by, max_per_stage),
        Command::Query { run: a, query } => {
            let file = Arc::new(SourceText::new("<query>", query));
            run(a.model, a.format, a.continue_on_error, file)
        }
        Command::Run { run: a, script } => {
            let mut p = Problems::default();
            match model::load::read_text(&script, &mut p) {
                Some(file) => run(a.model, a.format, a.continue_on_error, file),
                None => {
                    eprint!("{p}");
                    1
                }
            }
        }
    }
}

/// Loads the model and runs every statement of `file`; exit code 1 if any failed.
fn run(
    path: Option<PathBuf>,
    format: OutputFormat,
    continue_on_error: bool,
    file: Arc<SourceText>,
) -> i32 {
    let m = match load_model(path.as_deref()) {
        Ok(m) => m,
        Err(problems) => {
            eprint!("{problems}");
            eprintln!("the model has errors: run `supplygraph check` for the full list");
            return 1;
        }
    };
    let (mut session, scenario_problems) = Session::new(&m);
    for p in scenario_problems {
        eprint!("{p}");
    }
    let opts = RunOptions {
        format,
        continue_on_error,
        width: crate::output::terminal_width(),
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let failed = run_text(
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
    i32::from(failed > 0)
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
        // Base-year figures that break the balance (design.md section 6): warnings.
        let balance = model::balance::warnings(m);
        warnings += balance.len();
        for p in balance {
            eprintln!("{p}");
        }
        print!("{}", model::summary::Summary::of(m));
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
    cluster_by: String,
    max_per_stage: usize,
) -> i32 {
    let m = match load_model(path.as_deref()) {
        Ok(m) => m,
        Err(problems) => {
            eprint!("{problems}");
            return 1;
        }
    };
    let (mut session, _) = Session::new(&m);
    let text = query.unwrap_or_else(|| "nodes".into());
    let file = Arc::new(SourceText::new("<query>", text.clone()));
    let table = match crate::query::parse::parse_one(&text)
        .and_then(|st| session.run(&file, &st))
        .and_then(|o| o.drawn(&m, &file))
    {
        Ok(crate::query::Outcome::Table(t)) => t,
        Ok(crate::query::Outcome::Message(msg)) => {
            eprintln!("error: `{text}` has no result to draw ({msg})");
            return 1;
        }
        // Drawn above, where the statement says.
        Ok(crate::query::Outcome::Diagram(_)) => {
            eprintln!("error: `{text}` has no result to draw");
            return 1;
        }
        Err(p) => {
            eprint!("{p}");
            return 1;
        }
    };
    let opts = crate::output::dot::DiagramOptions {
        cluster_level: cluster_by,
        max_per_stage: max_per_stage.max(1),
        title: String::new(),
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
    // The whole document: the bulk reader would leave flow nodes and edges out of it.
    let loaded = model::load(path.as_deref()).into_full();
    // Refuse to convert a broken model: the output would hide its problems.
    let doc = loaded.doc.clone();
    let (m, problems) = loaded.build();
    if m.is_none() {
        eprint!("{problems}");
        eprintln!("convert: the model has errors; nothing written");
        return 1;
    }
    match model::load::write(&doc, to, &out) {
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
