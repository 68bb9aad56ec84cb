"""fastText models of every loss (softmax, one-vs-all, negative sampling, hierarchical
softmax; dense and quantized, with and without quantized norms) trained by the fasttext
package, and its own predictions (scripts/gen_golden_fasttext.py), against qfast's reader."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from conftest import REPO

import qfast

sys.path.insert(0, str(REPO / "scripts"))
from gen_golden_fasttext import rows  # noqa: E402

GOLDEN = Path(__file__).parent / "golden" / "fasttext"
MODELS = ["softmax.bin", "ova.bin", "ns.bin", "hs.bin", "softmax_q.ftz", "hs_q.ftz"]


@pytest.fixture(scope="module")
def texts(eval_data: Path) -> list[str]:
    # The held-out half, as the golden script samples it.
    out = rows(eval_data)
    return [t for _, t in out[len(out) // 2 :]] + [
        "",
        "   ",
        "unknownwordzz",
        "__label__web only a label",
    ]


@pytest.mark.parametrize("name", MODELS)
def test_predictions_match_fasttext(name: str, texts: list[str]) -> None:
    table = pq.read_table(GOLDEN / "predictions.parquet")
    gold = table.filter(pc.equal(table["model"], name))
    m = qfast.FastText(GOLDEN / name)
    out = m.predict(pa.array(texts), k=None)
    labels, probs = out["label"].to_pylist(), out["prob"].to_pylist()
    n = pc.list_value_length(out["labels"]).to_pylist()
    g_label, g_prob, g_n = (
        gold["label"].to_pylist(),
        gold["prob"].to_pylist(),
        gold["n"].to_pylist(),
    )
    assert len(g_label) == len(texts)
    same = sum(a == b for a, b in zip(labels, g_label))
    diff = max(abs(a - b) for a, b, x, y in zip(probs, g_prob, labels, g_label) if x == y)
    print(f"\n{name} ({m._state.loss}): top-1 {same}/{len(texts)}, max |prob diff| {diff:.2e}")
    assert same == len(texts)
    assert diff <= 1e-4
    assert n == g_n
