//! Where a load's time goes: with `SUPPLYGRAPH_PHASES` set, [`begin`] and each [`mark`] print
//! to standard error the wall-clock milliseconds since the previous one, with its label.
//! Unset, a mark costs one read of a flag set once.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

fn on() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("SUPPLYGRAPH_PHASES").is_some())
}

static LAST: Mutex<Option<Instant>> = Mutex::new(None);

/// Starts counting afresh (a load in the shell comes long after the last statement's mark).
pub fn begin(label: &str) {
    if on() {
        *LAST
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        mark(label);
    }
}

/// Ends the phase called `label`.
pub fn mark(label: &str) {
    if !on() {
        return;
    }
    let now = Instant::now();
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let ms = last.map_or(0.0, |t| (now - t).as_secs_f64() * 1e3);
    *last = Some(now);
    eprintln!("phase {label:<28} {ms:9.1} ms");
}
