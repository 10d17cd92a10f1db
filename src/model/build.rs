//! Validation and graph building: from a `ModelDoc` to a `Model`, reporting every problem.
//!
//! Checks, each reported where it occurs: duplicate ids; unknown ids (with did-you-mean);
//! wrong kinds (an edge from or to a region, a node located in a flow node); unknown node kinds,
//! edge statuses, units and elements; negative or non-numeric quantities; shares outside [0, 1];
//! input groups that mix edges with and without shares or add up to more than 1; cycles in
//! `within`; sources cited but not defined. Supply cycles are legal and listed as information.

// Entity, edge and material numbers and byte offsets are u32: a model file is at most
// `load::MAX_FILE` (4 GiB), so none of them reaches 2^32.
#![allow(clippy::cast_possible_truncation)]

use std::collections::HashSet;

use rustc_hash::FxHashMap as HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::doc::*;
use super::error::ModelError;
use super::fields::{Entity, Flag};
use super::graph::*;
use super::index::{lower, Field, TextIndex};
use super::net::{touch_by, Net};
use super::rows::Rows;
use super::shares::{effective_shares, GroupProblem};
use super::vocab;
use crate::diag::{Loc, Problem, Problems};
use crate::suggest;

pub use super::shares::SHARE_EPS;

/// What a front end (the document reader here, the bulk CSV reader in `bulk`) resolves before
/// the graph is built.
pub struct Parts {
    pub entities: Entities,
    pub by_id: TextIndex,
    pub supplies: Vec<Supply>,
    pub materials: Vec<Material>,
    pub material_by_key: HashMap<String, u32>,
}

impl Parts {
    pub fn new(entities: usize, edges: usize) -> Parts {
        Parts {
            entities: Entities::with_capacity(entities, 16 * entities),
            by_id: TextIndex::new(Field::Id, entities),
            supplies: Vec::with_capacity(edges),
            materials: Vec::new(),
            material_by_key: HashMap::default(),
        }
    }

    /// Adds an entity, indexed by id unless its id is taken; says whether it was indexed.
    pub fn add(&mut self, e: NewEntity<'_>) -> (u32, bool) {
        let i = self.entities.push(e);
        (i, self.by_id.insert(&self.entities, i, true))
    }
}

