"""The shuffles behind ``qfast.ray``'s dedup: Ray tasks that split Arrow blocks by key and
reduce each partition with numpy, and the graph steps built on them (star edges of repeated
keys, connected components, one keeper per component).

Why plain tasks and not Ray Data's ``sort``/``groupby``: on this project's 2-CPU reference VM a
Ray Data sort of 30 K rows costs ~4.5 s (a sampling job, then the shuffle job), a round of
tasks ~15 ms, and connected components take several rounds. The tasks are still Ray's: retried
when a worker dies, their outputs in the object store (spilled to disk under pressure).

A shuffle keeps every row of one key in one partition, so a reduce sees whole groups; the
driver only ever receives one small statistic per partition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import ray

#: The global position column (a row's position in the dataset's order).
POS = "__qfast_pos"

Refs = list[Any]  # ray.ObjectRef of pa.Table
Route = Callable[[pa.Table], Any]  # partition id (int64 numpy array) of every row

_MIX = np.uint64(0x9E3779B97F4A7C15)


# ---- shuffle -------------------------------------------------------------------------------


def hash_route(keys: list[str], parts: int) -> Route:
    """Rows to partitions by a hash of int64 key columns."""

    def route(t: pa.Table) -> Any:
        h = np.zeros(t.num_rows, np.uint64)
        for k in keys:
            h = (h ^ t[k].to_numpy().astype(np.int64).view(np.uint64)) * _MIX
            h ^= h >> np.uint64(29)
        return (h % np.uint64(parts)).astype(np.int64)

    return route


def range_route(column: str, starts: Any) -> Route:
    """Rows to partitions by the position ranges ``[starts[i], starts[i + 1])``."""

    def route(t: pa.Table) -> Any:
        return np.searchsorted(starts, t[column].to_numpy(), side="right") - 1

    return route


@ray.remote
def _split(
    t: pa.Table, prepare: Callable[[pa.Table], pa.Table] | None, route: Route, parts: int
) -> Any:
    if prepare is not None:
        t = prepare(t)
    ids = route(t)
    order = np.argsort(ids, kind="stable")
    bounds = np.searchsorted(ids[order], np.arange(parts + 1))
    # take, not slice: a slice would ship its whole parent buffer to every partition.
    pieces = tuple(t.take(pa.array(order[bounds[i] : bounds[i + 1]])) for i in range(parts))
    return pieces if parts > 1 else pieces[0]


@ray.remote(num_returns=2)
def _reduce(fn: Callable[..., tuple[pa.Table, Any]], side: Any, *pieces: pa.Table) -> Any:
    t = pa.concat_tables(pieces) if len(pieces) > 1 else pieces[0]
    return fn(t) if side is None else fn(side, t)


def shuffle(
    refs: Refs,
    route: Route,
    parts: int,
    fn: Callable[..., tuple[pa.Table, Any]],
    prepare: Callable[[pa.Table], pa.Table] | None = None,
    side: Refs | None = None,
) -> tuple[Refs, list[Any]]:
    """Every block of ``refs`` (after ``prepare``) split by ``route`` into ``parts``
    partitions; partition i reduced by ``fn(table)`` (``fn(side[i], table)`` with ``side``),
    which returns ``(table, statistic)``. Returns the output refs and the statistics; waits
    for the statistics, so the split pieces are freed when this returns."""
    task = _split.options(num_returns=parts)
    split: list[Any] = [task.remote(r, prepare, route, parts) for r in refs]
    if parts == 1:
        split = [[s] for s in split]
    outs = [
        _reduce.remote(fn, None if side is None else side[i], *[s[i] for s in split])
        for i in range(parts)
    ]
    stats = ray.get([o[1] for o in outs])
    return [o[0] for o in outs], stats


# ---- block kernels -------------------------------------------------------------------------


def _group_starts(cols: list[Any]) -> Any:
    """True where a row of columns sorted together starts a new group of equal values."""
    n = len(cols[0])
    change = np.zeros(n, bool)
    if n:
        change[0] = True
    for a in cols:
        change[1:] |= a[1:] != a[:-1]
    return change


def _edges(u: Any, v: Any) -> pa.Table:
    return pa.table({"u": np.asarray(u, np.int64), "v": np.asarray(v, np.int64)})


def star_edges(t: pa.Table, keys: list[str]) -> tuple[pa.Table, int]:
    """Whole groups of rows with equal ``keys``: an edge from every position to its group's
    smallest; the statistic is the edge count."""
    cols = [t[k].to_numpy() for k in keys]
    pos = t[POS].to_numpy()
    order = np.lexsort([pos, *reversed(cols)])
    pos = pos[order]
    first = _group_starts([c[order] for c in cols])
    root = pos[np.flatnonzero(first)][np.cumsum(first) - 1]
    inner = pos != root
    return _edges(pos[inner], root[inner]), int(inner.sum())


def _unique_edges(t: pa.Table) -> pa.Table:
    """Edges ``(u, v)`` as ``v < u``, without self-loops."""
    a, b = t["u"].to_numpy(), t["v"].to_numpy()
    keep = a != b
    return _edges(np.maximum(a, b)[keep], np.minimum(a, b)[keep])


def _relink(t: pa.Table) -> tuple[pa.Table, int]:
    """Edges ``(u, v < u)``, whole groups of equal u. With m the smallest neighbour of u:
    ``(u, m)``, and ``(v, m)`` for every other v (same components, edges moved towards smaller
    nodes). The statistic: the most edges moved for one node."""
    u, v = t["u"].to_numpy(), t["v"].to_numpy()
    order = np.lexsort((v, u))
    u, v = u[order], v[order]
    uniq = _group_starts([u, v])
    u, v = u[uniq], v[uniq]
    first = _group_starts([u])
    starts = np.flatnonzero(first)
    m = v[starts][np.cumsum(first) - 1]
    moved = int(np.diff(np.append(starts, len(u))).max(initial=1)) - 1
    return _edges(np.where(first, u, v), m), moved


def _jump_rows(t: pa.Table) -> pa.Table:
    """Each edge ``(u, v)`` as a row of v's group (child u) and a row of u's group (parent v)."""
    u, v = t["u"].to_numpy(), t["v"].to_numpy()
    none = np.full(len(u), -1, np.int64)
    return pa.table(
        {
            "key": np.concatenate([u, v]),
            "child": np.concatenate([none, u]),
            "parent": np.concatenate([v, none]),
        }
    )


def _jump(t: pa.Table) -> tuple[pa.Table, int]:
    """Whole groups of equal key: each child c of k gets the edge ``(c, parent of k)``, or
    keeps ``(c, k)`` when k is a root (k's own edge is rewritten in its parent's group). The
    statistic: the most children moved for one node."""
    key, child, parent = (t[c].to_numpy() for c in ("key", "child", "parent"))
    has_parent = parent >= 0
    pk, pp = key[has_parent], parent[has_parent]
    porder = np.argsort(pk, kind="stable")
    pk, pp = pk[porder], pp[porder]
    is_child = child >= 0
    ck, cc = key[is_child], child[is_child]
    order = np.lexsort((cc, ck))
    ck, cc = ck[order], cc[order]
    uniq = _group_starts([ck, cc])
    ck, cc = ck[uniq], cc[uniq]
    if not len(pk):
        return _edges(cc, ck), 0
    at = np.minimum(np.searchsorted(pk, ck), len(pk) - 1)
    has = pk[at] == ck
    first = _group_starts([ck])
    starts = np.flatnonzero(first)
    n_children = np.diff(np.append(starts, len(ck)))[np.cumsum(first) - 1]
    moved = int(n_children[has].max(initial=0))
    return _edges(cc, np.where(has, pp[at], ck)), moved


def _labels(t: pa.Table) -> tuple[pa.Table, int]:
    """Edges ``(u, root)``, whole groups of equal root: ``(node, label)`` for every node,
    the roots labelled by themselves. The statistic: the node count."""
    u, v = t["u"].to_numpy(), t["v"].to_numpy()
    roots = np.unique(v)
    node = np.concatenate([u, roots])
    return pa.table({"node": node, "label": np.concatenate([v, roots])}), len(node)


def components(edges: Refs, parts: int) -> Refs:
    """Connected components of int64 edges ``(u, v)``: blocks of ``(node, label)`` for every
    node of an edge, ``label`` = the smallest node of its component.

    Rounds of "link every node to its smallest smaller neighbour and its other smaller
    neighbours to that one" until every node has a single parent, then pointer jumping until
    every parent is a root: O(log n) rounds on long chains, each one shuffle."""
    by_u = hash_route(["u"], parts)
    cur, moved = shuffle(edges, by_u, parts, _relink, prepare=_unique_edges)
    while max(moved):
        cur, moved = shuffle(cur, by_u, parts, _relink)
    while True:
        cur, moved = shuffle(cur, hash_route(["key"], parts), parts, _jump, prepare=_jump_rows)
        if not max(moved):
            break
    labels, _ = shuffle(cur, hash_route(["v"], parts), parts, _labels)
    return labels


def dup_table(pos: Any, cid: Any, size: Any, dup: Any) -> pa.Table:
    """The ``duplicates`` table of a dedup result."""
    return pa.table(
        {
            "position": pa.array(pos, pa.int64()),
            "cluster_id": pa.array(cid, pa.int64()),
            "cluster_size": pa.array(size, pa.int64()),
            "is_duplicate": pa.array(dup, pa.bool_()),
        }
    )


def attach_labels(
    block: pa.Table, labels: pa.Table, rank: Callable[[pa.Table], pa.Table]
) -> tuple[pa.Table, int]:
    """The rows of one input ``block`` that belong to a component (``labels``: ``(node,
    label)`` of the block's position range), as ``(position, label, id, rank)`` with ``id``
    and ``rank`` from ``rank(block)``."""
    ranked = rank(block)
    pos = ranked[POS].to_numpy()
    node = labels["node"].to_numpy()
    order = np.argsort(node, kind="stable")
    node, label = node[order], labels["label"].to_numpy()[order]
    if len(node):
        at = np.minimum(np.searchsorted(node, pos), len(node) - 1)
        hit = node[at] == pos
    else:
        at, hit = np.zeros(len(pos), np.int64), np.zeros(len(pos), bool)
    take = pa.array(np.flatnonzero(hit))
    out = pa.table(
        {
            POS: pa.array(pos[hit], pa.int64()),
            "label": pa.array(label[at[hit]], pa.int64()),
            "id": ranked["id"].take(take),
            "rank": ranked["rank"].take(take),
        }
    )
    return out, out.num_rows


def keepers(t: pa.Table) -> tuple[pa.Table, tuple[int, int]]:
    """Whole components (rows: position, label, id, rank): each component's keeper is its
    first row by (rank, id, position). The statistic: (components, duplicates)."""
    order = pc.sort_indices(
        t,
        sort_keys=[
            ("label", "ascending"),
            ("rank", "ascending"),
            ("id", "ascending"),
            (POS, "ascending"),
        ],
    )
    t = t.take(order)
    first = _group_starts([t["label"].to_numpy()])
    gid = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    pos = t[POS].to_numpy()
    keeper = pos[starts][gid]
    size = np.diff(np.append(starts, len(pos)))[gid]
    dup = pos != keeper
    return dup_table(pos, keeper, size, dup), (len(starts), int(dup.sum()))


def dup_positions(t: pa.Table) -> pa.Table:
    """The duplicates' positions among cluster members."""
    return pa.table({"dup": pc.filter(t["position"], t["is_duplicate"])})


def sorted_dups(t: pa.Table) -> tuple[pa.Table, int]:
    """The duplicate positions of one range partition, sorted."""
    return t.sort_by("dup"), t.num_rows
