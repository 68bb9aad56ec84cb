"""qfast.select on real documents (DCLM's human-annotated web pages): views from qfast's own
signals and a DSIR weight toward the human "high quality" documents, k-means clusters as
quotas. Checked against a plain re-implementation of the rule (sort, then take greedily under
the caps): the same rows, quotas never exceeded, deterministic for a seed."""

from __future__ import annotations

import collections
import random
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from conftest import REPORT

import qfast
from qfast.errors import ConfigError


@pytest.fixture(scope="module")
def table(dclm_unique: pa.Table) -> pa.Table:
    t = dclm_unique
    g = qfast.GopherQuality().signals(t)
    hq = t.filter(pc.equal(t["label_human_quality"], 1))
    dsir = qfast.DSIR(min_example_length=0).fit(target=hq, raw=t)
    return (
        t.append_column("n_words", g["n_words"])
        .append_column("stop_words", g["stop_words"])
        .append_column("relevance", dsir.signals(t)["dsir_log_weight"])
    )


def _rank01(x: list[float | None]) -> list[float | None]:
    vals = sorted(v for v in x if v is not None)
    m = len(vals)
    pos: dict[float, list[int]] = collections.defaultdict(list)
    for r, v in enumerate(vals, start=1):
        pos[v].append(r)
    return [None if v is None else ((min(pos[v]) + max(pos[v])) / 2 - 1) / max(m - 1, 1) for v in x]


def _reference(
    cols: dict[str, tuple[list[Any], float]],
    n: int,
    top_n: int,
    clusters: list[Any],
    cap: int,
    seed: int,
) -> list[int]:
    """The selection rule written out plainly (rank views, weighted mean, seeded tie order)."""
    total = sum(w for _, w in cols.values())
    score: list[float | None] = [0.0] * n
    for values, w in cols.values():
        r = _rank01(values)
        score = [None if s is None or v is None else s + v * w / total for s, v in zip(score, r)]
    perm = list(range(n))
    random.Random(seed).shuffle(perm)
    tie = {i: p for p, i in enumerate(perm)}
    order = sorted((i for i in range(n) if score[i] is not None), key=lambda i: (-score[i], tie[i]))
    per: collections.Counter[Any] = collections.Counter()
    out = []
    for i in order:
        if len(out) == top_n:
            break
        if per[clusters[i]] < cap:
            per[clusters[i]] += 1
            out.append(i)
    return sorted(out)


def test_select_matches_the_rule_and_honours_quotas(table: pa.Table) -> None:
    clusters = qfast.kmeans_clusters(table, 12, seed=3)
    assert clusters.null_count == 0 and len(set(clusters.to_pylist())) >= 6
    views = {
        "relevance": qfast.View("relevance", weight=2.0),
        "length": qfast.View("n_words", weight=1.0),
        "stop_words": qfast.View("stop_words", weight=0.5),
    }
    sel = qfast.select(table, views, top_n=100, clusters=clusters, per_cluster=12, seed=5)
    got = sel.indices.to_pylist()
    cols = {
        "relevance": (table["relevance"].to_pylist(), 2.0),
        "length": (table["n_words"].to_pylist(), 1.0),
        "stop_words": (table["stop_words"].to_pylist(), 0.5),
    }
    want = _reference(cols, table.num_rows, 100, clusters.to_pylist(), 12, seed=5)
    assert got == want
    per = collections.Counter(clusters.to_pylist()[i] for i in got)
    assert max(per.values()) <= 12 and len(got) == 100
    assert (
        sel.data.num_rows == 100 and sel.data["id"].to_pylist() == table.take(got)["id"].to_pylist()
    )
    # Deterministic: same inputs and seed, same rows; the clusters too.
    again = qfast.select(
        table,
        views,
        top_n=100,
        clusters=qfast.kmeans_clusters(table, 12, seed=3),
        per_cluster=12,
        seed=5,
    )
    assert again.indices.equals(sel.indices)
    # Real effect: leaning toward the high-quality documents selects more of them.
    labels = table["label_human_quality"].to_pylist()
    base = sum(labels) / len(labels)
    picked = sum(labels[i] for i in got) / len(got)
    rep = sel.report
    assert rep["clusters"]["largest_share"] <= 12 and rep["selected"] == 100
    assert rep["views"]["relevance"]["selected"]["mean"] > rep["views"]["relevance"]["all"]["mean"]
    REPORT.append(
        f"select: 100 of {table.num_rows} DCLM documents, quota 12 per k-means cluster (largest "
        f"{max(per.values())}, {rep['clusters']['rows_skipped_for_quota']} rows skipped for quota); "
        f"human high-quality share {picked:.2f} selected vs {base:.2f} overall; same rows as the plain rule"
    )
    assert picked > base


def test_threshold_mapping_quotas_and_zscore(table: pa.Table) -> None:
    clusters = qfast.kmeans_clusters(table, 8, seed=1).to_pylist()
    quotas = {c: 3 for c in set(clusters)}
    sel = qfast.select(
        table, {"len": "n_words"}, threshold=0.5, clusters=clusters, per_cluster=quotas
    )
    per = collections.Counter(clusters[i] for i in sel.indices.to_pylist())
    # Every cluster with 3 rows at or above the threshold gives exactly 3.
    s = sel.score.to_pylist()
    for c in set(clusters):
        above = sum(1 for i, x in enumerate(s) if x is not None and x >= 0.5 and clusters[i] == c)
        assert per.get(c, 0) == min(3, above)
    z = qfast.select(table, {"len": qfast.View("n_words", normalize="zscore")}, top_n=10)
    longest = sorted(range(table.num_rows), key=lambda i: -table["n_words"][i].as_py())[:10]
    assert z.indices.to_pylist() == sorted(longest)
    short = qfast.select(table, {"len": qfast.View("n_words", higher_is_better=False)}, top_n=10)
    assert set(short.indices.to_pylist()).isdisjoint(longest)


def test_nulls_and_bad_views(table: pa.Table) -> None:
    t = pa.table({"text": ["a", "b", "c"], "q": [1.0, None, 3.0]})
    sel = qfast.select(t, {"q": "q"}, top_n=3)
    assert sel.indices.to_pylist() == [0, 2] and sel.report["views"]["q"]["null_rows"] == 1
    with pytest.raises(ConfigError, match="no column 'nope'"):
        qfast.select(t, {"x": "nope"}, top_n=1)
    with pytest.raises(ConfigError, match="2 values for 3 rows"):
        qfast.select(t, {"x": [1, 2]}, top_n=1)
    with pytest.raises(ConfigError, match="top_n, threshold"):
        qfast.select(t, {"q": "q"})
    with pytest.raises(ConfigError, match="not numbers"):
        qfast.select(t, {"x": "text"}, top_n=1)
    with pytest.raises(ConfigError, match="per_cluster needs clusters"):
        qfast.select(t, {"q": "q"}, top_n=1, per_cluster=1)
