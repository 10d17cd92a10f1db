//! The bulk reader of plain tables (`model::bulk`) against the general reader, on random
//! `nodes.csv` and `edges.csv`, clean or broken in the ways tables break: unknown or duplicate
//! ids, bad kinds, statuses and numbers, shares out of range or not adding up, duplicate
//! suppliers, unknown sources, ragged rows, quoted fields, blank lines and CRLF line ends.
//!
//! Whatever the bulk reader accepts, the general reader must accept with the same problems
//! (notes) and build the same model, with the same definitions at the same places; whatever it
//! declines goes to the general reader anyway, so the two results must always be equal.
//!
//! And, since every format is read and written by the same field tables (`model::fields`): clean
//! tables converted to TOML, JSON or CSV load to the same model with the same definitions.

use proptest::prelude::*;
use supplygraph::model::{self, Format, Model};

mod common;

use common::Rng;

/// How often something goes wrong: 0 makes clean tables, larger makes more mistakes.
fn faulty(r: &mut Rng, mistakes: usize) -> bool {
    mistakes > 0 && r.one_in(60 / mistakes)
}

/// Random `nodes.csv` and `edges.csv` texts.
fn tables(seed: u64, mistakes: usize) -> (String, String) {
    let mut r = Rng(seed | 1);
    let nregions = r.below(4);
    let nnodes = 1 + r.below(12);
    let with_capacity = r.one_in(2);
    let with_source = r.one_in(3);
    let quoted = r.one_in(4);
    let crlf = r.one_in(5);
    let eol = if crlf { "\r\n" } else { "\n" };

    let mut nodes = String::from("id,name,kind,stage,region");
    if with_capacity {
        nodes.push_str(",capacity");
    }
    if with_source {
        nodes.push_str(",source");
    }
    nodes.push_str(eol);
    let tail = |r: &mut Rng, s: &mut String| {
        if with_capacity {
            let c = if faulty(r, mistakes) {
                r.pick(&["-1", "lots", "inf"])
            } else {
                r.pick(&["", "10", "2.5e3", " 7 "])
            };
            s.push(',');
            s.push_str(c);
        }
        if with_source {
            s.push(',');
            if faulty(r, mistakes) {
                s.push_str("nosuchsource");
            }
        }
    };
    for i in 0..nregions {
        let parent = if i > 0 && r.one_in(2) {
            format!("r{}", r.below(i))
        } else if faulty(&mut r, mistakes) {
            "nowhere".into()
        } else {
            String::new()
        };
        nodes.push_str(&format!("r{i},Region {i},region,,{parent}"));
        tail(&mut r, &mut nodes);
        nodes.push_str(eol);
    }
    let kinds = ["mine", "facility", "stage", "product", "end_use"];
    for i in 0..nnodes {
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
        let stage = r.pick(&["", "mining", "magnet"]);
        let region = if nregions > 0 && r.one_in(2) {
            format!("r{}", r.below(nregions))
        } else if faulty(&mut r, mistakes) {
            r.pick(&["atlantis", "n0"]).to_string()
        } else {
            String::new()
        };
        nodes.push_str(&format!("{id},{name},{kind},{stage},{region}"));
        tail(&mut r, &mut nodes);
        if faulty(&mut r, mistakes) {
            nodes.push_str(",extra");
        }
        nodes.push_str(eol);
        if r.one_in(8) {
            nodes.push_str(eol);
        }
    }

    let with_status = r.one_in(3);
    let with_note = r.one_in(3);
    let mut edges = String::from("from,to,material,share,volume");
    if with_status {
        edges.push_str(",status");
    }
    if with_note {
        edges.push_str(",note");
    }
    edges.push_str(eol);
    // How groups are split: equally, by volume, by share, or a mix (often not adding up).
    let style = r.below(4);
    let node = |r: &mut Rng| format!("n{}", r.below(nnodes));
    for _ in 0..r.below(3 * nnodes + 1) {
        let from = if faulty(&mut r, mistakes) {
            r.pick(&["ghost", "r0", ""]).to_string()
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
            r.pick(&["1.5", "-0.2", "half", "0.9"])
        } else {
            r.pick(shares)
        };
        let volume = if faulty(&mut r, mistakes) {
            r.pick(&["-3", "many", "NaN"])
        } else {
            r.pick(volumes)
        };
        edges.push_str(&format!("{from},{to},{material},{share},{volume}"));
        if with_status {
            let s = if faulty(&mut r, mistakes) {
                "closed"
            } else {
                r.pick(&["", "", "operating", "planned", "stopped"])
            };
            edges.push(',');
            edges.push_str(s);
        }
        if with_note {
            let n = if quoted && r.one_in(3) {
                "\"from the 2024 report, p. 3\""
            } else {
                r.pick(&["", "checked", "42"])
            };
            edges.push(',');
            edges.push_str(n);
        }
        if faulty(&mut r, mistakes) && r.one_in(2) {
            edges.push_str(",ragged");
        }
        edges.push_str(eol);
        // The same supplier twice in a group: a warning, which the bulk reader leaves to the
        // general reader.
        if style == 0 && r.one_in(6) {
            edges.push_str(&format!("{from},{to},{material},,"));
            edges.push_str(&",".repeat(with_status as usize + with_note as usize));
            edges.push_str(eol);
        }
    }
    (nodes, edges)
}

