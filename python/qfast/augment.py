r"""Optional, light text augmentation for labelled data (classifier training sets).

These mappers perturb the text column of labelled rows so that a small supervised set (for
example the positives of a quality classifier) covers a little more surface variation. They are
**optional**: nothing else in qfast uses them, and they are not part of any filtering recipe. They
make **no meaning-preservation guarantee**: deleting, swapping or repeating words can flip the
sense of a sentence ("not good" -> "good") or break its grammar, so keep the rates low and check
that the label still holds for your task.

The mappers (after EDA, Wei & Zou 2019, without its synonym dictionary):

* :class:`RandomDeletion` deletes each unit independently with probability ``p``; a non-empty
  text always keeps at least one unit.
* :class:`RandomSwap` swaps the contents of two random units, ``n`` times (or
  ``round(ratio * units)`` times, at least once).
* :class:`RandomInsertion` inserts a copy of a random unit of the same text at a random
  position, ``n`` times (or ``round(ratio * units)`` times, at least once). EDA inserts a
  *synonym*; qfast has no synonym dictionary, so the inserted unit is a repeat of one already in
  the text (no new vocabulary, no mixed scripts).
* :class:`CharNoise` applies character noise (typos) on Unicode code points, never bytes: each
  non-whitespace character is, with probability ``p``, deleted, preceded by an inserted
  character, replaced, or swapped with the next character (an operation drawn uniformly from
  ``ops``). Inserted and replacement characters are drawn from the text's own non-whitespace
  characters, so no foreign script or symbol appears and the result is always valid UTF-8.
* :class:`Augment` chains mappers in one pass per row and can emit ``copies`` augmented
  copies of every row (with an ``augmented`` column numbering them).

**Units.** ``unit="words"`` makes the units the maximal runs of non-whitespace characters;
``unit="chars"`` makes them the single non-whitespace code points. In both cases whitespace is
layout, never a unit: it stays in place (a swap exchanges units, not the whitespace between
them); a deleted unit takes one of its neighbouring whitespace runs with it, and of the two runs
around it the one with more line breaks is kept (the first on a tie), so lines and paragraphs
survive; an inserted unit is separated from its neighbour by one space in word mode and by
nothing in character mode. ``unit="auto"`` (the default) decides per text: characters when the
text has no whitespace at all but at least one code point of a script written without spaces
between words (Han ideographs, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar, Tibetan), or
when such code points number at least half of the text's letters (the code points matched by
the regular expression ``[^\W\d_]``); words otherwise.
So Chinese, Japanese and Thai text is augmented by characters even when it contains a few
spaces or long runs of Latin letters and digits, and English with a few Chinese characters by
words (:func:`text_unit` tells which unit a text gets).

**Determinism.** The random choices for a row depend only on the mapper's class and parameters
(``seed`` included), the row's text and the copy index: a per-row generator is seeded from a
BLAKE2b hash of those. The output is therefore the same whatever the batch boundaries, the row
order or the thread that runs it, and **equal texts get equal augmentations** (within one copy
index; use ``copies`` to get several different variants of a text). In a chain each mapper seeds
from the text the previous mapper produced.

**Rows.** Nulls stay null, empty and whitespace-only strings are returned unchanged, the other
columns are untouched and the row count is unchanged (except with ``Augment(copies=k)``). The
input kind is preserved (pyarrow table, record batch, array, chunked array, pandas or polars
frame). The rewritten column is ``large_string``.

The mappers run in Python (they are not :class:`~qfast.Pipeline` steps, which only filter): call
``apply`` on the rows a pipeline kept. ``mapper(batch)`` on a ``{column: list}`` dict (what HF
``datasets`` passes to ``ds.map(mapper, batched=True)``) returns a dict of lists. Speed, one
core: about 50,000 short Chinese reviews/s (10 MB/s) and 25 MB/s of web documents per mapper;
the random draws skip ahead geometrically, so the cost is mostly splitting the text into units.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pyarrow as pa

from ._input import like, text_column, unview
from .errors import ColumnTypeError, ConfigError

Unit = Literal["auto", "words", "chars"]

# Scripts written without spaces between words (see the module docstring).
_NOSPACE = re.compile(
    "[\u0e00-\u0eff"  # Thai, Lao
    "\u0f00-\u0fff"  # Tibetan
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # halfwidth Katakana
    "\U00020000-\U0003134f]"  # CJK extensions B-G
)
_WS = re.compile(r"\s")
_LETTER = re.compile(r"[^\W\d_]")
_SPLIT = {"words": re.compile(r"(\S+)"), "chars": re.compile(r"(\S)")}
_INSERT_SEP = {"words": " ", "chars": ""}
_STRING_TYPES = (pa.string(), pa.large_string(), pa.string_view())


def text_unit(text: str, unit: Unit = "auto") -> Literal["words", "chars"]:
    """The unit ``unit="auto"`` picks for ``text`` ("chars" or "words"; see the module
    docstring); an explicit "words" or "chars" is returned as is."""
    if unit != "auto":
        return unit
    if _NOSPACE.search(text) is None:
        return "words"
    spaces = len(_WS.findall(text))
    if spaces == 0:
        return "chars"
    nospace = len(_NOSPACE.findall(text))
    return "chars" if 2 * nospace >= len(_LETTER.findall(text)) else "words"


def _split(text: str, unit: Unit) -> tuple[list[str], str]:
    """``[lead, u0, s0, u1, s1, ..., u_{n-1}, trail]`` (units at odd indices) and the unit."""
    u = text_unit(text, unit)
    return _SPLIT[u].split(text), u


def _newlines(s: str) -> int:
    return s.count("\n")


def _geometric_positions(rng: random.Random, n: int, p: float) -> list[int]:
    """The ascending indices in ``range(n)`` picked by independent Bernoulli(p) draws, drawn by
    skipping geometric gaps (O(p * n) work rather than O(n))."""
    if p <= 0.0 or n == 0:
        return []
    if p >= 1.0:
        return list(range(n))
    out: list[int] = []
    log_q = math.log1p(-p)
    i = -1
    rand = rng.random
    while True:
        # Gap before the next success: P(gap = k) = (1 - p)^k p.
        i += 1 + int(math.log(1.0 - rand()) / log_q)
        if i >= n:
            return out
        out.append(i)


def _check_unit(unit: str) -> None:
    if unit not in ("auto", "words", "chars"):
        raise ConfigError(f"unit={unit!r}: use 'auto', 'words' or 'chars'")


def _check_p(name: str, p: float, upper: float = 1.0) -> None:
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0.0 <= p <= upper:
        raise ConfigError(f"{name}={p!r}: must be a number between 0 and {upper}")


def _count(n: int | None, ratio: float | None) -> tuple[int | None, float | None]:
    if n is not None and ratio is not None:
        raise ConfigError("give n or ratio, not both")
    if ratio is not None:
        _check_p("ratio", ratio, upper=math.inf)
        if not math.isfinite(ratio):
            raise ConfigError(f"ratio={ratio!r}: must be finite")
        return None, float(ratio)
    n = 1 if n is None else n
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ConfigError(f"n={n!r}: must be an integer >= 0")
    return n, None


def _times(n: int | None, ratio: float | None, units: int) -> int:
    """How many swaps/insertions: ``n``, or ``max(1, round(ratio * units))``."""
    if n is not None:
        return n
    return max(1, round((ratio or 0.0) * units))


class AugmentMapper:
    """Base class of the augmentation mappers: ``apply(data)`` returns the same kind of input
    with ``column`` rewritten (see the module docstring for the row, null and determinism
    rules). ``stats`` counts ``rows_in`` and ``rows_changed`` over calls."""

    name = "augment"

    def __init__(self, seed: int = 0) -> None:
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise ConfigError(f"seed={seed!r}: must be an integer")
        self.seed = seed
        self.stats: Counter[str] = Counter()
        self._key: bytes | None = None

    def _params(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def _rng(self, text: str, copy: int) -> random.Random:
        """The row's generator: BLAKE2b of the text, keyed by the class and parameters, salted
        with the copy index (plain bytes state, so mappers pickle for process pools and Ray)."""
        if self._key is None:
            params = repr((type(self).__name__, self.seed, self._params())).encode()
            self._key = hashlib.blake2b(params, digest_size=32).digest()
        h = hashlib.blake2b(
            text.encode("utf-8", "surrogatepass"),
            digest_size=16,
            key=self._key,
            salt=copy.to_bytes(16, "little", signed=True),
        )
        return random.Random(int.from_bytes(h.digest(), "little"))

    def _augment(self, text: str, rng: random.Random) -> str:
        raise NotImplementedError

    def augment_text(self, text: str, copy: int = 0) -> str:
        """The augmentation of one string (what ``apply`` does to each row's text)."""
        if not text or text.isspace():
            return text
        return self._augment(text, self._rng(text, copy))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in (*self._params(), ("seed", self.seed)))
        return f"{type(self).__name__}({args})"

    def _texts(self, data: Any, column: str) -> tuple[pa.Table | None, list[str | None]]:
        table, col = text_column(data, column)
        if col.type not in _STRING_TYPES:
            raise ColumnTypeError(f"column {column!r} has type {col.type}, expected a string type")
        return table, col.to_pylist()

    def _run(self, texts: list[str | None], copy: int) -> list[str | None]:
        out = [None if t is None else self.augment_text(t, copy) for t in texts]
        self.stats["rows_in"] += len(texts)
        self.stats["rows_changed"] += sum(1 for a, b in zip(texts, out) if a != b)
        return out

    def apply(self, data: Any, column: str = "text") -> Any:
        """``data`` (table, record batch, array, pandas/polars frame...) with ``column``
        augmented, as the same kind of object; nulls stay null."""
        table, texts = self._texts(data, column)
        out = pa.array(self._run(texts, 0), type=pa.large_utf8())
        if table is None:
            return like(data, out)
        i = table.column_names.index(column)
        return like(data, table.set_column(i, pa.field(column, pa.large_utf8()), out))

    def changed(self, data: Any, column: str = "text") -> pa.Array:
        """Per row: whether ``apply`` changes the text (null rows: False; nothing counted)."""
        _, texts = self._texts(data, column)
        return pa.array(
            [t is not None and self.augment_text(t) != t for t in texts], type=pa.bool_()
        )

    def __call__(self, batch: Any, column: str = "text") -> Any:
        """``apply`` for ``ds.map(mapper, batched=True)``: a ``{column: list}`` dict (HF
        ``datasets``' default batch format) gives a dict of lists; other inputs as ``apply``."""
        if isinstance(batch, Mapping):
            table = getattr(batch, "pa_table", None)
            out = self.apply(
                table if isinstance(table, pa.Table) else pa.table(dict(batch)), column
            )
            return out.to_pydict()
        return self.apply(batch, column)


