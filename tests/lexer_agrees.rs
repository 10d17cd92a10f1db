//! The shell and the parser agree on where statements, strings and comments are, on every
//! query of the test suite (`tests/queries`, `examples`, the REPL tests' input, the fuzz corpus
//! in `tests/corpus/query`) and on random texts made of the characters that matter.
//!
//! - statements: wherever the cursor is inside a statement the parser's `split` found, the
//!   shell's `statement_start` is that statement's start;
//! - strings: in a statement that parses, the parser's `string`s are exactly the spans the
//!   shell colours as strings;
//! - comments: blanking what the shell colours as comments changes nothing the parser finds,
//!   and every character the parser skips (outside its tokens, not blank, not punctuation) lies
//!   in a span the shell colours as a comment.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use pest::iterators::Pair;
use pest::Parser;
use proptest::prelude::*;
use supplygraph::diag::SourceText;
use supplygraph::query::parse::{self, QueryParser, Rule};
use supplygraph::repl::helper::{highlight_spans, statement_start, DIM, GREEN};

fn texts() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        "tests/queries",
        "tests/queries_figures",
        "examples",
        "tests/corpus/query",
    ] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "sgq"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{dir}");
        for f in files {
            out.push((
                f.display().to_string(),
                std::fs::read_to_string(&f).unwrap(),
            ));
        }
    }
    let repl = std::fs::read_to_string(root.join("tests/repl.rs")).unwrap();
    let lines = repl_inputs(&repl);
    assert!(lines.len() > 10, "{lines:?}");
    out.push(("tests/repl.rs, all lines".into(), lines.join("\n")));
    for (i, l) in lines.into_iter().enumerate() {
        out.push((format!("tests/repl.rs, line {i}"), l));
    }
    out
}

/// The string literals the REPL tests type (`send_line("...")`), unescaped.
fn repl_inputs(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in src.split("send_line(\"").skip(1) {
        let mut s = String::new();
        let mut chars = part.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some(o) => s.push(o),
                    None => {}
                },
                c => s.push(c),
            }
        }
        out.push(s);
    }
    out
}

/// The spans of the `string`s under `p`, and of the pairs that hold no other (strings count
/// as such).
fn walk(
    p: Pair<'_, Rule>,
    offset: usize,
    strings: &mut Vec<Range<usize>>,
    leaves: &mut Vec<Range<usize>>,
) {
    let span = offset + p.as_span().start()..offset + p.as_span().end();
    if p.as_rule() == Rule::string {
        // Quotes included: a leaf of its own.
        strings.push(span.clone());
        leaves.push(span);
        return;
    }
    let mut inner = p.into_inner().peekable();
    if inner.peek().is_none() {
        leaves.push(span);
    }
    for q in inner {
        walk(q, offset, strings, leaves);
    }
}

