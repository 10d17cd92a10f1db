//! Reading models: the built-in model, format round trips, and hostile input.

use std::path::Path;

mod common;

use common::fingerprint;
use supplygraph::model::{self, Format, Model};

fn built(path: &Path) -> Model {
    let (m, problems) = model::load_path(path).build();
    m.unwrap_or_else(|| panic!("{} does not build:\n{problems}", path.display()))
}

#[test]
fn the_builtin_model_and_the_folder_are_the_same_and_valid() {
    let (m, problems) = model::load_builtin().build();
    let m = m.unwrap_or_else(|| panic!("built-in model does not build:\n{problems}"));
    assert!(!problems.has_errors());
    assert_eq!(problems.warnings(), 0, "{problems}");
    let folder = built(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models/rare_earths"));
    assert_eq!(fingerprint(&m), fingerprint(&folder));
}

#[test]
fn builtin_file_list_matches_the_folder() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/rare_earths");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let listed: Vec<String> = supplygraph::model::builtin::FILES
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    assert_eq!(on_disk, listed);
}

#[test]
fn flagship_figures_all_cite_a_source() {
    let (m, _) = model::load_builtin().build();
    let m = m.unwrap();
    for n in &m.doc.node {
        let figures = n.capacity.iter().chain(n.attrs.0.iter().map(|(_, f)| f));
        for f in figures {
            for v in &f.values {
                assert!(
                    v.source.is_some() || n.source.is_some(),
                    "node {} has a figure without a source",
                    n.id.text
                );
            }
        }
    }
    for e in &m.doc.edge {
        let figures = [&e.share, &e.volume]
            .into_iter()
            .flatten()
            .chain(e.attrs.0.iter().map(|(_, f)| f));
        for f in figures {
            for v in &f.values {
                assert!(
                    v.source.is_some() || e.source.is_some(),
                    "edge {} -> {} has a figure without a source",
                    e.from.text,
                    e.to.text
                );
            }
        }
    }
}

#[test]
fn round_trip_toml_json_toml_csv_keeps_the_graph() {
    let tmp = tempfile::tempdir().unwrap();
    let (m0, _) = model::load_builtin().build();
    let m0 = m0.unwrap();
    let json = tmp.path().join("model.json");
    model::load::write(&m0.doc, Format::Json, &json).unwrap();
    let m1 = built(&json);
    let toml = tmp.path().join("model.toml");
    model::load::write(&m1.doc, Format::Toml, &toml).unwrap();
    let m2 = built(&toml);
    let csv = tmp.path().join("csv");
    let notes = model::load::write(&m2.doc, Format::Csv, &csv).unwrap();
    assert!(
        notes.iter().any(|n| n.contains("several sources")),
        "{notes:?}"
    );
    let m3 = built(&csv);
    let f0 = fingerprint(&m0);
    assert_eq!(f0, fingerprint(&m1), "JSON");
    assert_eq!(f0, fingerprint(&m2), "TOML");
    assert_eq!(f0, fingerprint(&m3), "CSV");
    // Values from several sources survive TOML and JSON whole.
    let conflicting = |m: &Model| {
        m.doc
            .region
            .iter()
            .flat_map(|r| r.attrs.0.iter())
            .filter(|(_, f)| f.values.len() > 1)
            .count()
    };
    assert_eq!(conflicting(&m0), 3);
    assert_eq!(conflicting(&m2), 3);
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn hostile_input_is_reported_never_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Empty file.
    let (m, p) = model::load_path(&write(d, "empty.toml", b"")).build();
    assert!(m.is_none() && p.iter().any(|x| x.message.contains("no flow nodes")));
    // Binary junk.
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13).to_le_bytes()[0])
        .collect();
    let (m, p) = model::load_path(&write(d, "junk.toml", &junk)).build();
    assert!(m.is_none() && p.has_errors());
    // NUL bytes in otherwise valid UTF-8.
    let (m, p) = model::load_path(&write(d, "nul.toml", b"[[node]]\nid = \"a\0\"\n")).build();
    assert!(m.is_none() && p.iter().any(|x| x.message.contains("not a text file")));
    // A 100 MB line: reported, and the report shows a window of the line, not the line.
    let mut big = b"[[node]]\nid = \"a\"\nkind = \"mine\"\nnote = ".to_vec();
    big.extend(std::iter::repeat_n(b'x', 100 << 20));
    big.push(b'\n');
    let (m, p) = model::load_path(&write(d, "big.toml", &big)).build();
    assert!(m.is_none() && p.has_errors());
    let rendered = p.to_string();
    assert!(
        rendered.len() < 20_000,
        "report is {} bytes",
        rendered.len()
    );
    assert!(
        rendered.contains("big.toml:4:"),
        "{}",
        &rendered[..rendered.len().min(2000)]
    );
}

