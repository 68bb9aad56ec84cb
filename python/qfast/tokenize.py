"""Word and sentence splitting as datatrove does it (spaCy 3.8.18 ``blank("en")`` with the
sentencizer, tokens stripped and empty ones dropped), or with fast UAX #29 word boundaries."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from . import _qfast
from ._input import text_column
from .filters import Tokenizer


def words(data: Any, column: str = "text", tokenizer: Tokenizer = "spacy") -> pa.Array:
    """Per-row word lists (``list<large_string>``; null for a null row)."""
    _, col = text_column(data, column)
    return _qfast.words(col, column, tokenizer)


def sentences(data: Any, column: str = "text", tokenizer: Tokenizer = "spacy") -> pa.Array:
    """Per-row sentence pieces, contiguous and covering the text, as datatrove's
    ``split_into_sentences`` returns them."""
    _, col = text_column(data, column)
    return _qfast.sentences(col, column, tokenizer)


__all__ = ["words", "sentences"]
