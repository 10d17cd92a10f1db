"""`convert --to graphml` read by NetworkX: every node, edge and attribute, typed."""

import networkx as nx
import pytest

import supplygraph


@pytest.fixture(scope="module")
def exported(cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("graphml") / "rare_earths.graphml"
    code, _, err = cli("convert", "--to", "graphml", "-o", str(out))
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def neo4j(cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("neo4j") / "import"
    code, _, err = cli("convert", "--to", "neo4j", "-o", str(out))
    assert code == 0, err
    return out


def test_networkx_reads_every_node_and_edge(exported, flagship):
    g = nx.read_graphml(exported)
    assert g.is_directed()
    assert g.number_of_nodes() == flagship.node_count
    assert g.number_of_edges() == flagship.edge_count
    nodes = flagship.query("nodes", as_="records")
    assert set(g.nodes) == {r["id"] for r in nodes}
    for r in nodes:
        assert g.nodes[r["id"]]["name"] == r["name"]


def test_attributes_keep_their_types(exported):
    g = nx.read_graphml(exported)
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert kinds <= {"mine", "facility", "stage", "product", "end_use"} and "mine" in kinds
    caps = [d["capacity"] for _, d in g.nodes(data=True) if "capacity" in d]
    assert caps and all(isinstance(c, float) for c in caps)
    assert any("capacity_unit" in d and "capacity_source" in d for _, d in g.nodes(data=True))
    for _, d in g.nodes(data=True):
        for key in ("name", "kind", "label"):
            assert isinstance(d[key], str)
    edges = list(g.edges(data=True))
    for _, _, d in edges:
        assert isinstance(d["effective_share"], float) and 0 <= d["effective_share"] <= 1
        assert d["status"] in {"operating", "planned", "stopped"}
        if "share" in d:
            assert isinstance(d["share"], float)
        if "volume" in d:
            assert isinstance(d["volume"], float)
    assert any("material" in d for _, _, d in edges)
    assert any("volume_unit" in d and "volume_source" in d for _, _, d in edges)


def test_graphml_declares_every_attribute_with_a_type(exported):
    import xml.etree.ElementTree as ET

    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(exported).getroot()
    keys = {k.get("id"): k for k in root.findall("g:key", ns)}
    assert keys and all(k.get("attr.type") in {"double", "string", "boolean"} for k in keys.values())
    used = {d.get("key") for d in root.iter("{%s}data" % ns["g"])}
    assert used <= set(keys)
    # NetworkX keeps every declared attribute that some item uses.
    g = nx.read_graphml(exported)
    names = {k for _, d in g.nodes(data=True) for k in d} | {
        k for _, _, d in g.edges(data=True) for k in d
    } | set(g.graph)
    for k in keys.values():
        if k.get("id") in used:
            assert k.get("attr.name") in names


def test_an_exported_exposure_agrees_with_a_query(exported, flagship):
    """The effective shares exported are those the analyses use: a single-supplier chain
    in the GraphML matches the query result's critical chokepoints."""
    g = nx.read_graphml(exported)
    crit = [r["id"] for r in flagship.query('chokepoints of "Electric vehicles"', as_="records")
            if r["critical"]]
    for c in crit:
        if c in g:
            assert nx.has_path(g, c, "electric-vehicles")


def test_neo4j_headers(neo4j):
    import csv

    def header(name):
        with open(neo4j / name, newline="") as f:
            return next(csv.reader(f))

    nodes = header("nodes.csv")
    assert nodes[0] == "id:ID" and nodes[-1] == ":LABEL" and "capacity:double" in nodes
    assert header("regions.csv")[0] == "id:ID"
    sup = header("supplies.csv")
    assert sup[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert "share:double" in sup and "effective_share:double" in sup
    for f in ("located_in.csv", "within.csv"):
        assert header(f) == [":START_ID", ":END_ID", ":TYPE"]
    assert "CREATE CONSTRAINT" in (neo4j / "constraints.cypher").read_text()


def test_a_saved_chokepoint_result_opens_in_networkx(tmp_path, flagship):
    """`:save FILE.graphml` after a query: NetworkX reads the result's cone with its figures,
    the impacts those of the query, the critical flags the query's."""
    import subprocess

    from conftest import ROOT, _binary

    out = tmp_path / "chokepoints.graphml"
    q = 'chokepoints of "Electric vehicles"'
    p = subprocess.run([str(_binary())], input=f"{q}\n:save {out}\n", cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    g = nx.read_graphml(out)
    assert g.graph["query"] == q
    rows = {r["id"]: r for r in flagship.query(q, as_="records")}
    assert rows and set(rows) <= set(g.nodes)
    for node, r in rows.items():
        d = g.nodes[node]
        assert d["result_impact"] == r["impact"]
        assert d["result_critical"] == r["critical"]
    # The cone: every node reaches the end use through the saved edges.
    assert all(nx.has_path(g, v, "electric-vehicles") for v in g.nodes)


def _typed(header, cell):
    """A cell of a neo4j-admin import file as its header types it ("" is no property)."""
    if cell == "":
        return None
    if header.endswith(":double"):
        return float(cell)
    if header.endswith(":boolean"):
        return cell == "true"
    return cell


def test_neo4j_files_read_back_as_the_graphml_graph(exported, neo4j):
    """The Neo4j import files, read back with their typed headers, hold the GraphML export's
    nodes, edges and attributes, each of the same type and value."""
    import csv

    def rows(name):
        with open(neo4j / name, newline="") as f:
            r = csv.reader(f)
            head = next(r)
            return head, list(r)

    g = nx.read_graphml(exported)
    head, body = rows("nodes.csv")
    assert len(body) == g.number_of_nodes()
    for row in body:
        props = {h.split(":")[0]: _typed(h, c) for h, c in zip(head, row)
                 if not h.startswith(":") and h != "id:ID"}
        node = row[head.index("id:ID")]
        want = {k: v for k, v in g.nodes[node].items() if k != "label"}
        assert {k: v for k, v in props.items() if v is not None} == want, node
        assert row[head.index(":LABEL")].split(";")[0] == "Node"
    head, body = rows("supplies.csv")
    got = sorted(
        (r[0], r[1], tuple(sorted((h.split(":")[0], _typed(h, c)) for h, c in zip(head[3:], r[3:])
                                  if c != "")))
        for r in body
    )
    # NetworkX keeps the GraphML edge's own id (`e12`) as data: not a property of the edge.
    want = sorted((a, b, tuple(sorted((k, v) for k, v in d.items() if k != "id")))
                  for a, b, d in g.edges(data=True))
    assert got == want