#[test]
fn bom_and_crlf_read_as_plain_text_with_right_positions() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "\u{feff}[[node]]\r\nid = \"a\"\r\nkind = \"mine\"\r\nregion = \"nowhere\"\r\n";
    let (m, p) = model::load_path(&write(tmp.path(), "crlf.toml", text.as_bytes())).build();
    assert!(m.is_none());
    let errs: Vec<_> = p.iter().filter(|x| x.is_error()).collect();
    assert_eq!(errs.len(), 1, "{p}");
    assert_eq!(errs[0].loc.line_col(), Some((4, 10)));
    assert!(!errs[0].to_string().contains('\r'));
    // CSV with BOM and CRLF.
    let dir = tmp.path().join("csv");
    std::fs::create_dir(&dir).unwrap();
    write(
        &dir,
        "nodes.csv",
        "\u{feff}id,name,kind,stage,region\r\na,A,mine,mining,\r\nb,B,facility,separation,\r\n"
            .as_bytes(),
    );
    write(
        &dir,
        "edges.csv",
        b"from,to,material,share,volume\r\na,b,ore,,\r\n",
    );
    let m = built(&dir);
    assert_eq!(m.supplies.len(), 1);
    assert_eq!(m.supplies[0].share, 1.0);
    // A problem on a later row is placed on that row, not at the end of the one before.
    write(
        &dir,
        "edges.csv",
        b"from,to,material,share,volume\r\na,b,ore,,\r\na,zz,ore,,\r\n",
    );
    let (m, p) = model::load_path(&dir).build();
    assert!(m.is_none());
    let errs: Vec<_> = p.iter().filter(|x| x.is_error()).collect();
    assert_eq!(errs.len(), 1, "{p}");
    assert_eq!(errs[0].loc.line_col(), Some((3, 3)), "{p}");
}

#[test]
fn csv_keeps_extra_columns_as_attributes_with_their_sources() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "nodes.csv", b"id,name,kind,stage,region,capacity,capacity_unit,capacity_source,owner\nchina,China,region,,,,,,\nm,Mine,mine,mining,china,5000,t/yr,usgs,State\np,Plant,facility,separation,china,,,,\n");
    write(
        dir,
        "edges.csv",
        b"from,to,material,share,volume,volume_unit,lead_time\nm,p,ore,,100,t/yr,3\n",
    );
    write(dir, "sources.csv", b"id,title\nusgs,USGS MCS 2025\n");
    let m = built(dir);
    let mine = &m.doc.node[0];
    let cap = mine.capacity.as_ref().unwrap();
    assert_eq!(cap.as_number(), Some(5000.0));
    assert_eq!(cap.unit.as_ref().unwrap().text, "t/yr");
    assert_eq!(cap.used().source.as_ref().unwrap().text, "usgs");
    assert_eq!(
        mine.attrs.get("owner").unwrap().used().value.to_string(),
        "State"
    );
    assert_eq!(
        m.doc.edge[0].attrs.get("lead_time").unwrap().as_number(),
        Some(3.0)
    );
    let i = m.find("m").unwrap();
    assert!(m.is_within(i, m.find("China").unwrap()));
}

/// A figure whose shortest exact form takes 16 or 17 digits is read back from JSON as the same
/// number: the JSON reader parses numbers exactly (serde_json's `float_roundtrip`), as the TOML
/// and CSV readers do.
#[test]
fn json_figures_read_back_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let shares: [f64; 2] = [0.993_987_850_537_878_1, 0.006_012_149_462_121_9];
    let toml = format!(
        "[[node]]\nid = \"a\"\nkind = \"mine\"\n[[node]]\nid = \"b\"\nkind = \"mine\"\n\
         [[node]]\nid = \"c\"\nkind = \"end_use\"\n\
         [[edge]]\nfrom = \"a\"\nto = \"c\"\nshare = {:?}\n\
         [[edge]]\nfrom = \"b\"\nto = \"c\"\nshare = {:?}\n",
        shares[0], shares[1]
    );
    let path = write(tmp.path(), "m.toml", toml.as_bytes());
    let m0 = built(&path);
    let json = tmp.path().join("m.json");
    model::load::write(&m0.doc, Format::Json, &json).unwrap();
    assert!(std::fs::read_to_string(&json)
        .unwrap()
        .contains("0.9939878505378781"));
    let m1 = built(&json);
    for (k, want) in shares.iter().enumerate() {
        assert_eq!(m0.supplies[k].share.to_bits(), want.to_bits());
        assert_eq!(m1.supplies[k].share.to_bits(), want.to_bits(), "edge {k}");
    }
}
