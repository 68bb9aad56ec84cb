"""URLFilter parity with datatrove 0.10.1's URLFilter (golden file and sampled block lists
from scripts/gen_golden_url.py; tldextract's bundled public suffix list on both sides)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import qfast
from qfast.errors import ConfigError

GOLDEN = Path(__file__).parent / "golden" / "url"


def _lines(name: str) -> list[str]:
    return (GOLDEN / f"{name}.txt").read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.fixture(scope="module")
def url_filter() -> qfast.URLFilter:
    return qfast.URLFilter(
        use_integrated_lists=False,
        extra_domains=_lines("domains"),
        extra_urls=_lines("urls"),
        banned_words=_lines("banned_words"),
        banned_subwords=_lines("banned_subwords"),
        soft_banned_words=_lines("soft_banned_words"),
    )


def test_reasons_match_datatrove(url_filter: qfast.URLFilter) -> None:
    gold = pq.read_table(GOLDEN / "verdicts.parquet").to_pydict()
    v = url_filter.verdict(pa.table({"url": gold["url"]}))
    got = v["reason"].to_pylist()
    bad = [(u, w, g) for u, w, g in zip(gold["url"], gold["reason"], got) if w != g]
    n = len(got)
    print(
        f"\nURLFilter parity: {n - len(bad)}/{n} URLs with the same verdict and reason; "
        f"datatrove reasons {dict(Counter(gold['reason']))}"
    )
    for u, w, g in bad[:30]:
        print(f"  {u!r}: datatrove {w}, qfast {g}")
    assert not bad


def test_allow_list_comes_first() -> None:
    f = qfast.URLFilter(
        use_integrated_lists=False, extra_domains=["bad.com"], allowed_domains=["ok.bad.com"]
    )
    v = f.verdict(pa.table({"url": ["https://ok.bad.com/x", "https://www.bad.com/x"]}))
    assert v["reason"].to_pylist() == [None, "domain"]


def test_missing_urls_and_pipeline() -> None:
    f = qfast.URLFilter(use_integrated_lists=False, banned_words=["porn"])
    t = pa.table({"text": ["a", "b", "c"], "url": ["http://x.com/porn", None, "https://ok.org/"]})
    with pytest.raises(ConfigError, match="row 1"):
        f.verdict(t)
    keep = qfast.URLFilter(use_integrated_lists=False, banned_words=["porn"], on_missing_url="keep")
    assert keep.verdict(t)["keep"].to_pylist() == [False, True, True]
    drop = qfast.URLFilter(use_integrated_lists=False, banned_words=["porn"], on_missing_url="drop")
    out = qfast.Pipeline([drop]).run(t)
    assert out.data["text"].to_pylist() == ["c"]
    assert out.verdict["reason"].to_pylist() == ["hard_blacklisted", "missing_url", None]
