//! A synthetic layered supply network in the plain-table form (docs/semantics.md §7), for
//! benchmarks: regions nested in countries and continents; layers of mines, separation, metal,
//! magnet, component and end-use nodes; 1 to 4 suppliers per material from the layer above;
//! a few cross-layer edges and about 0.1% recycling back-edges; share, volume and equal-split
//! groups. Deterministic per seed.
//!
//! With figures in tonnes (docs/semantics.md §8) that balance: an end use demands 100 to
//! 10,000 t; every other node's `output` is what its customers take (each edge carries its
//! effective share of its consumer's output: a recipe of one tonne of each input material a
//! tonne), found consumer first (a recycling loop by repeated passes to 1e-12); its `capacity`
//! is 2% to 60% above its output. Edges of share and volume groups carry their base-year
//! `volume` (share x the consumer's output), about one in five of them a route `capacity`;
//! equal-split groups give no figures (the engine derives them). About 1% of the share groups
//! that do not add up to 1 gain a planned edge (`status = planned`, `start` 2025 to 2030).
//!
//! Rows come in a seeded random order (real exports come in any order); [`Order::Sorted`]
//! keeps regions first, nodes by id and edges by consumer, for comparison.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Layers, their share of the nodes, and the materials a node of the layer needs from the
/// layer before.
const LAYERS: &[(&str, &str, f64, &[&str])] = &[
    ("mining", "mine", 0.20, &[]),
    ("separation", "facility", 0.15, &["concentrate"]),
    ("metal", "facility", 0.15, &["oxide-a", "oxide-b"]),
    ("magnet", "facility", 0.20, &["metal", "heavy"]),
    ("component", "stage", 0.20, &["magnets", "steel"]),
    ("end use", "end_use", 0.10, &["component-a", "component-b"]),
];

/// Every material an edge may carry: those of [`LAYERS`], then `direct` (a cross-layer input).
const MATERIALS: &[&str] = &[
    "concentrate",
    "oxide-a",
    "oxide-b",
    "metal",
    "heavy",
    "magnets",
    "steel",
    "component-a",
    "component-b",
    "direct",
];

const CONTINENTS: usize = 5;
const COUNTRIES: usize = 40;
const PROVINCES: usize = 200;

/// xorshift64*: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        // Below `n`, a usize.
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// `0..n` in a random order (Fisher-Yates).
    fn permutation(&mut self, n: usize) -> Vec<u32> {
        // At most `MAX_NODES` nodes and their edges: below 2^32.
        #[allow(clippy::cast_possible_truncation)]
        let mut p: Vec<u32> = (0..n as u32).collect();
        for i in (1..n).rev() {
            p.swap(i, self.below(i + 1));
        }
        p
    }
}

/// What was written.
pub struct Generated {
    pub nodes: usize,
    pub regions: usize,
    pub edges: usize,
}

/// The order of the rows written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// A seeded random order of the node rows and of the edge rows.
    #[default]
    Shuffled,
    /// Regions first, flow nodes by id; edges by consumer.
    Sorted,
}

/// The largest network `generate` writes: about 5 x 10^7 flow nodes and 1.8 x 10^8 edges, some
/// 10 GB of tables. A larger request is refused before anything is written, rather than
/// filling the disk.
pub const MAX_NODES: usize = 50_000_000;

/// How an edge's group gives its shares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Share,
    Volume,
    Equal,
    /// A recycling back-edge: a member of its consumer's equal-split group.
    Recycled,
}

/// One supply edge before it is written.
struct Edge {
    from: u32,
    to: u32,
    /// The share of its group it carries (effective: the written share, the volume's part of
    /// the group, or 1/k of an equal split).
    share: f64,
    material: u8,
    group: Group,
    /// Planned, starting in 2025 + `start`.
    planned: Option<u8>,
    /// A route capacity of this many times the volume (0: none).
    capacity: f32,
}

/// Writes `nodes.csv` and `edges.csv` for a network of about `n` flow nodes into `dir`
/// (`1 <= n <= MAX_NODES`), rows shuffled.
pub fn generate(n: usize, seed: u64, dir: &Path) -> std::io::Result<Generated> {
    generate_in(n, seed, dir, Order::Shuffled)
}

