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

/// Whether `NO_COLOR` is set to a non-empty value (<https://no-color.org>): then nothing the
/// program prints carries colour (the shell's highlighting, clap's help and errors).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether output to a stream that `is_terminal` (or not) may carry colour: on a terminal, or
/// where `CLICOLOR_FORCE` asks for it (non-empty and not `0`), unless [`no_color`] says no.
pub fn colour_allowed(is_terminal: bool) -> bool {
    let forced = std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
    !no_color() && (is_terminal || forced)
}
