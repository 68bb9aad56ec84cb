"""Ray Data: qfast pipelines and deduplication over a cluster, CPU only.

>>> import ray, qfast, qfast.ray                                               # doctest: +SKIP
>>> ds = ray.data.read_parquet("s3://bucket/shards/")
>>> out = qfast.ray.apply(ds, qfast.Pipeline.fineweb(), exclusions="s3://bucket/removed/")
>>> out.stats                        # per-step statistics, summed over every worker
>>> dd = qfast.ray.minhash_dedup(out.data, qfast.MinHashDedup(qfast.MinHash.fast()))
>>> dd.data.write_parquet("s3://bucket/clean/")

Everything runs on Ray Data's own operators (``map_batches``, ``sort``) and plain Ray tasks;
qfast adds no scheduler. Each step is idempotent (a retried task recomputes the same blocks),
so a worker lost mid-run costs time, never rows.

**Pipelines** (:func:`apply`): each block goes through ``Pipeline.run`` inside a Ray task with
one core thread per Ray CPU (``threads_per_task``). Pipelines with dedup steps are refused: a
task sees only its own block; use :func:`exact_dedup` / :func:`minhash_dedup`.

**MinHash dedup** (:func:`minhash_dedup`), the same kept rows as ``MinHashDedup.run`` on one
machine for ``keep`` = ``"first"``, ``"longest"`` or ``"highest"`` without ``threshold``:

1. every row gets its global position in the dataset (the id when ``id_column`` is not given);
2. ``map_batches`` computes the LSH band keys (``MinHash.band_keys``) and emits one
   ``(band, key, position)`` row per band;
3. a ``sort`` by ``(band, key)`` puts equal keys next to each other; each block turns its runs
   into star edges ``(position, run minimum)`` with numpy, and the runs cut by block edges
   are linked through two boundary rows per block;
4. connected components of those edges, each round one ``sort`` and a numpy pass per block
   (equal keys share a block): "link every node to its smallest neighbour and its other
   neighbours to that one" until each node has one parent, then pointer jumping until each
   points at its component's smallest position;
5. each component keeps one document by the same order as the local dedup (smallest id; most
   bytes; highest score; ties by id, then position), and a filter per block drops the others.

Steps 4-5 look rows up by position without a join: a dataset sorted by position is held as
blocks with known bounds, and a block of the input (one contiguous range of positions) fetches
only the sorted blocks that overlap its range. Memory per worker therefore follows Ray's block
size (``DataContext.target_max_block_size``, 128 MiB by default) and the shuffle's
per-block output, never the corpus: the driver holds per-block row counts and bounds only.

**Exact dedup** (:func:`exact_dedup`): the 128-bit document hash (``qfast.doc_hashes``), the
same sorted-runs edges and components, the first position of each repeated hash kept.

Row order: the kept rows come back in the input order (``preserve_order`` is set).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import ray
import ray.data

from . import _ray_graph as graph
from ._qfast import get_num_threads, set_num_threads
from .dedup import ExactDedup, MinHash, MinHashDedup, doc_hashes
from .errors import ConfigError
from .pipeline import Pipeline, _merge_stats

#: The global position column qfast adds (and removes before returning data).
POS = graph.POS
_REASON = "qfast_reason"
_STEP = "qfast_step"
_STATS = "__qfast_stats"


def _threads(n: int) -> None:
    if get_num_threads() != n:
        set_num_threads(n)


def _keep_rows(t: pa.Table, mask: pa.Array) -> pa.Table:
    return t.filter(mask) if len(t) else t


# ---- global positions ----------------------------------------------------------------------


@ray.remote
def _num_rows(t: pa.Table) -> int:
    return t.num_rows


@ray.remote
def _add_positions(t: pa.Table, start: int) -> pa.Table:
    if POS in t.column_names:
        t = t.drop_columns([POS])
    return t.append_column(POS, pa.array(np.arange(start, start + t.num_rows, dtype=np.int64)))


# ---- pipelines -----------------------------------------------------------------------------


def _run_block(t: pa.Table, pipeline: Pipeline, column: str, threads: int) -> pa.Table:
    """Kept rows (text as the steps left it) then dropped rows (original text) with their
    reason and step name; the block's statistics as JSON on the first row."""
    _threads(threads)
    if t.num_rows == 0:
        return (
            t.append_column(_REASON, pa.array([], pa.large_utf8()))
            .append_column(_STEP, pa.array([], pa.int32()))
            .append_column(_STATS, pa.array([], pa.large_utf8()))
        )
    res = pipeline.run(t, column=column)
    kept: pa.Table = res.data
    gone = pc.invert(res.verdict.column("keep").combine_chunks())
    dropped = t.filter(gone)
    if kept.schema != dropped.schema:
        dropped = dropped.cast(kept.schema)
    steps = pc.filter(res.verdict["step"], gone).to_pylist()
    reasons = pc.filter(res.verdict["reason"], gone).to_pylist()
    none = [None] * kept.num_rows
    out = pa.concat_tables([kept, dropped])
    out = out.append_column(_REASON, pa.array(none + reasons, pa.large_utf8()))
    out = out.append_column(_STEP, pa.array(none + steps, pa.int32()))
    stats = [json.dumps(res.stats)] + [None] * (out.num_rows - 1)
    return out.append_column(_STATS, pa.array(stats, pa.large_utf8()))


