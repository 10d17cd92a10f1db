//! The bulk reader of plain tables (`model::bulk`) against the general reader, on random
//! `nodes.csv` and `edges.csv`, clean or broken in the ways tables break: unknown or duplicate
//! ids, bad kinds, statuses and numbers, shares out of range or not adding up, duplicate
//! suppliers, unknown sources, ragged rows, quoted fields, blank lines (before the header too),
//! byte order marks and CRLF line ends.
//!
//! Whatever the bulk reader accepts, the general reader must accept with the same problems
//! (notes) and build the same model, with the same definitions at the same places; whatever it
//! declines goes to the general reader anyway, so the two results must always be equal.
//!
//! And, since every format is read and written by the same field tables (`model::fields`): clean
//! tables converted to TOML, JSON or CSV load to the same model with the same definitions; and
//! clean tables converted to Parquet column for column are read in bulk from their columns, on
//! one thread or several, into the same model as from CSV.

use proptest::prelude::*;
use supplygraph::diag::Severity;
use supplygraph::model::{self, Format, Model};

mod common;

use common::Rng;

/// How often something goes wrong: 0 makes clean tables, larger makes more mistakes.
fn faulty(r: &mut Rng, mistakes: usize) -> bool {
    mistakes > 0 && r.one_in(60 / mistakes)
}

/// A problem a table must give: its file, line, column and message.
#[derive(Debug, Clone, PartialEq)]
struct Expected {
    file: &'static str,
    line: usize,
    column: usize,
    message: String,
}

/// A table being written, row by row, with the problems its mistakes must give.
struct TableText {
    file: &'static str,
    text: String,
    eol: &'static str,
    expected: Vec<Expected>,
}

impl TableText {
    /// Appends a row of `cells`; `faults` are (cell, message) pairs: the problems of the row if
    /// it is read (1 + its field count when it is `ragged`, where only that is reported).
    fn row(&mut self, cells: &[String], faults: Vec<(usize, String)>, ragged: Option<usize>) {
        let line = self.text.matches('\n').count() + 1;
        let mut column = 1;
        let mut columns = Vec::new();
        for c in cells {
            columns.push(column);
            column += c.chars().count() + 1;
        }
        match ragged {
            Some(header) => self.expected.push(Expected {
                file: self.file,
                line,
                column: 1,
                message: format!(
                    "this row has {} fields but the header has {header}",
                    cells.len()
                ),
            }),
            None => self
                .expected
                .extend(faults.into_iter().map(|(cell, message)| Expected {
                    file: self.file,
                    line,
                    column: columns[cell],
                    message,
                })),
        }
        self.text.push_str(&cells.join(","));
        self.text.push_str(self.eol);
    }
}

/// The problem of a faulty quantity `x` of figure `what` (`None` when it depends on the rest).
fn quantity_problem(what: &str, x: &str, fraction: bool) -> Option<String> {
    match x.trim().parse::<f64>() {
        Err(_) => Some(format!("{what} must be a number, found \"{}\"", x.trim())),
        Ok(v) if !v.is_finite() => Some("a figure must be a finite number".into()),
        Ok(v) if v < 0.0 => Some(format!("{what} must not be negative, found {v}")),
        Ok(v) if fraction && v > 1.0 => Some(format!("a share is a fraction in [0, 1], found {v}")),
        Ok(_) => None,
    }
}

