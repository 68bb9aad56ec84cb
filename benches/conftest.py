"""Bench corpus and result records. Results go to benches/results/<bench>.json, one record per
comparison, in the shape DESIGN.md fixes: bench, docs, bytes, threads, qfast_s, peer, peer_s,
ratio, qfast_mb_s, peak_rss_mb, params."""

from __future__ import annotations

import os

# numpy's OpenBLAS threads (pulled in by pyarrow/datatrove/spaCy) spin after use and would steal
# the cores the thread-scaling bench measures; the peers are timed single-threaded anyway.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import json  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import pytest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
EVAL_DATA = Path(os.environ.get("QFAST_EVAL_DATA", REPO.parent / "shared" / "eval_data"))
RESULTS = REPO / "benches" / "results"
# datatrove runs ~0.3 MB/s: a few MB keep the reference side under a minute per step.
CORPUS_MB = float(os.environ.get("QFAST_BENCH_MB", "3"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(scope="session")
def corpus() -> pa.Array:
    """English web documents: DCLM's Common Crawl pages (unique texts), then whole web pages,
    up to CORPUS_MB megabytes."""
    dclm = pq.read_table(EVAL_DATA / "web_dclm_human_quality.parquet", columns=["text"])
    web = pq.read_table(EVAL_DATA / "web_html_extracted.parquet", columns=["text"])
    texts: list[str] = []
    seen: set[str] = set()
    size = 0
    for t in (
        pc.drop_null(dclm.column("text")).to_pylist() + pc.drop_null(web.column("text")).to_pylist()
    ):
        if t in seen or not t.strip():
            continue
        seen.add(t)
        texts.append(t)
        size += len(t.encode())
        if size >= CORPUS_MB * 1e6:
            break
    return pa.array(texts, type=pa.large_string())


def best_time(fn: Any, rounds: int = 5, warmup: bool = True) -> float:
    """One warm-up call (unless ``warmup=False``), then the best wall time of ``rounds`` calls."""
    if warmup:
        fn()
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


class Recorder:
    def __init__(self) -> None:
        self.records: dict[str, list[dict[str, Any]]] = {}

    def add(self, bench: str, **rec: Any) -> None:
        rec = {"bench": bench, **rec, "peak_rss_mb": round(peak_rss_mb(), 1)}
        self.records.setdefault(bench, []).append(rec)

    def side_by_side(
        self,
        bench: str,
        docs: int,
        nbytes: int,
        qfast_s: float,
        peer: str,
        peer_s: float,
        params: dict[str, Any],
    ) -> None:
        """One single-thread record of qfast and a peer on the same input."""
        self.add(
            bench,
            docs=docs,
            bytes=nbytes,
            threads=1,
            qfast_s=qfast_s,
            peer=peer,
            peer_s=peer_s,
            ratio=peer_s / qfast_s,
            qfast_mb_s=nbytes / 1e6 / qfast_s,
            params=params,
        )

    def write(self) -> None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        for bench, recs in self.records.items():
            (RESULTS / f"{bench}.json").write_text(json.dumps(recs, indent=2) + "\n")


@pytest.fixture(scope="session")
def recorder():  # type: ignore[no-untyped-def]
    r = Recorder()
    yield r
    r.write()
