"""``qfast.assess`` against a second computation of every figure in plain pandas / numpy, on the
same eval_data rows. Where a figure rests on a per-row kernel that has its own parity tests
(heuristic verdicts vs datatrove, PII vs datatrove's regexes, mojibake vs ftfy, k-means), the
second way takes that kernel's per-row output and aggregates it independently; everything else
(lengths, blanks, control characters, distinct n-grams, vocabulary growth, duplicates, dates,
bad words) is recomputed from the raw text."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import qfast
from qfast.assessment import LENGTH_BUCKETS, Assessment, assess
from qfast.errors import ColumnNotFoundError, ColumnTypeError, ConfigError

BAD = {"en": ["sex", "porn", "casino"], "zh": ["垃圾", "差评"]}


def _rows(eval_data: Path) -> pa.Table:
    """A mix of every eval_data text file: web pages (with crawl dates), DCLM (labels), CC
    samples, Japanese leads, a slice of the Chinese reviews (labels) and of the language-ID
    sentences. One schema: id, text, file, lang, label, date."""
    parts = []
    spec = [
        ("web_html_extracted", None, "crawl_date", None),
        ("web_dclm_human_quality", "label_human_quality", None, None),
        ("web_cc_text_samples", None, None, None),
        ("ja_kwdlc_web_leads", None, None, 2_000),
        ("zh_reviews_chinesenlpcorpus", "label_sentiment", None, 15_000),
        ("langid_lingua_testdata", None, None, 12_000),
    ]
    for stem, label, date, step_rows in spec:
        t = pq.read_table(eval_data / f"{stem}.parquet")
        if step_rows is not None:
            idx = np.linspace(0, t.num_rows - 1, step_rows).astype(int)
            t = t.take(pa.array(np.unique(idx)))
        n = t.num_rows
        null = pa.nulls(n, pa.string())
        parts.append(
            pa.table(
                {
                    "id": t["id"],
                    "text": t["text"].cast(pa.large_string()),
                    "file": pa.array([stem] * n),
                    "lang": t["lang"].cast(pa.string()),
                    "label": t[label].cast(pa.string()) if label else null,
                    "date": t[date].cast(pa.string()) if date else null,
                }
            )
        )
    # Bad input the profile must count, not drop: a null text, an empty one, a blank one, a
    # near-empty one, control characters.
    extra = pa.table(
        {
            "id": ["x1", "x2", "x3", "x4", "x5"],
            "text": pa.array(
                [None, "", " \u3000\n", "ok", "bell\x07 and \x1b[0m"], pa.large_string()
            ),
            "file": ["extra"] * 5,
            "lang": [None, "en", "en", "en", "en"],
            "label": pa.nulls(5, pa.string()),
            "date": [None, "2019-02-03", "not a date", "2001-01-01T00:00:00Z", None],
        }
    )
    return pa.concat_tables([*parts, extra])


@pytest.fixture(scope="module")
def rows(eval_data: Path) -> pa.Table:
    return _rows(eval_data)


@pytest.fixture(scope="module")
def profile(rows: pa.Table) -> Assessment:
    bad = qfast.C4BadWords(lists=BAD, fail_on_missing_language=False)
    return assess(
        rows,
        label="label",
        domain="file",
        language="lang",
        date="date",
        date_cutoff="2020-01-01",
        bad_words=bad,
        batch_size=7_000,  # many batches: the figures must not depend on batch boundaries
    )


@pytest.fixture(scope="module")
def df(rows: pa.Table) -> pd.DataFrame:
    return rows.to_pandas()


def _entropy(counts: pd.Series) -> float:
    p = counts.to_numpy(dtype=float) / counts.sum()
    return float(-(p * np.log2(p)).sum())


def test_dataset_counts(profile: Assessment, df: pd.DataFrame) -> None:
    text = df["text"].dropna()
    assert profile.rows == len(df)
    assert profile.text_rows == len(text)
    assert profile.text_bytes == sum(len(s.encode()) for s in text)


@pytest.mark.parametrize("col", ["label", "file", "lang"])
def test_distribution(profile: Assessment, df: pd.DataFrame, col: str) -> None:
    counts = df[col].fillna("(null)").value_counts()
    d = profile.distribution[col]
    assert d["counts"] == {str(k): int(v) for k, v in counts.items()}
    assert d["distinct"] == len(counts)
    assert d["entropy_bits"] == pytest.approx(_entropy(counts), abs=1e-12)
    norm = _entropy(counts) / math.log2(len(counts)) if len(counts) > 1 else 0.0
    assert d["normalized_entropy"] == pytest.approx(norm, abs=1e-12)
    assert d["imbalance_ratio"] == pytest.approx(counts.max() / counts.min())
    print(f"{col}: entropy {d['entropy_bits']:.4f} bits, imbalance {d['imbalance_ratio']:.1f}")


def test_length_buckets(profile: Assessment, df: pd.DataFrame) -> None:
    edges = [b for _, b in LENGTH_BUCKETS[1:]]
    names = [n for n, _ in LENGTH_BUCKETS]
    lengths = df["text"].str.len()
    bucket = pd.cut(lengths, [-1, *[e - 1 for e in edges], np.inf], labels=names)
    expect = bucket.astype(object).where(lengths.notna(), "(null)").value_counts()
    assert profile.distribution["length_bucket"]["counts"] == expect.to_dict()


def test_noise_from_raw_text(profile: Assessment, df: pd.DataFrame) -> None:
    text = df["text"].dropna()
    compact = text.map(lambda s: "".join(s.split()))  # str.split: Python's whitespace
    n = profile.noise
    assert n["null_rows"] == int(df["text"].isna().sum()) == 1
    assert n["empty_rows"] == int((text == "").sum())
    assert n["blank_rows"] == int(((text != "") & (compact == "")).sum())
    near = (compact.str.len() > 0) & (compact.str.len() < 10)
    assert n["near_empty_rows"] == int(near.sum())
    assert n["near_empty_rate"] == pytest.approx(near.sum() / len(text))
    ctrl = text.str.count(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
    assert n["control_chars"] == int(ctrl.sum())
    assert n["control_char_rows"] == int((ctrl > 0).sum()) >= 1
    print({k: v for k, v in n.items() if not isinstance(v, dict)})


def test_noise_from_per_row_kernels(profile: Assessment, rows: pa.Table, df: pd.DataFrame) -> None:
    valid = df["text"].notna().to_numpy()
    fixed = qfast.FixMojibake().apply(rows.column("text")).to_pylist()
    moji = sum(1 for a, b, ok in zip(df["text"], fixed, valid) if ok and a != b)
    assert profile.noise["mojibake_rows"] == moji
    for f in qfast.assessment.default_heuristics():
        v = f.verdict(rows).to_pandas()
        dropped = v[~v["keep"] & valid]
        rates = profile.noise[f"{f.name}.fail_rate"]
        assert rates["(any)"] == pytest.approx(len(dropped) / valid.sum())
        expect = (dropped["reason"].value_counts() / valid.sum()).to_dict()
        assert {k: v for k, v in rates.items() if k != "(any)"} == pytest.approx(expect)
        print(f.name, f"{rates['(any)']:.3f}")


def _words(rows: pa.Table) -> list[list[str]]:
    lists = qfast.words(rows.column("text").drop_null(), tokenizer="unicode").to_pylist()
    return [[w.lower() for w in ws] for ws in lists]


def test_distinct_n_and_vocabulary_growth(profile: Assessment, rows: pa.Table) -> None:
    docs = _words(rows)
    div = profile.diversity
    for n in (1, 2, 3):
        grams = [tuple(d[i : i + n]) for d in docs for i in range(len(d) - n + 1)]
        assert div[f"ngrams_{n}"] == len(grams)
        assert div[f"unique_ngrams_{n}"] == len(set(grams))
        assert div[f"distinct_{n}"] == pytest.approx(len(set(grams)) / len(grams))
        print(f"distinct-{n}: {div[f'distinct_{n}']:.4f} of {len(grams):,}")
    flat = pd.Series([w for d in docs for w in d])
    vocab = (~flat.duplicated()).cumsum().to_numpy()
    checkpoints = [c for c in (1000 * 2**k for k in range(40)) if c <= len(flat)]
    expect = [(c, int(vocab[c - 1])) for c in checkpoints]
    if expect[-1][0] != len(flat):
        expect.append((len(flat), int(vocab[-1])))
    assert div["vocabulary_growth"] == expect
    x, y = np.log([t for t, _ in expect]), np.log([v for _, v in expect])
    assert div["heaps_beta"] == pytest.approx(np.polyfit(x, y, 1)[0])


def test_duplicates(profile: Assessment, rows: pa.Table, df: pd.DataFrame) -> None:
    text = df["text"].dropna()
    assert profile.diversity["exact_duplicate_rows"] == int(text.duplicated().sum())
    # Near duplicates: connected components of rows sharing a band key, recomputed in numpy
    # from the band keys; every row after the first of its component is a duplicate.
    keys = qfast.MinHash.fast(shingles="chars").band_keys(rows)
    has = ~np.asarray(pc.is_null(keys).to_numpy(zero_copy_only=False))
    mat = np.asarray(pc.fill_null(keys.values, 0).to_numpy()).reshape(len(keys), -1)
    parent = np.arange(len(keys))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for band in range(mat.shape[1]):
        first: dict[int, int] = {}
        for i in np.flatnonzero(has):
            k = int(mat[i, band])
            if k in first:
                a, b = find(first[k]), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first[k] = i
    roots = np.array([find(i) for i in np.flatnonzero(has)])
    near = len(roots) - len(set(roots.tolist()))
    assert profile.diversity["near_duplicate_rows"] == near
    assert profile.diversity["near_duplicate_rate"] == pytest.approx(near / len(text))
    print(f"exact dups {text.duplicated().sum()}, near dups {near} of {len(text)}")


def test_cluster_entropy(profile: Assessment, rows: pa.Table) -> None:
    col = rows.column("text").drop_null()
    h = qfast.doc_hashes(col).to_pylist()
    keys = pd.Series([int.from_bytes(x[:8], "little") for x in h])
    sample = keys.drop_duplicates().sort_values().head(10_000)
    texts = pa.array([col[i].as_py() for i in sample.index], pa.large_string())
    ids = qfast.kmeans_clusters(texts, k=16, seed=0).to_pandas()
    h_bits = _entropy(ids.value_counts())
    assert profile.diversity["cluster_sample"] == 10_000
    assert profile.diversity["cluster_entropy_bits"] == pytest.approx(h_bits)
    assert profile.diversity["cluster_normalized_entropy"] == pytest.approx(h_bits / 4)


def test_timeliness(profile: Assessment, df: pd.DataFrame) -> None:
    iso = df["date"].str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$")[0]
    compact = df["date"].str.extract(r"^(\d{8})(?:\d{6})?$")[0]
    d = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").fillna(
        pd.to_datetime(compact, format="%Y%m%d", errors="coerce")
    )
    dated = d.dropna()
    t = profile.timeliness
    assert t is not None
    assert t["dated_rows"] == len(dated)
    assert t["undated_rows"] == int(d.isna().sum())
    assert t["rows_by_year"] == dated.dt.year.value_counts().sort_index().to_dict()
    assert t["oldest"] == dated.min().date().isoformat()
    assert t["newest"] == dated.max().date().isoformat()
    days = (dated - pd.Timestamp("1970-01-01")).dt.days
    assert t["median_day"] == float(np.median(days))
    older = int((dated < pd.Timestamp("2020-01-01")).sum())
    assert t["older_than_cutoff_rows"] == older
    assert t["older_than_cutoff_rate"] == pytest.approx(older / len(dated))
    print(t["rows_by_year"], f"older than 2020: {older}")


def test_safety(profile: Assessment, rows: pa.Table, df: pd.DataFrame) -> None:
    red = (
        qfast.PIIFormatter(
            remove_ipv6=True, remove_phones=True, remove_credit_cards=True, remove_ibans=True
        )
        .redact(rows)
        .to_pandas()
    )
    valid = df["text"].notna()
    lang = df["lang"].fillna("(null)")
    s = profile.safety
    for kind in qfast.pii.KINDS:
        hit = red[f"pii_{kind}"].fillna(0) > 0
        assert s["pii_row_rate"][kind] == pytest.approx(hit.sum() / valid.sum())
        assert s["pii_matches"][kind] == int(red[f"pii_{kind}"].fillna(0).sum())
        by = (hit[valid].groupby(lang[valid]).sum() / lang[valid].value_counts()).to_dict()
        assert s["pii_row_rate_by_language"][kind] == pytest.approx(by)
    # Bad words from the raw text: word-bounded for English rows, substrings for Chinese.
    low = df["text"].str.lower()
    en = re.compile(r"(?<!\w)(?:" + "|".join(BAD["en"]) + r")(?!\w)")
    zh = re.compile("|".join(BAD["zh"]))
    lang_or_en = df["lang"].fillna("en")

    def hit_of(i: int) -> bool:
        t = low[i]
        if not isinstance(t, str) or lang_or_en[i] not in BAD:
            return False
        # datatrove's zh allowlist applies to every language; none of BAD's zh words is on it
        return bool((en if lang_or_en[i] == "en" else zh).search(t))

    bad = pd.Series([hit_of(i) for i in range(len(df))])
    assert s["bad_word_rows"] == int(bad.sum()) > 0
    assert s["bad_word_rate"] == pytest.approx(bad.sum() / valid.sum())
    by = (bad[valid].groupby(lang[valid]).sum() / lang[valid].value_counts()).to_dict()
    assert s["bad_word_rate_by_language"] == pytest.approx(by)
    print({k: round(v, 4) for k, v in s["pii_row_rate"].items()}, f"bad {s['bad_word_rate']:.4f}")


def test_batches_and_inputs_agree(profile: Assessment, rows: pa.Table, tmp_path: Path) -> None:
    """The same figures from one batch, from a Parquet file on disk, and from a polars frame."""
    small = rows.slice(0, 3_000)
    kwargs = {"label": "label", "domain": "file", "language": "lang", "date": "date"}
    whole = assess(small, **kwargs).to_table()
    path = tmp_path / "rows.parquet"
    pq.write_table(small, path, row_group_size=500)
    from_file = assess(path, batch_size=777, **kwargs).to_table()
    assert from_file.equals(whole)
    import polars as pl

    assert assess(pl.from_arrow(small), **kwargs).to_table().equals(whole)


def test_table_and_value(profile: Assessment) -> None:
    t = profile.to_table()
    assert t.column_names == ["dimension", "metric", "group", "value"]
    assert set(t.column("dimension").to_pylist()) >= {
        "distribution",
        "noise",
        "diversity",
        "timeliness",
        "safety",
    }
    assert profile.value("dataset", "rows") == profile.rows
    assert profile.value("distribution", "file.count", "extra") == 5
    assert profile.value("diversity", "distinct_2") == profile.diversity["distinct_2"]
    with pytest.raises(KeyError):
        profile.value("noise", "no_such_metric")


def test_bad_input() -> None:
    t = pa.table({"text": ["a b c", None], "when": [1, 2]})
    with pytest.raises(ColumnNotFoundError, match="'label'"):
        assess(t, label="label")
    with pytest.raises(ColumnTypeError, match="'when'"):
        assess(t, date="when")
    with pytest.raises(ConfigError):
        assess(t, label_noise=True)
    with pytest.raises(ConfigError):
        assess(t, clusters=1)
    empty = assess(pa.table({"text": pa.array([], pa.string())}))
    assert empty.rows == 0 and empty.diversity["distinct_1"] == 0.0
    only_null = assess(pa.array([None, None], pa.string()))
    assert only_null.rows == 2 and only_null.noise["null_rows"] == 2
    assert only_null.noise["empty_rate"] == 0.0


def test_cli_assess(rows: pa.Table, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``qfast assess`` over Parquet files gives the figures of :func:`assess` on their rows."""
    import json

    from qfast.cli import main

    small = rows.slice(0, 4_000)
    for i in range(2):
        pq.write_table(small.slice(i * 2_000, 2_000), tmp_path / f"p{i}.parquet")
    out = tmp_path / "a.json"
    html = tmp_path / "a.html"
    argv = ["assess", str(tmp_path / "p*.parquet"), "--label", "label", "--date", "date"]
    assert main([*argv, "--json", str(out), "--html", str(html)]) == 0
    expect = assess(small, label="label", date="date").to_dict()
    assert json.loads(out.read_text()) == json.loads(json.dumps(expect, default=str))
    assert "distinct_2" in capsys.readouterr().out and "<h3>Timeliness</h3>" in html.read_text()