/// Random `nodes.csv` and `edges.csv` texts, with problems they must give (each at its place;
/// others may follow from them).
fn tables(seed: u64, mistakes: usize) -> (String, String, Vec<Expected>) {
    let mut r = Rng(seed | 1);
    let nregions = r.below(4);
    let nnodes = 1 + r.below(12);
    let with_capacity = r.one_in(2);
    let with_source = r.one_in(3);
    let quoted = r.one_in(4);
    let crlf = r.one_in(5);
    let eol = if crlf { "\r\n" } else { "\n" };
    // Odd starts: a byte order mark, blank lines before the header.
    let lead = match r.below(6) {
        0 => "\u{feff}".to_string(),
        1 => eol.repeat(2),
        _ => String::new(),
    };

    let mut header = vec!["id", "name", "kind", "stage", "region"];
    if with_capacity {
        header.push("capacity");
    }
    if with_source {
        header.push("source");
    }
    let width = header.len();
    let mut nodes = TableText {
        file: "nodes.csv",
        text: lead.clone() + &header.join(",") + eol,
        eol,
        expected: Vec::new(),
    };
    // The capacity and source cells of a row, with their problems when `flow` (a flow node,
    // whose capacity is a quantity) or any row (a region's capacity is a mere attribute).
    let tail = |r: &mut Rng, cells: &mut Vec<String>, faults: &mut Vec<(usize, String)>, flow| {
        if with_capacity {
            let c = if faulty(r, mistakes) {
                let c = r.pick(&["-1", "lots", "inf"]);
                match quantity_problem("capacity", c, false) {
                    Some(m) if flow || c == "inf" => faults.push((cells.len(), m)),
                    _ => {}
                }
                c
            } else {
                r.pick(&["", "10", "2.5e3", " 7 "])
            };
            cells.push(c.to_string());
        }
        if with_source {
            if faulty(r, mistakes) {
                let m = "source \"nosuchsource\" is cited but not defined".to_string();
                faults.push((cells.len(), m));
                cells.push("nosuchsource".into());
            } else {
                cells.push(String::new());
            }
        }
    };
    for i in 0..nregions {
        let mut faults = Vec::new();
        let parent = if i > 0 && r.one_in(2) {
            format!("r{}", r.below(i))
        } else if faulty(&mut r, mistakes) {
            faults.push((4, "unknown region \"nowhere\"".to_string()));
            "nowhere".into()
        } else {
            String::new()
        };
        let mut cells: Vec<String> = vec![
            format!("r{i}"),
            format!("Region {i}"),
            "region".into(),
            String::new(),
            parent,
        ];
        tail(&mut r, &mut cells, &mut faults, false);
        nodes.row(&cells, faults, None);
    }
    let kinds = ["mine", "facility", "stage", "product", "end_use"];
    for i in 0..nnodes {
        let mut faults = Vec::new();
        let id = if faulty(&mut r, mistakes) {
            r.pick(&["n0", "N0", "r0", ""]).to_string()
        } else {
            format!("n{i}")
        };
        let name = if quoted && r.one_in(2) {
            format!("\"Site {i}, \"\"Ltd\"\"\"")
        } else if r.one_in(4) {
            String::new()
        } else {
            format!("Site {i}")
        };
        let kind = if faulty(&mut r, mistakes) {
            r.pick(&["region", "", "warehouse"])
        } else {
            r.pick(&kinds)
        };
        // A row without id or kind is not read further; one of kind `region` is a region.
        let read = !id.is_empty() && !kind.is_empty();
        let flow = read && kind != "region";
        if id.is_empty() {
            faults.push((0, "this row has an empty `id`".into()));
        }
        if kind.is_empty() {
            faults.push((0, "this row has an empty `kind`".into()));
        }
        if read && kind == "warehouse" {
            faults.push((2, "unknown node kind \"warehouse\"".into()));
        }
        let stage = r.pick(&["", "mining", "magnet"]);
        let region = if nregions > 0 && r.one_in(2) {
            format!("r{}", r.below(nregions))
        } else if faulty(&mut r, mistakes) {
            let region = r.pick(&["atlantis", "n0"]);
            if read && region == "atlantis" {
                faults.push((4, "unknown region \"atlantis\"".into()));
            }
            region.to_string()
        } else {
            String::new()
        };
        let mut cells = vec![id, name, kind.to_string(), stage.to_string(), region];
        tail(&mut r, &mut cells, &mut faults, flow);
        if !read {
            // Only what is missing is reported.
            faults.retain(|(_, m)| m.starts_with("this row has an empty"));
        }
        let ragged = faulty(&mut r, mistakes);
        if ragged {
            cells.push("extra".into());
        }
        nodes.row(&cells, faults, ragged.then_some(width));
        if r.one_in(8) {
            nodes.text.push_str(eol);
        }
    }

    let with_status = r.one_in(3);
    let with_note = r.one_in(3);
    let mut header = vec!["from", "to", "material", "share", "volume"];
    if with_status {
        header.push("status");
    }
    if with_note {
        header.push("note");
    }
    let width = header.len();
    let mut edges = TableText {
        file: "edges.csv",
        text: lead + &header.join(",") + eol,
        eol,
        expected: Vec::new(),
    };
    // How groups are split: equally, by volume, by share, or a mix (often not adding up).
    let style = r.below(4);
    let node = |r: &mut Rng| format!("n{}", r.below(nnodes));
    for _ in 0..r.below(3 * nnodes + 1) {
        let mut faults = Vec::new();
        let from = if faulty(&mut r, mistakes) {
            let from = r.pick(&["ghost", "r0", ""]);
            match from {
                "" => faults.push((0, "this row has an empty `from`".into())),
                "ghost" => faults.push((0, "unknown node \"ghost\"".into())),
                _ => {}
            }
            from.to_string()
        } else {
            node(&mut r)
        };
        let to = if r.one_in(3) {
            "n0".to_string()
        } else {
            node(&mut r)
        };
        let material = r.pick(&["", "ore", "ore", "metal", "Ore"]);
        let (shares, volumes): (&[&str], &[&str]) = match style {
            0 => (&[""], &[""]),
            1 => (&[""], &["10", "3", "0", "2.5"]),
            2 => (&["0.1", "0.25", "0.05"], &["", "7"]),
            _ => (
                &["", "", "", "0.5", "0.25", "1", "0.3"],
                &["", "", "10", "3", "0"],
            ),
        };
        let share = if faulty(&mut r, mistakes) {
            let s = r.pick(&["1.5", "-0.2", "half", "0.9"]);
            faults.extend(quantity_problem("share", s, true).map(|m| (3, m)));
            s
        } else {
            r.pick(shares)
        };
        let volume = if faulty(&mut r, mistakes) {
            let v = r.pick(&["-3", "many", "NaN"]);
            faults.extend(quantity_problem("volume", v, false).map(|m| (4, m)));
            v
        } else {
            r.pick(volumes)
        };
        let mut cells: Vec<String> = [from.as_str(), &to, material, share, volume]
            .map(String::from)
            .to_vec();
        if with_status {
            let s = if faulty(&mut r, mistakes) {
                faults.push((cells.len(), "unknown edge status \"closed\"".into()));
                "closed"
            } else {
                r.pick(&["", "", "operating", "planned", "stopped"])
            };
            cells.push(s.into());
        }
        if with_note {
            let n = if quoted && r.one_in(3) {
                "\"from the 2024 report, p. 3\""
            } else {
                r.pick(&["", "checked", "42"])
            };
            cells.push(n.into());
        }
        if from.is_empty() {
            // Only what is missing is reported.
            faults.retain(|(_, m)| m.starts_with("this row has an empty"));
        }
        let ragged = faulty(&mut r, mistakes) && r.one_in(2);
        if ragged {
            cells.push("ragged".into());
        }
        edges.row(&cells, faults, ragged.then_some(width));
        // The same supplier twice in a group: a warning, which the bulk reader leaves to the
        // general reader.
        if style == 0 && r.one_in(6) {
            let mut cells = vec![from, to, material.to_string()];
            cells.resize(width, String::new());
            edges.row(&cells, Vec::new(), None);
        }
    }
    let mut expected = nodes.expected;
    expected.extend(edges.expected);
    (nodes.text, edges.text, expected)
}

