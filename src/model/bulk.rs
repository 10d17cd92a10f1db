//! The bulk reader: large plain tables (design.md section 4) straight into the model's columns.
//!
//! The general reader turns every field into a [`Name`](super::doc::Name) with its place and
//! every figure into a [`Figure`](super::doc::Figure): right for finding and explaining
//! problems, about a kilobyte an edge. This reader resolves each row of `nodes.csv` and
//! `edges.csv` as it is split, keeping only each row's start (to read the row again for `show`
//! or an attribute), and never builds the document's nodes and edges.
//!
//! It checks what the general validator checks, but only as far as to say whether the tables are
//! clean: at the first sign of a problem (a malformed row, an unknown id, a duplicate, a share
//! out of range, a group that does not add up), it gives up and the general reader reads the
//! tables again, so that every problem is reported with its place and wording. Tables with
//! companion columns (`capacity_unit`, ...) go to the general reader too.
//! `tests/bulk_props.rs` checks on random tables that both readers build the same model.

use rustc_hash::FxHashMap as HashMap;

use super::build::{finish, free_material, Builder, Parts};
use super::csv_io::{Header, NodeRow, EDGE_COLUMNS, NODE_COLUMNS};
use super::doc::ModelDoc;
use super::graph::{EdgeStatus, Entities, Kind, Model, NewEntity, Supply};
use super::index::lower;
use super::rows::{CsvRows, Rows};
use super::shares::effective_shares;
use crate::diag::Problems;

/// `nodes.csv` and `edges.csv`, whose headers the bulk reader can take.
pub struct Tables {
    pub nodes: Header,
    pub edges: Header,
}

/// Why the bulk reader gave up: the general reader must read the tables.
#[derive(Debug)]
pub struct GiveUp;

type Bulk<T> = Result<T, GiveUp>;

fn check(ok: bool) -> Bulk<()> {
    if ok {
        Ok(())
    } else {
        Err(GiveUp)
    }
}

impl Tables {
    /// The tables, when their headers have the required columns and no companion columns.
    pub fn of(nodes: Header, edges: Header) -> Option<Tables> {
        let plain = |h: &Header, required: &[&str]| {
            required.iter().all(|c| h.col(c).is_some())
                && (0..h.names.len()).all(|i| !h.is_companion(i))
        };
        (plain(&nodes, NODE_COLUMNS) && plain(&edges, EDGE_COLUMNS))
            .then_some(Tables { nodes, edges })
    }
}

/// Builds the model from the document (regions, sources, materials, controls and scenarios)
/// and the bulk tables; `Err` when the general reader must do it.
pub fn build(doc: ModelDoc, t: Tables, origin: &str) -> Bulk<(Model, Problems)> {
    let mut p = Problems::default();
    let mut doc = doc;
    let flows = FlowNodes::read(&t.nodes, &mut doc)?;
    let mut parts = Parts::new(doc.region.len() + flows.entities.len(), 0);
    let mut b = Builder::new(&doc, &mut p);
    check(b.regions(&doc, &mut parts))?;
    for i in 0..flows.entities.len() as u32 {
        let e = flows.entities.get(i);
        let (_, indexed) = parts.add(NewEntity {
            id: e.id,
            name: e.name,
            kind: e.kind,
            stage: e.stage,
            level: None,
            company: e.company,
            def: i as usize,
        });
        check(indexed)?;
    }
    b.place_regions(&doc, &mut parts);
    let nregions = doc.region.len() as u32;
    let regions: Vec<Option<u32>> = flows
        .region_names
        .iter()
        .map(|r| {
            parts
                .by_id
                .first(&parts.entities, &lower(r))
                .filter(|&i| parts.entities.kind(i) == Kind::Region)
        })
        .collect();
    for (i, &r) in flows.region.iter().enumerate() {
        if r != NO {
            let at = regions[r as usize].ok_or(GiveUp)?;
            parts.entities.set_region(nregions + i as u32, Some(at));
        }
    }
    for s in &flows.sources {
        check(b.is_source(s))?;
    }
    b.items(&doc, &mut parts);
    let edges = EdgeTable::read(&t.edges, &doc, &b, &mut parts)?;
    let mut trouble = false;
    let live = effective_shares(
        parts.entities.len(),
        &mut parts.supplies,
        |k| Some(edges.volume[k]).filter(|v| !v.is_nan()),
        |_| trouble = true,
    );
    check(!trouble && !has_duplicates(&parts.supplies, &live))?;
    check(p.0.is_empty())?;
    drop(edges.volume);
    let rows = Rows {
        nodes: Some(CsvRows::new(t.nodes, flows.starts)),
        edges: Some(CsvRows::new(t.edges, edges.starts)),
    };
    let model = finish(doc, rows, parts, &live, origin, &mut p);
    Ok((model, p))
}

