//! A synthetic layered supply network in the plain-table form (docs/semantics.md §7), for
//! benchmarks: regions nested in countries and continents; layers of mines, separation, metal,
//! magnet, component and end-use nodes; 1 to 4 suppliers per material from the layer above;
//! a few cross-layer edges and about 0.1% recycling back-edges; share, volume and equal-split
//! groups. Deterministic per seed.

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
}

/// What was written.
pub struct Generated {
    pub nodes: usize,
    pub regions: usize,
    pub edges: usize,
}

/// The largest network `generate` writes: about 5 x 10^7 flow nodes and 1.8 x 10^8 edges, some
/// 7 GB of tables (about 140 bytes a node). A larger request is refused before anything is
/// written, rather than filling the disk.
pub const MAX_NODES: usize = 50_000_000;

/// Writes `nodes.csv` and `edges.csv` for a network of about `n` flow nodes into `dir`
/// (`1 <= n <= MAX_NODES`).
pub fn generate(n: usize, seed: u64, dir: &Path) -> std::io::Result<Generated> {
    if !(1..=MAX_NODES).contains(&n) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("the number of nodes must be between 1 and {MAX_NODES}, not {n}"),
        ));
    }
    std::fs::create_dir_all(dir)?;
    let mut r = Rng::new(seed);
    let mut nodes = BufWriter::with_capacity(1 << 20, File::create(dir.join("nodes.csv"))?);
    let mut edges = BufWriter::with_capacity(1 << 20, File::create(dir.join("edges.csv"))?);
    writeln!(nodes, "id,name,kind,stage,region,level")?;
    writeln!(edges, "from,to,material,share,volume")?;
    for c in 0..CONTINENTS {
        writeln!(nodes, "c{c},Continent {c},region,,,continent")?;
    }
    for k in 0..COUNTRIES {
        writeln!(
            nodes,
            "k{k},Country {k},region,,c{},country",
            k % CONTINENTS
        )?;
    }
    for p in 0..PROVINCES {
        // Countries differ in size: the first few hold many provinces (a concentrated chain).
        let k = if r.below(3) == 0 {
            r.below(4)
        } else {
            r.below(COUNTRIES)
        };
        writeln!(nodes, "p{p},Province {p},region,,k{k},province")?;
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
    for (l, (stage, kind, _, _)) in LAYERS.iter().enumerate() {
        for i in bounds[l]..bounds[l + 1] {
            writeln!(
                nodes,
                "n{i},{stage} {i},{kind},{stage},p{},",
                r.below(PROVINCES)
            )?;
        }
    }
    let mut count = 0usize;
    let mut suppliers: Vec<usize> = Vec::with_capacity(4);
    let mut line = String::new();
    let mut recycling_fed: std::collections::HashMap<usize, &str> =
        std::collections::HashMap::new();
    for l in 1..LAYERS.len() {
        let (lo, hi) = (bounds[l - 1], bounds[l]);
        for v in bounds[l]..bounds[l + 1] {
            let mut groups: Vec<(&str, usize, usize)> =
                LAYERS[l].3.iter().map(|m| (*m, lo, hi)).collect();
            // About 2% take a direct input from two layers up.
            if l >= 2 && r.below(50) == 0 {
                groups.push(("direct", bounds[l - 2], bounds[l - 1]));
            }
            for (g, (material, from_lo, from_hi)) in groups.into_iter().enumerate() {
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
                    recycling_fed.insert(v, material);
                }
                let kind = if recycled { 2 } else { r.below(3) };
                let total = if r.below(4) == 0 {
                    0.6 + 0.4 * r.unit()
                } else {
                    1.0
                };
                let weights: Vec<f64> = suppliers.iter().map(|_| 0.1 + r.unit()).collect();
                let sum: f64 = weights.iter().sum();
                // A customer of a recycling-fed node closes its loop.
                for &u in &suppliers {
                    if let Some(m) = recycling_fed.remove(&u) {
                        writeln!(edges, "n{v},n{u},{m},,")?;
                        count += 1;
                    }
                }
                for (j, &u) in suppliers.iter().enumerate() {
                    line.clear();
                    use std::fmt::Write as _;
                    match kind {
                        0 => {
                            let s = (weights[j] / sum * total * 1e6).floor() / 1e6;
                            let _ = write!(line, "n{u},n{v},{material},{s},");
                        }
                        1 => {
                            let vol = (weights[j] * 1000.0).round().max(1.0);
                            let _ = write!(line, "n{u},n{v},{material},,{vol}");
                        }
                        _ => {
                            let _ = write!(line, "n{u},n{v},{material},,");
                        }
                    }
                    writeln!(edges, "{line}")?;
                    count += 1;
                }
            }
        }
    }
    nodes.flush()?;
    edges.flush()?;
    Ok(Generated {
        nodes: n,
        regions: CONTINENTS + COUNTRIES + PROVINCES,
        edges: count,
    })
}
