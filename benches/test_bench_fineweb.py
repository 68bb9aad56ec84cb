"""FineWeb filters: datatrove 0.10.1 and qfast on the same documents in one run.

Run: `pip install ".[bench]" && pytest benches -p no:cacheprovider`
(datatrove is in the `[bench]` extra only). Ratios and MB/s land in
benches/results/fineweb.json and in the README table (scripts/bench_table.py)."""

from __future__ import annotations

import time
from typing import Any

import pyarrow as pa
import pytest

import qfast

dt = pytest.importorskip("datatrove")
from datatrove.data import Document  # noqa: E402
from datatrove.pipeline.filters import (  # noqa: E402
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
)
from datatrove.utils.text import split_into_parts  # noqa: E402
from datatrove.utils.word_tokenizers import load_word_tokenizer  # noqa: E402

STEPS: dict[str, tuple[Any, Any]] = {
    "gopher_repetition": (GopherRepetitionFilter, qfast.GopherRepetition),
    "gopher_quality": (GopherQualityFilter, qfast.GopherQuality),
    "c4_quality": (
        lambda: C4QualityFilter(filter_no_terminal_punct=False),
        lambda: qfast.C4Quality(filter_no_terminal_punct=False),
    ),
    "fineweb_quality": (FineWebQualityFilter, qfast.FineWebQuality),
}
_peer_times: dict[str, float] = {}


def _run_datatrove(texts: list[str], steps: list[Any]) -> int:
    split_into_parts.cache_clear()
    gen = iter(Document(text=t, id=str(i)) for i, t in enumerate(texts))
    for s in steps:
        gen = s.run(gen)
    return sum(1 for _ in gen)


def _time(fn: Any) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


# On a shared machine a neighbour can slow any single call: both sides are timed by their best
# call, qfast's calls (tens of ms) many more times than datatrove's (seconds each).
QFAST_ROUNDS = 15
PEER_ROUNDS = 3


def _best(fn: Any, rounds: int = QFAST_ROUNDS) -> float:
    """qfast timing as for the preset: one warm-up call (fills the tokenizer's chunk cache, as
    any long run has), then the best of `rounds`."""
    fn()
    return min(_time(fn) for _ in range(rounds))


def _peer_best(fn: Any) -> float:
    """datatrove timing: the best of PEER_ROUNDS calls (its tokenizer is loaded beforehand)."""
    return min(_time(fn) for _ in range(PEER_ROUNDS))


@pytest.fixture(scope="module")
def texts(corpus: pa.Array) -> list[str]:
    tok = load_word_tokenizer("eng")
    tok.word_tokenize("Warm up the tokenizer. Twice.")
    return corpus.to_pylist()


def _record(recorder, bench, corpus, qfast_s, peer, peer_s, threads, params):  # type: ignore[no-untyped-def]
    nbytes = sum(len(t.encode()) for t in corpus.to_pylist())
    recorder.add(
        bench,
        docs=len(corpus),
        bytes=nbytes,
        threads=threads,
        qfast_s=qfast_s,
        peer=peer,
        peer_s=peer_s,
        ratio=(peer_s / qfast_s) if peer_s else None,
        qfast_mb_s=nbytes / 1e6 / qfast_s,
        params=params,
    )


@pytest.mark.benchmark(group="fineweb-chain")
def test_fineweb_chain_datatrove(benchmark, texts) -> None:  # type: ignore[no-untyped-def]
    def steps() -> list[Any]:
        return [
            GopherRepetitionFilter(),
            GopherQualityFilter(),
            C4QualityFilter(filter_no_terminal_punct=False),
            FineWebQualityFilter(),
        ]

    kept = benchmark.pedantic(
        lambda: _run_datatrove(texts, steps()), rounds=PEER_ROUNDS, iterations=1
    )
    _peer_times["chain"] = benchmark.stats.stats.min
    _peer_times["chain_kept"] = kept


