//! Writing a model as GraphML, for graph tools (Gephi, yEd, Cytoscape, NetworkX): one `<node>`
//! per flow node, one `<edge>` per supply edge, and every field of each as typed data.
//!
//! Every attribute is declared once by a `<key>` with its `attr.type`: `double` where every value
//! the attribute takes is a number, `boolean` where every one is a flag, `string` otherwise. The
//! attributes come from the entities' field tables (`fields`), so a figure added to an entity is
//! exported with no change here. A figure `X` is written as `X` (the value the model uses), and
//! `X_unit`, `X_source`, `X_date`, `X_note` where it has them; where sources disagree,
//! `X_values` lists every value with its source. Nodes also carry `label` (the name, which
//! Gephi and Cytoscape show), `region_name` and `country`; edges carry `effective_share` (the
//! share the analyses use: derived from volumes where the model gives none, 0 for a stopped
//! edge) beside the declared `share`. Regions are not nodes of the supply graph: a node's
//! region, its name and its country are attributes. A model attribute named as one the export
//! computes (`label`, `country`, `effective_share`, ...) is kept as `model_NAME`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::doc::{Figure, Scalar};
use super::fields::{self, FieldWriter};
use super::graph::{EdgeStatus, Kind, Model};

/// An item's attributes, in field order: name and value.
pub type Props = Vec<(String, Scalar)>;

/// Collects an item's fields as attributes.
#[derive(Default)]
struct Collect(Props);

impl FieldWriter for Collect {
    fn text(&mut self, column: &str, value: String) {
        self.0.push((column.to_string(), Scalar::Text(value)));
    }

    fn figure(&mut self, key: &str, f: &Figure) {
        let v = f.used();
        self.0.push((key.to_string(), v.value.clone()));
        if let Some(u) = &f.unit {
            self.0
                .push((format!("{key}_unit"), Scalar::Text(u.text.clone())));
        }
        if let Some(s) = &v.source {
            self.0
                .push((format!("{key}_source"), Scalar::Text(s.text.clone())));
        }
        if let Some(d) = &v.date {
            self.0
                .push((format!("{key}_date"), Scalar::Text(d.clone())));
        }
        if let Some(n) = &v.note {
            self.0
                .push((format!("{key}_note"), Scalar::Text(n.clone())));
        }
        if f.values.len() > 1 {
            let all: Vec<String> = f
                .values
                .iter()
                .map(|x| {
                    let mut s = x.value.to_string();
                    let about: Vec<&str> =
                        [x.source.as_ref().map(|s| s.as_str()), x.date.as_deref()]
                            .into_iter()
                            .flatten()
                            .collect();
                    if !about.is_empty() {
                        let _ = write!(s, " ({})", about.join(", "));
                    }
                    if x.used {
                        s.push_str(" [used]");
                    }
                    s
                })
                .collect();
            self.0
                .push((format!("{key}_values"), Scalar::Text(all.join("; "))));
        }
    }
}

/// The attributes of flow node `i`: its definition's fields (id, name, kind, stage, region,
/// company, status, capacity, source, every other figure), then `region_name` and `country`.
pub fn node_props(m: &Model, i: u32) -> Props {
    let e = m.entity(i);
    let mut c = Collect::default();
    fields::write(&*m.node_def(e.def), &mut c);
    let mut props = c.0;
    if let Some(r) = e.region {
        put(
            &mut props,
            "region_name",
            Scalar::Text(m.entity(r).name.into()),
        );
    }
    if let Some(country) = m.region_at_level(i, "country") {
        put(
            &mut props,
            "country",
            Scalar::Text(m.entity(country).id.into()),
        );
    }
    props
}

/// Adds an attribute the export computes; an attribute of the model by the same name is kept
/// as `model_NAME`, so that no item has a name twice.
pub fn put(props: &mut Props, name: &str, value: Scalar) {
    if let Some(at) = props.iter().position(|(n, _)| n == name) {
        let (_, old) = props.remove(at);
        put(props, &format!("model_{name}"), old);
    }
    props.push((name.to_string(), value));
}

/// The attributes of region `i`: id, name, within, level, source and its other figures.
pub fn region_props(m: &Model, i: u32) -> Props {
    let e = m.entity(i);
    let mut c = Collect::default();
    fields::write(&m.doc.region[e.def], &mut c);
    c.0
}

