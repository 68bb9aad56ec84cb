"""Arrow shapes: every string layout, chunked, sliced, null, table/batch/polars inputs, and
clear errors for wrong types and missing columns."""

from __future__ import annotations

import dataclasses
import pickle

import polars as pl
import pyarrow as pa
import pytest

import qfast
from qfast.errors import ColumnNotFoundError, ColumnTypeError

GOOD = ("The quick brown fox jumps over the lazy dog and the cat. " * 12).strip()


@pytest.mark.parametrize("dtype", [pa.string(), pa.large_string(), pa.string_view()])
def test_every_string_layout_gives_the_same_words(dtype: pa.DataType) -> None:
    arr = pa.array(["Hello world.", None, "It's 10km away"], type=dtype)
    out = qfast.words(arr).to_pylist()
    assert out[0] == ["Hello", "world", "."]
    assert out[1] is None
    assert out[2] == ["It", "'s", "10", "km", "away"]


def test_sliced_and_chunked_arrays_are_read_in_place() -> None:
    base = pa.array(["skip me", "a b", "c d", "skip too"])
    sliced = base.slice(1, 2)
    assert qfast.words(sliced).to_pylist() == [["a", "b"], ["c", "d"]]
    chunked = pa.chunked_array([base.slice(0, 1), sliced])
    assert qfast.words(chunked).to_pylist() == [["skip", "me"], ["a", "b"], ["c", "d"]]


def test_table_record_batch_and_polars_inputs() -> None:
    table = pa.table({"id": [1, 2], "text": ["one two", "three"]})
    expected = [["one", "two"], ["three"]]
    assert qfast.words(table).to_pylist() == expected
    assert qfast.words(table.to_batches()[0]).to_pylist() == expected
    assert qfast.words(pl.Series(["one two", "three"])).to_pylist() == expected
    assert qfast.words(pl.from_arrow(table)).to_pylist() == expected


def test_non_string_column_raises_naming_column_and_type() -> None:
    table = pa.table({"text": [1, 2]})
    with pytest.raises(ColumnTypeError, match=r"text.*int64|Int64"):
        qfast.GopherQuality().verdict(table)
    with pytest.raises(TypeError):  # also a TypeError for generic handlers
        qfast.words(pa.array([1.5]))


def test_missing_column_names_the_available_ones() -> None:
    with pytest.raises(ColumnNotFoundError, match="content.*id"):
        qfast.GopherQuality().verdict(pa.table({"id": [1]}), column="content")


def test_null_text_is_dropped_with_its_own_reason_and_counted() -> None:
    table = pa.table({"text": [GOOD, None, ""]})
    p = qfast.Pipeline([qfast.GopherQuality()])
    res = p.run(table)
    assert res.verdict["keep"].to_pylist() == [True, False, False]
    assert res.verdict["reason"].to_pylist() == [None, "null_text", "gopher_short_doc"]
    assert res.stats[0]["dropped_null_text"] == 1
    assert res.stats[0]["rows_in"] == 3
    sig = qfast.GopherQuality().signals(table)
    assert sig.column("n_words")[1].as_py() is None
    assert sig.column("n_words")[0].as_py() > 50


def test_filters_are_frozen_and_picklable() -> None:
    f = qfast.GopherQuality(min_doc_words=10) & ~qfast.FineWebQuality()
    g = pickle.loads(pickle.dumps(f))
    assert g == f
    p = pickle.loads(pickle.dumps(qfast.Pipeline.fineweb()))
    assert [s.name for s in p.steps] == [
        "gopher_repetition",
        "gopher_quality",
        "c4_quality",
        "fineweb_quality",
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        qfast.GopherQuality().min_doc_words = 3  # type: ignore[misc]


def test_duckdb_relation_is_read_through_the_capsule_interface() -> None:
    import duckdb

    rel = duckdb.sql(
        "select * from (values (2, 'a b c'), (1, 'hello world')) t(id, text) order by id"
    )
    assert qfast.words(rel).to_pylist() == [["hello", "world"], ["a", "b", "c"]]
    out = qfast.Pipeline([qfast.GopherRepetition()]).run(rel)
    # The kept rows come back as a duckdb relation, like the input.
    assert isinstance(out.data, duckdb.DuckDBPyRelation)
    assert out.data.fetchall() == [] and out.stats[0]["dropped_top_2_gram"] == 2


def test_invalid_utf8_from_a_foreign_producer_is_a_clear_error() -> None:
    from qfast.errors import InvalidDataError

    data = pa.py_buffer(b"ab\xff\xfecd")
    offsets = pa.array([0, 3, 6], type=pa.int32()).buffers()[1]
    bad = pa.Array.from_buffers(pa.string(), 2, [None, offsets, data])
    with pytest.raises(InvalidDataError, match='"text".*row 0 is not valid UTF-8'):
        qfast.words(bad)
    with pytest.raises(ValueError):
        qfast.Pipeline.fineweb().run(pa.table({"text": bad}))


@pytest.mark.parametrize("dtype", [pa.binary(), pa.large_binary(), pa.binary_view()])
def test_binary_column_of_utf8_text_is_read_as_text(dtype: pa.DataType) -> None:
    rows = ["The cat sat on the mat.", None, "", "日本語の文章。"]
    as_bytes = pa.array([r.encode() if r is not None else None for r in rows], dtype)
    assert qfast.words(as_bytes).to_pylist() == qfast.words(pa.array(rows)).to_pylist()
    out = qfast.Pipeline.fineweb().run(pa.table({"text": as_bytes}))
    ref = qfast.Pipeline.fineweb().run(pa.table({"text": pa.array(rows)}))
    assert out.stats == ref.stats and out.data.num_rows == ref.data.num_rows


def test_invalid_utf8_in_a_binary_column_names_column_and_row() -> None:
    from qfast.errors import InvalidDataError

    first = pa.array([b"fine", b"also fine"], pa.binary())
    second = pa.array([None, b"", b"caf\xe9 latin-1"], pa.binary())
    col = pa.chunked_array([first, second])
    # Row 4 of the column: the third row of its second chunk.
    with pytest.raises(InvalidDataError, match='"body".*row 4 is not valid UTF-8'):
        qfast.Pipeline.fineweb().run(pa.table({"body": col}), column="body")
    with pytest.raises(InvalidDataError, match="row 4"):
        qfast.words(col)


@pytest.mark.parametrize("dtype", [pa.large_string(), pa.large_binary()])
def test_a_document_over_4_gib_is_refused_by_row(dtype: pa.DataType) -> None:
    """Kernels keep positions inside a document as u32: a longer row is an error naming it.
    The 4 GiB values buffer is allocated but never written or read, so it costs no memory."""
    from qfast.errors import InvalidDataError

    big = 2**32 + 1
    offsets = pa.array([0, 3, 3 + big], pa.int64()).buffers()[1]
    arr = pa.Array.from_buffers(dtype, 2, [None, offsets, pa.allocate_buffer(big + 3)])
    col = pa.chunked_array([pa.array(["x"], dtype), arr])
    with pytest.raises(InvalidDataError, match=rf'"text".*row 2 holds {big} bytes'):
        qfast.Pipeline.fineweb().run(pa.table({"text": col}))
    with pytest.raises(InvalidDataError, match="row 2"):
        qfast.words(col)
