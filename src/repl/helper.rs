//! The line editor's helper: completion chosen by what the grammar allows at the cursor,
//! a dim hint of the rest of a name, colours, and multi-line input that ends with `;` or a
//! blank line (a wrong statement is submitted at once, so its error shows).

use std::borrow::Cow;
use std::ops::Range;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use super::words::{Words, KINDS};
use super::META;
use crate::query::lex::{self, Kind};
use crate::query::parse::{self, keyword_of, Rule};

pub struct ReplHelper {
    pub words: Words,
    pub color: bool,
    files: FilenameCompleter,
}

impl ReplHelper {
    pub fn new(words: Words, color: bool) -> Self {
        ReplHelper {
            words,
            color,
            files: FilenameCompleter::new(),
        }
    }
}

/// Where the statement holding the cursor starts: after the last `;` outside quotes and
/// comments.
pub fn statement_start(text: &str) -> usize {
    lex::last_statement_start(text)
}

/// The position of a quote opened and not closed at the end of `text`.
fn open_quote(text: &str) -> Option<usize> {
    lex::Lexer::new(text)
        .last()
        .filter(|t| t.kind == (Kind::Str { closed: false }) && t.span.end == text.len())
        .map(|t| t.span.start)
}

/// How the shell colours a token (an ANSI code), `None` for plain text: the one place that
/// decides, shared by `highlight` and the test that checks it against the parser.
pub fn colour(
    kind: Kind,
    text: &str,
    after_colon: bool,
    known: impl Fn(&str) -> bool,
) -> Option<&'static str> {
    match kind {
        Kind::Str { closed: true } => {
            let inner = text.get(1..text.len() - 1).unwrap_or("");
            Some(if known(inner) { GREEN } else { UNKNOWN })
        }
        Kind::Str { closed: false } => Some(GREEN),
        Kind::Comment => Some(DIM),
        Kind::Number => Some(YELLOW),
        Kind::Word if after_colon => Some(MAGENTA),
        Kind::Word
            if parse::keywords()
                .iter()
                .any(|k| k.eq_ignore_ascii_case(text)) =>
        {
            Some(KEYWORD)
        }
        _ => None,
    }
}

pub const GREEN: &str = "\x1b[32m";
pub const UNKNOWN: &str = "\x1b[31;4m";
pub const DIM: &str = "\x1b[2m";
pub const YELLOW: &str = "\x1b[33m";
pub const MAGENTA: &str = "\x1b[35m";
pub const KEYWORD: &str = "\x1b[1;34m";
const RESET: &str = "\x1b[0m";

/// The last word before `text`'s end, skipping operators (`stage = "` gives `stage`).
fn field_before(text: &str) -> String {
    let t = text.trim_end_matches(|c: char| c.is_whitespace() || "=!~<>(,".contains(c));
    let t = t.strip_suffix(" in").unwrap_or(t).trim_end();
    t.rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("")
        .to_lowercase()
}

impl ReplHelper {
    /// Which list a quoted name at this place comes from.
    fn quoted_list(&self, before_quote: &str) -> &super::words::Index {
        let lower = before_quote.to_lowercase();
        match field_before(before_quote).as_str() {
            "stage" => &self.words.stages,
            "material" | "element" => &self.words.materials,
            "company" => &self.words.companies,
            "scenario" => &self.words.scenarios,
            _ => {
                // In `restrict exports of "a", "b"` the names are materials.
                if let Some(i) = lower.rfind("exports of") {
                    if !lower[i..].contains(" from ") {
                        return &self.words.materials;
                    }
                }
                &self.words.names
            }
        }
    }

