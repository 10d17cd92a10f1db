//! Names written back as text: the one quoting rule of the query language, which Graphviz's
//! DOT reads the same way. Below every layer (the query language prints its canonical form with
//! it; `output::dot` writes node names with it).

/// `s` in double quotes, with quotes, backslashes, line breaks and tabs escaped (`\"`, `\\`,
/// `\n`, `\t`): what the query language's lexer reads back as `s`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
