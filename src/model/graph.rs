//! The model as a graph: entities (regions and flow nodes) in a petgraph `DiGraph`, indexed by
//! id and name, with resolved materials and effective shares. Built once by `build`.

use rustc_hash::FxHashMap as HashMap;

use petgraph::graph::{DiGraph, NodeIndex};

use super::doc::ModelDoc;
use crate::analysis::net::Net;
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

/// A region or a flow node.
#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub stage: Option<String>,
    /// For a flow node: the region it is located in. For a region: the region it lies within.
    pub region: Option<u32>,
    /// For a region: its level (country, province, ...).
    pub level: Option<String>,
    pub company: Option<String>,
    /// Index into `doc.region` (regions) or `doc.node` (flow nodes).
    pub def: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeStatus {
    Operating,
    Planned,
    Stopped,
}

/// A supply edge, resolved.
#[derive(Debug, Clone)]
pub struct Supply {
    pub from: u32,
    pub to: u32,
    pub material: Option<u32>,
    /// Effective share of the target's need for the material (design.md section 1); for a
    /// planned edge, the share it would take once running; 0 for a stopped edge.
    pub share: f64,
    pub status: EdgeStatus,
    /// Index into `doc.edge`.
    pub def: usize,
}

#[derive(Debug, Clone)]
pub struct Material {
    pub id: String,
    pub name: String,
    pub elements: Vec<String>,
}

/// A loaded, validated model.
pub struct Model {
    pub doc: ModelDoc,
    /// Where it was loaded from ("built-in rare-earth model", a path).
    pub origin: String,
    pub files: Vec<Arc<SourceText>>,
    /// Every entity is a graph node (index = entity index); supply edges carry their index.
    pub graph: DiGraph<u32, u32>,
    pub entities: Vec<Entity>,
    pub supplies: Vec<Supply>,
    pub materials: Vec<Material>,
    pub(crate) by_id: HashMap<String, u32>,
    pub(crate) by_name: HashMap<String, Vec<u32>>,
    pub(crate) material_by_key: HashMap<String, u32>,
    /// Supply cycles (recycling loops), one per cyclic strongly connected component.
    pub cycles: Vec<SupplyCycle>,
    /// The compact analysis form of the supply graph.
    pub net: Net,
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
    pub fn describe(&self, entities: &[Entity]) -> String {
        let id = |i: &u32| entities[*i as usize].id.as_str();
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
        if let Some(&i) = self.by_id.get(&k) {
            return Lookup::Found(i);
        }
        match self.by_name.get(&k).map(Vec::as_slice) {
            Some([one]) => Lookup::Found(*one),
            Some(many) if !many.is_empty() => Lookup::Ambiguous(many.to_vec()),
            _ => Lookup::Missing,
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

    pub fn entity(&self, i: u32) -> &Entity {
        &self.entities[i as usize]
    }

    pub fn node_index(i: u32) -> NodeIndex {
        NodeIndex::new(i as usize)
    }

    /// Every id and name, for did-you-mean.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entities
            .iter()
            .flat_map(|e| [e.id.as_str(), e.name.as_str()])
    }

    /// The regions containing `i` (its own region and every region that contains it), nearest
    /// first. For a region, the regions it lies within.
    pub fn regions_of(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let mut cur = self.entity(i).region;
        let mut steps = 0;
        std::iter::from_fn(move || {
            let r = cur?;
            steps += 1;
            if steps > self.entities.len() {
                return None; // never loops: `within` cycles are rejected, but stay safe
            }
            cur = self.entity(r).region;
            Some(r)
        })
    }

    /// Whether `i` is located in region `r` at any depth (a region is within itself).
    pub fn is_within(&self, i: u32, r: u32) -> bool {
        i == r || self.regions_of(i).any(|x| x == r)
    }

    /// The nearest enclosing region of `i` whose level is `level` ("country").
    pub fn region_at_level(&self, i: u32, level: &str) -> Option<u32> {
        let own = (self.entity(i).kind == Kind::Region).then_some(i);
        own.into_iter()
            .chain(self.regions_of(i))
            .find(|&r| self.entity(r).level.as_deref() == Some(level))
    }

    pub fn flow_nodes(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.entities.len() as u32).filter(|&i| self.entity(i).kind.is_flow())
    }

    /// A node's label for output: its name.
    pub fn label(&self, i: u32) -> &str {
        &self.entity(i).name
    }
}
