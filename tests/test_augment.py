"""Augmentation mappers (qfast.augment) on eval_data rows: determinism whatever the batching,
the rates and invariants each mapper documents, other columns and nulls left alone."""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from qfast.augment import (
    Augment,
    AugmentMapper,
    CharNoise,
    RandomDeletion,
    RandomInsertion,
    RandomSwap,
    text_unit,
)
from qfast.errors import ColumnNotFoundError, ColumnTypeError, ConfigError


@pytest.fixture(scope="module")
def web(dclm_unique: pa.Table) -> pa.Table:
    """DCLM's web documents (unique texts) with their human label."""
    return dclm_unique


@pytest.fixture(scope="module")
def zh(eval_data: Path) -> pa.Table:
    """3,000 Chinese reviews with their sentiment and category labels."""
    t = pq.read_table(
        eval_data / "zh_reviews_chinesenlpcorpus.parquet",
        columns=["id", "text", "label_sentiment", "category"],
    )
    t = t.filter(pc.greater(pc.utf8_length(t["text"]), 0))
    return t.take(pa.array(range(0, t.num_rows, max(1, t.num_rows // 3000)))).slice(0, 3000)


def _nonspace(s: str) -> list[str]:
    return [c for c in s if not c.isspace()]


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


MAPPERS = [
    RandomDeletion(p=0.2, seed=3),
    RandomSwap(n=2, seed=3),
    RandomInsertion(ratio=0.1, seed=3),
    CharNoise(p=0.1, seed=3),
    Augment(RandomDeletion(0.1), RandomSwap(1), RandomInsertion(1), CharNoise(0.05), copies=2),
]


@pytest.mark.parametrize("mapper", MAPPERS, ids=lambda m: type(m).__name__)
def test_deterministic_whatever_the_batching(mapper: AugmentMapper, zh: pa.Table) -> None:
    t = zh.slice(0, 1200)
    whole = mapper.apply(t)
    assert whole.equals(mapper.apply(t))
    # Two slices, and four slices on threads, concatenated: the same rows.
    halves = pa.concat_tables([mapper.apply(t.slice(0, 517)), mapper.apply(t.slice(517))])
    assert halves.equals(whole)
    with ThreadPoolExecutor(4) as ex:
        parts = list(ex.map(lambda i: mapper.apply(t.slice(i * 300, 300)), range(4)))
    assert pa.concat_tables(parts).equals(whole)
    # Reversed row order: the same text for each row, in reverse.
    rev = mapper.apply(t.take(pa.array(range(t.num_rows - 1, -1, -1))))
    k = 2 if isinstance(mapper, Augment) else 1
    texts = whole["text"].to_pylist()
    back = rev["text"].to_pylist()
    for i in range(t.num_rows):
        j = t.num_rows - 1 - i
        assert back[j * k : (j + 1) * k] == texts[i * k : (i + 1) * k]
    # Something actually changed.
    assert sum(a != b for a, b in zip(t["text"].to_pylist(), texts[::k])) > 0.5 * t.num_rows


def test_equal_texts_equal_augmentations_and_seeds_differ(web: pa.Table) -> None:
    texts = web["text"].to_pylist()[:200]
    doubled = pa.table({"text": texts + texts})
    out = RandomDeletion(0.2, seed=1).apply(doubled)["text"].to_pylist()
    assert out[:200] == out[200:]
    other = RandomDeletion(0.2, seed=2).apply(doubled)["text"].to_pylist()
    assert sum(a != b for a, b in zip(out[:200], other[:200])) > 190
    # Parameters are part of the per-row seed: two mappers with the same seed do not pick the
    # same positions.
    swap1 = RandomSwap(n=1, seed=1, unit="words").apply(doubled)["text"].to_pylist()[:200]
    swap2 = RandomSwap(n=2, seed=1, unit="words").apply(doubled)["text"].to_pylist()[:200]
    assert sum(a != b for a, b in zip(swap1, swap2)) > 190


def test_deletion_rate_and_layout_on_web_words(web: pa.Table) -> None:
    m = RandomDeletion(p=0.2, seed=7, unit="words")
    src = web["text"].to_pylist()
    out = m.apply(web)["text"].to_pylist()
    n_in = n_out = 0
    for a, b in zip(src, out):
        wa, wb = a.split(), b.split()
        n_in += len(wa)
        n_out += len(wb)
        assert wb and _is_subsequence(wb, wa)
        # Whitespace is layout: every run in the output is a run of the input, none is added.
        assert set(re.findall(r"\s+", b)) <= set(re.findall(r"\s+", a))
        assert b.count("\n") <= a.count("\n")
        assert not b[:1].isspace() or a[:1].isspace()
    assert n_in > 100_000
    assert abs((n_in - n_out) / n_in - 0.2) < 0.02
    changed = sum(a != b for a, b in zip(src, out))
    assert changed > 0.95 * len(src)
    assert m.stats["rows_in"] == len(src) and m.stats["rows_changed"] == changed


def test_deletion_rate_on_chinese_chars_and_keeps_one_unit(zh: pa.Table) -> None:
    src = zh["text"].to_pylist()
    out = RandomDeletion(p=0.3, seed=5).apply(zh)["text"].to_pylist()
    n_in = sum(len(_nonspace(a)) for a in src)
    n_out = sum(len(_nonspace(b)) for b in out)
    assert abs((n_in - n_out) / n_in - 0.3) < 0.02
    assert all(_is_subsequence(_nonspace(b), _nonspace(a)) for a, b in zip(src, out))
    everything = RandomDeletion(p=1.0, seed=5, unit="chars").apply(zh)["text"].to_pylist()
    for a, b in zip(src, everything):
        assert len(_nonspace(b)) == 1 and b.strip() in a


def test_swap_keeps_the_units(web: pa.Table, zh: pa.Table) -> None:
    for t, unit in ((web, "words"), (zh, "chars")):
        src = t["text"].to_pylist()
        out = RandomSwap(n=1, seed=11, unit=unit).apply(t)["text"].to_pylist()
        split = str.split if unit == "words" else _nonspace
        moved = 0
        for a, b in zip(src, out):
            ua, ub = split(a), split(b)
            assert Counter(ua) == Counter(ub)
            diff = sum(x != y for x, y in zip(ua, ub))
            assert diff in (0, 2)  # equal units swapped look unchanged
            moved += diff == 2
            assert re.findall(r"\s+", a) == re.findall(r"\s+", b)
        assert moved > 0.8 * len(src)
    ratio = RandomSwap(ratio=0.5, seed=11, unit="words").apply(web)["text"].to_pylist()
    assert all(
        Counter(a.split()) == Counter(b.split()) for a, b in zip(web["text"].to_pylist(), ratio)
    )


def test_insertion_adds_n_units_from_the_text(web: pa.Table, zh: pa.Table) -> None:
    for t, unit, n in ((web, "words", 3), (zh, "chars", 2)):
        src = t["text"].to_pylist()
        out = RandomInsertion(n=n, seed=2, unit=unit).apply(t)["text"].to_pylist()
        split = str.split if unit == "words" else _nonspace
        for a, b in zip(src, out):
            ua, ub = split(a), split(b)
            assert len(ub) == len(ua) + n
            added = Counter(ub) - Counter(ua)
            assert sum(added.values()) == n and set(added) <= set(ua)
            assert _is_subsequence(ua, ub)
    src = web["text"].to_pylist()
    out = RandomInsertion(ratio=0.1, seed=2, unit="words").apply(web)["text"].to_pylist()
    for a, b in zip(src, out):
        assert len(b.split()) == len(a.split()) + max(1, round(0.1 * len(a.split())))


def test_auto_unit_is_chars_for_cjk_and_thai(eval_data: Path, zh: pa.Table, web: pa.Table) -> None:
    lingua = pq.read_table(
        eval_data / "langid_lingua_testdata.parquet",
        columns=["text", "lang"],
        filters=[("kind", "=", "sentences"), ("lang", "in", ["ja", "th", "zh", "en", "ru"])],
    )
    for lang in ("ja", "th", "zh", "en", "ru"):
        texts = lingua.filter(pc.equal(lingua["lang"], lang))["text"].to_pylist()
        chars = sum(text_unit(x) == "chars" for x in texts)
        if lang in ("en", "ru"):
            assert chars == 0
        else:
            assert chars >= 0.98 * len(texts)
    assert all(text_unit(x) == "words" for x in web["text"].to_pylist())
    # auto inserts one character into Chinese text (words would insert a whole run).
    spaced = [x for x in zh["text"].to_pylist() if " " in x.strip()]
    src = [x for x in spaced if text_unit(x) == "chars"]
    assert len(spaced) > 100 and len(src) > 0.8 * len(spaced)  # spaces do not make them words
    out = RandomInsertion(n=1, seed=4).apply(pa.array(src)).to_pylist()
    for a, b in zip(src, out):
        assert len(_nonspace(b)) == len(_nonspace(a)) + 1


def test_char_noise_rates_and_validity(web: pa.Table, zh: pa.Table) -> None:
    for t in (web.slice(0, 150), zh):
        src = t["text"].to_pylist()
        n = sum(len(_nonspace(a)) for a in src)
        sub = CharNoise(p=0.1, seed=9, ops=("substitute",)).apply(t)["text"].to_pylist()
        changed = sum(x != y for a, b in zip(src, sub) for x, y in zip(a, b))
        assert all(len(a) == len(b) for a, b in zip(src, sub))
        assert abs(changed / n - 0.1) < 0.01
        dele = CharNoise(p=0.1, seed=9, ops=("delete",)).apply(t)["text"].to_pylist()
        assert abs(sum(len(a) - len(b) for a, b in zip(src, dele)) / n - 0.1) < 0.01
        ins = CharNoise(p=0.1, seed=9, ops=("insert",)).apply(t)["text"].to_pylist()
        assert abs(sum(len(b) - len(a) for a, b in zip(src, ins)) / n - 0.1) < 0.01
        mixed = CharNoise(p=0.1, seed=9).apply(t)["text"].to_pylist()
        for a, b in zip(src, mixed):
            b.encode("utf-8")  # no lone surrogates: valid UTF-8
            assert set(b) <= set(a)  # characters come from the text itself
            assert [c for c in a if c.isspace()] == [c for c in b if c.isspace()]
        assert sum(a != b for a, b in zip(src, mixed)) > 0.9 * len(src)
        # Swaps exchange neighbours: same characters, same length.
        sw = CharNoise(p=0.1, seed=9, ops=("swap",)).apply(t)["text"].to_pylist()
        assert all(sorted(a) == sorted(b) for a, b in zip(src, sw))


def test_labels_and_other_columns_untouched(zh: pa.Table) -> None:
    chain = Augment(RandomDeletion(0.1), RandomSwap(1), RandomInsertion(1), CharNoise(0.05))
    out = chain.apply(zh)
    assert out.column_names == zh.column_names
    assert out.num_rows == zh.num_rows
    for c in ("id", "label_sentiment", "category"):
        assert out[c].equals(zh[c])
    assert out.schema.field("text").type == pa.large_string()


def test_copies_repeat_rows_and_number_them(zh: pa.Table) -> None:
    t = zh.slice(0, 500)
    m = RandomDeletion(0.2, seed=1)
    out = Augment(m, copies=3).apply(t)
    assert out.num_rows == 1500
    assert out["augmented"].to_pylist() == [0, 1, 2] * 500
    for c in ("id", "label_sentiment", "category"):
        assert out[c].to_pylist() == [x for x in t[c].to_pylist() for _ in range(3)]
    texts = out["text"].to_pylist()
    assert texts[0::3] == m.apply(t)["text"].to_pylist()
    assert (
        sum(len({texts[3 * i], texts[3 * i + 1], texts[3 * i + 2]}) == 3 for i in range(500)) > 400
    )
    orig = Augment(m, copies=3, include_original=True).apply(t)
    assert orig.num_rows == 2000 and orig["augmented"].to_pylist() == [0, 1, 2, 3] * 500
    o = orig["text"].to_pylist()
    assert o[0::4] == t["text"].to_pylist()
    assert [x for i, x in enumerate(o) if i % 4] == texts
    assert Augment(m, copies=2).apply(t["text"]).to_pylist() == [
        x for i, x in enumerate(texts) if i % 3 < 2
    ]


def test_nulls_empty_and_tiny_texts() -> None:
    t = pa.table(
        {
            "text": [None, "", "   \n ", "word", "字", "two words", None],
            "label": [1, 2, 3, 4, 5, 6, 7],
        }
    )
    for m in [
        RandomDeletion(0.9),
        RandomSwap(3),
        RandomInsertion(2),
        CharNoise(0.9),
        Augment(RandomDeletion(1.0), RandomSwap(2)),
    ]:
        out = m.apply(t)
        got = out["text"].to_pylist()
        assert got[0] is None and got[6] is None
        assert got[1] == "" and got[2] == "   \n "
        assert out["label"].equals(t["label"])
        assert m.changed(t).to_pylist() == [a != b for a, b in zip(t["text"].to_pylist(), got)]
    out = RandomDeletion(1.0).apply(t)["text"].to_pylist()
    assert out[3:6] == ["word", "字", out[5]] and out[5] in ("two", "words")
    assert RandomSwap(3).apply(t)["text"].to_pylist()[3:5] == ["word", "字"]
    assert RandomInsertion(2).apply(t)["text"].to_pylist()[3:5] == ["word word word", "字字字"]


def test_input_kinds_are_preserved(zh: pa.Table) -> None:
    t = zh.slice(0, 200)
    m = CharNoise(0.1, seed=1)
    expected = m.apply(t)["text"].to_pylist()
    batch = m.apply(t.to_batches()[0] if t.num_rows else t)
    assert isinstance(batch, pa.RecordBatch) and batch.column("text").to_pylist() == expected
    arr = m.apply(t["text"].combine_chunks())
    assert isinstance(arr, pa.Array) and arr.to_pylist() == expected
    assert m.apply(t["text"]).to_pylist() == expected
    pdf = m.apply(t.to_pandas())
    assert isinstance(pdf, pd.DataFrame) and pdf["text"].tolist() == expected
    assert pdf["label_sentiment"].tolist() == t["label_sentiment"].to_pylist()
    pldf = m.apply(pl.from_arrow(t))
    assert isinstance(pldf, pl.DataFrame) and pldf["text"].to_list() == expected
    series = m.apply(pl.from_arrow(t)["text"])
    assert isinstance(series, pl.Series) and series.to_list() == expected
    copies = Augment(m, copies=2).apply(pl.from_arrow(t))
    assert isinstance(copies, pl.DataFrame) and copies["augmented"].to_list() == [0, 1] * 200
    # HF datasets' batched map passes {column: list} and wants a dict back.
    d = m({"text": t["text"].to_pylist(), "label": t["label_sentiment"].to_pylist()})
    assert d["text"] == expected and d["label"] == t["label_sentiment"].to_pylist()
    other = m.apply(t.rename_columns(["id", "review", "label_sentiment", "category"]), "review")
    assert other["review"].to_pylist() == expected


def test_bad_configuration_and_input() -> None:
    for make in (
        lambda: RandomDeletion(p=1.5),
        lambda: RandomDeletion(p=-0.1),
        lambda: RandomDeletion(unit="sentences"),  # type: ignore[arg-type]
        lambda: RandomSwap(n=1, ratio=0.1),
        lambda: RandomSwap(n=-1),
        lambda: RandomInsertion(ratio=-1.0),
        lambda: CharNoise(ops=("delete", "shout")),
        lambda: CharNoise(ops=()),
        lambda: CharNoise(seed="x"),  # type: ignore[arg-type]
        lambda: Augment(),
        lambda: Augment(RandomSwap(), copies=0),
        lambda: Augment(RandomSwap(), include_original=True),
    ):
        with pytest.raises(ConfigError):
            make()
    t = pa.table({"text": ["a b"], "n": [1]})
    with pytest.raises(ColumnNotFoundError, match="body"):
        RandomSwap().apply(t, column="body")
    with pytest.raises(ColumnTypeError, match="'n'"):
        RandomSwap().apply(t, column="n")
    with pytest.raises(ConfigError, match="augmented"):
        Augment(RandomSwap(), copies=2).apply(t.append_column("augmented", pa.array([0])))


def test_mappers_pickle_and_keep_their_output(zh: pa.Table) -> None:
    import pickle

    t = zh.slice(0, 100)
    for m in MAPPERS:
        before = m.apply(t)
        clone = pickle.loads(pickle.dumps(m))
        assert clone.apply(t).equals(before)
        assert repr(clone) == repr(m)
