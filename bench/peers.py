#!/usr/bin/env python3
"""Peers side by side, on the same generated CSV files and in the same run, for two questions:

1. load + the exposure of every end use to a country (docs/semantics.md §2 and §3);
2. load + the critical chokepoints of one end use (the nodes whose loss alone stops it).

supplygraph answers both through its CLI. The peers are what an analyst would otherwise
write: the tables read with pandas into arrays, then

- scipy:    a vectorised Jacobi fixed point of the loss equation (NumPy), and the critical set
            over the upstream cone found with scipy.sparse.csgraph (breadth-first order,
            strongly connected components);
- igraph:   the condensation and topological order from igraph, one sweep in that order;
- NetworkX: the same with NetworkX (nx.condensation, nx.topological_sort).

The critical set is computed by the dominator recurrence generalised to materials: a node with
one input group is stopped by whatever stops all its suppliers (the dominator meet), and a
node needs every material it takes in full, so what stops any one full group stops it:

    crit(t) = {t} | union over full groups g of t of (intersection over suppliers u in g of crit(u))

taken in topological order of the strongly connected components (least fixed point within a
loop). A group is full when its shares add up to 1: the rest of a partial group is supplied
from outside the model, so no node inside can stop it alone.

Every peer's answers are checked against supplygraph's (exposures to within 1e-6, critical
sets equal); the table gives each tool's time and the ratio supplygraph / best peer.

Usage: bench/run_peers.sh [SIZES...] [--quick]
    (sets up a virtualenv with the peers, then runs this; --quick leaves NetworkX out at 10^6)
"""
import csv
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "supplygraph"
COUNTRY = "k1"
SHARE_EPS = 1e-9
# How many end uses the critical sets are compared on.
TARGETS = 40


class Tables:
    """The tables as arrays, with effective shares (docs/semantics.md §1)."""

    def __init__(self, d):
        nodes = pd.read_csv(d / "nodes.csv", dtype=str, keep_default_na=False)
        edges = pd.read_csv(
            d / "edges.csv",
            dtype={"from": str, "to": str, "material": str},
            keep_default_na=False,
            na_values={"share": [""], "volume": [""]},
        )
        self.ids = nodes["id"].to_numpy()
        self.kind = nodes["kind"].to_numpy()
        index = pd.Index(self.ids)
        self.par = index.get_indexer(nodes["region"])
        self.src = index.get_indexer(edges["from"])
        self.dst = index.get_indexer(edges["to"])
        mat = pd.factorize(edges["material"])[0]
        share = edges["share"].to_numpy(dtype=float)
        vol = edges["volume"].to_numpy(dtype=float)
        # Groups (consumer, material).
        key = self.dst.astype(np.int64) * (mat.max() + 2) + mat
        _, group = np.unique(key, return_inverse=True)
        ng = group.max() + 1
        count = np.bincount(group, minlength=ng)
        has_share = np.bincount(group, weights=~np.isnan(share), minlength=ng)
        has_vol = np.bincount(group, weights=~np.isnan(vol), minlength=ng)
        vsum = np.bincount(group, weights=np.nan_to_num(vol), minlength=ng)
        self.eff = np.where(
            has_share[group] == count[group],
            np.nan_to_num(share),
            np.where(
                (has_vol[group] == count[group]) & (vsum[group] > 0),
                np.nan_to_num(vol) / np.maximum(vsum[group], 1e-300),
                1.0 / count[group],
            ),
        )
        self.group = group
        self.group_node = np.zeros(ng, dtype=np.int64)
        self.group_node[group] = self.dst
        self.full = np.bincount(group, weights=self.eff, minlength=ng) >= 1 - SHARE_EPS
        self.n = len(self.ids)
        # Incoming edges of each node, as a CSR (edge numbers sorted by consumer).
        self.in_order = np.argsort(self.dst, kind="stable")
        self.in_off = np.searchsorted(self.dst[self.in_order], np.arange(self.n + 1))

    def inputs(self, v):
        return self.in_order[self.in_off[v]:self.in_off[v + 1]]

    def within(self, country):
        """1.0 for flow nodes located in the country at any depth."""
        target = int(np.where(self.ids == country)[0][0])
        inside = np.zeros(self.n, dtype=bool)
        cur = self.par.copy()
        for _ in range(64):  # regions nest a few levels deep
            inside |= cur == target
            live = cur >= 0
            if not live.any():
                break
            cur = np.where(live, self.par[np.maximum(cur, 0)], -1)
        inside[self.kind == "region"] = False
        return inside.astype(float)