/// Validates a document and builds its model. Problems hold errors, warnings and information;
/// the model is built only when there is no error.
pub fn build(doc: ModelDoc, origin: &str) -> (Option<Model>, Problems) {
    let mut p = Problems::default();
    let mut parts = Parts::new(doc.region.len() + doc.node.len(), doc.edge.len());
    let mut b = Builder::new(&doc, &mut p);
    b.check_unique(
        "region or node",
        doc.region
            .iter()
            .map(|r| &r.id)
            .chain(doc.node.iter().map(|n| &n.id)),
    );
    b.regions(&doc, &mut parts);
    for (i, n) in doc.node.iter().enumerate() {
        let kind = b.node_kind(&n.kind);
        parts.add(NewEntity {
            id: &n.id.text,
            name: n.name.as_deref().unwrap_or(&n.id.text),
            kind,
            stage: n.stage.as_ref().map(|s| s.text.as_str()),
            level: None,
            company: n.company.as_deref(),
            def: i,
        });
    }
    b.place_regions(&doc, &mut parts);

    // Flow nodes.
    let nregions = doc.region.len();
    for (i, n) in doc.node.iter().enumerate() {
        if let Some(r) = &n.region {
            let at = b.resolve_region(r, &parts, "region");
            parts.entities.set_region((nregions + i) as u32, at);
        }
        b.cite(n.source.as_ref());
        for (f, figure) in n.figures() {
            b.quantity(f.key, figure, f.has(Flag::Fraction));
        }
        b.attrs(&n.attrs);
    }
    b.items(&doc, &mut parts);

    // Supply edges.
    let mut seen_edges: HashMap<(u32, u32, Option<u32>), &Loc> = HashMap::default();
    // The definition of each supply (while there are errors, not every edge has one).
    let mut defs: Vec<usize> = Vec::with_capacity(doc.edge.len());
    let declared_materials = !doc.material.is_empty();
    for (i, e) in doc.edge.iter().enumerate() {
        b.cite(e.source.as_ref());
        b.attrs(&e.attrs);
        let from = b.resolve_flow(&e.from, &parts, "from");
        let to = b.resolve_flow(&e.to, &parts, "to");
        let material = match &e.material {
            None => None,
            Some(m) => match parts.material_by_key.get(lower(&m.text).as_ref()) {
                Some(&k) => Some(k),
                None if declared_materials => {
                    let known: Vec<&str> = doc.material.iter().map(|m| m.id.as_str()).collect();
                    b.p.push(
                        ModelError::UnknownMaterial(m.text.to_string())
                            .at(m.at.clone())
                            .with_label_opt(suggest::hint(&m.text, known)),
                    );
                    None
                }
                // A model that declares no materials names them freely (plain CSV tables).
                None => Some(free_material(&mut parts, &m.text)),
            },
        };
        let status = match &e.status {
            None => EdgeStatus::Operating,
            Some(s) => match EdgeStatus::parse(&s.text) {
                Some(st) => st,
                None => {
                    b.p.push(
                        ModelError::UnknownStatus(s.text.to_string())
                            .at(s.at.clone())
                            .with_label(format!(
                                "expected one of: {}",
                                vocab::EDGE_STATUSES.join(", ")
                            )),
                    );
                    EdgeStatus::Operating
                }
            },
        };
        for (f, figure) in e.figures() {
            b.quantity(f.key, figure, f.has(Flag::Fraction));
        }
        if let (Some(f), Some(t)) = (from, to) {
            if status != EdgeStatus::Stopped {
                if let Some(first) = seen_edges.insert((f, t, material), &e.at) {
                    let mut w = ModelError::SecondEdge {
                        from: e.from.text.to_string(),
                        to: e.to.text.to_string(),
                    }
                    .at(e.at.clone());
                    if let Some(pos) = first.position() {
                        w = w.with_note(format!("the first is at {pos}"));
                    }
                    b.p.push(w);
                }
            }
            let given = e.share.as_ref().and_then(Figure::as_number);
            parts.supplies.push(Supply::new(
                f,
                t,
                material,
                given.unwrap_or(f64::NAN),
                status,
            ));
            defs.push(i);
        }
    }
    let live = effective_shares(
        parts.entities.len(),
        &mut parts.supplies,
        |k| {
            doc.edge[defs[k]]
                .volume
                .as_ref()
                .and_then(Figure::as_number)
        },
        |problem| b.p.push(group_problem(&doc, &defs, problem)),
    );
    if p.has_errors() {
        return (None, p);
    }
    let model = finish(doc, Rows::default(), parts, &live, None, origin, &mut p);
    (Some(model), p)
}

/// An end of a range as written in a message (`?` where it is not a number).
fn fmt_end(x: f64) -> String {
    if x.is_nan() {
        "?".into()
    } else {
        x.to_string()
    }
}

/// A material named by an edge of a model that declares none.
pub fn free_material(parts: &mut Parts, name: &str) -> u32 {
    let k = parts.materials.len() as u32;
    parts.material_by_key.insert(name.to_lowercase(), k);
    parts.materials.push(Material {
        id: name.to_string(),
        name: name.to_string(),
        elements: Vec::new(),
    });
    k
}

/// Edges linked into the petgraph at a time (see [`finish`]).
const LINK_BLOCK: usize = 64;

