"""MinHash dedup on Ray Data with 1 and 2 workers: wall time, peak memory per worker, scaling.

Corpus: the synthetic near-duplicate generator of `test_bench_minhash_scale.py` (1-3 KB
documents, 10% near-copies of earlier ones), QFAST_RAY_DOCS documents (default 1,000,000),
written once under benches/.data/. Each configuration runs in a fresh process that starts a local
Ray cluster with `num_cpus` = the worker count, reads the Parquet file with
`ray.data.read_parquet`, runs `qfast.ray.minhash_dedup(ds, MinHashDedup(MinHash.fast()))` and
counts the kept rows (forcing every stage). Wall time covers all of it. Peak memory per worker
is the largest private resident memory (RssAnon, sampled every 0.2 s from /proc) of any Ray worker
process; their VmHWM is recorded beside it, but it also counts the pages of Ray's shared object
store a worker has mapped (zero-copy reads of blocks), which belong to no single worker.

Gated: `QFAST_RAY_BENCH=1 pytest benches/test_bench_ray.py -p no:cacheprovider -s`. Writes
benches/results/ray.json (records as the other benches; `ratio` on the 2-worker record is the
1-worker time over the 2-worker time).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

pytestmark = pytest.mark.skipif(
    os.environ.get("QFAST_RAY_BENCH") != "1",
    reason="Ray scale bench takes minutes: set QFAST_RAY_BENCH=1",
)

N_DOCS = int(os.environ.get("QFAST_RAY_DOCS", "1000000"))
DATA = Path(__file__).resolve().parent / ".data"

_CHILD = r"""
import json, os, sys, threading, time
import pyarrow.fs, ray, qfast, qfast.ray as qray


def status(pid, field):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None


def worker_pids():
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")
        except OSError:
            continue
        if cmd.startswith("ray::") or "default_worker.py" in cmd:
            yield pid


# Private memory (RssAnon) sampled every 0.2 s: VmHWM also counts the object store's shared
# pages a worker has touched, which are not that worker's own.
anon, done = {}, threading.Event()


def sample():
    while not done.is_set():
        for pid in worker_pids():
            m = status(pid, "RssAnon")
            if m is not None:
                anon[pid] = max(anon.get(pid, 0.0), m)
        time.sleep(0.2)


cfg = json.loads(sys.argv[1])
ray.init(num_cpus=cfg["workers"], include_dashboard=False, log_to_driver=False)
ctx = ray.data.DataContext.get_current()
ctx.enable_progress_bars = False
threading.Thread(target=sample, daemon=True).start()
t0 = time.perf_counter()
ds = ray.data.read_parquet(cfg["path"], columns=["id", "text"],
                           filesystem=pyarrow.fs.LocalFileSystem())
res = qray.minhash_dedup(ds, qfast.MinHashDedup(qfast.MinHash.fast()))
kept = res.data.count()
wall = time.perf_counter() - t0
done.set()
hwm = [m for m in (status(p, "VmHWM") for p in worker_pids()) if m is not None]
print(json.dumps({"wall_s": wall, "kept": kept, "stats": res.stats,
                  "worker_peak_mb": max(anon.values(), default=0.0),
                  "worker_hwm_mb": max(hwm, default=0.0), "n_worker_procs": len(hwm),
                  "object_store_mb": ray.cluster_resources().get("object_store_memory", 0) / 2**20,
                  "driver_peak_mb": status(os.getpid(), "VmHWM")}))
ray.shutdown()
"""


def _run(path: Path, workers: int) -> dict[str, Any]:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    cfg = json.dumps({"path": str(path), "workers": workers})
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, cfg], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr[-4000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_ray_minhash_dedup_scaling(recorder) -> None:  # type: ignore[no-untyped-def]
    import test_bench_minhash_scale as scale

    path = DATA / f"ray_{N_DOCS}.parquet"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        scale.generate(path, N_DOCS)
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    nbytes = sum(
        meta.row_group(g).column(1).total_uncompressed_size for g in range(meta.num_row_groups)
    )
    runs = {w: _run(path, w) for w in (1, 2)}
    # The same dedup in this process, without Ray: the kept set must be the same.
    import time

    import qfast

    t0 = time.perf_counter()
    local, _ = qfast.MinHashDedup(qfast.MinHash.fast()).run(
        pq.read_table(path, columns=["id", "text"])
    )
    local_s = time.perf_counter() - t0
    for w, r in runs.items():
        ratio = runs[1]["wall_s"] / r["wall_s"] if w == 2 else None
        recorder.add(
            "ray",
            docs=meta.num_rows,
            bytes=nbytes,
            threads=w,
            qfast_s=r["wall_s"],
            peer=None,
            peer_s=None,
            ratio=ratio,
            qfast_mb_s=nbytes / 1e6 / r["wall_s"],
            params={
                "step": f"qfast.ray.minhash_dedup, local Ray cluster num_cpus={w}",
                "kept": r["kept"],
                "dropped": r["stats"]["dropped_minhash_duplicate"],
                "worker_peak_private_mb": round(r["worker_peak_mb"], 1),
                "worker_vmhwm_mb": round(r["worker_hwm_mb"], 1),
                "object_store_mb": round(r["object_store_mb"]),
                "driver_peak_rss_mb": round(r["driver_peak_mb"], 1),
                "scaling_1_to_2": ratio,
                "local_run_s": round(local_s, 1),
                "local_kept": local.num_rows,
            },
        )
        print(
            f"ray minhash_dedup {meta.num_rows} docs, {w} worker(s): {r['wall_s']:.1f} s, "
            f"worker peak private {r['worker_peak_mb']:.0f} MB (VmHWM with shared object-store "
            f"pages {r['worker_hwm_mb']:.0f} MB), kept {r['kept']}"
        )
    # Same kept count whatever the worker count, and as the local run (the full sets are
    # compared in tests/).
    assert runs[1]["kept"] == runs[2]["kept"] == local.num_rows
    print(f"local MinHashDedup.run (no Ray, same process): {local_s:.1f} s, kept {local.num_rows}")
