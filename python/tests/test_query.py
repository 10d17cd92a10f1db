"""The Python API against the command line: the same tables, the same errors."""

import json
import math

import pandas as pd
import pytest

import supplygraph
from conftest import ROOT

EXPOSURE = 'exposure of "Electric vehicles" to "China"'

QUERIES = [
    EXPOSURE,
    'chokepoints of "Electric vehicles"',
    'chokepoints of "Wind turbines" by country',
    'exposure of nodes where kind = end_use to "Baotou"',
    'concentration of "Electric vehicles" by country',
    'with disrupt "sep-baotou" by 50%: exposure of "Wind turbines" to "China"',
    'nodes where stage = "separation"',
]


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is None and b is None
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


def frame_records(df: pd.DataFrame):
    """A DataFrame's rows as JSON would give them (NaN where JSON has null)."""
    out = []
    for row in df.itertuples(index=False):
        out.append({c: (None if isinstance(v, float) and math.isnan(v) else v)
                    for c, v in zip(df.columns, row)})
    return out


def test_exposure_equals_the_cli_json(flagship, cli_json):
    df = flagship.query(EXPOSURE)
    assert isinstance(df, pd.DataFrame)
    want = cli_json(EXPOSURE)
    assert list(df.columns) == list(want[0].keys())
    assert list(df["exposure"]) == [r["exposure"] for r in want]  # exact, not approximate
    assert list(df["id"]) == [r["id"] for r in want]
    assert 0 < df["exposure"].iloc[0] <= 1


@pytest.mark.parametrize("query", QUERIES)
def test_tables_equal_the_cli_json(flagship, cli_json, query):
    want = cli_json(query)
    records = flagship.query(query, as_="records")
    assert len(records) == len(want)
    for got, exp in zip(records, want):
        assert list(got.keys()) == list(exp.keys())
        for k in exp:
            assert same(got[k], exp[k]), (query, k, got[k], exp[k])
    df = flagship.query(query)
    assert list(df.columns) == (list(want[0].keys()) if want else list(df.columns))
    assert len(df) == len(want)
    for got, exp in zip(frame_records(df), want):
        for k in exp:
            g = got[k]
            g = g.item() if hasattr(g, "item") else g
            assert same(g, exp[k]) or (exp[k] is None and g is None), (query, k, g, exp[k])


def test_a_model_from_a_path_equals_the_cli(cli_json):
    m = supplygraph.load(ROOT / "models" / "rare_earths")
    q = 'chokepoints of "Electric vehicles"'
    assert m.query(q, as_="records") == cli_json(q, model=ROOT / "models" / "rare_earths")


def test_several_statements_give_a_list_and_share_let(flagship, cli_json):
    text = ('let ev = "Electric vehicles";\n'
            f'{EXPOSURE};\n'
            'chokepoints of ev')
    tables = flagship.query(text)
    assert isinstance(tables, list) and len(tables) == 2
    assert list(tables[0]["exposure"]) == [r["exposure"] for r in cli_json(EXPOSURE)]
    assert list(tables[1]["impact"]) == [
        r["impact"] for r in cli_json('chokepoints of "Electric vehicles"')
    ]
    assert tables[0].attrs["title"].startswith("exposure of")
    # A statement with no table gives nothing back.
    assert flagship.query('let ev = "Electric vehicles"') is None


def test_query_errors_carry_line_and_column(flagship, cli):
    with pytest.raises(supplygraph.QueryError) as e:
        flagship.query('exposure of "Electric vehicle" to "China"')
    err = e.value
    assert (err.line, err.column) == (1, 13)
    assert err.position == "1:13"
    assert err.code == "E0101"
    assert "<query>:1:13" in str(err)
    assert 'did you mean "Electric vehicles"' in str(err)
    assert isinstance(err, supplygraph.SupplygraphError)
    # The same message as the command line's.
    code, _, stderr = cli("query", 'exposure of "Electric vehicle" to "China"')
    assert code != 0
    assert err.message in stderr and "<query>:1:13" in stderr


def test_a_parse_error_in_a_later_statement_is_placed_in_the_whole_text(flagship):
    with pytest.raises(supplygraph.QueryError) as e:
        flagship.query(f'{EXPOSURE};\n  exposur of "China"')
    assert (e.value.line, e.value.column, e.value.statement) == (2, 3, 2)
    assert e.value.code.startswith("E00")
    assert "<query>:2:3" in str(e.value)


def test_model_errors_carry_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[node]]\nid = "a"\nname = "A"\nkind = "mine"\nregion = "nowhere"\n')
    with pytest.raises(supplygraph.ModelError) as e:
        supplygraph.load(bad)
    assert e.value.line is not None and e.value.column is not None
    assert f"{bad}:{e.value.line}:{e.value.column}" in str(e.value)
    with pytest.raises(supplygraph.ModelError):
        supplygraph.load(tmp_path / "missing")


def test_a_loaded_model_is_reused_not_reloaded(flagship):
    from supplygraph import _native

    handle = flagship._native.handle
    loads = _native.load_count()
    first = flagship.query(EXPOSURE)
    for _ in range(20):
        assert flagship.query(EXPOSURE).equals(first)
        flagship.query('chokepoints of "Wind turbines"; let x = "China"')
    # Twenty-one queries built no model: the one loaded is held and reused.
    assert _native.load_count() == loads
    assert flagship._native.handle == handle
    supplygraph.load()
    assert _native.load_count() == loads + 1
    assert flagship.node_count == 59 or flagship.node_count > 0
    assert "built-in" in flagship.origin


def test_other_forms(flagship):
    assert flagship.query(EXPOSURE, as_="records")[0]["id"] == "electric-vehicles"
    with pytest.raises(ValueError):
        flagship.query(EXPOSURE, as_="excel")
    pa = pytest.importorskip("pyarrow")
    t = flagship.query(EXPOSURE, as_="arrow")
    assert isinstance(t, pa.Table) and t.column_names == ["id", "name", "exposure"]


def test_polars(flagship):
    pl = pytest.importorskip("polars")
    df = flagship.query(EXPOSURE, as_="polars")
    assert isinstance(df, pl.DataFrame) and df.columns == ["id", "name", "exposure"]
