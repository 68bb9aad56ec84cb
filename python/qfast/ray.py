"""Ray Data: qfast pipelines and deduplication over a cluster, CPU only.

>>> import ray, qfast, qfast.ray                                               # doctest: +SKIP
>>> ds = ray.data.read_parquet("s3://bucket/shards/")
>>> out = qfast.ray.apply(ds, qfast.Pipeline.fineweb(), exclusions="s3://bucket/removed/")
>>> out.stats                        # per-step statistics, summed over every worker
>>> dd = qfast.ray.minhash_dedup(out.data, qfast.MinHashDedup(qfast.MinHash.fast()))
>>> dd.data.write_parquet("s3://bucket/clean/")

Everything runs on Ray Data's own operators (``map_batches``, ``groupby`` with the sort-based
shuffle, ``join``); qfast adds no scheduler. Each step is idempotent (a retried task recomputes the same
blocks), so a worker lost mid-run costs time, never rows.

**Pipelines** (:func:`apply`): each block goes through ``Pipeline.run`` inside a Ray task with
one core thread per Ray CPU (``threads_per_task``). Pipelines with dedup steps are refused: a
task sees only its own block; use :func:`exact_dedup` / :func:`minhash_dedup`.

**MinHash dedup** (:func:`minhash_dedup`), the same kept rows as ``MinHashDedup.run`` on one
machine for ``keep`` = ``"first"``, ``"longest"`` or ``"highest"`` without ``threshold``:

1. every row gets its global position in the dataset (the id when ``id_column`` is not given);
2. ``map_batches`` computes the LSH band keys (``MinHash.band_keys``) and emits one
   ``(band, key, position)`` row per band;
3. a ``groupby(band, key)`` keeps the groups of two or more documents and their smallest
   position, and a ``join`` turns each group into star edges ``(position, group minimum)``;
4. connected components of those edges over Ray Data: rounds of "link every node to its
   smallest neighbour and its other neighbours to that one" until each node has one parent,
   then pointer jumping until each points at its component's smallest position;
5. each component keeps one document by the same order as the local dedup (smallest id; most
   bytes; highest score; ties by id), and a final ``join`` drops the others.

Memory per worker is bounded by Ray's blocks and shuffle partitions (``num_partitions``), never
by the corpus: the driver only holds per-block row counts and the statistics.

**Exact dedup** (:func:`exact_dedup`): the 128-bit document hash (``qfast.doc_hashes``),
``groupby`` on it, the first position of each repeated hash kept, the others dropped by a join.

Row order: the kept rows come back in Ray's order after the final join, not the input order;
the ``duplicates`` table carries the global positions if you need them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import ray
import ray.data
from ray.data.aggregate import Count
from ray.data.context import ShuffleStrategy

from ._qfast import get_num_threads, set_num_threads
from .dedup import ExactDedup, MinHash, MinHashDedup, doc_hashes
from .errors import ConfigError
from .pipeline import Pipeline, _merge_stats

#: The global position column qfast adds (and removes before returning data).
POS = "__qfast_pos"
_REASON = "qfast_reason"
_STEP = "qfast_step"
_STATS = "__qfast_stats"


def _threads(n: int) -> None:
    if get_num_threads() != n:
        set_num_threads(n)


def _partitions(num_partitions: int | None) -> int:
    if num_partitions is not None:
        if num_partitions < 1:
            raise ConfigError(f"num_partitions must be >= 1, got {num_partitions}")
        return num_partitions
    cpus = int(ray.cluster_resources().get("CPU", 1)) if ray.is_initialized() else 1
    return max(2, 2 * cpus)


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


def with_positions(ds: ray.data.Dataset) -> ray.data.Dataset:
    """``ds`` materialized with an ``int64`` column ``__qfast_pos``: each row's position in the
    dataset's order (0, 1, 2, ... over its blocks in order). Only per-block row counts pass
    through the driver. (Sets ``preserve_order`` on ``ds``'s execution options: without it,
    Ray hands blocks over in completion order and "first" would vary from run to run.)"""
    ds.context.execution_options.preserve_order = True
    refs = ds.to_arrow_refs()
    if not refs:
        raise ConfigError("the dataset has no blocks (no rows to deduplicate)")
    counts = ray.get([_num_rows.remote(r) for r in refs])
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    tables: list[Any] = [_add_positions.remote(r, int(s)) for r, s in zip(refs, starts)]
    return ray.data.from_arrow_refs(tables)


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

    #: The kept rows (input columns only), in Ray's order.
    data: ray.data.Dataset
    #: The dropped rows (input columns only).
    removed: ray.data.Dataset
    #: One row per document of a cluster with two or more members: ``position`` (in the input
    #: dataset's order), ``cluster_id`` (position of the kept document), ``cluster_size``,
    #: ``is_duplicate``.
    duplicates: ray.data.Dataset
    #: ``rows_in``, ``kept``, ``dropped_<reason>``, ``clusters_with_duplicates``.
    stats: dict[str, int]


def _split_marked(
    indexed: ray.data.Dataset, dup_pos: ray.data.Dataset, n_dup: int, parts: int
) -> tuple[ray.data.Dataset, ray.data.Dataset]:
    """``indexed`` split into the rows whose position is not in ``dup_pos`` (column ``dup``)
    and those that are, without the helper columns."""

    def strip(t: pa.Table) -> pa.Table:
        return t.drop_columns([c for c in (POS, "dup", "dup_flag") if c in t.column_names])

    if n_dup == 0:
        kept = indexed.map_batches(strip, batch_format="pyarrow")
        return kept, kept.limit(0)
    joined = indexed.join(dup_pos, "left_outer", parts, on=(POS,), right_on=("dup",))
    joined = joined.materialize()
    kept = joined.map_batches(
        lambda t: strip(_keep_rows(t, pc.is_null(t["dup_flag"]))), batch_format="pyarrow"
    )
    removed = joined.map_batches(
        lambda t: strip(_keep_rows(t, pc.is_valid(t["dup_flag"]))), batch_format="pyarrow"
    )
    return kept, removed


def _hash_rows(t: pa.Table, column: str, simplify: bool) -> pa.Table:
    _threads(1)
    h = doc_hashes(t, column=column, simplify=simplify)
    valid = pc.is_valid(h)
    h = h.filter(valid)
    raw = np.frombuffer(h.buffers()[1], dtype=np.uint64, count=2 * (len(h) + h.offset))
    raw = raw[2 * h.offset :].reshape(-1, 2)
    # int64 views: same equality, and Ray sorts them natively (uint64 becomes an object column).
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
    duplicates."""
    parts = _partitions(num_partitions)
    indexed = with_positions(ds)
    hashes = indexed.map_batches(
        partial(_hash_rows, column=column, simplify=simplify), batch_format="pyarrow"
    ).materialize()
    edges = _star_edges(hashes, ["h1", "h2"], parts)
    params = _Params(MinHash.fast(), column, "first", None, None)
    return _cluster(indexed, edges, params, indexed.count(), "exact_duplicate", parts)