/// The attributes of supply edge `k`: its definition's fields but its ends (material, share as
/// declared, volume, status, source, other figures), then `material_name`, `effective_share`
/// and `status` (`operating` where the model says nothing).
pub fn edge_props(m: &Model, k: usize) -> Props {
    let s = &m.supplies[k];
    let mut c = Collect::default();
    fields::write(&*m.edge_def(k), &mut c);
    let mut props: Props =
        c.0.into_iter()
            .filter(|(n, _)| n != "from" && n != "to")
            .collect();
    if let Some(mat) = s.material() {
        let mat = &m.materials[mat as usize];
        if mat.name != mat.id {
            put(&mut props, "material_name", Scalar::Text(mat.name.clone()));
        }
    }
    put(&mut props, "effective_share", Scalar::Num(s.share));
    if !props.iter().any(|(n, _)| n == "status") {
        let status = match s.status {
            EdgeStatus::Operating => "operating",
            EdgeStatus::Planned => "planned",
            EdgeStatus::Stopped => "stopped",
        };
        props.push(("status".into(), Scalar::Text(status.into())));
    }
    props
}

/// An attribute's type, the narrowest that holds every value it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    Double,
    Boolean,
    String,
}

impl AttrType {
    fn of(v: &Scalar) -> AttrType {
        match v {
            Scalar::Num(_) => AttrType::Double,
            Scalar::Bool(_) => AttrType::Boolean,
            Scalar::Text(_) => AttrType::String,
        }
    }
    fn join(self, other: AttrType) -> AttrType {
        if self == other {
            self
        } else {
            AttrType::String
        }
    }
    pub fn graphml(self) -> &'static str {
        match self {
            AttrType::Double => "double",
            AttrType::Boolean => "boolean",
            AttrType::String => "string",
        }
    }
}

/// Every attribute name the items use, in order of first use, with its type.
#[derive(Debug, Default)]
pub struct Schema {
    pub names: Vec<(String, AttrType)>,
    index: BTreeMap<String, usize>,
}

impl Schema {
    pub fn of<'a>(items: impl IntoIterator<Item = &'a Props>) -> Schema {
        let mut s = Schema::default();
        for props in items {
            for (name, v) in props {
                let t = AttrType::of(v);
                match s.index.get(name) {
                    Some(&k) => s.names[k].1 = s.names[k].1.join(t),
                    None => {
                        s.index.insert(name.clone(), s.names.len());
                        s.names.push((name.clone(), t));
                    }
                }
            }
        }
        s
    }

    pub fn type_of(&self, name: &str) -> AttrType {
        self.index
            .get(name)
            .map(|&k| self.names[k].1)
            .unwrap_or(AttrType::String)
    }
}

/// A value as text: numbers in Rust's shortest exact form (which XML Schema's `double`, Neo4j
/// and every CSV reader parse back to the same number), flags as `true`/`false`.
pub fn value_text(v: &Scalar) -> String {
    match v {
        Scalar::Num(x) => format!("{x}"),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Text(t) => t.clone(),
    }
}

/// Text escaped for XML; characters XML 1.0 cannot hold (control characters but tab, newline
/// and carriage return) become U+FFFD.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Key ids: `n0`, `n1`... for node attributes, `e0`... for edges, `g0`... for the graph.
fn keys(out: &mut String, prefix: &str, domain: &str, schema: &Schema) {
    for (k, (name, t)) in schema.names.iter().enumerate() {
        let _ = writeln!(
            out,
            "  <key id=\"{prefix}{k}\" for=\"{domain}\" attr.name=\"{}\" attr.type=\"{}\"/>",
            xml(name),
            t.graphml()
        );
    }
}

fn data(out: &mut String, prefix: &str, schema: &Schema, props: &Props) {
    for (name, v) in props {
        let k = schema.index[name];
        let text = match (schema.names[k].1, v) {
            // A number where the attribute is text elsewhere: written as in the model.
            (AttrType::String, Scalar::Num(x)) => crate::number::number(*x),
            _ => value_text(v),
        };
        let _ = writeln!(out, "      <data key=\"{prefix}{k}\">{}</data>", xml(&text));
    }
}

/// What of a model an export writes: some of its flow nodes and supply edges (every one, for
/// a whole model), with attributes of a query's result added to them and to the graph.
#[derive(Debug, Clone, Default)]
pub struct Part {
    pub nodes: Vec<u32>,
    /// Supply numbers; both ends among `nodes`.
    pub edges: Vec<usize>,
    /// Attributes added to `nodes[i]` (empty, or one entry per node).
    pub node_extra: Vec<Props>,
    /// Attributes added to `edges[i]` (empty, or one entry per edge).
    pub edge_extra: Vec<Props>,
    /// Attributes added to the graph.
    pub graph_extra: Props,
}

