"""Rule filters: datatrove's ``C4BadWordsFilter`` (word lists per language, matched in one
Aho-Corasick pass by the core).

Word lists are read from files the user names: one file per language, one word per line
(the LDNOOBW layout datatrove downloads; qfast never downloads). datatrove pins
``github.com/LDNOOBW/List-of-Dirty-Naughty-Obscene-and-Otherwise-Bad-Words`` at commit
``25e679f0`` for ``en`` and ``5faf2ba4`` for the other languages.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import _qfast
from ._input import text_column
from .errors import ConfigError

_REASON = "document_removed_with_badwords"


def _read_list(path: str | os.PathLike[str]) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f]


class C4BadWords:
    """datatrove ``C4BadWordsFilter``: drop a row whose lowercased text contains a listed word
    of its language (word-bounded by ``\\W``, except plain substrings for ja, th and zh; the ja
    and zh allowlists apply to every language, as in datatrove). With ``keep_fraction > 0`` a
    row with a hit is kept with that probability, drawn from numpy's ``default_rng(seed)`` in
    row order (so a seeded run reproduces datatrove's choices).

    ``lists``: language -> a word-list file, or the words themselves; ``lists_dir``: a directory
    of files named by language code. The row's language comes from ``language_column`` when
    the input table has it (null or absent: ``default_language``). A language without a list
    raises :class:`~qfast.errors.ConfigError` naming the row, or, with
    ``fail_on_missing_language=False``, keeps the row and counts it.
    """

    name = "c4_badwords"
    reason = _REASON

    def __init__(
        self,
        lists: dict[str, str | os.PathLike[str] | list[str]] | None = None,
        lists_dir: str | os.PathLike[str] | None = None,
        keep_fraction: float = 0.0,
        fail_on_missing_language: bool = True,
        seed: int | None = None,
        default_language: str = "en",
        language_column: str = "language",
    ) -> None:
        words: dict[str, list[str]] = {}
        if lists_dir is not None:
            d = Path(lists_dir)
            if not d.is_dir():
                raise ConfigError(f"lists_dir={str(d)!r} is not a directory")
            for p in sorted(d.iterdir()):
                if p.is_file() and not p.name.startswith("."):
                    words[p.name] = _read_list(p)
        for lang, src in (lists or {}).items():
            words[lang] = list(src) if isinstance(src, list) else _read_list(src)
        if not words:
            raise ConfigError("C4BadWords needs word lists: pass lists= or lists_dir=")
        if seed is not None and seed < 0:
            raise ConfigError(f"seed={seed}: numpy seeds are non-negative")
        self.languages = sorted(words)
        self.keep_fraction = keep_fraction
        self.fail_on_missing_language = fail_on_missing_language
        self.default_language = default_language
        self.language_column = language_column
        self._state = _qfast.BadWordsState(sorted(words.items()), keep_fraction, seed)
        self.stats: Counter[str] = Counter()

    def _codes(self, data: Any, column: str) -> tuple[pa.Array, pa.Array | None]:
        table, col = text_column(data, column)
        langs = None
        if table is not None and self.language_column in table.column_names:
            langs = table.column(self.language_column)
            if pa.types.is_null(langs.type):  # an all-null column: every row uses the default
                langs = None
        codes = self._state.verdicts(
            col, column, langs, self.language_column, self.default_language
        )
        return codes, langs

    def verdict(self, data: Any, column: str = "text") -> pa.Table:
        """``keep`` and ``reason`` per row (reason ``document_removed_with_badwords``, or
        ``null_text``)."""
        codes, langs = self._codes(data, column)
        n = len(codes)
        lang_list = (
            [x if x is not None else self.default_language for x in langs.to_pylist()]
            if langs is not None
            else [self.default_language] * n
        )
        code_list = codes.to_pylist()
        for i, c in enumerate(code_list):
            if c == 3:
                if self.fail_on_missing_language:
                    raise ConfigError(
                        f"row {i}: no bad-words list for language {lang_list[i]!r} "
                        f"(lists: {self.languages}); pass fail_on_missing_language=False to keep such rows"
                    )
                self.stats[f"missing_badwords_lang_{lang_list[i]}"] += 1
            elif c in (1, 2):
                self.stats["documents_with_badwords"] += 1
                self.stats[f"documents_with_badwords_{lang_list[i]}"] += 1
                if c == 1:
                    self.stats[f"document_removed_with_badwords_{lang_list[i]}"] += 1
        keep = pc.fill_null(pc.not_equal(codes, 1), False)
        reason = pc.if_else(
            pc.is_null(codes),
            "null_text",
            pc.if_else(pc.equal(codes, 1), _REASON, pa.scalar(None, pa.large_utf8())),
        )
        return pa.table({"keep": keep, "reason": reason.cast(pa.large_utf8())})

    def filter(self, data: Any, column: str = "text") -> Any:
        """The rows kept (same kind of input)."""
        table, col = text_column(data, column)
        keep = self.verdict(data, column).column("keep")
        return pc.filter(col, keep) if table is None else table.filter(keep)

    def _pipeline_mark(self, table: pa.Table, column: str) -> dict[str, Any]:
        v = self.verdict(table, column)
        return {
            "drop": pc.invert(v.column("keep")).combine_chunks(),
            "reason": v.column("reason").to_pylist(),
            "columns": {},
        }


__all__ = ["C4BadWords"]
