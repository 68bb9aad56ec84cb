"""Cleaning mappers against their references: datatrove's SymbolLinesFormatter and ftfy's
encoding repair (golden files from scripts/gen_golden_clean.py), Python's unicodedata and
html.unescape (standard library, called directly)."""

from __future__ import annotations

import hashlib
import html
import random
import unicodedata
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import qfast

GOLDEN = Path(__file__).parent / "golden" / "clean"
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval_data"
FILES = [
    "web_html_extracted",
    "web_dclm_human_quality",
    "web_cc_text_samples",
    "ja_kwdlc_web_leads",
]


def _h(s: str) -> bytes:
    return hashlib.blake2b(s.encode(), digest_size=8).digest()


def _mojibake(t: str) -> str | None:
    if t.isascii():
        return None
    return "".join(
        bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
        for b in t.encode("utf-8")
    )


@pytest.fixture(scope="module")
def texts() -> list[str]:
    out: list[str] = []
    for stem in FILES:
        out += [
            t
            for t in pq.read_table(EVAL / f"{stem}.parquet", columns=["text"])
            .column("text")
            .to_pylist()
            if t
        ]
    return out


def _changed(mapper: qfast.clean.Mapper, rows: list[str]) -> dict[int, bytes]:
    out = mapper.apply(pa.array(rows)).to_pylist()
    return {i: _h(o) for i, (o, t) in enumerate(zip(out, rows)) if o != t}


def test_symbol_lines_match_datatrove(texts: list[str]) -> None:
    gold = pq.read_table(GOLDEN / "symbol_lines.parquet")
    want = dict(zip(gold["pos"].to_pylist(), gold["blake2b"].to_pylist()))
    got = _changed(qfast.SymbolLinesRemover(), texts)
    bad = sorted(p for p in set(want) | set(got) if want.get(p) != got.get(p))
    print(
        f"\nSymbolLinesRemover vs datatrove: {len(texts) - len(bad)}/{len(texts)} rows identical ({len(want)} changed)"
    )
    assert not bad, bad[:20]


def test_mojibake_against_ftfy(texts: list[str]) -> None:
    synthetic = [m for t in texts if (m := _mojibake(t[:2000])) is not None]
    for name, rows in (("ftfy_eval", texts), ("ftfy_synthetic", synthetic)):
        gold = pq.read_table(GOLDEN / f"{name}.parquet")
        assert int(gold.schema.metadata[b"rows"]) == len(texts)
        want = dict(zip(gold["pos"].to_pylist(), gold["blake2b"].to_pylist()))
        got = _changed(qfast.FixMojibake(), rows)
        agree = sum(got.get(p) == x for p, x in want.items())
        extra = len(set(got) - set(want))
        print(
            f"\nFixMojibake vs ftfy ({name}): same output on {agree}/{len(want)} rows ftfy changes "
            f"({100 * agree / max(1, len(want)):.2f}%); {extra} rows changed by qfast only"
        )
        if name == "ftfy_synthetic":
            assert agree / len(want) >= 0.95


def test_unicode_normalization_matches_unicodedata(texts: list[str]) -> None:
    for form in ("NFC", "NFKC"):
        out = qfast.NormalizeUnicode(form).apply(pa.array(texts)).to_pylist()
        bad = [i for i, (o, t) in enumerate(zip(out, texts)) if o != unicodedata.normalize(form, t)]
        print(f"\n{form} vs unicodedata: {len(texts) - len(bad)}/{len(texts)} rows identical")
        assert len(bad) <= len(texts) // 10_000, bad[:10]


def test_unescape_matches_html_unescape(texts: list[str]) -> None:
    rng = random.Random(5)
    pieces = [
        "&amp;",
        "&lt",
        "&notit;",
        "&#39;",
        "&#x27",
        "&#128;",
        "&#0;",
        "&#xD800;",
        "&#99999999;",
        "&bogus;",
        "&",
        "&#",
        "&#x;",
        "&AElig",
        "&copy2",
        "a",
        " ",
        "é",
        "&nbsp;",
        "&NotEqualTilde;",
    ]
    cases = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 10))) for _ in range(3000)]
    cases += [t for t in texts if "&" in t]
    out = qfast.UnescapeHTML().apply(pa.array(cases)).to_pylist()
    bad = [(c, o) for c, o in zip(cases, out) if o != html.unescape(c)]
    print(f"\nUnescapeHTML vs html.unescape: {len(cases) - len(bad)}/{len(cases)} identical")
    assert not bad, bad[:5]


def test_whitespace_html_and_stats() -> None:
    m = qfast.NormalizeWhitespace()
    t = m.apply(
        pa.table({"text": ["  a \t b\u00a0c \r\n\n\n\n x\u0007y  ", "ok", None], "id": [1, 2, 3]})
    )
    assert t["text"].to_pylist() == ["a b c\n\nxy", "ok", None] and t["id"].to_pylist() == [1, 2, 3]
    assert m.stats["rows_changed"] == 1 and m.stats["rows_in"] == 3
    s = qfast.StripHTML().apply(pa.array(["<p>Hello&nbsp;<b>world</b></p><script>x()</script>"]))
    assert s.to_pylist() == ["\nHello\u00a0world\n"]
    both = qfast.Clean(qfast.StripHTML(), qfast.NormalizeWhitespace())
    assert both.apply(pa.array(["<p>a</p><p>b &amp; c</p>"])).to_pylist() == ["a\n\nb & c"]