impl Part {
    /// Every flow node and supply edge of `m`.
    pub fn whole(m: &Model) -> Part {
        Part {
            nodes: m.flow_nodes().collect(),
            edges: (0..m.supplies.len()).collect(),
            ..Part::default()
        }
    }

    /// The attributes of `nodes[i]`: the model's, then the added ones.
    pub fn node_props(&self, m: &Model, i: usize) -> Props {
        let mut p = node_props(m, self.nodes[i]);
        for (name, v) in self.node_extra.get(i).into_iter().flatten() {
            put(&mut p, name, v.clone());
        }
        p
    }

    /// The attributes of `edges[i]`: the model's, then the added ones.
    pub fn edge_props(&self, m: &Model, i: usize) -> Props {
        let mut p = edge_props(m, self.edges[i]);
        for (name, v) in self.edge_extra.get(i).into_iter().flatten() {
            put(&mut p, name, v.clone());
        }
        p
    }
}

/// The model as a GraphML document.
pub fn to_graphml(m: &Model) -> String {
    to_graphml_part(m, &Part::whole(m))
}

/// Part of the model as a GraphML document.
pub fn to_graphml_part(m: &Model, part: &Part) -> String {
    let nodes = &part.nodes;
    let node_props: Vec<Props> = (0..nodes.len())
        .map(|i| part.node_props(m, i))
        .map(|mut p| {
            // The id is the node's own `id`: not again as data, where Gephi's and Cytoscape's
            // own id columns would clash with it.
            p.retain(|(n, _)| n != "id");
            // `label` first: the name Gephi and Cytoscape show.
            let name = p.iter().find(|(n, _)| n == "name").map(|(_, v)| v.clone());
            if let Some(name) = name {
                put(&mut p, "label", name);
                // First: the name Gephi and Cytoscape show.
                p.rotate_right(1);
            }
            p
        })
        .collect();
    let edge_props: Vec<Props> = (0..part.edges.len())
        .map(|i| part.edge_props(m, i))
        .collect();
    let mut graph_props: Props = Vec::new();
    if let Some(n) = &m.doc.model.name {
        graph_props.push(("model".into(), Scalar::Text(n.clone())));
    }
    if let Some(d) = &m.doc.model.description {
        graph_props.push(("description".into(), Scalar::Text(d.clone())));
    }
    for (name, v) in &part.graph_extra {
        put(&mut graph_props, name, v.clone());
    }
    let node_schema = Schema::of(&node_props);
    let edge_schema = Schema::of(&edge_props);
    let graph_schema = Schema::of([&graph_props]);

    let mut out = String::with_capacity(512 * (nodes.len() + part.edges.len()) + 4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    out.push_str("  <!-- written by supplygraph -->\n");
    keys(&mut out, "g", "graph", &graph_schema);
    keys(&mut out, "n", "node", &node_schema);
    keys(&mut out, "e", "edge", &edge_schema);
    out.push_str("  <graph id=\"supplygraph\" edgedefault=\"directed\">\n");
    for (k, (name, v)) in graph_props.iter().enumerate() {
        let _ = writeln!(out, "    <data key=\"g{k}\">{}</data>", xml(&value_text(v)));
        debug_assert_eq!(graph_schema.names[k].0, *name);
    }
    for (&i, props) in nodes.iter().zip(&node_props) {
        let _ = writeln!(out, "    <node id=\"{}\">", xml(m.entity(i).id));
        data(&mut out, "n", &node_schema, props);
        out.push_str("    </node>\n");
    }
    for (&k, props) in part.edges.iter().zip(&edge_props) {
        let s = &m.supplies[k];
        let _ = writeln!(
            out,
            "    <edge id=\"e{k}\" source=\"{}\" target=\"{}\">",
            xml(m.entity(s.from).id),
            xml(m.entity(s.to).id)
        );
        data(&mut out, "e", &edge_schema, props);
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

/// Writes the model as a GraphML file.
pub fn write(m: &Model, out: &Path) -> std::io::Result<Vec<String>> {
    std::fs::write(out, to_graphml(m))?;
    let regions = m.entities.iter().filter(|e| e.kind == Kind::Region).count();
    let mut notes = Vec::new();
    if regions > 0 {
        notes.push(format!(
            "GraphML holds the supply graph: the {regions} regions are node attributes \
             (region, region_name, country), not nodes"
        ));
    }
    Ok(notes)
}
