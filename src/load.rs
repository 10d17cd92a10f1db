//! Loading a model for the commands and the shell: read, check and build it, with a spinner on
//! the terminal if it takes a while.

use std::path::Path;

use crate::diag::Problems;
use crate::model::{self, Model};
use crate::output::progress::Progress;

/// Reads and builds a model, with a spinner on the terminal if it takes a while.
pub fn load_with_progress(path: Option<&Path>) -> (Option<Model>, Problems) {
    let what = path.map_or("the built-in model".to_string(), |p| {
        p.display().to_string()
    });
    let progress = Progress::start(format!("reading {what}"));
    let loaded = model::load(path);
    progress.step(format!("checking and building {what}"));
    loaded.build()
}

/// Loads and builds a model; its problems when it has errors.
pub fn load_model(path: Option<&Path>) -> Result<Model, Problems> {
    let (m, problems) = load_with_progress(path);
    match m {
        Some(m) => Ok(m),
        None => Err(problems),
    }
}
