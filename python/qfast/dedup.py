"""Deduplication: exact (documents, lines, paragraphs) and MinHash-LSH near-duplicates.

MinHash comes in two flavours of one class:

* ``MinHash.datatrove()`` — datatrove 0.10.1's ``MinhashDedupSignature`` bit for bit:
  ``simplify_text``, the spaCy-parity word tokenizer, word 5-grams hashed with xxh64, 14 bands x 8
  rows, numpy ``RandomState(1)`` parameters, ``(h * a + b) mod 2^64 mod (2^61 - 1)``. With
  ``MinHashDedup(keep="datatrove")`` the removed set is datatrove's 4-stage result.
* ``MinHash.fast()`` — shingles as the other tools define them (``text.lower().split()`` word
  n-grams, or character n-grams for CJK), 32-bit signatures; what you want at scale.

``MinHashDedup`` works over a stream of batches in two passes, said plainly: ``add`` every batch
(signatures and band keys are computed and kept: ``8 * bands`` bytes per document, plus the
signature in datatrove mode and the shingle set when ``threshold`` is set), then ``result()``
clusters everything and returns one row per document added. Same documents, same ids: same kept
set, whatever the batch order or thread count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

from . import _qfast, languages
from ._input import as_table, filter_rows, is_tabular, text_column
from .errors import ColumnNotFoundError, ConfigError
from .tokenize import Tokenizer

Shingles = Literal["datatrove", "words", "chars"]
KeepPolicy = Literal["datatrove", "first", "longest", "highest"]


@dataclass(frozen=True)
class TextNorm:
    """datatrove's ``TextNormConfig``: what ``simplify_text`` does, same names and defaults."""

    lowercase: bool = True
    norm_whitespace: bool = True
    remove_punctuation: bool = True
    norm_unicode_diacritics: bool = True
    norm_numbers: bool = True
    norm_weekdays: bool = False
    norm_monthnames: bool = False

    def flags(self) -> list[bool]:
        return [
            self.lowercase,
            self.norm_whitespace,
            self.remove_punctuation,
            self.norm_unicode_diacritics,
            self.norm_numbers,
            self.norm_weekdays,
            self.norm_monthnames,
        ]


def simplify_text(data: Any, column: str = "text", norm: TextNorm | None = None) -> pa.Array:
    """datatrove ``simplify_text`` of every row (``large_string``, null for null)."""
    _, col = text_column(data, column)
    n = norm or TextNorm()
    return _qfast.simplify_text(col, column, n.flags())


def doc_hashes(data: Any, column: str = "text", simplify: bool = False) -> pa.Array:
    """A stable 128-bit hash (XXH3-128 of the UTF-8 text, or of its ``simplify_text`` with
    datatrove's defaults) per row, as ``fixed_size_binary(16)``; null for null."""
    _, col = text_column(data, column)
    return _qfast.doc_hashes(col, column, simplify)


