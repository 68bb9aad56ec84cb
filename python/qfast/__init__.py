"""qfast: text filtering, scoring and deduplication for LLM training data, with a Rust core
that reproduces datatrove's decisions at a fraction of the cost."""

from __future__ import annotations

from . import augment, chat, errors, hf, label_noise, segment
from ._qfast import __version__, get_num_threads, set_num_threads
from .assessment import Assessment, assess
from .augment import Augment, CharNoise, RandomDeletion, RandomInsertion, RandomSwap
from .clean import (
    Clean,
    FixMojibake,
    NormalizeUnicode,
    NormalizeWhitespace,
    StripHTML,
    SymbolLinesRemover,
    UnescapeHTML,
)
from .decontam import Decontaminate, DecontamIndex
from .dedup import (
    DedupResult,
    ExactDedup,
    LineDedup,
    LSHIndex,
    MinHash,
    MinHashDedup,
    TextNorm,
    doc_hashes,
    simplify_text,
)
from .dsir import DSIR
from .filters import (
    And,
    C4Quality,
    Filter,
    FineWebQuality,
    GopherQuality,
    GopherRepetition,
    Not,
    Or,
)
from .label_noise import OutOfFold, find_label_issues, flip_labels, label_issues, out_of_fold_probs
from .lm import NgramLM, Perplexity, ccnet_normalize, perplexity_buckets, perplexity_cutoffs
from .models import (
    FastText,
    FastTextScore,
    LanguageFilter,
    lid176_path,
    train_classifier,
    train_fasttext,
)
from .pii import PIIFormatter
from .pipeline import Pipeline, PipelineResult
from .rules import C4BadWords, RegexFilter, URLFilter, WordList
from .selection import Selection, View, kmeans_clusters, select
from .splits import SplitResult, split
from .tokenize import sentences, words
from .tokens import TokenCount

__all__ = [
    "__version__",
    "errors",
    "hf",
    "chat",
    "segment",
    "get_num_threads",
    "set_num_threads",
    "Filter",
    "GopherQuality",
    "GopherRepetition",
    "C4Quality",
    "FineWebQuality",
    "And",
    "Or",
    "Not",
    "Pipeline",
    "DecontamIndex",
    "DSIR",
    "train_classifier",
    "train_fasttext",
    "NgramLM",
    "Perplexity",
    "ccnet_normalize",
    "perplexity_buckets",
    "perplexity_cutoffs",
    "select",
    "View",
    "Selection",
    "kmeans_clusters",
    "Decontaminate",
    "PipelineResult",
    "words",
    "sentences",
    "TextNorm",
    "simplify_text",
    "doc_hashes",
    "MinHash",
    "MinHashDedup",
    "DedupResult",
    "ExactDedup",
    "LineDedup",
    "LSHIndex",
    "FastText",
    "FastTextScore",
    "LanguageFilter",
    "lid176_path",
    "PIIFormatter",
    "C4BadWords",
    "URLFilter",
    "RegexFilter",
    "WordList",
    "Clean",
    "FixMojibake",
    "NormalizeUnicode",
    "NormalizeWhitespace",
    "StripHTML",
    "SymbolLinesRemover",
    "UnescapeHTML",
    "TokenCount",
    "assess",
    "Assessment",
    "split",
    "SplitResult",
    "augment",
    "Augment",
    "CharNoise",
    "RandomDeletion",
    "RandomInsertion",
    "RandomSwap",
    "label_noise",
    "OutOfFold",
    "find_label_issues",
    "flip_labels",
    "label_issues",
    "out_of_fold_probs",
]