@dataclass
class RayRunResult:
    """What :func:`apply` returns."""

    #: The kept rows (text as the steps left it), materialized in the object store.
    data: ray.data.Dataset
    #: The dropped rows with ``qfast_reason`` and ``qfast_step`` (the index of the dropping
    #: step, as in ``Pipeline.run``'s verdict and ``qfast run``'s ``excluded/``).
    excluded: ray.data.Dataset
    #: Per-step statistics summed over every block, as ``Pipeline.stats``.
    stats: list[dict[str, Any]] = field(default_factory=list)


def apply(
    ds: ray.data.Dataset,
    pipeline: Pipeline,
    column: str = "text",
    exclusions: str | None = None,
    threads_per_task: int = 1,
    batch_size: int | None = 4096,
) -> RayRunResult:
    """Runs ``pipeline`` over ``ds`` with ``map_batches(batch_format="pyarrow")``.

    Each task uses ``threads_per_task`` Ray CPUs and as many core threads. The dropped rows, with
    their reason, are written as Parquet to ``exclusions`` when given (any path
    ``Dataset.write_parquet`` takes) and are in :attr:`RayRunResult.excluded` either way. Kept
    rows stay in the input's order (``preserve_order`` is set on ``ds``). The
    statistics are those of ``Pipeline.stats``, summed over all blocks (and added to
    ``pipeline``'s own)."""
    if any(isinstance(s, (ExactDedup, MinHashDedup)) for s in pipeline.steps):
        raise ConfigError(
            "a pipeline with a dedup step cannot run per block on Ray (each task would only see "
            "its own block's duplicates): run the filters with qfast.ray.apply, then "
            "qfast.ray.exact_dedup / qfast.ray.minhash_dedup"
        )
    if threads_per_task < 1:
        raise ConfigError(f"threads_per_task must be >= 1, got {threads_per_task}")
    # Kept rows in the input's order (what a dedup's "first" reads after this).
    ds.context.execution_options.preserve_order = True
    marked = ds.map_batches(
        partial(_run_block, pipeline=pipeline, column=column, threads=threads_per_task),
        batch_format="pyarrow",
        batch_size=batch_size,
        num_cpus=threads_per_task,
    ).materialize()
    blocks = marked.select_columns([_STATS]).map_batches(
        lambda t: _keep_rows(t, pc.is_valid(t[_STATS])), batch_format="pyarrow"
    )
    stats: list[dict[str, Any]] = [{"name": s.name} for s in pipeline.steps]
    for row in blocks.take_all():
        _merge_stats(stats, json.loads(row[_STATS]))
    _merge_stats(pipeline._stats, stats)
    kept = marked.map_batches(
        lambda t: _keep_rows(t, pc.is_null(t[_REASON])).drop_columns([_REASON, _STEP, _STATS]),
        batch_format="pyarrow",
    ).materialize()
    excluded = marked.map_batches(
        lambda t: _keep_rows(t, pc.is_valid(t[_REASON])).drop_columns([_STATS]),
        batch_format="pyarrow",
    ).materialize()
    if exclusions is not None:
        excluded.write_parquet(exclusions)
    return RayRunResult(data=kept, excluded=excluded, stats=stats)


# ---- dedup ---------------------------------------------------------------------------------


