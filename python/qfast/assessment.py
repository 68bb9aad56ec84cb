"""``qfast.assess``: a streaming profile of a whole dataset on five dimensions, computed with the
same core kernels as the filters.

- **distribution**: counts, Shannon entropy (bits), normalised entropy and imbalance ratio of
  each grouping column given (label, domain, language) and of a text-length bucket.
- **noise**: the share of rows each heuristic filter (Gopher quality and repetition, C4, FineWeb)
  would drop and why, rows with mojibake or control characters, null / empty / blank /
  near-empty rows, and (for labelled data) the share of likely wrong labels.
- **diversity**: distinct-n ratios and vocabulary growth over UAX #29 words (lowercased; one
  word per CJK ideograph), near-duplicate and exact-duplicate rates, and the entropy of k-means
  clusters on hashed bag-of-words vectors.
- **timeliness**: the distribution of a date column by year, its range and median, and the
  share older than a cutoff.
- **safety**: the share of rows with each kind of PII, and with a listed bad word, overall and
  per language.

Every figure is also in :meth:`Assessment.to_table`, one row per ``(dimension, metric, group)``.

Policies: a null text counts in ``rows`` and ``null_rows`` and in the grouping columns, but in no
other rate, whose denominator is ``text_rows`` (non-null texts). A null in a grouping column is
its own value, ``"(null)"``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _qfast, languages
from ._input import as_table, as_text_array, is_tabular, text_column, unview
from .clean import FixMojibake
from .dedup import ExactDedup, MinHash, MinHashDedup, doc_hashes
from .errors import ColumnNotFoundError, ColumnTypeError, ConfigError
from .filters import C4Quality, Filter, FineWebQuality, GopherQuality, GopherRepetition
from .pii import KINDS as PII_KINDS
from .pii import PIIFormatter
from .rules import C4BadWords
from .selection import kmeans_clusters

#: Text-length buckets, in characters: ``(label, lower bound)``; a bucket ends where the next begins.
LENGTH_BUCKETS: tuple[tuple[str, int], ...] = (
    ("0", 0),
    ("1-99", 1),
    ("100-999", 100),
    ("1k-9.9k", 1_000),
    ("10k-99k", 10_000),
    ("100k+", 100_000),
)

NULL_VALUE = "(null)"


def default_heuristics() -> list[Filter]:
    """The four FineWeb-recipe filters with datatrove's defaults, each applied on its own."""
    return [GopherRepetition(), GopherQuality(), C4Quality(), FineWebQuality()]


def entropy_bits(counts: Sequence[int]) -> float:
    """Shannon entropy, in bits, of the distribution given by ``counts``."""
    n = sum(counts)
    # + 0.0 turns the -0.0 of a single value into 0.0
    return -sum(c / n * math.log2(c / n) for c in counts if c) + 0.0 if n else 0.0


def _distribution(counts: Counter[Any]) -> dict[str, Any]:
    vals = [c for c in counts.values() if c]
    k = len(vals)
    h = entropy_bits(vals)
    return {
        "counts": dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))),
        "distinct": k,
        "entropy_bits": h,
        # 1.0 is perfectly balanced; a single value has nothing to balance (0.0).
        "normalized_entropy": h / math.log2(k) if k > 1 else 0.0,
        "imbalance_ratio": max(vals) / min(vals) if vals else 0.0,
    }


def _key(v: Any) -> Any:
    if v is None:
        return NULL_VALUE
    if isinstance(v, float) and math.isnan(v):
        return "NaN"  # NaN != NaN: without this every batch would add a key of its own
    return v


def _value_counts(col: Any) -> Counter[Any]:
    out: Counter[Any] = Counter()
    for item in pc.value_counts(col).to_pylist():
        out[_key(item["values"])] += item["counts"]
    return out