def _dup_table(pos: Any, cid: Any, size: Any, dup: Any) -> pa.Table:
    return pa.table(
        {
            "position": pa.array(pos, pa.int64()),
            "cluster_id": pa.array(cid, pa.int64()),
            "cluster_size": pa.array(size, pa.int64()),
            "is_duplicate": pa.array(dup, pa.bool_()),
        }
    )


def _no_duplicates(indexed: ray.data.Dataset, rows_in: int, reason: str) -> RayDedupResult:
    empty = ray.data.from_arrow(_dup_table([], [], [], []))
    return RayDedupResult(
        *_split_marked(indexed, empty, 0, 1),
        empty,
        {
            "rows_in": rows_in,
            "kept": rows_in,
            f"dropped_{reason}": 0,
            "clusters_with_duplicates": 0,
        },
    )


def _finish(
    indexed: ray.data.Dataset,
    members: ray.data.Dataset,
    rows_in: int,
    reason: str,
    parts: int,
) -> RayDedupResult:
    # One member per cluster is its keeper.
    n_clusters = (
        members.map_batches(
            lambda t: pa.table({"n": [len(t) - int(pc.sum(t["is_duplicate"]).as_py() or 0)]}),
            batch_format="pyarrow",
        ).sum("n")
        or 0
    )
    dup_pos = members.map_batches(
        lambda t: pa.table(
            {
                "dup": t["position"].filter(t["is_duplicate"]),
                "dup_flag": pa.array(np.ones(int(pc.sum(t["is_duplicate"]).as_py() or 0), bool)),
            }
        ),
        batch_format="pyarrow",
    ).materialize()
    n_dup = dup_pos.count()
    return RayDedupResult(
        *_split_marked(indexed, dup_pos, n_dup, parts),
        members,
        {
            "rows_in": rows_in,
            "kept": rows_in - n_dup,
            f"dropped_{reason}": n_dup,
            "clusters_with_duplicates": int(cast(int, n_clusters)),
        },
    )


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


