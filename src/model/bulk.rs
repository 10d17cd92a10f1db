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
//! Both readers split rows by the one rule of [`Splitter`](super::csv_io) (this one through
//! `csv_io::each_row`, which gives the splitter's rows by a quicker scan where a table has no
//! quotes) and read headers with the same [`Header`], so they see the same rows at the same
//! places. `tests/bulk_props.rs` checks on random tables that both readers build the same
//! model, that broken tables give the problems the test expects at their places, and that
//! clean tables are never declined.
//!
//! Parquet tables (`nodes.parquet`, `edges.parquet`) come the same way, as Arrow columns
//! ([`Source::Parquet`]): a row is a row number and its fields are read from the columns, typed
//! (a figure is a float, not a text to parse). On a problem the general reader reads the
//! columns' rows as texts placed by row and column. The same test converts its clean tables to
//! Parquet and checks that they build the same model, read on one thread or several.

// Entity, edge and material numbers, byte offsets and row numbers are u32: a model file is at
// most `load::MAX_FILE` (4 GiB) and a Parquet table at most 2^32 - 1 rows, so none of them
// reaches 2^32.
#![allow(clippy::cast_possible_truncation)]

use rustc_hash::{FxHashMap as HashMap, FxHashSet};

use super::build::{finish, free_material, Builder, Parts};
use super::csv_io::{each_row, Header, NodeRow};
use super::doc::{EdgeDef, ModelDoc, NodeDef, RegionDef};
use super::fields::{must_columns, Entity, Flag};
use super::flow_ids::{FlowIds, Lookups};
use super::graph::{EdgeStatus, Entities, Kind, Model, NewEntity, Supply};
use super::index::lower;
use super::net;
use super::parquet_read::PqRow;
use super::rows::{Fields, Rows, Source, TableRows};
use super::shares::effective_shares_grouped;
use crate::diag::Problems;

/// `nodes.csv` and `edges.csv` (or `nodes.parquet` and `edges.parquet`), whose headers the bulk
/// reader can take.
pub struct Tables {
    pub nodes: Source,
    pub edges: Source,
}

/// Why the bulk reader gave up: the general reader must read the tables.
#[derive(Debug)]
pub struct GiveUp;

pub(super) type Bulk<T> = Result<T, GiveUp>;

fn check(ok: bool) -> Bulk<()> {
    if ok {
        Ok(())
    } else {
        Err(GiveUp)
    }
}

impl Tables {
    /// The tables, when their headers have the required columns and no companion columns.
    pub fn of(nodes: Source, edges: Source) -> Option<Tables> {
        let plain = |h: &Header, required: Vec<&str>| {
            required.iter().all(|c| h.col(c).is_some())
                && (0..h.names.len()).all(|i| !h.is_companion(i))
        };
        (plain(nodes.header(), must_columns::<NodeDef>())
            && plain(edges.header(), must_columns::<EdgeDef>()))
        .then_some(Tables { nodes, edges })
    }
}

/// Builds the model from the document (regions, sources, materials, controls and scenarios)
/// and the bulk tables; `Err` when the general reader must do it.
pub fn build(doc: ModelDoc, t: Tables, origin: &str) -> Bulk<(Model, Problems)> {
    let threads = net::cores();
    build_on(doc, t, origin, threads, PARALLEL_BYTES)
}

/// [`build`], the tables split over `threads` threads whatever their size.
pub fn build_split(
    doc: ModelDoc,
    t: Tables,
    origin: &str,
    threads: usize,
) -> Bulk<(Model, Problems)> {
    build_on(doc, t, origin, threads, 0)
}

