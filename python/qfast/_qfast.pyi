"""Type stubs for the compiled extension ``qfast._qfast`` (the pyo3 binding of qfast-core)."""

from os import PathLike
from typing import Any, final

import pyarrow as pa

__all__ = [
    "__version__",
    "DiversityState",
    "char_counts",
    "verdicts_each",
    "set_num_threads",
    "get_num_threads",
    "words",
    "sentences",
    "run_steps",
    "signals",
    "simplify_text",
    "doc_hashes",
    "MinHashSpec",
    "MinHashDedupState",
    "LshIndexState",
    "DecontamState",
    "dsir_counts",
    "dsir_log_diff",
    "dsir_log_weights",
    "gumbel_top_k",
    "kmeans_clusters",
    "NgramLmState",
    "ccnet_normalize_line",
    "train_fasttext",
    "JiebaState",
    "SudachiState",
    "ThaiState",
    "VietnameseState",
    "FastTextState",
    "pii_redact",
    "pii_kinds",
    "BadWordsState",
    "UrlFilterState",
    "RulesState",
    "clean_text",
    "ExactDedupState",
    "LineDedupState",
]
__version__: str

def set_num_threads(threads: int) -> None:
    """Sets the number of worker threads for later calls (0 = one per CPU)."""

def get_num_threads() -> int:
    """The number of worker threads kernels use."""

def words(data: Any, column: str = "text", tokenizer: _TokenizerArg = None) -> pa.Array:
    """Per-row word lists (``list<large_string>``, null for a null row)."""

def sentences(data: Any, column: str = "text", tokenizer: _TokenizerArg = None) -> pa.Array:
    """Per-row sentence pieces as datatrove's ``split_into_sentences`` makes them."""

def run_steps(
    data: Any, steps: str, column: str = "text", tokenizer: _TokenizerArg = None
) -> dict[str, Any]:
    """Runs JSON-described steps as a chain: ``keep``, ``reason``, ``step``, ``text``, ``stats``."""

def signals(
    data: Any, step: str, column: str = "text", tokenizer: _TokenizerArg = None
) -> pa.RecordBatch:
    """The measured quantities of one leaf step, one column each."""

def simplify_text(data: Any, column: str, norm_flags: Any) -> pa.Array:
    """datatrove ``simplify_text`` of every row (null stays null)."""

def doc_hashes(data: Any, column: str = "text", simplify: bool = False) -> pa.Array:
    """128-bit XXH3 of every row as ``fixed_size_binary(16)``."""

@final
class MinHashSpec:
    """MinHash parameters, validated."""

    def __new__(
        cls,
        shingles: str,
        n_grams: int,
        bands: int,
        rows: int,
        seed: int,
        precision: int,
        lowercase: bool,
        norm_flags: Any,
        tokenizer: _TokenizerArg = None,
    ) -> MinHashSpec: ...
    def parameters(self) -> tuple[list[int], list[int]]:
        """The permutation parameters ``(a, b)``."""
    def shingles(self, text: str) -> list[int]:
        """Shingle hashes of one text (duplicates kept, in order)."""
    def band_keys(self, data: Any, column: str = "text") -> pa.FixedSizeListArray:
        """LSH band keys of every row (``fixed_size_list<uint64>[bands]``); null without shingles."""
    def signatures(self, data: Any, column: str = "text") -> pa.FixedSizeListArray:
        """Signatures of every row; null without shingles."""

@final
class LshIndexState:
    """Band keys of indexed documents."""

    @staticmethod
    def load(path: str | PathLike[str]) -> LshIndexState: ...
    def save(self, path: str | PathLike[str]) -> None: ...
    def merge(self, other: LshIndexState) -> None: ...
    def __len__(self) -> int: ...
    def key_bytes(self) -> int:
        """Bytes of band keys held."""
    def params(self) -> tuple[str, int, int]:
        """``(minhash description, bands, key_bits)``."""