@dataclass
class RayDedupResult:
    """What :func:`exact_dedup` and :func:`minhash_dedup` return."""

    #: The kept rows (input columns only), in the input order.
    data: ray.data.Dataset
    #: The dropped rows (input columns only), in the input order.
    removed: ray.data.Dataset
    #: One row per document of a cluster with two or more members: ``position`` (in the input
    #: dataset's order), ``cluster_id`` (position of the kept document), ``cluster_size``,
    #: ``is_duplicate``.
    duplicates: ray.data.Dataset
    #: ``rows_in``, ``kept``, ``dropped_<reason>``, ``clusters_with_duplicates``.
    stats: dict[str, int]


@dataclass(frozen=True)
class _Params:
    """What the dedup tasks need of a ``MinHashDedup`` (whose core state does not pickle)."""

    minhash: MinHash
    column: str
    keep: str
    id_column: str | None
    score_column: str | None

    @classmethod
    def of(cls, d: MinHashDedup) -> _Params:
        return cls(d.minhash, d.column, d.keep_policy, d.id_column, d.score_column)


@dataclass
class _Indexed:
    """The input materialized with positions: block refs and each block's first position."""

    blocks: list[Any]
    starts: Any  # int64 numpy array, one per block
    rows: int

    def dataset(self) -> ray.data.Dataset:
        ds = ray.data.from_arrow_refs(self.blocks)
        # A new dataset gets its own copy of the execution options: order must be asked again,
        # or the kept rows come back in task completion order.
        ds.context.execution_options.preserve_order = True
        return ds


def _positions(ds: ray.data.Dataset) -> _Indexed:
    ds.context.execution_options.preserve_order = True
    refs = ds.to_arrow_refs()
    if not refs:
        raise ConfigError("the dataset has no blocks (no rows to deduplicate)")
    counts = ray.get([_num_rows.remote(r) for r in refs])
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    blocks = [_add_positions.remote(r, int(s)) for r, s in zip(refs, starts)]
    return _Indexed(blocks, starts, int(sum(counts)))


def with_positions(ds: ray.data.Dataset) -> ray.data.Dataset:
    """``ds`` materialized with an ``int64`` column ``__qfast_pos``: each row's position in the
    dataset's order (0, 1, 2, ... over its blocks in order). Only per-block row counts pass
    through the driver. (Sets ``preserve_order`` on ``ds``'s execution options: without it,
    Ray hands blocks over in completion order and "first" would vary from run to run.)"""
    return _positions(ds).dataset()


