"""Side-by-side runs shared by the per-language benches: datatrove 0.10.1's FineWeb chain, word
tokenizer and ``split_into_sentences`` against qfast with the same ``language=`` on the same
texts, single thread, one record each (see benches/conftest.py's ``recorder``)."""

from __future__ import annotations

import time
from typing import Any

import pyarrow as pa

import qfast


def time_it(fn: Any) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def datatrove_chain(texts: list[str], language: str) -> int:
    """Documents datatrove's FineWeb chain keeps."""
    from datatrove.data import Document
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )
    from datatrove.utils.text import split_into_parts

    split_into_parts.cache_clear()
    gen = iter(Document(text=t, id=str(i)) for i, t in enumerate(texts))
    for s in (
        GopherRepetitionFilter(language=language),
        GopherQualityFilter(language=language),
        C4QualityFilter(filter_no_terminal_punct=False, language=language),
        FineWebQualityFilter(language=language),
    ):
        gen = s.run(gen)
    return sum(1 for _ in gen)


def _record(
    recorder: Any, bench: str, texts: list[str], qfast_s: float, peer_s: float, step: str
) -> None:
    language = step.split("'")[1]
    recorder.side_by_side(
        bench,
        len(texts),
        sum(len(t.encode()) for t in texts),
        qfast_s,
        f"datatrove-0.10.1 {step.split('(')[0]} language={language}",
        peer_s,
        {"step": step},
    )


def chain(recorder: Any, bench: str, texts: list[str], language: str, warm: str) -> None:
    """FineWeb chain; the kept count must agree."""
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    load_word_tokenizer(language).word_tokenize(warm)
    kept = 0

    def peer() -> None:
        nonlocal kept
        kept = datatrove_chain(texts, language)

    peer_s = time_it(peer)
    qfast.set_num_threads(1)
    col = pa.array(texts, type=pa.large_string())
    p = qfast.Pipeline.fineweb(language=language)
    p.run(col)  # warm-up: loads the dictionary and model once per process
    qfast_s = min(time_it(lambda: p.run(col)) for _ in range(3))
    assert len(p.run(col).data) == kept  # same decisions on these texts
    _record(recorder, bench, texts, qfast_s, peer_s, f"Pipeline.fineweb(language={language!r})")


def words(recorder: Any, bench: str, texts: list[str], language: str, warm: str) -> None:
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    tok = load_word_tokenizer(language)
    tok.word_tokenize(warm)
    peer_s = time_it(lambda: [tok.word_tokenize(t) for t in texts])
    qfast.set_num_threads(1)
    col = pa.array(texts, type=pa.large_string())
    qfast.words(col[:10], language=language)
    qfast_s = min(time_it(lambda: qfast.words(col, language=language)) for _ in range(3))
    _record(recorder, bench, texts, qfast_s, peer_s, f"words(language={language!r})")


def sentences(recorder: Any, bench: str, texts: list[str], language: str, warm: str) -> None:
    from datatrove.utils.text import split_into_parts, split_into_sentences
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    load_word_tokenizer(language).sent_tokenize(warm)
    split_into_parts.cache_clear()
    peer_s = time_it(lambda: [split_into_sentences(t, language) for t in texts])
    qfast.set_num_threads(1)
    col = pa.array(texts, type=pa.large_string())
    qfast.sentences(col[:10], language=language)
    qfast_s = min(time_it(lambda: qfast.sentences(col, language=language)) for _ in range(3))
    _record(recorder, bench, texts, qfast_s, peer_s, f"sentences(language={language!r})")
