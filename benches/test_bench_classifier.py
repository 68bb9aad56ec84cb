"""fastText supervised training: the ``fasttext`` package (a training build, e.g.
``fasttext-numpy2-wheel``; ``fasttext-predict`` cannot train) and qfast's core on the same 499
DCLM documents with the same hyperparameters (scripts/gen_golden_classifier.py HPARAMS), one
thread each. Results: benches/results/classifier.json."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import qfast

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval_data"
sys.path.insert(0, str(REPO / "scripts"))
from gen_golden_classifier import HPARAMS, documents, one_line, train_reference  # noqa: E402


def test_training_time_side_by_side(recorder: Any) -> None:
    fasttext = pytest.importorskip("fasttext")
    if not hasattr(fasttext, "train_supervised"):
        pytest.skip("this fasttext build cannot train (install fasttext-numpy2-wheel)")
    texts, labels = documents(EVAL)
    lines = [one_line(t) for t in texts]
    nbytes = sum(len(t.encode()) for t in lines)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "train.txt"
        path.write_text("".join(f"__label__{y} {x}\n" for x, y in zip(lines, labels)))
        t = time.perf_counter()
        train_reference(path)
        peer_s = time.perf_counter() - t
        table = pa.table({"text": lines})
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            qfast.train_fasttext(table, labels, Path(d) / "q.bin", threads=1, **HPARAMS)
            best = min(best, time.perf_counter() - t)
    recorder.side_by_side(
        "classifier",
        docs=len(lines),
        nbytes=nbytes,
        qfast_s=best,
        peer="fasttext-0.9.2 train_supervised",
        peer_s=peer_s,
        params={"step": "train_fasttext (softmax)", **HPARAMS},
    )
    print(f"\ntraining: fasttext {peer_s:.2f} s, qfast {best:.2f} s, ratio {peer_s / best:.2f}")
