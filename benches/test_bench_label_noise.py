"""Label noise: cleanlab (2.9.0, ``cleanlab.filter.find_label_issues`` with its defaults) and
qfast's confident-learning detector side by side in the same run, on the same out-of-fold
probabilities: 82,525 Chinese reviews (zh_reviews_chinesenlpcorpus) with 5% of
``label_sentiment`` flipped (seeded). Records each detector's time, precision and recall against
the flipped rows, and the throughput of qfast's out-of-fold probabilities (5 folds of fastText
training and prediction, one thread). Results: benches/results/label_noise.json."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from conftest import best_time

import qfast
from qfast.label_noise import DEFAULT_TRAIN, find_label_issues, flip_labels, out_of_fold_probs

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval_data"
FILE = "zh_reviews_chinesenlpcorpus.parquet"


def _pr(flagged: np.ndarray, flipped: np.ndarray) -> tuple[float, float]:
    tp = int((flagged & flipped).sum())
    return tp / max(int(flagged.sum()), 1), tp / int(flipped.sum())


def test_label_noise_side_by_side(recorder: Any) -> None:
    cl_filter = pytest.importorskip("cleanlab.filter")
    cleanlab = pytest.importorskip("cleanlab")
    qfast.set_num_threads(1)
    table = pq.read_table(EVAL / FILE, columns=["text", "label_sentiment"])
    nbytes = int(pc.sum(pc.binary_length(table.column("text"))).as_py())
    noisy, flipped = flip_labels(table.column("label_sentiment"), 0.05, seed=0)

    t0 = time.perf_counter()
    oof = out_of_fold_probs(table, noisy, folds=5, seed=0)
    oof_s = time.perf_counter() - t0
    recorder.add(
        "label_noise",
        docs=table.num_rows,
        bytes=nbytes,
        threads=1,
        qfast_s=oof_s,
        peer=None,
        peer_s=None,
        ratio=None,
        qfast_mb_s=nbytes / 1e6 / oof_s,
        params={
            "step": "out_of_fold_probs (5 folds, fastText train + predict, UAX #29 tokens)",
            **{k: v for k, v in DEFAULT_TRAIN.items()},
            "oof_accuracy": round(oof.accuracy, 4),
        },
    )

    given = np.array([oof.classes.index(v) for v in map(str, noisy)])
    probs = oof.probs
    cl_mask = cl_filter.find_label_issues(given, probs)
    peer_s = best_time(lambda: cl_filter.find_label_issues(given, probs))
    cp, cr = _pr(cl_mask, flipped)
    peer = f"cleanlab-{cleanlab.__version__} find_label_issues"

    def plain() -> Any:
        return find_label_issues(noisy, probs, oof.classes)

    def grouped() -> Any:
        return find_label_issues(noisy, probs, oof.classes, groups=qfast.doc_hashes(table))

    for name, fn in (("probs only", plain), ("duplicate groups (incl. doc_hashes)", grouped)):
        mask = fn().column("is_issue").to_numpy(zero_copy_only=False)
        qs = best_time(fn)
        p, r = _pr(mask, flipped)
        recorder.side_by_side(
            "label_noise",
            docs=table.num_rows,
            nbytes=nbytes,
            qfast_s=qs,
            peer=peer,
            peer_s=peer_s,
            params={
                "step": f"find_label_issues, {name}, prune by noise rate",
                "flipped": int(flipped.sum()),
                "qfast_flagged": int(mask.sum()),
                "qfast_precision": round(p, 4),
                "qfast_recall": round(r, 4),
                "peer_flagged": int(cl_mask.sum()),
                "peer_precision": round(cp, 4),
                "peer_recall": round(cr, 4),
            },
        )
        print(
            f"\n{name}: qfast {qs * 1e3:.1f} ms P={p:.4f} R={r:.4f}; cleanlab "
            f"{peer_s * 1e3:.1f} ms P={cp:.4f} R={cr:.4f}; {peer_s / qs:.1f}x"
        )
        assert p >= cp - 1e-9 and r >= cr - 1e-9
    print(
        f"out_of_fold_probs: {oof_s:.1f} s, {nbytes / 1e6 / oof_s:.2f} MB/s, "
        f"accuracy {oof.accuracy:.4f}"
    )
