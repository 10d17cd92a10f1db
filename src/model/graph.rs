//! The model as a graph: entities (regions and flow nodes) in a petgraph `DiGraph`, indexed by
//! id and name, with resolved materials and effective shares. Built once by `build`.

// Entity, edge and material numbers and byte offsets are u32: a model file is at most
// `load::MAX_FILE` (4 GiB), so none of them reaches 2^32.
#![allow(clippy::cast_possible_truncation)]

use rustc_hash::FxHashMap as HashMap;

use petgraph::graph::{DiGraph, NodeIndex};

use super::doc::ModelDoc;
use super::index::TextIndex;
use super::net::Net;
use crate::diag::SourceText;
use std::sync::Arc;

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Region,
    Mine,
    Facility,
    Stage,
    Product,
    EndUse,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "region" => Kind::Region,
            "mine" => Kind::Mine,
            "facility" => Kind::Facility,
            "stage" => Kind::Stage,
            "product" => Kind::Product,
            "end_use" => Kind::EndUse,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Region => "region",
            Kind::Mine => "mine",
            Kind::Facility => "facility",
            Kind::Stage => "stage",
            Kind::Product => "product",
            Kind::EndUse => "end_use",
        }
    }
    pub fn is_flow(self) -> bool {
        self != Kind::Region
    }
}

/// A region or a flow node, as read from the model's entity columns.
#[derive(Debug, Clone, Copy)]
pub struct Entity<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: Kind,
    pub stage: Option<&'a str>,
    /// For a flow node: the region it is located in. For a region: the region it lies within.
    pub region: Option<u32>,
    /// For a region: its level (country, province, ...).
    pub level: Option<&'a str>,
    pub company: Option<&'a str>,
    /// Index into `doc.region` (regions) or the model's node definitions (flow nodes).
    pub def: usize,
}

/// What is stored of one entity when it is added.
pub struct NewEntity<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: Kind,
    pub stage: Option<&'a str>,
    pub level: Option<&'a str>,
    pub company: Option<&'a str>,
    pub def: usize,
}

/// Every entity, in columns: ids and names back to back in one text, and small interned words
/// (stages, levels, companies). About 30 bytes an entity beyond its id and name.
#[derive(Debug, Clone, Default)]
pub struct Entities {
    /// Entity i's id is `ids[id_ends[i-1]..id_ends[i]]` (from 0 for i = 0). Ids are kept
    /// apart from names so that the ids looked up while loading stay close together in memory.
    ids: String,
    id_ends: Vec<u32>,
    /// Entity i's name, likewise.
    names: String,
    name_ends: Vec<u32>,
    kind: Vec<Kind>,
    stage: Vec<u32>,
    region: Vec<u32>,
    level: Vec<u32>,
    company: Vec<u32>,
    def: Vec<u32>,
    words: Words,
}

/// Interned short texts.
#[derive(Debug, Clone, Default)]
struct Words {
    all: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
}

impl Words {
    fn intern(&mut self, w: Option<&str>) -> u32 {
        let Some(w) = w else { return NONE };
        if let Some(&k) = self.index.get(w) {
            return k;
        }
        let k = self.all.len() as u32;
        self.all.push(w.into());
        self.index.insert(w.into(), k);
        k
    }
    fn get(&self, k: u32) -> Option<&str> {
        (k != NONE).then(|| &*self.all[k as usize])
    }
}

const NONE: u32 = u32::MAX;

impl Entities {
    pub fn with_capacity(n: usize, text: usize) -> Entities {
        Entities {
            ids: String::with_capacity(text / 3),
            id_ends: Vec::with_capacity(n),
            names: String::with_capacity(text),
            name_ends: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            stage: Vec::with_capacity(n),
            region: Vec::with_capacity(n),
            level: Vec::with_capacity(n),
            company: Vec::with_capacity(n),
            def: Vec::with_capacity(n),
            words: Words::default(),
        }
    }

    pub fn push(&mut self, e: NewEntity<'_>) -> u32 {
        let i = self.kind.len() as u32;
        self.ids.push_str(e.id);
        self.id_ends.push(self.ids.len() as u32);
        self.names.push_str(e.name);
        self.name_ends.push(self.names.len() as u32);
        self.kind.push(e.kind);
        self.stage.push(self.words.intern(e.stage));
        self.region.push(NONE);
        self.level.push(self.words.intern(e.level));
        self.company.push(self.words.intern(e.company));
        self.def.push(e.def as u32);
        i
    }

    /// Appends every entity of `other`, with no region yet.
    pub fn append(&mut self, other: &Entities) {
        self.append_rows(other, 0);
    }

