//! Parquet tables: the flagship model converted to Parquet answers as it does from CSV; a Parquet
//! table's problems are all listed, each at its row and column; tables written by other tools
//! (integer ids, float32 and dictionary columns, folders of part files) are read; columns a
//! table cannot hold are refused by name.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, DictionaryArray, Float32Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{Field, Schema};
use parquet::arrow::ArrowWriter;
use supplygraph::model::{self, parquet_write, Format};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_supplygraph"))
}

/// The binary's JSON answer to `query` on the model at `model`.
fn answer(model: &Path, query: &str) -> String {
    let out = bin()
        .args(["query", "--format", "json", "--model"])
        .arg(model)
        .arg(query)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An empty folder for tables (removed when the first value is dropped).
fn empty_folder() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let pq = dir.path().join("pq");
    std::fs::create_dir(&pq).expect("folder");
    (dir, pq)
}

fn write_batch(path: &Path, cols: Vec<(&str, ArrayRef)>) {
    let fields: Vec<Field> = cols
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), cols.into_iter().map(|c| c.1).collect())
        .expect("a batch");
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).expect("file"), schema, None)
        .expect("writer");
    w.write(&batch).expect("written");
    w.close().expect("closed");
}

fn strings(xs: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(
        xs.iter()
            .map(|x| (!x.is_empty()).then_some(*x))
            .collect::<Vec<_>>(),
    ))
}

#[test]
fn the_flagship_model_answers_the_same_from_parquet_as_from_csv() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (csv, pq) = (dir.path().join("csv"), dir.path().join("pq"));
    for (to, out) in [("csv", &csv), ("parquet", &pq)] {
        let st = bin()
            .args(["convert", "--to", to, "-o"])
            .arg(out)
            .status()
            .expect("convert runs");
        assert!(st.success());
    }
    for t in [
        "nodes",
        "edges",
        "sources",
        "materials",
        "controls",
        "scenarios",
    ] {
        assert!(pq.join(format!("{t}.parquet")).is_file(), "{t}.parquet");
        assert!(!pq.join(format!("{t}.csv")).exists());
    }
    for q in [
        r#"exposure of nodes where kind = end_use to "China" order by exposure desc, id"#,
        r#"chokepoints of "Electric vehicles" limit 10"#,
        r#"with disrupt "China": shortfall of "Electric vehicles""#,
        r#"total production_2024 of nodes where kind = mine by country"#,
        r#"show "Electric vehicles""#,
        r#"upstream of "Wind turbines""#,
    ] {
        assert_eq!(answer(&csv, q), answer(&pq, q), "{q}");
    }
    // Figures keep their units, sources, dates and notes: the tables say the same as CSV.
    let (a, pa) = model::load_path(&csv).into_full().build();
    let (b, pb) = model::load_path(&pq).into_full().build();
    assert_eq!(pa.to_string(), pb.to_string().replace(".parquet", ".csv"));
    let (a, b) = (a.expect("built from CSV"), b.expect("built from Parquet"));
    assert_eq!(a.doc.node.len(), b.doc.node.len());
    for (x, y) in a.doc.node.iter().zip(&b.doc.node) {
        let json = |n| serde_json::to_value(n).expect("json");
        assert_eq!(json(x), json(y));
    }
}