@final
class MinHashDedupState:
    """Two-pass MinHash dedup state."""

    def __new__(
        cls, spec: MinHashSpec, keep: str, threshold: float | None = None
    ) -> MinHashDedupState: ...
    def __len__(self) -> int: ...
    def add(self, data: Any, column: str = "text", ids: Any = None, scores: Any = None) -> None: ...
    def resolve(self, index: LshIndexState | None = None) -> dict[str, Any]: ...
    def insert_into(self, index: LshIndexState) -> None: ...
    def new_index(self, key_bits: int = 32) -> LshIndexState: ...

@final
class ExactDedupState:
    """Hashes of the texts seen."""

    def __new__(cls, simplify: bool = False) -> ExactDedupState: ...
    def __len__(self) -> int: ...
    def mark(self, data: Any, column: str = "text") -> pa.Array: ...

@final
class LineDedupState:
    """Hashes of the lines or paragraphs seen."""

    def __new__(cls, unit: str = "line") -> LineDedupState: ...
    def __len__(self) -> int: ...
    def apply(self, data: Any, column: str = "text") -> dict[str, Any]: ...

@final
class FastTextState:
    """A loaded fastText supervised model (``.bin`` or ``.ftz``)."""

    def __new__(cls, path: str | PathLike[str]) -> FastTextState: ...
    def labels(self) -> list[str]: ...
    @property
    def dim(self) -> int: ...
    @property
    def loss(self) -> str: ...
    def predict(
        self,
        data: Any,
        column: str,
        k: int | None,
        threshold: float,
        wanted: list[int],
        lists: bool = True,
    ) -> dict[str, Any]: ...

def pii_redact(
    data: Any,
    column: str,
    enabled: list[bool],
    only_public_ips: bool,
    replacements: list[list[str]],
    counters: list[int],
) -> dict[str, Any]: ...
def pii_kinds() -> list[str]: ...

@final
class BadWordsState:
    """Compiled bad-word lists and the sampling generator."""

    def __new__(
        cls, lists: list[tuple[str, list[str]]], keep_fraction: float, seed: int | None
    ) -> BadWordsState: ...
    def verdicts(
        self, data: Any, column: str, langs: Any | None, lang_column: str, default_language: str
    ) -> pa.Array: ...

@final
class UrlFilterState:
    """Compiled URL block lists and the public suffix list."""

    def __new__(
        cls,
        psl_text: str,
        domains: list[str],
        urls: list[str],
        banned_words: list[str],
        banned_subwords: list[str],
        soft_banned_words: list[str],
        soft_word_threshold: int,
        allowed_domains: list[str] = ...,
    ) -> UrlFilterState: ...
    @staticmethod
    def reasons() -> list[str]: ...
    def check(self, data: Any, column: str) -> pa.Array: ...

@final
class RulesState:
    """Compiled user rules: patterns (``kind="regex"``) or a word list (``kind="words"``)."""

    def __new__(
        cls,
        kind: str,
        items: list[str],
        word_boundaries: bool = True,
        case_sensitive: bool = False,
    ) -> RulesState: ...
    def first_match(self, data: Any, column: str) -> pa.Array: ...

def clean_text(data: Any, column: str, steps: list[tuple[str, str]]) -> dict[str, Any]: ...

@final
class DecontamState:
    """Evaluation n-grams and the items they came from."""

    def __new__(cls, n: int, min_words: int) -> DecontamState: ...
    def add(self, data: Any, column: str, names: list[str]) -> None: ...
    def scan(self, data: Any, column: str) -> dict[str, pa.Array]: ...
    @property
    def n(self) -> int: ...
    @property
    def min_words(self) -> int: ...
    def stats(self) -> tuple[int, int, int, int]: ...
    def save(self, path: str | PathLike[str]) -> None: ...
    @staticmethod
    def load(path: str | PathLike[str]) -> DecontamState: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> DecontamState: ...

def dsir_counts(data: Any, column: str, ngrams: int, buckets: int) -> list[int]:
    """Feature counts per bucket over the rows of ``column``."""

def dsir_log_diff(target: list[int], raw: list[int]) -> list[float]:
    """``log(p_target + 1e-8) - log(p_raw + 1e-8)`` per bucket."""

def dsir_log_weights(
    data: Any, column: str, ngrams: int, buckets: int, log_diff: list[float]
) -> dict[str, pa.Array]:
    """``weight`` and ``length`` per row."""