    fn complete_statement(&self, stmt: &str, offset: usize) -> (usize, Vec<Pair>) {
        // Nothing to offer inside a comment.
        if lex::Lexer::new(stmt)
            .last()
            .is_some_and(|t| t.kind == Kind::Comment)
        {
            return (offset + stmt.len(), Vec::new());
        }
        if let Some(q) = open_quote(stmt) {
            let prefix = &stmt[q + 1..];
            let list = self.quoted_list(&stmt[..q]);
            let mut found = list.matching(prefix);
            if found.is_empty() && std::ptr::eq(list, &self.words.names) {
                found = self.words.ids.matching(prefix);
            }
            let pairs = found
                .into_iter()
                .map(|n| Pair {
                    display: n.to_string(),
                    replacement: crate::query::ast::quote(n),
                })
                .collect();
            return (offset + q, pairs);
        }
        let ws = stmt
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
            .last()
            .map(|(i, _)| i)
            .unwrap_or(stmt.len());
        let word = &stmt[ws..];
        let lower = word.to_lowercase();
        let Some(expected) = parse::expected_after(&stmt[..ws]) else {
            return (offset + ws, Vec::new());
        };
        let mut out: Vec<Pair> = Vec::new();
        let mut push = |text: &str, replacement: String| {
            if text.to_lowercase().starts_with(&lower)
                && !out.iter().any(|p| p.replacement == replacement)
            {
                out.push(Pair {
                    display: text.to_string(),
                    replacement,
                });
            }
        };
        for r in &expected {
            if let Some(k) = keyword_of(*r) {
                push(&k, format!("{k} "));
            }
        }
        let field = field_before(&stmt[..ws]);
        for r in &expected {
            match r {
                Rule::ident | Rule::set_primary | Rule::set => {
                    for v in self.words.vars.matching(word) {
                        push(v, format!("{v} "));
                    }
                }
                Rule::scenario_name => {
                    for s in self.words.scenarios.matching(word) {
                        let rep = if parse::is_identifier(s) {
                            s.to_string()
                        } else {
                            crate::query::ast::quote(s)
                        };
                        push(s, rep);
                    }
                }
                Rule::word | Rule::field | Rule::value => {
                    let before = stmt[..ws].trim_end();
                    let value_place = before.ends_with(['=', '<', '>', '~', '(', ','])
                        || before.to_lowercase().ends_with(" in");
                    if field == "kind" {
                        for k in KINDS {
                            push(k, format!("{k} "));
                        }
                    } else if !value_place {
                        for f in self.words.fields.matching(word) {
                            push(f, format!("{f} "));
                        }
                    }
                }
                _ => {}
            }
        }
        // Where a quoted name may stand and nothing is typed yet, offer the opening quote.
        if word.is_empty()
            && expected
                .iter()
                .any(|r| matches!(r, Rule::string | Rule::set_primary | Rule::set))
        {
            out.push(Pair {
                display: "\"...\" (a node or region)".into(),
                replacement: "\"".into(),
            });
        }
        (offset + ws, out)
    }

    fn complete_meta(&self, line: &str, pos: usize) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        let Some((cmd, arg)) = before.split_once(' ') else {
            let start = before.len() - before.trim_start().len();
            let pairs = META
                .iter()
                .filter(|(m, _)| m.starts_with(before.trim_start()))
                .map(|(m, _)| Pair {
                    display: m.to_string(),
                    replacement: format!("{m} "),
                })
                .collect();
            return Ok((start, pairs));
        };
        let start = cmd.len() + 1;
        let options: &[&str] = match cmd.trim() {
            ":format" => &["table", "json", "csv"],
            ":timing" => &["on", "off"],
            ":help" => super::help::TOPICS,
            ":load" | ":save" | ":diagram" => {
                return self.files.complete(
                    line,
                    pos,
                    &Context::new(&rustyline::history::DefaultHistory::new()),
                )
            }
            _ => &[],
        };
        let arg = arg.trim_start();
        let pairs = options
            .iter()
            .filter(|o| o.starts_with(arg))
            .map(|o| Pair {
                display: o.to_string(),
                replacement: o.to_string(),
            })
            .collect();
        Ok(((pos - arg.len()).max(start), pairs))
    }
}

impl ReplHelper {
    /// What Tab offers with the cursor at `pos` of `line`: the replacement texts.
    pub fn completions(&self, line: &str, pos: usize) -> Vec<String> {
        let found = if line.trim_start().starts_with(':') {
            self.complete_meta(line, pos)
                .map(|(_, p)| p)
                .unwrap_or_default()
        } else {
            let before = &line[..pos];
            let start = statement_start(before);
            self.complete_statement(&before[start..], start).1
        };
        found.into_iter().map(|p| p.replacement).collect()
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        if line.trim_start().starts_with(':') {
            return self.complete_meta(line, pos);
        }
        let before = &line[..pos];
        let start = statement_start(before);
        Ok(self.complete_statement(&before[start..], start))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    /// The rest of the first name that completes the quoted text before the cursor.
    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        if pos < line.len() || line.trim_start().starts_with(':') {
            return None;
        }
        let start = statement_start(line);
        let stmt = &line[start..];
        let q = open_quote(stmt)?;
        let prefix = &stmt[q + 1..];
        if prefix.is_empty() {
            return None;
        }
        let list = self.quoted_list(&stmt[..q]);
        let first = list
            .matching(prefix)
            .into_iter()
            .find(|n| n.to_lowercase().starts_with(&prefix.to_lowercase()))?;
        // Case folding may change lengths (the Kelvin sign is 3 bytes, `k` one): no hint then.
        Some(format!("{}\"", first.get(prefix.len()..)?))
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color {
            return Cow::Borrowed(line);
        }
        Cow::Owned(highlight_with(line, |name| self.words.is_known(name)))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }
}