/// The model and the problems, as each reader gives them.
fn read_both(nodes: &str, edges: &str) -> [(Option<Model>, String); 2] {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("nodes.csv"), nodes).expect("nodes.csv written");
    std::fs::write(dir.path().join("edges.csv"), edges).expect("edges.csv written");
    let loaded = model::load_path(dir.path());
    assert!(loaded.bulk.is_some(), "the tables are for the bulk reader");
    let (bulk, p1) = loaded.build();
    let general = model::load_path(dir.path()).into_full();
    assert!(general.bulk.is_none());
    let (full, p2) = general.build();
    [(bulk, p1.to_string()), (full, p2.to_string())]
}

/// How the tables were read: not built, built by the general reader, or by the bulk reader.
#[derive(PartialEq, Debug)]
enum Outcome {
    Refused,
    General,
    Bulk,
}

fn same_result(nodes: &str, edges: &str) -> Result<Outcome, TestCaseError> {
    let [(bulk, p1), (full, p2)] = read_both(nodes, edges);
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
    let unplaced = |m: &Model| {
        common::definitions(m)
            .into_iter()
            .map(|d| {
                d.rsplit_once(" at ")
                    .map_or(d.clone(), |(d, _)| d.to_string())
            })
            .collect::<Vec<_>>()
    };
    prop_assert_eq!(unplaced(&a), unplaced(&b));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn clean_tables_convert_to_every_format_and_back(seed in any::<u64>(), to in 0usize..3) {
        let (nodes, edges) = tables(seed, 0);
        converted(&nodes, &edges, [Format::Toml, Format::Json, Format::Csv][to])?;
    }

    #[test]
    fn clean_tables_build_the_same_model(seed in any::<u64>()) {
        let (nodes, edges) = tables(seed, 0);
        same_result(&nodes, &edges)?;
    }

    #[test]
    fn broken_tables_give_the_same_problems(seed in any::<u64>(), mistakes in 1usize..6) {
        let (nodes, edges) = tables(seed, mistakes);
        same_result(&nodes, &edges)?;
    }
}

/// The generator makes tables of every outcome: clean ones mostly taken by the bulk reader,
/// broken ones mostly refused, and some in between that the general reader builds with warnings.
#[test]
fn the_random_tables_cover_every_outcome() {
    let count = |mistakes: usize, outcome: Outcome| {
        (0..200u64)
            .filter(|&s| {
                let (n, e) = tables(s * 7919 + 3, mistakes);
                same_result(&n, &e).is_ok_and(|o| o == outcome)
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
}
