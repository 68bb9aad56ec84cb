"""datatrove 0.10.1's text-quality filters, computed by the Rust core.

Every filter is a frozen, picklable dataclass whose fields are datatrove's parameters with
datatrove's defaults (``None`` disables a check, as a falsy value does in datatrove). Each has
two faces:

- ``signals(data)``: the quantities it measures, one column each (thresholds not applied);
- ``verdict(data)``: ``keep`` (bool) and ``reason`` (datatrove's reason name, null when kept)
  per row, plus ``text`` for filters that rewrite it (C4).

Filters compose with ``a & b`` (both keep; ``b`` sees ``a``'s rewritten text), ``a | b``
(either keeps) and ``~a`` (keeps what ``a`` drops), and chain in a :class:`qfast.Pipeline`.
A null text is dropped with reason ``null_text`` and kept out of every signal (null signals).

``language`` picks the word tokenizer as datatrove does (:mod:`qfast.languages`): ``"en"`` is
spaCy's English port, ``"zh"`` datatrove's spaCy ``xx`` choice, ``"cmn"`` jieba. Thresholds are
datatrove's defaults whatever the language, as in datatrove.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Literal

import pyarrow as pa

from . import _qfast, languages
from ._input import text_column

#: ``"spacy"``: datatrove's word tokenizer for the filter's ``language``; ``"unicode"``: UAX #29
#: words (fast, not datatrove-exact, any language).
Tokenizer = Literal["spacy", "unicode"]


class Filter:
    """Base class of qfast filters (leaf filters and combinations)."""

    name: ClassVar[str] = "filter"

    def _spec(self) -> dict[str, Any]:
        raise NotImplementedError

    def __post_init__(self) -> None:
        # An unknown language code fails when the filter is made, not on first use.
        language = getattr(self, "language", None)
        if language is not None:
            languages.datatrove_tokenizer(language)

    def _languages(self) -> set[str]:
        """The ``language`` of every leaf filter in this one."""
        language = getattr(self, "language", None)
        return {language} if language is not None else set()

    def _tokenizer(self, tokenizer: Tokenizer) -> Any:
        return languages.common(self._languages(), tokenizer)

    # composition -----------------------------------------------------------------------
    def __and__(self, other: Filter) -> Filter:
        return And((self, other))

    def __or__(self, other: Filter) -> Filter:
        return Or((self, other))

    def __invert__(self) -> Filter:
        return Not(self)

    # evaluation ------------------------------------------------------------------------
    def verdict(self, data: Any, column: str = "text", tokenizer: Tokenizer = "spacy") -> pa.Table:
        """``keep`` and ``reason`` per row (and ``text`` when this filter rewrites it)."""
        _, col = text_column(data, column)
        tok = self._tokenizer(tokenizer)
        out = _qfast.run_steps(col, json.dumps([self._spec()]), column, tok)
        cols = {"keep": out["keep"], "reason": out["reason"]}
        if out["text"] is not None:
            cols["text"] = out["text"]
        return pa.table(cols)

    def signals(self, data: Any, column: str = "text", tokenizer: Tokenizer = "spacy") -> pa.Table:
        """The measured quantities per row, one column each (null for a null text)."""
        _, col = text_column(data, column)
        tok = self._tokenizer(tokenizer)
        batch = _qfast.signals(col, json.dumps(self._spec()), column, tok)
        return pa.Table.from_batches([batch])

    def filter(self, data: Any, column: str = "text", tokenizer: Tokenizer = "spacy") -> Any:
        """The rows this filter keeps (text rewritten where the filter rewrites it)."""
        from .pipeline import Pipeline

        return Pipeline([self], tokenizer=tokenizer).run(data, column=column).data


@dataclass(frozen=True)
class GopherQuality(Filter):
    """datatrove ``GopherQualityFilter``: word counts, word length, symbol, bullet, ellipsis,
    alphabetic and stop-word checks from the Gopher paper. Reasons: ``gopher_short_doc``,
    ``gopher_long_doc``, ``gopher_below_avg_threshold``, ``gopher_above_avg_threshold``,
    ``gopher_too_many_hashes``, ``gopher_too_many_ellipsis``, ``gopher_too_many_bullets``,
    ``gopher_too_many_end_ellipsis``, ``gopher_below_alpha_threshold``,
    ``gopher_enough_stop_words``."""

    name: ClassVar[str] = "gopher_quality"
    min_doc_words: int | None = 50
    max_doc_words: int | None = 100000
    min_avg_word_length: float | None = 3
    max_avg_word_length: float | None = 10
    max_symbol_word_ratio: float | None = 0.1
    max_bullet_lines_ratio: float | None = 0.9
    max_ellipsis_lines_ratio: float | None = 0.3
    max_non_alpha_words_ratio: float | None = 0.8
    min_stop_words: int | None = 2
    stop_words: tuple[str, ...] | None = None
    language: str = "en"

    def _spec(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("language")
        if d["stop_words"] is not None:
            d["stop_words"] = list(d["stop_words"])
        return {"kind": self.name, **d}


@dataclass(frozen=True)
class GopherRepetition(Filter):
    """datatrove ``GopherRepetitionFilter``: duplicate paragraphs/lines and repeated n-grams.
    Reasons: ``empty``, ``dup_para_frac``, ``dup_para_char_frac``, ``dup_line_frac``,
    ``dup_line_char_frac``, ``top_{n}_gram``, ``duplicated_{n}_n_grams``."""

    name: ClassVar[str] = "gopher_repetition"
    dup_line_frac: float | None = 0.3
    dup_para_frac: float | None = 0.3
    dup_line_char_frac: float | None = 0.2
    dup_para_char_frac: float | None = 0.2
    top_n_grams: tuple[tuple[int, float], ...] = ((2, 0.2), (3, 0.18), (4, 0.16))
    dup_n_grams: tuple[tuple[int, float], ...] = (
        (5, 0.15),
        (6, 0.14),
        (7, 0.13),
        (8, 0.12),
        (9, 0.11),
        (10, 0.10),
    )
    language: str = "en"

    def _spec(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("language")
        d["top_n_grams"] = [list(p) for p in self.top_n_grams]
        d["dup_n_grams"] = [list(p) for p in self.dup_n_grams]
        return {"kind": self.name, **d}


@dataclass(frozen=True)
class C4Quality(Filter):
    """datatrove ``C4QualityFilter``: drops lines (no terminal punctuation, too few words, too
    long a word, "javascript", policy text), removes citations, and **rewrites the text** to the
    kept lines. Document reasons: ``lorem_ipsum``, ``curly_bracket``, ``too_few_sentences``.
    ``-1`` disables ``min_num_sentences``, ``min_words_per_line`` and ``max_word_length``."""

    name: ClassVar[str] = "c4_quality"
    split_paragraph: bool = True
    remove_citations: bool = True
    filter_no_terminal_punct: bool = True
    min_num_sentences: int = 5
    min_words_per_line: int = 3
    max_word_length: int = 1000
    filter_lorem_ipsum: bool = True
    filter_javascript: bool = True
    filter_curly_bracket: bool = True
    filter_policy: bool = True
    language: str = "en"

    def _spec(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("language")
        return {"kind": self.name, **d}


@dataclass(frozen=True)
class FineWebQuality(Filter):
    """datatrove ``FineWebQualityFilter``: line punctuation, short lines, duplicated line
    characters and newline ratio. Reasons: ``empty``, ``line_punct_ratio``,
    ``short_line_ratio``, ``char_dup_ratio``, ``list_ratio``."""

    name: ClassVar[str] = "fineweb_quality"
    line_punct_thr: float = 0.12
    line_punct_exclude_zero: bool = False
    stop_chars: tuple[str, ...] | None = None
    short_line_thr: float = 0.67
    short_line_length: int = 30
    char_duplicates_ratio: float = 0.01
    new_line_ratio: float = 0.3
    language: str = "en"

    def _spec(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("language")
        if d["stop_chars"] is not None:
            d["stop_chars"] = list(d["stop_chars"])
        return {"kind": self.name, **d}


@dataclass(frozen=True)
class And(Filter):
    """Keeps a row when every part keeps it; each part sees the text the previous part left."""

    parts: tuple[Filter, ...] = field(default_factory=tuple)
    name: ClassVar[str] = "and"

    def __and__(self, other: Filter) -> Filter:
        return And((*self.parts, other))

    def _spec(self) -> dict[str, Any]:
        return {"kind": "and", "steps": [p._spec() for p in self.parts]}

    def _languages(self) -> set[str]:
        return set().union(*(p._languages() for p in self.parts))

    def signals(self, data: Any, column: str = "text", tokenizer: Tokenizer = "spacy") -> pa.Table:
        return _concat_signals(self.parts, data, column, tokenizer)


@dataclass(frozen=True)
class Or(Filter):
    """Keeps a row when any part keeps it (parts run on the same input text; the first part
    that keeps decides the output text). A dropped row carries the first part's reason."""

    parts: tuple[Filter, ...] = field(default_factory=tuple)
    name: ClassVar[str] = "or"

    def __or__(self, other: Filter) -> Filter:
        return Or((*self.parts, other))

    def _spec(self) -> dict[str, Any]:
        return {"kind": "or", "steps": [p._spec() for p in self.parts]}

    def _languages(self) -> set[str]:
        return set().union(*(p._languages() for p in self.parts))

    def signals(self, data: Any, column: str = "text", tokenizer: Tokenizer = "spacy") -> pa.Table:
        return _concat_signals(self.parts, data, column, tokenizer)


@dataclass(frozen=True)
class Not(Filter):
    """Keeps what ``part`` drops (reason ``not_<name>``); the text is never rewritten."""

    part: Filter = field(default_factory=lambda: GopherQuality())
    name: ClassVar[str] = "not"

    def _spec(self) -> dict[str, Any]:
        return {"kind": "not", "step": self.part._spec(), "name": self.part.name}

    def _languages(self) -> set[str]:
        return self.part._languages()

    def signals(self, data: Any, column: str = "text", tokenizer: Tokenizer = "spacy") -> pa.Table:
        return self.part.signals(data, column, tokenizer)


def _concat_signals(
    parts: tuple[Filter, ...], data: Any, column: str, tokenizer: Tokenizer
) -> pa.Table:
    cols: dict[str, pa.ChunkedArray] = {}
    for i, p in enumerate(parts):
        t = p.signals(data, column, tokenizer)
        for name in t.column_names:
            cols[f"{i}.{p.name}.{name}"] = t.column(name)
    return pa.table(cols)


__all__ = [
    "Filter",
    "GopherQuality",
    "GopherRepetition",
    "C4Quality",
    "FineWebQuality",
    "And",
    "Or",
    "Not",
]
