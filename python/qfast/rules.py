"""Rule filters: datatrove's ``C4BadWordsFilter`` (word lists per language, matched in one
Aho-Corasick pass by the core) and ``URLFilter`` (domain, URL and word block lists).

Word lists are read from files the user names: one file per language, one word per line
(the LDNOOBW layout datatrove downloads; qfast never downloads). datatrove pins
``github.com/LDNOOBW/List-of-Dirty-Naughty-Obscene-and-Otherwise-Bad-Words`` at commit
``25e679f0`` for ``en`` and ``5faf2ba4`` for the other languages.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import _qfast
from ._input import filter_rows, like, text_column
from ._steps import RowStep, reasons
from .errors import ConfigError

_REASON = "document_removed_with_badwords"


def _read_list(path: str | os.PathLike[str]) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f]


class C4BadWords(RowStep):
    """datatrove ``C4BadWordsFilter``: drop a row whose lowercased text contains a listed word
    of its language (word-bounded by ``\\W``, except plain substrings for ja, th and zh; the ja
    and zh allowlists apply to every language, as in datatrove). With ``keep_fraction > 0`` a
    row with a hit is kept with that probability, drawn from numpy's ``default_rng(seed)`` in
    row order (so a seeded run reproduces datatrove's choices).

    ``lists``: language -> a word-list file, or the words themselves; ``lists_dir``: a directory
    of files named by language code. The row's language comes from ``language_column`` when
    the input table has it (null or absent: ``default_language``). A language without a list
    raises :class:`~qfast.errors.ConfigError` naming the row, or, with
    ``fail_on_missing_language=False``, keeps the row and counts it.
    """

    name = "c4_badwords"
    reason = _REASON

    def __init__(
        self,
        lists: dict[str, str | os.PathLike[str] | list[str]] | None = None,
        lists_dir: str | os.PathLike[str] | None = None,
        keep_fraction: float = 0.0,
        fail_on_missing_language: bool = True,
        seed: int | None = None,
        default_language: str = "en",
        language_column: str = "language",
    ) -> None:
        words: dict[str, list[str]] = {}
        if lists_dir is not None:
            d = Path(lists_dir)
            if not d.is_dir():
                raise ConfigError(f"lists_dir={str(d)!r} is not a directory")
            for p in sorted(d.iterdir()):
                if p.is_file() and not p.name.startswith("."):
                    words[p.name] = _read_list(p)
        for lang, src in (lists or {}).items():
            words[lang] = list(src) if isinstance(src, list) else _read_list(src)
        if not words:
            raise ConfigError("C4BadWords needs word lists: pass lists= or lists_dir=")
        if seed is not None and seed < 0:
            raise ConfigError(f"seed={seed}: numpy seeds are non-negative")
        self.languages = sorted(words)
        self.keep_fraction = keep_fraction
        self.fail_on_missing_language = fail_on_missing_language
        self.default_language = default_language
        self.language_column = language_column
        self._state = _qfast.BadWordsState(sorted(words.items()), keep_fraction, seed)
        self.stats: Counter[str] = Counter()

    def _codes(self, data: Any, column: str) -> tuple[pa.Array, pa.Array | None]:
        table, col = text_column(data, column)
        langs = None
        if table is not None and self.language_column in table.column_names:
            langs = table.column(self.language_column)
            if pa.types.is_null(langs.type):  # an all-null column: every row uses the default
                langs = None
        codes = self._state.verdicts(
            col, column, langs, self.language_column, self.default_language
        )
        return codes, langs

    def _count(self, prefix: str, langs: Any) -> None:
        for v, n in zip(*pc.value_counts(langs).flatten()):
            self.stats[prefix + v.as_py()] += n.as_py()

    def verdict(self, data: Any, column: str = "text") -> pa.Table:
        """``keep`` and ``reason`` per row (reason ``document_removed_with_badwords``, or
        ``null_text``)."""
        codes, langs = self._codes(data, column)
        lang = (
            pc.fill_null(langs, self.default_language)
            if langs is not None
            else pa.array([self.default_language] * len(codes))
        )
        missing = pc.fill_null(pc.equal(codes, 3), False)
        if pc.any(missing).as_py():
            if self.fail_on_missing_language:
                i = pc.index(missing, True).as_py()
                raise ConfigError(
                    f"row {i}: no bad-words list for language {lang[i].as_py()!r} "
                    f"(lists: {self.languages}); pass fail_on_missing_language=False to keep such rows"
                )
            self._count("missing_badwords_lang_", pc.filter(lang, missing))
        hit = pc.fill_null(pc.is_in(codes, pa.array([1, 2], pa.int8())), False)
        self.stats["documents_with_badwords"] += pc.sum(hit).as_py() or 0
        self._count("documents_with_badwords_", pc.filter(lang, hit))
        self._count(
            "document_removed_with_badwords_",
            pc.filter(lang, pc.fill_null(pc.equal(codes, 1), False)),
        )
        keep = pc.fill_null(pc.not_equal(codes, 1), False)
        return pa.table({"keep": keep, "reason": reasons(pc.is_null(codes), keep, _REASON)})


def _parse(items: Any, normalize: bool) -> list[str]:
    """datatrove's ``parse_list``: skip entries starting with ``#``; normalize words (keep only
    ``[a-zA-Z0-9]``, lowercase) or strip domains and URLs."""
    out = []
    for x in items:
        if x[:1] == "#":
            continue
        out.append(
            "".join(c for c in x if c.isascii() and c.isalnum()).lower() if normalize else x.strip()
        )
    return out


def _datatrove_assets() -> Path:
    try:
        from importlib.resources import files

        p = Path(str(files("datatrove") / "assets"))
    except ModuleNotFoundError:
        raise ConfigError(
            "use_integrated_lists=True reads the block lists datatrove ships in its PyPI package: "
            "pip install datatrove, or pass use_integrated_lists=False with your own lists"
        ) from None
    if not (p / "url_filterblacklistsv0_3_0.tar.gz").is_file():
        raise ConfigError(f"datatrove is installed but its URL block lists are missing from {p}")
    return p


def _default_psl() -> str:
    try:
        from importlib.resources import files

        p = files("tldextract") / ".tld_set_snapshot"
    except ModuleNotFoundError:
        raise ConfigError(
            "URLFilter needs the public suffix list: pip install 'qfast[url]' (tldextract ships "
            "a snapshot), or pass psl_path= to a public_suffix_list.dat"
        ) from None
    return p.read_text(encoding="utf-8")


class URLFilter(RowStep):
    """datatrove ``URLFilter`` on a URL column (``url_column``, datatrove's
    ``metadata["url"]``). Checks in datatrove's order, with its reasons: the registered domain
    (``domain``) or full host (``subdomain``) is block-listed, the URL is (``url``), a banned
    word is one of the URL's alphanumeric runs (``hard_blacklisted``; runs are not lowercased,
    as in datatrove), at least ``soft_word_threshold`` soft words are (``soft_blacklisted``), or
    a banned subword occurs in the normalized URL (``blacklisted_subword``).

    Domains are split with the public suffix list the way ``tldextract`` does (public rules
    only, case kept); by default the snapshot ``tldextract`` ships (``pip install 'qfast[url]'``)
    — datatrove's ``TLDExtract()`` fetches the live list when it can, so a newer list may split
    a few new suffixes differently. ``use_integrated_lists`` loads the block lists datatrove
    ships in its package. ``allowed_domains`` (not in datatrove) keeps any URL whose registered
    domain or full host is listed, before every other check. A null or empty URL raises
    (datatrove asserts) unless ``on_missing_url`` is ``"keep"`` or ``"drop"`` (reason
    ``missing_url``).
    """

    name = "url"
    reason = "url_filter"

    def __init__(
        self,
        soft_word_threshold: int = 2,
        extra_domains: Any = None,
        extra_urls: Any = None,
        banned_words: Any = None,
        banned_subwords: Any = None,
        soft_banned_words: Any = None,
        use_integrated_lists: bool = True,
        psl_path: str | os.PathLike[str] | None = None,
        url_column: str = "url",
        on_missing_url: str = "error",
        allowed_domains: Any = None,
    ) -> None:
        if on_missing_url not in ("error", "keep", "drop"):
            raise ConfigError(f"on_missing_url={on_missing_url!r}: use 'error', 'keep' or 'drop'")
        domains = _parse(extra_domains or [], False)
        urls = _parse(extra_urls or [], False)
        banned = _parse(banned_words or [], True)
        subwords = _parse(banned_subwords or [], True)
        soft = _parse(soft_banned_words or [], True)
        if use_integrated_lists:
            import tarfile

            assets = _datatrove_assets()
            with tarfile.open(assets / "url_filterblacklistsv0_3_0.tar.gz", "r:gz") as tar:
                for name, dest in (("domains", domains), ("urls", urls)):
                    member = tar.extractfile(name)
                    assert member is not None
                    dest.extend(
                        _parse(member.read().decode("utf-8").splitlines(keepends=True), False)
                    )
            for fname, dest in (
                ("banned_words.txt", banned),
                ("banned_subwords.txt", subwords),
                ("soft_banned_words.txt", soft),
            ):
                with open(assets / fname, encoding="utf-8") as f:
                    dest.extend(_parse(f, True))
        psl = Path(psl_path).read_text(encoding="utf-8") if psl_path is not None else _default_psl()
        self.url_column = url_column
        self.on_missing_url = on_missing_url
        allowed = _parse(allowed_domains or [], False)
        self._state = _qfast.UrlFilterState(
            psl, domains, urls, banned, subwords, soft, soft_word_threshold, allowed
        )
        self._reasons = _qfast.UrlFilterState.reasons()
        self.stats: Counter[str] = Counter()

    def verdict(self, data: Any, column: str | None = None) -> pa.Table:
        """``keep`` and ``reason`` per row of the URL column."""
        col_name = column or self.url_column
        _, col = text_column(data, col_name)
        codes = self._state.check(col, col_name)
        missing = pc.or_(pc.is_null(codes), pc.equal(pc.fill_null(pc.binary_length(col), 0), 0))
        if self.on_missing_url == "error" and pc.any(missing).as_py():
            i = pc.index(missing, True).as_py()
            raise ConfigError(f"row {i}: column {col_name!r} has no URL (null or empty)")
        # Reason per code: 0 keep, 1.. the core's reasons; missing URLs per the policy.
        names = pa.array([None, *self._reasons], pa.large_utf8())
        reason = pc.take(names, pc.fill_null(codes, 0))
        keep = pc.equal(pc.fill_null(codes, 0), 0)
        if self.on_missing_url == "drop":
            reason = pc.if_else(missing, "missing_url", reason)
            keep = pc.and_(keep, pc.invert(missing))
        else:
            reason = pc.if_else(missing, pa.scalar(None, pa.large_utf8()), reason)
            keep = pc.or_(keep, missing)
        for r, n in zip(*pc.value_counts(pc.drop_null(reason)).flatten()):
            self.stats[r.as_py()] += n.as_py()
        return pa.table({"keep": keep, "reason": reason.cast(pa.large_utf8())})

    def _pipeline_column(self, column: str) -> str:
        return self.url_column  # the URL column, whatever the pipeline's text column is

    def filter(self, data: Any, column: str | None = None) -> Any:
        """The rows kept (a table with the URL column, or the URL array itself)."""
        table, col = text_column(data, column or self.url_column)
        keep = self.verdict(data, column).column("keep")
        return like(data, filter_rows(col if table is None else table, keep))


class _RuleFilter(RowStep):
    """Shared verdict logic of ``RegexFilter`` and ``WordList``."""

    name = "rule"
    reason = "rule"
    _state: _qfast.RulesState

    def matched(self, data: Any, column: str = "text") -> pa.Array:
        """Per row, the index of the first rule found (-1 for none, null for a null text)."""
        _, col = text_column(data, column)
        return self._state.first_match(col, column)

    def verdict(self, data: Any, column: str = "text") -> pa.Table:
        """``keep``, ``reason`` and ``matched`` (the rule's index) per row."""
        m = self.matched(data, column)
        keep = pc.fill_null(pc.equal(m, -1), False)
        return pa.table(
            {"keep": keep, "reason": reasons(pc.is_null(m), keep, self.reason), "matched": m}
        )


class RegexFilter(_RuleFilter):
    """Drop rows where any of ``patterns`` is found (datatrove's ``RegexFilter`` takes one
    pattern; here many are compiled once into one set and matched in one pass). Syntax: the
    Rust ``regex`` crate's, which covers Python's for the common cases; patterns with
    look-around or back-references run through ``fancy-regex``. Reason ``regex``; ``matched``
    names the first pattern (in list order) that is found."""

    name = "regex"
    reason = "regex"

    def __init__(self, patterns: str | list[str]) -> None:
        self.patterns = [patterns] if isinstance(patterns, str) else list(patterns)
        if not self.patterns:
            raise ConfigError("RegexFilter needs at least one pattern")
        self._state = _qfast.RulesState("regex", self.patterns)


class WordList(_RuleFilter):
    r"""Drop rows containing any word of a list (given, or read one per line from ``path``).
    ``word_boundaries``: a match must sit between non-word characters (Python's ``\W``) or the
    text's ends; ``case_sensitive=False`` lowercases text and words. One Aho-Corasick pass.
    Reason ``word_list``; ``matched`` is the index of the word found first in the text."""

    name = "word_list"
    reason = "word_list"

    def __init__(
        self,
        words: list[str] | None = None,
        path: str | os.PathLike[str] | None = None,
        word_boundaries: bool = True,
        case_sensitive: bool = False,
    ) -> None:
        items = list(words or [])
        if path is not None:
            items += [w for w in _read_list(path) if w]
        if not items:
            raise ConfigError("WordList needs words= or path=")
        self.words = items
        self._state = _qfast.RulesState("words", items, word_boundaries, case_sensitive)


__all__ = ["C4BadWords", "URLFilter", "RegexFilter", "WordList"]
