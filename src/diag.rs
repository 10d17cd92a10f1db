//! Diagnostics: where a problem is (a file and a byte span, or a JSON pointer) and how it is
//! printed (`file:line:column`, the line, and a caret under the place).
//!
//! The renderer is our own rather than ariadne's or miette's for one reason: models and queries
//! may hold lines of many megabytes (a broken CSV, a generated file), and a diagnostic must show a
//! window of the line around the caret, never the whole line.

use std::fmt::{self, Write as _};
use std::ops::Range;
use std::sync::Arc;

/// One text the program has read: a model file, a script, a query typed at the prompt.
#[derive(Debug)]
pub struct SourceText {
    pub name: String,
    pub text: String,
    /// Where each line starts, found the first time a place in the text is asked for (a large
    /// table read without a problem never needs it).
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceText {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceText {
            name: name.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let start = starts[line];
        let col = self.text[start..floor_char(&self.text, offset)]
            .chars()
            .count()
            + 1;
        (line + 1, col)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let start = starts[line - 1];
        let end = starts.get(line).map(|e| e - 1).unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches('\r')
    }

    /// Byte offset of a 1-based line and column.
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.line_starts().get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        self.text[start..]
            .char_indices()
            .nth(col.saturating_sub(1))
            .map(|(i, _)| start + i)
            .unwrap_or(self.text.len())
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Where something was read from.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Loc {
    /// A byte range in a text.
    Span {
        file: Arc<SourceText>,
        range: Range<usize>,
    },
    /// A place inside a JSON document, by JSON pointer (JSON is read without spans).
    Pointer {
        file: Arc<SourceText>,
        pointer: String,
    },
    /// Somewhere in this file.
    File(Arc<SourceText>),
    /// Not from any file (a built-in default, a generated value).
    #[default]
    Nowhere,
}

impl PartialEq for SourceText {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Loc {
    pub fn span(file: &Arc<SourceText>, range: Range<usize>) -> Loc {
        Loc::Span {
            file: file.clone(),
            range,
        }
    }

    pub fn file(&self) -> Option<&Arc<SourceText>> {
        match self {
            Loc::Span { file, .. } | Loc::Pointer { file, .. } | Loc::File(file) => Some(file),
            Loc::Nowhere => None,
        }
    }

    /// `file:line:column`, `file (at /pointer)`, `file`, or nothing.
    pub fn position(&self) -> Option<String> {
        match self {
            Loc::Span { file, range } => {
                let (l, c) = file.line_col(range.start);
                Some(format!("{}:{}:{}", file.name, l, c))
            }
            Loc::Pointer { file, pointer } => Some(format!("{} (at {})", file.name, pointer)),
            Loc::File(file) => Some(file.name.clone()),
            Loc::Nowhere => None,
        }
    }

    /// Line and column, where known.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match self {
            Loc::Span { file, range } => Some(file.line_col(range.start)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// A problem found in a model, a query or a script.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    pub loc: Loc,
    pub message: String,
    /// Shown under the caret: a did-you-mean, or what was expected.
    pub label: Option<String>,
    /// Further lines after the snippet.
    pub notes: Vec<String>,
    /// The stable code of the kind of error (see `Code`), where the layer that found it has one.
    /// Not printed: the text of a problem stays as it was.
    pub code: Option<ErrorCode>,
}

impl Problem {
    pub fn error(loc: Loc, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Error,
            loc,
            message: message.into(),
            label: None,
            notes: Vec::new(),
            code: None,
        }
    }
    pub fn warning(loc: Loc, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(loc, message)
        }
    }
    pub fn info(loc: Loc, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Info,
            ..Problem::error(loc, message)
        }
    }
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    pub fn with_label_opt(mut self, label: Option<String>) -> Self {
        self.label = label;
        self
    }
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
    pub fn with_code(mut self, code: ErrorCode) -> Self {
        self.code = Some(code);
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Errors of every layer carry a stable code, one per kind of error, so that tests, scripts and
/// documentation can name a kind of error whatever its wording. Each layer has its own range:
///
/// | codes   | layer                                               | type                        |
/// |---------|-----------------------------------------------------|-----------------------------|
/// | `E00xx` | reading a query (`query::parse`)                    | `query::parse::ParseError`  |
/// | `E01xx` | resolving names and what-ifs (`query::resolve`)     | `query::error::ResolveError`|
/// | `E02xx` | evaluating a statement (`query::eval`, `sets`)      | `query::error::EvalError`   |
/// | `E03xx` | drawing a diagram (`output::dot`)                   | `output::dot::DrawError`    |
/// | `E04xx` | reading, checking and writing a model (`model`)     | `model::error::ModelError`  |
///
/// The model's range is split by severity: errors `E0401`–`E0469`, warnings `E0470`–`E0489`,
/// information `E0490`–`E0499` (`ModelError::diagnostic` gives each its severity).
///
/// Each code is listed beside its kind in the type's definition.
pub trait Code: std::error::Error {
    /// The stable code of the error's kind.
    fn code(&self) -> ErrorCode;

    /// The error as a problem at `loc`: its message and its code; a layer adds its label and
    /// notes. Every error is printed through `Problem`'s `Display`, here.
    fn diagnostic(&self, loc: Loc) -> Problem {
        Problem::error(loc, self.to_string()).with_code(self.code())
    }
}

/// A stable error code: `ErrorCode(101)` is written `E0101`. (A number, so that a `Problem`
/// stays small.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ErrorCode(pub u16);

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E{:04}", self.0)
    }
}

/// How many characters of a line a snippet shows at most, around the caret.
const WINDOW: usize = 100;

impl fmt::Display for Problem {
    /// Renders as
    ///
    /// ```text
    /// error: unknown region "baotuo"
    ///   --> model.toml:3:10
    ///    |
    ///  3 | region = "baotuo"
    ///    |          ^^^^^^^^ did you mean "baotou"?
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.severity, terminal_safe(&self.message))?;
        match &self.loc {
            Loc::Span { file, range } => {
                let (line, col) = file.line_col(range.start);
                writeln!(f, "  --> {}:{}:{}", terminal_safe(&file.name), line, col)?;
                let text = file.line(line);
                let end_col = if range.end > range.start {
                    let (el, ec) = file.line_col(range.end);
                    if el == line {
                        ec
                    } else {
                        text.chars().count() + 1
                    }
                } else {
                    col + 1
                };
                let width = end_col.saturating_sub(col).max(1);
                let (shown, caret_at) = window(text, col - 1);
                let gutter = line.to_string().len();
                let shown = shown.replace(|c: char| c.is_control() && c != '\t', "\u{fffd}");
                writeln!(f, " {:gutter$} |", "")?;
                writeln!(f, " {line} | {shown}")?;
                let mut marker = String::new();
                for c in shown.chars().take(caret_at) {
                    marker.push(if c == '\t' { '\t' } else { ' ' });
                }
                let room = shown.chars().count().saturating_sub(caret_at).max(1);
                marker.push_str(&"^".repeat(width.min(room)));
                if let Some(label) = &self.label {
                    write!(marker, " {}", terminal_safe(label))?;
                }
                writeln!(f, " {:gutter$} | {}", "", marker)?;
            }
            other => {
                if let Some(pos) = other.position() {
                    writeln!(f, "  --> {}", terminal_safe(&pos))?;
                }
                if let Some(label) = &self.label {
                    writeln!(f, "  = {}", terminal_safe(label))?;
                }
            }
        }
        for note in &self.notes {
            writeln!(f, "  = {}", terminal_safe(note))?;
        }
        Ok(())
    }
}

