"""Dedup behaviour: signatures as Arrow, determinism under batch order and thread count,
incremental dedup through a saved index, bad index files, exact and line dedup."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from conftest import EVAL_DATA

import qfast
from qfast.errors import ColumnTypeError, ConfigError, IndexFileError


def _edit(text: str, rng: random.Random, frac: float) -> str:
    words = text.split()
    for _ in range(max(1, int(len(words) * frac))):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["lorem", "ipsum", "qfast", "x"])
    return " ".join(words)


@pytest.fixture(scope="module")
def corpus() -> pa.Table:
    """Unique English web documents, plus near-duplicates (2% of words replaced) and exact
    copies of some of them, with stable string ids, shuffled."""
    t = pq.read_table(EVAL_DATA / "web_dclm_human_quality.parquet", columns=["text"])
    texts = sorted({x for x in t.column("text").to_pylist() if x and len(x.split()) >= 50})
    rng = random.Random(7)
    rows = [(f"orig-{i:04d}", x) for i, x in enumerate(texts)]
    for i, x in enumerate(texts[:60]):
        rows.append((f"znear-{i:04d}", _edit(x, rng, 0.02)))
    for i, x in enumerate(texts[60:80]):
        rows.append((f"zcopy-{i:04d}", x))
    rng.shuffle(rows)
    return pa.table({"id": [r[0] for r in rows], "text": [r[1] for r in rows]})


def _kept(d: qfast.MinHashDedup, batches: list[pa.Table]) -> set[str]:
    for b in batches:
        d.add(b)
    keep = d.result().keep
    ids = pa.concat_tables(batches).column("id")
    return set(pc.filter(ids, keep).to_pylist())


def _batches(t: pa.Table, sizes: list[int]) -> list[pa.Table]:
    out, at = [], 0
    for s in sizes:
        out.append(t.slice(at, s))
        at += s
    out.append(t.slice(at))
    return [b for b in out if b.num_rows]


@pytest.mark.parametrize("keep", ["first", "longest"])
def test_same_kept_set_for_any_batch_order_and_thread_count(corpus: pa.Table, keep: str) -> None:
    def run(table: pa.Table, sizes: list[int], threads: int) -> set[str]:
        qfast.set_num_threads(threads)
        try:
            d = qfast.MinHashDedup(qfast.MinHash.fast(), keep=keep, threshold=0.7, id_column="id")
            return _kept(d, _batches(table, sizes))
        finally:
            qfast.set_num_threads(0)

    base = run(corpus, [corpus.num_rows], 1)
    n = corpus.num_rows
    # Something was removed: the injected near-duplicates and copies.
    assert n - len(base) >= 70
    rng = random.Random(3)
    for _ in range(3):
        perm = list(range(n))
        rng.shuffle(perm)
        shuffled = corpus.take(perm)
        sizes = [rng.randrange(1, 200) for _ in range(5)]
        assert run(shuffled, sizes, 2) == base


def test_first_keeps_the_smallest_id(corpus: pa.Table) -> None:
    d = qfast.MinHashDedup(qfast.MinHash.fast(), keep="first", threshold=0.7, id_column="id")
    d.add(corpus)
    res = d.result().table
    ids = corpus.column("id").to_pylist()
    dup = res.column("is_duplicate").to_pylist()
    cid = res.column("cluster_id").to_pylist()
    for i, is_dup in enumerate(dup):
        if is_dup:
            # The keeper has the smaller id.
            assert ids[cid[i]] < ids[i]
            assert not dup[cid[i]]


def test_incremental_index_equals_one_pass(corpus: pa.Table, tmp_path: Path) -> None:
    ordered = corpus.sort_by("id")
    first, second = ordered.slice(0, 300), ordered.slice(300)
    one = qfast.MinHashDedup(qfast.MinHash.fast(), keep="first", id_column="id")
    kept_one_pass = _kept(one, [first, second])

    d1 = qfast.MinHashDedup(qfast.MinHash.fast(), keep="first", id_column="id")
    kept_first = _kept(d1, [first])
    index = d1.update_index()
    assert len(index) == first.num_rows
    # 14... here 16 bands of 32-bit keys: at most 64 bytes per indexed document.
    assert index.key_bytes <= 64 * len(index)
    path = tmp_path / "mh.qfidx"
    index.save(path)
    loaded = qfast.LSHIndex.load(path)
    assert len(loaded) == len(index)

    d2 = qfast.MinHashDedup(qfast.MinHash.fast(), keep="first", id_column="id", index=loaded)
    kept_second = _kept(d2, [second])
    assert kept_first | kept_second == kept_one_pass
    # Some documents of the second part are duplicates of the first part's (cluster_id -1).
    assert -1 in d2.result().table.column("cluster_id").to_pylist()

    # Merging indexes: two halves merged answer like the whole.
    d3 = qfast.MinHashDedup(qfast.MinHash.fast(), keep="first", id_column="id")
    d3.add(second)
    merged = d3.update_index()
    merged.merge(loaded)
    assert len(merged) == ordered.num_rows


def test_bad_index_files_raise(corpus: pa.Table, tmp_path: Path) -> None:
    d = qfast.MinHashDedup(qfast.MinHash.fast(), keep="first")
    d.add(corpus.slice(0, 50))
    path = tmp_path / "i.qfidx"
    d.update_index().save(path)
    data = path.read_bytes()
    for bad in [b"", data[:10], data[: len(data) // 2], data[:-1], b"garbage" * 20]:
        path.write_bytes(bad)
        with pytest.raises(IndexFileError):
            qfast.LSHIndex.load(path)
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(flipped))
    with pytest.raises(IndexFileError, match="checksum"):
        qfast.LSHIndex.load(path)
    with pytest.raises(IndexFileError):
        qfast.LSHIndex.load(tmp_path / "missing.qfidx")
    # An index made with other parameters is refused.
    path.write_bytes(data)
    other = qfast.MinHashDedup(qfast.MinHash.fast(n_grams=3), index=qfast.LSHIndex.load(path))
    other.add(corpus.slice(0, 5))
    with pytest.raises(ConfigError, match="other MinHash parameters"):
        other.result()


def test_signatures_are_arrow_with_nulls() -> None:
    texts = pa.array(["a b c d e f", None, "too short", "A B C D E F"], type=pa.string_view())
    sig = qfast.MinHash.fast().signatures(texts)
    assert sig.type == pa.list_(pa.field("item", pa.uint32(), nullable=False), 128)
    assert sig.is_null().to_pylist() == [False, True, True, False]
    # Lowercased words: the same shingles, the same signature.
    assert sig[0] == sig[3]
    dt = qfast.MinHash.datatrove().signatures(pa.chunked_array([["one two three four five"]]))
    assert dt.type.value_type == pa.uint64() and dt.type.list_size == 112
    chars = qfast.MinHash.fast(shingles="chars").signatures(pa.array(["今天天气很好啊", "今天"]))
    assert chars.is_null().to_pylist() == [False, True]


def test_bad_settings_and_columns() -> None:
    with pytest.raises(ConfigError):
        qfast.MinHash(precision=16).signatures(pa.array(["a"]))  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        qfast.MinHashDedup(qfast.MinHash.fast(), keep="datatrove")
    with pytest.raises(ConfigError):
        qfast.MinHashDedup(qfast.MinHash.fast(), keep="highest")
    with pytest.raises(ColumnTypeError):
        qfast.MinHash.fast().signatures(pa.array([1, 2]))
    d = qfast.MinHashDedup(qfast.MinHash.fast(), id_column="id")
    with pytest.raises(ColumnTypeError):
        d.add(pa.table({"text": ["a b c d e"], "id": [1.5]}))


def test_exact_and_line_dedup() -> None:
    ex = qfast.ExactDedup()
    assert ex.mark(pa.array(["a", "b", "a", None])).to_pylist() == [False, False, True, False]
    assert ex.mark(pa.array(["b", "c", None])).to_pylist() == [True, False, False]
    assert ex.stats == {"rows_in": 7, "dropped_exact_duplicate": 2}
    norm = qfast.ExactDedup(simplify=True)
    assert norm.mark(pa.array(["Hello, World!", "hello world"])).to_pylist() == [False, True]
    h = qfast.doc_hashes(pa.array(["x", "x", None]))
    assert h.type == pa.binary(16) and h[0] == h[1] and not h[2].is_valid

    ld = qfast.LineDedup()
    out = ld.apply(pa.array(["menu\nstory one\nfooter", "menu\nstory two\nfooter"]))
    assert out.column("text").to_pylist() == ["menu\nstory one\nfooter", "story two"]
    assert out.column("removed_units").to_pylist() == [0, 2]
    assert ld.stats["removed_units"] == 2 and ld.stats["removed_bytes"] == len("menu") + len(
        "footer"
    )


def test_two_pass_stream_and_stats(corpus: pa.Table, tmp_path: Path) -> None:
    path = tmp_path / "c.parquet"
    pq.write_table(corpus, path, row_group_size=100)

    def batches():  # type: ignore[no-untyped-def]
        return pq.ParquetFile(path).iter_batches(batch_size=100)

    d = qfast.MinHashDedup(qfast.MinHash.fast(), keep="first", threshold=0.7, id_column="id")
    kept = pa.concat_tables(d.filter_batches(batches))
    one = qfast.MinHashDedup(qfast.MinHash.fast(), keep="first", threshold=0.7, id_column="id")
    assert set(kept.column("id").to_pylist()) == _kept(one, [corpus])
    assert d.stats["rows_in"] == corpus.num_rows
    assert d.stats["kept"] == kept.num_rows
    assert d.stats["dropped_minhash_duplicate"] == corpus.num_rows - kept.num_rows > 0

    ex = qfast.ExactDedup()
    out = list(ex.filter_batches([corpus.slice(0, 500), corpus.slice(500)]))
    assert sum(t.num_rows for t in out) == corpus.num_rows - 20  # the 20 exact copies


def test_confirmed_pairs_and_no_split_of_confirmed_duplicates() -> None:
    # X and Y are each >= 0.8 similar to Z but not to each other: all three are one cluster,
    # and the confirmed pairs are exactly (X, Z) and (Y, Z).
    rng = random.Random(0)
    z = [f"w{i}" for i in range(400)]
    x, y = z[:], z[:]
    for i in rng.sample(range(400), 5):
        x[i] = f"xx{i}"
    for i in rng.sample(range(400), 5):
        y[i] = f"yy{i}"
    d = qfast.MinHashDedup(qfast.MinHash.fast(), threshold=0.8)
    d.add(pa.table({"text": [" ".join(x), " ".join(y), " ".join(z)]}))
    res = d.result()
    assert set(res.table.column("cluster_id").to_pylist()) == {0}
    pairs = {(a, b) for a, b in zip(res.pairs["a"].to_pylist(), res.pairs["b"].to_pylist())}
    jac = res.pairs["jaccard"].to_pylist()
    assert all(j >= 0.8 for j in jac)
    assert (0, 2) in pairs and (1, 2) in pairs and (0, 1) not in pairs


def test_dedup_steps_in_a_pipeline(corpus: pa.Table) -> None:
    table = corpus.sort_by("id")
    p = qfast.Pipeline(
        [
            qfast.GopherRepetition(),
            qfast.ExactDedup(),
            qfast.MinHashDedup(qfast.MinHash.fast(), keep="first", threshold=0.7, id_column="id"),
            qfast.C4Quality(filter_no_terminal_punct=False),
        ]
    )
    res = p.run(table)
    v = res.verdict
    assert v.num_rows == table.num_rows
    steps = v.column("step").to_pylist()
    reasons = v.column("reason").to_pylist()
    # Every dropped row names its step and reason; dedup steps drop with their own reasons.
    assert {r for r, s in zip(reasons, steps) if s == 1} == {"exact_duplicate"}
    assert {r for r, s in zip(reasons, steps) if s == 2} == {"minhash_duplicate"}
    assert sum(v.column("keep").to_pylist()) == res.data.num_rows
    st = p.stats
    for a, b in zip(st, st[1:]):
        assert b["rows_in"] == a["kept"]  # each step sees what the previous one kept
    assert st[1]["dropped_exact_duplicate"] >= 1
    assert st[2]["dropped_minhash_duplicate"] >= 1
    # The same filters alone, then the dedup steps by hand, keep the same rows.
    alone = qfast.Pipeline([qfast.GopherRepetition()]).run(table).data
    alone = qfast.ExactDedup().run(alone)
    kept, _ = qfast.MinHashDedup(
        qfast.MinHash.fast(), keep="first", threshold=0.7, id_column="id"
    ).run(alone)
    kept = qfast.Pipeline([qfast.C4Quality(filter_no_terminal_punct=False)]).run(kept).data
    assert kept.column("id").to_pylist() == res.data.column("id").to_pylist()
    with pytest.raises(ConfigError, match="two passes"):
        list(p.run_batches([table]))


def test_band_keys_are_what_dedup_clusters_by() -> None:
    """Two documents are candidates exactly when they share a band key at one band index."""
    m = qfast.MinHash.fast()
    base = " ".join(f"w{i}" for i in range(200))
    texts = [
        base,
        base.replace("w100", "x"),
        "too short",
        None,
        " ".join(f"v{i}" for i in range(200)),
    ]
    keys = m.band_keys(pa.array(texts))
    assert keys.type.list_size == m.bands and keys.null_count == 2
    rows = keys.to_pylist()
    share = lambda a, b: any(x == y for x, y in zip(rows[a], rows[b]))  # noqa: E731
    assert share(0, 1) and not share(0, 4)
    _, res = qfast.MinHashDedup(m).run(pa.array(texts))
    assert res.table["is_duplicate"].to_pylist() == [False, True, False, False, False]