/// [`generate`], rows in the `order` given.
pub fn generate_in(n: usize, seed: u64, dir: &Path, order: Order) -> std::io::Result<Generated> {
    if !(1..=MAX_NODES).contains(&n) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("the number of nodes must be between 1 and {MAX_NODES}, not {n}"),
        ));
    }
    std::fs::create_dir_all(dir)?;
    let mut r = Rng::new(seed);
    let mut province_of = Vec::with_capacity(PROVINCES);
    for _ in 0..PROVINCES {
        // Countries differ in size: the first few hold many provinces (a concentrated chain).
        let k = if r.below(3) == 0 {
            r.below(4)
        } else {
            r.below(COUNTRIES)
        };
        province_of.push(k);
    }
    // Layer boundaries.
    let n = n.max(LAYERS.len() * 4);
    let mut bounds = Vec::with_capacity(LAYERS.len() + 1);
    let mut acc = 0usize;
    bounds.push(0);
    for (i, (_, _, frac, _)) in LAYERS.iter().enumerate() {
        acc = if i + 1 == LAYERS.len() {
            n
        } else {
            // A fraction of `n` (at most `MAX_NODES`): no truncation.
            #[allow(clippy::cast_possible_truncation)]
            let layer = ((n as f64) * frac) as usize;
            acc + layer
        };
        bounds.push(acc);
    }
    // A province below 200 and a layer below 6 fit a byte.
    #[allow(clippy::cast_possible_truncation)]
    let province: Vec<u8> = (0..n).map(|_| r.below(PROVINCES) as u8).collect();
    let edges = edges(&mut r, &bounds);
    let (output, capacity) = figures(&mut r, n, bounds[LAYERS.len() - 1], &edges);
    let mut shuffle = Rng::new(seed ^ 0x5EED_0F0F_5EED_0F0F);

    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("nodes.csv"))?);
    writeln!(out, "id,name,kind,stage,region,level,output,capacity")?;
    let regions = CONTINENTS + COUNTRIES + PROVINCES;
    let layer_of = |i: usize| bounds.partition_point(|&b| b <= i) - 1;
    let node_row = |w: &mut BufWriter<File>, row: usize| -> std::io::Result<()> {
        if row < CONTINENTS {
            writeln!(w, "c{row},Continent {row},region,,,continent,,")
        } else if row < CONTINENTS + COUNTRIES {
            let k = row - CONTINENTS;
            writeln!(w, "k{k},Country {k},region,,c{},country,,", k % CONTINENTS)
        } else if row < regions {
            let p = row - CONTINENTS - COUNTRIES;
            writeln!(
                w,
                "p{p},Province {p},region,,k{},province,,",
                province_of[p]
            )
        } else {
            let i = row - regions;
            let (stage, kind, _, _) = LAYERS[layer_of(i)];
            writeln!(
                w,
                "n{i},{stage} {i},{kind},{stage},p{},,{},{}",
                province[i],
                Tonnes(output[i]),
                Tonnes(capacity[i])
            )
        }
    };
    match order {
        Order::Sorted => {
            for row in 0..regions + n {
                node_row(&mut out, row)?;
            }
        }
        Order::Shuffled => {
            for row in shuffle.permutation(regions + n) {
                node_row(&mut out, row as usize)?;
            }
        }
    }
    out.flush()?;

    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("edges.csv"))?);
    writeln!(out, "from,to,material,share,volume,capacity,status,start")?;
    let edge_row = |w: &mut BufWriter<File>, e: &Edge| -> std::io::Result<()> {
        let (u, v, m) = (e.from, e.to, MATERIALS[e.material as usize]);
        write!(w, "n{u},n{v},{m},")?;
        if let Some(start) = e.planned {
            return writeln!(
                w,
                "{},,,planned,{}",
                Share(e.share),
                2025 + u32::from(start)
            );
        }
        let volume = e.share * output[v as usize];
        match e.group {
            Group::Share => write!(w, "{},{},", Share(e.share), Tonnes(volume))?,
            Group::Volume => write!(w, ",{},", Tonnes(volume))?,
            Group::Equal | Group::Recycled => return writeln!(w, ",,,,"),
        }
        if e.capacity > 0.0 {
            write!(w, "{}", Tonnes(volume * f64::from(e.capacity)))?;
        }
        writeln!(w, ",,")
    };
    match order {
        Order::Sorted => {
            for e in &edges {
                edge_row(&mut out, e)?;
            }
        }
        Order::Shuffled => {
            for k in shuffle.permutation(edges.len()) {
                edge_row(&mut out, &edges[k as usize])?;
            }
        }
    }
    out.flush()?;
    Ok(Generated {
        nodes: n,
        regions,
        edges: edges.len(),
    })
}

