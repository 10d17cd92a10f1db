"""The exceptions supplygraph raises."""

from typing import Optional


class SupplygraphError(Exception):
    """A problem with a model or a query.

    ``str(e)`` is the whole diagnostic, as the command line prints it: the message, the place
    (``<query>:1:13`` for a query, ``file:line:column`` for a model), the line and a caret.
    """

    def __init__(
        self,
        text: str,
        message: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        code: Optional[str] = None,
        statement: Optional[int] = None,
    ):
        super().__init__(text)
        #: The message alone, without place and caret.
        self.message = message if message is not None else text
        #: 1-based line and column of the problem in the query text (or the model file).
        self.line = line
        self.column = column
        #: The stable error code (``E0001``...; see ARCHITECTURE.md), where the problem has one.
        self.code = code
        #: For a query: which statement (1-based) failed.
        self.statement = statement

    @property
    def position(self) -> Optional[str]:
        """``line:column``, where known."""
        if self.line is None or self.column is None:
            return None
        return f"{self.line}:{self.column}"


class QueryError(SupplygraphError):
    """A query failed: it does not parse, names something unknown, or cannot be evaluated."""


class ModelError(SupplygraphError):
    """A model could not be loaded: ``str(e)`` lists every error, each at file:line:column."""
