//! One file per query case under `tests/queries/`, run on `tests/models/small.toml`, with its
//! output (or error, with its caret) kept as an insta snapshot; and parse → print → parse
//! round-trips for every statement.

use std::path::Path;
use std::sync::Arc;

use supplygraph::diag::SourceText;
use supplygraph::model::{self, Model};
use supplygraph::query::{parse, Outcome, Session};

fn small() -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models/small.toml");
    let (m, p) = model::load_path(&path).build();
    m.unwrap_or_else(|| panic!("{p}"))
}

#[test]
fn query_cases() {
    let m = small();
    insta::glob!("queries/*.sgq", |path| {
        insta::assert_snapshot!(run_case(&m, path));
    });
}

/// Cases on quantities (`shortfall of`, `as of`), on `tests/models/small_figures.toml`.
#[test]
fn figure_query_cases() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models/small_figures.toml");
    let (m, p) = model::load_path(&path).build();
    let m = m.unwrap_or_else(|| panic!("{p}"));
    insta::glob!("queries_figures/*.sgq", |path| {
        insta::assert_snapshot!(run_case(&m, path));
    });
}

/// Cases on the built-in (flagship) model: named scenarios, many end uses, uncertainty over
/// its assumed figures.
#[test]
fn flagship_query_cases() {
    let (m, p) = model::load_builtin().build();
    let m = m.unwrap_or_else(|| panic!("{p}"));
    insta::glob!("queries_flagship/*.sgq", |path| {
        insta::assert_snapshot!(run_case(&m, path));
    });
}

/// The output of one case file, every statement's canonical form checked to parse back equal.
fn run_case(m: &Model, path: &Path) -> String {
    {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let file = Arc::new(SourceText::new(name, text.clone()));
        let (mut session, problems) = Session::new(m);
        assert!(problems.is_empty());
        let mut out = String::new();
        for range in parse::split(&text) {
            match parse::parse_statement(&file, range) {
                Err(p) => out.push_str(&p.to_string()),
                Ok(st) => {
                    // The canonical form parses back to the same statement.
                    let printed = st.to_string();
                    let again =
                        parse::parse_one(&printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
                    assert_eq!(st, again, "round trip of {printed}");
                    assert_eq!(printed, again.to_string());
                    match session.run(&file, &st) {
                        Ok(Outcome::Table(t)) => out.push_str(&t.to_text(Some(200))),
                        Ok(Outcome::Message(msg)) => out.push_str(&format!("{msg}\n")),
                        Ok(Outcome::Diagram(d)) => {
                            out.push_str(&format!("diagram to {}\n", d.path))
                        }
                        Err(p) => out.push_str(&p.to_string()),
                    }
                }
            }
        }
        out
    }
}

/// A target without the figure the shortfall needs: E0222, naming it by name and id.
#[test]
fn a_missing_figure_is_e0222_naming_the_node() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models/small_figures.toml");
    let (m, p) = model::load_path(&path).build();
    let m = m.unwrap_or_else(|| panic!("{p}"));
    let (mut session, _) = Session::new(&m);
    let text = r#"with as of 2030: shortfall of "Wind turbines""#;
    let file = Arc::new(SourceText::new("<t>", text));
    let st = parse::parse_one(text).unwrap();
    let e = session.run(&file, &st).unwrap_err();
    assert_eq!(e.code.map(|c| c.0), Some(222), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains(r#""Wind turbines" (wind) has no output"#),
        "{msg}"
    );
}

/// `shortfall of` in JSON: one object per target keyed `id`, `name`, `demand`, `supply`,
/// `shortfall`, `shortfall_share`; Mine B lost leaves 60 t from Mine A and 30 t from the
/// importer (see tests/queries_figures/shortfall.sgq), whole tonnes without solver noise.
#[test]
fn shortfall_rows_in_json_are_keyed_by_design() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models/small_figures.toml");
    let (m, p) = model::load_path(&path).build();
    let m = m.unwrap_or_else(|| panic!("{p}"));
    let (mut session, _) = Session::new(&m);
    let text = r#"with disrupt "Mine B": shortfall of "Electric vehicles""#;
    let file = Arc::new(SourceText::new("<t>", text));
    let st = parse::parse_one(text).unwrap();
    let Ok(Outcome::Table(t)) = session.run(&file, &st) else {
        panic!("a table")
    };
    let j: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
    assert_eq!(
        j,
        serde_json::json!([{"id": "ev", "name": "Electric vehicles", "demand": 100.0,
            "supply": 90.0, "shortfall": 10.0, "shortfall_share": 0.1}])
    );
}
