//! Every problem the model layer reports carries the stable code of its kind (`E04xx`, see
//! `model::error::ModelError`): broken models give the codes of their kinds, at their places.

use std::path::Path;

use supplygraph::diag::{ErrorCode, Problems, Severity};
use supplygraph::model;

fn problems_of(case: &str) -> Problems {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/broken")
        .join(case);
    model::load_path(&path).build().1
}

/// The codes of `case`'s problems, as `(line, column, code)`, in the order found.
fn codes(case: &str) -> Vec<(usize, usize, String)> {
    let problems = problems_of(case);
    problems
        .iter()
        .map(|p| {
            let code = p.code.unwrap_or_else(|| panic!("{case}: no code on {p}"));
            let (l, c) = p.loc.line_col().unwrap_or((0, 0));
            (l, c, code.to_string())
        })
        .collect()
}

fn has(case: &str, line: usize, col: usize, code: &str) {
    let found = codes(case);
    assert!(
        found.contains(&(line, col, code.to_string())),
        "{case}: expected {code} at {line}:{col}, found {found:?}"
    );
}

#[test]
fn broken_models_carry_the_codes_of_their_kinds() {
    has("five_problems.toml", 11, 10, "E0457"); // unknown region
    has("five_problems.toml", 15, 8, "E0446"); // unknown node kind
    has("five_problems.toml", 18, 6, "E0459"); // unknown node
    has("five_problems.toml", 19, 9, "E0454"); // share over 1
    has("duplicate_ids.toml", 14, 6, "E0448");
    has("duplicate_ids.toml", 20, 6, "E0448");
    has("edge_region.toml", 13, 8, "E0458");
    has("edge_region.toml", 18, 6, "E0458");
    has("mixed_shares.toml", 12, 1, "E0442");
    has("mixed_volumes.toml", 13, 1, "E0443");
    has("negative_figure.toml", 9, 22, "E0453");
    has("non_numeric.toml", 14, 9, "E0455");
    has("shares_over_one.toml", 17, 9, "E0444");
    has("undefined_source.toml", 10, 10, "E0449");
    has("unknown_unit.toml", 7, 31, "E0450");
    has("within_cycle.toml", 6, 10, "E0460");
    has("malformed_toml.toml", 7, 13, "E0401");
    has("csv_bad_rows", 4, 1, "E0406");
    has("csv_missing_columns", 1, 1, "E0405");
    has("csv_unclosed_quote", 3, 3, "E0403");
}

#[test]
fn every_broken_model_problem_has_a_model_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let problems = problems_of(&name);
        assert!(problems.has_errors(), "{name}");
        for p in problems.iter() {
            let code = p.code.unwrap_or_else(|| panic!("{name}: no code on {p}"));
            assert!(
                (ErrorCode(401)..=ErrorCode(499)).contains(&code),
                "{name}: {code}"
            );
            // Errors, warnings and information each have their own range.
            let range = match p.severity {
                Severity::Error => 401..=469,
                Severity::Warning => 470..=489,
                Severity::Info => 490..=499,
            };
            assert!(
                range.contains(&code.0),
                "{name}: {code} is a {}",
                p.severity
            );
        }
    }
}

#[test]
fn missing_models_and_write_errors_have_codes() {
    let (_, problems) = model::load_path(Path::new("no/such/model.toml")).build();
    let p = problems.iter().next().expect("a problem");
    assert_eq!(p.code, Some(ErrorCode(409)), "{p}");
    assert!(p.message.starts_with("no model at "), "{p}");

    let loaded = model::load_builtin();
    let out = Path::new("no/such/folder/model.toml");
    let e = model::load::write(&loaded.doc, model::Format::Toml, out).unwrap_err();
    assert!(
        e.to_string().starts_with("no/such/folder/model.toml: "),
        "{e}"
    );
    use supplygraph::diag::Code;
    let as_model = model::error::ModelError::from(e);
    assert_eq!(as_model.code(), ErrorCode(419));
}
