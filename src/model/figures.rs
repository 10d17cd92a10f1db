//! The model's figures in tonnes (docs/semantics.md §8), first-class: each flow node's `output`
//! and `capacity`, each supply edge's `volume` and `capacity`, converted to tonnes a year with
//! their base (`t REO` and `t` of product are different quantities), in flat arrays indexed by
//! entity and supply number. Built once, on first use ([`Model::figures`]), so loading stays as
//! fast as before and no query rebuilds them.
//!
//! ```
//! let (m, _) = supplygraph::model::load_builtin().build();
//! let m = m.unwrap();
//! let f = m.figures();
//! let mp = m.find("mountain-pass").unwrap();
//! let out = f.node_output(mp).unwrap();
//! assert_eq!(out.tonnes, 45_000.0);
//! assert_eq!(f.base_name(out.base), "REO");
//! // Without a capacity of its own, a node's capacity is its output.
//! assert_eq!(f.node_capacity(mp), Some(out));
//! ```

// Entity, edge and material numbers and byte offsets are u32: a model file is at most
// `load::MAX_FILE` (4 GiB), so none of them reaches 2^32.
#![allow(clippy::cast_possible_truncation)]

use rustc_hash::FxHashMap as HashMap;

use super::doc::Figure;
use super::graph::Model;
use super::units::Unit;

/// What a mass is a mass of: an index into [`Figures::base_name`]; `Base::PRODUCT` (0) is the
/// product itself (unit `t`), others a named base (`REO` for `t REO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Base(pub u16);

impl Base {
    pub const PRODUCT: Base = Base(0);
}

/// A mass in tonnes a year, of a base.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    pub tonnes: f64,
    pub base: Base,
}

/// One figure of every item: tonnes (NaN where the item has none) and base. Empty when no item
/// has the figure, so that a model without it costs nothing.
#[derive(Debug, Clone, Default)]
struct Column {
    tonnes: Vec<f64>,
    base: Vec<Base>,
}

impl Column {
    fn get(&self, i: usize) -> Option<Quantity> {
        let t = *self.tonnes.get(i)?;
        (!t.is_nan()).then(|| Quantity {
            tonnes: t,
            base: self.base[i],
        })
    }
    fn set(&mut self, len: usize, i: usize, q: Quantity) {
        if self.tonnes.is_empty() {
            self.tonnes = vec![f64::NAN; len];
            self.base = vec![Base::PRODUCT; len];
        }
        self.tonnes[i] = q.tonnes;
        self.base[i] = q.base;
    }
}

/// A figure that is not a mass, so has no value in tonnes.
#[derive(Debug, Clone, PartialEq)]
pub struct NotMass {
    /// `true`: a supply edge (then `item` is its supply number); else an entity.
    pub edge: bool,
    pub item: u32,
    pub field: &'static str,
    pub unit: String,
}

/// Node output and capacity, edge volume and capacity, in tonnes a year.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    bases: Vec<String>,
    output: Column,
    capacity: Column,
    volume: Column,
    edge_capacity: Column,
    /// Figures given in a unit that is not a mass (left out above).
    pub not_mass: Vec<NotMass>,
}

impl Figures {
    /// Node `i`'s base-year output (for an end use: its demand). `i` is an entity number.
    pub fn node_output(&self, i: u32) -> Option<Quantity> {
        self.output.get(i as usize)
    }

    /// Node `i`'s capacity: its own, else its output (no spare capacity).
    pub fn node_capacity(&self, i: u32) -> Option<Quantity> {
        self.capacity
            .get(i as usize)
            .or_else(|| self.node_output(i))
    }

    /// Whether node `i` gives a capacity of its own (rather than defaulting to its output).
    pub fn has_own_capacity(&self, i: u32) -> bool {
        self.capacity.get(i as usize).is_some()
    }

    /// Supply `k`'s base-year volume.
    pub fn edge_volume(&self, k: usize) -> Option<Quantity> {
        self.volume.get(k)
    }

    /// Supply `k`'s capacity; `None`: unbounded.
    pub fn edge_capacity(&self, k: usize) -> Option<Quantity> {
        self.edge_capacity.get(k)
    }

    /// The name of a base: "" for the product itself, `REO` for `t REO`.
    pub fn base_name(&self, b: Base) -> &str {
        self.bases.get(b.0 as usize).map_or("", String::as_str)
    }

    /// The unit of a quantity of base `b`, per year: `t/yr`, `t REO/yr`.
    pub fn unit(&self, b: Base) -> String {
        super::units::tonnes_unit(self.base_name(b), true)
    }