@pytest.mark.benchmark(group="fineweb-chain")
def test_fineweb_chain_qfast(benchmark, corpus, recorder) -> None:  # type: ignore[no-untyped-def]
    qfast.set_num_threads(1)
    p = qfast.Pipeline.fineweb()
    res = benchmark.pedantic(
        lambda: p.run(corpus), rounds=QFAST_ROUNDS, iterations=1, warmup_rounds=1
    )
    _peer_times["chain_qfast_kept"] = len(res.data)
    _record(
        recorder,
        "fineweb",
        corpus,
        benchmark.stats.stats.min,
        "datatrove-0.10.1",
        _peer_times.get("chain"),
        1,
        {"step": "Pipeline.fineweb()"},
    )


@pytest.mark.parametrize("name", list(STEPS))
def test_each_filter_side_by_side(name, texts, corpus, recorder) -> None:  # type: ignore[no-untyped-def]
    peer_cls, ours = STEPS[name]
    peer_s = _peer_best(lambda: _run_datatrove(texts, [peer_cls()]))
    qfast.set_num_threads(1)
    f = ours()
    qfast_s = _best(lambda: f.verdict(corpus))
    _record(recorder, "fineweb", corpus, qfast_s, "datatrove-0.10.1", peer_s, 1, {"step": name})


def test_tokenizer_side_by_side(texts, corpus, recorder) -> None:  # type: ignore[no-untyped-def]
    tok = load_word_tokenizer("eng")
    peer_s = _peer_best(lambda: [tok.word_tokenize(t) for t in texts])
    qfast.set_num_threads(1)
    qfast_s = _best(lambda: qfast.words(corpus))
    _record(
        recorder,
        "tokenize",
        corpus,
        qfast_s,
        "datatrove-0.10.1 spaCy-3.8.18",
        peer_s,
        1,
        {"step": "words"},
    )


@pytest.mark.parametrize("threads", [1, 2])
def test_thread_scaling(threads, corpus, recorder) -> None:  # type: ignore[no-untyped-def]
    qfast.set_num_threads(threads)
    p = qfast.Pipeline.fineweb()
    big = pa.concat_arrays([corpus] * 4)
    # The warm-up matters here: a new pool's threads start with cold tokenizer caches.
    qfast_s = _best(lambda: p.run(big))
    recorder.add(
        "threads",
        docs=len(big),
        bytes=sum(len(t.encode()) for t in big.to_pylist()),
        threads=threads,
        qfast_s=qfast_s,
        peer=None,
        peer_s=None,
        ratio=None,
        qfast_mb_s=sum(len(t.encode()) for t in big.to_pylist()) / 1e6 / qfast_s,
        params={"step": "Pipeline.fineweb()"},
    )


def test_peak_rss_of_qfast_alone(corpus, recorder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Peak memory of a fresh process that only runs the FineWeb preset on the corpus (the
    in-process figure of the other records includes datatrove and spaCy)."""
    import subprocess
    import sys

    import pyarrow.parquet as pq

    path = tmp_path / "corpus.parquet"
    pq.write_table(pa.table({"text": corpus}), path)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forking parent.
    code = (
        "import re, time, pyarrow.parquet as pq, qfast\n"
        "hwm = lambda: int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])\n"
        f"t = pq.read_table({str(path)!r})\n"
        "base = hwm()\n"
        "qfast.set_num_threads(1)\n"
        "s = time.perf_counter(); qfast.Pipeline.fineweb().run(t); d = time.perf_counter() - s\n"
        "print(base / 1024, hwm() / 1024, d)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    base_mb, peak_mb, secs = map(float, out.stdout.split())
    nbytes = sum(len(t.encode()) for t in corpus.to_pylist())
    recorder.records.setdefault("memory", []).append(
        {
            "bench": "memory",
            "docs": len(corpus),
            "bytes": nbytes,
            "threads": 1,
            "qfast_s": secs,
            "peer": None,
            "peer_s": None,
            "ratio": None,
            "qfast_mb_s": nbytes / 1e6 / secs,
            "peak_rss_mb": round(peak_mb, 1),
            "params": {
                "step": "Pipeline.fineweb() in a fresh process",
                "rss_before_run_mb": round(base_mb, 1),
            },
        }
    )
    assert peak_mb > 0
