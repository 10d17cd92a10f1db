//! Helpers shared by the integration tests.
// Each test crate includes this module and uses only some of it.
#![allow(dead_code)]

use std::collections::BTreeMap;

use std::sync::Arc;

use supplygraph::diag::SourceText;
use supplygraph::model::Model;
use supplygraph::output::{Cell, Table};
use supplygraph::query::{parse, Outcome, Session};

/// A tiny deterministic generator (xorshift), so that a random model follows from one seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() % 1_000_000) as f64 / 1_000_000.0
    }
    /// True once in `n` times.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// Everything a graph means, keyed by ids, in a form two models can be compared by.
pub fn fingerprint(m: &Model) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    for e in m.entities.iter() {
        let region = e.region.map(|r| m.entity(r).id).unwrap_or_default();
        f.insert(
            format!("entity {}", e.id),
            format!(
                "{}|{}|{:?}|{}|{:?}|{:?}",
                e.name,
                e.kind.as_str(),
                e.stage,
                region,
                e.level,
                e.company
            ),
        );
    }
    for s in &m.supplies {
        let mat = s
            .material()
            .map(|k| m.materials[k as usize].id.clone())
            .unwrap_or_default();
        f.insert(
            format!(
                "edge {}->{}:{}",
                m.entity(s.from).id,
                m.entity(s.to).id,
                mat
            ),
            format!("{:.12}|{:?}", s.share, s.status),
        );
    }
    for mat in &m.materials {
        f.insert(format!("material {}", mat.id), mat.elements.join(","));
    }
    for s in &m.doc.source {
        f.insert(
            format!("source {}", s.id.text),
            format!("{:?}|{:?}", s.title, s.date),
        );
    }
    for c in &m.doc.control {
        f.insert(
            format!("control {}", c.id.text),
            format!(
                "{:?}",
                c.elements.iter().map(|e| &e.text).collect::<Vec<_>>()
            ),
        );
    }
    // Attributes: the value used and its source.
    for i in 0..m.node_defs() {
        let n = m.node_def(i);
        for (k, v) in &n.attrs.0 {
            let u = v.used();
            f.insert(
                format!("attr {}.{}", n.id.text, k.text),
                format!("{}|{:?}", u.value, u.source.as_ref().map(|s| &s.text)),
            );
        }
    }
    f
}

/// Every node and edge definition as read, with its place: what `show` and the attributes of a
/// model are made from.
pub fn definitions(m: &Model) -> Vec<String> {
    let at = |l: &supplygraph::diag::Loc| l.position().unwrap_or_default();
    let mut out = Vec::new();
    for i in 0..m.node_defs() {
        let n = m.node_def(i);
        let json = serde_json::to_string(&*n).unwrap_or_else(|e| e.to_string());
        out.push(format!("node {} {json} at {}", n.id.text, at(&n.at)));
    }
    for k in 0..m.supplies.len() {
        let e = m.edge_def(k);
        let json = serde_json::to_string(&*e).unwrap_or_else(|e| e.to_string());
        out.push(format!("edge {k} {json} at {}", at(&e.at)));
    }
    out
}

/// A number cell's value (a test fails on any other cell).
pub fn num(c: &Cell) -> f64 {
    match c {
        Cell::Num(x) => *x,
        other => panic!("not a number: {other:?}"),
    }
}

/// A list cell's ids (a path; a test fails on any other cell).
pub fn ids(c: &Cell) -> Vec<String> {
    match c {
        Cell::List(x) => x.clone(),
        other => panic!("not a list: {other:?}"),
    }
}

/// A text cell's value (a test fails on any other cell).
pub fn text(c: &Cell) -> String {
    match c {
        Cell::Text(x) => x.clone(),
        other => panic!("not text: {other:?}"),
    }
}

/// Runs `cmd` with `input` on its standard input, and its output captured.
pub fn with_stdin(cmd: &mut std::process::Command, input: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    child
        .stdin
        .take()
        .expect("a standard input")
        .write_all(input.as_bytes())
        .expect("writes the input");
    child.wait_with_output().expect("runs")
}

/// Runs a script in a fresh session on `m`: the outcome of its last statement, or its first
/// problem as text.
pub fn run(m: &Model, text: &str) -> Result<Outcome, String> {
    let file = Arc::new(SourceText::new("<t>", text.to_string()));
    let (mut s, _) = Session::new(m);
    let mut last = None;
    for range in parse::split(text) {
        let st = parse::parse_statement(&file, range).map_err(|p| p.to_string())?;
        last = Some(s.run(&file, &st).map_err(|p| p.to_string())?);
    }
    last.ok_or_else(|| "no statement".into())
}

/// The table a script's last statement gives.
pub fn table(m: &Model, text: &str) -> Table {
    match run(m, text) {
        Ok(Outcome::Table(t)) => t,
        other => panic!("{}: {other:?}", &text[..text.len().min(200)]),
    }
}