    /// [`Entities::append`], their definitions numbered from `defs` on (`other` numbers
    /// them from 0).
    pub fn append_rows(&mut self, other: &Entities, defs: u32) {
        let shift = self.ids.len() as u32;
        self.ids.push_str(&other.ids);
        self.id_ends
            .extend(other.id_ends.iter().map(|&e| e + shift));
        let shift = self.names.len() as u32;
        self.names.push_str(&other.names);
        self.name_ends
            .extend(other.name_ends.iter().map(|&e| e + shift));
        self.kind.extend_from_slice(&other.kind);
        let words: Vec<u32> = other
            .words
            .all
            .iter()
            .map(|w| self.words.intern(Some(w)))
            .collect();
        let word = |&k: &u32| if k == NONE { NONE } else { words[k as usize] };
        self.stage.extend(other.stage.iter().map(word));
        self.level.extend(other.level.iter().map(word));
        self.company.extend(other.company.iter().map(word));
        self.region.resize(self.kind.len(), NONE);
        self.def.extend(other.def.iter().map(|&d| d + defs));
    }

    pub fn len(&self) -> usize {
        self.kind.len()
    }

    /// The distinct stages the entities name, and the distinct companies: one pass over the
    /// interned word numbers (no text read or copied per entity).
    pub fn stages_and_companies(&self) -> (Vec<&str>, Vec<&str>) {
        let used = |column: &[u32]| {
            let mut seen = vec![false; self.words.all.len()];
            for &k in column {
                if k != NONE {
                    seen[k as usize] = true;
                }
            }
            let words = seen.iter().zip(&self.words.all);
            words.filter(|(&s, _)| s).map(|(_, w)| &**w).collect()
        };
        (used(&self.stage), used(&self.company))
    }

    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }

    pub fn get(&self, i: u32) -> Entity<'_> {
        let i = i as usize;
        Entity {
            id: self.id(i as u32),
            name: self.name(i as u32),
            kind: self.kind[i],
            stage: self.words.get(self.stage[i]),
            region: (self.region[i] != NONE).then_some(self.region[i]),
            level: self.words.get(self.level[i]),
            company: self.words.get(self.company[i]),
            def: self.def[i] as usize,
        }
    }

    /// The id of entity `i` (without reading its other columns).
    pub fn id(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.id_ends[i - 1] } as usize;
        &self.ids[start..self.id_ends[i] as usize]
    }

    pub fn name(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.name_ends[i - 1] } as usize;
        &self.names[start..self.name_ends[i] as usize]
    }

    pub fn kind(&self, i: u32) -> Kind {
        self.kind[i as usize]
    }

    pub fn region(&self, i: u32) -> Option<u32> {
        let r = self.region[i as usize];
        (r != NONE).then_some(r)
    }

    pub fn set_region(&mut self, i: u32, region: Option<u32>) {
        self.region[i as usize] = region.unwrap_or(NONE);
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Entity<'_>> + '_ {
        (0..self.len() as u32).map(|i| self.get(i))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeStatus {
    Operating,
    Planned,
    Stopped,
}

impl EdgeStatus {
    pub fn parse(s: &str) -> Option<EdgeStatus> {
        Some(match s {
            "operating" => EdgeStatus::Operating,
            "planned" => EdgeStatus::Planned,
            "stopped" => EdgeStatus::Stopped,
            _ => return None,
        })
    }
}

/// A supply edge, resolved (24 bytes). Supply `k` is defined by `doc.edge[k]`, or by row `k`
/// of a bulk edge table.
#[derive(Debug, Clone, PartialEq)]
pub struct Supply {
    pub from: u32,
    pub to: u32,
    material: u32,
    /// Effective share of the target's need for the material (docs/semantics.md §1); for a
    /// planned edge, the share it would take once running; 0 for a stopped edge. While the
    /// model is built: the edge's explicit share, NaN where it has none.
    pub share: f64,
    pub status: EdgeStatus,
}

impl Supply {
    pub fn new(from: u32, to: u32, material: Option<u32>, share: f64, status: EdgeStatus) -> Self {
        Supply {
            from,
            to,
            material: material.unwrap_or(u32::MAX),
            share,
            status,
        }
    }

    pub fn material(&self) -> Option<u32> {
        (self.material != u32::MAX).then_some(self.material)
    }

    pub fn set_material(&mut self, material: Option<u32>) {
        self.material = material.unwrap_or(u32::MAX);
    }
}

#[derive(Debug, Clone)]
pub struct Material {
    pub id: String,
    pub name: String,
    pub elements: Vec<String>,
}

/// A loaded, validated model.
pub struct Model {
    /// What the model files say; for a model read by the bulk reader, all but its flow nodes
    /// and supply edges, whose definitions stay rows of the tables (`rows`).
    pub doc: ModelDoc,
    pub rows: super::rows::Rows,
    /// Where it was loaded from ("built-in rare-earth model", a path).
    pub origin: String,
    pub files: Vec<Arc<SourceText>>,
    /// Every entity is a graph node and every supply an edge, with the same numbers: node `i` is
    /// entity `i`, edge `k` is supply `k`.
    pub graph: DiGraph<(), ()>,
    pub entities: Entities,
    pub supplies: Vec<Supply>,
    pub materials: Vec<Material>,
    pub(crate) by_id: TextIndex,
    /// Built on the first lookup of something that is not an id (see [`Model::lookup`]).
    pub(crate) by_name: std::sync::OnceLock<TextIndex>,
    pub(crate) material_by_key: HashMap<String, u32>,
    /// Supply cycles (recycling loops), one per cyclic strongly connected component.
    pub cycles: Vec<SupplyCycle>,
    /// The compact analysis form of the supply graph.
    pub net: Net,
    /// Figures in tonnes, read on first use (see [`Model::figures`]).
    pub(crate) figures: std::sync::OnceLock<super::figures::Figures>,
    /// Ranges of the supply edges' figures, read on first use (see [`Model::ranges`]).
    pub(crate) ranges: std::sync::OnceLock<super::ranges::Ranges>,
}

/// A recycling loop: a shortest cycle through one node of a strongly connected component, and
/// the component's other members.
#[derive(Debug, Clone)]
pub struct SupplyCycle {
    pub path: Vec<u32>,
    pub also: Vec<u32>,
}

impl SupplyCycle {
    /// `a -> b -> c -> a`, with `(same loop: x, y)` for the other members.
    pub fn describe(&self, entities: &Entities) -> String {
        let id = |i: &u32| entities.get(*i).id;
        let mut s: Vec<&str> = self.path.iter().map(id).collect();
        s.push(id(&self.path[0]));
        let mut out = s.join(" -> ");
        if !self.also.is_empty() {
            let also: Vec<&str> = self.also.iter().map(id).collect();
            out.push_str(&format!(" (same loop: {})", also.join(", ")));
        }
        out
    }
}

/// What a name given by a user resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Found(u32),
    Ambiguous(Vec<u32>),
    Missing,
}

impl Model {
    /// Finds an entity by id or name, case-insensitively. An id wins over a name.
    pub fn lookup(&self, key: &str) -> Lookup {
        let k = key.trim().to_lowercase();
        if let Some(i) = self.by_id.first(&self.entities, &k) {
            return Lookup::Found(i);
        }
        let by_name = self
            .by_name
            .get_or_init(|| super::index::names_index(&self.entities, &self.by_id));
        match by_name.all(&self.entities, &k).as_slice() {
            [] => Lookup::Missing,
            [one] => Lookup::Found(*one),
            many => Lookup::Ambiguous(many.to_vec()),
        }
    }

    pub fn find(&self, key: &str) -> Option<u32> {
        match self.lookup(key) {
            Lookup::Found(i) => Some(i),
            _ => None,
        }
    }

    pub fn material(&self, key: &str) -> Option<u32> {
        self.material_by_key
            .get(&key.trim().to_lowercase())
            .copied()
    }

    pub fn entity(&self, i: u32) -> Entity<'_> {
        self.entities.get(i)
    }

    pub fn node_index(i: u32) -> NodeIndex {
        NodeIndex::new(i as usize)
    }

    /// Every id and name, for did-you-mean.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entities.iter().flat_map(|e| [e.id, e.name])
    }

    /// The regions containing `i` (its own region and every region that contains it), nearest
    /// first. For a region, the regions it lies within.
    pub fn regions_of(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let mut cur = self.entities.region(i);
        let mut steps = 0;
        std::iter::from_fn(move || {
            let r = cur?;
            steps += 1;
            if steps > self.entities.len() {
                return None; // never loops: `within` cycles are rejected, but stay safe
            }
            cur = self.entities.region(r);
            Some(r)
        })
    }

    /// Whether `i` is located in region `r` at any depth (a region is within itself).
    pub fn is_within(&self, i: u32, r: u32) -> bool {
        i == r || self.regions_of(i).any(|x| x == r)
    }

    /// The nearest enclosing region of `i` whose level is `level` ("country").
    pub fn region_at_level(&self, i: u32, level: &str) -> Option<u32> {
        let own = (self.entities.kind(i) == Kind::Region).then_some(i);
        own.into_iter()
            .chain(self.regions_of(i))
            .find(|&r| self.entity(r).level == Some(level))
    }

    pub fn flow_nodes(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.entities.len() as u32).filter(|&i| self.entities.kind(i).is_flow())
    }

    /// A node's label for output: its name.
    pub fn label(&self, i: u32) -> &str {
        self.entity(i).name
    }
}