/// Whether every expected problem is among `problems`, at its place.
fn has_expected(
    problems: &supplygraph::diag::Problems,
    expected: &[Expected],
) -> Result<(), TestCaseError> {
    for e in expected {
        let place = format!("{}:{}:{}", e.file, e.line, e.column);
        let found = problems.0.iter().any(|p| {
            p.message == e.message
                && p.loc
                    .position()
                    .is_some_and(|at| at.ends_with(&format!("/{place}")))
        });
        prop_assert!(found, "no \"{}\" at {}\n{}", e.message, place, problems);
    }
    Ok(())
}

/// The model and the problems, as each reader gives them.
fn read_both(nodes: &str, edges: &str) -> [(Option<Model>, supplygraph::diag::Problems); 2] {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("nodes.csv"), nodes).expect("nodes.csv written");
    std::fs::write(dir.path().join("edges.csv"), edges).expect("edges.csv written");
    let loaded = model::load_path(dir.path());
    assert!(loaded.bulk.is_some(), "the tables are for the bulk reader");
    let bulk = loaded.build();
    // The bulk reader reads the same on several threads, the rows of each table split in
    // runs (it does so by itself only for large tables).
    for threads in [2, 3] {
        let (m, p) = model::load_path(dir.path()).build_split(Some(threads));
        assert_eq!(p.to_string(), bulk.1.to_string(), "{threads} threads");
        match (&m, &bulk.0) {
            (Some(a), Some(b)) => {
                assert_eq!(
                    common::fingerprint(a),
                    common::fingerprint(b),
                    "{threads} threads"
                );
                assert_eq!(common::definitions(a), common::definitions(b));
                let comps = |m: &Model| {
                    let of: Vec<u32> = (0..u32::try_from(m.entities.len()).unwrap())
                        .map(|v| m.net.comp_of(v))
                        .collect();
                    (of, m.net.in_src.clone(), m.net.in_supply.clone())
                };
                assert_eq!(comps(a), comps(b), "{threads} threads");
            }
            (None, None) => {}
            _ => panic!("built on one thread and not on {threads}\n{nodes}\n{edges}"),
        }
    }
    let general = model::load_path(dir.path()).into_full();
    assert!(general.bulk.is_none());
    [bulk, general.build()]
}

