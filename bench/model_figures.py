#!/usr/bin/env python3
"""Figures of the flagship model, checked outside the Rust code (issue 12, item 5).

1. The share of multi-supplier input-group edges whose share rests only on the
   `model-assumption` source: an edge's share rests on its explicit `share`, or, where the
   group derives shares from volumes, on its own `volume`; a group that splits equally rests on
   nothing and counts as an assumption. Stopped edges (share 0) are left out.
2. Mine production by country (`production_2024` of the mine nodes, summed by the country
   that contains each mine's region): China's share, HHI and the top three, against USGS 2024.

Usage: python3 bench/model_figures.py [models/rare_earths] [--list]
"""
import sys, tomllib, pathlib, collections

folder = pathlib.Path(next((a for a in sys.argv[1:] if not a.startswith("--")), "models/rare_earths"))
doc = collections.defaultdict(list)
for f in sorted(folder.glob("*.toml")):
    d = tomllib.loads(f.read_text())
    for k, v in d.items():
        if isinstance(v, list):
            doc[k].extend(v)

def sources(fig, default):
    """The sources a figure's used value rests on."""
    if not isinstance(fig, dict):
        return {default}
    if "values" in fig:
        used = [v for v in fig["values"] if v.get("used")] or fig["values"][:1]
        return {v.get("source", fig.get("source", default)) for v in used}
    return {fig.get("source", default)}

groups = collections.defaultdict(list)
for e in doc["edge"]:
    if e.get("status") == "stopped":
        continue
    groups[(e["to"], e.get("material"))].append(e)

multi = assumed = 0
rows = []
for (to, mat), es in groups.items():
    if len(es) < 2:
        continue
    by_share = any("share" in e for e in es)
    by_volume = not by_share and all("volume" in e for e in es)
    for e in es:
        multi += 1
        dflt = e.get("source")
        if by_share:
            src = sources(e["share"], dflt)
        elif by_volume:
            src = sources(e["volume"], dflt)
        else:
            src = {"model-assumption"}  # equal split: no figure at all
        only = src <= {"model-assumption", None}
        assumed += only
        rows.append((to, mat, e["from"], "share" if by_share else "volume" if by_volume else "equal", ",".join(map(str, sorted(src, key=str))), only))

if "--list" in sys.argv:
    for r in rows:
        print("  %-22s %-16s <- %-22s %-6s %-28s %s" % (r[0], r[1], r[2], r[3], r[4], "ASSUMPTION" if r[5] else ""))
print(f"multi-supplier input-group edges: {multi}; share rests only on model-assumption: {assumed} ({assumed / multi:.1%})")

# --- Mine production by country ---------------------------------------------------------
regions = {r["id"]: r for r in doc["region"]}
def country(rid):
    while rid is not None:
        r = regions[rid]
        if r.get("level") == "country":
            return r.get("name", rid)
        rid = r.get("within")
    return None

def value(fig):
    if isinstance(fig, dict):
        if "values" in fig:
            used = [v for v in fig["values"] if v.get("used")] or fig["values"][:1]
            return used[0]["value"]
        return fig["value"]
    return fig

by = collections.Counter()
for n in doc["node"]:
    if n.get("kind") == "mine" and "production_2024" in n:
        by[country(n.get("region")) or n["name"]] += value(n["production_2024"])
total = sum(by.values())
print(f"mine production 2024 by country (t REO), sum {total:,.0f}:")
for c, t in by.most_common():
    print(f"  {c:<22} {t:>9,.0f}  {t / total:6.1%}")
hhi = sum((t / total * 100) ** 2 for t in by.values())
china = by["China"] / total
top3 = [c for c, _ in by.most_common(3)]
print(f"China share {china:.2%}; HHI {hhi:,.0f}; top three {', '.join(top3)}")

# USGS MCS 2025, 2024 estimates, over the countries it lists (not 'Other').
usgs = {"China": 270000, "United States": 45000, "Myanmar": 31000, "Australia": 13000,
        "Nigeria": 13000, "Thailand": 13000, "India": 2900, "Russia": 2500, "Madagascar": 2000,
        "Malaysia": 130, "Vietnam": 300, "Brazil": 20}
ut = sum(usgs.values())
u_china = usgs["China"] / ut
u_hhi = sum((t / ut * 100) ** 2 for t in usgs.values())
print(f"USGS 2024 over its listed countries: China {u_china:.2%}, HHI {u_hhi:,.0f}")
ok = abs(china - u_china) <= 0.01 * u_china and abs(hhi - u_hhi) <= 0.01 * u_hhi \
    and top3 == ["China", "United States", "Myanmar"]
print("within 1% of USGS, top three China, United States, Myanmar:", "yes" if ok else "NO")
sys.exit(0 if ok else 1)
