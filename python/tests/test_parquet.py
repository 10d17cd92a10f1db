"""Parquet both ways: `convert --to parquet` read by pyarrow and pandas holds the CSV tables'
columns and rows, typed; Parquet written by pandas, polars and Spark (a folder of part files)
loads in supplygraph and answers as the CSV tables do. The Spark round trip is the README's
"past one machine" example: the model goes to Spark and comes back unchanged."""

import shutil

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pd = pytest.importorskip("pandas")

TABLES = ["nodes", "edges", "sources", "materials", "controls", "scenarios"]
QUERIES = [
    'exposure of nodes where kind = end_use to "China" order by exposure desc, id',
    'chokepoints of "Electric vehicles" limit 10',
    'with disrupt "China": shortfall of "Electric vehicles"',
    "total production_2024 of nodes where kind = mine by country",
]


@pytest.fixture(scope="module")
def tables(cli, tmp_path_factory):
    """The flagship model as CSV tables and as Parquet tables."""
    root = tmp_path_factory.mktemp("tables")
    for to in ("csv", "parquet"):
        code, _, err = cli("convert", "--to", to, "-o", str(root / to))
        assert code == 0, err
    return root / "csv", root / "parquet"


def test_pyarrow_reads_the_csv_tables_columns_and_rows(tables):
    csv, parquet = tables
    for t in TABLES:
        want = pd.read_csv(csv / f"{t}.csv", dtype=str, keep_default_na=False)
        got = pq.read_table(parquet / f"{t}.parquet")
        assert got.column_names == list(want.columns), t
        assert got.num_rows == len(want), t
        for name in got.column_names:
            field = got.schema.field(name)
            values = got.column(name).to_pylist()
            for cell, v in zip(want[name], values):
                if cell == "":
                    assert v is None, (t, name)
                elif pa.types.is_floating(field.type):
                    assert v == float(cell), (t, name, cell)
                else:
                    assert v == cell, (t, name)


def test_figures_are_typed_and_text_fields_stay_text(tables):
    _, parquet = tables
    nodes = pq.read_table(parquet / "nodes.parquet").schema
    assert pa.types.is_floating(nodes.field("output").type)
    for text in ("id", "name", "kind", "output_source", "output_date", "output_unit"):
        assert pa.types.is_string(nodes.field(text).type), text
    edges = pq.read_table(parquet / "edges.parquet").schema
    assert pa.types.is_floating(edges.field("share").type)
    assert pa.types.is_string(edges.field("from").type)


def _same_answers(cli_json, a, b, exact=True):
    for q in QUERIES:
        x, y = cli_json(q, model=a), cli_json(q, model=b)
        if exact:
            assert x == y, q
        else:
            assert _close(x, y), (q, x, y)


def _close(x, y):
    """Equal but for rounding (1e-12 relative): rows read in another order add up in another
    order. Rows with ids are matched by id (equal figures may then sort either way)."""
    if isinstance(x, float) or isinstance(y, float):
        return isinstance(x, (int, float)) and isinstance(y, (int, float)) and (
            abs(x - y) <= 1e-12 * max(1.0, abs(x), abs(y))
        )
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(_close(x[k], y[k]) for k in x)
    if isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            return False
        if all(isinstance(r, dict) and "id" in r for r in x + y):
            x, y = sorted(x, key=lambda r: r["id"]), sorted(y, key=lambda r: r["id"])
        return all(_close(a, b) for a, b in zip(x, y))
    return x == y


def test_parquet_written_by_pandas_loads_and_answers_the_same(tables, tmp_path, cli_json):
    csv, _ = tables
    out = tmp_path / "pandas"
    out.mkdir()
    for t in TABLES:
        df = pd.read_csv(csv / f"{t}.csv")
        # What pandas users do: categories for repeated texts, pyarrow's own string types.
        for col in ("kind", "stage", "material", "status"):
            if col in df.columns:
                df[col] = df[col].astype("category")
        df.to_parquet(out / f"{t}.parquet", index=False)
    assert pq.read_table(out / "nodes.parquet").schema.field("kind").type != pa.string()
    _same_answers(cli_json, csv, out)


def test_parquet_written_by_polars_loads_and_answers_the_same(tables, tmp_path, cli_json):
    pl = pytest.importorskip("polars")
    csv, _ = tables
    out = tmp_path / "polars"
    out.mkdir()
    for t in TABLES:
        pl.read_csv(csv / f"{t}.csv", infer_schema_length=None).write_parquet(
            out / f"{t}.parquet"
        )
    _same_answers(cli_json, csv, out)


def test_the_model_goes_to_spark_and_comes_back_unchanged(tables, tmp_path, cli_json):
    """Spark reads the Parquet export, and its own Parquet output (folders of part files)
    loads back: the README's example, with Spark's DataFrames standing for the cluster."""
    pyspark = pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime")
    from pyspark.sql import SparkSession

    csv, parquet = tables
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("supplygraph-roundtrip")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        out = tmp_path / "spark"
        for t in TABLES:
            df = spark.read.parquet(str(parquet / f"{t}.parquet"))
            assert df.count() == pq.read_table(parquet / f"{t}.parquet").num_rows
            df.repartition(2).write.parquet(str(out / f"{t}.parquet"))
        # What GraphFrames takes: vertices with `id`, edges with `src` and `dst`.
        v = spark.read.parquet(str(parquet / "nodes.parquet")).where("kind != 'region'")
        e = (
            spark.read.parquet(str(parquet / "edges.parquet"))
            .withColumnRenamed("from", "src")
            .withColumnRenamed("to", "dst")
        )
        dangling = e.join(v, e.src == v.id, "left_anti").count()
        assert dangling == 0
        in_degree = {r["dst"]: r["count"] for r in e.groupBy("dst").count().collect()}
    finally:
        spark.stop()
    # Spark saw every supply edge: each node's suppliers counted there and in the CSV table.
    want = pd.read_csv(csv / "edges.csv").groupby("to").size().to_dict()
    assert in_degree == want
    assert len(list((out / "edges.parquet").glob("part-*.parquet"))) == 2
    # Spark wrote the rows in another order (repartition): the answers agree to rounding.
    _same_answers(cli_json, csv, out, exact=False)


@pytest.mark.parametrize("codec", ["none", "snappy", "gzip", "zstd", "lz4", "brotli"])
def test_every_parquet_compression_loads(tables, tmp_path, cli_json, codec):
    """pyarrow's compressions, Spark's among them (snappy by default, gzip on request)."""
    csv, parquet = tables
    out = tmp_path / codec
    out.mkdir()
    for t in TABLES:
        table = pq.read_table(parquet / f"{t}.parquet")
        pq.write_table(table, out / f"{t}.parquet", compression=codec)
    _same_answers(cli_json, csv, out)
