"""Thai in core against datatrove 0.10.1's ``load_word_tokenizer("th")`` (``ThaiTokenizer``:
PyThaiNLP 5.4.0 newmm-safe words, crfcut sentences) on the 3,000 th rows of the lingua test
data, the 37 vectors of docs/dev/thai-spec.md, four long synthetic documents and 1,000 random
strings (golden files from scripts/gen_golden_thai.py): identical words, sentence pieces and sentence spans per row,
each disagreement listed by row id."""

from __future__ import annotations

import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import GOLDEN, REPO
from parity_data import split_parity

pytest.importorskip("pythainlp")  # the dictionary and model come from this package
import qfast  # noqa: E402
from qfast.segment import _thai  # noqa: E402

sys.path.insert(0, str(REPO / "scripts"))
from gen_golden_thai import sha256, thai_rows  # noqa: E402

HEAD = json.loads((GOLDEN / "thai" / "th_tokens_head.json").read_text())


def test_reference_data_matches_the_golden_files() -> None:
    """The golden files were made with this pythainlp and these data files."""
    assert version("pythainlp") == HEAD["reference"]["pythainlp"]
    for name, digest in HEAD["sha256"].items():
        assert sha256(name) == digest, name


def test_words_sentences_and_spans_identical_to_datatrove(eval_data: Path) -> None:
    ids, texts = thai_rows(eval_data)
    assert HEAD["rows"] == len(ids)
    col = pa.array(texts, type=pa.large_string())
    words = qfast.words(col, language="th").to_pylist()
    assert words[: len(HEAD["head"])] == HEAD["head"]
    state = _thai()
    spans = [[f"{a},{b}" for a, b in state.span_tokenize(x)] for x in texts]
    for what, ours in (
        ("token", words),
        ("sentence", qfast.sentences(col, language="th").to_pylist()),
        ("span", spans),
    ):
        golden = GOLDEN / "thai" / f"th_datatrove_{what}_hashes.bin"
        bad = split_parity(f"datatrove th {what}s", ids, ours, golden)
        assert len(bad) <= len(ids) // 1000
        special = [ids[i] for i in bad if ids[i].startswith(("long-", "spec-", "fuzz-"))]
        assert not special, special


def test_minhash_shingles_identical_to_datatrove(eval_data: Path) -> None:
    """``MinHash(language="th")`` shingles (default 5-grams) as datatrove's
    ``MinhashDedupSignature(language="th").get_shingles``."""
    ids, texts = thai_rows(eval_data)
    mh = qfast.MinHash(language="th")
    ours = [[str(v) for v in mh.shingles_of(x)] for x in texts]
    golden = GOLDEN / "thai" / "th_datatrove_minhash_hashes.bin"
    bad = split_parity("datatrove th minhash shingles", ids, ours, golden)
    assert len(bad) <= len(ids) // 1000


def test_state_methods_agree_with_the_column_functions() -> None:
    state = _thai()
    assert len(state) > 60_000
    texts = ["ผมชื่อสมชาย ผมอายุ 25 ปี", "", "   ", "ไทย   \n  ไทย", "ก้ม ๆ เงย ๆ ทั้งวัน"]
    col = pa.array(texts)
    assert qfast.words(col, language="th").to_pylist() == [state.word_tokenize(x) for x in texts]
    assert state.sent_tokenize("ไทย   \n  ไทย") == ["ไทย", "ไทย"]
    assert state.span_tokenize("ไทย   \n  ไทย") == [(0, 3), (9, 12)]
    assert state.span_tokenize("  สวัสดีครับ ") == [(0, 13)]
    assert state.span_tokenize("") == [] and state.span_tokenize(" \n") == []


def test_edges_and_proxies() -> None:
    out = qfast.words(
        pa.array(["", None, " \n", "ไม่รู้ไม่ชี้\u00a0ทำไม\u200bกัน", "a\x00ไทย"]), language="th"
    ).to_pylist()
    assert out[0] == [] and out[1] is None and out[2] == []
    assert out[3] == ["ไม่รู้ไม่ชี้", "ทำไม", "\u200b", "กัน"]
    assert "".join(out[4]) == "a\x00ไทย"
    sents = qfast.sentences(pa.array(["", " \n", "ไทย   \n  ไทย"]), language="th").to_pylist()
    assert sents == [[""], [" \n"], ["ไทย", "   \n  ไทย"]]
    # datatrove's table: Thai-script proxies and plain ms/msa use the Thai tokenizer too
    for lang in ("tha_Thai", "th_Thai", "urk", "ms", "msa"):
        assert qfast.languages.datatrove_tokenizer(lang) == "ThaiTokenizer"
        assert qfast.words(pa.array(["สวัสดีครับ"]), language=lang).to_pylist() == [["สวัสดี", "ครับ"]]


def test_golden_digest_format() -> None:
    """The digests are the ones gen_golden_jieba.digest makes (8-byte blake2b)."""
    raw = (GOLDEN / "thai" / "th_datatrove_token_hashes.bin").read_bytes()
    assert len(raw) == 8 * HEAD["rows"]
    first = hashlib.blake2b("\x01".join(HEAD["head"][0]).encode(), digest_size=8).digest()
    assert raw[:8] == first