def gumbel_top_k(weights: Any, k: int, seed: int | None) -> pa.Array:
    """Indices of ``k`` rows by Gumbel top-k (``seed=None``: top ``k``)."""

def kmeans_clusters(data: Any, column: str, k: int, dim: int, max_iter: int, seed: int) -> pa.Array:
    """Spherical k-means cluster id per row."""

@final
class NgramLmState:
    """A backoff n-gram language model."""

    @staticmethod
    def train(data: Any, column: str, order: int, normalize: bool) -> NgramLmState: ...
    @staticmethod
    def from_arpa(text: str) -> NgramLmState: ...
    def to_arpa(self) -> str: ...
    @property
    def order(self) -> int: ...
    def counts(self) -> list[int]: ...
    def score(
        self, data: Any, column: str, doc: bool, normalize: bool, bos: bool = True, eos: bool = True
    ) -> dict[str, pa.Array]: ...

def ccnet_normalize_line(line: str) -> str:
    """CCNet's normalisation of one line."""

def train_fasttext(
    data: Any,
    column: str,
    labels: list[list[str]],
    dim: int,
    epoch: int,
    lr: float,
    word_ngrams: int,
    minn: int,
    maxn: int,
    bucket: int,
    min_count: int,
    loss: str,
    threads: int,
    seed: int,
) -> bytes:
    """Trains a supervised fastText model; returns the ``.bin`` bytes."""

@final
class JiebaState:
    """jieba's dictionary and HMM."""

    def __new__(
        cls,
        dict: str,
        start: dict[str, float],
        trans: dict[str, dict[str, float]],
        emit: dict[str, dict[str, float]],
    ) -> JiebaState: ...
    def cut(self, data: Any, column: str, drop_space: bool = False) -> pa.Array: ...

@final
class SudachiState:
    """Sudachi's system dictionary and resources (mode A), for datatrove's ja tokenizer."""

    def __new__(
        cls, dic_path: str | PathLike[str], char_def: str, unk_def: str, rewrite_def: str
    ) -> SudachiState: ...

@final
class ThaiState:
    """PyThaiNLP's dictionary and crfcut sentence model (read from the installed pythainlp's
    ``corpus/``), for datatrove's Thai tokenizer (newmm-safe words, crfcut sentences)."""

    def __new__(
        cls, dict_path: str | PathLike[str], model_path: str | PathLike[str]
    ) -> ThaiState: ...
    def word_tokenize(self, text: str) -> list[str]: ...
    def sent_tokenize(self, text: str) -> list[str]: ...
    def span_tokenize(self, text: str) -> list[tuple[int, int]]: ...
    def __len__(self) -> int: ...

@final
class VietnameseState:
    """pyvi's CRF word model (read out of the installed pyvi's ``models/pyvi3.pkl`` without
    unpickling) and ``models/words.txt``, for datatrove's Vietnamese tokenizer (spaCy ``vi``)."""

    def __new__(
        cls, words_path: str | PathLike[str], pickle_path: str | PathLike[str]
    ) -> VietnameseState: ...
    def pyvi_tokenize(self, text: str) -> list[str]: ...
    def __len__(self) -> int: ...

#: ``"spacy"`` (spaCy en port), ``"spacy_xx"`` (spaCy xx port), ``"unicode"`` (UAX #29), or a
#: segmenter; None is ``"spacy"``.
_TokenizerArg = str | JiebaState | SudachiState | ThaiState | VietnameseState | None

@final
class DiversityState:
    """Distinct n-gram counts and vocabulary growth over every batch added."""

    def __new__(cls, max_n: int = 3) -> DiversityState: ...
    def add(self, data: Any, column: str = "text") -> None: ...
    def counts(self) -> list[tuple[int, int, int]]: ...
    def growth(self) -> list[tuple[int, int]]: ...
    def docs(self) -> int: ...

def char_counts(data: Any, column: str = "text") -> dict[str, pa.Array]:
    """Per row: ``chars``, ``non_space`` and ``control`` counts (uint64; null for null)."""

def verdicts_each(
    data: Any, steps: str, column: str = "text", tokenizer: _TokenizerArg = None
) -> list[pa.Array]:
    """Each step's drop reason per row (null: kept), each step on the original text."""
