//! Parser defects found by outside fuzzing (issue 13): each input here once panicked, overflowed
//! the stack or took seconds. Expectations are worked out by hand from the input, not taken
//! from the parser.

use std::process::{Command, Stdio};
use std::sync::Arc;

use supplygraph::diag::{Code, ErrorCode, SourceText};
use supplygraph::query::parse::{self, ParseError, ParseErrorKind, MAX_NESTING, MAX_OPERATORS};

fn parse(text: &str) -> Result<supplygraph::query::ast::Statement, ParseError> {
    parse::parse_one_in(&Arc::new(SourceText::new("<test>", text)))
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_supplygraph"))
}

const MULTIBYTE: &str = "\"a\" \"éééééééééééééééééééé\"";

#[test]
fn an_error_before_multibyte_text_is_reported_not_a_panic() {
    let e = parse(MULTIBYTE).unwrap_err();
    // `"a"` is a whole statement; the second string, at byte 4, is where it goes wrong.
    assert_eq!(e.code(), ErrorCode(1));
    assert_eq!(e.span.start, 4);
    let ParseErrorKind::Syntax { found, .. } = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(found, "`\"éééééééééééééééééééé\"`");
    // Longer strings are cut at 40 characters, not at 40 bytes.
    let long = format!("\"a\" \"{}\"", "é".repeat(100));
    let e = parse(&long).unwrap_err();
    let ParseErrorKind::Syntax { found, .. } = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(found, &format!("`\"{}`", "é".repeat(39)));
}

#[test]
fn the_command_line_script_runner_and_piped_shell_survive_it() {
    let o = bin().args(["query", MULTIBYTE]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("<query>:1:5"), "{err}");
    // The caret line: 4 spaces for `"a" `, then one `^` per character of the string (22).
    assert!(
        err.contains(&format!(" | {}{} expected", " ".repeat(4), "^".repeat(22))),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.sgq");
    std::fs::write(
        &script,
        format!("{MULTIBYTE};\nloss of \"Wind turbines\";\n"),
    )
    .unwrap();
    let o = bin()
        .args(["run", "--continue-on-error"])
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("Wind turbines"), "{out}");

    let mut child = bin()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{MULTIBYTE};\n").as_bytes())
        .unwrap();
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("<stdin>:1:5"));
}

/// `n` of a nesting form around a set or statement.
fn nested(form: &str, n: usize) -> String {
    match form {
        "diagram" => format!(
            "{}exposure of \"a\" to \"b\"{}",
            "diagram ".repeat(n),
            " to \"x.svg\"".repeat(n)
        ),
        "parens" => format!("show {}\"a\"{}", "(".repeat(n), ")".repeat(n)),
        "not" => format!("nodes where {}kind = mine", "not ".repeat(n)),
        "cond parens" => format!("nodes where {}kind = mine{}", "(".repeat(n), ")".repeat(n)),
        "upstream" => format!("show {}\"a\"", "upstream of ".repeat(n)),
        "downstream" => format!("show {}\"a\"", "DownStream of ".repeat(n)),
        "with" => format!("{}loss of \"a\"", "with disrupt \"b\": ".repeat(n)),
        _ => unreachable!(),
    }
}

const FORMS: &[&str] = &[
    "diagram",
    "parens",
    "not",
    "cond parens",
    "upstream",
    "downstream",
    "with",
];

/// How many of a form fit in `MAX_NESTING` levels: `diagram` and `with` count three levels
/// each, the others one.
fn most(form: &str) -> usize {
    match form {
        "diagram" | "with" => MAX_NESTING / 3,
        _ => MAX_NESTING,
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for form in FORMS {
        for n in [most(form) + 1, 5_000, 100_000] {
            let e = parse(&nested(form, n)).unwrap_err();
            assert_eq!(e.code(), ErrorCode(5), "{form} x{n}: {e:?}");
            assert_eq!(
                e.to_string(),
                format!("nesting deeper than {MAX_NESTING} levels")
            );
        }
    }
}

#[test]
fn nesting_up_to_the_bound_parses() {
    // On the test's own thread (2 MB of stack), in debug builds too.
    for form in FORMS {
        let text = nested(form, most(form));
        parse(&text).unwrap_or_else(|e| panic!("{form}: {e:?}"));
    }
}

#[test]
fn deep_diagrams_on_the_command_line_give_an_error() {
    let o = bin()
        .args(["query", &nested("diagram", 3_000)])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("nesting deeper than {MAX_NESTING} levels")),
        "{err}"
    );
}

