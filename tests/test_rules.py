"""RegexFilter and WordList against Python's own `re` on eval_data rows."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import qfast
from qfast.errors import ConfigError

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval_data"
PATTERNS = [
    r"lorem ipsum",
    r"\bclick here\b",
    r"\d{3}-\d{3}-\d{4}",
    r"(?i)javascript",
    r"<[^>]+>",
    r"(\w)\1\1\1",  # back-reference: runs through fancy-regex
    r"(?<=\$)\d+",  # look-behind: fancy-regex
    r"^\s*$",
    r"[\u4e00-\u9fff]{20}",
    r"\b[A-Z]{5,}\b",
]
WORDS = ["cookie", "privacy policy", "subscribe", "ホテル", "酒店", "c++", "e-mail", "the end"]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    out: list[str] = []
    for stem in (
        "web_html_extracted",
        "web_dclm_human_quality",
        "web_cc_text_samples",
        "ja_kwdlc_web_leads",
    ):
        out += [
            t
            for t in pq.read_table(EVAL / f"{stem}.parquet", columns=["text"])
            .column("text")
            .to_pylist()
            if t
        ]
    zh = pq.read_table(EVAL / "zh_reviews_chinesenlpcorpus.parquet", columns=["text"]).column(
        "text"
    )
    return out + [t for t in zh.to_pylist()[:5000] if t]


def test_regex_filter_matches_python_re(texts: list[str]) -> None:
    f = qfast.RegexFilter(PATTERNS)
    got = f.matched(pa.array(texts)).to_pylist()
    compiled = [re.compile(p) for p in PATTERNS]
    want = [next((i for i, r in enumerate(compiled) if r.search(t)), -1) for t in texts]
    bad = [(i, w, g) for i, (w, g) in enumerate(zip(want, got)) if w != g]
    print(
        f"\nRegexFilter vs re.search: {len(texts) - len(bad)}/{len(texts)} rows agree on the first matching pattern"
    )
    for i, w, g in bad[:20]:
        print(f"  row {i}: re {w}, qfast {g}: {texts[i][:80]!r}")
    assert not bad
    v = f.verdict(pa.array(["nothing", "lorem ipsum", None]))
    assert v["keep"].to_pylist() == [True, False, False]
    assert v["reason"].to_pylist() == [None, "regex", "null_text"]
    with pytest.raises(ConfigError):
        qfast.RegexFilter("(")


def test_word_list_matches_a_python_reference(texts: list[str]) -> None:
    f = qfast.WordList(WORDS)
    got = f.matched(pa.array(texts)).to_pylist()
    pats = [re.compile(r"(?:\W|^)(" + re.escape(w.lower()) + r")(?=\W|$)") for w in WORDS]

    def first(t: str) -> int:
        low = t.lower()
        hits = [(m.start(1), i) for i, p in enumerate(pats) for m in [p.search(low)] if m]
        return min(hits)[1] if hits else -1

    want = [first(t) for t in texts]
    bad = [(i, w, g) for i, (w, g) in enumerate(zip(want, got)) if w != g]
    print(f"\nWordList vs re reference: {len(texts) - len(bad)}/{len(texts)} rows agree")
    for i, w, g in bad[:20]:
        print(f"  row {i}: re {w}, qfast {g}: {texts[i][:80]!r}")
    assert not bad
    out = qfast.Pipeline([qfast.WordList(["spam"])]).run(pa.table({"text": ["spam here", "ham"]}))
    assert out.data["text"].to_pylist() == ["ham"] and out.stats[0]["dropped_word_list"] == 1