def sweep_exposure(t, order, d):
    """Loss of every node, one pass over the components in topological order."""
    loss = np.zeros(t.n)
    src, group, eff = t.src, t.group, t.eff
    for members in order:
        for _ in range(100000 if len(members) > 1 else 1):
            delta = 0.0
            for v in members:
                by_group = defaultdict(float)
                for e in t.inputs(v):
                    by_group[group[e]] += eff[e] * loss[src[e]]
                worst = min(max(by_group.values(), default=0.0), 1.0)
                new = 1 - (1 - d[v]) * (1 - worst)
                delta = max(delta, abs(new - loss[v]))
                loss[v] = new
            if delta < 1e-13:
                break
    return loss


def critical_set(t, order, target):
    """The generalised dominator recurrence over the cone's components, suppliers first."""
    crit = {}
    for members in order:
        for v in members:
            crit[v] = frozenset([v])
        changed = True
        while changed:
            changed = False
            for v in members:
                groups = defaultdict(list)
                for e in t.inputs(v):
                    groups[t.group[e]].append(e)
                new = {v}
                for g, es in groups.items():
                    if not t.full[g]:
                        continue
                    suppliers = [t.src[e] for e in es if t.eff[e] > 0]
                    common = frozenset.intersection(*(crit[u] for u in suppliers))
                    new |= common
                if new != crit[v]:
                    crit[v] = frozenset(new)
                    changed = len(members) > 1
    return {t.ids[v] for v in crit[target] if v != target}


# --- the peers -------------------------------------------------------------------------------


def exposure_scipy(t, d):
    """Jacobi iteration of the loss equation from zero, vectorised."""
    loss = np.zeros(t.n)
    ng = t.group_node.shape[0]
    for _ in range(100000):
        lost = np.bincount(t.group, weights=t.eff * loss[t.src], minlength=ng)
        worst = np.zeros(t.n)
        np.maximum.at(worst, t.group_node, lost)
        new = 1 - (1 - d) * (1 - np.minimum(worst, 1))
        if np.max(np.abs(new - loss)) < 1e-13:
            return new
        loss = new
    return loss


def graph_scipy(t):
    from scipy.sparse import csr_matrix

    # Consumer -> supplier, so that a search from the target walks upstream.
    return csr_matrix((np.ones(len(t.src)), (t.dst, t.src)), shape=(t.n, t.n))


def order_scipy(t, up, target):
    from scipy.sparse.csgraph import breadth_first_order, connected_components

    cone = np.sort(breadth_first_order(up, target, directed=True, return_predecessors=False))
    sub = up[cone][:, cone]
    nc, label = connected_components(sub, directed=True, connection="strong")
    # Components in topological order (suppliers first): Kahn's algorithm on the condensation.
    rows, cols = sub.nonzero()
    a, b = label[cols], label[rows]  # supplier component -> consumer component
    keep = a != b
    pairs = np.unique(np.stack([a[keep], b[keep]]), axis=1)
    indeg = np.bincount(pairs[1], minlength=nc)
    succ = defaultdict(list)
    for x, y in pairs.T:
        succ[x].append(y)
    ready = [c for c in range(nc) if indeg[c] == 0]
    members = defaultdict(list)
    for i, c in enumerate(label):
        members[c].append(int(cone[i]))
    order = []
    while ready:
        c = ready.pop()
        order.append(members[c])
        for y in succ[c]:
            indeg[y] -= 1
            if indeg[y] == 0:
                ready.append(y)
    return order


def graph_igraph(t):
    import igraph as ig

    return ig.Graph(n=t.n, edges=np.stack([t.src, t.dst], axis=1).tolist(), directed=True)


def order_igraph(t, g, target=None):
    keep = sorted(g.subcomponent(target, mode="in")) if target is not None else range(t.n)
    sub = g.induced_subgraph(keep) if target is not None else g
    comps = sub.connected_components(mode="strong")
    condensed = comps.cluster_graph()
    members = [[keep[i] for i in c] for c in comps]
    return [members[c] for c in condensed.topological_sorting(mode="out")]


def graph_networkx(t):
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(t.n))
    g.add_edges_from(zip(t.src.tolist(), t.dst.tolist()))
    return g


def order_networkx(t, g, target=None):
    import networkx as nx

    if target is not None:
        g = g.subgraph(nx.ancestors(g, target) | {target})
    cond = nx.condensation(g)
    return [list(cond.nodes[c]["members"]) for c in nx.topological_sort(cond)]


PEERS = {
    "scipy": (graph_scipy, order_scipy),
    "igraph": (graph_igraph, order_igraph),
    "networkx": (graph_networkx, order_networkx),
}


# --- supplygraph -----------------------------------------------------------------------------


def supplygraph(d, query, tables=False):
    """Runs a query through the CLI; its CSV rows (with `tables`, one list per statement)."""
    t = time.perf_counter()
    out = subprocess.run(
        [str(BIN), "query", "--model", str(d), "--format", "csv", query],
        check=True, capture_output=True, text=True,
    ).stdout
    secs = time.perf_counter() - t
    lines = out.splitlines()
    if not tables:
        return secs, list(csv.DictReader(lines))
    # Each statement's table starts with its header line.
    starts = [i for i, l in enumerate(lines) if l == lines[0]] + [len(lines)]
    return secs, [list(csv.DictReader(lines[a:b])) for a, b in zip(starts, starts[1:])]


