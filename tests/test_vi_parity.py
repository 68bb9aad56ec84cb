"""Vietnamese in core against datatrove 0.10.1's ``load_word_tokenizer("vi")``
(``SpaCyTokenizer("vi")``: spaCy 3.8.18's Vietnamese tokenizer over pyvi 0.1.1's CRF, plus the
sentencizer) on the 2,836 vi rows of the lingua test data, three long documents and 1,000 random
strings (golden files from scripts/gen_golden_vi.py): words, sentence pieces and MinHash shingles
per row, agreement printed and each disagreement listed by row id; fails below 99.9%."""

from __future__ import annotations

import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import GOLDEN, REPO, REPORT
from parity_data import split_parity

pytest.importorskip("pyvi")  # the word list and model come from this package
import qfast  # noqa: E402
from qfast.segment import _vietnamese  # noqa: E402

sys.path.insert(0, str(REPO / "scripts"))
from gen_golden_vi import sha256, vi_rows  # noqa: E402

HEAD = json.loads((GOLDEN / "vi" / "vi_tokens_head.json").read_text())


def test_reference_data_matches_the_golden_files() -> None:
    """The golden files were made with this pyvi and these data files."""
    assert version("pyvi") == HEAD["reference"]["pyvi"]
    for name, digest in HEAD["sha256"].items():
        assert sha256(name) == digest, name


def _check(what: str, ids: list[str], ours: list) -> None:  # type: ignore[type-arg]
    golden = GOLDEN / "vi" / f"vi_datatrove_{what}_hashes.bin"
    bad = split_parity(f"datatrove vi {what}s", ids, ours, golden)
    # split_parity lists the first 50; list every one
    REPORT.extend(f"  differs: {ids[i]} {'|'.join(ours[i])[:80]!r}" for i in bad[50:])
    assert len(bad) <= len(ids) // 1000, [ids[i] for i in bad]


def test_words_and_sentences_identical_to_datatrove(eval_data: Path) -> None:
    ids, texts = vi_rows(eval_data)
    assert HEAD["rows"] == len(ids)
    col = pa.array(texts, type=pa.large_string())
    words = qfast.words(col, language="vi").to_pylist()
    head = len(HEAD["head"])
    diff = [ids[i] for i in range(head) if words[i] != HEAD["head"][i]]
    assert not diff, diff
    _check("token", ids, words)
    _check("sentence", ids, qfast.sentences(col, language="vi").to_pylist())


def test_minhash_shingles_identical_to_datatrove(eval_data: Path) -> None:
    """``MinHash(language="vi")`` shingles (default 5-grams) as datatrove's
    ``MinhashDedupSignature(language="vi").get_shingles``."""
    ids, texts = vi_rows(eval_data)
    mh = qfast.MinHash(language="vi")
    _check("minhash", ids, [[str(v) for v in mh.shingles_of(x)] for x in texts])


def test_state_and_edges() -> None:
    state = _vietnamese()
    assert len(state) > 20_000
    assert state.pyvi_tokenize("") == [] and state.pyvi_tokenize(" \n") == [" \n"]
    out = qfast.words(
        pa.array(["", None, " \n", "Tôi là sinh viên  Đại học Bách khoa Hà Nội.", "a\x00b"]),
        language="vi",
    ).to_pylist()
    assert out[0] == [] and out[1] is None and out[2] == []
    assert "".join(out[3]).replace(" ", "") == "TôilàsinhviênĐạihọcBáchkhoaHàNội."
    assert "".join(out[4]) == "a\x00b"
    sents = qfast.sentences(pa.array(["", " \n", "Xin chào. Tạm biệt!"]), language="vi")
    assert sents.to_pylist()[2] == ["Xin chào.", " Tạm biệt!"]
    for lang in ("vie", "vie_Latn", "vi_Latn"):
        assert qfast.languages.datatrove_tokenizer(lang) == "SpaCyTokenizer:vi"


def test_golden_digest_format() -> None:
    """The digests are the ones gen_golden_jieba.digest makes (8-byte blake2b)."""
    raw = (GOLDEN / "vi" / "vi_datatrove_token_hashes.bin").read_bytes()
    assert len(raw) == 8 * HEAD["rows"]
    first = hashlib.blake2b("\x01".join(HEAD["head"][0]).encode(), digest_size=8).digest()
    assert raw[:8] == first
