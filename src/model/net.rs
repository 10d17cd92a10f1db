//! The supply graph in compact arrays (CSR), built once per model: incoming edges grouped by
//! input group, outgoing adjacency, and the strongly connected components in topological order.
//! Every analysis runs on this; nothing is rebuilt per query.

// Entity, edge and material numbers and byte offsets are u32: a model file is at most
// `load::MAX_FILE` (4 GiB), so none of them reaches 2^32.
#![allow(clippy::cast_possible_truncation)]

use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use super::graph::{EdgeStatus, Supply};

/// Sentinel for "none" in the u32 arrays.
pub const NONE: u32 = u32::MAX;

/// Nodes taken from a peeling queue at a time.
const PEEL_WINDOW: usize = 256;

/// Below this many live edges, the incoming and outgoing arrays are built on one thread.
const PARALLEL_EDGES: usize = 1 << 16;

#[derive(Debug, Clone, Default)]
pub struct Net {
    n: usize,
    /// Node v's input groups are `grp_off[v]..grp_off[v+1]`.
    grp_off: Vec<u32>,
    /// Group g's incoming edges are positions `in_off[g]..in_off[g+1]`.
    in_off: Vec<u32>,
    /// Node v's incoming edges, all groups, are positions `in_start[v]..in_start[v+1]`: one
    /// read where `in_off[grp_off[v]]` is two that depend on each other (with rows in any
    /// order, each a cache miss).
    in_start: Vec<u32>,
    /// Material of each group (`NONE` for edges without a material).
    grp_material: Vec<u32>,
    /// Per incoming-edge position: supplier, share, supply index.
    pub in_src: Vec<u32>,
    pub in_dst: Vec<u32>,
    /// Share of each edge as the model runs today (0 for planned edges).
    pub in_share: Vec<f64>,
    pub in_supply: Vec<u32>,
    /// Share a planned edge would take once running (0 for operating edges); empty when the
    /// model has no planned edges.
    in_planned: Vec<f64>,
    /// Supply index → incoming-edge position (`NONE` for stopped edges).
    pub supply_pos: Vec<u32>,
    /// Node v's outgoing edges are `out_off[v]..out_off[v+1]`, as positions in the `in_*` arrays.
    out_off: Vec<u32>,
    out_pos: Vec<u32>,
    /// Component of each node; components are numbered in topological order (suppliers first).
    comp_of: Vec<u32>,
    comp_off: Vec<u32>,
    comp_nodes: Vec<u32>,
    cyclic: Vec<bool>,
}

/// The supply edges that are not stopped, ordered by input group: by consumer, then material
/// (none first), then edge number. Linear in the edges (a counting sort on the consumer; only a
/// consumer with several materials sorts its own few edges).
pub fn group_order(n: usize, supplies: &[Supply]) -> Vec<u32> {
    let (mut order, start) = by_consumer(n, supplies);
    let mat = |k: &u32| material_key(&supplies[*k as usize]);
    for v in 0..n {
        let run = &mut order[start[v] as usize..start[v + 1] as usize];
        if run.len() > 1 && run.windows(2).any(|w| mat(&w[0]) > mat(&w[1])) {
            run.sort_by_key(|k| (mat(k), *k));
        }
    }
    order
}

/// The outgoing adjacency (`out_off`, `out_pos`) of a net whose incoming-edge position `p` has
/// supplier `grouped[p].from` (the live supplies in group order): a counting sort on the
/// supplier, on one core (it runs beside the incoming arrays).
fn outgoing(n: usize, grouped: &[Supply]) -> (Vec<u32>, Vec<u32>) {
    counting_sort(n, grouped, |s| Some(s.from as usize), 1)
}

