//! The one lexer of the query language: where strings, comments, `;`, words, numbers and
//! punctuation are. Statement splitting, the checks before parsing (unclosed quotes and
//! parentheses, nesting), error messages, and the shell's completion and colours all read
//! these tokens, so they agree on what is quoted and what is commented out.
//!
//! The rules, the same as `grammar/query.pest`:
//! - a string opens with `"` and closes at the next `"` not escaped by `\`; a backslash escapes
//!   the character after it (`\"`, `\\`, `\n`, `\t` are the valid escapes; the parser rejects
//!   others). A string that meets the end of a line or of the text is unclosed (a backslash
//!   does not escape a line break);
//! - a comment runs from `--` or `#` outside a string to the end of the line;
//! - `;` outside strings and comments ends a statement.
//!
//! One pass, linear in the text, on any UTF-8; it never fails (anything else is `Other`).

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A quoted string, quotes included; `closed` is false when it runs into the end of its
    /// line (the span then stops before the line break).
    Str { closed: bool },
    /// `--` or `#` to the end of the line (line break excluded).
    Comment,
    /// `;`
    Semi,
    /// `(ASCII letter | _) (ASCII letter | digit | _)*`: keywords, variables, fields.
    Word,
    /// `digits (. digits)? (e [+-]? digits)?`
    Number,
    /// `( ) , = : % ~ < > <= >= != -` and any other ASCII punctuation.
    Punct,
    /// A run of white space (line breaks included).
    Space,
    /// Any other character (a letter outside ASCII, say).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub span: Range<usize>,
}

impl Token {
    /// Its text in the `text` it was read from.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.span.clone()).unwrap_or("")
    }

    /// Blank space or a comment: nothing the parser reads.
    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, Kind::Space | Kind::Comment)
    }
}

/// The tokens of `text`, covering it without gaps, in order.
pub fn lex(text: &str) -> Vec<Token> {
    Lexer { text, pos: 0 }.collect()
}

/// Tokens one at a time.
pub struct Lexer<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Lexer<'t> {
    pub fn new(text: &'t str) -> Self {
        Lexer { text, pos: 0 }
    }
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_word_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let &b = bytes.get(start)?;
        let at = |i: usize| bytes.get(i).copied();
        let mut end = start + 1;
        let kind = match b {
            b'"' => {
                let mut closed = false;
                while let Some(c) = at(end) {
                    match c {
                        b'"' => {
                            end += 1;
                            closed = true;
                            break;
                        }
                        b'\n' => break,
                        b'\\' if at(end + 1).is_some_and(|n| n != b'\n') => end += 2,
                        _ => end += 1,
                    }
                }
                Kind::Str { closed }
            }
            b'#' => {
                end = line_end(bytes, end);
                Kind::Comment
            }
            b'-' if at(end) == Some(b'-') => {
                end = line_end(bytes, end);
                Kind::Comment
            }
            b';' => Kind::Semi,
            b' ' | b'\t' | b'\r' | b'\n' => {
                while at(end).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n')) {
                    end += 1;
                }
                Kind::Space
            }
            b'0'..=b'9' => {
                let digits = |mut i: usize| {
                    while at(i).is_some_and(|c| c.is_ascii_digit()) {
                        i += 1;
                    }
                    i
                };
                end = digits(end);
                if at(end) == Some(b'.') && at(end + 1).is_some_and(|c| c.is_ascii_digit()) {
                    end = digits(end + 1);
                }
                if matches!(at(end), Some(b'e' | b'E')) {
                    let sign = usize::from(matches!(at(end + 1), Some(b'+' | b'-')));
                    if at(end + 1 + sign).is_some_and(|c| c.is_ascii_digit()) {
                        end = digits(end + 1 + sign);
                    }
                }
                Kind::Number
            }
            c if is_word_start(c) => {
                while at(end).is_some_and(is_word_char) {
                    end += 1;
                }
                Kind::Word
            }
            b'<' | b'>' | b'!' if at(end) == Some(b'=') => {
                end += 1;
                Kind::Punct
            }
            c if c.is_ascii() => Kind::Punct,
            _ => {
                // One character outside ASCII (the white space the grammar allows in it, a BOM,
                // is read as `Other` too: the parser takes it as blank).
                end = start + self.text[start..].chars().next().map_or(1, char::len_utf8);
                if self.text[start..end].starts_with('\u{feff}') {
                    Kind::Space
                } else {
                    Kind::Other
                }
            }
        };
        // A string may end inside a multi-byte character's bytes only if the text were not
        // UTF-8; keep `end` on a character boundary all the same.
        while end < self.text.len() && !self.text.is_char_boundary(end) {
            end += 1;
        }
        self.pos = end;
        Some(Token {
            kind,
            span: start..end,
        })
    }
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from.min(bytes.len())..]).map_or(bytes.len(), |i| from + i)
}

