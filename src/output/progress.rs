//! A spinner on standard error for work that takes a while: shown only on a terminal, and only
//! once the work has taken more than a second, so that quick steps and piped output stay clean.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before the spinner shows.
const DELAY: Duration = Duration::from_secs(1);

/// A piece of work under way; the spinner goes when it is dropped.
pub struct Progress {
    bar: ProgressBar,
    /// Set when the work is done, so that the delayed start never shows a finished spinner.
    done: Arc<Mutex<bool>>,
}

impl Progress {
    /// Starts `what` ("loading /data/model"); it shows after a second on a terminal.
    pub fn start(what: impl Into<String>) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(short(what.into()));
        let done = Arc::new(Mutex::new(false));
        if std::io::stderr().is_terminal() {
            let (bar, done) = (bar.clone(), done.clone());
            std::thread::spawn(move || {
                std::thread::sleep(DELAY);
                if let Ok(done) = done.lock() {
                    if !*done {
                        bar.set_draw_target(ProgressDrawTarget::stderr());
                        bar.enable_steady_tick(Duration::from_millis(120));
                    }
                }
            });
        }
        Progress { bar, done }
    }

    /// Starts `what`, `total` steps long ("1,000 draws"): a bar with the steps done, shown
    /// after a second on a terminal.
    pub fn counted(what: impl Into<String>, total: u64) -> Progress {
        let p = Progress::start(what);
        p.bar.set_length(total);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} ({elapsed}, {eta} left)")
        {
            p.bar.set_style(style);
        }
        p
    }

    /// Sets how many steps are done.
    pub fn set_done(&self, n: u64) {
        self.bar.set_position(n);
    }

    /// Says which step the work is at.
    pub fn step(&self, what: impl Into<String>) {
        self.bar.set_message(short(what.into()));
    }
}

/// At most this many characters of a message fit on one line beside the spinner.
const MAX_MESSAGE: usize = 70;

/// A message cut to one line's length (a long statement, a deep path).
fn short(what: String) -> String {
    // A statement or a path may hold control characters: shown as escapes.
    let what = crate::diag::terminal_safe(&what).into_owned();
    match what.char_indices().nth(MAX_MESSAGE) {
        Some((cut, _)) => format!("{}...", &what[..cut]),
        None => what,
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Ok(mut done) = self.done.lock() {
            *done = true;
        }
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        assert_eq!(short("loading /m".into()), "loading /m");
        let long = "é".repeat(100);
        let cut = short(long);
        assert_eq!(cut.chars().count(), MAX_MESSAGE + 3);
        assert!(cut.ends_with("é..."));
    }
}