def timed(f):
    t = time.perf_counter()
    out = f()
    return time.perf_counter() - t, out


def report(title, times, agree, detail):
    best = min(v for k, v in times.items() if k != "supplygraph")
    print(f"\n{title}")
    print("| tool | seconds |\n|---|---|")
    for k, v in times.items():
        print(f"| {k} | {v:.2f} |")
    print(f"ratio supplygraph / best peer: {times['supplygraph'] / best:.2f}")
    print(f"agreement: {'yes' if agree else 'NO'} ({detail})")


def run(n, with_networkx):
    d = ROOT / "target" / "bench-data" / f"g{n}"
    if not (d / "edges.csv").exists():
        subprocess.run([str(BIN), "generate", "--nodes", str(n), "-o", str(d)], check=True)

    # supplygraph first, each query in a fresh process, before the peers fill the memory.
    with open(d / "nodes.csv", newline="") as f:
        rows = csv.reader(f)
        kind = next(rows).index("kind")
        end_use_ids = [r[0] for r in rows if r[kind] == "end_use"]
    name = end_use_ids[-1]
    exposure_secs, rows = supplygraph(d, f'exposure of nodes where kind = end_use to "{COUNTRY}"')
    our_exposure = {r["id"]: float(r["exposure"]) for r in rows}
    critical_secs, _ = supplygraph(d, f'chokepoints of "{name}"')
    script = "; ".join(f'chokepoints of "{x}"' for x in end_use_ids[-TARGETS:])
    _, tables = supplygraph(d, script, tables=True)
    our_critical = [{r["id"] for r in table if r["critical"] == "true"} for table in tables]

    # The peers' shared first step: the tables into arrays.
    load_secs, t = timed(lambda: Tables(d))
    end_uses = np.where(t.kind == "end_use")[0]
    target = int(end_uses[-1])
    assert t.ids[target] == name
    print(f"\n## {n} nodes, {len(t.src)} edges (reading the tables into arrays: {load_secs:.2f} s)")

    peers = [p for p in PEERS if with_networkx or p != "networkx"]
    graphs, graph_secs = {}, {}
    for p in peers:
        graph_secs[p], graphs[p] = timed(lambda: PEERS[p][0](t))

    # 1. Exposure of every end use to the country.
    ours = our_exposure
    times = {"supplygraph": exposure_secs}
    results = {}
    secs, dvec = timed(lambda: t.within(COUNTRY))
    s, results["scipy"] = timed(lambda: exposure_scipy(t, dvec))
    times["scipy"] = load_secs + secs + s
    for p in peers[1:]:
        s, results[p] = timed(lambda: sweep_exposure(t, PEERS[p][1](t, graphs[p]), dvec))
        times[p] = load_secs + graph_secs[p] + secs + s
    worst = max(abs(l[i] - ours[t.ids[i]]) for l in results.values() for i in end_uses)
    agree_exposure = worst < 1e-6 and len(ours) == len(end_uses)
    report(
        f"load + exposure of {len(end_uses)} end uses to {COUNTRY}",
        times, agree_exposure, f"largest difference {worst:.1e}",
    )

    # 2. Critical chokepoints of one end use, timed; then of the last TARGETS end uses, checked.
    times = {"supplygraph": critical_secs}
    for p in peers:
        graph, order = PEERS[p]
        s, _ = timed(lambda: critical_set(t, order(t, graphs[p], target), target))
        times[p] = load_secs + graph_secs[p] + s
    targets = [int(v) for v in end_uses[-TARGETS:]]
    ours = our_critical
    differ = []
    for p in peers:
        for v, mine in zip(targets, ours):
            theirs = critical_set(t, PEERS[p][1](t, graphs[p], v), v)
            if theirs != mine:
                differ.append(f"{p} on {t.ids[v]}: {sorted(theirs ^ mine)}")
    agree_critical = not differ and len(ours) == len(targets)
    found = sum(len(x) for x in ours)
    report(
        f"load + critical chokepoints of {name}",
        times, agree_critical,
        f"critical sets of the last {len(targets)} end uses compared: {found} critical nodes,"
        f" {sum(1 for x in ours if x)} end uses with one or more"
        + (f"; differing: {differ[:5]}" if differ else ""),
    )
    return agree_exposure and agree_critical and found > 0


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or [10_000, 100_000, 1_000_000]
    quick = "--quick" in sys.argv
    ok = all([run(n, not (quick and n >= 1_000_000)) for n in sizes])
    print("\nall peers agree" if ok else "\nDISAGREEMENT")
    sys.exit(0 if ok else 1)