/// A figure in tonnes as written: to the gram.
struct Tonnes(f64);

impl std::fmt::Display for Tonnes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = (self.0 * 1e6).round() / 1e6;
        write!(f, "{x}")
    }
}

/// A share as written: six decimals at most (shares are floored to 1e-6 when drawn).
struct Share(f64);

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The supply edges, by consumer.
fn edges(r: &mut Rng, bounds: &[usize]) -> Vec<Edge> {
    let material = |name: &str| {
        // Fewer than 256 materials.
        #[allow(clippy::cast_possible_truncation)]
        let m = MATERIALS.iter().position(|m| *m == name).unwrap_or(0) as u8;
        m
    };
    let mut out: Vec<Edge> = Vec::new();
    let mut suppliers: Vec<usize> = Vec::with_capacity(5);
    let mut recycling_fed: std::collections::HashMap<usize, u8> = std::collections::HashMap::new();
    // Node numbers are below `MAX_NODES`: they fit a u32.
    #[allow(clippy::cast_possible_truncation)]
    let id = |x: usize| x as u32;
    for l in 1..LAYERS.len() {
        let (lo, hi) = (bounds[l - 1], bounds[l]);
        for v in bounds[l]..bounds[l + 1] {
            let mut groups: Vec<(u8, usize, usize)> =
                LAYERS[l].3.iter().map(|m| (material(m), lo, hi)).collect();
            // About 2% take a direct input from two layers up.
            if l >= 2 && r.below(50) == 0 {
                groups.push((material("direct"), bounds[l - 2], bounds[l - 1]));
            }
            for (g, (m, from_lo, from_hi)) in groups.into_iter().enumerate() {
                suppliers.clear();
                let k = 1 + r.below(4);
                // Suppliers near the node's own position, so the network is local, as real
                // ones are, rather than a random expander.
                let span = from_hi - from_lo;
                let centre =
                    from_lo + ((v - bounds[l]) * span) / (bounds[l + 1] - bounds[l]).max(1);
                for _ in 0..k {
                    let off = r.below(64.min(span));
                    let u = from_lo + (centre - from_lo + off) % span;
                    if !suppliers.contains(&u) {
                        suppliers.push(u);
                    }
                }
                // About 0.1% of nodes take recycled material back from a customer, in their
                // first group, which is then an equal split (a recycling loop).
                let recycled = g == 0 && l + 1 < LAYERS.len() && r.below(1000) == 0;
                if recycled {
                    recycling_fed.insert(v, m);
                }
                let kind = if recycled {
                    Group::Equal
                } else {
                    [Group::Share, Group::Volume, Group::Equal][r.below(3)]
                };
                let total = if r.below(4) == 0 {
                    0.6 + 0.4 * r.unit()
                } else {
                    1.0
                };
                let weights: Vec<f64> = suppliers.iter().map(|_| 0.1 + r.unit()).collect();
                let sum: f64 = weights.iter().sum();
                let route_capacity = |r: &mut Rng| {
                    if r.below(5) == 0 {
                        // 1.1 to 2 times the volume.
                        #[allow(clippy::cast_possible_truncation)]
                        let c = (1.1 + 0.9 * r.unit()) as f32;
                        c
                    } else {
                        0.0
                    }
                };
                // A customer of a recycling-fed node closes its loop; the back-edge joins the
                // fed node's equal-split group (its size is fixed below, once it is known).
                for &u in &suppliers {
                    if let Some(mm) = recycling_fed.remove(&u) {
                        out.push(Edge {
                            from: id(v),
                            to: id(u),
                            share: 0.0,
                            material: mm,
                            group: Group::Recycled,
                            planned: None,
                            capacity: 0.0,
                        });
                    }
                }
                let mut written = 0.0;
                for (j, &u) in suppliers.iter().enumerate() {
                    let share = match kind {
                        Group::Share => (weights[j] / sum * total * 1e6).floor() / 1e6,
                        Group::Volume => weights[j] / sum,
                        _ => 1.0 / suppliers.len() as f64,
                    };
                    written += share;
                    let capacity = if kind == Group::Equal {
                        0.0
                    } else {
                        route_capacity(r)
                    };
                    out.push(Edge {
                        from: id(u),
                        to: id(v),
                        share,
                        material: m,
                        group: kind,
                        planned: None,
                        capacity,
                    });
                }
                // About 1% of the share groups with room gain a planned supplier.
                if kind == Group::Share && written < 0.95 && r.below(25) == 0 {
                    let u = from_lo + r.below(span);
                    if !suppliers.contains(&u) {
                        // A start year below 6 fits a byte.
                        #[allow(clippy::cast_possible_truncation)]
                        let start = r.below(6) as u8;
                        out.push(Edge {
                            from: id(u),
                            to: id(v),
                            share: ((1.0 - written) * 0.9 * 1e6).floor() / 1e6,
                            material: m,
                            group: Group::Share,
                            planned: Some(start),
                            capacity: 0.0,
                        });
                    }
                }
            }
        }
    }
    // A recycling-fed node's equal split counts its back-edge.
    let mut size: std::collections::HashMap<(u32, u8), usize> = std::collections::HashMap::new();
    for e in out.iter().filter(|e| e.group == Group::Recycled) {
        size.insert((e.to, e.material), 0);
    }
    for e in &out {
        if let Some(s) = size.get_mut(&(e.to, e.material)) {
            *s += 1;
        }
    }
    for e in &mut out {
        if let Some(&s) = size.get(&(e.to, e.material)) {
            e.share = 1.0 / s as f64;
        }
    }
    // By consumer (the back-edges were met at their supplier).
    out.sort_by_key(|e| e.to);
    out
}