def _partitions(num_partitions: int | None, nbytes: int) -> int:
    """Shuffle partitions: as given, else twice the cluster's CPUs, more when the shuffled
    rows pass ~64 MiB per partition."""
    if num_partitions is not None:
        if num_partitions < 1:
            raise ConfigError(f"num_partitions must be >= 1, got {num_partitions}")
        return num_partitions
    cpus = int(ray.cluster_resources().get("CPU", 1))
    return max(2 * cpus, -(-nbytes // (64 << 20)), 1)


def _strip(t: pa.Table) -> pa.Table:
    return t.drop_columns([POS]) if POS in t.column_names else t


def _select_marked(t: pa.Table, index: list[tuple[int, int, Any]], marked: bool) -> pa.Table:
    """The rows of ``t`` whose position is (``marked``) or is not a duplicate. ``index``: the
    sorted duplicate positions of each input block's range ``[lo, hi)``; only the ranges that
    ``t``'s positions touch are fetched, so memory follows the block, not the corpus."""
    pos = t[POS].to_numpy()
    hit = np.zeros(len(pos), bool)
    if len(pos):
        lo, hi = int(pos.min()), int(pos.max())
        for a, b, ref in index:
            if a <= hi and b > lo:
                hit |= np.isin(pos, ray.get(ref)["dup"].to_numpy())
    return _strip(_keep_rows(t, pa.array(hit if marked else ~hit)))


def _no_duplicates(indexed: _Indexed, reason: str) -> RayDedupResult:
    kept = indexed.dataset().map_batches(_strip, batch_format="pyarrow")
    return RayDedupResult(
        kept,
        kept.limit(0),
        ray.data.from_arrow(graph.dup_table([], [], [], [])),
        {
            "rows_in": indexed.rows,
            "kept": indexed.rows,
            f"dropped_{reason}": 0,
            "clusters_with_duplicates": 0,
        },
    )


def _cluster(
    indexed: _Indexed, edges: list[Any], params: _Params, reason: str, parts: int
) -> RayDedupResult:
    """Components of ``edges``, one keeper each by ``params``' order, the rest dropped.

    The components' labels and, at the end, the duplicate positions are range-partitioned by
    the input blocks' positions, so each input block meets exactly its own rows: no join
    shuffles the text."""
    labels = graph.components(edges, parts)
    nblocks = len(indexed.blocks)
    by_block = graph.range_route("node", indexed.starts)
    ranked, _ = graph.shuffle(
        labels,
        by_block,
        nblocks,
        partial(graph.attach_labels, rank=partial(_rank_columns, dedup=params)),
        side=indexed.blocks,
    )
    members, counts = graph.shuffle(
        ranked, graph.hash_route(["label"], parts), parts, graph.keepers
    )
    n_clusters = sum(c for c, _ in counts)
    n_dup = sum(d for _, d in counts)
    dups, _ = graph.shuffle(
        members,
        graph.range_route("dup", indexed.starts),
        nblocks,
        graph.sorted_dups,
        prepare=graph.dup_positions,
    )
    ends = [*indexed.starts[1:].tolist(), indexed.rows]
    index = list(zip(indexed.starts.tolist(), ends, dups))
    data = indexed.dataset()
    return RayDedupResult(
        data.map_batches(
            partial(_select_marked, index=index, marked=False), batch_format="pyarrow"
        ),
        data.map_batches(partial(_select_marked, index=index, marked=True), batch_format="pyarrow"),
        ray.data.from_arrow_refs(members),
        {
            "rows_in": indexed.rows,
            "kept": indexed.rows - n_dup,
            f"dropped_{reason}": n_dup,
            "clusters_with_duplicates": n_clusters,
        },
    )


def _dedup(
    indexed: _Indexed,
    keys: list[Any],
    slices: Sequence[Callable[[pa.Table], pa.Table] | None],
    key_columns: list[str],
    params: _Params,
    reason: str,
    parts: int,
) -> RayDedupResult:
    """Edges between the rows that share a key (one shuffle per slice of ``keys``' rows, each
    finished before the next starts), then :func:`_cluster`."""
    edges: list[Any] = []
    n_edges = 0
    for prepare in slices:
        found, counts = graph.shuffle(
            keys,
            graph.hash_route(key_columns, parts),
            parts,
            partial(graph.star_edges, keys=key_columns),
            prepare=prepare,
        )
        edges += found
        n_edges += sum(counts)
    if n_edges == 0:
        return _no_duplicates(indexed, reason)
    return _cluster(indexed, edges, params, reason, parts)


@ray.remote
def _hash_rows(t: pa.Table, column: str, simplify: bool) -> pa.Table:
    _threads(1)
    h = doc_hashes(t, column=column, simplify=simplify)
    valid = pc.is_valid(h)
    h = h.filter(valid)
    raw = np.frombuffer(h.buffers()[1], dtype=np.uint64, count=2 * (len(h) + h.offset))
    raw = raw[2 * h.offset :].reshape(-1, 2)
    # int64 views: same equality, and numpy sorts them natively.
    raw = raw.view(np.int64)
    return pa.table({"h1": raw[:, 0].copy(), "h2": raw[:, 1].copy(), POS: t[POS].filter(valid)})


def exact_dedup(
    ds: ray.data.Dataset,
    column: str = "text",
    simplify: bool = False,
    num_partitions: int | None = None,
) -> RayDedupResult:
    """Exact duplicate documents, as :class:`qfast.ExactDedup` over the dataset in order: the
    first occurrence (smallest position) of each text is kept; null texts are never
    duplicates. ``num_partitions``: shuffle partitions (default: twice the cluster's CPUs,
    more past ~64 MiB of keys each)."""
    indexed = _positions(ds)
    parts = _partitions(num_partitions, indexed.rows * 24)
    hashes = [_hash_rows.remote(b, column, simplify) for b in indexed.blocks]
    params = _Params(MinHash.fast(), column, "first", None, None)
    return _dedup(indexed, hashes, [None], ["h1", "h2"], params, "exact_duplicate", parts)


@ray.remote
def _band_keys(t: pa.Table, dedup: _Params) -> pa.Table:
    """Position and band keys (``fixed_size_list<int64>[bands]``) of each signed document. The
    keys are int64 views of the uint64 keys: same equality and order for grouping."""
    _threads(1)
    keys = dedup.minhash.band_keys(t, column=dedup.column)
    valid = pc.is_valid(keys)
    keys = keys.filter(valid)
    flat = keys.flatten().to_numpy(zero_copy_only=False).astype(np.uint64).view(np.int64)
    lists = pa.FixedSizeListArray.from_arrays(pa.array(flat), dedup.minhash.bands)
    return pa.table({POS: t[POS].filter(valid), "keys": lists})


def _band_rows(t: pa.Table, lo: int, hi: int) -> pa.Table:
    """One ``(band, key, position)`` row per document and band in ``[lo, hi)``."""
    width = t.schema.field("keys").type.list_size
    flat = t["keys"].combine_chunks().flatten().to_numpy().reshape(-1, width)[:, lo:hi]
    pos = t[POS].to_numpy()
    return pa.table(
        {
            "band": np.tile(np.arange(lo, hi, dtype=np.int64), len(pos)),
            "key": flat.reshape(-1),
            POS: np.repeat(pos, hi - lo),
        }
    )


def _rank_columns(t: pa.Table, dedup: _Params) -> pa.Table:
    """The columns the keeper order reads: the id (position or ``id_column``), and the bytes
    (``longest``) or score (``highest``)."""
    cols: dict[str, Any] = {POS: t[POS]}
    cols["id"] = t[dedup.id_column] if dedup.id_column else t[POS]
    if dedup.keep == "longest":
        cols["rank"] = pc.negate(pc.fill_null(pc.binary_length(t[dedup.column]), 0)).cast(
            pa.float64()
        )
    elif dedup.keep == "highest":
        score = pc.cast(t[dedup.score_column], pa.float64())
        score = pc.if_else(pc.is_nan(score), None, score)
        cols["rank"] = pc.negate(pc.fill_null(score, -np.inf))
    else:
        cols["rank"] = pa.array(np.zeros(t.num_rows))
    return pa.table(cols)


def minhash_dedup(
    ds: ray.data.Dataset,
    dedup: MinHashDedup | None = None,
    num_partitions: int | None = None,
    band_slices: int = 1,
) -> RayDedupResult:
    """Near-duplicate removal over a Ray dataset with ``dedup``'s parameters (default
    ``MinHashDedup(MinHash.fast())``): the same kept rows as ``dedup.run`` on the whole
    dataset in one process, for ``keep`` = ``"first"``, ``"longest"`` or ``"highest"``.
    ``threshold``, ``index`` and ``keep="datatrove"`` are not supported on Ray (they raise
    :class:`qfast.errors.ConfigError`). ``num_partitions``: shuffle partitions (default: twice
    the cluster's CPUs, more past ~64 MiB of band rows each). ``band_slices``: group the bands
    in that many slices, one shuffle each, so a shuffle holds ``bands / band_slices`` rows per
    document instead of ``bands`` (less memory per worker, more rounds); same result."""
    if band_slices < 1:
        raise ConfigError(f"band_slices must be >= 1, got {band_slices}")
    dedup = MinHashDedup(MinHash.fast()) if dedup is None else dedup
    if dedup.keep_policy == "datatrove":
        raise ConfigError(
            "keep='datatrove' reproduces datatrove's single-process union order; on Ray use "
            "keep='first', 'longest' or 'highest'"
        )
    if dedup.threshold is not None:
        raise ConfigError("threshold (exact-Jaccard confirmation) is not supported on Ray yet")
    if dedup.index is not None:
        raise ConfigError("an LSHIndex is not supported on Ray yet")
    params = _Params.of(dedup)
    indexed = _positions(ds)
    nb = dedup.minhash.bands
    per = -(-nb // min(band_slices, nb))
    parts = _partitions(num_partitions, indexed.rows * per * 24)
    keys = [_band_keys.remote(b, params) for b in indexed.blocks]
    slices = [partial(_band_rows, lo=lo, hi=min(nb, lo + per)) for lo in range(0, nb, per)]
    return _dedup(indexed, keys, slices, ["band", "key"], params, "minhash_duplicate", parts)


def connected_components(
    edges: ray.data.Dataset, num_partitions: int | None = None
) -> ray.data.Dataset:
    """Connected components of an undirected graph given as int64 edges ``(u, v)``: a dataset
    ``(node, label)`` for every node of an edge, ``label`` = the smallest node of its component
    (the algorithm :func:`minhash_dedup` clusters with; see ``qfast._ray_graph.components``)."""
    refs = edges.to_arrow_refs()
    parts = _partitions(num_partitions, edges.count() * 16)
    return ray.data.from_arrow_refs(graph.components(refs, parts))


__all__ = [
    "POS",
    "RayDedupResult",
    "RayRunResult",
    "apply",
    "connected_components",
    "exact_dedup",
    "minhash_dedup",
    "with_positions",
]
