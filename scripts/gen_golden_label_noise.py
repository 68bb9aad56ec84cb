"""Golden label-noise reference for tests/test_label_noise.py: cleanlab's ``find_label_issues``
(2.9.0, default settings: prune by noise rate) on qfast's out-of-fold probabilities for the
82,525 Chinese reviews of ``zh_reviews_chinesenlpcorpus`` with 5% of ``label_sentiment``
flipped (seeded).

The script flips the labels with :func:`qfast.label_noise.flip_labels`, computes qfast's
out-of-fold probabilities (5 folds, default classifier, fixed seed), and writes a compact JSON:
the seeds, counts, a SHA-256 of the probabilities (rounded to 6 decimals, little-endian float64,
row-major) so that the test can check it recomputed the same probabilities, cleanlab's version,
the rows cleanlab flags and its precision and recall against the flipped rows.

usage: python scripts/gen_golden_label_noise.py [EVAL_DATA_DIR]   (pip install cleanlab==2.9.0)
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import cleanlab
import numpy as np
import pyarrow.parquet as pq
from cleanlab.filter import find_label_issues

from qfast.label_noise import flip_labels, out_of_fold_probs

REPO = Path(__file__).resolve().parent.parent
EVAL = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval_data"
OUT = REPO / "tests" / "golden" / "label_noise_zh.json"
FILE = "zh_reviews_chinesenlpcorpus.parquet"
RATE, FLIP_SEED, FOLD_SEED, FOLDS = 0.05, 0, 0, 5


def probs_sha256(probs: np.ndarray) -> str:
    return hashlib.sha256(np.round(probs, 6).astype("<f8").tobytes()).hexdigest()


def main() -> None:
    table = pq.read_table(EVAL / FILE, columns=["text", "label_sentiment"])
    true = table.column("label_sentiment").to_pylist()
    noisy, flipped = flip_labels(true, RATE, seed=FLIP_SEED)
    t0 = time.perf_counter()
    oof = out_of_fold_probs(table, noisy, folds=FOLDS, seed=FOLD_SEED)
    oof_s = time.perf_counter() - t0
    given = np.array([oof.classes.index(str(v)) for v in noisy])
    flagged = np.flatnonzero(find_label_issues(given, oof.probs))
    tp = int(flipped[flagged].sum())
    OUT.write_text(
        json.dumps(
            {
                "file": FILE,
                "label_column": "label_sentiment",
                "rows": len(true),
                "flip_rate": RATE,
                "flip_seed": FLIP_SEED,
                "flipped": int(flipped.sum()),
                "flipped_sha256": hashlib.sha256(
                    np.flatnonzero(flipped).astype("<i8").tobytes()
                ).hexdigest(),
                "folds": FOLDS,
                "fold_seed": FOLD_SEED,
                "classes": oof.classes,
                "probs_sha256": probs_sha256(oof.probs),
                "oof_accuracy_given": round(oof.accuracy, 6),
                "oof_accuracy_true": round(
                    float(
                        np.mean(
                            np.array(oof.classes)[oof.probs.argmax(1)] == np.array(true, dtype=str)
                        )
                    ),
                    6,
                ),
                "reference": f"cleanlab {cleanlab.__version__} "
                "cleanlab.filter.find_label_issues(labels, pred_probs) (defaults)",
                "cleanlab_version": cleanlab.__version__,
                "cleanlab_flagged": flagged.tolist(),
                "cleanlab_precision": tp / len(flagged),
                "cleanlab_recall": tp / int(flipped.sum()),
            },
            separators=(",", ":"),
        )
        + "\n"
    )
    print(
        f"{len(true)} rows, {int(flipped.sum())} flipped, OOF {oof_s:.1f} s, accuracy "
        f"{oof.accuracy:.4f}; cleanlab flags {len(flagged)}: precision {tp / len(flagged):.4f}, "
        f"recall {tp / int(flipped.sum()):.4f} -> {OUT}"
    )


if __name__ == "__main__":
    main()
