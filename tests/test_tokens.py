"""TokenCount with a real HF tokenizers BPE tokenizer (trained here on eval_data text, saved
as tokenizer.json): counts equal tokenizing row by row, bounds and reasons, a pipeline step."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import qfast

tokenizers = pytest.importorskip("tokenizers")


def test_counts_equal_row_by_row_encoding(texts: list[str], tokenizer_path: Path) -> None:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_path))
    rows = [*texts, None, ""]
    got = (
        qfast.TokenCount(tokenizer_path, batch_size=100)
        .signals(pa.array(rows))["token_count"]
        .to_pylist()
    )
    want = [None if t is None else len(tok.encode(t, add_special_tokens=False).ids) for t in rows]
    assert got == want
    print(
        f"\nTokenCount: {len(texts)} rows, {sum(w for w in want if w)} tokens, identical to encode() per row"
    )


def test_bounds_reasons_and_pipeline(tokenizer_path: Path) -> None:
    f = qfast.TokenCount(tokenizer_path, min_tokens=3, max_tokens=50)
    v = f.verdict(pa.array(["a b", "a normal sentence with a few words", "word " * 200, None]))
    assert v["reason"].to_pylist() == ["too_few_tokens", None, "too_many_tokens", "null_text"]
    out = qfast.Pipeline([f]).run(pa.table({"text": ["a b", "a normal sentence with a few words"]}))
    assert out.data["text"].to_pylist() == ["a normal sentence with a few words"]
    assert out.data["token_count"].to_pylist()[0] > 3
    with pytest.raises(qfast.errors.ConfigError):
        qfast.TokenCount("/no/such/tokenizer.json")