def test_label_noise_estimate(eval_data: Path) -> None:
    """The estimated label-noise share is the share of rows qfast.label_issues flags (itself
    compared with cleanlab in tests/test_label_noise.py), counted by pandas."""
    t = pq.read_table(eval_data / "zh_reviews_chinesenlpcorpus.parquet", columns=["text"])
    labels = pq.read_table(eval_data / "zh_reviews_chinesenlpcorpus.parquet")["label_sentiment"]
    idx = pa.array(np.linspace(0, t.num_rows - 1, 6_000).astype(int))
    t = t.append_column("label", labels.cast(pa.string())).take(idx)
    a = assess(t, label="label", heuristics=[], batch_size=1_000)  # on by default with labels
    flagged = qfast.label_issues(t, "label").to_pandas()["is_issue"]
    assert a.noise["label_issue_rows"] == int(flagged.sum()) > 0
    assert a.noise["label_issue_rate"] == pytest.approx(flagged.mean())
    print(f"estimated label noise: {flagged.mean():.3%}")


def test_label_noise_skipped_past_the_row_limit_is_reported() -> None:
    from qfast.assessment import Assessor

    t = pa.table({"text": [f"text {i}" for i in range(40)], "label": ["a", "b"] * 20})
    acc = Assessor(label="label", label_noise_max_rows=30, heuristics=[])
    acc.add(t)
    noise = acc.result().noise
    assert noise["label_noise_skipped_over_rows"] == 30 and "label_issue_rate" not in noise
    off = assess(t, label="label", label_noise=False, heuristics=[]).noise
    assert "label_issue_rate" not in off and "label_noise_skipped_over_rows" not in off


