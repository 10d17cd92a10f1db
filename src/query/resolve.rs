//! Resolving names: nodes and regions, variables, fields and attributes, materials, stages,
//! companies and scenarios, with a did-you-mean for each unknown name.

use std::collections::BTreeSet;

use super::ast::*;
use super::error::{EvalError, ResolveError, Result};
use super::session::{Scenario, Session};
use super::sets::NodeSet;
use crate::analysis::net::NONE;
use crate::analysis::scenario::Effects;
use crate::model::doc::Scalar;
use crate::model::graph::{EdgeStatus, Kind, Lookup, Model};
use crate::suggest;

/// Facts about a model that conditions check names against, gathered once per session.
pub struct Vocabulary {
    pub stages: BTreeSet<String>,
    pub attributes: BTreeSet<String>,
    pub companies: BTreeSet<String>,
}

impl Vocabulary {
    pub fn of(m: &Model) -> Vocabulary {
        let mut v = Vocabulary {
            stages: BTreeSet::new(),
            attributes: BTreeSet::new(),
            companies: BTreeSet::new(),
        };
        for e in m.entities.iter() {
            if let Some(s) = e.stage {
                v.stages.insert(s.to_string());
            }
            if let Some(c) = e.company {
                v.companies.insert(c.to_string());
            }
        }
        v.attributes = m.node_attribute_names();
        v
    }
}

/// A compiled condition: whether a node satisfies it.
type Test = Box<dyn Fn(&Model, u32) -> bool>;