class RandomDeletion(AugmentMapper):
    """Deletes each unit (word or character, see ``unit``) independently with probability
    ``p``. A text with at least one unit keeps at least one: when every unit is drawn for
    deletion, one of them (chosen at random) stays."""

    name = "random_deletion"

    def __init__(self, p: float = 0.1, seed: int = 0, unit: Unit = "auto") -> None:
        super().__init__(seed)
        _check_p("p", p)
        _check_unit(unit)
        self.p = float(p)
        self.unit: Unit = unit

    def _params(self) -> tuple[Any, ...]:
        return (("p", self.p), ("unit", self.unit))

    def _augment(self, text: str, rng: random.Random) -> str:
        parts, _ = _split(text, self.unit)
        n = len(parts) // 2
        drop = _geometric_positions(rng, n, self.p)
        if not drop:
            return text
        if len(drop) == n:
            del drop[rng.randrange(n)]
        for k, i in enumerate(drop):
            j = 2 * i + 1
            parts[j] = ""
            if k == i:  # every unit before this one is deleted too: drop the run after it
                parts[j + 1] = ""
            elif i == n - 1:  # the last unit: keep the trailing whitespace
                parts[j - 1] = ""
            else:  # keep the run with more line breaks (the earlier one on a tie)
                before, after = parts[j - 1], parts[j + 1]
                parts[j + 1] = after if _newlines(after) > _newlines(before) else before
                parts[j - 1] = ""
        return "".join(parts)


