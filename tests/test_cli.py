"""The qfast CLI on eval_data: every input format, the same kept rows and stats as the
pyarrow path, bad configs named, and a SIGKILLed run resumed to an identical result."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import qfast

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval_data"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qfast.cli", *args], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def table() -> pa.Table:
    t = pq.read_table(EVAL / "web_dclm_human_quality.parquet", columns=["id", "text"])
    return t.filter(pa.compute.is_valid(t["text"]))


def _write_jsonl(t: pa.Table, path: Path) -> None:
    lines = "".join(json.dumps(r) + "\n" for r in t.to_pylist()).encode()
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(lines))
    elif path.name.endswith(".zst"):
        with pa.CompressedOutputStream(str(path), "zstd") as f:
            f.write(lines)
    else:
        path.write_bytes(lines)


def _kept(out: Path) -> pa.Table:
    return pa.concat_tables([pq.read_table(p) for p in sorted(out.glob("*.parquet"))])


def test_every_format_gives_the_pyarrow_result(table: pa.Table, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    parts = [table.slice(i * 200, 200) for i in range(4)]
    pq.write_table(parts[0], src / "a.parquet")
    _write_jsonl(parts[1], src / "b.jsonl")
    _write_jsonl(parts[2], src / "c.jsonl.gz")
    _write_jsonl(parts[3], src / "d.jsonl.zst")
    r = _cli("run", "--preset", "fineweb", str(src / "*"), "-o", str(tmp_path / "out"), "--quiet")
    assert r.returncode == 0, r.stderr
    want = qfast.Pipeline.fineweb().run(pa.concat_tables(parts))
    got = _kept(tmp_path / "out")
    assert got["id"].to_pylist() == want.data["id"].to_pylist()
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())["steps"]
    assert [{k: v for k, v in s.items() if k != "name"} for s in stats] == want.stats
    assert [s["name"] for s in stats] == [s.name for s in qfast.Pipeline.fineweb().steps]
    excluded = pa.concat_tables(
        [pq.read_table(p) for p in sorted((tmp_path / "out" / "excluded").glob("*"))]
    )
    assert excluded.num_rows + got.num_rows == table.num_rows
    assert set(excluded["qfast_reason"].to_pylist()) <= {
        r for s in want.stats for r in [k[8:] for k in s if k.startswith("dropped_")]
    }
    print(
        f"\nCLI: {got.num_rows}/{table.num_rows} rows kept from parquet, jsonl, jsonl.gz and jsonl.zst, as the pyarrow path"
    )


def test_yaml_pipeline_and_bad_configs(table: pa.Table, tmp_path: Path) -> None:
    pq.write_table(table.slice(0, 100), tmp_path / "x.parquet")
    cfg = tmp_path / "p.yaml"
    cfg.write_text(
        f"input: [{tmp_path / 'x.parquet'}]\noutput: {tmp_path / 'out'}\n"
        "steps:\n  - gopher_quality: {min_doc_words: 80}\n  - word_list: {words: [cookie]}\n"
    )
    r = _cli("run", str(cfg), "--quiet")
    assert r.returncode == 0, r.stderr
    want = qfast.Pipeline([qfast.GopherQuality(min_doc_words=80), qfast.WordList(["cookie"])]).run(
        table.slice(0, 100)
    )
    assert _kept(tmp_path / "out")["id"].to_pylist() == want.data["id"].to_pylist()
    cfg.write_text("steps:\n  - gopher_quality: {min_doc_wrods: 80}\n")
    r = _cli("run", str(cfg), str(tmp_path / "x.parquet"), "-o", str(tmp_path / "o2"))
    assert r.returncode == 2 and "steps[0].gopher_quality.min_doc_wrods" in r.stderr
    cfg.write_text("stepz: []\n")
    r = _cli("run", str(cfg), str(tmp_path / "x.parquet"), "-o", str(tmp_path / "o3"))
    assert r.returncode == 2 and "'stepz'" in r.stderr
    r = _cli(
        "run", "--preset", "fineweb", str(tmp_path / "nothing*.parquet"), "-o", str(tmp_path / "o4")
    )
    assert r.returncode == 2 and "matches no file" in r.stderr
    assert "pipeline file" in _cli("run", "--help").stdout


def test_sigkill_then_rerun_gives_the_uninterrupted_output(table: pa.Table, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(150):
        pq.write_table(table.slice((i * 5) % 700, 40), src / f"s{i:03d}.parquet")
    args = ["run", "--preset", "fineweb", str(src / "*.parquet"), "--quiet"]
    full = tmp_path / "full"
    assert _cli(*args, "-o", str(full)).returncode == 0
    out = tmp_path / "killed"
    p = subprocess.Popen([sys.executable, "-m", "qfast.cli", *args, "-o", str(out)])
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.glob("*.parquet"))) < 5:
        time.sleep(0.01)
    os.kill(p.pid, signal.SIGKILL)
    assert p.wait() == -signal.SIGKILL
    done_before = len(list(out.glob("*.parquet")))
    assert 5 <= done_before < 150, done_before
    r = _cli(*args, "-o", str(out))
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / "stats.json").read_text())
    assert summary["files_skipped_as_done"] >= done_before
    assert sorted(p.name for p in out.glob("*.parquet")) == sorted(
        p.name for p in full.glob("*.parquet")
    )
    for f in full.glob("*.parquet"):
        assert pq.read_table(f).equals(pq.read_table(out / f.name)), f.name
    assert json.loads((full / "stats.json").read_text())["steps"] == summary["steps"]
    print(
        f"\nCLI: killed after {done_before}/150 shards; the rerun skipped them and matches an uninterrupted run"
    )


def test_parquet_streamed_in_batches_gives_the_whole_file_result(
    table: pa.Table, tmp_path: Path
) -> None:
    from qfast import cli

    src = tmp_path / "big.parquet"
    pq.write_table(table, src, row_group_size=128)
    # 50-row batches across 128-row row groups: many batches, none aligned with a row group.
    cli.run(qfast.Pipeline.fineweb(), [src], tmp_path / "out", quiet=True, batch_rows=50)
    want = qfast.Pipeline.fineweb().run(table)
    got = _kept(tmp_path / "out")
    assert got.equals(want.data.cast(got.schema))
    excluded = pq.read_table(next((tmp_path / "out" / "excluded").glob("*.parquet")))
    dropped = pa.compute.invert(want.verdict["keep"])
    assert excluded["id"].to_pylist() == table.filter(dropped)["id"].to_pylist()
    assert excluded["qfast_reason"].to_pylist() == (
        want.verdict.filter(dropped)["reason"].to_pylist()
    )
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())["steps"]
    assert [{k: v for k, v in s.items() if k != "name"} for s in stats] == want.stats


def test_jsonl_streamed_in_blocks_gives_the_whole_file_result(
    table: pa.Table, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSON lines stream block by block like Parquet; a line longer than the block (here a
    200 KB document with 64 KB blocks) restarts the file with larger blocks, same result."""
    from qfast import cli

    long_doc = pa.table({"id": ["long"], "text": [" ".join(["word"] * 40_000) + "."]})
    src_table = pa.concat_tables([table.slice(0, 300), long_doc, table.slice(300)])
    src = tmp_path / "big.jsonl.zst"
    _write_jsonl(src_table, src)
    monkeypatch.setattr(cli, "_JSON_BLOCK_BYTES", 64 << 10)
    pipeline = qfast.Pipeline.fineweb()
    calls: list[int] = []
    run_one = pipeline.run

    def counting_run(t: pa.Table, **kw: object) -> object:
        calls.append(t.num_rows)
        return run_one(t, **kw)

    monkeypatch.setattr(pipeline, "run", counting_run)
    cli.run(pipeline, [src], tmp_path / "out", quiet=True)
    assert len(calls) > 2 and sum(calls) > src_table.num_rows  # streamed, restarted once
    want = qfast.Pipeline.fineweb().run(src_table)
    got = _kept(tmp_path / "out")
    assert got["id"].to_pylist() == want.data["id"].to_pylist()
    assert got["text"].to_pylist() == want.data["text"].to_pylist()
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())["steps"]
    assert [{k: v for k, v in s.items() if k != "name"} for s in stats] == want.stats
    excluded = pq.read_table(next((tmp_path / "out" / "excluded").glob("*.parquet")))
    assert excluded.num_rows + got.num_rows == src_table.num_rows
    print(f"\nJSONL streamed: {len(calls)} pipeline calls (one restart), {got.num_rows} kept")