impl Validator for ReplHelper {
    /// A statement ends with `;` or a blank line; one that is wrong (not merely unfinished)
    /// is submitted at once so that its error shows.
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if input.trim().is_empty()
            || input.trim_start().starts_with(':')
            || input.trim_end().ends_with(';')
            || input.ends_with('\n')
        {
            return Ok(ValidationResult::Valid(None));
        }
        let last = &input[statement_start(input)..];
        if lex::is_blank(last) || !parse::is_unfinished(last) {
            return Ok(ValidationResult::Valid(None));
        }
        Ok(ValidationResult::Incomplete)
    }
}

impl Helper for ReplHelper {}

/// `line` with ANSI colours: strings green (red and underlined when closed and unknown to
/// `known`), comments dim, numbers yellow, keywords bold blue, `:command`s magenta.
pub fn highlight_with(line: &str, known: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    for (span, code) in highlight_spans(line, known) {
        match code {
            Some(c) => {
                out.push_str(c);
                out.push_str(&line[span]);
                out.push_str(RESET);
            }
            None => out.push_str(&line[span]),
        }
    }
    out
}

/// The pieces of `line` and the colour of each (`None`: plain), covering it in order.
pub fn highlight_spans(
    line: &str,
    known: impl Fn(&str) -> bool,
) -> Vec<(Range<usize>, Option<&'static str>)> {
    let mut out = Vec::new();
    let mut tokens = lex::Lexer::new(line).peekable();
    let mut after_number = false;
    while let Some(t) = tokens.next() {
        let mut span = t.span.clone();
        let mut code = colour(t.kind, t.text(line), false, &known);
        if t.kind == Kind::Punct {
            match t.text(line) {
                // `:format`: the colon and its word.
                ":" => {
                    if let Some(w) = tokens.next_if(|w| w.kind == Kind::Word) {
                        span.end = w.span.end;
                        code = colour(w.kind, w.text(line), true, &known);
                    }
                }
                "%" if after_number => code = Some(YELLOW),
                _ => {}
            }
        }
        after_number = t.kind == Kind::Number;
        out.push((span, code));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_before_a_quote() {
        assert_eq!(field_before("nodes where stage = "), "stage");
        assert_eq!(field_before("nodes where material in ("), "material");
        assert_eq!(field_before("exposure of "), "of");
    }

    #[test]
    fn colours_follow_the_lexer() {
        let line = "show \"a\\\";b\" -- c\n:format 30%";
        let got = highlight_with(line, |_| true);
        let want = format!(
            "{KEYWORD}show{RESET} {GREEN}\"a\\\";b\"{RESET} {DIM}-- c{RESET}\n{MAGENTA}:format{RESET} {YELLOW}30{RESET}{YELLOW}%{RESET}"
        );
        assert_eq!(got, want);
        assert_eq!(
            highlight_with("\"x\"", |_| false),
            format!("{UNKNOWN}\"x\"{RESET}")
        );
    }

    #[test]
    fn statements_start_after_semicolons_outside_quotes() {
        assert_eq!(statement_start("a; b"), 2);
        assert_eq!(statement_start("show \"a;b\" "), 0);
    }
}

#[cfg(test)]
mod completion_tests {
    use super::*;
    use crate::query::Session;

    #[test]
    fn completes_names_keywords_and_fields() {
        let (m, _) = crate::model::load_builtin().build();
        let m = m.unwrap();
        let (s, _) = Session::new(&m);
        let h = ReplHelper::new(Words::of(&m, &s), false);
        let (start, c) = h.complete_statement("chokepoints of \"Baya", 0);
        assert_eq!(start, 15);
        assert_eq!(
            c.iter().map(|p| p.replacement.as_str()).collect::<Vec<_>>(),
            vec!["\"Bayan Obo mine\""]
        );
        let (start, c) = h.complete_statement("nodes where st", 0);
        assert_eq!(start, 12);
        let reps: Vec<&str> = c.iter().map(|p| p.replacement.as_str()).collect();
        assert!(
            reps.contains(&"stage ") && reps.contains(&"status "),
            "{reps:?}"
        );
        let (_, c) = h.complete_statement("chok", 0);
        assert_eq!(c[0].replacement, "chokepoints ");
        let (_, c) = h.complete_statement("nodes where stage = \"sep", 0);
        assert_eq!(c[0].replacement, "\"separation\"");
        // Not in comments; a quote in a comment opens nothing, nor does an escaped one close.
        assert!(h
            .complete_statement("loss of \"a\" -- chok", 0)
            .1
            .is_empty());
        assert_eq!(
            h.complete_statement("-- \"x\nchokepoints of \"Baya", 0).0,
            "-- \"x\nchokepoints of ".len()
        );
        assert_eq!(open_quote("show \"a\\\"b"), Some(5));
        assert_eq!(open_quote("show \"a\\\\\" "), None);
    }
}