/// A large generated network: the Parquet tables are read in bulk (definitions kept as rows of
/// the columns, not as a document), and answer as the CSV tables do. Its 70,000 edges, in
/// chunks of 4,096 rows, are read in runs on several threads, each writing its rows in place:
/// the supplies are those read from CSV, one by one.
#[test]
fn generated_tables_are_read_in_bulk_from_parquet() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (csv, pq) = (dir.path().join("csv"), dir.path().join("pq"));
    supplygraph::generate::generate_in(20_000, 7, &csv, supplygraph::generate::Order::Shuffled)
        .expect("generated");
    // Only how the tables are cut: every test of this file reads the same answers either way.
    model::parquet_read::set_chunk_rows(4096);
    let st = bin()
        .args(["convert", "--to", "parquet", "--model"])
        .arg(&csv)
        .arg("-o")
        .arg(&pq)
        .status()
        .expect("convert runs");
    assert!(st.success());
    let (m, p) = model::load_path(&pq).build();
    let m = m.unwrap_or_else(|| panic!("{p}"));
    assert!(
        m.rows.nodes.is_some() && m.rows.edges.is_some(),
        "read in bulk"
    );
    let (from_csv, p) = model::load_path(&csv).build();
    let from_csv = from_csv.unwrap_or_else(|| panic!("{p}"));
    assert!(m.supplies.len() > 65_536, "{} edges", m.supplies.len());
    assert_eq!(
        m.supplies, from_csv.supplies,
        "the supplies, from Parquet and CSV"
    );
    // The edges' id columns are not kept: the supplies hold the ends, and the edge
    // definitions (`show`) give them from there.
    let Some(model::rows::Source::Parquet(edges)) = m.rows.edges.as_ref().map(|r| &r.source) else {
        panic!("edges from Parquet")
    };
    assert_eq!(edges.forgotten.len(), 2);
    assert!(edges.chunks.len() > 10, "{} chunks", edges.chunks.len());
    for k in (0..m.supplies.len()).step_by(97) {
        let (e, s) = (m.edge_def(k), &m.supplies[k]);
        assert_eq!(e.from.text, m.entity(s.from).id);
        assert_eq!(e.to.text, m.entity(s.to).id);
    }
    let q = r#"exposure of nodes where kind = end_use to "c0" order by exposure desc, id limit 20;
        total output of nodes by country; show "n17""#;
    assert_eq!(answer(&csv, q), answer(&pq, q));
}

#[test]
fn every_problem_of_a_parquet_table_is_listed_at_its_row_and_column() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (csv, pq) = (dir.path().join("csv"), dir.path().join("pq"));
    std::fs::create_dir(&csv).expect("folder");
    std::fs::write(
        csv.join("nodes.csv"),
        "id,name,kind,stage,region\nmine,Mine,mine,mining,\nplant,Plant,facility,separation,\n\
         car,Cars,end_use,end use,\n",
    )
    .expect("nodes");
    std::fs::write(
        csv.join("edges.csv"),
        "from,to,material,share,volume\nmine,plant,,1,\nplnt,car,,0.5,\nmine,car,,1.5,\n",
    )
    .expect("edges");
    parquet_write::csv_folder(&csv, &pq).expect("converted");
    let out = bin()
        .args(["check", "--model"])
        .arg(&pq)
        .output()
        .expect("check runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let edges = pq.join("edges.parquet").display().to_string();
    // The unknown id in row 2 with its did-you-mean, the share out of range in row 3.
    for expected in [
        format!("{edges} (at row 2, column from)"),
        "did you mean \"plant\"".to_string(),
        format!("{edges} (at row 3, column share)"),
    ] {
        assert!(err.contains(&expected), "no `{expected}` in\n{err}");
    }
    assert!(err.contains("1.5"), "{err}");
}