/// [`build`], reading `nodes.csv` and `edges.csv` on up to `threads` threads when the rows of
/// each take at least `parallel_bytes`.
fn build_on(
    doc: ModelDoc,
    mut t: Tables,
    origin: &str,
    threads: usize,
    parallel_bytes: usize,
) -> Bulk<(Model, Problems)> {
    let mut p = Problems::default();
    let mut doc = doc;
    let mut flows = FlowNodes::read(&t.nodes, &mut doc, t.nodes.split(threads, parallel_bytes))?;
    crate::phases::mark("node rows");
    let mut parts = Parts::new(doc.region.len() + flows.starts.len(), 0);
    let mut b = Builder::new(&doc, &mut p);
    check(b.regions(&doc, &mut parts))?;
    let first = parts.entities.len() as u32;
    // Each run's entities freed once appended.
    let mut defs = 0;
    for run in std::mem::take(&mut flows.entities) {
        parts.entities.append_rows(&run, defs);
        defs += run.len() as u32;
    }
    // The model's id index and the reader's own lookup table, side by side.
    let (unique, ids) = std::thread::scope(|scope| {
        let Parts {
            entities, by_id, ..
        } = &mut parts;
        let entities: &Entities = entities;
        let ids = scope.spawn(move || FlowIds::of(entities, first));
        let unique = (first..entities.len() as u32).all(|i| by_id.insert(entities, i, true));
        let ids = ids.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (unique, ids)
    });
    check(unique)?;
    crate::phases::mark("id indexes");
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
    let split = t.edges.split(threads, parallel_bytes);
    let edges = EdgeTable::read(&t.edges, &doc, &b, &mut parts, &ids, split)?;
    drop(ids);
    crate::phases::mark("edge rows");
    // The supplies hold every edge's ends: a Parquet table's id columns are not kept (at 10^7
    // nodes they are 0.9 GB).
    if let Source::Parquet(table) = &mut t.edges {
        if let Some(table) = std::sync::Arc::get_mut(table) {
            table.forget(&["from", "to"]);
        }
    }
    let mut trouble = false;
    let (live, grouped) = effective_shares_grouped(
        parts.entities.len(),
        &mut parts.supplies,
        |k| Some(edges.volume[k]).filter(|v| !v.is_nan()),
        |_| trouble = true,
    );
    check(!trouble)?;
    check(p.0.is_empty())?;
    drop(edges.volume);
    crate::phases::mark("share groups");
    let rows = Rows {
        nodes: Some(TableRows::new(t.nodes, flows.starts)),
        edges: Some(TableRows::new(t.edges, edges.starts)),
    };
    // The model is built while the groups are checked for a supplier named twice (rare: the
    // model is then dropped and the general reader says where).
    let (model, duplicates) = std::thread::scope(|scope| {
        let duplicates = scope.spawn(|| has_duplicates(&grouped));
        let model = finish(doc, rows, parts, &live, Some(&grouped), origin, &mut p);
        let duplicates = duplicates
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (model, duplicates)
    });
    check(!duplicates)?;
    Ok((model, p))
}

const NO: u32 = u32::MAX;

/// `work` on each of `items` side by side ([`net::side_by_side`]): the results in order, the
/// first `GiveUp` if any.
fn side_by_side<I: Send, T: Send>(
    items: Vec<I>,
    work: impl Fn(I) -> Bulk<T> + Sync,
) -> Bulk<Vec<T>> {
    net::side_by_side(items, work).into_iter().collect()
}

