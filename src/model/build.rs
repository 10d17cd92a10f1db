//! Validation and graph building: from a `ModelDoc` to a `Model`, reporting every problem.
//!
//! Checks, each reported where it occurs: duplicate ids; unknown ids (with did-you-mean);
//! wrong kinds (an edge from or to a region, a node located in a flow node); unknown node kinds,
//! edge statuses, units and elements; negative or non-numeric quantities; shares outside [0, 1];
//! input groups that mix edges with and without shares or add up to more than 1; cycles in
//! `within`; sources cited but not defined. Supply cycles are legal and listed as information.

use std::collections::HashSet;

use rustc_hash::FxHashMap as HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::doc::*;
use super::graph::*;
use super::vocab;
use crate::analysis::net::Net;
use crate::diag::{Loc, Problem, Problems};
use crate::suggest;

/// The lookup key of an id: lower case, without allocating when it already is.
fn lower(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_uppercase) {
        std::borrow::Cow::Owned(s.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Tolerance for shares adding up to more than 1.
pub const SHARE_EPS: f64 = 1e-9;

/// Validates a document and builds its model. Problems hold errors, warnings and information;
/// the model is built only when there is no error.
pub fn build(doc: ModelDoc, origin: &str) -> (Option<Model>, Problems) {
    let mut p = Problems::default();
    let sources: HashMap<&str, &SourceDef> =
        doc.source.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut b = Builder {
        p: &mut p,
        sources: &sources,
        units: vocab::UNITS
            .iter()
            .map(|s| s.to_string())
            .chain(doc.model.units.iter().map(|u| u.text.clone()))
            .collect(),
    };
    b.check_unique("source", doc.source.iter().map(|s| &s.id));
    b.check_unique("material", doc.material.iter().map(|s| &s.id));
    b.check_unique("control", doc.control.iter().map(|s| &s.id));
    b.check_unique("scenario", doc.scenario.iter().map(|s| &s.id));
    b.check_unique(
        "region or node",
        doc.region
            .iter()
            .map(|r| &r.id)
            .chain(doc.node.iter().map(|n| &n.id)),
    );

    // Entities: regions first, then flow nodes.
    let mut entities = Vec::with_capacity(doc.region.len() + doc.node.len());
    let mut by_id: HashMap<String, u32> = HashMap::default();
    for (i, r) in doc.region.iter().enumerate() {
        by_id
            .entry(r.id.text.to_lowercase())
            .or_insert(entities.len() as u32);
        entities.push(Entity {
            id: r.id.text.clone(),
            name: r.name.clone().unwrap_or_else(|| r.id.text.clone()),
            kind: Kind::Region,
            stage: None,
            region: None,
            level: r.level.as_ref().map(|l| l.text.clone()),
            company: None,
            def: i,
        });
    }
    for (i, n) in doc.node.iter().enumerate() {
        let kind = match Kind::parse(&n.kind.text) {
            Some(Kind::Region) => {
                b.p.push(
                    Problem::error(
                        n.kind.at.clone(),
                        "a region is declared as `[[region]]`, not as a node",
                    )
                    .with_label("move it to a [[region]] table"),
                );
                Kind::Stage
            }
            Some(k) => k,
            None => {
                let hint =
                    suggest::hint(&n.kind.text, vocab::FLOW_KINDS.to_vec()).unwrap_or_else(|| {
                        format!("expected one of: {}", vocab::FLOW_KINDS.join(", "))
                    });
                b.p.push(
                    Problem::error(
                        n.kind.at.clone(),
                        format!("unknown node kind \"{}\"", n.kind.text),
                    )
                    .with_label(hint),
                );
                Kind::Stage
            }
        };
        by_id
            .entry(n.id.text.to_lowercase())
            .or_insert(entities.len() as u32);
        entities.push(Entity {
            id: n.id.text.clone(),
            name: n.name.clone().unwrap_or_else(|| n.id.text.clone()),
            kind,
            stage: n.stage.as_ref().map(|s| s.text.clone()),
            region: None,
            level: None,
            company: n.company.clone(),
            def: i,
        });
    }
    let region_ids: Vec<&str> = doc.region.iter().map(|r| r.id.as_str()).collect();
    let node_ids: Vec<&str> = doc.node.iter().map(|n| n.id.as_str()).collect();

    // Regions: `within`, level, sources, attributes.
    for (i, r) in doc.region.iter().enumerate() {
        if let Some(w) = &r.within {
            entities[i].region = b.resolve_region(w, &by_id, &entities, &region_ids, "within");
        }
        b.cite(r.source.as_ref());
        b.attrs(&r.attrs);
    }
    check_within_cycles(&doc, &entities, b.p);

    // Flow nodes.
    let nregions = doc.region.len();
    for (i, n) in doc.node.iter().enumerate() {
        if let Some(r) = &n.region {
            entities[nregions + i].region =
                b.resolve_region(r, &by_id, &entities, &region_ids, "region");
        }
        b.cite(n.source.as_ref());
        if let Some(c) = &n.capacity {
            b.quantity("capacity", c, false);
        }
        b.attrs(&n.attrs);
    }

    // Materials and elements.
    let mut materials = Vec::new();
    let mut material_by_key = HashMap::default();
    for m in &doc.material {
        b.cite(m.source.as_ref());
        b.attrs(&m.attrs);
        for e in &m.elements {
            b.element(e);
        }
        let idx = materials.len() as u32;
        material_by_key
            .entry(m.id.text.to_lowercase())
            .or_insert(idx);
        if let Some(name) = &m.name {
            material_by_key.entry(name.to_lowercase()).or_insert(idx);
        }
        materials.push(Material {
            id: m.id.text.clone(),
            name: m.name.clone().unwrap_or_else(|| m.id.text.clone()),
            elements: m.elements.iter().map(|e| e.text.clone()).collect(),
        });
    }
    let declared_materials = !doc.material.is_empty();
    for c in &doc.control {
        b.cite(c.source.as_ref());
        b.attrs(&c.attrs);
        if let Some(by) = &c.by {
            b.resolve_region(by, &by_id, &entities, &region_ids, "by");
        }
        if c.elements.is_empty() {
            b.p.push(Problem::error(
                c.at.clone(),
                "an export control names no elements",
            ));
        }
        for e in &c.elements {
            b.element(e);
        }
    }
    for s in &doc.scenario {
        b.cite(s.source.as_ref());
    }

    // Supply edges.
    let mut supplies = Vec::with_capacity(doc.edge.len());
    let mut seen_edges: HashMap<(u32, u32, Option<u32>), &Loc> = HashMap::default();
    for (i, e) in doc.edge.iter().enumerate() {
        b.cite(e.source.as_ref());
        b.attrs(&e.attrs);
        let from = b.resolve_flow(&e.from, &by_id, &entities, &node_ids, "from");
        let to = b.resolve_flow(&e.to, &by_id, &entities, &node_ids, "to");
        let material = match &e.material {
            None => None,
            Some(m) => match material_by_key.get(lower(&m.text).as_ref()) {
                Some(&k) => Some(k),
                None if declared_materials => {
                    let known: Vec<&str> = doc.material.iter().map(|m| m.id.as_str()).collect();
                    b.p.push(
                        Problem::error(m.at.clone(), format!("unknown material \"{}\"", m.text))
                            .with_label_opt(suggest::hint(&m.text, known)),
                    );
                    None
                }
                None => {
                    // A model that declares no materials names them freely (plain CSV tables).
                    let k = materials.len() as u32;
                    material_by_key.insert(m.text.to_lowercase(), k);
                    materials.push(Material {
                        id: m.text.clone(),
                        name: m.text.clone(),
                        elements: Vec::new(),
                    });
                    Some(k)
                }
            },
        };
        let status = match &e.status {
            None => EdgeStatus::Operating,
            Some(s) => match s.text.as_str() {
                "operating" => EdgeStatus::Operating,
                "planned" => EdgeStatus::Planned,
                "stopped" => EdgeStatus::Stopped,
                other => {
                    b.p.push(
                        Problem::error(s.at.clone(), format!("unknown edge status \"{other}\""))
                            .with_label(format!(
                                "expected one of: {}",
                                vocab::EDGE_STATUSES.join(", ")
                            )),
                    );
                    EdgeStatus::Operating
                }
            },
        };
        if let Some(s) = &e.share {
            b.quantity("share", s, true);
        }
        if let Some(v) = &e.volume {
            b.quantity("volume", v, false);
        }
        if let (Some(f), Some(t)) = (from, to) {
            if status != EdgeStatus::Stopped {
                if let Some(first) = seen_edges.insert((f, t, material), &e.at) {
                    let mut w = Problem::warning(
                        e.at.clone(),
                        format!(
                            "a second supply edge from \"{}\" to \"{}\" for the same material",
                            e.from.text, e.to.text
                        ),
                    );
                    if let Some(pos) = first.position() {
                        w = w.with_note(format!("the first is at {pos}"));
                    }
                    b.p.push(w);
                }
            }
            supplies.push(Supply {
                from: f,
                to: t,
                material,
                share: 0.0,
                status,
                def: i,
            });
        }
    }
    compute_shares(&doc, &mut supplies, b.p);

    if p.has_errors() {
        return (None, p);
    }

    // The graph.
    let mut graph: DiGraph<u32, u32> = DiGraph::with_capacity(entities.len(), supplies.len());
    for i in 0..entities.len() {
        graph.add_node(i as u32);
    }
    for (k, s) in supplies.iter().enumerate() {
        graph.add_edge(
            NodeIndex::new(s.from as usize),
            NodeIndex::new(s.to as usize),
            k as u32,
        );
    }
    let mut by_name: HashMap<String, Vec<u32>> = HashMap::default();
    for (i, e) in entities.iter().enumerate() {
        let key = e.name.to_lowercase();
        if !by_id.contains_key(&key) || by_id[&key] == i as u32 {
            by_name.entry(key).or_default().push(i as u32);
        }
    }
    let net = Net::build(entities.len(), &supplies);
    let cycles = supply_cycles(&graph, &supplies, &net);
    for c in &cycles {
        let def = entities[c.path[0] as usize].def;
        p.push(Problem::info(
            doc.node[def].at.clone(),
            format!("supply cycle (recycling loop): {}", c.describe(&entities)),
        ));
    }
    let model = Model {
        doc,
        origin: origin.to_string(),
        files: Vec::new(),
        graph,
        entities,
        supplies,
        materials,
        by_id,
        by_name,
        material_by_key,
        cycles,
        net,
    };
    (Some(model), p)
}

struct Builder<'a> {
    p: &'a mut Problems,
    sources: &'a HashMap<&'a str, &'a SourceDef>,
    units: Vec<String>,
}

impl Builder<'_> {
    fn check_unique<'n>(&mut self, what: &str, ids: impl Iterator<Item = &'n Name>) {
        let mut seen: HashMap<String, &Name> = HashMap::default();
        for id in ids {
            let key = id.text.to_lowercase();
            if let Some(first) = seen.get(&key) {
                let mut pr = Problem::error(
                    id.at.clone(),
                    format!("duplicate {what} id \"{}\"", id.text),
                );
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
            if !self.sources.contains_key(s.as_str()) {
                let known: Vec<&str> = self.sources.keys().copied().collect();
                self.p.push(
                    Problem::error(
                        s.at.clone(),
                        format!("source \"{}\" is cited but not defined", s.text),
                    )
                    .with_label_opt(suggest::hint(&s.text, known)),
                );
            }
        }
    }

    fn unit(&mut self, u: &Name) {
        if !self.units.iter().any(|k| k == &u.text) {
            let hint = suggest::hint(&u.text, self.units.iter().map(String::as_str).collect())
                .unwrap_or_else(|| "declare it in [model] units = [...]".into());
            self.p.push(
                Problem::error(u.at.clone(), format!("unknown unit \"{}\"", u.text))
                    .with_label(hint),
            );
        }
    }

    fn element(&mut self, e: &Name) {
        if !vocab::ELEMENTS.contains(&e.text.as_str()) {
            self.p.push(
                Problem::error(
                    e.at.clone(),
                    format!("unknown chemical element \"{}\"", e.text),
                )
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
                    self.p.push(Problem::error(
                        v.at.clone(),
                        "a figure must be a finite number",
                    ));
                }
            }
        }
    }

    fn attrs(&mut self, a: &Attrs) {
        for (_, f) in &a.0 {
            self.figure(f);
        }
    }

    /// A quantity (share, volume, capacity): numeric, not negative; a share at most 1.
    fn quantity(&mut self, what: &str, f: &Figure, is_share: bool) {
        self.figure(f);
        for v in &f.values {
            match &v.value {
                Scalar::Num(x) if *x < 0.0 => {
                    self.p.push(Problem::error(
                        v.at.clone(),
                        format!("{what} must not be negative, found {x}"),
                    ));
                }
                Scalar::Num(x) if is_share && *x > 1.0 => {
                    self.p.push(
                        Problem::error(
                            v.at.clone(),
                            format!("a share is a fraction in [0, 1], found {x}"),
                        )
                        .with_label(format!("for {x}%, write {}", x / 100.0)),
                    );
                }
                Scalar::Num(_) => {}
                other => {
                    self.p.push(Problem::error(
                        v.at.clone(),
                        format!("{what} must be a number, found \"{other}\""),
                    ));
                }
            }
        }
    }

    fn resolve_region(
        &mut self,
        n: &Name,
        by_id: &HashMap<String, u32>,
        entities: &[Entity],
        region_ids: &[&str],
        key: &str,
    ) -> Option<u32> {
        match by_id.get(lower(&n.text).as_ref()) {
            Some(&i) if entities[i as usize].kind == Kind::Region => Some(i),
            Some(_) => {
                self.p.push(Problem::error(
                    n.at.clone(),
                    format!(
                        "`{key}` must name a region, but \"{}\" is a flow node",
                        n.text
                    ),
                ));
                None
            }
            None => {
                self.p.push(
                    Problem::error(n.at.clone(), format!("unknown region \"{}\"", n.text))
                        .with_label_opt(suggest::hint(&n.text, region_ids.to_vec())),
                );
                None
            }
        }
    }

    fn resolve_flow(
        &mut self,
        n: &Name,
        by_id: &HashMap<String, u32>,
        entities: &[Entity],
        node_ids: &[&str],
        key: &str,
    ) -> Option<u32> {
        match by_id.get(lower(&n.text).as_ref()) {
            Some(&i) if entities[i as usize].kind.is_flow() => Some(i),
            Some(_) => {
                self.p.push(
                    Problem::error(
                        n.at.clone(),
                        format!(
                            "an edge cannot {} a region: \"{}\" is a region",
                            if key == "from" { "start at" } else { "end at" },
                            n.text
                        ),
                    )
                    .with_label("supply edges join flow nodes; a region contains them"),
                );
                None
            }
            None => {
                self.p.push(
                    Problem::error(n.at.clone(), format!("unknown node \"{}\"", n.text))
                        .with_label_opt(suggest::hint(&n.text, node_ids.to_vec())),
                );
                None
            }
        }
    }
}