/// A stable counting sort of `items` by `key` (an item whose key is `None` is left out): where
/// each key's run starts (`n + 1` entries), and the items' numbers in key order, each key's in
/// item order. `parts` consecutive parts of the items are counted and placed side by side, each
/// on a core of its own: a key's run holds the first part's items, then the second's.
fn counting_sort<T: Sync>(
    n: usize,
    items: &[T],
    key: impl Fn(&T) -> Option<usize> + Sync,
    parts: usize,
) -> (Vec<u32>, Vec<u32>) {
    let size = items.len().div_ceil(parts.max(1)).max(1);
    let parts: Vec<(usize, &[T])> = items.chunks(size).enumerate().collect();
    let counts = side_by_side(parts.clone(), |(_, part)| {
        let mut count = vec![0u32; n];
        for block in part.chunks(TOUCH_BLOCK) {
            touch(&count, block.iter().filter_map(&key));
            for v in block.iter().filter_map(&key) {
                count[v] += 1;
            }
        }
        count
    });
    // Where each key's run starts; each part's count turned into where its items of the key
    // go (after the earlier parts' ones).
    let mut start = vec![0u32; n + 1];
    let mut slots = counts;
    for v in 0..n {
        let mut at = start[v];
        for slot in &mut slots {
            let c = slot[v];
            slot[v] = at;
            at += c;
        }
        start[v + 1] = at;
    }
    // Each part writes places no other part writes; atomics let them share the array (a
    // relaxed store is a plain store). The array is written whole first, on this thread.
    let order: Vec<AtomicU32> = (0..start[n]).map(|_| AtomicU32::new(0)).collect();
    let work: Vec<_> = parts.into_iter().zip(slots).collect();
    side_by_side(work, |((p, part), mut slot)| {
        for (b, block) in part.chunks(TOUCH_BLOCK).enumerate() {
            touch(&slot, block.iter().filter_map(&key));
            for (j, item) in block.iter().enumerate() {
                if let Some(v) = key(item) {
                    let k = p * size + b * TOUCH_BLOCK + j;
                    order[slot[v] as usize].store(k as u32, Relaxed);
                    slot[v] += 1;
                }
            }
        }
    });
    (
        start,
        order.into_iter().map(AtomicU32::into_inner).collect(),
    )
}

/// `work` on each of `items`, the first on this thread and each other on a thread of its own,
/// side by side: the results in order (a thread's panic goes on in this one).
pub(crate) fn side_by_side<I: Send, T: Send>(
    items: Vec<I>,
    work: impl Fn(I) -> T + Sync,
) -> Vec<T> {
    std::thread::scope(|scope| {
        let work = &work;
        let mut items = items.into_iter();
        let first = items.next();
        let running: Vec<_> = items.map(|item| scope.spawn(move || work(item))).collect();
        first
            .map(work)
            .into_iter()
            .chain(running.into_iter().map(join))
            .collect()
    })
}

/// A scoped thread's result (its panic goes on in this thread).
pub(crate) fn join<T>(t: std::thread::ScopedJoinHandle<'_, T>) -> T {
    t.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Entries written at random places a block at a time: the block's places are read first.
const TOUCH_BLOCK: usize = 64;

/// Reads `xs` at each of `at`, the reads not waiting for each other (nothing depends on what
/// they read), so that the work that follows finds their lines in the cache: with rows in any
/// order, each place is far from the last, and a write or a read that misses the cache holds
/// up the ones behind it.
pub fn touch(xs: &[u32], at: impl Iterator<Item = usize>) {
    touch_by(xs, at, |&x| u64::from(x));
}

/// [`touch`] for entries of any kind: `bits` reads something of an entry (combined and kept
/// from the optimizer, so that the reads are made).
pub fn touch_by<T>(xs: &[T], at: impl Iterator<Item = usize>, bits: impl Fn(&T) -> u64) {
    let mut seen = 0;
    for i in at {
        seen ^= xs.get(i).map_or(0, &bits);
    }
    std::hint::black_box(seen);
}

/// How input groups sort by material: none first, then by material number.
pub fn material_key(s: &Supply) -> u64 {
    s.material().map_or(0, |m| m as u64 + 1)
}

/// The supply edges that are not stopped, by consumer then edge number (a counting sort), and
/// where each consumer's run starts (`start[v]..start[v + 1]`, `n + 1` entries).
pub fn by_consumer(n: usize, supplies: &[Supply]) -> (Vec<u32>, Vec<u32>) {
    let parts = if supplies.len() < PARALLEL_EDGES {
        1
    } else {
        cores()
    };
    by_consumer_in(n, supplies, parts)
}

/// [`by_consumer`], the edges counted and placed in `parts` parts side by side (two at most:
/// each part counts into an array of its own, as long as the nodes).
pub fn by_consumer_in(n: usize, supplies: &[Supply], parts: usize) -> (Vec<u32>, Vec<u32>) {
    let live = |s: &Supply| (s.status != EdgeStatus::Stopped).then_some(s.to as usize);
    let (start, order) = counting_sort(n, supplies, live, parts.min(2));
    (order, start)
}

/// The machine's cores, asked once (the question reads the scheduler's and the cgroup's
/// limits every time).
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |c| c.get()))
}

