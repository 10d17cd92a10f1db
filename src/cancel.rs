//! Stopping a statement: a cancellation token handed to a session and down to the long loops
//! of the analyses, which check it and stop early. The shell's Ctrl-C handler sets the token
//! of its sessions, so that Ctrl-C stops a query and keeps the session; outside the shell
//! (`query`, `run`, piped input) `query::script::Interrupt` stops the statement under way and
//! the run, which ends with exit code 130.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A cancellation token: clones share one flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks the work under way to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the work was asked to stop since the last `reset`.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Clears the request, before the next piece of work.
    pub fn reset(&self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// Installs the Ctrl-C handler, which cancels `token` (once in a process: a second handler is
/// refused, and said so).
pub fn install(token: &Cancel) {
    let token = token.clone();
    if let Err(e) = ctrlc::set_handler(move || token.cancel()) {
        eprintln!("warning: Ctrl-C cannot stop statements here: {e}");
    }
}