    /// Reads the figures of every flow node and supply edge of `m`.
    pub fn of(m: &Model) -> Figures {
        let mut f = Figures {
            bases: vec![String::new()],
            ..Figures::default()
        };
        let mut index: HashMap<String, Base> = HashMap::default();
        index.insert(String::new(), Base::PRODUCT);
        let n = m.entities.len();
        // Tables read by the bulk reader have no unit columns: a figure there is a plain number
        // in tonnes a year, read straight from its row or column (a CSV row is read in full only
        // when it holds quotes).
        let node_cols = m
            .rows
            .nodes
            .as_ref()
            .map(|r| (r, [r.header().col("output"), r.header().col("capacity")]));
        let edge_cols = m
            .rows
            .edges
            .as_ref()
            .map(|r| (r, [r.header().col("volume"), r.header().col("capacity")]));
        let e = m.supplies.len();
        // The rows' plain numbers, read on every core: millions of rows at 10^6 nodes. The
        // edge rows in runs, one per core; the node rows meanwhile on this thread.
        let mut fast_edges: Vec<Option<[Option<f64>; 2]>> = Vec::new();
        let mut fast_nodes: Vec<Option<[Option<f64>; 2]>> = Vec::new();
        std::thread::scope(|s| {
            if let Some((rows, cols)) = edge_cols {
                let fast_edges = &mut fast_edges;
                s.spawn(move || {
                    *fast_edges = vec![None; e];
                    fill_on_cores(fast_edges, |k| rows.numbers_of(k, cols));
                });
            }
            if let Some((rows, cols)) = node_cols {
                fast_nodes = (0..n as u32)
                    .map(|i| {
                        let flow = m.entities.kind(i).is_flow();
                        flow.then(|| rows.numbers_of(m.entity(i).def, cols))
                            .flatten()
                    })
                    .collect();
            }
        });
        for i in m.flow_nodes() {
            let def = match fast_nodes.get(i as usize).copied().flatten() {
                Some([a, b]) => {
                    f.set_plain(0, n, i as usize, a);
                    f.set_plain(1, n, i as usize, b);
                    continue;
                }
                None => m.node_def(m.entity(i).def),
            };
            for (col, (field, fig)) in [("output", &def.output), ("capacity", &def.capacity)]
                .into_iter()
                .enumerate()
            {
                let Some(fig) = fig else { continue };
                match f.quantity(&mut index, fig) {
                    Ok(Some(q)) => f.column(col).set(n, i as usize, q),
                    Ok(None) => {}
                    Err(unit) => f.not_mass.push(NotMass {
                        edge: false,
                        item: i,
                        field,
                        unit,
                    }),
                }
            }
        }
        for k in 0..e {
            let def = match fast_edges.get(k).copied().flatten() {
                Some([a, b]) => {
                    f.set_plain(2, e, k, a);
                    f.set_plain(3, e, k, b);
                    continue;
                }
                None => m.edge_def(k),
            };
            for (col, (field, fig)) in [("volume", &def.volume), ("capacity", &def.capacity)]
                .into_iter()
                .enumerate()
            {
                let Some(fig) = fig else { continue };
                match f.quantity(&mut index, fig) {
                    Ok(Some(q)) => f.column(2 + col).set(e, k, q),
                    Ok(None) => {}
                    Err(unit) => f.not_mass.push(NotMass {
                        edge: true,
                        item: k as u32,
                        field,
                        unit,
                    }),
                }
            }
        }
        f
    }

    /// Column 0 output, 1 node capacity, 2 volume, 3 edge capacity.
    fn column(&mut self, c: usize) -> &mut Column {
        match c {
            0 => &mut self.output,
            1 => &mut self.capacity,
            2 => &mut self.volume,
            _ => &mut self.edge_capacity,
        }
    }

    /// A plain number from a table (`None`: no figure), in tonnes a year of product.
    fn set_plain(&mut self, c: usize, len: usize, i: usize, x: Option<f64>) {
        if let Some(tonnes) = x {
            self.column(c).set(
                len,
                i,
                Quantity {
                    tonnes,
                    base: Base::PRODUCT,
                },
            );
        }
    }

    /// A figure in tonnes a year (no unit: `t/yr`); `Ok(None)` when it is not a number,
    /// `Err(unit)` when its unit is not a mass.
    fn quantity(
        &mut self,
        index: &mut HashMap<String, Base>,
        fig: &Figure,
    ) -> Result<Option<Quantity>, String> {
        let Some(x) = fig.as_number() else {
            return Ok(None);
        };
        let unit = fig.unit.as_ref().map(|u| u.text.as_str()).unwrap_or("t/yr");
        let Some((tonnes, base)) = Unit::parse(Some(unit)).tonnes(x) else {
            return Err(unit.to_string());
        };
        let b = match index.get(base) {
            Some(&b) => b,
            None => {
                let b = Base(self.bases.len() as u16);
                self.bases.push(base.to_string());
                index.insert(base.to_string(), b);
                b
            }
        };
        Ok(Some(Quantity { tonnes, base: b }))
    }
}

/// Sets `out[i] = f(i)` for every `i`, in runs side by side on every core (one run below
/// 16,384 items).
pub fn fill_on_cores<T: Send>(out: &mut [T], f: impl Fn(usize) -> T + Sync) {
    let threads = super::net::cores();
    let chunk = out.len().div_ceil(threads).max(1 << 14);
    let f = &f;
    std::thread::scope(|s| {
        for (c, part) in out.chunks_mut(chunk).enumerate() {
            s.spawn(move || {
                for (j, slot) in part.iter_mut().enumerate() {
                    *slot = f(c * chunk + j);
                }
            });
        }
    });
}

impl Model {
    /// The model's figures in tonnes, read on first use.
    pub fn figures(&self) -> &Figures {
        self.figures.get_or_init(|| Figures::of(self))
    }
}
