"""MinHash dedup at scale: 2,000,000 synthetic documents (1-3 KB) in one Parquet file, deduplicated
from file to keep mask, with wall time and peak RSS (the issue: "peak RSS stays under 4 GB").

* **Corpus** (generated once into `benches/.data/`, gitignored, reused when present;
  deterministic: one seeded numpy Generator, no wall-clock or hash randomness). A vocabulary of
  30,000 random lowercase words drawn with Zipf-like frequencies; a pool of 500,000 sentences of
  6-28 words; an original document is uniformly drawn pool sentences joined by spaces, cut at a
  word boundary at a target length ~ U(1,000, 3,000) bytes. 10% of the rows are near-duplicates:
  a copy of a uniformly chosen earlier original (anywhere before it in the file) with a fraction
  p ~ U(0.5%, 3%) of its words edited (50% replaced by a vocabulary word, 30% deleted, 20%
  followed by an inserted word). Columns `id`, `text`, `dup_of` (null for originals),
  `edit_frac`; row groups of 50,000 rows, zstd.
* **Dedup**, in a fresh subprocess (so peak RSS is the VmHWM of that process alone, read from
  /proc/self/status), `qfast.set_num_threads(2)`: `d = qfast.MinHashDedup(qfast.MinHash.fast(),
  keep="first")` (no threshold: the exact check keeps every shingle set in memory), `d.add(b)`
  for every `pq.ParquetFile(path).iter_batches(batch_size=50_000, columns=["text"])`, then
  `d.result().keep`. Wall time covers all of it, Parquet reading and decompression included
  (Arrow's own thread pool decodes Parquet; the machine has 2 cores). Runs: all 2,000,000 docs
  exactly so; the same with `pq.ParquetFile(path, pre_buffer=False)`; the first 500,000 docs
  (pre_buffer=False; the two peaks give the per-document memory slope); `threshold=0.8` on the
  first 200,000 (pre_buffer=False). Why pre_buffer=False: pyarrow's default reader pre-buffers
  through a read cache that keeps the compressed column chunk of every row group read until the
  reader is closed (apache/arrow#39808; pyarrow 26: `pa.total_allocated_bytes()` grows by one
  compressed row group per batch while iterating and dropping the batches), so with the default
  the peak grows by ~0.9 KB per document that is Arrow's, not qfast's. The 100M projection uses
  the pre_buffer=False runs.
* **Accuracy check**: duplicates found (keep = False) against injected, and, on the injected
  pairs of the first two row groups, the exact Jaccard of qfast's own shingles and the recall
  LSH predicts from it (16 bands x 8 rows: P(candidate) = 1 - (1 - J^8)^16).

Gated: `QFAST_SCALE=1 pytest benches/test_bench_minhash_scale.py -p no:cacheprovider -s` (a few
minutes; the corpus is ~4 GB of text, ~1.8 GB on disk). QFAST_SCALE_DOCS changes the size.
Writes benches/results/minhash_scale.json (records as the other benches: bench, docs, bytes,
threads, qfast_s, peer, peer_s, ratio, qfast_mb_s, peak_rss_mb, params; no peer). The 4 GB peak
RSS limit is asserted; times are reported only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import qfast

pytestmark = pytest.mark.skipif(
    os.environ.get("QFAST_SCALE") != "1",
    reason="2M-document scale bench takes minutes and ~1.8 GB of disk: set QFAST_SCALE=1",
)

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("QFAST_BENCH_DATA", REPO / "benches" / ".data"))
RESULTS = REPO / "benches" / "results"
BENCH = "minhash_scale"

VERSION = 1  # bump when the recipe changes: the file name carries it
SEED = 20240611
N_DOCS = int(os.environ.get("QFAST_SCALE_DOCS", "2000000"))
DUP_FRAC = 0.10
ROW_GROUP = 50_000
VOCAB = 30_000
POOL = 500_000
SENT_WORDS = (6, 28)
DOC_BYTES = (1_000, 3_000)
EDIT = (0.005, 0.03)
THREADS = 2
SLOPE_DOCS = min(500_000, N_DOCS // 4)
THRESHOLD_DOCS = min(200_000, N_DOCS)
RSS_LIMIT_MB = 4096
BANDS, ROWS = 16, 8

PATH = CACHE / f"minhash_scale_v{VERSION}_{N_DOCS}.parquet"


# ---------------------------------------------------------------------------------------------
# Corpus


def _vocab(rng: np.random.Generator) -> tuple[list[bytes], np.ndarray]:
    """Random lowercase words (1-14 letters) and Zipf-like sampling weights."""
    lengths = np.clip(rng.poisson(4.0, VOCAB) + 1, 1, 14)
    letters = rng.integers(ord("a"), ord("z") + 1, int(lengths.sum()), dtype=np.uint8).tobytes()
    ends = np.cumsum(lengths)
    words = [letters[e - n : e] for e, n in zip(ends.tolist(), lengths.tolist())]
    w = 1.0 / (np.arange(VOCAB) + 3.0) ** 1.05
    return words, w / w.sum()


def _pool(rng: np.random.Generator, words: list[bytes], p: np.ndarray) -> list[bytes]:
    lens = rng.integers(SENT_WORDS[0], SENT_WORDS[1] + 1, POOL)
    ids = rng.choice(VOCAB, int(lens.sum()), p=p)
    ends = np.cumsum(lens).tolist()
    out = []
    start = 0
    for e in ends:
        s = b" ".join(itemgetter(*ids[start:e].tolist())(words))
        out.append(s[:1].upper() + s[1:] + b".")
        start = e
    return out


def _edit(text: bytes, frac: float, rng: np.random.Generator, words: list[bytes]) -> bytes:
    toks = text.split(b" ")
    m = max(1, round(frac * len(toks)))
    at = rng.choice(len(toks), m, replace=False).tolist()
    ops = rng.random(m).tolist()
    new = rng.integers(0, VOCAB, m).tolist()
    for i, op, w in zip(at, ops, new):
        if op < 0.5:
            toks[i] = words[w]
        elif op < 0.8:
            toks[i] = b""
        else:
            toks[i] = toks[i] + b" " + words[w]
    return b" ".join(t for t in toks if t)


def generate(path: Path = PATH, n_docs: int = N_DOCS) -> dict[str, Any]:
    """Writes the corpus (atomically) and returns its summary."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(SEED)
    words, p = _vocab(rng)
    pool = _pool(rng, words, p)
    avg = sum(map(len, pool)) / len(pool) + 1
    t_pool = time.perf_counter() - t0
    # Recipes of the originals (pool sentence ids + cut length), to rebuild any earlier one.
    rec_sids: list[np.ndarray] = []
    rec_offs: list[np.ndarray] = []
    rec_tgt: list[np.ndarray] = []
    rec_cum = [0]

    def build(sids: np.ndarray, target: int) -> bytes:
        doc = b" ".join(itemgetter(*sids.tolist())(pool))
        if len(doc) > target:
            cut = doc.rfind(b" ", 0, target)
            doc = doc[: cut if cut > 0 else target]
        return doc

    def original(o: int) -> bytes:
        g = int(np.searchsorted(rec_cum, o, side="right")) - 1
        i = o - rec_cum[g]
        return build(rec_sids[g][rec_offs[g][i] : rec_offs[g][i + 1]], int(rec_tgt[g][i]))

    schema = pa.schema(
        [
            ("id", pa.int64()),
            ("text", pa.string()),
            ("dup_of", pa.int64()),
            ("edit_frac", pa.float32()),
        ]
    )
    tmp = path.with_suffix(".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    n_dup = total_bytes = 0
    orig_ids = np.zeros(n_docs, np.int64)  # ordinal of an original -> its row id
    with pq.ParquetWriter(
        tmp, schema, compression="zstd", use_dictionary=False, write_statistics=["id"]
    ) as w:
        for lo in range(0, n_docs, ROW_GROUP):
            n = min(ROW_GROUP, n_docs - lo)
            is_dup = rng.random(n) < DUP_FRAC
            if lo == 0:
                is_dup[:100] = False
            n_orig = int((~is_dup).sum())
            tgt = rng.integers(DOC_BYTES[0], DOC_BYTES[1] + 1, n_orig)
            k = (tgt / avg).astype(np.int64) + 4
            offs = np.concatenate([[0], np.cumsum(k)])
            sids = rng.integers(0, POOL, int(offs[-1]), dtype=np.int32)
            rec_sids.append(sids)
            rec_offs.append(offs)
            rec_tgt.append(tgt)
            rec_cum.append(rec_cum[-1] + n_orig)
            base = rec_cum[-2]
            texts: list[bytes] = []
            dup_of: list[int | None] = []
            fracs: list[float | None] = []
            o = 0
            src_u = rng.random(n)
            frac_u = rng.uniform(EDIT[0], EDIT[1], n)
            for r in range(n):
                if is_dup[r]:
                    src = int(src_u[r] * (base + o))
                    texts.append(_edit(original(src), float(frac_u[r]), rng, words))
                    dup_of.append(int(orig_ids[src]))
                    fracs.append(float(frac_u[r]))
                else:
                    i = o
                    texts.append(build(sids[offs[i] : offs[i + 1]], int(tgt[i])))
                    orig_ids[base + o] = lo + r
                    o += 1
                    dup_of.append(None)
                    fracs.append(None)
            n_dup += int(is_dup.sum())
            col = pa.array(texts, pa.binary()).cast(pa.string())
            total_bytes += sum(map(len, texts))
            w.write_table(
                pa.table(
                    {
                        "id": pa.array(np.arange(lo, lo + n)),
                        "text": col,
                        "dup_of": pa.array(dup_of, pa.int64()),
                        "edit_frac": pa.array(fracs, pa.float32()),
                    },
                    schema=schema,
                ),
                row_group_size=ROW_GROUP,
            )
    tmp.replace(path)
    return {
        "docs": n_docs,
        "injected_near_duplicates": n_dup,
        "bytes": total_bytes,
        "generation_s": time.perf_counter() - t0,
        "pool_s": t_pool,
        "file_bytes": path.stat().st_size,
    }


def corpus() -> dict[str, Any]:
    """The corpus summary, generating the file first when it is missing."""
    meta_path = PATH.with_suffix(".json")
    if PATH.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        meta["reused"] = True
        return meta
    meta = generate()
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    meta["reused"] = False
    return meta


# ---------------------------------------------------------------------------------------------
# Dedup in a fresh process

_CHILD = r"""
import json, sys, time

def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024  # kB
    raise KeyError(key)

cfg = json.loads(sys.argv[1])
import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import qfast

qfast.set_num_threads(cfg["threads"])
base_rss, base_hwm = status("VmRSS"), status("VmHWM")
limit = cfg["limit"]
t0 = time.perf_counter()
d = qfast.MinHashDedup(qfast.MinHash.fast(), keep="first", threshold=cfg["threshold"])
n = nbytes = 0
read_s = 0.0
trace = []
pf = pq.ParquetFile(cfg["path"], **({} if cfg["pre_buffer"] is None else {"pre_buffer": False}))
batches = pf.iter_batches(batch_size=50_000, columns=["text"])
while True:
    tr = time.perf_counter()
    batch = next(batches, None)
    read_s += time.perf_counter() - tr
    if batch is None:
        break
    if limit and n + batch.num_rows > limit:
        batch = batch.slice(0, limit - n)
    nbytes += pc.sum(pc.binary_length(batch.column(0))).as_py() or 0  # reads offsets only
    d.add(batch)
    n += batch.num_rows
    trace.append((n, status("VmRSS")))
    if limit and n >= limit:
        break
t_add = time.perf_counter()
hwm_add = status("VmHWM")
keep = d.result().keep
t1 = time.perf_counter()
np.save(cfg["keep_out"], keep.to_numpy(zero_copy_only=False))
print(json.dumps({
    "docs": n, "bytes": nbytes, "wall_s": t1 - t0, "add_s": t_add - t0, "read_s": read_s,
    "result_s": t1 - t_add,
    "base_rss": base_rss, "base_hwm": base_hwm, "hwm_after_add": hwm_add,
    "rss_after_add": trace[-1][1], "rss_end": status("VmRSS"), "peak_rss": status("VmHWM"),
    "trace": trace, "stats": d.stats,
}))
"""


def run_child(
    limit: int | None, threshold: float | None, pre_buffer: bool | None
) -> tuple[dict[str, Any], np.ndarray]:
    with tempfile.TemporaryDirectory() as tmp:
        keep_out = Path(tmp) / "keep.npy"
        cfg = {
            "path": str(PATH),
            "limit": limit,
            "threshold": threshold,
            "threads": THREADS,
            "pre_buffer": pre_buffer,
            "keep_out": str(keep_out),
        }
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, json.dumps(cfg)], capture_output=True, text=True, env=env
        )
        assert out.returncode == 0, out.stderr[-4000:]
        return json.loads(out.stdout), np.load(keep_out)