/// How the tables were read: not built, built by the general reader, or by the bulk reader.
#[derive(PartialEq, Debug)]
enum Outcome {
    Refused,
    General,
    Bulk,
}

fn same_result(nodes: &str, edges: &str, expected: &[Expected]) -> Result<Outcome, TestCaseError> {
    let [(bulk, p1), (full, p2)] = read_both(nodes, edges);
    has_expected(&p1, expected)?;
    prop_assert!(expected.is_empty() || p1.has_errors());
    // Tables without errors or warnings are read in bulk: the fast path declines nothing clean.
    let clean = p2.iter().all(|p| p.severity == Severity::Info);
    prop_assert!(
        !clean || bulk.as_ref().is_some_and(|m| m.rows.nodes.is_some()),
        "clean tables not read in bulk\n{nodes}\n{edges}"
    );
    let (p1, p2) = (p1.to_string(), p2.to_string());
    prop_assert_eq!(&p1, &p2, "problems differ\n{}\n{}", nodes, edges);
    match (bulk, full) {
        (Some(a), Some(b)) => {
            prop_assert_eq!(common::fingerprint(&a), common::fingerprint(&b));
            prop_assert_eq!(common::definitions(&a), common::definitions(&b));
            prop_assert_eq!(a.cycles.len(), b.cycles.len());
            prop_assert!(b.rows.nodes.is_none());
            Ok(if a.rows.nodes.is_some() {
                Outcome::Bulk
            } else {
                Outcome::General
            })
        }
        (None, None) => Ok(Outcome::Refused),
        (a, b) => {
            prop_assert!(
                false,
                "bulk built: {}, general built: {}\n{nodes}\n{edges}",
                a.is_some(),
                b.is_some()
            );
            Ok(Outcome::Refused)
        }
    }
}

/// A model's definitions without their places (which differ between formats).
fn unplaced(m: &Model) -> Vec<String> {
    common::definitions(m)
        .into_iter()
        .map(|d| {
            d.rsplit_once(" at ")
                .map_or(d.clone(), |(d, _)| d.to_string())
        })
        .collect()
}

/// The model of the tables, and the model of the tables converted to `format`, each with its
/// definitions (without places, which differ between formats).
fn converted(nodes: &str, edges: &str, format: Format) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let tables = dir.path().join("tables");
    std::fs::create_dir(&tables).expect("folder made");
    std::fs::write(tables.join("nodes.csv"), nodes).expect("nodes.csv written");
    std::fs::write(tables.join("edges.csv"), edges).expect("edges.csv written");
    let loaded = model::load_path(&tables).into_full();
    let out = dir.path().join(match format {
        Format::Toml => "model.toml",
        Format::Json => "model.json",
        Format::Csv => "out",
        Format::Parquet => "out",
        Format::Graphml | Format::Neo4j => unreachable!("exports only: not read back"),
    });
    model::load::write(&loaded.doc, format, &out).expect("written");
    let (a, pa) = loaded.build();
    let (b, pb) = model::load_path(&out).build();
    // Clean tables may still not add up; then the converted model does not either.
    prop_assert_eq!(pa.0.len(), pb.0.len(), "{}\n{}", pa, pb);
    let (Some(a), Some(b)) = (a, b) else {
        prop_assert!(
            pa.has_errors() && pb.has_errors(),
            "{pa}\n{pb}\n{nodes}\n{edges}"
        );
        return Ok(());
    };
    prop_assert_eq!(common::fingerprint(&a), common::fingerprint(&b));
    prop_assert_eq!(unplaced(&a), unplaced(&b));
    Ok(())
}

