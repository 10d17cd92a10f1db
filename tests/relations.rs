//! Results as relations (`where`, `order by`, `limit`, `columns`, `let NAME = STATEMENT`),
//! `compare`, and chokepoints of many targets, each checked against the plain statements run
//! separately and filtered, joined or split here in the test.

use std::collections::HashMap;
use std::sync::Arc;

use supplygraph::diag::{ErrorCode, SourceText};
use supplygraph::model::{self, Model};
use supplygraph::output::{Cell, Table};
use supplygraph::query::{parse, Outcome, Session};

mod common;

use common::{num, text, Rng};

fn flagship() -> Model {
    let (m, p) = model::load_builtin().build();
    m.unwrap_or_else(|| panic!("{p}"))
}

/// Runs a script in one session; the outcome of its last statement.
fn run(m: &Model, script: &str) -> Result<Outcome, supplygraph::diag::Problem> {
    let file = Arc::new(SourceText::new("<t>", script.to_string()));
    let (mut s, _) = Session::new(m);
    let mut last = None;
    for r in parse::split(script) {
        let st = parse::parse_statement(&file, r)?;
        last = Some(s.run(&file, &st)?);
    }
    Ok(last.expect("a statement"))
}

fn table(m: &Model, script: &str) -> Table {
    match run(m, script) {
        Ok(Outcome::Table(t)) => t,
        other => panic!("{script}: {other:?}"),
    }
}

fn col(t: &Table, name: &str) -> usize {
    t.columns
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", t.columns))
}