def _band_keys(t: pa.Table, dedup: _Params) -> pa.Table:
    """Position and band keys (``fixed_size_list<int64>[bands]``) of each signed document. The
    keys are int64 views of the uint64 keys: same equality, and Ray sorts them natively."""
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
            "band": np.tile(np.arange(lo, hi, dtype=np.int32), len(pos)),
            "key": flat.reshape(-1),
            POS: np.repeat(pos, hi - lo),
        }
    )


def _runs(t: pa.Table, keys: list[str]) -> pa.Table:
    """One block of rows sorted by ``keys``: star edges ``(u=position, v=smallest position of
    its run of equal keys)``, and one boundary row (keys, ``u`` = the run's smallest position,
    ``v`` null) for the block's first and last runs, which may continue in the next block."""
    n = t.num_rows
    pos = t[POS].to_numpy()
    if n == 0:
        cols = {k: t[k] for k in keys}
        return pa.table({**cols, "u": pa.array([], pa.int64()), "v": pa.array([], pa.int64())})
    change = np.zeros(n, bool)
    change[0] = True
    for k in keys:
        a = t[k].to_numpy()
        change[1:] |= a[1:] != a[:-1]
    starts = np.flatnonzero(change)
    run_min = np.minimum.reduceat(pos, starts)
    root = run_min[np.cumsum(change) - 1]
    inner = pos != root
    edges = {k: pa.nulls(int(inner.sum()), t.schema.field(k).type) for k in keys}
    edges |= {"u": pos[inner], "v": root[inner]}
    ends = sorted({0, len(starts) - 1})
    bound = {k: t[k].take(pa.array(starts[ends])) for k in keys}
    bound |= {"u": run_min[ends], "v": pa.nulls(len(ends), pa.int64())}
    return pa.concat_tables([pa.table(edges), pa.table(bound).cast(pa.table(edges).schema)])


def _link_boundary(t: pa.Table) -> pa.Table:
    """The boundary rows of one key (runs cut by block edges): edges joining their minimums."""
    u = np.unique(t["u"].to_numpy())
    return pa.table({"u": u[1:], "v": np.full(len(u) - 1, u[0], np.int64)})


def _star_edges(rows: ray.data.Dataset, keys: list[str], parts: int) -> ray.data.Dataset:
    """Edges connecting every group of rows with equal ``keys`` (each row to its group's
    smallest position, possibly through one more hop): ``sort`` by the keys (vectorized range
    partitioning), runs found per block with numpy, and the runs that straddle blocks joined
    through their boundary rows (two per block at most). Ray's groupby aggregation combines
    groups in a Python loop: 106 s for 320 K band rows, where this takes seconds."""
    cut = rows.sort(keys).map_batches(partial(_runs, keys=keys), batch_format="pyarrow")
    cut = cut.materialize()
    inner = cut.map_batches(
        lambda t: t.filter(pc.is_valid(t["v"])).select(["u", "v"]), batch_format="pyarrow"
    )
    bound = cut.map_batches(
        lambda t: t.filter(pc.is_null(t["v"])).drop_columns(["v"]), batch_format="pyarrow"
    )
    links = _grouped(bound, keys, parts).map_groups(_link_boundary, batch_format="pyarrow")
    return inner.union(links).materialize()


