//! What `check` prints about a model: counts by kind, stage, region, material and source, the
//! supply cycles, and the figures that cite no source.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use super::doc::{Attrs, Figure, Name};
use super::fields::Entity;
use super::graph::{Kind, Model};

/// How many figures without a source are listed.
const SHOWN: usize = 20;

pub struct Summary {
    pub name: String,
    pub origin: String,
    pub files: usize,
    pub by_kind: BTreeMap<&'static str, usize>,
    pub stages: BTreeMap<String, usize>,
    pub regions: usize,
    pub countries: Vec<String>,
    pub edges: usize,
    pub planned_edges: usize,
    pub stopped_edges: usize,
    pub materials: usize,
    pub controls: usize,
    pub scenarios: usize,
    pub sources: usize,
    pub figures: usize,
    pub conflicting_figures: usize,
    /// Figures with a range: their own, or their sources' span.
    pub uncertain_figures: usize,
    /// Supply figures given a range by the model's `assumption_range`, and that range.
    pub assumed_ranges: usize,
    pub assumption_range: Option<f64>,
    /// How many figures (of flow nodes, edges and other items) have no source.
    pub unsourced: usize,
    /// The first few of them, as `item: key`.
    pub unsourced_shown: Vec<String>,
    pub cycles: Vec<String>,
}

impl Summary {
    pub fn of(m: &Model) -> Summary {
        let mut s = Summary {
            name: m
                .doc
                .model
                .name
                .clone()
                .unwrap_or_else(|| "(unnamed model)".into()),
            origin: m.origin.clone(),
            files: m.files.len(),
            by_kind: BTreeMap::new(),
            stages: BTreeMap::new(),
            regions: 0,
            countries: Vec::new(),
            edges: m.supplies.len(),
            planned_edges: m
                .supplies
                .iter()
                .filter(|s| s.status == super::graph::EdgeStatus::Planned)
                .count(),
            stopped_edges: m
                .supplies
                .iter()
                .filter(|s| s.status == super::graph::EdgeStatus::Stopped)
                .count(),
            materials: m.materials.len(),
            controls: m.doc.control.len(),
            scenarios: m.doc.scenario.len(),
            sources: m.doc.source.len(),
            figures: 0,
            conflicting_figures: 0,
            uncertain_figures: 0,
            assumed_ranges: 0,
            assumption_range: None,
            unsourced: 0,
            unsourced_shown: Vec::new(),
            cycles: Vec::new(),
        };
        for e in m.entities.iter() {
            if e.kind == Kind::Region {
                s.regions += 1;
                if e.level == Some("country") {
                    s.countries.push(e.name.to_string());
                }
            } else {
                *s.by_kind.entry(e.kind.as_str()).or_default() += 1;
                if let Some(st) = e.stage {
                    *s.stages.entry(st.to_string()).or_default() += 1;
                }
            }
        }
        let d = &m.doc;
        for i in 0..m.node_defs() {
            let n = m.node_def(i);
            let item = format!("node {}", n.id.text);
            s.figures_of(
                &item,
                n.source.as_ref(),
                n.figures().map(|(f, figure)| (f.key, figure)),
                &n.attrs,
            );
        }
        for k in 0..m.supplies.len() {
            let e = m.edge_def(k);
            let item = format!("edge {} -> {}", e.from.text, e.to.text);
            let own = e.figures().map(|(f, figure)| (f.key, figure));
            s.figures_of(&item, e.source.as_ref(), own, &e.attrs);
        }
        for r in &d.region {
            s.figures_of(
                &format!("region {}", r.id.text),
                r.source.as_ref(),
                std::iter::empty(),
                &r.attrs,
            );
        }
        for x in &d.material {
            s.figures_of(
                &format!("material {}", x.id.text),
                x.source.as_ref(),
                std::iter::empty(),
                &x.attrs,
            );
        }
        for x in &d.control {
            s.figures_of(
                &format!("control {}", x.id.text),
                x.source.as_ref(),
                std::iter::empty(),
                &x.attrs,
            );
        }
        s.figures_of("[model]", None, std::iter::empty(), &d.model.attrs);
        for c in &m.cycles {
            s.cycles.push(c.describe(&m.entities));
        }
        let ranges = m.ranges();
        s.assumed_ranges = ranges.count(super::ranges::RangeOrigin::Assumption);
        s.assumption_range = ranges.assumption_range;
        s
    }

    fn figures_of<'a>(
        &mut self,
        item: &str,
        default: Option<&Name>,
        own: impl Iterator<Item = (&'a str, &'a Figure)>,
        attrs: &'a Attrs,
    ) {
        let all = own.chain(attrs.0.iter().map(|(k, f)| (k.text.as_str(), f)));
        for (key, f) in all {
            self.figures += 1;
            if f.values.len() > 1 {
                self.conflicting_figures += 1;
            }
            if f.range().is_some() {
                self.uncertain_figures += 1;
            }
            if f.values.iter().any(|v| v.source.is_none()) && default.is_none() {
                self.unsourced += 1;
                if self.unsourced_shown.len() < SHOWN {
                    self.unsourced_shown.push(format!("{item}: {key}"));
                }
            }
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "model: {}", self.name)?;
        writeln!(f, "from: {} ({} files)", self.origin, self.files)?;
        let flow: usize = self.by_kind.values().sum();
        let mut kinds = String::new();
        for (k, n) in &self.by_kind {
            let _ = write!(kinds, "{}{k} {n}", if kinds.is_empty() { "" } else { ", " });
        }
        writeln!(f, "flow nodes: {flow} ({kinds})")?;
        let mut stages = String::new();
        for (k, n) in &self.stages {
            let _ = write!(
                stages,
                "{}{k} {n}",
                if stages.is_empty() { "" } else { ", " }
            );
        }
        writeln!(
            f,
            "stages: {}",
            if stages.is_empty() { "none" } else { &stages }
        )?;
        writeln!(
            f,
            "regions: {} ({} countries)",
            self.regions,
            self.countries.len()
        )?;
        writeln!(
            f,
            "supply edges: {} ({} planned, {} stopped)",
            self.edges, self.planned_edges, self.stopped_edges
        )?;
        writeln!(
            f,
            "materials: {}; export controls: {}; scenarios: {}",
            self.materials, self.controls, self.scenarios
        )?;
        writeln!(
            f,
            "sources: {}; figures: {} ({} with values from several sources)",
            self.sources, self.figures, self.conflicting_figures
        )?;
        let assumed = match self.assumption_range {
            Some(r) => format!(
                "; {} supply figures more from the assumption range +-{}%",
                self.assumed_ranges,
                crate::number::number(r * 100.0)
            ),
            None => String::new(),
        };
        writeln!(
            f,
            "uncertain figures: {} with a range (own or from disagreeing sources){assumed}",
            self.uncertain_figures
        )?;
        if self.cycles.is_empty() {
            writeln!(f, "supply cycles: none")?;
        } else {
            writeln!(f, "supply cycles: {}", self.cycles.len())?;
            for c in &self.cycles {
                writeln!(f, "  {c}")?;
            }
        }
        writeln!(f, "figures without a source: {}", self.unsourced)?;
        for u in &self.unsourced_shown {
            writeln!(f, "  {u}")?;
        }
        if self.unsourced > self.unsourced_shown.len() {
            writeln!(
                f,
                "  ... and {} more",
                self.unsourced - self.unsourced_shown.len()
            )?;
        }
        Ok(())
    }
}
