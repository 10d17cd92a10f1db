//! Writing a model as the CSV files of `neo4j-admin database import full`, with typed headers,
//! and a `constraints.cypher` script to run once the database is started:
//!
//! | file | rows | header |
//! |---|---|---|
//! | `nodes.csv` | flow nodes, labels `Node` and their kind (`Mine`, `Facility`, `Stage`, `Product`, `EndUse`) | `id:ID,name,kind,...,capacity:double,...,:LABEL` |
//! | `regions.csv` | regions, label `Region` | `id:ID,name,level,...,:LABEL` |
//! | `supplies.csv` | supply edges, type `SUPPLIES` (supplier to customer) | `:START_ID,:END_ID,:TYPE,material,share:double,effective_share:double,volume:double,...` |
//! | `located_in.csv` | flow node to its region, type `LOCATED_IN` | `:START_ID,:END_ID,:TYPE` |
//! | `within.csv` | region to the region it lies in, type `WITHIN` | `:START_ID,:END_ID,:TYPE` |
//!
//! Ids are unique across regions and flow nodes in a model, so one id space serves both.
//! The attributes and their types are those of the GraphML export (`graphml`): a column is
//! `:double` or `:boolean` where every value is one, a string otherwise; an empty cell is no
//! property.

// Entity, edge and material numbers and byte offsets are u32: a model file is at most
// `load::MAX_FILE` (4 GiB), so none of them reaches 2^32.
#![allow(clippy::cast_possible_truncation)]

use std::path::Path;

use super::doc::Scalar;
use super::graph::{Kind, Model};
use super::graphml::{region_props, value_text, AttrType, Part, Props, Schema};

/// The label of a kind of flow node.
fn label(kind: Kind) -> &'static str {
    match kind {
        Kind::Region => "Region",
        Kind::Mine => "Mine",
        Kind::Facility => "Facility",
        Kind::Stage => "Stage",
        Kind::Product => "Product",
        Kind::EndUse => "EndUse",
    }
}

/// A column header: `name`, `name:double`, `name:boolean`.
fn header(name: &str, t: AttrType) -> String {
    match t {
        AttrType::Double => format!("{name}:double"),
        AttrType::Boolean => format!("{name}:boolean"),
        AttrType::String => name.to_string(),
    }
}

/// Writes one file: `fixed` leading columns (header, value per row), then every attribute.
fn table(
    path: &Path,
    lead: &[&str],
    rows: &[(Vec<String>, &Props)],
    tail: Option<(&str, Vec<String>)>,
) -> std::io::Result<()> {
    let schema = Schema::of(rows.iter().map(|(_, p)| *p));
    // The id is in the leading columns; not again as a property column.
    let names: Vec<&(String, AttrType)> = schema
        .names
        .iter()
        .filter(|(n, _)| !lead.iter().any(|l| l.split(':').next() == Some(n.as_str())))
        .collect();
    let mut w = csv::Writer::from_path(path)?;
    let mut head: Vec<String> = lead.iter().map(|s| s.to_string()).collect();
    head.extend(names.iter().map(|(n, t)| header(n, *t)));
    if let Some((h, _)) = &tail {
        head.push(h.to_string());
    }
    w.write_record(&head)?;
    for (r, (fixed, props)) in rows.iter().enumerate() {
        let mut rec = fixed.clone();
        for (n, t) in &names {
            let v = props.iter().find(|(k, _)| k == n).map(|(_, v)| v);
            rec.push(match (v, t) {
                (None, _) => String::new(),
                (Some(Scalar::Num(x)), AttrType::String) => crate::number::number(*x),
                (Some(v), _) => value_text(v),
            });
        }
        if let Some((_, cells)) = &tail {
            rec.push(cells[r].clone());
        }
        w.write_record(&rec)?;
    }
    w.flush()
}

/// Writes the import files and `constraints.cypher` into `dir`.
pub fn write_folder(m: &Model, dir: &Path) -> std::io::Result<Vec<String>> {
    write_folder_part(m, &Part::whole(m), dir)
}