const NO: u32 = u32::MAX;

/// Whether two live edges of one input group come from the same supplier (the general reader
/// warns of it).
fn has_duplicates(supplies: &[Supply], live: &[u32]) -> bool {
    let key = |k: u32| {
        let s = &supplies[k as usize];
        (s.to, s.material())
    };
    let mut from: Vec<u32> = Vec::new();
    let mut i = 0;
    while i < live.len() {
        let mut j = i + 1;
        while j < live.len() && key(live[j]) == key(live[i]) {
            j += 1;
        }
        if j - i > 1 {
            from.clear();
            from.extend(live[i..j].iter().map(|&k| supplies[k as usize].from));
            from.sort_unstable();
            if from.windows(2).any(|w| w[0] == w[1]) {
                return true;
            }
        }
        i = j;
    }
    false
}

/// The flow rows of `nodes.csv`, in columns; region rows go to the document.
struct FlowNodes {
    entities: Entities,
    starts: Vec<u32>,
    /// Each row's region, as an index into `region_names` (or `NO`).
    region: Vec<u32>,
    region_names: Vec<String>,
    /// The sources the rows cite.
    sources: Vec<String>,
}

impl FlowNodes {
    fn read(h: &Header, doc: &mut ModelDoc) -> Bulk<FlowNodes> {
        let col = |c: &str| h.col(c).unwrap_or(usize::MAX);
        let (id, name, kind, stage, region) = (
            col("id"),
            col("name"),
            col("kind"),
            col("stage"),
            col("region"),
        );
        let (company, source, capacity) = (col("company"), col("source"), col("capacity"));
        let named = [
            id,
            name,
            kind,
            stage,
            region,
            company,
            source,
            col("status"),
        ];
        // Every other column is an attribute: a number (finite) or a text.
        let attrs: Vec<usize> = (0..h.names.len()).filter(|i| !named.contains(i)).collect();
        let rows = h.file.text.len() / 48;
        let mut out = FlowNodes {
            entities: Entities::with_capacity(rows, rows * 20),
            starts: Vec::with_capacity(rows),
            region: Vec::with_capacity(rows),
            region_names: Vec::new(),
            sources: Vec::new(),
        };
        let mut region_of: HashMap<String, u32> = HashMap::default();
        let mut source_seen: HashMap<String, ()> = HashMap::default();
        for_each_row(h, |start, f| {
            check(f.len() == h.names.len())?;
            let get = |i: usize| f.get(i).map_or("", |s| s.trim());
            let opt = |i: usize| Some(get(i)).filter(|s| !s.is_empty());
            let (the_id, the_kind) = (get(id), get(kind));
            check(!the_id.is_empty() && !the_kind.is_empty())?;
            if the_kind == "region" {
                let row = h.row_at(start).ok_or(GiveUp)?;
                let mut p = Problems::default();
                match super::csv_io::node_of_row(h, &row, &mut p) {
                    Some(NodeRow::Region(r)) if p.0.is_empty() => doc.region.push(r),
                    _ => return Err(GiveUp),
                }
                return Ok(());
            }
            let k = Kind::parse(the_kind)
                .filter(|k| k.is_flow())
                .ok_or(GiveUp)?;
            if capacity != usize::MAX {
                if let Some(c) = opt(capacity) {
                    check(c.parse::<f64>().is_ok_and(|x| x.is_finite() && x >= 0.0))?;
                }
            }
            for &a in &attrs {
                check(get(a).parse::<f64>().map_or(true, f64::is_finite))?;
            }
            if let Some(s) = opt(source) {
                if !source_seen.contains_key(s) {
                    source_seen.insert(s.to_string(), ());
                    out.sources.push(s.to_string());
                }
            }
            let r = match opt(region) {
                None => NO,
                Some(r) => match region_of.get(r) {
                    Some(&x) => x,
                    None => {
                        let x = out.region_names.len() as u32;
                        region_of.insert(r.to_string(), x);
                        out.region_names.push(r.to_string());
                        x
                    }
                },
            };
            out.entities.push(NewEntity {
                id: the_id,
                name: opt(name).unwrap_or(the_id),
                kind: k,
                stage: opt(stage),
                level: None,
                company: opt(company),
                def: out.starts.len(),
            });
            out.region.push(r);
            out.starts.push(start as u32);
            Ok(())
        })?;
        Ok(out)
    }
}

/// The rows of `edges.csv`, resolved into supplies as they are split.
struct EdgeTable {
    starts: Vec<u32>,
    /// Each row's volume (NaN where none).
    volume: Vec<f64>,
}