/// Reports each cycle in `within` once, at the `within` of its first region.
fn check_within_cycles(doc: &ModelDoc, entities: &[Entity], p: &mut Problems) {
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
                p.push(Problem::error(
                    at,
                    format!(
                        "regions lie within each other in a cycle: {} -> {}",
                        cycle.join(" -> "),
                        cycle[0]
                    ),
                ));
                break;
            }
            state[c] = 1;
            walk.push(c);
            cur = entities[c].region;
        }
        for w in walk {
            state[w] = 2;
        }
    }
}

/// Effective shares per input group (design.md section 1), with the group checks.
fn compute_shares(doc: &ModelDoc, supplies: &mut [Supply], p: &mut Problems) {
    let mut groups: HashMap<(u32, Option<u32>), Vec<usize>> = HashMap::default();
    for (k, s) in supplies.iter().enumerate() {
        if s.status != EdgeStatus::Stopped {
            groups.entry((s.to, s.material)).or_default().push(k);
        }
    }
    let mut keys: Vec<_> = groups.keys().copied().collect();
    keys.sort();
    let defs: Vec<usize> = supplies.iter().map(|s| s.def).collect();
    for key in keys {
        let all = &groups[&key];
        let operating: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&k| supplies[k].status == EdgeStatus::Operating)
            .collect();
        let explicit = |k: usize| doc.edge[defs[k]].share.as_ref().and_then(Figure::as_number);
        let volume = |k: usize| {
            doc.edge[defs[k]]
                .volume
                .as_ref()
                .and_then(Figure::as_number)
        };
        let with_share = all.iter().filter(|&&k| explicit(k).is_some()).count();
        if with_share > 0 && with_share < all.len() {
            let first = &doc.edge[supplies[all[0]].def];
            let mut pr = Problem::error(
                first.at.clone(),
                format!(
                    "input group of \"{}\"{} mixes edges with and without a share",
                    first.to.text,
                    material_phrase(first)
                ),
            )
            .with_label("give every edge of the group a share, or none");
            for &k in all {
                let e = &doc.edge[supplies[k].def];
                pr = pr.with_note(format!(
                    "{} from \"{}\" {}",
                    e.at.position().unwrap_or_default(),
                    e.from.text,
                    if explicit(k).is_some() {
                        "has a share"
                    } else {
                        "has none"
                    }
                ));
            }
            p.push(pr);
            continue;
        }
        // Operating edges form the group; planned ones are measured against the whole group.
        for (members, planned) in [(&operating, false), (all, true)] {
            let vols: Option<Vec<f64>> = members.iter().map(|&k| volume(k)).collect();
            let total: f64 = vols.as_ref().map(|v| v.iter().sum()).unwrap_or(0.0);
            for (j, &k) in members.iter().enumerate() {
                if planned != (supplies[k].status == EdgeStatus::Planned) {
                    continue;
                }
                supplies[k].share = match (explicit(k), &vols) {
                    (Some(s), _) => s,
                    (None, Some(v)) if total > 0.0 => v[j] / total,
                    _ => 1.0 / members.len() as f64,
                };
            }
        }
        let planned: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&k| supplies[k].status == EdgeStatus::Planned)
            .collect();
        for (members, what) in [(&operating, ""), (&planned, " (planned edges)")] {
            // A share outside [0, 1] is reported on its own; its group sum would say it again.
            if members.is_empty()
                || members
                    .iter()
                    .any(|&k| !(0.0..=1.0).contains(&supplies[k].share))
            {
                continue;
            }
            if with_share == 0 {
                break;
            }
            let sum: f64 = members.iter().map(|&k| supplies[k].share).sum();
            if sum > 1.0 + SHARE_EPS {
                let first = &doc.edge[supplies[members[0]].def];
                let at = first
                    .share
                    .as_ref()
                    .map(|s| s.at.clone())
                    .unwrap_or(first.at.clone());
                let mut pr = Problem::error(
                    at,
                    format!(
                        "shares of the input group of \"{}\"{} add up to {}{what}, more than 1",
                        first.to.text,
                        material_phrase(first),
                        crate::output::number(sum)
                    ),
                );
                for &k in members.iter() {
                    let e = &doc.edge[supplies[k].def];
                    pr = pr.with_note(format!(
                        "{} from \"{}\": {}",
                        e.at.position().unwrap_or_default(),
                        e.from.text,
                        crate::output::number(supplies[k].share)
                    ));
                }
                p.push(pr);
                break;
            }
        }
    }
    for s in supplies.iter_mut() {
        if s.status == EdgeStatus::Stopped {
            s.share = 0.0;
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
fn supply_cycles(graph: &DiGraph<u32, u32>, supplies: &[Supply], net: &Net) -> Vec<SupplyCycle> {
    let mut out = Vec::new();
    for c in 0..net.comp_count() {
        let members = net.comp_members(c);
        if net.comp_cyclic(c) {
            out.push(order_cycle(graph, supplies, members));
        }
    }
    out
}

/// A shortest cycle through the component's first member (breadth-first within the
/// component), followed by any members the cycle does not pass through.
fn order_cycle(graph: &DiGraph<u32, u32>, supplies: &[Supply], members: &[u32]) -> SupplyCycle {
    let set: HashSet<u32> = members.iter().copied().collect();
    let start = *members.iter().min().unwrap_or(&0);
    let mut parent: HashMap<u32, u32> = HashMap::default();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut closing = None;
    while let Some(v) = queue.pop_front() {
        let mut next: Vec<u32> = graph
            .edges(NodeIndex::new(v as usize))
            .filter(|e| supplies[*e.weight() as usize].status != EdgeStatus::Stopped)
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
