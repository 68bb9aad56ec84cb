"""Chains of filters over Arrow data, with one tokenization per document shared by the steps.

A :class:`Pipeline` runs its steps as datatrove runs a chain: each step sees the rows the
previous steps kept, with the text as they left it (C4 rewrites it), and the first step that
drops a row gives its reason. The data are filtered once at the end. Statistics are kept per
step, named like datatrove's (``rows_in``, ``bytes_in``, ``kept``, ``dropped``,
``dropped_<reason>``), and accumulate over calls.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import _qfast, languages
from ._input import filter_rows, like, text_column, unview
from .chat import ChatFilter, OnColumn
from .decontam import Decontaminate
from .dedup import ExactDedup, MinHashDedup
from .errors import ConfigError
from .filters import C4Quality, Filter, FineWebQuality, GopherQuality, GopherRepetition, Tokenizer
from .lm import Perplexity
from .models import FastTextScore, LanguageFilter
from .rules import C4BadWords, RegexFilter, URLFilter, WordList
from .tokens import TokenCount

# Steps that run between core filter chains, each deciding per row itself.
MarkStep = (
    ExactDedup
    | MinHashDedup
    | LanguageFilter
    | FastTextScore
    | C4BadWords
    | URLFilter
    | RegexFilter
    | WordList
    | TokenCount
    | Decontaminate
    | ChatFilter
    | OnColumn
    | Perplexity
)
_MARK_STEP_TYPES = (
    ExactDedup,
    MinHashDedup,
    LanguageFilter,
    FastTextScore,
    C4BadWords,
    URLFilter,
    RegexFilter,
    WordList,
    TokenCount,
    Decontaminate,
    ChatFilter,
    OnColumn,
    Perplexity,
)
Step = Filter | MarkStep


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

    def __init__(self, steps: Sequence[Step], tokenizer: Tokenizer = "spacy") -> None:
        if not steps:
            raise ValueError("a Pipeline needs at least one step")
        for s in steps:
            if not isinstance(s, (Filter, *_MARK_STEP_TYPES)):
                raise TypeError(
                    "pipeline steps must be qfast filters, ExactDedup, MinHashDedup, "
                    "LanguageFilter, FastTextScore, C4BadWords, URLFilter, RegexFilter, WordList, TokenCount "
                    "Decontaminate, ChatFilter, OnColumn or Perplexity, "
                    f"got {type(s).__name__}"
                )
        self.steps: tuple[Step, ...] = tuple(steps)
        self.tokenizer: Tokenizer = tokenizer
        # One tokenizer for every filter step: the one their common language needs.
        self._tok = languages.common(
            set().union(*(s._languages() for s in self.steps if isinstance(s, Filter))), tokenizer
        )
        # Runs of consecutive filters go to the core as one chain; dedup and model/rule steps
        # run between them.
        self._segments: list[tuple[int, list[Filter] | MarkStep]] = []
        for i, s in enumerate(self.steps):
            if isinstance(s, Filter):
                last = self._segments[-1][1] if self._segments else None
                if isinstance(last, list):
                    last.append(s)
                else:
                    self._segments.append((i, [s]))
            else:
                self._segments.append((i, s))
        self._spec = json.dumps([s._spec() for s in self.steps if isinstance(s, Filter)])
        self._has_dedup = any(not isinstance(s, Filter) for s in self.steps)
        self._stats: list[dict[str, Any]] = [{"name": s.name} for s in self.steps]
        # Threads may share a pipeline (the kernels release the GIL): the running totals are
        # read-modify-write, so updates take a lock rather than lose counts.
        self._stats_lock = threading.Lock()

    @classmethod
    def fineweb(cls, tokenizer: Tokenizer = "spacy", language: str = "en") -> Pipeline:
        """The FineWeb recipe as datatrove chains it: Gopher repetition, Gopher quality, C4
        (``filter_no_terminal_punct=False``), FineWeb quality. ``language`` picks the word
        tokenizer as datatrove's ``language=`` does (:mod:`qfast.languages`); the thresholds
        stay datatrove's defaults, which is what its filters do for every language."""
        return cls(
            [
                GopherRepetition(language=language),
                GopherQuality(language=language),
                C4Quality(filter_no_terminal_punct=False, language=language),
                FineWebQuality(language=language),
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
        with self._stats_lock:
            return [dict(s) for s in self._stats]

    def reset_stats(self) -> None:
        with self._stats_lock:
            self._stats = [{"name": s.name} for s in self.steps]

    def verdict(self, data: Any, column: str = "text") -> pa.Table:
        """``keep``, ``reason`` and ``step`` per row (plus ``text`` if a step rewrites it)."""
        if self._has_dedup:
            return self.run(data, column).verdict
        _, col = text_column(data, column)
        out = self._run_kernel(col, column)
        cols = {"keep": out["keep"], "reason": out["reason"], "step": out["step"]}
        if out["text"] is not None:
            cols["text"] = out["text"]
        return pa.table(cols)

    def _run_kernel(self, col: Any, column: str) -> dict[str, Any]:
        out = _qfast.run_steps(col, self._spec, column, self._tok)
        with self._stats_lock:
            _merge_stats(self._stats, out["stats"])
        return out

    def __call__(self, batch: Any, column: str = "text") -> Any:
        """The kept rows of ``batch`` (an Arrow table, a data frame, or a ``{column: list}``
        dict as HF ``datasets`` passes in its default format), in the same kind: so that
        ``ds.map(pipeline, batched=True)`` filters a dataset."""
        if isinstance(batch, Mapping):
            # HF's LazyBatch keeps the Arrow table it was built from: use it, not the lists.
            table = getattr(batch, "pa_table", None)
            kept = self.run(
                table if isinstance(table, pa.Table) else pa.table(dict(batch)), column=column
            ).data
            return kept.to_pydict()
        return self.run(batch, column=column).data

    def run(self, data: Any, column: str = "text") -> PipelineResult:
        """Filters ``data`` (table, record batch, data frame, array...). Returns the kept rows,
        the per-row verdict and this call's statistics.

        Dedup steps see the rows the steps before them kept. ``ExactDedup`` remembers texts
        across calls (one pass over a stream); ``MinHashDedup`` dedups the rows of each call
        (across calls, give it an ``LSHIndex``, or run ``MinHashDedup.filter_batches``, which
        reads the stream twice)."""
        if self._has_dedup:
            return self._run_segments(data, column)
        table, col = text_column(data, column)
        out = self._run_kernel(col, column)
        keep = out["keep"]
        verdict = pa.table({"keep": keep, "reason": out["reason"], "step": out["step"]})
        new_text = out["text"]
        if table is None:
            src = new_text if new_text is not None else col
            kept = filter_rows(src, keep)
        else:
            if new_text is not None:
                idx = table.column_names.index(column)
                table = table.set_column(idx, pa.field(column, pa.large_utf8()), new_text)
            kept = filter_rows(table, keep)
        return PipelineResult(data=like(data, kept), verdict=verdict, stats=out["stats"])

    def _run_segments(self, data: Any, column: str) -> PipelineResult:
        table, col = text_column(data, column)
        n = len(col)
        rows = unview(table) if table is not None else pa.table({column: unview(col)})
        alive = pa.array(range(n), type=pa.int64())
        cur = rows
        reason: list[str | None] = [None] * n
        step: list[int | None] = [None] * n
        call_stats: list[dict[str, Any]] = [{"name": s.name} for s in self.steps]
        rewritten = False
        for first, seg in self._segments:
            if cur.num_rows == 0:
                break
            text = cur.column(column)
            nbytes = int(pc.sum(pc.binary_length(text)).as_py() or 0)
            if isinstance(seg, list):
                spec = json.dumps([f._spec() for f in seg])
                out = _qfast.run_steps(text, spec, column, self._tok)
                for j, st in enumerate(out["stats"]):
                    call_stats[first + j] = st
                keep = out["keep"]
                r, s_ = out["reason"].to_pylist(), out["step"].to_pylist()
                if out["text"] is not None:
                    idx = cur.column_names.index(column)
                    cur = cur.set_column(idx, pa.field(column, pa.large_utf8()), out["text"])
                    rewritten = True
            else:
                mark = seg._pipeline_mark(cur, column)
                if isinstance(mark, dict):
                    # Model steps: per-row reasons, and columns they add to the kept rows.
                    dup, r = mark["drop"], mark["reason"]
                    for name, values in mark["columns"].items():
                        if name in cur.column_names:
                            cur = cur.set_column(cur.column_names.index(name), name, values)
                        else:
                            cur = cur.append_column(name, values)
                        rewritten = True
                else:
                    dup = mark
                    r = [seg.reason if d else None for d in dup.to_pylist()]
                keep = pc.invert(dup)
                nd = int(pc.sum(dup).as_py() or 0)
                s_ = [0 if d else None for d in dup.to_pylist()]
                kept_bytes = int(pc.sum(pc.binary_length(filter_rows(text, keep))).as_py() or 0)
                call_stats[first] = {
                    "name": seg.name,
                    "rows_in": cur.num_rows,
                    "bytes_in": nbytes,
                    "kept": cur.num_rows - nd,
                    "bytes_kept": kept_bytes,
                    "dropped": nd,
                    f"dropped_{seg.reason}": 0,
                }
                for why in r:
                    if why is not None:
                        key = f"dropped_{why}"
                        call_stats[first][key] = call_stats[first].get(key, 0) + 1
            ids = alive.to_pylist()
            for i, (ri, si) in enumerate(zip(r, s_)):
                if ri is not None or si is not None:
                    reason[ids[i]] = ri
                    step[ids[i]] = None if si is None else first + si
            alive = pc.filter(alive, keep)
            cur = filter_rows(cur, keep)
        keep_all = [False] * n
        for i in alive.to_pylist():
            keep_all[i] = True
        verdict = pa.table(
            {
                "keep": pa.array(keep_all),
                "reason": pa.array(reason, type=pa.large_utf8()),
                "step": pa.array(step, type=pa.int32()),
            }
        )
        with self._stats_lock:
            _merge_stats(self._stats, call_stats)
        kept: Any = cur if table is not None else cur.column(column)
        if table is not None and not rewritten:
            kept = filter_rows(table, verdict.column("keep"))
        return PipelineResult(data=like(data, kept), verdict=verdict, stats=call_stats)

    def run_batches(
        self, batches: Iterable[pa.RecordBatch] | pa.RecordBatchReader, column: str = "text"
    ) -> Iterator[pa.Table]:
        """Filters a stream of record batches lazily, one batch at a time. A ``MinHashDedup``
        step needs the whole stream (two passes) unless it has an ``LSHIndex``."""
        for s in self.steps:
            if isinstance(s, MinHashDedup) and s.index is None:
                raise ConfigError(
                    "MinHashDedup over a stream needs two passes: give it an LSHIndex (batches are "
                    "then deduplicated against all earlier ones) or use "
                    "MinHashDedup.filter_batches(make_batches)"
                )
        for batch in batches:
            yield self.run(batch, column=column).data

    def report(self) -> str:
        """The accumulated statistics as a plain-text table."""
        lines = []
        for s in self.stats:
            drops = {k: v for k, v in s.items() if k.startswith("dropped_")}
            lines.append(
                f"{s['name']}: rows_in={s.get('rows_in', 0)} kept={s.get('kept', 0)} "
                f"bytes_in={s.get('bytes_in', 0)} "
                + " ".join(f"{k}={v}" for k, v in sorted(drops.items()))
            )
        return "\n".join(lines)


__all__ = ["Pipeline", "PipelineResult"]