/// The graph, the indexes and the analysis arrays, from resolved parts without errors.
/// `live` is the group order of the supplies.
pub fn finish(
    doc: ModelDoc,
    rows: Rows,
    parts: Parts,
    live: &[u32],
    grouped: Option<&[Supply]>,
    origin: &str,
    p: &mut Problems,
) -> Model {
    let Parts {
        entities,
        by_id,
        supplies,
        materials,
        material_by_key,
    } = parts;
    // The petgraph is built beside the analysis form's components.
    let n = entities.len();
    let petgraph = || {
        let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(n, supplies.len());
        for _ in 0..n {
            graph.add_node(());
        }
        // In blocks: each block's ends are read first, the reads not waiting for each other,
        // so that linking the edges (two nodes far apart in memory per edge) finds them in
        // the cache.
        for block in supplies.chunks(LINK_BLOCK) {
            let ends = block.iter().flat_map(|s| [s.from as usize, s.to as usize]);
            touch_by(graph.raw_nodes(), ends, |n| {
                n.next_edge(petgraph::Direction::Outgoing).index() as u64
            });
            for s in block {
                graph.add_edge(
                    NodeIndex::new(s.from as usize),
                    NodeIndex::new(s.to as usize),
                    (),
                );
            }
        }
        graph
    };
    // From the live supplies in group order where the caller has them (see
    // `shares::effective_shares_grouped`).
    let (net, graph) = match grouped {
        Some(g) => Net::build_grouped_beside(n, supplies.len(), g, live, petgraph),
        None => Net::build_beside(n, &supplies, live, petgraph),
    };
    crate::phases::mark("graph and analysis arrays");
    let cycles = supply_cycles(&graph, &supplies, &net);
    let mut model = Model {
        doc,
        rows,
        origin: origin.to_string(),
        files: Vec::new(),
        graph,
        entities,
        supplies,
        materials,
        by_id,
        by_name: Default::default(),
        material_by_key,
        cycles,
        net,
        figures: Default::default(),
        ranges: Default::default(),
    };
    for c in &model.cycles {
        let def = model.entity(c.path[0]).def;
        p.push(
            ModelError::SupplyCycle(c.describe(&model.entities).to_string())
                .at(model.node_loc(def)),
        );
    }
    model.cycles.shrink_to_fit();
    crate::phases::mark("cycles");
    model
}

/// The error for a group whose shares do not fit (design.md section 1).
fn group_problem(doc: &ModelDoc, defs: &[usize], problem: GroupProblem) -> Problem {
    match problem {
        GroupProblem::Mixed { members } => {
            let first = &doc.edge[defs[members[0].0]];
            let mut pr = ModelError::MixedShares {
                to: first.to.text.to_string(),
                material: material_phrase(first),
            }
            .at(first.at.clone())
            .with_label("give every edge of the group a share, or none");
            for (k, has) in members {
                let e = &doc.edge[defs[k]];
                pr = pr.with_note(format!(
                    "{} from \"{}\" {}",
                    e.at.position().unwrap_or_default(),
                    e.from.text,
                    if has { "has a share" } else { "has none" }
                ));
            }
            pr
        }
        GroupProblem::MixedVolumes { members } => {
            let first = &doc.edge[defs[members[0].0]];
            let mut pr = ModelError::MixedVolumes {
                to: first.to.text.to_string(),
                material: material_phrase(first),
            }
            .at(first.at.clone())
            .with_label("give every edge of the group a volume (or a share), or none");
            for (k, has) in members {
                let e = &doc.edge[defs[k]];
                pr = pr.with_note(format!(
                    "{} from \"{}\" {}",
                    e.at.position().unwrap_or_default(),
                    e.from.text,
                    if has { "has a volume" } else { "has none" }
                ));
            }
            pr
        }
        GroupProblem::OverOne {
            members,
            planned,
            sum,
        } => {
            let first = &doc.edge[defs[members[0].0]];
            let at = first
                .share
                .as_ref()
                .map(|s| s.at.clone())
                .unwrap_or(first.at.clone());
            let mut pr = ModelError::SharesOverOne {
                to: first.to.text.to_string(),
                material: material_phrase(first),
                sum: crate::number::number(sum).to_string(),
                planned,
            }
            .at(at);
            for (k, share) in members {
                let e = &doc.edge[defs[k]];
                pr = pr.with_note(format!(
                    "{} from \"{}\": {}",
                    e.at.position().unwrap_or_default(),
                    e.from.text,
                    crate::number::number(share)
                ));
            }
            pr
        }
    }
}

