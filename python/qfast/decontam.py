"""Decontamination: find training documents that contain text of an evaluation set.

>>> idx = qfast.DecontamIndex.from_files(["mmlu_test.jsonl"], columns=["question"])  # doctest: +SKIP
>>> idx.save("mmlu.qdcn")                                                           # doctest: +SKIP
>>> clean = qfast.Decontaminate("mmlu.qdcn").filter(train)                          # doctest: +SKIP

Both sides are cut into case-folded alphanumeric words (each CJK character a word). An
evaluation item contributes every ``n``-gram of its words (13 by default, as GPT-3's and
lm-evaluation-harness's decontamination); an item shorter than ``n`` words but at least
``min_words`` long contributes itself whole, so short questions are still caught; shorter items
are counted in ``stats`` (``skipped_items``), not indexed. The index is built once and saved.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import _qfast
from ._input import as_table, text_column
from ._steps import RowStep, reasons
from .errors import ConfigError


class DecontamIndex:
    """The n-grams of evaluation texts, with the item each came from (see the module docs)."""

    def __init__(self, n: int = 13, min_words: int = 8) -> None:
        self._state = _qfast.DecontamState(n, min(min_words, n))

    @classmethod
    def from_files(
        cls,
        paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
        columns: str | Sequence[str] = "text",
        n: int = 13,
        min_words: int = 8,
        id_column: str | None = None,
    ) -> DecontamIndex:
        """An index of ``columns`` of Parquet/JSONL files (paths or globs); items are named
        ``<file stem>:<id or row>:<column>``."""
        from .cli import expand_inputs, read_file

        pats = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
        idx = cls(n, min_words)
        for path in expand_inputs([os.fspath(p) for p in pats]):
            idx.add(read_file(path), columns, name=path.name.split(".")[0], id_column=id_column)
        return idx

    def add(
        self,
        data: Any,
        columns: str | Sequence[str] = "text",
        name: str = "eval",
        id_column: str | None = None,
    ) -> DecontamIndex:
        """Adds each non-null cell of ``columns`` (string columns of a table, frame or record
        batch) as an item named ``<name>:<id_column value or row number>:<column>``."""
        table = as_table(data)
        cols = [columns] if isinstance(columns, str) else list(columns)
        for c in [*cols, *([id_column] if id_column else [])]:
            if c not in table.column_names:
                raise ConfigError(f"{name}: no column {c!r}; columns: {table.column_names}")
        ids = (
            [str(v) for v in table[id_column].to_pylist()]
            if id_column
            else [str(i) for i in range(table.num_rows)]
        )
        for c in cols:
            self._state.add(table.select([c]), c, [f"{name}:{i}:{c}" for i in ids])
        return self

    @property
    def n(self) -> int:
        return int(self._state.n)

    @property
    def stats(self) -> dict[str, int]:
        """``items`` added, ``short_items`` indexed whole, ``skipped_items`` (fewer than
        ``min_words`` words), distinct ``grams``."""
        return dict(zip(("items", "short_items", "skipped_items", "grams"), self._state.stats()))

    def scan(self, data: Any, column: str = "text") -> pa.Table:
        """Per row: ``contaminated_windows`` (word windows equal to an evaluation gram),
        ``contaminated_spans`` (merged ``{start, end}`` code-point offsets, so
        ``text[start:end]`` is the overlapping text) and ``contaminated_by`` (matched item
        names); null for a null text."""
        _, col = text_column(data, column)
        out = self._state.scan(col, column)
        return pa.table(
            {
                "contaminated_windows": out["windows"],
                "contaminated_spans": out["spans"],
                "contaminated_by": out["items"],
            }
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the index (atomically; checksummed)."""
        self._state.save(Path(path))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> DecontamIndex:
        """Reads a saved index; a damaged file raises :class:`~qfast.errors.IndexFileError`."""
        idx = cls.__new__(cls)
        idx._state = _qfast.DecontamState.load(Path(path))
        return idx

    def __reduce__(self) -> tuple[Any, ...]:
        return (_from_bytes, (self._state.to_bytes(),))

    def __repr__(self) -> str:
        return f"DecontamIndex(n={self.n}, {self.stats})"


def _from_bytes(data: bytes) -> DecontamIndex:
    idx = DecontamIndex.__new__(DecontamIndex)
    idx._state = _qfast.DecontamState.from_bytes(data)
    return idx


class Decontaminate(RowStep):
    """Drops documents that share more than ``max_windows`` word windows with the evaluation
    texts of ``index`` (a :class:`DecontamIndex` or the path of a saved one); reason
    ``contaminated``. In a pipeline the kept rows gain ``contaminated_windows`` (0 unless
    ``max_windows`` lets some through)."""

    name = "decontaminate"
    reason = "contaminated"

    def __init__(self, index: DecontamIndex | str | os.PathLike[str], max_windows: int = 0) -> None:
        if isinstance(index, (str, os.PathLike)):
            index = DecontamIndex.load(index)
        if not isinstance(index, DecontamIndex):
            raise ConfigError(
                f"index must be a DecontamIndex or a path, got {type(index).__name__}"
            )
        if max_windows < 0:
            raise ConfigError("max_windows must be >= 0")
        self.index = index
        self.max_windows = max_windows

    def signals(self, data: Any, column: str = "text") -> pa.Table:
        return self.index.scan(data, column)

    def verdict(self, data: Any, column: str = "text") -> pa.Table:
        s = self.signals(data, column)
        n = s.column("contaminated_windows")
        keep = pc.fill_null(pc.less_equal(n, self.max_windows), False)
        return pa.table(
            {
                "keep": keep,
                "reason": reasons(pc.is_null(n), keep, self.reason),
                "contaminated_windows": n,
                "contaminated_spans": s.column("contaminated_spans"),
                "contaminated_by": s.column("contaminated_by"),
            }
        )

    def _added_columns(self) -> tuple[str, ...]:
        return ("contaminated_windows",)


__all__ = ["DecontamIndex", "Decontaminate"]