# ---------------------------------------------------------------------------------------------
# Scores


def p_candidate(j: np.ndarray) -> np.ndarray:
    return 1.0 - (1.0 - j**ROWS) ** BANDS


def dup_scores(keep: np.ndarray, dup_of: np.ndarray, edit: np.ndarray) -> dict[str, Any]:
    n = len(keep)
    is_dup = dup_of[:n] >= 0
    flagged = ~keep
    out: dict[str, Any] = {
        "injected": int(is_dup.sum()),
        "found": int(flagged.sum()),
        "injected_found": int((flagged & is_dup).sum()),
        "originals_flagged": int((flagged & ~is_dup).sum()),
        "recall_injected": float((flagged & is_dup).sum() / max(1, is_dup.sum())),
    }
    by: dict[str, float] = {}
    e = edit[:n]
    for lo, hi in ((0.005, 0.01), (0.01, 0.02), (0.02, 0.03)):
        m = is_dup & (e >= lo) & (e < hi)
        by[f"edit {lo:.1%}-{hi:.1%}"] = float(flagged[m].mean()) if m.any() else float("nan")
    out["recall_by_edit_frac"] = by
    return out


def injected_pair_jaccard(dup_of: np.ndarray, upto: int) -> dict[str, Any]:
    """Exact Jaccard (qfast's own word 5-shingles) of every injected pair within the first
    `upto` rows, and the recall 16x8 LSH predicts from it."""
    pf = pq.ParquetFile(PATH)
    groups = (upto + ROW_GROUP - 1) // ROW_GROUP
    texts = pa.concat_tables([pf.read_row_group(g, columns=["text"]) for g in range(groups)])
    texts_l = texts.column("text").to_pylist()
    mh = qfast.MinHash.fast()
    rows = np.flatnonzero(dup_of[:upto] >= 0)
    js = []
    for r in rows.tolist():
        a = set(mh.shingles_of(texts_l[r]))
        b = set(mh.shingles_of(texts_l[int(dup_of[r])]))
        js.append(len(a & b) / len(a | b))
    j = np.array(js)
    return {
        "rows": rows,
        "j": j,
        "summary": {
            "pairs": len(j),
            "J_p5_p50_p95": [float(np.percentile(j, q)) for q in (5, 50, 95)],
            "share_J_ge_0.8": float((j >= 0.8).mean()),
            "lsh_predicted_recall": float(p_candidate(j).mean()),
            "lsh_predicted_recall_threshold_0.8": float((p_candidate(j) * (j >= 0.8)).mean()),
        },
    }