/// `where exposure > X order by exposure desc, id limit N` equals the plain result filtered,
/// sorted and cut here, for random thresholds, sources and limits.
#[test]
fn where_order_limit_agree_with_filtering_the_plain_result() {
    let m = flagship();
    let mut rng = Rng(0x5eed_1234);
    let sources = ["China", "Australia", "United States", "Myanmar", "Japan"];
    for _ in 0..12 {
        let source = rng.pick(&sources);
        let x = (rng.below(100) as f64) / 100.0;
        let n = 1 + rng.below(8);
        let plain = format!(r#"exposure of nodes where kind = end_use to "{source}""#);
        let all = table(&m, &plain);
        let (ie, ii) = (col(&all, "exposure"), col(&all, "id"));
        let mut want: Vec<(String, f64)> = all
            .rows
            .iter()
            .map(|r| (text(&r[ii]), num(&r[ie])))
            .filter(|(_, e)| *e > x)
            .collect();
        want.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        want.truncate(n);
        // As a percentage too: `> 37%` is `> 0.37`.
        for threshold in [format!("{x}"), format!("{}%", x * 100.0)] {
            let got = table(
                &m,
                &format!("{plain} where exposure > {threshold} order by exposure desc, id limit {n} columns id, exposure"),
            );
            assert_eq!(got.columns, ["id", "exposure"]);
            let got: Vec<(String, f64)> =
                got.rows.iter().map(|r| (text(&r[0]), num(&r[1]))).collect();
            assert_eq!(got, want, "{source} > {threshold} limit {n}");
        }
    }
}

/// Text conditions: `country = "China"` (any case), `!=`, `in`, `~`, `has`, and `not`.
#[test]
fn text_conditions_agree_with_filtering_the_plain_result() {
    let m = flagship();
    let plain = r#"chokepoints of "US wind turbines""#;
    let all = table(&m, plain);
    let ic = col(&all, "country");
    let country = |r: &Vec<Cell>| match &r[ic] {
        Cell::Text(s) => Some(s.clone()),
        _ => None,
    };
    let count =
        |f: &dyn Fn(Option<String>) -> bool| all.rows.iter().filter(|r| f(country(r))).count();
    let cases: Vec<(&str, usize)> = vec![
        (
            r#"country = "china""#,
            count(&|c| c.as_deref() == Some("China")),
        ),
        (
            r#"country != "China""#,
            count(&|c| c.as_deref() != Some("China")),
        ),
        (
            r#"country in ("Japan", "Australia")"#,
            count(&|c| matches!(c.as_deref(), Some("Japan" | "Australia"))),
        ),
        (
            r#"country ~ "united""#,
            count(&|c| c.is_some_and(|c| c.contains("United"))),
        ),
        ("has country", count(&|c| c.is_some())),
        ("not has country", count(&|c| c.is_none())),
    ];
    for (cond, want) in cases {
        let got = table(&m, &format!("{plain} where {cond}"));
        assert_eq!(got.rows.len(), want, "{cond}");
        assert!(
            want > 0 || cond.contains("in ("),
            "{cond}: a case that tests nothing"
        );
    }
}

/// `let NAME = STATEMENT` holds the nodes of the result's `id` column.
#[test]
fn a_bound_result_is_its_id_column() {
    let m = flagship();
    let all = table(&m, r#"exposure of nodes where kind = end_use to "China""#);
    let (ie, ii) = (col(&all, "exposure"), col(&all, "id"));
    let mut want: Vec<String> = all
        .rows
        .iter()
        .filter(|r| num(&r[ie]) > 0.99)
        .map(|r| text(&r[ii]))
        .collect();
    want.sort();
    let got = table(
        &m,
        r#"let weak = exposure of nodes where kind = end_use to "China" where exposure > 0.99; weak"#,
    );
    let mut got: Vec<String> = got.rows.iter().map(|r| text(&r[0])).collect();
    got.sort();
    assert_eq!(got, want);
    assert!(!want.is_empty());
}

/// A value per id from a table's column.
fn by_id(t: &Table, column: &str) -> HashMap<String, Cell> {
    let (ii, ic) = (col(t, "id"), col(t, column));
    t.rows
        .iter()
        .map(|r| (text(&r[ii]), r[ic].clone()))
        .collect()
}

/// A compare's columns are the statement run under each case on its own, and the differences
/// are those of the separate runs.
#[test]
fn compare_columns_equal_the_separate_runs() {
    let m = flagship();
    for (body, measure) in [
        ("loss of nodes where kind = end_use", "loss"),
        (r#"chokepoints of "US wind turbines""#, "impact"),
        (
            r#"exposure of nodes where kind = end_use to "Japan""#,
            "exposure",
        ),
    ] {
        let cmp = table(
            &m,
            &format!(
                "compare scenario april_2025_controls, scenario us_magnets_stop, baseline: {body}"
            ),
        );
        let base = by_id(&table(&m, body), measure);
        let runs = [
            (
                "april_2025_controls",
                by_id(
                    &table(&m, &format!("with scenario april_2025_controls: {body}")),
                    measure,
                ),
            ),
            (
                "us_magnets_stop",
                by_id(
                    &table(&m, &format!("with scenario us_magnets_stop: {body}")),
                    measure,
                ),
            ),
            ("baseline", base.clone()),
        ];
        let ids: std::collections::BTreeSet<&String> =
            runs.iter().flat_map(|(_, r)| r.keys()).collect();
        assert_eq!(
            cmp.rows.len(),
            ids.len(),
            "{body}: one row per id of any run"
        );
        let ii = col(&cmp, "id");
        for (case, run) in &runs {
            let c = col(&cmp, &format!("{measure}_{case}"));
            for r in &cmp.rows {
                let id = text(&r[ii]);
                assert_eq!(
                    Some(&r[c]),
                    run.get(&id).or(Some(&Cell::Null)),
                    "{body}: {case} {id}"
                );
            }
            if *case != "baseline" {
                let d = col(&cmp, &format!("diff_{measure}_{case}"));
                for r in &cmp.rows {
                    let id = text(&r[ii]);
                    if let (Some(Cell::Num(a)), Some(Cell::Num(b))) = (run.get(&id), base.get(&id))
                    {
                        assert_eq!(num(&r[d]), a - b, "{body}: diff {case} {id}");
                    }
                }
            }
        }
    }
}

/// Without a baseline, differences are against the first case.
#[test]
fn without_a_baseline_the_first_case_is_the_reference() {
    let m = flagship();
    let t = table(
        &m,
        "compare scenario us_magnets_stop, scenario us_magnets_down: loss of nodes where kind = end_use",
    );
    assert!(t.columns.iter().any(|c| c == "diff_loss_us_magnets_down"));
    assert!(!t.columns.iter().any(|c| c == "diff_loss_us_magnets_stop"));
    let (a, b, d) = (
        col(&t, "loss_us_magnets_stop"),
        col(&t, "loss_us_magnets_down"),
        col(&t, "diff_loss_us_magnets_down"),
    );
    for r in &t.rows {
        assert_eq!(num(&r[d]), num(&r[b]) - num(&r[a]));
    }
}

/// Chokepoints of several targets: each target's rows are exactly its own run's, in order.
#[test]
fn many_target_chokepoints_equal_the_per_target_runs() {
    let m = flagship();
    let set = r#"nodes where kind = end_use and region = "United States""#;
    for suffix in ["", " by country", " limit 3"] {
        let many = table(&m, &format!("chokepoints of {set}{suffix}"));
        assert_eq!(many.columns[0], "target");
        let ids = table(&m, set);
        let targets: Vec<String> = ids.rows.iter().map(|r| text(&r[0])).collect();
        assert!(targets.len() > 1);
        let mut expected: Vec<Vec<Cell>> = Vec::new();
        for t in &targets {
            let one = table(&m, &format!(r#"chokepoints of "{t}"{suffix}"#));
            assert_eq!(&many.columns[1..], &one.columns[..]);
            for r in one.rows {
                let mut row = vec![Cell::Text(t.clone())];
                row.extend(r);
                expected.push(row);
            }
        }
        assert_eq!(many.rows, expected, "chokepoints of many{suffix}");
    }
}

#[test]
fn an_unknown_column_is_e0115_with_the_columns_listed() {
    let m = flagship();
    for q in [
        r#"chokepoints of "US wind turbines" where impct > 0.5"#,
        r#"chokepoints of "US wind turbines" order by impct"#,
        r#"chokepoints of "US wind turbines" columns id, impct"#,
    ] {
        let p = run(&m, q).unwrap_err();
        assert_eq!(p.code, Some(ErrorCode(115)), "{q}");
        let shown = p.to_string();
        assert!(shown.contains("did you mean `impact`?"), "{shown}");
        assert!(
            shown.contains("id, name, stage, country, impact, critical"),
            "{shown}"
        );
    }
}

#[test]
fn new_forms_print_canonically_and_parse_back() {
    for (q, printed) in [
        (
            r#"CHOKEPOINTS OF ("a" EXCEPT "b") WHERE Impact > 90% ORDER BY impact DESC, id ASC LIMIT 3 COLUMNS id"#,
            r#"chokepoints of ("a" except "b") where Impact > 90% order by impact desc, id limit 3 columns id"#,
        ),
        (
            r#"compare scenario x, baseline: loss of "a" where diff_loss_x > 0"#,
            r#"compare scenario x, baseline: loss of "a" where diff_loss_x > 0"#,
        ),
        (
            r#"let w = exposure of nodes where kind = mine to "b" where exposure > 0.5"#,
            r#"let w = exposure of nodes where kind = mine to "b" where exposure > 0.5"#,
        ),
        (r#"let w = "a", "b""#, r#"let w = "a" union "b""#),
        // A bare `nodes` before the result's `where` is parenthesised, or it would take it.
        (
            r#"loss of upstream of (nodes) where loss > 0"#,
            r#"loss of upstream of (nodes) where loss > 0"#,
        ),
        (
            r#"(nodes) where kind = mine"#,
            r#"(nodes) where kind = mine"#,
        ),
    ] {
        let st = parse::parse_one(q).unwrap_or_else(|e| panic!("{q}: {e}"));
        assert_eq!(st.to_string(), printed);
        assert_eq!(parse::parse_one(printed).expect("parses"), st);
    }
    // A filter after a compared statement is the compare's.
    let st = parse::parse_one(r#"compare scenario x, baseline: loss of "a" limit 2"#).unwrap();
    assert!(matches!(
        st.stmt,
        supplygraph::query::ast::Stmt::Refine { ref body, .. }
            if matches!(body.stmt, supplygraph::query::ast::Stmt::Compare { .. })
    ));
}

#[test]
fn misplaced_or_ambiguous_forms_are_errors() {
    for (q, says) in [
        (r#"chokepoints of "a" except "b""#, "ambiguous"),
        (r#"diagram loss of "a" to "x.svg" limit 2"#, "before `to`"),
        (
            r#"compare scenario x, scenario x: loss of "a""#,
            "compared twice",
        ),
        (
            r#"compare scenario x, baseline: let y = "a""#,
            "compare takes a measure",
        ),
        (r#"compare scenario x: loss of "a""#, "two cases or more"),
        (r#"let y = let z = "a""#, "binds a node set or a result"),
        (r#"chokepoints of "a" by cuntry"#, "did you mean `country`?"),
        (
            r#"chokepoints of "a" ordr by impact"#,
            "did you mean `order`?",
        ),
    ] {
        let e = parse::parse_one(q).unwrap_err().to_string();
        assert!(e.contains(says), "{q}: {e}");
    }
}

#[test]
fn a_number_compares_with_numbers_only_and_a_flag_with_yes_or_no() {
    let m = flagship();
    // `show`'s value column mixes text (name, kind...) and numbers: `> 0.5` keeps exactly the
    // numeric rows above 0.5, never a text row by its spelling.
    let all = table(&m, r#"show "bayan-obo""#);
    let v = col(&all, "value");
    let want: Vec<String> = all
        .rows
        .iter()
        .filter(|r| matches!(r[v], Cell::Num(x) if x > 0.5))
        .map(|r| text(&r[1]))
        .collect();
    let got = table(&m, r#"show "bayan-obo" where value > 0.5"#);
    let got: Vec<String> = got.rows.iter().map(|r| text(&r[1])).collect();
    assert!(!want.is_empty() && got == want, "{got:?} vs {want:?}");
    // A yes/no column takes yes, no, true or false, and nothing else.
    for bad in ["critical = maybe", "critical > 0"] {
        let e = run(
            &m,
            &format!(r#"chokepoints of "Wind turbines" where {bad}"#),
        )
        .expect_err(bad);
        assert!(e.to_string().contains("cannot be compared"), "{bad}: {e}");
    }
}

#[test]
fn a_filtered_result_draws_the_rows_it_keeps() {
    let m = flagship();
    let all = table(&m, r#"exposure of nodes where kind = end_use to "China""#);
    let e = col(&all, "exposure");
    let high: Vec<String> = all
        .rows
        .iter()
        .filter(|r| num(&r[e]) > 0.99)
        .map(|r| text(&r[0]))
        .collect();
    assert!(!high.is_empty() && high.len() < all.rows.len());
    let t = table(
        &m,
        r#"exposure of nodes where kind = end_use to "China" where exposure > 0.99"#,
    );
    let g = t.graph.as_ref().expect("a picture");
    let mut drawn: Vec<String> = g
        .nodes
        .iter()
        .map(|&v| m.entity(v).id.to_string())
        .collect();
    drawn.sort();
    let mut want = high.clone();
    want.sort();
    assert_eq!(drawn, want);
}

#[test]
fn mixed_columns_sort_numbers_first_and_compare_cases_need_distinct_columns() {
    let m = flagship();
    // `show`'s value column mixes numbers and text: numbers first, in order, then text.
    let t = table(&m, r#"show "bayan-obo" order by value"#);
    let v = col(&t, "value");
    let first_text = t
        .rows
        .iter()
        .position(|r| matches!(r[v], Cell::Text(_)))
        .expect("text values");
    let nums: Vec<f64> = t.rows[..first_text].iter().map(|r| num(&r[v])).collect();
    assert!(
        !nums.is_empty() && nums.windows(2).all(|w| w[0] <= w[1]),
        "{nums:?}"
    );
    assert!(t.rows[first_text..]
        .iter()
        .all(|r| !matches!(r[v], Cell::Num(_) | Cell::Int(_))));
    // Two scenarios whose names make the same columns (`a_b`, `a__b`): an error, not two
    // columns of one name.
    let e = run(
        &m,
        r#"scenario a_b = disrupt "China" by 10%; scenario a__b = disrupt "China" by 20%; compare scenario a_b, scenario a__b: loss of "Wind turbines""#,
    )
    .expect_err("same columns");
    assert_eq!(e.code, Some(ErrorCode(207)), "{e}");
}