impl Net {
    /// Builds the arrays from resolved supply edges. Stopped edges are left out; planned edges
    /// are kept (so that a what-if can switch them on) with share 0 and their would-be share in
    /// `in_planned`. `live` is `group_order(n, supplies)`.
    pub fn build(n: usize, supplies: &[Supply], live: &[u32]) -> Net {
        Net::build_beside(n, supplies, live, || ()).0
    }

    /// [`Net::build`], with `beside` run on the other core while the components are found (on
    /// a small net, after them on this thread).
    pub fn build_beside<T: Send>(
        n: usize,
        supplies: &[Supply],
        live: &[u32],
        beside: impl FnOnce() -> T + Send,
    ) -> (Net, T) {
        let grouped: Vec<Supply> = live.iter().map(|&k| supplies[k as usize].clone()).collect();
        Net::build_grouped_beside(n, supplies.len(), &grouped, live, beside)
    }

    /// [`Net::build`] from the live supplies gathered in group order (`grouped[i]` is supply
    /// `live[i]` of `supplies` supplies in all): read in sequence, whatever the edges' order.
    pub fn build_grouped(n: usize, supplies: usize, grouped: &[Supply], live: &[u32]) -> Net {
        Net::build_grouped_beside(n, supplies, grouped, live, || ()).0
    }

    /// [`Net::build_grouped`], with `beside` run on the other core while the components are
    /// found (on a small net, after them on this thread).
    ///
    /// The incoming arrays (by consumer) and the outgoing ones (by supplier) are built side by
    /// side; the components then need both, and take one core: `beside` (the caller's petgraph)
    /// takes the other.
    pub fn build_grouped_beside<T: Send>(
        n: usize,
        supplies: usize,
        grouped: &[Supply],
        live: &[u32],
        beside: impl FnOnce() -> T + Send,
    ) -> (Net, T) {
        if live.len() < PARALLEL_EDGES {
            let mut net = Net::incoming(n, supplies, grouped, live);
            (net.out_off, net.out_pos) = outgoing(n, &grouped[..live.len()]);
            net.find_components();
            return (net, beside());
        }
        std::thread::scope(|scope| {
            let out = scope.spawn(|| outgoing(n, &grouped[..live.len()]));
            let mut net = Net::incoming(n, supplies, grouped, live);
            (net.out_off, net.out_pos) = join(out);
            let beside = scope.spawn(beside);
            net.find_components();
            (net, join(beside))
        })
    }

    /// The input groups and the incoming arrays of [`Net::build_grouped`].
    fn incoming(n: usize, supplies: usize, grouped: &[Supply], live: &[u32]) -> Net {
        let mut net = Net {
            n,
            grp_off: Vec::with_capacity(n + 1),
            in_start: Vec::with_capacity(n + 1),
            in_src: Vec::with_capacity(live.len()),
            in_dst: Vec::with_capacity(live.len()),
            in_share: Vec::with_capacity(live.len()),
            in_supply: Vec::with_capacity(live.len()),
            in_planned: Vec::new(),
            supply_pos: vec![NONE; supplies],
            ..Net::default()
        };
        net.group(grouped, live);
        net
    }