# ---------------------------------------------------------------------------------------------
# Test


def _mb(x: float) -> float:
    return round(x / 2**20, 1)


def test_minhash_scale() -> None:
    meta = corpus()
    print(
        f"\ncorpus {PATH.name}: {meta['docs']} docs, {meta['bytes'] / 1e9:.2f} GB text, "
        f"{meta['file_bytes'] / 1e9:.2f} GB on disk, {meta['injected_near_duplicates']} injected "
        f"near-duplicates; generated in {meta['generation_s']:.1f} s"
        + (" (reused)" if meta["reused"] else ""),
        flush=True,
    )
    cols = pq.read_table(PATH, columns=["dup_of", "edit_frac"])
    dup_of = cols.column("dup_of").fill_null(-1).to_numpy()
    edit = cols.column("edit_frac").fill_null(0).to_numpy()
    sample = injected_pair_jaccard(dup_of, 2 * ROW_GROUP)
    print("injected pairs, first 100k rows:", sample["summary"], flush=True)

    params_common = {
        "minhash": "MinHash.fast(): word 5-grams of text.lower().split(), 16 bands x 8 rows, "
        "32-bit, seed 42",
        "keep": "first",
        "threads": f"qfast.set_num_threads({THREADS}); Parquet decoding on Arrow's pool "
        "(2-core machine)",
        "corpus": {k: v for k, v in meta.items() if k != "reused"},
        "corpus_recipe": f"v{VERSION}: {VOCAB} Zipf words, {POOL} sentences, docs "
        f"{DOC_BYTES[0]}-{DOC_BYTES[1]} B, {DUP_FRAC:.0%} near-dups with {EDIT[0]:.1%}-"
        f"{EDIT[1]:.1%} of words edited, seed {SEED}",
        "peak_rss": "VmHWM of a fresh subprocess doing only the dedup",
    }
    records: list[dict[str, Any]] = []
    runs: dict[str, dict[str, Any]] = {}

    def record(
        step: str, limit: int | None, threshold: float | None, pre_buffer: bool | None
    ) -> dict[str, Any]:
        load = os.getloadavg()[0]
        res, keep = run_child(limit, threshold, pre_buffer)
        scores = dup_scores(keep, dup_of, edit)
        rows = sample["rows"][sample["rows"] < len(keep)]
        scores["sample_observed_recall"] = float((~keep[rows]).mean())
        peak = _mb(res["peak_rss"])
        runs[step] = res
        rec = {
            "bench": BENCH,
            "docs": res["docs"],
            "bytes": res["bytes"],
            "threads": THREADS,
            "qfast_s": res["wall_s"],
            "peer": None,
            "peer_s": None,
            "ratio": None,
            "qfast_mb_s": res["bytes"] / 1e6 / res["wall_s"],
            "peak_rss_mb": peak,
            "params": {
                "step": step,
                "threshold": threshold,
                "input": "pq.ParquetFile(path"
                + ("" if pre_buffer is None else ", pre_buffer=False")
                + ").iter_batches(batch_size=50_000, columns=['text'])",
                **params_common,
                "docs_per_s": res["docs"] / res["wall_s"],
                "add_s (read + sign)": res["add_s"],
                "read_s (waiting on the Parquet reader)": res["read_s"],
                "result_s (cluster)": res["result_s"],
                "rss_after_imports_mb": _mb(res["base_rss"]),
                "peak_rss_during_add_mb": _mb(res["hwm_after_add"]),
                "rss_after_add_mb": _mb(res["rss_after_add"]),
                "rss_trace_mb": [
                    [n, _mb(r)] for i, (n, r) in enumerate(res["trace"]) if i % 5 == 4
                ],
                "duplicates": scores,
                "peak_rss_limit_mb": RSS_LIMIT_MB,
                "load_avg_1min_before": load,
            },
        }
        records.append(rec)
        print(
            f"{step}: {res['docs']} docs {res['bytes'] / 1e6:.0f} MB in {res['wall_s']:.1f} s "
            f"(add {res['add_s']:.1f} s of which Parquet reader {res['read_s']:.1f} s, result "
            f"{res['result_s']:.1f} s; load avg {load:.1f}) = "
            f"{res['docs'] / res['wall_s']:,.0f} docs/s, {rec['qfast_mb_s']:.0f} MB/s; "
            f"peak RSS {peak:.0f} MB (after imports {_mb(res['base_rss']):.0f} MB); "
            f"found {scores['found']} vs injected {scores['injected']} "
            f"(injected found {scores['injected_found']}, originals flagged "
            f"{scores['originals_flagged']}); sample recall observed "
            f"{scores['sample_observed_recall']:.3f}",
            flush=True,
        )
        return rec

    # As the issue asks (pyarrow's default reader), then with pre_buffer=False: the default
    # pre-buffers through a read cache that keeps every row group's compressed column chunk until
    # the reader is closed (apache/arrow#39808), ~0.9 KB/doc here that is not qfast's.
    full_default = record(f"file -> keep mask, {N_DOCS} docs, no threshold", None, None, None)
    nopb = ", Parquet pre_buffer=False"
    full = record(f"file -> keep mask, {N_DOCS} docs, no threshold{nopb}", None, None, False)
    part = record(
        f"file -> keep mask, first {SLOPE_DOCS} docs, no threshold{nopb}", SLOPE_DOCS, None, False
    )
    thr = record(
        f"file -> keep mask, first {THRESHOLD_DOCS} docs, threshold=0.8{nopb}",
        THRESHOLD_DOCS,
        0.8,
        False,
    )
    s = sample["summary"]
    for r in (full_default, full, thr):
        r["params"]["injected_pairs_first_100k_rows"] = s

    # Memory per document and the 100M projection (runs without the reader's retention).
    rd, rf, rp = (runs[r["params"]["step"]] for r in (full_default, full, part))
    slope = (rf["peak_rss"] - rp["peak_rss"]) / (rf["docs"] - rp["docs"])
    over_base = (rf["peak_rss"] - rf["base_rss"]) / rf["docs"]
    proj = rf["peak_rss"] + slope * (100_000_000 - rf["docs"])

    def add_growth(res: dict[str, Any]) -> float:
        tr = np.array(res["trace"], dtype=np.float64)
        tr = tr[tr[:, 0] >= 0.1 * res["docs"]]
        return float(np.polyfit(tr[:, 0], tr[:, 1], 1)[0]) if len(tr) > 2 else float("nan")

    fit, fit_default = add_growth(rf), add_growth(rd)
    over_base_default = (rd["peak_rss"] - rd["base_rss"]) / rd["docs"]
    proj_default = rd["base_rss"] + over_base_default * 100_000_000
    thr_per_doc = (runs[thr["params"]["step"]]["peak_rss"] - rf["base_rss"]) / thr["docs"]
    memory = {
        "bytes_per_doc_slope": slope,
        "slope_from": f"peak RSS of the {rf['docs']}-doc and {rp['docs']}-doc runs "
        "(pre_buffer=False)",
        "bytes_per_doc_peak_over_imports": over_base,
        "bytes_per_doc_rss_growth_during_add": fit,
        "projection_100M_docs_gb": proj / 1e9,
        "projection": "peak(2M) + slope x (100M - 2M), pre_buffer=False, no threshold, one process",
        "default_reader_bytes_per_doc_peak_over_imports": over_base_default,
        "default_reader_bytes_per_doc_rss_growth_during_add": fit_default,
        "default_reader_projection_100M_docs_gb (one file, linear)": proj_default / 1e9,
        "threshold_0.8_bytes_per_doc_peak_over_imports": thr_per_doc,
    }
    full["params"]["memory"] = memory
    full_default["params"]["memory"] = memory
    print(
        f"memory (pre_buffer=False): {slope:.0f} B/doc (peak slope {rp['docs']} -> "
        f"{rf['docs']}), {over_base:.0f} B/doc (peak - imports) / docs, {fit:.0f} B/doc RSS "
        f"growth during add; 100M docs -> {proj / 1e9:.1f} GB. Default reader: "
        f"{over_base_default:.0f} B/doc, {fit_default:.0f} B/doc during add, 100M in one file -> "
        f"{proj_default / 1e9:.0f} GB. With threshold=0.8: {thr_per_doc:.0f} B/doc",
        flush=True,
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{BENCH}.json").write_text(json.dumps(records, indent=2) + "\n")
    for r in (full_default, full):
        assert r["peak_rss_mb"] < RSS_LIMIT_MB, r
