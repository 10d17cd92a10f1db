//! The command line: `check`, `convert`, `query`, `run`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::diag::Problems;
use crate::model::{self, Format, Model};

#[derive(Parser, Debug)]
#[command(
    name = "supplygraph",
    version,
    about = "Supply chains as dependency graphs: exposure, chokepoints and what-if queries"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
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
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { model, verbose } => check(model, verbose),
        Command::Convert { model, to, output } => convert(model, to, output),
    }
}

/// Loads and builds a model, printing problems to stderr. `None` when it has errors.
pub fn load_model(path: Option<&std::path::Path>) -> Result<Model, Problems> {
    let (m, problems) = model::load(path).build();
    match m {
        Some(m) => Ok(m),
        None => Err(problems),
    }
}

fn check(path: Option<PathBuf>, verbose: bool) -> i32 {
    let (m, problems) = model::load(path.as_deref()).build();
    let errors = problems.errors();
    let warnings = problems.warnings();
    for p in problems.iter() {
        if p.severity == crate::diag::Severity::Info && !verbose {
            continue;
        }
        eprintln!("{p}");
    }
    if let Some(m) = &m {
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

fn convert(path: Option<PathBuf>, to: Format, out: PathBuf) -> i32 {
    let loaded = model::load(path.as_deref());
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
