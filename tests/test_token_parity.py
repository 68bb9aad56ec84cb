"""Token and sentence parity with spaCy 3.8.18 as datatrove 0.10.1 calls it, over every English
row of eval_data (golden file made by scripts/gen_golden_tokens.py)."""

from __future__ import annotations

import pyarrow as pa
import pytest
from conftest import REPORT
from parity_data import texts_by_id, token_golden

import qfast

THRESHOLD = 0.999


@pytest.fixture(scope="module")
def golden():  # type: ignore[no-untyped-def]
    meta, rows = token_golden()
    docs = []
    for stem, ids, column, n_chars, joined, ends in rows:
        text = texts_by_id(stem, column)[ids[0]]
        assert text is not None and len(text) == n_chars, (stem, ids[0])
        docs.append((f"{stem}/{column}/{ids[0]}", text, joined.split(" ") if joined else [], ends))
    return meta, docs


def _first_diff(a: list[str], b: list[str]) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"token {i}: qfast {x!r} vs spaCy {y!r}"
    return f"length: qfast {len(a)} vs spaCy {len(b)} tokens"


def test_word_tokens_match_spacy(golden) -> None:  # type: ignore[no-untyped-def]
    meta, docs = golden
    got = qfast.words(pa.array([d[1] for d in docs])).to_pylist()
    bad = [(d[0], _first_diff(g, d[2])) for d, g in zip(docs, got) if g != d[2]]
    rate = 1 - len(bad) / len(docs)
    REPORT.append(f"tokens: {len(docs) - len(bad)}/{len(docs)} documents identical ({rate:.4%})")
    REPORT.extend(f"  tokens differ {doc}: {why}" for doc, why in bad)
    assert len(docs) > 1000
    assert rate >= THRESHOLD


def test_sentences_match_spacy(golden) -> None:  # type: ignore[no-untyped-def]
    meta, docs = golden
    got = qfast.sentences(pa.array([d[1] for d in docs])).to_pylist()
    bad = []
    for (name, text, _, ends), pieces in zip(docs, got):
        want = (
            [text[a:b] for a, b in zip([0] + ends[:-1], ends[:-1] + [len(text)])]
            if ends
            else [text]
        )
        if pieces != want:
            bad.append((name, len(pieces), len(want)))
    rate = 1 - len(bad) / len(docs)
    REPORT.append(f"sentences: {len(docs) - len(bad)}/{len(docs)} documents identical ({rate:.4%})")
    REPORT.extend(f"  sentences differ {n}: qfast {a} vs spaCy {b} pieces" for n, a, b in bad)
    assert rate >= THRESHOLD
