"""Language ID speed: fastText's C++ predict called per row from Python (as datatrove's
LanguageFilter does: ``predict(text.replace("\\n", " "), k=-1)``) against qfast's
``LanguageFilter.signals`` on the same rows, one thread; then qfast on 1 vs 2 threads.
Rows: the first 50,000 of eval_data's ``langid_lingua_testdata`` (sentences, word pairs and
single words in 75 languages). Results: benches/results/lid.json."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import best_time

import qfast

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval_data"
N_ROWS = 50_000
BENCH = "lid"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    t = pq.read_table(EVAL / "langid_lingua_testdata.parquet", columns=["text"])
    return t.column("text").to_pylist()[:N_ROWS]


def test_lid_vs_fasttext_predict(texts: list[str], recorder: Any) -> None:
    fasttext = pytest.importorskip("fasttext")
    model = fasttext.load_model(qfast.lid176_path())
    arr = pa.array(texts, type=pa.large_string())
    nbytes = sum(len(t.encode()) for t in texts)
    lf = qfast.LanguageFilter()
    try:
        qfast.set_num_threads(1)
        q_s = best_time(lambda: lf.signals(arr))
    finally:
        qfast.set_num_threads(1)

    def peer() -> None:
        for t in texts:
            model.f.predict(t.replace("\n", " ") + "\n", -1, 0.0, "strict")

    p_s = best_time(peer, rounds=3)
    ratio = p_s / q_s
    recorder.add(
        BENCH,
        docs=len(texts),
        bytes=nbytes,
        threads=1,
        qfast_s=q_s,
        peer=f"fasttext-predict-{version('fasttext-predict')} predict(k=-1) per row",
        peer_s=p_s,
        ratio=ratio,
        qfast_mb_s=nbytes / 1e6 / q_s,
        params={"step": "LanguageFilter.signals (lid.176.ftz)", "target_ratio": 3.0},
    )
    print(
        f"\nLID {len(texts)} rows {nbytes / 1e6:.1f} MB: qfast {len(texts) / q_s:,.0f} rows/s, "
        f"fastText {len(texts) / p_s:,.0f} rows/s, ratio {ratio:.1f}x (target >= 3x)"
    )


def test_lid_threads(texts: list[str], recorder: Any) -> None:
    arr = pa.array(texts * 4, type=pa.large_string())
    nbytes = sum(len(t.encode()) for t in texts) * 4
    lf = qfast.LanguageFilter()
    best = {1: float("inf"), 2: float("inf")}
    try:
        for _ in range(5):
            for th in (1, 2):
                qfast.set_num_threads(th)
                best[th] = min(best[th], best_time(lambda: lf.signals(arr), rounds=1))
    finally:
        qfast.set_num_threads(1)
    for th in (1, 2):
        params: dict[str, Any] = {"step": f"LanguageFilter.signals x4 rows, {th} thr"}
        if th == 2:
            params["speedup_vs_1_thread"] = best[1] / best[2]
        recorder.add(
            BENCH,
            docs=len(arr),
            bytes=nbytes,
            threads=th,
            qfast_s=best[th],
            peer=None,
            peer_s=None,
            ratio=None,
            qfast_mb_s=nbytes / 1e6 / best[th],
            params=params,
        )
    print(f"\nLID 1 -> 2 threads: {best[1] / best[2]:.2f}x")