/// A window of at most `WINDOW` characters of `line` around character `col` (0-based), with
/// `...` where it was cut; returns the shown text and the caret's character position in it.
fn window(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = if line.len() > 8 * WINDOW {
        // Only collect what could be shown: a very long line is never copied whole.
        let from = col.saturating_sub(WINDOW);
        line.chars().skip(from).take(2 * WINDOW).collect::<Vec<_>>()
    } else {
        line.chars().collect()
    };
    let offset = if line.len() > 8 * WINDOW {
        col.saturating_sub(WINDOW)
    } else {
        0
    };
    let col_in = col - offset;
    let total_known_long = line.len() > 8 * WINDOW;
    if chars.len() <= WINDOW && !total_known_long {
        return (chars.into_iter().collect(), col_in);
    }
    let start = col_in.saturating_sub(WINDOW / 2);
    let end = (start + WINDOW).min(chars.len());
    let mut out = String::new();
    let mut caret = col_in - start;
    if start > 0 || offset > 0 {
        out.push_str("...");
        caret += 3;
    }
    out.extend(&chars[start..end]);
    if end < chars.len() || total_known_long {
        out.push_str("...");
    }
    (out, caret)
}

/// Problems found together, in the order found.
#[derive(Debug, Default, Clone)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }
    pub fn errors(&self) -> usize {
        self.0.iter().filter(|p| p.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.0
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .count()
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Problem::is_error)
    }
    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }
    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0 {
            writeln!(f, "{p}")?;
        }
        Ok(())
    }
}