#[test]
fn tables_written_by_other_tools_are_read_whatever_their_column_types() {
    let (_dir, pq) = empty_folder();
    // Float ids (as pandas writes an integer column with a missing value), a
    // dictionary-encoded kind column, float32 figures; the edges name the ids as integers.
    let kinds: DictionaryArray<arrow_array::types::Int32Type> =
        vec!["mine", "mine", "end_use"].into_iter().collect();
    write_batch(
        &pq.join("nodes.parquet"),
        vec![
            (
                "id",
                Arc::new(arrow_array::Float64Array::from(vec![1.0, 2.0, 3.0])) as ArrayRef,
            ),
            ("name", strings(&["North mine", "South mine", "Cars"])),
            ("kind", Arc::new(kinds) as ArrayRef),
            ("stage", strings(&["mining", "mining", "end use"])),
            ("region", strings(&["", "", ""])),
            (
                "output",
                Arc::new(Float32Array::from(vec![Some(30.0), Some(10.0), None])) as ArrayRef,
            ),
        ],
    );
    // The edges in a folder of two part files, as Spark writes them (with its marker file).
    let parts = pq.join("edges.parquet");
    std::fs::create_dir(&parts).expect("folder");
    std::fs::write(parts.join("_SUCCESS"), "").expect("marker");
    // Mine 1 gives 75% of the cars' supply, mine 2 the rest.
    for (part, from, share) in [(0, 1, 0.75), (1, 2, 0.25)] {
        write_batch(
            &parts.join(format!("part-0000{part}.parquet")),
            vec![
                ("from", Arc::new(Int64Array::from(vec![from])) as ArrayRef),
                ("to", Arc::new(Int64Array::from(vec![3])) as ArrayRef),
                ("material", strings(&[""])),
                ("share", Arc::new(Float32Array::from(vec![share]))),
                ("volume", Arc::new(Float32Array::from(vec![None]))),
            ],
        );
    }
    let (m, p) = model::load_path(&pq).build();
    let m = m.unwrap_or_else(|| panic!("{p}"));
    assert_eq!(m.flow_nodes().count(), 3);
    // Losing mine 1 (id "1") loses its 75% share of the cars' supply.
    let json = answer(&pq, r#"exposure of "3" to "1""#);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let x = v[0]["exposure"]
        .as_f64()
        .unwrap_or_else(|| panic!("{json}"));
    assert!((x - 0.75).abs() < 1e-12, "{json}");
    // The float32 outputs of the two mines, 30 and 10 t.
    let total = answer(&pq, "total output of nodes where kind = mine");
    let v: serde_json::Value = serde_json::from_str(&total).expect("json");
    assert_eq!(v[0]["total"].as_f64(), Some(40.0), "{total}");
    assert_eq!(v[0]["nodes"].as_u64(), Some(2), "{total}");
}

#[test]
fn a_column_a_table_cannot_hold_is_refused_by_name() {
    let (_dir, pq) = empty_folder();
    let mut tags = ListBuilder::new(StringBuilder::new());
    tags.values().append_value("a");
    tags.append(true);
    write_batch(
        &pq.join("nodes.parquet"),
        vec![
            ("id", strings(&["m"])),
            ("kind", strings(&["mine"])),
            ("tags", Arc::new(tags.finish()) as ArrayRef),
        ],
    );
    write_batch(
        &pq.join("edges.parquet"),
        vec![("from", strings(&["m"])), ("to", strings(&["m"]))],
    );
    let (m, p) = model::load_path(&pq).build();
    assert!(m.is_none());
    let text = p.to_string();
    assert!(text.contains("column `tags` holds List"), "{text}");
    assert!(matches!(model::load::detect(&pq), Format::Parquet));
}

/// Damaged Parquet files (cut short, bytes changed) are reported as problems, never a panic.
#[test]
fn damaged_parquet_files_are_problems_not_panics() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let good = dir.path().join("good");
    model::load::write(&model::load_builtin().doc, Format::Parquet, &good).expect("written");
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).expect("folder");
    std::fs::copy(good.join("edges.parquet"), bad.join("edges.parquet")).expect("copied");
    let bytes = std::fs::read(good.join("nodes.parquet")).expect("read");
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        usize::try_from(seed % (1 << 40)).unwrap_or(0)
    };
    let mut refused = 0;
    for i in 0..300 {
        let mut b = bytes.clone();
        if i % 3 == 0 {
            b.truncate(next() % b.len());
        } else {
            for _ in 0..1 + i % 4 {
                let at = next() % b.len();
                b[at] = u8::try_from(next() % 256).unwrap_or(0);
            }
        }
        std::fs::write(bad.join("nodes.parquet"), &b).expect("written");
        let (m, p) = model::load_path(&bad).build();
        if m.is_none() {
            assert!(p.has_errors(), "no model and no error");
            refused += 1;
        }
    }
    assert!(refused > 100, "{refused} of 300 damaged files refused");
}
