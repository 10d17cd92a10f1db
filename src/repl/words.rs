//! What the shell can complete and recognise: names of nodes and regions (a sorted prefix
//! index, so completion stays quick on large models), stages, materials, fields, scenarios and
//! variables.

use std::collections::HashSet;

use crate::model::Model;
use crate::query::sets::FIELDS;
use crate::query::Session;

/// At most this many candidates are offered at once.
pub const MAX_CANDIDATES: usize = 200;

/// A sorted list of (lower-case key, text) for prefix search.
#[derive(Debug, Default, Clone)]
pub struct Index(Vec<(String, String)>);

impl Index {
    pub fn new(items: impl IntoIterator<Item = String>) -> Index {
        let mut v: Vec<(String, String)> =
            items.into_iter().map(|s| (s.to_lowercase(), s)).collect();
        v.sort();
        v.dedup();
        Index(v)
    }

    /// Items starting with `prefix` (case-insensitive); where none does, on indexes small
    /// enough to scan, items containing it. At most `MAX_CANDIDATES`.
    pub fn matching(&self, prefix: &str) -> Vec<&str> {
        let p = prefix.to_lowercase();
        let start = self.0.partition_point(|(k, _)| k.as_str() < p.as_str());
        let mut out: Vec<&str> = self.0[start..]
            .iter()
            .take_while(|(k, _)| k.starts_with(&p))
            .take(MAX_CANDIDATES)
            .map(|(_, s)| s.as_str())
            .collect();
        if out.is_empty() && !p.is_empty() && self.0.len() <= 100_000 {
            for (k, s) in &self.0 {
                if out.len() >= MAX_CANDIDATES {
                    break;
                }
                if !k.starts_with(&p) && k.contains(&p) {
                    out.push(s);
                }
            }
        }
        out
    }

    pub fn contains(&self, key: &str) -> bool {
        let k = key.to_lowercase();
        self.0
            .binary_search_by(|(x, _)| x.as_str().cmp(k.as_str()))
            .is_ok()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Debug, Default, Clone)]
pub struct Words {
    /// Names of nodes and regions; `ids` their ids, offered when no name matches.
    pub names: Index,
    pub ids: Index,
    pub stages: Index,
    pub materials: Index,
    pub companies: Index,
    pub fields: Index,
    pub scenarios: Index,
    pub vars: Index,
    /// Every quotable text in lower case, for marking unknown names while typing.
    known: HashSet<String>,
}

pub const KINDS: &[&str] = &["mine", "facility", "stage", "product", "end_use", "region"];

impl Words {
    pub fn of(model: &Model, session: &Session<'_>) -> Words {
        let names = Index::new(model.entities.iter().map(|e| e.name.to_string()));
        let ids = Index::new(model.entities.iter().map(|e| e.id.to_string()));
        let mut stages = HashSet::new();
        let mut companies = HashSet::new();
        for e in model.entities.iter() {
            if let Some(s) = e.stage {
                stages.insert(s.to_string());
            }
            if let Some(c) = e.company {
                companies.insert(c.to_string());
            }
        }
        let mut materials: Vec<String> = model
            .materials
            .iter()
            .flat_map(|m| [m.id.clone(), m.name.clone()])
            .collect();
        for m in &model.materials {
            materials.extend(m.elements.iter().cloned());
        }
        materials.extend(model.doc.control.iter().map(|c| c.id.text.clone()));
        let mut fields: Vec<String> = FIELDS.iter().map(|s| s.to_string()).collect();
        fields.extend(model.node_attribute_names());
        fields.push("capacity".into());
        let mut w = Words {
            names,
            ids,
            stages: Index::new(stages),
            materials: Index::new(materials),
            companies: Index::new(companies),
            fields: Index::new(fields),
            scenarios: Index::default(),
            vars: Index::default(),
            known: HashSet::new(),
        };
        w.update_session(session);
        w
    }

    /// Scenarios and variables change as statements run.
    pub fn update_session(&mut self, session: &Session<'_>) {
        self.scenarios = Index::new(session.scenarios.values().map(|s| s.name.clone()));
        self.vars = Index::new(session.variables().into_iter().map(|(n, _)| n));
        self.known.clear();
    }

    /// Whether a quoted text names something in the model.
    pub fn is_known(&self, text: &str) -> bool {
        self.names.contains(text)
            || self.ids.contains(text)
            || self.stages.contains(text)
            || self.materials.contains(text)
            || self.companies.contains(text)
            || self.scenarios.contains(text)
            || self.known.contains(&text.to_lowercase())
    }
}