/// Whether two live edges of one input group come from the same supplier (the general reader
/// warns of it); `grouped`: the live supplies in group order.
fn has_duplicates(grouped: &[Supply]) -> bool {
    let key = |s: &Supply| (s.to, s.material());
    let mut from: Vec<u32> = Vec::new();
    let mut i = 0;
    while i < grouped.len() {
        let mut j = i + 1;
        while j < grouped.len() && key(&grouped[j]) == key(&grouped[i]) {
            j += 1;
        }
        if j - i > 1 {
            from.clear();
            from.extend(grouped[i..j].iter().map(|s| s.from));
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
    /// The rows' entities, a block per run of rows read.
    entities: Vec<Entities>,
    starts: Vec<u32>,
    /// Each row's region, as an index into `region_names` (or `NO`).
    region: Vec<u32>,
    region_names: Vec<String>,
    /// The sources the rows cite.
    sources: Vec<String>,
}

/// Where the columns of `nodes.csv` are.
struct NodeColumns {
    id: usize,
    name: usize,
    kind: usize,
    stage: usize,
    region: usize,
    company: usize,
    source: usize,
    quantities: Quantities,
    /// Every other column is an attribute: a number (finite) or a text.
    attrs: Vec<usize>,
}

impl FlowNodes {
    /// Reads the rows, in the runs of `split` side by side if given; region rows go to `doc`
    /// in the order of the file.
    fn read(
        src: &Source,
        doc: &mut ModelDoc,
        split: Option<Vec<std::ops::Range<usize>>>,
    ) -> Bulk<FlowNodes> {
        let h = src.header();
        let col = |c: &str| h.col(c).unwrap_or(usize::MAX);
        let named: Vec<usize> = NodeDef::FIELDS.iter().map(|f| col(f.column)).collect();
        let c = NodeColumns {
            id: col("id"),
            name: col("name"),
            kind: col("kind"),
            stage: col("stage"),
            region: col("region"),
            company: col("company"),
            source: col("source"),
            quantities: Quantities::of::<NodeDef>(h, &[]),
            attrs: (0..h.names.len()).filter(|i| !named.contains(i)).collect(),
        };
        let runs: Vec<(FlowNodes, Vec<RegionDef>)> = match split {
            Some(ranges) if ranges.len() > 1 => side_by_side(ranges, |r| {
                c.read(src, src.rows_in(&r), |row| src.each_row(Some(r), row))
            })?,
            _ => vec![c.read(src, src.rows_in(&(0..usize::MAX)), |row| {
                src.each_row(None, row)
            })?],
        };
        let mut runs = runs.into_iter();
        let (mut out, regions) = runs.next().ok_or(GiveUp)?;
        doc.region.extend(regions);
        for (more, regions) in runs {
            doc.region.extend(regions);
            out.append(more);
        }
        Ok(out)
    }

    /// The next run's rows after these.
    fn append(&mut self, mut more: FlowNodes) {
        self.entities.append(&mut more.entities);
        self.starts.extend_from_slice(&more.starts);
        let mut region_of: HashMap<&str, u32> = self
            .region_names
            .iter()
            .enumerate()
            .map(|(i, r)| (r.as_str(), i as u32))
            .collect();
        let mut names = self.region_names.clone();
        let local: Vec<u32> = more
            .region_names
            .iter()
            .map(|r| match region_of.get(r.as_str()) {
                Some(&x) => x,
                None => {
                    let x = names.len() as u32;
                    names.push(r.clone());
                    region_of.insert(r.as_str(), x);
                    x
                }
            })
            .collect();
        drop(region_of);
        self.region_names = names;
        self.region.extend(
            more.region
                .iter()
                .map(|&r| if r == NO { NO } else { local[r as usize] }),
        );
        let seen: FxHashSet<&str> = self.sources.iter().map(String::as_str).collect();
        let new: Vec<String> = more
            .sources
            .into_iter()
            .filter(|s| !seen.contains(s.as_str()))
            .collect();
        drop(seen);
        self.sources.extend(new);
    }
}

impl NodeColumns {
    /// The flow rows and the region rows that `rows` calls back with (about `rows_guess`).
    fn read(
        &self,
        src: &Source,
        rows_guess: usize,
        rows: impl FnOnce(&mut dyn FnMut(usize, &dyn Fields) -> Bulk<()>) -> Bulk<()>,
    ) -> Bulk<(FlowNodes, Vec<RegionDef>)> {
        let c = self;
        let h = src.header();
        let mut out = FlowNodes {
            entities: Vec::new(),
            starts: Vec::with_capacity(rows_guess),
            region: Vec::with_capacity(rows_guess),
            region_names: Vec::new(),
            sources: Vec::new(),
        };
        let mut entities = Entities::with_capacity(rows_guess, rows_guess * 20);
        let mut regions = Vec::new();
        let mut region_of: HashMap<String, u32> = HashMap::default();
        let mut source_seen: FxHashSet<String> = FxHashSet::default();
        rows(&mut |start, f| {
            check(f.width() == h.names.len())?;
            let get = |i: usize| f.text(i);
            let opt = |i: usize| Some(get(i)).filter(|s| !s.is_empty());
            let (the_id, the_kind) = (get(c.id), get(c.kind));
            check(!the_id.is_empty() && !the_kind.is_empty())?;
            if the_kind == "region" {
                let row = src.row(start).ok_or(GiveUp)?;
                let mut p = Problems::default();
                match super::csv_io::node_of_row(h, &row, &mut p) {
                    Some(NodeRow::Region(r)) if p.0.is_empty() => regions.push(r),
                    _ => return Err(GiveUp),
                }
                return Ok(());
            }
            let k = Kind::parse(the_kind)
                .filter(|k| k.is_flow())
                .ok_or(GiveUp)?;
            c.quantities.check(f)?;
            check(attrs_ok(f, &c.attrs))?;
            if let Some(s) = opt(c.source) {
                if !source_seen.contains(s) {
                    source_seen.insert(s.to_string());
                    out.sources.push(s.to_string());
                }
            }
            let r = match opt(c.region) {
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
            entities.push(NewEntity {
                id: the_id,
                name: opt(c.name).unwrap_or(the_id),
                kind: k,
                stage: opt(c.stage),
                level: None,
                company: opt(c.company),
                def: out.starts.len(),
            });
            out.region.push(r);
            out.starts.push(start as u32);
            Ok(())
        })?;
        out.entities.push(entities);
        Ok((out, regions))
    }
}

/// The rows of `edges.csv`, resolved into supplies as they are split.
struct EdgeTable {
    starts: Vec<u32>,
    /// Each row's volume (NaN where none).
    volume: Vec<f64>,
}

/// Material names remembered as written, per run of edge rows.
const RECENT_MATERIALS: usize = 8;

/// Below this many bytes of rows, `edges.csv` is read on one thread.
const PARALLEL_BYTES: usize = 1 << 22;

/// Materials first met in a chunk of rows read on its own thread are numbered from here, and
/// numbered for the model once every chunk is read.
const LOCAL_MATERIAL: u32 = 1 << 31;

/// The supplies of a run of rows whose count is not known before they are read (a CSV run).
#[derive(Default)]
struct EdgeChunk {
    supplies: Vec<Supply>,
    volume: Vec<f64>,
    starts: Vec<u32>,
    /// Materials met that the model does not have yet, in the order met.
    new_materials: Vec<String>,
}

/// The place of a run of rows in the table's arrays, when its count is known before it is read
/// (a Parquet run): each thread writes its rows where they end up, and nothing is copied after.
struct EdgeSlots<'a> {
    supplies: &'a mut [Supply],
    volume: &'a mut [f64],
    starts: &'a mut [u32],
    /// Rows written.
    len: usize,
}

/// Where [`EdgeColumns::resolve`] puts the rows it reads.
trait EdgeOut {
    /// Rows so far.
    fn len(&self) -> usize;
    fn push(&mut self, supply: Supply, volume: f64, start: u32) -> Bulk<()>;
    /// The supplies written so far.
    fn supplies(&mut self) -> &mut [Supply];
}

impl EdgeOut for EdgeChunk {
    fn len(&self) -> usize {
        self.supplies.len()
    }

    fn push(&mut self, supply: Supply, volume: f64, start: u32) -> Bulk<()> {
        self.supplies.push(supply);
        self.volume.push(volume);
        self.starts.push(start);
        Ok(())
    }

    fn supplies(&mut self) -> &mut [Supply] {
        &mut self.supplies
    }
}

impl EdgeOut for EdgeSlots<'_> {
    fn len(&self) -> usize {
        self.len
    }

    /// More rows than the run was said to hold: the reader gives up (never expected).
    fn push(&mut self, supply: Supply, volume: f64, start: u32) -> Bulk<()> {
        let at = self.len;
        *self.supplies.get_mut(at).ok_or(GiveUp)? = supply;
        self.volume[at] = volume;
        self.starts[at] = start;
        self.len += 1;
        Ok(())
    }

    fn supplies(&mut self) -> &mut [Supply] {
        &mut self.supplies[..self.len]
    }
}

/// Numbers, for the model, the materials that one run of rows met first (`new`, in the order
/// met), and renumbers them in its `supplies`, as one thread reading every run would have.
fn number_new_materials(parts: &mut Parts, new: &[String], supplies: &mut [Supply]) {
    let local: Vec<u32> = new
        .iter()
        .map(
            |name| match parts.material_by_key.get(lower(name).as_ref()) {
                Some(&k) => k,
                None => free_material(parts, name),
            },
        )
        .collect();
    if !local.is_empty() {
        for s in supplies {
            if let Some(m) = s.material().filter(|&m| m >= LOCAL_MATERIAL) {
                s.set_material(Some(local[(m - LOCAL_MATERIAL) as usize]));
            }
        }
    }
}

impl EdgeTable {
    /// Reads the table, in the runs of rows of `split` side by side if given.
    fn read(
        src: &Source,
        doc: &ModelDoc,
        b: &Builder,
        parts: &mut Parts,
        ids: &FlowIds,
        split: Option<Vec<std::ops::Range<usize>>>,
    ) -> Bulk<EdgeTable> {
        let ctx = EdgeColumns::new(src.header(), doc);
        let ranges = match split {
            Some(ranges) if ranges.len() > 1 => ranges,
            _ => {
                let mut c = EdgeChunk::default();
                c.new_materials =
                    ctx.resolve(parts, ids, b, &mut c, |row| src.each_row(None, row))?;
                return Ok(EdgeTable::of_chunks(parts, vec![c]));
            }
        };
        if let Source::Parquet(_) = src {
            return EdgeTable::read_in_place(src, &ctx, b, parts, ids, &ranges);
        }
        let parts_now: &Parts = parts;
        let chunks = side_by_side(ranges, |r| {
            let mut c = EdgeChunk::default();
            c.new_materials =
                ctx.resolve(parts_now, ids, b, &mut c, |row| src.each_row(Some(r), row))?;
            Ok(c)
        })?;
        Ok(EdgeTable::of_chunks(parts, chunks))
    }

    /// The runs' rows, appended in order into the model's supplies.
    fn of_chunks(parts: &mut Parts, chunks: Vec<EdgeChunk>) -> EdgeTable {
        let mut out = EdgeTable {
            starts: Vec::new(),
            volume: Vec::new(),
        };
        for mut c in chunks {
            number_new_materials(parts, &c.new_materials, &mut c.supplies);
            // The first chunk's columns are taken whole, the others appended (a large block
            // grows in place).
            if parts.supplies.is_empty() {
                std::mem::swap(&mut parts.supplies, &mut c.supplies);
            }
            parts.supplies.append(&mut c.supplies);
            if out.volume.is_empty() {
                std::mem::swap(&mut out.volume, &mut c.volume);
                std::mem::swap(&mut out.starts, &mut c.starts);
            }
            out.volume.append(&mut c.volume);
            out.starts.append(&mut c.starts);
        }
        out
    }

    /// [`EdgeTable::read`] of a table whose runs' row counts are known (Parquet): the arrays
    /// are made once, whole, and each run's thread writes its part of them. (Appending one
    /// run's arrays to another's copies them into fresh memory: at 3.6 x 10^7 edges, 650 MB
    /// copied on one core while the other waits, and 160,000 more page faults.)
    fn read_in_place(
        src: &Source,
        ctx: &EdgeColumns,
        b: &Builder,
        parts: &mut Parts,
        ids: &FlowIds,
        ranges: &[std::ops::Range<usize>],
    ) -> Bulk<EdgeTable> {
        let sizes: Vec<usize> = ranges.iter().map(|r| src.rows_in(r)).collect();
        let total: usize = sizes.iter().sum();
        let blank = Supply::new(0, 0, None, f64::NAN, EdgeStatus::Operating);
        let mut supplies = vec![blank; total];
        let mut volume = vec![f64::NAN; total];
        let mut starts = vec![0u32; total];
        let mut slots = Vec::with_capacity(sizes.len());
        let (mut s_rest, mut v_rest, mut t_rest) =
            (&mut supplies[..], &mut volume[..], &mut starts[..]);
        for &n in &sizes {
            let (s, s_more) = std::mem::take(&mut s_rest).split_at_mut(n);
            let (v, v_more) = std::mem::take(&mut v_rest).split_at_mut(n);
            let (t, t_more) = std::mem::take(&mut t_rest).split_at_mut(n);
            (s_rest, v_rest, t_rest) = (s_more, v_more, t_more);
            slots.push(EdgeSlots {
                supplies: s,
                volume: v,
                starts: t,
                len: 0,
            });
        }
        let parts_now: &Parts = parts;
        let work: Vec<_> = slots.into_iter().zip(ranges).collect();
        let new = side_by_side(work, |(mut out, r)| {
            let new = ctx.resolve(parts_now, ids, b, &mut out, |row| {
                src.each_row(Some(r.clone()), row)
            })?;
            // Every row of the run written, as counted.
            check(out.len == out.supplies.len())?;
            Ok(new)
        })?;
        let mut at = 0;
        for (new, &n) in new.iter().zip(&sizes) {
            number_new_materials(parts, new, &mut supplies[at..at + n]);
            at += n;
        }
        if parts.supplies.is_empty() {
            parts.supplies = supplies;
        } else {
            parts.supplies.append(&mut supplies);
        }
        Ok(EdgeTable { starts, volume })
    }
}

/// Where the columns of `edges.csv` are.
struct EdgeColumns {
    from: usize,
    to: usize,
    material: usize,
    share: usize,
    volume: usize,
    status: usize,
    source: usize,
    /// The edge's other figures.
    quantities: Quantities,
    attrs: Vec<usize>,
    width: usize,
    declared_materials: bool,
}

impl EdgeColumns {
    fn new(h: &Header, doc: &ModelDoc) -> EdgeColumns {
        let col = |c: &str| h.col(c).unwrap_or(usize::MAX);
        let (from, to, material, share, volume) = (
            col("from"),
            col("to"),
            col("material"),
            col("share"),
            col("volume"),
        );
        let (status, source) = (col("status"), col("source"));
        let named: Vec<usize> = EdgeDef::FIELDS.iter().map(|f| col(f.column)).collect();
        EdgeColumns {
            from,
            to,
            material,
            share,
            volume,
            status,
            source,
            // Share and volume are read below.
            quantities: Quantities::of::<EdgeDef>(h, &["share", "volume"]),
            attrs: (0..h.names.len()).filter(|i| !named.contains(i)).collect(),
            width: h.names.len(),
            declared_materials: !doc.material.is_empty(),
        }
    }

    /// Resolves the rows that `rows` calls back with into `out`; returns the materials met
    /// that the model does not have yet, in the order met (numbered from [`LOCAL_MATERIAL`]).
    fn resolve(
        &self,
        parts: &Parts,
        ids: &FlowIds,
        b: &Builder,
        out: &mut impl EdgeOut,
        rows: impl FnOnce(&mut dyn FnMut(usize, &dyn Fields) -> Bulk<()>) -> Bulk<()>,
    ) -> Bulk<Vec<String>> {
        let mut new_materials: Vec<String> = Vec::new();
        let mut new_by_key: HashMap<String, u32> = HashMap::default();
        let mut recent: Vec<(String, u32)> = Vec::with_capacity(RECENT_MATERIALS);
        let mut lookups = Lookups::default();
        rows(&mut |start, f| {
            check(f.width() == self.width)?;
            let get = |i: usize| f.text(i);
            let opt = |i: usize| Some(get(i)).filter(|s| !s.is_empty());
            let (f_id, t_id) = (get(self.from), get(self.to));
            check(!f_id.is_empty() && !t_id.is_empty())?;
            let edge = out.len() as u32;
            let (u, v) = (
                lookups.ask(ids, &parts.entities, f_id, edge, false)?,
                lookups.ask(ids, &parts.entities, t_id, edge, true)?,
            );
            // A table names a few materials over and over: the first ones met are remembered
            // as written.
            let m = match opt(self.material) {
                None => None,
                Some(name) => match recent.iter().find(|(n, _)| n == name) {
                    Some(&(_, k)) => Some(k),
                    None => {
                        let key = lower(name);
                        let k = match parts.material_by_key.get(key.as_ref()) {
                            Some(&k) => k,
                            None if self.declared_materials => return Err(GiveUp),
                            None => match new_by_key.get(key.as_ref()) {
                                Some(&k) => k,
                                None => {
                                    let k = LOCAL_MATERIAL + new_materials.len() as u32;
                                    new_by_key.insert(key.into_owned(), k);
                                    new_materials.push(name.to_string());
                                    k
                                }
                            },
                        };
                        if recent.len() < RECENT_MATERIALS {
                            recent.push((name.to_string(), k));
                        }
                        Some(k)
                    }
                },
            };
            let st = match opt(self.status) {
                None => EdgeStatus::Operating,
                Some(s) => EdgeStatus::parse(s).ok_or(GiveUp)?,
            };
            if let Some(s) = opt(self.source) {
                check(b.is_source(s))?;
            }
            let number = |i: usize, max: f64| -> Bulk<f64> {
                match f.number(i) {
                    None => Ok(f64::NAN),
                    Some(Ok(x)) if x.is_finite() && (0.0..=max).contains(&x) => Ok(x),
                    Some(_) => Err(GiveUp),
                }
            };
            let (s, vol) = (
                number(self.share, 1.0)?,
                number(self.volume, f64::INFINITY)?,
            );
            self.quantities.check(f)?;
            check(attrs_ok(f, &self.attrs))?;
            out.push(Supply::new(u, v, m, s, st), vol, start as u32)?;
            if lookups.pending.len() >= Lookups::BATCH {
                lookups.answer(ids, out.supplies())?;
            }
            Ok(())
        })?;
        lookups.answer(ids, out.supplies())?;
        Ok(new_materials)
    }
}

/// The columns of an entity's figure fields (quantities), each with its largest value.
struct Quantities(Vec<(usize, f64)>);

impl Quantities {
    /// The figure fields of `E` that `h` has a column for, but those in `except`.
    fn of<E: Entity>(h: &Header, except: &[&str]) -> Quantities {
        let fields = E::FIELDS
            .iter()
            .filter(|f| f.is_figure() && !except.contains(&f.key));
        Quantities(
            fields
                .filter_map(|f| {
                    let max = if f.has(Flag::Fraction) {
                        1.0
                    } else {
                        f64::INFINITY
                    };
                    Some((h.col(f.column)?, max))
                })
                .collect(),
        )
    }

    /// Whether the row's quantities are numbers the validator takes (or empty).
    fn check(&self, fields: &dyn Fields) -> Bulk<()> {
        for &(i, max) in &self.0 {
            if let Some(x) = fields.number(i) {
                check(x.is_ok_and(|x| x.is_finite() && (0.0..=max).contains(&x)))?;
            }
        }
        Ok(())
    }
}

/// Whether every attribute column of the row holds a text or a finite number.
fn attrs_ok(f: &dyn Fields, attrs: &[usize]) -> bool {
    attrs
        .iter()
        .all(|&a| !matches!(f.number(a), Some(Ok(x)) if !x.is_finite()))
}

/// Below this many rows, a Parquet table is read on one thread.
const PARALLEL_ROWS: usize = 1 << 16;

impl Source {
    /// The table's rows in one run per thread, `None` when it is read on one thread: a CSV
    /// text's rows split at line ends into byte ranges (not when the text has quotes, as a line
    /// end may then be inside a field, nor when its rows take fewer than `min_bytes`), a Parquet
    /// table's chunks into ranges of chunks (not when it has fewer than `PARALLEL_ROWS` rows,
    /// unless `min_bytes` is 0).
    fn split(&self, threads: usize, min_bytes: usize) -> Option<Vec<std::ops::Range<usize>>> {
        match self {
            Source::Csv(h) => split_rows(h, threads, min_bytes),
            Source::Parquet(t) => {
                let n = t.chunks.len();
                if threads < 2 || n < 2 || (min_bytes > 0 && t.rows < PARALLEL_ROWS) {
                    return None;
                }
                let k = threads.min(n);
                Some((0..k).map(|i| i * n / k..(i + 1) * n / k).collect())
            }
        }
    }

    /// About how many rows `run` (a range [`Source::split`] gives) holds.
    fn rows_in(&self, run: &std::ops::Range<usize>) -> usize {
        match self {
            Source::Csv(h) => {
                let end = run.end.min(h.file.text.len());
                end.saturating_sub(run.start.max(h.body)) / 48
            }
            Source::Parquet(t) => {
                let end = run.end.min(t.chunks.len());
                t.chunks[run.start.min(end)..end]
                    .iter()
                    .map(|c| c.len)
                    .sum()
            }
        }
    }

    /// Calls `row(start, fields)` for each row in `run` (every row when `None`), split as every
    /// reader splits them; `start` is what [`Source::row`] takes.
    fn each_row(
        &self,
        run: Option<std::ops::Range<usize>>,
        row: &mut dyn FnMut(usize, &dyn Fields) -> Bulk<()>,
    ) -> Bulk<()> {
        match self {
            Source::Csv(h) => match run {
                Some(lines) => for_each_row_in(h, lines, row),
                None => for_each_row(h, row),
            },
            Source::Parquet(t) => {
                let chunks = match run {
                    Some(r) => &t.chunks[r.start.min(t.chunks.len())..r.end.min(t.chunks.len())],
                    None => &t.chunks[..],
                };
                for chunk in chunks {
                    for j in 0..chunk.len {
                        row(chunk.first + j, &PqRow { chunk, j })?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// The rows of a table without quotes, split at line ends into one run per thread; `None` when
/// the table has quotes (a line end may then be inside a field) or is smaller than `min_bytes`.
fn split_rows(h: &Header, threads: usize, min_bytes: usize) -> Option<Vec<std::ops::Range<usize>>> {
    let bytes = h.file.text.as_bytes();
    let body = h.body.min(bytes.len());
    if threads < 2
        || bytes.len() - body < min_bytes
        || bytes.len() > u32::MAX as usize
        || memchr::memchr(b'"', &bytes[body..]).is_some()
    {
        return None;
    }
    let mut ranges = Vec::with_capacity(threads);
    let mut from = body;
    for t in 1..threads {
        let guess = body + (bytes.len() - body) * t / threads;
        let cut = memchr::memchr(b'\n', &bytes[guess.max(from)..])
            .map_or(bytes.len(), |i| guess.max(from) + i + 1);
        ranges.push(from..cut);
        from = cut;
    }
    ranges.push(from..bytes.len());
    Some(ranges)
}

/// Calls `row(start, fields)` for each row in `lines` (whole rows of the table), split as every
/// reader splits them (`csv_io::each_row`).
fn for_each_row_in(
    h: &Header,
    lines: std::ops::Range<usize>,
    row: &mut dyn FnMut(usize, &dyn Fields) -> Bulk<()>,
) -> Bulk<()> {
    each_row(&h.file.text, lines, h.names.len(), |start, cells| {
        row(start, &cells)
    })
}

/// Calls `row(start, fields)` for each row after the header.
fn for_each_row(h: &Header, row: &mut dyn FnMut(usize, &dyn Fields) -> Bulk<()>) -> Bulk<()> {
    let text = h.file.text.as_str();
    check(text.len() <= u32::MAX as usize)?;
    check(super::csv_io::unclosed_quote(text).is_none())?;
    for_each_row_in(h, h.body.min(text.len())..text.len(), row)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a CSV folder with the bulk reader on `threads` threads, whatever its size.
    fn read_on(dir: &std::path::Path, threads: usize) -> Model {
        let mut loaded = super::super::load::load_path(dir);
        let tables = loaded.bulk.take().expect("tables for the bulk reader");
        let doc = std::mem::take(&mut loaded.doc);
        match build_on(doc, tables, "test", threads, 0) {
            Ok((m, _)) => m,
            Err(GiveUp) => panic!("the bulk reader gave up"),
        }
    }

    /// Rows read side by side give the supplies, materials and row places that one thread
    /// gives, materials first met in a later run numbered as one thread would number them.
    #[test]
    fn edges_read_side_by_side_are_read_as_by_one_thread() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut nodes = String::from("id,name,kind,stage,region\n");
        let mut edges = String::from("from,to,material,share,volume\n");
        for i in 0..40 {
            nodes.push_str(&format!("n{i},N{i},facility,,\n"));
        }
        let materials = ["", "ore", "Metal", "alloy", "ORE", "powder", "metal"];
        for i in 0..39 {
            for j in (i + 1)..40 {
                let m = materials[(i * 7 + j * 3) % materials.len()];
                if (i + j) % 3 == 0 {
                    edges.push_str(&format!("n{i},n{j},{m},,\n"));
                }
            }
        }
        std::fs::write(dir.path().join("nodes.csv"), nodes).expect("written");
        std::fs::write(dir.path().join("edges.csv"), edges).expect("written");
        let one = read_on(dir.path(), 1);
        for threads in [2, 3, 7] {
            let many = read_on(dir.path(), threads);
            assert_eq!(one.supplies, many.supplies, "{threads} threads");
            let ids = |m: &Model| m.materials.iter().map(|x| x.id.clone()).collect::<Vec<_>>();
            assert_eq!(ids(&one), ids(&many));
            let starts = |m: &Model| {
                (0..m.supplies.len())
                    .map(|k| m.edge_def(k).at.position())
                    .collect::<Vec<_>>()
            };
            assert_eq!(starts(&one), starts(&many));
        }
        assert_eq!(one.materials.len(), 4, "ore, Metal, alloy, powder");
        assert!(one.supplies.len() > 200);
    }

    /// Node rows read side by side give the entities one thread gives: the same numbers,
    /// names, stages, companies, regions (region rows anywhere in the file, named by rows of
    /// either run) and rows.
    #[test]
    fn nodes_read_side_by_side_are_read_as_by_one_thread() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut nodes = String::from("id,name,kind,stage,region,company\n");
        for i in 0..60 {
            if i % 13 == 5 {
                nodes.push_str(&format!("r{i},Region {i},region,,,\n"));
            }
            let region = match i % 4 {
                0 => String::new(),
                _ => format!("r{}", 5 + 13 * ((i * 7) % 5)),
            };
            let stage = ["mining", "", "magnets", "Mining"][i % 4];
            let company = ["", "Acme", "Bolt", "acme", ""][i % 5];
            nodes.push_str(&format!("n{i},N {i},facility,{stage},{region},{company}\n"));
        }
        let mut edges = String::from("from,to,material,share,volume\n");
        for i in 0..59 {
            edges.push_str(&format!("n{i},n{},,,\n", i + 1));
        }
        std::fs::write(dir.path().join("nodes.csv"), nodes).expect("written");
        std::fs::write(dir.path().join("edges.csv"), edges).expect("written");
        let rows = |m: &Model| {
            (0..m.entities.len() as u32)
                .map(|i| {
                    let e = m.entity(i);
                    let region = e.region.map(|r| m.entity(r).id.to_string());
                    let place = match e.kind {
                        Kind::Region => None,
                        _ => Some(m.node_loc(e.def).position()),
                    };
                    let text = |x: Option<&str>| x.map(str::to_string);
                    let names = (e.id.to_string(), e.name.to_string());
                    (names, text(e.stage), text(e.company), region, place)
                })
                .collect::<Vec<_>>()
        };
        let one = read_on(dir.path(), 1);
        assert_eq!(one.entities.len(), 60 + 5);
        for threads in [2, 3, 7] {
            let many = read_on(dir.path(), threads);
            assert_eq!(rows(&one), rows(&many), "{threads} threads");
            assert_eq!(one.doc.region.len(), many.doc.region.len());
        }
    }
}
