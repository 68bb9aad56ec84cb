"""Tokenizer modes through the Python API: spaCy parity vectors from the spec, and the fast
UAX #29 mode, which is explicitly not datatrove-exact."""

from __future__ import annotations

import pyarrow as pa
import pytest

import qfast

SPACY = {
    "id": ["i", "d"],
    "cannot": ["can", "not"],
    "don't": ["do", "n't"],
    "10km": ["10", "km"],
    "hello...": ["hello", "..."],
    "(test)": ["(", "test", ")"],
    "a--b": ["a", "--", "b"],
    "x/y": ["x", "/", "y"],
    "co-operate": ["co", "-", "operate"],
    'end."': ["end", ".", '"'],
    "e.g. U.S. 3rd 1,000.5 foo@bar.com :)": ["e.g.", "U.S.", "3rd", "1,000.5", "foo@bar.com", ":)"],
    "see https://example.com/a?b=c now": ["see", "https://example.com/a?b=c", "now"],
}


@pytest.mark.parametrize("text", list(SPACY))
def test_spacy_mode_splits_like_spacy(text: str) -> None:
    assert qfast.words(pa.array([text])).to_pylist() == [SPACY[text]]


def test_sentences_follow_the_sentencizer() -> None:
    out = qfast.sentences(pa.array(["(a) item. (b) item", "Line one.\nline two", ""])).to_pylist()
    assert out == [["(a) item. (", "b) item"], ["Line one.", "\nline two"], [""]]


def test_unicode_mode_uses_word_boundaries() -> None:
    out = qfast.words(pa.array(["Don't stop: 3.5 km, naïve café!"]), tokenizer="unicode")
    assert out.to_pylist() == [["Don't", "stop", ":", "3.5", "km", ",", "naïve", "café", "!"]]
    # a pipeline can run on it too (same filters, different word lists)
    v = qfast.Pipeline.fineweb(tokenizer="unicode").verdict(pa.array(["hello world"]))
    assert v.column("reason").to_pylist() == ["top_2_gram"]


def test_unknown_tokenizer_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown tokenizer"):
        qfast.words(pa.array(["x"]), tokenizer="nltk")  # type: ignore[arg-type]
