"""DSIR: select the documents of a raw pool that look most like a target corpus (Xie et al.
2023, "Data Selection for Language Models via Importance Resampling").

>>> d = qfast.DSIR().fit(target=wiki_table, raw=pool_table)          # doctest: +SKIP
>>> picked = d.resample(pool_table, 100_000, seed=0)                 # row indices, ascending
>>> pool_table.take(picked)                                           # doctest: +SKIP

Features, weights and top-k agree with the ``data-selection`` package (``HashedNgramDSIR``,
1.0.3): lowercased text split like nltk's ``WordPunctTokenizer``; words and 2..``ngrams``-grams
hashed into ``num_buckets`` buckets (sha256, as it does); a document's log importance weight
is the sum over its features of ``log p_target(bucket) - log p_raw(bucket)`` (each ``+ 1e-8``).
Documents with fewer than ``min_example_length`` words are never selected. ``resample`` takes
``num_to_sample`` documents without replacement by Gumbel top-k (noise from
``numpy.random.default_rng(seed)``, deterministic for a seed) or, with ``top_k=True``, the
highest weights. The reference fits the raw distribution on at most ``100000 * num_buckets``
features by default; qfast fits on everything it is given (pass a sample to fit on less).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import _qfast
from ._input import filter_rows, is_tabular, like, text_column
from .errors import ConfigError


def _is_data(x: Any) -> bool:
    return (
        is_tabular(x)
        or isinstance(x, (pa.Array, pa.ChunkedArray))
        or hasattr(x, "__arrow_c_stream__")
    )


class DSIR:
    """Importance resampling toward a target corpus on hashed n-gram features (see the module
    docs)."""

    def __init__(self, ngrams: int = 2, num_buckets: int = 10000, min_example_length: int = 100):
        if ngrams < 1 or num_buckets < 1 or min_example_length < 0:
            raise ConfigError("DSIR needs ngrams >= 1, num_buckets >= 1, min_example_length >= 0")
        self.ngrams, self.num_buckets = ngrams, num_buckets
        self.min_example_length = min_example_length
        self.log_diff: list[float] | None = None

    def _counts(self, data: Any, column: str) -> list[int]:
        parts = [data] if _is_data(data) else data
        if not isinstance(parts, Iterable):
            raise ConfigError(
                f"expected Arrow data or an iterable of batches, got {type(data).__name__}"
            )
        total = [0] * self.num_buckets
        for part in parts:
            _, col = text_column(part, column)
            got = _qfast.dsir_counts(col, column, self.ngrams, self.num_buckets)
            total = [a + b for a, b in zip(total, got)]
        return total

    def fit(self, target: Any, raw: Any, column: str = "text") -> DSIR:
        """Bucket distributions of the target and the raw text (tables, arrays, frames, or
        iterables of record batches)."""
        self.log_diff = _qfast.dsir_log_diff(
            self._counts(target, column), self._counts(raw, column)
        )
        return self

    def _diff(self) -> list[float]:
        if self.log_diff is None:
            raise ConfigError("call DSIR.fit(target, raw) (or DSIR.load) first")
        return self.log_diff

    def signals(self, data: Any, column: str = "text") -> pa.Table:
        """``dsir_log_weight`` (float64) and ``dsir_length`` (words) per row; null for a null
        text."""
        _, col = text_column(data, column)
        out = _qfast.dsir_log_weights(col, column, self.ngrams, self.num_buckets, self._diff())
        return pa.table({"dsir_log_weight": out["weight"], "dsir_length": out["length"]})

    def resample(
        self,
        data: Any,
        num_to_sample: int,
        column: str = "text",
        seed: int | None = 0,
        top_k: bool = False,
    ) -> pa.Array:
        """Indices (ascending, uint32) of ``num_to_sample`` rows of ``data``: Gumbel top-k
        sampling for ``seed``, or the top weights with ``top_k=True``. Rows shorter than
        ``min_example_length`` words and null rows are never chosen; asking for more rows than
        are eligible is an error."""
        s = self.signals(data, column)
        ok = pc.fill_null(pc.greater_equal(s["dsir_length"], self.min_example_length), False)
        w = pc.if_else(ok, s["dsir_log_weight"], pa.scalar(None, pa.float64()))
        if not top_k and seed is None:
            raise ConfigError("resample needs a seed (or top_k=True)")
        return _qfast.gumbel_top_k(w, num_to_sample, None if top_k else seed)

    def select(
        self,
        data: Any,
        num_to_sample: int,
        column: str = "text",
        seed: int | None = 0,
        top_k: bool = False,
    ) -> Any:
        """The rows :meth:`resample` picks, as the same kind of object as ``data``."""
        table, col = text_column(data, column)
        idx = self.resample(data, num_to_sample, column, seed, top_k)
        n = len(col)
        keep = pa.array([False] * n)
        if len(idx):
            keep = pc.is_in(pa.array(range(n), pa.uint32()), value_set=idx)
        return like(data, filter_rows(col if table is None else table, keep))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the fitted parameters as JSON (atomically)."""
        doc = {
            "format": "qfast-dsir-1",
            "ngrams": self.ngrams,
            "num_buckets": self.num_buckets,
            "min_example_length": self.min_example_length,
            "log_diff": self._diff(),
        }
        tmp = f"{os.fspath(path)}.tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> DSIR:
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            raise ConfigError(f"{os.fspath(path)}: not a saved DSIR ({e})") from e
        if not isinstance(doc, dict) or doc.get("format") != "qfast-dsir-1":
            raise ConfigError(f"{os.fspath(path)}: not a saved DSIR (format qfast-dsir-1)")
        d = cls(doc["ngrams"], doc["num_buckets"], doc["min_example_length"])
        diff = doc["log_diff"]
        if not isinstance(diff, list) or len(diff) != d.num_buckets:
            raise ConfigError(f"{os.fspath(path)}: log_diff must hold num_buckets numbers")
        d.log_diff = [float(x) for x in diff]
        return d


__all__ = ["DSIR"]
