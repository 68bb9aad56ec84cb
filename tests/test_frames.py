"""polars, pandas and duckdb in, the same kind out: the same kept rows and stats as the plain
pyarrow path on eval_data."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import qfast

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval_data"


@pytest.fixture(scope="module")
def table() -> pa.Table:
    t = pq.read_table(EVAL / "web_dclm_human_quality.parquet", columns=["id", "text"])
    return t.filter(pa.compute.is_valid(t["text"]))


def _ids(out: object) -> list:
    if isinstance(out, pl.DataFrame):
        return out["id"].to_list()
    if isinstance(out, pd.DataFrame):
        return out["id"].tolist()
    if isinstance(out, duckdb.DuckDBPyRelation):
        return [r[0] for r in out.select("id").fetchall()]
    assert isinstance(out, pa.Table)
    return out["id"].to_pylist()


def test_pipeline_on_every_frame_kind(table: pa.Table) -> None:
    base = qfast.Pipeline.fineweb().run(table)
    kinds = {
        "polars": (pl.from_arrow(table), pl.DataFrame),
        "pandas": (table.to_pandas(), pd.DataFrame),
        "duckdb": (duckdb.from_arrow(table), duckdb.DuckDBPyRelation),
    }
    for name, (frame, typ) in kinds.items():
        out = qfast.Pipeline.fineweb().run(frame)
        assert isinstance(out.data, typ), name
        assert _ids(out.data) == _ids(base.data), name
        assert out.stats == base.stats, name
        assert out.verdict.equals(base.verdict), name
    print(
        f"\nfineweb preset: {len(_ids(base.data))}/{table.num_rows} rows kept, same on pyarrow/polars/pandas/duckdb"
    )


def test_series_and_mappers_keep_their_kind(table: pa.Table) -> None:
    texts = table["text"].combine_chunks()[:200]
    s = pl.Series("text", texts)
    kept = qfast.GopherQuality().filter(s)
    assert isinstance(kept, pl.Series)
    assert kept.to_list() == qfast.GopherQuality().filter(texts).to_pylist()
    ps = texts.to_pandas()
    cleaned = qfast.NormalizeWhitespace().apply(ps)
    assert isinstance(cleaned, pd.Series) and len(cleaned) == 200
    red = qfast.PIIFormatter().format(pl.DataFrame({"text": texts}))
    assert isinstance(red, pl.DataFrame) and red.height == 200