def length_bucket(n_chars: Any) -> pa.Array:
    """The :data:`LENGTH_BUCKETS` label of each length (null stays null)."""
    null = np.asarray(pc.is_null(n_chars).to_numpy(zero_copy_only=False), dtype=bool)
    n = np.asarray(pc.fill_null(n_chars, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    bounds = np.array([b for _, b in LENGTH_BUCKETS[1:]])
    labels = np.array([label for label, _ in LENGTH_BUCKETS], dtype=object)
    out = labels[np.searchsorted(bounds, n, side="right")]
    return pa.array(out, pa.string(), mask=null)


def _to_days(col: Any, column: str) -> pa.Array:
    """Days since 1970-01-01 (int64; null where missing or unparseable)."""
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    t = col.type
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        # the day is what counts: drop sub-second parts rather than refuse them
        ts = pc.cast(col, pa.timestamp("s", tz=getattr(t, "tz", None)), safe=False)
    elif pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        s = pc.utf8_trim_whitespace(col.cast(pa.large_string()))
        # The day of an ISO 8601 date or datetime (any time or zone after it), or of a compact
        # YYYYMMDD[hhmmss] stamp (ARC/WARC crawl dates); anything else is unparsed (null).
        iso = pc.replace_substring_regex(s, r"^(\d{4}-\d{2}-\d{2})[T ].*$", r"\1")
        iso = pc.replace_substring_regex(iso, r"^(\d{4})(\d{2})(\d{2})(\d{6})?$", r"\1-\2-\3")
        ts = pc.strptime(iso, format="%Y-%m-%d", unit="s", error_is_null=True)
        # strptime rolls 2020-02-30 over to 2020-03-01: a day that does not print back as
        # written is not a date
        same = pc.equal(pc.strftime(ts, format="%Y-%m-%d"), iso.cast(pa.string()))
        ts = pc.if_else(pc.fill_null(same, False), ts, pa.scalar(None, ts.type))
    else:
        raise ColumnTypeError(
            f"date column {column!r} has type {t}: expected a date, a timestamp or ISO 8601 strings"
        )
    secs = ts.cast(pa.int64())
    return pc.floor(pc.divide(secs.cast(pa.float64()), 86_400.0)).cast(pa.int64())


def _as_days(d: str | dt.date | dt.datetime) -> int:
    if isinstance(d, str):
        try:
            d = dt.date.fromisoformat(d[:10])
        except ValueError as e:
            raise ConfigError(f"date_cutoff={d!r}: expected an ISO date, YYYY-MM-DD") from e
    if isinstance(d, dt.datetime):
        d = d.date()
    return (d - dt.date(1970, 1, 1)).days


def _day_str(days: float) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(days))).isoformat()


