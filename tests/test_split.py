"""qfast.split: near-duplicate groups never straddle two splits, strata are exact up to
rounding, the assignment is deterministic, and the leakage figure is right.

The eval_data test uses the reference near-duplicate pairs of
neardup_pairs_exact_jaccard.parquet (exact Jaccard >= 0.5 on word 5-grams, character 5-grams
for CJK), restricted to the files of eval_data it names that are present."""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import combinations
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from conftest import EVAL_DATA

import qfast
from qfast.errors import ColumnNotFoundError, ConfigError
from qfast.splits import DEFAULT_MINHASH, DEFAULT_THRESHOLD, SplitResult, split

FRACTIONS = {"train": 0.8, "validation": 0.1, "test": 0.1}


def _targets(sizes: list[int], fractions: list[Fraction]) -> list[list[int]]:
    """Independent reference, strata in order of first appearance: floors of the exact
    quotas, one more to the splits with the largest remainder plus running shortfall (only
    where the quota is fractional; ties to the earlier split)."""
    short = [Fraction(0)] * len(fractions)
    out = []
    for n in sizes:
        quotas = [n * f for f in fractions]
        got = [q.numerator // q.denominator for q in quotas]
        cands = [k for k in range(len(quotas)) if quotas[k] != got[k]]
        cands.sort(key=lambda k: (-(quotas[k] - got[k] + short[k]), k))
        for k in cands[: n - sum(got)]:
            got[k] += 1
        short = [short[k] + quotas[k] - got[k] for k in range(len(quotas))]
        out.append(got)
    return out


def _split_index(res: SplitResult) -> np.ndarray:
    return res.assignment.indices.to_numpy()


@pytest.fixture(scope="module")
def pair_data() -> tuple[pa.Table, np.ndarray]:
    """Every row of each eval_data file named by the reference pairs (and present), with a
    ``stratum`` column (file, plus the human label where the file has one: DCLM's quality
    label, the Chinese reviews' category and sentiment), and the reference pairs as row
    positions."""
    pairs = pq.read_table(EVAL_DATA / "neardup_pairs_exact_jaccard.parquet")
    named = sorted(set(pairs["file_a"].to_pylist()) | set(pairs["file_b"].to_pylist()))
    tables = []
    for name in named:
        path = EVAL_DATA / name
        if not path.exists():  # the pairs file also names two files eval_data does not ship
            continue
        t = pq.read_table(path)
        stem = name.removesuffix(".parquet")
        if "label_sentiment" in t.column_names:
            label = pc.binary_join_element_wise(
                t["category"], pc.cast(t["label_sentiment"], pa.string()), ":"
            )
        elif "label_human_quality" in t.column_names:
            label = pc.cast(t["label_human_quality"], pa.string())
        else:
            label = pa.nulls(t.num_rows, pa.string())
        file_col = pa.array([name] * t.num_rows)
        stratum = pc.binary_join_element_wise(
            pa.array([stem] * t.num_rows), pc.fill_null(label, "-"), "/"
        )
        tables.append(
            pa.table({"id": t["id"], "text": t["text"], "file": file_col, "stratum": stratum})
        )
    table = pa.concat_tables(tables)
    pos = {key: i for i, key in enumerate(zip(table["file"].to_pylist(), table["id"].to_pylist()))}
    ref = [
        (pos[(fa, a)], pos[(fb, b)])
        for a, fa, b, fb in zip(
            pairs["id_a"].to_pylist(),
            pairs["file_a"].to_pylist(),
            pairs["id_b"].to_pylist(),
            pairs["file_b"].to_pylist(),
        )
        if (fa, a) in pos and (fb, b) in pos
    ]
    assert len(ref) >= 2000, "the reference pairs of the present files went missing"
    return table, np.array(ref)


@pytest.fixture(scope="module")
def grouped(pair_data: tuple[pa.Table, np.ndarray]) -> SplitResult:
    table, _ = pair_data
    return split(table, FRACTIONS, stratify="stratum", seed=0)


def test_eval_data_no_reference_pair_straddles_two_splits(
    pair_data: tuple[pa.Table, np.ndarray], grouped: SplitResult
) -> None:
    table, ref = pair_data
    a = _split_index(grouped)
    across = int(np.count_nonzero(a[ref[:, 0]] != a[ref[:, 1]]))
    print(
        f"\n{table.num_rows} rows, {len(ref)} reference pairs, {grouped.n_groups} groups, "
        f"{grouped.n_pairs} detected pairs: {across} reference pairs across splits, "
        f"leakage {grouped.leakage}"
    )
    assert across == 0
    assert grouped.leakage == 0
    # The grouping did real work: thousands of multi-row groups, not a trivial split.
    assert grouped.n_groups > 5000
    assert len(grouped.assignment) == table.num_rows
    assert grouped.assignment.null_count == 0


def test_eval_data_each_stratum_count_is_its_largest_remainder_target(
    pair_data: tuple[pa.Table, np.ndarray], grouped: SplitResult
) -> None:
    table, _ = pair_data
    names = list(FRACTIONS)
    fr = [Fraction(1, 10) * 8, Fraction(1, 10), Fraction(1, 10)]
    # Recount from the assignment itself (not from the result's own table).
    strata = table["stratum"].to_pylist()
    a = _split_index(grouped)
    seen: dict[tuple[str, str], int] = {}
    for s, k in zip(strata, a.tolist()):
        seen[(s, names[k])] = seen.get((s, names[k]), 0) + 1
    sizes: dict[str, int] = {}
    for s in strata:
        sizes[s] = sizes.get(s, 0) + 1
    counts = grouped.counts
    print()
    print(counts.to_pandas().to_string())
    assert counts.num_rows == len(sizes) * 3
    order = list(sizes)  # first appearance, as split encodes strata
    targets = dict(zip(order, _targets([sizes[s] for s in order], fr)))
    for row in counts.to_pylist():
        expected = targets[row["stratum"]][names.index(row["split"])]
        assert row["target"] == expected, row
        assert row["count"] == seen.get((row["stratum"], row["split"]), 0), row
        assert row["count"] == row["target"], row
    assert grouped.deviation == 0
    assert sum(len(grouped.splits[n]) for n in names) == table.num_rows


def test_eval_data_same_seed_same_assignment_other_seed_differs(
    pair_data: tuple[pa.Table, np.ndarray], grouped: SplitResult
) -> None:
    table, _ = pair_data
    again = split(table, FRACTIONS, stratify="stratum", seed=0)
    assert again.assignment.equals(grouped.assignment)
    other = split(table, FRACTIONS, stratify="stratum", seed=1)
    changed = int(np.count_nonzero(_split_index(other) != _split_index(grouped)))
    print(f"\nseed 1 moves {changed} of {table.num_rows} rows")
    assert changed > table.num_rows // 10
    assert other.leakage == 0 and other.deviation == 0


def test_eval_data_without_grouping_pairs_leak(pair_data: tuple[pa.Table, np.ndarray]) -> None:
    table, ref = pair_data
    naive = split(table, FRACTIONS, stratify="stratum", seed=0, group_near_duplicates=False)
    a = _split_index(naive)
    across = int(np.count_nonzero(a[ref[:, 0]] != a[ref[:, 1]]))
    print(f"\nno grouping: leakage {naive.leakage}, {across} reference pairs across splits")
    assert naive.leakage > 0
    assert across > 0
    assert naive.deviation == 0


# Small cases.


def _distinct(i: int) -> str:
    """A text sharing no character 5-gram to speak of with ``_distinct(j)``, ``j != i``."""
    rng = random.Random(1000 + i)
    return " ".join(
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6)) for _ in range(8)
    )