def _edges_of_bands(keys: ray.data.Dataset, lo: int, hi: int, parts: int) -> ray.data.Dataset:
    """Edges connecting the documents that share a key in one of the bands ``[lo, hi)``."""
    bands = keys.map_batches(partial(_band_rows, lo=lo, hi=hi), batch_format="pyarrow")
    return _star_edges(bands, ["band", "key"], parts)


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


def _keepers(t: pa.Table) -> pa.Table:
    """One component (rows: node, label, id, rank): its keeper by (rank, id), sizes."""
    order = pc.sort_indices(t, sort_keys=[("rank", "ascending"), ("id", "ascending")])
    keeper = t[POS][order[0].as_py()].as_py()
    n = t.num_rows
    return _dup_table(t[POS], [keeper] * n, [n] * n, pc.not_equal(t[POS], keeper))


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
    :class:`qfast.errors.ConfigError`). ``num_partitions``: shuffle partitions (default twice
    the cluster's CPUs). ``band_slices``: group the bands in that many slices, one shuffle
    each, so a shuffle holds ``bands / band_slices`` rows per document instead of ``bands``
    (less memory per worker, more rounds); the result is the same."""
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
    params = _Params.of(dedup)
    if dedup.index is not None:
        raise ConfigError("an LSHIndex is not supported on Ray yet")
    parts = _partitions(num_partitions)
    indexed = with_positions(ds)
    rows_in = indexed.count()
    keys = indexed.map_batches(partial(_band_keys, dedup=params), batch_format="pyarrow")
    keys = keys.materialize()
    nb = dedup.minhash.bands
    per = -(-nb // max(1, min(band_slices, nb)))
    found = [_edges_of_bands(keys, lo, min(nb, lo + per), parts) for lo in range(0, nb, per)]
    edges = (found[0].union(*found[1:]) if len(found) > 1 else found[0]).materialize()
    return _cluster(indexed, edges, params, rows_in, "minhash_duplicate", parts)


def _cluster(
    indexed: ray.data.Dataset,
    edges: ray.data.Dataset,
    params: _Params,
    rows_in: int,
    reason: str,
    parts: int,
) -> RayDedupResult:
    """Components of ``edges``, one keeper each by ``params``' order, the rest dropped."""
    if edges.count() == 0:
        return _no_duplicates(indexed, rows_in, reason)
    labels = connected_components(edges, parts)
    attrs = indexed.map_batches(partial(_rank_columns, dedup=params), batch_format="pyarrow")
    comp = labels.join(attrs, "inner", parts, on=("node",), right_on=(POS,))
    ranked = comp.map_batches(
        lambda t: pa.table({POS: t["node"], "label": t["label"], "id": t["id"], "rank": t["rank"]}),
        batch_format="pyarrow",
    )
    members = (
        _grouped(ranked, "label", parts).map_groups(_keepers, batch_format="pyarrow").materialize()
    )
    return _finish(indexed, members, rows_in, reason, parts)


# ---- connected components ------------------------------------------------------------------


def _unique_edges(u: Any, v: Any) -> pa.Table:
    """Edges ``(u, v)`` with ``v < u``, without self-loops and repeats."""
    a = np.asarray(pa.array(u, pa.int64()).to_numpy(zero_copy_only=False))
    b = np.asarray(pa.array(v, pa.int64()).to_numpy(zero_copy_only=False))
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    pairs = (
        np.unique(np.stack([hi[keep], lo[keep]], axis=1), axis=0)
        if keep.any()
        else np.zeros((0, 2), np.int64)
    )
    return pa.table({"u": pairs[:, 0].astype(np.int64), "v": pairs[:, 1].astype(np.int64)})


def _relink(t: pa.Table) -> pa.Table:
    """All edges ``(u, v < u)`` of one node u, with m its smallest neighbour: ``(u, m)``, and
    ``(v, m)`` for every other v (same components, edges moved towards smaller nodes)."""
    v = np.unique(t["v"].to_numpy())
    u, m = t["u"][0].as_py(), int(v[0])
    others = v[1:]
    return pa.table(
        {
            "u": np.concatenate([[u], others]).astype(np.int64),
            "v": np.full(len(others) + 1, m, np.int64),
            "moved": np.full(len(others) + 1, len(others), np.int64),
        }
    )


def _jump(t: pa.Table) -> pa.Table:
    """One node k (rows ``key = k``): its parent (if any) and its children. Each child's edge
    becomes ``(c, parent of k)``, or stays ``(c, k)`` when k is a root. (k's own edge is
    rewritten in its parent's group.)"""
    parents = pc.drop_null(t["parent"]).to_numpy()
    children = np.unique(pc.drop_null(t["child"]).to_numpy()).astype(np.int64)
    k = t["key"][0].as_py()
    up = int(parents[0]) if len(parents) else k
    moved = len(children) if len(parents) else 0
    return pa.table(
        {
            "u": children,
            "v": np.full(len(children), up, np.int64),
            "moved": np.full(len(children), moved, np.int64),
        }
    )


def _as_jump_rows(t: pa.Table) -> pa.Table:
    n = t.num_rows
    null = pa.nulls(n, pa.int64())
    return pa.concat_tables(
        [
            pa.table({"key": t["u"], "child": null, "parent": t["v"]}),
            pa.table({"key": t["v"], "child": t["u"], "parent": null}),
        ]
    )


@ray.remote
def _block_max(t: pa.Table, column: str) -> int:
    return int(pc.max(t[column]).as_py() or 0) if t.num_rows else 0


def _moved(step: ray.data.Dataset) -> int:
    """The round's largest ``moved`` count, read from the materialized blocks with plain Ray
    tasks (a Ray Data aggregation would start a whole job for one number)."""
    refs = step.to_arrow_refs()
    return max(ray.get([_block_max.remote(r, "moved") for r in refs]), default=0)


def _grouped(ds: ray.data.Dataset, key: str | list[str], parts: int) -> Any:
    """``ds.groupby(key)`` on Ray Data's sort-based shuffle, for the small groupings here (CC
    rounds, keepers, block boundaries): its fixed cost is ~0.1 s where the hash shuffle's is
    seconds on 2 CPUs. (Large groupings go through :func:`_star_edges`.) A dataset keeps the
    context it was made with, so the strategy is set on the dataset's own context."""
    ds.context.shuffle_strategy = ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    return ds.groupby(key, num_partitions=parts)


def connected_components(edges: ray.data.Dataset, num_partitions: int) -> ray.data.Dataset:
    """Connected components of an undirected graph given as int64 edges ``(u, v)``: a dataset
    ``(node, label)`` for every node of an edge, ``label`` = the smallest node of its component.

    Rounds of ``groupby(u).map_groups``: every node is linked to its smallest smaller neighbour,
    and its other smaller neighbours to that one (same components, edges moved towards smaller
    nodes), until every node has a single parent; then pointer jumping (a ``groupby`` of each
    node with its children) until every parent is a root. Everything is a Ray Data shuffle;
    the driver only reads one counter per round."""
    parts = num_partitions
    cur = edges.map_batches(
        lambda t: _unique_edges(t["u"], t["v"]), batch_format="pyarrow"
    ).materialize()
    while True:
        # Output rows carry a "moved" column the next round ignores.
        cur = _grouped(cur, "u", parts).map_groups(_relink, batch_format="pyarrow").materialize()
        if not _moved(cur):
            break
    while True:
        cur = (
            _grouped(cur.map_batches(_as_jump_rows, batch_format="pyarrow"), "key", parts)
            .map_groups(_jump, batch_format="pyarrow")
            .materialize()
        )
        if not _moved(cur):
            break
    roots = (
        _grouped(cur, "v", parts)
        .aggregate(Count(alias_name="n"))
        .map_batches(lambda t: pa.table({"node": t["v"], "label": t["v"]}), batch_format="pyarrow")
    )
    leaves = cur.map_batches(
        lambda t: pa.table({"node": t["u"], "label": t["v"]}), batch_format="pyarrow"
    )
    return leaves.union(roots).materialize()


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
