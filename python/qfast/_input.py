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


def like(original: Any, out: pa.Table | pa.Array | pa.ChunkedArray) -> Any:
    """``out`` as the same kind of object the user passed in: a polars, pandas or duckdb frame
    (or series) comes back as one, a record batch as a record batch; anything else as pyarrow."""
    mod = type(original).__module__.split(".", 1)[0]
    if isinstance(original, pa.RecordBatch) and isinstance(out, pa.Table):
        return (
            out.combine_chunks().to_batches()[0]
            if out.num_rows
            else pa.RecordBatch.from_pylist([], schema=out.schema)
        )
    if mod == "polars":
        import polars as pl

        return pl.from_arrow(out)
    if mod == "pandas":
        return out.to_pandas()
    if mod == "duckdb" and isinstance(out, pa.Table):
        import duckdb

        return duckdb.from_arrow(out)
    return out


def _unview_type(t: pa.DataType) -> pa.DataType:
    if t == pa.string_view():
        return pa.large_string()
    if t == pa.binary_view():
        return pa.large_binary()
    return t


def unview(x: Any) -> Any:
    """String/binary view columns (polars' export) as large string/binary, for the pyarrow
    kernels that lack view support (filter, binary_length); other data is returned as is."""
    if isinstance(x, pa.Table):
        schema = pa.schema([pa.field(f.name, _unview_type(f.type), f.nullable) for f in x.schema])
        return x if schema.equals(x.schema) else x.cast(schema)
    if isinstance(x, (pa.Array, pa.ChunkedArray)):
        t = _unview_type(x.type)
        return x if t == x.type else x.cast(t)
    return x


def filter_rows(x: Any, keep: Any) -> Any:
    """``x.filter(keep)`` for a table or array, view types included."""
    return unview(x).filter(keep)