/// Every node's output and capacity: end uses (from `first_end` on) demand 100 to 10,000 t;
/// another node makes what its customers take (at least 1 t), found consumer first and
/// repeated until a recycling loop settles.
fn figures(r: &mut Rng, n: usize, first_end: usize, edges: &[Edge]) -> (Vec<f64>, Vec<f64>) {
    let mut output = vec![0.0f64; n];
    for o in &mut output[first_end..] {
        *o = (100.0 + 9900.0 * r.unit()).round();
    }
    // Out-edges by supplier (counting sort), suppliers visited from the last layer up.
    let mut start = vec![0usize; n + 1];
    for e in edges {
        start[e.from as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut slot = start.clone();
    let mut by_from = vec![0u32; edges.len()];
    for (k, e) in edges.iter().enumerate() {
        // Fewer than 2^32 edges (at most about 1.8 x 10^8).
        #[allow(clippy::cast_possible_truncation)]
        let k = k as u32;
        by_from[slot[e.from as usize]] = k;
        slot[e.from as usize] += 1;
    }
    for _pass in 0..100 {
        let mut change = 0.0f64;
        for u in (0..first_end).rev() {
            let take: f64 = by_from[start[u]..start[u + 1]]
                .iter()
                .map(|&k| &edges[k as usize])
                .filter(|e| e.planned.is_none())
                .map(|e| e.share * output[e.to as usize])
                .sum();
            let new = take.max(1.0);
            change = change.max((new - output[u]).abs() / new);
            output[u] = new;
        }
        if change < 1e-12 {
            break;
        }
    }
    // Written to the gram, so that the volumes derived from them add up as written.
    for o in &mut output {
        *o = (*o * 1e6).round() / 1e6;
    }
    let capacity = output
        .iter()
        .map(|&o| ((o * (1.02 + 0.58 * r.unit())) * 1e6).round() / 1e6)
        .collect();
    (output, capacity)
}