def test_cli_assess_bad_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from qfast.cli import main

    pq.write_table(pa.table({"body": ["a b c"]}), tmp_path / "x.parquet")
    assert main(["assess", str(tmp_path / "x.parquet"), "--quiet"]) == 2
    assert "no column 'text'" in capsys.readouterr().err
    pq.write_table(pa.table({"text": ["a b c"], "when": [3]}), tmp_path / "y.parquet")
    assert main(["assess", str(tmp_path / "y.parquet"), "--date", "when", "--quiet"]) == 2
    assert "date column 'when'" in capsys.readouterr().err


def test_awkward_inputs_are_counted_not_refused() -> None:
    """What a review found: each of these once raised or miscounted."""
    import datetime as dt

    import polars as pl

    no_h: list[qfast.Filter] = []
    assert assess(pl.Series("text", ["a b c", "d e f"]), heuristics=no_h).rows == 2
    assert assess(pa.table({"text": pa.nulls(3)}), heuristics=no_h).noise["null_rows"] == 3
    enc = pa.table({"text": pa.array(["a", "b", "a"]).dictionary_encode()})
    assert assess(enc, heuristics=no_h).diversity["exact_duplicate_rows"] == 1
    stamps = pa.array([dt.datetime(2020, 1, 1, 12, 0, 0, 500_000)] * 2, pa.timestamp("us"))
    t = assess(pa.table({"text": ["x", "y"], "d": stamps}), date="d", heuristics=no_h)
    assert t.timeliness is not None and t.timeliness["rows_by_year"] == {2020: 2}
    days = pa.table({"text": ["x", "y", "z"], "d": ["2020-02-30", "2021-02-28", "20210230"]})
    t = assess(days, date="d", heuristics=no_h)
    assert t.timeliness is not None and t.timeliness["undated_rows"] == 2
    nan = pa.table({"text": ["a"] * 3, "g": [float("nan")] * 3})
    assert assess(nan, domain="g", batch_size=1, heuristics=no_h).distribution["g"]["counts"] == {
        "NaN": 3
    }
    two = assess(
        pa.table({"text": ["aa bb"]}),
        heuristics=[qfast.GopherQuality(), qfast.GopherQuality(min_doc_words=1)],
    ).noise
    assert two["gopher_quality.fail_rate"] == {"(any)": 1.0, "gopher_short_doc": 1.0}
    assert two["gopher_quality#2.fail_rate"]["(any)"] == 1.0
    one = pa.table({"text": [f"text {i}" for i in range(20)], "label": ["a"] * 20})
    assert assess(one, label="label", heuristics=no_h).noise["label_issue_rows"] == 0
    mixed = [
        pa.table({"text": pa.array(["good"] * 10, pa.string()), "label": ["p"] * 10}),
        pa.table({"text": pa.array(["bad"] * 10, pa.large_string()), "label": ["n"] * 10}),
    ]
    assert assess(mixed, label="label", heuristics=no_h).noise["labelled_rows"] == 20
    with pytest.raises(ConfigError, match="date_cutoff"):
        assess(days, date="d", date_cutoff="2020/01/01")
    with pytest.raises(ConfigError, match="date="):
        assess(days, date_cutoff="2020-01-01")
    before = qfast.assessment.Assessor(label="label", heuristics=no_h)
    with pytest.raises(ColumnNotFoundError):
        before.add(pa.table({"text": ["a"]}))
    assert before.rows == 0  # nothing counted from the refused batch
