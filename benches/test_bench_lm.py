"""n-gram LM scoring: KenLM's Python module (``Model.score`` per line, as a pipeline calls it)
and qfast (a column at a time) on the same ARPA model (a 3-gram trained by qfast on DCLM's
documents) and the same CCNet-normalised English lines, one thread.
Results: benches/results/lm.json."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from conftest import best_time

import qfast

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval_data"
sys.path.insert(0, str(REPO / "scripts"))
from gen_golden_lm import scored_lines, training_text  # noqa: E402


def test_lm_scoring_side_by_side(recorder: Any, tmp_path: Path) -> None:
    kenlm = pytest.importorskip("kenlm")
    lm = qfast.NgramLM.train(pa.array(training_text(EVAL)), order=3)
    path = tmp_path / "m.arpa"
    lm.save(path)
    model = kenlm.Model(str(path))
    lines = scored_lines(EVAL) * 10
    nbytes = sum(len(x.encode()) for x in lines)
    t = time.perf_counter()
    ref = [model.score(x, bos=True, eos=True) for x in lines]
    peer_s = time.perf_counter() - t
    qfast.set_num_threads(1)
    arr = pa.array(lines)
    ours = lm.score(arr).to_pylist()
    assert ours == pytest.approx(ref, abs=1e-4)
    qfast_s = best_time(lambda: lm.score(arr), rounds=5)
    recorder.side_by_side(
        "lm",
        docs=len(lines),
        nbytes=nbytes,
        qfast_s=qfast_s,
        peer="kenlm-0.3.0 Model.score per line",
        peer_s=peer_s,
        params={"step": "NgramLM.score (3-gram ARPA)", "ngrams": lm.counts},
    )
    print(
        f"\nLM scoring: kenlm {nbytes / 1e6 / peer_s:.1f} MB/s, qfast {nbytes / 1e6 / qfast_s:.1f} MB/s"
    )