/// The tables as CSV and as Parquet (converted column for column, `convert --to parquet`'s
/// converter) build the same model, both in bulk, on 1, 2 and 3 threads.
fn same_from_parquet(nodes: &str, edges: &str) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (csv, pq) = (dir.path().join("csv"), dir.path().join("pq"));
    std::fs::create_dir(&csv).expect("folder made");
    std::fs::write(csv.join("nodes.csv"), nodes).expect("nodes.csv written");
    std::fs::write(csv.join("edges.csv"), edges).expect("edges.csv written");
    model::parquet_write::csv_folder(&csv, &pq).expect("converted to Parquet");
    let (a, pa) = model::load_path(&csv).build();
    // Chunks of a few rows: even these small tables are read in runs, side by side.
    model::parquet_read::set_chunk_rows(3);
    for threads in [1, 2, 3] {
        let (b, pb) = model::load_path(&pq).build_split(Some(threads));
        let messages = |p: &supplygraph::diag::Problems| {
            let mut m: Vec<String> = p.iter().map(|p| p.message.clone()).collect();
            m.sort();
            m
        };
        prop_assert_eq!(messages(&pa), messages(&pb), "{}\n{}", pa, pb);
        let (Some(a), Some(b)) = (&a, &b) else {
            prop_assert!(a.is_none() && b.is_none(), "{pa}\n{pb}\n{nodes}\n{edges}");
            continue;
        };
        prop_assert_eq!(
            a.rows.nodes.is_some(),
            b.rows.nodes.is_some(),
            "read in bulk"
        );
        prop_assert_eq!(common::fingerprint(a), common::fingerprint(b));
        prop_assert_eq!(unplaced(a), unplaced(b));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn clean_tables_read_the_same_from_parquet(seed in any::<u64>()) {
        let (nodes, edges, _) = tables(seed, 0);
        same_from_parquet(&nodes, &edges)?;
    }

    #[test]
    fn clean_tables_convert_to_every_format_and_back(seed in any::<u64>(), to in 0usize..4) {
        let (nodes, edges, _) = tables(seed, 0);
        let formats = [Format::Toml, Format::Json, Format::Csv, Format::Parquet];
        converted(&nodes, &edges, formats[to])?;
    }

    #[test]
    fn clean_tables_build_the_same_model(seed in any::<u64>()) {
        let (nodes, edges, expected) = tables(seed, 0);
        prop_assert!(expected.is_empty());
        same_result(&nodes, &edges, &expected)?;
    }

    #[test]
    fn broken_tables_give_the_same_problems(seed in any::<u64>(), mistakes in 1usize..6) {
        let (nodes, edges, expected) = tables(seed, mistakes);
        same_result(&nodes, &edges, &expected)?;
    }
}

/// The generator makes tables of every outcome: clean ones mostly taken by the bulk reader,
/// broken ones mostly refused, and some in between that the general reader builds with warnings.
#[test]
fn the_random_tables_cover_every_outcome() {
    let count = |mistakes: usize, outcome: Outcome| {
        (0..200u64)
            .filter(|&s| {
                let (n, e, expected) = tables(s * 7919 + 3, mistakes);
                same_result(&n, &e, &expected).is_ok_and(|o| o == outcome)
            })
            .count()
    };
    let clean_bulk = count(0, Outcome::Bulk);
    let clean_general = count(0, Outcome::General);
    let broken_refused = count(5, Outcome::Refused);
    assert!(
        clean_bulk > 60,
        "{clean_bulk} of 200 clean tables read in bulk"
    );
    assert!(
        clean_general > 10,
        "{clean_general} of 200 clean tables read in full"
    );
    assert!(
        broken_refused > 100,
        "{broken_refused} of 200 broken tables refused"
    );
    // Broken tables say which problems they must give, of every sort the generator makes.
    let mut sorts = std::collections::BTreeSet::new();
    for s in 0..200u64 {
        let (_, _, expected) = tables(s * 7919 + 3, 5);
        sorts.extend(expected.iter().map(|e| {
            e.message
                .split(|c: char| "\",".contains(c) || c.is_ascii_digit())
                .next()
                .unwrap_or("")
                .to_string()
        }));
    }
    assert_eq!(sorts.len(), 17, "{sorts:#?}");
}
