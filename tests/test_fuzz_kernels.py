"""Hypothesis runs over every rule kernel with arbitrary text and over the fastText reader with
mutated model files: no crash, a clear error or a consistent result. QFAST_FUZZ_EXAMPLES
raises the number of examples per test for long runs (the suite default is small)."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qfast
from qfast.errors import ModelFileError

N = int(os.environ.get("QFAST_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=N, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)

PII = qfast.PIIFormatter(
    remove_ipv6=True, remove_phones=True, remove_credit_cards=True, remove_ibans=True
)
BAD = qfast.C4BadWords(
    lists={"en": ["bad", "two words", ""], "zh": ["坏"]}, keep_fraction=0.5, seed=1
)
URL = qfast.URLFilter(
    use_integrated_lists=False,
    extra_domains=["example.com"],
    banned_words=["porn"],
    banned_subwords=["xxx"],
    soft_banned_words=["hot", "girls"],
    psl_path=None,
    on_missing_url="keep",
)
REGEX = qfast.RegexFilter([r"\w+@\w+", r"(\w)\1\1", r"(?<=\$)\d+", r"^\s*$"])
WORDS = qfast.WordList(["spam", "ホテル", "c++"])
CLEAN = qfast.Clean(
    qfast.StripHTML(),
    qfast.FixMojibake(),
    qfast.NormalizeUnicode("NFKC"),
    qfast.SymbolLinesRemover("<sym>"),
    qfast.NormalizeWhitespace(0),
)


@FUZZ
@given(st.lists(st.one_of(st.none(), TEXT), min_size=1, max_size=8))
def test_rule_kernels_never_crash(rows: list[str | None]) -> None:
    arr = pa.array(rows, type=pa.large_string())
    red = PII.redact(arr)
    assert red.num_rows == len(rows)
    for t, r, ch in zip(rows, red["text"].to_pylist(), red["changed"].to_pylist()):
        assert (t is None) == (r is None)
        assert ch == (t is not None and r != t)
    langs = pa.array(["en" if i % 2 else "zh" for i in range(len(rows))])
    assert BAD.verdict(pa.table({"text": arr, "language": langs})).num_rows == len(rows)
    assert URL.verdict(pa.table({"url": arr})).num_rows == len(rows)
    for f in (REGEX, WORDS):
        m = f.matched(arr).to_pylist()
        assert [x is None for x in m] == [t is None for t in rows]
    cleaned = CLEAN.apply(arr).to_pylist()
    assert [x is None for x in cleaned] == [t is None for t in rows]


@pytest.fixture(scope="module")
def model_bytes() -> bytes:
    return Path(qfast.lid176_path()).read_bytes()


@FUZZ
@given(data=st.data())
def test_mutated_model_files_load_or_raise(
    model_bytes: bytes, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    b = bytearray(model_bytes)
    kind = data.draw(
        st.sampled_from(["truncate", "flip", "overwrite_header", "overwrite_anywhere"])
    )
    if kind == "truncate":
        b = b[: data.draw(st.integers(0, len(b) - 1))]
    elif kind == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            i = data.draw(st.integers(0, len(b) - 1))
            b[i] ^= 1 << data.draw(st.integers(0, 7))
    else:
        hi = 200 if kind == "overwrite_header" else len(b) - 8
        i = data.draw(st.integers(0, hi))
        v = data.draw(st.sampled_from([0, 1, -1, 2**31 - 1, -(2**31), 2**62, 255]))
        b[i : i + 8] = v.to_bytes(8, "little", signed=True)
    p = tmp_path_factory.mktemp("m") / "mutated.ftz"
    p.write_bytes(bytes(b))
    try:
        m = qfast.FastText(p)
    except ModelFileError:
        return
    out = m.predict(pa.array(["hello world", "", "bonjour à tous", None]), k=None)
    assert out.num_rows == 4


@FUZZ
@given(st.lists(TEXT, min_size=1, max_size=5))
def test_language_id_on_arbitrary_text(rows: list[str]) -> None:
    v = qfast.LanguageFilter().verdict(pa.array(rows))
    scores = v["language_score"].to_pylist()
    assert all(0.0 <= s <= 1.0 + 1e-4 for s in scores)
