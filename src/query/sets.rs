//! Evaluating node sets: set operations, up- and downstream cones, `nodes where` conditions.

use std::collections::HashMap;

use super::ast::*;
use super::error::{EvalError, Result};
use super::session::Session;
use crate::analysis::cone;
use crate::model::graph::Kind;

/// A set of entities (flow nodes and regions), sorted, without duplicates.
pub type NodeSet = Vec<u32>;
impl Session<'_> {
    pub(crate) fn eval_set(&mut self, s: &Set) -> Result<NodeSet> {
        match s {
            Set::Name(n) => Ok(vec![self.resolve(n)?]),
            Set::Var(n) => self.variable(n).cloned(),
            Set::Upstream { of, depth, .. } | Set::Downstream { of, depth, .. } => {
                let start = self.eval_set(of)?;
                let start = self.flow_nodes(&start);
                let shares = self.current_shares();
                let net = &self.model.net;
                let found = if matches!(s, Set::Upstream { .. }) {
                    cone::upstream(net, &shares, &start, *depth)
                } else {
                    cone::downstream(net, &shares, &start, *depth)
                };
                let mut v: Vec<u32> = found.into_iter().map(|(x, _)| x).collect();
                v.sort_unstable();
                Ok(v)
            }
            Set::Nodes { cond, .. } => {
                let mut out = Vec::new();
                let flow: Vec<u32> = self.model.flow_nodes().collect();
                match cond {
                    None => out = flow,
                    Some(c) => {
                        let test = self.compile_cond(c)?;
                        for v in flow {
                            if test(self.model, v) {
                                out.push(v);
                            }
                        }
                    }
                }
                Ok(out)
            }
            Set::Union(..) | Set::Intersect(..) | Set::Except(..) => {
                // A chain of operations, folded left to right: a long `"a", "b", …` costs no
                // stack (the parser bounds parentheses, the only other nesting).
                let (first, rest) = s.chain();
                let mut acc = self.eval_set(first)?;
                for (op, b) in rest {
                    let b = self.eval_set(b)?;
                    acc = self.apply(op, acc, b);
                }
                Ok(acc)
            }
        }
    }

    /// One set operation. Regions stand for the flow nodes located in them (docs/semantics.md
    /// §3): `"China" except "Bayan Obo mine"` is China's flow nodes but that mine, and
    /// `"China" intersect nodes where kind = mine` its mines. A region is kept as itself only
    /// in a union (so that `"China", "Japan"` lists the two regions, as `"China"` alone does),
    /// and only in what `list` and `show` print: every measure reads a set through
    /// `flow_nodes`, where it stands for its flow nodes again.
    fn apply(&self, op: SetOp, a: NodeSet, b: NodeSet) -> NodeSet {
        match op {
            SetOp::Union => {
                let mut v = a;
                v.extend(b);
                v.sort_unstable();
                v.dedup();
                v
            }
            SetOp::Intersect => intersect(&self.flow_nodes(&a), &self.flow_nodes(&b)),
            SetOp::Except => {
                let b = self.flow_nodes(&b);
                self.flow_nodes(&a)
                    .into_iter()
                    .filter(|x| b.binary_search(x).is_err())
                    .collect()
            }
        }
    }

    /// The flow nodes of a set: its flow nodes, and every flow node located in its regions.
    pub(crate) fn flow_nodes(&self, s: &[u32]) -> Vec<u32> {
        let m = self.model;
        let regions: Vec<u32> = s
            .iter()
            .copied()
            .filter(|&x| m.entities.kind(x) == Kind::Region)
            .collect();
        let mut out: Vec<u32> = s
            .iter()
            .copied()
            .filter(|&x| m.entities.kind(x).is_flow())
            .collect();
        if !regions.is_empty() {
            let chosen = cone::mask(&m.net, regions.iter().copied());
            for v in m.flow_nodes() {
                if m.regions_of(v).any(|r| chosen[r as usize]) {
                    out.push(v);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Targets of a measure: flow nodes (regions stand for what they contain).
    pub(super) fn targets(&mut self, s: &Set) -> Result<Vec<u32>> {
        let v = self.eval_set(s)?;
        let v = self.flow_nodes(&v);
        if v.is_empty() {
            return Err(self
                .err(s.span(), EvalError::NoFlowNode)
                .with_label("nothing to measure"));
        }
        Ok(v)
    }

    pub(super) fn sources(&mut self, s: &Set) -> Result<Vec<u32>> {
        let v = self.eval_set(s)?;
        Ok(self.flow_nodes(&v))
    }

    pub(super) fn single_target(&mut self, s: &Set) -> Result<u32> {
        let v = self.targets(s)?;
        match v.as_slice() {
            [one] => Ok(*one),
            _ => Err(self
                .err(s.span(), EvalError::NotOneNode(v.len()))
                .with_label("name one node: this measure is per target")),
        }
    }
}

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Variables by lower-case name.
pub type Vars = HashMap<String, NodeSet>;
pub use super::cond::FIELDS;
