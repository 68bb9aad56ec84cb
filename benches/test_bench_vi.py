"""Vietnamese: datatrove 0.10.1 and qfast with ``language="vi"`` on the same texts, single
thread, in one run: the 2,836 vi rows of langid_lingua_testdata and the three long documents of
scripts/gen_golden_vi.py (not its random strings).

Run: `pip install ".[bench]" && pytest benches/test_bench_vi.py -p no:cacheprovider`.
Records land in benches/results/vi.json: the FineWeb chain, the word tokenizer (spaCy vi over
pyvi's CRF through sklearn-crfsuite in datatrove, the port in core here) and
``split_into_sentences`` (spaCy's sentencizer over those words)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("datatrove")
pytest.importorskip("pyvi")
import langbench  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from conftest import EVAL_DATA  # noqa: E402
from gen_golden_vi import vi_rows  # noqa: E402


@pytest.fixture(scope="module")
def texts() -> list[str]:
    ids, texts = vi_rows(EVAL_DATA)
    return [t for i, t in zip(ids, texts) if not i.startswith("fuzz-")]


def test_fineweb_chain_side_by_side(texts, recorder) -> None:  # type: ignore[no-untyped-def]
    langbench.chain(recorder, "vi", texts, "vi", "Xin chào")


def test_words_side_by_side(texts, recorder) -> None:  # type: ignore[no-untyped-def]
    langbench.words(recorder, "vi", texts, "vi", "Xin chào")


def test_sentences_side_by_side(texts, recorder) -> None:  # type: ignore[no-untyped-def]
    langbench.sentences(recorder, "vi", texts, "vi", "Xin chào")