@dataclass
class Assessment:
    """What :func:`assess` measured. Each section is a plain dict (documented in
    :func:`assess`); :meth:`to_table` flattens every number into one table."""

    rows: int
    text_rows: int
    text_bytes: int
    distribution: dict[str, dict[str, Any]] = field(default_factory=dict)
    noise: dict[str, Any] = field(default_factory=dict)
    diversity: dict[str, Any] = field(default_factory=dict)
    timeliness: dict[str, Any] | None = None
    safety: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Every section as plain data; grouping values become strings where they are not
        (so the dict is JSON-ready)."""
        dist = {
            col: {**d, "counts": {str(k): v for k, v in d["counts"].items()}}
            for col, d in self.distribution.items()
        }
        return {
            "rows": self.rows,
            "text_rows": self.text_rows,
            "text_bytes": self.text_bytes,
            "distribution": dist,
            "noise": self.noise,
            "diversity": self.diversity,
            "timeliness": self.timeliness,
            "safety": self.safety,
        }

    def to_table(self) -> pa.Table:
        """``dimension``, ``metric``, ``group`` (a value of a grouping column, a reason, an n, a
        language; null when the metric is global) and ``value`` (float64), one row per figure."""
        rows: list[tuple[str, str, str | None, float]] = []

        def add(dim: str, metric: str, group: Any, value: Any) -> None:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                rows.append((dim, metric, None if group is None else str(group), float(value)))

        add("dataset", "rows", None, self.rows)
        add("dataset", "text_rows", None, self.text_rows)
        add("dataset", "text_bytes", None, self.text_bytes)
        for col, d in self.distribution.items():
            for v, c in d["counts"].items():
                add("distribution", f"{col}.count", v, c)
            for m in ("distinct", "entropy_bits", "normalized_entropy", "imbalance_ratio"):
                add("distribution", f"{col}.{m}", None, d[m])

        def walk(dim: str, metric: str, value: Any) -> None:
            # a dict maps groups to figures; a dict of dicts adds its key to the metric name
            if not isinstance(value, dict):
                add(dim, metric, None, value)
                return
            for g, x in value.items():
                if isinstance(x, dict):
                    walk(dim, f"{metric}.{g}", x)
                else:
                    add(dim, metric, g, x)

        for k, v in self.noise.items():
            walk("noise", k, v)
        for k, v in self.diversity.items():
            if k == "vocabulary_growth":
                for tokens, distinct in v:
                    add("diversity", "vocabulary_size", tokens, distinct)
            else:
                walk("diversity", k, v)
        for k, v in (self.timeliness or {}).items():
            walk("timeliness", k, v)
        for k, v in self.safety.items():
            walk("safety", k, v)
        dims, metrics, groups, values = zip(*rows) if rows else ((), (), (), ())
        return pa.table(
            {
                "dimension": pa.array(dims, pa.string()),
                "metric": pa.array(metrics, pa.string()),
                "group": pa.array(groups, pa.string()),
                "value": pa.array(values, pa.float64()),
            }
        )

    def value(self, dimension: str, metric: str, group: Any = None) -> float:
        """One figure of :meth:`to_table` (``KeyError`` when absent)."""
        t = self.to_table()
        mask = pc.and_(pc.equal(t["dimension"], dimension), pc.equal(t["metric"], metric))
        g = pc.is_null(t["group"]) if group is None else pc.equal(t["group"], str(group))
        hit = t.filter(pc.and_(mask, pc.fill_null(g, False)))
        if hit.num_rows != 1:
            raise KeyError((dimension, metric, group))
        return float(hit["value"][0].as_py())


class Assessor:
    """The streaming accumulator behind :func:`assess`: ``add`` batches, then ``result()``.
    Memory: the distinct n-gram sets (~16 bytes per distinct n-gram), a MinHash signature per
    row, an int64 per dated row, and the cluster sample."""

    def __init__(
        self,
        column: str = "text",
        *,
        label: str | None = None,
        domain: str | None = None,
        language: str | None = None,
        date: str | None = None,
        date_cutoff: str | dt.date | dt.datetime | None = None,
        heuristics: Sequence[Filter] | None = None,
        near_empty_chars: int = 10,
        max_n: int = 3,
        minhash: MinHash | None = None,
        clusters: int = 16,
        cluster_sample: int = 10_000,
        seed: int = 0,
        bad_words: C4BadWords | None = None,
        label_noise: bool | None = None,
        label_noise_folds: int = 5,
        label_noise_max_rows: int = 1_000_000,
    ) -> None:
        if near_empty_chars < 1:
            raise ConfigError(f"near_empty_chars={near_empty_chars}: use 1 or more")
        if clusters < 2 or cluster_sample < clusters:
            raise ConfigError(
                f"clusters={clusters}, cluster_sample={cluster_sample}: need 2 <= clusters <= cluster_sample"
            )
        if label_noise and label is None:
            raise ConfigError("label_noise=True needs label= (the label column)")
        if date_cutoff is not None and date is None:
            raise ConfigError("date_cutoff needs date= (the date column)")
        self.column = column
        self.groups = {k: v for k, v in (("label", label), ("domain", domain)) if v is not None}
        self.language = language
        if language is not None:
            self.groups["language"] = language
        self.label = label
        self.date = date
        self.cutoff = None if date_cutoff is None else _as_days(date_cutoff)
        self.heuristics = list(default_heuristics() if heuristics is None else heuristics)
        self._joint: tuple[str, Any] | None = None
        try:
            langs = set().union(*(f._languages() for f in self.heuristics))
            tok = languages.common(langs, "spacy")
            self._joint = (json.dumps([f._spec() for f in self.heuristics]), tok)
        except (AttributeError, ConfigError, NotImplementedError):
            pass  # filters that need different tokenizers: each runs on its own
        self.near_empty_chars = near_empty_chars
        self.clusters = clusters
        self.cluster_sample = cluster_sample
        self.seed = seed
        self.bad_words = bad_words
        # None: on when there are labels, as long as the labelled texts it buffers stay under
        # label_noise_max_rows rows (True lifts that limit).
        self.label_noise = label is not None if label_noise is None else label_noise
        self._label_noise_cap = None if label_noise else label_noise_max_rows
        self._label_noise_skipped = False
        self._labelled_rows = 0
        self.label_noise_folds = label_noise_folds
        self._div = _qfast.DiversityState(max_n)
        self._dedup = MinHashDedup(minhash or MinHash.fast(shingles="chars"), keep="first")
        self._exact = ExactDedup(column)
        self._exact_dups = 0
        self._mojibake = FixMojibake()
        self._pii = PIIFormatter(
            remove_ipv6=True, remove_phones=True, remove_credit_cards=True, remove_ibans=True
        )
        self.rows = self.text_rows = self.text_bytes = 0
        self._dist: dict[str, Counter[Any]] = {k: Counter() for k in [*self.groups, "length"]}
        self._noise: Counter[str] = Counter()
        # Two filters of one kind (or two And/Or/Not) would share a name: number the repeats.
        self._names: list[str] = []
        for f in self.heuristics:
            name = getattr(f, "name", type(f).__name__)
            k = sum(1 for x in self._names if x == name or x.startswith(f"{name}#"))
            self._names.append(name if k == 0 else f"{name}#{k + 1}")
        self._fails: dict[str, Counter[str]] = {name: Counter() for name in self._names}
        self._pii_rows: Counter[str] = Counter()
        self._pii_count: Counter[str] = Counter()
        self._lang_rows: Counter[str] = Counter()
        self._pii_lang: dict[str, Counter[str]] = {k: Counter() for k in PII_KINDS}
        self._bad_rows = 0
        self._bad_lang: Counter[str] = Counter()
        self._days: list[np.ndarray] = []
        self._date_null = 0
        self._sample_keys = np.empty(0, dtype=np.uint64)
        self._sample_text: list[str] = []
        self._labelled: list[pa.Table] = []

    def _col(self, table: pa.Table, name: str) -> pa.ChunkedArray:
        if name not in table.column_names:
            raise ColumnNotFoundError(
                f"column {name!r} not found; available columns: {table.column_names}"
            )
        return table.column(name)

    def add(self, data: Any) -> None:
        """Profiles one batch (a table, record batch, data frame or text array)."""
        table, col = text_column(data, self.column)
        if table is None:
            table = pa.table({self.column: col})
        table = unview(table)
        # Every column this profile reads is checked before anything is counted, so a batch
        # that raises leaves the figures as they were.
        for name in [*self.groups.values(), self.date, self.label]:
            if name is not None:
                self._col(table, name)
        col = table.column(self.column)
        t = col.type
        if pa.types.is_null(t) or pa.types.is_dictionary(t):
            # an all-null batch (JSON lines, pandas) holds null texts; dictionary-encoded text
            # is read as its values
            col = col.cast(pa.large_string() if pa.types.is_null(t) else t.value_type)
            table = table.set_column(table.column_names.index(self.column), self.column, col)
        n = table.num_rows
        if n == 0:
            return
        valid = pc.is_valid(col)
        self.rows += n
        n_text = int(pc.sum(valid).as_py() or 0)
        self.text_rows += n_text
        self._noise["null_rows"] += n - n_text
        self.text_bytes += int(pc.sum(pc.binary_length(col)).as_py() or 0)
        cc = _qfast.char_counts(col, self.column)
        n_chars, stripped, ctrl = cc["chars"], cc["non_space"], cc["control"]

        for key, name in self.groups.items():
            self._dist[key].update(_value_counts(self._col(table, name)))
        self._dist["length"].update(_value_counts(length_bucket(n_chars)))

        # noise: "blank" is all whitespace (Python's str.isspace), "near-empty" has a few
        # non-space characters; control characters are C0/C1 other than tab, LF and CR
        self._noise["empty_rows"] += int(pc.sum(pc.equal(n_chars, 0)).as_py() or 0)
        blank = pc.and_(pc.greater(n_chars, 0), pc.equal(stripped, 0))
        self._noise["blank_rows"] += int(pc.sum(blank).as_py() or 0)
        near = pc.and_(pc.greater(stripped, 0), pc.less(stripped, self.near_empty_chars))
        self._noise["near_empty_rows"] += int(pc.sum(near).as_py() or 0)
        self._noise["control_char_rows"] += int(pc.sum(pc.greater(ctrl, 0)).as_py() or 0)
        self._noise["control_chars"] += int(pc.sum(ctrl).as_py() or 0)
        self._noise["mojibake_rows"] += int(
            pc.sum(self._mojibake.changed(col, self.column)).as_py() or 0
        )
        for name, reason in zip(self._names, self._heuristic_reasons(table, col)):
            drop = pc.and_(pc.is_valid(reason), valid)
            self._fails[name]["(any)"] += int(pc.sum(drop).as_py() or 0)
            self._fails[name].update(_value_counts(pc.filter(reason, drop)))

        # diversity
        self._div.add(col, self.column)
        self._dedup.add(table.select([self.column]))
        self._exact_dups += int(pc.sum(self._exact.mark(col)).as_py() or 0)
        self._sample(doc_hashes(col), col)

        # timeliness
        if self.date is not None:
            days = _to_days(self._col(table, self.date), self.date)
            self._date_null += days.null_count
            self._days.append(days.drop_null().to_numpy())

        # safety
        langs = (
            pc.fill_null(self._col(table, self.language).cast(pa.string()), NULL_VALUE)
            if self.language is not None
            else None
        )
        if langs is not None:
            self._lang_rows.update(_value_counts(pc.filter(langs, valid)))
        red = self._pii.redact(col, self.column)
        for k in PII_KINDS:
            c = red.column(f"pii_{k}")
            hit = pc.fill_null(pc.greater(c, 0), False)
            self._pii_rows[k] += int(pc.sum(hit).as_py() or 0)
            self._pii_count[k] += int(pc.sum(c).as_py() or 0)
            if langs is not None:
                self._pii_lang[k].update(_value_counts(pc.filter(langs, hit)))
        if self.bad_words is not None:
            bw = table
            lang_col = self.bad_words.language_column
            if self.language is not None and self.language != lang_col:
                # the row's language is ``language``, whatever column name the word lists expect
                bw = table.drop_columns([c for c in (lang_col,) if c in table.column_names])
                bw = bw.append_column(lang_col, table.column(self.language).cast(pa.string()))
            codes, _ = self.bad_words._codes(bw, self.column)
            hit = pc.fill_null(pc.is_in(codes, pa.array([1, 2], pa.int8())), False)
            self._bad_rows += int(pc.sum(hit).as_py() or 0)
            if langs is not None:
                self._bad_lang.update(_value_counts(pc.filter(langs, hit)))

        if self.label_noise and not self._label_noise_skipped:
            assert self.label is not None
            labels = self._col(table, self.label)
            # only rows with both a text and a label say anything about label noise
            part = pa.table(
                {"text": col.cast(pa.large_string()), "label": labels.cast(pa.string())}
            ).filter(pc.and_(valid, pc.is_valid(labels)))
            self._labelled_rows += part.num_rows
            if self._label_noise_cap is not None and self._labelled_rows > self._label_noise_cap:
                self._label_noise_skipped = True
                self._labelled = []
            else:
                self._labelled.append(part)

    def _heuristic_reasons(self, table: pa.Table, col: Any) -> list[pa.Array]:
        """Each heuristic's drop reason per row (null: kept), each on the original text. When
        the filters share a tokenizer the core judges every filter in one pass per row (one
        tokenization); otherwise each filter runs on its own."""
        if not self.heuristics:
            return []
        if self._joint is not None:
            specs, tok = self._joint
            return list(_qfast.verdicts_each(col, specs, self.column, tok))
        return [f.verdict(table, self.column).column("reason") for f in self.heuristics]

    def _sample(self, hashes: pa.Array, col: Any) -> None:
        """Keeps the ``cluster_sample`` texts of smallest content hash: a uniform sample that
        does not depend on row order or batch boundaries (copies count once)."""
        if isinstance(col, pa.ChunkedArray):
            col = col.combine_chunks()
        # the first 8 bytes of each 16-byte hash, read in place (a null slot is masked below)
        n, off = len(hashes), hashes.offset
        raw = np.frombuffer(hashes.buffers()[1], dtype="<u8", count=2 * (off + n))[2 * off :: 2]
        keep = np.asarray(hashes.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        if len(self._sample_keys) >= self.cluster_sample:
            # only a key below the current largest kept one can enter the sample
            keep &= raw < self._sample_keys[-1]
        idx = np.flatnonzero(keep)
        texts = col.take(pa.array(idx, pa.int64())).to_pylist()
        keys = np.concatenate([self._sample_keys, raw[idx]])
        pool = self._sample_text + texts
        _, first = np.unique(keys, return_index=True)  # sorted by key, first of each copy
        first = first[: self.cluster_sample]
        self._sample_keys = keys[first]
        self._sample_text = [pool[i] for i in first]

    def result(self) -> Assessment:
        """The figures over every batch added so far."""
        text_rows = self.text_rows
        rate = (lambda x: x / text_rows) if text_rows else (lambda x: 0.0)
        a = Assessment(rows=self.rows, text_rows=text_rows, text_bytes=self.text_bytes)
        for key, counts in self._dist.items():
            name = "length_bucket" if key == "length" else self.groups[key]
            a.distribution[name] = _distribution(counts)

        noise: dict[str, Any] = {"null_rows": self._noise["null_rows"]}
        for k in (
            "empty_rows",
            "blank_rows",
            "near_empty_rows",
            "control_char_rows",
            "mojibake_rows",
        ):
            noise[k] = self._noise[k]
            noise[k.replace("_rows", "_rate")] = rate(self._noise[k])
        noise["control_chars"] = self._noise["control_chars"]
        for name, fails in self._fails.items():
            noise[f"{name}.fail_rate"] = {g: rate(c) for g, c in sorted(fails.items())}
        if self.label_noise:
            noise.update(self._label_noise())
        a.noise = noise

        div: dict[str, Any] = {}
        for n, total, distinct in self._div.counts():
            div[f"distinct_{n}"] = distinct / total if total else 0.0
            div[f"ngrams_{n}"] = total
            div[f"unique_ngrams_{n}"] = distinct
        growth = [(int(t), int(d)) for t, d in self._div.growth()]
        div["vocabulary_growth"] = growth
        div["heaps_beta"] = _heaps_beta(growth)
        res = self._dedup.result()
        div["near_duplicate_rows"] = res.n_duplicates
        div["near_duplicate_rate"] = rate(res.n_duplicates)
        div["exact_duplicate_rows"] = self._exact_dups
        div["exact_duplicate_rate"] = rate(self._exact_dups)
        div.update(self._cluster_entropy())
        a.diversity = div

        if self.date is not None:
            a.timeliness = self._timeliness()

        safety: dict[str, Any] = {
            "pii_row_rate": {k: rate(self._pii_rows[k]) for k in PII_KINDS},
            "pii_matches": {k: self._pii_count[k] for k in PII_KINDS},
        }
        if self.language is not None:
            safety["pii_row_rate_by_language"] = {
                k: {
                    lang: self._pii_lang[k][lang] / n for lang, n in sorted(self._lang_rows.items())
                }
                for k in PII_KINDS
            }
        if self.bad_words is not None:
            safety["bad_word_rows"] = self._bad_rows
            safety["bad_word_rate"] = rate(self._bad_rows)
            if self.language is not None:
                safety["bad_word_rate_by_language"] = {
                    lang: self._bad_lang[lang] / n for lang, n in sorted(self._lang_rows.items())
                }
        a.safety = safety
        return a

    def _cluster_entropy(self) -> dict[str, Any]:
        texts = self._sample_text
        k = min(self.clusters, len(texts))
        if k < 2:
            return {"cluster_sample": len(texts)}
        ids = kmeans_clusters(pa.array(texts, pa.large_string()), k=k, seed=self.seed)
        counts = list(_value_counts(ids).values())
        h = entropy_bits(counts)
        return {
            "cluster_sample": len(texts),
            "clusters": k,
            "cluster_entropy_bits": h,
            "cluster_normalized_entropy": h / math.log2(k),
        }

    def _timeliness(self) -> dict[str, Any]:
        days = np.concatenate(self._days) if self._days else np.empty(0, np.int64)
        out: dict[str, Any] = {"dated_rows": int(days.size), "undated_rows": self._date_null}
        if days.size:
            years = (
                days.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
            ).tolist()
            out["rows_by_year"] = dict(sorted(Counter(years).items()))
            out["oldest"] = _day_str(days.min())
            out["newest"] = _day_str(days.max())
            out["median"] = _day_str(np.median(days))
            out["oldest_day"] = int(days.min())
            out["newest_day"] = int(days.max())
            out["median_day"] = float(np.median(days))
        if self.cutoff is not None:
            older = int((days < self.cutoff).sum())
            out["cutoff"] = _day_str(self.cutoff)
            out["older_than_cutoff_rows"] = older
            out["older_than_cutoff_rate"] = older / days.size if days.size else 0.0
        return out

    def _label_noise(self) -> dict[str, Any]:
        from .label_noise import label_issues

        if self._label_noise_skipped:
            # reported, not silently absent: the caller can pass label_noise=True
            return {"label_noise_skipped_over_rows": self._label_noise_cap}

        t = pa.concat_tables(self._labelled) if self._labelled else None
        classes = 0 if t is None else len(pc.unique(t["label"]))
        if t is not None and t.num_rows >= 2 * self.label_noise_folds and classes < 2:
            # one label throughout: nothing to tell apart, so nothing to flag
            return {"labelled_rows": t.num_rows, "label_issue_rows": 0, "label_issue_rate": 0.0}
        if t is None or t.num_rows < 2 * self.label_noise_folds:
            return {
                "labelled_rows": 0 if t is None else t.num_rows,
                "label_issue_rows": 0,
                "label_issue_rate": 0.0,
            }
        issues = label_issues(
            t, "label", column="text", folds=self.label_noise_folds, seed=self.seed
        )
        flagged = int(pc.sum(issues.column("is_issue")).as_py() or 0)
        return {
            "labelled_rows": t.num_rows,
            "label_issue_rows": flagged,
            "label_issue_rate": flagged / t.num_rows,
        }


def _heaps_beta(growth: list[tuple[int, int]]) -> float | None:
    """The exponent of Heaps' law ``V = K * N**beta`` fitted (least squares in log-log) to the
    vocabulary-growth checkpoints; None with fewer than two."""
    pts = [(t, d) for t, d in growth if t > 0 and d > 0]
    if len(pts) < 2:
        return None
    x = np.log([t for t, _ in pts])
    y = np.log([d for _, d in pts])
    return float(np.polyfit(x, y, 1)[0])


def file_batches(path: Path, column: str, batch_size: int = 65_536) -> Iterator[pa.RecordBatch]:
    """A file's record batches: Parquet streamed row group by row group (memory stays at a
    batch), JSON lines read whole (``qfast run``'s block-restart streaming would feed rows twice
    to a profile that keeps state)."""
    from .cli import open_parquet, read_file

    if path.name.lower().endswith(".parquet"):
        with open_parquet(path, column) as f:
            yield from f.iter_batches(batch_size=batch_size)
        return
    yield from read_file(path).to_batches(max_chunksize=batch_size)


def _batches(data: Any, column: str, batch_size: int) -> Iterator[Any]:
    if isinstance(data, (str, Path)):
        from .cli import expand_inputs

        for path in expand_inputs([str(data)]):
            yield from file_batches(path, column, batch_size)
    elif isinstance(data, (pa.Array, pa.ChunkedArray)):
        for i in range(0, len(data), batch_size):
            yield data.slice(i, batch_size)
    elif not is_tabular(data) and (
        hasattr(data, "__arrow_c_stream__")
        or hasattr(data, "__arrow_c_array__")
        or hasattr(data, "to_arrow")
    ):
        yield from _batches(as_text_array(data), column, batch_size)  # a polars Series
    elif is_tabular(data):
        yield from as_table(data).to_batches(max_chunksize=batch_size)
    elif isinstance(data, Iterable):
        yield from data
    else:
        yield data


def assess(
    data: Any,
    column: str = "text",
    *,
    label: str | None = None,
    domain: str | None = None,
    language: str | None = None,
    date: str | None = None,
    date_cutoff: str | dt.date | dt.datetime | None = None,
    heuristics: Sequence[Filter] | None = None,
    bad_words: C4BadWords | None = None,
    label_noise: bool | None = None,
    minhash: MinHash | None = None,
    max_n: int = 3,
    near_empty_chars: int = 10,
    clusters: int = 16,
    cluster_sample: int = 10_000,
    seed: int = 0,
    batch_size: int = 65_536,
) -> Assessment:
    """Profiles a whole dataset, batch by batch, on five dimensions (see the module docstring).

    ``data``: a table, record batch, data frame, text array, an iterable of batches, or a
    Parquet / JSON lines path or glob. ``label``, ``domain``, ``language``: grouping columns
    for the distribution section (``language`` also splits the safety rates); ``date``: a date,
    timestamp or ISO 8601 string column, with ``date_cutoff`` the day before which a row counts
    as old. ``heuristics``: the filters whose fail rates are reported (default: Gopher
    repetition, Gopher quality, C4, FineWeb with datatrove's defaults, each on the original
    text); ``bad_words``: a :class:`C4BadWords` to measure the bad-word rate (word lists are
    yours to give). ``label_noise``: estimate the share of wrong labels with 5-fold cross-validated
    classifier probabilities and confident learning (:func:`qfast.label_issues`; it buffers
    the labelled texts; the rate is over rows with a text and a label). The default ``None`` does so whenever ``label`` is given, unless there
    are over 1,000,000 labelled rows, in which case ``noise["label_noise_skipped_over_rows"]``
    says so; ``True`` lifts the limit, ``False`` skips it.
    ``minhash``: the near-duplicate configuration (default ``MinHash.fast(shingles="chars")``,
    first of each cluster kept). Near-empty means 1 to ``near_empty_chars - 1`` non-space
    characters (rows of whitespace only are ``blank_rows``). Cluster entropy is measured on the ``cluster_sample`` distinct texts of
    smallest content hash, with ``clusters`` k-means clusters."""
    a = Assessor(
        column,
        label=label,
        domain=domain,
        language=language,
        date=date,
        date_cutoff=date_cutoff,
        heuristics=heuristics,
        bad_words=bad_words,
        label_noise=label_noise,
        minhash=minhash,
        max_n=max_n,
        near_empty_chars=near_empty_chars,
        clusters=clusters,
        cluster_sample=cluster_sample,
        seed=seed,
    )
    for batch in _batches(data, column, batch_size):
        a.add(batch)
    return a.result()


__all__ = ["assess", "Assessment", "Assessor", "LENGTH_BUCKETS", "entropy_bits", "file_batches"]
