"""MinHash signatures: qfast against rensa, gaoya, datasketch and datatrove on the same documents.

Every path is timed **text in, signatures out**, single-threaded, 128 permutations of word
5-shingles of `text.lower().split()` (datatrove: its own `simplify_text` + spaCy words, 112
permutations, as its stage 1 computes them). Peers that take pre-shingled input pay the Python
shingling (`text.lower().split()` and `" ".join` of 5 words) inside the timing, as a real
pipeline does. Corpus: `benches/minhash_corpus.py` (built once, cached under benches/.data/).

Run: `pip install ".[bench]" && pytest benches/test_bench_minhash.py -p no:cacheprovider -s`
Records land in benches/results/minhash.json (ratio = peer_s / qfast_s, > 1 means qfast is
faster). The issue's targets are printed next to the measured numbers, never asserted: timings
on a shared 2-core machine move by 20-30% between runs.

Environment: QFAST_MINHASH_DOCS (documents timed, default all 20,000), QFAST_MINHASH_DT_MB
(megabytes of the datatrove subset, default 1.5), QFAST_MINHASH_REPEAT (copies of the corpus
for the thread-scaling run, default 4).
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import qfast

sys.path.insert(0, str(Path(__file__).resolve().parent))
import minhash_corpus as mc  # noqa: E402

K, N_GRAMS, SEED = 128, 5, 42
N_DOCS = int(os.environ.get("QFAST_MINHASH_DOCS", "0")) or None
DT_MB = float(os.environ.get("QFAST_MINHASH_DT_MB", "1.5"))
REPEAT = int(os.environ.get("QFAST_MINHASH_REPEAT", "4"))
BENCH = "minhash"

# The targets (reported, not asserted).
TARGETS = {
    "qfast_mb_s": 250.0,
    "rensa": 10.0,
    "gaoya": 5.0,
    "datasketch": 100.0,
    "datatrove": 300.0,
    "threads_2": 1.8,
}

_summary: list[str] = []


def _time(fn: Any) -> float:
    gc.collect()
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _best(fn: Any, rounds: int = 15, warmup: bool = True) -> float:
    """One warm-up call (qfast's thread pool and chunk caches), then the best of `rounds`: qfast's
    calls are short, and on a shared machine a few of them are slowed by a neighbour (peers,
    whose calls take seconds, are timed by their best of fewer rounds)."""
    if warmup:
        fn()
    return min(_time(fn) for _ in range(rounds))


def _best_peer(fn: Any, rounds: int = 3, budget_s: float = 30.0) -> float:
    """Best of `rounds` for a peer, fewer when one round already takes `budget_s`."""
    best = _time(fn)
    for _ in range(rounds - 1):
        if best > budget_s:
            break
        best = min(best, _time(fn))
    return best


def shingles(text: str) -> list[str]:
    w = text.lower().split()
    return [" ".join(w[i : i + N_GRAMS]) for i in range(len(w) - N_GRAMS + 1)]


@pytest.fixture(scope="module")
def docs() -> pa.Array:
    table, _ = mc.load()
    col = table.column("text").combine_chunks()
    return col if N_DOCS is None else col.slice(0, N_DOCS)


@pytest.fixture(scope="module")
def texts(docs: pa.Array) -> list[str]:
    return docs.to_pylist()


@pytest.fixture(scope="module")
def nbytes(texts: list[str]) -> int:
    return sum(len(t.encode()) for t in texts)


def _qfast_fast_s(docs: pa.Array) -> float:
    """qfast `MinHash.fast().signatures`, 1 thread: warm-up, then best of 15."""
    qfast.set_num_threads(1)
    m = qfast.MinHash.fast(n_grams=N_GRAMS, bands=16, rows=8, seed=SEED, shingles="words")
    sigs = m.signatures(docs)
    assert len(sigs) == len(docs) and sigs.type.list_size == K
    return _best(lambda: m.signatures(docs))


@pytest.fixture
def qfast_fast_s(docs: pa.Array) -> float:
    """Timed again for every test, right before the peer: the machine is shared, and a ratio of
    two timings taken a minute apart carries the load change between them."""
    return _qfast_fast_s(docs)


@pytest.fixture(scope="module")
def n_shingles(texts: list[str]) -> int:
    return sum(max(0, len(t.split()) - N_GRAMS + 1) for t in texts)


def _record(recorder, docs, nbytes, qfast_s, peer, peer_s, threads, params, target=None, nsh=None):  # type: ignore[no-untyped-def]
    ratio = (peer_s / qfast_s) if peer_s else None
    if nsh:
        params = {**params, "shingles_total": nsh, "qfast_ns_per_shingle": qfast_s / nsh * 1e9}
        if peer_s:
            params["peer_ns_per_shingle"] = peer_s / nsh * 1e9
    recorder.add(
        BENCH,
        docs=len(docs),
        bytes=nbytes,
        threads=threads,
        qfast_s=qfast_s,
        peer=peer,
        peer_s=peer_s,
        ratio=ratio,
        qfast_mb_s=nbytes / 1e6 / qfast_s,
        params=params,
    )
    mb = nbytes / 1e6
    line = (
        f"{params['step']:58s} {len(docs):6d} docs {mb:6.1f} MB  qfast {mb / qfast_s:7.1f} MB/s"
        + (f" {qfast_s / nsh * 1e9:5.1f} ns/sh" if nsh else "")
        + (f"  peer {mb / peer_s:7.2f} MB/s  ratio {ratio:7.1f}x" if peer_s else "")
        + (f"  (target >= {target:g}x)" if target else "")
    )
    _summary.append(line)
    print("\n" + line, flush=True)


def test_qfast_fast_signatures(n_shingles, docs, nbytes, qfast_fast_s, recorder) -> None:  # type: ignore[no-untyped-def]
    _record(
        recorder,
        docs,
        nbytes,
        qfast_fast_s,
        None,
        None,
        1,
        {
            "step": "qfast MinHash.fast().signatures (text in)",
            "target_mb_s": TARGETS["qfast_mb_s"],
            "shingles": "word 5-grams of text.lower().split()",
            "num_perm": K,
        },
        nsh=n_shingles,
    )


def test_rensa_pipeline(n_shingles, docs, texts, nbytes, qfast_fast_s, recorder) -> None:  # type: ignore[no-untyped-def]
    rensa = pytest.importorskip("rensa")

    def per_doc() -> list[list[int]]:
        out = []
        for t in texts:
            m = rensa.RMinHash(K, SEED)
            m.update(shingles(t))
            out.append(m.digest())
        return out

    def batch() -> Any:
        return rensa.RMinHash.digest_matrix_from_token_sets([shingles(t) for t in texts], K, SEED)

    assert len(per_doc()[0]) == K
    for name, fn in (
        ("RMinHash.update/digest per doc", per_doc),
        ("digest_matrix_from_token_sets", batch),
    ):
        peer_s = _best_peer(fn)
        _record(
            recorder,
            docs,
            nbytes,
            qfast_fast_s,
            f"rensa-{rensa.__version__ if hasattr(rensa, '__version__') else '0.5.0'}",
            peer_s,
            1,
            {
                "step": f"rensa {name} + Python shingling",
                "target_ratio": TARGETS["rensa"],
                "peer_algorithm": f"R-MinHash v{rensa.RMinHash.ALGORITHM_VERSION}",
            },
            TARGETS["rensa"],
            nsh=n_shingles,
        )


def test_gaoya_tokenize_and_minhash(
    n_shingles, docs, texts, nbytes, qfast_fast_s, recorder
) -> None:  # type: ignore[no-untyped-def]
    gm = pytest.importorskip("gaoya.minhash")
    index = gm.MinHashStringIndex(
        32, 0.8, 16, 8, analyzer="word", lowercase=True, ngram_range=(N_GRAMS, N_GRAMS)
    )
    ix = index.minhash_index
    assert len(ix.tokenize_and_minhash(texts[0])) == K
    peer_s = _best_peer(lambda: [ix.tokenize_and_minhash(t) for t in texts])
    _record(
        recorder,
        docs,
        nbytes,
        qfast_fast_s,
        "gaoya-0.2.2",
        peer_s,
        1,
        {
            "step": "gaoya tokenize_and_minhash (text in, Rust shingling)",
            "target_ratio": TARGETS["gaoya"],
            "peer_params": "MinHashStringIndex(32, 0.8, 16, 8, word, lowercase, (5, 5))",
        },
        TARGETS["gaoya"],
        nsh=n_shingles,
    )


def test_datasketch_update_batch(n_shingles, docs, texts, nbytes, qfast_fast_s, recorder) -> None:  # type: ignore[no-untyped-def]
    ds = pytest.importorskip("datasketch")

    def run() -> list[Any]:
        # MinHash.generator: one template (permutations drawn once), then copy + update_batch
        # per document: datasketch's fastest documented bulk path.
        return list(
            ds.MinHash.generator(
                ([s.encode() for s in shingles(t)] for t in texts), num_perm=K, seed=SEED
            )
        )

    peer_s = _best_peer(run, rounds=2)
    _record(
        recorder,
        docs,
        nbytes,
        qfast_fast_s,
        f"datasketch-{ds.__version__}",
        peer_s,
        1,
        {
            "step": "datasketch MinHash update_batch (generator) + Python shingling + encode",
            "target_ratio": TARGETS["datasketch"],
            "peer_algorithm": "affine32, sha1_hash32",
        },
        TARGETS["datasketch"],
        nsh=n_shingles,
    )


def test_datatrove_signature_stage(texts, recorder) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("datatrove")
    import numpy as np
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
    from datatrove.utils.text import split_into_parts

    sub: list[str] = []
    size = 0
    for t in texts:
        sub.append(t)
        size += len(t.encode())
        if size >= DT_MB * 1e6:
            break
    col = pa.array(sub, pa.large_string())
    stage = MinhashDedupSignature(tempfile.mkdtemp(prefix="qfast-mh-"), config=MinhashConfig())
    stage.get_shingles("Warm up the spaCy tokenizer, please.")

    def peer() -> list[Any]:
        split_into_parts.cache_clear()
        out = []
        for t in sub:
            sh = stage.get_shingles(t)
            out.append(stage.get_signature(sh) if sh.size else None)
        return out

    t0 = time.perf_counter()
    ref = peer()
    peer_s = time.perf_counter() - t0  # one round: ~0.5 MB/s

    qfast.set_num_threads(1)
    dtm = qfast.MinHash.datatrove()
    sigs = dtm.signatures(col)
    mismatch = sum(
        1
        for r, s in zip(ref, sigs.to_pylist())
        if (r is None) != (s is None) or (r is not None and list(np.concatenate(r)) != s)
    )
    qfast_dt_s = _best(lambda: dtm.signatures(col))
    fast = qfast.MinHash.fast(n_grams=N_GRAMS, bands=16, rows=8, seed=SEED)
    qfast_fast_s = _best(lambda: fast.signatures(col))
    for step, q_s in (
        ("datatrove get_shingles+get_signature vs qfast MinHash.datatrove()", qfast_dt_s),
        ("datatrove get_shingles+get_signature vs qfast MinHash.fast()", qfast_fast_s),
    ):
        _record(
            recorder,
            sub,
            size,
            q_s,
            "datatrove-0.10.1 spaCy-3.8.18",
            peer_s,
            1,
            {
                "step": step,
                "target_ratio": TARGETS["datatrove"],
                "datatrove_parity_mismatches": mismatch,
            },
            TARGETS["datatrove"],
            nsh=sum(max(0, len(t.split()) - N_GRAMS + 1) for t in sub),
        )
    print(f"datatrove parity: {mismatch} of {len(sub)} signatures differ")


def test_thread_scaling(docs, recorder) -> None:  # type: ignore[no-untyped-def]
    """1 and 2 threads on a larger repeat of the corpus, timed in alternation (best of 9 each)
    so that a change of load on the shared machine hits both sides alike."""
    big = pa.concat_arrays([docs] * REPEAT)
    nb = sum(len(t.encode()) for t in docs.to_pylist()) * REPEAT
    m = qfast.MinHash.fast(n_grams=N_GRAMS, bands=16, rows=8, seed=SEED)
    best = {1: float("inf"), 2: float("inf")}
    try:
        for threads in (1, 2):  # warm-up: a new pool's threads start cold
            qfast.set_num_threads(threads)
            m.signatures(big)
        for _ in range(9):
            for threads in (1, 2):
                qfast.set_num_threads(threads)
                best[threads] = min(best[threads], _time(lambda: m.signatures(big)))
    finally:
        qfast.set_num_threads(1)
    for threads in (1, 2):
        q_s = best[threads]
        params: dict[str, Any] = {
            "step": f"qfast MinHash.fast().signatures x{REPEAT} corpus, {threads} thr"
        }
        if threads == 2:
            params["speedup_vs_1_thread"] = best[1] / q_s
            params["target_speedup"] = TARGETS["threads_2"]
        recorder.add(
            BENCH,
            docs=len(big),
            bytes=nb,
            threads=threads,
            qfast_s=q_s,
            peer=None,
            peer_s=None,
            ratio=None,
            qfast_mb_s=nb / 1e6 / q_s,
            params=params,
        )
        line = (
            f"{params['step']:58s} {len(big):6d} docs {nb / 1e6:6.1f} MB  qfast {nb / 1e6 / q_s:7.1f} MB/s"
            + (
                f"  speedup {params['speedup_vs_1_thread']:.2f}x (target >= 1.8x)"
                if threads == 2
                else ""
            )
        )
        _summary.append(line)
        print("\n" + line, flush=True)


def test_lsh_insert_and_query(docs, texts, recorder) -> None:  # type: ignore[no-untyped-def]
    """LSH on signatures already made, single thread: rensa's RMinHashLSH `insert_many` +
    `query_all` (16 bands of 8) against qfast's clustering of the same documents' band keys
    (`MinHashDedup.result()` after `add`, 16 x 8, no exact check): docs/s of the LSH part."""
    rensa = pytest.importorskip("rensa")
    qfast.set_num_threads(1)
    sh = [shingles(t) for t in texts]
    mhs = rensa.RMinHash.from_token_sets(sh, K, SEED)
    lsh = rensa.RMinHashLSH(0.8, K, 16)

    def peer() -> None:
        nonlocal lsh
        lsh = rensa.RMinHashLSH(0.8, K, 16)
        lsh.insert_many(mhs)
        lsh.query_all(mhs)

    peer_s = _best(peer, rounds=3)
    d = qfast.MinHashDedup(qfast.MinHash.fast(), keep="first")
    d.add(docs)
    qfast_s = _best(d.result, rounds=5)
    n = len(docs)
    recorder.add(
        BENCH,
        docs=n,
        bytes=0,
        threads=1,
        qfast_s=qfast_s,
        peer="rensa-0.5.0 RMinHashLSH insert_many+query_all",
        peer_s=peer_s,
        ratio=peer_s / qfast_s,
        qfast_mb_s=0.0,
        params={
            "step": "LSH: qfast cluster (band keys -> clusters) vs rensa insert+query",
            "qfast_docs_s": n / qfast_s,
            "peer_docs_s": n / peer_s,
            "bands_rows": [16, 8],
        },
    )
    _summary.append(
        f"LSH: qfast {n / qfast_s:,.0f} docs/s vs rensa insert+query {n / peer_s:,.0f} docs/s"
    )


def test_zz_summary() -> None:
    print("\n" + "\n".join(_summary))