/// The checks shared by both front ends, each reporting where it finds a problem.
pub struct Builder<'a> {
    pub p: &'a mut Problems,
    sources: HashMap<&'a str, &'a SourceDef>,
    units: Vec<String>,
    region_ids: Vec<&'a str>,
    node_ids: Vec<&'a str>,
}

impl<'a> Builder<'a> {
    /// Starts validating `doc`: checks the ids of sources, materials, controls and scenarios.
    pub fn new(doc: &'a ModelDoc, p: &'a mut Problems) -> Builder<'a> {
        let mut b = Builder {
            p,
            sources: doc.source.iter().map(|s| (s.id.as_str(), s)).collect(),
            units: vocab::UNITS
                .iter()
                .map(|s| s.to_string())
                .chain(doc.model.units.iter().map(|u| u.text.clone()))
                .collect(),
            region_ids: doc.region.iter().map(|r| r.id.as_str()).collect(),
            node_ids: doc.node.iter().map(|n| n.id.as_str()).collect(),
        };
        b.check_unique("source", doc.source.iter().map(|s| &s.id));
        b.check_unique("material", doc.material.iter().map(|s| &s.id));
        b.check_unique("control", doc.control.iter().map(|s| &s.id));
        b.check_unique("scenario", doc.scenario.iter().map(|s| &s.id));
        b
    }

    /// Whether `source` is a defined source id.
    pub fn is_source(&self, source: &str) -> bool {
        self.sources.contains_key(source)
    }

    /// Whether `unit` is a known unit.
    pub fn is_unit(&self, unit: &str) -> bool {
        self.units.iter().any(|k| k == unit) || super::units::is_known_mass(unit, &self.units)
    }

    /// The regions of the document, as the first entities. Says whether their ids are unique.
    pub fn regions(&mut self, doc: &ModelDoc, parts: &mut Parts) -> bool {
        let mut unique = true;
        for (i, r) in doc.region.iter().enumerate() {
            unique &= parts
                .add(NewEntity {
                    id: &r.id.text,
                    name: r.name.as_deref().unwrap_or(&r.id.text),
                    kind: Kind::Region,
                    stage: None,
                    level: r.level.as_ref().map(|l| l.text.as_str()),
                    company: None,
                    def: i,
                })
                .1;
        }
        unique
    }

    /// The kind of a flow node (a stage, after reporting, when it is not one).
    fn node_kind(&mut self, kind: &Name) -> Kind {
        match Kind::parse(&kind.text) {
            Some(Kind::Region) => {
                self.p.push(
                    ModelError::RegionAsNode
                        .at(kind.at.clone())
                        .with_label("move it to a [[region]] table"),
                );
                Kind::Stage
            }
            Some(k) => k,
            None => {
                let hint =
                    suggest::hint(&kind.text, vocab::FLOW_KINDS.to_vec()).unwrap_or_else(|| {
                        format!("expected one of: {}", vocab::FLOW_KINDS.join(", "))
                    });
                self.p.push(
                    ModelError::UnknownKind(kind.text.to_string())
                        .at(kind.at.clone())
                        .with_label(hint),
                );
                Kind::Stage
            }
        }
    }

    /// Regions' `within` (once every entity is known), sources and attributes; `within` cycles.
    pub fn place_regions(&mut self, doc: &ModelDoc, parts: &mut Parts) {
        for (i, r) in doc.region.iter().enumerate() {
            if let Some(w) = &r.within {
                let at = self.resolve_region(w, parts, "within");
                parts.entities.set_region(i as u32, at);
            }
            self.cite(r.source.as_ref());
            self.attrs(&r.attrs);
        }
        check_within_cycles(doc, &parts.entities, self.p);
    }

    /// Materials (into `parts`), export controls and scenarios.
    pub fn items(&mut self, doc: &ModelDoc, parts: &mut Parts) {
        for m in &doc.material {
            self.cite(m.source.as_ref());
            self.attrs(&m.attrs);
            for e in &m.elements {
                self.element(e);
            }
            let idx = parts.materials.len() as u32;
            parts
                .material_by_key
                .entry(m.id.text.to_lowercase())
                .or_insert(idx);
            if let Some(name) = &m.name {
                parts
                    .material_by_key
                    .entry(name.to_lowercase())
                    .or_insert(idx);
            }
            parts.materials.push(Material {
                id: m.id.text.clone(),
                name: m.name.clone().unwrap_or_else(|| m.id.text.clone()),
                elements: m.elements.iter().map(|e| e.text.clone()).collect(),
            });
        }
        for c in &doc.control {
            self.cite(c.source.as_ref());
            self.attrs(&c.attrs);
            if let Some(by) = &c.by {
                self.resolve_region(by, parts, "by");
            }
            if c.elements.is_empty() {
                self.p.push(ModelError::EmptyExportControl.at(c.at.clone()));
            }
            for e in &c.elements {
                self.element(e);
            }
        }
        for s in &doc.scenario {
            self.cite(s.source.as_ref());
        }
    }

    fn check_unique<'n>(&mut self, what: &str, ids: impl Iterator<Item = &'n Name>) {
        let mut seen: HashMap<String, &Name> = HashMap::default();
        for id in ids {
            let key = id.text.to_lowercase();
            if let Some(first) = seen.get(&key) {
                let mut pr = ModelError::DuplicateId {
                    what: what.to_string(),
                    id: id.text.to_string(),
                }
                .at(id.at.clone());
                if let Some(pos) = first.at.position() {
                    pr = pr.with_note(format!("first defined at {pos}"));
                }
                self.p.push(pr);
            } else {
                seen.insert(key, id);
            }
        }
    }

    fn cite(&mut self, source: Option<&Name>) {
        if let Some(s) = source {
            if !self.is_source(s.as_str()) {
                let known: Vec<&str> = self.sources.keys().copied().collect();
                self.p.push(
                    ModelError::UndefinedSource(s.text.to_string())
                        .at(s.at.clone())
                        .with_label_opt(suggest::hint(&s.text, known)),
                );
            }
        }
    }

    fn unit(&mut self, u: &Name) {
        if !self.is_unit(&u.text) {
            let hint = suggest::hint(&u.text, self.units.iter().map(String::as_str).collect())
                .unwrap_or_else(|| "declare it in [model] units = [...]".into());
            self.p.push(
                ModelError::UnknownUnit(u.text.to_string())
                    .at(u.at.clone())
                    .with_label(hint),
            );
        }
    }

    fn element(&mut self, e: &Name) {
        if !vocab::ELEMENTS.contains(&e.text.as_str()) {
            self.p.push(
                ModelError::UnknownElement(e.text.to_string())
                    .at(e.at.clone())
                    .with_label_opt(suggest::hint(&e.text, vocab::ELEMENTS.to_vec())),
            );
        }
    }

    /// A figure's sources and unit.
    fn figure(&mut self, f: &Figure) {
        if let Some(u) = &f.unit {
            self.unit(u);
        }
        for v in &f.values {
            self.cite(v.source.as_ref());
            if let Scalar::Num(x) = v.value {
                if !x.is_finite() {
                    self.p.push(ModelError::NotFinite.at(v.at.clone()));
                }
            }
        }
    }

    fn attrs(&mut self, a: &Attrs) {
        for (k, f) in &a.0 {
            self.figure(f);
            for v in &f.values {
                self.range(&k.text, v, false);
            }
        }
    }

    /// A quantity (a figure field: share, volume, capacity): numeric, not negative; a share (a
    /// fraction) at most 1.
    fn quantity(&mut self, what: &str, f: &Figure, is_share: bool) {
        self.figure(f);
        for v in &f.values {
            self.range(what, v, is_share);
            match &v.value {
                Scalar::Num(x) if *x < 0.0 => {
                    self.p.push(
                        ModelError::Negative {
                            what: what.to_string(),
                            value: *x,
                        }
                        .at(v.at.clone()),
                    );
                }
                Scalar::Num(x) if is_share && *x > 1.0 => {
                    self.p.push(
                        ModelError::ShareOutOfRange(*x)
                            .at(v.at.clone())
                            .with_label(format!("for {x}%, write {}", x / 100.0)),
                    );
                }
                Scalar::Num(_) => {}
                Scalar::Text(t) if t.contains("..") => {
                    self.p
                        .push(ModelError::BadRange(t.clone()).at(v.at.clone()));
                }
                other => {
                    self.p.push(
                        ModelError::NotANumber {
                            what: what.to_string(),
                            found: other.to_string(),
                        }
                        .at(v.at.clone()),
                    );
                }
            }
        }
    }

    /// A value's range (docs/semantics.md §9): both ends numbers, low at most high, the value
    /// within it, and the ends themselves valid quantities.
    fn range(&mut self, what: &str, v: &FigureValue, is_share: bool) {
        let (lo, hi) = match (v.low, v.high) {
            (Some(lo), Some(hi)) => (lo, hi),
            (None, None) => return,
            (lo, _) => {
                let given = if lo.is_some() { "low" } else { "high" };
                self.p
                    .push(ModelError::HalfRange(given.into()).at(v.at.clone()));
                return;
            }
        };
        if lo.is_nan() || hi.is_nan() {
            self.p.push(
                ModelError::BadRange(format!("{}..{}", fmt_end(lo), fmt_end(hi))).at(v.at.clone()),
            );
            return;
        }
        if lo > hi {
            self.p.push(
                ModelError::RangeReversed { low: lo, high: hi }
                    .at(v.at.clone())
                    .with_label(format!("write {hi}..{lo}")),
            );
            return;
        }
        if lo < 0.0 {
            self.p.push(
                ModelError::Negative {
                    what: format!("the low end of {what}"),
                    value: lo,
                }
                .at(v.at.clone()),
            );
            return;
        }
        if is_share && hi > 1.0 {
            self.p
                .push(ModelError::ShareOutOfRange(hi).at(v.at.clone()));
            return;
        }
        if let Scalar::Num(x) = v.value {
            if x < lo || x > hi {
                self.p.push(
                    ModelError::OutsideRange {
                        value: x,
                        low: lo,
                        high: hi,
                    }
                    .at(v.at.clone()),
                );
            }
        }
    }

    fn resolve_region(&mut self, n: &Name, parts: &Parts, key: &str) -> Option<u32> {
        match parts.by_id.first(&parts.entities, &lower(&n.text)) {
            Some(i) if parts.entities.kind(i) == Kind::Region => Some(i),
            Some(_) => {
                self.p.push(
                    ModelError::NotARegion {
                        key: key.to_string(),
                        name: n.text.to_string(),
                    }
                    .at(n.at.clone()),
                );
                None
            }
            None => {
                self.p.push(
                    ModelError::UnknownRegion(n.text.to_string())
                        .at(n.at.clone())
                        .with_label_opt(suggest::hint(&n.text, self.region_ids.clone())),
                );
                None
            }
        }
    }

    fn resolve_flow(&mut self, n: &Name, parts: &Parts, key: &str) -> Option<u32> {
        match parts.by_id.first(&parts.entities, &lower(&n.text)) {
            Some(i) if parts.entities.kind(i).is_flow() => Some(i),
            Some(_) => {
                self.p.push(
                    ModelError::EdgeAtRegion {
                        from: key == "from",
                        name: n.text.to_string(),
                    }
                    .at(n.at.clone())
                    .with_label("supply edges join flow nodes; a region contains them"),
                );
                None
            }
            None => {
                self.p.push(
                    ModelError::UnknownNode(n.text.to_string())
                        .at(n.at.clone())
                        .with_label_opt(suggest::hint(&n.text, self.node_ids.clone())),
                );
                None
            }
        }
    }
}