@dataclass(frozen=True)
class MinHash:
    """MinHash parameters. The defaults are datatrove's ``MinhashConfig()``.

    ``shingles``: ``"datatrove"`` (simplify_text + the word tokenizer datatrove uses for
    ``language``: exact datatrove signatures; for Chinese, ``language="cmn"`` shingles jieba
    words), ``"words"`` (word n-grams of ``text.lower().split()``) or ``"chars"`` (code-point
    n-grams, whitespace runs collapsed; CJK by characters). ``bands`` x ``rows`` permutations;
    ``precision`` 32 or 64 bits per value.
    """

    shingles: Shingles = "datatrove"
    n_grams: int = 5
    bands: int = 14
    rows: int = 8
    seed: int = 1
    precision: Literal[32, 64] = 64
    lowercase: bool = True
    norm: TextNorm = field(default_factory=TextNorm)
    tokenizer: Tokenizer = "spacy"
    language: str = "en"

    @classmethod
    def datatrove(cls) -> MinHash:
        """datatrove 0.10.1's defaults, bit-exact."""
        return cls()

    @classmethod
    def fast(
        cls,
        n_grams: int = 5,
        bands: int = 16,
        rows: int = 8,
        seed: int = 42,
        shingles: Shingles = "words",
    ) -> MinHash:
        """Lowercased whitespace-word n-grams (the peers' shingles), 32-bit signatures, 16 x 8
        bands (a pair at Jaccard 0.8 becomes a candidate with probability 0.94)."""
        return cls(
            shingles=shingles, n_grams=n_grams, bands=bands, rows=rows, seed=seed, precision=32
        )

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    def _spec(self) -> Any:
        return _qfast.MinHashSpec(
            self.shingles,
            self.n_grams,
            self.bands,
            self.rows,
            self.seed,
            self.precision,
            self.lowercase,
            self.norm.flags(),
            languages.resolve(self.language, self.tokenizer),
        )

    def signatures(self, data: Any, column: str = "text") -> pa.FixedSizeListArray:
        """One signature per row, ``fixed_size_list<uint32|uint64>[bands * rows]`` (band-major);
        null for a null text or one with fewer than ``n_grams`` words/chars."""
        _, col = text_column(data, column)
        return self._checked_spec().signatures(col, column)

    def band_keys(self, data: Any, column: str = "text") -> pa.FixedSizeListArray:
        """The LSH band keys ``MinHashDedup`` clusters by: ``fixed_size_list<uint64>[bands]`` per
        row (null when the row has no signature). Documents sharing a key at the same band
        index are candidate duplicates; with ``keep`` other than ``"datatrove"`` and no
        ``threshold``, the clusters are the connected components of that relation (what
        :mod:`qfast.ray` computes over a cluster)."""
        _, col = text_column(data, column)
        return self._checked_spec().band_keys(col, column)

    def _checked_spec(self) -> Any:
        try:
            return self._spec()
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc

    def shingles_of(self, text: str) -> list[int]:
        """The shingle hashes of one text, in order, duplicates kept (for inspection/tests)."""
        return list(self._spec().shingles(text))

    def parameters(self) -> tuple[list[int], list[int]]:
        """The permutation parameters ``(a, b)``."""
        a, b = self._spec().parameters()
        return list(a), list(b)


@dataclass
class DedupResult:
    """Per-document outcome, in the order documents were added."""

    table: pa.Table
    """``cluster_id`` (position, in the order added, of the document the cluster keeps; -1 when
    an earlier, indexed document keeps it), ``cluster_size``, ``is_duplicate`` and ``keep``
    (= not ``is_duplicate``)."""
    pairs: pa.Table
    """With ``threshold``: the confirmed pairs ``a < b`` (positions) and their exact Jaccard
    similarity (all ``>= threshold``): every confirmed pair of documents sharing a band, except
    in band groups of more than 32 documents (mass copies), where each document is only checked
    against the group's leaders. Clusters are the connected components of these pairs, so two
    documents of one cluster can be less similar than the threshold. Empty otherwise."""

    @property
    def keep(self) -> pa.Array:
        return self.table.column("keep").combine_chunks()

    @property
    def n_duplicates(self) -> int:
        return self.table.num_rows - int(pc.sum(self.keep).as_py() or 0)


class LSHIndex:
    """The band keys of every document deduplicated so far, for incremental dedup: documents of
    a new run that share a band with the index are duplicates of earlier documents (which stay
    kept). Holds ``bands * key_bits / 8`` bytes per indexed document (56 bytes for 14 bands of
    32-bit keys; with 32-bit keys a new document meets a spurious match with probability about
    ``bands * n / 2**32`` for ``n`` indexed documents: use ``key_bits=64`` past ~10M documents).

    Make one with ``MinHashDedup.new_index()`` or ``LSHIndex.load(path)``; a file that is not a
    valid index raises ``qfast.errors.IndexFileError``."""

    def __init__(self, state: Any) -> None:
        self._state = state

    @classmethod
    def load(cls, path: str | Path) -> LSHIndex:
        return cls(_qfast.LshIndexState.load(Path(path)))

    def save(self, path: str | Path) -> None:
        """Writes the index (versioned format with a checksum; atomic rename)."""
        self._state.save(Path(path))

    def merge(self, other: LSHIndex) -> None:
        """Adds every document of ``other`` (built with the same parameters)."""
        self._state.merge(other._state)

    def __len__(self) -> int:
        return len(self._state)

    @property
    def key_bytes(self) -> int:
        """Bytes of band keys held."""
        return int(self._state.key_bytes())

    def __repr__(self) -> str:
        desc, bands, bits = self._state.params()
        return f"LSHIndex(docs={len(self)}, bands={bands}, key_bits={bits})"


