"""Chains of filters over Arrow data, with one tokenization per document shared by the steps.

A :class:`Pipeline` runs its steps as datatrove runs a chain: each step sees the rows the
previous steps kept, with the text as they left it (C4 rewrites it), and the first step that
drops a row gives its reason. The data are filtered once at the end. Statistics are kept per
step, named like datatrove's (``rows_in``, ``bytes_in``, ``kept``, ``dropped``,
``dropped_<reason>``), and accumulate over calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import _qfast
from ._input import text_column
from .filters import C4Quality, Filter, FineWebQuality, GopherQuality, GopherRepetition, Tokenizer


@dataclass
class PipelineResult:
    """What :meth:`Pipeline.run` returns."""

    #: The kept rows, same kind as the input (pyarrow Table for tables, Array for arrays),
    #: with the text column as the steps left it.
    data: Any
    #: ``keep`` (bool), ``reason`` (null when kept), ``step`` (index of the dropping step, null
    #: when kept) for every input row.
    verdict: pa.Table
    #: Statistics of this call, one dict per step.
    stats: list[dict[str, Any]]


def _merge_stats(into: list[dict[str, Any]], new: list[dict[str, Any]]) -> None:
    for acc, s in zip(into, new):
        for k, v in s.items():
            if k == "name":
                acc[k] = v
            else:
                acc[k] = acc.get(k, 0) + v


class Pipeline:
    """Runs filters in order over Arrow data.

    >>> import pyarrow as pa, qfast
    >>> p = qfast.Pipeline.fineweb()
    >>> out = p.run(pa.table({"text": ["too short"]}))
    >>> out.data.num_rows, out.verdict["reason"][0].as_py()
    (0, 'top_2_gram')
    """

    def __init__(self, steps: Sequence[Filter], tokenizer: Tokenizer = "spacy") -> None:
        if not steps:
            raise ValueError("a Pipeline needs at least one step")
        for s in steps:
            if not isinstance(s, Filter):
                raise TypeError(f"pipeline steps must be qfast filters, got {type(s).__name__}")
        self.steps: tuple[Filter, ...] = tuple(steps)
        self.tokenizer: Tokenizer = tokenizer
        self._spec = json.dumps([s._spec() for s in self.steps])
        self._stats: list[dict[str, Any]] = [{"name": s.name} for s in self.steps]

    @classmethod
    def fineweb(cls, tokenizer: Tokenizer = "spacy") -> Pipeline:
        """The FineWeb recipe as datatrove chains it: Gopher repetition, Gopher quality, C4
        (``filter_no_terminal_punct=False``), FineWeb quality."""
        return cls(
            [
                GopherRepetition(),
                GopherQuality(),
                C4Quality(filter_no_terminal_punct=False),
                FineWebQuality(),
            ],
            tokenizer=tokenizer,
        )

    def __repr__(self) -> str:
        return f"Pipeline({list(self.steps)!r}, tokenizer={self.tokenizer!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Pipeline, (self.steps, self.tokenizer))

    @property
    def stats(self) -> list[dict[str, Any]]:
        """Statistics accumulated over every call, one dict per step."""
        return [dict(s) for s in self._stats]

    def reset_stats(self) -> None:
        self._stats = [{"name": s.name} for s in self.steps]

    def verdict(self, data: Any, column: str = "text") -> pa.Table:
        """``keep``, ``reason`` and ``step`` per row (plus ``text`` if a step rewrites it)."""
        _, col = text_column(data, column)
        out = self._run_kernel(col, column)
        cols = {"keep": out["keep"], "reason": out["reason"], "step": out["step"]}
        if out["text"] is not None:
            cols["text"] = out["text"]
        return pa.table(cols)

    def _run_kernel(self, col: Any, column: str) -> dict[str, Any]:
        out = _qfast.run_steps(col, self._spec, column, self.tokenizer)
        _merge_stats(self._stats, out["stats"])
        return out

    def run(self, data: Any, column: str = "text") -> PipelineResult:
        """Filters ``data`` (table, record batch, data frame, array...). Returns the kept rows,
        the per-row verdict and this call's statistics."""
        table, col = text_column(data, column)
        out = self._run_kernel(col, column)
        keep = out["keep"]
        verdict = pa.table({"keep": keep, "reason": out["reason"], "step": out["step"]})
        new_text = out["text"]
        if table is None:
            src = new_text if new_text is not None else col
            kept = pc.filter(src, keep)
        else:
            if new_text is not None:
                idx = table.column_names.index(column)
                table = table.set_column(idx, pa.field(column, pa.large_utf8()), new_text)
            kept = table.filter(keep)
        return PipelineResult(data=kept, verdict=verdict, stats=out["stats"])

    def run_batches(
        self, batches: Iterable[pa.RecordBatch] | pa.RecordBatchReader, column: str = "text"
    ) -> Iterator[pa.Table]:
        """Filters a stream of record batches lazily, one batch at a time."""
        for batch in batches:
            yield self.run(batch, column=column).data

    def report(self) -> str:
        """The accumulated statistics as a plain-text table."""
        lines = []
        for s in self._stats:
            drops = {k: v for k, v in s.items() if k.startswith("dropped_")}
            lines.append(
                f"{s['name']}: rows_in={s.get('rows_in', 0)} kept={s.get('kept', 0)} "
                f"bytes_in={s.get('bytes_in', 0)} "
                + " ".join(f"{k}={v}" for k, v in sorted(drops.items()))
            )
        return "\n".join(lines)


__all__ = ["Pipeline", "PipelineResult"]
