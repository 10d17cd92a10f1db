//! Where a load's time goes: with `SUPPLYGRAPH_PHASES` set, each [`mark`] prints to standard
//! error the wall-clock milliseconds since the previous mark (or since the first), with its
//! label. Unset, a mark costs one relaxed load of an initialised flag.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

fn on() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("SUPPLYGRAPH_PHASES").is_some())
}

/// Ends the phase called `label`.
pub fn mark(label: &str) {
    if !on() {
        return;
    }
    static LAST: Mutex<Option<Instant>> = Mutex::new(None);
    let now = Instant::now();
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let ms = last.map_or(0.0, |t| (now - t).as_secs_f64() * 1e3);
    *last = Some(now);
    eprintln!("phase {label:<28} {ms:9.1} ms");
}