class _CountedMapper(AugmentMapper):
    """A mapper applied ``n`` times (default once) or ``max(1, round(ratio * units))`` times."""

    def __init__(
        self, n: int | None = None, ratio: float | None = None, seed: int = 0, unit: Unit = "auto"
    ) -> None:
        super().__init__(seed)
        self.n, self.ratio = _count(n, ratio)
        _check_unit(unit)
        self.unit: Unit = unit

    def _params(self) -> tuple[Any, ...]:
        return (("n", self.n), ("ratio", self.ratio), ("unit", self.unit))


class RandomSwap(_CountedMapper):
    """Swaps the contents of two distinct random units, ``n`` times (default once) or
    ``max(1, round(ratio * units))`` times; whitespace stays where it was. The multiset of units
    never changes. Texts with fewer than two units are unchanged."""

    name = "random_swap"

    def _augment(self, text: str, rng: random.Random) -> str:
        parts, _ = _split(text, self.unit)
        n = len(parts) // 2
        if n < 2:
            return text
        times = _times(self.n, self.ratio, n)
        randrange = rng.randrange
        for _ in range(times):
            a = randrange(n)
            b = randrange(n - 1)
            b += b >= a
            ia, ib = 2 * a + 1, 2 * b + 1
            parts[ia], parts[ib] = parts[ib], parts[ia]
        return "".join(parts)


