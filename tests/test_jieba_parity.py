"""Chinese segmentation in core against jieba 0.42.1's ``jieba.cut`` on every zh row of
eval_data (golden file from scripts/gen_golden_jieba.py): identical tokens per row, each
disagreement listed by row id."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import GOLDEN, REPO, REPORT
from parity_data import split_parity

pytest.importorskip("jieba")  # the dictionary and HMM tables come from the jieba package
import qfast.segment  # noqa: E402

sys.path.insert(0, str(REPO / "scripts"))
from gen_golden_jieba import digest, zh_rows  # noqa: E402


def test_tokens_identical_to_jieba(eval_data: Path) -> None:
    ids, texts = zh_rows(eval_data)
    raw = (GOLDEN / "jieba" / "zh_token_hashes.bin").read_bytes()
    head = json.loads((GOLDEN / "jieba" / "zh_tokens_head.json").read_text())
    assert len(raw) == 8 * len(ids) == 8 * head["rows"]
    ours = qfast.segment.jieba_words(pa.array(texts)).to_pylist()
    assert ours[: len(head["head"])] == head["head"]
    bad = [i for i, t in enumerate(ours) if digest(t) != raw[8 * i : 8 * i + 8]]
    share = 1 - len(bad) / len(ids)
    REPORT.append(
        f"jieba segmentation: {len(ids) - len(bad)}/{len(ids)} zh rows identical ({share:.4%})"
    )
    REPORT.extend(f"  differs: {ids[i]} {''.join(ours[i])[:60]!r}" for i in bad[:50])
    assert share >= 0.999


def test_nulls_and_edges() -> None:
    out = qfast.segment.jieba_words(
        pa.array(["", None, "  ", "ＡＢＣ１２３", "2019年3.5%增长\r\n好"])
    ).to_pylist()
    assert out[0] == [] and out[1] is None and out[2] == [" ", " "]
    assert "".join(out[3]) == "ＡＢＣ１２３" and "".join(out[4]) == "2019年3.5%增长\r\n好"
    assert "\r\n" in out[4]


@pytest.mark.parametrize("language", ["cmn", "zh"])
def test_words_and_sentences_identical_to_datatrove(eval_data: Path, language: str) -> None:
    """datatrove's ``split_into_words`` / ``split_into_sentences`` with ``language`` on the same
    rows: ``"cmn"`` is spaCy zh with the jieba segmenter, ``"zh"`` spaCy's xx tokenizer."""
    ids, texts = zh_rows(eval_data)
    col = pa.array(texts)
    for what, ours in (
        ("token", qfast.words(col, language=language).to_pylist()),
        ("sentence", qfast.sentences(col, language=language).to_pylist()),
    ):
        golden = GOLDEN / "jieba" / f"{language}_datatrove_{what}_hashes.bin"
        bad = split_parity(f"datatrove {language} {what}s", ids, ours, golden)
        assert len(bad) <= len(ids) // 1000
    assert (
        qfast.segment.words(col[:50], language=language).to_pylist()
        == qfast.words(col[:50], language=language).to_pylist()
    )
