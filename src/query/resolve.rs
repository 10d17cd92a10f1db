//! Resolving names: nodes and regions, variables, materials, stages and scenarios, with a
//! did-you-mean for each unknown name; the whole statement checked before any work
//! (`check_names`), and what-if clauses resolved into effects. Conditions are in `cond`.

use std::collections::BTreeSet;

use super::ast::*;
use super::error::{ResolveError, Result};
use super::session::{Scenario, Session};
use super::sets::NodeSet;
use crate::analysis::scenario::Effects;
use crate::model::graph::{EdgeStatus, Lookup, Model};
use crate::model::net::NONE;
use crate::suggest;

/// Facts about a model that conditions check names against, gathered once per session.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    pub stages: BTreeSet<String>,
    pub attributes: BTreeSet<String>,
    pub companies: BTreeSet<String>,
}

impl Vocabulary {
    pub fn of(m: &Model) -> Vocabulary {
        let (stages, companies) = m.entities.stages_and_companies();
        let owned = |w: Vec<&str>| w.into_iter().map(str::to_string).collect();
        Vocabulary {
            stages: owned(stages),
            attributes: m.node_attribute_names(),
            companies: owned(companies),
        }
    }
}

impl Session<'_> {
    /// A quoted name: a node or region by id or name.
    pub(crate) fn resolve(&self, n: &Named) -> Result<u32> {
        match self.model.lookup(&n.text) {
            Lookup::Found(i) => Ok(i),
            Lookup::Ambiguous(ids) => {
                let ids: Vec<&str> = ids.iter().map(|&i| self.model.entity(i).id).collect();
                Err(self
                    .err(n.span, ResolveError::AmbiguousName(n.text.clone()))
                    .with_label(format!("use an id: {}", ids.join(", "))))
            }
            Lookup::Missing => {
                let mut p = self.err(n.span, ResolveError::UnknownNode(n.text.clone()));
                p = p.with_label_opt(suggest::hint(&n.text, self.model.names().collect()));
                if self.vars.contains_key(&n.text.to_lowercase()) {
                    p = p.with_note(format!(
                        "`{}` is a variable: write it without quotes",
                        n.text
                    ));
                }
                Err(p)
            }
        }
    }

    /// Checks every name of a statement against the model and the session, before any work
    /// (for `with W: S`, the names of W; those of S before S runs):
    /// nodes and regions, variables, fields, attributes and values in conditions, materials,
    /// scenarios and stages. What depends on evaluating (a set without flow nodes, a
    /// restriction no edge matches) is checked as the statement runs.
    pub(super) fn check_names(&self, st: &Statement) -> Result<()> {
        match &st.stmt {
            Stmt::Diagram { body, .. }
            | Stmt::Refine { body, .. }
            | Stmt::LetResult { body, .. } => self.check_names(body),
            // The body is checked under each case as it runs.
            Stmt::Compare { cases, .. } => cases.iter().try_for_each(|c| match c {
                Case::Scenario(n) => self.scenario(n).map(drop),
                Case::Baseline => Ok(()),
            }),
            // The body is checked once the what-if is resolved (see `Session::statement`): a
            // what-if that matches nothing is the first thing to hear about.
            Stmt::With { clauses, .. } => self.check_clauses(clauses),
            Stmt::Scenario { clauses, .. } => self.check_clauses(clauses),
            Stmt::Let { set, .. }
            | Stmt::Loss(set)
            | Stmt::Show(set)
            | Stmt::List(set)
            | Stmt::Shortfall { targets: set, .. } => self.check_set(set),
            Stmt::Exposure { targets, sources }
            | Stmt::Explain {
                targets, sources, ..
            } => {
                self.check_set(targets)?;
                self.check_set(sources)
            }
            Stmt::Chokepoints { target, .. } => self.check_set(target),
            Stmt::Origin {
                material, target, ..
            } => {
                self.carriers(material)?;
                self.check_set(target)
            }
            Stmt::Concentration {
                target,
                stage,
                material,
                ..
            } => {
                if let Some(mat) = material {
                    self.carriers(mat)?;
                }
                self.check_set(target)?;
                match stage {
                    Some(s) => self.resolve_stage(s),
                    None => Ok(()),
                }
            }
            Stmt::Paths { from, to, .. } => {
                self.check_set(from)?;
                self.check_set(to)
            }
            Stmt::ShowModel => Ok(()),
            Stmt::Uncertain { body, .. } => self.check_names(body),
            Stmt::Sensitivity { target, sources } => {
                self.check_set(target)?;
                self.check_set(sources)
            }
            Stmt::Total { attribute, set, .. } => {
                self.check_set(set)?;
                self.total_attribute(attribute)
            }
        }
    }

    fn check_clauses(&self, clauses: &[Clause]) -> Result<()> {
        for c in clauses {
            match c {
                Clause::Disrupt { set, .. } => self.check_set(set)?,
                Clause::Restrict { of, from, to, .. } => {
                    self.check_set(from)?;
                    if let Some(to) = to {
                        self.check_set(to)?;
                    }
                    for n in of {
                        self.materials_named(&n.text, n.span)?;
                    }
                }
                Clause::Planned { of, .. } => {
                    if let Some(of) = of {
                        self.check_set(of)?;
                    }
                }
                Clause::AsOf { .. } => {}
                Clause::Scenario(n) => {
                    self.scenario(n)?;
                }
            }
        }
        Ok(())
    }

    fn check_set(&self, s: &Set) -> Result<()> {
        match s {
            Set::Name(n) => self.resolve(n).map(drop),
            Set::Var(n) => self.variable(n).map(drop),
            Set::Upstream { of, .. } | Set::Downstream { of, .. } => self.check_set(of),
            Set::Nodes { cond, .. } => match cond {
                Some(c) => self.compile_cond(c).map(drop),
                None => Ok(()),
            },
            Set::Union(..) | Set::Intersect(..) | Set::Except(..) => {
                // Along the chain without recursing (see `Set::chain`).
                let (first, rest) = s.chain();
                self.check_set(first)?;
                rest.iter().try_for_each(|(_, b)| self.check_set(b))
            }
        }
    }

    /// A `let` variable by name.
    pub(super) fn variable(&self, n: &Named) -> Result<&NodeSet> {
        if let Some(v) = self.vars.get(&n.text.to_lowercase()) {
            return Ok(v);
        }
        let mut p = self.err(n.span, ResolveError::UnknownVariable(n.text.clone()));
        if self.model.find(&n.text).is_some() {
            p = p.with_label(format!(
                "names of nodes and regions are quoted: \"{}\"",
                n.text
            ));
        } else {
            let vars: Vec<&str> = self.vars.keys().map(String::as_str).collect();
            p = p.with_label_opt(suggest::hint(&n.text, vars));
            if self.vars.is_empty() {
                p = p.with_note("define one with `let NAME = ...`");
            }
        }
        Err(p)
    }

    /// A named scenario, of the model or defined in the session.
    pub(super) fn scenario(&self, n: &Named) -> Result<&Scenario> {
        if let Some(s) = self.scenarios.get(&n.text.to_lowercase()) {
            return Ok(s);
        }
        let known: Vec<&str> = self.scenarios.values().map(|s| s.name.as_str()).collect();
        let mut p = self
            .err(n.span, ResolveError::UnknownScenario(n.text.clone()))
            .with_label_opt(suggest::hint(&n.text, known.clone()));
        if known.is_empty() {
            p = p.with_note(
                "no scenario is defined: define one with `scenario NAME = ...` or in the model",
            );
        }
        Err(p)
    }

    /// A stage some node has (`concentration ... at stage S`).
    pub(super) fn resolve_stage(&self, s: &Named) -> Result<()> {
        if self.vocab.stages.contains(&s.text) {
            return Ok(());
        }
        Err(self
            .err(
                s.span,
                ResolveError::UnknownValue {
                    what: "stage",
                    value: s.text.clone(),
                },
            )
            .with_label_opt(suggest::hint(
                &s.text,
                self.vocab.stages.iter().map(String::as_str).collect(),
            )))
    }

    /// Materials a name stands for: a material by id or name, an element symbol (every material
    /// containing it), or an export control (every material containing one of its elements).
    pub(crate) fn materials_named(&self, name: &str, span: Span) -> Result<Vec<u32>> {
        let m = self.model;
        if let Some(k) = m.material(name) {
            return Ok(vec![k]);
        }
        let elements: Vec<String> = if let Some(sym) = crate::model::vocab::ELEMENTS
            .iter()
            .find(|e| e.eq_ignore_ascii_case(name))
        {
            vec![sym.to_string()]
        } else if let Some(c) = m
            .doc
            .control
            .iter()
            .find(|c| c.id.text.eq_ignore_ascii_case(name))
        {
            c.elements.iter().map(|e| e.text.clone()).collect()
        } else {
            let known: Vec<&str> = m
                .materials
                .iter()
                .flat_map(|x| [x.id.as_str(), x.name.as_str()])
                .chain(m.doc.control.iter().map(|c| c.id.as_str()))
                .collect();
            return Err(self
                .err(span, ResolveError::UnknownMaterial(name.to_string()))
                .with_label_opt(suggest::hint(name, known)));
        };
        Ok((0..u32::try_from(m.materials.len()).unwrap_or(u32::MAX))
            .filter(|&k| {
                m.materials[k as usize]
                    .elements
                    .iter()
                    .any(|e| elements.contains(e))
            })
            .collect())
    }

    /// Which materials carry `name` (docs/semantics.md §10), by material number: for an
    /// element, every material containing it; for a material, itself and every material
    /// containing all its elements (ore carries NdPr oxide); for an export control, every
    /// material containing one of its elements.
    pub(crate) fn carriers(&self, name: &Named) -> Result<Vec<bool>> {
        let m = self.model;
        let mut out = vec![false; m.materials.len()];
        if let Some(k) = m.material(&name.text) {
            let own = &m.materials[k as usize].elements;
            for (j, x) in m.materials.iter().enumerate() {
                out[j] = j == k as usize
                    || (!own.is_empty() && own.iter().all(|e| x.elements.contains(e)));
            }
        } else {
            for k in self.materials_named(&name.text, name.span)? {
                out[k as usize] = true;
            }
        }
        Ok(out)
    }

    /// Resolves what-if clauses into effects, checking every name.
    pub(crate) fn resolve_clauses(&mut self, clauses: &[Clause]) -> Result<Effects> {
        let mut fx = Effects::default();
        let m = self.model;
        for c in clauses {
            match c {
                Clause::Disrupt { set, by } => {
                    let nodes = self.sources(set)?;
                    if nodes.is_empty() {
                        return Err(self.err(set.span(), ResolveError::NothingToDisrupt));
                    }
                    let x = by.as_ref().map(Amount::fraction).unwrap_or(1.0);
                    fx.node_loss.extend(nodes.into_iter().map(|v| (v, x)));
                }
                Clause::Restrict {
                    of,
                    from,
                    to,
                    by,
                    span,
                } => {
                    let from_set = self.eval_set(from)?;
                    let to_set = to.as_ref().map(|t| self.eval_set(t)).transpose()?;
                    let mut mats: Option<Vec<u32>> = None;
                    for n in of {
                        let found = self.materials_named(&n.text, n.span)?;
                        mats.get_or_insert_with(Vec::new).extend(found);
                    }
                    let inside = |set: &[u32], v: u32| {
                        set.binary_search(&v).is_ok()
                            || m.regions_of(v).any(|r| set.binary_search(&r).is_ok())
                    };
                    let x = by.as_ref().map(Amount::fraction).unwrap_or(1.0);
                    let before = fx.edge_restrict.len();
                    for (k, s) in m.supplies.iter().enumerate() {
                        let pos = m.net.supply_pos[k];
                        if pos == NONE || !inside(&from_set, s.from) || inside(&from_set, s.to) {
                            continue;
                        }
                        if let Some(ts) = &to_set {
                            if !inside(ts, s.to) {
                                continue;
                            }
                        }
                        if let Some(ms) = &mats {
                            if !s.material().is_some_and(|k| ms.contains(&k)) {
                                continue;
                            }
                        }
                        fx.edge_restrict.push((pos, x));
                    }
                    if fx.edge_restrict.len() == before {
                        return Err(self.err(*span, ResolveError::NoEdgeRestricted).with_label(
                            "no edge leaves the first place for the second with these materials",
                        ));
                    }
                }
                Clause::Planned { of, span } => {
                    let set = of.as_ref().map(|s| self.eval_set(s)).transpose()?;
                    let set = set.map(|s| self.flow_nodes(&s));
                    let before = fx.planned.len();
                    for (k, s) in m.supplies.iter().enumerate() {
                        if s.status != EdgeStatus::Planned {
                            continue;
                        }
                        if let Some(set) = &set {
                            if set.binary_search(&s.from).is_err() {
                                continue;
                            }
                        }
                        fx.planned.push(m.net.supply_pos[k]);
                    }
                    if fx.planned.len() == before {
                        return Err(self.err(*span, ResolveError::NoPlannedEdge));
                    }
                }
                Clause::AsOf { year, .. } => {
                    let (on, _) = super::shortfall::planned_as_of(m, *year);
                    fx.planned.extend(on);
                }
                Clause::Scenario(n) => {
                    let effects = self.scenario(n)?.effects.clone();
                    fx.extend(&effects);
                }
            }
        }
        // One entry per node and edge (see `Effects::extend`).
        fx.compound();
        Ok(fx)
    }
}
