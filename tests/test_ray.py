"""qfast on Ray Data: a real local Ray cluster (``ray.init(num_cpus=2)``) started by the tests.

Every Ray result is compared with the local run on the same rows: the kept rows (by id), the
statistics, and for dedup the cluster of every duplicate.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import qfast

ray = pytest.importorskip("ray")
import qfast.ray as qray  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def cluster() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    # Workers cannot import this test module: ship its functions by value.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    yield
    ray.shutdown()


def _dataset(t: pa.Table, blocks: int = 5) -> ray.data.Dataset:
    """``t`` as a Ray dataset of ``blocks`` blocks, in order."""
    step = -(-t.num_rows // blocks)
    return ray.data.from_arrow([t.slice(i, step) for i in range(0, t.num_rows, step)])


def _ids(ds: ray.data.Dataset, column: str = "id") -> list[str]:
    return sorted(r[column] for r in ds.select_columns([column]).take_all())


@pytest.fixture(scope="module")
def web(eval_data: Path) -> pa.Table:
    t = pq.read_table(eval_data / "web_dclm_human_quality.parquet", columns=["id", "text"])
    return t.filter(pc.is_valid(t["text"]))


def test_positions_follow_dataset_order(web: pa.Table) -> None:
    got = qray.with_positions(_dataset(web, 7)).take_all()
    assert [r[qray.POS] for r in got] == list(range(web.num_rows))
    assert [r["id"] for r in got] == web["id"].to_pylist()


def test_pipeline_same_rows_stats_and_exclusions(web: pa.Table, tmp_path: Path) -> None:
    local = qfast.Pipeline.fineweb()
    want = local.run(web)
    p = qfast.Pipeline.fineweb()
    out = qray.apply(_dataset(web), p, exclusions=str(tmp_path / "removed"))
    assert _ids(out.data) == sorted(want.data["id"].to_pylist())
    assert 0 < out.data.count() < web.num_rows
    assert out.stats == local.stats
    assert p.stats == local.stats
    # C4 rewrites texts: the kept rows carry the rewritten text, as locally.
    kept = {r["id"]: r["text"] for r in out.data.take_all()}
    assert kept == dict(zip(want.data["id"].to_pylist(), want.data["text"].to_pylist()))
    # The exclusion output: every dropped row once, with the local reason and step.
    removed = pq.read_table(tmp_path / "removed")
    verdict = want.verdict
    dropped = pc.invert(verdict["keep"])
    want_reasons = dict(
        zip(
            pc.filter(web["id"], dropped).to_pylist(),
            zip(
                pc.filter(verdict["reason"], dropped).to_pylist(),
                pc.filter(verdict["step"], dropped).to_pylist(),
            ),
        )
    )
    got_reasons = dict(
        zip(
            removed["id"].to_pylist(),
            zip(removed["qfast_reason"].to_pylist(), removed["qfast_step"].to_pylist()),
        )
    )
    assert got_reasons == want_reasons
    assert removed.num_rows + out.data.count() == web.num_rows


def test_pipeline_with_dedup_is_refused(web: pa.Table) -> None:
    p = qfast.Pipeline([qfast.GopherQuality(), qfast.ExactDedup()])
    with pytest.raises(qfast.errors.ConfigError, match="dedup"):
        qray.apply(_dataset(web), p)


def _edit(text: str, rng: random.Random, frac: float) -> str:
    words = text.split()
    for _ in range(max(1, int(len(words) * frac))):
        words[rng.randrange(len(words))] = rng.choice(["lorem", "ipsum", "qfast"])
    return " ".join(words)


@pytest.fixture(scope="module")
def neardup(web: pa.Table) -> pa.Table:
    """Unique web documents, near-copies (2% of words replaced, some edited again from the
    copy: chains), exact copies, and a score column, shuffled."""
    texts = sorted({x for x in web["text"].to_pylist() if len(x.split()) >= 50})
    rng = random.Random(11)
    rows = [(f"o{i:04d}", x) for i, x in enumerate(texts)]
    for i, x in enumerate(texts[:80]):
        near = _edit(x, rng, 0.02)
        rows.append((f"n{i:04d}", near))
        if i % 4 == 0:
            rows.append((f"m{i:04d}", _edit(near, rng, 0.02)))
    rows += [(f"c{i:04d}", x) for i, x in enumerate(texts[80:100])]
    rng.shuffle(rows)
    return pa.table(
        {
            "id": [r[0] for r in rows],
            "text": [r[1] for r in rows],
            "score": [rng.random() for _ in rows],
        }
    )


@pytest.mark.parametrize(
    ("keep", "id_column", "band_slices"),
    [("first", None, 1), ("first", "id", 1), ("longest", None, 3), ("highest", None, 1)],
)
def test_minhash_dedup_same_as_local(
    neardup: pa.Table, keep: str, id_column: str | None, band_slices: int
) -> None:
    def make() -> qfast.MinHashDedup:
        return qfast.MinHashDedup(
            qfast.MinHash.fast(),
            keep=keep,  # type: ignore[arg-type]
            id_column=id_column,
            score_column="score" if keep == "highest" else None,
        )

    local = make()
    kept, res = local.run(neardup)
    assert res.n_duplicates >= 60  # the fixture's copies are found
    out = qray.minhash_dedup(_dataset(neardup), make(), band_slices=band_slices)
    # The kept rows in the input order, the dropped ones in `removed`.
    assert [r["id"] for r in out.data.take_all()] == kept["id"].to_pylist()
    assert _ids(out.removed) == sorted(set(neardup["id"].to_pylist()) - set(kept["id"].to_pylist()))
    assert out.stats["dropped_minhash_duplicate"] == res.n_duplicates
    # Every document of a cluster: same cluster (kept document) and size as locally.
    t = res.table
    multi = pc.greater(t["cluster_size"], 1)
    want = {
        p: (c, s)
        for p, c, s in zip(
            pc.filter(pa.array(range(t.num_rows)), multi).to_pylist(),
            pc.filter(t["cluster_id"], multi).to_pylist(),
            pc.filter(t["cluster_size"], multi).to_pylist(),
        )
    }
    got = {r["position"]: (r["cluster_id"], r["cluster_size"]) for r in out.duplicates.take_all()}
    assert got == want
    assert out.stats["clusters_with_duplicates"] == local.stats["clusters_with_duplicates"]


def test_minhash_dedup_on_eval_data(eval_data: Path) -> None:
    """Every document of eval_data's near-duplicate pairs file (the files present here), as one
    corpus: the kept set on Ray equals the local one."""
    pairs = pq.read_table(eval_data / "neardup_pairs_exact_jaccard.parquet")
    want: dict[str, set[str]] = {}
    for side in ("a", "b"):
        for f, i in zip(pairs[f"file_{side}"].to_pylist(), pairs[f"id_{side}"].to_pylist()):
            want.setdefault(f, set()).add(i)
    parts = []
    for f, ids in sorted(want.items()):
        if (eval_data / f).exists():
            t = pq.read_table(eval_data / f, columns=["id", "text"])
            parts.append(t.filter(pc.is_in(t["id"], pa.array(sorted(ids)))))
    corpus = pa.concat_tables(parts)
    corpus = corpus.filter(pc.is_valid(corpus["text"]))
    kept, res = qfast.MinHashDedup(qfast.MinHash.fast()).run(corpus)
    assert corpus.num_rows > 1000 and res.n_duplicates > 300
    out = qray.minhash_dedup(_dataset(corpus, 6), qfast.MinHashDedup(qfast.MinHash.fast()))
    assert _ids(out.data) == sorted(kept["id"].to_pylist())
    assert out.stats["dropped_minhash_duplicate"] == res.n_duplicates


def test_exact_dedup_same_as_local(neardup: pa.Table) -> None:
    t = pa.concat_tables([neardup, neardup.slice(0, 40)])
    t = t.set_column(0, "id", pa.array([f"r{i:05d}" for i in range(t.num_rows)]))
    want = qfast.ExactDedup().run(t)
    out = qray.exact_dedup(_dataset(t))
    assert _ids(out.data) == sorted(want["id"].to_pylist())
    assert out.stats["dropped_exact_duplicate"] == t.num_rows - want.num_rows >= 60


def test_connected_components_of_a_chain_and_a_star() -> None:
    # A chain 0-1-...-12 (pointer jumping takes rounds), a star around 100, and a
    # component whose smallest node is only reached through larger ones.
    edges = [(i + 1, i) for i in range(12)] + [(100 + k, 100) for k in range(1, 6)]
    edges += [(300, 250), (300, 200), (400, 300)]
    ds = ray.data.from_arrow(pa.table({"u": [e[0] for e in edges], "v": [e[1] for e in edges]}))
    got = {r["node"]: r["label"] for r in qray.connected_components(ds, 3).take_all()}
    want = {i: 0 for i in range(13)} | {100 + k: 100 for k in range(6)}
    want |= {200: 200, 250: 200, 300: 200, 400: 200}
    assert got == want


def test_connected_components_of_a_random_graph() -> None:
    """Against a union-find in the test: 6,000 random edges over 8,000 nodes (many components,
    some long paths), in 4 partitions."""
    rng = random.Random(3)
    edges = [(rng.randrange(8000), rng.randrange(8000)) for _ in range(6000)]
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    want = {x: find(x) for a, b in edges for x in (a, b) if a != b}
    ds = ray.data.from_arrow(pa.table({"u": [e[0] for e in edges], "v": [e[1] for e in edges]}))
    got = {r["node"]: r["label"] for r in qray.connected_components(ds, 4).take_all()}
    assert got == want
    assert len(set(want.values())) > 100


def test_unsupported_options_are_refused(neardup: pa.Table) -> None:
    for d in (
        qfast.MinHashDedup(qfast.MinHash.fast(), threshold=0.8),
        qfast.MinHashDedup(keep="datatrove"),
    ):
        with pytest.raises(qfast.errors.ConfigError):
            qray.minhash_dedup(_dataset(neardup), d)


def _die_once(t: pa.Table, marker: str, victim: str) -> pa.Table:
    """An upstream step that SIGKILLs its own Ray worker the first time it meets ``victim``
    (a crash in the middle of a run; the marker file makes the retry succeed)."""
    import os
    import signal

    if victim in t["id"].to_pylist() and not os.path.exists(marker):
        with open(marker, "w") as f:
            f.write(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return t


def _crashing(t: pa.Table, marker: Path, victim: str) -> ray.data.Dataset:
    from functools import partial

    return _dataset(t).map_batches(
        partial(_die_once, marker=str(marker), victim=victim), batch_format="pyarrow"
    )


def test_worker_killed_mid_run_gives_the_same_result(
    web: pa.Table, neardup: pa.Table, tmp_path: Path
) -> None:
    """A Ray worker dies (SIGKILL) while a block is in flight: Ray retries the task and the
    result is complete and identical to the local run."""
    local = qfast.Pipeline.fineweb()
    want = local.run(web)
    victim = web["id"][web.num_rows // 2].as_py()
    out = qray.apply(_crashing(web, tmp_path / "k1", victim), qfast.Pipeline.fineweb())
    assert (tmp_path / "k1").exists()  # the worker was killed
    assert _ids(out.data) == sorted(want.data["id"].to_pylist())
    assert out.stats == local.stats

    kept, _ = qfast.MinHashDedup(qfast.MinHash.fast()).run(neardup)
    victim = neardup["id"][neardup.num_rows // 3].as_py()
    dd = qray.minhash_dedup(
        _crashing(neardup, tmp_path / "k2", victim), qfast.MinHashDedup(qfast.MinHash.fast())
    )
    assert (tmp_path / "k2").exists()
    assert _ids(dd.data) == sorted(kept["id"].to_pylist())


def _dies_once(t: pa.Table, marker: str, pos: int, fn: Any) -> Any:
    """``fn(t)``, after SIGKILLing the worker the first time ``t`` holds position ``pos``."""
    import os
    import signal

    if pos in t[qray.POS].to_pylist() and not os.path.exists(marker):
        with open(marker, "w") as f:
            f.write(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return fn(t)


def _same(t: pa.Table) -> pa.Table:
    return t


def test_worker_killed_in_a_dedup_shuffle_gives_the_same_result(tmp_path: Path) -> None:
    """The dedup's shuffles run as Ray tasks: a worker SIGKILLed inside a split task and
    another inside a reduce task are retried, and the edges come out identical."""
    from functools import partial

    import qfast._ray_graph as graph

    rng = random.Random(5)
    n = 3000
    rows = pa.table(
        {
            "band": [rng.randrange(3) for _ in range(n)],
            "key": [rng.randrange(400) for _ in range(n)],
            qray.POS: list(range(n)),
        }
    )
    blocks = [ray.put(rows.slice(i, 500)) for i in range(0, n, 500)]
    keys = ["band", "key"]
    route = graph.hash_route(keys, 4)
    star = partial(graph.star_edges, keys=keys)
    want, want_n = graph.shuffle(blocks, route, 4, star)
    got, got_n = graph.shuffle(
        blocks,
        route,
        4,
        partial(_dies_once, marker=str(tmp_path / "reduce"), pos=1234, fn=star),
        prepare=partial(_dies_once, marker=str(tmp_path / "split"), pos=2345, fn=_same),
    )
    assert (tmp_path / "reduce").exists() and (tmp_path / "split").exists()

    def edges(refs: list[Any]) -> list[tuple[int, int]]:
        t = pa.concat_tables(ray.get(refs))
        return sorted(zip(t["u"].to_pylist(), t["v"].to_pylist()))

    assert got_n == want_n and sum(want_n) > 1500
    assert edges(got) == edges(want)


def test_cli_run_on_ray_matches_local_cli(web: pa.Table, tmp_path: Path) -> None:
    """``qfast run --ray`` (on the tests' cluster) writes the same kept and excluded rows and
    counts as ``qfast run``, with an exact_dedup last step."""
    from qfast.cli import main

    src = tmp_path / "in"
    src.mkdir()
    half = web.num_rows // 2
    twice = pa.concat_tables([web, web.slice(0, 50)])  # 50 exact copies
    pq.write_table(twice.slice(0, half), src / "a.parquet")
    pq.write_table(twice.slice(half), src / "b.parquet")
    spec = tmp_path / "p.yaml"
    spec.write_text("steps:\n  - gopher_quality: {}\n  - exact_dedup: {}\n")
    files = [str(src / "a.parquet"), str(src / "b.parquet")]
    assert main(["run", str(spec), *files, "-o", str(tmp_path / "local"), "--quiet"]) == 0
    assert main(["run", str(spec), *files, "-o", str(tmp_path / "ray"), "--ray", "auto"]) == 0

    def ids(d: Path) -> list[str]:
        return sorted(pq.read_table(sorted(d.glob("*.parquet")))["id"].to_pylist())

    assert ids(tmp_path / "ray") == ids(tmp_path / "local")
    assert ids(tmp_path / "ray" / "excluded") == ids(tmp_path / "local" / "excluded")
    local = json.loads((tmp_path / "local" / "stats.json").read_text())["steps"]
    got = json.loads((tmp_path / "ray" / "stats.json").read_text())["steps"]
    assert got[0] == local[0]
    assert got[1]["dropped_exact_duplicate"] == local[1]["dropped_exact_duplicate"] >= 50