fn check(name: &str, text: &str) {
    let spans = highlight_spans(text, |_| true);
    let coloured = |code: &str| -> Vec<Range<usize>> {
        spans
            .iter()
            .filter(|(_, c)| *c == Some(code))
            .map(|(r, _)| r.clone())
            .collect()
    };
    let shell_strings = coloured(GREEN);
    let shell_comments = coloured(DIM);
    // The shell's pieces cover the text in order.
    let mut at = 0;
    for (r, _) in &spans {
        assert_eq!(r.start, at, "{name}: gap in the highlighting");
        at = r.end;
    }
    assert_eq!(at, text.len(), "{name}");

    let ranges = parse::split(text);
    // Blanking the comments leaves the same statements.
    let mut blanked = text.as_bytes().to_vec();
    for r in &shell_comments {
        blanked[r.clone()].fill(b' ');
    }
    let blanked = String::from_utf8(blanked).unwrap();
    assert_eq!(
        parse::split(&blanked),
        ranges,
        "{name}: comments hide statements"
    );

    let file = Arc::new(SourceText::new(name, text));
    let file_blanked = Arc::new(SourceText::new(name, blanked.clone()));
    for r in &ranges {
        // Statement boundaries: every place inside the statement, and its end.
        for p in (r.start..=r.end).filter(|&p| text.is_char_boundary(p)) {
            if p == r.start {
                continue;
            }
            assert_eq!(
                statement_start(&text[..p]),
                r.start,
                "{name}: statement start at byte {p} of {r:?}"
            );
        }
        let a = parse::parse_statement(&file, r.clone());
        let b = parse::parse_statement(&file_blanked, r.clone());
        match (&a, &b) {
            (Ok(x), Ok(y)) => assert_eq!(x, y, "{name}: blanking comments changed the statement"),
            (Err(_), Err(_)) => {}
            _ => panic!("{name}: blanking comments changed {a:?} into {b:?}"),
        }
        let stmt = &text[r.clone()];
        let Ok(pairs) = QueryParser::parse(Rule::statement_input, stmt) else {
            continue;
        };
        let (mut strings, mut leaves) = (Vec::new(), Vec::new());
        for p in pairs {
            walk(p, r.start, &mut strings, &mut leaves);
        }
        let shell_here: Vec<Range<usize>> = shell_strings
            .iter()
            .filter(|s| s.start >= r.start && s.end <= r.end)
            .cloned()
            .collect();
        assert_eq!(strings, shell_here, "{name}: strings of {stmt:?}");
        // What the parser skipped is blank, punctuation, or a comment to the shell.
        let mut covered = vec![false; text.len()];
        for l in &leaves {
            covered[l.clone()].fill(true);
        }
        for (i, c) in stmt.char_indices() {
            let i = r.start + i;
            if covered[i] || c.is_whitespace() || c == '\u{feff}' || "()=:,".contains(c) {
                continue;
            }
            assert!(
                shell_comments.iter().any(|s| s.contains(&i)),
                "{name}: byte {i} ({c:?}) of {stmt:?} is skipped by the parser, not a comment to the shell"
            );
        }
    }
}

#[test]
fn shell_and_parser_agree_on_the_test_queries_and_the_corpus() {
    let all = texts();
    assert!(all.len() > 60);
    for (name, text) in all {
        check(&name, &text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn shell_and_parser_agree_on_random_texts(
        pieces in proptest::collection::vec(
            prop_oneof![
                Just("\""), Just("\\"), Just("\\\""), Just("-"), Just("--"), Just("#"),
                Just(";"), Just("\n"), Just(" "), Just("é"), Just("("), Just(")"),
                Just("show "), Just("\"a\""), Just("\"b c\""), Just(","), Just("not "),
                Just("nodes where "), Just("kind = mine"), Just("upstream of "),
                Just("1.5"), Just("%"), Just("with disrupt \"a\": "), Just("loss of "),
            ],
            0..40,
        )
    ) {
        let text: String = pieces.concat();
        check("random", &text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    /// On any text the lexer's tokens cover it, in order, between characters; splitting,
    /// parsing and colouring do not panic.
    #[test]
    fn any_text_is_lexed_parsed_and_coloured_without_panic(text in "\\PC*|[\"\\\\;#\\-é\n a(]*") {
        let mut at = 0;
        for t in supplygraph::query::lex::lex(&text) {
            prop_assert_eq!(t.span.start, at);
            prop_assert!(t.span.end > t.span.start);
            prop_assert!(text.is_char_boundary(t.span.end));
            at = t.span.end;
        }
        prop_assert_eq!(at, text.len());
        let file = Arc::new(SourceText::new("any", text.clone()));
        // The rest must only not panic: each answer is taken and let go.
        for r in parse::split(&text) {
            drop(parse::parse_statement(&file, r).map(|s| s.to_string()));
        }
        drop(highlight_spans(&text, |_| false));
        std::hint::black_box(parse::is_unfinished(&text));
        drop(parse::expected_after(&text));
    }
}