/// Reports each cycle in `within` once, at the `within` of its first region.
fn check_within_cycles(doc: &ModelDoc, entities: &Entities, p: &mut Problems) {
    let n = doc.region.len();
    let mut state = vec![0u8; n]; // 0 unvisited, 1 on the current walk, 2 done
    for start in 0..n {
        let mut walk = Vec::new();
        let mut cur = Some(start as u32);
        while let Some(c) = cur {
            let c = c as usize;
            if c >= n || state[c] == 2 {
                break;
            }
            if state[c] == 1 {
                let pos = walk.iter().position(|&x| x == c).unwrap_or(0);
                let cycle: Vec<&str> = walk[pos..]
                    .iter()
                    .map(|&i: &usize| doc.region[i].id.as_str())
                    .collect();
                let at = doc.region[c]
                    .within
                    .as_ref()
                    .map(|w| w.at.clone())
                    .unwrap_or_default();
                p.push(
                    ModelError::WithinCycle {
                        cycle: cycle.join(" -> "),
                        first: cycle[0].to_string(),
                    }
                    .at(at),
                );
                break;
            }
            state[c] = 1;
            walk.push(c);
            cur = entities.region(c as u32);
        }
        for w in walk {
            state[w] = 2;
        }
    }
}

fn material_phrase(e: &EdgeDef) -> String {
    e.material
        .as_ref()
        .map(|m| format!(" for \"{}\"", m.text))
        .unwrap_or_default()
}

