"""fastText models of every loss (softmax, one-vs-all, negative sampling, hierarchical
softmax; dense and quantized, with and without quantized norms) trained by the fasttext
package, and its own predictions (scripts/gen_golden_fasttext.py), against qfast's reader."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import qfast

GOLDEN = Path(__file__).parent / "golden" / "fasttext"
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval_data"
SOURCES = {
    "web": "web_dclm_human_quality",
    "cc": "web_cc_text_samples",
    "ja": "ja_kwdlc_web_leads",
    "zh": "zh_reviews_chinesenlpcorpus",
    "html": "web_html_extracted",
}
MODELS = ["softmax.bin", "ova.bin", "ns.bin", "hs.bin", "softmax_q.ftz", "hs_q.ftz"]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    # The held-out half, rebuilt exactly as the golden script builds it.
    out = []
    for label, stem in SOURCES.items():
        ts = [
            t
            for t in pq.read_table(EVAL / f"{stem}.parquet", columns=["text"])
            .column("text")
            .to_pylist()
            if t
        ]
        out += [(label, " ".join(t.split())[:500]) for t in ts[:1500]]
    random.Random(3).shuffle(out)
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
