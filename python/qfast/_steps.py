"""What the per-row steps outside the core filter chain share (language ID, classifiers, rule
filters, token counts): ``filter()`` from ``verdict()``, the hook ``Pipeline`` calls, and the
reason column built from a keep mask."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ._input import filter_rows, like, text_column


def reasons(null: Any, keep: Any, reason: Any) -> pa.Array:
    """``null_text`` where ``null``, nothing where ``keep``, else ``reason`` (a string or an
    array of strings), as large strings."""
    out = pc.if_else(null, "null_text", pc.if_else(keep, pa.scalar(None, pa.large_utf8()), reason))
    return out.cast(pa.large_utf8())


class RowStep:
    """Base of steps whose ``verdict(data, column)`` returns ``keep``, ``reason`` and maybe
    columns to add (``_added_columns``) to the rows a ``Pipeline`` keeps."""

    def verdict(self, data: Any, column: str = "text") -> pa.Table:
        raise NotImplementedError

    def _added_columns(self) -> tuple[str, ...]:
        return ()

    def _pipeline_column(self, column: str) -> str:
        """The column this step reads inside a pipeline whose text column is ``column``."""
        return column

    def filter(self, data: Any, column: str = "text") -> Any:
        """The rows kept, as the same kind of input."""
        table, col = text_column(data, column)
        keep = self.verdict(data, column).column("keep")
        return like(data, filter_rows(col if table is None else table, keep))

    def _pipeline_mark(self, table: pa.Table, column: str) -> dict[str, Any]:
        v = self.verdict(table, self._pipeline_column(column))
        return {
            "drop": pc.invert(v.column("keep")).combine_chunks(),
            "reason": v.column("reason").to_pylist(),
            "columns": {name: v.column(name) for name in self._added_columns()},
        }