def test_a_jsonl_line_longer_than_the_block_is_read_whole_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow refuses a JSON line longer than its block ("straddling object"); reading a file
    whole (as a pipeline with a dedup step does) grows the block instead."""
    from qfast import cli
    from qfast.dedup import ExactDedup

    monkeypatch.setattr(cli, "_JSON_BLOCK_BYTES", 1 << 20)
    rows = pa.table({"text": ["short one.", "b " * 1_500_000 + "end.", "last one.", "short one."]})
    src = tmp_path / "x.jsonl"
    _write_jsonl(rows, src)
    assert cli.read_file(src)["text"].to_pylist() == rows["text"].to_pylist()
    stats = cli.run(qfast.Pipeline([ExactDedup()]), [src], tmp_path / "out", quiet=True)
    assert stats["steps"][0]["rows_in"] == 4 and stats["steps"][0]["kept"] == 3


def test_jsonl_whose_fields_grow_after_the_first_block_is_read_whole(
    table: pa.Table, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow's streaming reader keeps the first block's fields; a field that appears later
    makes the CLI read that file whole (no output from the abandoned pass is left)."""
    from qfast import cli

    monkeypatch.setattr(cli, "_JSON_BLOCK_BYTES", 64 << 10)
    late = pa.table({"id": ["late"], "text": ["A late row with a new field."], "extra": [7]})
    src_table = pa.concat_tables([table, late], promote_options="default")
    src = tmp_path / "grow.jsonl"
    src.write_bytes(
        "".join(
            json.dumps({k: v for k, v in r.items() if v is not None}) + "\n"
            for r in src_table.to_pylist()
        ).encode()
    )
    cli.run(qfast.Pipeline.fineweb(), [src], tmp_path / "out", quiet=True)
    want = qfast.Pipeline.fineweb().run(src_table)
    got = _kept(tmp_path / "out")
    assert got["id"].to_pylist() == want.data["id"].to_pylist()
    assert "extra" in got.column_names
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".0")] == []


def test_only_pipelines_without_cross_call_state_restart_a_file() -> None:
    from qfast import cli
    from qfast.chat import OnColumn
    from qfast.dedup import ExactDedup

    assert cli._restartable(qfast.Pipeline.fineweb())
    assert not cli._restartable(qfast.Pipeline([qfast.GopherQuality(), ExactDedup()]))
    assert not cli._restartable(qfast.Pipeline([OnColumn(ExactDedup(), "id")]))
    bad_words = qfast.C4BadWords(lists={"en": ["zzz"]}, keep_fraction=0.5, seed=1)
    assert not cli._restartable(qfast.Pipeline([bad_words]))
    assert cli._restartable(qfast.Pipeline([qfast.C4BadWords(lists={"en": ["zzz"]})]))