class MinHashDedup:
    """Near-duplicate removal with MinHash LSH over a stream of batches (two passes).

    ``keep``: ``"datatrove"`` (datatrove's stages 2-3 exactly; needs ``MinHash.datatrove()``),
    ``"first"`` (smallest id), ``"longest"`` (most bytes, then smallest id) or ``"highest"``
    (highest ``score_column``, then smallest id). Without ``id_column`` the id is the position in
    the order added. ``threshold``: confirm each candidate pair by the exact Jaccard similarity of
    the two shingle sets (removes every false positive; costs the shingle sets in memory).
    ``index``: an ``LSHIndex`` of earlier runs; documents matching it are duplicates
    (``cluster_id`` -1). ``update_index`` adds this run's documents to an index afterwards.
    """

    name = "minhash_dedup"
    reason = "minhash_duplicate"

    def __init__(
        self,
        minhash: MinHash | None = None,
        keep: KeepPolicy = "first",
        threshold: float | None = None,
        column: str = "text",
        id_column: str | None = None,
        score_column: str | None = None,
        index: LSHIndex | None = None,
    ) -> None:
        self.minhash = minhash or MinHash.datatrove()
        self.index = index
        self.stats: dict[str, int] = {}
        if keep == "highest" and score_column is None:
            raise ConfigError("keep='highest' needs score_column")
        self.keep_policy = keep
        self.threshold = threshold
        self.column = column
        self.id_column = id_column
        self.score_column = score_column
        try:
            self._state = _qfast.MinHashDedupState(self.minhash._spec(), keep, threshold)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc

    def __len__(self) -> int:
        return len(self._state)

    def add(self, data: Any) -> None:
        """Pass 1: sign one batch (table, record batch, data frame or text array)."""
        table, col = text_column(data, self.column)
        ids = scores = None
        for name in (self.id_column, self.score_column):
            if name is not None and (table is None or name not in table.column_names):
                have = [] if table is None else table.column_names
                raise ColumnNotFoundError(f"column {name!r} not found; available columns: {have}")
        if table is not None and self.id_column is not None:
            ids = table.column(self.id_column)
        if table is not None and self.score_column is not None:
            scores = table.column(self.score_column)
        self._state.add(col, self.column, ids, scores)

    def add_batches(self, batches: Iterable[Any]) -> None:
        for b in batches:
            self.add(b)

    def result(self) -> DedupResult:
        """Pass 2: cluster all documents added so far (also updates ``stats``)."""
        out = self._state.resolve(None if self.index is None else self.index._state)
        dup = out["is_duplicate"]
        n_dup = int(pc.sum(dup).as_py() or 0)
        self.stats = {
            "rows_in": len(dup),
            "kept": len(dup) - n_dup,
            "dropped_minhash_duplicate": n_dup,
            "clusters_with_duplicates": len(
                pc.unique(pc.filter(out["cluster_id"], dup))  # type: ignore[arg-type]
            ),
        }
        return DedupResult(
            pa.table(
                {
                    "cluster_id": out["cluster_id"],
                    "cluster_size": out["cluster_size"],
                    "is_duplicate": dup,
                    "keep": pc.invert(dup),
                }
            ),
            pa.table({"a": out["pair_a"], "b": out["pair_b"], "jaccard": out["pair_jaccard"]}),
        )

    def filter_batches(self, make_batches: Callable[[], Iterable[Any]]) -> Iterator[pa.Table]:
        """Dedups a stream too big for memory in two passes over it: ``make_batches()`` is
        called twice and must yield the same batches in the same order (e.g. reading the same
        Parquet files). Pass 1 signs every batch; pass 2 yields each batch's kept rows."""
        for b in make_batches():
            self.add(b)
        keep = self.result().keep
        at = 0
        for b in make_batches():
            t = as_table(b) if is_tabular(b) else pa.table({self.column: b})
            yield filter_rows(t, keep.slice(at, t.num_rows))
            at += t.num_rows
        if at != len(keep):
            raise ConfigError(
                f"the second pass gave {at} rows, the first {len(keep)}: make_batches() must "
                "yield the same batches both times"
            )

    def _pipeline_mark(self, table: pa.Table, column: str) -> pa.Array:
        """As a ``Pipeline`` step: near-duplicates within the rows of one call (a fresh run per
        call; across calls use ``index``, which this step then updates)."""
        run = MinHashDedup(
            self.minhash,
            keep=self.keep_policy,
            threshold=self.threshold,
            column=column,
            id_column=self.id_column,
            score_column=self.score_column,
            index=self.index,
        )
        run.add(table)
        dup = run.result().table.column("is_duplicate").combine_chunks()
        if self.index is not None:
            run.update_index(self.index)
        for k, v in run.stats.items():
            self.stats[k] = self.stats.get(k, 0) + v
        return dup

    def __repr__(self) -> str:
        return (
            f"MinHashDedup({self.minhash!r}, keep={self.keep_policy!r}, "
            f"threshold={self.threshold!r})"
        )

    def new_index(self, key_bits: Literal[32, 64] = 32) -> LSHIndex:
        """An empty index with this run's MinHash parameters."""
        return LSHIndex(self._state.new_index(key_bits))

    def update_index(self, index: LSHIndex | None = None) -> LSHIndex:
        """Adds every document of this run (kept or not) to ``index`` (default: the run's
        ``index``, or a new 32-bit one) and returns it."""
        index = index or self.index or self.new_index()
        self._state.insert_into(index._state)
        return index

    def run(self, data: Any) -> tuple[Any, DedupResult]:
        """One call for data that fits in memory: the kept rows and the per-row outcome."""
        self.add(data)
        res = self.result()
        if is_tabular(data):
            return filter_rows(as_table(data), res.keep), res
        _, col = text_column(data, self.column)
        return filter_rows(col, res.keep), res


