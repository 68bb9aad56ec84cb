"""Multi-view data selection: score rows from several views (quality, difficulty, relevance,
anything with one number per row), combine the views with weights, and keep the top N or
everything above a threshold, with optional per-cluster quotas for diversity.

>>> sel = qfast.select(                                                      # doctest: +SKIP
...     table,
...     {"quality": "fasttext_hq", "relevance": dsir.signals(table)["dsir_log_weight"],
...      "length": qfast.View("n_words", weight=0.5)},
...     top_n=100_000, clusters=qfast.kmeans_clusters(table, 1000), per_cluster=200)
>>> sel.data, sel.report                                                     # doctest: +SKIP

Each view is normalised over the rows where it is not null: ``rank`` (default) maps values to
their average rank scaled to [0, 1], ``zscore`` to ``(x - mean) / std``; ``higher_is_better=False``
flips it. The score is the weighted mean of the normalised views; a row with a null in any view
is not eligible (counted per view in the report). Rows are taken by score, ties broken by a
permutation drawn from ``seed``, skipping a row when its cluster has reached its quota, until
``top_n`` rows are taken and/or while the score is at least ``threshold``. The result is a pure
function of the inputs and the seed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import _qfast
from ._input import as_table, filter_rows, is_tabular, like, text_column
from .errors import ConfigError

NORMALIZE = ("rank", "zscore")


@dataclass(frozen=True)
class View:
    """One view: ``values`` (a column name of the data, or one number per row), its ``weight``,
    its direction, and its normalisation (``None``: :func:`select`'s default)."""

    values: Any
    weight: float = 1.0
    higher_is_better: bool = True
    normalize: str | None = None


@dataclass
class Selection:
    """What :func:`select` returns."""

    #: Row indices chosen, ascending (uint32).
    indices: pa.Array
    #: The chosen rows, the same kind of object as the input.
    data: Any
    #: The combined score of every input row (null where not eligible).
    score: pa.Array
    #: What was selected, per view and per cluster.
    report: dict[str, Any] = field(default_factory=dict)


def kmeans_clusters(
    data: Any,
    k: int,
    column: str = "text",
    seed: int = 0,
    dim: int = 1 << 14,
    max_iter: int = 20,
) -> pa.Array:
    """A cluster id (uint32) per row from spherical k-means on hashed bag-of-words vectors
    (``dim`` dimensions, k-means++ seeded by ``seed``); null for a null text. Deterministic for
    a seed, whatever the thread count."""
    _, col = text_column(data, column)
    return _qfast.kmeans_clusters(col, column, k, dim, max_iter, seed)


def _values(data: Any, values: Any, n: int, name: str) -> pa.Array:
    if isinstance(values, str):
        if not is_tabular(data):
            raise ConfigError(f"view {name!r} names column {values!r} but the data has no columns")
        t = as_table(data)
        if values not in t.column_names:
            raise ConfigError(f"view {name!r}: no column {values!r}; columns: {t.column_names}")
        arr: Any = t.column(values)
    else:
        arr = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if len(arr) != n:
        raise ConfigError(f"view {name!r} has {len(arr)} values for {n} rows")
    try:
        return pc.cast(arr, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        raise ConfigError(f"view {name!r}: values of type {arr.type} are not numbers") from e


def _normalise(x: pa.Array, how: str, higher_is_better: bool) -> pa.Array:
    valid = pc.is_valid(x)
    if how == "rank":
        present = pc.drop_null(x)
        m = len(present)
        lo = pc.rank(present, sort_keys="ascending", tiebreaker="min")
        hi = pc.rank(present, sort_keys="ascending", tiebreaker="max")
        avg = pc.divide(pc.add(pc.cast(lo, pa.float64()), pc.cast(hi, pa.float64())), 2.0)
        scaled = pc.divide(pc.subtract(avg, 1.0), float(max(m - 1, 1)))
        out = (
            pc.replace_with_mask(pa.nulls(len(x), pa.float64()), valid, scaled)
            if m
            else pa.nulls(len(x), pa.float64())
        )
    else:
        mean = pc.mean(x).as_py()
        std = pc.stddev(x, ddof=0).as_py()
        out = pc.divide(pc.subtract(x, mean), std) if std else pc.multiply(x, 0.0)
    return out if higher_is_better else pc.negate(out)


def select(
    data: Any,
    views: Mapping[str, View | str | Any],
    *,
    normalize: str = "rank",
    top_n: int | None = None,
    threshold: float | None = None,
    clusters: Any = None,
    per_cluster: int | Mapping[Any, int] | None = None,
    seed: int = 0,
) -> Selection:
    """Selects rows of ``data`` by the weighted views (see the module docs).

    ``clusters``: a column name or one id per row (e.g. :func:`kmeans_clusters`, or
    ``MinHashDedup`` results' ``cluster_id``); ``per_cluster``: the most rows any cluster gives
    (an int), or per cluster id (a mapping; clusters it does not name are not limited)."""
    if not views:
        raise ConfigError("select needs at least one view")
    if top_n is None and threshold is None:
        raise ConfigError("give top_n, threshold, or both")
    if top_n is not None and top_n < 0:
        raise ConfigError("top_n must be >= 0")
    if normalize not in NORMALIZE:
        raise ConfigError(f"normalize must be one of {NORMALIZE}, got {normalize!r}")
    if per_cluster is not None and clusters is None:
        raise ConfigError("per_cluster needs clusters")
    table = as_table(data) if is_tabular(data) else None
    n = table.num_rows if table is not None else len(data)
    specs = {k: v if isinstance(v, View) else View(v) for k, v in views.items()}
    total_w = sum(v.weight for v in specs.values())
    if any(v.weight < 0 or math.isnan(v.weight) for v in specs.values()) or total_w <= 0:
        raise ConfigError("view weights must be >= 0 with a positive sum")

    raw: dict[str, pa.Array] = {}
    score = pa.array([0.0] * n, pa.float64())
    for name, v in specs.items():
        how = v.normalize or normalize
        if how not in NORMALIZE:
            raise ConfigError(f"view {name!r}: normalize must be one of {NORMALIZE}")
        raw[name] = _values(data, v.values, n, name)
        norm = _normalise(raw[name], how, v.higher_is_better)
        score = pc.add(score, pc.multiply(norm, v.weight / total_w))
    score = score.combine_chunks() if isinstance(score, pa.ChunkedArray) else score

    cl: list[Any] | None = None
    if clusters is not None:
        cl = _values_any(data, clusters, n)
    caps: Any = per_cluster

    # Order: score descending, ties by a seeded permutation.
    s = score.to_pylist()
    perm = list(range(n))
    random.Random(seed).shuffle(perm)
    tie = [0] * n
    for pos, i in enumerate(perm):
        tie[i] = pos
    order = sorted((i for i in range(n) if s[i] is not None), key=lambda i: (-s[i], tie[i]))

    taken: list[int] = []
    per: dict[Any, int] = {}
    skipped = 0
    for i in order:
        if top_n is not None and len(taken) >= top_n:
            break
        if threshold is not None and s[i] < threshold:
            break
        if cl is not None and caps is not None:
            c = cl[i]
            cap = caps if isinstance(caps, int) else caps.get(c)
            if cap is not None and per.get(c, 0) >= cap:
                skipped += 1
                continue
        if cl is not None:
            per[cl[i]] = per.get(cl[i], 0) + 1
        taken.append(i)
    taken.sort()
    idx = pa.array(taken, pa.uint32())
    keep = pa.array([False] * n)
    if taken:
        keep = pc.is_in(pa.array(range(n), pa.uint32()), value_set=idx)
    if table is not None:
        chosen = like(data, filter_rows(table, keep))
    else:
        _, col = text_column(data, "text")
        chosen = like(data, filter_rows(col, keep))
    report = _report(specs, raw, score, keep, n, len(order), per, skipped, cl)
    return Selection(indices=idx, data=chosen, score=score, report=report)


def _values_any(data: Any, values: Any, n: int) -> list[Any]:
    if isinstance(values, str):
        t = as_table(data)
        if values not in t.column_names:
            raise ConfigError(f"clusters: no column {values!r}; columns: {t.column_names}")
        values = t.column(values)
    out = values.to_pylist() if hasattr(values, "to_pylist") else list(values)
    if len(out) != n:
        raise ConfigError(f"clusters has {len(out)} values for {n} rows")
    return out


def _report(
    specs: Mapping[str, View],
    raw: Mapping[str, pa.Array],
    score: pa.Array,
    keep: Any,
    n: int,
    eligible: int,
    per: Mapping[Any, int],
    skipped: int,
    cl: list[Any] | None,
) -> dict[str, Any]:
    def stats(x: Any) -> dict[str, float | None]:
        return {
            "mean": pc.mean(x).as_py(),
            "min": pc.min(x).as_py(),
            "max": pc.max(x).as_py(),
        }

    views = {}
    for name, v in specs.items():
        x = raw[name]
        views[name] = {
            "weight": v.weight,
            "higher_is_better": v.higher_is_better,
            "null_rows": x.null_count,
            "all": stats(x),
            "selected": stats(pc.filter(x, keep)),
        }
    rep: dict[str, Any] = {
        "rows": n,
        "eligible": eligible,
        "selected": sum(per.values()) if cl is not None else int(pc.sum(keep).as_py() or 0),
        "score": {"all": stats(score), "selected": stats(pc.filter(score, keep))},
        "views": views,
    }
    if cl is not None:
        rep["clusters"] = {
            "clusters": len(set(cl)),
            "clusters_selected": len(per),
            "largest_share": max(per.values()) if per else 0,
            "rows_skipped_for_quota": skipped,
        }
    return rep


__all__ = ["View", "Selection", "select", "kmeans_clusters"]
