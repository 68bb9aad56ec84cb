"""Cleaning mappers run by the core. Each rewrites the text column, never drops a row, and
counts the rows it changed (``stats["rows_changed"]``). Combine several in :class:`Clean` to
run them in one pass per row.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyarrow as pa

from . import _qfast
from ._input import like, text_column
from .errors import ConfigError


class Mapper:
    """Base class: ``apply(data)`` returns the same kind of input with ``column`` rewritten."""

    name = "mapper"

    def __init__(self) -> None:
        self.stats: Counter[str] = Counter()

    def _steps(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def apply(self, data: Any, column: str = "text") -> Any:
        table, col = text_column(data, column)
        out = _qfast.clean_text(col, column, self._steps())
        changed = out["changed"]
        self.stats["rows_in"] += len(changed)
        self.stats["rows_changed"] += sum(changed.to_pylist())
        if table is None:
            return like(data, out["text"])
        i = table.column_names.index(column)
        return like(data, table.set_column(i, pa.field(column, pa.large_utf8()), out["text"]))

    def changed(self, data: Any, column: str = "text") -> pa.Array:
        """Per row: whether this mapper would change the text (nothing is counted)."""
        _, col = text_column(data, column)
        return _qfast.clean_text(col, column, self._steps())["changed"]


class NormalizeUnicode(Mapper):
    """Unicode normalization: ``form`` is NFC (default), NFKC, NFD or NFKD."""

    name = "normalize_unicode"

    def __init__(self, form: str = "NFC") -> None:
        super().__init__()
        if form.upper() not in ("NFC", "NFKC", "NFD", "NFKD"):
            raise ConfigError(f"form={form!r}: use NFC, NFKC, NFD or NFKD")
        self.form = form.upper()

    def _steps(self) -> list[tuple[str, str]]:
        return [("normalize", self.form)]


class NormalizeWhitespace(Mapper):
    """Removes control and invisible format characters (keeps newlines), turns Unicode spaces
    and tabs into one ASCII space per run, strips each line, normalizes line breaks to ``\\n``
    and keeps at most ``max_blank_lines`` empty lines in a row."""

    name = "normalize_whitespace"

    def __init__(self, max_blank_lines: int = 1) -> None:
        super().__init__()
        if max_blank_lines < 0:
            raise ConfigError("max_blank_lines must be >= 0")
        self.max_blank_lines = max_blank_lines

    def _steps(self) -> list[tuple[str, str]]:
        return [("whitespace", str(self.max_blank_lines))]


class StripHTML(Mapper):
    """For text that still carries markup: drops comments, ``script``/``style`` blocks and tags
    (block-level tags become a newline), then decodes entities exactly as Python's
    ``html.unescape`` does."""

    name = "strip_html"

    def _steps(self) -> list[tuple[str, str]]:
        return [("strip_html", "")]


class UnescapeHTML(Mapper):
    """Python's ``html.unescape`` (HTML5 named references, numeric references)."""

    name = "unescape_html"

    def _steps(self) -> list[tuple[str, str]]:
        return [("unescape", "")]


class SymbolLinesRemover(Mapper):
    """datatrove's ``SymbolLinesFormatter`` with its default symbols: runs of lines made only of
    punctuation/symbols and spaces are removed (``replace_char`` is emitted once per run when
    not empty); lines are re-joined with ``\\n``."""

    name = "symbol_lines"

    def __init__(self, replace_char: str = "") -> None:
        super().__init__()
        self.replace_char = replace_char

    def _steps(self) -> list[tuple[str, str]]:
        return [("symbol_lines", self.replace_char)]


class FixMojibake(Mapper):
    """Repairs the most common mojibake: UTF-8 that was decoded as cp1252 or latin-1
    (``cafÃ©`` -> ``café``, ``â€™`` -> ``’``), run by run, only where the bytes decode as valid
    UTF-8. A narrow subset of what ``ftfy.fix_text`` does (see the README for the agreement)."""

    name = "fix_mojibake"

    def _steps(self) -> list[tuple[str, str]]:
        return [("mojibake", "")]


class Clean(Mapper):
    """Several mappers in one pass per row, in the given order."""

    name = "clean"

    def __init__(self, *mappers: Mapper) -> None:
        super().__init__()
        if not mappers:
            raise ConfigError("Clean needs at least one mapper")
        self.mappers = mappers

    def _steps(self) -> list[tuple[str, str]]:
        return [s for m in self.mappers for s in m._steps()]


__all__ = [
    "Mapper",
    "NormalizeUnicode",
    "NormalizeWhitespace",
    "StripHTML",
    "UnescapeHTML",
    "SymbolLinesRemover",
    "FixMojibake",
    "Clean",
]
