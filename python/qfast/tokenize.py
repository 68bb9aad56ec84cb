"""Word and sentence splitting as datatrove does it (``split_into_words`` /
``split_into_sentences``: spaCy 3.8.18 with the sentencizer, tokens stripped and empty ones
dropped; the tokenizer datatrove picks for ``language``, see :mod:`qfast.languages`), or with
fast UAX #29 word boundaries (``tokenizer="unicode"``)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from . import _qfast, languages
from ._input import text_column
from .filters import Tokenizer


def words(
    data: Any, column: str = "text", tokenizer: Tokenizer = "spacy", language: str = "en"
) -> pa.Array:
    """Per-row word lists (``list<large_string>``; null for a null row)."""
    _, col = text_column(data, column)
    return _qfast.words(col, column, languages.resolve(language, tokenizer))


def sentences(
    data: Any, column: str = "text", tokenizer: Tokenizer = "spacy", language: str = "en"
) -> pa.Array:
    """Per-row sentence pieces, contiguous and covering the text, as datatrove's
    ``split_into_sentences`` returns them."""
    _, col = text_column(data, column)
    return _qfast.sentences(col, column, languages.resolve(language, tokenizer))


__all__ = ["words", "sentences"]
