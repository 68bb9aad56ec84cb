"""qfast.torch.PipelineDataset on real data: the same kept rows and stats as the plain pyarrow
path; real DataLoader workers (2) on a simulated 2-rank run see every document exactly once;
a StatefulDataLoader stopped mid-epoch resumes with nothing lost or repeated; packed sequences
hold exactly the documents' tokens."""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import qfast

torch = pytest.importorskip("torch")
from conftest import REPORT  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

from qfast.errors import ConfigError  # noqa: E402
from qfast.torch import PipelineDataset  # noqa: E402


def _list(batch: list[Any]) -> list[Any]:
    return batch


@pytest.fixture(scope="module")
def table(eval_data: Path) -> pa.Table:
    t = pq.read_table(eval_data / "web_dclm_human_quality.parquet", columns=["id", "text"])
    return t.filter(pa.compute.is_valid(t["text"]))


@pytest.fixture(scope="module")
def shards(table: pa.Table, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two Parquet files of small row groups (units) and one JSONL file."""
    d = tmp_path_factory.mktemp("shards")
    n = table.num_rows
    a, b = d / "a.parquet", d / "b.parquet"
    pq.write_table(table.slice(0, n // 2), a, row_group_size=40)
    pq.write_table(table.slice(n // 2, n // 3), b, row_group_size=40)
    j = d / "c.jsonl"
    with j.open("w") as f:
        for r in table.slice(n // 2 + n // 3).to_pylist():
            f.write(json.dumps(r) + "\n")
    return [a, b, j]


@pytest.fixture(scope="module")
def expected(table: pa.Table) -> tuple[list[str], list[dict[str, Any]]]:
    p = qfast.Pipeline.fineweb()
    res = p.run(table)
    return res.data["id"].to_pylist(), p.stats


def _ids(loader: Any) -> list[str]:
    return [row["id"] for batch in loader for row in batch]


def test_same_rows_and_stats_as_pyarrow(shards: list[Path], expected: Any) -> None:
    ids, stats = expected
    ds = PipelineDataset([str(p) for p in shards], qfast.Pipeline.fineweb(), batch_size=64)
    got = _ids(DataLoader(ds, batch_size=16, collate_fn=_list))
    assert got == ids
    assert ds.stats == stats
    REPORT.append(
        f"torch PipelineDataset: {len(got)} rows kept, same ids, order and stats as pyarrow"
    )


def test_two_workers_two_ranks_see_each_document_once(shards: list[Path], expected: Any) -> None:
    ids, _ = expected
    per_rank = []
    for rank in range(2):
        ds = PipelineDataset(shards, qfast.Pipeline.fineweb(), rank=rank, world_size=2)
        loader = DataLoader(ds, batch_size=8, num_workers=2, collate_fn=_list)
        per_rank.append(_ids(loader))
    seen = per_rank[0] + per_rank[1]
    dups = [k for k, v in collections.Counter(seen).items() if v > 1]
    assert not dups, f"seen twice: {dups[:5]}"
    assert sorted(seen) == sorted(ids), "documents lost"
    assert all(len(r) > len(ids) // 8 for r in per_rank), [len(r) for r in per_rank]
    REPORT.append(
        f"torch 2 ranks x 2 workers: {len(per_rank[0])} + {len(per_rank[1])} = {len(ids)} "
        "documents, each exactly once"
    )


def test_one_core_thread_per_worker(table: pa.Table) -> None:
    def source() -> list[pa.Table]:
        # Called inside each worker, after the dataset has set the worker's thread count.
        t = table.slice(0, 40)
        k = qfast.get_num_threads()
        return [t.append_column("threads", pa.array([k] * t.num_rows))] * 4

    ds = PipelineDataset(source, threads_per_worker=1)
    rows = [r for b in DataLoader(ds, batch_size=8, num_workers=2, collate_fn=_list) for r in b]
    assert len(rows) == 160
    assert {r["threads"] for r in rows} == {1}


def test_resume_mid_epoch_with_stateful_loader(shards: list[Path], expected: Any) -> None:
    sdl = pytest.importorskip("torchdata.stateful_dataloader")
    ids, _ = expected

    def loader() -> Any:
        ds = PipelineDataset(shards, qfast.Pipeline.fineweb(), batch_size=32)
        return sdl.StatefulDataLoader(ds, batch_size=8, num_workers=2, collate_fn=_list)

    first = loader()
    head: list[str] = []
    for i, batch in enumerate(first):
        head += [r["id"] for r in batch]
        if i == 20:
            state = first.state_dict()
            break
    second = loader()
    second.load_state_dict(state)
    tail = _ids(second)
    seen = head + tail
    assert len(head) == 21 * 8
    assert len(seen) == len(set(seen)), "a document came out twice"
    assert sorted(seen) == sorted(ids), "a document was lost"
    REPORT.append(f"torch resume: {len(head)} before the stop + {len(tail)} after = {len(ids)}")


@pytest.fixture(scope="module")
def tok(tokenizer_path: Path) -> Any:
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(tokenizer_path))


def _stream(tok: Any, texts: list[str], eos: int) -> list[int]:
    return [i for e in tok.encode_batch(texts, add_special_tokens=False) for i in e.ids + [eos]]


def _unmasked(items: list[dict[str, Any]]) -> list[int]:
    out: list[int] = []
    for it in items:
        out += it["input_ids"][it["attention_mask"].bool()].tolist()
    return out


def test_packing_holds_exactly_the_documents_tokens(
    shards: list[Path], table: pa.Table, tok: Any, tokenizer_path: Path
) -> None:
    kept = qfast.Pipeline.fineweb().run(table).data["text"].to_pylist()
    want = _stream(tok, kept, eos=0)
    ds = PipelineDataset(
        shards, qfast.Pipeline.fineweb(), tokenizer=tokenizer_path, seq_len=128, eos_token_id=0
    )
    items = list(ds)
    assert all(it["input_ids"].shape == (128,) for it in items)
    assert sum(bool(it["attention_mask"][-1] == 0) for it in items) == 1  # only the tail is padded
    assert _unmasked(items) == want

    # Two workers on two ranks: each worker packs its own documents; together, the same tokens.
    parts = []
    for rank in range(2):
        ds = PipelineDataset(
            shards,
            qfast.Pipeline.fineweb(),
            tokenizer=tok,
            seq_len=128,
            eos_token_id=0,
            rank=rank,
            world_size=2,
        )
        parts += [
            it for b in DataLoader(ds, batch_size=4, num_workers=2, collate_fn=_list) for it in b
        ]
    assert collections.Counter(_unmasked(parts)) == collections.Counter(want)


def test_packing_resumes_token_exact(shards: list[Path], tok: Any) -> None:
    def make() -> PipelineDataset:
        return PipelineDataset(
            shards, qfast.Pipeline.fineweb(), tokenizer=tok, seq_len=96, eos_token_id=0
        )

    full = list(make())
    ds = make()
    it = iter(ds)
    head = [next(it) for _ in range(57)]
    state = ds.state_dict()
    assert state["buffer"], "the stop should fall inside a document"
    again = make()
    again.load_state_dict(state)
    rest = list(again)
    assert len(head) + len(rest) == len(full)
    for a, b in zip(head + rest, full):
        assert torch.equal(a["input_ids"], b["input_ids"])


def test_documents_with_token_ids_and_batch_sources(table: pa.Table, tok: Any) -> None:
    batches = table.slice(0, 300).to_batches(max_chunksize=50)
    ds = PipelineDataset(batches, tokenizer=tok, columns=["id"])
    rows = list(ds)
    assert [r["id"] for r in rows] == table.slice(0, 300)["id"].to_pylist()
    first = tok.encode(table["text"][0].as_py(), add_special_tokens=False).ids
    assert rows[0]["input_ids"].tolist() == first
    assert set(rows[0]) == {"id", "input_ids"}


def test_bad_input_is_refused_clearly(shards: list[Path], table: pa.Table, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="dedup"):
        PipelineDataset(shards, qfast.Pipeline([qfast.ExactDedup()]))
    with pytest.raises(ConfigError, match="one-shot iterator"):
        PipelineDataset(iter(table.to_batches()))
    with pytest.raises(ConfigError, match="matches no file"):
        PipelineDataset(str(tmp_path / "*.parquet"))
    with pytest.raises(ConfigError, match="seq_len needs a tokenizer"):
        PipelineDataset(shards, seq_len=128)
    with pytest.raises(ConfigError, match=r"input unit 0: no column 'body'"):
        list(PipelineDataset(shards, column="body"))
    ds = PipelineDataset(shards, rank=0, world_size=2)
    other = PipelineDataset(shards, rank=1, world_size=2)
    other.load_state_dict(ds.state_dict())
    with pytest.raises(ConfigError, match="same ranks and num_workers"):
        next(iter(other))


def test_torch_imports_after_qfast_in_a_fresh_process() -> None:
    """The extension must not use up the process's static TLS: torch's libgomp, loaded after
    qfast (the usual order in a training script), failed with "cannot allocate memory in static
    TLS block" when it did (mimalloc's initial-exec TLS put all of ours there)."""
    import subprocess
    import sys

    code = (
        "import qfast, pyarrow as pa\n"
        "qfast.words(pa.array(['a b c']))\n"
        "import torch\n"
        "print(torch.ones(2).sum().item())\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "2.0"