class RandomInsertion(_CountedMapper):
    """Inserts a copy of a random unit of the text at a random position (before any unit or
    after the last), ``n`` times (default once) or ``max(1, round(ratio * units))`` times.
    EDA inserts a synonym; without a synonym dictionary qfast repeats a unit of the text itself.
    The copies come from the original units, and an inserted word is separated from its
    neighbour by one space (an inserted character by nothing). Texts without units are
    unchanged."""

    name = "random_insertion"

    def _augment(self, text: str, rng: random.Random) -> str:
        parts, u = _split(text, self.unit)
        n = len(parts) // 2
        if n == 0:
            return text
        units = parts[1::2]
        times = _times(self.n, self.ratio, n)
        sep = _INSERT_SEP[u]
        randrange = rng.randrange
        cur = n
        for _ in range(times):
            word = units[randrange(n)]
            q = randrange(cur + 1)
            if q < cur:  # before unit q
                parts[2 * q + 1 : 2 * q + 1] = [word, sep]
            else:  # after the last unit, before the trailing whitespace
                parts[2 * cur : 2 * cur] = [sep, word]
            cur += 1
        return "".join(parts)


_OPS = ("delete", "insert", "substitute", "swap")


class CharNoise(AugmentMapper):
    """Typo-like noise on code points: each non-whitespace character is picked with probability
    ``p`` and gets one operation drawn uniformly from ``ops``:

    * ``delete``: the character is removed;
    * ``insert``: a character is inserted before it;
    * ``substitute``: it is replaced by a different character;
    * ``swap``: it is exchanged with the next character, when that one is a different
      non-whitespace character (otherwise it is left as is); a character moved by a swap is not
      picked again.

    Inserted and replacement characters are drawn (weighted by frequency) from the text's own
    non-whitespace characters, so the text's scripts are not mixed; a text made of one repeated
    character cannot get a substitution. Whitespace is never touched."""

    name = "char_noise"

    def __init__(self, p: float = 0.05, seed: int = 0, ops: Sequence[str] = _OPS) -> None:
        super().__init__(seed)
        _check_p("p", p)
        ops = tuple(ops)
        if not ops or any(o not in _OPS for o in ops):
            raise ConfigError(f"ops={ops!r}: use a non-empty subset of {_OPS}")
        self.p = float(p)
        self.ops = ops

    def _params(self) -> tuple[Any, ...]:
        return (("p", self.p), ("ops", self.ops))

    @staticmethod
    def _draw(text: str, rng: random.Random, avoid: str | None) -> str | None:
        """A random non-whitespace character of ``text`` other than ``avoid`` (None if 16 draws
        did not find one)."""
        n = len(text)
        for _ in range(16):
            c = text[rng.randrange(n)]
            if c != avoid and not c.isspace():
                return c
        return None

    def _augment(self, text: str, rng: random.Random) -> str:
        picked = _geometric_positions(rng, len(text), self.p)
        if not picked:
            return text
        out: list[str] = []
        cursor = 0
        ops = self.ops
        nops = len(ops)
        n = len(text)
        for i in picked:
            c = text[i]
            if i < cursor or c.isspace():
                continue
            op = ops[rng.randrange(nops)] if nops > 1 else ops[0]
            if op == "delete":
                out.append(text[cursor:i])
                cursor = i + 1
            elif op == "insert":
                new = self._draw(text, rng, None)
                if new is not None:
                    out.append(text[cursor:i])
                    out.append(new)
                    cursor = i
            elif op == "substitute":
                new = self._draw(text, rng, c)
                if new is not None:
                    out.append(text[cursor:i])
                    out.append(new)
                    cursor = i + 1
            else:  # swap with the next character
                if i + 1 < n:
                    d = text[i + 1]
                    if d != c and not d.isspace():
                        out.append(text[cursor:i])
                        out.append(d + c)
                        cursor = i + 2
        out.append(text[cursor:])
        return "".join(out)


