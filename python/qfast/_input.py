"""Turning what users pass (pyarrow, polars, duckdb, anything with the Arrow PyCapsule
interface) into something the extension reads without copying."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from .errors import ColumnNotFoundError, ColumnTypeError


def is_tabular(data: Any) -> bool:
    """True for tables, record batches, data frames and other multi-column inputs."""
    if isinstance(data, (pa.Table, pa.RecordBatch)):
        return True
    if isinstance(data, (pa.Array, pa.ChunkedArray)):
        return False
    # polars DataFrame, pandas DataFrame, duckdb relations: several named columns
    return hasattr(data, "columns") or (
        hasattr(data, "__arrow_c_stream__") and not hasattr(data, "dtype")
    )


def as_table(data: Any) -> pa.Table:
    """A pyarrow Table over the same buffers (polars and duckdb export through PyCapsules)."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if hasattr(data, "__arrow_c_stream__") or hasattr(data, "__arrow_c_array__"):
        return pa.table(data)
    if hasattr(data, "to_arrow"):  # older polars / duckdb
        return as_table(data.to_arrow())
    try:
        import pandas as pd  # noqa: F401  (optional)

        return pa.Table.from_pandas(data, preserve_index=False)
    except Exception as exc:  # pragma: no cover - reported as a type error below
        raise ColumnTypeError(
            f"cannot read {type(data).__name__} as Arrow data: pass a pyarrow Table/Array, a polars "
            "Series/DataFrame, or any object with __arrow_c_stream__/__arrow_c_array__"
        ) from exc


def as_text_array(data: Any) -> pa.ChunkedArray | pa.Array:
    """A single-column input (array, chunked array, polars Series...) as pyarrow."""
    if isinstance(data, (pa.Array, pa.ChunkedArray)):
        return data
    if hasattr(data, "__arrow_c_stream__"):
        return pa.chunked_array(data)
    if hasattr(data, "__arrow_c_array__"):
        return pa.array(data)
    if hasattr(data, "to_arrow"):
        return as_text_array(data.to_arrow())
    raise ColumnTypeError(
        f"cannot read {type(data).__name__} as an Arrow string column: pass a pyarrow "
        "Array/ChunkedArray, a polars Series, or any object with __arrow_c_array__/__arrow_c_stream__"
    )


def text_column(data: Any, column: str) -> tuple[pa.Table | None, pa.ChunkedArray | pa.Array]:
    """(table or None, the text column) for any supported input."""
    if is_tabular(data):
        table = as_table(data)
        if column not in table.column_names:
            raise ColumnNotFoundError(
                f"column {column!r} not found; available columns: {table.column_names}"
            )
        return table, table.column(column)
    return None, as_text_array(data)