/// User text quoted in a message, cut to a readable length.
pub fn clip(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}... ({} characters)", s.chars().count())
    }
}

/// Text for a terminal: control characters (ESC, BEL, newlines, ... from a model's names) shown
/// as escapes (`\u{1b}`, `\n`) rather than sent raw, where they would move the cursor, recolour
/// the screen or ring the bell.
pub fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `terminal_safe` for text of several lines: newlines (and tabs) are kept, every other
/// control character is escaped.
pub fn terminal_safe_lines(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_in_messages_are_escaped() {
        let file = Arc::new(SourceText::new("f", "x \"a\u{1b}[2Jb\u{7}\""));
        let p = Problem::error(Loc::span(&file, 2..12), "unknown node \"a\u{1b}[2Jb\u{7}\"")
            .with_label("did you mean \"\u{1b}]0;x\u{7}\"?")
            .with_note("see \u{1b}[31m");
        let out = p.to_string();
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(out.contains("a\\u{1b}[2Jb\\u{7}"), "{out}");
        assert_eq!(terminal_safe_lines("a\nb\u{7}"), "a\nb\\u{7}");
    }

    #[test]
    fn codes_are_written_with_four_digits() {
        assert_eq!(ErrorCode(101).to_string(), "E0101");
        assert_eq!(ErrorCode(2).to_string(), "E0002");
    }

    #[test]
    fn line_and_column_count_characters() {
        let s = SourceText::new("f", "ab\ncé x\r\nlast");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(3), (2, 1));
        // 'é' is two bytes: "x" is the 4th character of line 2.
        assert_eq!(s.line_col(7), (2, 4));
        assert_eq!(s.line(2), "cé x");
        assert_eq!(s.offset_of(2, 4), 7);
    }

    #[test]
    fn long_lines_are_windowed() {
        let line = "a".repeat(10_000) + "XYZ" + &"b".repeat(10_000);
        let file = Arc::new(SourceText::new("big", line));
        let p = Problem::error(Loc::span(&file, 10_000..10_003), "here");
        let out = p.to_string();
        assert!(out.len() < 600, "{out}");
        let lines: Vec<&str> = out.lines().collect();
        let text_line = lines[3];
        let caret_line = lines[4];
        assert!(text_line.starts_with(" 1 | ..."), "{text_line}");
        let x = text_line.find("XYZ").unwrap();
        assert_eq!(caret_line.find('^').unwrap(), x);
        assert!(caret_line.ends_with("^^^"));
    }
}