/// Fields a condition may name besides attributes.
pub const FIELDS: &[&str] = &[
    "id", "name", "kind", "stage", "region", "company", "status", "material", "element",
];

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
            Stmt::Diagram { body, .. } => self.check_names(body),
            // The body is checked once the what-if is resolved (see `Session::statement`): a
            // what-if that matches nothing is the first thing to hear about.
            Stmt::With { clauses, .. } => self.check_clauses(clauses),
            Stmt::Scenario { clauses, .. } => self.check_clauses(clauses),
            Stmt::Let { set, .. } | Stmt::Loss(set) | Stmt::Show(set) | Stmt::List(set) => {
                self.check_set(set)
            }
            Stmt::Exposure { targets, sources }
            | Stmt::Explain {
                targets, sources, ..
            } => {
                self.check_set(targets)?;
                self.check_set(sources)
            }
            Stmt::Chokepoints { target, .. } => self.check_set(target),
            Stmt::Concentration { target, stage, .. } => {
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
            Set::Union(a, b) | Set::Intersect(a, b) | Set::Except(a, b) => {
                self.check_set(a)?;
                self.check_set(b)
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

    /// A condition as a test on a node; names in it are checked now, once.
    pub(super) fn compile_cond(&self, c: &Cond) -> Result<Test> {
        Ok(match c {
            Cond::Not(a) => {
                let a = self.compile_cond(a)?;
                Box::new(move |m, v| !a(m, v))
            }
            Cond::And(a, b) => {
                let (a, b) = (self.compile_cond(a)?, self.compile_cond(b)?);
                Box::new(move |m, v| a(m, v) && b(m, v))
            }
            Cond::Or(a, b) => {
                let (a, b) = (self.compile_cond(a)?, self.compile_cond(b)?);
                Box::new(move |m, v| a(m, v) || b(m, v))
            }
            Cond::Has(f) => {
                let key = self.attribute(f)?;
                Box::new(move |m, v| attr(m, v, &key).is_some())
            }
            Cond::Cmp { field, op, value } => self.compile_cmp(field, *op, value)?,
        })
    }

    fn attribute(&self, f: &Named) -> Result<String> {
        if self.vocab.attributes.contains(&f.text) || FIELDS.contains(&f.text.as_str()) {
            return Ok(f.text.clone());
        }
        let known: Vec<&str> = FIELDS
            .iter()
            .copied()
            .chain(self.vocab.attributes.iter().map(String::as_str))
            .collect();
        Err(self
            .err(f.span, ResolveError::UnknownField(f.text.clone()))
            .with_label_opt(suggest::hint(&f.text, known)))
    }

    fn compile_cmp(&self, field: &Named, op: Op, value: &Value) -> Result<Test> {
        let values: Vec<&Value> = match value {
            Value::List(vs, _) => vs.iter().collect(),
            v => vec![v],
        };
        let key = field.text.to_lowercase();
        let text_ops = [Op::Eq, Op::Ne, Op::In, Op::Contains];
        let needs_text = |ok: &[Op]| -> Result<()> {
            if ok.contains(&op) {
                Ok(())
            } else {
                Err(self
                    .err(
                        field.span,
                        ResolveError::BadComparison {
                            field: field.text.clone(),
                            op: op.as_str(),
                        },
                    )
                    .with_label(format!(
                        "use {}",
                        ok.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(", ")
                    )))
            }
        };
        let neg = op == Op::Ne;
        match key.as_str() {
            "kind" => {
                needs_text(&[Op::Eq, Op::Ne, Op::In])?;
                let mut kinds = Vec::new();
                for v in &values {
                    let t = text_of(v);
                    match Kind::parse(&t.to_lowercase()) {
                        Some(k) => kinds.push(k),
                        None => {
                            return Err(self
                                .err(v.span(), ResolveError::UnknownKind(t.clone()))
                                .with_label_opt(suggest::hint(
                                    &t,
                                    vec![
                                        "mine", "facility", "stage", "product", "end_use", "region",
                                    ],
                                )))
                        }
                    }
                }
                Ok(Box::new(move |m, v| {
                    kinds.contains(&m.entity(v).kind) != neg
                }))
            }
            "stage" => {
                needs_text(&text_ops)?;
                let wanted = self.checked_texts(&values, op, &self.vocab.stages, "stage")?;
                Ok(text_test(op, wanted, |m, v| {
                    m.entity(v).stage.map(String::from)
                }))
            }
            "company" => {
                needs_text(&text_ops)?;
                let wanted = self.checked_texts(&values, op, &self.vocab.companies, "company")?;
                Ok(text_test(op, wanted, |m, v| {
                    m.entity(v).company.map(String::from)
                }))
            }
            "id" => {
                needs_text(&text_ops)?;
                let wanted: Vec<String> = values.iter().map(|v| text_of(v)).collect();
                Ok(text_test(op, wanted, |m, v| {
                    Some(m.entity(v).id.to_string())
                }))
            }
            "name" => {
                needs_text(&text_ops)?;
                let wanted: Vec<String> = values.iter().map(|v| text_of(v)).collect();
                Ok(text_test(op, wanted, |m, v| {
                    Some(m.entity(v).name.to_string())
                }))
            }
            "status" => {
                needs_text(&text_ops)?;
                let wanted: Vec<String> = values.iter().map(|v| text_of(v)).collect();
                Ok(text_test(op, wanted, |m, v| {
                    let e = m.entity(v);
                    Some(
                        m.node_def(e.def)
                            .status
                            .clone()
                            .unwrap_or_else(|| "operating".into()),
                    )
                }))
            }
            "region" | "country" => {
                needs_text(&[Op::Eq, Op::Ne, Op::In])?;
                let mut regions = Vec::new();
                for v in &values {
                    let n = Named {
                        text: text_of(v),
                        span: v.span(),
                    };
                    let r = self.resolve(&n)?;
                    if self.model.entity(r).kind != Kind::Region {
                        return Err(self.err(v.span(), ResolveError::NotARegion(n.text.clone())));
                    }
                    regions.push(r);
                }
                Ok(Box::new(move |m, v| {
                    regions.iter().any(|&r| m.is_within(v, r)) != neg
                }))
            }
            "material" | "element" => {
                needs_text(&[Op::Eq, Op::Ne, Op::In])?;
                let mut mats = Vec::new();
                for v in &values {
                    let t = text_of(v);
                    mats.extend(self.materials_named(&t, v.span())?);
                }
                let handles = self.nodes_handling(&mats);
                Ok(Box::new(move |_, v| {
                    handles.binary_search(&v).is_ok() != neg
                }))
            }
            _ => {
                let key = self.attribute(field)?;
                let Some(&v0) = values.first() else {
                    // The grammar gives every comparison a value.
                    return Err(self.err(
                        field.span,
                        EvalError::Internal(format!("`{}` is compared with nothing", field.text)),
                    ));
                };
                match v0 {
                    Value::Num(a) => {
                        if values.len() > 1 || op == Op::Contains || op == Op::In {
                            return Err(self.err(v0.span(), ResolveError::NotOneNumber));
                        }
                        let x = a.fraction();
                        Ok(Box::new(move |m, v| match attr(m, v, &key) {
                            Some(Scalar::Num(y)) => match op {
                                Op::Eq => y == x,
                                Op::Ne => y != x,
                                Op::Lt => y < x,
                                Op::Le => y <= x,
                                Op::Gt => y > x,
                                Op::Ge => y >= x,
                                _ => false,
                            },
                            _ => false,
                        }))
                    }
                    _ => {
                        needs_text(&text_ops)?;
                        let wanted: Vec<String> = values.iter().map(|v| text_of(v)).collect();
                        Ok(text_test(op, wanted, move |m, v| {
                            attr(m, v, &key).map(|s| s.to_string())
                        }))
                    }
                }
            }
        }
    }

    /// Texts compared with `=`/`in` must be known values of the field (did-you-mean if not).
    fn checked_texts(
        &self,
        values: &[&Value],
        op: Op,
        known: &BTreeSet<String>,
        what: &'static str,
    ) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for v in values {
            let t = text_of(v);
            if op != Op::Contains && !known.iter().any(|k| k.eq_ignore_ascii_case(&t)) {
                return Err(self
                    .err(
                        v.span(),
                        ResolveError::UnknownValue {
                            what,
                            value: t.clone(),
                        },
                    )
                    .with_label_opt(suggest::hint(
                        &t,
                        known.iter().map(String::as_str).collect(),
                    )));
            }
            out.push(t);
        }
        Ok(out)
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
        Ok((0..m.materials.len() as u32)
            .filter(|&k| {
                m.materials[k as usize]
                    .elements
                    .iter()
                    .any(|e| elements.contains(e))
            })
            .collect())
    }

    /// Flow nodes with an input or output edge carrying one of `mats`, sorted.
    fn nodes_handling(&self, mats: &[u32]) -> Vec<u32> {
        let mut out = Vec::new();
        for s in &self.model.supplies {
            if s.material().is_some_and(|k| mats.contains(&k)) {
                out.push(s.from);
                out.push(s.to);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
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
                Clause::Scenario(n) => {
                    let effects = self.scenario(n)?.effects.clone();
                    fx.extend(&effects);
                }
            }
        }
        Ok(fx)
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::Text(n) | Value::Word(n) => n.text.clone(),
        Value::Num(a) => a.to_string(),
        Value::List(..) => v.to_string(),
    }
}

fn text_test(
    op: Op,
    wanted: Vec<String>,
    get: impl Fn(&Model, u32) -> Option<String> + 'static,
) -> Test {
    let wanted: Vec<String> = wanted.into_iter().map(|w| w.to_lowercase()).collect();
    Box::new(move |m, v| {
        let Some(x) = get(m, v) else {
            return op == Op::Ne;
        };
        let x = x.to_lowercase();
        match op {
            Op::Contains => wanted.iter().any(|w| x.contains(w.as_str())),
            Op::Ne => !wanted.contains(&x),
            _ => wanted.contains(&x),
        }
    })
}

/// The value of a node's attribute (or capacity) as the model uses it.
fn attr(m: &Model, v: u32, key: &str) -> Option<Scalar> {
    let e = m.entity(v);
    if !e.kind.is_flow() {
        return None;
    }
    let n = m.node_def(e.def);
    if key == "capacity" {
        return n.capacity.as_ref().map(|f| f.used().value.clone());
    }
    n.attrs.get(key).map(|f| f.used().value.clone())
}
