"""n-gram language models and CCNet-style perplexity.

>>> lm = qfast.NgramLM.train(wikipedia_table, order=5)          # modified Kneser-Ney  # doctest: +SKIP
>>> lm.save("wiki.arpa"); lm = qfast.NgramLM.load("wiki.arpa")                        # doctest: +SKIP
>>> ppl = lm.perplexity(table)                                   # per document          # doctest: +SKIP
>>> kept = qfast.Perplexity(lm, max_perplexity=1000).filter(table)                     # doctest: +SKIP

Training is interpolated modified Kneser-Ney as KenLM's ``lmplz`` estimates it; models are read
and written as ARPA, so one trained by ``lmplz`` loads here and one trained here loads in KenLM.
Scores follow KenLM's ``Model.score`` (whitespace tokens, ``<s>`` context, ``</s>`` predicted).
``perplexity`` is CCNet's document perplexity: every non-blank line normalised as CCNet does
(lowercase, accents removed, digits to 0, Unicode punctuation to ASCII, non-printing characters
removed) and scored as a sentence; ``10 ** (-sum(log10) / tokens)`` over the document, tokens
counting each line's ``</s>``. ``perplexity_cutoffs`` and ``perplexity_buckets`` normalise per
language as CCNet does (head/middle/tail by each language's 30th/60th percentiles). Text should
be tokenised the way the model's training text was
(CCNet uses a SentencePiece model per language; whitespace words work for a model trained here).
"""

from __future__ import annotations

import os
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import _qfast
from ._input import text_column
from ._steps import RowStep, reasons
from .errors import ConfigError, ModelFileError


