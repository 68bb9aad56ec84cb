"""Japanese in core against datatrove 0.10.1's ``load_word_tokenizer("ja")`` (spaCy ja over
SudachiPy 0.7.0 mode A, sudachidict-core 20261015) on every ja row of eval_data plus three long
documents that datatrove cuts into 40,000-byte chunks (golden file from
scripts/gen_golden_sudachi.py): identical words and sentence pieces per row, each disagreement
listed by row id."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import GOLDEN, REPO
from parity_data import split_parity

pytest.importorskip("sudachidict_core")  # the dictionary comes from this package
import qfast  # noqa: E402

sys.path.insert(0, str(REPO / "scripts"))
from gen_golden_sudachi import ja_rows  # noqa: E402


def test_words_and_sentences_identical_to_datatrove(eval_data: Path) -> None:
    ids, texts = ja_rows(eval_data)
    head = json.loads((GOLDEN / "sudachi" / "ja_tokens_head.json").read_text())
    assert head["rows"] == len(ids)
    col = pa.array(texts, type=pa.large_string())
    words = qfast.words(col, language="ja").to_pylist()
    assert words[: len(head["head"])] == head["head"]
    for what, ours in (
        ("token", words),
        ("sentence", qfast.sentences(col, language="ja").to_pylist()),
    ):
        golden = GOLDEN / "sudachi" / f"ja_datatrove_{what}_hashes.bin"
        bad = split_parity(f"datatrove ja {what}s", ids, ours, golden)
        assert len(bad) <= len(ids) // 1000
        long_bad = [ids[i] for i in bad if ids[i].startswith("long-")]
        assert not long_bad, long_bad


def test_edges() -> None:
    out = qfast.words(
        pa.array(["", None, " \n", "㍿と㌔", "漢字(かんじ)と東京（とうきょう）", "a\x00b"]),
        language="ja",
    ).to_pylist()
    assert out[0] == [] and out[1] is None and out[2] == []
    assert out[3] == ["㍿", "と", "㌔"]  # an NFKC expansion's empty surface is dropped
    assert out[4] == ["漢字(かんじ)", "と", "東京", "（", "とうきょう", "）"]
    assert out[5] == ["a", "\x00", "b"]