/// Supply cycles: strongly connected components with more than one node, or a self-loop.
/// The supply cycles, in the order of the model (by their first node, which each starts at).
fn supply_cycles(graph: &DiGraph<(), ()>, supplies: &[Supply], net: &Net) -> Vec<SupplyCycle> {
    let mut out = Vec::new();
    for c in 0..net.comp_count() {
        let members = net.comp_members(c);
        if net.comp_cyclic(c) {
            out.push(order_cycle(graph, supplies, members));
        }
    }
    out.sort_unstable_by_key(|c| c.path[0]);
    out
}

/// A shortest cycle through the component's first member (breadth-first within the
/// component), followed by any members the cycle does not pass through.
fn order_cycle(graph: &DiGraph<(), ()>, supplies: &[Supply], members: &[u32]) -> SupplyCycle {
    let set: HashSet<u32> = members.iter().copied().collect();
    let start = *members.iter().min().unwrap_or(&0);
    let mut parent: HashMap<u32, u32> = HashMap::default();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut closing = None;
    while let Some(v) = queue.pop_front() {
        let mut next: Vec<u32> = graph
            .edges(NodeIndex::new(v as usize))
            .filter(|e| supplies[e.id().index()].status != EdgeStatus::Stopped)
            .map(|e| e.target().index() as u32)
            .filter(|t| set.contains(t))
            .collect();
        next.sort_unstable();
        for t in next {
            if t == start {
                closing = Some(v);
                break;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(t) {
                e.insert(v);
                queue.push_back(t);
            }
        }
        if closing.is_some() {
            break;
        }
    }
    let mut cycle = Vec::new();
    let mut cur = closing.unwrap_or(start);
    while cur != start {
        cycle.push(cur);
        cur = parent[&cur];
    }
    cycle.push(start);
    cycle.reverse();
    let on_cycle: HashSet<u32> = cycle.iter().copied().collect();
    let mut also: Vec<u32> = members
        .iter()
        .copied()
        .filter(|m| !on_cycle.contains(m))
        .collect();
    also.sort_unstable();
    SupplyCycle { path: cycle, also }
}
