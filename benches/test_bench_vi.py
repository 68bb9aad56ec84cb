"""Vietnamese: datatrove 0.10.1 and qfast with ``language="vi"`` on the same texts, single
thread, in one run: the 2,836 vi rows of langid_lingua_testdata and the three long documents of
scripts/gen_golden_vi.py (not its random strings).

Run: `pip install ".[bench]" && pytest benches/test_bench_vi.py -p no:cacheprovider`.
Records land in benches/results/vi.json: the FineWeb chain, the word tokenizer (spaCy vi over
pyvi's CRF through sklearn-crfsuite in datatrove, the port in core here) and
``split_into_sentences`` (spaCy's sentencizer over those words)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import qfast

pytest.importorskip("datatrove")
pytest.importorskip("pyvi")
from datatrove.data import Document  # noqa: E402
from datatrove.pipeline.filters import (  # noqa: E402
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
)
from datatrove.utils.text import split_into_parts, split_into_sentences  # noqa: E402
from datatrove.utils.word_tokenizers import load_word_tokenizer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from conftest import EVAL_DATA  # noqa: E402
from gen_golden_vi import vi_rows  # noqa: E402


@pytest.fixture(scope="module")
def texts() -> list[str]:
    ids, texts = vi_rows(EVAL_DATA)
    return [t for i, t in zip(ids, texts) if not i.startswith("fuzz-")]


def _time(fn: Any) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _datatrove_chain(texts: list[str]) -> int:
    split_into_parts.cache_clear()
    gen = iter(Document(text=t, id=str(i)) for i, t in enumerate(texts))
    for s in (
        GopherRepetitionFilter(language="vi"),
        GopherQualityFilter(language="vi"),
        C4QualityFilter(filter_no_terminal_punct=False, language="vi"),
        FineWebQualityFilter(language="vi"),
    ):
        gen = s.run(gen)
    return sum(1 for _ in gen)


def _record(recorder: Any, texts: list[str], qfast_s: float, peer_s: float, step: str) -> None:
    recorder.side_by_side(
        "vi",
        len(texts),
        sum(len(t.encode()) for t in texts),
        qfast_s,
        f"datatrove-0.10.1 {step.split('(')[0]} language=vi",
        peer_s,
        {"step": step},
    )


def test_fineweb_chain_side_by_side(texts, recorder) -> None:  # type: ignore[no-untyped-def]
    load_word_tokenizer("vi").word_tokenize("Xin chào")
    kept = 0

    def peer() -> None:
        nonlocal kept
        kept = _datatrove_chain(texts)

    peer_s = _time(peer)
    qfast.set_num_threads(1)
    col = pa.array(texts, type=pa.large_string())
    p = qfast.Pipeline.fineweb(language="vi")
    p.run(col)  # warm-up: loads the word list and model once per process
    qfast_s = min(_time(lambda: p.run(col)) for _ in range(3))
    assert len(p.run(col).data) == kept  # same decisions on these texts
    _record(recorder, texts, qfast_s, peer_s, "Pipeline.fineweb(language='vi')")


def test_words_side_by_side(texts, recorder) -> None:  # type: ignore[no-untyped-def]
    tok = load_word_tokenizer("vi")
    tok.word_tokenize("Xin chào")
    peer_s = _time(lambda: [tok.word_tokenize(t) for t in texts])
    qfast.set_num_threads(1)
    col = pa.array(texts, type=pa.large_string())
    qfast.words(col[:10], language="vi")
    qfast_s = min(_time(lambda: qfast.words(col, language="vi")) for _ in range(3))
    _record(recorder, texts, qfast_s, peer_s, "words(language='vi')")


def test_sentences_side_by_side(texts, recorder) -> None:  # type: ignore[no-untyped-def]
    load_word_tokenizer("vi").sent_tokenize("Xin chào")
    split_into_parts.cache_clear()
    peer_s = _time(lambda: [split_into_sentences(t, "vi") for t in texts])
    qfast.set_num_threads(1)
    col = pa.array(texts, type=pa.large_string())
    qfast.sentences(col[:10], language="vi")
    qfast_s = min(_time(lambda: qfast.sentences(col, language="vi")) for _ in range(3))
    _record(recorder, texts, qfast_s, peer_s, "sentences(language='vi')")
