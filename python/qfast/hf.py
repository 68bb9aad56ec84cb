"""Hugging Face ``datasets`` integration: run a qfast pipeline over a ``Dataset`` or a
streaming ``IterableDataset`` on its Arrow batches, with no per-row Python.

>>> out, stats = qfast.hf.apply(ds, qfast.Pipeline.fineweb())   # doctest: +SKIP

A :class:`qfast.Pipeline` is also callable on a batch, so ``ds.with_format("arrow").map(p,
batched=True)`` works directly (the batch comes back without the rows the pipeline drops).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from .errors import ConfigError
from .pipeline import Pipeline, _merge_stats


class Stats(list):  # type: ignore[type-arg]
    """Per-step statistics, filled as the dataset is processed (for a streaming dataset: as it
    is iterated)."""


def apply(
    ds: Any, pipeline: Pipeline, column: str = "text", batch_size: int = 1000
) -> tuple[Any, Stats]:
    """Filter ``ds`` with ``pipeline``; returns the filtered dataset (same type, Arrow format
    reset to the input's) and the pipeline's statistics for this run.

    ``Dataset``: processed now, in one process (``num_proc`` would split the statistics).
    ``IterableDataset``: filtered lazily; ``stats`` grows while you iterate.
    """
    try:
        import datasets
    except ModuleNotFoundError:  # pragma: no cover - the extra is missing
        raise ConfigError("qfast.hf needs the 'datasets' package: pip install datasets") from None
    if column not in (ds.column_names or []):
        raise ConfigError(f"column {column!r} not in the dataset; columns: {ds.column_names}")
    stats = Stats({"name": s.name} for s in pipeline.steps)

    def run(batch: pa.Table) -> pa.Table:
        res = pipeline.run(batch, column=column)
        _merge_stats(stats, res.stats)
        kept = res.data
        assert isinstance(kept, pa.Table)
        return kept

    fmt = ds.format if isinstance(ds, datasets.Dataset) else None
    arrow = ds.with_format("arrow")
    if isinstance(ds, datasets.Dataset):
        out = arrow.map(run, batched=True, batch_size=batch_size, load_from_cache_file=False)
        out = out.with_format(**{k: v for k, v in (fmt or {}).items() if k in ("type", "columns")})
    else:
        out = arrow.map(run, batched=True, batch_size=batch_size).with_format(None)
    return out, stats


__all__ = ["apply", "Stats"]