impl EdgeTable {
    fn read(h: &Header, doc: &ModelDoc, b: &Builder, parts: &mut Parts) -> Bulk<EdgeTable> {
        let col = |c: &str| h.col(c).unwrap_or(usize::MAX);
        let (from, to, material, share, volume) = (
            col("from"),
            col("to"),
            col("material"),
            col("share"),
            col("volume"),
        );
        let (status, source) = (col("status"), col("source"));
        let named = [from, to, material, share, volume, status, source];
        let attrs: Vec<usize> = (0..h.names.len()).filter(|i| !named.contains(i)).collect();
        let rows = h.file.text.len() / 24;
        let mut out = EdgeTable {
            starts: Vec::with_capacity(rows),
            volume: Vec::with_capacity(rows),
        };
        parts.supplies.reserve(rows);
        let declared_materials = !doc.material.is_empty();
        let flow = |parts: &Parts, id: &str| {
            parts
                .by_id
                .first(&parts.entities, &lower(id))
                .filter(|&i| parts.entities.kind(i).is_flow())
                .ok_or(GiveUp)
        };
        // Consecutive rows often name the same consumer and material.
        let mut last_to: (String, u32) = (String::new(), NO);
        let mut last_material: (String, Option<u32>) = (String::new(), None);
        for_each_row(h, |start, f| {
            check(f.len() == h.names.len())?;
            let get = |i: usize| f.get(i).map_or("", |s| s.trim());
            let opt = |i: usize| Some(get(i)).filter(|s| !s.is_empty());
            let (f_id, t_id) = (get(from), get(to));
            check(!f_id.is_empty() && !t_id.is_empty())?;
            let u = flow(parts, f_id)?;
            let v = if last_to.1 != NO && last_to.0 == t_id {
                last_to.1
            } else {
                let v = flow(parts, t_id)?;
                last_to = (t_id.to_string(), v);
                v
            };
            let m = match opt(material) {
                None => None,
                Some(name) if last_material.1.is_some() && last_material.0 == name => {
                    last_material.1
                }
                Some(name) => {
                    let k = match parts.material_by_key.get(lower(name).as_ref()) {
                        Some(&k) => k,
                        None if declared_materials => return Err(GiveUp),
                        None => free_material(parts, name),
                    };
                    last_material = (name.to_string(), Some(k));
                    Some(k)
                }
            };
            let st = match opt(status) {
                None => EdgeStatus::Operating,
                Some(s) => EdgeStatus::parse(s).ok_or(GiveUp)?,
            };
            if let Some(s) = opt(source) {
                check(b.is_source(s))?;
            }
            let number = |i: usize, max: f64| -> Bulk<f64> {
                match opt(i) {
                    None => Ok(f64::NAN),
                    Some(x) => match x.parse::<f64>() {
                        Ok(x) if x.is_finite() && (0.0..=max).contains(&x) => Ok(x),
                        _ => Err(GiveUp),
                    },
                }
            };
            let (s, vol) = (number(share, 1.0)?, number(volume, f64::INFINITY)?);
            for &a in &attrs {
                check(get(a).parse::<f64>().map_or(true, f64::is_finite))?;
            }
            parts.supplies.push(Supply::new(u, v, m, s, st));
            out.volume.push(vol);
            out.starts.push(start as u32);
            Ok(())
        })?;
        Ok(out)
    }
}

/// Calls `row(start, fields)` for each row after the header, skipping blank lines. Lines without
/// quotes are split directly; a file with quotes is read by the `csv` parser.
fn for_each_row(h: &Header, mut row: impl FnMut(usize, &[&str]) -> Bulk<()>) -> Bulk<()> {
    let text = h.file.text.as_str();
    let bytes = text.as_bytes();
    let body = match memchr::memchr(b'\n', bytes) {
        Some(i) => i + 1,
        None => return Ok(()),
    };
    check(body <= u32::MAX as usize && text.len() <= u32::MAX as usize)?;
    let mut fields: Vec<&str> = Vec::with_capacity(h.names.len());
    if memchr::memchr2(b'"', b'\r', &bytes[body..]).is_none() {
        let mut pos = body;
        while pos < text.len() {
            let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(text.len(), |i| pos + i);
            let line = &text[pos..end];
            if !line.is_empty() {
                fields.clear();
                let mut from = 0;
                for comma in memchr::memchr_iter(b',', line.as_bytes()) {
                    fields.push(&line[from..comma]);
                    from = comma + 1;
                }
                fields.push(&line[from..]);
                row(pos, &fields)?;
            }
            pos = end + 1;
        }
        return Ok(());
    }
    check(super::csv_io::unclosed_quote(text).is_none())?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[body..]);
    for record in rdr.records() {
        let record = record.map_err(|_| GiveUp)?;
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        let at = body + record.position().map_or(0, |p| p.byte() as usize);
        let start = super::csv_io::record_start(bytes, at);
        let fields: Vec<&str> = record.iter().collect();
        row(start, &fields)?;
    }
    Ok(())
}
