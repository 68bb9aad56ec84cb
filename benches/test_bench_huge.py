"""Huge inputs through the FineWeb pipeline, each in a fresh process whose peak RSS is read
from the kernel (``ru_maxrss`` of the child): a Parquet file of QFAST_HUGE_GB gigabytes of text
(default 5) streamed batch by batch with ``Pipeline.run_batches`` to a Parquet output, one
200 MB document, a ``large_string`` column past 2 GiB in a single array, and a batch of 10M tiny
rows; and ``qfast run`` over the same Parquet file. Results: benches/results/huge.json. The
streamed runs must stay under 1.5 GB peak RSS whatever the file size (flat memory); the others
record what they need.

Run: ``pytest benches/test_bench_huge.py -s`` (several minutes; ~11 GB of temporary disk)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from conftest import EVAL_DATA, RESULTS

HUGE_GB = float(os.environ.get("QFAST_HUGE_GB", "5"))
DATA = Path(__file__).resolve().parent / ".data"
FLAT_LIMIT_MB = 1536

# Each case's code runs in its own interpreter: the peak RSS is then that case's alone.
PRELUDE = """
import json, resource, sys, time
import pyarrow as pa, pyarrow.compute as pc, pyarrow.parquet as pq
import qfast

def done(**kw):
    kw["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(kw))
"""

STREAM = """
src, dst = sys.argv[1], sys.argv[2]
# pre_buffer=False: pyarrow's default pre-buffering keeps every row group it has read cached
# until the reader closes (measured: RSS grows with the file, ~5.4 GB for 5 GB).
f = pq.ParquetFile(src, pre_buffer=False, buffer_size=1 << 20)
pipe = qfast.Pipeline.fineweb()
t0 = time.perf_counter()
writer = None
kept = 0
for out in pipe.run_batches(f.iter_batches(batch_size=4096, columns=["text"])):
    if writer is None:
        writer = pq.ParquetWriter(dst, out.schema)
    writer.write_table(pa.Table.from_batches([out]))
    kept += out.num_rows
writer.close()
s = pipe.stats[0]
done(seconds=time.perf_counter() - t0, rows=s["rows_in"], kept=kept)
"""

ONE_DOC = """
mb = int(sys.argv[1])
para = open(sys.argv[2], encoding="utf-8").read()
doc = (para * (mb * 1_000_000 // len(para.encode()) + 1))[: mb * 1_000_000]
t0 = time.perf_counter()
out = qfast.Pipeline.fineweb().run(pa.array([doc], pa.large_string()))
done(seconds=time.perf_counter() - t0, rows=1, kept=len(out.data), bytes=len(doc.encode()))
"""

LARGE_COLUMN = """
src = sys.argv[1]
texts = pq.read_table(src, columns=["text"]).column("text").combine_chunks()
texts = texts.cast(pa.large_string())
reps = (2**31 + 2**27) // max(1, pc.sum(pc.binary_length(texts)).as_py()) + 1
col = pa.concat_arrays([texts] * reps)
nbytes = pc.sum(pc.binary_length(col)).as_py()
assert col.type == pa.large_string() and nbytes > 2**31
t0 = time.perf_counter()
out = qfast.Pipeline.fineweb().run(pa.table({"text": col}))
s = out.stats[0]
done(seconds=time.perf_counter() - t0, rows=len(col), kept=out.data.num_rows, bytes=nbytes,
     rows_in=s["rows_in"])
"""

TINY_ROWS = """
n = int(sys.argv[1])
words = pa.array(["a", "cat.", "", None, "ok go", "x y z."])
col = pa.concat_arrays([words] * (n // len(words)))
t0 = time.perf_counter()
out = qfast.Pipeline.fineweb().run(pa.table({"text": col}))
s = out.stats
dropped = sum(v for k, v in s[-1].items() if k.startswith("dropped_"))
done(seconds=time.perf_counter() - t0, rows=len(col), kept=out.data.num_rows,
     bytes=pc.sum(pc.binary_length(col)).as_py(), counted=s[0]["rows_in"])
"""


CLI = """
from qfast import cli
t0 = time.perf_counter()
assert cli.main(["run", "--preset", "fineweb", sys.argv[1], "-o", sys.argv[2], "--quiet"]) == 0
steps = json.load(open(sys.argv[2] + "/stats.json"))["steps"]
done(seconds=time.perf_counter() - t0, rows=steps[0]["rows_in"], kept=steps[-1]["kept"])
"""


def _run(code: str, *args: str) -> dict[str, Any]:
    script = textwrap.dedent(PRELUDE) + textwrap.dedent(code)
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def _texts() -> list[str]:
    web = pq.read_table(EVAL_DATA / "web_html_extracted.parquet", columns=["text"])
    dclm = pq.read_table(EVAL_DATA / "web_dclm_human_quality.parquet", columns=["text"])
    out = pc.drop_null(web.column("text")).to_pylist()
    return out + pc.drop_null(dclm.column("text")).to_pylist()


@pytest.fixture(scope="module")
def huge_parquet() -> Path:
    """QFAST_HUGE_GB of real web text (the eval data repeated), uncompressed so the file is
    as large as its text, in row groups of 4096 documents. Built once, kept in benches/.data/."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"huge_{HUGE_GB:g}gb.parquet"
    if path.exists():
        return path
    texts = _texts()
    block = pa.table({"text": pa.array(texts, pa.large_string())})
    per = pc.sum(pc.binary_length(block["text"])).as_py()
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, block.schema, compression="none") as w:
        written = 0
        while written < HUGE_GB * 1e9:
            w.write_table(block, row_group_size=4096)
            written += per
    tmp.rename(path)
    return path


def _text_bytes(meta: pq.FileMetaData) -> int:
    """The text column's bytes (the file is uncompressed, one column)."""
    return sum(
        meta.row_group(i).column(0).total_uncompressed_size for i in range(meta.num_row_groups)
    )


def _record(case: str, r: dict[str, Any], **params: Any) -> dict[str, Any]:
    return {
        "bench": "huge",
        "docs": r["rows"],
        "bytes": r["bytes"],
        "threads": int(os.environ.get("QFAST_NUM_THREADS", os.cpu_count() or 1)),
        "qfast_s": r["seconds"],
        "peer": None,
        "peer_s": None,
        "ratio": None,
        "qfast_mb_s": r["bytes"] / 1e6 / r["seconds"],
        "peak_rss_mb": round(r["peak_rss_mb"], 1),
        "params": {"case": case, "kept": r["kept"], **params},
    }


def test_huge_inputs(huge_parquet: Path, tmp_path: Path) -> None:
    records = []
    meta = pq.ParquetFile(huge_parquet).metadata
    nbytes = _text_bytes(meta)
    r = _run(STREAM, str(huge_parquet), str(tmp_path / "kept.parquet"))
    r["bytes"] = nbytes
    assert r["rows"] == meta.num_rows
    records.append(
        _record(
            "Parquet file streamed (ParquetFile(pre_buffer=False).iter_batches, 4096 rows, run_batches) to Parquet",
            r,
            file_gb=round(huge_parquet.stat().st_size / 1e9, 2),
            flat_limit_mb=FLAT_LIMIT_MB,
        )
    )
    print(records[-1])
    assert r["peak_rss_mb"] < FLAT_LIMIT_MB, r

    para = tmp_path / "para.txt"
    para.write_text("\n\n".join(_texts()[:50]), encoding="utf-8")
    r = _run(ONE_DOC, "200", str(para))
    records.append(_record("one 200 MB document", r))
    print(records[-1])

    r = _run(LARGE_COLUMN, str(EVAL_DATA / "web_html_extracted.parquet"))
    assert r["rows_in"] == r["rows"]
    records.append(_record("large_string array past 2 GiB (one chunk)", r))
    print(records[-1])

    r = _run(TINY_ROWS, "10000000")
    assert r["counted"] == r["rows"]
    records.append(_record("10M tiny rows (nulls and empty strings among them)", r))
    print(records[-1])
    _save(records, cli=False)


def _save(records: list[dict[str, Any]], cli: bool) -> None:
    """Writes ``records`` to huge.json in place of the saved records of the same test (the CLI
    test owns the "qfast run" case, the other test the rest)."""
    path = RESULTS / "huge.json"
    old = json.loads(path.read_text()) if path.exists() else []
    others = [r for r in old if r["params"]["case"].startswith("qfast run") != cli]
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(others + records, indent=2) + "\n")


def test_cli_streams_a_huge_parquet_file(huge_parquet: Path, tmp_path: Path) -> None:
    meta = pq.ParquetFile(huge_parquet).metadata
    r = _run(CLI, str(huge_parquet), str(tmp_path / "out"))
    assert r["rows"] == meta.num_rows
    r["bytes"] = _text_bytes(meta)
    rec = _record(
        "qfast run --preset fineweb on the Parquet file (streamed, kept and excluded shards)",
        r,
        file_gb=round(huge_parquet.stat().st_size / 1e9, 2),
        flat_limit_mb=FLAT_LIMIT_MB,
    )
    print(rec)
    assert r["peak_rss_mb"] < FLAT_LIMIT_MB, r
    _save([rec], cli=True)
