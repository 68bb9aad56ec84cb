"""Thai: datatrove 0.10.1 and qfast with ``language="th"`` on the same texts, single thread, in
one run: the 3,000 th rows of langid_lingua_testdata, the spec vectors and the four long
documents of scripts/gen_golden_thai.py (not its random strings).

Run: `pip install ".[bench]" && pytest benches/test_bench_thai.py -p no:cacheprovider`.
Records land in benches/results/thai.json: the FineWeb chain, the word tokenizer (PyThaiNLP
newmm-safe in datatrove, its port in core here) and ``split_into_sentences`` (crfcut through
python-crfsuite in datatrove, the port with its own CRFsuite reader here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("datatrove")
pytest.importorskip("pythainlp")
pytest.importorskip("pycrfsuite")
import langbench  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from conftest import EVAL_DATA  # noqa: E402
from gen_golden_thai import thai_rows  # noqa: E402


@pytest.fixture(scope="module")
def texts() -> list[str]:
    ids, texts = thai_rows(EVAL_DATA)
    return [t for i, t in zip(ids, texts) if not i.startswith("fuzz-")]


def test_fineweb_chain_side_by_side(texts, recorder) -> None:  # type: ignore[no-untyped-def]
    langbench.chain(recorder, "thai", texts, "th", "ทดสอบ")


def test_words_side_by_side(texts, recorder) -> None:  # type: ignore[no-untyped-def]
    langbench.words(recorder, "thai", texts, "th", "ทดสอบ")


def test_sentences_side_by_side(texts, recorder) -> None:  # type: ignore[no-untyped-def]
    langbench.sentences(recorder, "thai", texts, "th", "ทดสอบ")
