"""``qfast.assess`` over the whole of eval_data (every file, ~313k rows, ~49 MB of text), file by
file through the streaming :class:`~qfast.assessment.Assessor`, in a child process so its peak
RSS (``ru_maxrss``) is the profile's own. Records throughput and peak memory for 1 and 2 core
threads to benches/results/assess.json.

There is no peer that computes the same profile; the pandas/numpy second computation of
tests/test_assess.py is the correctness reference."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from conftest import EVAL_DATA

CHILD = """
import json, resource, sys, time
from pathlib import Path
import pyarrow as pa, pyarrow.parquet as pq
import qfast
from qfast.assessment import Assessor

qfast.set_num_threads(int(sys.argv[2]))
labels = {"web_dclm_human_quality": "label_human_quality",
          "zh_reviews_chinesenlpcorpus": "label_sentiment"}
acc = Assessor("text", label="label", domain="file", language="lang", date="date",
               date_cutoff="2020-01-01", label_noise=sys.argv[3] == "1")
rows = nbytes = 0
seconds = 0.0
for path in sorted(Path(sys.argv[1]).glob("*.parquet")):
    t = pq.read_table(path)
    if "text" not in t.column_names:
        continue  # the near-duplicate pairs file
    n = t.num_rows
    null = pa.nulls(n, pa.string())
    lab = labels.get(path.stem)
    t = pa.table({
        "text": t["text"],
        "file": pa.array([path.stem] * n),
        "lang": t["lang"].cast(pa.string()),
        "label": t[lab].cast(pa.string()) if lab else null,
        "date": t["crawl_date"] if "crawl_date" in t.column_names else null,
    })
    start = time.perf_counter()
    for batch in t.to_batches(max_chunksize=65_536):
        acc.add(batch)
    seconds += time.perf_counter() - start
    rows += n
    nbytes += sum(len(s.encode()) for s in t["text"].to_pylist() if s)
start = time.perf_counter()
res = acc.result()
seconds += time.perf_counter() - start
print("RESULT " + json.dumps({
    "rows": rows, "bytes": nbytes, "seconds": seconds,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "distinct_2": res.diversity["distinct_2"],
    "near_duplicate_rate": res.diversity["near_duplicate_rate"],
}))
"""


def _child(threads: int, label_noise: bool) -> dict[str, Any]:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(CHILD),
            str(EVAL_DATA),
            str(threads),
            str(int(label_noise)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


@pytest.mark.parametrize("label_noise", [False, True])
@pytest.mark.parametrize("threads", [1, 2])
def test_assess_whole_eval_data(threads: int, label_noise: bool, recorder: Any) -> None:
    """``label_noise=True`` (the default when labels are given) adds 5-fold fastText training
    on the 83,305 labelled rows (single-threaded, for reproducibility)."""
    r = min((_child(threads, label_noise) for _ in range(2)), key=lambda x: x["seconds"])
    mb_s = r["bytes"] / 1e6 / r["seconds"]
    print(
        f"\nassess, {threads} thread(s), label noise {'on' if label_noise else 'off'}: "
        f"{r['rows']:,} rows, {r['bytes'] / 1e6:.1f} MB in {r['seconds']:.2f} s = "
        f"{mb_s:.1f} MB/s, peak RSS {r['peak_rss_mb']:.0f} MB"
    )
    recorder.records.setdefault("assess", []).append(
        {
            "bench": "assess",
            "docs": r["rows"],
            "bytes": r["bytes"],
            "threads": threads,
            "qfast_s": r["seconds"],
            "peer": None,
            "peer_s": None,
            "ratio": None,
            "qfast_mb_s": mb_s,
            "peak_rss_mb": round(r["peak_rss_mb"], 1),
            "params": {
                "step": f"assess (label noise {'on' if label_noise else 'off'})",
                "input": "all of eval_data, file by file, 65,536-row batches",
                "columns": "label, domain (file), language, date",
                "label_noise": label_noise,
                "distinct_2": r["distinct_2"],
                "near_duplicate_rate": r["near_duplicate_rate"],
            },
        }
    )