class NgramLM:
    """A backoff n-gram language model (see the module docs)."""

    def __init__(self, state: Any, normalize: bool = True) -> None:
        self._state = state
        self.normalize = normalize

    @classmethod
    def train(
        cls, data: Any, order: int = 5, column: str = "text", normalize: bool = True
    ) -> NgramLM:
        """Modified Kneser-Ney on the lines of every row (CCNet-normalised when
        ``normalize``; use the same setting when scoring)."""
        _, col = text_column(data, column)
        return cls(_qfast.NgramLmState.train(col, column, order, normalize), normalize)

    @classmethod
    def load(cls, path: str | os.PathLike[str], normalize: bool = True) -> NgramLM:
        """Reads an ARPA file; a malformed one raises :class:`~qfast.errors.ModelFileError`
        naming the line."""
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise ModelFileError(f"{os.fspath(path)}: {e}") from e
        return cls(_qfast.NgramLmState.from_arpa(text), normalize)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the model as ARPA (atomically)."""
        tmp = f"{os.fspath(path)}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(self._state.to_arpa())
        os.replace(tmp, path)

    @property
    def order(self) -> int:
        return int(self._state.order)

    @property
    def counts(self) -> list[int]:
        """Number of n-grams per order."""
        return list(self._state.counts())

    def score(
        self, data: Any, column: str = "text", bos: bool = True, eos: bool = True
    ) -> pa.Array:
        """log10 probability of each row as one sentence, exactly KenLM's
        ``Model.score(row, bos, eos)`` (no normalisation); null for a null text."""
        _, col = text_column(data, column)
        return self._state.score(col, column, False, False, bos, eos)["log10"]

    def signals(self, data: Any, column: str = "text") -> pa.Table:
        """``lm_log10`` and ``lm_tokens`` per document (CCNet's per-line sums) and
        ``perplexity`` (null for a null text or a document without tokens)."""
        _, col = text_column(data, column)
        out = self._state.score(col, column, True, self.normalize)
        lp, n = out["log10"], out["tokens"]
        nf = pc.cast(n, pa.float64())
        ok = pc.greater(n, 0)
        ppl = pc.if_else(
            ok,
            pc.power(10.0, pc.divide(pc.negate(lp), pc.if_else(ok, nf, 1.0))),
            pa.scalar(None, pa.float64()),
        )
        return pa.table({"lm_log10": lp, "lm_tokens": n, "perplexity": ppl})

    def perplexity(self, data: Any, column: str = "text") -> pa.Array:
        """CCNet's document perplexity per row (see the module docs)."""
        return self.signals(data, column).column("perplexity").combine_chunks()


def perplexity_cutoffs(
    perplexity: Any, lang: Any, quantiles: tuple[float, float] = (0.3, 0.6)
) -> dict[str, tuple[float, float]]:
    """Per-language perplexity cutoffs as CCNet derives them: the ``quantiles`` (30th and 60th
    percentile by default) of each language's document perplexities (nulls ignored)."""
    p = perplexity.to_pylist() if hasattr(perplexity, "to_pylist") else list(perplexity)
    langs = lang.to_pylist() if hasattr(lang, "to_pylist") else list(lang)
    if len(p) != len(langs):
        raise ConfigError(f"{len(p)} perplexities but {len(langs)} languages")
    by: dict[str, list[float]] = {}
    for v, lg in zip(p, langs):
        if v is not None and lg is not None:
            by.setdefault(lg, []).append(v)
    out = {}
    for lg, vals in by.items():
        q = pc.quantile(pa.array(vals), q=list(quantiles), interpolation="linear").to_pylist()
        out[lg] = (q[0], q[1])
    return out


def perplexity_buckets(
    perplexity: Any, lang: Any, cutoffs: dict[str, tuple[float, float]]
) -> pa.Array:
    """CCNet's quality buckets, normalised per language: ``head`` below the language's first
    cutoff, ``middle`` below its second, ``tail`` otherwise; null for a null perplexity or a
    language without cutoffs."""
    p = perplexity.to_pylist() if hasattr(perplexity, "to_pylist") else list(perplexity)
    langs = lang.to_pylist() if hasattr(lang, "to_pylist") else list(lang)
    if len(p) != len(langs):
        raise ConfigError(f"{len(p)} perplexities but {len(langs)} languages")
    out: list[str | None] = []
    for v, lg in zip(p, langs):
        c = cutoffs.get(lg) if lg is not None else None
        if v is None or c is None:
            out.append(None)
        else:
            out.append("head" if v < c[0] else "middle" if v < c[1] else "tail")
    return pa.array(out, pa.string())


def ccnet_normalize(line: str) -> str:
    """CCNet's normalisation of one line of text before LM scoring."""
    return _qfast.ccnet_normalize_line(line)


class Perplexity(RowStep):
    """Keeps documents whose perplexity under ``lm`` is within ``[min_perplexity,
    max_perplexity]`` (either bound optional); reason ``perplexity``. Documents without tokens
    and null texts are dropped (``no_tokens`` / ``null_text``). In a pipeline the kept rows gain
    a ``perplexity`` column."""

    name = "perplexity"
    reason = "perplexity"

    def __init__(
        self,
        lm: NgramLM | str | os.PathLike[str],
        max_perplexity: float | None = None,
        min_perplexity: float | None = None,
    ) -> None:
        self.lm = lm if isinstance(lm, NgramLM) else NgramLM.load(lm)
        if max_perplexity is None and min_perplexity is None:
            raise ConfigError("Perplexity needs max_perplexity, min_perplexity or both")
        self.max_perplexity, self.min_perplexity = max_perplexity, min_perplexity

    def signals(self, data: Any, column: str = "text") -> pa.Table:
        return self.lm.signals(data, column)

    def verdict(self, data: Any, column: str = "text") -> pa.Table:
        s = self.signals(data, column)
        p = s.column("perplexity")
        ok = pc.is_valid(p)
        if self.max_perplexity is not None:
            ok = pc.and_(ok, pc.fill_null(pc.less_equal(p, self.max_perplexity), False))
        if self.min_perplexity is not None:
            ok = pc.and_(ok, pc.fill_null(pc.greater_equal(p, self.min_perplexity), False))
        null = pc.is_null(s.column("lm_log10"))
        why = pc.if_else(pc.is_null(p), "no_tokens", self.reason)
        return pa.table({"keep": ok, "reason": reasons(null, ok, why), "perplexity": p})

    def _added_columns(self) -> tuple[str, ...]:
        return ("perplexity",)


__all__ = [
    "NgramLM",
    "Perplexity",
    "ccnet_normalize",
    "perplexity_buckets",
    "perplexity_cutoffs",
]
