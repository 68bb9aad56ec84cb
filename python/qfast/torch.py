"""PyTorch data loading: filter (and optionally tokenize and pack) text inside the loader.

>>> from qfast.torch import PipelineDataset                                  # doctest: +SKIP
>>> ds = PipelineDataset("shards/*.parquet", qfast.Pipeline.fineweb(),
...                      tokenizer="tokenizer.json", seq_len=2048, eos_token_id=0)
>>> loader = torch.utils.data.DataLoader(ds, batch_size=8, num_workers=4)

**Sharding.** The input is cut into units: one per Parquet row group, one per JSONL file, one per
batch of an iterable source. Unit ``k`` goes to global worker ``k % (world_size * num_workers)``,
where the global worker of ``DataLoader`` worker ``w`` on rank ``r`` is ``r * num_workers + w``.
Every unit is read by exactly one worker, so over all ranks and workers every kept document
comes out exactly once. Ranks come from ``rank``/``world_size``, else from ``torch.distributed``
when it is initialised, else from the ``RANK``/``WORLD_SIZE`` environment variables.

**Threads.** Inside a ``DataLoader`` worker the core runs on ``threads_per_worker`` threads (one
by default), so ``num_workers`` workers use ``num_workers`` cores.

**Resuming.** ``state_dict()`` is the position after the last item this process yielded: the
unit, the next input row, and (when packing) the tokens read but not yet emitted.
``load_state_dict`` makes the next iteration continue from there, with no document lost or
repeated. With ``num_workers > 0`` each worker has its own position: use torchdata's
``StatefulDataLoader``, which collects and restores the workers' states (same ``num_workers``).
A pipeline with a dedup step is refused: each worker would only see its own shard's duplicates.

**Statistics.** ``stats`` are the pipeline's step statistics for the rows this process read (with
workers, each worker's copy counts its own rows).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import torch
from torch.utils.data import IterableDataset, get_worker_info

from ._input import as_table
from ._qfast import get_num_threads, set_num_threads
from .errors import ConfigError
from .pipeline import Pipeline
from .tokens import load_tokenizer

Source = str | os.PathLike[str] | Iterable[Any] | Callable[[], Iterable[Any]]


def _rank_and_world(rank: int | None, world_size: int | None) -> tuple[int, int]:
    if rank is not None or world_size is not None:
        if rank is None or world_size is None:
            raise ConfigError("give both rank and world_size, or neither")
        return rank, world_size
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))


class PipelineDataset(IterableDataset):  # type: ignore[type-arg]
    """An ``IterableDataset`` of the rows a qfast pipeline keeps.

    ``source``: a Parquet/JSONL path or glob (``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst``), a list
    of them, a list of Arrow record batches / tables (or anything with the Arrow PyCapsule
    interface), or a zero-argument function returning an iterable of those. The function is
    called once per iteration in every worker, and must give the same batches in the same order
    each time.

    ``pipeline``: a :class:`qfast.Pipeline` (``None``: every row is kept), run on slices of
    ``batch_size`` rows over ``column``.

    What an item is:

    - no ``tokenizer``: a dict of the row's ``columns`` (default: all) as Python values;
    - ``tokenizer`` (a ``tokenizers.Tokenizer``, a ``transformers`` fast tokenizer or a
      ``tokenizer.json`` path): the same dict plus ``input_ids``, a 1-D ``torch.long`` tensor
      (``eos_token_id`` appended when given);
    - ``tokenizer`` and ``seq_len``: packed sequences ``{"input_ids", "attention_mask"}`` of
      exactly ``seq_len`` tokens, the documents' tokens (each followed by ``eos_token_id``)
      laid end to end. The last, shorter sequence is padded with ``pad_token_id`` (mask 0), or
      dropped with ``drop_last=True``.
    """

    def __init__(
        self,
        source: Source,
        pipeline: Pipeline | None = None,
        *,
        column: str = "text",
        columns: Sequence[str] | None = None,
        batch_size: int = 1024,
        tokenizer: Any = None,
        seq_len: int | None = None,
        eos_token_id: int | None = None,
        add_special_tokens: bool = False,
        pad_token_id: int = 0,
        drop_last: bool = False,
        rank: int | None = None,
        world_size: int | None = None,
        threads_per_worker: int = 1,
    ) -> None:
        super().__init__()
        from .dedup import ExactDedup, MinHashDedup

        if pipeline is not None:
            if not isinstance(pipeline, Pipeline):
                raise ConfigError(
                    f"pipeline must be a qfast.Pipeline, got {type(pipeline).__name__}"
                )
            if any(isinstance(s, (ExactDedup, MinHashDedup)) for s in pipeline.steps):
                raise ConfigError(
                    "PipelineDataset cannot run a dedup step: each loader worker sees only its "
                    "own shard; deduplicate first (e.g. with `qfast run`)"
                )
        if batch_size < 1:
            raise ConfigError("batch_size must be >= 1")
        if seq_len is not None and (tokenizer is None or seq_len < 1):
            raise ConfigError("seq_len needs a tokenizer and must be >= 1")
        if threads_per_worker < 1:
            raise ConfigError("threads_per_worker must be >= 1")
        self.rank, self.world_size = _rank_and_world(rank, world_size)
        if not 0 <= self.rank < self.world_size:
            raise ConfigError(f"rank {self.rank} is outside world_size {self.world_size}")
        self._files: list[Path] | None = None
        self._batches: Callable[[], Iterable[Any]] | None = None
        if isinstance(source, (str, os.PathLike)):
            source = [source]
        if callable(source):
            self._batches = source
        elif isinstance(source, Iterator):
            raise ConfigError(
                "source is a one-shot iterator: pass a function that returns it (e.g. "
                "`lambda: reader`), so that each worker and each epoch can read it from the start"
            )
        elif isinstance(source, Iterable):
            items = list(source)
            if items and all(isinstance(p, (str, os.PathLike)) for p in items):
                from .cli import expand_inputs

                self._files = expand_inputs([os.fspath(p) for p in items])
            else:
                self._batches = lambda: items
        else:
            raise ConfigError(
                f"source must be paths, a list of Arrow batches or a function returning them, "
                f"got {type(source).__name__}"
            )
        self.pipeline = pipeline
        self.column = column
        self.columns = list(columns) if columns is not None else None
        self.batch_size = batch_size
        self.tokenizer = load_tokenizer(tokenizer, "PipelineDataset") if tokenizer else None
        if eos_token_id is None and tokenizer is not None:
            eos_token_id = getattr(tokenizer, "eos_token_id", None)  # transformers tokenizers
        self.eos_token_id = eos_token_id
        self.seq_len = seq_len
        self.add_special_tokens = add_special_tokens
        self.pad_token_id = pad_token_id
        self.drop_last = drop_last
        self.threads_per_worker = threads_per_worker
        self._state: dict[str, Any] | None = None
        self._resume: dict[str, Any] | None = None

    # -- where this worker reads ------------------------------------------------------------

    def _worker(self) -> tuple[int, int]:
        """(global worker index, number of global workers) of the calling process."""
        info = get_worker_info()
        wid, nw = (info.id, info.num_workers) if info is not None else (0, 1)
        return self.rank * nw + wid, self.world_size * nw

    def _units(self) -> Iterator[tuple[int, Callable[[], pa.Table]]]:
        """Every unit of the input, in order, as (index, reader)."""
        k = 0
        if self._batches is not None:
            for b in self._batches():
                yield k, partial(as_table, b)
                k += 1
            return
        from .cli import read_file

        assert self._files is not None
        for path in self._files:
            if path.name.lower().endswith(".parquet"):
                pf = pq.ParquetFile(path)
                for g in range(pf.num_row_groups):
                    yield k, partial(pf.read_row_group, g)
                    k += 1
            else:
                yield k, partial(read_file, path)
                k += 1

    # -- resumable position -----------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """The position after the last item yielded in this process (see the module docs)."""
        if self._state is not None:
            return copy.deepcopy(self._state)
        if self._resume is not None:
            return copy.deepcopy(self._resume)
        g, total = self._worker()
        return {"worker": g, "workers": total, "unit": 0, "row": 0, "buffer": []}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue the next iteration from ``state`` (from :meth:`state_dict`)."""
        missing = {"worker", "workers", "unit", "row", "buffer"} - set(state)
        if missing:
            raise ConfigError(f"not a PipelineDataset state: missing {sorted(missing)}")
        self._resume = copy.deepcopy(dict(state))
        self._state = None

    # -- iteration --------------------------------------------------------------------------

    def __iter__(self) -> Iterator[dict[str, Any]]:
        g, total = self._worker()
        start = self._resume or {"worker": g, "workers": total, "unit": 0, "row": 0, "buffer": []}
        self._resume = None
        if (start["worker"], start["workers"]) != (g, total):
            raise ConfigError(
                f"the state is of worker {start['worker']} of {start['workers']}, this is worker "
                f"{g} of {total}: resume with the same ranks and num_workers"
            )
        self._state = copy.deepcopy(start)
        restore = None
        if get_worker_info() is not None and get_num_threads() != self.threads_per_worker:
            restore = get_num_threads()
            set_num_threads(self.threads_per_worker)
        try:
            yield from self._items(g, total, start)
        finally:
            if restore is not None:
                set_num_threads(restore)

    def _items(self, g: int, total: int, start: dict[str, Any]) -> Iterator[dict[str, Any]]:
        buf: list[int] = list(start["buffer"])
        unit = -1
        for unit, read in self._units():
            if unit % total != g or unit < start["unit"]:
                continue
            table = read()
            if self.column not in table.column_names:
                raise ConfigError(
                    f"input unit {unit}: no column {self.column!r}; columns: {table.column_names}"
                )
            first = start["row"] if unit == start["unit"] else 0
            for at in range(first, table.num_rows, self.batch_size):
                part = table.slice(at, self.batch_size)
                rows, kept = self._filter(part)
                end = at + part.num_rows
                if self.seq_len is None:
                    yield from self._rows(unit, at, rows, kept)
                else:
                    yield from self._pack(unit, at, rows, kept, buf)
                self._set(g, total, unit, end, buf)
        if self.seq_len is not None and buf and not self.drop_last:
            n = len(buf)
            ids = buf + [self.pad_token_id] * (self.seq_len - n)
            buf.clear()
            self._set(g, total, unit + 1, 0, buf)
            yield {
                "input_ids": torch.tensor(ids, dtype=torch.long),
                "attention_mask": torch.tensor([1] * n + [0] * (self.seq_len - n)),
            }
        self._set(g, total, unit + 1, 0, buf)

    def _set(self, g: int, total: int, unit: int, row: int, buf: list[int]) -> None:
        self._state = {"worker": g, "workers": total, "unit": unit, "row": row, "buffer": list(buf)}

    def _filter(self, part: pa.Table) -> tuple[list[int], pa.Table]:
        """Offsets (in ``part``) and contents of the rows the pipeline keeps."""
        if self.pipeline is None:
            return list(range(part.num_rows)), part
        res = self.pipeline.run(part, column=self.column)
        kept = res.data
        assert isinstance(kept, pa.Table)
        return pc.indices_nonzero(res.verdict["keep"]).to_pylist(), kept

    def _encode(self, texts: list[str | None]) -> list[list[int]]:
        assert self.tokenizer is not None
        enc = self.tokenizer.encode_batch(
            [t or "" for t in texts], add_special_tokens=self.add_special_tokens
        )
        eos = [] if self.eos_token_id is None else [self.eos_token_id]
        return [e.ids + eos for e in enc]

    def _rows(
        self, unit: int, at: int, rows: list[int], kept: pa.Table
    ) -> Iterator[dict[str, Any]]:
        cols = kept.select(self.columns) if self.columns is not None else kept
        records = cols.to_pylist()
        ids = self._encode(kept[self.column].to_pylist()) if self.tokenizer is not None else None
        g, total = self._state["worker"], self._state["workers"]  # type: ignore[index]
        for i, (r, rec) in enumerate(zip(rows, records)):
            if ids is not None:
                rec["input_ids"] = torch.tensor(ids[i], dtype=torch.long)
            self._set(g, total, unit, at + r + 1, [])
            yield rec

    def _pack(
        self, unit: int, at: int, rows: list[int], kept: pa.Table, buf: list[int]
    ) -> Iterator[dict[str, Any]]:
        assert self.seq_len is not None
        n = self.seq_len
        g, total = self._state["worker"], self._state["workers"]  # type: ignore[index]
        mask = torch.ones(n, dtype=torch.long)
        for r, ids in zip(rows, self._encode(kept[self.column].to_pylist())):
            buf.extend(ids)
            while len(buf) >= n:
                seq = buf[:n]
                del buf[:n]
                self._set(g, total, unit, at + r + 1, buf)
                yield {
                    "input_ids": torch.tensor(seq, dtype=torch.long),
                    "attention_mask": mask.clone(),
                }

    @property
    def stats(self) -> list[dict[str, Any]]:
        """The pipeline's step statistics for the rows this process has read."""
        return self.pipeline.stats if self.pipeline is not None else []


__all__ = ["PipelineDataset"]