#[test]
fn long_inputs_once_quadratic_give_their_error() {
    // An unclosed name full of `\"`: the quote at byte 5 never closes.
    let text = format!("show \"{}", "\\\"".repeat(50_000));
    let e = parse(&text).unwrap_err();
    assert_eq!((e.code(), e.span.clone()), (ErrorCode(2), 5..6));
    // The same, closed: a name of 50 000 quotes.
    let text = format!("show \"{}\"", "\\\"".repeat(50_000));
    let st = parse(&text).unwrap();
    let supplygraph::query::ast::Stmt::Show(supplygraph::query::ast::Set::Name(n)) = st.stmt else {
        panic!()
    };
    assert_eq!(n.text, "\"".repeat(50_000));
    // Many `;` hold no statement; a long comment hides the `;`s and quotes in it.
    assert!(parse::split(&";".repeat(100_000)).is_empty());
    let text = format!("-- {}\nshow \"x\"", ";\"".repeat(50_000));
    assert_eq!(parse::split(&text), vec![0..text.len()]);
}

#[test]
fn error_codes_are_distinct() {
    let kinds = [
        ParseErrorKind::Syntax {
            expected: String::new(),
            found: String::new(),
        },
        ParseErrorKind::UnclosedString,
        ParseErrorKind::UnclosedParen,
        ParseErrorKind::UnmatchedParen,
        ParseErrorKind::TooDeep { max: 1 },
        ParseErrorKind::UnknownCommand {
            word: String::new(),
        },
        ParseErrorKind::EmptyStatement,
        ParseErrorKind::EmptyQuery,
        ParseErrorKind::SeveralStatements,
        ParseErrorKind::BadValue(String::new()),
        ParseErrorKind::TooManyOperators { max: 1 },
        ParseErrorKind::Internal(String::new()),
    ];
    let mut codes: Vec<ErrorCode> = kinds.iter().map(|k| k.code()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), kinds.len());
}

#[test]
fn each_kind_of_error_has_its_code() {
    let code = |t: &str| parse(t).unwrap_err().code();
    assert_eq!(code("exposure of \"a\" \"b\""), ErrorCode(1));
    assert_eq!(code("show \"a"), ErrorCode(2));
    assert_eq!(code("show (\"a\""), ErrorCode(3));
    assert_eq!(code("show \"a\")"), ErrorCode(4));
    assert_eq!(code("exposre of \"a\" to \"b\""), ErrorCode(6));
    assert_eq!(code(" -- nothing"), ErrorCode(8));
    assert_eq!(code("show \"a\"; show \"b\""), ErrorCode(9));
    assert_eq!(
        code("with disrupt \"a\" by 200%: loss of \"b\""),
        ErrorCode(10)
    );
}

#[test]
fn long_operator_chains_are_an_error_not_a_stack_overflow() {
    // `"a", "a", ...`: one comma fewer than names.
    let chain = |n: usize, op: &str| format!("show {}\"a\"", format!("\"a\"{op} ").repeat(n));
    parse(&chain(MAX_OPERATORS, ",")).unwrap();
    for op in [",", " union", " INTERSECT", " except"] {
        let e = parse(&chain(MAX_OPERATORS + 1, op)).unwrap_err();
        assert_eq!(e.code(), ErrorCode(11), "{op}");
        assert_eq!(
            e.to_string(),
            format!("more than {MAX_OPERATORS} operators in one statement")
        );
    }
    let conds = format!(
        "nodes where {}kind = mine",
        "kind = mine or ".repeat(200_000)
    );
    assert_eq!(parse(&conds).unwrap_err().code(), ErrorCode(11));
    // On the command line, through evaluation (200 000 operators once overflowed the stack).
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.sgq");
    std::fs::write(&script, chain(200_000, ",")).unwrap();
    let o = bin().arg("run").arg(&script).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("more than {MAX_OPERATORS} operators")),
        "{err}"
    );
}

#[test]
fn the_shell_checks_deep_statements_without_overflowing() {
    for form in FORMS {
        let text = nested(form, 100_000);
        // Wrong, not unfinished: submitted at once, so that its error shows.
        assert!(!parse::is_unfinished(&text), "{form}");
        assert_eq!(parse::expected_after(&text), None, "{form}");
        // Cut short inside a name, and with an open parenthesis.
        assert!(!parse::is_unfinished(&format!("{text} \"ab")), "{form}");
        assert_eq!(
            parse::expected_after(&format!("(((({text}")),
            None,
            "{form}"
        );
    }
    // Still fine for ordinary typing.
    assert!(parse::is_unfinished("show (upstream of "));
    assert!(parse::expected_after("show (upstream of ").is_some());
}