class ExactDedup:
    """Exact duplicate documents across batches: a row is a duplicate when the same text (or,
    with ``simplify=True``, the same ``simplify_text``) was seen earlier in this or an earlier
    batch. The first occurrence is kept; null texts are never duplicates. Memory: 16 bytes per
    distinct text (plus hash-set overhead)."""

    name = "exact_dedup"
    reason = "exact_duplicate"

    def __init__(self, column: str = "text", simplify: bool = False) -> None:
        self.column = column
        self.simplify = simplify
        self._state = _qfast.ExactDedupState(simplify)
        self.stats = {"rows_in": 0, "dropped_exact_duplicate": 0}

    def __len__(self) -> int:
        return len(self._state)

    def mark(self, data: Any) -> pa.Array:
        """``is_duplicate`` per row, remembering the texts seen."""
        _, col = text_column(data, self.column)
        dup = self._state.mark(col, self.column)
        self.stats["rows_in"] += len(dup)
        self.stats["dropped_exact_duplicate"] += int(pc.sum(dup).as_py() or 0)
        return dup

    def _pipeline_mark(self, table: pa.Table, column: str) -> pa.Array:
        """As a ``Pipeline`` step: duplicates of texts seen in this or any earlier call."""
        _, col = text_column(table, column)
        dup = self._state.mark(col, column)
        self.stats["rows_in"] += len(dup)
        self.stats["dropped_exact_duplicate"] += int(pc.sum(dup).as_py() or 0)
        return dup

    def __repr__(self) -> str:
        return f"ExactDedup(simplify={self.simplify})"

    def filter_batches(self, batches: Iterable[Any]) -> Iterator[Any]:
        """One pass over a stream: yields each batch without the rows seen before."""
        for b in batches:
            yield self.run(b)

    def run(self, data: Any) -> Any:
        """The rows of ``data`` that are not duplicates."""
        dup = self.mark(data)
        keep = pc.invert(dup)
        if is_tabular(data):
            return filter_rows(as_table(data), keep)
        _, col = text_column(data, self.column)
        return filter_rows(col, keep)


class LineDedup:
    """Drops lines (``unit="line"``) or paragraphs (``"paragraph"``, split on blank lines) already
    seen anywhere earlier in the corpus, as C4 and dolma do. Blank units are kept. Counts of what
    was removed are returned per row and summed in ``stats``."""

    def __init__(self, column: str = "text", unit: Literal["line", "paragraph"] = "line") -> None:
        self.column = column
        try:
            self._state = _qfast.LineDedupState(unit)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
        self.stats = {"rows_in": 0, "removed_units": 0, "removed_bytes": 0}

    def apply(self, data: Any) -> pa.Table:
        """``text`` (rewritten), ``removed_units`` and ``removed_bytes`` per row."""
        _, col = text_column(data, self.column)
        out = self._state.apply(col, self.column)
        t = pa.table(out)
        self.stats["rows_in"] += t.num_rows
        self.stats["removed_units"] += int(pc.sum(t["removed_units"]).as_py() or 0)
        self.stats["removed_bytes"] += int(pc.sum(t["removed_bytes"]).as_py() or 0)
        return t