def _corpus(n_docs: int = 60, seed: int = 5) -> pa.Table:
    """Distinct documents, near-copies (a few words changed) and exact copies, shuffled, with a
    two-valued label."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(5000)]
    docs = [" ".join(rng.choice(vocab) for _ in range(80)) for _ in range(n_docs)]
    rows = list(docs)
    for d in docs[:15]:
        words = d.split()
        words[rng.randrange(80)] = "changed"
        rows.append(" ".join(words))
    rows += docs[15:25]
    rng.shuffle(rows)
    labels = ["a" if i % 3 else "b" for i in range(len(rows))]
    return pa.table({"text": rows, "label": labels})


def test_leakage_counts_every_detected_pair_across_splits() -> None:
    t = _corpus()
    res = split(t, [0.5, 0.5], group_near_duplicates=False, seed=3)
    # Independently: the confirmed MinHash pairs and every pair of identical texts.
    d = qfast.MinHashDedup(DEFAULT_MINHASH, keep="first", threshold=DEFAULT_THRESHOLD)
    d.add(t)
    found = d.result().pairs
    pairs = set(zip(found["a"].to_pylist(), found["b"].to_pylist()))
    texts = t["text"].to_pylist()
    pairs |= {(i, j) for i, j in combinations(range(len(texts)), 2) if texts[i] == texts[j]}
    a = _split_index(res).tolist()
    expected = sum(1 for i, j in pairs if a[i] != a[j])
    assert len(pairs) >= 25  # the 15 near-copies and 10 copies at least
    assert res.n_pairs == len(pairs)
    assert res.leakage == expected > 0
    grouped_res = split(t, [0.5, 0.5], seed=3)
    g = _split_index(grouped_res).tolist()
    assert all(g[i] == g[j] for i, j in pairs)
    assert grouped_res.leakage == 0


def test_a_group_too_big_for_its_quota_is_kept_whole_and_the_deviation_reported() -> None:
    # 22 copies of one text and 3 distinct texts: targets 20/3/2, so the copies overflow even
    # train. They stay together in train (least overflow); the 3 others are shared between
    # validation and test by largest remainder (2 and 1), and the result says it is off by 4.
    texts = [_distinct(99)] * 22 + [_distinct(i) for i in range(3)]
    res = split(pa.table({"text": texts}), FRACTIONS, seed=1)
    a = _split_index(res)
    assert set(a[:22].tolist()) == {0}
    assert res.leakage == 0 and res.n_groups == 1 and res.n_pairs == 22 * 21 // 2
    rows = res.counts.to_pylist()
    assert [r["target"] for r in rows] == [20, 3, 2]  # 25 * (.8, .1, .1), remainders .5: val
    assert [r["count"] for r in rows] == [22, 2, 1]
    assert res.deviation == 4


def test_groups_of_two_fill_quotas_exactly() -> None:
    # Every row is in a pair; all targets are even, so an exact assignment exists.
    texts = []
    for i in range(50):
        texts += [_distinct(i)] * 2
    res = split(pa.table({"text": texts}), FRACTIONS, seed=2)
    assert res.n_groups == 50
    assert res.deviation == 0 and res.leakage == 0
    assert [r["count"] for r in res.counts.to_pylist()] == [80, 10, 10]


@pytest.mark.parametrize(
    "fractions",
    [
        [0.5, 0.4],
        {"train": 0.9, "test": 0.2},
        [0.8, -0.1, 0.3],
        [0.5, float("nan"), 0.5],
        {"train": "0.5", "test": 0.5},
        [],
        "0.8",
        {"": 1.0},
    ],
)
def test_bad_fractions_are_config_errors(fractions: Any) -> None:
    with pytest.raises(ConfigError):
        split(pa.table({"text": ["a b c d e f"]}), fractions)


def test_fraction_names_and_rounding() -> None:
    t = pa.table({"text": [_distinct(i) for i in range(10)]})
    assert split(t, [0.8, 0.1, 0.1]).names == ["train", "validation", "test"]
    assert split(t, [0.5, 0.5]).names == ["split_0", "split_1"]
    thirds = split(t, [1 / 3, 1 / 3, 1 / 3])
    assert [r["target"] for r in thirds.counts.to_pylist()] == [4, 3, 3]


def test_missing_columns_are_named() -> None:
    t = pa.table({"text": ["x y z"], "label": ["a"]})
    with pytest.raises(ColumnNotFoundError, match="'lable'"):
        split(t, FRACTIONS, stratify="lable")
    with pytest.raises(ColumnNotFoundError, match="'body'"):
        split(t, FRACTIONS, column="body")


def test_null_and_empty_texts_are_assigned_never_grouped() -> None:
    texts = [None] * 40 + [""] * 40 + [_distinct(i) for i in range(20)]
    labels = [None if i % 4 == 0 else "x" for i in range(len(texts))]
    res = split(pa.table({"text": texts, "label": labels}), [0.5, 0.5], stratify="label")
    a = _split_index(res)
    assert len(a) == len(texts) and res.assignment.null_count == 0
    assert res.n_groups == 0 and res.n_pairs == 0
    # Not one group each: both kinds are spread over both splits.
    assert set(a[:40].tolist()) == {0, 1} and set(a[40:80].tolist()) == {0, 1}
    # Null labels are one stratum of their own, reported as null.
    rows = res.counts.to_pylist()
    nulls = [r for r in rows if r["stratum"] is None]
    assert [r["target"] for r in nulls] == [13, 12]  # 25 rows
    assert [r["count"] for r in rows] == [r["target"] for r in rows]


def test_frames_come_back_as_frames_in_input_order() -> None:
    t = _corpus(30).append_column("n", pa.array(range(55)))
    res = split(t, FRACTIONS, stratify="label", seed=4)
    assert sum(p.num_rows for p in res.splits.values()) == t.num_rows
    for k, name in enumerate(res.names):
        part = res.splits[name]
        assert isinstance(part, pa.Table)
        ns = part["n"].to_pylist()
        assert ns == sorted(ns)
        assert ns == [i for i, x in enumerate(_split_index(res).tolist()) if x == k]
    batch = split(t.to_batches()[0], FRACTIONS, stratify="label", seed=4)
    assert all(isinstance(p, pa.RecordBatch) for p in batch.splits.values())
    assert batch.assignment.equals(res.assignment)
    pl = pytest.importorskip("polars")
    frame = split(pl.from_arrow(t), FRACTIONS, stratify="label", seed=4)
    assert all(isinstance(p, pl.DataFrame) for p in frame.splits.values())
    assert frame.assignment.equals(res.assignment)
    pd = pytest.importorskip("pandas")
    pdf = split(t.to_pandas(), FRACTIONS, stratify="label", seed=4)
    assert all(isinstance(p, pd.DataFrame) for p in pdf.splits.values())
    assert pdf.assignment.equals(res.assignment)
    assert pdf.splits["test"]["n"].tolist() == res.splits["test"]["n"].to_pylist()
    arr = split(t["text"], FRACTIONS, seed=4)
    assert sum(len(p) for p in arr.splits.values()) == t.num_rows


def test_many_small_strata_keep_the_global_fractions() -> None:
    """4,000 strata of 4 rows at 0.8/0.1/0.1: each stratum rounds (3/1/0, 3/0/1 or 4/0/0), and
    the totals still land on 12,800/1,600/1,600."""
    n = 16_000
    t = pa.table({"text": [f"row {i} " * 3 for i in range(n)], "s": [i // 4 for i in range(n)]})
    res = split(t, FRACTIONS, stratify="s", group_near_duplicates=False)
    totals = [len(res.splits[name]) for name in FRACTIONS]
    assert totals == [12_800, 1_600, 1_600], totals
    per = res.counts.to_pandas().pivot(index="stratum", columns="split", values="count")
    assert per.max().max() <= 4 and (per.sum(axis=1) == 4).all()
    assert (res.counts["count"].to_numpy() == res.counts["target"].to_numpy()).all()


def test_threshold_none_groups_unconfirmed_lsh_clusters() -> None:
    a = "the quick brown fox jumps over the lazy dog near the river bank today"
    t = pa.array([a, a + "!", "something else entirely, with no words in common at all"])
    res = split(t, [0.5, 0.5], threshold=None, seed=3)
    assert res.n_groups == 1 and res.n_pairs >= 1 and res.leakage == 0
    idx = res.assignment.indices.to_pylist()
    assert idx[0] == idx[1]


def test_a_zero_fraction_split_gets_no_rows_even_when_groups_overflow() -> None:
    big = "the same long sentence repeated so that these rows are one group of copies"
    t = pa.array([big] * 30 + [f"unique text number {i} with its own words" for i in range(10)])
    res = split(t, {"train": 0.5, "empty": 0.0, "test": 0.5}, seed=1)
    assert len(res.splits["empty"]) == 0
    assert len(res.splits["train"]) + len(res.splits["test"]) == 40
