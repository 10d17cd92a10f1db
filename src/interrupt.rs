//! Ctrl-C while a query runs: a flag the long loops check, so the REPL can stop a query and
//! keep the session. Outside the REPL no handler is installed and Ctrl-C ends the process.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler (once; later calls do nothing).
pub fn install() {
    let _ = ctrlc::set_handler(|| REQUESTED.store(true, Ordering::SeqCst));
}

/// Whether Ctrl-C was pressed since the last `clear`.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

pub fn clear() {
    REQUESTED.store(false, Ordering::SeqCst);
}