    /// The input groups and the incoming arrays, from the live supplies in group order.
    fn group(&mut self, grouped: &[Supply], live: &[u32]) {
        let net = self;
        let n = net.n;
        let mat = |s: &Supply| s.material().unwrap_or(NONE);
        let mut i = 0;
        for v in 0..n as u32 {
            net.grp_off.push(net.grp_material.len() as u32);
            net.in_start.push(net.in_src.len() as u32);
            while i < live.len() && grouped[i].to == v {
                let m = mat(&grouped[i]);
                net.grp_material.push(m);
                net.in_off.push(net.in_src.len() as u32);
                while i < live.len() {
                    let s = &grouped[i];
                    if s.to != v || mat(s) != m {
                        break;
                    }
                    net.in_src.push(s.from);
                    net.in_dst.push(v);
                    let planned = s.status == EdgeStatus::Planned;
                    net.in_share.push(if planned { 0.0 } else { s.share });
                    net.in_supply.push(live[i]);
                    if planned {
                        let pos = net.in_src.len() - 1;
                        net.in_planned.resize(pos, 0.0);
                        net.in_planned.push(s.share);
                    }
                    i += 1;
                }
            }
        }
        net.grp_off.push(net.grp_material.len() as u32);
        net.in_off.push(net.in_src.len() as u32);
        net.in_start.push(net.in_src.len() as u32);
        debug_assert_eq!(i, live.len(), "the supplies are in group order");
        // Supply live[i] is at position i, for the supplies placed (all of them, in group
        // order; any not placed stay `NONE`, as a stopped edge's).
        for (b, block) in live[..i].chunks(TOUCH_BLOCK).enumerate() {
            touch(&net.supply_pos, block.iter().map(|&k| k as usize));
            for (j, &k) in block.iter().enumerate() {
                net.supply_pos[k as usize] = (b * TOUCH_BLOCK + j) as u32;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.n
    }

    /// The share the planned edge at position `p` would take once running (0 for an operating
    /// edge).
    pub fn planned_share(&self, p: usize) -> f64 {
        self.in_planned.get(p).copied().unwrap_or(0.0)
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    pub fn groups(&self, v: u32) -> std::ops::Range<usize> {
        self.grp_off[v as usize] as usize..self.grp_off[v as usize + 1] as usize
    }

    pub fn group_inputs(&self, g: usize) -> std::ops::Range<usize> {
        self.in_off[g] as usize..self.in_off[g + 1] as usize
    }

    pub fn group_material(&self, g: usize) -> Option<u32> {
        let m = self.grp_material[g];
        (m != NONE).then_some(m)
    }

    /// Positions of all incoming edges of v.
    pub fn inputs(&self, v: u32) -> std::ops::Range<usize> {
        self.in_start[v as usize] as usize..self.in_start[v as usize + 1] as usize
    }

    /// Positions (in the `in_*` arrays) of v's outgoing edges; the target of position p is
    /// `self.target(p)`.
    pub fn outputs(&self, v: u32) -> &[u32] {
        &self.out_pos[self.out_off[v as usize] as usize..self.out_off[v as usize + 1] as usize]
    }

    /// The consumer at an incoming-edge position.
    pub fn target(&self, pos: u32) -> u32 {
        self.in_dst[pos as usize]
    }

    pub fn comp_count(&self) -> usize {
        self.cyclic.len()
    }

    pub fn comp_of(&self, v: u32) -> u32 {
        self.comp_of[v as usize]
    }

    pub fn comp_members(&self, c: usize) -> &[u32] {
        &self.comp_nodes[self.comp_off[c] as usize..self.comp_off[c + 1] as usize]
    }

    pub fn comp_cyclic(&self, c: usize) -> bool {
        self.cyclic[c]
    }

    /// Tarjan's search (iterative, so deep chains cannot overflow the stack) over the nodes
    /// `in_core` and the edges among them, appending the components as it finds them
    /// (consumers first) to `found`, each starting at an entry of `found_at`.
    fn tarjan(&self, in_core: &[bool], found: &mut Vec<u32>, found_at: &mut Vec<u32>) {
        let n = self.n;
        let mut index = vec![NONE; n];
        let mut low = vec![0u32; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<u32> = Vec::new();
        let mut next = 0u32;
        // Call stack: (node, next outgoing edge offset).
        let mut call: Vec<(u32, u32)> = Vec::new();
        for root in 0..n as u32 {
            if !in_core[root as usize] || index[root as usize] != NONE {
                continue;
            }
            call.push((root, self.out_off[root as usize]));
            index[root as usize] = next;
            low[root as usize] = next;
            next += 1;
            stack.push(root);
            on_stack[root as usize] = true;
            while let Some(&mut (v, ref mut e)) = call.last_mut() {
                if *e < self.out_off[v as usize + 1] {
                    let w = self.target(self.out_pos[*e as usize]);
                    *e += 1;
                    if !in_core[w as usize] {
                        continue;
                    }
                    if index[w as usize] == NONE {
                        index[w as usize] = next;
                        low[w as usize] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[w as usize] = true;
                        call.push((w, self.out_off[w as usize]));
                    } else if on_stack[w as usize] {
                        low[v as usize] = low[v as usize].min(index[w as usize]);
                    }
                } else {
                    call.pop();
                    if let Some(&(u, _)) = call.last() {
                        low[u as usize] = low[u as usize].min(low[v as usize]);
                    }
                    if low[v as usize] == index[v as usize] {
                        found_at.push(found.len() as u32);
                        while let Some(w) = stack.pop() {
                            on_stack[w as usize] = false;
                            found.push(w);
                            if w == v {
                                break;
                            }
                        }
                    }
                }
            }
        }
    }

    /// Strongly connected components, numbered in topological order (suppliers first), once
    /// the incoming and outgoing arrays are set.
    ///
    /// Most of a supply network is on no cycle, and a node is on none when all its consumers
    /// are not (peeled from the sinks) or all its suppliers are not (peeled from the sources).
    /// Those peelings are two queue passes, each edge looked at once with no stack to keep;
    /// Tarjan's search then runs only on what is left: the cycles and what lies between them.
    fn find_components(&mut self) {
        let n = self.n;
        // Consumers not yet peeled, per node; 0 once peeled from the sinks. `sinks` is both
        // the queue and the order: a node enters after all its consumers.
        let mut left: Vec<u32> = (0..n)
            .map(|v| self.out_off[v + 1] - self.out_off[v])
            .collect();
        let mut sinks: Vec<u32> = (0..n as u32).filter(|&v| left[v as usize] == 0).collect();
        // The queue is taken a window at a time, the windows' input ranges read first: loads
        // that do not wait for each other (with nodes in any order, each is a cache miss).
        let mut head = 0;
        let mut window: Vec<std::ops::Range<usize>> = Vec::with_capacity(PEEL_WINDOW);
        while head < sinks.len() {
            let end = (head + PEEL_WINDOW).min(sinks.len());
            window.clear();
            window.extend(sinks[head..end].iter().map(|&v| self.inputs(v)));
            head = end;
            for inputs in window.drain(..) {
                for &u in &self.in_src[inputs] {
                    let u = u as usize;
                    left[u] -= 1;
                    if left[u] == 0 {
                        sinks.push(u as u32);
                    }
                }
            }
        }
        // Of the rest: suppliers not yet peeled, per node; `sources` enters a node after all
        // its suppliers. A node with a loop to itself never empties either count.
        let mut sources: Vec<u32> = Vec::new();
        let mut in_core = vec![false; n];
        if sinks.len() < n {
            let mut need = vec![0u32; n];
            for v in 0..n as u32 {
                if left[v as usize] != 0 {
                    need[v as usize] = self
                        .inputs(v)
                        .filter(|&p| left[self.in_src[p] as usize] != 0)
                        .count() as u32;
                    if need[v as usize] == 0 {
                        sources.push(v);
                    }
                }
            }
            let mut head = 0;
            while let Some(&u) = sources.get(head) {
                head += 1;
                for &p in self.outputs(u) {
                    let w = self.target(p) as usize;
                    if left[w] != 0 {
                        need[w] -= 1;
                        if need[w] == 0 {
                            sources.push(w as u32);
                        }
                    }
                }
            }
            for v in 0..n {
                in_core[v] = left[v] != 0 && need[v] != 0;
            }
        }
        drop(left);
        // Components consumers first, flat: members and start offsets.
        let mut found: Vec<u32> = Vec::with_capacity(n);
        let mut found_at: Vec<u32> = Vec::with_capacity(n + 1);
        for &v in &sinks {
            found_at.push(found.len() as u32);
            found.push(v);
        }
        drop(sinks);
        self.tarjan(&in_core, &mut found, &mut found_at);
        for &v in sources.iter().rev() {
            found_at.push(found.len() as u32);
            found.push(v);
        }
        drop(sources);
        // Tarjan emits components consumers-first; take them in reverse for suppliers first.
        found_at.push(found.len() as u32);
        let count = found_at.len() - 1;
        self.comp_of = vec![0; n];
        self.comp_off = Vec::with_capacity(count + 1);
        self.comp_nodes = Vec::with_capacity(n);
        self.cyclic = Vec::with_capacity(count);
        for c in 0..count {
            let f = count - 1 - c;
            let members = &found[found_at[f] as usize..found_at[f + 1] as usize];
            self.comp_off.push(self.comp_nodes.len() as u32);
            // A peeled node is on no cycle, not even a loop to itself.
            let cyclic = members.len() > 1
                || (in_core[members[0] as usize]
                    && self
                        .inputs(members[0])
                        .any(|p| self.in_src[p] == members[0]));
            for &m in members {
                self.comp_of[m as usize] = c as u32;
            }
            self.comp_nodes.extend_from_slice(members);
            self.cyclic.push(cyclic);
        }
        self.comp_off.push(self.comp_nodes.len() as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which nodes each node reaches (itself included), by a search from every node: the
    /// definition, on graphs small enough for it.
    fn reaches(n: usize, edges: &[(u32, u32)]) -> Vec<Vec<bool>> {
        let mut out = vec![vec![false; n]; n];
        for (s, seen) in out.iter_mut().enumerate() {
            let mut todo = vec![s];
            seen[s] = true;
            while let Some(u) = todo.pop() {
                for &(a, b) in edges {
                    if a as usize == u && !seen[b as usize] {
                        seen[b as usize] = true;
                        todo.push(b as usize);
                    }
                }
            }
        }
        out
    }

    /// On random graphs with chains, loops, loops to themselves and repeated edges, the
    /// components are the classes of mutual reach, numbered suppliers first, and cyclic
    /// exactly where a cycle runs (several members, or a loop to itself); whatever share of
    /// the graph the peelings take before the search.
    #[test]
    fn components_are_the_classes_of_mutual_reach_in_topological_order() {
        let mut rng = crate::model::test_rng::Rng::new(0x2545_f491_4f6c_dd1du64);
        let mut next = |m: u64| rng.below(m);
        for case in 0..400 {
            let n = 1 + next(24) as usize;
            // Mostly forward edges (a layered network); a few back edges and loops.
            let mut edges = Vec::new();
            for _ in 0..next(3 * n as u64 + 1) {
                let (a, b) = (next(n as u64) as u32, next(n as u64) as u32);
                let back = next(100) < [0, 5, 30][case % 3];
                if a < b || back || (a == b && next(10) == 0) {
                    edges.push((a, b));
                }
            }
            let supplies: Vec<Supply> = edges
                .iter()
                .map(|&(a, b)| Supply::new(a, b, None, f64::NAN, EdgeStatus::Operating))
                .collect();
            let live = group_order(n, &supplies);
            let net = Net::build(n, &supplies, &live);
            let r = reaches(n, &edges);
            for (u, from_u) in r.iter().enumerate() {
                for (v, &reached) in from_u.iter().enumerate() {
                    let same = reached && r[v][u];
                    assert_eq!(
                        net.comp_of(u as u32) == net.comp_of(v as u32),
                        same,
                        "case {case}: {u} and {v} in {edges:?}"
                    );
                }
            }
            for &(a, b) in &edges {
                assert!(net.comp_of(a) <= net.comp_of(b), "case {case}: {a}->{b}");
            }
            for c in 0..net.comp_count() {
                let m = net.comp_members(c);
                let looped = edges.iter().any(|&(a, b)| a == b && a == m[0]);
                assert_eq!(net.comp_cyclic(c), m.len() > 1 || looped, "case {case}");
                assert!(m.iter().all(|&v| net.comp_of(v) as usize == c));
            }
            assert_eq!(
                (0..net.comp_count())
                    .map(|c| net.comp_members(c).len())
                    .sum::<usize>(),
                n
            );
        }
    }

    /// The counting sort, in one part or several side by side, gives what a stable sort by key
    /// gives (items without a key left out), and each key's run where it starts; so do
    /// `by_consumer` and `outgoing` over supplies, stopped ones left out of the first.
    #[test]
    fn counting_sort_in_parts_is_a_stable_sort() {
        let mut rng = crate::model::test_rng::Rng::new(0x9e37_79b9_7f4a_7c15u64);
        let mut next = |m: u64| rng.below(m);
        for case in 0..300 {
            // A few fixed shapes first: no nodes, no items, more parts than items.
            let (n, len) = match case {
                0 => (0, 5),
                1 => (4, 0),
                2 => (3, 2),
                _ => (1 + next(30) as usize, next(200) as usize),
            };
            let items: Vec<Option<usize>> = (0..len)
                .map(|_| (n > 0 && next(5) != 0).then(|| next(n as u64) as usize))
                .collect();
            let mut want: Vec<u32> = (0..items.len() as u32)
                .filter(|&k| items[k as usize].is_some())
                .collect();
            want.sort_by_key(|&k| items[k as usize]);
            let want_start: Vec<u32> = (0..=n)
                .map(|v| {
                    want.iter()
                        .filter(|&&k| items[k as usize] < Some(v))
                        .count() as u32
                })
                .collect();
            for parts in [1, 2, 3, 7] {
                let (start, order) = counting_sort(n, &items, |k| *k, parts);
                assert_eq!(order, want, "case {case}, {parts} parts: the order");
                assert_eq!(start, want_start, "case {case}, {parts} parts: the starts");
            }
            if n == 0 {
                continue;
            }
            let supplies: Vec<Supply> = items
                .iter()
                .enumerate()
                .map(|(k, to)| {
                    let status = match to {
                        Some(_) => EdgeStatus::Operating,
                        None => EdgeStatus::Stopped,
                    };
                    let to = to.unwrap_or(k % n) as u32;
                    Supply::new((k % n) as u32, to, None, f64::NAN, status)
                })
                .collect();
            for parts in [1, 2] {
                assert_eq!(
                    by_consumer_in(n, &supplies, parts),
                    (want.clone(), want_start.clone()),
                    "case {case}, {parts} parts"
                );
            }
            let mut by_supplier: Vec<u32> = (0..supplies.len() as u32).collect();
            by_supplier.sort_by_key(|&k| supplies[k as usize].from);
            let from_start: Vec<u32> = (0..=n as u32)
                .map(|v| supplies.iter().filter(|s| s.from < v).count() as u32)
                .collect();
            assert_eq!(
                outgoing(n, &supplies),
                (from_start, by_supplier),
                "case {case}"
            );
        }
    }
}