/// The byte ranges of the statements of a script: the text between `;`s outside strings and
/// comments, without the ranges that hold only blanks and comments.
pub fn statements(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut blank = true;
    for t in Lexer::new(text) {
        match t.kind {
            Kind::Semi => {
                if !blank {
                    out.push(start..t.span.start);
                }
                start = t.span.end;
                blank = true;
            }
            Kind::Space | Kind::Comment => {}
            _ => blank = false,
        }
    }
    if !blank {
        out.push(start..text.len());
    }
    out
}

/// Where the statement holding the end of `text` starts: after its last `;` outside strings
/// and comments.
pub fn last_statement_start(text: &str) -> usize {
    Lexer::new(text)
        .filter(|t| t.kind == Kind::Semi)
        .last()
        .map_or(0, |t| t.span.end)
}

/// Nothing but white space and comments.
pub fn is_blank(text: &str) -> bool {
    Lexer::new(text).all(|t| t.is_trivia())
}

/// The first string that never closes: the place of its opening quote.
pub fn unclosed_quote(text: &str) -> Option<usize> {
    Lexer::new(text)
        .find(|t| t.kind == Kind::Str { closed: false })
        .map(|t| t.span.start)
}

/// The token holding byte `pos` (the first one starting there or after, at a place between
/// characters).
pub fn token_at(text: &str, pos: usize) -> Option<Token> {
    Lexer::new(text).find(|t| t.span.end > pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        lex(text)
            .into_iter()
            .map(|t| (t.kind, &text[t.span]))
            .collect()
    }

    #[test]
    fn strings_with_escapes() {
        use Kind::*;
        assert_eq!(
            kinds(r#""a\"b;" x"#),
            vec![
                (Str { closed: true }, r#""a\"b;""#),
                (Space, " "),
                (Word, "x")
            ]
        );
        assert_eq!(
            kinds(r#""a\\" "#),
            vec![(Str { closed: true }, r#""a\\""#), (Space, " ")]
        );
        assert_eq!(
            kinds("\"ab\ncd"),
            vec![(Str { closed: false }, "\"ab"), (Space, "\n"), (Word, "cd")]
        );
        assert_eq!(
            kinds("\"ab\\\ncd"),
            vec![
                (Str { closed: false }, "\"ab\\"),
                (Space, "\n"),
                (Word, "cd")
            ]
        );
        assert_eq!(kinds("\"é\\"), vec![(Str { closed: false }, "\"é\\")]);
        assert_eq!(kinds("\"\\é\""), vec![(Str { closed: true }, "\"\\é\"")]);
    }

    #[test]
    fn comments_numbers_and_punctuation() {
        use Kind::*;
        assert_eq!(
            kinds("a -- b; \"c\nd # e\n-1.5e3%<=;"),
            vec![
                (Word, "a"),
                (Space, " "),
                (Comment, "-- b; \"c"),
                (Space, "\n"),
                (Word, "d"),
                (Space, " "),
                (Comment, "# e"),
                (Space, "\n"),
                (Punct, "-"),
                (Number, "1.5e3"),
                (Punct, "%"),
                (Punct, "<="),
                (Semi, ";"),
            ]
        );
        assert_eq!(kinds("é"), vec![(Other, "é")]);
    }

    #[test]
    fn statements_split_at_semicolons_outside_strings_and_comments() {
        let t = "a \"x;y\"; -- c;\n ; b # ;\n;c";
        let r: Vec<&str> = statements(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(r, vec!["a \"x;y\"", " b # ;\n", "c"]);
        assert_eq!(last_statement_start("a; b"), 2);
        assert_eq!(last_statement_start("show \"a;b\" "), 0);
        assert!(is_blank(" -- x\n# y\n"));
        assert_eq!(unclosed_quote("a \"b\" \"c"), Some(6));
    }
}
