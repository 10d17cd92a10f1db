#!/usr/bin/env python3
"""Peers side by side: the exposure of every end use to a country, computed by supplygraph
and by what an analyst would otherwise write (a NumPy/SciPy vectorised fixed point, and a
NetworkX pass over the condensation in topological order), on the same generated CSV files,
in the same run. Checks that all agree, and prints times and the ratio supplygraph / best peer.

Usage: bench/run_peers.sh [SIZES...]   (sets up a virtualenv with the peers, then runs this)
"""
import csv
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "supplygraph"
COUNTRY = "k1"


def load(d):
    """The tables as arrays, with effective shares (design.md section 1)."""
    ids, kind, parent = [], [], []
    with open(d / "nodes.csv", newline="") as f:
        for row in csv.DictReader(f):
            ids.append(row["id"])
            kind.append(row["kind"])
            parent.append(row["region"])
    index = {x: i for i, x in enumerate(ids)}
    par = np.array([index.get(p, -1) for p in parent])
    src, dst, mat, share, vol = [], [], [], [], []
    mats = {}
    with open(d / "edges.csv", newline="") as f:
        for row in csv.DictReader(f):
            src.append(index[row["from"]])
            dst.append(index[row["to"]])
            mat.append(mats.setdefault(row["material"], len(mats)))
            share.append(float(row["share"]) if row["share"] else np.nan)
            vol.append(float(row["volume"]) if row["volume"] else np.nan)
    src, dst, mat = np.array(src), np.array(dst), np.array(mat)
    share, vol = np.array(share), np.array(vol)
    # Groups (consumer, material).
    key = dst.astype(np.int64) * (len(mats) + 1) + mat
    _, group = np.unique(key, return_inverse=True)
    ng = group.max() + 1
    count = np.bincount(group, minlength=ng)
    has_share = np.bincount(group, weights=~np.isnan(share), minlength=ng)
    has_vol = np.bincount(group, weights=~np.isnan(vol), minlength=ng)
    vsum = np.bincount(group, weights=np.nan_to_num(vol), minlength=ng)
    eff = np.where(
        has_share[group] == count[group],
        np.nan_to_num(share),
        np.where((has_vol[group] == count[group]) & (vsum[group] > 0), np.nan_to_num(vol) / np.maximum(vsum[group], 1e-300), 1.0 / count[group]),
    )
    group_node = np.zeros(ng, dtype=np.int64)
    group_node[group] = dst
    return ids, kind, par, src, dst, group, group_node, eff


def within(par, n_flow_region, country_idx):
    """Nodes located in the country at any depth."""
    n = len(par)
    inside = np.zeros(n, dtype=bool)
    for i in range(n):
        p = par[i]
        while p >= 0:
            if p == country_idx:
                inside[i] = True
                break
            p = par[p]
    return inside


def exposure_numpy(n, src, group, group_node, eff, d):
    """Jacobi iteration of the loss equation from zero, vectorised."""
    loss = np.zeros(n)
    ng = group_node.shape[0]
    for _ in range(100000):
        lost = np.bincount(group, weights=eff * loss[src], minlength=ng)
        worst = np.zeros(n)
        np.maximum.at(worst, group_node, lost)
        new = 1 - (1 - d) * (1 - np.minimum(worst, 1))
        if np.max(np.abs(new - loss)) < 1e-13:
            return new
        loss = new
    return loss


def exposure_networkx(n, src, dst, group, group_node, eff, d):
    """One pass over the strongly connected components in topological order."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(src.tolist(), dst.tolist()))
    inputs = defaultdict(list)
    for e in range(len(src)):
        inputs[int(dst[e])].append(e)
    loss = [0.0] * n
    cond = nx.condensation(g)
    for c in nx.topological_sort(cond):
        members = cond.nodes[c]["members"]
        for _ in range(100000 if len(members) > 1 else 1):
            delta = 0.0
            for v in members:
                by_group = defaultdict(float)
                for e in inputs[v]:
                    by_group[group[e]] += eff[e] * loss[src[e]]
                worst = min(max(by_group.values(), default=0.0), 1.0)
                new = 1 - (1 - d[v]) * (1 - worst)
                delta = max(delta, abs(new - loss[v]))
                loss[v] = new
            if delta < 1e-13:
                break
    return np.array(loss)


def supplygraph(d):
    t = time.perf_counter()
    out = subprocess.run(
        [str(BIN), "query", "--model", str(d), "--format", "csv", f'exposure of nodes where kind = end_use to "{COUNTRY}"'],
        check=True, capture_output=True, text=True,
    ).stdout
    secs = time.perf_counter() - t
    rows = list(csv.DictReader(out.splitlines()))
    return secs, {r["id"]: float(r["exposure"]) for r in rows}


def run(n):
    d = ROOT / "target" / "bench-data" / f"g{n}"
    if not (d / "edges.csv").exists():
        subprocess.run([str(BIN), "generate", "--nodes", str(n), "-o", str(d)], check=True)
    times = {}
    times["supplygraph"], ours = supplygraph(d)

    t = time.perf_counter()
    ids, kind, par, src, dst, group, group_node, eff = load(d)
    load_secs = time.perf_counter() - t
    nn = len(ids)
    d_vec = within(par, nn, ids.index(COUNTRY)).astype(float)
    d_vec[[i for i, k in enumerate(kind) if k == "region"]] = 0.0
    end_uses = [i for i, k in enumerate(kind) if k == "end_use"]

    t = time.perf_counter()
    l_np = exposure_numpy(nn, src, group, group_node, eff, d_vec)
    times["numpy/scipy"] = load_secs + time.perf_counter() - t
    peers = {"numpy/scipy": l_np}
    if n <= 100_000 or "--all" in sys.argv:
        t = time.perf_counter()
        peers["networkx"] = exposure_networkx(nn, src, dst, group, group_node, eff, d_vec)
        times["networkx"] = load_secs + time.perf_counter() - t

    worst = 0.0
    for name, l in peers.items():
        for i in end_uses:
            worst = max(worst, abs(l[i] - ours[ids[i]]))
    agree = worst < 1e-6
    best = min(v for k, v in times.items() if k != "supplygraph")
    print(f"\n{n} nodes: load + exposure of {len(end_uses)} end uses to {COUNTRY}")
    print("| tool | seconds |\n|---|---|")
    for k, v in times.items():
        print(f"| {k} | {v:.2f} |")
    print(f"ratio supplygraph / best peer: {times['supplygraph'] / best:.2f}")
    print(f"agreement: {'yes' if agree else 'NO'} (largest difference {worst:.2e})")
    return agree


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or [10_000, 100_000, 1_000_000]
    ok = all([run(n) for n in sizes])
    sys.exit(0 if ok else 1)
