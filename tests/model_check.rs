//! Broken models: each file under `tests/broken/` states the problems it must produce as
//! `# expect: LINE:COLUMN: message fragment [| label fragment]` comments (written by hand from
//! the file, not copied from the program), and must produce exactly those errors.

use std::path::{Path, PathBuf};

use supplygraph::diag::{Problem, Problems, Severity};
use supplygraph::model;

struct Expect {
    line: usize,
    col: usize,
    message: String,
    label: Option<String>,
}

fn expectations(text: &str) -> Vec<Expect> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("# expect: "))
        .map(|rest| {
            let mut parts = rest.splitn(3, ':');
            let line = parts.next().unwrap().trim().parse().unwrap();
            let col = parts.next().unwrap().trim().parse().unwrap();
            let msg = parts.next().unwrap().trim();
            let (message, label) = match msg.split_once(" | ") {
                Some((m, l)) => (m.to_string(), Some(l.to_string())),
                None => (msg.to_string(), None),
            };
            Expect {
                line,
                col,
                message,
                label,
            }
        })
        .collect()
}

fn problems_of(path: &Path) -> Problems {
    let (m, problems) = model::load_path(path).build();
    assert!(m.is_none(), "{} should not build", path.display());
    problems
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn matches(p: &Problem, e: &Expect) -> bool {
    p.loc.line_col() == Some((e.line, e.col))
        && p.message.contains(&e.message)
        && e.label
            .as_ref()
            .is_none_or(|l| p.label.as_deref().is_some_and(|pl| pl.contains(l.as_str())))
}

#[test]
fn every_broken_model_reports_exactly_its_problems() {
    let mut checked = 0;
    for case in cases() {
        let expect_text = if case.is_dir() {
            std::fs::read_to_string(case.join("expect.txt")).unwrap()
        } else {
            std::fs::read_to_string(&case).unwrap()
        };
        let expected = expectations(&expect_text);
        assert!(
            !expected.is_empty(),
            "{} states no expectation",
            case.display()
        );
        let problems = problems_of(&case);
        let errors: Vec<&Problem> = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        for e in &expected {
            assert!(
                errors.iter().any(|p| matches(p, e)),
                "{}: expected `{}` at {}:{}, got:\n{}",
                case.display(),
                e.message,
                e.line,
                e.col,
                problems
            );
        }
        assert_eq!(
            errors.len(),
            expected.len(),
            "{}: unexpected extra errors:\n{}",
            case.display(),
            problems
        );
        checked += 1;
    }
    assert!(checked >= 14, "only {checked} broken models found");
}

#[test]
fn five_problems_are_all_reported_with_their_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken/five_problems.toml");
    let problems = problems_of(&path);
    assert_eq!(problems.errors(), 5);
    for p in problems.iter() {
        let pos = p.loc.position().unwrap();
        assert!(pos.contains("five_problems.toml:"), "{pos}");
    }
}