class Augment(AugmentMapper):
    """Several augmentation mappers in order, in one pass per row.

    With ``copies=k`` every input row becomes ``k`` consecutive output rows (all other columns
    repeated, labels included) whose text is augmented with copy indices ``0..k-1`` (so the
    copies differ from one another), and a ``copy_column`` (int32, default ``"augmented"``)
    numbers them. With ``include_original=True`` copy ``0`` is the unchanged row and the ``k``
    augmented copies are numbered ``1..k``. The ``j``-th augmented copy of a row is the same
    whatever ``k`` and ``include_original`` are, and the first equals what ``apply`` without
    ``copies`` gives. For array inputs the copies are returned without a
    numbering column (row-major: the copies of row 0, then of row 1...). Without ``copies`` the
    rows are augmented in place like any mapper."""

    name = "augment"

    def __init__(
        self,
        *mappers: AugmentMapper,
        copies: int | None = None,
        include_original: bool = False,
        copy_column: str = "augmented",
    ) -> None:
        super().__init__(0)
        if not mappers:
            raise ConfigError("Augment needs at least one mapper")
        for m in mappers:
            if not isinstance(m, AugmentMapper):
                raise ConfigError(
                    f"Augment takes augmentation mappers, got {type(m).__name__} "
                    "(qfast.clean mappers run through their own apply)"
                )
        if copies is not None and (
            not isinstance(copies, int) or isinstance(copies, bool) or copies < 1
        ):
            raise ConfigError(f"copies={copies!r}: must be an integer >= 1")
        if include_original and copies is None:
            raise ConfigError("include_original=True needs copies=k")
        self.mappers = mappers
        self.copies = copies
        self.include_original = include_original
        self.copy_column = copy_column

    def _params(self) -> tuple[Any, ...]:
        return tuple(repr(m) for m in self.mappers)

    def __repr__(self) -> str:
        args = ", ".join(repr(m) for m in self.mappers)
        return (
            f"Augment({args}, copies={self.copies!r}, include_original={self.include_original!r})"
        )

    def augment_text(self, text: str, copy: int = 0) -> str:
        for m in self.mappers:
            text = m.augment_text(text, copy)
        return text

    def apply(self, data: Any, column: str = "text") -> Any:
        if self.copies is None:
            return super().apply(data, column)
        table, texts = self._texts(data, column)
        if table is not None and self.copy_column in table.column_names:
            raise ConfigError(f"copy_column {self.copy_column!r} already exists in the input")
        k = self.copies
        per_row = k + self.include_original
        variants: list[list[str | None]] = []
        if self.include_original:
            variants.append(texts)
        for c in range(k):
            variants.append(self._run(texts, c))
        self.stats["rows_out"] += per_row * len(texts)
        # Row-major: row 0's copies, then row 1's...
        flat = [v[i] for i in range(len(texts)) for v in variants]
        out = pa.array(flat, type=pa.large_utf8())
        if table is None:
            return like(data, out)
        idx = pa.array([i for i in range(table.num_rows) for _ in range(per_row)], pa.int64())
        rep = unview(table).take(idx)
        i = rep.column_names.index(column)
        rep = rep.set_column(i, pa.field(column, pa.large_utf8()), out)
        numbers = pa.array([c for _ in range(table.num_rows) for c in range(per_row)], pa.int32())
        rep = rep.append_column(self.copy_column, numbers)
        return like(data, rep)


__all__ = [
    "AugmentMapper",
    "RandomDeletion",
    "RandomSwap",
    "RandomInsertion",
    "CharNoise",
    "Augment",
    "text_unit",
]