/// [`write_folder`] for part of the model (every region, as places to be in).
pub fn write_folder_part(m: &Model, part: &Part, dir: &Path) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let flow: &[u32] = &part.nodes;
    let regions: Vec<u32> = (0..m.entities.len() as u32)
        .filter(|&i| m.entities.kind(i) == Kind::Region)
        .collect();

    let props: Vec<Props> = (0..flow.len()).map(|i| part.node_props(m, i)).collect();
    let rows: Vec<(Vec<String>, &Props)> = flow
        .iter()
        .zip(&props)
        .map(|(&i, p)| (vec![m.entity(i).id.to_string()], p))
        .collect();
    let labels = flow
        .iter()
        .map(|&i| format!("Node;{}", label(m.entities.kind(i))))
        .collect();
    table(
        &dir.join("nodes.csv"),
        &["id:ID"],
        &rows,
        Some((":LABEL", labels)),
    )?;

    let props: Vec<Props> = regions.iter().map(|&i| region_props(m, i)).collect();
    let rows: Vec<(Vec<String>, &Props)> = regions
        .iter()
        .zip(&props)
        .map(|(&i, p)| (vec![m.entity(i).id.to_string()], p))
        .collect();
    let labels = regions.iter().map(|_| "Region".to_string()).collect();
    table(
        &dir.join("regions.csv"),
        &["id:ID"],
        &rows,
        Some((":LABEL", labels)),
    )?;

    let props: Vec<Props> = (0..part.edges.len())
        .map(|i| part.edge_props(m, i))
        .collect();
    let rows: Vec<(Vec<String>, &Props)> = part
        .edges
        .iter()
        .zip(&props)
        .map(|(&k, p)| {
            let s = &m.supplies[k];
            let ends = vec![
                m.entity(s.from).id.to_string(),
                m.entity(s.to).id.to_string(),
                "SUPPLIES".to_string(),
            ];
            (ends, p)
        })
        .collect();
    table(
        &dir.join("supplies.csv"),
        &[":START_ID", ":END_ID", ":TYPE"],
        &rows,
        None,
    )?;

    let none = Props::new();
    let link = |from: &[u32], kind: &str| -> Vec<(Vec<String>, &Props)> {
        from.iter()
            .filter_map(|&i| {
                let r = m.entities.region(i)?;
                let ends = vec![
                    m.entity(i).id.to_string(),
                    m.entity(r).id.to_string(),
                    kind.to_string(),
                ];
                Some((ends, &none))
            })
            .collect()
    };
    let lead = [":START_ID", ":END_ID", ":TYPE"];
    table(
        &dir.join("located_in.csv"),
        &lead,
        &link(flow, "LOCATED_IN"),
        None,
    )?;
    table(
        &dir.join("within.csv"),
        &lead,
        &link(&regions, "WITHIN"),
        None,
    )?;
    std::fs::write(dir.join("constraints.cypher"), CONSTRAINTS)?;
    Ok(Vec::new())
}

/// The script to run once the imported database is started (`cypher-shell -f`).
const CONSTRAINTS: &str = "\
// supplygraph: constraints and indexes for a model imported with
//   neo4j-admin database import full neo4j --overwrite-destination \\
//     --nodes=nodes.csv --nodes=regions.csv \\
//     --relationships=supplies.csv --relationships=located_in.csv --relationships=within.csv
// then, with the database started:
//   cypher-shell -u neo4j -p PASSWORD -f constraints.cypher
CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT region_id IF NOT EXISTS FOR (r:Region) REQUIRE r.id IS UNIQUE;
CREATE INDEX node_name IF NOT EXISTS FOR (n:Node) ON (n.name);
CREATE INDEX node_kind IF NOT EXISTS FOR (n:Node) ON (n.kind);
CREATE INDEX node_stage IF NOT EXISTS FOR (n:Node) ON (n.stage);
CREATE INDEX region_name IF NOT EXISTS FOR (r:Region) ON (r.name);
CREATE INDEX supplies_material IF NOT EXISTS FOR ()-[s:SUPPLIES]-() ON (s.material);
";
