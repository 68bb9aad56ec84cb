"""Train/validation/test splits that keep near-duplicates together and strata exact.

``split(data, {"train": .8, "validation": .1, "test": .1}, stratify="label")`` gives every row
one split name. Three promises, each checkable on the result:

* **deterministic**: the same rows, fractions, ``stratify`` and ``seed`` give the same
  assignment (the shuffles are a fixed integer hash of ``seed`` and the row position, not a
  library RNG whose stream could change between versions);
* **no leakage**: with ``group_near_duplicates=True`` (the default) every near-duplicate group
  (MinHash-LSH candidates confirmed by exact Jaccard, plus exact copies) lands whole in one
  split, so ``SplitResult.leakage`` is 0. With ``group_near_duplicates=False`` the same
  detection still runs and ``leakage`` counts the detected pairs a plain random split tears
  apart;
* **exact strata up to rounding**: each stratum's target per split is its size times the
  fraction, rounded by the largest-remainder method (remainders tied: the earlier split gets
  the extra row). Groups go first, largest first, to the split whose remaining quota fits them
  best; singletons then fill every quota exactly. When a group fits nowhere (a group bigger
  than the validation quota of its stratum, say) it goes where it overflows least, and
  ``SplitResult.deviation`` / the ``counts`` table say by how much the split is off target.

Null policy: a null or empty text is never a near-duplicate of anything (it has no content to
leak) and is assigned like any other row; a null stratify value is a stratum of its own. No row
is ever dropped: ``len(assignment) == len(data)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import isfinite, lcm
from numbers import Real
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from ._input import filter_rows, is_tabular, like, text_column, unview
from .dedup import MinHash, MinHashDedup, doc_hashes
from .errors import ColumnNotFoundError, ColumnTypeError, ConfigError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]

# The default near-duplicate detector. Character 5-grams (whitespace runs collapsed,
# lowercased; CJK by characters, so Chinese and Japanese need no segmenter), 64 bands x 3 rows
# of 32-bit MinHash: a pair at Jaccard 0.5 becomes an LSH candidate with probability
# 1 - (1 - 0.5^3)^64 = 0.9998, at 0.45 with 0.9978; candidates are then confirmed by the exact
# Jaccard of the two shingle sets (>= DEFAULT_THRESHOLD), so the many false candidates that
# few rows per band produce cost time, never a wrong group.
#
# Measured on eval_data (the three files the reference pairs come from that are present:
# web_html_extracted, web_dclm_human_quality, zh_reviews_chinesenlpcorpus; 84,892 rows) against
# neardup_pairs_exact_jaccard.parquet (2,251 of its 4,936 pairs have both rows there; word
# 5-gram Jaccard >= 0.5, character 5-grams for CJK): the character 5-gram Jaccard of those pairs
# is >= 0.505 (so a 0.45 threshold has margin), and 64 x 3 puts 100% of them in one group for
# MinHash seeds 1-7 alike: 8,066 groups of 2+ rows (16,585 rows, largest 53), in 1.0-2.2 s on
# 2 cores. 32 x 4 (128 permutations) missed one pair (Jaccard 0.505); 48 x 3 found every
# reference pair but lost a non-reference one for some seeds; 2 rows per band (32-64 bands)
# also reach 100% but take 2-3x longer verifying false candidates.
DEFAULT_MINHASH = MinHash(shingles="chars", n_grams=5, bands=64, rows=3, seed=1, precision=32)
DEFAULT_THRESHOLD = 0.45

_MASK64 = (1 << 64) - 1


@dataclass
class SplitResult:
    """What ``split`` decided, and how close it came to the targets."""

    assignment: pa.DictionaryArray
    """One split name per input row, in input order (``dictionary<int32, string>``)."""
    splits: dict[str, Any]
    """Split name -> the rows assigned to it, in input order, as the same kind of object as
    the input (pyarrow Table / RecordBatch, polars or pandas frame, or an array)."""
    counts: pa.Table
    """One row per (stratum, split): ``stratum`` (the stratify value; null for the null stratum,
    and the single row group of ``stratify=None``), ``split``, ``count`` and ``target`` (the
    largest-remainder quota)."""
    leakage: int
    """Detected near-duplicate pairs (confirmed MinHash pairs and exact copies) whose two rows
    are in different splits: 0 when grouping is on."""
    n_pairs: int
    """Near-duplicate pairs detected (confirmed MinHash pairs plus exact-copy pairs, each
    counted once)."""
    n_groups: int
    """Near-duplicate groups of two or more rows (connected components of the detected pairs);
    placed whole when grouping is on."""
    deviation: int
    """Sum over strata and splits of ``|count - target|``: 0 when every quota is met."""

    @property
    def names(self) -> list[str]:
        """The split names, in the order given."""
        return list(self.splits)


def _fractions(fractions: Mapping[str, float] | Sequence[float]) -> tuple[list[str], list[int]]:
    """(names, integer weights with the exact ratios of the fractions as typed)."""
    if isinstance(fractions, Mapping):
        names = list(fractions.keys())
        values = list(fractions.values())
        for name in names:
            if not isinstance(name, str) or not name:
                raise ConfigError(f"split names must be non-empty strings, got {name!r}")
    elif isinstance(fractions, Sequence) and not isinstance(fractions, (str, bytes)):
        values = list(fractions)
        names = (
            ["train", "validation", "test"]
            if len(values) == 3
            else [f"split_{i}" for i in range(len(values))]
        )
    else:
        raise ConfigError(
            "fractions must be a dict of split name -> fraction or a sequence of fractions, "
            f"got {type(fractions).__name__}"
        )
    if not values:
        raise ConfigError("fractions is empty: give at least one split")
    exact: list[Fraction] = []
    for name, v in zip(names, values):
        if isinstance(v, bool) or not isinstance(v, Real):
            raise ConfigError(f"fraction of split {name!r} is not a number: {v!r}")
        if not isfinite(v) or v < 0:
            raise ConfigError(f"fraction of split {name!r} must be finite and >= 0, got {v!r}")
        # The shortest decimal that reads back as the float: 0.1 is 1/10, not 0.1000...0555.
        exact.append(Fraction(repr(float(v))))
    total = sum(exact, Fraction(0))
    if abs(float(total) - 1.0) > 1e-6:
        raise ConfigError(
            f"fractions must sum to 1, got {float(total):g} ({dict(zip(names, values))})"
        )
    exact = [f / total for f in exact]
    den = lcm(*(f.denominator for f in exact))
    return names, [int(f * den) for f in exact]


def _apportion(n: int, weights: Sequence[int]) -> list[int]:
    """``n`` split in proportion to integer ``weights`` by the largest-remainder method: each
    part gets the floor of its exact quota, the parts with the largest remainders one more
    (ties: the earlier part). Exact integer arithmetic."""
    den = sum(weights)
    if den == 0:
        return [0] * len(weights)
    base = [n * w // den for w in weights]
    rem = [n * w % den for w in weights]
    extra = n - sum(base)
    for k in sorted(range(len(weights)), key=lambda k: (-rem[k], k))[:extra]:
        base[k] += 1
    return base


def _stratum_targets(sizes: Sequence[int], weights: Sequence[int]) -> list[list[int]]:
    """Per stratum (in order), its count per split: the floor of its exact quota, plus one for
    as many splits as the floors leave rows over. Which splits get the extra rows is decided
    across strata: by the remainder plus the split's running shortfall over the strata before
    (ties: the earlier split), and only a split whose quota is not a whole number can get one.
    Each stratum stays exact up to rounding (floor or ceiling of its quota), and many small
    strata no longer all round the same way (4,000 strata of 4 rows at 0.8/0.1/0.1 give
    12,800/1,600/1,600, not 12,000/4,000/0). Exact integer arithmetic, in units of 1/sum(weights)."""
    den = sum(weights)
    if den == 0:
        return [[0] * len(weights) for _ in sizes]
    short = [0] * len(weights)  # running (exact quota - count), times den
    out = []
    for n in sizes:
        base = [n * w // den for w in weights]
        rem = [n * w % den for w in weights]
        extra = n - sum(base)
        cands = sorted(
            (k for k in range(len(weights)) if rem[k]), key=lambda k: (-(rem[k] + short[k]), k)
        )
        for k in cands[:extra]:
            base[k] += 1
        for k, w in enumerate(weights):
            short[k] += n * w - base[k] * den
        out.append(base)
    return out


def _mix(seed: int, x: IntArray) -> Any:
    """A seeded 64-bit hash of each integer (splitmix64): the shuffle keys."""
    import numpy as np

    with np.errstate(over="ignore"):
        z = x.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(
            (seed * 0xD1B54A32D192ED03 + 0x632BE59BD9B4E019) & _MASK64
        )
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _components(n: int, a: IntArray, b: IntArray) -> IntArray:
    """Connected components of the edges ``a[i] -- b[i]`` over ``n`` nodes: the smallest
    node of each component, per node (hook roots to the smaller root, then pointer-jump)."""
    import numpy as np

    lab = np.arange(n, dtype=np.int64)
    if len(a) == 0:
        return lab
    while True:
        la, lb = lab[a], lab[b]
        m = np.minimum(la, lb)
        new = lab.copy()
        np.minimum.at(new, la, m)
        np.minimum.at(new, lb, m)
        while True:
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, lab):
            return lab
        lab = new


def _stratum_codes(table: pa.Table | None, stratify: str | None, n: int) -> tuple[Any, pa.Array]:
    """(stratum index per row, the stratum values); nulls are a stratum of their own."""
    import numpy as np

    if stratify is None:
        return np.zeros(n, dtype=np.int64), pa.nulls(1, pa.string())
    if table is None or stratify not in table.column_names:
        have = [] if table is None else table.column_names
        raise ColumnNotFoundError(
            f"stratify column {stratify!r} not found; available columns: {have}"
        )
    col = table.column(stratify).combine_chunks()
    if pa.types.is_dictionary(col.type):
        col = pa.DictionaryArray.from_arrays(
            col.indices, unview(col.dictionary)
        ).dictionary_decode()
    col = unview(col)
    try:
        enc = pc.dictionary_encode(col, null_encoding="encode")
    except pa.ArrowNotImplementedError as exc:
        raise ColumnTypeError(
            f"stratify column {stratify!r} of type {col.type} cannot be grouped into strata: "
            "use a string, integer, boolean or similar column"
        ) from exc
    return enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), enc.dictionary


def _detect(
    col: pa.Array | pa.ChunkedArray,
    column: str,
    minhash: MinHash,
    threshold: float | None,
) -> tuple[Any, Any, Any]:
    """(near-duplicate pairs ``a``, ``b`` from MinHash, exact-copy id per row or -1)."""
    import numpy as np

    dedup = MinHashDedup(minhash, keep="first", threshold=threshold, column=column)
    dedup.add(col)
    res = dedup.result()
    if threshold is None:
        # No confirmed pairs without a threshold: link each row to its LSH cluster's keeper.
        cid = res.table.column("cluster_id").to_numpy().astype(np.int64)
        pb_ = np.flatnonzero((cid >= 0) & (cid != np.arange(len(cid))))
        pa_ = cid[pb_]
    else:
        pa_, pb_ = (res.pairs.column(k).to_numpy().astype(np.int64) for k in ("a", "b"))
    hashes = doc_hashes(col, column)
    # Empty texts are identical but carry nothing to leak: never grouped (nulls hash to null).
    empty = pc.equal(pc.binary_length(unview(col)), 0)
    hashes = pc.if_else(pc.fill_null(empty, False), pa.scalar(None, hashes.type), hashes)
    if isinstance(hashes, pa.ChunkedArray):
        hashes = hashes.combine_chunks()
    hid = pc.fill_null(pc.dictionary_encode(hashes).indices, -1)
    exact = hid.to_numpy(zero_copy_only=False).astype(np.int64)
    return pa_, pb_, exact


def split(
    data: Any,
    fractions: Mapping[str, float] | Sequence[float],
    *,
    stratify: str | None = None,
    group_near_duplicates: bool = True,
    seed: int = 0,
    column: str = "text",
    minhash: MinHash | None = None,
    threshold: float | None = DEFAULT_THRESHOLD,
) -> SplitResult:
    """Assigns every row of ``data`` to one split.

    ``data``: a pyarrow Table or RecordBatch, a polars/pandas/duckdb frame, or a text array
    (then ``stratify`` must be None). ``fractions``: ``{"train": .8, "validation": .1,
    "test": .1}`` or a sequence of fractions (three are named train/validation/test, any other
    number ``split_0``, ``split_1``...); each >= 0, summing to 1 (within 1e-6) or ``ConfigError``.
    ``stratify``: a column whose values are strata (nulls are one stratum); each split gets its
    share of every stratum, rounded down or up (which splits round up is balanced across
    strata, so the splits' totals stay on their fractions too). ``group_near_duplicates``: keep each near-duplicate
    group in one split (detection runs either way, to report ``leakage``). ``seed``: the shuffle;
    same inputs and seed, same assignment. ``minhash``/``threshold``: the detector (default
    character 5-grams, 64 x 3 bands, pairs confirmed at exact Jaccard >= 0.45: 100% recall on
    eval_data's reference near-duplicate pairs; ``threshold=None`` groups LSH clusters
    unconfirmed, and the detected pairs are then each row's link to its cluster's first row). Exact copies are grouped too, so texts too short for a 5-gram still are.

    Needs numpy.
    """
    try:
        import numpy as np
    except ImportError as exc:  # pragma: no cover - numpy ships with most installs
        raise ImportError("qfast.split needs numpy: pip install numpy") from exc

    names, weights = _fractions(fractions)
    if threshold is not None and not 0.0 < threshold <= 1.0:
        raise ConfigError(f"threshold must be in (0, 1] or None, got {threshold!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ConfigError(f"seed must be an int, got {seed!r}")
    tabular = is_tabular(data)
    table, col = text_column(data, column)
    n = len(col)
    nk = len(names)
    strata, stratum_values = _stratum_codes(table, stratify, n)
    ns = len(stratum_values)

    # Detection: confirmed MinHash pairs and exact copies, unioned into groups.
    pa_, pb_, exact = _detect(col, column, minhash or DEFAULT_MINHASH, threshold)
    has_hash = exact >= 0
    hashed_rows = np.flatnonzero(has_hash)
    first_of = np.full(int(exact.max()) + 1 if len(hashed_rows) else 0, n, dtype=np.int64)
    np.minimum.at(first_of, exact[hashed_rows], hashed_rows)
    ea = hashed_rows
    eb = first_of[exact[hashed_rows]]
    keep_edge = ea != eb
    group = _components(
        n, np.concatenate([pa_, ea[keep_edge]]), np.concatenate([pb_, eb[keep_edge]])
    )
    sizes = np.bincount(group, minlength=n)
    in_group = sizes[group] > 1
    n_groups = int(np.count_nonzero(sizes > 1))
    # Pairs counted once: exact copies by combinatorics, MinHash pairs unless also exact copies.
    same_copy = has_hash[pa_] & (exact[pa_] == exact[pb_])
    copy_sizes = np.bincount(exact[hashed_rows]) if len(hashed_rows) else np.zeros(0, np.int64)
    n_pairs = int(np.sum(copy_sizes * (copy_sizes - 1) // 2)) + int(np.count_nonzero(~same_copy))

    # Per-stratum targets, exact up to rounding, rounded so the splits' totals stay on target.
    stratum_sizes = np.bincount(strata, minlength=ns)
    target = _stratum_targets([int(s) for s in stratum_sizes], weights)
    remaining = [list(t) for t in target]
    assign = np.full(n, -1, dtype=np.int64)

    # Groups first, largest first (ties in a seeded order), each to the split where it
    # overflows the remaining quotas least, then where the most of its strata's quota is left
    # (as a fraction of the target), then the earlier split.
    if group_near_duplicates and n_groups:
        rows = np.flatnonzero(in_group)
        key = group[rows] * ns + strata[rows]
        uniq, cnt = np.unique(key, return_counts=True)
        gid, sid = uniq // ns, uniq % ns
        roots, starts = np.unique(gid, return_index=True)
        gsize = sizes[roots]
        order = np.lexsort((_mix(seed ^ 0x5EED, roots), -gsize))
        ends = np.append(starts[1:], len(gid))
        sid_l, cnt_l = sid.tolist(), cnt.tolist()
        starts_l, ends_l = starts.tolist(), ends.tolist()
        choice = np.empty(len(roots), dtype=np.int64)
        for gi in order.tolist():
            comp = list(zip(sid_l[starts_l[gi] : ends_l[gi]], cnt_l[starts_l[gi] : ends_l[gi]]))
            best_k, best = 0, None
            for k in range(nk):
                if weights[k] == 0:
                    continue  # a split asked to hold nothing never takes a group
                over = 0
                room = 0.0
                for s, c in comp:
                    r = remaining[s][k]
                    if c > max(r, 0):
                        over += c - max(r, 0)
                    t = target[s][k]
                    room += c * (r / t if t > 0 else -1.0)
                score = (over, -room)
                if best is None or score < best:
                    best_k, best = k, score
            choice[gi] = best_k
            for s, c in comp:
                remaining[s][best_k] -= c
        split_of_root = np.full(n, -1, dtype=np.int64)
        split_of_root[roots] = choice
        assign[rows] = split_of_root[group[rows]]
        single = ~in_group
    else:
        single = np.ones(n, dtype=bool)

    # Singletons fill each stratum's remaining quota, in a seeded order. Where groups
    # overflowed a quota, the shortfall is shared among the other splits by largest remainder.
    srows = np.flatnonzero(single)
    s_of = strata[srows]
    n_single = np.bincount(s_of, minlength=ns)
    quota = np.zeros((ns, nk), dtype=np.int64)
    for s in range(ns):
        pos = [max(r, 0) for r in remaining[s]]
        have = int(n_single[s])
        quota[s] = pos if sum(pos) == have else _apportion(have, pos)
    order = np.lexsort((_mix(seed, srows), s_of))
    sorted_rows = srows[order]
    sorted_s = s_of[order]
    first = np.zeros(ns, dtype=np.int64)
    first[1:] = np.cumsum(n_single)[:-1]
    rank = np.arange(len(sorted_rows), dtype=np.int64) - first[sorted_s]
    bounds = np.cumsum(quota, axis=1)
    assign[sorted_rows] = (rank[:, None] >= bounds[sorted_s]).sum(axis=1)

    # What came out.
    counts = np.bincount(strata * nk + assign, minlength=ns * nk).reshape(ns, nk)
    target_arr = np.array(target, dtype=np.int64).reshape(ns, nk)
    deviation = int(np.abs(counts - target_arr).sum())
    cross_pairs = int(np.count_nonzero((assign[pa_] != assign[pb_]) & ~same_copy))
    if len(hashed_rows):
        per = np.bincount(
            exact[hashed_rows] * nk + assign[hashed_rows], minlength=len(copy_sizes) * nk
        ).reshape(-1, nk)
        cross_pairs += int(((copy_sizes**2 - (per**2).sum(axis=1)) // 2).sum())

    assignment = pa.DictionaryArray.from_arrays(
        pa.array(assign, pa.int32()), pa.array(names, pa.string())
    )
    parts: dict[str, Any] = {}
    for k, name in enumerate(names):
        mask = pa.array(assign == k)
        if tabular:
            # the table read once above: a duckdb relation is not re-run (and re-ordered) per split
            parts[name] = like(data, filter_rows(table, mask))
        else:
            parts[name] = like(data, filter_rows(col, mask))
    counts_table = pa.table(
        {
            "stratum": stratum_values.take(pa.array(np.repeat(np.arange(ns), nk))),
            "split": pa.array(names * ns, pa.string()),
            "count": pa.array(counts.reshape(-1), pa.int64()),
            "target": pa.array(target_arr.reshape(-1), pa.int64()),
        }
    )
    return SplitResult(
        assignment=assignment,
        splits=parts,
        counts=counts_table,
        leakage=cross_pairs,
        n_pairs=n_pairs,
        n_groups=n_groups,
        deviation=deviation,
    )


__all__ = ["DEFAULT_MINHASH", "DEFAULT_THRESHOLD", "SplitResult", "split"]
