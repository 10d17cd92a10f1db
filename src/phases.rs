//! Where a load's time goes: with `SUPPLYGRAPH_PHASES` set, [`begin`] and each [`mark`] print
//! to standard error the wall-clock milliseconds since the previous one, with its label, and
//! where Linux tells them (`/proc/self/stat`), the CPU milliseconds of all threads (user and
//! system) and the page faults in that time: on a large model the kernel handing out fresh
//! pages is a large part of the load. Unset, a mark costs one read of a flag set once.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

fn on() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("SUPPLYGRAPH_PHASES").is_some())
}

/// The time of the last mark, and the process's counters then.
static LAST: Mutex<Option<(Instant, Option<Counters>)>> = Mutex::new(None);

/// What the kernel counts for the whole process: CPU time (user, system) in clock ticks, and
/// minor page faults (a fresh page given out, or one found in memory).
#[derive(Clone, Copy)]
struct Counters {
    user: u64,
    system: u64,
    faults: u64,
}

/// Clock ticks per second in `/proc/self/stat` (`USER_HZ`, 100 on every Linux port).
const TICKS: f64 = 100.0;

impl Counters {
    fn now() -> Option<Counters> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Fields after the command name (which may hold spaces), from field 3 (state): minflt
        // is field 10, utime 14 and stime 15 (proc(5)).
        let rest = &stat[stat.rfind(')')? + 1..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        let at = |field: usize| f.get(field - 3)?.parse::<u64>().ok();
        Some(Counters {
            faults: at(10)?,
            user: at(14)?,
            system: at(15)?,
        })
    }
}

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
    let (now, counters) = (Instant::now(), Counters::now());
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let ms = last.map_or(0.0, |(t, _)| (now - t).as_secs_f64() * 1e3);
    let before = last.and_then(|(_, c)| c);
    *last = Some((now, counters));
    match counters.zip(before) {
        Some((c, b)) => {
            let cpu = |now: u64, then: u64| now.saturating_sub(then) as f64 * 1e3 / TICKS;
            eprintln!(
                "phase {label:<28} {ms:9.1} ms   user {:7.0} ms   system {:7.0} ms   {:8} page faults",
                cpu(c.user, b.user),
                cpu(c.system, b.system),
                c.faults.saturating_sub(b.faults)
            );
        }
        None => eprintln!("phase {label:<28} {ms:9.1} ms"),
    }
}
