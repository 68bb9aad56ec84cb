"""qfast over Hugging Face datasets (Dataset and streaming IterableDataset) on eval_data: the
same kept rows and stats as the plain pyarrow path."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import qfast

datasets = pytest.importorskip("datasets")
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval_data"


@pytest.fixture(scope="module")
def table() -> pa.Table:
    t = pq.read_table(EVAL / "web_dclm_human_quality.parquet", columns=["id", "text"])
    return t.filter(pa.compute.is_valid(t["text"]))


def _strip(stats: list[dict]) -> list[dict]:
    return [{k: v for k, v in s.items() if k != "name"} for s in stats]


def test_dataset_and_streaming_match_pyarrow(table: pa.Table) -> None:
    want = qfast.Pipeline.fineweb().run(table)
    ds = datasets.Dataset(table)
    out, stats = qfast.hf.apply(ds, qfast.Pipeline.fineweb(), batch_size=128)
    assert isinstance(out, datasets.Dataset)
    assert out["id"] == want.data["id"].to_pylist()
    assert _strip(stats) == want.stats
    # Streaming: filtered lazily, stats filled while iterating.
    it, it_stats = qfast.hf.apply(
        ds.to_iterable_dataset(num_shards=3), qfast.Pipeline.fineweb(), batch_size=100
    )
    ids = [r["id"] for r in it]
    assert ids == want.data["id"].to_pylist()
    assert _strip(it_stats) == want.stats
    print(
        f"\nHF datasets: {len(ids)}/{table.num_rows} rows kept by Dataset and IterableDataset, as with pyarrow"
    )


def test_pipeline_is_a_batched_map_function(table: pa.Table) -> None:
    want = qfast.Pipeline.fineweb().run(table).data["id"].to_pylist()
    ds = datasets.Dataset(table)
    p = qfast.Pipeline.fineweb()
    assert ds.map(p, batched=True, load_from_cache_file=False)["id"] == want
    assert (
        ds.with_format("arrow").map(p, batched=True, load_from_cache_file=False)["id"].to_pylist()
        == want
    )
    with pytest.raises(qfast.errors.ConfigError, match="column 'body'"):
        qfast.hf.apply(ds, p, column="body")
