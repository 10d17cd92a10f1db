"""supplygraph from Python: load a supply-chain model once, ask it questions, get DataFrames.

    >>> import supplygraph
    >>> m = supplygraph.load()                      # the built-in rare-earth model
    >>> m.query('exposure of "Electric vehicles" to "China"')
       id               name  exposure
    0  ...

``load(path)`` reads a TOML file or folder, a JSON file, or a folder of CSV tables, as
``supplygraph --model PATH`` does. ``Model.query`` returns what ``supplygraph query --format
json`` prints, as a DataFrame: the same columns, in the same order, with the same values.
"""

from typing import Any, List, Optional, Union

from . import _native
from .errors import ModelError, QueryError, SupplygraphError

__all__ = [
    "load",
    "Model",
    "Result",
    "SupplygraphError",
    "QueryError",
    "ModelError",
    "FORMATS",
]
__version__ = _native.__version__

#: The values of ``as_``: what ``Model.query`` returns each table as.
FORMATS = ("pandas", "arrow", "polars", "records")


class Result:
    """One statement's table, before conversion: ``title`` (the canonical statement),
    ``columns``, ``rows`` (lists of Python values, as in the JSON output) and ``notes``."""

    __slots__ = ("title", "columns", "rows", "notes")

    def __init__(self, title: str, columns: List[str], rows: List[list], notes: List[str]):
        self.title = title
        self.columns = columns
        self.rows = rows
        self.notes = notes

    def records(self) -> List[dict]:
        """The rows as dicts keyed by column: exactly the JSON output's objects."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def to(self, as_: str = "pandas") -> Any:
        """This table as a pandas DataFrame, a pyarrow Table, a polars DataFrame, or records."""
        if as_ == "pandas":
            import pandas as pd

            df = pd.DataFrame(self.rows, columns=self.columns)
            df.attrs["title"] = self.title
            df.attrs["notes"] = list(self.notes)
            return df
        if as_ == "arrow":
            import pyarrow as pa

            table = pa.Table.from_pylist(self.records()) if self.rows else pa.table(
                {c: pa.array([], type=pa.null()) for c in self.columns}
            )
            return table.replace_schema_metadata({"title": self.title})
        if as_ == "polars":
            import polars as pl

            return pl.DataFrame(self.rows, schema=self.columns, orient="row")
        if as_ == "records":
            return self.records()
        raise ValueError(f"as_ must be one of {', '.join(FORMATS)}, not {as_!r}")

    def __repr__(self) -> str:
        return f"<Result {self.title!r}: {len(self.rows)} rows>"


class Model:
    """A loaded, validated model. It is built once, by ``load``, and reused by every query."""

    def __init__(self, native: "_native.Model"):
        self._native = native

    def results(self, text: str) -> List[Result]:
        """Runs one statement or several separated by ``;``; one ``Result`` per statement that
        gives a table (``let`` and ``scenario`` give none). Raises ``QueryError``."""
        out = []
        for item in self._native.run(text):
            if item[0] == "table":
                _, title, columns, rows, notes = item
                out.append(Result(title, columns, rows, notes))
        return out

    def query(self, text: str, as_: str = "pandas") -> Union[Any, List[Any], None]:
        """Runs a query and returns its table as a pandas DataFrame (or, with ``as_``, a pyarrow
        Table, a polars DataFrame, or a list of dicts).

        With several statements (``;``), returns a list with one table per statement that gives
        one; a single table comes back alone, and ``None`` when no statement gives a table. The
        statements of one call share their ``let`` variables; separate calls do not.

        Raises ``QueryError`` (with ``line``, ``column``, ``code``) at the first failing
        statement; nothing is returned for the statements before it.
        """
        if as_ not in FORMATS:
            raise ValueError(f"as_ must be one of {', '.join(FORMATS)}, not {as_!r}")
        tables = [r.to(as_) for r in self.results(text)]
        if len(tables) == 1:
            return tables[0]
        if not tables:
            return None
        return tables

    def summary(self) -> str:
        """The model's summary, as ``supplygraph check`` prints it."""
        return self._native.summary()

    @property
    def origin(self) -> str:
        """Where the model was loaded from."""
        return self._native.origin

    @property
    def warnings(self) -> List[str]:
        """Warnings found while loading."""
        return list(self._native.warnings)

    @property
    def node_count(self) -> int:
        return self._native.node_count

    @property
    def edge_count(self) -> int:
        return self._native.edge_count

    def __repr__(self) -> str:
        return (
            f"<supplygraph.Model {self.origin}: {self.node_count} nodes, "
            f"{self.edge_count} supply edges>"
        )


def load(path: Optional[Union[str, "os.PathLike[str]"]] = None) -> Model:  # noqa: F821
    """Loads and validates a model: a TOML file or folder, a JSON file, or a folder with
    nodes.csv and edges.csv; the built-in rare-earth model when ``path`` is None.

    Raises ``ModelError`` listing every problem, each at file:line:column."""
    import os

    return Model(_native.load(None if path is None else os.fspath(path)))
