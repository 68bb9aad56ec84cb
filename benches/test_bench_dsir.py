"""DSIR: the data-selection package (1.0.3, ``HashedNgramDSIR``, one process) and qfast on the
same target set and raw pool (tests/golden/dsir: DCLM's high-quality documents as the target,
2,116 real web documents as the pool), both fitting on everything and taking the top 300.
Target (issue 6): >= 20x. Results: benches/results/dsir.json."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import qfast

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval_data"
REF = json.loads((REPO / "tests" / "golden" / "dsir" / "dsir_reference.json").read_text())


def test_dsir_side_by_side(recorder: Any) -> None:
    ds = pytest.importorskip("data_selection")
    texts: dict[str, str] = {}
    for name in ("web_html_extracted", "web_cc_text_samples", "web_dclm_human_quality"):
        for r in pq.read_table(EVAL / f"{name}.parquet", columns=["id", "text"]).to_pylist():
            texts.setdefault(r["id"], r["text"])
    target = [texts[i] for i in REF["target_ids"]]
    raw = [texts[i] for i in REF["raw_ids"]]
    nbytes = sum(len(t.encode()) for t in raw) + sum(len(t.encode()) for t in target)
    k = REF["k"]

    with tempfile.TemporaryDirectory() as d:
        tp, rp = Path(d) / "target.jsonl", Path(d) / "raw.jsonl"
        for path, rows in ((tp, target), (rp, raw)):
            path.write_text("".join(json.dumps({"text": t}) + "\n" for t in rows))
        t0 = time.perf_counter()
        ref = ds.HashedNgramDSIR([str(rp)], [str(tp)], cache_dir=str(Path(d) / "c"), num_proc=1)
        ref.fit_importance_estimator(num_tokens_to_fit="all")
        ref.compute_importance_weights()
        ref.resample(
            out_dir=str(Path(d) / "o"), num_to_sample=k, cache_dir=str(Path(d) / "c2"), top_k=True
        )
        peer_s = time.perf_counter() - t0

    qfast.set_num_threads(1)
    ta, ra = pa.array(target), pa.array(raw)

    def run() -> pa.Array:
        return qfast.DSIR().fit(target=ta, raw=ra).resample(ra, k, top_k=True)

    picked = run()
    best = min(_timed(run) for _ in range(3))
    assert len(picked) == k
    recorder.side_by_side(
        "dsir",
        docs=len(raw) + len(target),
        nbytes=nbytes,
        qfast_s=best,
        peer="data-selection-1.0.3",
        peer_s=peer_s,
        params={"step": "DSIR fit + weights + top-k (2-grams, 10000 buckets)", "k": k},
    )
    print(f"\nDSIR: data-selection {peer_s:.2f} s, qfast {best:.3f} s, {peer_s / best:.0f}x")


def _timed(fn: Any) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t
